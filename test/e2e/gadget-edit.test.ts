/**
 * The dashboard gadget against a Jira that is slow or failing, in a real browser: answers to the project search
 * that come back out of order, a project list, a view or the gadget's context that could not load and loads on Try
 * again, and Enter in a select that must not save the configuration.
 */
import type { Frame, Page } from 'playwright-core';
import { buildSurface } from '../../scripts/build-static';
import { seedDemo } from '../../workbench/seed/demo';
import { startBrowserWorkbench, type BrowserWorkbench } from '../support/browser';

jest.setTimeout(180_000);

const GADGET_FRAME = 'iframe[data-wb-module="outcome-lens-shipped-gadget"]';
let wb: BrowserWorkbench;
let dashboardId = 0;

beforeAll(async () => {
  await buildSurface('gadget');
  wb = await startBrowserWorkbench({
    seed: async (app) => {
      await seedDemo(app, new Date());
      // Two projects one search word tells apart: "Ch" finds both, "Che" only the first.
      for (const [key, name] of [
        ['CHK', 'Checkout'],
        ['CHAT', 'Chat support'],
      ] as const) {
        app.jira.store.createProject({ key, name });
        app.grantDemoRoles(key);
      }
      dashboardId = app.jira.store.listDashboards()[0]!.id;
    },
  });
});
afterEach(() => wb.app.jira.faults.clear());
afterAll(async () => wb?.close());

function gadgetItem() {
  return wb.app.jira.store.listDashboardItems(dashboardId)[0]!;
}

async function openEdit(): Promise<{ page: Page; edit: Frame }> {
  const page = await wb.openAs('admin', `/dashboards/${dashboardId}?edit=${gadgetItem().id}`);
  return { page, edit: await wb.panelFrame(page, GADGET_FRAME) };
}

const form = (edit: Frame) => edit.getByRole('form', { name: 'Configure Shipped versus moved' });
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('keeps the list for what is typed now when an answer for what was typed before comes back later', async () => {
  const { page, edit } = await openEdit();
  await form(edit).waitFor({ timeout: 30_000 });
  const projects = form(edit).getByLabel(/^Projects/);
  await projects.pressSequentially('Ch', { delay: 40 });
  await edit.getByRole('option', { name: 'Chat support (CHAT)' }).waitFor({ timeout: 30_000 });
  // The search for "Che" is slow; the person takes the "e" back before it answers.
  wb.app.jira.faults.inject({ kind: 'latency', ms: 3_000, match: { pathIncludes: 'query=Che' } });
  await projects.press('e');
  await pause(800);
  await projects.press('Backspace');
  await pause(800);
  await edit.getByRole('option', { name: 'Chat support (CHAT)' }).waitFor({ timeout: 30_000 });
  // The slow answer lands: the list still answers "Ch".
  await pause(3_500);
  expect(await projects.inputValue()).toBe('Ch');
  expect(await edit.getByRole('option').allInnerTexts()).toEqual(
    expect.arrayContaining(['Checkout (CHK)', 'Chat support (CHAT)']),
  );
  await page.close();
});

it('says the project list could not load, and loads it on Try again', async () => {
  wb.app.jira.faults.inject({ kind: 'server-error', status: 503, match: { pathIncludes: 'project/search' } });
  const { page, edit } = await openEdit();
  const failed = edit.getByTestId('gadget-projects-error');
  await failed.waitFor({ timeout: 30_000 });
  expect(await failed.innerText()).toContain('Projects could not load');
  // What was configured is still there to save.
  await form(edit).getByText('Demo', { exact: false }).first().waitFor();
  wb.app.jira.faults.clear();
  await failed.getByRole('button', { name: 'Try again' }).click();
  await failed.waitFor({ state: 'detached', timeout: 30_000 });
  await form(edit)
    .getByLabel(/^Projects/)
    .click();
  await edit.getByRole('option', { name: 'Checkout (CHK)' }).waitFor({ timeout: 30_000 });
  await page.close();
});

