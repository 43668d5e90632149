/**
 * A storage fault in the records that end a full rescan. Two faults an adversarial review found:
 * - the delete of a finished run's cursor failed after the run's done mark was written: the queue's retry found
 *   the run over and stopped, the cursor and lease stayed, and the next run took the finished run for abandoned,
 *   rewriting its summary as failed (backlog health then compared with the scan before it);
 * - a run whose figures storage would not take still wrote the watermark naming it the last full rescan, so the
 *   next runs were incremental over figures days old.
 * Real @forge packages over the workbench; faults at the workbench's storage seam.
 */
import type { ScanRunSummary } from '../../src/contract/scan';
import { createScanConsumer } from '../../src/scan/consumer';
import { SCAN_QUEUE } from '../../src/scan/queue';
import { LEASE_TTL_MS } from '../../src/scan/run';
import { startScans } from '../../src/scan/trigger';
import { keys } from '../../src/storage/keys';
import { listRunSummaries } from '../../src/storage/scan-state';
import { saveSettings } from '../../src/storage/settings';
import { failStorageWrite } from '../support/storage-faults';
import {
  anIdleStory,
  createWorkbench,
  PROJECT_KEY,
  healthAs,
  type Workbench,
} from '../support/workbench-harness';

const START = Date.parse('2026-06-01T06:00:00.000Z');
const DAY = 86_400_000;
let wb: Workbench;
const now = () => (wb.clock.now ?? new Date()).getTime();

beforeEach(async () => {
  wb = createWorkbench({ now: new Date(START), latency: 'off', rateLimits: 'off' });
  wb.queue.registerConsumer(SCAN_QUEUE, createScanConsumer({ clock: now }));
  await wb.asSystem(() => saveSettings(PROJECT_KEY, { flagActions: { label: 'zombie', comment: false } }, 0));
});
afterEach(() => {
  jest.restoreAllMocks();
  wb.dispose();
});

async function scan(origin: 'schedule' | 'manual' = 'manual'): Promise<ScanRunSummary> {
  await wb.asSystem(() => startScans([PROJECT_KEY], origin));
  await wb.queue.runDue({ until: 'idle', advanceClock: true });
  wb.jira.index.catchUp();
  const [latest] = await wb.asSystem(() => listRunSummaries(PROJECT_KEY, 1));
  return latest as unknown as ScanRunSummary;
}

const health = () => healthAs(wb);

const idleStories = (n: number) => Array.from({ length: n }, () => anIdleStory(now()));

it('a finished run whose cursor delete failed stays finished, frees the project, and health compares with it', async () => {
  wb.jira.store.bulkCreateIssues(idleStories(3));
  expect((await scan()).status).toBe('finished');

  wb.clock.now = new Date(START + DAY);
  wb.jira.store.bulkCreateIssues(idleStories(2));
  const cursor = keys.scanCursor(PROJECT_KEY);
  const hit = failStorageWrite(wb.kvs, (w) => w.path.endsWith('/delete') && w.key === cursor, {
    lands: true,
  });
  const second = await scan();
  jest.restoreAllMocks();
  expect(hit).toHaveLength(1);
  expect(second).toMatchObject({ status: 'finished', health: { total: 5 } });
  // The retry that found the run over tidied what it left: the next "Scan now" is not told a run is under way.
  const lease = keys.scanLease(PROJECT_KEY);
  expect(wb.kvs.dump().filter((e) => e.key === lease || e.key === cursor)).toEqual([]);

  wb.clock.now = new Date(START + 2 * DAY + LEASE_TTL_MS);
  wb.jira.store.bulkCreateIssues(idleStories(1));
  expect((await scan()).status).toBe('finished');
  const runs = (await wb.asSystem(() => listRunSummaries(PROJECT_KEY, 10))) as unknown as ScanRunSummary[];
  expect(runs.find((r) => r.runId === second.runId)).toMatchObject({
    status: 'finished',
    health: { total: 5 },
  });
  const report = await health();
  expect([report.current.total, report.lastScan?.total, report.movement?.total]).toEqual([6, 5, 1]);
});

it('a full rescan whose figures storage would not take leaves the next run a full one', async () => {
  wb.jira.store.bulkCreateIssues(idleStories(2));
  expect((await scan()).status).toBe('finished');

  wb.clock.now = new Date(START + DAY);
  wb.jira.store.bulkCreateIssues(idleStories(3));
  // Storage refuses the figures' write on every try of the queue.
  const answer = wb.kvs.handle.bind(wb.kvs);
  let refused = 0;
  jest.spyOn(wb.kvs, 'handle').mockImplementation(async (path, init) => {
    if (
      path.endsWith('/set') &&
      typeof init?.body === 'string' &&
      init.body.includes(`"${keys.aggregatesLatest(PROJECT_KEY)}"`)
    ) {
      refused++;
      return new Response(JSON.stringify({ code: 'INTERNAL_SERVER_ERROR', message: 'Storage timed out' }), {
        status: 500,
        headers: { 'content-type': 'application/json' },
      });
    }
    return answer(path, init);
  });
  expect((await scan()).status).toBe('failed');
  jest.restoreAllMocks();
  expect(refused).toBeGreaterThan(1);

  wb.clock.now = new Date(START + 2 * DAY);
  const third = await scan('schedule');
  expect(third.mode).toBe('full');
  expect((await health()).current.total).toBe(5);
});
