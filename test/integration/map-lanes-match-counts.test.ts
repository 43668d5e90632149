/**
 * The outcome map lists in each lane the issues its summary counts there: an issue linked to an outcome that no
 * longer exists (deleted, or carried over from another project) serves no outcome, and so do the children of an
 * epic linked to one. The summary is checked both counted live and from the scan's figures.
 */
import type { WorkbenchApp } from '../../workbench/app';
import { ISSUE_PROPERTY_KEY } from '../../src/domain/issue-lens';
import type { MapLanesData, MapSummaryData, OutcomeView } from '../../src/contract/project-page';
import { NO_OUTCOME } from '../../src/contract/project-page-keys';
import { LANE_LIST_BUDGET, laneJql, openWorkJql } from '../../src/services/outcome-map';
import { parseJql } from '../../workbench/jira/jql';
import { readPropertyIndex } from '../../workbench/jira/property-index';
import type { IssueTypeName } from '../../workbench/jira/types';

import { PAGE_PROJECT as P, aProjectPageApp, callPage, dataOf } from '../support/project-page-app';
import { anOutcomeDraft } from '../support/builders';

let app: WorkbenchApp;
beforeEach(() => (app = aProjectPageApp({ consumers: true })));
afterEach(() => app.close());

async function call<T>(fn: string, payload: unknown, user = 'admin'): Promise<T> {
  return dataOf(await callPage<T>(app, fn, payload, user));
}

const draft = anOutcomeDraft();

function issue(summary: string, type: IssueTypeName, link?: string, parentKey?: string): string {
  const key = app.jira.store.createIssue({
    projectKey: P,
    type,
    summary,
    ...(parentKey ? { parentKey } : {}),
  }).key;
  if (link) app.jira.store.setIssueProperty(key, ISSUE_PROPERTY_KEY, { outcomeId: link });
  return key;
}

/** The map's counts, live and after a scan, are the lanes' listed issues (lane → keys). */
async function expectCountsAsListed(listed: ReadonlyMap<string, string[]>): Promise<void> {
  const live = await call<MapSummaryData>('mapSummary', { filters: {} });
  await call('scanNow', {});
  await app.queue.runDue({ until: 'idle', advanceClock: true });
  const scanned = await call<MapSummaryData>('mapSummary', { filters: {} });
  expect(scanned.asOf).not.toBeNull();
  for (const summary of [live, scanned])
    for (const lane of summary.lanes)
      expect([lane.lane, lane.count]).toEqual([lane.lane, listed.get(lane.lane)?.length]);
}

it('lists an issue or epic linked to a gone outcome, and that epic’s children, under "serves no outcome", as counted', async () => {
  const o = await call<OutcomeView>('createOutcome', { draft });
  const gone = 'gone-outcome-1234';
  const linked = issue('Linked story', 'Story', o.id);
  const epic = issue('Epic of the outcome', 'Epic', o.id);
  // Linked to a gone outcome but under a live epic: the epic's link is the one that counts.
  const strayUnderEpic = issue('Carried over, under a live epic', 'Story', gone, epic);
  const ghost = issue('Linked to a gone outcome', 'Story', gone);
  const ghostEpic = issue('Epic linked to a gone outcome', 'Epic', gone);
  const ghostChild = issue('Child of that epic', 'Story', undefined, ghostEpic);
  const plain = issue('Unlinked story', 'Story');

  const lanes = await call<MapLanesData>('mapLanes', { filters: {}, pageSize: 50 });
  const listed = new Map(lanes.lanes.map((l) => [l.lane, l.issues.map((i) => i.key).sort()]));
  expect(listed.get(NO_OUTCOME)).toEqual([ghost, ghostEpic, ghostChild, plain].sort());
  expect(listed.get(o.id)).toEqual([linked, epic, strayUnderEpic].sort());
  const none = lanes.lanes.find((l) => l.lane === NO_OUTCOME)!;
  expect(none.issues.find((i) => i.key === ghostChild)?.link).toBe('none');

  await expectCountsAsListed(listed);
});

it('lists the sub-tasks of a linked story under its outcome, as counted, not under "serves no outcome"', async () => {
  const o = await call<OutcomeView>('createOutcome', { draft });
  const story = issue('Linked story', 'Story', o.id);
  const part = issue('A part of it', 'Sub-task', undefined, story);
  const linkedPart = issue('A part linked itself', 'Sub-task', o.id, story);
  const plainStory = issue('Unlinked story', 'Story');
  const plainPart = issue('A part of the unlinked story', 'Sub-task', undefined, plainStory);

  const lanes = await call<MapLanesData>('mapLanes', { filters: {}, pageSize: 50 });
  const listed = new Map(lanes.lanes.map((l) => [l.lane, l.issues.map((i) => i.key).sort()]));
  expect(listed.get(o.id)).toEqual([story, part, linkedPart].sort());
  expect(listed.get(NO_OUTCOME)).toEqual([plainStory, plainPart].sort());
  // Listed as the panel and the scan see it: inheriting the story's link, scored with it.
  const inLane = lanes.lanes.find((l) => l.lane === o.id)!.issues.find((i) => i.key === part)!;
  expect(inLane).toMatchObject({ link: 'inherited', via: story });

  await expectCountsAsListed(listed);
});

it('keeps a lane’s JQL within Jira’s length for a project with hundreds of outcomes', () => {
  const known = Array.from(
    { length: 400 },
    (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  );
  // A thousand linked stories besides 50 epics: too many to name, so the epics alone are.
  const parents = new Map(
    Array.from(
      { length: 1050 },
      (_, i) => [`DEMO-${i + 1}`, { outcomeId: known[0]!, epic: i < 50 }] as const,
    ),
  );
  expect(laneJql(known[0]!, parents, known)).toContain('parent IN (DEMO-1, DEMO-2,');
  expect(laneJql(known[0]!, parents, known)).not.toContain('DEMO-51');
  const index = readPropertyIndex();
  for (const ids of [known, known.slice(0, 150)])
    for (const lane of [NO_OUTCOME, known[0]!]) {
      const clause = laneJql(lane, parents, ids);
      expect(clause.length).toBeLessThan(LANE_LIST_BUDGET);
      // Jira's parser (the emulator's, with its length limit) takes the whole query.
      expect(() =>
        parseJql(`${openWorkJql(P, { issueType: 'x'.repeat(255) })} AND ${clause}`, index),
      ).not.toThrow();
    }
  // A handful of outcomes is named, so a link to any other one reads as none.
  expect(laneJql(NO_OUTCOME, new Map(), known.slice(0, 3))).toContain(`NOT IN ("${known[0]}"`);
});
