/**
 * A bulk decision as the page runs it: start it (the server queues the work), poll its progress until done,
 * and resume what failed by sending the same request again (the server decides only what is left, with the
 * same per-item keys). Shared by the kill review and the outcome map's bulk link.
 */
import Button from '@atlaskit/button/new';
import ProgressBar from '@atlaskit/progress-bar';
import SectionMessage from '@atlaskit/section-message';
import { useCallback, useEffect, useRef, useState } from 'react';
import { PROJECT_PAGE_RESOLVERS as R } from '../../../src/contract/project-page-keys';
import type { BulkDecidePayload, BulkJobData } from '../../../src/contract/project-page';
import type { ErrorAnswer } from '../../../src/contract/answer';
import { callResolver } from '../../shared/bridge';
import { newRequestId } from '../../shared/requestId';

const POLL_MS = 500;
/** After a failed check the next one waits twice as long as the last, up to this. */
const MAX_POLL_MS = 16_000;
/** Checks failed in a row before the page says so and stops holding the decision buttons. */
const FAILURES_SHOWN = 3;

export interface BulkRun {
  job: BulkJobData | null;
  /** Starts the request (or sends it again: a resume). Answers the error when the server refused it. */
  start: (request: Omit<BulkDecidePayload, 'idempotencyKey'>) => Promise<ErrorAnswer | null>;
  /** Sends the last request again, for what failed; a refusal is kept in `resumeError`. */
  resume: () => Promise<void>;
  /** A resume request is on its way: the button waits for it, so a second press sends nothing more. */
  resuming: boolean;
  /** Why the last resume did not start (the request was refused or never arrived); null otherwise. */
  resumeError: string | null;
  /**
   * A run is going on and the page can follow it: new decisions wait. False once progress checks keep failing,
   * so the buttons are never held by a run the page can no longer see.
   */
  running: boolean;
  /** Why progress could not be checked, once checks keep failing; null while they answer. */
  checkFailure: { message: string; nextInSeconds: number } | null;
  /** Checks progress at once instead of waiting for the next try. */
  checkNow: () => void;
}

/** How long to wait before the next check, after `failures` failed ones in a row. */
function pollDelay(failures: number): number {
  return Math.min(POLL_MS * 2 ** failures, MAX_POLL_MS);
}

