/**
 * A hostile client and a flaky platform against the measurement write paths: the web trigger, the card's CSV
 * import and the storage below them, over the workbench with the real @forge SDK. Each test says what the caller
 * does, what used to happen, and what should.
 */
import { createWorkbenchApp, type WebTriggerAnswer, type WorkbenchApp } from '../../workbench/app';
import type { Answer } from '../../src/contract/answer';
import type { NewTokenData } from '../../src/contract/settings';
import type { MeasurementRecorded, OutcomeView } from '../../src/contract/project-page';
import { keys } from '../../src/storage/keys';
import { MAX_VALUE_BYTES } from '../../src/storage/kv';
import { MEASUREMENT_HISTORY_LIMIT, type StoredOutcome } from '../../src/storage/outcomes';
import { MAX_METRIC_SERIES_PER_PROJECT } from '../../src/storage/metric-series';
import { failStorageWrite, writesWaitForEachOther } from '../support/storage-faults';
import { DUE_DATE_AHEAD } from '../support/builders';

const P = 'DEMO';
const PAGE = 'outcome-lens-project-page';
const SETTINGS = 'outcome-lens-settings';
const TRIGGER = 'outcome-lens-measurements';

let app: WorkbenchApp;
let now: Date;

beforeEach(() => {
  now = new Date('2026-11-30T10:00:00Z');
  app = createWorkbenchApp({ dataFile: ':memory:', contract: true, latency: 'off', now: () => now });
  app.jira.store.createProject({ key: P, name: 'Demo' });
  app.grantDemoRoles(P);
});
afterEach(() => {
  jest.restoreAllMocks();
  app.close();
});

function ok<T>(a: unknown): T {
  const answer = a as Answer<T>;
  if (!answer.ok) throw new Error(`expected ok, got ${JSON.stringify(answer.error)}`);
  return answer.data;
}

async function call<T>(module: string, fn: string, payload: unknown): Promise<Answer<T>> {
  return (await app.invoke(module, fn, payload, { user: 'admin', projectKey: P })) as Answer<T>;
}

async function anOutcome(name: string, metric = 'Checkout abandonment'): Promise<OutcomeView> {
  const draft = { name, metric, baseline: 40, target: 30, direction: 'decrease', dueDate: DUE_DATE_AHEAD };
  return ok(await call<OutcomeView>(PAGE, 'createOutcome', { draft }));
}

async function aToken(name = 'ci'): Promise<string> {
  return ok<NewTokenData>(await call(SETTINGS, 'createToken', { name })).token;
}

function post(token: string, body: string): Promise<WebTriggerAnswer> {
  return app.invokeWebTrigger(TRIGGER, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body,
  });
}

const json = (a: WebTriggerAnswer) => JSON.parse(a.body) as Record<string, unknown>;

/** The outcome as storage holds it, every measurement kept (the page's card gets only the newest). */
function stored(id: string): StoredOutcome {
  const key = keys.outcome(P, id);
  return app.kvs.dump().find((r) => r.key === key)!.value as StoredOutcome;
}

/** `n` days from 2025-01-01, one a row. */
const day = (n: number) => new Date(Date.UTC(2025, 0, 1 + n)).toISOString().slice(0, 10);

/** An outcome holding all the readings it keeps, one a day from day(0), sent through the web trigger. */
async function anOutcomeWithFullHistory(): Promise<OutcomeView> {
  const outcome = await anOutcome('Fewer abandoned checkouts');
  const full = Array.from({ length: MEASUREMENT_HISTORY_LIMIT }, (_, i) => ({
    outcome: outcome.id,
    value: i,
    at: day(i),
    id: `h-${i}`,
  }));
  expect(json(await post(await aToken(), JSON.stringify(full)))).toMatchObject({
    accepted: MEASUREMENT_HISTORY_LIMIT,
  });
  return outcome;
}

