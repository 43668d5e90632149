import type { DecisionEntry } from '../../src/contract/project-page';
import { backlogHealth, healthMovement, type HealthItem } from '../../src/domain/backlog-health';
import {
  csvCell,
  DECISION_COLUMNS,
  decisionsCsv,
  healthCsv,
  HEALTH_CSV_HEADER,
  recipesCsv,
  toCsv,
} from '../../static/outcome-map/src/csv';
import { topReporters } from '../../static/outcome-map/src/reporters';
import { decidedText } from '../../static/outcome-map/src/decided';
import { ruleLabel } from '../../src/domain/zombie-rule-labels';

describe('CSV cells', () => {
  it.each([
    ['=1+1', `"'=1+1"`],
    ['+1', `"'+1"`],
    ['-cmd', `"'-cmd"`],
    ['@SUM(A1)', `"'@SUM(A1)"`],
    ['\t=1+1', `"'\t=1+1"`],
    ['\r=1+1', `"'\r=1+1"`],
    ['  =HYPERLINK("x")', `"'  =HYPERLINK(""x"")"`],
    ['\u0000@x', `"'\u0000@x"`],
    ['\tplain', `"'\tplain"`],
  ])('guards the formula-like text %p', (text, expected) => {
    expect(csvCell(text)).toBe(expected);
  });

  it.each([
    ['Ada Lovelace', '"Ada Lovelace"'],
    ['say "hi"', '"say ""hi"""'],
    ['a - b', '"a - b"'],
    ['', '""'],
  ])('quotes ordinary text %p without a guard', (text, expected) => {
    expect(csvCell(text)).toBe(expected);
  });

  it('writes numbers as numbers, negatives and fractions included', () => {
    expect([-1, 0, 2.5, -0.005].map(csvCell)).toEqual(['-1', '0', '2.5', '-0.005']);
    expect([Number.NaN, Number.POSITIVE_INFINITY].map(csvCell)).toEqual(['', '']);
    expect(toCsv(['change'], [[-3]])).toBe('\ufeff"change"\r\n-3\r\n');
  });

  // Excel read a file without one in the system's code page: "Schaltfläche" showed as "SchaltflÃ¤che".
  it('starts every export with a UTF-8 byte order mark, once', () => {
    const csv = recipesCsv([{ key: 'DEMO-1', summary: 'Schaltfläche blau machen (5 €)', phrases: ['blau'] }]);
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.slice(1)).not.toContain('\ufeff');
    expect(csv).toContain('Schaltfläche blau machen (5 €)');
  });
});

/** A decision-log entry: a Keep of DEMO-1 for an idle rule, with `over` laid on top. */
const anEntry = (over: Partial<DecisionEntry> = {}): DecisionEntry => ({
  id: 'd1',
  issueKey: 'DEMO-1',
  kind: 'keep',
  reason: 'Peak season',
  by: 'acc-1',
  byName: 'Ada Admin',
  at: '2026-11-30T03:00:00.000Z',
  rules: [{ rule: 'idle', since: '2026-01-02' }],
  relinkedTo: null,
  previousOutcome: null,
  snoozeUntil: null,
  killCriteria: null,
  transition: null,
  resolution: null,
  details: {},
  ...over,
});

