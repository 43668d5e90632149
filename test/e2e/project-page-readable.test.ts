/**
 * Issue 15, "screens a person can read", for the project page: each tab in the states a person meets (the
 * demo's map with a measured outcome, the outcome form open and with errors at its fields, the kill review
 * with a decision logged, a viewer's read-only review, backlog health with its scan runs, a project never
 * scanned, and the map, review and health of an imported real project), at 800 px wide, in the light and the
 * dark theme switched with the host's toggle: no serious or critical axe-core violation, no sideways scroll of
 * the page (a table scrolls in its own focusable region), no tab label cut short, and a screenshot in
 * test/screenshots/ for a reviewer.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Frame } from 'playwright-core';
import { buildSurface } from '../../scripts/build-static';
import { PROJECT_PAGE_RESOLVERS, type OutcomeView } from '../../src/contract/project-page';
import { ISSUE_PROPERTY_KEY } from '../../src/domain/issue-lens';
import { importIssues } from '../../workbench/import/importer';
import { seedDemo } from '../../workbench/seed/demo';
import { startBrowserWorkbench, type BrowserWorkbench } from '../support/browser';
import {
  expectAxeClean,
  NARROW_VIEWPORT,
  saveScreenshot,
  setTheme,
  sidewaysOverflow,
  type ColorMode,
} from '../support/surface-checks';
import { DUE_DATE_AHEAD } from '../support/builders';

jest.setTimeout(180_000);

const PAGE_FRAME = 'iframe[data-wb-module="outcome-lens-project-page"]';
const APACHE = path.resolve(__dirname, '../../data/apache-issues-v2.jsonl.gz');
/** Real issues of one Apache project in data/, beside the demo: long real summaries, many reporters. */
const IMPORTED_ISSUES = 150;
const FRESH = 'FRESH';

let wb: BrowserWorkbench;
let tmp: string;
let imported: string;

