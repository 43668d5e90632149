/**
 * Shared helper for browser tests: Debian's chromium through playwright-core, a workbench app and server on
 * 127.0.0.1 (free port, in-memory db by default), and small helpers to open pages as a user, reach a surface's
 * iframe and run axe-core.
 *
 *   const wb = await startBrowserWorkbench({ seed: (app) => { ... } });
 *   const page = await wb.openAs('member', '/browse/DEMO-1');
 *   const panel = await wb.panelFrame(page);
 *   const violations = await wb.runAxe(panel);
 *   await eventually(async () => expect(await panel.locator('li').count()).toBe(3));
 *   await wb.close();
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  chromium,
  type BrowserContext,
  type Frame,
  type Locator,
  type Page,
  type Route,
} from 'playwright-core';
import { buildSurface } from '../../scripts/build-static';
import { createWorkbenchApp, type WorkbenchApp, type WorkbenchAppOptions } from '../../workbench/app';
import { startWorkbenchServer, type WorkbenchServer } from '../../workbench/server';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * The pages the running test opened, closed when it ends (test/setup/timeout-e2e.ts): a test that failed before its
 * own `page.close()` leaves none running beside its retry and the tests after it. Pages opened outside a test (in
 * a `beforeAll`) are the file's and stay open.
 */
const pagesOfTheTest = new Set<Page>();
let inATest = false;

export function startTestPages(): void {
  inATest = true;
  pagesOfTheTest.clear();
}

export async function closeTestPages(): Promise<void> {
  inATest = false;
  const open = [...pagesOfTheTest].filter((p) => !p.isClosed());
  pagesOfTheTest.clear();
  await Promise.all(open.map((p) => p.close().catch(() => undefined)));
}

export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

export interface BrowserWorkbenchOptions {
  /** Defaults to ':memory:'. */
  dataFile?: string;
  now?: WorkbenchAppOptions['now'];
  /** Fills Jira (projects, issues, test modules) before the server starts. */
  seed?: (app: WorkbenchApp) => void | Promise<void>;
  /** Folder holding static/<surface>/build; defaults to the repository's static/. */
  staticDir?: string;
  colorMode?: 'light' | 'dark';
  /** Another manifest.yml (e.g. one without `permissions.content`): the CSP and modules come from it. */
  manifestFile?: string;
  /** Forge's invocation limits, shrunk for a test that must see one hit (`timeScale`). */
  limits?: WorkbenchAppOptions['limits'];
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[]; html: string }>;
}

export interface BrowserWorkbench {
  app: WorkbenchApp;
  server: WorkbenchServer;
  /** A persistent context over a fresh user-data dir: the browser itself. */
  context: BrowserContext;
  /** Opens `path` acting as `user` (adds ?user=) and waits for the page's load event. */
  openAs(
    user: string,
    path: string,
    options?: {
      colorMode?: 'light' | 'dark';
      viewport?: { width: number; height: number };
      /** Run in the page and each of its frames before their own scripts (Playwright's addInitScript). */
      initScript?: string;
    },
  ): Promise<Page>;
  /** The first surface iframe of the page (the issue panel on /browse pages), once its document has loaded. */
  panelFrame(page: Page, selector?: string): Promise<Frame>;
  /** Runs axe-core in a page or frame; returns the violations. */
  runAxe(
    target: Page | Frame,
    options?: { rules?: Record<string, { enabled: boolean }> },
  ): Promise<AxeViolation[]>;
  close(): Promise<void>;
}

