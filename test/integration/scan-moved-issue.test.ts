/**
 * An issue the scan's search returned can leave the project before the scan's writes reach it: moved to another
 * project (Jira goes on answering to its old key, and its id, with the issue as it is now) or deleted. The writer's
 * re-read of the lenses before the edits sees it: nothing of this project's verdict is written to it, the run
 * notes it, and the run's figures do not count it. The real @forge/api and @forge/kvs run over the workbench.
 */
import { ISSUE_PROPERTY_KEY, readLens } from '../../src/domain/issue-lens';
import type { ScanRunSummary } from '../../src/contract/scan';
import type { StoredHealth } from '../../src/scan/run';
import { createScanConsumer } from '../../src/scan/consumer';
import { SCAN_QUEUE } from '../../src/scan/queue';
import { startScans } from '../../src/scan/trigger';
import { loadAggregates } from '../../src/storage/aggregates';
import { listRunSummaries, loadHealthSnapshot } from '../../src/storage/scan-state';
import { saveSettings } from '../../src/storage/settings';
import {
  anIdleStory,
  createWorkbench,
  OTHER_PROJECT_KEY,
  PROJECT_KEY,
  type Workbench,
} from '../support/workbench-harness';
import type { JiraRequest, JiraResponse } from '../../workbench/jira/types';

const LABEL = 'zombie';

let wb: Workbench;
beforeEach(async () => {
  wb = createWorkbench();
  wb.queue.registerConsumer(SCAN_QUEUE, createScanConsumer());
  await wb.asSystem(() => saveSettings(PROJECT_KEY, { flagActions: { label: LABEL, comment: true } }, 0));
});
afterEach(() => {
  jest.restoreAllMocks();
  wb.dispose();
});

async function scan(): Promise<ScanRunSummary> {
  await wb.asSystem(() => startScans([PROJECT_KEY], 'schedule'));
  await wb.queue.runDue({ until: 'idle', advanceClock: true });
  const [latest] = await wb.asSystem(() => listRunSummaries(PROJECT_KEY, 1));
  return latest as unknown as ScanRunSummary;
}

const issueById = (id: number) => wb.jira.store.getIssue(id);
const commentsOn = (id: number) => wb.jira.store.listComments(id).length;
const storedLens = (id: number) => wb.jira.store.getIssueProperty(issueById(id)!.key, ISSUE_PROPERTY_KEY);

/** As Jira's delete does: the issue, its properties and comments are gone; its id and keys find nothing. */
const deleteIssue = (id: number) => wb.jira.store.deleteIssue(id);

/**
 * Runs `change` once, right after Jira answered the first request `when` picks (and before the scan reads the
 * answer): someone moving or deleting issues while the scan works.
 */
function meanwhile(when: (req: JiraRequest, res: JiraResponse) => boolean, change: () => void): void {
  const answer = wb.jira.handle.bind(wb.jira);
  let done = false;
  jest.spyOn(wb.jira, 'handle').mockImplementation(async (req) => {
    const res = await answer(req);
    if (!done && when(req, res)) {
      done = true;
      change();
    }
    return res;
  });
}

/** The scan's search page that returned `key` (judged from its fields, not the partition planning's ids). */
const pageWith = (key: string) => (req: JiraRequest, res: JiraResponse) =>
  req.path.includes('/search/jql') && res.body.includes(`"${key}"`) && res.body.includes('"summary"');

/** What the run's figures say: its summary, the health snapshot, and the page's tallies, side by side. */
async function figures(summary: ScanRunSummary) {
  const [snapshot, aggregates] = await wb.asSystem(() =>
    Promise.all([loadHealthSnapshot<StoredHealth>(PROJECT_KEY), loadAggregates(PROJECT_KEY)]),
  );
  const lanes = Object.values(aggregates?.lanes ?? {});
  return {
    summary: { total: summary.health?.total, zombies: summary.health?.zombies },
    snapshot: { total: snapshot?.total, zombies: snapshot?.zombies },
    page: { total: aggregates?.health.total, zombies: aggregates?.health.zombies },
    lanes: {
      issues: lanes.reduce((n, [issues]) => n + issues, 0),
      zombies: lanes.reduce((n, [, , zombies]) => n + zombies, 0),
    },
  };
}

const counting = (total: number, zombies: number) => ({
  summary: { total, zombies },
  snapshot: { total, zombies },
  page: { total, zombies },
  lanes: { issues: total, zombies },
});

