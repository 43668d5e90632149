/**
 * The Jira adapter over the workbench: the real @forge/api, the Jira emulator with every request and answer
 * checked against the official OpenAPI spec.
 */
import { ISSUE_PROPERTY_KEY } from '../../src/domain/issue-lens';
import {
  JiraHttpError,
  JiraRateLimitError,
  NotAuthorizedError,
  NotFoundError,
  toErrorAnswer,
  ValidationError,
} from '../../src/errors';
import { JiraClient, parseRetryAfter, withRetry } from '../../src/jira/client';
import { addCommentOnce, CommentUnsureError } from '../../src/jira/comment-once';
import { projectRights } from '../../src/services/project-access';
import { NO_STATUS_CATEGORY, type IssueInput } from '../../workbench/jira/types';
import { createWorkbench, failure, PROJECT_KEY, USERS, type Workbench } from '../support/workbench-harness';

const FIELDS = ['summary', 'description', 'issuetype', 'status', 'created', 'updated', 'labels', 'assignee'];

function anIssue(overrides: Partial<IssueInput> = {}): IssueInput {
  return {
    projectKey: PROJECT_KEY,
    summary: 'Shoppers abandon the cart at the shipping step',
    type: 'Story',
    description: 'As a shopper I want to see shipping costs early so that I am not surprised.',
    created: '2026-01-05T10:00:00.000Z',
    labels: ['checkout'],
    ...overrides,
  };
}

let wb: Workbench;
beforeEach(() => {
  wb = createWorkbench();
});
afterEach(() => wb.dispose());

