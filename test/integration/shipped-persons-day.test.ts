/**
 * The last month of shipped versus moved is the one the person's own day falls in. Deliveries count in the site's
 * days (Jira renders `resolutiondate` in the app's zone, the site's default), so on a site in Auckland an item
 * resolved at 09:30 on 1 December counts in December while it is still 30 November in UTC: a view ending with the
 * UTC month would leave it out. The page and the gadget send the browser's day, taken when it is within a day of
 * the server's (no time zone is further off) and later than it; else the view ends with the server's day.
 */
import { createWorkbenchApp, type WorkbenchApp } from '../../workbench/app';
import { runInInvocation } from '../../workbench/forge/context';
import { DEFAULT_CUSTOM_FIELDS } from '../../workbench/jira/types';
import type { Answer } from '../../src/contract/answer';
import type { GadgetViewData, ShippedMovedData } from '../../src/contract/shipped';
import type { ShippedView } from '../../src/domain/shipped';
import { JiraClient } from '../../src/jira/client';
import { keepShippedSummary } from '../../src/scan/shipped';
import { setWallClock } from '../support/timing';

const P = 'SHIP';
const PAGE = 'outcome-lens-project-page';
const GADGET = 'outcome-lens-shipped-gadget';
/** 10:00 on 1 December in Auckland (+13:00). */
const NOW = new Date('2026-11-30T21:00:00.000Z');
let app: WorkbenchApp;

function ok<T>(a: unknown): T {
  const answer = a as Answer<T>;
  if (!answer.ok) throw new Error(`expected ok, got ${JSON.stringify(answer.error)}`);
  return answer.data;
}

beforeEach(async () => {
  // The resolvers read the wall clock.
  setWallClock(NOW, { frozen: true });
  app = createWorkbenchApp({ dataFile: ':memory:', now: () => NOW });
  app.jira.store.setSiteTimeZone('Pacific/Auckland');
  app.jira.store.createProject({ key: P, name: 'Shop' });
  app.grantDemoRoles(P);
  // Resolved at 09:30 on 1 December in Auckland, 20:30 on 30 November in UTC.
  app.jira.store.createIssue({
    projectKey: P,
    type: 'Story',
    summary: 'Pay on the phone',
    status: 'Done',
    statusCategory: 'done',
    resolution: 'Done',
    created: '2026-10-01T00:00:00.000Z',
    updated: '2026-11-30T20:30:00.000Z',
    resolutionDate: '2026-11-30T20:30:00.000Z',
    storyPoints: 3,
  });
  await runInInvocation({ accountId: null, moduleKey: PAGE, installContext: app.installContext }, () =>
    keepShippedSummary(P, NOW, JiraClient.asApp(), DEFAULT_CUSTOM_FIELDS, {}),
  );
});
afterEach(() => {
  app.close();
  jest.useRealTimers();
});

const page = async (payload: { today?: string }) =>
  ok<ShippedMovedData>(await app.invoke(PAGE, 'shippedMoved', payload, { user: 'viewer', projectKey: P }))
    .view;
const gadget = async (payload: { today?: string }) =>
  ok<GadgetViewData>(
    await app.invoke(GADGET, 'gadgetView', { projectKeys: [P], months: 3, ...payload }, { user: 'viewer' }),
  ).projects[0]!.view;
const lastMonth = (view: ShippedView) => view.months[view.months.length - 1]!;

describe.each([
  ['the project page', page],
  ['the gadget', gadget],
])('%s', (_surface, load) => {
  it('ends with the month of the person’s own day, with the item delivered on its first day', async () => {
    const view = await load({ today: '2026-12-01' });
    expect(lastMonth(view)).toMatchObject({ label: '2026-12', items: 1, points: 3 });
    expect(view.totals).toMatchObject({ items: 1, points: 3 });
  });

  it('takes the server’s day when the person’s is behind it: a month begun at the site is not hidden', async () => {
    // 15:00 on 1 December in Auckland; 21:00 on 30 November in New York, whose viewer sends that day.
    jest.setSystemTime(new Date('2026-12-01T02:00:00.000Z'));
    const view = await load({ today: '2026-11-30' });
    expect(lastMonth(view)).toMatchObject({ label: '2026-12', items: 1, points: 3 });
  });

  it('takes the server’s day when the page sends none, or one more than a day off', async () => {
    for (const payload of [{}, { today: '2026-12-05' }, { today: '2026-11-28' }]) {
      const view = await load(payload);
      expect(lastMonth(view)).toMatchObject({ label: '2026-11', items: 0 });
    }
  });

  it('refuses a day that is not a date, saying so', async () => {
    const answer = (await (load === page
      ? app.invoke(PAGE, 'shippedMoved', { today: '1 Dec' }, { user: 'viewer', projectKey: P })
      : app.invoke(
          GADGET,
          'gadgetView',
          { projectKeys: [P], months: 3, today: '2026-02-30' },
          { user: 'viewer' },
        ))) as Answer<unknown>;
    expect(answer.ok).toBe(false);
    if (!answer.ok)
      expect(answer.error.message).toMatch(/Today (must be a date like|is not a real calendar date)/);
  });
});
