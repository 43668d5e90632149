/**
 * A lens write Jira answers with a server error keeps the issue's claim only while that write may still land
 * (src/storage/lens-claim.ts, writeHolding). A 500 or 503 is Jira's own answer that the write is over; a 502 or
 * 504 whose write the lens read back already holds has nothing left to land. In neither case is the next writer
 * of the issue told to wait for someone who is not saving, nor does a person's retry hang until the claim runs out.
 */
import type { Answer } from '../../src/contract/answer';
import {
  ISSUE_PANEL_RESOLVERS,
  type PanelLoadData,
  type PanelSaveData,
} from '../../src/contract/issue-panel';
import type { ConfirmVerdictData, DecideData } from '../../src/contract/project-page';
import { utcDay } from '../../src/domain/dates';
import { ISSUE_PROPERTY_KEY } from '../../src/domain/issue-lens';
import { createWorkbenchApp, type WorkbenchApp } from '../../workbench/app';
import { aBetDraft } from '../support/builders';
import { seedFlaggedIssue } from '../support/flagged-issue';
import { LENS_WRITE, nextLensWriteLandsLate } from '../support/late-lens-write';
import { PAGE_PROJECT, aProjectPageApp, callPage, scanThroughPage } from '../support/project-page-app';
import { seedMeasuredBet } from '../support/results-review';

jest.setTimeout(60_000);

let app: WorkbenchApp;
beforeEach(() => (app = aProjectPageApp()));
afterEach(() => app.close());

/** Well under the 25 s the claim lives: a retry answered in this time did not wait for the claim to run out. */
const PROMPT_MS = 5_000;

const panel = <T>(fn: string, payload: unknown, user: string, issueKey: string) =>
  app.invoke('outcome-lens-issue-panel', fn, payload, { user, issueKey }) as Promise<Answer<T>>;

const STORE_MANAGER = { persona: 'store manager', intent: 'see the whole board', benefit: 'I plan the week' };

/** A save in the panel of `issueKey` (a member's, unless named), on the version it loads. */
async function panelSave(
  issueKey: string,
  requestId?: string,
  { user = 'member', hypothesis = STORE_MANAGER } = {},
): Promise<Answer<PanelSaveData>> {
  const loaded = await panel<PanelLoadData>(ISSUE_PANEL_RESOLVERS.load, {}, user, issueKey);
  if (!loaded.ok) throw new Error(loaded.error.message);
  return panel<PanelSaveData>(
    ISSUE_PANEL_RESOLVERS.save,
    {
      version: loaded.data.lens.version,
      draft: aBetDraft({ hypothesis }),
      ...(requestId ? { requestId } : {}),
    },
    user,
    issueKey,
  );
}

/** The next read of the lens fails (a 500): a try cannot tell whether its write landed, and keeps the claim. */
function nextLensReadFails(): void {
  app.jira.faults.inject({
    kind: 'server-error',
    status: 500,
    applied: false,
    times: 1,
    match: { method: 'GET', pathIncludes: `/properties/${ISSUE_PROPERTY_KEY}` },
  });
}

async function timed<T>(call: () => Promise<T>): Promise<{ answer: T; ms: number }> {
  const started = Date.now();
  const answer = await call();
  return { answer, ms: Date.now() - started };
}

describe.each([502, 500] as const)('a Keep whose lens write Jira made but answered %i', (status) => {
  it('leaves the issue free for the next save, before and after the Keep is pressed again', async () => {
    const key = seedFlaggedIssue(app.jira.store, PAGE_PROJECT);
    const keep = {
      issueKey: key,
      idempotencyKey: `keep-made-${status}`,
      decision: { kind: 'keep', reason: 'Planned for next quarter', snoozeUntil: '2035-01-01' },
    };
    app.jira.faults.inject({ kind: 'server-error', status, applied: true, times: 1, match: LENS_WRITE });
    const first = await callPage<DecideData>(app, 'decide', keep, 'member');
    expect(first.ok).toBe(false);
    const lens = app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY) as {
      lastDecision?: { idempotencyKey: string };
    };
    expect(lens.lastDecision?.idempotencyKey).toBe(keep.idempotencyKey);

    const saved = await timed(() => panelSave(key));
    expect(saved.answer.ok).toBe(true);
    expect(saved.ms).toBeLessThan(PROMPT_MS);

    expect((await callPage<DecideData>(app, 'decide', keep, 'member')).ok).toBe(true);
    expect((await panelSave(key)).ok).toBe(true);
  });
});

