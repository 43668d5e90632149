import { parseStory, type ParsedStory } from '../../src/domain/story-parser';

/** A Saturday in the fourth quarter: "this quarter" ends 2026-12-31, the next one 2027-03-31. */
const NOW = new Date('2026-11-21T09:00:00Z');

/** Read with today NOW, or with no today at all (null). */
const story = (when: string, now: Date | null = NOW): ParsedStory =>
  parseStory(
    `As a returning shopper, I want one-page checkout, so that I pay faster. We expect checkout conversion to rise from 10% to 15% ${when}.`,
    now === null ? {} : { now },
  );
const checkBy = (when: string, now: Date | null = NOW) => story(when, now).expectedOutcome?.checkBy ?? null;
const dateNotes = (s: ParsedStory) => s.notes.filter((n) => /check-by|fiscal/i.test(n));

describe('a check-by said as a period, the way deadlines are written', () => {
  it.each([
    // Halves of a year: the half's last day.
    ['by H1 2027', '2027-06-30'],
    ['by H2 2027', '2027-12-31'],
    ['in H2 2027', '2027-12-31'],
    ['by 1H 2027', '2027-06-30'],
    ['by 2H27', '2027-12-31'],
    ["by H1'27", '2027-06-30'],
    ['by H1 27', '2027-06-30'],
    ['by h1 2027', '2027-06-30'],
    ['by the end of H1 2027', '2027-06-30'],
    ['by 2027 H2', '2027-12-31'],
    ['by 2027-H1', '2027-06-30'],
    ['by H2/2027', '2027-12-31'],
    ['by the first half of 2027', '2027-06-30'],
    ['in the second half of 2027', '2027-12-31'],
    ['by the end of the first half of 2027', '2027-06-30'],
    // Quarters written with the number first, the year first, or a separator.
    ['by 3Q 2027', '2027-09-30'],
    ['by 3Q27', '2027-09-30'],
    ['by 2027 Q3', '2027-09-30'],
    ['by 2027-Q3', '2027-09-30'],
    ['by Q3/2028', '2028-09-30'],
    ['by Q3-2028', '2028-09-30'],
    // A calendar year said as such.
    ['by CY2027', '2027-12-31'],
    ['by the end of CY27', '2027-12-31'],
    // The end, the middle or the late part of a year or a month.
    ['by end 2027', '2027-12-31'],
    ['by late 2027', '2027-12-31'],
    ['by mid-2027', '2027-06-30'],
    ['by mid 2027', '2027-06-30'],
    ['by the middle of 2027', '2027-06-30'],
    ['by mid-year 2027', '2027-06-30'],
    ['by mid-March 2027', '2027-03-15'],
    ['by late March 2027', '2027-03-31'],
    // A month and year with a short year or a hyphen, and a day written "30-Jun-2027".
    ["by March '28", '2028-03-31'],
    ['by Jun-2027', '2027-06-30'],
    ['by 30-Jun-2027', '2027-06-30'],
    ["by 30 June '27", '2027-06-30'],
  ])('reads "%s" as %s, without a note', (when, day) => {
    const withToday = story(when);
    expect(withToday.expectedOutcome).toMatchObject({
      metric: 'checkout conversion',
      baseline: 10,
      target: 15,
      checkBy: day,
    });
    expect(dateNotes(withToday)).toEqual([]);
    // None of these needs today: the year is said.
    expect(checkBy(when, null)).toBe(day);
  });

  it.each([
    ['by H1', '2027-06-30'],
    ['by H2', '2026-12-31'],
    ['by mid-year', '2027-06-30'],
    ['by the middle of next year', '2027-06-30'],
    ['by mid-March', '2027-03-15'],
    ['by the end of the quarter', '2026-12-31'],
    ['by the end of this quarter', '2026-12-31'],
    ['by EOQ', '2026-12-31'],
    ['by quarter-end', '2026-12-31'],
    ['by the end of next quarter', '2027-03-31'],
    ['in the next quarter', '2027-03-31'],
    ['by next quarter', '2027-03-31'],
    ['by next year', '2027-12-31'],
  ])('counts "%s" from today (%s)', (when, day) => {
    const withToday = story(when);
    expect(withToday.expectedOutcome?.checkBy).toBe(day);
    expect(dateNotes(withToday)).toEqual([]);
  });

  it.each(['by H1', 'by mid-year', 'by the end of the quarter', 'by EOQ', 'by next quarter', 'by next year'])(
    'leaves "%s" open, with a note, when no day is given to count from',
    (when) => {
      const open = story(when, null);
      expect(open.expectedOutcome?.checkBy).toBeNull();
      expect(dateNotes(open)).toHaveLength(1);
      expect(dateNotes(open)[0]).toMatch(/left open/);
    },
  );
});

