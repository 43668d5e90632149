/**
 * The lead the panel puts on top of the Jira description is recorded (the issue property
 * `outcome-lens-description-lead`) only when the description carries it, so a later change replaces it rather than
 * stacking a second. Jira's gateway can answer 502 or 504 after the edit was made: the description is then read
 * again, and the one sent counts as written. One that is not may still be made (a 504 while Jira is still at it):
 * Jira's error is answered, and both the new lead and the old are recorded, so the next change replaces whichever
 * is on top.
 * The real @forge packages over the workbench, as in issue-panel.test.ts.
 */
import {
  ISSUE_PANEL_RESOLVERS,
  type PanelDescribeData,
  type PanelLoadData,
  type PanelSaveData,
} from '../../src/contract/issue-panel';
import { descriptionDigest } from '../../src/domain/description-digest';
import { ISSUE_PROPERTY_KEY } from '../../src/domain/issue-lens';
import { toPlainText } from '../../src/domain/plain-text';
import { createWorkbenchApp, type WorkbenchApp } from '../../workbench/app';
import { aBetDraft } from '../support/builders';
import {
  anIssuePanelApp,
  callPanel,
  dataOf as data,
  descriptionTextOf,
  errorOf as error,
} from '../support/issue-panel-app';

const KEY = 'DEMO-3';
const LEAD_KEY = 'outcome-lens-description-lead';
const OWN_TEXT = 'Shoppers told support they lose what they put aside.';
/** Every edit of the issue (the description, its properties) is carried out, then answered 502 by the gateway. */
const EDITS = { method: 'PUT', pathIncludes: `/issue/${KEY}` };
/** The description's edit alone (its fields), not the lead recorded beside it. */
const DESCRIPTION_EDIT = { ...EDITS, bodyIncludes: '"fields"' };

let app: WorkbenchApp;

beforeEach(() => {
  app = anIssuePanelApp({
    key: KEY,
    summary: 'Shoppers lose the items they meant to buy later',
    description: OWN_TEXT,
  });
});
afterEach(() => app.close());

const invoke = <T>(fn: string, payload: unknown) => callPanel<T>(app, fn, payload, 'member', KEY);
const save = (version: number, draft = aBetDraft()) =>
  invoke<PanelSaveData>(ISSUE_PANEL_RESOLVERS.save, { version, draft });
const prefix = (version: number) =>
  invoke<PanelDescribeData>(ISSUE_PANEL_RESOLVERS.describe, { change: 'prefix', version });
const descriptionText = () => descriptionTextOf(app, KEY);
const recordedLead = () => app.jira.store.getIssueProperty(KEY, LEAD_KEY);
const storedLens = () => app.jira.store.getIssueProperty(KEY, ISSUE_PROPERTY_KEY);

/** The same bet with another benefit: its lead differs from aBetDraft's. */
const edited = aBetDraft({
  hypothesis: { ...aBetDraft().hypothesis, benefit: 'I can finish my shopping later' },
});

/** One lead, the edited hypothesis's, then the person's own text below it. */
function expectOneLeadThenOwnText(): void {
  const text = descriptionText();
  expect(text.match(/As a shopper/g)).toHaveLength(1);
  expect(text).toMatch(
    /^As a shopper, [^]*so that I can finish my shopping later\.[^]*\n+Shoppers told support/,
  );
  expect(text).not.toMatch(/come back and finish/);
}

it('an edit Jira made but answered 502 is taken as made: the lead is recorded, and the next change replaces it', async () => {
  const first = data(await save(0));
  const id = app.jira.faults.inject({ kind: 'server-error', status: 502, applied: true, match: EDITS });
  const answered = await prefix(first.lens.version);
  app.jira.faults.clear(id);
  expect(descriptionText()).toMatch(
    /^As a shopper, [^]*so that I can come back and finish\.[^]*\n+Shoppers told/,
  );
  const afterFirst = { description: descriptionText(), lead: recordedLead() };

  const second = data(await save(first.lens.version, edited));
  data(await prefix(second.lens.version));
  expectOneLeadThenOwnText();
  // The lead on top now, and the one before it: a change Jira answered with an error may still land.
  expect(recordedLead()).toEqual({
    lead: expect.arrayContaining([expect.stringMatching(/finish my shopping later/)]),
    earlier: [expect.arrayContaining([expect.stringMatching(/come back and finish/)])],
  });
  // The first change was answered as made, with the description Jira holds, and its lead recorded.
  expect(toPlainText(data(answered).description)).toBe(afterFirst.description);
  expect(afterFirst.lead).toEqual({
    lead: expect.arrayContaining([expect.stringMatching(/come back and finish/)]),
  });
});

