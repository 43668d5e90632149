/**
 * After a save conflict the panel says the person's changes are kept: taking the other version instead asks
 * first, names the fields it would empty of their edits, and can be undone, so typed edits never go without a
 * choice. The other version comes from a member's save through the panel's resolver, as a second panel's would.
 */
import type { Frame, Page } from 'playwright-core';
import { ISSUE_PROPERTY_KEY } from '../../src/domain/issue-lens';
import { PANEL_FRAME, startPanelWorkbench, type BrowserWorkbench } from '../support/browser';
import { expectAxeClean, saveScreenshot } from '../support/surface-checks';

jest.setTimeout(120_000);

let wb: BrowserWorkbench;

beforeAll(async () => {
  wb = await startPanelWorkbench('TWO', 'Two owners');
});
afterAll(async () => wb?.close());

const THEIRS = { persona: 'ward clerk', intent: 'find beds fast', benefit: 'patients wait less' };

/** A member saves a hypothesis on `key` through the panel's resolver, as another person's panel would. */
async function memberSaves(key: string, version: number): Promise<void> {
  const answer = (await wb.app.invoke(
    'outcome-lens-issue-panel',
    'save',
    { version, draft: { hypothesis: THEIRS, expected: {}, killCriteria: {} } },
    { user: 'member', issueKey: key },
  )) as { ok: boolean };
  expect(answer.ok).toBe(true);
}

/** An admin's panel with Persona and Benefit edited, refused on Save as a member saved first. */
async function aConflict(): Promise<{ page: Page; panel: Frame; key: string }> {
  const key = wb.app.jira.store.createIssue({ projectKey: 'TWO', summary: 'Beds for the night shift' }).key;
  const page = await wb.openAs('admin', `/browse/${key}`);
  const panel = await wb.panelFrame(page, PANEL_FRAME);
  await panel.getByLabel('Persona').waitFor({ timeout: 30_000 });
  await panel.getByLabel('Persona').fill('night-shift nurse');
  await panel.getByLabel('Benefit').fill('I hand over on time');
  await memberSaves(key, 0);
  await panel.getByRole('button', { name: 'Save' }).click();
  await panel.getByTestId('their-version').waitFor({ timeout: 30_000 });
  return { page, panel, key };
}

const fieldsOf = async (panel: Frame) => ({
  persona: await panel.getByLabel('Persona').inputValue(),
  intent: await panel.getByLabel('Intent').inputValue(),
  benefit: await panel.getByLabel('Benefit').inputValue(),
});
const MINE = { persona: 'night-shift nurse', intent: '', benefit: 'I hand over on time' };

/** The unsaved edits this browser keeps for `key`, as the panel stores them. */
const keptInBrowser = (panel: Frame, key: string) =>
  panel.evaluate(
    (issueKey) =>
      Object.keys(localStorage)
        .filter((k) => k.startsWith('outcome-lens:unsaved:') && k.includes(`:${issueKey}:`))
        .map((k) => (JSON.parse(localStorage.getItem(k)!) as { mine: { persona: string } }).mine.persona),
    key,
  );

it('asks before their version replaces unsaved changes, says which, and brings the changes back on request', async () => {
  const { page, panel, key } = await aConflict();
  const conflict = panel.getByTestId('conflict');
  // The message says what is true: the changes are in the fields, and nothing replaces them unasked.
  expect(await conflict.innerText()).toContain(
    'Your changes were not saved and are still in the fields: keep them on top of theirs, or reload their version in their place (you are asked first)',
  );

  await conflict.getByRole('button', { name: 'Reload their version' }).click();
  const confirm = panel.getByTestId('confirm-theirs');
  await confirm.waitFor();
  expect(await confirm.innerText()).toContain(
    'Replace your unsaved changes with their version? Your changes to Persona, Benefit leave the fields',
  );
  await expectAxeClean(wb, panel, 'asking before their version replaces mine');
  await saveScreenshot(page, 'issue-panel-conflict-confirm-theirs');
  // Asking changed nothing yet, in the fields or in the browser's copy.
  expect(await fieldsOf(panel)).toEqual(MINE);
  expect(await keptInBrowser(panel, key)).toEqual(['night-shift nurse']);
  await confirm.getByRole('button', { name: 'Keep my changes' }).click();
  expect(await panel.getByTestId('confirm-theirs').count()).toBe(0);
  expect(await fieldsOf(panel)).toEqual(MINE);

  // Chosen: the fields hold theirs, and the panel offers the changes back.
  await conflict.getByRole('button', { name: 'Reload their version' }).click();
  await panel.getByTestId('confirm-theirs').getByRole('button', { name: 'Replace mine with theirs' }).click();
  expect(await fieldsOf(panel)).toEqual(THEIRS);
  const replaced = panel.getByTestId('replaced-mine');
  expect(await replaced.innerText()).toContain('Your changes to Persona, Benefit were taken out');
  await expectAxeClean(wb, panel, 'their version in place of mine');
  await saveScreenshot(page, 'issue-panel-conflict-replaced-mine');
  await replaced.getByRole('button', { name: 'Bring my changes back' }).click();
  expect(await fieldsOf(panel)).toEqual(MINE);
  expect(await keptInBrowser(panel, key)).toEqual(['night-shift nurse']);

  // Back where the conflict was: keeping mine on top of theirs and saving stores both.
  await panel.getByTestId('conflict').getByRole('button', { name: 'Keep mine' }).click();
  await panel.getByRole('button', { name: 'Save' }).click();
  await panel.getByTestId('save-result').getByText('Saved', { exact: true }).waitFor({ timeout: 30_000 });
  expect(wb.app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY)).toMatchObject({
    hypothesis: { persona: 'night-shift nurse', intent: 'find beds fast', benefit: 'I hand over on time' },
  });
  await page.close();
});

it('keeps the unsaved changes in the browser until their version is chosen in their place', async () => {
  const { page, panel, key } = await aConflict();
  await panel.getByTestId('conflict').getByRole('button', { name: 'Reload their version' }).click();
  await panel.getByTestId('confirm-theirs').waitFor();
  expect(await keptInBrowser(panel, key)).toEqual(['night-shift nurse']);
  // Leaving the issue with the question open: the changes come back when it is opened again.
  await page.reload({ waitUntil: 'load' });
  const again = await wb.panelFrame(page, PANEL_FRAME);
  await again.getByTestId('restored-edits').waitFor({ timeout: 30_000 });
  expect(await fieldsOf(again)).toEqual({ ...MINE, intent: THEIRS.intent });
  await page.close();
});
