/**
 * Backlog health's list of every recipe, in a real browser, where the count above it may be short or old:
 * - a count of none over the first 1,000 open items, before any scan, still offers the list and its export
 *   (they were hidden, though Jira held recipes past the first 1,000);
 * - after "Scan now" the figures are counted again, and the list and its export are read again: they were the list
 *   read before, told against the new count as "the backlog has changed since", one recipe short. The list stays
 *   open while it is (it folded back to its button: test/e2e/health-scan-runs-review.test.ts).
 */
import { buildSurface } from '../../scripts/build-static';
import type { Download, Frame } from 'playwright-core';
import { startBrowserWorkbench, type BrowserWorkbench } from '../support/browser';
import { openProjectPage } from '../support/demo-project';

jest.setTimeout(180_000);

const RECIPE = (n: number) => `Add a blue button top right ${n}`;
const PROBLEM = (n: number) => `Shoppers cannot find item ${n}, so they leave`;

let wb: BrowserWorkbench | undefined;
beforeAll(() => buildSurface('outcome-map'));
afterEach(async () => {
  await wb?.close();
  wb = undefined;
});

async function openHealth(frame: Frame): Promise<void> {
  await frame.getByRole('tab', { name: 'Backlog health' }).click({ timeout: 30_000 });
  await frame.getByRole('heading', { name: 'Recipes or problems?' }).waitFor({ timeout: 60_000 });
}

/** The rows of a downloaded CSV, its header left out. */
async function csvRows(file: Download): Promise<string[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of await file.createReadStream()) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim().split(/\r\n/).slice(1);
}

it('offers every recipe when the count over the first 1,000 open items found none', async () => {
  wb = await startBrowserWorkbench({
    seed: (app) => {
      app.jira.store.createProject({ key: 'DEMO', name: 'Demo' });
      app.grantDemoRoles('DEMO');
      // The page counts the first 1,000 (the oldest first); the 30 newest are the recipes.
      app.jira.store.bulkCreateIssues(
        Array.from({ length: 1_030 }, (_, i) => ({
          key: `DEMO-${i + 1}`,
          projectKey: 'DEMO',
          type: 'Story' as const,
          summary: i >= 1_000 ? RECIPE(i + 1) : PROBLEM(i + 1),
        })),
      );
      app.jira.index.catchUp();
    },
  });
  const { page, frame } = await openProjectPage(wb);
  await openHealth(frame);
  await frame.getByText('This report covers the first 1,000 open items').waitFor();
  const all = frame.getByTestId('all-recipes');
  expect(await all.getByRole('status').innerText()).toBe(
    'The figures above were counted now over the first 1,000 open items and found 0 recipes: list them to see ' +
      'what Jira holds now.',
  );
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    all.getByRole('button', { name: 'Export every recipe as CSV' }).click(),
  ]);
  expect(await csvRows(file)).toHaveLength(30);
  await page.close();
});

it('reads the list of every recipe again when "Scan now" has counted the figures again', async () => {
  wb = await startBrowserWorkbench({
    seed: (app) => {
      app.jira.store.createProject({ key: 'DEMO', name: 'Demo' });
      app.grantDemoRoles('DEMO');
      for (let n = 1; n <= 4; n++)
        app.jira.store.createIssue({
          projectKey: 'DEMO',
          type: 'Story',
          summary: n <= 2 ? RECIPE(n) : PROBLEM(n),
        });
    },
  });
  await wb.app.runScheduledTrigger();
  wb.app.jira.index.catchUp();
  const { page, frame } = await openProjectPage(wb);
  await openHealth(frame);
  const all = frame.getByTestId('all-recipes');
  await all.getByRole('button', { name: 'List every recipe' }).click({ timeout: 60_000 });
  await all.getByRole('status').filter({ hasText: '2 of 2 recipes listed.' }).waitFor({ timeout: 30_000 });

  const added = wb.app.jira.store.createIssue({
    projectKey: 'DEMO',
    type: 'Story',
    summary: 'Make the checkout button green and move it to the top left',
  }).key;
  wb.app.jira.index.catchUp();
  await frame.getByRole('button', { name: 'Scan now' }).click();
  // Counted again once the run has finished: three recipes, and the list, still open, read again against them.
  await all
    .getByRole('status')
    .filter({ hasText: /^3 of 3 recipes listed\.$/ })
    .waitFor({ timeout: 90_000 });
  expect(await all.getByRole('listitem').count()).toBe(3);
  expect(await all.getByRole('list', { name: 'Every recipe' }).innerText()).toContain(added);
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    all.getByRole('button', { name: 'Export every recipe as CSV' }).click(),
  ]);
  const rows = await csvRows(file);
  expect(rows).toHaveLength(3);
  expect(rows.some((row) => row.includes(added))).toBe(true);
  await page.close();
});
