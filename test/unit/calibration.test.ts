import {
  calibrateProject,
  calibrateProjects,
  compactHistory,
  previewCandidates,
  replayMoments,
  percentileOf,
  proposeResolutionMapping,
  scanDatesFor,
  type HistoryIssue,
  type ResolutionMapping,
} from '../../src/domain/calibration';
import { historyFromRestIssue, NO_RESOLUTION } from '../../src/domain/history';
import { saveMappingPayloadSchema } from '../../src/contract/calibration';

const DAY = 86_400_000;
const AS_OF = new Date('2026-01-01T00:00:00Z');
/** With a 3-month lookback and step, the only scan date is 2025-10-01. */
const SCAN = Date.parse('2025-10-01T00:00:00Z');
const at = (days: number) => new Date(SCAN + days * DAY).toISOString();
const MAPPING: ResolutionMapping = { delivered: ['Fixed', 'Done'], abandoned: ["Won't Fix", 'Duplicate'] };
const ONE_SCAN = { lookbackMonths: 3, stepMonths: 3 };

function item(
  key: string,
  created: number,
  options: { type?: string; activity?: number[]; closes?: Array<[number, string | null]> } = {},
): HistoryIssue {
  const closes = options.closes ?? [];
  return {
    key,
    projectKey: key.split('-')[0]!,
    issueType: options.type ?? 'Story',
    created: at(created),
    // A transition is activity too, as it is in a real changelog.
    activity: [...(options.activity ?? []), ...closes.map(([d]) => d)].map(at),
    resolutionChanges: closes.map(([d, to]) => ({ at: at(d), to })),
  };
}

/** Idle at the scan date: A 100 (delivered 10 days later), B 20 (delivered after 30), C 50 (abandoned after
 * 40), D 300 (still open); E is created after the scan date, F was closed before it. */
const SMALL = [
  item('P-1', -100, { closes: [[10, 'Fixed']] }),
  item('P-2', -20, { closes: [[30, 'Done']] }),
  item('P-3', -200, { activity: [-50], closes: [[40, "Won't Fix"]] }),
  item('P-4', -300),
  item('P-5', 10),
  item('P-6', -400, { closes: [[-5, 'Fixed']] }),
];

/** One scan date, the 60-day limit today, 30 and 100 days tried. */
const TWO_CANDIDATES = {
  asOf: AS_OF,
  mapping: MAPPING,
  currentIdleDays: 60,
  candidates: [30, 100],
  minDelivered: 2,
  ...ONE_SCAN,
};

