/* eslint-disable @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument --
   response bodies are read as loose JSON: the assertions are the type check */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { openDatabase, type WorkbenchDb } from '../../workbench/db';
import { JiraEmulator } from '../../workbench/jira/emulator';
import { readPropertyIndex } from '../../workbench/jira/property-index';
import { createJiraHttpHandler } from '../../workbench/jira/http';
import { PROJECT_PERMISSIONS, type IssueInput, type JiraActor } from '../../workbench/jira/types';
import { MEMBER_PERMISSIONS } from '../../workbench/users';

const admin: JiraActor = { type: 'user', accountId: 'acc-admin' };
const member: JiraActor = { type: 'user', accountId: 'acc-member' };
const viewer: JiraActor = { type: 'user', accountId: 'acc-viewer' };
const outsider: JiraActor = { type: 'user', accountId: 'acc-outsider' };
const app: JiraActor = { type: 'app' };

function anIssue(overrides: Partial<IssueInput> = {}): IssueInput {
  return {
    projectKey: 'OL',
    summary: 'Shoppers abandon the cart',
    type: 'Story',
    created: '2026-01-05T10:00:00.000Z',
    ...overrides,
  };
}

interface World {
  db: WorkbenchDb;
  jira: JiraEmulator;
  clock: { now: Date };
}

function aWorld(): World {
  const db = openDatabase(':memory:');
  const clock = { now: new Date('2026-03-01T12:00:00.000Z') };
  // The property index is the one manifest.yml declares, as on a site where the app is installed.
  const jira = new JiraEmulator(db, { now: () => clock.now });
  const s = jira.store;
  s.upsertUser({ accountId: 'acc-admin', displayName: 'Ada Admin' });
  s.upsertUser({ accountId: 'acc-member', displayName: 'Max Member' });
  s.upsertUser({ accountId: 'acc-viewer', displayName: 'Vera Viewer' });
  s.upsertUser({ accountId: 'acc-outsider', displayName: 'Otto Outsider' });
  s.createProject({ key: 'OL', name: 'Outcome Lens', leadAccountId: 'acc-admin' });
  s.createProject({ key: 'OTHER', name: 'Other' });
  s.grant('OL', 'acc-admin', PROJECT_PERMISSIONS);
  s.grant('OL', 'acc-member', MEMBER_PERMISSIONS);
  s.grant('OL', 'acc-viewer', ['BROWSE_PROJECTS']);
  return { db, jira, clock };
}

