/**
 * The results review in browser tests: a delivered bet whose check-by day has passed (so it is due for a
 * verdict), and a way to open the project page's Results review tab as a user.
 *
 *   const key = createDueBet(app, today);
 *   const frame = await openResultsReview(wb, 'member');
 */
import type { Frame } from 'playwright-core';
import { addDays } from '../../src/domain/dates';
import { ISSUE_PROPERTY_KEY } from '../../src/domain/issue-lens';
import type { WorkbenchApp } from '../../workbench/app';
import type { BrowserWorkbench } from './browser';

export const PAGE_FRAME = 'iframe[data-wb-module="outcome-lens-project-page"]';

/**
 * A story in DEMO delivered 60 days before `today`, with a hypothesis on checkout abandonment (40% down to 30%)
 * whose check-by day was three days ago, under `summary` and at `securityLevel` when given. Returns its key.
 */
export function createDueBet(
  app: WorkbenchApp,
  today: string,
  o: { summary?: string; securityLevel?: string } = {},
): string {
  const issue = app.jira.store.createIssue({
    projectKey: 'DEMO',
    type: 'Story',
    summary: o.summary ?? 'One-page checkout',
    ...(o.securityLevel ? { securityLevel: o.securityLevel } : {}),
    status: 'Done',
    statusCategory: 'done',
    resolution: 'Done',
    created: addDays(today, -120),
    updated: addDays(today, -60),
  });
  app.jira.store.setIssueProperty(issue.key, ISSUE_PROPERTY_KEY, {
    version: 1,
    hypothesis: {
      persona: 'a returning shopper',
      intent: 'to pay on one page',
      benefit: 'I finish my order',
    },
    expected: {
      metric: 'Checkout abandonment',
      baseline: 40,
      target: 30,
      unit: '%',
      direction: 'decrease',
      checkBy: addDays(today, -3),
    },
    hasHypothesis: 'true',
  });
  return issue.key;
}

/** Opens DEMO's project page as `user` and its Results review tab, once the review is drawn. */
export async function openResultsReview(
  wb: BrowserWorkbench,
  user: string,
  colorMode: 'light' | 'dark' = 'light',
): Promise<Frame> {
  const page = await wb.openAs(user, '/projects/DEMO/outcomes', { colorMode });
  const frame = await wb.panelFrame(page, PAGE_FRAME);
  await frame.getByRole('tab', { name: 'Results review' }).click({ timeout: 30_000 });
  await frame.getByRole('tab', { name: 'Results review', selected: true }).waitFor();
  await frame.getByTestId('results-review').waitFor();
  return frame;
}