describe('calibration replay', () => {
  it('rebuilds the open backlog at the scan date and follows each item to its fate', () => {
    const result = calibrateProject('P', SMALL, TWO_CANDIDATES);
    expect(result.scanDates).toEqual(['2025-10-01']);
    expect(result.openToday).toBe(2);
    expect([result.delivered, result.abandoned, result.stillOpen, result.unclassified]).toEqual([2, 1, 1, 0]);
    expect(result.replay).toEqual([
      // Beyond 30 days idle: P-1 (delivered), P-3 (abandoned), P-4 (still open); today P-4 (392) and P-5 (82).
      {
        idleDays: 30,
        flaggedToday: 2,
        flaggedShare: 1,
        pastItems: 3,
        laterAbandoned: 0.333,
        laterDelivered: 0.333,
        stillOpen: 0.333,
        medianDaysToClose: 25,
      },
      {
        idleDays: 60,
        flaggedToday: 2,
        flaggedShare: 1,
        pastItems: 2,
        laterAbandoned: 0,
        laterDelivered: 0.5,
        stillOpen: 0.5,
        medianDaysToClose: 10,
      },
      // Idle exactly 100 is not beyond a limit of 100, as in the zombie rule.
      {
        idleDays: 100,
        flaggedToday: 1,
        flaggedShare: 0.5,
        pastItems: 1,
        laterAbandoned: 0,
        laterDelivered: 0,
        stillOpen: 1,
        medianDaysToClose: null,
      },
    ]);
  });

  it('proposes the chosen percentile of delivered idle time, and says why', () => {
    const options = { asOf: AS_OF, mapping: MAPPING, currentIdleDays: 60, minDelivered: 2, ...ONE_SCAN };
    const p90 = calibrateProject('P', SMALL, options);
    expect(p90.thresholds).toEqual({ idleDays: 100, byType: {} });
    expect(p90.basis).toMatch(/^100 days: the 90th percentile of idle time among 2 items later delivered/);
    expect(p90.replay.map((r) => r.idleDays)).toContain(100);
    expect(calibrateProject('P', SMALL, { ...options, percentile: 0.5 }).thresholds.idleDays).toBe(20);
  });

  it('keeps the defaults below the minimum of delivered items, and says so', () => {
    const result = calibrateProject('P', SMALL, {
      asOf: AS_OF,
      mapping: MAPPING,
      currentIdleDays: 60,
      ...ONE_SCAN,
    });
    expect(result.thresholds).toEqual({ idleDays: null, byType: {} });
    expect(result.basis).toMatch(
      /Too little history: 2 items open at a replayed scan date were later delivered \(1 scan date, \d{4}-\d\d-\d\d\).*at least 100 are needed.*60 days/,
    );
    // The figures are still there to look at.
    expect(result.replay.find((r) => r.idleDays === 60)?.pastItems).toBe(2);
  });

  it('says so when no scan date falls inside the history', () => {
    const young = [item('Y-1', 50), item('Y-2', 60, { closes: [[70, 'Fixed']] })];
    const result = calibrateProject('Y', young, { asOf: AS_OF, mapping: MAPPING, currentIdleDays: 60 });
    expect(result.scanDates).toEqual([]);
    expect(result.thresholds.idleDays).toBeNull();
    expect(result.basis).toMatch(/no scan date inside the history/);
    expect(calibrateProject('Z', [], { asOf: AS_OF, mapping: MAPPING, currentIdleDays: 60 }).openToday).toBe(
      0,
    );
  });

  it('gives a type its own limit only with 30 delivered and 5 abandoned', () => {
    const issues: HistoryIssue[] = [];
    for (let i = 1; i <= 40; i++) issues.push(item(`T-${i}`, -i, { type: 'Bug', closes: [[5, 'Fixed']] }));
    for (let i = 1; i <= 5; i++)
      issues.push(item(`T-${100 + i}`, -9, { type: 'Bug', closes: [[5, 'Duplicate']] }));
    for (let i = 1; i <= 70; i++) issues.push(item(`T-${200 + i}`, -2 * i, { closes: [[5, 'Fixed']] }));
    for (let i = 1; i <= 2; i++) issues.push(item(`T-${300 + i}`, -9, { closes: [[5, "Won't Fix"]] }));
    const result = calibrateProject('T', issues, {
      asOf: AS_OF,
      mapping: MAPPING,
      currentIdleDays: 60,
      ...ONE_SCAN,
    });
    expect(result.delivered).toBe(110);
    // 99th of 110 delivered idle times (1..40 and 2..140 by twos) is 118; Bugs alone: 36th of 1..40.
    expect(result.thresholds).toEqual({ idleDays: 118, byType: { Bug: 36 } });
    expect(result.basis).toMatch(/Bug 36/);
    expect(result.basis).not.toMatch(/Story/);
  });

  it('proposes a limit of its own for a type named like a member of every object ("__proto__")', () => {
    const issues: HistoryIssue[] = [];
    for (let i = 1; i <= 40; i++)
      issues.push(item(`P-${i}`, -i, { type: '__proto__', closes: [[5, 'Fixed']] }));
    for (let i = 1; i <= 5; i++)
      issues.push(item(`P-${100 + i}`, -9, { type: '__proto__', closes: [[5, 'Duplicate']] }));
    for (let i = 1; i <= 70; i++) issues.push(item(`P-${200 + i}`, -2 * i, { closes: [[5, 'Fixed']] }));
    const result = calibrateProject('P', issues, {
      asOf: AS_OF,
      mapping: MAPPING,
      currentIdleDays: 60,
      ...ONE_SCAN,
    });
    expect(Object.keys(result.thresholds.byType)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(result.thresholds.byType)).toBe(Object.prototype);
    expect(result.basis).toMatch(/__proto__ 36/);
  });

  it('counts an item seen at several scan dates once, and reads reopens', () => {
    // Open over two scan dates (2025-07-01 and 2025-10-01), closed Fixed in between and reopened.
    const reopened = item('R-1', -200, {
      closes: [
        [-60, 'Fixed'],
        [-50, null],
        [20, "Won't Fix"],
      ],
    });
    const result = calibrateProject('R', [reopened], {
      asOf: AS_OF,
      mapping: MAPPING,
      currentIdleDays: 60,
      lookbackMonths: 6,
      stepMonths: 3,
    });
    expect(result.scanDates).toEqual(['2025-07-01', '2025-10-01']);
    expect([result.delivered, result.abandoned]).toEqual([0, 1]);
    // Idle 108 days at 2025-07-01 (created 200 days before 2025-10-01) and 50 at 2025-10-01 (the reopen).
    expect(result.replay.find((r) => r.idleDays === 45)?.pastItems).toBe(2);
    expect(result.replay.find((r) => r.idleDays === 60)?.pastItems).toBe(1);
  });

  it('stops following an item two years after the scan date', () => {
    const late = item('L-1', -100, { closes: [[800, 'Fixed']] });
    const asOf = new Date(SCAN + 900 * DAY);
    const result = calibrateProject('L', [late], {
      asOf,
      mapping: MAPPING,
      currentIdleDays: 60,
      lookbackMonths: 30,
      stepMonths: 30,
      candidates: [1],
    });
    expect(result.scanDates).toHaveLength(1);
    expect(result.replay[0]).toMatchObject({ pastItems: 1, stillOpen: 1, laterDelivered: 0 });
  });

  it('leaves exempt types out, counts unmapped resolutions apart, and groups by project', () => {
    const issues = [
      item('A-1', -100, { type: 'Epic' }),
      item('A-2', -100, { closes: [[3, 'Later-ish']] }),
      item('B-1', -100, { closes: [[3, 'Fixed']] }),
    ];
    const [a, b] = calibrateProjects(issues, {
      asOf: AS_OF,
      mapping: MAPPING,
      currentIdleDays: 60,
      exemptIssueTypes: ['epic'],
      ...ONE_SCAN,
    });
    expect(a).toMatchObject({
      project: 'A',
      openToday: 0,
      unclassified: 1,
      unmappedResolutions: ['Later-ish'],
    });
    expect(b).toMatchObject({ project: 'B', delivered: 1 });
  });

  it('reads a resolution named in another case as the mapped one, and refuses a mapping that puts it on both sides', () => {
    const [a] = calibrateProjects([item('A-1', -100, { closes: [[3, 'FIXED']] })], {
      asOf: AS_OF,
      mapping: MAPPING,
      currentIdleDays: 60,
      ...ONE_SCAN,
    });
    expect(a).toMatchObject({ delivered: 1, unclassified: 0, unmappedResolutions: [] });
    const both = saveMappingPayloadSchema.safeParse({ delivered: ['Done'], abandoned: ['DONE '] });
    expect(both.success).toBe(false);
    expect(both.error?.issues[0]?.message).toBe(
      'A resolution cannot mean both delivered and not delivered: Done.',
    );
  });
});

