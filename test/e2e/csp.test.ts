/**
 * Every Custom UI surface boots under the Content-Security-Policy Forge serves (built by `@forge/csp` from
 * manifest.yml, sent by the workbench with each resource) without a single `securitypolicyviolation`, in both
 * themes, and its stylesheet really applies: a `new Function` probe or a style the policy blocks shows up here
 * as a violation, and a page left unstyled fails the style checks.
 *
 * Atlaskit's styles: most of its CSS is extracted (`*.compiled.css`, bundled into main.css, allowed by
 * style-src 'self'), but its Emotion-styled parts add a `<style>` to the head at run time and insert their
 * rules into it. Forge blocks that unless the manifest declares `permissions.content.styles: ['unsafe-inline']`,
 * which manifest.yml does; the last block runs the same surfaces under a copy of the manifest without it and
 * sees a runtime style blocked. The date picker's calendar was such a part until the build served its one
 * Emotion primitive from the compiled build (scripts/build-static.ts): it now draws from main.css under both.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { buildSurface } from '../../scripts/build-static';
import { FORGE_FRAME_ALLOW, FORGE_FRAME_SANDBOX } from '../../workbench/pages/views';
import { seedDemo } from '../../workbench/seed/demo';
import { ROOT_DIR } from '../../workbench/app';
import { eventually, startBrowserWorkbench, type BrowserWorkbench } from '../support/browser';

jest.setTimeout(120_000);

interface Violation {
  url: string;
  directive: string;
  blocked: string;
  sample: string;
}

let wb: BrowserWorkbench;
let issueKey: string;
let dashboardId = 0;
const violations: Violation[] = [];
/** Custom UI resources the browser fetched, with their CSP header (null when missing). */
const resources: Array<{ url: string; csp: string | null }> = [];

/** A browser workbench over the demo backlog that reports every CSP violation of every frame into `violations`. */
async function startWatched(manifestFile?: string): Promise<BrowserWorkbench> {
  const started = await startBrowserWorkbench({
    seed: (app) => seedDemo(app, new Date()),
    ...(manifestFile ? { manifestFile } : {}),
  });
  const row = started.app.jira.store.db.prepare('SELECT key FROM jira_issues ORDER BY id LIMIT 1').get() as
    { key: string } | undefined;
  if (!row) throw new Error('The demo backlog has no issue');
  issueKey = row.key;
  dashboardId = started.app.jira.store.listDashboards()[0]?.id ?? 0;
  // Reported from every frame (host pages and surface iframes), from before the first script of a document.
  await started.context.exposeBinding('__olReportCspViolation', (_source, v: Violation) => {
    violations.push(v);
  });
  await started.context.addInitScript(() => {
    const report = (window as unknown as { __olReportCspViolation: (v: unknown) => Promise<void> })
      .__olReportCspViolation;
    document.addEventListener(
      'securitypolicyviolation',
      (e) =>
        void report({
          url: document.URL,
          directive: e.effectiveDirective,
          blocked: e.blockedURI,
          sample: e.sample,
        }),
      true,
    );
  });
  started.context.on('response', (response) => {
    if (new URL(response.url()).pathname.startsWith('/static/'))
      resources.push({ url: response.url(), csp: response.headers()['content-security-policy'] ?? null });
  });
  return started;
}

beforeAll(async () => {
  await Promise.all(['issue-panel', 'outcome-map', 'settings', 'gadget'].map((s) => buildSurface(s)));
});

/** The workbench's console line per CSP report it receives (kept quiet here; the control test reads it). */
const reported = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
afterAll(() => reported.mockRestore());

const PANEL = 'iframe[data-wb-module="outcome-lens-issue-panel"]';
const PROJECT_PAGE = 'iframe[data-wb-module="outcome-lens-project-page"]';
const SETTINGS = 'iframe[data-wb-module="outcome-lens-settings"]';
const GADGET = 'iframe[data-wb-module="outcome-lens-shipped-gadget"]';

interface Surface {
  name: string;
  path: () => string;
  frame: string;
  /** Waits until the surface shows its content (and, for a tab, has switched to it). */
  ready: (frame: Frame) => Promise<void>;
  /** It shows bars whose width React sets as a style attribute. */
  styledByReact?: boolean;
}

const projectTab = (tab: string, styledByReact = false): Surface => ({
  name: `project page, ${tab} tab`,
  styledByReact,
  path: () => '/projects/DEMO/outcomes',
  frame: PROJECT_PAGE,
  ready: async (frame) => {
    await frame.getByRole('tab', { name: tab }).click({ timeout: 30_000 });
    await frame.getByRole('tab', { name: tab, selected: true }).waitFor();
    await frame.locator('[role="tabpanel"]:not([aria-busy="true"])').waitFor();
  },
});

