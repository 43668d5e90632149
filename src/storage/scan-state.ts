/**
 * What the zombie scan keeps between invocations: where to resume (cursor), what each run did (summaries),
 * who is running now (a lease, so an overlapping trigger backs off), and the latest backlog-health snapshot.
 */
import { kvs } from './kvs-client';
import { keys } from './keys';
import { checkValueSize, claim, listPage } from './kv';

/** Run summaries kept per project; older ones are deleted when a new one is saved. */
export const RUN_HISTORY_LIMIT = 30;

/** What every run summary has; callers store their own richer type (`saveRunSummary<T>`). */
export interface RunSummaryBase {
  runId: string;
  /** ISO date-time: orders the runs. */
  startedAt: string;
}

/** A summary with arbitrary details, for callers without their own type. */
export interface RunSummary extends RunSummaryBase {
  finishedAt?: string | null;
  [detail: string]: unknown;
}

export interface ScanLease {
  runId: string;
  expiresAt: number;
  /** A dry run holds it: it writes nothing, so it is not the day's scan. */
  dryRun?: true;
}

export async function saveCursor<T>(projectKey: string, cursor: T): Promise<void> {
  checkValueSize(cursor, 'The scan cursor');
  await kvs.set(keys.scanCursor(projectKey), cursor);
}

export async function loadCursor<T>(projectKey: string): Promise<T | null> {
  return (await kvs.get<T>(keys.scanCursor(projectKey))) ?? null;
}

/** A run's counts of what it wrote to Jira, kept between checkpoints; longer than any run lasts. */
const WRITTEN_COUNTS_TTL = { value: 7, unit: 'DAYS' } as const;

export async function saveWrittenCounts<T extends object>(
  projectKey: string,
  runId: string,
  partition: number | undefined,
  counts: T,
): Promise<void> {
  await kvs.set(keys.scanWritten(projectKey, runId, partition), counts, { ttl: WRITTEN_COUNTS_TTL });
}

export async function loadWrittenCounts<T>(
  projectKey: string,
  runId: string,
  partition: number | undefined,
): Promise<T | null> {
  return (await kvs.get<T>(keys.scanWritten(projectKey, runId, partition))) ?? null;
}

export async function clearCursor(projectKey: string): Promise<void> {
  await kvs.delete(keys.scanCursor(projectKey));
}

/** Saves (or updates) a run's summary; keeps the RUN_HISTORY_LIMIT newest runs. */
export async function saveRunSummary<T extends RunSummaryBase>(
  projectKey: string,
  summary: T,
): Promise<void> {
  checkValueSize(summary, 'The run summary');
  await kvs.set(keys.scanRun(projectKey, Date.parse(summary.startedAt), summary.runId), summary);
  const page = await listPage<RunSummaryBase>(keys.scanRunPrefix(projectKey), 100);
  for (const old of page.items.slice(RUN_HISTORY_LIMIT)) await kvs.delete(old.key);
}

/** One run's summary as stored now, by the start and id its key holds; null once it is gone. */
export async function loadRunSummary<T extends RunSummaryBase = RunSummary>(
  projectKey: string,
  startedAt: string,
  runId: string,
): Promise<T | null> {
  return (await kvs.get<T>(keys.scanRun(projectKey, Date.parse(startedAt), runId))) ?? null;
}

export async function latestRunSummary<T extends RunSummaryBase = RunSummary>(
  projectKey: string,
): Promise<T | null> {
  const page = await listPage<T>(keys.scanRunPrefix(projectKey), 1);
  return page.items[0]?.value ?? null;
}

export async function listRunSummaries<T extends RunSummaryBase = RunSummary>(
  projectKey: string,
  limit = 10,
): Promise<T[]> {
  const page = await listPage<T>(keys.scanRunPrefix(projectKey), Math.min(100, Math.max(1, limit)));
  return page.items.map((i) => i.value);
}

