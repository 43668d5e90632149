/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-call --
   response bodies are read as loose JSON: the assertions are the type check */
import { openDatabase } from '../../workbench/db';
import { JiraEmulator } from '../../workbench/jira/emulator';
import { NO_STATUS_CATEGORY, type IssueInput, type JiraActor } from '../../workbench/jira/types';

const app: JiraActor = { type: 'app' };
const lead: JiraActor = { type: 'user', accountId: 'acc-lead' };
const dev: JiraActor = { type: 'user', accountId: 'acc-dev' };

function anIssue(overrides: Partial<IssueInput> = {}): IssueInput {
  return { projectKey: 'OL', summary: 'Shoppers abandon the cart', ...overrides };
}

function aWorld(clock = { now: new Date('2026-03-01T12:00:00.000Z') }) {
  const jira = new JiraEmulator(openDatabase(':memory:'), { now: () => clock.now });
  jira.store.upsertUser({ accountId: 'acc-lead', displayName: 'Lea Lead' });
  jira.store.upsertUser({ accountId: 'acc-dev', displayName: 'Dev Eloper' });
  jira.store.createProject({ key: 'OL', name: 'Outcome Lens' });
  jira.store.grant('OL', 'acc-lead', ['BROWSE_PROJECTS', 'ADMINISTER_PROJECTS', 'EDIT_ISSUES']);
  jira.store.grant('OL', 'acc-dev', ['BROWSE_PROJECTS', 'EDIT_ISSUES']);
  return jira;
}

