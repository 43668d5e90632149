/**
 * The panel judges "today" by the person's own day, in a browser set to a time zone (Chromium reads TZ when it
 * starts): in the evening west of UTC today is not yet past, and early in the morning east of UTC yesterday is.
 * The browser's clock is fixed to an hour of the server's own UTC day, and the server's wall clock set to the same
 * moment: what the server accepts (a day anyone can still call today) depends on the hour, not on the day alone.
 */
import type { Frame } from 'playwright-core';
import { buildSurface } from '../../scripts/build-static';
import { ISSUE_PROPERTY_KEY } from '../../src/domain/issue-lens';
import { startBrowserWorkbench, type BrowserWorkbench } from '../support/browser';
import { typeDate } from '../support/surface-checks';
import { setWallClock } from '../support/timing';

jest.setTimeout(120_000);

const PANEL_FRAME = 'iframe[data-wb-module="outcome-lens-issue-panel"]';
const utcDay = (offset = 0) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

beforeAll(() => buildSurface('issue-panel'));

/** A workbench whose browser runs in `zone`, with its clock fixed at `utcTime` of the server's UTC day. */
async function panelIn(
  zone: string,
  utcTime: string,
): Promise<{ wb: BrowserWorkbench; key: string; panel: () => Promise<Frame> }> {
  const tz = process.env.TZ;
  process.env.TZ = zone;
  let key = '';
  try {
    const wb = await startBrowserWorkbench({
      seed: (app) => {
        app.jira.store.createProject({ key: 'ZONE', name: 'Zone' });
        app.grantDemoRoles('ZONE');
        key = app.jira.store.createIssue({ projectKey: 'ZONE', summary: 'Shoppers lose their carts' }).key;
      },
    });
    const moment = new Date(`${utcDay()}T${utcTime}Z`);
    await wb.context.clock.setFixedTime(moment);
    setWallClock(moment);
    const panel = async () => {
      const page = await wb.openAs('admin', `/browse/${key}`);
      const frame = await wb.panelFrame(page, PANEL_FRAME);
      await frame.getByLabel('Persona').waitFor({ timeout: 30_000 });
      return frame;
    };
    return { wb, key, panel };
  } finally {
    if (tz === undefined) delete process.env.TZ;
    else process.env.TZ = tz;
  }
}

async function fillBet(panel: Frame): Promise<void> {
  await panel.getByLabel('Persona').fill('returning shopper');
  await panel.getByLabel('Intent').fill('find my saved cart');
  await panel.getByLabel('Benefit').fill('I finish the order I started');
  await panel.getByLabel('Metric', { exact: true }).fill('cart recovery');
  await panel.getByLabel('Baseline').fill('10');
  await panel.getByLabel('Target', { exact: true }).fill('20');
}

describe('in the evening west of UTC', () => {
  let zone: Awaited<ReturnType<typeof panelIn>>;
  // 03:30 UTC is 19:30 the day before in Los Angeles.
  beforeAll(async () => (zone = await panelIn('America/Los_Angeles', '03:30:00')));
  afterAll(async () => {
    jest.useRealTimers();
    await zone?.wb.close();
  });

  it('takes today, the day before UTC’s, as the check-by date and saves it', async () => {
    const panel = await zone.panel();
    await fillBet(panel);
    const today = utcDay(-1);
    await typeDate(panel, 'Check by', today, 'ol-checkBy');
    expect(await panel.locator('#ol-checkBy-error').count()).toBe(0);
    await panel.getByRole('button', { name: 'Save' }).click();
    await panel.getByTestId('save-result').getByText('Saved', { exact: true }).waitFor({ timeout: 30_000 });
    expect(zone.wb.app.jira.store.getIssueProperty(zone.key, ISSUE_PROPERTY_KEY)).toMatchObject({
      expected: { checkBy: today },
    });
  });
});

describe('early in the morning east of UTC', () => {
  let zone: Awaited<ReturnType<typeof panelIn>>;
  // 12:30 UTC is past midnight of the next day in Kiritimati (UTC+14).
  beforeAll(async () => (zone = await panelIn('Pacific/Kiritimati', '12:30:00')));
  afterAll(async () => {
    jest.useRealTimers();
    await zone?.wb.close();
  });

  it('refuses yesterday, UTC’s day, as the check-by date at the field', async () => {
    const panel = await zone.panel();
    await fillBet(panel);
    await typeDate(panel, 'Check by', utcDay(), 'ol-checkBy');
    await panel.getByRole('button', { name: 'Save' }).click();
    await panel
      .locator('#ol-checkBy-error')
      .getByText(`Check by ${utcDay()} has already passed: choose a day from ${utcDay(1)} on.`)
      .waitFor();
    expect(zone.wb.app.jira.store.getIssueProperty(zone.key, ISSUE_PROPERTY_KEY)).toBeUndefined();
  });
});
