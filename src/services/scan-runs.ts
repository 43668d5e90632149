/**
 * The zombie scan's recent runs, as the project page shows them: what each run read, flagged, cleared and
 * failed on, and for a dry run what it would have changed. Read from the run summaries the scan stores.
 */
import type { ScanRunView, ScanRunsData } from '../contract/project-page';
import { emptyCounters, type ScanCounters, type ScanIssueError, type ScanRunSummary } from '../contract/scan';
import type { CallContext } from '../resolvers/endpoint';
import { LEASE_TTL_MS } from '../scan/run';
import { listRunSummaries, liveScanLease, loadRunSummary } from '../storage/scan-state';
import type { Clock } from './outcome-map';
import { hiddenFromCaller, requireBrowse, targetProject } from './project-access';

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const text = (v: unknown) => (typeof v === 'string' ? v : null);

/** Summaries are stored data: read them defensively, so an older or partial one still shows. */
export function toRunView(s: StoredRun): ScanRunView {
  const counters = emptyCounters();
  const stored = (s.counters ?? {}) as Partial<ScanCounters>;
  for (const k of Object.keys(counters) as Array<keyof ScanCounters>) counters[k] = num(stored[k]);
  const finishedAt = text(s.finishedAt);
  const started = Date.parse(s.startedAt);
  const finished = finishedAt ? Date.parse(finishedAt) : NaN;
  const status =
    s.status === 'failed' || s.status === 'running' ? s.status : finishedAt ? 'finished' : 'running';
  return {
    runId: s.runId,
    origin: s.origin === 'manual' || s.origin === 'install' ? s.origin : 'schedule',
    requestedBy: text(s.requestedBy),
    dryRun: s.dryRun === true,
    status,
    startedAt: s.startedAt,
    finishedAt,
    durationMs: Number.isNaN(started) || Number.isNaN(finished) ? null : Math.max(0, finished - started),
    counters,
    errors: samplesOf(s.errorSamples),
    skipped: samplesOf(s.skippedSamples),
    wouldChange:
      s.dryRun === true && Array.isArray(s.wouldChange)
        ? s.wouldChange.map((w) => ({ issueKey: w.issueKey, change: w.change }))
        : [],
    // Runs stored before notes existed have none.
    notes: Array.isArray(s.notes) ? s.notes.filter((n): n is string => typeof n === 'string') : [],
    failure: text(s.failure),
  };
}

export async function scanRuns(call: CallContext, limit: number, clock: Clock): Promise<ScanRunsData> {
  const projectKey = targetProject(call);
  await requireBrowse(projectKey);
  const read = await withStalls(
    projectKey,
    await listRunSummaries<StoredRun>(projectKey, limit),
    clock.now(),
  );
  const hidden = await hiddenFromCaller(read.flatMap(({ summary }) => keysToCheck(summary)));
  const runs = read.map(({ summary, stalled }) => {
    const view = withoutHidden(toRunView(summary), summary, hidden);
    return stalled ? { ...view, status: 'stalled' as const, failure: STALLED_RUN } : view;
  });
  return { runs, running: runs.some((r) => r.status === 'running') };
}

export const STALLED_RUN =
  `Stopped without finishing: no part of this run has run for ${LEASE_TTL_MS / 60_000} minutes, so Forge ` +
  'stopped retrying it. What it wrote to Jira stays. The next scan, on schedule or started with Scan now, ' +
  'starts over in its place.';

/**
 * Each summary, and whether its run has stalled: Forge stopped an invocation at its time limit and gave up retrying
 * it, so nothing ends a summary that says "running" until a later run takes over, up to a day later. A live run
 * renews the project's scan lease with every invocation, its partitions' too, so a running summary whose run no
 * longer holds the lease is suspect. A run releases the lease just after saving its last summary: a suspect one is
 * read again, and has stalled only if it still says "running".
 */
async function withStalls(
  projectKey: string,
  stored: StoredRun[],
  now: Date,
): Promise<Array<{ summary: StoredRun; stalled: boolean }>> {
  const isRunning = (s: StoredRun) => toRunView(s).status === 'running';
  const lease = stored.some(isRunning) ? await liveScanLease(projectKey, now) : null;
  return Promise.all(
    stored.map(async (summary) => {
      if (!isRunning(summary) || summary.runId === lease?.runId) return { summary, stalled: false };
      const again =
        (await loadRunSummary<StoredRun>(projectKey, summary.startedAt, summary.runId)) ?? summary;
      return { summary: again, stalled: isRunning(again) };
    }),
  );
}

function samplesOf(stored: unknown): ScanIssueError[] {
  return Array.isArray(stored)
    ? stored.map((e: Partial<ScanIssueError>) => ({
        issueKey: text(e.issueKey),
        message: String(e.message),
        at: String(e.at),
      }))
    : [];
}

type StoredRun = Partial<ScanRunSummary> & { runId: string; startedAt: string };

/**
 * The scan noted failures and a dry run's changes by issue, and counted issues, as the app: one a security level
 * keeps from this person must be left out of the lists, and the counts that counted it withheld (pages read and
 * Jira points spent tell the issue count too). Only the samples
 * the scan read under a level, or whose level it did not read, and the judged issues it noted as secured need a
 * Jira check.
 */
function keysToCheck(s: StoredRun): string[] {
  const samples = [
    ...(Array.isArray(s.errorSamples) ? s.errorSamples : []),
    ...(Array.isArray(s.skippedSamples) ? s.skippedSamples : []),
    ...(s.dryRun === true && Array.isArray(s.wouldChange) ? s.wouldChange : []),
  ];
  const sampled = samples.flatMap((sample) =>
    typeof sample?.issueKey === 'string' && sample.secured !== false ? [sample.issueKey] : [],
  );
  return [...sampled, ...securedKeys(s)];
}

function securedKeys(s: StoredRun): string[] {
  const keys = s.secured?.keys;
  return Array.isArray(keys) ? keys.filter((k): k is string => typeof k === 'string') : [];
}

/** Whether every secured issue the run judged is known and shown to this person. */
function countsAreCallers(s: StoredRun, hidden: Set<string>): boolean {
  const count = s.secured?.count;
  const keys = securedKeys(s);
  // Older summaries, or more secured issues than were noted: which they are is not known.
  if (typeof count !== 'number' || count > keys.length) return false;
  return keys.every((k) => !hidden.has(k.toUpperCase()));
}

export const COUNTS_WITHHELD_NOTE =
  'Its counts are not shown to you: the scan counted issues under a security level that may keep some of them from you.';

function withoutHidden(run: ScanRunView, stored: StoredRun, hidden: Set<string>): ScanRunView {
  const shown = (key: string | null) => !key || !hidden.has(key.toUpperCase());
  const listed =
    hidden.size === 0
      ? run
      : {
          ...run,
          errors: run.errors.filter((e) => shown(e.issueKey)),
          skipped: run.skipped.filter((e) => shown(e.issueKey)),
          wouldChange: run.wouldChange.filter((w) => shown(w.issueKey)),
        };
  if (countsAreCallers(stored, hidden)) return listed;
  return { ...listed, counters: null, notes: [...listed.notes, COUNTS_WITHHELD_NOTE] };
}
