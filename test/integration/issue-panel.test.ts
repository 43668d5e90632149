/**
 * The issue panel's resolver over the workbench: the real @forge/resolver, @forge/api and Jira emulator
 * (OpenAPI-checked), acting as the demo users. What is stored is read back from the emulator's own store.
 */
import type { Answer } from '../../src/contract/answer';
import { RECIPE_JQL } from '../../src/contract/issue-panel-keys';
import {
  ISSUE_PANEL_RESOLVERS,
  MAX_PASTED_STORY_CHARS,
  OWN_NEWER_VERSION_MESSAGE,
  REMOVED_SINCE_MESSAGE,
  STALE_VERSION_MESSAGE,
  type PanelDescribeData,
  type PanelLoadData,
  type PanelSaveData,
  type PanelStoryData,
} from '../../src/contract/issue-panel';
import { ISSUE_PROPERTY_KEY } from '../../src/domain/issue-lens';
import { toPlainText, type AdfNode } from '../../src/domain/plain-text';
import type { IssueLensDraft } from '../../src/domain/schemas';
import type { OutcomeStatus } from '../../src/domain/schemas';
import { takeLensClaim } from '../../src/storage/lens-claim';
import { createOutcome, setOutcomeStatus } from '../../src/storage/outcomes';
import { createWorkbenchApp, type WorkbenchApp } from '../../workbench/app';
import { runInInvocation } from '../../workbench/forge/context';
import { aBetDraft, KILL_DATE_AHEAD, DUE_DATE_AHEAD } from '../support/builders';
import { setWallClock } from '../support/timing';

// The manifest's module: app.invoke finds its resolver function and the handler export in src/index.ts.
const PANEL_MODULE = 'outcome-lens-issue-panel';
const NOW = new Date('2026-11-21T12:00:00Z');

/** The demo project with an epic (DEMO-10) and two stories under it, DEMO-1 a recipe. */
function aPanelApp(wb: WorkbenchApp): WorkbenchApp {
  const s = wb.jira.store;
  s.createProject({ key: 'DEMO', name: 'Demo' });
  wb.grantDemoRoles('DEMO');
  s.createIssue({ key: 'DEMO-10', type: 'Epic', summary: 'Checkout epic' });
  s.createIssue({
    key: 'DEMO-1',
    summary: 'Add a blue Save for later button top right',
    parentKey: 'DEMO-10',
  });
  s.createIssue({ key: 'DEMO-2', summary: 'Shoppers lose their cart when they leave', parentKey: 'DEMO-10' });
  return wb;
}

async function seedOutcome(
  wb: WorkbenchApp,
  o: { id: string; name: string; status: OutcomeStatus },
): Promise<void> {
  await runInInvocation(
    { accountId: null, moduleKey: 'seed', installContext: wb.installContext },
    async () => {
      const draft = {
        name: o.name,
        metric: 'conversion',
        baseline: 2,
        target: 3,
        direction: 'increase',
        dueDate: DUE_DATE_AHEAD,
      };
      const created = await createOutcome('DEMO', draft, null, NOW, { id: o.id });
      if (o.status !== 'active') await setOutcomeStatus('DEMO', o.id, o.status, created.version, NOW);
    },
  );
}

let app: WorkbenchApp;

beforeEach(() => {
  app = aPanelApp(createWorkbenchApp({ dataFile: ':memory:' }));
});
afterEach(() => {
  jest.useRealTimers();
  app.close();
});

const invoke = <T>(fn: string, payload: unknown, user: string, issueKey = 'DEMO-1') =>
  app.invoke(PANEL_MODULE, fn, payload, { user, issueKey }) as Promise<Answer<T>>;
const load = (user: string, issueKey = 'DEMO-1') =>
  invoke<PanelLoadData>(ISSUE_PANEL_RESOLVERS.load, {}, user, issueKey);
const save = (user: string, payload: unknown, issueKey = 'DEMO-1') =>
  invoke<PanelSaveData>(ISSUE_PANEL_RESOLVERS.save, payload, user, issueKey);
const stored = (key = 'DEMO-1') =>
  (app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY) ?? null) as Record<string, unknown> | null;

/** An issue of DEMO closed with `resolution`: delivered with "Done", abandoned with "Won't Do". */
const closedIssue = (key: string, summary: string, resolution = 'Done') =>
  app.jira.store.createIssue({ key, summary, status: 'Done', statusCategory: 'done', resolution }).key;

function data<T>(answer: Answer<T>): T {
  if (!answer.ok) throw new Error(`expected ok, got ${answer.error.code}: ${answer.error.message}`);
  return answer.data;
}
function error<T>(answer: Answer<T>) {
  if (answer.ok) throw new Error('expected an error answer');
  return answer.error;
}

