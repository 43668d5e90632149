/**
 * Forge sizes a surface's frame to its content, so the project page's frame can be thousands of pixels taller than
 * the window: a dialog Atlaskit centres in the frame's own viewport can open where the person does not look. Here a
 * person scrolls the Kill review down to its last zombie and presses Keep, on a phone-sized and a laptop-sized
 * window: the dialog's Confirm keep must be inside the window, before and after a refusal makes the dialog taller.
 */
import type { Frame, Locator, Page } from 'playwright-core';
import type { BrowserWorkbench } from '../support/browser';
import { PAGE_FRAME, startDemoAfterScan } from '../support/demo-project';

jest.setTimeout(120_000);

let wb: BrowserWorkbench;

beforeAll(async () => {
  ({ wb } = await startDemoAfterScan(['outcome-map']));
});
afterAll(async () => wb?.close());

/** An element's box in the window's coordinates: the frame's place in the page plus the element's in the frame. */
async function boxInWindow(page: Page, element: Locator) {
  const frameTop = await page.locator(PAGE_FRAME).evaluate((f) => f.getBoundingClientRect().top);
  const inFrame = await element.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return { top: r.top, bottom: r.bottom };
  });
  return { top: frameTop + inFrame.top, bottom: frameTop + inFrame.bottom };
}

/** The box once the dialog's entrance, its placing and any scrolling have finished. */
async function settledBoxInWindow(page: Page, element: Locator) {
  let last = await boxInWindow(page, element);
  for (let i = 0; i < 50; i++) {
    await page.waitForTimeout(100);
    const now = await boxInWindow(page, element);
    if (now.top === last.top && now.bottom === last.bottom) return now;
    last = now;
  }
  throw new Error('The element kept moving for 5 seconds');
}

async function expectInWindow(page: Page, element: Locator) {
  const box = await settledBoxInWindow(page, element);
  const windowHeight = await page.evaluate(() => window.innerHeight);
  expect({ top: box.top >= 0, bottom: box.bottom <= windowHeight }).toEqual({ top: true, bottom: true });
}

/**
 * Opens the Kill review in a window of `viewport` and scrolls, as a person reading down it, until a zombie low in
 * the queue has its Keep button near the window's bottom edge, or near its top edge (no room above it there).
 */
async function keepLowInTheQueue(viewport: { width: number; height: number }, buttonNear: 'bottom' | 'top') {
  const page = await wb.openAs('admin', '/projects/DEMO/outcomes', { viewport });
  const frame: Frame = await wb.panelFrame(page, PAGE_FRAME);
  await frame.getByRole('tab', { name: 'Kill review' }).click();
  const listed = frame.getByRole('list', { name: 'Zombie queue' }).locator('[data-testid^="zombie-"]');
  await listed.first().waitFor({ timeout: 30_000 });
  const count = await listed.count();
  // Near the top edge, one far enough from the end of the page for the window to scroll that far.
  const item = buttonNear === 'bottom' ? listed.last() : listed.nth(Math.floor(count / 2));
  const key = ((await item.getAttribute('data-testid')) ?? '').replace('zombie-', '');
  const keep = frame.getByTestId(`zombie-${key}`).getByRole('button', { name: `Keep ${key}` });
  await keep.scrollIntoViewIfNeeded();
  const at = await boxInWindow(page, keep);
  const by = buttonNear === 'bottom' ? at.bottom - (viewport.height - 16) : at.top - 16;
  await page.evaluate((dy) => window.scrollBy(0, dy), by);
  return { page, frame, key, keep };
}

describe.each([
  { width: 400, height: 700, buttonNear: 'bottom' as const },
  { width: 400, height: 700, buttonNear: 'top' as const },
  { width: 1280, height: 900, buttonNear: 'bottom' as const },
  { width: 1280, height: 900, buttonNear: 'top' as const },
])(
  'a dialog opened low in the tall frame, at $width×$height, its button near the window’s $buttonNear',
  ({ buttonNear, ...viewport }) => {
    it('opens with its Confirm button inside the window, and keeps it there after a refusal', async () => {
      const { page, frame, key, keep } = await keepLowInTheQueue(viewport, buttonNear);
      // Pressed where the person scrolled to: the button is in the window.
      const pressedAt = await boxInWindow(page, keep);
      expect(pressedAt.top).toBeGreaterThanOrEqual(0);
      expect(pressedAt.bottom).toBeLessThanOrEqual(viewport.height);
      // Low in the frame: the frame's own viewport (where Atlaskit centres a modal) is far taller than the window.
      const frameHeight = await frame.evaluate(() => window.innerHeight);
      expect(frameHeight).toBeGreaterThan(viewport.height * 2);
      await keep.click();
      const dialog = frame.getByRole('dialog', { name: `Keep ${key}` });
      const confirm = dialog.getByRole('button', { name: 'Confirm keep' });
      await confirm.waitFor();
      await expectInWindow(page, confirm);
      await expectInWindow(page, dialog.getByRole('heading', { name: `Keep ${key}` }));

      // No reason: refused, and the refusal shown at the top of the dialog makes it taller.
      await confirm.click();
      await dialog.getByText('Nothing was changed').waitFor({ timeout: 30_000 });
      await expectInWindow(page, confirm);
      await page.close();
    });
  },
);
