/**
 * A save whose claim on the issue runs out before its write (Jira so slow that the save outlives it) stops and
 * writes nothing: the panel says the save took too long and stopped, not that someone else saved first.
 */
import { ISSUE_PROPERTY_KEY } from '../../src/domain/issue-lens';
import { PANEL_FRAME, startPanelWorkbench, type BrowserWorkbench } from '../support/browser';

jest.setTimeout(120_000);

let wb: BrowserWorkbench;

beforeAll(async () => {
  wb = await startPanelWorkbench('SLOW', 'Slow');
});
afterAll(async () => {
  jest.restoreAllMocks();
  await wb?.close();
});

it('says a save whose claim ran out took too long and stopped, and blames no one', async () => {
  const key = wb.app.jira.store.createIssue({ projectKey: 'SLOW', summary: 'Shoppers lose their carts' }).key;
  const page = await wb.openAs('admin', `/browse/${key}`);
  const panel = await wb.panelFrame(page, PANEL_FRAME);
  await panel.getByLabel('Persona').waitFor({ timeout: 30_000 });
  await panel.getByLabel('Persona').fill('returning shopper');

  // The save reads the issue with its lens once its claim is taken; that read is slow, and while it waits the
  // claim's 25 s run out: the clock of the app's functions moves on 24 s.
  const reads = wb.app.jira.faults.inject({
    kind: 'latency',
    ms: 1_500,
    times: 1,
    match: { method: 'GET', pathIncludes: `properties=${ISSUE_PROPERTY_KEY}` },
  });
  await panel.getByRole('button', { name: 'Save' }).click();
  for (let i = 0; i < 2_000 && wb.app.jira.faults.list().some((f) => f.id === reads); i++)
    await new Promise((r) => setTimeout(r, 5));
  const realNow = Date.now.bind(Date);
  jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 24_000);

  const banner = panel.getByTestId('save-result');
  await banner.getByText('Not saved: the save took too long and stopped').waitFor({ timeout: 30_000 });
  const text = await banner.innerText();
  expect(text).toContain('took too long and was stopped before it finished: nothing more was written.');
  expect(text).toContain('Your changes are still in the fields');
  expect(text).not.toMatch(/someone else/i);
  expect(await panel.getByTestId('conflict').count()).toBe(0);
  expect(await panel.getByLabel('Persona').inputValue()).toBe('returning shopper');
  expect(wb.app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY)).toBeUndefined();
  await page.close();
});
