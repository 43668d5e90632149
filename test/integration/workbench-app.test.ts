/**
 * The workbench app as the surfaces' tests use it: Forge-shaped contexts for each module type, who may call,
 * manifest lookups, and the scheduled trigger draining the queue.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { asUser, route } from '@forge/api';
import { Queue } from '@forge/events';
import Resolver from '@forge/resolver';
import { createWorkbenchApp, UnknownUserError, type WorkbenchApp } from '../../workbench/app';
import { DEMO_USERS } from '../../workbench/users';

const ECHO_PANEL = 'test-echo-panel';
const ECHO_PAGE = 'test-echo-project-page';

/** A real @forge/resolver that answers with what it was given, and asks Jira for the issue as the user. */
function echoResolver() {
  const resolver = new Resolver();
  resolver.define('echo', ({ payload, context }) => ({ payload, context }));
  resolver.define('readIssue', async ({ payload }) => {
    const key = (payload as { key: string }).key;
    const res = await asUser().requestJira(route`/rest/api/3/issue/${key}?fields=summary`);
    return { status: res.status };
  });
  resolver.define('boom', () => {
    throw new Error('resolver exploded');
  });
  return resolver.getDefinitions();
}

function aDemoApp(overrides: { now?: () => Date } = {}): WorkbenchApp {
  const app = createWorkbenchApp({ dataFile: ':memory:', ...overrides });
  app.jira.store.createProject({ key: 'DEMO', name: 'Demo' });
  app.grantDemoRoles('DEMO');
  app.jira.store.createIssue({ key: 'DEMO-1', type: 'Story', summary: 'Export the backlog to CSV' });
  app.registerTestModule({ key: ECHO_PANEL, type: 'jira:issuePanel', handler: echoResolver() });
  app.registerTestModule({ key: ECHO_PAGE, type: 'jira:projectPage', handler: echoResolver() });
  return app;
}

type Echo = { payload: unknown; context: Record<string, unknown> & { extension: Record<string, unknown> } };

let app: WorkbenchApp;
afterEach(() => app?.close());

describe('app.invoke', () => {
  beforeEach(() => (app = aDemoApp()));

  it('gives an issue panel resolver the context Jira gives: user, module, issue and project', async () => {
    const answer = (await app.invoke(
      ECHO_PANEL,
      'echo',
      { a: 1 },
      { user: 'member', issueKey: 'DEMO-1' },
    )) as Echo;
    const issue = app.jira.store.getIssue('DEMO-1')!;
    const project = app.jira.store.getProject('DEMO')!;
    expect(answer.payload).toEqual({ a: 1 });
    expect(answer.context).toMatchObject({
      accountId: app.accountIdOf('member'),
      moduleKey: ECHO_PANEL,
      cloudId: 'workbench',
      extension: {
        type: 'jira:issuePanel',
        issue: { key: 'DEMO-1', id: String(issue.id), type: 'Story' },
        project: { key: 'DEMO', id: String(project.id), type: 'software' },
      },
    });
  });

  it('gives a project page resolver the project and no issue', async () => {
    const answer = (await app.invoke(ECHO_PAGE, 'echo', {}, { user: 'admin', projectKey: 'DEMO' })) as Echo;
    expect(answer.context.extension.type).toBe('jira:projectPage');
    expect(answer.context.extension.project).toMatchObject({ key: 'DEMO', type: 'software' });
    expect(answer.context.extension.issue).toBeUndefined();
  });

  it('accepts an account id as well as a demo user name', async () => {
    const id = app.accountIdOf('viewer');
    const answer = (await app.invoke(ECHO_PANEL, 'echo', {}, { user: id, issueKey: 'DEMO-1' })) as Echo;
    expect(answer.context.accountId).toBe(id);
  });

  it('refuses a user Jira does not know, before any app code runs', async () => {
    await expect(app.invoke(ECHO_PANEL, 'echo', {}, { user: 'mallory', issueKey: 'DEMO-1' })).rejects.toThrow(
      UnknownUserError,
    );
    await expect(
      app.invoke(ECHO_PANEL, 'echo', {}, { user: '557058:not-a-user', issueKey: 'DEMO-1' }),
    ).rejects.toThrow(/Unknown workbench user/);
  });

  it('lets Jira enforce permissions on asUser calls: the outsider cannot see the issue, the viewer can', async () => {
    const read = (user: string) =>
      app.invoke(ECHO_PANEL, 'readIssue', { key: 'DEMO-1' }, { user, issueKey: 'DEMO-1' });
    expect(await read('viewer')).toEqual({ status: 200 });
    expect(await read('outsider')).toEqual({ status: 404 });
  });

  it('rejects with the resolver error when a resolver throws', async () => {
    await expect(app.invoke(ECHO_PANEL, 'boom', {}, { user: 'member', issueKey: 'DEMO-1' })).rejects.toThrow(
      'resolver exploded',
    );
  });

  it('names the missing module or issue clearly', async () => {
    await expect(app.invoke('no-such-module', 'echo', {}, { user: 'member' })).rejects.toThrow(
      /No module "no-such-module"/,
    );
    await expect(
      app.invoke(ECHO_PANEL, 'echo', {}, { user: 'member', issueKey: 'DEMO-404' }),
    ).rejects.toThrow(/No issue DEMO-404/);
  });
});

