/**
 * The workflow entry gate: the manifest's `jira:workflowValidator` expression, read from manifest.yml and
 * evaluated by the workbench on transitions into "In Progress", against what the issue panel stored.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Answer } from '../../src/contract/answer';
import { ISSUE_PANEL_RESOLVERS, type PanelSaveData } from '../../src/contract/issue-panel';
import { ISSUE_PROPERTY_KEY } from '../../src/domain/issue-lens';
import type { IssueLensDraft } from '../../src/domain/schemas';
import { createWorkbenchApp, type WorkbenchApp } from '../../workbench/app';
import {
  JiraExpressionError,
  configureWorkflowValidator,
  evaluateJiraExpression,
  manifestValidators,
} from '../../workbench/jira/expression';
import { aBetDraft } from '../support/builders';

const GATE = 'outcome-lens-entry-gate';
const GATE_PROPERTY = 'outcome-lens-gate';
const PANEL = 'outcome-lens-issue-panel';
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
    expect(r.status).toBe(400);
    expect(r.message).toMatch(/^Outcome Lens: this issue has no hypothesis yet\./);
    expect(r.statusName).toBe('To Do');
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
    expect(r.status).toBe(400);
    expect(r.message).toBe(
      `Outcome Lens: the outcome-linkage score is ${score}, under this project's threshold of 40. The panel shows how to raise it.`,
    );
  });

  it('lets a framed bet with a high enough score through', async () => {
    expect(await saveLens(aBetDraft())).toBeGreaterThanOrEqual(40);
    const r = await transition('DEMO-1', IN_PROGRESS);
    expect(r.status).toBe(204);
    expect(r.statusName).toBe('In Progress');
  });

  it('uses the threshold the project settings wrote', async () => {
    const score = await saveLens(aBetDraft());
    app.jira.store.setProjectProperty('DEMO', GATE_PROPERTY, {
      enabled: true,
      threshold: score + 1,
      requireHypothesis: true,
    });
    const r = await transition('DEMO-1', IN_PROGRESS);
    expect(r.status).toBe(400);
    expect(r.message).toContain(`threshold of ${score + 1}`);
  });

  it('lets everything through when the project turned the gate off', async () => {
    app.jira.store.setProjectProperty('DEMO', GATE_PROPERTY, {
      enabled: false,
      threshold: 40,
      requireHypothesis: true,
    });
    expect((await transition('DEMO-1', IN_PROGRESS)).status).toBe(204);
  });

  it('skips the hypothesis check when the project does not require one, but still checks the score', async () => {
    app.jira.store.setProjectProperty('DEMO', GATE_PROPERTY, {
      enabled: true,
      threshold: 10,
      requireHypothesis: false,
    });
    app.jira.store.setIssueProperty('DEMO-1', ISSUE_PROPERTY_KEY, { hasHypothesis: 'false', score: 9 });
    expect((await transition('DEMO-1', IN_PROGRESS)).message).toContain('score is 9, under this project');
    app.jira.store.setIssueProperty('DEMO-1', ISSUE_PROPERTY_KEY, { hasHypothesis: 'false', score: 10 });
    expect((await transition('DEMO-1', IN_PROGRESS)).status).toBe(204);
  });

  it('answers with the module’s errorMessage when the stored values cannot be evaluated', async () => {
    app.jira.store.setProjectProperty('DEMO', GATE_PROPERTY, { enabled: true, requireHypothesis: true });
    app.jira.store.setIssueProperty('DEMO-1', ISSUE_PROPERTY_KEY, { hasHypothesis: 'true', score: 50 });
    const r = await transition('DEMO-1', IN_PROGRESS);
    expect(r.status).toBe(400);
    expect(r.message).toBe(manifestValidators().find((v) => v.key === GATE)!.errorMessage);
  });

  it('does not gate other transitions, nor projects where the validator is not configured', async () => {
    expect((await transition('DEMO-1', DONE)).status).toBe(204);
    expect((await transition('FREE-1', IN_PROGRESS)).status).toBe(204);
  });
});

describe('the Jira expression evaluator', () => {
  it('evaluates the exact expression string of manifest.yml', () => {
    const manifest = parseYaml(fs.readFileSync(path.join(__dirname, '../../manifest.yml'), 'utf8')) as {
      modules: Record<string, Array<{ key: string; expression: string }>>;
    };
    const expression = manifest.modules['jira:workflowValidator']!.find((v) => v.key === GATE)!.expression;
    expect(manifestValidators().find((v) => v.key === GATE)!.expression).toBe(expression);
    const ctx = (lens: unknown, gate: unknown = null) => ({
      issue: { properties: { 'outcome-lens': lens } },
      project: { properties: { 'outcome-lens-gate': gate } },
    });
    expect(evaluateJiraExpression(expression, ctx({ hasHypothesis: 'true', score: 40 }))).toBe(true);
    expect(evaluateJiraExpression(expression, ctx({ hasHypothesis: 'true', score: 39 }))).toMatch(
      /score is 39/,
    );
    expect(evaluateJiraExpression(expression, ctx(null, { enabled: false }))).toBe(true);
  });

  it('binds && tighter than ?:, short-circuits, and concatenates strings with numbers', () => {
    expect(evaluateJiraExpression('a != null && a.x == 1 ? "yes" : "no"', { a: null })).toBe('no');
    expect(evaluateJiraExpression('a != null && a.x == 1 ? "yes" : "no"', { a: { x: 1 } })).toBe('yes');
    expect(evaluateJiraExpression("'score ' + (n == null ? 0 : n) + '!'", { n: 7 })).toBe('score 7!');
    expect(evaluateJiraExpression('1 + 2 * 3 < 8 && !(2 >= 3)', {})).toBe(true);
  });

  it('refuses to read a member of null and unknown syntax, as Jira does', () => {
    expect(() => evaluateJiraExpression('a.b', { a: null })).toThrow(JiraExpressionError);
    expect(() => evaluateJiraExpression('1 +', {})).toThrow(JiraExpressionError);
    expect(() => evaluateJiraExpression('x < 1', { x: null })).toThrow(JiraExpressionError);
  });
});
