import { ISO_DATE_PATTERN } from '../../../src/domain/draft-rules';
import { isUnreadableDay, quoteTyped } from '../../shared/date-format';

/**
 * Why typed text is no day, in the words the resolver's schema has for the field called `label` (its shape
 * first, then the calendar), quoting the text; undefined for a real day or a blank, which the resolver judges.
 * The project page's own: the issue panel's form rule (draft-rules) says the same, and it need not carry this.
 */
export function typedDayProblem(label: string, typed: string): string | undefined {
  if (!isUnreadableDay(typed)) return undefined;
  const text = typed.trim();
  const rule = ISO_DATE_PATTERN.test(text)
    ? `${label} is not a real calendar date.`
    : `${label} must be a date like 2027-03-01.`;
  return quoteTyped(rule, text);
}