export async function startBrowserWorkbench(
  options: BrowserWorkbenchOptions = {},
): Promise<BrowserWorkbench> {
  const executablePath = chromiumPath();
  if (!fs.existsSync(executablePath))
    throw new Error(
      `No chromium at ${executablePath}: run 'bash scripts/ensure-chromium.sh' or set CHROMIUM_PATH`,
    );
  const app = createWorkbenchApp({
    dataFile: options.dataFile ?? ':memory:',
    ...(options.now ? { now: options.now } : {}),
    ...(options.manifestFile ? { manifestFile: options.manifestFile } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
  });
  let server: WorkbenchServer | undefined;
  let context: BrowserContext | undefined;
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wb-chromium-'));
  try {
    await options.seed?.(app);
    server = await startWorkbenchServer(app, {
      port: 0,
      host: '127.0.0.1',
      ...(options.staticDir ? { staticDir: options.staticDir } : {}),
    });
    // A fresh profile per run: nothing cached from another test run.
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      colorScheme: options.colorMode ?? 'light',
    });
  } catch (error) {
    await server?.close();
    app.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
    throw error;
  }
  const srv = server;
  const ctx = context;

  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const axeSource = (require('axe-core') as { source: string }).source;

  return {
    app,
    server: srv,
    context: ctx,
    async openAs(user, pagePath, opts = {}) {
      const url = new URL(pagePath, srv.url);
      url.searchParams.set('user', user);
      if (opts.colorMode) url.searchParams.set('theme', opts.colorMode);
      const page = await ctx.newPage();
      if (inATest) pagesOfTheTest.add(page);
      if (opts.viewport) await page.setViewportSize(opts.viewport);
      if (opts.initScript) await page.addInitScript(opts.initScript);
      await page.goto(url.href, { waitUntil: 'load' });
      return page;
    },
    async panelFrame(page, selector = 'iframe[data-wb-frame]') {
      const handle = await page.waitForSelector(selector);
      const frame = await handle.contentFrame();
      if (!frame) throw new Error(`${selector} has no frame`);
      await frame.waitForLoadState('load');
      return frame;
    },
    async runAxe(target, axeOptions = {}) {
      await target.evaluate(axeSource);
      return target.evaluate(
        async (opts) =>
          (
            await (
              window as unknown as {
                axe: { run: (ctx: Document, o: unknown) => Promise<{ violations: AxeViolation[] }> };
              }
            ).axe.run(document, opts)
          ).violations.map((v) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            nodes: v.nodes.map((n) => ({ target: n.target, html: n.html })),
          })),
        axeOptions,
      );
    },
    async close() {
      await ctx.close().catch(() => undefined);
      await srv.close();
      app.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** The issue panel's iframe on an issue page of the workbench. */
export const PANEL_FRAME = 'iframe[data-wb-module="outcome-lens-issue-panel"]';

/**
 * Builds the issue panel and starts a workbench whose Jira holds one empty project (`key`), with the demo's
 * people in its roles: for the panel's own browser tests, each of which makes the issues it needs.
 */
export async function startPanelWorkbench(
  key: string,
  name: string,
  options: Omit<BrowserWorkbenchOptions, 'seed'> = {},
): Promise<BrowserWorkbench> {
  await buildSurface('issue-panel');
  return startBrowserWorkbench({
    ...options,
    seed: (app) => {
      app.jira.store.createProject({ key, name });
      app.grantDemoRoles(key);
    },
  });
}

/**
 * Retries an async assertion until it passes or `timeout` ms have gone by, then throws its last failure.
 * For state a locator cannot wait for (focus moved in an effect, a count that settles after a load): the
 * assertion keeps its exact meaning, it is only allowed to become true on a slow machine.
 */
export async function eventually<T>(
  assertion: () => T | Promise<T>,
  { timeout = 15_000, interval = 50 }: { timeout?: number; interval?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/**
 * Clicks the blanket beside an open dialog (at the frame's left edge, level with the dialog's middle), once the
 * dialog is placed in the window: a frame taller than the window places its dialogs after they open.
 */
export async function clickBesideDialog(page: Page, dialog: Locator, frameSelector: string): Promise<void> {
  const dialogBox = await eventually(async () => {
    const box = (await dialog.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(page.viewportSize()!.height);
    return box;
  });
  const frameBox = (await page.locator(frameSelector).boundingBox())!;
  expect(dialogBox.x - frameBox.x).toBeGreaterThan(20);
  await page.mouse.click(frameBox.x + 10, dialogBox.y + dialogBox.height / 2);
}

/** The resolver a routed bridge call (the host's invoke endpoint) asks for. */
function invokedFunction(route: Route): string | undefined {
  return (JSON.parse(route.request().postData() ?? '{}') as { functionKey?: string }).functionKey;
}

/**
 * The page's next call of the resolver `functionKey` reaches the app, which acts on it, and its answer is lost on
 * the way back (the page hears the call fail). `dropped` counts the answers lost so far (at most one).
 */
export async function loseNextAnswer(page: Page, functionKey: string): Promise<{ dropped: number }> {
  const lost = { dropped: 0 };
  await page.route('**/__bridge/invoke', async (route) => {
    const called = invokedFunction(route);
    if (called !== functionKey || lost.dropped > 0) return route.continue();
    lost.dropped += 1;
    await route.fetch();
    await route.abort();
  });
  return lost;
}

/**
 * From now on, the page hears the answers of the resolver `functionKey` `ms` later than the app gives them: a slow
 * read beside fast ones. Other calls go on to the next route, or to the app.
 */
export async function delayAnswers(page: Page, functionKey: string, ms: number): Promise<void> {
  await page.route('**/__bridge/invoke', async (route) => {
    const called = invokedFunction(route);
    if (called !== functionKey) return route.fallback();
    const response = await route.fetch();
    await new Promise((resolve) => setTimeout(resolve, ms));
    await route.fulfill({ response });
  });
}

/**
 * On Backlog health (already open in `frame`), lists every recipe: "List every recipe", then "Load more recipes"
 * until the list's status no longer speaks of a partial list. Answers the list and its final status text.
 */
export async function listEveryRecipe(
  frame: Frame,
  timeout: number,
): Promise<{ list: Locator; status: string }> {
  const list = frame.getByTestId('all-recipes');
  await list.getByRole('button', { name: 'List every recipe' }).click({ timeout: 30_000 });
  const more = list.getByRole('button', { name: 'Load more recipes' });
  const status = list.getByRole('status');
  await eventually(
    async () => {
      if (await more.isVisible()) await more.click();
      expect(await status.innerText()).not.toMatch(/so far|^\d+ recipes\.$/);
    },
    { timeout, interval: 500 },
  );
  return { list, status: await status.innerText() };
}

/**
 * In the issue panel's open "Paste a story" box, presses `button` ("Fill fields", or "Fill the fields anyway")
 * and waits for the resolver's reading to land: the box closes with the fields filled, a recipe warning shows (one
 * not shown before the press), the box says the story could not be read, or it stays open saying nothing could be
 * read from it. Answers which.
 */
export async function fillFromPastedStory(
  panel: Frame,
  button = 'Fill fields',
): Promise<'filled' | 'recipe' | 'error' | 'nothing read'> {
  const box = panel.getByRole('group', { name: 'Paste a story' });
  const warning = panel.getByTestId('paste-recipe-warning');
  const warnedBefore = await warning.isVisible();
  await box.getByRole('button', { name: button }).click();
  return eventually(async () => {
    if (!(await box.isVisible())) return 'filled' as const;
    if (await panel.getByTestId('paste-error').isVisible()) return 'error' as const;
    if (await panel.getByTestId('paste-nothing-read').isVisible()) return 'nothing read' as const;
    if (!warnedBefore && (await warning.isVisible())) return 'recipe' as const;
    throw new Error(`the pasted story is still being read after "${button}"`);
  });
}

const namesGiven = new Set<string>();
/**
 * An outcome's name not given before in this process: an active outcome's name must be its own, and a test jest
 * retries after a failure finds the outcome its first try created still there.
 */
export function freshName(name: string): string {
  let fresh = name;
  for (let n = 2; namesGiven.has(fresh); n++) fresh = `${name} ${n}`;
  namesGiven.add(fresh);
  return fresh;
}
