/**
 * Who holds a project's scan lease, and for how long. Three cases adversarial reviews found:
 * - a dry run someone started with "Scan now" held the project when the day's live run came: the live run stopped,
 *   as it would for another live run, and no issue was flagged that day, though a dry run writes nothing;
 * - a run whose chain of invocations had spent Forge's pushes parked its next event for the hourly resume (up to an
 *   hour away), but its lease lasted 30 minutes: "Scan now" then started a second run, which took the waiting run
 *   for dead and recorded it as failed, its progress lost;
 * - a dry run that let the lease go between the live run's refused claim and its read of the holder made the live
 *   run stop as if another live run held the project.
 * Real @forge packages over the workbench's queue and storage.
 */
import type { ScanRunSummary } from '../../src/contract/scan';
import { ISSUE_PROPERTY_KEY, readLens } from '../../src/domain/issue-lens';
import { createScanConsumer } from '../../src/scan/consumer';
import { resumeParkedScans, SCAN_QUEUE } from '../../src/scan/queue';
import { scanNow } from '../../src/scan/scan-now';
import { scanTrigger, startScans } from '../../src/scan/trigger';
import {
  acquireScanLease,
  extendScanLease,
  listRunSummaries,
  liveScanLease,
  releaseScanLease,
} from '../../src/storage/scan-state';
import { keys } from '../../src/storage/keys';
import { saveSettings } from '../../src/storage/settings';
import {
  anIdleStory,
  createWorkbench,
  PROJECT_KEY,
  USERS,
  type Workbench,
} from '../support/workbench-harness';

let wb: Workbench;
afterEach(() => wb.dispose());
const MINUTE = 60_000;

const runs = async () =>
  (await wb.asSystem(() => listRunSummaries(PROJECT_KEY, 30))) as unknown as ScanRunSummary[];
const flagged = (key: string) =>
  readLens(wb.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY)).zombie === 'true';

it('the day’s live run waits for a dry run that holds the project, then runs and flags', async () => {
  wb = createWorkbench({ latency: 'off', rateLimits: 'off' });
  await wb.asSystem(() => saveSettings(PROJECT_KEY, { flagActions: { label: 'zombie', comment: false } }, 0));
  const issues = wb.jira.store.bulkCreateIssues(Array.from({ length: 250 }, () => anIdleStory()));
  // The dry run reads one page an invocation, so it holds the lease over several of them.
  const dryRun = createScanConsumer({ timeoutMs: 0 });
  const live = createScanConsumer();
  wb.queue.registerConsumer(SCAN_QUEUE, (event) =>
    (event.body as { dryRun?: boolean }).dryRun ? dryRun(event) : live(event),
  );
  const started = await wb.asUser(USERS.admin, () =>
    scanNow({ projectKey: PROJECT_KEY, dryRun: true }, { accountId: USERS.admin }),
  );
  expect(started.alreadyRunning).toBe(false);
  await wb.queue.runDue({ maxEvents: 1 });
  await wb.asSystem(() => scanTrigger());
  await wb.queue.runDue({ until: 'idle', advanceClock: true });
  const done = await runs();
  expect(
    done
      .filter((r) => r.status === 'finished')
      .map((r) => [r.origin, r.dryRun])
      .sort(),
  ).toEqual([
    ['manual', true],
    ['schedule', false],
  ]);
  expect(issues.filter(flagged)).toHaveLength(250);
});

it('a run parked for the hourly resume still holds the project: Scan now 40 minutes later is told it runs', async () => {
  wb = createWorkbench({ latency: 'off', rateLimits: 'off' });
  // The run's invocations happened 40 minutes ago, one page each.
  let offset = -40 * MINUTE;
  wb.queue.registerConsumer(SCAN_QUEUE, (event) =>
    createScanConsumer({ clock: () => Date.now() + offset, timeoutMs: 0 })(event),
  );
  wb.jira.store.bulkCreateIssues(Array.from({ length: 250 }, () => anIdleStory()));
  const [event] = await wb.asSystem(() => startScans([PROJECT_KEY], 'schedule'));
  // Forge refuses the continuation's push (405): this chain's pushes are spent, and the run parks its event.
  wb.queue.injectDelivery({ refusePushes: { count: 1, status: 405 } });
  await wb.queue.runDue({ maxEvents: 1 });
  expect(wb.queue.pending()).toBe(0);
  wb.queue.clearDeliveryFaults();
  offset = 0;
  const answer = await wb.asUser(USERS.admin, () =>
    scanNow({ projectKey: PROJECT_KEY }, { accountId: USERS.admin }),
  );
  expect(answer).toEqual({ runId: event!.runId, alreadyRunning: true });
  await wb.asSystem(() => resumeParkedScans());
  await wb.queue.runDue({ until: 'idle' });
  expect((await runs()).map((r) => [r.runId, r.status])).toEqual([[event!.runId, 'finished']]);
});

it('another invocation of a parked run renews its lease without cutting it short', async () => {
  wb = createWorkbench({ latency: 'off', rateLimits: 'off' });
  const now = Date.now();
  const held = await wb.asSystem(async () => {
    expect(await acquireScanLease(PROJECT_KEY, 'run-1', now, 30 * MINUTE)).toBe(true);
    await extendScanLease(PROJECT_KEY, 'run-1', now + 90 * MINUTE);
    // A partition's last step of the same run, five minutes later.
    expect(await acquireScanLease(PROJECT_KEY, 'run-1', now + 5 * MINUTE, 30 * MINUTE)).toBe(true);
    return liveScanLease(PROJECT_KEY, now + 60 * MINUTE);
  });
  expect(held).toMatchObject({ runId: 'run-1', expiresAt: now + 90 * MINUTE });
});

it('a dry run that ends between the live run’s two reads of the lease does not cost the day’s scan', async () => {
  wb = createWorkbench({ latency: 'off', rateLimits: 'off' });
  await wb.asSystem(() => saveSettings(PROJECT_KEY, { flagActions: { label: 'zombie', comment: false } }, 0));
  const issues = wb.jira.store.bulkCreateIssues(Array.from({ length: 3 }, () => anIdleStory()));
  wb.queue.registerConsumer(SCAN_QUEUE, createScanConsumer());
  await wb.asSystem(() =>
    acquireScanLease(PROJECT_KEY, 'dry-run', Date.now(), 30 * MINUTE, { dryRun: true }),
  );
  // The live run's claim of the lease is refused and it reads the holder twice: once as the claim, once as the
  // lease's own check (a dry run's, still running). The dry run lets the lease go just after the second read.
  const leaseKey = `"${keys.scanLease(PROJECT_KEY)}"`;
  const answer = wb.kvs.handle.bind(wb.kvs);
  let reads = 0;
  let released = false;
  jest.spyOn(wb.kvs, 'handle').mockImplementation(async (path, init) => {
    const answered = await answer(path, init);
    if (path === '/api/v1/get' && String(init.body).includes(leaseKey) && ++reads === 2) {
      released = true;
      await wb.asSystem(() => releaseScanLease(PROJECT_KEY, 'dry-run'));
    }
    return answered;
  });
  await wb.asSystem(() => scanTrigger());
  await wb.queue.runDue({ until: 'idle' });
  expect(released).toBe(true);
  expect((await runs()).map((r) => [r.origin, r.status])).toEqual([['schedule', 'finished']]);
  expect(issues.filter(flagged)).toHaveLength(3);
});