describe('a Keep retried while its first try still holds the claim', () => {
  // The retry takes the claim over from the live first try (a decision's policy) and keeps it for that try's
  // write; when the lens already carries that write, nothing is left to land and the claim is given back.
  it('gives the claim back once the lens shows the first try wrote it', async () => {
    const key = seedFlaggedIssue(app.jira.store, PAGE_PROJECT);
    const keep = {
      issueKey: key,
      idempotencyKey: 'keep-retried-live',
      decision: { kind: 'keep', reason: 'Planned for next quarter', snoozeUntil: '2035-01-01' },
    };
    app.jira.faults.inject({ kind: 'server-error', status: 502, applied: true, times: 1, match: LENS_WRITE });
    // The read-back fails too: the first try cannot tell its write landed and keeps the claim.
    nextLensReadFails();
    expect((await callPage<DecideData>(app, 'decide', keep, 'member')).ok).toBe(false);
    expect((await panelSave(key)).ok).toBe(false);
    expect((await callPage<DecideData>(app, 'decide', keep, 'member')).ok).toBe(true);
    expect((await panelSave(key)).ok).toBe(true);
  });
});

describe.each([500, 502] as const)('a verdict whose lens write Jira made but answered %i', (status) => {
  it('is answered at once as recorded when confirmed again', async () => {
    // The measured bet's seed makes its own project.
    app.close();
    app = createWorkbenchApp({ dataFile: ':memory:', contract: true });
    const key = await seedMeasuredBet(app, utcDay(new Date()));
    await scanThroughPage(app);
    const payload = {
      issueKey: key,
      idempotencyKey: `verdict-made-${status}`,
      result: { verdict: 'validated', evidence: 'Abandonment fell to 33% in four weeks.' },
    };
    app.jira.faults.inject({ kind: 'server-error', status, applied: true, times: 1, match: LENS_WRITE });
    expect((await callPage<ConfirmVerdictData>(app, 'confirmVerdict', payload, 'admin')).ok).toBe(false);
    const again = await timed(() => callPage<ConfirmVerdictData>(app, 'confirmVerdict', payload, 'admin'));
    expect(again.answer.ok).toBe(true);
    expect(again.ms).toBeLessThan(PROMPT_MS);
    expect((await panelSave(key)).ok).toBe(true);
  });
});

describe('a panel save answered 503, not written', () => {
  it('is saved at once when the person presses Save again', async () => {
    app.jira.store.createIssue({ key: 'DEMO-1', summary: 'Shoppers lose their cart when they leave' });
    app.jira.faults.inject({
      kind: 'server-error',
      status: 503,
      applied: false,
      times: 1,
      match: LENS_WRITE,
    });
    const first = await panelSave('DEMO-1', 'save-503-0001');
    expect(first.ok).toBe(false);
    expect(app.jira.store.getIssueProperty('DEMO-1', ISSUE_PROPERTY_KEY)).toBeUndefined();
    const again = await timed(() => panelSave('DEMO-1', 'save-503-0001'));
    expect(again.answer.ok).toBe(true);
    expect(again.ms).toBeLessThan(PROMPT_MS);
  });
});

