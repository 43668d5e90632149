/**
 * The workflow entry gate: the manifest's function-backed `jira:workflowValidator`, run by the workbench on
 * transitions into "In Progress" as Jira runs it (as the app, with `{ issue, transition }`). It decides from the
 * stored hypothesis re-scored with the project's settings, so a value anyone can PUT into the property proves
 * nothing.
 */
import type { Answer } from '../../src/contract/answer';
import { ISSUE_PANEL_RESOLVERS, type PanelSaveData } from '../../src/contract/issue-panel';
import type { SettingsData } from '../../src/contract/settings';
import { ISSUE_PROPERTY_KEY } from '../../src/domain/issue-lens';
import type { IssueLensDraft } from '../../src/domain/schemas';
import { GATE_MESSAGES } from '../../src/gate/entry-gate';
import { createWorkbenchApp, type WorkbenchApp } from '../../workbench/app';
import { configureWorkflowValidator, manifestValidators } from '../../workbench/jira/workflow-validators';
import { aBetDraft } from '../support/builders';

const GATE = 'outcome-lens-entry-gate';
const PANEL = 'outcome-lens-issue-panel';
const SETTINGS = 'outcome-lens-settings';
const IN_PROGRESS = '21';
const DONE = '31';

let app: WorkbenchApp;

beforeEach(() => {
  app = createWorkbenchApp({ dataFile: ':memory:' });
  const s = app.jira.store;
  s.createProject({ key: 'DEMO', name: 'Demo' });
  app.grantDemoRoles('DEMO');
  s.createProject({ key: 'FREE', name: 'No gate' });
  app.grantDemoRoles('FREE');
  s.createIssue({ key: 'DEMO-1', summary: 'Shoppers lose their cart when they leave' });
  s.createIssue({ key: 'FREE-1', summary: 'Anything goes here' });
  configureWorkflowValidator(s, 'DEMO', 'In Progress', GATE);
});
afterEach(() => app.close());

async function saveLens(draft: IssueLensDraft, issueKey = 'DEMO-1'): Promise<number> {
  const answer = (await app.invoke(
    PANEL,
    ISSUE_PANEL_RESOLVERS.save,
    { version: 0, draft },
    { user: 'member', issueKey },
  )) as Answer<PanelSaveData>;
  if (!answer.ok) throw new Error(answer.error.message);
  return answer.data.score;
}

/** What an admin does on the settings page. */
async function setGate(gate: { enabled: boolean; threshold: number; requireHypothesis: boolean }) {
  const loaded = (await app.invoke(
    SETTINGS,
    'load',
    {},
    { user: 'admin', projectKey: 'DEMO' },
  )) as Answer<SettingsData>;
  if (!loaded.ok) throw new Error(loaded.error.message);
  const saved = (await app.invoke(
    SETTINGS,
    'save',
    { version: loaded.data.version, settings: { ...loaded.data.settings, entryGate: gate } },
    { user: 'admin', projectKey: 'DEMO' },
  )) as Answer<SettingsData>;
  if (!saved.ok) throw new Error(saved.error.message);
}

/** Any editor can write the issue property over REST, bypassing the panel. */
async function putPropertyAsMember(value: unknown) {
  const res = await app.jira.handle({
    method: 'PUT',
    path: `/rest/api/3/issue/DEMO-1/properties/${ISSUE_PROPERTY_KEY}`,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(value),
    actor: { type: 'user', accountId: app.accountIdOf('member') },
  });
  expect(res.status).toBeLessThan(300);
}

async function transition(issueKey: string, transitionId: string) {
  const res = await app.jira.handle({
    method: 'POST',
    path: `/rest/api/3/issue/${issueKey}/transitions`,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ transition: { id: transitionId } }),
    actor: { type: 'user', accountId: app.accountIdOf('member') },
  });
  const body = res.body ? (JSON.parse(res.body) as { errorMessages?: string[] }) : {};
  return {
    status: res.status,
    message: (body.errorMessages ?? []).join(' '),
    statusName: app.jira.store.getIssue(issueKey)!.statusName,
  };
}