describe("an outcome card's CSV import", () => {
  // The caller imports a CSV with a metric column on the card of the second of two outcomes that measure the
  // same metric. The rows were recorded on the first outcome, and the card said "Imported 1". They should land
  // on the card the person imported them on.
  it('records rows naming the metric on the outcome whose card imported them', async () => {
    const first = await anOutcome('Fewer abandoned checkouts');
    const second = await anOutcome('Abandonment down on mobile');
    const answer = ok<{ ok: boolean; accepted: number }>(
      await call(PAGE, 'importMeasurements', {
        id: second.id,
        csv: 'metric,value,at,id\nCheckout abandonment,37,2026-11-01,m-1\n',
      }),
    );
    expect(answer).toMatchObject({ ok: true, accepted: 1 });
    expect(stored(second.id).measurements.map((m) => m.value)).toEqual([37]);
    expect(stored(first.id).measurements).toEqual([]);
  });

  // A file saved with blank lines between its readings: the row at fault is named by the line the person sees in
  // the file (it was named by its place among the rows the card rebuilt, blank lines dropped).
  it('names the line of a bad row as the file shows it, blank lines counted', async () => {
    const outcome = await anOutcome('Fewer abandoned checkouts');
    const answer = ok<{
      ok: boolean;
      accepted: number;
      errors: Array<{ row: number; line?: number; message: string }>;
    }>(
      await call(PAGE, 'importMeasurements', {
        id: outcome.id,
        csv: 'value,at\n\n\n10,2026-11-06\n\nx,2026-11-07\n',
      }),
    );
    expect(answer).toMatchObject({ ok: false, accepted: 0 });
    expect(answer.errors).toEqual([
      expect.objectContaining({ row: 2, line: 6, message: expect.stringContaining('(CSV line 6)') }),
    ]);
    expect(stored(outcome.id).measurements).toEqual([]);
  });

  // The person imports a file of newer readings on a card whose outcome already holds all it keeps: each new
  // reading would push an older one out of the outcome's history. The whole file is refused, naming the limit,
  // and the history stays as it was.
  it('refuses a file that would push measurements the outcome holds out of its history', async () => {
    const outcome = await anOutcomeWithFullHistory();
    const newer = [day(MEASUREMENT_HISTORY_LIMIT), day(MEASUREMENT_HISTORY_LIMIT + 1)];
    const answer = ok<{ ok: boolean; accepted: number; message: string }>(
      await call(PAGE, 'importMeasurements', {
        id: outcome.id,
        csv: `value,at\n41,${newer[0]}\n42,${newer[1]}\n`,
      }),
    );
    expect(answer).toMatchObject({ ok: false, accepted: 0 });
    expect(answer.message).toContain(`keeps its latest ${MEASUREMENT_HISTORY_LIMIT} measurements`);
    expect(answer.message).toContain('the 2 oldest would be lost. Nothing was imported');
    const kept = stored(outcome.id).measurements.map((m) => m.at);
    expect(kept).toHaveLength(MEASUREMENT_HISTORY_LIMIT);
    expect(kept[0]).toBe(day(0));
    expect(kept).not.toContain(newer[0]);
  });
});

describe('a reading typed on a card whose history is full', () => {
  // The outcome holds the 500 readings it keeps, and the person types one older than all of them. It was
  // dropped as it was written, yet the card answered as if it was recorded (and bumped the outcome's version,
  // so another person's edit failed as "changed meanwhile"). It should be refused at its date, nothing written.
  it('refuses a reading older than every one the outcome keeps, naming the limit, and writes nothing', async () => {
    const outcome = await anOutcomeWithFullHistory();
    const before = stored(outcome.id);
    const answer = await call(PAGE, 'addMeasurement', {
      id: outcome.id,
      version: before.version,
      measurement: { at: '2024-06-01', value: 41 },
    });
    expect(answer).toMatchObject({
      ok: false,
      error: {
        code: 'VALIDATION',
        fields: {
          at: `The outcome keeps its latest ${MEASUREMENT_HISTORY_LIMIT} measurements, from ${day(0)} on, and one of 2024-06-01 is older than all of them: nothing was recorded.`,
        },
      },
    });
    const after = stored(outcome.id);
    expect(after.version).toBe(before.version);
    expect(after.measurements).toEqual(before.measurements);
    // A newer reading is still taken: the history keeps the latest ones.
    ok(
      await call(PAGE, 'addMeasurement', {
        id: outcome.id,
        version: after.version,
        measurement: { at: day(MEASUREMENT_HISTORY_LIMIT), value: 42 },
      }),
    );
    expect(stored(outcome.id).measurements.at(-1)).toMatchObject({
      at: day(MEASUREMENT_HISTORY_LIMIT),
      value: 42,
    });
  });
});

