/**
 * @forge/events queues for the workbench: answers the SDK's push/stats/cancel requests, keeps events in SQLite
 * and delivers them to registered consumers in order of due time, retrying failures with backoff and a
 * retryContext the way Forge does. Time comes from an injected clock plus an offset that runDue can advance,
 * so tests never sleep.
 *
 * Forge delivers at least once: an event may arrive twice, after a later one, or late. `injectDelivery` makes
 * the workbench do each of these on purpose; `startDispatcher` delivers due events by itself, as Forge does,
 * for the running workbench.
 *
 * Forge invokes the consumer of every due event at once, in parallel, not one after another (Atlassian's
 * answer in the developer community thread "The async events queue is not a queue?!": it works like an SQS
 * queue without FIFO). The one documented bound is the Async events API's per-event `concurrency: { key,
 * limit }` (@forge/events types.d.ts `Concurrency`; developer.atlassian.com, "Async events API", Push API):
 * at most `limit` invocations of events sharing `key` run at once, the rest wait. The workbench delivers due
 * events the same way, up to `maxConcurrentDeliveries` at once in all (a bound of this host, not Forge's).
 */
import { randomUUID } from 'node:crypto';
import type { WorkbenchDb } from '../db';
import {
  DEFAULT_INSTALL_CONTEXT,
  DEFAULT_LIMITS,
  currentInvocation,
  FunctionTimeoutError,
  runWithinLimit,
  type InvocationLimits,
} from './context';

/**
 * @forge/events' own checks (validators.js: MAXIMUM_EVENTS, MAXIMUM_PAYLOAD_SIZE_KB, the 0..900 delay), and the
 * installation's 500 events pushed a minute (developer.atlassian.com, "Async events limits"), which Forge answers
 * with 429 and @forge/events throws as RateLimitError.
 */
export const QUEUE_LIMITS = {
  maxEventsPerPush: 50,
  maxPushBytes: 200 * 1024,
  maxDelaySeconds: 900,
  eventsPerMinute: 500,
  /**
   * "Cyclic invocation limit" (same page): the push requests made across every handler a single initial
   * invocation leads to, through the events it and its consumers push; Forge answers 405, which @forge/events
   * throws as InvocationLimitReachedError.
   */
  pushRequestsPerChain: 1000,
} as const;
export const DEFAULT_MAX_RETRIES = 3;
/** How many deliveries the workbench runs at once when not told otherwise: a bound of this host, not Forge's. */
export const DEFAULT_MAX_CONCURRENT_DELIVERIES = 16;
/** Reason given when a consumer throws; a consumer that returns InvocationError names its own reason. */
export const THROWN_RETRY_REASON = 'FUNCTION_PLATFORM_UNKNOWN_ERROR';

export interface QueueEvent {
  body: unknown;
  queueName: string;
  jobId: string;
  eventId: string;
  retryContext?: { retryCount: number; retryReason: string; retryData?: unknown };
}

export type QueueConsumer = (event: QueueEvent, context: unknown) => Promise<unknown>;

export interface QueueHostOptions {
  now?: () => number;
  maxRetries?: number;
  installContext?: string;
  /** Base of the exponential backoff after a thrown error, in seconds: 1st retry after base, 2nd after 2×base... */
  backoffSeconds?: number;
  /** Forge's time limits; a consumer is stopped at its timeoutSeconds (times timeScale). */
  limits?: InvocationLimits;
  /** Deliveries run at once (Forge runs due events in parallel); 1 delivers one event after another. */
  maxConcurrentDeliveries?: number;
}

/** What at-least-once delivery may do to the events pushed from now on (see injectDelivery). */
export interface DeliveryFaults {
  /** The next n events pushed are each delivered twice: the same event, body and eventId, one after the other. */
  duplicates?: number;
  /** The two deliveries of a duplicated event run at the same time, as two Forge invocations may. */
  overlapDuplicates?: boolean;
  /** Due events are delivered newest push first instead of by due time. */
  outOfOrder?: boolean;
  /** Every event pushed is delivered this many seconds later than asked. */
  extraDelaySeconds?: number;
  /**
   * The next n push requests are refused whole, with this status as Forge answers it: 429 (RateLimitError, more
   * than 500 events a minute), 405 (InvocationLimitReachedError, the chain's 1,000 pushes spent) or a 5xx
   * (InternalServerError). Nothing of a refused push is queued.
   */
  refusePushes?: { count: number; status: 429 | 405 | 500 | 503 };
  /**
   * The next n push requests are answered in part, 202, as Forge answers a push some of whose events it did not
   * record (@forge/events throws PartialSuccessError; developer.atlassian.com, "Error handling for Forge async
   * events"): the events at `failedIndexes` of each push (default: the first) are not queued, the others are.
   * The answer names them in `failedEvents` (index and errorMessage, what @forge/events' validators.js reads), or,
   * with `named: false`, only carries an errorMessage, so the app cannot tell which were recorded.
   */
  partialPushes?: { count: number; failedIndexes?: number[]; named?: boolean };
  /**
   * The next n push requests take `ms` (real time) before Forge records and answers them. A push under way when
   * its function is stopped at its time limit still lands: Forge stops the function, not a request already sent.
   */
  slowPushes?: { count: number; ms: number };
}

