/**
 * A check-by said as a period, the way deadlines are written in a backlog: a quarter ("Q3 2027", "3Q27", "2027-Q3"),
 * a half ("H1 2027", "2H27", "the first half of 2027"), a fiscal or calendar year ("FY27", "Q3 FY2027", "CY2027"),
 * the middle or late part of a year or a month ("mid-2027", "mid-March 2027", "late 2027"), and a quarter counted
 * from today ("by the end of the quarter", "by EOQ", "in the next quarter"). The check-by is the last day of the
 * period said; the middle of a year is the end of its first half, the middle of a month its 15th. "Before" a period
 * checks by the day before it begins ("before FY28" by 2027-12-31), said plainly when that day has already gone;
 * before a moment (the middle of a year, a quarter's end) it keeps the moment's day, as "before" a day does.
 *
 * A fiscal year ends where each company says: it is read on the calendar, with a note that asks the owner to check
 * the date. What looks like such a deadline and names no day ("H3 2027", "by FY", "early 2027", "FY27/28") gives no
 * date and a note that says why, never silence.
 *
 * A period that names what a task is about is no deadline, and says nothing: after "in", "during" or "within", which
 * also say when a task is done, a period followed by a word it names ("errors in FY27 reporting", "in mid-year
 * reviews", "in quarter end reports", "FY27-related"), and after any lead a period followed by a possessive ("by
 * Q3's offsite").
 *
 * Pure: today is an argument, never the clock. One scan of the clause (PERIOD_AT_RE) finds where lead words ("by",
 * "in", "before", "end of") are followed by how a period starts; each reading is then tried there alone, anchored.
 * No regex has nested quantifiers, so the work stays linear in the clause.
 */
import {
  addDays,
  dayOf,
  daysInMonth,
  endOfQuarter,
  formatDay,
  monthFromName,
  nextMonthEnd,
  nextOccurrence,
  nextQuarterEnd,
  yearsAfter,
} from './dates';

export interface CheckBy {
  value: string | null;
  note: string | null;
}

export const MONTH_SRC =
  'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';

/** "before 2028", "before Q3 2027": before the period begins, not by its end ("before the end of 2028" is). */
export const BEFORE_PERIOD_RE = /^\s*before\s+(?!(?:the\s+)?end\b)/i;

/** The words that lead to a period: "by", "in", "within", "by the end of", "end of the". */
const LEAD = String.raw`\b(?:(?:by|before|until|till|at|in|during|within|no\s+later\s+than)\s+(?:the\s+)?(?:end\s+of\s+(?:the\s+)?)?|end\s+of\s+(?:the\s+)?)`;
/**
 * Where a period may be said: the lead words, then (looked at, not taken) how a period starts. The one scan of the
 * clause; each reading below is tried only where it stops, anchored there (sticky).
 */
const PERIOD_AT_RE = new RegExp(
  String.raw`${LEAD}(?=[QH]\d|[1-9][QH]|\d{4}(?:\s*[-/]\s*|\s*)[QH]\d|[FC]Y|mid|late\b|early\b|(?:first|second|1st|2nd)\s+half|(?:(?:this|current|next|coming)\s+)?quarter|eoq\b)`,
  'gi',
);
const END = String.raw`(?![\p{L}\d])`;

/**
 * "FY27", "FY 2027", "Q3 FY27", "FY2027-H1", "CY2027", "FY27/28", "FY 2027-28": 1 part letter, 2 its number, 3 FY/CY,
 * 4 year, 5 the later year of a fiscal year said over two, 6-7 part.
 */
