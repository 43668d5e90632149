/** Small helpers over @forge/kvs shared by the storage modules: size checks, claims, prefix listing. */
import { randomUUID } from 'node:crypto';
import { ForgeKvsAPIError, WhereConditions } from '@forge/kvs';
import { isStorageRateLimited, kvs } from './kvs-client';
import { CALL_IN_FLIGHT_MS, CLOCK_SKEW_MS, invocationStopsAt } from './lock';
import { StorageLimitError, ValidationError } from '../errors';

/** Forge KVS limit for one value. */
export const MAX_VALUE_BYTES = 240 * 1024;
/** Forge KVS takes at most 25 keys in one batch get, set or delete. */
export const KVS_BATCH_ITEMS = 25;
/**
 * A revision claim must outlive the longest gap between a writer's read of version n and its claim of n + 1:
 * at most one invocation, and Forge stops any function after 900 s (async event consumers and scheduled
 * triggers; 25 s for resolvers, 55 s for web triggers). Twenty minutes covers that with room to spare, and is
 * also the longest a version stays unwritable when its claimer dies between the claim and the write and its
 * runtime did not say when it would stop (see claimVersion).
 */
const CLAIM_TTL = { value: 20, unit: 'MINUTES' } as const;
const CLAIM_TTL_MS = CLAIM_TTL.value * 60_000;

export function checkValueSize(value: unknown, what: string): void {
  const bytes = Buffer.byteLength(JSON.stringify(value), 'utf8');
  if (bytes > MAX_VALUE_BYTES) {
    throw new StorageLimitError(
      `${what} is too large to store (${bytes} bytes; the limit is ${MAX_VALUE_BYTES}).`,
    );
  }
}

/**
 * Sets every item, 25 a request: Forge counts a storage request by its size, so a batch of small values costs
 * what one set does against the installation's writes a minute (developer.atlassian.com/platform/forge/
 * limits-kvs-ce). Throws when storage refused any item, naming the first.
 */
export async function setMany(
  items: ReadonlyArray<{
    key: string;
    value: unknown;
    ttl?: { value: number; unit: 'SECONDS' | 'MINUTES' | 'HOURS' | 'DAYS' };
  }>,
): Promise<void> {
  for (let i = 0; i < items.length; i += KVS_BATCH_ITEMS) {
    const answer = await kvs.batchSet(
      items
        .slice(i, i + KVS_BATCH_ITEMS)
        .map(({ key, value, ttl }) => ({ key, value, ...(ttl ? { options: { ttl } } : {}) })),
    );
    throwIfRefused(answer.failedKeys, 'set');
  }
}

/** Deletes every key, 25 a request; a key already gone counts as deleted. */
export async function deleteMany(keys: readonly string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += KVS_BATCH_ITEMS) {
    const answer = await kvs.batchDelete(keys.slice(i, i + KVS_BATCH_ITEMS).map((key) => ({ key })));
    throwIfRefused(
      answer.failedKeys.filter((f) => f.error.code !== 'KEY_NOT_FOUND' && f.error.code !== 'NOT_FOUND'),
      'delete',
    );
  }
}

function throwIfRefused(
  failed: ReadonlyArray<{ key: string; error: { code: string; message: string } }>,
  op: string,
): void {
  const first = failed[0];
  if (first)
    throw new Error(
      `App storage refused to ${op} ${failed.length} key(s), first ${first.key}: ${first.error.code} ${first.error.message}`,
    );
}

/**
 * Writes `key` only if nothing is stored there; true when this call created it. Forge checks the condition
 * atomically, so of two concurrent claims exactly one wins. Neither @forge/kvs nor Forge's documentation names
 * the error code of a refused FAIL_IF_EXISTS write, so a lost claim is told by what is stored, not by a code:
 * the write failed and the key holds a value. A write can also fail after storing (a timeout): with `isOwn`, the
 * value found is recognised as this call's own, and the claim counts as won.
 */
export async function claim(
  key: string,
  value: unknown,
  ttl: { value: number; unit: 'SECONDS' | 'MINUTES' | 'HOURS' | 'DAYS' } = CLAIM_TTL,
  isOwn?: (stored: unknown) => boolean,
): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      await kvs.set(key, value, { keyPolicy: 'FAIL_IF_EXISTS', ttl });
      return true;
    } catch (e) {
      // Not a storage refusal, or one for the rate limit that the client has already waited out: thrown.
      if (!(e instanceof ForgeKvsAPIError) || isStorageRateLimited(e)) throw e;
      const stored = await kvs.get(key);
      if (stored !== undefined) return isOwn?.(stored) ?? false;
      // Refused, and nothing stored when read: its holder gave it back in between (a writer whose write failed,
      // a request refused at a bound), or storage is failing. Claimed again; a refusal that lasts is thrown.
      if (attempt >= CLAIM_TRIES) throw e;
    }
  }
}

