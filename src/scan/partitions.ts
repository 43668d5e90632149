/**
 * Parallel partitions of a large project's scan. A run over more open issues than twice `partitionSize` splits
 * the backlog by issue id into ranges (`id >= from AND id < below`, which Jira's JQL compares numerically),
 * found cheaply: Jira's approximate count of the run's search, then the lowest and the highest id (one issue
 * each). Each range is scanned by queue events of its own, each invocation within its own time limit, side by
 * side up to `maxPartitions` at once (Forge's per-event concurrency key holds them to it). A partition keeps
 * its own cursor, so one that fails is resumed alone; once every partition is over, the last to finish joins
 * what they counted into the one run summary (src/scan/run.ts, joinPartitions).
 *
 * An issue created after the split with a higher id than any range is not read by this run; the next
 * incremental run reads it (it changed since this run started), as it would an issue created behind an
 * unpartitioned run's page token.
 */
import { MAX_DRY_RUN_SAMPLES } from '../contract/project-page-keys';
import { emptyCounters, MAX_SUMMARY_ERRORS } from '../contract/scan';
import type { JiraClient } from '../jira/client';
import { emptyAggregates, mergeAggregates } from './aggregates';
import type { ScanCursor } from './run';
import { retrying } from './writer';

/** Open issues per partition, about 100 search pages: a few invocations of the scan's 900 s each. */
export const ISSUES_PER_PARTITION = 10_000;
/**
 * Partitions at most, all running at once. They share the app's hourly points quota (the pacing keeps them to
 * the scan's share), and 8 searches in flight stay far below Jira's per-endpoint burst limit.
 */
export const MAX_PARTITIONS = 8;

/** Issue ids from `from` up to, not including, `below`. */
export interface PartitionRange {
  from: number;
  below: number;
}

/** The search of one partition: the run's own, within the partition's id range. */
export function partitionJql(jql: string, range: PartitionRange | undefined): string {
  return range ? `${jql} AND id >= ${range.from} AND id < ${range.below}` : jql;
}

/** The Async events API's concurrency setting for a project's scan events: one key per project. */
export function scanConcurrency(projectKey: string, limit = MAX_PARTITIONS): { key: string; limit: number } {
  return { key: `scan-${projectKey}`, limit: Math.max(1, limit) };
}

/** `count` ranges of about equal width covering the ids min..max. */
export function splitIds(min: number, max: number, count: number): PartitionRange[] {
  const span = max + 1 - min;
  const n = Math.max(1, Math.min(count, span));
  const bounds = Array.from({ length: n + 1 }, (_, i) => min + Math.floor((span * i) / n));
  return bounds.slice(0, n).map((from, i) => ({ from, below: bounds[i + 1]! }));
}

/**
 * The ranges a run splits into, or none (one partition: the run reads its backlog itself). A project the last
 * full rescan found smaller than one partition is not counted again.
 */
export async function planPartitions(
  jira: JiraClient,
  cursor: ScanCursor,
  options: {
    partitionSize?: number | undefined;
    maxPartitions?: number | undefined;
    lastTotal: number | null;
  },
): Promise<PartitionRange[]> {
  const size = Math.max(1, options.partitionSize ?? ISSUES_PER_PARTITION);
  const most = options.maxPartitions ?? MAX_PARTITIONS;
  if (most < 2) return [];
  if (options.lastTotal !== null && options.lastTotal < size) return [];
  const jql = cursor.jql ?? `project = "${cursor.projectKey}" AND statusCategory != Done`;
  const count = await retrying(() => jira.countIssues(jql));
  const n = Math.min(most, Math.floor(count / size));
  if (n < 2) return [];
  const edge = async (direction: 'ASC' | 'DESC') => {
    const page = await retrying(() =>
      jira.searchJql({ jql: `${jql} ORDER BY id ${direction}`, fields: ['id'], maxResults: 1 }),
    );
    const id = Number(page.issues[0]?.id);
    return Number.isFinite(id) ? id : null;
  };
  const [min, max] = [await edge('ASC'), await edge('DESC')];
  if (min === null || max === null || max <= min) return [];
  return splitIds(min, max, n);
}

/** A partition's first cursor: the run's settings and plan, nothing read or counted yet. */
export function partitionCursor(
  run: ScanCursor,
  index: number,
  range: PartitionRange,
  count: number,
): ScanCursor {
  const copy = JSON.parse(JSON.stringify(run)) as ScanCursor;
  return {
    ...copy,
    nextPageToken: null,
    notes: [],
    counters: emptyCounters(),
    errorSamples: [],
    skippedSamples: [],
    wouldChange: [],
    health: { total: 0, recipes: 0, linked: 0, zombies: 0, scoreSum: 0 },
    unwritten: [],
    step: 0,
    idleDays: {},
    aggregates: emptyAggregates(),
    partitions: undefined,
    partition: { index, of: count, ...range },
  };
}

/**
 * The run as if one invocation chain had read every partition: what the run spent planning, plus each
 * partition's counters, samples, health tallies, idle days and page figures, each counted once.
 */
export function mergePartitions(run: ScanCursor, parts: ScanCursor[]): ScanCursor {
  const out = JSON.parse(JSON.stringify(run)) as ScanCursor;
  const aggregates = emptyAggregates();
  const idleDays: Record<string, number> = { ...(out.idleDays ?? {}) };
  for (const p of parts) {
    // Every counter this version has: a cursor saved by an older one may lack some.
    for (const k of Object.keys(emptyCounters()) as Array<keyof typeof out.counters>)
      out.counters[k] = (out.counters[k] ?? 0) + (p.counters[k] ?? 0);
    out.errorSamples = [...out.errorSamples, ...p.errorSamples].slice(0, MAX_SUMMARY_ERRORS);
    out.skippedSamples = [...(out.skippedSamples ?? []), ...(p.skippedSamples ?? [])].slice(
      0,
      MAX_SUMMARY_ERRORS,
    );
    out.wouldChange = [...out.wouldChange, ...p.wouldChange].slice(0, MAX_DRY_RUN_SAMPLES);
    for (const k of Object.keys(out.health) as Array<keyof typeof out.health>) out.health[k] += p.health[k];
    for (const [day, n] of Object.entries(p.idleDays ?? {})) idleDays[day] = (idleDays[day] ?? 0) + n;
    if (p.aggregates) mergeAggregates(aggregates, p.aggregates);
    for (const note of p.notes ?? [])
      if (!out.notes?.includes(note)) out.notes = [...(out.notes ?? []), note];
    if (p.labelMode === 'per-issue' || (p.labelMode && !out.labelMode)) out.labelMode = p.labelMode;
  }
  out.idleDays = idleDays;
  out.aggregates = aggregates;
  out.unwritten = [];
  return out;
}
