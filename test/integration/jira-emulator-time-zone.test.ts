/**
 * Jira renders the date-times of an issue (created, updated, resolutiondate, statuscategorychangedate, its
 * comments and changelog) in the calling account's time zone, with that zone's offset: the app's account in the
 * site's default user time zone, a person in theirs (workbench/jira/routes/common.ts, jiraTime).
 */
import { openDatabase } from '../../workbench/db';
import { JiraEmulator } from '../../workbench/jira/emulator';
import { jiraTime } from '../../workbench/jira/routes/common';
import { ContractChecker } from '../../workbench/jira/openapi';
import { PROJECT_PERMISSIONS, type JiraActor } from '../../workbench/jira/types';

const app: JiraActor = { type: 'app' };
const ada: JiraActor = { type: 'user', accountId: 'acc-ada' };
const RESOLVED = '2026-11-30T20:30:00.000Z';

function aWorld() {
  const contract = ContractChecker.fromSpecFile();
  const jira = new JiraEmulator(openDatabase(':memory:'), {
    contract,
    now: () => new Date('2026-12-02T00:00:00.000Z'),
  });
  const s = jira.store;
  s.upsertUser({ accountId: 'acc-ada', displayName: 'Ada' });
  s.createProject({ key: 'OL', name: 'Outcome Lens', leadAccountId: 'acc-ada' });
  s.grant('OL', 'acc-ada', PROJECT_PERMISSIONS);
  const { key } = s.createIssue({
    projectKey: 'OL',
    summary: 'Pay on the phone',
    type: 'Story',
    status: 'Done',
    statusCategory: 'done',
    resolution: 'Done',
    created: '2026-07-01T00:15:00.000Z',
    updated: RESOLVED,
    resolutionDate: RESOLVED,
  });
  s.addComment(key, { author: 'acc-ada', body: 'Shipped', created: RESOLVED });
  s.addChangelog(key, {
    author: 'acc-ada',
    created: RESOLVED,
    items: [{ field: 'resolution', fieldtype: 'jira', to: '10000', toString: 'Done' }],
  });
  return { jira, contract, key };
}

async function call(jira: JiraEmulator, actor: JiraActor, method: string, path: string, body?: unknown) {
  const res = await jira.handle({
    method,
    path: `/rest/api/3${path}`,
    actor,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(res.status).toBe(200);
  // Read as loose JSON: the assertions are the type check.
  return JSON.parse(res.body) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** The date-times of one issue as the account sees them, from GET issue and from a search. */
async function timesSeenBy(actor: JiraActor, zone: { site: string; ada?: string }) {
  const { jira, contract, key } = aWorld();
  jira.store.setSiteTimeZone(zone.site);
  if (zone.ada) jira.store.setUserTimeZone('acc-ada', zone.ada);
  const issue = await call(jira, actor, 'GET', `/issue/${key}?expand=changelog`);
  const found = await call(jira, actor, 'POST', '/search/jql', {
    jql: 'project = OL',
    fields: ['created', 'updated', 'resolutiondate', 'statuscategorychangedate'],
  });
  const comments = await call(jira, actor, 'GET', `/issue/${key}/comment`);
  const changelogs = await call(jira, actor, 'POST', '/changelog/bulkfetch', { issueIdsOrKeys: [key] });
  expect(contract.violations).toEqual([]);
  const f = issue.fields;
  // The comment and changelog endpoints of their own say the same as the issue.
  expect(comments.comments[0].created).toBe(f.comment.comments[0].created);
  expect(changelogs.issueChangeLogs[0].changeHistories[0].created).toBe(issue.changelog.histories[0].created);
  const searched = found.issues[0].fields;
  for (const name of ['created', 'updated', 'resolutiondate', 'statuscategorychangedate'])
    expect([name, searched[name]]).toEqual([name, f[name]]);
  return {
    created: f.created as string,
    updated: f.updated as string,
    resolutiondate: f.resolutiondate as string,
    comment: f.comment.comments[0].created as string,
    history: issue.changelog.histories[0].created as string,
  };
}

describe('Jira emulator: date-times in the calling account’s time zone', () => {
  it('renders them for the app in the site’s zone, with the offset of each instant (summer time or not)', async () => {
    const seen = await timesSeenBy(app, { site: 'Pacific/Auckland' });
    expect(seen).toEqual({
      created: '2026-07-01T12:15:00.000+1200',
      updated: '2026-12-01T09:30:00.000+1300',
      resolutiondate: '2026-12-01T09:30:00.000+1300',
      comment: '2026-12-01T09:30:00.000+1300',
      history: '2026-12-01T09:30:00.000+1300',
    });
    // The same instants.
    expect(Date.parse(seen.resolutiondate)).toBe(Date.parse(RESOLVED));
    expect(Date.parse(seen.created)).toBe(Date.parse('2026-07-01T00:15:00.000Z'));
  });

  it('renders them for a person in their own zone, else the site’s', async () => {
    const own = await timesSeenBy(ada, { site: 'Pacific/Auckland', ada: 'America/St_Johns' });
    expect(own.resolutiondate).toBe('2026-11-30T17:00:00.000-0330');
    expect(own.created).toBe('2026-06-30T21:45:00.000-0230');
    const site = await timesSeenBy(ada, { site: 'Pacific/Honolulu' });
    expect(site.resolutiondate).toBe('2026-11-30T10:30:00.000-1000');
  });

  it('renders them as before on a site in UTC', async () => {
    const seen = await timesSeenBy(app, { site: 'UTC' });
    expect(seen.resolutiondate).toBe('2026-11-30T20:30:00.000+0000');
    expect(seen.created).toBe('2026-07-01T00:15:00.000+0000');
    expect(jiraTime(RESOLVED)).toBe('2026-11-30T20:30:00.000+0000');
    expect(jiraTime(RESOLVED, 'Etc/UTC')).toBe('2026-11-30T20:30:00.000+0000');
  });
});
