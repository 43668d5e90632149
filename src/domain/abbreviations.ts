/**
 * Full stops that do not end a sentence: "by Dec. 1, 2026", "avg. order value", "e.g. Apple Pay". The story
 * parser and the hypothesis checks ask this before cutting a text at a full stop.
 */

/** Abbreviations never written at a sentence's end (lower case, without the stop). */
const ALWAYS = new Set([
  'avg',
  'approx',
  'e.g',
  'i.e',
  'eg',
  'ie',
  'vs',
  'cf',
  'incl',
  'excl',
  'est',
  'dr',
  'mr',
  'mrs',
  'ms',
]);
/** Abbreviations before a number ("Dec. 1", "no. 5", "min. 3 users"); before anything else they may end one. */
const BEFORE_A_NUMBER = new Set([
  ...['jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec'],
  ...['no', 'nr', 'min', 'max', 'approx', 'ca'],
]);
/** The longest abbreviation above, in characters: how far back a full stop's word is read. */
const LONGEST = 6;

const isLetterOrDot = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 46;
const isDigit = (c: number) => c >= 48 && c <= 57;

/** True when the full stop at `dot` ends an abbreviation ("Dec. 1", "avg.", "e.g.") rather than a sentence. */
export function endsAbbreviation(text: string, dot: number): boolean {
  let start = dot;
  while (start > 0 && dot - start <= LONGEST && isLetterOrDot(text.charCodeAt(start - 1))) start--;
  // A longer word ("decided.") is no abbreviation.
  if (start > 0 && isLetterOrDot(text.charCodeAt(start - 1))) return false;
  const word = text.slice(start, dot).toLowerCase();
  if (ALWAYS.has(word)) return true;
  if (!BEFORE_A_NUMBER.has(word)) return false;
  let next = dot + 1;
  while (next < text.length && next < dot + 4 && text.charCodeAt(next) === 32) next++;
  return isDigit(text.charCodeAt(next));
}
