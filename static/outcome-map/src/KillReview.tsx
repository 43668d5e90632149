import Button from '@atlaskit/button/new';
import { Checkbox } from '@atlaskit/checkbox';
import Lozenge from '@atlaskit/lozenge';
import Modal, {
  ModalBody,
  ModalFooter,
  ModalHeader,
  ModalTitle,
  ModalTransition,
} from '@atlaskit/modal-dialog';
import SectionMessage from '@atlaskit/section-message';
import Select from '@atlaskit/select';
import AkTextArea from '@atlaskit/textarea';
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { ErrorAnswer } from '../../../src/contract/answer';
import { PROJECT_PAGE_RESOLVERS as R, REASON_MAX } from '../../../src/contract/project-page-keys';
import type {
  DecideData,
  Decision,
  DecisionEntry,
  DecisionLogData,
  ProjectPageLoadData,
  ZombieItem,
  ZombieQueueData,
} from '../../../src/contract/project-page';
import { humaneDays } from '../../../src/domain/dates';
import type { QueueFilter, QueueSort } from '../../../src/domain/zombie-queue';
import { callResolver, flag } from '../../shared/bridge';
import { lengthNote } from '../../shared/length-note';
import { placeDialogInView } from '../../shared/placeDialogInView';
import { Message } from '../../shared/Message';
import { ruleLabel } from '../../../src/domain/zombie-rule-labels';
import { ruleWords } from '../../../src/domain/zombie-rule-detail';
import { useDecimalMark } from '../../shared/useDecimalMark';
import { DecisionLog } from './DecisionLog';
import { TryAgain } from '../../shared/TryAgain';
import { BulkProgress, useBulkRun } from './bulk';
import { pickerChoices, type Choice, type PickerOption } from './picker-choices';
import { useListSelection } from '../../shared/useListSelection';
import { newRequestId } from '../../shared/requestId';
import { IssueLink } from '../../shared/IssueLink';
import { typedDayProblem } from './typed-day';
import { TypedDatePicker } from '../../shared/TypedDatePicker';
import { localToday } from '../../shared/date-format';
import { UnreadableNote } from './UnreadableNote';

const KINDS = ['kill', 'keep', 'relink'] as const;
type Kind = (typeof KINDS)[number];
const KIND_VERBS: Record<Kind, string> = { kill: 'Kill', keep: 'Keep', relink: 'Relink' };

/** What a decision's dialog holds as it is filled in. */
interface DecisionFields {
  reason: string;
  snooze: string;
  killDate: string;
  outcomeId: string;
}

/**
 * What was typed into each kind of decision's dialog that was closed undecided (Escape, a click beside it, Cancel):
 * opened again, the dialog shows it, so a stray Escape never throws a reason away.
 */
type SetAside = Map<Kind, DecisionFields>;

/** The decision a form's fields make: a Keep carries only the dates given, a Relink its outcome. */
function decisionOf(kind: Kind, f: DecisionFields): Decision {
  if (kind === 'kill') return { kind, reason: f.reason };
  if (kind === 'relink') return { kind, reason: f.reason, outcomeId: f.outcomeId };
  return {
    kind,
    reason: f.reason,
    ...(f.snooze ? { snoozeUntil: f.snooze } : {}),
    ...(f.killDate ? { killCriteria: { deadline: f.killDate } } : {}),
  };
}

/**
 * Refusals made before a decision's first side effect. Any other failure (Jira answering 5xx or 429, an answer
 * that never came) may come after the issue was closed or its lens written: the dialog must not say nothing
 * changed, and confirming again (with the same request id) finishes it.
 */
const REFUSED_BEFORE_ANY_CHANGE: ReadonlySet<ErrorAnswer['code']> = new Set([
  'VALIDATION',
  'NOT_AUTHORIZED',
  'NOT_FOUND',
  'CONFLICT',
]);

/** What a decision is about: one item (its key) or many selected. */
type Subject = { item: ZombieItem } | { count: number };

/**
 * The reason (and dates or outcome) one decision takes, on one item or many, asked in Atlaskit's modal dialog
 * as Jira asks before a change: focus starts in the reason and stays in the dialog, the page behind is hidden
 * from assistive technology, Escape or Cancel closes it with nothing recorded (what was typed is set aside for the
 * next time it opens), and focus returns to the button that opened it. The dialog sits beside that button, in
 * view (the frame may be far taller than the window).
 */
