/**
 * One invocation of a project's scan: resume from the cursor, page through open issues, judge each, write what
 * changed, and stop well before the timeout with a continuation. A crash repeats work from the last
 * checkpoint; the repeat is harmless because writes depend only on what differs from what is stored.
 */
import { randomUUID } from 'node:crypto';
import {
  emptyCounters,
  MAX_SUMMARY_ERRORS,
  type HealthSnapshot,
  type ScanCounters,
  type ScanRunSummary,
} from '../contract/scan';
import { MAX_DRY_RUN_SAMPLES } from '../contract/project-page-keys';
import { ISSUE_PROPERTY_KEY, readLens } from '../domain/issue-lens';
import { bias as recipeBias, weights as recipeWeights } from '../domain/recipe-model.json';
import { SCORE_MODEL_VERSION } from '../domain/score';
import { settingsOrDefaults, type Settings } from '../domain/settings';
import {
  idleQuantilesOf,
  LINKS_IN_USE_SHARE,
  UNKNOWN_STANDING,
  type BacklogStanding,
} from '../domain/zombie';
import { JiraRateLimitError } from '../errors';
import { JiraClient } from '../jira/client';
import { PointsMeter, type QuotaView } from '../jira/points';
import {
  DEFAULT_SPRINT_FIELD,
  DEFAULT_STORY_POINTS_FIELD,
  discoverAgileFields,
  SPRINT_FIELD_TYPE,
} from '../jira/fields';
import { saveAggregates } from '../storage/aggregates';
import { getAppContext } from '@forge/api';
import { trackDeliveredBets } from './bets';
import { keepShippedSummary } from './shipped';
import { listOutcomes } from '../storage/outcomes';
import { kvs } from '../storage/kvs-client';
import { keys } from '../storage/keys';
import { claimOwn } from '../storage/kv';
import {
  acquireScanLease,
  clearCursor,
  loadCursor,
  deletePartCursor,
  loadPartCursor,
  savePartCursor,
  liveScanLease,
  loadHealthSnapshot,
  loadWrittenCounts,
  releaseScanLease,
  saveCursor,
  saveHealthSnapshot,
  saveRunSummary,
  saveWrittenCounts,
  type ScanLease,
} from '../storage/scan-state';
import { loadSettings } from '../storage/settings';
import { completeInterruptedDecisions } from '../services/kill-review';
import {
  addIssue,
  emptyAggregates,
  removeIssue,
  type CountedIssue,
  type ProjectAggregates,
} from './aggregates';
import {
  mergePartitions,
  partitionCursor,
  partitionJql,
  planPartitions,
  scanConcurrency,
  type PartitionRange,
} from './partitions';
import { Budget, DEFAULT_BUDGET_SHARE, UpkeepDeadline } from './budget';
import { PAGE_POINTS_ESTIMATE, quotaWaitMs, spreadRetryAfterSeconds } from './pacing';
import { continueScan, MAX_DELAY_SECONDS, MAX_EVENT_RETRIES, type ScanEvent } from './queue';
import { judgeIssue, type IssuePlan, type ScanOutcome } from './scan-page';
import { scanFields, toScanIssue } from './snapshot';
import { DoneHistoryLookup } from './done-history';
import {
  AppEditTaskLookup,
  dedupePending,
  pendingAppEdits,
  pendingTaskIds,
  readPending,
  retrying,
  ScanWriter,
  type LabelMode,
  type PendingLens,
} from './writer';
import { dropLeftovers, fitUnwritten, keepForNextRun, keptLeftovers } from './leftovers';
import { utcDay } from '../domain/dates';
import { jqlString } from '../jira/jql';

/** Jira's page cap when fields are requested. */
export const PAGE_SIZE = 100;
/** Longer than one invocation plus the longest queue delay, so a paused run keeps its lease. */
export const LEASE_TTL_MS = 30 * 60_000;
/** Save progress at least this often (when no write is pending), so a crash repeats little. */
export const CHECKPOINT_EVERY_MS = 10_000;
const PARENT_CACHE_LIMIT = 5_000;

interface HealthTally {
  total: number;
  recipes: number;
  linked: number;
  zombies: number;
  scoreSum: number;
}

/** Adds one judged issue's share to the run's health tally (`by` 1), or takes it out again (`by` -1). */
function countHealth(h: HealthTally, health: IssuePlan['health'], by: 1 | -1): void {
  h.total += by;
  h.scoreSum += by * health.score;
  if (health.isRecipe) h.recipes += by;
  if (health.linked) h.linked += by;
  if (health.zombie) h.zombies += by;
}

/** What a paused run keeps in app storage. */
export interface ScanCursor {
  runId: string;
  projectKey: string;
  origin: ScanEvent['origin'];
  requestedBy: string | null;
  dryRun: boolean;
  startedAt: string;
  /** The page to read next; null before the first page. */
  nextPageToken: string | null;
  /**
   * 'full' reads every open issue; 'incremental' only what changed since the last run or reached a limit today
   * (`jql`). Absent in a cursor of an older version: full.
   */
  mode?: ScanMode;
  /** The search the whole run pages through, fixed before its first page (a page token belongs to one query). */
  jql?: string;
  /**
   * An incremental run's look-back in minutes, until the children of the items whose lens was saved in it are
   * added to its search (they inherit their parent's link); absent once added, and in a full run.
   */
  relinkedWithinMinutes?: number;
  /** The settings' stored version at the start of the run (for the next run's choice of full or incremental). */
  settingsVersion?: number;
  /** JUDGEMENT_VERSION of the code that began the run (absent in a cursor saved by a version that had none). */
  judgementVersion?: string;
  /** Settings and outcomes as loaded at the start of the run: one consistent view for the whole run. */
  settings: Settings;
  outcomes: Array<[string, ScanOutcome]>;
  /**
   * The site's sprint field, asked of Jira once per run and kept so continuations do not ask again. Absent
   * until the first invocation has asked (and in a cursor saved by a version that did not ask).
   */
  sprintField?: string;
  /** The site's story-points field, asked with the sprint field; absent in a cursor of an older version. */
  storyPointsField?: string;
  /**
   * How labels are edited this run: in bulk when the app holds Jira's global Make bulk changes permission
   * (asked once a run, when the first label is to be edited), else one issue at a time. Absent until asked.
   */
  labelMode?: LabelMode;
  /** The page's figures counted so far this run (src/scan/aggregates.ts); absent in an older cursor. */
  aggregates?: ProjectAggregates;
  /** What the run had to assume, for the summary. */
  notes?: string[];
  counters: ScanCounters;
  errorSamples: ScanRunSummary['errorSamples'];
  /** Absent in a cursor saved before skips were told apart from errors. */
  skippedSamples?: ScanRunSummary['skippedSamples'];
  wouldChange: ScanRunSummary['wouldChange'];
  health: HealthTally;
  /** Lenses whose edits were made but whose write was interrupted (one per issue, written first on resume). */
  unwritten: PendingLens[];
  /** The step (invocation) of this run the next event must carry; a delivery of another step is a duplicate. */
  step?: number;
  /**
   * Where the backlog stood at the last finished scan (share linked, idle percentiles): the rules judge each
   * item against it. Absent in a cursor saved by a version that did not keep it.
   */
  standing?: BacklogStanding;
  /** This run's open items by idle days (days → count), for the next run's standing. */
  idleDays?: Record<string, number>;
  /** The points quota as Jira last reported it, for pacing a continuation before its first call. */
  quota?: QuotaView | null;
  /**
   * What is left of Jira's last Retry-After once the delay the continuation was pushed with has passed (ms): a wait
   * longer than a queue delay (Forge's longest is 900 s) is slept in several, with no Jira call until it is over.
   * Counted in delays, not against a clock, since the queue is what keeps the time between them.
   */
  waitLeftMs?: number;
  /**
   * On the run's own cursor once it split: the id ranges [from, below) its partitions scan, each through queue
   * events of its own (src/scan/partitions.ts). The run's counters then hold only what it spent planning.
   */
  partitions?: PartitionRange[];
  /**
   * On a partition's cursor: which one, its id range, and how many partitions the run has (`of`; absent on a cursor
   * an older version saved), which spend the same points quota side by side.
   */
  partition?: PartitionRange & { index: number; of?: number };
  /** On a partition's cursor: set once it is over, finished or failed after its retries; then it waits to join. */
  settled?: 'finished' | 'failed';
  failure?: string;
}