it('an edit answered 504 and made is taken as made too', async () => {
  const first = data(await save(0));
  app.jira.faults.inject({
    kind: 'server-error',
    status: 504,
    applied: true,
    times: 1,
    match: DESCRIPTION_EDIT,
  });
  const answered = await prefix(first.lens.version);
  const second = data(await save(first.lens.version, edited));
  data(await prefix(second.lens.version));
  expectOneLeadThenOwnText();
  expect(answered.ok).toBe(true);
});

it('an edit answered 502 and not made changes nothing and says it may or may not be made; sent again, it replaces the lead', async () => {
  const first = data(await save(0));
  data(await prefix(first.lens.version));
  const second = data(await save(first.lens.version, edited));
  const [description, lead, lens] = [descriptionText(), recordedLead(), storedLens()];

  app.jira.faults.inject({
    kind: 'server-error',
    status: 502,
    applied: false,
    times: 1,
    match: DESCRIPTION_EDIT,
  });
  const refused = error(await prefix(second.lens.version));
  // Jira's error as it came: the panel shows it as "may or may not have been changed" (App.tsx's describe).
  expect(refused).toMatchObject({
    code: 'JIRA_ERROR',
    message: expect.stringContaining('HTTP 502') as unknown,
  });
  expect(descriptionText()).toBe(description);
  expect(storedLens()).toEqual(lens);
  // Either lead may be on top later: the one sent, and the one recorded before it.
  expect(recordedLead()).toEqual({
    lead: expect.arrayContaining([expect.stringMatching(/finish my shopping later/)]),
    earlier: [(lead as { lead: string[] }).lead],
  });

  data(await prefix(second.lens.version));
  expectOneLeadThenOwnText();
});

it('an edit answered 504 that Jira makes after the read-back is replaced by the next change, not stacked', async () => {
  const first = data(await save(0));
  data(await prefix(first.lens.version));
  const second = data(await save(first.lens.version, edited));
  const description = descriptionText();

  app.jira.faults.inject({
    kind: 'server-error',
    status: 504,
    applied: 'later',
    times: 1,
    match: DESCRIPTION_EDIT,
  });
  const unconfirmed = error(await prefix(second.lens.version));
  expect(descriptionText()).toBe(description);
  // Jira makes the edit after all: the edited hypothesis is on top.
  await app.jira.landBackgroundTasks();
  expectOneLeadThenOwnText();

  // The owner edits the hypothesis again and puts it on top.
  const again = aBetDraft({
    hypothesis: { ...aBetDraft().hypothesis, benefit: 'I can pay for it next week' },
  });
  const third = data(await save(second.lens.version, again));
  data(await prefix(third.lens.version));
  const text = descriptionText();
  expect(text.match(/As a shopper/g)).toHaveLength(1);
  expect(text).toMatch(/^As a shopper, [^]*so that I can pay for it next week\.[^]*\n+Shoppers told support/);
  // Its lead is recorded first, then the earlier ones, newest first.
  expect(recordedLead()).toEqual({
    lead: expect.arrayContaining([expect.stringMatching(/pay for it next week/)]),
    earlier: [
      expect.arrayContaining([expect.stringMatching(/finish my shopping later/)]),
      expect.arrayContaining([expect.stringMatching(/come back and finish/)]),
    ],
  });
  // The person was not told the edit failed: Jira's error, which the panel shows as "may or may not have been
  // changed".
  expect(unconfirmed).toMatchObject({
    code: 'JIRA_ERROR',
    message: expect.stringContaining('HTTP 504') as unknown,
  });
});