const FISCAL_RE = new RegExp(
  String.raw`(?:([QH])(\d{1,3})\s*(?:of\s+)?(?:the\s+)?)?(FY|CY)(?:\s?['’-]?\s?(\d{4}|\d{2}))?(?:\s*[-/–]\s*(\d{4}|\d{2}))?(?:(?:\s*[-/]\s*|\s*)([QH])(\d{1,3}))?${END}`,
  'iuy',
);
/** "FY20277", "FY-2027x": a fiscal year said, that FISCAL_RE could not read. */
const FISCAL_UNREAD_RE = /(?:[QH]\d{1,3}\s*)?(?:FY|CY)[\d'’-][\w'’-]{0,12}/iy;
/** "2027 Q3", "2027-H1": 1 year, 2 part letter, 3 its number. */
const YEAR_FIRST_RE = new RegExp(String.raw`(\d{4})(?:\s*[-/]\s*|\s*)([QH])(\d{1,3})${END}`, 'iuy');
/**
 * "Q3 2027", "Q3'27", "Q3/2027", "H1 2027", "Q2" (1 letter, 2 number, 3 year) or "3Q27", "1H 2027" (4 number,
 * 5 letter, 6 or 7 year). Number first, the year must follow, with no gap when it is short: "by 2h 30 min" is a time.
 */
const PART_RE = new RegExp(
  String.raw`(?:([QH])(\d{1,3})(?:\s*(?:of\s+|[-/]\s*)?['’]?(\d{4}|\d{2}))?|([1-9])([QH])(?:\s*(?:of\s+|[-/]\s*)?(20\d{2})|['’]?(\d{2})))${END}`,
  'iuy',
);
/** After a part said without a year: " next year", " of this year", " last year" (1), whose part it is. */
const PART_YEAR_RE = /\s+(?:of\s+)?(this|next|last)\s+year\b/iy;
/**
 * "mid-2027", "the middle of next year", "late March 2027", "early 2027", "the first half of 2027": the word, then a
 * year, a year counted from today, or a month with or without its year.
 */
const PERIOD_WORD_RE = new RegExp(
  String.raw`(?<word>mid(?:dle)?|late|early|(?<half>first|second|1st|2nd)\s+half)[\s-]*(?:of\s+)?(?:the\s+)?` +
    String.raw`(?:(?<year>\d{4})|['’](?<yy>\d{2})|(?:(?<rel>this|next)\s+)?year(?:[\s-]+(?<yearAfter>\d{4}))?|` +
    String.raw`(?<month>${MONTH_SRC})\b\.?(?:,?\s*(?<monthYear>\d{4})|\s*['’](?<monthYy>\d{2}))?)${END}`,
  'iuy',
);
/**
 * "the quarter", "next quarter", "quarter-end", "EOQ": 1 which quarter, 2 the word. quarterFromToday asks for "end of"
 * before it, a quarter named, or an end, so "revenue by quarter" names no date.
 */
const QUARTER_FROM_TODAY_RE = /(?:(this|current|next|coming)\s+)?(quarter(?:[-\s]?end)?|eoq)\b/iy;

/**
 * The leads that also say when a task is done ("errors in FY27 reporting", "during Q3 2027 planning"): after them, a
 * word that follows the period is a thing it names, unless the word joins the rest of the sentence ("in Q3 2027 for
 * enterprise accounts", "in H1 2027 and keep it there", "in Q3 2027 at the latest"). After "by", "before" or "until"
 * the period is the deadline whatever follows ("by Q3 2027 and churn to fall …").
 */
const SPAN_LEAD_RE = /^(?:in|during|within)\b/i;
const JOINING =
  'and|or|but|nor|then|so|for|with|without|at|on|in|into|within|by|across|among|through|throughout|via|per|as|' +
  'when|while|once|after|before|until|till|since|because|if|unless|whereas|than|compared|versus|vs|from|to|over|' +
  'under|against|despite|following|thanks|only|already|again|too|also|onwards?|instead|which|that|where|both|either';
