/**
 * The hand-written phrase signals of the recipe detector: build verbs, UI specifics and prescribed technologies
 * (evidence for a recipe), and users, needs, reasons, expected results and defects (evidence against). The learned
 * model (recipe-detector.ts) uses each kind as a feature and quotes the phrases; this module only finds them.
 *
 * Deterministic, pure, no I/O; all regexes are compiled once, have no nested quantifiers and run in linear time.
 */

import { indexByFirstLetters } from './first-letter-index';
import { rewriteCapturingGroups } from './pattern-source';

export type RecipeSignalKind =
  | 'solution-verb'
  | 'ui-colour'
  | 'ui-position'
  | 'ui-size'
  | 'ui-element'
  | 'technology'
  | 'work-item'
  | 'learned';
export type ProblemSignalKind =
  'user' | 'need' | 'reason' | 'expected-result' | 'cost' | 'defect' | 'learned';
export type Source = 'summary' | 'description';

export interface Signal<K> {
  kind: K;
  phrase: string;
  source: Source;
  start: number;
  end: number;
  /** 1 for a clear signal, less for a word that also appears in plain instructions ("currently"). */
  strength: number;
}

export interface SignalScan {
  recipe: Signal<RuleRecipeKind>[];
  problem: Signal<RuleProblemKind>[];
  /** "As a PO / developer, I want …": the author's wish, not a user's need. */
  internalPersona: boolean;
  /** "I want a … button": asks for a widget, not an outcome (where, in the summary). */
  wantsWidget: { source: 'summary'; start: number; end: number } | null;
}

/** The kinds the hand-written rules find (the model adds 'work-item' and 'learned'). */
export type RuleRecipeKind = Exclude<RecipeSignalKind, 'work-item' | 'learned'>;
export type RuleProblemKind = Exclude<ProblemSignalKind, 'learned'>;

/** Only this much of a description is read: signals further down rarely change the verdict. */
export const MAX_DESCRIPTION_CHARS = 8000;
export const MAX_SUMMARY_CHARS = 2000;

export const RECIPE_WHY: Record<RecipeSignalKind, string> = {
  'solution-verb': 'Starts with a build instruction: it says what to do, not which problem to solve.',
  'ui-colour': 'Prescribes a colour: the team should choose the design.',
  'ui-position': 'Prescribes where things go on screen: the team should choose the layout.',
  'ui-size': 'Prescribes a size or font: the team should choose the design.',
  'ui-element': 'Names the widget to build: the team should choose how to solve the need.',
  technology: 'Prescribes a technology: the team should choose how to build it.',
  'work-item': 'Names a piece of work to do, and nothing says who needs it or why.',
  learned:
    'Across the labelled backlogs, items with these words are mostly work handed down, not a problem to solve.',
};

export const PROBLEM_WHY: Record<ProblemSignalKind, string> = {
  user: 'Names who has the need.',
  need: 'States a need or something that cannot be done today.',
  reason: 'Says why it matters.',
  'expected-result': 'States the result expected.',
  cost: 'Says what the problem costs: time, money, work done by hand, people giving up or asking for help, or software no one fixes any more.',
  defect: 'Describes broken or current behaviour: a problem to solve.',
  learned: 'Across the labelled backlogs, items with these words mostly state a problem to solve.',
};

// Imperative build verbs at the start of the summary or of a sentence / bullet in the description.
export const BUILD_VERBS =
  'add|adding|create|make|put|move|change|implement|use|replace|redesign|remove|delete|drop|rename|update|upgrade|bump|' +
  'refactor|migrate|integrate|introduce|switch|convert|split|merge|build|write|set|enable|disable|display|show|hide|' +
  'include|provide|expose|port|tag|release|publish|import|extract|document|clean|simplify|restructure|rewrite|' +
  'develop|generate|run|install|configure|apply|modify|reorganise|reorganize|consolidate|unify|collapse|purge|' +
  'comment|pull|push|audit|determine|specify|allow|support|design|place|insert|append|deploy|submit|check|adapt|' +
  'avoid|get|report|adding|creating|moving|removing|updating|upgrading|replacing|renaming|migrating|edit|copy|translate|align|center|centre|resize|colour|color|style|reformat|format|revert|decouple';
const SOLUTION_VERB = new RegExp(
  `(?:^|[.!?:;]\\s+|\\n[ \\t]*(?:[-*#][ \\t]*|\\d+[.)][ \\t]*)?)(?:\\[[^\\]\\n]{0,40}\\]\\s*)?(?:please\\s+|we\\s+(?:should|need\\s+to|must)\\s+|let'?s\\s+|do\\s+not\\s+|don'?t\\s+)?(${BUILD_VERBS})\\b`,
  'gi',
);

