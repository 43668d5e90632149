/**
 * Dates are typed and shown as the app stores them (2027-06-30), whatever the browser's locale: the format every
 * Atlaskit date picker of the app is given.
 */
export const DATE_FORMAT = 'YYYY-MM-DD';

/**
 * A typed date, read as the format says: "2027-06-30" is that day at local midnight, as the picker's own parser
 * gives it; anything else, or a day that does not exist, is an invalid Date, which the picker ignores. Month and
 * day take two digits: a picker that read "2027-04-3" on the way to "2027-04-31" would keep the 3rd once the
 * 31st (which April has not) was typed, and save a day nobody meant.
 */
export function parseIsoDay(text: string): Date {
  const m = /^\s*(\d{4})-(\d{2})-(\d{2})\s*$/.exec(text);
  if (!m) return new Date(NaN);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(year, month - 1, day);
  return date.getFullYear() === year && date.getMonth() === month - 1 && date.getDate() === day
    ? date
    : new Date(NaN);
}

/**
 * What every DatePicker of the app is given. `parseInputValue` reads typed dates with parseIsoDay, so the
 * picker never calls date-fns' `parse`, which the build leaves out (scripts/build-static.ts).
 */
export const DATE_PICKER_FORMAT = {
  dateFormat: DATE_FORMAT,
  placeholder: DATE_FORMAT,
  parseInputValue: parseIsoDay,
} as const;

/** Today in the browser's own time zone, as the app writes days: the day a person means by "today". */
export function localToday(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** Text a date picker could not read into a day: anything but blank or a real YYYY-MM-DD day. */
export function isUnreadableDay(text: string): boolean {
  return text.trim() !== '' && Number.isNaN(parseIsoDay(text).getTime());
}

/** A date rule's message with the text it refused, so the person sees what they typed and why it was not taken. */
export function quoteTyped(message: string, typed: string): string {
  return `${message} You typed “${typed}”.`;
}