function DecisionDialog(props: {
  kind: Kind;
  subject: Subject;
  page: ProjectPageLoadData;
  setAside: SetAside;
  onClose: () => void;
  /** Null when it was done; the error to show in the dialog otherwise. */
  onSubmit: (decision: Decision) => Promise<ErrorAnswer | null>;
  /** Closes the dialog and reads the queue again: offered when the item was decided meanwhile. */
  onReload?: () => void;
}) {
  const { kind, subject } = props;
  const single = 'item' in subject;
  const kept = props.setAside.get(kind);
  const [reason, setReason] = useState(kept?.reason ?? '');
  const [snooze, setSnooze] = useState(kept?.snooze ?? '');
  const [killDate, setKillDate] = useState(kept?.killDate ?? '');
  // Nothing preselected: relinking to whichever outcome happens to be first would be a decision nobody made.
  const [outcomeId, setOutcomeId] = useState(kept?.outcomeId ?? '');
  const fields: DecisionFields = { reason, snooze, killDate, outcomeId };
  const closeUndecided = () => {
    if (Object.values(fields).some((v) => v !== '')) props.setAside.set(kind, fields);
    else props.setAside.delete(kind);
    props.onClose();
  };
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{
    text: string;
    beforeAnyChange: boolean;
    /** The item changed since the queue was read (decided meanwhile): reloading shows it as it is. */
    stale: boolean;
  } | null>(null);
  const [busy, setBusy] = useState(false);
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  // The control that opened the dialog, read as it first renders: the dialog is placed beside it, in view.
  const opener = useRef<Element | null>(document.activeElement);
  const verb = KIND_VERBS[kind];
  const idp = single ? `${kind}-${subject.item.key}` : 'bulk';
  const title = single ? `${verb} ${subject.item.key}` : `${verb} ${subject.count} selected`;
  // What a relink leaves standing: it only links the item, so any other rule sends it back at the next scan.
  const stillFiring = single
    ? subject.item.rules.filter((r) => r.rule !== 'unlinkedOld').map((r) => ruleLabel(r.rule))
    : [];
  // Typed text that is no day is refused at its field, quoted, as long as it is there: never sent.
  const dayProblems = Object.entries({
    snoozeUntil: kind === 'keep' ? typedDayProblem('Snooze date', snooze) : undefined,
    'killCriteria.deadline': kind === 'keep' ? typedDayProblem('Kill date', killDate) : undefined,
  }).filter((entry): entry is [string, string] => entry[1] !== undefined);
  const fieldErrors: Record<string, string> = { ...errors, ...Object.fromEntries(dayProblems) };
  const submit = async () => {
    const [firstBadDay] = dayProblems;
    if (firstBadDay) {
      document.getElementById(`${idp}-${firstBadDay[0]}`)?.focus();
      return;
    }
    if (kind === 'relink' && !outcomeId) {
      setErrors({ outcomeId: single ? 'Choose the outcome it serves.' : 'Choose the outcome they serve.' });
      document.getElementById(`${idp}-outcome`)?.focus();
      return;
    }
    setBusy(true);
    const error = await props.onSubmit(decisionOf(kind, fields));
    setBusy(false);
    if (!error) {
      props.setAside.delete(kind);
      return props.onClose();
    }
    const refused: Record<string, string> = {};
    for (const [k, v] of Object.entries(error.fields ?? {})) refused[k.replace(/^decision\./, '')] = v;
    setErrors(refused);
    setMessage({
      text: error.message,
      beforeAnyChange: REFUSED_BEFORE_ANY_CHANGE.has(error.code),
      // A conflict that says when to try again is a busy item, not a stale one.
      stale: error.code === 'CONFLICT' && error.retryAfterSeconds === undefined,
    });
    // The keyboard goes to the first field refused, in the dialog's order (Confirm was disabled while it was sent).
    const first = ['reason', 'snoozeUntil', 'killCriteria.deadline', 'outcomeId'].find((f) => refused[f]);
    if (first)
      setTimeout(
        () => document.getElementById(`${idp}-${first === 'outcomeId' ? 'outcome' : first}`)?.focus(),
        0,
      );
  };
  const outcomes = props.page.outcomes
    .filter((o) => o.status === 'active')
    .map((o) => ({ value: o.id, label: o.name }));
  // Atlaskit's TextArea marks itself invalid only with a data attribute: the state is said to assistive
  // technology here, with the message that explains it, and with a `note` the field shows beside it.
  const invalid = (field: string, note?: string) => {
    const describedBy = [fieldErrors[field] ? `${idp}-${field}-error` : null, note].filter(Boolean).join(' ');
    return {
      ...(fieldErrors[field] ? { isInvalid: true, 'aria-invalid': true } : {}),
      ...(describedBy ? { 'aria-describedby': describedBy } : {}),
    };
  };
  // How long the reason is, near and past its limit: said while typing, not only when the decision is refused.
  const reasonLength = lengthNote(reason, REASON_MAX);
  return (
    <Modal
      // While the decision is under way it cannot be called off: closing would look like a cancel that is not one.
      onClose={() => {
        if (!busy) closeUndecided();
      }}
      label={title}
      width="medium"
      autoFocus={reasonRef}
      onOpenComplete={(node) => placeDialogInView(node, opener.current)}
    >
      <form
        aria-label={single ? `${kind} ${subject.item.key}` : `${verb} selected`}
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <ModalHeader>
          <ModalTitle>{title}</ModalTitle>
        </ModalHeader>
        <ModalBody>
          <div className="ol-stack">
            {message ? (
              <SectionMessage
                appearance="error"
                title={
                  message.beforeAnyChange
                    ? single
                      ? 'Nothing was changed'
                      : 'Nothing was started'
                    : single
                      ? 'Not finished: it may be partly made'
                      : 'It may have started'
                }
              >
                <p>{message.text}</p>
                {message.stale && props.onReload ? (
                  <Button onClick={props.onReload}>Reload the queue</Button>
                ) : null}
                {message.beforeAnyChange ? null : (
                  <p>
                    {single
                      ? 'Confirm again to finish it: nothing is done twice.'
                      : `${verb} ${subject.count} again to go on with it: no item is decided twice.`}
                  </p>
                )}
              </SectionMessage>
            ) : null}
            {single ? <p>{subject.item.summary}</p> : null}
            {kind === 'kill' ? (
              <p>
                {single ? 'It is' : 'Each item is'} closed as &quot;won&apos;t do&quot;, gets a comment saying
                why, and {single ? 'a row' : 'its own row'} in the decision log.
              </p>
            ) : null}
            <LabelledField
              id={`${idp}-reason`}
              label={
                single ? 'Why (goes into the decision log)' : "Why (goes into each item's decision log row)"
              }
              error={fieldErrors.reason}
            >
              <AkTextArea
                ref={reasonRef}
                id={`${idp}-reason`}
                value={reason}
                onChange={(e) => {
                  setReason(e.target.value);
                  // A refusal speaks of the reason as it was sent: once it changes, the message no longer holds.
                  setErrors(({ reason: _, ...rest }) => rest);
                }}
                {...invalid('reason', reasonLength ? `${idp}-reason-length` : undefined)}
              />
              {reasonLength ? (
                <span
                  id={`${idp}-reason-length`}
                  className={reasonLength.over ? 'ol-error' : 'ol-help'}
                  data-testid="reason-length"
                >
                  {reasonLength.text}
                </span>
              ) : null}
            </LabelledField>
            {kind === 'keep' ? (
              <div className="ol-grid">
                <LabelledField id={`${idp}-snoozeUntil`} label="Snooze until" error={fieldErrors.snoozeUntil}>
                  <TypedDatePicker
                    id={`${idp}-snoozeUntil`}
                    value={snooze}
                    onChange={(day) => {
                      setSnooze(day);
                      // A refusal speaks of the date as it was sent: once it changes, the message no longer holds.
                      setErrors(({ snoozeUntil: _, ...rest }) => rest);
                    }}
                    // A day already gone is refused on save; the calendar does not offer it.
                    minDate={localToday()}
                    {...invalid('snoozeUntil')}
                  />
                </LabelledField>
                <LabelledField
                  id={`${idp}-killCriteria.deadline`}
                  label="New kill date"
                  error={fieldErrors['killCriteria.deadline']}
                >
                  <TypedDatePicker
                    id={`${idp}-killCriteria.deadline`}
                    value={killDate}
                    onChange={(day) => {
                      setKillDate(day);
                      setErrors(({ 'killCriteria.deadline': _, ...rest }) => rest);
                    }}
                    {...invalid('killCriteria.deadline')}
                  />
                </LabelledField>
              </div>
            ) : null}
            {kind === 'relink' && single && stillFiring.length ? (
              <p className="ol-help" data-testid="relink-still-flagged">
                Relinking answers &ldquo;{ruleLabel('unlinkedOld')}&rdquo; only. {stillFiring.join(', ')}{' '}
                still {stillFiring.length === 1 ? 'holds' : 'hold'}, so the next scan sends {subject.item.key}{' '}
                back here unless that changes: keep it instead to give it time.
              </p>
            ) : null}
            {kind === 'relink' ? (
              <LabelledField
                id={`${idp}-outcome`}
                label={single ? 'Outcome it serves' : 'Outcome they serve'}
                error={errors.outcomeId}
              >
                <Select<PickerOption>
                  inputId={`${idp}-outcome`}
                  options={outcomes}
                  value={outcomes.find((o) => o.value === outcomeId) ?? null}
                  onChange={(o) => {
                    setOutcomeId(o?.value ?? '');
                    setErrors(({ outcomeId: _, ...rest }) => rest);
                  }}
                  placeholder="Choose an outcome"
                  isInvalid={Boolean(errors.outcomeId)}
                  {...(errors.outcomeId ? { 'aria-describedby': `${idp}-outcome-error` } : {})}
                />
              </LabelledField>
            ) : null}
          </div>
        </ModalBody>
        <ModalFooter>
          <Button appearance="subtle" onClick={closeUndecided} isDisabled={busy}>
            Cancel
          </Button>
          <Button
            type="submit"
            appearance={kind === 'kill' ? 'danger' : 'primary'}
            isDisabled={busy}
            isLoading={busy}
          >
            {single ? `Confirm ${kind}` : `${verb} ${subject.count}`}
          </Button>
        </ModalFooter>
      </form>
    </Modal>
  );
}

