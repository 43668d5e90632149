/**
 * Issue 15, "screens a person can read", for the issue panel and the settings page: each state a person meets
 * (an empty lens, a filled one, errors at the fields, a viewer's read-only panel, the settings with a weight
 * error and the reset confirmation, an issue and the settings of an imported real project), at 800 px wide, in
 * the light and the dark theme switched with the host's toggle, has no serious or critical axe-core violation,
 * does not scroll sideways, and leaves a screenshot in test/screenshots/ for a reviewer.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Frame, Page } from 'playwright-core';
import { buildSurface } from '../../scripts/build-static';
import { importIssues } from '../../workbench/import/importer';
import { seedDemo } from '../../workbench/seed/demo';
import { startBrowserWorkbench, type BrowserWorkbench } from '../support/browser';
import {
  expectAxeClean,
  NARROW_VIEWPORT,
  saveScreenshot,
  setTheme,
  sidewaysOverflow,
  SCREENSHOT_DIR,
  chooseByKeyboard,
  type ColorMode,
} from '../support/surface-checks';
import { DUE_DATE_AHEAD } from '../support/builders';

jest.setTimeout(120_000);

const PANEL_FRAME = 'iframe[data-wb-module="outcome-lens-issue-panel"]';
const SETTINGS_FRAME = 'iframe[data-wb-module="outcome-lens-settings"]';
const APACHE = path.resolve(__dirname, '../../data/apache-issues-v2.jsonl.gz');
/** The real issues loaded beside the demo: the first of one Apache project in data/ (long real summaries). */
const IMPORTED_ISSUES = 150;

let wb: BrowserWorkbench;
let tmp: string;
let filledKey: string;
let emptyKey: string;
let importedKey: string;
let importedProject: string;

