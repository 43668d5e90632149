/**
 * Shipped versus moved over the workbench: the scan keeps the ledger of delivered items and its monthly and
 * sprint aggregates right as items are delivered, reopened and delivered again, closed without delivery, and
 * given a verdict; duplicated scan events and overlapping reads count an item once. The project page and the
 * dashboard gadget read the summary after one Jira call (and one more for the items it names), and show only
 * projects the viewer may browse, and only the items Jira answers the viewer.
 */
import { createWorkbenchApp, type WorkbenchApp } from '../../workbench/app';
import type { Answer } from '../../src/contract/answer';
import type { ConfirmVerdictData } from '../../src/contract/project-page';
import type { GadgetProjectsData, GadgetViewData, ShippedMovedData } from '../../src/contract/shipped';
import { ISSUE_PROPERTY_KEY } from '../../src/domain/issue-lens';
import type { ShippedItem, ShippedSummary } from '../../src/domain/shipped';
import { keys } from '../../src/storage/keys';

const P = 'SHIP';
const OTHER = 'HIDE';
const PAGE = 'outcome-lens-project-page';
const GADGET = 'outcome-lens-shipped-gadget';
let app: WorkbenchApp;

const now = new Date();
const thisMonth = now.toISOString().slice(0, 7);
function monthsAgo(n: number, day = 10): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - n, day, 9));
  return d.toISOString();
}
const monthOf = (iso: string) => iso.slice(0, 7);

function ok<T>(a: unknown): T {
  const answer = a as Answer<T>;
  if (!answer.ok) throw new Error(`expected ok, got ${JSON.stringify(answer.error)}`);
  return answer.data;
}

function delivered(
  summary: string,
  at: string,
  options: { points?: number; bet?: boolean; resolution?: string; sprint?: number; project?: string } = {},
): string {
  const issue = app.jira.store.createIssue({
    projectKey: options.project ?? P,
    type: 'Story',
    summary,
    status: 'Done',
    statusCategory: 'done',
    resolution: options.resolution ?? 'Done',
    created: monthsAgo(8),
    // The emulator gives no resolutiondate: the scan reads a closed item's last update as its delivery.
    updated: at,
    storyPoints: options.points ?? null,
    ...(options.sprint
      ? { sprints: [{ id: options.sprint, name: `Sprint ${options.sprint}`, state: 'closed', boardId: 1 }] }
      : {}),
  });
  if (options.bet)
    app.jira.store.setIssueProperty(issue.key, ISSUE_PROPERTY_KEY, {
      version: 1,
      hypothesis: { persona: 'a shopper', intent: 'to pay on my phone', benefit: 'I buy on the bus' },
      expected: {
        metric: 'Mobile conversion',
        baseline: 2,
        target: 3,
        direction: 'increase',
        checkBy: monthsAgo(1, 1).slice(0, 10),
      },
      hasHypothesis: 'true',
    });
  return issue.key;
}

/** A live run, as an admin's Scan now starts it (a second scheduled firing within 30 minutes starts none). */
async function scan(projectKey = P): Promise<void> {
  ok(await app.invoke(PAGE, 'scanNow', { dryRun: false }, { user: 'admin', projectKey }));
  app.registerConsumers();
  await app.queue.runDue({ until: 'idle', advanceClock: true });
}
function kv(key: string): unknown {
  return app.kvs.dump().find((e) => e.key === key)?.value;
}
function stored(): ShippedSummary {
  return kv(keys.shippedSummary(P)) as ShippedSummary;
}
const view = async (user = 'viewer') =>
  ok<ShippedMovedData>(await app.invoke(PAGE, 'shippedMoved', {}, { user, projectKey: P }));
function month(data: ShippedMovedData, m: string) {
  return data.view.months.find((r) => r.label === m)!;
}

beforeEach(() => {
  app = createWorkbenchApp({ dataFile: ':memory:', contract: true });
  app.jira.store.createProject({ key: P, name: 'Shop' });
  app.grantDemoRoles(P);
  // The scan runs where the app is in use: an item of the project carries its lens.
  const inUse = app.jira.store.createIssue({ projectKey: P, summary: 'Open work', storyPoints: 13 });
  app.jira.store.setIssueProperty(inUse.key, ISSUE_PROPERTY_KEY, { version: 1, hasHypothesis: 'false' });
  app.jira.store.createProject({ key: OTHER, name: 'Hidden' });
  // Only the admin may browse the other project.
  app.jira.store.grant(OTHER, app.accountIdOf('admin'), ['BROWSE_PROJECTS', 'ADMINISTER_PROJECTS']);
});
afterEach(() => app.close());

