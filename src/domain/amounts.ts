/**
 * Amounts as product owners write them ("40%", "1,200", "$2M", "800 ms") and as the app writes them back.
 * The story parser reads them; the hypothesis text writes them. Both take the currencies from here, so what the
 * parser reads as money is what the text puts before its amount.
 */

/** The currency signs an amount may start with. */
const CURRENCY_SIGNS = '$€£¥';
/**
 * The ISO codes people write money in ("EUR 40", "40 CHF"), before or after the number. Only codes that are no
 * English word: "ALL", "CUP", "TRY" or "TOP" after a number is more often a word than money.
 */
const CURRENCY_CODES =
  'EUR|USD|GBP|CHF|JPY|CNY|CAD|AUD|NZD|SEK|NOK|DKK|PLN|CZK|HUF|INR|BRL|MXN|ZAR|SGD|HKD|KRW';
/** A currency sign, as a regex character class. */
export const CURRENCY_SIGN_SRC = `[${CURRENCY_SIGNS}]`;
/** A currency sign or code, as a regex group; a code is a word of its own ("EUR", not "EURO" or "NEUR"). */
export const CURRENCY_SRC = `(?:${CURRENCY_SIGN_SRC}|\\b(?:${CURRENCY_CODES})(?![A-Za-z]))`;

/** The units of a metric, as written after its number; a currency after it too ("1 200 000 €"). */
export const UNIT_SRC =
  `${CURRENCY_SIGN_SRC}|(?:${CURRENCY_CODES})\\b|` +
  '%|percent(?:age\\s+points?)?\\b|per\\s+cent\\b|pct\\b|pp\\b|ms\\b|milliseconds?\\b|seconds?\\b|secs?\\b|s\\b|minutes?\\b|mins?\\b|hours?\\b|hrs?\\b|h\\b|days?\\b';

/**
 * Spaces people group digits with: plain, no-break, narrow no-break, thin ("12 000"). A space groups only before
 * exactly three digits, so "from 2 to 3" and "1 March" stay two words, and not before a percentage ("from 12 to
 * 8 100% of the time" is 8, then 100%: no share is written in thousands).
 */
const GROUP_SPACE_SRC = '[ \\u00a0\\u202f\\u2009]';

/**
 * Where no number starts: inside a run of digits, or at a group of a grouped number ("000" of "12 000", "111" of
 * "1,111"), which the number that holds it reads. Without it, a pattern that fails after a long run of groups
 * ("111 111 111 …" to the end of a pasted table) would be tried again from each of its groups, reading the rest of
 * the run each time: time growing with the square of the run. With it, the run is read from its first digit only.
 * A lookbehind of at most five characters, so it costs the same wherever it is tried.
 */
const NOT_WITHIN_A_NUMBER_SRC = `(?<!\\d|(?:^|\\D)\\d{1,3}(?:[,'’]|${GROUP_SPACE_SRC}))`;

/**
 * A number, captured in one group. "1,200" is twelve hundred: a comma followed by three digits groups thousands, and
 * so does a space ("12 000", "1 200 000") and the Swiss apostrophe ("1'200").
 * A currency may lead ("$40", "EUR 40"), which currencyOf reads from the match. A sign may lead ("-5": NPS can be
 * negative), and a multiplier may follow ("10k", "$2M", "1.5 million"); toNumber applies both. "1e3" is a thousand,
 * as a number field, a spreadsheet and readTypedNumber read it; read as "1", the rest would be lost unseen. A run
 * of more than fifteen digits is no number: read, its first fifteen would be a number ten or more times too small.
 */
export const NUMBER_SRC = `${NOT_WITHIN_A_NUMBER_SRC}(?:(?:${CURRENCY_SIGN_SRC}|\\b(?:${CURRENCY_CODES}))\\s?)?([-+−]?(?:\\d{1,3}(?:,\\d{3})+|\\d{1,3}(?:['’]\\d{3})+(?!\\d)|\\d{1,3}(?:${GROUP_SPACE_SRC}\\d{3})+(?!\\d|\\s?(?:%|per\\s?cent))|\\d{1,15}(?!\\d))(?:\\.\\d{1,15})?(?:e[-+]?\\d{1,3}(?!\\w|\\.\\d))?(?:\\s?(?:k|m|bn|thousand|million|billion)\\b)?)`;

/** A number (the first group) and its unit if it has one (the second): "40%", "800 ms", "$40". */
export const AMOUNT_SRC = `${NUMBER_SRC}\\s?(${UNIT_SRC})?`;

