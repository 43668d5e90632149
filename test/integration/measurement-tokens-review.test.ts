/**
 * Measurement tokens against three faults a review found, over the workbench with the real @forge/kvs:
 * - a revoke must take effect although the token's next version stays claimed (a rotate whose write failed and
 *   whose claim could not be given back);
 * - one token's requests at once must not spend the installation's storage writes for the minute;
 * - the same create sent twice at once must not hand out a secret that no longer works.
 */
import { createWorkbenchApp, type WebTriggerAnswer, type WorkbenchApp } from '../../workbench/app';
import type { Answer } from '../../src/contract/answer';
import type { NewTokenData, SettingsData, TokenSummary, TokensData } from '../../src/contract/settings';
import { keys } from '../../src/storage/keys';
import { storageRetry } from '../../src/storage/kvs-client';
import { TOKEN_RATE_LIMIT } from '../../src/storage/ingest-tokens';
import { writesWaitForEachOther } from '../support/storage-faults';

const P = 'DEMO';
const SETTINGS = 'outcome-lens-settings';
const TRIGGER = 'outcome-lens-measurements';

let app: WorkbenchApp;

afterEach(() => {
  jest.restoreAllMocks();
  app.close();
});

function open(options: { storageRateLimits?: boolean } = {}): void {
  app = createWorkbenchApp({ dataFile: ':memory:', contract: false, latency: 'off', ...options });
  app.jira.store.createProject({ key: P, name: 'Demo' });
  app.grantDemoRoles(P);
}

async function call<T>(fn: string, payload: unknown): Promise<Answer<T>> {
  return (await app.invoke(SETTINGS, fn, payload, { user: 'admin', projectKey: P })) as Answer<T>;
}
function ok<T>(a: Answer<T>): T {
  if (!a.ok) throw new Error(`expected ok, got ${JSON.stringify(a.error)}`);
  return a.data;
}

const reading = JSON.stringify({ metric: 'Weekly sign-ups', value: 120, at: '2026-11-29' });

function post(token: string, body = reading): Promise<WebTriggerAnswer> {
  return app.invokeWebTrigger(TRIGGER, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body,
  });
}

/** The most slots one request claims (RATE_SLOT_TRIES in src/storage/ingest-tokens.ts): a write each. */
const SLOT_CLAIMS_PER_REQUEST = 3;

const storageError = () =>
  new Response(JSON.stringify({ code: 'INTERNAL_SERVER_ERROR', message: 'Storage hiccup' }), {
    status: 500,
    headers: { 'content-type': 'application/json' },
  });

/**
 * As in claimed-writes.test.ts: the next write of a value whose key passes `matches` fails with a storage error, and
 * with `claimStays` every delete fails too (the function stopped before it could give its claim back).
 */
function failNextValueWrite(matches: (key: string) => boolean, options: { claimStays?: boolean } = {}) {
  const answer = app.kvs.handle.bind(app.kvs);
  const hit: string[] = [];
  jest.spyOn(app.kvs, 'handle').mockImplementation(async (path, init) => {
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as { key?: string }) : {};
    if (hit.length === 0 && path === '/api/v1/set' && body.key !== undefined && matches(body.key)) {
      hit.push(body.key);
      return storageError();
    }
    if (options.claimStays && path === '/api/v1/delete') return storageError();
    return answer(path, init);
  });
  return hit;
}

