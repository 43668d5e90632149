/**
 * Versioned writes (outcomes, settings, measurement tokens, metric series) claim version n + 1, then store the
 * value. A storage fault between the two must not leave n + 1 claimed but never stored: every later writer would
 * lose the claim and be refused ("someone else changed this") until it expired, and a leaked token could not be
 * revoked meanwhile. Faults are Forge KVS answering 500 at the storage seam, under the real @forge/kvs. Taking a
 * measurement off, the newest of these writes, is also held to concurrent writers and repeated requests here.
 */
import { createWorkbenchApp, type WorkbenchApp } from '../../workbench/app';
import type { Answer } from '../../src/contract/answer';
import type { OutcomeView } from '../../src/contract/project-page';
import type { NewTokenData, SettingsData } from '../../src/contract/settings';
import { kvs } from '@forge/kvs';
import { keys } from '../../src/storage/keys';
import { writeClaimed } from '../../src/storage/kv';
import { MAX_TOKENS_PER_PROJECT } from '../../src/storage/ingest-tokens';
import { writesWaitForEachOther } from '../support/storage-faults';
import { runInInvocation } from '../../workbench/forge/runtime';
import { DUE_DATE_AHEAD } from '../support/builders';

const P = 'DEMO';
const PAGE = 'outcome-lens-project-page';
const SETTINGS = 'outcome-lens-settings';
const TRIGGER = 'outcome-lens-measurements';

let app: WorkbenchApp;
let now: Date;

beforeEach(() => {
  now = new Date('2026-11-30T10:00:00Z');
  app = createWorkbenchApp({ dataFile: ':memory:', contract: false, latency: 'off', now: () => now });
  app.jira.store.createProject({ key: P, name: 'Demo' });
  app.grantDemoRoles(P);
});
afterEach(() => {
  jest.restoreAllMocks();
  app.close();
});

async function call<T>(module: string, fn: string, payload: unknown): Promise<Answer<T>> {
  return (await app.invoke(module, fn, payload, { user: 'admin', projectKey: P })) as Answer<T>;
}
function ok<T>(a: Answer<T>): T {
  if (!a.ok) throw new Error(`expected ok, got ${JSON.stringify(a.error)}`);
  return a.data;
}

const storageError = () =>
  new Response(JSON.stringify({ code: 'INTERNAL_SERVER_ERROR', message: 'Storage hiccup' }), {
    status: 500,
    headers: { 'content-type': 'application/json' },
  });

/**
 * The next write of a value whose key passes `matches` fails with a storage error; with `lands`, after storing the
 * value (a timeout after the write was made); with `claimStays`, every delete fails until then too (the function
 * stopped before it could give its claim back). After the failed write, the next `readsFailing` reads and
 * `deletesFailing` deletes fail too (storage faults that come in a row). Returns what was hit.
 */
function failNextValueWrite(
  matches: (key: string) => boolean,
  options: { claimStays?: boolean; lands?: boolean; readsFailing?: number; deletesFailing?: number } = {},
) {
  const answer = app.kvs.handle.bind(app.kvs);
  const hit: string[] = [];
  let [reads, deletes] = [options.readsFailing ?? 0, options.deletesFailing ?? 0];
  jest.spyOn(app.kvs, 'handle').mockImplementation(async (path, init) => {
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as { key?: string }) : {};
    if (hit.length === 0 && path === '/api/v1/set' && body.key !== undefined && matches(body.key)) {
      hit.push(body.key);
      if (options.lands) await answer(path, init);
      return storageError();
    }
    if (options.claimStays && path === '/api/v1/delete') return storageError();
    if (hit.length > 0 && path === '/api/v1/get' && reads > 0) {
      reads--;
      hit.push(`get ${body.key}`);
      return storageError();
    }
    if (hit.length > 0 && path === '/api/v1/delete' && deletes > 0) {
      deletes--;
      hit.push(`delete ${body.key}`);
      return storageError();
    }
    return answer(path, init);
  });
  return hit;
}

const draft = {
  name: 'Fewer abandoned checkouts',
  metric: 'Checkout abandonment',
  baseline: 40,
  target: 30,
  direction: 'decrease',
  dueDate: DUE_DATE_AHEAD,
};

