/**
 * The one write discipline of the issue lens. Jira's issue-property API has no compare-and-set, so every app
 * writer (the panel's save, each kill-review decision, the scan's lens write) takes a short claim on the issue
 * in app storage around its read–check–write: KVS refuses a second FAIL_IF_EXISTS write of the same key
 * atomically, so two app writers never read–check–write one lens at once. Whoever reads inside the claim sees
 * every write acknowledged before it; the version check made there is the compare-and-set Jira lacks.
 *
 * A claim names the request it serves. A retry of the same request (a decision sent again with its key after
 * Forge stopped the first try) takes its own claim over at once instead of waiting for it to expire; the
 * earlier try, if it still runs, finds the claim gone at its next check and writes nothing more. Anyone else
 * waits a little, then answers CONFLICT saying when the claim runs out.
 *
 * The claim is a lock of src/storage/lock.ts (the app's one lock), named after the issue.
 *
 * The residual window: a person writing the property outside the app (REST) takes no claim, and a holder that
 * checked its claim an instant before a takeover or expiry can still land the write it had started
 * (README, "One write discipline for the issue lens").
 */
import { ConflictError, writeMayLandLater } from '../errors';
import { keys } from './keys';
import {
  keptForLateWrite,
  lockHeld,
  releaseAfterWork,
  takeLock,
  type HeldLock,
  type SameRequestPolicy,
} from './lock';

/**
 * How long a claim lives if its holder dies without releasing it: Forge stops a UI function (panel save,
 * decision) after 25 s (developer.atlassian.com/platform/forge/limits-invocation), so no resolver holds a claim
 * longer; the scan holds one for a single batch's re-read and write, a few seconds.
 */
export const LENS_CLAIM_TTL_SECONDS = 25;
/** How long a writer waits for another app writer of the same issue before it answers CONFLICT. */
export const LENS_CLAIM_WAIT_MS = 4_000;
const POLL_MS = 15;

export interface LensClaim extends HeldLock {
  issueKey: string;
  /**
   * Set when a lens write under this claim failed in a way Jira may still carry out (writeHolding), or the claim
   * was taken over at once from a live earlier try of the same request (whose write may still land): the claim is
   * then kept until it runs out, not released.
   */
  writeMayLandLate?: boolean;
}

export type ClaimResult = { held: LensClaim } | { held: null; retryAfterSeconds: number };

/**
 * Takes the issue's claim, waiting up to `waitMs` for another writer to finish. A claim held for the same
 * `requestId` was left by an earlier try of this very request: by default it is taken over at once (a decision),
 * or with `after-holder` once that try can write nothing more (a panel save or a verdict, which records its
 * request id in the lens it writes: a retry must see that write before it writes again).
 */
export async function takeLensClaim(
  issueKey: string,
  options: { waitMs?: number; requestId?: string | null; sameRequest?: SameRequestPolicy } = {},
): Promise<ClaimResult> {
  const sameRequest = options.sameRequest ?? 'take-over';
  const taken = await takeLock(keys.lensClaim(issueKey), {
    ttlSeconds: LENS_CLAIM_TTL_SECONDS,
    requestId: options.requestId ?? null,
    waitMs: options.waitMs ?? LENS_CLAIM_WAIT_MS,
    sameRequest,
    pollMs: POLL_MS,
  });
  // Taken over at once from an earlier try that may be mid-write, or from one that ended keeping the claim for a
  // write that may still land: kept after this try, as that try would have kept it (writeHolding). One taken
  // `after-holder` from a live try waited until that try could write nothing more.
  if (taken.status === 'held') {
    const lateWrite =
      (taken.held.tookOverLive && sameRequest === 'take-over') || !!taken.held.tookOverLateWrite;
    return { held: { ...taken.held, issueKey, ...(lateWrite ? { writeMayLandLate: true } : {}) } };
  }
  return { held: null, retryAfterSeconds: taken.status === 'busy' ? taken.retryAfterSeconds : 1 };
}

/**
 * True while the claim is still this holder's and has time left for one more write: checked right before a
 * lens write, so a holder whose claim was taken over or ran out writes nothing.
 */
export async function stillHeld(held: LensClaim, marginMs = 2_000): Promise<boolean> {
  return lockHeld(held, marginMs);
}

/**
 * Throws CONFLICT unless the claim is still this holder's (see stillHeld). The refusal carries no newer version
 * and no other writer: this try itself ran out of time (or a newer try of it took over), and nobody else wrote.
 */
export async function checkHeld(held: LensClaim): Promise<void> {
  if (!(await stillHeld(held)))
    throw new ConflictError(
      `Saving ${held.issueKey} took too long and was stopped before it finished: nothing more was written. Reload the issue to see what was saved.`,
    );
}

/**
 * Releases a claim if it is still this holder's (an expired one may belong to another writer by now), unless a
 * write made under it may still land: then it is marked so (keptForLateWrite) and runs out in its TTL (see
 * writeHolding).
 */
export async function releaseLensClaim(held: LensClaim): Promise<void> {
  if (held.writeMayLandLate) await keptForLateWrite(held);
  else await releaseAfterWork(held);
}

/**
 * Makes a lens write under `held`. One that fails in a way Jira may still carry out later (a 502 or 504: Jira's
 * gateway gives up while Jira goes on; an answer lost on the way) keeps the claim until it runs out: released at
 * once, the next writer's version check would pass on the lens as it was, and the late write would land over that
 * writer's save. The issue is then busy for the claim's TTL at most; a write Jira lands later still is the residual
 * window. A 500 or 503 is Jira's own answer that the write is over, made or not: nothing is left to land, and the
 * claim is given back. So is it when the writer can tell its write from the lens read back (`landed`).
 */
export async function writeHolding<T>(
  held: LensClaim,
  write: () => Promise<T>,
  landed?: () => Promise<boolean>,
): Promise<T> {
  try {
    return await write();
  } catch (e) {
    // `landed` reads the lens back: a write already there has nothing left to land late.
    if (writeMayLandLater(e) && !(await (landed?.().catch(() => false) ?? false)))
      held.writeMayLandLate = true;
    throw e;
  }
}

/**
 * Runs `work` holding the issue's claim. A writer that cannot get it in time answers CONFLICT with `message`
 * and when to try again: another app writer is changing the same lens. `work` gets the claim to check it
 * before its write.
 */
export async function withLensClaim<T>(
  issueKey: string,
  work: (held: LensClaim) => Promise<T>,
  message = `Someone else is saving ${issueKey} right now.`,
  options: { requestId?: string | null; waitMs?: number; sameRequest?: SameRequestPolicy } = {},
): Promise<T> {
  const result = await takeLensClaim(issueKey, options);
  if (!result.held) {
    const seconds = result.retryAfterSeconds;
    throw new ConflictError(
      `${message} Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`,
      undefined,
      seconds,
    );
  }
  const held = result.held;
  try {
    return await work(held);
  } finally {
    await releaseLensClaim(held);
  }
}
