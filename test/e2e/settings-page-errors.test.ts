/**
 * The settings page when a request fails, in a real browser: a Save that never reached the app is said where the
 * person can see it, however far down the long form they pressed Save, and a first load that failed offers to
 * load again. One workbench, an empty project DEMO.
 */
import type { Page, Route } from 'playwright-core';
import { eventually, type BrowserWorkbench } from '../support/browser';
import { openSettings, SETTINGS_FRAME, startSettingsWorkbench } from '../support/settings-page';
import { SETTINGS_RESOLVERS as R } from '../../src/contract/settings-keys';

jest.setTimeout(120_000);

let wb: BrowserWorkbench;

beforeAll(async () => {
  wb = await startSettingsWorkbench();
});
afterAll(async () => wb?.close());

/** From now on the page's calls of the resolver `functionKey` never reach the app (the connection drops). */
async function dropCalls(page: Page, functionKey: string, times = Infinity): Promise<{ dropped: number }> {
  const count = { dropped: 0 };
  await page.route('**/__bridge/invoke', async (route: Route) => {
    const called = (JSON.parse(route.request().postData() ?? '{}') as { functionKey?: string }).functionKey;
    if (called !== functionKey || count.dropped >= times) return route.fallback();
    count.dropped += 1;
    return route.abort();
  });
  return count;
}

describe('a settings save that never reached the app', () => {
  // A person changes Max idle days, scrolls down the long form and presses Save settings at its foot. The
  // connection drops. Before the mend the page said "Not saved" only at the top of the form, scrolled out of
  // view, with no flag: the person saw nothing happen. What should happen: the keyboard and the view are taken
  // to the message.
  it('takes the keyboard and the view to the message at the top of the form', async () => {
    const { page, frame } = await openSettings(wb, 'admin', '', { viewport: { width: 1280, height: 800 } });
    await frame.getByLabel('Max idle days', { exact: true }).fill('45');
    const dropped = await dropCalls(page, R.save);
    const save = frame.getByRole('button', { name: 'Save settings' });
    await save.scrollIntoViewIfNeeded();
    await save.click();
    const message = frame.getByTestId('settings-message');
    await message.getByText('Not saved').waitFor();
    expect(dropped.dropped).toBe(1);
    expect(await message.innerText()).toMatch(/did not answer/);
    await eventually(async () =>
      expect(await message.evaluate((m) => m.parentElement!.contains(document.activeElement))).toBe(true),
    );
    // In view in the browser's window, not only within the frame.
    const box = (await message.boundingBox())!;
    expect(box.y + box.height).toBeGreaterThan(0);
    expect(box.y).toBeLessThan(page.viewportSize()!.height);
    await page.close();
  });
});

describe('settings whose first load failed', () => {
  // A person opens the settings while the connection blips: the first read never reaches the app. Before the
  // mend the page said "Settings could not load … Try again in a moment" with no way to try but reloading the
  // whole Jira page. What should happen: as the gadget and the project page's views do, it offers Try again,
  // which loads the form.
  it('offers Try again, and draws the form when it is pressed', async () => {
    const page = await wb.openAs('admin', '/projects/DEMO/settings');
    // The page's own first read happened before the route: it loads again, with the first read dropped.
    const dropped = await dropCalls(page, R.load, 1);
    await page.reload({ waitUntil: 'load' });
    const frame = await wb.panelFrame(page, SETTINGS_FRAME);
    const failed = frame.getByRole('alert').filter({ hasText: 'Settings could not load' });
    await failed.waitFor({ timeout: 30_000 });
    expect(dropped.dropped).toBe(1);
    await failed.getByRole('button', { name: 'Try again' }).click();
    await frame.getByRole('form', { name: 'Outcome Lens settings' }).waitFor({ timeout: 30_000 });
    // The failure is gone with the load that mended it, and is not left above the form as a refused save.
    expect(await frame.getByText('Settings could not load').count()).toBe(0);
    expect(await frame.getByTestId('settings-message').count()).toBe(0);
    await page.close();
  });
});