describe('loading the issue panel', () => {
  it('gives an issue with nothing stored an empty, editable lens with the issue facts and default weights', async () => {
    const loaded = data(await load('admin'));
    expect(loaded.lens).toEqual({
      version: 0,
      draft: { hypothesis: {}, expected: {}, killCriteria: {} },
      updatedAt: null,
      updatedBy: null,
      storedScore: null,
      killReview: { flaggedAt: null, rules: [], snoozedUntil: null },
    });
    expect(loaded.issue).toMatchObject({
      key: 'DEMO-1',
      projectKey: 'DEMO',
      summary: 'Add a blue Save for later button top right',
      statusCategory: 'new',
    });
    expect(loaded.issue.parent).toMatchObject({ key: 'DEMO-10' });
    expect(loaded.permissions).toEqual({ canEdit: true, readOnlyReason: null });
    expect(Object.values(loaded.settings.weights).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  it('shows a browse-only viewer the panel read-only, with the reason', async () => {
    const loaded = data(await load('viewer'));
    expect(loaded.permissions.canEdit).toBe(false);
    expect(loaded.permissions.readOnlyReason).toMatch(/read-only/);
  });

  it('shows why the scan sent the issue to kill review, and a Keep decision’s snooze', async () => {
    expect(data(await load('member')).lens.killReview).toEqual({
      flaggedAt: null,
      rules: [],
      snoozedUntil: null,
    });
    const rule = {
      rule: 'idle',
      since: '2026-10-01',
      detail: 'No activity for 81 days.',
      clearBy: 'Comment.',
    };
    app.jira.store.setIssueProperty('DEMO-1', ISSUE_PROPERTY_KEY, {
      zombie: 'true',
      flag: { flaggedAt: '2026-11-02T03:00:00Z', rules: [rule] },
    });
    expect(data(await load('member')).lens.killReview).toEqual({
      flaggedAt: '2026-11-02T03:00:00Z',
      rules: [rule],
      snoozedUntil: null,
    });
    app.jira.store.setIssueProperty('DEMO-1', ISSUE_PROPERTY_KEY, {
      zombie: 'false',
      snoozedUntil: '2027-01-15',
    });
    expect(data(await load('viewer')).lens.killReview).toEqual({
      flaggedAt: null,
      rules: [],
      snoozedUntil: '2027-01-15',
    });
  });

  it('tells an outsider they may not see the issue, and nothing about it', async () => {
    const e = error(await load('outsider'));
    expect(e.code).toBe('NOT_AUTHORIZED');
    expect(JSON.stringify(e)).not.toContain('Save for later');
  });

  it('lists the active outcomes and the one the epic links to, which the issue inherits', async () => {
    await seedOutcome(app, { id: 'out-checkout', name: 'Checkout conversion', status: 'active' });
    await seedOutcome(app, { id: 'out-old', name: 'Old goal', status: 'abandoned' });
    app.jira.store.setIssueProperty('DEMO-10', ISSUE_PROPERTY_KEY, { outcomeId: 'out-checkout' });
    const loaded = data(await load('member'));
    expect(loaded.outcomes.map((o) => o.id)).toEqual(['out-checkout']);
    expect(loaded.issue.parent).toEqual({
      key: 'DEMO-10',
      summary: 'Checkout epic',
      outcomeId: 'out-checkout',
    });
  });
});

describe('saving the lens', () => {
  it('stores the draft as the user, with the score and indexed values, and reads it back', async () => {
    const saved = data(await save('member', { version: 0, draft: aBetDraft() }));
    expect(saved.lens.version).toBe(1);
    const property = stored()!;
    expect(property).toMatchObject({
      version: 1,
      hasHypothesis: 'true',
      killDate: KILL_DATE_AHEAD,
      score: saved.score,
      updatedBy: app.accountIdOf('member'),
    });
    const loaded = data(await load('admin'));
    expect(loaded.lens.version).toBe(1);
    expect(loaded.lens.draft).toEqual(aBetDraft());
    expect(loaded.lens.storedScore).toBe(saved.score);
  });

  it('keeps every expectation, and reads a lens stored before there could be more than one', async () => {
    const conversion = {
      metric: 'return-shopper conversion',
      baseline: 2,
      target: 3,
      direction: 'increase' as const,
    };
    // A row left blank (no part given, or only spaces) expects nothing: refused at its own row.
    const blanks = aBetDraft({ alsoExpected: [{}, conversion, { metric: '   ', unit: '' }] });
    expect(error(await save('member', { version: 0, draft: blanks })).fields).toEqual({
      'draft.alsoExpected.0': 'Further expectation 1 is empty: give its metric, or remove it.',
      'draft.alsoExpected.2': 'Further expectation 3 is empty: give its metric, or remove it.',
    });
    expect(stored()).toBeNull();
    // One stored so before (by an older version, or another tool) is read without it, and re-saves.
    app.jira.store.setIssueProperty('DEMO-1', ISSUE_PROPERTY_KEY, { version: 1, ...blanks });
    const blankStored = data(await load('member')).lens;
    expect(blankStored.draft.alsoExpected).toEqual([conversion]);
    expect(data(await save('member', { version: 1, draft: blankStored.draft })).lens.version).toBe(2);
    app.jira.store.deleteIssueProperty(app.jira.store.getIssue('DEMO-1')!.id, ISSUE_PROPERTY_KEY);
    const draft = aBetDraft({ alsoExpected: [conversion] });
    data(await save('member', { version: 0, draft }));
    expect(stored()).toMatchObject({ alsoExpected: [conversion] });
    expect(data(await load('member')).lens.draft.alsoExpected).toEqual([conversion]);
    // Written by the version before: one expectation, no list.
    const { alsoExpected: _dropped, ...old } = stored()!;
    app.jira.store.setIssueProperty('DEMO-1', ISSUE_PROPERTY_KEY, old);
    const loaded = data(await load('member')).lens;
    expect(loaded.draft).toEqual(aBetDraft());
    expect(data(await save('member', { version: loaded.version, draft: loaded.draft })).lens.version).toBe(2);
  });

  it('refuses a viewer and an outsider with NOT_AUTHORIZED and leaves the stored lens as it was', async () => {
    data(await save('member', { version: 0, draft: aBetDraft() }));
    const before = JSON.stringify(stored());
    for (const user of ['viewer', 'outsider']) {
      const e = error(
        await save(user, { version: 1, draft: aBetDraft({ hypothesis: { persona: 'hacker' } }) }),
      );
      expect(e.code).toBe('NOT_AUTHORIZED');
      expect(e.message).toMatch(/permission/);
    }
    expect(JSON.stringify(stored())).toBe(before);
  });

  it('refuses a save based on a stale version, keeping the first saver’s data and offering a reload', async () => {
    const first = aBetDraft({
      hypothesis: { persona: 'shopper', intent: 'save items', benefit: 'finish later' },
    });
    const second = aBetDraft({
      hypothesis: { persona: 'returning buyer', intent: 'find my list', benefit: 'buy faster' },
    });
    data(await save('admin', { version: 0, draft: first }));
    const e = error(await save('member', { version: 0, draft: second }));
    expect(e).toMatchObject({ code: 'CONFLICT', message: STALE_VERSION_MESSAGE });
    expect(e.message).toMatch(/reload/);
    expect(stored()).toMatchObject({ version: 1, hypothesis: first.hypothesis });
    // The member reloads, sees the admin's version and saves theirs on top of it.
    const reloaded = data(await load('member'));
    expect(reloaded.lens.draft.hypothesis).toEqual(first.hypothesis);
    data(await save('member', { version: reloaded.lens.version, draft: second }));
    expect(stored()).toMatchObject({ version: 2, hypothesis: second.hypothesis });
  });

  it('says what the panel loaded was removed since, not that someone saved, when its version is ahead of the stored one', async () => {
    data(await save('member', { version: 0, draft: aBetDraft() }));
    data(await save('member', { version: 1, draft: aBetDraft({ hypothesis: { persona: 'buyer' } }) }));
    // Another tool, or an admin, deletes the issue's property: nothing is stored, no one saved.
    app.jira.store.deleteIssueProperty(app.jira.store.getIssue('DEMO-1')!.id, ISSUE_PROPERTY_KEY);
    const removed = error(await save('member', { version: 2, draft: aBetDraft() }));
    expect(removed).toMatchObject({ code: 'CONFLICT', message: REMOVED_SINCE_MESSAGE });
    expect(removed.lastWrite).toBeUndefined();
    expect(stored()).toBeNull();
    // Put back to an older version by hand: the same, and what was put back stays.
    app.jira.store.setIssueProperty('DEMO-1', ISSUE_PROPERTY_KEY, { version: 1, ...aBetDraft() });
    expect(error(await save('member', { version: 2, draft: aBetDraft() }))).toMatchObject({
      code: 'CONFLICT',
      message: REMOVED_SINCE_MESSAGE,
    });
    expect(stored()).toEqual({ version: 1, ...aBetDraft() });
  });

  it('names who saved the version a stale save missed, and when; a lens that does not record it says nothing of it', async () => {
    data(await save('admin', { version: 0, draft: aBetDraft() }));
    const admin = stored()!;
    const e = error(
      await save('member', { version: 0, draft: aBetDraft({ hypothesis: { persona: 'buyer' } }) }),
    );
    expect(e).toMatchObject({ code: 'CONFLICT', message: STALE_VERSION_MESSAGE });
    expect(e.lastWrite).toEqual({ accountId: admin.updatedBy, name: 'Ada Admin', at: admin.updatedAt });
    expect(admin.updatedBy).toBe(app.accountIdOf('admin'));
    expect(stored()).toEqual(admin);
    // Written by hand (or by an app version that kept no writer): the conflict still says why, without a name.
    app.jira.store.setIssueProperty('DEMO-1', ISSUE_PROPERTY_KEY, { version: 7 });
    const bare = error(await save('member', { version: 1, draft: aBetDraft() }));
    expect(bare).toMatchObject({ code: 'CONFLICT', message: STALE_VERSION_MESSAGE });
    expect(bare.lastWrite).toBeUndefined();
  });

  it('answers malformed fields with a message at each field and stores nothing', async () => {
    const e = error(
      await save('member', {
        version: 0,
        draft: {
          expected: { baseline: 'forty', target: 30, checkBy: '2027-02-30' },
          killCriteria: { maxIdleDays: 0 },
        },
      }),
    );
    expect(e.code).toBe('VALIDATION');
    expect(e.fields).toMatchObject({
      'draft.expected.baseline': 'Baseline must be a number.',
      'draft.expected.checkBy': 'Check by is not a real calendar date.',
      'draft.killCriteria.maxIdleDays': 'Max idle days must be at least 1.',
    });
    expect(stored()).toBeNull();
  });

  it('refuses a contradictory expectation at the direction field and a missing version', async () => {
    const contradiction = error(
      await save('member', {
        version: 0,
        draft: aBetDraft({
          expected: { metric: 'drop-off', baseline: 40, target: 30, direction: 'increase' },
        }),
      }),
    );
    expect(contradiction.fields?.['draft.expected.direction']).toMatch(/contradicts/);
    const noVersion = error(await save('member', { draft: aBetDraft() }));
    expect(noVersion.fields?.version).toMatch(/reload/);
    expect(stored()).toBeNull();
  });

  it('refuses a check-by date set in the past at its field, yet loads and re-saves a stored one that came due', async () => {
    const past = aBetDraft({ expected: { ...aBetDraft().expected, checkBy: '2020-01-01' } });
    const refused = error(await save('member', { version: 0, draft: past }));
    expect(refused.code).toBe('VALIDATION');
    expect(refused.fields?.['draft.expected.checkBy']).toMatch(/2020-01-01 has already passed/);
    expect(stored()).toBeNull();
    // A lens saved back when its date lay ahead: it loads, and other edits still save.
    app.jira.store.setIssueProperty('DEMO-1', ISSUE_PROPERTY_KEY, { version: 3, ...past });
    const loaded = data(await load('member'));
    expect(loaded.lens.draft.expected.checkBy).toBe('2020-01-01');
    const edited = { ...past, hypothesis: { ...past.hypothesis, benefit: 'I can finish my shopping later' } };
    expect(data(await save('member', { version: 3, draft: edited })).lens.version).toBe(4);
  });

  it('takes a check-by or kill date of the day before UTC’s in the UTC morning, a person’s today at UTC−12, and refuses one earlier', async () => {
    // Five in the morning UTC: it is five in the afternoon of UTC's yesterday at UTC−12.
    setWallClock(new Date(`${new Date().toISOString().slice(0, 10)}T05:00:00.000Z`));
    const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
    const on = (day: string) =>
      aBetDraft({
        expected: { ...aBetDraft().expected, checkBy: day },
        killCriteria: { deadline: day, maxIdleDays: 30 },
      });
    const earlier = error(await save('member', { version: 0, draft: on(daysAgo(2)) }));
    expect(earlier.fields?.['draft.expected.checkBy']).toBe(
      `Check by ${daysAgo(2)} has already passed: choose a day from ${daysAgo(1)} on.`,
    );
    const killEarlier = error(
      await save('member', {
        version: 0,
        draft: { ...on(daysAgo(1)), killCriteria: { deadline: daysAgo(2) } },
      }),
    );
    expect(killEarlier.fields?.['draft.killCriteria.deadline']).toBe(
      `Kill date ${daysAgo(2)} has already passed: choose a day from ${daysAgo(1)} on.`,
    );
    expect(stored()).toBeNull();
    const yesterday = daysAgo(1);
    expect(data(await save('member', { version: 0, draft: on(yesterday) })).lens.draft).toMatchObject({
      expected: { checkBy: yesterday },
      killCriteria: { deadline: yesterday },
    });

    // From noon UTC, UTC's yesterday has ended at UTC−12 too: a new date of it is refused.
    setWallClock(new Date(`${daysAgo(0)}T23:37:00.000Z`));
    const other = app.jira.store.createIssue({ key: 'DEMO-9', summary: 'Shoppers reorder in one tap' }).key;
    const late = error(await save('member', { version: 0, draft: on(yesterday) }, other));
    expect(late.fields?.['draft.expected.checkBy']).toBe(
      `Check by ${yesterday} has already passed: choose a day from ${daysAgo(0)} on.`,
    );
    expect(stored(other)).toBeNull();
  });

  it('tells a load naming a save’s request id whether that save by the caller is in the stored lens', async () => {
    const landed = async (user: string, requestId: string) =>
      data(await invoke<PanelLoadData>(ISSUE_PANEL_RESOLVERS.load, { requestId }, user)).requestLanded;
    expect(await landed('member', 'save-0000-0001')).toBe(false);
    data(await save('member', { version: 0, draft: aBetDraft(), requestId: 'save-0000-0001' }));
    expect(await landed('member', 'save-0000-0001')).toBe(true);
    expect(await landed('member', 'save-0000-0002')).toBe(false);
    expect(await landed('admin', 'save-0000-0001')).toBe(false);
    expect(data(await load('member')).requestLanded).toBeUndefined();
  });

  it('keeps the measured value a results review recorded when the panel saves the same verdict, and refuses numbers out of range', async () => {
    const result = { verdict: 'validated' as const, evidence: 'Drop-off fell to 31% in four weeks.' };
    const key = closedIssue('DEMO-4', 'Shoppers lose their cart');
    app.jira.store.setIssueProperty(key, ISSUE_PROPERTY_KEY, {
      version: 2,
      ...aBetDraft(),
      result: { ...result, measuredValue: 31 },
    });
    const loaded = data(await load('member', key)).lens;
    // The panel's form has no measured value: it sends the verdict and evidence it shows.
    const edited = { ...loaded.draft, result, hypothesis: { ...loaded.draft.hypothesis, persona: 'buyer' } };
    data(await save('member', { version: 2, draft: edited }, key));
    expect(stored(key)).toMatchObject({
      hypothesis: { persona: 'buyer' },
      result: { ...result, measuredValue: 31 },
    });
    // A verdict changed in the panel takes its own.
    const changed = {
      ...edited,
      result: { verdict: 'inconclusive' as const, evidence: 'Too few carts to tell.' },
    };
    data(await save('member', { version: 3, draft: changed }, key));
    expect((stored(key)!.result as Record<string, unknown>).measuredValue).toBeUndefined();

    const huge = aBetDraft({ expected: { ...aBetDraft().expected, target: 1e300 } });
    const refused = error(await save('member', { version: 4, draft: huge }, key));
    expect(refused.fields?.['draft.expected.target']).toMatch(/out of range/);
  });

  it('records a result only on delivered work, and keeps one stored when other parts are edited', async () => {
    const result = { verdict: 'validated' as const, evidence: 'Drop-off fell to 31% in four weeks.' };
    const open = error(await save('member', { version: 0, draft: aBetDraft({ result }) }));
    expect(open.fields?.['draft.result.verdict']).toMatch(/DEMO-1 is not delivered yet/);
    expect(stored()).toBeNull();
    const abandoned = closedIssue('DEMO-5', 'Gift wrapping', "Won't Do");
    expect(
      error(await save('member', { version: 0, draft: aBetDraft({ result }) }, abandoned)).message,
    ).toMatch(/closed without being delivered \(Won't Do\)/);
    // A result stored earlier (by hand, or before the issue was reopened) does not block other edits.
    app.jira.store.setIssueProperty('DEMO-1', ISSUE_PROPERTY_KEY, { version: 1, ...aBetDraft({ result }) });
    const edited = aBetDraft({ result, hypothesis: { ...aBetDraft().hypothesis, persona: 'buyer' } });
    expect(data(await save('member', { version: 1, draft: edited })).lens.version).toBe(2);
  });

  it('reads a lens written by hand part by part, so a bad part is shown to be mended and its siblings are not lost', async () => {
    const longPersona = 'p'.repeat(201);
    app.jira.store.setIssueProperty('DEMO-1', ISSUE_PROPERTY_KEY, {
      version: '3',
      hypothesis: {
        persona: longPersona,
        intent: 'bookmark items in the cart',
        benefit: 'I can finish later',
      },
      expected: { metric: 'cart drop-off', baseline: 40, target: 55, direction: 'decrease' },
      killCriteria: { deadline: '2027-02-01', maxIdleDays: 0 },
      customNote: 'kept by another tool',
    });
    const loaded = data(await load('member')).lens;
    // The version written as text is the version; the over-long persona and the contradiction come back as stored.
    expect(loaded.version).toBe(3);
    expect(loaded.draft.hypothesis).toEqual({
      persona: longPersona,
      intent: 'bookmark items in the cart',
      benefit: 'I can finish later',
    });
    expect(loaded.draft.expected).toMatchObject({ metric: 'cart drop-off', baseline: 40, target: 55 });
    expect(loaded.draft.killCriteria).toEqual({ deadline: '2027-02-01' });
    // Saving it as loaded names what to mend, and stores nothing over it.
    const refused = error(await save('member', { version: 3, draft: loaded.draft }));
    expect(refused.code).toBe('VALIDATION');
    expect(stored()).toMatchObject({ version: '3', hypothesis: { persona: longPersona } });
    // Mended, it saves on the version read, keeping every part and what another tool kept beside it.
    const mended = {
      ...loaded.draft,
      hypothesis: { ...loaded.draft.hypothesis, persona: 'shopper' },
      expected: { ...loaded.draft.expected, target: 30 },
    };
    expect(data(await save('member', { version: 3, draft: mended })).lens.version).toBe(4);
    expect(stored()).toMatchObject({
      hypothesis: { persona: 'shopper', intent: 'bookmark items in the cart', benefit: 'I can finish later' },
      killCriteria: { deadline: '2027-02-01' },
      customNote: 'kept by another tool',
    });
  });

  /** Kill criteria stored as they are (version 2) do not refuse an edit of something else that keeps them. */
  async function expectStoredCriteriaResave(killCriteria: IssueLensDraft['killCriteria']): Promise<void> {
    app.jira.store.setIssueProperty('DEMO-1', ISSUE_PROPERTY_KEY, {
      version: 2,
      ...aBetDraft({ killCriteria }),
    });
    const edited = aBetDraft({
      killCriteria,
      hypothesis: { ...aBetDraft().hypothesis, benefit: 'I finish later' },
    });
    expect(data(await save('member', { version: 2, draft: edited })).lens.version).toBe(3);
  }

  it('refuses a kill date, threshold date or review date set in the past at its field, yet re-saves one stored that came due', async () => {
    const killCriteria = {
      deadline: '2000-01-01',
      metricThreshold: { metric: 'conversion', comparison: 'atLeast' as const, value: 3, by: '2001-01-01' },
      condition: { text: 'Nobody uses it', reviewDate: '2002-01-01' },
    };
    const refused = error(await save('member', { version: 0, draft: aBetDraft({ killCriteria }) }));
    expect(refused.code).toBe('VALIDATION');
    // All three at once, at their fields: one save tells every date to mend.
    expect(refused.fields).toEqual({
      'draft.killCriteria.deadline': expect.stringMatching(/^Kill date 2000-01-01 has already passed/),
      'draft.killCriteria.metricThreshold.by': expect.stringMatching(
        /^Threshold date 2001-01-01 has already passed/,
      ),
      'draft.killCriteria.condition.reviewDate': expect.stringMatching(
        /^Review date 2002-01-01 has already passed/,
      ),
    });
    expect(refused.message).toMatch(
      /^Kill date 2000-01-01 has already passed: .*\. 2 more fields need attention\.$/,
    );
    expect(stored()).toBeNull();
    const onlyReview = { condition: killCriteria.condition };
    expect(
      error(await save('member', { version: 0, draft: aBetDraft({ killCriteria: onlyReview }) })).fields?.[
        'draft.killCriteria.condition.reviewDate'
      ],
    ).toMatch(/Review date 2002-01-01 has already passed/);
    // Stored while the dates lay ahead: they came due, which is what they are for, and other edits still save.
    await expectStoredCriteriaResave(killCriteria);
  });

  it('refuses a kill, threshold or review date set more than ten years ahead (a year typed wrong), yet re-saves one stored', async () => {
    const far = new Date(Date.now() + 11 * 365 * 86_400_000).toISOString().slice(0, 10);
    const killCriteria = {
      deadline: '2999-01-01',
      metricThreshold: { metric: 'conversion', comparison: 'atLeast' as const, value: 3, by: far },
      condition: { text: 'Nobody uses it', reviewDate: '9999-12-31' },
    };
    const refused = error(await save('member', { version: 0, draft: aBetDraft({ killCriteria }) }));
    expect(refused.fields).toEqual({
      'draft.killCriteria.deadline': expect.stringMatching(
        /^Kill date 2999-01-01 is more than 10 years away: choose a day up to \d{4}-\d\d-\d\d \(check the year\)\.$/,
      ),
      'draft.killCriteria.metricThreshold.by': expect.stringMatching(
        `^Threshold date ${far} is more than 10 years`,
      ),
      'draft.killCriteria.condition.reviewDate': expect.stringMatching(
        /^Review date 9999-12-31 is more than 10/,
      ),
    });
    expect(stored()).toBeNull();
    // Nine years ahead is a plan, not a typo.
    const nineYears = new Date(Date.now() + 9 * 365 * 86_400_000).toISOString().slice(0, 10);
    expect(
      data(await save('member', { version: 0, draft: aBetDraft({ killCriteria: { deadline: nineYears } }) }))
        .lens.version,
    ).toBe(1);
    // One stored so (by an older version, or another tool) is not refused on an edit that keeps it.
    await expectStoredCriteriaResave(killCriteria);
  });

  it('refuses a check-by date set more than five years ahead, of the bet or a further expectation, yet re-saves one stored', async () => {
    const withCheckBy = (checkBy: string) =>
      aBetDraft({
        expected: { ...aBetDraft().expected, checkBy },
        alsoExpected: [
          { metric: 'return-shopper conversion', baseline: 2, target: 3, direction: 'increase', checkBy },
        ],
      });
    // At 12:00 UTC on 21 November the earliest day it is anywhere is the 21st: the limit, and the score, count
    // five years from it.
    setWallClock(new Date('2026-11-21T12:00:00.000Z'));
    const refused = error(await save('member', { version: 0, draft: withCheckBy('2031-11-22') }));
    const far =
      'The check-by date 2031-11-22 is more than 5 years away: choose a day within 5 years, while the result can still steer the work.';
    expect(refused.fields).toEqual({
      'draft.expected.checkBy': far,
      'draft.alsoExpected.0.checkBy': `A further expectation, "return-shopper conversion": ${far}`,
    });
    expect(stored()).toBeNull();
    // The last day taken earns what a date next month does, saved and saved again with the date kept: one rule
    // for the save and the score, so the stored score does not change once the date is read back.
    const longBet = data(await save('member', { version: 0, draft: withCheckBy('2031-11-21') }));
    const kept = data(
      await save('member', {
        version: 1,
        draft: {
          ...withCheckBy('2031-11-21'),
          hypothesis: { ...aBetDraft().hypothesis, benefit: 'I finish' },
        },
      }),
    );
    const nextMonth = data(await save('member', { version: 2, draft: withCheckBy('2026-12-21') }));
    expect([longBet.score, kept.score]).toEqual([nextMonth.score, nextMonth.score]);
    // One stored so (by an older version, or another tool) is not refused on an edit that keeps it.
    app.jira.store.setIssueProperty('DEMO-1', ISSUE_PROPERTY_KEY, {
      version: 5,
      ...withCheckBy('2099-12-31'),
    });
    const edited = {
      ...withCheckBy('2099-12-31'),
      hypothesis: { ...aBetDraft().hypothesis, benefit: 'I finish later' },
    };
    expect(data(await save('member', { version: 5, draft: edited })).lens.version).toBe(6);
  });

  it('refuses a further expectation whose check-by date is set in the past, yet re-saves one stored that came due', async () => {
    const lapsed = {
      metric: 'return-shopper conversion',
      baseline: 2,
      target: 3,
      direction: 'increase' as const,
      checkBy: '2020-01-01',
    };
    const refused = error(await save('member', { version: 0, draft: aBetDraft({ alsoExpected: [lapsed] }) }));
    expect(refused.code).toBe('VALIDATION');
    expect(refused.message).toBe(
      'A further expectation, "return-shopper conversion": Check by 2020-01-01 has already passed: choose a day from ' +
        // The day at UTC−12: a person that far west of UTC may still be on it.
        `${new Date(app.now().getTime() - 12 * 3_600_000).toISOString().slice(0, 10)} on.`,
    );
    expect(refused.fields?.['draft.alsoExpected.0.checkBy']).toMatch(/2020-01-01 has already passed/);
    expect(stored()).toBeNull();
    // Stored back when its date lay ahead: the same expectation saves again with other edits.
    app.jira.store.setIssueProperty('DEMO-1', ISSUE_PROPERTY_KEY, {
      version: 3,
      ...aBetDraft({ alsoExpected: [lapsed] }),
    });
    const loaded = data(await load('member')).lens;
    const edited = {
      ...loaded.draft,
      hypothesis: { ...loaded.draft.hypothesis, benefit: 'I can finish my shopping later' },
    };
    expect(data(await save('member', { version: 3, draft: edited })).lens.version).toBe(4);
    // Changed, it is a date set now, and is held to today again.
    const moved = { ...edited, alsoExpected: [{ ...lapsed, checkBy: '2020-02-01' }] };
    expect(error(await save('member', { version: 4, draft: moved })).code).toBe('VALIDATION');
  });

  it('refuses text over a field’s limit, and control characters, at the field', async () => {
    const long = error(
      await save('member', {
        version: 0,
        draft: aBetDraft({ result: { verdict: 'validated', evidence: 'x'.repeat(4001) } }),
      }),
    );
    expect(long.fields?.['draft.result.evidence']).toBe('Evidence must be at most 4000 characters.');
    // Control characters, which JSON escapes six times over and which once made a lens whose fields all fit pass
    // Jira's property limit, are refused at their fields (on delivered work, which alone may hold a result).
    const done = closedIssue('DEMO-6', 'Saved carts');
    const escaped = '\u0001'.repeat(1000);
    const huge = error(
      await save(
        'member',
        {
          version: 0,
          draft: aBetDraft({
            hypothesis: { persona: 'shopper', intent: escaped, benefit: escaped },
            result: { verdict: 'validated', evidence: '\u0001'.repeat(4000) },
          }),
        },
        done,
      ),
    );
    expect(huge.code).toBe('VALIDATION');
    expect(huge.fields).toMatchObject({
      'draft.hypothesis.intent': 'Intent holds a control character (U+0001): remove it and save again.',
      'draft.result.evidence': 'Evidence holds a control character (U+0001): remove it and save again.',
    });
    expect(stored(done)).toBeNull();
  });

  it('never trusts an issue key in the payload over the context', async () => {
    const forged = error(await save('member', { issueKey: 'DEMO-2', version: 0, draft: aBetDraft() }));
    expect(forged.code).toBe('VALIDATION');
    expect(forged.fields?.issueKey).toMatch(/does not match/);
    expect(stored('DEMO-1')).toBeNull();
    expect(stored('DEMO-2')).toBeNull();
    const forgedLoad = error(await invoke(ISSUE_PANEL_RESOLVERS.load, { issueKey: 'DEMO-2' }, 'member'));
    expect(forgedLoad.code).toBe('VALIDATION');
    // The same key as the context is fine.
    data(await save('member', { issueKey: 'DEMO-1', version: 0, draft: aBetDraft() }));
  });

  it('refuses a link to an outcome that is not active in the project, at the Outcome field', async () => {
    await seedOutcome(app, { id: 'out-old', name: 'Old goal', status: 'abandoned' });
    const e = error(await save('member', { version: 0, draft: aBetDraft({ outcomeId: 'out-old' }) }));
    expect(e.fields?.outcomeId).toMatch(/abandoned/);
    const unknown = error(await save('member', { version: 0, draft: aBetDraft({ outcomeId: 'out-nope' }) }));
    expect(unknown.fields?.outcomeId).toMatch(/does not exist/);
    expect(stored()).toBeNull();
  });

  it('makes a saved low-score issue findable with JQL outcomeScore < 50, and a high one not', async () => {
    const low: IssueLensDraft = { hypothesis: { persona: 'shopper' }, expected: {}, killCriteria: {} };
    data(await save('member', { version: 0, draft: low }, 'DEMO-1'));
    data(await save('member', { version: 0, draft: aBetDraft() }, 'DEMO-2'));
    const lowScore = stored('DEMO-1')!.score as number;
    const highScore = stored('DEMO-2')!.score as number;
    expect(lowScore).toBeLessThan(50);
    expect(highScore).toBeGreaterThanOrEqual(50);
    // Once Jira's search index has taken the saves in (its lag is the search-lag tests' subject).
    app.jira.index.catchUp();
    const res = await app.jira.handle({
      method: 'POST',
      path: '/rest/api/3/search/jql',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jql: 'project = DEMO AND outcomeScore < 50', fields: ['summary'] }),
      actor: { type: 'user', accountId: app.accountIdOf('admin') },
    });
    expect(res.status).toBe(200);
    const keys = (JSON.parse(res.body) as { issues: Array<{ key: string }> }).issues.map((i) => i.key);
    expect(keys).toContain('DEMO-1');
    expect(keys).not.toContain('DEMO-2');
  });

  // The JQL is the one the panel names to the person (RECIPE_JQL): it named `recipe = true` once, which Jira
  // refuses (`true` is a reserved word).
  it('writes the indexed recipe flag with the lens, so the JQL the panel names finds the recipe', async () => {
    data(await save('member', { version: 0, draft: aBetDraft() }, 'DEMO-1'));
    data(await save('member', { version: 0, draft: aBetDraft() }, 'DEMO-2'));
    expect(stored('DEMO-1')).toMatchObject({ recipe: 'true' });
    expect(stored('DEMO-2')).toMatchObject({ recipe: 'false' });
    app.jira.index.catchUp();
    const res = await app.jira.handle({
      method: 'POST',
      path: '/rest/api/3/search/jql',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jql: `project = DEMO AND ${RECIPE_JQL}`, fields: ['summary'] }),
      actor: { type: 'user', accountId: app.accountIdOf('admin') },
    });
    expect(res.status).toBe(200);
    expect((JSON.parse(res.body) as { issues: Array<{ key: string }> }).issues.map((i) => i.key)).toEqual([
      'DEMO-1',
    ]);
  });
});

describe('putting the saved hypothesis into the Jira description', () => {
  const RECIPE_DESCRIPTION =
    'Create a Save for Later button on the cart screen. Make it blue and put it in the upper right hand corner.';
  const describeAs = (user: string, payload: unknown) =>
    invoke<PanelDescribeData>(ISSUE_PANEL_RESOLVERS.describe, payload, user, 'DEMO-3');
  const descriptionText = () => toPlainText(app.jira.store.getIssue('DEMO-3')!.description as AdfNode | null);

  beforeEach(() => {
    app.jira.store.createIssue({
      key: 'DEMO-3',
      summary: 'Shoppers lose the items they meant to buy later',
      description: RECIPE_DESCRIPTION,
    });
  });

  it('replaces the description as the user, and the issue stops reading as a recipe', async () => {
    expect(data(await load('member', 'DEMO-3'))).toBeTruthy();
    const saved = data(await save('member', { version: 0, draft: aBetDraft() }, 'DEMO-3'));
    expect(stored('DEMO-3')).toMatchObject({ recipe: 'true' });
    const answer = data(await describeAs('member', { change: 'replace', version: saved.lens.version }));
    expect(toPlainText(answer.description)).toMatch(/^As a shopper, I want to bookmark items in the cart/);
    expect(descriptionText()).toBe(toPlainText(answer.description));
    expect(descriptionText()).not.toMatch(/blue/);
    // The change is Jira's own edit, made as the member: it is in the issue's history under their name.
    const history = app.jira.store.listChangelog(app.jira.store.getIssue('DEMO-3')!.id);
    expect(history.at(-1)).toMatchObject({ author: app.accountIdOf('member') });
    expect(stored('DEMO-3')).toMatchObject({ recipe: 'false' });
    // Reloaded, the panel reads the new description.
    expect(toPlainText(data(await load('member', 'DEMO-3')).issue.description)).toMatch(/^As a shopper/);
  });

  it('stores the score the new description earns with the recipe flag: what JQL outcomeScore reads', async () => {
    const saved = data(await save('member', { version: 0, draft: aBetDraft() }, 'DEMO-3'));
    const before = stored('DEMO-3')!.score as number;
    data(await describeAs('member', { change: 'replace', version: saved.lens.version }));
    const after = stored('DEMO-3')!.score as number;
    // No longer a recipe: the framing counts in full, as the panel shows at once.
    expect(after).toBeGreaterThan(before);
    expect(stored('DEMO-3')).toMatchObject({ recipe: 'false', version: saved.lens.version });
    // The score a save of the same draft stores now.
    data(await save('member', { version: saved.lens.version, draft: aBetDraft() }, 'DEMO-3'));
    expect(stored('DEMO-3')!.score).toBe(after);
  });

  it('puts the hypothesis on top and keeps the old description below it', async () => {
    const saved = data(await save('member', { version: 0, draft: aBetDraft() }, 'DEMO-3'));
    data(await describeAs('member', { change: 'prefix', version: saved.lens.version }));
    expect(descriptionText()).toMatch(
      /^As a shopper, [^]*We expect cart drop-off[^]*\n+Create a Save for Later button/,
    );
  });

  it('puts it on top once when the same request is sent again after its answer was lost', async () => {
    const saved = data(await save('member', { version: 0, draft: aBetDraft() }, 'DEMO-3'));
    const payload = { change: 'prefix', version: saved.lens.version };
    const first = toPlainText(data(await describeAs('member', payload)).description);
    const again = toPlainText(data(await describeAs('member', payload)).description);
    expect(again).toBe(first);
    expect(descriptionText().match(/As a shopper/g)).toHaveLength(1);
    expect(descriptionText().match(/Create a Save for Later button/g)).toHaveLength(1);
  });

  it('replaces the hypothesis it put on top before with the edited one, and keeps a lead a person edited', async () => {
    const first = data(await save('member', { version: 0, draft: aBetDraft() }, 'DEMO-3'));
    data(await describeAs('member', { change: 'prefix', version: first.lens.version }));
    const edited = aBetDraft({
      hypothesis: { ...aBetDraft().hypothesis, benefit: 'I can finish my shopping later' },
    });
    const second = data(await save('member', { version: first.lens.version, draft: edited }, 'DEMO-3'));
    data(await describeAs('member', { change: 'prefix', version: second.lens.version }));
    const text = descriptionText();
    expect(text.match(/As a shopper/g)).toHaveLength(1);
    expect(text).toMatch(
      /^As a shopper, [^]*so that I can finish my shopping later\.[^]*\n+Create a Save for Later/,
    );
    expect(text).not.toMatch(/come back and finish/);
    // The lead edited by hand is the person's text now: the next hypothesis goes above it, and it stays.
    const doc = app.jira.store.getIssue('DEMO-3')!.description as {
      type: 'doc';
      version: number;
      content: AdfNode[];
    };
    const byHand = {
      type: 'paragraph',
      content: [{ type: 'text', text: 'As a shopper, I want my cart kept.' }],
    };
    app.jira.store.updateIssueFields(app.jira.store.getIssue('DEMO-3')!.id, {
      description: { ...doc, content: [byHand, ...doc.content.slice(1)] },
    });
    const third = data(await save('member', { version: second.lens.version, draft: aBetDraft() }, 'DEMO-3'));
    data(await describeAs('member', { change: 'prefix', version: third.lens.version }));
    expect(descriptionText()).toMatch(/come back and finish\.[^]*\n+As a shopper, I want my cart kept\./);
  });

  it('refuses a viewer, an unsaved hypothesis and a stale version, and leaves the description alone', async () => {
    const before = descriptionText();
    expect(error(await describeAs('member', { change: 'replace', version: 0 })).code).toBe('VALIDATION');
    const saved = data(await save('member', { version: 0, draft: aBetDraft() }, 'DEMO-3'));
    expect(error(await describeAs('viewer', { change: 'replace', version: saved.lens.version })).code).toBe(
      'NOT_AUTHORIZED',
    );
    expect(error(await describeAs('member', { change: 'replace', version: 7 })).code).toBe('CONFLICT');
    const partial = aBetDraft({ hypothesis: { persona: 'shopper' } });
    const half = data(await save('member', { version: saved.lens.version, draft: partial }, 'DEMO-3'));
    expect(
      error(await describeAs('member', { change: 'prefix', version: half.lens.version })).message,
    ).toMatch(/Save a hypothesis with persona, intent and benefit first/);
    // The admin saves while the member's panel still shows the half version: the refusal names who saved, and when.
    data(await save('admin', { version: half.lens.version, draft: aBetDraft() }, 'DEMO-3'));
    const missed = error(await describeAs('member', { change: 'replace', version: half.lens.version }));
    expect(missed).toMatchObject({ code: 'CONFLICT', message: STALE_VERSION_MESSAGE });
    expect(missed.lastWrite).toEqual({
      accountId: app.accountIdOf('admin'),
      name: 'Ada Admin',
      at: stored('DEMO-3')!.updatedAt,
    });
    expect(descriptionText()).toBe(before);
  });

  it('turns the change away before the description is touched while another writer holds the issue', async () => {
    const saved = data(await save('member', { version: 0, draft: aBetDraft() }, 'DEMO-3'));
    const before = descriptionText();
    const scan = await runInInvocation(
      { accountId: null, moduleKey: 'scan', installContext: app.installContext },
      () => takeLensClaim('DEMO-3', { waitMs: 0 }),
    );
    if (!scan.held) throw new Error('the claim was not taken');
    const busy = error(await describeAs('member', { change: 'replace', version: saved.lens.version }));
    expect(busy.code).toBe('CONFLICT');
    expect(busy.message).toMatch(
      /right now, so its description was not changed\. Try again in \d+ seconds?\./,
    );
    expect(busy.retryAfterSeconds).toBeGreaterThan(0);
    expect(descriptionText()).toBe(before);
    expect(stored('DEMO-3')).toMatchObject({ recipe: 'true' });
  });

  it('says the description changed when only the recipe flag after it could not be written', async () => {
    const saved = data(await save('member', { version: 0, draft: aBetDraft() }, 'DEMO-3'));
    app.jira.faults.inject({
      kind: 'server-error',
      status: 500,
      match: { method: 'PUT', pathIncludes: `/properties/${ISSUE_PROPERTY_KEY}` },
    });
    const answer = data(await describeAs('member', { change: 'replace', version: saved.lens.version }));
    expect(answer.recipeFlagPending).toBe(true);
    expect(descriptionText()).toMatch(/^As a shopper/);
    app.jira.faults.clear();
    // The flag is still the old one; nothing else of the lens changed.
    expect(stored('DEMO-3')).toMatchObject({ recipe: 'true', version: saved.lens.version });
  });

  it('tells a person refused by their own newer save that the newer version is theirs', async () => {
    const first = data(
      await save('member', { version: 0, draft: aBetDraft(), requestId: 'tab-one-request' }, 'DEMO-3'),
    );
    // A second tab, still on version 0, saves with its own request.
    const missed = error(
      await save(
        'member',
        { version: 0, draft: aBetDraft({ hypothesis: { persona: 'buyer' } }), requestId: 'tab-two-request' },
        'DEMO-3',
      ),
    );
    expect(missed).toMatchObject({ code: 'CONFLICT', message: OWN_NEWER_VERSION_MESSAGE });
    expect(missed.lastWrite).toMatchObject({ accountId: app.accountIdOf('member'), byYou: true });
    // The first tab saves again, and then puts its hypothesis into the description on its version.
    data(await save('member', { version: first.lens.version, draft: aBetDraft() }, 'DEMO-3'));
    const described = error(await describeAs('member', { change: 'replace', version: first.lens.version }));
    expect(described).toMatchObject({ code: 'CONFLICT', lastWrite: { byYou: true } });
    // Someone else's newer save is named as theirs.
    data(await save('admin', { version: first.lens.version + 1, draft: aBetDraft() }, 'DEMO-3'));
    const theirs = error(
      await save('member', { version: first.lens.version + 1, draft: aBetDraft() }, 'DEMO-3'),
    );
    expect(theirs).toMatchObject({ message: STALE_VERSION_MESSAGE });
    expect(theirs.lastWrite?.byYou).toBeUndefined();
  });
});

describe('reading a pasted story', () => {
  const read = (payload: unknown, user = 'member', issueKey = 'DEMO-1') =>
    invoke<PanelStoryData>(ISSUE_PANEL_RESOLVERS.readStory, payload, user, issueKey);
  const utcDay = (offsetDays = 0) =>
    new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

  it('gives the fields the story fills, every expectation in it, the notes to read and what it lacks', async () => {
    const story =
      'As a shopper, I want to bookmark items in the cart, so that I can finish later. We expect cart drop-off to fall from 40% to 30% and support tickets to drop from 120 to 80 by 2027-03-01.';
    const reading = data(await read({ story }));
    expect(reading).toMatchObject({
      recipe: [],
      persona: 'shopper',
      intent: 'bookmark items in the cart',
      benefit: 'I can finish later',
      missing: [],
    });
    expect(reading.expected.map((e) => [e.metric, e.baseline, e.target, e.checkBy])).toEqual([
      ['cart drop-off', 40, 30, '2027-03-01'],
      ['support tickets', 120, 80, '2027-03-01'],
    ]);
    // A movement in a sentence of its own after the story is one more expectation, not dropped.
    const later = data(
      await read({
        story: `${story.replace(' and support tickets to drop from 120 to 80', '')} NPS should rise from 20 to 30 by 2027-06-01.`,
      }),
    );
    expect(later.expected.map((e) => [e.metric, e.baseline, e.target, e.checkBy])).toEqual([
      ['cart drop-off', 40, 30, '2027-03-01'],
      ['NPS', 20, 30, '2027-06-01'],
    ]);
    const bare = data(await read({ story: 'Shoppers lose their carts' }));
    expect(bare.missing).toEqual(expect.arrayContaining([expect.stringMatching(/^No persona/)]));
  });

  it('points out a recipe, and reads numbers with the person’s decimal mark', async () => {
    const recipe = data(
      await read({
        story: 'As a PO, I want a Save for Later button so shoppers can store items in the cart.',
      }),
    );
    expect(recipe.recipe).toEqual(expect.arrayContaining(['a Save for Later button']));
    const german = data(
      await read({
        story: 'We expect conversion to rise from 2,5% to 3,75% by 2027-06-30.',
        decimalMark: ',',
      }),
    );
    expect(german.expected[0]).toMatchObject({ metric: 'conversion', baseline: 2.5, target: 3.75 });
  });

  it('counts "within 10 days" from the person’s day when it is within a day of the server’s, else from the server’s', async () => {
    const story = 'We expect cart drop-off to fall from 40% to 30% within 10 days.';
    const checkBy = async (today?: string) =>
      data(await read({ story, ...(today ? { today } : {}) })).expected[0]?.checkBy;
    const tomorrow = utcDay(1);
    const tenAfter = (day: string) =>
      new Date(Date.parse(`${day}T00:00:00Z`) + 10 * 86_400_000).toISOString().slice(0, 10);
    expect(await checkBy(tomorrow)).toBe(tenAfter(tomorrow));
    // A clock a week off is not the person's day: the server's is used.
    expect([tenAfter(utcDay()), tenAfter(utcDay(1))]).toContain(await checkBy(utcDay(7)));
    expect([tenAfter(utcDay()), tenAfter(utcDay(1))]).toContain(await checkBy());
  });

  it('refuses what is not a story, with a message the box can show, and a panel open on another issue', async () => {
    const refusals = [
      [{ story: '   ' }, /box is empty/],
      // Only zero-width spaces, a word joiner and a direction mark: as empty to the eye.
      [{ story: '\u200b\u200b \u2060\u200e' }, /box is empty/],
      [{}, /Paste the story as text/],
      [{ story: 42 }, /Paste the story as text/],
      [{ story: 'x'.repeat(MAX_PASTED_STORY_CHARS + 1) }, /more than 100,000 characters/],
      [{ story: 'A story', decimalMark: ';' }, /decimal mark/],
      [{ story: 'A story', today: '2026-02-30' }, /not a real calendar date/],
      [{ story: 'A story', extra: true }, /.+/],
    ] as const;
    for (const [payload, message] of refusals) {
      const refused = error(await read(payload));
      expect(refused.code).toBe('VALIDATION');
      expect(refused.message).toMatch(message);
    }
    const elsewhere = error(await read({ story: 'As a shopper, I want to save.', issueKey: 'DEMO-2' }));
    expect(elsewhere.message).toMatch(/open on DEMO-1; it cannot read or write DEMO-2/);
  });

  it('reads the first 20,000 characters of a long paste and says so', async () => {
    const long = `As a shopper, I want to save items, so that I can buy later. ${'More words. '.repeat(2_000)}`;
    const reading = data(await read({ story: long }));
    expect(reading.persona).toBe('shopper');
    expect(reading.notes).toContain('Only the first 20000 characters were read.');
  });
});