describe('a check-by read before periods were: still read the same', () => {
  it.each([
    ['by Q3 2027', '2027-09-30'],
    ["by Q3'27", '2027-09-30'],
    ['in Q3 2027', '2027-09-30'],
    ['by the end of Q3 2027', '2027-09-30'],
    ['by the end of 2027', '2027-12-31'],
    ['by end of year 2027', '2027-12-31'],
    ['by 2027', '2027-12-31'],
    ['by the end of March 2027', '2027-03-31'],
    ['by March 2027', '2027-03-31'],
    ['by 30 June 2027', '2027-06-30'],
    ['by June 30, 2027', '2027-06-30'],
    ['by 30/06/2027', '2027-06-30'],
    ['by 06/30/2027', '2027-06-30'],
    ['by 2027-06-30', '2027-06-30'],
    ['within 3 months', '2027-02-21'],
    ['within six weeks', '2027-01-02'],
    ['within a quarter', '2027-02-21'],
    ['within 2 quarters', '2027-05-21'],
    ['in the next three quarters', '2027-08-21'],
  ])('"%s" is %s', (when, day) => {
    expect(checkBy(when)).toBe(day);
    expect(dateNotes(story(when))).toEqual([]);
  });

  it('leaves a day and month that could be either way round open, and says so', () => {
    const read = story('by 03/04/2027');
    expect(read.expectedOutcome?.checkBy).toBeNull();
    expect(dateNotes(read)).toEqual([
      'The check-by date "03/04/2027" could be 2027-04-03 or 2027-03-04; write it as one of those.',
    ]);
  });

  it('leaves a dashed date of two-digit numbers open when its year could come first, as in ISO (27-06-30)', () => {
    const read = story('by 27-06-30');
    expect(read.expectedOutcome?.checkBy).toBeNull();
    expect(dateNotes(read)).toEqual([
      'The check-by date "27-06-30" could be 2030-06-27 or 2027-06-30; write it as one of those.',
    ]);
    // Read day first where year first would be a year gone, or no real day.
    expect(checkBy('by 13-06-27')).toBe('2027-06-13');
    expect(checkBy('by 31-06-27')).toBeNull();
    expect(checkBy('by 28-02-31')).toBe('2031-02-28');
  });
});

describe('a check-by said as a fiscal year', () => {
  it.each([
    ['by FY2027', 'FY2027', '2027-12-31'],
    ['by FY27', 'FY27', '2027-12-31'],
    ["by FY'27", "FY'27", '2027-12-31'],
    ['by FY 2027', 'FY 2027', '2027-12-31'],
    ['by end of FY27', 'FY27', '2027-12-31'],
    ['by the end of FY2027', 'FY2027', '2027-12-31'],
    ['in FY27', 'FY27', '2027-12-31'],
    ['by Q1 FY2028', 'Q1 FY2028', '2028-03-31'],
    ['by Q3 FY27', 'Q3 FY27', '2027-09-30'],
    ['by FY27 Q2', 'FY27 Q2', '2027-06-30'],
    ['by H1 FY2027', 'H1 FY2027', '2027-06-30'],
  ])('reads "%s" on the calendar, and says the owner should check it', (when, said, day) => {
    const read = story(when);
    expect(read.expectedOutcome?.checkBy).toBe(day);
    expect(dateNotes(read)).toEqual([
      `The check-by "${said}" is read as if the fiscal year were the calendar year, ending ${day}: a fiscal year may end on another day, so check the date.`,
    ]);
    expect(checkBy(when, null)).toBe(day);
  });

  it('keeps the note once when a fiscal check-by holds for two expectations', () => {
    const read = parseStory(
      'We expect checkout conversion to rise from 10% to 15% and refunds to fall from 4% to 3% by FY27.',
    );
    expect(read.expectedOutcomes.map((e) => [e.metric, e.checkBy])).toEqual([
      ['checkout conversion', '2027-12-31'],
      ['refunds', '2027-12-31'],
    ]);
    expect(dateNotes(read)).toHaveLength(1);
  });
});

