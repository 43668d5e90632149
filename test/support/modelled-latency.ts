/**
 * How long a piece of work's Jira calls take under the emulator's latency model (workbench/jira/latency.ts),
 * read from the model's own delays rather than from wall time on a shared, busy machine. Each call the
 * emulator answers is recorded with the delays the model gave it and when it started and ended:
 * - `sequentialMs` adds them up, as calls made one after another (a queued job's);
 * - `criticalPathMs` respects the calls' real concurrency: a call waits only for the calls that had ended
 *   before it started, so calls issued side by side (Promise.all in a resolver) count as the longest of them.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { JiraEmulator } from '../../workbench/jira/emulator';

export interface ModelledCall {
  /** performance.now() when the emulator took the call, and when it answered. */
  startedAt: number;
  endedAt: number;
  /** The model's delays for the call, before and after the store. */
  modelledMs: number;
}

/** Starts recording every call `jira` answers from now on. */
export function watchModelledLatency(jira: JiraEmulator): {
  /** A mark to read the calls after it. */
  mark: () => number;
  since: (mark: number) => ModelledCall[];
} {
  const current = new AsyncLocalStorage<ModelledCall>();
  const calls: ModelledCall[] = [];
  const model = jira.latency;
  const before = model.before.bind(model);
  const after = model.after.bind(model);
  const count = (ms: number) => {
    const call = current.getStore();
    if (call) call.modelledMs += ms;
    return ms;
  };
  model.before = (endpoint, write) => count(before(endpoint, write));
  model.after = (endpoint, write, objects) => count(after(endpoint, write, objects));
  const handle = jira.handle.bind(jira);
  jira.handle = (req) => {
    const call: ModelledCall = { startedAt: performance.now(), endedAt: Number.NaN, modelledMs: 0 };
    calls.push(call);
    return current.run(call, async () => {
      try {
        return await handle(req);
      } finally {
        call.endedAt = performance.now();
      }
    });
  };
  return { mark: () => calls.length, since: (mark) => calls.slice(mark) };
}

/** The calls' delays one after another. */
export function sequentialMs(calls: readonly ModelledCall[]): number {
  return calls.reduce((sum, c) => sum + c.modelledMs, 0);
}

/**
 * The modelled time from the first call's start to the last one's end when each call starts once every call
 * that had ended before it (in the run observed) has ended at its modelled time: calls in flight at once overlap.
 */
export function criticalPathMs(calls: readonly ModelledCall[]): number {
  const ordered = [...calls].sort((a, b) => a.startedAt - b.startedAt);
  const ends: number[] = [];
  let longest = 0;
  ordered.forEach((call, i) => {
    let start = 0;
    for (let j = 0; j < i; j++) if (ordered[j]!.endedAt <= call.startedAt) start = Math.max(start, ends[j]!);
    ends[i] = start + call.modelledMs;
    longest = Math.max(longest, ends[i]);
  });
  return longest;
}
