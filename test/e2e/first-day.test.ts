/**
 * The first day on a project the app has never scanned, in a real browser: every tab says so (an empty kill
 * review is "not judged yet", not "nothing lingers"), and an admin's dry run shows what a scan would flag
 * while writing nothing to Jira.
 */
import { buildSurface } from '../../scripts/build-static';
import { ISSUE_PROPERTY_KEY } from '../../src/domain/issue-lens';
import { startBrowserWorkbench, type BrowserWorkbench } from '../support/browser';

jest.setTimeout(120_000);

const P = 'FRESH';
const PAGE_FRAME = 'iframe[data-wb-module="outcome-lens-project-page"]';
let wb: BrowserWorkbench;
let stale: string;

beforeAll(async () => {
  await buildSurface('outcome-map');
  wb = await startBrowserWorkbench({
    seed: (app) => {
      app.jira.store.createProject({ key: P, name: 'Fresh' });
      app.grantDemoRoles(P);
      stale = app.jira.store.createIssue({
        projectKey: P,
        summary: 'Tidy the old checkout styles',
        type: 'Story',
        created: '2025-01-01T00:00:00.000Z',
        updated: '2025-01-02T00:00:00.000Z',
      }).key;
    },
  });
});
afterAll(async () => wb?.close());

it('says on every tab that the project was never scanned, and a dry run shows what would be flagged without writing', async () => {
  const page = await wb.openAs('admin', `/projects/${P}/outcomes`);
  const frame = await wb.panelFrame(page, PAGE_FRAME);
  await frame.getByRole('tab', { name: 'Outcome map' }).waitFor({ timeout: 30_000 });
  const notice = frame.getByTestId('never-scanned');
  for (const tab of ['Outcome map', 'Kill review', 'Backlog health']) {
    await frame.getByRole('tab', { name: tab }).click();
    await frame.getByRole('tab', { name: tab, selected: true }).waitFor();
    await notice.waitFor();
    expect(await notice.innerText()).toMatch(/has not been scanned yet/);
    if (tab === 'Kill review')
      await frame.getByText('Nothing to review: this project has not been scanned yet.').waitFor();
  }

  await notice.getByRole('button', { name: /Dry run: show what would be flagged/ }).click();
  await frame.getByRole('tab', { name: 'Backlog health', selected: true }).waitFor();
  const runs = frame.getByRole('table', { name: 'Scan runs' });
  await runs.getByText('Dry run (wrote nothing)').waitFor({ timeout: 30_000 });
  await runs.getByText('finished').waitFor({ timeout: 30_000 });
  await runs.locator('summary').first().click();
  await frame.getByText(`${stale}: would flag as zombie`).waitFor();
  // Nothing was written to the issue, and the project is still unscanned.
  expect(wb.app.jira.store.getIssueProperty(stale, ISSUE_PROPERTY_KEY)).toBeUndefined();
  await page.reload({ waitUntil: 'load' });
  const again = await wb.panelFrame(page, PAGE_FRAME);
  await again.getByTestId('never-scanned').waitFor({ timeout: 30_000 });
  await page.close();
});

it('offers Scan now once before the first scan, beside the notice that asks for it; once scanned, backlog health offers it', async () => {
  const page = await wb.openAs('admin', `/projects/${P}/outcomes`);
  const frame = await wb.panelFrame(page, PAGE_FRAME);
  await frame.getByRole('tab', { name: 'Backlog health' }).click({ timeout: 30_000 });
  await frame.getByTestId('health-as-of').waitFor({ timeout: 30_000 });
  const notice = frame.getByTestId('never-scanned');
  const scanNow = frame.getByRole('button', { name: 'Scan now', exact: true });
  const dryRun = frame.getByRole('button', { name: /^Dry run/ });
  expect(await scanNow.count()).toBe(1);
  expect(await dryRun.count()).toBe(1);
  expect(await notice.getByRole('button', { name: 'Scan now', exact: true }).count()).toBe(1);

  await scanNow.click();
  const runs = frame.getByRole('table', { name: 'Scan runs' });
  await runs
    .locator('tbody tr')
    .filter({ hasText: 'Scan now', hasNotText: 'Dry run' })
    .getByText('finished')
    .waitFor({ timeout: 30_000 });
  // Once it has finished, the page knows without a reload: the notice goes, backlog health offers Scan now
  // itself, and its figures are the scan's.
  await notice.waitFor({ state: 'detached', timeout: 30_000 });
  expect(await scanNow.count()).toBe(1);
  expect(await notice.count()).toBe(0);
  const asOf = frame.getByTestId('health-as-of');
  await asOf.getByText(/^Figures as of the scan at /).waitFor();
  // One scan has nothing to compare with: said so, not "changes since the last scan" (which is itself).
  expect(await asOf.innerText()).toMatch(/One scan so far: movement shows from the next one\.$/);
  await page.reload({ waitUntil: 'load' });
  const again = await wb.panelFrame(page, PAGE_FRAME);
  await again.getByRole('tab', { name: 'Backlog health' }).click({ timeout: 30_000 });
  await again.getByTestId('health-as-of').waitFor({ timeout: 30_000 });
  expect(await again.getByTestId('never-scanned').count()).toBe(0);
  expect(await again.getByRole('button', { name: 'Scan now', exact: true }).count()).toBe(1);
  await page.close();
});
