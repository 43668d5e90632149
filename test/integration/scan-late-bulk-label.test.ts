/**
 * Jira runs the scan's bulk label edit as a background task that can outlast the writer's polling and land
 * minutes later, bumping each issue's `updated` then. The next scan asks Jira when the task ended and takes the
 * bump as the app's own, not as a person's activity; a person's edit after it still counts.
 */
import { ISSUE_PROPERTY_KEY, readLens } from '../../src/domain/issue-lens';
import type { ScanRunSummary } from '../../src/contract/scan';
import { JiraClient } from '../../src/jira/client';
import { createScanConsumer } from '../../src/scan/consumer';
import { decide } from '../../src/services/kill-review';
import { SCAN_QUEUE } from '../../src/scan/queue';
import { startScans } from '../../src/scan/trigger';
import { listRunSummaries } from '../../src/storage/scan-state';
import { saveSettings } from '../../src/storage/settings';
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
const BULK_EDIT = 'POST /rest/api/3/bulk/issues/fields';
const PROGRESS = 'GET /rest/api/3/bulk/queue';

let wb: Workbench;
afterEach(() => wb.dispose());

const now = () => wb.clock.now!.getTime();
const at = (ms: number) => {
  wb.clock.now = new Date(ms);
  return new Date(ms).toISOString();
};
const lensOf = (key: string) => readLens(wb.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY));
const issueOf = (key: string) => wb.jira.store.getIssue(key)!;

async function scan(): Promise<ScanRunSummary> {
  await wb.asSystem(() => startScans([PROJECT_KEY], 'schedule'));
  await wb.queue.runDue({ until: 'idle', advanceClock: true });
  const [latest] = await wb.asSystem(() => listRunSummaries(PROJECT_KEY, 1));
  return latest as unknown as ScanRunSummary;
}

/** Jira calls from `mark` on, by method and path without ids or query. */
function callsSince(mark: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of wb.jira.calls.slice(mark)) {
    const path = c.path
      .split('?')[0]!
      .replace(/\/bulk\/queue\/\w+$/, '/bulk/queue')
      .replace(/\/[A-Z]+-\d+/g, '/{key}');
    out[`${c.method} ${path}`] = (out[`${c.method} ${path}`] ?? 0) + 1;
  }
  return out;
}

const progressOf = (taskId: string) => wb.asSystem(() => JiraClient.asApp().getBulkProgress(taskId));

/**
 * Three items idle past 60 days, flagged with the label on by a first scan whose bulk label edit Jira leaves
 * ENQUEUED past the writer's polling (the lenses land at once).
 */
async function flagWithLateLabels(): Promise<{ keys: string[]; taskId: string }> {
  wb = createWorkbench({ now: new Date(START), latency: 'off', rateLimits: 'off' });
  wb.queue.registerConsumer(SCAN_QUEUE, createScanConsumer({ clock: now }));
  await wb.asSystem(() => saveSettings(PROJECT_KEY, { flagActions: { label: 'zombie', comment: false } }, 0));
  const keys = wb.jira.store.bulkCreateIssues([1, 2, 3].map(() => anIdleStory(START)));
  wb.jira.bulkEditDelayRequests = 10_000;

  const first = await scan();

  expect(first).toMatchObject({ status: 'finished', counters: { flagged: 3, errors: 0 } });
  // The one bulk edit's task, as the writer polled it.
  const polled = wb.jira.calls.flatMap((c) => /\/bulk\/queue\/(\w+)$/.exec(c.path)?.[1] ?? []);
  expect(new Set(polled).size).toBe(1);
  const taskId = polled[0]!;
  for (const key of keys) {
    expect(lensOf(key)).toMatchObject({ zombie: 'true', flag: { labelApplied: true } });
    // Not yet: Jira has only queued the edit.
    expect(issueOf(key).labels).not.toContain('zombie');
  }
  const queued = await progressOf(taskId);
  expect(queued).toMatchObject({ status: 'ENQUEUED', created: new Date(START).toISOString() });
  expect(queued.started).toBeUndefined();
  return { keys, taskId };
}

