/**
 * A workbench app with project DEMO and its demo roles, for tests that drive the project settings page's resolvers
 * (measurement tokens among them) the way its Custom UI does, with Jira's latency off.
 */
import type { Answer } from '../../src/contract/answer';
import { DEFAULT_SETTINGS, type Settings } from '../../src/domain/settings';
import { createWorkbenchApp, type WorkbenchApp } from '../../workbench/app';

export const SETTINGS_PROJECT = 'DEMO';
/** The manifest's module: app.invoke finds its resolver and the handler export in src/index.ts. */
export const SETTINGS_MODULE = 'outcome-lens-settings';

export function aSettingsApp(): WorkbenchApp {
  const app = createWorkbenchApp({ dataFile: ':memory:', contract: true, latency: 'off' });
  app.jira.store.createProject({ key: SETTINGS_PROJECT, name: 'Demo' });
  app.grantDemoRoles(SETTINGS_PROJECT);
  return app;
}

/** One resolver call of the settings page, as `user`. */
export async function callSettings<T>(
  app: WorkbenchApp,
  fn: string,
  payload: unknown,
  user = 'admin',
): Promise<Answer<T>> {
  return (await app.invoke(SETTINGS_MODULE, fn, payload, {
    user,
    projectKey: SETTINGS_PROJECT,
  })) as Answer<T>;
}

/** The default settings with `change` made to a copy of them. */
export function withChanges(change: (s: Settings) => void): Settings {
  const copy = structuredClone(DEFAULT_SETTINGS) as Settings;
  change(copy);
  return copy;
}