/** How many writes a claim makes that storage refuses while nothing is stored there, before it throws. */
const CLAIM_TRIES = 3;

/**
 * claim() of a value marked as this call's own: a claim stored by a write that then answered an error is known as
 * won, not taken for someone else's. Without the mark, the one claimer of a step would think another holds it and
 * leave it undone (a scan that never goes on, a comment never made).
 */
export async function claimOwn(
  key: string,
  value: Record<string, unknown>,
  ttl: { value: number; unit: 'SECONDS' | 'MINUTES' | 'HOURS' | 'DAYS' } = CLAIM_TTL,
): Promise<boolean> {
  const by = randomUUID();
  return claim(key, { ...value, by }, ttl, (stored) => (stored as { by?: unknown } | null)?.by === by);
}

/** A value written as one version of a record: version n replaces version n - 1 (0: nothing stored yet). */
export interface Versioned {
  version: number;
}

/**
 * Claims version `value.version` at `claimKey` (see claimVersion), then stores `value` at `key`. False when
 * someone else holds the claim.
 *
 * A value write that answers an error may still have been stored (a timeout after the write). So the value is read
 * back before the claim is given up:
 * - it is this write's value: the write counts as made, and the claim stays, as it would have;
 * - it is not: the claim is given back before the error goes on. Otherwise every later writer would lose the claim
 *   to a version that was never stored, and be refused until it expires;
 * - it cannot be read: the claim stays until its holder is known stopped (or it expires). Giving back a version
 *   that may be stored would let a writer who read the version before it overwrite it.
 * A storage fault seldom comes alone, and the next request often goes through: the read and the giving back are
 * each tried a few times before the claim is left.
 */
export async function writeClaimed<V extends Versioned>(
  claimKey: string,
  claimValue: unknown,
  key: string,
  value: V,
): Promise<boolean> {
  const held = await claimVersion(claimKey, claimValue, key, value.version - 1);
  if (held === null) return false;
  try {
    await kvs.set(key, value);
  } catch (e) {
    const readBack = await triedAgain(() => kvs.get(key));
    if (!readBack.done) throw e;
    // Stored values come back as JSON: compare them as JSON (a property left undefined is not stored).
    const stored = readBack.value;
    if (stored !== undefined && JSON.stringify(stored) === JSON.stringify(value)) return true;
    // Best effort: if storage refuses this every time, the claim's holder is seen stopped in time.
    await triedAgain(() => kvs.delete(held));
    throw e;
  }
  return true;
}

/** A version's claim as stored (claimOwn adds `by`). */
interface StoredClaim {
  by?: unknown;
  /** When it was claimed (the claimer's clock): it expires CLAIM_TTL later. */
  claimedAt?: unknown;
  /** When Forge stops the claimer's invocation, as its runtime told: after it the claimer writes nothing. */
  stopsAt?: unknown;
}

/** How many stopped claimers in a row a writer takes over from before it calls the version someone else's. */
const MAX_TAKEOVERS = 3;

/**
 * Claims the version after `base` at `claimKey`; answers the key this writer now holds, or null when someone else
 * holds the version.
 *
 * A claimer can be stopped between its claim and its write (Forge ends a resolver after 25 s). Its claim would
 * then keep the version from every writer for CLAIM_TTL, and each save would be told that someone else changed
 * the record. So a claim records when its claimer's invocation stops; once that has passed (with a call in flight
 * and the clocks' skew), the claimer can write nothing more and one later writer takes its place. Storage has no
 * conditional update of a plain key, so the place is taken by claiming a key named after the stopped claimer:
 * FAIL_IF_EXISTS lets exactly one writer have it. The stopped claimer may have written before it stopped: the
 * taker writes only if `key` still holds version `base` when it has the place. A place is taken only while the
 * version's own claim will outlive the taker's invocation: a writer who claims the version anew once it expired
 * asks no one, and would write it too.
 */
export async function claimVersion(
  claimKey: string,
  claimValue: unknown,
  key: string,
  base: number,
): Promise<string | null> {
  let current = claimKey;
  for (let takeovers = 0; ; takeovers++) {
    const claimedAt = Date.now();
    const stopsAt = invocationStopsAt(claimedAt);
    const claimRecord = { claim: claimValue, claimedAt, ...(stopsAt !== null ? { stopsAt } : {}) };
    if (await claimOwn(current, claimRecord)) break;
    if (takeovers >= MAX_TAKEOVERS) return null;
    const holder = await kvs.get<StoredClaim>(current);
    if (!holder || typeof holder.by !== 'string' || !claimerStopped(holder, Date.now())) return null;
    // The version's own claim must outlive this writer: once it expires, a writer who claims it anew writes
    // without asking who took its place, and both would write the version.
    if (takeovers === 0 && !outlives(holder, stopsAt)) return null;
    current = `${claimKey}:after:${holder.by}`;
  }
  if (current === claimKey) return current;
  const stored = await kvs.get<Partial<Versioned>>(key);
  return (stored?.version ?? 0) === base ? current : null;
}

