/** "Who wrote the stories?" at a glance: the few people who wrote most of the backlog, then everyone else. */

export interface ReporterRow {
  label: string;
  count: number;
  /** 0..1 of the open items. */
  share: number;
}

/** How many reporters are named before the rest fold into "others", as Jira's reports show a top five. */
export const TOP_REPORTERS = 5;

/**
 * The top `limit` reporters by count, then one row for all others ("52 others"). Folding a single person into
 * "1 other" would hide a name to save no space, so a list one longer than the limit is shown whole.
 */
export function topReporters(
  reporters: ReadonlyArray<{ reporter: string | null; count: number }>,
  total: number,
  limit = TOP_REPORTERS,
): ReporterRow[] {
  const share = (count: number) => (total ? count / total : 0);
  const sorted = [...reporters].sort((a, b) => b.count - a.count);
  const row = (r: { reporter: string | null; count: number }): ReporterRow => ({
    label: r.reporter ?? 'unknown',
    count: r.count,
    share: share(r.count),
  });
  if (sorted.length <= limit + 1) return sorted.map(row);
  const rest = sorted.slice(limit);
  const restCount = rest.reduce((sum, r) => sum + r.count, 0);
  return [
    ...sorted.slice(0, limit).map(row),
    { label: `${rest.length} others`, count: restCount, share: share(restCount) },
  ];
}