async function call(jira: JiraEmulator, actor: JiraActor, method: string, path: string, body?: unknown) {
  const res = await jira.handle({
    method,
    path: `/rest/api/3${path}`,
    actor,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return {
    status: res.status,
    headers: res.headers,
    json: res.body ? JSON.parse(res.body) : undefined,
  };
}

describe('Jira emulator: search with nextPageToken', () => {
  it('pages 1,050 issues completely, without duplicates, in pages of at most 100 when fields are requested', async () => {
    const { jira } = aWorld();
    jira.store.bulkCreateIssues(Array.from({ length: 1050 }, (_, i) => anIssue({ summary: `Item ${i}` })));
    const seen = new Set<string>();
    let token: string | undefined;
    let pages = 0;
    for (;;) {
      const res = await call(jira, app, 'POST', '/search/jql', {
        jql: 'project = OL',
        fields: ['summary', 'status'],
        maxResults: 500,
        ...(token ? { nextPageToken: token } : {}),
      });
      expect(res.status).toBe(200);
      expect(res.json.issues.length).toBeLessThanOrEqual(100);
      for (const issue of res.json.issues) seen.add(issue.key);
      pages++;
      if (res.json.isLast) {
        expect(res.json.nextPageToken).toBeUndefined();
        break;
      }
      token = res.json.nextPageToken;
    }
    expect(seen.size).toBe(1050);
    expect(pages).toBe(11);
  });

  it('returns up to 5,000 issues a page when only ids or keys are requested', async () => {
    const { jira } = aWorld();
    jira.store.bulkCreateIssues(Array.from({ length: 5100 }, () => anIssue()));
    const first = await call(jira, app, 'POST', '/search/jql', {
      jql: 'project = OL',
      fields: ['id'],
      maxResults: 10000,
    });
    expect(first.json.issues).toHaveLength(5000);
    expect(first.json.issues[0]).not.toHaveProperty('fields');
    const second = await call(jira, app, 'POST', '/search/jql', {
      jql: 'project = OL',
      fields: ['id'],
      maxResults: 10000,
      nextPageToken: first.json.nextPageToken,
    });
    expect(second.json.issues).toHaveLength(100);
    expect(second.json.isLast).toBe(true);
  });

  it('pages a sorted query from a snapshot, in ORDER BY order', async () => {
    const { jira } = aWorld();
    jira.store.bulkCreateIssues(
      Array.from({ length: 250 }, (_, i) =>
        anIssue({ created: new Date(Date.UTC(2026, 0, 1) + ((i * 7919) % 250) * 3600_000).toISOString() }),
      ),
    );
    const created: number[] = [];
    let token: string | undefined;
    do {
      const res = await call(jira, app, 'POST', '/search/jql', {
        jql: 'project = OL ORDER BY created DESC',
        fields: ['created'],
        maxResults: 100,
        ...(token ? { nextPageToken: token } : {}),
      });
      for (const issue of res.json.issues) created.push(Date.parse(issue.fields.created));
      token = res.json.nextPageToken;
    } while (token);
    expect(created).toHaveLength(250);
    expect([...created].sort((a, b) => b - a)).toEqual(created);
  });

  it('filters with JQL on status category and labels and answers a syntax error with 400', async () => {
    const { jira } = aWorld();
    jira.store.createIssue(anIssue({ key: 'OL-1', labels: ['bet'] }));
    jira.store.createIssue(anIssue({ key: 'OL-2', status: 'Done', statusCategory: 'done', labels: ['bet'] }));
    jira.store.createIssue(anIssue({ key: 'OL-3', status: 'In Progress' }));
    const res = await call(
      jira,
      app,
      'GET',
      '/search/jql?jql=' + encodeURIComponent('project = OL AND statusCategory != Done AND labels = bet'),
    );
    expect(res.json.issues.map((i: { key: string }) => i.key)).toEqual(['OL-1']);
    const bad = await call(jira, app, 'POST', '/search/jql', { jql: 'project = = OL' });
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({
      errorMessages: [
        "Error in the JQL Query: Expecting either a value, list or function but got '='. You must surround '=' " +
          'in quotation marks to use it as a value. (line 1, character 11)',
      ],
      errors: {},
    });
  });

  it('returns the requested entity properties with each issue and searches them through the index aliases', async () => {
    const { jira } = aWorld();
    jira.store.createIssue(anIssue({ key: 'OL-1' }));
    jira.store.createIssue(anIssue({ key: 'OL-2' }));
    jira.store.setIssueProperty('OL-1', 'outcome-lens', { score: 80, zombie: 'false' });
    jira.store.setIssueProperty('OL-2', 'outcome-lens', { score: 20, zombie: 'true' });
    const res = await call(jira, app, 'POST', '/search/jql', {
      jql: 'project = OL AND outcomeScore < 50',
      properties: ['outcome-lens'],
    });
    expect(res.json.issues).toHaveLength(1);
    expect(res.json.issues[0]).toMatchObject({
      key: 'OL-2',
      properties: { 'outcome-lens': { score: 20, zombie: 'true' } },
    });
  });

  it('searches only what manifest.yml indexes: each alias and its issue.property path, typed as declared', async () => {
    const { jira } = aWorld();
    expect(jira.propertyIndex).toEqual(readPropertyIndex());
    const lens = { zombie: 'false', hasHypothesis: 'true', outcomeId: 'out-1', killDate: '2026-02-20' };
    jira.store.createIssue(anIssue({ key: 'OL-1' }));
    jira.store.createIssue(anIssue({ key: 'OL-2' }));
    jira.store.createIssue(anIssue({ key: 'OL-3' }));
    jira.store.setIssueProperty('OL-1', 'outcome-lens', { ...lens, score: 9, zombie: 'true' });
    jira.store.setIssueProperty('OL-2', 'outcome-lens', { ...lens, score: 70, killDate: '2026-04-01' });
    const keys = async (jql: string): Promise<string[]> => {
      const res = await call(jira, app, 'POST', '/search/jql', { jql: `project = OL AND ${jql}` });
      expect({ jql, status: res.status, body: res.json }).toMatchObject({ status: 200 });
      return (res.json as { issues: Array<{ key: string }> }).issues.map((i) => i.key);
    };
    for (const [alias, path, condition, expected] of [
      ['outcomeScore', 'score', '>= 10', ['OL-2']], // number
      ['zombie', 'zombie', '= "true"', ['OL-1']], // string
      ['outcomeId', 'outcomeId', 'in (out-1)', ['OL-1', 'OL-2']], // string
      ['hasHypothesis', 'hasHypothesis', 'is EMPTY', ['OL-3']], // string, absent
      ['killDate', 'killDate', '< "2026-03-01"', ['OL-1']], // date, against the emulator's clock
      ['killDate', 'killDate', '<= now()', ['OL-1']], // date
    ] as const) {
      expect(await keys(`${alias} ${condition}`)).toEqual(expected);
      expect(await keys(`issue.property[outcome-lens].${path} ${condition}`)).toEqual(expected);
    }
  });

  it('answers 400 for a property path the manifest does not index, as Jira does', async () => {
    const { jira } = aWorld();
    jira.store.createIssue(anIssue({ key: 'OL-1' }));
    jira.store.setIssueProperty('OL-1', 'outcome-lens', { schema: 1, score: 50 });
    const res = await call(jira, app, 'POST', '/search/jql', {
      jql: 'project = OL AND issue.property[outcome-lens].schema = 1',
    });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      errorMessages: [
        "Field 'issue.property[outcome-lens].schema' does not exist or you do not have permission to view it.",
      ],
      errors: {},
    });
    const get = await call(
      jira,
      app,
      'GET',
      '/search/jql?jql=' + encodeURIComponent('issue.property[outcome-lens].flag.rules is not EMPTY'),
    );
    expect(get.status).toBe(400);
  });

  it("answers a syntax error and every invalid clause in Jira's error shape and words", async () => {
    const { jira } = aWorld();
    const syntax = await call(jira, app, 'POST', '/search/jql', { jql: 'project = OL AND zombie = true' });
    expect(syntax.status).toBe(400);
    expect(syntax.json).toEqual({
      errorMessages: [
        "Error in the JQL Query: 'true' is a reserved JQL word. You must surround it in quotation marks to use " +
          'it in a query. (line 1, character 27)',
      ],
      errors: {},
    });
    const invalid = await call(jira, app, 'POST', '/search/jql', {
      jql: 'project = OL AND universe = 42 AND outcomeScore < high',
    });
    expect(invalid.status).toBe(400);
    expect(invalid.json).toEqual({
      errorMessages: [
        "Field 'universe' does not exist or you do not have permission to view it.",
        "The value 'high' is not a valid number for the field 'outcomeScore'.",
      ],
      errors: {},
    });
  });

  it('shows a user only the issues of projects they may browse', async () => {
    const { jira } = aWorld();
    jira.store.createIssue(anIssue({ key: 'OL-1' }));
    jira.store.createIssue(anIssue({ projectKey: 'OTHER', key: 'OTHER-1' }));
    const forViewer = await call(jira, viewer, 'POST', '/search/jql', { jql: 'project in (OL, OTHER)' });
    expect(forViewer.json.issues.map((i: { key: string }) => i.key)).toEqual(['OL-1']);
    const forOutsider = await call(jira, outsider, 'POST', '/search/jql', { jql: 'project in (OL, OTHER)' });
    expect(forOutsider.json.issues).toEqual([]);
  });
});

