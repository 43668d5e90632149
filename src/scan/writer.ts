/**
 * Applies scan plans to Jira: the label a flag adds or a clear removes (Jira's bulk edit, ≤ 1,000 issues a call,
 * where the app may use it), the optional comment (one per issue), then the changed lenses in bulk (≤ 100
 * issues a call). Writes are buffered across pages so a sparse change set still fills whole batches.
 * In a dry run nothing reaches Jira: plans are only counted.
 *
 * The bulk write replaces the whole property, and Jira has no compare-and-set for it. So each batch first
 * re-reads the stored lenses (one bulk fetch): an issue a person saved since the scan read it (the panel and
 * kill review bump `version`) is neither edited nor written, and the next scan judges it from what they saved.
 * The same re-read tells of an issue that left the project since the search returned it: moved to another
 * (Jira answers its id and old key with the issue as it is now) or deleted. It gets nothing of this project's
 * verdict, and the run notes it.
 */
import {
  ISSUE_PROPERTY_KEY,
  keepingUnread,
  readLens,
  type AppEditTask,
  type IssueLens,
} from '../domain/issue-lens';
import type { FiredRule } from '../domain/zombie';
import {
  JiraRateLimitError,
  NotAuthorizedError,
  NotFoundError,
  ValidationError,
  writeMayLandLater,
} from '../errors';
import {
  BULK_EDIT_ISSUE_LIMIT,
  BULK_PROPERTY_ISSUE_LIMIT,
  BULK_TASK_ENDED,
  failedIssuesOfTask,
  TASK_NOT_OVER,
  withRetry,
  type JiraClient,
} from '../jira/client';
import { addCommentOnce, CommentUnsureError } from '../jira/comment-once';
import type { JiraBulkProgress, JiraIssue } from '../jira/schemas';
import { kvs } from '../storage/kvs-client';
import { keys } from '../storage/keys';
import { claimOwn, deleteMany, listAll, setMany } from '../storage/kv';
import { releaseLensClaim, stillHeld, takeLensClaim, type LensClaim } from '../storage/lens-claim';
import { movedSince } from '../services/issue-facts';
import {
  afterAppEdits,
  scanFieldsDigest,
  scanFieldsOf,
  verdictInputsDigest,
  withScanFields,
  type AppEditIntent,
  type AppEditTaskState,
  type IssuePlan,
  type ScanFields,
} from './scan-page';

/**
 * How long the app-edit and flag-comment intents are kept when no lens write clears them: far longer than the
 * days between two scans, so the run after an interrupted one still finds them.
 */
const EDIT_INTENT_TTL = { value: 30, unit: 'DAYS' } as const;

/** A flag comment: not sent by this invocation, made, or sent by a stopped try with no answer seen. */
type CommentState = 'none' | 'made' | 'unknown';

/** The flag comment's intent, named by the stored lens the flag was judged from (the same on every try). */
const commentIntentKey = (plan: IssuePlan) =>
  keys.scanComment(plan.key, plan.next!.version, Date.parse(plan.storedAppEditAt ?? '') || 0);

const appEditKey = (issueKey: string) => keys.appEdit(issueKey.split('-')[0] ?? '', issueKey);

/** The app edits begun and not yet stamped in their lenses, in one project, by issue key. */
export async function pendingAppEdits(projectKey: string): Promise<Map<string, AppEditIntent>> {
  const prefix = keys.appEditPrefix(projectKey);
  const found = await listAll<AppEditIntent>(prefix, 5_000);
  return new Map(found.map(({ key, value }) => [key.slice(prefix.length), value]));
}

/** What the writer did to one issue this invocation. */
interface Done {
  label: boolean;
  comment: CommentState;
  /** An app-edit intent was recorded for these edits. */
  intent: boolean;
  /** The bulk label edit Jira had not finished by the last poll: its bump of `updated` may come later. */
  task?: AppEditTask;
}

export interface WriterHooks {
  /** One issue's edit failed (not a rate limit): recorded and skipped. */
  onIssueError: (issueKey: string, message: string) => void;
  /**
   * An issue the scan read has left the project since (moved to another, deleted, or hidden from the app), as
   * the re-read before a batch's writes found: what was still to be written of this project's verdict was not.
   * `message` (naming the issue by the key the scan read, not where it went) is for the run's summary.
   */
  onLeft: (issueId: number, issueKey: string, message: string) => void;
  onEdit: () => void;
  /** A lens was written: its change (flag, clear, update) happened and counts. */
  onWritten: (change: IssuePlan['change']) => void;
  /**
   * A batch of lenses landed, each told to onWritten: the place to keep what is counted, so that an invocation
   * Forge stops before its next checkpoint does not lose the count of what reached Jira.
   */
  onLanded?: () => Promise<void>;
  /**
   * How labels are edited, once known (asked of Jira before the first label edit), or changed (Jira refused a
   * bulk edit, with its message: the writer goes on one issue at a time).
   */
  onLabelMode?: (mode: LabelMode, refusal?: string) => void;
  now: () => Date;
}

/** 5xx from Jira: retried this many times with exponential backoff from RETRY_BASE_MS. */
export const RETRY_ATTEMPTS = 3;
export const RETRY_BASE_MS = 250;

export function retrying<T>(fn: () => Promise<T>): Promise<T> {
  return withRetry(fn, { attempts: RETRY_ATTEMPTS, baseDelayMs: RETRY_BASE_MS });
}

/**
 * Whether someone acted on the issue since its page was read, when the plan is to edit it: Jira's `updated` now
 * is later than the page's. Without both times it is not known, and the plan goes ahead as before.
 */
