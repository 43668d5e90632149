/**
 * The day's start of the scan through the manifest's own scheduled triggers, as Forge runs them: each firing
 * stopped at its function's `timeoutSeconds` (55 s when absent), never retried, and the hourly
 * `outcome-lens-scan-resume` completing what the daily `outcome-lens-daily-scan` could not: a project listing
 * Jira refused, pushes Forge refused (5xx, 429 with no minute left), answered in part (202,
 * PartialSuccessError), or cut short when Forge stopped the daily firing. Every project in use gets one run that
 * day, none two. Time limits are shrunk with the workbench's `timeScale`, so "900 s" passes in seconds.
 */
import { kvs } from '@forge/kvs';
import type { ScanRunSummary } from '../../src/contract/scan';
import { emptyLens, ISSUE_PROPERTY_KEY } from '../../src/domain/issue-lens';
import { keys } from '../../src/storage/keys';
import { listAll } from '../../src/storage/kv';
import { listRunSummaries } from '../../src/storage/scan-state';
import { saveSettings } from '../../src/storage/settings';
import { createWorkbenchApp, type WorkbenchApp } from '../../workbench/app';
import { runInInvocation } from '../../workbench/forge/runtime';
import type { JiraRequest } from '../../workbench/jira/types';

const DAILY = 'outcome-lens-daily-scan';
const RESUME = 'outcome-lens-scan-resume';
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

let app: WorkbenchApp | undefined;
afterEach(() => {
  app?.close();
  app = undefined;
});

/** How far the workbench's clock (storage expiry, the app's runs) is ahead of the real one. */
let clockOffsetMs = 0;
const moveClock = (ms: number) => (clockOffsetMs += ms);

/** A workbench whose Forge time limits pass `timeScale` times as fast (0.01: a 900 s limit is 9 s). */
function newApp(timeScale: number): WorkbenchApp {
  clockOffsetMs = 0;
  app = createWorkbenchApp({
    dataFile: ':memory:',
    limits: { timeScale },
    now: () => new Date(Date.now() + clockOffsetMs),
  });
  return app;
}

function system<T>(fn: () => Promise<T>): Promise<T> {
  return runInInvocation(
    { accountId: null, moduleKey: 'scan-start-test', installContext: app!.installContext },
    fn,
  );
}

