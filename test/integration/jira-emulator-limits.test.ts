/**
 * Time and rate limits in the Jira emulator, seen through the real @forge/api: calls take time and interleave,
 * the app's points quota counts down in the headers, bursts and per-issue writes are refused with 429 and
 * Retry-After, and everything recovers once the window has passed. The rate-limit clock is a fake one here.
 */
import { asApp, asUser, route } from '@forge/api';
import { createJiraHttpHandler } from '../../workbench/jira/http';
import { createWorkbenchApp } from '../../workbench/app';
import { TEST_LATENCY_SCALE, type LatencyInput } from '../../workbench/jira/latency';
import type { RateLimitInput } from '../../workbench/jira/rate-limits';
import { createWorkbench, PROJECT_KEY, USERS, type Workbench } from '../support/workbench-harness';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { openDatabase } from '../../workbench/db';
import { JiraEmulator } from '../../workbench/jira/emulator';
import { fastestAsyncRunMs } from '../support/timing';

let wb: Workbench | null = null;
/** The open workbench of this test. */
const bench = (): Workbench => {
  if (!wb) throw new Error('open() a workbench first');
  return wb;
};
/** The rate limiter's clock: 30 minutes into an hour, so the quota window resets in 1800 s. */
let limitClock: number;
const HOUR_START = Date.parse('2026-03-02T10:00:00.000Z');

function open(options: { rateLimits?: RateLimitInput; latency?: LatencyInput } = {}): void {
  limitClock = HOUR_START + 30 * 60 * 1000;
  const rateLimits =
    options.rateLimits === 'off' ? 'off' : { ...options.rateLimits, clock: () => limitClock };
  wb = createWorkbench({ rateLimits, ...(options.latency ? { latency: options.latency } : {}) });
  for (let i = 0; i < 3; i++) wb.jira.store.createIssue({ projectKey: PROJECT_KEY, summary: `Bet ${i + 1}` });
}

afterEach(() => {
  wb?.dispose();
  wb = null;
});

const getIssue = (key: string) =>
  bench().asSystem(() => asApp().requestJira(route`/rest/api/3/issue/${key}`));