function actedOnSince(plan: IssuePlan, updatedNow: string | null): boolean {
  const { addLabel, removeLabel, comment } = plan.edits;
  if (!(addLabel || removeLabel || comment) || !plan.readUpdated || !updatedNow) return false;
  const [then, now] = [Date.parse(plan.readUpdated), Date.parse(updatedNow)];
  return Number.isFinite(then) && Number.isFinite(now) && now > then;
}

/** The comment a new flag leaves on the issue (ADF). */
export function flagComment(
  rules: ReadonlyArray<Pick<FiredRule, 'detail' | 'clearBy'>>,
): Record<string, unknown> {
  const text = (t: string) => ({ type: 'text', text: t });
  return {
    type: 'doc',
    version: 1,
    content: [
      {
        type: 'paragraph',
        content: [text('Outcome Lens sent this item to kill review. Nothing will be closed automatically.')],
      },
      {
        type: 'bulletList',
        content: rules.map((r) => ({
          type: 'listItem',
          content: [{ type: 'paragraph', content: [text(`${r.detail} ${r.clearBy}`)] }],
        })),
      },
    ],
  };
}

/**
 * A lens the scan has to write: its own fields only, the version of the lens it judged, and the change it
 * counts once written. The cursor and app storage keep these for an interrupted write.
 */
export interface PendingLens {
  issueId: number;
  key: string;
  /** The version of the stored lens the plan was made from. */
  basedOn: number;
  change: IssuePlan['change'];
  /** The verdict stored when the issue was judged (absent in entries kept by an older version). */
  base?: IssuePlan['base'];
  fields: ScanFields;
  /**
   * This invocation's own edits of the issue all answered: their app-edit intent (AppEditIntent) is cleared
   * once the lens is written. An intent an earlier, stopped invocation left is kept (a call it had in flight may
   * still land and bump `updated`); it only counts within its window.
   */
  clearsAppEdit?: boolean;
  /** The flag comment's intent (made), cleared once the lens records the comment. */
  commentIntent?: string;
  /**
   * The lens landed and its change is counted; only clearing its intents failed (app storage). A retry clears
   * them, and neither writes the lens nor counts the change again.
   */
  landed?: true;
}

/** The app-storage rows a written lens has made obsolete. */
const intentsOf = (entry: PendingLens): string[] => [
  ...(entry.clearsAppEdit ? [appEditKey(entry.key)] : []),
  ...(entry.commentIntent ? [entry.commentIntent] : []),
];

/** One entry per issue (the newest wins), in first-seen order: a resumed write never doubles a list. */
export function dedupePending(entries: ReadonlyArray<PendingLens>): PendingLens[] {
  const byIssue = new Map<number, PendingLens>();
  for (const entry of entries) {
    byIssue.delete(entry.issueId);
    byIssue.set(entry.issueId, entry);
  }
  return [...byIssue.values()];
}

/** Entries kept by a version that stored whole bulk entries (no key, no base version) cannot be claimed. */
export function readPending(value: unknown): PendingLens[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (e): e is PendingLens =>
      !!e && typeof e === 'object' && typeof (e as PendingLens).key === 'string' && 'fields' in e,
  );
}

/**
 * True when a later scan wrote the issue's lens since the entry was judged: the scan-owned fields stored now are
 * neither those the entry was judged from nor the entry's own (a write of it that landed). Scan writes keep the
 * version, so a kept entry taken runs later (past the 1,000 one invocation takes) finds its version unchanged
 * over a newer verdict. Unknown (false) for entries kept by an older version, which carry no digests.
 */
export function scanWroteSince(latest: IssueLens, entry: PendingLens): boolean {
  // With the version moved a person's save may have changed the scan fields it writes (the score): only those
  // no save writes tell a scan's write.
  const only = latest.version !== entry.basedOn;
  const then = only ? entry.base?.scannedOnly : entry.base?.scanned;
  if (then === undefined) return false;
  const now = scanFieldsDigest(latest, only);
  return now !== then && now !== scanFieldsDigest(entry.fields, only);
}

/**
 * Whether the entry's verdict (its zombie value and flag) may be laid over the lens stored now: not when a later
 * scan wrote the lens since (scanWroteSince), nor when someone saved since and changed the verdict itself (a
 * decision: a Keep's cleared flag) or what it was judged from (verdictInputsDigest: a new kill criterion, a link).
 * The next scan then judges the issue from what they saved.
 */
export function entryVerdictStands(latest: IssueLens, entry: PendingLens): boolean {
  return !scanWroteSince(latest, entry) && verdictHolds(latest, entry.basedOn, entry.base);
}

/**
 * Whether a verdict judged from version `basedOn` of a lens, whose verdict and inputs were then `base`, still
 * holds over the lens stored now: no one saved since, or their save changed neither the verdict nor what it reads.
 */
function verdictHolds(latest: IssueLens, basedOn: number, base: IssuePlan['base'] | undefined): boolean {
  if (latest.version === basedOn) return true;
  return (
    !!base &&
    latest.zombie === base.zombie &&
    (latest.flag?.flaggedAt ?? null) === base.flaggedAt &&
    (base.verdictInputs === undefined || verdictInputsDigest(latest) === base.verdictInputs)
  );
}

