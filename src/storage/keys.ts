/**
 * Every app-storage key, in one place. Keys are scoped by project so one project's data never mixes with
 * another's, and so a prefix query lists one project's items.
 *
 *   outcome:{projectKey}:{outcomeId}              an outcome (value: StoredOutcome)
 *   outcome-rev:{projectKey}:{outcomeId}:{n}      claim of version n (FAIL_IF_EXISTS, expires after 20 minutes)
 *   outcome-roster-lock:{projectKey}              held while an outcome is made, renamed or reopened (lock entity)
 *   {any claim of a version}:after:{claimer}      the place of that claim's claimer, taken once its invocation
 *                                                 stopped before it wrote (storage/kv.ts, claimVersion)
 *   settings:{projectKey}                         what the admin stored (partial settings + version)
 *   settings-rev:{projectKey}:{n}                 claim of settings version n
 *   decision:{projectKey}:{invertedTime}-{id}     a decision log entry; inverted time lists newest first
 *   decision-idem:{projectKey}:{idempotencyKey}   points at the decision recorded for that idempotency key
 *   decision-lock:{projectKey}:{issueKey}         held by the one try of a decision on that issue (25 s)
 *   decision-intent:{projectKey}:{idemKey}        a decision's intent, recorded before its first side effect,
 *                                                 deleted when logged (the scan completes one left behind)
 *   decision-comment:{projectKey}:{idemKey}       claimed by the one try of a kill that sends its comment
 *   queue-read:{projectKey}:{person}:{sort}       a person's read of the zombie queue in that sort, kept for
 *                                                 a few minutes (storage/queue-reads.ts); person: a digest
 *   queue-read-chunk:{projectKey}:{person}:{sort}:{readId}:{n}   chunk n of that read's items
 *   bulk-job:{projectKey}:{jobId}                 a bulk decision: its selection, progress and failures
 *   bulk-step:{projectKey}:{jobId}:{n}            claimed by the delivery that runs step n of a bulk decision
 *   bulk-closing:{projectKey}:{issueKey}          a bulk Kill sent that issue to Jira's bulk transition (an hour)
 *   scan-comment:{issueKey}:{version}:{editMs}    a flag comment sent or made for the lens it was judged from
 *   app-edit:{projectKey}:{issueKey}              the scan began editing that issue (label, comment) and has not
 *                                                 yet stamped the edit in its lens
 *   lens-claim:{issueKey}                         held by the one app writer of that issue's lens (25 s, by request)
 *   result-stamp:{issueId}                        who set that issue's result through the app, when, and to what
 *                                                 (storage/result-stamps.ts); by the issue's id, which a move keeps
 *   scan:{projectKey}:cursor                      where a paused scan resumes
 *   scan:{projectKey}:run:{invertedTime}-{runId}  a run summary; newest first
 *   scan:{projectKey}:lease                       the running scan's lease
 *   scan:{projectKey}:step:{runId}:{n}            claimed by the delivery that runs step n of a run
 *   scan:{projectKey}:done:{runId}                a run that is over (a late duplicate event starts nothing)
 *   scan:{projectKey}:written:{runId}:{part}      what a run (or a partition, p{n}) counted as written to Jira, as
 *                                                 of its latest lens batch: an invocation stopped before its
 *                                                 checkpoint loses none of it
 *   scan:{projectKey}:leftovers                   lens writes a run could not make, as one list (an older
 *                                                 version's; read once, then given back)
 *   scan-leftover:{projectKey}:{issueId}          a lens write a run could not make (its edits are made), for
 *                                                 the next run
 *   scan:{projectKey}:scheduled                   a scheduled run was started (a second firing starts none)
 *   scan-probe:next                               the project the daily trigger's probe for the app's data starts at
 *                                                 (where the last firing ran out of time)
 *   scan:{projectKey}:watermark                   when the last live run and the last full rescan started
 *   scan-parked:{projectKey}:{runId}:{step}       a run's next events Forge would not take in their chain of
 *                                                 invocations (its 1,000 pushes spent): the hourly resume pushes them
 *   health:{projectKey}:latest                    the latest backlog-health snapshot
 *   aggregates:{projectKey}:latest                the page's figures as the last finished scan counted them
 *   calibration:{projectKey}:latest               the last calibration run: its status, progress and proposal
 *   calibration:{projectKey}:cursor               where a paused calibration run resumes
 *   calibration:{projectKey}:history:{runId}:{n}  page n of the history a run read (compacted; expires)
 *   calibration:{projectKey}:step:{runId}:{n}     claimed by the delivery that runs step n of a run
 *   calibration:{projectKey}:done:{runId}         a run that is over (a late duplicate event starts nothing)
 *   calibration:{projectKey}:mapping              the resolution mapping the admin confirmed
 *   calibration:{projectKey}:mapped:{runId}       claimed by the one mapping confirmed from run runId's proposal
 *   calibration:{projectKey}:start                held by the one request starting a run (30 s): names its run
 *   metric:{projectKey}:{metricSlug}              a metric's own measurement series (no outcome measures it)
 *   metric-rev:{projectKey}:{metricSlug}:{n}      claim of version n of that series
 *   metric-slot:{projectKey}:{n}                  the n-th metric series counted (claimed before its first write); 0
 *                                                 is where the next count starts looking
 *   metric-counted:{projectKey}:{metricSlug}      the slot that counts that series, taken before its first write
 *   metric-count-lock:{projectKey}                held by the one request counting new series (lock entity, 25 s)
 *   ingest-token:{projectKey}:{tokenId}           a measurement token: its name and the hash of its secret
 *   ingest-token-rev:{projectKey}:{tokenId}:{n}   claim of version n of that token (rotate, revoke); n = 0 is
 *                                                 its revocation mark, which holds without a version's claim
 *   ingest-token-lock:{projectKey}                held by the one create of a token (lock entity, 25 s)
 *   ingest-rate:{tokenId}:{window}:{n}            slot n (1-60) of a token's rate window, claimed by one request
 *   bet:{projectKey}:{issueKey}                   a delivered bet the scan tracks until its verdict
 *   shipped:{projectKey}:{issueKey}               a delivered item in the shipped-versus-moved ledger
 *   shipped-summary:{projectKey}                  the ledger's monthly and sprint aggregates (what a load reads)
 *
 * Forge KVS allows keys of at most 500 characters matching /^(?!\s+$)[a-zA-Z0-9:._\s\-#]+$/.
 */
