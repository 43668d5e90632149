import { readLens } from '../../src/domain/issue-lens';

/**
 * A lens as stored is read part by part and without the save's limits: whatever another tool, a hand edit or an
 * older version of the app wrote comes back as it is, so neither a panel save nor a scan's write stores a loss.
 */
describe('reading a stored lens', () => {
  it('keeps kill criteria and a result outside what a save accepts today', () => {
    const condition = { text: 'c'.repeat(5000), reviewDate: '2027-01-01' };
    const metricThreshold = { metric: 'm'.repeat(300), comparison: 'atLeast', value: 5e12, by: '2027-02-01' };
    const result = { verdict: 'validated', evidence: 'e'.repeat(5000), measuredValue: 2e12 };
    const lens = readLens({
      version: 4,
      killCriteria: { deadline: '2027-03-01', maxIdleDays: 0, metricThreshold, condition },
      result,
    });
    expect(lens.killCriteria).toEqual({ deadline: '2027-03-01', metricThreshold, condition });
    expect(lens.result).toEqual(result);
  });

  it('drops only the part that cannot be read at all, and keeps its siblings', () => {
    const lens = readLens({
      version: '7',
      hypothesis: { persona: 42, intent: 'bookmark items', benefit: 'I finish later' },
      expected: { metric: 'drop-off', baseline: 'forty', target: 30, checkBy: '2027-02-30' },
      killCriteria: { condition: { text: '  ', reviewDate: '2027-01-01' }, maxSprintsCarried: 2 },
      result: { verdict: 'maybe', evidence: 'x' },
    });
    expect(lens.version).toBe(7);
    expect(lens.hypothesis).toEqual({ intent: 'bookmark items', benefit: 'I finish later' });
    expect(lens.expected).toEqual({ metric: 'drop-off', target: 30 });
    expect(lens.killCriteria).toEqual({ maxSprintsCarried: 2 });
    expect(lens.result).toBeNull();
  });
});

describe('reading what a hand or another tool wrote', () => {
  it('reads numbers written as text as those numbers, and nothing else that is text', () => {
    const lens = readLens({
      expected: { metric: 'cart drop-off', baseline: '40', target: ' -2.5 ', direction: 'decrease' },
      killCriteria: { maxIdleDays: '30', maxSprintsCarried: '3' },
      result: { verdict: 'validated', evidence: 'Seen in the funnel', measuredValue: '12' },
    });
    expect(lens.expected).toMatchObject({ baseline: 40, target: -2.5 });
    expect(lens.killCriteria).toEqual({ maxIdleDays: 30, maxSprintsCarried: 3 });
    expect(lens.result?.measuredValue).toBe(12);
    expect(readLens({ expected: { baseline: '40%', target: '1e3', unit: '%' } }).expected).toEqual({
      unit: '%',
    });
  });

  it('keeps a flag whose rule misses its words, so the label and comment already made are not made again', () => {
    const lens = readLens({
      zombie: 'true',
      flag: {
        flaggedAt: '2026-08-01T10:00:00.000Z',
        rules: [
          { rule: 'idle', since: '2026-08-01', detail: 'Idle 90 days' },
          { detail: 'no rule named' },
          7,
        ],
        labelApplied: true,
        commented: 'true',
      },
    });
    expect(lens.flag).toEqual({
      flaggedAt: '2026-08-01T10:00:00.000Z',
      rules: [{ rule: 'idle', since: '2026-08-01', detail: 'Idle 90 days', clearBy: '' }],
      labelApplied: true,
      commented: true,
    });
  });
});
