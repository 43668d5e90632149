/**
 * A scan invocation that meets app storage's rate limit (the installation's write units for the minute spent) is
 * retried once the minute has passed, not a few seconds later into the same spent minute, where each of the
 * queue's retries would fail again and the run would die with its lease held.
 */
import type { ScanRunSummary } from '../../src/contract/scan';
import { createCalibrationConsumer } from '../../src/calibration/job';
import { STORAGE_RETRY_AFTER_SECONDS } from '../../src/errors';
import { createScanConsumer } from '../../src/scan/consumer';
import { SCAN_QUEUE } from '../../src/scan/queue';
import { createBulkConsumer } from '../../src/services/bulk-decisions';
import { startScans } from '../../src/scan/trigger';
import { kvs, storageRetry } from '../../src/storage/kvs-client';
import { listRunSummaries } from '../../src/storage/scan-state';
import { anIdleStory, createWorkbench, PROJECT_KEY, type Workbench } from '../support/workbench-harness';

const START = Date.parse('2026-06-01T06:00:00.000Z');
const WRITE_UNITS_A_MINUTE = 40;

/**
 * A workbench whose app storage holds WRITE_UNITS_A_MINUTE write units a minute, and `readUnitsPerMinute` read
 * units. The harness's clock stands still inside an invocation: only the minute's units are held.
 */
function storageLimitedWorkbench(readUnitsPerMinute: number): Workbench {
  return createWorkbench({
    now: new Date(START),
    latency: 'off',
    rateLimits: 'off',
    kvs: {
      rateLimits: { requestsPerSecond: 1e9, readUnitsPerMinute, writeUnitsPerMinute: WRITE_UNITS_A_MINUTE },
    },
  });
}

let wb: Workbench;
const realWait = storageRetry.wait;
beforeEach(() => {
  // The storage client's own short waits, which cannot outlast a spent minute, are skipped.
  storageRetry.wait = () => Promise.resolve();
  wb = storageLimitedWorkbench(1e9);
});
afterEach(() => {
  storageRetry.wait = realWait;
  wb.dispose();
});

/** Writes until app storage refuses: the rest of this minute's write units are spent. */
async function spendTheMinutesWrites(): Promise<void> {
  for (let i = 0; i <= WRITE_UNITS_A_MINUTE; i++) {
    const refused = await wb
      .asSystem(() => kvs.set(`spend-${i}`, i))
      .then(() => false)
      .catch(() => true);
    if (refused) return;
  }
  throw new Error('app storage took every write');
}

it('retries the invocation after the minute, and the run finishes', async () => {
  wb.queue.registerConsumer(SCAN_QUEUE, createScanConsumer({ clock: () => wb.clock.now!.getTime() }));
  wb.jira.store.bulkCreateIssues(Array.from({ length: 3 }, () => anIdleStory(START)));
  const [event] = await wb.asSystem(() => startScans([PROJECT_KEY], 'schedule'));
  await spendTheMinutesWrites();

  await wb.queue.runDue();

  expect(wb.queue.deliveries).toEqual([
    expect.objectContaining({ ok: false, error: 'retry requested: FUNCTION_UPSTREAM_RATE_LIMITED' }),
  ]);
  // Not due again within the spent minute.
  wb.clock.now = new Date(START + (STORAGE_RETRY_AFTER_SECONDS - 5) * 1000);
  await wb.queue.runDue();
  expect(wb.queue.deliveries).toHaveLength(1);

  // The minute has passed: storage answers again, and the retry runs the scan to its end.
  wb.clock.now = new Date(START + STORAGE_RETRY_AFTER_SECONDS * 1000);
  await wb.queue.runDue({ until: 'idle' });
  const [summary] = (await wb.asSystem(() =>
    listRunSummaries(PROJECT_KEY, 1),
  )) as unknown as ScanRunSummary[];
  expect(summary).toMatchObject({
    runId: event!.runId,
    status: 'finished',
    counters: { issues: 3, flagged: 3 },
  });
});

describe('every queue consumer, with the minute spent', () => {
  it('asks the queue for a retry after the minute', async () => {
    // Reads spent too: a consumer's first storage call may be a read.
    wb.dispose();
    wb = storageLimitedWorkbench(WRITE_UNITS_A_MINUTE);
    await spendTheMinutesWrites();
    for (let i = 0; i <= WRITE_UNITS_A_MINUTE; i++)
      await wb.asSystem(() => kvs.get(`spend-${i}`)).catch(() => undefined);
    const retried = {
      _retry: true,
      retryOptions: {
        retryAfter: STORAGE_RETRY_AFTER_SECONDS,
        retryReason: 'FUNCTION_UPSTREAM_RATE_LIMITED',
      },
    };
    const runId = '0f5e2c1a-6b7d-4e8f-9a0b-1c2d3e4f5a6b';
    const consumers: Array<[string, () => Promise<unknown>]> = [
      [
        'scan',
        () =>
          createScanConsumer()({
            body: { projectKey: PROJECT_KEY, runId, origin: 'schedule', requestedBy: null, dryRun: false },
          }),
      ],
      ['calibration', () => createCalibrationConsumer()({ body: { projectKey: PROJECT_KEY, runId } })],
      [
        'bulk decisions',
        () => createBulkConsumer()({ body: { projectKey: PROJECT_KEY, jobId: runId, step: 0 } }),
      ],
    ];
    for (const [name, consume] of consumers) {
      const answer = await wb.asSystem(consume);
      expect({ name, answer: JSON.parse(JSON.stringify(answer)) as unknown }).toEqual({
        name,
        answer: retried,
      });
    }
  });
});
