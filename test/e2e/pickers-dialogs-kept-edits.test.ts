/**
 * What a person does with the date pickers, the unsaved edits the issue panel brings back, and the Kill review's
 * dialogs, found by a hostile review in a real browser: each test held a defect its comment describes (it failed
 * on the code before the mend), and now holds the mend.
 */
import type { Frame, Locator, Page } from 'playwright-core';
import { eventually, fillFromPastedStory, freshName, type BrowserWorkbench } from '../support/browser';
import { PROJECT_PAGE_RESOLVERS as R, type DecisionLogData } from '../../src/contract/project-page';
import {
  asProjectAdmin,
  lensOf as lensIn,
  openProjectPage,
  PANEL_FRAME,
  startDemoAfterScan,
} from '../support/demo-project';
import { chooseByKeyboard } from '../support/surface-checks';
import { DUE_DATE_AHEAD } from '../support/builders';

jest.setTimeout(120_000);

let wb: BrowserWorkbench;
let zombies: string[];

beforeAll(async () => {
  ({ wb, zombies } = await startDemoAfterScan(['outcome-map', 'issue-panel']));
});
afterAll(async () => wb?.close());

const lensOf = (key: string) => lensIn(wb, key);

const newIssue = (summary: string): string =>
  wb.app.jira.store.createIssue({ projectKey: 'DEMO', summary }).key;

async function openPanel(user: string, key: string): Promise<{ page: Page; panel: Frame }> {
  const page = await wb.openAs(user, `/browse/${key}`);
  const panel = await wb.panelFrame(page, PANEL_FRAME);
  await panel.waitForSelector(`main[aria-label="Outcome Lens for ${key}"]`, { timeout: 30_000 });
  return { page, panel };
}

const hidden = (frame: Frame, name: string) =>
  frame.locator(`input[type="hidden"][name="${name}"]`).inputValue();
const fieldText = async (frame: Frame, label: string) =>
  (await frame.locator('.ol-field', { has: frame.getByLabel(label, { exact: true }) }).innerText()).replace(
    /\s+/g,
    ' ',
  );

/** The panel's Kill date, clicked into and typed into key by key. */
async function typeKillDate(panel: Frame, text: string) {
  const input = panel.getByLabel('Kill date', { exact: true });
  await input.click();
  await input.pressSequentially(text);
  return input;
}

/** Closes the calendar with `key`, leaves the field with Tab, and reads what the Kill date field then shows. */
async function leaveKillDate(page: Page, panel: Frame, key: 'Enter' | 'Escape'): Promise<string> {
  await panel.getByLabel('Kill date', { exact: true }).press(key);
  await page.keyboard.press('Tab');
  await page.waitForTimeout(300);
  return fieldText(panel, 'Kill date');
}

/** Where `element` is on the page once it has stopped moving (a dialog's entrance, a placement after it). */
async function settledBox(
  element: Locator,
): Promise<{ x: number; y: number; width: number; height: number }> {
  let last = await element.boundingBox();
  for (let i = 0; i < 50; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = await element.boundingBox();
    if (now && last && JSON.stringify(now) === JSON.stringify(last)) return now;
    last = now;
  }
  throw new Error('The element kept moving for 5 seconds');
}

/** Opens DEMO's Kill review and the dialog of `decision` on the zombie `key`. */
async function openDecision(decision: 'Kill' | 'Keep', key: string) {
  const { page, frame } = await openProjectPage(wb);
  await frame.getByRole('tab', { name: 'Kill review' }).click();
  const item = frame.getByTestId(`zombie-${key}`);
  await item.waitFor({ timeout: 30_000 });
  await item.getByRole('button', { name: `${decision} ${key}` }).click();
  return { page, frame, dialog: frame.getByRole('dialog', { name: `${decision} ${key}` }) };
}

