import {
  earliestLocalDay,
  humaneDays,
  latestLocalDay,
  newestDay,
  personsDay,
  utcDay,
  yearsAfter,
} from '../../src/domain/dates';

describe('humane durations', () => {
  it.each([
    [0, '0 days'],
    [1, '1 day'],
    [60, '60 days'],
    [119, '119 days'],
    [120, '4 months'],
    [200, '7 months'],
    [364, '12 months'],
    [365, '12 months'],
    [670, '22 months'],
    [729, '24 months'],
    [731, '2 years'],
    [800, '2 years'],
    [1100, '3 years'],
    [5136, '14 years'],
  ])('says %p days as %p', (days, text) => {
    expect(humaneDays(days)).toBe(text);
  });
});

describe("the server's day", () => {
  it('is the UTC calendar day of a Date or of epoch milliseconds, whatever the hour', () => {
    expect(utcDay(new Date('2026-12-03T23:59:59.999Z'))).toBe('2026-12-03');
    expect(utcDay(new Date('2026-12-04T00:00:00+01:00'))).toBe('2026-12-03');
    expect(utcDay(Date.UTC(2024, 1, 29, 12))).toBe('2024-02-29');
  });
});

describe("a person's own day", () => {
  const now = new Date('2026-11-30T21:00:00.000Z');
  it('is the day they sent when it is within a day of the server’s, as in any time zone', () => {
    expect(personsDay(now, '2026-12-01')).toBe('2026-12-01');
    expect(personsDay(now, '2026-11-29')).toBe('2026-11-29');
    expect(personsDay(now, '2026-11-30')).toBe('2026-11-30');
  });
  it('is the server’s day when they sent none, or one further off', () => {
    expect(personsDay(now, undefined)).toBe('2026-11-30');
    expect(personsDay(now, '2026-12-02')).toBe('2026-11-30');
    expect(personsDay(now, '2025-11-30')).toBe('2026-11-30');
  });
});

describe('the newest day anyone may be on', () => {
  const now = new Date('2026-11-30T21:00:00.000Z');
  it('is the person’s day when it is ahead of the server’s, else the server’s', () => {
    expect(newestDay(now, '2026-12-01')).toBe('2026-12-01');
    expect(newestDay(now, '2026-11-29')).toBe('2026-11-30');
    expect(newestDay(now, '2026-12-02')).toBe('2026-11-30');
    expect(newestDay(now, undefined)).toBe('2026-11-30');
  });
});

describe('the days someone somewhere calls today', () => {
  it.each([
    ['2026-12-06T05:00:00.000Z', '2026-12-05', '2026-12-06'],
    ['2026-12-06T11:59:59.999Z', '2026-12-05', '2026-12-07'],
    // From noon UTC, the 5th has ended at UTC−12 too: a kill date of the 5th set at 23:37 UTC is past for everyone.
    ['2026-12-06T12:00:00.000Z', '2026-12-06', '2026-12-07'],
    ['2026-12-06T23:37:00.000Z', '2026-12-06', '2026-12-07'],
    ['2026-12-06T09:59:59.999Z', '2026-12-05', '2026-12-06'],
  ])('at %s run from %s (UTC−12) to %s (UTC+14)', (at, earliest, latest) => {
    expect(earliestLocalDay(new Date(at))).toBe(earliest);
    expect(latestLocalDay(new Date(at))).toBe(latest);
  });
});

describe('a day some years on', () => {
  it.each([
    ['2026-11-30', 5, '2031-11-30'],
    ['2028-02-29', 5, '2033-02-28'],
    ['2028-02-29', 4, '2032-02-29'],
  ])('gives %s plus %s years as %s', (day, years, later) => expect(yearsAfter(day, years)).toBe(later));
});
