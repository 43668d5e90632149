/**
 * Every Custom UI surface boots under the Content-Security-Policy Forge serves (built by `@forge/csp` from
 * manifest.yml, sent by the workbench with each resource) without a single `securitypolicyviolation`, in both
 * themes, and its stylesheet really applies: an inline `<style>`, a `new Function` probe or a style attribute
 * the policy blocks shows up here as a violation, and a page left unstyled fails the style checks.
 */
import path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { buildSurface } from '../../scripts/build-static';
import { seedDemo } from '../../workbench/seed/demo';
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
const violations: Violation[] = [];
/** Custom UI resources the browser fetched, with their CSP header (null when missing). */
const resources: Array<{ url: string; csp: string | null }> = [];

beforeAll(async () => {
  await Promise.all(['issue-panel', 'outcome-map', 'settings'].map((s) => buildSurface(s)));
  wb = await startBrowserWorkbench({ seed: (app) => seedDemo(app, new Date()) });
  const row = wb.app.jira.store.db.prepare('SELECT key FROM jira_issues ORDER BY id LIMIT 1').get() as
    { key: string } | undefined;
  if (!row) throw new Error('The demo backlog has no issue');
  issueKey = row.key;
  // Reported from every frame (host pages and surface iframes), from before the first script of a document.
  await wb.context.exposeBinding('__olReportCspViolation', (_source, v: Violation) => {
    violations.push(v);
  });
  await wb.context.addInitScript(() => {
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
  wb.context.on('response', (response) => {
    if (new URL(response.url()).pathname.startsWith('/static/'))
      resources.push({ url: response.url(), csp: response.headers()['content-security-policy'] ?? null });
  });
});
afterAll(async () => wb?.close());

/** The workbench's console line per CSP report it receives (kept quiet here; the control test reads it). */
const reported = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
afterAll(() => reported.mockRestore());

const PANEL = 'iframe[data-wb-module="outcome-lens-issue-panel"]';
const PROJECT_PAGE = 'iframe[data-wb-module="outcome-lens-project-page"]';
const SETTINGS = 'iframe[data-wb-module="outcome-lens-settings"]';

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
    await frame.locator('section[role="tabpanel"]:not([aria-busy="true"])').waitFor();
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
    return {
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
});

it('sees a violation when a surface breaks the policy: an inline <style>, and a string run as code', async () => {
  violations.length = 0;
  const { page, frame } = await openSurface(SURFACES[0]!, 'light');
  expect(violations).toEqual([]);
  reported.mockClear();
  const rules = await frame.evaluate(() => {
    const style = document.createElement('style');
    style.textContent = 'body { outline: 3px solid red; }';
    document.head.appendChild(style);
    // A timer given a string is eval, as zod's `new Function` probe is (the test's own evaluate is exempt).
    (setTimeout as (code: string, ms: number) => number)('window.__olEvalRan = true', 0);
    return style.sheet?.cssRules.length ?? 0;
  });
  // The sheet stays empty and the string never runs: what a real site did to the old styles.ts and zod's JIT.
  expect(rules).toBe(0);
  await eventually(() =>
    expect(violations.map((v) => `${v.directive} ${v.blocked}`).sort()).toEqual([
      'script-src eval',
      'style-src-elem inline',
    ]),
  );
  expect(await frame.evaluate(() => (window as unknown as { __olEvalRan?: boolean }).__olEvalRan)).toBe(
    undefined,
  );
  // The browser also reported both to the policy's report-uri, where the workbench says them on the console.
  await eventually(() =>
    expect(reported.mock.calls.map((c) => String(c[0])).filter((l) => l.includes('CSP blocked'))).toEqual(
      expect.arrayContaining([
        expect.stringContaining('CSP blocked inline (style-src-elem)'),
        expect.stringContaining('CSP blocked eval (script-src)'),
      ]),
    ),
  );
  await page.close();
});
