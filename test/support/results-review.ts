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
import type { ExpectedOutcome } from '../../src/domain/schemas';
import type { WorkbenchApp } from '../../workbench/app';
import type { BrowserWorkbench } from './browser';

export const PAGE_FRAME = 'iframe[data-wb-module="outcome-lens-project-page"]';

/**
 * DEMO with the outcome "Fewer abandoned checkouts", twelve weekly readings of checkout abandonment sent through
 * the measurements web trigger (40% and 40.5% at first, then falling to 33%), and a bet on it due for a verdict
 * (createDueBet). Returns the bet's key.
 */
export async function seedMeasuredBet(
  app: WorkbenchApp,
  today: string,
  o: Parameters<typeof createDueBet>[2] = {},
): Promise<string> {
  app.jira.store.createProject({ key: 'DEMO', name: 'Demo' });
  app.grantDemoRoles('DEMO');
  const as = { user: 'admin', projectKey: 'DEMO' };
  await app.invoke(
    'outcome-lens-project-page',
    'createOutcome',
    {
      draft: {
        name: 'Fewer abandoned checkouts',
        metric: 'Checkout abandonment',
        baseline: 40,
        target: 30,
        direction: 'decrease',
        dueDate: addDays(today, 200),
      },
    },
    as,
  );
  const rows = Array.from({ length: 12 }, (_, i) => ({
    metric: 'Checkout abandonment',
    value: i < 4 ? 40 + (i % 2) * 0.5 : Math.max(33, 40 - (i - 3) * 1.2),
    at: addDays(today, -84 + i * 7),
    id: `w-${i}`,
  }));
  await sendMeasurements(app, 'ci', rows);
  return createDueBet(app, today, o);
}

/**
 * Sends `rows` to DEMO through the measurements web trigger, with a token named `tokenName` made for it by the
 * project's admin. Returns the trigger's HTTP status.
 */
export async function sendMeasurements(
  app: WorkbenchApp,
  tokenName: string,
  rows: Array<{ metric: string; value: number; at: string; id: string }>,
): Promise<number> {
  const made = (await app.invoke(
    'outcome-lens-settings',
    'createToken',
    { name: tokenName },
    { user: 'admin', projectKey: 'DEMO' },
  )) as { data: { token: string } };
  const sent = await app.invokeWebTrigger('outcome-lens-measurements', {
    method: 'POST',
    headers: { authorization: `Bearer ${made.data.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(rows),
  });
  return sent.statusCode;
}

/**
 * A story in DEMO delivered 60 days before `today`, with a hypothesis on checkout abandonment (40% down to 30%)
 * whose check-by day was three days ago, under `summary` and at `securityLevel` when given. Returns its key.
 */
export function createDueBet(
  app: WorkbenchApp,
  today: string,
  o: { summary?: string; securityLevel?: string; alsoExpected?: ExpectedOutcome[] } = {},
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
    ...(o.alsoExpected ? { alsoExpected: o.alsoExpected } : {}),
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