/**
 * The scan's fields laid over the lens stored now, inside the issue's claim; the version is always the stored
 * one. When someone saved since the scan judged the issue, what they wrote stands: a panel save's score
 * (computed from the new draft), and the verdict when their save changed it or what it was judged from
 * (entryVerdictStands). When a later scan wrote the lens since (scanWroteSince), its verdict stands whole: the
 * entry's flag, zombie value and next check are older. Whatever the scan did to the issue (label, comment, when)
 * is recorded in every case, so it is never done again.
 */
export function mergeScanFields(latest: IssueLens, entry: PendingLens): IssueLens {
  if (scanWroteSince(latest, entry)) return withOlderEdits(latest, entry.fields);
  if (latest.version === entry.basedOn) return withScanFields(latest, entry.fields);
  const ours = entry.fields;
  const edited = ours.lastAppEditAt && ours.lastAppEditAt !== latest.lastAppEditAt;
  const taskMoved = (ours.appEditTask?.taskId ?? null) !== (latest.appEditTask?.taskId ?? null);
  const bookkeeping = {
    ...(edited
      ? { lastAppEditAt: ours.lastAppEditAt, realActivityBeforeAppEdit: ours.realActivityBeforeAppEdit }
      : {}),
    ...(edited || taskMoved ? { appEditTask: ours.appEditTask } : {}),
  };
  if (entryVerdictStands(latest, entry))
    return { ...latest, zombie: ours.zombie, flag: ours.flag, ...bookkeeping };
  return { ...latest, flag: flagWithEdits(latest, ours), ...bookkeeping };
}

/**
 * An entry whose verdict the lens stored now sets aside (entryVerdictStands): its change did not happen, nor is it
 * counted. A label it had on that the lens `written` (the merge) does not record keeps its app-edit intent, which
 * names the label: the next scan, judging the issue from what is stored, takes it off if it finds no zombie.
 */
function withVerdictSetAside(written: IssueLens, entry: PendingLens): PendingLens {
  const labelUnrecorded = !!entry.fields.flag?.labelApplied && !written.flag?.labelApplied;
  const { clearsAppEdit: _kept, ...withoutClearing } = entry;
  return { ...(labelUnrecorded ? withoutClearing : entry), change: null };
}

/** The stored flag, with the label and comment an entry's edits made on it recorded. */
function flagWithEdits(latest: IssueLens, ours: ScanFields): IssueLens['flag'] {
  if (!latest.flag || !ours.flag) return latest.flag;
  return {
    ...latest.flag,
    labelApplied: latest.flag.labelApplied || ours.flag.labelApplied,
    commented: latest.flag.commented || ours.flag.commented,
  };
}

/**
 * The lens a later scan wrote, with what an older entry's edits did recorded: its label and comment on a standing
 * flag, and its app-edit stamp where it is later than the stored one (with its bulk task, or the stored one's when
 * it names none; a task the lens drops could land later and be read as a person's activity).
 */
function withOlderEdits(latest: IssueLens, ours: ScanFields): IssueLens {
  const flag = flagWithEdits(latest, ours);
  const oursAt = ours.lastAppEditAt ? Date.parse(ours.lastAppEditAt) : NaN;
  const storedAt = latest.lastAppEditAt ? Date.parse(latest.lastAppEditAt) : NaN;
  const later = Number.isFinite(oursAt) && !(storedAt >= oursAt);
  const appEditTask = later
    ? (ours.appEditTask ?? latest.appEditTask)
    : (latest.appEditTask ?? ours.appEditTask);
  return {
    ...latest,
    flag,
    ...(later
      ? { lastAppEditAt: ours.lastAppEditAt, realActivityBeforeAppEdit: ours.realActivityBeforeAppEdit }
      : {}),
    ...(appEditTask ? { appEditTask } : {}),
  };
}

/** Plans with a label to add or remove are flushed by this many: one bulk edit per label change. */
export const LABEL_BATCH = BULK_EDIT_ISSUE_LIMIT;
/**
 * The longest a flush of labelled plans may take by its issue-by-issue calls (comments, labels edited one at a
 * time): the invocation's last flush runs after its time budget has stopped reading pages, in the margin left
 * before Forge's timeout (src/scan/budget.ts), so no flush may be longer than a share of that margin.
 */
export const MAX_FLUSH_MS = 60_000;
/** What one issue-by-issue call is taken to last until the writer has timed one. */
const FIRST_GUESS_CALL_MS = 500;

/** How the scan edits labels: Jira's bulk edit, or one issue at a time when the app may not use it. */
export type LabelMode = 'bulk' | 'per-issue';

export class ScanWriter {
  /** Plans whose only Jira write is their lens: written by 100. */
  private plain: IssuePlan[] = [];
  /** Plans with a label edit: kept until a bulk edit's worth (1,000) is ready, or the flush is final. */
  private labelled: IssuePlan[] = [];
  /**
   * Lenses whose edits were done but whose write failed (rate limit, 5xx, a claim held too long, Jira's task
   * did not write them): the next invocation writes them.
   */
  unwritten: PendingLens[] = [];
  /** Bulk label edits and the issues they covered, for the run summary. */
  bulkEdits = 0;
  /** How long an issue-by-issue call lasts: the first one timed, then a running mean. */
  private callMs = FIRST_GUESS_CALL_MS;
  private callsTimed = 0;

  constructor(
    private readonly jira: JiraClient,
    /** The project scanned: an issue found in another when its writes are due was moved, and gets none. */
    private readonly projectKey: string,
    private readonly hooks: WriterHooks,
    /**
     * 'per-issue' when the app lacks the global Make bulk changes permission on this site; null until asked
     * (before the first label edit).
     */
    public labelMode: LabelMode | null = null,
  ) {}

