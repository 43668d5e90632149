import { amountText, isTimeUnit, normaliseUnit, type DecimalMark } from './amounts';
import type { ExpectedOutcome } from './schemas';

/**
 * Amounts no metric of their kind can take: a share above 100% or below 0% ("conversion from 40% to 150%"), a
 * time or a count below zero. A bet on one can never be checked, so `measurable` says so. The save still takes
 * them: the kind is read from the metric's name, and a name can mislead.
 */

/** A name for a part of a whole: "conversion rate", "share of repeat buyers", "test coverage". */
const SHARE =
  /\b(?:rate|share|percentage|proportion|conversion|churn|retention|bounce|drop-?off|abandonment|adoption|uptime|availability|completion|coverage|accuracy|utili[sz]ation|occupancy|click-?through|ctr)\b/i;
/**
 * A name for a change, a net figure or a return, which may pass 100% or fall below zero: "growth rate", "ROI", "net
 * new subscribers", "difference in sign-ups".
 */
const CHANGE =
  /\b(?:growth|grow(?:s|ing)?|change|increase|decrease|return|roi|interest|uplift|lift|yoy|mom|inflation|net|delta|difference|balance|variance)\b/i;
/** A name for how many there are: "number of tickets", "ticket count", "# of sign-ups". */
const COUNT = /(?:^|\b)(?:number|count|no\.|#)\s+of\b|\bcount\b|\bhow\s+many\b/i;

/** What is impossible about this amount of the expectation's metric, in words; null when nothing is. */
function impossibility(
  metric: string,
  value: number,
  unit: { kind: string | null; written: string | undefined },
  mark: DecimalMark,
): string | null {
  if ((value >= 0 && value <= 100) || CHANGE.test(metric)) return null;
  const amount = amountText(value, unit.written, mark);
  if (unit.kind === '%' && SHARE.test(metric))
    return `"${metric}" is a share, from 0% to 100%: it cannot be ${amount}.`;
  if (value >= 0) return null;
  if (isTimeUnit(unit.kind)) return `"${metric}" is a time: it cannot be ${amount}.`;
  if (COUNT.test(metric)) return `"${metric}" is a count: it cannot be ${amount}.`;
  return null;
}

/**
 * The first amount of an expectation that its metric cannot take (baseline, then target), said with the person's
 * decimal `mark`; null when both can be, or when the expectation has no metric.
 */
export function impossibleAmount(e: ExpectedOutcome, mark: DecimalMark = '.'): string | null {
  const metric = e.metric?.trim();
  if (!metric) return null;
  const written = e.unit?.trim() || undefined;
  const unit = { kind: normaliseUnit(written), written };
  for (const value of [e.baseline, e.target]) {
    const problem = value === undefined ? null : impossibility(metric, value, unit, mark);
    if (problem) return problem;
  }
  return null;
}
