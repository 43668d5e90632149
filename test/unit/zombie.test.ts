import { DEFAULT_SETTINGS, parseSettings, type Settings } from '../../src/domain/settings';
import {
  evaluateZombie,
  idleQuantilesOf,
  keptDuesOf,
  LINKS_IN_USE_SHARE,
  nextVerdictChange,
  shareLessIdle,
  type BacklogStanding,
} from '../../src/domain/zombie';
import { ruleWords } from '../../src/domain/zombie-rule-detail';
import { NOW, anIssueSnapshot, daysAgo } from '../support/builders';

const settingsWith = (stored: unknown): Settings => {
  const result = parseSettings(stored);
  if (!result.ok) throw result.error;
  return result.settings;
};
/** A project where a quarter of the open items link to an outcome: the unlinked-age rule applies. */
const LINKS_USED: BacklogStanding = { linkedShare: 0.25, idleQuantiles: null };
const rulesOf = (verdict: ReturnType<typeof evaluateZombie>) => verdict.rules.map((r) => r.rule);

describe('zombie rules', () => {
  it('leaves a fresh, linked item alone', () => {
    const verdict = evaluateZombie(anIssueSnapshot(), DEFAULT_SETTINGS, NOW);
    expect(verdict).toEqual({ isZombie: false, rules: [], exemptedBy: null, snoozedUntil: null });
  });

  it('flags an item idle past the limit, since the day the limit ran out, and says what clears it', () => {
    const verdict = evaluateZombie(
      anIssueSnapshot({ lastActivityAt: '2026-08-01T09:00:00Z' }),
      DEFAULT_SETTINGS,
      NOW,
    );
    expect(rulesOf(verdict)).toEqual(['idle']);
    expect(verdict.rules[0]).toMatchObject({ since: '2026-09-30' });
    expect(verdict.rules[0]!.detail).toMatch(/112 days \(limit 60/);
    // The last activity's day, not the day the limit ran out.
    expect(verdict.rules[0]!.detail).toMatch(/no activity by a person since 2026-08-01\.$/);
    expect(verdict.rules[0]!.clearBy).toMatch(/activity/);
  });

  it('uses the issue type threshold, and the issue’s own kill criteria over both', () => {
    const bug = anIssueSnapshot({ issueType: 'Bug', lastActivityAt: daysAgo(45) });
    // No shorter Bug limit by default any more: a bug idle 45 days is within the project's 60.
    expect(rulesOf(evaluateZombie(bug, DEFAULT_SETTINGS, NOW))).toEqual([]);
    const bugs30 = settingsWith({ zombie: { perIssueType: { Bug: { maxIdleDays: 30 } } } });
    expect(rulesOf(evaluateZombie(bug, bugs30, NOW))).toEqual(['idle']);
    const story = anIssueSnapshot({ lastActivityAt: daysAgo(45) });
    expect(rulesOf(evaluateZombie(story, DEFAULT_SETTINGS, NOW))).toEqual([]);
    const strict = anIssueSnapshot({ lastActivityAt: daysAgo(15), killCriteria: { maxIdleDays: 14 } });
    const verdict = evaluateZombie(strict, DEFAULT_SETTINGS, NOW);
    expect(rulesOf(verdict)).toEqual(['idle']);
    expect(verdict.rules[0]!.detail).toMatch(/kill criteria/);
  });

  it('counts from creation when nobody ever touched the item', () => {
    const verdict = evaluateZombie(
      anIssueSnapshot({ created: daysAgo(61), lastActivityAt: null }),
      DEFAULT_SETTINGS,
      NOW,
    );
    expect(rulesOf(verdict)).toEqual(['idle']);
  });

  it('flags a passed kill date, but not on the day itself', () => {
    expect(
      rulesOf(
        evaluateZombie(anIssueSnapshot({ killCriteria: { deadline: '2026-11-21' } }), DEFAULT_SETTINGS, NOW),
      ),
    ).toEqual([]);
    const verdict = evaluateZombie(
      anIssueSnapshot({ killCriteria: { deadline: '2026-11-20' } }),
      DEFAULT_SETTINGS,
      NOW,
    );
    expect(verdict.rules[0]).toMatchObject({ rule: 'killDeadline', since: '2026-11-20' });
  });

  it('flags a metric that did not reach its value by its date, and clears when it did', () => {
    const killCriteria = {
      metricThreshold: { metric: 'conversion', comparison: 'atLeast' as const, value: 5, by: '2026-11-01' },
    };
    const missed = evaluateZombie(
      anIssueSnapshot({ killCriteria, thresholdMetricValue: 3 }),
      DEFAULT_SETTINGS,
      NOW,
    );
    expect(missed.rules[0]).toMatchObject({ rule: 'killMetric', since: '2026-11-01' });
    expect(missed.rules[0]!.detail).toMatch(/conversion was 3/);
    const unmeasured = evaluateZombie(anIssueSnapshot({ killCriteria }), DEFAULT_SETTINGS, NOW);
    expect(unmeasured.rules[0]!.detail).toMatch(/No measurement/);
    expect(
      rulesOf(
        evaluateZombie(anIssueSnapshot({ killCriteria, thresholdMetricValue: 5 }), DEFAULT_SETTINGS, NOW),
      ),
    ).toEqual([]);
  });

  it('keeps a missed threshold’s figures beside its words, for a page to write them in its reader’s notation', () => {
    const threshold = {
      metric: 'cart drop-off rate',
      comparison: 'atMost' as const,
      value: 34.5,
      by: '2026-11-01',
    };
    const rule = (measured?: number) =>
      evaluateZombie(
        anIssueSnapshot({
          killCriteria: { metricThreshold: threshold },
          ...(measured === undefined ? {} : { thresholdMetricValue: measured }),
        }),
        DEFAULT_SETTINGS,
        NOW,
      ).rules[0]!;
    const missed = rule(35.2);
    // The stored words keep their decimal point, whoever reads them.
    expect(missed).toMatchObject({
      detail: 'cart drop-off rate was 35.2 on 2026-11-01, where the kill criteria need at most 34.5.',
      clearBy: 'Record a measurement of cart drop-off rate at most 34.5, or decide in kill review.',
      figures: { threshold, measured: 35.2 },
    });
    expect(ruleWords(missed, ',')).toEqual({
      detail: 'cart drop-off rate was 35,2 on 2026-11-01, where the kill criteria need at most 34,5.',
      clearBy: 'Record a measurement of cart drop-off rate at most 34,5, or decide in kill review.',
    });
    expect(ruleWords(missed, '.')).toEqual({ detail: missed.detail, clearBy: missed.clearBy });
    const unmeasured = rule();
    expect(unmeasured).toMatchObject({
      detail:
        'No measurement of cart drop-off rate was recorded by 2026-11-01, where the kill criteria need at most 34.5.',
      figures: { threshold, measured: null },
    });
    expect(ruleWords(unmeasured, ',').detail).toBe(
      'No measurement of cart drop-off rate was recorded by 2026-11-01, where the kill criteria need at most 34,5.',
    );
  });

  it('gives a rule stored without figures its stored words, whatever the reader’s decimal mark', () => {
    const older = {
      detail: 'cart drop-off rate was 35.2 on 2026-11-01, where the kill criteria need at most 34.',
      clearBy: 'Record a measurement of cart drop-off rate at most 34, or decide in kill review.',
    };
    expect(ruleWords(older, ',')).toEqual(older);
    const idle = evaluateZombie(
      anIssueSnapshot({ lastActivityAt: '2026-08-01T09:00:00Z' }),
      DEFAULT_SETTINGS,
      NOW,
    ).rules[0]!;
    expect(idle.figures).toBeUndefined();
    expect(ruleWords(idle, ',')).toEqual({ detail: idle.detail, clearBy: idle.clearBy });
  });

  it('sends a written condition to review on its review date', () => {
    const verdict = evaluateZombie(
      anIssueSnapshot({ killCriteria: { condition: { text: 'Legal says no', reviewDate: '2026-11-21' } } }),
      DEFAULT_SETTINGS,
      NOW,
    );
    expect(verdict.rules[0]).toMatchObject({ rule: 'killCondition', since: '2026-11-21' });
    expect(verdict.rules[0]!.detail).toContain('Legal says no');
  });

  it('orders carry-overs by instant, not by text, when Jira writes them with offsets', () => {
    const verdict = evaluateZombie(
      anIssueSnapshot({
        // In time order: 08-31 22:00Z, 09-01 05:00Z, 09-11 13:00Z, 09-12 10:00Z.
        carryOvers: [
          '2026-09-12T10:00:00.000+0000',
          '2026-09-01T09:00:00.000+1100',
          '2026-09-11T23:00:00.000+1000',
          '2026-09-01T05:00:00.000+0000',
        ],
        killCriteria: { maxSprintsCarried: 1 },
      }),
      DEFAULT_SETTINGS,
      NOW,
    );
    expect(verdict.rules[0]).toMatchObject({ rule: 'carriedOver', since: '2026-09-01' });
  });

  it('flags carry-over past the limit since the sprint that broke it', () => {
    const carryOvers = [
      '2026-08-01T00:00:00Z',
      '2026-08-15T00:00:00Z',
      '2026-08-29T00:00:00Z',
      '2026-09-12T00:00:00Z',
    ];
    const verdict = evaluateZombie(anIssueSnapshot({ carryOvers }), DEFAULT_SETTINGS, NOW);
    expect(verdict.rules[0]).toMatchObject({ rule: 'carriedOver', since: '2026-09-12' });
    expect(
      rulesOf(evaluateZombie(anIssueSnapshot({ carryOvers: carryOvers.slice(0, 3) }), DEFAULT_SETTINGS, NOW)),
    ).toEqual([]);
  });

  it('flags old work that serves no outcome once links are in use, but not inherited links', () => {
    const old = { created: daysAgo(91) };
    const unlinked = anIssueSnapshot({ ...old, link: { kind: 'none' } });
    const verdict = evaluateZombie(unlinked, DEFAULT_SETTINGS, NOW, LINKS_USED);
    expect(rulesOf(verdict)).toEqual(['unlinkedOld']);
    expect(verdict.rules[0]!.detail).toMatch(/while 25% of this project's open items are linked .*from 20%/);
    const viaEpic = anIssueSnapshot({
      ...old,
      link: { kind: 'inherited', outcomeId: 'o', fromIssueKey: 'DEMO-2' },
    });
    expect(rulesOf(evaluateZombie(viaEpic, DEFAULT_SETTINGS, NOW, LINKS_USED))).toEqual([]);
  });

  it('leaves the unlinked-age rule off until a fifth of the open items are linked', () => {
    const unlinked = anIssueSnapshot({ created: daysAgo(400), link: { kind: 'none' } });
    const at = (linkedShare: number | null) =>
      rulesOf(evaluateZombie(unlinked, DEFAULT_SETTINGS, NOW, { linkedShare, idleQuantiles: null }));
    expect(at(null)).toEqual([]);
    expect(at(0)).toEqual([]);
    expect(at(LINKS_IN_USE_SHARE - 0.01)).toEqual([]);
    expect(at(LINKS_IN_USE_SHARE)).toEqual(['unlinkedOld']);
    // Without a standing (a first scan, a caller that has none) the rule stays off.
    expect(rulesOf(evaluateZombie(unlinked, DEFAULT_SETTINGS, NOW))).toEqual([]);
  });

  it('says where an idle item stands among the project’s open items', () => {
    // Open items idle 0, 1, … 99 days: 112 days is more idle than all of them, 70 than 70%.
    const idleQuantiles = idleQuantilesOf(Array.from({ length: 100 }, (_, i) => i));
    const standing = { linkedShare: null, idleQuantiles };
    const idleFor = (days: number) =>
      evaluateZombie(anIssueSnapshot({ lastActivityAt: daysAgo(days) }), DEFAULT_SETTINGS, NOW, standing)
        .rules[0]!.detail;
    expect(idleFor(112)).toMatch(
      /^Idle 112 days: more idle than 100% of this project's open items \(limit 60/,
    );
    expect(idleFor(70)).toMatch(/^Idle 70 days: more idle than 70% of this project's open items/);
    expect(
      evaluateZombie(anIssueSnapshot({ lastActivityAt: daysAgo(70) }), DEFAULT_SETTINGS, NOW).rules[0]!
        .detail,
    ).toMatch(/^Idle 70 days \(limit 60/);
    // Long idle spans read as a person says them, not as thousands of days.
    expect(idleFor(5136)).toMatch(
      /^Idle 14 years: more idle than 100% of this project's open items \(limit 60 days/,
    );
    expect(idleQuantilesOf([])).toBeNull();
    expect(idleQuantilesOf([5, 1, 3])).toHaveLength(101);
    expect(shareLessIdle(3, [1, 2, 3, 4])).toBe(50);
  });

  it("credits a limit to the setting for the item's type only where one was made for it, else to the project default", () => {
    const carried = ['2026-06-01', '2026-07-01', '2026-08-01', '2026-09-01'].map((d) => `${d}T00:00:00Z`);
    const detailsOf = (settings: Settings, issueType: string) =>
      evaluateZombie(
        anIssueSnapshot({ issueType, lastActivityAt: daysAgo(400), carryOvers: carried }),
        settings,
        NOW,
      ).rules.map((r) => r.detail);
    for (const type of ['Story', 'Bug', 'Task']) {
      const [idle, carriedOver] = detailsOf(DEFAULT_SETTINGS, type);
      expect(idle).toMatch(/\(limit 60 days, from the project default\)/);
      expect(carriedOver).toMatch(/\(limit 3, from the project default\)/);
    }
    // A setting for bugs' idle limit, matched whatever its case; their sprint limit stays the default.
    const bugs = settingsWith({ zombie: { perIssueType: { bug: { maxIdleDays: 30 } } } });
    const [bugIdle, bugCarried] = detailsOf(bugs, 'Bug');
    expect(bugIdle).toMatch(/\(limit 30 days, from the project setting for Bug\)/);
    expect(bugCarried).toMatch(/\(limit 3, from the project default\)/);
    expect(detailsOf(bugs, 'Story')[0]).toMatch(/\(limit 60 days, from the project default\)/);
  });

  it('reports every rule that fired at once', () => {
    const verdict = evaluateZombie(
      anIssueSnapshot({
        created: daysAgo(200),
        lastActivityAt: null,
        link: { kind: 'none' },
        killCriteria: { deadline: '2026-01-01' },
      }),
      DEFAULT_SETTINGS,
      NOW,
      LINKS_USED,
    );
    expect(rulesOf(verdict)).toEqual(['killDeadline', 'idle', 'unlinkedOld']);
    expect(verdict.isZombie).toBe(true);
  });

  it('never flags done work', () => {
    const verdict = evaluateZombie(
      anIssueSnapshot({
        statusCategory: 'done',
        created: daysAgo(900),
        lastActivityAt: null,
        link: { kind: 'none' },
      }),
      DEFAULT_SETTINGS,
      NOW,
    );
    expect(verdict.isZombie).toBe(false);
  });

  it('honours exemptions by label, type, assignee and reporter, and says which', () => {
    const stale = { created: daysAgo(300), lastActivityAt: null, link: { kind: 'none' as const } };
    const settings = settingsWith({
      exemptions: {
        labels: ['Keep-Alive'],
        issueTypes: ['Spike'],
        assignees: ['acc-ops'],
        reporters: ['acc-ceo'],
      },
    });
    expect(
      evaluateZombie(anIssueSnapshot({ ...stale, labels: ['keep-alive'] }), settings, NOW).exemptedBy,
    ).toEqual({ kind: 'label', value: 'keep-alive' });
    expect(
      evaluateZombie(anIssueSnapshot({ ...stale, issueType: 'spike' }), settings, NOW).exemptedBy,
    ).toEqual({ kind: 'issueType', value: 'spike' });
    expect(
      evaluateZombie(anIssueSnapshot({ ...stale, assignee: 'acc-ops' }), settings, NOW).exemptedBy?.kind,
    ).toBe('assignee');
    expect(
      evaluateZombie(anIssueSnapshot({ ...stale, reporter: 'acc-ceo' }), settings, NOW).exemptedBy?.kind,
    ).toBe('reporter');
    expect(evaluateZombie(anIssueSnapshot(stale), settings, NOW).isZombie).toBe(true);
  });

  it('stays quiet while a Keep decision’s snooze runs, and wakes after it', () => {
    const stale = { created: daysAgo(300), lastActivityAt: null };
    expect(
      evaluateZombie(anIssueSnapshot({ ...stale, snoozedUntil: '2026-12-01' }), DEFAULT_SETTINGS, NOW),
    ).toMatchObject({ isZombie: false, snoozedUntil: '2026-12-01' });
    expect(
      evaluateZombie(anIssueSnapshot({ ...stale, snoozedUntil: '2026-11-21' }), DEFAULT_SETTINGS, NOW)
        .isZombie,
    ).toBe(true);
  });

  it('counts from the last Keep: what the squad kept it with does not send it back the next day', () => {
    const keptAt = daysAgo(1);
    const evaluate = (over: Parameters<typeof anIssueSnapshot>[0]) =>
      evaluateZombie(anIssueSnapshot(over), DEFAULT_SETTINGS, NOW, { linkedShare: 0.9, idleQuantiles: null });
    // Idle 300 days, kept yesterday: quiet until the idle limit passes again from the Keep.
    const idle = { created: daysAgo(300), lastActivityAt: daysAgo(300) };
    expect(evaluate(idle).rules.map((r) => r.rule)).toEqual(['idle']);
    expect(evaluate({ ...idle, keptAt }).isZombie).toBe(false);
    const idleAgain = evaluate({ ...idle, keptAt: daysAgo(61) });
    expect(idleAgain.rules[0]).toMatchObject({ rule: 'idle' });
    expect(idleAgain.rules[0]!.detail).toMatch(/when it was kept in kill review/);
    // A kill date passed before the Keep is decided; a new one set at the Keep fires when it passes.
    const deadline = { ...idle, lastActivityAt: daysAgo(1), killCriteria: { deadline: '2026-10-01' } };
    expect(evaluate(deadline).rules.map((r) => r.rule)).toEqual(['killDeadline']);
    expect(evaluate({ ...deadline, keptAt }).isZombie).toBe(false);
    expect(
      evaluate({ ...deadline, keptAt: daysAgo(30), killCriteria: { deadline: '2026-11-01' } }).rules[0],
    ).toMatchObject({ rule: 'killDeadline', since: '2026-11-01' });
    // A review day fires on the day itself: a Keep that day decided it.
    const review = {
      ...idle,
      lastActivityAt: daysAgo(1),
      killCriteria: { condition: { text: 'Nobody uses it', reviewDate: '2026-11-20' } },
    };
    expect(evaluate(review).rules.map((r) => r.rule)).toEqual(['killCondition']);
    expect(evaluate({ ...review, keptAt: '2026-11-20T15:00:00.000Z' }).isZombie).toBe(false);
    // A Keep that noted the dates it saw come due silences those only: a review day set later that same UTC day
    // (for a person west of UTC, their tomorrow) fires when it comes, and so does a kill date set at the Keep.
    const keptThatDay = { keptAt: '2026-11-20T01:00:00.000Z' };
    expect(evaluate({ ...review, ...keptThatDay, keptSaw: {} }).rules.map((r) => r.rule)).toEqual([
      'killCondition',
    ]);
    expect(evaluate({ ...review, ...keptThatDay, keptSaw: { killCondition: '2026-11-20' } }).isZombie).toBe(
      false,
    );
    expect(evaluate({ ...deadline, keptAt: daysAgo(1), keptSaw: {} }).rules.map((r) => r.rule)).toEqual([
      'killDeadline',
    ]);
    expect(
      evaluate({ ...deadline, keptAt: daysAgo(1), keptSaw: { killDeadline: '2026-10-01' } }).isZombie,
    ).toBe(false);
    // What a Keep notes: the kill dates of the criteria before it that had come due by its day.
    expect(
      keptDuesOf(
        {
          deadline: '2026-11-19',
          metricThreshold: { metric: 'bookmarks', comparison: 'atLeast', value: 5, by: '2026-11-20' },
          condition: { text: 'Nobody uses it', reviewDate: '2026-11-20' },
        },
        new Date('2026-11-20T01:00:00.000Z'),
      ),
    ).toEqual({ killDeadline: '2026-11-19', killCondition: '2026-11-20' });
    // Only sprints carried over since the Keep count.
    const carried = {
      ...idle,
      lastActivityAt: daysAgo(1),
      carryOvers: [daysAgo(100), daysAgo(80), daysAgo(60), daysAgo(40)],
    };
    expect(evaluate(carried).rules.map((r) => r.rule)).toEqual(['carriedOver']);
    expect(evaluate({ ...carried, keptAt: daysAgo(50) }).isZombie).toBe(false);
    // Kept unlinked: old again only the age limit's days after the Keep.
    const unlinked = { created: daysAgo(200), lastActivityAt: daysAgo(1), link: { kind: 'none' as const } };
    expect(evaluate(unlinked).rules.map((r) => r.rule)).toEqual(['unlinkedOld']);
    expect(evaluate({ ...unlinked, keptAt }).isZombie).toBe(false);
    expect(evaluate({ ...unlinked, keptAt: daysAgo(100) }).rules[0]!.detail).toMatch(/^Kept unlinked/);
    // The scan looks again on the day the idle limit passes from the Keep.
    expect(nextVerdictChange(anIssueSnapshot({ ...idle, keptAt }), DEFAULT_SETTINGS, NOW)).toBe(
      new Date(Date.parse(keptAt) + 61 * 86_400_000).toISOString().slice(0, 10),
    );
  });

  it('does not trip over unreadable dates', () => {
    const verdict = evaluateZombie(
      anIssueSnapshot({ created: 'garbage', lastActivityAt: 'nope', link: { kind: 'none' } }),
      DEFAULT_SETTINGS,
      NOW,
    );
    expect(verdict.isZombie).toBe(false);
  });
});

describe('nextVerdictChange: the day time alone can change the verdict', () => {
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const at = (days: number) => new Date(NOW.getTime() + days * 86_400_000);

  it('is the day the idle limit is passed, and the verdict does change then and not before', () => {
    const s = anIssueSnapshot({ lastActivityAt: daysAgo(50), created: daysAgo(50) });
    const next = nextVerdictChange(s, DEFAULT_SETTINGS, NOW);
    // 60 days allowed: idle once 61 whole days have passed, eleven days from now.
    expect(next).toBe(day(at(11)));
    expect(evaluateZombie(s, DEFAULT_SETTINGS, at(10.99)).isZombie).toBe(false);
    expect(evaluateZombie(s, DEFAULT_SETTINGS, at(11)).isZombie).toBe(true);
  });

  it('keeps today while the limit is passed later today, so a run early in the day looks again tomorrow', () => {
    const s = anIssueSnapshot({ lastActivityAt: daysAgo(60.8), created: daysAgo(60.8) });
    expect(nextVerdictChange(s, DEFAULT_SETTINGS, NOW)).toBe(day(at(0.2)));
  });

  it('takes the earliest of a snooze end, a kill date and the age limit for unlinked work, and none when idle already', () => {
    const snoozed = anIssueSnapshot({
      lastActivityAt: daysAgo(1),
      created: daysAgo(10),
      snoozedUntil: day(at(5)),
      killCriteria: { deadline: day(at(20)) },
    });
    expect(nextVerdictChange(snoozed, DEFAULT_SETTINGS, NOW)).toBe(day(at(5)));
    const unlinked = anIssueSnapshot({
      lastActivityAt: daysAgo(1),
      created: daysAgo(89.5),
      link: { kind: 'none' },
    });
    expect(nextVerdictChange(unlinked, DEFAULT_SETTINGS, NOW)).toBe(day(at(1.5)));
    const idleAlready = anIssueSnapshot({ lastActivityAt: daysAgo(200), created: daysAgo(200) });
    expect(nextVerdictChange(idleAlready, DEFAULT_SETTINGS, NOW)).toBeNull();
  });
});