describe('an issue that leaves the project between the scan’s search and its writes', () => {
  it('is not commented, labelled or given this project’s verdict when moved, and the run notes it', async () => {
    const [moved, stays] = wb.jira.store.bulkCreateIssues([anIdleStory(), anIdleStory()]);
    const movedId = wb.jira.store.getIssue(moved!)!.id;
    const staysId = wb.jira.store.getIssue(stays!)!.id;
    meanwhile(pageWith(moved!), () => wb.jira.store.moveIssue(moved!, OTHER_PROJECT_KEY));

    const summary = await scan();

    const now = issueById(movedId)!;
    expect(now.projectKey).toBe(OTHER_PROJECT_KEY);
    expect(commentsOn(movedId)).toBe(0);
    expect(now.labels).not.toContain(LABEL);
    // No lens at all: nothing of this project's judgement reached the issue in its new project.
    expect(storedLens(movedId)).toBeUndefined();
    // The issue that stayed is flagged as ever.
    expect(readLens(storedLens(staysId))).toMatchObject({
      zombie: 'true',
      flag: { labelApplied: true, commented: true },
    });
    expect(issueById(staysId)!.labels).toContain(LABEL);
    expect(commentsOn(staysId)).toBe(1);
    // Counted as what happened: one flag, and the moved issue noted as skipped by its old key.
    expect(summary).toMatchObject({
      status: 'finished',
      counters: { flagged: 1, changed: 1, errors: 0, skipped: 1 },
    });
    // A person moving an issue is not an error of the scan.
    expect(summary.errorSamples).toEqual([]);
    expect(summary.skippedSamples).toEqual([
      expect.objectContaining({
        issueKey: moved,
        message: expect.stringMatching(/no longer in OL \(it was moved/),
      }),
    ]);
    // Without naming where it went: the run's readers may not see that project.
    expect(summary.skippedSamples![0]!.message).not.toContain(OTHER_PROJECT_KEY);
    expect(summary.skippedSamples![0]!.message).not.toContain(now.key);
    // The figures count what is in the project: the health snapshot, the page's tallies and lanes agree.
    expect(await figures(summary)).toEqual(counting(1, 1));
  });

  it('goes on past an issue deleted meanwhile, notes it, and leaves it out of the figures', async () => {
    const [deleted, stays] = wb.jira.store.bulkCreateIssues([anIdleStory(), anIdleStory()]);
    const deletedId = wb.jira.store.getIssue(deleted!)!.id;
    const staysId = wb.jira.store.getIssue(stays!)!.id;
    meanwhile(pageWith(deleted!), () => deleteIssue(deletedId));

    const summary = await scan();

    expect(issueById(deletedId)).toBeNull();
    expect(readLens(storedLens(staysId))).toMatchObject({ zombie: 'true', flag: { labelApplied: true } });
    expect(commentsOn(staysId)).toBe(1);
    expect(summary).toMatchObject({
      status: 'finished',
      counters: { flagged: 1, changed: 1, errors: 0, skipped: 1 },
    });
    expect(summary.skippedSamples).toEqual([
      expect.objectContaining({ issueKey: deleted, message: expect.stringMatching(/no longer exists/) }),
    ]);
    expect(await figures(summary)).toEqual(counting(1, 1));
  });

  it('moved and deleted in one page: the figures agree with what the run flagged', async () => {
    const [moved, deleted, stays] = wb.jira.store.bulkCreateIssues([
      anIdleStory(),
      anIdleStory(),
      anIdleStory(),
    ]);
    const movedId = wb.jira.store.getIssue(moved!)!.id;
    const deletedId = wb.jira.store.getIssue(deleted!)!.id;
    meanwhile(pageWith(moved!), () => {
      wb.jira.store.moveIssue(moved!, OTHER_PROJECT_KEY);
      deleteIssue(deletedId);
    });

    const summary = await scan();

    expect(summary).toMatchObject({ status: 'finished', counters: { flagged: 1, errors: 0, skipped: 2 } });
    expect(storedLens(movedId)).toBeUndefined();
    expect(readLens(wb.jira.store.getIssueProperty(stays!, ISSUE_PROPERTY_KEY)).zombie).toBe('true');
    expect(await figures(summary)).toEqual(counting(1, 1));
  });

  it('gets no lens write when moved after its comment: the write the re-read is paid for sees it', async () => {
    const [moved, stays] = wb.jira.store.bulkCreateIssues([anIdleStory(), anIdleStory()]);
    const movedId = wb.jira.store.getIssue(moved!)!.id;
    // Moved once Jira has made its flag comment, before the label edit and the lens write.
    meanwhile(
      (req, res) => req.method === 'POST' && req.path.includes(`/issue/${moved}/comment`) && res.status < 300,
      () => wb.jira.store.moveIssue(moved!, OTHER_PROJECT_KEY),
    );

    const summary = await scan();

    expect(issueById(movedId)!.projectKey).toBe(OTHER_PROJECT_KEY);
    // Its comment is made, and its label edit (by id, with no read in between) reaches it in its new project; but
    // this project's verdict is not written to it there.
    expect(storedLens(movedId)).toBeUndefined();
    expect(readLens(wb.jira.store.getIssueProperty(stays!, ISSUE_PROPERTY_KEY)).zombie).toBe('true');
    expect(summary).toMatchObject({
      status: 'finished',
      counters: { flagged: 1, changed: 1, errors: 0, skipped: 1 },
    });
    expect(summary.skippedSamples).toEqual([
      expect.objectContaining({
        issueKey: moved,
        // Said as it is: the comment and label made before it left stay; only the lens was not written.
        message: expect.stringMatching(
          /no longer in OL \(it was moved.*not written to its lens.*made before it left stays/,
        ),
      }),
    ]);
    expect(await figures(summary)).toEqual(counting(1, 1));
  });
});
