/**
 * The project page under `?locale=de-DE` (README: the numbers in the surfaces' messages use the locale's decimal
 * mark): backlog health's movements and scores, the results review's proposed verdict, shown and pre-filled
 * in the Decide form with a decimal comma and one unit format ("38,8%"), and the outcome map's chart, spoken
 * progress and story points written as its card's sentence writes them. And backlog health's list of every
 * recipe in a project never scanned, whose count was made now over the first 1,000 open items: never called the
 * last scan's.
 */
import type { Frame } from 'playwright-core';
import { buildSurface } from '../../scripts/build-static';
import {
  PROJECT_PAGE_RESOLVERS as R,
  type HealthData,
  type OutcomeView,
} from '../../src/contract/project-page';
import type { Answer } from '../../src/contract/answer';
import type { WorkbenchApp } from '../../workbench/app';
import { listEveryRecipe, startBrowserWorkbench, type BrowserWorkbench } from '../support/browser';
import { PAGE_FRAME, seedMeasuredBet } from '../support/results-review';

jest.setTimeout(300_000);

const today = new Date().toISOString().slice(0, 10);
/** A project never scanned, larger than the 1,000 open items a live count reads. */
const BIG = 'BIG';
const BIG_ISSUES = 1040;
let wb: BrowserWorkbench;
let betKey = '';
/** A project whose map is counted now, and its story of 2.5 points (seedShop). */
const SHOP = 'SHOP';
let halfPoint = '';

const RECIPES = [
  'Make the checkout button blue and put it top right',
  'Add a PDF export button to the cart page',
  'Change the banner colour to red',
];
const PROBLEMS = [
  'Users cannot tell whether their order went through',
  'Returning shoppers lose their basket when they sign in',
];

async function seed(app: WorkbenchApp): Promise<void> {
  betKey = await seedMeasuredBet(app, today);
  for (const summary of [...RECIPES.slice(0, 2), ...PROBLEMS])
    app.jira.store.createIssue({ projectKey: 'DEMO', summary, type: 'Story' });
}

/** A scan of DEMO started with Scan now, run to its end. */
async function scanDemo(): Promise<void> {
  const as = { user: 'admin', projectKey: 'DEMO' };
  const started = (await wb.app.invoke('outcome-lens-project-page', R.scanNow, {}, as)) as { ok: boolean };
  if (!started.ok) throw new Error(`DEMO's scan did not start: ${JSON.stringify(started)}`);
  await wb.app.queue.runDue({ until: 'idle', advanceClock: true });
}

/** Opens a project's page as a member in German, at one of its tabs. */
async function openTab(projectKey: string, tab: string): Promise<Frame> {
  const page = await wb.openAs('member', `/projects/${projectKey}/outcomes?locale=de-DE`);
  const frame = await wb.panelFrame(page, PAGE_FRAME);
  await frame.getByRole('tab', { name: tab }).click({ timeout: 30_000 });
  await frame.getByRole('tab', { name: tab, selected: true }).waitFor();
  return frame;
}

async function health(projectKey: string): Promise<HealthData> {
  const a = (await wb.app.invoke(
    'outcome-lens-project-page',
    R.health,
    {},
    { user: 'admin', projectKey },
  )) as {
    ok: boolean;
    data: HealthData;
  };
  if (!a.ok) throw new Error(JSON.stringify(a));
  return a.data;
}

/**
 * SHOP, a project never scanned (its map is counted now): the outcome "Mobile shoppers buy", from 1.8% to 2.4% and
 * measured at 2.3%, and two open stories of 2.5 and 3 points that serve no outcome. Returns the 2.5-point one.
 */
async function seedShop(): Promise<string> {
  wb.app.jira.store.createProject({ key: SHOP, name: 'Shop' });
  wb.app.grantDemoRoles(SHOP);
  const as = { user: 'admin', projectKey: SHOP };
  const created = (await wb.app.invoke(
    'outcome-lens-project-page',
    R.createOutcome,
    {
      draft: {
        name: 'Mobile shoppers buy',
        metric: 'mobile conversion rate',
        baseline: 1.8,
        target: 2.4,
        unit: '%',
        direction: 'increase',
        dueDate: '2027-06-30',
      },
    },
    as,
  )) as Answer<OutcomeView>;
  if (!created.ok) throw new Error(created.error.message);
  const measured = (await wb.app.invoke(
    'outcome-lens-project-page',
    R.addMeasurement,
    { id: created.data.id, version: created.data.version, measurement: { at: today, value: 2.3 } },
    as,
  )) as Answer<OutcomeView>;
  if (!measured.ok) throw new Error(measured.error.message);
  wb.app.jira.store.createIssue({
    projectKey: SHOP,
    summary: 'Shoppers lose their basket',
    type: 'Story',
    storyPoints: 3,
  });
  return wb.app.jira.store.createIssue({
    projectKey: SHOP,
    summary: 'Shoppers cannot find the returns form',
    type: 'Story',
    storyPoints: 2.5,
  }).key;
}