/** How long a step of a run stays claimed by the delivery running it (longer than the function's timeout). */
const STEP_CLAIM_MINUTES = 20;
/** How long the day's live run waits before it looks again when a dry run holds the project. */
const AFTER_DRY_RUN_SECONDS = 300;
/** How long a finished run is remembered, so a late duplicate of its events starts nothing. */
const DONE_DAYS = 2;

/** The run is over: later copies of its events do nothing, and the project is free for the next run. */
async function endRun(projectKey: string, runId: string): Promise<void> {
  await kvs.set(keys.scanDone(projectKey, runId), true, { ttl: { value: DONE_DAYS, unit: 'DAYS' } });
  await tidyEndedRun(projectKey, runId);
}

/** Removes an ended run's cursor and lease: only its own, as a newer run may hold the project by now. */
async function tidyEndedRun(projectKey: string, runId: string): Promise<void> {
  if ((await loadCursor<ScanCursor>(projectKey))?.runId === runId) await clearCursor(projectKey);
  await releaseScanLease(projectKey, runId);
}

/** The latest health snapshot as stored: the run's figures, plus the idle percentiles for the next run. */
export type StoredHealth = HealthSnapshot & { idleQuantiles?: number[] | null; at?: string | null };

const DAY_MS = 86_400_000;

export type ScanMode = 'full' | 'incremental';

/** Read again what changed this long before the last run started: clocks and Jira's index are not exact. */
export const INCREMENTAL_OVERLAP_MS = 60 * 60_000;
/**
 * Jira reads a relative date (`updated >= -Nm`) against its own now at every search, and a run's page token
 * holds it to one query text, so an incremental window's start slides forward by as long as the run lasts. Up to
 * this much of the overlap may be spent that way; a run that lasted longer may have dropped issues that changed
 * early in its window, so the next run reads again from where this one's window began.
 */
export const MAX_WINDOW_SLIDE_MS = INCREMENTAL_OVERLAP_MS / 2;

/** What the next run needs to know to read only what changed (app storage, one value per project). */
export interface ScanWatermark {
  /** When the last finished live run started: everything updated after it is read again. */
  lastRunStartedAt: string;
  /** When the last finished full rescan started. */
  lastFullAt: string;
  /** The settings and outcomes the last run judged with: other ones can change any verdict, so a full run. */
  settingsVersion: number;
  outcomesFingerprint: string;
  /**
   * The JUDGEMENT_VERSION the last run judged with: a new score or recipe model changes verdicts on items nobody
   * touched, so a full run. Absent in a watermark written before it was kept.
   */
  judgementVersion?: string;
  /**
   * The last full rescan measured a standing that changes verdicts across the backlog (ranks became known, or
   * the linked share crossed the share at which the unlinked rule applies): the next run reads everything.
   */
  standingChanged?: boolean;
}

/** Whether a newly measured standing changes what the rules say about items nobody touched. */
export function standingChangesVerdicts(used: BacklogStanding, measured: BacklogStanding): boolean {
  const inUse = (s: BacklogStanding) => s.linkedShare !== null && s.linkedShare >= LINKS_IN_USE_SHARE;
  return (
    inUse(used) !== inUse(measured) || (used.idleQuantiles === null) !== (measured.idleQuantiles === null)
  );
}

/**
 * The version of what judges an issue besides the settings and outcomes: the score's model and the recipe model's
 * weights (retrained without a change of code). A deploy that changes either makes the next run a full one, so the
 * flags and scores of items nobody touched (what `recipe = "true"` and the outcome map read) are not left a week old.
 */
export const JUDGEMENT_VERSION = `${SCORE_MODEL_VERSION}/${fingerprint([recipeBias, recipeWeights])}`;

function fingerprint(value: unknown): string {
  // FNV-1a over the JSON: cheap, and only compared for equality.
  let h = 0x811c9dc5;
  for (const c of JSON.stringify(value)) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return h.toString(16);
}

/**
 * Full or incremental, and the search for it. A run reads every open issue when there is no watermark, when
 * a person asked for it (Scan now), in a dry run, when the settings or outcomes changed since the last run, or
 * when the last full rescan is `fullRescanEveryDays` old; otherwise it reads the open issues updated since the
 * last run (less an overlap), those whose verdict time alone changes by today (`nextCheckAt`, indexed), and
 * those whose lens a person saved since (`lensUpdatedAt`).
 */
export function planRun(input: {
  projectKey: string;
  origin: ScanEvent['origin'];
  dryRun: boolean;
  watermark: ScanWatermark | null;
  settingsVersion: number;
  outcomesFingerprint: string;
  judgementVersion: string;
  fullRescanEveryDays: number;
  nowMs: number;
}): { mode: ScanMode; jql: string; reason: string; minutes?: number } {
  const open = openIssuesJql(input.projectKey);
  const w = input.watermark;
  const full = (reason: string) => ({ mode: 'full' as const, jql: open, reason });
  if (!w) return full('no earlier run to continue from');
  if (input.origin !== 'schedule') return full('started by a person or the installation');
  if (input.dryRun) return full('a dry run');
  if (w.standingChanged) return full("the backlog's standing changed at the last full rescan");
  if (w.settingsVersion !== input.settingsVersion) return full('the settings changed');
  if (w.outcomesFingerprint !== input.outcomesFingerprint) return full('the outcomes changed');
  if (w.judgementVersion !== input.judgementVersion)
    return full('a new version of the app judges issues differently (its score or recipe model)');
  const lastFull = Date.parse(w.lastFullAt);
  if (!(input.nowMs - lastFull < input.fullRescanEveryDays * DAY_MS))
    return full(`the weekly reconciliation (every ${input.fullRescanEveryDays} days)`);
  const since = Date.parse(w.lastRunStartedAt) - INCREMENTAL_OVERLAP_MS;
  if (Number.isNaN(since)) return full('no earlier run to continue from');
  // Relative to the search's own clock: JQL's absolute times are read in the caller's time zone.
  const minutes = Math.max(1, Math.ceil((input.nowMs - since) / 60_000));
  return {
    mode: 'incremental',
    jql: incrementalJql(input.projectKey, minutes, utcDay(input.nowMs), []),
    reason: `changed since ${new Date(since).toISOString()} or due today`,
    minutes,
  };
}

const INCREMENTAL_NOTE = 'Read only the open items';

const openIssuesJql = (projectKey: string) => `project = "${projectKey}" AND statusCategory != Done`;

/** An incremental run's search; `parents`: items whose lens was saved, whose open children are read too. */
export function incrementalJql(
  projectKey: string,
  minutes: number,
  today: string,
  parents: string[],
): string {
  const children = parents.length ? ` OR parent in (${parents.map(jqlString).join(', ')})` : '';
  return (
    `${openIssuesJql(projectKey)} AND (updated >= -${minutes}m OR nextCheckAt <= "${today}" OR ` +
    `lensUpdatedAt >= -${minutes}m${children})`
  );
}

/** Parents read by name in an incremental run's search; past it the run reads every open item. */
export const MAX_RELINKED_PARENTS = 100;

/**
 * The items of the project whose lens a person saved in the run's look-back: a child without a link of its own
 * takes its parent's, so its verdict may have changed though the child did not. Null past MAX_RELINKED_PARENTS.
 */
async function relinkedItems(
  jira: JiraClient,
  projectKey: string,
  minutes: number,
): Promise<string[] | null> {
  const found: string[] = [];
  let nextPageToken: string | null = null;
  do {
    const page: Awaited<ReturnType<JiraClient['searchJql']>> = await retrying(() =>
      jira.searchJql({
        jql: `project = "${projectKey}" AND lensUpdatedAt >= -${minutes}m`,
        fields: ['issuetype'],
        maxResults: MAX_RELINKED_PARENTS + 1,
        nextPageToken,
      }),
    );
    found.push(...page.issues.map((i) => i.key));
    if (found.length > MAX_RELINKED_PARENTS) return null;
    nextPageToken = page.nextPageToken;
  } while (nextPageToken);
  return found;
}

