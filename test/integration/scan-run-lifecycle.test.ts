/**
 * A run's life across invocations, as Forge and Jira hold it: a run that lasts hours reads what changed as surely
 * as a quick one, a first invocation Forge stops leaves one summary that ends, "Scan now" answers from who holds
 * the project's lease, and a daily firing that meets a quota 429 still starts the day's scans.
 */
import { ISSUE_PROPERTY_KEY, readLens } from '../../src/domain/issue-lens';
import type { ScanRunSummary } from '../../src/contract/scan';
import { createScanConsumer } from '../../src/scan/consumer';
import { SCAN_QUEUE } from '../../src/scan/queue';
import { LEASE_TTL_MS, type RunOptions } from '../../src/scan/run';
import { scanNow } from '../../src/scan/scan-now';
import { scanResume, scanTrigger, startScans } from '../../src/scan/trigger';
import { listAll } from '../../src/storage/kv';
import { acquireScanLease, listRunSummaries } from '../../src/storage/scan-state';
import { saveSettings } from '../../src/storage/settings';
import {
  anIdleStory,
  createWorkbench,
  PROJECT_KEY,
  USERS,
  type Workbench,
} from '../support/workbench-harness';
import type { IssueInput } from '../../workbench/jira/types';

const DAY = 86_400_000;
const MINUTE = 60_000;
const START = Date.parse('2026-06-01T06:00:00.000Z');

let wb: Workbench;
afterEach(() => wb.dispose());

const now = () => (wb.clock.now ?? new Date()).getTime();

function useConsumer(options: RunOptions = {}): void {
  wb.queue.registerConsumer(SCAN_QUEUE, createScanConsumer({ clock: now, ...options }));
}

const idle = (): IssueInput => anIdleStory(now());

async function summaries(): Promise<ScanRunSummary[]> {
  return (await wb.asSystem(() => listRunSummaries(PROJECT_KEY, 30))) as unknown as ScanRunSummary[];
}

const flagged = (key: string) =>
  readLens(wb.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY)).zombie === 'true';

describe('an incremental run that lasts hours', () => {
  it('leaves nothing that changed early in its window unread, though JQL reads -Nm again at every page', async () => {
    wb = createWorkbench({ now: new Date(START), latency: 'off', rateLimits: 'off' });
    // One page an invocation: each invocation stops after its first page and continues.
    useConsumer({ timeoutMs: 0 });
    await wb.asSystem(() =>
      saveSettings(PROJECT_KEY, { flagActions: { label: 'zombie', comment: false } }, 0),
    );
    const keys = wb.jira.store.bulkCreateIssues(Array.from({ length: 300 }, idle));

    // Day 1: full runs flag all 300 (the first measures the backlog's standing, so the second reads all too).
    for (const at of [START - DAY, START]) {
      wb.clock.now = new Date(at);
      await wb.asSystem(() => startScans([PROJECT_KEY], 'schedule'));
      await wb.queue.runDue({ until: 'idle' });
    }
    expect(keys.filter(flagged)).toHaveLength(300);

    // Ten minutes later a person comments on 250 of them.
    wb.clock.now = new Date(START + 10 * MINUTE);
    const touched = keys.slice(0, 250);
    for (const key of touched)
      wb.jira.store.touch(wb.jira.store.getIssue(key)!.id, new Date(now()).toISOString());

    // Day 2: the incremental run's invocations are an hour apart (as quota pacing spaces them).
    wb.clock.now = new Date(START + DAY);
    await wb.asSystem(() => startScans([PROJECT_KEY], 'schedule'));
    for (let i = 0; i < 10 && wb.queue.pending() > 0; i++) {
      await wb.queue.runDue({ maxEvents: 1 });
      wb.clock.now = new Date(now() + 60 * MINUTE);
    }
    const [day2] = await summaries();
    expect(day2).toMatchObject({ mode: 'incremental', status: 'finished' });

    // Day 3, a quick run: whatever day 2's sliding window let drop is read now.
    wb.clock.now = new Date(START + 2 * DAY);
    await wb.asSystem(() => startScans([PROJECT_KEY], 'schedule'));
    await wb.queue.runDue({ until: 'idle' });
    const [day3] = await summaries();
    expect(day3).toMatchObject({ mode: 'incremental', status: 'finished' });
    expect(touched.filter(flagged)).toEqual([]);
    expect(keys.slice(250).filter(flagged)).toHaveLength(50);
  });
});

