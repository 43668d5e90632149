/**
 * What a person does in the results review, the settings page and the gadget's configuration, found by a hostile
 * review in a real browser: each test held a defect its comment describes (it failed on the code before the
 * mend), and now holds the mend.
 */
import type { Frame } from 'playwright-core';
import { buildSurface } from '../../scripts/build-static';
import { seedDemo } from '../../workbench/seed/demo';
import type { WorkbenchApp } from '../../workbench/app';
import { addDays } from '../../src/domain/dates';
import { ISSUE_PROPERTY_KEY, readLens } from '../../src/domain/issue-lens';
import { eventually, startBrowserWorkbench, type BrowserWorkbench } from '../support/browser';
import { openSettings, startSettingsWorkbench } from '../support/settings-page';

jest.setTimeout(180_000);

describe('settings page', () => {
  let wb: BrowserWorkbench;
  beforeAll(async () => {
    wb = await startSettingsWorkbench();
  });
  afterAll(async () => wb?.close());

  it('keeps the space a person types in the flag label, and refuses it at the field on save', async () => {
    // A person types "needs review" into "Add this label (blank: none)" key by key. What happens: each
    // keystroke is trimmed into the settings, so the space typed after "needs" vanishes at once and the field
    // ends as "needsreview" (a different label than typed, saved without a word). What should happen: the
    // field keeps what was typed, and a label Jira cannot take (a space) is refused at the field on save.
    const { frame } = await openSettings(wb);
    const label = frame.getByLabel('Add this label (blank: none)');
    await label.fill('');
    await label.pressSequentially('needs review', { delay: 30 });
    expect(await label.inputValue()).toBe('needs review');
    await frame.getByRole('button', { name: 'Save settings' }).click();
    await frame
      .locator('[id="flag-label-error"]')
      .getByText('A Jira label cannot contain spaces or commas.')
      .waitFor();
    expect(await label.inputValue()).toBe('needs review');
    // Spaces at the ends are not the label's: trimmed on save, it is taken.
    await label.fill(' needs-review ');
    await frame.getByRole('button', { name: 'Save settings' }).click();
    await frame.locator('[id="flag-label-error"]').waitFor({ state: 'detached' });
    await eventually(async () => {
      const stored = (await wb.app.invoke(
        'outcome-lens-settings',
        'load',
        {},
        { user: 'admin', projectKey: 'DEMO' },
      )) as {
        ok: boolean;
        data: { settings: { flagActions: { label: string | null } } };
      };
      expect(stored.data.settings.flagActions.label).toBe('needs-review');
    });
    await frame.page().close();
  });
});

