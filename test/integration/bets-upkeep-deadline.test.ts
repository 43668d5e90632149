/**
 * The upkeep after a scan's pages (delivered bets, the shipped ledger) keeps to the invocation's time limit.
 * Before, it ran to its end whatever was left of the function's 900 s: with many bets to write, Forge stopped the
 * invocation (FUNCTION_TIME_OUT), the queue's retry did it all again, and a run whose last retry was stopped too
 * stayed "running". Now it stops at a bet or a page when its deadline comes, the run finishes and says so, and
 * the next run goes on where it stopped, so nothing is left behind for ever:
 * - a scan of 800 delivered bets not tracked yet, on Jira's latency model, with Forge's limits shrunk by
 *   `timeScale` (the run's one invocation finishes inside its limit; the next run tracks the rest);
 * - the same in the partition that joins a partitioned run;
 * - bet tracking stopped after a few bets a pass checks every bet in turn (never checked, then longest ago);
 * - the shipped ledger stopped at a page (or before its first) goes on from its stored read position.
 */
import { listTrackedBets, trackDeliveredBets } from '../../src/scan/bets';
import type { UpkeepDeadline } from '../../src/scan/budget';
import { keepShippedSummary, type ShippedUpkeep } from '../../src/scan/shipped';
import { createScanConsumer } from '../../src/scan/consumer';
import { SCAN_QUEUE } from '../../src/scan/queue';
import { startScans } from '../../src/scan/trigger';
import type { ScanRunSummary } from '../../src/contract/scan';
import { addDays } from '../../src/domain/dates';
import { ISSUE_PROPERTY_KEY, readLens } from '../../src/domain/issue-lens';
import type { ShippedSummary } from '../../src/domain/shipped';
import { JiraClient } from '../../src/jira/client';
import { listRunSummaries } from '../../src/storage/scan-state';
import { loadShippedItems, loadShippedSummary } from '../../src/storage/shipped';
import { createWorkbenchApp, type WorkbenchApp } from '../../workbench/app';
import { runInInvocation } from '../../workbench/forge/runtime';
import type { Delivery } from '../../workbench/forge/queue';
import type { IssueInput } from '../../workbench/jira/types';
import { createWorkbench, PROJECT_KEY, type Workbench } from '../support/workbench-harness';

const DAY = 86_400_000;
const today = new Date().toISOString().slice(0, 10);

/** `count` items of `projectKey` delivered 60 days ago whose lens expected a movement by `checkBy`, no betStatus. */
function deliveredBets(
  store: Workbench['jira']['store'],
  projectKey: string,
  count: number,
  checkBy = addDays(today, 20),
): string[] {
  const keys = store.bulkCreateIssues(
    Array.from({ length: count }, (_, i): IssueInput => ({
      projectKey,
      type: 'Story',
      summary: `Delivered bet ${i}`,
      status: 'Done',
      statusCategory: 'done',
      resolution: 'Done',
      created: addDays(today, -120),
      updated: addDays(today, -60),
    })),
  );
  for (const key of keys)
    store.setIssueProperty(key, ISSUE_PROPERTY_KEY, {
      version: 1,
      expected: {
        metric: 'Checkout abandonment',
        baseline: 40,
        target: 30,
        unit: '%',
        direction: 'decrease',
        checkBy,
      },
    });
  return keys;
}

/** A deadline that lets `units` units of work begin (a bet, a page), then none: the upkeep's time in units. */
function unitsDeadline(units: number): UpkeepDeadline {
  let begun = 0;
  const deadline = {
    get reached() {
      return begun >= units;
    },
    begin() {
      if (begun >= units) return null;
      begun++;
      return () => undefined;
    },
  };
  return deadline as unknown as UpkeepDeadline;
}

const timedOut = (deliveries: readonly Delivery[]) =>
  deliveries.filter((d) => d.error?.includes('FUNCTION_TIME_OUT'));

