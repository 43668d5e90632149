/**
 * Jira Cloud's rate limits for apps as of 2026, played by the emulator:
 * - a points-based quota per app and site over a fixed hourly window: every request costs a base, and a read
 *   costs one more per object it returns; writes cost the base only;
 * - burst limits per endpoint (requests per second);
 * - a per-issue write limit (writes to one issue over short windows, whoever writes);
 * - the rate-limit headers on every answer, and 429 with Retry-After and RateLimit-Reason past a limit.
 *
 * The model and the default figures come from Atlassian's developer documentation page "Rate limiting" for Jira
 * Cloud (developer.atlassian.com/cloud/jira/platform/rate-limiting/), as summarised in the README; the OpenAPI
 * spec only says a 429 means "the rate limit is exceeded" and to "respect the Retry-After header", and
 * @forge/api reads none of these headers. Every figure is a setting.
 */

export interface PerIssueWriteRule {
  limit: number;
  windowSeconds: number;
}

export interface RateLimitSettings {
  /** Off: no headers, no refusals (the emulator before these rules). */
  enabled: boolean;
  /** Points an app may spend on one site per window. */
  quotaPoints: number;
  quotaWindowSeconds: number;
  /** Points every request costs. */
  baseCost: number;
  /** Points per object a read returns (issues of a search, items of a list). */
  perObjectCost: number;
  /** Requests per second an endpoint takes from one caller, by kind; `burstEndpoints` overrides per endpoint. */
  burstReadsPerSecond: number;
  burstWritesPerSecond: number;
  /** Per-endpoint burst limits keyed 'METHOD /template' (requests per second). */
  burstEndpoints: Record<string, number>;
  /** Writes to one issue: every rule must hold. */
  perIssueWrites: PerIssueWriteRule[];
  /** X-RateLimit-NearLimit turns true when less than this share of the quota is left. */
  nearLimitShare: number;
  /** Milliseconds since the epoch; the wall clock by default, so a test's frozen site clock cannot pile calls up. */
  clock: () => number;
}

/**
 * Defaults and their source: README, "Latency and rate limits".
 *
 * The hourly quota is tiered, and no formula for it is published. Atlassian's "Rate limiting" page calls the
 * quotas tiered; Atlassian's answer in the developer community thread "2026 point-based rate limits" says:
 * in Tier 1 (Global Pool) each app has 65K points an hour shared across all of that app's tenants, and in
 * Tier 2 (Per-Tenant Pool, by review on request) a separate quota per tenant "which varies based on that
 * tenant's product edition and user count" (no figures). One developer's site reported
 * `"tenant-app-quota";q=100100;w=3600` in the same thread. So the quota is not modelled as a function of the
 * site: 65,000 a site is Tier 1's figure given to the one site the workbench plays (generous: Tier 1 shares it
 * across every site of the app), and a Tier-2 figure is a setting to take from a real site's headers.
 */
export const JIRA_RATE_LIMITS: RateLimitSettings = {
  enabled: true,
  quotaPoints: 65_000,
  quotaWindowSeconds: 3600,
  baseCost: 1,
  perObjectCost: 1,
  burstReadsPerSecond: 100,
  burstWritesPerSecond: 50,
  burstEndpoints: {},
  perIssueWrites: [
    { limit: 20, windowSeconds: 2 },
    { limit: 100, windowSeconds: 30 },
  ],
  nearLimitShare: 0.2,
  clock: () => Date.now(),
};

export type RateLimitInput = Partial<RateLimitSettings> | 'off';

export type RateLimitReason = 'jira-quota-tenant-based' | 'jira-burst-based' | 'jira-per-issue-on-write';

/** One call as the limiter sees it. */
export interface RateLimitedCall {
  /** Whose quota pays: the app on this site, or a REST client (a person's own token) with a bucket of its own. */
  bucket: string;
  /** 'METHOD /template' of the matched route. */
  endpoint: string;
  write: boolean;
  /** The issue a write changes (its id), for the per-issue limit. */
  issueId?: string;
}

export interface Refusal {
  reason: RateLimitReason;
  retryAfterSeconds: number;
}

export class RateLimiter {
  private settings: RateLimitSettings;
  /**
   * Points spent per bucket, by window start. Kept per window, not only the latest: calls in flight at once
   * (concurrent consumers on a virtual clock each) may be charged a little out of time order across a reset.
   */
  private readonly spent = new Map<string, Map<number, number>>();
  /** Times of recent requests per bucket and endpoint, and of recent writes per issue. */
  private readonly bursts = new Map<string, number[]>();
  private readonly issueWrites = new Map<string, number[]>();

  constructor(input?: RateLimitInput) {
    this.settings = rateLimitSettings(input);
  }

  get current(): RateLimitSettings {
    return { ...this.settings };
  }

  get enabled(): boolean {
    return this.settings.enabled;
  }

  /** Changes the settings; spent points and recent calls are kept (use reset() to forget them). */
  configure(input: RateLimitInput): void {
    this.settings = rateLimitSettings(input, this.settings);
  }

  reset(): void {
    this.spent.clear();
    this.bursts.clear();
    this.issueWrites.clear();
  }

