/** Cohen's kappa as test/fixtures/recipes/agreement.ts computes it for the two labelling passes (kappa.ts). */
import { cohensKappa } from '../fixtures/recipes/kappa';

type Label = 'recipe' | 'problem';
const pairs = (counts: Record<string, number>): Array<readonly [Label, Label]> =>
  Object.entries(counts).flatMap(([key, n]) => {
    const [a, b] = key.split('/') as [Label, Label];
    return Array.from({ length: n }, () => [a, b] as const);
  });

describe("Cohen's kappa", () => {
  it('matches the textbook example (20/5/10/15 of 50: p_o 0.7, p_e 0.5, kappa 0.4)', () => {
    const k = cohensKappa(
      pairs({ 'recipe/recipe': 20, 'recipe/problem': 5, 'problem/recipe': 10, 'problem/problem': 15 }),
    );
    expect(k.observed).toBeCloseTo(0.7, 10);
    expect(k.expected).toBeCloseTo(0.5, 10);
    expect(k.kappa).toBeCloseTo(0.4, 10);
  });

  it('is 1 for full agreement and 0 for agreement no better than chance', () => {
    expect(cohensKappa(pairs({ 'recipe/recipe': 3, 'problem/problem': 7 })).kappa).toBe(1);
    expect(
      cohensKappa(
        pairs({ 'recipe/recipe': 1, 'recipe/problem': 1, 'problem/recipe': 1, 'problem/problem': 1 }),
      ).kappa,
    ).toBe(0);
  });
});
