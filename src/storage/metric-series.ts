/**
 * A metric's own measurement series: what a sender measures under a metric name that no outcome of the project
 * uses (an item's expected movement names its own metric). Versioned like outcomes: a write claims the next
 * version, so two concurrent appends never lose one another.
 */
import { createHash, randomUUID } from 'node:crypto';
import { kvs } from './kvs-client';
import {
  differingIds,
  mergeIntoSeries,
  withoutInvisible,
  type SeriesAppend,
} from '../domain/measurement-input';
import type { Measurement } from '../domain/schemas';
import { keys } from './keys';
import { ValidationError } from '../errors';
import { backOffAfterConflict, checkValueSize, claim, listAll, writeClaimed } from './kv';
import { whileHolding } from './lock';

export const METRIC_SERIES_LIMIT = 500;
/** As an outcome's measurements (src/storage/outcomes.ts): bounded in bytes too, below KVS's 240 KiB a value. */
export const METRIC_SERIES_BYTES = 200 * 1024;
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

/**
 * How metric names are matched: case, surrounding or repeated spaces, and how an accent is encoded (a CSV from
 * another tool may write "é" as "e" and a combining accent: Unicode's NFC makes both one character) do not count,
 * nor characters drawn as nothing: names that look the same are one. A sender's metric holding one is refused
 * (src/domain/measurement-input.ts); an outcome's metric, typed on the page, may hold one pasted in.
 */