async function call(jira: JiraEmulator, actor: JiraActor, method: string, path: string, body?: unknown) {
  const res = await jira.handle({
    method,
    path: `/rest/api/3${path}`,
    actor,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: res.body ? (JSON.parse(res.body) as Record<string, any>) : {} };
}

describe('Jira emulator store: seeding', () => {
  it('numbers issues per project, keeps explicit keys, and stores plain and wiki descriptions as ADF', () => {
    const jira = aWorld();
    const first = jira.store.createIssue(anIssue({ description: 'Line one\nLine two' }));
    const explicit = jira.store.createIssue(anIssue({ key: 'OL-40', description: { wiki: '*bold* claim' } }));
    const next = jira.store.createIssue(anIssue());
    expect([first.key, explicit.key, next.key]).toEqual(['OL-1', 'OL-40', 'OL-41']);
    expect(first.description?.content).toHaveLength(2);
    expect(explicit.descriptionWiki).toBe('*bold* claim');
    expect(jira.store.countIssues()).toBe(3);
  });

  it('resolves a done issue as Done unless a resolution is given, and links children to an epic', async () => {
    const jira = aWorld();
    jira.store.createIssue(anIssue({ key: 'OL-1', type: 'Epic', summary: 'Checkout bets' }));
    const child = jira.store.createIssue(anIssue({ parentKey: 'OL-1', status: 'Done' }));
    expect(child.resolution).toBe('Done');
    const got = await call(jira, dev, 'GET', `/issue/${child.key}?fields=parent,issuetype`);
    expect(got.json.fields.parent).toMatchObject({
      key: 'OL-1',
      fields: { summary: 'Checkout bets', issuetype: { name: 'Epic' } },
    });
    expect(got.json.fields.issuetype).toMatchObject({ name: 'Story', hierarchyLevel: 0 });
  });

  it('moves an issue to another project: a new key there, its id and properties kept, its old key still answering', async () => {
    const jira = aWorld();
    jira.store.createProject({ key: 'SEC', name: 'Secret' });
    jira.store.grant('SEC', 'acc-lead', ['BROWSE_PROJECTS']);
    const issue = jira.store.createIssue(anIssue());
    jira.store.setIssueProperty(issue.key, 'lens', { version: 3 });
    const newKey = jira.store.moveIssue(issue.key, 'SEC');
    expect(newKey).toBe('SEC-1');
    const byOldKey = await call(jira, lead, 'GET', `/issue/${issue.key}?fields=project&properties=lens`);
    expect(byOldKey.status).toBe(200);
    expect(byOldKey.json).toMatchObject({
      id: String(issue.id),
      key: 'SEC-1',
      fields: { project: { key: 'SEC' } },
      properties: { lens: { version: 3 } },
    });
    // Who cannot see the new project cannot see it by its old key either.
    expect((await call(jira, dev, 'GET', `/issue/${issue.key}`)).status).toBe(404);
    expect(jira.store.createIssue(anIssue({ projectKey: 'SEC' })).key).toBe('SEC-2');
  });

  it('moves a story with its sub-tasks: each takes the next key there under the moved story, its old key still answering', async () => {
    const jira = aWorld();
    jira.store.createProject({ key: 'SEC', name: 'Secret' });
    jira.store.grant('SEC', 'acc-lead', ['BROWSE_PROJECTS']);
    const story = jira.store.createIssue(anIssue());
    const measure = jira.store.createIssue(
      anIssue({ type: 'Sub-task', summary: 'Measure drop-off', parentKey: story.key }),
    );
    const other = jira.store.createIssue(anIssue());
    const fix = jira.store.createIssue(
      anIssue({ type: 'Sub-task', summary: 'Ship the fix', parentKey: story.key }),
    );

    const newKey = jira.store.moveIssue(story.key, 'SEC');
    expect(newKey).toBe('SEC-1');
    expect(jira.store.subtasksOf(newKey).map((s) => [s.id, s.key, s.projectKey, s.parentKey])).toEqual([
      [measure.id, 'SEC-2', 'SEC', 'SEC-1'],
      [fix.id, 'SEC-3', 'SEC', 'SEC-1'],
    ]);
    const byOldKey = await call(jira, lead, 'GET', `/issue/${measure.key}?fields=project,parent`);
    expect(byOldKey.status).toBe(200);
    expect(byOldKey.json).toMatchObject({
      id: String(measure.id),
      key: 'SEC-2',
      fields: { project: { key: 'SEC' }, parent: { key: 'SEC-1' } },
    });
    expect(await searchKeys(jira, 'project = OL')).toEqual([other.key]);
    expect(await searchKeys(jira, 'project = SEC ORDER BY key ASC')).toEqual(['SEC-1', 'SEC-2', 'SEC-3']);
    // A sub-task does not leave its parent's project on its own.
    expect(() => jira.store.moveIssue('SEC-2', 'OL')).toThrow(/moves with its parent SEC-1/);
    expect(jira.store.createIssue(anIssue({ projectKey: 'SEC' })).key).toBe('SEC-4');
  });
});

describe('Jira emulator: the resolution date', () => {
  const at = (iso: string) => iso.replace('Z', '+0000');

  it('is when the issue got its resolution: a later comment leaves it, reopening clears it, resolving sets it anew', async () => {
    const clock = { now: new Date('2026-03-01T12:00:00.000Z') };
    const jira = aWorld(clock);
    jira.store.grant('OL', 'acc-dev', ['TRANSITION_ISSUES', 'ADD_COMMENTS']);
    const issue = jira.store.createIssue(anIssue());
    const fields = async (): Promise<Record<string, unknown>> =>
      (await call(jira, dev, 'GET', `/issue/${issue.key}?fields=resolution,resolutiondate,updated`)).json
        .fields as Record<string, unknown>;
    const transition = async (id: string, when: string) => {
      clock.now = new Date(when);
      expect(
        (await call(jira, dev, 'POST', `/issue/${issue.key}/transitions`, { transition: { id } })).status,
      ).toBe(204);
    };
    expect((await fields()).resolutiondate).toBeNull();

    await transition('31', '2026-03-02T09:00:00.000Z'); // Done
    expect(await fields()).toMatchObject({
      resolution: { name: 'Done' },
      resolutiondate: at('2026-03-02T09:00:00.000Z'),
    });
    clock.now = new Date('2026-03-05T16:00:00.000Z');
    const comment = {
      body: {
        type: 'doc',
        version: 1,
        content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Numbers are in.' }] }],
      },
    };
    expect((await call(jira, dev, 'POST', `/issue/${issue.key}/comment`, comment)).status).toBe(201);
    expect(await fields()).toMatchObject({
      updated: at('2026-03-05T16:00:00.000Z'),
      resolutiondate: at('2026-03-02T09:00:00.000Z'),
    });

    await transition('11', '2026-03-06T10:00:00.000Z'); // reopened: To Do, no resolution
    expect(await fields()).toMatchObject({ resolution: null, resolutiondate: null });
    await transition('41', '2026-03-08T11:00:00.000Z'); // Won't Do
    expect((await fields()).resolutiondate).toBe(at('2026-03-08T11:00:00.000Z'));
    expect(jira.store.getIssue(issue.key)?.resolutionDate).toBe('2026-03-08T11:00:00.000Z');
  });

  it('is seeded as given, else as the seeded last update, and never without a resolution', () => {
    const jira = aWorld();
    const given = jira.store.createIssue(
      anIssue({
        status: 'Done',
        resolutionDate: '2026-01-10T08:00:00.000+0000',
        updated: '2026-02-01T00:00:00Z',
      }),
    );
    const guessed = jira.store.createIssue(anIssue({ status: 'Done', updated: '2026-02-01T00:00:00Z' }));
    const open = jira.store.createIssue(anIssue({ resolutionDate: '2026-01-10T08:00:00Z' }));
    expect([given, guessed, open].map((i) => i.resolutionDate)).toEqual([
      '2026-01-10T08:00:00.000Z',
      '2026-02-01T00:00:00.000Z',
      null,
    ]);
  });
});

describe('Jira emulator: changelog and project properties', () => {
  it('pages the bulk changelog with a token across issues and filters by field', async () => {
    const jira = aWorld();
    const a = jira.store.createIssue(anIssue());
    const b = jira.store.createIssue(anIssue());
    for (let i = 0; i < 3; i++) {
      jira.store.addChangelog(a.key, {
        author: 'acc-dev',
        created: `2026-02-0${i + 1}T00:00:00.000Z`,
        items: [{ field: 'labels', fieldId: 'labels', toString: `l${i}` }],
      });
    }
    jira.store.addChangelog(b.key, {
      author: 'acc-lead',
      created: '2026-02-05T00:00:00.000Z',
      items: [{ field: 'status', fieldId: 'status', toString: 'Done' }],
    });
    const histories: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const res = await call(jira, app, 'POST', '/changelog/bulkfetch', {
        issueIdsOrKeys: [a.key, b.key],
        maxResults: 2,
        ...(token ? { nextPageToken: token } : {}),
      });
      for (const log of res.json.issueChangeLogs)
        for (const h of log.changeHistories) histories.push(`${log.issueId}:${h.items[0].toString}`);
      token = res.json.nextPageToken;
      pages++;
    } while (token);
    expect(histories).toEqual([`${a.id}:l0`, `${a.id}:l1`, `${a.id}:l2`, `${b.id}:Done`]);
    expect(pages).toBe(2);
    const onlyStatus = await call(jira, app, 'POST', '/changelog/bulkfetch', {
      issueIdsOrKeys: [a.key, b.key],
      fieldIds: ['status'],
    });
    expect(onlyStatus.json.issueChangeLogs.map((l: { issueId: string }) => l.issueId)).toEqual([
      String(b.id),
    ]);
  });

  it('returns the changelog with expand=changelog on an issue', async () => {
    const jira = aWorld();
    jira.store.createIssue(anIssue({ key: 'OL-1' }));
    await call(jira, dev, 'PUT', '/issue/OL-1', { fields: { summary: 'Cart drop-off is too high' } });
    const got = await call(jira, dev, 'GET', '/issue/OL-1?expand=changelog&fields=summary');
    expect(got.json.changelog.histories[0].items[0]).toMatchObject({
      field: 'summary',
      toString: 'Cart drop-off is too high',
    });
  });

  it('lets a project admin write project properties and refuses other users with 403', async () => {
    const jira = aWorld();
    expect(
      (await call(jira, lead, 'PUT', '/project/OL/properties/settings', { zombieDays: 60 })).status,
    ).toBe(201);
    expect((await call(jira, dev, 'PUT', '/project/OL/properties/settings', { zombieDays: 1 })).status).toBe(
      403,
    );
    expect((await call(jira, dev, 'DELETE', '/project/OL/properties/settings')).status).toBe(403);
    expect((await call(jira, dev, 'GET', '/project/OL/properties/settings')).json).toEqual({
      key: 'settings',
      value: { zombieDays: 60 },
    });
    expect(jira.store.getProjectProperty('OL', 'settings')).toEqual({ zombieDays: 60 });
  });

  it('refuses a page token from another query with 400', async () => {
    const jira = aWorld();
    jira.store.bulkCreateIssues(Array.from({ length: 3 }, () => anIssue()));
    const first = await call(jira, app, 'POST', '/search/jql', { jql: 'project = OL', maxResults: 1 });
    const other = await call(jira, app, 'POST', '/search/jql', {
      jql: 'project = OL AND labels = x',
      nextPageToken: first.json.nextPageToken,
    });
    expect(other.status).toBe(400);
    const garbage = await call(jira, app, 'POST', '/search/jql', {
      jql: 'project = OL',
      nextPageToken: '!!',
    });
    expect(garbage.status).toBe(400);
  });
});

