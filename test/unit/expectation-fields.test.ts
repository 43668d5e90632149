import { withFieldsAsSentence } from '../../src/domain/expectation-fields';
import { parseStory } from '../../src/domain/story-parser';
import { expectationRows } from '../support/stories';

const NOW = new Date('2026-11-21T09:00:00Z');
const STORY = 'As a shopper, I want to save my cart, so that I can finish my order later.';

/** Each expectation as [metric, baseline, target, unit, direction, checkBy]. */
const read = (text: string) => expectationRows(text, NOW);

describe('an expectation pasted as fields, as hypothesis templates lay it out', () => {
  it.each([
    ['one to a line', 'Metric: checkout conversion\nBaseline: 2.1%\nTarget: 2.6%\nCheck by: 2027-03-31'],
    [
      'as list items',
      '- Metric: checkout conversion\n- Baseline: 2.1%\n- Target: 2.6%\n- Check-by date: 31 March 2027',
    ],
    [
      'as a numbered list',
      '1. Metric: checkout conversion\n2. Baseline: 2.1%\n3. Target: 2.6%\n4. Deadline: 31/03/2027',
    ],
    ['as sentences', 'Metric: checkout conversion. Baseline: 2.1%. Target: 2.6% by 2027-03-31.'],
    [
      'with other names for them',
      'KPI: checkout conversion\nCurrent value: 2.1%\nGoal: 2.6%\nReview date: 2027-03-31',
    ],
  ])('reads the fields %s as one expectation', (_, fields) => {
    expect(read(`${STORY}\n${fields}`)).toEqual([
      ['checkout conversion', 2.1, 2.6, '%', 'increase', '2027-03-31'],
    ]);
  });

  it('takes the way from a direction field, and a quarter for the check-by', () => {
    expect(
      read(
        `${STORY}\nKPI: time to first value\nCurrent: 3 days\nTarget: 1 day\nDirection: decrease\nDeadline: Q2 2027`,
      ),
    ).toEqual([['time to first value', 3, 1, 'd', 'decrease', '2027-06-30']]);
  });

  it('reads a target without a baseline, and keeps the story’s parts', () => {
    const parsed = parseStory(`${STORY}\nMetric: weekly orders\nTarget: 1,500\nCheck by: 2027-06-30`, {
      now: NOW,
    });
    expect(parsed.expectedOutcomes.map((e) => [e.metric, e.baseline, e.target, e.checkBy])).toEqual([
      ['weekly orders', null, 1500, '2027-06-30'],
    ]);
    expect([parsed.persona, parsed.intent, parsed.benefit]).toEqual([
      'shopper',
      'save my cart',
      'I can finish my order later',
    ]);
  });

  it.each([
    [
      'in bold marks',
      '**Metric:** checkout conversion\n**Baseline:** 2.1%\n**Target:** 2.6%\n**Check by:** 2027-03-31',
    ],
    [
      'in one line of cells',
      'Metric: checkout conversion | Baseline: 2.1% | Target: 2.6% | Check by: 2027-03-31',
    ],
    [
      'with the baseline first',
      'Baseline: 2.1%\nMetric: checkout conversion\nTarget: 2.6%\nCheck by: 2027-03-31',
    ],
  ])('reads the fields %s', (_, fields) => {
    expect(read(`${STORY}\n${fields}`)).toEqual([
      ['checkout conversion', 2.1, 2.6, '%', 'increase', '2027-03-31'],
    ]);
  });

  it('reads each block of fields as an expectation', () => {
    expect(
      read(
        `${STORY}\nMetric: conversion\nBaseline: 2.1%\nTarget: 2.6%\n\nMetric: refund rate\nBaseline: 3%\nTarget: 2%\nCheck by: 2027-09-30`,
      ),
    ).toEqual([
      ['conversion', 2.1, 2.6, '%', 'increase', null],
      ['refund rate', 3, 2, '%', 'decrease', '2027-09-30'],
    ]);
  });

  it('keeps the target when the baseline is still to be found ("TBD")', () => {
    expect(read(`${STORY}\nMetric: conversion\nBaseline: TBD\nTarget: 2.6%\nCheck by: 2027-03-31`)).toEqual([
      ['conversion', null, 2.6, '%', null, '2027-03-31'],
    ]);
  });

  it.each([
    ['Baseline: TBD\nTarget: 3%\nDirection: decrease', [null, 3, 'decrease']],
    ['Target: 3%\nDirection: lower is better', [null, 3, 'decrease']],
    ['Baseline: 5%\nTarget: 3%\nDirection: higher is worse', [5, 3, 'decrease']],
    ['Baseline: 2.1%\nTarget: at least 2.6%', [2.1, 2.6, 'increase']],
  ])('keeps the direction and target the fields say: %s', (fields, [baseline, target, direction]) => {
    const [first] = read(`${STORY}\nMetric: churn\n${fields}`);
    expect([first?.[1], first?.[2], first?.[4]]).toEqual([baseline, target, direction]);
  });

  it.each([
    ['+0.5 pp', 'increase'],
    ['10% lower', 'decrease'],
    ['down 3 points', 'decrease'],
    ['0.3 s faster', 'decrease'],
  ])(
    'reads a target said as a change ("%s") as a relative change, with a note and no target',
    (target, way) => {
      const parsed = parseStory(
        `${STORY}\nMetric: conversion\nBaseline: 2.1%\nTarget: ${target}\nCheck by: 2027-03-31`,
        {
          now: NOW,
        },
      );
      expect(parsed.expectedOutcomes.map((e) => [e.metric, e.baseline, e.target, e.direction])).toEqual([
        ['conversion', 2.1, null, way],
      ]);
      expect(parsed.notes.join(' ')).toMatch(/is a relative change; no target is computed from it/);
    },
  );

  it.each([
    ['a target with no number', 'Metric: checkout conversion\nGoal: happier shoppers'],
    ['no baseline or target', 'Metric: checkout conversion\nCheck by: 2027-03-31'],
    ['a line of something else between the fields', 'Metric: conversion\nSome note about it.\nTarget: 3%'],
    ['no metric', 'Baseline: 2.1%\nTarget: 2.6%'],
    ['a label in the middle of a sentence', 'The build metric: 3 failures, target: 0 by Friday.'],
  ])('leaves the text as it is with %s', (_, fields) => {
    const text = `${STORY}\n${fields}`;
    expect(withFieldsAsSentence(text, 20_000)).toBe(text);
  });

  it.each([
    ['many labels', `${STORY}\n${'Metric: x. '.repeat(8_000)}\nMetric: y\nBaseline: ${'1'.repeat(60_000)}`],
    ['a long run of spaces after a full stop', `${STORY} We expect x. ${' '.repeat(50_000)}y: 1`],
    ['a long run of spaces in a line', `Metric: x |${' '.repeat(50_000)}y`],
  ])('reads a long text with %s in one pass', (_, long) => {
    const started = Date.now();
    parseStory(long, { now: NOW });
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
