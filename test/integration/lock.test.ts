/** The app's one lock (src/storage/lock.ts) over the real @forge/kvs, answered by the workbench's KVS. */
import { releaseLensClaim, takeLensClaim } from '../../src/storage/lens-claim';
import { LOCK_ENTITY, lockHeld, releaseLock, takeLock, type HeldLock } from '../../src/storage/lock';
import { storageRetry } from '../../src/storage/kvs-client';
import { readManifest } from '../../workbench/app';
import { refuseStorageRequests } from '../support/storage-faults';
import { createWorkbench, type Workbench } from '../support/workbench-harness';

let wb: Workbench;
beforeEach(() => {
  // The manifest's entities, so the lock's stored shape is checked against its declared attribute types.
  wb = createWorkbench({
    now: new Date('2026-03-01T12:00:00.000Z'),
    kvs: { entities: readManifest().entities },
  });
});
afterEach(() => wb.dispose());

const run = <T>(fn: () => Promise<T>) => wb.asSystem(fn);
const stored = (name: string) => wb.kvs.dumpEntity(LOCK_ENTITY).find((r) => r.key === name)?.value;
/** Moves the storage clock on (locks run out); the app's own clock is not moved. */
const advance = (ms: number) => (wb.clock.now = new Date(wb.clock.now!.getTime() + ms));

async function take(
  name: string,
  requestId: string | null,
  extra: { waitMs?: number } = {},
): Promise<HeldLock> {
  const taken = await run(() => takeLock(name, { ttlSeconds: 5, requestId, waitMs: extra.waitMs ?? 0 }));
  if (taken.status !== 'held') throw new Error(`not held: ${JSON.stringify(taken)}`);
  return taken.held;
}

