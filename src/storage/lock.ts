/**
 * The app's one lock: a short hold on a name in app storage, owned by one try of one request. Every lock of the
 * app is one of these: the lens claim (src/storage/lens-claim.ts) and the decision lock, taken
 * by kill-review decisions and results-review verdicts alike.
 *
 * A lock is a row of the custom entity `lock` (manifest.yml, app.storage.entities), because Forge's KVS checks
 * conditions only on custom entities: a transaction's set or delete may carry conditions on the entity's
 * attributes (@forge/kvs, interfaces/transaction.d.ts: TransactSet/TransactDelete `entity.conditions`), and
 * plain keys have none (the SDK's own tests, out/__test__, also set entities with a TTL and FAIL_IF_EXISTS and
 * give a transaction's set its options). So taking a lock is an atomic FAIL_IF_EXISTS create, and taking one
 * over from an earlier try and releasing one are writes conditional on the owner token still being the one
 * read: a try whose lock ran out and was taken by another can neither release nor overwrite the newer holder's
 * lock. A conditional write storage refuses for another reason (an outage) is thrown, not taken for a lost race.
 *
 * A lock names the request it serves. What a try does when an earlier try of its own request holds the lock is
 * the caller's choice (SameRequestPolicy). Anyone else waits a little, then hears when the lock runs out.
 */
import { randomUUID } from 'node:crypto';
import { getAppContext } from '@forge/api';
import { Filter, FilterConditions, ForgeKvsAPIError } from '@forge/kvs';
import { isStorageRateLimited, kvs } from './kvs-client';

/** The custom entity that holds every lock (declared in manifest.yml). */
export const LOCK_ENTITY = 'lock';

/**
 * How long after its invocation was stopped a holder's last Jira call may still land: Forge stops the function,
 * not a request already on its way (one property write, a few hundred milliseconds on a site).
 */
export const CALL_IN_FLIGHT_MS = 1_000;
/** What a waiter keeps of its own time for its work once it has the lock. */
const OWN_WORK_RESERVE_MS = 3_000;
/**
 * The shortest time Forge lets an app function run (25 s, for a function a UI invokes:
 * developer.atlassian.com/platform/forge/limits-invocation). A waiter whose runtime does not say when it stops
 * assumes it stops this long after it began to wait, so a copy never waits past a resolver's limit.
 */
const SHORTEST_INVOCATION_MS = 25_000;

/** A lock as stored. Attributes a holder does not know are left out (an entity attribute holds no null). */
interface StoredLock {
  owner: string;
  requestId?: string;
  /** When the holder took it (its clock, ms). */
  at: number;
  /** How long it lives, so every taker of the same name computes the same expiry. */
  ttlSeconds: number;
  /** When Forge stops the holder's invocation: after it (and a call in flight) the holder writes nothing. */
  stopsAt?: number;
  /**
   * The holder has ended, keeping the lock only because a write it made may still be carried out (keptForLateWrite);
   * its `stopsAt` is then when it ended.
   */
  lateWrite?: boolean;
}

/** This try's hold on a lock. */
export interface HeldLock {
  name: string;
  /** This holder (one try of one request). */
  owner: string;
  /** The request the lock serves. */
  requestId: string | null;
  /** When this holder took the lock (its clock). */
  takenAtMs: number;
  ttlSeconds: number;
  /**
   * Taken from an earlier try of the same request before that try's lock ran out: a write that try had started
   * may still be carried out after this try's own.
   */
  tookOverLive?: boolean;
  /** Taken from an earlier try that had ended keeping the lock for a write that may still land (keptForLateWrite). */
  tookOverLateWrite?: boolean;
}

/**
 * What a try does when an earlier try of its own request holds the lock.
 * - `take-over`: at once (a decision, whose recorded intent lets the newer try finish what the earlier began);
 *   the earlier try's next check fails and it writes no more.
 * - `after-holder`: wait until the earlier try released the lock or can write nothing more (its invocation
 *   stopped and its last call landed, or its lock ran out), then take it: what the earlier try left (a lens
 *   carrying the request id, a log row) is this try's answer, so it must see it before writing again.
 * - `like-others`: wait as for any other holder (the app completing a person's decision defers to their try).
 */
export type SameRequestPolicy = 'take-over' | 'after-holder' | 'like-others';

export interface TakeLockOptions<R> {
  ttlSeconds: number;
  requestId?: string | null;
  /** How long to wait for another request's holder before giving up. */
  waitMs: number;
  sameRequest?: SameRequestPolicy;
  /** How often a waiter looks again (jittered by as much again, so two waiters do not poll in step). */
  pollMs?: number;
  /**
   * Read while waiting: a value means the work this try came for was finished by another try (a duplicate copy
   * of the request recorded it), which is then this try's answer and no lock is taken.
   */
  doneMeanwhile?: () => Promise<R | null>;
}

export type LockOutcome<R> =
  | { status: 'held'; held: HeldLock }
  | { status: 'done'; done: R }
  | { status: 'busy'; retryAfterSeconds: number };

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const locks = () => kvs.entity<StoredLock>(LOCK_ENTITY);
const ownedBy = (owner: string) => new Filter<StoredLock>().and('owner', FilterConditions.equalTo(owner));
const ttlOf = (seconds: number) => ({ value: seconds, unit: 'SECONDS' }) as const;

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