describe('a scan whose delivered bets outlast what is left of its invocation', () => {
  let app: WorkbenchApp | undefined;
  afterEach(() => {
    app?.close();
    app = undefined;
  });

  it('finishes its one invocation inside the limit, says so, and the next runs track the rest', async () => {
    // Jira at 1/20 of its realistic latency, Forge's limits at 1/83: the scan's 900 s are 10.8 s, and checking
    // 800 new bets (a record, a claim, a read and a write of the lens each) takes some 14 s here, over 11 s of
    // it Jira's modelled latency alone. On a site (latency model at scale 1, plus app storage's own time, which
    // the workbench does not model) that is an estimated 4 to 6 minutes, past the ~270 s the pages leave.
    const P = 'BETS';
    const a = createWorkbenchApp({
      dataFile: ':memory:',
      contract: false,
      latency: { scale: 0.05 },
      limits: { timeScale: 0.012 },
    });
    app = a;
    a.jira.store.createProject({ key: P, name: 'Bets' });
    a.grantDemoRoles(P);
    const bets = deliveredBets(a.jira.store, P, 800);
    a.jira.index.catchUp();
    a.registerConsumers();
    const system = <T>(fn: () => Promise<T>) =>
      runInInvocation({ accountId: null, moduleKey: 'upkeep-test', installContext: a.installContext }, fn);
    const scanNow = async () => {
      const from = a.queue.deliveries.length;
      await system(() => startScans([P], 'manual', { requestedBy: a.accountIdOf('admin') }));
      await a.queue.runDue({ until: 'idle', advanceClock: true, maxEvents: 100 });
      a.jira.index.catchUp();
      const [summary] = (await system(() => listRunSummaries(P, 1))) as unknown as [ScanRunSummary];
      const deliveries = a.queue.deliveries.slice(from).filter((d) => d.queueName === SCAN_QUEUE);
      const tracked = (await system(() => listTrackedBets(P))).length;
      return { summary, deliveries, tracked };
    };

    const first = await scanNow();
    console.log(
      `upkeep-deadline: first run tracked=${first.tracked} deliveries=${first.deliveries.length} notes=${JSON.stringify(first.summary.notes)}`,
    );
    expect(timedOut(first.deliveries)).toEqual([]);
    // One invocation, not stopped by Forge and not retried.
    expect(first.deliveries).toEqual([expect.objectContaining({ ok: true, retryCount: 0 })]);
    expect(first.summary).toMatchObject({ status: 'finished', failure: null });
    // It stopped part-way, between two bets, and said so in plain words.
    expect(first.tracked).toBeGreaterThan(0);
    expect(first.tracked).toBeLessThan(800);
    expect(first.summary.notes.join(' ')).toMatch(
      new RegExp(`ran out of time while checking delivered bets: ${first.tracked} were checked`),
    );
    // Every bet with a record has its status in its lens: none was left half done.
    const withStatus = bets.filter(
      (k) => readLens(a.jira.store.getIssueProperty(k, ISSUE_PROPERTY_KEY)).betStatus === 'tracking',
    );
    expect(withStatus.length).toBe(first.tracked);

    // The next runs go on with the bets not checked yet: how many a run gets through depends on the machine, so
    // each must finish in its one invocation and move on, until every bet is tracked.
    let tracked = first.tracked;
    for (let run = 2; tracked < 800; run++) {
      expect(run).toBeLessThanOrEqual(6);
      const next = await scanNow();
      console.log(
        `upkeep-deadline: run ${run} tracked=${next.tracked} notes=${JSON.stringify(next.summary.notes)}`,
      );
      expect(timedOut(next.deliveries)).toEqual([]);
      expect(next.deliveries).toEqual([expect.objectContaining({ ok: true, retryCount: 0 })]);
      expect(next.summary).toMatchObject({ status: 'finished', failure: null });
      expect(next.tracked).toBeGreaterThan(tracked);
      tracked = next.tracked;
    }
    for (const key of bets)
      expect(readLens(a.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY)).betStatus).toBe('tracking');
  }, 300_000);
});