describe('readings that fill a history: the oldest let go, and said', () => {
  // The outcome holds the 500 readings it keeps and a newer one is typed on its card: the oldest was let go
  // without a word, the card answering as for any reading. The answer names what went, so the card can say so.
  it('answers a typed reading with the readings it pushed out of the history', async () => {
    const outcome = await anOutcomeWithFullHistory();
    const recorded = ok<MeasurementRecorded>(
      await call(PAGE, 'addMeasurement', {
        id: outcome.id,
        version: outcome.version,
        measurement: { at: day(MEASUREMENT_HISTORY_LIMIT), value: 42, id: 'typed-1' },
      }),
    );
    expect(recorded.pushedOut).toEqual([{ at: day(0), value: 0 }]);
    expect(recorded.measurementsHeld).toBe(MEASUREMENT_HISTORY_LIMIT);
    // The same reading sent again (a lost answer) is taken once and lets nothing else go.
    const again = ok<MeasurementRecorded>(
      await call(PAGE, 'addMeasurement', {
        id: outcome.id,
        version: outcome.version,
        measurement: { at: day(MEASUREMENT_HISTORY_LIMIT), value: 42, id: 'typed-1' },
      }),
    );
    expect(again.pushedOut).toEqual([]);
    expect(stored(outcome.id).measurements[0]?.at).toBe(day(1));
  });

  it('answers a reading on a history with room as letting nothing go', async () => {
    const outcome = await anOutcome('Fewer abandoned checkouts');
    const recorded = ok<MeasurementRecorded>(
      await call(PAGE, 'addMeasurement', {
        id: outcome.id,
        version: outcome.version,
        measurement: { at: day(3), value: 41 },
      }),
    );
    expect(recorded.pushedOut).toEqual([]);
  });

  // The same through the web trigger: an integration sending its daily figure was answered "Recorded 2" while
  // two older readings went.
  it('tells a web trigger sender how many older readings its request pushed out', async () => {
    const outcome = await anOutcomeWithFullHistory();
    const newer = [0, 1].map((i) => ({
      outcome: outcome.id,
      value: 40 + i,
      at: day(MEASUREMENT_HISTORY_LIMIT + i),
    }));
    const answer = json(await post(await aToken('daily feed'), JSON.stringify(newer)));
    expect(answer).toMatchObject({ ok: true, accepted: 2, pushedOut: 2 });
    expect(answer.series).toEqual([expect.objectContaining({ id: outcome.id, added: 2, pushedOut: 2 })]);
    expect(answer.message).toBe(
      `Recorded 2 measurement(s). 2 older measurements were let go to make room: each series keeps its newest ${MEASUREMENT_HISTORY_LIMIT}.`,
    );
  });
});

describe('two CSV imports on one card at once', () => {
  // Two people import a file each on the same card at the same moment. The outcome holds 497 of the 500
  // measurements it keeps, and each file adds two newer readings: either alone fits. Before the mend both files
  // were checked against the 497 read before either wrote, both were imported, and the outcome's oldest reading
  // was pushed out of its history without a word. One file should be imported and the other refused whole.
  it('imports one and refuses the other when together they would push out what the outcome holds', async () => {
    const outcome = await anOutcome('Fewer abandoned checkouts');
    const held = MEASUREMENT_HISTORY_LIMIT - 3;
    const history = Array.from({ length: held }, (_, i) => ({ outcome: outcome.id, value: i, at: day(i) }));
    expect(json(await post(await aToken(), JSON.stringify(history)))).toMatchObject({ accepted: held });
    const files = [
      `value,at\n41,${day(held)}\n42,${day(held + 1)}\n`,
      `value,at\n43,${day(held + 2)}\n44,${day(held + 3)}\n`,
    ];
    // Both imports have read the outcome before either writes.
    const metAtTheWrite = writesWaitForEachOther(app.kvs, 2);
    const answers = (
      await Promise.all(files.map((csv) => call(PAGE, 'importMeasurements', { id: outcome.id, csv })))
    ).map((a) => ok<{ ok: boolean; accepted: number; message: string }>(a));
    expect(metAtTheWrite()).toBe(true);
    expect(answers.map((a) => a.accepted).sort()).toEqual([0, 2]);
    const refused = answers.find((a) => !a.ok)!;
    expect(refused.message).toContain(
      `it holds ${held + 2} and this file adds 2, so the 1 oldest would be lost`,
    );
    const kept = stored(outcome.id).measurements.map((m) => m.at);
    expect(kept).toHaveLength(held + 2);
    expect(kept[0]).toBe(day(0));
  });
});

describe('a card import of readings its metric recorded before the outcome existed', () => {
  // A sender delivered two readings of a metric before any outcome measured it; the outcome made since holds 499
  // of its 500. The person imports a file with those two readings on its card. Before the mend they were counted
  // as new, and the file was refused for pushing out a measurement, though it adds nothing. It should be taken,
  // saying both were recorded before.
  it('does not count them as new against the history limit', async () => {
    const token = await aToken();
    const early = [0, 1].map((i) => ({
      metric: 'Checkout abandonment',
      value: 40 + i,
      at: day(600 + i),
      id: `m-${i}`,
    }));
    expect(json(await post(token, JSON.stringify(early)))).toMatchObject({ accepted: 2 });
    const outcome = await anOutcome('Fewer abandoned checkouts');
    const held = MEASUREMENT_HISTORY_LIMIT - 1;
    const history = Array.from({ length: held }, (_, i) => ({ outcome: outcome.id, value: i, at: day(i) }));
    expect(json(await post(token, JSON.stringify(history)))).toMatchObject({ accepted: held });
    const answer = ok<{ ok: boolean; accepted: number; duplicates: number; message: string }>(
      await call(PAGE, 'importMeasurements', {
        id: outcome.id,
        csv: `value,at,id\n40,${day(600)},m-0\n41,${day(601)},m-1\n`,
      }),
    );
    expect(answer).toMatchObject({ ok: true, accepted: 0, duplicates: 2 });
    expect(stored(outcome.id).measurements).toHaveLength(held);
  });
});