describe('date pickers', () => {
  // A person types 2027-03-31 into Kill date, sees it is the wrong month, backspaces "3-31" and types "4-31"
  // (April has no 31st), then presses Enter. The field silently takes 2027-03-31, the day they erased, with no
  // error, and Save stores it. It should refuse "2027-04-31" at the field, quoted, as it does when the same text
  // is typed into an empty field, and never hold a day that is not what was typed.
  it('refuses a day corrected into one that does not exist, on Enter, instead of keeping the erased day', async () => {
    const key = newIssue('Shoppers reorder from the receipt');
    const { page, panel } = await openPanel('admin', key);
    const input = await typeKillDate(panel, '2027-03-31');
    for (let i = 0; i < 4; i++) await input.press('Backspace');
    await input.pressSequentially('4-31');
    expect(await input.inputValue()).toBe('2027-04-31');
    const shown = await leaveKillDate(page, panel, 'Enter');
    await panel.getByRole('button', { name: 'Save' }).click();
    await panel.getByTestId('save-result').waitFor();
    const stored = (lensOf(key)?.killCriteria as { deadline?: string } | undefined)?.deadline;
    // Before the mend: the field shows "Kill date 2027-03-31", no error, and Save stores 2027-03-31.
    expect({ shown, stored }).toEqual({
      shown: expect.stringContaining('You typed “2027-04-31”'),
      stored: undefined,
    });
    await page.close();
  });

  // A person types a real day, 2027-03-05, into Kill date and presses Escape to close the calendar that covers
  // the next fields (or clicks elsewhere). The typed day vanishes from the field without a word; nothing is
  // kept. Text that is NOT a day ("01.03.2027") typed the same way is kept and refused, so the one the person
  // typed correctly is the one that is lost. The day should be kept (or at least the text, and said).
  it('keeps a real day typed and left with Escape, as it keeps unreadable text', async () => {
    const key = newIssue('Shoppers reorder from the email');
    const { page, panel } = await openPanel('admin', key);
    await typeKillDate(panel, '2027-03-05');
    const shown = await leaveKillDate(page, panel, 'Escape');
    // Before the mend: hidden value "" and the field shows only its placeholder "Kill date YYYY-MM-DD".
    expect({ value: await hidden(panel, 'ol-deadline'), shown }).toEqual({
      value: '2027-03-05',
      shown: expect.stringContaining('2027-03-05'),
    });
    await page.close();
  });

  // Text that is no day is held as the value while the picker shows nothing: Backspace in the empty input clears
  // it, so a person who wants no date can have none.
  it('clears held text that is no day with Backspace, and then saves with no date', async () => {
    const key = newIssue('Shoppers reorder by voice');
    const { page, panel } = await openPanel('admin', key);
    const input = await typeKillDate(panel, 'soon');
    await leaveKillDate(page, panel, 'Enter');
    await panel.locator('#ol-deadline-error').getByText('You typed “soon”', { exact: false }).waitFor();
    await input.focus();
    await input.press('Backspace');
    await panel.locator('#ol-deadline-error').waitFor({ state: 'detached' });
    expect(await hidden(panel, 'ol-deadline')).toBe('');
    await panel.getByLabel('Persona', { exact: true }).fill('a shopper with busy hands');
    await panel.getByRole('button', { name: 'Save' }).click();
    await panel.getByTestId('save-result').getByText('Saved', { exact: true }).waitFor();
    expect((lensOf(key)?.killCriteria as { deadline?: string } | undefined)?.deadline).toBeUndefined();
    await page.close();
  });

  // Same defect as the first test, in the project page's Keep dialog: "New kill date" typed 2027-03-31, corrected
  // key by key to 2027-04-31, Enter. The dialog holds 2027-03-31 and Confirm keep records it as the new deadline.
  it('refuses, in the Keep dialog, a kill date corrected into a day that does not exist, instead of the erased day', async () => {
    const key = zombies[zombies.length - 1]!;
    const { page, dialog } = await openDecision('Keep', key);
    await dialog.getByLabel('Why (goes into the decision log)').fill('Still wanted by support');
    const day = dialog.getByLabel('New kill date');
    await day.click();
    await day.pressSequentially('2027-03-31');
    for (let i = 0; i < 4; i++) await day.press('Backspace');
    await day.pressSequentially('4-31');
    await day.press('Enter');
    await day.press('Tab');
    await page.waitForTimeout(300);
    const shown = (await dialog.innerText()).replace(/\s+/g, ' ');
    // Before the mend: the dialog shows "New kill date 2027-03-31" and no error.
    expect(shown).toContain('2027-04-31');
    expect(shown).not.toMatch(/New kill date 2027-03-31/);
    await page.close();
  });
});

