/**
 * Forge's operation limits on app storage, per installation ("KVS and Custom Entity Store limits",
 * developer.atlassian.com/platform/forge/limits-kvs-ce): 1,000 requests a second, and 4,000 reads and 4,000 writes
 * a minute, each request counted by its size rounded up to 10 KB (a 65 KB write counts 7). Past a limit storage
 * answers 429 with the code RATE_LIMIT_EXCEEDED (the storage error tables' "Quota and limit handling").
 * The windows here are fixed seconds and minutes of the store's clock. The minute's reads and writes are held;
 * the requests a second only counted (see `admit`).
 */
export interface StorageRateLimits {
  requestsPerSecond: number;
  readUnitsPerMinute: number;
  writeUnitsPerMinute: number;
}

export const FORGE_STORAGE_RATE_LIMITS: StorageRateLimits = {
  requestsPerSecond: 1_000,
  readUnitsPerMinute: 4_000,
  writeUnitsPerMinute: 4_000,
};

const UNIT_BYTES = 10 * 1024;

/** What one request counts against a per-minute limit: its size in 10 KB units, at least one. */
export function unitsOf(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / UNIT_BYTES));
}

export interface StorageUsage {
  peakRequestsPerSecond: number;
  peakReadUnitsPerMinute: number;
  peakWriteUnitsPerMinute: number;
  /** Requests answered 429. */
  refused: number;
}

class Window {
  private at = Number.NaN;
  count = 0;
  peak = 0;
  constructor(private readonly lengthMs: number) {}
  /** The count in the window `now` falls in (a new window starts at zero). */
  current(now: number): number {
    const at = Math.floor(now / this.lengthMs);
    if (at !== this.at) {
      this.at = at;
      this.count = 0;
    }
    return this.count;
  }
  add(now: number, n: number): void {
    this.current(now);
    this.count += n;
    this.peak = Math.max(this.peak, this.count);
  }
}

/** Counts an installation's storage use and says when a request would go past a limit. */
export class StorageMeter {
  private readonly requests = new Window(1_000);
  private readonly reads = new Window(60_000);
  private readonly writes = new Window(60_000);
  private refusedCount = 0;

  constructor(
    private readonly now: () => number,
    /** null: counted, never refused. */
    private readonly limits: StorageRateLimits | null = FORGE_STORAGE_RATE_LIMITS,
  ) {}

  /**
   * Takes a request in: false when a limit is already spent (the request is refused and not counted). A write
   * counts its size now; a read counts once its answer's size is known (`read`).
   */
  admit(kind: 'read' | 'write', requestBytes: number): boolean {
    const now = this.now();
    const limits = this.limits;
    if (limits) {
      // Requests a second are counted, not held: this store answers in microseconds where Forge's takes
      // milliseconds, so one second here holds far more requests than the same code sends on Forge.
      const over =
        kind === 'read'
          ? this.reads.current(now) >= limits.readUnitsPerMinute
          : this.writes.current(now) + unitsOf(requestBytes) > limits.writeUnitsPerMinute;
      if (over) {
        this.refusedCount++;
        return false;
      }
    }
    this.requests.add(now, 1);
    if (kind === 'write') this.writes.add(now, unitsOf(requestBytes));
    return true;
  }

  read(answerBytes: number): void {
    this.reads.add(this.now(), unitsOf(answerBytes));
  }

  usage(): StorageUsage {
    return {
      peakRequestsPerSecond: this.requests.peak,
      peakReadUnitsPerMinute: this.reads.peak,
      peakWriteUnitsPerMinute: this.writes.peak,
      refused: this.refusedCount,
    };
  }
}