describe('the measurements web trigger', () => {
  // The caller sends more measurements for one outcome than it keeps (or older ones than an outcome full of
  // newer ones holds). They were trimmed off as they were written, yet the answer counted them as recorded. The
  // answer should count only what is kept, and say that the rest were too old to keep.
  it('does not count as recorded what the outcome drops at once', async () => {
    const outcome = await anOutcome('Fewer abandoned checkouts');
    const token = await aToken();
    const rows = Array.from({ length: MEASUREMENT_HISTORY_LIMIT + 1 }, (_, i) => ({
      outcome: outcome.id,
      value: i,
      at: day(i),
      id: `r-${i}`,
    }));
    const answer = json(await post(token, JSON.stringify(rows)));
    const kept = stored(outcome.id).measurements.length;
    expect(kept).toBe(MEASUREMENT_HISTORY_LIMIT);
    expect(answer).toMatchObject({ ok: true, accepted: kept });
    expect(answer.message).toMatch(/1 .*older than/);
    // One older than all it keeps: nothing is kept, and nothing is said to be.
    const older = json(
      await post(token, JSON.stringify({ outcome: outcome.id, value: 1, at: '2024-01-01' })),
    );
    expect(older).toMatchObject({ ok: true, accepted: 0 });
    expect(stored(outcome.id).measurements.map((m) => m.at)).not.toContain('2024-01-01');
  });

  // The caller sends one request whose rows are each within the rules, but whose sources are control
  // characters (six bytes each once stored). The outcome grew past the storage value limit and the trigger
  // answered 503 "send the same request again": a retry loop that can never succeed. Such a source should be
  // refused as a bad row, and a request too large to store should be refused for good, not "try again".
  it('refuses sources of control characters instead of asking for resends that cannot succeed', async () => {
    const outcome = await anOutcome('Fewer abandoned checkouts');
    const token = await aToken();
    const rows = Array.from({ length: 400 }, (_, i) => ({
      outcome: outcome.id,
      value: i,
      at: day(i),
      id: `c-${i}`,
      source: '\u0001'.repeat(100),
    }));
    const answer = await post(token, JSON.stringify(rows));
    expect(answer.statusCode).toBe(400);
    expect(json(answer)).toMatchObject({
      errors: expect.arrayContaining([expect.objectContaining({ field: 'source' })]),
    });
    expect(stored(outcome.id).measurements).toEqual([]);
  });

  // The caller adds to an outcome already near the storage value limit. The trigger answered 503 "send the same
  // request again", which can never succeed. It should say the measurement cannot be stored, without a resend.
  it('refuses for good a measurement that would pass the storage value limit', async () => {
    const outcome = await anOutcome('Fewer abandoned checkouts');
    const token = await aToken();
    const key = keys.outcome(P, outcome.id);
    const current = app.kvs.dump().find((r) => r.key === key)!.value as object;
    // Padded to 20 bytes below the limit: stored, but one more measurement does not fit.
    const room = MAX_VALUE_BYTES - Buffer.byteLength(JSON.stringify({ ...current, padding: '' })) - 20;
    const big = { ...current, padding: 'x'.repeat(room) };
    const set = await app.kvs.handle('/api/v1/set', {
      method: 'POST',
      body: JSON.stringify({ key, value: big }),
    });
    expect(set.ok).toBe(true);
    const answer = await post(token, JSON.stringify({ outcome: outcome.id, value: 38, at: '2026-11-02' }));
    expect(answer.statusCode).toBe(413);
    expect(answer.headers['Retry-After']).toBeUndefined();
    expect(json(answer).message).toMatch(/too large to store/);
  });

  // The caller sends the same id twice in one request with different values. The first was kept, the second
  // dropped, and the answer said it "was recorded before". Two different readings under one id are a mistake of
  // the sender: the request should be refused whole, naming the row.
  it('refuses one id sent twice in a request with different readings', async () => {
    const outcome = await anOutcome('Fewer abandoned checkouts');
    const token = await aToken();
    const answer = await post(
      token,
      JSON.stringify([
        { outcome: outcome.id, value: 38, at: '2026-11-02', id: 'x-1' },
        { outcome: outcome.id, value: 12, at: '2026-11-03', id: 'x-1' },
      ]),
    );
    expect(answer.statusCode).toBe(400);
    expect(json(answer)).toMatchObject({
      ok: false,
      errors: [expect.objectContaining({ row: 2, field: 'id' })],
    });
    expect(stored(outcome.id).measurements).toEqual([]);
  });

  // Storage stores the claim of an outcome's next version but answers 500 (a timeout after the write landed).
  // The writer took the claim for someone else's, so no one could write that version again: every later
  // measurement of the outcome was refused with 503 for the claim's 20 minutes. The claim is the writer's own
  // and it should go on (or give it back) so the resend is recorded.
  it('keeps an outcome writable when storage stores a claim but answers with an error', async () => {
    const outcome = await anOutcome('Fewer abandoned checkouts');
    const token = await aToken();
    const real = app.kvs.handle.bind(app.kvs);
    let hit = false;
    jest.spyOn(app.kvs, 'handle').mockImplementation(async (path, init) => {
      const key =
        typeof init?.body === 'string' ? (JSON.parse(init.body) as { key?: string }).key : undefined;
      if (!hit && path === '/api/v1/set' && key === keys.outcomeRevision(P, outcome.id, 2)) {
        hit = true;
        await real(path, init);
        return new Response(JSON.stringify({ code: 'INTERNAL_SERVER_ERROR', message: 'timed out' }), {
          status: 500,
          headers: { 'content-type': 'application/json' },
        });
      }
      return real(path, init);
    });
    const body = JSON.stringify({ outcome: outcome.id, value: 38, at: '2026-11-02', id: 'a-1' });
    const first = await post(token, body);
    expect(hit).toBe(true);
    if (first.statusCode !== 200) {
      const again = await post(token, body);
      expect(again.statusCode).toBe(200);
    }
    expect(stored(outcome.id).measurements.map((m) => m.id)).toEqual(['a-1']);
  });
});

