import {
  amountText,
  decimalMarkOf,
  readTypedNumber,
  toNumber,
  typedNumberText,
  unitOf,
  AMOUNT_SRC,
} from '../../src/domain/amounts';
import { movementPhrase } from '../../src/domain/hypothesis-text';
import { parseStory } from '../../src/domain/story-parser';

describe('amounts', () => {
  it.each(['$', '€', '£', '¥'])(
    'money read in %s is written back with the sign before the amount',
    (sign) => {
      const [expected] = parseStory(
        `We expect revenue to rise from ${sign}40 to ${sign}1.5M by 2027-06-30.`,
      ).expectedOutcomes;
      expect(expected).toMatchObject({ baseline: 40, target: 1_500_000, unit: sign });
      expect(
        movementPhrase({ metric: 'revenue', baseline: 40, target: 50, unit: sign, direction: 'increase' }),
      ).toBe(`revenue to rise from ${sign}40 to ${sign}50`);
    },
  );

  it('writes a percent sign right after the amount, any other unit after a space, and no unit as the bare number', () => {
    expect(amountText(40, '%')).toBe('40%');
    expect(amountText(800, 'ms')).toBe('800 ms');
    expect(amountText(40, 's')).toBe('40 s');
    expect(amountText(1200, 'sign-ups')).toBe('1200 sign-ups');
    expect(amountText(12, null)).toBe('12');
    expect(amountText(12, ' ')).toBe('12');
  });

  it.each([
    ['1,200', 1200],
    ['10k', 10_000],
    ['1.5 million', 1_500_000],
    ['2bn', 2e9],
    ['−5', -5],
    // A lower-case m may be minutes or millions: it multiplies nothing.
    ['6m', 6],
    ['12.5', 12.5],
  ])('reads the number %s as %s', (raw, value) => {
    expect(toNumber(raw)).toBe(value);
  });

  it('takes a unit from the words after the number, else from the currency before it', () => {
    const amount = (text: string) => new RegExp(AMOUNT_SRC, 'i').exec(text)!;
    expect(unitOf(amount('40 percent'))).toBe('%');
    expect(unitOf(amount('£ 12.50'))).toBe('£');
    expect(unitOf(amount('3 hours'))).toBe('h');
    expect(unitOf(amount('7 widgets'))).toBeNull();
  });

  it.each([
    ['1200', 1200],
    ['1,200', 1200],
    ['1 200 000', 1_200_000],
    ['1\u00a0200', 1200],
    ['1,200.5', 1200.5],
    ['1.200,5', 1200.5],
    ['1.200.000', 1_200_000],
    ['12,5', 12.5],
    ['0,125', 0.125],
    ['-3', -3],
    ['−3', -3],
    ['1e5', 100_000],
    ['5.', 5],
    ['1,20,0', null],
    ['1.2.3', null],
    ['1,200.000,5', null],
    ['5,', null],
    ['abc', null],
    ['12 apples', null],
    ['-', null],
  ])('reads the typed number %j as %s', (typed, value) => {
    expect(readTypedNumber(typed)).toBe(value);
  });
});

describe('typed numbers in the person’s own language', () => {
  it.each([
    ['1,234', 1.234],
    ['1.234', 1234],
    ['1.234,5', 1234.5],
    ['1.234.567', 1_234_567],
    ['12,5', 12.5],
    ['0,125', 0.125],
    ['1 234,5', 1234.5],
    ['1,2,3', null],
  ])('with a decimal comma, reads %j as %s', (typed, value) => {
    expect(readTypedNumber(typed, ',')).toBe(value);
  });

  it('reads a number in scientific notation, and none past what a number can hold', () => {
    expect(readTypedNumber('1e3')).toBe(1000);
    expect(readTypedNumber('-2.5E-2', ',')).toBe(-0.025);
    for (const typed of ['1e999', '-1e400', '1e99999'])
      for (const mark of ['.', ','] as const) expect(readTypedNumber(typed, mark)).toBeNull();
  });

  it('takes the decimal mark from the locale, "." when it is unknown', () => {
    expect(['de-DE', 'fr_FR', 'pt-BR', 'en-US', 'en-GB', 'ja-JP'].map(decimalMarkOf)).toEqual([
      ',',
      ',',
      ',',
      '.',
      '.',
      '.',
    ]);
    expect(decimalMarkOf(undefined)).toBe('.');
    expect(decimalMarkOf('not a locale!')).toBe('.');
  });

  it('writes a number as the person types it, and reads it back as the same number', () => {
    for (const mark of ['.', ','] as const)
      for (const n of [1.234, 1234.5, 0.5, -3, 1200, 1e-7, 1.5e21])
        expect(readTypedNumber(typedNumberText(n, mark), mark)).toBe(n);
    expect(typedNumberText(1.234, ',')).toBe('1,234');
  });
});
