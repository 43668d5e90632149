/**
 * Backlog health's examples as the scan stores them read as a live count shows them: a summary is kept whole
 * (Jira's at most 255 characters), never cut inside a character. It was cut at 200 UTF-16 units, which could split
 * an emoji into half a character shown as "�".
 */
import { createScanConsumer } from '../../src/scan/consumer';
import { SCAN_QUEUE } from '../../src/scan/queue';
import { startScans } from '../../src/scan/trigger';
import {
  anIdleStory,
  createWorkbench,
  PROJECT_KEY,
  healthAs,
  type Workbench,
} from '../support/workbench-harness';

let wb: Workbench;
beforeEach(() => {
  wb = createWorkbench({ latency: 'off', rateLimits: 'off' });
  wb.queue.registerConsumer(SCAN_QUEUE, createScanConsumer());
});
afterEach(() => wb.dispose());

const health = () => healthAs(wb);

it('shows an example’s long summary after a scan as it shows it live, whole', async () => {
  const lead =
    'Shoppers cannot find the delivery options on small screens, so they leave the checkout '.repeat(2);
  // An emoji whose two UTF-16 halves straddle the 200th unit.
  const summary = `${lead.slice(0, 199)}🛒 and call support instead of buying`;
  expect(summary.length).toBeLessThanOrEqual(255);
  wb.jira.store.createIssue({ ...anIdleStory(), summary });
  const live = (await health()).current.problems.examples;
  expect(live.map((e) => e.summary)).toEqual([summary]);
  await wb.asSystem(() => startScans([PROJECT_KEY], 'manual'));
  await wb.queue.runDue({ until: 'idle', advanceClock: true });
  const scanned = await health();
  expect(scanned.asOf).not.toBeNull();
  expect(scanned.current.problems.examples).toEqual(live);
});
