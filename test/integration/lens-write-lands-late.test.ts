/**
 * A lens write Jira's gateway answers 504 while Jira goes on and carries it out. The writer keeps the issue's claim
 * until it runs out instead of releasing it: released at once, the next writer's version check passed on the lens
 * as it was, and the late write then landed over that writer's save, which nobody was told of.
 */
import type { Answer } from '../../src/contract/answer';
import {
  ISSUE_PANEL_RESOLVERS,
  type PanelLoadData,
  type PanelSaveData,
} from '../../src/contract/issue-panel';
import { ISSUE_PROPERTY_KEY } from '../../src/domain/issue-lens';
import { LENS_CLAIM_TTL_SECONDS } from '../../src/storage/lens-claim';
import { createWorkbenchApp, type WorkbenchApp } from '../../workbench/app';
import { aBetDraft } from '../support/builders';
import { LENS_WRITE, nextLensWriteLandsLate } from '../support/late-lens-write';

let app: WorkbenchApp;
let offsetMs = 0;
beforeEach(() => {
  offsetMs = 0;
  app = createWorkbenchApp({ dataFile: ':memory:', now: () => new Date(Date.now() + offsetMs) });
  app.jira.store.createProject({ key: 'DEMO', name: 'Demo' });
  app.grantDemoRoles('DEMO');
  app.jira.store.createIssue({ key: 'DEMO-1', summary: 'Shoppers lose their cart when they leave' });
});
afterEach(() => app.close());

const panel = <T>(fn: string, payload: unknown, user: string) =>
  app.invoke('outcome-lens-issue-panel', fn, payload, { user, issueKey: 'DEMO-1' }) as Promise<Answer<T>>;
/** The member's draft, and another person's, each a different persona. */
const MINE = aBetDraft({
  hypothesis: { persona: 'shopper', intent: 'keep my cart', benefit: 'I finish later' },
});
const THEIRS = aBetDraft({
  hypothesis: { persona: 'store manager', intent: 'see the whole board', benefit: 'I plan' },
});
/** A panel save as `user` on `version`, with the request id a panel sends when given. */
const save = (user: string, version: number, draft: typeof MINE, requestId?: string) =>
  panel<PanelSaveData>(
    ISSUE_PANEL_RESOLVERS.save,
    { version, draft, ...(requestId ? { requestId } : {}) },
    user,
  );
const stored = () =>
  app.jira.store.getIssueProperty('DEMO-1', ISSUE_PROPERTY_KEY) as {
    version: number;
    hypothesis: { persona?: string };
  };

it('a save answered 504 that Jira lands later is not overwritten by, and does not overwrite, a save made meanwhile', async () => {
  nextLensWriteLandsLate(app);
  expect((await save('member', 0, MINE, 'late-write-1')).ok).toBe(false);

  // Someone else saves on the version they loaded (0) while the member's write may still land: they are told the
  // issue is being saved, and nothing of theirs is written.
  expect(await save('admin', 0, THEIRS)).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });

  // Jira carries the member's write out; once the claim has run out, the other save meets the version it landed.
  await app.jira.landBackgroundTasks();
  expect(stored()).toMatchObject({ version: 1, hypothesis: { persona: 'shopper' } });
  offsetMs = (LENS_CLAIM_TTL_SECONDS + 1) * 1000;
  expect(await save('admin', 0, THEIRS)).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  expect(stored()).toMatchObject({ version: 1, hypothesis: { persona: 'shopper' } });
  // The member learns their save landed.
  const check = await panel<PanelLoadData>(
    ISSUE_PANEL_RESOLVERS.load,
    { requestId: 'late-write-1' },
    'member',
  );
  expect(check).toMatchObject({ ok: true, data: { requestLanded: true } });
});

it('a save whose write Jira refuses (a 4xx) gives the claim back at once', async () => {
  app.jira.faults.inject({
    kind: 'refused',
    message: 'The property value is not valid.',
    times: 1,
    match: LENS_WRITE,
  });
  expect((await save('member', 0, MINE)).ok).toBe(false);
  expect(await save('admin', 0, THEIRS)).toMatchObject({ ok: true, data: { lens: { version: 1 } } });
});

it('a save answered 502 after Jira wrote it gives the claim back: the lens read back holds it already', async () => {
  app.jira.faults.inject({ kind: 'server-error', status: 502, applied: true, times: 1, match: LENS_WRITE });
  expect((await save('member', 0, MINE, 'landed-write-1')).ok).toBe(false);
  expect(stored()).toMatchObject({ version: 1, hypothesis: { persona: 'shopper' } });
  // Nothing is left to land: the next save meets the stored version at once, not a busy issue.
  expect(await save('admin', 1, THEIRS)).toMatchObject({ ok: true, data: { lens: { version: 2 } } });
});
