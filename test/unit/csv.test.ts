import type { DecisionEntry } from '../../src/contract/project-page';
import { csvCell, DECISION_COLUMNS, decisionsCsv, toCsv } from '../../static/outcome-map/src/csv';
import { decidedText } from '../../static/outcome-map/src/decided';
import { ruleLabel } from '../../static/shared/zombie-rules';

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
    expect(toCsv(['change'], [[-3]])).toBe('"change"\r\n-3\r\n');
  });
});

describe('decision log CSV', () => {
  const base: DecisionEntry = {
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
  };
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
      ...base,
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
      ...base,
      kind: 'relink',
      relinkedTo: { id: 'o2', name: 'Faster checkout' },
      previousOutcome: { id: 'o1', name: 'More reorders' },
    });
    expect(relink).toMatchObject({
      'relinked to': '"Faster checkout"',
      'previous outcome': '"More reorders"',
    });
    const kill = rowOf({ ...base, kind: 'kill', transition: 'Close', resolution: "Won't Do" });
    expect(kill).toMatchObject({ transition: '"Close"', resolution: `"Won't Do"`, 'snooze until': '""' });
  });
});

describe('decision log table text', () => {
  const e = (over: Partial<DecisionEntry>): DecisionEntry => ({
    id: 'd',
    issueKey: 'DEMO-1',
    kind: 'keep',
    reason: 'r',
    by: 'a',
    byName: null,
    at: '2026-11-30T03:00:00.000Z',
    rules: [],
    relinkedTo: null,
    previousOutcome: null,
    snoozeUntil: null,
    killCriteria: null,
    transition: null,
    resolution: null,
    details: {},
    ...over,
  });

  it('says what each decision changed', () => {
    expect(decidedText(e({ snoozeUntil: '2026-12-31', killCriteria: { maxIdleDays: 30 } }))).toBe(
      'snoozed until 2026-12-31; max 30 idle days',
    );
    expect(
      decidedText(e({ kind: 'relink', relinkedTo: { id: 'o2', name: 'Checkout' }, previousOutcome: null })),
    ).toBe('to "Checkout" (was no outcome)');
    expect(
      decidedText(
        e({
          kind: 'relink',
          relinkedTo: { id: 'o2', name: 'Checkout' },
          previousOutcome: { id: 'o1', name: null },
        }),
      ),
    ).toBe('to "Checkout" (was an outcome since deleted)');
    expect(decidedText(e({ kind: 'kill', transition: 'Close', resolution: "Won't Do" }))).toBe(
      `closed by "Close"; resolution "Won't Do"`,
    );
  });
});
