/**
 * The modelled time of a piece of work's Jira calls: added up one after another, or along the critical path of
 * their real concurrency (calls in flight together count once, at the longest).
 */
import { criticalPathMs, sequentialMs, type ModelledCall } from '../support/modelled-latency';

const call = (startedAt: number, endedAt: number, modelledMs: number): ModelledCall => ({
  startedAt,
  endedAt,
  modelledMs,
});

describe('modelled latency of Jira calls', () => {
  it('adds up calls made one after another either way', () => {
    const calls = [call(0, 10, 300), call(10, 20, 200), call(21, 30, 100)];
    expect(sequentialMs(calls)).toBe(600);
    expect(criticalPathMs(calls)).toBe(600);
  });

  it('counts calls issued side by side as the longest of them, then what waited for them', () => {
    // One call, then three searches at once (a resolver's Promise.all), then one call after all three.
    const calls = [call(0, 5, 100), call(6, 30, 280), call(6, 25, 310), call(7, 20, 250), call(31, 40, 90)];
    expect(sequentialMs(calls)).toBe(1030);
    expect(criticalPathMs(calls)).toBe(100 + 310 + 90);
  });

  it('lets a call wait only for the calls that had ended when it started', () => {
    // B starts after A ended; C runs beside both and is the longest.
    const calls = [call(0, 10, 200), call(11, 20, 200), call(0, 25, 500)];
    expect(criticalPathMs(calls)).toBe(500);
  });
});
