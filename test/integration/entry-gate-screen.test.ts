/**
 * The entry gate and the transition screen. A validator runs before the transition is made, so what the person
 * typed on the screen is not on the issue yet: Jira hands it to the function in `transition.modifiedFields`
 * (https://developer.atlassian.com/platform/forge/manifest-reference/modules/jira-workflow-validator/). The gate
 * must score the issue as it will be, and the workbench must pass what Jira passes.
 */
import type { Answer } from '../../src/contract/answer';
import { ISSUE_PANEL_RESOLVERS, type PanelSaveData } from '../../src/contract/issue-panel';
import type { SettingsData } from '../../src/contract/settings';
import type { IssueLensDraft } from '../../src/domain/schemas';
import { GATE_MESSAGES } from '../../src/gate/entry-gate';
import { createWorkbenchApp, type WorkbenchApp } from '../../workbench/app';
import { configureWorkflowValidator } from '../../workbench/jira/workflow-validators';
import { aBetDraft } from '../support/builders';
import { anOutcomeThroughPage } from '../support/project-page-app';

const GATE = 'outcome-lens-entry-gate';
const PANEL = 'outcome-lens-issue-panel';
const SETTINGS = 'outcome-lens-settings';
const IN_PROGRESS = '21';

const RECIPE_SUMMARY = 'Make the checkout button blue';
const PROBLEM_SUMMARY = 'Shoppers lose their cart when they leave';
const RECIPE = 'Make the button blue and put it top right. Use 14px font.';
const PROBLEM =
  'Shoppers who leave the site lose the items in their cart, so they give up and do not come back to buy.';

const adf = (text: string) => ({
  type: 'doc',
  version: 1,
  content: [{ type: 'paragraph', content: [{ type: 'text', text }] }],
});

let app: WorkbenchApp;

beforeEach(() => {
  app = createWorkbenchApp({ dataFile: ':memory:' });
  app.jira.store.createProject({ key: 'DEMO', name: 'Demo' });
  app.grantDemoRoles('DEMO');
  configureWorkflowValidator(app.jira.store, 'DEMO', 'In Progress', GATE);
});
afterEach(() => app.close());

function anIssue(summary: string, description: string | null): string {
  return app.jira.store.createIssue({ projectKey: 'DEMO', summary, description }).key;
}

async function saveLens(issueKey: string, draft: IssueLensDraft = aBetDraft()): Promise<number> {
  const answer = (await app.invoke(
    PANEL,
    ISSUE_PANEL_RESOLVERS.save,
    { version: 0, draft },
    { user: 'member', issueKey },
  )) as Answer<PanelSaveData>;
  if (!answer.ok) throw new Error(answer.error.message);
  return answer.data.score;
}

async function setThreshold(threshold: number) {
  const loaded = (await app.invoke(
    SETTINGS,
    'load',
    {},
    { user: 'admin', projectKey: 'DEMO' },
  )) as Answer<SettingsData>;
  if (!loaded.ok) throw new Error(loaded.error.message);
  const entryGate = { enabled: true, threshold, requireHypothesis: true };
  const saved = (await app.invoke(
    SETTINGS,
    'save',
    { version: loaded.data.version, settings: { ...loaded.data.settings, entryGate } },
    { user: 'admin', projectKey: 'DEMO' },
  )) as Answer<SettingsData>;
  if (!saved.ok) throw new Error(saved.error.message);
}

/** A person's transition over REST, with what they typed on the transition screen in `fields`. */
async function transition(issueKey: string, fields?: Record<string, unknown>) {
  const res = await app.jira.handle({
    method: 'POST',
    path: `/rest/api/3/issue/${issueKey}/transitions`,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ transition: { id: IN_PROGRESS }, ...(fields ? { fields } : {}) }),
    actor: { type: 'user', accountId: app.accountIdOf('member') },
  });
  const body = res.body ? (JSON.parse(res.body) as { errorMessages?: string[] }) : {};
  const issue = app.jira.store.getIssue(issueKey)!;
  return {
    status: res.status,
    message: (body.errorMessages ?? []).join(' '),
    statusName: issue.statusName,
    description: issue.description,
  };
}

/** Runs the gate as Jira's host does, with a payload a test writes (what the REST route never sends). */
function runGate(args: unknown) {
  return app.jira.validatorFunctions!(GATE, args as never);
}

const payload = (issueKey: string, modifiedFields: unknown) => ({
  issue: { key: issueKey },
  configuration: {},
  transition: { from: { id: '1' }, to: { id: '3' }, modifiedFields },
});