function QueueItem({
  item,
  page,
  onDecided,
  onStale,
  selected,
  onSelect,
}: {
  item: ZombieItem;
  page: ProjectPageLoadData;
  onDecided: () => void;
  /** The item was decided meanwhile: the queue is read again. */
  onStale: () => void;
  selected: boolean;
  onSelect: (on: boolean) => void;
}) {
  const mark = useDecimalMark();
  const [kind, setKind] = useState<Kind | null>(null);
  // One key per decision, kept across retries and double clicks: the resolver acts once for it. A decision sent
  // and not finished keeps its key for the same decision sent again (kind, reason, dates, outcome: its JSON);
  // any other decision is another request, with a key of its own, never picking up an unfinished one's work.
  const unfinished = useRef(new Map<string, string>());
  const setAside = useRef<SetAside>(new Map());
  return (
    <li className="ol-card" data-testid={`zombie-${item.key}`}>
      <div className="ol-queue-row">
        {page.permissions.canDecide ? (
          <Checkbox
            isChecked={selected}
            onChange={(e) => onSelect(e.target.checked)}
            aria-label={`Select ${item.key}`}
          />
        ) : null}
        <span>
          <IssueLink issueKey={item.key} /> {item.summary}{' '}
          <span className="ol-muted">
            ({item.issueType}, {item.statusName}
            {item.assignee ? `, ${item.assignee.displayName}` : ', unassigned'})
          </span>
        </span>
      </div>
      <p className="ol-queue-facts">
        <span>Idle {humaneDays(item.idleDays)}</span>
        <span>Age {humaneDays(item.ageDays)}</span>
        <span>Score {item.score ?? '–'}</span>
        {item.rules.map((r) => (
          <Lozenge key={r.rule} appearance="moved">
            {ruleLabel(r.rule)}
          </Lozenge>
        ))}
      </p>
      <ul>
        {item.rules.map((r) => (
          <li key={r.rule}>
            <strong>{ruleLabel(r.rule)}</strong> since {r.since}: {ruleWords(r, mark).detail}
          </li>
        ))}
      </ul>
      {page.permissions.canDecide ? (
        <div className="ol-actions">
          {KINDS.map((k) => (
            <Button
              key={k}
              aria-haspopup="dialog"
              onClick={() => setKind(k)}
              aria-label={`${KIND_VERBS[k]} ${item.key}`}
            >
              {KIND_VERBS[k]}
            </Button>
          ))}
        </div>
      ) : null}
      <ModalTransition>
        {kind ? (
          <DecisionDialog
            kind={kind}
            subject={{ item }}
            page={page}
            setAside={setAside.current}
            onClose={() => setKind(null)}
            onReload={() => {
              setKind(null);
              onStale();
            }}
            onSubmit={async (decision) => {
              const request = JSON.stringify(decision);
              const idempotencyKey = unfinished.current.get(request) ?? newRequestId();
              unfinished.current.set(request, idempotencyKey);
              const answer = await callResolver<DecideData>(R.decide, {
                issueKey: item.key,
                idempotencyKey,
                decision,
              });
              if (!answer.ok) return answer.error;
              const { labelLeft, reopenedTo } = answer.data.entry.details;
              flag(
                `${kind === 'kill' ? 'Killed' : kind === 'keep' ? 'Kept' : 'Relinked'} ${item.key}`,
                [
                  answer.data.statusName ? `Status: ${answer.data.statusName}.` : decision.reason,
                  // Its closed status is not editable in Jira's workflow: the flag's label could not be removed.
                  typeof labelLeft === 'string'
                    ? `Its label "${labelLeft}" stays: Jira does not let anyone edit the issue in its closed status.`
                    : null,
                  // An earlier try closed it and someone reopened it since: the reopen stands.
                  typeof reopenedTo === 'string'
                    ? `Someone reopened it to "${reopenedTo}" after your first try closed it: it stays open, and the log says so.`
                    : null,
                ]
                  .filter(Boolean)
                  .join(' '),
              );
              // The next decision on this item (if it stays listed) is a new one.
              unfinished.current.clear();
              onDecided();
              return null;
            }}
          />
        ) : null}
      </ModalTransition>
    </li>
  );
}