describe('a panel save answered 504, its write still on its way', () => {
  // The first try ends keeping the claim for its write; the person's Save again (the same request) was kept
  // waiting for an invocation that was over, then told someone else was saving. It now takes the claim over at
  // once, and keeps it in turn until the late write can no longer land over anyone.
  it('is saved promptly when the person presses Save again, and the issue stays closed to others meanwhile', async () => {
    app.jira.store.createIssue({ key: 'DEMO-1', summary: 'Shoppers lose their cart when they leave' });
    nextLensWriteLandsLate(app);
    expect((await panelSave('DEMO-1', 'save-504-0001')).ok).toBe(false);
    const again = await timed(() => panelSave('DEMO-1', 'save-504-0001'));
    expect(again.answer.ok).toBe(true);
    expect(again.ms).toBeLessThan(PROMPT_MS);
    const saved = app.jira.store.getIssueProperty('DEMO-1', ISSUE_PROPERTY_KEY) as { version: number };

    const other = await panel<PanelLoadData>(ISSUE_PANEL_RESOLVERS.load, {}, 'admin', 'DEMO-1');
    if (!other.ok) throw new Error(other.error.message);
    const othersSave = await panel<PanelSaveData>(
      ISSUE_PANEL_RESOLVERS.save,
      { version: other.data.lens.version, draft: aBetDraft() },
      'admin',
      'DEMO-1',
    );
    expect(othersSave.ok ? 'saved' : othersSave.error.code).toBe('CONFLICT');

    // The first try's write lands: the same save, so nothing of anyone's is lost.
    await app.jira.landBackgroundTasks();
    const after = app.jira.store.getIssueProperty('DEMO-1', ISSUE_PROPERTY_KEY) as {
      version: number;
      hypothesis?: { persona?: string };
    };
    expect(after.version).toBe(saved.version);
    expect(after.hypothesis?.persona).toBe('store manager');
  });
});

describe("a Kill's second lens write (the marker with the comment's id) answered 504, still on its way", () => {
  // A Kill writes its lens twice, with one version and one key: the read-back took the first write for the second
  // and gave the claim back, and the late write then landed over the next person's save.
  const SECOND_WRITE = { ...LENS_WRITE, bodyIncludes: '"commentId"' };

  const AUDITOR = { persona: 'auditor', intent: 'see why it was killed', benefit: 'I trust the log' };
  const saveAfterKill = (key: string) => panelSave(key, undefined, { user: 'admin', hypothesis: AUDITOR });

  it('keeps the claim: the next save waits, and the late write lands over nobody', async () => {
    const key = seedFlaggedIssue(app.jira.store, PAGE_PROJECT);
    nextLensWriteLandsLate(app, SECOND_WRITE);
    const kill = {
      issueKey: key,
      idempotencyKey: 'kill-late-2nd',
      decision: { kind: 'kill', reason: 'Not needed' },
    };
    expect((await callPage<DecideData>(app, 'decide', kill, 'admin')).ok).toBe(false);
    const saved = await saveAfterKill(key);
    expect(saved.ok ? 'saved' : saved.error.code).toBe('CONFLICT');
    await app.jira.landBackgroundTasks();
    const lens = app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY) as {
      lastDecision?: { idempotencyKey: string; commentId?: string };
    };
    expect(lens.lastDecision).toMatchObject({
      idempotencyKey: 'kill-late-2nd',
      commentId: expect.any(String),
    });
  });

  it('is waited for by the Kill pressed again, which keeps the claim it took over', async () => {
    const key = seedFlaggedIssue(app.jira.store, PAGE_PROJECT);
    nextLensWriteLandsLate(app, SECOND_WRITE);
    // The read-back fails too: the first try cannot tell, and keeps the claim.
    nextLensReadFails();
    const kill = {
      issueKey: key,
      idempotencyKey: 'kill-late-2nd-retry',
      decision: { kind: 'kill', reason: 'Not needed' },
    };
    expect((await callPage<DecideData>(app, 'decide', kill, 'admin')).ok).toBe(false);
    expect((await callPage<DecideData>(app, 'decide', kill, 'admin')).ok).toBe(true);
    const saved = await saveAfterKill(key);
    expect(saved.ok ? 'saved' : saved.error.code).toBe('CONFLICT');
    await app.jira.landBackgroundTasks();
    expect(
      (
        app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY) as {
          lastDecision?: { idempotencyKey: string };
        }
      ).lastDecision?.idempotencyKey,
    ).toBe('kill-late-2nd-retry');
  });
});
