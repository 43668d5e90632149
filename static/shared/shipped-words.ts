import type { ShippedRow } from '../../src/domain/shipped';

/**
 * A month's bets with a verdict: "3 / 1 of 10 bets", and how many proved inconclusive; "none yet" while its bets
 * all wait for one, which "0 / 0 of 10 bets" would say only in figures; a dash when it carried no bet.
 */
export function betsDecided(r: ShippedRow): string {
  if (!r.withBet) return '–';
  if (r.validated + r.invalidated + r.inconclusive === 0) return 'none yet';
  const inconclusive = r.inconclusive ? `; ${r.inconclusive} inconclusive` : '';
  // Counted against the month's bets, not as a share: a percentage beside the hit rate was read as one.
  return `${r.validated} / ${r.invalidated} of ${r.withBet} bet${r.withBet === 1 ? '' : 's'}${inconclusive}`;
}
