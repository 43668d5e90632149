/**
 * The project page reads the figures the scan stored (src/scan/aggregates.ts): after a scan, a load of the
 * outcome map's counts or of backlog health makes the same few Jira calls whatever the backlog's size, and
 * answers what a live count of the same backlog answers. Before any scan it counts a bounded first part live.
 */
import { createWorkbenchApp, type WorkbenchApp } from '../../workbench/app';
import { ISSUE_PROPERTY_KEY } from '../../src/domain/issue-lens';
import type { Answer } from '../../src/contract/answer';
import type { HealthData, MapSummaryData, OutcomeView } from '../../src/contract/project-page';
import type { IssueInput } from '../../workbench/jira/types';
import { kvs } from '@forge/kvs';
import { loadAggregates } from '../../src/storage/aggregates';
import { runInInvocation } from '../../workbench/forge/context';
import { DUE_DATE_AHEAD } from '../support/builders';

const P = 'AGG';
const PAGE = 'outcome-lens-project-page';
const apps: WorkbenchApp[] = [];
afterEach(() => {
  for (const a of apps.splice(0)) a.close();
});

async function backlog(size: number) {
  const app = createWorkbenchApp({ dataFile: ':memory:', contract: false });
  apps.push(app);
  app.jira.store.createProject({ key: P, name: 'Aggregates' });
  app.grantDemoRoles(P);
  const call = async <T>(fn: string, payload: unknown, user = 'admin'): Promise<T> => {
    const a = (await app.invoke(PAGE, fn, payload, { user, projectKey: P })) as Answer<T>;
    if (!a.ok) throw new Error(`${fn}: ${JSON.stringify(a.error)}`);
    return a.data;
  };
  const outcomes: OutcomeView[] = [];
  for (const name of ['Faster checkout', 'Fewer returns'])
    outcomes.push(
      await call<OutcomeView>('createOutcome', {
        draft: {
          name,
          metric: name,
          baseline: 10,
          target: 20,
          direction: 'increase',
          dueDate: DUE_DATE_AHEAD,
        },
      }),
    );
  const inputs: IssueInput[] = [
    { key: `${P}-1`, projectKey: P, type: 'Epic', summary: 'Checkout epic' },
    { key: `${P}-2`, projectKey: P, type: 'Epic', summary: 'Returns epic' },
  ];
  for (let n = 3; n <= size; n++)
    inputs.push({
      key: `${P}-${n}`,
      projectKey: P,
      type: n % 5 === 0 ? 'Bug' : 'Story',
      summary:
        n % 4 === 0 ? `Add a blue button top right ${n}` : `Shoppers cannot find item ${n}, so they leave`,
      storyPoints: (n % 8) + 1,
      created: '2025-01-01T00:00:00.000Z',
      ...(n % 3 === 1 ? { parentKey: `${P}-${(n % 2) + 1}` } : {}),
    });
  app.jira.store.bulkCreateIssues(inputs);
  app.jira.store.setIssueProperty(`${P}-1`, ISSUE_PROPERTY_KEY, { outcomeId: outcomes[0]!.id });
  app.jira.store.setIssueProperty(`${P}-2`, ISSUE_PROPERTY_KEY, { outcomeId: outcomes[1]!.id });
  for (let n = 3; n <= size; n += 3)
    app.jira.store.setIssueProperty(`${P}-${n}`, ISSUE_PROPERTY_KEY, { outcomeId: outcomes[n % 2]!.id });
  const callsOf = async <T>(fn: string, payload: unknown): Promise<{ data: T; calls: number }> => {
    const before = app.jira.calls.length;
    const data = await call<T>(fn, payload, 'viewer');
    return { data, calls: app.jira.calls.length - before };
  };
  const scan = async () => {
    await call('scanNow', {});
    app.registerConsumers();
    const ran = await app.queue.runDue({ until: 'idle', advanceClock: true });
    expect(ran.failed).toBe(0);
  };
  return { app, call, callsOf, outcomes, scan };
}

it('before any scan counts live and bounded, and says so; after a scan, reads the scan figures', async () => {
  const { callsOf, scan } = await backlog(1_500);
  const live = await callsOf<MapSummaryData>('mapSummary', { filters: {} });
  expect(live.data).toMatchObject({ asOf: null, truncated: true, total: 1_000 });
  const liveHealth = await callsOf<HealthData>('health', {});
  expect(liveHealth.data).toMatchObject({ asOf: null, truncated: true });

  await scan();
  const fromScan = await callsOf<MapSummaryData>('mapSummary', { filters: {} });
  expect(fromScan.data.asOf).toEqual(expect.any(String));
  expect(fromScan.data).toMatchObject({ total: 1_500, truncated: false });
  const health = await callsOf<HealthData>('health', {});
  expect(health.data.asOf).toEqual(fromScan.data.asOf);
  expect(health.data.current.total).toBe(1_500);
  // The one scan so far is both "now" and the last scan: no movement yet, rather than none to show.
  expect(health.data.lastScan).toMatchObject({ total: 1_500, at: health.data.asOf });
  expect(health.data.movement).toMatchObject({ total: 0, zombies: 0, recipeShare: 0 });
});