const SORTS: Array<{ value: QueueSort; name: string }> = [
  { value: 'idle', name: 'Longest idle first' },
  { value: 'age', name: 'Oldest first' },
  { value: 'rule', name: 'Most rules fired first' },
  { value: 'score', name: 'Lowest score first' },
  { value: 'key', name: 'Issue key' },
];

/** Which part of a queue too long to read at once the server read (src/services/kill-review.ts, ORDER_OF). */
const READ_PART: Record<QueueSort, string> = {
  idle: 'longest idle',
  age: 'oldest',
  rule: 'first by key',
  score: 'lowest-scored',
  key: 'first by key',
};

/** The note on a queue read in part: which part, and how many the last scan flagged in all. */
function partRead(queue: ZombieQueueData, sort: QueueSort): string {
  const all = queue.flaggedInAll
    ? ` of ${queue.flaggedInAll.count} flagged at the last scan (${queue.flaggedInAll.at.slice(0, 10)})`
    : ', there are more';
  return `: only the ${queue.flagged} ${READ_PART[sort]} read${all}`;
}

/** An ISO time as the reader's clock shows it, to the second. */
// In UTC, as the page's other times are: a team across time zones reads one time.
const timeOfDay = (iso: string) => `${new Date(iso).toISOString().slice(11, 19)} UTC`;