async function searchKeys(jira: JiraEmulator, jql: string): Promise<string[]> {
  const res = await call(jira, app, 'POST', '/search/jql', { jql, fields: ['status'] });
  expect(res.status).toBe(200);
  return (res.json.issues as Array<{ key: string }>).map((i) => i.key);
}

describe('Jira emulator: a status without a category', () => {
  it('holds it and serves the status without statusCategory on a read, a bulk fetch, a search and a parent', async () => {
    const jira = aWorld();
    const epic = jira.store.createIssue(
      anIssue({ type: 'Epic', status: 'Triage', statusCategory: NO_STATUS_CATEGORY }),
    );
    const child = jira.store.createIssue(anIssue({ parentKey: epic.key }));
    expect(jira.store.getIssue(epic.key)?.statusCategory).toBe(NO_STATUS_CATEGORY);

    const read = await call(jira, dev, 'GET', `/issue/${epic.key}?fields=status`);
    expect(read.status).toBe(200);
    expect(read.json.fields.status).toMatchObject({ name: 'Triage' });
    expect(read.json.fields.status).not.toHaveProperty('statusCategory');
    const bulk = await call(jira, dev, 'POST', '/issue/bulkfetch', {
      issueIdsOrKeys: [epic.key],
      fields: ['status'],
    });
    expect(bulk.json.issues[0].fields.status).not.toHaveProperty('statusCategory');
    const found = await call(jira, dev, 'POST', '/search/jql', {
      jql: `key = ${epic.key}`,
      fields: ['status'],
    });
    expect(found.json.issues[0].fields.status).not.toHaveProperty('statusCategory');
    const parent = await call(jira, dev, 'GET', `/issue/${child.key}?fields=parent`);
    expect(parent.json.fields.parent.fields.status).toMatchObject({ name: 'Triage' });
    expect(parent.json.fields.parent.fields.status).not.toHaveProperty('statusCategory');
    // The others keep theirs.
    expect(
      (await call(jira, dev, 'GET', `/issue/${child.key}?fields=status`)).json.fields.status,
    ).toMatchObject({ statusCategory: { key: 'new' } });
  });

  it('is a category of its own to JQL, as "No Category": not EMPTY, never To Do, In Progress or Done', async () => {
    const jira = aWorld();
    const none = jira.store.createIssue(anIssue({ status: 'Triage', statusCategory: NO_STATUS_CATEGORY }));
    const todo = jira.store.createIssue(anIssue());
    const done = jira.store.createIssue(anIssue({ status: 'Done' }));
    expect(await searchKeys(jira, 'project = OL AND statusCategory != Done')).toEqual([none.key, todo.key]);
    expect(await searchKeys(jira, 'project = OL AND statusCategory not in ("To Do", "In Progress")')).toEqual(
      [none.key, done.key],
    );
    expect(await searchKeys(jira, 'project = OL AND statusCategory in ("To Do", Done)')).toEqual([
      todo.key,
      done.key,
    ]);
    expect(await searchKeys(jira, 'project = OL AND statusCategory is EMPTY')).toEqual([]);
    expect(await searchKeys(jira, 'project = OL ORDER BY statusCategory ASC')).toEqual([
      none.key,
      todo.key,
      done.key,
    ]);
  });

  it('refuses a category it could not serve when the issue is written, not on every later read', () => {
    const jira = aWorld();
    expect(() => jira.store.createIssue(anIssue({ statusCategory: 'undefined' as never }))).toThrow(
      /Unknown status category: undefined/,
    );
    const issue = jira.store.createIssue(anIssue());
    expect(() => jira.store.updateIssueFields(issue.id, { statusCategory: 'later' as never })).toThrow(
      /Unknown status category/,
    );
    jira.store.updateIssueFields(issue.id, { statusCategory: NO_STATUS_CATEGORY });
    expect(jira.store.getIssue(issue.id)?.statusCategory).toBe(NO_STATUS_CATEGORY);
    expect(jira.store.countIssues()).toBe(1);
  });

  it('moves into a category through a transition', async () => {
    const jira = aWorld();
    const issue = jira.store.createIssue(anIssue({ status: 'Triage', statusCategory: NO_STATUS_CATEGORY }));
    jira.store.grant('OL', 'acc-dev', ['TRANSITION_ISSUES']);
    expect(
      (await call(jira, dev, 'POST', `/issue/${issue.key}/transitions`, { transition: { id: '21' } })).status,
    ).toBe(204);
    const read = await call(jira, dev, 'GET', `/issue/${issue.key}?fields=status`);
    expect(read.json.fields.status).toMatchObject({
      name: 'In Progress',
      statusCategory: { key: 'indeterminate' },
    });
  });
});