/**
 * A pattern written with named groups, compiled without the names, and where each named group's number is. V8
 * builds a `groups` object for every match of a pattern with names; without them, a match costs less.
 */
export function withNumberedGroups(named: RegExp): { pattern: RegExp; group: Record<string, number> } {
  const group: Record<string, number> = {};
  let count = 0;
  const source = rewriteCapturingGroups(named.source, (name) => {
    count++;
    if (name !== null) group[name] = count;
    return '(';
  });
  return { pattern: new RegExp(source, named.flags), group };
}

// UI specifics and prescribed technologies, one pass with named groups.
const COLOURS =
  'red|blue|green|yellow|orange|purple|pink|grey|gray|black|white|brown|cyan|magenta|teal|navy|turquoise|violet|beige|gold|silver';
export const UI_PATTERN = new RegExp(
  // Every alternative but the hex colours starts at a word boundary: testing it once, not once per alternative,
  // keeps this scan fast. A hex colour starts with # where no word can start, so the order is unchanged.
  '\\b(?:' +
    [
      `(?<colour>(?:(?:light|dark|bright|pale)[ -])?(?:${COLOURS})\\b(?![-.]?(?:list|box|berry|space|board|paper|hat|duck|screen)\\b)|rgba?\\([^)\\n]{0,30}\\)|different colou?r\\b)`,
      '(?<position>(?:(?:upper|lower|top|bottom)[ -](?:right|left)(?:[ -]hand)?(?:[ -]corner|[ -]side)?|(?:left|right)[ -]hand[ -](?:side|corner)|(?:at|on|to)\\s+the\\s+(?:top|bottom|left|right)(?:\\s+of)?|(?:above|below|next\\s+to|underneath|beside)\\s+the\\b|centered|centred|in\\s+the\\s+(?:corner|header|footer|sidebar|center|centre|middle)))',
      '(?<size>\\d+(?:\\.\\d+)?\\s?(?:px|pixels?|pt|em|rem)\\b|font(?:[ -]?(?:size|family|weight))?\\b|(?:bold|italic|underlined?)\\s+(?:text|font|label)\\b|(?:bigger|larger|smaller)\\s+(?:font|text|button|icon)s?\\b)',
      '(?<element>(?:buttons?|modals?|modal dialog|pop-?ups?|drop-?downs?|dropdown menus?|check-?box(?:es)?|radio buttons?|tooltips?|banners?|carousels?|sliders?|toggles?|tabs|navbar|nav bar|side-?bar|hamburger menu|icons?|spinner|progress bar|text ?box|text field|input field|date ?pickers?|widget)\\b)',
      '(?<tech>(?:(?:use|using|with|in|on|via|switch(?:ing)?\\s+to|upgrade\\s+to|migrate\\s+to|move\\s+to|port\\s+to|replace\\s+\\S{1,40}\\s+with)\\s+(?:a\\s+|an\\s+|the\\s+)?(?:redis|react|angular|vue(?:\\.?js)?|jquery|bootstrap|kafka|elasticsearch|mongo(?:db)?|postgres(?:ql)?|mysql|graphql|docker|kubernetes|aws|lambda|log4j|gradle|maven|hadoop|spring\\s+(?:boot|framework|batch|cloud|data|security|mvc)|hibernate|node(?:\\.?js)?|typescript|java\\s?\\d+|python\\s?\\d|jdk\\s?\\d+|git|svn|github|websockets?|grpc|protobuf|thrift|json|xml|yaml|csv|sqlite|oracle|cassandra|hbase|zookeeper|jenkins|travis|markdown|html5?|css|ajax|oauth|jwt|s3|heroku|azure|gcp|junit|selenium|a modal|a popup|a pop-up|a wizard|a dropdown|a drop-down)\\b|\\b(?:upgrade|bump|update)\\s+(?:\\S{1,40}\\s+){0,3}?to\\s+(?:version\\s+)?v?(?!(?:19|20)\\d\\d\\b(?!\\.\\d))\\d+(?:\\.\\d+)*\\b))',
    ].join('|') +
    ')|(?<hex>#[0-9a-f]{6}\\b|#(?!\\d{3}\\b)[0-9a-f]{3}\\b)',
  'gi',
);
const UI_NUMBERED = withNumberedGroups(UI_PATTERN);
const UI_INDEXED = indexByFirstLetters(UI_NUMBERED.pattern);

