import { furtherExpectations } from '../../src/scan/bets';
import type { Outcome } from '../../src/domain/schemas';
import type { MetricSeries } from '../../src/storage/metric-series';

const series = (name: string, values: Array<[string, number]>): MetricSeries =>
  ({
    name,
    measurements: values.map(([at, value], i) => ({ id: `${name}-${i}`, at, value })),
  }) as MetricSeries;

// Returns per order: 40 before a delivery on 2026-10-01, 31 after it.
const RETURNS = series('Returns per order', [
  ['2026-09-28', 40],
  ['2026-09-29', 40.2],
  ['2026-11-20', 31],
]);
const bet = { checkBy: '2026-12-01', deliveredOn: '2026-10-01', recorded: false };
const returns = { metric: 'returns per order', baseline: 40, target: 30, direction: 'decrease' } as const;

describe('a bet’s further expectations', () => {
  it('are checked on their own day, or the bet’s when they name none, by their own metric’s readings', () => {
    const [own, undated] = furtherExpectations(
      [{ ...returns, checkBy: '2026-11-25' }, returns],
      bet,
      '2026-12-05',
      [],
      [RETURNS],
    );
    expect(own).toMatchObject({
      checkBy: '2026-11-25',
      series: { kind: 'metric', name: 'Returns per order' },
    });
    expect(own!.proposal?.verdict).toBe('validated');
    expect(undated!.checkBy).toBe('2026-12-01');
    expect(undated!.proposal?.evidence.atCheckBy).toEqual({ at: '2026-11-20', value: 31 });
  });

  it('propose nothing before their day, nor once a verdict is recorded', () => {
    const ahead = furtherExpectations(
      [{ ...returns, checkBy: '2026-12-20' }],
      bet,
      '2026-12-05',
      [],
      [RETURNS],
    );
    expect(ahead[0]!.proposal).toBeNull();
    const recorded = furtherExpectations([returns], { ...bet, recorded: true }, '2026-12-05', [], [RETURNS]);
    expect(recorded[0]).toMatchObject({ checkBy: '2026-12-01', proposal: null });
  });

  it('read an outcome’s readings only where the outcome measures their metric', () => {
    const outcome = {
      id: 'o1',
      name: 'Fewer returns',
      metric: 'Returns per order',
      measurements: RETURNS.measurements,
    } as unknown as Outcome;
    const [byOutcome, unmeasured] = furtherExpectations(
      [returns, { metric: 'Repeat orders', baseline: 10, target: 12, direction: 'increase' }],
      bet,
      '2026-12-05',
      [outcome],
      [],
    );
    expect(byOutcome!.series).toEqual({ kind: 'outcome', name: 'Fewer returns' });
    expect(unmeasured!.series).toBeNull();
    expect(unmeasured!.proposal?.reason).toMatch(/^Too few measurements/);
  });
});