describe('the entry gate on transitions into In Progress', () => {
  it('blocks an issue with nothing stored, saying the hypothesis is missing', async () => {
    const r = await transition('DEMO-1', IN_PROGRESS);
    expect(r).toEqual({ status: 400, message: GATE_MESSAGES.noHypothesis, statusName: 'To Do' });
  });

  it('blocks an incomplete hypothesis and names the missing parts', async () => {
    await saveLens(aBetDraft({ hypothesis: { persona: 'shopper' } }));
    const r = await transition('DEMO-1', IN_PROGRESS);
    expect(r.status).toBe(400);
    expect(r.message).toContain('Fill in persona, intent and benefit');
  });

  it('blocks a complete hypothesis whose score is under the default threshold of 40, quoting the score', async () => {
    const score = await saveLens({ hypothesis: aBetDraft().hypothesis, expected: {}, killCriteria: {} });
    expect(score).toBeLessThan(40);
    const r = await transition('DEMO-1', IN_PROGRESS);
    expect(r).toEqual({ status: 400, message: GATE_MESSAGES.belowThreshold(score, 40), statusName: 'To Do' });
  });

  it('lets a framed bet with a high enough score through', async () => {
    expect(await saveLens(aBetDraft())).toBeGreaterThanOrEqual(40);
    const r = await transition('DEMO-1', IN_PROGRESS);
    expect(r).toEqual({ status: 204, message: '', statusName: 'In Progress' });
  });

  it('uses the threshold saved on the settings page', async () => {
    const score = await saveLens(aBetDraft());
    await setGate({ enabled: true, threshold: score + 1, requireHypothesis: true });
    const r = await transition('DEMO-1', IN_PROGRESS);
    expect(r.status).toBe(400);
    expect(r.message).toContain(`threshold of ${score + 1}`);
  });

  it('lets everything through when the project turned the gate off', async () => {
    await setGate({ enabled: false, threshold: 40, requireHypothesis: true });
    expect((await transition('DEMO-1', IN_PROGRESS)).status).toBe(204);
  });

  it('skips the hypothesis check when the project does not require one, but still checks the score', async () => {
    await setGate({ enabled: true, threshold: 100, requireHypothesis: false });
    const r = await transition('DEMO-1', IN_PROGRESS);
    expect(r.status).toBe(400);
    expect(r.message).toMatch(/score is \d+, under this project's threshold of 100/);
  });

  it('does not gate other transitions, nor projects where the validator is not configured', async () => {
    expect((await transition('DEMO-1', DONE)).status).toBe(204);
    expect((await transition('FREE-1', IN_PROGRESS)).status).toBe(204);
  });
});

describe('the entry gate on a delivered item, or on the close', () => {
  it('lets a delivered bet with no result yet be reopened when its framing meets the threshold', async () => {
    const score = await saveLens(aBetDraft());
    await setGate({ enabled: true, threshold: score, requireHypothesis: true });
    // Delivered, and no result recorded yet: the panel's score now counts the missing evidence.
    app.jira.store.updateIssueFields(app.jira.store.getIssue('DEMO-1')!.id, {
      statusName: 'Done',
      statusCategory: 'done',
      resolution: 'Done',
    });
    const r = await transition('DEMO-1', IN_PROGRESS);
    expect(r).toEqual({ status: 204, message: '', statusName: 'In Progress' });
  });

  it('does not ask for a result on the transition that delivers the item', async () => {
    configureWorkflowValidator(app.jira.store, 'DEMO', 'Done', GATE);
    const score = await saveLens(aBetDraft());
    await setGate({ enabled: true, threshold: score, requireHypothesis: true });
    const r = await transition('DEMO-1', DONE);
    expect(r).toEqual({ status: 204, message: '', statusName: 'Done' });
  });
});

describe('a gate that cannot be forged', () => {
  it('does not pass a property a member PUT over REST claiming a full score and a hypothesis', async () => {
    await putPropertyAsMember({ score: 100, hasHypothesis: 'true', version: 7 });
    const r = await transition('DEMO-1', IN_PROGRESS);
    expect(r).toEqual({ status: 400, message: GATE_MESSAGES.incomplete, statusName: 'To Do' });
  });

  it('re-scores a real hypothesis instead of believing the score stored beside it', async () => {
    await putPropertyAsMember({
      score: 100,
      hasHypothesis: 'true',
      hypothesis: aBetDraft().hypothesis,
    });
    const r = await transition('DEMO-1', IN_PROGRESS);
    expect(r.status).toBe(400);
    expect(r.message).toMatch(/score is (\d|[1-3]\d), under this project's threshold of 40/);
  });

  it('cannot be switched off by writing a project property', async () => {
    const res = await app.jira.handle({
      method: 'PUT',
      path: '/rest/api/3/project/DEMO/properties/outcome-lens-gate',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ enabled: false, threshold: 0, requireHypothesis: false }),
      actor: { type: 'user', accountId: app.accountIdOf('admin') },
    });
    expect(res.status).toBeLessThan(300);
    expect((await transition('DEMO-1', IN_PROGRESS)).status).toBe(400);
  });

  it('blocks with a clear message, and moves nothing, when it cannot read the issue', async () => {
    await saveLens(aBetDraft());
    app.jira.faults.inject({ kind: 'server-error', match: { method: 'GET', pathIncludes: '/properties/' } });
    const r = await transition('DEMO-1', IN_PROGRESS);
    expect(r).toEqual({ status: 400, message: GATE_MESSAGES.unavailable, statusName: 'To Do' });
  });

  it('says the app cannot see an issue whose security level leaves it out, and what an admin can do', async () => {
    const level = app.jira.store.createSecurityLevel({
      name: 'Team only',
      accountIds: [app.accountIdOf('member'), app.accountIdOf('admin')],
    }).name;
    const key = app.jira.store.createIssue({
      projectKey: 'DEMO',
      summary: 'Shoppers lose their cart when they leave',
      securityLevel: level,
    }).key;
    await saveLens(aBetDraft(), key);
    const r = await transition(key, IN_PROGRESS);
    // Not "try again in a moment": trying again cannot help.
    expect(r).toEqual({ status: 400, message: GATE_MESSAGES.hidden, statusName: 'To Do' });
    expect(GATE_MESSAGES.hidden).toContain('atlassian-addons-project-access');
  });
});

