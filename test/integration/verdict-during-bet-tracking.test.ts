/**
 * A verdict confirmed in the results review while a scan tracks the bets: the scan read the delivered item before
 * the verdict and writes the bet's record after it. The record the review wrote (the verdict, who confirmed it,
 * where) stands; before, the scan's record, judged from the lens it had read, put the bet back as due.
 */
import { createWorkbenchApp, type WorkbenchApp } from '../../workbench/app';
import type { Answer } from '../../src/contract/answer';
import type { ConfirmVerdictData, ResultsReviewData } from '../../src/contract/project-page';
import { ISSUE_PROPERTY_KEY, readLens } from '../../src/domain/issue-lens';
import type { TrackedBet } from '../../src/scan/bets';
import { seedMeasuredBet } from '../support/results-review';
import { scanThroughPage } from '../support/project-page-app';
import { utcDay } from '../../src/domain/dates';

let app: WorkbenchApp;
afterEach(() => {
  jest.restoreAllMocks();
  app?.close();
});
const page = <T>(fn: string, payload: unknown) =>
  app.invoke('outcome-lens-project-page', fn, payload, { user: 'admin', projectKey: 'DEMO' }) as Promise<
    Answer<T>
  >;
const betOf = (key: string) =>
  app.kvs.dump().find((r) => r.key === `bet:DEMO:${key}`)?.value as TrackedBet | undefined;

it('a verdict confirmed between the scan’s read of a bet and its write of the bet’s record stands', async () => {
  app = createWorkbenchApp({ dataFile: ':memory:' });
  const key = await seedMeasuredBet(app, utcDay(new Date()));
  await scanThroughPage(app);
  expect(betOf(key)).toMatchObject({ status: 'due', result: null });

  // The next scan's search of delivered bets answers; the verdict is confirmed right after, before the scan
  // writes what it read.
  const answer = app.jira.handle.bind(app.jira);
  let confirmed: Answer<ConfirmVerdictData> | null = null;
  jest.spyOn(app.jira, 'handle').mockImplementation(async (req) => {
    const res = await answer(req);
    if (
      confirmed === null &&
      req.path.includes('/search/jql') &&
      /checkBy/.test(JSON.stringify(req.body ?? ''))
    )
      confirmed = await page<ConfirmVerdictData>('confirmVerdict', {
        issueKey: key,
        idempotencyKey: 'verdict-during-tracking',
        result: { verdict: 'validated', evidence: 'Fell to 33%.' },
      });
    return res;
  });
  await scanThroughPage(app);
  jest.restoreAllMocks();
  expect(confirmed).toMatchObject({ ok: true });
  expect(betOf(key)).toMatchObject({
    status: 'validated',
    result: { verdict: 'validated', evidence: 'Fell to 33%.' },
    recordedIn: 'results-review',
  });
  const review = await page<ResultsReviewData>('resultsReview', {});
  if (!review.ok) throw new Error(JSON.stringify(review));
  expect(review.data.due.map((b) => b.issueKey)).not.toContain(key);
  expect(review.data.recent.filter((r) => r.issueKey === key).map((r) => r.recordedIn)).toEqual([
    'results-review',
  ]);
});

it('a verdict taken back after it was confirmed is taken back in the bet’s record by the next scan', async () => {
  app = createWorkbenchApp({ dataFile: ':memory:' });
  const key = await seedMeasuredBet(app, utcDay(new Date()));
  await scanThroughPage(app);
  const confirmed = await page<ConfirmVerdictData>('confirmVerdict', {
    issueKey: key,
    idempotencyKey: 'verdict-taken-back',
    result: { verdict: 'validated', evidence: 'Fell to 33%.' },
  });
  expect(confirmed.ok).toBe(true);
  // Taken back in the issue's panel: the lens has no result any more.
  const lens = readLens(app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY));
  app.jira.store.setIssueProperty(key, ISSUE_PROPERTY_KEY, {
    ...lens,
    version: lens.version + 1,
    result: null,
    betStatus: null,
  });
  app.jira.index.catchUp();
  await scanThroughPage(app);
  expect(betOf(key)).toMatchObject({ status: 'due', result: null });
});
