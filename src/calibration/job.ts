/**
 * Calibration from the project's own history, as a background job on its own queue (manifest: consumer
 * `outcome-lens-calibration-consumer`, timeoutSeconds 900). A run reads the project's issues a page at a time
 * (search, then the changelogs of that page in bulk), keeps each page's history compacted in app storage, and
 * when the last page is in, replays it with the domain (src/domain/calibration.ts) and stores the proposal.
 *
 * Within Forge's time limit: an invocation stops starting pages once its budget is spent and queues the next
 * step; the cursor in app storage says where it resumes. Within Jira's rate limits: a 429 ends the invocation
 * and the next step is queued after Retry-After. At least once: each step is claimed by the one delivery that
 * runs it (a copy finds it claimed, the run past it, or the run over), and a page re-read after a stop writes
 * the same history page again, under the same key.
 */
import { randomUUID } from 'node:crypto';
import { Queue, type InvocationError } from '@forge/events';
import { kvs } from '../storage/kvs-client';
import * as z from 'zod';
import { CALIBRATION_LOOKBACK_MONTHS, MIN_DELIVERED, type CalibrationState } from '../contract/calibration';
import {
  calibrateProject,
  compactHistory,
  isMapped,
  previewCandidates,
  proposeResolutionMapping,
  replayMoments,
  scanDatesFor,
  type HistoryIssue,
  type ResolutionMapping,
} from '../domain/calibration';
import { historyFromRestIssue } from '../domain/history';
import { ConflictError, JiraRateLimitError, retryAfterStorageMinute, toErrorAnswer } from '../errors';
import { JiraClient } from '../jira/client';
import { PointsMeter, type QuotaView } from '../jira/points';
import { PAGE_POINTS_ESTIMATE, quotaWaitMs, spreadRetryAfterSeconds } from '../scan/pacing';
import { jqlString } from '../jira/jql';
import type { JiraChangeHistory } from '../jira/schemas';
import { keys } from '../storage/keys';
import { checkValueSize, claimOwn } from '../storage/kv';
import { idleDaysByType } from '../domain/settings';
import { loadSettings } from '../storage/settings';
import { Budget, DEFAULT_BUDGET_SHARE } from '../scan/budget';
import { retrying } from '../scan/writer';
import { MAX_DELAY_SECONDS, MAX_EVENT_RETRIES } from '../scan/queue';
import { MAX_SECURED_KEYS } from '../scan/aggregates';
import { utcDay } from '../domain/dates';

/** Queue key in manifest.yml. */
export const CALIBRATION_QUEUE = 'outcome-lens-calibration';
/** The consumer's timeoutSeconds in manifest.yml. */
export const CALIBRATION_TIMEOUT_SECONDS = 900;
/** Jira's page cap when fields are asked for. */
export const HISTORY_PAGE_SIZE = 100;
/** What the replay reads of an issue; comments come with the issue, the changelog from the bulk endpoint. */
export const HISTORY_FIELDS = [
  'issuetype',
  'created',
  'updated',
  'resolution',
  'resolutiondate',
  'status',
  'comment',
  // Whether the issue is under a security level: the run's counts are then shown only to who may see it.
  'security',
];
/** History pages outlive a run long enough for an admin to change the resolution mapping and recalculate. */
export const HISTORY_TTL = { value: 14, unit: 'DAYS' } as const;
const STEP_CLAIM = { value: 20, unit: 'MINUTES' } as const;
const DONE_TTL = { value: 14, unit: 'DAYS' } as const;

const RUN_ID = /^[a-zA-Z0-9._-]{1,64}$/;
export const calibrationEventSchema = z.object({
  projectKey: z.string().regex(/^[A-Z][A-Z0-9_]{0,254}$/),
  runId: z.string().regex(RUN_ID),
  step: z.number().int().min(0).default(0),
  requestedBy: z.string().nullable().default(null),
  /** Replay the history this finished run read (with the mapping now confirmed) instead of reading Jira again. */
  historyRunId: z.string().regex(RUN_ID).nullable().default(null),
});
export type CalibrationEvent = z.infer<typeof calibrationEventSchema>;
export type CalibrationEventInput = z.input<typeof calibrationEventSchema>;