describe('the shipped summary the scan keeps', () => {
  it('counts delivered items, points and bets per month and sprint, not work closed without delivery', async () => {
    const twoAgo = monthsAgo(2);
    const oneAgo = monthsAgo(1);
    delivered('Card payments on mobile', twoAgo, { points: 5, bet: true, sprint: 7 });
    delivered('Bigger buttons', twoAgo, { points: 3, sprint: 7 });
    const unbet = delivered('Reword the footer', oneAgo, { points: 1, sprint: 8 });
    delivered('Gift wrapping', oneAgo, { points: 8, resolution: "Won't Do" });
    await scan();

    const data = await view();
    expect(month(data, monthOf(twoAgo))).toMatchObject({ items: 2, points: 8, withBet: 1, betShare: 0.5 });
    expect(month(data, monthOf(oneAgo))).toMatchObject({ items: 1, points: 1, withBet: 0 });
    expect(month(data, thisMonth)).toMatchObject({ items: 0, points: 0 });
    expect(data.view.sprints.map((s) => [s.label, s.items, s.points])).toEqual([
      ['Sprint 7', 2, 8],
      ['Sprint 8', 1, 1],
    ]);
    expect(data.view.totals).toMatchObject({ items: 3, points: 9, withBet: 1, hitRate: null });
    expect(data.view.unbetCount).toBe(2);
    expect(data.view.unbet[0]).toMatchObject({ issueKey: unbet, points: 1 });
    expect(data.updatedAt).not.toBeNull();
  });

  it('takes a reopened item out and puts it back in the month it is delivered again', async () => {
    const twoAgo = monthsAgo(2);
    const key = delivered('Card payments on mobile', twoAgo, { points: 5, bet: true });
    delivered('Bigger buttons', twoAgo, { points: 3 });
    await scan();
    expect(month(await view(), monthOf(twoAgo))).toMatchObject({ items: 2, points: 8 });

    // Reopened today: no longer delivered.
    const issue = app.jira.store.getIssue(key)!;
    app.jira.store.updateIssueFields(issue.id, {
      statusName: 'In Progress',
      statusCategory: 'indeterminate',
      resolution: null,
      updated: new Date().toISOString(),
    });
    await scan();
    let data = await view();
    expect(month(data, monthOf(twoAgo))).toMatchObject({ items: 1, points: 3, withBet: 0 });
    expect(data.view.totals.items).toBe(1);
    expect(kv(keys.shippedItem(P, key))).toBeUndefined();

    // Delivered again: counted once, in this month.
    app.jira.store.updateIssueFields(issue.id, {
      statusName: 'Done',
      statusCategory: 'done',
      resolution: 'Done',
      updated: new Date().toISOString(),
    });
    await scan();
    data = await view();
    expect(month(data, monthOf(twoAgo))).toMatchObject({ items: 1, points: 3 });
    expect(month(data, thisMonth)).toMatchObject({ items: 1, points: 5, withBet: 1 });
    expect(data.view.totals.items).toBe(2);
    // Scanned again with nothing changed (the read overlaps a day): the same figures.
    await scan();
    expect((await view()).view).toEqual(data.view);
  });

  it('counts each delivery once under duplicated and overlapping scan events and a double firing', async () => {
    for (let i = 0; i < 30; i++) delivered(`Item ${i}`, monthsAgo(i % 3), { points: 2, bet: i % 2 === 0 });
    app.queue.injectDelivery({ duplicates: 20, overlapDuplicates: true });
    await app.runScheduledTrigger('outcome-lens-daily-scan', { firings: 2 });
    app.queue.injectDelivery({ duplicates: 20 });
    await scan();
    const summary = stored();
    expect(summary.items).toBe(30);
    const counted = Object.values(summary.months).reduce(
      (s, m) => ({ items: s.items + m.items, points: s.points + m.points, withBet: s.withBet + m.withBet }),
      { items: 0, points: 0, withBet: 0 },
    );
    expect(counted).toEqual({ items: 30, points: 60, withBet: 15 });
  });

  it('counts a verdict recorded after delivery at the next scan, and the hit rate from it', async () => {
    const key = delivered('Card payments on mobile', monthsAgo(2), { points: 5, bet: true });
    const other = delivered('Apple Pay', monthsAgo(2), { points: 3, bet: true });
    await scan();
    const verdict = async (issueKey: string, v: string, id: string) =>
      ok<ConfirmVerdictData>(
        await app.invoke(
          PAGE,
          'confirmVerdict',
          { issueKey, idempotencyKey: id, result: { verdict: v, evidence: 'Read from the weekly series.' } },
          { user: 'member', projectKey: P },
        ),
      );
    await verdict(key, 'validated', 'verdict-ship-0001');
    await verdict(other, 'invalidated', 'verdict-ship-0002');
    await scan();
    const data = await view();
    expect(month(data, monthOf(monthsAgo(2)))).toMatchObject({
      withBet: 2,
      validated: 1,
      invalidated: 1,
    });
    expect(data.view.totals.hitRate).toBe(0.5);
  });
});

