/**
 * Checks every Custom UI surface's browser test makes (issue 15, "screens a person can read"): axe-core with no
 * serious or critical violation, the host's theme switched the way its toggle does, an 800 px wide window,
 * nothing that scrolls sideways, and a screenshot in SCREENSHOT_DIR (named in the README) for a reviewer.
 *
 *   const page = await wb.openAs('admin', '/projects/DEMO/settings', { viewport: NARROW_VIEWPORT });
 *   const frame = await wb.panelFrame(page, SETTINGS_FRAME);
 *   await setTheme(page, frame, 'dark');
 *   await expectAxeClean(wb, frame, 'settings, dark');
 *   expect(await sidewaysOverflow(frame)).toEqual([]);
 *   await saveScreenshot(page, 'settings-dark-800');
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { eventually, type AxeViolation, type BrowserWorkbench } from './browser';

/** Where the browser tests write their screenshots (ignored by git): `test/screenshots/<name>.png`. */
export const SCREENSHOT_DIR = path.resolve(__dirname, '..', 'screenshots');

/** The narrowest window issue 15 holds the surfaces to. */
export const NARROW_VIEWPORT = { width: 800, height: 900 } as const;

export type ColorMode = 'light' | 'dark';

/** Sets the page's window size (the host page and the surface iframes in it reflow to it). */
export async function setViewport(page: Page, size: { width: number; height: number } = NARROW_VIEWPORT) {
  await page.setViewportSize(size);
}

/**
 * Switches the host to `mode` as a person does, with its theme toggle (which messages every surface iframe),
 * and waits until the surface's document carries the mode and Atlaskit's theme attributes. Does nothing to the
 * toggle when the host already shows `mode`.
 */
export async function setTheme(page: Page, frame: Frame, mode: ColorMode): Promise<void> {
  const hostMode = await page.evaluate(() => document.documentElement.getAttribute('data-color-mode'));
  if ((hostMode === 'dark' ? 'dark' : 'light') !== mode) await page.locator('#wb-theme-toggle').click();
  await eventually(async () => {
    const modes = await frame.evaluate(() => ({
      colorMode: document.documentElement.getAttribute('data-color-mode'),
      theme: document.documentElement.getAttribute('data-theme'),
    }));
    if (modes.colorMode !== mode || !modes.theme)
      throw new Error(`The surface shows ${JSON.stringify(modes)}, not the ${mode} theme`);
  });
}

/** The violations axe-core rates serious or critical: what a surface may not have. */
export function seriousOrCritical(violations: AxeViolation[]): AxeViolation[] {
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** One line per violation and element, to read in a failing test's output. */
export function describeViolations(violations: AxeViolation[]): string {
  return violations
    .flatMap((v) =>
      v.nodes.map((n) => `${v.impact ?? '?'} ${v.id} (${v.help}): ${JSON.stringify(n.target)} ${n.html}`),
    )
    .join('\n');
}

/**
 * Runs axe-core (its `axe.source` injected into the frame) and fails, naming every element, when any violation
 * is serious or critical. Returns all violations, so a test can report the minor ones.
 */
export async function expectAxeClean(
  wb: BrowserWorkbench,
  target: Page | Frame,
  label: string,
): Promise<AxeViolation[]> {
  const violations = await wb.runAxe(target);
  const serious = seriousOrCritical(violations);
  if (serious.length)
    throw new Error(
      `${label}: ${serious.length} serious or critical axe violation(s)\n${describeViolations(serious)}`,
    );
  return violations;
}

export interface Overflow {
  /** A CSS path to the element. */
  element: string;
  /** How far it reaches past the right edge of the document, in px. */
  pastEdge: number;
}

/**
 * Whether the surface's document scrolls sideways (scrollWidth over clientWidth), and if it does, the elements
 * that reach past its right edge, outermost first (a table in its own scroll region does not count: it scrolls
 * inside itself). An empty list is a page that fits.
 */
export async function sidewaysOverflow(target: Page | Frame): Promise<Overflow[]> {
  return target.evaluate(() => {
    const root = document.documentElement;
    if (root.scrollWidth <= root.clientWidth) return [];
    const edge = root.clientWidth;
    const pathOf = (el: Element): string => {
      const parts: string[] = [];
      for (let e: Element | null = el; e && e !== document.body; e = e.parentElement) {
        const id = e.id ? `#${e.id}` : '';
        const cls = typeof e.className === 'string' && e.className ? `.${e.className.split(/\s+/)[0]}` : '';
        parts.unshift(`${e.tagName.toLowerCase()}${id}${cls}`);
      }
      return parts.join(' > ');
    };
    const found: Array<{ element: string; pastEdge: number }> = [];
    for (const el of Array.from(document.body.querySelectorAll('*'))) {
      const right = el.getBoundingClientRect().right + window.scrollX;
      if (right > edge + 0.5 && !found.some((f) => pathOf(el).startsWith(f.element)))
        found.push({ element: pathOf(el), pastEdge: Math.round(right - edge) });
    }
    // Nothing found by box (a margin or transform): still report the document itself.
    return found.length
      ? found.slice(0, 10)
      : [{ element: 'html', pastEdge: root.scrollWidth - root.clientWidth }];
  });
}

/** Writes a full-page screenshot of `page` to SCREENSHOT_DIR/<name>.png and returns the file's path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name.replace(/[^a-z0-9-]+/gi, '-')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Chooses an option of an Atlaskit Select by keyboard alone, as a person would: focus the field named by its
 * visible label, ArrowDown opens the menu, ArrowDown moves to the option (the input's aria-activedescendant names
 * the focused one), Enter picks it. Waits for the menu and for each move, so a slow machine does not race it.
 */
export async function chooseByKeyboard(
  page: Page,
  frame: Frame,
  label: string,
  option: string | RegExp,
): Promise<void> {
  const input = frame.getByLabel(label, { exact: true });
  await input.waitFor({ state: 'visible' });
  await input.focus();
  await page.keyboard.press('ArrowDown');
  // A string names the whole option ('Validated' is not 'Invalidated'); a pattern may match part of it.
  const wanted = frame.getByRole('option', { name: option, exact: typeof option === 'string' });
  await wanted.waitFor({ state: 'visible' });
  const wantedId = await wanted.getAttribute('id');
  const options = await frame.getByRole('option').count();
  for (let moves = 0; moves <= options; moves++) {
    const active = await input.getAttribute('aria-activedescendant');
    if (active === wantedId) break;
    await page.keyboard.press('ArrowDown');
    await frame.waitForFunction(
      ([id, before]) => document.getElementById(id)?.getAttribute('aria-activedescendant') !== before,
      [(await input.getAttribute('id')) ?? '', active] as const,
    );
  }
  if ((await input.getAttribute('aria-activedescendant')) !== wantedId)
    throw new Error(`The keyboard never reached the option ${String(option)} of ${label}`);
  await page.keyboard.press('Enter');
  await wanted.waitFor({ state: 'detached' });
}

/**
 * Types an ISO date into an Atlaskit DatePicker named by its visible label and takes it with Enter, as a person
 * does, then waits until the picker holds it: its hidden input (named `name`) carries the ISO value.
 */
export async function typeDate(frame: Frame, label: string, iso: string, name: string): Promise<void> {
  const input = frame.getByLabel(label, { exact: true });
  await input.waitFor({ state: 'visible' });
  await input.fill(iso);
  await input.press('Enter');
  await frame.waitForFunction(
    ([n, v]) => document.querySelector<HTMLInputElement>(`input[type="hidden"][name="${n}"]`)?.value === v,
    [name, iso] as const,
  );
}
