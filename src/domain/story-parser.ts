/**
 * Story parser: finds persona, intent, benefit ("As a …, I want …, so that …") and an expected
 * outcome ("We expect cart drop-off to fall from 40% to 30% by 1 March") in free text.
 *
 * Pure and total: no I/O, no clock, never throws, linear in the input. The input is read as plain text: Jira's
 * wiki marks ("*As a* shopper") and HTML tags ("<b>As a</b> shopper") are left out first (withoutMarkup). Every
 * persona, intent and benefit it returns is a slice of that text; it never makes one up. An expectation laid out
 * as fields ("Metric: …", "Baseline: …") is first rewritten into the sentence it stands for (expectation-fields.ts).
 * Text without the story form (most Jira summaries) gets nulls, and `missing`/`notes` say what is absent.
 *
 * Relative changes ("increase conversion by 10 percent") keep `target` null: whether that means
 * 10 points or 10% of the baseline is not stated, so no number is computed; a note records it.
 */
import { endsAbbreviation } from './abbreviations';
import { farCheckBy } from './check-by';
import {
  BEFORE_PERIOD_RE,
  MONTH_SRC,
  dayBeforePeriod,
  periodCheckBy,
  type CheckBy,
} from './deadline-phrases';
import {
  AMOUNT_SRC,
  CURRENCY_SIGN_SRC,
  CURRENCY_SRC,
  NUMBER_SRC,
  UNIT_SRC,
  amountValue,
  rangeValues,
  currencyOf,
  inTimeUnit,
  normaliseUnit,
  unitOf,
} from './amounts';
import {
  addDays,
  dayOf,
  formatDay,
  isValidDay,
  monthFromName,
  daysInMonth,
  nextMonthEnd,
  nextOccurrence,
} from './dates';
import { withFieldsAsSentence } from './expectation-fields';
import { isRegexSpace } from './says-something';

export type StoryPart = 'persona' | 'intent' | 'benefit' | 'expectedOutcome';

export interface ParsedExpectedOutcome {
  metric: string;
  baseline: number | null;
  target: number | null;
  unit: string | null;
  direction: 'increase' | 'decrease' | null;
  checkBy: string | null;
}

export interface ParsedStory {
  persona: string | null;
  intent: string | null;
  benefit: string | null;
  /** The first expectation (what the score measures); null when none could be read. */
  expectedOutcome: ParsedExpectedOutcome | null;
  /** Every expectation, in the order written: "reduce X and increase Y" gives two. */
  expectedOutcomes: ParsedExpectedOutcome[];
  missing: StoryPart[];
  notes: string[];
}

export interface ParseStoryOptions {
  /** Resolves year-less dates ("by 1 March") to the next such day on or after now. */
  now?: Date;
}

/** Only this much of a text is read: a story is short, a pasted description may not be. */
export const MAX_PARSED_CHARS = 20_000;
/** How far after "As a" the "I want" may come. */
const PERSONA_WINDOW = 300;
const MAX_PERSONA_CHARS = 80;