/**
 * From when the holder of a lock can write nothing more: its invocation stopped and its last call landed, or
 * its lock ran out.
 */
export function holderDoneAt(
  holder: { at?: number; stopsAt?: number | null; ttlSeconds: number },
  nowMs: number,
) {
  const at = typeof holder.at === 'number' ? holder.at : nowMs;
  const expires = at + holder.ttlSeconds * 1000;
  const stops = typeof holder.stopsAt === 'number' ? holder.stopsAt + CALL_IN_FLIGHT_MS : expires;
  return Math.min(stops, expires);
}

/**
 * How long a try may wait for an earlier try of its own request: until that one is done, if it can afford to.
 * `ownStopsAt` null (the runtime does not tell): as if it stopped SHORTEST_INVOCATION_MS after `startedAtMs`.
 */
export function sameRequestWaitUntil(
  doneAtMs: number,
  ownStopsAt: number | null,
  startedAtMs: number,
): number {
  const stops = ownStopsAt ?? startedAtMs + SHORTEST_INVOCATION_MS;
  return Math.min(doneAtMs, stops - OWN_WORK_RESERVE_MS);
}

/** How far apart two invocations' clocks may be: a lock is taken over as run out only this long after. */
export const CLOCK_SKEW_MS = 1_000;

/** When a stored lock runs out by its own record (its taker's clock). */
function expiresAt(holder: StoredLock): number {
  return holder.at + holder.ttlSeconds * 1000;
}

/** Seconds until a lock taken at `atMs` and living `ttlSeconds` runs out, at least 1. */
export function secondsLeft(atMs: number | undefined, ttlSeconds: number, nowMs = Date.now()): number {
  const at = typeof atMs === 'number' && Number.isFinite(atMs) ? atMs : nowMs;
  const left = Math.ceil((at + ttlSeconds * 1000 - nowMs) / 1000);
  return Math.min(ttlSeconds, Math.max(1, left));
}

/** How many creates in a row refused with the lock then found free a taker makes before it throws the refusal. */
const CREATE_TRIES = 3;

/**
 * Creates the lock if nobody holds it; true when this call created it. Forge checks FAIL_IF_EXISTS atomically.
 * Neither @forge/kvs nor Forge's documentation names the error code of a refused write, so a lost race is told
 * by what is stored, not by a code: the write failed and the name holds a lock.
 */
async function create(name: string, lock: StoredLock): Promise<boolean> {
  try {
    await locks().set(name, lock, { keyPolicy: 'FAIL_IF_EXISTS', ttl: ttlOf(lock.ttlSeconds) });
    return true;
  } catch (e) {
    // Refused for storage's rate limit after the client's own waits: nothing was written, and trying again now
    // would only wait as long once more.
    if (isStorageRateLimited(e)) throw e;
    const now = await locks().get(name);
    if (now?.owner === lock.owner) return true; // it landed, and only its answer was lost
    if (e instanceof ForgeKvsAPIError && now !== undefined) return false;
    throw e;
  }
}

/** Replaces the lock only if `previousOwner` still holds it; true when it did. */
async function replace(name: string, previousOwner: string, lock: StoredLock): Promise<boolean> {
  try {
    await kvs
      .transact()
      .set(
        name,
        lock,
        { entityName: LOCK_ENTITY, conditions: ownedBy(previousOwner) },
        { ttl: ttlOf(lock.ttlSeconds) },
      )
      .execute();
    return true;
  } catch (e) {
    if (!(e instanceof ForgeKvsAPIError)) throw e;
    const now = await locks().get(name);
    if (now?.owner === lock.owner) return true; // it landed, and only its answer was lost
    // Still the holder read, so the condition held: refused for another reason (an outage), not a lost race.
    if (now?.owner === previousOwner) throw e;
    return false;
  }
}

/**
 * Takes the lock `name`, waiting up to `waitMs` for another request's holder. A lock held for the same
 * `requestId` was left by an earlier try of this very request: see SameRequestPolicy.
 */
