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
import { keys } from './keys';
import { claim, listAll, writeClaimed } from './kv';
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
  if (!trimmed || trimmed.length > NAME_MAX)
    throw new ValidationError('Name the token (1 to 60 characters).', {
      name: `Name the token (1 to ${NAME_MAX} characters), e.g. "nightly CI".`,
    });
  return trimmed;
}

export async function listTokens(projectKey: string): Promise<StoredToken[]> {
  const items = await listAll<StoredToken>(keys.ingestTokenPrefix(projectKey), 200);
  return items.map((i) => i.value).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

async function requireToken(projectKey: string, id: string): Promise<StoredToken> {
  const found = await kvs.get<StoredToken>(keys.ingestToken(projectKey, id));
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

/**
 * The token an earlier try of this create made (its answer lost, so its secret never seen): given a new secret,
 * which the person now sees. A token of another name or since revoked is not this request's to hand over.
 */
async function remake(
  projectKey: string,
  earlier: StoredToken,
  name: string,
  actor: string,
  now: Date,
): Promise<{ token: string; record: StoredToken }> {
  if (earlier.createdBy !== actor || earlier.name !== name || earlier.revokedAt)
    throw new ConflictError('This request made another token already: reload the list.');
  return rotateToken(projectKey, earlier.id, now);
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
    () => storeNewToken(projectKey, id, clean, actor, now, options.requestId),
  );
}

async function storeNewToken(
  projectKey: string,
  id: string,
  clean: string,
  actor: string,
  now: Date,
  requestId: string | undefined,
): Promise<{ token: string; record: StoredToken }> {
  // An earlier try or copy of this very request made the token (its answer lost): it is this request's to hand
  // over.
  if (requestId) {
    const made = await kvs.get<StoredToken>(keys.ingestToken(projectKey, id));
    if (made) return remake(projectKey, made, clean, actor, now);
  }
  const existing = await listTokens(projectKey);
  if (existing.length >= MAX_TOKENS_PER_PROJECT)
    throw new ValidationError(
      `A project holds at most ${MAX_TOKENS_PER_PROJECT} tokens: delete a revoked one first.`,
    );
  if (existing.some((t) => !t.revokedAt && t.name.toLowerCase() === clean.toLowerCase()))
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
  if (!(await claim(key, record, { value: 3650, unit: 'DAYS' }, isOwn))) {
    const other = requestId ? await kvs.get<StoredToken>(key) : undefined;
    if (other) return remake(projectKey, other, clean, actor, now);
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
  const current = await requireToken(projectKey, id);
  if (current.revokedAt) throw new ValidationError('A revoked token cannot be rotated: make a new one.');
  const secret = newSecret();
  const record: StoredToken = {
    ...current,
    secretHash: hashOf(secret),
    hint: secret.slice(0, 4),
    rotatedAt: now.toISOString(),
  };
  return { token: tokenText(projectKey, id, secret), record: await writeNext(current, record) };
}

export async function revokeToken(
  projectKey: string,
  id: string,
  actor: string,
  now: Date,
): Promise<StoredToken> {
  const current = await requireToken(projectKey, id);
  if (current.revokedAt) return current;
  return writeNext(current, { ...current, revokedAt: now.toISOString(), revokedBy: actor });
}

export async function deleteToken(projectKey: string, id: string): Promise<void> {
  const current = await requireToken(projectKey, id);
  if (!current.revokedAt) throw new ValidationError('Revoke the token before deleting it.');
  await kvs.delete(keys.ingestToken(projectKey, id));
}

export type TokenCheck =
  | { ok: true; token: StoredToken }
  | { ok: false; reason: 'missing' | 'malformed' | 'unknown' | 'revoked'; message: string };

const TOKEN_SHAPE = /^olm\.([A-Z][A-Z0-9_]{0,254})\.([a-f0-9]{12})\.([A-Za-z0-9_-]{43})$/;

/** The token in an `Authorization: Bearer <token>` header, checked against the stored hash. */
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
  const stored = await kvs.get<StoredToken>(keys.ingestToken(projectKey, id));
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

/**
 * Counts one request of the token in the current window. Atomic: request n claims slot n with FAIL_IF_EXISTS,
 * so of concurrent requests at most TOKEN_RATE_LIMIT win slots in a window. Answers the seconds to wait when
 * the window is full, else null.
 */
export async function takeRateSlot(
  tokenId: string,
  now: Date,
  limit: number = TOKEN_RATE_LIMIT,
): Promise<number | null> {
  const windowMs = TOKEN_RATE_WINDOW_SECONDS * 1000;
  const window = Math.floor(now.getTime() / windowMs);
  const ttl = { value: TOKEN_RATE_WINDOW_SECONDS * 2, unit: 'SECONDS' } as const;
  const hintKey = `${keys.ingestRateSlot(tokenId, window, 0)}`;
  const hint = Math.max(0, Number((await kvs.get<number>(hintKey)) ?? 0) || 0);
  for (let n = hint + 1; n <= limit; n++) {
    if (await claim(keys.ingestRateSlot(tokenId, window, n), 1, ttl)) {
      // Where the next request starts looking (a hint only: the claims decide).
      await kvs.set(hintKey, n, { ttl });
      return null;
    }
  }
  return Math.max(1, Math.ceil(((window + 1) * windowMs - now.getTime()) / 1000));
}