describe('results review with a slow Jira', () => {
  const PAGE_FRAME = 'iframe[data-wb-module="outcome-lens-project-page"]';
  const today = new Date().toISOString().slice(0, 10);
  let wb: BrowserWorkbench;
  let betKey = '';

  async function seed(app: WorkbenchApp): Promise<void> {
    app.jira.store.createProject({ key: 'DEMO', name: 'Demo' });
    app.grantDemoRoles('DEMO');
    const issue = app.jira.store.createIssue({
      projectKey: 'DEMO',
      type: 'Story',
      summary: 'One-page checkout',
      status: 'Done',
      statusCategory: 'done',
      resolution: 'Done',
      created: addDays(today, -120),
      updated: addDays(today, -60),
    });
    betKey = issue.key;
    app.jira.store.setIssueProperty(issue.key, ISSUE_PROPERTY_KEY, {
      version: 1,
      hypothesis: {
        persona: 'a returning shopper',
        intent: 'to pay on one page',
        benefit: 'I finish my order',
      },
      expected: {
        metric: 'Checkout abandonment',
        baseline: 40,
        target: 30,
        unit: '%',
        direction: 'decrease',
        checkBy: addDays(today, -3),
      },
      hasHypothesis: 'true',
    });
    await app.runScheduledTrigger('outcome-lens-daily-scan');
  }

  beforeAll(async () => {
    await buildSurface('outcome-map');
    wb = await startBrowserWorkbench({ seed, limits: { timeScale: 0.1 } });
  });
  afterAll(async () => wb?.close());

  async function openResults(user: string): Promise<Frame> {
    const page = await wb.openAs(user, '/projects/DEMO/outcomes');
    const frame = await wb.panelFrame(page, PAGE_FRAME);
    await frame.getByRole('tab', { name: 'Results review' }).click({ timeout: 30_000 });
    await frame.getByTestId('results-review').waitFor();
    return frame;
  }

  it('after a timed-out verdict, a corrected evidence is not said to have written nothing: the first may have landed', async () => {
    // A member opens Decide on a due bet, picks "invalidated", writes evidence A and submits. Jira is slow: the
    // page says it took too long and "the change may have been made". The member corrects the evidence to B and
    // submits again (the form is still open, the bet still listed). What happens: the page says "This request
    // id was already used for a different change: nothing was written", while verdict A *was* written; the
    // member's B is never recorded and the page never says A is. What should happen: either B is taken as a
    // new attempt, or the page says a verdict (A) was already recorded; never "nothing was written".
    const frame = await openResults('member');
    await frame.getByRole('button', { name: `Decide the verdict on ${betKey}` }).click({ timeout: 30_000 });
    const form = frame.getByRole('form', { name: `Verdict on ${betKey}` });
    await form.getByRole('button', { name: /^invalidated/ }).click();
    const evidence = form.getByLabel('Evidence');
    await evidence.fill('Evidence A: the dashboard shows no change');
    wb.app.jira.faults.inject({
      kind: 'latency',
      ms: 4_000,
      match: { method: 'PUT', pathIncludes: '/properties/' },
    });
    await form.getByRole('button', { name: /verdict/ }).click();
    await form.getByText(/took too long/).waitFor({ timeout: 30_000 });
    wb.app.jira.faults.clear();
    await new Promise((r) => setTimeout(r, 4_500));
    await evidence.fill('Evidence B: corrected, abandonment rose to 44%');
    await form.getByRole('button', { name: /verdict/ }).click();
    // Wait for the second answer: the refusal that says the first try may have landed.
    const said = await eventually(
      async () => {
        const text = (await form.isVisible()) ? await form.innerText() : '';
        expect(text).toMatch(/may have been saved; this one was not\. Reload the page to see what is saved/);
        return text;
      },
      { timeout: 30_000 },
    );
    const stored = readLens(wb.app.jira.store.getIssueProperty(betKey, ISSUE_PROPERTY_KEY));
    // Jira holds the first evidence (A) ...
    expect(stored.result?.evidence).toBe('Evidence A: the dashboard shows no change');
    // ... so the page must not say nothing was written, and must name that a verdict is already recorded.
    expect(said).not.toMatch(/nothing was written/);
    await frame.page().close();
  });
});

describe('gadget configuration', () => {
  const GADGET_FRAME = 'iframe[data-wb-module="outcome-lens-shipped-gadget"]';
  let wb: BrowserWorkbench;
  let dashboardId = 0;
  beforeAll(async () => {
    await buildSurface('gadget');
    wb = await startBrowserWorkbench({
      seed: async (app) => {
        await seedDemo(app, new Date());
        dashboardId = app.jira.store.listDashboards()[0]!.id;
      },
    });
  });
  afterAll(async () => wb?.close());

  it('does not save the configuration when a keyboard user presses Enter on "Months shown" to open it', async () => {
    // A keyboard user edits the gadget, tabs to "Months shown" and presses Enter to open its list. What happens:
    // the Enter submits the form: the gadget's configuration is saved as it was and the edit view closes
    // before any month was chosen. What should happen: Enter on the closed list opens it (or does nothing);
    // only Save saves.
    const item = wb.app.jira.store.listDashboardItems(dashboardId)[0]!;
    const before = wb.app.jira.store.getDashboardItemProperty(item.id, 'config');
    const page = await wb.openAs('admin', `/dashboards/${dashboardId}?edit=${item.id}`);
    const edit = await wb.panelFrame(page, GADGET_FRAME);
    const form = edit.getByRole('form', { name: 'Configure Shipped versus moved' });
    await form.waitFor({ timeout: 30_000 });
    await form.getByLabel('Months shown').focus();
    await page.keyboard.press('Enter');
    await new Promise((r) => setTimeout(r, 2_000));
    expect({
      stillEditing: page.url().includes('edit='),
      config: wb.app.jira.store.getDashboardItemProperty(item.id, 'config'),
    }).toEqual({ stillEditing: true, config: before });
    await page.close();
  });
});
