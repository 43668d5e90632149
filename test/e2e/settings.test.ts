/**
 * The project settings page in a real browser, inside the workbench's Jira with the demo backlog: an admin
 * changes a score weight and sees an issue's score move in its panel, gets a field error for a bad value and
 * resets to the defaults; a viewer and an outsider are refused; both themes are checked with axe-core.
 * The tests share one browser and one workbench and run in order.
 */
import type { Frame } from 'playwright-core';
import { buildSurface } from '../../scripts/build-static';
import { SCORE_COMPONENT_LABELS, type ScoreComponentId } from '../../src/domain/score-weights';
import { seedDemo } from '../../workbench/seed/demo';
import { eventually, startBrowserWorkbench, type BrowserWorkbench } from '../support/browser';
import { openSettings as openSettingsAs, SETTINGS_FRAME } from '../support/settings-page';

jest.setTimeout(120_000);

const PANEL_FRAME = 'iframe[data-wb-module="outcome-lens-issue-panel"]';
// A demo story with a complete hypothesis: its score depends on the hypothesis weight.
const STORY = 'Size guide that tells shoppers their size from their usual brand';

let wb: BrowserWorkbench;
let issueKey: string;

beforeAll(async () => {
  await Promise.all(['settings', 'issue-panel'].map((s) => buildSurface(s)));
  wb = await startBrowserWorkbench({ seed: (app) => seedDemo(app, new Date()) });
  const row = wb.app.jira.store.db.prepare('SELECT key FROM jira_issues WHERE summary = ?').get(STORY) as
    { key: string } | undefined;
  if (!row) throw new Error(`The demo backlog has no issue "${STORY}"`);
  issueKey = row.key;
});
afterAll(async () => wb?.close());

// Always names the theme, light unless told, so each page starts in a known one.
const openSettings = (colorMode: 'light' | 'dark' = 'light') =>
  openSettingsAs(wb, 'admin', '', { colorMode });

async function panelScore(): Promise<number> {
  const page = await wb.openAs('admin', `/browse/${issueKey}`);
  const panel = await wb.panelFrame(page, PANEL_FRAME);
  const total = panel.getByTestId('score-total');
  await total.waitFor({ timeout: 30_000 });
  const score = Number(/^(\d+) \/ 100$/.exec((await total.innerText()).trim())?.[1] ?? NaN);
  await page.close();
  return score;
}

/** The version from the line beside the buttons: "Defaults, never saved", "Saved once, …", "Saved 3 times, …". */
const versionOf = async (frame: Frame) => {
  const text = await frame.getByTestId('settings-version').innerText();
  if (text === 'Defaults, never saved') return 0;
  const m = /^Saved (?:(once)|(\d+) times), last on \d{4}-\d\d-\d\d \d\d:\d\d UTC$/.exec(text);
  if (!m) throw new Error(`Unexpected settings history: ${text}`);
  return m[1] ? 1 : Number(m[2]);
};

/** Types the six weights in the page's order: hypothesis, measurable, link, kill criteria, framing, evidence. */
async function fillWeights(frame: Frame, weights: number[]): Promise<void> {
  const labels = [
    'Hypothesis complete',
    'Measurable expectation',
    'Linked outcome',
    'Kill criteria',
    'Problem framing',
    'Evidence after delivery',
  ];
  for (const [i, label] of labels.entries())
    await frame.getByLabel(label, { exact: true }).fill(String(weights[i]));
}

