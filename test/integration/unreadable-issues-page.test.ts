/**
 * An open issue Jira answers in a shape the app cannot read (here its summary is a number) is left out of the
 * project page's live figures and lists, and each answer names it: the map's counts and lanes, backlog health,
 * the list of every recipe and the kill review queue say they are short by it instead of being silently short.
 */
import type { Answer } from '../../src/contract/answer';
import type {
  HealthData,
  HealthRecipesData,
  MapLanesData,
  MapSummaryData,
  ZombieQueueData,
} from '../../src/contract/project-page';
import { NO_OUTCOME } from '../../src/contract/project-page-keys';
import { createWorkbenchApp, type WorkbenchApp } from '../../workbench/app';
import { seedFlaggedIssue } from '../support/flagged-issue';

const P = 'DEMO';
const PAGE = 'outcome-lens-project-page';

let app: WorkbenchApp;
let odd: string[];
let warn: jest.SpyInstance;
beforeEach(() => {
  app = createWorkbenchApp({ dataFile: ':memory:', contract: true });
  app.jira.store.createProject({ key: P, name: 'Demo' });
  app.grantDemoRoles(P);
  // Four flagged zombies, two of which Jira will send in a shape the app cannot read.
  const make = (summary: string) => seedFlaggedIssue(app.jira.store, P, summary);
  make('Make the button blue, top right');
  make('Shoppers give up at the shipping step');
  odd = [make('Move the banner to the left'), make('Checkout fails for some cards')];
  // A site that breaks the spec for two issues: their summary comes as a number, in every search.
  const original = app.jira.handle.bind(app.jira);
  app.jira.handle = async (req) => {
    const res = await original(req);
    if (!req.path.includes('/search/jql') || res.status !== 200) return res;
    const body = JSON.parse(res.body) as { issues: Array<{ key: string; fields: Record<string, unknown> }> };
    for (const issue of body.issues) if (odd.includes(issue.key)) issue.fields.summary = 42;
    return { ...res, body: JSON.stringify(body) };
  };
  warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => {
  warn.mockRestore();
  app.close();
});

async function page<T>(fn: string, payload: unknown = {}): Promise<T> {
  const answer = (await app.invoke(PAGE, fn, payload, { user: 'admin', projectKey: P })) as Answer<T>;
  if (!answer.ok) throw new Error(`${fn}: ${JSON.stringify(answer.error)}`);
  return answer.data;
}

const bothNamed = () => ({ count: 2, named: expect.arrayContaining(odd) as string[] });

describe('open issues Jira sends in a shape the app cannot read', () => {
  it('are named by the map counted live, which counts the others', async () => {
    const summary = await page<MapSummaryData>('mapSummary', { filters: {} });
    expect(summary.total).toBe(2);
    expect(summary.unreadable).toEqual(bothNamed());
  });

  it('are named by the lane page they would be listed on', async () => {
    const { lanes } = await page<MapLanesData>('mapLanes', { filters: {}, pageSize: 20 });
    const none = lanes.find((l) => l.lane === NO_OUTCOME)!;
    expect(none.issues).toHaveLength(2);
    expect(none.unreadable).toEqual(bothNamed());
  });

  it('are named by backlog health counted live, and by the list of every recipe', async () => {
    const health = await page<HealthData>('health');
    expect(health.current.total).toBe(2);
    expect(health.unreadable).toEqual(bothNamed());
    const recipes = await page<HealthRecipesData>('healthRecipes', { pageToken: null });
    expect(recipes.read).toBe(2);
    expect(recipes.unreadable).toEqual(bothNamed());
  });

  it('are named by the kill review queue, which lists the other zombies', async () => {
    const queue = await page<ZombieQueueData>('zombieQueue', { sort: 'key', offset: 0, limit: 25 });
    expect(queue.flagged).toBe(2);
    expect(queue.unreadable).toEqual(bothNamed());
  });

  it('leave every answer without a note when all issues read', async () => {
    odd = [];
    expect((await page<MapSummaryData>('mapSummary', { filters: {} })).unreadable).toBeNull();
    expect((await page<HealthData>('health')).unreadable).toBeNull();
    const { lanes } = await page<MapLanesData>('mapLanes', { filters: {}, pageSize: 20 });
    expect(lanes.every((l) => l.unreadable === null)).toBe(true);
    expect((await page<ZombieQueueData>('zombieQueue', {})).unreadable).toBeNull();
  });
});