  /**
   * Whose entries kept for a later run (src/scan/leftovers.ts) a written lens drops: unset, none (the run takes and
   * drops those it writes itself); `ids` null, any issue's; else only the issues named, or left unwritten since.
   */
  private keptEntries: { projectKey: string; ids: ReadonlySet<number> | null } | null = null;

  /**
   * From now on, a lens written drops what is kept for its issue: older than the verdict written, it would only be
   * laid over it when a later run takes it (mergeScanFields keeps the newer verdict all the same).
   */
  dropKeptOnWrite(projectKey: string, issueIds: Iterable<number> | null): void {
    this.keptEntries = { projectKey, ids: issueIds ? new Set(issueIds) : null };
  }

  private async dropKept(written: ReadonlyArray<PendingLens>): Promise<void> {
    const kept = this.keptEntries;
    if (!kept || written.length === 0) return;
    // What this invocation left unwritten may have been kept since (a cursor's overflow).
    const since = new Set(this.unwritten.map((e) => e.issueId));
    const stale = written.filter((e) => !kept.ids || kept.ids.has(e.issueId) || since.has(e.issueId));
    try {
      await deleteMany(stale.map((e) => keys.scanLeftover(kept.projectKey, e.issueId)));
    } catch (e) {
      // Tidiness only: an entry left is taken by a later run and keeps the newer verdict (mergeScanFields).
      console.warn(`scan: could not drop ${stale.length} kept entries (${(e as Error).message})`);
    }
  }

  get buffered(): number {
    return this.plain.length + this.labelled.length;
  }

  add(plan: IssuePlan): void {
    if (!plan.next) return;
    if (plan.edits.addLabel || plan.edits.removeLabel) this.labelled.push(plan);
    else this.plain.push(plan);
  }

  /**
   * Writes full batches; with `all`, the remainder too. A batch of labelled plans is full at a bulk edit's worth,
   * or sooner when its issue-by-issue calls would take longer than MAX_FLUSH_MS.
   */
  async flush(all: boolean): Promise<void> {
    // Known before the batches are cut: labels edited one issue at a time are calls of their own.
    if (this.labelled.length > 0) await this.resolveLabelMode();
    for (;;) {
      const n = this.labelledBatch();
      const full = n === LABEL_BATCH || n < this.labelled.length;
      if (n === 0 || !(all || full)) break;
      await this.writePlans(this.labelled.splice(0, n));
    }
    while (this.plain.length >= BULK_PROPERTY_ISSUE_LIMIT || (all && this.plain.length > 0))
      await this.writePlans(this.plain.splice(0, BULK_PROPERTY_ISSUE_LIMIT));
  }

  /** How many of the first labelled plans one flush writes within MAX_FLUSH_MS (at least one). */
  private labelledBatch(): number {
    const most = Math.min(this.labelled.length, LABEL_BATCH);
    let ms = 0;
    for (let n = 0; n < most; n++) {
      const plan = this.labelled[n]!;
      const calls =
        Number(!!(plan.edits.comment && plan.next?.flag)) + Number(this.labelMode === 'per-issue');
      ms += calls * this.callMs;
      if (ms > MAX_FLUSH_MS && n > 0) return n;
    }
    return most;
  }

  /** Runs one issue-by-issue call and times it, for the size of the next batches. */
  private async timed<T>(call: () => Promise<T>): Promise<T> {
    const start = this.hooks.now().getTime();
    try {
      return await call();
    } finally {
      const ms = Math.max(0, this.hooks.now().getTime() - start);
      this.callMs = this.callsTimed === 0 ? ms : 0.8 * this.callMs + 0.2 * ms;
      this.callsTimed += 1;
    }
  }

  private async resolveLabelMode(): Promise<void> {
    if (this.labelMode !== null) return;
    const held = await retrying(() => this.jira.myPermissions({}, ['BULK_CHANGE']));
    this.labelMode = held.BULK_CHANGE ? 'bulk' : 'per-issue';
    this.hooks.onLabelMode?.(this.labelMode);
  }

