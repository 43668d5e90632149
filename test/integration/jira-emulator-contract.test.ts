import { openDatabase } from '../../workbench/db';
import { JiraEmulator } from '../../workbench/jira/emulator';
import { ContractChecker } from '../../workbench/jira/openapi';
import { NO_STATUS_CATEGORY, type JiraActor, type JiraPermission } from '../../workbench/jira/types';

const ALL: JiraPermission[] = [
  'BROWSE_PROJECTS',
  'EDIT_ISSUES',
  'ADMINISTER_PROJECTS',
  'TRANSITION_ISSUES',
  'ADD_COMMENTS',
];
const member: JiraActor = { type: 'user', accountId: 'acc-member' };
const viewer: JiraActor = { type: 'user', accountId: 'acc-viewer' };
const outsider: JiraActor = { type: 'user', accountId: 'acc-outsider' };
const app: JiraActor = { type: 'app' };

function aCheckedWorld() {
  const contract = ContractChecker.fromSpecFile();
  const jira = new JiraEmulator(openDatabase(':memory:'), {
    contract,
    now: () => new Date('2026-03-01T12:00:00.000Z'),
  });
  const s = jira.store;
  for (const id of ['acc-member', 'acc-viewer', 'acc-outsider'])
    s.upsertUser({ accountId: id, displayName: id, emailAddress: `${id}@example.com` });
  s.createProject({ key: 'OL', name: 'Outcome Lens', leadAccountId: 'acc-member' });
  s.grant('OL', 'acc-member', ALL);
  s.grant('OL', 'acc-viewer', ['BROWSE_PROJECTS']);
  s.createIssue({ key: 'OL-1', summary: 'Epic of bets', type: 'Epic', reporter: 'acc-member' });
  s.createIssue({
    key: 'OL-2',
    summary: 'Bookmark items in the cart',
    description: 'As a shopper I want to come back later',
    parentKey: 'OL-1',
    assignee: 'acc-member',
    reporter: 'acc-viewer',
    labels: ['bet'],
    storyPoints: 3,
    sprints: [
      {
        id: 7,
        name: 'Sprint 7',
        state: 'active',
        startDate: '2026-02-20T00:00:00.000Z',
        endDate: '2026-03-05T00:00:00.000Z',
        boardId: 1,
      },
    ],
  });
  s.addComment('OL-2', { author: 'acc-member', body: 'First thoughts' });
  return { jira, contract };
}