describe('a first invocation Forge stops at its time limit', () => {
  async function timedOutTimes(times: number): Promise<ScanRunSummary[]> {
    // The search a stopped invocation left in flight is answered 500 by the host that stopped it (no Jira answer).
    wb = createWorkbench({ latency: 'off', rateLimits: 'off', contract: false });
    // Forge stops the consumer at its timeoutSeconds; the first page's search outlasts it `times` times.
    wb.queue.registerConsumer(SCAN_QUEUE, createScanConsumer(), { timeoutSeconds: 0.05 });
    wb.jira.store.bulkCreateIssues(Array.from({ length: 5 }, idle));
    wb.jira.faults.inject({ kind: 'latency', ms: 150, times, match: { pathIncludes: '/search/jql' } });
    const [event] = await wb.asSystem(() => startScans([PROJECT_KEY], 'schedule'));
    await wb.queue.runDue({ until: 'idle', advanceClock: true });
    expect(wb.queue.deliveries.filter((d) => !d.ok)).toHaveLength(times);
    return (await summaries()).filter((s) => s.runId === event!.runId);
  }

  it('leaves one summary for the run, finished, after a retry', async () => {
    const runs = await timedOutTimes(1);
    expect(runs.map((r) => r.status)).toEqual(['finished']);
    expect(runs[0]!.counters).toMatchObject({ issues: 5, flagged: 5, invocations: 2 });
  });

  it('leaves one summary after three stopped tries', async () => {
    const runs = await timedOutTimes(3);
    expect(runs.map((r) => r.status)).toEqual(['finished']);
  });
});

describe('an invocation Forge stops while it writes lenses', () => {
  it('counts what it wrote before the stop in the summary the retry finishes', async () => {
    wb = createWorkbench({ now: new Date(START), latency: 'off', rateLimits: 'off', contract: false });
    const consumer = createScanConsumer({ clock: now });
    wb.queue.registerConsumer(
      SCAN_QUEUE,
      (event) => {
        // The retry comes after the stopped invocation's lens claims have run out, as on Forge.
        if (event.retryContext?.retryCount) wb.clock.now = new Date(now() + MINUTE);
        return consumer(event);
      },
      { timeoutSeconds: 3 },
    );
    await wb.asSystem(() =>
      saveSettings(PROJECT_KEY, { flagActions: { label: 'zombie', comment: false } }, 0),
    );
    const keys = wb.jira.store.bulkCreateIssues(Array.from({ length: 250 }, idle));
    // The third lens batch (of 100) outlasts the time limit: two have landed when Forge stops the invocation.
    let writes = 0;
    const handle = wb.jira.handle.bind(wb.jira);
    wb.jira.handle = async (req) => {
      if (req.path.includes('/properties/multi') && ++writes === 3)
        await new Promise((r) => setTimeout(r, 5_000));
      return handle(req);
    };

    const [event] = await wb.asSystem(() => startScans([PROJECT_KEY], 'schedule'));
    await wb.queue.runDue({ until: 'idle', advanceClock: true });

    expect(wb.queue.deliveries.filter((d) => !d.ok)).toHaveLength(1);
    expect(writes).toBeGreaterThan(3);
    expect(
      keys.filter((k) => readLens(wb.jira.store.getIssueProperty(k, ISSUE_PROPERTY_KEY)).flag),
    ).toHaveLength(250);
    const [summary] = (await summaries()).filter((s) => s.runId === event!.runId);
    expect(summary).toMatchObject({
      status: 'finished',
      counters: { issues: 250, flagged: 250, changed: 250, edits: 250, invocations: 2 },
    });
  }, 30_000);
});

describe('"Scan now" and the lease that decides whether a run happens', () => {
  const scanNowAs = (extra: { dryRun?: boolean } = {}) =>
    wb.asUser(USERS.admin, () => scanNow({ projectKey: PROJECT_KEY, ...extra }, { accountId: USERS.admin }));

  beforeEach(() => {
    // Real time: "Scan now" reads the lease's expiry against Date.now, as a resolver does.
    wb = createWorkbench({ latency: 'off', rateLimits: 'off' });
    useConsumer();
    wb.jira.store.bulkCreateIssues(Array.from({ length: 3 }, idle));
  });

  it('answers "already running" while a run in its first invocation holds the lease', async () => {
    await wb.asSystem(() => acquireScanLease(PROJECT_KEY, 'run-in-flight', Date.now(), LEASE_TTL_MS));
    expect(await scanNowAs()).toEqual({ runId: 'run-in-flight', alreadyRunning: true });
    expect(wb.queue.pending()).toBe(0);
  });

  it('records a run that could not take the lease as not started, instead of dropping it', async () => {
    const answer = await scanNowAs({ dryRun: true });
    expect(answer.alreadyRunning).toBe(false);
    // Another run (the daily one) takes the project before the asked-for run's first invocation.
    await wb.asSystem(() => acquireScanLease(PROJECT_KEY, 'daily-run', Date.now(), LEASE_TTL_MS));
    await wb.queue.runDue({ until: 'idle' });
    const [summary] = (await summaries()).filter((s) => s.runId === answer.runId);
    expect(summary).toMatchObject({ status: 'failed', dryRun: true, origin: 'manual' });
    expect(summary!.failure).toMatch(/did not start/i);
  });

  it('starts a run when the one that left its cursor died, and closes the dead one', async () => {
    // A run whose invocations stop after their first page: it continues once, then is never delivered again.
    useConsumer({ timeoutMs: 0 });
    wb.jira.store.bulkCreateIssues(Array.from({ length: 150 }, idle));
    const [dead] = await wb.asSystem(() => startScans([PROJECT_KEY], 'schedule'));
    await wb.queue.runDue({ maxEvents: 1 });
    // Its lease runs out (app storage's TTL, on the workbench's clock), and Forge delivers it no more.
    wb.clock.now = new Date(Date.now() + LEASE_TTL_MS + 60_000);
    const scan = createScanConsumer({ clock: now });
    wb.queue.registerConsumer(SCAN_QUEUE, async (event) =>
      (event.body as { runId?: string }).runId === dead!.runId ? undefined : scan(event),
    );

    const answer = await scanNowAs();
    expect(answer.alreadyRunning).toBe(false);
    await wb.queue.runDue({ until: 'idle' });
    const runs = await summaries();
    expect(runs.find((s) => s.runId === answer.runId)?.status).toBe('finished');
    expect(runs.find((s) => s.runId === dead!.runId)?.status).toBe('failed');
  });
});