describe("the project page's add measurement", () => {
  // The caller adds a measurement with an id (the payload allows one), and the call is repeated (a retried
  // bridge call, a second tab). The same id was stored twice, though an id is documented to be taken once per
  // series. The repeat should change nothing.
  it('takes a measurement id once, as the web trigger does', async () => {
    const outcome = await anOutcome('Fewer abandoned checkouts');
    const add = () =>
      call<OutcomeView>(PAGE, 'addMeasurement', {
        id: outcome.id,
        version: outcome.version,
        measurement: { at: '2026-11-02', value: 38, id: 'p-1' },
      });
    ok(await add());
    ok(await add());
    expect(stored(outcome.id).measurements.map((m) => m.id)).toEqual(['p-1']);
  });
});

describe('the JSON body of the web trigger', () => {
  // The caller misspells a field ("Id", "sorce") or sends one the trigger does not know ("note"). It was
  // dropped without a word and the row recorded without it, while the same column in a CSV body is refused. The
  // row should be refused, naming the field.
  it('refuses a row with a field it does not know, as the CSV body does', async () => {
    const outcome = await anOutcome('Fewer abandoned checkouts');
    const token = await aToken();
    const answer = await post(
      token,
      JSON.stringify([
        { outcome: outcome.id, value: 38, at: '2026-11-02', Id: 'n-1', note: 'after the fix' },
      ]),
    );
    expect(answer.statusCode).toBe(400);
    expect(json(answer).message).toMatch(/Id/);
    expect(stored(outcome.id).measurements).toEqual([]);
  });
});

describe('metric series a token can make', () => {
  // The caller names a new metric in every row, 50 a request, 11 requests. Every name became a series kept for
  // good: no bound on what one token fills app storage with, and the bets read only the first 500 series (by
  // name), so a real metric that sorts late went unread. A project should hold a bounded number of series, and a
  // request that would make one more should be refused whole, saying so.
  it('are bounded per project, and a request past the bound is refused before writing', async () => {
    const token = await aToken();
    const batch = (from: number) =>
      JSON.stringify(
        Array.from({ length: 50 }, (_, i) => ({ metric: `junk ${from + i}`, value: 1, at: '2026-11-02' })),
      );
    for (let from = 0; from < MAX_METRIC_SERIES_PER_PROJECT; from += 50)
      expect((await post(token, batch(from))).statusCode).toBe(200);
    const series = () => app.kvs.dump().filter((r) => r.key.startsWith(`metric:${P}:`)).length;
    expect(series()).toBe(MAX_METRIC_SERIES_PER_PROJECT);
    // Rows of series that exist still go in; a request naming one more is refused whole.
    const more = await post(
      token,
      JSON.stringify([
        { metric: 'junk 1', value: 2, at: '2026-11-03' },
        { metric: 'one too many', value: 1, at: '2026-11-03' },
      ]),
    );
    expect(more.statusCode).toBe(400);
    expect(json(more).message).toMatch(`at most ${MAX_METRIC_SERIES_PER_PROJECT}`);
    expect(series()).toBe(MAX_METRIC_SERIES_PER_PROJECT);
    expect(
      json(await post(token, JSON.stringify({ metric: 'junk 1', value: 2, at: '2026-11-03' }))),
    ).toMatchObject({
      accepted: 1,
    });
  });
});

