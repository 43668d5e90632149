import fc from 'fast-check';
import { scoreIssue } from '../../src/domain/score';
import { evaluateZombie, ZOMBIE_RULE_IDS } from '../../src/domain/zombie';
import { backlogHealth } from '../../src/domain/backlog-health';
import { parseSettings, DEFAULT_SETTINGS } from '../../src/domain/settings';
import { readLens } from '../../src/domain/issue-lens';
import { analyseStory } from '../../src/domain/analyse-story';

/** No input, however odd, crashes the score, the zombie rules, the settings parser or the health report. */

const text = fc.option(fc.string({ maxLength: 40 }), { nil: undefined });
const num = fc.option(fc.oneof(fc.double(), fc.integer()), { nil: undefined });
const day = fc.option(
  fc
    .date({ min: new Date('1990-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10)),
  { nil: undefined },
);
const timestamp = fc.oneof(
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.string({ maxLength: 30 }),
);
const link = fc.oneof(
  fc.constant({ kind: 'none' as const }),
  fc.record({ kind: fc.constant('direct' as const), outcomeId: fc.string() }),
  fc.record({ kind: fc.constant('inherited' as const), outcomeId: fc.string(), fromIssueKey: fc.string() }),
);
const weights = fc.record({
  hypothesis: fc.nat(100),
  measurable: fc.nat(100),
  outcomeLink: fc.nat(100),
  killCriteria: fc.nat(100),
  problemFraming: fc.nat(100),
  evidence: fc.nat(100),
});
const killCriteria = fc.record(
  {
    deadline: day,
    maxIdleDays: fc.option(fc.integer({ min: -5, max: 5000 }), { nil: undefined }),
    maxSprintsCarried: fc.option(fc.integer({ min: -5, max: 100 }), { nil: undefined }),
    metricThreshold: fc.option(
      fc.record({
        metric: fc.string(),
        comparison: fc.constantFrom('atLeast' as const, 'atMost' as const),
        value: fc.double(),
        by: day.map((d) => d ?? '2027-01-01'),
      }),
      { nil: undefined },
    ),
  },
  { requiredKeys: [] },
);

describe('domain robustness (property-based)', () => {
  it('scores any input within 0..100, with parts summing to the total', () => {
    fc.assert(
      fc.property(
        fc.record({ persona: text, intent: text, benefit: text }),
        fc.record({ metric: text, baseline: num, target: num, checkBy: day }),
        link,
        killCriteria,
        fc.boolean(),
        fc.boolean(),
        fc.array(fc.string(), { maxLength: 5 }),
        fc.nat(10),
        weights,
        fc.double({ min: 0, max: 1, noNaN: true }),
        (hypothesis, expected, l, k, delivered, isRecipe, recipePhrases, problemSignals, w, share) => {
          const s = scoreIssue(
            {
              hypothesis,
              expected,
              link: l,
              killCriteria: k,
              delivered,
              framing: { isRecipe, recipePhrases, problemSignals },
            },
            { weights: w, inheritedLinkShare: share },
          );
          expect(s.total).toBeGreaterThanOrEqual(0);
          expect(s.total).toBeLessThanOrEqual(100);
          expect(s.components.reduce((a, c) => a + c.points, 0)).toBe(s.total);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('evaluates zombie rules on any snapshot without throwing, naming only known rules', () => {
    fc.assert(
      fc.property(
        fc.record({
          key: fc.string(),
          issueType: fc.string(),
          statusCategory: fc.constantFrom('new' as const, 'indeterminate' as const, 'done' as const),
          created: timestamp,
          lastActivityAt: fc.option(timestamp, { nil: null }),
          carryOvers: fc.array(timestamp, { maxLength: 8 }),
          link,
          killCriteria,
          thresholdMetricValue: fc.option(fc.double(), { nil: null }),
          labels: fc.array(fc.string(), { maxLength: 4 }),
          assignee: fc.option(fc.string(), { nil: null }),
          reporter: fc.option(fc.string(), { nil: null }),
          snoozedUntil: fc.option(fc.string({ maxLength: 12 }), { nil: null }),
        }),
        fc.date({ noInvalidDate: true }),
        (snapshot, now) => {
          const verdict = evaluateZombie(snapshot, DEFAULT_SETTINGS, now);
          expect(verdict.isZombie).toBe(verdict.rules.length > 0);
          for (const rule of verdict.rules) expect(ZOMBIE_RULE_IDS).toContain(rule.rule);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('parses any stored settings value into settings or a clear error, never a throw', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const result = parseSettings(value);
        if (!result.ok) expect(result.error.issues.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it('reads any stored property value as a lens', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        expect(readLens(value).schema).toBe(1);
      }),
      { numRuns: 300 },
    );
  });

  it('reports backlog health for any set of items', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            key: fc.string(),
            summary: fc.string(),
            reporter: fc.option(
              fc.record({ accountId: fc.string(), name: fc.option(fc.string(), { nil: null }) }),
              { nil: null },
            ),
            isRecipe: fc.boolean(),
            recipePhrases: fc.array(fc.string(), { maxLength: 3 }),
            link: fc.constantFrom('direct' as const, 'inherited' as const, 'none' as const),
            score: fc.integer({ min: 0, max: 100 }),
            zombieRules: fc.subarray([...ZOMBIE_RULE_IDS]),
          }),
          { maxLength: 50 },
        ),
        (items) => {
          const report = backlogHealth(items);
          expect(report.total).toBe(items.length);
          expect(report.scores.buckets.reduce((a, b) => a + b.count, 0)).toBe(items.length);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('analyses any story line end to end', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (line) => {
        const result = analyseStory(line, DEFAULT_SETTINGS, new Date('2026-11-21T00:00:00Z'));
        expect(result.score.total).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 300 },
    );
  });
});
