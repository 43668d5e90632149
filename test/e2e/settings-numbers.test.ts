/**
 * Typed numbers on the settings page, in a real browser: a field keeps what is typed key by key (a decimal
 * point, a cleared field), says at the field when it is not a number or not a whole one, and reads and shows
 * numbers with the decimal mark of the person's language.
 */
import type { Frame } from 'playwright-core';
import type { BrowserWorkbench } from '../support/browser';
import { openSettings, startSettingsWorkbench } from '../support/settings-page';

jest.setTimeout(120_000);

const SHARE = 'Epic link counts (0–1)';
const MIN_SCORE = 'Minimum score (0–100)';
const MAX_IDLE = 'Max idle days';
const QUOTA_SHARE = 'Share of the hourly Jira quota (0.05–1)';

let wb: BrowserWorkbench;

beforeAll(async () => {
  wb = await startSettingsWorkbench();
});
afterAll(async () => wb?.close());

const save = (frame: Frame) => frame.getByRole('button', { name: 'Save settings' }).click();
const message = (frame: Frame) => frame.getByTestId('settings-message');

/** The text of a field's error, read through its aria-describedby as a screen reader would. */
async function errorOf(frame: Frame, label: string): Promise<string> {
  const field = frame.getByLabel(label, { exact: true });
  expect(await field.getAttribute('aria-invalid')).toBe('true');
  const id = `${await field.getAttribute('id')}-error`;
  expect(await field.getAttribute('aria-describedby')).toContain(id);
  return (await frame.locator(`[id="${id}"]`).innerText()).trim();
}

describe('typed numbers in settings', () => {
  it('keeps a decimal and a cleared field as typed, and says at the field what is not a (whole) number', async () => {
    const { page, frame } = await openSettings(wb);
    const share = frame.getByLabel(SHARE, { exact: true });
    expect(await share.inputValue()).toBe('0.5');
    // Select the 0.5 and type over it a key at a time: "0." on the way to "0.75" must survive.
    await share.selectText();
    await share.pressSequentially('0.75');
    expect(await share.inputValue()).toBe('0.75');

    const minScore = frame.getByLabel(MIN_SCORE, { exact: true });
    await minScore.selectText();
    await minScore.pressSequentially('6.5');
    expect(await minScore.inputValue()).toBe('6.5');
    // A whole-number field refuses the fraction, at the field, as it is typed.
    expect(await errorOf(frame, MIN_SCORE)).toBe('Minimum score must be a whole number.');

    const idle = frame.getByLabel(MAX_IDLE, { exact: true });
    await idle.selectText();
    await page.keyboard.press('Backspace');
    expect(await idle.inputValue()).toBe('');
    await idle.pressSequentially('4');
    expect(await idle.inputValue()).toBe('4');
    await idle.fill('soon');
    expect(await errorOf(frame, MAX_IDLE)).toBe('Max idle days must be a number.');
    expect(await frame.locator('body').innerText()).not.toContain('NaN');

    // A cleared field is refused on Save, at the field, and nothing is sent.
    await idle.fill('');
    await minScore.fill('65');
    await save(frame);
    await message(frame).getByText('Some settings need attention.').waitFor();
    expect(await errorOf(frame, MAX_IDLE)).toBe('Max idle days must be a number.');
    expect(await frame.getByTestId('settings-version').innerText()).toBe('Defaults, never saved');
    expect(await frame.locator('body').innerText()).not.toContain('NaN');

    await idle.pressSequentially('45');
    await save(frame);
    await message(frame).getByText('Settings saved.').waitFor();
    await page.close();

    const again = await openSettings(wb);
    expect(await again.frame.getByLabel(SHARE, { exact: true }).inputValue()).toBe('0.75');
    expect(await again.frame.getByLabel(MIN_SCORE, { exact: true }).inputValue()).toBe('65');
    expect(await again.frame.getByLabel(MAX_IDLE, { exact: true }).inputValue()).toBe('45');
    await again.page.close();
  });

  it('reads and shows numbers with a decimal comma in de-DE', async () => {
    const { page, frame } = await openSettings(wb, 'admin', '?locale=de-DE');
    expect(await frame.getByLabel(SHARE, { exact: true }).inputValue()).toBe('0,75');
    const quota = frame.getByLabel(QUOTA_SHARE, { exact: true });
    expect(await quota.inputValue()).toBe('0,5');
    await quota.selectText();
    await quota.pressSequentially('0,4');
    expect(await quota.inputValue()).toBe('0,4');
    await frame.getByText("The scan spends up to 40% of the app's hourly Jira points").waitFor();
    expect(await quota.getAttribute('aria-invalid')).toBeNull();
    await frame.getByLabel(SHARE, { exact: true }).fill('0,25');
    await save(frame);
    await message(frame).getByText('Settings saved.').waitFor();
    await page.close();

    // Stored as numbers: a point in English, a comma again in German.
    const english = await openSettings(wb);
    expect(await english.frame.getByLabel(QUOTA_SHARE, { exact: true }).inputValue()).toBe('0.4');
    expect(await english.frame.getByLabel(SHARE, { exact: true }).inputValue()).toBe('0.25');
    await english.page.close();
    const german = await openSettings(wb, 'admin', '?locale=de-DE');
    expect(await german.frame.getByLabel(QUOTA_SHARE, { exact: true }).inputValue()).toBe('0,4');
    await german.page.close();
  });
});
