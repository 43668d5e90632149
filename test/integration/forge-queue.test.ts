/**
 * The real @forge/events Queue against the workbench's queue host, through the installed Forge runtime.
 */
import {
  Queue,
  InvocationError,
  InvocationErrorCode,
  TooManyEventsError,
  PayloadTooBigError,
  InvalidPushSettingsError,
  RateLimitError,
  InvocationLimitReachedError,
  InternalServerError,
} from '@forge/events';
import { openDatabase, type WorkbenchDb } from '../../workbench/db';
import { QueueHost, type QueueEvent } from '../../workbench/forge/queue';
import {
  currentInvocation,
  DEFAULT_LIMITS,
  runInInvocation,
  type InvocationLimits,
} from '../../workbench/forge/context';
import { aTempFolder, installStorageRuntime } from '../support/storage-runtime';

const START = Date.parse('2026-01-01T00:00:00Z');
let db: WorkbenchDb;
let queue: QueueHost;
let uninstall: () => void;
let folder: ReturnType<typeof aTempFolder>;

function newHost(file = ':memory:', maxRetries?: number, limits?: InvocationLimits): void {
  db = openDatabase(file);
  queue = new QueueHost(db, { now: () => START, maxRetries, ...(limits ? { limits } : {}) });
}

/** A consumer that records what it received and answers with `answer` for each call. */
function recordingConsumer(answer: (event: QueueEvent, call: number) => unknown = () => undefined) {
  const received: QueueEvent[] = [];
  const consumer = (event: QueueEvent) => {
    received.push(event);
    const result = answer(event, received.length);
    return result instanceof Error ? Promise.reject(result) : Promise.resolve(result);
  };
  return { received, consumer };
}

beforeAll(() => {
  folder = aTempFolder('forge-queue-');
  uninstall = installStorageRuntime({ queue: () => queue });
});

afterAll(() => {
  uninstall();
  folder.remove();
});

beforeEach(() => newHost());

