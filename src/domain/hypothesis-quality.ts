/**
 * Hypothesis quality: six named checks on what a product owner wrote, each with the words it judged and why.
 * After the Quality User Story criteria (well-formed, atomic, minimal, problem-oriented) plus two of this app's
 * own: the role must be someone who uses the product, and the expectation must be measurable and consistent.
 *
 * The score (score.ts) counts these checks, so text that only fills the boxes ("x", "y", "z") earns nothing.
 * Pure: no I/O and no clock (the day to compare a check-by date with is passed in). Linear regexes only.
 */
import { endsAbbreviation } from './abbreviations';
import { amountText, type DecimalMark } from './amounts';
import { alsoCheckByNotBefore, farCheckBy, passedCheckBy } from './check-by';
import { isValidDay } from './dates';
import { ISO_DATE_PATTERN, checkIssueLensDraft, isRealDate } from './draft-rules';
import { toBeforeWant } from './hypothesis-text';
import { MAX_ABS_VALUE } from './measurement-input';
import { detectRecipe, type RecipeVerdict } from './recipe-detector';
import type { RecipeSignalKind } from './recipe-signals';
import { impossibleAmount } from './possible-amounts';
import {
  betMetricProblem,
  hasWord,
  isTemplateSlot,
  namesBetMetric,
  namesNothing,
  saysSomething,
} from './says-something';
import type { ExpectedOutcome, Hypothesis, IssueLensDraft } from './schemas';
import { asSeen } from './visible-text';

export { saysSomething } from './says-something';

export const QUALITY_CRITERIA = [
  'well-formed',
  'atomic',
  'minimal',
  'valid-role',
  'problem-oriented',
  'measurable',
] as const;
export type QualityCriterion = (typeof QUALITY_CRITERIA)[number];

export interface QualityCheck {
  criterion: QualityCriterion;
  ok: boolean;
  /** The words the check judged (quoted to the user); null when there was nothing to quote. */
  phrase: string | null;
  why: string;
}

export interface QualityInput {
  hypothesis: Hypothesis;
  /** Every expectation the owner wrote; the first one is the one the score measures. */
  expected: ExpectedOutcome[];
  /**
   * When judging a whole story as written (the CLI, a pasted story), its first sentence after its own that is
   * neither an expectation nor its "So that …" (extraSentence, story-sentences.ts): `minimal` fails on it.
   */
  extraSentence?: string | null;
  /** `YYYY-MM-DD`: a check-by date before this day fails `measurable`. Left out, the date is not judged. */
  checkByNotBefore?: string;
  /**
   * The further expectations as stored, when judging an edit of them: one kept as it is is not judged by
   * `checkByNotBefore` (its day may have come due since, as the save's alsoCheckByNotBefore has it).
   */
  storedAlsoExpected?: ExpectedOutcome[];
  /**
   * The recipe detector's evidence in the want, beyond its first word, when the caller already ran the detector
   * over text the want is part of (see wantEvidenceIn); left out, the detector is run on the want here.
   */
  wantEvidence?: string[];
  /** The reader's decimal mark, for the numbers the checks quote; a point when left out. */
  decimalMark?: DecimalMark;
}

function namesSomeone(text: string | undefined): boolean {
  const value = (text ?? '').trim();
  return hasWord(value, 2) && !namesNothing(value);
}

/**
 * Whether each part says something, judged once per hypothesis: the checks and the score ask it of the same parts
 * many times. The persona is judged as a role, which may be short ("PO", "QA").
 */
export interface PartsSaid {
  persona: boolean;
  intent: boolean;
  benefit: boolean;
  metric: boolean;
}

/**
 * The parts as a reader sees them (visible-text.ts, asSeen): "sys\u200Btem", "system\u00AD" and fullwidth
 * "ｓｙｓｔｅｍ" are "system", and "\u202Eyyy\u202C" is "yyy". The checks read text only through this, once where
 * it enters them; ASCII parts, most of them, are given back as they are.
 */
export function hypothesisAsSeen(h: Hypothesis): Hypothesis {
  const [persona, intent, benefit] = [partAsSeen(h.persona), partAsSeen(h.intent), partAsSeen(h.benefit)];
  return persona === h.persona && intent === h.intent && benefit === h.benefit
    ? h
    : { ...h, persona, intent, benefit };
}

const partAsSeen = (part: string | undefined): string | undefined =>
  part === undefined ? part : asSeen(part);

/** An expectation with its metric's name as a reader sees it (hypothesisAsSeen). */
export function expectedAsSeen(e: ExpectedOutcome): ExpectedOutcome {
  const metric = e.metric === undefined ? e.metric : asSeen(e.metric);
  return metric === e.metric ? e : { ...e, metric };
}

export function partsSaid(written: Hypothesis, expected: ExpectedOutcome | undefined): PartsSaid {
  return partsSaidAsSeen(hypothesisAsSeen(written), expected && expectedAsSeen(expected));
}

/** partsSaid of a hypothesis hypothesisAsSeen gave, and an expectation whose metric is as seen: read once. */
export function partsSaidAsSeen(h: Hypothesis, expected: ExpectedOutcome | undefined): PartsSaid {
  return {
    persona: namesSomeone(h.persona),
    intent: saysSomething(h.intent),
    benefit: saysSomething(h.benefit) && !benefitRepeatsWant(h),
    metric: namesBetMetric(expected?.metric),
  };
}

/** What a benefit may say before it repeats the want: "I can …", "we are able to …". */
const CAN_LEAD =
  /^(?:(?:i|we|they|you|users?)\s+(?:can|could|will|would|may|am|are)\s+)?(?:(?:be\s+)?able\s+)?(?:to\s+)?/;