beforeAll(async () => {
  await Promise.all(['issue-panel', 'settings'].map((s) => buildSurface(s)));
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'readable-'));
  const lines = zlib.gunzipSync(fs.readFileSync(APACHE)).toString('utf8').split('\n').filter(Boolean);
  const projectOf = (line: string) =>
    (JSON.parse(line) as { fields?: { project?: { key?: string } } }).fields?.project?.key;
  importedProject = projectOf(lines[0]!) ?? '';
  const sample = lines.filter((l) => projectOf(l) === importedProject).slice(0, IMPORTED_ISSUES);
  const file = path.join(tmp, 'real.jsonl');
  fs.writeFileSync(file, sample.join('\n'));
  wb = await startBrowserWorkbench({
    seed: async (app) => {
      await seedDemo(app, new Date());
      // A long outcome name and metric, as real sites write them: the panel's outcome choice must still fit.
      const created = await app.invoke(
        'outcome-lens-project-page',
        'createOutcome',
        {
          draft: {
            name: 'Fewer "where is my order?" questions from shoppers who already paid and wait for delivery',
            metric: 'order-status tickets per 1,000 orders, counted weekly by the support desk',
            baseline: 14,
            target: 9,
            direction: 'decrease',
            dueDate: DUE_DATE_AHEAD,
          },
        },
        { user: 'admin', projectKey: 'DEMO' },
      );
      if (!(created as { ok: boolean }).ok) throw new Error('The long outcome was not created');
      const report = await importIssues(app, file);
      if (report.imported === 0) throw new Error('No real issue was imported');
    },
  });
  const db = wb.app.jira.store.db;
  const keyWhere = (sql: string, ...args: unknown[]) => {
    const row = db.prepare(sql).get(...args) as { key: string } | undefined;
    if (!row) throw new Error(`No issue for ${sql}`);
    return row.key;
  };
  const withLens = `SELECT i.key FROM jira_issues i WHERE i.key LIKE 'DEMO-%' AND EXISTS (SELECT 1 FROM jira_issue_properties p WHERE p.issue_id = i.id AND p.key = 'outcome-lens') ORDER BY i.id`;
  filledKey = keyWhere(`${withLens} LIMIT 1`);
  emptyKey = keyWhere(
    `SELECT i.key FROM jira_issues i WHERE i.key LIKE 'DEMO-%' AND NOT EXISTS (SELECT 1 FROM jira_issue_properties p WHERE p.issue_id = i.id AND p.key = 'outcome-lens') ORDER BY i.id LIMIT 1`,
  );
  importedKey = keyWhere(
    `SELECT key FROM jira_issues WHERE key LIKE ? ORDER BY id LIMIT 1`,
    `${importedProject}-%`,
  );
});
afterAll(async () => {
  await wb?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

interface Screen {
  name: string;
  user: string;
  path: () => string;
  frame: string;
  /** Waits for the surface's content, then brings it into the state to check. */
  prepare: (frame: Frame, page: Page) => Promise<void>;
}

const panelReady = (key: () => string) => async (frame: Frame) => {
  await frame.waitForSelector(`main[aria-label="Outcome Lens for ${key()}"]`, { timeout: 30_000 });
};
const settingsReady = async (frame: Frame) => {
  await frame.getByRole('form', { name: 'Outcome Lens settings' }).waitFor({ timeout: 30_000 });
};

const SCREENS: Screen[] = [
  {
    name: 'panel-filled',
    user: 'admin',
    path: () => `/browse/${filledKey}`,
    frame: PANEL_FRAME,
    prepare: panelReady(() => filledKey),
  },
  {
    name: 'panel-empty',
    user: 'admin',
    path: () => `/browse/${emptyKey}`,
    frame: PANEL_FRAME,
    prepare: async (frame) => {
      await panelReady(() => emptyKey)(frame);
      await frame.getByTestId('empty-state').waitFor();
    },
  },
  {
    name: 'panel-errors',
    user: 'admin',
    path: () => `/browse/${emptyKey}`,
    frame: PANEL_FRAME,
    prepare: async (frame) => {
      await panelReady(() => emptyKey)(frame);
      await frame.getByLabel('Baseline').fill('forty');
      // Leaving the field shows its error (and moves what is below it) before Save is pressed.
      await frame.getByLabel('Baseline').blur();
      await frame.getByText('Baseline must be a number.').waitFor();
      await frame.getByRole('button', { name: 'Save', exact: true }).click();
      await frame.getByTestId('save-result').getByText('Nothing was saved').waitFor();
    },
  },
  {
    name: 'panel-viewer',
    user: 'viewer',
    path: () => `/browse/${filledKey}`,
    frame: PANEL_FRAME,
    prepare: async (frame) => {
      await panelReady(() => filledKey)(frame);
      await frame.getByTestId('read-only').waitFor();
    },
  },
  {
    // The long outcome chosen by keyboard in the Atlaskit select: its whole name and metric stay on screen,
    // wrapped rather than cut with an ellipsis.
    name: 'panel-long-outcome',
    user: 'admin',
    path: () => `/browse/${emptyKey}`,
    frame: PANEL_FRAME,
    prepare: async (frame, page) => {
      await panelReady(() => emptyKey)(frame);
      await chooseByKeyboard(page, frame, 'Outcome', /^Fewer "where is my order\?" questions/);
      const field = frame.locator('.ol-field', { has: frame.getByLabel('Outcome', { exact: true }) });
      const chosen = field.getByText(/^Fewer "where is my order\?" questions/);
      await chosen.waitFor({ state: 'visible' });
      expect(await chosen.innerText()).toMatch(/counted weekly by the support desk\)$/);
      const clipped = await chosen.evaluate(
        (el) => el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1,
      );
      expect(clipped).toBe(false);
    },
  },
  {
    name: 'panel-imported',
    user: 'admin',
    path: () => `/browse/${importedKey}`,
    frame: PANEL_FRAME,
    prepare: panelReady(() => importedKey),
  },
  {
    name: 'settings',
    user: 'admin',
    path: () => '/projects/DEMO/settings',
    frame: SETTINGS_FRAME,
    prepare: settingsReady,
  },
  {
    name: 'settings-weight-error',
    user: 'admin',
    path: () => '/projects/DEMO/settings',
    frame: SETTINGS_FRAME,
    prepare: async (frame) => {
      await settingsReady(frame);
      await frame.getByLabel('Hypothesis complete').fill('60');
      await frame
        .getByTestId('weights-total')
        .getByText(/add up to 135/)
        .waitFor();
    },
  },
  {
    name: 'settings-reset-confirm',
    user: 'admin',
    path: () => '/projects/DEMO/settings',
    frame: SETTINGS_FRAME,
    prepare: async (frame) => {
      await settingsReady(frame);
      await frame.getByRole('button', { name: 'Reset to defaults' }).click();
      await frame.getByRole('dialog', { name: 'Reset all settings to the defaults?' }).waitFor();
    },
  },
  {
    name: 'settings-imported',
    user: 'admin',
    path: () => `/projects/${importedProject}/settings`,
    frame: SETTINGS_FRAME,
    prepare: settingsReady,
  },
];

describe.each(['light', 'dark'] as const)('at 800 px in the %s theme', (mode: ColorMode) => {
  it.each(SCREENS.map((s) => [s.name, s] as const))(
    '%s has no serious axe violation, does not scroll sideways, and is captured',
    async (_name, screen) => {
      const page = await wb.openAs(screen.user, screen.path(), { viewport: NARROW_VIEWPORT });
      const frame = await wb.panelFrame(page, screen.frame);
      await setTheme(page, frame, mode);
      await screen.prepare(frame, page);
      // Every resolver answered and every transition ended before judging what a person sees.
      await frame.waitForFunction(() => !document.querySelector('[aria-busy="true"]'), undefined, {
        timeout: 30_000,
      });
      await page.waitForTimeout(400);
      expect(page.viewportSize()?.width).toBe(800);

      await expectAxeClean(wb, frame, `${screen.name}, ${mode}`);
      expect(await sidewaysOverflow(frame)).toEqual([]);
      const file = await saveScreenshot(page, `${screen.name}-${mode}-800`);
      expect(path.dirname(file)).toBe(SCREENSHOT_DIR);
      expect(fs.statSync(file).size).toBeGreaterThan(5_000);
      await page.close();
    },
  );
});