describe('the partition that joins a partitioned run', () => {
  let wb: Workbench | null = null;
  afterEach(() => {
    wb?.dispose();
    wb = null;
  });

  it('keeps the delivered bets to what is left of its invocation, and the run finishes', async () => {
    const w = createWorkbench({ latency: { scale: 0.05 }, rateLimits: 'off', contract: false });
    wb = w;
    // A consumer stopped after 3 s, as Forge stops one at its timeoutSeconds; the run's own budget says the same.
    const consumer = createScanConsumer({ timeoutMs: 3_000, partitionSize: 20, maxPartitions: 3 });
    w.queue.registerConsumer(SCAN_QUEUE, (event) => consumer(event), { timeoutSeconds: 3 });
    w.jira.store.bulkCreateIssues(
      Array.from({ length: 60 }, (_, i) => ({
        projectKey: PROJECT_KEY,
        type: 'Story',
        summary: `Open item ${i}`,
        created: addDays(today, -30),
        updated: addDays(today, -2),
      })),
    );
    const bets = deliveredBets(w.jira.store, PROJECT_KEY, 300);
    w.jira.index.catchUp();
    const scan = async () => {
      const from = w.queue.deliveries.length;
      await w.asSystem(() => startScans([PROJECT_KEY], 'manual'));
      await w.queue.runDue({ until: 'idle', advanceClock: true, maxEvents: 1_000 });
      w.jira.index.catchUp();
      const [summary] = (await w.asSystem(() => listRunSummaries(PROJECT_KEY, 1))) as unknown as [
        ScanRunSummary,
      ];
      const tracked = (await w.asSystem(() => listTrackedBets(PROJECT_KEY))).length;
      return { summary, deliveries: w.queue.deliveries.slice(from), tracked };
    };

    const first = await scan();
    console.log(
      `upkeep-deadline: join tracked=${first.tracked} deliveries=${first.deliveries.length} notes=${JSON.stringify(first.summary.notes)}`,
    );
    expect(first.summary.notes).toContain('Read in 3 partitions of the backlog by issue id, side by side.');
    expect(timedOut(first.deliveries)).toEqual([]);
    expect(first.deliveries.every((d) => d.ok)).toBe(true);
    expect(first.summary).toMatchObject({ status: 'finished', failure: null });
    expect(first.tracked).toBeGreaterThan(0);
    expect(first.tracked).toBeLessThan(bets.length);
    expect(first.summary.notes.join(' ')).toMatch(/ran out of time while checking delivered bets/);

    let runs = 1;
    let last = first;
    while (last.tracked < bets.length && runs < 4) {
      last = await scan();
      runs++;
      expect(timedOut(last.deliveries)).toEqual([]);
      expect(last.summary).toMatchObject({ status: 'finished', failure: null });
    }
    console.log(`upkeep-deadline: join runs until every bet was tracked=${runs}`);
    expect(last.tracked).toBe(bets.length);
  }, 120_000);
});

describe('bet tracking stopped by its deadline', () => {
  let wb: Workbench | null = null;
  afterEach(() => {
    wb?.dispose();
    wb = null;
  });

  it('checks every bet in turn: the never checked first, then those checked longest ago', async () => {
    const w = createWorkbench({ latency: 'off', rateLimits: 'off' });
    wb = w;
    const old = deliveredBets(w.jira.store, PROJECT_KEY, 300);
    w.jira.index.catchUp();
    const pass = (at: number, deadline?: UpkeepDeadline) =>
      w.asSystem(() =>
        trackDeliveredBets(PROJECT_KEY, new Date(at), JiraClient.asApp(), deadline ? { deadline } : {}),
      );
    const t0 = Date.now() - 10 * DAY;
    expect((await pass(t0)).summary).toMatchObject({ tracked: 300, cutShort: false });
    w.jira.index.catchUp();
    // Ten bets delivered since, never checked.
    const fresh = deliveredBets(w.jira.store, PROJECT_KEY, 10);
    w.jira.index.catchUp();

    // Each pass has time for its four pages of search and 100 bets.
    const checkedAfter = async (at: number) =>
      (await w.asSystem(() => listTrackedBets(PROJECT_KEY))).filter((b) => Date.parse(b.checkedAt) > at);
    const passes: number[] = [];
    for (let i = 1; i <= 4; i++) {
      const at = t0 + i * DAY;
      const { summary } = await pass(at, unitsDeadline(4 + 100));
      expect(summary).toMatchObject({ tracked: 100, cutShort: true, left: 310 - 100 });
      passes.push((await checkedAfter(t0)).length);
      if (i === 1) {
        // The new ones came first.
        const checked = new Set((await checkedAfter(t0)).map((b) => b.issueKey));
        expect(fresh.every((k) => checked.has(k))).toBe(true);
      }
    }
    console.log(`upkeep-deadline: bets checked since the full pass, after each pass=${passes.join(',')}`);
    // No pass checked again one an earlier pass had just checked while others waited: 100 new each time.
    expect(passes).toEqual([100, 200, 300, 310]);
    const all = await w.asSystem(() => listTrackedBets(PROJECT_KEY));
    expect(all.map((b) => b.issueKey).sort()).toEqual([...old, ...fresh].sort());
  });

  it('checks nothing when its deadline has come before it starts, and reads no page', async () => {
    const w = createWorkbench({ latency: 'off', rateLimits: 'off' });
    wb = w;
    deliveredBets(w.jira.store, PROJECT_KEY, 20);
    w.jira.index.catchUp();
    const before = w.jira.calls.length;
    const { summary } = await w.asSystem(() =>
      trackDeliveredBets(PROJECT_KEY, new Date(), JiraClient.asApp(), { deadline: unitsDeadline(0) }),
    );
    expect(summary).toMatchObject({ tracked: 0, cutShort: true });
    expect(w.jira.calls.length).toBe(before);
    expect(await w.asSystem(() => listTrackedBets(PROJECT_KEY))).toEqual([]);
  });
});