describe('Jira emulator: issue entity properties', () => {
  it('stores a property without touching updated or the changelog, and lists its key', async () => {
    const { jira } = aWorld();
    const before = jira.store.createIssue(anIssue({ key: 'OL-1', updated: '2026-01-10T00:00:00.000Z' }));
    const put = await call(jira, member, 'PUT', '/issue/OL-1/properties/outcome-lens', { score: 42 });
    expect(put.status).toBe(201);
    expect(
      (await call(jira, member, 'PUT', '/issue/OL-1/properties/outcome-lens', { score: 43 })).status,
    ).toBe(200);
    const got = await call(jira, viewer, 'GET', '/issue/OL-1/properties/outcome-lens');
    expect(got.json).toEqual({ key: 'outcome-lens', value: { score: 43 } });
    expect(
      (await call(jira, viewer, 'GET', '/issue/OL-1/properties')).json.keys.map(
        (k: { key: string }) => k.key,
      ),
    ).toEqual(['outcome-lens']);
    expect(jira.store.getIssue('OL-1')?.updated).toBe(before.updated);
    expect(jira.store.listChangelog(before.id)).toEqual([]);
  });

  it('takes a property key with a percent sign, decoded once', async () => {
    const { jira } = aWorld();
    jira.store.createIssue(anIssue({ key: 'OL-1' }));
    const put = await call(jira, member, 'PUT', '/issue/OL-1/properties/50%25-off', { on: true });
    expect(put.status).toBe(201);
    expect(jira.store.getIssueProperty('OL-1', '50%-off')).toEqual({ on: true });
    const got = await call(jira, viewer, 'GET', '/issue/OL-1/properties/50%25-off');
    expect(got.json).toEqual({ key: '50%-off', value: { on: true } });
  });

  it('answers 400, not a thrown error, for a path that is not valid percent-encoding', async () => {
    const { jira } = aWorld();
    jira.store.createIssue(anIssue({ key: 'OL-1' }));
    const res = await call(jira, member, 'GET', '/issue/OL-1/properties/%E0%A4%A');
    expect(res.status).toBe(400);
    expect(res.json.errorMessages).toEqual(['The request path is not valid percent-encoding.']);
  });

  it('refuses a value longer than 32,768 characters with 400 and keeps the old value', async () => {
    const { jira } = aWorld();
    jira.store.createIssue(anIssue({ key: 'OL-1' }));
    jira.store.setIssueProperty('OL-1', 'outcome-lens', { score: 1 });
    const res = await call(jira, member, 'PUT', '/issue/OL-1/properties/outcome-lens', {
      text: 'x'.repeat(32_768),
    });
    expect(res.status).toBe(400);
    expect(res.json.errorMessages[0]).toMatch(/32768/);
    expect(jira.store.getIssueProperty('OL-1', 'outcome-lens')).toEqual({ score: 1 });
  });

  it('sets properties on many issues with a 303 to a task that reports completion', async () => {
    const { jira } = aWorld();
    const a = jira.store.createIssue(anIssue());
    const b = jira.store.createIssue(anIssue());
    const res = await call(jira, app, 'POST', '/issue/properties/multi', {
      issues: [
        { issueID: a.id, properties: { 'outcome-lens': { zombie: 'true' } } },
        { issueID: b.id, properties: { 'outcome-lens': { zombie: 'false' } } },
      ],
    });
    expect(res.status).toBe(303);
    const location = res.headers.location as string;
    expect(location).toMatch(/\/rest\/api\/3\/task\/\d+$/);
    const task = await call(jira, app, 'GET', location.slice(location.indexOf('/task/')));
    expect(task.json).toMatchObject({ status: 'COMPLETE', progress: 100 });
    expect(jira.store.getIssueProperty(b.key, 'outcome-lens')).toEqual({ zombie: 'false' });
  });
});