/** A word after the period, on its line or joined by a hyphen ("FY27-related"), that is not a joining one. */
const NAMES_A_THING_RE = new RegExp(String.raw`(?:[^\S\r\n]+|-)(?!(?:${JOINING})\b)[\p{L}\d]`, 'iuy');
/** "by Q3's offsite", "in FY27's budget": the possessive names something of the period; "Q3's end" is the period's. */
const POSSESSIVE_RE = /['’]s\b(?!\s+(?:end|close)\b)/iy;

const FISCAL_NOTE = (said: string, day: string) =>
  `The check-by "${said}" is read as if the fiscal year were the calendar year, ending ${day}: a fiscal year may end on another day, so check the date.`;
const NO_DAY_NOTE = (said: string) =>
  `The check-by "${said}" does not say which day; write the day to check by.`;
const UNREAD_NOTE = (said: string) =>
  `The check-by "${said}" could not be read as a date; write the day to check by.`;
const FROM_TODAY_NOTE = (said: string) =>
  `The check-by date "${said}" is counted from a day, and none was given; it is left open.`;
const SPLIT_FISCAL_NOTE = (said: string) =>
  `The check-by "${said}" is a fiscal year that spans two calendar years, so its last day is where the company's fiscal year ends; write the day to check by.`;
const FISCAL_START_NOTE = (said: string, start: string) =>
  `The check-by "before ${said}" is read as if the fiscal year were the calendar year, so that ${said} begins ${start}: a fiscal year may begin on another day, so check the date.`;
const PASSED_BEFORE_NOTE = (said: string, day: string) =>
  `The check-by "before ${said}" is the day before ${said} begins, ${day}, which has already passed: write the day to check by.`;

/** A reading, where the phrase read ends in the clause, and what "before" it needs. */
interface Reading extends CheckBy {
  end: number;
  /**
   * The period's first day, which "before" checks by the day before: undefined for a moment (the middle of a year
   * or a month, a quarter's end), which "before" keeps as it does a day; null for a part whose first day is not
   * said ("late 2027").
   */
  start?: string | null;
  /** Counted from today as the next such part of a year ("H2", "March"): "before" it is the next one not begun. */
  yearly?: boolean;
  /** A fiscal year read on the calendar: "before" it says where the year is taken to begin. */
  fiscal?: boolean;
}

type PeriodFacts = Partial<Pick<Reading, 'end' | 'start' | 'yearly' | 'fiscal'>>;

function reading(
  hit: RegExpExecArray,
  value: string | null,
  note: string | null,
  facts: PeriodFacts = {},
): Reading {
  return { value, note, ...facts, end: facts.end ?? hit.index + hit[0].length };
}

/**
 * The check-by "before" a period that begins on `start` (`said`, without "before"): the day before it. One counted
 * from today (`yearly`) that has begun is next year's. A day already gone when said ("before 2027" in May 2027) is
 * kept, as a passed check-by is, for the owner to see, and said plainly.
 */
export function dayBeforePeriod(said: string, start: string, today: string | null, yearly = false): CheckBy {
  const begins = yearly && today !== null && start <= today ? yearsAfter(start, 1) : start;
  const day = addDays(begins, -1);
  return { value: day, note: today !== null && day < today ? PASSED_BEFORE_NOTE(said, day) : null };
}

/** The check-by "before" what `read` read (`said`); a reading with no day keeps its note. */
function beforeReading(read: Reading, said: string, today: string | null): CheckBy {
  if (read.value === null || read.start === undefined) return { value: read.value, note: read.note };
  if (read.start === null) return { value: null, note: NO_DAY_NOTE(`before ${said}`) };
  const before = dayBeforePeriod(said, read.start, today, read.yearly);
  // A day gone needs a new day whatever the fiscal year: that note says so.
  return read.fiscal && before.note === null
    ? { ...before, note: FISCAL_START_NOTE(said, read.start) }
    : before;
}

/** A two-digit year is this century's ("FY27" is 2027). */
function fullYear(raw: string): number {
  return raw.length === 2 ? 2000 + Number(raw) : Number(raw);
}

/** The first day of the `months` months that end with the month of `end`: a month, quarter, half or year. */
function periodStart(end: string, months: number): string {
  return formatDay(Number(end.slice(0, 4)), Number(end.slice(5, 7)) - months + 1, 1);
}

/** How many months a quarter (Q) or a half (H) lasts. */
function monthsOf(letter: string): number {
  return letter.toUpperCase() === 'Q' ? 3 : 6;
}

/** The last day of a year's quarter (Q) or half (H), or null when there is no such part. */
function endOfPart(year: number, letter: string, part: number): string | null {
  if (letter.toUpperCase() === 'Q') return part >= 1 && part <= 4 ? endOfQuarter(year, part) : null;
  return part === 1 || part === 2 ? endOfQuarter(year, part * 2) : null;
}

function noPartNote(letter: string, said: string): string {
  return letter.toUpperCase() === 'Q'
    ? `The check-by quarter "${said}" is not one: a year has Q1 to Q4.`
    : `The check-by half "${said}" is not one: a year has H1 and H2.`;
}

/**
 * The check-by of a period said in the clause, the first one that can be read, or null when the clause says none
 * (the caller reads other dates). `now` counts a period said without a year ("by H1", "by EOQ") from today.
 */
export function periodCheckBy(clause: string, now: Date | undefined): CheckBy | null {
  const today = now === undefined ? null : dayOf(now);
  const from = today === null ? undefined : now;
  PERIOD_AT_RE.lastIndex = 0;
  let found: CheckBy | null = null;
  for (
    let lead = PERIOD_AT_RE.exec(clause);
    lead !== null && found === null;
    lead = PERIOD_AT_RE.exec(clause)
  ) {
    const at = lead.index + lead[0].length;
    const read =
      fiscalYear(clause, at) ??
      yearFirst(clause, at) ??
      yearPart(clause, at, from) ??
      periodWord(clause, at, from) ??
      quarterFromToday(clause, at, lead[0], from);
    if (read !== null && !namesAThing(clause, read.end, lead[0]))
      found = BEFORE_PERIOD_RE.test(lead[0])
        ? beforeReading(read, clause.slice(at, read.end).replace(/\.$/, ''), today)
        : { value: read.value, note: read.note };
  }
  PERIOD_AT_RE.lastIndex = 0;
  return found;
}

/** The period read, ending at `end`, names what a task is about rather than when it is due (see SPAN_LEAD_RE). */
function namesAThing(clause: string, end: number, lead: string): boolean {
  if (readAt(POSSESSIVE_RE, clause, end) !== null) return true;
  return SPAN_LEAD_RE.test(lead) && readAt(NAMES_A_THING_RE, clause, end) !== null;
}

/** The sticky `re`'s match at `at`, or null. */
function readAt(re: RegExp, clause: string, at: number): RegExpExecArray | null {
  re.lastIndex = at;
  return re.exec(clause);
}

function fiscalYear(clause: string, at: number): Reading | null {
  const hit = readAt(FISCAL_RE, clause, at);
  if (hit === null) {
    const unread = readAt(FISCAL_UNREAD_RE, clause, at);
    return unread === null ? null : reading(unread, null, UNREAD_NOTE(unread[0]));
  }
  const said = hit[0];
  if (hit[4] === undefined)
    return reading(
      hit,
      null,
      hit[5] === undefined ? `The check-by "${said}" names no year; it is left open.` : UNREAD_NOTE(said),
    );
  const year = fullYear(hit[4]);
  if (hit[5] !== undefined) return splitFiscalYear(hit, year);
  const letter = hit[1] ?? hit[6];
  const part = Number(hit[2] ?? hit[7]);
  const day =
    letter === undefined ? (year >= 1000 ? formatDay(year, 12, 31) : null) : endOfPart(year, letter, part);
  if (day === null)
    return reading(hit, null, letter === undefined ? UNREAD_NOTE(said) : noPartNote(letter, said));
  // A calendar year ("CY2027") is what it says; a fiscal year is each company's own.
  const fiscal = hit[3]!.toUpperCase() === 'FY';
  return reading(hit, day, fiscal ? FISCAL_NOTE(said, day) : null, {
    start: periodStart(day, letter === undefined ? 12 : monthsOf(letter)),
    fiscal,
  });
}

/**
 * "FY27/28", "FY 2027-28", "Q3 FY27/28": a fiscal year said over two calendar years belongs to a company whose year
 * does not end with the calendar's (in the UK it ends on 31 March or 5 April, in India on 31 March, in Australia on
 * 30 June), so it is given no date. The calendar reading given to "FY27" cannot hold for it; the later year's 31
 * December would fall six to nine months after the real end, a check-by that looks sure and is late; and the real
 * end is the company's, which the app cannot know. The note asks for the day. A calendar year said over two
 * ("CY27/28"), or two years that do not follow each other ("FY27/29"), cannot be read.
 */
function splitFiscalYear(hit: RegExpExecArray, year: number): Reading {
  const laterRaw = hit[5]!;
  const later = laterRaw.length === 4 ? Number(laterRaw) : year - (year % 100) + Number(laterRaw);
  const follows = later === year + 1 || later + 100 === year + 1;
  if (!follows || hit[3]!.toUpperCase() !== 'FY') return reading(hit, null, UNREAD_NOTE(hit[0]));
  return reading(hit, null, SPLIT_FISCAL_NOTE(hit[0]));
}

function yearFirst(clause: string, at: number): Reading | null {
  const hit = readAt(YEAR_FIRST_RE, clause, at);
  if (hit === null) return null;
  const day = endOfPart(Number(hit[1]), hit[2]!, Number(hit[3]));
  return day === null
    ? reading(hit, null, noPartNote(hit[2]!, hit[0]))
    : reading(hit, day, null, { start: periodStart(day, monthsOf(hit[2]!)) });
}

function yearPart(clause: string, at: number, now: Date | undefined): Reading | null {
  const hit = readAt(PART_RE, clause, at);
  if (hit === null) return null;
  const yearRaw = hit[3] ?? hit[6] ?? hit[7];
  // "H2 next year", "Q1 of this year": that year's part, not the next one from today.
  const yearSaid =
    yearRaw === undefined && hit[1] !== undefined
      ? readAt(PART_YEAR_RE, clause, hit.index + hit[0].length)
      : null;
  // "by h2" with no year is more likely a heading than a half ("by q2" has always been a quarter); "by 2h30" is a
  // time: a half or quarter said number first is written in capitals ("2H27").
  if (
    (hit[1] === 'h' && yearRaw === undefined && yearSaid === null) ||
    (hit[5] !== undefined && hit[5] !== hit[5].toUpperCase())
  )
    return null;
  const letter = (hit[1] ?? hit[5])!;
  const part = Number(hit[2] ?? hit[4]);
  if (yearRaw !== undefined) {
    const day = endOfPart(fullYear(yearRaw), letter, part);
    return day === null
      ? reading(hit, null, noPartNote(letter, hit[0]))
      : reading(hit, day, null, { start: periodStart(day, monthsOf(letter)) });
  }
  if (yearSaid !== null) {
    const end = yearSaid.index + yearSaid[0].length;
    const said = clause.slice(hit.index, end);
    if (endOfPart(2000, letter, part) === null) return reading(hit, null, noPartNote(letter, said), { end });
    if (now === undefined) return reading(hit, null, FROM_TODAY_NOTE(said), { end });
    const which = yearSaid[1]!.toLowerCase();
    const year = now.getUTCFullYear() + (which === 'next' ? 1 : which === 'last' ? -1 : 0);
    const day = endOfPart(year, letter, part);
    return reading(hit, day, null, {
      end,
      start: day === null ? undefined : periodStart(day, monthsOf(letter)),
    });
  }
  // "Q5" or "H3" without a year: too little to call a slip for a deadline.
  if (endOfPart(2000, letter, part) === null) return null;
  const quarter = letter.toUpperCase() === 'Q' ? part : part * 2;
  const name = letter.toUpperCase() === 'Q' ? 'quarter' : 'half';
  if (now === undefined)
    return reading(
      hit,
      null,
      `The check-by ${name} "${letter.toUpperCase()}${part}" has no year; it is left open.`,
    );
  const day = nextQuarterEnd(quarter, now);
  return day === null
    ? reading(hit, null, null)
    : reading(hit, day, null, { start: periodStart(day, monthsOf(letter)), yearly: true });
}

/**
 * Where a part of a year or a month said begins, for "before" it: a half where it does; the middle is a moment
 * (undefined), as "by" reads it; where the late part begins is not said (null).
 */
function partStart(
  word: string,
  half: string | undefined,
  year: number,
  month: number | null,
): string | null | undefined {
  if (half === undefined) return word.startsWith('mid') ? undefined : null;
  const first = /^(?:first|1st)$/i.test(half);
  return month === null ? formatDay(year, first ? 1 : 7, 1) : formatDay(year, month, first ? 1 : 16);
}

function periodWord(clause: string, at: number, now: Date | undefined): Reading | null {
  const hit = readAt(PERIOD_WORD_RE, clause, at);
  if (hit === null) return null;
  const g = hit.groups!;
  const said = hit[0];
  const word = g.word!.toLowerCase();
  if (word === 'early') return reading(hit, null, NO_DAY_NOTE(said));
  // The middle, and the first half, end midway; the late part, and the second half, end where the period does.
  const midway = word.startsWith('mid') || /^(?:first|1st)$/i.test(g.half ?? '');
  const month = g.month === undefined ? null : monthFromName(g.month)!;
  const read = (day: string | null, yearly = false) =>
    day === null
      ? reading(hit, null, null)
      : reading(hit, day, null, { start: partStart(word, g.half, Number(day.slice(0, 4)), month), yearly });
  if (month !== null) {
    const yearRaw = g.monthYear ?? g.monthYy;
    if (yearRaw !== undefined) {
      const year = fullYear(yearRaw);
      return read(formatDay(year, month, midway ? 15 : daysInMonth(year, month)));
    }
    if (now === undefined) return reading(hit, null, FROM_TODAY_NOTE(said));
    // The next such day on or after today: the month's 15th, or its last day.
    return read(midway ? nextOccurrence(month, 15, now) : nextMonthEnd(month, now), true);
  }
  const yearRaw = g.year ?? g.yy ?? g.yearAfter;
  if (yearRaw !== undefined) {
    const year = fullYear(yearRaw);
    return year >= 1000 ? read(formatDay(year, midway ? 6 : 12, midway ? 30 : 31)) : null;
  }
  // "the year", "this year", "next year": counted from today.
  if (now === undefined) return reading(hit, null, FROM_TODAY_NOTE(said));
  if (g.rel !== undefined) {
    const year = now.getUTCFullYear() + (g.rel.toLowerCase() === 'next' ? 1 : 0);
    return read(formatDay(year, midway ? 6 : 12, midway ? 30 : 31));
  }
  return read(nextQuarterEnd(midway ? 2 : 4, now), true);
}

function quarterFromToday(clause: string, at: number, lead: string, now: Date | undefined): Reading | null {
  const hit = readAt(QUARTER_FROM_TODAY_RE, clause, at);
  if (hit === null) return null;
  const which = hit[1]?.toLowerCase();
  const saysEnd = /\bend\s+of\b/i.test(lead) || !/^quarter$/i.test(hit[2]!);
  // "revenue by quarter", "at next quarter": no deadline.
  if (!saysEnd && (which === undefined || /^at\b/i.test(lead))) return null;
  if (now === undefined) return reading(hit, null, FROM_TODAY_NOTE(hit[0]));
  const current = Math.floor(now.getUTCMonth() / 3) + 1;
  const next = which === 'next' || which === 'coming';
  const quarter = next ? (current % 4) + 1 : current;
  const year = now.getUTCFullYear() + (next && current === 4 ? 1 : 0);
  const day = endOfQuarter(year, quarter);
  // "before quarter-end" is before a moment; "before next quarter", before the quarter begins.
  return reading(hit, day, null, { start: saysEnd || day === null ? undefined : periodStart(day, 3) });
}