describe('requests racing at the bound on metric series', () => {
  // The project holds 490 series of its own, ten short of the bound, and five requests that each name ten new
  // metrics arrive at once. Before the mend each read the count (490) before any had made a series, all five
  // passed the check, and the project ended with 540 series. However they interleave, the bound should hold, one
  // request should be taken whole, the others refused whole, and a refused request's slots be free again.
  it('let in at most the ten series left, each request whole or not at all', async () => {
    const token = await aToken();
    const rows = (names: string[], at = '2026-11-02') =>
      JSON.stringify(names.map((metric) => ({ metric, value: 1, at })));
    const named = (prefix: string, from: number, n: number) =>
      Array.from({ length: n }, (_, i) => `${prefix} ${from + i}`);
    const held = MAX_METRIC_SERIES_PER_PROJECT - 10;
    for (let from = 0; from < held; from += 49)
      expect((await post(token, rows(named('held', from, Math.min(49, held - from))))).statusCode).toBe(200);
    const series = () =>
      app.kvs
        .dump()
        .filter((r) => r.key.startsWith(`metric:${P}:`))
        .map((r) => r.key);
    expect(series()).toHaveLength(held);

    // Each request has read the count before any of them writes.
    const metAtTheWrite = writesWaitForEachOther(app.kvs, 5);
    const requests = Array.from({ length: 5 }, (_, r) => named(`racer ${r}`, 0, 10));
    const answers = await Promise.all(requests.map((names) => post(token, rows(names))));
    expect(metAtTheWrite()).toBe(true);
    jest.restoreAllMocks();

    const made = series();
    expect(made.length).toBeLessThanOrEqual(MAX_METRIC_SERIES_PER_PROJECT);
    // One request fits, and one is taken: racing slot by slot, each could take a few and all be refused.
    expect(answers.filter((a) => a.statusCode === 200)).toHaveLength(1);
    answers.forEach((answer, r) => {
      const mine = made.filter((k) => k.includes(`racer-${r}-`));
      if (answer.statusCode === 200) expect(mine).toHaveLength(10);
      else {
        expect(answer.statusCode).toBe(400);
        expect(json(answer).message).toMatch(`at most ${MAX_METRIC_SERIES_PER_PROJECT}`);
        expect(mine).toHaveLength(0);
      }
    });
    // What the refused requests reserved was given back: the series left can still be made, and no more.
    const left = MAX_METRIC_SERIES_PER_PROJECT - made.length;
    if (left > 0) expect((await post(token, rows(named('after', 0, left)))).statusCode).toBe(200);
    const oneMore = await post(token, rows(['one too many']));
    expect(oneMore.statusCode).toBe(400);
    expect(series()).toHaveLength(MAX_METRIC_SERIES_PER_PROJECT);
  });

  // The project holds 499 series and a request names one new metric; storage fails at the series' write, after the
  // metric was counted, and the sender is told to send again. The resend was refused at the bound (the count said
  // 500, and the metric was taken for a 501st), so its readings could never be recorded. It should be recorded.
  it('take a resend of a request that counted its new metric and then met a storage fault', async () => {
    const token = await aToken();
    const names = Array.from({ length: MAX_METRIC_SERIES_PER_PROJECT - 1 }, (_, i) => `held ${i}`);
    for (let from = 0; from < names.length; from += 50)
      expect(
        (
          await post(
            token,
            JSON.stringify(
              names.slice(from, from + 50).map((metric) => ({ metric, value: 1, at: '2026-11-02' })),
            ),
          )
        ).statusCode,
      ).toBe(200);
    const body = JSON.stringify([{ metric: 'Last one', value: 7, at: '2026-11-03' }]);
    const hit = failStorageWrite(app.kvs, (w) => w.key?.startsWith(`metric:${P}:last-one.`) === true);
    expect((await post(token, body)).statusCode).toBe(503);
    expect(hit).toHaveLength(1);
    jest.restoreAllMocks();
    const resent = await post(token, body);
    expect([resent.statusCode, json(resent)]).toEqual([200, expect.objectContaining({ accepted: 1 })]);
    expect(
      (await post(token, JSON.stringify([{ metric: 'one too many', value: 1, at: '2026-11-03' }])))
        .statusCode,
    ).toBe(400);
  });

  // Two requests name the same new metric at once: it is one series, and it is counted once.
  it('count a metric two requests make at the same moment once', async () => {
    const token = await aToken();
    const metAtTheWrite = writesWaitForEachOther(app.kvs, 2);
    const body = (at: string) => JSON.stringify([{ metric: 'Weekly signups', value: 5, at }]);
    const answers = await Promise.all([post(token, body('2026-11-02')), post(token, body('2026-11-03'))]);
    expect(metAtTheWrite()).toBe(true);
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200]);
    const slots = app.kvs.dump().filter((r) => /^metric-slot:DEMO:[1-9]/.test(r.key));
    expect(slots).toHaveLength(1);
  });
});

