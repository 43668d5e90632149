/**
 * A lens that holds parts the app cannot read (written by another tool, by hand or by a newer version) keeps them
 * through the app's writes that leave those parts alone: "put the hypothesis on top" of the description, and the
 * scan's verdict. Before, each write stored what the lenient reader could read, and the rest was gone.
 */
import {
  ISSUE_PANEL_RESOLVERS as R,
  type PanelDescribeData,
  type PanelLoadData,
  type PanelSaveData,
} from '../../src/contract/issue-panel';
import { ISSUE_PROPERTY_KEY } from '../../src/domain/issue-lens';
import type { WorkbenchApp } from '../../workbench/app';
import { aBetDraft } from '../support/builders';
import { anIssuePanelApp, callPanel, dataOf } from '../support/issue-panel-app';

const KEY = 'DEMO-3';
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

/** A bet as another tool stores it: a day with its time, and a condition and a verdict the app cannot read. */
const bet = aBetDraft();
const BY_ANOTHER_TOOL = {
  version: 2,
  hypothesis: bet.hypothesis,
  expected: { ...bet.expected, checkBy: '2027-03-01T00:00:00.000Z' },
  killCriteria: {
    deadline: '2027-02-01T00:00:00Z',
    maxIdleDays: 30,
    condition: { text: 'Legal', reviewDate: 'Q3' },
  },
  result: { verdict: 'mostly-worked', evidence: 'Drop-off fell to 31% in the March cohort.' },
};

let app: WorkbenchApp;
beforeEach(() => {
  app = anIssuePanelApp({
    key: KEY,
    summary: 'Shoppers lose carts',
    description: 'Shoppers told us they lose carts.',
  });
  app.jira.store.setIssueProperty(KEY, ISSUE_PROPERTY_KEY, BY_ANOTHER_TOOL);
});
afterEach(() => app.close());

interface StoredLens {
  result?: unknown;
  lastDecision?: unknown;
  zombie?: unknown;
  hasHypothesis?: unknown;
  killDate?: unknown;
  expected: Record<string, unknown>;
  killCriteria: Record<string, unknown>;
}
const stored = () => app.jira.store.getIssueProperty(KEY, ISSUE_PROPERTY_KEY) as StoredLens;

it('keeps what it could not read through "put the hypothesis on top", and reads the dates as their days', async () => {
  const loaded = dataOf(await callPanel<PanelLoadData>(app, R.load, {}, 'member', KEY));
  dataOf(
    await callPanel<PanelDescribeData>(
      app,
      R.describe,
      { change: 'prefix', version: loaded.lens.version },
      'member',
      KEY,
    ),
  );
  const after = stored();
  expect(after.result).toEqual(BY_ANOTHER_TOOL.result);
  expect(after.killCriteria.condition).toEqual(BY_ANOTHER_TOOL.killCriteria.condition);
  expect(after.expected.checkBy).toBe('2027-03-01');
  expect(after.killCriteria.deadline).toBe('2027-02-01');
  // The indexed values follow the writing, not what another tool left (nothing).
  expect(after.hasHypothesis).toBe('true');
  expect(after.killDate).toBe('2027-02-01');
});

it("keeps what it could not read through the scan's verdict and a kill review's Keep", async () => {
  app.jira.store.updateIssueFields(app.jira.store.getIssue(KEY)!.id, { updated: ago(90) });
  app.registerConsumers();
  const started = (await app.invoke(
    'outcome-lens-project-page',
    'scanNow',
    {},
    {
      user: 'admin',
      projectKey: 'DEMO',
    },
  )) as { ok: boolean };
  expect(started.ok).toBe(true);
  await app.queue.runDue({ until: 'idle', advanceClock: true });
  const after = stored();
  expect(after.zombie).toBe('true');
  expect(after.result).toEqual(BY_ANOTHER_TOOL.result);
  expect(after.killCriteria.condition).toEqual(BY_ANOTHER_TOOL.killCriteria.condition);

  // And through a Keep in the kill review.
  const kept = (await app.invoke(
    'outcome-lens-project-page',
    'decide',
    {
      issueKey: KEY,
      idempotencyKey: 'keep-unread-1',
      decision: {
        kind: 'keep',
        reason: 'Peak season first',
        snoozeUntil: new Date(Date.now() + 30 * DAY).toISOString().slice(0, 10),
      },
    },
    { user: 'admin', projectKey: 'DEMO' },
  )) as { ok: boolean };
  expect(kept).toEqual(expect.objectContaining({ ok: true }));
  const decided = stored();
  expect(decided.zombie).toBe('false');
  expect(decided.result).toEqual(BY_ANOTHER_TOOL.result);
  expect(decided.killCriteria.condition).toEqual(BY_ANOTHER_TOOL.killCriteria.condition);
});

