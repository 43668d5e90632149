/**
 * Issue security levels, as the app meets them on a site: an issue at a level is, to anyone outside it, an issue
 * that does not exist (the workbench's Jira emulates this: workbench/jira/routes/common.ts, accountSeesIssue).
 * Where a person acts the app reads as them, so the panel and the project page must not show such an issue to
 * them; the scan reads as the app, which sees a secured issue only when the level lists the app's role.
 */
import type { Answer } from '../../src/contract/answer';
import { ISSUE_PANEL_RESOLVERS, type IssuePanelResolverKey } from '../../src/contract/issue-panel';
import type {
  DecisionLogData,
  HealthData,
  MapLanesData,
  MapSummaryData,
  ResultsReviewData,
  ScanRunsData,
  ZombieQueueData,
} from '../../src/contract/project-page';
import type { ScanRunSummary } from '../../src/contract/scan';
import { COUNTS_WITHHELD_NOTE } from '../../src/services/scan-runs';
import type { ShippedMovedData } from '../../src/contract/shipped';
import { ISSUE_PROPERTY_KEY, readLens } from '../../src/domain/issue-lens';
import { keys } from '../../src/storage/keys';
import { kvs } from '../../src/storage/kvs-client';
import { listRunSummaries, saveRunSummary } from '../../src/storage/scan-state';
import { loadShippedSummary } from '../../src/storage/shipped';
import type { WorkbenchApp } from '../../workbench/app';
import { runInInvocation } from '../../workbench/forge/runtime';
import {
  PAGE_PROJECT as P,
  aProjectPageApp,
  callPage,
  dataOf,
  scanThroughPage,
} from '../support/project-page-app';
import { createDueBet } from '../support/results-review';

const PANEL = 'outcome-lens-issue-panel';
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();
const SECRET = 'Close the Leipzig office quietly';

let app: WorkbenchApp;
beforeEach(() => (app = aProjectPageApp({ consumers: true })));
afterEach(() => app.close());

/** A level the admin is in and the member is not; with `forApp`, the app's role too, as a site may add it. */
function leadsOnly(forApp: boolean): string {
  return app.jira.store.createSecurityLevel({
    name: 'Leads only',
    accountIds: [app.accountIdOf('admin')],
    ...(forApp ? { projectRoles: ['atlassian-addons-project-access' as const] } : {}),
  }).name;
}

/** An open story idle for 70 days; `flagged` gives it the scan's zombie flag already. */
function idleStory(summary: string, o: { level?: string; flagged?: boolean } = {}): string {
  const key = app.jira.store.createIssue({
    projectKey: P,
    type: 'Story',
    summary,
    created: ago(80),
    updated: ago(70),
    ...(o.level ? { securityLevel: o.level } : {}),
  }).key;
  if (o.flagged)
    app.jira.store.setIssueProperty(key, ISSUE_PROPERTY_KEY, {
      version: 1,
      zombie: 'true',
      score: 20,
      flag: {
        flaggedAt: ago(1),
        rules: [
          { rule: 'idle', since: ago(70).slice(0, 10), detail: 'Nothing moved.', clearBy: 'Act on it.' },
        ],
        labelApplied: false,
        commented: false,
      },
    });
  return key;
}

const panel = <T>(fn: IssuePanelResolverKey, user: string, issueKey: string) =>
  app.invoke(PANEL, fn, {}, { user, issueKey }) as Promise<Answer<T>>;

describe('the issue panel of a secured issue', () => {
  it('answers someone outside the level as for an issue that does not exist, and a member of it in full', async () => {
    const secured = idleStory(SECRET, { level: leadsOnly(true) });
    // An issue the member cannot see for want of the project: to Jira, the same as one that does not exist.
    app.jira.store.createProject({ key: 'HIDDEN', name: 'Hidden' });
    const elsewhere = app.jira.store.createIssue({ projectKey: 'HIDDEN', summary: 'Elsewhere' }).key;

    const refused = await panel(ISSUE_PANEL_RESOLVERS.load, 'member', secured);
    const missing = await panel(ISSUE_PANEL_RESOLVERS.load, 'member', elsewhere);
    expect(refused.ok).toBe(false);
    expect(JSON.stringify(refused).replaceAll(secured, 'KEY')).toEqual(
      JSON.stringify(missing).replaceAll(elsewhere, 'KEY'),
    );
    expect(JSON.stringify(refused)).not.toContain(SECRET);

    const shown = await panel<{ issue: { summary: string } }>(ISSUE_PANEL_RESOLVERS.load, 'admin', secured);
    expect(dataOf(shown).issue.summary).toBe(SECRET);
  });
});