  /** The edits the plans ask for (labels in bulk where allowed, comments per issue), then their lenses. */
  private async writePlans(plans: IssuePlan[]): Promise<void> {
    // An issue a person saved since the page was read is neither edited nor written: the next scan judges
    // it from what they saved. Nor is one that left the project since: no comment, label or lens of this
    // project's verdict reaches it. Nor is one a person acted on since (a comment, an edit) whose plan edits
    // it: the app's edit would bump `updated` past theirs, and the next scan would take their activity for the
    // app's; that scan judges it with their activity seen.
    const current = new Map<number, { lens: IssueLens; updated: string | null }>();
    for (let i = 0; i < plans.length; i += BULK_PROPERTY_ISSUE_LIMIT)
      for (const [id, { lens, updated }] of await this.storedLenses(
        plans.slice(i, i + BULK_PROPERTY_ISSUE_LIMIT),
        'nothing was done to it.',
      ))
        current.set(id, { lens, updated });
    const batch = plans.filter((p) => {
      const now = current.get(p.issueId);
      return now?.lens.version === p.next!.version && !actedOnSince(p, now.updated);
    });
    const done = new Map<number, Done>(
      batch.map((p) => [p.issueId, { label: false, comment: 'none', intent: false }]),
    );
    // Recorded before the edits bump Jira's `updated`: an invocation stopped before it stamps the lenses leaves
    // them behind, and the next one reads those bumps as the app's, not as a person's activity. An intent an
    // earlier invocation left is kept as it is: its time opens the window its edits fall in.
    const at = this.hooks.now().toISOString();
    // In batches: a first scan records thousands, and storage counts each request against the minute's writes.
    await setMany(
      batch.flatMap((plan) => {
        const { addLabel, removeLabel, comment } = plan.edits;
        if (!(addLabel || removeLabel || (comment && plan.next?.flag)) || plan.appEditIntent) return [];
        done.get(plan.issueId)!.intent = true;
        const intent: AppEditIntent = {
          at,
          realActivityBefore: plan.lastRealActivity,
          ...(addLabel ? { adds: addLabel } : {}),
        };
        return [{ key: appEditKey(plan.key), value: intent, ttl: EDIT_INTENT_TTL }];
      }),
    );
    try {
      // Comments (one call each, and slow) first: an invocation stopped in the middle of them has bumped
      // `updated` on the fewest issues before their lenses are stamped.
      let commented = false;
      for (const plan of batch)
        if (plan.edits.comment && plan.next?.flag) {
          commented = true;
          try {
            done.get(plan.issueId)!.comment = await this.timed(() => this.commentOnce(plan));
          } catch (e) {
            if (e instanceof JiraRateLimitError) throw e;
            this.hooks.onIssueError(plan.key, e instanceof Error ? e.message : String(e));
          }
        }
      await this.editLabels(commented ? await this.verdictStillHolds(batch) : batch, done);
    } catch (e) {
      // What was done before the refusal is recorded with the rest, or a repeat would do it again.
      const edited = batch.filter(
        (p) => done.get(p.issueId)!.label || done.get(p.issueId)!.comment !== 'none',
      );
      this.unwritten = dedupePending([
        ...this.unwritten,
        ...edited.map((p) => this.pendingOf(p, done.get(p.issueId)!)),
      ]);
      throw e;
    }
    await this.writeEntries(batch.map((p) => this.pendingOf(p, done.get(p.issueId)!)));
  }

  /**
   * The plans whose verdict still holds (verdictHolds), of those with a label edit, read again: the comments
   * before it take a call each, long enough for a person's save. A plan whose verdict a save has since changed or
   * bears on is not labelled; its lens write sets the verdict aside as well, and the next scan judges the issue
   * from what was saved.
   */
  private async verdictStillHolds(batch: IssuePlan[]): Promise<IssuePlan[]> {
    const toLabel = batch.filter((p) => p.edits.addLabel || p.edits.removeLabel);
    const current = new Map<number, IssueLens>();
    for (let i = 0; i < toLabel.length; i += BULK_PROPERTY_ISSUE_LIMIT)
      // One that left the project is told of once, by the lens write that reads it again.
      for (const [id, { lens }] of await this.storedLenses(
        toLabel.slice(i, i + BULK_PROPERTY_ISSUE_LIMIT),
        null,
      ))
        current.set(id, lens);
    return batch.filter((p) => {
      if (!(p.edits.addLabel || p.edits.removeLabel)) return true;
      const lens = current.get(p.issueId);
      return lens !== undefined && verdictHolds(lens, p.next!.version, p.base);
    });
  }

  /**
   * Adds and removes the scan's label: one bulk edit per label change and 1,000 issues, or one call per issue
   * when the app may not edit in bulk (then, or when Jira refuses the bulk edit, the run says so).
   */
  private async editLabels(batch: IssuePlan[], done: Map<number, Done>): Promise<void> {
    const groups = new Map<string, IssuePlan[]>();
    for (const plan of batch) {
      const { addLabel, removeLabel } = plan.edits;
      const key = addLabel ? `add:${addLabel}` : removeLabel ? `remove:${removeLabel}` : null;
      if (key) groups.set(key, [...(groups.get(key) ?? []), plan]);
    }
    if (groups.size > 0) await this.resolveLabelMode();
    for (const [key, plans] of groups) {
      const [op, label] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
      const change = op === 'add' ? { add: label } : { remove: label };
      if (this.labelMode === 'bulk') {
        try {
          await this.bulkLabels(plans, change, done);
          continue;
        } catch (e) {
          if (!(e instanceof ValidationError || e instanceof NotAuthorizedError)) throw e;
          // Jira refused the bulk edit itself (the permission was taken away since the run began).
          this.labelMode = 'per-issue';
          this.hooks.onLabelMode?.('per-issue', e.message);
        }
      }
      for (const plan of plans) {
        try {
          await this.timed(() =>
            retrying(() =>
              this.jira.editLabels(
                plan.key,
                change.add ? { add: [change.add] } : { remove: [change.remove!] },
              ),
            ),
          );
          done.get(plan.issueId)!.label = true;
          this.hooks.onEdit();
        } catch (e) {
          if (e instanceof JiraRateLimitError) throw e;
          this.hooks.onIssueError(plan.key, e instanceof Error ? e.message : String(e));
        }
      }
    }
  }

