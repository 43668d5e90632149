/**
 * Shipped versus moved in a real browser, on the demo after its first scan: the project page's tab and the
 * dashboard gadget both draw the demo's two contrasting outcomes ("Mobile shoppers buy" moved while the squad
 * shipped little, "Fewer order questions" stayed flat while it shipped a lot) on the delivered months, with
 * the month table as text; axe-clean in both themes at 800 px, nothing scrolls sideways. A lead configures
 * the gadget in its edit view; a viewer who may not browse the project is told the gadget hides it.
 */
import type { Frame, Page } from 'playwright-core';
import { buildSurface } from '../../scripts/build-static';
import type { WorkbenchApp } from '../../workbench/app';
import { seedDemo } from '../../workbench/seed/demo';
import { startBrowserWorkbench, type BrowserWorkbench } from '../support/browser';
import {
  expectAxeClean,
  NARROW_VIEWPORT,
  saveScreenshot,
  setTheme,
  sidewaysOverflow,
} from '../support/surface-checks';

jest.setTimeout(240_000);

const PAGE_FRAME = 'iframe[data-wb-module="outcome-lens-project-page"]';
const GADGET_FRAME = 'iframe[data-wb-module="outcome-lens-shipped-gadget"]';
const CONTRAST = ['Mobile shoppers buy', 'Fewer order questions'];
let wb: BrowserWorkbench;
let dashboardId = 0;

async function seed(app: WorkbenchApp): Promise<void> {
  await seedDemo(app, new Date());
  await app.runScheduledTrigger('outcome-lens-daily-scan');
  dashboardId = app.jira.store.listDashboards()[0]!.id;
}

beforeAll(async () => {
  await Promise.all(['outcome-map', 'gadget'].map((s) => buildSurface(s)));
  wb = await startBrowserWorkbench({ seed });
});
afterAll(async () => wb?.close());

/** The view's chart and table both name each contrasting outcome, and the table says what was delivered. */
async function expectContrast(frame: Frame): Promise<void> {
  const view = frame.getByTestId('shipped-moved-DEMO');
  await view.waitFor({ timeout: 30_000 });
  const chart = view.getByTestId('shipped-chart');
  for (const name of CONTRAST) {
    expect(await chart.locator(`g[data-outcome="${name}"] circle`).count()).toBeGreaterThan(1);
    await view.getByRole('columnheader', { name: new RegExp(name) }).waitFor();
  }
  // The chart's text equivalent names the totals and both outcomes' movement.
  const label = (await chart.getAttribute('aria-label')) ?? '';
  expect(label).toMatch(/items delivered/);
  for (const name of CONTRAST) expect(label).toContain(name);
  // Moved with one item delivered for it; flat through five.
  const deliveredFor = (name: string) =>
    chart.locator(`g[data-outcome="${name}"] [data-testid="outcome-delivered"]`).textContent();
  expect(await deliveredFor('Mobile shoppers buy')).toBe('1 item delivered for it');
  expect(await deliveredFor('Fewer order questions')).toBe('5 items delivered for it');
  const table = await view.getByTestId('shipped-months').innerText();
  expect(table).toMatch(/\d+ \(\d+%\)/);
  expect(await view.innerText()).toMatch(/hit rate/);
}

async function openTab(user: string): Promise<{ page: Page; frame: Frame }> {
  const page = await wb.openAs(user, '/projects/DEMO/outcomes', { viewport: NARROW_VIEWPORT });
  const frame = await wb.panelFrame(page, PAGE_FRAME);
  await frame.getByRole('tab', { name: 'Shipped vs moved' }).click({ timeout: 30_000 });
  await frame.getByRole('tab', { name: 'Shipped vs moved', selected: true }).waitFor();
  return { page, frame };
}