export function normaliseMetric(name: string): string {
  return withoutInvisible(name.normalize('NFC')).trim().replace(/\s+/g, ' ').toLowerCase();
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
async function metricSeriesMade(projectKey: string): Promise<number> {
  return Math.max(0, Number(await kvs.get<number>(keys.metricSeriesSlot(projectKey, 0))) || 0);
}

function tooManySeries(made: number, asked: number): ValidationError {
  return new ValidationError(
    `This project has ${made} metric series of its own; it may have at most ${MAX_METRIC_SERIES_PER_PROJECT}, and the request names ${asked} new one(s). Nothing more was recorded: send measurements of existing metrics or outcomes.`,
  );
}

/** What a slot holds: the series it counts, and which call claimed it. Slots claimed before held the slug alone. */
type SlotClaim = { slug: string; by: string } | string;
const SLOT_TTL = { value: 3650, unit: 'DAYS' } as const;

function slugIn(holder: unknown): string | undefined {
  const held = holder as SlotClaim | null | undefined;
  return typeof held === 'string' ? held : held?.slug;
}

/**
 * The first free slot at or after `from` for a series: taken by this call (`ours`), or found already counting the
 * same series (another request making it at the same moment). Null when every slot up to the bound is taken.
 */
async function slotFor(
  projectKey: string,
  slug: string,
  from: number,
): Promise<{ n: number; ours: boolean } | null> {
  const by = randomUUID();
  for (let n = from; n <= MAX_METRIC_SERIES_PER_PROJECT; n++) {
    const holder = await claimSlot(keys.metricSeriesSlot(projectKey, n), { slug, by });
    if (holder === by) return { n, ours: true };
    if (slugIn(holder) === slug) return { n, ours: false };
  }
  return null;
}

/** Claims a slot: `by` when this call holds it, else what the slot holds. */
async function claimSlot(key: string, mine: Exclude<SlotClaim, string>): Promise<unknown> {
  let holder: unknown;
  const won = await claim(key, mine, SLOT_TTL, (stored) => {
    holder = stored;
    return (stored as { by?: unknown } | null)?.by === mine.by;
  });
  return won ? mine.by : holder;
}

/**
 * Counts the series the request will make before any is written: each metric with no series yet takes a slot of its
 * own. Counted after the write, requests racing at the bound all passed it (each read the count before any had
 * made a series). When the slots run out, the ones this call took are given back and the request is refused whole.
 * A metric counted by a request that then failed keeps its slot (its mark), so a resend does not count it twice.
 *
 * Requests count one at a time, under the project's count lock: racing for slots one by one, each could take a
 * few and all be refused. The slots' claims keep the bound should a holder outlive its lock.
 */
export async function reserveNewSeries(projectKey: string, metrics: readonly string[]): Promise<void> {
  // Metrics counted already (a resend after a fault) need no lock: a resend is not kept waiting by other senders.
  const marks = await Promise.all(
    metrics.map((m) => kvs.get(keys.metricSeriesCounted(projectKey, metricSlug(m)))),
  );
  const uncounted = metrics.filter((_, i) => marks[i] === undefined);
  if (uncounted.length === 0) return;
  await whileHolding(
    keys.metricSeriesCountLock(projectKey),
    {
      ttlSeconds: COUNT_LOCK_SECONDS,
      waitMs: COUNT_WAIT_MS,
      busy: () =>
        new Error(`Another request is counting the new metric series of ${projectKey}; send again.`),
    },
    () => takeSlots(projectKey, uncounted),
  );
}

/** How long a request may hold the count lock (50 series, three storage calls each), and wait for it. */
const COUNT_LOCK_SECONDS = 25;
const COUNT_WAIT_MS = 10_000;

async function takeSlots(projectKey: string, metrics: readonly string[]): Promise<void> {
  const taken: Array<{ n: number; slug: string }> = [];
  let next = (await metricSeriesMade(projectKey)) + 1;
  try {
    for (const metric of metrics) {
      const slug = metricSlug(metric);
      if ((await kvs.get(keys.metricSeriesCounted(projectKey, slug))) !== undefined) continue;
      const slot = await slotFor(projectKey, slug, next);
      if (!slot) throw tooManySeries(MAX_METRIC_SERIES_PER_PROJECT - taken.length, metrics.length);
      if (!slot.ours) continue;
      taken.push({ n: slot.n, slug });
      next = slot.n + 1;
      await kvs.set(keys.metricSeriesCounted(projectKey, slug), slot.n, { ttl: SLOT_TTL });
    }
  } catch (e) {
    // Given back so that the bound is not lowered by a request that made nothing. The mark goes first, and a slot
    // whose mark cannot be removed stays taken: a marked series is never counted again, so it must keep its slot.
    // This errs towards fewer series, never more.
    await Promise.allSettled(
      taken.map(async ({ n, slug }) => {
        await kvs.delete(keys.metricSeriesCounted(projectKey, slug));
        await kvs.delete(keys.metricSeriesSlot(projectKey, n));
      }),
    );
    throw e;
  }
  // Where the next request starts looking (a hint only: the slots' claims decide).
  if (taken.length > 0 && next - 1 > (await metricSeriesMade(projectKey)))
    await kvs.set(keys.metricSeriesSlot(projectKey, 0), next - 1).catch(() => undefined);
}

/**
 * Appends to the named series (made on first use; reserveNewSeries counts it first); ids it already holds are
 * skipped.
 */
export async function appendToMetricSeries(
  projectKey: string,
  metric: string,
  measurements: readonly Measurement[],
  now: Date,
  attempts = 10,
): Promise<SeriesAppend> {
  const slug = metricSlug(metric);
  for (let i = 1; ; i++) {
    const current = (await kvs.get<MetricSeries>(keys.metricSeries(projectKey, slug))) ?? null;
    const base: MetricSeries = current ?? {
      name: metric.trim(),
      measurements: [],
      version: 0,
      updatedAt: now.toISOString(),
    };
    const merged = mergeIntoSeries(base.measurements, measurements, METRIC_SERIES_LIMIT, METRIC_SERIES_BYTES);
    const differing = differingIds(base.measurements, measurements);
    const result: SeriesAppend = {
      added: merged.added,
      duplicates: merged.duplicates,
      differing: differing.length,
      addedIds: merged.addedIds,
      droppedIds: merged.droppedIds,
      differingIds: differing,
      pushedOut: merged.pushedOut.length,
    };
    if (merged.added === 0) return result;
    const next: MetricSeries = {
      ...base,
      measurements: merged.series,
      version: base.version + 1,
      updatedAt: now.toISOString(),
    };
    checkValueSize(next, 'The metric series');
    const revision = keys.metricSeriesRevision(projectKey, slug, next.version);
    if (await writeClaimed(revision, { at: next.updatedAt }, keys.metricSeries(projectKey, slug), next)) {
      return result;
    }
    if (i >= attempts) throw new Error(`The metric series "${metric}" kept changing; try again.`);
    await backOffAfterConflict(i);
  }
}