/** An amount of time after a verb of cost: "3 s", "about two hours", "her two days", "months". */
const AMOUNT =
  '(?:(?:me|us|you|him|her|them|people|staff|everyone)\\s+|(?:an?|the|each|every|our|their|one)\\s+' +
  // The one who bears it ("takes an agent …"), not a span of time ("takes the last 30 days of orders").
  '(?!(?:last|past|next|previous|first|same|other|whole|entire|following|remaining)\\b)[\\w-]+\\s+)?' +
  '(?:(?:about|around|over|up\\s+to|nearly|almost|more\\s+than|at\\s+least|roughly)\\s+)?' +
  '(?:\\d+(?:[.,]\\d+)?\\s?(?:s|ms|h|hrs?|mins?|secs?|seconds?|minutes?|hours?|days?|weeks?|months?)|' +
  '(?:an?|one|two|three|four|five|six|ten|fifteen|twenty|thirty|several|many|a\\s+few|half\\s+an?)\\s+' +
  '(?:seconds?|minutes?|hours?|days?|weeks?|months?)|hours|days|weeks|months|ages|forever|a\\s+(?:while|long\\s+time)|too\\s+long|' +
  '(?:the\\s+)?(?:first|whole|entire)\\s+(?:hour|day|morning|afternoon|week|month))';
/** What is lost after a verb of loss: "lose orders", "wastes everyone's time", "costs us 4% of revenue". */
const LOSS = '(?:\\S+\\s+){0,3}?(?:time|money|revenue|sales|orders|customers|business)';
/** After a cost word, what makes it the name of a thing to build: "complaints page", "abandoned cart email". */
const NAMES_A_THING =
  '[-\\s]+(?:(?:carts?|checkouts?|baskets?)[-\\s]+)?(?:pages?|tabs?|widgets?|emails?|reports?|fields?|counters?|' +
  'forms?|lists?|buttons?|columns?|screens?|views?|dashboards?|features?|modules?|flows?|templates?|campaigns?|' +
  'reminders?|categor(?:y|ies)|types?|queues?|portals?|settings?)\\b';
/**
 * What a problem costs: time or money lost, work redone by hand, people giving up, complaining or calling for help,
 * or exposure to what nobody fixes any more.
 * Grouped by first letter, so a word that starts with none of them costs one test, not one per phrase.
 */
const COST_WORDS = [
  `t(?:(?:akes?|ook|aking)\\s+${AMOUNT}|edious|hrow(?:s|n|ing)?\\s+away|ickets?\\s*(?:a|per|/)\\s*(?:day|week|month))`,
  `s(?:p(?:ends?|ent|ending)\\s+${AMOUNT}|top(?:s|ped)?\\s+using|topped\\s+getting\\s+(?:security\\s+)?(?:fixes|updates|patches)|` +
    'upport\\s+(?:tickets?|calls?|requests?|cases?|ended|ends|has\\s+ended)|hut(?:s|ting)?\\s+down\\s+(?:the|its|their|our|by)\\b)',
  `w(?:ast(?:e|es|ed|ing)\\s+(?:${AMOUNT}|${LOSS})|ait(?:s|ed|ing)?\\s+(?:for\\s+(?:\\S+\\s+){0,3}?)?\\(?${AMOUNT}|ork(?:s|ed|ing)?(?:-|\\s+)?arounds?(?!\\s+the\\s+clock))`,
  `c(?:ves?\\b(?:-\\d+(?:-\\d+)?)?|ost(?:s|ing)?\\s+(?!(?:of|per|for)\\b)(?:${AMOUNT}|${LOSS})|hurn(?:s|ed|ing)?|omplain(?:s|ed|ing|ts?)?|onfus(?:ed|es|ing\\s+(?:people|users|customers|everyone|them|us))|osts?\\s+(?:went|have\\s+gone|are|were)\\s+up|umbersome|` +
    'all(?:s|ing|ed)?\\s+(?:support|the\\s+help\\s*desk|us\\b(?!\\s+(?:via|with|back|using|through))))',
  `l(?:os(?:e|es|ing|t)\\s+(?:${AMOUNT}|${LOSS})|ate\\s+fees?)`,
  'g(?:iv(?:e|es|ing)|ave)\\s+up',
  'abandon(?:s|ed|ing|ment)?',
  'd(?:rop(?:s|ped)?\\s+(?:off|out)(?![-\\s]+(?:points?|locations?|address|dates?|times?|zones?|sites?|surveys?|rates?|reasons?)\\b)|eprecating)',
  'p(?:hones?\\s+(?:support|the\\s+help\\s*desk|us)|enalt(?:y|ies))',
  'fr(?:om\\s+scratch|ustrat(?:ed|ing|ion))',
  'b(?:ills?\\s+(?:(?:was|were|is|are|went|has|have)\\s+)?(?:gone\\s+)?up|y\\s+hand)',
  'keeps?\\s+(?:asking|confusing)',
  're-?(?:typ(?:e|es|ed|ing)|enter(?:s|ed|ing)?|key(?:s|ed|ing)?)\\b',
  'e(?:nd(?:s|ed)?\\s+up\\s+(?:paying|calling|retyping|re-?entering|with\\s+(?:duplicates?|two|double))|nd[-\\s]of[-\\s]life|ol|rror-prone)',
  'm(?:istakes?|aintenance\\s+mode)',
  // Exposure: software past its support or with a known hole ("3.2 is out of security support", "EOL, CVE-…").
  'vulnerabilit(?:y|ies)',
  'out\\s+of\\s+(?:[\\w-]+\\s+)?support',
  'no\\s+longer\\s+(?:supported|maintained)',
  'un(?:supported|maintained)',
].join('|');

