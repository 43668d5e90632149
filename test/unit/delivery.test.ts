import { calendarDaysBetween } from '../../src/domain/dates';
import { closedWithoutDelivery, resolvedOn } from '../../src/domain/delivery';

describe('what closing an item says about its delivery', () => {
  it('counts the kill resolution and abandoned-sounding ones as closed without delivery, not Done', () => {
    expect(closedWithoutDelivery('Killed in review', 'killed in REVIEW')).toBe(true);
    expect(closedWithoutDelivery("Won't Do", "Won't Do")).toBe(true);
    expect(closedWithoutDelivery('Duplicate', "Won't Do")).toBe(true);
    expect(closedWithoutDelivery('Done', "Won't Do")).toBe(false);
    expect(closedWithoutDelivery(null, "Won't Do")).toBe(false);
    expect(closedWithoutDelivery(undefined, "Won't Do")).toBe(false);
  });

  it('counts the names real sites close undelivered work with as closed without delivery', () => {
    // Apache's Jira closes with "Unresolved" and "Works for Me"; others withdraw, cancel or auto-close.
    for (const name of [
      'Unresolved',
      'Works for Me',
      'Withdrawn',
      'Auto Closed',
      'Cancelled',
      'Won’t Implement',
    ])
      expect([name, closedWithoutDelivery(name, "Won't Do")]).toEqual([name, true]);
    for (const name of ['Fixed', 'Resolved', 'Implemented', 'Shipped'])
      expect([name, closedWithoutDelivery(name, "Won't Do")]).toEqual([name, false]);
  });

  it('dates a delivery by its resolution date, else its last update', () => {
    expect(
      resolvedOn({ resolutiondate: '2026-03-31T23:30:00.000-0300', updated: '2026-05-01T00:00:00Z' }),
    ).toBe('2026-03-31');
    expect(resolvedOn({ resolutiondate: null, updated: '2026-05-01T10:00:00Z' })).toBe('2026-05-01');
    expect(resolvedOn({ resolutiondate: 'not a date', updated: undefined })).toBeNull();
  });

  it("takes the day as Jira writes it in the app's zone, and the UTC day of a date with Z", () => {
    // Auckland, summer time: 09:30 on 1 December there is 20:30 on 30 November in UTC.
    expect(resolvedOn({ resolutiondate: '2026-12-01T09:30:00.000+1300' })).toBe('2026-12-01');
    expect(resolvedOn({ resolutiondate: '2026-12-01T00:00:00.000+13:00' })).toBe('2026-12-01');
    // Honolulu: 22:00 on 30 November there is 08:00 on 1 December in UTC.
    expect(resolvedOn({ resolutiondate: '2026-11-30T22:00:00.000-1000' })).toBe('2026-11-30');
    expect(resolvedOn({ resolutiondate: null, updated: '2026-11-30T23:59:59.999-1000' })).toBe('2026-11-30');
    // "Z" and +0000 name the UTC day, as before.
    expect(resolvedOn({ resolutiondate: '2026-11-30T20:30:00.000Z' })).toBe('2026-11-30');
    expect(resolvedOn({ resolutiondate: '2026-12-01T08:00:00Z' })).toBe('2026-12-01');
    expect(resolvedOn({ resolutiondate: '2026-11-30T20:30:00.000+0000' })).toBe('2026-11-30');
    // Written with an offset but not a day: not a date at all.
    expect(resolvedOn({ resolutiondate: '2026-02-30T09:30:00.000+1300', updated: undefined })).toBeNull();
  });

  it('counts calendar days between two days, whatever the time of day on them', () => {
    expect(calendarDaysBetween('2026-02-27', '2026-03-01')).toBe(2);
    expect(calendarDaysBetween('2026-03-01T23:59:00Z', '2026-03-02T00:01:00Z')).toBe(1);
    expect(calendarDaysBetween('2026-03-10', '2026-03-01')).toBe(-9);
    // Across the change to summer time in Europe: still whole days (UTC).
    expect(calendarDaysBetween('2026-03-28', '2026-03-30')).toBe(2);
  });
});
