/**
 * Results review: did the delivered bets pay off? Bets whose check-by day has come, overdue ones ("unverified
 * bets", JQL `betStatus = unverified`), and the verdicts recorded lately. The app proposes a verdict with its
 * evidence; a person confirms it or chooses another, and only then is anything recorded.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import Button from '@atlaskit/button/new';
import DynamicTable from '@atlaskit/dynamic-table';
import Lozenge from '@atlaskit/lozenge';
import TextArea from '@atlaskit/textarea';
import { token } from '@atlaskit/tokens';
import { PROJECT_PAGE_RESOLVERS as R } from '../../../src/contract/project-page-keys';
import type {
  BetExpectation,
  BetItem,
  ConfirmVerdictData,
  ProjectPageLoadData,
  ResultsReviewData,
  VerdictEntry,
} from '../../../src/contract/project-page';
import { amountText, type DecimalMark } from '../../../src/domain/amounts';
import { proposalWords } from '../../../src/domain/bet-verdict';
import { TEXT_LIMITS } from '../../../src/domain/draft-rules';
import { useDecimalMark } from '../../shared/useDecimalMark';
import type { Result } from '../../../src/domain/schemas';
import { RESULT_VERDICTS } from '../../../src/domain/result-verdicts';
import { callResolver, flag } from '../../shared/bridge';
import { newRequestId } from '../../shared/requestId';
import { lengthNote } from '../../shared/length-note';
import { IssueLink } from '../../shared/IssueLink';
import { recordedBy } from './decided';
import { TableScroll } from '../../shared/TableScroll';
import { LoadError } from '../../shared/LoadError';
import { Message } from '../../shared/Message';

type Verdict = Result['verdict'];
const APPEARANCE: Record<Verdict, 'success' | 'removed' | 'default'> = {
  validated: 'success',
  invalidated: 'removed',
  inconclusive: 'default',
};

function VerdictLozenge({ verdict }: { verdict: Verdict }) {
  return <Lozenge appearance={APPEARANCE[verdict]}>{verdict}</Lozenge>;
}

/** What a bet expected by `checkBy`, its numbers written with the person's decimal `mark`. */
function expectation(e: BetExpectation, checkBy: string, mark: DecimalMark): string {
  const span =
    e.baseline !== null && e.target !== null
      ? ` from ${amountText(e.baseline, e.unit, mark)} to ${amountText(e.target, e.unit, mark)}`
      : '';
  return `${e.metric ?? 'metric'}: ${e.direction ?? 'move'}${span} by ${checkBy}`;
}

/**
 * The proposed verdict's evidence in words, its numbers written with the person's decimal `mark` and its amounts
 * as the expectation beside it writes them ("1,8%"); empty without a proposal.
 */
function proposalText(b: Pick<BetItem, 'proposal' | 'expected'>, mark: DecimalMark): string {
  return b.proposal ? proposalWords(b.proposal, b.expected.unit, mark) : '';
}

/** A further expectation's proposal, named by its metric; or when it will have one. */
function FurtherProposal({ f, mark }: { f: BetItem['further'][number]; mark: DecimalMark }) {
  const name = f.expected.metric ?? 'Further expectation';
  if (!f.proposal)
    return <small style={{ display: 'block' }}>{`${name}: nothing to propose before ${f.checkBy}.`}</small>;
  return (
    <span style={{ display: 'block' }}>
      {`${name}: `}
      <VerdictLozenge verdict={f.proposal.verdict} />
      <small style={{ display: 'block' }}>{proposalText(f, mark)}</small>
    </span>
  );
}

/**
 * What a verdict form closed unrecorded (Escape, Cancel) held, with the proposal it was filled in beside: opened
 * again, the form shows it, so a stray Escape never throws the person's evidence away.
 */
interface SetAsideVerdict {
  verdict: Verdict;
  evidence: string;
  proposed: Verdict;
  prefilled: string;
}