beforeAll(async () => {
  await buildSurface('outcome-map');
  wb = await startBrowserWorkbench({ seed });
  // Two scans with a recipe written between them: backlog health has movement to show.
  await scanDemo();
  wb.app.jira.store.createIssue({ projectKey: 'DEMO', summary: RECIPES[2]!, type: 'Story' });
  await scanDemo();
  // Made after the scans, so never scanned; its recipes sit past the first 1,000 open items too.
  wb.app.jira.store.createProject({ key: BIG, name: 'Big' });
  wb.app.grantDemoRoles(BIG);
  for (let i = 0; i < BIG_ISSUES; i++)
    wb.app.jira.store.createIssue({
      projectKey: BIG,
      summary: i % 10 === 0 ? `${RECIPES[i % 3]!} (${i})` : `${PROBLEMS[i % 2]!} (${i})`,
      type: 'Story',
    });
  halfPoint = await seedShop();
});
afterAll(async () => wb?.close());

describe('the project page in German', () => {
  it('says backlog health’s movements and scores with a decimal comma', async () => {
    const data = await health('DEMO');
    expect(data.asOf).not.toBeNull();
    const frame = await openTab('DEMO', 'Backlog health');
    const moved = Math.round(data.movement!.meanScore! * 10) / 10;
    // A movement with a fraction to write: the recipe written between the two scans moves the mean score.
    expect(moved % 1).not.toBe(0);
    const movement = frame.getByText(/^Mean score: /);
    await movement.waitFor({ timeout: 30_000 });
    expect(await movement.innerText()).toBe(
      `Mean score: ${moved > 0 ? '+' : '−'}${String(Math.abs(moved)).replace('.', ',')} points since the last scan`,
    );
    const { mean, median } = data.current.scores;
    expect(mean! % 1).not.toBe(0);
    const scores = frame.getByText(/^Mean [^s]/);
    expect(await scores.innerText()).toBe(
      `Mean ${String(mean).replace('.', ',')}, median ${String(median).replace('.', ',')}.`,
    );
    expect(await frame.locator('body').innerText()).not.toMatch(/\d\.\d/);
    await frame.page().close();
  });

  it('shows the proposed verdict and pre-fills its evidence with a decimal comma and one unit format', async () => {
    const frame = await openTab('DEMO', 'Results review');
    const due = frame.getByTestId('due-bets');
    await due.getByText(betKey, { exact: true }).waitFor({ timeout: 30_000 });
    const row = await due.innerText();
    expect(row).toMatch(/from 40% to 30%/);
    expect(row).toMatch(
      /: 40,5% on \S+ at delivery, 33% on \S+ at check-by\. Moved -7,5% \(expected: decrease by 10%\)/,
    );
    expect(row).not.toMatch(/\d\.\d|\d %/);
    await frame.getByRole('button', { name: `Decide the verdict on ${betKey}` }).click();
    const evidence = frame.getByRole('form', { name: `Verdict on ${betKey}` }).getByLabel('Evidence');
    const filled = await evidence.inputValue();
    expect(filled).toMatch(/: 40,5% on \S+ at delivery, 33% on \S+ at check-by\. Moved -7,5% /);
    expect(filled).not.toMatch(/\d\.\d|\d %/);
    await frame.page().close();
  });

  it('writes the map’s chart, spoken progress and story points with a decimal comma, as the card’s sentence does', async () => {
    const frame = await openTab(SHOP, 'Outcome map');
    const lane = frame.getByRole('article', { name: 'Mobile shoppers buy' });
    const chart = lane.locator('svg.ol-chart');
    await chart.waitFor({ timeout: 30_000 });
    expect(await lane.innerText()).toContain('mobile conversion rate: 2,3% now, from 1,8% to 2,4%');
    // The chart beside the sentence, the progress a screen reader speaks and the story points write it alike.
    expect((await chart.textContent())?.trim()).toBe('target 2,4%');
    expect(await chart.getAttribute('aria-label')).toBe(
      `mobile conversion rate: baseline 1,8%, target 2,4%, latest 2,3% on ${today}`,
    );
    expect(await lane.getByRole('progressbar').getAttribute('aria-valuetext')).toBe(
      '83% of the way from 1,8% to 2,4%',
    );
    await frame.getByTestId(`map-issue-${halfPoint}`).getByText('2,5 pts').waitFor({ timeout: 30_000 });
    expect(await frame.getByTestId('map-total').innerText()).toMatch(
      /^2 open items, 5,5 story points in this view/,
    );
    expect(await frame.getByTestId('lane-none').innerText()).toContain('5,5 pts =');
    await frame.page().close();
  });

  it('offers the recipe filter as of the last scan, and not before a scan has marked any', async () => {
    const scanned = await openTab('DEMO', 'Outcome map');
    const filter = scanned.getByLabel('Recipes only (as of the last scan)');
    await filter.waitFor({ timeout: 30_000 });
    expect(await filter.isEnabled()).toBe(true);
    await scanned.page().close();
    const never = await openTab(BIG, 'Outcome map');
    const off = never.getByLabel('Recipes only (after the first scan)');
    await off.waitFor({ state: 'attached', timeout: 30_000 });
    expect(await off.isDisabled()).toBe(true);
    await never.page().close();
  });

  it('lists every recipe of a project never scanned without calling its live count the last scan’s', async () => {
    const data = await health(BIG);
    expect(data).toMatchObject({ asOf: null, truncated: true });
    const frame = await openTab(BIG, 'Backlog health');
    const { status: text } = await listEveryRecipe(frame, 120_000);
    expect(text).not.toMatch(/last scan/);
    expect(text).toBe(
      `${BIG_ISSUES / 10} recipes listed, read from Jira now over the whole open backlog. The figures above were ` +
        `counted now over the first 1,000 open items and found ${data.current.recipes.count} recipes.`,
    );
    await frame.page().close();
  });
});