const SURFACES: Surface[] = [
  {
    name: 'issue panel',
    path: () => `/browse/${issueKey}`,
    frame: PANEL,
    styledByReact: true,
    ready: (frame) => frame.locator('main[aria-label^="Outcome Lens for"]').waitFor({ timeout: 30_000 }),
  },
  projectTab('Outcome map', true),
  projectTab('Kill review'),
  projectTab('Backlog health', true),
  // Its SVG chart is coloured through style attributes React sets.
  projectTab('Shipped vs moved', true),
  {
    name: 'dashboard gadget',
    path: () => `/dashboards/${dashboardId}`,
    frame: GADGET,
    styledByReact: true,
    ready: (frame) => frame.getByTestId('shipped-moved-DEMO').waitFor({ timeout: 30_000 }),
  },
  {
    name: 'settings page',
    path: () => '/projects/DEMO/settings',
    frame: SETTINGS,
    ready: (frame) => frame.getByRole('form', { name: 'Outcome Lens settings' }).waitFor({ timeout: 30_000 }),
  },
];

async function openSurface(
  surface: Surface,
  colorMode: 'light' | 'dark',
): Promise<{ page: Page; frame: Frame }> {
  const page = await wb.openAs('admin', surface.path(), { colorMode });
  const frame = await wb.panelFrame(page, surface.frame);
  await surface.ready(frame);
  // Let every resolver answer render (nothing left busy), and any late script or style run, before counting.
  await frame.waitForFunction(() => !document.querySelector('[aria-busy="true"]'), undefined, {
    timeout: 30_000,
  });
  await page.waitForTimeout(300);
  return { page, frame };
}

/** What only the surfaces' own stylesheet sets, and the theme's page colour against the token's value. */
function lookOf(frame: Frame) {
  return frame.evaluate(() => {
    const root = document.querySelector('.ol-root');
    const body = getComputedStyle(document.body);
    const surfaceToken = getComputedStyle(document.documentElement).getPropertyValue('--ds-surface').trim();
    const probe = document.createElement('div');
    probe.style.color = surfaceToken || '#FFFFFF';
    document.body.appendChild(probe);
    const surfaceColor = getComputedStyle(probe).color;
    probe.remove();
    // Helper and error text as the stylesheet draws them, beside the tokens they should take.
    const textOf = (className: string) => {
      const p = document.createElement('p');
      p.className = className;
      p.textContent = 'x';
      (root ?? document.body).appendChild(p);
      const look = getComputedStyle(p);
      const drawn = { color: look.color, fontSize: look.fontSize };
      p.remove();
      return drawn;
    };
    const tokenColour = (variable: string) => {
      const p = document.createElement('p');
      p.style.color = `var(${variable})`;
      document.body.appendChild(p);
      const colour = getComputedStyle(p).color;
      p.remove();
      return colour;
    };
    return {
      help: textOf('ol-help'),
      error: textOf('ol-error'),
      bodyFontSize: root ? getComputedStyle(root).fontSize : body.fontSize,
      subtle: tokenColour('--ds-text-subtle'),
      danger: tokenColour('--ds-text-danger'),
      rootPadding: root ? getComputedStyle(root).padding : null,
      fontFamily: body.fontFamily,
      background: body.backgroundColor,
      surfaceColor,
      colorMode: document.documentElement.getAttribute('data-color-mode'),
      /** Elements with a style attribute React set (bar widths): allowed, as React sets them through CSSOM. */
      styled: document.querySelectorAll('[style]').length,
    };
  });
}

/** A style added the way Emotion adds Atlaskit's: a `<style>` in the head, its rule inserted through CSSOM. */
function addRuntimeStyle(frame: Frame) {
  return frame.evaluate(() => {
    const style = document.createElement('style');
    style.setAttribute('data-emotion', 'css');
    document.head.appendChild(style);
    let inserted = false;
    try {
      style.sheet?.insertRule('.ol-root { outline: 3px solid rgb(255, 0, 0); }', 0);
      inserted = Boolean(style.sheet);
    } catch {
      // A blocked <style> has no sheet to insert into.
    }
    const root = document.querySelector('.ol-root');
    return {
      inserted,
      rules: style.sheet?.cssRules.length ?? 0,
      outline: root ? getComputedStyle(root).outlineColor : null,
    };
  });
}