describe('the project page for someone outside a security level', () => {
  it('leaves a secured item out of the kill review queue and the outcome map, and lists it for a member of the level', async () => {
    const level = leadsOnly(true);
    const open = idleStory('Bookmark items in the cart', { flagged: true });
    const secured = idleStory(SECRET, { level, flagged: true });

    const queueOf = async (user: string) =>
      dataOf(await callPage<ZombieQueueData>(app, 'zombieQueue', {}, user));
    const mapOf = async (user: string) =>
      dataOf(await callPage<MapLanesData>(app, 'mapLanes', { filters: {}, pageSize: 50 }, user));
    const keysIn = (lanes: MapLanesData) => lanes.lanes.flatMap((l) => l.issues.map((i) => i.key)).sort();

    const memberQueue = await queueOf('member');
    expect(memberQueue).toMatchObject({ total: 1, flagged: 1 });
    expect(memberQueue.items.map((i) => i.key)).toEqual([open]);
    const memberMap = await mapOf('member');
    expect(keysIn(memberMap)).toEqual([open]);
    for (const answer of [memberQueue, memberMap]) {
      expect(JSON.stringify(answer)).not.toContain(`"${secured}"`);
      expect(JSON.stringify(answer)).not.toContain(SECRET);
    }

    const adminQueue = await queueOf('admin');
    expect(adminQueue.items.map((i) => i.key).sort()).toEqual([open, secured].sort());
    expect(keysIn(await mapOf('admin'))).toEqual([open, secured].sort());
  });
});

describe('the scan, acting as the app, and a secured issue', () => {
  async function scanNow(): Promise<ScanRunSummary> {
    await scanThroughPage(app);
    const [latest] = await runInInvocation(
      { accountId: null, moduleKey: 'security-test', installContext: app.installContext },
      () => listRunSummaries(P, 1),
    );
    return latest as unknown as ScanRunSummary;
  }
  const lensOf = (key: string) => readLens(app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY));

  it('finishes its run without the issue when the level leaves the app out, and writes nothing to it', async () => {
    const open = idleStory('Bookmark items in the cart');
    const secured = idleStory(SECRET, { level: leadsOnly(false) });
    const summary = await scanNow();
    expect(summary.status).toBe('finished');
    expect(summary.counters).toMatchObject({ issues: 1, flagged: 1, errors: 0 });
    expect(lensOf(open).zombie).toBe('true');
    expect(app.jira.store.getIssueProperty(secured, ISSUE_PROPERTY_KEY)).toBeUndefined();
    expect(app.jira.store.listComments(app.jira.store.getIssue(secured)!.id)).toEqual([]);
  });

  it('judges the issue like any other when the level lists the app’s role', async () => {
    idleStory('Bookmark items in the cart');
    const secured = idleStory(SECRET, { level: leadsOnly(true) });
    const summary = await scanNow();
    expect(summary.status).toBe('finished');
    expect(summary.counters).toMatchObject({ issues: 2, flagged: 2, errors: 0 });
    expect(lensOf(secured).zombie).toBe('true');
  });
});

