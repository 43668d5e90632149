/**
 * The scan's page figures (src/scan/aggregates.ts) stay bounded: past MAX_CELLS distinct filter cells they keep
 * only the unfiltered lanes, and a filtered view then asks for a live count (null) instead of a wrong answer.
 */
import {
  addIssue,
  emptyAggregates,
  MAX_CELLS,
  MAX_SECURED_KEYS,
  mergeAggregates,
  removeIssue,
  type StoredAggregates,
} from '../../src/scan/aggregates';
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

describe('the issues under a security level that the figures counted', () => {
  const secured = (n: number): JiraIssue => {
    const plain = issue(n, 'acc-0');
    return { ...plain, fields: { ...plain.fields, security: { id: '10001', name: 'Leads only' } } };
  };

  it('are noted with their keys, and only they', () => {
    const agg = emptyAggregates();
    addIssue(agg, issue(1, 'acc-0'), judged, fields);
    addIssue(agg, secured(2), judged, fields);
    expect(agg.secured).toEqual({ count: 1, keys: ['P-2'] });
  });

  it('keep at most MAX_SECURED_KEYS keys and count the rest, also across partitions', () => {
    const a = emptyAggregates();
    const b = emptyAggregates();
    for (let n = 0; n < MAX_SECURED_KEYS; n++) addIssue(a, secured(n), judged, fields);
    addIssue(b, secured(MAX_SECURED_KEYS), judged, fields);
    mergeAggregates(a, b);
    expect(a.secured?.count).toBe(MAX_SECURED_KEYS + 1);
    expect(a.secured?.keys).toHaveLength(MAX_SECURED_KEYS);
  });

  it('are not known when a partition was counted without the note (an older cursor)', () => {
    const a = emptyAggregates();
    const older = emptyAggregates();
    delete older.secured;
    addIssue(older, secured(1), judged, fields);
    mergeAggregates(a, older);
    expect(a.secured).toBeUndefined();
  });
});

describe('an issue taken out again (it left the project before the scan wrote to it)', () => {
  const zombie = { ...judged, zombie: true, rules: ['idle' as const], score: 40 };
  const recipe = {
    ...judged,
    isRecipe: true,
    recipePhrases: ['make the button blue'],
    link: 'direct' as const,
    directOutcomeId: 'out-1',
  };
  const withReporter = (n: number, assignee: string, reporter: string): JiraIssue => {
    const plain = issue(n, assignee);
    return {
      ...plain,
      fields: {
        ...plain.fields,
        reporter: { accountId: reporter, displayName: reporter },
        customfield_10020: [{ id: n, name: `Sprint ${n}`, state: 'active' }],
      },
    };
  };

  it('leaves the figures as if it had never been counted (but for the filters it offered)', () => {
    const others = () =>
      [
        [withReporter(1, 'acc-0', 'rep-a'), judged],
        [withReporter(3, 'acc-1', 'rep-a'), recipe],
        [withReporter(4, 'acc-0', 'rep-c'), zombie],
      ] as const;
    const without = emptyAggregates();
    for (const [i, j] of others()) addIssue(without, i, j, fields);

    const agg = emptyAggregates();
    const [first, ...rest] = others();
    addIssue(agg, first[0], first[1], fields);
    const gone = [
      addIssue(agg, withReporter(2, 'acc-9', 'rep-b'), zombie, fields),
      addIssue(agg, withReporter(5, 'acc-0', 'rep-a'), recipe, fields),
    ];
    for (const [i, j] of rest) addIssue(agg, i, j, fields);
    for (const counted of gone) removeIssue(agg, counted);

    const { issueTypes, assignees, sprints, ...figures } = agg;
    const { issueTypes: _t, assignees: _a, sprints: _s, ...expected } = without;
    expect(figures).toEqual(expected);
    // The filters it offered stay: an option that matches nothing more.
    expect(Object.keys(assignees)).toContain('acc-9');
    expect(issueTypes).toEqual(['Story']);
    expect(sprints.map((s) => s.id)).toEqual([1, 2, 5, 3, 4]);
  });

  it('stays counted in the secured note, which keeps the run’s counts from those who may not see it', () => {
    const agg = emptyAggregates();
    const plain = issue(1, 'acc-0');
    removeIssue(
      agg,
      addIssue(
        agg,
        { ...plain, fields: { ...plain.fields, security: { id: '1', name: 'L' } } },
        judged,
        fields,
      ),
    );
    expect(agg.health.total).toBe(0);
    expect(agg.secured).toEqual({ count: 1, keys: ['P-1'] });
  });
});
