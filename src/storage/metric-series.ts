/**
 * A metric's own measurement series: what a sender measures under a metric name that no outcome of the project
 * uses (an item's expected movement names its own metric). Versioned like outcomes: a write claims the next
 * version, so two concurrent appends never lose one another.
 */
import { createHash } from 'node:crypto';
import { kvs } from '@forge/kvs';
import { mergeIntoSeries } from '../domain/measurement-input';
import type { Measurement } from '../domain/schemas';
import { keys } from './keys';
import { backOffAfterConflict, checkValueSize, listAll, writeClaimed } from './kv';

export const METRIC_SERIES_LIMIT = 500;

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

/** Appends to the named series (made on first use); ids it already holds are skipped. */
export async function appendToMetricSeries(
  projectKey: string,
  metric: string,
  measurements: readonly Measurement[],
  now: Date,
  attempts = 10,
): Promise<{ added: number; duplicates: number }> {
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
    if (merged.added === 0) return { added: 0, duplicates: merged.duplicates };
    const next: MetricSeries = {
      ...base,
      measurements: merged.series,
      version: base.version + 1,
      updatedAt: now.toISOString(),
    };
    checkValueSize(next, 'The metric series');
    const revision = keys.metricSeriesRevision(projectKey, slug, next.version);
    if (await writeClaimed(revision, { at: next.updatedAt }, keys.metricSeries(projectKey, slug), next))
      return { added: merged.added, duplicates: merged.duplicates };
    if (i >= attempts) throw new Error(`The metric series "${metric}" kept changing; try again.`);
    await backOffAfterConflict(i);
  }
}