/** Jira runs the queued edit `afterMs` after the first scan: the labels land and `updated` moves to then. */
async function landAfter(afterMs: number, taskId: string, keys: string[]): Promise<string> {
  const landed = at(START + afterMs);
  await wb.jira.landBackgroundTasks();
  for (const key of keys) {
    expect(issueOf(key).labels).toContain('zombie');
    expect(issueOf(key).updated).toBe(landed);
    // Later than the app's stamp, and past the 900 s an app-edit intent explains.
    expect(Date.parse(issueOf(key).updated)).toBeGreaterThan(Date.parse(lensOf(key).lastAppEditAt!));
  }
  expect(await progressOf(taskId)).toMatchObject({
    status: 'COMPLETE',
    progressPercent: 100,
    created: new Date(START).toISOString(),
    started: landed,
    updated: landed,
  });
  return landed;
}

describe('a bulk label edit Jira applies after the scan stopped polling it', () => {
  it('is not read as activity by the next scan: the items stay flagged and keep their label', async () => {
    const { keys, taskId } = await flagWithLateLabels();
    const landed = await landAfter(20 * MINUTE, taskId, keys);

    at(START + DAY);
    const mark = wb.jira.calls.length;
    const next = await scan();

    expect(next).toMatchObject({ status: 'finished', counters: { cleared: 0, errors: 0 } });
    const calls = callsSince(mark);
    expect(calls[BULK_EDIT] ?? 0).toBe(0);
    expect(calls['PUT /rest/api/3/issue/{key}'] ?? 0).toBe(0);
    for (const key of keys) {
      expect(lensOf(key).zombie).toBe('true');
      expect(issueOf(key).labels).toContain('zombie');
    }
    // One question for the task, not one per issue; its end is now the app's stamp.
    expect(calls[PROGRESS]).toBe(1);
    for (const key of keys) {
      expect(lensOf(key).lastAppEditAt).toBe(landed);
      expect(lensOf(key).appEditTask).toBeUndefined();
    }
  });

  it('still counts a person’s edit made after the task landed', async () => {
    const { keys, taskId } = await flagWithLateLabels();
    await landAfter(20 * MINUTE, taskId, keys);
    wb.jira.bulkEditDelayRequests = null;
    const [touched, ...others] = keys as [string, ...string[]];
    wb.jira.store.touch(issueOf(touched).id, at(START + 2 * 60 * MINUTE));

    at(START + DAY);
    const next = await scan();

    expect(next).toMatchObject({ status: 'finished', counters: { cleared: 1, errors: 0 } });
    expect(lensOf(touched)).toMatchObject({ zombie: 'false', flag: null });
    expect(issueOf(touched).labels).not.toContain('zombie');
    for (const key of others) {
      expect(lensOf(key).zombie).toBe('true');
      expect(issueOf(key).labels).toContain('zombie');
    }
  });

  it('takes no bump for activity while the task is still queued, and settles it once Jira ran it', async () => {
    const { keys, taskId } = await flagWithLateLabels();

    at(START + DAY);
    let mark = wb.jira.calls.length;
    expect(await scan()).toMatchObject({ status: 'finished', counters: { cleared: 0, errors: 0 } });
    // Still Jira's to run: not labelled again.
    expect(callsSince(mark)[BULK_EDIT] ?? 0).toBe(0);
    const askedWhileQueued = callsSince(mark)[PROGRESS];
    const namedWhileQueued = keys.map((k) => lensOf(k).appEditTask?.taskId);

    const landed = await landAfter(DAY + 60 * MINUTE, taskId, keys);
    at(START + 2 * DAY);
    mark = wb.jira.calls.length;
    expect(await scan()).toMatchObject({ status: 'finished', counters: { cleared: 0, errors: 0 } });
    expect(callsSince(mark)[BULK_EDIT] ?? 0).toBe(0);
    for (const key of keys) {
      expect(lensOf(key).zombie).toBe('true');
      expect(issueOf(key).labels).toContain('zombie');
    }
    // While queued, Jira was asked once and the lenses kept naming the task; once over, its end is the stamp.
    expect(askedWhileQueued).toBe(1);
    expect(namedWhileQueued).toEqual(keys.map(() => taskId));
    for (const key of keys) {
      expect(lensOf(key).lastAppEditAt).toBe(landed);
      expect(lensOf(key).appEditTask).toBeUndefined();
    }
  });

  it('credits the bump to a task Jira no longer knows, then counts the next person’s edit', async () => {
    const { keys, taskId } = await flagWithLateLabels();
    await landAfter(20 * MINUTE, taskId, keys);
    // Jira's answer to a task id it does not know (the platform spec's example for GET /bulk/queue/{taskId}).
    wb.jira.faults.inject({
      kind: 'refused',
      message: 'The task associated with this taskId is not a bulk operation task',
      match: { method: 'GET', pathIncludes: '/bulk/queue/' },
    });

    at(START + DAY);
    expect(await scan()).toMatchObject({ status: 'finished', counters: { cleared: 0, errors: 0 } });
    for (const key of keys) {
      expect(lensOf(key).zombie).toBe('true');
      expect(lensOf(key).appEditTask).toBeUndefined();
    }

    wb.jira.faults.clear();
    wb.jira.bulkEditDelayRequests = null;
    const [touched] = keys as [string, ...string[]];
    wb.jira.store.touch(issueOf(touched).id, at(START + DAY + 60 * MINUTE));
    at(START + 2 * DAY);
    expect(await scan()).toMatchObject({ status: 'finished', counters: { cleared: 1, errors: 0 } });
    expect(lensOf(touched).zombie).toBe('false');
    expect(issueOf(touched).labels).not.toContain('zombie');
  });

  it('counts a person’s edit made after the app lost Make bulk changes, on the first scan past the bound', async () => {
    const { keys, taskId } = await flagWithLateLabels();
    await landAfter(20 * MINUTE, taskId, keys);
    wb.jira.bulkEditDelayRequests = null;
    // A site admin takes Make bulk changes away from the app's account: Jira no longer tells it how the task went.
    wb.jira.store.setGlobal(wb.jira.appAccountId, 'BULK_CHANGE', false);
    const [touched, ...others] = keys as [string, ...string[]];
    wb.jira.store.touch(issueOf(touched).id, at(START + 3 * DAY));

    at(START + 4 * DAY);
    await scan();

    // The task ended by the bound after its submission: its landing is the app's, the day-3 edit the person's.
    expect(lensOf(touched).zombie).toBe('false');
    expect(lensOf(touched).appEditTask).toBeUndefined();
    for (const key of others) {
      expect(lensOf(key)).toMatchObject({
        zombie: 'true',
        lastAppEditAt: new Date(START + 60 * MINUTE).toISOString(),
      });
      expect(lensOf(key).appEditTask).toBeUndefined();
    }
  });

  it('takes off a label that landed after a Keep cleared the flag, once the task settles', async () => {
    const { keys, taskId } = await flagWithLateLabels();
    const [kept, ...others] = keys as [string, ...string[]];
    // A person keeps the item while Jira still has the label edit queued: there is no label yet to take off.
    at(START + 10 * MINUTE);
    await wb.asUser(USERS.admin, () =>
      decide(
        {
          accountId: USERS.admin,
          moduleKey: 'outcome-lens-project-page',
          issueKey: null,
          projectKey: PROJECT_KEY,
        },
        {
          issueKey: kept,
          idempotencyKey: 'keep-before-the-label-lands',
          decision: { kind: 'keep', reason: 'Still wanted', snoozeUntil: '2035-01-01' },
        },
        { now: () => new Date(now()) },
      ),
    );
    expect(lensOf(kept)).toMatchObject({ flag: null, appEditTask: { taskId } });
    await landAfter(20 * MINUTE, taskId, keys);
    wb.jira.bulkEditDelayRequests = null;

    at(START + DAY);
    const mark = wb.jira.calls.length;
    await scan();

    expect(callsSince(mark)[BULK_EDIT]).toBe(1);
    expect(issueOf(kept).labels).not.toContain('zombie');
    expect(lensOf(kept)).toMatchObject({ flag: null, snoozedUntil: '2035-01-01' });
    expect(lensOf(kept).appEditTask).toBeUndefined();
    for (const key of others) {
      expect(lensOf(key)).toMatchObject({ zombie: 'true', flag: { labelApplied: true } });
      expect(issueOf(key).labels).toContain('zombie');
    }
  });
});
