/**
 * Queue consumer `scan-consumer` (manifest: timeoutSeconds 900): runs one invocation of a project's scan.
 * A bad event is logged and dropped (retrying it cannot help); Jira faults are handled inside the run.
 */
import { InvocationError, InvocationErrorCode } from '@forge/events';
import { isStorageRateLimited } from '../storage/kvs-client';
import { runScanInvocation, type InvocationOutcome, type RunOptions } from './run';
import { scanEventSchema } from './queue';

/**
 * How long the queue's retry of an invocation that spent the minute's storage allowance waits: past the minute
 * Forge counts storage calls in, where the queue's own back-off (seconds) would meet the same spent minute.
 */
export const STORAGE_RETRY_AFTER_SECONDS = 61;

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
      // The run kept its cursor where it could; its retry comes once storage answers again (@forge/events'
      // InvocationError: retry after, with the reason).
      if (!isStorageRateLimited(e)) throw e;
      return new InvocationError({
        retryAfter: STORAGE_RETRY_AFTER_SECONDS,
        retryReason: InvocationErrorCode.FUNCTION_UPSTREAM_RATE_LIMITED,
      });
    }
  };
}

export const scanConsumer = createScanConsumer();