/** What a paused run keeps in app storage. */
export interface CalibrationCursor {
  runId: string;
  projectKey: string;
  step: number;
  startedAt: string;
  asOf: string;
  requestedBy: string | null;
  /** The run whose history pages are replayed: this one when it reads Jira itself. */
  historyRunId: string;
  /** Pages still to read (false once the last page is in, or for a recalculation). */
  reading: boolean;
  nextPageToken: string | null;
  pages: number;
  issuesRead: number;
  /** The issues read under a security level (CalibrationState's); absent in a cursor of an older version. */
  secured?: { count: number; keys: string[] };
  jiraCalls: number;
  /** Points of Jira's hourly quota the run spent; absent in a cursor of an older version. */
  points?: number;
  rateLimited: number;
  invocations: number;
  resolutionNames: string[];
  /** The share of the hour's Jira points the run may use (the scan's setting), and the quota last reported. */
  quotaShare?: number;
  quota?: QuotaView | null;
  /** The app's own account, whose edits are not activity; asked once per run. */
  appAccountId: string | null;
  /** Settings as at the start: the current limit shown beside the proposal, and the exempt types. */
  currentIdleDays: number;
  currentByType: Record<string, number>;
  exemptIssueTypes: string[];
}

export interface CalibrationRunOptions {
  clock?: () => number;
  timeoutMs?: number;
  budgetShare?: number;
  startedAtMs?: number;
}

export type CalibrationOutcome =
  | { status: 'yielded'; runId: string }
  | { status: 'continued'; runId: string; delaySeconds: number }
  | { status: 'finished'; runId: string }
  | { status: 'failed'; runId: string; message: string };

export function newCalibrationRunId(): string {
  return randomUUID();
}

export async function pushCalibrationEvent(event: CalibrationEventInput, delaySeconds = 0): Promise<void> {
  const body = calibrationEventSchema.parse(event);
  const delay = Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil(delaySeconds)));
  await new Queue({ key: CALIBRATION_QUEUE }).push(
    delay > 0 ? [{ body, delayInSeconds: delay }] : [{ body }],
  );
}

export async function loadCalibrationState(projectKey: string): Promise<CalibrationState | null> {
  return (await kvs.get<CalibrationState>(keys.calibrationLatest(projectKey))) ?? null;
}

/** The state a run has before its first invocation: started, with what a recalculation will replay. */
export function saveQueuedState(projectKey: string, state: CalibrationState): Promise<void> {
  return saveState(projectKey, state);
}

/** Puts back the state a start replaced when its run could not be queued (nothing stored: deleted). */
export async function restoreState(projectKey: string, previous: CalibrationState | null): Promise<void> {
  if (previous) await saveState(projectKey, previous);
  else await kvs.delete(keys.calibrationLatest(projectKey));
}

async function saveState(projectKey: string, state: CalibrationState): Promise<void> {
  checkValueSize(state, 'The calibration');
  await kvs.set(keys.calibrationLatest(projectKey), state);
}

export interface StoredMapping extends ResolutionMapping {
  confirmedBy: string | null;
  confirmedAt: string;
}

export async function loadConfirmedMapping(projectKey: string): Promise<StoredMapping | null> {
  return (await kvs.get<StoredMapping>(keys.calibrationMapping(projectKey))) ?? null;
}

export async function saveConfirmedMapping(projectKey: string, mapping: StoredMapping): Promise<void> {
  checkValueSize(mapping, 'The resolution mapping');
  await kvs.set(keys.calibrationMapping(projectKey), mapping);
}

function stateOf(c: CalibrationCursor, status: CalibrationState['status']): CalibrationState {
  return {
    runId: c.runId,
    status,
    requestedBy: c.requestedBy,
    startedAt: c.startedAt,
    finishedAt: null,
    asOf: c.asOf,
    historyRunId: c.historyRunId,
    progress: {
      pages: c.pages,
      issuesRead: c.issuesRead,
      invocations: c.invocations,
      jiraCalls: c.jiraCalls,
      points: c.points ?? 0,
      rateLimited: c.rateLimited,
    },
    resolutionNames: c.resolutionNames,
    mapping: null,
    mappingConfirmed: false,
    unplaced: [],
    result: null,
    failure: null,
    ...(c.secured ? { secured: c.secured } : {}),
  };
}

