/**
 * A person saves an issue's panel while the scan is making the edits of a verdict it judged from the lens before
 * the save: between the scan's read of the lenses and its write of them, its comment and label calls take long
 * enough for a save to land. A verdict judged on kill criteria or a link no longer there must not be written over
 * the save, nor its label put on after it; one the save did not bear on stands.
 */
import { ISSUE_PROPERTY_KEY, readLens } from '../../src/domain/issue-lens';
import { storagePorts } from '../../src/resolvers/issue-panel';
import { createScanConsumer } from '../../src/scan/consumer';
import { SCAN_QUEUE } from '../../src/scan/queue';
import { startScans } from '../../src/scan/trigger';
import { saveIssueLens } from '../../src/services/issue-lens-service';
import { saveSettings } from '../../src/storage/settings';
import type { JiraRequest, JiraResponse } from '../../workbench/jira/types';
import {
  anIdleStory,
  createWorkbench,
  PROJECT_KEY,
  USERS,
  type Workbench,
} from '../support/workbench-harness';

const DAY = 86_400_000;
const START = Date.parse('2026-06-01T06:00:00.000Z');
const LABEL = 'zombie';

let wb: Workbench;
beforeEach(() => {
  wb = createWorkbench({ now: new Date(START), latency: 'off', rateLimits: 'off' });
  wb.queue.registerConsumer(SCAN_QUEUE, createScanConsumer({ clock: () => wb.clock.now!.getTime() }));
});
afterEach(() => wb.dispose());

async function scan(): Promise<void> {
  await wb.asSystem(() => startScans([PROJECT_KEY], 'schedule'));
  await wb.queue.runDue({ until: 'idle', advanceClock: true });
}

const lensOf = (key: string) => readLens(wb.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY));
const labelsOf = (key: string) => wb.jira.store.getIssue(key)!.labels;
const commentsOn = (key: string) => wb.jira.store.listComments(wb.jira.store.getIssue(key)!.id).length;

type Draft = Parameters<typeof saveIssueLens>[0]['draft'];

/** The member saves `draft` over the issue's first lens when the scan first sends a request `when` picks. */
function savesDuring(key: string, when: (req: JiraRequest) => boolean, draft: Draft): () => string | null {
  const handle = wb.jira.handle.bind(wb.jira);
  let outcome: string | null = null;
  wb.jira.handle = async (req: JiraRequest): Promise<JiraResponse> => {
    if (outcome === null && when(req)) {
      outcome = await wb.asUser(USERS.member, () =>
        saveIssueLens(
          { version: 0, draft },
          { accountId: USERS.member, moduleKey: 'issue-panel', issueKey: key, projectKey: PROJECT_KEY },
          storagePorts(),
        ).then(
          () => 'saved',
          (e: unknown) => `refused: ${String(e)}`,
        ),
      );
    }
    return handle(req);
  };
  return () => outcome;
}

const duringComment = (req: JiraRequest) => req.method === 'POST' && req.path.endsWith('/comment');
const duringBulkLabel = (req: JiraRequest) =>
  req.method === 'POST' && req.path === '/rest/api/3/bulk/issues/fields';
const ownIdleLimit: Draft = { hypothesis: {}, expected: {}, killCriteria: { maxIdleDays: 3000 } };

/** An idle story scanned with the flag's label (and comment) on, the member saving `draft` during `when`. */
async function scannedWithSaveDuring(
  comment: boolean,
  when: (req: JiraRequest) => boolean,
  draft: Draft,
): Promise<string> {
  await wb.asSystem(() => saveSettings(PROJECT_KEY, { flagActions: { label: LABEL, comment } }, 0));
  const [key] = wb.jira.store.bulkCreateIssues([anIdleStory(START)]);
  const saved = savesDuring(key!, when, draft);
  await scan();
  expect(saved()).toBe('saved');
  return key!;
}

/** The member's own idle limit stands on the lens, and no flag of the scan's older verdict. */
function expectOwnLimitUnflagged(key: string): void {
  const lens = lensOf(key);
  expect(lens.killCriteria.maxIdleDays).toBe(3000);
  expect(lens.zombie).toBe('false');
  expect(lens.flag).toBeNull();
}

it('a save that sets the item its own idle limit while the flag comment is sent: no flag, no label', async () => {
  const key = await scannedWithSaveDuring(true, duringComment, ownIdleLimit);
  expectOwnLimitUnflagged(key);
  // The comment went out before the save landed; the label, after it, is not put on.
  expect(commentsOn(key)).toBe(1);
  expect(labelsOf(key)).toEqual([]);

  wb.clock.now = new Date(START + DAY);
  await scan();
  expect(lensOf(key).zombie).toBe('false');
  expect(labelsOf(key)).toEqual([]);
  expect(commentsOn(key)).toBe(1);
});

it('a save that sets the item its own idle limit while the label is put on: the next scan takes it off', async () => {
  const key = await scannedWithSaveDuring(false, duringBulkLabel, ownIdleLimit);
  expectOwnLimitUnflagged(key);
  expect(labelsOf(key)).toEqual([LABEL]);

  wb.clock.now = new Date(START + DAY);
  await scan();
  expect(lensOf(key).zombie).toBe('false');
  expect(labelsOf(key)).toEqual([]);
});

it('a save that only writes the hypothesis while the flag comment is sent: the flag stands, labelled at once', async () => {
  const key = await scannedWithSaveDuring(true, duringComment, {
    hypothesis: {
      persona: 'returning shopper',
      intent: 'find my last order fast',
      benefit: 'I reorder in a minute',
    },
    expected: {},
    killCriteria: {},
  });
  const lens = lensOf(key);
  expect(lens.hypothesis.persona).toBe('returning shopper');
  expect(lens.zombie).toBe('true');
  // Read again after the comment, the lens had moved, but by nothing the verdict reads: the label goes on.
  expect(lens.flag).toMatchObject({ commented: true, labelApplied: true });
  expect(labelsOf(key)).toEqual([LABEL]);

  wb.clock.now = new Date(START + DAY);
  await scan();
  expect(lensOf(key).zombie).toBe('true');
  expect(labelsOf(key)).toEqual([LABEL]);
  expect(commentsOn(key)).toBe(1);
});
