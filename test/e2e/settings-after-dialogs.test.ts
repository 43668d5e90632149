/**
 * The settings page after its dialogs, in a real browser: the one-time token's dialog hands the keyboard back to
 * Make token when it closes, and is not closed by Escape or a click outside while its secret is not copied; the
 * reset's confirmation hands it to the message saying the settings were reset; and a calibration without enough
 * history says so once. One workbench, an empty project DEMO (too little history to propose a limit).
 */
import type { Frame } from 'playwright-core';
import { clickBesideDialog, eventually, freshName, type BrowserWorkbench } from '../support/browser';
import { openSettings, SETTINGS_FRAME, startSettingsWorkbench } from '../support/settings-page';

jest.setTimeout(120_000);

let wb: BrowserWorkbench;

beforeAll(async () => {
  wb = await startSettingsWorkbench();
});
afterAll(async () => wb?.close());

/** What has the keyboard in the frame: its id and text, or "body" when nothing does. */
const focused = (frame: Frame) =>
  frame.evaluate(() =>
    document.activeElement === document.body
      ? 'body'
      : `${document.activeElement?.id ?? ''}:${document.activeElement?.textContent ?? ''}`,
  );

describe('the one-time token dialog', () => {
  // An admin names a token and presses Make token; the secret is shown once. Before the mend, Done left the
  // keyboard on the page's body (Make token had been off while the token was made), and Escape, pressed by habit,
  // closed the dialog without a word: the only sight of the secret was gone.
  it('stays open on Escape and a click outside while the secret is not copied, and Done hands focus to Make token', async () => {
    const { page, frame } = await openSettings(wb);
    // A name of its own, so a second try (after a failed first) can make the token again.
    const name = freshName('nightly CI');
    await frame.getByLabel("New token's name").fill(name);
    await frame.getByTestId('create-token').click();
    const shown = frame.getByTestId('new-token');
    await shown.waitFor();
    const secret = (await shown.innerText()).trim();
    const dialog = frame.getByRole('dialog', { name: `Copy the token "${name}" now` });
    await dialog.waitFor();

    // A click outside the dialog, on the blanket beside it.
    await clickBesideDialog(page, dialog, SETTINGS_FRAME);
    // Only the blanket and Escape ask the dialog to close: it stays, and says why.
    const keptOpen = frame.getByTestId('new-token-kept-open');
    await keptOpen.waitFor();
    expect(await keptOpen.getAttribute('role')).toBe('alert');
    expect(await keptOpen.innerText()).toMatch(/not copied yet[\s\S]*cannot be shown again/);
    // Escape, pressed by habit, leaves it open too, the secret still in it.
    await page.keyboard.press('Escape');
    await page.waitForTimeout(500);
    expect(await dialog.isVisible()).toBe(true);
    expect((await shown.innerText()).trim()).toBe(secret);

    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'detached' });
    await eventually(async () => expect(await focused(frame)).toBe('create-token:Make token'));
    await page.close();
  });

  // Once the secret is copied nothing is lost by leaving: Escape closes the dialog, and focus goes back as Done's.
  it('closes on Escape once the secret is copied', async () => {
    const { page, frame } = await openSettings(wb);
    // The frame's clipboard, so Copy succeeds as it does for a person.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: wb.server.url });
    const name = freshName('deploy job');
    await frame.getByLabel("New token's name").fill(name);
    await frame.getByTestId('create-token').click();
    const dialog = frame.getByRole('dialog', { name: `Copy the token "${name}" now` });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Copy' }).click();
    await dialog.getByRole('button', { name: 'Copied' }).waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await frame.getByTestId('new-token-kept-open').count()).toBe(0);
    await eventually(async () => expect(await focused(frame)).toBe('create-token:Make token'));
    await page.close();
  });
});

describe('a reset confirmed', () => {
  // Before the mend, once the dialog had gone the keyboard landed in the first field, "Hypothesis complete": a
  // screen reader said nothing of the reset. What should happen: it lands on the message that says it happened.
  it('hands the keyboard to the message that says the settings were reset', async () => {
    const { page, frame } = await openSettings(wb);
    await frame.getByRole('button', { name: 'Reset to defaults' }).click();
    const dialog = frame.getByRole('dialog', { name: 'Reset all settings to the defaults?' });
    await dialog.getByRole('button', { name: 'Reset settings' }).click();
    await dialog.waitFor({ state: 'detached' });
    const message = frame.getByTestId('settings-message');
    await message.getByText('Settings reset to the defaults.').waitFor();
    await eventually(async () =>
      expect(await message.evaluate((m) => m.parentElement!.contains(document.activeElement))).toBe(true),
    );
    // And it stays there: nothing hands it on after the dialog's own focus handling.
    await page.waitForTimeout(500);
    expect(await message.evaluate((m) => m.parentElement!.contains(document.activeElement))).toBe(true);
    await page.close();
  });
});

describe('a calibration with too little history', () => {
  // Before the mend the warning's title and its text both began "Too little history:".
  it('says so once, the title saying what follows', async () => {
    const { page, frame } = await openSettings(wb);
    const section = frame.getByRole('region', { name: 'Calibrate from history' });
    await section.getByRole('button', { name: 'Calibrate from history' }).click();
    await section.getByText(/Keep the current limit of 60 days/).waitFor({ timeout: 60_000 });
    const text = await section.innerText();
    expect(text.match(/Too little history/g)).toHaveLength(1);
    expect(text).toContain('No proposal: the current settings stay');
    expect(text).toMatch(/As of \d{4}-\d\d-\d\d: 0 issues read, 0 open today/);
    await page.close();
  });
});
