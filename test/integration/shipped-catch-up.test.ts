/**
 * The shipped ledger over a history longer than one upkeep reads (the cap, 2,000 a run, set to 50 here): it
 * catches up over several scans, and an item reopened while it does so leaves the ledger, though the read of
 * reopened items is capped too.
 */
import { JiraClient } from '../../src/jira/client';
import { keepShippedSummary } from '../../src/scan/shipped';
import { loadShippedItems, loadShippedSummary } from '../../src/storage/shipped';
import { createWorkbench, PROJECT_KEY } from '../support/workbench-harness';

describe('a long history', () => {
  it('is read over several upkeeps at the cap, and a reopening meanwhile is not skipped', async () => {
    const wb = createWorkbench({ now: new Date(), latency: 'off', rateLimits: 'off' });
    try {
      const P2 = PROJECT_KEY;
      const day = 86_400_000;
      const keysDelivered = wb.jira.store.bulkCreateIssues(
        Array.from({ length: 130 }, (_, i) => ({
          projectKey: P2,
          summary: `Delivered ${i}`,
          status: 'Done',
          statusCategory: 'done' as const,
          resolution: 'Done',
          updated: new Date(Date.now() - (200 - i) * day).toISOString(),
          storyPoints: 1,
        })),
      );
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