/** Fires a scheduled trigger of manifest.yml (then the queue is drained); a firing Forge stopped says so. */
async function fire(key: string): Promise<{ ok: boolean; error?: string }> {
  try {
    await app!.runScheduledTrigger(key);
    return { ok: true };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

/** `count` projects with settings saved (in use without a probe), keys S00, S01, ... */
async function projectsWithSettings(count: number): Promise<string[]> {
  const projects = Array.from({ length: count }, (_, i) => `S${String(i).padStart(2, '0')}`);
  for (const key of projects) app!.jira.store.createProject({ key, name: `Project ${key}` });
  await system(async () => {
    for (const key of projects) await saveSettings(key, {}, 0);
  });
  return projects;
}

/** A project in use only through an issue's lens (no settings). */
function lensedProject(key: string): void {
  const issue = app!.jira.store.createIssue({
    projectKey: key,
    type: 'Story',
    summary: 'Shoppers abandon carts because shipping costs surprise them',
    created: ago(20),
    updated: ago(1),
  });
  app!.jira.store.setIssueProperty(issue.key, ISSUE_PROPERTY_KEY, emptyLens());
}

const runsOf = async (key: string) =>
  (await system(() => listRunSummaries(key, 10))) as unknown as ScanRunSummary[];

/** How many runs each project has: every project should have exactly one finished run. */
async function runCounts(projects: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const key of projects) out[key] = (await runsOf(key)).map((r) => r.status).join(',') || 'none';
  return out;
}
const oneFinishedRunEach = (projects: string[]) =>
  Object.fromEntries(projects.map((key) => [key, 'finished']));

/** What is left of the day's start for the hourly resume. */
const pendingStarts = () => system(() => listAll<Record<string, unknown>>('scan-start:pending'));
const claimOf = (key: string) => system(() => kvs.get<{ runId?: string }>(keys.scanScheduled(key)));

/** The hourly resume runs without fault and leaves every project one finished run and nothing pending. */
async function expectResumeToFinishEveryRun(projects: string[]): Promise<void> {
  expect(await fire(RESUME)).toEqual({ ok: true });
  expect(await runCounts(projects)).toEqual(oneFinishedRunEach(projects));
  expect(await pendingStarts()).toEqual([]);
}

describe('the hourly resume after a quota 429 on the daily listing', () => {
  it('lists and probes within its own time limit, and successive resumes start every project in use', async () => {
    // At 1/250: the resume's 900 s pass in 3.6 s (its old default, 55 s, in 220 ms).
    newApp(0.004);
    expect(app!.timeoutSecondsOf(app!.module(RESUME))).toBe(900);
    const projects = Array.from({ length: 200 }, (_, i) => `L${String(i).padStart(3, '0')}`);
    for (const key of projects) app!.jira.store.createProject({ key, name: `Project ${key}` });
    // Ten projects used only through issue lenses, spread over the site, and one with settings.
    const lensed = projects.filter((_, i) => i % 20 === 7);
    lensed.forEach(lensedProject);
    await system(() => saveSettings('L000', {}, 0));
    // A slow site: each probe takes 150 ms, so eight side by side probe about 50 projects a second and the
    // 199 probes take about four seconds: more than one resume's share of its time.
    app!.jira.faults.inject({
      kind: 'latency',
      ms: 150,
      match: { pathIncludes: '/rest/api/3/search/jql', bodyIncludes: 'hasHypothesis IS NOT EMPTY' },
    });
    const probed: string[] = [];
    const handle = app!.jira.handle.bind(app!.jira);
    app!.jira.handle = (req: JiraRequest) => {
      const jql = req.path.startsWith('/rest/api/3/search/jql')
        ? (JSON.parse(req.body ?? '{}') as { jql?: string }).jql
        : undefined;
      const key = jql ? /^project = "([A-Z0-9_]+)" AND hasHypothesis/.exec(jql)?.[1] : undefined;
      if (key) probed.push(key);
      return handle(req);
    };
    // The daily firing's listing meets the hourly quota: only the project with settings starts.
    app!.jira.faults.inject({
      kind: 'rate-limit',
      retryAfterSeconds: 1800,
      times: 1,
      match: { pathIncludes: '/rest/api/3/project/search' },
    });

    expect(await fire(DAILY)).toEqual({ ok: true });
    expect(await runCounts(['L000', ...lensed])).toEqual({
      ...Object.fromEntries(lensed.map((key) => [key, 'none'])),
      L000: 'finished',
    });
    expect(await pendingStarts()).toHaveLength(1);

    const firings: Array<{ ok: boolean; error?: string }> = [];
    for (let hour = 0; hour < 8 && (await pendingStarts()).length > 0; hour++)
      firings.push(await fire(RESUME));

    // No resume was stopped at its limit; more than one was needed, each going on where the last stopped.
    expect(firings).toEqual(firings.map(() => ({ ok: true })));
    expect(firings.length).toBeGreaterThan(1);
    expect(await pendingStarts()).toEqual([]);
    expect(await runCounts(['L000', ...lensed])).toEqual(oneFinishedRunEach(['L000', ...lensed]));
    expect(probed.filter((key, i) => probed.indexOf(key) !== i)).toEqual([]);
    expect(projects.filter((key) => key !== 'L000' && !probed.includes(key))).toEqual([]);
  });
});

describe('the daily firing whose probing is cut short', () => {
  it('leaves the projects it did not probe to the resume, which starts each in use once', async () => {
    newApp(0.01);
    const projects = ['A1', 'B1', 'C1', 'D1'];
    for (const key of projects) {
      app!.jira.store.createProject({ key, name: `Project ${key}` });
      lensedProject(key);
    }
    // One probe meets Jira's rate limit: the daily firing probes no further.
    app!.jira.faults.inject({
      kind: 'rate-limit',
      retryAfterSeconds: 30,
      times: 1,
      match: { pathIncludes: '/rest/api/3/search/jql', bodyIncludes: 'hasHypothesis IS NOT EMPTY' },
    });

    expect(await fire(DAILY)).toEqual({ ok: true });
    expect(Object.values(await runCounts(projects)).filter((s) => s === 'none')).toHaveLength(1);
    expect(await pendingStarts()).toHaveLength(1);

    await expectResumeToFinishEveryRun(projects);
  });

  it('has the resume probe from the first project when the daily probing began past it', async () => {
    newApp(0.01);
    const projects = Array.from({ length: 20 }, (_, i) => `A${String(i).padStart(2, '0')}`);
    for (const key of projects) {
      app!.jira.store.createProject({ key, name: `Project ${key}` });
      lensedProject(key);
    }
    // Yesterday's firing stopped at A10: today's probes from there, round to A09.
    await system(() => kvs.set(keys.scanProbeNext, { key: 'A10' }));
    app!.jira.faults.inject({
      kind: 'rate-limit',
      retryAfterSeconds: 30,
      times: 1,
      match: { pathIncludes: '/rest/api/3/search/jql', bodyIncludes: 'hasHypothesis IS NOT EMPTY' },
    });

    expect(await fire(DAILY)).toEqual({ ok: true });
    await expectResumeToFinishEveryRun(projects);
  });
});

describe('the daily firing whose pushes Forge refuses', () => {
  it('keeps the claims of a push answered 503 under its pending run ids, and the resume starts them', async () => {
    newApp(0.01);
    const projects = await projectsWithSettings(60);
    // The first push (50 projects) is answered 503 (@forge/events InternalServerError): some may be queued.
    app!.queue.injectDelivery({ refusePushes: { count: 1, status: 503 } });

    expect(await fire(DAILY)).toEqual({ ok: true });
    const counts = await runCounts(projects);
    const notStarted = projects.filter((key) => counts[key] === 'none');
    expect(notStarted).toHaveLength(50);
    const pending = await pendingStarts();
    expect(pending).toHaveLength(1);
    // Their claims name the run ids the resume pushes: a second firing now does not start them again.
    const unpushed = pending[0]!.value.unpushed as Record<string, string>;
    for (const key of notStarted) expect(await claimOf(key)).toMatchObject({ runId: unpushed[key] });

    await expectResumeToFinishEveryRun(projects);
  });

  it('keeps a second firing within the window from the projects of a push answered 500, and the resume starts each once', async () => {
    newApp(0.01);
    const projects = await projectsWithSettings(60);
    app!.queue.injectDelivery({ refusePushes: { count: 1, status: 500 } });
    expect(await fire(DAILY)).toEqual({ ok: true });
    // The schedule fires again (at least once): what the first pushed with no answer stays claimed by it.
    expect(await fire(DAILY)).toEqual({ ok: true });
    expect(Object.values(await runCounts(projects)).filter((s) => s === 'none')).toHaveLength(50);

    await expectResumeToFinishEveryRun(projects);
  });

  it('does not start again, past the firing window, what a second firing started after the first was refused', async () => {
    newApp(0.01);
    const projects = await projectsWithSettings(60);
    // The first push is refused whole (429, no minute left to wait): its 50 projects are given back and pending.
    app!.queue.injectDelivery({ refusePushes: { count: 1, status: 429 } });
    expect(await fire(DAILY)).toEqual({ ok: true });
    expect(await fire(DAILY)).toEqual({ ok: true });
    expect(await runCounts(projects)).toEqual(oneFinishedRunEach(projects));

    // The resume fires after the second firing's claims ran out: the first one's run ids are not pushed.
    moveClock(40 * 60_000);
    await expectResumeToFinishEveryRun(projects);
  });

  it('keeps only the events a partial success (202) names as not recorded, and the resume pushes those', async () => {
    newApp(0.01);
    const projects = await projectsWithSettings(60);
    app!.queue.injectDelivery({ partialPushes: { count: 1, failedIndexes: [0, 7, 13] } });

    expect(await fire(DAILY)).toEqual({ ok: true });
    const counts = await runCounts(projects);
    const refused = projects.filter((key) => counts[key] === 'none');
    expect(refused).toEqual(['S00', 'S07', 'S13']);
    for (const key of refused) expect(await claimOf(key)).toBeUndefined();
    // The accepted ones keep their claim: a second firing now would not start them again.
    expect(await claimOf('S01')).toMatchObject({ runId: (await runsOf('S01'))[0]!.runId });

    await expectResumeToFinishEveryRun(projects);
  });

  it('pushes again, under the same run ids, a push answered in part without naming which events failed', async () => {
    newApp(0.01);
    const projects = await projectsWithSettings(60);
    // 49 of the first push's 50 events are queued, but the 202 does not say which.
    app!.queue.injectDelivery({ partialPushes: { count: 1, failedIndexes: [3], named: false } });

    expect(await fire(DAILY)).toEqual({ ok: true });
    expect(Object.values(await runCounts(projects)).filter((s) => s === 'none')).toHaveLength(1);

    // The 49 queued meet a copy of their first event, which starts nothing: one run each.
    await expectResumeToFinishEveryRun(projects);
  });

  it('keeps a second firing from starting again the runs a 202 naming no failed event may have queued', async () => {
    newApp(0.01);
    const projects = await projectsWithSettings(60);
    app!.queue.injectDelivery({ partialPushes: { count: 1, failedIndexes: [3], named: false } });

    expect(await fire(DAILY)).toEqual({ ok: true });
    expect(await fire(DAILY)).toEqual({ ok: true });
    const counts = await runCounts(projects);
    expect(Object.values(counts).filter((s) => s === 'none')).toHaveLength(1);
    expect(Object.values(counts).filter((s) => s !== 'none' && s !== 'finished')).toEqual([]);

    await expectResumeToFinishEveryRun(projects);
  });

  it('does not wait for the next minute past its time after a 429, and leaves the rest to the resume', async () => {
    // At 1/100 the daily firing has 9 s: Forge's minute of 500 events does not fit.
    newApp(0.01);
    const projects = await projectsWithSettings(60);
    app!.queue.injectDelivery({ refusePushes: { count: 1, status: 429 } });

    expect(await fire(DAILY)).toEqual({ ok: true });
    expect(Object.values(await runCounts(projects)).filter((s) => s === 'none')).toHaveLength(60);
    for (const key of projects) expect(await claimOf(key)).toBeUndefined();

    await expectResumeToFinishEveryRun(projects);
  });

  it('leaves what it was pushing when Forge stopped it written down, and the resume pushes it once', async () => {
    // At 1/500 the daily firing has 1.8 s; its first push takes 4 s and lands after Forge stopped it.
    newApp(0.002);
    const projects = await projectsWithSettings(60);
    app!.queue.injectDelivery({ slowPushes: { count: 1, ms: 4_000 } });

    const daily = await fire(DAILY);
    expect(daily).toMatchObject({
      ok: false,
      error: expect.stringContaining('FUNCTION_TIME_OUT') as unknown,
    });
    expect(await pendingStarts()).toHaveLength(1);
    // The push in flight lands; the record's holder is past its time (and a call in flight's second).
    await new Promise((resolve) => setTimeout(resolve, 4_500));

    await expectResumeToFinishEveryRun(projects);
  });
});

describe('the hourly resume over the records of several firings', () => {
  it('pushes the runs each record left, whatever the other records started', async () => {
    newApp(0.01);
    const projects = await projectsWithSettings(4);
    await system(async () => {
      const at = Date.now();
      const record = (value: Record<string, unknown>) => ({
        list: false,
        probeFrom: null,
        busyUntil: 0,
        ...value,
      });
      // Two firings side by side: each claimed one project (its push refused) and found the other's claimed.
      await kvs.set('scan-start:pending:a', record({ at, started: ['S01'], unpushed: { S02: 'run-a-s02' } }));
      await kvs.set('scan-start:pending:b', record({ at, started: ['S02'], unpushed: { S01: 'run-b-s01' } }));
      // Yesterday's record, which started S03 then, beside today's, which could not push it.
      await kvs.set(
        'scan-start:pending:old',
        record({ at: at - 20 * 3_600_000, started: ['S03'], unpushed: {} }),
      );
      await kvs.set(
        'scan-start:pending:today',
        record({ at, started: ['S00'], unpushed: { S03: 'run-t-s03' } }),
      );
    });

    expect(await fire(RESUME)).toEqual({ ok: true });
    expect(await runCounts(projects)).toEqual({ ...oneFinishedRunEach(projects), S00: 'none' });
    expect(await pendingStarts()).toEqual([]);
  });
});

describe('the pending record of a large site', () => {
  it('is written in parts of a bounded size, which the resume takes up as one and writes back whole', async () => {
    newApp(0.05);
    const projects = Array.from({ length: 1_200 }, (_, i) => `P${String(i).padStart(4, '0')}`);
    for (const key of projects) app!.jira.store.createProject({ key, name: `Project ${key}` });
    await system(async () => {
      for (const key of projects) await saveSettings(key, {}, 0);
    });
    const unpushedOf = (parts: Array<{ value: Record<string, unknown> }>) =>
      parts.flatMap(({ value }) => Object.keys((value.unpushed ?? {}) as Record<string, string>)).sort();
    const expectBoundedParts = (parts: Array<{ value: Record<string, unknown> }>) => {
      for (const { value } of parts) {
        expect(Object.keys((value.unpushed ?? {}) as Record<string, string>).length).toBeLessThanOrEqual(500);
        expect(JSON.stringify(value).length).toBeLessThan(60_000);
      }
    };

    // Every push is refused (429, no minute left to wait): all 1,200 runs are left pending.
    app!.queue.injectDelivery({ refusePushes: { count: 1, status: 429 } });
    expect(await fire(DAILY)).toEqual({ ok: true });
    const parts = await pendingStarts();
    expect(parts.length).toBeGreaterThanOrEqual(3);
    expectBoundedParts(parts);
    expect(unpushedOf(parts)).toEqual(projects);

    // The resume's pushes are refused too: it writes back every run, in parts, under the same run ids.
    const runIds = Object.assign({}, ...parts.map(({ value }) => value.unpushed)) as Record<string, string>;
    app!.queue.injectDelivery({ refusePushes: { count: 1, status: 429 } });
    expect(await fire(RESUME)).toEqual({ ok: true });
    const after = await pendingStarts();
    expectBoundedParts(after);
    expect(Object.assign({}, ...after.map(({ value }) => value.unpushed))).toEqual(runIds);
  });
});
