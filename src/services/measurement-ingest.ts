/**
 * Measurements from outside land here, from the web trigger (after its token check) and from a CSV imported on
 * an outcome card. Every row is resolved to its series first (a metric name to each active outcome measuring it);
 * a row that names another project's (or no) outcome refuses the whole request, so a refused request changes
 * nothing. Then each series gets one write.
 */
import { createHash } from 'node:crypto';
import {
  differingIds,
  nothingAppended,
  type IncomingMeasurement,
  type RowError,
  type SeriesAppend,
} from '../domain/measurement-input';
import type { Measurement } from '../domain/schemas';
import { ValidationError } from '../errors';
import {
  appendToMetricSeries,
  getMetricSeries,
  reserveNewSeries,
  normaliseMetric,
} from '../storage/metric-series';
import {
  appendMeasurements,
  listOutcomes,
  MEASUREMENT_HISTORY_LIMIT,
  type StoredOutcome,
} from '../storage/outcomes';

export interface SeriesResult {
  /** 'outcome' with the outcome's id, or 'metric' with the metric's name. */
  kind: 'outcome' | 'metric';
  id: string;
  name: string;
  added: number;
  duplicates: number;
  /** Readings the series held that this request pushed out of its history (it keeps the newest only). */
  pushedOut: number;
}

export interface IngestResult {
  /** Measurements newly recorded. */
  accepted: number;
  /** Measurements whose id was recorded before: accepted once, not again. */
  duplicates: number;
  /** New measurements older than all their series keeps: not stored. */
  dropped: number;
  /** Duplicates whose id was recorded with another day, value or source: the recorded reading stays. */
  differing: number;
  /** Readings held before, pushed out of their series' history by the new ones. */
  pushedOut: number;
  series: SeriesResult[];
}

/** Why a new measurement was not kept (both series kinds keep the newest 500); said by each caller. */
export const droppedWhy = `were older than every measurement their series keeps (the newest ${MEASUREMENT_HISTORY_LIMIT}) and were not stored.`;

/** What became of the oldest readings when new ones filled a series' history; said by each caller. */
export const pushedOutWhy = `older measurements were let go to make room: each series keeps its newest ${MEASUREMENT_HISTORY_LIMIT}.`;

/** Why a reading sent again under its id with other figures changed nothing; said by each caller. */
export const differingWhy =
  'of the skipped ones carry an id recorded before with another day, value or source: the recorded reading was kept (take it off on the project page to replace it).';

/** A request that names what does not exist in the project: refused whole, with the rows at fault. */
export class UnknownTargetError extends ValidationError {
  constructor(readonly rows: RowError[]) {
    super(
      `${rows.length} measurement${rows.length > 1 ? 's name' : ' names'} an outcome that is not in this project; nothing was recorded.`,
    );
  }
}

/**
 * Most series one request may write. Each series is its own versioned write (a read, a claim, a write), one after
 * another: a thousand distinct metrics would take thousands of storage calls and could pass the web trigger's
 * 55 seconds with part of it written.
 */
export const MAX_SERIES_PER_REQUEST = 50;

/** One id given to two different readings of a series in one request: which one is meant cannot be told. */
export class ConflictingIdsError extends ValidationError {
  constructor(readonly rows: RowError[]) {
    super(
      `${rows.length} measurement${rows.length > 1 ? 's reuse ids' : ' reuses an id'} given to another reading of the same series in this request; nothing was recorded.`,
    );
  }
}

/** The rows of a request bound for one series, and the first row that carries each id. */
interface Group {
  target: Resolved;
  rows: Measurement[];
  firstRowOf: Map<string, number>;
}

type Resolved = { kind: 'outcome'; outcome: StoredOutcome } | { kind: 'metric'; name: string };

/**
 * The outcomes a metric name measures: every active outcome that measures it (a reading of the metric is a reading
 * of each), else the first other one; none sends it to the metric's own series.
 */
function outcomesForMetric(outcomes: readonly StoredOutcome[], metric: string): StoredOutcome[] {
  const wanted = normaliseMetric(metric);
  const same = outcomes.filter((o) => normaliseMetric(o.metric) === wanted);
  const active = same.filter((o) => o.status === 'active');
  return active.length ? active : same.slice(0, 1);
}

/**
 * A measurement sent without an id is known by its day, value and source: sent again (a resend after a 503, the
 * same CSV imported twice), it is recorded once, like one with an id. Two readings of a series on one day with
 * the same value and source say nothing the first did not.
 */
function implicitId(m: Pick<IncomingMeasurement, 'at' | 'value' | 'source'>): string {
  const digest = createHash('sha256')
    .update(`${m.at}\u0000${m.value}\u0000${m.source ?? ''}`)
    .digest('hex');
  return `auto:${digest.slice(0, 24)}`;
}

function stored(m: IncomingMeasurement): Measurement & { id: string } {
  return {
    at: m.at,
    value: m.value,
    ...(m.source ? { source: m.source } : {}),
    id: m.id || implicitId(m),
  };
}

/**
 * Records the measurements, each series in one write. `keepHeld`: an outcome's series refuses new measurements that
 * would push out ones it holds (see appendMeasurements); series written before the refusal stay written.
 */
