import { typedNumberText, type DecimalMark } from './amounts';
import type { KillCriteria } from './schemas';

/**
 * The words of a fired zombie rule whose figures a reader writes in their own notation. The scan stores a rule's
 * detail in English with a decimal point (the flag's Jira comment and the issue panel show it as stored) and,
 * for the metric threshold, the figures beside it, from which a page writes the same sentence with its reader's
 * decimal mark. Apart from zombie.ts (which reads the settings and their zod schema): the project page's bundle
 * carries no zod.
 */

export type MetricThreshold = NonNullable<KillCriteria['metricThreshold']>;

/** What the killMetric rule compared: the item's threshold, and the latest measurement (null when none). */
export interface KillMetricFigures {
  threshold: MetricThreshold;
  measured: number | null;
}

/** The threshold's bound as the rule's words say it: "at most 34". */
function bound(t: MetricThreshold, mark: DecimalMark): string {
  return `${t.comparison === 'atLeast' ? 'at least' : 'at most'} ${typedNumberText(t.value, mark)}`;
}

/** The threshold as the rule's words say it: "cart drop-off rate at most 34". */
function thresholdGoal(t: MetricThreshold, mark: DecimalMark = '.'): string {
  return `${t.metric} ${bound(t, mark)}`;
}

/** The killMetric rule's detail: "cart drop-off rate was 35.2 on 2027-01-31, where the kill criteria need at most 34.". */
export function killMetricDetail(
  { threshold: t, measured }: KillMetricFigures,
  mark: DecimalMark = '.',
): string {
  return measured === null
    ? `No measurement of ${t.metric} was recorded by ${t.by}, where the kill criteria need ${bound(t, mark)}.`
    : `${t.metric} was ${typedNumberText(measured, mark)} on ${t.by}, where the kill criteria need ${bound(t, mark)}.`;
}

/** What clears the killMetric rule: "Record a measurement of cart drop-off rate at most 34, or decide in kill review.". */
export function killMetricClearBy({ threshold }: KillMetricFigures, mark: DecimalMark = '.'): string {
  return `Record a measurement of ${thresholdGoal(threshold, mark)}, or decide in kill review.`;
}

/** A fired rule as a page reads it: its words, and the killMetric rule's figures when the scan stored them. */
export interface RuleWords {
  detail: string;
  clearBy: string;
  figures?: KillMetricFigures;
}

/**
 * A fired rule's detail and what clears it, for a reader with this decimal mark: written from its figures when the
 * scan stored them, else as stored (a rule without figures, or one stored before the scan kept them).
 */
export function ruleWords(rule: RuleWords, mark: DecimalMark): { detail: string; clearBy: string } {
  return rule.figures
    ? { detail: killMetricDetail(rule.figures, mark), clearBy: killMetricClearBy(rule.figures, mark) }
    : { detail: rule.detail, clearBy: rule.clearBy };
}
