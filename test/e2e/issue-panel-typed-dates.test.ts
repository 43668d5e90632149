/**
 * A date typed into one of the panel's date fields is what Save stores, however Save is pressed: with the mouse
 * (the field keeps the focus, as Save does not take it), or with Enter after Escape closed the calendar. A date
 * that cannot be stored (a kill date already past, text that is no day) is refused at its field, never dropped.
 */
import type { Frame, Page } from 'playwright-core';
import { ISSUE_PROPERTY_KEY } from '../../src/domain/issue-lens';
import { PANEL_FRAME, startPanelWorkbench, type BrowserWorkbench } from '../support/browser';
import { YEAR_AHEAD } from '../support/builders';

jest.setTimeout(120_000);

// Next year's days (the builders' year ahead): ahead of today whenever the test runs.
const CHECK_BY = `${YEAR_AHEAD}-03-01`;
const KILL_DATE = `${YEAR_AHEAD}-04-15`;
let wb: BrowserWorkbench;

beforeAll(async () => {
  wb = await startPanelWorkbench('DATE', 'Dates');
});
afterAll(async () => wb?.close());

async function aPanel(): Promise<{ page: Page; panel: Frame; key: string }> {
  const key = wb.app.jira.store.createIssue({ projectKey: 'DATE', summary: 'Shoppers lose their carts' }).key;
  const page = await wb.openAs('admin', `/browse/${key}`);
  const panel = await wb.panelFrame(page, PANEL_FRAME);
  await panel.getByLabel('Persona').waitFor({ timeout: 30_000 });
  await panel.getByLabel('Persona').fill('returning shopper');
  await panel.getByLabel('Intent').fill('find my saved cart');
  await panel.getByLabel('Benefit').fill('I finish the order I started');
  return { page, panel, key };
}

/** Types into a date field key by key, as a person does, and leaves the focus there: no Enter, no Tab. */
async function typeInto(panel: Frame, label: string, text: string): Promise<void> {
  const input = panel.getByLabel(label, { exact: true });
  await input.click();
  await input.pressSequentially(text);
}

const stored = (key: string) =>
  wb.app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY) as
    { expected?: { checkBy?: string }; killCriteria?: { deadline?: string } } | undefined;

const hiddenValue = (panel: Frame, name: string) =>
  panel.locator(`input[type="hidden"][name="${name}"]`).inputValue();

it('saves dates typed into Check by and Kill date when Save is clicked with the mouse, and shows them after a reload', async () => {
  const { page, panel, key } = await aPanel();
  // Kill date first: the calendar Check by opens covers the fields under it.
  await typeInto(panel, 'Kill date', KILL_DATE);
  await typeInto(panel, 'Check by', CHECK_BY);
  // The focus is still in Check by when Save is clicked: pressing Save does not take it.
  expect(await panel.evaluate(() => document.activeElement?.id)).toBe('ol-checkBy');
  await panel.getByRole('button', { name: 'Save' }).click();
  await panel.getByTestId('save-result').getByText('Saved', { exact: true }).waitFor({ timeout: 30_000 });
  expect(stored(key)).toMatchObject({
    expected: { checkBy: CHECK_BY },
    killCriteria: { deadline: KILL_DATE },
  });

  await page.reload({ waitUntil: 'load' });
  const again = await wb.panelFrame(page, PANEL_FRAME);
  await again.getByLabel('Persona').waitFor({ timeout: 30_000 });
  expect(await again.getByTestId('restored-edits').count()).toBe(0);
  expect(await hiddenValue(again, 'ol-checkBy')).toBe(CHECK_BY);
  expect(await hiddenValue(again, 'ol-deadline')).toBe(KILL_DATE);
  await page.close();
});

it('saves a typed date when Escape closed the calendar and Enter submits the form', async () => {
  const { page, panel, key } = await aPanel();
  await typeInto(panel, 'Check by', CHECK_BY);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Enter');
  await panel.getByTestId('save-result').getByText('Saved', { exact: true }).waitFor({ timeout: 30_000 });
  expect(stored(key)).toMatchObject({ expected: { checkBy: CHECK_BY } });
  await page.close();
});

it('refuses a kill date already past, typed and clicked away with the mouse, at the field and in the message', async () => {
  const { page, panel, key } = await aPanel();
  await typeInto(panel, 'Kill date', '2020-01-01');
  await panel.getByRole('button', { name: 'Save' }).click();
  const banner = panel.getByTestId('save-result');
  await banner.getByText('Nothing was saved').waitFor({ timeout: 30_000 });
  expect(await banner.innerText()).toMatch(/Kill date 2020-01-01 has already passed: choose a day from/);
  expect(await panel.locator('#ol-deadline-error').innerText()).toMatch(
    /Kill date 2020-01-01 has already passed/,
  );
  expect(stored(key)).toBeUndefined();
  await page.close();
});

it('refuses text that is no day, quoting it, rather than saving without the date', async () => {
  const { page, panel, key } = await aPanel();
  await typeInto(panel, 'Check by', '01.03.2027');
  await panel.getByRole('button', { name: 'Save' }).click();
  const banner = panel.getByTestId('save-result');
  await banner.getByText('Nothing was saved').waitFor({ timeout: 30_000 });
  expect(await banner.innerText()).toMatch(/Check by must be a date like 2027-03-01/);
  expect(await panel.locator('#ol-checkBy-error').innerText()).toContain('You typed “01.03.2027”.');
  expect(stored(key)).toBeUndefined();

  // Fixed by typing a real day over it (the refusal put the focus back in the field), and saved with the mouse.
  const checkBy = panel.getByLabel('Check by', { exact: true });
  expect(await panel.evaluate(() => document.activeElement?.id)).toBe('ol-checkBy');
  await checkBy.press('Control+a');
  await checkBy.pressSequentially(CHECK_BY);
  await panel.getByRole('button', { name: 'Save' }).click();
  await banner.getByText('Saved', { exact: true }).waitFor({ timeout: 30_000 });
  expect(stored(key)).toMatchObject({ expected: { checkBy: CHECK_BY } });
  await page.close();
});
