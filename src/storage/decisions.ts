/**
 * The append-only decision log of a project (kills, keeps, flags). Each entry carries an idempotency key: a
 * retried request (a double click, a re-delivered event) records the decision once and returns the first.
 */
import { randomUUID } from 'node:crypto';
import { kvs } from '@forge/kvs';
import { ValidationError } from '../errors';
import { keys } from './keys';
import { checkValueSize, claim, listPage } from './kv';

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

interface IdempotencyRecord {
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
  if ((await kvs.get(first.storageKey)) === undefined) await kvs.set(first.storageKey, first.decision);
  return { decision: first.decision, created: false };
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