describe('what the scan gathered, shown to someone outside a security level', () => {
  const today = new Date().toISOString().slice(0, 10);
  const deliveredBet = (summary: string, securityLevel?: string) =>
    createDueBet(app, today, { summary, ...(securityLevel ? { securityLevel } : {}) });
  const scan = () => scanThroughPage(app);
  /** The scan keeps the delivery ledger where the app is in use: an item of the project carries its lens. */
  const ledgerInUse = () =>
    app.jira.store.setIssueProperty(idleStory('Bookmark items in the cart'), ISSUE_PROPERTY_KEY, {
      version: 1,
      hasHypothesis: 'false',
    });
  /** A story delivered three days ago, without a bet; under `securityLevel` when given. */
  const done = (summary: string, securityLevel?: string) =>
    app.jira.store.createIssue({
      projectKey: P,
      type: 'Story',
      summary,
      status: 'Done',
      statusCategory: 'done',
      resolution: 'Done',
      created: ago(40),
      updated: ago(3),
      ...(securityLevel ? { securityLevel } : {}),
    }).key;

  it('leaves a secured bet out of the results review, and lists it for a member of the level', async () => {
    const level = leadsOnly(true);
    const open = deliveredBet('Pay with a saved card');
    const secured = deliveredBet(SECRET, level);
    await scan();
    const betsOf = async (user: string) => {
      const review = dataOf(await callPage<ResultsReviewData>(app, 'resultsReview', {}, user));
      return {
        review,
        keys: [...review.due, ...review.unverified, ...review.tracking].map((b) => b.issueKey).sort(),
      };
    };
    const admin = await betsOf('admin');
    expect(admin.keys).toEqual([open, secured].sort());
    const member = await betsOf('member');
    expect(member.keys).toEqual([open]);
    expect(JSON.stringify(member.review)).not.toContain(SECRET);
    expect(JSON.stringify(member.review)).not.toContain(`"${secured}"`);
  });

  it('leaves a secured item delivered without a bet out of shipped versus moved, and names it to a member of the level', async () => {
    const level = leadsOnly(true);
    ledgerInUse();
    const open = done('Reword the footer');
    const secured = done(SECRET, level);
    await scan();
    const unbetOf = async (user: string) => {
      const shipped = dataOf(await callPage<ShippedMovedData>(app, 'shippedMoved', {}, user));
      return { shipped, keys: shipped.view.unbet.map((u) => u.issueKey).sort() };
    };
    const admin = await unbetOf('admin');
    expect(admin.keys).toEqual([open, secured].sort());
    expect(admin.shipped.view.unbetCount).toBe(2);
    expect(admin.shipped.view.totals.items).toBe(2);
    const member = await unbetOf('member');
    expect(member.keys).toEqual([open]);
    // Left out of every figure, as Jira's own counts leave it out for them.
    expect(member.shipped.view.unbetCount).toBe(1);
    expect(member.shipped.view.totals.items).toBe(1);
    expect(member.shipped.view.months.reduce((n, m) => n + m.items, 0)).toBe(1);
    expect(JSON.stringify(member.shipped)).not.toContain(SECRET);
    expect(JSON.stringify(member.shipped)).not.toContain(`"${secured}"`);
  });

  // The figures need no Jira call; the items listed by name are read once as the viewer (one may have been moved
  // or secured out of their sight since the ledger noted it), never as the app.
  it('loads shipped versus moved asking Jira only as the viewer, of the items it names, when none was delivered under a level', async () => {
    leadsOnly(true);
    ledgerInUse();
    for (const summary of ['Reword the footer', 'Bigger buttons']) done(summary);
    await scan();
    const before = app.jira.calls.length;
    const shipped = dataOf(await callPage<ShippedMovedData>(app, 'shippedMoved', {}, 'member'));
    expect(shipped.view.totals.items).toBe(2);
    expect(shipped.view.unbet).toHaveLength(2);
    const asked = app.jira.calls
      .slice(before)
      .filter((c) => c.path.includes('/issue/bulkfetch'))
      .map((c) => c.actor.type);
    expect(asked).toEqual(['user']);
  });

  it('keeps the figures of a summary begun before secured items were noted, naming only what the viewer may see', async () => {
    const level = leadsOnly(true);
    ledgerInUse();
    const open = done('Reword the footer');
    done(SECRET, level);
    await scan();
    // As an older version stored it: no note of its secured items, and none on its listed items.
    await runInInvocation(
      { accountId: null, moduleKey: 'security-test', installContext: app.installContext },
      async () => {
        const stored = await loadShippedSummary(P);
        expect(stored?.secured?.count).toBe(1);
        delete stored!.secured;
        for (const u of stored!.unbet) delete u.secured;
        await kvs.set(keys.shippedSummary(P), stored);
      },
    );
    const shipped = dataOf(await callPage<ShippedMovedData>(app, 'shippedMoved', {}, 'member'));
    expect(shipped.view.unbet.map((u) => u.issueKey)).toEqual([open]);
    expect(shipped.view.totals.items).toBe(2);
    expect(JSON.stringify(shipped)).not.toContain(SECRET);
  });

  it("leaves a secured issue out of a dry run's list in the scan history, and lists it for a member of the level", async () => {
    const level = leadsOnly(true);
    const open = idleStory('Bookmark items in the cart');
    const secured = idleStory(SECRET, { level });
    dataOf(await callPage(app, 'scanNow', { dryRun: true }, 'admin'));
    await app.queue.runDue({ until: 'idle', advanceClock: true });
    const listedFor = async (user: string) => {
      const runs = dataOf(await callPage<ScanRunsData>(app, 'scanRuns', {}, user));
      return { runs, keys: runs.runs.flatMap((r) => r.wouldChange.map((w) => w.issueKey)).sort() };
    };
    expect((await listedFor('admin')).keys).toEqual([open, secured].sort());
    const member = await listedFor('member');
    expect(member.keys).toEqual([open]);
    expect(JSON.stringify(member.runs)).not.toContain(`"${secured}"`);
  });

  // The scan counts as the app. A member outside a level read "2 issues, 2 flagged" in the scan history while
  // seeing one issue in the project: the counts told of the secured one. They are withheld from such a person, with
  // a note; a member of the level, and anyone once no secured issue was judged, reads them.
  it("withholds a run's issue counts from someone a secured issue it judged is kept from", async () => {
    const level = leadsOnly(true);
    idleStory('Bookmark items in the cart');
    idleStory(SECRET, { level });
    await scanThroughPage(app);
    const runFor = async (user: string) =>
      dataOf(await callPage<ScanRunsData>(app, 'scanRuns', {}, user)).runs[0]!;
    const admin = await runFor('admin');
    expect(admin.counters).toMatchObject({ issues: 2, flagged: 2, errors: 0 });
    expect(admin.notes).not.toContain(COUNTS_WITHHELD_NOTE);
    const member = await runFor('member');
    expect(member.counters).toBeNull();
    expect(member.notes).toContain(COUNTS_WITHHELD_NOTE);

    // A summary stored before the note: which issues were secured is not known, so nobody reads its counts.
    await runInInvocation(
      { accountId: null, moduleKey: 'security-test', installContext: app.installContext },
      async () => {
        const [run] = await listRunSummaries<ScanRunSummary>(P, 1);
        expect(run?.secured).toEqual({ count: 1, keys: [expect.any(String)] });
        delete run!.secured;
        await saveRunSummary(P, run!);
      },
    );
    expect((await runFor('admin')).counters).toBeNull();
  });

  it('loads the scan history without asking Jira about its listed issues when the scan read none under a level', async () => {
    leadsOnly(true);
    const keys = [idleStory('Bookmark items in the cart'), idleStory('Reword the footer')];
    dataOf(await callPage(app, 'scanNow', { dryRun: true }, 'admin'));
    await app.queue.runDue({ until: 'idle', advanceClock: true });
    const before = app.jira.calls.length;
    const runs = dataOf(await callPage<ScanRunsData>(app, 'scanRuns', {}, 'member'));
    expect(runs.runs.flatMap((r) => r.wouldChange.map((w) => w.issueKey)).sort()).toEqual(keys.sort());
    expect(runs.runs[0]!.counters?.issues).toBe(2);
    // Only the project's browse check: no bulk read of the listed issues, as the member or as the app.
    const asked = app.jira.calls.slice(before).map((c) => `${c.method} ${c.path.split('?')[0]}`);
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.filter((call) => call.includes('/issue/bulkfetch'))).toEqual([]);
    // What the page shows is what it showed before the note: the note stays in storage.
    expect(JSON.stringify(runs)).not.toContain('secured');
  });

  it("checks a failure the scan noted before it read the issue's level, and leaves it out for someone outside it", async () => {
    const level = leadsOnly(true);
    const secured = idleStory(SECRET, { level });
    await scanThroughPage(app);
    // A summary as an older version stored it, or a failure noted before the issue was read: no note.
    await runInInvocation(
      { accountId: null, moduleKey: 'security-test', installContext: app.installContext },
      async () => {
        const [run] = await listRunSummaries<ScanRunSummary>(P, 1);
        expect(run).toBeDefined();
        await saveRunSummary(P, {
          ...run!,
          errorSamples: [{ issueKey: secured, message: 'Could not judge it.', at: new Date().toISOString() }],
          skippedSamples: [
            { issueKey: secured, message: 'It left the project.', at: new Date().toISOString() },
          ],
        });
      },
    );
    const sampledKeys = async (user: string) =>
      dataOf(await callPage<ScanRunsData>(app, 'scanRuns', {}, user)).runs.flatMap((r) => [
        ...r.errors.map((e) => `error ${e.issueKey}`),
        ...r.skipped.map((e) => `skipped ${e.issueKey}`),
      ]);
    expect(await sampledKeys('admin')).toEqual([`error ${secured}`, `skipped ${secured}`]);
    expect(await sampledKeys('member')).toEqual([]);
  });

  it('leaves a secured recipe out of the backlog health examples, and shows it to a member of the level', async () => {
    const level = leadsOnly(true);
    const open = app.jira.store.createIssue({
      projectKey: P,
      type: 'Story',
      summary: 'Make the checkout button blue, top right',
    }).key;
    const secured = app.jira.store.createIssue({
      projectKey: P,
      type: 'Story',
      summary: `${SECRET}: add a red banner at the top of the page`,
      securityLevel: level,
    }).key;
    await scan();
    const examplesOf = async (user: string) => {
      const health = dataOf(await callPage<HealthData>(app, 'health', {}, user));
      return { health, keys: health.current.recipes.examples.map((e) => e.key).sort() };
    };
    const admin = await examplesOf('admin');
    expect(admin.health.asOf).not.toBeNull();
    expect(admin.keys).toEqual([open, secured].sort());
    const member = await examplesOf('member');
    expect(member.keys).toEqual([open]);
    expect(JSON.stringify(member.health)).not.toContain(SECRET);
  });
});

