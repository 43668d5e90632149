/**
 * App storage past Forge's rate limits: the real @forge/kvs over the workbench's store, which answers 429
 * RATE_LIMIT_EXCEEDED as Forge does. The app's storage client sends a refused request again after a short jittered
 * wait; a refusal that lasts reaches the person as RATE_LIMITED, with nothing half-written.
 */
import { ForgeKvsAPIError, kvs as sdkKvs, WhereConditions } from '@forge/kvs';
import type { Answer } from '../../src/contract/answer';
import { ISSUE_PANEL_RESOLVERS, type PanelSaveData } from '../../src/contract/issue-panel';
import { ISSUE_PROPERTY_KEY } from '../../src/domain/issue-lens';
import { claim } from '../../src/storage/kv';
import { kvs, storageRetry } from '../../src/storage/kvs-client';
import { openDatabase, type WorkbenchDb } from '../../workbench/db';
import { createWorkbenchApp, type WorkbenchApp } from '../../workbench/app';
import { KvsStore } from '../../workbench/forge/kvs-store';
import { aBetDraft } from '../support/builders';
import { failStorageWrite, refuseStorageRequests } from '../support/storage-faults';
import { installStorageRuntime } from '../support/storage-runtime';

const MINUTE = 60_000;
let clock = 0;
let db: WorkbenchDb;
let store: KvsStore;
let uninstall: () => void;
/** Each wait the client asked for, in ms; the wait itself moves the store's clock instead of sleeping. */
let waits: number[];

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the request to be refused');
    },
    (e: unknown) => e,
  );
}

/** Spends the minute's five reads. */
async function spendReads(): Promise<void> {
  for (let i = 0; i < 5; i++) await kvs.get(`spent:${i}`);
}

describe("the app's storage client under Forge's storage rate limits", () => {
  beforeAll(() => {
    db = openDatabase(':memory:');
    store = new KvsStore(db, {
      now: () => clock,
      // Five reads and five writes a minute: the same meter as Forge's 4,000, reached in a few requests.
      rateLimits: { requestsPerSecond: 1_000, readUnitsPerMinute: 5, writeUnitsPerMinute: 5 },
      entities: [{ name: 'outcome', indexes: ['score'] }],
    });
    uninstall = installStorageRuntime({ kvs: () => store });
  });

  afterAll(() => {
    uninstall();
    db.close();
  });

  beforeEach(() => {
    store.clear();
    // Each test starts in a fresh minute of the store's meter.
    clock = (Math.floor(clock / MINUTE) + 2) * MINUTE;
    waits = [];
    jest.spyOn(storageRetry, 'wait').mockImplementation((ms) => {
      waits.push(ms);
      clock += ms;
      return Promise.resolve();
    });
  });

  afterEach(() => jest.restoreAllMocks());

  it('sends a read refused for the spent minute again, and it is answered once the minute turns', async () => {
    await kvs.set('bet', { v: 1 });
    clock += MINUTE; // the write's minute over; reads start from nothing
    clock = Math.floor(clock / MINUTE) * MINUTE + 58_000;
    await spendReads();
    jest.spyOn(storageRetry, 'random').mockReturnValue(1); // the longest waits: 0.2, 0.5, 1 and 2 s
    const refusedBefore = store.usage().refused;
    await expect(kvs.get('bet')).resolves.toEqual({ v: 1 });
    expect(waits).toEqual([200, 500, 1_000, 2_000]);
    expect(store.usage().refused - refusedBefore).toBe(4);
  });

  it("is what makes the difference: the SDK's own kvs throws the same refusal at once", async () => {
    await spendReads();
    const error = await rejection(sdkKvs.get('bet'));
    expect(error).toBeInstanceOf(ForgeKvsAPIError);
    expect((error as ForgeKvsAPIError).code).toBe('RATE_LIMIT_EXCEEDED');
    expect(waits).toEqual([]);
  });

  it('gives up after four jittered, growing waits when the refusal lasts, and throws the refusal', async () => {
    await spendReads();
    const refusedBefore = store.usage().refused;
    const error = await rejection(kvs.get('bet'));
    expect(error).toBeInstanceOf(ForgeKvsAPIError);
    expect((error as ForgeKvsAPIError).responseDetails.status).toBe(429);
    expect(store.usage().refused - refusedBefore).toBe(5);
    const longest = [200, 500, 1_000, 2_000];
    expect(waits).toHaveLength(4);
    waits.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(longest[i]! / 2);
      expect(ms).toBeLessThanOrEqual(longest[i]!);
    });
    // Under four seconds in all: a resolver (25 s) still answers with time to spare.
    expect(waits.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(3_700);
  });

  it('retries what the builders send: a key query, an entity query and a transaction', async () => {
    await kvs.set('outcome:1', 'a');
    await kvs.entity<{ score: number }>('outcome').set('o1', { score: 3 });
    refuseStorageRequests(store, 3);
    const listed = await kvs.query().where('key', WhereConditions.beginsWith('outcome:')).getMany();
    expect(listed.results.map((r) => r.key)).toEqual(['outcome:1']);
    const ranked = await kvs.entity<{ score: number }>('outcome').query().index('score').getMany();
    expect(ranked.results.map((r) => r.key)).toEqual(['o1']);
    await kvs.transact().set('outcome:2', 'b').execute();
    expect(await kvs.get('outcome:2')).toBe('b');
    expect(waits).toHaveLength(3);
  });

  it('takes a FAIL_IF_EXISTS claim refused for the rate on the retry, rather than reading it as lost', async () => {
    const refused = refuseStorageRequests(store, 1);
    await kvs.set('claim', { by: 'me' }, { keyPolicy: 'FAIL_IF_EXISTS' });
    expect(refused).toEqual(['/api/v1/set']);
    expect(await kvs.get('claim')).toEqual({ by: 'me' });
  });

  it('lets a claim refused for the rate fail once the client gave up, without trying again on top of it', async () => {
    const refused = refuseStorageRequests(store, Number.POSITIVE_INFINITY);
    const error = await rejection(claim('claim', { by: 'me' }));
    expect((error as ForgeKvsAPIError).code).toBe('RATE_LIMIT_EXCEEDED');
    // One write, sent five times by the client: no read after it, no second round of five.
    expect(refused).toEqual(Array.from({ length: 5 }, () => '/api/v1/set'));
    expect(waits).toHaveLength(4);
  });

  it('does not send again what failed for another reason (a server error after which the write may be stored)', async () => {
    const hit = failStorageWrite(store, () => true);
    const error = await rejection(kvs.set('bet', 1));
    expect(hit).toEqual(['/api/v1/set bet']);
    expect((error as ForgeKvsAPIError).responseDetails.status).toBe(500);
    expect(waits).toEqual([]);
  });
});

