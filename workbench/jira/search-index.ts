/**
 * Jira's search index, and how far it lags behind the issues. Jira Cloud's enhanced search
 * (`GET`/`POST /rest/api/3/search/jql`, spec operations searchAndReconsileIssuesUsingJql(Post)) says in the
 * platform OpenAPI spec: "Recent updates might not be immediately visible in the returned search results. If you
 * need read-after-write consistency, you can utilize the `reconcileIssues` parameter", which takes "max 50 ids";
 * `POST /search/approximate-count` says the same of its count. Atlassian's "Search and reconcile" page
 * (developer.atlassian.com/cloud/jira/platform/search-and-reconcile/) gives the size of the lag: "The delay might
 * vary from a few seconds to minutes, depending on the operation. The majority of modifications are shown within
 * seconds."
 *
 * So a write made through the REST API (an edit, a transition, a label, an issue property, a new issue, a move)
 * reaches JQL search only `delayMs` after it was made: until then a search matches and orders that issue as it
 * was before the write (a new issue not at all), unless the request names the issue in `reconcileIssues`. What a
 * search returns of the issues it matched (fields, properties) is read from the store, as a GET reads it: the
 * lag modelled is in which issues match, not in their data (the docs do not say which of the two lags; an app
 * must not trust either). Reads of one issue, bulk fetches and property reads are not delayed. What a test writes
 * straight into the store (its seed, its setup) is indexed at once, as data that was there before.
 *
 * The delay is in the site's time (2 s by default, see REALISTIC_INDEX_DELAY_MS) and scaled by the latency
 * model's scale like every other timing of the emulator: 40 ms under the test suite's 1/50, none with latency off.
 */
import type { StoredIssue } from './types';

/**
 * The default lag at the realistic scale: 2 s, the low end of "the majority of modifications are shown within
 * seconds". Not a measurement (Atlassian publishes none): a figure no kinder than the one the docs give.
 */
export const REALISTIC_INDEX_DELAY_MS = 2000;

/** The most issue ids one search may reconcile (the spec: "Accepts max 50 ids"). */
export const MAX_RECONCILE_ISSUES = 50;

/** An issue as the index holds it: its fields and properties when the index last took it in; null: not in it. */
export interface IndexedIssue {
  issue: StoredIssue;
  properties: Record<string, unknown>;
}

interface PendingWrite {
  /** Wall-clock ms when the write becomes visible to search. */
  visibleAt: number;
  /** The issue as it was before this write; null when the write created it. */
  before: IndexedIssue | null;
}

export class SearchIndex {
  /** Per issue, the writes search does not see yet, oldest first. */
  private readonly pending = new Map<number, PendingWrite[]>();

  constructor(
    /** The lag in the site's ms (at latency scale 1). */
    private delay: number,
    /** The latency model's scale now: the wall-clock lag is delay × scale. */
    private readonly scale: () => number,
    private readonly clock: () => number = Date.now,
  ) {
    if (!Number.isFinite(delay) || delay < 0) throw new Error('search index delayMs must be a number >= 0');
  }

  /** The lag in the site's ms, before the latency scale. */
  get delayMs(): number {
    return this.delay;
  }

  set delayMs(ms: number) {
    if (!Number.isFinite(ms) || ms < 0) throw new Error('search index delayMs must be a number >= 0');
    this.delay = ms;
    if (ms === 0) this.catchUp();
  }

  /** The lag on the wall clock now. */
  wallDelayMs(): number {
    return this.delay * Math.max(0, this.scale());
  }

  /** Records a write about to be made to an issue, with the issue as it is before it (null: a new issue). */
  recordWrite(issueId: number, before: () => IndexedIssue | null): void {
    const lag = this.wallDelayMs();
    if (lag <= 0) return;
    const list = this.pending.get(issueId) ?? [];
    list.push({ visibleAt: this.clock() + lag, before: before() });
    this.pending.set(issueId, list);
  }

  /** Lets search see every write made so far (a test's "wait until Jira has indexed"). */
  catchUp(): void {
    this.pending.clear();
  }

  /** Whether some write is not visible to search yet. */
  get behind(): boolean {
    this.prune();
    return this.pending.size > 0;
  }

  /**
   * The issues search does not see as they are now, each as the index holds it (null: not in the index yet).
   * The index has taken in every write whose time has come, in order: it holds the issue as it was before the
   * oldest write still pending.
   */
  staleIssues(): Map<number, IndexedIssue | null> {
    this.prune();
    const out = new Map<number, IndexedIssue | null>();
    for (const [id, list] of this.pending) out.set(id, (list[0] as PendingWrite).before);
    return out;
  }

  private prune(): void {
    const now = this.clock();
    for (const [id, list] of this.pending) {
      while (list.length > 0 && (list[0] as PendingWrite).visibleAt <= now) list.shift();
      if (list.length === 0) this.pending.delete(id);
    }
  }
}
