/**
 * Small pure calendar helpers for the domain. No clock: "now" is always an argument.
 * All dates are plain calendar days, handled in UTC so a server's time zone never shifts them.
 */

const MONTHS: Readonly<Record<string, number>> = {
  jan: 1,
  january: 1,
  feb: 2,
  february: 2,
  mar: 3,
  march: 3,
  apr: 4,
  april: 4,
  may: 5,
  jun: 6,
  june: 6,
  jul: 7,
  july: 7,
  aug: 8,
  august: 8,
  sep: 9,
  sept: 9,
  september: 9,
  oct: 10,
  october: 10,
  nov: 11,
  november: 11,
  dec: 12,
  december: 12,
};

/** Month number 1-12 for an English month name or abbreviation, or null. */
export function monthFromName(name: string): number | null {
  const m = MONTHS[name.toLowerCase()];
  return m === undefined ? null : m;
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Number of days in a month (month 1-12). */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeap(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** True when year/month/day names a real calendar day (years 1000-9999). */
export function isValidDay(year: number, month: number, day: number): boolean {
  return (
    Number.isInteger(year) &&
    Number.isInteger(month) &&
    Number.isInteger(day) &&
    year >= 1000 &&
    year <= 9999 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  );
}

/** Formats a calendar day as YYYY-MM-DD. */
export function formatDay(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function dayNumber(day: string): number {
  return Math.round(Date.parse(`${day.slice(0, 10)}T00:00:00Z`) / 86_400_000);
}

/** Calendar days from the day `from` to the day `to` (UTC days; negative when `to` is earlier). */
export function calendarDaysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

/** The day `days` calendar days after the day `day` (before it when negative), as YYYY-MM-DD. */
export function addDays(day: string, days: number): string {
  return utcDay((dayNumber(day) + days) * 86_400_000);
}

/** The same day `years` years after the day `day` (YYYY-MM-DD); 29 February gives 28 February in a common year. */
export function yearsAfter(day: string, years: number): string {
  const year = Number(day.slice(0, 4)) + years;
  const month = Number(day.slice(5, 7));
  return formatDay(year, month, Math.min(Number(day.slice(8, 10)), daysInMonth(year, month)));
}

/** The calendar day (UTC) of a valid instant (a Date or epoch ms), as YYYY-MM-DD: the server's "today". */
export function utcDay(instant: Date | number): string {
  return new Date(instant).toISOString().slice(0, 10);
}

/**
 * The day a person sent as their own when it is within a day of the server's (UTC) day, else the server's. Time
 * zones run from UTC−12 to UTC+14, so no person's day is further off, and a page cannot move "today" at will.
 */
export function personsDay(serverNow: Date | number, sent: string | undefined): string {
  const serverDay = utcDay(serverNow);
  return sent && Math.abs(calendarDaysBetween(serverDay, sent)) <= 1 ? sent : serverDay;
}

/**
 * The later of the server's (UTC) day and the person's own (personsDay): the newest day anyone may be on. A view
 * whose buckets are the site's days ends there, so a month that has begun at the site is shown, whichever side of
 * the site the person is on; at worst a month that has not begun there yet is shown, empty.
 */
export function newestDay(serverNow: Date | number, sent: string | undefined): string {
  const serverDay = utcDay(serverNow);
  const theirs = personsDay(serverNow, sent);
  return theirs > serverDay ? theirs : serverDay;
}

/**
 * An instant as a JQL index takes it: to the second, in UTC ("2026-12-06T03:06:12Z"). Forge's reference for
 * `jira:entityProperty` documents a `date` value as [YYYY]-[MM]-[DD] or [YYYY]-[MM]-[DD]T[hh]:[mm]:[ss][TZ];
 * `toISOString()` adds milliseconds, which it does not name.
 */
export function indexedMoment(instant: Date): string {
  return `${instant.toISOString().slice(0, 19)}Z`;
}

/** A date-time written with a numeric offset: 2026-12-01T09:30:00.000+1300 (Jira's form) or …+13:00. */
const OFFSET_DATE_TIME =
  /^\s*(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?[+-]\d{2}:?\d{2}\s*$/;

/**
 * The calendar day of a Jira date-time (YYYY-MM-DD), as Jira means it; null when it is not a date-time. Jira
 * renders a date-time in the calling account's zone with that zone's offset, "2026-12-01T09:30:00.000+1300"
 * (see jiraTime in workbench/jira/routes/common.ts for the sources), the app's account being in the site's
 * default user time zone, the zone JQL's `resolved >= startOfMonth()` counts days in: the day is the date as
 * written, not the UTC day of the instant (30 November here). Written with "Z" or no offset: the UTC day of the
 * instant, as before. A written day that does not exist (30 February, which Date.parse rolls over) is no date.
 */
export function jiraDateTimeDay(raw: string): string | null {
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) return null;
  const written = OFFSET_DATE_TIME.exec(raw);
  if (written) {
    const [year, month, day] = [Number(written[1]), Number(written[2]), Number(written[3])];
    return isValidDay(year, month, day) ? formatDay(year, month, day) : null;
  }
  return utcDay(ms);
}

/** The calendar day (UTC) of an instant, as YYYY-MM-DD; null for an invalid Date. */
export function dayOf(instant: Date): string | null {
  const t = instant.getTime();
  if (Number.isNaN(t)) return null;
  return formatDay(instant.getUTCFullYear(), instant.getUTCMonth() + 1, instant.getUTCDate());
}

/**
 * Resolves a year-less day ("1 March") to the next such day on or after `now` (UTC calendar day).
 * 29 February resolves to the next leap year. Returns null for impossible days or an invalid `now`.
 */
export function nextOccurrence(month: number, day: number, now: Date): string | null {
  const t = now.getTime();
  if (Number.isNaN(t) || month < 1 || month > 12 || day < 1 || day > 31) return null;
  const y0 = now.getUTCFullYear();
  const m0 = now.getUTCMonth() + 1;
  const d0 = now.getUTCDate();
  // At most 8 years ahead covers 29 February after a skipped century leap year.
  for (let year = y0; year <= y0 + 8; year++) {
    if (!isValidDay(year, month, day)) continue;
    const onOrAfter = year > y0 || month > m0 || (month === m0 && day >= d0);
    if (onOrAfter) return formatDay(year, month, day);
  }
  return null;
}

/** The last day of the next month `month` (1-12) that has not ended before `now`'s day. */
export function nextMonthEnd(month: number, now: Date): string | null {
  const today = dayOf(now);
  if (today === null || month < 1 || month > 12) return null;
  const y0 = now.getUTCFullYear();
  const year = month >= now.getUTCMonth() + 1 ? y0 : y0 + 1;
  return formatDay(year, month, daysInMonth(year, month));
}

/** Last day of a quarter (1-4) of a year, as YYYY-MM-DD. */
export function endOfQuarter(year: number, quarter: number): string | null {
  if (quarter < 1 || quarter > 4 || year < 1000 || year > 9999) return null;
  const month = quarter * 3;
  return formatDay(year, month, daysInMonth(year, month));
}

/** End of the next quarter `quarter` whose last day is on or after `now`. */
export function nextQuarterEnd(quarter: number, now: Date): string | null {
  const t = now.getTime();
  if (Number.isNaN(t) || quarter < 1 || quarter > 4) return null;
  const today = dayOf(now);
  if (today === null) return null;
  const y0 = now.getUTCFullYear();
  for (let year = y0; year <= y0 + 1; year++) {
    const end = endOfQuarter(year, quarter);
    if (end !== null && end >= today) return end;
  }
  return null;
}

/**
 * A span of whole days as a person says it, the way Jira writes ages ("3 months", "14 years"): days up to
 * 120 (so they compare with day limits), then months up to two years (so 22 months is not "1 year"), then whole
 * years. Every surface says a span with this one function, so a card and its details agree.
 */
export function humaneDays(days: number): string {
  const whole = Math.max(0, Math.floor(days));
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (whole < 120) return plural(whole, 'day');
  if (whole < 730) return plural(Math.round(whole / 30.44), 'month');
  return plural(Math.floor(whole / 365.25), 'year');
}

/**
 * The earliest day a person anywhere can still call today: the UTC day 12 hours back (UTC−12 is the farthest
 * behind). From noon UTC on, UTC's yesterday has ended everywhere. A date a person picks is refused only before it;
 * each surface holds its person to their own day.
 */
export function earliestLocalDay(now: Date): string {
  return utcDay(now.getTime() - 12 * 60 * 60 * 1000);
}

/** The latest day a person anywhere calls today: the UTC day 14 hours on (UTC+14 is the farthest ahead). */
export function latestLocalDay(now: Date): string {
  return utcDay(now.getTime() + 14 * 60 * 60 * 1000);
}