describe('calibration helpers', () => {
  it('proposes a resolution mapping from the names and asks about the rest', () => {
    expect(
      proposeResolutionMapping([
        'Fixed',
        'Done',
        "Won't Fix",
        'Won’t Do',
        'Duplicate',
        'Cannot Reproduce',
        'Shipped?',
        'Fixed',
      ]),
    ).toEqual({
      mapping: {
        delivered: ['Done', 'Fixed'],
        abandoned: ['Cannot Reproduce', 'Duplicate', "Won't Fix", 'Won’t Do'],
      },
      unknown: ['Shipped?'],
    });
  });

  it('takes nearest-rank percentiles and whole-month scan dates', () => {
    expect(percentileOf([5, 1, 4, 2, 3], 0.9)).toBe(5);
    expect(percentileOf([5, 1, 4, 2, 3], 0.5)).toBe(3);
    expect(percentileOf([], 0.9)).toBe(0);
    expect(scanDatesFor(new Date('2026-05-31T10:00:00Z'), 6, 3).map((d) => d.toISOString())).toEqual([
      '2025-11-30T10:00:00.000Z',
      '2026-02-28T10:00:00.000Z',
    ]);
  });
});

describe('history from a REST issue', () => {
  const rest = (fields: Record<string, unknown>, histories: unknown[] = []) => ({
    key: 'CB-7',
    fields: {
      created: '2014-01-02T10:00:00.000+0000',
      updated: '2014-03-01T10:00:00.000+0000',
      issuetype: { name: 'Bug' },
      ...fields,
    },
    changelog: { histories },
  });

  it('reads resolution changes, comments and changelog moments', () => {
    const history = historyFromRestIssue(
      rest(
        {
          resolution: { name: 'Fixed' },
          resolutiondate: '2014-03-01T10:00:00.000+0000',
          comment: { comments: [{ created: '2014-01-05T10:00:00.000+0000', body: 'x' }] },
        },
        [
          { created: '2014-02-01T10:00:00.000+0000', items: [{ field: 'resolution', toString: 'Fixed' }] },
          { created: '2014-02-10T10:00:00.000+0000', items: [{ field: 'resolution', toString: null }] },
          { created: '2014-03-01T10:00:00.000+0000', items: [{ field: 'resolution', toString: 'Fixed' }] },
        ],
      ),
    );
    expect(history).toEqual({
      key: 'CB-7',
      projectKey: 'CB',
      issueType: 'Bug',
      created: '2014-01-02T10:00:00.000Z',
      activity: [
        '2014-02-01T10:00:00.000Z',
        '2014-02-10T10:00:00.000Z',
        '2014-03-01T10:00:00.000Z',
        '2014-01-05T10:00:00.000Z',
        '2014-03-01T10:00:00.000Z',
      ],
      resolutionChanges: [
        { at: '2014-02-01T10:00:00.000Z', to: 'Fixed' },
        { at: '2014-02-10T10:00:00.000Z', to: null },
        { at: '2014-03-01T10:00:00.000Z', to: 'Fixed' },
      ],
    });
  });

  it('closes from the fields when the changelog is silent, and refuses what has no key or date', () => {
    const resolved = historyFromRestIssue(
      rest({ resolution: { name: 'Duplicate' }, resolutiondate: '2014-02-02T00:00:00.000+0000' }),
    );
    expect(resolved?.resolutionChanges).toEqual([{ at: '2014-02-02T00:00:00.000Z', to: 'Duplicate' }]);
    const doneWithout = historyFromRestIssue(rest({ status: { statusCategory: { key: 'done' } } }));
    expect(doneWithout?.resolutionChanges).toEqual([{ at: '2014-03-01T10:00:00.000Z', to: NO_RESOLUTION }]);
    expect(historyFromRestIssue(rest({}))?.resolutionChanges).toEqual([]);
    expect(historyFromRestIssue({ key: 'nope', fields: { created: '2014-01-01' } })).toBeNull();
    expect(historyFromRestIssue({ key: 'CB-1', fields: {} })).toBeNull();
    expect(historyFromRestIssue('x')).toBeNull();
  });

  it("leaves out the app's own changes and comments, and then Jira's updated too", () => {
    const app = { accountId: 'outcome-lens-app' };
    const person = { accountId: 'acc-1' };
    const issue = rest(
      {
        updated: '2014-04-01T00:00:00.000+0000',
        comment: {
          comments: [
            { created: '2014-01-05T10:00:00.000+0000', author: person },
            { created: '2014-04-01T00:00:00.000+0000', author: app },
          ],
        },
      },
      [
        { created: '2014-02-01T10:00:00.000+0000', author: person, items: [{ field: 'summary' }] },
        { created: '2014-03-20T10:00:00.000+0000', author: app, items: [{ field: 'labels' }] },
      ],
    );
    expect(historyFromRestIssue(issue, { ignoreAuthor: app.accountId })?.activity).toEqual([
      '2014-02-01T10:00:00.000Z',
      '2014-01-05T10:00:00.000Z',
    ]);
    // Without an author to ignore, every moment counts, as the CLI reads an export.
    expect(historyFromRestIssue(issue)?.activity).toHaveLength(5);
  });
});