/** What the last finished scan measured, for judging this run's items; unknown before any. */
export function standingOf(last: StoredHealth | null): BacklogStanding {
  if (!last || typeof last.total !== 'number' || last.total <= 0) return UNKNOWN_STANDING;
  const q = last.idleQuantiles;
  return {
    linkedShare: typeof last.linked === 'number' ? last.linked / last.total : null,
    idleQuantiles: Array.isArray(q) && q.length === 101 && q.every((n) => typeof n === 'number') ? q : null,
  };
}

function quantilesOfHistogram(histogram: Record<string, number> | undefined): number[] | null {
  const days: number[] = [];
  for (const [day, count] of Object.entries(histogram ?? {}))
    for (let i = 0; i < count; i++) days.push(Number(day));
  return idleQuantilesOf(days);
}

export interface RunOptions {
  /** The function's timeout (manifest: 900 s) and the share of it to use. */
  timeoutMs?: number;
  budgetShare?: number;
  clock?: () => number;
  /** When the invocation started (defaults to now). */
  startedAtMs?: number;
  /** Open issues per partition: a run over more than twice this many splits (src/scan/partitions.ts). */
  partitionSize?: number;
  /** At most this many partitions, run at once (Forge's per-event concurrency key holds them to it). */
  maxPartitions?: number;
}

export type InvocationOutcome =
  | { status: 'yielded'; runId: string }
  | { status: 'continued'; runId: string; delaySeconds: number }
  | { status: 'finished'; runId: string; summary: ScanRunSummary }
  | { status: 'partitioned'; runId: string; partitions: number }
  | { status: 'failed'; runId: string; message: string };

export function newRunId(): string {
  return randomUUID();
}

function compactOutcomes(outcomes: Awaited<ReturnType<typeof listOutcomes>>): Array<[string, ScanOutcome]> {
  return outcomes.map((o) => {
    const latest = [...o.measurements].sort((a, b) => (a.at < b.at ? 1 : -1))[0];
    return [o.id, { status: o.status, metric: o.metric, measurements: latest ? [latest] : [] }];
  });
}

async function startCursor(event: ScanEvent, nowMs: number): Promise<ScanCursor> {
  const [{ settings, version }, outcomes, lastHealth, watermark] = await Promise.all([
    loadSettings(event.projectKey),
    listOutcomes(event.projectKey),
    loadHealthSnapshot<StoredHealth>(event.projectKey),
    kvs.get<ScanWatermark>(keys.scanWatermark(event.projectKey)),
  ]);
  const compact = compactOutcomes(outcomes);
  const dryRun = event.dryRun || settings.dryRun;
  const plan = planRun({
    projectKey: event.projectKey,
    origin: event.origin,
    dryRun,
    // Without a health snapshot the standing is unknown: the run that measures it reads everything.
    watermark: lastHealth ? (watermark ?? null) : null,
    settingsVersion: version,
    outcomesFingerprint: fingerprint(compact),
    judgementVersion: JUDGEMENT_VERSION,
    fullRescanEveryDays: settings.scan.fullRescanEveryDays,
    nowMs,
  });
  return {
    mode: plan.mode,
    jql: plan.jql,
    ...(plan.minutes !== undefined ? { relinkedWithinMinutes: plan.minutes } : {}),
    settingsVersion: version,
    judgementVersion: JUDGEMENT_VERSION,
    notes:
      plan.mode === 'incremental'
        ? [`${INCREMENTAL_NOTE} ${plan.reason}; the figures are those of the last full rescan.`]
        : [],
    runId: event.runId,
    projectKey: event.projectKey,
    origin: event.origin,
    requestedBy: event.requestedBy,
    dryRun,
    startedAt: new Date(nowMs).toISOString(),
    nextPageToken: null,
    settings,
    outcomes: compact,
    counters: emptyCounters(),
    errorSamples: [],
    wouldChange: [],
    health: { total: 0, recipes: 0, linked: 0, zombies: 0, scoreSum: 0 },
    unwritten: [],
    standing: standingOf(lastHealth),
    idleDays: {},
  };
}

/** The figures of a stored snapshot, without what only the scan reads (idle percentiles). */
function healthFigures(stored: StoredHealth | null): HealthSnapshot | null {
  if (!stored) return null;
  const { total, recipes, linked, zombies, meanScore } = stored;
  return { total, recipes, linked, zombies, meanScore };
}

function healthOf(t: HealthTally): HealthSnapshot {
  return {
    total: t.total,
    recipes: t.recipes,
    linked: t.linked,
    zombies: t.zombies,
    meanScore: t.total ? Math.round((t.scoreSum / t.total) * 10) / 10 : null,
  };
}

export function summaryOf(
  c: ScanCursor,
  status: ScanRunSummary['status'],
  finishedAt: string | null,
  failure: string | null = null,
): ScanRunSummary {
  return {
    runId: c.runId,
    projectKey: c.projectKey,
    origin: c.origin,
    requestedBy: c.requestedBy,
    dryRun: c.dryRun,
    status,
    startedAt: c.startedAt,
    finishedAt,
    counters: { ...c.counters },
    errorSamples: c.errorSamples,
    skippedSamples: c.skippedSamples ?? [],
    wouldChange: c.wouldChange,
    health: status === 'finished' ? healthOf(c.health) : null,
    notes: c.notes ?? [],
    failure,
    mode: c.mode ?? 'full',
    ...securedOfRun(c),
  };
}

/**
 * The secured issues a run judged, as its page figures noted them. A cursor without figures has judged nothing,
 * unless an older version saved it: then which were secured is not known.
 */
