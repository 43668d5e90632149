/**
 * The month a delivery counts in on a site whose default user time zone is not UTC. Jira renders `resolutiondate`
 * in the calling account's zone ("2026-12-01T09:30:00.000+1300" for the app's account on a site in Auckland), and
 * its own `resolved >= startOfMonth()` counts the day there: an item resolved at 09:30 on 1 December in Auckland
 * (20:30 on 30 November in UTC) is shipped in December, not November (src/domain/delivery.ts, resolvedOn).
 */
import { JiraClient } from '../../src/jira/client';
import { keepShippedSummary } from '../../src/scan/shipped';
import { loadShippedItems, loadShippedSummary } from '../../src/storage/shipped';
import { createWorkbench, PROJECT_KEY, type Workbench } from '../support/workbench-harness';

const NOW = Date.parse('2026-12-02T00:00:00.000Z');
const fields = { sprint: 'customfield_10020', storyPoints: 'customfield_10016' };

function deliveredAt(wb: Workbench, summary: string, resolvedAt: string): string {
  return wb.jira.store.createIssue({
    projectKey: PROJECT_KEY,
    type: 'Story',
    summary,
    status: 'Done',
    statusCategory: 'done',
    resolution: 'Done',
    created: '2026-10-01T00:00:00.000Z',
    updated: resolvedAt,
    resolutionDate: resolvedAt,
    storyPoints: 3,
  }).key;
}

async function upkeep(wb: Workbench): Promise<void> {
  await wb.asSystem(() => keepShippedSummary(PROJECT_KEY, new Date(NOW), JiraClient.asApp(), fields, {}));
}

describe.each([
  // Auckland in summer time (+13:00): 20:30 UTC on 30 November is 09:30 on 1 December there.
  ['Pacific/Auckland', '2026-11-30T20:30:00.000Z', '2026-12-01', '2026-12'],
  // Honolulu (-10:00): 08:00 UTC on 1 December is 22:00 on 30 November there.
  ['Pacific/Honolulu', '2026-12-01T08:00:00.000Z', '2026-11-30', '2026-11'],
  // A site in UTC: the UTC day, as before.
  ['UTC', '2026-11-30T20:30:00.000Z', '2026-11-30', '2026-11'],
])('a site in %s', (zone, resolvedAt, day, month) => {
  it(`counts an item resolved at ${resolvedAt} as delivered on ${day}, in ${month}`, async () => {
    const wb = createWorkbench({ now: new Date(NOW), latency: 'off', rateLimits: 'off' });
    try {
      wb.jira.store.setSiteTimeZone(zone);
      const key = deliveredAt(wb, 'Pay on the phone', resolvedAt);

      await upkeep(wb);
      const summary = await wb.asSystem(() => loadShippedSummary(PROJECT_KEY));
      expect(Object.keys(summary?.months ?? {})).toEqual([month]);
      expect(summary?.months[month]).toMatchObject({ items: 1, points: 3 });
      const items = await wb.asSystem(() => loadShippedItems(PROJECT_KEY, [key]));
      expect(items.get(key)?.deliveredOn).toBe(day);
    } finally {
      wb.dispose();
    }
  });
});
