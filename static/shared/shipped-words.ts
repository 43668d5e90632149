import type { ShippedRow } from '../../src/domain/shipped';
import { pct } from './percent';

/**
 * A month's bets with a verdict: "3 / 1 (40% of bets)", and how many proved inconclusive; "none yet" while its
 * bets all wait for one, which "0 / 0 (0% of bets)" would say only in figures; a dash when it carried no bet.
 */
export function betsDecided(r: ShippedRow): string {
  if (!r.withBet) return '–';
  if (r.validated + r.invalidated + r.inconclusive === 0) return 'none yet';
  const inconclusive = r.inconclusive ? `; ${r.inconclusive} inconclusive` : '';
  return `${r.validated} / ${r.invalidated} (${pct(r.decidedShare)} of bets)${inconclusive}`;
}