describe('a leaked token whose next version stays claimed', () => {
  beforeEach(() => open());

  // An admin rotates the token: the claim on version 2 is taken, the value write fails, and giving the claim back
  // fails too. The claim lives 20 minutes. Every revoke used to lose that claim ("Someone else changed this token
  // meanwhile") while the old secret kept working.
  it('is revoked at once all the same, and the web trigger refuses it', async () => {
    const made = ok(await call<NewTokenData>('createToken', { name: 'nightly CI' }));
    const id = made.summary.id;
    const hit = failNextValueWrite((key) => key === keys.ingestToken(P, id), { claimStays: true });
    expect((await call('rotateToken', { id })).ok).toBe(false);
    expect(hit).toEqual([keys.ingestToken(P, id)]);
    jest.restoreAllMocks();
    expect(app.kvs.dump().map((r) => r.key)).toContain(keys.ingestTokenRevision(P, id, 2));
    expect((await post(made.token)).statusCode).toBe(200); // the rotation was not made: the old secret works

    const revoked = ok(await call<TokenSummary>('revokeToken', { id }));
    expect(revoked.revokedAt).not.toBeNull();
    const refused = await post(made.token);
    expect(refused.statusCode).toBe(401);
    expect(String((JSON.parse(refused.body) as { message: string }).message)).toMatch(/revoked/);
    expect(ok(await call<TokensData>('listTokens', {})).tokens).toEqual([
      expect.objectContaining({ id, revokedAt: revoked.revokedAt }),
    ]);
    // One way only: not rotated back to life, and deleted as a revoked token is.
    expect(await call('rotateToken', { id })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(ok(await call<{ deleted: true }>('deleteToken', { id }))).toEqual({ deleted: true });
    expect(ok(await call<TokensData>('listTokens', {})).tokens).toEqual([]);
  });

  it('keeps a concurrent rotate and revoke both: the rotated secret is kept in the record, and refused', async () => {
    const made = ok(await call<NewTokenData>('createToken', { name: 'nightly CI' }));
    const id = made.summary.id;
    // Each reads the token before either writes.
    const metAtTheWrite = writesWaitForEachOther(app.kvs, 2);
    const [rotated, revoked] = await Promise.all([
      call<NewTokenData>('rotateToken', { id }),
      call<TokenSummary>('revokeToken', { id }),
    ]);
    expect(metAtTheWrite()).toBe(true);
    jest.restoreAllMocks();
    expect(revoked.ok).toBe(true);
    expect(rotated.ok).toBe(true);
    const listed = ok(await call<TokensData>('listTokens', {})).tokens;
    expect(listed).toEqual([
      expect.objectContaining({ id, hint: ok(rotated).summary.hint, revokedAt: expect.any(String) }),
    ]);
    expect((await post(made.token)).statusCode).toBe(401);
    expect((await post(ok(rotated).token)).statusCode).toBe(401);
  });
});

describe("one token's requests at once, under Forge's storage rate limits", () => {
  /** Counts app-storage requests by kind, and those naming a rate slot. */
  function countStorage() {
    const answer = app.kvs.handle.bind(app.kvs);
    const seen = { writes: 0, reads: 0, slotWrites: 0, slotReads: 0 };
    jest.spyOn(app.kvs, 'handle').mockImplementation(async (path, init) => {
      const write = /\/(?:set|delete|transaction)$/.test(path);
      const raw = typeof init?.body === 'string' ? init.body : '';
      const slot = raw.includes('ingest-rate:');
      if (write) seen.writes++;
      else seen.reads++;
      if (slot && write) seen.slotWrites++;
      if (slot && !write) seen.slotReads++;
      return answer(path, init);
    });
    return seen;
  }

  /** The rate window is a minute of the wall clock: start well inside one, so every request falls in the same. */
  async function wellInsideAMinute(): Promise<void> {
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 40_000) await new Promise((r) => setTimeout(r, 60_500 - intoMinute));
  }

  beforeEach(() => {
    open({ storageRateLimits: true });
    // A storage 429 is sent again at once: the minute's allowance is spent either way.
    jest.spyOn(storageRetry, 'wait').mockResolvedValue(undefined);
  });

  // 100 posts at once from one token used to cost about 1,830 slot claims for the first 60 and 60 more for each
  // request past the limit: more than the installation's 4,000 writes a minute, after which every surface of the
  // app answered RATE_LIMITED.
  it('cost a few storage writes each, let at most the limit through, and leave storage to the rest of the app', async () => {
    const { token } = ok(await call<NewTokenData>('createToken', { name: 'busy CI' }));
    await wellInsideAMinute();
    const storage = countStorage();
    const requests = 100;
    // A body the trigger refuses after the rate limit (400): what goes through the limiter writes nothing more.
    const answers = await Promise.all(Array.from({ length: requests }, () => post(token, '{"metric":')));
    const statuses = answers.map((a) => a.statusCode);
    expect(statuses.filter((s) => s !== 400 && s !== 429)).toEqual([]);
    const through = statuses.filter((s) => s === 400).length;
    expect(through).toBeLessThanOrEqual(TOKEN_RATE_LIMIT);
    // Approximate on the side of refusing, but not much: a burst takes nearly all the slots.
    expect(through).toBeGreaterThanOrEqual(TOKEN_RATE_LIMIT - 15);
    expect(storage.slotWrites).toBeLessThanOrEqual(SLOT_CLAIMS_PER_REQUEST * requests);
    expect(storage.writes).toBe(storage.slotWrites);
    // Three batch reads of the slots, and a read for each claim lost.
    expect(storage.slotReads).toBeLessThanOrEqual((3 + SLOT_CLAIMS_PER_REQUEST) * requests);
    expect(app.kvs.usage().refused).toBe(0);
    expect(app.kvs.usage().peakWriteUnitsPerMinute).toBeLessThan(SLOT_CLAIMS_PER_REQUEST * requests + 50);

    // Requests one after another find the slots the burst left: exactly the limit goes through in the window,
    // and the next request is refused until the window ends, without writing.
    let more = 0;
    let last: WebTriggerAnswer | undefined;
    for (let i = 0; i <= TOKEN_RATE_LIMIT - through; i++) {
      last = await post(token, '{"metric":');
      if (last.statusCode === 429) break;
      more++;
    }
    expect(through + more).toBe(TOKEN_RATE_LIMIT);
    expect(last?.statusCode).toBe(429);
    const writesBefore = storage.writes;
    const full = await post(token, '{"metric":');
    expect(full.statusCode).toBe(429);
    expect(Number((full.headers['retry-after'] ?? full.headers['Retry-After'])?.[0])).toBeGreaterThan(1);
    expect(storage.writes).toBe(writesBefore);

    // The rest of the app still has its storage: a settings save right afterwards is stored.
    const loaded = ok(await call<SettingsData>('load', {}));
    const saved = await call<SettingsData>('save', {
      version: loaded.version,
      settings: { ...loaded.settings, entryGate: { ...loaded.settings.entryGate, threshold: 65 } },
    });
    expect(saved).toMatchObject({ ok: true });
  });

  it('refuse a well-formed but unknown token with one read each and no write', async () => {
    ok(await call<NewTokenData>('createToken', { name: 'real one' }));
    const storage = countStorage();
    const forged = `olm.${P}.0123456789ab.${'A'.repeat(43)}`;
    const answers = await Promise.all(Array.from({ length: 100 }, () => post(forged)));
    expect(new Set(answers.map((a) => a.statusCode))).toEqual(new Set([401]));
    expect(storage.writes).toBe(0);
    expect(storage.reads).toBe(100);
  });
});

