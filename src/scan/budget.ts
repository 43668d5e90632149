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
