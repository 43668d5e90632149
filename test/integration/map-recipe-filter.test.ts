/**
 * "Recipes only" on the outcome map and backlog health's list of recipes: every recipe, counted and listed once,
 * before and after a scan. The scan's stored figures have no recipe dimension, so the map counts that view live.
 */
import { createWorkbenchApp, type WorkbenchApp } from '../../workbench/app';
import type { Answer } from '../../src/contract/answer';
import type { MapLanesData, MapSummaryData } from '../../src/contract/project-page';
import { scanThroughPage } from '../support/project-page-app';

const P = 'REC';
const PAGE = 'outcome-lens-project-page';
let app: WorkbenchApp;
afterEach(() => app.close());

async function call<T>(fn: string, payload: unknown, user = 'admin'): Promise<T> {
  const a = (await app.invoke(PAGE, fn, payload, { user, projectKey: P })) as Answer<T>;
  if (!a.ok) throw new Error(`${fn}: ${JSON.stringify(a.error)}`);
  return a.data;
}

it('after a scan, the map summary of "Recipes only" counts the recipes, not the whole backlog', async () => {
  app = createWorkbenchApp({ dataFile: ':memory:', contract: false });
  app.jira.store.createProject({ key: P, name: 'Recipes' });
  app.grantDemoRoles(P);
  for (let n = 1; n <= 10; n++)
    app.jira.store.createIssue({
      projectKey: P,
      type: 'Story',
      summary: n <= 3 ? `Add a blue button top right ${n}` : `Shoppers cannot find item ${n}, so they leave`,
    });
  await scanThroughPage(app, { projectKey: P });

  const lanes = await call<MapLanesData>('mapLanes', { filters: { recipe: true } });
  const listed = lanes.lanes.flatMap((l) => l.issues.map((i) => i.key));
  const all = await call<MapSummaryData>('mapSummary', { filters: {} });
  const only = await call<MapSummaryData>('mapSummary', { filters: { recipe: true } });
  expect(listed).toHaveLength(3);
  expect(all.total).toBe(10);
  expect(only.total).toBe(3);
  expect(only.lanes.find((l) => l.lane === 'none')?.count).toBe(3);
});

it('pages past 100 recipes in the map lane and in backlog health, each recipe once and all of them', async () => {
  app = createWorkbenchApp({ dataFile: ':memory:', contract: false });
  app.jira.store.createProject({ key: P, name: 'Recipes' });
  app.grantDemoRoles(P);
  const N = 250;
  app.jira.store.bulkCreateIssues(
    Array.from({ length: N + 40 }, (_, i) => ({
      key: `${P}-${i + 1}`,
      projectKey: P,
      type: 'Story',
      summary:
        i < N ? `Add a blue button top right ${i + 1}` : `Shoppers cannot find item ${i + 1}, so they leave`,
    })),
  );
  await scanThroughPage(app, { projectKey: P });

  const first = await call<MapLanesData>('mapLanes', { filters: { recipe: true }, pageSize: 50 });
  const none = first.lanes.find((l) => l.lane === 'none')!;
  const keys = none.issues.map((i) => i.key);
  let token = none.nextPageToken;
  let pages = 1;
  while (token) {
    const page = await call<{ issues: Array<{ key: string }>; nextPageToken: string | null }>('mapPage', {
      lane: 'none',
      filters: { recipe: true },
      pageSize: 100,
      pageToken: token,
    });
    keys.push(...page.issues.map((i) => i.key));
    token = page.nextPageToken;
    pages += 1;
  }
  const health = await call<{ current: { recipes: { count: number } } }>('health', {});
  const listed: string[] = [];
  let t: string | null = null;
  let steps = 0;
  do {
    const step: { recipes: Array<{ key: string }>; nextPageToken: string | null } = await call(
      'healthRecipes',
      { pageToken: t },
    );
    listed.push(...step.recipes.map((r) => r.key));
    t = step.nextPageToken;
    steps += 1;
  } while (t);
  // Both lists were read a page at a time, past Jira's 100 a page.
  expect(pages).toBeGreaterThanOrEqual(3);
  expect(steps).toBeGreaterThanOrEqual(3);
  expect(new Set(keys).size).toBe(N);
  expect(keys).toHaveLength(N);
  expect(health.current.recipes.count).toBe(N);
  expect(new Set(listed).size).toBe(N);
});