/** What separates words, as wordsOf reads them: no Unicode classes, as the score asks this of every story. */
const BETWEEN_WORDS = /[\s.,;:!?'"“”‘’()[\]{}*_-]+/g;
const BETWEEN_WORDS_CHARS = ' \t\n\r.,;:!?\'"“”‘’()[]{}*_-';

/** The words of a part, lower case, one space between them. */
const wordsOf = (text: string): string => text.toLowerCase().replace(BETWEEN_WORDS, ' ').trim();

/** Where a part's last word ends: the index of its last character, -1 for none. */
function lastWordEnd(text: string): number {
  let i = text.length - 1;
  while (i >= 0 && BETWEEN_WORDS_CHARS.includes(text[i]!)) i--;
  return i;
}

/**
 * Whether two parts' last words end in the same three characters, case aside (by a bit that folds ASCII and most
 * alphabets, and never tells equal characters apart): parts that end differently are not one, and most do.
 */
function endAlike(a: string, b: string): boolean {
  let [i, j] = [lastWordEnd(a), lastWordEnd(b)];
  for (let k = 0; k < 3; k++, i--, j--) {
    if (i < 0 || j < 0) return i < 0 && j < 0;
    if ((a.charCodeAt(i) | 32) !== (b.charCodeAt(j) | 32)) return false;
  }
  return true;
}

/**
 * "I want to save items, so that I can save items": the end only says the means again, which states no reason.
 * Compared word for word; a benefit that goes on past the want ("save items to buy them later") is a reason.
 */
function benefitRepeatsWant(h: Hypothesis): boolean {
  if (!h.intent || !h.benefit || !endAlike(h.intent, h.benefit)) return false;
  const want = wordsOf(h.intent).replace(CAN_LEAD, '');
  return want !== '' && wordsOf(h.benefit).replace(CAN_LEAD, '') === want;
}

/** The app itself, its makers, or its backlog's author: none of them is a user with a need. */
const THE_PRODUCT =
  /^(?:(?:the|a|an|our|my|this)\s+)?(?:[\w-]+\s+){0,2}(?:system|app|application|software|product|platform|server|back-?end|front-?end|database|service|microservice|program|code|website|site|tool|api|bot|job|script|scheduler|module|component|pipeline|ci|ci\/cd|jenkins|cron)$/i;
/**
 * The organisation behind the product, not a person in it: "the business", "the company". "A business" or "a company"
 * may be a customer (a marketplace's sellers), and "IT" or "management" the users of an internal tool: not these.
 */
const ITS_ORGANISATION = /^the\s+(?:business|company|organi[sz]ation)$/i;
/** A maker of the product, bare or of the product or team ("developer of the app"), not one who builds on it. */
const ITS_DEVELOPERS =
  /^(?:(?:the|a|an|our|my)\s+)?(?:(?:senior|junior|lead|back-?end|front-?end|full-?stack|software|web|mobile|app|qa)\s+)?(?:developers?|devs?|programmers?|engineers?|testers?)(?:\s+(?:of|on|for|at|in|working\s+on)\s+(?:the|this|our|my)\s+(?:app|application|product|system|platform|site|website|team|project|code(?:base)?|tool|service))?$/i;
/**
 * The team, or who owns its backlog: the same people the recipe model reads as the team's own persona
 * (recipe-features.ts, OWNER_PERSONA), so a story the panel calls a team's plan is not also told it names a user.
 */
const ITS_TEAM =
  /^(?:(?:the|a|an|our|my)\s+)?(?:(?:dev(?:elopment)?|engineering|scrum|product)\s+team(?:\s+members?)?|team(?:\s+members?)?|po|pm|product\s+(?:owner|manager)|project\s+manager|business\s+analyst|scrum\s+master)$/i;
/**
 * The story's author, bare or speaking as someone ("myself", "me as a user", "I as a customer"): the role must name
 * who benefits, not who writes. "US shoppers" names a country's shoppers, so "us" counts only bare or with "as".
 */
const THE_AUTHOR =
  /^(?:i|we|me|us|myself|ourselves|yourself|my\s+self|(?:i|we|me|us|myself|ourselves)\s+(?:as|being)\s+.*)$/i;

/** Why a role is not someone who uses the product, or null when it is. */
function notAUserWhy(role: string): string | null {
  if (THE_PRODUCT.test(role))
    return `"${role}" is the product, not a person: name who uses it and has the need.`;
  if (ITS_DEVELOPERS.test(role))
    return `"${role}" reads as the product's own maker: name the person who uses it. If your users are developers, say which ones ("a developer building on our API").`;
  if (ITS_TEAM.test(role))
    return `"${role}" builds or owns the product; name the person who uses it and has the need. If your product is made for such people, say which ones ("a project manager planning releases in our tool").`;
  if (THE_AUTHOR.test(role)) return `"${role}" is the story's author: name the person who uses the product.`;
  if (ITS_ORGANISATION.test(role))
    return `"${role}" is the organisation behind the product, not someone who uses it: name the person who has the need.`;
  return null;
}

/**
 * "Server" is a machine or a person who waits at tables: the want tells which. Words of a restaurant's floor make
 * it a person ("take orders faster", "my tables", "diners", "tips"); without them it is read as the machine.
 */
const SERVES_AT_TABLES =
  /^(?:(?:the|a|an|our|my)\s+)?(?:restaurant\s+|bar\s+|cafe\s+|café\s+|head\s+|lead\s+)?servers?$/i;
const RESTAURANT_WANT =
  /\b(?:(?:take|taking|took|enter|entering|send|sending|place|placing)\s+(?:(?:the|an?|my|their|more|new|drink|food|table)\s+){0,2}orders?|diners?|guests?|patrons?|tips?|shifts?|menus?|food|drinks?|meals?|dishes|kitchen|restaurant|reservations?|seating|allerg\w*|my\s+(?:tables?|section|customers?))\b/i;

function checkRole(h: Hypothesis, said: PartsSaid): QualityCheck {
  const role = (h.persona ?? '').trim();
  if (!role) return fail('valid-role', null, 'No role: say who has the need, e.g. "a returning shopper".');
  if (!said.persona)
    return fail(
      'valid-role',
      role,
      isTemplateSlot(role)
        ? `"${role}" is the template's placeholder, not a role: name the person who uses the product.`
        : `"${role}" is not a role: name the person who uses the product.`,
    );
  if (SERVES_AT_TABLES.test(role) && RESTAURANT_WANT.test(`${h.intent ?? ''} ${h.benefit ?? ''}`))
    return pass(
      'valid-role',
      role,
      `"${role}" waits on people, as the want says: someone who uses the product.`,
    );
  const why = notAUserWhy(role);
  if (why) return fail('valid-role', role, why);
  return pass('valid-role', role, `"${role}" is someone who uses the product.`);
}

const wellFormed = (): QualityCheck => pass('well-formed', null, 'Role, means and end are all written.');

function checkWellFormed(h: Hypothesis, said: PartsSaid): QualityCheck {
  // Three parts that say something are written, none of them a placeholder, and the benefit repeats nothing.
  if (said.persona && said.intent && said.benefit) return wellFormed();
  // A benefit that repeats the want says something, only not why: it has its own message below.
  const repeats = said.intent && !said.benefit && benefitRepeatsWant(h);
  const parts: Array<[string, string | undefined, boolean]> = [
    ['the persona (who, the role)', h.persona, said.persona],
    ['the intent (what they want, the means)', h.intent, said.intent],
    ['the benefit (why, the end)', h.benefit, said.benefit || repeats],
  ];
  const empty = parts.filter(([, value]) => !value?.trim()).map(([name]) => name);
  const hollow = parts.filter(([, value, says]) => value?.trim() && !says);
  const slots = hollow.filter(([, value]) => isTemplateSlot(value!));
  if (slots.length > 0) {
    const quoted = slots.map(([name, value]) => `${name} "${value!.trim()}"`);
    return fail(
      'well-formed',
      slots[0]![1]!.trim(),
      `${joinList(quoted)} ${slots.length > 1 ? 'are' : 'is'} still the template's placeholder: write your own words in ${slots.length > 1 ? 'their' : 'its'} place.`,
    );
  }
  if (hollow.length > 0) {
    const quoted = hollow.map(([name, value]) => `${name} "${value!.trim()}"`);
    return fail(
      'well-formed',
      hollow[0]![1]!.trim(),
      `${joinList(quoted)} ${hollow.length > 1 ? 'say' : 'says'} nothing yet: write it in words.`,
    );
  }
  if (empty.length > 0)
    return fail('well-formed', null, `Missing ${joinList(empty)}: a hypothesis has all three.`);
  if (repeats)
    return fail(
      'well-formed',
      h.benefit!.trim(),
      'The benefit repeats the want: say why the user needs it, what it gains them.',
    );
  return wellFormed();
}

/**
 * Two needs in one want: a conjunction followed by a second verb with its own object ("bookmark items and
 * share them"). Two objects of one verb ("orders and invoices") and fixed pairs are one need.
 */
const SECOND_NEED =
  /(?:\s(?:and(?:\s+also)?|as\s+well\s+as|plus|&)\s+|;\s*|,\s*(?:and\s+)?also\s+)(?:(?:to|then|can|could|also)\s+)?(?![a-z]+ing\s)([a-z]{2,}\s+(?:the|a|an|my|our|their|his|her|its|them|it|all|any|every|each|some|new|more|to)\b)/i;
/**
 * A second action right after a conjunction, a comma or a slash, with or without its own object: "edit and delete
 * ads", "add or remove facilities", "filter, sort and aggregate data", "import/export". Only verbs that are rarely
 * nouns or adjectives are listed ("report", "schedule", "complete" are left out), and a verb followed by a
 * preposition is a noun's use ("the share of …").
 */
const SECOND_ACTION = new RegExp(
  // "and to compare" is a second action; ", to compare" alone is what the first is for.
  '(?:\\s(?:and|or|&|plus|as\\s+well\\s+as)\\s+(?:to\\s+)?|\\s*[,/;]\\s*(?:(?:and|or|plus)\\s+(?:to\\s+)?)?)(?:then\\s+|also\\s+)?(' +
    'add|remove|edit|delete|create|modify|update|view|see|browse|filter|sort|search|find|sign|submit|approve|' +
    'reject|read|import|export|upload|download|generate|validate|send|track|share|save|print|pay|book|cancel|' +
    'invite|manage|review|compare|indent|outdent|aggregate|publish|archive|rename|move|copy|paste|close|open|' +
    'assign|register|rate|reply|restore|duplicate|merge|identify|prioriti[sz]e|receive|notify|contact|accept|' +
    'decline|confirm|verify|visuali[sz]e|analy[sz]e|explore|join|leave|follow|unfollow|subscribe|unsubscribe|' +
    'enable|disable|configure|customi[sz]e|select|choose|finish|pause|resume|retry|reset|install|uninstall|' +
    'play|watch|buy|sell|refund|transfer|withdraw|deposit|apply|enrol|enroll|attend|vote|estimate|discuss|learn|' +
    'understand|know|hide|show|collapse|expand|zoom|lock|unlock|block|unblock|ask|describe|explain|define|link|' +
    'unlink|attach|detach|embed|extract|convert|translate|monitor|measure|calculate|predict|forecast|automate|' +
    'debug|fix|preview|conduct|prepare|get|store|write|check|' +
    // Movements of a metric: "reduce drop-off and increase conversion" is two bets.
    'increase|decrease|reduce|improve|boost|grow|shorten|minimi[sz]e|maximi[sz]e|raise|' +
    // Verbs that are nouns as often ("the rent", "a tag", "a stream"): a verb only with a word after them, and
    // "make" not in "make sure" or "make it …", which say how, not what else.
    '(?:reserve|rent|tag|stream|post|chat|record|scan|sync|organi[sz]e|plan|order|' +
    'make(?!\\s+(?:sure|it|them|this|that|things|everything)\\b))(?=\\s+[a-z])' +
    ')\\b(?!\\s+(?:of|for|to|is|are|was|were|and|or|in|on|with)\\b)',
  'i',
);
/** A second want said outright after the first: "save items; I also want price alerts", "…, and we need …". */
const SECOND_WANT =
  /(?:[;,]\s*|\s(?:and|plus)\s+)(?:(?:I|we)\s+(?:also\s+)?(?:want|need|would\s+(?:also\s+)?like)|(?:I|we)['’]d\s+(?:also\s+)?like)\b/i;
/**
 * A want that is a thing to have and lists a second thing, each with its own article: "a wishlist and a gift
 * registry", "a dashboard and an export API". One thing with two parts is one need ("a list of orders and
 * invoices", "an app with class booking and a membership card"): the "and" then joins what a "with" or "of" adds.
 */
const SECOND_THING =
  /^(?:(?:to\s+)?(?:have|get)\s+)?(?:an?|some|new)\s(?:(?!\b(?:with|of|for|including|containing|that|which|where)\b)[^,;])*?\s((?:and|plus|as\s+well\s+as)\s+an?\s+\w)/i;
/** What SECOND_NEED and SECOND_ACTION both need to match at all. */
const JOINS_TWO = /[,;/&]|\s(?:and|or|plus|as)\s/i;
/** Where a want's own actions end: a clause about something else starts ("ensure that …", "know what …"). */
const CLAUSE_START = /\s(?:that|which|who|whom|whose|where|when|how|what|why|whether|if|so|because|while)\b/i;
const FIXED_PAIRS =
  /\b(?:drag\s+and\s+drop|terms\s+and\s+conditions|pros\s+and\s+cons|black\s+and\s+white|copy\s+and\s+paste|cut\s+and\s+paste|pick\s+and\s+choose|search\s+and\s+replace|find\s+and\s+replace|back\s+and\s+forth|up\s+and\s+running)\b/gi;

function checkAtomic(intent: string | undefined, said: PartsSaid): QualityCheck {
  const want = (intent ?? '').trim();
  if (!said.intent) return pass('atomic', null, 'No want to split.');
  // Both patterns start at a conjunction, a comma, a semicolon or a slash: most wants have none.
  if (!JOINS_TWO.test(want)) return pass('atomic', want, 'One need.');
  // The want's own actions, before a clause about something else ("be sure that no one can … and …").
  const clause = CLAUSE_START.exec(want);
  const own = clause ? want.slice(0, clause.index) : want;
  const secondIn = (text: string) =>
    SECOND_NEED.exec(text) ?? SECOND_ACTION.exec(text) ?? SECOND_WANT.exec(text) ?? secondThing(text);
  const m = secondIn(own);
  // A fixed pair ("drag and drop") is read as one word only when it is what matched: most wants have none.
  const second = m && FIXED_PAIRS.test(own) ? secondIn(own.replace(FIXED_PAIRS, joinPair)) : m;
  FIXED_PAIRS.lastIndex = 0;
  if (second) {
    const phrase = quotedFrom(want.slice(second.index));
    return fail('atomic', phrase, `"${phrase}" is a second need: write it as its own story.`);
  }
  return pass('atomic', want, 'One need.');
}

/** SECOND_THING's match, from the word that joins the second thing on. */
function secondThing(want: string): { index: number } | null {
  const m = SECOND_THING.exec(want);
  return m === null ? null : { index: m.index + m[0].length - m[1]!.length };
}

const joinPair = (pair: string): string => pair.replace(/\s/g, '_');

/** What a check quotes of the text from a match on: without the mark that joined or ended what went before. */
const quotedFrom = (text: string): string =>
  (text.replace(/^[\s,;:/&.!?…]+/, '').trim() || text.trim()).slice(0, 80);

/** Brackets, examples and a second sentence belong in the description, not in the story. */
const NOT_MINIMAL = [
  { re: /[([{][^)\]}]*[)\]}]?/, why: 'adds a remark in brackets' },
  {
    re: /\b(?:e\.\s?g\.|i\.\s?e\.|for\s+example|for\s+instance|such\s+as|etc\.?)(?=\s|$|[,;:])/i,
    why: 'gives examples',
  },
  // A full stop that ends an abbreviation ("incl. VAT") ends no sentence: read with sentenceBreakIn.
  // "later.The button is blue": a sentence may start with no space after the full stop, before a capitalised word.
  {
    re: /[.!?](?:\s+\S|(?<=[a-z]{2}.)(?=[A-Z][a-z]))[^]*$/g,
    why: 'goes on with another sentence',
    sentenceBreak: true,
  },
] as const;

