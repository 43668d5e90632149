/**
 * The one write discipline of the issue lens. Jira's issue-property API has no compare-and-set, so every app
 * writer (the panel's save, each kill-review decision, the scan's lens write) takes a short claim on the issue
 * in app storage around its read–check–write: KVS refuses a second FAIL_IF_EXISTS write of the same key
 * atomically, so two app writers never read–check–write one lens at once. Whoever reads inside the claim sees
 * every write acknowledged before it; the version check made there is the compare-and-set Jira lacks.
 *
 * The residual window: a person writing the property outside the app (REST) takes no claim, and a claim that
 * expires (TTL) while its holder is still writing lets a second writer in. The TTL is far above a write's
 * duration and below the time a person waits (README, "One write discipline for the issue lens").
 */
import { randomUUID } from 'node:crypto';
import { kvs } from '@forge/kvs';
import { ConflictError } from '../errors';
import { keys } from './keys';
import { claim } from './kv';

/** How long a claim lives if its holder dies without releasing it. */
export const LENS_CLAIM_TTL_SECONDS = 30;
/** How long a writer waits for another app writer of the same issue before it answers CONFLICT. */
export const LENS_CLAIM_WAIT_MS = 4_000;
const POLL_MS = 15;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface LensClaim {
  issueKey: string;
  owner: string;
}

/** Takes the issue's claim, waiting up to `waitMs` for another writer to finish; null when it stays taken. */
export async function takeLensClaim(
  issueKey: string,
  waitMs = LENS_CLAIM_WAIT_MS,
): Promise<LensClaim | null> {
  const owner = randomUUID();
  const key = keys.lensClaim(issueKey);
  const giveUpAt = Date.now() + waitMs;
  for (;;) {
    if (await claim(key, { owner, at: Date.now() }, { value: LENS_CLAIM_TTL_SECONDS, unit: 'SECONDS' }))
      return { issueKey, owner };
    if (Date.now() >= giveUpAt) return null;
    // Jittered, so two waiters do not poll in step.
    await sleep(POLL_MS + Math.floor(Math.random() * POLL_MS));
  }
}

/** Releases a claim if it is still this holder's (an expired one may belong to another writer by now). */
export async function releaseLensClaim(held: LensClaim): Promise<void> {
  const key = keys.lensClaim(held.issueKey);
  const stored = await kvs.get<{ owner?: string }>(key);
  if (stored?.owner === held.owner) await kvs.delete(key);
}

/**
 * Runs `work` holding the issue's claim. A writer that cannot get it in time answers CONFLICT with
 * `message`: another app writer is changing the same lens.
 */
export async function withLensClaim<T>(
  issueKey: string,
  work: () => Promise<T>,
  message = `Someone else is saving ${issueKey} right now. Reload and try again.`,
): Promise<T> {
  const held = await takeLensClaim(issueKey);
  if (!held) throw new ConflictError(message);
  try {
    return await work();
  } finally {
    await releaseLensClaim(held);
  }
}
