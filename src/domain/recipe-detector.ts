/**
 * Recipe detector: does a backlog item prescribe the solution ("Make it blue and put it top right") instead
 * of stating a problem, a user, a reason or an expected result?
 *
 * A logistic regression learned from labelled items of many projects (test/fixtures/recipes, retrained by
 * `npx tsx scripts/train-recipe-model.ts`), over the words of the summary and description, the hand-written phrase
 * signals (recipe-signals.ts) and the item's structure (recipe-features.ts). Deterministic and explainable: the
 * verdict quotes the words that weighed most for a recipe (reasons, with offsets into the plain text of the summary
 * or description) and against it (problemSignals). Pure, no I/O, linear in the input.
 */
import { toPlainText, type AdfNode } from './plain-text';
import { readsAsAnotherLanguage } from './another-language';
import { isRegexSpace, saysSomething } from './says-something';
import {
  blankBoilerplate,
  extractRecipeFeatures,
  featureKey,
  STRUCTURE_WHY,
  WeightTable,
  type RecipeFeatures,
  type Span,
} from './recipe-features';
// Named, so a bundle keeps only what the detector reads (not the file's notes on how it was trained).
import { bias as shippedBias, weights as shippedWeights } from './recipe-model.json';
import {
  MAX_DESCRIPTION_CHARS,
  MAX_SUMMARY_CHARS,
  PROBLEM_WHY,
  RECIPE_WHY,
  type ProblemSignalKind,
  type RecipeSignalKind,
  type Source,
} from './recipe-signals';

export type { AdfNode } from './plain-text';
export type { ProblemSignalKind, RecipeSignalKind } from './recipe-signals';

export interface RecipeReason {
  phrase: string;
  why: string;
  kind: RecipeSignalKind;
  source: Source;
  start: number;
  end: number;
}
export interface ProblemSignal {
  phrase: string;
  why: string;
  kind: ProblemSignalKind;
  source: Source;
  start: number;
  end: number;
}
export interface RecipeVerdict {
  isRecipe: boolean;
  /** The model's probability that the item is a recipe, two decimals. */
  confidence: number;
  /** The words that weighed most for a recipe (at most 8, chosen by weight), in reading order. */
  reasons: RecipeReason[];
  /** The words that weighed most against a recipe (at most 8, chosen by weight), in reading order. */
  problemSignals: ProblemSignal[];
}

/** A trained model: a weight per feature name and a bias, in logits. */
export interface RecipeModel {
  bias: number;
  /** By featureKey(name). */
  weights: WeightTable;
}

/** A trained model as the trainer gives it: the bias and a [feature, weight] pair each. */
export interface RecipeModelJson {
  bias: number;
  weights: ReadonlyArray<readonly [string, number]>;
}

export function modelFromJson(json: RecipeModelJson): RecipeModel {
  return {
    bias: json.bias,
    weights: new WeightTable(json.weights.map(([name, w]) => [featureKey(name), w])),
  };
}

/** What joins the features that share a weight in the weights file; no feature name has it. */
export const WEIGHT_FILE_SEPARATOR = '|';

/** One line of the weights file: a weight, then the features that carry it, grouped by their kind's prefix. */
export type WeightFileLine = [number, ...string[]];

/**
 * The weights file lists each weight once, then the features that carry it: weights are rounded to two decimals, so
 * many features share one, and a bundle carries each number once. Each group writes its kind's prefix once, and the
 * rest of each name after it, joined by WEIGHT_FILE_SEPARATOR ("s:add|add button" for "s:add" and "s:add button").
 */
export function pairsOfWeightFile(lines: ReadonlyArray<WeightFileLine>): Array<[string, number]> {
  const pairs: Array<[string, number]> = [];
  for (const [weight, ...groups] of lines)
    for (const group of groups) {
      const prefixEnd = group.indexOf(':') + 1;
      const prefix = group.slice(0, prefixEnd);
      for (const rest of group.slice(prefixEnd).split(WEIGHT_FILE_SEPARATOR))
        pairs.push([prefix + rest, weight]);
    }
  return pairs;
}