describe('Jira emulator: bulk edit of labels', () => {
  const edit = (ids: string[], option: string, name = 'zombie') => ({
    selectedIssueIdsOrKeys: ids,
    selectedActions: ['labels'],
    editedFieldsInput: {
      labelsFields: [{ fieldId: 'labels', bulkEditMultiSelectFieldOption: option, labels: [{ name }] }],
    },
    sendBulkNotification: false,
  });

  it('adds and removes a label on up to 1,000 issues in one request, bumping updated with a changelog', async () => {
    const { jira, clock } = aWorld();
    const keys = jira.store.bulkCreateIssues(
      Array.from({ length: 1000 }, (_, i) =>
        anIssue({ summary: `Item ${i}`, labels: i === 0 ? ['zombie'] : [] }),
      ),
    );
    clock.now = new Date('2026-03-02T08:00:00.000Z');
    const res = await call(jira, app, 'POST', '/bulk/issues/fields', edit(keys, 'ADD'));
    expect(res.status).toBe(201);
    const task = await call(jira, app, 'GET', `/bulk/queue/${res.json.taskId}`);
    expect(task.json).toMatchObject({ status: 'COMPLETE', progressPercent: 100, totalIssueCount: 1000 });
    expect(task.json.processedAccessibleIssues).toHaveLength(1000);
    const last = jira.store.getIssue(keys[999]!)!;
    expect(last.labels).toEqual(['zombie']);
    expect(last.updated).toBe('2026-03-02T08:00:00.000Z');
    expect(jira.store.listChangelog(last.id).at(-1)?.items[0]).toMatchObject({
      field: 'labels',
      toString: 'zombie',
    });
    // The one that had it already is processed and unchanged: no changelog entry.
    expect(jira.store.listChangelog(jira.store.getIssue(keys[0]!)!.id)).toHaveLength(0);

    const removed = await call(jira, app, 'POST', '/bulk/issues/fields', edit(keys.slice(0, 2), 'REMOVE'));
    expect(removed.status).toBe(201);
    expect(jira.store.getIssue(keys[1]!)!.labels).toEqual([]);

    const over = await call(jira, app, 'POST', '/bulk/issues/fields', edit([...keys, 'OL-9999'], 'ADD'));
    expect(over.status).toBe(400);
    expect(over.json.errors[0].message).toMatch(/at most 1000 issues/);
  });

  it('needs the global Make bulk changes permission, and reports issues the caller may not edit as failed', async () => {
    const { jira } = aWorld();
    const mine = jira.store.createIssue(anIssue()).key;
    const other = jira.store.createIssue(anIssue({ projectKey: 'OTHER' })).key;
    jira.store.grant('OTHER', 'acc-member', ['BROWSE_PROJECTS']);
    // A person without the global permission (a site can withdraw it from members) is refused outright; the
    // app holds it on a new site.
    jira.store.setGlobal('acc-member', 'BULK_CHANGE', false);
    const refused = await call(jira, member, 'POST', '/bulk/issues/fields', edit([mine], 'ADD'));
    expect(refused.status).toBe(400);
    expect(refused.json.errors[0].message).toMatch(/bulk changes/);
    expect(jira.store.getIssue(mine)!.labels).toEqual([]);
    const mayBulk = await call(jira, app, 'GET', '/mypermissions?permissions=BULK_CHANGE');
    expect(mayBulk.json.permissions.BULK_CHANGE).toMatchObject({ type: 'GLOBAL', havePermission: true });

    jira.store.setGlobal('acc-member', 'BULK_CHANGE', true);
    const res = await call(jira, member, 'POST', '/bulk/issues/fields', edit([mine, other, 'OL-404'], 'ADD'));
    const task = (await call(jira, member, 'GET', `/bulk/queue/${res.json.taskId}`)).json;
    expect(task.processedAccessibleIssues).toEqual([jira.store.getIssue(mine)!.id]);
    expect(Object.keys(task.failedAccessibleIssues)).toEqual([String(jira.store.getIssue(other)!.id)]);
    expect(task.invalidOrInaccessibleIssueCount).toBe(1);
    expect(jira.store.getIssue(other)!.labels).toEqual([]);

    jira.store.setGlobal(jira.appAccountId, 'BULK_CHANGE', false);
    expect((await call(jira, app, 'POST', '/bulk/issues/fields', edit([mine], 'REMOVE'))).status).toBe(400);
  });
});

describe('Jira emulator: permissions for four users', () => {
  it('answers reads by role: 404 for an outsider, the issue for everyone who may browse', async () => {
    const { jira } = aWorld();
    jira.store.createIssue(anIssue({ key: 'OL-1' }));
    for (const who of [admin, member, viewer])
      expect((await call(jira, who, 'GET', '/issue/OL-1')).status).toBe(200);
    const denied = await call(jira, outsider, 'GET', '/issue/OL-1');
    expect(denied.status).toBe(404);
    expect(denied.json).toEqual({
      errorMessages: ['Issue does not exist or you do not have permission to see it.'],
      errors: {},
    });
    expect((await call(jira, outsider, 'GET', '/issue/OL-404')).json).toEqual(denied.json);
    expect((await call(jira, outsider, 'GET', '/project/OL')).status).toBe(404);
  });

  it('refuses writes by a viewer with 403 and by an outsider with 404, leaving stored data unchanged', async () => {
    const { jira } = aWorld();
    const issue = jira.store.createIssue(anIssue({ key: 'OL-1', labels: ['keep'] }));
    jira.store.setIssueProperty('OL-1', 'outcome-lens', { score: 10 });
    const writes: Array<[string, string, unknown]> = [
      ['PUT', '/issue/OL-1/properties/outcome-lens', { score: 99 }],
      ['PUT', '/issue/OL-1', { update: { labels: [{ add: 'zombie' }] } }],
    ];
    for (const [method, path, body] of writes) {
      expect((await call(jira, viewer, method, path, body)).status).toBe(403);
      expect((await call(jira, outsider, method, path, body)).status).toBe(404);
    }
    expect(
      (
        await call(jira, viewer, 'POST', '/issue/OL-1/comment', {
          body: { type: 'doc', version: 1, content: [] },
        })
      ).status,
    ).toBe(400);
    expect(
      (await call(jira, viewer, 'POST', '/issue/OL-1/transitions', { transition: { id: '31' } })).status,
    ).toBe(400);
    expect(jira.store.getIssue('OL-1')).toEqual(issue);
    expect(jira.store.getIssueProperty('OL-1', 'outcome-lens')).toEqual({ score: 10 });
    expect(jira.store.listComments(issue.id)).toEqual([]);
  });

  it('answers /mypermissions and /permissions/check by role, and lets the app check a user', async () => {
    const { jira } = aWorld();
    const issue = jira.store.createIssue(anIssue({ key: 'OL-1' }));
    const mine = await call(
      jira,
      viewer,
      'GET',
      '/mypermissions?projectKey=OL&permissions=BROWSE_PROJECTS,EDIT_ISSUES',
    );
    expect(mine.json.permissions.BROWSE_PROJECTS.havePermission).toBe(true);
    expect(mine.json.permissions.EDIT_ISSUES.havePermission).toBe(false);
    const check = await call(jira, app, 'POST', '/permissions/check', {
      accountId: 'acc-member',
      projectPermissions: [
        { permissions: ['EDIT_ISSUES', 'ADMINISTER_PROJECTS'], projects: [10000], issues: [issue.id] },
      ],
    });
    expect(check.json.projectPermissions).toEqual([
      { permission: 'EDIT_ISSUES', projects: [10000], issues: [issue.id] },
      { permission: 'ADMINISTER_PROJECTS', projects: [], issues: [] },
    ]);
    expect(
      (
        await call(jira, member, 'POST', '/permissions/check', {
          accountId: 'acc-admin',
          projectPermissions: [],
        })
      ).status,
    ).toBe(403);
  });
});