export interface ConsumerOptions {
  /** The consumer function's manifest `timeoutSeconds`; Forge's default (55) when absent. */
  timeoutSeconds?: number;
}

export interface Delivery {
  queueName: string;
  eventId: string;
  retryCount: number;
  ok: boolean;
  error?: string;
}

interface EventRow {
  id: number;
  event_id: string;
  job_id: string;
  queue_name: string;
  body: string;
  due_at: number;
  retry_count: number;
  retry_reason: string | null;
  retry_data: string | null;
  status: 'pending' | 'done' | 'failed' | 'cancelled';
  extra_deliveries: number;
  concurrency_key: string | null;
  concurrency_limit: number | null;
  /** The chain of the invocation that pushed it; its consumer's pushes count in the same chain. */
  chain_id: string | null;
}

type PushRequest = { queueName?: unknown; jobId?: unknown; payload?: unknown };
type PushEvent = {
  body?: unknown;
  delayInSeconds?: number;
  concurrency?: { key?: unknown; limit?: unknown };
};

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/** A consumer's answer asking for a retry: InvocationError's JSON or a QueueResponse after retry(). */
function retryRequest(
  result: unknown,
): { retryAfter: number; retryReason: string; retryData?: unknown } | undefined {
  if (!result || typeof result !== 'object' || (result as { _retry?: unknown })._retry !== true)
    return undefined;
  const options = (
    result as { retryOptions?: { retryAfter?: number; retryReason?: string; retryData?: unknown } }
  ).retryOptions;
  return {
    retryAfter: options?.retryAfter ?? 1,
    retryReason: options?.retryReason ?? 'FUNCTION_RETRY_REQUEST',
    retryData: options?.retryData,
  };
}

export class QueueHost {
  readonly deliveries: Delivery[] = [];
  private readonly consumers = new Map<string, { handler: QueueConsumer; timeoutSeconds?: number }>();
  private readonly limits: InvocationLimits;
  private faults: Required<DeliveryFaults> = {
    duplicates: 0,
    overlapDuplicates: false,
    outOfOrder: false,
    extraDelaySeconds: 0,
    refusePushes: { count: 0, status: 429 },
    partialPushes: { count: 0 },
    slowPushes: { count: 0, ms: 0 },
  };
  /** Events pushed in the current minute of the queue's clock, for the installation's 500 a minute. */
  private pushedThisMinute = { minute: -1, events: 0 };
  /** Push requests made so far by each chain of invocations (see QUEUE_LIMITS.pushRequestsPerChain). */
  private readonly chainPushes = new Map<string, number>();
  /** runDue calls queue up behind each other: two drains at once would deliver the same row twice. */
  private draining: Promise<unknown> = Promise.resolve();
  private readonly baseNow: () => number;
  private offsetMs = 0;
  private readonly maxRetries: number;
  private readonly installContext: string;
  private readonly backoffSeconds: number;
  private readonly maxConcurrent: number;

