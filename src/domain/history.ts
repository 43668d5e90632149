import type { HistoryIssue } from './calibration';

/**
 * Reads one issue as Jira's REST API returns it with its changelog (`expand=changelog`, v2 or v3: bodies are
 * not read, so wiki strings and ADF documents are alike here) into the history the calibration replays.
 * Lenient: a field it cannot read is left out, and only an issue without a key or creation date is refused.
 */

/** The resolution name given to items in a done status that carry no resolution (team-managed projects). */
export const NO_RESOLUTION = '(no resolution)';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
const moment = (v: unknown): string | null => {
  if (typeof v !== 'string') return null;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
};

export interface HistoryReadOptions {
  /**
   * An account whose changes and comments are not activity: the app's own (a zombie label or comment must not
   * reset the idle clock it measures). Jira's `updated` then no longer counts either, since the app's edits
   * bump it too.
   */
  ignoreAuthor?: string | null;
}

const authorOf = (v: unknown): string | null =>
  isObj(v) && isObj(v.author) ? (text(v.author.accountId) ?? text(v.author.name)) : null;

export function historyFromRestIssue(raw: unknown, options: HistoryReadOptions = {}): HistoryIssue | null {
  if (!isObj(raw) || !isObj(raw.fields)) return null;
  const key = text(raw.key);
  const match = key ? /^([A-Z][A-Z0-9_]*)-\d+$/.exec(key) : null;
  const fields = raw.fields;
  const created = moment(fields.created);
  if (!key || !match || !created) return null;

  const activity: string[] = [];
  const changes: Array<{ at: string; to: string | null }> = [];
  const changelog = isObj(raw.changelog) ? raw.changelog : {};
  const histories = Array.isArray(changelog.histories)
    ? (changelog.histories as unknown[])
    : Array.isArray(changelog.values)
      ? (changelog.values as unknown[])
      : [];
  let lastStatusChange: string | null = null;
  const ignored = options.ignoreAuthor ?? null;
  let ignoredAny = false;
  for (const h of histories) {
    if (!isObj(h)) continue;
    const at = moment(h.created);
    if (!at) continue;
    const byIgnored = ignored !== null && authorOf(h) === ignored;
    if (byIgnored) ignoredAny = true;
    else activity.push(at);
    for (const item of Array.isArray(h.items) ? (h.items as unknown[]) : []) {
      if (!isObj(item)) continue;
      const field = text(item.fieldId) ?? text(item.field)?.toLowerCase();
      if (field === 'resolution')
        // `toString` is a data field here, read only as an own key: Object.prototype's method is not it.
        changes.push({
          at,
          to: (Object.hasOwn(item, 'toString') ? text(item['toString' as keyof Obj]) : null) ?? text(item.to),
        });
      if (field === 'status') lastStatusChange = at;
    }
  }
  const comment = fields.comment;
  const comments = Array.isArray(comment)
    ? (comment as unknown[])
    : isObj(comment) && Array.isArray(comment.comments)
      ? (comment.comments as unknown[])
      : [];
  for (const c of comments) {
    const at = isObj(c) ? moment(c.created) : null;
    if (!at) continue;
    if (ignored !== null && authorOf(c) === ignored) ignoredAny = true;
    else activity.push(at);
  }
  const updated = moment(fields.updated);
  if (updated && !ignoredAny) activity.push(updated);

  // The changelog can be cut short (Jira returns at most 100 histories inline): the fields have the last word.
  changes.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const resolution = isObj(fields.resolution) ? text(fields.resolution.name) : null;
  const category =
    isObj(fields.status) && isObj(fields.status.statusCategory) ? fields.status.statusCategory.key : null;
  const closedNow = resolution ?? (category === 'done' ? NO_RESOLUTION : null);
  const lastKnown = changes.length > 0 ? changes[changes.length - 1]!.to : null;
  if (closedNow !== null && lastKnown !== closedNow) {
    const at = moment(fields.resolutiondate) ?? lastStatusChange ?? updated ?? created;
    changes.push({ at, to: closedNow });
  } else if (closedNow === null && lastKnown !== null) {
    changes.push({ at: updated ?? created, to: null });
  }

  const issueType = isObj(fields.issuetype) ? (text(fields.issuetype.name) ?? 'Task') : 'Task';
  return { key, projectKey: match[1]!, issueType, created, activity, resolutionChanges: changes };
}