it('says the view could not load, and draws it on Try again', async () => {
  wb.app.jira.faults.inject({ kind: 'server-error', status: 503, match: { pathIncludes: 'project/search' } });
  const page = await wb.openAs('admin', `/dashboards/${dashboardId}`);
  const view = await wb.panelFrame(page, GADGET_FRAME);
  const failed = view.getByTestId('gadget-load-error');
  await failed.waitFor({ timeout: 30_000 });
  wb.app.jira.faults.clear();
  await failed.getByRole('button', { name: 'Try again' }).click();
  await view.getByTestId('shipped-moved-DEMO').waitFor({ timeout: 30_000 });
  expect(await failed.count()).toBe(0);
  await page.close();
});

/**
 * Run in the host page: Jira fails the gadget's first context request (the frame's bridge hears an error), as when
 * the dashboard's own call for the gadget's configuration fails. Later requests are answered as usual.
 */
const FAIL_FIRST_CONTEXT = `
  if (window === window.top) {
    let failed = false;
    window.addEventListener('message', (e) => {
      const m = e.data;
      if (failed || !m || m.wb !== 'call' || m.name !== 'getContext') return;
      failed = true;
      e.stopImmediatePropagation();
      e.source.postMessage({ wb: 'reply', id: m.id, ok: false, error: 'The dashboard could not load' }, '*');
    }, true);
  }
`;

it('says the gadget could not load when Jira gives it no context, and loads it on Try again', async () => {
  const page = await wb.openAs('admin', `/dashboards/${dashboardId}`, { initScript: FAIL_FIRST_CONTEXT });
  const view = await wb.panelFrame(page, GADGET_FRAME);
  const failed = view.getByText('Shipped versus moved could not load');
  await failed.waitFor({ timeout: 30_000 });
  await view.getByRole('button', { name: 'Try again' }).click();
  await view.getByTestId('shipped-moved-DEMO').waitFor({ timeout: 30_000 });
  expect(await failed.count()).toBe(0);
  await page.close();
});

it('does not save the configuration when a keyboard user presses Enter on "Months shown" to open it', async () => {
  // Enter on the closed list submitted the form: the configuration was saved as it was and the edit view closed
  // before any month was chosen. Enter now opens the list (or does nothing); only Save saves.
  const before = wb.app.jira.store.getDashboardItemProperty(gadgetItem().id, 'config');
  const { page, edit } = await openEdit();
  await form(edit).waitFor({ timeout: 30_000 });
  await form(edit).getByLabel('Months shown').focus();
  await page.keyboard.press('Enter');
  await pause(2_000);
  expect({
    stillEditing: page.url().includes('edit='),
    config: wb.app.jira.store.getDashboardItemProperty(gadgetItem().id, 'config'),
  }).toEqual({ stillEditing: true, config: before });
  await page.close();
});

it('refuses a configuration with no project at the projects field, which takes the keyboard', async () => {
  const before = wb.app.jira.store.getDashboardItemProperty(gadgetItem().id, 'config');
  const { page, edit } = await openEdit();
  await form(edit).waitFor({ timeout: 30_000 });
  const projects = form(edit).getByLabel(/^Projects/);
  // Every chosen project taken off, one Backspace each.
  await projects.focus();
  for (let i = 0; i < 5; i++) await page.keyboard.press('Backspace');
  await form(edit).getByRole('button', { name: 'Save' }).click();
  const message = form(edit).getByText('Pick at least one project.');
  await message.waitFor();
  expect(await projects.getAttribute('aria-invalid')).toBe('true');
  expect(await edit.evaluate(() => document.activeElement?.id)).toBe('gadget-projects');
  expect(wb.app.jira.store.getDashboardItemProperty(gadgetItem().id, 'config')).toEqual(before);
  await page.close();
});

it('leaves edit mode on Cancel with the saved configuration as it was', async () => {
  const before = wb.app.jira.store.getDashboardItemProperty(gadgetItem().id, 'config');
  expect(before).toBeTruthy();
  const { page, edit } = await openEdit();
  await form(edit).waitFor({ timeout: 30_000 });
  // A month count chosen, then called off.
  await form(edit).getByLabel('Months shown').click();
  await edit.getByRole('option', { name: '3 months' }).click();
  await form(edit).getByRole('button', { name: 'Cancel' }).click();
  await page.waitForURL((url) => !url.search.includes('edit='), { timeout: 30_000 });
  expect(wb.app.jira.store.getDashboardItemProperty(gadgetItem().id, 'config')).toEqual(before);
  await page.close();
});