/** The computed look of the settings page's Save button, and the token values it should show. */
function saveButtonLook(frame: Frame) {
  return frame.getByRole('button', { name: 'Save settings' }).evaluate((button) => {
    const resolve = (property: 'color' | 'backgroundColor', variable: string): string => {
      const probe = document.createElement('span');
      probe.style[property] = `var(${variable})`;
      document.body.appendChild(probe);
      const value = getComputedStyle(probe)[property];
      probe.remove();
      return value;
    };
    const look = getComputedStyle(button);
    return {
      background: look.backgroundColor,
      color: look.color,
      height: look.height,
      cursor: look.cursor,
      brandBold: resolve('backgroundColor', '--ds-background-brand-bold'),
      textInverse: resolve('color', '--ds-text-inverse'),
    };
  });
}

/**
 * Opens the project page's New outcome form and its Due date calendar (Atlaskit's date picker), whose grid
 * Atlaskit styles with Emotion at run time; answers what those runtime styles did.
 */
async function calendarStyles(colorMode: 'light' | 'dark') {
  const { page, frame } = await openSurface(projectTab('Outcome map'), colorMode);
  await frame.getByRole('button', { name: 'New outcome' }).click();
  await frame.getByLabel('Due date').click();
  await frame.getByRole('grid').first().waitFor();
  await page.waitForTimeout(300);
  const styles = await frame.evaluate(() => {
    const sheets = Array.from(document.querySelectorAll('style[data-emotion]'));
    // The calendar's rows of weeks: the Box the build serves from the compiled primitives.
    const weeks = document.querySelector('[role="grid"] [role="rowgroup"]');
    return {
      runtimeSheets: sheets.length,
      weeksBoxSizing: weeks ? getComputedStyle(weeks).boxSizing : null,
    };
  });
  return { page, styles };
}

describe("under the app's manifest (permissions.content.styles: ['unsafe-inline'])", () => {
  beforeAll(async () => {
    wb = await startWatched();
  });
  afterAll(async () => wb?.close());

  describe.each(['light', 'dark'] as const)('in the %s theme', (colorMode) => {
    it.each(SURFACES.map((s) => [s.name, s] as const))(
      'the %s boots with no CSP violation and its stylesheet applied',
      async (_name, surface) => {
        violations.length = 0;
        resources.length = 0;
        const { page, frame } = await openSurface(surface, colorMode);

        // The theme arrives from the host page by message: let the look settle, then hold it to the rules.
        const look = await eventually(async () => {
          const now = await lookOf(frame);
          expect(now.colorMode).toBe(colorMode);
          expect(now.rootPadding).toMatch(/^8px 4px 16px/);
          expect(now.fontFamily).toMatch(/Segoe UI/);
          // The page colour is the theme's surface token, through our `var(--ds-surface, …)`.
          expect(now.background).toBe(now.surfaceColor);
          if (colorMode === 'dark') expect(now.background).not.toBe('rgb(255, 255, 255)');
          // Help is quiet and small; only an error is red.
          expect(now.help.color).toBe(now.subtle);
          expect(now.error.color).toBe(now.danger);
          expect(now.help.color).not.toBe(now.error.color);
          expect(parseFloat(now.help.fontSize)).toBeLessThan(parseFloat(now.bodyFontSize));
          return now;
        });
        // Bar widths are style attributes React sets through CSSOM, which style-src does not govern.
        if (surface.styledByReact) expect(look.styled).toBeGreaterThan(0);

        // Every Custom UI resource (index.html, main.js, main.css) came with the policy.
        const fetched = new Set(resources.map((r) => path.basename(new URL(r.url).pathname)));
        expect(['index.html', 'main.js', 'main.css'].filter((f) => !fetched.has(f))).toEqual([]);
        expect(resources.filter((r) => !r.csp).map((r) => r.url)).toEqual([]);
        expect(violations).toEqual([]);
        await page.close();
      },
    );

    it("shows Atlaskit's primary button in the theme's tokens on the settings page", async () => {
      const { page, frame } = await openSurface(SURFACES[SURFACES.length - 1]!, colorMode);
      const look = await eventually(async () => {
        const now = await saveButtonLook(frame);
        // Atlaskit's primary appearance: the brand colour token behind inverse text, 2rem high on a 16px root.
        expect(now.background).toBe(now.brandBold);
        expect(now.color).toBe(now.textInverse);
        return now;
      });
      expect(look.height).toBe('32px');
      expect(look.cursor).toBe('pointer');
      expect(look.background).not.toBe('rgba(0, 0, 0, 0)');
      await page.close();
    });
  });

  it.each(SURFACES.map((s) => [s.name, s] as const))(
    'draws the %s in a frame of its own host with only the sandbox flags and feature policies Forge gives: no pop-ups, storage kept, no reach into Jira',
    async (_name, surface) => {
      const { page, frame } = await openSurface(surface, 'light');
      const element = await frame.frameElement();
      expect(await element.getAttribute('sandbox')).toBe(FORGE_FRAME_SANDBOX);
      expect(await element.getAttribute('allow')).toBe(FORGE_FRAME_ALLOW);
      // Forge serves Custom UI from its CDN, not from the Jira site: the frame is another origin than the page.
      expect(new URL(frame.url()).origin).toBe(wb.server.resourceUrl);
      expect(new URL(page.url()).origin).toBe(wb.server.url);
      const inside = await frame.evaluate(async () => {
        // Forge gives no allow-popups: a window the surface opens on its own is refused.
        const opened = window.open('about:blank');
        localStorage.setItem('outcome-lens:probe', 'kept');
        const kept = localStorage.getItem('outcome-lens:probe');
        localStorage.removeItem('outcome-lens:probe');
        let hostDocument = 'readable';
        try {
          void window.parent.document.title;
        } catch {
          hostDocument = 'refused';
        }
        // A root-relative Jira path names the surface's own host, where no Jira answers.
        const jira = (await fetch('/rest/api/3/myself').catch(() => null))?.status ?? 'refused';
        return { opened: opened !== null, kept, hostDocument, jira };
      });
      expect(inside).toEqual({ opened: false, kept: 'kept', hostDocument: 'refused', jira: 404 });
      await page.close();
    },
  );

  it("draws Atlaskit's date picker calendar from the stylesheet, with no runtime style and no violation", async () => {
    violations.length = 0;
    const { page, styles } = await calendarStyles('light');
    expect(styles).toEqual({ runtimeSheets: 0, weeksBoxSizing: 'border-box' });
    expect(violations).toEqual([]);
    await page.close();
  });

  it('lets a style added at run time apply, as Atlaskit adds them, and still runs no string as code', async () => {
    violations.length = 0;
    const { page, frame } = await openSurface(SURFACES[0]!, 'light');
    expect(violations).toEqual([]);
    reported.mockClear();
    expect(await addRuntimeStyle(frame)).toEqual({ inserted: true, rules: 1, outline: 'rgb(255, 0, 0)' });
    // A timer given a string is eval, as zod's `new Function` probe is (the test's own evaluate is exempt).
    await frame.evaluate(() =>
      (setTimeout as (code: string, ms: number) => number)('window.__olEvalRan = true', 0),
    );
    await eventually(() =>
      expect(violations.map((v) => `${v.directive} ${v.blocked}`)).toEqual(['script-src eval']),
    );
    expect(await frame.evaluate(() => (window as unknown as { __olEvalRan?: boolean }).__olEvalRan)).toBe(
      undefined,
    );
    // The browser also reported it to the policy's report-uri, where the workbench says it on the console.
    await eventually(() =>
      expect(reported.mock.calls.map((c) => String(c[0])).filter((l) => l.includes('CSP blocked'))).toEqual([
        expect.stringContaining('CSP blocked eval (script-src)'),
      ]),
    );
    await page.close();
  });
});