async function startCursor(event: CalibrationEvent, nowMs: number): Promise<CalibrationCursor> {
  const { settings } = await loadSettings(event.projectKey);
  const byType = idleDaysByType(settings.zombie.perIssueType);
  const base = {
    runId: event.runId,
    projectKey: event.projectKey,
    step: 0,
    startedAt: new Date(nowMs).toISOString(),
    requestedBy: event.requestedBy,
    jiraCalls: 0,
    points: 0,
    rateLimited: 0,
    invocations: 0,
    appAccountId: null,
    currentIdleDays: settings.zombie.defaults.maxIdleDays,
    currentByType: byType,
    exemptIssueTypes: [...settings.exemptions.issueTypes],
    quotaShare: settings.scan.quotaShare,
    quota: null,
  };
  // A recalculation replays the pages another run read, as of that run's moment: the state queued with this
  // run (src/services/calibration.ts, from the finished run's) says which pages and how many.
  const source = event.historyRunId ? await loadCalibrationState(event.projectKey) : null;
  if (
    event.historyRunId &&
    source?.runId === event.runId &&
    source.historyRunId === event.historyRunId &&
    source.asOf
  )
    return {
      ...base,
      asOf: source.asOf,
      historyRunId: source.historyRunId,
      reading: false,
      nextPageToken: null,
      pages: source.progress.pages,
      issuesRead: source.progress.issuesRead,
      // Replaying the same pages, it counts the same issues: those of a run begun before they were noted stay unknown.
      ...(source.secured ? { secured: source.secured } : {}),
      resolutionNames: source.resolutionNames,
    };
  return {
    ...base,
    asOf: new Date(nowMs).toISOString(),
    historyRunId: event.runId,
    reading: true,
    nextPageToken: null,
    pages: 0,
    issuesRead: 0,
    secured: { count: 0, keys: [] },
    resolutionNames: [],
  };
}

/**
 * The issues a replay can see: open now, or touched since the first replayed scan date. An item closed and
 * left alone before that date was never open at a scan date, so it is not read at all.
 */
export function historyJql(projectKey: string, asOf: Date): string {
  const first = scanDatesFor(asOf, CALIBRATION_LOOKBACK_MONTHS, 3)[0] ?? asOf;
  // A day early: Jira reads a JQL date in the searcher's time zone, which may be ahead of UTC.
  const day = utcDay(first.getTime() - 86_400_000);
  return `project = ${jqlString(projectKey)} AND (statusCategory != Done OR updated >= "${day}")`;
}