/** A unit as the app stores it: "%", "pp", "ms", "s", "min", "h", "d"; null for none or one it does not know. */
export function normaliseUnit(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  const u = raw.toLowerCase().replace(/\s+/g, ' ');
  if (u === '%' || u === 'percent' || u === 'per cent' || u === 'pct') return '%';
  if (u.startsWith('percentage point') || u === 'pp') return 'pp';
  if (u === 'ms' || u.startsWith('millisecond')) return 'ms';
  if (u === 's' || u.startsWith('sec')) return 's';
  if (u.startsWith('min')) return 'min';
  if (u === 'h' || u.startsWith('hour') || u.startsWith('hr')) return 'h';
  if (u.startsWith('day')) return 'd';
  return null;
}

/** Seconds in each time unit normaliseUnit gives. */
const SECONDS_IN: Readonly<Record<string, number>> = { ms: 0.001, s: 1, min: 60, h: 3600, d: 86400 };

/** Whether a unit normaliseUnit gives is one of time ("ms", "s", "min", "h", "d"). */
export function isTimeUnit(unit: string | null): boolean {
  return unit !== null && unit in SECONDS_IN;
}

/** A time amount in another time unit ("2 s" as 2000 ms); null when either unit is not one of time. */
export function inTimeUnit(value: number, from: string, to: string): number | null {
  const [a, b] = [SECONDS_IN[from], SECONDS_IN[to]];
  // Twelve digits: 800 ms as 0.8 s, not 0.8000000000000002.
  return a === undefined || b === undefined ? null : Number(((value * a) / b).toPrecision(12));
}

const CURRENCY_RE = new RegExp(CURRENCY_SRC, 'i');
const A_CURRENCY_SIGN_RE = new RegExp(`^[${CURRENCY_SIGNS}]$`);

/** The currency an amount is written in ("$40", "€ 12.50", "EUR 40" as "EUR"), or null. */
export function currencyOf(matched: string): string | null {
  return CURRENCY_RE.exec(matched)?.[0].toUpperCase() ?? null;
}

/**
 * The value of an AMOUNT_SRC match's number (`group`: 1, or 3 for a range's second), read as money when the match
 * names a currency: a range has one unit, so "from $1.2m to 1.5m" is in millions at both ends.
 */
export function amountValue(amount: RegExpExecArray, group = 1): number | null {
  return toNumber(amount[group], currencyOf(amount[0]) !== null);
}

/** A multiplier at the end of a number NUMBER_SRC captured: "3 million", "10k", "$2m". */
const SCALE_AT_END = /\s?(?:k|m|bn|thousand|million|billion)$/i;

/**
 * The baseline and target of a range match (groups 1 and 3 its numbers, 2 and 4 their units), a multiplier said
 * once, after the target, applied to both: "from 2 to 3 million" is from two million, as "from 2% to 3%" would be
 * written "from 2 to 3%". Only a bare baseline within ten times the target's number takes it ("from 10 to 15
 * thousand"); "from 500 to 1.2 million" and "from $40 to $1.5M" keep their 500 and 40, and a baseline with a unit of
 * its own keeps its own.
 */
export function rangeValues(range: RegExpExecArray): [number | null, number | null] {
  const money = currencyOf(range[0]) !== null;
  const [baseline, target] = [toNumber(range[1], money), toNumber(range[3], money)];
  const scale = range[3] === undefined ? null : SCALE_AT_END.exec(range[3]);
  if (baseline === null || target === null || scale === null || SCALE_AT_END.test(range[1]!))
    return [baseline, target];
  if (range[2] !== undefined && normaliseUnit(range[2]) !== normaliseUnit(range[4]))
    return [baseline, target];
  const bare = toNumber(range[3]!.slice(0, scale.index), money);
  // A lower-case "m" without money is minutes, not a million: the target kept its number.
  if (bare === null || bare === 0 || bare === target) return [baseline, target];
  const ratio = Math.abs(baseline / bare);
  if (Math.abs(baseline) >= 1000 || ratio < 0.1 || ratio > 10) return [baseline, target];
  const scaled = Number((baseline * (target / bare)).toPrecision(15));
  return [Number.isFinite(scaled) ? scaled : baseline, target];
}

/** The unit of an AMOUNT_SRC match (its second group), else its currency. */
export function unitOf(amount: RegExpExecArray): string | null {
  return normaliseUnit(amount[2]) ?? currencyOf(amount[0]);
}

/**
 * What a short multiplier means. A lower-case "m" is left out: "6m" may be six minutes or six million. In money
 * ("$1.2m") it can only be a million: toNumber is told so.
 */
const MULTIPLIERS: Readonly<Record<string, number>> = {
  k: 1e3,
  K: 1e3,
  thousand: 1e3,
  M: 1e6,
  million: 1e6,
  bn: 1e9,
  billion: 1e9,
};

