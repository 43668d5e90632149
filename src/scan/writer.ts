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
import {
  BULK_PROPERTY_ISSUE_LIMIT,
  withRetry,
  type BulkPropertyEntry,
  type JiraClient,
} from '../jira/client';
import { afterAppEdits, scanFieldsOf, withScanFields, type IssuePlan, type ScanFields } from './scan-page';

export interface WriterHooks {
  /** One issue's edit failed (not a rate limit): recorded and skipped. */
  onIssueError: (issueKey: string, message: string) => void;
  onEdit: () => void;
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

export class ScanWriter {
  private buffer: IssuePlan[] = [];
  /**
   * The scan's fields of lenses whose edits were done but whose write failed (rate limit, 5xx): the next
   * invocation writes them.
   */
  unwritten: BulkPropertyEntry[] = [];

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
      const current = await this.storedLenses(batch.map((p) => p.issueId));
      const entries: BulkPropertyEntry[] = [];
      try {
        for (const plan of batch)
          if (current.get(plan.issueId)?.version === plan.next!.version)
            entries.push(await this.applyEdits(plan));
      } catch (e) {
        // Edits done so far must still be recorded, or a repeat would edit again.
        this.unwritten = entries.map(pending);
        throw e;
      }
      await this.write(entries);
    }
  }

  /**
   * Writes entries left by an interrupted invocation. Their label and comment are done, so what they record of
   * them must survive: the scan's fields are laid over the lens stored now, keeping what a person saved since.
   */
  async writeEntries(entries: BulkPropertyEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const current = await this.storedLenses(entries.map((e) => e.issueId));
    const merged: BulkPropertyEntry[] = [];
    for (const entry of entries) {
      const now = current.get(entry.issueId);
      const ours = entry.properties[ISSUE_PROPERTY_KEY] as ScanFields;
      if (now)
        merged.push({
          issueId: entry.issueId,
          properties: { [ISSUE_PROPERTY_KEY]: withScanFields(now, ours) },
        });
    }
    await this.write(merged);
  }

  /** The lens stored on each issue now; an issue gone or hidden since the page was read is absent. */
  private async storedLenses(issueIds: number[]): Promise<Map<number, IssueLens>> {
    const issues = await retrying(() =>
      this.jira.bulkFetchIssues(issueIds, { fields: ['issuetype'], properties: [ISSUE_PROPERTY_KEY] }),
    );
    return new Map(issues.map((i) => [Number(i.id), readLens(i.properties?.[ISSUE_PROPERTY_KEY])]));
  }

  private async write(entries: BulkPropertyEntry[]): Promise<void> {
    if (entries.length === 0) return;
    try {
      // Not polled: a write the task dropped differs from the verdict next run, which rewrites it.
      await retrying(() => this.jira.setIssuePropertiesBulk(entries, { attempts: 0 }));
    } catch (e) {
      this.unwritten = entries.map(pending);
      throw e;
    }
  }

  private async applyEdits(plan: IssuePlan): Promise<BulkPropertyEntry> {
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
      if (comment && plan.next?.flag) {
        await retrying(() => this.jira.addComment(plan.key, flagComment(plan.next!.flag!.rules)));
        commented = true;
        this.hooks.onEdit();
      }
    } catch (e) {
      if (e instanceof JiraRateLimitError) throw e;
      this.hooks.onIssueError(plan.key, e instanceof Error ? e.message : String(e));
    }
    // Stamped after the edits, so Jira's `updated` from them is never later than lastAppEditAt.
    const lens = afterAppEdits(plan, { label, comment: commented, at: this.hooks.now().toISOString() });
    return { issueId: plan.issueId, properties: { [ISSUE_PROPERTY_KEY]: lens } };
  }
}

/** An entry as the cursor keeps it: the scan's fields only. */
function pending(entry: BulkPropertyEntry): BulkPropertyEntry {
  const lens = entry.properties[ISSUE_PROPERTY_KEY] as ScanFields;
  return { issueId: entry.issueId, properties: { [ISSUE_PROPERTY_KEY]: scanFieldsOf(lens) } };
}
