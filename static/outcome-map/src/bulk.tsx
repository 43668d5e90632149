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

export interface BulkRun {
  job: BulkJobData | null;
  /** Starts the request (or sends it again: a resume). Answers the error when the server refused it. */
  start: (request: Omit<BulkDecidePayload, 'idempotencyKey'>) => Promise<ErrorAnswer | null>;
  resume: () => Promise<void>;
  running: boolean;
}

/** `onDone` runs once per finished run (the page reloads what the decisions changed). */
export function useBulkRun(
  onDone: (job: BulkJobData) => void,
  /** A finished run to show again, for a component the page mounts anew when it reloads. */
  initial: BulkJobData | null = null,
): BulkRun {
  const [job, setJob] = useState<BulkJobData | null>(initial);
  const request = useRef<BulkDecidePayload | null>(null);
  const done = useRef(onDone);
  done.current = onDone;

  const send = useCallback(async (payload: BulkDecidePayload): Promise<ErrorAnswer | null> => {
    const answer = await callResolver<BulkJobData>(R.bulkDecide, payload);
    if (!answer.ok) return answer.error;
    request.current = payload;
    setJob(answer.data);
    return null;
  }, []);

  useEffect(() => {
    if (!job || job.status === 'done') return undefined;
    const timer = setTimeout(() => {
      void callResolver<BulkJobData>(R.bulkJob, { jobId: job.jobId }).then((answer) => {
        if (!answer.ok) return;
        setJob(answer.data);
        if (answer.data.status === 'done') done.current(answer.data);
      });
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [job]);

  return {
    job,
    running: job !== null && job.status !== 'done',
    // A new request gets a new key; only Resume sends an old one again.
    start: (payload) => send({ ...payload, idempotencyKey: newRequestId() }),
    resume: async () => {
      if (request.current) await send(request.current);
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
          <Button onClick={() => void run.resume()}>Resume: try these again</Button>
        </SectionMessage>
      ) : null}
    </div>
  );
}