beforeAll(async () => {
  await buildSurface('outcome-map');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'page-readable-'));
  const lines = zlib.gunzipSync(fs.readFileSync(APACHE)).toString('utf8').split('\n').filter(Boolean);
  const projectOf = (line: string) =>
    (JSON.parse(line) as { fields?: { project?: { key?: string } } }).fields?.project?.key;
  imported = projectOf(lines[0]!) ?? '';
  const file = path.join(tmp, 'real.jsonl');
  fs.writeFileSync(
    file,
    lines
      .filter((l) => projectOf(l) === imported)
      .slice(0, IMPORTED_ISSUES)
      .join('\n'),
  );
  wb = await startBrowserWorkbench({
    seed: async (app) => {
      await seedDemo(app, new Date());
      if ((await importIssues(app, file)).imported === 0) throw new Error('No real issue was imported');
      app.jira.store.createProject({ key: FRESH, name: 'Fresh' });
      app.grantDemoRoles(FRESH);
      app.jira.store.createIssue({
        projectKey: FRESH,
        summary: 'Tidy the old checkout styles',
        type: 'Story',
      });
    },
  });
  // The nightly scan of the demo, and a first scan of the imported project (the fresh one stays never scanned).
  await wb.app.runScheduledTrigger();
  const scan = (await wb.app.invoke(
    'outcome-lens-project-page',
    PROJECT_PAGE_RESOLVERS.scanNow,
    {},
    { user: 'admin', projectKey: imported },
  )) as { ok: boolean };
  if (!scan.ok) throw new Error(`The imported project's scan did not start: ${JSON.stringify(scan)}`);
  await wb.app.queue.runDue({ until: 'idle', advanceClock: true });
  const as = { user: 'admin', projectKey: 'DEMO' };
  // One decision on the record, so the kill review shows its log as a table.
  const zombie = (
    wb.app.jira.store.db
      .prepare("SELECT key FROM jira_issues WHERE key LIKE 'DEMO-%' ORDER BY id")
      .all() as Array<{
      key: string;
    }>
  )
    .map((r) => r.key)
    .find((key) => {
      const lens = wb.app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY) as
        { zombie?: unknown } | undefined;
      return String(lens?.zombie) === 'true';
    });
  if (!zombie) throw new Error('The demo scan flagged no zombie');
  const kept = (await wb.app.invoke(
    'outcome-lens-project-page',
    PROJECT_PAGE_RESOLVERS.decide,
    {
      issueKey: zombie,
      idempotencyKey: 'readable-keep',
      decision: {
        kind: 'keep',
        reason: 'Peak season starts next month; the checkout team picks it up then',
        snoozeUntil: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10),
      },
    },
    as,
  )) as { ok: boolean };
  if (!kept.ok) throw new Error(`The keep was refused: ${JSON.stringify(kept)}`);
  const created = (await wb.app.invoke(
    'outcome-lens-project-page',
    PROJECT_PAGE_RESOLVERS.createOutcome,
    {
      draft: {
        name: 'Shoppers reorder in one tap from the order history page',
        metric: 'repeat orders per week',
        baseline: 120,
        target: 180,
        direction: 'increase',
        dueDate: DUE_DATE_AHEAD,
      },
    },
    as,
  )) as { ok: true; data: OutcomeView };
  for (const [i, value] of [130, 138, 151].entries())
    await wb.app.invoke(
      'outcome-lens-project-page',
      PROJECT_PAGE_RESOLVERS.addMeasurement,
      { id: created.data.id, version: i + 1, measurement: { at: `2026-0${i + 1}-15`, value } },
      as,
    );
});
afterAll(async () => {
  await wb?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

async function openTab(frame: Frame, name: string): Promise<void> {
  await frame.getByRole('tab', { name }).click({ timeout: 30_000 });
  await frame.getByRole('tab', { name, selected: true }).waitFor();
}

interface Screen {
  name: string;
  user: string;
  project: () => string;
  /** Brings the page into the state to check, once its tabs show. */
  prepare: (frame: Frame) => Promise<void>;
}

const onMap = async (frame: Frame) => {
  await frame.getByTestId('map-total').waitFor({ timeout: 30_000 });
  // The unlinked lane has loaded its first page: its issues, or word that it has none.
  await frame
    .getByTestId('lane-none')
    .locator('[data-testid^="map-issue-"], :text("No open issues here.")')
    .first()
    .waitFor({ timeout: 30_000 });
};
const onReview = async (frame: Frame) => {
  await openTab(frame, 'Kill review');
  await frame.locator('[data-testid="queue-totals"], [data-testid="log-empty"]').first().waitFor();
};
const onHealth = async (frame: Frame) => {
  await openTab(frame, 'Backlog health');
  await frame.getByRole('table', { name: 'Scan runs' }).waitFor({ timeout: 30_000 });
};

const SCREENS: Screen[] = [
  {
    name: 'map',
    user: 'admin',
    project: () => 'DEMO',
    prepare: async (frame) => {
      await onMap(frame);
      await frame.locator('svg.ol-chart').first().waitFor();
    },
  },
  {
    name: 'map-new-outcome-errors',
    user: 'admin',
    project: () => 'DEMO',
    prepare: async (frame) => {
      await onMap(frame);
      await frame.getByRole('button', { name: 'New outcome' }).click();
      const form = frame.getByRole('form', { name: 'New outcome' });
      await form.getByRole('button', { name: 'Create outcome' }).click();
      // Each error sits at its field, and the field says it is invalid.
      await eventuallyInvalid(frame, 'Name');
    },
  },
  {
    name: 'kill-review',
    user: 'admin',
    project: () => 'DEMO',
    prepare: onReview,
  },
  {
    // A single decision is asked in a modal dialog over the queue.
    name: 'kill-review-kill-dialog',
    user: 'admin',
    project: () => 'DEMO',
    prepare: async (frame) => {
      await onReview(frame);
      await frame.locator('[data-testid^="zombie-"] button[aria-label^="Kill "]').first().click();
      const dialog = frame.getByRole('dialog', { name: /^Kill / });
      await dialog.waitFor();
      await dialog.getByLabel('Why (goes into the decision log)').waitFor();
    },
  },
  {
    name: 'kill-review-viewer',
    user: 'viewer',
    project: () => 'DEMO',
    prepare: async (frame) => {
      await onReview(frame);
      await frame.getByText('Read-only', { exact: true }).waitFor();
    },
  },
  {
    name: 'backlog-health',
    user: 'admin',
    project: () => 'DEMO',
    prepare: onHealth,
  },
  {
    name: 'never-scanned',
    user: 'admin',
    project: () => FRESH,
    prepare: async (frame) => {
      await frame.getByTestId('never-scanned').waitFor({ timeout: 30_000 });
      await onMap(frame);
    },
  },
  { name: 'imported-map', user: 'admin', project: () => imported, prepare: onMap },
  { name: 'imported-kill-review', user: 'admin', project: () => imported, prepare: onReview },
  { name: 'imported-backlog-health', user: 'admin', project: () => imported, prepare: onHealth },
];

async function eventuallyInvalid(frame: Frame, label: string): Promise<void> {
  await frame.waitForFunction(
    (name) =>
      Array.from(document.querySelectorAll('label')).some(
        (l) =>
          // The label's words, without a required field's asterisk (hidden from screen readers too).
          Array.from(l.childNodes)
            .filter((n) => !(n instanceof Element && n.getAttribute('aria-hidden') === 'true'))
            .map((n) => n.textContent ?? '')
            .join('')
            .trim() === name && document.getElementById(l.htmlFor)?.getAttribute('aria-invalid') === 'true',
      ),
    label,
    { timeout: 15_000 },
  );
}

/**
 * Text cut short: an element that clips its own text (ellipsis or hidden overflow) and has more to show. The
 * screen-reader-only headings are clipped on purpose and left out.
 */
function clippedText(frame: Frame, selector: string) {
  return frame.evaluate((sel) => {
    return Array.from(document.querySelectorAll(sel))
      .filter((el) => !el.closest('.ol-sr-only'))
      .filter((el) => {
        const style = getComputedStyle(el);
        const clips = style.overflowX === 'hidden' || style.textOverflow === 'ellipsis';
        return clips && el.scrollWidth > el.clientWidth + 1;
      })
      .map((el) => el.textContent ?? '');
  }, selector);
}

/**
 * Pairs of controls (buttons, links, tabs) whose boxes cover each other: one would hide the other. While a modal
 * dialog is open only its own controls count: the page behind is under the blanket, out of reach.
 */
function overlappingControls(frame: Frame) {
  return frame.evaluate(() => {
    const scope = document.querySelector('[role="dialog"][aria-modal="true"]') ?? document;
    const controls = Array.from(scope.querySelectorAll('button, a[href], [role="tab"]'))
      .filter((el) => !el.closest('.ol-sr-only'))
      .map((el) => ({ el, box: el.getBoundingClientRect() }))
      .filter(({ box }) => box.width > 1 && box.height > 1);
    const found: string[] = [];
    for (const [i, a] of controls.entries())
      for (const b of controls.slice(i + 1)) {
        if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
        const x = Math.min(a.box.right, b.box.right) - Math.max(a.box.left, b.box.left);
        const y = Math.min(a.box.bottom, b.box.bottom) - Math.max(a.box.top, b.box.top);
        if (x > 1 && y > 1) found.push(`${a.el.textContent ?? ''} / ${b.el.textContent ?? ''}`);
      }
    return found;
  });
}

describe.each(['light', 'dark'] as const)('the project page at 800 px in the %s theme', (mode: ColorMode) => {
  it.each(SCREENS.map((s) => [s.name, s] as const))(
    '%s has no serious axe violation, does not scroll sideways, and is captured',
    async (_name, screen) => {
      const page = await wb.openAs(screen.user, `/projects/${screen.project()}/outcomes`, {
        viewport: NARROW_VIEWPORT,
      });
      const frame = await wb.panelFrame(page, PAGE_FRAME);
      await frame.getByRole('tab', { name: 'Outcome map' }).waitFor({ timeout: 30_000 });
      await setTheme(page, frame, mode);
      await screen.prepare(frame);
      await frame.waitForFunction(() => !document.querySelector('[aria-busy="true"]'), undefined, {
        timeout: 30_000,
      });
      await page.waitForTimeout(300);
      expect(page.viewportSize()?.width).toBe(800);

      const violations = await expectAxeClean(wb, frame, `${screen.name}, ${mode}`);
      expect(await sidewaysOverflow(frame)).toEqual([]);
      // Every table that is wider than the frame scrolls inside its named, focusable region.
      const tables = await frame.evaluate(() =>
        Array.from(document.querySelectorAll('table')).map((t) => {
          const region = t.closest('[role="region"]');
          return {
            name: t.getAttribute('aria-label'),
            inRegion: Boolean(
              region && region.getAttribute('tabindex') === '0' && region.getAttribute('aria-label'),
            ),
          };
        }),
      );
      expect(tables.filter((t) => !t.inRegion)).toEqual([]);
      expect(await clippedText(frame, '[role="tab"], [role="tab"] *, h1, h2, h3, button, label')).toEqual([]);
      expect(await overlappingControls(frame)).toEqual([]);
      // Backlog health's bars are all one length, so their fills compare at a glance.
      const barWidths = await frame
        .locator('.ol-hbar .ol-share')
        .evaluateAll((bars) => [...new Set(bars.map((b) => Math.round(b.getBoundingClientRect().width)))]);
      expect(barWidths.length).toBeLessThanOrEqual(1);
      const file = await saveScreenshot(page, `project-page-${screen.name}-${mode}-800`);
      console.log(
        `readable: project page ${screen.name} (${mode}, 800 px): axe ${violations.length} minor, tables ${tables.map((t) => t.name).join(', ') || 'none'}, ${path.relative(process.cwd(), file)}`,
      );
      await page.close();
    },
  );
});
