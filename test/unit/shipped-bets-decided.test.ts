import type { ShippedRow } from '../../src/domain/shipped';
import { betsDecided } from '../../static/shared/shipped-words';

const month = (over: Partial<ShippedRow>): ShippedRow => ({
  label: '2026-11',
  items: 6,
  points: 21,
  withBet: 4,
  validated: 0,
  invalidated: 0,
  inconclusive: 0,
  betShare: 4 / 6,
  ...over,
});

describe("a month's bets with a verdict, in the shipped versus moved table", () => {
  it('says "none yet" while every bet waits for its verdict, not 0 / 0 of 4 bets', () => {
    expect(betsDecided(month({}))).toBe('none yet');
  });

  it('counts the validated and invalidated, and names the inconclusive beside them', () => {
    expect(betsDecided(month({ validated: 2, invalidated: 1 }))).toBe('2 / 1 of 4 bets');
    expect(betsDecided(month({ inconclusive: 2 }))).toBe('0 / 0 of 4 bets; 2 inconclusive');
    // Counts, not a share: a percentage beside the hit rate was read as the share validated.
    expect(betsDecided(month({ withBet: 1, validated: 1 }))).toBe('1 / 0 of 1 bet');
  });

  it('is a dash for a month that carried no bet', () => {
    expect(betsDecided(month({ withBet: 0, betShare: 0 }))).toBe('–');
  });
});