describe('a delivery sent again after an outcome took up its metric', () => {
  // The caller sends a measurement with an id under a metric no outcome measures (it goes to the metric's own
  // series); then an outcome is made for that metric, and the caller's retry of the same delivery (its answer
  // was lost) arrives. It was recorded a second time, on the outcome, and counted as new. An id already taken
  // for that metric should be a duplicate, whichever series now receives the metric.
  it('is recorded once', async () => {
    const token = await aToken();
    const body = JSON.stringify({ metric: 'Weekly sign-ups', value: 120, at: '2026-11-02', id: 'w-1' });
    expect(json(await post(token, body))).toMatchObject({ accepted: 1 });
    const outcome = await anOutcome('More sign-ups', 'Weekly sign-ups');
    expect(json(await post(token, body))).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(stored(outcome.id).measurements).toEqual([]);
  });
});

describe('an id sent again with another reading', () => {
  // The caller sends a measurement with an id, then sends the same id with a corrected value. The correction was
  // dropped and the answer said only that it "was recorded before". The answer should say that the reading sent
  // differs from the one recorded, and that the recorded one was kept.
  it('is told that the recorded reading was kept', async () => {
    const outcome = await anOutcome('Fewer abandoned checkouts');
    const token = await aToken();
    const send = (value: number) =>
      post(token, JSON.stringify({ outcome: outcome.id, value, at: '2026-11-02', id: 'k-1' }));
    expect(json(await send(38))).toMatchObject({ accepted: 1 });
    const again = json(await send(12));
    expect(again).toMatchObject({ ok: true, accepted: 0, duplicates: 1, differing: 1 });
    expect(again.message).toMatch(/another day, value or source/);
    expect(stored(outcome.id).measurements.map((m) => m.value)).toEqual([38]);
  });
});

describe('a row that says one thing twice', () => {
  // The caller sends a JSON row with both "outcome" and "outcomeId", naming two outcomes, or a CSV whose header
  // names a column twice ("value,at,value"). One was used and the other ignored without a word. The request
  // should be refused, saying which field is given twice.
  it('is refused, in JSON and in CSV', async () => {
    const first = await anOutcome('Fewer abandoned checkouts');
    const second = await anOutcome('Abandonment down on mobile');
    const token = await aToken();
    const twoOutcomes = await post(
      token,
      JSON.stringify({ outcome: first.id, outcomeId: second.id, value: 38, at: '2026-11-02' }),
    );
    expect(twoOutcomes.statusCode).toBe(400);
    const csv = await app.invokeWebTrigger(TRIGGER, {
      method: 'POST',
      headers: { 'Content-Type': 'text/csv', Authorization: `Bearer ${token}` },
      body: `outcome,value,at,value\n${first.id},38,2026-11-02,12\n`,
    });
    expect(csv.statusCode).toBe(400);
    expect(json(csv).message).toMatch(/twice/);
    expect(stored(first.id).measurements).toEqual([]);
    expect(stored(second.id).measurements).toEqual([]);
  });
});

function postCsv(token: string, body: string): Promise<WebTriggerAnswer> {
  return app.invokeWebTrigger(TRIGGER, {
    method: 'POST',
    headers: { 'Content-Type': 'text/csv', Authorization: `Bearer ${token}` },
    body,
  });
}

const metricSeries = () => app.kvs.dump().filter((r) => r.key.startsWith(`metric:${P}:`));