function securedOfRun(c: ScanCursor): Pick<ScanRunSummary, 'secured'> {
  if (c.aggregates) return c.aggregates.secured ? { secured: c.aggregates.secured } : {};
  return c.counters.issues === 0 ? { secured: { count: 0, keys: [] } } : {};
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/**
 * A finished run's records: its summary, the watermark the next run reads from, and (after a full live run)
 * the health snapshot and the page's aggregates. Used by an unpartitioned run and by the join of partitions.
 */
async function recordFinishedRun(working: ScanCursor, clock: () => number): Promise<ScanRunSummary> {
  const { projectKey, runId } = working;
  const incremental = working.mode === 'incremental';
  const before = working.dryRun ? undefined : await kvs.get<ScanWatermark>(keys.scanWatermark(projectKey));
  const slid = incremental && !!before && clock() - Date.parse(working.startedAt) > MAX_WINDOW_SLIDE_MS;
  if (slid)
    working.notes = [
      ...(working.notes ?? []),
      'The run outlasted the window it searched (Jira reads "-N minutes" again at every page): the next run ' +
        'reads again from where this one began.',
    ];
  const summary = summaryOf(working, 'finished', new Date(clock()).toISOString());
  // An incremental run read a part of the backlog: the figures stay those of the last full rescan.
  if (incremental) summary.health = healthFigures(await loadHealthSnapshot<StoredHealth>(projectKey));
  await saveRunSummary(projectKey, summary);
  if (!working.dryRun && !incremental)
    await saveHealthSnapshot(projectKey, {
      ...summary.health,
      idleQuantiles: quantilesOfHistogram(working.idleDays),
      at: summary.finishedAt,
      runId,
    });
  if (!working.dryRun && !incremental && summary.finishedAt)
    await saveAggregates(projectKey, {
      ...(working.aggregates ?? emptyAggregates()),
      runId,
      at: summary.finishedAt,
    });
  // Last: a full rescan is taken as the last one only once its figures are stored, so a run that could not store
  // them leaves the next run a full one, not an incremental one over figures a week old.
  if (!working.dryRun) {
    const watermark: ScanWatermark = {
      // Its window slid: the start it was planned from stays the next run's, so nothing it dropped is lost.
      lastRunStartedAt: slid && before ? before.lastRunStartedAt : working.startedAt,
      lastFullAt: incremental && before ? before.lastFullAt : working.startedAt,
      settingsVersion: working.settingsVersion ?? 0,
      outcomesFingerprint: fingerprint(working.outcomes),
      ...(working.judgementVersion ? { judgementVersion: working.judgementVersion } : {}),
      standingChanged:
        !incremental &&
        standingChangesVerdicts(
          working.standing ?? UNKNOWN_STANDING,
          standingOf({
            ...healthOf(working.health),
            idleQuantiles: quantilesOfHistogram(working.idleDays),
          }),
        ),
    };
    await kvs.set(keys.scanWatermark(projectKey), watermark);
  }
  return summary;
}

/**
 * Of the invocation's time limit, what the upkeep after the pages (delivered bets, the shipped ledger) leaves for
 * the records that end the run (its summary, watermark, figures and lease): 90 s of 900 s.
 */
export const UPKEEP_END_RESERVE_SHARE = 0.1;

/**
 * One invocation's time limit: as the run's budget counts it (its clock, from the invocation's start), and as
 * Forge's runtime told at the start what was left (real time; null where it does not tell).
 */
interface InvocationLimit {
  budget: Budget;
  clock: () => number;
  runtime: { startedAt: number; stopsAt: number } | null;
}

/** When Forge stops this invocation, from @forge/api's getAppContext(); null outside one or where it does not say. */
function runtimeLimit(): InvocationLimit['runtime'] {
  const startedAt = Date.now();
  try {
    const left = getAppContext().invocationRemainingTimeInMillis();
    return Number.isFinite(left) && left >= 0 && left < Number.MAX_SAFE_INTEGER
      ? { startedAt, stopsAt: startedAt + left }
      : null;
  } catch {
    return null;
  }
}

/**
 * The upkeep's deadline: the invocation's time limit less the reserve, as the budget counts it and as the runtime
 * told it (whichever comes first), so the run's own records are written before Forge stops the invocation.
 */
function upkeepDeadline({ budget, clock, runtime }: InvocationLimit): UpkeepDeadline {
  const use = 1 - UPKEEP_END_RESERVE_SHARE;
  return new UpkeepDeadline([
    { now: clock, stopAt: budget.startedAtMs + budget.timeoutMs * use },
    ...(runtime
      ? [{ now: () => Date.now(), stopAt: runtime.startedAt + (runtime.stopsAt - runtime.startedAt) * use }]
      : []),
  ]);
}

/**
 * After a finished live run: the delivered bets are checked (src/scan/bets.ts) and the shipped-versus-moved
 * ledger kept (src/scan/shipped.ts), in what is left of the invocation's time (`limit`): each stops at a bet or a
 * page when the deadline comes and the next run goes on, noted in the run's notes. Neither may undo the finished
 * scan: a failure is logged and the next run does them again; a rate limit is thrown only where the caller's step
 * can be retried.
 */
async function keepDeliveryRecords(
  projectKey: string,
  now: Date,
  jira: JiraClient,
  run: ScanCursor,
  options: { rethrowRateLimit: boolean; limit: InvocationLimit },
): Promise<void> {
  const deadline = upkeepDeadline(options.limit);
  const note = (text: string) => (run.notes = [...(run.notes ?? []), text]);
  const attempt = async <T>(what: string, work: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await work();
    } catch (e) {
      if (options.rethrowRateLimit && e instanceof JiraRateLimitError) throw e;
      console.warn(
        `[outcome-lens] ${what} of ${projectKey} failed: ${e instanceof Error ? e.message : String(e)}`,
      );
      return undefined;
    }
  };
  const betsSkipped = deadline.reached;
  const tracking = betsSkipped
    ? undefined
    : await attempt('bet tracking', () => trackDeliveredBets(projectKey, now, jira, { deadline }));
  if (betsSkipped)
    note('Delivered bets were not checked: the scan ran out of time first. The next scan checks them.');
  else if (tracking?.summary.cutShort) {
    const n = tracking.summary.tracked;
    const checked = n === 0 ? 'none was checked' : `${n} ${n === 1 ? 'was' : 'were'} checked`;
    note(
      `The scan ran out of time while checking delivered bets: ${checked}, and the next scan checks the others ` +
        'first.',
    );
  }
  if (deadline.reached) {
    note(
      'Shipped versus moved was not brought up to date: the scan ran out of time first. The next scan does it.',
    );
    return;
  }
  // The ledger takes the settings and tracked bets that bet tracking just read and wrote.
  const shipped = await attempt('shipped summary', () =>
    keepShippedSummary(
      projectKey,
      now,
      jira,
      {
        sprint: run.sprintField ?? DEFAULT_SPRINT_FIELD,
        storyPoints: run.storyPointsField ?? DEFAULT_STORY_POINTS_FIELD,
      },
      {
        deadline,
        // A full run (the weekly reconciliation, a Scan now) checks the whole ledger against Jira too.
        checkLedger: (run.mode ?? 'full') === 'full',
        ...(tracking ? { reading: tracking.reading } : {}),
      },
    ),
  );
  if (shipped?.cutShort)
    note(
      'The scan ran out of time while bringing shipped versus moved up to date: the next scan goes on from ' +
        'where this one stopped.',
    );
  else if (shipped?.paced)
    note(
      "Shipped versus moved's check against Jira stopped to keep within the scan's share of Jira's hourly " +
        'points: the next scan goes on from where this one stopped.',
    );
}

/** The summary of a run that found another run of its project holding the lease, and did nothing. */
async function recordNotStarted(
  event: ScanEvent,
  holder: ScanLease | null,
  clock: () => number,
): Promise<void> {
  const at = new Date(clock()).toISOString();
  const summary: ScanRunSummary = {
    runId: event.runId,
    projectKey: event.projectKey,
    origin: event.origin,
    requestedBy: event.requestedBy,
    dryRun: event.dryRun,
    status: 'failed',
    startedAt: at,
    finishedAt: at,
    counters: emptyCounters(),
    errorSamples: [],
    wouldChange: [],
    health: null,
    notes: [],
    secured: { count: 0, keys: [] },
    failure:
      'Did not start: another scan of this project was running' +
      (holder ? ` (run ${holder.runId.slice(0, 8)}).` : '.') +
      ' Start it again once that one has finished.',
    mode: 'full',
  };
  await saveRunSummary(event.projectKey, summary);
}

/**
 * Takes the project's scan lease for the event's run, or says who holds it (null: no one the run could name). A run
 * starting finds the holder with a second read, and the holder may let the lease go between the two: the run then
 * tries once more, so a dry run ending at that moment does not cost the day's live scan.
 */
async function takeScanLease(
  event: ScanEvent,
  starting: boolean,
  clock: () => number,
): Promise<'taken' | ScanLease | null> {
  const take = () =>
    acquireScanLease(event.projectKey, event.runId, clock(), LEASE_TTL_MS, { dryRun: event.dryRun });
  if (await take()) return 'taken';
  if (!starting) return null;
  const holder = await liveScanLease(event.projectKey, clock());
  if (holder !== null) return holder;
  return (await take()) ? 'taken' : liveScanLease(event.projectKey, clock());
}