// Neither of the upkeep's reads (Done items of the project changed since, items not Done changed since) finds an
// item deleted or moved to another project after delivery: a full run (here: Scan now) checks the whole ledger
// against Jira, a bulk read of 100 records at a time.
describe('items deleted or moved after delivery', () => {
  /** The ledger's records of `project`, and its summary: the summary must count exactly the records. */
  function ledger(project = P): { keys: string[]; summary: ShippedSummary } {
    const prefix = `shipped:${project}:`;
    const records = app.kvs
      .dump()
      .filter((e) => e.key.startsWith(prefix))
      .map((e) => e.value as ShippedItem);
    const summary = kv(keys.shippedSummary(project)) as ShippedSummary;
    expect(summary.items).toBe(records.length);
    expect(Object.values(summary.months).reduce((n, m) => n + m.items, 0)).toBe(records.length);
    return { keys: records.map((r) => r.issueKey).sort(), summary };
  }
  /** A project where the app is in use (the scan runs there), that the demo roles may browse. */
  function project(key: string): void {
    app.jira.store.createProject({ key, name: key });
    app.grantDemoRoles(key);
    const inUse = app.jira.store.createIssue({ projectKey: key, summary: 'Open work' });
    app.jira.store.setIssueProperty(inUse.key, ISSUE_PROPERTY_KEY, { version: 1, hasHypothesis: 'false' });
  }
  /** The app's bulk reads of issues from `mark` on. */
  const appBulkReads = (mark: number) =>
    app.jira.calls
      .slice(mark)
      .filter((c) => c.actor.type === 'app' && c.path.startsWith('/rest/api/3/issue/bulkfetch')).length;
  /** Delivered items' keys in the order the ledger's check reads their records: storage key order. */
  const inCheckOrder = (issueKeys: string[]) =>
    [...issueKeys].sort((a, b) => (keys.shippedItem(P, a) < keys.shippedItem(P, b) ? -1 : 1));

  it('takes a deleted item out of the figures and the hit rate, once under duplicated events', async () => {
    const gone = delivered('Card payments on mobile', monthsAgo(2), { points: 5, bet: true });
    const stays = delivered('Bigger buttons', monthsAgo(2), { points: 3 });
    await scan();
    ok<ConfirmVerdictData>(
      await app.invoke(
        PAGE,
        'confirmVerdict',
        {
          issueKey: gone,
          idempotencyKey: 'verdict-gone-0001',
          result: { verdict: 'validated', evidence: 'Read from the weekly series.' },
        },
        { user: 'member', projectKey: P },
      ),
    );
    await scan();
    expect((await view()).view.totals).toMatchObject({ items: 2, points: 8, withBet: 1, hitRate: 1 });

    app.jira.store.deleteIssue(gone);
    app.queue.injectDelivery({ duplicates: 20, overlapDuplicates: true });
    await scan();
    const data = await view();
    expect(data.view.totals).toMatchObject({ items: 1, points: 3, withBet: 0, hitRate: null });
    expect(month(data, monthOf(monthsAgo(2)))).toMatchObject({ items: 1, points: 3, withBet: 0 });
    expect(ledger().keys).toEqual([stays]);
    expect(ledger().summary.ledgerCheck).toBeNull();
    // Scanned again: nothing more leaves.
    await scan();
    expect((await view()).view).toEqual(data.view);
  });

  it('counts a moved item once, where it is now, on the page and in a gadget showing both projects', async () => {
    const NEW = 'NEWP';
    project(NEW);
    const moved = delivered('Card payments on mobile', monthsAgo(1), { points: 5 });
    delivered('Bigger buttons', monthsAgo(1), { points: 3 });
    await scan();
    await scan(NEW);
    const movedTo = app.jira.store.moveIssue(moved, NEW);
    await scan();
    await scan(NEW);

    expect((await view()).view.totals).toMatchObject({ items: 1, points: 3 });
    expect(ledger().keys).not.toContain(moved);
    expect(ledger(NEW).keys).toEqual([movedTo]);
    const gadget = ok<GadgetViewData>(
      await app.invoke(GADGET, 'gadgetView', { projectKeys: [P, NEW], months: 6 }, { user: 'admin' }),
    );
    expect(gadget.projects.map((p) => [p.projectKey, p.view.totals.items, p.view.totals.points])).toEqual([
      [P, 1, 3],
      [NEW, 1, 5],
    ]);
  });

  // Jira answers the app nothing for a deleted issue, and nothing for one under a level that leaves the app out:
  // the app cannot tell the two apart, and counts neither (an item delivered under such a level is never counted
  // either). An issue the app reads under a level stays.
  it('keeps an item the app reads under a level; one a level keeps from the app leaves until it reads it again', async () => {
    const shared = delivered('Shoppers pay by card', monthsAgo(1), { points: 3 });
    const secret = delivered('Layoffs plan for the Berlin office', monthsAgo(1), { points: 5 });
    delivered('Bigger buttons', monthsAgo(1), { points: 1 });
    await scan();
    app.jira.store.createSecurityLevel({
      name: 'Team and apps',
      accountIds: [app.accountIdOf('admin')],
      projectRoles: ['atlassian-addons-project-access'],
    });
    app.jira.store.createSecurityLevel({ name: 'Board only', accountIds: [app.accountIdOf('admin')] });
    app.jira.store.setIssueSecurityLevel(shared, 'Team and apps');
    app.jira.store.setIssueSecurityLevel(secret, 'Board only');
    await scan();
    expect(ledger().keys).toContain(shared);
    expect(ledger().keys).not.toContain(secret);
    expect((await view('admin')).view.totals).toMatchObject({ items: 2, points: 4 });

    // The level lifted (a change of the issue, which moves its `updated`): the next read of deliveries takes it in.
    app.jira.store.setIssueSecurityLevel(secret, null);
    app.jira.store.updateIssueFields(app.jira.store.getIssue(secret)!.id, {
      updated: new Date().toISOString(),
    });
    await scan();
    expect((await view('admin')).view.totals).toMatchObject({ items: 3, points: 9 });
  });

  it('keeps its place when a bulk read fails midway: nothing is lost, and the next scan goes on from there', async () => {
    const all = inCheckOrder(Array.from({ length: 150 }, (_, i) => delivered(`Item ${i}`, monthsAgo(1))));
    const [firstPage, secondPage] = [all.slice(0, 100), all.slice(100)];
    await scan();
    expect(ledger().keys).toHaveLength(150);
    const goneFirst = firstPage[7]!;
    const goneSecond = secondPage[7]!;
    app.jira.store.deleteIssue(goneFirst);
    app.jira.store.deleteIssue(goneSecond);

    // Jira fails every bulk read of the second page of records (each try of the scan's step).
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    app.jira.faults.inject({
      kind: 'server-error',
      status: 500,
      match: { pathIncludes: '/issue/bulkfetch', bodyIncludes: `"${secondPage[0]}"` },
    });
    await scan();
    app.jira.faults.clear();
    expect(warn.mock.calls.flat().join(' ')).toMatch(/shipped summary of SHIP failed/);
    warn.mockRestore();
    // The first page's removal is written, with where the check stands; the second page's items all stay.
    let after = ledger();
    expect(after.keys).toHaveLength(149);
    expect(after.keys).not.toContain(goneFirst);
    expect(after.keys).toEqual(expect.arrayContaining(secondPage));
    expect(after.summary.ledgerCheck).toMatchObject({ after: expect.any(String) });

    // The next scan reads only the page it stopped at, and ends the check.
    const mark = app.jira.calls.length;
    await scan();
    expect(appBulkReads(mark)).toBe(1);
    after = ledger();
    expect(after.keys).toHaveLength(148);
    expect(after.keys).not.toContain(goneSecond);
    expect(after.summary.ledgerCheck).toBeNull();
    expect((await view()).view.totals.items).toBe(148);
  });

  it('goes on after a rate limit midway, in the same run, and counts each removal once', async () => {
    const all = inCheckOrder(Array.from({ length: 150 }, (_, i) => delivered(`Item ${i}`, monthsAgo(1))));
    await scan();
    const gone = [all[3]!, all[120]!];
    for (const key of gone) app.jira.store.deleteIssue(key);
    app.jira.faults.inject({
      kind: 'rate-limit',
      retryAfterSeconds: 5,
      times: 1,
      match: { pathIncludes: '/issue/bulkfetch', bodyIncludes: `"${all[100]}"` },
    });
    await scan();
    expect(app.jira.faults.list()).toEqual([]);
    const after = ledger();
    expect(after.keys).toHaveLength(148);
    expect(after.keys).not.toEqual(expect.arrayContaining([gone[0]]));
    expect(after.keys).not.toEqual(expect.arrayContaining([gone[1]]));
    expect(after.summary.ledgerCheck).toBeNull();
  });

  // Jira names in `issueErrors` an issue it could not return this time: that is not a deleted issue.
  it('takes nothing for missing that Jira could not return this time', async () => {
    const kept = delivered('Card payments on mobile', monthsAgo(1), { points: 5 });
    const gone = delivered('Bigger buttons', monthsAgo(1), { points: 3 });
    await scan();
    app.jira.store.deleteIssue(gone);
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    app.jira.faults.inject({
      kind: 'issue-errors',
      issueIds: [app.jira.store.getIssue(kept)!.id],
      actor: 'app',
    });
    await scan();
    app.jira.faults.clear();
    warn.mockRestore();
    expect(ledger().keys).toContain(kept);
    await scan();
    expect(ledger().keys).toEqual([kept]);
    expect((await view()).view.totals).toMatchObject({ items: 1, points: 5 });
  });

  // Forge's KVS may answer an error for a write it made: the summary must go on counting what the records hold.
  it.each([
    ['an error', false],
    ['stored, then an error', true],
  ] as const)('counts a removal once when its storage write answers %s', async (_, lands) => {
    const gone = delivered('Card payments on mobile', monthsAgo(1), { points: 5 });
    const stays = delivered('Bigger buttons', monthsAgo(1), { points: 3 });
    await scan();
    app.jira.store.deleteIssue(gone);
    const answer = app.kvs.handle.bind(app.kvs);
    let failed = 0;
    jest.spyOn(app.kvs, 'handle').mockImplementation(async (path, init) => {
      const body = typeof init?.body === 'string' ? init.body : '';
      if (failed > 0 || path !== '/api/v1/transaction' || !body.includes(`"${keys.shippedItem(P, gone)}"`))
        return answer(path, init);
      failed++;
      if (lands) await answer(path, init);
      return new Response(JSON.stringify({ code: 'INTERNAL_SERVER_ERROR', message: 'Storage timed out' }), {
        status: 500,
        headers: { 'content-type': 'application/json' },
      });
    });
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    await scan();
    expect(warn.mock.calls.flat().join(' ')).toMatch(/shipped summary of SHIP failed/);
    jest.restoreAllMocks();
    expect(failed).toBe(1);
    expect(ledger().keys).toEqual(lands ? [stays] : [gone, stays].sort());
    await scan();
    expect(ledger().keys).toEqual([stays]);
    expect(ledger().summary.ledgerCheck).toBeNull();
    expect((await view()).view.totals).toMatchObject({ items: 1, points: 3 });
  });
});