import { ValidationError } from '../errors';

export const MAX_KEY_LENGTH = 500;
const PROJECT_KEY = /^[A-Z][A-Z0-9_]{0,254}$/;
const SEGMENT = /^[a-zA-Z0-9._\-#]+$/;
/** Larger than any millisecond timestamp until year 2286: inverted times keep a fixed width. */
const TIME_CEILING = 9_999_999_999_999;

export function checkProjectKey(projectKey: string): string {
  if (!PROJECT_KEY.test(projectKey))
    throw new ValidationError('Project key is malformed.', { projectKey: 'Project key is malformed.' });
  return projectKey;
}

function segment(value: string, label: string): string {
  if (!SEGMENT.test(value) || value.length > 200) {
    throw new ValidationError(`${label} is malformed.`, { [label]: `${label} is malformed.` });
  }
  return value;
}

function key(...parts: string[]): string {
  const k = parts.join(':');
  if (k.length > MAX_KEY_LENGTH) throw new ValidationError('Storage key too long.');
  return k;
}

/** Fixed-width, descending with time: ascending key order lists the newest first. */
export function invertedTime(epochMs: number): string {
  return String(TIME_CEILING - Math.max(0, Math.floor(epochMs))).padStart(13, '0');
}

export const keys = {
  outcomePrefix: (p: string) => key('outcome', checkProjectKey(p)) + ':',
  outcome: (p: string, id: string) => key('outcome', checkProjectKey(p), segment(id, 'id')),
  outcomeRevision: (p: string, id: string, version: number) =>
    key('outcome-rev', checkProjectKey(p), segment(id, 'id'), String(version)),
  outcomeRosterLock: (p: string) => key('outcome-roster-lock', checkProjectKey(p)),
  settings: (p: string) => key('settings', checkProjectKey(p)),
  settingsPrefix: 'settings:',
  settingsRevision: (p: string, version: number) => key('settings-rev', checkProjectKey(p), String(version)),
  decisionPrefix: (p: string) => key('decision', checkProjectKey(p)) + ':',
  decision: (p: string, atMs: number, id: string) =>
    key('decision', checkProjectKey(p), `${invertedTime(atMs)}-${segment(id, 'id')}`),
  decisionIdempotency: (p: string, idempotencyKey: string) =>
    key('decision-idem', checkProjectKey(p), segment(idempotencyKey, 'idempotencyKey')),
  decisionLock: (p: string, issueKey: string) =>
    key('decision-lock', checkProjectKey(p), segment(issueKey, 'issueKey')),
  decisionIntentPrefix: (p: string) => key('decision-intent', checkProjectKey(p)) + ':',
  decisionIntent: (p: string, idempotencyKey: string) =>
    key('decision-intent', checkProjectKey(p), segment(idempotencyKey, 'idempotencyKey')),
  decisionComment: (p: string, idempotencyKey: string) =>
    key('decision-comment', checkProjectKey(p), segment(idempotencyKey, 'idempotencyKey')),
  bulkJob: (p: string, jobId: string) => key('bulk-job', checkProjectKey(p), segment(jobId, 'jobId')),
  bulkStep: (p: string, jobId: string, step: number) =>
    key('bulk-step', checkProjectKey(p), segment(jobId, 'jobId'), String(step)),
  bulkClosing: (p: string, issueKey: string) =>
    key('bulk-closing', checkProjectKey(p), segment(issueKey, 'issueKey')),
  scanComment: (issueKey: string, version: number, appEditMs: number) =>
    key('scan-comment', segment(issueKey, 'issueKey'), String(version), String(appEditMs)),
  appEditPrefix: (p: string) => key('app-edit', checkProjectKey(p)) + ':',
  appEdit: (p: string, issueKey: string) =>
    key('app-edit', checkProjectKey(p), segment(issueKey, 'issueKey')),
  lensClaim: (issueKey: string) => key('lens-claim', segment(issueKey, 'issueKey')),
  resultStamp: (issueId: string) => key('result-stamp', segment(issueId, 'issueId')),
  scanCursor: (p: string) => key('scan', checkProjectKey(p), 'cursor'),
  scanRunPrefix: (p: string) => key('scan', checkProjectKey(p), 'run') + ':',
  scanRun: (p: string, atMs: number, runId: string) =>
    key('scan', checkProjectKey(p), 'run', `${invertedTime(atMs)}-${segment(runId, 'runId')}`),
  scanLease: (p: string) => key('scan', checkProjectKey(p), 'lease'),
  queueRead: (p: string, person: string, sort: string) =>
    key('queue-read', checkProjectKey(p), segment(person, 'person'), segment(sort, 'sort')),
  queueReadChunk: (p: string, person: string, sort: string, id: string, n: number) =>
    key(
      'queue-read-chunk',
      checkProjectKey(p),
      segment(person, 'person'),
      segment(sort, 'sort'),
      segment(id, 'id'),
      String(n),
    ),
  scanLeaseTakeover: (p: string, expiredAtMs: number) =>
    key('scan', checkProjectKey(p), 'lease-takeover', String(expiredAtMs)),
  scanStep: (p: string, runId: string, step: number, partition?: number) =>
    key(
      'scan',
      checkProjectKey(p),
      'step',
      segment(runId, 'runId'),
      partition === undefined ? String(step) : `p${partition}-${step}`,
    ),
  scanPartCursor: (p: string, runId: string, partition: number) =>
    key('scan', checkProjectKey(p), 'part', segment(runId, 'runId'), String(partition)),
  scanJoin: (p: string, runId: string) => key('scan', checkProjectKey(p), 'join', segment(runId, 'runId')),
  scanDone: (p: string, runId: string) => key('scan', checkProjectKey(p), 'done', segment(runId, 'runId')),
  scanWritten: (p: string, runId: string, partition?: number) =>
    key(
      'scan',
      checkProjectKey(p),
      'written',
      segment(runId, 'runId'),
      partition === undefined ? 'run' : `p${partition}`,
    ),
  scanLeftovers: (p: string) => key('scan', checkProjectKey(p), 'leftovers'),
  scanLeftoverPrefix: (p: string) => key('scan-leftover', checkProjectKey(p)) + ':',
  scanLeftover: (p: string, issueId: number) =>
    key('scan-leftover', checkProjectKey(p), segment(String(issueId), 'issueId')),
  scanScheduled: (p: string) => key('scan', checkProjectKey(p), 'scheduled'),
  scanWatermark: (p: string) => key('scan', checkProjectKey(p), 'watermark'),
  scanParkedPrefix: 'scan-parked:',
  scanProbeNext: 'scan-probe:next',
  scanParked: (p: string, runId: string, step: number, partition?: number) =>
    key(
      'scan-parked',
      checkProjectKey(p),
      segment(runId, 'runId'),
      partition === undefined ? String(step) : `p${partition}-${step}`,
    ),
  healthLatest: (p: string) => key('health', checkProjectKey(p), 'latest'),
  aggregatesLatest: (p: string) => key('aggregates', checkProjectKey(p), 'latest'),
  calibrationLatest: (p: string) => key('calibration', checkProjectKey(p), 'latest'),
  calibrationCursor: (p: string) => key('calibration', checkProjectKey(p), 'cursor'),
  calibrationHistory: (p: string, runId: string, page: number) =>
    key('calibration', checkProjectKey(p), 'history', segment(runId, 'runId'), String(page)),
  calibrationStep: (p: string, runId: string, step: number) =>
    key('calibration', checkProjectKey(p), 'step', segment(runId, 'runId'), String(step)),
  calibrationDone: (p: string, runId: string) =>
    key('calibration', checkProjectKey(p), 'done', segment(runId, 'runId')),
  calibrationMapping: (p: string) => key('calibration', checkProjectKey(p), 'mapping'),
  calibrationMapped: (p: string, runId: string) =>
    key('calibration', checkProjectKey(p), 'mapped', segment(runId, 'runId')),
  calibrationStart: (p: string) => key('calibration', checkProjectKey(p), 'start'),
  metricSeriesPrefix: (p: string) => key('metric', checkProjectKey(p)) + ':',
  metricSeries: (p: string, slug: string) => key('metric', checkProjectKey(p), segment(slug, 'metric')),
  metricSeriesRevision: (p: string, slug: string, version: number) =>
    key('metric-rev', checkProjectKey(p), segment(slug, 'metric'), String(version)),
  metricSeriesSlot: (p: string, n: number) => key('metric-slot', checkProjectKey(p), String(n)),
  metricSeriesCountLock: (p: string) => key('metric-count-lock', checkProjectKey(p)),
  metricSeriesCounted: (p: string, slug: string) =>
    key('metric-counted', checkProjectKey(p), segment(slug, 'metric')),
  ingestTokenPrefix: (p: string) => key('ingest-token', checkProjectKey(p)) + ':',
  ingestToken: (p: string, tokenId: string) =>
    key('ingest-token', checkProjectKey(p), segment(tokenId, 'tokenId')),
  ingestTokenLock: (p: string) => key('ingest-token-lock', checkProjectKey(p)),
  ingestTokenRevision: (p: string, tokenId: string, version: number) =>
    key('ingest-token-rev', checkProjectKey(p), segment(tokenId, 'tokenId'), String(version)),
  ingestRateSlot: (tokenId: string, window: number, n: number) =>
    key('ingest-rate', segment(tokenId, 'tokenId'), String(window), String(n)),
  betPrefix: (p: string) => key('bet', checkProjectKey(p)) + ':',
  bet: (p: string, issueKey: string) => key('bet', checkProjectKey(p), segment(issueKey, 'issueKey')),
  shippedItemPrefix: (p: string) => key('shipped', checkProjectKey(p)) + ':',
  shippedItem: (p: string, issueKey: string) =>
    key('shipped', checkProjectKey(p), segment(issueKey, 'issueKey')),
  shippedSummary: (p: string) => key('shipped-summary', checkProjectKey(p)),
} as const;
