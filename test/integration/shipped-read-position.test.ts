/**
 * Where the shipped ledger's reads go on from when they stop at their cap (src/scan/shipped.ts):
 * - many deliveries in one minute (a bulk close, an import) do not hold the read in that minute for ever;
 * - on a site whose default user time zone is not UTC (Jira reads the JQL date of `updated >= "…"` in the
 *   searching account's zone, the app's account being in the site's default), a read that goes on at the next
 *   upkeep skips no delivery and no reopening.
 */
import { JiraClient } from '../../src/jira/client';
import { keepShippedSummary, type ShippedUpkeep } from '../../src/scan/shipped';
import { loadShippedItems, loadShippedSummary } from '../../src/storage/shipped';
import type { ShippedSummary } from '../../src/domain/shipped';
import { createWorkbench, PROJECT_KEY, type Workbench } from '../support/workbench-harness';

const MINUTE = 60_000;
const DAY = 86_400_000;
const T0 = Date.parse('2026-11-20T12:00:00.000Z');
const fields = { sprint: 'customfield_10020', storyPoints: 'customfield_10016' };

function workbench(): Workbench {
  return createWorkbench({ now: new Date(T0), latency: 'off', rateLimits: 'off' });
}

/** `count` items of the project delivered (Done, one point each), the i-th last changed at `updatedMs(i)`. */
function deliver(wb: Workbench, count: number, updatedMs: (i: number) => number): string[] {
  return wb.jira.store.bulkCreateIssues(
    Array.from({ length: count }, (_, i) => ({
      projectKey: PROJECT_KEY,
      summary: `Delivered ${i}`,
      status: 'Done',
      statusCategory: 'done' as const,
      resolution: 'Done',
      updated: new Date(updatedMs(i)).toISOString(),
      storyPoints: 1,
    })),
  );
}

/** An upkeep as the scan runs it at `atMs` (the app's account searching), capped at `maxPerRun` if given. */
function upkeep(wb: Workbench, atMs: number, maxPerRun?: number): Promise<ShippedUpkeep> {
  wb.clock.now = new Date(atMs);
  return wb.asSystem(() =>
    keepShippedSummary(PROJECT_KEY, new Date(atMs), JiraClient.asApp(), fields, {
      ...(maxPerRun !== undefined ? { maxPerRun } : {}),
    }),
  );
}

async function summaryOf(wb: Workbench): Promise<ShippedSummary> {
  const summary = await wb.asSystem(() => loadShippedSummary(PROJECT_KEY));
  if (!summary) throw new Error('no shipped summary stored');
  return summary;
}

/** Upkeeps a minute apart from `startMs` until neither read is going on; answers how many it took. */
async function upkeepUntilCaughtUp(
  wb: Workbench,
  startMs: number,
  maxRuns: number,
  maxPerRun?: number,
): Promise<number> {
  for (let run = 1; run <= maxRuns; run++) {
    await upkeep(wb, startMs + (run - 1) * MINUTE, maxPerRun);
    const summary = await summaryOf(wb);
    if (!summary.catchingUp && !summary.reopenCursor) return run;
  }
  throw new Error(`the upkeep had not caught up after ${maxRuns} runs`);
}

function monthsTotal(summary: ShippedSummary): number {
  return Object.values(summary.months).reduce((n, m) => n + m.items, 0);
}

describe('deliveries that share one minute', () => {
  it('reads 2,100 Done items closed in one minute and 10 later ones over a few upkeeps, each once', async () => {
    const wb = workbench();
    try {
      // A bulk close ten days ago: 2,100 items in one minute, more than an upkeep reads (2,000).
      const bulkMinute = T0 - 10 * DAY;
      const bulk = deliver(wb, 2_100, (i) => bulkMinute + (i % 60) * 1_000);
      const later = deliver(wb, 10, (i) => T0 - 5 * DAY + i * MINUTE);

      const first = await upkeep(wb, T0);
      expect(first).toMatchObject({ read: 2_000, catchingUp: true });
      const runs = await upkeepUntilCaughtUp(wb, T0 + MINUTE, 4);
      const summary = await summaryOf(wb);
      console.log(`shipped-bulk-minute: runs=${runs + 1} items=${summary.items}`);
      expect(runs).toBe(1);
      expect(summary.items).toBe(2_110);
      expect(monthsTotal(summary)).toBe(2_110);
      const items = await wb.asSystem(() => loadShippedItems(PROJECT_KEY, [...bulk, ...later]));
      expect(items.size).toBe(2_110);

      // Caught up, the next upkeep reads only what changed since (a day's overlap): none of the history again.
      const next = await upkeep(wb, T0 + DAY);
      expect(next).toMatchObject({ read: 0, changed: 0, catchingUp: false });
      expect((await summaryOf(wb)).items).toBe(2_110);
    } finally {
      wb.dispose();
    }
  });
});

