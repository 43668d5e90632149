/**
 * The time budget of one scan invocation. Forge stops a function at its timeout without warning, so the scan
 * stops itself well before: it measures from the invocation's start and gives up a share of the timeout as a
 * safety margin (a page in flight, the last flush, saving the cursor and pushing the continuation).
 */

/** The consumer's timeoutSeconds in manifest.yml. */
export const SCAN_FUNCTION_TIMEOUT_SECONDS = 900;
/** Stop starting new work once this share of the timeout is spent. */
export const DEFAULT_BUDGET_SHARE = 0.7;

export interface BudgetOptions {
  startedAtMs: number;
  timeoutMs?: number;
  share?: number;
  now?: () => number;
}

export class Budget {
  readonly startedAtMs: number;
  readonly timeoutMs: number;
  /** The moment after which no new page is started. */
  readonly stopAtMs: number;
  private readonly now: () => number;
  private longestStepMs = 0;

  constructor(options: BudgetOptions) {
    this.startedAtMs = options.startedAtMs;
    this.timeoutMs = options.timeoutMs ?? SCAN_FUNCTION_TIMEOUT_SECONDS * 1000;
    const share = Math.min(1, Math.max(0, options.share ?? DEFAULT_BUDGET_SHARE));
    this.stopAtMs = this.startedAtMs + this.timeoutMs * share;
    this.now = options.now ?? Date.now;
  }

  elapsedMs(): number {
    return this.now() - this.startedAtMs;
  }

  /** Records how long one unit of work took, so the next is only started when one more fits. */
  recordStep(ms: number): void {
    if (ms > this.longestStepMs) this.longestStepMs = ms;
  }

  /** True when another unit of work (as long as the longest so far) would cross the stop line. */
  exhausted(): boolean {
    return this.now() + this.longestStepMs >= this.stopAtMs;
  }
}

/**
 * When the upkeep after a scan's pages (bet tracking, the shipped ledger) stops starting work. Each stop is a
 * moment on a clock (the scan's, or the real one Forge's runtime counts); a unit of work (a bet, a page) is begun
 * only while one as long as the longest so far still ends before every stop. Without stops it never comes.
 * Made by the scan run from its invocation's time limit (src/scan/run.ts).
 */
export class UpkeepDeadline {
  private readonly stops: Array<{ now: () => number; stopAt: number; longestMs: number }>;

  constructor(stops: ReadonlyArray<{ now: () => number; stopAt: number }> = []) {
    this.stops = stops.map((s) => ({ now: s.now, stopAt: s.stopAt, longestMs: 0 }));
  }

  /** True once one more unit, as long as the longest so far, would end past a stop. */
  get reached(): boolean {
    return this.stops.some((s) => s.now() + s.longestMs >= s.stopAt);
  }

  /** Begins a unit of work if there is time for it: answers the function to call when it is done, else null. */
  begin(): (() => void) | null {
    if (this.reached) return null;
    const started = this.stops.map((s) => s.now());
    return () =>
      this.stops.forEach((s, i) => {
        s.longestMs = Math.max(s.longestMs, s.now() - started[i]!);
      });
  }
}