describe("the scan's counts, shown to someone outside a security level", () => {
  const summaryOf = async (user: string) =>
    dataOf(await callPage<MapSummaryData>(app, 'mapSummary', { filters: {} }, user));
  const healthOf = async (user: string) => dataOf(await callPage<HealthData>(app, 'health', {}, user));

  it('are counted live for them, without the secured issue, and shown as the scan counted them to a member of the level', async () => {
    const level = leadsOnly(true);
    idleStory('Bookmark items in the cart');
    idleStory('Add a blue Save for later button top right');
    idleStory(SECRET, { level });
    await scanThroughPage(app);

    const adminMap = await summaryOf('admin');
    expect(adminMap).toMatchObject({ total: 3, liveBecause: null });
    expect(adminMap.asOf).not.toBeNull();
    const adminHealth = await healthOf('admin');
    expect(adminHealth.current.total).toBe(3);
    expect(adminHealth).toMatchObject({ liveBecause: null, lastScan: { total: 3 } });
    expect(adminHealth.asOf).not.toBeNull();

    const memberMap = await summaryOf('member');
    expect(memberMap).toMatchObject({ total: 2, asOf: null, liveBecause: 'access' });
    expect(memberMap.lanes.reduce((n, lane) => n + lane.count, 0)).toBe(2);
    const memberHealth = await healthOf('member');
    expect(memberHealth).toMatchObject({ asOf: null, lastScan: null, movement: null, liveBecause: 'access' });
    expect(memberHealth.current.total).toBe(2);
    expect(memberHealth.current.zombies.count).toBe(2);
    expect(JSON.stringify([memberMap, memberHealth])).not.toContain(SECRET);
  });

  it("count a sub-task under its parent's level as secured, as Jira's Security Level field shows it", async () => {
    const level = leadsOnly(true);
    idleStory('Bookmark items in the cart');
    const parent = app.jira.store.createIssue({
      projectKey: P,
      type: 'Story',
      summary: SECRET,
      status: 'Done',
      statusCategory: 'done',
      resolution: 'Done',
      securityLevel: level,
    }).key;
    app.jira.store.createIssue({
      projectKey: P,
      type: 'Sub-task',
      parentKey: parent,
      summary: 'Tell the landlord',
      created: ago(80),
      updated: ago(70),
    });
    await scanThroughPage(app);
    expect(await summaryOf('admin')).toMatchObject({ total: 2, liveBecause: null });
    expect(await summaryOf('member')).toMatchObject({ total: 1, asOf: null, liveBecause: 'access' });
  });

  it('are shown as the scan counted them to everyone when no counted issue is secured', async () => {
    leadsOnly(true);
    idleStory('Bookmark items in the cart');
    await scanThroughPage(app);
    const memberMap = await summaryOf('member');
    expect(memberMap).toMatchObject({ total: 1, liveBecause: null });
    expect(memberMap.asOf).not.toBeNull();
    expect((await healthOf('member')).asOf).not.toBeNull();
  });
});