describe('@forge/events queues on the workbench', () => {
  it('delivers an event now and a delayed one only once the clock reaches it', async () => {
    const { received, consumer } = recordingConsumer();
    queue.registerConsumer('zombie-scan', consumer);
    const { jobId } = await new Queue({ key: 'zombie-scan' }).push([
      { body: { page: 1 } },
      { body: { page: 2 }, delayInSeconds: 120 },
    ]);

    expect(await queue.runDue()).toEqual({ delivered: 1, failed: 0, pending: 1 });
    expect(received.map((e) => e.body)).toEqual([{ page: 1 }]);
    expect(received[0]).toMatchObject({ queueName: 'zombie-scan', jobId });
    expect(received[0]?.retryContext).toBeUndefined();

    expect(await queue.runDue({ advanceClock: true })).toEqual({ delivered: 1, failed: 0, pending: 0 });
    expect(queue.now() - START).toBe(120_000);
    expect(received.map((e) => e.body)).toEqual([{ page: 1 }, { page: 2 }]);
  });

  it('delivers in order of due time, not of push', async () => {
    const { received, consumer } = recordingConsumer();
    queue.registerConsumer('q', consumer);
    await new Queue({ key: 'q' }).push([
      { body: { n: 30 }, delayInSeconds: 30 },
      { body: { n: 10 }, delayInSeconds: 10 },
      { body: { n: 20 }, delayInSeconds: 20 },
    ]);
    await queue.runDue({ until: 'idle', advanceClock: true });
    expect(received.map((e) => e.body)).toEqual([{ n: 10 }, { n: 20 }, { n: 30 }]);
  });

  it('retries a consumer that throws, with retryContext.retryCount counting up, then gives up', async () => {
    const { received, consumer } = recordingConsumer(() => new Error('Jira is down'));
    queue.registerConsumer('q', consumer);
    const q = new Queue({ key: 'q' });
    const { jobId } = await q.push({ body: { page: 1 } });

    const result = await queue.runDue({ until: 'idle', advanceClock: true });
    console.log(`queue retry: ${received.length} attempts, ${(queue.now() - START) / 1000}s of backoff`);
    expect(result).toEqual({ delivered: 0, failed: 4, pending: 0 });
    expect(received.map((e) => e.retryContext?.retryCount)).toEqual([undefined, 1, 2, 3]);
    expect(received[1]?.retryContext?.retryReason).toBe('FUNCTION_PLATFORM_UNKNOWN_ERROR');
    expect(queue.deliveries.map((d) => d.ok)).toEqual([false, false, false, false]);
    expect(await q.getStats(jobId)).toEqual({ success: 0, inProgress: 0, failed: 1 });
  });

  it('succeeds on a retry once the consumer recovers', async () => {
    const { received, consumer } = recordingConsumer((_e, call) =>
      call < 3 ? new Error('flaky') : { ok: true },
    );
    queue.registerConsumer('q', consumer);
    await new Queue({ key: 'q' }).push({ body: { page: 1 } });
    expect(await queue.runDue({ until: 'idle', advanceClock: true })).toEqual({
      delivered: 1,
      failed: 2,
      pending: 0,
    });
    expect(received.map((e) => e.eventId)).toEqual(Array(3).fill(received[0]?.eventId));
  });

  it('honours an InvocationError answer: its retryAfter, reason and data', async () => {
    const { received, consumer } = recordingConsumer((_e, call) =>
      call === 1
        ? new InvocationError({
            retryAfter: 30,
            retryReason: InvocationErrorCode.FUNCTION_UPSTREAM_RATE_LIMITED,
            retryData: { cursor: 'page-2' },
          })
        : undefined,
    );
    queue.registerConsumer('q', consumer);
    await new Queue({ key: 'q' }).push({ body: { page: 1 } });
    await queue.runDue();
    expect(await queue.runDue()).toMatchObject({ delivered: 0, pending: 1 });
    await queue.runDue({ advanceClock: true });
    expect(queue.now() - START).toBe(30_000);
    expect(received[1]?.retryContext).toEqual({
      retryCount: 1,
      retryReason: 'FUNCTION_UPSTREAM_RATE_LIMITED',
      retryData: { cursor: 'page-2' },
    });
  });

  it('queues events a consumer pushes, in an invocation without a user', async () => {
    const seen: Array<{ body: unknown; accountId: string | null | undefined }> = [];
    queue.registerConsumer('q', async (event) => {
      seen.push({ body: event.body, accountId: currentInvocation()?.accountId });
      const page = (event.body as { page: number }).page;
      if (page < 3) await new Queue({ key: 'q' }).push({ body: { page: page + 1 }, delayInSeconds: 5 });
    });
    await new Queue({ key: 'q' }).push({ body: { page: 1 } });
    expect(await queue.runDue({ until: 'idle', advanceClock: true })).toEqual({
      delivered: 3,
      failed: 0,
      pending: 0,
    });
    expect(seen).toEqual([1, 2, 3].map((page) => ({ body: { page }, accountId: null })));
  });

  it('enforces the push limits: 1..50 events, 200 KB, delay up to 900 s', async () => {
    const q = new Queue({ key: 'q' });
    const events = (n: number) => Array.from({ length: n }, (_, i) => ({ body: { i } }));
    await expect(q.push(events(51))).rejects.toBeInstanceOf(TooManyEventsError);
    await expect(q.push({ body: { blob: 'x'.repeat(201 * 1024) } })).rejects.toBeInstanceOf(
      PayloadTooBigError,
    );
    await expect(q.push({ body: {}, delayInSeconds: 901 })).rejects.toBeInstanceOf(InvalidPushSettingsError);
    await q.push(events(50));
    expect(queue.pending()).toBe(50);

    // The host refuses the same over-limit requests even if they bypass the SDK's own checks.
    const raw = (payload: unknown) =>
      queue.handle('/webhook/queue/publish/x/y/z/1', {
        body: JSON.stringify({ queueName: 'q', jobId: 'j', payload }),
      });
    expect((await raw(events(51))).status).toBe(400);
    expect((await raw([{ body: { blob: 'x'.repeat(201 * 1024) } }])).status).toBe(413);
    expect((await raw([{ body: {}, delayInSeconds: 901 }])).status).toBe(202);
  });

  it('refuses pushes past 500 events a minute with RateLimitError, and takes them again the next minute', async () => {
    let clock = START + 30_000;
    db = openDatabase(':memory:');
    queue = new QueueHost(db, { now: () => clock });
    const q = new Queue({ key: 'q' });
    const events = (n: number) => Array.from({ length: n }, (_, i) => ({ body: { i } }));
    for (let i = 0; i < 10; i++) await q.push(events(50));
    await expect(q.push(events(1))).rejects.toBeInstanceOf(RateLimitError);
    expect(queue.pending()).toBe(500);
    clock = START + 60_000;
    await q.push(events(50));
    expect(queue.pending()).toBe(550);
  });

  it('refuses the pushes an injected fault names, as Forge answers them, and queues nothing of them', async () => {
    const q = new Queue({ key: 'q' });
    queue.injectDelivery({ refusePushes: { count: 1, status: 405 } });
    await expect(q.push({ body: {} })).rejects.toBeInstanceOf(InvocationLimitReachedError);
    queue.injectDelivery({ refusePushes: { count: 2, status: 500 } });
    await expect(q.push({ body: {} })).rejects.toBeInstanceOf(InternalServerError);
    await expect(q.push({ body: {} })).rejects.toBeInstanceOf(InternalServerError);
    queue.injectDelivery({ refusePushes: { count: 1, status: 429 } });
    await expect(q.push({ body: {} })).rejects.toBeInstanceOf(RateLimitError);
    expect(queue.pending()).toBe(0);
    await q.push({ body: {} });
    expect(queue.pending()).toBe(1);
  });

  it('refuses a chain of invocations its 1,001st push with InvocationLimitReachedError; a new invocation starts a new chain', async () => {
    let refused: unknown = null;
    let pushes = 0;
    queue.registerConsumer('chain', async () => {
      try {
        // A second apart, so the 500 events a minute are not what stops it.
        await new Queue({ key: 'chain' }).push({ body: {}, delayInSeconds: 1 });
        pushes += 1;
      } catch (e) {
        refused = e;
      }
    });
    const fromTrigger = () =>
      runInInvocation({ accountId: null, moduleKey: 'trigger' }, () =>
        new Queue({ key: 'chain' }).push({ body: {} }),
      );
    await fromTrigger();
    await queue.runDue({ until: 'idle', advanceClock: true, maxEvents: 2_000 });
    // The trigger's push is the chain's first; its consumers made the other 999.
    expect(pushes).toBe(999);
    expect(refused).toBeInstanceOf(InvocationLimitReachedError);
    // Events from another initial invocation are not counted with that chain.
    refused = null;
    await fromTrigger();
    await queue.runDue({ maxEvents: 1 });
    expect(pushes).toBe(1000);
    expect(refused).toBeNull();
  });

  it('cancels the pending events of a job', async () => {
    const q = new Queue({ key: 'q' });
    const { jobId } = await q.push([{ body: {} }, { body: {} }]);
    await q.cancel(jobId);
    expect(queue.pending()).toBe(0);
    expect(await q.getStats(jobId)).toEqual({ success: 0, inProgress: 0, failed: 2 });
  });

  it('keeps queued events across a restart on the same database file', async () => {
    const file = folder.file('restart.db');
    newHost(file);
    await new Queue({ key: 'q' }).push([{ body: { survives: true }, delayInSeconds: 60 }]);
    db.close();

    newHost(file);
    expect(queue.pending()).toBe(1);
    const { received, consumer } = recordingConsumer();
    queue.registerConsumer('q', consumer);
    await queue.runDue({ advanceClock: true });
    expect(received.map((e) => e.body)).toEqual([{ survives: true }]);
    db.close();
  });
});

