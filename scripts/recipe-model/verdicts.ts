/**
 * A fingerprint of every verdict the detector gives on the texts it is measured on (each labelled item, each story
 * line the domain bench reads): reasons and problem signals with their offsets, and the confidence. The training
 * script writes it beside the model; a test recomputes it, so that a change made for speed that moves any verdict
 * fails, and a retrained model says so in the same commit.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RecipeVerdict } from '../../src/domain/recipe-detector';
import { loadTrainingSet } from './data';

export const DIGEST_FILE = join(__dirname, '../../test/fixtures/recipes/verdicts-digest.json');

export interface VerdictsDigest {
  items: number;
  recipes: number;
  sha256: string;
}

function storyLines(): string[] {
  const dir = join(__dirname, '../../data/user-stories');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n'))
    .map((line) => line.replace(/^#G\d+#\s*/, '').trim())
    .filter(Boolean);
}

export function verdictsDigest(
  detect: (input: { summary: string; description?: string | null }) => RecipeVerdict,
): VerdictsDigest {
  const inputs = [
    ...loadTrainingSet().examples.map((e) => ({ summary: e.summary, description: e.description })),
    ...storyLines().map((summary) => ({ summary })),
  ];
  const hash = createHash('sha256');
  let recipes = 0;
  for (const input of inputs) {
    const verdict = detect(input);
    if (verdict.isRecipe) recipes += 1;
    hash.update(`${JSON.stringify(verdict)}\n`);
  }
  return { items: inputs.length, recipes, sha256: hash.digest('hex') };
}
