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
 * The residual window: a person writing the property outside the app (REST) takes no claim, and a holder that
 * checked its claim an instant before a takeover or expiry can still land the write it had started
 * (README, "One write discipline for the issue lens").
 */
import { randomUUID } from 'node:crypto';
import { getAppContext } from '@forge/api';
import { kvs } from '@forge/kvs';
import { ConflictError } from '../errors';
import { keys } from './keys';
import { claim } from './kv';

/**
 * How long a claim lives if its holder dies without releasing it: Forge stops a UI function (panel save,
 * decision) after 25 s (developer.atlassian.com/platform/forge/limits-invocation), so no resolver holds a claim
 * longer; the scan holds one for a single batch's re-read and write, a few seconds.
 */
export const LENS_CLAIM_TTL_SECONDS = 25;
/** How long a writer waits for another app writer of the same issue before it answers CONFLICT. */
export const LENS_CLAIM_WAIT_MS = 4_000;
const POLL_MS = 15;
/**
 * How long after its invocation was stopped a holder's last Jira call may still land: Forge stops the function,
 * not a request already on its way (one property write, a few hundred milliseconds on a site).
 */
export const CALL_IN_FLIGHT_MS = 1_000;
/** What a waiter keeps of its own time for its read and write once it has the claim. */
const OWN_WORK_RESERVE_MS = 3_000;

/**
 * When Forge stops this invocation (its time limit), from @forge/api's getAppContext(); null outside one or
 * where the runtime does not tell (Forge's tunnel before CLI 10).
 */
export function invocationStopsAt(nowMs = Date.now()): number | null {
  try {
    const left = getAppContext().invocationRemainingTimeInMillis();
    return Number.isFinite(left) && left < Number.MAX_SAFE_INTEGER ? nowMs + left : null;
  } catch {
    return null;
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface LensClaim {
  issueKey: string;
  /** This holder (one try of one request). */
  owner: string;
  /** The request the claim serves; a retry of it may take the claim over. */
  requestId: string | null;
  /** When this holder took the claim (its clock), for the time left on it. */
  takenAtMs: number;
}

interface StoredClaim {
  owner?: string;
  requestId?: string | null;
  at?: number;
  /** When Forge stops the holder's invocation: after it (and a call in flight) the holder writes nothing. */
  stopsAt?: number | null;
}

/**
 * From when the holder of a claim or lock taken at `at` (living `ttlSeconds`) can write nothing more: its
 * invocation stopped and its last call landed, or its claim ran out.
 */
export function holderDoneAt(
  holder: { at?: number; stopsAt?: number | null },
  nowMs: number,
  ttlSeconds = LENS_CLAIM_TTL_SECONDS,
): number {
  const at = typeof holder.at === 'number' ? holder.at : nowMs;
  const expires = at + ttlSeconds * 1000;
  const stops = typeof holder.stopsAt === 'number' ? holder.stopsAt + CALL_IN_FLIGHT_MS : expires;
  return Math.min(stops, expires);
}

/** How long a try may wait for an earlier try of its own request: until that one is done, if it can afford to. */
export function sameRequestWaitUntil(doneAtMs: number, ownStopsAt: number | null): number {
  return Math.min(doneAtMs, (ownStopsAt ?? Infinity) - OWN_WORK_RESERVE_MS);
}

/** Seconds until a claim taken at `atMs` runs out, at least 1. */
export function secondsLeft(atMs: number | undefined, nowMs = Date.now()): number {
  const at = typeof atMs === 'number' && Number.isFinite(atMs) ? atMs : nowMs;
  const left = Math.ceil((at + LENS_CLAIM_TTL_SECONDS * 1000 - nowMs) / 1000);
  return Math.min(LENS_CLAIM_TTL_SECONDS, Math.max(1, left));
}

export type ClaimResult = { held: LensClaim } | { held: null; retryAfterSeconds: number };

/**
 * What a try does when an earlier try of its own request holds the claim. `take-over`: at once (a decision,
 * whose intent lets the newer try finish what the earlier began). `after-holder`: wait until the earlier try
 * released it or can write nothing more (its invocation stopped, its last call landed), then read what it left
 * (a panel save or a verdict, which records its request id in the lens it writes: a retry must see that write
 * before it writes again, or one request would write twice).
 */
export type SameRequestPolicy = 'take-over' | 'after-holder';

/**
 * Takes the issue's claim, waiting up to `waitMs` for another writer to finish. A claim held for the same
 * `requestId` was left by an earlier try of this very request: see SameRequestPolicy.
 */
export async function takeLensClaim(
  issueKey: string,
  options: { waitMs?: number; requestId?: string | null; sameRequest?: SameRequestPolicy } = {},
): Promise<ClaimResult> {
  const owner = randomUUID();
  const requestId = options.requestId ?? null;
  const key = keys.lensClaim(issueKey);
  const ttl = { value: LENS_CLAIM_TTL_SECONDS, unit: 'SECONDS' } as const;
  const stopsAt = invocationStopsAt();
  const mine = (at: number): StoredClaim => ({ owner, requestId, at, stopsAt });
  let giveUpAt = Date.now() + (options.waitMs ?? LENS_CLAIM_WAIT_MS);
  for (;;) {
    const at = Date.now();
    if (await claim(key, mine(at), ttl)) return { held: { issueKey, owner, requestId, takenAtMs: at } };
    const holder = await kvs.get<StoredClaim>(key);
    if (requestId && holder?.requestId === requestId) {
      const doneAt = holderDoneAt(holder, at);
      if (options.sameRequest !== 'after-holder' || at >= doneAt) {
        // Overwritten, so that earlier try's next check fails and it writes no more.
        await kvs.set(key, mine(at), { ttl });
        return { held: { issueKey, owner, requestId, takenAtMs: at } };
      }
      // Its outcome is this try's answer: worth waiting for as long as this invocation can afford.
      giveUpAt = Math.max(giveUpAt, sameRequestWaitUntil(doneAt, stopsAt));
    }
    if (Date.now() >= giveUpAt) return { held: null, retryAfterSeconds: secondsLeft(holder?.at) };
    // Jittered, so two waiters do not poll in step.
    await sleep(POLL_MS + Math.floor(Math.random() * POLL_MS));
  }
}

/**
 * True while the claim is still this holder's and has time left for one more write: checked right before a
 * lens write, so a holder whose claim was taken over or ran out writes nothing.
 */
export async function stillHeld(held: LensClaim, marginMs = 2_000): Promise<boolean> {
  if (Date.now() > held.takenAtMs + LENS_CLAIM_TTL_SECONDS * 1000 - marginMs) return false;
  const stored = await kvs.get<StoredClaim>(keys.lensClaim(held.issueKey));
  return stored?.owner === held.owner;
}

/** Throws CONFLICT unless the claim is still this holder's (see stillHeld). */
export async function checkHeld(held: LensClaim): Promise<void> {
  if (!(await stillHeld(held)))
    throw new ConflictError(
      `Saving ${held.issueKey} took too long, or a newer try of the same request took over: nothing more was written. Reload to see what was saved.`,
    );
}

/** Releases a claim if it is still this holder's (an expired one may belong to another writer by now). */
export async function releaseLensClaim(held: LensClaim): Promise<void> {
  const key = keys.lensClaim(held.issueKey);
  const stored = await kvs.get<StoredClaim>(key);
  if (stored?.owner === held.owner) await kvs.delete(key);
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
