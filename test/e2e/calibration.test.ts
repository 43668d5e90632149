/**
 * Calibration on the settings page in a real browser: an admin presses "Calibrate from history" on a project
 * with two and a half years of history (imported), the running workbench delivers the job's queue events as
 * Forge would, the proposal appears, and the threshold preview (figures and picture) is redrawn as the admin
 * types another idle limit. (Jira shows project settings to administrators only; what a viewer may read of a
 * calibration is held by test/integration/calibration.test.ts.)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { buildSurface } from '../../scripts/build-static';
import { importIssues } from '../../workbench/import';
import { eventually, startBrowserWorkbench, type BrowserWorkbench } from '../support/browser';
import { generateHistoryExport, writeJsonl } from '../support/history-export';
import { expectAxeClean, saveScreenshot } from '../support/surface-checks';

jest.setTimeout(180_000);

const SETTINGS_FRAME = 'iframe[data-wb-module="outcome-lens-settings"]';
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'calibration-e2e-'));
let wb: BrowserWorkbench;

beforeAll(async () => {
  await buildSurface('settings');
  const file = path.join(TMP, 'hist.jsonl');
  writeJsonl(file, generateHistoryExport({ projectKey: 'HIST', issues: 600, asOf: new Date() }));
  wb = await startBrowserWorkbench({ seed: (app) => importIssues(app, file).then(() => undefined) });
});
afterAll(async () => {
  await wb?.close();
  fs.rmSync(TMP, { recursive: true, force: true });
});

async function openSettings(user: string): Promise<{ page: Page; frame: Frame }> {
  const page = await wb.openAs(user, '/projects/HIST/settings');
  const frame = await wb.panelFrame(page, SETTINGS_FRAME);
  await frame.getByRole('heading', { name: 'Calibrate from history' }).waitFor({ timeout: 30_000 });
  return { page, frame };
}

const marker = async (frame: Frame) => {
  const line = frame.getByTestId('threshold-marker');
  return { days: await line.getAttribute('data-idle-days'), x: Number(await line.getAttribute('x1')) };
};
const flagged = async (frame: Frame) => {
  const text = await frame.getByTestId('preview-flagsToday').innerText();
  const count = /^(\d+) of \d+/.exec(text)?.[1];
  if (count === undefined) throw new Error(`Unexpected figure: ${text}`);
  return { text, count: Number(count) };
};

describe('calibration on the settings page', () => {
  it('proposes from the history in the background, and redraws the preview as the value changes', async () => {
    const { page, frame } = await openSettings('admin');
    await frame.getByText('Not calibrated yet.').waitFor();
    await frame.getByRole('button', { name: 'Calibrate from history' }).click();
    await frame.getByTestId('calibration-progress').waitFor({ timeout: 10_000 });
    const proposal = frame.getByText(/^Proposal: \d+ days idle$/);
    await proposal.waitFor({ timeout: 120_000 });
    const proposed = Number(/(\d+)/.exec(await proposal.innerText())?.[1]);

    const input = frame.getByLabel('Idle limit to preview (days)');
    expect(await input.inputValue()).toBe(String(proposed));
    const atProposal = { marker: await marker(frame), flagged: await flagged(frame) };
    expect(atProposal.marker.days).toBe(String(proposed));
    // Beside it, the current setting's figures (the default 60 days) and its dashed line.
    await frame.getByText('Current setting: 60 days').waitFor();
    // The figures are Atlaskit's DynamicTable, named for what they show: the preview row, then the current one.
    const figuresTable = frame.getByRole('table', { name: 'What an idle limit means', exact: true });
    expect(await figuresTable.getAttribute('data-testid')).toBe('calibration-figures--table');
    expect((await figuresTable.getByRole('columnheader').allInnerTexts())[0]).toBe('Idle limit');
    expect(
      (await figuresTable.locator('tbody tr').allInnerTexts()).map((row) => row.split(/\t|\n/)[0]),
    ).toEqual([`Previewed: ${proposed} days`, 'Current setting: 60 days']);

    await input.fill('30');
    await frame
      .locator('[data-testid="threshold-marker"][data-idle-days="30"]')
      .waitFor({ state: 'attached' });
    const at30 = { marker: await marker(frame), flagged: await flagged(frame) };
    expect(at30.marker.x).toBeLessThan(atProposal.marker.x);
    expect(at30.flagged.count).toBeGreaterThan(atProposal.flagged.count);
    expect(await frame.getByRole('button', { name: 'Apply 30 days' }).isVisible()).toBe(true);

    await input.fill('300');
    await frame
      .locator('[data-testid="threshold-marker"][data-idle-days="300"]')
      .waitFor({ state: 'attached' });
    const at300 = { marker: await marker(frame), flagged: await flagged(frame) };
    expect(at300.marker.x).toBeGreaterThan(atProposal.marker.x);
    expect(at300.flagged.count).toBeLessThan(atProposal.flagged.count);

    await expectAxeClean(wb, frame, 'settings with a calibration');
    await saveScreenshot(page, 'settings-calibration');
    await page.close();
  });

  it('recalculates with the resolution mapping the admin confirms', async () => {
    const { page, frame } = await openSettings('admin');
    const basis = frame.getByTestId('calibration-basis');
    await basis.waitFor({ timeout: 30_000 });
    const delivered = async () =>
      Number(/among (\d+) items later delivered/.exec(await basis.innerText())?.[1]);
    const before = await delivered();
    await frame
      .getByText('Proposed from the resolution names: confirm or change it.', { exact: false })
      .waitFor();
    // The mapping is Atlaskit's DynamicTable, one row per resolution, named by its heading.
    const mapping = frame.getByRole('table', { name: 'What the resolutions mean', exact: true });
    expect(await mapping.getAttribute('data-testid')).toBe('resolution-mapping--table');
    expect(await mapping.getByRole('columnheader').allInnerTexts()).toEqual(['Resolution', 'Means']);
    // "Done" means given up on, on this site.
    // The row's visible resolution name labels its select ("What Done means" with the hidden words).
    const select = mapping.getByRole('combobox', { name: 'What Done means' });
    // Atlaskit's select: the arrow key opens its menu, the option is picked from it.
    await select.focus();
    await page.keyboard.press('ArrowDown');
    await frame.getByRole('option', { name: 'Closed without delivery' }).click();
    await eventually(async () =>
      expect(await select.evaluate((el) => el.closest('[class*="container"]')?.textContent ?? '')).toContain(
        'Closed without delivery',
      ),
    );
    await frame.getByRole('button', { name: 'Confirm and recalculate' }).click();
    await frame.getByText('Confirmed by an administrator.', { exact: false }).waitFor({ timeout: 60_000 });
    await basis.waitFor();
    expect(await delivered()).toBeLessThan(before);
    await page.close();
  });

  // An admin changes another setting without saving, then applies a calibrated idle limit. Before the mend the
  // form was replaced by the stored settings: the unsaved change vanished without a word.
  it('applies the idle limit and keeps what the admin typed elsewhere and has not saved', async () => {
    const { page, frame } = await openSettings('admin');
    const sprints = frame.getByLabel('Max sprints carried over', { exact: true });
    await sprints.waitFor({ timeout: 30_000 });
    await sprints.fill('7');
    const input = frame.getByLabel('Idle limit to preview (days)');
    await input.waitFor({ timeout: 60_000 });
    await input.fill('45');
    await frame.getByRole('button', { name: 'Apply 45 days' }).click();
    await frame.getByText('Your other changes are not saved yet').waitFor({ timeout: 30_000 });
    expect(await frame.getByLabel('Max idle days', { exact: true }).inputValue()).toBe('45');
    expect(await sprints.inputValue()).toBe('7');
    await page.close();
  });

  // The admin applies the limit in a tab opened before their other tab saved the settings. Before the mend the
  // page said "Someone saved the settings", and, once the newer ones were loaded, that "they" had saved them.
  it('says an Apply refused beside the admin’s own save in another tab was theirs, and applies on top of it', async () => {
    const here = await openSettings('admin');
    const other = await openSettings('admin');
    await other.frame.getByLabel('Max sprints carried over', { exact: true }).fill('9');
    await other.frame.getByRole('button', { name: 'Save settings' }).click();
    await other.frame.getByTestId('settings-message').getByText('Settings saved.').waitFor();
    await other.page.close();

    const input = here.frame.getByLabel('Idle limit to preview (days)');
    await input.waitFor({ timeout: 60_000 });
    await input.fill('50');
    await here.frame.getByRole('button', { name: 'Apply 50 days' }).click();
    await here.frame
      .getByText(/^You saved the settings in another tab or window since this page read them/)
      .waitFor({ timeout: 30_000 });
    expect(await here.frame.locator('body').innerText()).not.toMatch(/Someone saved|they saved/);
    expect(await here.frame.getByLabel('Max sprints carried over', { exact: true }).inputValue()).toBe('9');
    await here.frame.getByRole('button', { name: 'Apply 50 days' }).click();
    await eventually(async () =>
      expect(await here.frame.getByLabel('Max idle days', { exact: true }).inputValue()).toBe('50'),
    );
    await here.page.close();
  });
});
