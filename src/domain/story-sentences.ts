/**
 * The sentences of a story written out whole (the CLI, a pasted story) after its own: those that state what is
 * expected belong with it, any other is one the `minimal` check fails. Kept apart from the checks, which the issue
 * panel bundles: the panel judges its fields, never a whole text.
 */
import { endsAbbreviation } from './abbreviations';
import { FIELD_LABEL_SRC } from './expectation-fields';

/**
 * A sentence that states what the story expects, in the forms the story parser reads: "We expect …", "Expected
 * outcome: …", "We believe … will …", "If we …, then …", "We will know we have succeeded when …"; or a label
 * ("Success metric: …", "Hypothesis: …") or a field of an expectation laid out as fields ("Metric: …", "Baseline:
 * …", "Target: …", "Check by: …") with a number in reach (LABELLED_SENTENCE).
 */
const EXPECTATION_SENTENCE = new RegExp(
  String.raw`^(?:as\s+a\s+(?:product\s+)?team,?\s+)?(?:we|i)\s+(?:also\s+|would\s+)?expect|^expected\b|^we\s+believe\b[^.!?\n]*?\b(?:will|would)\b|^if\s+we\b[^.!?\n]{1,200}?\bthen\b|^we(?:['’]ll|\s+will|\s+shall)\s+know\s+(?:that\s+)?(?:we|this|it)\b[^.!?\n]{0,50}?\bwhen\b`,
  'i',
);
/**
 * A label ("Success metric:", "Hypothesis:") or a field of an expectation laid out as fields (FIELD_LABEL_SRC), after
 * a list's or a table's mark; it counts with a number in reach (statesExpectation).
 */
const LABELLED_SENTENCE = new RegExp(
  String.raw`^(?:[-*•|]\s*|\d{1,2}[.)]\s*)?(?:\*\*|__)?(?:${FIELD_LABEL_SRC}|(?:success\s+|primary\s+|key\s+)?(?:metrics|kpis|measures|criteri(?:on|a)s?)|hypothes[ie]s)(?:\*\*|__)?\s*:`,
  'i',
);

/** A sentence of what the story expects: a lead the story parser reads, or a label with a number in reach. */
const statesExpectation = (head: string): boolean =>
  EXPECTATION_SENTENCE.test(head) || (LABELLED_SENTENCE.test(head) && /\d/.test(head));

/**
 * Where a sentence ends: a mark (an ellipsis too) and a space, or a mark right before a capitalised word ("later.The
 * button").
 */
const SENTENCE_BREAK = /[.!?…](?:\s+(?=\S)|(?<=[a-z]{2}.)(?=[A-Z][a-z]))/g;

/** The first sentence after the story's own that is neither what it expects nor its "So that …"; null when none. */
export function extraSentence(text: string): string | null {
  const limit = Math.min(text.length, 4000);
  SENTENCE_BREAK.lastIndex = 0;
  for (let m = SENTENCE_BREAK.exec(text); m !== null && m.index < limit; m = SENTENCE_BREAK.exec(text)) {
    if (m[0].startsWith('.') && endsAbbreviation(text, m.index)) continue;
    const head = text.slice(SENTENCE_BREAK.lastIndex, SENTENCE_BREAK.lastIndex + 80);
    if (!statesExpectation(head) && !/^so\s+that\b/i.test(head)) {
      SENTENCE_BREAK.lastIndex = 0;
      const end = head.search(/[.!?](?:\s|$)/);
      return (end < 0 ? head : head.slice(0, end + 1)).trim();
    }
  }
  SENTENCE_BREAK.lastIndex = 0;
  return null;
}
