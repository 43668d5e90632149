/**
 * A verdict recorded in the results review whose tracked-bet write fails (stored or not): the retry records it
 * whole, and the bet says the verdict was made in the results review. Before, the bet was written after the log
 * row, which a retry replays without writing the bet, so the next scan rewrote the bet as the panel's verdict.
 */
import { createWorkbenchApp, type WorkbenchApp } from '../../workbench/app';
import type { Answer } from '../../src/contract/answer';
import type { ConfirmVerdictData, ResultsReviewData } from '../../src/contract/project-page';
import { seedMeasuredBet } from '../support/results-review';
import { scanThroughPage } from '../support/project-page-app';
import { failStorageWrite } from '../support/storage-faults';
import { utcDay } from '../../src/domain/dates';

let app: WorkbenchApp;
afterEach(() => {
  jest.restoreAllMocks();
  app?.close();
});
const page = <T>(fn: string, payload: unknown, user = 'admin') =>
  app.invoke('outcome-lens-project-page', fn, payload, { user, projectKey: 'DEMO' }) as Promise<Answer<T>>;

it.each([false, true])(
  'a verdict whose bet write fails (stored: %s) is recorded whole by the retry, as the review’s',
  async (lands) => {
    app = createWorkbenchApp({ dataFile: ':memory:' });
    const key = await seedMeasuredBet(app, utcDay(new Date()));
    await scanThroughPage(app);
    const before = await page<ResultsReviewData>('resultsReview', {});
    if (!before.ok) throw new Error(JSON.stringify(before));
    expect(before.data.due.map((b) => b.issueKey)).toContain(key);
    const payload = {
      issueKey: key,
      idempotencyKey: 'verdict-bet-fault-1',
      result: { verdict: 'validated', evidence: 'Fell to 33%.' },
    };
    const hit = failStorageWrite(app.kvs, (w) => (w.key ?? '').startsWith('bet:'), { lands });
    const first = await page<ConfirmVerdictData>('confirmVerdict', payload);
    jest.restoreAllMocks();
    expect(hit).toHaveLength(1);
    expect(first.ok).toBe(false);
    const again = await page<ConfirmVerdictData>('confirmVerdict', payload);
    expect(again.ok).toBe(true);
    const review = await page<ResultsReviewData>('resultsReview', {});
    if (!review.ok) throw new Error(JSON.stringify(review));
    expect(review.data.due.map((b) => b.issueKey)).not.toContain(key);
    await scanThroughPage(app);
    const after = await page<ResultsReviewData>('resultsReview', {});
    if (!after.ok) throw new Error(JSON.stringify(after));
    expect(after.data.recent.filter((r) => r.issueKey === key).map((r) => r.recordedIn)).toEqual([
      'results-review',
    ]);
    const bet = app.kvs.dump().find((r) => r.key === `bet:DEMO:${key}`);
    expect((bet?.value as { recordedIn?: string }).recordedIn).toBe('results-review');
  },
);