const SHIPPED: RecipeModel = modelFromJson({
  bias: shippedBias,
  // JSON types a line of mixed values as (string | number)[]: the file's shape is checked by its unit test.
  weights: pairsOfWeightFile(shippedWeights as unknown as WeightFileLine[]),
});

/** At most this many phrases of one kind, and in all, are quoted: the verdict needs evidence, not a census. */
const MAX_PER_KIND = 3;
const MAX_QUOTED = 8;
/** A learned word is quoted only when it moves the verdict this much (in logits); rule phrases always are. */
const MIN_LEARNED_WEIGHT = 0.5;

/** Structure features quoted on the side their meaning supports; the rest ("no description") are never quoted. */
const STRUCTURE_SIDE: Record<string, { side: 'recipe' } | { side: 'problem'; kind: ProblemSignalKind }> = {
  'x:s-noun-phrase': { side: 'recipe' },
  'x:s-capability': { side: 'recipe' },
  'x:bare-instruction': { side: 'recipe' },
  'x:bare-name': { side: 'recipe' },
  'x:this-task-is-to': { side: 'recipe' },
  'x:d-list-only': { side: 'recipe' },
  'x:want-build': { side: 'recipe' },
  'x:want-widget': { side: 'recipe' },
  'x:want-named': { side: 'recipe' },
  'x:internal-persona': { side: 'recipe' },
  'x:story-benefit': { side: 'problem', kind: 'reason' },
  'x:stack-trace': { side: 'problem', kind: 'defect' },
  'x:s-statement': { side: 'problem', kind: 'defect' },
  'x:s-widget-statement': { side: 'problem', kind: 'defect' },
  'x:s-outcome': { side: 'problem', kind: 'expected-result' },
  'x:repro': { side: 'problem', kind: 'defect' },
};

const RECIPE_KINDS = new Set<string>([
  'solution-verb',
  'ui-colour',
  'ui-position',
  'ui-size',
  'ui-element',
  'technology',
]);

interface Evidence {
  span: Span;
  contribution: number;
  side: 'recipe' | 'problem';
  kind: RecipeSignalKind | ProblemSignalKind;
  why: string;
}

/** What a rule feature's name ("r:<kind>:<place>") says, read once per name. */
interface RuleMeaning {
  kind: RecipeSignalKind | ProblemSignalKind;
  side: 'recipe' | 'problem';
  /**
   * The persona and "I want" of a team member's story (":t") or of a build-plan story (":p") are not a user
   * with a need: they weigh, but are not quoted as one. Their "so that" may still name a user's gain.
   */
  quoted: boolean;
  /** Why it is quoted, on its side. */
  why: string;
}
const RULE_MEANING = new Map<string, RuleMeaning>();
function ruleMeaning(name: string): RuleMeaning {
  let meaning = RULE_MEANING.get(name);
  if (meaning === undefined) {
    const kind = name.slice(2, name.lastIndexOf(':')) as RecipeSignalKind | ProblemSignalKind;
    const side = RECIPE_KINDS.has(kind) ? 'recipe' : 'problem';
    meaning = {
      kind,
      side,
      quoted: !((kind === 'user' || kind === 'need') && /:[tp]$/.test(name)),
      why: side === 'recipe' ? RECIPE_WHY[kind as RecipeSignalKind] : PROBLEM_WHY[kind as ProblemSignalKind],
    };
    RULE_MEANING.set(name, meaning);
  }
  return meaning;
}

/** What each quoted structure feature says, by name, read once: its side, the kind it is quoted as, and why. */
const STRUCTURE_MEANING = new Map(
  Object.entries(STRUCTURE_SIDE).map(([name, meaning]) => [
    name,
    {
      side: meaning.side,
      kind: meaning.side === 'recipe' ? ('work-item' as const) : meaning.kind,
      why: STRUCTURE_WHY[name] ?? '',
    },
  ]),
);

