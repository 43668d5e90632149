/**
 * A workbench app with project DEMO, its demo roles and one issue, for tests that drive the issue panel's resolvers
 * the way its Custom UI does (`app.invoke` on the manifest's module, as the issue's context).
 */
import type { Answer, ErrorAnswer } from '../../src/contract/answer';
import { toPlainText, type AdfNode } from '../../src/domain/plain-text';
import { createWorkbenchApp, type WorkbenchApp } from '../../workbench/app';

export { dataOf } from './project-page-app';

/** The manifest's module: app.invoke finds its resolver and the handler export in src/index.ts. */
export const PANEL_MODULE = 'outcome-lens-issue-panel';

export function anIssuePanelApp(issue: { key: string; summary: string; description: string }): WorkbenchApp {
  const app = createWorkbenchApp({ dataFile: ':memory:' });
  app.jira.store.createProject({ key: 'DEMO', name: 'Demo' });
  app.grantDemoRoles('DEMO');
  app.jira.store.createIssue(issue);
  return app;
}

/** One resolver call of the issue panel open on `issueKey`, as `user`. */
export function callPanel<T>(
  app: WorkbenchApp,
  fn: string,
  payload: unknown,
  user: string,
  issueKey: string,
): Promise<Answer<T>> {
  return app.invoke(PANEL_MODULE, fn, payload, { user, issueKey }) as Promise<Answer<T>>;
}

/** The error of an answer expected to be refused. */
export function errorOf<T>(answer: Answer<T>): ErrorAnswer {
  if (answer.ok) throw new Error('expected an error answer');
  return answer.error;
}

/** The issue's description as plain text, as Jira holds it now. */
export const descriptionTextOf = (app: WorkbenchApp, key: string): string =>
  toPlainText(app.jira.store.getIssue(key)!.description as AdfNode | null);
