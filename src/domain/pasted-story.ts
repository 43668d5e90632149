import { inParserNotation, type DecimalMark } from './amounts';
import { toExpected } from './analyse-story';
import { checkHypothesisQuality } from './hypothesis-quality';
import { detectRecipe } from './recipe-detector';
import type { ExpectedOutcome } from './schemas';
import { MISSING_PART_NOTES, parseStory } from './story-parser';

/**
 * A story an owner pasted into the issue panel, read for the fields it fills. Read on the server (the resolver
 * `readStory`): the parser is too large for the panel's bundle budget.
 */
export interface PastedStory {
  /** Why the story reads as a recipe, each piece once; empty when it states a problem. */
  recipe: string[];
  persona: string | null;
  intent: string | null;
  benefit: string | null;
  /** Every expectation the story states, in order: the first fills the fields, the rest are kept beside them. */
  expected: ExpectedOutcome[];
  /**
   * What the owner should read before saving: a part of an expectation not kept, a relative change no target was
   * computed from, a direction its numbers contradict, a movement read from the benefit, a date not read.
   */
  notes: string[];
  /** The parts the story does not state ("No persona: …"): a form shows them as empty fields instead. */
  missing: string[];
}

/** At most this many phrases are quoted as the story's recipe. */
const MAX_RECIPE_PHRASES = 5;

/**
 * Reads a pasted story with the person's decimal `mark` ("from 12,5% to 10%" in German): its words come back as
 * written, numbers as numbers. `now` resolves year-less check-by dates ("by 1 March").
 */
export function readPastedStory(pasted: string, now: Date, mark: DecimalMark = '.'): PastedStory {
  const story = withoutMarkup(pasted);
  // The parser reads a decimal point: the person's numbers are put in that notation, and back in theirs after.
  const { text, asWritten, notes: numberNotes } = inParserNotation(story, mark);
  const parsed = parseStory(text, { now });
  const back = (t: string | null) => (t === null ? null : asWritten(t));
  const expected = parsed.expectedOutcomes.map((e) => {
    const out = toExpected(e);
    return out.metric ? { ...out, metric: asWritten(out.metric) } : out;
  });
  const notes = parsed.notes.map(asWritten);
  const persona = back(parsed.persona);
  const intent = back(parsed.intent);
  return {
    recipe: recipeIn(story, persona, intent),
    persona,
    intent,
    benefit: back(parsed.benefit),
    expected,
    notes: [...notes.filter((n) => !MISSING_PART_NOTES.has(n)), ...numberNotes],
    missing: notes.filter((n) => MISSING_PART_NOTES.has(n)),
  };
}

/**
 * A story copied from a Jira description or a Markdown page, without its marks: a heading's marker ("h2.", "##"),
 * bold, colour and a link's address. Left in, they end up in the fields ("I save money.\nh2", "**conversion**").
 */
export function withoutMarkup(text: string): string {
  return (
    text
      // "# of tickets" is a number of tickets, not a heading.
      .replace(/^[ \t]*(?:h[1-6]\.|#{1,6})[ \t]+(?![ \t]|of\b)/gim, '')
      .replace(/\{color(?::[^}]*)?\}/gi, '')
      .replace(/\[([^\]|\n]+)\|[^\]\n]+\]/g, '$1')
      .replace(/\[([^\]\n]+)\]\([^)\s]+\)/g, '$1')
      .replace(/(\*\*|__)(?=\S)([^*_\n]+?)(?<=\S)\1/g, '$2')
  );
}

/** The detector's phrases in the story, and a want that prescribes what to build, each piece once. */
function recipeIn(story: string, persona: string | null, intent: string | null): string[] {
  const verdict = detectRecipe({ summary: story });
  const want = checkHypothesisQuality({
    hypothesis: { persona: persona ?? undefined, intent: intent ?? undefined },
    expected: [],
  }).find((c) => c.criterion === 'problem-oriented');
  const phrases = verdict.isRecipe ? verdict.reasons.map((r) => r.phrase) : [];
  if (intent && want && !want.ok && want.phrase) phrases.unshift(want.phrase);
  return withoutContained(phrases).slice(0, MAX_RECIPE_PHRASES);
}

/**
 * Each piece of the recipe once, in order: a phrase is left out when one listed before it says it or is said in
 * it ("green" and "want a green Buy now button" after "a green Buy now button"), compared without case.
 */
function withoutContained(phrases: readonly string[]): string[] {
  const kept: string[] = [];
  const keptLower: string[] = [];
  for (const phrase of phrases) {
    const lower = ` ${phrase.toLowerCase()} `;
    if (keptLower.some((k) => k.includes(lower) || lower.includes(k))) continue;
    kept.push(phrase);
    keptLower.push(lower);
  }
  return kept;
}