describe('a period already over, with a check-by counted from today said last', () => {
  it.each([
    'We expect churn, which peaked in mid-2024, to fall from 5% to 4% within 6 months.',
    'We expect churn, which peaked in H1 2024, to fall from 5% to 4% within 6 months.',
  ])('"%s" is checked six months from today', (text) => {
    expect(parseStory(text, { now: NOW }).expectedOutcome).toMatchObject({
      metric: 'churn',
      checkBy: '2027-05-21',
    });
  });

  it('keeps a period already over when nothing else is said, for the owner to see it has passed', () => {
    expect(checkBy('in H1 2024')).toBe('2024-06-30');
  });
});

describe('a deadline that cannot be read gives no check-by, and says so', () => {
  it.each([
    ['by H3 2027', 'The check-by half "H3 2027" is not one: a year has H1 and H2.'],
    ['by H0 2027', 'The check-by half "H0 2027" is not one: a year has H1 and H2.'],
    ['by Q5 2027', 'The check-by quarter "Q5 2027" is not one: a year has Q1 to Q4.'],
    ['by FY', 'The check-by "FY" names no year; it is left open.'],
    ['by FY20277', 'The check-by "FY20277" could not be read as a date; write the day to check by.'],
    ['by 2027-02-30', 'The check-by date "2027-02-30" is not a real day.'],
    ['by early 2027', 'The check-by "early 2027" does not say which day; write the day to check by.'],
    [
      'by early March 2027',
      'The check-by "early March 2027" does not say which day; write the day to check by.',
    ],
  ])('"%s"', (when, note) => {
    const read = story(when);
    expect(read.expectedOutcome).toMatchObject({ metric: 'checkout conversion', checkBy: null });
    expect(dateNotes(read)).toEqual([note]);
  });

  it.each([
    'We expect checkout conversion to rise from 10% to 15% Q5 2027.',
    'We expect response time to fall by 1h.',
    'We expect response time to fall from 3h to 2h by 2h 30 min.',
    'We expect churn to fall by half.',
    'We expect cycle time to fall from 10 to 8 days.',
    'We expect revenue by quarter to rise from 1 to 2.',
    'We expect sign-ups in the middle of the funnel to rise from 10 to 20.',
    'We expect late deliveries to fall from 10% to 5%.',
    'We expect H2O usage to fall from 10 to 8 litres.',
  ])('"%s" names no check-by', (text) => {
    const read = parseStory(text, { now: NOW });
    expect(read.expectedOutcome?.checkBy).toBeNull();
    expect(dateNotes(read)).toEqual([]);
  });
});