/**
 * Whether the version's claim (`holder`, the one claimed first) lasts until a writer stopped at `stopsAt` can send
 * nothing more; not when either time is unknown (a claim stored by an older version, a runtime that does not say).
 */
function outlives(holder: StoredClaim, stopsAt: number | null): boolean {
  return (
    typeof holder.claimedAt === 'number' &&
    stopsAt !== null &&
    stopsAt + CALL_IN_FLIGHT_MS + CLOCK_SKEW_MS < holder.claimedAt + CLAIM_TTL_MS
  );
}

/** Whether a claim's holder was stopped long enough ago that nothing it sent can still land. */
function claimerStopped(holder: StoredClaim, nowMs: number): boolean {
  return typeof holder.stopsAt === 'number' && nowMs >= holder.stopsAt + CALL_IN_FLIGHT_MS + CLOCK_SKEW_MS;
}

/** How many times a step after a failed write (its read back, its claim given back) is tried. */
const AFTER_FAULT_TRIES = 3;

/** `step`, tried again after a short pause while storage refuses it; done: false when it never went through. */
async function triedAgain<T>(step: () => Promise<T>): Promise<{ done: true; value: T } | { done: false }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return { done: true, value: await step() };
    } catch {
      if (attempt >= AFTER_FAULT_TRIES) return { done: false };
      await backOffAfterConflict(attempt);
    }
  }
}

/**
 * A pause before trying a write again that lost to a concurrent one: longer each time and never the same for two
 * writers, so many senders at once take turns instead of colliding again (about 25 ms, 50 ms, … up to 400 ms).
 * The loser's next read may also need the winner's write to be visible.
 */
export function backOffAfterConflict(attempt: number): Promise<void> {
  const ms = Math.min(400, 25 * 2 ** (attempt - 1)) * (0.5 + Math.random());
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface Page<T> {
  items: Array<{ key: string; value: T }>;
  cursor: string | null;
}

/**
 * The most one key-value query returns: "up to a maximum of 20" (Forge's Key-Value Store query reference); a
 * larger limit is refused with LIST_QUERY_LIMIT_EXCEEDED.
 */
export const KVS_QUERY_PAGE_MAX = 20;

/**
 * Up to `limit` of the keys that begin with `prefix`, in ascending key order, from as many storage queries of at
 * most KVS_QUERY_PAGE_MAX as it takes; the cursor continues after the last item returned.
 */
export async function listPage<T>(prefix: string, limit: number, cursor?: string | null): Promise<Page<T>> {
  const items: Page<T>['items'] = [];
  let next = cursor ?? null;
  do {
    const page = await queryOnce<T>(
      prefix,
      Math.min(KVS_QUERY_PAGE_MAX, limit - items.length),
      next,
      next === cursor,
    );
    items.push(...page.items);
    next = page.cursor;
  } while (next && items.length < limit);
  return { items, cursor: next };
}

async function queryOnce<T>(
  prefix: string,
  limit: number,
  cursor: string | null | undefined,
  cursorFromCaller: boolean,
): Promise<Page<T>> {
  let query = kvs.query().where('key', WhereConditions.beginsWith(prefix)).limit(Math.max(1, limit));
  if (cursor) query = query.cursor(cursor);
  let result;
  try {
    result = await query.getMany<T>();
  } catch (e) {
    // The caller's cursor is its input: storage refusing it (HTTP 400) is a bad request, not an outage.
    if (cursor && cursorFromCaller && e instanceof ForgeKvsAPIError && e.responseDetails.status === 400)
      throw new ValidationError('The list position sent is not valid: reload the list.', {
        cursor: 'Not a position this list gave out.',
      });
    throw e;
  }
  return {
    items: result.results.map((r) => ({ key: r.key, value: r.value })),
    cursor: result.nextCursor ?? null,
  };
}

/** Every item under `prefix`, page by page (at most `maxItems`). */
export async function listAll<T>(
  prefix: string,
  maxItems = 5_000,
): Promise<Array<{ key: string; value: T }>> {
  const out: Array<{ key: string; value: T }> = [];
  let cursor: string | null = null;
  do {
    const page: Page<T> = await listPage<T>(prefix, KVS_QUERY_PAGE_MAX, cursor);
    out.push(...page.items);
    cursor = page.cursor;
  } while (cursor && out.length < maxItems);
  return out.slice(0, maxItems);
}
