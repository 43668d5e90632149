/** The latency model on its own: seeded jitter, the split around the store, the site clock. */
import { LatencyModel, TEST_LATENCY_SCALE, testLatencyScale } from '../../workbench/jira/latency';

describe('latency model', () => {
  it('gives the same delays for the same seed, jitter within its bounds, and nothing at scale 0', () => {
    const settings = { seed: 7, jitter: 0.3, readMs: 100, perObjectMs: 2, beforeShare: 0.5, endpointMs: {} };
    const a = new LatencyModel(settings);
    const b = new LatencyModel(settings);
    const delays = Array.from({ length: 50 }, () => [
      a.before('GET /x', false),
      a.after('GET /x', false, 10),
    ]);
    expect(delays).toEqual(
      Array.from({ length: 50 }, () => [b.before('GET /x', false), b.after('GET /x', false, 10)]),
    );
    for (const [before, after] of delays) {
      expect(before).toBeGreaterThanOrEqual(50 * 0.7);
      expect(before).toBeLessThanOrEqual(50 * 1.3);
      expect(after).toBeGreaterThanOrEqual(70 * 0.7);
      expect(after).toBeLessThanOrEqual(70 * 1.3);
    }
    expect(new Set(delays.map(([before]) => before)).size).toBeGreaterThan(40);

    const off = new LatencyModel('off');
    expect([off.before('GET /x', false), off.after('GET /x', false, 1000)]).toEqual([0, 0]);
    expect(() => new LatencyModel({ scale: -1 })).toThrow('latency scale must be a number >= 0');
  });

  it('runs the tests at 1/50 unless WORKBENCH_LATENCY_SCALE says otherwise', () => {
    expect(testLatencyScale({})).toBe(TEST_LATENCY_SCALE);
    expect(TEST_LATENCY_SCALE).toBe(0.02);
    expect(testLatencyScale({ WORKBENCH_LATENCY_SCALE: '0.5' })).toBe(0.5);
    expect(testLatencyScale({ WORKBENCH_LATENCY_SCALE: '0' })).toBe(0);
    expect(() => testLatencyScale({ WORKBENCH_LATENCY_SCALE: 'fast' })).toThrow('WORKBENCH_LATENCY_SCALE');
  });

  it('runs the site clock as fast as the scale compresses time, so windows see calls as Jira would', () => {
    const model = new LatencyModel({ scale: 0.02 });
    let wall = Date.now();
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => wall);
    try {
      const start = model.siteClock();
      wall += 20; // 20 ms under a 1/50 model...
      expect(model.siteClock() - start).toBe(1000); // ...is a second on the site
      model.configure('off');
      wall += 20; // with the model off, the wall clock
      expect(model.siteClock() - start).toBe(1020);
    } finally {
      clock.mockRestore();
    }
  });
});