describe('a gate that is off, or Jira that is busy', () => {
  it('lets a transition through without asking Jira when the gate is off, even while Jira answers 429', async () => {
    await setGate({ enabled: false, threshold: 40, requireHypothesis: true });
    app.jira.faults.inject({
      kind: 'rate-limit',
      retryAfterSeconds: 30,
      match: { method: 'GET', pathIncludes: '/issue/DEMO-1' },
    });
    const mark = app.jira.calls.length;
    const r = await transition('DEMO-1', IN_PROGRESS);
    expect(r).toEqual({ status: 204, message: '', statusName: 'In Progress' });
    // Only the person's own transition reached Jira: the switched-off gate made no call as the app.
    expect(app.jira.calls.slice(mark).filter((c) => c.method === 'GET')).toEqual([]);
  });

  it('lets a transition through when the gate is off and Jira fails every read', async () => {
    await setGate({ enabled: false, threshold: 40, requireHypothesis: true });
    app.jira.faults.inject({ kind: 'server-error', status: 503, match: { method: 'GET' } });
    expect((await transition('DEMO-1', IN_PROGRESS)).status).toBe(204);
  });

  it('reads the issue once more after a passing 5xx instead of refusing the transition', async () => {
    await saveLens(aBetDraft());
    app.jira.faults.inject({
      kind: 'server-error',
      status: 502,
      times: 1,
      match: { method: 'GET', pathIncludes: '/issue/DEMO-1' },
    });
    const r = await transition('DEMO-1', IN_PROGRESS);
    expect(r).toEqual({ status: 204, message: '', statusName: 'In Progress' });
  });

  it('still refuses, with the clear message, when the gate is on and Jira keeps answering 429', async () => {
    await saveLens(aBetDraft());
    app.jira.faults.inject({
      kind: 'rate-limit',
      retryAfterSeconds: 30,
      match: { method: 'GET', pathIncludes: '/issue/DEMO-1' },
    });
    const r = await transition('DEMO-1', IN_PROGRESS);
    expect(r).toEqual({ status: 400, message: GATE_MESSAGES.unavailable, statusName: 'To Do' });
  });
});

describe('validators in the workbench', () => {
  it('reads the gate from manifest.yml as a function-backed validator', () => {
    expect(manifestValidators().map((v) => v.key)).toEqual([GATE]);
  });
});
