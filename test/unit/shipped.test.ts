/**
 * Shipped versus moved, the pure part: how one item's change moves the summary (and back), and the view's
 * even month axis, outcome readings, shares and hit rate.
 */
import {
  applyShippedChange,
  emptyShippedSummary,
  hitRate,
  MAX_SECURED_LISTED,
  monthsBetween,
  sameShipped,
  securedItemsNamed,
  shippedSummaryWithout,
  shippedView,
  type ShippedItem,
} from '../../src/domain/shipped';

function anItem(overrides: Partial<ShippedItem> = {}): ShippedItem {
  return {
    issueKey: 'SHOP-1',
    summary: 'Card payments on mobile',
    deliveredOn: '2026-10-12',
    points: 5,
    bet: true,
    verdict: null,
    outcomeId: null,
    sprint: { id: 7, name: 'Sprint 7' },
    ...overrides,
  };
}

describe('the shipped summary', () => {
  it('adds an item to its month and sprint, and taking it out again leaves the empty summary', () => {
    const summary = emptyShippedSummary();
    const item = anItem();
    applyShippedChange(summary, null, item);
    expect(summary.months['2026-10']).toEqual({
      items: 1,
      points: 5,
      withBet: 1,
      validated: 0,
      invalidated: 0,
      inconclusive: 0,
    });
    expect(summary.sprints['7']).toMatchObject({ name: 'Sprint 7', items: 1 });
    applyShippedChange(summary, item, null);
    expect(summary).toEqual(emptyShippedSummary());
    // Linked to an outcome: counted for it in its month, and gone with it.
    const linked = anItem({ outcomeId: 'mobile' });
    applyShippedChange(summary, null, linked);
    expect(summary.months['2026-10']!.byOutcome).toEqual({ mobile: 1 });
    applyShippedChange(summary, linked, null);
    expect(summary).toEqual(emptyShippedSummary());
  });

  it('moves a re-delivered item to its new month and a verdict into its bucket', () => {
    const summary = emptyShippedSummary();
    const first = anItem();
    applyShippedChange(summary, null, first);
    const again = anItem({
      deliveredOn: '2026-11-03',
      verdict: 'validated',
      sprint: { id: 8, name: 'Sprint 8' },
    });
    applyShippedChange(summary, first, again);
    expect(summary.months['2026-10']).toBeUndefined();
    expect(summary.months['2026-11']).toMatchObject({ items: 1, validated: 1 });
    expect(Object.keys(summary.sprints)).toEqual(['8']);
    expect(summary.items).toBe(1);
    expect(sameShipped(again, { ...again })).toBe(true);
    expect(sameShipped(first, again)).toBe(false);
  });

  it('lists the newest items shipped without a bet, and forgets one that gains a bet', () => {
    const summary = emptyShippedSummary();
    const old = anItem({ issueKey: 'SHOP-2', bet: false, deliveredOn: '2026-09-01' });
    const fresh = anItem({ issueKey: 'SHOP-3', bet: false, deliveredOn: '2026-11-01' });
    applyShippedChange(summary, null, old);
    applyShippedChange(summary, null, fresh);
    expect(summary.unbet.map((u) => u.issueKey)).toEqual(['SHOP-3', 'SHOP-2']);
    applyShippedChange(summary, fresh, { ...fresh, bet: true });
    expect(summary.unbet.map((u) => u.issueKey)).toEqual(['SHOP-2']);
  });
});