export async function runCalibrationInvocation(
  event: CalibrationEvent,
  options: CalibrationRunOptions = {},
  retryCount = 0,
): Promise<CalibrationOutcome> {
  const clock = options.clock ?? Date.now;
  const budget = new Budget({
    startedAtMs: options.startedAtMs ?? clock(),
    timeoutMs: options.timeoutMs ?? CALIBRATION_TIMEOUT_SECONDS * 1000,
    share: options.budgetShare ?? DEFAULT_BUDGET_SHARE,
    now: clock,
  });
  const { projectKey, runId, step } = event;
  const stepKey = keys.calibrationStep(projectKey, runId, step);
  if (!(await claimOwn(stepKey, { at: clock() }, STEP_CLAIM))) {
    // A plain copy of the event does nothing; the queue's own retry (the holder failed or was stopped) takes over.
    if (retryCount === 0) return { status: 'yielded', runId };
    await kvs.set(stepKey, { at: clock(), retry: retryCount }, { ttl: STEP_CLAIM });
  }
  if ((await kvs.get(keys.calibrationDone(projectKey, runId))) !== undefined)
    return { status: 'yielded', runId };
  const stored = (await kvs.get<CalibrationCursor>(keys.calibrationCursor(projectKey))) ?? null;
  const ours = stored?.runId === runId;
  if (ours && retryCount > 0 && stored.step === step + 1) {
    // This step saved the next one and its push was then refused (Forge's 500 events a minute, a 5xx): the
    // queue's retry of this step pushes it again; a copy already on its way finds its step claimed and stops.
    await pushCalibrationEvent({ ...event, step: step + 1 }, 0);
    return { status: 'continued', runId, delaySeconds: 0 };
  }
  if (ours ? stored.step !== step : step > 0) return { status: 'yielded', runId };
  // A run's state is saved before its first event is pushed: another run's there means a later press replaced
  // this one (taken for dead while its event was late), and starting now would overwrite that run's work.
  if (!ours) {
    const state = await loadCalibrationState(projectKey);
    if (state && state.runId !== runId) return { status: 'yielded', runId };
  }
  // A cursor of another run is an older run's: the newer request replaces it (its events then find it gone).
  const cursor = ours ? stored : await startCursor(event, clock());
  cursor.invocations += 1;
  const saveCursor = async () => {
    checkValueSize(cursor, 'The calibration cursor');
    await kvs.set(keys.calibrationCursor(projectKey), cursor);
    await saveState(projectKey, { ...stateOf(cursor, 'running'), heardAt: new Date(clock()).toISOString() });
  };
  await saveCursor();

  // Calls and points (Atlassian's model, src/jira/points.ts) are counted from the invocation's start.
  const meter = new PointsMeter();
  const jira = JiraClient.asApp(meter);
  const spentBefore = { calls: cursor.jiraCalls, points: cursor.points ?? 0 };
  const counted = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await retrying(fn);
    } finally {
      cursor.jiraCalls = spentBefore.calls + meter.calls;
      cursor.points = spentBefore.points + meter.points;
      cursor.quota = meter.quota ?? cursor.quota ?? null;
    }
  };
  let paceMs = 0;
  try {
    if (cursor.reading && cursor.appAccountId === null) {
      cursor.appAccountId = await counted(() => jira.myAccountId()).catch((e: unknown) => {
        if (e instanceof JiraRateLimitError) throw e;
        return null; // Not known: the app's edits then count as activity, as in an export.
      });
    }
    const asOf = new Date(cursor.asOf);
    const moments = replayMoments(asOf, { lookbackMonths: CALIBRATION_LOOKBACK_MONTHS });
    const names = new Set(cursor.resolutionNames);
    let pagesNow = 0;
    while (cursor.reading) {
      if (pagesNow > 0 && budget.exhausted()) break;
      // Past the run's share of the hour's points (a page costs about as much as a scan's): wait for the next
      // window rather than draw 429s, and leave the rest to the scan and the people using the app.
      paceMs = quotaWaitMs(cursor.quota, cursor.quotaShare ?? 0.5, PAGE_POINTS_ESTIMATE, clock());
      if (paceMs > 0) break;
      const started = clock();
      const page = await counted(() =>
        jira.searchJql({
          jql: historyJql(projectKey, asOf),
          fields: HISTORY_FIELDS,
          maxResults: HISTORY_PAGE_SIZE,
          nextPageToken: cursor.nextPageToken,
        }),
      );
      const histories = new Map<string, JiraChangeHistory[]>();
      const ids = page.issues.map((i) => i.id);
      let token: string | null = null;
      do {
        const t: string | null = token;
        const logs: Awaited<ReturnType<JiraClient['bulkChangelogPage']>> = await counted(() =>
          jira.bulkChangelogPage(ids, undefined, t),
        );
        for (const log of logs.logs)
          histories.set(log.issueId, [...(histories.get(log.issueId) ?? []), ...log.changeHistories]);
        token = logs.nextPageToken;
      } while (token);
      const read: HistoryIssue[] = [];
      const securedRead: string[] = [];
      for (const raw of page.issues) {
        const history = historyFromRestIssue(
          { ...raw, changelog: { histories: histories.get(raw.id) ?? [] } },
          { ignoreAuthor: cursor.appAccountId },
        );
        if (!history) continue;
        for (const c of history.resolutionChanges) if (c.to !== null) names.add(c.to);
        read.push(compactHistory(history, moments));
        if (raw.fields?.security) securedRead.push(raw.key);
      }
      // Keyed by the page's number: a page read again after a stop replaces itself.
      await kvs.set(keys.calibrationHistory(projectKey, runId, cursor.pages), read, { ttl: HISTORY_TTL });
      cursor.pages += 1;
      cursor.issuesRead += read.length;
      // Noted only by a run that began noting them: one resumed from an older cursor would note a part of them.
      if (cursor.secured) {
        cursor.secured.count += securedRead.length;
        cursor.secured.keys = [...cursor.secured.keys, ...securedRead].slice(0, MAX_SECURED_KEYS);
      }
      cursor.resolutionNames = [...names].sort();
      cursor.nextPageToken = page.nextPageToken;
      if (!page.nextPageToken) cursor.reading = false;
      await saveCursor();
      pagesNow += 1;
      budget.recordStep(clock() - started);
    }
    if (cursor.reading) {
      cursor.step = step + 1;
      await saveCursor();
      const delaySeconds = Math.min(MAX_DELAY_SECONDS, Math.ceil(paceMs / 1000));
      await pushCalibrationEvent({ ...event, step: step + 1 }, delaySeconds);
      return { status: 'continued', runId, delaySeconds };
    }
    await finish(cursor, clock());
    return { status: 'finished', runId };
  } catch (e) {
    if (e instanceof JiraRateLimitError) {
      // The cursor was saved after the last whole page: the next step reads on from there, after Retry-After.
      cursor.rateLimited += 1;
      cursor.step = step + 1;
      await saveCursor();
      const delaySeconds = spreadRetryAfterSeconds(e.retryAfterMs);
      await pushCalibrationEvent({ ...event, step: step + 1 }, delaySeconds);
      return { status: 'continued', runId, delaySeconds: Math.min(MAX_DELAY_SECONDS, delaySeconds) };
    }
    const message = e instanceof Error ? e.message : String(e);
    if (retryCount < MAX_EVENT_RETRIES) {
      // The queue delivers this step again; let that delivery in.
      await kvs.delete(stepKey);
      throw e;
    }
    // The page shows the failure to a person: the app's own sentence for what failed, never the raw error.
    console.warn(`calibration: ${projectKey} run ${runId} failed: ${message.slice(0, 500)}`);
    await saveState(projectKey, {
      ...stateOf(cursor, 'failed'),
      finishedAt: new Date(clock()).toISOString(),
      failure: toErrorAnswer(e).message.slice(0, 500),
    });
    await endRun(projectKey, runId);
    return { status: 'failed', runId, message };
  }
}

