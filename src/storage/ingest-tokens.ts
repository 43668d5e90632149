/**
 * Measurement tokens: Forge web trigger URLs carry no authentication of their own (Forge's web trigger
 * documentation: anyone with the URL can call it), so each request must bring a project's token. Only a
 * SHA-256 hash of each token's secret is stored; the token itself is shown once, when made or rotated, and
 * compared in constant time (crypto.timingSafeEqual) so a caller cannot learn it byte by byte from timings.
 *
 * A token reads `olm.<PROJECT>.<tokenId>.<secret>`: the project and id find the one record to compare with.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { kvs } from './kvs-client';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { nameKey } from '../domain/visible-text';
import { keys } from './keys';
import {
  backOffAfterConflict,
  claim,
  claimOwn,
  claimVersion,
  KVS_BATCH_ITEMS,
  listAll,
  writeClaimed,
} from './kv';
import { whileHolding } from './lock';

export const TOKEN_PREFIX = 'olm';
/** Tokens a project may hold at once (revoked ones included, until deleted). */
export const MAX_TOKENS_PER_PROJECT = 20;
/** Requests one token may make per rate window. */
export const TOKEN_RATE_LIMIT = 60;
export const TOKEN_RATE_WINDOW_SECONDS = 60;

export interface StoredToken {
  id: string;
  projectKey: string;
  name: string;
  /** Hex SHA-256 of the secret. */
  secretHash: string;
  /** The secret's first characters, so a person can tell tokens apart without the secret. */
  hint: string;
  createdAt: string;
  createdBy: string;
  rotatedAt: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
  /** Counts changes; a change claims the next one, so a rotate and a revoke at once cannot undo each other. */
  version: number;
}

/** What the settings page lists: never the hash. */
export type TokenView = Omit<StoredToken, 'secretHash'>;

export function viewOf(t: StoredToken): TokenView {
  const { secretHash: _hidden, ...rest } = t;
  return rest;
}