describe('the secured items a summary counts', () => {
  it('are named while they fit, counted when they do not, and a summary that cannot name them all says so', () => {
    const summary = emptyShippedSummary();
    expect(securedItemsNamed(summary)).toEqual([]);
    const secured = anItem({ issueKey: 'SHOP-9', secured: true });
    applyShippedChange(summary, null, anItem({ secured: false }));
    applyShippedChange(summary, null, secured);
    expect(securedItemsNamed(summary)).toEqual(['SHOP-9']);
    // Re-read with a new verdict: still one, named once.
    applyShippedChange(summary, secured, { ...secured, verdict: 'validated' });
    expect(summary.secured).toEqual({ count: 1, keys: ['SHOP-9'] });
    // Its level lifted: no longer secured.
    applyShippedChange(summary, { ...secured, verdict: 'validated' }, { ...secured, secured: false });
    expect(summary.secured).toEqual({ count: 0, keys: [] });

    const many = emptyShippedSummary();
    const items = Array.from({ length: MAX_SECURED_LISTED + 1 }, (_, i) =>
      anItem({ issueKey: `SHOP-${100 + i}`, secured: true }),
    );
    for (const item of items) applyShippedChange(many, null, item);
    expect(many.secured!.count).toBe(MAX_SECURED_LISTED + 1);
    expect(securedItemsNamed(many)).toBeNull();
    // One named leaves: the one not named cannot take its place, so the summary still cannot name them all.
    applyShippedChange(many, items[0]!, null);
    expect(securedItemsNamed(many)).toBeNull();
    // Begun before secured items were noted: not known.
    const older = { ...emptyShippedSummary(), secured: undefined };
    expect(securedItemsNamed(older)).toBeNull();
  });

  it('are taken out of every figure for a viewer who may not see them, the stored summary untouched', () => {
    const summary = emptyShippedSummary();
    const open = anItem({ issueKey: 'SHOP-1', points: 3, bet: false, secured: false });
    const hidden = anItem({
      issueKey: 'SHOP-2',
      points: 5,
      verdict: 'validated',
      outcomeId: 'mobile',
      secured: true,
    });
    applyShippedChange(summary, null, open);
    applyShippedChange(summary, null, hidden);
    const before = structuredClone(summary);
    const theirs = shippedSummaryWithout(summary, [hidden]);
    expect(summary).toEqual(before);
    expect(theirs.months['2026-10']).toEqual({
      items: 1,
      points: 3,
      withBet: 0,
      validated: 0,
      invalidated: 0,
      inconclusive: 0,
    });
    expect(theirs.sprints['7']).toMatchObject({ items: 1, points: 3 });
    expect(theirs.items).toBe(1);
    expect(theirs.secured).toEqual({ count: 0, keys: [] });
    expect(theirs.unbet.map((u) => u.issueKey)).toEqual(['SHOP-1']);
    const view = shippedView(theirs, [], '2026-11-20', 6);
    expect(view.totals).toMatchObject({ items: 1, points: 3, withBet: 0, hitRate: null });
  });
});

describe('the view', () => {
  it('has one row a month ending with this month, across a year boundary', () => {
    expect(monthsBetween('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    const view = shippedView(emptyShippedSummary(), [], '2026-02-14', 6);
    expect(view.months.map((m) => m.label)).toEqual([
      '2025-09',
      '2025-10',
      '2025-11',
      '2025-12',
      '2026-01',
      '2026-02',
    ]);
  });

  it("reads each outcome's last reading a month, the shares and the hit rate", () => {
    const summary = emptyShippedSummary();
    applyShippedChange(summary, null, anItem({ verdict: 'validated', outcomeId: 'mobile' }));
    applyShippedChange(summary, null, anItem({ issueKey: 'SHOP-2', verdict: 'invalidated' }));
    applyShippedChange(summary, null, anItem({ issueKey: 'SHOP-3', bet: false, points: 1 }));
    const view = shippedView(
      summary,
      [
        {
          id: 'mobile',
          name: 'Mobile shoppers buy',
          metric: 'mobile conversion rate',
          measurements: [
            { at: '2026-10-02', value: 1.8 },
            { at: '2026-10-30', value: 2.1 },
            { at: '2026-11-20', value: 2.3 },
          ],
        },
      ],
      '2026-11-30',
      3,
    );
    expect(view.months.map((m) => m.label)).toEqual(['2026-09', '2026-10', '2026-11']);
    expect(view.months[1]).toMatchObject({
      items: 3,
      points: 11,
      withBet: 2,
      betShare: 2 / 3,
    });
    expect(view.outcomes[0]!.values).toEqual([null, 2.1, 2.3]);
    // Delivered for it: the one item linked to the outcome, in its month.
    expect(view.outcomes[0]!.delivered).toEqual([0, 1, 0]);
    expect(view.totals.hitRate).toBe(0.5);
    expect(view.unbetCount).toBe(1);
    expect(hitRate({ validated: 0, invalidated: 0 })).toBeNull();
  });
});
