import {
  evidenceWords,
  proposeVerdict,
  proposalWords,
  type VerdictProposal,
} from '../../src/domain/bet-verdict';
import type { ExpectedOutcome } from '../../src/domain/schemas';

/** Conversion expected to rise from 1.8% to 2.4% by 2026-09-30; delivered 2026-08-01. */
const BET: ExpectedOutcome = {
  metric: 'Trial conversion',
  baseline: 1.8,
  target: 2.4,
  unit: '%',
  direction: 'increase',
  checkBy: '2026-09-30',
};
const series = [
  { at: '2026-07-09', value: 1.4 },
  { at: '2026-07-16', value: 1.375 },
  { at: '2026-07-23', value: 1.4 },
  { at: '2026-07-30', value: 1.37 },
  { at: '2026-09-24', value: 1.81 },
];

describe('a proposed verdict in the person’s numbers', () => {
  const p = proposeVerdict(BET, '2026-08-01', series);

  it('writes every amount as the page does, with a decimal comma for a German reader', () => {
    const text = proposalWords(p, '%', ',');
    expect(text).toContain(
      'Trial conversion: 1,37% on 2026-07-30 at delivery, 1,81% on 2026-09-24 at check-by.',
    );
    expect(text).toContain('Moved +0,44% (expected: increase by 0,6%)');
    expect(text).toMatch(/noise ±0,0\d+% over 2 readings\./);
    expect(text.startsWith(p.reason)).toBe(true);
    expect(text).not.toMatch(/\d %|\d\.\d/);
  });

  it('stores the proposal with a decimal point and the same unit format', () => {
    expect(p.evidenceText).toBe(proposalWords(p, '%', '.'));
    expect(p.evidenceText).toContain('1.81% on 2026-09-24');
    expect(p.evidenceText).toContain('Moved +0.44% (expected: increase by 0.6%)');
    expect(p.evidenceText).not.toMatch(/\d %/);
  });

  it('says a proposal stored before in the person’s numbers, and one without its figures as stored', () => {
    // As an earlier scan stored it: the same figures, its text written "1.81 % on".
    const stored: VerdictProposal = {
      verdict: 'validated',
      reason: 'It moved the expected way, beyond the metric’s noise and by enough.',
      evidence: {
        metric: 'Trial conversion',
        direction: 'increase',
        atDelivery: { at: '2026-07-30', value: 1.37 },
        atCheckBy: { at: '2026-09-24', value: 1.81 },
        movement: 0.44,
        expectedMovement: 0.5999999999999999,
        shareOfExpected: 0.733,
        noise: 0.025,
        readings: 2,
      },
      evidenceText:
        'It moved the expected way… Trial conversion: 1.37 % on 2026-07-30 at delivery, 1.81 % on …',
    };
    expect(proposalWords(stored, '%', ',')).toBe(
      'It moved the expected way, beyond the metric’s noise and by enough. Trial conversion: 1,37% on 2026-07-30 ' +
        'at delivery, 1,81% on 2026-09-24 at check-by. Moved +0,44% (expected: increase by 0,6%), 73% of the ' +
        'expected movement; noise ±0,025% over 2 readings.',
    );
    const bare = { ...stored, evidence: undefined } as unknown as VerdictProposal;
    expect(proposalWords(bare, '%', ',')).toBe(stored.evidenceText);
  });

  it('puts a currency before its amount and any other unit after a space', () => {
    const e = {
      ...p.evidence,
      atDelivery: { at: '2026-07-30', value: 12.5 },
      atCheckBy: null,
      movement: null,
    };
    expect(evidenceWords(e, '€', ',')).toBe(
      'Trial conversion: €12,5 on 2026-07-30 at delivery, no reading at check-by.',
    );
    expect(evidenceWords(e, 'ms', ',')).toContain('12,5 ms on 2026-07-30');
  });
});
