/**
 * A save refused at a text field, in a real browser: the refusal names what is actually wrong with the value (a
 * flag label too long for Jira is refused for its length, not for spaces it does not have), and it goes as soon
 * as the person changes that field's value, as a number field's does, instead of staying red over a value no save
 * has judged yet. One workbench, an empty project DEMO.
 */
import type { Frame } from 'playwright-core';
import { eventually, type BrowserWorkbench } from '../support/browser';
import { openSettings, startSettingsWorkbench } from '../support/settings-page';

jest.setTimeout(120_000);

const FLAG_LABEL = 'Add this label (blank: none)';
const RESOLUTION = 'Resolution';

let wb: BrowserWorkbench;

beforeAll(async () => {
  wb = await startSettingsWorkbench();
});
afterAll(async () => wb?.close());

const save = (frame: Frame) => frame.getByRole('button', { name: 'Save settings' }).click();

/** The text of a field's error, read through its aria-describedby as a screen reader would; null when it has none. */
async function errorOf(frame: Frame, label: string): Promise<string | null> {
  const field = frame.getByLabel(label, { exact: true });
  if ((await field.getAttribute('aria-invalid')) !== 'true') return null;
  const id = `${await field.getAttribute('id')}-error`;
  expect(await field.getAttribute('aria-describedby')).toContain(id);
  return (await frame.locator(`[id="${id}"]`).innerText()).trim();
}

/** Waits for the save's refusal at the field, and returns it. */
async function refusalAt(frame: Frame, label: string): Promise<string> {
  await frame.getByTestId('settings-message').getByText('Not saved').waitFor();
  return eventually(async () => {
    const error = await errorOf(frame, label);
    expect(error).not.toBeNull();
    return error!;
  });
}

describe('a flag label Jira could not take', () => {
  // An admin pastes a 300-character label and saves. Before the mend the page said "A Jira label cannot contain
  // spaces or commas." of a label that has neither: the person looks for a space that is not there. What should
  // happen: the refusal says the label is 300 characters long, over Jira's limit of 255.
  it('is refused for its length when it is too long, and for its space when it has one', async () => {
    const { page, frame } = await openSettings(wb);
    const label = frame.getByLabel(FLAG_LABEL, { exact: true });
    await label.fill('x'.repeat(300));
    await save(frame);
    const tooLong = await refusalAt(frame, FLAG_LABEL);
    expect(tooLong).toMatch(/is 300 characters long, over the limit of 255/);
    expect(tooLong).not.toMatch(/space|comma/);

    await label.fill('needs review');
    await save(frame);
    await eventually(async () =>
      expect(await errorOf(frame, FLAG_LABEL)).toMatch(
        /^Flag label "needs review" has a space: Jira labels cannot hold spaces.*"needs-review"/,
      ),
    );
    await page.close();
  });
});

describe('a refusal at a text field', () => {
  // An admin saves the flag label "has space" and is refused at the field, then types "zombie" and has not saved
  // yet. Before the mend the field stayed red under the old message, as if "zombie" were refused too. What should
  // happen: the refusal goes with the value it was about; the next save judges the new one.
  it('goes once the flag label is changed, before any save', async () => {
    const { page, frame } = await openSettings(wb);
    const label = frame.getByLabel(FLAG_LABEL, { exact: true });
    await label.fill('has space');
    await save(frame);
    expect(await refusalAt(frame, FLAG_LABEL)).toMatch(/has a space/);
    await label.fill('zombie');
    await eventually(async () => expect(await errorOf(frame, FLAG_LABEL)).toBeNull());
    expect(await label.getAttribute('aria-invalid')).toBeNull();
    expect(await frame.locator('[id="flag-label-error"]').count()).toBe(0);
    await page.close();
  });

  // The same with the kill decision's Resolution: 300 characters refused, then "Won't Do" typed.
  it('goes once the kill resolution is changed, and the field keeps other fields’ refusals', async () => {
    const { page, frame } = await openSettings(wb);
    const label = frame.getByLabel(FLAG_LABEL, { exact: true });
    const resolution = frame.getByLabel(RESOLUTION, { exact: true });
    await label.fill('has space');
    await resolution.fill('r'.repeat(300));
    await save(frame);
    expect(await refusalAt(frame, RESOLUTION)).toMatch(/255/);
    expect(await refusalAt(frame, FLAG_LABEL)).toMatch(/has a space/);
    await resolution.fill("Won't Do");
    await eventually(async () => expect(await errorOf(frame, RESOLUTION)).toBeNull());
    // Only the field changed loses its refusal: the flag label still holds the value refused.
    expect(await errorOf(frame, FLAG_LABEL)).toMatch(/has a space/);
    await page.close();
  });

  // A per-issue-type cell refused by the save is a field too: a new value there drops its refusal.
  it('goes once a per-type cell is changed', async () => {
    const { page, frame } = await openSettings(wb);
    await frame.getByRole('button', { name: 'Add an issue type' }).click();
    await frame.getByLabel('Issue type of row 1', { exact: true }).fill('Bug');
    const idle = 'Max idle days for Bug';
    await frame.getByLabel(idle, { exact: true }).fill('0');
    await save(frame);
    expect(await refusalAt(frame, idle)).toMatch(/Max idle days/);
    await frame.getByLabel(idle, { exact: true }).fill('30');
    await eventually(async () => expect(await errorOf(frame, idle)).toBeNull());
    await page.close();
  });
});