/** Turns each weighted feature into quotable evidence on the side it pushes. */
function evidenceOf(
  features: RecipeFeatures,
  model: RecipeModel,
  textOf: (span: Span) => string,
): { logit: number; evidence: Evidence[] } {
  let logit = model.bias + features.lightWeight;
  const evidence: Evidence[] = [];
  for (const feature of features.hits.values()) {
    const weight = feature.weight ?? model.weights.get(feature.key);
    if (weight === undefined || weight === 0) continue;
    const contribution = weight * feature.value;
    logit += contribution;
    if (feature.spans.length === 0) continue;
    const side = contribution > 0 ? 'recipe' : 'problem';
    if (feature.name.startsWith('r:')) {
      const { kind, side: ruleSide, quoted, why } = ruleMeaning(feature.name);
      // A rule phrase the data weighs the other way is not quoted: it would contradict its own label.
      if (!quoted || side !== ruleSide) continue;
      const share = contribution / feature.spans.length;
      for (const span of feature.spans) evidence.push({ span, contribution: share, side, kind, why });
    } else if (feature.name.startsWith('x:')) {
      const meaning = STRUCTURE_MEANING.get(feature.name);
      if (!meaning || meaning.side !== side) continue;
      evidence.push({ span: feature.spans[0]!, contribution, side, kind: meaning.kind, why: meaning.why });
    } else if (Math.abs(contribution) >= MIN_LEARNED_WEIGHT && explainsItself(textOf(feature.spans[0]!))) {
      evidence.push({
        span: feature.spans[0]!,
        contribution,
        side,
        kind: 'learned',
        why: side === 'recipe' ? RECIPE_WHY.learned : PROBLEM_WHY.learned,
      });
    }
  }
  return { logit, evidence };
}

/** A number beside a word that says nothing: "to 56", "56 of". */
const BARE_NUMBER =
  /^(?:(?:a|an|the|to|of|in|on|at|by|for|with|from|and|or|is|are|be)\s+\d[\d.,]*|\d[\d.,]*\s+(?:a|an|the|to|of|in|on|at|by|for|with|from|and|or|is|are|be))$/i;

/**
 * Whether a learned word pair means something to a reader when quoted: not two clauses' edges ("manager, I")
 * and not a number beside a word that says nothing ("to 56"). What is not quoted still weighs in the verdict.
 */
function explainsItself(phrase: string): boolean {
  // A clause's edge (/[,;:!?]|\.\s|\n/), and whether there is a digit, which BARE_NUMBER needs: one pass over the
  // phrase's few characters, where two patterns cost a call each.
  let digit = false;
  for (let i = 0; i < phrase.length; i++) {
    const c = phrase.charCodeAt(i);
    // , ; : ! ? and a line break
    if (c === 44 || c === 59 || c === 58 || c === 33 || c === 63 || c === 10) return false;
    if (c === 46 && i + 1 < phrase.length && isRegexSpace(phrase.charCodeAt(i + 1))) return false;
    if (c >= 48 && c <= 57) digit = true;
  }
  return !digit || !BARE_NUMBER.test(phrase.trim());
}

function sameSpan(a: Span, b: Span): boolean {
  return a.source === b.source && a.start === b.start && a.end === b.end;
}

function overlaps(a: Span, b: Span): boolean {
  return a.source === b.source && a.start < b.end && b.start < a.end;
}

/** Heaviest first; among equals, the summary before the description, then reading order. */
function byWeight(a: Evidence, b: Evidence): number {
  return (
    Math.abs(b.contribution) - Math.abs(a.contribution) ||
    (a.span.source === b.span.source ? a.span.start - b.span.start : a.span.source === 'summary' ? -1 : 1)
  );
}

/**
 * The heaviest evidence first, at most three of a kind. Rule and structure phrases are all quoted, even where they
 * overlap ("Upgrade" and "Upgrade Jetty to 9.4" say different things); a learned word overlapping a phrase already
 * quoted is not quoted again ("create a" after "Create"). Two features on the very same words ("Bulk import of
 * tags" as a name and as a bare name) are quoted once.
 */
function quote(evidence: Evidence[]): Evidence[] {
  stableSort(evidence, byWeight);
  const chosen: Evidence[] = [];
  for (const e of evidence) {
    // One pass over what is chosen: is `e` said already, and how many of its kind on its side are there (kinds
    // are named apart on the two sides but for 'learned')?
    let said = false;
    let ofItsKind = 0;
    for (const c of chosen) {
      if (
        (e.kind === 'learned' && overlaps(c.span, e.span)) ||
        (c.side === e.side && sameSpan(c.span, e.span))
      ) {
        said = true;
        break;
      }
      if (c.side === e.side && c.kind === e.kind) ofItsKind++;
    }
    if (!said && ofItsKind < MAX_PER_KIND) chosen.push(e);
  }
  return chosen;
}