describe('a period that names what a task is about, not when it is due', () => {
  it.each([
    'We expect errors in FY27 reporting to fall from 10 to 5.',
    'We expect overruns in FY2027 budgets to fall from 10% to 5%.',
    'We expect checkout conversion to rise from 10% to 15% in FY27 reporting.',
    'We expect checkout conversion to rise from 10% to 15% in FY2027 budgets.',
    'We expect errors in FY27/28 reporting to fall from 10 to 5.',
    "We expect errors in FY27's budget to fall from 10 to 5.",
    'We expect scores in mid-year reviews to rise from 3 to 4.',
    'We expect checkout conversion to rise from 10% to 15% in mid-year reviews.',
    'We expect clicks in late-year campaigns to rise from 100 to 150.',
    'We expect checkout conversion to rise from 10% to 15% in late-year campaigns.',
    'We expect errors in quarter end reports to fall from 10 to 5.',
    'We expect checkout conversion to rise from 10% to 15% in quarter end reports.',
    'We expect slips during Q3 2027 planning to fall from 10 to 5.',
    'We expect errors in FY27-related filings to fall from 10 to 5.',
    'We expect overspend within FY27 budgets to fall from 10% to 5%.',
    'We expect attendance at next year’s conference to rise from 200 to 300.',
    "We expect checkout conversion to rise from 10% to 15% at next year's conference.",
    "We expect checkout conversion to rise from 10% to 15% by next year's offsite.",
    "We expect checkout conversion to rise from 10% to 15% by Q3's offsite.",
  ])('"%s" names no check-by', (text) => {
    for (const now of [NOW, undefined]) {
      const read = parseStory(text, { now });
      expect(read.expectedOutcome).not.toBeNull();
      expect(read.expectedOutcome?.checkBy).toBeNull();
      expect(dateNotes(read)).toEqual([]);
    }
  });

  it.each([
    // After "in", a period followed by a word that joins rather than names a thing is still a deadline.
    ['in Q3 2027 at the latest', '2027-09-30'],
    ['in Q3 2027 for enterprise accounts', '2027-09-30'],
    ['in H1 2027 and keep it there', '2027-06-30'],
    ['during Q3 2027', '2027-09-30'],
    ['within Q3 2027', '2027-09-30'],
    ["by Q3 2027's close", '2027-09-30'],
    ['in the next quarter, as the pricing lands', '2027-03-31'],
    // After "by", the guard does not apply: a word following is the rest of the sentence.
    ['by Q3 2027 once pricing lands', '2027-09-30'],
    ['by mid-2027 once pricing lands', '2027-06-30'],
    // A possessive that says the end is the end.
    ["by next year's end", '2027-12-31'],
    ["by this year's end", '2026-12-31'],
    ["by year's end", '2026-12-31'],
    ["by Q3 2027's end", '2027-09-30'],
  ])('"%s" is still %s', (when, day) => {
    expect(checkBy(when)).toBe(day);
    expect(dateNotes(story(when))).toEqual([]);
  });

  it.each([
    ['We expect errors in FY27 reporting to fall from 10 to 5 by Q3 2027.', '2027-09-30'],
    ['We expect scores in mid-year reviews to rise from 3 to 4 by H1 2027.', '2027-06-30'],
  ])('"%s" is checked by the deadline said later (%s)', (text, day) => {
    expect(parseStory(text, { now: NOW }).expectedOutcome?.checkBy).toBe(day);
  });

  it('reads a period that ends its line, whatever the next line says', () => {
    const read = parseStory(
      'As a shopper, I want one-page checkout.\nWe expect checkout conversion to rise from 10% to 15% in Q3 2027\nNotes follow',
      { now: NOW },
    );
    expect(read.expectedOutcome?.checkBy).toBe('2027-09-30');
  });

  it('still reads "by Q3 2027 and churn to fall …" as the deadline of both', () => {
    const read = parseStory(
      'We expect checkout conversion to rise from 10% to 15% by Q3 2027 and churn to fall from 5% to 4%.',
      { now: NOW },
    );
    expect(read.expectedOutcome?.checkBy).toBe('2027-09-30');
  });
});

describe('a part of a year said with "this year", "next year" or "last year"', () => {
  it.each([
    ['in H2 next year', '2027-12-31'],
    ['by Q4 next year', '2027-12-31'],
    ['by Q1 of next year', '2027-03-31'],
    ['by h1 next year', '2027-06-30'],
    ['by the end of Q2 next year', '2027-06-30'],
    ['by Q4 this year', '2026-12-31'],
    ['in H2 this year', '2026-12-31'],
  ])('reads "%s" as %s', (when, day) => {
    const read = story(when);
    expect(read.expectedOutcome?.checkBy).toBe(day);
    expect(dateNotes(read)).toEqual([]);
  });

  it('leaves "by Q4 next year" open, with a note, when no day is given to count from', () => {
    const open = story('by Q4 next year', null);
    expect(open.expectedOutcome?.checkBy).toBeNull();
    expect(dateNotes(open)).toEqual([
      'The check-by date "Q4 next year" is counted from a day, and none was given; it is left open.',
    ]);
  });

  it('reads a part of last year as the past period it is, so a later "within 6 months" is the check-by', () => {
    expect(
      parseStory('We expect churn, which peaked in Q4 last year, to fall from 5% to 4% within 6 months.', {
        now: NOW,
      }).expectedOutcome?.checkBy,
    ).toBe('2027-05-21');
    expect(checkBy('in Q4 last year')).toBe('2025-12-31');
  });
});

