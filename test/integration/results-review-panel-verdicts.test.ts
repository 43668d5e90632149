/**
 * A verdict confirmed in the results review and then changed or taken back in the issue's panel (where the review's
 * own refusal sends people to change one): after the next scan the review lists the panel's verdict, or offers the
 * bet for a verdict again, and no longer lists the verdict it replaced.
 */
import type { ConfirmVerdictData, ResultsReviewData } from '../../src/contract/project-page';
import type { Answer } from '../../src/contract/answer';
import {
  ISSUE_PANEL_RESOLVERS,
  type PanelLoadData,
  type PanelSaveData,
} from '../../src/contract/issue-panel';
import type { IssueLensDraft } from '../../src/domain/schemas';
import type { WorkbenchApp } from '../../workbench/app';
import { aProjectPageApp, callPage, dataOf, scanThroughPage } from '../support/project-page-app';
import { createDueBet } from '../support/results-review';

let app: WorkbenchApp;
const today = new Date().toISOString().slice(0, 10);
beforeEach(() => (app = aProjectPageApp()));
afterEach(() => app.close());

const panel = async <T>(fn: string, payload: unknown, issueKey: string) =>
  (await app.invoke('outcome-lens-issue-panel', fn, payload, { user: 'admin', issueKey })) as Answer<T>;

/** A delivered bet, due, scanned, and its verdict confirmed in the results review by the member. */
async function confirmedBet(): Promise<string> {
  const key = createDueBet(app, today);
  await app.runScheduledTrigger('outcome-lens-daily-scan');
  dataOf(
    await callPage<ConfirmVerdictData>(
      app,
      'confirmVerdict',
      {
        issueKey: key,
        idempotencyKey: 'verdict-request-1',
        result: { verdict: 'validated', evidence: 'Abandonment fell to 31%.' },
      },
      'member',
    ),
  );
  return key;
}

/** The admin saves the panel's draft as `change` makes it; then the next scan, and the review as a viewer reads it. */
async function panelSaveThenReview(
  key: string,
  change: (draft: IssueLensDraft) => IssueLensDraft,
): Promise<{ saved: PanelSaveData; review: ResultsReviewData }> {
  const loaded = dataOf(await panel<PanelLoadData>(ISSUE_PANEL_RESOLVERS.load, {}, key));
  const saved = dataOf(
    await panel<PanelSaveData>(
      ISSUE_PANEL_RESOLVERS.save,
      { version: loaded.lens.version, draft: change(loaded.lens.draft) },
      key,
    ),
  );
  // Jira's search has taken in the panel's save before the scan reads it.
  app.jira.index.catchUp();
  await scanThroughPage(app);
  return { saved, review: dataOf(await callPage<ResultsReviewData>(app, 'resultsReview', {}, 'viewer')) };
}

it('lists the verdict the panel changed it to, by whom, not the one it replaced', async () => {
  const key = await confirmedBet();
  // The admin finds the evidence was wrong and changes the verdict in the panel.
  const { saved, review } = await panelSaveThenReview(key, (draft) => ({
    ...draft,
    result: { verdict: 'invalidated', evidence: 'The dashboard double counted; it did not move.' },
  }));
  expect(saved.lens.draft.result?.verdict).toBe('invalidated');
  const entry = review.recent.find((e) => e.issueKey === key);
  expect(entry).toMatchObject({ verdict: 'invalidated', by: app.accountIdOf('admin') });
});

it('offers a bet for a verdict again, and lists none, once the panel took its verdict back', async () => {
  const key = await confirmedBet();
  const { review } = await panelSaveThenReview(
    key,
    ({ result: _dropped, ...withoutResult }) => withoutResult,
  );
  const listedAsDecided = review.recent.filter((e) => e.issueKey === key).map((e) => e.verdict);
  const offered = [...review.due, ...review.unverified].some((b) => b.issueKey === key);
  expect({ offered, listedAsDecided }).toEqual({ offered: true, listedAsDecided: [] });
});
