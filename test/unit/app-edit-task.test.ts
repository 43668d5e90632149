import { lastRealActivity } from '../../src/domain/activity';
import { emptyLens, type IssueLens } from '../../src/domain/issue-lens';
import { JiraClient } from '../../src/jira/client';
import { bulkProgressSchema, type JiraBulkProgress } from '../../src/jira/schemas';
import { BULK_TASK_BOUND_MS, BULK_TASK_KEPT_MS, settleAppEditTask } from '../../src/scan/scan-page';
import { AppEditTaskLookup } from '../../src/scan/writer';

const SUBMITTED = '2026-06-01T06:00:00.000Z';
const PERSON = '2026-03-01T00:00:00.000Z';
const after = (ms: number) => new Date(Date.parse(SUBMITTED) + ms).toISOString();
const issue = (updated: string) => ({ id: 10001, updated });

/** A flagged lens stamped when the app submitted a bulk label edit Jira had not finished. */
const pending: IssueLens = {
  ...emptyLens(),
  zombie: 'true',
  flag: { flaggedAt: SUBMITTED, rules: [], labelApplied: true, commented: false },
  lastAppEditAt: after(2_000),
  realActivityBeforeAppEdit: PERSON,
  appEditTask: { taskId: '10000', at: SUBMITTED },
};
const tomorrow = new Date(after(86_400_000));

describe('the app’s bulk label edit that Jira finished after the scan stamped the lens', () => {
  it('reads no bump of updated as a person’s while the task may still land', () => {
    const input = {
      created: PERSON,
      lastAppEditAt: pending.lastAppEditAt,
      realActivityBeforeAppEdit: PERSON,
    };
    expect(lastRealActivity({ ...input, updated: after(600_000), appEditPending: true })).toBe(PERSON);
    expect(lastRealActivity({ ...input, updated: after(600_000) })).toBe(after(600_000));
  });

  it('stays pending while Jira says it is queued, or was not asked', () => {
    expect(settleAppEditTask(pending, issue(after(600_000)), { over: false }, tomorrow)).toBe(pending);
    expect(settleAppEditTask(pending, issue(after(600_000)), undefined, tomorrow)).toBe(pending);
  });

  it('takes updated up to the task’s end as the app’s, and later edits as a person’s', () => {
    const done = { over: true as const, endedAt: after(600_000), applied: new Set([10001]) };
    const settled = settleAppEditTask(pending, issue(after(600_000)), done, tomorrow);
    expect(settled).toMatchObject({ lastAppEditAt: after(600_000), flag: { labelApplied: true } });
    expect(settled.appEditTask).toBeUndefined();
    const read = (updated: string) =>
      lastRealActivity({
        created: PERSON,
        updated,
        lastAppEditAt: settled.lastAppEditAt,
        realActivityBeforeAppEdit: settled.realActivityBeforeAppEdit,
        appEditPending: !!settled.appEditTask,
      });
    expect(read(after(600_000))).toBe(PERSON);
    expect(read(after(700_000))).toBe(after(700_000));
  });

  it('no longer takes the label as applied when the ended task did not edit the issue', () => {
    const failed = { over: true as const, endedAt: after(600_000), applied: new Set<number>() };
    expect(settleAppEditTask(pending, issue(after(2_000)), failed, tomorrow).flag?.labelApplied).toBe(false);
  });

  it('ends a task Jira forgot or cannot tell about at the bound after its submission, never at updated', () => {
    const forgotten = { over: true as const, endedAt: null, applied: null };
    const unknown = { over: null };
    const bound = after(BULK_TASK_BOUND_MS);
    for (const state of [forgotten, unknown]) {
      // Within the bound it may still land: pending.
      expect(settleAppEditTask(pending, issue(after(600_000)), state, new Date(after(30 * 60_000)))).toBe(
        pending,
      );
      // Past it, ended at the bound: a bump within it is the app's, a person's edit after it (day 3) counts.
      const settled = settleAppEditTask(pending, issue(after(3 * 86_400_000)), state, tomorrow);
      expect(settled.appEditTask).toBeUndefined();
      expect(settled.lastAppEditAt).toBe(bound);
      const read = (updated: string) =>
        lastRealActivity({
          created: PERSON,
          updated,
          lastAppEditAt: settled.lastAppEditAt,
          realActivityBeforeAppEdit: settled.realActivityBeforeAppEdit,
        });
      expect(read(after(600_000))).toBe(PERSON);
      expect(read(after(3 * 86_400_000))).toBe(after(3 * 86_400_000));
    }
  });

  it('keeps a task Jira says is still queued pending past the bound', () => {
    expect(settleAppEditTask(pending, issue(after(600_000)), { over: false }, tomorrow)).toBe(pending);
  });

  it('gives up waiting once the task is older than Jira keeps it, ending it at the bound', () => {
    const late = new Date(after(BULK_TASK_KEPT_MS + 1_000));
    for (const state of [{ over: false as const }, undefined]) {
      const settled = settleAppEditTask(pending, issue(after(13 * 86_400_000)), state, late);
      expect(settled.appEditTask).toBeUndefined();
      expect(settled.lastAppEditAt).toBe(after(BULK_TASK_BOUND_MS));
    }
  });

  it('takes a bump within the clock skew after the task’s end as the task’s, and one past it as a person’s', () => {
    const done = { over: true as const, endedAt: after(600_000), applied: new Set([10001]) };
    const read = (updated: string) => {
      const settled = settleAppEditTask(pending, issue(updated), done, tomorrow);
      return lastRealActivity({
        created: PERSON,
        updated,
        lastAppEditAt: settled.lastAppEditAt,
        realActivityBeforeAppEdit: settled.realActivityBeforeAppEdit,
      });
    };
    expect(read(after(603_000))).toBe(PERSON);
    expect(read(after(605_000))).toBe(PERSON);
    expect(read(after(606_000))).toBe(after(606_000));
  });
});

