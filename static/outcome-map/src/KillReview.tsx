import { useCallback, useEffect, useRef, useState } from 'react';
import {
  PROJECT_PAGE_RESOLVERS as R,
  type DecideData,
  type DecisionEntry,
  type DecisionLogData,
  type ProjectPageLoadData,
  type ZombieItem,
  type ZombieQueueData,
} from '../../../src/contract/project-page';
import { callResolver, flag } from '../../shared/bridge';
import { SelectInput, TextArea, TextInput } from '../../shared/Field';
import { Message } from '../../shared/Message';
import { ruleLabel } from '../../shared/zombie-rules';
import { DecisionLog } from './DecisionLog';
import { IssueLink } from './IssueLink';

function newKey(): string {
  const c = globalThis.crypto as Crypto | undefined;
  return c?.randomUUID
    ? c.randomUUID()
    : `k${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
}

const KINDS = ['kill', 'keep', 'relink'] as const;
type Kind = (typeof KINDS)[number];
const KIND_VERBS: Record<Kind, string> = { kill: 'Kill', keep: 'Keep', relink: 'Relink' };

function DecisionForm(props: {
  item: ZombieItem;
  page: ProjectPageLoadData;
  kind: Kind;
  onDone: (d: DecideData | null) => void;
}) {
  const { item, kind } = props;
  const [reason, setReason] = useState('');
  const [snooze, setSnooze] = useState('');
  const [killDate, setKillDate] = useState('');
  // Nothing preselected: relinking to whichever outcome happens to be first would be a decision nobody made.
  const [outcomeId, setOutcomeId] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // One key per decision, kept across retries: the resolver acts once for it.
  const key = useRef(newKey());
  const idp = `${kind}-${item.key}`;
  // The form opens under the buttons: take the keyboard to its first field.
  useEffect(() => document.getElementById(`${idp}-reason`)?.focus(), [idp]);

  const submit = async () => {
    if (kind === 'relink' && !outcomeId) {
      setErrors({ outcomeId: 'Choose the outcome it serves.' });
      document.getElementById(`${idp}-outcome`)?.focus();
      return;
    }
    const decision =
      kind === 'kill'
        ? { kind, reason }
        : kind === 'keep'
          ? {
              kind,
              reason,
              ...(snooze ? { snoozeUntil: snooze } : {}),
              ...(killDate ? { killCriteria: { deadline: killDate } } : {}),
            }
          : { kind, reason, outcomeId };
    setBusy(true);
    const answer = await callResolver<DecideData>(R.decide, {
      issueKey: item.key,
      idempotencyKey: key.current,
      decision,
    });
    setBusy(false);
    if (answer.ok) {
      flag(
        `${kind === 'kill' ? 'Killed' : kind === 'keep' ? 'Kept' : 'Relinked'} ${item.key}`,
        answer.data.statusName ? `Status: ${answer.data.statusName}` : reason,
      );
      props.onDone(answer.data);
    } else {
      const fields: Record<string, string> = {};
      for (const [k, v] of Object.entries(answer.error.fields ?? {}))
        fields[k.replace(/^decision\./, '')] = v;
      setErrors(fields);
      setMessage(answer.error.message);
    }
  };
  return (
    <form
      className="ol-dialog ol-stack"
      aria-label={`${kind} ${item.key}`}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      {message ? (
        <Message appearance="error" title="Nothing was changed">
          <p>{message}</p>
        </Message>
      ) : null}
      <TextArea
        id={`${idp}-reason`}
        label="Why (goes into the decision log)"
        value={reason}
        onChange={setReason}
        error={errors.reason}
      />
      {kind === 'keep' ? (
        <div className="ol-grid">
          <TextInput
            id={`${idp}-snooze`}
            label="Snooze until"
            type="date"
            value={snooze}
            onChange={setSnooze}
            error={errors.snoozeUntil}
          />
          <TextInput
            id={`${idp}-killdate`}
            label="New kill date"
            type="date"
            value={killDate}
            onChange={setKillDate}
            error={errors['killCriteria.deadline']}
          />
        </div>
      ) : null}
      {kind === 'relink' ? (
        <SelectInput
          id={`${idp}-outcome`}
          label="Outcome it serves"
          value={outcomeId}
          onChange={setOutcomeId}
          error={errors.outcomeId}
          placeholder="Choose an outcome"
          options={props.page.outcomes
            .filter((o) => o.status === 'active')
            .map((o) => ({ value: o.id, label: o.name }))}
        />
      ) : null}
      <div className="ol-actions">
        <button type="submit" className="ol-btn ol-btn-primary" disabled={busy}>
          Confirm {kind}
        </button>
        <button type="button" className="ol-btn" onClick={() => props.onDone(null)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function QueueItem({
  item,
  page,
  onDecided,
  selected,
  onSelect,
}: {
  item: ZombieItem;
  page: ProjectPageLoadData;
  onDecided: () => void;
  selected: boolean;
  onSelect: (on: boolean) => void;
}) {
  const [kind, setKind] = useState<Kind | null>(null);
  const openerId = (k: Kind) => `${k}-${item.key}-open`;
  return (
    <li className="ol-card" data-testid={`zombie-${item.key}`}>
      {page.permissions.canDecide ? (
        <input
          type="checkbox"
          checked={selected}
          onChange={(e) => onSelect(e.target.checked)}
          aria-label={`Select ${item.key}`}
        />
      ) : null}{' '}
      <IssueLink issueKey={item.key} /> {item.summary} <span className="ol-muted">({item.statusName})</span>
      <ul>
        {item.rules.map((r) => (
          <li key={r.rule}>
            <strong>{ruleLabel(r.rule)}</strong> since {r.since}: {r.detail}
          </li>
        ))}
      </ul>
      {page.permissions.canDecide ? (
        <div className="ol-actions">
          {KINDS.map((k) => (
            <button
              key={k}
              id={openerId(k)}
              type="button"
              className="ol-btn"
              aria-expanded={kind === k}
              onClick={() => setKind(k)}
              aria-label={`${KIND_VERBS[k]} ${item.key}`}
            >
              {KIND_VERBS[k]}
            </button>
          ))}
        </div>
      ) : null}
      {kind ? (
        <DecisionForm
          key={kind}
          item={item}
          page={page}
          kind={kind}
          onDone={(d) => {
            const opener = openerId(kind);
            setKind(null);
            if (d) onDecided();
            // Cancel returns the keyboard to the button that opened the form.
            else setTimeout(() => document.getElementById(opener)?.focus(), 0);
          }}
        />
      ) : null}
    </li>
  );
}

/**
 * One per-item idempotency key from the bulk's key: the same bulk retried sends the same key for each issue,
 * so an item already kept is not kept twice. Issue keys of one project differ only by their number.
 */
export function bulkItemKey(bulkKey: string, issueKey: string): string {
  return `${bulkKey}-n${issueKey.slice(issueKey.lastIndexOf('-') + 1)}`;
}

/** Keep many at once: each item goes through the single decision, in turn, and gets its own log row. */
function BulkKeep(props: { selected: string[]; onDone: (stillSelected: string[]) => void }) {
  const [reason, setReason] = useState('');
  const [snooze, setSnooze] = useState('');
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [failures, setFailures] = useState<Array<{ key: string; message: string }>>([]);
  // Kept while the same items are retried: a retry repeats the same per-item keys.
  const bulkKey = useRef(newKey());
  const run = async () => {
    const keys = props.selected;
    const failed: Array<{ key: string; message: string }> = [];
    let stopped = false;
    setFailures([]);
    setProgress({ done: 0, total: keys.length });
    for (const [i, issueKey] of keys.entries()) {
      const answer = await callResolver<DecideData>(R.decide, {
        issueKey,
        idempotencyKey: bulkItemKey(bulkKey.current, issueKey),
        decision: { kind: 'keep', reason, ...(snooze ? { snoozeUntil: snooze } : {}) },
      });
      if (!answer.ok) {
        failed.push({ key: issueKey, message: answer.error.message });
        // A missing reason or date fails every item alike: say so once instead of once per item.
        if (answer.error.code === 'VALIDATION' && i === 0) {
          stopped = true;
          break;
        }
      }
      setProgress({ done: i + 1, total: keys.length });
    }
    setFailures(failed);
    if (stopped) {
      setProgress(null);
      return;
    }
    if (failed.length === 0) {
      flag(`Kept ${keys.length} items`, reason);
      bulkKey.current = newKey();
    }
    // What failed stays selected: Keep again retries those with the same per-item keys.
    props.onDone(failed.map((f) => f.key));
  };
  return (
    <form
      className="ol-dialog ol-stack"
      aria-label="Keep selected"
      onSubmit={(e) => {
        e.preventDefault();
        void run();
      }}
    >
      <div className="ol-grid">
        <TextInput
          id="bulk-snooze"
          label="Snooze selected until"
          type="date"
          value={snooze}
          onChange={setSnooze}
        />
        <TextArea
          id="bulk-reason"
          label="Why (goes into each item's decision log row)"
          value={reason}
          onChange={setReason}
        />
      </div>
      {progress ? (
        <p role="status" data-testid="bulk-progress">
          Kept {progress.done} of {progress.total}
          {progress.done < progress.total ? '…' : '.'}
        </p>
      ) : null}
      {failures.length > 0 ? (
        <Message appearance="error" title={`${failures.length} not kept`}>
          <ul>
            {failures.map((f) => (
              <li key={f.key}>
                {f.key}: {f.message}
              </li>
            ))}
          </ul>
        </Message>
      ) : null}
      <div className="ol-actions">
        <button
          type="submit"
          className="ol-btn ol-btn-primary"
          disabled={props.selected.length === 0 || (progress !== null && progress.done < progress.total)}
        >
          Keep {props.selected.length} selected
        </button>
      </div>
    </form>
  );
}

export function KillReview({ page }: { page: ProjectPageLoadData }) {
  const [selected, setSelected] = useState<string[]>([]);
  const [queue, setQueue] = useState<ZombieItem[] | null>(null);
  const [token, setToken] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  // null while loading; an error is shown as such, never as an empty log.
  const [log, setLog] = useState<DecisionEntry[] | null>(null);
  const [logError, setLogError] = useState<string | null>(null);

  const load = useCallback(async () => {
    const [q, l] = await Promise.all([
      callResolver<ZombieQueueData>(R.zombieQueue, {}),
      callResolver<DecisionLogData>(R.decisionLog, { limit: 100 }),
    ]);
    if (q.ok) {
      setQueue(q.data.items);
      setToken(q.data.nextPageToken);
      setError(null);
    } else setError(q.error.message);
    if (l.ok) {
      setLog(l.data.entries);
      setLogError(null);
    } else setLogError(l.error.message);
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  const more = async () => {
    const q = await callResolver<ZombieQueueData>(R.zombieQueue, { pageToken: token });
    if (q.ok) {
      setQueue((old) => [...(old ?? []), ...q.data.items]);
      setToken(q.data.nextPageToken);
    } else flag('More zombies could not load', q.error.message, 'error');
  };
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
        </Message>
      ) : null}
      <h2 className="ol-heading">Zombie queue</h2>
      {queue === null && !error ? <p className="ol-muted">Loading the queue…</p> : null}
      {queue && queue.length === 0 ? (
        <p className="ol-muted">
          {page.lastScanAt === null
            ? 'Nothing to review: this project has not been scanned yet.'
            : 'No zombies: nothing lingers.'}
        </p>
      ) : null}
      {queue && queue.length > 0 ? (
        <p data-testid="queue-totals">
          {queue.length} zombies listed{token ? ' (more to load)' : ''}
          {page.permissions.canDecide ? `, ${selected.length} selected` : ''}
        </p>
      ) : null}
      {page.permissions.canDecide && queue && queue.length > 0 ? (
        <>
          <div className="ol-actions">
            <button type="button" className="ol-btn" onClick={() => setSelected(queue.map((i) => i.key))}>
              Select all listed
            </button>
            <button type="button" className="ol-btn" onClick={() => setSelected([])}>
              Clear selection
            </button>
          </div>
          <BulkKeep
            selected={selected}
            onDone={(stillSelected) => {
              setSelected(stillSelected);
              void load();
            }}
          />
        </>
      ) : null}
      <ul className="ol-cards" aria-label="Zombie queue">
        {(queue ?? []).map((item) => (
          <QueueItem
            key={item.key}
            item={item}
            page={page}
            onDecided={() => void load()}
            selected={selected.includes(item.key)}
            onSelect={(on) =>
              setSelected((old) => (on ? [...old, item.key] : old.filter((k) => k !== item.key)))
            }
          />
        ))}
      </ul>
      {token ? (
        <button type="button" className="ol-btn" onClick={() => void more()}>
          Load more zombies
        </button>
      ) : null}
      <DecisionLog projectKey={page.projectKey} log={log} error={logError} />
    </div>
  );
}
