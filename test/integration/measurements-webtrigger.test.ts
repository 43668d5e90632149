/**
 * Measurements flow in through the web trigger, over the workbench: the manifest's `webtrigger` module runs the
 * app's function with Forge's request shape, tokens come from the settings page's resolver. A request with a
 * missing, revoked, rotated-away or other project's token, a malformed or out-of-range body, or a replayed id
 * changes nothing in app storage; a token over its rate gets 429.
 */
import { createWorkbenchApp, type WebTriggerAnswer, type WorkbenchApp } from '../../workbench/app';
import { startWorkbenchServer, type WorkbenchServer } from '../../workbench/server';
import type { Answer } from '../../src/contract/answer';
import type { NewTokenData, TokenSummary, TokensData } from '../../src/contract/settings';
import type { OutcomeView, ProjectPageLoadData } from '../../src/contract/project-page';
import { TOKEN_RATE_LIMIT } from '../../src/storage/ingest-tokens';
import { MAX_SERIES_PER_REQUEST } from '../../src/services/measurement-ingest';
import { DUE_DATE_AHEAD } from '../support/builders';

const P = 'DEMO';
const Q = 'SHOP';
const SETTINGS = 'outcome-lens-settings';
const PAGE = 'outcome-lens-project-page';
const TRIGGER = 'outcome-lens-measurements';
let app: WorkbenchApp;

function ok<T>(a: unknown): T {
  const answer = a as Answer<T>;
  if (!answer.ok) throw new Error(`expected ok, got ${JSON.stringify(answer.error)}`);
  return answer.data;
}

async function settings<T>(fn: string, payload: unknown, projectKey = P, user = 'admin'): Promise<Answer<T>> {
  return (await app.invoke(SETTINGS, fn, payload, { user, projectKey })) as Answer<T>;
}

async function newToken(name: string, projectKey = P): Promise<NewTokenData> {
  return ok<NewTokenData>(await settings('createToken', { name }, projectKey));
}

async function createOutcome(projectKey: string, name: string, metric: string): Promise<OutcomeView> {
  return ok<OutcomeView>(
    await app.invoke(
      PAGE,
      'createOutcome',
      {
        draft: {
          name,
          metric,
          baseline: 40,
          target: 30,
          direction: 'decrease',
          dueDate: DUE_DATE_AHEAD,
        },
      },
      { user: 'admin', projectKey },
    ),
  );
}

function post(
  token: string | null,
  body: string,
  contentType = 'application/json',
): Promise<WebTriggerAnswer> {
  return app.invokeWebTrigger(TRIGGER, {
    method: 'POST',
    headers: {
      'Content-Type': contentType,
      ...(token !== null ? { Authorization: `Bearer ${token}` } : {}),
    },
    body,
  });
}

const json = (a: WebTriggerAnswer) => JSON.parse(a.body) as Record<string, unknown>;

/** App storage but for the rate counters, which count refused requests too. */
function storedState(): string {
  return JSON.stringify(app.kvs.dump().filter((r) => !r.key.startsWith('ingest-rate:')));
}

let outcome: OutcomeView;

beforeEach(async () => {
  app = createWorkbenchApp({ dataFile: ':memory:', contract: true });
  for (const key of [P, Q]) {
    app.jira.store.createProject({ key, name: key });
    app.grantDemoRoles(key);
  }
  outcome = await createOutcome(P, 'Fewer abandoned checkouts', 'Checkout abandonment');
});
afterEach(() => app.close());

