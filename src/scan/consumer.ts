/**
 * Queue consumer `scan-consumer` (manifest: timeoutSeconds 900): runs one invocation of a project's scan.
 * A bad event is logged and dropped (retrying it cannot help); Jira faults are handled inside the run.
 */
import type { InvocationError } from '@forge/events';
import { retryAfterStorageMinute } from '../errors';
import { runScanInvocation, type InvocationOutcome, type RunOptions } from './run';
import { scanEventSchema } from './queue';

interface QueueEventLike {
  body?: unknown;
  retryContext?: { retryCount?: number };
}

export function createScanConsumer(options: RunOptions = {}) {
  return async (
    event: QueueEventLike,
  ): Promise<InvocationOutcome | { status: 'rejected'; message: string } | InvocationError> => {
    const startedAtMs = (options.clock ?? Date.now)();
    const parsed = scanEventSchema.safeParse(event.body);
    if (!parsed.success) {
      console.warn('scan: dropping a malformed event', parsed.error.issues[0]?.message);
      return { status: 'rejected', message: 'Malformed scan event.' };
    }
    try {
      return await runScanInvocation(
        parsed.data,
        { startedAtMs, ...options },
        event.retryContext?.retryCount ?? 0,
      );
    } catch (e) {
      // The run kept its cursor where it could.
      return retryAfterStorageMinute(e);
    }
  };
}

export const scanConsumer = createScanConsumer();