  private async bulkLabels(
    plans: IssuePlan[],
    change: { add?: string; remove?: string },
    done: Map<number, Done>,
  ): Promise<void> {
    for (let i = 0; i < plans.length; i += BULK_EDIT_ISSUE_LIMIT) {
      const slice = plans.slice(i, i + BULK_EDIT_ISSUE_LIMIT);
      const at = this.hooks.now().toISOString();
      const taskId = await retrying(() =>
        this.jira.submitBulkLabelEdit(
          slice.map((p) => p.issueId),
          change,
        ),
      );
      this.bulkEdits += 1;
      let outcome: Awaited<ReturnType<JiraClient['waitForBulkTask']>> | null = null;
      try {
        outcome = await retrying(() => this.jira.waitForBulkTask(taskId));
      } catch {
        // Jira took the task; only its progress is unknown. It is recorded as done (adding or removing a label
        // twice changes nothing), and as pending, like a task still running.
      }
      const processed = new Set(outcome?.progress.processedAccessibleIssues ?? []);
      const failed = outcome?.progress.failedAccessibleIssues ?? {};
      // Jira may apply it after this invocation stamps the lenses: they name the task, and the next scan asks
      // when it ended before it reads a later `updated` as a person's.
      // One that adds the label says so: should the flag be cleared before it lands, the scan takes it off.
      const task = outcome?.finished
        ? undefined
        : { taskId, at, ...(change.add ? { adds: change.add } : {}) };
      for (const plan of slice) {
        const reason = failed[String(plan.issueId)];
        if (reason) this.hooks.onIssueError(plan.key, reason.join(' '));
        // Gone or hidden since it was read: its lens write finds nothing to write either.
        else if (outcome?.finished && !processed.has(plan.issueId)) continue;
        else {
          const d = done.get(plan.issueId)!;
          d.label = true;
          if (task) d.task = task;
          this.hooks.onEdit();
        }
      }
    }
  }

  /**
   * Writes entries in batches of at most 100, each inside its issues' claims (src/storage/lens-claim.ts): the
   * scan's fields are laid over the lens stored now, so nothing a person saved is reverted.
   */
  async writeEntries(entries: PendingLens[]): Promise<void> {
    const all = dedupePending(entries);
    /** Issues whose lens landed (and was counted) in this call, whatever fails after. */
    const landed = new Set<number>();
    for (let i = 0; i < all.length; i += BULK_PROPERTY_ISSUE_LIMIT) {
      const batch = all.slice(i, i + BULK_PROPERTY_ISSUE_LIMIT);
      try {
        await this.writeBatch(batch, landed);
      } catch (e) {
        // A lens that landed goes back only for its intents, marked so it is not written or counted again.
        const left = all
          .slice(i)
          .flatMap((entry) =>
            !landed.has(entry.issueId)
              ? [entry]
              : intentsOf(entry).length
                ? [{ ...entry, landed: true as const }]
                : [],
          );
        this.unwritten = dedupePending([...this.unwritten, ...left]);
        throw e;
      }
    }
  }

  private async writeBatch(batch: PendingLens[], landed: Set<number>): Promise<void> {
    if (batch.length === 0) return;
    // Landed by an earlier try that could not clear their intents: that is all they need.
    const landedBefore = batch.filter((e) => e.landed);
    for (const entry of landedBefore) landed.add(entry.issueId);
    const toWrite = batch.filter((e) => !e.landed);
    const claims = (await Promise.all(toWrite.map((e) => takeLensClaim(e.key)))).map((r) => r.held);
    /** False while Jira's task writing the lenses may still run: the claims are then kept. */
    let taskOver = true;
    /**
     * A send failed in a way Jira may still carry out later: the claims are kept until they run out, so no person's
     * save is let in before a late copy of the lens read before it lands.
     */
    let mayLandLate = false;
    try {
      const held = toWrite.filter((_, i) => claims[i]);
      const heldClaims = claims.filter((c) => c !== null);
      // Not claimed in time: another app writer holds the issue; written by the next invocation.
      const waiting = toWrite.filter((_, i) => !claims[i]);
      // Left the project since (after its edits, or since an earlier invocation kept the entry): not written.
      const current = await this.storedLenses(
        held,
        "this project's verdict was not written to its lens (a comment or label made before it left stays).",
      );
      const writes: Array<{ entry: PendingLens; lens: IssueLens; claim: LensClaim }> = [];
      // A claim that ran out while the batch was read (a slow Jira) may be another writer's now: not written.
      const lost: PendingLens[] = [];
      const kept = await Promise.all(heldClaims.map((c) => stillHeld(c)));
      for (const [i, entry] of held.entries()) {
        const { lens: latest, stored } = current.get(entry.issueId) ?? {};
        if (!latest) continue;
        if (!kept[i]) {
          lost.push(entry);
          continue;
        }
        const merged = mergeScanFields(latest, entry);
        writes.push({
          entry: entryVerdictStands(latest, entry) ? entry : withVerdictSetAside(merged, entry),
          lens: keepingUnread(stored, merged),
          claim: heldClaims[i]!,
        });
      }
      let written = writes.map((w) => w.entry);
      /** Jira's task ended without writing these: retried, their intents kept, like those not claimed. */
      const refused: PendingLens[] = [];
      if (writes.length) {
        // Jira writes the lenses in a background task. The claims are held until it has: a person's save let in
        // before would be overwritten by the lens read before it. A task not seen over (its last poll says
        // otherwise, or polling failed) keeps them until they expire, and its lenses count as written.
        let sending = writes;
        let sends = 0;
        const taskId = await retrying(async () => {
          // A retry is a new write: only of the lenses whose claims are still this scan's. A claim that ran out
          // while Jira answered slowly may be a person's save by now, which the lens read before would overwrite.
          if (sends++ > 0) {
            const still = await Promise.all(sending.map((w) => stillHeld(w.claim)));
            lost.push(...sending.filter((_, i) => !still[i]).map((w) => w.entry));
            sending = sending.filter((_, i) => still[i]);
            if (sending.length === 0) return null;
          }
          try {
            return await this.jira.submitIssuePropertiesBulk(
              sending.map((w) => ({
                issueId: w.entry.issueId,
                properties: { [ISSUE_PROPERTY_KEY]: w.lens },
              })),
            );
          } catch (e) {
            // Jira may still carry this send out (its gateway gave up, or the answer was lost): see finally. A 503
            // is not held so: the queue's redelivery would find every claim taken and leave the batch to tomorrow.
            if (writeMayLandLater(e)) mayLandLate = true;
            throw e;
          }
        });
        written = sending.map((w) => w.entry);
        const outcome = taskId ? await this.jira.waitForTask(taskId).catch(() => null) : null;
        taskOver = !taskId || !!outcome?.finished;
        if (outcome?.finished && outcome.task) {
          // Only a COMPLETE task wrote, and not the issues its result lists as failed; a task that ended
          // otherwise (FAILED, CANCELLED, DEAD) may have stopped anywhere, so none counts as written (the
          // operation is non-transactional: Jira's spec of POST /rest/api/3/issue/properties/multi).
          const { task } = outcome;
          const failed = task.status === 'COMPLETE' ? failedIssuesOfTask(task) : null;
          const ended = `Jira's task ended ${task.status}${task.message ? ` (${task.message})` : ''}`;
          written = [];
          for (const { entry } of sending) {
            const reason = failed ? failed.get(entry.issueId) : ended;
            if (reason === undefined) written.push(entry);
            else {
              refused.push(entry);
              this.hooks.onIssueError(entry.key, `The lens was not written: ${reason.slice(0, 300)}`);
            }
          }
        }
      }
      for (const entry of written) {
        landed.add(entry.issueId);
        this.hooks.onWritten(entry.change);
      }
      if (written.length > 0) await this.hooks.onLanded?.();
      await this.dropKept(written);
      // The lenses carry the edits' stamps now: their intents are done with. Kept while the task may yet run; a late
      // copy of a failed send carries the same lenses, so it needs none of them.
      await deleteMany([...landedBefore, ...(taskOver ? written : [])].flatMap(intentsOf));
      if (waiting.length || lost.length || refused.length)
        this.unwritten = dedupePending([...this.unwritten, ...waiting, ...lost, ...refused]);
    } finally {
      if (taskOver && !mayLandLate)
        await Promise.all(claims.flatMap((c) => (c ? [releaseLensClaim(c)] : [])));
    }
  }