  /**
   * Lets a call through (and counts it against the burst and per-issue limits), or says which limit refuses it.
   * Refused calls cost nothing.
   */
  admit(call: RateLimitedCall): Refusal | null {
    const s = this.settings;
    if (!s.enabled) return null;
    const now = s.clock();

    if (this.remaining(call.bucket, now) < s.baseCost)
      return { reason: 'jira-quota-tenant-based', retryAfterSeconds: seconds(this.resetAt(now) - now) };

    const burstKey = `${call.bucket} ${call.endpoint}`;
    const burstLimit =
      s.burstEndpoints[call.endpoint] ?? (call.write ? s.burstWritesPerSecond : s.burstReadsPerSecond);
    const recent = recentTimes(this.bursts, burstKey, now, 1000);
    if (recent.length >= burstLimit)
      return { reason: 'jira-burst-based', retryAfterSeconds: seconds(recent[0]! + 1000 - now) };

    let issueTimes: number[] | null = null;
    if (call.write && call.issueId !== undefined && s.perIssueWrites.length > 0) {
      const longest = Math.max(...s.perIssueWrites.map((r) => r.windowSeconds)) * 1000;
      issueTimes = recentTimes(this.issueWrites, call.issueId, now, longest);
      for (const rule of s.perIssueWrites) {
        const inWindow = issueTimes.filter((t) => t > now - rule.windowSeconds * 1000);
        if (inWindow.length >= rule.limit)
          return {
            reason: 'jira-per-issue-on-write',
            retryAfterSeconds: seconds(inWindow[0]! + rule.windowSeconds * 1000 - now),
          };
      }
    }

    recent.push(now);
    issueTimes?.push(now);
    return null;
  }

  /** Spends the points of an answered call: the base, plus one per object a read returned. */
  charge(call: RateLimitedCall, objectsReturned: number): void {
    const s = this.settings;
    if (!s.enabled) return;
    const now = s.clock();
    const windows = this.windows(call.bucket);
    const start = this.windowStart(now);
    windows.set(
      start,
      (windows.get(start) ?? 0) + s.baseCost + (call.write ? 0 : s.perObjectCost * objectsReturned),
    );
    // Forget windows long past (a few are kept for calls charged late).
    if (windows.size > 4)
      for (const old of [...windows.keys()].sort((a, b) => a - b).slice(0, windows.size - 4))
        windows.delete(old);
  }

  /** The headers every answer carries; a refusal adds Retry-After and the reason. */
  headers(bucket: string, refusal: Refusal | null = null): Record<string, string> {
    const s = this.settings;
    if (!s.enabled) return {};
    const now = s.clock();
    const remaining = this.remaining(bucket, now);
    const resetAt = this.resetAt(now);
    const headers: Record<string, string> = {
      'x-ratelimit-limit': String(s.quotaPoints),
      'x-ratelimit-remaining': String(remaining),
      'x-ratelimit-reset': new Date(resetAt).toISOString(),
      'x-ratelimit-nearlimit': String(remaining < s.quotaPoints * s.nearLimitShare),
      'beta-ratelimit-policy': `"jira-quota-tenant-based";q=${s.quotaPoints};w=${s.quotaWindowSeconds}`,
      'beta-ratelimit': `"jira-quota-tenant-based";r=${remaining};t=${seconds(resetAt - now)}`,
    };
    if (refusal) {
      headers['retry-after'] = String(refusal.retryAfterSeconds);
      headers['ratelimit-reason'] = refusal.reason;
    }
    return headers;
  }

  private remaining(bucket: string, now: number): number {
    const spent = this.spent.get(bucket)?.get(this.windowStart(now)) ?? 0;
    return Math.max(0, this.settings.quotaPoints - spent);
  }

  private windows(bucket: string): Map<number, number> {
    let windows = this.spent.get(bucket);
    if (!windows) this.spent.set(bucket, (windows = new Map<number, number>()));
    return windows;
  }

  private windowStart(now: number): number {
    return now - (now % (this.settings.quotaWindowSeconds * 1000));
  }

  private resetAt(now: number): number {
    const windowMs = this.settings.quotaWindowSeconds * 1000;
    return now - (now % windowMs) + windowMs;
  }
}

export function rateLimitSettings(
  input: RateLimitInput | undefined,
  base = JIRA_RATE_LIMITS,
): RateLimitSettings {
  if (input === 'off') return { ...base, enabled: false };
  const next = { ...base, ...input };
  for (const name of [
    'quotaPoints',
    'quotaWindowSeconds',
    'baseCost',
    'perObjectCost',
    'burstReadsPerSecond',
    'burstWritesPerSecond',
  ] as const)
    if (!Number.isFinite(next[name]) || next[name] < 0)
      throw new Error(`rate limit ${name} must be a number >= 0`);
  if (next.quotaWindowSeconds <= 0) throw new Error('rate limit quotaWindowSeconds must be > 0');
  return next;
}

/** The times in `log[key]` within the last `windowMs`, pruned in place. */
function recentTimes(log: Map<string, number[]>, key: string, now: number, windowMs: number): number[] {
  const times = log.get(key) ?? [];
  while (times.length > 0 && times[0]! <= now - windowMs) times.shift();
  log.set(key, times);
  return times;
}

/** Whole seconds to wait, at least 1 (Retry-After is in seconds). */
function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