describe('a partitioned run whose partition never settles', () => {
  it('is closed by the next run, which deletes its partition cursors', async () => {
    wb = createWorkbench({ now: new Date(START), latency: 'off', rateLimits: 'off', contract: false });
    const consumer = createScanConsumer({ clock: now, partitionSize: 100, maxPartitions: 3 });
    wb.queue.registerConsumer(
      SCAN_QUEUE,
      (event) => {
        // Retries come after the stopped invocation's short-lived claims have run out, as on Forge.
        if (event.retryContext?.retryCount) wb.clock.now = new Date(now() + MINUTE);
        return consumer(event);
      },
      { timeoutSeconds: 2 },
    );
    await wb.asSystem(() =>
      saveSettings(PROJECT_KEY, { flagActions: { label: 'zombie', comment: false } }, 0),
    );
    wb.jira.store.bulkCreateIssues(Array.from({ length: 330 }, idle));
    // Jira's search hangs past the time limit on one partition's id range, every try, until the queue gives up.
    const handle = wb.jira.handle.bind(wb.jira);
    let hanging: string | null = null;
    let hung = true;
    wb.jira.handle = async (req) => {
      const jql = req.path.includes('/search/jql')
        ? ((JSON.parse(req.body ?? '{}') as { jql?: string }).jql ?? '')
        : '';
      const range = / AND id >= \d+ AND id < \d+$/.exec(jql)?.[0];
      if (hung && range && (hanging ??= range) === range) await new Promise((r) => setTimeout(r, 4_000));
      return handle(req);
    };
    const partCursors = async (runId: string) =>
      (await wb.asSystem(() => listAll(`scan:${PROJECT_KEY}:part:${runId}`))).map((e) => e.key);

    const [stuck] = await wb.asSystem(() => startScans([PROJECT_KEY], 'schedule'));
    await wb.queue.runDue({ until: 'idle', advanceClock: true, maxEvents: 1_000 });
    expect(hanging).not.toBeNull();
    expect(await partCursors(stuck!.runId)).toHaveLength(3);

    // The next day's run takes the project over and finishes.
    hung = false;
    wb.clock.now = new Date(START + DAY);
    await wb.asSystem(() => startScans([PROJECT_KEY], 'schedule'));
    await wb.queue.runDue({ until: 'idle', advanceClock: true, maxEvents: 1_000 });
    const runs = await summaries();
    expect(runs[0]!.status).toBe('finished');
    expect(runs.find((r) => r.runId === stuck!.runId)?.status).toBe('failed');
    expect(await partCursors(stuck!.runId)).toEqual([]);
  }, 120_000);
});

describe('a quota 429 at the daily firing', () => {
  it('starts the projects known from storage, and the hourly resume lists the rest once Jira allows', async () => {
    wb = createWorkbench({ latency: 'off', rateLimits: 'off' });
    useConsumer();
    await wb.asSystem(() => saveSettings(PROJECT_KEY, {}, 0));
    wb.jira.store.bulkCreateIssues(Array.from({ length: 2 }, idle));
    wb.jira.faults.inject({
      kind: 'rate-limit',
      retryAfterSeconds: 1800,
      times: 1,
      match: { pathIncludes: '/project/search' },
    });
    await wb.asSystem(() => scanTrigger());
    expect(wb.queue.pending()).toBe(1);
    await wb.queue.runDue({ until: 'idle' });
    expect((await summaries()).map((s) => s.status)).toEqual(['finished']);

    // The hourly resume lists the projects now; the one already started is not started again.
    wb.clock.now = new Date(Date.now() + 3_600_000);
    await wb.asSystem(() => scanResume());
    expect(wb.queue.pending()).toBe(0);
    // Nothing is left for the next hour: no pending record under the prefix (one per firing that left one).
    expect(await wb.asSystem(() => listAll('scan-start:pending'))).toEqual([]);
  });
});
