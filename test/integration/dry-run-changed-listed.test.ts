/**
 * A dry run's "Changed" figure and its list of what it would change tell of the same issues. An issue whose
 * verdict and score stand, and that would only get the flag label (or the flag comment) a live run adds, is
 * written by a live run but not counted as changed there; a dry run counted it as changed and listed no row for
 * it, so the scan runs table said 24 changed above a list of 23.
 */
import type { ScanRunSummary } from '../../src/contract/scan';
import { createScanConsumer } from '../../src/scan/consumer';
import { SCAN_QUEUE } from '../../src/scan/queue';
import { startScans } from '../../src/scan/trigger';
import { scanRuns } from '../../src/services/scan-runs';
import { listRunSummaries } from '../../src/storage/scan-state';
import { saveSettings, loadSettings } from '../../src/storage/settings';
import {
  anIdleStory,
  createWorkbench,
  PROJECT_KEY,
  USERS,
  type Workbench,
} from '../support/workbench-harness';

let wb: Workbench;
beforeEach(() => {
  wb = createWorkbench();
  wb.queue.registerConsumer(SCAN_QUEUE, createScanConsumer());
});
afterEach(() => wb.dispose());

async function scan(extra: { dryRun?: boolean } = {}): Promise<ScanRunSummary> {
  await wb.asSystem(() => startScans([PROJECT_KEY], 'schedule', extra));
  await wb.queue.runDue({ until: 'idle', advanceClock: true });
  const [latest] = await wb.asSystem(() => listRunSummaries(PROJECT_KEY, 1));
  return latest as unknown as ScanRunSummary;
}

it('counts as changed in a dry run only the issues it lists, as a live run counts them', async () => {
  // Flagged by a live run while no flag label was asked for.
  const zombies = [anIdleStory(), anIdleStory()].map((i) => wb.jira.store.createIssue(i).key);
  const live = await scan();
  expect(live.counters).toMatchObject({ flagged: 2, changed: 2 });
  // A second run words the flags against the backlog's standing the first one measured; a third changes nothing.
  await scan();
  wb.jira.index.catchUp();
  expect((await scan()).counters.changed).toBe(0);
  // Now the flag carries a label: the standing flags would get it, their verdict and score unchanged.
  await wb.asSystem(async () => {
    const { version } = await loadSettings(PROJECT_KEY);
    await saveSettings(PROJECT_KEY, { flagActions: { label: 'zombie', comment: false } }, version);
  });
  // And one new zombie, which the dry run would flag.
  const added = wb.jira.store.createIssue(anIdleStory()).key;

  wb.jira.index.catchUp();
  const dry = await scan({ dryRun: true });

  expect(dry.wouldChange.map((w) => w.issueKey)).toEqual([added]);
  expect(dry.counters).toMatchObject({ flagged: 1, changed: 1 });
  // The label edits it would make are counted where they belong: as edits.
  expect(dry.counters.edits).toBe(3);
  // As the page shows it: the Changed column and the list agree.
  const view = await wb.asUser(USERS.admin, () =>
    scanRuns(
      {
        accountId: USERS.admin,
        moduleKey: 'outcome-lens-project-page',
        issueKey: null,
        projectKey: PROJECT_KEY,
      },
      10,
      { now: () => new Date() },
    ),
  );
  const shown = view.runs.find((r) => r.dryRun)!;
  expect(shown.counters?.changed).toBe(shown.wouldChange.length);
  // The live run labels them, and counts them changed no more than the dry run said.
  const after = await scan();
  expect(after.counters.changed).toBe(1);
  for (const key of [...zombies, added]) expect(wb.jira.store.getIssue(key)!.labels).toContain('zombie');
});
