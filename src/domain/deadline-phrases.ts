/**
 * A check-by said as a period, the way deadlines are written in a backlog: a quarter ("Q3 2027", "3Q27", "2027-Q3"),
 * a half ("H1 2027", "2H27", "the first half of 2027"), a fiscal or calendar year ("FY27", "Q3 FY2027", "CY2027"),
 * the middle or late part of a year or a month ("mid-2027", "mid-March 2027", "late 2027"), and a quarter counted
 * from today ("by the end of the quarter", "by EOQ", "in the next quarter"). The check-by is the last day of the
 * period said; the middle of a year is the end of its first half, the middle of a month its 15th.
 *
 * A fiscal year ends where each company says: it is read on the calendar, with a note that asks the owner to check
 * the date. What looks like such a deadline and names no day ("H3 2027", "by FY", "early 2027") gives no date and a
 * note that says why, never silence.
 *
 * Pure: today is an argument, never the clock. One scan of the clause (PERIOD_AT_RE) finds where lead words ("by",
 * "in", "before", "end of") are followed by how a period starts; each reading is then tried there alone, anchored.
 * No regex has nested quantifiers, so the work stays linear in the clause.
 */
import {
  dayOf,
  daysInMonth,
  endOfQuarter,
  formatDay,
  monthFromName,
  nextMonthEnd,
  nextOccurrence,
  nextQuarterEnd,
} from './dates';

export interface CheckBy {
  value: string | null;
  note: string | null;
}

export const MONTH_SRC =
  'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';

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

/** "FY27", "FY 2027", "Q3 FY27", "FY2027-H1", "CY2027": 1 part letter, 2 its number, 3 FY/CY, 4 year, 5-6 part. */
const FISCAL_RE = new RegExp(
  String.raw`(?:([QH])(\d{1,3})\s*(?:of\s+)?(?:the\s+)?)?(FY|CY)(?:\s?['’-]?\s?(\d{4}|\d{2}))?(?:(?:\s*[-/]\s*|\s*)([QH])(\d{1,3}))?${END}`,
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

const FISCAL_NOTE = (said: string, day: string) =>
  `The check-by "${said}" is read as if the fiscal year were the calendar year, ending ${day}: a fiscal year may end on another day, so check the date.`;
const NO_DAY_NOTE = (said: string) =>
  `The check-by "${said}" does not say which day; write the day to check by.`;
const UNREAD_NOTE = (said: string) =>
  `The check-by "${said}" could not be read as a date; write the day to check by.`;
const FROM_TODAY_NOTE = (said: string) =>
  `The check-by date "${said}" is counted from a day, and none was given; it is left open.`;

/** A two-digit year is this century's ("FY27" is 2027). */
function fullYear(raw: string): number {
  return raw.length === 2 ? 2000 + Number(raw) : Number(raw);
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
    found =
      fiscalYear(clause, at) ??
      yearFirst(clause, at) ??
      yearPart(clause, at, from) ??
      periodWord(clause, at, from) ??
      quarterFromToday(clause, at, lead[0], from);
  }
  PERIOD_AT_RE.lastIndex = 0;
  return found;
}

/** The sticky `re`'s match at `at`, or null. */
function readAt(re: RegExp, clause: string, at: number): RegExpExecArray | null {
  re.lastIndex = at;
  return re.exec(clause);
}

function fiscalYear(clause: string, at: number): CheckBy | null {
  const hit = readAt(FISCAL_RE, clause, at);
  if (hit === null) {
    const unread = readAt(FISCAL_UNREAD_RE, clause, at);
    return unread === null ? null : { value: null, note: UNREAD_NOTE(unread[0]) };
  }
  const said = hit[0];
  if (hit[4] === undefined)
    return { value: null, note: `The check-by "${said}" names no year; it is left open.` };
  const year = fullYear(hit[4]);
  const letter = hit[1] ?? hit[5];
  const part = Number(hit[2] ?? hit[6]);
  const day =
    letter === undefined ? (year >= 1000 ? formatDay(year, 12, 31) : null) : endOfPart(year, letter, part);
  if (day === null)
    return { value: null, note: letter === undefined ? UNREAD_NOTE(said) : noPartNote(letter, said) };
  // A calendar year ("CY2027") is what it says; a fiscal year is each company's own.
  return { value: day, note: hit[3]!.toUpperCase() === 'FY' ? FISCAL_NOTE(said, day) : null };
}