async function call(jira: JiraEmulator, actor: JiraActor, method: string, path: string, body?: unknown) {
  return jira.handle({
    method,
    path: `/rest/api/3${path}`,
    actor,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

describe('Jira emulator against the official OpenAPI spec', () => {
  it('sends requests and answers that the spec accepts on every endpoint, success and error alike', async () => {
    const { jira, contract } = aCheckedWorld();
    const before = contract.violations.length;
    const statuses: Array<[string, number]> = [];
    const run = async (actor: JiraActor, method: string, path: string, body?: unknown) => {
      const res = await call(jira, actor, method, path, body);
      statuses.push([`${method} ${path.split('?')[0] ?? ''}`, res.status]);
      return res;
    };
    await run(app, 'POST', '/search/jql', {
      jql: 'project = OL ORDER BY key',
      fields: ['*all'],
      properties: ['outcome-lens'],
      maxResults: 10,
    });
    await run(member, 'GET', '/search/jql?jql=project%20%3D%20OL&fields=summary,status&maxResults=1');
    await run(member, 'POST', '/search/jql', { jql: 'project = = OL' });
    await run(viewer, 'GET', '/issue/OL-2?expand=changelog&properties=outcome-lens');
    await run(outsider, 'GET', '/issue/OL-2');
    await run(app, 'POST', '/issue/bulkfetch', {
      issueIdsOrKeys: ['OL-1', 'OL-2'],
      fields: ['summary', 'labels'],
    });
    await run(member, 'PUT', '/issue/OL-2/properties/outcome-lens', { score: 70 });
    await run(member, 'PUT', '/issue/OL-2/properties/outcome-lens', { score: 71 });
    await run(viewer, 'PUT', '/issue/OL-2/properties/outcome-lens', { score: 1 });
    await run(member, 'PUT', '/issue/OL-2/properties/too-big', { text: 'x'.repeat(40_000) });
    await run(viewer, 'GET', '/issue/OL-2/properties');
    await run(viewer, 'GET', '/issue/OL-2/properties/outcome-lens');
    await run(viewer, 'GET', '/issue/OL-2/properties/missing');
    await run(member, 'DELETE', '/issue/OL-2/properties/outcome-lens');
    const multi = await run(app, 'POST', '/issue/properties/multi', {
      issues: [{ issueID: 10001, properties: { 'outcome-lens': { score: 5 } } }],
    });
    const location = multi.headers.location ?? '';
    await run(app, 'GET', location.slice(location.indexOf('/task/')));
    await run(member, 'PUT', '/issue/OL-2', {
      update: { labels: [{ add: 'zombie' }] },
      fields: { summary: 'Bookmark cart items' },
    });
    await run(viewer, 'PUT', '/issue/OL-2', { fields: { labels: [] } });
    await run(member, 'POST', '/issue/OL-2/comment', { body: { type: 'doc', version: 1, content: [] } });
    await run(viewer, 'GET', '/issue/OL-2/comment');
    await run(member, 'GET', '/issue/OL-2/transitions');
    await run(member, 'POST', '/issue/OL-2/transitions', { transition: { id: '41' } });
    await run(app, 'POST', '/changelog/bulkfetch', {
      issueIdsOrKeys: ['OL-2'],
      fieldIds: ['labels', 'status'],
      maxResults: 1,
    });
    await run(viewer, 'GET', '/mypermissions?projectKey=OL&permissions=BROWSE_PROJECTS,EDIT_ISSUES');
    await run(app, 'POST', '/permissions/check', {
      accountId: 'acc-viewer',
      projectPermissions: [{ permissions: ['EDIT_ISSUES'], projects: [10000] }],
    });
    await run(viewer, 'GET', '/project/search?maxResults=10');
    await run(viewer, 'GET', '/project/OL');
    await run(member, 'PUT', '/project/OL/properties/outcome-lens-settings', { weights: { hypothesis: 30 } });
    await run(viewer, 'GET', '/project/OL/properties/outcome-lens-settings');
    await run(viewer, 'PUT', '/project/OL/properties/outcome-lens-settings', {});
    await run(viewer, 'GET', '/myself');
    await run(viewer, 'GET', '/field');

    expect(contract.violations.slice(before)).toEqual([]);
    // The run covers success and refusal paths, not only the happy one.
    expect(statuses.map(([, s]) => s)).toEqual([
      200, 200, 400, 200, 404, 200, 201, 200, 403, 400, 200, 200, 404, 204, 303, 200, 204, 403, 201, 200, 200,
      204, 200, 200, 200, 200, 200, 201, 200, 403, 200, 200,
    ]);
  });

  it('answers a secured issue, its Security Level field and its refusals within the spec', async () => {
    const { jira, contract } = aCheckedWorld();
    const before = contract.violations.length;
    jira.store.createSecurityLevel({ name: 'Staff', description: 'Staff only', accountIds: ['acc-member'] });
    jira.store.setIssueSecurityLevel('OL-2', 'Staff');
    const statuses: number[] = [];
    const run = async (actor: JiraActor, method: string, path: string, body?: unknown) =>
      statuses.push((await call(jira, actor, method, path, body)).status);
    await run(member, 'GET', '/issue/OL-2?fields=*all');
    await run(member, 'POST', '/search/jql', { jql: 'project = OL', fields: ['security'] });
    await run(viewer, 'GET', '/issue/OL-2');
    await run(viewer, 'GET', '/issue/OL-2/properties/outcome-lens');
    await run(viewer, 'GET', '/mypermissions?issueKey=OL-2&permissions=BROWSE_PROJECTS');
    await run(app, 'POST', '/permissions/check', {
      accountId: 'acc-viewer',
      projectPermissions: [{ permissions: ['BROWSE_PROJECTS'], issues: [10001] }],
    });
    expect(contract.violations.slice(before)).toEqual([]);
    expect(statuses).toEqual([200, 200, 404, 404, 404, 200]);
  });

  it('lists the sprint and story-point fields by their custom type under the ids the site uses', async () => {
    const { jira, contract } = aCheckedWorld();
    const before = contract.violations.length;
    jira.customFields = { sprint: 'customfield_10104', storyPoints: 'customfield_10208' };
    const fields = JSON.parse((await call(jira, viewer, 'GET', '/field')).body) as Array<{
      id: string;
      name: string;
      schema: { custom?: string; system?: string };
    }>;
    const custom = fields.filter((f) => f.schema.custom);
    expect(custom.map((f) => [f.id, f.schema.custom])).toEqual([
      ['customfield_10104', 'com.pyxis.greenhopper.jira:gh-sprint'],
      ['customfield_10208', 'com.atlassian.jira.plugin.system.customfieldtypes:float'],
    ]);
    expect(fields.map((f) => f.id)).toEqual(
      expect.arrayContaining(['summary', 'status', 'parent', 'labels']),
    );
    const issue = JSON.parse(
      (
        await call(
          jira,
          viewer,
          'GET',
          '/issue/OL-2?fields=customfield_10104,customfield_10208,customfield_10020',
        )
      ).body,
    ) as { fields: Record<string, unknown> };
    expect(issue.fields).toEqual({
      customfield_10104: [expect.objectContaining({ id: 7, state: 'active' })],
      customfield_10208: 3,
    });

    jira.customFields = { ...jira.customFields, hidden: ['sprint'] };
    const listed = JSON.parse((await call(jira, viewer, 'GET', '/field')).body) as Array<{ id: string }>;
    expect(listed.map((f) => f.id)).not.toContain('customfield_10104');
    expect(contract.violations.slice(before)).toEqual([]);
  });

  it('holds the bulk label edit and its progress to the spec: the task, a refusal and an unknown task', async () => {
    const { jira, contract } = aCheckedWorld();
    const before = contract.violations.length;
    const labels = (option: string) => ({
      labelsFields: [
        { fieldId: 'labels', bulkEditMultiSelectFieldOption: option, labels: [{ name: 'zombie' }] },
      ],
    });
    const submitted = await call(jira, app, 'POST', '/bulk/issues/fields', {
      selectedIssueIdsOrKeys: ['OL-1', 'OL-2', 'OL-404'],
      selectedActions: ['labels'],
      editedFieldsInput: labels('ADD'),
      sendBulkNotification: false,
    });
    const { taskId } = JSON.parse(submitted.body) as { taskId: string };
    const progress = await call(jira, app, 'GET', `/bulk/queue/${taskId}`);
    const tooMany = await call(jira, app, 'POST', '/bulk/issues/fields', {
      selectedIssueIdsOrKeys: Array.from({ length: 1001 }, (_, i) => `OL-${i + 1}`),
      selectedActions: ['labels'],
      editedFieldsInput: labels('REMOVE'),
    });
    const unknown = await call(jira, app, 'GET', '/bulk/queue/99999');
    expect([submitted.status, progress.status, tooMany.status, unknown.status]).toEqual([201, 200, 400, 400]);
    expect(JSON.parse(progress.body)).toMatchObject({
      status: 'COMPLETE',
      processedAccessibleIssues: [10000, 10001],
      invalidOrInaccessibleIssueCount: 1,
    });
    expect(contract.violations.slice(before)).toEqual([]);
  });

  it('deletes an issue within the spec: 204, and 400, 403 and 404 as the spec documents them', async () => {
    const { jira, contract } = aCheckedWorld();
    const before = contract.violations.length;
    jira.store.createIssue({ key: 'OL-3', summary: 'A sub-task', type: 'Sub-task', parentKey: 'OL-2' });
    const statuses: number[] = [];
    const run = async (actor: JiraActor, method: string, path: string) =>
      statuses.push((await call(jira, actor, method, path)).status);
    await run(viewer, 'DELETE', '/issue/OL-2');
    await run(outsider, 'DELETE', '/issue/OL-2');
    await run(app, 'DELETE', '/issue/OL-2');
    await run(app, 'DELETE', '/issue/OL-2?deleteSubtasks=false');
    await run(app, 'DELETE', '/issue/OL-2?deleteSubtasks=true');
    await run(app, 'DELETE', '/issue/OL-3');
    await run(app, 'GET', '/issue/OL-2');
    expect(contract.violations.slice(before)).toEqual([]);
    expect(statuses).toEqual([403, 404, 400, 400, 204, 404, 404]);
  });

  it('serves a status without a category within the spec, on a read and a search', async () => {
    const { jira, contract } = aCheckedWorld();
    const before = contract.violations.length;
    jira.store.createIssue({
      key: 'OL-3',
      summary: 'Odd status',
      status: 'Triage',
      statusCategory: NO_STATUS_CATEGORY,
    });
    const read = await call(jira, viewer, 'GET', '/issue/OL-3?fields=status');
    const found = await call(jira, app, 'POST', '/search/jql', {
      jql: 'project = OL AND statusCategory != Done',
      fields: ['status'],
    });
    expect([read.status, found.status]).toEqual([200, 200]);
    const status = (JSON.parse(read.body) as { fields: { status: Record<string, unknown> } }).fields.status;
    expect(status.name).toBe('Triage');
    expect(status).not.toHaveProperty('statusCategory');
    expect((JSON.parse(found.body) as { issues: Array<{ key: string }> }).issues.map((i) => i.key)).toContain(
      'OL-3',
    );
    expect(contract.violations.slice(before)).toEqual([]);
  });

  it('skips the response check for injected faults, which Jira sends on any operation', async () => {
    const { jira, contract } = aCheckedWorld();
    const before = contract.violations.length;
    jira.faults.inject({ kind: 'rate-limit', retryAfterSeconds: 2, times: 1 });
    expect((await call(jira, app, 'GET', '/myself')).status).toBe(429);
    expect(contract.violations.length).toBe(before);
  });
});