describe('under a copy of the manifest without permissions.content', () => {
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csp-undeclared-'));
    const manifest = parseYaml(fs.readFileSync(path.join(ROOT_DIR, 'manifest.yml'), 'utf8')) as {
      permissions: { content?: unknown };
    };
    expect(manifest.permissions.content).toEqual({ styles: ['unsafe-inline'] });
    delete manifest.permissions.content;
    const manifestFile = path.join(dir, 'manifest.yml');
    fs.writeFileSync(manifestFile, stringifyYaml(manifest));
    wb = await startWatched(manifestFile);
  });
  afterAll(async () => {
    await wb?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("keeps Atlaskit's date picker calendar styled: it needs no runtime style, so nothing is blocked", async () => {
    violations.length = 0;
    const { page, styles } = await calendarStyles('light');
    expect(styles).toEqual({ runtimeSheets: 0, weeksBoxSizing: 'border-box' });
    // Let a late style insertion report itself before concluding there was none.
    await page.waitForTimeout(300);
    expect(violations).toEqual([]);
    await page.close();
  });

  it("blocks a style added at run time, as it would block Atlaskit's, and reports it", async () => {
    violations.length = 0;
    const { page, frame } = await openSurface(SURFACES[0]!, 'light');
    reported.mockClear();
    const added = await addRuntimeStyle(frame);
    // No sheet to insert into, no rule, and the outline never shows: what Atlaskit's Emotion styles would meet.
    expect(added).toEqual({ inserted: false, rules: 0, outline: expect.not.stringMatching('255, 0, 0') });
    await eventually(() =>
      expect(violations.map((v) => `${v.directive} ${v.blocked}`)).toEqual(['style-src-elem inline']),
    );
    await eventually(() =>
      expect(reported.mock.calls.map((c) => String(c[0])).filter((l) => l.includes('CSP blocked'))).toEqual([
        expect.stringContaining('CSP blocked inline (style-src-elem)'),
      ]),
    );
    await page.close();
  });
});
