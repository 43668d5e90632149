/**
 * The labelled items the recipe model learns from, read from test/fixtures/recipes:
 * - labelled.jsonl: the first 359 items (Apache issues and user stories), labelled once by RUBRIC.md; where a later
 *   reading against the rubric changed a label, third-pass.jsonl holds the new one (with the old and why), and it wins;
 * - corpus.jsonl with its two independent passes (pass-a.jsonl, pass-b.jsonl): where the passes agree, their label;
 *   where they disagree, the third reading in adjudicated.jsonl. An item without both passes, or with a
 *   disagreement not yet adjudicated, is left out (and counted).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const RECIPES_DIR = join(__dirname, '../../test/fixtures/recipes');

export interface Example {
  id: string;
  /** The project the item comes from: the unit of cross-project evaluation. */
  project: string;
  summary: string;
  description: string;
  recipe: boolean;
  origin: 'labelled' | 'corpus';
}

export interface Label {
  id: string;
  label: 'recipe' | 'problem';
  note?: string;
}

export function readJsonl<T>(file: string): T[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

/** labelled.jsonl has no project field: the key's prefix names it, as in corpus.jsonl. */
export function projectOf(id: string, source: string): string {
  const prefix = id.slice(0, id.lastIndexOf('-'));
  return source === 'apache' ? `apache-${prefix}` : `stories-${prefix}`;
}

export interface TrainingSet {
  examples: Example[];
  corpus: { items: number; bothPasses: number; agreed: number; adjudicated: number; unresolved: number };
}

/** A relabelling of a labelled.jsonl item by a later reading against the rubric: the new label, the old, why. */
export interface Relabel extends Label {
  was: 'recipe' | 'problem';
}

export function loadTrainingSet(dir = RECIPES_DIR): TrainingSet {
  const relabel = new Map(readJsonl<Relabel>(join(dir, 'third-pass.jsonl')).map((l) => [l.id, l.label]));
  const examples: Example[] = readJsonl<{
    id: string;
    source: string;
    summary: string;
    description: string;
    label: string;
  }>(join(dir, 'labelled.jsonl')).map((item) => ({
    id: item.id,
    project: projectOf(item.id, item.source),
    summary: item.summary,
    description: item.description ?? '',
    recipe: (relabel.get(item.id) ?? item.label) === 'recipe',
    origin: 'labelled',
  }));
  const corpus = readJsonl<{ id: string; project: string; summary: string; description: string }>(
    join(dir, 'corpus.jsonl'),
  );
  const byId = (labels: Label[]) => new Map(labels.map((l) => [l.id, l.label]));
  const a = byId(readJsonl<Label>(join(dir, 'pass-a.jsonl')));
  const b = byId(readJsonl<Label>(join(dir, 'pass-b.jsonl')));
  const third = byId(readJsonl<Label>(join(dir, 'adjudicated.jsonl')));
  const counts = { items: corpus.length, bothPasses: 0, agreed: 0, adjudicated: 0, unresolved: 0 };
  for (const item of corpus) {
    const la = a.get(item.id);
    const lb = b.get(item.id);
    if (!la || !lb) continue;
    counts.bothPasses += 1;
    let label: string | undefined;
    if (la === lb) {
      counts.agreed += 1;
      label = la;
    } else if (third.has(item.id)) {
      counts.adjudicated += 1;
      label = third.get(item.id);
    } else {
      counts.unresolved += 1;
      continue;
    }
    examples.push({
      id: item.id,
      project: item.project,
      summary: item.summary,
      description: item.description ?? '',
      recipe: label === 'recipe',
      origin: 'corpus',
    });
  }
  return { examples, corpus: counts };
}