export async function runScanInvocation(
  event: ScanEvent,
  options: RunOptions = {},
  retryCount = 0,
): Promise<InvocationOutcome> {
  const clock = options.clock ?? Date.now;
  const budget = new Budget({
    startedAtMs: options.startedAtMs ?? clock(),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    share: options.budgetShare ?? DEFAULT_BUDGET_SHARE,
    now: clock,
  });
  /** The time limit the upkeep after the pages keeps to (its deadline), read at the invocation's start. */
  const limit: InvocationLimit = { budget, clock, runtime: runtimeLimit() };
  const { projectKey, runId } = event;
  const step = event.step;
  /** The partition this invocation scans; undefined for the run itself (unpartitioned, or planning them). */
  const part = event.partition;
  // At-least-once delivery: each step of a run (of each partition) is done by one delivery. A second copy of the
  // event (at once or later) finds the step claimed, or the run moved past it, or the run over, and does nothing.
  const stepKey = keys.scanStep(projectKey, runId, step, part);
  const stepTtl = { value: STEP_CLAIM_MINUTES, unit: 'MINUTES' } as const;
  if (!(await claimOwn(stepKey, { at: clock() }, stepTtl))) {
    // The queue's own retry of this step (after a failure or Forge's time limit stopped the delivery holding
    // the claim, which can no longer act) takes the step over; a plain copy of the event does not.
    if (retryCount === 0) return { status: 'yielded', runId };
    await kvs.set(stepKey, { at: clock(), retry: retryCount }, { ttl: stepTtl });
  }
  if ((await kvs.get(keys.scanDone(projectKey, runId))) !== undefined) {
    // Over, but its end may have stopped after the done mark (storage failed the cursor's delete): what it left of
    // its own goes now, so the project is free for the next run and that run does not take this one for abandoned.
    if (part === undefined) await tidyEndedRun(projectKey, runId);
    return { status: 'yielded', runId };
  }
  const starting = step === 0 && part === undefined && !event.continuation;
  const lease = await takeScanLease(event, starting, clock);
  if (lease !== 'taken') {
    // A run a person asked for (Scan now answered "started") while another holds the project is recorded as not
    // started, so the page shows it rather than a run that never appears.
    if (event.origin === 'manual' && starting) await recordNotStarted(event, lease, clock);
    // The day's live run met a dry run someone started: that one writes nothing, so this one waits for it to end
    // (its step claim let go, so the event comes back in). Any other copy, or a later step, just stops: the run
    // holding the lease is the day's scan.
    else if (starting && !event.dryRun && lease?.dryRun) {
      await kvs.delete(stepKey);
      await continueScan([event], AFTER_DRY_RUN_SECONDS);
      return { status: 'continued', runId, delaySeconds: AFTER_DRY_RUN_SECONDS };
    }
    return { status: 'yielded', runId };
  }

  const stored =
    part === undefined
      ? await loadCursor<ScanCursor>(projectKey)
      : await loadPartCursor<ScanCursor>(projectKey, runId, part);
  if (part !== undefined) {
    if (!stored) return { status: 'yielded', runId };
    // Over already: a copy of its last event (or the retry of one whose join failed) only tries the join.
    if (stored.settled) {
      const joined = await joinPartitions(projectKey, runId, clock, { partition: part, retryCount }, limit);
      return joined ? { status: 'finished', runId, summary: joined } : { status: 'yielded', runId };
    }
  }
  const ours = stored?.runId === runId;
  if (ours && retryCount > 0 && stored.step === step + 1) {
    // This step saved the next one and its push was then refused (Forge's 500 events a minute, a 5xx): the
    // queue's retry of this step makes the push again. A copy already on its way finds its step claimed, or
    // past, and stops.
    await continueScan(
      part === undefined && stored.partitions
        ? stored.partitions.map((_range, index) => ({
            ...event,
            continuation: true,
            step: 0,
            partition: index,
          }))
        : [{ ...event, continuation: true, step: step + 1 }],
      0,
      part === undefined && !stored.partitions
        ? undefined
        : scanConcurrency(projectKey, options.maxPartitions),
    );
    return { status: 'continued', runId, delaySeconds: 0 };
  }
  if (ours ? (stored.step ?? step) !== step : step > 0) return { status: 'yielded', runId };
  if (part === undefined && ours && stored.partitions) return { status: 'yielded', runId };
  // A cursor of another run belongs to one that lost its lease (expired): this run starts over.
  let committed = ours ? stored : await startCursor(event, clock());
  committed.unwritten = readPending(committed.unwritten);
  if (ours) await countWrittenSinceCheckpoint(projectKey, committed, part);
  committed.counters.invocations += 1;
  if (!ours) {
    if (stored && part === undefined) {
      // The run whose cursor this is lost its lease (its invocations stopped): its summary ends here. One whose
      // end was recorded (its done mark) finished, and only its tidying failed: its summary stands.
      if ((await kvs.get(keys.scanDone(projectKey, stored.runId))) === undefined)
        await saveRunSummary(
          projectKey,
          summaryOf(
            stored,
            'failed',
            new Date(clock()).toISOString(),
            'Stopped before it finished: no invocation of it ran for the lease time, and a later run took over.',
          ),
        );
      await endAbandonedRun(projectKey, stored);
    }
    // Kept before any other side effect: when Forge stops this invocation at its time limit, the queue's retry
    // resumes this start (its startedAt, so its one summary) instead of starting again under a new key.
    await saveCursor(projectKey, committed);
    await saveRunSummary(projectKey, summaryOf(committed, 'running', null));
  }
  const working = clone(committed);
  /** A partition's continuations stay under the project's concurrency key. */
  const concurrency = committed.partition ? scanConcurrency(projectKey, options.maxPartitions) : undefined;

  const meter = new PointsMeter();
  const jira = JiraClient.asApp(meter);
  const settings = settingsOrDefaults(committed.settings);
  // Calls and points are counted from the invocation's start: what a rolled-back page spent was spent.
  const spentBefore = { calls: committed.counters.jiraCalls ?? 0, points: committed.counters.points ?? 0 };
  const meterInto = (target: ScanCursor) => {
    target.counters.jiraCalls = spentBefore.calls + meter.calls;
    target.counters.points = spentBefore.points + meter.points;
    target.quota = meter.quota ?? target.quota ?? null;
  };
  const standing = committed.standing ?? UNKNOWN_STANDING;
  const outcomes = new Map(committed.outcomes);
  const parentOutcomes = new Map<string, string | null>();
  /** Whether each issue this invocation read is under a security level, noted on its samples for the page. */
  const securedOf = new Map<string, boolean>();
  const securedNote = (issueKey: string | null) => {
    const secured = issueKey === null ? undefined : securedOf.get(issueKey);
    return secured === undefined ? {} : { secured };
  };
  const sampleOf = (issueKey: string | null, message: string) => ({
    issueKey,
    message: message.slice(0, 500),
    at: new Date(clock()).toISOString(),
    ...securedNote(issueKey),
  });
  const recordError = (issueKey: string | null, message: string) => {
    working.counters.errors += 1;
    if (working.errorSamples.length < MAX_SUMMARY_ERRORS)
      working.errorSamples.push(sampleOf(issueKey, message));
  };
  const recordSkip = (issueKey: string, message: string) => {
    working.counters.skipped = (working.counters.skipped ?? 0) + 1;
    const samples = (working.skippedSamples ??= []);
    if (samples.length < MAX_SUMMARY_ERRORS) samples.push(sampleOf(issueKey, message));
  };
  const perIssueNote = (why: string) =>
    `Labels were edited one issue at a time: ${why} Jira's bulk edit (1,000 issues a call) needs the ` +
    'global permission Make bulk changes for the app.';
  /**
   * What this invocation's pages counted of each issue whose plan went to the writer, until the writer is done
   * with it: an issue found gone from the project before its writes is taken out of the run's figures again.
   */
  const counted = new Map<
    number,
    { health: IssuePlan['health']; idle: number | null; page: CountedIssue | null }
  >();
  /** Takes an issue the writer found gone from the project out of the figures, as if no page had held it. */
  const uncount = (issueId: number) => {
    const c = counted.get(issueId);
    if (!c) return;
    counted.delete(issueId);
    countHealth(working.health, c.health, -1);
    const histogram = working.idleDays;
    const atIdle = c.idle === null ? undefined : histogram?.[c.idle];
    if (histogram && c.idle !== null && atIdle !== undefined) {
      if (atIdle > 1) histogram[c.idle] = atIdle - 1;
      else delete histogram[c.idle];
    }
    if (c.page && working.aggregates) removeIssue(working.aggregates, c.page);
  };
  /** Flushes the writer, then forgets what was counted of the plans it is done with. */
  const flushWriter = async (all: boolean) => {
    await writer.flush(all);
    const buffered = writer.bufferedIds();
    for (const issueId of counted.keys()) if (!buffered.has(issueId)) counted.delete(issueId);
  };
  const writer = new ScanWriter(jira, projectKey, {
    onIssueError: recordError,
    // Noted as an issue skipped; its change is not counted, as nothing was written.
    onLeft: (issueId, issueKey, message) => {
      recordSkip(issueKey, message);
      uncount(issueId);
    },
    onLabelMode: (mode, refusal) => {
      working.labelMode = mode;
      if (mode === 'bulk') return;
      const note = perIssueNote(
        refusal
          ? `Jira refused the bulk edit (${refusal.slice(0, 200)}).`
          : 'the app may not make bulk changes on this site.',
      );
      if (!working.notes?.includes(note)) working.notes = [...(working.notes ?? []), note];
    },
    onEdit: () => (working.counters.edits += 1),
    onLanded: async () => {
      if (!working.dryRun)
        await saveWrittenCounts(projectKey, runId, part, writtenCountsOf(working.counters));
    },
    // Counted when written: a change rolled back by an interruption is counted by the write that lands it.
    onWritten: (change) => {
      if (change === 'flag') working.counters.flagged += 1;
      if (change === 'clear') working.counters.cleared += 1;
      if (change) working.counters.changed += 1;
    },
    now: () => new Date(clock()),
  });
  writer.labelMode = committed.labelMode ?? null;
  /**
   * What reached Jira since the checkpoint stays counted when the run rolls back to it. A dry run writes nothing:
   * its counts rise as pages are judged, so they roll back with the pages, which are judged again.
   */
  const keepWrittenCounts = (target: ScanCursor) => {
    if (!working.dryRun) for (const k of WRITTEN_COUNTERS) target.counters[k] = working.counters[k];
    meterInto(target);
  };
  /** The run's cursor, or this partition's. */
  const save = async (c: ScanCursor) => {
    // A large labelled batch stopped by a 429 can leave a thousand entries: past the cursor's share of a storage
    // value they are kept for the next run instead.
    c.unwritten = await fitUnwritten(projectKey, c);
    await (part === undefined ? saveCursor(projectKey, c) : savePartCursor(projectKey, runId, part, c));
  };
  /** A partition's progress shows in the run summary once the partitions join. */
  const saveRunning = (c: ScanCursor) =>
    part === undefined ? saveRunSummary(projectKey, summaryOf(c, 'running', null)) : Promise.resolve();
  const checkpoint = async () => {
    meterInto(working);
    // Only lenses another writer held too long are left here: kept for the next invocation.
    working.unwritten = dedupePending(writer.unwritten);
    committed = clone(working);
    await save(committed);
  };

  // Jira asked for a longer wait than one queue delay: this step only sleeps on (a call now would be refused
  // again, and spend an invocation and a push of the chain each time).
  if ((committed.waitLeftMs ?? 0) > 0) {
    const delaySeconds = Math.min(MAX_DELAY_SECONDS, Math.ceil(committed.waitLeftMs! / 1000));
    committed.waitLeftMs = Math.max(0, committed.waitLeftMs! - delaySeconds * 1000);
    committed.step = step + 1;
    await save(committed);
    await continueScan([{ ...event, continuation: true, step: step + 1 }], delaySeconds, concurrency);
    return { status: 'continued', runId, delaySeconds };
  }

  try {
    if (!committed.dryRun) {
      // What this run and an earlier, failed one left unwritten: their labels and comments are made (an earlier
      // run's by the run itself, before it splits into partitions).
      const earlier = part === undefined ? await keptLeftovers(projectKey) : null;
      const left = dedupePending([...(earlier?.entries ?? []), ...committed.unwritten]);
      if (left.length) {
        committed.unwritten = left;
        await writer.writeEntries(left);
      }
      // Written: a later rollback to this checkpoint must not carry them again.
      committed.unwritten = dedupePending(writer.unwritten);
      if (earlier) await dropLeftovers(earlier, committed.unwritten);
      working.unwritten = [];
      writer.unwritten = [...committed.unwritten];
      // The pages' lenses are newer than what is kept for their issues: written, they drop it (all were taken,
      // but those still unwritten, unless more than one invocation takes were kept, or a partition's start).
      writer.dropKeptOnWrite(
        projectKey,
        earlier?.complete ? committed.unwritten.map((e) => e.issueId) : null,
      );
    }
    if (!working.sprintField) {
      const { ids, assumed } = await retrying(() => discoverAgileFields(jira));
      const notes = assumed.includes('sprint')
        ? [
            `Jira lists no Sprint field (${SPRINT_FIELD_TYPE}): carry-overs were read from ${ids.sprint}, ` +
              'the usual id on Jira Cloud.',
          ]
        : [];
      // Part of the run's setup, like its settings: every later save carries it, even a rollback.
      committed.sprintField = working.sprintField = ids.sprint;
      committed.storyPointsField = working.storyPointsField = ids.storyPoints;
      committed.notes = [...(committed.notes ?? []), ...notes];
      working.notes = [...(working.notes ?? []), ...notes];
    }
    if (!committed.dryRun && step === 0 && part === undefined) {
      // Decisions a person began and did not retry are completed (or, when nothing was done, dropped) before
      // the pages are judged, so this run sees the issues as decided.
      const swept = await completeInterruptedDecisions(projectKey, { now: () => new Date(clock()) });
      if (swept.completed) {
        const n = swept.completed;
        const note = `Completed ${n} kill-review decision${n === 1 ? '' : 's'} interrupted before being recorded.`;
        committed.notes = [...(committed.notes ?? []), note];
        working.notes = [...(working.notes ?? []), note];
      }
    }
    const lookBack = committed.relinkedWithinMinutes;
    if (part === undefined && lookBack !== undefined && !committed.nextPageToken) {
      // Part of the run's setup: its search is fixed before the first page, and every later save carries it.
      const relinked = await relinkedItems(jira, projectKey, lookBack);
      const today = utcDay(Date.parse(committed.startedAt));
      for (const c of [committed, working]) {
        delete c.relinkedWithinMinutes;
        if (relinked === null) {
          c.mode = 'full';
          c.jql = openIssuesJql(projectKey);
          c.notes = [
            ...(c.notes ?? []).filter((n) => !n.startsWith(INCREMENTAL_NOTE)),
            `Read every open item: more than ${MAX_RELINKED_PARENTS} items' lenses were saved since the last run, and items without a link of their own take their parent's.`,
          ];
        } else if (relinked.length) {
          c.jql = incrementalJql(projectKey, lookBack, today, relinked);
          c.notes = [
            ...(c.notes ?? []),
            `Also read the open children of ${relinked.length} item${relinked.length === 1 ? '' : 's'} whose lens was saved since the last run.`,
          ];
        }
      }
    }
    if (
      part === undefined &&
      !committed.partitions &&
      working.counters.pages === 0 &&
      !working.nextPageToken
    ) {
      // A large backlog is split into id ranges, each scanned by queue events of its own, side by side.
      const ranges = await planPartitions(jira, working, {
        partitionSize: options.partitionSize,
        maxPartitions: options.maxPartitions,
        lastTotal: (await loadHealthSnapshot<StoredHealth>(projectKey))?.total ?? null,
      });
      if (ranges.length > 1) {
        meterInto(working);
        // The partitions start with nothing unwritten: what the run's start could not write waits for the next run.
        await keepForNextRun(projectKey, writer.unwritten);
        for (const [index, range] of ranges.entries())
          await savePartCursor(
            projectKey,
            runId,
            index,
            partitionCursor(working, index, range, ranges.length),
          );
        committed = clone(working);
        committed.partitions = ranges;
        committed.unwritten = [];
        committed.step = step + 1;
        committed.notes = [
          ...(committed.notes ?? []),
          `Read in ${ranges.length} partitions of the backlog by issue id, side by side.`,
        ];
        await saveCursor(projectKey, committed);
        await saveRunSummary(projectKey, summaryOf(committed, 'running', null));
        await continueScan(
          ranges.map((_range, index) => ({ ...event, continuation: true, step: 0, partition: index })),
          0,
          scanConcurrency(projectKey, options.maxPartitions),
        );
        return { status: 'partitioned', runId, partitions: ranges.length };
      }
    }
    // Edits an earlier invocation began and could not stamp in their lenses (it was stopped in between).
    const appEdits = committed.dryRun ? new Map() : await pendingAppEdits(projectKey);
    // The app's bulk label edits Jira had not finished when their lenses were stamped, as Jira reports them now.
    const appEditTasks = new AppEditTaskLookup(jira);
    // When the items the carried-over rule flags were done, if they were reopened since: read only for them.
    const doneHistory = new DoneHistoryLookup(jira);
    const sprintField = working.sprintField;
    const storyPointsField = working.storyPointsField ?? DEFAULT_STORY_POINTS_FIELD;
    let pagesNow = 0;
    let lastCheckpoint = clock();
    let finished = false;
    let paceMs = 0;
    for (;;) {
      if (pagesNow > 0 && budget.exhausted()) break;
      // Past the scan's share of the hour's points: wait for the next window rather than draw 429s. A partition
      // keeps room for its siblings' pages too: they spend from the same quota at the same moment, and the
      // quota each last saw does not show what the others are about to spend. (Counted for every partition of
      // the run, finished ones too: a few pages' points too careful near the end, with no reads of the others.)
      paceMs = quotaWaitMs(
        meter.quota ?? working.quota,
        settings.scan.quotaShare,
        (PAGE_POINTS_ESTIMATE + writer.buffered) * (working.partition?.of ?? 1),
        clock(),
      );
      if (paceMs > 0) break;
      const stepStart = clock();
      const page = await retrying(() =>
        jira.searchJql({
          // No ORDER BY: Jira pages its own order with nextPageToken, and a sorted search costs it more.
          jql: partitionJql(
            working.jql ?? `project = "${projectKey}" AND statusCategory != Done`,
            working.partition,
          ),
          fields: [...scanFields(sprintField), storyPointsField],
          properties: [ISSUE_PROPERTY_KEY],
          maxResults: PAGE_SIZE,
          nextPageToken: working.nextPageToken,
        }),
      );
      await loadParents(jira, page.issues, parentOutcomes);
      await appEditTasks.lookUp(pendingTaskIds(page.issues));
      for (const raw of page.issues) if (raw.key) securedOf.set(raw.key, !!raw.fields?.security);

      const now = new Date(clock());
      const judgeCtx = {
        appEdits,
        appEditTasks: appEditTasks.states,
        settings,
        outcomes,
        parentOutcome: (key: string) => parentOutcomes.get(key),
        now,
        standing,
      };
      const plans: IssuePlan[] = [];
      // An issue Jira answered in a shape the app cannot read was left out of the page: noted as not judged.
      const pageErrors: Array<[string | null, string]> = page.unreadable.map((u) => [
        u.key ?? u.id,
        u.message,
      ]);
      let abandoned = false;
      for (const raw of page.issues) {
        // Out of time in the middle of a page: drop it and resume at its start (never on the first page).
        if (pagesNow > 0 && budget.exhausted()) {
          abandoned = true;
          break;
        }
        try {
          plans.push(judgeIssue(toScanIssue(raw, sprintField), judgeCtx));
        } catch (e) {
          pageErrors.push([raw.key ?? null, e instanceof Error ? e.message : String(e)]);
        }
      }
      if (abandoned) break;
      // A closed sprint the item was done in (it was reopened since) is no carry-over: its history tells.
      await doneHistory.rejudge(page.issues, plans, sprintField, (issue) => judgeIssue(issue, judgeCtx));

      const c = working.counters;
      c.pages += 1;
      const rawOf = new Map(page.issues.map((raw) => [raw.key, raw]));
      for (const [key, message] of pageErrors) recordError(key, message);
      for (const plan of plans) {
        c.issues += 1;
        if (working.dryRun) {
          if (plan.change === 'flag') c.flagged += 1;
          if (plan.change === 'clear') c.cleared += 1;
          // As a live run counts what it wrote (onWritten): a verdict or score that changes, one a row of
          // wouldChange names. An issue that would only get its label or comment is counted as edits below.
          if (plan.change) c.changed += 1;
        }
        countHealth(working.health, plan.health, 1);
        const raw = rawOf.get(plan.key);
        let onPage: CountedIssue | null = null;
        if (raw) {
          const parentKey = raw.fields.parent?.key;
          onPage = addIssue(
            (working.aggregates ??= emptyAggregates()),
            raw,
            {
              ...plan.health,
              directOutcomeId: readLens(raw.properties?.[ISSUE_PROPERTY_KEY]).outcomeId,
              parentOutcomeId: parentKey ? (parentOutcomes.get(parentKey) ?? null) : null,
            },
            { sprint: sprintField, storyPoints: storyPointsField },
          );
        }
        const idle = Math.max(0, Math.floor((now.getTime() - Date.parse(plan.lastRealActivity)) / DAY_MS));
        if (Number.isFinite(idle)) {
          const histogram = (working.idleDays ??= {});
          histogram[idle] = (histogram[idle] ?? 0) + 1;
        }
        if (working.dryRun) {
          if (plan.change && working.wouldChange.length < MAX_DRY_RUN_SAMPLES)
            working.wouldChange.push({ issueKey: plan.key, change: plan.change, ...securedNote(plan.key) });
          if (plan.next)
            c.edits += Number(!!plan.edits.addLabel || !!plan.edits.removeLabel) + Number(plan.edits.comment);
        } else if (plan.next) {
          counted.set(plan.issueId, {
            health: plan.health,
            idle: Number.isFinite(idle) ? idle : null,
            page: onPage,
          });
          writer.add(plan);
        }
      }
      await flushWriter(false);
      working.nextPageToken = page.nextPageToken;
      pagesNow += 1;
      budget.recordStep(clock() - stepStart);
      if (!page.nextPageToken) {
        finished = true;
        break;
      }
      if (writer.buffered === 0 && clock() - lastCheckpoint >= CHECKPOINT_EVERY_MS) {
        await checkpoint();
        lastCheckpoint = clock();
      }
    }

    await flushWriter(true);
    if (finished && part !== undefined) {
      // This partition is done: it keeps what it counted (and what it could not write) for the join, and the
      // last partition to finish joins them into the run's summary.
      meterInto(working);
      working.unwritten = dedupePending(writer.unwritten);
      working.settled = 'finished';
      await save(working);
      const joined = await joinPartitions(projectKey, runId, clock, { partition: part, retryCount }, limit);
      return joined ? { status: 'finished', runId, summary: joined } : { status: 'yielded', runId };
    }
    if (finished && !working.dryRun) {
      // Delivered bets are checked after the open backlog, with the scan's client so its points count. A
      // rate limit ends the invocation (its step is retried); any other failure waits for the next run.
      await keepDeliveryRecords(projectKey, new Date(clock()), jira, working, {
        rethrowRateLimit: true,
        limit,
      });
    }
    meterInto(working);
    if (finished) {
      const summary = await recordFinishedRun(working, clock);
      await keepForNextRun(projectKey, writer.unwritten);
      await endRun(projectKey, runId);
      return { status: 'finished', runId, summary };
    }
    if (paceMs > 0) working.counters.paced = (working.counters.paced ?? 0) + 1;
    await checkpoint();
    committed.step = step + 1;
    await save(committed);
    await saveRunning(committed);
    // Paced: back when the quota's window resets (Forge delays at most 900 s; a continuation woken earlier
    // finds the same quota and waits again, without a Jira call).
    const delaySeconds = paceMs > 0 ? Math.min(MAX_DELAY_SECONDS, Math.ceil(paceMs / 1000)) : 0;
    await continueScan([{ ...event, continuation: true, step: step + 1 }], delaySeconds, concurrency);
    return { status: 'continued', runId, delaySeconds };
  } catch (e) {
    if (e instanceof JiraRateLimitError) {
      // Back to the last checkpoint; edits already made are written first on resume (once per issue).
      const resume = clone(committed);
      resume.unwritten = dedupePending([...resume.unwritten, ...writer.unwritten]);
      resume.counters.rateLimited += 1;
      keepWrittenCounts(resume);
      resume.step = step + 1;
      const delaySeconds = spreadRetryAfterSeconds(e.retryAfterMs);
      resume.waitLeftMs = Math.max(0, delaySeconds - MAX_DELAY_SECONDS) * 1000;
      await save(resume);
      await saveRunning(resume);
      await continueScan([{ ...event, continuation: true, step: step + 1 }], delaySeconds, concurrency);
      return { status: 'continued', runId, delaySeconds: Math.min(900, delaySeconds) };
    }
    const message = e instanceof Error ? e.message : String(e);
    if (retryCount < MAX_EVENT_RETRIES) {
      // Keep the committed cursor; the queue redelivers this event and the run resumes from there.
      const resume = clone(committed);
      resume.unwritten = dedupePending([...resume.unwritten, ...writer.unwritten]);
      keepWrittenCounts(resume);
      await save(resume);
      // The redelivery of this step must be let in.
      await kvs.delete(stepKey);
      throw e;
    }
    const failed = clone(working);
    if (part !== undefined) {
      // This partition gave up: the others go on, and the join records the run as failed, naming it.
      meterInto(failed);
      failed.unwritten = dedupePending([...committed.unwritten, ...writer.unwritten]);
      failed.settled = 'failed';
      failed.failure = message;
      await save(failed);
      await joinPartitions(projectKey, runId, clock, { partition: part, retryCount }, limit);
      return { status: 'failed', runId, message };
    }
    await saveRunSummary(projectKey, summaryOf(failed, 'failed', new Date(clock()).toISOString(), message));
    await keepForNextRun(projectKey, dedupePending([...committed.unwritten, ...writer.unwritten]));
    await endRun(projectKey, runId);
    return { status: 'failed', runId, message };
  }
}

