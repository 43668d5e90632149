/**
 * The scan's page figures (src/scan/aggregates.ts) stay bounded: past MAX_CELLS distinct filter cells they keep
 * only the unfiltered lanes, and a filtered view then asks for a live count (null) instead of a wrong answer.
 */
import { addIssue, emptyAggregates, MAX_CELLS, type StoredAggregates } from '../../src/scan/aggregates';
import { summaryFromAggregates } from '../../src/services/outcome-map';
import type { JiraIssue } from '../../src/jira/schemas';

const fields = { sprint: 'customfield_10020', storyPoints: 'customfield_10016' };
const judged = {
  directOutcomeId: null,
  parentOutcomeId: null,
  link: 'none' as const,
  isRecipe: false,
  recipePhrases: [],
  score: 10,
  zombie: false,
  rules: [],
};
const issue = (n: number, assignee: string): JiraIssue => ({
  id: String(10_000 + n),
  key: `P-${n}`,
  fields: {
    summary: `Item ${n}`,
    issuetype: { name: 'Story' },
    assignee: { accountId: assignee, displayName: assignee },
    customfield_10016: 2,
  },
});

it('keeps every filter cell while they fit, and answers a filtered view from them', () => {
  const agg = emptyAggregates();
  for (let n = 0; n < 10; n++) addIssue(agg, issue(n, `acc-${n % 2}`), judged, fields);
  const stored: StoredAggregates = { ...agg, runId: 'r', at: '2026-11-30T00:00:00.000Z' };
  expect(agg.detailed).toBe(true);
  expect(summaryFromAggregates(stored, [], { assignee: 'acc-1' })).toMatchObject({
    total: 5,
    asOf: stored.at,
  });
  expect(summaryFromAggregates(stored, [], {})).toMatchObject({ total: 10, totalEstimate: 20 });
});

it('past MAX_CELLS keeps the unfiltered lanes only, and a filtered view is counted live', () => {
  const agg = emptyAggregates();
  for (let n = 0; n <= MAX_CELLS; n++) addIssue(agg, issue(n, `acc-${n}`), judged, fields);
  const stored: StoredAggregates = { ...agg, runId: 'r', at: '2026-11-30T00:00:00.000Z' };
  expect(agg.detailed).toBe(false);
  expect(Object.keys(agg.cells)).toHaveLength(0);
  expect(summaryFromAggregates(stored, [], {})).toMatchObject({ total: MAX_CELLS + 1 });
  expect(summaryFromAggregates(stored, [], { assignee: 'acc-1' })).toBeNull();
  expect(Buffer.byteLength(JSON.stringify(stored))).toBeLessThan(240 * 1024);
});