function yearFirst(clause: string, at: number): CheckBy | null {
  const hit = readAt(YEAR_FIRST_RE, clause, at);
  if (hit === null) return null;
  const day = endOfPart(Number(hit[1]), hit[2]!, Number(hit[3]));
  return day === null ? { value: null, note: noPartNote(hit[2]!, hit[0]) } : { value: day, note: null };
}

function yearPart(clause: string, at: number, now: Date | undefined): CheckBy | null {
  const hit = readAt(PART_RE, clause, at);
  if (hit === null) return null;
  // "by h2" with no year is more likely a heading than a half ("by q2" has always been a quarter); "by 2h30" is a
  // time: a half or quarter said number first is written in capitals ("2H27").
  if ((hit[1] === 'h' && hit[3] === undefined) || (hit[5] !== undefined && hit[5] !== hit[5].toUpperCase()))
    return null;
  const letter = (hit[1] ?? hit[5])!;
  const part = Number(hit[2] ?? hit[4]);
  const yearRaw = hit[3] ?? hit[6] ?? hit[7];
  if (yearRaw !== undefined) {
    const day = endOfPart(fullYear(yearRaw), letter, part);
    return day === null ? { value: null, note: noPartNote(letter, hit[0]) } : { value: day, note: null };
  }
  // "Q5" or "H3" without a year: too little to call a slip for a deadline.
  if (endOfPart(2000, letter, part) === null) return null;
  const quarter = letter.toUpperCase() === 'Q' ? part : part * 2;
  const name = letter.toUpperCase() === 'Q' ? 'quarter' : 'half';
  if (now === undefined)
    return {
      value: null,
      note: `The check-by ${name} "${letter.toUpperCase()}${part}" has no year; it is left open.`,
    };
  return { value: nextQuarterEnd(quarter, now), note: null };
}

function periodWord(clause: string, at: number, now: Date | undefined): CheckBy | null {
  const hit = readAt(PERIOD_WORD_RE, clause, at);
  if (hit === null) return null;
  const g = hit.groups!;
  const said = hit[0];
  const word = g.word!.toLowerCase();
  if (word === 'early') return { value: null, note: NO_DAY_NOTE(said) };
  // The middle, and the first half, end midway; the late part, and the second half, end where the period does.
  const midway = word.startsWith('mid') || /^(?:first|1st)$/i.test(g.half ?? '');
  if (g.month !== undefined) {
    const month = monthFromName(g.month)!;
    const yearRaw = g.monthYear ?? g.monthYy;
    if (yearRaw !== undefined) {
      const year = fullYear(yearRaw);
      return { value: formatDay(year, month, midway ? 15 : daysInMonth(year, month)), note: null };
    }
    if (now === undefined) return { value: null, note: FROM_TODAY_NOTE(said) };
    // The next such day on or after today: the month's 15th, or its last day.
    return { value: midway ? nextOccurrence(month, 15, now) : nextMonthEnd(month, now), note: null };
  }
  const yearRaw = g.year ?? g.yy ?? g.yearAfter;
  if (yearRaw !== undefined) {
    const year = fullYear(yearRaw);
    return year >= 1000 ? { value: formatDay(year, midway ? 6 : 12, midway ? 30 : 31), note: null } : null;
  }
  // "the year", "this year", "next year": counted from today.
  if (now === undefined) return { value: null, note: FROM_TODAY_NOTE(said) };
  if (g.rel !== undefined) {
    const year = now.getUTCFullYear() + (g.rel.toLowerCase() === 'next' ? 1 : 0);
    return { value: formatDay(year, midway ? 6 : 12, midway ? 30 : 31), note: null };
  }
  return { value: nextQuarterEnd(midway ? 2 : 4, now), note: null };
}

function quarterFromToday(clause: string, at: number, lead: string, now: Date | undefined): CheckBy | null {
  const hit = readAt(QUARTER_FROM_TODAY_RE, clause, at);
  if (hit === null) return null;
  const which = hit[1]?.toLowerCase();
  const saysEnd = /\bend\s+of\b/i.test(lead) || !/^quarter$/i.test(hit[2]!);
  // "revenue by quarter", "at next quarter": no deadline.
  if (!saysEnd && (which === undefined || /^at\b/i.test(lead))) return null;
  if (now === undefined) return { value: null, note: FROM_TODAY_NOTE(hit[0]) };
  const current = Math.floor(now.getUTCMonth() / 3) + 1;
  const next = which === 'next' || which === 'coming';
  const quarter = next ? (current % 4) + 1 : current;
  const year = now.getUTCFullYear() + (next && current === 4 ? 1 : 0);
  return { value: endOfQuarter(year, quarter), note: null };
}