describe('unsaved edits that come back', () => {
  // A person types 01.03.2027 into Check by (the field refuses it, quoted) and leaves the issue. On reopening,
  // "Your unsaved changes are back" is shown, but Check by looks EMPTY (placeholder only) and no error says what
  // is held: the person believes the date is blank, until Save refuses a date they cannot see. The field should
  // show what came back (the quoted text, or its error) as it did when they left.
  it('brings an unreadable date back with its message at the field, not as an empty-looking field', async () => {
    const key = newIssue('Shoppers track parcels');
    const first = await openPanel('admin', key);
    const checkBy = first.panel.getByLabel('Check by', { exact: true });
    await checkBy.click();
    await checkBy.pressSequentially('01.03.2027');
    await checkBy.press('Escape');
    await first.page.keyboard.press('Tab');
    await first.panel
      .locator('#ol-checkBy-error')
      .getByText('You typed “01.03.2027”', { exact: false })
      .waitFor();
    await first.page.close();

    const again = await openPanel('admin', key);
    await again.panel.getByTestId('restored-edits').waitFor();
    // Before the mend: "Check by YYYY-MM-DD", nothing else.
    expect(await fieldText(again.panel, 'Check by')).toContain('01.03.2027');
    await again.page.close();
  });

  // The same person has the issue open in two tabs (common: a link opened twice). In tab B they write an
  // intent and do not save; in tab A they change the persona and press Save. They close both tabs. On reopening
  // the issue the intent written in B is gone, with no "Your unsaved changes are back": A's save (and every
  // keystroke in A) overwrote or dropped the one kept slot for the issue. B's unsaved intent should come back.
  it('keeps each tab’s edits apart: a save in one tab does not throw away what the other kept', async () => {
    const key = newIssue('Shoppers split the bill');
    const a = await openPanel('admin', key);
    const b = await openPanel('admin', key);
    await b.panel.getByLabel('Intent', { exact: true }).fill('split the bill with a friend at checkout');
    await b.page.waitForTimeout(300);
    await a.panel.getByLabel('Persona', { exact: true }).fill('a shopper paying with friends');
    await a.panel.getByRole('button', { name: 'Save' }).click();
    await a.panel.getByTestId('save-result').getByText('Saved', { exact: true }).waitFor();
    await a.page.close();
    await b.page.close();

    const again = await openPanel('admin', key);
    await again.panel.getByLabel('Persona', { exact: true }).waitFor();
    expect(await again.panel.getByLabel('Persona', { exact: true }).inputValue()).toBe(
      'a shopper paying with friends',
    );
    // Before the mend: Intent is "" and there is no restored-edits message.
    expect(await again.panel.getByLabel('Intent', { exact: true }).inputValue()).toBe(
      'split the bill with a friend at checkout',
    );
    await again.page.close();
  });
});