/**
 * The value of a number NUMBER_SRC captured, with its sign, separators and multiplier; null if it is none. `money`:
 * the amount is written with a currency, so a lower-case "m" is a million.
 */
export function toNumber(raw: string | undefined, money = false): number | null {
  if (raw === undefined) return null;
  const m = /^([-+−]?[\d.,]+(?:e[-+]?\d+)?)\s?([a-zA-Z]*)$/i.exec(
    raw.replace(DIGIT_GROUP_SPACE, '').replace(SWISS_GROUP_MARK, ''),
  );
  if (!m) return null;
  const value = Number(m[1]!.replace(/,/g, '').replace('−', '-'));
  const multiplier =
    money && m[2] === 'm' ? 1e6 : (MULTIPLIERS[m[2]!] ?? MULTIPLIERS[m[2]!.toLowerCase()] ?? 1);
  // Scaling a decimal fraction leaves binary noise (4.1 × 1e6 = 4099999.9999999995): 15 significant digits, all
  // a double holds exactly, drop it.
  const n = multiplier === 1 ? value : Number((value * multiplier).toPrecision(15));
  return Number.isFinite(n) ? n : null;
}

/**
 * An amount in words: a currency before it ("$40"), a percent sign right after it ("40%"), any other unit after
 * a space ("800 ms", "40 s", "1200 sign-ups"), as the owner may type any unit; its fraction after the person's
 * decimal `mark` ("12,5%" for a decimal comma).
 */
export function amountText(n: number, unit: string | null | undefined, mark: DecimalMark = '.'): string {
  const u = (unit ?? '').trim();
  const number = typedNumberText(n, mark);
  if (u === '') return number;
  if (A_CURRENCY_SIGN_RE.test(u)) return `${u}${number}`;
  return u === '%' ? `${number}%` : `${number} ${u}`;
}

/** The apostrophe Swiss writers group thousands with ("1'200"), straight or curly. */
const SWISS_GROUP_MARK = /(?<=\d)['’](?=\d{3})/g;
/** Spaces people group digits with: plain, no-break, narrow no-break, thin. */
const DIGIT_GROUP_SPACE = /(?<=\d)[ \u00a0\u202f\u2009](?=\d{3}(?:\D|$))/g;
const GROUPED_BY_THREE = /^\d{1,3}(?:[.,]\d{3})+$/;
const SCIENTIFIC = /^[-+]?\d+(?:\.\d+)?e[-+]?\d+$/i;

/** The mark between a number's whole part and its fraction, as a locale writes it. */
export type DecimalMark = '.' | ',';

/** The decimal mark of a locale ("de-DE", "fr_FR" → ","); "." for an unknown locale or none. */
export function decimalMarkOf(locale: string | null | undefined): DecimalMark {
  if (!locale) return '.';
  try {
    const parts = new Intl.NumberFormat(locale.replace('_', '-')).formatToParts(1.5);
    return parts.find((p) => p.type === 'decimal')?.value === ',' ? ',' : '.';
  } catch {
    return '.';
  }
}

/** A number as a person with this decimal mark types it ("1.5" or "1,5"); readTypedNumber reads it back. */
export function typedNumberText(n: number, mark: DecimalMark = '.'): string {
  const text = String(n);
  return mark === ',' && !/e/i.test(text) ? text.replace('.', ',') : text;
}

/**
 * A number as typed into a field: "1200", "1,200", "1 200", "1,200.5", "1.200,5", "12,5", "-3". A comma or point
 * that groups thousands must be followed by exactly three digits each time ("1,200,000"); a single mark before
 * other than three digits is the decimal mark ("12,5", "0,125"). One mark before exactly three digits ("1,234",
 * "1.234") is the person's own decimal mark or else groups thousands: `decimalMark` is theirs, from their locale.
 * Null when the text is not a number.
 */
export function readTypedNumber(typed: string, decimalMark: DecimalMark = '.'): number | null {
  let text = typed.trim().replace(DIGIT_GROUP_SPACE, '').replace('−', '-');
  // "1e999" is a number's notation but no number a field can hold.
  if (SCIENTIFIC.test(text)) return Number.isFinite(Number(text)) ? Number(text) : null;
  const sign = /^[-+]/.test(text) ? text[0]! : '';
  text = text.slice(sign.length);
  if (!/^[\d.,]+$/.test(text) || !/\d/.test(text)) return null;
  const lastComma = text.lastIndexOf(',');
  const lastPoint = text.lastIndexOf('.');
  let whole = text;
  let fraction = '';
  if (lastComma >= 0 && lastPoint >= 0) {
    // Both: the later one is the decimal separator, the other groups thousands.
    const at = Math.max(lastComma, lastPoint);
    whole = text.slice(0, at);
    fraction = text.slice(at + 1);
    if (!GROUPED_BY_THREE.test(whole) || whole.includes(text[at]!)) return null;
  } else if (lastComma >= 0 || lastPoint >= 0) {
    const mark = lastComma >= 0 ? ',' : '.';
    const marks = text.split(mark).length - 1;
    const groupsThousands = marks > 1 || (mark !== decimalMark && /^[1-9]\d{0,2}[.,]\d{3}$/.test(text));
    if (groupsThousands) {
      if (!GROUPED_BY_THREE.test(text)) return null;
    } else {
      whole = text.slice(0, text.indexOf(mark));
      fraction = text.slice(text.indexOf(mark) + 1);
      // "5." is five, as a number field reads it; "5," is a decimal comma with nothing after it.
      if (fraction === '' && mark === ',') return null;
    }
  }
  const digits = whole.replace(/[.,]/g, '');
  if (!/^\d*$/.test(digits) || !/^\d*$/.test(fraction) || digits + fraction === '') return null;
  const value = Number(`${sign}${digits || '0'}${fraction ? `.${fraction}` : ''}`);
  return Number.isFinite(value) ? value : null;
}

/** A number written with marks or grouping spaces between its digits: "12,5", "1.234,5", "1,234.5", "12 000,5". */
const MARKED_NUMBER =
  /(?<![\d.,])(?:\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?!\d|\s?(?:%|per\s?cent))(?:[.,]\d+)*|\d+(?:[.,]\d+)+)(?![.,]?\d)/g;