describe('JiraClient reads', () => {
  it('searches with JQL, pages with nextPageToken and returns requested properties', async () => {
    for (let i = 0; i < 5; i++) wb.jira.store.createIssue(anIssue({ summary: `Story ${i}` }));
    wb.jira.store.setIssueProperty('OL-2', ISSUE_PROPERTY_KEY, { score: 70 });

    const keys: string[] = [];
    let token: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<JiraClient['searchJql']>> = await wb.asSystem(() =>
        JiraClient.asApp().searchJql({
          jql: `project = ${PROJECT_KEY} ORDER BY key ASC`,
          fields: FIELDS,
          properties: [ISSUE_PROPERTY_KEY],
          maxResults: 2,
          nextPageToken: token,
        }),
      );
      keys.push(...page.issues.map((i) => i.key));
      const withProperty = page.issues.find((i) => i.key === 'OL-2');
      if (withProperty) expect(withProperty.properties?.[ISSUE_PROPERTY_KEY]).toEqual({ score: 70 });
      token = page.nextPageToken;
      pages++;
    } while (token);

    expect(keys).toEqual(['OL-1', 'OL-2', 'OL-3', 'OL-4', 'OL-5']);
    expect(pages).toBe(3);
  });

  it('reads a status without a category (the spec requires none) as one with no category key', async () => {
    wb.jira.store.createIssue(anIssue({ status: 'Triage', statusCategory: NO_STATUS_CATEGORY }));
    const issue = await wb.asSystem(() => JiraClient.asApp().getIssue('OL-1', { fields: FIELDS }));
    expect(issue.fields.status).toEqual(expect.objectContaining({ name: 'Triage', statusCategory: {} }));
    const page = await wb.asSystem(() =>
      JiraClient.asApp().searchJql({ jql: `project = ${PROJECT_KEY}`, fields: FIELDS }),
    );
    expect(page.issues.map((i) => [i.key, i.fields.status?.statusCategory.key])).toEqual([
      ['OL-1', undefined],
    ]);
    expect(page.unreadable).toEqual([]);
  });

  it('leaves an issue it cannot read out of a search page and names it, keeping the others and the page token', async () => {
    for (let i = 0; i < 4; i++) wb.jira.store.createIssue(anIssue({ summary: `Story ${i}` }));
    const odd = wb.jira.store.getIssue('OL-2')!;
    // A site whose answer for one issue breaks the spec: its labels are not strings.
    const original = wb.jira.handle.bind(wb.jira);
    wb.jira.handle = async (req) => {
      const res = await original(req);
      if (!req.path.includes('/search/jql') || res.status !== 200) return res;
      const body = JSON.parse(res.body) as {
        issues: Array<{ key: string; fields: Record<string, unknown> }>;
      };
      for (const issue of body.issues) if (issue.key === odd.key) issue.fields.labels = [42];
      return { ...res, body: JSON.stringify(body) };
    };
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const page = await wb.asSystem(() =>
        JiraClient.asApp().searchJql({
          jql: `project = ${PROJECT_KEY} ORDER BY key ASC`,
          fields: FIELDS,
          maxResults: 3,
        }),
      );
      expect(page.issues.map((i) => i.key)).toEqual(['OL-1', 'OL-3']);
      expect(page.unreadable).toEqual([
        {
          id: String(odd.id),
          key: 'OL-2',
          message: expect.stringMatching(
            /^Unexpected Jira response to searchJql: issues\.1\.fields\.labels\.0: /,
          ) as string,
        },
      ]);
      expect(page.nextPageToken).toEqual(expect.any(String));
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('OL-2'));
      const rest = await wb.asSystem(() =>
        JiraClient.asApp().searchJql({
          jql: `project = ${PROJECT_KEY} ORDER BY key ASC`,
          fields: FIELDS,
          maxResults: 3,
          nextPageToken: page.nextPageToken,
        }),
      );
      expect(rest.issues.map((i) => i.key)).toEqual(['OL-4']);
      expect(rest.unreadable).toEqual([]);
    } finally {
      warn.mockRestore();
    }
  });

  it('still fails a search page that is not a page at all', async () => {
    wb.jira.store.createIssue(anIssue());
    const original = wb.jira.handle.bind(wb.jira);
    wb.jira.handle = async (req) => {
      const res = await original(req);
      return req.path.includes('/search/jql') ? { ...res, body: JSON.stringify({ issues: 'none' }) } : res;
    };
    await expect(
      wb.asSystem(() => JiraClient.asApp().searchJql({ jql: `project = ${PROJECT_KEY}`, fields: FIELDS })),
    ).rejects.toThrow(/Unexpected Jira response to searchJql: issues: /);
  });

  it('reads one issue with typed fields, and bulk-fetches several', async () => {
    wb.jira.store.createIssue(anIssue({ assignee: USERS.member }));
    wb.jira.store.createIssue(anIssue({ summary: 'Second' }));

    const issue = await wb.asUser(USERS.member, () =>
      JiraClient.asUser().getIssue('OL-1', { fields: FIELDS }),
    );
    expect(issue.key).toBe('OL-1');
    expect(issue.fields.summary).toBe('Shoppers abandon the cart at the shipping step');
    expect(issue.fields.issuetype?.name).toBe('Story');
    expect(issue.fields.status?.statusCategory.key).toBe('new');
    expect(issue.fields.labels).toEqual(['checkout']);
    expect(issue.fields.assignee?.accountId).toBe(USERS.member);
    expect(typeof issue.fields.description).toBe('object');

    const many = await wb.asSystem(() =>
      JiraClient.asApp().bulkFetchIssues(['OL-1', 'OL-2', 'OL-404'], { fields: ['summary'] }),
    );
    expect(many.map((i) => i.key).sort()).toEqual(['OL-1', 'OL-2']);
  });

  it('answers NotFoundError for an issue the user cannot see', async () => {
    wb.jira.store.createIssue(anIssue());
    const error = await failure(wb.asUser(USERS.outsider, () => JiraClient.asUser().getIssue('OL-1')));
    expect(error).toBeInstanceOf(NotFoundError);
  });

  it('refuses an empty key before calling Jira, as it would name another endpoint (/issue/ instead of /issue/{key})', async () => {
    const before = wb.jira.calls.length;
    const error = await failure(wb.asUser(USERS.member, () => JiraClient.asUser().getIssue('')));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toBe('Missing issueIdOrKey.');
    const propertyError = await failure(
      wb.asSystem(() => JiraClient.asApp().setIssueProperty('OL-1', '', { on: true })),
    );
    expect((propertyError as Error).message).toBe('Missing propertyKey.');
    expect(wb.jira.calls.length).toBe(before);
  });

  it('reads projects and project search', async () => {
    const project = await wb.asUser(USERS.viewer, () => JiraClient.asUser().getProject(PROJECT_KEY));
    expect(project).toMatchObject({ key: PROJECT_KEY, name: 'Outcome Lens' });
    const visible = await wb.asUser(USERS.viewer, () => JiraClient.asUser().searchProjects());
    expect(visible.map((p) => p.key)).toEqual([PROJECT_KEY]);
  });

  it('reads the changelog of several issues across pages', async () => {
    wb.jira.store.createIssue(anIssue());
    wb.jira.store.createIssue(anIssue());
    for (let i = 0; i < 3; i++) {
      wb.jira.store.addChangelog('OL-1', {
        author: USERS.member,
        items: [{ field: 'summary', fieldId: 'summary', fromString: `v${i}`, toString: `v${i + 1}` }],
      });
    }
    wb.jira.store.addChangelog('OL-2', {
      author: USERS.member,
      items: [{ field: 'labels', fieldId: 'labels', fromString: '', toString: 'x' }],
    });
    const ids = ['OL-1', 'OL-2'].map((k) => wb.jira.store.getIssue(k)!.id);

    const logs = await wb.asSystem(() => JiraClient.asApp().bulkChangelog(ids));
    const count = Object.fromEntries(logs.map((l) => [l.issueId, l.changeHistories.length]));
    expect(count).toEqual({ [String(ids[0])]: 3, [String(ids[1])]: 1 });

    const onlySummary = await wb.asSystem(() => JiraClient.asApp().bulkChangelog(ids, ['summary']));
    expect(onlySummary.flatMap((l) => l.changeHistories)).toHaveLength(3);
  });
});