describe('at-least-once delivery, on purpose', () => {
  it('runs due events at once, as Forge does, and at most `limit` of those sharing a concurrency key', async () => {
    let running = 0;
    let most = 0;
    const release: Array<() => void> = [];
    queue.registerConsumer('q', async () => {
      most = Math.max(most, ++running);
      // Each waits until a second one has started or nothing else can start.
      await new Promise<void>((resolve) => {
        release.push(resolve);
        if (release.length >= 2) release.splice(0).forEach((r) => r());
        else setTimeout(() => release.splice(0).forEach((r) => r()), 50);
      });
      running--;
    });
    await new Queue({ key: 'q' }).push([{ body: { n: 1 } }, { body: { n: 2 } }]);
    expect(await queue.runDue()).toEqual({ delivered: 2, failed: 0, pending: 0 });
    expect(most).toBe(2);

    most = 0;
    const concurrency = { key: 'one-at-a-time', limit: 1 };
    await new Queue({ key: 'q' }).push([
      { body: { n: 3 }, concurrency },
      { body: { n: 4 }, concurrency },
      { body: { n: 5 }, concurrency },
    ]);
    expect(await queue.runDue()).toEqual({ delivered: 3, failed: 0, pending: 0 });
    expect(most).toBe(1);
  });

  it('delivers one event after another when the host allows one delivery at a time', async () => {
    db = openDatabase(':memory:');
    queue = new QueueHost(db, { now: () => START, maxConcurrentDeliveries: 1 });
    let running = 0;
    let most = 0;
    queue.registerConsumer('q', async () => {
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
    });
    await new Queue({ key: 'q' }).push([{ body: { n: 1 } }, { body: { n: 2 } }]);
    expect(await queue.runDue()).toEqual({ delivered: 2, failed: 0, pending: 0 });
    expect(most).toBe(1);
  });

  it('delivers a duplicated event twice: the same eventId and body, and only the injected one', async () => {
    const { received, consumer } = recordingConsumer();
    queue.registerConsumer('q', consumer);
    queue.injectDelivery({ duplicates: 1 });
    await new Queue({ key: 'q' }).push([{ body: { n: 1 } }, { body: { n: 2 } }]);
    expect(await queue.runDue()).toEqual({ delivered: 3, failed: 0, pending: 0 });
    // The copy comes after the first delivery of n: 1; n: 2 runs beside them (due events run at once).
    const ones = received.filter((e) => (e.body as { n: number }).n === 1);
    expect(received.map((e) => e.body)).toEqual(expect.arrayContaining([{ n: 1 }, { n: 2 }]));
    expect(ones).toHaveLength(2);
    expect(ones[0]?.eventId).toBe(ones[1]?.eventId);
    expect(ones[1]?.retryContext).toBeUndefined();
  });

  it('runs the two deliveries of a duplicated event at the same time when asked', async () => {
    let running = 0;
    let overlapped = false;
    queue.registerConsumer('q', async () => {
      running++;
      await new Promise((r) => setTimeout(r, 5));
      overlapped ||= running > 1;
      running--;
    });
    queue.injectDelivery({ duplicates: 1, overlapDuplicates: true });
    await new Queue({ key: 'q' }).push({ body: {} });
    expect(await queue.runDue()).toEqual({ delivered: 2, failed: 0, pending: 0 });
    expect(overlapped).toBe(true);
  });

  it('delivers due events out of push order when asked', async () => {
    const { received, consumer } = recordingConsumer();
    queue.registerConsumer('q', consumer);
    queue.injectDelivery({ outOfOrder: true });
    await new Queue({ key: 'q' }).push([{ body: { n: 1 } }, { body: { n: 2 } }, { body: { n: 3 } }]);
    await queue.runDue();
    expect(received.map((e) => e.body)).toEqual([{ n: 3 }, { n: 2 }, { n: 1 }]);
  });

  it('delivers late: an event pushed for now waits the injected delay', async () => {
    const { received, consumer } = recordingConsumer();
    queue.registerConsumer('q', consumer);
    queue.injectDelivery({ extraDelaySeconds: 45 });
    await new Queue({ key: 'q' }).push({ body: { late: true } });
    expect(await queue.runDue()).toEqual({ delivered: 0, failed: 0, pending: 1 });
    await queue.runDue({ advanceClock: true });
    expect(queue.now() - START).toBe(45_000);
    expect(received.map((e) => e.body)).toEqual([{ late: true }]);
  });

  it('never delivers one event twice because two drains ran at once', async () => {
    const { received, consumer } = recordingConsumer();
    queue.registerConsumer('q', consumer);
    await new Queue({ key: 'q' }).push([{ body: { n: 1 } }, { body: { n: 2 } }]);
    await Promise.all([queue.runDue(), queue.runDue(), queue.runDue()]);
    expect(received.map((e) => e.body)).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('delivers by itself once the dispatcher runs, as Forge does', async () => {
    const { received, consumer } = recordingConsumer();
    queue.registerConsumer('q', consumer);
    const stop = queue.startDispatcher(10);
    try {
      await new Queue({ key: 'q' }).push({ body: { pushed: 'now' } });
      for (let i = 0; i < 100 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(received.map((e) => e.body)).toEqual([{ pushed: 'now' }]);
    } finally {
      stop();
    }
  });

  it("stops a consumer at its timeoutSeconds and retries it with Forge's FUNCTION_TIME_OUT reason", async () => {
    newHost(':memory:', 1, { ...DEFAULT_LIMITS, timeScale: 0.001 });
    const calls: Array<string | undefined> = [];
    // 2 s declared, scaled to 2 ms; the first attempt takes 200 "seconds", the retry is quick.
    queue.registerConsumer(
      'q',
      async (event) => {
        calls.push(event.retryContext?.retryReason);
        if (calls.length === 1) await new Promise((r) => setTimeout(r, 200));
      },
      { timeoutSeconds: 2 },
    );
    await new Queue({ key: 'q' }).push({ body: {} });
    await queue.runDue({ until: 'idle', advanceClock: true });
    expect(calls).toEqual([undefined, InvocationErrorCode.FUNCTION_TIME_OUT]);
    expect(queue.deliveries.map((d) => [d.ok, d.error])).toEqual([
      [false, 'FUNCTION_TIME_OUT: the function did not finish within 2 seconds and was stopped'],
      [true, undefined],
    ]);
  });

  it('gives a consumer without timeoutSeconds the default 55 s', async () => {
    newHost(':memory:', 0, { ...DEFAULT_LIMITS, timeScale: 0.001 });
    const outcomes: string[] = [];
    queue.registerConsumer('q', async (event) => {
      await new Promise((r) => setTimeout(r, (event.body as { ms: number }).ms));
      outcomes.push(`finished ${(event.body as { ms: number }).ms}`);
    });
    await new Queue({ key: 'q' }).push([{ body: { ms: 5 } }, { body: { ms: 300 } }]);
    await queue.runDue();
    expect(queue.deliveries.map((d) => d.ok)).toEqual([true, false]);
    expect(queue.deliveries[1]?.error).toContain('within 55 seconds');
  });
});