function byPosition(a: { source: Source; start: number }, b: { source: Source; start: number }): number {
  return a.source === b.source ? a.start - b.start : a.source === 'summary' ? -1 : 1;
}

/**
 * A stable sort. A verdict's lists hold a few items, where an insertion sort costs less than Array.prototype.sort
 * (also stable, so both give the same order); a long list goes to the built-in one.
 */
function stableSort<T>(list: T[], compare: (a: T, b: T) => number): void {
  if (list.length > 32) {
    list.sort(compare);
    return;
  }
  for (let i = 1; i < list.length; i++) {
    const item = list[i]!;
    let j = i - 1;
    while (j >= 0 && compare(list[j]!, item) > 0) {
      list[j + 1] = list[j]!;
      j--;
    }
    list[j + 1] = item;
  }
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/**
 * Words that say nothing of a solution when quoted alone or together: articles, prepositions and conjunctions. Not
 * "we", "our", "it", "should", "here" or "if": in the labelled backlogs the items the model quotes them alone for are
 * mostly recipes, the team's own voice ("we need to migrate our database") or a requirement's ("X should build as
 * a DLL").
 */
const FILLER_WORDS = new Set(
  'a an the of to in on at by from with into onto over about and or as'.split(' '),
);
/** A tracker's words for the item itself: "this issue", "this ticket". */
const THE_ITEM_ITSELF = /^(?:this|the)\s+(?:issue|ticket)$/i;

/**
 * Whether a quoted reason is only filler ("as a" in "adds Maven as a requirement", "this issue"): it explains
 * nothing. "As a" opening the text or a sentence is a story's persona, which the model learned to read.
 */
function isFiller(reason: RecipeReason, text: string): boolean {
  if (reason.kind !== 'learned') return false;
  const phrase = reason.phrase.toLowerCase();
  if (THE_ITEM_ITSELF.test(phrase)) return true;
  let any = false;
  for (const word of phrase.split(/[^a-z]+/)) {
    if (word === '') continue;
    if (!FILLER_WORDS.has(word)) return false;
    any = true;
  }
  return any && !(phrase.startsWith('as') && opensSentence(text, reason.start));
}

/** Whether `at` starts its text or a sentence: nothing but white space since the start or a full stop. */
function opensSentence(text: string, at: number): boolean {
  let i = at - 1;
  while (i >= 0 && isRegexSpace(text.charCodeAt(i))) i--;
  if (i < 0) return true;
  const c = text.charCodeAt(i);
  // . ! ? :
  return c === 46 || c === 33 || c === 63 || c === 58;
}

/** The plain text the detector reads and quotes offsets into. */
export function recipeText(input: { summary: string; description?: string | AdfNode | null }): {
  summary: string;
  description: string;
} {
  const summary = (typeof input?.summary === 'string' ? input.summary : '').slice(0, MAX_SUMMARY_CHARS);
  const plain = toPlainText(input?.description ?? null).slice(0, MAX_DESCRIPTION_CHARS);
  const description = plain === '' ? plain : blankBoilerplate(plain);
  return { summary, description };
}

/** A fresh verdict each time: callers may sort or extend the lists they are given. */
function nothingToJudge(): RecipeVerdict {
  return { isRecipe: false, confidence: 0, reasons: [], problemSignals: [] };
}

/** The verdict of a given model (the shipped one unless a test or the training script passes another). */
export function detectRecipeWith(
  model: RecipeModel,
  input: { summary: string; description?: string | AdfNode | null },
): RecipeVerdict {
  try {
    const { summary, description } = recipeText(input);
    // "x", "TBD" or "asdf" is no recipe and no problem: there is nothing to judge yet.
    if (!saysSomething(summary) && !saysSomething(description)) return nothingToJudge();
    const features = extractRecipeFeatures(summary, description, {
      known: model.weights,
      quoteAbove: MIN_LEARNED_WEIGHT,
    });
    const textOf = (span: Span) =>
      (span.source === 'summary' ? summary : description).slice(span.start, span.end);
    const { logit, evidence } = evidenceOf(features, model, textOf);
    const probability = 1 / (1 + Math.exp(-logit));
    const quoted = quote(evidence);
    const reasons: RecipeReason[] = [];
    const problemSignals: ProblemSignal[] = [];
    for (const e of quoted) {
      const { source, start, end } = e.span;
      const phrase = (source === 'summary' ? summary : description).slice(start, end);
      if (e.side === 'recipe' && reasons.length < MAX_QUOTED)
        reasons.push({ phrase, why: e.why, kind: e.kind as RecipeSignalKind, source, start, end });
      else if (e.side === 'problem' && problemSignals.length < MAX_QUOTED)
        problemSignals.push({ phrase, why: e.why, kind: e.kind as ProblemSignalKind, source, start, end });
    }
    // The model reads English: a text in another language it would flag is judged by words it cannot read.
    // Without a description the summary alone is read: a line break at the end adds no word and no letter, and
    // joining would only copy the summary.
    if (
      probability >= 0.5 &&
      readsAsAnotherLanguage(description === '' ? summary : `${summary}\n${description}`)
    )
      return nothingToJudge();
    // Chosen by weight, shown in reading order (summary first), as a reader meets them: the verdict set aside
    // below is read in that order too.
    stableSort(reasons, byPosition);
    stableSort(problemSignals, byPosition);
    // A verdict whose every phrase for it is a small word ("as a" of "as a requirement", "this issue") quotes
    // nothing that says what to build, against words that say otherwise: it is not given, and says nothing of the
    // text. Without a word against it, such a verdict is mostly right across the labelled backlogs, and stands.
    if (
      probability >= 0.5 &&
      reasons.length > 0 &&
      problemSignals.length > 0 &&
      reasons.every((r) => isFiller(r, r.source === 'summary' ? summary : description))
    )
      return { isRecipe: false, confidence: round2(probability), reasons: [], problemSignals };
    return {
      // A verdict that cannot quote a single word for itself is not given.
      isRecipe: probability >= 0.5 && reasons.length > 0,
      confidence: round2(probability),
      reasons,
      problemSignals,
    };
  } catch {
    return nothingToJudge();
  }
}

export function detectRecipe(input: {
  summary: string;
  description?: string | AdfNode | null;
}): RecipeVerdict {
  return detectRecipeWith(SHIPPED, input);
}

/** The first of each group of items with the same key, in their order. */
function firstOfEach<T>(items: readonly T[], keyOf: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = keyOf(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** White space that folding changes: a run of it, or a character of it other than a space. */
const SPACES_TO_FOLD = /\s\s|[^\S ]/;

/** The text with each run of white space one space; most phrases have only single spaces, and are kept as they are. */
function foldSpaces(text: string): string {
  return SPACES_TO_FOLD.test(text) ? text.replace(/\s+/g, ' ') : text;
}

/** A list item's marker as the plain text writes it ("- ", "* ", "2. "): it explains nothing when quoted. */
const LIST_MARKER_RE = /^(?:[-*•+]|\d{1,3}[.)])(?:\s+|$)/;

/**
 * The phrases a verdict quotes, each once ("Document" quoted in the summary and twice in the description is one
 * phrase to a reader; so is "in spring\nbatch" after "in Spring batch"), without a list item's marker, in the
 * verdict's order, with the first spelling kept. The one list every place that names a verdict's phrases shows.
 */
export function quotedPhrases(verdict: Pick<RecipeVerdict, 'reasons'>): string[] {
  const phrases = verdict.reasons
    .map((r) => foldSpaces(r.phrase.trim().replace(LIST_MARKER_RE, '')).trim())
    .filter((p) => p !== '');
  return firstOfEach(phrases, (p) => p.toLowerCase());
}

/** A verdict's reasons with a phrase quoted at several places of one text listed once for that text. */
export function distinctReasons(verdict: Pick<RecipeVerdict, 'reasons'>): RecipeVerdict['reasons'] {
  return firstOfEach(verdict.reasons, (r) => `${r.source}:${r.phrase.toLowerCase()}`);
}
