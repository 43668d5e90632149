/**
 * A delivered bet's check, as the daily scan left it: before the check-by day it says so; from then on it shows
 * the verdict the measurements support and why. The result is the product owner's to record, below, in their
 * own words or with the proposed evidence (the results review records it the same way).
 */
import SectionMessage from '@atlaskit/section-message';
import type { PanelLoadData } from '../../../src/contract/issue-panel';
import type { DecimalMark } from '../../../src/domain/amounts';
import { proposalWords } from '../../../src/domain/bet-verdict';

/** `unit` is the expected metric's, so the figures read as the panel writes them, in the person's `mark`. */
export function BetCheck({
  check,
  unit,
  mark,
}: {
  check: NonNullable<PanelLoadData['betCheck']>;
  unit: string | null | undefined;
  mark: DecimalMark;
}) {
  if (!check.proposal)
    return (
      <SectionMessage appearance="information" title="Bet delivered: checked at its check-by day">
        <p data-testid="bet-check">
          Delivered {check.deliveredOn}. On {check.checkBy} Outcome Lens proposes a verdict from the
          metric&apos;s measurements; you confirm it or record another below.
        </p>
      </SectionMessage>
    );
  return (
    <SectionMessage
      appearance={check.status === 'unverified' ? 'warning' : 'discovery'}
      title={`Proposed verdict: ${check.proposal.verdict}${check.status === 'unverified' ? ' (overdue)' : ''}`}
    >
      <p data-testid="bet-check">{proposalWords(check.proposal, unit, mark)}</p>
      {check.further?.map((f, i) => (
        <p key={i} data-testid="bet-check-further">
          {`${f.metric ?? 'Further expectation'}: ${f.proposal.verdict}. ${proposalWords(f.proposal, f.unit, mark)}`}
        </p>
      ))}
      <p>Nothing is recorded until you set the result below, or someone confirms it in the results review.</p>
    </SectionMessage>
  );
}