describe('compacted history', () => {
  it('keeps at most one activity a replay moment, and replays exactly like the full history', () => {
    const asOf = new Date('2026-11-01T00:00:00Z');
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const iso = (ms: number) => new Date(ms).toISOString();
    const start = asOf.getTime() - 900 * DAY;
    const issues: HistoryIssue[] = [];
    for (let i = 1; i <= 600; i++) {
      const created = start + random() * 880 * DAY;
      const fate = random();
      const closed = created + (5 + random() * 500) * DAY;
      issues.push({
        key: `C-${i}`,
        projectKey: 'C',
        issueType: i % 3 === 0 ? 'Bug' : 'Story',
        created: iso(created),
        activity: Array.from({ length: Math.floor(random() * 40) }, () =>
          iso(created + random() * 900 * DAY),
        ),
        resolutionChanges:
          fate < 0.7 && closed < asOf.getTime()
            ? [{ at: iso(closed), to: fate < 0.5 ? 'Fixed' : "Won't Fix" }]
            : [],
      });
    }
    const moments = replayMoments(asOf);
    expect(moments).toHaveLength(9);
    const compacted = issues.map((issue) => compactHistory(issue, moments));
    expect(Math.max(...compacted.map((c) => c.activity.length))).toBeLessThanOrEqual(9);
    expect(compacted.reduce((n, c) => n + c.activity.length, 0)).toBeLessThan(
      issues.reduce((n, c) => n + c.activity.length, 0) / 2,
    );
    const options = {
      asOf,
      mapping: MAPPING,
      currentIdleDays: 60,
      minDelivered: 50,
      candidates: previewCandidates(),
    };
    const full = calibrateProject('C', issues, options);
    expect(full.thresholds.idleDays).not.toBeNull();
    expect(calibrateProject('C', compacted, options)).toEqual(full);
  });

  it('previews every day up to a year, then every 15 days to two', () => {
    const grid = previewCandidates();
    expect(grid.slice(0, 3)).toEqual([1, 2, 3]);
    expect(grid).toContain(365);
    expect(grid).toContain(375);
    expect(grid[grid.length - 1]).toBe(720);
  });
});

describe('calibration of a large site', () => {
  it('replays 200,000 items without overflowing the stack', () => {
    const delivered = item('P-1', -100, { closes: [[10, 'Fixed']] });
    const open = item('P-2', -300);
    const issues = Array.from({ length: 200_000 }, (_, i) => ({
      ...(i % 2 ? delivered : open),
      key: `P-${i + 1}`,
    }));
    const result = calibrateProject('P', issues, TWO_CANDIDATES);
    expect(result.delivered).toBe(100_000);
  });
});
