/**
 * Jira asks for a longer wait than a queue event can be delayed: a quota 429 with Retry-After: 3600, where Forge
 * delays an event 900 s at most. The run sleeps the hour through in several delays and calls Jira again only
 * once the hour is over; before, it came back every 15 minutes, refused each time, an invocation and a push spent.
 */
import type { ScanRunSummary } from '../../src/contract/scan';
import { createScanConsumer } from '../../src/scan/consumer';
import { SCAN_QUEUE } from '../../src/scan/queue';
import { startScans } from '../../src/scan/trigger';
import { listRunSummaries } from '../../src/storage/scan-state';
import { saveSettings } from '../../src/storage/settings';
import type { JiraRequest } from '../../workbench/jira/types';
import { anIdleStory, createWorkbench, PROJECT_KEY, type Workbench } from '../support/workbench-harness';

const START = Date.parse('2026-06-01T06:00:00.000Z');
let wb: Workbench;
afterEach(() => wb.dispose());

it('calls Jira again only once a Retry-After longer than a queue delay has passed, and finishes', async () => {
  wb = createWorkbench({ now: new Date(START), latency: 'off', rateLimits: 'off' });
  const consumer = createScanConsumer({ clock: () => wb.queue.now() });
  wb.queue.registerConsumer(SCAN_QUEUE, (event) => consumer(event));
  await wb.asSystem(() => saveSettings(PROJECT_KEY, { flagActions: { label: 'zombie', comment: false } }, 0));
  wb.jira.store.bulkCreateIssues(Array.from({ length: 120 }, () => anIdleStory(START)));
  const calls: Array<{ at: number; status: number }> = [];
  const handle = wb.jira.handle.bind(wb.jira);
  wb.jira.handle = async (req: JiraRequest) => {
    const res = await handle(req);
    calls.push({ at: wb.queue.now(), status: res.status });
    return res;
  };
  wb.jira.faults.inject({
    kind: 'rate-limit',
    retryAfterSeconds: 3600,
    times: 1,
    match: { pathIncludes: '/search/jql' },
  });
  await wb.asSystem(() => startScans([PROJECT_KEY], 'schedule'));
  await wb.queue.runDue({ until: 'idle', advanceClock: true, maxEvents: 1_000 });
  const refused = calls.findIndex((c) => c.status === 429);
  expect(refused).toBeGreaterThanOrEqual(0);
  expect(calls.filter((c) => c.status === 429)).toHaveLength(1);
  expect(calls[refused + 1]!.at - calls[refused]!.at).toBeGreaterThanOrEqual(3_600_000);
  const [run] = (await wb.asSystem(() => listRunSummaries(PROJECT_KEY, 1))) as unknown as ScanRunSummary[];
  expect(run).toMatchObject({ status: 'finished', counters: { rateLimited: 1 } });
});