let made = 0;
/** An outcome of `draft`, with a name of its own: an active outcome's name may not be another's. */
async function anOutcome(): Promise<OutcomeView> {
  made += 1;
  return ok(
    await call<OutcomeView>(PAGE, 'createOutcome', { draft: { ...draft, name: `${draft.name} ${made}` } }),
  );
}

/** A measurement recorded on version 2 of the outcome makes version 3: the version after a recovered one is free. */
async function expectNextVersionFree(outcomeId: string): Promise<void> {
  const measured = ok(
    await call<OutcomeView>(PAGE, 'addMeasurement', {
      id: outcomeId,
      version: 2,
      measurement: { at: '2026-11-29', value: 38 },
    }),
  );
  expect(measured.version).toBe(3);
}

describe('a storage fault between the claim and the write', () => {
  it('leaves an outcome writable: the same rename, sent again, is stored', async () => {
    const outcome = await anOutcome();
    const hit = failNextValueWrite((key) => key === keys.outcome(P, outcome.id));
    const renamed = { id: outcome.id, version: 1, draft: { ...draft, name: 'Renamed' } };
    expect((await call(PAGE, 'updateOutcome', renamed)).ok).toBe(false);
    expect(hit).toHaveLength(1);
    const again = ok(await call<OutcomeView>(PAGE, 'updateOutcome', renamed));
    expect([again.name, again.version]).toEqual(['Renamed', 2]);
    // And the version after it is free as well.
    await expectNextVersionFree(outcome.id);
  });

  it('leaves nothing of a new outcome whose write failed', async () => {
    const hit = failNextValueWrite((key) => key.startsWith(`outcome:${P}:`));
    expect((await call(PAGE, 'createOutcome', { draft })).ok).toBe(false);
    expect(hit).toHaveLength(1);
    // Nothing of the failed one is left: neither the outcome nor a claim on its first version.
    const failedId = hit[0]!.slice(`outcome:${P}:`.length);
    expect(app.kvs.dump().filter((r) => r.key.includes(failedId))).toEqual([]);
    expect(ok(await call<OutcomeView>(PAGE, 'createOutcome', { draft })).version).toBe(1);
  });

  it('leaves the settings savable', async () => {
    const hit = failNextValueWrite((key) => key === keys.settings(P));
    const loaded = ok(await call<SettingsData>(SETTINGS, 'load', {}));
    const save = {
      version: 0,
      settings: { ...loaded.settings, entryGate: { ...loaded.settings.entryGate, threshold: 65 } },
    };
    expect((await call(SETTINGS, 'save', save)).ok).toBe(false);
    expect(hit).toHaveLength(1);
    expect(ok(await call<SettingsData>(SETTINGS, 'save', save)).version).toBe(1);
  });

  it('leaves a leaked token revocable at once, and the revoked token is refused', async () => {
    const made = ok(await call<NewTokenData>(SETTINGS, 'createToken', { name: 'nightly CI' }));
    const id = made.summary.id;
    const hit = failNextValueWrite((key) => key === keys.ingestToken(P, id));
    // The revocation is stored as its own mark before the record's write: the fault there does not undo it, so the
    // revoke answers that it is made (it used to answer an error, and the person had to send it again).
    expect((await call(SETTINGS, 'revokeToken', { id })).ok).toBe(true);
    expect(hit).toHaveLength(1);
    expect((await call(SETTINGS, 'revokeToken', { id })).ok).toBe(true);
    const post = await app.invokeWebTrigger(TRIGGER, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${made.token}` },
      body: JSON.stringify({ metric: 'Weekly sign-ups', value: 120, at: '2026-11-29' }),
    });
    expect(post.statusCode).toBe(401);
  });

  it('leaves a metric series writable: the request sent again is recorded once', async () => {
    const { token } = ok(await call<NewTokenData>(SETTINGS, 'createToken', { name: 'nightly CI' }));
    const hit = failNextValueWrite((key) => key.startsWith(`metric:${P}:`));
    const send = () =>
      app.invokeWebTrigger(TRIGGER, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify({ metric: 'Weekly sign-ups', value: 120, at: '2026-11-29', id: 'w48' }),
      });
    expect((await send()).statusCode).toBeGreaterThanOrEqual(500);
    expect(hit).toHaveLength(1);
    const again = await send();
    expect(again.statusCode).toBe(200);
    const stored = app.kvs.dump().filter((r) => r.key.startsWith(`metric:${P}:`));
    expect(stored.map((r) => (r.value as { measurements: unknown[] }).measurements)).toEqual([
      [expect.objectContaining({ at: '2026-11-29', value: 120 })],
    ]);
  });

  it('frees the version within twenty minutes when the claim could not be given back', async () => {
    const outcome = await anOutcome();
    failNextValueWrite((key) => key === keys.outcome(P, outcome.id), { claimStays: true });
    const renamed = { id: outcome.id, version: 1, draft: { ...draft, name: 'Renamed' } };
    expect((await call(PAGE, 'updateOutcome', renamed)).ok).toBe(false);
    jest.restoreAllMocks();
    // Until the claim expires, the version stays taken: told as a conflict, nothing written.
    now = new Date(now.getTime() + 60_000);
    expect(await call(PAGE, 'updateOutcome', renamed)).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
    now = new Date(now.getTime() + 20 * 60_000);
    expect(ok(await call<OutcomeView>(PAGE, 'updateOutcome', renamed)).name).toBe('Renamed');
  });
});

describe('a writer stopped between its claim and its write (Forge ends a resolver after 25 s)', () => {
  const inApp = <T>(fn: () => Promise<T>) =>
    runInInvocation({ accountId: null, moduleKey: 'claimed-writes', installContext: app.installContext }, fn);
  /** The wall clock moved on by `ms`: the invocations' time limits are judged by it. */
  const later = (ms: number) => {
    const wall = Date.now.bind(Date);
    jest.spyOn(Date, 'now').mockImplementation(() => wall() + ms);
  };
  /** A claim stored by a resolver claimer that stopped `stoppedMsAgo` (null: it did not say when it stops). */
  const staleClaim = (key: string, by: string, stoppedMsAgo: number | null, claimedMsAgo?: number) =>
    inApp(() => {
      const stopsAt = stoppedMsAgo === null ? null : Date.now() - stoppedMsAgo;
      // Claimed at the start of its 25 s, unless said otherwise.
      const claimedAt = Date.now() - (claimedMsAgo ?? (stoppedMsAgo ?? 0) + 25_000);
      return kvs.set(key, { claim: 1, by, claimedAt, ...(stopsAt === null ? {} : { stopsAt }) });
    });

  it('leaves the version to the next writer once its invocation has stopped, not for twenty minutes', async () => {
    const outcome = await anOutcome();
    failNextValueWrite((key) => key === keys.outcome(P, outcome.id), { claimStays: true });
    const renamed = { id: outcome.id, version: 1, draft: { ...draft, name: 'Renamed' } };
    expect((await call(PAGE, 'updateOutcome', renamed)).ok).toBe(false);
    jest.restoreAllMocks();
    // While the claimer's invocation may still be running, its claim holds.
    expect(await call(PAGE, 'updateOutcome', renamed)).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
    later(30_000);
    const saved = ok(await call<OutcomeView>(PAGE, 'updateOutcome', renamed));
    expect([saved.name, saved.version]).toEqual(['Renamed', 2]);
    // The version after it is claimed the usual way.
    await expectNextVersionFree(outcome.id);
  });

  it('keeps a version the stopped claimer wrote before it stopped: a writer from an older read is refused', async () => {
    await inApp(() => kvs.set('thing', { version: 1, by: 'first' }));
    expect(await inApp(() => writeClaimed('thing-v2', 1, 'thing', { version: 2, by: 'A' }))).toBe(true);
    later(10 * 60_000);
    expect(await inApp(() => writeClaimed('thing-v2', 1, 'thing', { version: 2, by: 'B' }))).toBe(false);
    expect(await inApp(() => kvs.get('thing'))).toEqual({ version: 2, by: 'A' });
  });

  it("lets exactly one of two writers take a stopped claimer's place", async () => {
    await inApp(() => kvs.set('thing', { version: 1, by: 'first' }));
    await staleClaim('thing-v2', 'stopped', 5_000);
    const answers = await Promise.all(
      ['B', 'C'].map((by) => inApp(() => writeClaimed('thing-v2', 1, 'thing', { version: 2, by }))),
    );
    expect(answers.filter(Boolean)).toHaveLength(1);
    const winner = answers[0] ? 'B' : 'C';
    expect(await inApp(() => kvs.get('thing'))).toEqual({ version: 2, by: winner });
  });

  it('takes the place of a taker that was stopped too, and of nobody still running or of unknown stop', async () => {
    await inApp(() => kvs.set('thing', { version: 1, by: 'first' }));
    await staleClaim('thing-v2', 'stopped', 5_000);
    await staleClaim('thing-v2:after:stopped', 'taker', 5_000);
    expect(await inApp(() => writeClaimed('thing-v2', 1, 'thing', { version: 2, by: 'B' }))).toBe(true);
    expect(await inApp(() => kvs.get('thing'))).toEqual({ version: 2, by: 'B' });

    // Stopped less than a call in flight and the clocks' skew ago: what it sent may still land.
    await staleClaim('thing-v3', 'just-stopped', 500);
    expect(await inApp(() => writeClaimed('thing-v3', 1, 'thing', { version: 3, by: 'B' }))).toBe(false);
    // A claim that does not say when its claimer stops (an older version of the app, a runtime that did not say),
    // over a record still at the version before it: only the claim can refuse the write.
    await inApp(() => kvs.set('thing', { version: 3, by: 'C' }));
    await staleClaim('thing-v4', 'unknown', null);
    expect(await inApp(() => writeClaimed('thing-v4', 1, 'thing', { version: 4, by: 'B' }))).toBe(false);
    expect(await inApp(() => kvs.get('thing'))).toEqual({ version: 3, by: 'C' });
  });

  it("takes no place while the version's own claim may expire before this writer stops", async () => {
    await inApp(() => kvs.set('thing', { version: 1, by: 'first' }));
    // Claimed 19 min 50 s ago by a claimer long stopped (a consumer's 900 s): the claim expires in 10 s, before
    // this writer's invocation ends, and a writer who claimed it anew then would write the version too.
    await staleClaim('thing-v2', 'old', 5 * 60_000, 19 * 60_000 + 50_000);
    expect(await inApp(() => writeClaimed('thing-v2', 1, 'thing', { version: 2, by: 'B' }))).toBe(false);
    // A claim stored without the time it was claimed (an older version of the app) is not taken over either.
    await inApp(() => kvs.set('thing-v2b', { claim: 1, by: 'older', stopsAt: Date.now() - 60_000 }));
    expect(await inApp(() => writeClaimed('thing-v2b', 1, 'thing', { version: 2, by: 'B' }))).toBe(false);
    expect(await inApp(() => kvs.get('thing'))).toEqual({ version: 1, by: 'first' });
  });
});

describe('a value write that lands but answers an error', () => {
  const inApp = <T>(fn: () => Promise<T>) =>
    runInInvocation({ accountId: null, moduleKey: 'claimed-writes', installContext: app.installContext }, fn);

  it('keeps its version claimed: a second writer of that version, from an older read, is refused', async () => {
    await inApp(() => kvs.set('thing', { version: 1, by: 'first' }));
    const hit = failNextValueWrite((key) => key === 'thing', { lands: true });
    const first = await inApp(() =>
      writeClaimed('thing-v2', 1, 'thing', { version: 2, by: 'A' }).catch(() => 'refused'),
    );
    expect(hit).toEqual(['thing']);
    // Whatever A was told, its write is stored: a writer who read version 1 before it must not overwrite it.
    expect(first).toBe(true);
    expect(await inApp(() => writeClaimed('thing-v2', 1, 'thing', { version: 2, by: 'B' }))).toBe(false);
    expect(await inApp(() => kvs.get('thing'))).toEqual({ version: 2, by: 'A' });
  });

  it('gives the version back when the read after the fault finds the older value', async () => {
    await inApp(() => kvs.set('thing', { version: 1, by: 'first' }));
    failNextValueWrite((key) => key === 'thing');
    await expect(
      inApp(() => writeClaimed('thing-v2', 1, 'thing', { version: 2, by: 'A' })),
    ).rejects.toThrow();
    expect(await inApp(() => writeClaimed('thing-v2', 1, 'thing', { version: 2, by: 'B' }))).toBe(true);
    expect(await inApp(() => kvs.get('thing'))).toEqual({ version: 2, by: 'B' });
  });

  // Faults come in a row: the read after the failed write, or the giving back of the claim, fails once too. Both
  // used to leave the version claimed until the claim expired (20 minutes of "someone else changed this").
  /** A's write of version 2 fails with `faults`; returns what the faults hit. */
  async function firstWriterFails(faults: Parameters<typeof failNextValueWrite>[1]): Promise<string[]> {
    await inApp(() => kvs.set('thing', { version: 1, by: 'first' }));
    const hit = failNextValueWrite((key) => key === 'thing', faults);
    await expect(
      inApp(() => writeClaimed('thing-v2', 1, 'thing', { version: 2, by: 'A' })),
    ).rejects.toThrow();
    return hit;
  }

  it.each([
    ['reads again when the read after the fault fails', { readsFailing: 2 }, 'get thing'],
    ['tries the giving back again when it is refused', { deletesFailing: 2 }, 'delete thing-v2'],
  ])('%s: a second writer takes the version', async (_case, faults, retried) => {
    expect(await firstWriterFails(faults)).toEqual(['thing', retried, retried]);
    expect(await inApp(() => writeClaimed('thing-v2', 1, 'thing', { version: 2, by: 'B' }))).toBe(true);
    expect(await inApp(() => kvs.get('thing'))).toEqual({ version: 2, by: 'B' });
  });

  it('keeps the version claimed when the value cannot be read at all: it may be stored', async () => {
    const hit = await firstWriterFails({ lands: true, readsFailing: 3 });
    expect(hit).toEqual(['thing', 'get thing', 'get thing', 'get thing']);
    expect(await inApp(() => writeClaimed('thing-v2', 1, 'thing', { version: 2, by: 'B' }))).toBe(false);
    expect(await inApp(() => kvs.get('thing'))).toEqual({ version: 2, by: 'A' });
  });

  // B claims a version while A holds it, and A gives it back (its value write failed) before B reads who holds it.
  // B used to throw the refusal although the version was free (an error to a person, a 503 to a sender): it
  // should claim it.
  it('is claimed by a second writer when the first gives it back between the refusal and its read', async () => {
    await inApp(() => kvs.set('thing-v2', { claim: 1, by: 'A' }));
    const answer = app.kvs.handle.bind(app.kvs);
    let givenBack = false;
    jest.spyOn(app.kvs, 'handle').mockImplementation(async (path, init) => {
      const response = await answer(path, init);
      if (!givenBack && path === '/api/v1/set' && response.status === 409) {
        givenBack = true;
        await inApp(() => kvs.delete('thing-v2'));
      }
      return response;
    });
    expect(await inApp(() => writeClaimed('thing-v2', 1, 'thing', { version: 2, by: 'B' }))).toBe(true);
    expect(givenBack).toBe(true);
    expect(await inApp(() => kvs.get('thing'))).toEqual({ version: 2, by: 'B' });
  });

  it('answers a rename whose write landed as saved, and the next version follows it', async () => {
    const outcome = await anOutcome();
    const hit = failNextValueWrite((key) => key === keys.outcome(P, outcome.id), { lands: true });
    const renamed = { id: outcome.id, version: 1, draft: { ...draft, name: 'Renamed' } };
    const saved = ok(await call<OutcomeView>(PAGE, 'updateOutcome', renamed));
    expect(hit).toHaveLength(1);
    expect([saved.name, saved.version]).toEqual(['Renamed', 2]);
    // Sent again (its answer lost), it is answered as saved, and no second version is made.
    expect(ok(await call<OutcomeView>(PAGE, 'updateOutcome', renamed)).version).toBe(2);
    const measured = ok(
      await call<OutcomeView>(PAGE, 'addMeasurement', {
        id: outcome.id,
        version: 2,
        measurement: { at: '2026-11-29', value: 38 },
      }),
    );
    expect([measured.name, measured.version]).toEqual(['Renamed', 3]);
  });
});

describe('measurement tokens made at the same moment', () => {
  // Two admins (or two tabs) make a token at once. Each create read the project's tokens before either stored
  // one, so both passed the checks: two active tokens of one name, or a 21st token past the bound. One should be
  // made and the other refused, saying why.
  it('are not two of one name', async () => {
    const metAtTheWrite = writesWaitForEachOther(app.kvs, 2);
    const answers = await Promise.all([
      call<NewTokenData>(SETTINGS, 'createToken', { name: 'nightly CI' }),
      call<NewTokenData>(SETTINGS, 'createToken', { name: 'Nightly CI' }),
    ]);
    expect(metAtTheWrite()).toBe(true);
    expect(answers.filter((a) => a.ok)).toHaveLength(1);
    const refused = answers.find((a) => !a.ok);
    expect(refused && !refused.ok && refused.error.message).toMatch('A token with this name exists');
    expect(app.kvs.dump().filter((r) => r.key.startsWith(`ingest-token:${P}:`))).toHaveLength(1);
  });

  // The same create sent twice at once (a double click, a resend): the copy that waits for the lock finds the
  // token its twin made. It does not refuse its own name, nor give the token a new secret (which would kill the
  // one its twin's answer shows): it says that a copy of the request made the token.
  it('are one token when they are two copies of one request', async () => {
    const metAtTheWrite = writesWaitForEachOther(app.kvs, 2);
    const request = { name: 'nightly CI', requestId: 'create-token-twice-1234' };
    const answers = await Promise.all([
      call<NewTokenData>(SETTINGS, 'createToken', request),
      call<NewTokenData>(SETTINGS, 'createToken', request),
    ]);
    expect(metAtTheWrite()).toBe(true);
    expect(answers.map((a) => a.ok).sort()).toEqual([false, true]);
    expect(answers.find((a) => !a.ok)).toMatchObject({
      error: { code: 'CONFLICT', message: expect.stringMatching(/copy of this request made the token/) },
    });
    expect(app.kvs.dump().filter((r) => r.key.startsWith(`ingest-token:${P}:`))).toHaveLength(1);
  });

  it('do not pass the bound', async () => {
    for (let i = 0; i < MAX_TOKENS_PER_PROJECT - 1; i++)
      ok(await call<NewTokenData>(SETTINGS, 'createToken', { name: `token ${i}` }));
    const metAtTheWrite = writesWaitForEachOther(app.kvs, 3);
    const answers = await Promise.all(
      ['late a', 'late b', 'late c'].map((name) => call<NewTokenData>(SETTINGS, 'createToken', { name })),
    );
    expect(metAtTheWrite()).toBe(true);
    expect(answers.filter((a) => a.ok)).toHaveLength(1);
    expect(app.kvs.dump().filter((r) => r.key.startsWith(`ingest-token:${P}:`))).toHaveLength(
      MAX_TOKENS_PER_PROJECT,
    );
  });
});

describe('a new measurement token whose write is stored, then answered with an error', () => {
  it('is given to the admin once: no second token of that name, and the one made works', async () => {
    const answer = app.kvs.handle.bind(app.kvs);
    let failed = false;
    jest.spyOn(app.kvs, 'handle').mockImplementation(async (path, init) => {
      const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as { key?: string }) : {};
      if (!failed && path === '/api/v1/set' && body.key?.startsWith(`ingest-token:${P}:`)) {
        failed = true;
        await answer(path, init);
        return storageError();
      }
      return answer(path, init);
    });
    const made = await call<NewTokenData>(SETTINGS, 'createToken', { name: 'nightly CI' });
    jest.restoreAllMocks();
    expect(failed).toBe(true);
    // Whatever the first answer, there is at most one token, and a token the admin was given works.
    const listed = ok(await call<{ tokens: Array<{ name: string }> }>(SETTINGS, 'listTokens', {}));
    expect(made.ok).toBe(true);
    expect(listed.tokens.map((t) => t.name)).toEqual(['nightly CI']);
    const post = await app.invokeWebTrigger(TRIGGER, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${ok(made).token}` },
      body: JSON.stringify({ metric: 'Weekly sign-ups', value: 120, at: '2026-11-29' }),
    });
    expect(post.statusCode).toBe(200);
  });
});

