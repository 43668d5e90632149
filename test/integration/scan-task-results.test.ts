/**
 * The scan's lens write when Jira's bulk property task does not write everything: POST
 * /rest/api/3/issue/properties/multi is non-transactional and names its per-issue failures in the task's result,
 * and a task can end FAILED. The real @forge/api and @forge/kvs run over the workbench; the emulator's
 * task-failure fault makes Jira's task end so.
 */
import { kvs } from '@forge/kvs';
import { ISSUE_PROPERTY_KEY, readLens } from '../../src/domain/issue-lens';
import type { ScanRunSummary } from '../../src/contract/scan';
import { createScanConsumer } from '../../src/scan/consumer';
import { SCAN_QUEUE } from '../../src/scan/queue';
import { startScans } from '../../src/scan/trigger';
import { keys } from '../../src/storage/keys';
import { listRunSummaries } from '../../src/storage/scan-state';
import { saveSettings } from '../../src/storage/settings';
import { failStorageWrite } from '../support/storage-faults';
import { anIdleStory, createWorkbench, PROJECT_KEY, type Workbench } from '../support/workbench-harness';
import type { IssueInput } from '../../workbench/jira/types';

let wb: Workbench;
beforeEach(async () => {
  wb = createWorkbench();
  wb.queue.registerConsumer(SCAN_QUEUE, createScanConsumer());
  await wb.asSystem(() => saveSettings(PROJECT_KEY, { flagActions: { label: 'zombie', comment: true } }, 0));
});
afterEach(() => {
  jest.restoreAllMocks();
  wb.dispose();
});

const idle = (): IssueInput => anIdleStory();

async function scan(): Promise<ScanRunSummary> {
  await wb.asSystem(() => startScans([PROJECT_KEY], 'schedule'));
  await wb.queue.runDue({ until: 'idle', advanceClock: true });
  const [latest] = await wb.asSystem(() => listRunSummaries(PROJECT_KEY, 1));
  return latest as unknown as ScanRunSummary;
}

const lensOf = (key: string) => readLens(wb.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY));
const issueOf = (key: string) => wb.jira.store.getIssue(key)!;
const commentsOf = (key: string) => wb.jira.store.listComments(issueOf(key).id).length;
const appEditIntent = (key: string) => wb.asSystem(() => kvs.get(keys.appEdit(PROJECT_KEY, key)));

describe('the scan when Jira’s task does not write every lens', () => {
  it('counts nothing when the task ends FAILED, keeps its intents, and the next run lands the flag once', async () => {
    const key = wb.jira.store.createIssue(idle()).key;
    wb.jira.faults.inject({ kind: 'task-failure', status: 'FAILED', times: 1 });

    const first = await scan();

    expect(first.counters).toMatchObject({ flagged: 0, changed: 0, edits: 2 });
    expect(first.counters.errors).toBeGreaterThan(0);
    expect(lensOf(key)).toMatchObject({ zombie: 'false', flag: null });
    // The label and comment are made: the intent says they are the app's, not a person's activity.
    expect(issueOf(key).labels).toContain('zombie');
    expect(await appEditIntent(key)).not.toBeUndefined();

    const second = await scan();

    expect(second.counters).toMatchObject({ flagged: 1 });
    expect(lensOf(key)).toMatchObject({ zombie: 'true', flag: { labelApplied: true, commented: true } });
    expect(commentsOf(key)).toBe(1);
    expect(await appEditIntent(key)).toBeUndefined();
  });

  it('retries only the issues a COMPLETE task lists as failed, counting each flag once', async () => {
    const [a, b, c] = wb.jira.store.bulkCreateIssues([idle(), idle(), idle()]);
    wb.jira.faults.inject({
      kind: 'task-failure',
      issueIds: [issueOf(b!).id],
      message: 'Issue is being updated by another process.',
      times: 1,
    });

    const first = await scan();

    expect(first.counters).toMatchObject({ flagged: 2, changed: 2, errors: 1 });
    expect(lensOf(a!).zombie).toBe('true');
    expect(lensOf(c!).zombie).toBe('true');
    expect(lensOf(b!)).toMatchObject({ zombie: 'false', flag: null });
    expect(await appEditIntent(b!)).not.toBeUndefined();
    expect(await appEditIntent(a!)).toBeUndefined();

    const second = await scan();

    expect(second.counters).toMatchObject({ flagged: 1 });
    for (const key of [a!, b!, c!]) {
      expect(lensOf(key)).toMatchObject({ zombie: 'true', flag: { labelApplied: true, commented: true } });
      expect(commentsOf(key)).toBe(1);
    }
    expect(await appEditIntent(b!)).toBeUndefined();
  });

  it('counts a flag once when clearing its intent fails after the lens landed', async () => {
    const issueKeys = wb.jira.store.bulkCreateIssues([idle(), idle(), idle()]);
    const hit = failStorageWrite(
      wb.kvs,
      (w) => w.path.endsWith('/delete') && !!w.key?.startsWith(keys.appEditPrefix(PROJECT_KEY)),
    );

    const summary = await scan();

    expect(hit).toHaveLength(1);
    expect(issueKeys.filter((k) => lensOf(k).zombie === 'true')).toHaveLength(3);
    expect(summary.counters).toMatchObject({ flagged: 3, changed: 3 });
    for (const key of issueKeys) {
      expect(commentsOf(key)).toBe(1);
      expect(await appEditIntent(key)).toBeUndefined();
    }
  });
});

describe('the emulator’s task-failure fault', () => {
  it('ends the bulk property task as told and leaves other calls alone', async () => {
    const [a, b] = wb.jira.store.bulkCreateIssues([idle(), idle()]);
    const ids = [issueOf(a!).id, issueOf(b!).id];
    wb.jira.faults.inject({ kind: 'task-failure', issueIds: [ids[1]!], times: 1 });
    const post = () =>
      wb.jira.handle({
        method: 'POST',
        path: '/rest/api/3/issue/properties/multi',
        body: JSON.stringify({
          issues: ids.map((issueID) => ({ issueID, properties: { probe: { n: 1 } } })),
        }),
        actor: { type: 'app' },
      });
    const task = async (res: { headers: Record<string, string> }) =>
      JSON.parse(
        (
          await wb.jira.handle({
            method: 'GET',
            path: new URL(res.headers.location!).pathname,
            actor: { type: 'app' },
          })
        ).body,
      ) as { status: string; result?: { failed: Array<{ issueId: number }> } };

    // A read does not use it up.
    await wb.jira.handle({ method: 'GET', path: `/rest/api/3/issue/${a}`, actor: { type: 'app' } });
    const complete = await task(await post());
    expect(complete.status).toBe('COMPLETE');
    expect(complete.result?.failed.map((f) => f.issueId)).toEqual([ids[1]]);
    expect(wb.jira.store.getIssueProperty(b!, 'probe')).toBeUndefined();
    expect(wb.jira.store.getIssueProperty(a!, 'probe')).toEqual({ n: 1 });

    wb.jira.faults.inject({ kind: 'task-failure', status: 'FAILED', times: 1 });
    expect((await task(await post())).status).toBe('FAILED');
    expect((await task(await post())).status).toBe('COMPLETE');
  });
});
