/**
 * A colleague saves a change to the further expectations ("Also expected") while the person has unsaved edits of
 * that list: their change is neither dropped nor overwritten unsaid, whether the edits come back when the issue is
 * opened again or are kept on top of theirs after a save conflict. The colleague saves through the panel's
 * resolver, as their panel would.
 */
import type { Frame, Page } from 'playwright-core';
import { ISSUE_PROPERTY_KEY } from '../../src/domain/issue-lens';
import type { ExpectedOutcome } from '../../src/domain/schemas';
import { PANEL_FRAME, startPanelWorkbench, type BrowserWorkbench } from '../support/browser';
import { CHECK_BY_AHEAD } from '../support/builders';

jest.setTimeout(120_000);

let wb: BrowserWorkbench;

beforeAll(async () => {
  wb = await startPanelWorkbench('ALSO', 'Further expectations');
});
afterAll(async () => wb?.close());

const HYPOTHESIS = { persona: 'reader', intent: 'pages that load at once', benefit: 'I keep reading' };
const EXPECTED: ExpectedOutcome = {
  metric: 'bounce rate',
  baseline: 30,
  target: 20,
  unit: '%',
  direction: 'decrease',
  checkBy: CHECK_BY_AHEAD,
};
const LOAD_TIME: ExpectedOutcome = {
  metric: 'load time',
  baseline: 4,
  target: 2,
  unit: 's',
  direction: 'decrease',
  checkBy: CHECK_BY_AHEAD,
};
const PAGES_READ: ExpectedOutcome = {
  metric: 'pages read',
  baseline: 3,
  target: 5,
  direction: 'increase',
  checkBy: CHECK_BY_AHEAD,
};
/** The colleague's change to PAGES_READ. */
const PAGES_READ_THEIRS: ExpectedOutcome = { ...PAGES_READ, target: 6 };

/** `user` saves the hypothesis with these further expectations on `key`, through the panel's resolver. */
async function saves(user: string, key: string, version: number, alsoExpected: ExpectedOutcome[]) {
  const answer = (await wb.app.invoke(
    'outcome-lens-issue-panel',
    'save',
    { version, draft: { hypothesis: HYPOTHESIS, expected: EXPECTED, alsoExpected, killCriteria: {} } },
    { user, issueKey: key },
  )) as { ok: boolean };
  expect(answer.ok).toBe(true);
}

/** An issue saved with both further expectations, and an admin's panel open on it. */
async function anIssueWithTwoFurtherExpectations(): Promise<{ key: string; page: Page; panel: Frame }> {
  const key = wb.app.jira.store.createIssue({ projectKey: 'ALSO', summary: 'Readers leave slow pages' }).key;
  await saves('admin', key, 0, [LOAD_TIME, PAGES_READ]);
  const page = await wb.openAs('admin', `/browse/${key}`);
  const panel = await wb.panelFrame(page, PANEL_FRAME);
  await panel.getByTestId('also-expected').waitFor({ timeout: 30_000 });
  return { key, page, panel };
}

const removeExpectation = (panel: Frame, metric: string) =>
  panel
    .getByTestId('also-expected')
    .getByRole('button', { name: new RegExp(`^Remove the expectation ${metric} `) })
    .click();

const shownExpectations = async (panel: Frame) =>
  (await panel.getByTestId('also-expected').locator('li').allInnerTexts()).map((t) =>
    t.replace(/\s*Remove\s*$/, ''),
  );

const storedAlso = (key: string) =>
  (wb.app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY) as { alsoExpected?: ExpectedOutcome[] })
    .alsoExpected;

it('names the further expectations in the message when unsaved edits come back and a colleague changed them since', async () => {
  const { key, page, panel } = await anIssueWithTwoFurtherExpectations();
  await removeExpectation(panel, 'pages read');
  expect(await shownExpectations(panel)).toEqual([`load time to fall from 4 s to 2 s by ${CHECK_BY_AHEAD}`]);
  // Leaving the issue without saving; meanwhile a colleague changes the expectation that was removed.
  await page.close();
  await saves('member', key, 1, [LOAD_TIME, PAGES_READ_THEIRS]);

  const again = await wb.openAs('admin', `/browse/${key}`);
  const back = await wb.panelFrame(again, PANEL_FRAME);
  const restored = back.getByTestId('restored-edits');
  await restored.waitFor({ timeout: 30_000 });
  // Mine is back, and the message says theirs was changed too: the next Save does not replace it unsaid.
  expect(await restored.innerText()).toMatch(
    /; Further expectations had also been changed since \(by a save, or in another tab\), and show your latest/,
  );
  expect(await shownExpectations(back)).toEqual([`load time to fall from 4 s to 2 s by ${CHECK_BY_AHEAD}`]);
  await again.close();
});

it("keeps a colleague's change to one further expectation when mine, on another, is kept on top of theirs", async () => {
  const { key, page, panel } = await anIssueWithTwoFurtherExpectations();
  await removeExpectation(panel, 'load time');
  // Meanwhile a colleague changes the other one: Save meets their version.
  await saves('member', key, 1, [LOAD_TIME, PAGES_READ_THEIRS]);
  await panel.getByRole('button', { name: 'Save' }).click();
  const conflict = panel.getByTestId('conflict');
  const theirs = panel.getByTestId('their-version');
  await theirs.waitFor({ timeout: 30_000 });
  // Their version names what they changed: only the further expectations, entry by entry.
  expect(await theirs.innerText()).toContain(
    `Further expectations: put in “pages read to rise from 3 to 6 by ${CHECK_BY_AHEAD}”; ` +
      `took out “pages read to rise from 3 to 5 by ${CHECK_BY_AHEAD}”`,
  );
  expect(await theirs.innerText()).not.toMatch(/changes no field/);
  await conflict.getByRole('button', { name: 'Keep mine' }).click();
  // My removal and their change both stand: nothing of theirs is gone, so nothing is named as kept over theirs.
  expect(await shownExpectations(panel)).toEqual([`pages read to rise from 3 to 6 by ${CHECK_BY_AHEAD}`]);
  expect(await panel.getByTestId('save-result').innerText()).not.toMatch(/yours is kept/);
  await panel.getByRole('button', { name: 'Save' }).click();
  await panel.getByTestId('save-result').getByText('Saved', { exact: true }).waitFor({ timeout: 30_000 });
  expect(storedAlso(key)).toEqual([PAGES_READ_THEIRS]);
  await page.close();
});

it('names the further expectations as kept over theirs when mine and theirs changed the same one', async () => {
  const { key, page, panel } = await anIssueWithTwoFurtherExpectations();
  await removeExpectation(panel, 'pages read');
  await saves('member', key, 1, [LOAD_TIME, PAGES_READ_THEIRS]);
  await panel.getByRole('button', { name: 'Save' }).click();
  await panel.getByTestId('their-version').waitFor({ timeout: 30_000 });
  await panel.getByTestId('conflict').getByRole('button', { name: 'Keep mine' }).click();
  expect(await shownExpectations(panel)).toEqual([`load time to fall from 4 s to 2 s by ${CHECK_BY_AHEAD}`]);
  expect(await panel.getByTestId('save-result').innerText()).toMatch(
    /Where you both changed a field, yours is kept: Further expectations\./,
  );
  await page.close();
});