/** The confirm-or-override form of one bet; a retry of the same verdict keeps its request id (requestIds). */
function VerdictForm(props: {
  bet: BetItem;
  /** What this form held when it was last closed unrecorded. */
  kept: SetAsideVerdict | undefined;
  /**
   * The bet's request ids, by the verdict and evidence sent: a retry of the same is replayed, a changed one is a
   * new request. Kept beside the bet, so a try whose answer was lost keeps its id after the form is set aside.
   */
  requestIds: Map<string, string>;
  /** Called as the form closes unrecorded: what to keep, or null when it holds nothing of the person's. */
  onSetAside: (kept: SetAsideVerdict | null) => void;
  onDone: (entry: VerdictEntry | null) => void;
  /** The bet got a verdict meanwhile (in another tab, in the panel): the review says why and reads the bets again. */
  onStale: (message: string) => void;
  /** A measurement changed the proposal meanwhile: the bets are read again, this form staying open. */
  onProposalMoved: () => void;
}) {
  const { bet } = props;
  const mark = useDecimalMark();
  const proposed = bet.proposal?.verdict ?? 'inconclusive';
  // Pre-filled with the proposal as the person reads it: recorded so unless they change it.
  const prefilled = proposalText(bet, mark);
  const { kept } = props;
  const [verdict, setVerdict] = useState<Verdict>(kept?.verdict ?? proposed);
  const [evidence, setEvidence] = useState(kept?.evidence ?? prefilled);
  // A proposal read again (a measurement came in, also while the form was set aside) replaces what was pre-filled
  // from the old one, not what the person chose or wrote.
  const shown = useRef(
    kept ? { proposed: kept.proposed, prefilled: kept.prefilled } : { proposed, prefilled },
  );
  useEffect(() => {
    const before = shown.current;
    if (before.proposed === proposed && before.prefilled === prefilled) return;
    setVerdict((chosen) => (chosen === before.proposed ? proposed : chosen));
    setEvidence((typed) => (typed === before.prefilled ? prefilled : typed));
    shown.current = { proposed, prefilled };
  }, [proposed, prefilled]);
  // Another verdict than the proposal's, over the proposal's own words, would put on record evidence that argues
  // against it: overriding asks for the person's own.
  const overriding = !!bet.proposal && verdict !== bet.proposal.verdict;
  const evidenceLength = lengthNote(evidence, TEXT_LIMITS.evidence);
  const [busy, setBusy] = useState(false);
  // A refusal of the evidence is said at its field; anything else under the form.
  const [evidenceError, setEvidenceError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const id = `verdict-${bet.issueKey}`;
  const callOff = () => {
    const own = verdict !== shown.current.proposed || evidence !== shown.current.prefilled;
    props.onSetAside(own ? { verdict, evidence, ...shown.current } : null);
    props.onDone(null);
  };
  // The form takes the place of the Decide button that opened it: the keyboard goes into it, at the verdict.
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    formRef.current?.querySelector<HTMLElement>('[aria-pressed="true"]')?.focus();
  }, []);
  const refuseEvidence = (message: string) => {
    setEvidenceError(message);
    document.getElementById(`${id}-evidence`)?.focus();
  };
  const submit = async () => {
    setError(null);
    if (evidence.trim().length === 0) return refuseEvidence('Say what the evidence is.');
    if (overriding && evidence.trim() === prefilled.trim())
      return refuseEvidence(
        `The evidence is the proposal's, which argues for ${bet.proposal!.verdict}: say why the bet is ${verdict}.`,
      );
    setBusy(true);
    const result = { verdict, evidence: evidence.trim() };
    const content = JSON.stringify(result);
    const requestId = props.requestIds.get(content) ?? newRequestId();
    props.requestIds.set(content, requestId);
    const a = await callResolver<ConfirmVerdictData>(R.confirmVerdict, {
      issueKey: bet.issueKey,
      idempotencyKey: requestId,
      result,
      // Decided beside this proposal: if a reading since has changed it, the review is read again, not recorded.
      proposed: bet.proposal?.verdict ?? null,
    });
    setBusy(false);
    if (!a.ok) {
      if (a.error.fields?.proposed) {
        setError(a.error.message);
        return props.onProposalMoved();
      }
      if (a.error.code === 'CONFLICT' && a.error.retryAfterSeconds === undefined)
        return props.onStale(a.error.message);
      const atEvidence = a.error.fields?.['result.evidence'];
      if (atEvidence) refuseEvidence(atEvidence);
      else setError(a.error.message);
      return;
    }
    flag(`Verdict recorded on ${bet.issueKey}`, `${a.data.entry.verdict}: it shows in the issue's panel.`);
    props.onDone(a.data.entry);
  };
  // Further expectations whose own day is still ahead: recorded now, the bet is closed before they are checked.
  const waiting = bet.further
    .filter((f) => !f.proposal)
    .map((f) => `${f.expected.metric ?? 'a further expectation'} (from ${f.checkBy})`);
  return (
    <form
      ref={formRef}
      aria-label={`Verdict on ${bet.issueKey}`}
      data-testid={id}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      // Escape calls the form off as Cancel does (what it holds is set aside), and not while the verdict is being
      // recorded.
      onKeyDown={(e) => {
        if (e.key === 'Escape' && !busy) {
          e.preventDefault();
          callOff();
        }
      }}
      style={{
        display: 'grid',
        gap: token('space.100', '8px'),
        padding: token('space.150', '12px'),
        border: `1px solid ${token('color.border', '#091E4224')}`,
        borderRadius: token('radius.small', '3px'),
      }}
    >
      <div role="group" aria-label="Verdict" style={{ display: 'flex', gap: token('space.050', '4px') }}>
        {RESULT_VERDICTS.map((v) => (
          <Button
            key={v}
            isSelected={verdict === v}
            aria-pressed={verdict === v}
            onClick={() => setVerdict(v)}
          >
            {v}
            {bet.proposal?.verdict === v ? ' (proposed)' : ''}
          </Button>
        ))}
      </div>
      <label htmlFor={`${id}-evidence`}>Evidence</label>
      <TextArea
        id={`${id}-evidence`}
        name="evidence"
        value={evidence}
        minimumRows={3}
        maxHeight="12em"
        isInvalid={!!evidenceError}
        // Atlaskit's TextArea marks itself invalid only with a data attribute: assistive technology is told
        // here, with the message that says why.
        {...(evidenceError ? { 'aria-invalid': true } : {})}
        aria-describedby={
          [evidenceError ? `${id}-evidence-error` : null, evidenceLength ? `${id}-evidence-length` : null]
            .filter(Boolean)
            .join(' ') || undefined
        }
        onChange={(e) => {
          setEvidence(e.currentTarget.value);
          setEvidenceError(null);
        }}
      />
      {evidenceLength ? (
        <span id={`${id}-evidence-length`} className={evidenceLength.over ? 'ol-error' : 'ol-help'}>
          {evidenceLength.text}
        </span>
      ) : null}
      {evidenceError ? (
        <p
          id={`${id}-evidence-error`}
          role="alert"
          style={{ color: token('color.text.danger', '#AE2E24'), margin: 0 }}
        >
          {evidenceError}
        </p>
      ) : null}
      {waiting.length ? (
        <p className="ol-help" data-testid={`${id}-waiting`} style={{ margin: 0 }}>
          {`A verdict now closes the bet before ${waiting.join(' and ')} ${waiting.length > 1 ? 'are' : 'is'} checked.`}
        </p>
      ) : null}
      {error ? (
        <p role="alert" style={{ color: token('color.text.danger', '#AE2E24'), margin: 0 }}>
          {error}
        </p>
      ) : null}
      <div style={{ display: 'flex', gap: token('space.100', '8px') }}>
        <Button type="submit" appearance="primary" isDisabled={busy}>
          {verdict === bet.proposal?.verdict ? 'Confirm verdict' : 'Record this verdict instead'}
        </Button>
        {/* While the verdict is being recorded it cannot be called off: closing would look like a cancel. */}
        <Button appearance="subtle" onClick={callOff} isDisabled={busy}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

/**
 * What the review keeps per bet between its forms: the form set aside and the request ids sent. Held by the review,
 * not a table, because a bet changes tables when it is read again (due, then unverified once its grace has run out)
 * and keeps what the person wrote.
 */
interface KeptPerBet {
  setAside: Map<string, SetAsideVerdict>;
  requestIds: Map<string, Map<string, string>>;
}

function requestIdsOf(kept: KeptPerBet, issueKey: string): Map<string, string> {
  const ids = kept.requestIds.get(issueKey) ?? new Map<string, string>();
  kept.requestIds.set(issueKey, ids);
  return ids;
}

function BetTable(props: {
  bets: BetItem[];
  kept: KeptPerBet;
  /** Names the table for assistive technology. */
  label: string;
  empty: string;
  canDecide: boolean;
  onRecorded: () => void;
  onStale: (message: string) => void;
  onProposalMoved: () => void;
  testId: string;
}) {
  const [open, setOpen] = useState<string | null>(null);
  const { setAside } = props.kept;
  // A form closed without a verdict gives the keyboard back to the Decide button it replaced.
  const [returnTo, setReturnTo] = useState<string | null>(null);
  useEffect(() => {
    if (returnTo === null) return;
    document.querySelector<HTMLElement>(`[data-testid="${CSS.escape(`decide-${returnTo}`)}"]`)?.focus();
    setReturnTo(null);
  }, [returnTo]);
  const mark = useDecimalMark();
  const head = {
    cells: [
      { key: 'issue', content: 'Item' },
      { key: 'bet', content: 'Expected' },
      { key: 'delivered', content: 'Delivered' },
      { key: 'proposal', content: 'Proposed verdict' },
      { key: 'action', content: 'Decide' },
    ],
  };
  const rows = props.bets.map((b) => ({
    key: b.issueKey,
    cells: [
      {
        key: 'issue',
        content: (
          <span>
            <IssueLink issueKey={b.issueKey} /> {b.summary}
          </span>
        ),
      },
      {
        key: 'bet',
        content: (
          <span>
            {expectation(b.expected, b.checkBy, mark)}
            {b.daysOverdue > 0 ? ` (${b.daysOverdue} ${b.daysOverdue === 1 ? 'day' : 'days'} ago)` : ''}
            {b.series ? <small style={{ display: 'block' }}>Measured by: {b.series.name}</small> : null}
            {b.further.map((f, i) => (
              <small key={i} style={{ display: 'block' }} data-testid={`further-${b.issueKey}-${i}`}>
                {`Also: ${expectation(f.expected, f.checkBy, mark)}`}
                {f.series ? ` (measured by: ${f.series.name})` : ' (no measurements of it yet)'}
              </small>
            ))}
          </span>
        ),
      },
      { key: 'delivered', content: <span className="ol-nowrap">{b.deliveredOn}</span> },
      {
        key: 'proposal',
        content: (
          <span>
            {b.proposal ? (
              <>
                <VerdictLozenge verdict={b.proposal.verdict} />{' '}
                <small style={{ display: 'block' }}>{proposalText(b, mark)}</small>
              </>
            ) : (
              '—'
            )}
            {b.further.map((f, i) => (
              <FurtherProposal key={i} f={f} mark={mark} />
            ))}
          </span>
        ),
      },
      {
        key: 'action',
        content:
          open === b.issueKey ? (
            <VerdictForm
              bet={b}
              kept={setAside.get(b.issueKey)}
              requestIds={requestIdsOf(props.kept, b.issueKey)}
              onSetAside={(kept) => {
                if (kept) setAside.set(b.issueKey, kept);
                else setAside.delete(b.issueKey);
              }}
              onDone={(entry) => {
                setOpen(null);
                if (entry) {
                  setAside.delete(b.issueKey);
                  props.onRecorded();
                } else setReturnTo(b.issueKey);
              }}
              onStale={(message) => {
                setAside.delete(b.issueKey);
                setOpen(null);
                props.onStale(message);
              }}
              onProposalMoved={props.onProposalMoved}
            />
          ) : props.canDecide ? (
            <Button
              onClick={() => setOpen(b.issueKey)}
              aria-label={`Decide the verdict on ${b.issueKey}`}
              testId={`decide-${b.issueKey}`}
            >
              Decide
            </Button>
          ) : (
            'Needs edit rights'
          ),
      },
    ],
  }));
  return (
    <TableScroll label={`${props.label}, scrolls sideways`}>
      <DynamicTable
        // The section's heading titles the table on the page; a visible caption under it read as a second heading.
        label={props.label}
        head={head}
        rows={rows}
        emptyView={<p>{props.empty}</p>}
        testId={props.testId}
      />
    </TableScroll>
  );
}

export function ResultsReview({ page }: { page: ProjectPageLoadData }) {
  const [data, setData] = useState<ResultsReviewData | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Why the bets were read again after a verdict was refused (one recorded meanwhile elsewhere).
  const [notice, setNotice] = useState<string | null>(null);
  const kept = useRef<KeptPerBet>({ setAside: new Map(), requestIds: new Map() }).current;
  const load = useCallback(async () => {
    const a = await callResolver<ResultsReviewData>(R.resultsReview);
    if (a.ok) {
      setData(a.data);
      setError(null);
    } else setError(a.error.message);
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  if (error) return <LoadError title="The results review could not load" message={error} onRetry={load} />;
  if (!data) return <p aria-busy="true">Loading delivered bets…</p>;
  const canDecide = page.permissions.canDecide;
  // A recorded bet leaves its table with the form that had the keyboard: it goes to the review's heading.
  const reread = () => {
    document.getElementById('results-heading')?.focus();
    void load();
  };
  // A verdict recorded here answers the notice of an earlier refusal: it is not left standing over the new list.
  const onRecorded = () => {
    setNotice(null);
    reread();
  };
  const onStale = (message: string) => {
    setNotice(message);
    reread();
  };
  const common = { canDecide, kept, onRecorded, onStale, onProposalMoved: () => void load() };
  return (
    <div
      data-testid="results-review"
      // One column no wider than the frame: a wide table scrolls in its own region instead of widening the page.
      style={{ display: 'grid', gridTemplateColumns: 'minmax(0, 1fr)', gap: token('space.300', '24px') }}
    >
      <h2 id="results-heading" tabIndex={-1} style={{ margin: 0 }}>
        Did the bets pay off?
      </h2>
      {notice ? (
        <Message
          appearance="warning"
          title="Recorded meanwhile: the bets were read again"
          testId="results-notice"
        >
          <p>{notice}</p>
          <Button appearance="subtle" onClick={() => setNotice(null)}>
            Dismiss
          </Button>
        </Message>
      ) : null}
      <p style={{ margin: 0 }}>
        Delivered items that expected a metric to move, checked by the daily scan
        {data.checkedAt ? ` (last on ${data.checkedAt.slice(0, 10)})` : ''}. The proposed verdict compares the
        metric at delivery and at the check-by day; nothing is recorded until someone confirms it or records
        another. Unverified bets are also found in Jira with <code>betStatus = unverified</code>.
      </p>
      <section aria-labelledby="results-due" data-testid="due-bets">
        <h3 id="results-due">Due for a verdict ({data.due.length})</h3>
        <BetTable
          {...common}
          bets={data.due}
          label="Bets whose check-by day has come"
          empty="No bet is due for a verdict."
          testId="results-due"
        />
      </section>
      <section aria-labelledby="results-unverified" data-testid="unverified-bets">
        <h3 id="results-unverified">Unverified bets: overdue ({data.unverified.length})</h3>
        <BetTable
          {...common}
          bets={data.unverified}
          label="Bets past their check-by day with no verdict"
          empty="No overdue bet."
          testId="results-unverified"
        />
      </section>
      <section aria-labelledby="results-recent" data-testid="recent-verdicts">
        <h3 id="results-recent">Recent verdicts</h3>
        <TableScroll label="Verdicts recorded lately, scrolls sideways">
          <DynamicTable
            label="Verdicts recorded lately, newest first"
            head={{
              cells: [
                { key: 'issue', content: 'Item' },
                { key: 'verdict', content: 'Verdict' },
                { key: 'by', content: 'By' },
                { key: 'evidence', content: 'Evidence' },
              ],
            }}
            rows={data.recent.map((v) => ({
              key: v.id,
              cells: [
                { key: 'issue', content: <IssueLink issueKey={v.issueKey} /> },
                {
                  key: 'verdict',
                  content: (
                    <span>
                      <VerdictLozenge verdict={v.verdict} />
                      {v.proposed && v.proposed !== v.verdict ? ` (proposed ${v.proposed})` : ''}
                    </span>
                  ),
                },
                { key: 'by', content: recordedBy(v) },
                { key: 'evidence', content: v.evidence },
              ],
            }))}
            emptyView={<p>No verdict recorded yet.</p>}
            testId="results-recent"
          />
        </TableScroll>
      </section>
      <p style={{ margin: 0 }}>
        Still ahead of their check-by day: {data.tracking.length} delivered bet
        {data.tracking.length === 1 ? '' : 's'}.
      </p>
    </div>
  );
}
