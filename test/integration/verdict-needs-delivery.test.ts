/**
 * The results review records a verdict only on delivered work: an open issue, or one closed without delivery,
 * is refused with a message saying why, and nothing is written to the issue or the decision log.
 */
import type { WorkbenchApp } from '../../workbench/app';
import { ISSUE_PROPERTY_KEY, readLens } from '../../src/domain/issue-lens';
import type { ConfirmVerdictData, DecisionLogData } from '../../src/contract/project-page';
import { PAGE_PROJECT as P, aProjectPageApp, callPage } from '../support/project-page-app';

let app: WorkbenchApp;
beforeEach(() => (app = aProjectPageApp()));
afterEach(() => app.close());

const call = <T>(fn: string, payload: unknown, user = 'member') => callPage<T>(app, fn, payload, user);

const verdict = (issueKey: string, id: string) => ({
  issueKey,
  idempotencyKey: `verdict-${id}-0001`,
  result: { verdict: 'validated', evidence: 'Abandonment fell from 40% to 31%.' },
});

it('refuses a verdict on work not started, in progress, or closed as Won’t Do, and records one on delivered work', async () => {
  const s = app.jira.store;
  const open = s.createIssue({ projectKey: P, type: 'Story', summary: 'Not started yet' }).key;
  const started = s.createIssue({
    projectKey: P,
    type: 'Story',
    summary: 'Half built',
    status: 'In Progress',
    statusCategory: 'indeterminate',
  }).key;
  const dropped = s.createIssue({
    projectKey: P,
    type: 'Story',
    summary: 'Dropped',
    status: 'Done',
    statusCategory: 'done',
    resolution: "Won't Do",
  }).key;
  const shipped = s.createIssue({
    projectKey: P,
    type: 'Story',
    summary: 'Shipped',
    status: 'Done',
    statusCategory: 'done',
    resolution: 'Done',
  }).key;

  for (const [key, says] of [
    [open, 'not delivered yet'],
    [started, 'not delivered yet'],
    [dropped, 'closed without being delivered'],
  ] as const) {
    const answer = await call<ConfirmVerdictData>('confirmVerdict', verdict(key, key));
    expect(answer).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(answer.ok ? '' : answer.error.message).toContain(says);
    expect(readLens(s.getIssueProperty(key, ISSUE_PROPERTY_KEY)).result).toBeNull();
  }
  const log = await call<DecisionLogData>('decisionLog', {});
  expect(log.ok && log.data.entries).toEqual([]);

  const recorded = await call<ConfirmVerdictData>('confirmVerdict', verdict(shipped, 'shipped'));
  expect(recorded.ok && recorded.data.entry.verdict).toBe('validated');
  expect(readLens(s.getIssueProperty(shipped, ISSUE_PROPERTY_KEY)).result?.verdict).toBe('validated');
});
