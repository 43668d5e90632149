import {
  amountText,
  decimalMarkOf,
  inParserNotation,
  readTypedNumber,
  toNumber,
  typedNumberText,
  unitOf,
  AMOUNT_SRC,
  NUMBER_SRC,
  type DecimalMark,
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
    // Scaled without binary floating-point noise (4.1 × 1e6 is 4099999.9999999995 in doubles).
    ['4.1M', 4_100_000],
    ['1.005k', 1005],
    ['2.01k', 2010],
    ['0.07 million', 70_000],
    ['1.1bn', 1_100_000_000],
  ])('reads the number %s as %s', (raw, value) => {
    expect(toNumber(raw)).toBe(value);
  });

  it.each(['$', '£', '€', 'EUR '])(
    'reads a lower-case m after %j as a million, money being no time',
    (sign) => {
      const [expected] = parseStory(
        `We expect revenue to grow from ${sign}1.2m to ${sign}1.5m by 2027-06-30.`,
      ).expectedOutcomes;
      expect(expected).toMatchObject({ baseline: 1_200_000, target: 1_500_000, unit: sign.trim() });
      // Without money it may still be minutes.
      expect(toNumber('1.2m')).toBe(1.2);
      expect(toNumber('1.2m', true)).toBe(1_200_000);
    },
  );

  it('reads no number from a run of more than fifteen digits, rather than its first fifteen', () => {
    const [expected] = parseStory(
      'We expect revenue to rise from 1234567890123456 to 2234567890123456 by 2027-01-01.',
    ).expectedOutcomes;
    expect(expected).toMatchObject({ metric: 'revenue', baseline: null, target: null });
    expect(new RegExp(AMOUNT_SRC).exec('999999999999999 users')?.[1]).toBe('999999999999999');
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

describe('digits grouped with spaces', () => {
  const read = (text: string) => {
    const [e] = parseStory(text, { now: new Date('2026-06-15T00:00:00Z') }).expectedOutcomes;
    return e && [e.baseline, e.target, e.unit, e.checkBy];
  };

  it.each([
    ['plain spaces', 'from 12 000 to 15 000', [12_000, 15_000, null]],
    ['no-break and narrow no-break spaces', 'from 12\u202f000 to 15\u00a0000', [12_000, 15_000, null]],
    ['millions, a currency after them', 'from 1 200 000 € to 1 500 000 €', [1_200_000, 1_500_000, '€']],
    ['a group with a fraction', 'from 12 000.5 to 15 000', [12_000.5, 15_000, null]],
  ])('reads a number grouped with %s as one number', (_, range, [baseline, target, unit]) => {
    expect(read(`We expect sign-ups to rise ${range} by 2027-01-01.`)).toEqual([
      baseline,
      target,
      unit,
      '2027-01-01',
    ]);
  });

  it('keeps small numbers, dates and a year after a number apart', () => {
    expect(read('We expect conversion to rise from 2 to 3 by 1 March 2027.')).toEqual([
      2,
      3,
      null,
      '2027-03-01',
    ]);
    expect(toNumber('10 000')).toBe(10_000);
    // No share is written in thousands: "8 100%" is 8, then 100%.
    expect(read('We expect errors to fall from 12 to 8 100% of the time by 2027-01-01.')).toEqual([
      12,
      8,
      null,
      '2027-01-01',
    ]);
    expect(inParserNotation('from 12 to 8 100% and 1 234,5', ',').text).toBe('from 12 to 8 100% and 1234.5');
    const relative = parseStory('We expect sign-ups to grow by 10 000 users in 2027.');
    expect(relative.notes).toContain('"by 10 000" is a relative change; no target is computed from it.');
  });

  it.each([
    ['a decimal comma, read with a point', 'from €1.200,50 to €1.500', '.', 'from €1200.5 to €1500'],
    ['a decimal point, read with a comma', 'from 1,200.50 to 1,500', ',', 'from 1200.5 to 1500'],
  ])('reads every number with the mark the story shows: %s', (_, story, mark, text) => {
    const read = inParserNotation(story, mark as ',' | '.');
    expect(read.text).toBe(text);
    expect(read.asWritten(text)).toBe(story);
  });

  it('reads a grouped number with a decimal comma as one number, and gives it back as written', () => {
    const { text, asWritten } = inParserNotation('from 12 000,5 € to 15\u202f000 €', ',');
    expect(text).toBe('from 12000.5 € to 15000 €');
    expect(asWritten('12000.5 and 15000')).toBe('12 000,5 and 15\u202f000');
  });
});

describe('where a number starts', () => {
  const startsAt = (text: string, at: number) => {
    const re = new RegExp(NUMBER_SRC, 'iy');
    re.lastIndex = at;
    return re.exec(text)?.[1] ?? null;
  };

  it.each([
    ['a space', '111 222 333'],
    ['a narrow no-break space', '111\u202f222\u202f333'],
    ['a comma', '111,222,333'],
    ['an apostrophe', "111'222'333"],
  ])('reads a run grouped by %s from its first digit only, never from a group inside it', (_, run) => {
    expect(startsAt(run, 0)).toBe(run);
    // Inside a digit run, and at each later group: a failing pattern is not tried again from there.
    expect([1, 2, 4, 5, 8].map((at) => startsAt(run, at))).toEqual([null, null, null, null, null]);
  });

  it('still starts a number after a word, a list comma or a year', () => {
    expect(startsAt('from 12 to 8', 11)).toBe('8');
    expect(startsAt('1, 2', 3)).toBe('2');
    expect(startsAt('in 2026 100 users', 8)).toBe('100');
    expect(startsAt('2.5', 2)).toBe('5');
  });
});

describe('money written with an ISO code, exponents and Swiss thousands', () => {
  it.each([
    ['EUR 40', 'EUR 50'],
    ['40 EUR', '50 EUR'],
    ['EUR40', 'EUR50'],
    ['40 eur', '50 eur'],
    ['CHF 40', 'CHF 50'],
  ])('reads %s to %s as money, its code the unit', (from, to) => {
    const [expected] = parseStory(
      `We expect revenue to rise from ${from} to ${to} by 2027-06-30.`,
    ).expectedOutcomes;
    expect(expected).toMatchObject({
      baseline: 40,
      target: 50,
      unit: from.replace(/[\d\s]/g, '').toUpperCase(),
    });
  });

  it('reads a code before or after the number as its currency, and no longer word as one', () => {
    const amount = (text: string) => new RegExp(AMOUNT_SRC, 'i').exec(text)!;
    expect(unitOf(amount('USD 1,200'))).toBe('USD');
    expect(toNumber(amount('USD 1,200')[1])).toBe(1200);
    expect(unitOf(amount('12.50 GBP'))).toBe('GBP');
    expect(unitOf(amount('40 euros'))).toBeNull();
    expect(amountText(40, 'EUR')).toBe('40 EUR');
  });

  it.each([
    ['1e3', 1000],
    ['2.5e3', 2500],
    ['1E6', 1_000_000],
    ["1'200", 1200],
    ['1’200’000', 1_200_000],
  ])('reads the number %s as %s', (raw, value) => {
    expect(toNumber(new RegExp(AMOUNT_SRC, 'i').exec(raw)![1])).toBe(value);
  });

  it('reads "1e3" as a thousand and "1\'200" as twelve hundred in a story, not as their first digits', () => {
    const read = (from: string, to: string) =>
      parseStory(`We expect orders to rise from ${from} to ${to} by 2027-06-30.`).expectedOutcome;
    expect(read('1e3', '2e3')).toMatchObject({ baseline: 1000, target: 2000, direction: 'increase' });
    expect(read("1'200", "1'500")).toMatchObject({ baseline: 1200, target: 1500 });
    expect(read('1’200', '1’500')).toMatchObject({ baseline: 1200, target: 1500 });
  });
});

describe('a number that reads two ways, told in a note', () => {
  it.each([
    [
      '.',
      'from 1.200 to 1.500',
      '"1.200" is read as 1.2 ("." being the decimal mark); if you meant 1200, write 1200.',
    ],
    [
      ',',
      'von 1,200 auf 1,500',
      '"1,200" is read as 1,2 ("," being the decimal mark); if you meant 1200, write 1200.',
    ],
  ])('says how it read one mark before three digits with the decimal mark "%s"', (mark, story, first) => {
    const { notes } = inParserNotation(story, mark as DecimalMark);
    expect(notes).toHaveLength(2);
    expect(notes[0]).toBe(first);
  });
  it.each([
    ['thousands grouped with the other mark', 'from 1,200 to 1,500', '.'],
    ['thousands grouped with the other mark', 'von 1.200 auf 1.500', ','],
    ['a fraction of one or two digits', 'from 1.5 to 12.25', '.'],
    ['a number grouped twice', 'from 1.200.000 to 1.500.000', ','],
    ['a number with both marks, which shows the mark', 'from €1.200,50 to €1.500', '.'],
    ['a leading zero', 'from 0.125 to 0.250', '.'],
  ])('says nothing of %s: %s', (_, story, mark) => {
    expect(inParserNotation(story, mark as DecimalMark).notes).toEqual([]);
  });
  it('says a number written twice once', () => {
    expect(inParserNotation('from 1.200 to 1.200', '.').notes).toHaveLength(1);
  });
});