const search = () =>
  bench().asSystem(() =>
    asApp().requestJira(route`/rest/api/3/search/jql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jql: `project = ${PROJECT_KEY}`, fields: ['summary'] }),
    }),
  );
/** Writes the counter property as the app, or as the user `as`. */
const putProperty = (key: string, value: unknown, as?: string) => {
  const send = (requester: typeof asApp) =>
    requester().requestJira(route`/rest/api/3/issue/${key}/properties/counter`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(value),
    });
  return as === undefined
    ? bench().asSystem(() => send(asApp))
    : bench().asUser(as, () => send(() => asUser()));
};
const getProperty = (key: string) =>
  bench().asSystem(() => asApp().requestJira(route`/rest/api/3/issue/${key}/properties/counter`));

const remaining = (res: { headers: { get(name: string): string | null } }) =>
  Number(res.headers.get('x-ratelimit-remaining'));

describe('Jira emulator: the points quota', () => {
  it('announces the quota on every answer and counts it down: base per call, plus objects returned on reads', async () => {
    open({ rateLimits: { quotaPoints: 1000 } });

    const first = await getIssue('OL-1');
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ratelimit-limit')).toBe('1000');
    expect(first.headers.get('x-ratelimit-reset')).toBe('2026-03-02T11:00:00.000Z');
    expect(first.headers.get('x-ratelimit-nearlimit')).toBe('false');
    expect(first.headers.get('beta-ratelimit-policy')).toBe('"jira-quota-tenant-based";q=1000;w=3600');
    expect(remaining(first)).toBe(1000 - 2); // 1 base + 1 issue

    const found = await search();
    expect(((await found.json()) as { issues: unknown[] }).issues).toHaveLength(3);
    expect(remaining(found)).toBe(998 - 4); // 1 base + 3 issues

    const written = await putProperty('OL-1', { n: 1 });
    expect(written.status).toBe(201);
    expect(remaining(written)).toBe(994 - 1); // a write costs the base only

    // Acting as a user spends the same app quota on this site.
    const asMember = await putProperty('OL-1', { n: 2 }, USERS.member);
    expect(asMember.status).toBe(200);
    expect(remaining(asMember)).toBe(993 - 1);
    expect(bench().jira.calls.map((c) => c.status)).toEqual([200, 200, 201, 200]);
  });

  it('refuses with 429, Retry-After until the hour ends and the reason, then lets calls through in the next hour', async () => {
    open({ rateLimits: { quotaPoints: 6 } });
    expect((await getIssue('OL-1')).status).toBe(200); // 2 points
    expect((await search()).status).toBe(200); // 4 points: none left
    const refused = await getIssue('OL-1');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1800');
    expect(refused.headers.get('ratelimit-reason')).toBe('jira-quota-tenant-based');
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(refused.headers.get('x-ratelimit-nearlimit')).toBe('true');
    // A refused call costs nothing and changes nothing.
    expect((await putProperty('OL-1', { n: 1 })).status).toBe(429);
    expect(bench().jira.store.getIssueProperty('OL-1', 'counter')).toBeUndefined();

    limitClock = HOUR_START + 60 * 60 * 1000;
    const nextHour = await getIssue('OL-1');
    expect(nextHour.status).toBe(200);
    expect(remaining(nextHour)).toBe(4);
    expect(nextHour.headers.get('x-ratelimit-reset')).toBe('2026-03-02T12:00:00.000Z');
  });

  it('charges a call whose answer was lost after Jira carried it out, and refuses it unmade once the quota is spent', async () => {
    open({ rateLimits: { quotaPoints: 5 } });
    // A gateway error before the work reaches Jira costs nothing.
    bench().jira.faults.inject({ kind: 'server-error', status: 503, times: 1 });
    expect((await putProperty('OL-1', { n: 1 })).status).toBe(503);
    expect(bench().jira.store.getIssueProperty('OL-1', 'counter')).toBeUndefined();
    expect(remaining(await getIssue('OL-1'))).toBe(5 - 2);

    // The work done and its answer lost: the store changed and the quota paid for it.
    bench().jira.faults.inject({ kind: 'server-error', status: 502, applied: true, times: 1 });
    expect((await putProperty('OL-1', { n: 2 })).status).toBe(502);
    expect(bench().jira.store.getIssueProperty('OL-1', 'counter')).toEqual({ n: 2 });
    expect(remaining(await getIssue('OL-1'))).toBe(0); // 1 for the write, 2 for this read

    // With nothing left the call is refused before it is made, whatever would have happened to its answer.
    bench().jira.faults.inject({ kind: 'server-error', status: 502, applied: true, times: 1 });
    expect((await putProperty('OL-1', { n: 3 })).status).toBe(429);
    expect(bench().jira.store.getIssueProperty('OL-1', 'counter')).toEqual({ n: 2 });
  });

  it('keeps a person’s REST client (Basic auth) out of the app’s quota', async () => {
    open({ rateLimits: { quotaPoints: 100 } });
    const server = http.createServer(
      createJiraHttpHandler(bench().jira, (name) => (name === 'ada' ? USERS.admin : null)),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/rest/api/3/issue/OL-1`, {
        headers: { authorization: `Basic ${Buffer.from('ada:x').toString('base64')}` },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ratelimit-remaining')).toBe('98');
      expect(remaining(await getIssue('OL-1'))).toBe(98); // the app's own bucket, untouched by the client
      expect(remaining(await getIssue('OL-1'))).toBe(96);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('sends no rate-limit headers and refuses nothing when the limits are off', async () => {
    open({ rateLimits: 'off' });
    const res = await getIssue('OL-1');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-ratelimit-remaining')).toBeNull();
  });
});

describe('Jira emulator: burst and per-issue write limits', () => {
  it('refuses a burst past an endpoint’s limit for a second, then lets calls through again', async () => {
    open({ rateLimits: { burstEndpoints: { 'GET /issue/{issueIdOrKey}': 3 } } });
    for (let i = 0; i < 3; i++) expect((await getIssue('OL-1')).status).toBe(200);
    const refused = await getIssue('OL-2');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('ratelimit-reason')).toBe('jira-burst-based');
    expect(refused.headers.get('retry-after')).toBe('1');
    // Another endpoint has its own burst allowance.
    expect((await search()).status).toBe(200);

    limitClock += 1000;
    expect((await getIssue('OL-2')).status).toBe(200);
  });

  it('refuses writes to one issue past 20 in 2 seconds, whoever writes, while other issues and reads go on', async () => {
    open();
    for (let i = 0; i < 10; i++) expect((await putProperty('OL-1', { n: i })).status).toBeLessThan(300);
    // The same issue by its id, and as a user: still the same issue.
    const id = bench().jira.store.getIssue('OL-1')!.id;
    for (let i = 0; i < 10; i++)
      expect((await putProperty(String(id), { n: 10 + i }, USERS.member)).status).toBeLessThan(300);

    const refused = await putProperty('OL-1', { n: 99 });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('ratelimit-reason')).toBe('jira-per-issue-on-write');
    expect(refused.headers.get('retry-after')).toBe('2');
    expect(((await (await getProperty('OL-1')).json()) as { value: unknown }).value).toEqual({ n: 19 });
    expect((await putProperty('OL-2', { n: 1 })).status).toBe(201);

    limitClock += 2000;
    expect((await putProperty('OL-1', { n: 100 })).status).toBe(200);
  });

  it('also holds 100 writes to one issue per 30 seconds', async () => {
    open({ rateLimits: { burstWritesPerSecond: 1000 } });
    for (let i = 0; i < 100; i++) {
      limitClock += 150; // 20 writes every 3 s: under the 2-second rule
      expect((await putProperty('OL-1', { n: i })).status).toBeLessThan(300);
    }
    const refused = await putProperty('OL-1', { n: 100 });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('ratelimit-reason')).toBe('jira-per-issue-on-write');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(2);
  });
});

