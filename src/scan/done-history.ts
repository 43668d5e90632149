/**
 * When a reopened item was done. Jira keeps on an issue the sprint it was completed in, so after a reopen that
 * closed sprint looks like one more carry-over: only the issue's status history tells the two apart. The scan reads
 * it for the few items that need it, those the carried-over rule flags with a closed sprint that may be one they
 * were done in (mayHaveBeenDoneInSprint), and judges them again with the spans they were done in.
 *
 * What it costs, on Jira's points model (src/jira/points.ts): nothing on a page where no item needs it; else one
 * bulk changelog read of those items, their status changes only (1 point, and 1 an item with any; more pages only
 * past Jira's 1,000 changes a page), and one GET /status/{id} (2 points) for each status of their history whose
 * category the invocation does not know yet: the page's own statuses are known from the search. A 429 ends the
 * step as the search's would (the run's rate-limit handling); any other failure leaves the items judged as before,
 * each closed sprint counted.
 */
import { doneSpans, mayHaveBeenDoneInSprint, type CategoryChange, type DoneSpan } from '../domain/activity';
import type { StatusCategory } from '../domain/zombie';
import { JiraRateLimitError } from '../errors';
import type { JiraClient } from '../jira/client';
import { sprintsOf } from '../jira/fields';
import type { JiraChangeHistory, JiraIssue } from '../jira/schemas';
import type { IssuePlan } from './scan-page';
import { toScanIssue, type ScanIssue } from './snapshot';
import { retrying } from './writer';

/** Pages of one changelog read: a page holds up to 1,000 status changes, far more than a page's items make. */
const MAX_CHANGELOG_PAGES = 5;
/** Statuses looked up in one invocation, at most: a site's workflows use a few done statuses. */
const MAX_STATUS_LOOKUPS = 50;

const CATEGORIES: readonly StatusCategory[] = ['new', 'indeterminate', 'done'];
const categoryOf = (key: unknown): StatusCategory | null => CATEGORIES.find((c) => c === key) ?? null;

type Obj = Record<string, unknown>;
const text = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
/** A changelog item's own field (`toString` is one, not Object.prototype's method). */
const own = (item: Obj, key: string): string | null => (Object.hasOwn(item, key) ? text(item[key]) : null);

/** A status as a changelog item names it: by id, else (a history without ids) by name. */
function statusRef(item: Obj, side: 'from' | 'to'): string | null {
  const id = own(item, side);
  if (id) return `id:${id}`;
  const name = own(item, `${side}String`);
  return name ? `name:${name}` : null;
}

export class DoneHistoryLookup {
  /** Status categories by statusRef, for the invocation; null: not known (not found, or none named). */
  private readonly categories = new Map<string, StatusCategory | null>();
  private lookups = 0;

  constructor(private readonly jira: JiraClient) {}

  /**
   * Judges again, with the spans they were done in, the page's items that the carried-over rule flags and whose
   * closed sprints may include one they were done in. `plans` is changed in place.
   */
  async rejudge(
    issues: readonly JiraIssue[],
    plans: IssuePlan[],
    sprintField: string,
    judge: (issue: ScanIssue) => IssuePlan,
  ): Promise<void> {
    const rawOf = new Map(issues.map((raw) => [raw.key, raw]));
    const candidates = plans.flatMap((plan, index) => {
      const raw = plan.health.rules.includes('carriedOver') ? rawOf.get(plan.key) : undefined;
      return raw && mayHaveBeenDoneInSprint(sprintsOf(raw, sprintField), raw.fields.statuscategorychangedate)
        ? [{ index, raw }]
        : [];
    });
    if (candidates.length === 0) return;
    this.learn(issues);
    const spans = await this.spansOf(candidates.map((c) => c.raw.id));
    for (const { index, raw } of candidates) {
      const done = spans.get(raw.id);
      if (done?.length) plans[index] = judge(toScanIssue(raw, sprintField, done));
    }
  }

  /** The statuses the search answered, with their categories: no lookup needed for them. */
  private learn(issues: readonly JiraIssue[]): void {
    for (const raw of issues) {
      const status = raw.fields.status as Obj | null | undefined;
      const category = categoryOf(raw.fields.status?.statusCategory.key);
      if (!status || !category) continue;
      const id = text(status.id);
      if (id) this.categories.set(`id:${id}`, category);
    }
  }

  /** The spans each issue was done in, by issue id; none for an issue whose history could not be read. */
  private async spansOf(issueIds: readonly string[]): Promise<Map<string, DoneSpan[]>> {
    let logs: Awaited<ReturnType<JiraClient['bulkChangelog']>>;
    try {
      logs = await retrying(() =>
        this.jira.bulkChangelog([...issueIds], ['status'], { maxPages: MAX_CHANGELOG_PAGES }),
      );
    } catch (e) {
      if (e instanceof JiraRateLimitError) throw e;
      return new Map();
    }
    const changesOf = new Map(logs.map((log) => [log.issueId, statusChanges(log.changeHistories)]));
    for (const changes of changesOf.values())
      for (const c of changes) for (const ref of [c.from, c.to]) if (ref) await this.lookUp(ref);
    const out = new Map<string, DoneSpan[]>();
    for (const [issueId, changes] of changesOf) {
      const categorised: CategoryChange[] = changes.map((c) => ({
        at: c.at,
        from: c.from ? (this.categories.get(c.from) ?? null) : null,
        to: c.to ? (this.categories.get(c.to) ?? null) : null,
      }));
      out.set(issueId, doneSpans(categorised));
    }
    return out;
  }

  private async lookUp(ref: string): Promise<void> {
    if (this.categories.has(ref) || this.lookups >= MAX_STATUS_LOOKUPS) return;
    this.lookups += 1;
    let category: StatusCategory | null = null;
    try {
      category = categoryOf(
        await retrying(() => this.jira.getStatusCategory(ref.slice(ref.indexOf(':') + 1))),
      );
    } catch (e) {
      if (e instanceof JiraRateLimitError) throw e;
      // Not found (a status deleted since) or not answered: not known, so not taken for done.
    }
    this.categories.set(ref, category);
  }
}

/** An issue's status changes, by the statuses' refs. */
function statusChanges(
  histories: readonly JiraChangeHistory[],
): Array<{ at: string; from: string | null; to: string | null }> {
  return histories.flatMap((h) =>
    h.items
      .filter((item) => (item.fieldId ?? item.field.toLowerCase()) === 'status')
      .map((item) => ({ at: h.created, from: statusRef(item, 'from'), to: statusRef(item, 'to') })),
  );
}
