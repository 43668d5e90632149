/**
 * Every writer of the lens stamps `updatedAt` (indexed as `lensUpdatedAt`, read by the daily scan's incremental
 * search) in a shape Forge's reference for `jira:entityProperty` documents for a `date` value:
 * [YYYY]-[MM]-[DD]T[hh]:[mm]:[ss][TZ]. With milliseconds, Jira need not index it, and the scan would miss the lens.
 */
import type { Answer } from '../../src/contract/answer';
import { ISSUE_PANEL_RESOLVERS, type PanelSaveData } from '../../src/contract/issue-panel';
import type { DecideData } from '../../src/contract/project-page';
import { ISSUE_PROPERTY_KEY } from '../../src/domain/issue-lens';
import type { WorkbenchApp } from '../../workbench/app';
import { aBetDraft } from '../support/builders';
import {
  PAGE_PROJECT as P,
  aProjectPageApp,
  callPage,
  dataOf,
  scanThroughPage,
} from '../support/project-page-app';

const DOCUMENTED_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:Z|[+-]\d{2}:\d{2})$/;
const DAY_MS = 86_400_000;

let app: WorkbenchApp;
beforeEach(() => (app = aProjectPageApp({ consumers: true })));
afterEach(() => app.close());

const stampOf = (key: string) =>
  (app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY) as { updatedAt: string }).updatedAt;

it("stamps a panel save's lens to the second", async () => {
  const key = app.jira.store.createIssue({ projectKey: P, summary: 'Shoppers lose their cart' }).key;
  const answer = (await app.invoke(
    'outcome-lens-issue-panel',
    ISSUE_PANEL_RESOLVERS.save,
    { version: 0, draft: aBetDraft() },
    { user: 'member', issueKey: key },
  )) as Answer<PanelSaveData>;
  expect(answer.ok).toBe(true);
  expect(stampOf(key)).toMatch(DOCUMENTED_DATE_TIME);
});

it("stamps a kill review decision's lens to the second", async () => {
  const ago = new Date(Date.now() - 200 * DAY_MS).toISOString();
  const key = app.jira.store.createIssue({
    projectKey: P,
    summary: 'Old chore',
    created: ago,
    updated: ago,
  }).key;
  await scanThroughPage(app);
  dataOf(
    await callPage<DecideData>(
      app,
      'decide',
      {
        issueKey: key,
        idempotencyKey: 'keep-stamp-0001',
        decision: { kind: 'keep', reason: 'Planned', killCriteria: { deadline: '2035-01-01' } },
      },
      'member',
    ),
  );
  expect(stampOf(key)).toMatch(DOCUMENTED_DATE_TIME);
});