/** A client whose GET /bulk/queue/{taskId} answers `answers` in turn (the last one for good), parsed as Jira's. */
function clientAnswering(...answers: unknown[]): { jira: JiraClient; asked: () => number } {
  let asked = 0;
  const jira = Object.create(JiraClient.prototype) as JiraClient;
  jira.getBulkProgress = (): Promise<JiraBulkProgress> =>
    Promise.resolve(bulkProgressSchema.parse(answers[Math.min(asked++, answers.length - 1)]));
  return { jira, asked: () => asked };
}

describe('what Jira says of a bulk task', () => {
  it('reads the spec’s epoch-millisecond times: the task ended when Jira last moved it', async () => {
    // The example of GET /rest/api/3/bulk/queue/{taskId} in Jira's platform REST API v3 spec, as Jira sends it.
    const example =
      '{"created":1704110400000,"invalidOrInaccessibleIssueCount":0,"processedAccessibleIssues":[10001,10002],' +
      '"progressPercent":100,"started":1704110460000,"status":"COMPLETE",' +
      '"submittedBy":{"accountId":"5b10a2844c20165700ede21g"},"taskId":"10000","totalIssueCount":2,' +
      '"updated":1704110520000}';
    const lookup = new AppEditTaskLookup(clientAnswering(JSON.parse(example)).jira);
    await lookup.lookUp(['10000']);
    expect(lookup.states.get('10000')).toEqual({
      over: true,
      endedAt: new Date(1704110520000).toISOString(),
      applied: new Set([10001, 10002]),
    });
  });

  it('reads date-time text, and the start when Jira gives no last move', async () => {
    const lookup = new AppEditTaskLookup(
      clientAnswering({ status: 'FAILED', started: '2024-01-01T12:01:00.000+0000' }).jira,
    );
    await lookup.lookUp(['10000']);
    expect(lookup.states.get('10000')).toEqual({
      over: true,
      endedAt: '2024-01-01T12:01:00.000Z',
      applied: null,
    });
  });

  it('takes a cancel requested as not over, in the writer’s polling as in the next scan’s lookup', async () => {
    const requested = { status: 'CANCEL_REQUESTED', updated: 1704110520000 };
    const polled = clientAnswering(requested);
    expect(await polled.jira.waitForBulkTask('10000', { attempts: 3, intervalMs: 0 })).toMatchObject({
      finished: false,
    });
    expect(polled.asked()).toBe(3);
    const lookup = new AppEditTaskLookup(clientAnswering(requested).jira);
    await lookup.lookUp(['10000']);
    expect(lookup.states.get('10000')).toEqual({ over: false });

    const cancelled = { status: 'CANCELLED', updated: 1704110580000, processedAccessibleIssues: [] };
    const ended = clientAnswering(requested, cancelled);
    expect(await ended.jira.waitForBulkTask('10000', { attempts: 3, intervalMs: 0 })).toMatchObject({
      finished: true,
      progress: { status: 'CANCELLED' },
    });
    const later = new AppEditTaskLookup(clientAnswering(cancelled).jira);
    await later.lookUp(['10000']);
    expect(later.states.get('10000')).toMatchObject({
      over: true,
      endedAt: new Date(1704110580000).toISOString(),
    });
  });
});
