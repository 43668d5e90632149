/**
 * A verdict confirmed in the results review and then changed or taken back in the issue's panel (where the review's
 * own refusal sends people to change one): after the next scan the review lists the panel's verdict, or offers the
 * bet for a verdict again, and no longer lists the verdict it replaced.
 */
import { createWorkbenchApp, type WorkbenchApp } from '../../workbench/app';
import type { Answer } from '../../src/contract/answer';
import type { ConfirmVerdictData, ResultsReviewData } from '../../src/contract/project-page';
import {
  ISSUE_PANEL_RESOLVERS,
  type PanelLoadData,
  type PanelSaveData,
} from '../../src/contract/issue-panel';
import { createDueBet } from '../support/results-review';

const P = 'DEMO';
let app: WorkbenchApp;
const today = new Date().toISOString().slice(0, 10);
function ok<T>(a: unknown): T {
  const answer = a as Answer<T>;
  if (!answer.ok) throw new Error(`expected ok, got ${JSON.stringify(answer.error)}`);
  return answer.data;
}
const page = async <T>(fn: string, payload: unknown, user = 'member') =>
  (await app.invoke('outcome-lens-project-page', fn, payload, { user, projectKey: P })) as Answer<T>;
const panel = async <T>(fn: string, payload: unknown, key: string, user = 'member') =>
  (await app.invoke('outcome-lens-issue-panel', fn, payload, { user, issueKey: key })) as Answer<T>;

beforeEach(() => {
  app = createWorkbenchApp({ dataFile: ':memory:' });
  app.jira.store.createProject({ key: P, name: 'Demo' });
  app.grantDemoRoles(P);
});
afterEach(() => app.close());

/** A delivered bet, due, scanned, and its verdict confirmed in the results review by the member. */
async function confirmedBet(): Promise<{ key: string }> {
  const issue = { key: createDueBet(app, today) };
  await app.runScheduledTrigger('outcome-lens-daily-scan');
  ok<ConfirmVerdictData>(
    await page('confirmVerdict', {
      issueKey: issue.key,
      idempotencyKey: 'verdict-request-1',
      result: { verdict: 'validated', evidence: 'Abandonment fell to 31%.' },
    }),
  );
  return issue;
}

it('lists the verdict the panel changed it to, by whom, not the one it replaced', async () => {
  const issue = await confirmedBet();
  // The admin finds the evidence was wrong and changes the verdict in the panel.
  const loaded = ok<PanelLoadData>(await panel(ISSUE_PANEL_RESOLVERS.load, {}, issue.key, 'admin'));
  const saved = ok<PanelSaveData>(
    await panel(
      ISSUE_PANEL_RESOLVERS.save,
      {
        version: loaded.lens.version,
        draft: {
          ...loaded.lens.draft,
          result: { verdict: 'invalidated', evidence: 'The dashboard double counted; it did not move.' },
        },
      },
      issue.key,
      'admin',
    ),
  );
  expect(saved.lens.draft.result?.verdict).toBe('invalidated');
  // Jira's search has taken in the panel's save before the scan reads it.
  app.jira.index.catchUp();
  ok(await page('scanNow', { dryRun: false }, 'admin'));
  app.registerConsumers();
  await app.queue.runDue({ until: 'idle', advanceClock: true });
  const review = ok<ResultsReviewData>(await page('resultsReview', {}, 'viewer'));
  const entry = review.recent.find((e) => e.issueKey === issue.key);
  expect(entry).toMatchObject({ verdict: 'invalidated', by: app.accountIdOf('admin') });
});

it('offers a bet for a verdict again, and lists none, once the panel took its verdict back', async () => {
  const issue = await confirmedBet();
  const loaded = ok<PanelLoadData>(await panel(ISSUE_PANEL_RESOLVERS.load, {}, issue.key, 'admin'));
  const { result: _dropped, ...withoutResult } = loaded.lens.draft;
  ok<PanelSaveData>(
    await panel(
      ISSUE_PANEL_RESOLVERS.save,
      { version: loaded.lens.version, draft: withoutResult },
      issue.key,
      'admin',
    ),
  );
  // Jira's search has taken in the panel's save before the scan reads it.
  app.jira.index.catchUp();
  ok(await page('scanNow', { dryRun: false }, 'admin'));
  app.registerConsumers();
  await app.queue.runDue({ until: 'idle', advanceClock: true });
  const review = ok<ResultsReviewData>(await page('resultsReview', {}, 'viewer'));
  const listedAsDecided = review.recent.filter((e) => e.issueKey === issue.key).map((e) => e.verdict);
  const offered = [...review.due, ...review.unverified].some((b) => b.issueKey === issue.key);
  expect({ offered, listedAsDecided }).toEqual({ offered: true, listedAsDecided: [] });
});
