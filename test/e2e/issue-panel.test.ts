/**
 * The issue panel in a real browser (Debian chromium through playwright-core), inside the workbench's Jira
 * issue view with the demo backlog, used as a person would: keyboard and mouse, as an admin and as a viewer,
 * in light and dark themes, checked with axe-core.
 */
import type { Frame, Page } from 'playwright-core';
import { buildSurface } from '../../scripts/build-static';
import { TEXT_LIMITS } from '../../src/domain/draft-rules';
import { ISSUE_PROPERTY_KEY } from '../../src/domain/issue-lens';
import { detectRecipe, distinctReasons } from '../../src/domain/recipe-detector';
import { toPlainText, type AdfNode } from '../../src/domain/plain-text';
import { releaseAfterWork } from '../../src/storage/lock';
import { takeLensClaim } from '../../src/storage/lens-claim';
import { seedDemo } from '../../workbench/seed/demo';
import { runInInvocation } from '../../workbench/forge/context';
import {
  eventually,
  fillFromPastedStory,
  delayAnswers,
  loseNextAnswer,
  startBrowserWorkbench,
  type BrowserWorkbench,
} from '../support/browser';
import { YEAR_AHEAD } from '../support/builders';
import { chooseByKeyboard, expectAxeClean, typeDate } from '../support/surface-checks';

const PANEL_FRAME = 'iframe[data-wb-module="outcome-lens-issue-panel"]';
const RECIPE_SUMMARY = 'Make the Place Order button bigger and orange';
const STORY =
  'As a shopper on a phone, I want to find the Place Order button without scrolling, so that I finish checkout before I lose patience. We expect checkout abandonment to fall from 72% to 60% by 1 March.';

let wb: BrowserWorkbench;
let issueKey: string;

beforeAll(async () => {
  await buildSurface('issue-panel');
  wb = await startBrowserWorkbench({ seed: (app) => seedDemo(app, new Date()) });
  const row = wb.app.jira.store.db
    .prepare('SELECT key FROM jira_issues WHERE summary = ?')
    .get(RECIPE_SUMMARY) as { key: string } | undefined;
  if (!row) throw new Error(`The demo backlog has no issue "${RECIPE_SUMMARY}"`);
  issueKey = row.key;
});
afterAll(async () => wb?.close());

/**
 * The panel keeps unsaved edits in the browser, which every page of this file shares: each test starts from what
 * is saved unless it is about those kept edits (`keptEdits: 'bring back'`).
 */
const FORGET_KEPT_EDITS = `try {
  for (const k of Object.keys(localStorage)) if (k.startsWith('outcome-lens:unsaved:')) localStorage.removeItem(k);
} catch {}`;

async function openPanel(
  user: string,
  colorMode: 'light' | 'dark' = 'light',
  key: string = issueKey,
  keptEdits: 'forget' | 'bring back' = 'forget',
): Promise<{ page: Page; panel: Frame }> {
  const page = await wb.openAs(user, `/browse/${key}`, {
    colorMode,
    ...(keptEdits === 'forget' ? { initScript: FORGET_KEPT_EDITS } : {}),
  });
  const panel = await wb.panelFrame(page, PANEL_FRAME);
  await panel.waitForSelector(`main[aria-label="Outcome Lens for ${key}"]`, { timeout: 30_000 });
  return { page, panel };
}

const scoreOf = async (panel: Frame): Promise<number> =>
  Number(/^(\d+) \/ 100$/.exec((await panel.getByTestId('score-total').innerText()).trim())?.[1] ?? NaN);

/** An issue of the panel's project whose summary and description read as a recipe (the essay's cart button). */
const CART_RECIPE =
  'Create a Save for Later button on the cart screen. Make it blue and put it in the upper right hand corner.';
function aCartRecipe(): string {
  const projectKey = issueKey.split('-')[0]!;
  return wb.app.jira.store.createIssue({ projectKey, summary: 'Cart bookmarks', description: CART_RECIPE })
    .key;
}

/** A member saves a hypothesis on `key` through the panel's resolver, as another person's panel would. */
async function memberSaves(key: string, version: number, hypothesis: Record<string, string>): Promise<void> {
  const answer = (await wb.app.invoke(
    'outcome-lens-issue-panel',
    'save',
    { version, draft: { hypothesis, expected: {}, killCriteria: {} } },
    { user: 'member', issueKey: key },
  )) as { ok: boolean };
  expect(answer.ok).toBe(true);
}

/** Writes the cart hypothesis in the panel's fields and saves it, as an owner would. */
async function savesTheCartHypothesis(panel: Frame): Promise<void> {
  await panel.getByLabel('Persona').fill('shopper');
  await panel.getByLabel('Intent').fill('bookmark items in the cart');
  await panel.getByLabel('Benefit').fill('I can come back and finish');
  await panel.getByRole('button', { name: 'Save' }).click();
  await panel.getByTestId('save-result').getByText('Saved', { exact: true }).waitFor();
}

const stored = () =>
  wb.app.jira.store.getIssueProperty(issueKey, ISSUE_PROPERTY_KEY) as Record<string, unknown> | undefined;