describe('shipped versus moved in the browser', () => {
  it.each(['light', 'dark'] as const)(
    'the project page tab draws the contrasting outcomes, axe-clean in %s',
    async (mode) => {
      const { page, frame } = await openTab('viewer');
      await expectContrast(frame);
      await setTheme(page, frame, mode);
      await expectAxeClean(wb, frame, `shipped tab, ${mode}`);
      expect(await sidewaysOverflow(frame)).toEqual([]);
      await saveScreenshot(page, `shipped-moved-${mode}-800`);
      await page.close();
    },
  );

  it.each(['light', 'dark'] as const)(
    'the dashboard gadget draws them for the configured project, axe-clean in %s',
    async (mode) => {
      const page = await wb.openAs('viewer', `/dashboards/${dashboardId}`, { viewport: NARROW_VIEWPORT });
      const frame = await wb.panelFrame(page, GADGET_FRAME);
      await expectContrast(frame);
      await setTheme(page, frame, mode);
      await expectAxeClean(wb, frame, `gadget, ${mode}`);
      expect(await sidewaysOverflow(frame)).toEqual([]);
      await saveScreenshot(page, `shipped-gadget-${mode}-800`);
      await page.close();
    },
  );

  // The items delivered without a bet were followed by their JQL as text, to be copied into Jira's search by hand.
  it('opens the items shipped without a bet in Jira’s issue search, from the link under them', async () => {
    const { page, frame } = await openTab('viewer');
    const view = frame.getByTestId('shipped-moved-DEMO');
    const listed = (await view.getByTestId('shipped-unbet').locator('li').allInnerTexts()).map(
      (text) => text.split(' ')[0]!,
    );
    expect(listed.length).toBeGreaterThan(0);
    const link = view.getByRole('link', { name: 'Search them all in Jira' });
    const jql = (await view.locator('code').last().innerText()).trim();
    expect(jql).toMatch(/^project = "?DEMO"? AND statusCategory = Done AND checkBy IS EMPTY/);
    // On the site's own address (for "copy link"), followed through Forge's router.
    // The browser workbench is the site: its own address.
    const site = new URL(page.url()).origin;
    expect(await link.getAttribute('href')).toBe(`${site}/issues/?jql=${encodeURIComponent(jql)}`);
    await link.click();
    await page.waitForURL((url) => url.pathname === '/issues/', { timeout: 30_000 });
    expect(await page.getByLabel('JQL query').inputValue()).toBe(jql);
    const found = await page.locator('table tbody tr td:nth-child(2)').allInnerTexts();
    for (const key of listed) expect(found).toContain(key);
    await page.close();
  });

  it('lets the dashboard owner configure the gadget, and hides the project from a viewer who may not browse it', async () => {
    const item = wb.app.jira.store.listDashboardItems(dashboardId)[0]!;
    const page = await wb.openAs('admin', `/dashboards/${dashboardId}?edit=${item.id}`, {
      viewport: NARROW_VIEWPORT,
    });
    const edit = await wb.panelFrame(page, GADGET_FRAME);
    const form = edit.getByRole('form', { name: 'Configure Shipped versus moved' });
    await form.waitFor({ timeout: 30_000 });
    await expectAxeClean(wb, edit, 'gadget edit view');
    await form.getByLabel('Months shown').click();
    await edit.getByRole('option', { name: '3 months' }).click();
    await form.getByRole('button', { name: 'Save' }).click();
    // Jira keeps the submitted configuration and shows the view again.
    await page.waitForURL((url) => !url.search.includes('edit='), { timeout: 30_000 });
    expect(wb.app.jira.store.getDashboardItemProperty(item.id, 'config')).toEqual({
      projectKeys: ['DEMO'],
      months: 3,
    });
    const view = await wb.panelFrame(page, GADGET_FRAME);
    await view.getByTestId('shipped-moved-DEMO').waitFor({ timeout: 30_000 });
    expect(await view.getByTestId('shipped-months').locator('tbody tr').count()).toBe(3);
    await page.close();

    const outsider = await wb.openAs('outsider', `/dashboards/${dashboardId}`);
    const hidden = await wb.panelFrame(outsider, GADGET_FRAME);
    await hidden.getByTestId('gadget-hidden').waitFor({ timeout: 30_000 });
    expect(await hidden.getByTestId('shipped-moved-DEMO').count()).toBe(0);
    await outsider.close();
  });
});
