/**
 * The fastest of several runs, in milliseconds. A pause for garbage collection or a busy CI machine lengthens one
 * run, not all of them: a bound on the fastest run is not failed by a moment's load.
 */
export function fastestRunMs(run: () => unknown, runs = 3): number {
  let fastest = Infinity;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    run();
    fastest = Math.min(fastest, performance.now() - started);
  }
  return fastest;
}

/** fastestRunMs for work that awaits: each run is awaited before the next starts. */
export async function fastestAsyncRunMs(run: () => Promise<unknown>, runs = 3): Promise<number> {
  let fastest = Infinity;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await run();
    fastest = Math.min(fastest, performance.now() - started);
  }
  return fastest;
}

/**
 * Sets the wall clock the resolvers read (`new Date()`, `Date.now()`) to `now`, moving on from there with real time
 * unless `frozen`; only Date is faked, so the workbench's own timers still run. Undone by jest.useRealTimers().
 */
export function setWallClock(now: Date, { frozen = false } = {}): void {
  jest.useFakeTimers({
    now,
    advanceTimers: !frozen,
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
}
