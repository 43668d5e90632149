/**
 * The results review in a real browser: a delivered bet whose metric moved is listed as due with the proposed
 * verdict and its evidence; a member confirms it, and the verdict shows in the recent verdicts (the decision
 * log) and in the issue's panel. The tab is axe-clean in both themes.
 */
import type { Frame } from 'playwright-core';
import { buildSurface } from '../../scripts/build-static';
import type { WorkbenchApp } from '../../workbench/app';
import { addDays } from '../../src/domain/dates';
import { ISSUE_PROPERTY_KEY, readLens } from '../../src/domain/issue-lens';
import { startBrowserWorkbench, type BrowserWorkbench } from '../support/browser';

jest.setTimeout(180_000);

const PAGE_FRAME = 'iframe[data-wb-module="outcome-lens-project-page"]';
const PANEL_FRAME = 'iframe[data-wb-module="outcome-lens-issue-panel"]';
const today = new Date().toISOString().slice(0, 10);
let wb: BrowserWorkbench;
let betKey = '';

async function seed(app: WorkbenchApp): Promise<void> {
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
  const made = (await app.invoke('outcome-lens-settings', 'createToken', { name: 'ci' }, as)) as {
    data: { token: string };
  };
  const rows = Array.from({ length: 12 }, (_, i) => ({
    metric: 'Checkout abandonment',
    value: i < 4 ? 40 + (i % 2) * 0.5 : Math.max(33, 40 - (i - 3) * 1.2),
    at: addDays(today, -84 + i * 7),
    id: `w-${i}`,
  }));
  await app.invokeWebTrigger('outcome-lens-measurements', {
    method: 'POST',
    headers: { authorization: `Bearer ${made.data.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(rows),
  });
  const issue = app.jira.store.createIssue({
    projectKey: 'DEMO',
    type: 'Story',
    summary: 'One-page checkout',
    status: 'Done',
    statusCategory: 'done',
    resolution: 'Done',
    created: addDays(today, -120),
    updated: addDays(today, -60),
  });
  betKey = issue.key;
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
  await app.runScheduledTrigger('outcome-lens-daily-scan');
}

beforeAll(async () => {
  await Promise.all(['outcome-map', 'issue-panel'].map((s) => buildSurface(s)));
  wb = await startBrowserWorkbench({ seed });
});
afterAll(async () => wb?.close());

async function openResults(user: string, colorMode: 'light' | 'dark' = 'light'): Promise<Frame> {
  const page = await wb.openAs(user, '/projects/DEMO/outcomes', { colorMode });
  const frame = await wb.panelFrame(page, PAGE_FRAME);
  await frame.getByRole('tab', { name: 'Results review' }).click({ timeout: 30_000 });
  await frame.getByRole('tab', { name: 'Results review', selected: true }).waitFor();
  await frame.getByTestId('results-review').waitFor();
  return frame;
}

describe('the results review in the browser', () => {
  it.each(['light', 'dark'] as const)(
    'lists the due bet with its proposal, axe-clean in %s',
    async (mode) => {
      const frame = await openResults('member', mode);
      const due = frame.getByTestId('due-bets');
      await due.getByText(betKey, { exact: true }).waitFor();
      expect(await due.innerText()).toMatch(/validated/);
      expect(await due.innerText()).toMatch(/at delivery/);
      const serious = (await wb.runAxe(frame)).filter(
        (v) => v.impact === 'serious' || v.impact === 'critical',
      );
      expect(serious.map((v) => `${v.id}: ${v.nodes[0]?.html}`)).toEqual([]);
      await frame.page().close();
    },
  );

  it('says a blank evidence is refused at the field: the field is invalid and names the message', async () => {
    const frame = await openResults('member');
    await frame.getByRole('button', { name: `Decide the verdict on ${betKey}` }).click();
    const form = frame.getByRole('form', { name: `Verdict on ${betKey}` });
    const evidence = form.getByLabel('Evidence');
    await evidence.fill('');
    await form.getByRole('button', { name: 'Confirm verdict' }).click();
    const message = form.getByText('Say what the evidence is.');
    await message.waitFor();
    expect(await evidence.getAttribute('aria-invalid')).toBe('true');
    const describedBy = ((await evidence.getAttribute('aria-describedby')) ?? '').split(' ');
    expect(describedBy).toContain(await message.getAttribute('id'));
    await frame.page().close();
  });

  it('confirms the proposed verdict: it shows in the recent verdicts and in the issue panel', async () => {
    // Before: the panel shows the proposal, and records nothing itself.
    const before = await wb.openAs('member', `/browse/${betKey}`);
    const proposed = (await wb.panelFrame(before, PANEL_FRAME)).getByTestId('bet-check');
    await proposed.waitFor({ timeout: 30_000 });
    expect(await proposed.innerText()).toMatch(/at delivery/);
    await before.close();

    const frame = await openResults('member');
    await frame.getByRole('button', { name: `Decide the verdict on ${betKey}` }).click();
    const form = frame.getByRole('form', { name: `Verdict on ${betKey}` });
    await form.waitFor();
    expect(await form.getByLabel('Evidence').inputValue()).toMatch(/at delivery/);
    await form.getByRole('button', { name: 'Confirm verdict' }).click();
    const recent = frame.getByTestId('recent-verdicts');
    await recent.getByText(betKey, { exact: true }).waitFor();
    expect(await recent.innerText()).toMatch(/validated/);
    expect(await frame.getByTestId('due-bets').innerText()).not.toContain(betKey);
    expect(readLens(wb.app.jira.store.getIssueProperty(betKey, ISSUE_PROPERTY_KEY))).toMatchObject({
      betStatus: 'validated',
      result: { verdict: 'validated' },
    });

    const issuePage = await wb.openAs('viewer', `/browse/${betKey}`);
    const panel = await wb.panelFrame(issuePage, PANEL_FRAME);
    const evidence = panel.getByLabel('Evidence', { exact: true });
    await evidence.waitFor({ timeout: 30_000 });
    expect(await evidence.inputValue()).toMatch(/at delivery/);
  });
});
