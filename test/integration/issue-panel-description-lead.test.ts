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
  type PanelSaveData,
} from '../../src/contract/issue-panel';
import { ISSUE_PROPERTY_KEY } from '../../src/domain/issue-lens';
import { toPlainText } from '../../src/domain/plain-text';
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
const LEAD_KEY = 'outcome-lens-description-lead';
const OWN_TEXT = 'Shoppers told support they lose what they put aside.';
/** Every edit of the issue (the description, its properties) is carried out, then answered 502 by the gateway. */
const EDITS = { method: 'PUT', pathIncludes: `/issue/${KEY}` };

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
  expect(recordedLead()).toEqual({
    lead: expect.arrayContaining([expect.stringMatching(/finish my shopping later/)]),
  });
  // The first change was answered as made, with the description Jira holds, and its lead recorded.
  expect(toPlainText(data(answered).description)).toBe(afterFirst.description);
  expect(afterFirst.lead).toEqual({
    lead: expect.arrayContaining([expect.stringMatching(/come back and finish/)]),
  });
});

it('an edit answered 504 and made is taken as made too', async () => {
  const first = data(await save(0));
  app.jira.faults.inject({ kind: 'server-error', status: 504, applied: true, times: 1, match: EDITS });
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

  app.jira.faults.inject({ kind: 'server-error', status: 502, applied: false, times: 1, match: EDITS });
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

  app.jira.faults.inject({ kind: 'server-error', status: 504, applied: 'later', times: 1, match: EDITS });
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
  // Confirmed, the change records its lead alone.
  expect(recordedLead()).toEqual({
    lead: expect.arrayContaining([expect.stringMatching(/pay for it next week/)]),
  });
  // The person was not told the edit failed: Jira's error, which the panel shows as "may or may not have been
  // changed".
  expect(unconfirmed).toMatchObject({
    code: 'JIRA_ERROR',
    message: expect.stringContaining('HTTP 504') as unknown,
  });
});