describe('Jira emulator: edits, comments, transitions and changelog', () => {
  it('records label edits in the changelog with the author and bumps updated', async () => {
    const { jira, clock } = aWorld();
    const issue = jira.store.createIssue(anIssue({ key: 'OL-1', labels: ['a'] }));
    clock.now = new Date('2026-03-02T09:00:00.000Z');
    const res = await call(jira, member, 'PUT', '/issue/OL-1', {
      update: { labels: [{ add: 'zombie' }, { remove: 'a' }] },
    });
    expect(res.status).toBe(204);
    const after = jira.store.getIssue('OL-1');
    expect(after?.labels).toEqual(['zombie']);
    expect(after?.updated).toBe('2026-03-02T09:00:00.000Z');
    const log = await call(jira, app, 'POST', '/changelog/bulkfetch', { issueIdsOrKeys: ['OL-1'] });
    expect(log.json.issueChangeLogs).toEqual([
      {
        issueId: String(issue.id),
        changeHistories: [
          expect.objectContaining({
            author: expect.objectContaining({ accountId: 'acc-member' }),
            created: '2026-03-02T09:00:00.000+0000',
            items: [expect.objectContaining({ field: 'labels', fromString: 'a', toString: 'zombie' })],
          }),
        ],
      },
    ]);
  });

  it('adds an ADF comment, bumps updated, and lists it', async () => {
    const { jira, clock } = aWorld();
    jira.store.createIssue(anIssue({ key: 'OL-1' }));
    clock.now = new Date('2026-03-03T08:00:00.000Z');
    const body = {
      type: 'doc',
      version: 1,
      content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Kill it' }] }],
    };
    expect((await call(jira, member, 'POST', '/issue/OL-1/comment', { body })).status).toBe(201);
    const list = await call(jira, viewer, 'GET', '/issue/OL-1/comment');
    expect(list.json.comments[0]).toMatchObject({ body, author: { accountId: 'acc-member' } });
    expect(jira.store.getIssue('OL-1')?.updated).toBe('2026-03-03T08:00:00.000Z');
  });

  it("closes an issue as Won't Do through a transition, with status and resolution in the changelog", async () => {
    const { jira } = aWorld();
    const issue = jira.store.createIssue(anIssue({ key: 'OL-1', status: 'In Progress' }));
    const list = await call(jira, member, 'GET', '/issue/OL-1/transitions');
    const wontDo = list.json.transitions.find((t: { name: string }) => t.name === "Won't Do");
    expect(wontDo.to).toMatchObject({ name: 'Done', statusCategory: { key: 'done' } });
    expect(
      (await call(jira, member, 'POST', '/issue/OL-1/transitions', { transition: { id: wontDo.id } })).status,
    ).toBe(204);
    expect(jira.store.getIssue('OL-1')).toMatchObject({
      statusName: 'Done',
      statusCategory: 'done',
      resolution: "Won't Do",
    });
    const items = jira.store
      .listChangelog(issue.id)
      .flatMap((h) => h.items.map((i) => [i.field, i.toString]));
    expect(items).toEqual([
      ['resolution', "Won't Do"],
      ['status', 'Done'],
    ]);
    const fetched = await call(jira, viewer, 'GET', '/issue/OL-1?fields=status,resolution');
    expect(fetched.json.fields.resolution.name).toBe("Won't Do");
  });

  it('refuses a field the transition has no screen for, as Jira does, and changes nothing', async () => {
    const { jira } = aWorld();
    const issue = jira.store.createIssue(anIssue({ key: 'OL-1', status: 'In Progress' }));
    const list = await call(jira, member, 'GET', '/issue/OL-1/transitions');
    const transitions = list.json.transitions as { id: string; name: string; hasScreen: boolean }[];
    const byName = (name: string) => transitions.find((t) => t.name === name)!;
    expect([byName("Won't Do").hasScreen, byName('Done').hasScreen, byName('To Do').hasScreen]).toEqual([
      false,
      true,
      false,
    ]);
    const notOnScreen = (field: string) => ({
      errorMessages: [],
      errors: { [field]: `Field '${field}' cannot be set. It is not on the appropriate screen, or unknown.` },
    });
    // "Won't Do" sets its own resolution and has no screen: another resolution cannot be sent with it.
    const wontDo = await call(jira, member, 'POST', '/issue/OL-1/transitions', {
      transition: { id: byName("Won't Do").id },
      fields: { resolution: { name: 'Obsolete' } },
    });
    expect([wontDo.status, wontDo.json]).toEqual([400, notOnScreen('resolution')]);
    // "Done" has a screen, without the labels.
    const labelled = await call(jira, member, 'POST', '/issue/OL-1/transitions', {
      transition: { id: byName('Done').id },
      fields: { resolution: { name: 'Obsolete' } },
      update: { labels: [{ add: 'killed' }] },
    });
    expect([labelled.status, labelled.json]).toEqual([400, notOnScreen('labels')]);
    // "To Do" has none, so not even a description.
    const toDo = await call(jira, member, 'POST', '/issue/OL-1/transitions', {
      transition: { id: byName('To Do').id },
      fields: { description: 'Reworded on the way back' },
    });
    expect([toDo.status, toDo.json]).toEqual([400, notOnScreen('description')]);
    expect(jira.store.getIssue('OL-1')).toMatchObject({ statusName: 'In Progress', resolution: null });
    expect(jira.store.listChangelog(issue.id)).toEqual([]);
    // Asked with `expand=transitions.fields`, each transition lists its screen's fields, none where it has none.
    const described = await call(jira, member, 'GET', '/issue/OL-1/transitions?expand=transitions.fields');
    const screens = Object.fromEntries(
      (described.json.transitions as { name: string; fields: Record<string, { key: string }> }[]).map((t) => [
        t.name,
        Object.keys(t.fields),
      ]),
    );
    expect(screens).toEqual({
      'To Do': [],
      Done: ['summary', 'description', 'resolution'],
      "Won't Do": [],
    });
    expect(transitions.every((t) => !('fields' in t))).toBe(true);
    // A resolution the site does not have is refused at the field, and nothing changes.
    const unknown = await call(jira, member, 'POST', '/issue/OL-1/transitions', {
      transition: { id: byName('Done').id },
      fields: { resolution: { name: 'Obsolete' } },
    });
    expect([unknown.status, unknown.json]).toEqual([
      400,
      { errorMessages: [], errors: { resolution: "The resolution 'Obsolete' does not exist on this site." } },
    ]);
    expect(jira.store.getIssue('OL-1')).toMatchObject({ statusName: 'In Progress', resolution: null });
    // One the site has (an issue holds it) on Done's screen is taken.
    jira.store.createIssue(anIssue({ key: 'OL-2', status: 'Done', resolution: 'Obsolete' }));
    const done = await call(jira, member, 'POST', '/issue/OL-1/transitions', {
      transition: { id: byName('Done').id },
      fields: { resolution: { name: 'Obsolete' } },
    });
    expect(done.status).toBe(204);
    expect(jira.store.getIssue('OL-1')).toMatchObject({ statusName: 'Done', resolution: 'Obsolete' });
  });

  it("lists the site's resolutions a page at a time, each with an id of its own", async () => {
    const { jira } = aWorld();
    for (const name of ['Fixed', 'Obsolete'])
      jira.store.createIssue(anIssue({ key: `OL-${name.length}`, status: 'Done', resolution: name }));
    const page = async (query: string) =>
      (await call(jira, member, 'GET', `/resolution/search${query}`)).json as {
        values: Array<{ id: string; name: string }>;
        isLast: boolean;
        total: number;
        nextPage?: string;
      };
    const first = await page('?maxResults=4');
    expect(first.values.map((r) => r.name)).toEqual(['Done', "Won't Do", 'Duplicate', 'Cannot Reproduce']);
    expect(first).toMatchObject({ isLast: false, total: 6 });
    expect(first.nextPage).toContain('startAt=4');
    const second = await page('?startAt=4&maxResults=4');
    expect(second.values.map((r) => r.name)).toEqual(['Fixed', 'Obsolete']);
    expect(second.isLast).toBe(true);
    const ids = [...first.values, ...second.values].map((r) => r.id);
    expect(new Set(ids).size).toBe(6);
    expect((await page(`?id=${second.values[1]!.id}`)).values.map((r) => r.name)).toEqual(['Obsolete']);
    expect((await page('?onlyDefault=true')).values).toEqual([]);
  });

  it('answers statuscategorychangedate as the last move to another status category, not the last update', async () => {
    const { jira, clock } = aWorld();
    jira.store.createIssue(anIssue({ key: 'OL-1', status: 'To Do', updated: '2026-01-05T10:00:00.000Z' }));
    const changedAt = async () =>
      (await call(jira, member, 'GET', '/issue/OL-1?fields=statuscategorychangedate')).json.fields
        .statuscategorychangedate as string;
    const move = async (name: string, at: string) => {
      clock.now = new Date(at);
      const list = await call(jira, member, 'GET', '/issue/OL-1/transitions');
      const t = list.json.transitions.find((x: { name: string }) => x.name === name);
      expect(
        (await call(jira, member, 'POST', '/issue/OL-1/transitions', { transition: { id: t.id } })).status,
      ).toBe(204);
    };
    // No status change in its history, nor an update: since it was created.
    expect(Date.parse(await changedAt())).toBe(Date.parse('2026-01-05T10:00:00.000Z'));
    await move('Done', '2026-01-10T10:00:00.000Z');
    await move('In Progress', '2026-01-20T10:00:00.000Z');
    clock.now = new Date('2026-02-01T10:00:00.000Z');
    await call(jira, member, 'POST', '/issue/OL-1/comment', {
      body: {
        type: 'doc',
        version: 1,
        content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Hm' }] }],
      },
    });
    // Reopened on the 20th; the comment after it is an update, not a change of category.
    expect(jira.store.getIssue('OL-1')!.updated).toBe('2026-02-01T10:00:00.000Z');
    expect(Date.parse(await changedAt())).toBe(Date.parse('2026-01-20T10:00:00.000Z'));
  });

  it('answers GET /status/{idOrName} with the status and its category, and 404 for a status no workflow uses', async () => {
    const { jira } = aWorld();
    jira.store.createIssue(anIssue({ key: 'OL-1', status: 'Shipped', statusCategory: 'done' }));
    const done = await call(jira, app, 'GET', '/status/Done');
    expect(done.status).toBe(200);
    expect(done.json).toMatchObject({ name: 'Done', statusCategory: { key: 'done' } });
    const byId = await call(jira, member, 'GET', `/status/${done.json.id as string}`);
    expect(byId.json).toMatchObject({ id: done.json.id, name: 'Done', statusCategory: { key: 'done' } });
    const issueStatus = (await call(jira, member, 'GET', '/issue/OL-1?fields=status')).json.fields.status;
    expect((await call(jira, member, 'GET', `/status/${issueStatus.id as string}`)).json).toMatchObject({
      name: 'Shipped',
      statusCategory: { key: 'done' },
    });
    expect((await call(jira, member, 'GET', '/status/Archived')).status).toBe(404);
  });
});