describe('a lens the kept parts would take past 32 KB', () => {
  /** Fits Jira's limit as stored (32,600 characters); read without its unreadable 10 KB result, far less. */
  function nearTheLimit(extra: Record<string, unknown>): Record<string, unknown> {
    const base = {
      version: 1,
      hypothesis: { persona: 'p', intent: 'i', benefit: 'b' },
      result: { verdict: 'mostly-worked', evidence: 'e'.repeat(10_000) },
      ...extra,
    };
    const pad = 32_600 - JSON.stringify(base).length;
    return { ...base, hypothesis: { ...base.hypothesis, benefit: 'b'.repeat(pad) } };
  }

  it('is written without them by a Kill, which closes and records the issue', async () => {
    app.jira.store.setIssueProperty(
      KEY,
      ISSUE_PROPERTY_KEY,
      nearTheLimit({
        zombie: 'true',
        flag: {
          flaggedAt: ago(2),
          rules: [{ rule: 'idle', since: ago(70).slice(0, 10), detail: 'x', clearBy: 'y' }],
          labelApplied: false,
          commented: true,
        },
      }),
    );
    const killed = (await app.invoke(
      'outcome-lens-project-page',
      'decide',
      {
        issueKey: KEY,
        idempotencyKey: 'kill-near-limit-1',
        decision: { kind: 'kill', reason: 'Not wanted' },
      },
      { user: 'admin', projectKey: 'DEMO' },
    )) as { ok: boolean };
    expect(killed).toEqual(expect.objectContaining({ ok: true }));
    expect(app.jira.store.getIssue(KEY)!.statusCategory).toBe('done');
    const after = stored();
    expect(after.zombie).toBe('false');
    expect(after.result).toBeNull();
    expect(JSON.stringify(after).length).toBeLessThanOrEqual(32_768);
  });

  it('is written without them by the scan, whose run finishes', async () => {
    app.jira.store.setIssueProperty(KEY, ISSUE_PROPERTY_KEY, nearTheLimit({}));
    app.jira.store.updateIssueFields(app.jira.store.getIssue(KEY)!.id, { updated: ago(120) });
    app.registerConsumers();
    await app.invoke('outcome-lens-project-page', 'scanNow', {}, { user: 'admin', projectKey: 'DEMO' });
    await app.queue.runDue({ until: 'idle', advanceClock: true });
    const runs = (await app.invoke(
      'outcome-lens-project-page',
      'scanRuns',
      {},
      {
        user: 'admin',
        projectKey: 'DEMO',
      },
    )) as { ok: true; data: { runs: Array<{ status: string }> } };
    expect(runs.data.runs[0]?.status).toBe('finished');
    expect(stored().zombie).toBe('true');
  });
});

it('answers a panel save as the panel reads it, so the answer saves again', async () => {
  const loaded = dataOf(await callPanel<PanelLoadData>(app, R.load, {}, 'member', KEY));
  const edit = (lens: PanelLoadData['lens'], intent: string) => ({
    version: lens.version,
    draft: { ...lens.draft, hypothesis: { ...lens.draft.hypothesis, intent } },
  });
  const saved = dataOf(
    await callPanel<PanelSaveData>(app, R.save, edit(loaded.lens, 'save carts'), 'member', KEY),
  );
  // The unreadable result and condition stay in Jira, not in the form the answer fills.
  expect(saved.lens.draft.result).toBeUndefined();
  expect(saved.lens.draft.killCriteria.condition).toBeUndefined();
  expect(stored().result).toEqual(BY_ANOTHER_TOOL.result);
  const again = await callPanel<PanelSaveData>(
    app,
    R.save,
    edit(saved.lens, 'save carts for later'),
    'member',
    KEY,
  );
  expect(again.ok).toBe(true);
});