describe('unsaved edits: a story being pasted', () => {
  // A person pastes a story into the Story box and leaves before pressing "Fill fields": the story comes back in
  // its open box; once it has filled the fields, only the fields are kept; Discard empties the box.
  it('brings back a story left in the paste box, and lets it go once used or discarded', async () => {
    const key = newIssue('Shoppers share a basket');
    const STORY_TEXT =
      'As a returning shopper, I want to keep one basket across my devices, so that I order once.';
    const first = await openPanel('admin', key);
    await first.panel.getByRole('button', { name: 'Paste story' }).click();
    await first.panel.getByLabel('Story', { exact: true }).fill(STORY_TEXT);
    await first.page.waitForTimeout(300);
    await first.page.close();

    const again = await openPanel('admin', key);
    const message = again.panel.getByTestId('restored-edits');
    await message.waitFor();
    expect(await message.innerText()).toMatch(/the story you were pasting is in its box/);
    expect(await again.panel.getByLabel('Story', { exact: true }).inputValue()).toBe(STORY_TEXT);
    await fillFromPastedStory(again.panel);
    expect(await again.panel.getByLabel('Persona', { exact: true }).inputValue()).toBe('returning shopper');
    await again.page.waitForTimeout(300);
    await again.page.close();

    // Used: the fields come back, the box stays closed.
    const used = await openPanel('admin', key);
    await used.panel.getByTestId('restored-edits').waitFor();
    expect(await used.panel.getByLabel('Story', { exact: true }).count()).toBe(0);
    expect(await used.panel.getByLabel('Persona', { exact: true }).inputValue()).toBe('returning shopper');
    await used.panel.getByRole('button', { name: 'Discard my changes' }).click();
    expect(await used.panel.getByLabel('Persona', { exact: true }).inputValue()).toBe('');
    await used.page.close();
    const after = await openPanel('admin', key);
    expect(await after.panel.getByTestId('restored-edits').count()).toBe(0);
    await after.page.close();
  });
});

describe('unsaved edits: what they no longer fit', () => {
  // An outcome chosen and left unsaved, abandoned since: the panel no longer offers it, so the select could not
  // show it. The saved link stands and the message says why. Undoing the other edits by hand takes it away.
  it('brings back the saved link, saying so, where the outcome chosen then is no longer offered', async () => {
    const key = newIssue('Shoppers reorder from the app');
    const asAdmin = (functionKey: string, payload: unknown) =>
      wb.app.invoke('outcome-lens-project-page', functionKey, payload, {
        user: 'admin',
        projectKey: 'DEMO',
      }) as Promise<{ ok: boolean; data: { id: string; version: number }; error?: { message: string } }>;
    const created = await asAdmin('createOutcome', {
      draft: {
        name: freshName('Reorders grow'),
        metric: 'reorders a week',
        baseline: 10,
        target: 20,
        direction: 'increase',
        dueDate: DUE_DATE_AHEAD,
      },
    });
    expect(created.error?.message).toBeUndefined();
    const first = await openPanel('admin', key);
    await chooseByKeyboard(first.page, first.panel, 'Outcome', /^Reorders grow/);
    expect(await first.panel.locator('input[name="ol-outcomeId"]').inputValue()).toBe(created.data.id);
    await first.panel.getByLabel('Metric', { exact: true }).fill('reorders a week');
    await first.page.waitForTimeout(300);
    await first.page.close();
    const abandoned = await asAdmin('archiveOutcome', {
      id: created.data.id,
      version: created.data.version,
      status: 'abandoned',
    });
    expect(abandoned.error?.message).toBeUndefined();

    const last = await openPanel('admin', key);
    const message = last.panel.getByTestId('restored-edits');
    await message.waitFor();
    expect(await message.innerText()).toMatch(/The outcome you had chosen is no longer offered/);
    expect(await last.panel.locator('input[name="ol-outcomeId"]').inputValue()).toBe('');
    expect(await last.panel.getByLabel('Metric', { exact: true }).inputValue()).toBe('reorders a week');
    // The one edit left, undone by hand: nothing is back any more, and the message goes.
    await last.panel.getByLabel('Metric', { exact: true }).fill('');
    await message.waitFor({ state: 'detached' });
    await last.page.close();
  });
});

