import { lastRealActivity } from '../../src/domain/activity';
import { emptyLens, type IssueLens } from '../../src/domain/issue-lens';
import { BULK_TASK_KEPT_MS, settleAppEditTask } from '../../src/scan/scan-page';

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

  it('credits the bump seen to a task Jira forgot, within the 14 days Jira keeps one', () => {
    const forgotten = { over: true as const, endedAt: null, applied: null };
    expect(settleAppEditTask(pending, issue(after(600_000)), forgotten, tomorrow).lastAppEditAt).toBe(
      after(600_000),
    );
    expect(
      settleAppEditTask(pending, issue(after(BULK_TASK_KEPT_MS + 1_000)), forgotten, tomorrow).lastAppEditAt,
    ).toBe(after(BULK_TASK_KEPT_MS));
  });

  it('gives up waiting once the task is older than Jira keeps it', () => {
    const late = new Date(after(BULK_TASK_KEPT_MS + 1_000));
    const settled = settleAppEditTask(pending, issue(after(600_000)), { over: false }, late);
    expect(settled.appEditTask).toBeUndefined();
    expect(settled.lastAppEditAt).toBe(after(600_000));
  });
});