describe('the issue panel in the browser', () => {
  it('lets an admin paste a story, review the filled fields and the rising score, save, and find it after a reload', async () => {
    const { page, panel } = await openPanel('admin');
    await panel.getByText('Outcome-linkage', { exact: true }).waitFor();
    const before = await scoreOf(panel);
    expect(await panel.getByTestId('empty-state').innerText()).toMatch(/No hypothesis yet/);
    // The recipe warning quotes the words from the summary and description.
    const warning = await panel.getByTestId('recipe-warning').innerText();
    expect(warning).toMatch(/“[^”]+”/);

    // The epic's outcome is inherited, and said so at the Outcome field.
    expect(await panel.locator('#ol-outcomeId-help').innerText()).toMatch(/^Inherited from DEMO-\d+: “.+”/);
    // The issue is open: the save refuses a result until it is delivered, and the panel says so.
    expect(await panel.getByTestId('result-not-yet').innerText()).toMatch(
      /^DEMO-\d+ is not done yet: a result can be recorded once it is delivered\.$/,
    );

    // The way to paste sits right under the message that points to it, above the score and the warning.
    const pasteButton = panel.getByRole('button', { name: 'Paste story' });
    expect(await pasteButton.count()).toBe(1);
    const order = await pasteButton.evaluate((button) => {
      const follows = (a: Element | null, b: Element | null) =>
        !!a && !!b && (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0;
      const message = document.querySelector('[data-testid="empty-state"]');
      const score = document.querySelector('[data-testid="score-total"]');
      const warning = document.querySelector('[data-testid="recipe-warning"]');
      return {
        afterMessage: follows(message, button),
        beforeScore: follows(button, score),
        beforeWarning: follows(button, warning),
      };
    });
    expect(order).toEqual({ afterMessage: true, beforeScore: true, beforeWarning: true });
    await pasteButton.click();
    await panel.getByLabel('Story', { exact: true }).fill(STORY);
    await fillFromPastedStory(panel);
    expect(await panel.getByLabel('Persona').inputValue()).toBe('shopper on a phone');
    expect(await panel.getByLabel('Intent').inputValue()).toBe(
      'find the Place Order button without scrolling',
    );
    expect(await panel.getByLabel('Benefit').inputValue()).toBe('I finish checkout before I lose patience');
    expect(await panel.getByLabel('Metric', { exact: true }).inputValue()).toBe('checkout abandonment');
    expect(await panel.getByLabel('Baseline').inputValue()).toBe('72');
    expect(await panel.getByLabel('Target', { exact: true }).inputValue()).toBe('60');
    // Direction is an Atlaskit select: its chosen label shows in the field, its value in the hidden input.
    const direction = panel.locator('.ol-field', { has: panel.getByLabel('Direction', { exact: true }) });
    await direction.getByText('Decrease', { exact: true }).waitFor();
    expect(await panel.locator('input[name="ol-direction"]').inputValue()).toBe('decrease');
    // "by 1 March" lands in the Check by date picker as the next 1 March, an ISO date, shown as such.
    const checkBy = await panel.locator('input[type="hidden"][name="ol-checkBy"]').inputValue();
    expect(checkBy).toMatch(/^\d{4}-03-01$/);
    expect(checkBy > new Date().toISOString().slice(0, 10)).toBe(true);
    await panel
      .locator('.ol-field', { has: panel.getByLabel('Check by', { exact: true }) })
      .getByText(checkBy)
      .waitFor();
    const afterPaste = await scoreOf(panel);
    expect(afterPaste).toBeGreaterThan(before);
    // Typing moves the score too, before anything is saved.
    await panel.getByLabel('Max idle days').fill('30');
    const afterKill = await scoreOf(panel);
    expect(afterKill).toBeGreaterThan(afterPaste);
    expect(stored()).toBeUndefined();
    console.log(
      `issue panel score: ${before} on load, ${afterPaste} after the pasted story, ${afterKill} with a kill criterion`,
    );

    await panel.getByRole('button', { name: 'Save' }).click();
    await panel.getByTestId('save-result').getByText('Saved', { exact: true }).waitFor();
    await page.getByText('Outcome Lens saved').waitFor();
    expect(stored()).toMatchObject({ version: 1, score: afterKill, hasHypothesis: 'true' });

    await page.reload({ waitUntil: 'load' });
    const again = await wb.panelFrame(page, PANEL_FRAME);
    await again.getByLabel('Persona').waitFor({ timeout: 30_000 });
    expect(await again.getByLabel('Persona').inputValue()).toBe('shopper on a phone');
    expect(await again.getByLabel('Max idle days').inputValue()).toBe('30');
    expect(await scoreOf(again)).toBe(afterKill);
    await page.close();
  });

  it('warns on a pasted recipe, then speaks of the description once the hypothesis is written, and replaces it', async () => {
    const projectKey = issueKey.split('-')[0]!;
    const recipeKey = wb.app.jira.store.createIssue({
      projectKey,
      summary: 'Shoppers lose the items they meant to buy later',
      description:
        'Create a Save for Later button on the cart screen. Make it blue and put it in the upper right hand corner.',
    }).key;
    const { page, panel } = await openPanel('admin', 'light', recipeKey);
    const warning = panel.getByTestId('recipe-warning');
    expect(await warning.innerText()).toMatch(/This reads as a recipe/);

    // A pasted recipe is pointed out before it fills anything.
    await panel.getByRole('button', { name: 'Paste story' }).click();
    await panel
      .getByLabel('Story', { exact: true })
      .fill('As a PO, I want a Save for Later button so shoppers can store items in the cart.');
    await fillFromPastedStory(panel);
    expect(await panel.getByTestId('paste-recipe-warning').innerText()).toMatch(
      /reads as a recipe[^]*“a Save for Later button”/,
    );
    expect(await panel.getByLabel('Persona').inputValue()).toBe('');
    await panel.getByRole('button', { name: 'Cancel' }).click();

    // The owner writes the problem instead: the warning now speaks of the Jira description.
    await panel.getByLabel('Persona').fill('shopper');
    await panel.getByLabel('Intent').fill('bookmark items in the cart');
    await panel.getByLabel('Benefit').fill('I can come back and finish');
    await warning
      .getByText(/Your hypothesis states the problem; the Jira description still reads as a recipe/)
      .waitFor();
    expect(await warning.getByRole('button', { name: 'Write the hypothesis' }).count()).toBe(0);
    const replace = warning.getByRole('button', { name: 'Replace the description with the hypothesis' });
    expect(await replace.isDisabled()).toBe(true);
    await panel.getByRole('button', { name: 'Save' }).click();
    await panel.getByTestId('save-result').getByText('Saved', { exact: true }).waitFor();
    // Replacing asks once more, and "Keep the description" leaves it as it was.
    const before = toPlainText(wb.app.jira.store.getIssue(recipeKey)!.description as AdfNode | null);
    await replace.click();
    const confirm = warning.getByTestId('confirm-replace');
    await confirm.getByText(/Jira keeps it in the issue's history/).waitFor();
    // The keyboard is on the safe answer, so a stray Enter keeps the description; Escape keeps it too.
    const keep = confirm.getByRole('button', { name: 'Keep the description' });
    await eventually(async () =>
      expect(await keep.evaluate((el) => el === document.activeElement)).toBe(true),
    );
    await keep.press('Escape');
    await confirm.waitFor({ state: 'detached' });
    await replace.click();
    await confirm.getByRole('button', { name: 'Keep the description' }).click();
    expect(await warning.getByTestId('confirm-replace').count()).toBe(0);
    expect(toPlainText(wb.app.jira.store.getIssue(recipeKey)!.description as AdfNode | null)).toBe(before);
    await replace.click();
    await warning.getByTestId('confirm-replace').getByRole('button', { name: 'Replace it' }).click();
    await panel.getByTestId('save-result').getByText('Description updated').waitFor();
    expect(await panel.getByTestId('recipe-warning').count()).toBe(0);
    // The button pressed went with the warning: focus is on the answer, not lost to the page.
    await eventually(async () =>
      expect(await panel.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
        'save-result',
      ),
    );

    // Kept in Jira: after a reload the description is the hypothesis and nothing reads as a recipe.
    await page.reload({ waitUntil: 'load' });
    const again = await wb.panelFrame(page, PANEL_FRAME);
    await again.getByLabel('Persona').waitFor({ timeout: 30_000 });
    expect(await again.getByLabel('Persona').inputValue()).toBe('shopper');
    expect(await again.getByTestId('recipe-warning').count()).toBe(0);
    const description = wb.app.jira.store.getIssue(recipeKey)!.description as AdfNode | null;
    expect(toPlainText(description)).toBe(
      'As a shopper, I want to bookmark items in the cart, so that I can come back and finish.',
    );
    await page.close();
  });

  it('leaves the description alone and names who saved when the hypothesis changed after the panel loaded', async () => {
    const recipeKey = aCartRecipe();
    const { page, panel } = await openPanel('admin', 'light', recipeKey);
    await savesTheCartHypothesis(panel);
    // A member saves another hypothesis on top before the admin replaces the description.
    const mine = wb.app.jira.store.getIssueProperty(recipeKey, ISSUE_PROPERTY_KEY) as { version: number };
    await memberSaves(recipeKey, mine.version, {
      persona: 'returning shopper',
      intent: 'see saved items',
      benefit: 'I buy them later',
    });
    const warning = panel.getByTestId('recipe-warning');
    await warning.getByRole('button', { name: 'Replace the description with the hypothesis' }).click();
    await warning.getByTestId('confirm-replace').getByRole('button', { name: 'Replace it' }).click();
    const banner = panel.getByTestId('save-result');
    await banner.getByText('The description was not changed').waitFor();
    const theirs = wb.app.jira.store.getIssueProperty(recipeKey, ISSUE_PROPERTY_KEY) as { updatedAt: string };
    expect(await banner.innerText()).toContain(
      `Saved by Max Member at ${theirs.updatedAt.slice(0, 16).replace('T', ' ')} UTC.`,
    );
    expect(toPlainText(wb.app.jira.store.getIssue(recipeKey)!.description as AdfNode | null)).toBe(
      CART_RECIPE,
    );
    await page.close();
  });

  it('leaves a description someone rewrote in Jira since the panel showed it, and says so', async () => {
    const recipeKey = aCartRecipe();
    const { page, panel } = await openPanel('admin', 'light', recipeKey);
    await savesTheCartHypothesis(panel);
    // A colleague adds acceptance criteria to the description in Jira, after the panel loaded it.
    const theirs = `${CART_RECIPE} Acceptance: legal signs off first.`;
    wb.app.jira.store.updateIssueFields(wb.app.jira.store.getIssue(recipeKey)!.id, {
      description: {
        type: 'doc',
        version: 1,
        content: [{ type: 'paragraph', content: [{ type: 'text', text: theirs }] }],
      },
    });
    const warning = panel.getByTestId('recipe-warning');
    await warning.getByRole('button', { name: 'Replace the description with the hypothesis' }).click();
    await warning.getByTestId('confirm-replace').getByRole('button', { name: 'Replace it' }).click();
    const banner = panel.getByTestId('save-result');
    await banner.getByText('The description was not changed').waitFor();
    expect(await banner.innerText()).toContain(
      'The Jira description was changed since this panel showed it, so it was not written over.',
    );
    expect(toPlainText(wb.app.jira.store.getIssue(recipeKey)!.description as AdfNode | null)).toBe(theirs);
    await page.close();
  });

  it('gives focus after Undo the fill to the first field the fill changed, not to one it left as it was', async () => {
    const projectKey = issueKey.split('-')[0]!;
    const key = wb.app.jira.store.createIssue({ projectKey, summary: 'Checkout on a small screen' }).key;
    const { page, panel } = await openPanel('admin', 'light', key);
    // The persona typed is the story's own: the fill leaves it as it was.
    await panel.getByLabel('Persona', { exact: true }).fill('shopper on a phone');
    await panel.getByRole('button', { name: 'Paste story' }).click();
    await panel.getByLabel('Story', { exact: true }).fill(STORY);
    await fillFromPastedStory(panel);
    await panel.getByTestId('paste-note').getByRole('button', { name: 'Undo the fill' }).click();
    expect(await panel.getByLabel('Intent', { exact: true }).inputValue()).toBe('');
    await eventually(async () =>
      expect(await panel.evaluate(() => document.activeElement?.id)).toBe('ol-intent'),
    );
    await page.close();
  });

  it('says which typed fields a pasted story replaced, and undoes the fill on request', async () => {
    const projectKey = issueKey.split('-')[0]!;
    const key = wb.app.jira.store.createIssue({
      projectKey,
      summary: 'Pickers walk the warehouse twice',
    }).key;
    const { page, panel } = await openPanel('admin', 'light', key);
    await panel.getByLabel('Persona', { exact: true }).fill('warehouse picker');
    await panel.getByRole('button', { name: 'Paste story' }).click();
    await panel.getByLabel('Story', { exact: true }).fill(STORY);
    await fillFromPastedStory(panel);
    expect(await panel.getByLabel('Persona', { exact: true }).inputValue()).toBe('shopper on a phone');
    const note = panel.getByTestId('paste-note');
    expect(await note.innerText()).toMatch(/It replaced what you had typed in Persona\./);
    // An edit made after the paste is the person's own: undoing the fill keeps it.
    await panel.getByLabel('Benefit', { exact: true }).fill('I pick each order in one walk');
    await note.getByRole('button', { name: 'Undo the fill' }).click();
    expect(await panel.getByLabel('Persona', { exact: true }).inputValue()).toBe('warehouse picker');
    // Undo went with the fill: focus is on the first field it gave back.
    await eventually(async () =>
      expect(await panel.evaluate(() => document.activeElement?.id)).toBe('ol-persona'),
    );
    expect(await panel.getByLabel('Intent', { exact: true }).inputValue()).toBe('');
    expect(await panel.getByLabel('Benefit', { exact: true }).inputValue()).toBe(
      'I pick each order in one walk',
    );
    expect(await note.innerText()).toMatch(
      /back as they were before the story filled them, but for your edits since in Benefit\./,
    );
    await page.close();
  });

  // A story about another metric is pasted over a filled expectation, naming no numbers. The fields kept the old
  // metric's baseline, target, unit and date under the new metric, and the live check called it measurable with
  // figures the story never gave. They should be emptied, said, and brought back by Undo the fill.
  it('empties the old metric’s numbers when a story about another metric gives none, and undoes it on request', async () => {
    const projectKey = issueKey.split('-')[0]!;
    const key = wb.app.jira.store.createIssue({
      projectKey,
      summary: 'Pickers walk the warehouse twice',
    }).key;
    const { page, panel } = await openPanel('admin', 'light', key);
    const paste = async (story: string) => {
      await panel.getByRole('button', { name: 'Paste story' }).click();
      await panel.getByLabel('Story', { exact: true }).fill(story);
      await fillFromPastedStory(panel);
    };
    const metricParts = async () => ({
      metric: await panel.getByLabel('Metric', { exact: true }).inputValue(),
      baseline: await panel.getByLabel('Baseline').inputValue(),
      target: await panel.getByLabel('Target', { exact: true }).inputValue(),
      unit: await panel.getByLabel('Unit', { exact: true }).inputValue(),
      direction: await panel.locator('input[name="ol-direction"]').inputValue(),
      checkBy: await panel.locator('input[type="hidden"][name="ol-checkBy"]').inputValue(),
    });
    await paste(STORY);
    const first = await metricParts();
    expect(first).toMatchObject({ metric: 'checkout abandonment', baseline: '72', target: '60', unit: '%' });
    expect(first.checkBy).toMatch(/^\d{4}-03-01$/);

    await paste(
      'As a warehouse picker, I want each order’s items in walking order, so that I pick an order in one walk. We expect pick walks per order to fall.',
    );
    expect(await metricParts()).toEqual({
      metric: 'pick walks per order',
      baseline: '',
      target: '',
      unit: '',
      direction: 'decrease',
      checkBy: '',
    });
    const note = panel.getByTestId('paste-note');
    expect(await note.innerText()).toContain(
      "Emptied Baseline, Target, Unit, Check by: they were the previous metric's.",
    );
    await note.getByRole('button', { name: 'Undo the fill' }).click();
    expect(await metricParts()).toEqual(first);
    await page.close();
  });

  // A person pastes a story that names no part of a hypothesis (and reads as a recipe) and presses Fill the fields
  // anyway. Before the mend the box closed on empty fields, the pasted text was gone, and only a small line said
  // nothing could be read. The box should stay open with the story in it and say so, and what to do.
  it('keeps the story in its open box, and says what to do, when no part of a hypothesis could be read from it', async () => {
    const projectKey = issueKey.split('-')[0]!;
    const key = wb.app.jira.store.createIssue({ projectKey, summary: 'Settings page polish' }).key;
    const { page, panel } = await openPanel('admin', 'light', key);
    const told = 'Make the dark mode toggle a blue switch in the top right corner';
    const storyBox = panel.getByLabel('Story', { exact: true });
    await panel.getByRole('button', { name: 'Paste story' }).click();
    await storyBox.fill(told);
    expect(await fillFromPastedStory(panel)).toBe('recipe');
    expect(await fillFromPastedStory(panel, 'Fill the fields anyway')).toBe('nothing read');
    expect(await storyBox.inputValue()).toBe(told);
    const said = panel.getByTestId('paste-nothing-read');
    expect(await said.innerText()).toMatch(/could be read[^]*story is still in its box[^]*Rewrite it/);
    for (const field of ['Persona', 'Intent', 'Benefit', 'Metric'])
      expect(await panel.getByLabel(field, { exact: true }).inputValue()).toBe('');
    // Rewritten in the box, it fills the fields, and the message goes.
    await storyBox.fill(STORY);
    expect(await said.count()).toBe(0);
    expect(await fillFromPastedStory(panel)).toBe('filled');
    expect(await panel.getByLabel('Persona', { exact: true }).inputValue()).toBe('shopper on a phone');
    await page.close();
  });

  it('keeps the story in its box when it could not be read, reads it on a second try, and fills nothing from an answer to an edited story', async () => {
    const projectKey = issueKey.split('-')[0]!;
    const key = wb.app.jira.store.createIssue({ projectKey, summary: 'Shoppers give up at checkout' }).key;
    const { page, panel } = await openPanel('admin', 'light', key);
    const storyBox = panel.getByLabel('Story', { exact: true });
    await panel.getByRole('button', { name: 'Paste story' }).click();
    await storyBox.fill(STORY);

    // The reading's answer is lost on the way back: said in the box, the story still there, nothing filled.
    const lost = await loseNextAnswer(page, 'readStory');
    expect(await fillFromPastedStory(panel)).toBe('error');
    expect(lost.dropped).toBe(1);
    expect(await panel.getByTestId('paste-error').innerText()).toMatch(
      /did not answer[^]*The story is still in its box\./,
    );
    expect(await storyBox.inputValue()).toBe(STORY);
    expect(await panel.getByLabel('Persona', { exact: true }).inputValue()).toBe('');
    expect(await fillFromPastedStory(panel)).toBe('filled');
    expect(await panel.getByLabel('Persona', { exact: true }).inputValue()).toBe('shopper on a phone');

    // A slow reading, and the person rewrites the story meanwhile: the answer to the old text fills nothing.
    await page.unroute('**/__bridge/invoke');
    await delayAnswers(page, 'readStory', 1_500);
    await panel.getByRole('button', { name: 'Paste story' }).click();
    await storyBox.fill('As a courier, I want to see the door code, so that I deliver on the first try.');
    await panel
      .getByRole('group', { name: 'Paste a story' })
      .getByRole('button', { name: 'Fill fields' })
      .click();
    await storyBox.fill('As a courier, I want to know where to park, so that I deliver on time.');
    await page.waitForTimeout(2_500);
    expect(await panel.getByLabel('Persona', { exact: true }).inputValue()).toBe('shopper on a phone');
    expect(await storyBox.isVisible()).toBe(true);
    expect(await fillFromPastedStory(panel)).toBe('filled');
    expect(await panel.getByLabel('Intent', { exact: true }).inputValue()).toBe('know where to park');
    await page.close();
  });

  it('asks for the summary to be renamed, and offers no description change, when only the summary reads as a recipe', async () => {
    const projectKey = issueKey.split('-')[0]!;
    const key = wb.app.jira.store.createIssue({
      projectKey,
      summary: 'Add a blue Save for Later button top right',
      description: 'Shoppers who leave the cart lose what they picked and rarely come back for it.',
    }).key;
    await memberSaves(key, 0, {
      persona: 'shopper',
      intent: 'bookmark items in the cart',
      benefit: 'I can come back and finish',
    });
    const { page, panel } = await openPanel('admin', 'light', key);
    const warning = panel.getByTestId('recipe-warning');
    await warning
      .getByText(/^Your hypothesis states the problem; the Jira summary still reads as a recipe$/)
      .waitFor();
    expect(await warning.getByTestId('rename-summary').innerText()).toMatch(/Rename the issue in Jira/);
    expect(await warning.getByRole('button').count()).toBe(0);
    await page.close();
  });

  it('tells a viewer the hypothesis states the problem, and offers no change to a description they may not edit', async () => {
    const recipeKey = aCartRecipe();
    await memberSaves(recipeKey, 0, {
      persona: 'shopper',
      intent: 'bookmark items in the cart',
      benefit: 'I can come back and finish',
    });
    const { page, panel } = await openPanel('viewer', 'light', recipeKey);
    const warning = panel.getByTestId('recipe-warning');
    await warning
      .getByText(
        /^Your hypothesis states the problem; the Jira summary and description still read as a recipe$/,
      )
      .waitFor();
    expect(await warning.innerText()).toMatch(
      /Someone who may edit the issue can put the hypothesis into the Jira description/,
    );
    expect(await warning.getByRole('button').count()).toBe(0);
    expect(await warning.innerText()).not.toMatch(/Save first|written as you/);
    await page.close();
  });

  it('names a further expectation that contradicts itself, saves nothing while it is there, and saves once it is removed', async () => {
    const projectKey = issueKey.split('-')[0]!;
    const key = wb.app.jira.store.createIssue({ projectKey, summary: 'Readers leave slow pages' }).key;
    const { page, panel } = await openPanel('admin', 'light', key, 'bring back');
    await panel.getByRole('button', { name: 'Paste story' }).click();
    await panel
      .getByLabel('Story', { exact: true })
      .fill(
        'As a reader, I want pages that load at once so that I keep reading. We expect bounce rate to fall from 30% to 20% and load time to decrease from 4 s to 6 s by 1 March.',
      );
    await fillFromPastedStory(panel);
    expect(await panel.getByLabel('Metric', { exact: true }).inputValue()).toBe('bounce rate');
    const also = panel.getByTestId('also-expected');
    await also.getByText('Direction "decrease" contradicts baseline 4 and target 6.').waitFor();

    await panel.getByRole('button', { name: 'Save' }).click();
    const result = panel.getByTestId('save-result');
    await result.getByText('Nothing was saved').waitFor();
    expect(await result.innerText()).toMatch(
      /"load time to fall from 4 s to 6 s by \d{4}-03-01", needs attention/,
    );
    expect(wb.app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY)).toBeUndefined();

    await also.getByRole('button', { name: /^Remove the expectation load time/ }).click();
    expect(await panel.getByTestId('also-expected').count()).toBe(0);
    await panel.getByRole('button', { name: 'Save' }).click();
    await result.getByText('Saved', { exact: true }).waitFor();
    expect(wb.app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY)).toMatchObject({ version: 1 });
    await page.close();
  });

  it('drops the further expectations of an earlier paste when the story pasted again states only one', async () => {
    const projectKey = issueKey.split('-')[0]!;
    const key = wb.app.jira.store.createIssue({ projectKey, summary: 'Readers leave slow pages too' }).key;
    const { page, panel } = await openPanel('admin', 'light', key, 'bring back');
    const paste = async (story: string) => {
      await panel.getByRole('button', { name: 'Paste story' }).click();
      await panel.getByLabel('Story', { exact: true }).fill(story);
      await fillFromPastedStory(panel);
    };
    await paste(
      'As a reader, I want pages that load at once so that I keep reading. We expect bounce rate to fall from 30% to 20% and load time to decrease from 4 s to 6 s by 1 March.',
    );
    await panel
      .getByTestId('also-expected')
      .getByText(/contradicts baseline 4 and target 6/)
      .waitFor();

    await paste(
      'As a reader, I want pages that load at once so that I keep reading. We expect bounce rate to fall from 30% to 20% by 1 March.',
    );
    await eventually(async () => expect(await panel.getByTestId('also-expected').count()).toBe(0));
    await panel.getByRole('button', { name: 'Save' }).click();
    await panel.getByTestId('save-result').getByText('Saved', { exact: true }).waitFor();
    const saved = wb.app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY) as {
      expected: { metric?: string };
      alsoExpected?: unknown[];
    };
    expect(saved.expected.metric).toBe('bounce rate');
    expect(saved.alsoExpected ?? []).toEqual([]);
    await page.close();
  });

  // The scan (or a decision) is writing the issue at the moment Save is pressed. The panel said "someone else
  // saved first" and offered their version, which changed nothing. It should say the issue is busy, keep what
  // was typed, and save on the next press.
  it('says the issue is busy when another writer holds it, keeps the edits, and saves on the next press', async () => {
    const projectKey = issueKey.split('-')[0]!;
    const key = wb.app.jira.store.createIssue({ projectKey, summary: 'Busy while the scan writes' }).key;
    const asApp = <T>(fn: () => Promise<T>) =>
      runInInvocation(
        { accountId: null, moduleKey: 'scan-consumer', installContext: wb.app.installContext },
        fn,
      );
    const taken = await asApp(() => takeLensClaim(key, { waitMs: 0 }));
    if (!taken.held) throw new Error('the test could not hold the issue');
    const { page, panel } = await openPanel('admin', 'light', key);
    await panel.getByLabel('Persona', { exact: true }).fill('warehouse picker');
    await panel.getByRole('button', { name: 'Save' }).click();
    const result = panel.getByTestId('save-result');
    await result.getByText('Not saved yet: the issue is busy').waitFor({ timeout: 30_000 });
    const said = await result.innerText();
    expect(said).toMatch(/nothing was saved\. Try again in \d+ seconds?\. Your changes are kept here\./);
    // Nobody saved in between: nothing to reload, and the wait is said once.
    expect(said).not.toMatch(/reload|saved this issue/i);
    expect(said.match(/again in/g)).toHaveLength(1);
    expect(await panel.getByText(/someone else saved first/i).count()).toBe(0);
    expect(await panel.getByLabel('Persona', { exact: true }).inputValue()).toBe('warehouse picker');

    await asApp(() => releaseAfterWork(taken.held));
    await panel.getByRole('button', { name: 'Save' }).click();
    await result.getByText('Saved', { exact: true }).waitFor({ timeout: 30_000 });
    expect(wb.app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY)).toMatchObject({
      hypothesis: { persona: 'warehouse picker' },
    });
    await page.close();
  });

  it('shows a viewer the saved lens read-only, with the reason and without Save', async () => {
    const { page, panel } = await openPanel('viewer');
    expect(await panel.getByTestId('read-only').innerText()).toMatch(/read-only/);
    expect(await panel.getByRole('button', { name: 'Save' }).count()).toBe(0);
    expect(await panel.getByRole('button', { name: 'Paste story' }).count()).toBe(0);
    const persona = panel.getByLabel('Persona');
    expect(await persona.getAttribute('readonly')).not.toBeNull();
    expect(await persona.inputValue()).toBe('shopper on a phone');
    // The saved check-by date and the chosen direction show as read-only text, as the text fields do: one look,
    // still reached by the keyboard, and "Not set" where nothing is, not an example of what to type.
    const checkBy = panel.getByLabel('Check by', { exact: true });
    expect(await checkBy.getAttribute('readonly')).not.toBeNull();
    expect(await checkBy.inputValue()).toMatch(/^\d{4}-03-01$/);
    const direction = panel.getByLabel('Direction', { exact: true });
    expect(await direction.getAttribute('readonly')).not.toBeNull();
    expect(await direction.isDisabled()).toBe(false);
    const fields = panel.locator('input, textarea');
    const looks = await fields.evaluateAll((els) =>
      els.map((el) => ({
        readOnly: (el as HTMLInputElement).readOnly,
        placeholder: (el as HTMLInputElement).placeholder,
        // The field's box: the textarea itself, an input's Atlaskit container.
        background: ((): string => {
          let box: Element | null = el;
          while (box && getComputedStyle(box).backgroundColor === 'rgba(0, 0, 0, 0)') box = box.parentElement;
          return box ? getComputedStyle(box).backgroundColor : 'none';
        })(),
      })),
    );
    expect(looks.length).toBeGreaterThan(10);
    expect(looks.filter((l) => !l.readOnly)).toEqual([]);
    expect(looks.filter((l) => l.placeholder && l.placeholder !== 'Not set')).toEqual([]);
    expect(new Set(looks.map((l) => l.background)).size).toBe(1);
    // The same score without the advice a viewer cannot act on; an admin sees it on the same issue.
    await panel.getByTestId('score-total').waitFor();
    expect(await panel.getByText(/How to raise it/).count()).toBe(0);
    await page.close();
    const admin = await openPanel('admin');
    expect(await admin.panel.getByText(/How to raise it/).count()).toBeGreaterThan(0);
    await admin.page.close();
  });

  it('shows a field error at the field and saves nothing while a value is invalid', async () => {
    const { page, panel } = await openPanel('admin');
    const version = stored()?.version;
    await panel.getByLabel('Baseline').fill('seventy');
    // Straight from the field to Save with the mouse: the click lands (the form answers), though the field's
    // error appears as it loses focus.
    await panel.getByRole('button', { name: 'Save' }).click();
    await panel.getByTestId('save-result').getByText('Nothing was saved').waitFor();
    await panel.locator('#ol-baseline-error').getByText('Baseline must be a number.').waitFor();
    // Once at the field (no field repeats it), and once in the message that says why nothing was saved.
    expect(await panel.locator('[id$="-error"]').getByText('Baseline must be a number.').count()).toBe(1);
    expect(await panel.getByTestId('save-result').innerText()).toContain('Baseline must be a number.');
    expect(await panel.getByLabel('Baseline').getAttribute('aria-invalid')).toBe('true');
    expect(stored()?.version).toBe(version);
    await page.close();
  });

  it('counts persona, intent and benefit near their limits and refuses one past its limit at the field as it is typed', async () => {
    const { page, panel } = await openPanel('admin');
    const version = stored()?.version;
    const persona = panel.getByLabel('Persona');
    const counter = panel.locator('#ol-persona-help');
    const short = TEXT_LIMITS.short;
    // Below 80 % of the limit there is nothing to count.
    await persona.fill('a'.repeat(Math.ceil(short * 0.8) - 1));
    expect(await counter.count()).toBe(0);
    await persona.fill('a'.repeat(Math.ceil(short * 0.8)));
    expect(await counter.innerText()).toBe(`${Math.ceil(short * 0.8)} / ${short}`);
    expect((await persona.getAttribute('aria-describedby'))?.split(' ')).toContain('ol-persona-help');
    // One past the limit: refused at the field while the focus is still in it, not only on Save.
    await persona.fill('a'.repeat(short + 1));
    await panel
      .locator('#ol-persona-error')
      .getByText(`Persona must be at most ${short} characters.`)
      .waitFor();
    expect(await counter.innerText()).toBe(`${short + 1} / ${short}`);
    expect(await persona.evaluate((el) => el === document.activeElement)).toBe(true);
    // Intent and benefit count against their own limit.
    const long = TEXT_LIMITS.text;
    for (const field of ['intent', 'benefit']) {
      await panel.locator(`#ol-${field}`).fill('b'.repeat(long * 0.9));
      expect(await panel.locator(`#ol-${field}-help`).innerText()).toBe(`${long * 0.9} / ${long}`);
    }
    expect(stored()?.version).toBe(version);
    await page.close();
  });

  // Someone saved first, and the panel's read of their version failed: both choices stayed disabled for good,
  // with nothing to press but reloading the page (and losing the edits). It should offer to read it again.
  it('offers to read their version again when that read failed after a conflict', async () => {
    const projectKey = issueKey.split('-')[0]!;
    const key = wb.app.jira.store.createIssue({ projectKey, summary: 'Two owners at once' }).key;
    const { page, panel } = await openPanel('admin', 'light', key);
    await panel.getByLabel('Persona', { exact: true }).fill('night-shift nurse');
    await memberSaves(key, 0, {
      persona: 'ward clerk',
      intent: 'find beds fast',
      benefit: 'patients wait less',
    });
    const lost = await loseNextAnswer(page, 'load');
    await panel.getByRole('button', { name: 'Save' }).click();
    const conflict = panel.getByTestId('conflict');
    await conflict.getByTestId('conflict-unread').waitFor({ timeout: 30_000 });
    expect(lost.dropped).toBe(1);
    expect(await conflict.getByRole('button', { name: 'Keep mine' }).isDisabled()).toBe(true);
    await conflict.getByRole('button', { name: 'Read their version' }).click();
    await panel
      .getByTestId('their-version')
      .getByText(/ward clerk/)
      .waitFor({ timeout: 30_000 });
    await conflict.getByRole('button', { name: 'Keep mine' }).click();
    expect(await panel.getByLabel('Persona', { exact: true }).inputValue()).toBe('night-shift nurse');
    expect(await panel.getByLabel('Intent', { exact: true }).inputValue()).toBe('find beds fast');
    await page.close();
  });

  it('keeps the user’s input and shows the other version when someone else saved first', async () => {
    const { page, panel } = await openPanel('admin');
    await panel.getByLabel('Persona').fill('shopper in a hurry');
    // Meanwhile a member saves on top of the same version.
    const current = stored()!;
    const draft = {
      hypothesis: { persona: 'member persona', intent: 'pay quickly', benefit: 'I catch my train' },
    };
    await memberSaves(issueKey, current.version as number, draft.hypothesis);

    await panel.getByRole('button', { name: 'Save' }).click();
    const conflict = panel.getByTestId('conflict');
    await conflict.waitFor();
    expect(await conflict.innerText()).toMatch(/reload/);
    // Who saved in between, and when: the time the stored lens records, as the panel shows times.
    const theirs = stored()!;
    expect(await panel.getByTestId('conflict-saved-by').innerText()).toBe(
      `Saved by Max Member at ${String(theirs.updatedAt).slice(0, 16).replace('T', ' ')} UTC.`,
    );
    // Every field they changed is shown, with what it was: not only the hypothesis.
    const theirVersion = await panel.getByTestId('their-version').innerText();
    expect(theirVersion).toContain('Persona: “member persona”');
    expect(theirVersion).toContain('Intent: “pay quickly”');
    expect(await panel.getByLabel('Persona').inputValue()).toBe('shopper in a hurry');
    expect(stored()).toMatchObject({ hypothesis: draft.hypothesis });
    // Keeping mine puts my change on top of theirs: what I did not touch keeps theirs, and the save stores both.
    await panel.getByRole('button', { name: 'Keep mine' }).click();
    expect(await panel.getByLabel('Intent').inputValue()).toBe('pay quickly');
    expect(await panel.getByTestId('save-result').innerText()).toMatch(
      /Where you both changed a field, yours is kept: Persona\./,
    );
    await panel.getByRole('button', { name: 'Save' }).click();
    await panel.getByTestId('save-result').getByText('Saved', { exact: true }).waitFor();
    expect(stored()).toMatchObject({
      hypothesis: { persona: 'shopper in a hurry', intent: 'pay quickly', benefit: 'I catch my train' },
    });
    await page.close();
  });

  it('brings unsaved edits back when the issue is opened again, on top of a save made since, until saved or discarded', async () => {
    const key = aCartRecipe();
    const property = () =>
      wb.app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY) as { version: number } | undefined;
    const first = await openPanel('admin', 'light', key, 'bring back');
    await first.panel.getByLabel('Persona').fill('returning shopper');
    await first.panel.getByLabel('Benefit').fill('I can finish my order later');
    // Leaving the issue without saving: Jira moves on and the panel's frame goes with it.
    await first.page.close();
    expect(property()).toBeUndefined();
    // Meanwhile someone else saves the same issue, with a persona of their own.
    await memberSaves(key, 0, {
      persona: 'member persona',
      intent: 'keep my basket',
      benefit: 'their reason',
    });

    const again = await openPanel('admin', 'light', key, 'bring back');
    const restored = again.panel.getByTestId('restored-edits');
    await restored.waitFor();
    expect(await restored.innerText()).toMatch(/Your unsaved changes are back/);
    // Both changed Persona and Benefit: mine are kept, and the message says so. Intent, left alone, is theirs.
    expect(await restored.innerText()).toMatch(
      /Persona, Benefit had also been changed since \(by a save, or in another tab\), and show your latest/,
    );
    expect(await again.panel.getByLabel('Persona').inputValue()).toBe('returning shopper');
    expect(await again.panel.getByLabel('Benefit').inputValue()).toBe('I can finish my order later');
    expect(await again.panel.getByLabel('Intent').inputValue()).toBe('keep my basket');
    // Another person on the same browser sees only what is saved.
    const member = await openPanel('member', 'light', key, 'bring back');
    expect(await member.panel.getByLabel('Persona').inputValue()).toBe('member persona');
    expect(await member.panel.getByTestId('restored-edits').count()).toBe(0);
    await member.page.close();

    await again.panel.getByRole('button', { name: 'Save' }).click();
    await again.panel.getByTestId('save-result').getByText('Saved', { exact: true }).waitFor();
    expect(wb.app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY)).toMatchObject({
      hypothesis: {
        persona: 'returning shopper',
        intent: 'keep my basket',
        benefit: 'I can finish my order later',
      },
    });
    await again.page.close();
    // Saved: nothing comes back.
    const saved = await openPanel('admin', 'light', key, 'bring back');
    expect(await saved.panel.getByLabel('Persona').inputValue()).toBe('returning shopper');
    expect(await saved.panel.getByTestId('restored-edits').count()).toBe(0);
    // An edit discarded on its return is gone for good.
    await saved.panel.getByLabel('Metric', { exact: true }).fill('saved carts a week');
    await saved.page.close();
    const discard = await openPanel('admin', 'light', key, 'bring back');
    await discard.panel.getByTestId('restored-edits').waitFor();
    expect(await discard.panel.getByLabel('Metric', { exact: true }).inputValue()).toBe('saved carts a week');
    await discard.panel.getByRole('button', { name: 'Discard my changes' }).click();
    expect(await discard.panel.getByLabel('Metric', { exact: true }).inputValue()).toBe('');
    expect(await discard.panel.getByTestId('restored-edits').count()).toBe(0);
    await discard.page.close();
    const after = await openPanel('admin', 'light', key, 'bring back');
    expect(await after.panel.getByTestId('restored-edits').count()).toBe(0);
    expect(await after.panel.getByLabel('Metric', { exact: true }).inputValue()).toBe('');
    expect(property()!.version).toBe(2);
    await after.page.close();
  });

  it('works from the keyboard: the story box opens on Enter, takes focus, and Escape returns to its button', async () => {
    const { page, panel } = await openPanel('admin');
    await panel.getByRole('button', { name: 'Paste story' }).focus();
    await page.keyboard.press('Enter');
    await panel.getByLabel('Story', { exact: true }).waitFor();
    // The box takes focus in a timer after it renders: wait for it rather than read it at once.
    await eventually(async () =>
      expect(await panel.evaluate(() => document.activeElement?.id)).toBe('ol-story'),
    );
    await page.keyboard.press('Escape');
    await panel.waitForFunction(() => document.activeElement?.textContent === 'Paste story');
    await page.keyboard.press('Tab');
    expect(await panel.evaluate(() => document.activeElement?.id)).toBe('ol-persona');
    await page.close();
  });

  it('links an outcome chosen by keyboard in the Atlaskit select, keeps it after a reload, and can unlink it', async () => {
    const projectKey = issueKey.split('-')[0]!;
    const key = wb.app.jira.store.createIssue({
      projectKey,
      summary: 'Shoppers see delivery dates early',
    }).key;
    const { page, panel } = await openPanel('admin', 'light', key, 'bring back');
    const field = panel.locator('.ol-field', { has: panel.getByLabel('Outcome', { exact: true }) });
    // Nothing is linked yet, and the select says so.
    await field.getByText('Not linked', { exact: true }).waitFor();

    await chooseByKeyboard(page, panel, 'Outcome', /^Faster checkout \(/);
    await field.getByText(/^Faster checkout \(/).waitFor();
    await panel.getByRole('button', { name: 'Save' }).click();
    await panel.getByTestId('save-result').getByText('Saved', { exact: true }).waitFor();
    const lens = () =>
      wb.app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY) as { outcomeId?: string | null };
    expect(lens().outcomeId).toBe('faster-checkout');

    await page.reload({ waitUntil: 'load' });
    const again = await wb.panelFrame(page, PANEL_FRAME);
    const fieldAgain = again.locator('.ol-field', { has: again.getByLabel('Outcome', { exact: true }) });
    await fieldAgain.getByText(/^Faster checkout \(/).waitFor({ timeout: 30_000 });

    // "Not linked" stays a choice: taking it and saving removes the link.
    await chooseByKeyboard(page, again, 'Outcome', 'Not linked');
    await fieldAgain.getByText('Not linked', { exact: true }).waitFor();
    await again.getByRole('button', { name: 'Save' }).click();
    await again.getByTestId('save-result').getByText('Saved', { exact: true }).waitFor();
    expect(lens().outcomeId ?? null).toBeNull();
    await page.close();
  });

  it('takes direction, threshold comparison and result from Atlaskit selects by keyboard, shows a contradiction at the direction, and saves the fix', async () => {
    const projectKey = issueKey.split('-')[0]!;
    // Delivered: only delivered work takes a result.
    const key = wb.app.jira.store.createIssue({
      projectKey,
      summary: 'Shoppers find their saved items again',
      status: 'Done',
      statusCategory: 'done',
      resolution: 'Done',
    }).key;
    const { page, panel } = await openPanel('admin', 'light', key, 'bring back');
    const fieldOf = (label: string) =>
      panel.locator('.ol-field', { has: panel.getByLabel(label, { exact: true }) });
    await fieldOf('Direction').getByText('Not set', { exact: true }).waitFor();
    await fieldOf('Result').getByText('Not yet known', { exact: true }).waitFor();

    await panel.getByLabel('Metric', { exact: true }).fill('saved items reopened');
    await panel.getByLabel('Baseline').fill('40');
    await panel.getByLabel('Target', { exact: true }).fill('55');
    // "Decrease" from 40 to 55 contradicts itself: once the select loses focus the error shows at it, linked.
    await chooseByKeyboard(page, panel, 'Direction', 'Decrease');
    await fieldOf('Direction').getByText('Decrease', { exact: true }).waitFor();
    await page.keyboard.press('Tab');
    const contradiction = 'Direction "decrease" contradicts baseline 40 and target 55.';
    await panel.locator('#ol-direction-error').getByText(contradiction).waitFor();
    expect(await panel.getByLabel('Direction', { exact: true }).getAttribute('aria-describedby')).toContain(
      'ol-direction-error',
    );
    await panel.getByRole('button', { name: 'Save' }).click();
    await panel.getByTestId('save-result').getByText('Nothing was saved').waitFor();
    expect(wb.app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY)).toBeUndefined();

    // Fixed by keyboard: the error goes, and the other two selects are chosen the same way.
    await chooseByKeyboard(page, panel, 'Direction', 'Increase');
    await panel.locator('#ol-direction-error').waitFor({ state: 'detached' });
    await panel.getByLabel('Metric threshold').fill('weekly bookmarks');
    await chooseByKeyboard(page, panel, 'Threshold comparison', 'must fall to at most');
    await panel.getByLabel('Threshold value').fill('5');
    const nextYear = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);
    await typeDate(panel, 'Threshold date', nextYear, 'ol-thresholdBy');
    await chooseByKeyboard(page, panel, 'Result', 'Validated');
    await fieldOf('Result').getByText('Validated', { exact: true }).waitFor();
    await panel.getByLabel('Evidence').fill('Reopened saved items rose to 57% in the March cohort');
    await panel.getByRole('button', { name: 'Save' }).click();
    const result = panel.getByTestId('save-result');
    await result.waitFor();
    expect(await result.innerText()).toMatch(/^Saved/);
    expect(wb.app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY)).toMatchObject({
      expected: { baseline: 40, target: 55, direction: 'increase' },
      killCriteria: { metricThreshold: { comparison: 'atMost', value: 5, by: nextYear } },
      result: { verdict: 'validated', evidence: 'Reopened saved items rose to 57% in the March cohort' },
    });

    // Kept: after a reload each select shows its saved choice.
    await page.reload({ waitUntil: 'load' });
    const again = await wb.panelFrame(page, PANEL_FRAME);
    const againField = (label: string) =>
      again.locator('.ol-field', { has: again.getByLabel(label, { exact: true }) });
    await againField('Direction').getByText('Increase', { exact: true }).waitFor({ timeout: 30_000 });
    await againField('Threshold comparison').getByText('must fall to at most', { exact: true }).waitFor();
    await againField('Result').getByText('Validated', { exact: true }).waitFor();
    await page.close();
  });

  it('takes the check-by date typed in the Atlaskit date picker with Enter or chosen in its calendar by keyboard, refuses a past one at the field, and saves it as an ISO date', async () => {
    const projectKey = issueKey.split('-')[0]!;
    const key = wb.app.jira.store.createIssue({ projectKey, summary: 'Shoppers know when to reorder' }).key;
    const { page, panel } = await openPanel('admin', 'light', key, 'bring back');
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const input = panel.getByLabel('Check by', { exact: true });
    // The visible label names the picker's input.
    expect(await input.getAttribute('id')).toBe('ol-checkBy');

    // Yesterday, typed and taken with Enter: the refusal shows at the field, linked to it, and Save stores nothing.
    await typeDate(panel, 'Check by', day(-1), 'ol-checkBy');
    await panel.getByRole('button', { name: 'Save' }).click();
    await panel.getByTestId('save-result').getByText('Nothing was saved').waitFor();
    const error = panel.locator('#ol-checkBy-error');
    await error.getByText(`Check by ${day(-1)} has already passed`, { exact: false }).waitFor();
    // Said in the message at the top too: the calendar that opens on the focused field may cover the field's.
    expect(await panel.getByTestId('save-result').innerText()).toContain(
      `Check by ${day(-1)} has already passed`,
    );
    expect(await input.getAttribute('aria-describedby')).toContain('ol-checkBy-error');
    expect(wb.app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY)).toBeUndefined();

    // A day in the future clears the error and saves as the ISO date.
    await typeDate(panel, 'Check by', day(30), 'ol-checkBy');
    await error.waitFor({ state: 'detached' });
    await panel.getByRole('button', { name: 'Save' }).click();
    await panel.getByTestId('save-result').getByText('Saved', { exact: true }).waitFor();
    const lens = () =>
      wb.app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY) as { expected: { checkBy?: string } };
    expect(lens().expected.checkBy).toBe(day(30));

    // From the calendar by keyboard: it opens on the chosen day, the right arrow moves a day, Enter takes it.
    await input.focus();
    await page.keyboard.press('ArrowDown');
    await panel.getByRole('grid').waitFor();
    // Open, the calendar holds to the same accessibility bar as the rest of the panel.
    await expectAxeClean(wb, panel, 'issue panel, check-by calendar open');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await panel.getByRole('grid').waitFor({ state: 'detached' });
    expect(await panel.locator('input[type="hidden"][name="ol-checkBy"]').inputValue()).toBe(day(31));
    await panel.getByRole('button', { name: 'Save' }).click();
    // The pick cleared the earlier "Saved"; this one is the second save's.
    await panel.getByTestId('save-result').getByText('Saved', { exact: true }).waitFor();
    expect(lens().expected.checkBy).toBe(day(31));

    // Kept: after a reload the picker shows the saved date.
    await page.reload({ waitUntil: 'load' });
    const again = await wb.panelFrame(page, PANEL_FRAME);
    await again
      .locator('.ol-field', { has: again.getByLabel('Check by', { exact: true }) })
      .getByText(day(31))
      .waitFor({ timeout: 30_000 });
    await page.close();
  });

  it('never keeps a day that was not typed: April 31st key by key and a day written "01.03.yyyy" are refused at the field, quoted, and nothing is saved', async () => {
    // Next year's days: ahead of today whenever the test runs, so only the typing is judged.
    const year = YEAR_AHEAD;
    const projectKey = issueKey.split('-')[0]!;
    const key = wb.app.jira.store.createIssue({ projectKey, summary: 'Shoppers know when to reorder' }).key;
    const { page, panel } = await openPanel('admin', 'light', key, 'bring back');
    const input = panel.getByLabel('Kill date', { exact: true });
    // Typed key by key, "yyyy-04-3" is on the way to the 31st, which April has not: the 3rd must not be taken.
    await input.click();
    await input.pressSequentially(`${year}-04-31`);
    await input.press('Enter');
    await page.keyboard.press('Tab');
    const killError = panel.locator('#ol-deadline-error');
    await killError.getByText(`Kill date is not a real calendar date. You typed “${year}-04-31”.`).waitFor();
    expect(await panel.locator('input[type="hidden"][name="ol-deadline"]').inputValue()).not.toBe(
      `${year}-04-03`,
    );
    // A date written the German way is not dropped either.
    const checkBy = panel.getByLabel('Check by', { exact: true });
    await checkBy.click();
    await checkBy.pressSequentially(`01.03.${year}`);
    await checkBy.press('Escape');
    await page.keyboard.press('Tab');
    await panel
      .locator('#ol-checkBy-error')
      .getByText(`Check by must be a date like 2027-03-01. You typed “01.03.${year}”.`)
      .waitFor();
    await panel.getByRole('button', { name: 'Save' }).click();
    await panel.getByTestId('save-result').getByText('Nothing was saved').waitFor();
    expect(wb.app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY)).toBeUndefined();
    // A real day typed over it key by key, as a person types after an Enter, clears the error, and saves.
    await input.focus();
    await input.pressSequentially(`${year}-04-30`);
    await input.press('Enter');
    await panel.waitForFunction(
      (day) =>
        document.querySelector<HTMLInputElement>('input[type="hidden"][name="ol-deadline"]')?.value === day,
      `${year}-04-30`,
    );
    await killError.waitFor({ state: 'detached' });
    await typeDate(panel, 'Check by', `${year}-03-01`, 'ol-checkBy');
    await panel.getByRole('button', { name: 'Save' }).click();
    await panel.getByTestId('save-result').getByText('Saved', { exact: true }).waitFor();
    expect(wb.app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY)).toMatchObject({
      killCriteria: { deadline: `${year}-04-30` },
      expected: { checkBy: `${year}-03-01` },
    });
    await page.close();
  });

  it.each(['light', 'dark'] as const)(
    'follows the %s theme through design tokens, with no serious axe violations',
    async (mode) => {
      const { page, panel } = await openPanel('admin', mode);
      await panel.waitForFunction(
        (m) => document.documentElement.getAttribute('data-color-mode') === m,
        mode,
      );
      const background = await panel.evaluate(() => getComputedStyle(document.body).backgroundColor);
      const violations = await wb.runAxe(panel);
      const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      console.log(
        `issue panel ${mode}: body ${background}; axe ${violations.length} violations (${violations.map((v) => `${v.id}:${v.impact}`).join(', ')}), ${serious.length} serious or critical`,
      );
      expect(serious).toEqual([]);
      expect(background).toBe(mode === 'dark' ? 'rgb(31, 31, 33)' : 'rgb(255, 255, 255)');
      await page.close();
    },
  );
  it('says why the nightly scan sent an issue to kill review, with each rule and what clears it', async () => {
    await wb.app.runScheduledTrigger();
    const flagged = wb.app.jira.store.db
      .prepare('SELECT key FROM jira_issues ORDER BY id')
      .all()
      .map((r) => (r as { key: string }).key)
      .find(
        (key) =>
          (wb.app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY) as { zombie?: string })?.zombie ===
          'true',
      );
    if (!flagged) throw new Error('the scan flagged no demo issue');
    const rules = (
      wb.app.jira.store.getIssueProperty(flagged, ISSUE_PROPERTY_KEY) as {
        flag: { rules: Array<{ detail: string; since: string }> };
      }
    ).flag.rules;
    const page = await wb.openAs('member', `/browse/${flagged}`);
    const panel = await wb.panelFrame(page, PANEL_FRAME);
    const banner = panel.getByTestId('kill-review');
    await banner.waitFor({ timeout: 30_000 });
    const text = await banner.innerText();
    expect(text).toMatch(/In kill review/);
    for (const rule of rules) {
      expect(text).toContain(rule.detail);
      expect(text).toContain(`Past its limit since ${rule.since}`);
    }
    await page.close();
  });

  it('reads and shows numbers with the decimal mark of the person’s language: in de-DE, "1,234" is one point two three four', async () => {
    const other = wb.app.jira.store.db
      .prepare("SELECT key FROM jira_issues WHERE key != ? AND status_category != 'done' ORDER BY id LIMIT 1")
      .get(issueKey) as { key: string };
    const open = async (locale: string | null) => {
      const page = await wb.openAs('admin', `/browse/${other.key}${locale ? `?locale=${locale}` : ''}`);
      const panel = await wb.panelFrame(page, PANEL_FRAME);
      await panel.waitForSelector(`main[aria-label="Outcome Lens for ${other.key}"]`, { timeout: 30_000 });
      return { page, panel };
    };
    const german = await open('de-DE');
    await german.panel.getByLabel('Metric', { exact: true }).fill('Checkout abandonment');
    await german.panel.getByLabel('Baseline').fill('1.000,5');
    await german.panel.getByLabel('Target').fill('1,234');
    await german.panel.getByRole('button', { name: 'Save' }).click();
    await german.panel.getByTestId('save-result').waitFor({ timeout: 30_000 });
    expect(await german.panel.getByTestId('save-result').innerText()).toMatch(/^Saved/);
    const lens = wb.app.jira.store.getIssueProperty(other.key, ISSUE_PROPERTY_KEY) as {
      expected: { baseline: number; target: number };
    };
    expect([lens.expected.baseline, lens.expected.target]).toEqual([1000.5, 1.234]);
    await german.page.close();
    // Shown again as each person writes it: with a comma in German, with a point in American English.
    const again = await open('de-DE');
    expect(await again.panel.getByLabel('Baseline').inputValue()).toBe('1000,5');
    expect(await again.panel.getByLabel('Target').inputValue()).toBe('1,234');
    // Its messages quote the numbers the same way: "increase" from 1000,5 to 1,234 contradicts itself.
    await chooseByKeyboard(again.page, again.panel, 'Direction', 'Increase');
    await again.page.keyboard.press('Tab');
    await again.panel
      .locator('#ol-direction-error')
      .getByText('Direction "increase" contradicts baseline 1000,5 and target 1,234.')
      .waitFor();
    await again.page.close();
    const american = await open(null);
    expect(await american.panel.getByLabel('Target').inputValue()).toBe('1.234');
    await american.page.close();
  });

  it('names every phrase the recipe warning does not list with its reason, after the five it lists', async () => {
    const projectKey = issueKey.split('-')[0]!;
    const summary = 'Add a blue Save for Later button';
    const description =
      'Put it in the upper right hand corner of the cart, in bold text, 14px. Make the banner below it orange, ' +
      'add a tooltip and a drop-down of saved items, and move the coupon field to the left-hand side.';
    const verdict = detectRecipe({ summary, description });
    const phrases = distinctReasons(verdict).map((r) => `“${r.phrase}”`);
    // The item this test needs: more phrases than the warning lists with their reasons.
    expect(phrases.length).toBeGreaterThan(5);
    const key = wb.app.jira.store.createIssue({ projectKey, summary, description }).key;
    const { page, panel } = await openPanel('admin', 'light', key);
    const warning = panel.getByTestId('recipe-warning');
    await warning.waitFor({ timeout: 30_000 });
    const items = await warning.getByRole('listitem').allInnerTexts();
    expect(items).toHaveLength(6);
    items.slice(0, 5).forEach((item, i) => expect(item.startsWith(phrases[i]!)).toBe(true));
    // Each named once, and not again when the list above quotes it ("Add" in the summary, "add" below).
    const listed = new Set(phrases.slice(0, 5).map((p) => p.toLowerCase()));
    const rest = phrases.slice(5).filter((p) => !listed.has(p.toLowerCase()) && listed.add(p.toLowerCase()));
    expect(rest.length).toBeGreaterThan(0);
    expect(await warning.getByTestId('recipe-more').innerText()).toBe(
      `and ${rest.length} more: ${rest.join(', ')}`,
    );
    await page.close();
  });
});
