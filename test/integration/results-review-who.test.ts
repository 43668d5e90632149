/**
 * The results review names who recorded each verdict: the person who set the result in the issue panel, not
 * whoever saved the issue's lens after them, before and after the next scan. Two people confirming one verdict at
 * once get one recorded (a guard: it held before the mend too).
 */
import type { WorkbenchApp } from '../../workbench/app';
import type { Answer } from '../../src/contract/answer';
import type { ConfirmVerdictData, ResultsReviewData } from '../../src/contract/project-page';
import type { PanelLoadData } from '../../src/contract/issue-panel';
import { callPanel } from '../support/issue-panel-app';
import { aProjectPageApp, callPage, dataOf } from '../support/project-page-app';
import { createDueBet } from '../support/results-review';

const today = new Date().toISOString().slice(0, 10);
let app: WorkbenchApp;

const ok = <T>(a: unknown) => dataOf(a as Answer<T>);
const page = <T>(fn: string, payload: unknown, user = 'member') => callPage<T>(app, fn, payload, user);
const panel = <T>(fn: string, payload: unknown, user: string, issueKey: string) =>
  callPanel<T>(app, fn, payload, user, issueKey);

beforeEach(() => {
  app = aProjectPageApp();
});
afterEach(() => app.close());

describe('who recorded a verdict', () => {
  it('names the person who set the result in the panel, not whoever saved the issue’s lens after them', async () => {
    const key = createDueBet(app, today);
    await app.runScheduledTrigger('outcome-lens-daily-scan');
    // The member records the verdict in the issue panel.
    const loaded = ok<PanelLoadData>(await panel('load', {}, 'member', key));
    const result = { verdict: 'validated', evidence: 'Abandonment fell from 40% to 31% in 8 weeks.' };
    const saved = ok<{ lens: PanelLoadData['lens'] }>(
      await panel(
        'save',
        { issueKey: key, version: loaded.lens.version, draft: { ...loaded.lens.draft, result } },
        'member',
        key,
      ),
    );
    // Later the admin mends a typo in the persona; the result is left as it is.
    const draft = {
      ...saved.lens.draft,
      hypothesis: { ...saved.lens.draft.hypothesis, persona: 'a returning customer' },
    };
    ok(await panel('save', { issueKey: key, version: saved.lens.version, draft }, 'admin', key));

    const member = app.accountIdOf('member');
    const review = ok<ResultsReviewData>(await page('resultsReview', {}, 'viewer'));
    expect(review.recent.map((e) => [e.issueKey, e.verdict, e.by])).toEqual([[key, 'validated', member]]);
    // And once the next scan took it in.
    await app.runScheduledTrigger('outcome-lens-daily-scan');
    const later = ok<ResultsReviewData>(await page('resultsReview', {}, 'viewer'));
    expect(later.recent.map((e) => [e.issueKey, e.verdict, e.by])).toEqual([[key, 'validated', member]]);
  });
});

describe('verdict write paths', () => {
  it('two people confirming at once with their own request ids: one recorded, the other told', async () => {
    const key = createDueBet(app, today);
    await app.runScheduledTrigger('outcome-lens-daily-scan');
    const [a, b] = await Promise.all([
      page<ConfirmVerdictData>(
        'confirmVerdict',
        {
          issueKey: key,
          idempotencyKey: 'verdict-aaaa-0001',
          result: { verdict: 'validated', evidence: 'It fell.' },
        },
        'member',
      ),
      page<ConfirmVerdictData>(
        'confirmVerdict',
        {
          issueKey: key,
          idempotencyKey: 'verdict-bbbb-0002',
          result: { verdict: 'invalidated', evidence: 'It did not.' },
        },
        'admin',
      ),
    ]);
    expect([a.ok, b.ok].sort()).toEqual([false, true]);
  });
});