describe('a description changed in Jira since the panel showed it', () => {
  /** The description's fingerprint as the panel loaded it, as its describe request sends it. */
  const shownNow = async () =>
    descriptionDigest(data(await invoke<PanelLoadData>(ISSUE_PANEL_RESOLVERS.load, {})).issue.description);
  const rewrite = (text: string) =>
    app.jira.store.updateIssueFields(app.jira.store.getIssue(KEY)!.id, {
      description: {
        type: 'doc',
        version: 1,
        content: [{ type: 'paragraph', content: [{ type: 'text', text }] }],
      } as never,
    });
  const describe = (change: 'replace' | 'prefix', version: number, shown: string) =>
    invoke<PanelDescribeData>(ISSUE_PANEL_RESOLVERS.describe, { change, version, shown });

  it.each(['replace', 'prefix'] as const)('is not written over by %s', async (change) => {
    const saved = data(await save(0));
    const shown = await shownNow();
    rewrite('Acceptance criteria by Ada: legal must sign off.');
    const lead = recordedLead();

    const refused = error(await describe(change, saved.lens.version, shown));

    expect(refused).toMatchObject({
      code: 'CONFLICT',
      message: 'The Jira description was changed since this panel showed it, so it was not written over.',
    });
    expect(descriptionText()).toBe('Acceptance criteria by Ada: legal must sign off.');
    expect(recordedLead()).toEqual(lead);
    // Shown the new description, the owner can put the hypothesis on top of it.
    data(await describe('prefix', saved.lens.version, await shownNow()));
    expect(descriptionText()).toMatch(/^As a shopper, [^]*\n+Acceptance criteria by Ada/);
  });

  it('answers the same change sent again after it landed as made, without stacking', async () => {
    const saved = data(await save(0));
    const shown = await shownNow();
    data(await describe('prefix', saved.lens.version, shown));
    const once = descriptionText();

    // The answer was lost: the panel sends the same request, with the description it showed then.
    const again = data(await describe('prefix', saved.lens.version, shown));

    expect(descriptionText()).toBe(once);
    expect(toPlainText(again.description)).toBe(once);
  });
});

describe('a change whose lead is not confirmed', () => {
  /** The description's edit alone (its fields), not the lead recorded beside it. */
  const PUT_DESCRIPTION = { method: 'PUT', pathIncludes: `/issue/${KEY}`, bodyIncludes: '"fields"' };

  it('an edit Jira makes after the next change was confirmed is still replaced, not stacked', async () => {
    const first = data(await save(0));
    app.jira.faults.inject({
      kind: 'server-error',
      status: 504,
      applied: 'later',
      times: 1,
      match: PUT_DESCRIPTION,
    });
    expect(error(await prefix(first.lens.version)).code).toBe('JIRA_ERROR');
    const second = data(await save(first.lens.version, edited));
    data(await prefix(second.lens.version));
    // The first change lands after the second was confirmed: its older hypothesis is on top.
    await app.jira.landBackgroundTasks();
    expect(descriptionText()).toMatch(/^As a shopper, [^]*come back and finish/);

    data(await prefix(second.lens.version));
    expectOneLeadThenOwnText();
  });

  it("an edit made after Forge stopped the function is known as the app's lead", async () => {
    app.close();
    // Time runs 16 times faster for the limits: the 25 s a resolver has are 1.5 s.
    app = createWorkbenchApp({ dataFile: ':memory:', limits: { timeScale: 0.06 } });
    app.jira.store.createProject({ key: 'DEMO', name: 'Demo' });
    app.grantDemoRoles('DEMO');
    app.jira.store.createIssue({
      key: KEY,
      summary: 'Shoppers lose the items they meant to buy later',
      description: OWN_TEXT,
    });
    const first = data(await save(0));
    // The description's edit outlasts the function's time limit, and Jira makes it all the same.
    app.jira.faults.inject({ kind: 'latency', ms: 2_500, times: 1, match: PUT_DESCRIPTION });
    await prefix(first.lens.version).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(descriptionText()).toMatch(/^As a shopper, [^]*come back and finish/);

    // Past the stopped function's claim on the issue (25 s), the owner edits the hypothesis and puts it on top.
    const realNow = Date.now.bind(Date);
    const spy = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 30_000);
    try {
      const second = data(await save(first.lens.version, edited));
      data(await prefix(second.lens.version));
    } finally {
      spy.mockRestore();
    }
    expectOneLeadThenOwnText();
  });
});
