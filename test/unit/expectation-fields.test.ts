import { withFieldsAsSentence } from '../../src/domain/expectation-fields';
import { parseStory } from '../../src/domain/story-parser';

const NOW = new Date('2026-11-21T09:00:00Z');
const STORY = 'As a shopper, I want to save my cart, so that I can finish my order later.';

/** Each expectation as [metric, baseline, target, unit, direction, checkBy]. */
const read = (text: string) =>
  parseStory(text, { now: NOW }).expectedOutcomes.map((e) => [
    e.metric,
    e.baseline,
    e.target,
    e.unit,
    e.direction,
    e.checkBy,
  ]);

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
    ['a target with no number', 'Metric: checkout conversion\nGoal: happier shoppers'],
    ['no baseline or target', 'Metric: checkout conversion\nCheck by: 2027-03-31'],
    ['a line of something else between the fields', 'Metric: conversion\nSome note about it.\nTarget: 3%'],
    ['no metric', 'Baseline: 2.1%\nTarget: 2.6%'],
    ['a label in the middle of a sentence', 'The build metric: 3 failures, target: 0 by Friday.'],
  ])('leaves the text as it is with %s', (_, fields) => {
    const text = `${STORY}\n${fields}`;
    expect(withFieldsAsSentence(text, 20_000)).toBe(text);
  });

  it('reads a long text in one pass', () => {
    const long = `${STORY}\n${'Metric: x. '.repeat(8_000)}\nMetric: y\nBaseline: ${'1'.repeat(60_000)}`;
    const started = Date.now();
    parseStory(long, { now: NOW });
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