// Every regex below starts with a literal or \b anchor and has no nested quantifiers, so a search
// over adversarial input stays linear (no catastrophic backtracking).
const AS_RE = /\bas\s+(?:(?:an?|the)\s+)?/gi;
const WANT_RE =
  /\b(?:I|we)['’]d\s+(?:like|love)\b|\b(?:I|we)['’](?:m|re)\s+able\b|\b(?:I|we)\s+(?:really\s+|also\s+|just\s+|only\s+|never\s+|would\s+never\s+)?(?:would\s+(?:like|love|be\s+able)|want|wants|need|needs|wish|can|could|should\s+be\s+able|must\s+be\s+able|am\s+able|are\s+able|do\s+not\s+want|don['’]t\s+want|do\s+want)\b|,\s*(?:would\s+like|want|need|wish)\b/i;
// ", so I can …" is as clear as "so that"; a bare "so" or "because" counts only when nothing clearer
// is present ("an avenue so parents can submit feedback, so that I can improve" => the "so that").
const STRONG_BENEFIT_RE =
  /\bso\s+that\b|\bin\s+order\s+(?:to|that)\b|\bsuch\s+that\b|,\s*so\s+(?!that\b|as\b|on\b|far\b|much\b|many\b|long\b|forth\b|is\b|are\b)/i;
/**
 * Without the story form, only a stated purpose is a benefit: "so that", "in order to", "such that", or ", so I can …"
 * with a person who gains. Any other ", so …" in a bug report or comment is a consequence ("not yet shipped, so
 * changing to resolved"), not why a user wants something.
 */
const FORMLESS_BENEFIT_RE =
  /\bso\s+that\b|\bin\s+order\s+(?:to|that)\b|\bsuch\s+that\b|,\s*so\s+(?=(?:I|we|they|you|(?:the\s+|our\s+)?(?:users?|customers?|people|admins?|teams?))\s+(?:can|could|will|may)\b(?!['’]t))/i;
const WEAK_BENEFIT_RE =
  /\bso\s+(?!that\b|as\b|on\b|far\b|much\b|many\b|long\b|forth\b|is\b|are\b)|\bbecause\b/i;
// A purpose infinitive later in the intent: "update the rule table to account for DB-2213".
const PURPOSE_TO_RE = /\sto\s+(?=(?:ensure|make\s+sure|account\s+for|avoid|prevent|guarantee)\b)/i;
const NEGATED_WANT_RE = /\b(?:do\s+not|don['’]t|never|would\s+never)\s+want\b/i;
const LEAD_BENEFIT_RE = /^(?:in\s+order\s+(?:to|that)|so\s+that)\b/i;
/** A run of more digits than NUMBER_SRC reads (15). */
const TOO_MANY_DIGITS_RE = /(?<![\d.,])\d{16,}(?![\d.,]\d)/;
/** A list item's marker at the start of a line: "- ", "* ", "• ", "+ ", "# " (wiki), "3. ", "3) ". */
const LIST_MARKER_RE = /^(?:[-*•+#]|\d{1,2}[.)])[ \t]+/;
/**
 * Where an expectation starts: "We expect …", "Expected outcome: …", a hypothesis written as a belief ("We
 * believe … will reduce lapses …") or as "If we …, then …", or a bug report's "Expected result:" (group 1: the
 * behaviour it wants, a metric only with a movement and a number), or a label ("Success metric:", "KPI:",
 * "Target:", group 2). findExpectation takes a belief only where it names a movement with a number, and a label
 * only where it has a number. One scan; the labels' alternatives only where the text has a colon (a label has
 * one, and most stories none), since they are tried at every word.
 */
const EXPECT_SRC = String.raw`\b(?:we|I)\s+(?:also\s+|would\s+|do\s+|further\s+)?expect(?:s)?\b(?:\s+that\b)?|\bexpected\s+(?:outcome|impact)s?\b\s*:?|\b(we\s+believe\b(?:\s+that\b)?|if\s+we\b[^.!?\n]{1,200}?\bthen\b|expected\s+results?\b\s*:?|we(?:['’]ll|\s+will|\s+shall)\s+know\s+(?:that\s+)?(?:we|this|it)\b[^.!?\n]{0,50}?\bwhen\b(?:\s+we\s+see\b)?)`;
const EXPECT_RE = new RegExp(EXPECT_SRC, 'gi');
/** The labels a metric may follow ("KPI:", "Success criteria:", "Goal:"), as a source for the patterns below. */
const METRIC_LABEL_SRC = String.raw`(?:success(?:\s+(?:metric|measure|criteri(?:on|a))s?)?|kpis?|targets?|goals?|metrics?)`;
const EXPECT_OR_LABEL_RE = new RegExp(
  String.raw`${EXPECT_SRC}|\b((?:${METRIC_LABEL_SRC}|measures?\s+of\s+success|hypothes[ie]s)\s*:)`,
  'gi',
);
/** What EXPECT_RE needs to match at all: each of its alternatives has one of these words. */
const MAY_EXPECT_RE = /expect|believe|then|know/i;
const RELATIVE_NOTE = 'is a relative change; no target is computed from it.';
/** A change as a multiple of today's value: "double", "halving", "by half", "tenfold", "3x". */
const MULTIPLE_RE =
  /\b(?:doubl(?:e[sd]?|ing)|tripl(?:e[sd]?|ing)|quadrupl(?:e[sd]?|ing)|halv(?:e[sd]?|ing)|(?:by|in)\s+half|(?:two|three|four|five|ten|\d+)[- ]?fold|\d+(?:\.\d+)?\s?x)\b/i;
/** A finite verb: the auxiliaries, and those pasted descriptions put after "As" ("as I am guessing", "as it keeps"). */
const FINITE_VERB_RE =
  /\b(?:is|are|was|were|has|have|had|does|did|will|would|can|could|should|must|am|tries|keeps|seems|says|said|discussed|suggested|explained)\b/i;
/**
 * "As a first pass, we …", "As a follow-on to MDL-43524, we …", "As it's not clear …": an adverbial phrase or a
 * pronoun with its verb, not who the user is; as is a persona that is only digits ("As 1, we need …").
 */
const ADVERBIAL_PERSONA_RE =
  /^(?:(?:we|i|it|you|they|he|she)['’]|first\s+(?:step|pass)\b|follow[- ]?(?:on|up)\s+to\b|\d+$)/i;
const PERSONA_STOP_WORDS = new Set([
  // A pronoun or "to" starts a clause ("As we discussed before", "As it's not clear"), not a role.
  'we',
  'i',
  'you',
  'they',
  'he',
  'she',
  'to',
  'result',
  'part',
  'soon',
  'far',
  'long',
  'well',
  'per',
  'discussed',
  'mentioned',
  'noted',
  'such',
  'of',
  'for',
  'always',
  'usual',
  'requested',
  'described',
  'agreed',
  'before',
  'expected',
  'shown',
  'seen',
  'stated',
  'needed',
  'if',
  'is',
  'it',
  'much',
  'many',
  'follows',
  'possible',
]);

const EMPTY_NOTES: Readonly<Record<StoryPart, string>> = {
  persona: 'No persona: the text does not say who the user is ("As a …").',
  intent: 'No intent: the text has no "I want …" part.',
  benefit: 'No benefit: the text does not say why ("so that …").',
  expectedOutcome: 'No expected outcome: the text has no "We expect …" with a measurable metric.',
};

/**
 * Jira's wiki marks around words: *strong*, _emphasis_, +inserted+. A mark counts only at a word's edge with no
 * space inside it, so "e-mail", "snake_case", "2*3" and "C++" keep theirs. Each pattern starts at its mark and its
 * run stops at the next one or the line's end, so a text full of marks is read in one pass; each runs only on a
 * text that has its mark.
 */
const WIKI_MARKS: ReadonlyArray<readonly [string, RegExp]> = [
  ['*', /(?<![\w*])\*(?=\S)([^*\n]*[^\s*])\*(?!\w)/g],
  ['_', /(?<![\w_])_(?=\S)([^_\n]*[^\s_])_(?!\w)/g],
  ['+', /(?<![\w+])\+(?=\S)([^+\n]*[^\s+])\+(?!\w)/g],
  ['{{', /\{\{([^{}\n]{0,500})\}\}/g],
];
/**
 * Struck-out words, -deleted- in Jira's wiki and <del>, <s> or <strike> in HTML: taken back, so left out, words
 * and all, with the space before them ("to <del>35%</del> 30%" means 30%). A wiki strike opens and closes on a letter:
 * "-5->-3" is an arrow between numbers and "from -5 to -3" two numbers.
 */
const WIKI_STRUCK = /[ \t]?(?<![\w-])-(?=\p{L})[^-\n]*\p{L}-(?![\w>-])/gu;
const HTML_STRUCK = /[ \t]?<(del|s|strike)\b[^<>]{0,500}>[^<]{0,500}<\/\1\s*>/gi;
/**
 * HTML tags a story pasted from a web page or an export carries. Only tags HTML has: "As a <role>, I want <goal>"
 * is a template's blank, not a tag. A tag that breaks a line becomes one, so its sentence ends there.
 */
const HTML_INLINE_TAG =
  /<\/?(?:b|strong|i|em|u|s|strike|del|ins|mark|small|big|sub|sup|span|font|code|tt|a|abbr)\b[^<>]{0,500}>/gi;
const HTML_BREAKING_TAG =
  /<\/?(?:p|div|br|hr|li|ul|ol|h[1-6]|blockquote|pre|table|thead|tbody|tr|td|th)\b[^<>]{0,500}>/gi;
const HTML_ENTITY = /&(?:amp|lt|gt|quot|apos|nbsp|#39);/g;
const ENTITY_TEXT: Readonly<Record<string, string>> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&apos;': "'",
  '&#39;': "'",
  '&nbsp;': ' ',
};

/** Fullwidth ASCII ("４０％", "ｂｙ"), as East Asian keyboards type it, and the ideographic space. */
const FULLWIDTH_RE = /[\uff01-\uff5e\u3000]/g;
/** A character that FULLWIDTH_RE, WIKI_STRUCK, WIKI_MARKS, the HTML tags or HTML_ENTITY start with. */
const MAY_HAVE_MARKUP = /[-*_+{<&\uff01-\uff5e\u3000]/;
const halfwidth = (c: string) => (c === '\u3000' ? ' ' : String.fromCharCode(c.charCodeAt(0) - 0xfee0));

/**
 * The text as it reads: struck-out words left out, wiki marks and HTML tags left out with their words kept, HTML's
 * entities as characters, fullwidth letters and digits as their ASCII ("from ４０％" is "from 40%": one character
 * for one, so every slice stands where it stood).
 */
export function withoutMarkup(text: string): string {
  // Most text has none of the characters markup starts with, and reads as it is after this one test.
  if (!MAY_HAVE_MARKUP.test(text)) return text;
  let plain = FULLWIDTH_RE.test(text) ? text.replace(FULLWIDTH_RE, halfwidth) : text;
  FULLWIDTH_RE.lastIndex = 0;
  // Struck-out words open and close with a hyphen: a text with one hyphen ("e-mail") has none.
  const hyphen = plain.indexOf('-');
  if (hyphen >= 0 && plain.includes('-', hyphen + 1)) plain = plain.replace(WIKI_STRUCK, '');
  for (const [mark, pattern] of WIKI_MARKS) if (plain.includes(mark)) plain = plain.replace(pattern, '$1');
  if (plain.includes('<'))
    plain = plain.replace(HTML_STRUCK, '').replace(HTML_BREAKING_TAG, '\n').replace(HTML_INLINE_TAG, '');
  if (plain.includes('&')) plain = plain.replace(HTML_ENTITY, (entity) => ENTITY_TEXT[entity] ?? entity);
  return plain;
}

/** The notes that only say a part is missing: a form shows that as an empty field instead. */
export const MISSING_PART_NOTES: ReadonlySet<string> = new Set(Object.values(EMPTY_NOTES));

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11 || c === 0xa0 || c === 0x3000;
}

/** Characters trimmed off both ends of a persona/intent/benefit: spaces, quotes, stray punctuation. */
function isEdgeJunk(c: number): boolean {
  return isSpace(c) || (c < EDGE_MARKS.length && EDGE_MARKS[c] === 1);
}
/** The marks by character code, in an array up to the last of them: a read per character, not a set's lookup. */
const EDGE_MARK_CODES = Array.from(',;:.!?"\'`*_“”‘’«»()[]{}-–—#|>', (mark) => mark.charCodeAt(0));
const EDGE_MARKS = new Uint8Array(Math.max(...EDGE_MARK_CODES) + 1);
for (const code of EDGE_MARK_CODES) EDGE_MARKS[code] = 1;

/** The closing brackets and quote a part may end with, and the opening marks they pair with, in one order. */
const CLOSING_MARKS = ')]}"';
const OPENING_MARKS = '([{"';

/** Slice [start, end) shrunk past edge junk; never scans more than the slice (linear). */
function cleanSlice(text: string, start: number, end: number): string | null {
  let s = start;
  let e = end;
  while (s < e && isEdgeJunk(text.charCodeAt(s))) s++;
  // A closing bracket or quote that pairs with one inside the slice is part of the text ("[like Amazon]"). Where
  // each opening mark first stands is looked up once, however many marks the slice ends with.
  const firstAt = [-2, -2, -2, -2];
  while (e > s && isEdgeJunk(text.charCodeAt(e - 1))) {
    const k = CLOSING_MARKS.indexOf(text[e - 1]!);
    if (k >= 0) {
      if (firstAt[k] === -2) firstAt[k] = text.indexOf(OPENING_MARKS[k]!, s);
      if (firstAt[k]! >= 0 && firstAt[k]! < e - 1) break;
    }
    e--;
  }
  return e > s ? text.slice(s, e) : null;
}

function isUpperStart(c: number): boolean {
  return (
    (c >= 65 && c <= 90) ||
    (c >= 48 && c <= 57) ||
    c === 35 ||
    c === 91 ||
    c === 42 ||
    c === 45 ||
    c === 0x2022
  );
}

/** The characters that may end a sentence, with and without line breaks. */
const SENTENCE_MARK = /[.!?]/g;
const SENTENCE_MARK_OR_LINE = /[.!?\n]/g;

/**
 * Index where the sentence containing `from` ends (exclusive): a . ! or ? followed by space and a
 * capital/number/bullet, a blank line, a newline before a capital or bullet, or the end.
 */
function sentenceEnd(text: string, from: number, limit: number, lineBreaks = true): number {
  // The regular expression jumps to the next mark faster than a loop over every character.
  const marks = lineBreaks ? SENTENCE_MARK_OR_LINE : SENTENCE_MARK;
  marks.lastIndex = from;
  for (let m = marks.exec(text); m !== null && m.index < limit; m = marks.exec(text)) {
    const i = m.index;
    const c = text.charCodeAt(i);
    if (c === 46 || c === 33 || c === 63) {
      let j = i + 1;
      if (j >= limit) return limit;
      if (!isSpace(text.charCodeAt(j))) continue;
      if (c === 46 && (endsAbbreviation(text, i) || numbersListItem(text, i))) continue;
      while (j < limit && isSpace(text.charCodeAt(j))) j++;
      if (j >= limit || isUpperStart(text.charCodeAt(j))) return i + 1;
    } else if (c === 10 && lineBreaks) {
      let j = i + 1;
      while (
        j < limit &&
        (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9 || text.charCodeAt(j) === 13)
      )
        j++;
      if (j >= limit) return i;
      const n = text.charCodeAt(j);
      // A table row (wiki "|cell|", "||heading||") on the next line is not part of the sentence.
      if (n === 124) return i;
      if (n === 10 || isUpperStart(n)) {
        // "I want X\nSo that Y" keeps going; a heading or list on the next line does not.
        if (LEAD_BENEFIT_RE.test(text.slice(j, j + 20)) || /^so\b/i.test(text.slice(j, j + 3))) continue;
        return i;
      }
    }
  }
  return limit;
}

/** Whether the full stop at `i` numbers a list item ("2. I want …" at a line's start), ending no sentence. */
function numbersListItem(text: string, i: number): boolean {
  let j = i - 1;
  while (j >= 0 && j > i - 4 && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j--;
  if (j === i - 1) return false;
  while (j >= 0 && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j--;
  return j < 0 || text.charCodeAt(j) === 10;
}

/** Skips leading ids and decoration: "#G02#", "[ABC-12]", "ABC-12:", quotes, bullets. */
function skipLeadingJunk(text: string, from: number, limit: number): number {
  let i = from;
  for (let guard = 0; guard < 20 && i < limit; guard++) {
    const before = i;
    while (i < limit && isEdgeJunk(text.charCodeAt(i)) && text[i] !== '[' && text[i] !== '#') i++;
    const head = text.slice(i, i + 40);
    // A lone "#" is a list's or heading's mark, but "# of tickets" is a number of tickets.
    const m =
      /^#[A-Za-z0-9_-]{1,20}#|^\[[^\]\n]{1,30}\]|^[A-Z][A-Z0-9]{0,15}-\d{1,7}\b:?|^#(?! ?[Oo][Ff]\b)/.exec(
        head,
      );
    if (m) i += m[0].length;
    if (i === before) break;
  }
  return i;
}

interface Span {
  start: number;
  end: number;
}

interface StoryForm {
  persona: Span;
  want: Span;
  asIndex: number;
}

function isStandaloneAs(text: string, asIndex: number): boolean {
  // Capitalised "As" starts a sentence; a lower-case one must follow punctuation or the start.
  if (text.charCodeAt(asIndex) === 65) return true;
  let j = asIndex - 1;
  while (j >= 0 && isSpace(text.charCodeAt(j))) j--;
  if (j < 0) return true;
  return ',;:.!?"\'“”‘’()[]{}#*-–—>|'.includes(text[j] as string);
}

/** Where a text's first word ends: at the first white space or comma. */
function firstWordEnd(text: string): number {
  let i = 0;
  while (i < text.length && text.charCodeAt(i) !== 44 && !isRegexSpace(text.charCodeAt(i))) i++;
  return i;
}

function findStoryForm(text: string, limit: number): StoryForm | null {
  AS_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  let tries = 0;
  while ((m = AS_RE.exec(text)) !== null && m.index < limit && tries < 200) {
    tries++;
    if (m[0].length === 0) AS_RE.lastIndex++;
    if (!isStandaloneAs(text, m.index)) continue;
    const pStart = m.index + m[0].length;
    const windowEnd = Math.min(limit, pStart + PERSONA_WINDOW);
    const window = text.slice(pStart, windowEnd);
    const w = WANT_RE.exec(window);
    if (!w) continue;
    // The "I want" must be in the persona's sentence. "As a tester,\nI want …" spans lines; only a full stop ends
    // it. (No match holds a full stop, so the first in the window is the sentence's first, if it has one.)
    const wantEnd = pStart + w.index + w[0].length;
    if (sentenceEnd(text, pStart, wantEnd, false) < wantEnd) continue;
    // The persona stops at the first comma, clause or the "I want" itself.
    let pEnd = w.index;
    // Post-modifiers ("who has read…", "interested in…") describe the persona but are not its name.
    const stop =
      /[,;:\n(]|\s(?:who|that|which|whose|working|with|when|interested|looking|trying|wanting|needing|responsible|using|having)\s/i.exec(
        window.slice(0, w.index),
      );
    if (stop) pEnd = stop.index;
    const persona = cleanSlice(text, pStart, pStart + pEnd);
    if (persona === null || persona.length > MAX_PERSONA_CHARS) continue;
    const firstWord = persona.slice(0, firstWordEnd(persona)).toLowerCase();
    if (PERSONA_STOP_WORDS.has(firstWord) || ADVERBIAL_PERSONA_RE.test(persona)) continue;
    // "As the name has changed, we need …": a clause with a verb is a reason, not who the user is.
    if (FINITE_VERB_RE.test(persona)) continue;
    const personaStart = text.indexOf(persona, pStart);
    return {
      persona: { start: personaStart, end: personaStart + persona.length },
      want: { start: pStart + w.index, end: pStart + w.index + w[0].length },
      asIndex: m.index,
    };
  }
  AS_RE.lastIndex = 0;
  return null;
}

/** "I want to be able to X" => "X": the intent is what is wanted, not the wanting. */
function skipIntentLead(text: string, from: number, limit: number): number {
  const head = text.slice(from, Math.min(limit, from + 40));
  const m = /^\s*(?:to\s+)?(?:be\s+able\s+to\s+|have\s+the\s+ability\s+to\s+|to\s+)?/i.exec(head);
  return from + (m ? m[0].length : 0);
}

interface BenefitHit {
  markerStart: number;
  textStart: number;
}

function findBenefitMarker(
  text: string,
  from: number,
  to: number,
  weakToo: boolean,
  formless = false,
): BenefitHit | null {
  const region = text.slice(from, to);
  const strong = (formless ? FORMLESS_BENEFIT_RE : STRONG_BENEFIT_RE).exec(region);
  const hit = strong ?? (weakToo ? (WEAK_BENEFIT_RE.exec(region) ?? PURPOSE_TO_RE.exec(region)) : null);
  if (!hit) return null;
  let textStart = from + hit.index + hit[0].length;
  // "so that so that we can …" and "so that that …": a doubled marker is not part of the benefit.
  const again = /^\s*(?:so\s+that\b|so\b)/i.exec(text.slice(textStart, textStart + 12));
  if (again) textStart += again[0].length;
  return { markerStart: from + hit.index, textStart };
}

/** Benefit stated before the persona: "In order to X, as a Y, I want Z". */
function leadingBenefit(text: string, asIndex: number): Span | null {
  let ss = asIndex - 1;
  const floor = Math.max(0, asIndex - 500);
  while (ss > floor && !'.!?\n'.includes(text[ss - 1] as string)) ss--;
  const start = skipLeadingJunk(text, ss, asIndex);
  const lead = LEAD_BENEFIT_RE.exec(text.slice(start, asIndex));
  if (!lead) return null;
  return { start: start + lead[0].length, end: asIndex };
}

interface StoryParts {
  persona: string | null;
  intent: string | null;
  benefit: string | null;
  /** Where the story's own sentences end: later ones may state further expectations. */
  end: number;
}

function parseStoryForm(text: string, limit: number, stopAt: number): StoryParts {
  const form = findStoryForm(text, limit);
  if (form === null) return parseFormless(text, limit, stopAt);
  const persona = cleanSlice(text, form.persona.start, form.persona.end);
  // "I don't want to see X" must not read as wanting X: the intent keeps its negation.
  const negation = NEGATED_WANT_RE.exec(text.slice(form.want.start, form.want.end));
  const intentStart = negation
    ? form.want.start + negation.index
    : skipIntentLead(text, form.want.end, limit);
  const hardEnd = stopAt > form.want.end ? stopAt : limit;
  const sEnd = sentenceEnd(text, intentStart, hardEnd);
  let intentEnd = sEnd;
  let end = sEnd;
  let benefit: string | null = null;
  const hit = findBenefitMarker(text, intentStart, sEnd, true);
  if (hit) {
    intentEnd = hit.markerStart;
    // Whether a mark ends the sentence depends on the text around it, not on where the search starts: a benefit
    // that starts before sEnd's mark (most do) ends there too, and the text is not searched again.
    end = hit.textStart < sEnd ? sEnd : sentenceEnd(text, hit.textStart, hardEnd);
    benefit = cleanSlice(text, hit.textStart, end);
  } else {
    // "I want X. So that I can Y.", also as the next item of a list ("- so that I can Y").
    let j = sEnd;
    while (j < hardEnd && isSpace(text.charCodeAt(j))) j++;
    j += LIST_MARKER_RE.exec(text.slice(j, j + 8))?.[0].length ?? 0;
    const next = findBenefitMarker(text, j, Math.min(hardEnd, j + 16), false);
    if (next && next.markerStart === j) {
      end = sentenceEnd(text, next.textStart, hardEnd);
      benefit = cleanSlice(text, next.textStart, end);
    }
  }
  if (benefit === null) {
    const lead = leadingBenefit(text, form.asIndex);
    if (lead) benefit = cleanSlice(text, lead.start, lead.end);
  }
  return { persona, intent: cleanSlice(text, intentStart, intentEnd), benefit, end };
}

/**
 * No "As a …": only an explicit "I want" and an explicit purpose ("so that", "in order to", FORMLESS_BENEFIT_RE) are
 * taken, nothing guessed.
 */
function parseFormless(text: string, limit: number, stopAt: number): StoryParts {
  const start = skipLeadingJunk(text, 0, limit);
  const head = text.slice(start, Math.min(limit, start + 30));
  const want =
    /^(?:I|we)['’]d\s+like\b|^(?:I|we)\s+(?:would\s+like|want|need|wish)\b/i.exec(head) ??
    WANT_AFTER_CLAUSE_RE.exec(text.slice(start, Math.min(limit, start + 160)));
  const hardEnd = stopAt > start ? stopAt : limit;
  let intent: string | null = null;
  let benefit: string | null = null;
  let from = start;
  let to = sentenceEnd(text, start, hardEnd);
  let end = to;
  if (want) {
    from = skipIntentLead(text, start + want[0].length, limit);
  }
  // A want after a clause is a job story, a form of its own: its benefit is read as a story's ("so I know …").
  const clause = want?.[1];
  const situated = clause !== undefined;
  const hit = situated
    ? findBenefitMarker(text, from, to, true)
    : findBenefitMarker(text, from, to, false, true);
  if (hit) {
    end = sentenceEnd(text, hit.textStart, hardEnd);
    // "In order to X, <main clause>": the purpose leads, and the main clause after its comma is no part of it.
    const leads = !want && hit.markerStart === start + (LIST_MARKER_RE.exec(head)?.[0].length ?? 0);
    const comma = leads ? text.indexOf(',', hit.textStart) : -1;
    benefit = cleanSlice(text, hit.textStart, comma >= 0 && comma < end ? comma : end);
    to = hit.markerStart;
  }
  if (want) intent = cleanSlice(text, from, to);
  // "In order to plan my week, I want …": the clause before the want is its purpose.
  if (clause !== undefined && benefit === null) {
    const lead = findBenefitMarker(text, start, start + clause.length, false, true);
    if (lead?.markerStart === start) benefit = cleanSlice(text, lead.textStart, start + clause.length);
  }
  return { persona: null, intent, benefit, end };
}

/**
 * The want after a clause that opens the sentence: a job story's situation ("When I check out on mobile, I want to
 * pay with a saved card, so I can …"), a setting ("On mobile, I want …") or a purpose ("In order to plan my week, I
 * want …"). Group 1 is the clause, without its comma. Not "I need": after "When I log in on Safari," it is a bug
 * report's ("I need to enter my password twice").
 */
const WANT_AFTER_CLAUSE_RE =
  /^([^.!?\n,]{3,120}(?:,[^.!?\n,]{1,60})?),\s*(?:(?:I|we)['’]d\s+like\b|(?:I|we)\s+(?:would\s+like|want|wish)\b)/i;

// ---------------------------------------------------------------------------------------------
// Expected outcome
// ---------------------------------------------------------------------------------------------

const FROM_TO_RE = new RegExp(
  `\\bfrom\\s+(?:about\\s+|around\\s+|roughly\\s+|~)?${AMOUNT_SRC}\\s+(?:down\\s+|up\\s+)?to\\s+(?:about\\s+|around\\s+|~)?${AMOUNT_SRC}`,
  'i',
);
/**
 * The same movement without "from": with an arrow anywhere ("40% → 30%", "40% -> 30%"), or as "A to B" right after
 * the verb ("to fall 40% to 30%"); elsewhere "18 to 25" is a range ("users aged 18 to 25"), not a movement.
 */
const ARROW_RE = new RegExp(
  `${AMOUNT_SRC}\\s*(?:→|->|=>|⟶)\\s*(?:about\\s+|around\\s+|~)?${AMOUNT_SRC}`,
  'i',
);
const RANGE_AFTER_VERB_RE = new RegExp(
  `^\\s*(?:about\\s+|around\\s+|roughly\\s+|~)?${AMOUNT_SRC}\\s+to\\s+(?:about\\s+|around\\s+|~)?${AMOUNT_SRC}`,
  'i',
);
/** "(40% to 20%)", "(from 12% to 15%)": a range in brackets of its own says the movement wherever it stands. */
const BRACKETED_RANGE_RE = new RegExp(
  `\\(\\s*(?:from\\s+)?(?:about\\s+|around\\s+|roughly\\s+|~)?${AMOUNT_SRC}\\s+to\\s+(?:about\\s+|around\\s+|~)?${AMOUNT_SRC}\\s*\\)`,
  'i',
);
const TO_RE = new RegExp(
  `(?:\\b(?:to|below|under|above|over|reach|reaches|hit|hits|of|at)\\s+|[<>≤≥]=?\\s*)(?:about\\s+|around\\s+|~)?${AMOUNT_SRC}`,
  'i',
);
/** With no verb of movement, "to be 40", "should be at 70%": the target, unless the amount is a change ("be 5% higher"). */
const BE_TARGET_RE = new RegExp(
  `\\b(?:to|will|should|would|must)\\s+be\\s+(?:at\\s+)?(?:about\\s+|around\\s+|~)?${AMOUNT_SRC}(?!\\s*(?:[\\w%-]+\\s+)?(?:higher|lower|more|less|better|worse|up|down|faster|slower)\\b)`,
  'i',
);
/**
 * Today's value said with "at" or "currently": "currently at 40", "currently 40", "at 40 today" (or set apart,
 * AT_NOW_SET_APART_RE). A baseline, not where the metric should get to, so the target is looked for elsewhere
 * ("errors at 40 today to be 20").
 */
const AT_NOW_BEFORE_RE = new RegExp(
  `\\b(?:(?:currently|presently|now|today|still)\\s+(?:sits?\\s+|stands?\\s+)?at|currently|presently)\\s+(?:about\\s+|around\\s+|~)?${AMOUNT_SRC}`,
  'i',
);
/**
 * "(today 9)", "(now: 120 ms)", "(today 9 per day)", "today: 9,": today's value set apart, with at most two words
 * after it in its brackets ("(today 3 teams use it)" says something else), or alone up to the clause's end.
 */
const AT_NOW_SET_APART_RE = new RegExp(
  `\\(\\s*(?:today|now)(?:\\s*:\\s*|\\s+)(?:about\\s+|around\\s+|~)?${AMOUNT_SRC}(?=(?:\\s+[a-z/]+){0,2}\\s*\\))|\\b(?:today|now)\\s*:\\s*(?:about\\s+|around\\s+|~)?${AMOUNT_SRC}(?=\\s*(?:[),;]|\\.(?!\\d)|$))`,
  'i',
);
/** "at 40% today", and today's value said aside: "checkout time, about 90 seconds today, to fall". */
const AT_NOW_AFTER_RE = new RegExp(
  `(?:\\bat\\s+|,\\s*)(?:about\\s+|around\\s+|~)?${AMOUNT_SRC}(?=,?\\s+(?:today|now|currently|at\\s+present|at\\s+the\\s+moment)\\b)`,
  'i',
);

const FROM_RE = new RegExp(`\\bfrom\\s+(?:about\\s+|around\\s+|~)?${AMOUNT_SRC}`, 'i');
const BY_RE = new RegExp(`\\bby\\s+(?:about\\s+|around\\s+|~)?${AMOUNT_SRC}`, 'i');
const NUM_UNIT_RE = new RegExp(`(?:\\b|(?=${CURRENCY_SIGN_SRC}))${AMOUNT_SRC}`, 'i');
/**
 * "churn down from 5% to 4%", "sign-ups up by 20%": a bare "down" or "up" is a direction only before "from" or
 * "by" and a number, and not as part of a phrasal verb ("follow up by 5 May"). "Up to 10 files" is a limit.
 */
const BARE_DIRECTION = (word: 'up' | 'down') =>
  `(?<!\\b(?:follow|set|sign|round|scroll|go|come)\\s)${word}(?=\\s+(?:from|by)\\s+~?\\d)`;
/** The start of an amount: "~3", "$40", "2%". */
const AMOUNT_AHEAD = `(?:~|${CURRENCY_SIGN_SRC})?\\d`;
/**
 * After a verb that is a movement only before an amount ("jumps from 2% to 3%", "dips by 5%"): "jump to the cart"
 * and "dip into the archive" are not.
 */
const BEFORE_AMOUNT = `(?=\\s+(?:from|by|to)\\s+${AMOUNT_AHEAD})`;
const DECREASE_RE = new RegExp(
  String.raw`\b(?<!-)(?:reduce[sd]?|reducing|reductions?|fall(?:s|ing)?|fell|drop(?:s|ped|ping)?|cut(?:s|ting)?|lower(?:s|ed|ing)?|decrease[sd]?|decreasing|shrink(?:s|ing)?|decline[sd]?|declining|go(?:es)?\s+down|come\s+down|halve[sd]?|minimi[sz]e[sd]?|plummet(?:s|ed|ing)?|(?:sinks?|sank|sinking|dip(?:s|ped|ping)?)${BEFORE_AMOUNT}|${BARE_DIRECTION('down')})\b(?!-)`,
  'i',
);
const INCREASE_RE = new RegExp(
  String.raw`\b(?<!-)(?:increase[sd]?|increasing|raise[sd]?|raising|grow(?:s|n|ing|th)?|grew|rise[sn]?|rising|rose|boost(?:s|ed|ing)?|go(?:es)?\s+up|lift(?:s|ed|ing)?|double[sd]?|maximi[sz]e[sd]?|climb(?:s|ed|ing)?|soar(?:s|ed|ing)?|(?:jump(?:s|ed|ing)?|surge[sd]?|surging)${BEFORE_AMOUNT}|${BARE_DIRECTION('up')})\b(?!-)`,
  'i',
);
/**
 * A movement that names no way: "improve", "optimise", "get better" are said of a bounce rate that should fall and
 * of a conversion that should rise alike, as "goes", "moves" or "changes from 2% to 3%". It reads the metric as a
 * direction word does; the numbers give the way.
 */
const NEUTRAL_MOVE_RE = new RegExp(
  String.raw`\b(?<!-)(?:improve[sd]?|improving|improvements?|optimi[sz]e[sd]?|optimi[sz]ing|(?:get|gets|getting|got|do|does|doing)\s+better|(?:go(?:es)?|went|gone|going|move[sd]?|moving|change[sd]?|changing)(?=\s+from\s+${AMOUNT_AHEAD}))\b(?!-)`,
  'i',
);
/** The movement words and the way each names. */
const MOVEMENTS: ReadonlyArray<[RegExp, 'increase' | 'decrease' | null]> = [
  [DECREASE_RE, 'decrease'],
  [INCREASE_RE, 'increase'],
  [NEUTRAL_MOVE_RE, null],
];
/** "in conversion", "of 5% in churn": where a movement said as a noun names its metric. */
const NOUN_FORM_RE = new RegExp(`^(?:of\\s+${NUMBER_SRC}\\s?(?:${UNIT_SRC})?\\s+)?in\\s+`, 'i');
/** "a 20%", "an 8 percent": an amount that comes before a movement said as a noun. */
const RELATIVE_AMOUNT_RE = new RegExp(`^(?:an?\\s+)?${AMOUNT_SRC}$`, 'i');
const LEAD_NUMBER_RE = new RegExp(`^${AMOUNT_SRC}\\s*`, 'i');
/** A bound before an amount, after a verb's object: "raise refunds above 1%", "keep waits under 5 minutes". */
const BOUND_AFTER_OBJECT_RE = new RegExp(`\\s(?:above|below|under|over|beyond)\\s+(?=${AMOUNT_AHEAD})`, 'i');
/** "from 20%", "to 10%", "by 20%": the numbers of a movement ("by 2027-06-30" is a date). */
const AMOUNT_FROM_OR_TO_RE = new RegExp(
  `\\b(?:(?:from|to)\\s+(?:about\\s+|around\\s+|~)?${AMOUNT_AHEAD}|by\\s+(?:about\\s+|around\\s+|~)?\\d+(?:[.,]\\d+)?\\s?(?:%|pp\\b|points?\\b|percent))`,
  'i',
);
/** A number said with the metric, at the end of the subject: "monthly churn of 5%". */
const OF_NUMBER_AT_END_RE = new RegExp(`\\bof\\s+(?:about\\s+|around\\s+|~)?${AMOUNT_SRC}$`, 'i');
/**
 * What follows an intransitive verb and is not its object: how much or how fast, when, where, compared with what
 * ("rise significantly", "double next quarter", "fall below 30%", "decrease over time").
 */
const NOT_AN_OBJECT_RE =
  /^(?:(?!(?:supp|rep|assemb|fami|dai|week|month|quarter|year|hour|night|ear|friend)ly\b)\w+ly\b|(?:further|again|overall|even|still|back|instead|first|this|next|each|every|per|times|fold)\b|in\s+half\b|(?:two|three|four|five|ten|\d+)[- ]?fold\b|(?:day|week|month|quarter|year)\s+(?:over|on)\s+(?:day|week|month|quarter|year)\b|(?:below|under|above|over|around|about|within|during|after|before|across|among|when|while|if|once|because|since|until|through|throughout|towards?|beyond|up|down|off|out|away)\b|a\s+(?:lot|bit|little)\b)/i;
/** A subject that is the change itself or who makes it, not a metric: the metric is the verb's object. */
const SUBJECT_PRONOUN_RE =
  /^(?:an?|the|this|that|it|these|they|we|i|you|he|she|the\s+(?:change|feature|story|work|button)|this\s+(?:change|feature|story|work|button))$/i;
/**
 * The verb follows a clause, not a subject: "…, reducing abandonment", "…, which cuts drop-off", "…; thereby
 * raising conversion". What comes before says what changes; the metric is the verb's object.
 */
/** A negation right before a movement's verb: "not", "not to", "never", "won't", "should not". */
const NEGATION_BEFORE_RE = /\b(?:not|never|without|\w+n['’]t)\s+(?:to\s+|be\s+)?$/i;
const CLAUSE_BEFORE_VERB_RE = /(?:[,;:\u2013\u2014]|\s-|\b(?:which|thereby|thus|in\s+turn))\s*$/i;
/**
 * People as a subject: who moves a metric ("users to cut checkout time from 90 to 60 s"), or the metric itself
 * when nothing follows the verb but numbers ("users to increase from 100 to 150").
 */
const PEOPLE_SUBJECT_RE =
  /^(?:(?:the|our|more|most|all|many|new|returning)\s+)?(?:users?|customers?|shoppers?|visitors?|people|members?|admins?|clients?|buyers?|readers?|players?|students?|teams?)$/i;
const DATE_LEAD = '\\b(?:by|before|until|till|on|in|no\\s+later\\s+than)\\s+(?:the\\s+)?(?:end\\s+of\\s+)?';
const ISO_DATE_RE = new RegExp(`${DATE_LEAD}(\\d{4})([-/.])(\\d{1,2})\\2(\\d{1,2})\\b`, 'i');
/** "31/12/2027", "31.12.27", "12-31-2027": a day and month in numbers, in an order the separator may not tell. */
const NUMERIC_DATE_RE = new RegExp(
  `${DATE_LEAD}(\\d{1,2})([-/.])(\\d{1,2})\\2(\\d{4}|\\d{2})(?![\\d.,]*\\d)`,
  'i',
);
/** "1 March", "1st of March 2027", "30-Jun-2027", "30 June '27": 1 day, 2 month, 3 year or 4 a year's last two digits. */
const DAY_MONTH_RE = new RegExp(
  `${DATE_LEAD}(\\d{1,2})(?:st|nd|rd|th)?(?:\\s+(?:of\\s+)?|-)(${MONTH_SRC})\\b\\.?(?:(?:,?\\s+|-)(\\d{4})\\b|\\s*['’](\\d{2})\\b)?`,
  'i',
);
const MONTH_DAY_RE = new RegExp(
  `${DATE_LEAD}(${MONTH_SRC})\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?\\b(?:,?\\s+(\\d{4})\\b)?`,
  'i',
);
/** "March 2027", "Jun-2027", "March '27": 1 month, 2 year or 3 a year's last two digits. */
const MONTH_YEAR_RE = new RegExp(
  `${DATE_LEAD}(${MONTH_SRC})\\.?(?:(?:\\s+|-)(\\d{4})\\b|\\s*['’](\\d{2})\\b)`,
  'i',
);
/** "by March", "by the end of June": a month alone, whose last day is the check-by ("may" only as "May"). */
const MONTH_ONLY_RE = new RegExp(`${DATE_LEAD}(${MONTH_SRC})\\b\\.?(?!\\s*(?:\\d|-))`, 'i');
/**
 * "by 2027", "in 2027", "by the end of 2027", "by end 2027": a year alone, whose last day is the check-by. Only this
 * century's years, and only where the clause or a phrase ends: before a unit, a sign, a bracket or a word ("by
 * 2000ms", "by 2000 €", "by 2000 users", "in the 2020s") it is an amount or a decade. "at the latest" may follow.
 * resolveCheckBy keeps it to this year and later: "(as in 2025)" or "grow by 2000" names no deadline.
 */
const YEAR_ONLY_RE =
  /\b(?:by|before|until|till|in|no\s+later\s+than)\s+(?:the\s+)?(?:end\s+(?:of\s+)?)?(20\d{2})(?=$|[\s.,;:!?)])(?!\.\d)(?!\s*[%‰°$€£¥(+])(?!\s+(?!at\s+the\s+latest\b)[\p{L}\d])/iu;
/**
 * "by the end of the year", "by year end", "by year's end", "by EOY", "by the end of next year", "by next year" (which
 * ends when next year does, as "by 2027" ends with 2027): counted from today's year, unless a year follows ("by EOY
 * 2027"). Not after "in": "errors in year-end closing" names a task, not a date. Not before a possessive: "at next
 * year's conference", "by next year's offsite" name an event of that year, on a day not said.
 */
const YEAR_END_RE =
  /\b(?:by|before|until|till|at|no\s+later\s+than)\s+(?:the\s+)?(?:end\s+of\s+(?:the\s+|this\s+|(next)\s+)?(?:calendar\s+)?year|(?:this\s+|(next)\s+)?year(?:['’]s\s+|[-\s]?)end|eoy|(next)\s+year(?![-\s]?end))\b(?!['’]s\b)(?:\s+(?:of\s+)?(20\d{2})\b)?/i;

/** The period said after "before" in a reading's match ("before the March 2027" says "March 2027"). */
function saidAfterBefore(hit: string): string {
  return hit.replace(/^\s*before\s+(?:the\s+)?/i, '').trim();
}

function resolveCheckBy(clause: string, now: Date | undefined): CheckBy {
  const today = now === undefined ? null : dayOf(now);
  const iso = ISO_DATE_RE.exec(clause);
  if (iso) {
    const [y, mo, d] = [Number(iso[1]), Number(iso[3]), Number(iso[4])];
    return isValidDay(y, mo, d)
      ? { value: formatDay(y, mo, d), note: null }
      : { value: null, note: `The check-by date "${iso[0].slice(iso[0].search(/\d/))}" is not a real day.` };
  }
  const numeric = NUMERIC_DATE_RE.exec(clause);
  if (numeric) return numericCheckBy(numeric, today);
  const dm = DAY_MONTH_RE.exec(clause);
  const md = dm ? null : MONTH_DAY_RE.exec(clause);
  if (dm || md) {
    const hit = (dm ?? md) as RegExpExecArray;
    const day = Number(dm ? dm[1] : (md as RegExpExecArray)[2]);
    const month = monthFromName((dm ? dm[2] : (md as RegExpExecArray)[1]) ?? '') ?? 0;
    const yearRaw = dm?.[4] === undefined ? hit[3] : `20${dm[4]}`;
    const said = hit[0].replace(/^\S+\s+/, '').trim();
    if (yearRaw !== undefined) {
      const year = Number(yearRaw);
      return isValidDay(year, month, day)
        ? { value: formatDay(year, month, day), note: null }
        : { value: null, note: `The check-by date "${said}" is not a real day.` };
    }
    if (now === undefined) {
      return {
        value: null,
        note: `The check-by date "${said}" has no year; it is left open (no reference date was given).`,
      };
    }
    const next = nextOccurrence(month, day, now);
    return next === null
      ? { value: null, note: `The check-by date "${said}" could not be resolved.` }
      : { value: next, note: null };
  }
  const my = MONTH_YEAR_RE.exec(clause);
  if (my) {
    const month = monthFromName(my[1] ?? '') ?? 0;
    const year = my[2] === undefined ? 2000 + Number(my[3]) : Number(my[2]);
    if (month >= 1 && year >= 1000 && year <= 9999) {
      if (BEFORE_PERIOD_RE.test(my[0]))
        return dayBeforePeriod(saidAfterBefore(my[0]), formatDay(year, month, 1), today);
      return { value: formatDay(year, month, daysInMonth(year, month)), note: null };
    }
  }
  const mo = MONTH_ONLY_RE.exec(clause);
  if (mo && mo[1] !== 'may' && mo[1] !== 'MAY') {
    const month = monthFromName(mo[1]!) ?? 0;
    const said = mo[0]
      .replace(/^\S+\s+/, '')
      .replace(/\.$/, '')
      .trim();
    if (now === undefined)
      return { value: null, note: `The check-by month "${said}" has no year; it is left open.` };
    const end = nextMonthEnd(month, now);
    if (end !== null && BEFORE_PERIOD_RE.test(mo[0]))
      return dayBeforePeriod(said, formatDay(Number(end.slice(0, 4)), month, 1), today, true);
    if (end !== null) return { value: end, note: null };
  }
  // A quarter, a half, a fiscal year, the middle of a year ("Q3 2027", "H1 2027", "FY27", "mid-2027"); "Q5 2027" is a
  // slip, not a time to check: said, as a day that does not exist is. One already over, with "within 6 months" said
  // last, says when something was ("churn, which peaked in mid-2024, to fall … within 6 months").
  const period = periodCheckBy(clause, now);
  const over = period?.value && today !== null && period.value < today;
  if (period !== null && !(over && RELATIVE_CHECK_BY_RE.test(clause))) return period;
  const yearEnd = YEAR_END_RE.exec(clause);
  if (yearEnd?.[4] !== undefined) return { value: formatDay(Number(yearEnd[4]), 12, 31), note: null };
  // "within 6 months" is said last and counted from today: a year named earlier in the clause is not the check-by.
  const relative = RELATIVE_CHECK_BY_RE.exec(clause);
  if (relative) return relativeCheckBy(relative, now);
  if (yearEnd) {
    if (now === undefined)
      return {
        value: null,
        note: `The check-by date "${yearEnd[0].replace(/^\S+\s+/, '')}" is counted from a day, and none was given; it is left open.`,
      };
    // "before next year" (yearEnd[3]) is the day before it begins: this year's last.
    const next = yearEnd[1] ?? yearEnd[2] ?? (BEFORE_PERIOD_RE.test(yearEnd[0]) ? undefined : yearEnd[3]);
    return { value: formatDay(now.getUTCFullYear() + (next ? 1 : 0), 12, 31), note: null };
  }
  // A year before this one is more likely a number ("grow by 2000") than a deadline that has passed.
  const year = YEAR_ONLY_RE.exec(clause);
  if (year && (now === undefined || Number(year[1]) >= now.getUTCFullYear())) {
    if (BEFORE_PERIOD_RE.test(year[0]))
      return dayBeforePeriod(year[1]!, formatDay(Number(year[1]), 1, 1), today);
    return { value: formatDay(Number(year[1]), 12, 31), note: null };
  }
  // "by next month", "by Christmas", "before the next release": a deadline said, but no day the app can check by.
  const unread = UNREAD_DEADLINE_RE.exec(clause) ?? UNREAD_COUNTED_DEADLINE_RE.exec(clause);
  if (unread)
    return {
      value: null,
      note: `"${unread[0].trim()}" names no day the app can check by; write the check-by day (YYYY-MM-DD).`,
    };
  return { value: null, note: null };
}

/**
 * A deadline said in words resolveCheckBy reads no day from: a week, month, sprint or release counted from today,
 * a holiday, a day relative to today. Tried last, after every reading that gives a day. One that names what the
 * task is about ("by next year's offsite") is no deadline, as in deadline-phrases.ts.
 */
const UNREAD_DEADLINE_RE =
  /\b(?:by|before|until|till|no\s+later\s+than|in\s+time\s+for)\s+(?:(?:the\s+)?(?:end\s+of\s+)?(?:the\s+)?(?:next|this|coming|following|upcoming|current)\s+(?:week|month|year|sprint|release|iteration|increment|season|launch|milestone|holidays?|pi)\b|(?:the\s+)?end\s+of\s+(?:the\s+)?(?:week|month|year|sprint|release|day)\b|(?:tomorrow|today|tonight|christmas|xmas|easter|thanksgiving|black\s+friday|new\s+year|eo[dwmy])\b|(?:the\s+)?(?:next|upcoming|coming)\s+(?:release|launch|version|milestone|sprint|iteration|major\s+release)\b)(?!['’]s\b)/i;

/**
 * A weekday, a week or sprint number, or a count of sprints: a deadline said on a calendar the app does not know
 * ("by next Friday", "by week 12", "by sprint 14", "within 3 sprints").
 */
const UNREAD_COUNTED_DEADLINE_RE =
  /\b(?:(?:by|before|until|till|no\s+later\s+than)\s+(?:(?:next|this|the\s+coming)\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|(?:week|sprint|iteration|pi)\s+\d{1,3})|(?:within|in)\s+(?:\d{1,2}|an?|one|two|three|four|five|six|a\s+few)\s+(?:sprints?|iterations?|releases?|pis?|program\s+increments?))\b/i;

/** "within 3 months", "in two weeks": counted from today. */
function relativeCheckBy(relative: RegExpExecArray, now: Date | undefined): CheckBy {
  const said = relative[0].replace(/[\s.!?]+$/, '');
  // "within 0 months" would be today: no time for anything to move.
  if (Number(relative[1]) === 0)
    return {
      value: null,
      note: `The check-by date "${said}" leaves no time to measure; say when to check.`,
    };
  if (now === undefined)
    return {
      value: null,
      note: `The check-by date "${said}" is counted from a day, and none was given; it is left open.`,
    };
  const count = COUNT_WORDS[relative[1]!.toLowerCase()] ?? Number(relative[1]);
  return { value: dayAfter(now, count, relative[2]!.toLowerCase()), note: null };
}

/**
 * A date in numbers: "31/12/2027" can only be day first, "12/31/2027" only month first, and "03/04/2027" is
 * either, so it is left open with a note rather than guessed; with dots it is day first ("01.03.2027").
 */
function numericCheckBy(hit: RegExpExecArray, today: string | null): CheckBy {
  const said = hit[0].replace(/^\S+\s+/, '').trim();
  const [a, b] = [Number(hit[1]), Number(hit[3])];
  const year = hit[4]!.length === 2 ? 2000 + Number(hit[4]) : Number(hit[4]);
  const dayFirst = isValidDay(year, b, a);
  const monthFirst = isValidDay(year, a, b);
  const iso = (month: number, day: number) => formatDay(year, month, day);
  // "27-06-30" with dashes reads as ISO's order too, year first (2027-06-30): left open, like day against month,
  // unless that year has passed.
  const [yearFirst, lastDay] = [2000 + a, Number(hit[4])];
  const yearFirstDay =
    hit[2] === '-' && hit[4]!.length === 2 && a !== lastDay && isValidDay(yearFirst, b, lastDay)
      ? formatDay(yearFirst, b, lastDay)
      : null;
  if (dayFirst && yearFirstDay && (today === null || yearFirstDay >= today))
    return {
      value: null,
      note: `The check-by date "${said}" could be ${iso(b, a)} or ${yearFirstDay}; write it as one of those.`,
    };
  if (dayFirst && monthFirst && a !== b && hit[2] !== '.')
    return {
      value: null,
      note: `The check-by date "${said}" could be ${iso(b, a)} or ${iso(a, b)}; write it as one of those.`,
    };
  if (dayFirst) return { value: iso(b, a), note: null };
  // Only month first can be meant, whatever the separator ("12.31.2027").
  if (monthFirst) return { value: iso(a, b), note: null };
  return { value: null, note: `The check-by date "${said}" is not a real day.` };
}

/**
 * "within 3 months", "in the next six weeks", "within two quarters" at the end of the expectation: a check-by counted
 * from today. Only at the end, where it says when to look; "resolved within 2 days to rise from 50% to 70%" is part
 * of the metric.
 */
const RELATIVE_CHECK_BY_RE =
  /\b(?:within|in|inside)\s+(?:the\s+next\s+)?(\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+(day|week|month|quarter|year)s?\s*[.!]?\s*$/i;
const COUNT_WORDS: Readonly<Record<string, number>> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
};

/** The day `count` days, weeks, months, quarters or years after `now` (UTC); a month too short keeps its last day. */
function dayAfter(now: Date, count: number, unit: string): string {
  if (unit === 'day' || unit === 'week') return addDays(dayOf(now)!, count * (unit === 'week' ? 7 : 1));
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth() + 1;
  const day = now.getUTCDate();
  const months = month - 1 + count * (unit === 'year' ? 12 : unit === 'quarter' ? 3 : 1);
  const y = year + Math.floor(months / 12);
  const m = (months % 12) + 1;
  return formatDay(y, m, Math.min(day, daysInMonth(y, m)));
}

/** A metric is a noun phrase: one that starts with a preposition or a verb is the rest of a sentence. */
const NOT_A_METRIC_START = /^(?:of|to|by|from|at|in|on|for|with|as|than|is|are|was|were|be|been)\b/i;

/** Words that only glue the metric to the sentence: "our", "the", "current". */
function stripDeterminers(phrase: string): string {
  // "a better bounce rate": "better" says the wish, not the metric.
  return phrase.replace(
    /^(?:(?:our|the|its|their|your|my|this|that|a|an|current|overall|total|better|improved)\s+)+/i,
    '',
  );
}

const METRIC_CUT_RE =
  /(?:^|\s)(?:and|by|from|to|will|would|should|could|can|may|might|is|are|was|of\s+\d|in|within|before|after|until|on|at|for|because|so)\b|[,;:.!?()]/gi;

/**
 * Cuts a metric phrase at the first word that starts another part of the sentence. A phrase that starts
 * with such a word ("by 10%", "of \"588302\"") names no metric, and neither does one without a word.
 */
function metricPhrase(raw: string): string | null {
  METRIC_CUT_RE.lastIndex = 0;
  let cut = METRIC_CUT_RE.exec(raw);
  // "avg. order value": an abbreviation's full stop is part of the metric, as is a quoted name ("'add to cart'
  // clicks") and the joining word of a compound name ("time to market", "return on ad spend").
  while (
    cut !== null &&
    ((cut[0] === '.' && endsAbbreviation(raw, cut.index)) ||
      insideQuotes(raw, cut.index) ||
      joinsCompoundName(raw, cut))
  )
    cut = METRIC_CUT_RE.exec(raw);
  METRIC_CUT_RE.lastIndex = 0;
  const named = stripDeterminers((cut ? raw.slice(0, cut.index) : raw).trim()).trim();
  // A phrase too long to be a name is refused below without reading it further.
  const phrase = named.length > 120 ? named : withoutRelativeChange(named);
  if (phrase.length > 80 || !/\p{L}{2}/u.test(phrase) || NOT_A_METRIC_START.test(phrase)) return null;
  return phrase;
}

/**
 * A change said beside the metric's name, signed or in points ("conversion +3 pp", "+3 pp conversion", "conversion
 * up 3 percentage points"): how far it should move, not what is measured. A number without a sign or points stays
 * part of the name ("day 7 retention", "top 10 hit rate").
 */
const POINTS_SRC = '(?:pp|pts?|points?|percentage\\s+points?|percent)\\b|%';
const RELATIVE_CHANGE_SRC = `(?:[-+\u2212\u00b1]\\s?\\d+(?:[.,]\\d+)?\\s?(?:${POINTS_SRC})?|\\d+(?:[.,]\\d+)?\\s?(?:pp|percentage\\s+points?)\\b)`;
const RELATIVE_CHANGE_BEFORE_RE = new RegExp(`^${RELATIVE_CHANGE_SRC}\\s+`, 'i');
const RELATIVE_CHANGE_AFTER_RE = new RegExp(
  `\\s+(?:(?:up|down)\\s+(?:by\\s+)?\\d+(?:[.,]\\d+)?\\s?(?:${POINTS_SRC})?|${RELATIVE_CHANGE_SRC})$`,
  'i',
);

/** The metric's name without a change said beside it (RELATIVE_CHANGE_SRC). */
function withoutRelativeChange(phrase: string): string {
  return phrase.replace(RELATIVE_CHANGE_BEFORE_RE, '').replace(RELATIVE_CHANGE_AFTER_RE, '');
}

/** Whether `at` is inside a quoted name: after an opening quote whose closing quote comes later. */
const CLOSING_QUOTE: Record<string, string> = { '"': '"', '“': '”', '‘': '’', "'": "'" };
function insideQuotes(raw: string, at: number): boolean {
  let close: string | null = null;
  for (let i = 0; i < at; i++) {
    const c = raw.charAt(i);
    if (close !== null) {
      if (c === close) close = null;
    } else if (c in CLOSING_QUOTE && (i === 0 || /\s/.test(raw.charAt(i - 1)))) close = CLOSING_QUOTE[c]!;
  }
  return close !== null && raw.indexOf(close, at) >= 0;
}

/**
 * "time to market", "time on site", "return on ad spend", "sign-ups from organic search": a preposition between
 * words of one name, not before the movement ("time to fall") or the numbers ("from 10%", "from the current 10%").
 */
const COMPOUND_HEAD_RE = /(?:^|\s)(?:time|return|revenue|sign-?ups?|visits?|traffic|leads?)$/i;
const AFTER_JOIN_RE =
  /^\s+(?!(?:the|our|its|their|a|an|current|today|now|about|around|roughly|be|go|come|get|stay|remain|reach|hit)\b)[a-z][\w-]*/i;
function joinsCompoundName(raw: string, cut: RegExpExecArray): boolean {
  const word = cut[0].trim().toLowerCase();
  if (word !== 'to' && word !== 'on' && word !== 'in' && word !== 'from') return false;
  if (!COMPOUND_HEAD_RE.test(raw.slice(0, cut.index))) return false;
  const next = AFTER_JOIN_RE.exec(raw.slice(cut.index + cut[0].length));
  return (
    next !== null &&
    !INCREASE_RE.test(next[0]) &&
    !DECREASE_RE.test(next[0]) &&
    !NEUTRAL_MOVE_RE.test(next[0])
  );
}

interface OutcomeResult {
  outcome: ParsedExpectedOutcome | null;
  notes: string[];
  /** Further metrics of a shared subject or object ("drop-off and support tickets to fall below 2%"). */
  also?: string[];
  /** A further target of the same metric: a milestone or a stretch goal (furtherTarget). */
  further?: ParsedExpectedOutcome;
  /** Read with ExpectationReading.numbered and stated with no number: not kept, and not noted. */
  unnumbered?: true;
}

/** Where a list of metric names ends: the first word that starts another part of the sentence. */
const LIST_END_RE =
  /(?:^|\s)(?:by|from|to|will|would|should|could|can|may|might|is|are|was|of\s+\d|in|within|before|after|until|on|at|for|because|so)\b|[;:.!?()]/i;
const LIST_JOIN_RE = /\s*,\s*(?:and\s+)?|\s+(?:and|&)\s+/;
/** A metric's name in a list: a few words, none that starts a clause ("users who add and save items"). */
const LISTED_NAME_RE = /^[\p{L}\p{N}][\p{L}\p{N}\s'’/-]*$/u;
const CLAUSE_WORD_RE = /\b(?:who|that|which|where|when|if|than|as|not)\b/i;
/** Today's value said between commas ("tickets, currently 400, to drop"), or a bare number: no metric's name. */
const VALUE_ASIDE_RE =
  /^(?:currently|now|today|presently|at\s+present|about|around|roughly|approximately|some)\b|\b(?:today|now|currently|at\s+present)$|^[-+−]?\d[\d.,]*$/i;
const MAX_LISTED_WORDS = 5;

/** The numbers come next: "by 10%", "below 2%", "from 40% to 30%". */
const NUMBERS_NEXT_RE = new RegExp(
  `^\\s*(?:(?:by|to|from|below|under|above|over|at|of|less\\s+than|more\\s+than)\\s+)?(?:about\\s+|around\\s+|~)?[<>≤≥]?=?\\s?[-+−]?(?:${CURRENCY_SRC}\\s?)?\\d`,
  'i',
);

/**
 * The metrics listed after `first` in a subject or object ("cart drop-off and support tickets"), or none when
 * the words are not a plain list of names or the numbers do not follow it (`numbers`: where they should start, or
 * null for right after the list), so they may be said of each.
 */
function listedAfter(raw: string, first: string, numbers: string | null): string[] {
  const end = LIST_END_RE.exec(raw);
  if (!NUMBERS_NEXT_RE.test(numbers ?? (end ? raw.slice(end.index) : ''))) return [];
  const items = (end ? raw.slice(0, end.index) : raw)
    .split(LIST_JOIN_RE)
    .map((item) => stripDeterminers(item.trim()))
    .filter((item) => item.length > 0);
  if (items.length < 2 || items[0] !== first) return [];
  const isName = (item: string) =>
    LISTED_NAME_RE.test(item) &&
    !CLAUSE_WORD_RE.test(item) &&
    !NOT_A_METRIC_START.test(item) &&
    !VALUE_ASIDE_RE.test(item) &&
    item.split(/\s+/).length <= MAX_LISTED_WORDS;
  return items.every(isName) ? items.slice(1, MAX_EXPECTATIONS) : [];
}

/**
 * Where one expectation ends and the next begins: an "and" (or ";") whose own part names a change of its own,
 * as in "reduce our drop-off rate and increase return-shopper conversion by 10 percent", "… and conversion
 * to rise" or a list ("drop-off to fall …, conversion to rise … and basket size to rise …"). An "and" or a comma
 * inside a metric ("drop-off and bounce rate") or a date ("March 1, 2027") has no change word after it and does
 * not split.
 */
// Starts with a literal so a run of spaces cannot make it backtrack; the spaces around are trimmed later.
// "without raising refunds …" starts a part and stays in it (an empty match): the negation is the part's own.
const PART_JOIN_RE =
  /(?:;|\band\b|\bwhil(?:e|st)\b|\bas well as\b|,[ \t]{0,3}also\b|,(?=[ \t]))(?:[ \t]{1,3}also\b)?(?:[ \t]{1,3}to\b)?|(?=\bwithout\s+\w+ing\b)/gi;

/**
 * Words that open a sentence or a part and name no metric: "Also, churn should fall …", "Meanwhile churn …",
 * "Secondly, …", ", but churn …". "First", "next", "plus" and other "-ly" words only with their comma: without one
 * they may open a name ("first response time", "monthly churn", "Plus members").
 */
const OPENING_WORDS_RE =
  /^(?:(?:also|additionally|furthermore|moreover|besides|likewise|similarly|meanwhile|finally|lastly|(?:first|second|third)ly|then|and|but|yet)\b(?![-'’])|(?:\p{L}+ly|first|second|third|next|plus|in\s+addition|on\s+top\s+of\s+that|at\s+the\s+same\s+time|in\s+parallel|beyond\s+that|what\s+is\s+more|what['’]s\s+more)\s*,)[\s,]*/iu;
/** After a join, ", plus NPS to rise …" and ", with abandonment falling …" join the part, not name its metric. */
const JOINING_WORDS_RE = /^(?:plus|(?:along\s+|together\s+)?with)\b(?![-'’])\s*/i;
/** "and we expect churn to fall …", ", and expect churn …": the expecting said again is no part of the metric. */
const EXPECT_AGAIN_RE = /^(?:(?:we|I)\s+(?:also\s+|would\s+|further\s+)?)?expects?\b(?:\s+that\b)?\s*/i;

/**
 * Where the words that open a sentence or part end (`joined`: a part split off the one before). A few are read,
 * each within a short window, so a text full of them stays linear.
 */
function afterOpeningWords(text: string, from: number, to: number, joined: boolean): number {
  let i = from;
  for (let guard = 0; guard < 3; guard++) {
    while (i < to && isSpace(text.charCodeAt(i))) i++;
    const head = text.slice(i, Math.min(to, i + 40));
    const m =
      OPENING_WORDS_RE.exec(head) ??
      (joined ? JOINING_WORDS_RE.exec(head) : null) ??
      EXPECT_AGAIN_RE.exec(head);
    if (m === null || m[0].length === 0) break;
    i += m[0].length;
  }
  return i;
}

/** A part that starts with its numbers, not with a metric: "from 10% to 15%", "by 5 points", "to 15%". */
const STARTS_WITH_NUMBERS_RE = new RegExp(
  `^[\\s,]*(?:(?:from|by|to|of|below|under|above|over|at|about|around|roughly)\\s+)*(?:~|[<>≤≥]=?)?\\s?[-+−]?(?:${CURRENCY_SRC}\\s?)?\\d`,
  'i',
);

/** Bounds on the split: a clause longer than this, or with more parts, is not a list of expectations. */
const MAX_SPLIT_CHARS = 2000;
const MAX_EXPECTATIONS = 8;
const PART_WINDOW = 300;

/** A part that names a change: a direction word, or its own range ("conversion from 2% to 3%", "2% → 3%"). */
function namesChange(text: string): boolean {
  return (
    DECREASE_RE.test(text) ||
    INCREASE_RE.test(text) ||
    NEUTRAL_MOVE_RE.test(text) ||
    FROM_TO_RE.test(text) ||
    ARROW_RE.test(text)
  );
}

function splitExpectations(clause: string): string[] {
  const parts: string[] = [];
  const changes = namesChange;
  const scan = clause.length > MAX_SPLIT_CHARS ? clause.slice(0, MAX_SPLIT_CHARS) : clause;
  let start = 0;
  PART_JOIN_RE.lastIndex = 0;
  for (let m = PART_JOIN_RE.exec(scan); m !== null; m = PART_JOIN_RE.exec(scan)) {
    if (m[0].length === 0) PART_JOIN_RE.lastIndex++;
    // A join among the words left out at the start of the part before it joins nothing.
    if (m.index < start || m.index === 0) continue;
    // Each side is read within a short window, so the split stays linear in the clause.
    const before = clause.slice(Math.max(start, m.index - PART_WINDOW), m.index);
    const rest = clause.slice(m.index + m[0].length, m.index + m[0].length + PART_WINDOW);
    // The next join, past a "without" this part starts with.
    const nextJoin = rest.search(/\band\b|\bwhil(?:e|st)\b|\bas well as\b|(?<=.)\bwithout\b|;|,(?=[ \t])/i);
    const after = nextJoin < 0 ? rest : rest.slice(0, nextJoin);
    // ", from 10% to 15%" or ", by 5 points" goes on the movement before it: a part of its own names its metric.
    // "without increasing refunds" with no bound of its own is a manner of the movement, not a limit to keep.
    const split = m[0].length > 0 || TO_RE.test(after) || FROM_RE.test(after);
    if (split && changes(before) && changes(after) && !STARTS_WITH_NUMBERS_RE.test(after)) {
      parts.push(clause.slice(start, m.index).replace(/[\s,]+$/, ''));
      // ", but churn to fall …": the words that join the part are not its metric's.
      start = afterOpeningWords(clause, m.index + m[0].length, clause.length, true);
      if (parts.length === MAX_EXPECTATIONS - 1) break;
    }
  }
  PART_JOIN_RE.lastIndex = 0;
  parts.push(clause.slice(start));
  return parts;
}

interface OutcomesResult {
  outcomes: ParsedExpectedOutcome[];
  notes: string[];
}

/** Every expectation in the clause; a date said once at the end ("… by 1 March") holds for each part. */
function parseExpectations(
  clause: string,
  now: Date | undefined,
  reading: ExpectationReading = { label: null },
): OutcomesResult {
  const parts = splitExpectations(clause);
  if (parts.length === 1) {
    const one = parseExpectation(clause, now, reading);
    return { outcomes: withListed(one), notes: one.notes };
  }
  const shared = resolveCheckBy(parts[parts.length - 1]!, now).value;
  const outcomes: ParsedExpectedOutcome[] = [];
  const notes: string[] = [];
  for (const part of parts) {
    const res = parseExpectation(part, now, reading, shared);
    if (res.unnumbered) continue;
    notes.push(...res.notes.filter((n) => !n.startsWith('A "We expect')));
    if (res.outcome) for (const o of withListed(res)) outcomes.push({ ...o, checkBy: o.checkBy ?? shared });
    else
      notes.push(
        `The part "${part.trim().slice(0, 80)}" names no metric that could be read; it is not kept.`,
      );
  }
  return { outcomes, notes };
}

/**
 * A stretch goal in the sentence right after an expectation ("… to 3% by June. Stretch: 4%."), as an expectation
 * of its own from the last range read; one it cannot keep is named in `notes`. Null where there is none.
 */
function stretchAfter(
  text: string,
  from: number,
  limit: number,
  read: readonly ParsedExpectedOutcome[],
  now: Date | undefined,
  notes: string[],
): ParsedExpectedOutcome | null {
  let s = from;
  while (s < limit && isSpace(text.charCodeAt(s))) s++;
  if (s >= limit) return null;
  const sentence = text.slice(s, Math.max(s + 1, sentenceEnd(text, s, limit)));
  const amount = STRETCH_SENTENCE_RE.exec(sentence);
  if (amount === null) return null;
  const range = [...read].reverse().find((o) => o.baseline !== null && o.target !== null);
  if (range === undefined || range.metric === '') {
    notes.push(
      `The stretch goal "${sentence.trim().slice(0, 80)}" was not kept: the expectation before it has no "from … to …" to raise; write it as its own "We expect …".`,
    );
    return null;
  }
  return targetBeyond(
    amount,
    sentence,
    true,
    {
      metric: range.metric,
      baseline: range.baseline!,
      target: range.target!,
      unit: range.unit,
      checkBy: range.checkBy,
    },
    now,
    notes,
  );
}

/** The outcome, and one like it for each further metric of its list. */
function withListed(res: OutcomeResult): ParsedExpectedOutcome[] {
  const first = res.outcome;
  if (first === null) return [];
  return [
    first,
    ...(res.also ?? []).map((metric) => ({ ...first, metric })),
    ...(res.further ? [res.further] : []),
  ];
}

/**
 * "fall 40% to 30%" right after the verb: from and to, when both numbers have one unit (or the first none).
 * "grow 20% to 1,200 a week", with another unit, is how far and where to: not a range.
 */
function rangeAfterVerb(afterVerb: string): RegExpExecArray | null {
  return ofOneUnit(RANGE_AFTER_VERB_RE.exec(afterVerb));
}

/**
 * A range in brackets (BRACKETED_RANGE_RE), "cut in half (40% to 20%)", when its numbers have one unit and no target
 * or baseline comes before it after the verb (in `afterVerb`, or a clause with no verb): "CSAT (1 to 5) to rise to
 * 4.5" and "rise to 4.5 (1 to 5)" give a scale, not the movement; "halve within 3 months (40% to 20%)" gives it.
 */
function bracketedRange(afterVerb: string): RegExpExecArray | null {
  if (!afterVerb.includes('(')) return null;
  const range = BRACKETED_RANGE_RE.exec(afterVerb);
  if (range === null) return null;
  const before = afterVerb.slice(0, range.index);
  return TO_RE.test(before) || FROM_RE.test(before) ? null : ofOneUnit(range);
}

/** A range whose numbers have one unit, or whose first has none; null for another range or none. */
function ofOneUnit(range: RegExpExecArray | null): RegExpExecArray | null {
  return range && (range[2] === undefined || normaliseUnit(range[2]) === normaliseUnit(range[4]))
    ? range
    : null;
}

/** What the words around a movement's verb say: the metric, and a baseline or unit said with it. */
interface AroundVerb {
  metric: string | null;
  baseline: number | null;
  unit: string | null;
  /** "monthly churn of 5% to drop to 4%": a baseline said in the subject, the target after the verb. */
  subjectBaseline: RegExpExecArray | null;
  /** The clause after the verb, where the target is read. */
  afterVerb: string;
  /** "to grow 20%": an amount right after the verb, with no metric after it, is how far, not where to. */
  amountAfterVerb: RegExpExecArray | null;
  /** The metrics named with the first ("drop-off and support tickets to fall"). */
  listed: string[];
}

/** The metric is the verb's subject ("churn to fall") or its object ("to reduce drop-off"). */
function readAroundVerb(clause: string, verb: RegExpExecArray, notes: string[]): AroundVerb {
  const reading: AroundVerb = {
    metric: null,
    baseline: null,
    unit: null,
    subjectBaseline: null,
    afterVerb: clause.slice(verb.index + verb[0].length),
    amountAfterVerb: null,
    listed: [],
  };
  // A metric is a short phrase; a subject longer than this is not one (and bounds the regex work).
  const before = verb.index <= 200 ? clause.slice(0, verb.index) : '';
  const subjectRaw = (CLAUSE_BEFORE_VERB_RE.test(before) ? '' : before)
    .replace(/\s+(?:not|never|\w+n['’]t)(?:\s+(?:to|be))?\s*$/i, '')
    .replace(
      /\s+(?:to|will|would|should|could|can|may|might|shall|is\s+going\s+to|are\s+going\s+to|to\s+be\s+able\s+to)\s*$/i,
      '',
    )
    .replace(/^\s*that\s+/i, '')
    .trim();
  const subject = stripDeterminers(subjectRaw);
  reading.subjectBaseline = OF_NUMBER_AT_END_RE.exec(subjectRaw);
  const people = PEOPLE_SUBJECT_RE.test(subject);
  // "a 20% increase": the subject is the amount of a relative change, not a metric.
  const amount = RELATIVE_AMOUNT_RE.exec(subjectRaw);
  if (amount) {
    reading.unit = unitOf(amount);
    notes.push(`"${subjectRaw}" ${RELATIVE_NOTE}`);
  }
  // The verb's object names the metric when it has one ("this will reduce our 40 percent drop-off rate",
  // "saved carts to reduce drop-off"): the subject is then the change, or who makes it.
  let obj = reading.afterVerb.trim();
  const notAnObject = NOT_AN_OBJECT_RE.test(obj);
  // A movement said as a noun names its metric after "in" ("a 20% increase in conversion", "a drop in churn").
  const noun = NOUN_FORM_RE.exec(obj);
  if (noun) obj = obj.slice(noun[0].length);
  obj = stripDeterminers(obj);
  const lead = noun ? null : LEAD_NUMBER_RE.exec(obj);
  if (lead) obj = obj.slice(lead[0].length);
  // "raising refunds above 1%": the bound the object is held to is the target, not part of its name. With the
  // numbers after it ("sessions over 3 s from 20% to 10%", "… by 20%") it is part of the name.
  let bound = BOUND_AFTER_OBJECT_RE.exec(obj);
  if (bound && AMOUNT_FROM_OR_TO_RE.test(obj.slice(bound.index))) bound = null;
  const phrase = metricPhrase(bound ? obj.slice(0, bound.index) : obj);
  const object = phrase === null || notAnObject || NOT_AN_OBJECT_RE.test(phrase) ? null : phrase;
  if (object !== null) {
    reading.metric = object;
    reading.listed = listedAfter(obj, object, null);
    if (lead) {
      reading.baseline = amountValue(lead);
      reading.unit = unitOf(lead);
    }
  } else {
    reading.amountAfterVerb = lead;
    const subjectIsMetric =
      subject.length > 0 && !amount && !SUBJECT_PRONOUN_RE.test(subject) && !people && subject.length <= 80;
    const named = subjectIsMetric ? (metricPhrase(subject) ?? subject) : null;
    // "It should then drop to 25%": a pronoun cut from its adverb is still no metric.
    if (named !== null && !SUBJECT_PRONOUN_RE.test(named)) {
      reading.metric = named;
      reading.listed = listedAfter(subject, named, reading.afterVerb);
    } else reading.metric = people ? subject : null;
  }
  return reading;
}

/**
 * With no verb of movement, the metric is what comes before its numbers ("cart drop-off: 40% → 30%",
 * "conversion 3%"), or after a number that opens the clause ("3% conversion").
 */
function metricWithoutVerb(
  clause: string,
  arrow: RegExpExecArray | null,
  label: ExpectationLabel | null,
): string | null {
  const cut =
    /\s\(?(?:(?:to\s+be|will\s+be|is|are|should\s+be|from|below|under|above|over|(?:to\s+)?(?:reach(?:es|ed)?|hits?))\b|(?:of|at)\s+(?=[~$€£¥]?\d)|[<>≤≥])/i.exec(
      clause,
    );
  // Whichever comes first: "NPS 30 → 45 by the end of March" is cut at its arrow, not at the "of" after it.
  if (cut && !(arrow && arrow.index < cut.index)) return metricPhrase(clause.slice(0, cut.index));
  if (arrow) return metricPhrase(clause.slice(0, arrow.index));
  // Only under a label, and right beside its amount: "Expected result: the dialog shows 0 items" is a bug report.
  const amount = label === null ? null : loneAmountMatch(clause);
  if (amount === null) return null;
  // The words before the amount, all of them ("current input target: action: 0" is a log line), else the
  // phrase after it ("3% conversion by 1 March").
  const before = clause.slice(0, amount.index).trim();
  const words = /^[\p{L}\p{N}\s'’-]+$/u;
  if (before.length > 0 && !words.test(before)) return null;
  const metric = metricPhrase(
    before.length > 0 ? before : clause.slice(amount.index + amount[0].length).trim(),
  );
  return metric !== null && words.test(metric) && metric.split(/\s+/).length <= MAX_LABELLED_METRIC_WORDS
    ? metric
    : null;
}

/** The first amount that is not a year or part of a date: "conversion 3% by 2027-03-01" gives 3%. */
function loneAmountMatch(clause: string): RegExpExecArray | null {
  const amount = NUM_UNIT_RE.exec(clause);
  if (amount === null || readsAsYear(amount) || saysADate(clause.slice(amount.index))) return null;
  if (partOfVersion(clause, amount)) return null;
  return amount;
}

/** "Cellar 2.3.2", "1.2.0.RC1": an amount read from a version number, which is a name, not a quantity. */
function partOfVersion(clause: string, amount: RegExpExecArray): boolean {
  const end = amount.index + amount[0].length;
  return (
    /^\.\d/.test(clause.slice(end, end + 2)) ||
    /\d\.$/.test(clause.slice(Math.max(0, amount.index - 2), amount.index))
  );
}

/** "<= 10th Oct", "to 1 March": a day of a month after the amount, so it is a date, not a target. */
const DAY_OF_MONTH_AFTER_RE = new RegExp(`^(?:st|nd|rd|th)?\\s*(?:of\\s+)?(?:${MONTH_SRC})\\b`, 'i');

interface Amounts {
  baseline: number | null;
  target: number | null;
  unit: string | null;
}

/**
 * A range's baseline in the target's unit: "from 2 s to 800 ms" starts at 2000 ms. Units that do not convert (a
 * percent and percentage points) leave no baseline, with a note, rather than a number in the wrong unit.
 */
function inTargetUnit(
  baseline: number | null,
  from: string | null,
  to: string | null,
  range: string,
  notes: string[],
): number | null {
  if (baseline === null || from === null || to === null || from === to) return baseline;
  const converted = inTimeUnit(baseline, from, to);
  if (converted === null)
    notes.push(
      `"${range.trim()}" gives the baseline in ${from} and the target in ${to}; write both in one unit.`,
    );
  return converted;
}

/** The baseline, target and unit: from a range ("from 40% to 30%", "40% → 30%"), else each on its own. */
function readAmounts(
  clause: string,
  metric: string | null,
  reading: AroundVerb | null,
  arrow: RegExpExecArray | null,
  notes: string[],
): Amounts {
  let baseline = reading?.baseline ?? null;
  let target: number | null = null;
  let unit = reading?.unit ?? null;
  const ft =
    FROM_TO_RE.exec(clause) ??
    arrow ??
    (reading ? rangeAfterVerb(reading.afterVerb) : null) ??
    bracketedRange(reading ? reading.afterVerb : clause);
  if (ft) {
    // A range's groups: the baseline's number and unit (1, 2), the target's (3, 4).
    [baseline, target] = rangeValues(ft);
    unit = normaliseUnit(ft[4]) ?? normaliseUnit(ft[2]) ?? currencyOf(ft[0]) ?? unit;
    baseline = inTargetUnit(baseline, normaliseUnit(ft[2]), normaliseUnit(ft[4]), ft[0], notes);
  } else {
    const now =
      AT_NOW_BEFORE_RE.exec(clause) ?? AT_NOW_SET_APART_RE.exec(clause) ?? AT_NOW_AFTER_RE.exec(clause);
    // Today's value is blanked out where the target is looked for.
    if (now) clause = blankOut(clause, now);
    const from = FROM_RE.exec(clause);
    const subjectBaseline = reading?.subjectBaseline ?? null;
    if (from) {
      baseline = amountValue(from);
      unit = unitOf(from) ?? unit;
    } else if (now && baseline === null) {
      baseline = amountValue(now);
      unit = unitOf(now) ?? unit;
    } else if (subjectBaseline && baseline === null) {
      baseline = amountValue(subjectBaseline);
      unit = unitOf(subjectBaseline) ?? unit;
    }
    const by = BY_RE.exec(clause);
    // The target follows the verb: before it, "of 5%" is a baseline ("churn of 5% to drop to 4%") and "18 to 25"
    // says who ("users aged 18 to 25 to rise").
    const toIn = reading ? blankedAfterVerb(reading.afterVerb, clause) : clause;
    const to = TO_RE.exec(toIn);
    const be = to || reading ? null : BE_TARGET_RE.exec(clause);
    const dayOfMonth =
      to !== null &&
      DAY_OF_MONTH_AFTER_RE.test(toIn.slice(to.index + to[0].length, to.index + to[0].length + 16));
    if (
      to &&
      !(
        ISO_DATE_RE.test(to[0]) ||
        NUMERIC_DATE_RE.test(to[0]) ||
        readsAsYear(to) ||
        dayOfMonth ||
        partOfVersion(toIn, to)
      )
    ) {
      target = amountValue(to);
      unit = unitOf(to) ?? unit;
    } else if (be && !readsAsYear(be)) {
      target = amountValue(be);
      unit = unitOf(be) ?? unit;
    } else if (by && !readsAsYear(by) && !saysADate(clause.slice(by.index))) {
      unit = unit ?? unitOf(by);
      notes.push(`"${by[0].trim()}" ${RELATIVE_NOTE}`);
    }
    if (baseline === null && target === null && metric === null) {
      const any = NUM_UNIT_RE.exec(clause);
      if (any && any[2] !== undefined) unit = normaliseUnit(any[2]);
    }
  }
  const amountAfterVerb = reading?.amountAfterVerb ?? null;
  if (amountAfterVerb && target === null) {
    unit = unit ?? unitOf(amountAfterVerb);
    notes.push(`"${amountAfterVerb[0].trim()}" ${RELATIVE_NOTE}`);
  }
  // An amount reads at most 15 digits, all a number keeps exactly: a longer one is said, not silently passed over.
  const tooLong = baseline === null || target === null ? TOO_MANY_DIGITS_RE.exec(clause) : null;
  if (tooLong)
    notes.push(
      `"${tooLong[0]}" has more digits than a number keeps exactly (15), so it was left out: write it shorter, as "1.2e15".`,
    );
  return { baseline, target, unit };
}

/** The clause with one match replaced by spaces, so later searches pass over it and indexes stay put. */
function blankOut(clause: string, m: RegExpExecArray): string {
  return clause.slice(0, m.index) + ' '.repeat(m[0].length) + clause.slice(m.index + m[0].length);
}

/** The words after the verb, as they stand in the clause once today's value is blanked out of it. */
function blankedAfterVerb(afterVerb: string, clause: string): string {
  return clause.slice(clause.length - afterVerb.length);
}

/**
 * An amount that is a year: four digits from 1900 to 2099 with no unit ("by 2027", "to 2030"). Another four-digit
 * number is an amount ("to grow to 5000", "reach 1500"), as is a year-like one with a unit ("to 2000 ms").
 */
function readsAsYear(amount: RegExpExecArray): boolean {
  return /^(?:19|20)\d{2}$/.test(amount[1] ?? '') && amount[2] === undefined && !currencyOf(amount[0]);
}

/** "by 1 March", "by 31/12/2027": a "by" that starts a date, not a relative change. */
function saysADate(fromBy: string): boolean {
  return DAY_MONTH_RE.exec(fromBy)?.index === 0 || NUMERIC_DATE_RE.exec(fromBy)?.index === 0;
}

/** "Target:", "Goal:" say where a metric should get to; "KPI:", "Success metric:" and the like only name it. */
type ExpectationLabel = 'target' | 'measure';
/** A metric beside a lone amount is a short noun phrase ("weekly sign-ups", "tickets a week"). */
const MAX_LABELLED_METRIC_WORDS = 4;

interface ExpectationReading {
  /** Under "Target:" a lone amount is the target ("Target: conversion 3%"); under "KPI:" it may be today's. */
  label: ExpectationLabel | null;
  /** "I/we expect …": an expectation only with a movement or a number (ExpectHit.bare). */
  bare?: boolean;
  /**
   * A movement read where no expectation is stated (the benefit or want, a bug report's "Expected result:"): kept
   * only with its number, a baseline, a target or a relative change ("by 10 percent").
   */
  numbered?: boolean;
}

/**
 * "users active by week 2", "retention by day 7": a cohort's window right after the metric's words says which users
 * count. UNREAD_COUNTED_DEADLINE_RE, which reads "by week 12" as a deadline, would take it for one.
 */
const COHORT_WINDOW_RE = /\s+by\s+(?:day|week|month)\s+\d{1,3}\b/iy;

/**
 * The metric named with its cohort's window, and the check-by read beside the window, when a day to check by is
 * said too (in the clause, or `shared` by every part); null otherwise: said alone, the window may be the deadline.
 */
function withCohortWindow(
  clause: string,
  metric: string,
  now: Date | undefined,
  shared: string | null,
): { metric: string; checkBy: CheckBy } | null {
  const at = clause.indexOf(metric);
  if (at < 0) return null;
  COHORT_WINDOW_RE.lastIndex = at + metric.length;
  const window = COHORT_WINDOW_RE.exec(clause);
  if (window === null) return null;
  const checkBy = resolveCheckBy(blankOut(clause, window), now);
  return (checkBy.value ?? shared) === null ? null : { metric: `${metric} ${window[0].trim()}`, checkBy };
}

/** "growth rate", "drop rate": a movement word before "rate" names the kind of rate, as part of the metric. */
const NAMES_A_RATE_RE = /^\s+(?:rates?|ratios?)\b/i;
/** "growth to rise", "decline should halve": between a movement said as a noun and the verb that moves it. */
const NOUN_BEFORE_VERB_RE = /^\s+(?:to|will|should|would|must|could|can|may|might)\s+/i;

/** A movement word found, and the way it names (null for one that names none). */
interface Movement {
  verb: RegExpExecArray;
  way: 'increase' | 'decrease' | null;
}

/** The first movement word at or after `from`, its index in the whole clause. */
function nextMovement(clause: string, from: number): Movement | null {
  const rest = from === 0 ? clause : clause.slice(from);
  let found: Movement | null = null;
  for (const [re, way] of MOVEMENTS) {
    const m = re.exec(rest);
    if (m !== null && (found === null || m.index < found.verb.index)) found = { verb: m, way };
  }
  if (found !== null) found.verb.index += from;
  return found;
}

/**
 * The movement word that governs a clause, and the way it names: the first, as "reduce X and increase Y" is about
 * X. One that is part of the metric's name gives way to the verb that moves it: "revenue growth rate to rise",
 * "revenue growth to rise". With no such verb it is still the movement ("increase rates from 2% to 3%").
 */
function governingMovement(clause: string): Movement | null {
  let first: Movement | null = null;
  for (let from = 0; ;) {
    const found = nextMovement(clause, from);
    if (found === null) return first;
    const end = found.verb.index + found.verb[0].length;
    const after = clause.slice(end);
    if (NAMES_A_RATE_RE.test(after)) {
      first ??= found;
      from = end;
      continue;
    }
    const gap = NOUN_BEFORE_VERB_RE.exec(after);
    const moved = gap === null ? null : nextMovement(clause, end);
    return moved !== null && moved.verb.index === end + gap![0].length ? moved : found;
  }
}

/** `shared`: the check-by said once at the end of the sentence for every part of it, if any. */
function parseExpectation(
  clause: string,
  now: Date | undefined,
  how: ExpectationReading,
  shared: string | null = null,
): OutcomeResult {
  const notes: string[] = [];
  const movement = governingMovement(clause);
  const verb = movement?.verb ?? null;
  // "not to decrease", "should never rise": a limit, not a way to move; the owner chooses the direction.
  const negation =
    verb === null ? null : NEGATION_BEFORE_RE.exec(clause.slice(Math.max(0, verb.index - 24), verb.index));
  let direction: 'increase' | 'decrease' | null = negation ? null : (movement?.way ?? null);
  if (negation && verb)
    notes.push(
      `"${negation[0]}${verb[0]}" says what should not happen, not which way the metric should move; choose the direction yourself.`,
    );
  const arrow = ARROW_RE.exec(clause);
  const reading = verb ? readAroundVerb(clause, verb, notes) : null;
  const named = reading ? reading.metric : metricWithoutVerb(clause, arrow, how.label);
  const windowed = named === null ? null : withCohortWindow(clause, named, now, shared);
  const metric = windowed?.metric ?? named;
  const amounts = readAmounts(clause, metric, reading, arrow, notes);
  const baseline = amounts.baseline;
  let { target, unit } = amounts;
  // "Target: conversion 3%": an amount with no verb and no range is the target under a target's label; under
  // "KPI:" it may as well be today's value, so it is left to the owner.
  const lone = verb || baseline !== null || target !== null ? null : loneAmountMatch(clause);
  if (lone && metric !== null) {
    unit = unit ?? unitOf(lone);
    if (how.label === 'target') target = amountValue(lone);
    else
      notes.push(
        `"${lone[0].trim()}" could be today's ${metric} or its target; write "from … to …" to say which.`,
      );
  }

  // "I expect the methods to be displayed but they are not": a bug report's expectation, with neither a movement
  // nor a number, states no outcome to measure.
  if (how.bare && verb === null && baseline === null && target === null && lone === null)
    return {
      outcome: null,
      notes: [
        'A "We expect …" is present but names no movement and no number; say how a metric should move, with numbers.',
      ],
    };

  // "to double", "churn to fall by half", "a tenfold rise": a change relative to today's value, which is said
  // rather than passed over in silence, as "by 10%" is.
  const relative = verb && target === null ? MULTIPLE_RE.exec(clause.slice(verb.index)) : null;
  if (relative && !notes.some((n) => n.endsWith(RELATIVE_NOTE)))
    notes.push(`"${relative[0]}" ${RELATIVE_NOTE}`);

  if (baseline !== null && target !== null && baseline !== target) {
    const fromNumbers = target < baseline ? 'decrease' : 'increase';
    // A wording the numbers contradict is kept as written, for the measurable check to point out: choosing
    // either side for the owner would hide the mistake.
    if (direction === null) {
      if (!negation) direction = fromNumbers;
    } else if (direction !== fromNumbers)
      notes.push(
        `The wording says ${direction}, but ${baseline} to ${target} goes the other way: fix the wording or the numbers.`,
      );
  }

  const unread = secondRange(clause);
  const further = unread === null && baseline !== null && target !== null ? furtherAmount(clause) : null;
  // The date said with a further amount ("…, then to 25% by year end") is its own, not the range's.
  const checkBy =
    windowed?.checkBy ??
    resolveCheckBy(further === null ? clause : clause.replace(further, '').replace(/[\s,;.!?]+$/, ''), now);
  if (checkBy.note !== null) notes.push(checkBy.note);
  const tooFar = now === undefined ? null : farCheckBy(checkBy.value ?? undefined, dayOf(now) ?? undefined);
  if (tooFar !== null) notes.push(tooFar);
  if (unread !== null)
    notes.push(
      `"${unread}" looks like a second movement that could not be read apart from the first; write it as its own "We expect …".`,
    );
  const milestone =
    metric === null || baseline === null || target === null
      ? null
      : furtherTarget(
          clause,
          further,
          { metric, baseline, target, unit, checkBy: checkBy.value },
          now,
          notes,
        );
  if (further !== null && milestone === null)
    notes.push(
      `"${further}" was not kept: one "We expect …" keeps one movement; write it as its own "We expect …".`,
    );

  if (how.numbered && baseline === null && target === null && !notes.some((n) => n.endsWith(RELATIVE_NOTE)))
    return { outcome: null, notes: [], unnumbered: true };
  if (metric === null) {
    notes.push('A "We expect …" is present but names no metric that could be read.');
    return { outcome: null, notes };
  }
  // "X and Y to fall below 2%" or "by 10%" says it of each; one baseline cannot be both's, so none is made up.
  const listed = reading?.listed ?? [];
  if (listed.length > 0 && baseline !== null) {
    const others = listed.map((m) => `"${m}"`).join(', ');
    const one = listed.length === 1;
    const from = `${baseline}${unit === null ? '' : unit === '%' ? '%' : ` ${unit}`}`;
    notes.push(
      `${others} ${one ? 'is' : 'are'} not kept: ${one ? 'it shares' : 'they share'} "${metric}"'s baseline of ${from}, which cannot be both's; write ${one ? 'it' : 'each'} with numbers of ${one ? 'its' : 'their'} own.`,
    );
  }
  return {
    outcome: { metric, baseline, target, unit, direction, checkBy: checkBy.value },
    notes,
    also: baseline === null ? listed : [],
    ...(milestone ? { further: milestone } : {}),
  };
}

const FROM_TO_ALL_RE = new RegExp(FROM_TO_RE.source, 'gi');

/**
 * A further amount joined to a range ("… from 40% to 30% by March and to 20% by June", "…, and conversion to stay
 * above 2%"): a milestone or a limit the one movement a part keeps leaves out. The text from its joining word, or
 * null. At most four words between the join and the amount's word, so the search stays linear in the clause.
 */
const FURTHER_AMOUNT_RE = new RegExp(
  String.raw`(?:\band\b|\bthen\b|[,;])\s+(?:then\s+)?(?:[\w%'’-]+\s+){0,4}?(?:to\s+(?:stay|remain|keep|be|hold)\s+)?(?:to|above|below|under|over|at\s+least|at\s+most|no\s+(?:more|less)\s+than)\s+${NUMBER_SRC}[^,;.!?\n]*`,
  'i',
);

function furtherAmount(clause: string): string | null {
  FROM_TO_ALL_RE.lastIndex = 0;
  const range = FROM_TO_ALL_RE.exec(clause);
  FROM_TO_ALL_RE.lastIndex = 0;
  if (range === null) return null;
  const after = FURTHER_AMOUNT_RE.exec(clause.slice(range.index + range[0].length));
  return after === null ? null : after[0].replace(/^[,;]\s*/, '').trim();
}

/** "and to 20% by June", "then to 5%": a further target joined to the range, with no metric of its own. */
const SAME_METRIC_TARGET_RE = new RegExp(
  String.raw`^(?:(?:and|then)\b|[,;])?\s*(?:then\s+)?(?:(?:further|even|up|down)\s+)?to\s+${AMOUNT_SRC}`,
  'i',
);
/** What may follow an amount with no unit that takes the range's: the end of the part, a date, a remark. */
const BARE_AMOUNT_END_RE =
  /^(?:\s*(?:$|[,;.!?)])|\s+(?:by|as|in|within|before|until|till|and|or|on|for|if)\b)/i;
/** "with a stretch goal of 5%", "(stretch: 5%)", "stretch target 5%": a stretch target said after the range. */
const STRETCH_RE = new RegExp(
  String.raw`\bstretch(?:\s+(?:goal|target))?\s*(?:of\b|:|to\b|at\b|is\b|=)?\s*${AMOUNT_SRC}`,
  'i',
);

/**
 * A further target of the one metric joined to its range: a milestone ("… from 40% to 30% by March and to 20% by
 * June") or a stretch goal ("… to 4%, and to 5% as a stretch", "… with a stretch goal of 5%"). It is kept as an
 * expectation of its own, from the same baseline, by its own date or else the range's. Null where there is none,
 * or where it cannot be the same metric's (another unit, or another metric named before it).
 */
function furtherTarget(
  clause: string,
  further: string | null,
  range: { metric: string; baseline: number; target: number; unit: string | null; checkBy: string | null },
  now: Date | undefined,
  notes: string[],
): ParsedExpectedOutcome | null {
  let amount: RegExpExecArray | null;
  let said: string;
  if (further !== null) {
    amount = SAME_METRIC_TARGET_RE.exec(further);
    said = further;
  } else {
    // Most clauses say no stretch: the word is looked for before the range is searched again.
    const first = /stretch/i.test(clause) ? FROM_TO_RE.exec(clause) : null;
    if (first === null) return null;
    said = clause.slice(first.index + first[0].length);
    amount = STRETCH_RE.exec(said);
  }
  if (amount === null) return null;
  return targetBeyond(amount, said, further === null, range, now, notes);
}

/**
 * "Stretch: 5% by September", "Our stretch goal is 5%.": a stretch goal in a sentence of its own, right after the
 * expectation it raises. Read as the stretch goal said in that expectation's own sentence would be.
 */
const STRETCH_SENTENCE_RE = new RegExp(
  String.raw`^[\s\-*•#>]*(?:(?:our|the|a|my)\s+)?stretch(?:\s+(?:goal|target))?\s*(?:of\b|:|is\b|=|-|would\s+be\b)?\s*${AMOUNT_SRC}`,
  'i',
);

/**
 * The further target `amount` names beyond a range, `said` being the text it was found in: a stretch goal (named
 * as not kept where it cannot be the range's) or a milestone (its caller names it).
 */
function targetBeyond(
  amount: RegExpExecArray,
  said: string,
  stretch: boolean,
  range: { metric: string; baseline: number; target: number; unit: string | null; checkBy: string | null },
  now: Date | undefined,
  notes: string[],
): ParsedExpectedOutcome | null {
  const value = amountValue(amount);
  // "a stretch goal of 500 orders": a bare number followed by a word names a unit of its own.
  const bare =
    unitOf(amount) === null && !BARE_AMOUNT_END_RE.test(said.slice(amount.index + amount[0].length));
  const unit = bare ? null : (unitOf(amount) ?? range.unit);
  if (value === range.target) return null;
  if (value === null || unit !== range.unit || value === range.baseline) {
    // A further amount the caller names as not kept; a stretch goal it cannot see is named here.
    if (stretch)
      notes.push(
        `The stretch goal "${said
          .slice(amount.index)
          .split(/[,;.!?)]/)[0]!
          .trim()}" was not kept: it is not in ${range.metric}'s unit or moves nothing; write it as its own "We expect …".`,
      );
    return null;
  }
  // Its own date, when it says one after its amount ("and to 20% by June"); else the range's.
  const own = resolveCheckBy(said.slice(amount.index), now);
  if (own.note !== null && !notes.includes(own.note)) notes.push(own.note);
  return {
    metric: range.metric,
    baseline: range.baseline,
    target: value,
    unit,
    direction: value < range.baseline ? 'decrease' : 'increase',
    checkBy: own.value ?? range.checkBy,
  };
}

/** A range after the first in one part ("… from 40% to 30% with conversion from 2% to 3%"): one part keeps one. */
function secondRange(clause: string): string | null {
  FROM_TO_ALL_RE.lastIndex = 0;
  const first = FROM_TO_ALL_RE.exec(clause);
  const second = first === null ? null : FROM_TO_ALL_RE.exec(clause);
  FROM_TO_ALL_RE.lastIndex = 0;
  return second === null ? null : second[0].trim();
}

interface ExpectHit {
  start: number;
  clauseStart: number;
  clauseEnd: number;
  /** "Target:", "Goal:" (where a lone amount is where the metric should get to), "KPI:" and the like. */
  label: ExpectationLabel | null;
  /** A sentence that states a movement with no "We expect" of its own (findMovementSentences). */
  free?: true;
  /** A bug report's "Expected result:": kept only with a movement and its number (ExpectationReading.numbered). */
  report?: boolean;
  /** "I/we (would) expect …": kept only with a movement or a number ("I expect the methods to be displayed"). */
  bare?: boolean;
}

interface Expectations {
  hits: ExpectHit[];
  /** Where sentences that state a movement start to count as expectations; -1 for nowhere (no expectation yet). */
  freeFrom: number;
  /** Labels with a movement and an amount that do not head their sentence ("…, and our KPI: …"): not read. */
  midSentence: Array<{ label: string; at: number }>;
}

/** How many beliefs or labels without a number findExpectation passes over before it stops looking. */
const MAX_PASSED_OVER = 8;

/**
 * Every expectation sentence, in order, up to MAX_EXPECTATIONS: "We expect X to rise … We also expect Y to fall …"
 * states two. The first decides where the story's own parts stop. Each search resumes after the sentence before,
 * so the text is read once.
 */
function findExpectations(text: string, limit: number): Expectations {
  const read = limit < text.length ? text.slice(0, limit) : text;
  const pattern = read.includes(':') ? EXPECT_OR_LABEL_RE : EXPECT_RE;
  const hits: ExpectHit[] = [];
  // Without a label, an expectation says "expect", "believe" or "then": most stories say none of them.
  const midSentence: Expectations['midSentence'] = [];
  if (pattern === EXPECT_RE && !MAY_EXPECT_RE.test(read)) return { hits, freeFrom: -1, midSentence };
  let freeFrom = -1;
  pattern.lastIndex = 0;
  let passedOver = 0;
  for (let m = pattern.exec(read); m !== null; m = pattern.exec(read)) {
    // A bare "Success:" is said of many things ("sql success: CREATE TABLE …"): only as a line's or sentence's
    // head, and with a movement or a range.
    const bareSuccess = m[2] !== undefined && /^success\s*:/i.test(m[2]);
    if (bareSuccess && !startsSentence(text, m.index)) continue;
    const clauseStart = m.index + m[0].length;
    const clauseEnd = sentenceEnd(text, clauseStart, limit);
    // A belief or an "If we …, then …" is an expectation only where it names a movement with a number, a label
    // only where it has a number; otherwise it is the story's own text. A few are read, each within a window,
    // so a text full of them stays linear.
    // After the first, "We expect this because shoppers asked for it" is a reason and "Target: 3% by June" a
    // repeat, not one more expectation to keep (or to note as not kept): a later one about "this" or "it", or a
    // later label without a movement, is passed over.
    const clause = text.slice(clauseStart, Math.min(clauseEnd, clauseStart + PART_WINDOW));
    const later = hits.length > 0;
    const aboutTheFirst = later && (m[2] !== undefined || /^\s*(?:this|that|it|these|those)\b/i.test(clause));
    // A label that heads a list ("Success metrics:" and items below it): its items may state the movements.
    if (m[2] !== undefined && freeFrom < 0 && clause.trim() === '') freeFrom = clauseEnd;
    if (m[1] !== undefined || m[2] !== undefined) {
      // A range is a movement after a sentence's own "Success:" ("Success: weekly posts 10 → 15 by March").
      const moves = () =>
        namesMovement(clause) ||
        (bareSuccess && !aboutTheFirst && (FROM_TO_RE.test(clause) || ARROW_RE.test(clause)));
      if (!/\d/.test(clause) || ((m[1] !== undefined || aboutTheFirst || bareSuccess) && !moves())) {
        if (++passedOver === MAX_PASSED_OVER) break;
        continue;
      }
    } else if (aboutTheFirst && !(/\d/.test(clause) && namesMovement(clause))) {
      if (++passedOver === MAX_PASSED_OVER) break;
      continue;
    }
    // A label heads a line or a sentence, and its number is an amount: "Admin Server Target: http://localhost:9393",
    // "clang -v … Target: x86_64-apple-darwin13.4.0" and "MTU:1454 Metric:1 RX packets:363265" are tool output.
    if (m[2] !== undefined && !(labelStartsSentence(text, m.index) && !labelHasNoAmount(clause))) {
      // One a person wrote mid-sentence is named, so it is not lost unseen; tool output has no movement.
      if (!labelHasNoAmount(clause) && (namesMovement(clause) || FROM_TO_RE.test(clause)))
        midSentence.push({ label: m[2], at: m.index });
      if (++passedOver === MAX_PASSED_OVER) break;
      continue;
    }
    const label = m[2] === undefined ? null : /^(?:target|goal)/i.test(m[2]) ? 'target' : 'measure';
    const report = m[1] !== undefined && /^expected/i.test(m[1]);
    const bare = m[1] === undefined && m[2] === undefined && /^(?:we|I)\b/i.test(m[0]);
    hits.push({ start: m.index, clauseStart, clauseEnd, label, report, bare });
    // A bug report's "Expected result:" is followed by what happens instead: no further sentence is read for it.
    if (freeFrom < 0 && !report) freeFrom = clauseEnd;
    if (hits.length === MAX_EXPECTATIONS) break;
    // The next expectation starts after this one's sentence.
    pattern.lastIndex = Math.max(clauseEnd, pattern.lastIndex);
  }
  pattern.lastIndex = 0;
  return { hits, freeFrom, midSentence };
}

/**
 * "should rise", "to fall", "will drop", "'ll halve": a movement wished for or foreseen. "Memory grows from 2 GB to
 * 8 GB" and "drop-off rose from 30% to 40%" report what happens or happened, and are a description.
 */
const FORWARD_BEFORE_RE =
  /(?:\b(?:to|will|shall|should|would|must|could|can|may|might)|['’]ll)\s+(?:(?:\w+ly|further|also|not|never|then|at\s+least)\s+)?$/i;
/** A verb said in the past: what happened, not what is expected. */
const PAST_VERB_RE = /(?:ed|fell|rose|grew|grown|risen|fallen|halved)$/i;
/** What a sentence may start with before its movement is an instruction: a bullet, a number, a label. */
const SENTENCE_LEAD_RE = /^[\s\-*•#>]*(?:\d{1,2}[.)]\s*)?(?:[\p{L}][\p{L} ]{0,30}:\s*)?$/u;
/** A sentence headed by what happens instead ("Actual result:", "Observed:"), in a bug report. */
const REPORT_LABEL_RE = /^[\s\-*•#>]*(?:actual|observed|current|workaround|steps?)\b[^:\n]{0,30}:/i;
/** A short label that heads the sentence ("Success:", "NPS:"); the movement is read after it. */
const LEAD_LABEL_RE = /^[\p{L}][\p{L} ]{0,30}:\s*/u;

/**
 * The sentences and list items after `from` that state a movement of a metric with a number, beside the story or
 * after an expectation ("NPS should rise from 20 to 30 by 1 June", "- NPS up from 20 to 30"): each is one more
 * expectation. Each sentence is found once and tested within a window, digits first, so the cost stays linear and
 * a sentence without a number costs one test.
 */
function findMovementSentences(
  text: string,
  from: number,
  limit: number,
  taken: ExpectHit[],
  room: number,
  now: Date | undefined,
): ExpectHit[] {
  const found: ExpectHit[] = [];
  let next = 0;
  for (let s = from; s < limit && found.length < room;) {
    while (s < limit && isSpace(text.charCodeAt(s))) s++;
    if (s >= limit) break;
    const e = Math.max(s + 1, sentenceEnd(text, s, limit));
    while (next < taken.length && taken[next]!.clauseEnd <= s) next++;
    const overlaps = next < taken.length && taken[next]!.start < e;
    const verbAt = overlaps ? -1 : movementIn(text.slice(s, Math.min(e, s + PART_WINDOW)), now);
    if (verbAt >= 0) {
      // A bullet or a number before the movement is not part of its metric, nor is a label ("Success:") with a
      // subject after it; "Conversion: should rise …" names its metric in the label.
      const j = skipLeadingJunk(text, s, e);
      const lead = LEAD_LABEL_RE.exec(text.slice(j, Math.min(e, j + 40)));
      const subjectAfter =
        lead !== null && /\p{L}/u.test(text.slice(j + lead[0].length, s + verbAt).replace(MODAL_RE, ''));
      const clauseStart = j + (lead && subjectAfter ? lead[0].length : 0);
      found.push({ start: s, clauseStart, clauseEnd: e, label: null, free: true });
    }
    s = e;
  }
  return found;
}

const MODAL_RE = /\b(?:to|will|shall|should|would|must|could|can|may|might)\b/gi;

/**
 * A sentence that is only a metric's name, its range and a day: "Cart drop-off from 40% to 30% by 2027-06-30",
 * "NPS 30 → 45 by June". Group 1 is the name, up to six words; the range follows it.
 */
const VERBLESS_RANGE_RE = new RegExp(
  `^[\\s\\-*•#>]*(?:\\d{1,2}[.)]\\s*)?(\\p{L}[\\p{L}\\p{N}'’%&/-]*(?:\\s+[\\p{L}\\p{N}][\\p{L}\\p{N}'’%&/-]*){0,5}?)\\s+(?=from\\s|${AMOUNT_AHEAD})`,
  'iu',
);
/**
 * Words that make such a name no metric's: an instruction or a condition ("Please upgrade Jackson", "Kill it if
 * drop-off"), a person, a time gone ("Last year drop-off"), a setting or an estimate ("Timeout", "Story points"),
 * a thing with versions ("Postgres", "Spring Boot").
 */
const NOT_A_METRIC_WORD_RE = new RegExp(
  `(?:^|\\s)(?:${[
    'upgrade|update|bump|change|set|move|migrate|switch|downgrade|extend|shorten|resize|rename|convert|scale',
    'go|make|add|put|raise|adjust|increase|decrease|reduce|lower|cut|bring|push|get|take|keep|please|let',
    'if|when|whenever|once|until|unless|kill|stop|abandon|revert|roll|rollback|drop',
    'i|we|you|they|he|she|it|is|are|was|were|had|has|have|will|would|should|must|can|could|may|might',
    'last|previously|before|ago|past|yesterday',
    'timeout|limit|size|width|height|padding|margin|font|interval|threshold|capacity|nodes?|replicas?|pool',
    'heap|memory|cache|ttl|retries|points?|estimate|budget|headcount|version|release|dependency|library|sdk|jdk|api|v',
  ].join('|')})(?=\\s|$)`,
  'i',
);
/** A name's last word that names something counted or measured: "NPS", "… rate", "… orders". */
const MEASURED_HEAD_RE =
  /(?:^|[\s-])(?:rates?|ratio|scores?|nps|csat|ces|conversions?|churn|retention|revenue|orders?|sales|sign-?ups?|visits?|visitors|users|customers|shoppers|sessions|count|number|share|percentage|costs?|latency|time|errors?|tickets|complaints|returns|clicks|views|downloads|installs|subscribers|members|leads|bookings|transactions|value|aov|arpu|ltv|mau|dau|wau|uptime|bounces?|drop-?offs?|abandonment|engagement|satisfaction|adoption|completions?|reviews|ratings?|calls|contacts|minutes|hours|days|seconds)$/i;

/**
 * Where the range of a verbless expectation sentence (VERBLESS_RANGE_RE) starts, or -1. It must name a metric
 * (NOT_A_METRIC_WORD_RE, no "-ing" verb first), and its range no version ("2.7 to 3.2", "20.04 → 22.04" have no
 * unit and a point); a range of bare numbers is read only for a name that ends in something measured; and the day
 * it names to check by is still ahead of `now` (any day when unknown), a day without its year the next one.
 */
function verblessRangeIn(sentence: string, now: Date | undefined): number {
  const named = VERBLESS_RANGE_RE.exec(sentence);
  if (named === null) return -1;
  const name = named[1]!;
  if (NOT_A_METRIC_WORD_RE.test(name) || /^\p{L}+ing\b/iu.test(name) || MACHINE_TOKEN_RE.test(sentence))
    return -1;
  const rest = sentence.slice(named[0].length);
  const range = FROM_TO_RE.exec(rest) ?? ARROW_RE.exec(rest);
  if (range === null || range.index !== 0) return -1;
  const amounts = range[0].replace(/\b(?:from|to|down|up|about|around|roughly)\b|[~→⟶=>\s-]/gi, '');
  const unitless = /^[\d.,]+$/.test(amounts);
  if (unitless && (/\d\.\d/.test(amounts) || !MEASURED_HEAD_RE.test(name))) return -1;
  const day = resolveCheckBy(sentence, now).value;
  return day !== null && (now === undefined || day > dayOf(now)!) ? named[0].length : -1;
}

/** Where the sentence's movement verb is, when it states a movement wished for or foreseen; -1 otherwise. */
function movementIn(sentence: string, now: Date | undefined): number {
  if (!/\d/.test(sentence) || REPORT_LABEL_RE.test(sentence)) return -1;
  const verb = governingMovement(sentence)?.verb;
  if (verb === undefined) return verblessRangeIn(sentence, now);
  const before = sentence.slice(Math.max(0, verb.index - 60), verb.index);
  if (CONDITION_BEFORE_RE.test(before)) return -1;
  if (/^(?:up|down)$/i.test(verb[0]) || FORWARD_BEFORE_RE.test(before)) return verb.index;
  // An instruction ("Reduce drop-off from 40% to 30%") or a present tense with a date to check by.
  if (verb.index < 60 && SENTENCE_LEAD_RE.test(sentence.slice(0, verb.index))) return verb.index;
  if (PAST_VERB_RE.test(verb[0])) return -1;
  const date = resolveCheckBy(sentence, undefined);
  return date.value !== null || date.note !== null ? verb.index : -1;
}

/** Nothing but a bullet or spaces since the last sentence, line or table cell: "- Success:", "… later. Success:". */
function startsSentence(text: string, index: number): boolean {
  let i = index;
  while (i > 0 && i > index - 8 && ' \t-*•#>'.includes(text[i - 1] as string)) i--;
  return i === 0 || '\n.!?;|'.includes(text[i - 1] as string);
}

/** The words that may lead a label at the start of its sentence: "Our KPI:", "The primary success metric:". */
const LABEL_LEAD_RE =
  /(?<!\p{L})(?:(?:our|the|a|my|primary|main|key|business|north[- ]star|overall)\s+){1,3}$/iu;

/** A label heads its sentence, after at most three leading words (LABEL_LEAD_RE): "Our KPI: …" as "KPI: …". */
function labelStartsSentence(text: string, index: number): boolean {
  if (startsSentence(text, index)) return true;
  const lead = LABEL_LEAD_RE.exec(text.slice(Math.max(0, index - 40), index));
  return lead !== null && startsSentence(text, index - lead[0].length);
}

/** A URL ("http://…") or a version ("13.4.0"). */
const MACHINE_TOKEN_RE = /:\/\/|\d\.\d+\.\d/;
/** A key:value pair of tool output or a host's port: "packets:363265", "errors:0", "localhost:9393". */
const KEY_VALUE_RE = /\p{L}:\d/u;

/**
 * Whether a label's clause has no amount: no digit, or its first number is part of a URL, a port, a version, or the
 * clause is a run of key:value pairs (ifconfig's "Metric:1 RX packets:363265 errors:0"). Reads the clause once.
 */
function labelHasNoAmount(clause: string): boolean {
  const d = clause.search(/\d/);
  if (d < 0) return true;
  let s = d;
  while (s > 0 && !isSpace(clause.charCodeAt(s - 1))) s--;
  let e = d;
  while (e < clause.length && !isSpace(clause.charCodeAt(e))) e++;
  return MACHINE_TOKEN_RE.test(clause.slice(s, e)) || KEY_VALUE_RE.test(clause);
}

/** Where the expectation's sentence starts, so the story parts stop before it. */
function sentenceStartOf(text: string, index: number): number {
  let i = index;
  const floor = Math.max(0, index - 200);
  while (i > floor) {
    const c = text[i - 1] as string;
    if (c === '\n' || ((c === '.' || c === '!' || c === '?' || c === ';') && i < index)) break;
    i--;
  }
  return i;
}

/**
 * A movement said outright: a direction word that is not the condition of something else ("a text when my
 * balance drops below £100", "fail over if the error rate rises above 2%").
 */
function namesMovement(text: string): boolean {
  const verb = DECREASE_RE.exec(text) ?? INCREASE_RE.exec(text) ?? NEUTRAL_MOVE_RE.exec(text);
  return verb !== null && !CONDITION_BEFORE_RE.test(text.slice(Math.max(0, verb.index - 120), verb.index));
}
const CONDITION_BEFORE_RE = /\b(?:when|whenever|if|once|until|unless|as\s+soon\s+as)\b[^,;.]*$/i;

/** A label inside a part of the story ("…, and our KPI: …"): what the last one heads is the expectation. */
const LABEL_IN_PART_RE = new RegExp(String.raw`\b(${METRIC_LABEL_SRC}\s*:)\s*`, 'gi');

function lastLabelIn(part: string): RegExpExecArray | null {
  let last: RegExpExecArray | null = null;
  LABEL_IN_PART_RE.lastIndex = 0;
  for (let m = LABEL_IN_PART_RE.exec(part); m !== null; m = LABEL_IN_PART_RE.exec(part)) last = m;
  return last;
}

/**
 * A metric movement with a number, stated in the benefit or the want rather than in a "We expect …" ("so that I
 * can reduce our 40 percent drop-off rate"): the expectations it states, and a note that says where they came from.
 */
function movementStatedIn(
  parts: StoryParts,
  now: Date | undefined,
): (OutcomesResult & { note: string; label: string | null }) | null {
  for (const [name, part] of [
    ['benefit', parts.benefit],
    ['want', parts.intent],
  ] as const) {
    if (!part || !/\d/.test(part) || !namesMovement(part)) continue;
    // "so that I can finish later, and our KPI: conversion should rise …": the metric is named after the label.
    // Where the movement comes before it ("… rises from 2% to 3% (our goal: fewer abandoned carts)"), the whole
    // part is read, as it was.
    const label = part.includes(':') ? lastLabelIn(part) : null;
    const afterLabel =
      label === null
        ? null
        : parseExpectations(part.slice(label.index + label[0].length), now, { label: null, numbered: true });
    const read = afterLabel !== null && afterLabel.outcomes.length > 0;
    // Only a movement with its own number: "iOS 7 … the keyboard shrinking the view" has none.
    const res = read ? afterLabel : parseExpectations(part, now, { label: null, numbered: true });
    if (res.outcomes.length > 0)
      return {
        ...res,
        note: `The expected movement was read from the ${name}; write it as "We expect …" to state it plainly.`,
        label: read ? label![1]! : null,
      };
  }
  return null;
}

/**
 * Each expectation once: a sentence pasted twice states one bet, and would fill a second row with the same one. The
 * metric's case aside, all its parts must match; the same metric with other numbers or dates is kept.
 */
function keptOnce(outcomes: ParsedExpectedOutcome[], notes: string[]): ParsedExpectedOutcome[] {
  if (outcomes.length < 2) return outcomes;
  const seen = new Map<string, boolean>();
  return outcomes.filter((o) => {
    const key = JSON.stringify([
      o.metric.toLowerCase(),
      o.baseline,
      o.target,
      o.unit,
      o.direction,
      o.checkBy,
    ]);
    const noted = seen.get(key);
    if (noted === undefined) {
      seen.set(key, false);
      return true;
    }
    if (!noted) notes.push(`The expectation for "${o.metric}" is written more than once; it is kept once.`);
    seen.set(key, true);
    return false;
  });
}

/**
 * Parses a user story. Never throws; every returned persona/intent/benefit is a slice of `withoutMarkup(text)`.
 * `options.now` resolves year-less check-by dates to the next such day on or after it.
 */
export function parseStory(text: string, options: ParseStoryOptions = {}): ParsedStory {
  // An expectation laid out as fields ("Metric: …", "Baseline: …") is read as the sentence it stands for.
  const input = typeof text === 'string' ? withFieldsAsSentence(withoutMarkup(text), MAX_PARSED_CHARS) : '';
  const limit = Math.min(input.length, MAX_PARSED_CHARS);
  const now = options.now instanceof Date && !Number.isNaN(options.now.getTime()) ? options.now : undefined;
  const notes: string[] = [];

  const found = findExpectations(input, limit);
  const expectation = found.hits[0] ?? null;
  const stopAt = expectation ? sentenceStartOf(input, expectation.start) : limit;
  const parts = parseStoryForm(input, limit, stopAt);
  // Beside a story, or after an expectation, a sentence that states a movement states one more expectation; in
  // other text (a bug report's "memory grows from 2 GB to 8 GB") it is a description, and is not read as one.
  const freeFrom = parts.intent !== null ? parts.end : found.freeFrom;
  const free =
    freeFrom < 0
      ? []
      : findMovementSentences(input, freeFrom, limit, found.hits, MAX_EXPECTATIONS - found.hits.length, now);
  const expectations =
    free.length === 0 ? found.hits : [...found.hits, ...free].sort((a, b) => a.start - b.start);

  let expectedOutcomes: ParsedExpectedOutcome[] = [];
  const outcomeNotes: string[] = [];
  // Whether an expectation was stated, kept or not: a missing one is then said by what was not kept.
  let said = false;
  for (const [i, hit] of expectations.entries()) {
    // "Also, churn should fall …", "Success: meanwhile churn …": the words that open it are not its metric's.
    const clause = input.slice(
      afterOpeningWords(input, hit.clauseStart, hit.clauseEnd, false),
      hit.clauseEnd,
    );
    // A bug report's "Expected result:" counts only with a number: "Expected Result File menu should drop down"
    // has none.
    const res = parseExpectations(clause, now, {
      label: hit.label,
      bare: hit.bare === true,
      numbered: hit.report === true,
    });
    if (hit.report && res.outcomes.length === 0) continue;
    // A sentence with no "We expect" counts only with numbers: "(reason to increase ulimit) 8:25:52" has none.
    // With them, every movement it states is kept, as after "We expect": "reduce our 40 percent drop-off rate and
    // increase conversion by 10 percent" keeps the conversion, for the measurable check to ask for its numbers.
    if (
      hit.free &&
      res.outcomes.length > 0 &&
      !res.outcomes.some((o) => o.baseline !== null || o.target !== null)
    )
      continue;
    said = true;
    const stretch =
      res.outcomes.length === 0
        ? null
        : stretchAfter(input, hit.clauseEnd, limit, res.outcomes, now, res.notes);
    if (stretch !== null) res.outcomes.push(stretch);
    const room = MAX_EXPECTATIONS - expectedOutcomes.length;
    expectedOutcomes.push(...res.outcomes.slice(0, room));
    if ((i > 0 || hit.free) && res.outcomes.length === 0) {
      // A later expectation sentence that could not be read is named, so it is not lost unseen.
      outcomeNotes.push(...res.notes.filter((n) => !n.startsWith('A "We expect')));
      outcomeNotes.push(
        `The expectation "${clause.trim().slice(0, 80)}" names no metric that could be read; it is not kept.`,
      );
    } else outcomeNotes.push(...res.notes);
    if (res.outcomes.length > room)
      outcomeNotes.push(
        `Only ${MAX_EXPECTATIONS} expectations are read; "${clause.trim().slice(0, 80)}" goes past them.`,
      );
  }
  const stated = expectation ? null : movementStatedIn(parts, now);
  for (const { label, at } of found.midSentence)
    if (
      !expectations.some((hit) => hit.start <= at && at < hit.clauseEnd) &&
      stated?.label?.toLowerCase() !== label.toLowerCase()
    )
      outcomeNotes.push(
        `"${label.trim()}" is in the middle of a sentence, so what follows it was not read as an expectation; start a sentence or a line with it.`,
      );
  if (stated) {
    // The benefit or want comes before the sentences after the story.
    expectedOutcomes = [...stated.outcomes, ...expectedOutcomes].slice(0, MAX_EXPECTATIONS);
    outcomeNotes.unshift(stated.note, ...stated.notes);
  }
  expectedOutcomes = keptOnce(expectedOutcomes, outcomeNotes);
  const expectedOutcome = expectedOutcomes[0] ?? null;
  // A further expectation with no day of its own is checked by the bet's (bet tracking): said, so no one thinks
  // it is never checked, or checked on a day of its own.
  const firstDay = expectedOutcome?.checkBy;
  if (firstDay) {
    // Each metric once, named as first written ("Repeat orders", then "repeat orders").
    const undated = new Map<string, string>();
    for (const e of expectedOutcomes.slice(1))
      if (e.checkBy === null && !undated.has(e.metric.toLowerCase()))
        undated.set(e.metric.toLowerCase(), e.metric);
    for (const metric of undated.values())
      outcomeNotes.push(
        `"${metric}" has no check-by date of its own: it is checked by the first expectation's, ${firstDay}.`,
      );
  }

  const missing: StoryPart[] = [];
  if (parts.persona === null) missing.push('persona');
  if (parts.intent === null) missing.push('intent');
  if (parts.benefit === null) missing.push('benefit');
  if (expectedOutcome === null) missing.push('expectedOutcome');
  for (const part of missing) if (part !== 'expectedOutcome' || !said) notes.push(EMPTY_NOTES[part]);
  notes.push(...outcomeNotes);
  if (input.length > MAX_PARSED_CHARS) notes.push(`Only the first ${MAX_PARSED_CHARS} characters were read.`);

  return {
    persona: parts.persona,
    intent: parts.intent,
    benefit: parts.benefit,
    expectedOutcome,
    expectedOutcomes,
    missing,
    notes,
  };
}