describe('Jira emulator: deleting an issue', () => {
  it('deletes it with its comments, changelog, properties and old keys: every read then answers 404', async () => {
    const jira = aWorld();
    jira.store.createProject({ key: 'SEC', name: 'Secret' });
    const keep = jira.store.createIssue(anIssue());
    const gone = jira.store.createIssue(anIssue());
    jira.store.setIssueProperty(gone.key, 'lens', { version: 1 });
    jira.store.addComment(gone.key, { author: 'acc-dev', body: 'Soon gone' });
    jira.store.addChangelog(gone.key, { author: 'acc-dev', items: [{ field: 'labels', toString: 'x' }] });
    const movedKey = jira.store.moveIssue(gone.key, 'SEC');

    expect(jira.store.deleteIssue(movedKey)).toEqual([gone.id]);
    expect(jira.store.getIssue(gone.id)).toBeNull();
    expect(jira.store.getIssue(gone.key)).toBeNull(); // its old key no longer finds it
    expect(jira.store.listComments(gone.id)).toEqual([]);
    expect(jira.store.listChangelog(gone.id)).toEqual([]);
    expect(jira.store.propertiesOf([gone.id], null).size).toBe(0);
    expect(jira.store.countIssues()).toBe(1);
    expect((await call(jira, app, 'GET', `/issue/${gone.id}`)).status).toBe(404);
    expect((await call(jira, app, 'GET', `/issue/${gone.key}/properties/lens`)).status).toBe(404);
    expect(await searchKeys(jira, 'project in (OL, SEC)')).toEqual([keep.key]);
    expect(() => jira.store.deleteIssue(gone.id)).toThrow(/Unknown issue/);
  });

  it('answers DELETE with 204, and 404 for an unknown issue or one the caller cannot see', async () => {
    const jira = aWorld();
    const issue = jira.store.createIssue(anIssue());
    jira.store.upsertUser({ accountId: 'acc-out', displayName: 'Out Sider' });
    const outsider: JiraActor = { type: 'user', accountId: 'acc-out' };
    expect((await call(jira, outsider, 'DELETE', `/issue/${issue.key}`)).status).toBe(404);
    expect((await call(jira, app, 'DELETE', '/issue/OL-404')).status).toBe(404);
    expect(jira.store.getIssue(issue.key)).not.toBeNull();
    const deleted = await call(jira, app, 'DELETE', `/issue/${issue.key}`);
    expect(deleted).toEqual({ status: 204, json: {} });
    expect(jira.store.getIssue(issue.key)).toBeNull();
    expect((await call(jira, app, 'DELETE', `/issue/${issue.key}`)).status).toBe(404);
  });

  it('needs the Delete issues permission: 403 without it, the issue kept', async () => {
    const jira = aWorld();
    const issue = jira.store.createIssue(anIssue());
    const refused = await call(jira, dev, 'DELETE', `/issue/${issue.key}`);
    expect(refused.status).toBe(403);
    expect(refused.json.errorMessages).toEqual([
      'You do not have permission to delete issues in this project.',
    ]);
    expect(jira.store.getIssue(issue.id)).not.toBeNull();
    jira.store.grant('OL', 'acc-dev', ['DELETE_ISSUES']);
    expect((await call(jira, dev, 'DELETE', `/issue/${issue.key}`)).status).toBe(204);
    expect(jira.store.getIssue(issue.id)).toBeNull();
  });

  it('refuses an issue with sub-tasks with 400 unless deleteSubtasks=true, which deletes them with it', async () => {
    const jira = aWorld();
    const story = jira.store.createIssue(anIssue());
    const sub = jira.store.createIssue(anIssue({ type: 'Sub-task', parentKey: story.key }));
    const other = jira.store.createIssue(anIssue());

    for (const query of ['', '?deleteSubtasks=false']) {
      const refused = await call(jira, app, 'DELETE', `/issue/${story.key}${query}`);
      expect(refused.status).toBe(400);
      expect(refused.json.errorMessages[0]).toMatch(/has subtasks/);
    }
    expect(() => jira.store.deleteIssue(story.key)).toThrow(/sub-task/);
    expect(jira.store.getIssue(story.id)).not.toBeNull();
    expect(jira.store.getIssue(sub.id)).not.toBeNull();

    expect((await call(jira, app, 'DELETE', `/issue/${story.key}?deleteSubtasks=true`)).status).toBe(204);
    expect(jira.store.getIssue(story.id)).toBeNull();
    expect(jira.store.getIssue(sub.id)).toBeNull();
    expect(jira.store.getIssue(other.id)).not.toBeNull();
    // A sub-task itself has none: it goes alone.
    const next = jira.store.createIssue(anIssue());
    const lone = jira.store.createIssue(anIssue({ type: 'Sub-task', parentKey: next.key }));
    expect((await call(jira, app, 'DELETE', `/issue/${lone.key}`)).status).toBe(204);
    expect(jira.store.getIssue(next.id)).not.toBeNull();
  });

  it("leaves an epic's stories in place, without a parent", async () => {
    const jira = aWorld();
    const epic = jira.store.createIssue(anIssue({ type: 'Epic' }));
    const story = jira.store.createIssue(anIssue({ parentKey: epic.key }));
    expect((await call(jira, app, 'DELETE', `/issue/${epic.key}`)).status).toBe(204);
    expect(jira.store.getIssue(story.id)).toMatchObject({ key: story.key, parentKey: null });
    expect((await call(jira, app, 'GET', `/issue/${story.key}?fields=parent`)).json.fields.parent).toBeNull();
  });
});