export async function recordIncoming(
  projectKey: string,
  measurements: readonly IncomingMeasurement[],
  now: Date,
  options: { keepHeld?: boolean } = {},
): Promise<IngestResult> {
  const outcomes = await listOutcomes(projectKey);
  const byId = new Map(outcomes.map((o) => [o.id, o]));
  const errors: RowError[] = [];
  const conflicts: RowError[] = [];
  const groups = new Map<string, Group>();
  const rows = measurements.map(stored);
  measurements.forEach((m, i) => {
    let targets: Resolved[];
    if ('outcomeId' in m.target) {
      const outcome = byId.get(m.target.outcomeId);
      if (!outcome) {
        errors.push({
          row: i + 1,
          field: 'outcome',
          message: `No outcome "${m.target.outcomeId}" in project ${projectKey}.`,
        });
        return;
      }
      targets = [{ kind: 'outcome', outcome }];
    } else {
      const measuring = outcomesForMetric(outcomes, m.target.metric);
      targets = measuring.length
        ? measuring.map((outcome) => ({ kind: 'outcome', outcome }))
        : [{ kind: 'metric', name: m.target.metric }];
    }
    const row = rows[i]!;
    let conflicting = false;
    for (const target of targets) {
      const key = target.kind === 'outcome' ? `o:${target.outcome.id}` : `m:${normaliseMetric(target.name)}`;
      const group: Group = groups.get(key) ?? { target, rows: [], firstRowOf: new Map() };
      const earlier = group.firstRowOf.get(row.id);
      const was = earlier === undefined ? undefined : rows[earlier]!;
      if (was && (was.at !== row.at || was.value !== row.value || was.source !== row.source))
        conflicting = true;
      if (earlier === undefined) group.firstRowOf.set(row.id, i);
      group.rows.push(row);
      groups.set(key, group);
    }
    if (conflicting)
      conflicts.push({
        row: i + 1,
        field: 'id',
        message: `id "${row.id}" is given to another reading of this series in the same request.`,
      });
  });
  if (errors.length) throw new UnknownTargetError(errors.slice(0, 50));
  if (conflicts.length) throw new ConflictingIdsError(conflicts.slice(0, 50));
  if (groups.size > MAX_SERIES_PER_REQUEST)
    throw new ValidationError(
      `The measurements name ${groups.size} different series; one request may name at most ${MAX_SERIES_PER_REQUEST}. Nothing was recorded: split them into several requests.`,
    );
  // Counted before any write, so a request past the bound changes nothing, also when requests race at it.
  const metrics = [...groups.values()].flatMap((g) => (g.target.kind === 'metric' ? [g.target.name] : []));
  const existing = await Promise.all(metrics.map((m) => getMetricSeries(projectKey, m)));
  const fresh = metrics.filter((_, i) => !existing[i]);
  // No check of the count alone first: a metric a failed request counted already holds its slot, and its resend
  // must not be refused at the bound.
  if (fresh.length) await reserveNewSeries(projectKey, fresh);

  const series: SeriesResult[] = [];
  // Each row's fate over all the series it went to, the best one: recorded on any of them counts it recorded. A
  // row first of its id on no series repeats an earlier row of the request and is skipped as a duplicate.
  const fates = new Map<number, Fate>();
  const differingRows = new Set<number>();
  for (const group of groups.values()) {
    const written = await writeGroup(projectKey, group, now, options);
    const { target } = group;
    series.push({
      kind: target.kind,
      id: target.kind === 'outcome' ? target.outcome.id : normaliseMetric(target.name),
      name: target.kind === 'outcome' ? target.outcome.name : target.name,
      added: written.added,
      duplicates: written.duplicates,
      pushedOut: written.pushedOut,
    });
    const added = new Set(written.addedIds);
    const dropped = new Set(written.droppedIds);
    const differing = new Set(written.differingIds);
    for (const [id, row] of group.firstRowOf) {
      const fate: Fate = added.has(id) ? 'recorded' : dropped.has(id) ? 'dropped' : 'duplicate';
      const was = fates.get(row);
      if (!was || FATE_RANK[fate] > FATE_RANK[was]) fates.set(row, fate);
      if (differing.has(id)) differingRows.add(row);
    }
  }
  const count = (fate: Fate) => [...fates.values()].filter((f) => f === fate).length;
  const accepted = count('recorded');
  const dropped = count('dropped');
  const differing = [...differingRows].filter((r) => fates.get(r) !== 'recorded').length;
  const pushedOut = series.reduce((sum, s) => sum + s.pushedOut, 0);
  return { accepted, duplicates: rows.length - accepted - dropped, dropped, differing, pushedOut, series };
}

type Fate = 'recorded' | 'duplicate' | 'dropped';
const FATE_RANK: Record<Fate, number> = { dropped: 1, duplicate: 2, recorded: 3 };

/** One series' write. */
async function writeGroup(
  projectKey: string,
  { target, rows }: Group,
  now: Date,
  options: { keepHeld?: boolean },
): Promise<SeriesAppend> {
  if (target.kind === 'metric') return appendToMetricSeries(projectKey, target.name, rows, now);
  // Ids the metric's own series took before an outcome measured that metric were recorded already: a late resend
  // of such a delivery must not record it again on the outcome.
  const before = await getMetricSeries(projectKey, target.outcome.metric);
  const taken = new Set(before?.measurements.map((m) => m.id) ?? []);
  const left = rows.filter((m) => !taken.has(m.id));
  const written = left.length
    ? await appendMeasurements(projectKey, target.outcome.id, left, now, options)
    : nothingAppended();
  const differingBefore = differingIds(before?.measurements ?? [], rows);
  return {
    ...written,
    duplicates: written.duplicates + rows.length - left.length,
    differing: written.differing + differingBefore.length,
    differingIds: [...written.differingIds, ...differingBefore],
  };
}