/** The counters that tell what reached Jira: they only grow in a live run, and survive a rollback. */
const WRITTEN_COUNTERS = ['flagged', 'cleared', 'changed', 'edits'] as const;
type WrittenCounts = Pick<ScanCounters, (typeof WRITTEN_COUNTERS)[number]>;

function writtenCountsOf(counters: ScanCounters): WrittenCounts {
  return Object.fromEntries(WRITTEN_COUNTERS.map((k) => [k, counters[k]])) as WrittenCounts;
}

/**
 * A resumed live run counts what an invocation Forge stopped wrote after its last checkpoint: read again, those
 * issues are no longer changes, so only the counts it kept as each lens batch landed know of them.
 */
async function countWrittenSinceCheckpoint(
  projectKey: string,
  cursor: ScanCursor,
  part: number | undefined,
): Promise<void> {
  if (cursor.dryRun) return;
  const kept = await loadWrittenCounts<Partial<WrittenCounts>>(projectKey, cursor.runId, part);
  for (const k of WRITTEN_COUNTERS) {
    const n = kept?.[k];
    if (typeof n === 'number' && Number.isFinite(n) && n > (cursor.counters[k] ?? 0)) cursor.counters[k] = n;
  }
}

/**
 * What a run that lost its lease leaves: the lenses it (and its partitions) had edited Jira for and not yet
 * written are kept for the run taking over, which writes them first, and its partition cursors go. Repeated
 * safely: kept entries are keyed by issue, and a cursor already deleted is not there to delete.
 */