// Problem evidence, one pass with named groups.
const PROBLEM_GROUPS = [
  "(?<user>if\\s+you\\s+(?:have|use|are|want|need)\\b|as\\s+(?:a|an)\\s+(?<persona>[a-z][\\w-]*(?:\\s+[a-z][\\w-]*){0,3}?)\\s*,|(?:users?|customers?|shoppers?|visitors?|people|developers|admins?|administrators)\\s+(?:can(?:not|'t)?|could|are|will|would|need|want|have|must|expect|get|see|should|may|often|don't|do not)\\b)",
  "(?<need>(?:i|users?|customers?|people)\\s+(?:want|need|would\\s+like)\\b|it\\s+would\\s+be\\s+(?:really\\s+|very\\s+)?(?:nice|useful|great|good|helpful|better)\\b|should\\s+be\\s+(?:possible|able)\\b|no\\s+way\\s+to\\b|not\\s+(?:yet\\s+)?(?:supported|possible|available|documented)\\b|unable\\s+to\\b|can(?:not|'t)\\s+\\w+|(?:is|are|was|were|gets?|feels?)\\s+(?:(?:very|really|too|so|still)\\s+)?(?:hard|difficult|slow|painful|confusing)\\b|(?:hard|difficult)\\s+to\\b|missing\\b|lacks?\\b|requested\\b)",
  "(?<reason>so\\s+that\\b|so\\s+(?:i|we|they|you|users?|it|people|shoppers?|customers?|apps?)\\s+(?:can|could|will|would|don't|do\\s+not|are|have|get|feel|should|must|need)\\b|now\\s+that\\b|this\\s+is\\s+(?:for|so|to|because|needed)\\b|in\\s+order\\s+to\\b|because\\b|since\\s+(?:the|it|we|this|there|a|an)\\b|since\\s+\\w+\\s+(?:may|might|has|have|is|are|will|would|does|do|can|cannot)\\b|to\\s+get\\s+(?:it|this|them)\\s+to\\b|not\\s+meant\\s+to\\b|due\\s+to\\b|to\\s+(?:avoid|allow|enable|help|ensure|make\\s+sure|prevent|reduce|improve|support|save|let)\\b|(?:will|would|should|could)\\s+(?:hopefully\\s+)?(?:allow|help|make|avoid|enable|let|save|improve|reduce|prevent)\\b|allow(?:s|ing)\\s+(?:us|users?|developers|people|them|you)\\b|useful\\b|benefits?\\b|(?:the\\s+)?reasons?\\s+(?:is|are|for)\\b|otherwise\\b|deprecated\\b|unused\\b|redundan(?:t|cy)\\b|obsolete\\b|useless\\b|not\\s+needed\\b|requires?\\b|required\\s+(?:by|to|for)\\b|hard\\s+to\\s+maintain\\b|for\\s+(?:maintainability|readability|performance|security|clarity|consistency)\\b|the\\s+idea\\s+is\\b|the\\s+goal\\s+is\\b|we\\s+need\\b)",
  '(?<expected>we\\s+expect\\b|expected\\s+(?:results?|behaviou?r|outcome)\\b|(?:increase|reduce|decrease|improve|lower|raise|cut)\\w*\\s+(?:\\S+\\s+){0,6}?by\\s+\\d+(?:\\.\\d+)?\\s?(?:%|percent)|\\d+(?:\\.\\d+)?\\s?(?:%|percent)\\b|should\\s+(?:return|fail|work|throw|produce)\\b|instead\\s+of\\b|rather\\s+than\\b|(?:faster|quicker|more\\s+(?:reliable|descriptive|useful|consistent|efficient|readable))\\b)',
  // What the problem costs (COST_WORDS), unless the words name a thing to build ("a complaints page").
  `(?<cost>(?:${COST_WORDS})\\b(?!${NAMES_A_THING}))`,
];
/**
 * Alternatives grouped by their first letter, in their own order within a group ("s(?:tays|till)|b(?:ugs?|roken)").
 * Two alternatives that start with different letters never match at the same place, so the grouped pattern finds
 * what the flat list finds, and a word that starts with none of the letters costs one test per group, not one per
 * alternative.
 */