describe('the app lock', () => {
  it('of two takers at once exactly one holds it; the other hears when it runs out', async () => {
    const answers = await Promise.all([
      run(() => takeLock('l:a', { ttlSeconds: 5, requestId: 'r1', waitMs: 0 })),
      run(() => takeLock('l:a', { ttlSeconds: 5, requestId: 'r2', waitMs: 0 })),
    ]);
    expect(answers.filter((a) => a.status === 'held')).toHaveLength(1);
    const busy = answers.find((a) => a.status === 'busy');
    expect(busy).toMatchObject({ status: 'busy' });
    if (busy?.status === 'busy') expect(busy.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    if (busy?.status === 'busy') expect(busy.retryAfterSeconds).toBeLessThanOrEqual(5);
  });

  it('a holder whose lock ran out and was taken by a newer try of its request cannot release the newer lock', async () => {
    const stale = await take('l:b', 'same-request');
    advance(6_000);
    const newer = await take('l:b', 'same-request');
    await run(() => releaseLock(stale));
    expect(stored('l:b')).toMatchObject({ owner: newer.owner, requestId: 'same-request' });
    expect(await run(() => lockHeld(stale))).toBe(false);
    expect(await run(() => lockHeld(newer))).toBe(true);
    await run(() => releaseLock(newer));
    expect(stored('l:b')).toBeUndefined();
  });

  it('a release races a take-over: it removes nothing of the newer holder, read or no read before it', async () => {
    const stale = await take('l:r', 'same-request');
    // The moment the stale holder's release reaches storage, a newer try of its request takes the lock over:
    // only a delete conditional on the owner at that moment, not one decided by an earlier read, spares it.
    const answer = wb.kvs.handle.bind(wb.kvs);
    let newer: HeldLock | null = null;
    const racing = jest.spyOn(wb.kvs, 'handle').mockImplementation(async (path, init) => {
      if (newer === null && ['/api/v1/transaction', '/api/v1/entity/delete'].includes(path)) {
        racing.mockImplementation(answer);
        const taken = await run(() =>
          takeLock('l:r', { ttlSeconds: 5, requestId: 'same-request', waitMs: 0, sameRequest: 'take-over' }),
        );
        if (taken.status !== 'held') throw new Error('the take-over failed');
        newer = taken.held;
      }
      return answer(path, init);
    });
    try {
      await run(() => releaseLock(stale));
    } finally {
      racing.mockRestore();
    }
    expect(newer).not.toBeNull();
    expect(stored('l:r')).toMatchObject({ owner: newer!.owner });
  });

  it('take-over replaces only the holder it read: the earlier try loses it and releases nothing', async () => {
    const first = await take('l:c', 'req');
    const taken = await run(() =>
      takeLock('l:c', { ttlSeconds: 5, requestId: 'req', waitMs: 0, sameRequest: 'take-over' }),
    );
    expect(taken.status).toBe('held');
    if (taken.status !== 'held') return;
    expect(await run(() => lockHeld(first))).toBe(false);
    await run(() => releaseLock(first));
    expect(stored('l:c')).toMatchObject({ owner: taken.held.owner });
    // Another request's try does not take over: it waits, then hears it is busy.
    const other = await run(() =>
      takeLock('l:c', { ttlSeconds: 5, requestId: 'other', waitMs: 0, sameRequest: 'take-over' }),
    );
    expect(other.status).toBe('busy');
  });

  it('after-holder: a copy of the request waits until the holder is done, then takes it or reads its result', async () => {
    const first = await take('l:d', 'req');
    let result: string | null = null;
    const copy = run(() =>
      takeLock('l:d', {
        ttlSeconds: 5,
        requestId: 'req',
        waitMs: 50,
        sameRequest: 'after-holder',
        doneMeanwhile: () => Promise.resolve(result),
      }),
    );
    // The holder works on well past the copy's 50 ms for another request, records its result, then releases.
    await new Promise((r) => setTimeout(r, 300));
    result = 'recorded by the first';
    await new Promise((r) => setTimeout(r, 100));
    await run(() => releaseLock(first));
    expect(await copy).toEqual({ status: 'done', done: 'recorded by the first' });

    // With nothing recorded, the copy takes the lock once the holder released it.
    const second = await take('l:e', 'req');
    const waiting = run(() =>
      takeLock('l:e', { ttlSeconds: 5, requestId: 'req', waitMs: 0, sameRequest: 'after-holder' }),
    );
    await new Promise((r) => setTimeout(r, 100));
    await run(() => releaseLock(second));
    const after = await waiting;
    expect(after.status).toBe('held');
  });

  it('a take-over or release storage refuses for another reason (an outage) is thrown, not retried forever', async () => {
    const first = await take('l:f', 'req');
    // App storage answers every transaction with a server error, as Forge's KVS would in an outage.
    const answer = wb.kvs.handle.bind(wb.kvs);
    const outage = jest.spyOn(wb.kvs, 'handle').mockImplementation((path, init) =>
      path === '/api/v1/transaction'
        ? Promise.resolve(
            new Response(JSON.stringify({ code: 'INTERNAL_SERVER_ERROR', message: 'Storage is down' }), {
              status: 500,
              headers: { 'content-type': 'application/json' },
            }),
          )
        : answer(path, init),
    );
    try {
      const takeOver = run(() =>
        takeLock('l:f', { ttlSeconds: 5, requestId: 'req', waitMs: 0, sameRequest: 'take-over' }),
      );
      await expect(takeOver).rejects.toMatchObject({ code: 'INTERNAL_SERVER_ERROR' });
      await expect(run(() => releaseLock(first))).rejects.toMatchObject({ code: 'INTERNAL_SERVER_ERROR' });
      // The lock is still the first holder's.
      expect(stored('l:f')).toMatchObject({ owner: first.owner });
    } finally {
      outage.mockRestore();
    }
  });

  it('takes over a lock run out by its own record that storage has not removed yet', async () => {
    const crashed = await take('l:g', 'r1');
    // Storage removes expired items in its own time: its clock stands still, while the app's moves past the
    // holder's 5 s.
    const realNow = Date.now.bind(Date);
    const later = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 7_000);
    try {
      expect(stored('l:g')).toMatchObject({ owner: crashed.owner });
      const taken = await run(() => takeLock('l:g', { ttlSeconds: 5, requestId: 'r2', waitMs: 0 }));
      expect(taken.status).toBe('held');
      if (taken.status === 'held')
        expect(stored('l:g')).toMatchObject({ owner: taken.held.owner, requestId: 'r2' });
      expect(await run(() => lockHeld(crashed))).toBe(false);
    } finally {
      later.mockRestore();
    }
  });

  it('a lock whose create landed but whose answer was lost is held by its taker, not waited for', async () => {
    const answer = wb.kvs.handle.bind(wb.kvs);
    let lost = 0;
    const lossy = jest.spyOn(wb.kvs, 'handle').mockImplementation(async (path, init) => {
      const response = await answer(path, init);
      if (path !== '/api/v1/entity/set' || lost++ > 0) return response;
      return new Response(JSON.stringify({ code: 'INTERNAL_SERVER_ERROR', message: 'Answer lost' }), {
        status: 500,
        headers: { 'content-type': 'application/json' },
      });
    });
    try {
      const taken = await run(() => takeLock('l:h', { ttlSeconds: 5, requestId: 'r1', waitMs: 0 }));
      expect(lost).toBe(1);
      expect(taken.status).toBe('held');
      if (taken.status === 'held') expect(stored('l:h')).toMatchObject({ owner: taken.held.owner });
    } finally {
      lossy.mockRestore();
    }
  });

  // A taker's create is refused because another holds the lock, and the holder releases it before the taker reads
  // who holds it. The taker used to throw the refusal (a 503 to a web trigger sender, an error to a person) although
  // the lock was free: it should take it.
  it('a lock released between a refused create and its read is taken, not thrown', async () => {
    const holder = await take('l:i', 'r1');
    const answer = wb.kvs.handle.bind(wb.kvs);
    let released = false;
    const racing = jest.spyOn(wb.kvs, 'handle').mockImplementation(async (path, init) => {
      const response = await answer(path, init);
      if (!released && path === '/api/v1/entity/set' && response.status === 409) {
        released = true;
        await run(() => releaseLock(holder));
      }
      return response;
    });
    try {
      const taken = await run(() => takeLock('l:i', { ttlSeconds: 5, requestId: 'r2', waitMs: 0 }));
      expect(released).toBe(true);
      expect(taken.status).toBe('held');
      if (taken.status === 'held') expect(stored('l:i')).toMatchObject({ owner: taken.held.owner });
    } finally {
      racing.mockRestore();
    }
  });

  it('a lens claim whose release storage refuses does not fail the write it guarded: it runs out instead', async () => {
    const claim = await run(() => takeLensClaim('OL-9'));
    if (!claim.held) throw new Error('not held');
    const answer = wb.kvs.handle.bind(wb.kvs);
    const outage = jest
      .spyOn(wb.kvs, 'handle')
      .mockImplementation((path, init) =>
        path === '/api/v1/transaction'
          ? Promise.resolve(new Response(JSON.stringify({ code: 'INTERNAL_SERVER_ERROR' }), { status: 500 }))
          : answer(path, init),
      );
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      await expect(run(() => releaseLensClaim(claim.held))).resolves.toBeUndefined();
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('could not release'), expect.anything());
      expect(stored(claim.held.name)).toMatchObject({ owner: claim.held.owner });
    } finally {
      outage.mockRestore();
      warn.mockRestore();
    }
  });
});

