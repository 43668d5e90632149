/**
 * The labelled items the recipe model learns from, read from test/fixtures/recipes:
 * - labelled.jsonl: the first 359 items (Apache issues and user stories), labelled once by RUBRIC.md; where a later
 *   reading against the rubric changed a label, third-pass.jsonl holds the new one (with the old and why), and it wins;
 * - each corpus batch (CORPUS_BATCHES) with its two independent passes: where the passes agree, their label; where
 *   they disagree, the third reading in the batch's adjudication file. An item without both passes, or with a
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
  origin: 'labelled' | 'corpus' | 'probe';
  /**
   * Where the text comes from: a real backlog (the Apache export, the jira-stories projects, the published user
   * story sets), a story written for the labelled set ("generated") or an item of a probe set ("probe"); figures are
   * reported per source.
   */
  source: string;
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

/** A corpus drawn in one go (build-corpus.ts) and the files of its two passes and its adjudication. */
export interface CorpusBatch {
  corpus: string;
  passA: string;
  passB: string;
  adjudicated: string;
}

export const CORPUS_BATCHES: readonly CorpusBatch[] = [
  { corpus: 'corpus.jsonl', passA: 'pass-a.jsonl', passB: 'pass-b.jsonl', adjudicated: 'adjudicated.jsonl' },
  {
    corpus: 'corpus-2.jsonl',
    passA: 'pass-a-2.jsonl',
    passB: 'pass-b-2.jsonl',
    adjudicated: 'adjudicated-2.jsonl',
  },
  {
    corpus: 'corpus-3.jsonl',
    passA: 'pass-a-3.jsonl',
    passB: 'pass-b-3.jsonl',
    adjudicated: 'adjudicated-3.jsonl',
  },
  {
    corpus: 'corpus-4.jsonl',
    passA: 'pass-a-4.jsonl',
    passB: 'pass-b-4.jsonl',
    adjudicated: 'adjudicated-4.jsonl',
  },
];

/**
 * Later readings that changed a stored label, by id: the third pass over labelled.jsonl, then the re-reading of
 * every user story with a benefit clause when the rubric sharpened solution-oriented stories (sixth round). Each
 * line keeps the label it had (`was`) and why; the labelled files and both passes stay as they were.
 */
const RELABEL_FILES = ['third-pass.jsonl', 'story-reread.jsonl'];

export interface TrainingSet {
  examples: Example[];
  corpus: { items: number; bothPasses: number; agreed: number; adjudicated: number; unresolved: number };
  /** Items of the probe sets trained on (those both passes agree on). */
  probes: number;
}

/** A relabelling of a labelled.jsonl item by a later reading against the rubric: the new label, the old, why. */
export interface Relabel extends Label {
  was: 'recipe' | 'problem';
}

/** The source of the user stories written for the labelled set (corpus-3.jsonl, corpus-4.jsonl). */
export const WRITTEN_SOURCE = 'generated';
/** The sources whose items come from real backlogs; the written stories (WRITTEN_SOURCE) are reported apart. */
export const REAL_SOURCES: ReadonlySet<string> = new Set(['apache', 'jira-stories', 'user-stories']);
/** The source of the probe sets' items: Jira items of the kinds issue 12 names, written for 60 products. */
export const PROBE_SOURCE = 'probe';
const SOURCES: ReadonlySet<string> = new Set([...REAL_SOURCES, WRITTEN_SOURCE]);

function checkedSource(id: string, source: string): string {
  if (!SOURCES.has(source))
    throw new Error(`${id}: unknown source "${source}" (one of ${[...SOURCES].join(', ')})`);
  return source;
}