describe('decision log CSV', () => {
  const rowOf = (e: DecisionEntry): Record<string, string> => {
    const [header, row] = decisionsCsv([e]).trim().split('\r\n');
    // Each cell is a quoted text or a bare number: read them one after the other, raw.
    const cells = (line: string) =>
      [...line.matchAll(/("(?:[^"]|"")*"|[^,"]*)(?:,|$)/gy)]
        .map((m) => m[1]!)
        // the end of the line matches once more, empty
        .slice(0, DECISION_COLUMNS.length);
    const names = cells(header!);
    const values = cells(row!);
    return Object.fromEntries(names.map((n, i) => [JSON.parse(n) as string, values[i]!]));
  };

  it('puts what was decided in its own columns, no JSON blob', () => {
    expect(decisionsCsv([]).trim().split(',')).toEqual(DECISION_COLUMNS.map((c) => `"${c}"`));
    expect(DECISION_COLUMNS).not.toContain('details');
  });

  it('writes a keep: snooze date and each new kill criterion, counts and values as numbers', () => {
    const row = rowOf({
      ...anEntry(),
      snoozeUntil: '2026-12-31',
      killCriteria: {
        deadline: '2027-01-31',
        maxIdleDays: 45,
        maxSprintsCarried: 3,
        metricThreshold: { metric: 'Orders', comparison: 'atLeast', value: -2.5, by: '2027-03-01' },
        condition: { text: '=evil()', reviewDate: '2027-02-01' },
      },
    });
    expect(row).toMatchObject({
      decision: '"keep"',
      rules: `"${ruleLabel('idle')} since 2026-01-02"`,
      'snooze until': '"2026-12-31"',
      'kill date': '"2027-01-31"',
      'max idle days': '45',
      'max sprints carried': '3',
      'threshold metric': '"Orders"',
      'threshold comparison': '"at least"',
      'threshold value': '-2.5',
      'threshold by': '"2027-03-01"',
      // The formula guard holds in the new columns too.
      'kill condition': `"'=evil()"`,
      'condition review date': '"2027-02-01"',
      'relinked to': '""',
      transition: '""',
    });
  });

  it('writes a relink with the outcome names and a kill with its transition and resolution', () => {
    const relink = rowOf({
      ...anEntry(),
      kind: 'relink',
      relinkedTo: { id: 'o2', name: 'Faster checkout' },
      previousOutcome: { id: 'o1', name: 'More reorders' },
    });
    expect(relink).toMatchObject({
      'relinked to': '"Faster checkout"',
      'previous outcome': '"More reorders"',
    });
    const kill = rowOf({ ...anEntry(), kind: 'kill', transition: 'Close', resolution: "Won't Do" });
    expect(kill).toMatchObject({ transition: '"Close"', resolution: `"Won't Do"`, 'snooze until': '""' });
  });
});

describe('decision log table text', () => {
  it('says what each decision changed', () => {
    expect(decidedText(anEntry({ snoozeUntil: '2026-12-31', killCriteria: { maxIdleDays: 30 } }))).toBe(
      'snoozed until 2026-12-31; max 30 idle days',
    );
    expect(
      decidedText(
        anEntry({ kind: 'relink', relinkedTo: { id: 'o2', name: 'Checkout' }, previousOutcome: null }),
      ),
    ).toBe('to "Checkout" (was no outcome)');
    expect(
      decidedText(
        anEntry({
          kind: 'relink',
          relinkedTo: { id: 'o2', name: 'Checkout' },
          previousOutcome: { id: 'o1', name: null },
        }),
      ),
    ).toBe('to "Checkout" (was an outcome since deleted)');
    expect(decidedText(anEntry({ kind: 'kill', transition: 'Close', resolution: "Won't Do" }))).toBe(
      `closed by "Close"; resolution "Won't Do"`,
    );
    expect(decidedText(anEntry({ kind: 'kill', details: { reopenedTo: 'To Do' } }))).toBe(
      'closed, then reopened to "To Do" before the kill was finished; it stays open',
    );
  });
});

const item = (n: number, over: Partial<HealthItem> = {}): HealthItem => ({
  key: `DEMO-${n}`,
  summary: `Story ${n}`,
  reporter: { accountId: `acc-${n % 3}`, name: `person ${n % 3}` },
  isRecipe: false,
  recipePhrases: [],
  link: 'none',
  score: 50,
  zombieRules: [],
  ...over,
});

/** Parses the unquoted numbers and quoted texts this module writes (no newlines inside cells). */
function parseCsv(text: string): Array<Array<string | number>> {
  return text
    .trim()
    .split('\r\n')
    .map((line) =>
      [...line.matchAll(/"((?:[^"]|"")*)"|(-?[\d.]+)|(?<=,|^)(?=,|$)/g)].map((m) =>
        m[2] !== undefined ? Number(m[2]) : (m[1] ?? '').replace(/""/g, '"'),
      ),
    );
}

