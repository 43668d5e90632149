import { inParserNotation } from './amounts';
import { wantEvidenceIn, type QualityCheck } from './hypothesis-quality';
import { dayOf } from './dates';
import { detectRecipe, quotedPhrases } from './recipe-detector';
import type { ExpectedOutcome } from './schemas';
import { scoreIssue, type Score } from './score';
import { extraSentence } from './story-sentences';
import type { Settings } from './settings';
import { parseStory, type ParsedExpectedOutcome, type ParsedStory } from './story-parser';

/**
 * One story line, read the way a coach would: its parts, whether it is a recipe and why, and the score it
 * would get today as an unlinked item with no kill criteria. Used by the CLI and the benchmark.
 */
export interface StoryAnalysis {
  text: string;
  persona: string | null;
  intent: string | null;
  benefit: string | null;
  expectedOutcome: ParsedExpectedOutcome | null;
  /** Every expectation the story states, the first being `expectedOutcome`. */
  expectedOutcomes: ParsedExpectedOutcome[];
  recipe: { isRecipe: boolean; confidence: number; reasons: Array<{ phrase: string; why: string }> };
  /** The six hypothesis quality checks, each with the words it judged and why. */
  quality: QualityCheck[];
  score: Pick<Score, 'total' | 'components'>;
  /**
   * What the reading could not take or had to guess, in words: a part missing, an expectation part not kept, a
   * direction the numbers contradict, a movement read from the benefit.
   */
  notes: string[];
}

/** What inParserNotation rewrites has a digit (its numbers' \d). */
const ANY_DIGIT = /\d/;

export function analyseStory(
  text: string,
  settings: Pick<Settings, 'weights' | 'inheritedLinkShare'>,
  now: Date,
): StoryAnalysis {
  // A decimal comma ("from 2,5% to 3,5%") is read as the panel reads it with a point for its mark: the parser's
  // notation has a decimal point, and what it returns is given back as written.
  // A story without a digit has no number to rewrite, and is read as it is: most stories have none.
  const notation = ANY_DIGIT.test(text) ? inParserNotation(text, '.') : null;
  const inParser = notation?.text ?? text;
  const parsed = writtenBack(
    parseStory(inParser, { now }),
    notation === null || inParser === text ? null : notation.asWritten,
  );
  const recipe = detectRecipe({ summary: text });
  // The want is a slice of the story: its recipe evidence is already in the story's verdict.
  const wantEvidence = wantEvidenceIn(recipe, text, parsed.intent);
  const score = scoreIssue(
    {
      hypothesis: {
        persona: parsed.persona ?? undefined,
        intent: parsed.intent ?? undefined,
        benefit: parsed.benefit ?? undefined,
      },
      expected: toExpected(parsed.expectedOutcome),
      alsoExpected: parsed.expectedOutcomes.slice(1).map(toExpected),
      link: { kind: 'none' },
      killCriteria: {},
      delivered: false,
      framing: {
        isRecipe: recipe.isRecipe,
        // The score quotes these only for a recipe: for any other verdict they are not read.
        recipePhrases: recipe.isRecipe ? quotedPhrases(recipe) : [],
        problemSignals: recipe.problemSignals.length,
      },
      storyText: text,
      extraSentence: extraSentence(text),
      wantEvidence: wantEvidence ?? undefined,
      // The story sets its check-by date now, as an owner saving it would: a day already gone is refused.
      checkByNotBefore: dayOf(now) ?? undefined,
    },
    settings,
  );
  return {
    text,
    persona: parsed.persona,
    intent: parsed.intent,
    benefit: parsed.benefit,
    expectedOutcome: parsed.expectedOutcome,
    expectedOutcomes: parsed.expectedOutcomes,
    recipe: {
      isRecipe: recipe.isRecipe,
      confidence: recipe.confidence,
      reasons: recipe.reasons.map(({ phrase, why }) => ({ phrase, why })),
    },
    quality: score.quality,
    score: { total: score.total, components: score.components },
    // A number that reads two ways ("1.200") is said after what the parser noted.
    notes:
      notation === null || notation.notes.length === 0 ? parsed.notes : [...parsed.notes, ...notation.notes],
  };
}

/** A parsed expectation as the stored shape: nulls become absent parts. */
export function toExpected(parsed: ParsedExpectedOutcome | null): ExpectedOutcome {
  if (!parsed) return {};
  const out: ExpectedOutcome = { metric: parsed.metric || undefined };
  if (parsed.baseline !== null) out.baseline = parsed.baseline;
  if (parsed.target !== null) out.target = parsed.target;
  if (parsed.unit) out.unit = parsed.unit;
  if (parsed.direction) out.direction = parsed.direction;
  if (parsed.checkBy) out.checkBy = parsed.checkBy;
  return out;
}

/** The parsed story's words as the owner wrote them, numbers included; as parsed when nothing was rewritten. */
function writtenBack(parsed: ParsedStory, asWritten: ((t: string) => string) | null): ParsedStory {
  if (asWritten === null) return parsed;
  const back = (t: string | null) => (t === null ? null : asWritten(t));
  const outcomes = parsed.expectedOutcomes.map((e) => ({ ...e, metric: asWritten(e.metric) }));
  return {
    ...parsed,
    persona: back(parsed.persona),
    intent: back(parsed.intent),
    benefit: back(parsed.benefit),
    expectedOutcome: outcomes[0] ?? null,
    expectedOutcomes: outcomes,
    notes: parsed.notes.map(asWritten),
  };
}