export async function takeLock<R = never>(
  name: string,
  options: TakeLockOptions<R>,
): Promise<LockOutcome<R>> {
  const { ttlSeconds } = options;
  const owner = randomUUID();
  const requestId = options.requestId ?? null;
  const sameRequest = options.sameRequest ?? 'like-others';
  const pollMs = options.pollMs ?? 15;
  const stopsAt = invocationStopsAt();
  const mine = (at: number): StoredLock => ({
    owner,
    at,
    ttlSeconds,
    ...(requestId ? { requestId } : {}),
    ...(stopsAt !== null ? { stopsAt } : {}),
  });
  const heldFrom = (at: number, from?: StoredLock): LockOutcome<R> => ({
    status: 'held',
    held: {
      name,
      owner,
      requestId,
      takenAtMs: at,
      ttlSeconds,
      ...(from ? { tookOverLive: true } : {}),
      ...(from?.lateWrite ? { tookOverLateWrite: true } : {}),
    },
  });
  const startedAt = Date.now();
  let giveUpAt = startedAt + options.waitMs;
  let refusedThenFree = 0;
  for (;;) {
    const at = Date.now();
    let created: boolean;
    try {
      created = await create(name, mine(at));
    } catch (e) {
      // Refused, and nobody held it when read: the holder released it in between, or storage is failing. Tried
      // again; a write storage keeps refusing (an outage) is thrown after a few tries.
      if (e instanceof ForgeKvsAPIError && !isStorageRateLimited(e) && ++refusedThenFree < CREATE_TRIES)
        continue;
      throw e;
    }
    if (created) return heldFrom(at);
    refusedThenFree = 0;
    const holder = await locks().get(name);
    if (!holder) continue; // released or run out since: create it again
    // Run out by its own record but still stored (storage removes expired items in its own time): the holder
    // writes nothing more (lockHeld), so it is taken over, conditional on it still being the one read.
    if (at >= expiresAt(holder) + CLOCK_SKEW_MS) {
      if (await replace(name, holder.owner, mine(at))) return heldFrom(at);
      continue;
    }
    const done = options.doneMeanwhile ? await options.doneMeanwhile() : null;
    if (done !== null) return { status: 'done', done };
    if (requestId && holder.requestId === requestId && sameRequest !== 'like-others') {
      const doneAt = holderDoneAt(holder, at);
      if (sameRequest === 'take-over' || at >= doneAt) {
        if (await replace(name, holder.owner, mine(at))) return heldFrom(at, holder);
        continue; // someone else replaced it first: look again
      }
      // Its outcome is this try's answer: worth waiting for as long as this invocation can afford.
      giveUpAt = Math.max(giveUpAt, sameRequestWaitUntil(doneAt, stopsAt, startedAt));
    }
    if (Date.now() >= giveUpAt)
      return { status: 'busy', retryAfterSeconds: secondsLeft(holder.at, holder.ttlSeconds ?? ttlSeconds) };
    await sleep(pollMs + Math.floor(Math.random() * pollMs));
  }
}

/**
 * True while the lock is still this holder's and has `marginMs` left: checked right before a write, so a
 * holder whose lock was taken over or ran out writes nothing.
 */
export async function lockHeld(held: HeldLock, marginMs = 0): Promise<boolean> {
  const lastMoment = held.takenAtMs + held.ttlSeconds * 1000 - marginMs;
  if (Date.now() > lastMoment) return false;
  const owned = (await locks().get(held.name))?.owner === held.owner;
  // The read may have waited out storage's rate limit (src/storage/kvs-client.ts): the margin is checked after it.
  return owned && Date.now() <= lastMoment;
}

/**
 * Releases the lock only if it is still this holder's: the delete is conditional on the owner token, so a try
 * whose lock ran out (or was taken over) removes nothing of the newer holder's.
 */
export async function releaseLock(held: HeldLock): Promise<void> {
  try {
    await kvs
      .transact()
      .delete(held.name, { entityName: LOCK_ENTITY, conditions: ownedBy(held.owner) })
      .execute();
  } catch (e) {
    // Refused because another holder has it, or it is gone: nothing of this holder's is left to release.
    if (e instanceof ForgeKvsAPIError && (await locks().get(held.name))?.owner !== held.owner) return;
    throw e;
  }
}

/**
 * Keeps the lock of a holder that has ended while a write it made may still be carried out (a gateway's 504):
 * it runs out in its TTL, and is marked as such, with the moment the holder ended as its `stopsAt`. A later try of
 * the same request that waits for the holder (`after-holder`) then takes it over at once instead of waiting for an
 * invocation that is over, and keeps it in turn for that write (tookOverLateWrite). Best effort: unmarked, the lock
 * still runs out in its TTL.
 */
export async function keptForLateWrite(held: HeldLock): Promise<void> {
  try {
    const stored = await locks().get(held.name);
    if (stored?.owner !== held.owner) return;
    await replace(held.name, held.owner, { ...stored, lateWrite: true, stopsAt: Date.now() });
  } catch (e) {
    console.warn(`could not mark ${held.name} as kept for a late write`, e);
  }
}

/**
 * Releases the lock once the work it guarded is recorded: a release storage refuses is logged, not thrown, so it
 * never turns that work into an error; the lock runs out in its TTL and is then taken over.
 */
export async function releaseAfterWork(held: HeldLock): Promise<void> {
  await releaseLock(held).catch((e: unknown) => console.warn(`could not release ${held.name}`, e));
}

/**
 * Runs `work` holding the lock `name` (a project's one-at-a-time step: counting new series, making a token), then
 * releases it. Busy past `waitMs`: `busy` is thrown and nothing runs.
 */
export async function whileHolding<T>(
  name: string,
  options: { ttlSeconds: number; waitMs: number; busy: () => Error },
  work: () => Promise<T>,
): Promise<T> {
  const lock = await takeLock(name, { ttlSeconds: options.ttlSeconds, waitMs: options.waitMs });
  if (lock.status !== 'held') throw options.busy();
  try {
    return await work();
  } finally {
    await releaseAfterWork(lock.held);
  }
}
