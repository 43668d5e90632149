/**
 * The same issue open in two tabs: the second tab leaves the first tab's unsaved edits alone (it neither offers
 * them as "left without saving" nor drops them), says the issue is being edited in another tab, and the edits
 * come back once the first tab is closed.
 */
import type { Frame, Page } from 'playwright-core';
import { PANEL_FRAME, startPanelWorkbench, type BrowserWorkbench } from '../support/browser';

jest.setTimeout(120_000);

let wb: BrowserWorkbench;

beforeAll(async () => {
  wb = await startPanelWorkbench('TABS', 'Tabs');
});
afterAll(async () => wb?.close());

async function open(key: string): Promise<{ page: Page; panel: Frame }> {
  const page = await wb.openAs('admin', `/browse/${key}`);
  const panel = await wb.panelFrame(page, PANEL_FRAME);
  await panel.getByLabel('Persona').waitFor({ timeout: 30_000 });
  return { page, panel };
}

it("leaves a tab's live edits to it, and brings them back once that tab is closed", async () => {
  const key = wb.app.jira.store.createIssue({ projectKey: 'TABS', summary: 'Shoppers lose their carts' }).key;
  const a = await open(key);
  await a.panel.getByLabel('Persona').fill('returning shopper');

  const b = await open(key);
  await b.panel.getByTestId('edited-elsewhere').waitFor({ timeout: 10_000 });
  expect(await b.panel.getByTestId('edited-elsewhere').innerText()).toContain(
    'This issue is being edited in another tab',
  );
  // Not "You left this issue … without saving": tab A is still open, and its edits stay there.
  expect(await b.panel.getByTestId('restored-edits').count()).toBe(0);
  expect(await b.panel.getByLabel('Persona').inputValue()).toBe('');
  await b.page.close();

  // Tab A is closed without another keystroke: its edits are kept, and the next panel brings them back.
  await a.page.close();
  const c = await open(key);
  await c.panel.getByTestId('restored-edits').waitFor({ timeout: 10_000 });
  expect(await c.panel.getByLabel('Persona').inputValue()).toBe('returning shopper');
  expect(await c.panel.getByTestId('edited-elsewhere').count()).toBe(0);
  await c.page.close();
});
