/**
 * Backlog health's scans, as a reviewer found them in a real browser:
 * - "Scan now" pressed again ~0.3 s after the first, while its run had started: the button was enabled again,
 *   the second press answered "Scan already running", and the page then waited for yet another run. The heading
 *   said "(scan queued…)" for a minute and "Figures as of the scan at …" never moved to the run that finished.
 *   The button should stay disabled while the scan is started and runs, and the heading and figures follow the
 *   run to its end.
 * - A dry run's "Changed" said 24 above a list of 23: it counted the issues that would only get the flag's label
 *   or comment, and listed none of them (a fresh dry run no longer does: test/integration/
 *   dry-run-changed-listed.test.ts). A run stored so says why the figures differ; and the narrow Details column
 *   made a row a tall strip: it has room, the table scrolling sideways.
 * - "List every recipe", then a dry run: when the run ended the list folded back to its button. It stays open,
 *   read again.
 */
import type { Frame, Page } from 'playwright-core';
import { PROJECT_PAGE_RESOLVERS as R } from '../../src/contract/project-page-keys';
import { emptyCounters } from '../../src/contract/scan';
import { loadAggregates, saveAggregates } from '../../src/storage/aggregates';
import { listRunSummaries } from '../../src/storage/scan-state';
import { runInInvocation } from '../../workbench/forge/context';
import { eventually, type BrowserWorkbench } from '../support/browser';
import { openProjectPage, startDemoAfterScan, storeRun } from '../support/demo-project';

jest.setTimeout(180_000);

let wb: BrowserWorkbench | undefined;
afterEach(async () => {
  wb?.app.jira.faults.clear();
  // A run a failed test left going ends before the workbench closes under it.
  await wb?.app.queue.runDue({ until: 'idle', advanceClock: true }).catch(() => undefined);
  await wb?.close();
  wb = undefined;
});

const RECIPE = (n: number) => `Add a blue button top right ${n}`;

/** Runs `fn` as the app, in an invocation of the project page's module (app storage as the scan keeps it). */
function asApp<T>(bench: BrowserWorkbench, fn: () => Promise<T>): Promise<T> {
  return runInInvocation(
    { accountId: null, moduleKey: 'outcome-lens-project-page', installContext: bench.app.installContext },
    fn,
  );
}

async function openHealth(frame: Frame): Promise<void> {
  await frame.getByRole('tab', { name: 'Backlog health' }).click({ timeout: 30_000 });
  await frame.getByRole('heading', { name: 'Recipes or problems?' }).waitFor({ timeout: 60_000 });
  await frame.getByRole('table', { name: 'Scan runs' }).waitFor({ timeout: 30_000 });
}

/** The heading of the scan runs, with what it says of a run going or awaited. */
const runsHeading = (frame: Frame) => frame.locator('#scan-runs-heading');

/** The flags the host page showed (Forge's showFlag), by title. */
const flagTitles = (page: Page) => page.locator('.wb-flag').allInnerTexts();

it('keeps Scan now disabled while its run goes, sends one request, and follows the run to its figures', async () => {
  ({ wb } = await startDemoAfterScan(['outcome-map']));
  const bench = wb;
  // The nightly scan counted the figures long ago: a run that counts them again moves "as of".
  await asApp(bench, async () => {
    const figures = (await loadAggregates('DEMO'))!;
    await saveAggregates('DEMO', { ...figures, at: '2020-01-01T00:00:00.000Z' });
  });
  const { page, frame, calls } = await openProjectPage(bench);
  await openHealth(frame);
  const asOf = frame.getByTestId('health-as-of');
  expect(await asOf.innerText()).toContain('Figures as of the scan at 2020-01-01 00:00 UTC.');

  // Jira is slow to search: the run holds the project's scan for seconds, as on a real site.
  bench.app.jira.faults.inject({ kind: 'latency', ms: 2_500, match: { pathIncludes: '/search' } });
  const scanNow = frame.getByRole('button', { name: 'Scan now' });
  await scanNow.click();
  const manual = frame.locator('tbody tr[data-testid^="scan-run-"]').filter({ hasText: 'Scan now' });
  await manual
    .filter({ hasText: /running/i })
    .first()
    .waitFor({ timeout: 30_000 });
  // The second press of the reviewer's: the run is going, so the button takes none.
  expect(await scanNow.isDisabled()).toBe(true);
  expect(await frame.getByRole('button', { name: 'Dry run (writes nothing)' }).isDisabled()).toBe(true);
  await scanNow.click({ timeout: 1_000 }).catch(() => undefined);
  await page.waitForTimeout(1_000);
  expect(calls.filter((c) => c === R.scanNow)).toHaveLength(1);
  expect(await flagTitles(page)).not.toContainEqual(expect.stringContaining('Scan already running'));

  bench.app.jira.faults.clear();
  await bench.app.queue.runDue({ until: 'idle', advanceClock: true });
  await manual
    .filter({ hasText: /finished/i })
    .first()
    .waitFor({ timeout: 60_000 });
  const [run] = await asApp(bench, () => listRunSummaries('DEMO', 1));
  const counted = await asApp(bench, () => loadAggregates('DEMO'));
  expect(counted?.runId).toBe(run!.runId);
  // The heading and the figures follow it, well before the minute the page would wait for another run.
  await eventually(
    async () => {
      expect(await runsHeading(frame).innerText()).toBe('Scan runs');
      expect(await asOf.innerText()).toContain(
        `Figures as of the scan at ${counted!.at.slice(0, 16).replace('T', ' ')} UTC.`,
      );
    },
    { timeout: 20_000, interval: 250 },
  );
  // Over, the run lets the buttons be pressed again.
  expect(await scanNow.isDisabled()).toBe(false);
  expect(calls.filter((c) => c === R.scanNow)).toHaveLength(1);
  await page.close();
});