/** Every labelled item: labelled.jsonl, the corpus batches and, since the ninth round, the probe sets. */
export function loadTrainingSet(dir = RECIPES_DIR): TrainingSet {
  const relabel = new Map(
    RELABEL_FILES.flatMap((file) => readJsonl<Relabel>(join(dir, file))).map((l) => [l.id, l.label]),
  );
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
    // labelled.jsonl names the published user-story sets "stories".
    source: item.source === 'stories' ? 'user-stories' : checkedSource(item.id, item.source),
  }));
  const counts = { items: 0, bothPasses: 0, agreed: 0, adjudicated: 0, unresolved: 0 };
  const byId = (labels: Label[]) => new Map(labels.map((l) => [l.id, l.label]));
  for (const batch of CORPUS_BATCHES) {
    const corpus = readJsonl<{
      id: string;
      project: string;
      source: string;
      summary: string;
      description: string;
    }>(join(dir, batch.corpus));
    const a = byId(readJsonl<Label>(join(dir, batch.passA)));
    const b = byId(readJsonl<Label>(join(dir, batch.passB)));
    const third = byId(readJsonl<Label>(join(dir, batch.adjudicated)));
    counts.items += corpus.length;
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
        recipe: (relabel.get(item.id) ?? label) === 'recipe',
        origin: 'corpus',
        source: checkedSource(item.id, item.source),
      });
    }
  }
  let probes = 0;
  for (const name of PROBE_NAMES) {
    const { items } = loadProbeSet(name, dir);
    examples.push(...items.map((item) => ({ ...item, origin: 'probe' as const, source: PROBE_SOURCE })));
    probes += items.length;
  }
  return { examples, corpus: counts, probes };
}

/** The probe set's items the two passes agree on, and how many they split on or one pass lacks. */
export interface ProbeSet {
  items: Array<Pick<Example, 'id' | 'project' | 'summary' | 'description' | 'recipe'>>;
  split: number;
  /** Both passes' labels of every item both labelled, pass A's first: what their agreement is measured on. */
  pairs: Array<[Label['label'], Label['label']]>;
}

/**
 * Products whose errors were read while features were written (the eighth round's for probe.jsonl, the ninth's for
 * probe-2.jsonl, the tenth's for probe-3.jsonl to probe-10.jsonl); the others stayed unread.
 */
export const PROBE_READ_PROJECTS: ReadonlySet<string> = new Set([
  'pr-payroll',
  'pr-rota',
  'pr-logistics',
  'p2-broker',
  'p2-claims',
  'p2-library',
  'p3-observe',
  'p3-pharmacy',
  'p3-mail',
  'p4-seller',
  'p4-leave',
  'p4-bikes',
  'p5-crm',
  'p5-lms',
  'p5-kitchen',
  'p6-infra',
  'p6-energy',
  'p6-museum',
  'p7-dating',
  'p7-airline',
  'p7-vet',
  'p8-grocery',
  'p8-benefits',
  'p8-sports',
  'p9-wealth',
  'p9-construction',
  'p9-dental',
  'p10-photo',
  'p10-airport',
  'p10-university',
]);

/** The probe sets, six products each: probe.jsonl (eighth round), probe-2.jsonl (ninth), probe-3 to probe-10 (tenth). */
export const PROBE_NAMES = [
  'probe',
  'probe-2',
  'probe-3',
  'probe-4',
  'probe-5',
  'probe-6',
  'probe-7',
  'probe-8',
  'probe-9',
  'probe-10',
] as const;
export type ProbeName = (typeof PROBE_NAMES)[number];

/**
 * A probe set (probe.jsonl, probe-2.jsonl, …): Jira items of the kinds another site's data showed the first detector
 * misjudging (a verb-led summary over a problem and its cost, a bug report naming a widget, a bare feature name, a
 * description that only details the change, template boilerplate, stories with a position or a named solution),
 * written for six products by writers who saw neither the rubric nor the detector, and labelled by two independent
 * passes (<name>-pass-a.jsonl, <name>-pass-b.jsonl). Items the passes split on, or one pass lacks, are left out
 * (and counted). Trained on since the ninth round; each set is judged by a model trained without it.
 */
export function loadProbeSet(name: ProbeName = 'probe', dir = RECIPES_DIR): ProbeSet {
  const byId = (file: string) => new Map(readJsonl<Label>(join(dir, file)).map((l) => [l.id, l.label]));
  const a = byId(`${name}-pass-a.jsonl`);
  const b = byId(`${name}-pass-b.jsonl`);
  const all = readJsonl<{ id: string; project: string; summary: string; description: string }>(
    join(dir, `${name}.jsonl`),
  );
  const agreed = all.filter((item) => a.get(item.id) !== undefined && a.get(item.id) === b.get(item.id));
  const pairs = all.flatMap((item): ProbeSet['pairs'] => {
    const [la, lb] = [a.get(item.id), b.get(item.id)];
    return la && lb ? [[la, lb]] : [];
  });
  return {
    items: agreed.map((item) => ({ ...item, recipe: a.get(item.id) === 'recipe' })),
    split: all.length - agreed.length,
    pairs,
  };
}