describe('a fiscal year that spans two calendar years', () => {
  const SPLIT_NOTE = (said: string) =>
    `The check-by "${said}" is a fiscal year that spans two calendar years, so its last day is where the company's fiscal year ends; write the day to check by.`;

  it.each([
    ['by FY27/28', 'FY27/28'],
    ['by FY 2027-28', 'FY 2027-28'],
    ['by the end of FY27/28', 'FY27/28'],
    ['by FY2027/2028', 'FY2027/2028'],
    ['by FY27-28', 'FY27-28'],
    ['in FY 2027–28', 'FY 2027–28'],
    ['by Q3 FY27/28', 'Q3 FY27/28'],
    ['by FY27/28 H1', 'FY27/28 H1'],
  ])('leaves "%s" open, and asks for the day', (when, said) => {
    for (const now of [NOW, null]) {
      const read = story(when, now);
      expect(read.expectedOutcome).toMatchObject({ metric: 'checkout conversion', checkBy: null });
      expect(dateNotes(read)).toEqual([SPLIT_NOTE(said)]);
    }
  });

  it('says it cannot read two fiscal years that do not follow each other', () => {
    const read = story('by FY27/29');
    expect(read.expectedOutcome?.checkBy).toBeNull();
    expect(dateNotes(read)).toEqual([
      'The check-by "FY27/29" could not be read as a date; write the day to check by.',
    ]);
  });
});

describe('a deadline said in words that name no day', () => {
  it.each([
    'by next month',
    'by next week',
    'by tomorrow',
    'by Christmas',
    'by the next release',
    'by the end of the month',
    'before the end of the sprint',
    'by EOM',
  ])('"%s" is said in a note, not dropped in silence', (when) => {
    const read = story(when);
    expect(read.expectedOutcome).toMatchObject({ baseline: 10, target: 15, checkBy: null });
    expect(dateNotes(read)).toEqual([
      `"${when}" names no day the app can check by; write the check-by day (YYYY-MM-DD).`,
    ]);
  });

  it('leaves a deadline it reads as it was', () => {
    expect(checkBy('by next quarter')).toBe('2027-03-31');
    expect(dateNotes(story('by 2027-03-01'))).toEqual([]);
    // "by 5%" is an amount, not a deadline.
    expect(dateNotes(story('by 2027-03-01, up by 5% a month'))).toEqual([]);
  });
});

