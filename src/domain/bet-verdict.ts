/**
 * Did the bet pay off? A delivered item expected its metric to move (direction, baseline → target, by its
 * check-by day). From the day of delivery and the metric's measurements, this proposes a verdict with its
 * evidence; a person confirms or overrides it (nothing here records anything). Pure: days are passed in.
 *
 *   validated     the metric moved the expected way by more than its noise and by at least half the
 *                 expected movement (or beyond noise, when the bet named no baseline and target)
 *   invalidated   it moved the other way beyond noise, or the expected way beyond noise but by less than half
 *                 of what was expected
 *   inconclusive  too few measurements (none at delivery, none after it by check-by), or a movement, either
 *                 way, within the metric's noise
 */
import { amountText, type DecimalMark } from './amounts';
import { calendarDaysBetween } from './dates';
import { TEXT_LIMITS } from './draft-rules';
import type { Direction, ExpectedOutcome } from './schemas';

export type BetVerdict = 'validated' | 'invalidated' | 'inconclusive';
/** Where a delivered bet stands: its check-by day ahead, due (a verdict can be proposed), or overdue. */
export type BetState = 'tracking' | 'due' | 'unverified';

export interface SeriesReading {
  at: string;
  value: number;
}

export interface BetEvidence {
  metric: string | null;
  direction: Direction | null;
  atDelivery: SeriesReading | null;
  atCheckBy: SeriesReading | null;
  /** atCheckBy − atDelivery; null without both. */
  movement: number | null;
  /** |target − baseline| as the bet wrote it; null when it named neither. */
  expectedMovement: number | null;
  /** Movement the expected way as a share of the expected movement (1 = all of it); null when unknown. */
  shareOfExpected: number | null;
  /** How much the metric wanders by itself (see noiseOf); 0 when too few readings to tell. */
  noise: number;
  /** Readings between delivery and check-by (both included). */
  readings: number;
}

export interface VerdictProposal {
  verdict: BetVerdict;
  /** One sentence a person can check against the evidence. */
  reason: string;
  evidence: BetEvidence;
  /**
   * The evidence in words, as the result's evidence text, with a decimal point. The project page says it again
   * from `reason` and `evidence` in the person's decimal mark (proposalWords); kept for what reads it as stored.
   */
  evidenceText: string;
}

/** A reading older than this before delivery does not stand for the metric at delivery. */
export const DELIVERY_READING_MAX_AGE_DAYS = 45;
/** Days after check-by before a bet without a result counts as unverified. */
export const VERIFY_GRACE_DAYS = 14;
/** Share of the expected movement a bet must reach to be validated. */
export const VALIDATED_SHARE = 0.5;

/** Where a delivered bet with this check-by day stands on `today`. */
export function betState(checkBy: string, today: string): BetState {
  if (today < checkBy) return 'tracking';
  return calendarDaysBetween(checkBy, today) > VERIFY_GRACE_DAYS ? 'unverified' : 'due';
}

/**
 * The metric's own wandering: the median size of the steps between consecutive readings up to check-by
 * (at least three steps), so one jump does not make everything look like noise. 0 with fewer steps.
 */
