/**
 * The features the learned recipe model reads, each tied to the words it came from so a verdict can quote them:
 * - word unigrams and bigrams of the summary (`s:`) and of the description (`d:`), the first word of each (`s^:`,
 *   `d^:`);
 * - the hand-written phrase signals (`r:<kind>:s|d`), counted the way the first detector counted them;
 * - the item's structure (`x:`): a summary that only names a thing, "This task is to …", a description that is
 *   only a list, a user story's form and its want, a stack trace.
 * The issue type is not a feature: the app does not pass it to the detector, and a model that leaned on it would
 * judge differently at run time than in training.
 *
 * Pure and linear in the input: one tokenising pass and a few anchored regexes with no nested quantifiers.
 */
import {
  BUILD_VERBS,
  INTERNAL_PERSONA,
  isCodeLine,
  scanSignals,
  type SignalScan,
  type Source,
} from './recipe-signals';

/** Words a feature stands for: where they are, so a verdict can quote them. */
export interface Span {
  source: Source;
  start: number;
  end: number;
}

export interface FeatureHit {
  /** featureKey(name): features are looked up by this number, so reading a story builds no strings. */
  key: number;
  /** The feature's name, only when asked for (training); the weights file lists names. */
  name: string;
  value: number;
  /** The model's weight, when the model was given (ExtractOptions.known) and weighs this word. */
  weight?: number;
  /** Where the feature's words are (the first few occurrences); empty for "no description" and the like. */
  spans: Span[];
}

export interface RecipeFeatures {
  hits: Map<number, FeatureHit>;
  scan: SignalScan;
  /**
   * With `known` and `quoteAbove`: the summed weight of the words too light to quote, which are not in `hits`
   * (a story's common words cost a lookup and an addition, no object).
   */
  lightWeight: number;
}

/** What one extraction collects as it reads. */
interface Collector {
  hits: Map<number, FeatureHit>;
  options: ExtractOptions;
  lightWeight: number;
}

/**
 * The light words already counted in the current extraction (each feature counts once): an open-addressing set
 * in typed arrays, emptied by moving to a new stamp, so counting a story's common words allocates nothing.
 * Scratch memory only: extraction is synchronous, and every call starts with a fresh stamp.
 */
const SEEN_SIZE = 8192;
const SEEN_LIMIT = 4096;
const seenKeys = new Int32Array(SEEN_SIZE);
const seenStamps = new Uint32Array(SEEN_SIZE);
let seenStamp = 0;
let seenCount = 0;
let seenOverflow: Set<number> | null = null;

function startSeen(): void {
  seenStamp = seenStamp === 0xffffffff ? 1 : seenStamp + 1;
  seenCount = 0;
  seenOverflow = null;
}

/** True the first time a key is offered in this extraction. */
function firstTime(key: number): boolean {
  if (seenOverflow) {
    if (seenOverflow.has(key)) return false;
    seenOverflow.add(key);
    return true;
  }
  let i = key & (SEEN_SIZE - 1);
  for (;;) {
    if (seenStamps[i] !== seenStamp) {
      if (seenCount >= SEEN_LIMIT) {
        // A very long text: keep counting in a plain set (what is already in the table stays counted).
        seenOverflow = new Set();
        for (let j = 0; j < SEEN_SIZE; j++) if (seenStamps[j] === seenStamp) seenOverflow.add(seenKeys[j]!);
        seenOverflow.add(key);
        return true;
      }
      seenStamps[i] = seenStamp;
      seenKeys[i] = key;
      seenCount += 1;
      return true;
    }
    if (seenKeys[i] === key) return false;
    i = (i + 1) & (SEEN_SIZE - 1);
  }
}

/**
 * What to collect: `names` builds each feature's name (training); `known` keeps only the features a model
 * weighs (reading), so unknown words cost a hash and a lookup, nothing more.
 */
export interface ExtractOptions {
  names?: boolean;
  known?: { get(key: number): number | undefined };
  /** With `known`: where a word weighs less than this, its place is not kept (it will not be quoted). */
  quoteAbove?: number;
}

/**
 * Weights by feature key in an open-addressing table: a lookup is a few array reads, which matters when every
 * word of every story is looked up three times (word, pair, first word).
 */
export class WeightTable {
  private readonly keys: Int32Array;
  private readonly weights: Float64Array;
  private readonly mask: number;
  readonly size: number;

  constructor(entries: Iterable<readonly [number, number]>) {
    const list = [...entries];
    let capacity = 16;
    while (capacity < list.length * 3) capacity *= 2;
    this.keys = new Int32Array(capacity).fill(-1);
    this.weights = new Float64Array(capacity);
    this.mask = capacity - 1;
    for (const [key, weight] of list) {
      let i = key & this.mask;
      while (this.keys[i] !== -1 && this.keys[i] !== key) i = (i + 1) & this.mask;
      this.keys[i] = key;
      this.weights[i] = weight;
    }
    this.size = list.length;
  }

  get(key: number): number | undefined {
    let i = key & this.mask;
    for (;;) {
      const k = this.keys[i]!;
      if (k === key) return this.weights[i];
      if (k === -1) return undefined;
      i = (i + 1) & this.mask;
    }
  }
}

/** FNV-1a over character codes, the hash every word lookup of the detector uses. */
export const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

export function fnv(h: number, code: number): number {
  return Math.imul(h ^ code, FNV_PRIME);
}

function fnvString(h: number, text: string): number {
  for (let i = 0; i < text.length; i++) h = fnv(h, text.charCodeAt(i));
  return h;
}