describe('a holder checking its lock while app storage refuses for its rate limits', () => {
  /** A 25 s lock with 3 s left, checked with a 2 s margin after `refusals` refused reads of it. */
  async function heldAfterRefusedReads(refusals: number): Promise<boolean> {
    const taken = await run(() => takeLock('l:slow', { ttlSeconds: 25, requestId: null, waitMs: 0 }));
    if (taken.status !== 'held') throw new Error('not held');
    let now = taken.held.takenAtMs + 22_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    jest.spyOn(storageRetry, 'random').mockReturnValue(1);
    jest.spyOn(storageRetry, 'wait').mockImplementation((ms) => {
      now += ms;
      return Promise.resolve();
    });
    refuseStorageRequests(wb.kvs, refusals, (path) => path === '/api/v1/entity/get');
    try {
      return await run(() => lockHeld(taken.held, 2_000));
    } finally {
      jest.restoreAllMocks();
    }
  }

  it('is told it holds it when the read came back inside the margin', async () => {
    expect(await heldAfterRefusedReads(1)).toBe(true); // one wait of 0.2 s: 2.8 s left
  });

  it('is told it does not when waiting out the refusals took it past the margin', async () => {
    expect(await heldAfterRefusedReads(3)).toBe(false); // 0.2 + 0.5 + 1 s: 1.3 s left, under 2 s
  });
});
