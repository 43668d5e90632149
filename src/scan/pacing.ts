/**
 * The scan's share of the app's hourly Jira points quota. The quota is the app's on the site, and the panel and
 * pages spend it for the people using them, so the scan keeps a reserve: it starts a page only while what Jira
 * says is left, less the page's cost, stays above (1 − share) of the quota. Otherwise it waits for the window
 * to reset (re-enqueued with a delay, Forge's longest being 900 s, as often as it takes) instead of running into
 * 429s. Pure: the quota comes from Jira's headers (src/jira/points.ts) and time is an argument.
 */
import type { QuotaView } from '../jira/points';

/** What one page can cost at most: the search (1 + 100 issues) and its parents' bulk fetch (1 + 100). */
export const PAGE_POINTS_ESTIMATE = 2 * (1 + 100);

/** Milliseconds to wait before the next page; 0 to go on. Without a reported quota (limits off), 0. */
export function quotaWaitMs(
  quota: QuotaView | null | undefined,
  share: number,
  nextCost: number,
  nowMs: number,
): number {
  if (!quota || quota.resetAtMs <= nowMs) return 0;
  const reserve = quota.limit * (1 - Math.min(1, Math.max(0, share)));
  if (quota.remaining - nextCost >= reserve) return 0;
  return quota.resetAtMs - nowMs;
}

/**
 * A Retry-After wait with a little more added at random (up to a tenth, at most 30 s): the runs and partitions
 * a 429 sent away at the same moment come back spread out instead of meeting Jira again in the same second.
 * `random` in [0, 1) is an argument, so the wait is known in a test.
 */
export function spreadRetryAfterSeconds(retryAfterMs: number, random: number = Math.random()): number {
  const base = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return base + Math.floor(Math.min(30, base / 10) * Math.min(Math.max(random, 0), 0.999));
}
