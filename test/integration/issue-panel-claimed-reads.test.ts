/**
 * The issue panel's writes read the issue again inside the issue's claim: what another tab changed while a write
 * waited for the claim (the description, the app's lead on it) is what the write judges, and a read Jira refuses
 * fails the write before anything is changed. The real @forge packages over the workbench, as in issue-panel.test.ts.
 */
import type { Answer } from '../../src/contract/answer';
import {
  ISSUE_PANEL_RESOLVERS,
  type PanelDescribeData,
  type PanelLoadData,
  type PanelSaveData,
} from '../../src/contract/issue-panel';
import { ISSUE_PROPERTY_KEY } from '../../src/domain/issue-lens';
import type { WorkbenchApp } from '../../workbench/app';
import { aBetDraft } from '../support/builders';
import {
  anIssuePanelApp,
  callPanel,
  dataOf as data,
  descriptionTextOf,
  errorOf as error,
} from '../support/issue-panel-app';

const KEY = 'DEMO-3';
const RECIPE_DESCRIPTION =
  'Create a Save for Later button on the cart screen. Make it blue and put it in the upper right hand corner.';

let app: WorkbenchApp;

beforeEach(() => {
  app = anIssuePanelApp({
    key: KEY,
    summary: 'Shoppers lose the items they meant to buy later',
    description: RECIPE_DESCRIPTION,
  });
});
afterEach(() => app.close());

const invoke = <T>(fn: string, payload: unknown, user: string) => callPanel<T>(app, fn, payload, user, KEY);
const load = (user: string) => invoke<PanelLoadData>(ISSUE_PANEL_RESOLVERS.load, {}, user);
const save = (user: string, payload: unknown) =>
  invoke<PanelSaveData>(ISSUE_PANEL_RESOLVERS.save, payload, user);
const describeAs = (user: string, payload: unknown) =>
  invoke<PanelDescribeData>(ISSUE_PANEL_RESOLVERS.describe, payload, user);
const stored = () => app.jira.store.getIssueProperty(KEY, ISSUE_PROPERTY_KEY) as Record<string, unknown>;
const descriptionText = () => descriptionTextOf(app, KEY);

/**
 * Holds the description's edit (the describe's PUT, made while it holds the issue's claim) for a while, and
 * resolves once that edit has reached Jira: the describe then holds the claim and the description is still old.
 */
async function describeHeldAtItsEdit(
  payload: unknown,
): Promise<{ described: Promise<Answer<PanelDescribeData>> }> {
  const id = app.jira.faults.inject({
    kind: 'latency',
    ms: 600,
    match: { method: 'PUT', pathIncludes: `/issue/${KEY}` },
  });
  const described = describeAs('member', payload);
  const deadline = Date.now() + 5_000;
  while (!app.jira.faults.list().some((f) => f.id === id && f.hits > 0)) {
    if (Date.now() > deadline) throw new Error('the description was never edited');
    await new Promise((r) => setTimeout(r, 2));
  }
  app.jira.faults.clear(id);
  // Wrapped: an async function returning the promise itself would wait for it.
  return { described };
}

describe('a write that waited for the claim while another tab changed the description', () => {
  it('a save scores the description as it is once it has the claim, not as it was before', async () => {
    const first = data(await save('member', { version: 0, draft: aBetDraft() }));
    expect(stored()).toMatchObject({ recipe: 'true' });
    // One tab puts the hypothesis in place of the recipe; another saves from the same version meanwhile.
    const { described } = await describeHeldAtItsEdit({ change: 'replace', version: first.lens.version });
    const edited = aBetDraft({ killCriteria: { maxIdleDays: 40 } });
    const saved = data(await save('admin', { version: first.lens.version, draft: edited }));
    data(await described);
    expect(descriptionText()).toMatch(/^As a shopper/);
    expect(descriptionText()).not.toMatch(/blue/);
    // The lens says what Jira holds: JQL recipe = "true" no longer finds the issue, and the score is the new one.
    expect(stored()).toMatchObject({ recipe: 'false', version: saved.lens.version });
    const score = stored().score;
    data(await save('admin', { version: saved.lens.version, draft: edited }));
    expect(stored().score).toBe(score);
  });

  it('a prefix sent from the description before another tab replaced it does not bring the old text back', async () => {
    const saved = data(await save('member', { version: 0, draft: aBetDraft() }));
    const { described: replaced } = await describeHeldAtItsEdit({
      change: 'replace',
      version: saved.lens.version,
    });
    const prefixed = describeAs('admin', { change: 'prefix', version: saved.lens.version });
    data(await replaced);
    data(await prefixed);
    const text = descriptionText();
    expect(text.match(/As a shopper/g)).toHaveLength(1);
    expect(text).not.toMatch(/Create a Save for Later button/);
  });
});

describe('a Jira refusal of the read inside the claim', () => {
  it('a 429 reading the lead the app put on top last changes nothing, and the retry replaces that lead', async () => {
    const first = data(await save('member', { version: 0, draft: aBetDraft() }));
    data(await describeAs('member', { change: 'prefix', version: first.lens.version }));
    const edited = aBetDraft({
      hypothesis: { ...aBetDraft().hypothesis, benefit: 'I can finish my shopping later' },
    });
    const second = data(await save('member', { version: first.lens.version, draft: edited }));
    const before = descriptionText();
    app.jira.faults.inject({
      kind: 'rate-limit',
      retryAfterSeconds: 1,
      times: 1,
      match: { method: 'GET', pathIncludes: 'outcome-lens-description-lead' },
    });
    const refused = error(await describeAs('member', { change: 'prefix', version: second.lens.version }));
    expect(refused.code).toBe('RATE_LIMITED');
    expect(descriptionText()).toBe(before);
    // Sent again, the edited hypothesis takes the old one's place on top: the old one is not kept below it.
    data(await describeAs('member', { change: 'prefix', version: second.lens.version }));
    const text = descriptionText();
    expect(text.match(/As a shopper/g)).toHaveLength(1);
    expect(text).toMatch(/^As a shopper, [^]*so that I can finish my shopping later\.[^]*\n+Create a Save/);
  });
});

describe('a lens whose version is not a version', () => {
  it('loads with its parts, and a save keeps what it holds rather than overwriting it as empty', async () => {
    app.jira.store.setIssueProperty(KEY, ISSUE_PROPERTY_KEY, {
      version: -1,
      hypothesis: { persona: 'shopper', intent: 'bookmark items in the cart', benefit: 'I can finish later' },
      keptAt: '2026-11-01T09:00:00.000Z',
      snoozedUntil: '2027-01-01',
    });
    const loaded = data(await load('member'));
    expect(loaded.lens.version).toBe(0);
    expect(loaded.lens.draft.hypothesis).toEqual({
      persona: 'shopper',
      intent: 'bookmark items in the cart',
      benefit: 'I can finish later',
    });
    expect(loaded.lens.killReview.snoozedUntil).toBe('2027-01-01');
    data(
      await save('member', {
        version: loaded.lens.version,
        draft: { ...loaded.lens.draft, killCriteria: { maxIdleDays: 30 } },
      }),
    );
    expect(stored()).toMatchObject({
      version: 1,
      hypothesis: { persona: 'shopper' },
      keptAt: '2026-11-01T09:00:00.000Z',
      snoozedUntil: '2027-01-01',
      killCriteria: { maxIdleDays: 30 },
    });
  });
});
