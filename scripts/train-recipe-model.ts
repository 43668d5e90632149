/**
 * Retrains the recipe model from the labels in the repository and writes src/domain/recipe-model.json.
 * Deterministic: the same labels give the same file. No network.
 *   npm run train:recipes                             train on every labelled item, write the weights (and the
 *                                                     fingerprint of the verdicts they give, verdicts-digest.json)
 *   npm run train:recipes -- --evaluate               also print the cross-project evaluation (5 folds by project)
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as prettier from 'prettier';
import { detectRecipeWith, modelFromJson } from '../src/domain/recipe-detector';
import { loadTrainingSet } from './recipe-model/data';
import {
  crossValidate,
  DEFAULT_OPTIONS,
  featurize,
  pooled,
  SEALED_PROJECTS,
  sealedEvaluation,
  selectLambda,
  train,
  type FoldResult,
} from './recipe-model/train';
import { DIGEST_FILE, verdictsDigest } from './recipe-model/verdicts';

const OUT = join(__dirname, '../src/domain/recipe-model.json');

async function main(): Promise<void> {
  const { examples, corpus } = loadTrainingSet();
  const data = featurize(examples);
  const projects = new Set(examples.map((e) => e.project));
  console.log(
    `training set: ${examples.length} items from ${projects.size} projects ` +
      `(${examples.filter((e) => e.recipe).length} recipes); corpus ${JSON.stringify(corpus)}`,
  );
  const show = (r: FoldResult) =>
    console.log(
      `fold ${r.fold} (lambda ${r.lambda}; ${r.projects.join(', ')})\n  model ${JSON.stringify(r.model)}\n  rules ${JSON.stringify(r.rules)}`,
    );
  if (process.argv.includes('--dev')) {
    // Design work: cross-validation over the projects that are not sealed.
    const sealed = new Set(SEALED_PROJECTS);
    const results = crossValidate(
      data.filter((d) => !sealed.has(d.example.project)),
      5,
    );
    results.forEach(show);
    console.log(`dev pooled ${JSON.stringify(pooled(results), null, 2)}`);
    if (process.argv.includes('--misses'))
      for (const v of results.flatMap((r) => r.verdicts).filter((v) => v.predicted !== v.actual))
        console.log(`${v.actual ? 'MISSED' : 'FALSE'} ${v.id}`);
    return;
  }
  if (process.argv.includes('--evaluate')) {
    const results = crossValidate(data, 5);
    results.forEach(show);
    console.log(`pooled ${JSON.stringify(pooled(results), null, 2)}`);
    const sealed = sealedEvaluation(data);
    show(sealed);
  }
  const lambda = selectLambda(data, DEFAULT_OPTIONS);
  const model = train(data, { ...DEFAULT_OPTIONS, lambda });
  const json = {
    about:
      'Recipe detector weights (logistic regression, logits). Retrain with: npx tsx scripts/train-recipe-model.ts',
    trainedOn: {
      items: examples.length,
      projects: projects.size,
      recipes: examples.filter((e) => e.recipe).length,
    },
    lambda,
    bias: model.bias,
    weights: model.weights,
  };
  const text = await prettier.format(JSON.stringify(json), {
    parser: 'json',
    ...(await prettier.resolveConfig(OUT)),
  });
  writeFileSync(OUT, text);
  console.log(`wrote ${OUT}: ${model.weights.length} weights, lambda ${lambda}, bias ${model.bias}`);
  const shipped = modelFromJson(json);
  const digest = verdictsDigest((input) => detectRecipeWith(shipped, input));
  writeFileSync(DIGEST_FILE, `${JSON.stringify(digest, null, 2)}\n`);
  console.log(`wrote ${DIGEST_FILE}: ${digest.items} verdicts, ${digest.recipes} recipes`);
}

void main();
