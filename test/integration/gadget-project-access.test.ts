/**
 * Who sees a project through the dashboard gadget, and what Jira's project search answers for each of its actions
 * (the platform spec's Get projects paginated): the default `view` also answers a project the person may only
 * administer, and a site admin's every project, so the gadget asks for `browse`. A site admin without Browse
 * Projects reads none of a project's issues (the spec's Get issue names no exception).
 */
import type { Answer } from '../../src/contract/answer';
import type { GadgetProjectsData, GadgetViewData } from '../../src/contract/shipped';
import { createWorkbenchApp, type WorkbenchApp } from '../../workbench/app';

let app: WorkbenchApp;
const SECRET = 'Quietly wind down the Leipzig office';

beforeEach(async () => {
  app = createWorkbenchApp({ dataFile: ':memory:', latency: 'off' });
  app.jira.store.createProject({ key: 'DEMO', name: 'Demo' });
  app.jira.store.createProject({ key: 'HR', name: 'People changes' });
  app.grantDemoRoles('DEMO');
  app.grantDemoRoles('HR');
  // The member administers HR's configuration but may not browse its issues.
  app.jira.store.revoke('HR', app.accountIdOf('member'), [
    'BROWSE_PROJECTS',
    'EDIT_ISSUES',
    'ADD_COMMENTS',
    'TRANSITION_ISSUES',
    'RESOLVE_ISSUES',
  ]);
  app.jira.store.grant('HR', app.accountIdOf('member'), ['ADMINISTER_PROJECTS']);
  const created = (await app.invoke(
    'outcome-lens-project-page',
    'createOutcome',
    {
      draft: {
        name: SECRET,
        metric: 'heads',
        baseline: 40,
        target: 0,
        direction: 'decrease',
        dueDate: '2030-06-30',
      },
    },
    { user: 'admin', projectKey: 'HR' },
  )) as Answer<unknown>;
  expect(created.ok).toBe(true);
});
afterEach(() => app.close());

async function searchAs(accountId: string, query: string): Promise<string[]> {
  const res = await app.jira.handle({
    method: 'GET',
    path: `/rest/api/3/project/search?${query}`,
    actor: { type: 'user', accountId },
  } as never);
  const body = JSON.parse(String((res as { body: string }).body)) as { values: Array<{ key: string }> };
  return body.values.map((p) => p.key);
}

it('project search answers a project the person only administers for view and edit, not for browse', async () => {
  const member = app.accountIdOf('member');
  expect(await searchAs(member, 'keys=HR')).toEqual(['HR']);
  expect(await searchAs(member, 'keys=HR&action=edit')).toEqual(['HR']);
  expect(await searchAs(member, 'keys=HR&action=browse')).toEqual([]);
  expect(await searchAs(member, 'action=browse')).toEqual(['DEMO']);
});

it('the gadget neither shows nor offers a project the viewer may only administer', async () => {
  const view = (await app.invoke(
    'outcome-lens-shipped-gadget',
    'gadgetView',
    { projectKeys: ['DEMO', 'HR'], months: 12 },
    { user: 'member' },
  )) as Answer<GadgetViewData>;
  if (!view.ok) throw new Error(view.error.message);
  expect(view.data.projects.map((p) => p.projectKey)).toEqual(['DEMO']);
  expect(view.data.hidden).toBe(1);
  expect(JSON.stringify(view.data)).not.toContain(SECRET);
  const offered = (await app.invoke(
    'outcome-lens-shipped-gadget',
    'gadgetProjects',
    {},
    { user: 'member' },
  )) as Answer<GadgetProjectsData>;
  if (!offered.ok) throw new Error(offered.error.message);
  expect(offered.data.projects.map((p) => p.key)).toEqual(['DEMO']);
});

it('a site admin without Browse Projects is answered 404 for a project’s issue, and sees it in project search', async () => {
  const outsider = app.accountIdOf('outsider');
  app.jira.store.setGlobal(outsider, 'ADMINISTER', true);
  const key = app.jira.store.createIssue({ projectKey: 'HR', summary: 'Severance list' }).key;
  const res = await app.jira.handle({
    method: 'GET',
    path: `/rest/api/3/issue/${key}`,
    actor: { type: 'user', accountId: outsider },
  } as never);
  expect((res as { status: number }).status).toBe(404);
  expect(await searchAs(outsider, 'keys=HR')).toEqual(['HR']);
  expect(await searchAs(outsider, 'keys=HR&action=browse')).toEqual([]);
});
