/**
 * The flag label renamed, or switched off, on the settings page while items stay flagged. The scan takes the old
 * label off a standing flag and puts the new one on (one label edit an issue a run), without taking its own edits
 * for a person's activity. Before, the old label stayed until the flag cleared or was decided.
 */
import { ISSUE_PROPERTY_KEY, readLens } from '../../src/domain/issue-lens';
import { createScanConsumer } from '../../src/scan/consumer';
import { SCAN_QUEUE } from '../../src/scan/queue';
import { startScans } from '../../src/scan/trigger';
import { loadSettings, saveSettings } from '../../src/storage/settings';
import { anIdleStory, createWorkbench, PROJECT_KEY, type Workbench } from '../support/workbench-harness';

const DAY = 86_400_000;
const START = Date.parse('2026-06-01T06:00:00.000Z');

let wb: Workbench;
beforeEach(() => {
  wb = createWorkbench({ now: new Date(START), latency: 'off', rateLimits: 'off' });
  wb.queue.registerConsumer(SCAN_QUEUE, createScanConsumer({ clock: () => wb.clock.now!.getTime() }));
});
afterEach(() => wb.dispose());

async function setLabel(label: string | null): Promise<void> {
  await wb.asSystem(async () => {
    const { version } = await loadSettings(PROJECT_KEY);
    await saveSettings(PROJECT_KEY, { flagActions: { label, comment: false } }, version);
  });
}

async function nextDaysScan(): Promise<void> {
  wb.clock.now = new Date(wb.clock.now!.getTime() + DAY);
  await wb.asSystem(() => startScans([PROJECT_KEY], 'schedule'));
  await wb.queue.runDue({ until: 'idle', advanceClock: true });
}

const labelsOf = (key: string) => wb.jira.store.getIssue(key)!.labels;
const lensOf = (key: string) => readLens(wb.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY));

async function flaggedWith(label: string): Promise<string> {
  await setLabel(label);
  const [key] = wb.jira.store.bulkCreateIssues([anIdleStory(START)]);
  await nextDaysScan();
  expect(labelsOf(key!)).toEqual([label]);
  expect(lensOf(key!).flag).toMatchObject({ labelApplied: true, labelName: label });
  return key!;
}

it('swaps the old label for the renamed one, one edit a run, and the flag stands', async () => {
  const key = await flaggedWith('zombie');
  await setLabel('stale');

  await nextDaysScan();
  expect(labelsOf(key)).toEqual([]);
  expect(lensOf(key)).toMatchObject({ zombie: 'true', flag: { labelApplied: false } });
  expect(lensOf(key).flag!.labelName).toBeUndefined();

  await nextDaysScan();
  expect(labelsOf(key)).toEqual(['stale']);
  expect(lensOf(key)).toMatchObject({ zombie: 'true', flag: { labelApplied: true, labelName: 'stale' } });

  // The app's own edits are not a person's activity: the flag stands, and its label stays.
  await nextDaysScan();
  expect(labelsOf(key)).toEqual(['stale']);
  expect(lensOf(key)).toMatchObject({ zombie: 'true', flag: { labelApplied: true, labelName: 'stale' } });
});

it('takes the label off when the settings stop labelling, and the flag stands', async () => {
  const key = await flaggedWith('zombie');
  await setLabel(null);

  await nextDaysScan();
  expect(labelsOf(key)).toEqual([]);
  expect(lensOf(key)).toMatchObject({ zombie: 'true', flag: { labelApplied: false } });
  await nextDaysScan();
  expect(labelsOf(key)).toEqual([]);
  expect(lensOf(key).zombie).toBe('true');
});

it('puts the new label on at once when a person took the old one off', async () => {
  const key = await flaggedWith('zombie');
  wb.jira.store.updateIssueFields(wb.jira.store.getIssue(key)!.id, { labels: [] });
  await setLabel('stale');

  await nextDaysScan();
  expect(labelsOf(key)).toEqual(['stale']);
  expect(lensOf(key)).toMatchObject({ zombie: 'true', flag: { labelApplied: true, labelName: 'stale' } });
});

it('leaves a standing flag labelled when the settings name its label in other letter case', async () => {
  const key = await flaggedWith('zombie');
  await setLabel('Zombie');

  await nextDaysScan();
  expect(labelsOf(key)).toEqual(['zombie']);
  expect(lensOf(key).flag).toMatchObject({ labelApplied: true, labelName: 'zombie' });
});