/**
 * What any NOT_MINIMAL rule needs to match: a bracket, a sentence's mark, or an example's words ("e.g." and "i.e."
 * have a full stop). Most parts have none, and "for" alone is common in a want ("save items for later").
 */
const MAY_NOT_BE_MINIMAL = /[([{.!?]|\b(?:etc|for\s+(?:example|instance)|such\s+as)/i;

function checkMinimal(h: Hypothesis, extra: string | null | undefined): QualityCheck {
  const notMinimal = notMinimalPart(h.persona) ?? notMinimalPart(h.intent) ?? notMinimalPart(h.benefit);
  if (notMinimal) return notMinimal;
  if (extra)
    return fail(
      'minimal',
      extra,
      `The story goes on with another sentence ("${extra}"): details belong in the description.`,
    );
  return pass('minimal', null, 'One sentence, no remarks or examples.');
}

/** The first NOT_MINIMAL rule a part of the story breaks, as a failed check; null when it breaks none. */
function notMinimalPart(value: string | undefined): QualityCheck | null {
  if (!value) return null;
  const part = withoutEndMarks(value.trim());
  // One test instead of three for the many parts that break no rule. A template's "[persona]" is no remark:
  // well-formed says what it is.
  if (!MAY_NOT_BE_MINIMAL.test(part) || isTemplateSlot(value)) return null;
  for (const rule of NOT_MINIMAL) {
    const m = 'sentenceBreak' in rule ? sentenceBreakIn(part, rule.re) : rule.re.exec(part);
    if (m) {
      const phrase = quotedFrom(m[0]);
      return fail('minimal', phrase, `The story ${rule.why} ("${phrase}"): keep the story to one sentence.`);
    }
  }
  return null;
}

/** The first match of the global `re` whose full stop does not end an abbreviation ("incl. VAT", "Dr. Smith"). */
function sentenceBreakIn(part: string, re: RegExp): RegExpExecArray | null {
  re.lastIndex = 0;
  let m = re.exec(part);
  while (m !== null && m[0].startsWith('.') && endsAbbreviation(part, m.index)) {
    re.lastIndex = m.index + 1;
    m = re.exec(part);
  }
  re.lastIndex = 0;
  return m;
}

/** The text without the full stops, exclamation or question marks it ends with. */
function withoutEndMarks(text: string): string {
  let end = text.length;
  for (let c = text.charCodeAt(end - 1); c === 46 || c === 33 || c === 63; c = text.charCodeAt(end - 1))
    end--;
  return end === text.length ? text : text.slice(0, end);
}

/** A build verb then a thing to build: "develop a mobile app", "add a Save button", "implement an API". */
const BUILD_THEN_ARTEFACT =
  /^(?:(?:develop|build|create|implement|add|design|introduce|integrate|install|deploy|code|program|set\s+up|make|put|place|display|show|have|provide|include|offer)\s+)(?:[\w'’-]+\s+){0,5}?(?:(?:mobile\s+|web\s+)?apps?|applications?|buttons?|pages?|screens?|dashboards?|chat-?bots?|bots?|widgets?|modules?|apis?|endpoints?|databases?|tables?|columns?|fields?|forms?|menus?|drop-?downs?|modals?|pop-?ups?|dialogs?|tabs?|icons?|links?|banners?|(?:push\s+|email\s+)?notifications?|features?|functionality|plugins?|plug-?ins?|portals?|websites?|sites?|systems?|interfaces?|ui|sections?|panels?|check-?box(?:es)?|toggles?|sliders?|carousels?|wizards?|scripts?|services?|integrations?)\b/i;
/**
 * "I want a Save for Later button" (or "see a …", or a widget named bare): the want is a thing to build, not
 * something the user does. "the … button" is one the user meets ("find the Place Order button"), not one to build.
 */
const WIDGETS_WANTED =
  '(?:buttons?|drop-?downs?|modals?|pop-?ups?|check-?box(?:es)?|toggles?|banners?|icons?|sliders?|carousels?|wizards?|widgets?)';
const WIDGET_WANTED = new RegExp(
  `^(?:(?:see|use|get)\\s+(?:a|an|some|new)\\s+(?:[\\w'’-]+\\s+){0,5}?|(?:(?!the\\b)[\\w'’-]+\\s+){0,5})${WIDGETS_WANTED}(?:$|(?=\\s+(?:on|in|at|to|for|next|beside|under|above|below)\\b))`,
  'i',
);
/** A widget's name anywhere: a want without one, most wants, is not read word by word for WIDGET_WANTED. */
const NAMES_A_WIDGET = new RegExp(`\\b${WIDGETS_WANTED}`, 'i');
const ARTEFACTS =
  '(?:buttons?|drop-?downs?|modals?|pop-?ups?|check-?box(?:es)?|toggles?|tabs?|banners?|icons?|links?|chat-?bots?|(?:mobile\\s+)?apps?|pages?|screens?|dashboards?|widgets?|fields?|menus?|sliders?|carousels?|wizards?|features?|apis?|endpoints?|integrations?|notifications?)';
const NOUN_PHRASE_ARTEFACT = new RegExp(
  `^(?:a|an|the|some|new)\\s+(?:[\\w'’-]+\\s+){0,5}?${ARTEFACTS}\\b`,
  'i',
);
/**
 * A new thing named where a want says what a thing there should do: "the cart to have a Save for Later button".
 * Only where the name ends the phrase: "a screen reader" is no screen to build.
 */
const ARTEFACT_TO_ADD = new RegExp(
  `\\b(?:a|an|some|new)\\s+(?:[\\w'’-]+\\s+){0,4}?${ARTEFACTS}(?=\\s*(?:$|[,.;:!?)]|(?:on|in|at|to|for|next|beside|under|above|below|that|which|so|and|with)\\b))`,
  'i',
);
/** What follows "the page" when the want is what it should do: "the page to load …", "the app to remember …". */
const TO_DO = /^\s+to\s+\p{L}/u;
/** A thing there already, in up to three words, and what it should do: "the checkout to work …", "the total to update". */
const THING_TO_DO = /^the\s+(?:[\w'’-]+\s+){0,2}?[\w'’-]+(?=\s+to\s+\p{L})/iu;

/**
 * The thing a want names (NOUN_PHRASE_ARTEFACT), read once for both its uses: a thing to build ("a wishlist page",
 * "new push notifications"), or a thing there already that the want asks to behave ("the page to load in under two
 * seconds": the want is what it should do for the user, a need the squad may meet as it sees fit).
 */
interface NamedThing {
  toBuild: RegExpExecArray | null;
  toBehave: string | null;
}

function namedThing(want: string): NamedThing {
  // "the checkout to work with a screen reader": what a thing there should do, whatever the words after it name.
  const behaving = THING_TO_DO.exec(want);
  if (behaving) {
    const added = ARTEFACT_TO_ADD.exec(want.slice(behaving[0].length));
    return added ? { toBuild: added, toBehave: null } : { toBuild: null, toBehave: behaving[0] };
  }
  const m = NOUN_PHRASE_ARTEFACT.exec(want);
  if (m && /^the\s/i.test(m[0]) && TO_DO.test(want.slice(m[0].length)))
    return { toBuild: null, toBehave: m[0] };
  return { toBuild: m, toBehave: null };
}

/**
 * The detector's evidence without the thing a want asks to behave ("the page" of "the page to load faster"): the
 * detector reads "want the page" as a widget wanted, which the want goes on to say it is not.
 */
function withoutThingToDo(evidence: string[], thingToBehave: string | null, asHad?: string): string[] {
  if (thingToBehave === null) return evidence;
  const thing = thingToBehave.toLowerCase();
  // "have the application" of "have the application respond …", as the detector quotes it.
  const had = asHad?.trim().toLowerCase();
  return evidence.filter((phrase) => {
    const p = phrase.toLowerCase();
    return p !== thing && p !== had;
  });
}

/**
 * The detector's evidence in the want, leaving out its first word: a want starts with the user's own action
 * ("edit my profile", "create an account"), which the detector alone would read as a build instruction.
 */
function evidenceBeyondFirstWord(verdict: RecipeVerdict, text: string, from: number, to: number): string[] {
  const evidence: string[] = [];
  let prescribes = false;
  let looks = 0;
  for (const r of verdict.reasons) {
    if (r.source !== 'summary' || r.end > to || r.end <= from || WIDGET_NAME.test(r.phrase)) continue;
    // A word the model learned leans one way ("our", "api", "plan") but prescribes nothing by itself: it counts
    // only where the whole verdict says recipe, and beside a phrase that does say what to build (below).
    if (r.kind === 'learned' && !verdict.isRecipe) continue;
    // "user-centered": a word of a hyphenated compound is not the word on its own ("centered" as a position).
    // A technology stays named in one ("a React-based dashboard").
    if (r.kind !== 'technology' && r.kind !== 'work-item' && inCompound(text, r.start, r.end)) continue;
    if (r.start > from) evidence.push(r.phrase);
    // The want read as a build plan starts at "want", before it ("want to refactor"): its part in the want is
    // quoted. Evidence from the want's first word on is the user's own action ("create an account").
    else if (r.start < from && r.kind === 'work-item') evidence.push(r.phrase.slice(from - r.start).trim());
    else continue;
    if (LOOK_KINDS.has(r.kind)) looks++;
    else if (r.kind !== 'learned') prescribes = true;
  }
  // Learned words alone ("a research plan", "content design") name no solution: the want says no more than a need.
  // Nor does one detail of where something sits, its colour or its size, in a story that does not read as a recipe
  // ("see the delivery cost above the total"): a lighter prescription in a need (RUBRIC.md). Two make a look the
  // want lays down ("see my cart in a blue box in the upper right corner").
  return prescribes || looks > 1 || (looks === 1 && verdict.isRecipe) ? evidence : [];
}

/** The detector's kinds for how something looks: where it sits, its colour, its size. */
const LOOK_KINDS: ReadonlySet<RecipeSignalKind> = new Set<RecipeSignalKind>([
  'ui-position',
  'ui-colour',
  'ui-size',
]);

/** Whether the words from `start` to `end` are joined to a word before or after them by a hyphen. */
const inCompound = (text: string, start: number, end: number): boolean =>
  (start > 1 && text.charCodeAt(start - 1) === 45 && text.charCodeAt(start - 2) !== 32) ||
  (text.charCodeAt(end) === 45 && end + 1 < text.length && text.charCodeAt(end + 1) !== 32);

/**
 * A widget named on its own is one the user meets ("find the Place Order button"); a widget to build is caught
 * above, as the object of a build verb or as the whole want. Colours, positions, sizes and technologies remain.
 */
const WIDGET_NAME =
  /^(?:buttons?|modals?|modal dialog|pop-?ups?|drop-?downs?|dropdown menus?|check-?box(?:es)?|radio buttons?|tooltips?|banners?|carousels?|sliders?|toggles?|tabs|navbar|nav bar|side-?bar|hamburger menu|icons?|spinner|progress bar|text ?box|text field|input field|widget)$/i;

/** The want's evidence from a verdict on a whole story the want is a slice of; null when it is not one. */
export function wantEvidenceIn(
  verdict: RecipeVerdict,
  story: string,
  intent: string | null,
): string[] | null {
  if (!intent) return [];
  const start = story.indexOf(intent);
  return start < 0 ? null : evidenceBeyondFirstWord(verdict, story, start, start + intent.length);
}

/**
 * The recipe evidence in a want written in the panel's fields, read in the story the fields make ("As a <persona>,
 * I want <want>, so that <benefit>"), so that it is judged as the same words in a pasted story are: "refactor the
 * billing module" is a build plan there too.
 */
function evidenceInWant(want: string, h: Hypothesis): string[] {
  const lead = `As a ${h.persona?.trim() || 'user'}, I want ${toBeforeWant(want)}`;
  const benefit = h.benefit?.trim();
  const story = `${lead}${want}${benefit ? `, so that ${benefit}` : ''}`;
  return evidenceBeyondFirstWord(
    detectRecipe({ summary: story }),
    story,
    lead.length,
    lead.length + want.length,
  );
}

const ASKED_OF_THE_BUILDERS = /^(?:you|the\s+(?:team|squad|devs?|developers?|engineers?))\s+to\s+/i;

/**
 * "learn about …", "understand how …", "develop a better understanding of …": to know more is a need, whatever
 * it is about, and "develop" there builds nothing.
 */
const TO_LEARN =
  /^(?:learn|understand|(?:develop|gain|get|build|have)\s+(?:an?\s+|some\s+)?(?:(?:better|deeper|clear(?:er)?|good|full(?:er)?|shared|common|solid|basic|thorough)\s+)?understanding)\b/i;

/**
 * "have the application respond quickly", "have the site comply with …": what a thing there already should do,
 * said as "the application to respond quickly" is (THING_TO_DO). Group 1 is the thing.
 */
const HAVE_THING_DO = new RegExp(
  "^have\\s+(the\\s+(?:[\\w'’-]+\\s+){0,2}?(?:apps?|applications?|(?:web\\s*)?sites?|systems?|platforms?|pages?|tools?|software|products?|services?|portals?|servers?))\\s+(?=" +
    '(?:respond|load|remember|work|function|run|comply|support|show|display|send|e-?mail|notify|remind|save|' +
    'store|keep|update|refresh|sync|recogni[sz]e|detect|suggest|recommend|warn|alert|tell|let|allow|accept|' +
    'validate|check|calculate|sort|filter|open|close|log|sign|lock|handle|behave|perform|scale|adapt|adjust|' +
    'resize|fit|print|export|import|generate|fill|pre-?fill|auto-?fill|ask|prompt|confirm|redirect|return|' +
    'stay|follow|meet|match|use|read|look|react|reply|answer|give|offer|provide|guide|help|track|record|' +
    'find|search|translate|speak|greet|welcome|know|learn|deliver|respect|protect|hide|block|stop|prevent|' +
    'avoid|start|finish|retry|recover|restore)\\b)',
  'i',
);

/**
 * A technique wanted by name, which a squad would choose to meet a need: "a cache layer", "lazy loading of images",
 * "dark mode", "login with OAuth", "a CSV export". The person's own things are not one ("my browser cache", "my
 * microservices"), nor is a product the detector already names (Redis, Kafka). No published story's want names one.
 */
const SOLUTION_TECHNIQUE =
  /(?:^|\b(?:a|new)\s+)microservices?\b|\b(?:cache\s+(?:layer|server)s?|caching|lazy[\s-]loading|infinite[\s-]scroll(?:ing)?|oauth|dark[\s-]mode|csv[\s-]exports?|progress[\s-]bars?)\b/i;

function checkProblemOriented(h: Hypothesis, said: PartsSaid, given: string[] | undefined): QualityCheck {
  const want = (h.intent ?? '').trim();
  if (!said.intent) return fail('problem-oriented', null, 'No want written: say what the user needs.');
  if (TO_LEARN.test(want)) return pass('problem-oriented', want, 'The want is a need, not a solution.');
  // "you to add a wishlist page", "the team to build …": a request to the builders, judged as the work it asks for.
  const request = want.replace(ASKED_OF_THE_BUILDERS, '');
  // "have the application respond …" is read as "the application to respond …": what the thing should do.
  const had = HAVE_THING_DO.exec(request);
  const asked = had ? `${had[1]} to ${request.slice(had[0].length)}` : request;
  const named = namedThing(asked);
  const built =
    BUILD_THEN_ARTEFACT.exec(asked) ??
    named.toBuild ??
    (NAMES_A_WIDGET.test(asked) ? WIDGET_WANTED.exec(asked) : null);
  // "add a product to my wishlist page", "design my own forms": the person's own things, used in the product.
  if (built && !/\b(?:my|our|their|his|her)\b/i.test(built[0])) {
    const phrase = built[0];
    return fail(
      'problem-oriented',
      phrase,
      `"${phrase}" prescribes what to build: say what the user needs to do, and leave the solution to the squad.`,
    );
  }
  const found = withoutThingToDo(given ?? evidenceInWant(want, h), named.toBehave, had?.[0]);
  const technique = SOLUTION_TECHNIQUE.exec(asked)?.[0];
  const evidence =
    technique && !found.some((phrase) => phrase.toLowerCase() === technique.toLowerCase())
      ? [technique, ...found]
      : found;
  if (evidence.length > 0) {
    return fail(
      'problem-oriented',
      evidence[0]!,
      `The want prescribes the solution ("${evidence.slice(0, 3).join('", "')}"): say what the user needs instead.`,
    );
  }
  return pass('problem-oriented', want, 'The want is a need, not a solution.');
}

/**
 * What the save's own rules find wrong with a further expectation ("decrease" from 40 to 55, a check-by day gone
 * when it is not stored as it is), which has no fields of its own to show it at; undefined when nothing is. The
 * panel says it beside the expectation; `measurable` fails on it. Its numbers are written with the reader's `mark`.
 */
export function alsoExpectedProblem(
  e: ExpectedOutcome,
  mark: DecimalMark = '.',
  stored?: Pick<IssueLensDraft, 'alsoExpected'>,
  today?: string,
): string | undefined {
  const named = betMetricProblem(asSeen(e.metric ?? ''));
  if (named) return named;
  const checked = checkIssueLensDraft({ alsoExpected: [e] }, mark);
  if (!checked.ok) return checked.issues[0]?.message;
  const impossible = impossibleAmount(e, mark);
  if (impossible) return impossible;
  return (
    passedCheckBy(e.checkBy, today ? alsoCheckByNotBefore(e, stored ?? null, today) : undefined) ?? undefined
  );
}

/**
 * The first expectation judged in full, then each further one by the save's rules and by the first one's rule for
 * a metric's name ("x" measures nothing wherever it stands): one wrong fails the check.
 */
function checkMeasurable(input: QualityInput, said: PartsSaid): QualityCheck {
  const { expected, checkByNotBefore: notBefore, decimalMark: mark = '.', storedAlsoExpected } = input;
  const first = checkFirstMeasurable(expected[0], said, notBefore, mark);
  if (!first.ok) return first;
  for (const further of expected.slice(1)) {
    const named = betMetricProblem(further.metric ?? '');
    if (named) return fail('measurable', further.metric!.trim(), `In a further expectation, ${named}`);
    // "… and conversion to improve": a further bet with no numbers is a hope, which no one can check.
    const unmeasured = [
      further.baseline === undefined ? 'its baseline today' : null,
      further.target === undefined ? 'the target' : null,
    ].filter((part): part is string => part !== null);
    if (unmeasured.length > 0) {
      const name = further.metric?.trim() || 'a further expectation';
      return fail(
        'measurable',
        name,
        // Said where it was written: a further expectation is read from a story, and has no fields of its own.
        `The further expectation "${name}" cannot be checked: say ${joinList(unmeasured)} in the story ` +
          `("${further.metric?.trim() ? name : 'conversion'} from 12% to 15%"), or leave it out.`,
      );
    }
    const problem =
      alsoExpectedProblem(
        further,
        mark,
        storedAlsoExpected && { alsoExpected: storedAlsoExpected },
        notBefore,
      ) ?? farCheckBy(further.checkBy, notBefore);
    if (problem) {
      const name = further.metric?.trim() || 'a further expectation';
      return fail('measurable', name, `The further expectation "${name}" does not hold: ${problem}`);
    }
  }
  return contradiction(expected) ?? first;
}

/**
 * Two expectations of one metric by one day that cannot both come true: one to rise and one to fall, whichever
 * happens the bet would be called both won and lost. Two targets the same way (a stretch goal: 3% to 4%, and to 5%)
 * can both be met, and pass. A direction its own numbers contradict fails before this, on its own expectation.
 */
function contradiction(expected: ExpectedOutcome[]): QualityCheck | null {
  const seen = new Map<string, Array<{ direction: ExpectedOutcome['direction']; checkBy?: string }>>();
  for (const e of expected) {
    const metric = e.metric?.trim();
    const direction = directionOf(e);
    if (!metric || direction === undefined) continue;
    const key = metric.toLowerCase().replace(/\s+/g, ' ');
    const earlier = seen.get(key) ?? [];
    // An undated expectation has no day of its own: it clashes with one the other way whatever that one's day.
    const clash = earlier.find(
      (o) => o.direction !== direction && (!o.checkBy || !e.checkBy || o.checkBy === e.checkBy),
    );
    if (clash)
      return fail(
        'measurable',
        metric,
        `"${metric}" is expected both to rise and to fall${e.checkBy || clash.checkBy ? ` by ${e.checkBy ?? clash.checkBy}` : ''}: keep the one you mean.`,
      );
    seen.set(key, [...earlier, { direction, ...(e.checkBy ? { checkBy: e.checkBy } : {}) }]);
  }
  return null;
}

/** Which way an expectation moves: as said, else as its numbers go; undefined when neither tells. */
export function directionOf(e: ExpectedOutcome): ExpectedOutcome['direction'] {
  if (e.direction) return e.direction;
  if (e.baseline === undefined || e.target === undefined || e.baseline === e.target) return undefined;
  return e.target > e.baseline ? 'increase' : 'decrease';
}

function checkFirstMeasurable(
  expected: ExpectedOutcome | undefined,
  said: PartsSaid,
  notBefore: string | undefined,
  mark: DecimalMark = '.',
): QualityCheck {
  const e = expected ?? {};
  const metric = e.metric?.trim();
  if (!metric) return fail('measurable', null, 'No metric: say which number should move.');
  if (!said.metric) return fail('measurable', metric, betMetricProblem(metric)!);
  const missing: string[] = [];
  if (e.baseline === undefined) missing.push('its baseline today');
  if (e.target === undefined) missing.push('the target');
  if (!e.direction) missing.push('whether it should rise or fall');
  if (!e.checkBy) missing.push('a date to check by');
  if (missing.length > 0) return fail('measurable', metric, `Say ${joinList(missing)} for "${metric}".`);
  const { baseline, target, direction } = e as Required<
    Pick<ExpectedOutcome, 'baseline' | 'target' | 'direction'>
  >;
  const [from, to] = [amountText(baseline, e.unit, mark), amountText(target, e.unit, mark)];
  if (baseline === target)
    return fail('measurable', metric, `The target equals the baseline (${from}): nothing would move.`);
  // What the save refuses (a number out of range, a day that does not exist) cannot earn full marks here.
  const refused = refusedBySave(e, mark);
  if (refused) return fail('measurable', metric, refused);
  const impossible = impossibleAmount(e, mark);
  if (impossible) return fail('measurable', metric, impossible);
  if ((direction === 'increase') !== target > baseline)
    return fail(
      'measurable',
      `${direction} from ${from} to ${to}`,
      `"${direction}" from ${from} to ${to} contradicts itself: fix the direction or the numbers.`,
    );
  if (notBefore && e.checkBy! < notBefore)
    return fail('measurable', e.checkBy!, `The check-by date ${e.checkBy!} has passed: choose a day ahead.`);
  const tooFar = farCheckBy(e.checkBy, notBefore);
  if (tooFar) return fail('measurable', e.checkBy!, tooFar);
  return pass(
    'measurable',
    metric,
    `"${metric}" to ${direction === 'increase' ? 'rise' : 'fall'} from ${from} to ${to} by ${e.checkBy!}.`,
  );
}

/**
 * Whether the save takes this check-by day. By its digits where it can: a Date for each story costs more than all
 * the rest of this check.
 */
export function isSavedDay(day: string): boolean {
  if (!ISO_DATE_PATTERN.test(day)) return false;
  const year = Number(day.slice(0, 4));
  return year >= 1000 ? isValidDay(year, Number(day.slice(5, 7)), Number(day.slice(8, 10))) : isRealDate(day);
}

/**
 * Whether a check-by date makes the bet time-bound: a day the save takes, not already past and not too far ahead of
 * `notBefore` (the day the owner sets it); left out, as for a stored date come due, neither is judged.
 */
export function checkByCounts(checkBy: string | undefined, notBefore: string | undefined): boolean {
  return (
    checkBy !== undefined &&
    checkBy !== '' &&
    isSavedDay(checkBy) &&
    !(notBefore && checkBy < notBefore) &&
    farCheckBy(checkBy, notBefore) === null
  );
}

/**
 * The save's first message on the expectation's numbers or date, or null when it takes them. A cheap test first:
 * the save's own rules cost more than the rest of the checks, and almost every expectation passes them.
 */
function refusedBySave(e: ExpectedOutcome, mark: DecimalMark): string | null {
  const inRange = (n: number | undefined) =>
    n === undefined || (Number.isFinite(n) && Math.abs(n) <= MAX_ABS_VALUE);
  const realDay = e.checkBy === undefined || isSavedDay(e.checkBy);
  if (inRange(e.baseline) && inRange(e.target) && realDay) return null;
  // Without the direction: a direction the numbers contradict is said in this check's own words.
  const checked = checkIssueLensDraft({ expected: { ...e, direction: undefined } }, mark);
  return checked.ok ? null : (checked.issues[0]?.message ?? null);
}

/**
 * All six checks, in the order of QUALITY_CRITERIA. `said` is what partsSaid makes of the same hypothesis and first
 * expectation, when the caller has it already.
 */
export function checkHypothesisQuality(written: QualityInput, given?: PartsSaid): QualityCheck[] {
  const input = {
    ...written,
    hypothesis: hypothesisAsSeen(written.hypothesis),
    expected: written.expected.map(expectedAsSeen),
  };
  return checkQualityAsSeen(input, given ?? partsSaidAsSeen(input.hypothesis, input.expected[0]));
}

/**
 * checkHypothesisQuality of an input already as seen: its hypothesis from hypothesisAsSeen, its metrics' names
 * from expectedAsSeen. The score reads a hypothesis once for its own parts and these checks.
 */
export function checkQualityAsSeen(input: QualityInput, said: PartsSaid): QualityCheck[] {
  const h = input.hypothesis;
  return [
    checkWellFormed(h, said),
    checkAtomic(h.intent, said),
    checkMinimal(h, input.extraSentence),
    checkRole(h, said),
    checkProblemOriented(h, said, input.wantEvidence),
    checkMeasurable(input, said),
  ];
}

export function qualityOf(checks: QualityCheck[], criterion: QualityCriterion): QualityCheck {
  return checks.find((c) => c.criterion === criterion)!;
}

function pass(criterion: QualityCriterion, phrase: string | null, why: string): QualityCheck {
  return { criterion, ok: true, phrase, why };
}
function fail(criterion: QualityCriterion, phrase: string | null, why: string): QualityCheck {
  return { criterion, ok: false, phrase, why };
}

function joinList(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