describe('measurement tokens in settings', () => {
  it('are made, listed without their secret, rotated and revoked by administrators only', async () => {
    const made = await newToken('nightly CI');
    expect(made.token).toMatch(/^olm\.DEMO\.[a-f0-9]{12}\.[A-Za-z0-9_-]{43}$/);
    const listed = ok<TokensData>(await settings('listTokens', {}));
    expect(listed.tokens.map((t) => t.name)).toEqual(['nightly CI']);
    expect(JSON.stringify(listed)).not.toContain(made.token.split('.')[3]);
    // Only the hash is stored: the secret is nowhere in app storage.
    expect(JSON.stringify(app.kvs.dump())).not.toContain(made.token.split('.')[3]);
    expect(listed.url).toMatch(/\/webtrigger\/outcome-lens-measurements$/);

    for (const user of ['member', 'viewer']) {
      expect(await settings('listTokens', {}, P, user)).toMatchObject({
        ok: false,
        error: { code: 'NOT_AUTHORIZED' },
      });
      expect(await settings('createToken', { name: 'x' }, P, user)).toMatchObject({ ok: false });
    }
    const rotated = ok<NewTokenData>(await settings('rotateToken', { id: made.summary.id }));
    expect(rotated.token).not.toBe(made.token);
    const revoked = ok<TokenSummary>(await settings('revokeToken', { id: made.summary.id }));
    expect(revoked.revokedAt).not.toBeNull();
    expect(await settings('createToken', { name: ' ' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
  });

  it('made again with the same request id (its answer lost) gives the one token a new secret, not a second token', async () => {
    const request = { name: 'nightly CI', requestId: 'make-token-0001' };
    const first = ok<NewTokenData>(await settings('createToken', request));
    // The answer never reached the page; the person presses Create again.
    const again = ok<NewTokenData>(await settings('createToken', request));
    expect(again.summary.id).toBe(first.summary.id);
    expect(again.token).not.toBe(first.token);
    expect(ok<TokensData>(await settings('listTokens', {})).tokens.map((t) => t.name)).toEqual([
      'nightly CI',
    ]);
    // The secret the person holds works; the one they never saw does not.
    const body = JSON.stringify({ metric: 'Weekly sign-ups', value: 120, at: '2026-11-29' });
    expect((await post(again.token, body)).statusCode).toBe(200);
    expect((await post(first.token, body)).statusCode).toBe(401);
    // Another name under the same request id is not this request: refused, nothing made.
    expect(await settings('createToken', { name: 'other', requestId: 'make-token-0001' })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
    expect(ok<TokensData>(await settings('listTokens', {})).tokens).toHaveLength(1);
  });
});

describe('the measurements web trigger', () => {
  it('records measurements sent with a valid token, by outcome id and by metric name, JSON or CSV', async () => {
    const { token } = await newToken('ci');
    const one = await post(
      token,
      JSON.stringify({ outcome: outcome.id, value: 38.5, at: '2026-11-01', source: 'warehouse', id: 'm-1' }),
    );
    expect(one.statusCode).toBe(200);
    expect(json(one)).toMatchObject({ ok: true, accepted: 1, duplicates: 0 });

    const csv = [
      'metric,value,at,id',
      'checkout abandonment,37,2026-11-08,m-2',
      'Checkout Abandonment,36.2,2026-11-15T09:30:00Z,m-3',
      'Time to first value,12,2026-11-15,t-1',
    ].join('\n');
    const many = await post(token, csv, 'text/csv');
    expect(many.statusCode).toBe(200);
    expect(json(many)).toMatchObject({ accepted: 3 });

    const page = ok<{ outcomes: OutcomeView[] }>(
      await app.invoke(PAGE, 'load', {}, { user: 'viewer', projectKey: P }),
    );
    const landed = page.outcomes.find((o) => o.id === outcome.id)!;
    expect(landed.measurements.map((m) => [m.at, m.value, m.id])).toEqual([
      ['2026-11-01', 38.5, 'm-1'],
      ['2026-11-08', 37, 'm-2'],
      ['2026-11-15', 36.2, 'm-3'],
    ]);
    expect(landed.measurements[0]!.source).toBe('warehouse');
    // A metric no outcome measures keeps a series of its own (an item's expected movement can name it).
    expect(app.kvs.dump().some((r) => r.key.startsWith('metric:DEMO:time-to-first-value.'))).toBe(true);
  });

  it('accepts a replayed id once: the second request changes nothing', async () => {
    const { token } = await newToken('ci');
    const body = JSON.stringify([
      { outcome: outcome.id, value: 39, at: '2026-11-01', id: 'nightly-2026-11-01' },
    ]);
    expect(json(await post(token, body))).toMatchObject({ accepted: 1, duplicates: 0 });
    const before = storedState();
    const again = await post(token, body);
    expect(again.statusCode).toBe(200);
    expect(json(again)).toMatchObject({ ok: true, accepted: 0, duplicates: 1 });
    expect(storedState()).toBe(before);
  });

  it('records every one of 20 senders posting to one outcome and one metric at once', async () => {
    const { token } = await newToken('ci');
    // A sender as HTTP clients are: a 429 is sent again once after its Retry-After. A burst may lose a rate slot
    // to a concurrent sender while slots are left (takeRateSlot refuses on the safe side): that resend finds one.
    const send = async (body: string): Promise<WebTriggerAnswer> => {
      const first = await post(token, body);
      if (first.statusCode !== 429) return first;
      const seconds = Number(first.headers['Retry-After']?.[0]);
      expect(seconds).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
      return post(token, body);
    };
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        send(
          JSON.stringify([
            { metric: 'Weekly sign-ups', value: 100 + i, at: '2026-11-01' },
            { outcome: outcome.id, value: 30 + i / 10, at: '2026-11-01' },
          ]),
        ),
      ),
    );
    expect(answers.map((a) => a.statusCode)).toEqual(Array(20).fill(200));
    const stored = ok<ProjectPageLoadData>(
      await app.invoke(PAGE, 'load', {}, { user: 'admin', projectKey: P }),
    ).outcomes[0]!;
    expect(stored.measurements).toHaveLength(20);
    const series = app.kvs.dump().find((r) => r.key.startsWith(`metric:${P}:`))?.value as {
      measurements: unknown[];
    };
    expect(series.measurements).toHaveLength(20);
  });

  it('records a measurement sent again without an id once, and a resend after a storage fault completes it', async () => {
    const { token } = await newToken('ci');
    const body = JSON.stringify([
      { outcome: outcome.id, value: 38, at: '2026-11-02', source: 'warehouse' },
      { metric: 'Weekly sign-ups', value: 120, at: '2026-11-02' },
    ]);
    // Storage fails on the second series' write: the first is stored, the sender is told to resend.
    const answer = app.kvs.handle.bind(app.kvs);
    let failed = false;
    const fault = jest.spyOn(app.kvs, 'handle').mockImplementation(async (path, init) => {
      const key =
        typeof init?.body === 'string' ? (JSON.parse(init.body) as { key?: string }).key : undefined;
      if (!failed && path === '/api/v1/set' && key?.startsWith(`metric:${P}:`)) {
        failed = true;
        return new Response(JSON.stringify({ code: 'INTERNAL_SERVER_ERROR', message: 'hiccup' }), {
          status: 500,
          headers: { 'content-type': 'application/json' },
        });
      }
      return answer(path, init);
    });
    const first = await app.invokeWebTrigger(TRIGGER, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body,
    });
    fault.mockRestore();
    expect(first.statusCode).toBe(503);
    expect(first.headers['Retry-After']).toEqual(['5']);
    const again = await post(token, body);
    expect(json(again)).toMatchObject({ ok: true, accepted: 1, duplicates: 1 });
    const twice = await post(token, body);
    expect(json(twice)).toMatchObject({ ok: true, accepted: 0, duplicates: 2 });
    const stored = ok<ProjectPageLoadData>(
      await app.invoke(PAGE, 'load', {}, { user: 'admin', projectKey: P }),
    ).outcomes[0]!;
    expect(stored.measurements.map((m) => m.value)).toEqual([38]);
  });

  it('refuses a request naming more series than it may write, whole, before writing any', async () => {
    const { token } = await newToken('ci');
    const before = storedState();
    const rows = Array.from({ length: MAX_SERIES_PER_REQUEST + 1 }, (_, i) => ({
      metric: `Metric ${i}`,
      value: i,
      at: '2026-11-01',
    }));
    const answer = await post(token, JSON.stringify(rows));
    expect(answer.statusCode).toBe(400);
    expect(json(answer).message).toMatch(`at most ${MAX_SERIES_PER_REQUEST}`);
    expect(storedState()).toBe(before);
    expect((await post(token, JSON.stringify(rows.slice(0, MAX_SERIES_PER_REQUEST)))).statusCode).toBe(200);
  });

  describe('a reading sent by a metric two outcomes measure', () => {
    async function measurementsOf(id: string): Promise<Array<[string, number]>> {
      const page = ok<ProjectPageLoadData>(
        await app.invoke(PAGE, 'load', {}, { user: 'admin', projectKey: P }),
      );
      return page.outcomes.find((o) => o.id === id)!.measurements.map((m) => [m.at, m.value]);
    }
    const readings = JSON.stringify([
      { metric: 'Checkout abandonment', value: 37, at: '2026-11-01', id: 'n-1' },
      { metric: 'checkout abandonment', value: 36, at: '2026-11-08' },
    ]);

    // Two active outcomes measure "Checkout abandonment". A reading sent by the metric's name went to the first
    // only, and the second outcome's card never moved. It should be a reading of both, counted once.
    it('is recorded on every active outcome that measures it, and counted once', async () => {
      const { token } = await newToken('ci');
      const mobile = await createOutcome(P, 'Abandonment down on mobile', 'Checkout abandonment');
      const answer = json(await post(token, readings));
      expect(answer).toMatchObject({ ok: true, accepted: 2, duplicates: 0, dropped: 0 });
      expect(answer.message).toBe('Recorded 2 measurement(s).');
      expect(answer.series).toEqual([
        expect.objectContaining({ kind: 'outcome', id: outcome.id, added: 2 }),
        expect.objectContaining({ kind: 'outcome', id: mobile.id, added: 2 }),
      ]);
      const both = [
        ['2026-11-01', 37],
        ['2026-11-08', 36],
      ];
      expect(await measurementsOf(outcome.id)).toEqual(both);
      expect(await measurementsOf(mobile.id)).toEqual(both);
      const before = storedState();
      expect(json(await post(token, readings))).toMatchObject({ accepted: 0, duplicates: 2, dropped: 0 });
      expect(storedState()).toBe(before);
    });

    // One of the two already holds a reading (sent to it by id before the second outcome measured the metric):
    // sent by name, the reading is new to the other one, so it is recorded, once.
    it('counts a reading one of them held as recorded when the other takes it', async () => {
      const { token } = await newToken('ci');
      await post(token, JSON.stringify({ outcome: outcome.id, value: 37, at: '2026-11-01', id: 'n-1' }));
      const mobile = await createOutcome(P, 'Abandonment down on mobile', 'Checkout abandonment');
      expect(json(await post(token, readings))).toMatchObject({ accepted: 2, duplicates: 0, dropped: 0 });
      expect(await measurementsOf(outcome.id)).toEqual([
        ['2026-11-01', 37],
        ['2026-11-08', 36],
      ]);
      expect(await measurementsOf(mobile.id)).toEqual([
        ['2026-11-01', 37],
        ['2026-11-08', 36],
      ]);
    });

    // An outcome archived as achieved no longer measures its metric: the reading goes to the active one only.
    it('skips an archived outcome that measured it', async () => {
      const { token } = await newToken('ci');
      const done = await createOutcome(P, 'Abandonment halved last year', 'Checkout abandonment');
      ok(
        await app.invoke(
          PAGE,
          'archiveOutcome',
          { id: done.id, version: done.version, status: 'achieved' },
          { user: 'admin', projectKey: P },
        ),
      );
      expect(json(await post(token, readings))).toMatchObject({ accepted: 2, duplicates: 0 });
      expect(await measurementsOf(outcome.id)).toHaveLength(2);
      expect(await measurementsOf(done.id)).toEqual([]);
    });
  });

  it('refuses a missing, malformed, unknown, rotated or revoked token and changes nothing', async () => {
    const made = await newToken('ci');
    const body = JSON.stringify({ outcome: outcome.id, value: 39, at: '2026-11-01' });
    const rotated = ok<NewTokenData>(await settings('rotateToken', { id: made.summary.id }));
    const before = storedState();
    const cases: Array<[string | null, RegExp]> = [
      [null, /Authorization: Bearer/],
      ['not-a-token', /no Outcome Lens token/],
      [made.token, /not valid/], // the secret before the rotation
      [`olm.DEMO.${made.summary.id}.${'A'.repeat(43)}`, /not valid/],
      [`olm.DEMO.000000000000.${made.token.split('.')[3]}`, /not valid/],
    ];
    for (const [token, message] of cases) {
      const answer = await post(token, body);
      expect(answer.statusCode).toBe(401);
      expect(answer.headers['www-authenticate'] ?? answer.headers['WWW-Authenticate']).toBeDefined();
      expect(String(json(answer).message)).toMatch(message);
    }
    ok(await settings('revokeToken', { id: made.summary.id }));
    const afterRevoke = storedState();
    const revoked = await post(rotated.token, body);
    expect(revoked.statusCode).toBe(401);
    expect(String(json(revoked).message)).toMatch(/revoked/);
    expect(storedState()).toBe(afterRevoke);
    expect(before).not.toBe(afterRevoke); // the revocation itself was stored
  });

  it("refuses another project's token for this project's outcome, and changes nothing", async () => {
    const { token: shopToken } = await newToken('shop ci', Q);
    const before = storedState();
    const answer = await post(
      shopToken,
      JSON.stringify({ outcome: outcome.id, value: 39, at: '2026-11-01' }),
    );
    expect(answer.statusCode).toBe(422);
    expect(String(json(answer).message)).toMatch(/not in this project/);
    expect(storedState()).toBe(before);
    // A forged token naming DEMO with SHOP's id and secret is unknown in DEMO.
    const [, , id, secret] = shopToken.split('.');
    expect((await post(`olm.DEMO.${id}.${secret}`, '{}')).statusCode).toBe(401);
  });

  it('refuses a malformed or out-of-range body whole, with each row at fault, and changes nothing', async () => {
    const { token } = await newToken('ci');
    const before = storedState();
    const bodies: Array<[string, string, RegExp]> = [
      ['{"outcome":', 'application/json', /not valid JSON/],
      ['', 'application/json', /empty/],
      [
        JSON.stringify({ outcome: outcome.id, value: 'lots', at: '2026-11-01' }),
        'application/json',
        /invalid/,
      ],
      [JSON.stringify({ outcome: outcome.id, value: 1e13, at: '2026-11-01' }), 'application/json', /invalid/],
      [JSON.stringify({ outcome: outcome.id, value: 3, at: '2099-01-01' }), 'application/json', /invalid/],
      [JSON.stringify({ outcome: outcome.id, value: 3, at: '2026-02-30' }), 'application/json', /invalid/],
      [
        JSON.stringify([
          { outcome: outcome.id, value: 3, at: '2026-11-01', id: 'good' },
          { value: 3, at: '2026-11-01' },
        ]),
        'application/json',
        /1 of 2 measurements are invalid/,
      ],
      ['metric,value,when\nx,1,2026-11-01', 'text/csv', /Unknown CSV column/],
      ['metric,value,at\n"x,1,2026-11-01', 'text/csv', /quoted/],
    ];
    for (const [body, type, message] of bodies) {
      const answer = await post(token, body, type);
      expect({ body, status: answer.statusCode }).toEqual({ body, status: 400 });
      expect(String(json(answer).message)).toMatch(message);
    }
    const rows = json(
      await post(token, JSON.stringify({ outcome: outcome.id, value: 1e13, at: '1999-01-01' })),
    );
    expect(rows.errors).toEqual([
      expect.objectContaining({ row: 1, field: 'value' }),
      expect.objectContaining({ row: 1, field: 'at' }),
    ]);
    expect(storedState()).toBe(before);
    expect((await app.invokeWebTrigger(TRIGGER, { method: 'GET' })).statusCode).toBe(405);
  });

  it('answers 429 with Retry-After to a token over its rate, and other tokens go on', async () => {
    const { token } = await newToken('busy');
    const { token: other } = await newToken('quiet');
    const body = (i: number) =>
      JSON.stringify({ outcome: outcome.id, value: 30 + (i % 5), at: '2026-11-01', id: `r-${i}` });
    // The window is a minute of the wall clock: start well inside one, so all requests fall in the same.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 50_000) await new Promise((r) => setTimeout(r, 60_500 - intoMinute));
    const statuses: number[] = [];
    for (let i = 0; i < TOKEN_RATE_LIMIT; i++) statuses.push((await post(token, body(i))).statusCode);
    expect(new Set(statuses)).toEqual(new Set([200]));
    const before = storedState();
    const limited = await post(token, body(999));
    expect(limited.statusCode).toBe(429);
    expect(
      Number(limited.headers['retry-after']?.[0] ?? limited.headers['Retry-After']?.[0]),
    ).toBeGreaterThan(0);
    expect(storedState()).toBe(before);
    expect((await post(other, body(1000))).statusCode).toBe(200);
  });

  it('is served over HTTP at /webtrigger/<module key> with the token as a Bearer header', async () => {
    const server: WorkbenchServer = await startWorkbenchServer(app, { port: 0, dispatchQueue: false });
    try {
      const { token } = await newToken('curl');
      const listed = ok<TokensData>(await settings('listTokens', {}));
      expect(listed.url).toBe(`${server.url}/webtrigger/${TRIGGER}`);
      const res = await fetch(listed.url!, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
        body: `outcome,value,at,id\n${outcome.id},35,2026-11-20,http-1\n`,
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ ok: true, accepted: 1 });
      const refused = await fetch(listed.url!, { method: 'POST', body: '{}' });
      expect(refused.status).toBe(401);
      expect((await fetch(`${server.url}/webtrigger/nope`, { method: 'POST' })).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});

describe("an outcome card's CSV import", () => {
  const importCsv = async (csv: string, user = 'admin', decimalMark?: ',' | '.') =>
    (await app.invoke(
      PAGE,
      'importMeasurements',
      { id: outcome.id, csv, ...(decimalMark ? { decimalMark } : {}) },
      { user, projectKey: P },
    )) as Answer<{
      ok: boolean;
      message: string;
      accepted: number;
      duplicates: number;
      errors: unknown[];
    }>;

  it('records past measurements once, refuses rows of another series whole, and only for outcome editors', async () => {
    const csv = 'value,at,id\n41,2026-09-01,h-1\n40,2026-10-01,h-2\n';
    expect(ok(await importCsv(csv))).toMatchObject({ ok: true, accepted: 2, duplicates: 0 });
    const before = storedState();
    expect(ok(await importCsv(csv))).toMatchObject({ ok: true, accepted: 0, duplicates: 2 });
    expect(ok(await importCsv('metric,value,at\nSomething else,3,2026-10-02\n'))).toMatchObject({
      ok: false,
      accepted: 0,
      message: expect.stringMatching(/another series/),
    });
    expect(ok(await importCsv('value,at\nmany,2026-10-02\n'))).toMatchObject({ ok: false, accepted: 0 });
    expect(await importCsv(csv, 'viewer')).toMatchObject({ ok: false, error: { code: 'NOT_AUTHORIZED' } });
    expect(storedState()).toBe(before);
  });

  it("takes a metric column that spells the outcome's accented metric with a combining accent as the same series", async () => {
    const cafe = await createOutcome(P, 'More café visits', 'Café visits per week');
    // "é" as "e" and U+0301, as some spreadsheets and exports write it (Unicode's decomposed form).
    const decomposed = 'Cafe\u0301 visits per week';
    expect(decomposed).not.toBe('Café visits per week');
    const answer = await app.invoke(
      PAGE,
      'importMeasurements',
      { id: cafe.id, csv: `metric,value,at\n${decomposed},12,2026-10-02\n` },
      { user: 'admin', projectKey: P },
    );
    expect(ok(answer)).toMatchObject({ ok: true, accepted: 1 });
  });

  it('refuses a file over 512 KB as its bytes count, as the card says, whatever its characters', async () => {
    // 300,000 characters, each two bytes in UTF-8: 600,000 bytes, over the card's 512 KB, under 512 Ki characters.
    const source = 'é'.repeat(300_000);
    const tooLarge = `value,at,source\n41,2026-09-01,${source}\n`;
    expect(tooLarge.length).toBeLessThan(512 * 1024);
    const before = storedState();
    expect(await importCsv(tooLarge)).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', fields: { csv: expect.stringMatching(/too large.*512 KB/) } },
    });
    expect(storedState()).toBe(before);
  });

  it('reads values with the person’s decimal mark, and a file whose header is separated by ";" by that', async () => {
    const values = async () =>
      ok<{ outcomes: OutcomeView[] }>(await app.invoke(PAGE, 'load', {}, { user: 'admin', projectKey: P }))
        .outcomes.find((o) => o.id === outcome.id)!
        .measurements.map((m) => [m.id, m.value]);
    // A German spreadsheet's export: ";" between fields, "," before the decimals.
    expect(
      ok(await importCsv('value;at;id\n12,5;2026-09-01;de-1\n1.200,75;2026-09-02;de-2\n', 'admin', ',')),
    ).toMatchObject({
      ok: true,
      accepted: 2,
    });
    // The same mark in a comma-separated file, where such a value is quoted.
    expect(ok(await importCsv('value,at,id\n"13,5",2026-09-03,de-3\n', 'admin', ','))).toMatchObject({
      ok: true,
      accepted: 1,
    });
    // A decimal point, for a person who writes one, also in a file separated by ";".
    expect(ok(await importCsv('value;at;id\n14.5;2026-09-04;en-1\n', 'admin', '.'))).toMatchObject({
      ok: true,
      accepted: 1,
    });
    expect(await values()).toEqual([
      ['de-1', 12.5],
      ['de-2', 1200.75],
      ['de-3', 13.5],
      ['en-1', 14.5],
    ]);
    // Text that is no number is still refused, whatever the mark; a mark other than "," or "." is no mark.
    expect(ok(await importCsv('value;at\nviel;2026-09-05\n', 'admin', ','))).toMatchObject({
      ok: false,
      errors: [expect.objectContaining({ field: 'value' })],
    });
    expect(
      await app.invoke(
        PAGE,
        'importMeasurements',
        { id: outcome.id, csv: 'value,at\n1,2026-09-05\n', decimalMark: ';' },
        { user: 'admin', projectKey: P },
      ),
    ).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });
});
