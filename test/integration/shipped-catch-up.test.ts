/**
 * The shipped ledger over a history longer than one upkeep reads (the cap, 2,000 a run, set to 50 here): it
 * catches up over several scans, and an item reopened while it does so leaves the ledger, though the read of
 * reopened items is capped too.
 */
import { JiraClient } from '../../src/jira/client';
import { listTrackedBets } from '../../src/scan/bets';
import { keepShippedSummary } from '../../src/scan/shipped';
import { keys } from '../../src/storage/keys';
import { loadSettings } from '../../src/storage/settings';
import { commitShippedChanges, loadShippedItems, loadShippedSummary } from '../../src/storage/shipped';
import { createWorkbench, PROJECT_KEY, type Workbench } from '../support/workbench-harness';

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

describe('a long history', () => {
  it('is read over several upkeeps at the cap, and a reopening meanwhile is not skipped', async () => {
    const wb = createWorkbench({ now: new Date(), latency: 'off', rateLimits: 'off' });
    try {
      const P2 = PROJECT_KEY;
      const day = 86_400_000;
      const keysDelivered = deliver(wb, 130, (i) => Date.now() - (200 - i) * day);
      // Open items changed lately: more than a capped read of reopened items takes in one upkeep.
      wb.jira.store.bulkCreateIssues(
        Array.from({ length: 120 }, (_, i) => ({
          projectKey: P2,
          summary: `Open ${i}`,
          updated: new Date(Date.now() - 60_000 * (i + 1)).toISOString(),
        })),
      );
      const fields = { sprint: 'customfield_10020', storyPoints: 'customfield_10016' };
      const upkeep = () =>
        wb.asSystem(() => keepShippedSummary(P2, new Date(), JiraClient.asApp(), fields, { maxPerRun: 50 }));
      const summary = () => wb.asSystem(() => loadShippedSummary(P2));

      // Pages are 100 items: the cap stops the read after its first page.
      expect(await upkeep()).toMatchObject({ read: 100, catchingUp: true });
      // Reopened after the first upkeep put it in the ledger.
      const reopened = wb.jira.store.getIssue(keysDelivered[10]!)!;
      wb.jira.store.updateIssueFields(reopened.id, {
        statusName: 'To Do',
        statusCategory: 'new',
        resolution: null,
        updated: new Date().toISOString(),
      });
      let runs = 1;
      while ((await summary())?.catchingUp || (await summary())?.reopenCursor) {
        await upkeep();
        if (++runs > 10) throw new Error('the upkeep never caught up');
      }
      const caughtUp = (await summary())!;
      expect(runs).toBeGreaterThan(2);
      expect(caughtUp.items).toBe(129);
      const items = await wb.asSystem(() => loadShippedItems(P2, keysDelivered));
      expect(items.has(reopened.key)).toBe(false);
      expect(Object.values(caughtUp.months).reduce((n, m) => n + m.items, 0)).toBe(129);
    } finally {
      wb.dispose();
    }
  });
});

describe('an upkeep that finds nothing new', () => {
  it('writes no summary for a page without a change, and reads no settings or bets it was handed', async () => {
    const wb = createWorkbench({ now: new Date(), latency: 'off', rateLimits: 'off' });
    try {
      const P = PROJECT_KEY;
      // Delivered within the day: every upkeep re-reads them (its day of overlap), two pages of 100.
      deliver(wb, 150, (i) => Date.now() - 60_000 * (i + 1));
      const fields = { sprint: 'customfield_10020', storyPoints: 'customfield_10016' };
      const first = await wb.asSystem(() => keepShippedSummary(P, new Date(), JiraClient.asApp(), fields));
      expect(first).toMatchObject({ read: 150, changed: 150 });
      // What bet tracking hands over after reading them itself.
      const reading = await wb.asSystem(async () => ({
        settings: (await loadSettings(P)).settings,
        tracked: await listTrackedBets(P),
      }));

      const from = wb.kvs.keyed.length;
      const again = await wb.asSystem(() =>
        keepShippedSummary(P, new Date(), JiraClient.asApp(), fields, { reading }),
      );
      const calls = wb.kvs.keyed.slice(from);
      const summaryWrites = calls.filter(
        (c) =>
          (c.path === '/api/v1/set' || c.path === '/api/v1/transaction') &&
          c.keys.includes(keys.shippedSummary(P)),
      );
      console.log(
        `shipped-upkeep-unchanged: read=${again.read} changed=${again.changed} summaryWrites=${summaryWrites.length} settingsReads=${calls.filter((c) => c.keys.includes(keys.settings(P))).length} queries=${calls.filter((c) => c.path === '/api/v1/query').length}`,
      );
      expect(again).toMatchObject({ read: 150, changed: 0 });
      // The two unchanged pages write nothing; the run's end writes its new read position once.
      expect(summaryWrites).toHaveLength(1);
      // Settings and tracked bets came from bet tracking: no read of the settings, no listing of bets.
      expect(calls.filter((c) => c.keys.includes(keys.settings(P)))).toHaveLength(0);
      expect(calls.filter((c) => c.path === '/api/v1/query')).toHaveLength(0);

      // A commit of changes equal to what is stored, with only the time to stamp, writes nothing at all.
      const summary = (await wb.asSystem(() => loadShippedSummary(P)))!;
      const items = await wb.asSystem(() => loadShippedItems(P, ['OL-1', 'OL-2']));
      const unchanged = [...items.values()].map((item) => ({
        issueKey: item.issueKey,
        before: item,
        after: item,
      }));
      expect(unchanged).toHaveLength(2);
      const beforeCommit = wb.kvs.keyed.length;
      const written = await wb.asSystem(() =>
        commitShippedChanges(P, summary, unchanged, { at: new Date().toISOString() }),
      );
      expect(written).toBe(0);
      expect(wb.kvs.keyed.slice(beforeCommit)).toEqual([]);
    } finally {
      wb.dispose();
    }
  });
});
