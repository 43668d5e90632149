/**
 * A verdict recorded in the results review is held to Jira's limit on a property value (32,768 characters of
 * JSON) by the app, as the issue panel's save is: a lens the verdict would take over it is refused with the app's
 * own message, before anything is written (the lens, the decision log), rather than with Jira's bare 400.
 */
import type { WorkbenchApp } from '../../workbench/app';
import { ISSUE_PROPERTY_KEY, PROPERTY_VALUE_LIMIT } from '../../src/domain/issue-lens';
import type { ConfirmVerdictData, ResultsReviewData } from '../../src/contract/project-page';
import { PAGE_PROJECT as P, aProjectPageApp, callPage, dataOf } from '../support/project-page-app';

let app: WorkbenchApp;
beforeEach(() => (app = aProjectPageApp()));
afterEach(() => app.close());

const call = <T>(fn: string, payload: unknown, user = 'member') => callPage<T>(app, fn, payload, user);
/** The verdicts the project's decision log holds, as the results review lists them. */
const loggedVerdicts = async () =>
  dataOf(await call<ResultsReviewData>('resultsReview', {})).recent.filter(
    (v) => v.recordedIn === 'results-review',
  );

/** A delivered bet whose lens holds long texts: a few thousand characters short of Jira's limit. */
function deliveredBetNearTheLimit(): { key: string; lens: Record<string, unknown> } {
  const s = app.jira.store;
  const key = s.createIssue({
    projectKey: P,
    type: 'Story',
    summary: 'One-page checkout',
    status: 'Done',
    statusCategory: 'done',
    resolution: 'Done',
  }).key;
  const lens: Record<string, unknown> = {
    version: 3,
    hypothesis: {
      persona: 'a returning shopper',
      intent: 'to pay on one page '.repeat(800),
      benefit: 'I finish my order '.repeat(800),
    },
    expected: { metric: 'Checkout abandonment', baseline: 40, target: 30, unit: '%', direction: 'decrease' },
    hasHypothesis: 'true',
  };
  s.setIssueProperty(key, ISSUE_PROPERTY_KEY, lens);
  const size = JSON.stringify(lens).length;
  expect(size).toBeGreaterThan(PROPERTY_VALUE_LIMIT - 5_000);
  expect(size).toBeLessThan(PROPERTY_VALUE_LIMIT - 1_000);
  return { key, lens };
}

const verdict = (issueKey: string, evidence: string, id = 'long') => ({
  issueKey,
  idempotencyKey: `verdict-${id}-0001`,
  result: { verdict: 'validated', evidence },
});

it('refuses a verdict that would take the lens over Jira’s limit, with the app’s message, and writes nothing', async () => {
  const { key, lens } = deliveredBetNearTheLimit();
  const request = verdict(key, 'Abandonment fell from 40% to 31% over the quarter. '.repeat(75));

  const refused = await call<ConfirmVerdictData>('confirmVerdict', request);
  expect(refused).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  const message = refused.ok ? '' : refused.error.message;
  expect(message).toMatch(/^This is too much text to store on one issue \([\d,]+ of 32,768 characters\)\./);
  expect(message).toContain('record the verdict again');
  // Nothing written: the lens as it was, no entry in the decision log.
  expect(app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY)).toEqual(lens);
  expect(await loggedVerdicts()).toEqual([]);

  // The same request sent again is refused the same way, not replayed as if recorded.
  const again = await call<ConfirmVerdictData>('confirmVerdict', request);
  expect(again.ok ? '' : again.error.message).toBe(message);
  expect(app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY)).toEqual(lens);

  // Shorter evidence fits, and is recorded at once: the refusal left no lock or claim behind.
  const recorded = dataOf(
    await call<ConfirmVerdictData>('confirmVerdict', verdict(key, 'Abandonment fell to 31%.', 'short')),
  );
  expect(recorded).toMatchObject({ replayed: false, entry: { verdict: 'validated' } });
  expect(app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY)).toMatchObject({
    version: 4,
    result: { verdict: 'validated', evidence: 'Abandonment fell to 31%.' },
  });
  expect(await loggedVerdicts()).toMatchObject([{ issueKey: key, evidence: 'Abandonment fell to 31%.' }]);
});
