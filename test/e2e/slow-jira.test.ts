/**
 * A resolver Forge stops at its time limit, in a real browser: the page says it took too long and that the change
 * may have been made, never that the person's connection is at fault. The 25 s limit is shrunk to 2.5 s.
 */
import { buildSurface } from '../../scripts/build-static';
import { ISSUE_PROPERTY_KEY } from '../../src/domain/issue-lens';
import { startBrowserWorkbench, type BrowserWorkbench } from '../support/browser';

jest.setTimeout(120_000);

const PANEL_FRAME = 'iframe[data-wb-module="outcome-lens-issue-panel"]';
let wb: BrowserWorkbench;
let key: string;

beforeAll(async () => {
  await buildSurface('issue-panel');
  wb = await startBrowserWorkbench({
    limits: { timeScale: 0.1 },
    seed: (app) => {
      app.jira.store.createProject({ key: 'SLOW', name: 'Slow' });
      app.grantDemoRoles('SLOW');
      key = app.jira.store.createIssue({ projectKey: 'SLOW', summary: 'Shoppers lose their carts' }).key;
    },
  });
});
afterAll(async () => wb?.close());

it('says a save Jira made too slow took too long, not that the connection failed', async () => {
  const page = await wb.openAs('admin', `/browse/${key}`);
  const panel = await wb.panelFrame(page, PANEL_FRAME);
  await panel.getByLabel('Persona').waitFor({ timeout: 30_000 });
  await panel.getByLabel('Persona').fill('returning shopper');
  // Writing the issue property takes longer than the function may run.
  wb.app.jira.faults.inject({
    kind: 'latency',
    ms: 4_000,
    match: { method: 'PUT', pathIncludes: '/properties/' },
  });
  await panel.getByRole('button', { name: 'Save' }).click();
  const banner = panel.getByTestId('save-result');
  await banner.getByText('Not saved as far as Jira shows').waitFor({ timeout: 30_000 });
  const text = await banner.innerText();
  expect(text).toContain('Outcome Lens took too long to answer (Jira may be slow right now).');
  expect(text).not.toMatch(/connection/i);
  wb.app.jira.faults.clear();
  // The write had left for Jira before the function was stopped, and lands: pressing Save again is answered as
  // saved, and the lens is written once (the retry carries the same request id).
  await new Promise((r) => setTimeout(r, 4_500));
  await panel.getByRole('button', { name: 'Save' }).click();
  await banner.getByText('Saved', { exact: true }).waitFor({ timeout: 30_000 });
  expect(wb.app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY)).toMatchObject({
    version: 1,
    hypothesis: { persona: 'returning shopper' },
  });
  await page.close();
});
