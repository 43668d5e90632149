/**
 * The first, hand-weighted recipe detector (before the learned model), kept to compare both on the same folds.
 * Same phrase signals (src/domain/recipe-signals.ts), same weights and threshold as it shipped.
 */
import { toPlainText } from '../../src/domain/plain-text';
import {
  MAX_DESCRIPTION_CHARS,
  MAX_SUMMARY_CHARS,
  scanSignals,
  type RuleProblemKind,
  type RuleRecipeKind,
} from '../../src/domain/recipe-signals';

export const RULE_RECIPE_WEIGHT: Record<RuleRecipeKind, number> = {
  'solution-verb': 1.3,
  'ui-colour': 1.0,
  'ui-position': 1.0,
  'ui-size': 0.8,
  'ui-element': 0.6,
  technology: 0.6,
};
/**
 * The first detector had no weight for cost phrases (a later kind), so it does not count them. It reads today's
 * phrase lists, which later rounds extended (the eighth round's symptoms of a bug report among them).
 */
export const RULE_PROBLEM_WEIGHT: Record<Exclude<RuleProblemKind, 'cost'>, number> = {
  user: 1.0,
  need: 1.3,
  reason: 1.8,
  'expected-result': 1.2,
  defect: 1.6,
};

function kindScore(count: number, weight: number): number {
  return count <= 0 ? 0 : weight * (1 + 0.35 * Math.min(count - 1, 3));
}

export function isRecipeByRules(item: { summary: string; description: string }): boolean {
  const summary = item.summary.slice(0, MAX_SUMMARY_CHARS);
  const description = toPlainText(item.description).slice(0, MAX_DESCRIPTION_CHARS);
  const scan = scanSignals(summary, description);
  if (scan.recipe.length === 0) return false;
  const recipeCount = new Map<string, { summary: number; description: number }>();
  for (const s of scan.recipe) {
    const c = recipeCount.get(s.kind) ?? { summary: 0, description: 0 };
    c[s.source] += 1;
    recipeCount.set(s.kind, c);
  }
  let recipeScore = 0;
  for (const [kind, c] of recipeCount) {
    const w = RULE_RECIPE_WEIGHT[kind as RuleRecipeKind];
    recipeScore += kindScore(c.summary, w) + 0.5 * kindScore(c.description, w);
  }
  if (scan.wantsWidget) recipeScore += 0.8;
  if (scan.internalPersona) recipeScore += 0.4;
  const problemKinds = new Map<keyof typeof RULE_PROBLEM_WEIGHT, { count: number; strength: number }>();
  for (const s of scan.problem) {
    if (s.kind === 'cost') continue;
    const p = problemKinds.get(s.kind) ?? { count: 0, strength: 0 };
    problemKinds.set(s.kind, { count: p.count + 1, strength: Math.max(p.strength, s.strength) });
  }
  let problemScore = 0;
  for (const [kind, { count, strength }] of problemKinds)
    problemScore += strength * kindScore(count, RULE_PROBLEM_WEIGHT[kind]);
  const margin = recipeScore - problemScore - 0.5;
  return Math.round(100 / (1 + Math.exp(-1.6 * margin))) / 100 >= 0.5;
}
