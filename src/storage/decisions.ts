/**
 * The append-only decision log of a project (kills, keeps, flags). Each entry carries an idempotency key: a
 * retried request (a double click, a re-delivered event) records the decision once and returns the first.
 */
import { randomUUID } from 'node:crypto';
import { kvs } from './kvs-client';
import { ValidationError } from '../errors';
import { keys } from './keys';
import { checkValueSize, claim, KVS_BATCH_ITEMS, listPage } from './kv';

export interface DecisionInput {
  idempotencyKey: string;
  /** ISO date-time of the decision. */
  at: string;
  actorAccountId: string | null;
  kind: string;
  issueKey?: string;
  summary: string;
  details?: Record<string, unknown>;
}

export interface Decision extends DecisionInput {
  id: string;
  projectKey: string;
}

export interface AppendResult {
  decision: Decision;
  /** False when the idempotency key was seen before: `decision` is the first one recorded. */
  created: boolean;
}

/** What a decision's idempotency claim holds: the whole decision, and where its log row goes. */
export interface IdempotencyRecord {
  storageKey: string;
  decision: Decision;
}

export const DEFAULT_DECISION_PAGE = 20;
export const MAX_DECISION_PAGE = 100;

export async function appendDecision(projectKey: string, input: DecisionInput): Promise<AppendResult> {
  const atMs = Date.parse(input.at);
  if (Number.isNaN(atMs))
    throw new ValidationError('Decision date is invalid.', { at: 'Decision date is invalid.' });
  const idemKey = keys.decisionIdempotency(projectKey, input.idempotencyKey);
  const decision: Decision = { ...input, id: randomUUID(), projectKey };
  const storageKey = keys.decision(projectKey, atMs, decision.id);
  checkValueSize(decision, 'The decision');

  // The claim holds the whole decision, so a retry after a crash between the two writes can finish the job.
  if (
    await claim(idemKey, { storageKey, decision } satisfies IdempotencyRecord, { value: 365, unit: 'DAYS' })
  ) {
    await kvs.set(storageKey, decision);
    return { decision, created: true };
  }
  const first = await kvs.get<IdempotencyRecord>(idemKey);
  if (!first) return appendDecision(projectKey, input); // expired between the claim and the read: try again
  await completeRows([first]);
  return { decision: first.decision, created: false };
}

/**
 * The decision recorded under an idempotency key, or null. A try stopped, or refused by storage, between the claim
 * and the log row left the row out: the claim holds the whole decision, and the row is written now.
 */
export async function recordedDecision(projectKey: string, idempotencyKey: string): Promise<Decision | null> {
  const record = await kvs.get<IdempotencyRecord>(keys.decisionIdempotency(projectKey, idempotencyKey));
  if (!record) return null;
  await completeRows([record]);
  return record.decision;
}

/** Writes the log row of each claimed decision whose row is missing (see recordedDecision). */
export async function completeRows(records: readonly IdempotencyRecord[]): Promise<void> {
  for (let i = 0; i < records.length; i += KVS_BATCH_ITEMS) {
    const batch = records.slice(i, i + KVS_BATCH_ITEMS);
    const answer = await kvs.batchGet(batch.map((r) => ({ key: r.storageKey })));
    const missing = new Set(
      answer.failedKeys.filter((f) => f.error.code === 'KEY_NOT_FOUND').map((f) => f.key),
    );
    for (const record of batch)
      if (missing.has(record.storageKey)) await kvs.set(record.storageKey, record.decision);
  }
}

/** Newest first, a page at a time; pass the returned cursor to continue. */
export async function listDecisions(
  projectKey: string,
  options: { cursor?: string | null; limit?: number } = {},
): Promise<{ decisions: Decision[]; cursor: string | null }> {
  const limit = Math.min(MAX_DECISION_PAGE, Math.max(1, Math.floor(options.limit ?? DEFAULT_DECISION_PAGE)));
  const page = await listPage<Decision>(keys.decisionPrefix(projectKey), limit, options.cursor);
  return { decisions: page.items.map((i) => i.value), cursor: page.cursor };
}