  constructor(
    private readonly db: WorkbenchDb,
    options: QueueHostOptions = {},
  ) {
    this.baseNow = options.now ?? Date.now;
    this.maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
    this.installContext = options.installContext ?? DEFAULT_INSTALL_CONTEXT;
    this.backoffSeconds = options.backoffSeconds ?? 2;
    this.limits = options.limits ?? DEFAULT_LIMITS;
    this.maxConcurrent = Math.max(1, options.maxConcurrentDeliveries ?? DEFAULT_MAX_CONCURRENT_DELIVERIES);
    db.exec(`CREATE TABLE IF NOT EXISTS queue_events (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      event_id TEXT NOT NULL UNIQUE,
      job_id TEXT NOT NULL,
      queue_name TEXT NOT NULL,
      body TEXT NOT NULL,
      due_at INTEGER NOT NULL,
      retry_count INTEGER NOT NULL DEFAULT 0,
      retry_reason TEXT,
      retry_data TEXT,
      status TEXT NOT NULL DEFAULT 'pending',
      last_error TEXT
    );
    CREATE INDEX IF NOT EXISTS queue_events_due ON queue_events (status, due_at, id);`);
    // Databases made before duplicate delivery existed lack its column.
    const columns = db.prepare<[], { name: string }>('PRAGMA table_info(queue_events)').all();
    if (!columns.some((c) => c.name === 'extra_deliveries'))
      db.exec('ALTER TABLE queue_events ADD COLUMN extra_deliveries INTEGER NOT NULL DEFAULT 0');
    if (!columns.some((c) => c.name === 'concurrency_key'))
      db.exec('ALTER TABLE queue_events ADD COLUMN concurrency_key TEXT');
    if (!columns.some((c) => c.name === 'chain_id'))
      db.exec('ALTER TABLE queue_events ADD COLUMN chain_id TEXT');
    if (!columns.some((c) => c.name === 'concurrency_limit'))
      db.exec('ALTER TABLE queue_events ADD COLUMN concurrency_limit INTEGER');
  }

  /**
   * Makes delivery behave as Forge's at-least-once queues may: duplicates, out of order, late. Applies to the
   * events pushed from now on (duplicates and delay) and to every delivery (order). Calls add up.
   */
  injectDelivery(faults: DeliveryFaults): void {
    this.faults = {
      duplicates: this.faults.duplicates + (faults.duplicates ?? 0),
      overlapDuplicates: faults.overlapDuplicates ?? this.faults.overlapDuplicates,
      outOfOrder: faults.outOfOrder ?? this.faults.outOfOrder,
      extraDelaySeconds: faults.extraDelaySeconds ?? this.faults.extraDelaySeconds,
      refusePushes: faults.refusePushes
        ? {
            count: this.faults.refusePushes.count + faults.refusePushes.count,
            status: faults.refusePushes.status,
          }
        : this.faults.refusePushes,
      partialPushes: faults.partialPushes
        ? {
            ...faults.partialPushes,
            count: this.faults.partialPushes.count + faults.partialPushes.count,
          }
        : this.faults.partialPushes,
      slowPushes: faults.slowPushes
        ? { count: this.faults.slowPushes.count + faults.slowPushes.count, ms: faults.slowPushes.ms }
        : this.faults.slowPushes,
    };
  }

  clearDeliveryFaults(): void {
    this.faults = {
      duplicates: 0,
      overlapDuplicates: false,
      outOfOrder: false,
      extraDelaySeconds: 0,
      refusePushes: { count: 0, status: 429 },
      partialPushes: { count: 0 },
      slowPushes: { count: 0, ms: 0 },
    };
  }