function byFirstLetter(alternatives: readonly string[]): string {
  const groups = new Map<string, string[]>();
  for (const alternative of alternatives) {
    if (!/^[a-z][a-z\\[(]/.test(alternative))
      throw new Error(`An alternative must start with a lower-case letter and no quantifier: ${alternative}`);
    const letter = alternative[0]!;
    const rests = groups.get(letter) ?? [];
    rests.push(alternative.slice(1));
    groups.set(letter, rests);
  }
  return [...groups]
    .map(([letter, rests]) => (rests.length === 1 ? letter + rests[0]! : `${letter}(?:${rests.join('|')})`))
    .join('|');
}

/** The endings several defect phrases share: shown twice, stuck in a state, blank. */
const SHOWN_TWICE = '\\s+(?:\\S+\\s+){0,3}?(?:twice|duplicates|duplicated)';
const STUCK_IN_STATE =
  '\\s+(?:disabled|enabled|blank|empty|hidden|visible|open)(?!\\s+(?:until|unless|while)\\b)';
const BLANK = '\\s+(?:a\\s+)?blank\\b';
/**
 * What a defect report says: a wrong behaviour, a failure's name, a reproduction. One alternative per entry, each
 * starting with a letter (byFirstLetter groups them for the scan).
 */
const DEFECT_ALTERNATIVES = [
  `shows${SHOWN_TWICE}`,
  `lists${SHOWN_TWICE}`,
  `appears${SHOWN_TWICE}`,
  `displays${SHOWN_TWICE}`,
  'gr[ae]yed\\s+out',
  `stays${STUCK_IN_STATE}`,
  `remains${STUCK_IN_STATE}`,
  'nothing\\s+happens',
  'does\\s+nothing',
  'off[\\s-]screen',
  'cut\\s+off(?![-\\s]+(?:dates?|times?|points?|days?)\\b)',
  'misaligned',
  'out[\\s-]of[\\s-]date',
  'bugs?',
  'errors?',
  'exceptions?',
  'npe',
  'nullpointer\\w*',
  'crash\\w*',
  'fail(?:s|ed|ing|ure|ures)?',
  'broken',
  'breaks',
  'regression',
  'typos?',
  'hangs?',
  'hanging',
  'freez(?:e|es|ing)',
  'frozen',
  'steps\\s+to\\s+(?:reproduce|replicate)',
  'to\\s+(?:reproduce|replicate)',
  'leaks?',
  'timed\\s+out',
  'timing\\s+out',
  'flicker(?:s|ed|ing)?\\b',
  'flaky\\b',
  'off\\s+by\\s+(?:one|a|an|\\d+)\\b',
  'jump(?:s|ed|ing)?\\s+(?:to|back)\\b',
  `prints?${BLANK}`,
  `shows?${BLANK}`,
  `renders?${BLANK}`,
  'stop(?:s|ped)?\\s+working\\b',
  'timeouts?',
  'disagree(?:s|ing)?\\s+(?:on|about|with)\\b',
  'stack\\s?trace',
  'incorrect(?:ly)?',
  'wrong(?:ly)?',
  'invalid',
  'inconsisten(?:t|cy)',
  "doesn'?t",
  'does\\s+not',
  "don'?t",
  "didn'?t",
  'did\\s+not',
  "isn'?t",
  'is\\s+not\\s+(?:working|correct|valid|possible)',
  'not\\s+working',
  'no\\s+longer',
  'never',
  'unexpected(?:ly)?',
  'lost',
  'problems?',
  'issues?\\s+with',
  'warnings?',
  'currently',
  'at\\s+the\\s+moment',
  'right\\s+now',
  'still',
];
const DEFECT_WORDS = `(?:${DEFECT_ALTERNATIVES.join('|')})\\b`;
const DEFECT_WORDS_BY_LETTER = `(?:${byFirstLetter(DEFECT_ALTERNATIVES)})\\b`;
/** A word that names an exception or error ("NullPointerException", "IOError"). */
const EXCEPTION_WORD = '\\w{0,60}(?:Exception|Error)\\b';

function problemPattern(defect: string): RegExp {
  // Every alternative starts at a word boundary: testing it once, not once per alternative, is what keeps
  // this scan fast (the same matches as a \b before each alternative).
  return new RegExp(`\\b(?:${[...PROBLEM_GROUPS, `(?<defect>${defect})`].join('|')})`, 'gi');
}

/**
 * Every problem phrase, as one pattern: the specification. The detector runs it in two cheaper scans (below),
 * which a test holds to finding exactly the same matches.
 */
export const PROBLEM_PATTERN_IN_ONE = problemPattern(`${DEFECT_WORDS}|${EXCEPTION_WORD}`);
/**
 * The same without exception words: `\w{0,60}` before a suffix backtracks at every word start, which cost as much
 * as the hundred other alternatives together. Exception words are found from their ending instead.
 */
const PROBLEM_NUMBERED = withNumberedGroups(problemPattern(DEFECT_WORDS_BY_LETTER));
const PROBLEM_PATTERN = indexByFirstLetters(PROBLEM_NUMBERED.pattern);

/** The named groups a match of the problem scan (eachProblemMatch) has, as PROBLEM_PATTERN_IN_ONE names them. */
export function problemGroupsOf(m: RegExpExecArray): string[] {
  return Object.entries(PROBLEM_NUMBERED.group)
    .filter(([, index]) => m[index] !== undefined)
    .map(([name]) => name);
}
const EXCEPTION_ENDING = /(?:exception|error)\b/gi;

function isRegexWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

/** Where the exception word found by nextExceptionWord ends. */
let exceptionWordEnd = 0;

/**
 * The start of the first word at or after `from` that EXCEPTION_WORD matches (a whole word starting at or after
 * `from`, ending in "exception" or "error" with at most 60 word characters before), or -1.
 */
function nextExceptionWord(text: string, from: number): number {
  EXCEPTION_ENDING.lastIndex = from;
  for (let m = EXCEPTION_ENDING.exec(text); m !== null; m = EXCEPTION_ENDING.exec(text)) {
    let start = m.index;
    while (start > 0 && isRegexWordChar(text.charCodeAt(start - 1))) start--;
    if (start >= from && m.index - start <= 60) {
      exceptionWordEnd = m.index + m[0].length;
      return start;
    }
  }
  return -1;
}

/** The first match of PROBLEM_PATTERN at or after `from`. */
function nextProblemPhrase(text: string, from: number): RegExpExecArray | null {
  return PROBLEM_PATTERN.next(text, from);
}

/**
 * Every match PROBLEM_PATTERN_IN_ONE finds, in order, from the two scans: at any position the phrases come first
 * (an exception word is the pattern's last alternative), and a scan goes on after each match. `onPhrase` gets a
 * phrase match; `onExceptionWord` the bounds of an exception word.
 */
export function eachProblemMatch<T>(
  text: string,
  context: T,
  onPhrase: (m: RegExpExecArray, text: string, context: T) => void,
  onExceptionWord: (start: number, end: number, text: string, context: T) => void,
): void {
  let phrase = nextProblemPhrase(text, 0);
  let word = nextExceptionWord(text, 0);
  let wordEnd = exceptionWordEnd;
  while (phrase !== null || word >= 0) {
    let resume: number;
    if (word >= 0 && (phrase === null || word < phrase.index)) {
      onExceptionWord(word, wordEnd, text, context);
      resume = wordEnd;
    } else {
      const m = phrase!;
      onPhrase(m, text, context);
      resume = m.index + Math.max(1, m[0].length);
    }
    if (phrase !== null && phrase.index < resume) phrase = nextProblemPhrase(text, resume);
    if (word >= 0 && word < resume) {
      word = nextExceptionWord(text, resume);
      wordEnd = exceptionWordEnd;
    }
  }
}

/** Words that hint at a problem but also appear in plain instructions ("currently the pom says …"). */
const WEAK_PROBLEM =
  /^(?:currently|still|at the moment|right now|never|don'?t|doesn'?t|does not|didn'?t|did not|isn'?t|warnings?|problems?|issues?\s+with|no longer|requires?|missing|lacks?|instead of|rather than|should\s+\w+|\w*(?:exception|error)|so\s+(?!that)\w+\s+\w+)$/i;

/** Roles inside the team: wanting something as a PO is not a user need. */
export const INTERNAL_PERSONA =
  /^(?:po|product\s+owner|product\s+manager|pm|team|team\s+member|scrum\s+master|project\s+manager|business\s+analyst|manager|stakeholder|developer|dev)$/i;
/** "I want a <widget>" asks for a solution, not an outcome. */
const WANT_A_WIDGET =
  /\bwant\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,4}?(?:button|modal|pop-?up|drop-?down|banner|icon|tab|checkbox|slider|toggle|link|page|screen|field)\b/i;

/**
 * A word glued to code, a path or a URL is an identifier, not prose: "document.addEventListener",
 * "www/res/icon", "<button onclick", "Impl#175", "github.com/…".
 */
export function isEmbedded(text: string, start: number, end: number): boolean {
  const before = text[start - 1] ?? ' ';
  const after = text[end] ?? ' ';
  if (/[\w/\\<.=$@]/.test(before) || /[/\\(=_>]/.test(after)) return true;
  return (after === '.' || after === ':') && /\w/.test(text[end + 1] ?? ' ');
}

/**
 * A line of code or a shell command quoted outside a code block: indented, a "$ " prompt, or ending in
 * ; { } with code punctuation in it ("import java.util.List;", "set(index, holder);").
 */
export function isCodeLine(text: string, index: number): boolean {
  const lineStart = text.lastIndexOf('\n', index - 1) + 1;
  let lineEnd = text.indexOf('\n', index);
  if (lineEnd < 0) lineEnd = text.length;
  const line = text.slice(lineStart, lineEnd);
  if (/^(?: {4}|\t)\s*\S|^\s*\$\s/.test(line)) return true;
  return /[;{}](?:\s*\/\/.*)?\s*$/.test(line) && /[(=<`]|\.\w/.test(line);
}

/** Verbs that take a clause ("Check X is set"): only a verb right after them makes them a noun. */
const CLAUSE_VERBS = /^(?:check|determine|make|specify|audit|document)$/i;
/**
 * What follows a build verb used as a noun or a label: "Build script should accept…", "Move was from…",
 * "Build # 26246", "Support:", "pull request".
 */
const NOUN_USE_AFTER_VERB =
  /^\s*(?:#\s*\d|:|requests?\b)|^\s+(?:is|are|was|were|has|had|does|did|doesn'?t|didn'?t|isn'?t|should|will|would|can|can'?t|cannot|could|must|fails?|failed|works?|seems?)\b/i;
const NOUN_USE_AFTER_ONE_WORD =
  /^\s+[\w-]+\s+(?:is|are|was|were|has|had|does|did|doesn'?t|didn'?t|isn'?t|should|will|would|can|can'?t|cannot|could|must|fails?|failed|works?|seems?)\b/i;

/** True when a build verb at the start of a sentence is not an instruction to build something. */
function isNotAnInstruction(text: string, source: Source, start: number, verb: string): boolean {
  const end = start + verb.length;
  if (isEmbedded(text, start, end) || isCodeLine(text, start)) return true;
  // An upper-case verb in a description is a keyword (SQL "CREATE TABLE"), not a sentence.
  if (source === 'description' && verb.length > 1 && verb === verb.toUpperCase()) return true;
  const after = text.slice(end, end + 60);
  return NOUN_USE_AFTER_VERB.test(after) || (!CLAUSE_VERBS.test(verb) && NOUN_USE_AFTER_ONE_WORD.test(after));
}

/** "press the home button", "the Close button is clicked": a widget in use, not one to build. */
const WIDGET_IN_USE_BEFORE =
  /\b(?:press(?:es|ed|ing)?|click(?:s|ed|ing)?|tap(?:s|ped|ping)?|hit(?:s|ting)?)\s+(?:on\s+)?(?:the\s+|a\s+)?(?:\S+\s+){0,2}$/i;
const WIDGET_IN_USE_AFTER = /^\s+(?:is\s+|was\s+|gets\s+)?(?:pressed|clicked|tapped)\b/i;

function scanRecipe(text: string, source: Source, scan: SignalScan): void {
  SOLUTION_VERB.lastIndex = 0;
  for (let m = SOLUTION_VERB.exec(text); m !== null; m = SOLUTION_VERB.exec(text)) {
    const verb = m[1] ?? '';
    const start = m.index + m[0].length - verb.length;
    if (m[0].length === 0) SOLUTION_VERB.lastIndex++;
    if (isNotAnInstruction(text, source, start, verb)) continue;
    scan.recipe.push({
      kind: 'solution-verb',
      phrase: verb,
      source,
      start,
      end: start + verb.length,
      strength: 1,
    });
  }
  const group = UI_NUMBERED.group;
  for (
    let m = UI_INDEXED.next(text, 0);
    m !== null;
    m = UI_INDEXED.next(text, m.index + Math.max(1, m[0].length))
  ) {
    const kind: RuleRecipeKind =
      m[group.colour!] || m[group.hex!]
        ? 'ui-colour'
        : m[group.position!]
          ? 'ui-position'
          : m[group.size!]
            ? 'ui-size'
            : m[group.element!]
              ? 'ui-element'
              : 'technology';
    const phrase = m[0];
    const end = m.index + phrase.length;
    if (isEmbedded(text, m.index, end) || isCodeLine(text, m.index)) continue;
    if (
      kind === 'ui-element' &&
      (WIDGET_IN_USE_BEFORE.test(text.slice(Math.max(0, m.index - 40), m.index)) ||
        WIDGET_IN_USE_AFTER.test(text.slice(end, end + 20)))
    )
      continue;
    scan.recipe.push({ kind, phrase, source, start: m.index, end, strength: 1 });
  }
}

interface ProblemScan {
  scan: SignalScan;
  source: Source;
}

/** Before a cost phrase: an instruction whose object it is ("Add a complaints page", "Remove the IE11 workaround"). */
const INSTRUCTION_BEFORE = new RegExp(
  `[.!?\\n]\\s*(?:[-*#•]+\\s*|\\d+[.)]\\s*)?(?:please\\s+)?(?:${BUILD_VERBS})\\s+(?:[\\w'-]+\\s+){0,3}$`,
  'i',
);
/** A cost verb in its bare form at a sentence's start gives an instruction ("Spend 2 days on …", "Stop using X"). */
const IMPERATIVE_COST = /^(?:spend|stop|take|waste|lose|give|drop|call|phone|work\s+around)\b/i;
const SENTENCE_START_BEFORE = /[.!?\n]\s*(?:[-*#•]+\s*|\d+[.)]\s*)?$/;

/** A cost phrase that an instruction prescribes, not a cost the text reports. */
function isPrescribedCost(phrase: string, text: string, index: number): boolean {
  // A line break stands for the text's start, so both patterns look only at the phrase's own sentence.
  const before = (index <= 60 ? '\n' : '') + text.slice(Math.max(0, index - 60), index);
  return (
    INSTRUCTION_BEFORE.test(before) || (IMPERATIVE_COST.test(phrase) && SENTENCE_START_BEFORE.test(before))
  );
}

function addProblemPhrase(m: RegExpExecArray, text: string, { scan, source }: ProblemScan): void {
  const group = PROBLEM_NUMBERED.group;
  let kind: RuleProblemKind;
  let phrase = m[0];
  if (m[group.user!]) {
    const persona = (m[group.persona!] ?? '').trim();
    if (persona && INTERNAL_PERSONA.test(persona)) {
      scan.internalPersona = true;
      return;
    }
    kind = 'user';
    if (phrase.endsWith(',')) phrase = phrase.replace(/\s*,$/, '');
  } else if (m[group.need!]) {
    // "As a PO, I want ..." is the author's wish, not a user's need.
    if (scan.internalPersona && /^i\s/i.test(phrase)) return;
    kind = 'need';
  } else if (m[group.reason!]) kind = 'reason';
  else if (m[group.expected!]) kind = 'expected-result';
  else if (m[group.cost!]) {
    if (isPrescribedCost(phrase, text, m.index)) return;
    kind = 'cost';
  } else kind = 'defect';
  const strength = WEAK_PROBLEM.test(phrase) ? 0.35 : 1;
  scan.problem.push({ kind, phrase, source, start: m.index, end: m.index + phrase.length, strength });
}

function addExceptionWord(start: number, end: number, text: string, { scan, source }: ProblemScan): void {
  const phrase = text.slice(start, end);
  const strength = WEAK_PROBLEM.test(phrase) ? 0.35 : 1;
  scan.problem.push({ kind: 'defect', phrase, source, start, end, strength });
}

function scanProblem(text: string, source: Source, scan: SignalScan): void {
  eachProblemMatch(text, { scan, source }, addProblemPhrase, addExceptionWord);
}

/** Finds every hand-written signal in the summary, then in the description (plain text, already cut to size). */
export function scanSignals(summary: string, description: string): SignalScan {
  const scan: SignalScan = { recipe: [], problem: [], internalPersona: false, wantsWidget: null };
  scanRecipe(summary, 'summary', scan);
  scanProblem(summary, 'summary', scan);
  if (description) {
    scanRecipe(description, 'description', scan);
    scanProblem(description, 'description', scan);
  }
  const widget = WANT_A_WIDGET.exec(summary);
  if (widget)
    scan.wantsWidget = { source: 'summary', start: widget.index, end: widget.index + widget[0].length };
  return scan;
}