describe('unsaved edits: when they were left', () => {
  // A person edits the Metric on an issue on Monday and leaves without saving. On Thursday they open the issue:
  // "You left this issue at <Monday> without saving" (right). They close it again without doing anything, and
  // reopen it a minute later: now it says they left it at <Thursday, the minute they merely looked>. Merely
  // opening the issue rewrites the kept time (and so also restarts the fortnight after which kept edits are
  // dropped). It should keep saying when the edits were made.
  it('keeps saying when the edits were made, however often the issue is opened', async () => {
    const key = newIssue('Shoppers keep a wish list');
    const first = await openPanel('admin', key);
    await first.panel.getByLabel('Metric', { exact: true }).fill('wish lists created');
    await first.page.waitForTimeout(300);
    // Three days ago, as if the edit had been made then: the kept entry's time is moved back in the browser.
    const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000).toISOString();
    await first.panel.evaluate(
      ([k, at]) => {
        const slot = Object.keys(localStorage).find(
          (s) => s.startsWith('outcome-lens:unsaved:') && s.includes(`:${k}:`),
        )!;
        const kept = JSON.parse(localStorage.getItem(slot)!) as { at: string };
        kept.at = at;
        localStorage.setItem(slot, JSON.stringify(kept));
      },
      [key, threeDaysAgo] as const,
    );
    // The tab is closed from the outside, as a person closes it: the panel's own effect does not run again.
    await first.page.close();
    const minute = `${threeDaysAgo.slice(0, 16).replace('T', ' ')} UTC`;

    const look = await openPanel('admin', key);
    const said = async (frame: Frame) =>
      (await frame.getByTestId('restored-edits').innerText()).replace(/\s+/g, ' ');
    await look.panel.getByTestId('restored-edits').waitFor();
    expect(await said(look.panel)).toContain(`You left this issue at ${minute}`);
    await look.page.close();

    const again = await openPanel('admin', key);
    await again.panel.getByTestId('restored-edits').waitFor();
    // Before the mend: "You left this issue at <now> without saving".
    expect(await said(again.panel)).toContain(`You left this issue at ${minute}`);
    await again.page.close();
  });
});