it('says why a dry run counted more changed than it lists, and gives its details room', async () => {
  ({ wb } = await startDemoAfterScan(['outcome-map']));
  // A dry run stored before it counted only what it lists: 24 changed, of which 23 listed.
  await storeRun(wb, {
    runId: 'run-dry-old',
    startedAt: '2020-01-02T00:00:00.000Z',
    origin: 'manual',
    status: 'finished',
    finishedAt: '2020-01-02T00:00:05.000Z',
    dryRun: true,
    counters: { ...emptyCounters(), issues: 55, flagged: 3, changed: 24 },
    wouldChange: Array.from({ length: 23 }, (_, i) => ({
      issueKey: `DEMO-${i + 1}`,
      change: i < 3 ? ('flag' as const) : ('update' as const),
    })),
  });
  const page = await wb.openAs('admin', '/projects/DEMO/outcomes', {
    viewport: { width: 1024, height: 900 },
  });
  const frame = await wb.panelFrame(page, 'iframe[data-wb-module="outcome-lens-project-page"]');
  await openHealth(frame);
  const row = frame.getByTestId('scan-run-run-dry-old');
  await row.getByText('What the dry run would change', { exact: true }).click();
  const list = row.getByRole('list', { name: 'Would change in the dry run started 2020-01-02 00:00:00' });
  expect(await list.getByRole('listitem').count()).toBe(23);
  expect(await row.getByTestId('dry-run-unlisted').innerText()).toBe(
    "24 changed are counted and 23 listed: this dry run also counted the issue whose only change would be the flag's label or comment, which it does not list. Dry runs now count only what they list.",
  );
  // Each change reads on one line, not broken word by word down a narrow column.
  const heights = await list
    .getByRole('listitem')
    .evaluateAll((items) =>
      items.map((li) => li.getBoundingClientRect().height / parseFloat(getComputedStyle(li).lineHeight)),
    );
  expect(Math.max(...heights)).toBeLessThan(1.5);
  const details = await row.locator('details').evaluate((el) => el.getBoundingClientRect().width);
  expect(details).toBeGreaterThanOrEqual(250);
  // The frame does not widen: the table scrolls sideways in its region, as the other wide tables do.
  const widths = await frame.evaluate(() => ({
    page: document.documentElement.scrollWidth,
    frame: document.documentElement.clientWidth,
  }));
  expect(widths.page).toBeLessThanOrEqual(widths.frame);
  await page.close();
});

it('keeps the list of every recipe open across a dry run, and reads it again', async () => {
  ({ wb } = await startDemoAfterScan(['outcome-map']));
  const bench = wb;
  for (let n = 1; n <= 2; n++)
    bench.app.jira.store.createIssue({ projectKey: 'DEMO', type: 'Story', summary: RECIPE(n) });
  bench.app.jira.index.catchUp();
  const { page, frame } = await openProjectPage(bench);
  await openHealth(frame);
  const all = frame.getByTestId('all-recipes');
  await all.getByRole('button', { name: 'List every recipe' }).click({ timeout: 60_000 });
  const list = all.getByRole('list', { name: 'Every recipe' });
  await list.getByRole('listitem').first().waitFor({ timeout: 30_000 });
  const before = await list.getByRole('listitem').count();

  // A recipe written meanwhile: the list read again names it.
  const added = bench.app.jira.store.createIssue({
    projectKey: 'DEMO',
    type: 'Story',
    summary: 'Make the checkout button green and move it to the top left',
  }).key;
  bench.app.jira.index.catchUp();
  await frame.getByRole('button', { name: 'Dry run (writes nothing)' }).click();
  await bench.app.queue.runDue({ until: 'idle', advanceClock: true });
  const dry = frame
    .locator('tbody tr[data-testid^="scan-run-"]')
    .filter({ hasText: 'Scan now' })
    .filter({ hasText: /finished/i });
  await dry.first().waitFor({ timeout: 60_000 });
  await eventually(
    async () => {
      expect(await list.isVisible()).toBe(true);
      expect(await list.getByRole('listitem').count()).toBe(before + 1);
      expect(await list.innerText()).toContain(added);
      expect(await all.getByRole('status').innerText()).not.toMatch(/reading the list again/);
    },
    { timeout: 30_000, interval: 250 },
  );
  expect(await all.getByRole('button', { name: 'List every recipe' }).count()).toBe(0);
  await page.close();
});