describe('who sees it', () => {
  it('answers the project page to those who may browse the project, refuses others', async () => {
    delivered('Card payments on mobile', monthsAgo(1), { points: 5 });
    await scan();
    expect((await view('viewer')).view.totals.items).toBe(1);
    expect(await app.invoke(PAGE, 'shippedMoved', {}, { user: 'outsider', projectKey: P })).toMatchObject({
      ok: false,
      error: { code: 'NOT_AUTHORIZED' },
    });
  });

  it('shows a gadget viewer only the configured projects they may browse, counting the rest', async () => {
    delivered('Card payments on mobile', monthsAgo(1), { points: 5 });
    delivered('Secret work', monthsAgo(1), { points: 8, project: OTHER });
    await scan();
    const config = { projectKeys: [P, OTHER], months: 6 };
    const asAdmin = ok<GadgetViewData>(await app.invoke(GADGET, 'gadgetView', config, { user: 'admin' }));
    expect(asAdmin.projects.map((p) => [p.projectKey, p.projectName])).toEqual([
      [P, 'Shop'],
      [OTHER, 'Hidden'],
    ]);
    expect(asAdmin.hidden).toBe(0);
    expect(asAdmin.projects[0]!.view.months).toHaveLength(6);

    const asViewer = ok<GadgetViewData>(await app.invoke(GADGET, 'gadgetView', config, { user: 'viewer' }));
    expect(asViewer.projects.map((p) => p.projectKey)).toEqual([P]);
    expect(asViewer.hidden).toBe(1);
    expect(JSON.stringify(asViewer)).not.toContain('Secret work');

    const asOutsider = ok<GadgetViewData>(
      await app.invoke(GADGET, 'gadgetView', config, { user: 'outsider' }),
    );
    expect(asOutsider).toEqual({ projects: [], hidden: 2 });

    // The edit view offers only projects the person configuring may browse.
    const offered = ok<GadgetProjectsData>(
      await app.invoke(GADGET, 'gadgetProjects', {}, { user: 'viewer' }),
    );
    expect(offered.projects.map((p) => p.key)).toEqual([P]);
    // What a lead types narrows the list on the server, among projects they may browse.
    const typed = ok<GadgetProjectsData>(
      await app.invoke(GADGET, 'gadgetProjects', { query: 'hid' }, { user: 'admin' }),
    );
    expect(typed.projects.map((p) => p.key)).toEqual([OTHER]);
    expect(
      ok<GadgetProjectsData>(await app.invoke(GADGET, 'gadgetProjects', { query: 'hid' }, { user: 'viewer' }))
        .projects,
    ).toEqual([]);
    // A configuration the contract refuses changes nothing.
    expect(
      await app.invoke(GADGET, 'gadgetView', { projectKeys: [], months: 6 }, { user: 'admin' }),
    ).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  // An item the ledger noted as unsecured, later moved to a project the viewer may not browse, or put under a
  // level that leaves out even the app (so the scan no longer reads it to note it): its key and summary were
  // still listed to the viewer, though Jira answers them that it does not exist.
  it.each([
    ['moved to a project the viewer may not browse', 'Acquisition of Initech (codename Bluebird)', 'move'],
    ['put under a level that leaves the app out', 'Layoffs plan for the Berlin office', 'secure'],
  ] as const)('does not name to a viewer a delivered item since %s', async (_, summary, how) => {
    const key = delivered(summary, monthsAgo(1), { points: 5 });
    const stays = delivered('Shoppers pay by card', monthsAgo(1), { points: 3 });
    await scan();
    if (how === 'move') {
      app.jira.store.createProject({ key: 'SECRET', name: 'Secret' });
      app.jira.store.moveIssue(key, 'SECRET');
    } else {
      app.jira.store.createSecurityLevel({ name: 'Board only', accountIds: [app.accountIdOf('admin')] });
      app.jira.store.setIssueSecurityLevel(key, 'Board only');
    }
    await scan();
    const seen = ok<ShippedMovedData>(
      await app.invoke(PAGE, 'shippedMoved', {}, { user: 'viewer', projectKey: P }),
    );
    expect(JSON.stringify(seen)).not.toContain(summary);
    expect(seen.view.unbet.map((u) => u.issueKey)).toEqual([stays]);
  });

  // The figures come from the ledger; the items it names are read once as the viewer (at most
  // MAX_UNBET_LISTED, one bulk read), as one may have been moved or secured out of their sight since.
  it('loads with two Jira calls, whatever the number of delivered items', async () => {
    for (let i = 0; i < 250; i++) delivered(`Item ${i}`, monthsAgo(i % 6), { points: 1 });
    await scan();
    const before = app.jira.calls.length;
    const data = ok<GadgetViewData>(
      await app.invoke(GADGET, 'gadgetView', { projectKeys: [P], months: 12 }, { user: 'viewer' }),
    );
    expect(data.projects[0]!.view.totals.items).toBe(250);
    expect(app.jira.calls.slice(before).map((c) => `${c.method} ${c.path.split('?')[0]}`)).toEqual([
      'GET /rest/api/3/project/search',
      'POST /rest/api/3/issue/bulkfetch',
    ]);
  });
});
