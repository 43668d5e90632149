/**
 * A metric's own measurement series: what a sender measures under a metric name that no outcome of the project
 * uses (an item's expected movement names its own metric). Versioned like outcomes: a write claims the next
 * version, so two concurrent appends never lose one another.
 */
import { createHash } from 'node:crypto';
import { kvs } from '@forge/kvs';
import { differingReadings, mergeIntoSeries } from '../domain/measurement-input';
import type { Measurement } from '../domain/schemas';
import { keys } from './keys';
import { ValidationError } from '../errors';
import { backOffAfterConflict, checkValueSize, claim, listAll, writeClaimed } from './kv';

export const METRIC_SERIES_LIMIT = 500;
/**
 * Metric series one project may make. Each is kept for good, and the bets read at most this many: without a
 * bound, one token could fill app storage with names and hide the real series from the bets.
 */
export const MAX_METRIC_SERIES_PER_PROJECT = 500;

export interface MetricSeries {
  /** The metric's name as first sent. */
  name: string;
  measurements: Measurement[];
  version: number;
  updatedAt: string;
}

/** How metric names are matched: case and surrounding or repeated spaces do not count. */
export function normaliseMetric(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** A storage-safe key segment for a metric name: readable, and a hash so distinct names never share one. */
export function metricSlug(name: string): string {
  const normal = normaliseMetric(name);
  const readable = normal.replace(/[^a-z0-9._-]+/g, '-').slice(0, 60) || 'metric';
  const hash = createHash('sha256').update(normal).digest('hex').slice(0, 12);
  return `${readable}.${hash}`;
}

export async function getMetricSeries(projectKey: string, metric: string): Promise<MetricSeries | null> {
  return (await kvs.get<MetricSeries>(keys.metricSeries(projectKey, metricSlug(metric)))) ?? null;
}

export async function listMetricSeries(projectKey: string): Promise<MetricSeries[]> {
  return (await listAll<MetricSeries>(keys.metricSeriesPrefix(projectKey), 500)).map((i) => i.value);
}

/** How many metric series the project has made (a hint kept in slot 0; the claims of slots decide). */
export async function metricSeriesMade(projectKey: string): Promise<number> {
  return Math.max(0, Number(await kvs.get<number>(keys.metricSeriesSlot(projectKey, 0))) || 0);
}

export function tooManySeries(made: number, asked: number): ValidationError {
  return new ValidationError(
    `This project has ${made} metric series of its own; it may have at most ${MAX_METRIC_SERIES_PER_PROJECT}, and the request names ${asked} new one(s). Nothing more was recorded: send measurements of existing metrics or outcomes.`,
  );
}

/**
 * Counts a series just made: claims the next free slot. Only the writer of a series' first version counts it, so
 * concurrent senders of one new metric count it once; requests racing at the bound may pass it by a few.
 */
async function countNewSeries(projectKey: string, slug: string): Promise<void> {
  for (let n = (await metricSeriesMade(projectKey)) + 1; n <= MAX_METRIC_SERIES_PER_PROJECT; n++) {
    if (await claim(keys.metricSeriesSlot(projectKey, n), slug, { value: 3650, unit: 'DAYS' })) {
      await kvs.set(keys.metricSeriesSlot(projectKey, 0), n);
      return;
    }
  }
}

/** Appends to the named series (made on first use); ids it already holds are skipped. */
export async function appendToMetricSeries(
  projectKey: string,
  metric: string,
  measurements: readonly Measurement[],
  now: Date,
  attempts = 10,
): Promise<{ added: number; duplicates: number; differing: number }> {
  const slug = metricSlug(metric);
  for (let i = 1; ; i++) {
    const current = (await kvs.get<MetricSeries>(keys.metricSeries(projectKey, slug))) ?? null;
    const base: MetricSeries = current ?? {
      name: metric.trim(),
      measurements: [],
      version: 0,
      updatedAt: now.toISOString(),
    };
    const merged = mergeIntoSeries(base.measurements, measurements, METRIC_SERIES_LIMIT);
    const differing = differingReadings(base.measurements, measurements);
    if (merged.added === 0) return { added: 0, duplicates: merged.duplicates, differing };
    const next: MetricSeries = {
      ...base,
      measurements: merged.series,
      version: base.version + 1,
      updatedAt: now.toISOString(),
    };
    checkValueSize(next, 'The metric series');
    const revision = keys.metricSeriesRevision(projectKey, slug, next.version);
    if (await writeClaimed(revision, { at: next.updatedAt }, keys.metricSeries(projectKey, slug), next)) {
      // The measurements are stored: a count that fails is not worth a 503 and a resend.
      if (next.version === 1) await countNewSeries(projectKey, slug).catch(() => undefined);
      return { added: merged.added, duplicates: merged.duplicates, differing };
    }
    if (i >= attempts) throw new Error(`The metric series "${metric}" kept changing; try again.`);
    await backOffAfterConflict(i);
  }
}