describe('a person saving while app storage refuses for its rate limits', () => {
  const PANEL_MODULE = 'outcome-lens-issue-panel';
  let app: WorkbenchApp;
  let appWaits = 0;

  beforeEach(() => {
    jest.restoreAllMocks();
    appWaits = 0;
    // The real waits here are shortened: the test is about the answers, not the timing.
    jest.spyOn(storageRetry, 'wait').mockImplementation(() => {
      appWaits++;
      return Promise.resolve();
    });
    app = createWorkbenchApp({ dataFile: ':memory:' });
    app.jira.store.createProject({ key: 'DEMO', name: 'Demo' });
    app.grantDemoRoles('DEMO');
    app.jira.store.createIssue({ key: 'DEMO-1', summary: 'Shoppers lose their cart when they leave' });
  });
  afterEach(() => app.close());

  const save = () =>
    app.invoke(
      PANEL_MODULE,
      ISSUE_PANEL_RESOLVERS.save,
      { version: 0, draft: aBetDraft() },
      { user: 'member', issueKey: 'DEMO-1' },
    ) as Promise<Answer<PanelSaveData>>;

  it('saves when storage refuses a few requests and then answers', async () => {
    const refused = refuseStorageRequests(app.kvs, 3);
    const answer = await save();
    expect(answer.ok).toBe(true);
    expect(refused).toHaveLength(3);
    expect(appWaits).toBe(3);
    expect(app.jira.store.getIssueProperty('DEMO-1', ISSUE_PROPERTY_KEY)).toMatchObject({
      hypothesis: { persona: 'shopper' },
    });
  });

  it('answers RATE_LIMITED with what to do when the refusal lasts, stores nothing, and saves once storage answers', async () => {
    const refused = refuseStorageRequests(app.kvs, Number.POSITIVE_INFINITY);
    const answer = await save();
    expect(answer).toEqual({
      ok: false,
      error: {
        code: 'RATE_LIMITED',
        message: expect.stringMatching(
          /storage allowance for the minute.*Nothing was lost.*try again in a minute/,
        ),
      },
    });
    // Each request the save sent (here two reads at once) went five times, four waits apiece, then gave up.
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.length % 5).toBe(0);
    expect(appWaits).toBe((refused.length / 5) * 4);
    expect(app.jira.store.getIssueProperty('DEMO-1', ISSUE_PROPERTY_KEY)).toBeUndefined();
    jest.restoreAllMocks();
    expect((await save()).ok).toBe(true);
  });
});

describe('a measurement source sending while app storage refuses for its rate limits', () => {
  it('is told 429 with a minute to wait when the recording is refused, and its resend is recorded once', async () => {
    jest.spyOn(storageRetry, 'wait').mockImplementation(() => Promise.resolve());
    const app = createWorkbenchApp({ dataFile: ':memory:', latency: 'off' });
    try {
      app.jira.store.createProject({ key: 'DEMO', name: 'Demo' });
      app.grantDemoRoles('DEMO');
      const created = (await app.invoke(
        'outcome-lens-settings',
        'createToken',
        { name: 'ci' },
        { user: 'admin', projectKey: 'DEMO' },
      )) as Answer<{ token: string }>;
      if (!created.ok) throw new Error(created.error.message);
      const post = () =>
        app.invokeWebTrigger('outcome-lens-measurements', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${created.data.token}` },
          body: JSON.stringify([{ metric: 'Checkout abandonment', value: 38, at: '2026-11-02' }]),
        });
      // The series' own writes are refused (its claims and the token's rate slot are not): the recording fails.
      const refusedWrites = refuseStorageRequests(
        app.kvs,
        Number.POSITIVE_INFINITY,
        (path, body) => /\/(?:set|transaction)$/.test(path) && body.includes('"metric:DEMO:'),
      );
      const refused = await post();
      expect(refused.statusCode).toBe(429);
      expect(refused.headers?.['Retry-After']).toEqual(['60']);
      expect(JSON.parse(refused.body)).toMatchObject({
        ok: false,
        message: expect.stringMatching(/storage allowance for the minute.*again in a minute/),
      });
      expect(refusedWrites.length).toBeGreaterThan(0);
      jest.restoreAllMocks();
      const resent = await post();
      expect([resent.statusCode, JSON.parse(resent.body)]).toEqual([
        200,
        expect.objectContaining({ accepted: 1 }),
      ]);
      const series = app.kvs
        .dump()
        .filter((e) => e.key.startsWith('metric:DEMO:'))
        .map((e) => (e.value as { measurements: Array<{ value: number }> }).measurements);
      expect(series).toEqual([[expect.objectContaining({ value: 38 })]]);
    } finally {
      app.close();
    }
  });
});
