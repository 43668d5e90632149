/** The lock's time arithmetic (src/storage/lock.ts): when a holder can write no more, how long a copy waits. */
import { CALL_IN_FLIGHT_MS, holderDoneAt, sameRequestWaitUntil, secondsLeft } from '../../src/storage/lock';

const T = Date.parse('2026-03-01T12:00:00.000Z');

describe('holderDoneAt', () => {
  it('is when the lock runs out, for a holder whose invocation limit is unknown', () => {
    expect(holderDoneAt({ at: T, ttlSeconds: 30 }, T + 1_000)).toBe(T + 30_000);
  });

  it('is when its invocation is stopped and its last call has landed, if that comes first', () => {
    expect(holderDoneAt({ at: T, ttlSeconds: 30, stopsAt: T + 10_000 }, T)).toBe(
      T + 10_000 + CALL_IN_FLIGHT_MS,
    );
    expect(holderDoneAt({ at: T, ttlSeconds: 5, stopsAt: T + 10_000 }, T)).toBe(T + 5_000);
  });

  it('counts from now for a stored lock with no time of its own', () => {
    expect(holderDoneAt({ ttlSeconds: 30 }, T)).toBe(T + 30_000);
  });
});

describe('sameRequestWaitUntil', () => {
  it('waits for the earlier try while this try keeps 3 s of its own time for its work', () => {
    expect(sameRequestWaitUntil(T + 5_000, T + 25_000, T)).toBe(T + 5_000);
    expect(sameRequestWaitUntil(T + 30_000, T + 25_000, T)).toBe(T + 22_000);
  });

  it("never waits past a UI function's 25 s when the runtime does not say when this try stops", () => {
    // A holder whose lock runs 60 s: a copy in Forge's tunnel (no remaining time) waits until 22 s after it began.
    expect(sameRequestWaitUntil(T + 60_000, null, T)).toBe(T + 22_000);
    expect(sameRequestWaitUntil(T + 10_000, null, T)).toBe(T + 10_000);
  });
});

describe('secondsLeft', () => {
  it('rounds up, is at least 1 and at most the TTL of the lock', () => {
    expect(secondsLeft(T, 30, T + 10_500)).toBe(20);
    expect(secondsLeft(T, 30, T + 40_000)).toBe(1);
    expect(secondsLeft(T + 60_000, 30, T)).toBe(30);
    expect(secondsLeft(undefined, 30, T)).toBe(30);
  });
});
