/**
 * A person acts on an issue (a comment) after the scan's search read it as idle and before the scan edits it.
 * The app's label edit would bump Jira's `updated` past the comment and record the older activity beside its own
 * edit time, so the next scan would take the comment for the app's edit and keep the issue flagged as idle.
 */
import { ISSUE_PROPERTY_KEY, readLens } from '../../src/domain/issue-lens';
import { createScanConsumer } from '../../src/scan/consumer';
import { SCAN_QUEUE } from '../../src/scan/queue';
import { startScans } from '../../src/scan/trigger';
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
const MINUTE = 60_000;
const START = Date.parse('2026-06-01T06:00:00.000Z');
const LABEL = 'zombie';

let wb: Workbench;
beforeEach(async () => {
  wb = createWorkbench({ now: new Date(START), latency: 'off', rateLimits: 'off' });
  wb.queue.registerConsumer(SCAN_QUEUE, createScanConsumer({ clock: () => wb.clock.now!.getTime() }));
  await wb.asSystem(() => saveSettings(PROJECT_KEY, { flagActions: { label: LABEL, comment: true } }, 0));
});
afterEach(() => wb.dispose());

async function scan(): Promise<void> {
  await wb.asSystem(() => startScans([PROJECT_KEY], 'schedule'));
  await wb.queue.runDue({ until: 'idle', advanceClock: true });
}

const lensOf = (key: string) => readLens(wb.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY));
const later = (ms: number) => (wb.clock.now = new Date(wb.clock.now!.getTime() + ms));

/** Once the scan's search has answered with `key`'s fields, runs `act` (as Jira would, between two calls). */
function afterSearchRead(key: string, act: () => void): () => boolean {
  const handle = wb.jira.handle.bind(wb.jira);
  let done = false;
  wb.jira.handle = async (req: JiraRequest): Promise<JiraResponse> => {
    const res = await handle(req);
    if (
      !done &&
      req.path.includes('/search/jql') &&
      res.body.includes(`"${key}"`) &&
      res.body.includes('"summary"')
    ) {
      done = true;
      act();
    }
    return res;
  };
  return () => done;
}

it('leaves an issue a person commented on since the search unlabelled, and the next day sees them active', async () => {
  const [key] = wb.jira.store.bulkCreateIssues([anIdleStory(START)]);
  const [other] = wb.jira.store.bulkCreateIssues([anIdleStory(START)]);
  const acted = afterSearchRead(key!, () => {
    later(MINUTE);
    wb.jira.store.addComment(key!, {
      author: USERS.member,
      body: 'Still on it: shipping in the next sprint.',
    });
    later(MINUTE);
  });

  await scan();

  expect(acted()).toBe(true);
  const issue = wb.jira.store.getIssue(key!)!;
  expect(issue.labels).not.toContain(LABEL);
  expect(wb.jira.store.listComments(issue.id).map((c) => c.author)).toEqual([USERS.member]);
  expect(lensOf(key!).flag).toBeNull();
  // The issue nobody touched is flagged as ever.
  expect(wb.jira.store.getIssue(other!)!.labels).toContain(LABEL);
  expect(lensOf(other!).flag).not.toBeNull();

  // The next day the comment is a day old: not idle.
  wb.clock.now = new Date(START + DAY);
  await scan();
  expect(lensOf(key!)).toMatchObject({ zombie: 'false', flag: null });
  expect(wb.jira.store.getIssue(key!)!.labels).not.toContain(LABEL);
});
