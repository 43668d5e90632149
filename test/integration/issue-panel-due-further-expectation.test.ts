/**
 * A further expectation stored as it is, whose check-by day came due since, is not held against the bet when the
 * owner edits the first expectation: the save keeps it (alsoCheckByNotBefore), so the score it stores must not
 * count it as a day gone, or the same bet would store two scores by which field the last save touched.
 */
import type { Answer } from '../../src/contract/answer';
import { ISSUE_PANEL_RESOLVERS, type PanelSaveData } from '../../src/contract/issue-panel';
import { ISSUE_PROPERTY_KEY } from '../../src/domain/issue-lens';
import { createWorkbenchApp, type WorkbenchApp } from '../../workbench/app';
import { aBetDraft } from '../support/builders';
import { setWallClock } from '../support/timing';

let app: WorkbenchApp;
beforeEach(() => {
  app = createWorkbenchApp({ dataFile: ':memory:' });
  app.jira.store.createProject({ key: 'DEMO', name: 'Demo' });
  app.grantDemoRoles('DEMO');
  app.jira.store.createIssue({ key: 'DEMO-2', summary: 'Shoppers lose their cart when they leave' });
});
afterEach(() => app.close());

const save = (version: number, draft: unknown) =>
  app.invoke(
    'outcome-lens-issue-panel',
    ISSUE_PANEL_RESOLVERS.save,
    { version, draft },
    { user: 'member', issueKey: 'DEMO-2' },
  ) as Promise<Answer<PanelSaveData>>;

describe('a further expectation that came due, kept as it is', () => {
  it('is not counted against the bet when the first expectation changes, nor again when nothing does', async () => {
    setWallClock(new Date('2026-11-21T12:00:00.000Z'));
    const due = {
      metric: 'return-shopper conversion',
      baseline: 2,
      target: 3,
      direction: 'increase' as const,
      checkBy: '2026-06-01',
    };
    app.jira.store.setIssueProperty('DEMO-2', ISSUE_PROPERTY_KEY, {
      version: 5,
      ...aBetDraft({ alsoExpected: [due] }),
    });
    const retargeted = aBetDraft({ expected: { ...aBetDraft().expected, target: 28 }, alsoExpected: [due] });
    const changed = await save(5, retargeted);
    const unchanged = await save(6, retargeted);
    if (!changed.ok || !unchanged.ok) throw new Error(JSON.stringify([changed, unchanged]));
    expect(changed.data.score).toBe(unchanged.data.score);

    // Added now with a day already gone, it is refused, as before.
    const added = await save(7, { ...retargeted, alsoExpected: [due, { ...due, metric: 'repeat orders' }] });
    expect(added.ok).toBe(false);
  });
});
