/**
 * Two administrators edit the settings at once, in a real browser: the second Save is refused as stale, and the
 * page offers to load the newer settings with the person's own changes kept on top, saying which of the other
 * person's values theirs replace, so the next Save goes on top of the newer version knowingly. A Reset refused
 * the same way says nothing was reset and, once the newer settings are loaded, that Reset is to be pressed again.
 */
import type { Frame } from 'playwright-core';
import { eventually, type BrowserWorkbench } from '../support/browser';
import { openSettings, startSettingsWorkbench } from '../support/settings-page';
import { kvs } from '@forge/kvs';
import { runInInvocation } from '../../workbench/forge/runtime';
import { keys } from '../../src/storage/keys';
import { demoUser } from '../../workbench/users';

jest.setTimeout(120_000);

const SHARE = 'Epic link counts (0–1)';
const MAX_IDLE = 'Max idle days';
const DRY_RUN = 'Dry run: the scan shows what it would do and writes nothing';

let wb: BrowserWorkbench;

beforeAll(async () => {
  wb = await startSettingsWorkbench();
  // A second administrator: the demo's member, given the project's administration.
  wb.app.jira.store.grant('DEMO', demoUser('member')!.accountId, ['ADMINISTER_PROJECTS']);
});
afterAll(async () => wb?.close());

const save = (frame: Frame) => frame.getByRole('button', { name: 'Save settings' }).click();
const field = (frame: Frame, label: string) => frame.getByLabel(label, { exact: true });
/** Whether the keyboard is on the page's message (its wrapper), not on the body that holds everything. */
const keyboardOnMessage = (frame: Frame) =>
  frame.evaluate(() => {
    const at = document.activeElement;
    return !!at && at !== document.body && !!at.querySelector('[data-testid="settings-message"]');
  });

describe('a settings save that another saved before', () => {
  it('loads the newer settings with my changes kept on top, says which of theirs mine replace, and saves on top', async () => {
    const mine = await openSettings(wb);
    const theirs = await openSettings(wb, 'member');

    await field(theirs.frame, MAX_IDLE).fill('45');
    await field(theirs.frame, DRY_RUN).check();
    await save(theirs.frame);
    await theirs.frame.getByTestId('settings-message').getByText('Settings saved.').waitFor();
    await theirs.page.close();

    await field(mine.frame, MAX_IDLE).fill('30');
    await field(mine.frame, SHARE).fill('0.25');
    await save(mine.frame);
    const message = mine.frame.getByTestId('settings-message');
    await message.getByText(/Someone else saved these settings/).waitFor();
    // Said at the top of the form, far above Save settings: the keyboard, and with it the view, go to it.
    await eventually(async () => expect(await keyboardOnMessage(mine.frame)).toBe(true));
    // Nothing I typed is gone, and the page offers the way on.
    expect(await field(mine.frame, MAX_IDLE).inputValue()).toBe('30');
    expect(await field(mine.frame, DRY_RUN).isChecked()).toBe(false);
    const loadLatest = message.getByRole('button', { name: 'Load the latest settings' });
    await loadLatest.click();

    // Their change I did not touch comes in; mine stay in the form.
    await eventually(async () => expect(await field(mine.frame, DRY_RUN).isChecked()).toBe(true));
    expect(await field(mine.frame, MAX_IDLE).inputValue()).toBe('30');
    expect(await field(mine.frame, SHARE).inputValue()).toBe('0.25');
    const told = await message.innerText();
    expect(told).toContain('Your changes are kept on top of them: Epic link counts, Max idle days.');
    expect(told).toContain('Max idle days: they saved 45; yours, 30, replaces it when you save.');
    expect(told).toContain('Their other changes are in the form: Dry run.');
    expect(await mine.frame.getByTestId('settings-version').innerText()).toMatch(/^Saved once, /);
    // The button pressed went with the old message: the keyboard is on the new one, not lost at the top.
    await eventually(async () => expect(await keyboardOnMessage(mine.frame)).toBe(true));

    await save(mine.frame);
    await message.getByText('Settings saved.').waitFor();
    expect(await mine.frame.getByTestId('settings-version').innerText()).toMatch(/^Saved 2 times, /);
    await mine.page.close();

    const after = await openSettings(wb);
    expect(await field(after.frame, MAX_IDLE).inputValue()).toBe('30');
    expect(await field(after.frame, SHARE).inputValue()).toBe('0.25');
    expect(await field(after.frame, DRY_RUN).isChecked()).toBe(true);
    await after.page.close();
  });

  // An administrator edits the settings in two tabs and saves the first. Before the mend the second tab's Save
  // said "Someone else saved these settings", and then "they saved 45": it was the person themselves.
  it('tells an administrator whose other tab saved first that it was their own save', async () => {
    const here = await openSettings(wb);
    const other = await openSettings(wb);
    await field(other.frame, MAX_IDLE).fill('21');
    await field(other.frame, DRY_RUN).setChecked(!(await field(other.frame, DRY_RUN).isChecked()));
    await save(other.frame);
    await other.frame.getByTestId('settings-message').getByText('Settings saved.').waitFor();
    await other.page.close();

    await field(here.frame, MAX_IDLE).fill('22');
    await save(here.frame);
    const message = here.frame.getByTestId('settings-message');
    await message
      .getByText(/^You saved these settings in another tab or window while you were editing here\./)
      .waitFor();
    expect(await message.innerText()).not.toMatch(/Someone else/);
    await message.getByRole('button', { name: 'Load the latest settings' }).click();
    await message.getByText('Newer settings loaded').waitFor();
    const told = await message.innerText();
    expect(told).toContain(
      "Max idle days: your other tab saved 21; this one's, 22, replaces it when you save.",
    );
    expect(told).toContain("Your other tab's other changes are in the form: Dry run.");
    expect(told).not.toMatch(/they saved|Their other/);
    await here.page.close();
  });
});