describe('backlog health CSV', () => {
  const previous = backlogHealth([
    item(1, { isRecipe: true, link: 'direct', score: 80 }),
    item(2, { isRecipe: true, score: 60 }),
    item(3, { zombieRules: ['idle'] }),
    item(4, { zombieRules: ['idle'] }),
  ]);
  const current = backlogHealth([
    item(1, {
      isRecipe: true,
      link: 'direct',
      score: 70,
      recipePhrases: ['make the button blue', 'Make the button blue', 'top right'],
    }),
    item(3, { zombieRules: ['idle'] }),
    item(5),
  ]);
  const csv = healthCsv({
    current,
    movement: healthMovement(current, previous),
    lastScan: null,
    truncated: false,
    asOf: null,
    liveBecause: 'no-scan',
    unreadable: null,
  });
  const rows = parseCsv(csv);
  const column = (name: string) => HEALTH_CSV_HEADER.indexOf(name);
  const find = (section: string, itemName: string) =>
    rows.find((r) => r[0] === section && r[1] === itemName) ?? [];

  it('writes falling figures as negative numbers, never as guarded text', () => {
    expect(csv).not.toContain("'-");
    expect(find('total', 'open items')[column('change in open items since last scan')]).toBe(-1);
    expect(find('zombies', 'all')[column('change in open items since last scan')]).toBe(-1);
    // 2 of 4 recipes before, 1 of 3 now: -16.7 percentage points.
    expect(find('framing', 'recipes')[column('change in percentage points since last scan')]).toBe(-16.7);
    // Mean 60 before, 56.7 now.
    expect(find('score', 'mean')[column('change in score since last scan')]).toBe(-3.3);
  });

  it('keeps one unit per column: percentages as 0-100, scores apart from counts', () => {
    expect(rows[0]).toEqual(HEALTH_CSV_HEADER);
    expect(find('framing', 'recipes')[column('percent of open items')]).toBe(33.3);
    expect(find('framing', 'recipes')[column('open items')]).toBe(1);
    expect(find('score', 'mean')[column('score')]).toBe(56.7);
    expect(find('score', 'mean')[column('open items')]).toBe('');
    for (const r of rows.slice(1)) {
      const percent = r[column('percent of open items')];
      if (typeof percent === 'number') expect(percent).toBeGreaterThanOrEqual(0);
      if (typeof percent === 'number') expect(percent).toBeLessThanOrEqual(100);
      for (const name of ['open items', 'score', 'percent of open items'])
        expect(['number', 'string']).toContain(typeof r[column(name)]);
      expect(r).toHaveLength(HEALTH_CSV_HEADER.length);
    }
  });

  it('names each recipe phrase once, in its own column', () => {
    const example = find('recipe example', 'DEMO-1 Story 1');
    expect(example[column('recipe phrases')]).toBe('make the button blue; top right');
    expect(example[column('change in open items since last scan')]).toBe('');
  });
});

describe('top reporters', () => {
  const many = Array.from({ length: 57 }, (_, i) => ({ reporter: `person ${i}`, count: 57 - i }));
  const total = many.reduce((sum, r) => sum + r.count, 0);

  it('names the five who wrote most, then folds everyone else into "others"', () => {
    const rows = topReporters(many, total);
    expect(rows.map((r) => r.label)).toEqual([
      'person 0',
      'person 1',
      'person 2',
      'person 3',
      'person 4',
      '52 others',
    ]);
    expect(rows.reduce((sum, r) => sum + r.count, 0)).toBe(total);
    expect(rows[5]!.share).toBeCloseTo(1 - (57 + 56 + 55 + 54 + 53) / total);
  });

  it('shows a short list whole, with no "1 others" row', () => {
    const six = many.slice(0, 6);
    expect(topReporters(six, 100).map((r) => r.label)).toHaveLength(6);
    expect(topReporters([{ reporter: null, count: 2 }], 2)).toEqual([
      { label: 'unknown', count: 2, share: 1 },
    ]);
  });
});
