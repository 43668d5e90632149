/**
 * Applies scan plans to Jira: the label and comment a new flag asks for, then the changed lenses in bulk
 * (≤ 100 issues a call). Writes are buffered across pages so a sparse change set still fills whole batches.
 * In a dry run nothing reaches Jira: plans are only counted.
 *
 * The bulk write replaces the whole property, and Jira has no compare-and-set for it. So each batch first
 * re-reads the stored lenses (one bulk fetch): an issue a person saved since the scan read it (the panel and
 * kill review bump `version`) is neither edited nor written, and the next scan judges it from what they saved.
 */
import { ISSUE_PROPERTY_KEY, readLens, type IssueLens } from '../domain/issue-lens';
import type { FiredRule } from '../domain/zombie';
import { JiraRateLimitError } from '../errors';
import { BULK_PROPERTY_ISSUE_LIMIT, withRetry, type JiraClient } from '../jira/client';
import { kvs } from '@forge/kvs';
import { keys } from '../storage/keys';
import { claim } from '../storage/kv';
import { releaseLensClaim, takeLensClaim } from '../storage/lens-claim';
import { afterAppEdits, scanFieldsOf, withScanFields, type IssuePlan, type ScanFields } from './scan-page';

export interface WriterHooks {
  /** One issue's edit failed (not a rate limit): recorded and skipped. */
  onIssueError: (issueKey: string, message: string) => void;
  onEdit: () => void;
  /** A lens was written: its change (flag, clear, update) happened and counts. */
  onWritten: (change: IssuePlan['change']) => void;
  now: () => Date;
}

/** 5xx from Jira: retried this many times with exponential backoff from RETRY_BASE_MS. */
export const RETRY_ATTEMPTS = 3;
export const RETRY_BASE_MS = 250;

export function retrying<T>(fn: () => Promise<T>): Promise<T> {
  return withRetry(fn, { attempts: RETRY_ATTEMPTS, baseDelayMs: RETRY_BASE_MS });
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
}

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
 * The scan's fields laid over the lens stored now, inside the issue's claim; the version is always the stored
 * one. When someone saved since the scan judged the issue, what they wrote stands: a panel save's score
 * (computed from the new draft), and a decision's verdict (a Keep's cleared flag, its snooze). Whatever the
 * scan did to the issue (label, comment, when) is recorded in every case, so it is never done again.
 */
export function mergeScanFields(latest: IssueLens, entry: PendingLens): IssueLens {
  if (latest.version === entry.basedOn) return withScanFields(latest, entry.fields);
  const ours = entry.fields;
  const edited = ours.lastAppEditAt && ours.lastAppEditAt !== latest.lastAppEditAt;
  const bookkeeping = edited
    ? { lastAppEditAt: ours.lastAppEditAt, realActivityBeforeAppEdit: ours.realActivityBeforeAppEdit }
    : {};
  const verdictTouched =
    !entry.base ||
    latest.zombie !== entry.base.zombie ||
    (latest.flag?.flaggedAt ?? null) !== entry.base.flaggedAt;
  if (!verdictTouched) return { ...latest, zombie: ours.zombie, flag: ours.flag, ...bookkeeping };
  const flag =
    latest.flag && ours.flag
      ? {
          ...latest.flag,
          labelApplied: latest.flag.labelApplied || ours.flag.labelApplied,
          commented: latest.flag.commented || ours.flag.commented,
        }
      : latest.flag;
  return { ...latest, flag, ...bookkeeping };
}

export class ScanWriter {
  private buffer: IssuePlan[] = [];
  /**
   * Lenses whose edits were done but whose write failed (rate limit, 5xx, a claim held too long): the next
   * invocation writes them.
   */
  unwritten: PendingLens[] = [];

  constructor(
    private readonly jira: JiraClient,
    private readonly hooks: WriterHooks,
  ) {}

  get buffered(): number {
    return this.buffer.length;
  }

  add(plan: IssuePlan): void {
    if (plan.next) this.buffer.push(plan);
  }

  /** Writes full batches; with `all`, the remainder too. */
  async flush(all: boolean): Promise<void> {
    while (this.buffer.length >= BULK_PROPERTY_ISSUE_LIMIT || (all && this.buffer.length > 0)) {
      const batch = this.buffer.splice(0, BULK_PROPERTY_ISSUE_LIMIT);
      // An issue a person saved since the page was read is neither edited nor written: the next scan judges
      // it from what they saved.
      const current = await this.storedLenses(batch.map((p) => p.issueId));
      const entries: PendingLens[] = [];
      try {
        for (const plan of batch)
          if (current.get(plan.issueId)?.version === plan.next!.version)
            entries.push(await this.applyEdits(plan));
      } catch (e) {
        // Edits done so far must still be recorded, or a repeat would edit again.
        this.unwritten = dedupePending([...this.unwritten, ...entries]);
        throw e;
      }
      await this.writeEntries(entries);
    }
  }