export function noiseOf(series: readonly SeriesReading[]): number {
  const steps: number[] = [];
  for (let i = 1; i < series.length; i++) steps.push(Math.abs(series[i]!.value - series[i - 1]!.value));
  if (steps.length < 3) return 0;
  const sorted = steps.sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/**
 * The evidence in words, each amount as the page writes it (amountText: "1.8%", "800 ms"), its fraction after
 * the person's decimal `mark` ("1,8%"). `unit` is the bet's, as its expectation names it.
 */
export function evidenceWords(
  e: BetEvidence,
  unit: string | null | undefined,
  mark: DecimalMark = '.',
): string {
  // Readings as measured; what is worked out from them (movement, noise) to three decimals.
  const amount = (n: number) => amountText(round(n), unit, mark);
  const v = (r: SeriesReading | null) => (r ? `${amountText(r.value, unit, mark)} on ${r.at}` : 'no reading');
  const parts = [
    `${e.metric ?? 'The metric'}: ${v(e.atDelivery)} at delivery, ${v(e.atCheckBy)} at check-by.`,
  ];
  if (e.movement !== null)
    parts.push(
      `Moved ${e.movement > 0 ? '+' : ''}${amount(e.movement)}` +
        (e.direction ? ` (expected: ${e.direction}` : ' (expected') +
        (e.expectedMovement !== null ? ` by ${amount(e.expectedMovement)})` : ')') +
        (e.shareOfExpected !== null
          ? `, ${Math.round(e.shareOfExpected * 100)}% of the expected movement`
          : '') +
        `; noise ±${amount(e.noise)} over ${e.readings} readings.`,
    );
  return parts.join(' ');
}

/**
 * A proposal in words, as a person with this decimal `mark` reads it: its reason, then its evidence
 * (evidenceWords). A proposal stored without its figures in the shape this reads (none is known, but a record
 * is read defensively) is said as it was stored, in its `evidenceText`.
 */
export function proposalWords(
  p: Pick<VerdictProposal, 'reason' | 'evidence' | 'evidenceText'>,
  unit: string | null | undefined,
  mark: DecimalMark = '.',
): string {
  const e = p.evidence as Partial<BetEvidence> | null | undefined;
  const figures =
    typeof p.reason === 'string' &&
    e !== null &&
    typeof e === 'object' &&
    typeof e.noise === 'number' &&
    typeof e.readings === 'number' &&
    (e.movement === null || typeof e.movement === 'number');
  if (!figures) return p.evidenceText ?? '';
  return `${p.reason} ${evidenceWords(p.evidence, unit, mark)}`.slice(0, TEXT_LIMITS.evidence);
}

/**
 * The verdict the measurements support for a bet delivered on `deliveredOn`, judged at its check-by day.
 * `series` is the metric's readings (any order); only those up to check-by count.
 */
export function proposeVerdict(
  expected: ExpectedOutcome,
  deliveredOn: string,
  series: readonly SeriesReading[],
): VerdictProposal {
  const checkBy = expected.checkBy ?? deliveredOn;
  const sorted = [...series].filter((r) => r.at <= checkBy).sort((a, b) => a.at.localeCompare(b.at));
  const before = sorted.filter((r) => r.at <= deliveredOn);
  const lastBefore = before[before.length - 1] ?? null;
  const atDelivery =
    lastBefore && calendarDaysBetween(lastBefore.at, deliveredOn) <= DELIVERY_READING_MAX_AGE_DAYS
      ? lastBefore
      : null;
  const after = sorted.filter((r) => r.at > deliveredOn);
  const atCheckBy = after[after.length - 1] ?? null;
  const window = sorted.filter((r) => r.at >= (atDelivery?.at ?? deliveredOn));
  const noise = noiseOf(sorted);
  const direction = expected.direction ?? null;
  const expectedMovement =
    expected.baseline !== undefined && expected.target !== undefined
      ? Math.abs(expected.target - expected.baseline)
      : null;
  const movement = atDelivery && atCheckBy ? atCheckBy.value - atDelivery.value : null;
  const towards = movement === null || !direction ? null : direction === 'increase' ? movement : -movement;
  const evidence: BetEvidence = {
    metric: expected.metric ?? null,
    direction,
    atDelivery: atDelivery ? { at: atDelivery.at, value: atDelivery.value } : null,
    atCheckBy: atCheckBy ? { at: atCheckBy.at, value: atCheckBy.value } : null,
    movement: movement === null ? null : round(movement),
    expectedMovement,
    shareOfExpected: towards !== null && expectedMovement ? round(towards / expectedMovement) : null,
    noise: round(noise),
    readings: window.length,
  };
  const propose = (verdict: BetVerdict, reason: string): VerdictProposal => ({
    verdict,
    reason,
    evidence,
    // Stored as said with a decimal point; each surface says it again in the person's own (proposalWords).
    evidenceText: proposalWords({ reason, evidence, evidenceText: '' }, expected.unit),
  });

  if (!atDelivery)
    return propose(
      'inconclusive',
      `Too few measurements: none in the ${DELIVERY_READING_MAX_AGE_DAYS} days up to delivery (${deliveredOn}).`,
    );
  if (!atCheckBy)
    return propose('inconclusive', `Too few measurements: none between delivery and check-by (${checkBy}).`);
  if (towards === null)
    return propose('inconclusive', 'The bet names no direction, so no movement can confirm or refute it.');
  if (Math.abs(towards) <= noise)
    return propose(
      'inconclusive',
      towards < 0
        ? 'It moved the other way, but within the metric’s noise.'
        : 'It moved the expected way, but within the metric’s noise.',
    );
  if (towards < 0) return propose('invalidated', 'It moved the other way, beyond the metric’s noise.');
  // Judged on the share as the evidence says it: in floating point, 1.2 − 1.1 is a hair under half of 1.2 − 1.0,
  // and "less than 50%" beside "50% of the expected movement" contradicts itself.
  if (evidence.shareOfExpected !== null && evidence.shareOfExpected < VALIDATED_SHARE)
    return propose(
      'invalidated',
      `It moved the expected way, but by less than ${VALIDATED_SHARE * 100}% of the expected movement.`,
    );
  // Validated from half the expected movement on: whether the target itself was reached is said, not left to guess.
  const target = expected.target;
  if (target === undefined || evidence.shareOfExpected === null)
    return propose('validated', 'It moved the expected way, beyond the metric’s noise.');
  const reached = direction === 'increase' ? atCheckBy.value >= target : atCheckBy.value <= target;
  return propose(
    'validated',
    reached
      ? 'It moved the expected way, beyond the metric’s noise, and reached its target.'
      : `It moved the expected way, beyond the metric’s noise and by at least ${VALIDATED_SHARE * 100}% of the expected movement, but fell short of its target.`,
  );
}