describe('users and the manifest', () => {
  beforeEach(() => (app = aDemoApp()));

  it('has four demo users with distinct stable account ids and the roles their names say', () => {
    const ids = DEMO_USERS.map((u) => app.accountIdOf(u.name));
    expect(new Set(ids).size).toBe(4);
    const project = app.jira.store.getProject('DEMO')!;
    const has = (name: string, p: Parameters<typeof app.jira.store.hasProjectPermission>[2]) =>
      app.jira.store.hasProjectPermission(project.id, app.accountIdOf(name), p);
    expect(has('admin', 'ADMINISTER_PROJECTS')).toBe(true);
    expect(has('member', 'ADMINISTER_PROJECTS')).toBe(false);
    expect(['EDIT_ISSUES', 'ADD_COMMENTS', 'TRANSITION_ISSUES'].every((p) => has('member', p as never))).toBe(
      true,
    );
    expect(has('viewer', 'BROWSE_PROJECTS')).toBe(true);
    expect(has('viewer', 'EDIT_ISSUES')).toBe(false);
    expect(has('outsider', 'BROWSE_PROJECTS')).toBe(false);
    expect(() => app.accountIdOf('nobody')).toThrow(UnknownUserError);
  });

  it('reads the manifest modules with their resolver function and surface', () => {
    expect(app.module('outcome-lens-issue-panel')).toMatchObject({
      type: 'jira:issuePanel',
      functionKey: 'issue-panel-resolver',
      surface: 'issue-panel',
    });
    expect(app.module('outcome-lens-scan-consumer')).toMatchObject({
      type: 'consumer',
      queue: 'outcome-lens-scan',
    });
    expect(app.jira.propertyIndex.map((p) => p.searchAlias)).toEqual(
      expect.arrayContaining(['outcomeScore', 'zombie']),
    );
  });

  it('explains a handler the manifest names but src does not export', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wb-manifest-'));
    const manifest = path.join(dir, 'manifest.yml');
    fs.writeFileSync(
      manifest,
      [
        'modules:',
        '  jira:issuePanel:',
        '    - key: ghost-panel',
        '      resource: r',
        '      resolver: { function: ghost }',
        '  function:',
        '    - key: ghost',
        '      handler: index.noSuchExport',
        'resources:',
        '  - { key: r, path: static/ghost/build }',
      ].join('\n'),
    );
    app.close();
    app = createWorkbenchApp({ dataFile: ':memory:', manifestFile: manifest });
    await expect(app.invoke('ghost-panel', 'x', {}, { user: 'member' })).rejects.toThrow(
      /index\.noSuchExport (is missing|cannot be loaded)/,
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a second open app in the same process, since the Forge globals are process-wide', () => {
    expect(() => createWorkbenchApp({ dataFile: ':memory:' })).toThrow(/already installed/);
  });
});

describe('app.runScheduledTrigger', () => {
  it('runs the trigger, then drains the queue it fed until idle, jumping over delays', async () => {
    app = aDemoApp({ now: () => new Date('2026-11-21T09:00:00Z') });
    const seen: unknown[] = [];
    app.registerTestModule({
      key: 'test-trigger',
      type: 'scheduledTrigger',
      handler: async () => {
        const queue = new Queue({ key: 'test-scan' });
        await queue.push([{ body: { page: 1 } }, { body: { page: 2 }, delayInSeconds: 600 }]);
        return { statusCode: 204 };
      },
    });
    app.registerTestModule({
      key: 'test-consumer',
      type: 'consumer',
      queue: 'test-scan',
      handler: (event: unknown) => {
        seen.push((event as { body: unknown }).body);
        return Promise.resolve();
      },
    });

    const summary = await app.runScheduledTrigger('test-trigger');

    expect(summary).toMatchObject({
      triggerKey: 'test-trigger',
      result: { statusCode: 204 },
      queue: { delivered: 2, failed: 0, pending: 0 },
    });
    expect(seen).toEqual([{ page: 1 }, { page: 2 }]);
    expect(summary.deliveries.map((d) => d.queueName)).toEqual(['test-scan', 'test-scan']);
  });
});