describe('"before" a period, and deadlines on a calendar the app does not know', () => {
  it('reads "before" a year, a month or a quarter as the last day before it begins', () => {
    expect(checkBy('before 2028')).toBe('2027-12-31');
    expect(checkBy('before March 2027')).toBe('2027-02-28');
    expect(checkBy('before January 2028')).toBe('2027-12-31');
    expect(checkBy('before Q3 2027')).toBe('2027-06-30');
    expect(checkBy('before Q1 2028')).toBe('2027-12-31');
    // "By" a period, and "before the end of" one, are its end.
    expect(checkBy('by 2028')).toBe('2028-12-31');
    expect(checkBy('before the end of 2028')).toBe('2028-12-31');
    expect(checkBy('by Q3 2027')).toBe('2027-09-30');
  });

  it.each([
    ['before FY28', '2027-12-31'],
    ['before Q3 FY27', '2027-06-30'],
    ['before FY2028 H2', '2028-06-30'],
    ['before CY2028', '2027-12-31'],
    ['before 2H27', '2027-06-30'],
    ['before H2 2027', '2027-06-30'],
    ['before 2027 H2', '2027-06-30'],
    ['before 3Q27', '2027-06-30'],
    ['before 2027-Q3', '2027-06-30'],
    ['before the first half of 2027', '2026-12-31'],
    ['before the second half of 2027', '2027-06-30'],
    ['before the second half of March 2027', '2027-03-15'],
    ['before Q4 next year', '2027-09-30'],
    ['before next quarter', '2026-12-31'],
    ['before next year', '2026-12-31'],
    // Counted from today, it is the next such period not yet begun: NOW is in H2 2026, and in its Q4.
    ['before H2', '2027-06-30'],
    ['before Q4', '2027-09-30'],
    ['before March', '2027-02-28'],
  ])('reads "%s", as every period read after "by", as the last day before it begins (%s)', (when, day) => {
    expect(checkBy(when)).toBe(day);
    expect(dateNotes(story(when)).filter((n) => !/fiscal/.test(n))).toEqual([]);
  });

  it('says where "before" takes a fiscal year to begin, as "by" says where it takes it to end', () => {
    expect(dateNotes(story('before FY28'))).toEqual([
      'The check-by "before FY28" is read as if the fiscal year were the calendar year, so that FY28 begins 2028-01-01: a fiscal year may begin on another day, so check the date.',
    ]);
    expect(dateNotes(story('before Q3 FY27'))).toEqual([
      'The check-by "before Q3 FY27" is read as if the fiscal year were the calendar year, so that Q3 FY27 begins 2027-07-01: a fiscal year may begin on another day, so check the date.',
    ]);
  });

  it('keeps "before" a moment on the day read for it, as "before" a day does, and asks for a day before "late 2027"', () => {
    // The middle of a year is the end of its first half, of a month its 15th; a quarter's end is its last day.
    expect(checkBy('before mid-2027')).toBe('2027-06-30');
    expect(checkBy('before mid-March 2027')).toBe('2027-03-15');
    expect(checkBy('before 15 March 2027')).toBe('2027-03-15');
    expect(checkBy('before quarter-end')).toBe('2026-12-31');
    // Where the late part of a year begins is not said.
    const late = story('before late 2027');
    expect(late.expectedOutcome?.checkBy).toBeNull();
    expect(dateNotes(late)).toEqual([
      'The check-by "before late 2027" does not say which day; write the day to check by.',
    ]);
  });

  it.each([
    ['before 2027', '2026-12-31'],
    ['before May 2027', '2027-04-30'],
    ['before Q2 2027', '2027-03-31'],
    ['before H1 2027', '2026-12-31'],
    ['before FY27', '2026-12-31'],
  ])('says plainly that "%s", said once it has begun, checks by a day gone (%s)', (when, day) => {
    const read = story(when, new Date('2027-05-01T09:00:00Z'));
    expect(read.expectedOutcome?.checkBy).toBe(day);
    const said = when.replace(/^before /, '');
    expect(dateNotes(read)).toEqual([
      `The check-by "${when}" is the day before ${said} begins, ${day}, which has already passed: write the day to check by.`,
    ]);
  });

  it.each([
    ['by Q4 2027, with the new flow live before Q2', '2027-12-31'],
    ['by H2 2027, with the new flow live before Q2', '2027-12-31'],
    ['by Q4 2027, with the new flow live before H1 2028', '2027-12-31'],
    ['before Q2 2028, with a first read by Q4 2027', '2028-03-31'],
  ])('judges "before" with the period said after it, not another one in "%s" (%s)', (when, day) => {
    expect(checkBy(when)).toBe(day);
  });

  it.each(['by next Friday', 'by week 12', 'by sprint 14', 'within 3 sprints', 'in two iterations'])(
    'says "%s" names no day it can check by, instead of dropping it',
    (when) => {
      const read = story(when);
      expect(read.expectedOutcome?.checkBy ?? null).toBeNull();
      expect(read.notes).toContainEqual(expect.stringMatching(/names no day the app can check by/));
    },
  );
});