  /**
   * Delivers due events by itself every `intervalMs`, as Forge does, so a push (e.g. after "Scan now") is
   * consumed without anyone pressing a button. Returns the function that stops it.
   */
  startDispatcher(intervalMs = 250): () => void {
    const timer = setInterval(() => {
      this.runDue().catch((error: unknown) => {
        console.error(
          `[workbench] queue delivery failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      });
    }, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  /** Moves the host's clock on, as time passing would (a test's wait for the next minute). */
  advance(ms: number): void {
    this.offsetMs += ms;
  }

  /** The host's current time: the injected clock plus whatever runDue advanced. */
  now(): number {
    return this.baseNow() + this.offsetMs;
  }

  registerConsumer(queueName: string, handler: QueueConsumer, options: ConsumerOptions = {}): void {
    this.consumers.set(queueName, { handler, timeoutSeconds: options.timeoutSeconds });
  }

  pending(): number {
    return (
      this.db
        .prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM queue_events WHERE status = 'pending'")
        .get()?.n ?? 0
    );
  }

  /** What @forge/events sends through __forge_fetch__: publish, stats and cancel of a job. */
  async handle(path: string, init: unknown): Promise<Response> {
    const raw = (init as { body?: unknown } | undefined)?.body;
    let body: PushRequest;
    try {
      body = (typeof raw === 'string' && raw ? JSON.parse(raw) : {}) as PushRequest;
    } catch {
      return json(400, { message: 'Body is not valid JSON' });
    }
    if (path.startsWith('/webhook/queue/publish/')) {
      if (this.faults.slowPushes.count > 0) {
        this.faults.slowPushes = { ...this.faults.slowPushes, count: this.faults.slowPushes.count - 1 };
        const ms = this.faults.slowPushes.ms;
        await new Promise((resolve) => setTimeout(resolve, ms));
      }
      return this.publish(body);
    }
    if (path.startsWith('/webhook/queue/stats/')) return Promise.resolve(this.stats(body));
    if (path.startsWith('/webhook/queue/cancel/')) return Promise.resolve(this.cancel(body));
    // App events (appEvents.publish) have no subscribers in the workbench: accept and drop.
    if (path.startsWith('/forge/events/')) return Promise.resolve(json(200, { failedEvents: [] }));
    return Promise.resolve(json(404, { message: `The workbench queue has no endpoint ${path}` }));
  }

  private publish(req: PushRequest): Response {
    const events = req.payload;
    if (typeof req.queueName !== 'string' || !/^[a-zA-Z0-9-_]+$/.test(req.queueName)) {
      return json(400, { message: 'Invalid queue name' });
    }
    if (!Array.isArray(events) || events.length === 0) return json(400, { message: 'No events pushed.' });
    if (events.length > QUEUE_LIMITS.maxEventsPerPush) {
      return json(400, {
        message: `This push contains more than the ${QUEUE_LIMITS.maxEventsPerPush} events allowed.`,
      });
    }
    if (Buffer.byteLength(JSON.stringify(events)) > QUEUE_LIMITS.maxPushBytes) {
      return json(413, { errorMessage: 'The maximum payload size is 200KB.' });
    }
    if (this.faults.refusePushes.count > 0) {
      this.faults.refusePushes.count--;
      return json(this.faults.refusePushes.status, { message: 'Refused by an injected fault.' });
    }
    const chainId = currentInvocation()?.chainId ?? null;
    const chainPushes = chainId === null ? 0 : (this.chainPushes.get(chainId) ?? 0);
    if (chainPushes >= QUEUE_LIMITS.pushRequestsPerChain)
      return json(405, { message: 'This chain of invocations has made as many pushes as it may.' });
    const minute = Math.floor(this.now() / 60_000);
    if (this.pushedThisMinute.minute !== minute) this.pushedThisMinute = { minute, events: 0 };
    if (this.pushedThisMinute.events + events.length > QUEUE_LIMITS.eventsPerMinute)
      return json(429, { message: 'Too many events pushed this minute.' });
    this.pushedThisMinute.events += events.length;
    if (chainId !== null) this.chainPushes.set(chainId, chainPushes + 1);
    const jobId = typeof req.jobId === 'string' ? req.jobId : randomUUID();
    // An injected partial answer: these events are refused, the others queued.
    const partial = this.faults.partialPushes.count > 0 ? this.faults.partialPushes : null;
    if (partial) this.faults.partialPushes = { ...partial, count: partial.count - 1 };
    const refusedByFault = new Set(partial ? (partial.failedIndexes ?? [0]) : []);
    const insert = this.db.prepare(
      'INSERT INTO queue_events (event_id, job_id, queue_name, body, due_at, extra_deliveries, concurrency_key, concurrency_limit, chain_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const now = this.now();
    const failed: Array<{ index: number; errorMessage: string }> = [];
    this.db.transaction(() => {
      (events as PushEvent[]).forEach((event, index) => {
        if (refusedByFault.has(index)) {
          failed.push({ index, errorMessage: 'Refused by an injected fault.' });
          return;
        }
        const delay = event.delayInSeconds ?? 0;
        if (typeof delay !== 'number' || delay < 0 || delay > QUEUE_LIMITS.maxDelaySeconds) {
          failed.push({ index, errorMessage: 'The delayInSeconds setting must be between 0 and 900.' });
          return;
        }
        const concurrency = event.concurrency;
        if (
          concurrency !== undefined &&
          (typeof concurrency.key !== 'string' ||
            concurrency.key === '' ||
            typeof concurrency.limit !== 'number' ||
            !Number.isInteger(concurrency.limit) ||
            concurrency.limit < 1)
        ) {
          failed.push({
            index,
            errorMessage: 'The concurrency setting needs a key and a limit of at least 1.',
          });
          return;
        }
        const twice = this.faults.duplicates > 0;
        if (twice) this.faults.duplicates--;
        const dueAt = now + (delay + this.faults.extraDelaySeconds) * 1000;
        insert.run(
          randomUUID(),
          jobId,
          req.queueName,
          JSON.stringify(event.body ?? {}),
          dueAt,
          twice ? 1 : 0,
          concurrency ? concurrency.key : null,
          concurrency ? concurrency.limit : null,
          chainId,
        );
      });
    })();
    if (partial && partial.named === false)
      return json(202, { errorMessage: `Failed to process ${failed.length} event(s).` });
    if (failed.length > 0) return json(202, { failedEvents: failed });
    return json(201, { jobId });
  }

  private stats(req: PushRequest): Response {
    const rows = this.db
      .prepare<[string, string], { status: string; n: number }>(
        'SELECT status, COUNT(*) AS n FROM queue_events WHERE job_id = ? AND queue_name = ? GROUP BY status',
      )
      .all(String(req.jobId), String(req.queueName));
    if (rows.length === 0) return json(404, { message: 'Job not found' });
    const count = (status: string): number => rows.find((r) => r.status === status)?.n ?? 0;
    return json(200, {
      success: count('done'),
      inProgress: count('pending'),
      failed: count('failed') + count('cancelled'),
    });
  }

  private cancel(req: PushRequest): Response {
    const result = this.db
      .prepare(
        "UPDATE queue_events SET status = 'cancelled' WHERE job_id = ? AND queue_name = ? AND status = 'pending'",
      )
      .run(String(req.jobId), String(req.queueName));
    const known = this.db
      .prepare('SELECT 1 FROM queue_events WHERE job_id = ? LIMIT 1')
      .get(String(req.jobId));
    if (!known && result.changes === 0) return json(404, { message: 'Job not found' });
    return new Response(null, { status: 204 });
  }

  /**
   * The next event that may start: pending, not being delivered, and not held back by its concurrency key.
   * Due ones first in due order (newest push first when out of order), else the earliest not yet due.
   */
  private nextStartable(
    inFlight: ReadonlySet<number>,
    running: ReadonlyMap<string, number>,
  ): EventRow | undefined {
    const names = [...this.consumers.keys()];
    if (names.length === 0) return undefined;
    const busy = [...inFlight];
    const where =
      `status = 'pending' AND queue_name IN (${names.map(() => '?').join(',')})` +
      (busy.length ? ` AND id NOT IN (${busy.map(() => '?').join(',')})` : '');
    const free = (row: EventRow) =>
      row.concurrency_key === null || (running.get(row.concurrency_key) ?? 0) < (row.concurrency_limit ?? 1);
    if (this.faults.outOfOrder) {
      const due = this.db
        .prepare<unknown[], EventRow>(
          `SELECT * FROM queue_events WHERE ${where} AND due_at <= ? ORDER BY id DESC LIMIT 500`,
        )
        .all(...names, ...busy, this.now())
        .find(free);
      if (due) return due;
    }
    return this.db
      .prepare<unknown[], EventRow>(`SELECT * FROM queue_events WHERE ${where} ORDER BY due_at, id LIMIT 500`)
      .all(...names, ...busy)
      .find(free);
  }

  /**
   * Delivers due events to their consumers (events of queues without a consumer wait).
   * - default: the events due now, including ones consumers push that are already due;
   * - advanceClock: when nothing is due, jumps the clock to the next due event instead of stopping;
   * - until 'idle' with advanceClock: runs until no deliverable event is pending at all.
   * maxEvents bounds the work (default 1000) so a consumer that re-pushes forever cannot hang a test.
   */
  runDue(
    options: { until?: 'idle'; advanceClock?: boolean; maxEvents?: number } = {},
  ): Promise<{ delivered: number; failed: number; pending: number }> {
    const run = this.draining.then(() => this.drain(options));
    this.draining = run.catch(() => undefined);
    return run;
  }

  private async drain(options: {
    until?: 'idle';
    advanceClock?: boolean;
    maxEvents?: number;
  }): Promise<{ delivered: number; failed: number; pending: number }> {
    const maxEvents = options.maxEvents ?? 1000;
    let started = 0;
    let delivered = 0;
    let failed = 0;
    let jumped = false;
    const inFlight = new Map<number, Promise<void>>();
    const running = new Map<string, number>();
    const count = (ok: boolean) => (ok ? delivered++ : failed++);
    for (;;) {
      while (started < maxEvents && inFlight.size < this.maxConcurrent) {
        const next = this.nextStartable(new Set(inFlight.keys()), running);
        if (!next) break;
        if (next.due_at > this.now()) {
          // Deliveries under way may push events due sooner: the clock moves only once they are done.
          if (inFlight.size > 0) break;
          // Without until:'idle', advanceClock jumps once: to the next batch of due events.
          if (!options.advanceClock || (jumped && options.until !== 'idle')) break;
          this.offsetMs += next.due_at - this.now();
          jumped = true;
        }
        started++;
        const key = next.concurrency_key;
        if (key !== null) running.set(key, (running.get(key) ?? 0) + 1);
        // Both copies of a duplicate at once when asked; one counts down the duplicate, the other closes the
        // row, in either order.
        const copies =
          this.faults.overlapDuplicates && next.extra_deliveries > 0
            ? [this.deliver(next), this.deliver({ ...next, extra_deliveries: 0 })]
            : [this.deliver(next)];
        const done = Promise.all(copies).then((oks) => {
          oks.forEach(count);
          inFlight.delete(next.id);
          if (key !== null) running.set(key, (running.get(key) ?? 1) - 1);
        });
        inFlight.set(next.id, done);
      }
      if (inFlight.size === 0) break;
      await Promise.race(inFlight.values());
    }
    return { delivered, failed, pending: this.pending() };
  }

  private async deliver(row: EventRow): Promise<boolean> {
    const consumer = this.consumers.get(row.queue_name);
    if (!consumer) return false;
    const timeoutSeconds = consumer.timeoutSeconds ?? this.limits.defaultFunctionTimeoutSeconds;
    const event: QueueEvent = {
      body: JSON.parse(row.body) as unknown,
      queueName: row.queue_name,
      jobId: row.job_id,
      eventId: row.event_id,
      ...(row.retry_count > 0
        ? {
            retryContext: {
              retryCount: row.retry_count,
              retryReason: row.retry_reason ?? THROWN_RETRY_REASON,
              retryData: row.retry_data === null ? undefined : (JSON.parse(row.retry_data) as unknown),
            },
          }
        : {}),
    };
    const context = { installContext: this.installContext };
    let retry: { retryAfter: number; retryReason: string; retryData?: unknown } | undefined;
    let error: string | undefined;
    try {
      const result = await runWithinLimit(
        {
          accountId: null,
          moduleKey: `consumer:${row.queue_name}`,
          installContext: this.installContext,
          timeoutMs: timeoutSeconds * 1000 * this.limits.timeScale,
          ...(row.chain_id ? { chainId: row.chain_id } : {}),
        },
        timeoutSeconds,
        () => consumer.handler(event, context),
      );
      retry = retryRequest(result);
      if (retry) error = `retry requested: ${retry.retryReason}`;
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
      // A consumer Forge stopped at its limit is retried with the reason @forge/events names for it.
      const reason = e instanceof FunctionTimeoutError ? e.code : THROWN_RETRY_REASON;
      retry = { retryAfter: this.backoffSeconds * 2 ** row.retry_count, retryReason: reason };
    }
    const ok = retry === undefined;
    this.deliveries.push({
      queueName: row.queue_name,
      eventId: row.event_id,
      retryCount: row.retry_count,
      ok,
      ...(error ? { error } : {}),
    });
    if (ok && row.extra_deliveries > 0) {
      // At-least-once: the same event comes once more, as if Forge had not recorded the first delivery.
      this.db
        .prepare('UPDATE queue_events SET extra_deliveries = extra_deliveries - 1 WHERE id = ?')
        .run(row.id);
    } else if (ok) {
      this.db.prepare("UPDATE queue_events SET status = 'done' WHERE id = ?").run(row.id);
    } else if (retry && row.retry_count < this.maxRetries) {
      this.db
        .prepare(
          'UPDATE queue_events SET retry_count = ?, retry_reason = ?, retry_data = ?, due_at = ?, last_error = ? WHERE id = ?',
        )
        .run(
          row.retry_count + 1,
          retry.retryReason,
          retry.retryData === undefined ? null : JSON.stringify(retry.retryData),
          this.now() + Math.max(1, retry.retryAfter) * 1000,
          error ?? null,
          row.id,
        );
    } else {
      this.db
        .prepare("UPDATE queue_events SET status = 'failed', last_error = ? WHERE id = ?")
        .run(error ?? null, row.id);
    }
    return ok;
  }
}