describe('JiraClient writes', () => {
  beforeEach(() => {
    wb.jira.store.createIssue(anIssue());
  });

  it('round-trips an issue property: absent → set → read → delete', async () => {
    const client = () => JiraClient.asUser();
    await wb.asUser(USERS.member, async () => {
      expect(await client().getIssueProperty('OL-1', ISSUE_PROPERTY_KEY)).toBeNull();
      await client().setIssueProperty('OL-1', ISSUE_PROPERTY_KEY, { score: 55, hasHypothesis: 'true' });
      expect(await client().getIssueProperty('OL-1', ISSUE_PROPERTY_KEY)).toEqual({
        score: 55,
        hasHypothesis: 'true',
      });
      await client().deleteIssueProperty('OL-1', ISSUE_PROPERTY_KEY);
      expect(await client().getIssueProperty('OL-1', ISSUE_PROPERTY_KEY)).toBeNull();
    });
  });

  it('tells a missing property (null) from a missing issue (NotFoundError)', async () => {
    const error = await failure(
      wb.asUser(USERS.member, () => JiraClient.asUser().getIssueProperty('OL-999', ISSUE_PROPERTY_KEY)),
    );
    expect(error).toBeInstanceOf(NotFoundError);
  });

  it('maps a denied asUser write to NotAuthorizedError and leaves the data unchanged', async () => {
    wb.jira.store.setIssueProperty('OL-1', ISSUE_PROPERTY_KEY, { score: 10 });
    const error = await failure(
      wb.asUser(USERS.viewer, () =>
        JiraClient.asUser().setIssueProperty('OL-1', ISSUE_PROPERTY_KEY, { score: 99 }),
      ),
    );
    expect(error).toBeInstanceOf(NotAuthorizedError);
    expect(wb.jira.store.getIssueProperty('OL-1', ISSUE_PROPERTY_KEY)).toEqual({ score: 10 });
  });

  it('sets properties on many issues in one bulk call and waits for its task', async () => {
    for (let i = 0; i < 3; i++) wb.jira.store.createIssue(anIssue());
    const issues = ['OL-1', 'OL-2', 'OL-3', 'OL-4'].map((k) => wb.jira.store.getIssue(k)!);
    const result = await wb.asSystem(async () => {
      const jira = JiraClient.asApp();
      const taskId = await jira.submitIssuePropertiesBulk(
        issues.map((issue, i) => ({ issueId: issue.id, properties: { [ISSUE_PROPERTY_KEY]: { score: i } } })),
      );
      return jira.waitForTask(taskId!);
    });
    expect(result.finished).toBe(true);
    expect(result.task?.status).toBe('COMPLETE');
    expect(issues.map((i) => wb.jira.store.getIssueProperty(i.key, ISSUE_PROPERTY_KEY))).toEqual([
      { score: 0 },
      { score: 1 },
      { score: 2 },
      { score: 3 },
    ]);
  });

  it('refuses a bulk property set over 100 issues before sending anything', async () => {
    const before = wb.jira.calls.length;
    const entries = Array.from({ length: 101 }, (_, i) => ({ issueId: 10_000 + i, properties: { x: 1 } }));
    const error = await failure(wb.asSystem(() => JiraClient.asApp().submitIssuePropertiesBulk(entries)));
    expect(error).toBeInstanceOf(ValidationError);
    expect(wb.jira.calls.length).toBe(before);
  });

  it('adds and removes labels', async () => {
    await wb.asUser(USERS.member, () =>
      JiraClient.asUser().editLabels('OL-1', { add: ['zombie-candidate'], remove: ['checkout'] }),
    );
    expect(wb.jira.store.getIssue('OL-1')!.labels).toEqual(['zombie-candidate']);
  });

  it('adds an ADF comment', async () => {
    const doc = {
      type: 'doc',
      version: 1,
      content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Flagged as a zombie.' }] }],
    };
    const { id } = await wb.asSystem(() => JiraClient.asApp().addComment('OL-1', doc));
    expect(id).toMatch(/^\d+$/);
    const issue = wb.jira.store.getIssue('OL-1')!;
    expect(wb.jira.store.listComments(issue.id).map((c) => c.body)).toEqual([doc]);
  });

  describe('a comment sent once (addCommentOnce)', () => {
    const doc = {
      type: 'doc',
      version: 1,
      content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Sent to kill review.' }] }],
    };
    const texts = () => wb.jira.store.listComments(wb.jira.store.getIssue('OL-1')!.id).length;
    const send = (attempts = 3) =>
      wb.asSystem(() =>
        addCommentOnce(JiraClient.asApp(), 'OL-1', doc, { attempts, baseDelayMs: 1, now: new Date() }),
      );

    it('takes the comment Jira made before its gateway answered 502 as made, and sends no second', async () => {
      wb.jira.faults.inject({ kind: 'server-error', status: 502, applied: true, times: 1 });
      const { id } = await send();
      expect(texts()).toBe(1);
      expect(wb.jira.store.listComments(wb.jira.store.getIssue('OL-1')!.id)[0]!.id).toBe(Number(id));
    });

    it('sends again after a 500 that made nothing, though the same words were commented earlier', async () => {
      wb.jira.store.addComment('OL-1', {
        author: USERS.member,
        body: doc,
        created: '2026-01-06T10:00:00.000Z',
      });
      wb.jira.faults.inject({ kind: 'server-error', status: 500, times: 1 });
      await send();
      expect(texts()).toBe(2);
    });

    it('does not send again after a gateway 502 with no comment found: Jira may still be making it', async () => {
      wb.jira.faults.inject({ kind: 'server-error', status: 502, times: 1 });
      expect(await failure(send())).toBeInstanceOf(CommentUnsureError);
      expect(wb.jira.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/comment'))).toHaveLength(1);
      expect(texts()).toBe(0);
    });

    it('throws a refusal without looking, and a 500 that lasts after its tries', async () => {
      wb.jira.faults.inject({ kind: 'refused', message: 'Comments are closed.', times: 1 });
      expect(await failure(send())).toBeInstanceOf(ValidationError);
      wb.jira.faults.inject({ kind: 'server-error', status: 500, match: { method: 'POST' } });
      expect(await failure(send(2))).toBeInstanceOf(JiraHttpError);
      // Nor is it sent again when the comments cannot be read to tell.
      wb.jira.faults.clear();
      wb.jira.faults.inject({ kind: 'server-error', status: 500 });
      expect(await failure(send(2))).toBeInstanceOf(CommentUnsureError);
      wb.jira.faults.clear();
      expect(texts()).toBe(0);
    });
  });

  it('lists transitions and moves the issue to done with a resolution', async () => {
    const transitions = await wb.asUser(USERS.member, () => JiraClient.asUser().getTransitions('OL-1'));
    const done = transitions.find((t) => t.to?.statusCategory?.key === 'done');
    expect(done).toBeDefined();
    await wb.asUser(USERS.member, () =>
      JiraClient.asUser().transitionIssue('OL-1', done!.id, { resolutionName: "Won't Do" }),
    );
    const issue = wb.jira.store.getIssue('OL-1')!;
    expect(issue.statusCategory).toBe('done');
    expect(issue.resolution).toBe("Won't Do");
  });
});

describe('permissions, answered by Jira', () => {
  beforeEach(() => {
    wb.jira.store.createIssue(anIssue());
  });

  it('reports what the current user may do in a project, and nothing for one they cannot see', async () => {
    const rightsOf = (user: string, projectKey = PROJECT_KEY) =>
      wb.asUser(user, () => projectRights(projectKey));
    expect(await rightsOf(USERS.member)).toEqual({
      browse: true,
      edit: true,
      transition: true,
      admin: false,
    });
    expect(await rightsOf(USERS.admin)).toEqual({ browse: true, edit: true, transition: true, admin: true });
    const none = { browse: false, edit: false, transition: false, admin: false };
    expect(await rightsOf(USERS.outsider)).toEqual(none);
    expect(await rightsOf(USERS.member, 'NOSUCH')).toEqual(none);
  });

  it('returns a boolean per asked permission', async () => {
    const answer = await wb.asUser(USERS.viewer, () =>
      JiraClient.asUser().myPermissions({ projectKey: PROJECT_KEY }, ['BROWSE_PROJECTS', 'EDIT_ISSUES']),
    );
    expect(answer).toEqual({ BROWSE_PROJECTS: true, EDIT_ISSUES: false });
  });

  it('checks another account in bulk as the app', async () => {
    const projectId = wb.jira.store.getProject(PROJECT_KEY)!.id;
    const issueId = wb.jira.store.getIssue('OL-1')!.id;
    const result = await wb.asSystem(() =>
      JiraClient.asApp().checkPermissions(USERS.viewer, [
        { permissions: ['BROWSE_PROJECTS', 'EDIT_ISSUES'], projectIds: [projectId], issueIds: [issueId] },
      ]),
    );
    const byPermission = Object.fromEntries(result.projectPermissions.map((p) => [p.permission, p]));
    expect(byPermission.BROWSE_PROJECTS).toMatchObject({ projects: [projectId], issues: [issueId] });
    expect(byPermission.EDIT_ISSUES).toMatchObject({ projects: [], issues: [] });
  });
});

describe('failures become typed errors', () => {
  beforeEach(() => {
    wb.jira.store.createIssue(anIssue());
  });

  it('turns 429 with Retry-After into JiraRateLimitError.retryAfterMs', async () => {
    wb.jira.faults.inject({ kind: 'rate-limit', retryAfterSeconds: 7, times: 1 });
    const error = await failure(wb.asSystem(() => JiraClient.asApp().getIssue('OL-1')));
    expect(error).toBeInstanceOf(JiraRateLimitError);
    expect((error as JiraRateLimitError).retryAfterMs).toBe(7000);
  });

  it('reads Retry-After as seconds, as an HTTP date, or falls back to 5 s', () => {
    const now = Date.parse('2026-03-01T12:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Sun, 01 Mar 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter(null, now)).toBe(5000);
    expect(parseRetryAfter('soon', now)).toBe(5000);
  });

  it('turns a 5xx into JiraHttpError, which withRetry retries a bounded number of times', async () => {
    wb.jira.faults.inject({ kind: 'server-error', status: 503, times: 2 });
    const error = await failure(wb.asSystem(() => JiraClient.asApp().getIssue('OL-1')));
    expect(error).toBeInstanceOf(JiraHttpError);
    expect((error as JiraHttpError).status).toBe(503);

    const issue = await wb.asSystem(() =>
      withRetry(() => JiraClient.asApp().getIssue('OL-1'), { attempts: 3, baseDelayMs: 1 }),
    );
    expect(issue.key).toBe('OL-1');

    wb.jira.faults.inject({ kind: 'server-error', status: 500 });
    const callsBefore = wb.jira.calls.length;
    await expect(
      wb.asSystem(() =>
        withRetry(() => JiraClient.asApp().getIssue('OL-1'), { attempts: 3, baseDelayMs: 1 }),
      ),
    ).rejects.toBeInstanceOf(JiraHttpError);
    expect(wb.jira.calls.length - callsBefore).toBe(3);
  });

  it('turns a 400 into ValidationError carrying Jira’s messages', async () => {
    const error = await failure(
      wb.asUser(USERS.member, () => JiraClient.asUser().transitionIssue('OL-1', '999')),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toMatch(/999/);
  });

  it('asUser() without a user in the invocation is NotAuthorizedError', async () => {
    const error = await failure(wb.asSystem(() => JiraClient.asUser().getIssue('OL-1')));
    expect(error).toBeInstanceOf(NotAuthorizedError);
  });

  it('maps each typed error to a UI answer and never leaks an unknown error', async () => {
    wb.jira.faults.inject({ kind: 'server-error', status: 502, times: 1 });
    const jiraDown = await failure(wb.asSystem(() => JiraClient.asApp().getIssue('OL-1')));
    expect(toErrorAnswer(jiraDown)).toEqual({
      code: 'JIRA_ERROR',
      message: 'Jira could not complete the request (HTTP 502). Please try again.',
    });
    expect(toErrorAnswer(new JiraRateLimitError(3000))).toEqual({
      code: 'RATE_LIMITED',
      message:
        'Jira is limiting how often the app may call it on this site. Nothing was lost; try again in 3 seconds.',
    });
    // An hour's quota spent: said in minutes, not as "retry in 3096 s".
    expect(toErrorAnswer(new JiraRateLimitError(3_096_000)).message).toMatch(
      /try again in about 52 minutes\.$/,
    );
    expect(toErrorAnswer(new JiraRateLimitError(60_000)).message).toMatch(/try again in about a minute\.$/);
    expect(toErrorAnswer(new ValidationError('Bad.', { name: 'Required.' }))).toEqual({
      code: 'VALIDATION',
      message: 'Bad.',
      fields: { name: 'Required.' },
    });
    const leaky = toErrorAnswer(new TypeError('secret at /srv/app/index.js:12 token=abc'));
    expect(leaky.code).toBe('INTERNAL');
    expect(leaky.message).not.toMatch(/secret|token|index\.js/);
    expect(toErrorAnswer('a thrown string').code).toBe('INTERNAL');
  });

  it('still parses an answer that carries fields it has never seen', async () => {
    // A Jira that adds fields to its answers: the emulator's reply gets extra keys at several levels.
    const jira = wb.jira;
    const original = jira.handle.bind(jira);
    jira.handle = async (req) => {
      const res = await original(req);
      if (!res.body) return res;
      const body = JSON.parse(res.body) as Record<string, unknown>;
      const fields = body.fields as Record<string, unknown> | undefined;
      const enriched = {
        ...body,
        brandNewTopLevel: { nested: true },
        ...(fields
          ? {
              fields: {
                ...fields,
                customfield_99999: 'new',
                status: { ...(fields.status as object), color: 'green' },
              },
            }
          : {}),
      };
      return { ...res, body: JSON.stringify(enriched) };
    };
    const issue = await wb.asSystem(() => JiraClient.asApp().getIssue('OL-1', { fields: FIELDS }));
    expect(issue.key).toBe('OL-1');
    expect(issue.fields.status?.name).toBe('To Do');
    expect((issue.fields as Record<string, unknown>).customfield_99999).toBe('new');
  });
});
