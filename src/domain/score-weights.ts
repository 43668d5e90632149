/**
 * The score's parts and their weights as points: pure helpers shared by the scoring, the settings schema and
 * the settings page. Kept apart from score.ts (the hypothesis checks and the recipe detector's model) and from
 * settings.ts (zod), so the settings page checks weights as typed with the same rule and bundles neither.
 */

export const SCORE_COMPONENT_IDS = [
  'hypothesis',
  'measurable',
  'outcomeLink',
  'killCriteria',
  'problemFraming',
  'evidence',
] as const;
export type ScoreComponentId = (typeof SCORE_COMPONENT_IDS)[number];

/**
 * Weights are shares of 100 points: an admin who types 135 in all gets told so at the weights instead of
 * having them silently rescaled. Null when they add up to 100.
 */
export function weightsTotalError(weights: Readonly<Record<string, number>>): string | null {
  const total = Object.values(weights).reduce((a, b) => a + b, 0);
  if (!Number.isFinite(total) || total === 100) return null;
  return `The weights add up to ${total}: they must add up to 100.`;
}

/** The parts' names, as the panel shows them and the settings page labels their weights. */
export const SCORE_COMPONENT_LABELS: Readonly<Record<ScoreComponentId, string>> = {
  hypothesis: 'Hypothesis complete',
  measurable: 'Measurable expectation',
  outcomeLink: 'Linked outcome',
  killCriteria: 'Kill criteria',
  problemFraming: 'Problem framing',
  evidence: 'Evidence after delivery',
};

/**
 * The most points each part can carry, before delivery (the evidence part does not count yet, so its share is
 * spread over the others) and after: what the settings page shows next to the weights.
 */
export function pointsByDelivery(
  weights: Readonly<Record<ScoreComponentId, number>>,
): Record<ScoreComponentId, { before: number; after: number }> {
  const after = scaledMaxima(SCORE_COMPONENT_IDS.map((id) => weights[id]));
  const before = scaledMaxima(SCORE_COMPONENT_IDS.map((id) => (id === 'evidence' ? 0 : weights[id])));
  return Object.fromEntries(
    SCORE_COMPONENT_IDS.map((id, i) => [id, { before: before[i] ?? 0, after: after[i] ?? 0 }]),
  ) as Record<ScoreComponentId, { before: number; after: number }>;
}

/** The last weights scaled: a scan or a CLI run scores every item with the same settings. */
let lastScaled: { weights: number[]; maxima: number[] } | null = null;

/** Scales weights to whole maxima summing to exactly 100 (largest remainder), so a full item scores 100. */
export function scaledMaxima(weights: number[]): number[] {
  if (lastScaled === null || !sameNumbers(lastScaled.weights, weights))
    lastScaled = { weights: [...weights], maxima: computeMaxima(weights) };
  return lastScaled.maxima;
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

function computeMaxima(weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0) return weights.map(() => 0);
  const exact = weights.map((w) => (w * 100) / sum);
  const floors = exact.map(Math.floor);
  let remainder = 100 - floors.reduce((a, b) => a + b, 0);
  const byFraction = exact
    .map((value, index) => ({ index, fraction: value - Math.floor(value) }))
    .sort((a, b) => b.fraction - a.fraction || a.index - b.index);
  for (const { index } of byFraction) {
    if (remainder <= 0) break;
    floors[index] = (floors[index] ?? 0) + 1;
    remainder -= 1;
  }
  return floors;
}