/** A number in the parser's notation, not part of a longer run of digits and marks ("1.5" of "1.5.2027" is not). */
const PARSER_NUMBER = /(?<![\d.,])\d+(?:\.\d+)?(?![.,]?\d)/g;

/**
 * The decimal mark a story shows beyond doubt: the later of both marks in one number ("1.200,50" has a decimal
 * comma). A story pasted from elsewhere may not use the reader's mark, and one number is not read with one mark and
 * the next with the other ("from €1.200,50 to €1.500" is 1200.5 to 1500). Null when no number shows it.
 */
const BOTH_MARKS = /\d[.,]\d{3}[.,]\d/;
function markShownIn(story: string): DecimalMark | null {
  // Most stories have no number with both marks: one quick test spares them the loop.
  if (!BOTH_MARKS.test(story)) return null;
  for (const [typed] of story.matchAll(MARKED_NUMBER)) {
    const [comma, point] = [typed.lastIndexOf(','), typed.lastIndexOf('.')];
    if (comma < 0 || point < 0) continue;
    const shown: DecimalMark = comma > point ? ',' : '.';
    if (readTypedNumber(typed, shown) !== null) return shown;
  }
  return null;
}

/**
 * The other reading of a number whose one mark is the reader's decimal mark before exactly three digits ("1.200"
 * with a decimal point): writers who group thousands with that mark mean 1200. Null for any other number, which
 * reads one way only.
 */
function groupedReading(typed: string, decimalMark: DecimalMark): number | null {
  const other: DecimalMark = decimalMark === '.' ? ',' : '.';
  return typed.includes(other) || !typed.includes(decimalMark) ? null : readTypedNumber(typed, other);
}

/**
 * A story in the notation the story parser reads (a decimal point, no grouping), each number read as a typed one
 * is, with the person's decimal `mark` ("1.200" is 1200 for a decimal comma, 1.2 for a point; "12,5" is 12.5 for
 * both, as no one groups thousands so), with `asWritten`, which gives a text taken from it (a persona, a metric, a
 * note) its numbers back as the person wrote them, and `notes` on the numbers that could be read the other way.
 */
export function inParserNotation(
  story: string,
  mark: DecimalMark,
): { text: string; asWritten: (text: string) => string; notes: string[] } {
  const written = new Map<string, string>();
  const shown = markShownIn(story);
  const own = shown ?? mark;
  const notes: string[] = [];
  const text = story.replace(MARKED_NUMBER, (typed) => {
    const value = readTypedNumber(typed, own);
    const plain = value === null ? '' : String(value);
    if (value === null || /e/i.test(plain)) return typed;
    if (!written.has(plain)) written.set(plain, typed);
    const grouped = shown === null ? groupedReading(typed, own) : null;
    if (grouped !== null && grouped !== value)
      notes.push(
        `"${typed}" is read as ${typedNumberText(value, mark)} ("${own}" being the decimal mark); ` +
          `if you meant ${grouped}, write ${grouped}.`,
      );
    return plain;
  });
  const asWritten = (t: string) =>
    t.replace(
      PARSER_NUMBER,
      (n) => written.get(n) ?? (n.includes('.') ? typedNumberText(Number(n), mark) : n),
    );
  return { text, asWritten, notes: [...new Set(notes)] };
}