describe('measurements taken off on the page, under concurrent writers, retries and faults', () => {
  /** An outcome with two measurements, at version 3. */
  async function measured(): Promise<OutcomeView> {
    const outcome = await anOutcome();
    ok(
      await call(PAGE, 'addMeasurement', {
        id: outcome.id,
        version: 1,
        measurement: { at: '2026-11-27', value: 38 },
      }),
    );
    return ok(
      await call<OutcomeView>(PAGE, 'addMeasurement', {
        id: outcome.id,
        version: 2,
        measurement: { at: '2026-11-28', value: 360 },
      }),
    );
  }
  const removal = (o: OutcomeView, at: string, value: number) => ({
    id: o.id,
    version: o.version,
    measurement: { at, value },
  });
  const stored = async (id: string) =>
    ok(await call<{ outcomes: OutcomeView[] }>(PAGE, 'load', {})).outcomes.find((o) => o.id === id)!;

  it('two removals sent at once from one version: one is made, the other is refused, nothing else goes', async () => {
    for (let round = 0; round < 10; round++) {
      const o = await measured();
      const answers = await Promise.all([
        call(PAGE, 'removeMeasurement', removal(o, '2026-11-27', 38)),
        call(PAGE, 'removeMeasurement', removal(o, '2026-11-28', 360)),
      ]);
      expect(answers.filter((a) => a.ok)).toHaveLength(1);
      expect(answers.find((a) => !a.ok)).toMatchObject({ error: { code: 'CONFLICT' } });
      const after = await stored(o.id);
      expect(after.measurements).toHaveLength(1);
      expect(after.version).toBe(4);
    }
  });

  it('the same removal sent twice (a double click, a retry) takes one measurement off, never a second one', async () => {
    const o = await measured();
    const same = removal(o, '2026-11-28', 360);
    const [first, second] = await Promise.all([
      call(PAGE, 'removeMeasurement', same),
      call(PAGE, 'removeMeasurement', same),
    ]);
    expect([first.ok, second.ok].filter(Boolean)).toHaveLength(1);
    const again = await call(PAGE, 'removeMeasurement', same);
    expect(again.ok).toBe(false);
    expect((await stored(o.id)).measurements.map((m) => [m.at, m.value])).toEqual([['2026-11-27', 38]]);
  });

  it('a removal and a new measurement at once from one version: both land, as a new reading waits for no version', async () => {
    for (let round = 0; round < 10; round++) {
      const o = await measured();
      const [removed, added] = await Promise.all([
        call(PAGE, 'removeMeasurement', removal(o, '2026-11-28', 360)),
        call(PAGE, 'addMeasurement', {
          id: o.id,
          version: o.version,
          measurement: { at: '2026-11-29', value: 36 },
        }),
      ]);
      expect([removed.ok, added.ok]).toEqual([true, true]);
      const after = await stored(o.id);
      expect(after.measurements.map((m) => [m.at, m.value])).toEqual([
        ['2026-11-27', 38],
        ['2026-11-29', 36],
      ]);
      expect(after.version).toBe(5);
    }
  });

  it('a storage fault at the write leaves the measurement in place and the outcome writable: sent again, it goes', async () => {
    const o = await measured();
    const hit = failNextValueWrite((key) => key === keys.outcome(P, o.id));
    const typo = removal(o, '2026-11-28', 360);
    expect((await call(PAGE, 'removeMeasurement', typo)).ok).toBe(false);
    expect(hit).toHaveLength(1);
    expect((await stored(o.id)).measurements).toHaveLength(2);
    const fixed = ok(await call<OutcomeView>(PAGE, 'removeMeasurement', typo));
    expect(fixed.measurements.map((m) => m.value)).toEqual([38]);
    expect(fixed.version).toBe(4);
  });
});