describe('the gate scores the issue as the transition screen leaves it', () => {
  it('lets a recipe through once the screen replaced its description with a problem statement', async () => {
    const key = anIssue(PROBLEM_SUMMARY, RECIPE);
    const recipeScore = await saveLens(key);
    await setThreshold(recipeScore + 1);
    // Without the screen's change the gate refuses: the threshold sits just above the recipe's score.
    expect((await transition(key)).status).toBe(400);

    const r = await transition(key, { description: adf(PROBLEM) });
    expect(r).toMatchObject({ status: 204, message: '', statusName: 'In Progress' });
    // The screen's description is what the issue has after the transition.
    expect(r.description).toEqual(adf(PROBLEM));
  });

  it('refuses a framed problem whose description the screen turned into a recipe, and changes nothing', async () => {
    const key = anIssue(PROBLEM_SUMMARY, PROBLEM);
    const problemScore = await saveLens(key);
    await setThreshold(problemScore);

    const r = await transition(key, { description: adf(RECIPE) });
    expect(r.status).toBe(400);
    expect(r.message).toMatch(
      new RegExp(
        `^Outcome Lens: the outcome-linkage score is \\d+, under this project's threshold of ${problemScore}\\.`,
      ),
    );
    expect(r).toMatchObject({ statusName: 'To Do', description: adf(PROBLEM) });
  });

  it('reads a summary changed on the screen, though Jira does not list summary among the fields it sends', async () => {
    const key = anIssue(RECIPE_SUMMARY, PROBLEM);
    const recipeScore = await saveLens(key);
    await setThreshold(recipeScore + 1);
    expect(await runGate(payload(key, {}))).toEqual({
      result: false,
      errorMessage: GATE_MESSAGES.belowThreshold(recipeScore, recipeScore + 1),
    });
    expect(await runGate(payload(key, { summary: PROBLEM_SUMMARY }))).toEqual({ result: true });
  });

  it('follows a parent set or removed on the screen, and the outcome link it lends', async () => {
    const outcomeId = await anOutcomeThroughPage(app);
    const epic = app.jira.store.createIssue({ projectKey: 'DEMO', type: 'Epic', summary: 'Checkout' }).key;
    await saveLens(epic, aBetDraft({ outcomeId }));
    const key = anIssue(PROBLEM_SUMMARY, PROBLEM);
    const unlinked = await saveLens(key);
    await setThreshold(unlinked + 1);
    const epicRef = {
      id: app.jira.store.getIssue(epic)!.id.toString(),
      key: epic,
      fields: { summary: 'Checkout' },
    };

    expect(await runGate(payload(key, { parent: epicRef }))).toEqual({ result: true });
    // And the reverse: the issue under the epic, the parent taken away on the screen.
    const child = app.jira.store.createIssue({
      projectKey: 'DEMO',
      summary: PROBLEM_SUMMARY,
      description: PROBLEM,
      parentKey: epic,
    }).key;
    await saveLens(child);
    expect(await runGate(payload(child, {}))).toEqual({ result: true });
    expect(await runGate(payload(child, { parent: null }))).toMatchObject({ result: false });
  });
});

describe('what the workbench passes the validator', () => {
  it('passes the issue, the configuration and the transition with the fields changed on its screen, as Jira does', async () => {
    const key = anIssue(PROBLEM_SUMMARY, RECIPE);
    await saveLens(key);
    const seen: unknown[] = [];
    const run = app.jira.validatorFunctions!;
    app.jira.validatorFunctions = (validatorKey, args) => {
      seen.push(args);
      return run(validatorKey, args);
    };
    const untouched = anIssue(PROBLEM_SUMMARY, PROBLEM);
    await saveLens(untouched);
    await transition(key, { description: adf(PROBLEM), summary: 'Shoppers keep their cart' });
    await transition(untouched);
    expect(seen).toHaveLength(2);
    const [first, second] = seen as Array<{ transition: { modifiedFields: Record<string, unknown> } }>;
    expect(first).toEqual({
      issue: { key },
      configuration: {},
      transition: {
        from: { id: expect.any(String) as string },
        to: { id: expect.any(String) as string },
        // Summary is not among the fields Jira's reference says it sends, so the workbench does not send it.
        modifiedFields: { description: adf(PROBLEM) },
      },
    });
    // Nothing typed on the screen: nothing modified.
    expect(second?.transition.modifiedFields).toEqual({});
    // The summary typed on the screen still lands with the transition.
    expect(app.jira.store.getIssue(key)!.summary).toBe('Shoppers keep their cart');
  });
});

describe('modified fields the gate cannot read', () => {
  it.each([
    ['a string', 'description'],
    ['a list', [{ description: adf(PROBLEM) }]],
    ['null', null],
    ['unreadable values', { description: 42, summary: ['x'], parent: 'DEMO-9' }],
    ['a description that is not a document', { description: { type: 'paragraph', content: [] } }],
    ['a blank summary', { summary: '   ' }],
    ['a parent without a key', { parent: { id: 'x', key: 'not a key' } }],
  ])('are ignored, and the issue is scored as stored, when they are %s', async (_what, modifiedFields) => {
    const key = anIssue(PROBLEM_SUMMARY, RECIPE);
    const recipeScore = await saveLens(key);
    await setThreshold(recipeScore + 1);
    expect(await runGate(payload(key, modifiedFields))).toEqual({
      result: false,
      errorMessage: GATE_MESSAGES.belowThreshold(recipeScore, recipeScore + 1),
    });
  });

  it('still uses a readable description beside unreadable fields', async () => {
    const key = anIssue(PROBLEM_SUMMARY, RECIPE);
    const recipeScore = await saveLens(key);
    await setThreshold(recipeScore + 1);
    const modifiedFields = { description: adf(PROBLEM), summary: 7, parent: { key: 12 } };
    expect(await runGate(payload(key, modifiedFields))).toEqual({ result: true });
  });

  it('ignores a transition that is not an object, and still says so when the issue itself is unreadable', async () => {
    const key = anIssue(PROBLEM_SUMMARY, PROBLEM);
    await saveLens(key);
    expect(await runGate({ issue: { key }, transition: 'In Progress' })).toEqual({ result: true });
    expect(
      await runGate({
        issue: { key: 'not a key' },
        transition: { modifiedFields: { description: adf(PROBLEM) } },
      }),
    ).toEqual({
      result: false,
      errorMessage: GATE_MESSAGES.unreadable,
    });
  });
});
