/**
 * A workbench app with project DEMO and its demo roles, for tests that drive the project page's resolvers the way
 * its Custom UI does (`app.invoke` on the manifest's module).
 */
import type { Answer } from '../../src/contract/answer';
import { createWorkbenchApp, type WorkbenchApp } from '../../workbench/app';
import { YEAR_AHEAD } from './builders';

export const PAGE_PROJECT = 'DEMO';
/** The manifest's module: app.invoke finds its resolver and the handler export in src/index.ts. */
export const PAGE_MODULE = 'outcome-lens-project-page';

/** `consumers`: the queue's consumers are registered, so a scan or a bulk decision runs. */
export function aProjectPageApp(options: { consumers?: boolean } = {}): WorkbenchApp {
  const app = createWorkbenchApp({ dataFile: ':memory:', contract: true });
  app.jira.store.createProject({ key: PAGE_PROJECT, name: 'Demo' });
  app.grantDemoRoles(PAGE_PROJECT);
  if (options.consumers) app.registerConsumers();
  return app;
}

/** One resolver call of the project page, as `user`. */
export async function callPage<T>(
  app: WorkbenchApp,
  fn: string,
  payload: unknown,
  user: string,
): Promise<Answer<T>> {
  return (await app.invoke(PAGE_MODULE, fn, payload, { user, projectKey: PAGE_PROJECT })) as Answer<T>;
}

/** The data of an answer expected to be ok; the error's code and message otherwise. */
export function dataOf<T>(answer: Answer<T>): T {
  if (!answer.ok) throw new Error(`expected ok, got ${answer.error.code}: ${answer.error.message}`);
  return answer.data;
}

/**
 * "Scan now" on the project page of `projectKey` (DEMO unless named) as `user`, then every queued job run to the end (the app's consumers are
 * registered if they were not). Then Jira's search index takes in the scan's writes: a person opens the page long
 * after a scan, while the index's lag behind a write is the search-lag tests' own subject. Throws when a job failed.
 */
export async function scanThroughPage(
  app: WorkbenchApp,
  { projectKey = PAGE_PROJECT, user = 'admin' }: { projectKey?: string; user?: string } = {},
): Promise<void> {
  const started = (await app.invoke(PAGE_MODULE, 'scanNow', {}, { user, projectKey })) as Answer<unknown>;
  if (!started.ok) throw new Error(`scanNow: ${started.error.code} ${started.error.message}`);
  app.registerConsumers();
  const run = await app.queue.runDue({ until: 'idle', advanceClock: true });
  if (run.failed > 0) throw new Error(`${run.failed} queued job(s) failed during the scan`);
  app.jira.index.catchUp();
}

/**
 * An active outcome of `projectKey` (DEMO unless named), created on its page as an admin does; `draft` changes its
 * name or figures. Due on June 30 of the builders' year ahead (YEAR_AHEAD). Returns its id.
 */
export async function anOutcomeThroughPage(
  app: WorkbenchApp,
  draft: Record<string, unknown> = {},
  projectKey = PAGE_PROJECT,
): Promise<string> {
  const payload = {
    draft: {
      name: 'Fewer abandoned carts',
      metric: 'drop-off %',
      baseline: 40,
      target: 30,
      direction: 'decrease',
      dueDate: `${YEAR_AHEAD}-06-30`,
      ...draft,
    },
  };
  const created = await app.invoke(PAGE_MODULE, 'createOutcome', payload, { user: 'admin', projectKey });
  return dataOf(created as Answer<{ id: string }>).id;
}