describe('a metric name with a character drawn as nothing', () => {
  // The caller sends "Checkout\u200b abandonment" (a zero-width space after "Checkout") while the outcome measures
  // "Checkout abandonment". The answer was "Recorded 1", on a new series that looks like the outcome's metric, and
  // "\u200b" alone made a series with a name no one sees; each took one of the project's 500 series. The row should
  // be refused, naming the character, and nothing made.
  it('is refused, naming the character, and makes no series', async () => {
    const outcome = await anOutcome('Fewer abandoned checkouts');
    const token = await aToken();
    for (const metric of ['Checkout\u200b abandonment', '\u200b', 'Checkout abandonment\u202e']) {
      const answer = await post(token, JSON.stringify({ metric, value: 2, at: '2026-11-30' }));
      expect(answer.statusCode).toBe(400);
      expect(json(answer)).toMatchObject({
        ok: false,
        errors: [
          { row: 1, field: 'metric', message: expect.stringMatching(/invisible character, U\+20(0B|2E)/) },
        ],
      });
    }
    const csv = await postCsv(token, 'metric,value,at,source\nCheckout abandonment,2,2026-11-30,ci\u2060\n');
    expect(csv.statusCode).toBe(400);
    expect(json(csv)).toMatchObject({
      errors: [
        { row: 1, line: 2, field: 'source', message: expect.stringContaining('U+2060 (word joiner)') },
      ],
    });
    expect(metricSeries()).toEqual([]);
    expect(stored(outcome.id).measurements).toEqual([]);
  });

  // The outcome's metric was typed with a zero-width space pasted in ("Weekly\u200b sign-ups"), and the sender
  // names it as it looks. The reading went to a series of its own beside the outcome. It should be the outcome's.
  it("in an outcome's metric does not keep a sender's reading of it off the outcome", async () => {
    // Stored before an outcome's metric was checked for such characters (one is refused now at its field).
    const outcome = await anOutcome('More sign-ups', 'Weekly sign-ups');
    const key = keys.outcome(P, outcome.id);
    const current = app.kvs.dump().find((r) => r.key === key)!.value as object;
    const set = await app.kvs.handle('/api/v1/set', {
      method: 'POST',
      body: JSON.stringify({ key, value: { ...current, metric: 'Weekly\u200b sign-ups' } }),
    });
    expect(set.ok).toBe(true);
    const token = await aToken();
    const answer = await post(
      token,
      JSON.stringify({ metric: 'Weekly sign-ups', value: 120, at: '2026-11-30' }),
    );
    expect(json(answer)).toMatchObject({ ok: true, accepted: 1 });
    expect(stored(outcome.id).measurements.map((m) => m.value)).toEqual([120]);
    expect(metricSeries()).toEqual([]);
  });
});

describe('a CSV body with broken quoting', () => {
  // The caller sends '"Checkout abandonment"xyz' (text after the closing quote). It was read as "Checkout
  // abandonmentxyz", answered 200 and made a new series; on a card the text went into the source. RFC 4180 allows
  // only the separator or the line's end after a closing quote: the body should be refused, naming the line.
  it('is refused at the line of the text after a closing quote, by the web trigger and the card import', async () => {
    const outcome = await anOutcome('Fewer abandoned checkouts');
    const token = await aToken();
    const answer = await postCsv(token, 'metric,value,at\n"Checkout abandonment"xyz,12,2026-11-30');
    expect(answer.statusCode).toBe(400);
    expect(json(answer).message).toBe(
      'CSV line 2: text follows a closing quote in "Checkout abandonment"xyz. Put the whole field in quotes, doubling each quote inside it (""), or write it without quotes.',
    );
    const card = await call(PAGE, 'importMeasurements', {
      id: outcome.id,
      csv: 'value,at,source\n12,2026-11-30,"nightly"x\n',
    });
    expect(card).toMatchObject({
      ok: false,
      error: {
        code: 'VALIDATION',
        fields: { csv: expect.stringMatching(/^CSV line 2: text follows a closing quote/) },
      },
    });
    expect(metricSeries()).toEqual([]);
    expect(stored(outcome.id).measurements).toEqual([]);
  });

  // The caller's body ends inside a quoted field (its closing quote lost). It is refused, naming where it begins.
  it('is refused when a quoted field is left open at its end, naming the line it begins on', async () => {
    const outcome = await anOutcome('Fewer abandoned checkouts');
    const token = await aToken();
    const answer = await postCsv(token, 'metric,value,at\n\nCheckout abandonment,12,"2026-11-30\n');
    expect(answer.statusCode).toBe(400);
    expect(json(answer).message).toMatch(/^The quoted CSV field that begins on line 3 is not closed/);
    expect(stored(outcome.id).measurements).toEqual([]);
  });
});

describe('the rows at fault in a CSV body', () => {
  // The caller's CSV has blank lines above the bad row. The answer named "row 2" (blank lines not counted) while the
  // bad value is on line 6 of the body. Each row at fault should name the line an editor shows.
  it('are named by the line they are on, blank lines counted, also when the outcome they name is unknown', async () => {
    const outcome = await anOutcome('Fewer abandoned checkouts');
    const token = await aToken();
    const bad = await postCsv(
      token,
      `outcome,value,at\n\n\n${outcome.id},10,2026-11-06\n\n${outcome.id},x,2026-11-07\n`,
    );
    expect(bad.statusCode).toBe(400);
    expect(json(bad).errors).toEqual([
      { row: 2, line: 6, field: 'value', message: 'value must be a number (CSV line 6).' },
    ]);
    const unknown = await postCsv(
      token,
      `outcome,value,at\n\n${outcome.id},1,2026-11-06\n\nno-such,1,2026-11-06\n`,
    );
    expect(unknown.statusCode).toBe(422);
    expect(json(unknown).errors).toEqual([
      { row: 2, line: 5, field: 'outcome', message: 'No outcome "no-such" in project DEMO (CSV line 5).' },
    ]);
    expect(stored(outcome.id).measurements).toEqual([]);
  });
});