/** A labelled Atlaskit select; '' is "any". */
function Picker(props: {
  id: string;
  label: string;
  value: string;
  options: Choice[];
  onChange: (value: string) => void;
}) {
  const seen = useRef(new Map<string, string>());
  const { options, chosen } = pickerChoices(props.options, props.value, seen.current);
  return (
    <div className="ol-field">
      <label className="ol-label" htmlFor={props.id}>
        {props.label}
      </label>
      <Select<PickerOption>
        inputId={props.id}
        options={options}
        value={chosen}
        onChange={(o) => props.onChange(o?.value ?? '')}
        isSearchable={false}
        spacing="compact"
      />
    </div>
  );
}

type Selection =
  | { keys: string[] }
  /** `confirmedCount`: the count the person confirmed; should more match when the work runs, none is decided. */
  | { filter: QueueFilter; sort: QueueSort; confirmedCount: number };

function LabelledField(props: {
  id: string;
  label: string;
  error?: string | undefined;
  children: ReactNode;
}) {
  return (
    <div className="ol-field">
      <label className="ol-label" htmlFor={props.id}>
        {props.label}
      </label>
      {props.children}
      {props.error ? (
        <span className="ol-error" id={`${props.id}-error`}>
          {props.error}
        </span>
      ) : null}
    </div>
  );
}

const PAGE_SIZE = 25;

/** The log's first page; "Load older decisions" asks the resolver for the next one with its cursor. */
const LOG_PAGE = 100;
/** The most entries the resolver gives in one page. */
const LOG_PAGE_MAX = 500;
const readLog = (limit = LOG_PAGE, cursor: string | null = null) =>
  callResolver<DecisionLogData>(R.decisionLog, { limit, cursor });
type LogAnswer = Awaited<ReturnType<typeof readLog>>;