describe('Kill review dialogs', () => {
  // A person presses Confirm kill with no reason: "reason" is refused at the field. They type a reason. The
  // error stays under the field (and the field stays aria-invalid) while they type, as if the reason they wrote
  // were still missing, until they submit again. It should go once the field is changed, as the issue panel's do.
  it('clears the reason’s refusal once the reason is changed', async () => {
    const key = zombies[0]!;
    const { page, dialog } = await openDecision('Kill', key);
    await dialog.getByRole('button', { name: 'Confirm kill' }).click();
    await dialog.locator('[id$="-reason-error"]').first().waitFor();
    const reason = dialog.getByLabel('Why (goes into the decision log)');
    await reason.pressSequentially('Nobody asked for it in a year');
    await page.waitForTimeout(300);
    // Before the mend: the error text is still shown and aria-invalid is "true".
    await eventually(async () => expect(await dialog.locator('[id$="-reason-error"]').count()).toBe(0), {
      timeout: 2_000,
    });
    await page.close();
  });
  // Forge sizes the page's frame to its content, so the queue runs below the fold: a person scrolls to a zombie
  // near the bottom of the window and presses Keep, and the dialog opens just above that button. They press
  // Confirm keep with no reason. Before the mend the refusal, shown at the top of the dialog, pushed the dialog's
  // buttons down by its own height, under the button they came from and off the bottom of the window. The
  // dialog should grow upwards, its buttons staying where they were pressed.
  it('keeps its buttons where they were pressed when a refusal makes it taller', async () => {
    const { page, frame } = await openProjectPage(wb);
    await frame.getByRole('tab', { name: 'Kill review' }).click();
    const listed = frame.getByRole('list', { name: 'Zombie queue' }).locator('[data-testid^="zombie-"]');
    await listed.first().waitFor({ timeout: 30_000 });
    // The last zombie listed: far enough down the frame for the dialog to fit above it.
    const key = ((await listed.last().getAttribute('data-testid')) ?? '').replace('zombie-', '');
    const keep = frame.getByTestId(`zombie-${key}`).getByRole('button', { name: `Keep ${key}` });
    const windowHeight = await page.evaluate(() => window.innerHeight);
    const start = (await keep.boundingBox())!;
    await page.evaluate((by) => window.scrollBy(0, by), start.y + start.height - (windowHeight - 24));
    const opener = (await keep.boundingBox())!;
    await keep.click();
    const dialog = frame.getByRole('dialog', { name: `Keep ${key}` });
    const confirm = dialog.getByRole('button', { name: 'Confirm keep' });
    await confirm.waitFor();
    const placed = await settledBox(dialog);
    const pressedAt = await settledBox(confirm);
    // Placed above the Keep button, inside the window.
    expect(placed.y + placed.height).toBeLessThanOrEqual(opener.y + 1);
    expect(pressedAt.y + pressedAt.height).toBeLessThanOrEqual(windowHeight);

    await confirm.click();
    await dialog.getByText('Nothing was changed').waitFor({ timeout: 30_000 });
    const grown = await settledBox(dialog);
    const after = await settledBox(confirm);
    expect(grown.height).toBeGreaterThan(placed.height + 20);
    // Before the mend: the button is lower by the refusal's height, below the window.
    expect(Math.abs(after.y - pressedAt.y)).toBeLessThanOrEqual(2);
    expect(after.y + after.height).toBeLessThanOrEqual(windowHeight);
    await page.close();
  });

  // A person writes why an item should stay, then presses Escape to look at the item's card behind the dialog (or
  // clicks beside it). Before the mend the dialog closed and the reason was gone: opened again, it was empty.
  it('sets what was typed aside when the dialog is closed undecided, and brings it back when it opens again', async () => {
    const key = zombies[2]!;
    const { page, frame, dialog } = await openDecision('Keep', key);
    const why = 'The spring campaign needs it; its sign-ups are measured from March';
    const snooze = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10);
    const snoozeField = dialog.getByLabel('Snooze until');
    await snoozeField.click();
    await snoozeField.pressSequentially(snooze);
    await snoozeField.press('Enter');
    await dialog.getByLabel('Why (goes into the decision log)').fill(why);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    const keep = frame.getByTestId(`zombie-${key}`).getByRole('button', { name: `Keep ${key}` });
    await keep.click();
    expect(await dialog.getByLabel('Why (goes into the decision log)').inputValue()).toBe(why);
    expect((await dialog.innerText()).replace(/\s+/g, ' ')).toContain(`Snooze until ${snooze}`);
    // Cancel sets it aside too; another kind of decision starts empty.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await frame
      .getByTestId(`zombie-${key}`)
      .getByRole('button', { name: `Kill ${key}` })
      .click();
    const kill = frame.getByRole('dialog', { name: `Kill ${key}` });
    expect(await kill.getByLabel('Why (goes into the decision log)').inputValue()).toBe('');
    await kill.getByRole('button', { name: 'Cancel' }).click();
    await kill.waitFor({ state: 'detached' });
    await keep.click();
    expect(await dialog.getByLabel('Why (goes into the decision log)').inputValue()).toBe(why);
    // Confirmed, the reason is what the decision log keeps.
    await dialog.getByRole('button', { name: 'Confirm keep' }).click();
    await dialog.waitFor({ state: 'detached', timeout: 30_000 });
    const log = await asProjectAdmin<DecisionLogData>(wb, R.decisionLog, { limit: 500 });
    if (!log.ok) throw new Error(log.error.message);
    expect(log.data.entries.filter((e) => e.issueKey === key)).toEqual([
      expect.objectContaining({ kind: 'keep', reason: why, snoozeUntil: snooze }),
    ]);
    await page.close();
  });

  // A reason typed for a bulk Kill of two items, set aside, was offered again when the bulk Kill opened for other
  // items: confirmed, it would have gone into the log of every one of them.
  it('brings a bulk decision’s reason back for the same selection only', async () => {
    const { page, frame } = await openProjectPage(wb);
    await frame.getByRole('tab', { name: 'Kill review' }).click();
    const listed = frame.getByRole('list', { name: 'Zombie queue' }).locator('[data-testid^="zombie-"]');
    await listed.first().waitFor({ timeout: 30_000 });
    const keys = (await listed.evaluateAll((items) => items.map((i) => i.getAttribute('data-testid')))).map(
      (id) => id!.replace('zombie-', ''),
    );
    const select = (key: string) => frame.getByRole('checkbox', { name: `Select ${key}` }).check();
    await select(keys[3]!);
    await select(keys[4]!);
    const why = 'Both were replaced by the new returns flow';
    const reason = () => frame.getByRole('dialog').getByLabel("Why (goes into each item's decision log row)");
    await frame.getByRole('button', { name: 'Kill 2 selected' }).click();
    await reason().fill(why);
    await page.keyboard.press('Escape');
    await frame.getByRole('dialog').waitFor({ state: 'detached' });
    await frame.getByRole('button', { name: 'Kill 2 selected' }).click();
    expect(await reason().inputValue()).toBe(why);
    await page.keyboard.press('Escape');
    await frame.getByRole('dialog').waitFor({ state: 'detached' });
    await select(keys[5]!);
    await frame.getByRole('button', { name: 'Kill 3 selected' }).click();
    expect(await reason().inputValue()).toBe('');
    await page.keyboard.press('Escape');
    await page.close();
  });

  // Jira is slow. A person confirms a Kill, waits, changes their mind and presses Escape (or Cancel, which stays
  // enabled): the dialog closes at once, as if Escape or Cancel had recorded nothing, and focus
  // goes back to the Kill button. But the kill goes on: seconds later the issue is closed as Won't Do with a
  // comment and a log row. While the decision is under way the dialog should stay open with Cancel off (as the
  // app's ConfirmDialog does when busy), or Escape should not read as a cancel.
  it('stays open, with Cancel off, while a slow Kill is under way: Escape does not look like a cancel', async () => {
    const key = zombies[1]!;
    const { page, dialog } = await openDecision('Kill', key);
    await dialog.getByLabel('Why (goes into the decision log)').fill('Nobody has asked for this in a year');
    // Slow enough that the Escape below comes while the Kill is under way; at 3 s a call its eight or so calls came
    // within a busy machine's reach of a resolver's 25 s, after which the answer is an error and the dialog stays.
    const fault = wb.app.jira.faults.inject({ kind: 'latency', ms: 2_000 });
    try {
      await dialog.getByRole('button', { name: 'Confirm kill' }).click();
      await page.waitForTimeout(500);
      // Still under way: the button says so and the issue is not closed yet.
      expect(await dialog.getByRole('button', { name: 'Confirm kill' }).isDisabled()).toBe(true);
      expect(wb.app.jira.store.getIssue(key)!.statusCategory).not.toBe('done');
      await page.keyboard.press('Escape');
      await page.waitForTimeout(500);
      const dialogOpen = await dialog.isVisible();
      const cancelOff = await dialog.getByRole('button', { name: 'Cancel' }).isDisabled();
      await eventually(() => expect(wb.app.jira.store.getIssue(key)!.statusCategory).toBe('done'), {
        timeout: 20_000,
      });
      // Before the mend: the dialog is gone after Escape, and the issue is then closed (done).
      expect({ dialogOpenAfterEscape: dialogOpen, cancelOff }).toEqual({
        dialogOpenAfterEscape: true,
        cancelOff: true,
      });
      // The decision's answer closes the dialog: nothing of it is left running when the test ends.
      await dialog.waitFor({ state: 'detached', timeout: 30_000 });
    } finally {
      wb.app.jira.faults.clear(fault);
      await page.close();
    }
  });
});