describe('Jira emulator: faults and errors', () => {
  it('answers 429 with Retry-After once, then succeeds', async () => {
    const { jira } = aWorld();
    jira.faults.inject({
      kind: 'rate-limit',
      retryAfterSeconds: 7,
      times: 1,
      match: { pathIncludes: '/search/jql' },
    });
    const limited = await call(jira, app, 'POST', '/search/jql', { jql: 'project = OL' });
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('7');
    expect((await call(jira, app, 'POST', '/search/jql', { jql: 'project = OL' })).status).toBe(200);
    expect(jira.faults.list()).toEqual([]);
  });

  it('injects server errors and latency on matching calls only', async () => {
    const { jira } = aWorld();
    jira.faults.inject({ kind: 'server-error', status: 503, match: { method: 'GET' } });
    expect((await call(jira, app, 'GET', '/myself')).status).toBe(503);
    expect((await call(jira, app, 'POST', '/search/jql', { jql: 'project = OL' })).status).toBe(200);
    jira.faults.clear();
    jira.faults.inject({ kind: 'latency', ms: 60, times: 1 });
    const started = Date.now();
    expect((await call(jira, app, 'GET', '/myself')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
  });

  it('answers unknown paths with 404 and bad JSON with 400, in the error shape, and logs calls', async () => {
    const { jira } = aWorld();
    const unknown = await call(jira, app, 'GET', '/nothing/here');
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual({ errorMessages: [expect.any(String)], errors: {} });
    expect((await call(jira, app, 'POST', '/search/jql', '{not json')).status).toBe(400);
    expect(jira.calls.map((c) => c.status)).toEqual([404, 400]);
  });
});

describe('Jira emulator over HTTP', () => {
  it('maps Basic auth user names to accounts and refuses unknown ones with 401', async () => {
    const { jira } = aWorld();
    jira.store.createIssue(anIssue({ key: 'OL-1' }));
    const names: Record<string, string> = { admin: 'acc-admin', outsider: 'acc-outsider' };
    const server = http.createServer(createJiraHttpHandler(jira, (name) => names[name] ?? null));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const get = (user: string | null, path: string) =>
      fetch(`http://127.0.0.1:${port}${path}`, {
        headers: user ? { authorization: `Basic ${Buffer.from(`${user}:secret`).toString('base64')}` } : {},
      });
    try {
      const ok = await get('admin', '/rest/api/3/issue/OL-1?fields=summary');
      expect(ok.status).toBe(200);
      expect(((await ok.json()) as { key: string }).key).toBe('OL-1');
      expect((await get('outsider', '/rest/api/3/issue/OL-1')).status).toBe(404);
      expect((await get('mallory', '/rest/api/3/issue/OL-1')).status).toBe(401);
      expect((await get(null, '/rest/api/3/myself')).status).toBe(401);
      const searched = await fetch(`http://127.0.0.1:${port}/rest/api/3/search/jql`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from('admin:x').toString('base64')}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ jql: 'project = OL', fields: ['summary'] }),
      });
      expect(((await searched.json()) as { issues: unknown[] }).issues).toHaveLength(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('Jira emulator: issue security levels', () => {
  const NOT_FOUND = {
    errorMessages: ['Issue does not exist or you do not have permission to see it.'],
    errors: {},
  };

  /** OL-1 open to the project; OL-2 at the level "Staff", which lists the member alone. */
  function aSecuredWorld(level: Partial<Parameters<JiraEmulator['store']['createSecurityLevel']>[0]> = {}) {
    const world = aWorld();
    const s = world.jira.store;
    s.setGlobal('acc-admin', 'ADMINISTER', true);
    s.setGlobal('acc-admin', 'BULK_CHANGE', true);
    s.createSecurityLevel({ name: 'Staff', description: 'Staff only', accountIds: ['acc-member'], ...level });
    s.createIssue(anIssue({ key: 'OL-1', summary: 'Open to all' }));
    const secured = s.createIssue(anIssue({ key: 'OL-2', summary: 'Layoff plan', securityLevel: 'Staff' }));
    s.setIssueProperty('OL-2', 'outcome-lens', { score: 10 });
    s.addComment('OL-2', { author: 'acc-member', body: 'Secret' });
    s.addChangelog('OL-2', {
      author: 'acc-member',
      items: [{ field: 'labels', fieldId: 'labels', fromString: '', toString: 'x' }],
    });
    return { ...world, secured };
  }

  it('answers a member of the level with the issue and its Security Level field', async () => {
    const { jira } = aSecuredWorld();
    const got = await call(jira, member, 'GET', '/issue/OL-2?fields=summary,security');
    expect(got.status).toBe(200);
    expect(got.json.fields.security).toMatchObject({ name: 'Staff', description: 'Staff only' });
    expect((await call(jira, member, 'GET', '/issue/OL-1?fields=*all')).json.fields).not.toHaveProperty(
      'security',
    );
  });

  it('is a missing issue to everyone outside the level, Jira administrators and the app included', async () => {
    const { jira } = aSecuredWorld();
    for (const who of [viewer, admin, app]) {
      for (const path of [
        '/issue/OL-2',
        '/issue/10001',
        '/issue/OL-2/comment',
        '/issue/OL-2/transitions',
        '/issue/OL-2/properties',
        '/issue/OL-2/properties/outcome-lens',
      ]) {
        const res = await call(jira, who, 'GET', path);
        expect([path, res.status]).toEqual([path, 404]);
      }
      expect((await call(jira, who, 'GET', '/issue/OL-2')).json).toEqual(NOT_FOUND);
      expect((await call(jira, who, 'PUT', '/issue/OL-2/properties/outcome-lens', { score: 1 })).status).toBe(
        404,
      );
      expect(
        (await call(jira, who, 'POST', '/issue/OL-2/transitions', { transition: { id: '31' } })).status,
      ).toBe(404);
      expect(
        (await call(jira, who, 'GET', '/mypermissions?issueKey=OL-2&permissions=BROWSE_PROJECTS')).status,
      ).toBe(404);
    }
    expect(jira.store.getIssueProperty('OL-2', 'outcome-lens')).toEqual({ score: 10 });
    expect(jira.store.getIssue('OL-2')?.statusName).toBe('To Do');
  });

  it('leaves the issue out of searches, counts, bulk fetches and changelogs for those outside the level', async () => {
    const { jira } = aSecuredWorld();
    const keysFor = async (who: JiraActor): Promise<string[]> =>
      (
        await call(jira, who, 'POST', '/search/jql', {
          jql: 'project = OL ORDER BY key',
          fields: ['summary'],
        })
      ).json.issues.map((i: { key: string }) => i.key) as string[];
    expect(await keysFor(member)).toEqual(['OL-1', 'OL-2']);
    for (const who of [viewer, admin, app]) {
      expect(await keysFor(who)).toEqual(['OL-1']);
      expect(
        (await call(jira, who, 'POST', '/search/approximate-count', { jql: 'project = OL' })).json.count,
      ).toBe(1);
      const fetched = await call(jira, who, 'POST', '/issue/bulkfetch', { issueIdsOrKeys: ['OL-1', 'OL-2'] });
      expect(fetched.json.issues.map((i: { key: string }) => i.key)).toEqual(['OL-1']);
      const log = await call(jira, who, 'POST', '/changelog/bulkfetch', { issueIdsOrKeys: ['OL-2'] });
      expect(log.json.issueChangeLogs).toEqual([]);
    }
  });

  it('grants nothing on the issue in /permissions/check to someone outside the level', async () => {
    const { jira, secured } = aSecuredWorld();
    const checkFor = async (accountId?: string): Promise<unknown> =>
      (
        await call(jira, app, 'POST', '/permissions/check', {
          ...(accountId ? { accountId } : {}),
          projectPermissions: [{ permissions: ['BROWSE_PROJECTS'], projects: [10000], issues: [secured.id] }],
        })
      ).json.projectPermissions;
    // The project is granted; the issue in it is not.
    const none = [{ permission: 'BROWSE_PROJECTS', projects: [10000], issues: [] }];
    expect(await checkFor('acc-viewer')).toEqual(none);
    expect(await checkFor('acc-admin')).toEqual(none);
    expect(await checkFor()).toEqual(none);
    expect(await checkFor('acc-member')).toEqual([
      { permission: 'BROWSE_PROJECTS', projects: [10000], issues: [secured.id] },
    ]);
  });

  it('treats the issue as not found in bulk transitions, bulk label edits and bulk property sets', async () => {
    const { jira, secured } = aSecuredWorld();
    const transition = await call(jira, admin, 'POST', '/bulk/issues/transition', {
      bulkTransitionInputs: [{ selectedIssueIdsOrKeys: ['OL-1', 'OL-2'], transitionId: '31' }],
    });
    const task = await call(jira, admin, 'GET', `/bulk/queue/${transition.json.taskId}`);
    expect(task.json).toMatchObject({
      processedAccessibleIssues: [10000],
      invalidOrInaccessibleIssueCount: 1,
    });
    expect((await call(jira, admin, 'GET', '/bulk/issues/transition?issueIdsOrKeys=OL-2')).status).toBe(400);
    const edit = await call(jira, admin, 'POST', '/bulk/issues/fields', {
      selectedIssueIdsOrKeys: ['OL-2'],
      selectedActions: ['labels'],
      editedFieldsInput: {
        labelsFields: [
          { fieldId: 'labels', bulkEditMultiSelectFieldOption: 'ADD', labels: [{ name: 'zombie' }] },
        ],
      },
    });
    const edited = await call(jira, admin, 'GET', `/bulk/queue/${edit.json.taskId}`);
    expect(edited.json).toMatchObject({ processedAccessibleIssues: [], invalidOrInaccessibleIssueCount: 1 });
    const multi = await call(jira, app, 'POST', '/issue/properties/multi', {
      issues: [{ issueID: secured.id, properties: { 'outcome-lens': { score: 99 } } }],
    });
    const location = String(multi.headers.location);
    const done = await call(jira, app, 'GET', location.slice(location.indexOf('/task/')));
    expect(done.json.result).toEqual({
      updated: [],
      failed: [
        { issueId: secured.id, message: 'Issue does not exist or you do not have permission to see it.' },
      ],
    });
    const stored = jira.store.getIssue('OL-2')!;
    expect([stored.statusName, stored.labels]).toEqual(['To Do', []]);
    expect(jira.store.getIssueProperty('OL-2', 'outcome-lens')).toEqual({ score: 10 });
  });

  it('lets the app in through the atlassian-addons-project-access role, and reporters, assignees and sub-tasks follow the level', async () => {
    const { jira } = aSecuredWorld({ projectRoles: ['atlassian-addons-project-access'], reporter: true });
    expect((await call(jira, app, 'GET', '/issue/OL-2')).status).toBe(200);
    expect((await call(jira, viewer, 'GET', '/issue/OL-2')).status).toBe(404);
    const s = jira.store;
    s.createIssue(anIssue({ key: 'OL-3', reporter: 'acc-viewer', securityLevel: 'Staff' }));
    expect((await call(jira, viewer, 'GET', '/issue/OL-3')).status).toBe(200);
    // "Subtasks inherit the security level of their parent issue."
    s.createIssue(anIssue({ key: 'OL-4', type: 'Sub-task', parentKey: 'OL-2' }));
    expect((await call(jira, viewer, 'GET', '/issue/OL-4')).status).toBe(404);
    expect((await call(jira, member, 'GET', '/issue/OL-4')).status).toBe(200);
    s.setIssueSecurityLevel('OL-2', null);
    expect((await call(jira, viewer, 'GET', '/issue/OL-2')).status).toBe(200);
    expect((await call(jira, viewer, 'GET', '/issue/OL-4')).status).toBe(200);
    s.setIssueSecurityLevel('OL-1', 'Staff');
    s.addSecurityLevelMember('Staff', 'acc-viewer');
    expect((await call(jira, viewer, 'GET', '/issue/OL-1')).status).toBe(200);
  });
});