describe('the decision log, shown to someone outside a security level', () => {
  it('leaves out a decision on a secured issue, and shows it to a member of the level', async () => {
    const level = leadsOnly(true);
    const open = idleStory('Bookmark items in the cart', { flagged: true });
    const secured = idleStory(SECRET, { level, flagged: true });
    for (const [issueKey, n] of [
      [open, 1],
      [secured, 2],
    ] as const)
      dataOf(
        await callPage(
          app,
          'decide',
          {
            issueKey,
            idempotencyKey: `keep-${n}-0000`,
            decision: {
              kind: 'keep',
              reason: `Kept for the Leipzig plan ${n}`,
              snoozeUntil: new Date(Date.now() + 30 * DAY).toISOString().slice(0, 10),
            },
          },
          'admin',
        ),
      );
    const logOf = async (user: string) =>
      dataOf(await callPage<DecisionLogData>(app, 'decisionLog', { limit: 20 }, user));
    expect((await logOf('admin')).entries.map((e) => e.issueKey).sort()).toEqual([open, secured].sort());
    const member = await logOf('member');
    expect(member.entries.map((e) => e.issueKey)).toEqual([open]);
    expect(JSON.stringify(member)).not.toContain(SECRET);
    expect(JSON.stringify(member)).not.toContain('Leipzig plan 2');
  });
});
