/**
 * A Keep whose lens write Jira's gateway answers 504 while Jira goes on to carry it out. The person presses Keep
 * again: the retry takes the issue's claim over from the first try and finishes the decision. Before the mend the
 * retry then released the claim, so a panel save made next passed its version check, was told "saved", and the
 * first try's write, landing afterwards, put the old lens back over it.
 */
import type { Answer } from '../../src/contract/answer';
import {
  ISSUE_PANEL_RESOLVERS,
  type PanelLoadData,
  type PanelSaveData,
} from '../../src/contract/issue-panel';
import type { DecideData } from '../../src/contract/project-page';
import { ISSUE_PROPERTY_KEY } from '../../src/domain/issue-lens';
import type { WorkbenchApp } from '../../workbench/app';
import { aBetDraft } from '../support/builders';
import { seedFlaggedIssue } from '../support/flagged-issue';
import { PAGE_PROJECT as P, aProjectPageApp, callPage } from '../support/project-page-app';
import { nextLensWriteLandsLate } from '../support/late-lens-write';

let app: WorkbenchApp;
beforeEach(() => (app = aProjectPageApp()));
afterEach(() => app.close());

const panel = <T>(fn: string, payload: unknown, user: string, issueKey: string) =>
  app.invoke('outcome-lens-issue-panel', fn, payload, { user, issueKey }) as Promise<Answer<T>>;

it('a Keep retried after a 504 that Jira lands later does not let that late write undo a panel save made after', async () => {
  const key = seedFlaggedIssue(app.jira.store, P);
  const keep = {
    issueKey: key,
    idempotencyKey: 'keep-late-0001',
    decision: { kind: 'keep', reason: 'Planned for next quarter', snoozeUntil: '2035-01-01' },
  };
  nextLensWriteLandsLate(app);
  const first = await callPage<DecideData>(app, 'decide', keep, 'member');
  expect(first.ok).toBe(false);

  // The person presses Keep again: the retry finishes the decision.
  const again = await callPage<DecideData>(app, 'decide', keep, 'member');
  expect(again).toMatchObject({ ok: true, data: { entry: { kind: 'keep' } } });

  // Someone then saves a hypothesis in the issue panel, on the version it loads.
  const loaded = await panel<PanelLoadData>(ISSUE_PANEL_RESOLVERS.load, {}, 'admin', key);
  if (!loaded.ok) throw new Error(loaded.error.message);
  const version = loaded.data.lens.version;
  const draft = aBetDraft({
    hypothesis: { persona: 'store manager', intent: 'see the whole board', benefit: 'I plan' },
  });
  const saved = await panel<PanelSaveData>(ISSUE_PANEL_RESOLVERS.save, { version, draft }, 'admin', key);

  // Jira now carries out the first try's write (the decision's own lens, which the retry wrote again).
  await app.jira.landBackgroundTasks();
  const stored = app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY) as {
    version: number;
    hypothesis?: { persona?: string };
  };
  // The retry kept the issue's claim, as the first try would have: the save is told to try again, not that it
  // saved what the late write then undoes.
  expect(saved).toMatchObject({
    ok: false,
    error: { code: 'CONFLICT', retryAfterSeconds: expect.any(Number) },
  });
  expect(stored.version).toBe(version);
  expect(stored.hypothesis?.persona).not.toBe('store manager');
});