describe('Jira emulator: latency', () => {
  /**
   * Two writers each read the counter, add one and write it back; the second starts a moment (one turn of the
   * event loop) after the first, as two people saving a panel a moment apart.
   */
  async function twoIncrementsAMomentApart(): Promise<{ final: unknown; order: string[] }> {
    expect((await putProperty('OL-1', 0)).status).toBe(201);
    const mark = bench().jira.calls.length;
    const increment = async () => {
      const read = (await (await getProperty('OL-1')).json()) as { value: number };
      expect((await putProperty('OL-1', read.value + 1)).status).toBe(200);
    };
    const first = increment();
    await new Promise((resolve) => setImmediate(resolve));
    await Promise.all([first, increment()]);
    const final = ((await (await getProperty('OL-1')).json()) as { value: unknown }).value;
    return {
      final,
      order: bench()
        .jira.calls.slice(mark)
        .map((c) => c.method),
    };
  }

  it('interleaves two read-modify-write sequences a moment apart: both read before either writes, one update is lost', async () => {
    open({ latency: { scale: 0.2 } });
    const { final, order } = await twoIncrementsAMomentApart();
    expect(order).toEqual(['GET', 'GET', 'PUT', 'PUT', 'GET']);
    expect(final).toBe(1);
  });

  it('with latency off runs them one after the other, as the emulator did before the model', async () => {
    // Nothing is waited out: the fastest of three runs, each on a fresh workbench, so one stall of the machine
    // does not fail it.
    const ms = await fastestAsyncRunMs(async () => {
      wb?.dispose();
      open({ latency: 'off' });
      const { order, final } = await twoIncrementsAMomentApart();
      expect(order).toEqual(['GET', 'PUT', 'GET', 'PUT', 'GET']);
      expect(final).toBe(2);
    });
    expect(ms).toBeLessThan(200);
  });

  it('takes a base per endpoint plus a cost per object returned', async () => {
    open({ rateLimits: 'off', latency: 'off' });
    await getIssue('OL-1'); // warm up
    bench().jira.latency.configure({
      scale: 1,
      jitter: 0,
      readMs: 10,
      endpointMs: { 'POST /search/jql': 40 },
      perObjectMs: 20,
    });
    // Timers may fire up to a millisecond early: 2 ms of slack for the two waits of a call.
    let started = Date.now();
    await getIssue('OL-1');
    expect(Date.now() - started).toBeGreaterThanOrEqual(10 + 1 * 20 - 2);
    started = Date.now();
    await search();
    expect(Date.now() - started).toBeGreaterThanOrEqual(40 + 3 * 20 - 2);
  });

  it('changes the store part-way through a call: after the wait before, and before the answer', async () => {
    open({
      rateLimits: 'off',
      latency: {
        scale: 1,
        jitter: 0,
        beforeShare: 0.5,
        endpointMs: { 'PUT /issue/{issueIdOrKey}/properties/{propertyKey}': 200 },
      },
    });
    const started = Date.now();
    const write = putProperty('OL-1', { n: 1 });
    let answered = false;
    void write.then(() => (answered = true));
    // Look every few ms: a busy machine makes every timer late, never early, so the order below holds.
    while (bench().jira.store.getIssueProperty('OL-1', 'counter') === undefined) {
      expect(answered).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(100 - 2);
    expect(answered).toBe(false);
    expect((await write).status).toBe(201);
  });
});

describe('the workbench app', () => {
  it('runs Jira at the test scale under jest and at the realistic model with its rate limits otherwise', () => {
    const underJest = createWorkbenchApp({ dataFile: ':memory:' });
    try {
      expect(underJest.jira.timing).toEqual({ latencyScale: TEST_LATENCY_SCALE, rateLimits: true });
    } finally {
      underJest.close();
    }
    const worker = process.env.JEST_WORKER_ID;
    delete process.env.JEST_WORKER_ID;
    try {
      const started = createWorkbenchApp({ dataFile: ':memory:' });
      expect(started.jira.timing).toEqual({ latencyScale: 1, rateLimits: true });
      started.close();
    } finally {
      process.env.JEST_WORKER_ID = worker;
    }
  });
});

describe('Jira emulator: a virtual latency clock', () => {
  it('adds each call’s modelled delay to modelledMs instead of waiting it out', async () => {
    const jira = new JiraEmulator(openDatabase(':memory:'), {
      latency: { scale: 1, jitter: 0, readMs: 10_000, perObjectMs: 0 },
      latencyClock: 'virtual',
    });
    jira.store.createProject({ key: 'VC', name: 'Virtual clock' });
    jira.store.createIssue({ projectKey: 'VC', summary: 'One', type: 'Story' });
    const started = Date.now();
    const res = await jira.handle({ method: 'GET', path: '/rest/api/3/issue/VC-1', actor: { type: 'app' } });
    expect(res.status).toBe(200);
    expect(jira.modelledMs).toBe(10_000);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