/** Combines two hashes into one (a murmur3-style finaliser over their mix). */
function mix(a: number, b: number): number {
  let h = Math.imul(a ^ Math.imul(b, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Seeds per kind of word feature: a word of the summary, of the description, a pair, a first word. */
const SEED: Record<string, number> = {
  's:': fnvString(FNV_OFFSET, 's:'),
  'd:': fnvString(FNV_OFFSET, 'd:'),
  's:pair': fnvString(FNV_OFFSET, 's:pair'),
  'd:pair': fnvString(FNV_OFFSET, 'd:pair'),
  's^:': fnvString(FNV_OFFSET, 's^:'),
  'd^:': fnvString(FNV_OFFSET, 'd^:'),
};

const SUMMARY_SEEDS = { word: SEED['s:']!, pair: SEED['s:pair']!, first: SEED['s^:']! };
const DESCRIPTION_SEEDS = { word: SEED['d:']!, pair: SEED['d:pair']!, first: SEED['d^:']! };

/**
 * The number a feature is looked up by, computed from its name here and from the text by the tokeniser without
 * building the name: a word feature ("s:add", "d:this task", "s^:add") mixes the FNV-1a hashes of its words with a
 * seed for its kind; a rule or structure feature ("r:…", "x:…") is the FNV-1a hash of its name. Cut to 30 bits so
 * that it stays a small integer for the engine (a lookup allocates nothing).
 */
export function featureKey(name: string): number {
  const colon = name.indexOf(':');
  const prefix = name.slice(0, colon + 1);
  const rest = name.slice(colon + 1);
  if (prefix === 's:' || prefix === 'd:') {
    const space = rest.indexOf(' ');
    if (space < 0) return toKey(mix(SEED[prefix]!, fnvString(FNV_OFFSET, rest)));
    const pair = mix(SEED[`${prefix}pair`]!, fnvString(FNV_OFFSET, rest.slice(0, space)));
    return toKey(mix(pair, fnvString(FNV_OFFSET, rest.slice(space + 1))));
  }
  if (prefix === 's^:' || prefix === 'd^:') return toKey(mix(SEED[prefix]!, fnvString(FNV_OFFSET, rest)));
  return toKey(fnvString(FNV_OFFSET, name));
}
function toKey(h: number): number {
  return h & 0x3fffffff;
}

/** What each structure feature means, quoted when it weighs in a verdict. */
export const STRUCTURE_WHY: Record<string, string> = {
  'x:s-noun-phrase': 'The summary names a thing to build, not a need or a defect.',
  'x:this-task-is-to': 'The description only says what the work is ("This task is to …"), not why.',
  'x:d-list-only': 'The description is only a list of things to do.',
  'x:want-build': 'The "want" is a build plan, not a need the user has.',
  'x:want-widget': 'The "want" is a widget, not an outcome.',
  'x:want-named': 'The "want" names a product or technology to use, not a need.',
  'x:internal-persona': 'The persona is the team or the backlog owner, not a user.',
  'x:story': 'Written as a user story.',
  'x:story-benefit': 'The user story says what the user gains.',
  'x:stack-trace': 'Quotes a stack trace: a defect to fix.',
  'x:repro': 'Says how to reproduce it, or what was expected and what happened.',
  'x:s-statement': 'The summary states what happens, as a report of behaviour does.',
  'x:s-widget-statement':
    'The summary reports what a widget does: the widget is where the defect is, not what to build.',
  'x:s-capability': 'The summary names a capability to build ("User can …", "Ability to …"), not a need.',
  'x:s-outcome': 'The summary names the result wanted for people or a metric, not a thing to build.',
  'x:bare-instruction': 'A build instruction with nothing else: no description, no problem.',
  'x:bare-name': 'The name of a thing to build with nothing else: no description, no problem.',
  'x:no-problem': 'Nothing in the item names a user, a need, a reason, an expected result or a defect.',
  'x:d-no-problem': 'The description only details the change: it names no user, need, reason or defect.',
  'x:no-recipe': 'Nothing in the item prescribes a build step, a widget or a technology.',
  'x:d-empty': 'No description.',
  'x:d-short': 'A description of one short line.',
};

/** Rubric-derived features: kept in the model whatever their weight, so the rules always have a say. */
export function isAlwaysKept(name: string): boolean {
  return name.startsWith('r:') || name.startsWith('x:');
}

const MAX_SPANS = 3;
/** Description words beyond this are not read for n-grams (the rule signals still read 8,000 characters). */
const MAX_NGRAM_DESCRIPTION_CHARS = 3000;

/** Named features (rules and structure): their keys are computed once. */
const KEYS = new Map<string, number>();
function keyOf(name: string): number {
  let key = KEYS.get(name);
  if (key === undefined) {
    key = featureKey(name);
    KEYS.set(name, key);
  }
  return key;
}

function hit(hits: Map<number, FeatureHit>, name: string, value: number, span?: Span): void {
  const key = keyOf(name);
  const seen = hits.get(key);
  if (seen === undefined) {
    hits.set(key, { key, name, value, spans: span ? [span] : [] });
    return;
  }
  if (span && seen.spans.length < MAX_SPANS) seen.spans.push(span);
}

/**
 * A word or word pair's weight, looked up once: undefined when the model does not weigh it, which is most words of
 * a story (they cost this lookup, not a call to wordHit). Without a model every word counts, with no weight.
 */
function weightOf(options: ExtractOptions, key: number): number | undefined {
  return options.known === undefined ? undefined : options.known.get(key);
}

/** Whether a word or word pair of `weight` (weightOf) counts at all: each one when no model is given. */
function counts(options: ExtractOptions, weight: number | undefined): boolean {
  return weight !== undefined || options.known === undefined;
}

/** A word or word pair that counts, by its key and weight (weightOf); its name is built only when asked for. */
function wordHit(
  collector: Collector,
  key: number,
  weight: number | undefined,
  name: string,
  source: Source,
  start: number,
  end: number,
): void {
  const { hits, options } = collector;
  if (weight !== undefined && Math.abs(weight) < (options.quoteAbove ?? 0)) {
    if (firstTime(key)) collector.lightWeight += weight;
    return;
  }
  const seen = hits.get(key);
  if (seen === undefined) hits.set(key, { key, name, value: 1, weight, spans: [{ source, start, end }] });
  else if (seen.spans.length < MAX_SPANS) seen.spans.push({ source, start, end });
}

/** Repeated evidence of one kind counts, but less and less: one word must not outweigh a paragraph. */
function countValue(count: number): number {
  return 1 + 0.35 * Math.min(count - 1, 3);
}

const NUMBER_WORD = '<n>';
const NUMBER_HASH = fnvString(FNV_OFFSET, NUMBER_WORD);

function isLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isWordChar(c: number): boolean {
  return isLetter(c) || isDigit(c) || c === 95;
}

/**
 * The tokeniser's copy of the rules' isEmbedded (recipe-signals.ts), on character codes: a word glued to code, a
 * path or a URL ("document.addEventListener", "www/res/icon", "<button") is an identifier, not prose.
 */
function isGlued(text: string, start: number, end: number): boolean {
  const before = start > 0 ? text.charCodeAt(start - 1) : 32;
  const after = end < text.length ? text.charCodeAt(end) : 32;
  // before: \w / \ < . = $ @     after: / \ ( = _ >
  if (
    isWordChar(before) ||
    before === 47 ||
    before === 92 ||
    before === 60 ||
    before === 46 ||
    before === 61 ||
    before === 36 ||
    before === 64 ||
    after === 47 ||
    after === 92 ||
    after === 40 ||
    after === 61 ||
    after === 95 ||
    after === 62
  )
    return true;
  return (after === 46 || after === 58) && end + 1 < text.length && isWordChar(text.charCodeAt(end + 1));
}

/** Between two words, any of these ends the phrase: no bigram spans a sentence or a line. */
function isBreak(c: number): boolean {
  // . ! ? ; : newline ( ) [ ] { } | "
  return (
    c === 46 ||
    c === 33 ||
    c === 63 ||
    c === 59 ||
    c === 58 ||
    c === 10 ||
    c === 40 ||
    c === 41 ||
    c === 91 ||
    c === 93 ||
    c === 123 ||
    c === 125 ||
    c === 124 ||
    c === 34
  );
}

export interface Token {
  /** featureKey of the word as a summary word ("s:<word>"), or as a description word. */
  key: number;
  start: number;
  end: number;
}

/**
 * Words, bigrams and the first word of a text, prefixed by source ("s:" / "d:", "s^:" / "d^:"). One pass over
 * the characters; each feature's key is the FNV-1a hash of its name, computed as the characters are read, so a
 * word the model does not know costs a lookup and nothing else. Returns the words (the summary's are read again
 * for its structure).
 */
function addWords(text: string, source: Source, prefix: 's' | 'd', collector: Collector): Token[] {
  const tokens: Token[] = [];
  const { options } = collector;
  const named = options.names === true;
  const summary = prefix === 's';
  const unigramSeed = summary ? SUMMARY_SEEDS.word : DESCRIPTION_SEEDS.word;
  const pairSeed = summary ? SUMMARY_SEEDS.pair : DESCRIPTION_SEEDS.pair;
  const firstSeed = summary ? SUMMARY_SEEDS.first : DESCRIPTION_SEEDS.first;
  let previousHash = 0;
  let previousStart = -1;
  let previousWord = '';
  let broken = false;
  let i = 0;
  const n = text.length;
  // Code is not prose: words on a line of code, or glued to code ("document.addEventListener"), are not read.
  let codeLine = prefix === 'd' && isCodeLine(text, 0);
  while (i < n) {
    const c = text.charCodeAt(i);
    const letter = isLetter(c);
    if (!letter && !isDigit(c)) {
      if (isBreak(c)) broken = true;
      if (c === 10 && prefix === 'd') codeLine = isCodeLine(text, i + 1);
      i++;
      continue;
    }
    if (codeLine) {
      i++;
      while (i < n && text.charCodeAt(i) !== 10) i++;
      broken = true;
      continue;
    }
    const start = i;
    let word = FNV_OFFSET;
    if (letter) {
      while (i < n) {
        let d = text.charCodeAt(i);
        if (isLetter(d)) {
          if (d < 97) d += 32;
        } else if (!isDigit(d) && d !== 39) break;
        word = fnv(word, d);
        i++;
      }
      if (isGlued(text, start, i)) {
        broken = true;
        continue;
      }
    } else {
      // A number, with its decimal or thousands separators: every number is the one word "<n>".
      while (i < n) {
        const d = text.charCodeAt(i);
        if (isDigit(d) || ((d === 46 || d === 44) && i + 1 < n && isDigit(text.charCodeAt(i + 1)))) i++;
        else break;
      }
      word = NUMBER_HASH;
    }
    const name = named ? (letter ? text.slice(start, i).toLowerCase() : NUMBER_WORD) : '';
    // Each feature's weight is looked up once, for whether it counts and for what it adds.
    const uni = toKey(mix(unigramSeed, word));
    const uniWeight = weightOf(options, uni);
    if (counts(options, uniWeight))
      wordHit(collector, uni, uniWeight, named ? `${prefix}:${name}` : '', source, start, i);
    if (previousStart < 0) {
      const first = toKey(mix(firstSeed, word));
      const firstWeight = weightOf(options, first);
      if (counts(options, firstWeight))
        wordHit(collector, first, firstWeight, named ? `${prefix}^:${name}` : '', source, start, i);
    } else if (!broken) {
      const pair = toKey(mix(mix(pairSeed, previousHash), word));
      const pairWeight = weightOf(options, pair);
      if (counts(options, pairWeight))
        wordHit(
          collector,
          pair,
          pairWeight,
          named ? `${prefix}:${previousWord} ${name}` : '',
          source,
          previousStart,
          i,
        );
    }
    if (prefix === 's') tokens.push({ key: uni, start, end: i });
    previousHash = word;
    previousStart = start;
    previousWord = name;
    broken = false;
  }
  return tokens;
}

/**
 * Where a rule feature's phrase is: the summary, the description, or a user story's clause that the rubric does not
 * read as a user's need: a team member's story ("As a UI designer, I want …, so that I can get approvals"), whose
 * persona, "I want" and "so that" are the team's own plan, and a story whose want is a build plan ("As a clinic
 * manager, I want to develop a mobile app …"), whose persona and "I want" ask for a solution. They are features of
 * their own, so the model weighs them apart.
 */
type RulePlace = Source | 'team' | 'plan';
/**
 * Each rule feature's name and key, by place and kind, computed once. Maps, not records: a record read by a key
 * that changes from call to call costs the engine a generic lookup each time.
 */
const RULE_FEATURE = new Map<RulePlace, Map<string, { name: string; key: number }>>([
  ['summary', new Map()],
  ['description', new Map()],
  ['team', new Map()],
  ['plan', new Map()],
]);
const PLACE_SUFFIX: Record<RulePlace, string> = { summary: 's', description: 'd', team: 't', plan: 'p' };
function ruleFeature(kind: string, place: RulePlace): { name: string; key: number } {
  const byKind = RULE_FEATURE.get(place)!;
  let feature = byKind.get(kind);
  if (feature === undefined) {
    const name = `r:${kind}:${PLACE_SUFFIX[place]}`;
    feature = { name, key: featureKey(name) };
    byKind.set(kind, feature);
  }
  return feature;
}

function addRuleSignal(
  hits: Map<number, FeatureHit>,
  signal: SignalScan['recipe'][number] | SignalScan['problem'][number],
  place: RulePlace = signal.source,
): void {
  const { name, key } = ruleFeature(signal.kind, place);
  const seen = hits.get(key);
  const span = { source: signal.source, start: signal.start, end: signal.end };
  // value is the count for now; addRuleSignals turns it into the feature's value once all are in.
  if (seen === undefined) hits.set(key, { key, name, value: 1, weight: signal.strength, spans: [span] });
  else {
    seen.value += 1;
    seen.weight = Math.max(seen.weight ?? 0, signal.strength);
    if (seen.spans.length < MAX_SPANS) seen.spans.push(span);
  }
}

/**
 * The kinds of problem phrase a story's clause re-places. A build plan's benefit clause says why, but the want has
 * chosen the solution already (RUBRIC: a recipe with or without a benefit), so its reason is the plan's too.
 */
const STORY_KINDS: ReadonlySet<string> = new Set(['user', 'need', 'reason']);

function addRuleSignals(
  scan: SignalScan,
  hits: Map<number, FeatureHit>,
  capability: Span | null,
  story: Story | null,
): void {
  const place = story?.place ?? null;
  const clause = place !== null ? story!.span : null;
  for (const s of scan.recipe) addRuleSignal(hits, s);
  for (const s of scan.problem) {
    // "User can …" in a summary names a capability, not a user with a need.
    if (s.kind === 'user' && capability && s.source === 'summary' && s.start < capability.end) continue;
    const inStory =
      place !== null &&
      clause !== null &&
      STORY_KINDS.has(s.kind) &&
      s.source === clause.source &&
      s.start >= clause.start &&
      s.start < clause.end;
    addRuleSignal(hits, s, inStory ? place : s.source);
  }
  // While counting, `weight` held the strongest match's strength; the value is strength x the count's worth.
  for (const hit of hits.values()) {
    if (!hit.name.startsWith('r:')) continue;
    hit.value = (hit.weight ?? 1) * countValue(hit.value);
    hit.weight = undefined;
  }
}

/** Words that make a summary a clause (a defect, a question, a need), not just the name of a thing. */
const CLAUSE_WORDS = new Set(
  (
    "is are was were be been being am do does did doesn't don't didn't isn't aren't wasn't has have had can " +
    "cannot can't could should would will won't must may might not no never when whenever if while after before " +
    'because so why how what which who fail fails failed failing error errors exception crash crashes crashed ' +
    'broken wrong missing incorrect throws returns shows hangs i we you they my our please cant doesnt isnt unable ' +
    // Common verbs of a defect report ("Splash screen stays up"): a clause, not a name.
    'stays stops opens closes loads appears remains gets goes takes keeps causes contains requires uses leads ' +
    'makes needs works displays breaks freezes crashes ignores overwrites loses disappears blocks prevents ' +
    'allows becomes seems looks happens runs reports exists leaks hangs overlaps overlays covers hides obscures ' +
    'flickers truncates'
  ).split(' '),
);
/** The same words as summary-word keys, so a token is checked without building its string. */
const CLAUSE_KEYS = new Set([...CLAUSE_WORDS].map((w) => featureKey(`s:${w}`)));
const BUILD_VERB_KEYS = new Set(BUILD_VERBS.split('|').map((w) => featureKey(`s:${w}`)));
/** A summary that starts with a build verb is an instruction: neither a name, a statement nor a report. */
function ledByBuildVerb(tokens: readonly Token[]): boolean {
  return tokens.length > 0 && BUILD_VERB_KEYS.has(tokens[0]!.key);
}

/** A past participle or a negation ("…ed", "…n't") makes a clause too. */
function endsLikeAVerb(summary: string, t: Token): boolean {
  const last = summary.charCodeAt(t.end - 1) | 32;
  const before = summary.charCodeAt(t.end - 2) | 32;
  return (before === 101 && last === 100) || (before === 39 && last === 116);
}

/**
 * A summary that states something ("Dropdown shows duplicates", "Save button does nothing"): not led by a build
 * verb, with a verb or a clause word in it. Bug reports read like this; build instructions do not.
 */
function summaryIsStatement(summary: string, tokens: readonly Token[]): Span | null {
  if (tokens.length < 2 || ledByBuildVerb(tokens)) return null;
  for (let i = 1; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (CLAUSE_KEYS.has(t.key) || endsLikeAVerb(summary, t))
      return { source: 'summary', start: tokens[0]!.start, end: tokens[tokens.length - 1]!.end };
  }
  return null;
}

/**
 * What a widget does, right after its name or after a short phrase that says which one ("toggle flips back",
 * "date picker on leave entry accepts 31 June", "copy icon next to the payload copies …"): the verbs are
 * third-person forms that are rarely nouns, so "toggle switches" and "unread counts" are not reports, and a modal
 * or "that" between them ("button should be blue", "sidebar that hides") is not one either.
 */
/** A word of the phrase that says which widget: not a clause word, a modal or a conjunction. */
const QUALIFIER_WORD =
  "(?!(?:that|which|who|whose|where|when|should|shall|will|would|must|can|could|may|to|and|or)\\b)[\\w'-]+";
const WIDGET_DOES = new RegExp(
  '(?:\\s+(?:in|on|of|for|under|beside|next\\s+to)\\s+(?:(?:the|a|an)\\s+)?' +
    // Which widget, not a clause about it ("banner on the home page that shows …" is not a report).
    `(?:${QUALIFIER_WORD}\\s+){0,3}?${QUALIFIER_WORD})?` +
    '\\s+(?:(?:still|sometimes|always|never|now|only|also|randomly|intermittently)\\s+)?' +
    '(?:accepts|flips|ignores|produces|overlaps|hides|skips|deletes|clears|truncates|flickers|redirects|renders|' +
    'copies|purges|resets|reverts|submits|scrolls|duplicates|' +
    'opens|closes|stays|disappears|appears|loads|remains|keeps|loses|returns|displays|shows|lists|breaks|jumps|' +
    "freezes|crashes|hangs|fails|doesn't|does\\s+not|won't|can't|cannot|is\\s+(?:not|missing|empty|blank|broken))\\b",
  'iy',
);

/**
 * What something does to a widget, right before its name ("footer overlaps the cookie banner", "toast covers the
 * Save button"): a defect where the widget is, as WIDGET_DOES is. Only third-person forms: "Hide the banner" is an
 * instruction.
 */
const DONE_TO_WIDGET = new RegExp(
  `\\b(?:overlaps|overlays|covers|hides|obscures|blocks|clips|pushes|breaks|truncates)\\s+(?:(?:the|a|an|our)\\s+)?(?:${QUALIFIER_WORD}\\s+){0,3}$`,
  'i',
);
/** How far before a widget's name DONE_TO_WIDGET looks. */
const DONE_TO_WINDOW = 60;

/**
 * A summary that reports what a widget named in it does, or what is done to it: the span from widget to verb, or
 * from verb to widget. A summary led by a build verb is an instruction, unless the verb names the widget and the
 * widget does it ("Purge button … purges the wrong queue", not "Add button in the header opens …").
 */
function widgetReport(summary: string, tokens: readonly Token[], recipe: SignalScan['recipe']): Span | null {
  const instruction = ledByBuildVerb(tokens);
  for (const r of recipe) {
    if (r.kind !== 'ui-element' || r.source !== 'summary') continue;
    if (instruction && r.start !== tokens[1]?.start) continue;
    if (!instruction) {
      const before = DONE_TO_WIDGET.exec(summary.slice(Math.max(0, r.start - DONE_TO_WINDOW), r.start));
      if (before) return { source: 'summary', start: r.start - before[0].length, end: r.end };
    }
    // Sticky: the verb must follow the widget's name, read in place without slicing the summary.
    WIDGET_DOES.lastIndex = r.end;
    const m = WIDGET_DOES.exec(summary);
    if (!m) continue;
    if (instruction && !sameVerb(summary.slice(tokens[0]!.start, tokens[0]!.end), lastWord(m[0]))) continue;
    return { source: 'summary', start: r.start, end: r.end + m[0].length };
  }
  return null;
}

/** "delete" and "deletes", "copy" and "copies": a verb and its third-person form. */
function sameVerb(verb: string, form: string): boolean {
  const stem = verb.toLowerCase().replace(/[ey]$/, '');
  return stem.length >= 3 && form.toLowerCase().startsWith(stem);
}

function lastWord(text: string): string {
  return text.slice(text.trimEnd().search(/\S+$/));
}

/** A summary of one to eight words with no verb or clause word: "Bulk import of tags", "Audit log". */
function summaryIsNounPhrase(summary: string, tokens: readonly Token[]): Span | null {
  if (tokens.length < 1 || tokens.length > 8 || summary.includes('?')) return null;
  if (ledByBuildVerb(tokens)) return null;
  for (const t of tokens) if (CLAUSE_KEYS.has(t.key) || endsLikeAVerb(summary, t)) return null;
  return { source: 'summary', start: tokens[0]!.start, end: tokens[tokens.length - 1]!.end };
}

const THIS_TASK_IS =
  /\b(?:this|the)\s+(?:task|feature|improvement|story|ticket|issue|jira|sub-?task|item|change|enhancement|epic|card|work|patch|pr)\s+(?:is|will\s+be|would\s+be)\s+(?:to|for|about)\b|\b(?:the\s+)?(?:goal|purpose|aim|scope|objective)\s+of\s+this\s+\w+\s+is\s+to\b|\bwe\s+(?:need|have|want)\s+to\s+(?:add|create|implement|build|write|change|update|remove|move|make|develop|introduce|refactor|migrate)\b/i;

/** Who a product serves, as an outcome names them: "Bring shoppers back", "Help agents answer faster". */
const PEOPLE_SRC =
  '(?:users?|customers?|shoppers?|people|visitors?|members?|buyers?|readers?|players?|students?|patients?|' +
  'clients?|guests?|riders?|subscribers?|learners?|agents?|employees)';
/** What an outcome moves: a metric a product team tracks, not a setting ("rate limit", "timeout"). */
const OUTCOME_METRIC_SRC =
  '(?:churn|abandonment|drop-?offs?|bounces?|conversions?|retention|revenue|sign-?ups?|engagement|activation|' +
  'adoption|satisfaction|nps|no-?shows?|complaints?|support\\s+(?:tickets?|calls?)|refunds?|' +
  '(?:wait(?:ing)?|response|resolution|checkout|onboarding)\\s+times?|time\\s+to\\s+[\\w-]+)';
/**
 * A summary that names an outcome ("Bring shoppers back", "Reduce checkout abandonment", "Help shoppers find gifts
 * faster"): the result wanted, which leaves the solution open. A value to set ("Reduce hold time to 8 minutes") is
 * a setting handed down, not an outcome (SETS_A_VALUE).
 */
const OUTCOME_SUMMARY = new RegExp(
  '^\\s*(?:help\\s+(?:more\\s+|our\\s+|the\\s+)?(?:[\\w-]+\\s+)?' +
    PEOPLE_SRC +
    '\\b|(?:bring|win|get)\\s+(?:[\\w-]+\\s+){1,2}back\\b|(?:keep|retain)\\s+(?:more\\s+|our\\s+)?(?:[\\w-]+\\s+)?' +
    PEOPLE_SRC +
    '\\b|(?:reduce|cut|lower|decrease|halve|minimi[sz]e|increase|raise|grow|boost|improve|double|lift)\\s+' +
    '(?:the\\s+|our\\s+)?(?:[\\w-]+\\s+){0,2}?' +
    OUTCOME_METRIC_SRC +
    '\\b)',
  'i',
);
/** A value set in the summary ("… to 8 minutes"): read only once OUTCOME_SUMMARY matched, as few summaries do. */
const SETS_A_VALUE = /\bto\s+\d/i;

/** "User can …", "Users should be able to …", "Ability to …", "Allow … to …", "Support for …" at the start. */
const CAPABILITY =
  /^\s*(?:(?:an?\s+|the\s+)?(?:users?|admins?|administrators?|customers?)\s+(?:can|should\s+be\s+able\s+to|is\s+able\s+to|are\s+able\s+to|may)\b|(?:the\s+)?ability\s+to\b|allow(?:s|ing)?\s+(?:the\s+)?(?:users?|admins?|people|customers?|to)\b|support\s+(?:for\s+)?)/i;

/** The same after a component's name: "Gadget - User can see …", "Query builder: ability to …". */
const CAPABILITY_AFTER_NAME = new RegExp(
  `^\\s*[^\\n:\\u2013-]{1,40}(?:\\s[-\\u2013]|:)\\s+${CAPABILITY.source.slice('^\\s*'.length)}`,
  'i',
);

/** "User can …" at the start of the summary, or after a component's name. */
function capabilityOf(summary: string): Span | null {
  const plain = spanOf(CAPABILITY, summary, 'summary');
  if (plain) return plain;
  const head = summary.slice(0, 48);
  if (!head.includes(':') && !head.includes(' -') && !head.includes(' \u2013')) return null;
  return spanOf(CAPABILITY_AFTER_NAME, summary, 'summary');
}

const LIST_LINE = /^\s*(?:[-*#•+]+|\d+[.)]|[a-z][.)])\s+\S/i;

/** A description of at least two lines, most of them list items: steps, files or fields to add. */
function descriptionIsOnlyAList(description: string): Span | null {
  let lines = 0;
  let items = 0;
  let firstItem: Span | null = null;
  let offset = 0;
  for (const line of description.split('\n')) {
    if (line.trim()) {
      lines += 1;
      if (LIST_LINE.test(line)) {
        items += 1;
        if (!firstItem) {
          const start = offset + (line.length - line.trimStart().length);
          firstItem = { source: 'description', start, end: offset + line.trimEnd().length };
        }
      }
    }
    offset += line.length + 1;
  }
  return items >= 2 && items >= 0.6 * lines ? firstItem : null;
}

/** Roles inside the team that builds the product, besides the rules' PO and developer. */
const TEAM_PERSONA =
  /^(?:qa|tester|test\s+engineer|qa\s+engineer|ui\s+designer|ux\s+designer|designer|user\s+researcher|researcher|architect|devops(?:\s+engineer)?|engineer|release\s+manager|product\s+team|development\s+team|dev\s+team|coder|programmer)$/i;

/**
 * "As a clinic manager, I …", "As an F&B manager I …", "As head of pricing I …", "As the CTO, we …": the article is
 * optional and the persona may be a few words long, but not a phrase such as "As of today" or "As a rule".
 */
const NOT_A_PERSONA =
  '(?!(?:of|soon|far|long|well|per|part|much|many|such|if|though|it|we|i|you|they|this|that|is|was|usual|' +
  'expected|described|discussed|mentioned|requested|noted|stated|agreed|result|rule|workaround|first|second|' +
  'last|next|step|follow-?up|reminder|side\\s+note)\\b)';
const STORY_START = new RegExp(
  '^\\s*as\\s+' +
    NOT_A_PERSONA +
    '(?:(?:an?|the|our|my)\\s+)?' +
    // The persona never starts with an article: else "As a rule, we …" would read "a rule" as one.
    '(?!(?:an?|the|our|my)\\s)' +
    NOT_A_PERSONA +
    "([a-z][\\w&/.'-]*(?:\\s+[a-z][\\w&/.'-]*){0,5}?)\\s*[,\\s]\\s*(?:i|we)\\b",
  'i',
);
const BENEFIT_WORD_KEYS = ['so', 'order'].map((w) => featureKey(`s:${w}`));
const WANT_WORD_KEYS = ['want', 'need', 'like'].map((w) => featureKey(`s:${w}`));
const LIKE_KEYS = WANT_WORD_KEYS.slice(2);
const STORY_BENEFIT = /\b(?:so\s+(?:that|i|we|they|users?)|in\s+order\s+to)\b/i;
/** What a build plan names (grouped by first letter, the order within a letter kept, so a word fails at once). */
export const SOLUTION_NOUN =
  '(?:mobile\\s+)?(?:a(?:pp|pps|pplication|pi|lgorithm|i\\s+model)|b(?:ot|ack\\s?end|lockchain|arcode\\s+scanner|' +
  'atch\\s+job|rowser\\s+extension)|c(?:hat\\s?bot|rm|ron\\s+job)|d(?:atabase|ata\\s+warehouse|ata\\s+lake)|' +
  'e(?:ngine|rp)|front\\s?end|integration|kiosks?|ledger|m(?:icroservices?|achine[\\s-]learning\\s+model|' +
  'l\\s+model|acro)|n(?:eural\\s+network|fc\\s+tags?)|p(?:lugin|ortal|latform|redictive\\s+model|ipeline)|' +
  'qr\\s+codes?|rfid(?:\\s+tags?)?|s(?:ensors?|ensor\\s+network|mart\\s+contract)|web(?:\\s?site|hook))';
/** A verb that plans a build on its own: "I want to develop …". */
export const PLAN_VERB =
  '(?:develop|build|implement|code|program|integrate|deploy|install|migrate|refactor|set\\s+up|setup)';
/**
 * The want names the solution to build, not a need: "I want to develop / build / integrate …", "I want a React
 * front end", "I want an AI chatbot that …", "I'd like an IoT sensor network with a cloud dashboard". "I want the
 * system to …" names a behaviour. A product or technology named in the want is x:want-named's.
 */
const WANT_BUILD = new RegExp(
  "\\b(?:want|need|would\\s+like|'d\\s+like)\\s+" +
    // A verb, after "to" (or "the team to", …): "I want to develop …", "I want to create an app …".
    // "I want ClaimDesk to integrate with …" names the build as well.
    '(?:(?:to\\s+|the\\s+team\\s+to\\s+|you\\s+to\\s+|us\\s+to\\s+|[\\w-]+\\s+to\\s+(?=integrate\\s+with\\b))?' +
    `(?:${PLAN_VERB}\\b` +
    '|(?:create|design|add|launch|introduce|make|use|get|have)\\s+(?:an?\\s+|the\\s+|our\\s+)?(?:new\\s+)?' +
    '(?:[\\w-]+\\s+){0,3}?' +
    SOLUTION_NOUN +
    '\\b)' +
    // A thing, right after the want: "I want an AI chatbot …", "I want QR codes on every parcel". Not "I want to
    // open the app …" (a need), nor "I want the app to remind me" (a behaviour, as "the system to …").
    '|(?:(?:an?|the|our)\\s+(?:new\\s+)?(?:[\\w-]+\\s+){0,4}?|(?!to\\b)(?:[\\w-]+\\s+){0,2}?)' +
    SOLUTION_NOUN +
    '\\b(?!\\s+to\\b))',
  'i',
);

const STACK_LINE =
  /^\s*at\s+[\w$.]+\([\w$.]*(?::\d+)?\)|^\s*caused\s+by:|exception\s+in\s+thread\b|^\s*[\w$.]+(?:exception|error):\s|\b[a-z][\w$]*\.[\w$.]+(?:Exception|Error):\s/im;
const REPRO =
  /\bsteps\s+to\s+reproduce\s*:?\s*\n?\s*(?:1[.)]|-|\*)?\s*\w+\s+\w+\s+\w+|\bexpected\s+(?:result|behaviou?r|output)s?\b[^\n]{0,400}\bactual\b|\bactual\s+(?:result|behaviou?r|output)s?\s*:?\s*\S|\bexpected\s*:\s*\S[\s\S]{0,600}?\bactual\s*:\s*\S/i;

function hasAnyKey(tokens: readonly Token[], keys: readonly number[]): boolean {
  // A loop, not keys.includes: a call into the engine per word costs more than the two comparisons it makes.
  for (const t of tokens) for (const key of keys) if (t.key === key) return true;
  return false;
}

function spanOf(re: RegExp, text: string, source: Source): Span | null {
  const m = re.exec(text);
  return m ? { source, start: m.index, end: m.index + m[0].trimEnd().length } : null;
}

function anyOfKind(signals: SignalScan['problem'], kind: string, source: Source): boolean {
  for (const signal of signals) if (signal.kind === kind && signal.source === source) return true;
  return false;
}

function anyFrom(signals: ReadonlyArray<{ source: Source }>, source: Source): boolean {
  for (const signal of signals) if (signal.source === source) return true;
  return false;
}

function summaryBuildVerb(signals: SignalScan['recipe']): SignalScan['recipe'][number] | undefined {
  for (const signal of signals)
    if (signal.kind === 'solution-verb' && signal.source === 'summary') return signal;
  return undefined;
}

function addStructure(
  summary: string,
  summaryTokens: readonly Token[],
  capability: Span | null,
  description: string,
  scan: SignalScan,
  hits: Map<number, FeatureHit>,
  story: Story | null,
): void {
  const trimmedDescription = description.trim();
  if (!trimmedDescription) hit(hits, 'x:d-empty', 1);
  else if (trimmedDescription.length < 80 && !trimmedDescription.includes('\n')) hit(hits, 'x:d-short', 1);

  // A report of what a widget does is a sentence, not the name of a thing ("Notifications toggle flips back").
  const report = capability ? null : widgetReport(summary, summaryTokens, scan.recipe);
  if (report) hit(hits, 'x:s-widget-statement', 1, report);
  // A summary that says what goes wrong ("Week view jumps to 7am") is a clause, whatever its verb looks like.
  const defect = anyOfKind(scan.problem, 'defect', 'summary');
  // An outcome is a clause too ("Bring shoppers back"), however few words it has.
  const named = capability || report ? null : spanOf(OUTCOME_SUMMARY, summary, 'summary');
  const outcome = named && !SETS_A_VALUE.test(summary) ? named : null;
  if (outcome) hit(hits, 'x:s-outcome', 1, outcome);
  const nounPhrase = report || defect || outcome ? null : summaryIsNounPhrase(summary, summaryTokens);
  if (nounPhrase) hit(hits, 'x:s-noun-phrase', 1, nounPhrase);
  if (capability) hit(hits, 'x:s-capability', 1, capability);
  else if (!nounPhrase && story?.persona.source !== 'summary') {
    const statement = summaryIsStatement(summary, summaryTokens);
    if (statement) hit(hits, 'x:s-statement', 1, statement);
  }
  // The rubric's core: a recipe states no problem. Interactions the linear model cannot form by itself.
  const problemFree = scan.problem.length === 0;
  if (problemFree) hit(hits, 'x:no-problem', 1);
  else if (trimmedDescription && !anyFrom(scan.problem, 'description')) hit(hits, 'x:d-no-problem', 1);
  if (scan.recipe.length === 0) hit(hits, 'x:no-recipe', 1);
  if (!trimmedDescription && problemFree) {
    const verb = summaryBuildVerb(scan.recipe);
    if (verb) hit(hits, 'x:bare-instruction', 1, { source: 'summary', start: verb.start, end: verb.end });
    if (nounPhrase) hit(hits, 'x:bare-name', 1, nounPhrase);
  }

  if (trimmedDescription) {
    const thisTask = spanOf(THIS_TASK_IS, description, 'description');
    if (thisTask) hit(hits, 'x:this-task-is-to', 1, thisTask);
    const list = descriptionIsOnlyAList(description);
    if (list) hit(hits, 'x:d-list-only', 1, list);
    const stack = spanOf(STACK_LINE, description, 'description');
    if (stack) hit(hits, 'x:stack-trace', 1, stack);
    const repro = spanOf(REPRO, description, 'description');
    if (repro) hit(hits, 'x:repro', 1, repro);
  }

  // A user story, in the summary or at the start of the description.
  if (story) {
    hit(hits, 'x:story', 1, story.persona);
    if (story.internal) hit(hits, 'x:internal-persona', 1, story.persona);
    if (story.benefit) hit(hits, 'x:story-benefit', 1, story.benefit);
    if (story.wantBuild) hit(hits, 'x:want-build', 1, story.wantBuild);
    if (story.namedProduct) hit(hits, 'x:want-named', 1, story.namedProduct);
    if (
      story.benefit &&
      !story.internal &&
      !story.wantBuild &&
      !story.namedProduct &&
      onlyLightPrescription(scan)
    )
      hit(hits, 'x:story-light', 1, story.benefit);
  } else if (scan.internalPersona) hit(hits, 'x:internal-persona', 1);
  if (scan.wantsWidget) hit(hits, 'x:want-widget', 1, scan.wantsWidget);
}

const LIGHT_KINDS: ReadonlySet<string> = new Set(['ui-colour', 'ui-position', 'ui-size', 'ui-element']);

/** RUBRIC: where something sits, its colour or its widget, and nothing heavier, is a lighter prescription. */
function onlyLightPrescription(scan: SignalScan): boolean {
  if (scan.recipe.length === 0) return false;
  for (const signal of scan.recipe) if (!LIGHT_KINDS.has(signal.kind)) return false;
  return true;
}

/** The team or the backlog's owner as the persona of a story: their "want" is the team's own plan. */
const OWNER_PERSONA =
  /^(?:po|product\s+owner|product\s+manager|pm|team|team\s+member|scrum\s+master|project\s+manager|business\s+analyst)$/i;

/** A user story's parts, read once for the rule features and the structure. */
interface Story {
  /** The story's clause, from "As a" to the end of its sentence, where its phrases are re-placed (`place`). */
  span: Span | null;
  /** "As a PO": the words up to the persona, not the ", I" after it. */
  persona: Span;
  /** The persona is inside the team or owns the backlog. */
  internal: boolean;
  /** Where the rule features of the clause go: a team member's story, a build plan's, or nowhere special. */
  place: 'team' | 'plan' | null;
  benefit: Span | null;
  wantBuild: Span | null;
  /** A product or technology named in the want, before its benefit ("… in Grafana", "a Salesforce integration"). */
  namedProduct: Span | null;
}

/** Where the sentence that goes on at `from` ends: before ". " (or "!", "?", the text's end) or a line break. */
function sentenceEndFrom(text: string, from: number): number {
  for (let i = from; i < text.length; i++) if (endsSentenceAt(text, i)) return i;
  return text.length;
}

/** A line break, or ".", "!" or "?" before white space or the end of the text. */
function endsSentenceAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c === 10) return true;
  return (c === 46 || c === 33 || c === 63) && (i + 1 === text.length || text.charCodeAt(i + 1) <= 32);
}

/** A user story in the summary, or at the start of the description; null for any other item. */
function readStory(summary: string, summaryTokens: readonly Token[], description: string): Story | null {
  let source: Source = 'summary';
  let text = summary;
  let head = STORY_START.exec(summary);
  if (!head && description) {
    source = 'description';
    text = description;
    head = STORY_START.exec(description);
  }
  if (!head) return null;
  const start = head.index + head[0].length - head[0].trimStart().length;
  const personaWords = head[1] ?? '';
  // A persona that ends a sentence ("As a user. We want …") is not one.
  if (personaWords.endsWith('.')) return null;
  const personaEnd = text.indexOf(personaWords, start) + personaWords.length;
  const persona = personaWords.trim();
  const team = TEAM_PERSONA.test(persona) || OWNER_PERSONA.test(persona);
  // The regexes run only when a summary has their first word.
  const fromDescription = source === 'description';
  const benefit =
    fromDescription || hasAnyKey(summaryTokens, BENEFIT_WORD_KEYS)
      ? spanOf(STORY_BENEFIT, text, source)
      : null;
  // A summary's words decide whether a pattern can match at all, except where the tokeniser reads some words
  // differently ("app's", "API/SDK"): then, as for a story in the description, the patterns run.
  const words = fromDescription || TOKENISER_DIFFERS.test(text) ? null : summaryTokens;
  const classes = words ? classesOf(text, words) : ALL_CLASSES;
  const wantBuild = !words
    ? spanOf(WANT_BUILD, text, source)
    : (classes & (WANT_CLASS | PLAN_CLASS)) === (WANT_CLASS | PLAN_CLASS)
      ? wantBuildFromWords(text, words)
      : null;
  // The clause is only needed where its phrases are re-placed (most stories are neither).
  const span =
    team || wantBuild
      ? { source, start: head.index, end: sentenceEndFrom(text, head.index + head[0].length) }
      : null;
  // The want runs to its benefit clause (namedProductIn also stops where its sentence ends).
  const wantLimit = benefit && benefit.start > personaEnd ? benefit.start : text.length;
  return {
    span,
    persona: { source, start, end: Math.max(personaEnd, start) },
    internal: team || INTERNAL_PERSONA.test(persona),
    place: team ? 'team' : wantBuild && span && wantBuild.start < span.end ? 'plan' : null,
    benefit,
    wantBuild,
    namedProduct:
      (classes & TECH_CLASS ? namedProductIn(text, head.index + head[0].length, wantLimit, source) : null) ??
      integrationIn(text, head.index + head[0].length, wantLimit, source),
  };
}

/**
 * A want that links the product to a named system: a verb of integration, then the system's capitalised name
 * ("synced with the Omnicell cabinets", "imported from Navision", "routed to Remedy"). A file format is not a
 * system ("exported to CSV"); Excel is in NAMED_TECH.
 */
const LINK_VERB =
  '\\b(?:[Ii]ntegrat|[Ss]ync|[Cc]onnect|[Rr]out|[Pp]ush|[Ff]eed|[Pp]ull|[Ii]mport|[Ee]xport|[Ss]en[dt]|[Ff]orward|[Ss]tream|[Ll]ink|[Aa]rriv|[Rr]eceiv)';
const LINK_BEFORE_NAME = new RegExp(
  `${LINK_VERB}[a-z]*\\s+(?:[\\w-]+\\s+){0,3}?(?:with|to|into|from|via|through|in)\\s+(?:(?:the|our|their|my|an?)\\s+)?$`,
);
/** Where a verb of integration first starts: most wants with a capitalised word have none, and end there. */
const FIRST_LINK_VERB = new RegExp(LINK_VERB, 'g');
const FILE_FORMAT = /^(?:CSV|PDF|JSON|XML|HTML|TXT|XLSX?|ZIP|PNG|JPE?G|SMS|Email|Excel)\b/;
/** A capitalised word's start: most wants have none after the persona, and then nothing else is read. */
const CAPITALISED_WORD = /\b[A-Z][A-Za-z]/g;
/** How far before a name its verb of integration may start. */
const LINK_WINDOW = 80;

function integrationIn(text: string, from: number, limit: number, source: Source): Span | null {
  let end = -1;
  CAPITALISED_WORD.lastIndex = from;
  for (
    let name = CAPITALISED_WORD.exec(text);
    name && name.index < limit;
    name = CAPITALISED_WORD.exec(text)
  ) {
    if (end < 0) {
      FIRST_LINK_VERB.lastIndex = from;
      const verb = FIRST_LINK_VERB.exec(text);
      // Most wants have no verb of integration at all: their sentence's end is then not looked for.
      if (!verb) return null;
      end = Math.min(limit, sentenceEndFrom(text, from));
      if (verb.index >= end) return null;
      // A name before the first verb has no verb before it; the next capitalised word after the verb is read next.
      if (name.index < verb.index) {
        CAPITALISED_WORD.lastIndex = verb.index;
        continue;
      }
    }
    if (name.index >= end) return null;
    const windowStart = Math.max(from, name.index - LINK_WINDOW);
    const link = LINK_BEFORE_NAME.exec(text.slice(windowStart, name.index));
    if (!link || FILE_FORMAT.test(text.slice(name.index, name.index + 8))) continue;
    let nameEnd = name.index + 1;
    while (nameEnd < end && isLetter(text.charCodeAt(nameEnd))) nameEnd++;
    return { source, start: windowStart + link.index, end: nameEnd };
  }
  return null;
}

/**
 * A product or technology a want may name: well-known products and techniques, or a name shaped like one
 * (CamelCase "BigQuery", "OneSignal"). A backlog's own capitalised domain words
 * ("a Data Package", "the NSF") are not names of a solution, so capitals alone do not count.
 */
const NAMED_TECH = new RegExp(
  '\\b(?:aws|azure|gcp|google\\s+(?:cloud|sheets|maps|drive|pay)|apple\\s+pay|firebase|salesforce|hubspot|' +
    'twilio|slack|microsoft\\s+teams|mailchimp|sendgrid|stripe|paypal|shopify|wordpress|excel|power\\s?(?:bi|apps)|' +
    'tableau|grafana|kibana|sap|zapier|whatsapp|telegram|dropbox|sharepoint|outlook|office\\s?365|docusign|' +
    'zendesk|airtable|typeform|chatgpt|gpt(?:-\\d)?|openai|llm|dialogflow|alexa|react(?:\\s+native)?|angular|' +
    'vue|flutter|kotlin|swift|node(?:\\.js)?|python|kafka|redis|mongodb|postgres(?:ql)?|mysql|snowflake|' +
    'bigquery|databricks|spark|hadoop|docker|kubernetes|terraform|bluetooth|nfc|rfid|iot|ocr|blockchain|' +
    'machine[\\s-]learning|ai|computer\\s+vision|ar(?:kit|core)|unity|raspberry\\s+pi|arduino|onesignal|' +
    'cloudfront|akamai|cloudflare|mulesoft|workday|quickbooks|xero|netsuite|okta|auth0|face\\s+id|touch\\s+id|' +
    'qr[\\s-]codes?|barcodes?|drones?|lidar|webhooks?|graphql|rest\\s+api|' +
    // Developers' tools, as a want names them ("a Spring Boot starter", "a VS Code extension").
    'spring\\s+boot|vs\\s?code|visual\\s+studio(?:\\s+code)?|intellij|eclipse\\s+(?:plugin|ide|rcp)|jenkins|' +
    'github(?:\\s+actions)?|helm\\s+charts?|' +
    'gitlab|bitbucket|prometheus|datadog|splunk|elasticsearch|opensearch|opentelemetry|ansible|pagerduty|' +
    'sentry|maven|gradle|jupyter|airflow|tensorflow|pytorch)\\b',
  'iy',
);
/**
 * Characters next to which the tokeniser reads a word differently from a regular expression's word run (an
 * apostrophe or a dot inside a word, a slash, an underscore …): where one is present, the summary's words are not used
 * to rule a pattern out.
 */
const TOKENISER_DIFFERS = /['.:](?=\w)|[/\\<>=$@(_]/;
/** What a summary's words may hold: a word a build plan needs, a product name's first word, a want word. */
const PLAN_CLASS = 1;
const TECH_CLASS = 2;
const WANT_CLASS = 4;
const ALL_CLASSES = PLAN_CLASS | TECH_CLASS | WANT_CLASS;
/** Every word WANT_BUILD needs one of: a build verb, a solution noun or its first word. */
const PLAN_WORDS = (
  'develop build implement code program integrate deploy install migrate refactor set setup mobile app apps ' +
  'application chat chatbot bot api database front frontend back backend microservice microservices plugin web ' +
  'website portal platform engine algorithm machine ml ai predictive neural blockchain ledger sensor sensors kiosk ' +
  'kiosks qr rfid nfc barcode crm erp macro cron batch pipeline data integration webhook browser smart'
).split(' ');
/** The words a NAMED_TECH name can start with: the pattern is tried only there. */
const NAMED_TECH_FIRST_WORD_LIST = (
  'aws azure gcp google apple firebase salesforce hubspot twilio slack microsoft mailchimp sendgrid stripe paypal ' +
  'shopify wordpress excel power powerbi powerapps tableau grafana kibana sap zapier whatsapp telegram dropbox ' +
  'sharepoint outlook office office365 docusign zendesk airtable typeform chatgpt gpt openai llm dialogflow alexa ' +
  'react angular vue flutter kotlin swift node python kafka redis mongodb postgres postgresql mysql snowflake ' +
  'bigquery databricks spark hadoop docker kubernetes terraform bluetooth nfc rfid iot ocr blockchain machine ai ' +
  'computer arkit arcore unity raspberry arduino onesignal cloudfront akamai cloudflare mulesoft workday ' +
  'quickbooks xero netsuite okta auth0 face touch qr barcode barcodes drone drones lidar webhook webhooks graphql rest ' +
  'spring vs vscode visual intellij eclipse jenkins github gitlab bitbucket prometheus datadog splunk elasticsearch ' +
  'opensearch opentelemetry helm ansible pagerduty sentry maven gradle jupyter airflow tensorflow pytorch'
).split(' ');
/** Each of those words, by summary word key, with its classes. */
const WORD_CLASS: ReadonlyMap<number, number> = (() => {
  const classes = new Map<number, number>();
  const add = (word: string, c: number) => {
    const key = featureKey(`s:${word}`);
    classes.set(key, (classes.get(key) ?? 0) | c);
  };
  for (const word of PLAN_WORDS) add(word, PLAN_CLASS);
  for (const word of NAMED_TECH_FIRST_WORD_LIST) add(word, TECH_CLASS);
  for (const word of ['want', 'need', 'like']) add(word, WANT_CLASS);
  return classes;
})();
/**
 * Slot tables by a key's or a hash's low bits: most words fall in an empty slot and cost one array read before any
 * set or map is consulted.
 */
const SLOT_MASK = (1 << 12) - 1;
/** WORD_CLASS by slot, or-ed. */
const CLASS_SLOTS = new Uint8Array(SLOT_MASK + 1);
for (const [key, c] of WORD_CLASS) CLASS_SLOTS[key & SLOT_MASK]! |= c;

const WANT_BUILD_AT = new RegExp(WANT_BUILD.source, 'iy');
const [WANT_KEY, NEED_KEY] = WANT_WORD_KEYS as [number, number, number];

/**
 * WANT_BUILD in a summary whose words are the tokeniser's: tried only where a "want" or "need" starts (the first
 * that matches, as the scan would find it) with a word a build plan needs after it; a "would like" takes the scan.
 */
function wantBuildFromWords(text: string, words: readonly Token[]): Span | null {
  if (hasAnyKey(words, LIKE_KEYS)) return spanOf(WANT_BUILD, text, 'summary');
  // The plan follows its want: a want after the summary's last plan word ("As a data user, I want …") plans nothing.
  const lastPlanWord = lastWordOfClass(words, PLAN_CLASS);
  for (let i = 0; i < lastPlanWord; i++) {
    const word = words[i]!;
    if (word.key !== WANT_KEY && word.key !== NEED_KEY) continue;
    WANT_BUILD_AT.lastIndex = word.start;
    const m = WANT_BUILD_AT.exec(text);
    if (m) return { source: 'summary', start: m.index, end: m.index + m[0].trimEnd().length };
  }
  return null;
}

/** The index of the last word with the class (a word class, not a CamelCase name's), or -1. */
function lastWordOfClass(words: readonly Token[], wordClass: number): number {
  for (let i = words.length - 1; i >= 0; i--) {
    const key = words[i]!.key;
    if (CLASS_SLOTS[key & SLOT_MASK]! & wordClass && (WORD_CLASS.get(key) ?? 0) & wordClass) return i;
  }
  return -1;
}

/**
 * The classes of a summary's words, or-ed, in one pass: a want word, a word a build plan needs, a word a product
 * name starts with or a CamelCase word. Without a class, its pattern cannot match.
 */
function classesOf(text: string, words: readonly Token[]): number {
  let classes = 0;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (CLASS_SLOTS[word.key & SLOT_MASK]! !== 0) classes |= WORD_CLASS.get(word.key) ?? 0;
    if (i > 0 && isUpper(text.charCodeAt(word.start)) && hasProductShape(text, word.start, word.end))
      classes |= TECH_CLASS;
  }
  return classes;
}
const NAMED_TECH_FIRST_WORDS: ReadonlySet<number> = new Set(
  NAMED_TECH_FIRST_WORD_LIST.map((word) => fnvString(FNV_OFFSET, word)),
);
/** NAMED_TECH_FIRST_WORDS by slot. */
const TECH_SLOTS = new Uint8Array(SLOT_MASK + 1);
for (const hash of NAMED_TECH_FIRST_WORDS) TECH_SLOTS[hash & SLOT_MASK] = 1;
/** Names that are also everyday words ("react to", "excel at", "power", "rest"): a name only when capitalised. */
const NAMED_ONLY_CAPITALISED: ReadonlySet<number> = new Set(
  (
    'react excel swift spark slack unity outlook node office face touch power rest apple vue sap alexa spring vs ' +
    'visual eclipse sentry maven airflow prometheus jenkins'
  )
    .split(' ')
    .map((word) => fnvString(FNV_OFFSET, word)),
);

/**
 * The first product or technology named in a want, from `from` up to `limit` and the end of its sentence: a word
 * that starts a NAMED_TECH name, or a CamelCase word ("BigQuery"). The same scan of the characters for a story in
 * the summary and in the description (the tokeniser's words leave out some, "Shopify's", "Node.js").
 */
function namedProductIn(text: string, from: number, limit: number, source: Source): Span | null {
  let i = from;
  while (i < limit) {
    const c = text.charCodeAt(i);
    if (!isWordChar(c)) {
      if (endsSentenceAt(text, i)) return null;
      i++;
      continue;
    }
    if (i > 0 && isWordChar(text.charCodeAt(i - 1))) {
      i++;
      continue;
    }
    let end = i;
    let hash = FNV_OFFSET;
    while (end < text.length && isWordChar(text.charCodeAt(end))) {
      hash = fnv(hash, text.charCodeAt(end) | 0x20);
      end++;
    }
    const nameEnd = productEndAt(text, i, end, hash);
    // A name never holds a sentence's end, so it is inside the want when it ends by the limit.
    if (nameEnd >= 0) return nameEnd <= limit ? { source, start: i, end: nameEnd } : null;
    i = end;
  }
  return null;
}

/** Where a name that starts at the word [start, end) (`hash` its lower-case hash) ends, or -1. */
function productEndAt(text: string, start: number, end: number, hash: number): number {
  if (TECH_SLOTS[hash & SLOT_MASK] === 1 && NAMED_TECH_FIRST_WORDS.has(hash)) {
    const capitalised = isUpper(text.charCodeAt(start));
    NAMED_TECH.lastIndex = start;
    if ((capitalised || !NAMED_ONLY_CAPITALISED.has(hash)) && NAMED_TECH.test(text))
      return NAMED_TECH.lastIndex;
  }
  return hasProductShape(text, start, end) ? end : -1;
}

/**
 * "BigQuery", "OneSignal": two capitalised parts, the second of three letters or more. Not "PhD", and not a code
 * identifier of three parts or more ("FundingAgencyCode").
 */
function hasProductShape(text: string, start: number, end: number): boolean {
  if (end - start < 5 || !isUpper(text.charCodeAt(start)) || !isLower(text.charCodeAt(start + 1)))
    return false;
  let i = start + 2;
  while (i < end && isLower(text.charCodeAt(i))) i++;
  if (i === end || !isUpper(text.charCodeAt(i))) return false;
  const second = ++i;
  while (i < end && isLower(text.charCodeAt(i))) i++;
  return i === end && i - second >= 2;
}

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}
function isLower(c: number): boolean {
  return c >= 97 && c <= 122;
}

/**
 * Template lines that carry no signal either way ("h3. Acceptance criteria", "Steps to reproduce:", "N/A"), blanked
 * with spaces so that every offset into the text stays true.
 */
const BOILERPLATE_LINE =
  /^[ \t]*(?:h[1-6]\.[ \t]*)?[*_]?(?:acceptance[ \t]+criteria|steps[ \t]+to[ \t]+reproduce|description|expected[ \t]+(?:results?|behaviou?r)|actual[ \t]+(?:results?|behaviou?r)|notes?|details|summary|background|n\/a|none|null|tbd|todo|environment|user[ \t]+story|story|definition[ \t]+of[ \t]+done)[*_]?[ \t]*:?[ \t]*[*_]?[ \t]*$/gim;

/** The headings of a bug report's template: filled in, they are the report itself, not boilerplate. */
const REPORT_HEADING = /steps|expected|actual/i;

/** True when the lines after `end` hold text before the next template heading (the section is filled in). */
function sectionHasText(description: string, end: number): boolean {
  let lineStart = description.indexOf('\n', end);
  while (lineStart >= 0) {
    let lineEnd = description.indexOf('\n', lineStart + 1);
    if (lineEnd < 0) lineEnd = description.length;
    const line = description.slice(lineStart + 1, lineEnd);
    if (line.trim()) {
      BOILERPLATE_LINE.lastIndex = 0;
      const isHeading = BOILERPLATE_LINE.test(line);
      BOILERPLATE_LINE.lastIndex = 0;
      return !isHeading;
    }
    lineStart = lineEnd < description.length ? lineEnd : -1;
  }
  return false;
}

export function blankBoilerplate(description: string): string {
  return description.replace(BOILERPLATE_LINE, (line: string, offset: number) =>
    REPORT_HEADING.test(line) && sectionHasText(description, offset + line.length)
      ? line
      : ' '.repeat(line.length),
  );
}

/**
 * Every feature of one item. `summary` and `description` are plain text, already cut to size; the description's
 * boilerplate must already be blanked (blankBoilerplate) so that the offsets quoted are into the same text.
 */
export function extractRecipeFeatures(
  summary: string,
  description: string,
  options: ExtractOptions = {},
): RecipeFeatures {
  const hits = new Map<number, FeatureHit>();
  const collector: Collector = { hits, options, lightWeight: 0 };
  startSeen();
  const scan = scanSignals(summary, description);
  const capability = capabilityOf(summary);
  const summaryTokens = addWords(summary, 'summary', 's', collector);
  if (description) addWords(description.slice(0, MAX_NGRAM_DESCRIPTION_CHARS), 'description', 'd', collector);
  const story = readStory(summary, summaryTokens, description);
  addRuleSignals(scan, hits, capability, story);
  addStructure(summary, summaryTokens, capability, description, scan, hits, story);
  return { hits, scan, lightWeight: collector.lightWeight };
}