describe('the settings page in the browser', () => {
  let defaultScore: number;

  it('lets an admin change a score weight, save, and see the issue’s score change in its panel', async () => {
    defaultScore = await panelScore();
    const { page, frame } = await openSettings();
    const weight = frame.getByLabel('Hypothesis complete');
    expect(await weight.inputValue()).toBe('25');
    // Nothing saved yet on this site: the line says so instead of "Version 0".
    expect(await frame.getByTestId('settings-version').innerText()).toBe('Defaults, never saved');
    const version = await versionOf(frame);
    // Weights split 100 points: give the hypothesis 80 and the other parts what is left.
    for (const label of ['Measurable expectation', 'Linked outcome', 'Kill criteria', 'Problem framing'])
      await frame.getByLabel(label, { exact: true }).fill('5');
    await frame.getByLabel('Evidence after delivery').fill('0');
    await weight.fill('80');
    const save = frame.getByRole('button', { name: 'Save settings' });
    await save.click();
    await frame.getByTestId('settings-message').getByText('Settings saved.').waitFor();
    // The keyboard stays at Save, which was off while the settings were sent, not lost to the page.
    await eventually(async () =>
      expect(await save.evaluate((el) => el === document.activeElement)).toBe(true),
    );
    expect(await versionOf(frame)).toBe(version + 1);
    expect(await frame.getByTestId('settings-version').innerText()).toMatch(
      /^Saved once, last on \d{4}-\d\d-\d\d \d\d:\d\d UTC$/,
    );

    await page.reload({ waitUntil: 'load' });
    const again = await wb.panelFrame(page, SETTINGS_FRAME);
    await again.getByLabel('Hypothesis complete').waitFor({ timeout: 30_000 });
    expect(await again.getByLabel('Hypothesis complete').inputValue()).toBe('80');

    const weighted = await panelScore();
    console.log(
      `settings: ${issueKey} scores ${defaultScore} by default, ${weighted} with hypothesis weight 80`,
    );
    expect(weighted).toBeGreaterThan(defaultScore);
    await page.close();
  });

  it('links the flag’s help to Jira’s search for this project’s flagged items', async () => {
    const { page, frame } = await openSettings();
    const link = frame.getByRole('link', { name: 'search them in Jira' });
    const href = new URL((await link.getAttribute('href'))!);
    expect(href.pathname).toBe('/issues/');
    expect(href.searchParams.get('jql')).toBe('project = "DEMO" AND zombie = "true"');
    await page.close();
  });

  it('shows a bad weight’s error at its field and saves nothing', async () => {
    const { page, frame } = await openSettings();
    const version = await versionOf(frame);
    const weight = frame.getByLabel('Kill criteria');
    const before = await weight.inputValue();
    await weight.fill('150');
    await frame.getByRole('button', { name: 'Save settings' }).click();
    await frame.getByText('Kill criteria weight must be at most 100.').waitFor();
    expect(await weight.getAttribute('aria-invalid')).toBe('true');
    expect(await weight.getAttribute('aria-describedby')).toContain('weight-killCriteria-error');
    expect(await frame.getByTestId('settings-message').innerText()).toMatch(/Not saved/);

    await page.reload({ waitUntil: 'load' });
    const again = await wb.panelFrame(page, SETTINGS_FRAME);
    await again.getByLabel('Kill criteria').waitFor({ timeout: 30_000 });
    expect(await again.getByLabel('Kill criteria').inputValue()).toBe(before);
    expect(await versionOf(again)).toBe(version);
    await page.close();
  });

  it('checks the weights as they are typed: they must add up to 100, said at the weights, and nothing is saved', async () => {
    const { page, frame } = await openSettings();
    const version = await versionOf(frame);
    await fillWeights(frame, [25, 20, 20, 50, 10, 10]);
    // Said while typing, before any Save: 25+20+20+50+10+10 = 135.
    await frame
      .getByTestId('weights-total')
      .getByText('The weights add up to 135: they must add up to 100.')
      .waitFor();
    expect(await frame.getByRole('table', { name: 'Points each part carries' }).count()).toBe(0);
    await frame.getByRole('button', { name: 'Save settings' }).click();
    expect(await frame.getByTestId('settings-message').innerText()).toMatch(/Not saved/);
    expect(await versionOf(frame)).toBe(version);
    await frame.getByLabel('Kill criteria').fill('15');
    await frame.getByTestId('weights-total').getByText('Total 100 of 100.').waitFor();
    await page.close();
  });

  it('shows the points each part carries before and after delivery', async () => {
    const { page, frame } = await openSettings();
    await fillWeights(frame, [25, 20, 20, 15, 10, 10]);
    // Atlaskit's DynamicTable, named for what it shows; each row starts with the part's name.
    const table = frame.getByRole('table', { name: 'Points each part carries', exact: true });
    expect(await table.getAttribute('data-testid')).toBe('weights-points--table');
    const cells = async (id: ScoreComponentId) => {
      const [part, ...points] = (await table.getByTestId(`points-${id}`).locator('td').allInnerTexts()).map(
        (t) => t.trim(),
      );
      expect(part).toBe(SCORE_COMPONENT_LABELS[id]);
      return points;
    };
    // The evidence share is spread over the others until delivery: the 28/22/22/17/11 the panel shows.
    expect(await cells('hypothesis')).toEqual(['28', '25']);
    expect(await cells('measurable')).toEqual(['22', '20']);
    expect(await cells('killCriteria')).toEqual(['17', '15']);
    expect(await cells('problemFraming')).toEqual(['11', '10']);
    expect(await cells('evidence')).toEqual(['not yet', '10']);
    await page.close();
  });

  it('resets to the defaults only after a confirmation in a modal, and the score goes back', async () => {
    const { page, frame } = await openSettings();
    const version = await versionOf(frame);
    const resetButton = frame.getByRole('button', { name: 'Reset to defaults' });
    await resetButton.click();
    const dialog = frame.getByRole('dialog', { name: 'Reset all settings to the defaults?' });
    await dialog.waitFor();
    // Focus starts on the safe choice; Cancel changes nothing and returns focus to the button.
    await eventually(async () =>
      expect(await frame.evaluate(() => document.activeElement?.textContent)).toBe('Cancel'),
    );
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await versionOf(frame)).toBe(version);
    await eventually(async () =>
      expect(await frame.evaluate(() => document.activeElement?.textContent)).toBe('Reset to defaults'),
    );
    await resetButton.click();
    // Escape before the dialog is open would close nothing and leave its blanket over the page.
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await versionOf(frame)).toBe(version);

    await resetButton.click();
    await dialog.getByRole('button', { name: 'Reset settings' }).click();
    await frame.getByTestId('settings-message').getByText('Settings reset to the defaults.').waitFor();
    expect(await frame.getByLabel('Hypothesis complete').inputValue()).toBe('25');
    expect(await panelScore()).toBe(defaultScore);
    await page.close();
  });

  it.each(['viewer', 'outsider'])(
    'refuses the settings page to a %s, as Jira does for non-administrators',
    async (user) => {
      const page = await wb.openAs(user, '/projects/DEMO/settings');
      // A viewer sees the project but not its settings; an outsider does not even see the project.
      await page.getByRole('heading', { name: /^You do not have permission to view this project/ }).waitFor();
      expect(await page.locator(SETTINGS_FRAME).count()).toBe(0);
      await page.close();
    },
  );

  it.each(['light', 'dark'] as const)(
    'follows the %s theme through design tokens, with no serious axe violations',
    async (mode) => {
      const { page, frame } = await openSettings(mode);
      await frame.waitForFunction(
        (m) => document.documentElement.getAttribute('data-color-mode') === m,
        mode,
      );
      const colours = await frame.evaluate(() => ({
        body: getComputedStyle(document.body).backgroundColor,
        whites: Array.from(document.querySelectorAll('body *'))
          .filter((el) => getComputedStyle(el).backgroundColor === 'rgb(255, 255, 255)')
          .map((el) => `${el.tagName.toLowerCase()}#${el.id}`),
      }));
      const violations = await wb.runAxe(frame);
      const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      console.log(
        `settings ${mode}: body ${colours.body}, ${colours.whites.length} white elements; axe ${violations.length} (${violations.map((v) => `${v.id}:${v.impact}`).join(', ')})`,
      );
      expect(serious.map((v) => `${v.id}: ${v.nodes[0]?.html}`)).toEqual([]);
      if (mode === 'dark') {
        expect(colours.body).toBe('rgb(31, 31, 33)');
        expect(colours.whites).toEqual([]);
      } else expect(colours.body).toBe('rgb(255, 255, 255)');
      await page.close();
    },
  );

  it('spaces the controls inside each group: a field and the checkboxes under it do not touch', async () => {
    const { page, frame } = await openSettings();
    const field = await frame.getByLabel('Add this label (blank: none)').boundingBox();
    const check = await frame.getByLabel('Comment on the issue when it is flagged').boundingBox();
    const next = await frame
      .getByLabel('Dry run: the scan shows what it would do and writes nothing')
      .boundingBox();
    expect(check!.y - (field!.y + field!.height)).toBeGreaterThanOrEqual(8);
    expect(next!.y - (check!.y + check!.height)).toBeGreaterThanOrEqual(8);
    await page.close();
  });

  it('says the entry gate blocks nothing until the validator is on a transition, and how to add it', async () => {
    const { page, frame } = await openSettings();
    const how = frame.locator('#gate-how');
    await how.waitFor();
    const text = await how.innerText();
    expect(text).toContain('block nothing until a Jira admin adds the validator to a transition');
    expect(text).toContain('company-managed projects only');
    expect(text).toContain('“Outcome Lens entry gate”');
    await page.close();
  });

  it('works from the keyboard: Enter in a field saves the form', async () => {
    const { page, frame } = await openSettings();
    // All six typed, so the test does not depend on the reset before it: 25+20+20+15+12+8 = 100.
    await fillWeights(frame, [25, 20, 20, 15, 10, 8]);
    const weight = frame.getByLabel('Problem framing');
    await weight.focus();
    await weight.fill('12');
    await page.keyboard.press('Enter');
    await frame.getByTestId('settings-message').getByText('Settings saved.').waitFor();
    await page.keyboard.press('Tab');
    expect(await frame.evaluate(() => document.activeElement?.id)).toBe('weight-evidence');
    await page.close();
  });

  it('edits thresholds per issue type in a table: add a row, save, reload, and see a bad cell’s error at the cell', async () => {
    const { page, frame } = await openSettings();
    const table = frame.getByRole('table', { name: 'Thresholds per issue type' });
    await table.waitFor();
    // Atlaskit's DynamicTable, as the other settings tables; empty, it says every type uses the project's.
    expect(await table.getAttribute('data-testid')).toBe('per-type-table--table');
    await frame.getByText('Every issue type uses the project thresholds.').waitFor();
    // The unlinked-age rule says when it applies, beside its field.
    expect(
      await frame.getByLabel('Max age of unlinked work (days)').getAttribute('aria-describedby'),
    ).toMatch(/help/);
    await frame.getByText(/Applies once at least 20% of this project's open items are linked/).waitFor();
    // No issue type has its own limit by default (no shorter Bug limit): the table starts empty.
    expect(await frame.getByLabel('Max idle days for Bug', { exact: true }).count()).toBe(0);
    const addRow = async (type: string) => {
      await frame.getByRole('button', { name: 'Add an issue type' }).click();
      // The new row's type cell takes the focus (after the row renders): type into it from the keyboard.
      await frame.waitForFunction(
        () =>
          /^per-type-.+-type$/.test(document.activeElement?.id ?? '') &&
          (document.activeElement as HTMLInputElement).value === '',
      );
      await page.keyboard.type(type);
    };
    await addRow('Bug');
    await frame.getByLabel('Max idle days for Bug', { exact: true }).fill('30');
    await addRow('Story');
    expect(await frame.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value)).toBe(
      'Story',
    );
    await frame.getByLabel('Max sprints carried over for Story', { exact: true }).fill('4');
    await frame.getByRole('button', { name: 'Save settings' }).click();
    await frame.getByTestId('settings-message').getByText('Settings saved.').waitFor();

    await page.reload({ waitUntil: 'load' });
    const again = await wb.panelFrame(page, SETTINGS_FRAME);
    const sprints = again.getByLabel('Max sprints carried over for Story', { exact: true });
    await sprints.waitFor({ timeout: 30_000 });
    expect(await sprints.inputValue()).toBe('4');
    expect(await again.getByLabel('Max idle days for Story', { exact: true }).inputValue()).toBe('');

    const version = await versionOf(again);
    const bugIdle = again.getByLabel('Max idle days for Bug', { exact: true });
    await bugIdle.fill('0');
    await again.getByRole('button', { name: 'Save settings' }).click();
    // The cell names its error only once the refused save has rendered: wait for that before reading it.
    await eventually(async () => expect(await bugIdle.getAttribute('aria-invalid')).toBe('true'));
    const error = await bugIdle.getAttribute('aria-describedby');
    await again.locator(`[id="${error ?? 'missing'}"]`).waitFor();
    console.log(`per-type cell error: ${await again.locator(`[id="${error}"]`).innerText()}`);
    expect(await bugIdle.getAttribute('aria-invalid')).toBe('true');
    expect(await again.locator(`[id="${error}"]`).innerText()).toMatch(/Max idle days/);
    expect(await versionOf(again)).toBe(version);

    // Remove the Story row (by its accessible name) and save: the stored record loses it.
    await bugIdle.fill('30');
    await again.getByRole('button', { name: 'Remove thresholds for Story' }).click();
    await again.getByRole('button', { name: 'Save settings' }).click();
    await again.getByTestId('settings-message').getByText('Settings saved.').waitFor();
    expect(await again.getByLabel('Max sprints carried over for Story').count()).toBe(0);
    await page.close();
  });

  it('sets the scan’s share of the hourly Jira quota and its full rescan cadence, each checked as typed', async () => {
    const { page, frame } = await openSettings();
    const share = frame.getByLabel('Share of the hourly Jira quota (0.05–1)');
    const days = frame.getByLabel('Full rescan every (days, 1–31)');
    expect(await share.inputValue()).toBe('0.5');
    expect(await days.inputValue()).toBe('7');
    await frame.getByText("The scan spends up to 50% of the app's hourly Jira points").waitFor();
    const version = await versionOf(frame);

    // Said at the field as it is typed, in the words of the schema the save checks, and nothing is saved.
    await share.fill('1.5');
    await frame.getByText('Share of the hourly Jira quota must be between 0.05 and 1.').waitFor();
    expect(await share.getAttribute('aria-invalid')).toBe('true');
    expect(await share.getAttribute('aria-describedby')).toContain('scan-quota-share-error');
    await days.fill('40');
    await frame.getByText('Full rescan cadence must be between 1 and 31 days.').waitFor();
    await frame.getByRole('button', { name: 'Save settings' }).click();
    await frame.getByTestId('settings-message').getByText('Some settings need attention.').waitFor();
    expect(await versionOf(frame)).toBe(version);

    // Typed a key at a time: "0." on the way to "0.25" stays as typed.
    await share.fill('');
    await share.pressSequentially('0.25');
    expect(await share.inputValue()).toBe('0.25');
    await days.fill('14');
    await frame.getByText("The scan spends up to 25% of the app's hourly Jira points").waitFor();
    expect(await share.getAttribute('aria-invalid')).toBeNull();
    await frame.getByRole('button', { name: 'Save settings' }).click();
    await frame.getByTestId('settings-message').getByText('Settings saved.').waitFor();
    expect(await versionOf(frame)).toBe(version + 1);

    await page.reload({ waitUntil: 'load' });
    const again = await wb.panelFrame(page, SETTINGS_FRAME);
    const savedShare = again.getByLabel('Share of the hourly Jira quota (0.05–1)');
    await savedShare.waitFor({ timeout: 30_000 });
    expect(await savedShare.inputValue()).toBe('0.25');
    expect(await again.getByLabel('Full rescan every (days, 1–31)').inputValue()).toBe('14');
    await page.close();
  });

  it('chooses who may change outcomes in Atlaskit’s select by keyboard, saves, and finds it kept; no native select is left', async () => {
    const { page, frame } = await openSettings();
    // Every choice on the page is an Atlaskit select now: none is the browser's own.
    expect(await frame.locator('select').count()).toBe(0);
    // The visible label names the select's input.
    const editors = frame.getByLabel('Who may change outcomes');
    const shown = () => editors.evaluate((el) => el.closest('[class*="container"]')?.textContent ?? '');
    expect(await shown()).toContain('Project administrators');
    const version = await versionOf(frame);

    await editors.focus();
    await page.keyboard.press('ArrowDown');
    await frame.getByRole('option', { name: 'Anyone who can edit issues' }).waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await eventually(async () => expect(await shown()).toContain('Anyone who can edit issues'));
    await frame.getByRole('button', { name: 'Save settings' }).click();
    await frame.getByTestId('settings-message').getByText('Settings saved.').waitFor();
    expect(await versionOf(frame)).toBe(version + 1);

    await page.reload({ waitUntil: 'load' });
    const again = await wb.panelFrame(page, SETTINGS_FRAME);
    const kept = again.getByLabel('Who may change outcomes');
    await kept.waitFor({ timeout: 30_000 });
    expect(await kept.evaluate((el) => el.closest('[class*="container"]')?.textContent ?? '')).toContain(
      'Anyone who can edit issues',
    );
    // Back to administrators, by keyboard again, so the setting is as the other tests found it.
    await kept.focus();
    await page.keyboard.press('ArrowDown');
    await again.getByRole('option', { name: 'Project administrators' }).click();
    await again.getByRole('button', { name: 'Save settings' }).click();
    await again.getByTestId('settings-message').getByText('Settings saved.').waitFor();
    await page.close();
  });

  it('keeps the space a person types in the flag label, and refuses it at the field on save', async () => {
    // A person types "needs review" into "Add this label (blank: none)" key by key. What happens: each
    // keystroke is trimmed into the settings, so the space typed after "needs" vanishes at once and the field
    // ends as "needsreview" (a different label than typed, saved without a word). What should happen: the
    // field keeps what was typed, and a label Jira cannot take (a space) is refused at the field on save.
    const { frame } = await openSettings();
    const label = frame.getByLabel('Add this label (blank: none)');
    await label.fill('');
    await label.pressSequentially('needs review', { delay: 30 });
    expect(await label.inputValue()).toBe('needs review');
    await frame.getByRole('button', { name: 'Save settings' }).click();
    await frame
      .locator('[id="flag-label-error"]')
      .getByText(/^Flag label "needs review" has a space: Jira labels cannot hold spaces/)
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
