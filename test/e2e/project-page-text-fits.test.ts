/**
 * The project page's Results review on the demo backlog after a scan, read in a laptop-sized and a phone-sized
 * window: issue keys and dates are not broken across lines ("DEMO-" over "81"), the Outcome map's buttons show
 * their labels in full, and in a narrow frame the tables scroll sideways in their own regions instead of the review
 * being cut off at the frame's right edge.
 */
import type { Frame } from 'playwright-core';
import type { BrowserWorkbench } from '../support/browser';
import { PAGE_FRAME, startDemoAfterScan } from '../support/demo-project';

jest.setTimeout(120_000);

let wb: BrowserWorkbench;

beforeAll(async () => {
  ({ wb } = await startDemoAfterScan(['outcome-map']));
});
afterAll(async () => wb?.close());

async function resultsReview(viewport: { width: number; height: number }) {
  const page = await wb.openAs('admin', '/projects/DEMO/outcomes', { viewport });
  const frame: Frame = await wb.panelFrame(page, PAGE_FRAME);
  await frame.getByRole('tab', { name: 'Results review' }).click();
  await frame.getByTestId('due-bets').locator('tbody tr').first().waitFor({ timeout: 30_000 });
  return { page, frame };
}

/** The texts (issue keys, dates) in the review that the browser laid out on more than one line. */
function brokenAcrossLines(frame: Frame): Promise<string[]> {
  return frame.evaluate(() => {
    const review = document.querySelector('[data-testid="results-review"]')!;
    const keysAndDates = [...review.querySelectorAll('a, td span')].filter((el) =>
      /^([A-Z][A-Z0-9]+-\d+|\d{4}-\d{2}-\d{2})$/.test(el.textContent?.trim() ?? ''),
    );
    if (keysAndDates.length === 0) throw new Error('no issue key or date in the review');
    return keysAndDates.filter((el) => el.getClientRects().length > 1).map((el) => el.textContent ?? '');
  });
}

it('keeps issue keys and delivered dates on one line', async () => {
  const { page, frame } = await resultsReview({ width: 1280, height: 900 });
  expect(await brokenAcrossLines(frame)).toEqual([]);
  await page.close();
});

it('at 400 px lets the tables scroll in their own regions, with nothing wider than the frame', async () => {
  const { page, frame } = await resultsReview({ width: 400, height: 700 });
  const widths = await frame.evaluate(() => {
    const review = document.querySelector<HTMLElement>('[data-testid="results-review"]')!;
    const intro = review.querySelector('p')!;
    return {
      page: document.documentElement.scrollWidth <= document.documentElement.clientWidth,
      // The review, its introduction and its Decide buttons fit the frame: nothing is cut at its right edge.
      review: review.getBoundingClientRect().right <= document.documentElement.clientWidth,
      intro: intro.getBoundingClientRect().right <= document.documentElement.clientWidth,
      tablesInRegions: [...review.querySelectorAll('table')].every((t) =>
        t.closest('[role="region"][tabindex="0"]'),
      ),
    };
  });
  expect(widths).toEqual({ page: true, review: true, intro: true, tablesInRegions: true });
  expect(await brokenAcrossLines(frame)).toEqual([]);
  // A Decide button scrolled to in its table's region shows its whole label.
  const decide = frame
    .getByTestId('due-bets')
    .getByRole('button', { name: /^Decide the verdict/ })
    .first();
  await decide.scrollIntoViewIfNeeded();
  expect(await decide.evaluate((b) => b.scrollWidth <= b.clientWidth)).toBe(true);
  expect(await decide.isVisible()).toBe(true);
  await page.close();
});

it('shows a lane’s Load more issues button’s label in full', async () => {
  const page = await wb.openAs('admin', '/projects/DEMO/outcomes', {
    viewport: { width: 1280, height: 900 },
  });
  const frame = await wb.panelFrame(page, PAGE_FRAME);
  await frame.getByRole('tab', { name: 'Outcome map' }).waitFor({ timeout: 30_000 });
  const more = frame.getByRole('button', { name: /^Load more issues: / });
  await more.first().waitFor({ timeout: 30_000 });
  const cut = await more.evaluateAll((buttons) =>
    buttons.flatMap((b) =>
      [b, ...b.querySelectorAll('*')]
        .filter((el) => el.scrollWidth > el.clientWidth + 1)
        .map((el) => el.textContent ?? ''),
    ),
  );
  expect(cut).toEqual([]);
  await page.close();
});

it('at 400 px shows every tab’s name in full, inside the frame', async () => {
  const page = await wb.openAs('admin', '/projects/DEMO/outcomes', { viewport: { width: 400, height: 800 } });
  const frame = await wb.panelFrame(page, PAGE_FRAME);
  const tabs = frame.getByRole('tab');
  await tabs.first().waitFor({ timeout: 30_000 });
  const laidOut = await tabs.evaluateAll((all) =>
    all.map((tab) => ({
      name: tab.textContent ?? '',
      cut: [tab, ...tab.querySelectorAll('*')].some((el) => el.scrollWidth > el.clientWidth + 1),
      inside: tab.getBoundingClientRect().right <= document.documentElement.clientWidth + 1,
    })),
  );
  expect(laidOut.length).toBeGreaterThan(3);
  expect(laidOut.filter((t) => t.cut || !t.inside)).toEqual([]);
  await page.close();
});
