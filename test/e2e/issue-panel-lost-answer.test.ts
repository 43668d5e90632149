/**
 * A save whose answer is lost (Forge stops the function, or Jira's gateway answers 5xx) may or may not have been
 * written: the panel reads the stored lens back and says which, never "Nothing was saved" over a save Jira holds.
 * The 25 s limit is shrunk to 2.5 s.
 */
import type { Frame, Page } from 'playwright-core';
import { ISSUE_PROPERTY_KEY } from '../../src/domain/issue-lens';
import { PANEL_FRAME, startPanelWorkbench, type BrowserWorkbench } from '../support/browser';

jest.setTimeout(120_000);

const PROPERTY_WRITE = { method: 'PUT', pathIncludes: '/properties/' };
let wb: BrowserWorkbench;

beforeAll(async () => {
  wb = await startPanelWorkbench('LOST', 'Lost', { limits: { timeScale: 0.1 } });
});
afterAll(async () => wb?.close());
afterEach(() => wb.app.jira.faults.clear());

async function aPanel(): Promise<{ page: Page; panel: Frame; key: string }> {
  const key = wb.app.jira.store.createIssue({ projectKey: 'LOST', summary: 'Shoppers lose their carts' }).key;
  const page = await wb.openAs('admin', `/browse/${key}`);
  const panel = await wb.panelFrame(page, PANEL_FRAME);
  await panel.getByLabel('Persona').waitFor({ timeout: 30_000 });
  await panel.getByLabel('Persona').fill('returning shopper');
  return { page, panel, key };
}

const stored = (key: string) =>
  wb.app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY) as Record<string, unknown> | undefined;

it('says a save is held when Jira answered 502 after writing it', async () => {
  const { page, panel, key } = await aPanel();
  wb.app.jira.faults.inject({ kind: 'server-error', status: 502, applied: true, match: PROPERTY_WRITE });
  await panel.getByRole('button', { name: 'Save' }).click();
  const banner = panel.getByTestId('save-result');
  await banner.getByText('Saved', { exact: true }).waitFor({ timeout: 30_000 });
  expect(await banner.innerText()).toContain(
    'Jira could not complete the request (HTTP 502). Jira holds your save all the same.',
  );
  expect(await banner.innerText()).not.toMatch(/Nothing was saved/);
  expect(stored(key)).toMatchObject({ version: 1, hypothesis: { persona: 'returning shopper' } });
  await page.close();
});

it('says a save is not held when Jira answered 502 without writing it', async () => {
  const { page, panel, key } = await aPanel();
  wb.app.jira.faults.inject({ kind: 'server-error', status: 502, match: PROPERTY_WRITE });
  await panel.getByRole('button', { name: 'Save' }).click();
  const banner = panel.getByTestId('save-result');
  await banner.getByText('Not saved as far as Jira shows').waitFor({ timeout: 30_000 });
  expect(await banner.innerText()).toContain('Jira does not hold this save; your changes are kept here.');
  expect(stored(key)).toBeUndefined();
  await page.close();
});

it('after a time-out, says the save is not held yet, and a second Save once it landed is answered as saved, written once', async () => {
  const { page, panel, key } = await aPanel();
  // Writing the issue property takes longer than the function may run; the write lands after it is stopped.
  wb.app.jira.faults.inject({ kind: 'latency', ms: 4_000, match: PROPERTY_WRITE });
  await panel.getByRole('button', { name: 'Save' }).click();
  const banner = panel.getByTestId('save-result');
  await banner.getByText('Not saved as far as Jira shows').waitFor({ timeout: 30_000 });
  const text = await banner.innerText();
  expect(text).toContain('Outcome Lens took too long to answer (Jira may be slow right now).');
  expect(text).toContain('should the first try still land, it is not saved twice');
  wb.app.jira.faults.clear();
  await new Promise((r) => setTimeout(r, 4_500));
  await panel.getByRole('button', { name: 'Save' }).click();
  await banner.getByText('Saved', { exact: true }).waitFor({ timeout: 30_000 });
  expect(stored(key)).toMatchObject({ version: 1, hypothesis: { persona: 'returning shopper' } });
  await page.close();
});
