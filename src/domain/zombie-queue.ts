/**
 * The kill review's queue as the server answers it: every flagged item read once, then filtered, sorted and
 * cut into a page here, so the page can show the total of a filter and act on "all N matching" without the
 * browser holding thousands of keys. Pure: the caller passes the rows and the time.
 */

export const QUEUE_SORTS = ['idle', 'age', 'rule', 'score', 'key'] as const;
export type QueueSort = (typeof QUEUE_SORTS)[number];

/** A rule filter, an issue type and an assignee's account id ('none' for unassigned); all optional. */
export interface QueueFilter {
  rule?: string | undefined;
  issueType?: string | undefined;
  assignee?: string | undefined;
}

export const UNASSIGNED = 'none';

export interface QueueRow {
  key: string;
  issueType: string;
  assignee: { accountId: string; displayName: string } | null;
  /** ISO times. */
  created: string;
  lastActivity: string;
  score: number | null;
  rules: string[];
}

const DAY_MS = 86_400_000;

export function daysBetween(fromIso: string, nowMs: number): number {
  const from = Date.parse(fromIso);
  return Number.isNaN(from) ? 0 : Math.max(0, Math.floor((nowMs - from) / DAY_MS));
}

export function matchesFilter(row: QueueRow, filter: QueueFilter): boolean {
  if (filter.rule && !row.rules.includes(filter.rule)) return false;
  if (filter.issueType && row.issueType !== filter.issueType) return false;
  if (filter.assignee) {
    const id = row.assignee?.accountId ?? UNASSIGNED;
    if (id !== filter.assignee) return false;
  }
  return true;
}

/** Issue keys of one project sort by their number. */
function keyNumber(key: string): number {
  return Number(key.slice(key.lastIndexOf('-') + 1)) || 0;
}

/**
 * Most urgent first: longest idle, oldest, most rules fired (then by the first rule's name), lowest score
 * (unscored items last); ties fall back to the issue key so pages never overlap.
 */
export function compareRows(sort: QueueSort): (a: QueueRow, b: QueueRow) => number {
  const byKey = (a: QueueRow, b: QueueRow) => keyNumber(a.key) - keyNumber(b.key);
  const then =
    (primary: (a: QueueRow, b: QueueRow) => number) =>
    (a: QueueRow, b: QueueRow): number =>
      primary(a, b) || byKey(a, b);
  switch (sort) {
    case 'idle':
      return then((a, b) => Date.parse(a.lastActivity) - Date.parse(b.lastActivity));
    case 'age':
      return then((a, b) => Date.parse(a.created) - Date.parse(b.created));
    case 'rule':
      return then(
        (a, b) =>
          b.rules.length - a.rules.length ||
          [...a.rules]
            .sort()
            .join(',')
            .localeCompare([...b.rules].sort().join(',')),
      );
    case 'score':
      return then((a, b) => (a.score ?? Number.POSITIVE_INFINITY) - (b.score ?? Number.POSITIVE_INFINITY));
    case 'key':
      return byKey;
  }
}

export interface QueueOptions {
  rules: Array<{ rule: string; count: number }>;
  issueTypes: Array<{ name: string; count: number }>;
  assignees: Array<{ accountId: string; displayName: string; count: number }>;
}

/** What the filters can choose from, with how many of all flagged items each holds. */
export function queueOptions(rows: readonly QueueRow[]): QueueOptions {
  const rules = new Map<string, number>();
  const types = new Map<string, number>();
  const people = new Map<string, { displayName: string; count: number }>();
  for (const row of rows) {
    for (const r of new Set(row.rules)) rules.set(r, (rules.get(r) ?? 0) + 1);
    types.set(row.issueType, (types.get(row.issueType) ?? 0) + 1);
    const id = row.assignee?.accountId ?? UNASSIGNED;
    const person = people.get(id) ?? { displayName: row.assignee?.displayName ?? 'Unassigned', count: 0 };
    person.count++;
    people.set(id, person);
  }
  const byCount = <T extends { count: number }>(a: T, b: T) => b.count - a.count;
  return {
    rules: [...rules].map(([rule, count]) => ({ rule, count })).sort(byCount),
    issueTypes: [...types].map(([name, count]) => ({ name, count })).sort(byCount),
    assignees: [...people].map(([accountId, p]) => ({ accountId, ...p })).sort(byCount),
  };
}

/** The filtered rows in the chosen order: the whole selection "all matching" acts on. */
export function selectRows(rows: readonly QueueRow[], filter: QueueFilter, sort: QueueSort): QueueRow[] {
  return rows.filter((r) => matchesFilter(r, filter)).sort(compareRows(sort));
}