async function endAbandonedRun(projectKey: string, stale: ScanCursor): Promise<void> {
  const parts: ScanCursor[] = [];
  for (const index of stale.partitions?.keys() ?? []) {
    const cursor = await loadPartCursor<ScanCursor>(projectKey, stale.runId, index);
    if (cursor) parts.push(cursor);
  }
  const unwritten = [stale, ...parts].flatMap((c) => readPending(c.unwritten));
  if (unwritten.length > 0) await keepForNextRun(projectKey, unwritten);
  for (const index of stale.partitions?.keys() ?? []) await deletePartCursor(projectKey, stale.runId, index);
}

/** How long the join of a run's partitions stays claimed by the invocation doing it. */
const JOIN_CLAIM_MINUTES = 20;

/**
 * Joins a partitioned run once every partition is over: one summary whose counts add each partition's once
 * (the one invocation that claims the join does it; a copy of an event, or a partition finishing at the same
 * moment, finds it claimed), then the run's records as an unpartitioned run leaves them. A failed partition
 * fails the run, named in the summary; what it and the others could not write is kept for the next run.
 * Null while a partition is still going, or when another invocation joins.
 */
async function joinPartitions(
  projectKey: string,
  runId: string,
  clock: () => number,
  by: { partition: number | undefined; retryCount: number },
  limit: InvocationLimit,
): Promise<ScanRunSummary | null> {
  const run = await loadCursor<ScanCursor>(projectKey);
  if (!run || run.runId !== runId || !run.partitions) return null;
  const parts: ScanCursor[] = [];
  for (const index of run.partitions.keys()) {
    const part = await loadPartCursor<ScanCursor>(projectKey, runId, index);
    if (!part?.settled) return null;
    parts.push(part);
  }
  const joinKey = keys.scanJoin(projectKey, runId);
  const joinTtl = { value: JOIN_CLAIM_MINUTES, unit: 'MINUTES' } as const;
  if (!(await claimOwn(joinKey, { at: clock(), partition: by.partition ?? null }, joinTtl))) {
    // The queue's retry of the event whose invocation claimed the join (Forge stopped it at its time limit, or
    // it failed where it could not give the claim back) takes the join over; any other event leaves it be.
    const held = await kvs.get<{ partition?: number | null }>(joinKey);
    if (by.retryCount === 0 || held?.partition !== (by.partition ?? null)) return null;
    await kvs.set(
      joinKey,
      { at: clock(), partition: by.partition ?? null, retry: by.retryCount },
      { ttl: joinTtl },
    );
  }
  try {
    const joined = mergePartitions(run, parts);
    const leftovers = dedupePending(parts.flatMap((p) => readPending(p.unwritten)));
    const failed = parts.filter((p) => p.settled === 'failed');
    let summary: ScanRunSummary;
    if (failed.length > 0) {
      const why = failed
        .map((p) => `partition ${(p.partition?.index ?? 0) + 1} of ${parts.length}: ${p.failure ?? 'failed'}`)
        .join('; ');
      summary = summaryOf(joined, 'failed', new Date(clock()).toISOString(), `Failed in ${why}`);
      await saveRunSummary(projectKey, summary);
    } else {
      if (!joined.dryRun) {
        // Delivered bets and the shipped ledger, once for the run, as an unpartitioned run keeps them. The join
        // runs once, so a rate limit here waits for the next run too.
        const meter = new PointsMeter();
        await keepDeliveryRecords(projectKey, new Date(clock()), JiraClient.asApp(meter), joined, {
          rethrowRateLimit: false,
          limit,
        });
        joined.counters.jiraCalls += meter.calls;
        joined.counters.points += meter.points;
      }
      summary = await recordFinishedRun(joined, clock);
    }
    await keepForNextRun(projectKey, leftovers);
    await endRun(projectKey, runId);
    for (const index of run.partitions.keys()) await deletePartCursor(projectKey, runId, index);
    return summary;
  } catch (e) {
    // Let the queue's retry of the partition's event join again.
    await kvs.delete(joinKey);
    throw e;
  }
}

/** The outcome each parent (epic) links to: one bulk fetch per page for parents not seen yet this invocation. */
async function loadParents(
  jira: JiraClient,
  issues: Array<{ fields: { parent?: { key: string } | null } }>,
  cache: Map<string, string | null>,
): Promise<void> {
  const missing = [
    ...new Set(issues.flatMap((i) => (i.fields.parent?.key ? [i.fields.parent.key] : []))),
  ].filter((k) => !cache.has(k));
  if (missing.length === 0) return;
  const found = await retrying(() =>
    jira.bulkFetchIssues(missing.slice(0, 100), { fields: ['issuetype'], properties: [ISSUE_PROPERTY_KEY] }),
  );
  if (cache.size > PARENT_CACHE_LIMIT) cache.clear();
  for (const key of missing) cache.set(key, null);
  for (const p of found) cache.set(p.key, readLens(p.properties?.[ISSUE_PROPERTY_KEY]).outcomeId);
}