function hashOf(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

function tokenText(projectKey: string, id: string, secret: string): string {
  return `${TOKEN_PREFIX}.${projectKey}.${id}.${secret}`;
}

const NAME_MAX = 60;

function checkName(name: string): string {
  const trimmed = name.trim();
  // Counted as the page and the payload's schema count it, by character: "😀" is one, not two UTF-16 units.
  if (!trimmed || [...trimmed].length > NAME_MAX)
    throw new ValidationError('Name the token (1 to 60 characters).', {
      name: `Name the token (1 to ${NAME_MAX} characters), e.g. "nightly CI".`,
    });
  return trimmed;
}

/**
 * A revocation, stored apart from the token's record: `ingest-token-rev:{project}:{tokenId}:0`. Versions start at 1
 * and a change claims the next one, so claims never use 0.
 *
 * A revoke must not depend on winning the token's next version: a rotate whose value write failed and whose claim
 * could not be given back (its function stopped, or storage's writes for the minute ran out) leaves that version
 * claimed for up to 20 minutes (src/storage/kv.ts), and a leaked token must be cut off at once all the same. Writing
 * the record without the claim is no answer either: a rotate that read the token before the revoke would then write
 * its new secret over the revocation. So a revoke writes this mark first, without any version, and every reader of a
 * token (the web trigger's check, the list, rotate, revoke, delete) reads it with the record, in one batch read: the
 * mark alone makes the token revoked. Revocation only ever moves one way, so a mark needs no version: two revokes at
 * once keep the first one's time and author, and nothing clears a mark but deleting the token. The revoke then also
 * writes the revocation into the record, as a versioned change after whatever a concurrent rotate stored, so the
 * record keeps that rotate's secret and reads revoked too; if that write cannot be made, the mark holds.
 *
 * The mark names the token's `createdAt`, so a mark left behind by a deleted token never revokes a later token of
 * the same id (a create under the same request id).
 */
interface RevocationMark {
  tokenCreatedAt: string;
  revokedAt: string;
  revokedBy: string;
}

const REVOCATION_MARK_VERSION = 0;
/** Kept as long as the token's record. */
const TOKEN_TTL = { value: 3650, unit: 'DAYS' } as const;

function revocationKey(projectKey: string, id: string): string {
  return keys.ingestTokenRevision(projectKey, id, REVOCATION_MARK_VERSION);
}

function isMarkOf(t: StoredToken, mark: unknown): mark is RevocationMark {
  const m = mark as Partial<RevocationMark> | null | undefined;
  return typeof m?.revokedAt === 'string' && m.tokenCreatedAt === t.createdAt;
}

/** The token as its record and its revocation mark say together. */
function withRevocation(t: StoredToken, mark: unknown): StoredToken {
  if (t.revokedAt || !isMarkOf(t, mark)) return t;
  return { ...t, revokedAt: mark.revokedAt, revokedBy: mark.revokedBy };
}

/** A batch read's keys that storage could not answer, but for the ones it has nothing at: thrown. */
function throwIfUnread(failed: ReadonlyArray<{ key: string; error: { code: string; message: string } }>) {
  const first = failed.find((f) => f.error.code !== 'KEY_NOT_FOUND' && f.error.code !== 'NOT_FOUND');
  if (first)
    throw new Error(`App storage could not read ${first.key}: ${first.error.code} ${first.error.message}`);
}

/** The token's record with its revocation mark, in one storage read; undefined when there is no record. */
async function readToken(projectKey: string, id: string): Promise<StoredToken | undefined> {
  const recordKey = keys.ingestToken(projectKey, id);
  const markKey = revocationKey(projectKey, id);
  const answer = await kvs.batchGet<unknown>([{ key: recordKey }, { key: markKey }]);
  throwIfUnread(answer.failedKeys);
  const found = new Map(answer.successfulKeys.map((r) => [r.key, r.value]));
  const record = found.get(recordKey) as StoredToken | undefined;
  return record ? withRevocation(record, found.get(markKey)) : undefined;
}

export async function listTokens(projectKey: string): Promise<StoredToken[]> {
  const items = await listAll<StoredToken>(keys.ingestTokenPrefix(projectKey), 200);
  const records = items.map((i) => i.value);
  // The revocation marks of the tokens whose record does not say revoked (MAX_TOKENS_PER_PROJECT: one batch).
  const open = records.filter((t) => !t.revokedAt);
  const marks = new Map<string, unknown>();
  for (let i = 0; i < open.length; i += KVS_BATCH_ITEMS) {
    const batch = open.slice(i, i + KVS_BATCH_ITEMS);
    const answer = await kvs.batchGet<unknown>(batch.map((t) => ({ key: revocationKey(projectKey, t.id) })));
    throwIfUnread(answer.failedKeys);
    for (const r of answer.successfulKeys) marks.set(r.key, r.value);
  }
  return records
    .map((t) => withRevocation(t, marks.get(revocationKey(projectKey, t.id))))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

async function requireToken(projectKey: string, id: string): Promise<StoredToken> {
  const found = await readToken(projectKey, id);
  if (!found) throw new NotFoundError('This token does not exist (any more). Reload the list.');
  return found;
}

/** Writes `next` as the version after `current`; refused when someone else changed the token meanwhile. */
async function writeNext(current: StoredToken, next: StoredToken): Promise<StoredToken> {
  const versioned = { ...next, version: current.version + 1 };
  const revision = keys.ingestTokenRevision(current.projectKey, current.id, versioned.version);
  if (!(await writeClaimed(revision, 1, keys.ingestToken(current.projectKey, current.id), versioned)))
    throw new ConflictError('Someone else changed this token meanwhile. Reload the list.');
  return versioned;
}

/** The id a create with a request id makes: the same person's same request finds the token it made. */
function tokenIdOf(projectKey: string, actor: string, requestId: string): string {
  return createHash('sha256')
    .update(`${projectKey}\n${actor}\n${requestId}`, 'utf8')
    .digest('hex')
    .slice(0, 12);
}

const MADE_BY_A_COPY =
  'A copy of this request made the token a moment ago: the secret it answered is the one that works. If no token ' +
  'was shown, press Make token again to give it a new secret.';

/**
 * The token an earlier try of this create made, found again under the request's id.
 *
 * Which answer the person sees decides what to do with it. The settings page sends a create again under the same
 * request id only after the earlier try answered nothing (lost on the way, or the try was stopped): that try's
 * secret was never shown, so the token is given a new secret, which this answer shows, and the unseen one stops
 * working. But a copy of the request can also be sent while the first is still under way (a double press on an
 * older page, a resent request): the first copy's answer then still reaches the person, and rotating would hand
 * them a secret that is already dead. The two are told apart by what this copy found when it arrived, before it
 * waited for the project's token lock: a token that was already made then (and not changed since) is the earlier
 * try's, made before this copy was sent, and gets a new secret; a token made, or given a new secret, after this
 * copy arrived is a concurrent copy's, whose answer is on its way: it stays as it is, its secret keeps working,
 * and this copy is refused, saying so. (A copy sent just after the first copy finished but before its answer was
 * shown cannot be told from a resend after a lost answer: it rotates, and the page, which no longer sends a second
 * create while one is under way, shows that copy's answer.)
 *
 * A token of another name or since revoked is not this request's to hand over.
 */
async function remake(
  earlier: StoredToken,
  seenOnArrival: StoredToken | undefined,
  name: string,
  actor: string,
  now: Date,
): Promise<{ token: string; record: StoredToken }> {
  if (earlier.createdBy !== actor || earlier.name !== name || earlier.revokedAt)
    throw new ConflictError('This request made another token already: reload the list.');
  if (!seenOnArrival || seenOnArrival.version !== earlier.version) throw new ConflictError(MADE_BY_A_COPY);
  return rotateFrom(earlier, now);
}

export async function createToken(
  projectKey: string,
  name: string,
  actor: string,
  now: Date,
  options: { requestId?: string } = {},
): Promise<{ token: string; record: StoredToken }> {
  const clean = checkName(name);
  const id = options.requestId
    ? tokenIdOf(projectKey, actor, options.requestId)
    : randomBytes(6).toString('hex');
  // What an earlier try of this request left, as this copy finds it on arrival (see remake).
  const seenOnArrival = options.requestId ? await readToken(projectKey, id) : undefined;
  // The bound and the unique name are checked and the token stored under the project's token lock: two creates at
  // once would both pass the checks they read first.
  return whileHolding(
    keys.ingestTokenLock(projectKey),
    {
      ttlSeconds: 25,
      waitMs: 10_000,
      busy: () =>
        new ConflictError('Another token of this project is being made right now: try again in a moment.'),
    },
    () => storeNewToken(projectKey, id, clean, actor, now, options.requestId, seenOnArrival),
  );
}

async function storeNewToken(
  projectKey: string,
  id: string,
  clean: string,
  actor: string,
  now: Date,
  requestId: string | undefined,
  seenOnArrival: StoredToken | undefined,
): Promise<{ token: string; record: StoredToken }> {
  // An earlier try or copy of this very request made the token: see remake.
  if (requestId) {
    const made = await readToken(projectKey, id);
    if (made) return remake(made, seenOnArrival, clean, actor, now);
  }
  const existing = await listTokens(projectKey);
  if (existing.length >= MAX_TOKENS_PER_PROJECT)
    throw new ValidationError(
      `A project holds at most ${MAX_TOKENS_PER_PROJECT} tokens: delete a revoked one first.`,
    );
  if (existing.some((t) => !t.revokedAt && nameKey(t.name) === nameKey(clean)))
    throw new ValidationError('A token with this name exists: pick another name.', {
      name: 'A token with this name exists.',
    });
  const secret = newSecret();
  const record: StoredToken = {
    id,
    projectKey,
    name: clean,
    secretHash: hashOf(secret),
    hint: secret.slice(0, 4),
    createdAt: now.toISOString(),
    createdBy: actor,
    rotatedAt: null,
    revokedAt: null,
    revokedBy: null,
    version: 1,
  };
  // FAIL_IF_EXISTS: a random id only guards the impossible collision; a request's id, the same create sent twice
  // at once. The secret's hash tells this record from another, should the write be stored and answered an error.
  const key = keys.ingestToken(projectKey, id);
  const isOwn = (stored: unknown) => (stored as StoredToken | null)?.secretHash === record.secretHash;
  if (!(await claim(key, record, TOKEN_TTL, isOwn))) {
    const other = requestId ? await readToken(projectKey, id) : undefined;
    // Made after this copy read it just now (only when the lock ran out meanwhile): a concurrent copy's.
    if (other) return remake(other, undefined, clean, actor, now);
    throw new Error('Token id collision; try again.');
  }
  return { token: tokenText(projectKey, id, secret), record };
}

/** A new secret for the same token: the old one stops working at once. */
export async function rotateToken(
  projectKey: string,
  id: string,
  now: Date,
): Promise<{ token: string; record: StoredToken }> {
  return rotateFrom(await requireToken(projectKey, id), now);
}

/** A new secret for `current` (as read with its revocation mark), as its next version. */
async function rotateFrom(current: StoredToken, now: Date): Promise<{ token: string; record: StoredToken }> {
  if (current.revokedAt) throw new ValidationError('A revoked token cannot be rotated: make a new one.');
  const secret = newSecret();
  const record: StoredToken = {
    ...current,
    secretHash: hashOf(secret),
    hint: secret.slice(0, 4),
    rotatedAt: now.toISOString(),
  };
  return {
    token: tokenText(current.projectKey, current.id, secret),
    record: await writeNext(current, record),
  };
}

/** How often a revoke tries to write the revocation into the token's record after its mark (see RevocationMark). */
const REVOCATION_RECORD_TRIES = 3;

/**
 * Revokes the token: from the moment its revocation mark is stored, the web trigger refuses it, whatever becomes
 * of the record's versions (see RevocationMark). Answers the token as revoked.
 */
export async function revokeToken(
  projectKey: string,
  id: string,
  actor: string,
  now: Date,
): Promise<StoredToken> {
  const current = await requireToken(projectKey, id);
  if (current.revokedAt) return current;
  const mark = await markRevoked(current, {
    tokenCreatedAt: current.createdAt,
    revokedAt: now.toISOString(),
    revokedBy: actor,
  });
  const latest = await writeRevocationIntoRecord(current, mark);
  return withRevocation(latest, mark);
}

/** Stores the token's revocation mark; answers the mark in force (a concurrent revoke's, if it stored one first). */
async function markRevoked(current: StoredToken, mark: RevocationMark): Promise<RevocationMark> {
  const key = revocationKey(current.projectKey, current.id);
  if (await claimOwn(key, { ...mark }, TOKEN_TTL)) return mark;
  const stored = await kvs.get<RevocationMark>(key);
  if (isMarkOf(current, stored)) return stored;
  // A mark of a deleted token of the same id, its delete stopped before it went: this token's replaces it.
  await kvs.set(key, mark, { ttl: TOKEN_TTL });
  return mark;
}

/**
 * Writes the revocation into the record as its next version, after any change a concurrent rotate made, so the
 * record reads revoked too and keeps that rotate's secret. Best effort: the mark already revokes the token, so a
 * version that stays claimed (the fault this mark is for), a storage fault or a spent minute of writes leaves the
 * record as it is. Answers the newest record read.
 */
async function writeRevocationIntoRecord(current: StoredToken, mark: RevocationMark): Promise<StoredToken> {
  let record = current;
  for (let attempt = 1; ; attempt++) {
    try {
      return await writeNext(record, { ...record, revokedAt: mark.revokedAt, revokedBy: mark.revokedBy });
    } catch (e) {
      if (!(e instanceof ConflictError) || attempt >= REVOCATION_RECORD_TRIES) {
        if (!(e instanceof ConflictError))
          console.warn('token revoked by its mark; its record not updated', e);
        return record;
      }
    }
    await backOffAfterConflict(attempt);
    let stored: StoredToken | undefined;
    try {
      stored = await kvs.get<StoredToken>(keys.ingestToken(current.projectKey, current.id));
    } catch (e) {
      console.warn('token revoked by its mark; its record not read again', e);
      return record;
    }
    if (!stored || stored.createdAt !== current.createdAt) return record;
    if (stored.revokedAt) return stored;
    record = stored;
  }
}

export async function deleteToken(projectKey: string, id: string): Promise<void> {
  const current = await requireToken(projectKey, id);
  if (!current.revokedAt) throw new ValidationError('Revoke the token before deleting it.');
  // The record's next version is claimed first, so that no later write brings the record back. When another
  // writer holds it (a rotate whose write may still land, or one that failed and could not give its claim back),
  // the revocation mark stays: a record that comes back is still refused, and listed as revoked.
  const held = await claimVersion(
    keys.ingestTokenRevision(projectKey, id, current.version + 1),
    'delete',
    keys.ingestToken(projectKey, id),
    current.version,
  );
  await kvs.delete(keys.ingestToken(projectKey, id));
  // After the record: a mark left behind names this token's createdAt and revokes no later token of the same id.
  if (held !== null) await kvs.delete(revocationKey(projectKey, id)).catch(() => undefined);
}

export type TokenCheck =
  | { ok: true; token: StoredToken }
  | { ok: false; reason: 'missing' | 'malformed' | 'unknown' | 'revoked'; message: string };

const TOKEN_SHAPE = /^olm\.([A-Z][A-Z0-9_]{0,254})\.([a-f0-9]{12})\.([A-Za-z0-9_-]{43})$/;

/**
 * The token in an `Authorization: Bearer <token>` header, checked against the stored hash and revocation. Costs one
 * storage read (a batch of the record and its revocation mark) and no write, whatever the token: a well-formed
 * but unknown or revoked token is refused before the rate limiter, which only counts tokens that check out.
 */
export async function checkBearer(authorization: string | null): Promise<TokenCheck> {
  if (!authorization)
    return {
      ok: false,
      reason: 'missing',
      message: 'Send a measurement token of the project as "Authorization: Bearer <token>".',
    };
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  const parts = m ? TOKEN_SHAPE.exec(m[1]!) : null;
  if (!parts)
    return {
      ok: false,
      reason: 'malformed',
      message: 'The Authorization header holds no Outcome Lens token ("Bearer olm.<project>.<id>.<secret>").',
    };
  const [, projectKey, id, secret] = parts as unknown as [string, string, string, string];
  const stored = await readToken(projectKey, id);
  const presented = Buffer.from(hashOf(secret), 'hex');
  // Compared even when no record exists (against a hash of nothing), so an unknown id takes as long.
  const expected = Buffer.from(stored?.secretHash ?? hashOf(''), 'hex');
  const same = expected.length === presented.length && timingSafeEqual(expected, presented);
  if (!stored || !same || stored.projectKey !== projectKey)
    return {
      ok: false,
      reason: 'unknown',
      message: 'This token is not valid: it was never made, or has been rotated since. Ask a project admin.',
    };
  if (stored.revokedAt)
    return {
      ok: false,
      reason: 'revoked',
      message: `This token was revoked on ${stored.revokedAt.slice(0, 10)}. Ask a project admin for a new one.`,
    };
  return { ok: true, token: stored };
}

/** How many slots one request tries to claim before it is refused as one of too many at once. */
export const RATE_SLOT_TRIES = 3;

/**
 * Counts one request of the token in the current window; answers the seconds to wait when it may not go on, else
 * null. Each request of a window holds one of `limit` slots, `ingest-rate:{tokenId}:{window}:{1..limit}`, claimed
 * with FAIL_IF_EXISTS: of any number of concurrent requests, at most `limit` hold a slot, so at most `limit` go on.
 *
 * Its storage cost is bounded whatever the concurrency. The slots are read 25 at a time (a batch read each), from
 * the batch of a slot picked at random, until a batch has a free slot; a slot picked at random among those free is
 * claimed. At most RATE_SLOT_TRIES claims a request (a write each, and a read for each one lost), and at most
 * ceil(limit / 25) batch reads (3 for 60; one while the window is lightly used). A window already full costs those
 * reads and no write. Slots used to be claimed one after another from a shared hint, so concurrent requests lost
 * claim after claim to each other: N requests at once cost about N²/2 writes, and each request past the limit 60.
 *
 * Approximate on the side of refusing: a request that loses all its tries to concurrent requests is refused
 * although a slot may still be free (it saw them free before the others claimed them). So a burst of many more
 * requests than `limit` at once may be let through a few short of `limit`; such a refusal asks for a resend after
 * a second, not at the window's end, and the resend finds the slots left. Requests one after another (a job's
 * loop) always find a free slot while there is one: exactly `limit` go on in a window.
 */
export async function takeRateSlot(
  tokenId: string,
  now: Date,
  limit: number = TOKEN_RATE_LIMIT,
): Promise<number | null> {
  const windowMs = TOKEN_RATE_WINDOW_SECONDS * 1000;
  const window = Math.floor(now.getTime() / windowMs);
  const ttl = { value: TOKEN_RATE_WINDOW_SECONDS * 2, unit: 'SECONDS' } as const;
  const batches: string[][] = [];
  for (let n = 1; n <= limit; n += KVS_BATCH_ITEMS)
    batches.push(
      Array.from({ length: Math.min(KVS_BATCH_ITEMS, limit - n + 1) }, (_, i) =>
        keys.ingestRateSlot(tokenId, window, n + i),
      ),
    );
  // Starting at a slot's batch picked at random spreads concurrent requests over the slots in proportion.
  const first = Math.floor(Math.floor(Math.random() * limit) / KVS_BATCH_ITEMS);
  let tries = 0;
  for (let b = 0; b < batches.length; b++) {
    const batch = batches[(first + b) % batches.length]!;
    const answer = await kvs.batchGet(batch.map((key) => ({ key })));
    throwIfUnread(answer.failedKeys);
    const taken = new Set(answer.successfulKeys.map((r) => r.key));
    const free = batch.filter((key) => !taken.has(key));
    while (free.length > 0) {
      if (tries >= RATE_SLOT_TRIES) return 1;
      tries++;
      // At random, so concurrent requests seldom pick the same slot.
      const [key] = free.splice(Math.floor(Math.random() * free.length), 1) as [string];
      if (await claimOwn(key, {}, ttl)) return null;
    }
  }
  // Every slot taken (those it lost included): the window is full.
  return Math.max(1, Math.ceil(((window + 1) * windowMs - now.getTime()) / 1000));
}
