/**
 * What the app's Jira calls cost against Jira Cloud's hourly points quota, counted on the app's side, and what
 * Jira says is left. The model is Atlassian's "Rate limiting" page for Jira Cloud
 * (developer.atlassian.com/cloud/jira/platform/rate-limiting/, as of March 2026; the workbench plays the same
 * model in workbench/jira/rate-limits.ts): every request costs a base of 1 point, a read costs 1 more point per
 * object it returns (the issues of a search, the items of a list), a write costs the base only, and a refused
 * request (429) costs nothing. The quota is per app and site over a fixed hour; every answer carries
 * X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset (an ISO time) and X-RateLimit-NearLimit.
 */

/** The points model's figures (Atlassian's documented base and per-object cost). */
export const POINTS_BASE = 1;
export const POINTS_PER_OBJECT = 1;

/** Top-level lists whose items are the objects a read returns. */
const COLLECTION_KEYS = [
  'issues',
  'values',
  'issueChangeLogs',
  'keys',
  'transitions',
  'comments',
  'projectPermissions',
] as const;

/** The objects a successful read returned: the items of its list, or 1 for a single resource. */
export function objectsReturned(body: unknown): number {
  if (body === undefined || body === null || body === '') return 0;
  if (Array.isArray(body)) return body.length;
  if (typeof body === 'object') {
    for (const key of COLLECTION_KEYS) {
      const list = (body as Record<string, unknown>)[key];
      if (Array.isArray(list)) return list.length;
    }
  }
  return 1;
}

/** The points one answered call costs under the documented model. */
export function pointsOf(call: { read: boolean; status: number; body: unknown }): number {
  if (call.status === 429) return 0;
  const ok = call.status >= 200 && call.status < 300;
  return POINTS_BASE + (call.read && ok ? POINTS_PER_OBJECT * objectsReturned(call.body) : 0);
}

/** The quota as Jira last reported it. */
export interface QuotaView {
  limit: number;
  remaining: number;
  /** When the hourly window ends (ms since the epoch). */
  resetAtMs: number;
  nearLimit: boolean;
}

interface HeaderSource {
  get(name: string): string | null;
}

/** Reads Jira's rate-limit headers; null when the answer carries none (limits off, or not sent). */
export function readQuotaHeaders(headers: HeaderSource): QuotaView | null {
  const limit = Number(headers.get('x-ratelimit-limit'));
  const remaining = Number(headers.get('x-ratelimit-remaining'));
  const resetAtMs = Date.parse(headers.get('x-ratelimit-reset') ?? '');
  if (!headers.get('x-ratelimit-limit') || !Number.isFinite(limit) || !Number.isFinite(remaining))
    return null;
  return {
    limit,
    remaining,
    resetAtMs: Number.isNaN(resetAtMs) ? Date.now() + 3_600_000 : resetAtMs,
    nearLimit: headers.get('x-ratelimit-nearlimit') === 'true',
  };
}

/** Counts a client's calls and points, by operation, and keeps the latest quota Jira reported. */
export class PointsMeter {
  calls = 0;
  points = 0;
  readonly byOperation: Record<string, { calls: number; points: number }> = {};
  quota: QuotaView | null = null;

  record(operation: string, points: number, quota: QuotaView | null): void {
    this.calls += 1;
    this.points += points;
    const entry = (this.byOperation[operation] ??= { calls: 0, points: 0 });
    entry.calls += 1;
    entry.points += points;
    if (quota) this.quota = quota;
  }
}
