import Button from '@atlaskit/button/new';
import DynamicTable from '@atlaskit/dynamic-table';
import Lozenge, { type ThemeAppearance } from '@atlaskit/lozenge';
import Spinner from '@atlaskit/spinner';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { MAX_DRY_RUN_SAMPLES, PROJECT_PAGE_RESOLVERS as R } from '../../../src/contract/project-page-keys';
import type { ScanRunView, ScanRunsData } from '../../../src/contract/project-page';
import { callResolver } from '../../shared/bridge';
import { IssueLink } from '../../shared/IssueLink';
import { LoadError } from '../../shared/LoadError';
import { TableScroll } from '../../shared/TableScroll';

const POLL_MS = 1500;
const MAX_POLLS = 40;

const when = (iso: string | null) => (iso ? iso.slice(0, 19).replace('T', ' ') : '–');

export function duration(ms: number | null): string {
  if (ms === null) return '–';
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

const STATUS_LOZENGE: Record<ScanRunView['status'], ThemeAppearance> = {
  running: 'inprogress',
  finished: 'success',
  failed: 'removed',
  stalled: 'moved',
};

const HEAD = {
  cells: [
    'Started',
    'Started by',
    'Mode',
    'Status',
    'Duration',
    'Pages',
    'Issues',
    'Flagged',
    'Cleared',
    'Changed',
    'Errors',
    'Skipped',
    'Details',
  ].map((content) => ({ key: content, content })),
};

/** A count the page withholds from this person (see the run's note) shows as a dash, not as nought. */
function count(n: number | undefined): ReactNode {
  return n === undefined ? <span title="Not shown to you: see the run's details">–</span> : n;
}

function rowOf(r: ScanRunView) {
  const cells: Array<[string, ReactNode]> = [
    ['started', when(r.startedAt)],
    ['by', r.origin === 'manual' ? 'Scan now' : r.origin === 'install' ? 'Installation' : 'Schedule'],
    ['mode', r.dryRun ? 'Dry run (wrote nothing)' : 'Live'],
    ['status', <Lozenge appearance={STATUS_LOZENGE[r.status]}>{r.status}</Lozenge>],
    ['duration', duration(r.durationMs)],
    ['pages', count(r.counters?.pages)],
    ['issues', count(r.counters?.issues)],
    ['flagged', count(r.counters?.flagged)],
    ['cleared', count(r.counters?.cleared)],
    ['changed', count(r.counters?.changed)],
    ['errors', count(r.counters?.errors)],
    ['skipped', count(r.counters?.skipped)],
    ['details', hasDetails(r) ? <RunDetails run={r} /> : null],
  ];
  return {
    key: r.runId,
    testId: `scan-run-${r.runId}`,
    cells: cells.map(([key, content]) => ({ key, content })),
  };
}

const hasDetails = (run: ScanRunView) =>
  run.failure !== null ||
  run.errors.length > 0 ||
  skippedOf(run).length > 0 ||
  run.wouldChange.length > 0 ||
  unlistedChanges(run) > 0 ||
  run.notes.length > 0;

/**
 * How many of a dry run's changed issues its list leaves out though it is not full: a dry run made before it
 * counted as changed only what it lists also counted the issues that would only get the flag's label or
 * comment, and listed none of them. 0 for any other run.
 */
export function unlistedChanges(run: Pick<ScanRunView, 'dryRun' | 'counters' | 'wouldChange'>): number {
  if (!run.dryRun || !run.counters || run.wouldChange.length >= MAX_DRY_RUN_SAMPLES) return 0;
  return Math.max(0, run.counters.changed - run.wouldChange.length);
}

/** The details open in the narrow last column: room enough that a line of them reads as a line, not a strip. */
const DETAILS_STYLE = { minWidth: '18rem' } as const;

/** An answer from a backend older than skips has none. */
const skippedOf = (run: ScanRunView) => run.skipped ?? [];

/** The details' summary line names what is inside, in the order it is shown. */
function detailsTitle(run: ScanRunView): string {
  const parts = [
    run.failure ? (run.status === 'stalled' ? 'Why it stopped' : 'Why it failed') : null,
    run.errors.length ? `${run.errors.length} issue errors` : null,
    skippedOf(run).length
      ? `${skippedOf(run).length} ${skippedOf(run).length === 1 ? 'issue' : 'issues'} skipped`
      : null,
    run.wouldChange.length || unlistedChanges(run) ? 'what the dry run would change' : null,
    run.notes.length ? `${run.notes.length === 1 ? 'a note' : `${run.notes.length} notes`} on the run` : null,
  ].filter((p): p is string => p !== null);
  const text = parts.join(', ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function RunDetails({ run }: { run: ScanRunView }) {
  const unlisted = unlistedChanges(run);
  return (
    <details style={DETAILS_STYLE}>
      <summary>{detailsTitle(run)}</summary>
      {run.failure ? <p>{run.failure}</p> : null}
      {run.errors.length ? (
        <ul aria-label={`Errors of the run started ${when(run.startedAt)}`}>
          {run.errors.map((e, i) => (
            <li key={i}>
              <strong>{e.issueKey ?? 'Scan'}</strong>: {e.message}
            </li>
          ))}
        </ul>
      ) : null}
      {skippedOf(run).length ? (
        <ul aria-label={`Skipped by the run started ${when(run.startedAt)}`}>
          {skippedOf(run).map((e, i) => (
            <li key={i}>
              <strong>{e.issueKey ?? 'Scan'}</strong>: {e.message}
            </li>
          ))}
        </ul>
      ) : null}
      {run.wouldChange.length ? (
        <ul aria-label={`Would change in the dry run started ${when(run.startedAt)}`}>
          {run.wouldChange.map((w) => (
            <li key={w.issueKey}>
              <IssueLink issueKey={w.issueKey} />: would{' '}
              {w.change === 'flag'
                ? 'flag as zombie'
                : w.change === 'clear'
                  ? 'clear the flag'
                  : 'update the score'}
            </li>
          ))}
        </ul>
      ) : null}
      {run.wouldChange.length >= MAX_DRY_RUN_SAMPLES && run.counters ? (
        <p className="ol-help" data-testid="dry-run-more">
          The first {MAX_DRY_RUN_SAMPLES} are listed; the run&apos;s figures count every one:{' '}
          {run.counters.flagged} flagged, {run.counters.cleared} cleared, {run.counters.changed} changed.
        </p>
      ) : null}
      {unlisted > 0 && run.counters ? (
        <p className="ol-help" data-testid="dry-run-unlisted">
          {run.counters.changed} changed are counted and {run.wouldChange.length} listed: this dry run also
          counted {unlisted === 1 ? 'the issue' : `the ${unlisted} issues`} whose only change would be the
          flag&apos;s label or comment, which it does not list. Dry runs now count only what they list.
        </p>
      ) : null}
      {run.notes.length ? (
        <ul aria-label={`Notes on the run started ${when(run.startedAt)}`}>
          {run.notes.map((n, i) => (
            <li key={i}>{n}</li>
          ))}
        </ul>
      ) : null}
    </details>
  );
}

/**
 * The latest scan runs. `tick` changes when "Scan now" started a run: the list reloads and then polls until the
 * new run has shown up and finished, so it finishes on screen; `onFinished` is told when it has. `watchTick`
 * changes when a "Scan now" found a run already going: the list follows that run, and waits for no new one.
 * `onGoing` is told, with each look, whether a run is going or still awaited.
 */
export function ScanRuns({
  tick,
  watchTick = 0,
  onFinished,
  onGoing,
}: {
  tick: number;
  watchTick?: number;
  onFinished?: () => void;
  onGoing?: (going: boolean) => void;
}) {
  const [data, setData] = useState<ScanRunsData | null>(null);
  // The latest callbacks, read when the run finishes: a new one each render must not restart the polling.
  const finished = useRef(onFinished);
  finished.current = onFinished;
  const going = useRef(onGoing);
  going.current = onGoing;
  const [error, setError] = useState<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  // Runs on screen when "Scan now" was pressed: a queued run has no summary until the scan picks it up. A run
  // that was going then is not counted among them: a second press (a double click) that found it going, or one
  // made while it was being picked up, waits for it, not for yet another run.
  const seen = useRef<Set<string>>(new Set());
  const before = useRef<Set<string>>(new Set());
  const lastTick = useRef(tick);
  // A run this page started and has not seen yet: a tick came, and no run outside `before` has shown since.
  const awaited = useRef(false);
  const [waiting, setWaiting] = useState(false);
  // A run seen going (whoever started it) and then over has changed the figures: the page is told, as after
  // its own Scan now.
  const sawRunning = useRef(false);
  // Checking stopped (a while passed) with a run still going: the heading says so and offers to check again.
  const [gaveUp, setGaveUp] = useState(false);
  // Bumped by Try again and Check again: loads and watches again, with the same Scan now in view.
  const [again, setAgain] = useState(0);

  useEffect(() => {
    if (tick !== lastTick.current) {
      lastTick.current = tick;
      before.current = new Set(seen.current);
      awaited.current = true;
    }
    let polls = 0;
    let stopped = false;
    const load = async () => {
      const a = await callResolver<ScanRunsData>(R.scanRuns, { limit: 10 });
      if (stopped) return;
      if (!a.ok) {
        setError(a.error.message);
        // One check that failed does not end the watch: the run goes on, and the next check may be answered.
        if ((awaited.current || sawRunning.current) && polls++ < MAX_POLLS)
          timer.current = setTimeout(() => void load(), POLL_MS);
        else going.current?.(false);
        return;
      }
      setError(null);
      setData(a.data);
      seen.current = new Set(a.data.runs.filter((r) => r.status !== 'running').map((r) => r.runId));
      // The run this page started has shown up once any run not on screen before the press has.
      if (awaited.current && a.data.runs.some((r) => !before.current.has(r.runId))) awaited.current = false;
      // After "Scan now" keep looking until the new run shows and is done (or a while has passed).
      const queued = awaited.current;
      const keepPolling = (a.data.running || queued) && polls++ < MAX_POLLS;
      if (!keepPolling) awaited.current = false;
      setWaiting(queued && keepPolling);
      setGaveUp(a.data.running && !keepPolling);
      // Over: a run seen going is no longer, or the run this page started (or found going) was over when looked at.
      const ended = !a.data.running && (sawRunning.current || ((tick > 0 || watchTick > 0) && !queued));
      sawRunning.current = a.data.running;
      // Not once the watch has stopped: nothing would say when the run ends, and the buttons would stay off.
      // A press while it still runs is answered "already running", and the list follows that run.
      going.current?.(keepPolling);
      if (keepPolling) timer.current = setTimeout(() => void load(), POLL_MS);
      // Told even while still awaiting a run of its own: the figures changed with the one that ended.
      if (ended) finished.current?.();
    };
    void load();
    return () => {
      stopped = true;
      if (timer.current) clearTimeout(timer.current);
    };
  }, [tick, watchTick, again]);
  const checkAgain = () => {
    setAgain((n) => n + 1);
    return Promise.resolve();
  };

  return (
    <section aria-labelledby="scan-runs-heading" className="ol-stack">
      <h2 className="ol-heading" id="scan-runs-heading">
        Scan runs{' '}
        {gaveUp ? (
          <span className="ol-muted">(a scan was still running when last checked)</span>
        ) : data?.running ? (
          <span className="ol-muted">(a scan is running…)</span>
        ) : waiting ? (
          <span className="ol-muted">(scan queued…)</span>
        ) : null}
      </h2>
      {gaveUp && !error ? (
        <div>
          <Button onClick={() => void checkAgain()}>Check again</Button>
        </div>
      ) : null}
      {error ? (
        <LoadError
          title="Scan runs could not load"
          message={error}
          onRetry={checkAgain}
          testId="scan-runs-error"
        />
      ) : null}
      {!data && !error ? <Spinner label="Loading scan runs" /> : null}
      {data && data.runs.length === 0 ? <p className="ol-muted">No scan has run yet.</p> : null}
      {data && data.runs.length ? (
        <TableScroll label="Scan runs, scrolls sideways">
          <DynamicTable label="Scan runs" head={HEAD} rows={data.runs.map(rowOf)} testId="scan-runs" />
        </TableScroll>
      ) : null}
    </section>
  );
}
