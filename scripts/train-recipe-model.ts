/**
 * Retrains the recipe model from the labels in the repository and writes src/domain/recipe-model.json.
 * Deterministic: the same labels give the same file. No network.
 *   npm run train:recipes                             train on every labelled item, write the weights (and the
 *                                                     fingerprint of the verdicts they give, verdicts-digest.json)
 *   npm run train:recipes -- --evaluate               also print the cross-project evaluation (5 folds by project)
 *   npm run train:recipes -- --dev [--misses|--errors|--curve]  design folds only (the sealed projects left
 *                                                     out); --misses lists the held-out errors' ids, --errors
 *                                                     prints each error per fold with its text and both passes'
 *                                                     labels and notes, --curve the learning curve (each fold
 *                                                     trained on half and three quarters of its items)
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as prettier from 'prettier';
import { detectRecipeWith, modelFromJson } from '../src/domain/recipe-detector';
import {
  CORPUS_BATCHES,
  loadTrainingSet,
  readJsonl,
  REAL_SOURCES,
  RECIPES_DIR,
  type Example,
  type Label,
} from './recipe-model/data';
import {
  crossValidate,
  DEFAULT_OPTIONS,
  featurize,
  pooled,
  pooledBySource,
  SEALED_PROJECTS,
  SEALED_STORY_PROJECTS,
  sealedEvaluation,
  selectLambda,
  train,
  weightFileOf,
  type FoldResult,
} from './recipe-model/train';
import { DIGEST_FILE, verdictsDigest } from './recipe-model/verdicts';

const OUT = join(__dirname, '../src/domain/recipe-model.json');

async function main(): Promise<void> {
  const { examples, corpus, probes } = loadTrainingSet();
  const data = featurize(examples);
  const projects = new Set(examples.map((e) => e.project));
  console.log(
    `training set: ${examples.length} items from ${projects.size} projects ` +
      `(${examples.filter((e) => e.recipe).length} recipes); corpus ${JSON.stringify(corpus)}; probe sets ${probes}`,
  );
  const show = (r: FoldResult) =>
    console.log(
      `fold ${r.fold} (lambda ${r.lambda}; ${r.projects.join(', ')})\n  model ${JSON.stringify(r.model)}\n  rules ${JSON.stringify(r.rules)}`,
    );
  if (process.argv.includes('--dev')) {
    // Design work: cross-validation over the projects that are not sealed (neither the real nor the written ones).
    const sealed = new Set([...SEALED_PROJECTS, ...SEALED_STORY_PROJECTS]);
    const design = data.filter((d) => !sealed.has(d.example.project));
    const results = crossValidate(design, 5);
    results.forEach(show);
    console.log(`dev pooled ${JSON.stringify(pooled(results), null, 2)}`);
    printBySource(results);
    if (process.argv.includes('--misses'))
      for (const v of results.flatMap((r) => r.verdicts).filter((v) => v.predicted !== v.actual))
        console.log(`${v.actual ? 'MISSED' : 'FALSE'} ${v.id}`);
    if (process.argv.includes('--errors')) printErrors(results, examples);
    if (process.argv.includes('--curve')) printLearningCurve(design);
    return;
  }
  if (process.argv.includes('--evaluate')) {
    const results = crossValidate(data, 5);
    results.forEach(show);
    console.log(`pooled ${JSON.stringify(pooled(results), null, 2)}`);
    printBySource(results);
    show(sealedEvaluation(data));
    show(sealedEvaluation(data, DEFAULT_OPTIONS, SEALED_STORY_PROJECTS));
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
    weights: weightFileOf(model.weights),
  };
  const text = await prettier.format(JSON.stringify(json), {
    parser: 'json',
    ...(await prettier.resolveConfig(OUT)),
  });
  writeFileSync(OUT, text);
  console.log(`wrote ${OUT}: ${model.weights.length} weights, lambda ${lambda}, bias ${model.bias}`);
  const shipped = modelFromJson(model);
  const digest = verdictsDigest((input) => detectRecipeWith(shipped, input));
  writeFileSync(DIGEST_FILE, `${JSON.stringify(digest, null, 2)}\n`);
  console.log(`wrote ${DIGEST_FILE}: ${digest.items} verdicts, ${digest.recipes} recipes`);
}

/** The held-out figures of the real backlogs together, then of each source apart. */
function printBySource(results: readonly FoldResult[]): void {
  const line = (name: string, { model, rules }: ReturnType<typeof pooled>) =>
    console.log(
      `${name}: n ${model.n}, model P ${model.precision} R ${model.recall} BA ${model.balancedAccuracy}; ` +
        `rules BA ${rules.balancedAccuracy}`,
    );
  line(
    'real backlogs',
    pooled(results, (v) => REAL_SOURCES.has(v.source)),
  );
  for (const { source, ...figures } of pooledBySource(results)) line(`  ${source}`, figures);
}

/**
 * Balanced accuracy on the design folds when each fold trains on a share of its training items (two samples per
 * share, picked by a hash of the item's id): whether more labelled items would still help.
 */
function printLearningCurve(design: ReturnType<typeof featurize>): void {
  const share = (id: string, seed: number) => {
    let h = 0x811c9dc5 ^ seed;
    for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
    return h / 2 ** 32;
  };
  // All held-out items, and the real backlogs apart: whether more labels of the kind there are would still help.
  const figures = (results: FoldResult[]) =>
    `${pooled(results).model.balancedAccuracy} (real backlogs ${
      pooled(results, (v) => REAL_SOURCES.has(v.source)).model.balancedAccuracy
    })`;
  for (const fraction of [0.25, 0.5, 0.75]) {
    const samples = [1, 2].map((seed) =>
      figures(crossValidate(design, 5, DEFAULT_OPTIONS, (d) => share(d.example.id, seed) < fraction)),
    );
    console.log(`learning curve: ${fraction} of the training items, balanced accuracy ${samples.join(', ')}`);
  }
  console.log(`learning curve: all training items, balanced accuracy ${figures(crossValidate(design, 5))}`);
}

/** Each held-out error of each fold: false positives and negatives, with the text and the labellers' notes. */
function printErrors(results: readonly FoldResult[], examples: readonly Example[]): void {
  const byId = new Map(examples.map((e) => [e.id, e]));
  const pass = (files: readonly string[]) =>
    new Map(
      files.flatMap((file) =>
        readJsonl<Label>(join(RECIPES_DIR, file)).map((l) => [l.id, `${l.label} (${l.note ?? ''})`] as const),
      ),
    );
  const a = pass(CORPUS_BATCHES.map((batch) => batch.passA));
  const b = pass(CORPUS_BATCHES.map((batch) => batch.passB));
  const third = pass(['third-pass.jsonl']);
  for (const r of results) {
    const errors = r.verdicts.filter((v) => v.predicted !== v.actual);
    console.log(`\n## fold ${r.fold}: ${errors.length} errors (${r.projects.join(', ')})`);
    for (const v of errors) {
      const e = byId.get(v.id)!;
      const labels = a.has(v.id)
        ? `pass A ${a.get(v.id)}; pass B ${b.get(v.id)}`
        : `labelled.jsonl${third.has(v.id) ? `, third pass ${third.get(v.id)}` : ''}`;
      console.log(
        `\n${v.actual ? 'FALSE NEGATIVE' : 'FALSE POSITIVE'} ${v.id} [${e.project}] label ${e.recipe ? 'recipe' : 'problem'}: ${labels}`,
      );
      console.log(`  summary: ${e.summary}`);
      console.log(`  description: ${e.description.replace(/\s+/g, ' ').slice(0, 500)}`);
    }
  }
}

void main();