describe('the shipped ledger stopped by its deadline', () => {
  let wb: Workbench | null = null;
  afterEach(() => {
    wb?.dispose();
    wb = null;
  });
  const fields = { sprint: 'customfield_10020', storyPoints: 'customfield_10016' };
  const T0 = Date.parse('2026-11-20T12:00:00.000Z');

  const summaryOf = async (w: Workbench): Promise<ShippedSummary> => {
    const summary = await w.asSystem(() => loadShippedSummary(PROJECT_KEY));
    if (!summary) throw new Error('no shipped summary stored');
    return summary;
  };
  const monthsTotal = (s: ShippedSummary) => Object.values(s.months).reduce((n, m) => n + m.items, 0);

  it('stops at a page, keeps its read position, and the next upkeeps go on from it, each item once', async () => {
    const w = createWorkbench({ now: new Date(T0), latency: 'off', rateLimits: 'off' });
    wb = w;
    const keys = w.jira.store.bulkCreateIssues(
      Array.from({ length: 450 }, (_, i) => ({
        projectKey: PROJECT_KEY,
        summary: `Delivered ${i}`,
        status: 'Done',
        statusCategory: 'done' as const,
        resolution: 'Done',
        updated: new Date(T0 - 10 * DAY + i * 1_000).toISOString(),
        storyPoints: 1,
      })),
    );
    const upkeep = (atMs: number, units: number): Promise<ShippedUpkeep> => {
      w.clock.now = new Date(atMs);
      return w.asSystem(() =>
        keepShippedSummary(PROJECT_KEY, new Date(atMs), JiraClient.asApp(), fields, {
          deadline: unitsDeadline(units),
        }),
      );
    };

    // Out of time before it began: nothing read, and the read it would have made is kept to go on with.
    const none = await upkeep(T0, 0);
    expect(none).toMatchObject({ read: 0, changed: 0, cutShort: true, catchingUp: true });
    expect((await summaryOf(w)).items).toBe(0);

    const reads: number[] = [];
    for (let run = 1; run <= 4; run++) {
      const result = await upkeep(T0 + run * 60_000, 2);
      reads.push(result.read);
      const summary = await summaryOf(w);
      if (!summary.catchingUp) break;
      expect(result.cutShort).toBe(true);
    }
    console.log(`upkeep-deadline: ledger pages of two a run, items read=${reads.join(',')}`);
    expect(reads).toEqual([200, 200, 50]);
    const summary = await summaryOf(w);
    expect(summary).toMatchObject({ items: 450, catchingUp: false, deliveredRead: null });
    expect(monthsTotal(summary)).toBe(450);
    expect((await w.asSystem(() => loadShippedItems(PROJECT_KEY, keys))).size).toBe(450);

    // 150 of them reopened: the read of reopened items, stopped before its first page, then after one, goes on.
    const reopened = keys.slice(0, 150);
    const at = T0 + DAY;
    for (const key of reopened)
      w.jira.store.updateIssueFields(w.jira.store.getIssue(key)!.id, {
        statusName: 'In Progress',
        statusCategory: 'indeterminate',
        resolution: null,
        updated: new Date(at - 60_000).toISOString(),
      });
    const cut = await upkeep(at, 1);
    expect(cut).toMatchObject({ reopenedRead: 0, cutShort: true });
    expect((await summaryOf(w)).reopenRead).not.toBeNull();
    const partly = await upkeep(at + 60_000, 2);
    expect(partly).toMatchObject({ reopenedRead: 100, cutShort: true });
    const rest = await upkeep(at + 120_000, 10);
    expect(rest).toMatchObject({ reopenedRead: 50, cutShort: false });
    const after = await summaryOf(w);
    expect(after).toMatchObject({ items: 300, reopenRead: null });
    expect(monthsTotal(after)).toBe(300);
    expect((await w.asSystem(() => loadShippedItems(PROJECT_KEY, reopened))).size).toBe(0);
  });
});
