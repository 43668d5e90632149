/** The scan's queue: one event per project run, and one per continuation of it. */
import { InvocationLimitReachedError, Queue } from '@forge/events';
import { kvs } from '../storage/kvs-client';
import * as z from 'zod';
import { keys } from '../storage/keys';
import { listAll } from '../storage/kv';
import { extendScanLease } from '../storage/scan-state';

/** Queue key in manifest.yml (consumer outcome-lens-scan-consumer). */
export const SCAN_QUEUE = 'outcome-lens-scan';
/** Forge's longest delay for a queue event. */
export const MAX_DELAY_SECONDS = 900;
/**
 * A delivery the queue has retried this often gives up: the app's background jobs (scan, calibration, bulk
 * decisions) then record their run as failed, or end it with what is left named.
 */
export const MAX_EVENT_RETRIES = 3;

export const scanEventSchema = z.object({
  projectKey: z.string().regex(/^[A-Z][A-Z0-9_]{0,254}$/),
  runId: z.string().regex(/^[a-zA-Z0-9._-]{1,64}$/),
  origin: z.enum(['schedule', 'manual', 'install']),
  requestedBy: z.string().nullable().default(null),
  /** Forced dry run (Scan now's option); the project's setting can also ask for one. */
  dryRun: z.boolean().default(false),
  continuation: z.boolean().default(false),
  /** Which invocation of the run this event asks for: 0 starts it, each continuation the next. */
  step: z.number().int().min(0).default(0),
  /** Which partition of the run (an id range of the backlog) the event is for; absent: the run itself. */
  partition: z.number().int().min(0).optional(),
});
export type ScanEvent = z.infer<typeof scanEventSchema>;
export type ScanEventInput = z.input<typeof scanEventSchema>;

export function scanQueue(): Queue {
  return new Queue({ key: SCAN_QUEUE });
}

/**
 * Pushes events; `concurrency` caps how many events sharing its key Forge runs at once (the Async events API's
 * per-event `concurrency` setting): a project's partitions run side by side up to its limit.
 */
export async function pushScanEvents(
  events: ScanEvent[],
  delaySeconds = 0,
  concurrency?: { key: string; limit: number },
): Promise<void> {
  const queue = scanQueue();
  const delay = Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil(delaySeconds)));
  // Forge takes at most 50 events a push.
  for (let i = 0; i < events.length; i += 50) {
    await queue.push(
      events.slice(i, i + 50).map((body) => ({
        body,
        ...(delay > 0 ? { delayInSeconds: delay } : {}),
        ...(concurrency ? { concurrency } : {}),
      })),
    );
  }
}

/**
 * How long a run whose events are parked holds its project: until the next hourly resume (an hour at most), and
 * then the run's own lease time (30 minutes) for the invocation the resume starts.
 */
const PARKED_LEASE_MS = 90 * 60_000;

/** A run's next events, kept until a new chain of invocations can push them (see continueScan). */
interface ParkedEvents {
  events: ScanEvent[];
  delaySeconds: number;
  concurrency: { key: string; limit: number } | null;
  parkedAt: string;
}

/**
 * Pushes a run's next events. Forge counts every push made by the invocations one initial invocation leads to
 * (the daily trigger, then each project's runs and continuations) and refuses the 1,001st of that chain
 * (InvocationLimitReachedError): no retry in the chain can push them. They are parked instead, and the hourly
 * resume trigger, an initial invocation of its own, pushes them. Any other refusal is thrown (the step's retry
 * pushes again).
 */
export async function continueScan(
  events: ScanEvent[],
  delaySeconds = 0,
  concurrency?: { key: string; limit: number },
): Promise<'pushed' | 'parked'> {
  try {
    await pushScanEvents(events, delaySeconds, concurrency);
    return 'pushed';
  } catch (e) {
    if (!(e instanceof InvocationLimitReachedError) || events.length === 0) throw e;
    const { projectKey, runId, step, partition } = events[0]!;
    const parked: ParkedEvents = {
      events,
      delaySeconds,
      concurrency: concurrency ?? null,
      parkedAt: new Date().toISOString(),
    };
    await kvs.set(keys.scanParked(projectKey, runId, step, partition), parked);
    // The run lives on until the resume has pushed its events and they have run: a "Scan now" meanwhile is told
    // it is running, and no new run takes its cursor for an abandoned one.
    await extendScanLease(projectKey, runId, Date.now() + PARKED_LEASE_MS + delaySeconds * 1000);
    console.warn(
      `scan: ${projectKey} run ${runId} waits for the hourly resume (Forge's pushes for this chain are spent)`,
    );
    return 'parked';
  }
}

/**
 * Scheduled trigger `scan-resume` (hourly): pushes the events runs parked, what is left of each one's delay
 * still to wait. A copy of an event already pushed finds its step claimed or past, and stops. Returns how many
 * runs were resumed; a refused push, or `stopAt` (ms, the trigger's own time) reached, leaves the rest for the
 * next hour.
 */
export async function resumeParkedScans(
  now: Date = new Date(),
  stopAt: number = Number.POSITIVE_INFINITY,
): Promise<number> {
  let resumed = 0;
  for (const { key, value } of await listAll<ParkedEvents>(keys.scanParkedPrefix, 500)) {
    if (Date.now() >= stopAt) break;
    const waited = (now.getTime() - Date.parse(value.parkedAt)) / 1000;
    try {
      await pushScanEvents(
        value.events,
        Math.max(0, value.delaySeconds - waited),
        value.concurrency ?? undefined,
      );
    } catch (e) {
      console.warn(`scan resume: stopped at ${key} (${e instanceof Error ? e.message : String(e)})`);
      break;
    }
    await kvs.delete(key);
    resumed += 1;
  }
  return resumed;
}