describe('a reset that another saved before', () => {
  it('says nothing was reset, loads theirs as saved, and says to press Reset again, which then resets', async () => {
    const mine = await openSettings(wb);
    const theirs = await openSettings(wb, 'member');
    const before = await mine.frame.getByTestId('settings-version').innerText();

    await field(theirs.frame, MAX_IDLE).fill('50');
    await save(theirs.frame);
    await theirs.frame.getByTestId('settings-message').getByText('Settings saved.').waitFor();
    await theirs.page.close();

    const reset = async () => {
      await mine.frame.getByRole('button', { name: 'Reset to defaults' }).click();
      const dialog = mine.frame.getByRole('dialog', { name: 'Reset all settings to the defaults?' });
      await dialog.getByRole('button', { name: 'Reset settings' }).click();
      await dialog.waitFor({ state: 'hidden' });
    };
    await reset();
    const message = mine.frame.getByTestId('settings-message');
    await message.getByText(/nothing was reset/).waitFor();
    const refused = await message.innerText();
    expect(refused).toContain('Not reset');
    expect(refused).toContain('Someone else saved these settings after you opened the page');
    expect(refused).toContain('press Reset to defaults again');
    // Not the Save wording: a Save after loading theirs would store theirs, not the defaults.
    expect(refused).not.toMatch(/save again|still in the form/i);
    expect(await mine.frame.getByTestId('settings-version').innerText()).toBe(before);

    await message.getByRole('button', { name: 'Load the latest settings' }).click();
    await eventually(async () => expect(await field(mine.frame, MAX_IDLE).inputValue()).toBe('50'));
    const loaded = await message.innerText();
    expect(loaded).toContain('Nothing was reset: press Reset to defaults again to reset them.');
    expect(loaded).not.toMatch(/when you save|press Save settings/);

    await reset();
    await message.getByText('Settings reset to the defaults.').waitFor();
    expect(await field(mine.frame, MAX_IDLE).inputValue()).toBe('60');
    await mine.page.close();
  });
});

describe('a save whose settings were put back since the page loaded', () => {
  it('says the stored settings went back, not that someone else saved', async () => {
    const mine = await openSettings(wb);
    // Saved once, then put back to no settings at all (the record removed), as a restore or a cleanup would.
    await field(mine.frame, MAX_IDLE).fill('33');
    await save(mine.frame);
    const message = mine.frame.getByTestId('settings-message');
    await message.getByText('Settings saved.').waitFor();
    await runInInvocation({ accountId: null, moduleKey: 'test', installContext: wb.app.installContext }, () =>
      kvs.delete(keys.settings('DEMO')),
    );
    await field(mine.frame, MAX_IDLE).fill('34');
    await save(mine.frame);
    // The version the page shows depends on the saves before this test; what is stored now is none.
    await message
      .getByText(/^This page shows version \d+ of the settings, but version 0 is stored now/)
      .waitFor();
    expect(await message.innerText()).not.toMatch(/Someone else saved/);
    await mine.page.close();
  });
});
