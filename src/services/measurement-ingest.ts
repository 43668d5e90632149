/**
 * Measurements from outside land here, from the web trigger (after its token check) and from a CSV imported on
 * an outcome card. Every row is resolved to its series first; a row that names another project's (or no)
 * outcome refuses the whole request, so a refused request changes nothing. Then each series gets one write.
 */
import { createHash } from 'node:crypto';
import { differingReadings, type IncomingMeasurement, type RowError } from '../domain/measurement-input';
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
  series: SeriesResult[];
}

/** Why a new measurement was not kept (both series kinds keep the newest 500); said by each caller. */
export const droppedWhy = `were older than every measurement their series keeps (the newest ${MEASUREMENT_HISTORY_LIMIT}) and were not stored.`;

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

type Resolved = { kind: 'outcome'; outcome: StoredOutcome } | { kind: 'metric'; name: string };

/** The outcome a metric name belongs to: an active outcome's metric first, then any other. */
function outcomeForMetric(outcomes: readonly StoredOutcome[], metric: string): StoredOutcome | null {
  const wanted = normaliseMetric(metric);
  const same = outcomes.filter((o) => normaliseMetric(o.metric) === wanted);
  return same.find((o) => o.status === 'active') ?? same[0] ?? null;
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

function stored(m: IncomingMeasurement): Measurement {
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
  const groups = new Map<string, { target: Resolved; rows: Measurement[] }>();
  measurements.forEach((m, i) => {
    let target: Resolved;
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
      target = { kind: 'outcome', outcome };
    } else {
      const outcome = outcomeForMetric(outcomes, m.target.metric);
      target = outcome ? { kind: 'outcome', outcome } : { kind: 'metric', name: m.target.metric };
    }
    const key = target.kind === 'outcome' ? `o:${target.outcome.id}` : `m:${normaliseMetric(target.name)}`;
    const group = groups.get(key) ?? { target, rows: [] };
    const row = stored(m);
    const earlier = group.rows.find((r) => r.id === row.id);
    if (earlier && (earlier.at !== row.at || earlier.value !== row.value || earlier.source !== row.source))
      conflicts.push({
        row: i + 1,
        field: 'id',
        message: `id "${row.id}" is given to another reading of this series in the same request.`,
      });
    group.rows.push(row);
    groups.set(key, group);
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
  let differing = 0;
  for (const { target, rows } of groups.values()) {
    if (target.kind === 'outcome') {
      // Ids the metric's own series took before an outcome measured that metric were recorded already: a late
      // resend of such a delivery must not record it again on the outcome.
      const before = await getMetricSeries(projectKey, target.outcome.metric);
      const taken = new Set(before?.measurements.map((m) => m.id) ?? []);
      const left = rows.filter((m) => !taken.has(m.id));
      const r = left.length
        ? await appendMeasurements(projectKey, target.outcome.id, left, now, options)
        : { added: 0, duplicates: 0, differing: 0 };
      series.push({
        kind: 'outcome',
        id: target.outcome.id,
        name: target.outcome.name,
        added: r.added,
        duplicates: r.duplicates + rows.length - left.length,
      });
      differing += r.differing + differingReadings(before?.measurements ?? [], rows);
    } else {
      const r = await appendToMetricSeries(projectKey, target.name, rows, now);
      series.push({
        kind: 'metric',
        id: normaliseMetric(target.name),
        name: target.name,
        added: r.added,
        duplicates: r.duplicates,
      });
      differing += r.differing;
    }
  }
  const accepted = series.reduce((n, s) => n + s.added, 0);
  const duplicates = series.reduce((n, s) => n + s.duplicates, 0);
  return { accepted, duplicates, dropped: measurements.length - accepted - duplicates, differing, series };
}