const toMs = (t: Date | number) => (typeof t === 'number' ? t : t.getTime());
const ttlOf = (ttlMs: number) => ({ value: Math.max(1, Math.ceil(ttlMs / 1000)), unit: 'SECONDS' as const });

/**
 * Takes the project's scan lease for `runId` until now + ttlMs. True for the first caller and for the holder
 * renewing it; false while another run holds an unexpired lease. An expired lease is taken over by exactly
 * one caller (an atomic claim keyed by the expired lease).
 */
export async function acquireScanLease(
  projectKey: string,
  runId: string,
  now: Date | number,
  ttlMs: number,
  options: { dryRun?: boolean } = {},
): Promise<boolean> {
  const at = toMs(now);
  const lease: ScanLease = { runId, expiresAt: at + ttlMs, ...(options.dryRun ? { dryRun: true } : {}) };
  const key = keys.scanLease(projectKey);
  if (await claim(key, lease, ttlOf(ttlMs))) return true;
  const held = await kvs.get<ScanLease>(key);
  if (!held) return claim(key, lease, ttlOf(ttlMs)); // expired and removed between the two calls
  if (held.runId === runId) {
    // Renewed, never shortened: a run parked for the hourly resume holds it longer (extendScanLease), and another
    // invocation of that run (a partition's last step) must not cut that short.
    const expiresAt = Math.max(held.expiresAt, lease.expiresAt);
    await kvs.set(key, { ...lease, expiresAt }, { ttl: ttlOf(expiresAt - at) });
    return true;
  }
  if (held.expiresAt > at) return false;
  if (!(await claim(keys.scanLeaseTakeover(projectKey, held.expiresAt), { runId }))) return false;
  await kvs.set(key, lease, { ttl: ttlOf(ttlMs) });
  return true;
}

/**
 * Keeps `runId`'s lease until `untilMs` at least, if it still holds it: a run whose next event waits for the hourly
 * resume is alive, not abandoned, for that long.
 */
export async function extendScanLease(projectKey: string, runId: string, untilMs: number): Promise<void> {
  const key = keys.scanLease(projectKey);
  const held = await kvs.get<ScanLease>(key);
  if (held?.runId !== runId || held.expiresAt >= untilMs) return;
  await kvs.set(key, { ...held, expiresAt: untilMs }, { ttl: ttlOf(untilMs - Date.now()) });
}

/** The run holding the project's lease while it has not run out; null when none does. */
export async function liveScanLease(projectKey: string, now: Date | number): Promise<ScanLease | null> {
  const held = await kvs.get<ScanLease>(keys.scanLease(projectKey));
  return held && held.expiresAt > toMs(now) ? held : null;
}

/** Releases the lease if `runId` still holds it. */
export async function releaseScanLease(projectKey: string, runId: string): Promise<void> {
  const key = keys.scanLease(projectKey);
  const held = await kvs.get<ScanLease>(key);
  if (held?.runId === runId) await kvs.delete(key);
}

export async function saveHealthSnapshot<T>(projectKey: string, snapshot: T): Promise<void> {
  checkValueSize(snapshot, 'The backlog-health snapshot');
  await kvs.set(keys.healthLatest(projectKey), snapshot);
}

export async function loadHealthSnapshot<T>(projectKey: string): Promise<T | null> {
  return (await kvs.get<T>(keys.healthLatest(projectKey))) ?? null;
}

/** One partition's cursor of a partitioned run (its id range, where it is, what it counted). */
export async function savePartCursor<T>(projectKey: string, runId: string, partition: number, cursor: T) {
  checkValueSize(cursor, 'The scan partition cursor');
  await kvs.set(keys.scanPartCursor(projectKey, runId, partition), cursor);
}

export async function loadPartCursor<T>(
  projectKey: string,
  runId: string,
  partition: number,
): Promise<T | null> {
  return (await kvs.get<T>(keys.scanPartCursor(projectKey, runId, partition))) ?? null;
}

export async function deletePartCursor(projectKey: string, runId: string, partition: number): Promise<void> {
  await kvs.delete(keys.scanPartCursor(projectKey, runId, partition));
}