describe('the same token create sent twice at once', () => {
  beforeEach(() => open());

  // A double Enter sent one request twice. Both copies answered ok: the second found the token the first made and
  // gave it a new secret, so the secret the first answer carried, shown first, no longer worked.
  it('hands out no secret that does not work: the copy that arrived before the token was made is refused', async () => {
    const request = { name: 'nightly CI', requestId: 'create-token-twice-5678' };
    // Both copies arrive (and look for the token) before either writes.
    const metAtTheWrite = writesWaitForEachOther(app.kvs, 2);
    const answers = await Promise.all([
      call<NewTokenData>('createToken', request),
      call<NewTokenData>('createToken', request),
    ]);
    expect(metAtTheWrite()).toBe(true);
    jest.restoreAllMocks();
    const made = answers.filter((a): a is { ok: true; data: NewTokenData } => a.ok);
    expect(made).toHaveLength(1);
    expect(answers.find((a) => !a.ok)).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', message: expect.stringMatching(/copy of this request made the token/) },
    });
    // The secret the page shows (every ok answer's) works.
    for (const { data } of made) expect((await post(data.token)).statusCode).toBe(200);
    expect(ok(await call<TokensData>('listTokens', {})).tokens.map((t) => t.name)).toEqual(['nightly CI']);

    // Sent again after that (the page had no secret to show): a new secret, which works; the one unseen does not.
    const again = ok(await call<NewTokenData>('createToken', request));
    expect(again.summary.id).toBe(made[0]!.data.summary.id);
    expect((await post(again.token)).statusCode).toBe(200);
    expect((await post(made[0]!.data.token)).statusCode).toBe(401);
    expect(ok(await call<TokensData>('listTokens', {})).tokens).toHaveLength(1);
  });
});