/** `onDone` runs once per finished run (the page reloads what the decisions changed). */
export function useBulkRun(
  onDone: (job: BulkJobData) => void,
  /** A finished run to show again, for a component the page mounts anew when it reloads. */
  initial: BulkJobData | null = null,
): BulkRun {
  const [job, setJob] = useState<BulkJobData | null>(initial);
  const [failures, setFailures] = useState(0);
  const [lastFailure, setLastFailure] = useState<string | null>(null);
  const [checkRequests, setCheckRequests] = useState(0);
  const [resuming, setResuming] = useState(false);
  const [resumeError, setResumeError] = useState<string | null>(null);
  const checkRequested = useRef(false);
  const request = useRef<BulkDecidePayload | null>(null);
  /** The last request started without an answer that it started, and its key. */
  const unanswered = useRef<{ request: string; idempotencyKey: string } | null>(null);
  const done = useRef(onDone);
  done.current = onDone;

  const send = useCallback(async (payload: BulkDecidePayload): Promise<ErrorAnswer | null> => {
    const answer = await callResolver<BulkJobData>(R.bulkDecide, payload);
    if (!answer.ok) return answer.error;
    request.current = payload;
    setResumeError(null);
    setFailures(0);
    setLastFailure(null);
    setJob(answer.data);
    // A request sent again may find its work already finished: the page reloads as after any finished run.
    if (answer.data.status === 'done') done.current(answer.data);
    return null;
  }, []);

  // One check at a time: each answer (or failure) schedules the next, so a failed check never ends the polling.
  useEffect(() => {
    if (!job || job.status === 'done') return undefined;
    let live = true;
    const wait = checkRequested.current ? 0 : pollDelay(failures);
    checkRequested.current = false;
    const timer = setTimeout(() => {
      void callResolver<BulkJobData>(R.bulkJob, { jobId: job.jobId }).then((answer) => {
        if (!live) return;
        if (!answer.ok) {
          setLastFailure(answer.error.message);
          setFailures((n) => n + 1);
          return;
        }
        setFailures(0);
        setLastFailure(null);
        setJob(answer.data);
        if (answer.data.status === 'done') done.current(answer.data);
      });
    }, wait);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [job, failures, checkRequests]);

  const inProgress = job !== null && job.status !== 'done';
  const checksFailing = inProgress && failures >= FAILURES_SHOWN && lastFailure !== null;
  return {
    job,
    running: inProgress && !checksFailing,
    checkFailure: checksFailing
      ? { message: lastFailure, nextInSeconds: Math.round(pollDelay(failures) / 1000) }
      : null,
    checkNow: () => {
      checkRequested.current = true;
      setCheckRequests((n) => n + 1);
    },
    // A new request gets a new key. The same request sent again after it failed keeps its key: an answer lost
    // on the way back may have started the work, and the server then goes on with it instead of starting it twice.
    start: async (payload) => {
      const same = unanswered.current && unanswered.current.request === JSON.stringify(payload);
      const idempotencyKey = same ? unanswered.current!.idempotencyKey : newRequestId();
      unanswered.current = { request: JSON.stringify(payload), idempotencyKey };
      const error = await send({ ...payload, idempotencyKey });
      if (!error) unanswered.current = null;
      return error;
    },
    resuming,
    resumeError,
    resume: async () => {
      if (!request.current || resuming) return;
      setResuming(true);
      setResumeError(null);
      // A refused resume leaves the run as it was: without its reason, the press would seem to do nothing.
      const error = await send(request.current);
      setResuming(false);
      setResumeError(error ? error.message : null);
    },
  };
}

const VERB: Record<BulkJobData['kind'], [string, string]> = {
  kill: ['Killing', 'Killed'],
  keep: ['Keeping', 'Kept'],
  relink: ['Linking', 'Linked'],
};

/** The running or finished bulk decision: a progress bar, then what failed, with Resume. */
export function BulkProgress({ run }: { run: BulkRun }) {
  const { job } = run;
  if (!job) return null;
  const [doing, did] = VERB[job.kind];
  const total = job.total;
  const finished = job.status === 'done';
  const label =
    total === null
      ? `${doing}: finding the items that match…`
      : finished && total === 0
        ? `Nothing ${did.toLowerCase()}.`
        : finished
          ? `${did} ${job.decided} of ${total}.`
          : `${doing}: ${job.decided} of ${total} decided…`;
  return (
    <div data-testid="bulk-progress" className="ol-bulk-progress">
      <p role="status">
        {label}
        {job.method === 'bulk-transition' ? ' Closed with Jira’s bulk transition.' : ''}
      </p>
      {job.note ? <p data-testid="bulk-note">{job.note}</p> : null}
      {run.checkFailure ? (
        <div data-testid="bulk-check-failed">
          <SectionMessage appearance="warning" title="Progress could not be checked">
            <p>
              {run.checkFailure.message} The decisions go on on the server; the count above is the last one
              read. The page checks again in {run.checkFailure.nextInSeconds} seconds, and you can decide on
              other items meanwhile.
            </p>
            <Button onClick={run.checkNow}>Check again</Button>
          </SectionMessage>
        </div>
      ) : null}
      <ProgressBar
        ariaLabel={label}
        value={total ? job.decided / total : 0}
        isIndeterminate={total === null}
        appearance={finished && job.failed.length === 0 ? 'success' : 'default'}
      />
      {finished && job.failed.length > 0 ? (
        <SectionMessage appearance="warning" title={`${job.failed.length} not decided`}>
          <ul>
            {job.failed.slice(0, 20).map((f) => (
              <li key={f.key}>
                {f.key}: {f.message}
              </li>
            ))}
          </ul>
          {job.failed.length > 20 ? <p>…and {job.failed.length - 20} more.</p> : null}
          {run.resumeError ? (
            <div role="alert" data-testid="bulk-resume-failed">
              <p>
                <strong>Could not resume.</strong> {run.resumeError}
              </p>
            </div>
          ) : null}
          <Button isLoading={run.resuming} onClick={() => void run.resume()}>
            Resume: try these again
          </Button>
        </SectionMessage>
      ) : null}
    </div>
  );
}
