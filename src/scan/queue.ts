/** The scan's queue: one event per project run, and one per continuation of it. */
import { Queue } from '@forge/events';
import * as z from 'zod';

/** Queue key in manifest.yml (consumer outcome-lens-scan-consumer). */
export const SCAN_QUEUE = 'outcome-lens-scan';
/** Forge's longest delay for a queue event. */
export const MAX_DELAY_SECONDS = 900;

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