it('a load makes as many Jira calls for 2,000 open issues as for 100, and answers what a live count does', async () => {
  const measured: Array<{ summary: number; health: number }> = [];
  for (const size of [100, 2_000]) {
    const { app, callsOf, scan } = await backlog(size);
    await scan();
    const summary = await callsOf<MapSummaryData>('mapSummary', { filters: {} });
    const bug = await callsOf<MapSummaryData>('mapSummary', { filters: { issueType: 'Bug' } });
    const health = await callsOf<HealthData>('health', {});
    expect(summary.data.total).toBe(size);
    expect(summary.data.asOf).not.toBeNull();
    expect(bug.data.asOf).toBe(summary.data.asOf);
    measured.push({ summary: summary.calls, health: health.calls });
    if (size !== 100) continue;
    await compareWithLive(app, callsOf, summary.data, bug.data, health.data);
    // One workbench (one Forge runtime) at a time.
    apps.splice(0).forEach((a) => a.close());
  }
  expect(measured[1]).toEqual(measured[0]);
  expect(measured[0]!.summary).toBeLessThanOrEqual(3);
  expect(measured[0]!.health).toBeLessThanOrEqual(3);
});

async function compareWithLive(
  app: WorkbenchApp,
  callsOf: Awaited<ReturnType<typeof backlog>>['callsOf'],
  summary: MapSummaryData,
  bug: MapSummaryData,
  health: HealthData,
) {
  {
    // The same backlog counted live (every issue fits the live pass at 100): the scan's figures put aside.
    const system = <T>(fn: () => Promise<T>) =>
      runInInvocation({ accountId: null, moduleKey: PAGE, installContext: app.installContext }, fn);
    const stored = await system(() => loadAggregates(P));
    await system(() => kvs.delete(`aggregates:${P}:latest`));
    const live = await callsOf<MapSummaryData>('mapSummary', { filters: {} });
    const liveBug = await callsOf<MapSummaryData>('mapSummary', { filters: { issueType: 'Bug' } });
    const liveHealth = await callsOf<HealthData>('health', {});
    expect(stored).not.toBeNull();
    expect(live.data.asOf).toBeNull();
    expect(live.data.lanes.some((l) => l.zombies > 0)).toBe(true);
    expect({ ...summary, asOf: null, liveBecause: 'no-scan' }).toEqual(live.data);
    // A filtered live count offers only the options inside the filter; the scan's figures offer them all.
    expect({ ...bug, asOf: null, liveBecause: 'no-scan', filterOptions: null }).toEqual({
      ...liveBug.data,
      filterOptions: null,
    });
    expect(bug.total).toBe(liveBug.data.total);
    expect(health.current).toEqual(liveHealth.data.current);
  }
}

it('lists reporters the same before and after a scan: one row per account, two "Former user" told apart', async () => {
  const { app, callsOf, scan } = await backlog(12);
  for (const id of ['gone-1', 'gone-2'])
    app.jira.store.upsertUser({ accountId: id, displayName: 'Former user' });
  for (let n = 3; n <= 12; n++)
    app.jira.store.updateIssueFields(app.jira.store.getIssue(`${P}-${n}`)!.id, {
      reporter: n <= 6 ? 'gone-1' : n <= 8 ? 'gone-2' : null,
    });
  const rowsOf = async () =>
    (await callsOf<HealthData>('health', {})).data.current.reporters.map((r) => [r.reporter, r.count]);
  const before = await rowsOf();
  expect(before).toEqual(
    expect.arrayContaining([
      ['Former user', 4],
      ['Former user (2)', 2],
    ]),
  );
  await scan();
  expect(await rowsOf()).toEqual(before);
});

it('says why a count is live: no scan yet, or a filter the scan did not count by', async () => {
  const { callsOf, scan } = await backlog(40);
  const summaryOf = async (filters: Record<string, unknown>) =>
    (await callsOf<MapSummaryData>('mapSummary', { filters })).data;
  expect(await summaryOf({})).toMatchObject({ asOf: null, liveBecause: 'no-scan' });
  await scan();
  expect(await summaryOf({})).toMatchObject({ asOf: expect.any(String), liveBecause: null });
  expect(await summaryOf({ recipe: true, issueType: 'Bug' })).toMatchObject({
    asOf: null,
    liveBecause: 'filter',
  });
});

it('answers the recipe filter from the scan, with the counts a live count gives', async () => {
  const { app, callsOf, scan } = await backlog(120);
  const recipes = async () =>
    (await callsOf<MapSummaryData>('mapSummary', { filters: { recipe: true } })).data;
  await scan();
  const fromScan = await recipes();
  expect(fromScan).toMatchObject({ asOf: expect.any(String), liveBecause: null, truncated: false });
  expect(fromScan.total).toBeGreaterThan(0);
  // Figures stored before recipe lanes were kept: the filter is counted live (from the lenses the scan wrote),
  // says why, and agrees.
  await runInInvocation(
    { accountId: null, moduleKey: PAGE, installContext: app.installContext },
    async () => {
      const stored = await loadAggregates(P);
      delete stored!.recipeLanes;
      await kvs.set(`aggregates:${P}:latest`, stored);
    },
  );
  const live = await recipes();
  expect(live).toMatchObject({ asOf: null, liveBecause: 'filter' });
  expect(fromScan.lanes).toEqual(live.lanes);
  expect(fromScan.total).toBe(live.total);
});