  /**
   * The lens stored on each issue now, as read and as stored (one bulk fetch, at most 100 issues), so that a write
   * keeps what could not be read (keepingUnread). An issue that left the project since
   * the page was read (gone, hidden, or moved to another project) is absent, and told to onLeft with what it was
   * spared (`spared`; with null, not told).
   */
  private async storedLenses(
    items: ReadonlyArray<{ issueId: number; key: string }>,
    spared: string | null,
  ): Promise<Map<number, { lens: IssueLens; stored: unknown; updated: string | null }>> {
    const issues = await retrying(() =>
      this.jira.bulkFetchIssues(
        items.map((i) => i.issueId),
        // Its project tells a moved issue, which Jira answers by its id all the same.
        { fields: ['issuetype', 'project', 'updated'], properties: [ISSUE_PROPERTY_KEY] },
      ),
    );
    const found = new Map(issues.map((i) => [Number(i.id), i]));
    const lenses = new Map<number, { lens: IssueLens; stored: unknown; updated: string | null }>();
    for (const { issueId, key } of items) {
      const issue = found.get(issueId);
      const stored = issue?.properties?.[ISSUE_PROPERTY_KEY];
      const updated = issue?.fields.updated;
      if (issue && !movedSince(issue, key, this.projectKey))
        lenses.set(issueId, {
          lens: readLens(stored),
          stored,
          updated: typeof updated === 'string' ? updated : null,
        });
      else if (spared !== null)
        this.hooks.onLeft(
          issueId,
          key,
          issue
            ? `${key} is no longer in ${this.projectKey} (it was moved since the scan's search): ${spared}`
            : `${key} no longer exists, or is hidden from the app (since the scan's search): ${spared}`,
        );
    }
    return lenses;
  }

  /** The issues whose plans wait in the writer's buffers (not yet flushed). */
  bufferedIds(): Set<number> {
    return new Set([...this.plain, ...this.labelled].map((p) => p.issueId));
  }

  /**
   * The flag's comment, at most once per flagging: its intent is recorded in app storage before the call,
   * keyed by the stored lens it was judged from (unchanged until the flag is written). A repeat that finds the
   * comment made, or sent without an answer (a stopped invocation), records it as made and sends nothing; a
   * refused call (429, 5xx) made no comment and is cleared for the next try, unless the comment is found made
   * (a gateway's 5xx after Jira made it: addCommentOnce); one that may have been made is left as sent.
   */
  private async commentOnce(plan: IssuePlan): Promise<CommentState> {
    const intentKey = commentIntentKey(plan);
    if (!(await claimOwn(intentKey, { state: 'sending' }, EDIT_INTENT_TTL))) {
      // Sent by an earlier try: made, or still on its way if that try was stopped waiting for the answer.
      const earlier = await kvs.get<{ state?: string }>(intentKey);
      return earlier?.state === 'made' ? 'made' : 'unknown';
    }
    try {
      await addCommentOnce(this.jira, plan.key, flagComment(plan.next!.flag!.rules), {
        attempts: RETRY_ATTEMPTS,
        baseDelayMs: RETRY_BASE_MS,
        now: this.hooks.now(),
      });
    } catch (e) {
      // Maybe made (an answer lost, a gateway's error, and the comment not found): the intent stays at "sending",
      // the lens records it as possibly made, and no run sends it again.
      if (e instanceof CommentUnsureError) return 'unknown';
      // Refused (4xx, 429, or a server error after which no comment is found): none was made, and the next try
      // sends it.
      await kvs.delete(intentKey);
      throw e;
    }
    // The comment is made: a failure to record so must not fail the flag (its lens then says no comment, and the
    // next run would comment again). The intent left at "sending" also keeps a repeat from sending another.
    await kvs.set(intentKey, { state: 'made' }, { ttl: EDIT_INTENT_TTL }).catch((e: unknown) => {
      console.warn(`scan: ${plan.key}'s comment is made, its intent not marked (${(e as Error).message})`);
    });
    this.hooks.onEdit();
    return 'made';
  }