export function KillReview({ page }: { page: ProjectPageLoadData }) {
  const [sort, setSort] = useState<QueueSort>('idle');
  const [filter, setFilter] = useState<QueueFilter>({});
  const [queue, setQueue] = useState<ZombieQueueData | null>(null);
  const [items, setItems] = useState<ZombieItem[]>([]);
  const selection = useListSelection(items.map((i) => i.key));
  // "All N matching": the server resolves the selection from the filter when the work starts.
  const [allMatching, setAllMatching] = useState(false);
  const [bulkKind, setBulkKind] = useState<Kind | null>(null);
  // What a bulk dialog set aside, for the selection it was typed for: a reason for three items is not offered for
  // fifty others.
  const bulkSetAside = useRef<{ selection: string; kept: SetAside }>({ selection: '', kept: new Map() });
  const [error, setError] = useState<string | null>(null);
  // null while loading; an error is shown as such, never as an empty log.
  const [log, setLog] = useState<DecisionEntry[] | null>(null);
  const [logError, setLogError] = useState<string | null>(null);
  const [logCursor, setLogCursor] = useState<string | null>(null);
  // A reload after a decision reads as many entries as are listed, up to the resolver's largest page (500), so
  // older entries listed with "Load older decisions" stay, with no gap between the pages; past 500 the list is
  // cut there, and "Load older decisions" reads the rest again.
  const logListed = useRef(0);
  logListed.current = log?.length ?? 0;
  const firstLogRead = useCallback(
    () => readLog(Math.min(LOG_PAGE_MAX, Math.max(LOG_PAGE, logListed.current))),
    [],
  );
  // Bumped by every reload: an older page asked before it would continue a list that is no longer shown.
  const logReads = useRef(0);

  const showLog = useCallback((l: LogAnswer) => {
    logReads.current += 1;
    if (l.ok) {
      setLog(l.data.entries);
      setLogCursor(l.data.nextCursor);
      setLogError(null);
    } else setLogError(l.error.message);
  }, []);
  const loadLog = useCallback(async () => showLog(await readLog()), [showLog]);
  const moreLog = async (): Promise<string | null> => {
    if (!logCursor) return null;
    const reads = logReads.current;
    const l = await readLog(LOG_PAGE, logCursor);
    if (reads !== logReads.current) return null;
    if (!l.ok) return l.error.message;
    // An entry already listed (written between two reads) is listed once.
    setLog((old) => {
      const listed = new Set((old ?? []).map((e) => e.id));
      return [...(old ?? []), ...l.data.entries.filter((e) => !listed.has(e.id))];
    });
    setLogCursor(l.data.nextCursor);
    return null;
  };
  // The queue and the log are read together and drawn in one render: an item decided shows in the log only once
  // it has left the queue, never in both.
  // The list answers the sort and filter shown: an answer that comes back after they changed (or after a later
  // read of the same list) is dropped, or the list and its total would be another filter's under these pickers.
  const view = JSON.stringify({ sort, filter });
  const shownView = useRef(view);
  shownView.current = view;
  const lastLoad = useRef(0);
  // The first read when the tab opens, "Read again" and "Try again" go to Jira; another filter or sort, a reload
  // after decisions and "Load more" may be answered from this person's read of the last minutes (`reuse`).
  const load = useCallback(
    async (reuse = true) => {
      const mine = ++lastLoad.current;
      const [q, l] = await Promise.all([
        callResolver<ZombieQueueData>(R.zombieQueue, { sort, filter, offset: 0, limit: PAGE_SIZE, reuse }),
        firstLogRead(),
      ]);
      if (mine !== lastLoad.current) return;
      if (q.ok) {
        setQueue(q.data);
        setItems(q.data.items);
        setError(null);
      } else setError(q.error.message);
      showLog(l);
    },
    [sort, filter, showLog, firstLogRead],
  );
  const readFromJira = useCallback(() => load(false), [load]);
  // A decided item leaves the queue with the button that opened its dialog, and the keyboard would fall to the
  // page's body: once the reloaded queue is drawn, it goes to the queue's heading instead.
  // Asked with the reload, so it is drawn in the same render as the queue without the item.
  const [queueFocusAsked, setQueueFocusAsked] = useState(0);
  const reloadAfterDecision = async () => {
    await load();
    setQueueFocusAsked((n) => n + 1);
  };
  // Read again without dropping what "Load more" listed: the listed items stay, less those that left the queue
  // since (decided in another tab); the queue's figures and the log are read anew.
  const listedNow = useRef(items);
  listedNow.current = items;
  const refresh = async (decided: string | null = null) => {
    if (decided) setItems((old) => old.filter((i) => i.key !== decided));
    const listed = listedNow.current.map((i) => i.key).filter((key) => key !== decided);
    if (listed.length === 0) return reloadAfterDecision();
    const asked = shownView.current;
    const [q, l] = await Promise.all([
      // One past the listed items, only to know whether more are left for "Load more".
      callResolver<ZombieQueueData>(R.zombieQueue, {
        sort,
        filter,
        offset: 0,
        limit: 1,
        listed,
        reuse: true,
      }),
      firstLogRead(),
    ]);
    showLog(l);
    if (asked !== shownView.current) return;
    if (q.ok) {
      const gone = new Set(q.data.gone);
      setItems((old) => old.filter((i) => !gone.has(i.key)));
      setQueue({ ...q.data, items: [], nextOffset: q.data.items.length > 0 ? 0 : null });
      setError(null);
    } else flag('The zombie queue could not reload', q.error.message, 'error');
    setQueueFocusAsked((n) => n + 1);
  };
  useEffect(() => {
    const at = document.activeElement;
    if (queueFocusAsked > 0 && (!at || at === document.body || !at.isConnected))
      document.getElementById('zombie-queue-heading')?.focus();
  }, [queueFocusAsked]);
  const opened = useRef(false);
  useEffect(() => {
    void load(opened.current);
    opened.current = true;
  }, [load]);
  // A new sort or filter is a new list: what was selected in the old one is not carried over.
  const { replace: replaceSelection } = selection;
  useEffect(() => {
    replaceSelection([]);
    setAllMatching(false);
  }, [sort, filter, replaceSelection]);

  const bulk = useBulkRun((job) => {
    // Nothing decided (the filter matched more than was confirmed): the progress's note says why, not a flag.
    if (job.failed.length === 0 && job.decided > 0)
      flag(
        `${job.kind === 'kill' ? 'Killed' : job.kind === 'keep' ? 'Kept' : 'Relinked'} ${job.decided} items`,
        'Each has its own row in the decision log.',
      );
    // What failed stays selected, so it can be looked at; Resume retries it with the same keys.
    selection.replace(job.failed.map((f) => f.key));
    setAllMatching(false);
    // From Jira: a job refused as the filter now matches more than was confirmed must show what it matches now.
    // The decision buttons leave with the selection, and a keyboard on them would fall to the page's body: it
    // goes to the queue's heading once the reloaded queue is drawn, as after a single decision.
    void load(false).then(() => setQueueFocusAsked((n) => n + 1));
  });

  const more = async () => {
    if (queue?.nextOffset == null) return;
    // The next page is what the queue holds now past what is listed: an item decided meanwhile (in another tab)
    // shifts no zombie past it unseen, and one listed already is not listed twice.
    const asked = shownView.current;
    const q = await callResolver<ZombieQueueData>(R.zombieQueue, {
      sort,
      filter,
      offset: 0,
      limit: PAGE_SIZE,
      listed: items.map((i) => i.key),
      reuse: true,
    });
    if (asked !== shownView.current) return;
    if (q.ok) {
      setQueue(q.data);
      // What left the queue since it was listed (decided in another tab) leaves the list too.
      const gone = new Set(q.data.gone);
      setItems((old) => {
        const known = new Set(old.map((i) => i.key));
        return [...old.filter((i) => !gone.has(i.key)), ...q.data.items.filter((i) => !known.has(i.key))];
      });
    } else flag('More zombies could not load', q.error.message, 'error');
  };
  const total = queue?.total ?? 0;
  const filtered = Boolean(filter.rule || filter.issueType || filter.assignee);
  const count = allMatching ? total : selection.selected.length;
  const chosen: Selection = allMatching
    ? { filter, sort, confirmedCount: total }
    : { keys: selection.selected };
  const chosenNow = JSON.stringify('keys' in chosen ? [...chosen.keys].sort() : chosen);
  if (bulkSetAside.current.selection !== chosenNow)
    bulkSetAside.current = { selection: chosenNow, kept: new Map() };
  const setFilterPart = (part: keyof QueueFilter, value: string) =>
    setFilter((old) => {
      const next = { ...old };
      if (value) next[part] = value;
      else delete next[part];
      return next;
    });
  const options = queue?.options;

  return (
    <div className="ol-stack">
      {!page.permissions.canDecide ? (
        <Message appearance="info" title="Read-only">
          <p>Only people who can edit and transition issues in this project can decide here.</p>
        </Message>
      ) : null}
      {error ? (
        <Message appearance="error" title="The zombie queue could not load">
          <p>{error}</p>
          <TryAgain onRetry={readFromJira} />
        </Message>
      ) : null}
      <h2 id="zombie-queue-heading" className="ol-heading" tabIndex={-1}>
        Zombie queue
      </h2>
      {queue === null && !error ? <p className="ol-muted">Loading the queue…</p> : null}
      {queue && queue.flagged === 0 ? (
        <p className="ol-muted">
          {page.lastScanAt === null
            ? 'Nothing to review: this project has not been scanned yet.'
            : 'No zombies: nothing lingers.'}
        </p>
      ) : null}
      {queue && queue.flagged > 0 ? (
        <>
          <div className="ol-grid ol-queue-controls">
            <Picker
              id="queue-sort"
              label="Sort"
              value={sort}
              options={SORTS}
              onChange={(v) => setSort((v || 'idle') as QueueSort)}
            />
            <Picker
              id="queue-rule"
              label="Rule"
              value={filter.rule ?? ''}
              options={[
                { value: '', name: 'Any rule' },
                ...(options?.rules ?? []).map((r) => ({
                  value: r.rule,
                  name: ruleLabel(r.rule),
                  count: r.count,
                })),
              ]}
              onChange={(v) => setFilterPart('rule', v)}
            />
            <Picker
              id="queue-type"
              label="Issue type"
              value={filter.issueType ?? ''}
              options={[
                { value: '', name: 'Any type' },
                ...(options?.issueTypes ?? []).map((t) => ({
                  value: t.name,
                  name: t.name,
                  count: t.count,
                })),
              ]}
              onChange={(v) => setFilterPart('issueType', v)}
            />
            <Picker
              id="queue-assignee"
              label="Assignee"
              value={filter.assignee ?? ''}
              options={[
                { value: '', name: 'Anyone' },
                ...(options?.assignees ?? []).map((a) => ({
                  value: a.accountId,
                  name: a.displayName,
                  count: a.count,
                })),
              ]}
              onChange={(v) => setFilterPart('assignee', v)}
            />
          </div>
          <p data-testid="queue-totals">
            <strong>
              {total} {total === 1 ? 'zombie' : 'zombies'}
            </strong>
            {filtered ? ` match the filter (of ${queue.flagged})` : ''}
            {queue.truncated ? partRead(queue, sort) : ''}, {items.length} listed
            {page.permissions.canDecide ? `, ${count} selected` : ''}
          </p>
        </>
      ) : null}
      {queue ? (
        <p className="ol-help" data-testid="queue-read-at">
          Read from Jira at {timeOfDay(queue.readAt)}: decisions show at once, a scan&apos;s changes once it
          has finished.{' '}
          <Button appearance="subtle" spacing="compact" onClick={() => void readFromJira()}>
            Read again
          </Button>
        </p>
      ) : null}
      <UnreadableNote unreadable={queue?.unreadable} leftOutOf="this queue" testId="queue-unreadable" />
      {page.permissions.canDecide && items.length > 0 ? (
        <div className="ol-actions ol-bulk-bar">
          <Checkbox
            label="Select all listed"
            isChecked={selection.allListed || allMatching}
            isIndeterminate={selection.someListed && !allMatching}
            onChange={(e) => {
              setAllMatching(false);
              selection.setAllListed(e.target.checked);
            }}
          />
          {selection.allListed && total > items.length && !allMatching ? (
            <Button appearance="subtle" onClick={() => setAllMatching(true)}>
              Select all {total} matching
            </Button>
          ) : null}
          {count > 0 ? (
            <>
              <Button appearance="danger" onClick={() => setBulkKind('kill')} isDisabled={bulk.running}>
                Kill {count} selected
              </Button>
              <Button onClick={() => setBulkKind('keep')} isDisabled={bulk.running}>
                Keep {count} selected
              </Button>
              <Button onClick={() => setBulkKind('relink')} isDisabled={bulk.running}>
                Relink {count} selected
              </Button>
              <Button
                appearance="subtle"
                onClick={() => {
                  selection.replace([]);
                  setAllMatching(false);
                }}
              >
                Clear selection
              </Button>
            </>
          ) : null}
        </div>
      ) : null}
      <BulkProgress run={bulk} />
      <ModalTransition>
        {bulkKind ? (
          <DecisionDialog
            kind={bulkKind}
            subject={{ count }}
            page={page}
            setAside={bulkSetAside.current.kept}
            onClose={() => setBulkKind(null)}
            onSubmit={(decision) => bulk.start({ decision, selection: chosen })}
          />
        ) : null}
      </ModalTransition>
      <ul className="ol-cards" aria-label="Zombie queue">
        {items.map((item) => (
          <QueueItem
            key={item.key}
            item={item}
            page={page}
            onDecided={() => void refresh(item.key)}
            onStale={() => void refresh()}
            selected={allMatching || selection.isSelected(item.key)}
            onSelect={(on) => {
              if (allMatching) {
                // Leaving "all matching" for the listed items, less this one.
                setAllMatching(false);
                selection.replace(items.map((i) => i.key).filter((k) => k !== item.key));
                return;
              }
              selection.set(item.key, on);
            }}
          />
        ))}
      </ul>
      {queue?.nextOffset != null ? <Button onClick={() => void more()}>Load more zombies</Button> : null}
      <DecisionLog
        projectKey={page.projectKey}
        log={log}
        error={logError}
        onRetry={loadLog}
        hasMore={logCursor !== null}
        onMore={moreLog}
      />
    </div>
  );
}