  /**
   * Writes entries in batches of at most 100, each inside its issues' claims (src/storage/lens-claim.ts): the
   * scan's fields are laid over the lens stored now, so nothing a person saved is reverted.
   */
  async writeEntries(entries: PendingLens[]): Promise<void> {
    const all = dedupePending(entries);
    for (let i = 0; i < all.length; i += BULK_PROPERTY_ISSUE_LIMIT) {
      const batch = all.slice(i, i + BULK_PROPERTY_ISSUE_LIMIT);
      try {
        await this.writeBatch(batch);
      } catch (e) {
        this.unwritten = dedupePending([...this.unwritten, ...all.slice(i)]);
        throw e;
      }
    }
  }

  private async writeBatch(batch: PendingLens[]): Promise<void> {
    if (batch.length === 0) return;
    const claims = await Promise.all(batch.map((e) => takeLensClaim(e.key)));
    try {
      const held = batch.filter((_, i) => claims[i]);
      // Not claimed in time: another app writer holds the issue; written by the next invocation.
      const waiting = batch.filter((_, i) => !claims[i]);
      const current = await this.storedLenses(held.map((e) => e.issueId));
      const writes: Array<{ entry: PendingLens; lens: IssueLens }> = [];
      for (const entry of held) {
        const latest = current.get(entry.issueId);
        if (latest) writes.push({ entry, lens: mergeScanFields(latest, entry) });
      }
      if (writes.length)
        // Not polled: a write the task dropped differs from the verdict next run, which rewrites it.
        await retrying(() =>
          this.jira.setIssuePropertiesBulk(
            writes.map((w) => ({ issueId: w.entry.issueId, properties: { [ISSUE_PROPERTY_KEY]: w.lens } })),
            { attempts: 0 },
          ),
        );
      for (const w of writes) this.hooks.onWritten(w.entry.change);
      if (waiting.length) this.unwritten = dedupePending([...this.unwritten, ...waiting]);
    } finally {
      await Promise.all(claims.flatMap((c) => (c ? [releaseLensClaim(c)] : [])));
    }
  }

  /** The lens stored on each issue now; an issue gone or hidden since the page was read is absent. */
  private async storedLenses(issueIds: number[]): Promise<Map<number, IssueLens>> {
    const issues = await retrying(() =>
      this.jira.bulkFetchIssues(issueIds, { fields: ['issuetype'], properties: [ISSUE_PROPERTY_KEY] }),
    );
    return new Map(issues.map((i) => [Number(i.id), readLens(i.properties?.[ISSUE_PROPERTY_KEY])]));
  }

  private async applyEdits(plan: IssuePlan): Promise<PendingLens> {
    const { addLabel, removeLabel, comment } = plan.edits;
    let label = false;
    let commented = false;
    try {
      if (addLabel || removeLabel) {
        await retrying(() =>
          this.jira.editLabels(
            plan.key,
            addLabel ? { add: [addLabel] } : { remove: [removeLabel as string] },
          ),
        );
        label = true;
        this.hooks.onEdit();
      }
      if (comment && plan.next?.flag) commented = await this.commentOnce(plan);
    } catch (e) {
      if (e instanceof JiraRateLimitError) {
        // What was done before the refusal is recorded with the rest, or a repeat would do it again.
        if (label) this.unwritten = dedupePending([...this.unwritten, this.pendingOf(plan, label, false)]);
        throw e;
      }
      this.hooks.onIssueError(plan.key, e instanceof Error ? e.message : String(e));
    }
    return this.pendingOf(plan, label, commented);
  }

  /**
   * The flag's comment, at most once per flagging: its intent is recorded in app storage before the call,
   * keyed by the stored lens it was judged from (unchanged until the flag is written). A repeat that finds the
   * comment made, or sent without an answer (a stopped invocation), records it as made and sends nothing; a
   * refused call (429, 5xx) made no comment and is cleared for the next try.
   */
  private async commentOnce(plan: IssuePlan): Promise<boolean> {
    const stamp = Date.parse(plan.next!.lastAppEditAt ?? '') || 0;
    const intentKey = keys.scanComment(plan.key, plan.next!.version, stamp);
    if (!(await claim(intentKey, { state: 'sending' }, { value: 1, unit: 'DAYS' }))) return true;
    try {
      await retrying(() => this.jira.addComment(plan.key, flagComment(plan.next!.flag!.rules)));
    } catch (e) {
      await kvs.delete(intentKey);
      throw e;
    }
    await kvs.set(intentKey, { state: 'made' }, { ttl: { value: 1, unit: 'DAYS' } });
    this.hooks.onEdit();
    return true;
  }

  private pendingOf(plan: IssuePlan, label: boolean, comment: boolean): PendingLens {
    // Stamped after the edits, so Jira's `updated` from them is never later than lastAppEditAt.
    const lens = afterAppEdits(plan, { label, comment, at: this.hooks.now().toISOString() });
    return {
      issueId: plan.issueId,
      key: plan.key,
      basedOn: plan.next!.version,
      change: plan.change,
      base: plan.base,
      fields: scanFieldsOf(lens),
    };
  }
}