async function endRun(projectKey: string, runId: string): Promise<void> {
  await kvs.set(keys.calibrationDone(projectKey, runId), true, { ttl: DONE_TTL });
  const cursor = await kvs.get<CalibrationCursor>(keys.calibrationCursor(projectKey));
  if (cursor?.runId === runId) await kvs.delete(keys.calibrationCursor(projectKey));
}

/** Replays every page read, with the confirmed mapping (or the one proposed from the names), and stores it. */
async function finish(cursor: CalibrationCursor, nowMs: number): Promise<void> {
  const { projectKey } = cursor;
  const issues: HistoryIssue[] = [];
  for (let page = 0; page < cursor.pages; page++) {
    const chunk = await kvs.get<HistoryIssue[]>(
      keys.calibrationHistory(projectKey, cursor.historyRunId, page),
    );
    if (!chunk)
      throw new ConflictError(
        'The history read for this calibration has expired: calibrate from history again.',
      );
    issues.push(...chunk);
  }
  const confirmed = await loadConfirmedMapping(projectKey);
  const mapping: ResolutionMapping = confirmed
    ? { delivered: confirmed.delivered, abandoned: confirmed.abandoned }
    : proposeResolutionMapping(cursor.resolutionNames).mapping;
  const result = calibrateProject(projectKey, issues, {
    asOf: new Date(cursor.asOf),
    mapping,
    currentIdleDays: cursor.currentIdleDays,
    exemptIssueTypes: cursor.exemptIssueTypes,
    lookbackMonths: CALIBRATION_LOOKBACK_MONTHS,
    minDelivered: MIN_DELIVERED,
    candidates: previewCandidates(),
  });
  await saveState(projectKey, {
    ...stateOf(cursor, 'finished'),
    finishedAt: new Date(nowMs).toISOString(),
    mapping,
    mappingConfirmed: confirmed !== null,
    unplaced: cursor.resolutionNames.filter((n) => !isMapped(mapping, n)),
    result,
  });
  await endRun(projectKey, cursor.runId);
}

interface QueueEventLike {
  body?: unknown;
  retryContext?: { retryCount?: number };
}

export function createCalibrationConsumer(options: CalibrationRunOptions = {}) {
  return async (
    event: QueueEventLike,
  ): Promise<CalibrationOutcome | { status: 'rejected' } | InvocationError> => {
    const startedAtMs = (options.clock ?? Date.now)();
    const parsed = calibrationEventSchema.safeParse(event.body);
    if (!parsed.success) {
      console.warn('calibration: dropping a malformed event', parsed.error.issues[0]?.message);
      return { status: 'rejected' };
    }
    try {
      return await runCalibrationInvocation(
        parsed.data,
        { startedAtMs, ...options },
        event.retryContext?.retryCount ?? 0,
      );
    } catch (e) {
      return retryAfterStorageMinute(e);
    }
  };
}

export const calibrationConsumer = createCalibrationConsumer();