  private pendingOf(plan: IssuePlan, done: Done): PendingLens {
    const comment = done.comment !== 'none';
    // Stamped after the edits, so Jira's `updated` from them is never later than lastAppEditAt.
    const lens = afterAppEdits(plan, {
      label: done.label,
      comment,
      at: this.hooks.now().toISOString(),
      ...(done.task ? { task: done.task } : {}),
    });
    // Only this invocation's own edits, all answered, let their intent go (see PendingLens.clearsAppEdit).
    const settled = done.intent && done.comment !== 'unknown';
    return {
      ...keptEntryOf(plan, lens),
      ...(settled ? { clearsAppEdit: true } : {}),
      ...(comment ? { commentIntent: commentIntentKey(plan) } : {}),
    };
  }
}

/** The lens write a scan keeps for later: the plan's issue and the scan's fields of the lens it would write. */
export function keptEntryOf(plan: IssuePlan, lens: IssueLens): PendingLens {
  return {
    issueId: plan.issueId,
    key: plan.key,
    basedOn: plan.next!.version,
    change: plan.change,
    base: plan.base,
    fields: scanFieldsOf(lens),
  };
}

/** Bulk tasks one invocation asks Jira about: each covers up to 1,000 issues, so a few serve any page. */
export const MAX_TASK_LOOKUPS = 50;

/** A bulk task's time as Jira gives it (epoch milliseconds, or date-time text), as ISO; null if unreadable. */
function bulkTaskTime(value: string | number | undefined): string | null {
  if (value === undefined) return null;
  const ms = typeof value === 'number' || /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/** The bulk tasks the issues' lenses name as pending (IssueLens.appEditTask). */
export function pendingTaskIds(issues: ReadonlyArray<Pick<JiraIssue, 'properties'>>): string[] {
  return issues.flatMap((issue) => {
    const task = readLens(issue.properties?.[ISSUE_PROPERTY_KEY]).appEditTask;
    return task ? [task.taskId] : [];
  });
}

/**
 * What Jira says of the app's pending bulk label edits, one GET per task for the invocation (at most
 * MAX_TASK_LOOKUPS; the rest stay unasked, and so pending, till the next one). A task Jira does not know (400,
 * its spec's answer to an unknown id, or 404) while the app may still read bulk tasks is over at a moment it no
 * longer says: a task it forgot is not running. Of a task it could not be asked about (5xx, an answer not
 * understood, the app's Make bulk changes permission gone) Jira says nothing (`over: null`). Either is settled at
 * a bound after its submission (settleAppEditTask). A 429 is the scan's to wait out.
 */
export class AppEditTaskLookup {
  readonly states = new Map<string, AppEditTaskState>();
  private asked = 0;
  /** Whether the app holds Make bulk changes: asked once, on the first 400. */
  private mayBulk: boolean | null = null;

  constructor(private readonly jira: JiraClient) {}

  async lookUp(taskIds: Iterable<string>): Promise<void> {
    for (const taskId of new Set(taskIds)) {
      if (this.states.has(taskId) || this.asked >= MAX_TASK_LOOKUPS) continue;
      this.asked += 1;
      this.states.set(taskId, await this.ask(taskId));
    }
  }

  private async ask(taskId: string): Promise<AppEditTaskState> {
    let progress: JiraBulkProgress;
    try {
      progress = await retrying(() => this.jira.getBulkProgress(taskId));
    } catch (e) {
      if (e instanceof JiraRateLimitError) throw e;
      const forgotten =
        e instanceof NotFoundError || (e instanceof ValidationError && (await this.holdsBulkChange()));
      // Not asked (5xx, an answer not understood, Make bulk changes gone): the scan settles it at a bound.
      return forgotten ? { over: true, endedAt: null, applied: null } : { over: null };
    }
    // As waitForBulkTask reads it: a cancel requested may still edit, a status not understood says nothing.
    if (!BULK_TASK_ENDED.includes(progress.status))
      return TASK_NOT_OVER.includes(progress.status) ? { over: false } : { over: null };
    const applied = progress.processedAccessibleIssues;
    return {
      over: true,
      // The last move of a task that ended is its end.
      endedAt: bulkTaskTime(progress.updated) ?? bulkTaskTime(progress.started),
      applied: applied ? new Set(applied) : null,
    };
  }

  private async holdsBulkChange(): Promise<boolean> {
    if (this.mayBulk === null) {
      try {
        this.mayBulk = !!(await retrying(() => this.jira.myPermissions({}, ['BULK_CHANGE']))).BULK_CHANGE;
      } catch (e) {
        if (e instanceof JiraRateLimitError) throw e;
        return false;
      }
    }
    return this.mayBulk;
  }
}
