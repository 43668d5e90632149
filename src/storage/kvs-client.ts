/**
 * The app's one handle on app storage: @forge/kvs's `kvs`, except that a request refused for the installation's
 * storage rate limits (HTTP 429, code RATE_LIMIT_EXCEEDED: developer.atlassian.com/platform/forge/storage-reference/
 * handling-errors-kvs) is sent again after a short, growing, jittered wait, the back-off Atlassian's "Queue app
 * interactions with storage API" guide recommends. A refused request was not carried out, so sending it again cannot
 * write twice. The waits add up to a few seconds at most, well inside a resolver's 25 s: a burst over the requests a
 * second passes, while a spent minute's reads or writes still fails, and the caller says so (RATE_LIMITED).
 *
 * The SDK's builders (`kvs.query()`, `kvs.entity(…)`, `kvs.transact()`) are wrapped the same way, so `getMany()` or
 * `execute()` is retried too. Everything else about the SDK, its types and its errors, is unchanged.
 */
import { ForgeKvsAPIError, kvs as sdkKvs } from '@forge/kvs';

/** The longest wait before each retry; each wait is drawn between half of it and all of it. */
const RETRY_WAITS_MS = [200, 500, 1_000, 2_000] as const;

/** True when app storage refused a request for its rate limits. */
export function isStorageRateLimited(e: unknown): boolean {
  return (
    e instanceof ForgeKvsAPIError && (e.responseDetails.status === 429 || e.code === 'RATE_LIMIT_EXCEEDED')
  );
}

/** How a retry waits; tests replace it to count or shorten the waits. */
export const storageRetry = {
  wait: (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

async function sendAgainWhileRateLimited<T>(send: () => Promise<T>, first: Promise<T>): Promise<T> {
  let attempt = first;
  for (const longest of RETRY_WAITS_MS) {
    try {
      return await attempt;
    } catch (e) {
      if (!isStorageRateLimited(e)) throw e;
    }
    await storageRetry.wait(Math.round(longest * (0.5 + 0.5 * storageRetry.random())));
    attempt = send();
  }
  return attempt;
}

function isThenable(value: unknown): value is Promise<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** Wraps an SDK object so that each request it sends, and each builder it returns, is retried as above. */
function retryingRateLimits<T extends object>(target: T): T {
  return new Proxy(target, {
    get(object, property) {
      const member: unknown = Reflect.get(object, property, object);
      if (typeof member !== 'function') return member;
      return (...args: unknown[]): unknown => {
        const call = (): unknown => Reflect.apply(member, object, args);
        const result = call();
        if (isThenable(result)) return sendAgainWhileRateLimited(call as () => Promise<unknown>, result);
        return result !== null && typeof result === 'object' ? retryingRateLimits(result) : result;
      };
    },
  });
}

export const kvs: typeof sdkKvs = retryingRateLimits(sdkKvs);
