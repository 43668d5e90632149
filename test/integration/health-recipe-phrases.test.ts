/**
 * Backlog health's recipe examples and its list of every recipe quote one list for an issue: each phrase once
 * whatever its case, without a list item's marker, before and after a scan.
 */
import type { Answer } from '../../src/contract/answer';
import type { HealthData, HealthRecipesData } from '../../src/contract/project-page';
import type { HealthExample } from '../../src/domain/backlog-health';
import { createWorkbenchApp, type WorkbenchApp } from '../../workbench/app';
import type { AdfDocument } from '../../workbench/jira/types';
import { scanThroughPage } from '../support/project-page-app';

const P = 'HRP';
const PAGE = 'outcome-lens-project-page';
let app: WorkbenchApp;

async function call<T>(fn: string, payload: unknown, user = 'admin'): Promise<T> {
  const a = (await app.invoke(PAGE, fn, payload, { user, projectKey: P })) as Answer<T>;
  if (!a.ok) throw new Error(`${fn}: ${JSON.stringify(a.error)}`);
  return a.data;
}

const adf = (...items: string[]): AdfDocument => ({
  type: 'doc',
  version: 1,
  content: [
    {
      type: 'bulletList',
      content: items.map((text) => ({
        type: 'listItem',
        content: [{ type: 'paragraph', content: [{ type: 'text', text }] }],
      })),
    },
  ],
});

beforeEach(() => {
  app = createWorkbenchApp({ dataFile: ':memory:', contract: false });
  app.jira.store.createProject({ key: P, name: 'Recipe phrases' });
  app.grantDemoRoles(P);
});
afterEach(() => app.close());

async function examplesEverywhere(): Promise<{ health: HealthExample[]; recipes: HealthExample[] }> {
  const health = await call<HealthData>('health', {}, 'viewer');
  const recipes = await call<HealthRecipesData>('healthRecipes', {}, 'viewer');
  return { health: health.current.recipes.examples, recipes: recipes.recipes };
}

it('quotes each phrase once, without list markers, and the same list in the examples and the list of recipes', async () => {
  const key = app.jira.store.createIssue({
    projectKey: P,
    type: 'Story',
    summary: 'Document the scheduler',
    description: adf('Document the API', 'document the CLI', 'Add a blue button top right'),
  }).key;
  const check = async () => {
    const { health, recipes } = await examplesEverywhere();
    const inHealth = health.find((e) => e.key === key)!;
    const inList = recipes.find((e) => e.key === key)!;
    expect(inHealth.phrases.length).toBeGreaterThan(0);
    expect(inList.phrases).toEqual(inHealth.phrases);
    const lower = inList.phrases.map((p) => p.toLowerCase());
    expect(new Set(lower).size).toBe(lower.length);
    for (const phrase of inList.phrases) expect(phrase).not.toMatch(/^(?:[-*•+]|\d+[.)])\s/);
    return inList.phrases;
  };
  const live = await check();
  // After a scan, health reads the examples the scan stored.
  await scanThroughPage(app, { projectKey: P });
  const health = await call<HealthData>('health', {}, 'viewer');
  expect(health.lastScan).not.toBeNull();
  expect(await check()).toEqual(live);
});