describe.each([
  ['UTC-8', 'Etc/GMT+8'],
  ['UTC-12', 'Etc/GMT+12'],
  ['UTC+14', 'Etc/GMT-14'],
])('a site in %s', (_label, zone) => {
  it('skips no delivery where a capped read of deliveries goes on at the next upkeep', async () => {
    const wb = workbench();
    try {
      wb.jira.store.setSiteTimeZone(zone);
      // Delivered ten minutes apart over 41 hours: where a capped read stops, the next hours hold more.
      const keys = deliver(wb, 250, (i) => T0 - 5 * DAY + i * 10 * MINUTE);

      // Pages are 100 items: a cap of 50 stops each read after its first page.
      expect(await upkeep(wb, T0, 50)).toMatchObject({ read: 100, catchingUp: true });
      await upkeepUntilCaughtUp(wb, T0 + MINUTE, 5, 50);
      const summary = await summaryOf(wb);
      expect(summary.items).toBe(250);
      expect(monthsTotal(summary)).toBe(250);
      const items = await wb.asSystem(() => loadShippedItems(PROJECT_KEY, keys));
      expect(keys.filter((k) => !items.has(k))).toEqual([]);

      // Caught up: a delivery just after the last upkeep began is read by the next one, a day later.
      const lastRun = Date.parse(summary.watermark!);
      const [late] = deliver(wb, 1, () => lastRun + 1_000);
      await upkeep(wb, T0 + DAY);
      expect((await wb.asSystem(() => loadShippedItems(PROJECT_KEY, [late!]))).has(late!)).toBe(true);
      expect((await summaryOf(wb)).items).toBe(251);
    } finally {
      wb.dispose();
    }
  });
});

describe('a site in UTC-8', () => {
  it('leaves no reopened item in the ledger where a capped read of reopened items goes on', async () => {
    const wb = workbench();
    try {
      wb.jira.store.setSiteTimeZone('Etc/GMT+8');
      // Open items not changed for a month (ids before the deliveries'), then 40 delivered ten days ago.
      const open = wb.jira.store.bulkCreateIssues(
        Array.from({ length: 150 }, (_, i) => ({
          projectKey: PROJECT_KEY,
          summary: `Open ${i}`,
          updated: new Date(T0 - 30 * DAY).toISOString(),
        })),
      );
      const delivered = deliver(wb, 40, (i) => T0 - 10 * DAY + i * MINUTE);
      expect(await upkeep(wb, T0, 50)).toMatchObject({ read: 40, catchingUp: false });
      expect((await summaryOf(wb)).items).toBe(40);

      // After that upkeep: the open items change, then every delivered one is reopened, minutes apart.
      const store = wb.jira.store;
      open.forEach((key, i) =>
        store.updateIssueFields(store.getIssue(key)!.id, {
          updated: new Date(T0 + 60 * MINUTE + i * MINUTE).toISOString(),
        }),
      );
      delivered.forEach((key, i) =>
        store.updateIssueFields(store.getIssue(key)!.id, {
          statusName: 'To Do',
          statusCategory: 'new',
          resolution: null,
          updated: new Date(T0 + 60 * MINUTE + (150 + i) * MINUTE).toISOString(),
        }),
      );

      // 190 changed open items: the read of reopened items stops at its cap and goes on at the next upkeep.
      const first = await upkeep(wb, T0 + DAY, 50);
      expect(first.reopenedRead).toBe(100);
      expect((await summaryOf(wb)).reopenCursor).toBeTruthy();
      await upkeepUntilCaughtUp(wb, T0 + DAY + MINUTE, 5, 50);
      const summary = await summaryOf(wb);
      expect(summary.items).toBe(0);
      expect(monthsTotal(summary)).toBe(0);
      expect((await wb.asSystem(() => loadShippedItems(PROJECT_KEY, delivered))).size).toBe(0);
    } finally {
      wb.dispose();
    }
  });
});
