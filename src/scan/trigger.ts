/**
 * Scheduled trigger `scan-trigger` (daily): fans out one queue event per project where the app is in use.
 *
 * "In use" means: the project has settings saved in app storage, or at least one of its issues carries the
 * app's property (found with a one-issue search on `hasHypothesis`, which every stored lens has: Jira searches
 * only the paths manifest.yml indexes). Projects where nobody ever used the app are left alone, so
 * installing it never starts flagging a backlog nobody asked it to judge. The demo project counts through its
 * seeded lenses. Each project's run takes its own lease, so a trigger that fires twice starts nothing twice.
 *
 * Forge does not retry a scheduled trigger that throws or is stopped at its time limit (developer.atlassian.com,
 * manifest reference "Scheduled trigger"), so what a firing could not start is written down before it pushes
 * anything: a pending record the hourly `scan-resume` trigger completes, each firing of it within its own time.
 */
import { getAppContext } from '@forge/api';
import {
  InternalServerError,
  InvalidPushSettingsError,
  InvalidQueueNameError,
  InvocationLimitReachedError,
  NoEventsToPushError,
  PartialSuccessError,
  PayloadTooBigError,
  RateLimitError,
  TooManyEventsError,
} from '@forge/events';
import { randomUUID } from 'node:crypto';
import { kvs } from '../storage/kvs-client';
import { JiraHttpError, JiraRateLimitError } from '../errors';
import { JiraClient } from '../jira/client';
import { keys } from '../storage/keys';
import { claimOwn, deleteMany, listAll } from '../storage/kv';
import { jqlString } from '../jira/jql';
import { listRunSummaries } from '../storage/scan-state';
import { projectsWithSettings } from '../storage/settings';
import { newRunId } from './run';
import { pushScanEvents, resumeParkedScans, type ScanEvent } from './queue';
import { retrying } from './writer';

/**
 * The trigger has no queue to come back on: a 429 is waited out here, as long as Jira asks up to a minute, a few
 * times, while the firing's probe budget lasts. A wait cut short would only draw the same refusal again.
 */
const TRIGGER_RATE_LIMIT_ATTEMPTS = 4;
const TRIGGER_MAX_WAIT_MS = 60_000;
/** Projects the trigger reads (50 a page): a site's every project, not the first thousand. */
const TRIGGER_MAX_PROJECT_PAGES = 400;

async function patiently<T>(
  fn: () => Promise<T>,
  stopAt: number = Number.POSITIVE_INFINITY,
  now: () => number = Date.now,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await retrying(fn);
    } catch (e) {
      // A quota 429 may ask for up to an hour: not waited out here (the caller starts what it knows instead), nor
      // a wait that would end past the time the caller has for listing and probing.
      if (
        !(e instanceof JiraRateLimitError) ||
        attempt >= TRIGGER_RATE_LIMIT_ATTEMPTS ||
        e.retryAfterMs > TRIGGER_MAX_WAIT_MS ||
        now() + e.retryAfterMs > stopAt
      )
        throw e;
      await new Promise((r) => setTimeout(r, Math.min(TRIGGER_MAX_WAIT_MS, e.retryAfterMs)));
    }
  }
}

/** How long a trigger's start of a project's run keeps a second firing (or the other trigger) from another. */
export const SCHEDULED_RUN_WINDOW_MINUTES = 30;

/** Projects probed side by side: a site of thousands is read in minutes, not one search after another. */
export const PROBE_CONCURRENCY = 8;
/**
 * The longest a trigger lists and probes before it starts what it has found: the rest of its time is for storage
 * claims and the pushes (which may wait out Forge's minute of 500 events).
 */
export const PROBE_BUDGET_MS = 480_000;
/** The share of what is left of a trigger's invocation it may spend listing and probing (at most PROBE_BUDGET_MS). */
export const PROBE_SHARE = 0.5;
/**
 * The share of a trigger's invocation kept to write down what it leaves (its pending record, the claims it gives
 * back): no claim, push or wait is begun past that line.
 */
const END_RESERVE_SHARE = 0.1;
/** The install trigger's share of its 25 s (Forge's default timeout, manifest.yml). */
const INSTALL_PROBE_BUDGET_MS = 12_000;
/**
 * manifest.yml's `timeoutSeconds` of `scan-trigger` and `scan-resume`: what each assumes where the runtime does
 * not say how long it has (@forge/api getAppContext().invocationRemainingTimeInMillis()).
 */
export const SCAN_TRIGGER_TIMEOUT_SECONDS = 900;
export const SCAN_RESUME_TIMEOUT_SECONDS = 900;

/**
 * The time one trigger invocation has: when Forge stops it, as its runtime tells (@forge/api's getAppContext():
 * `invocationRemainingTimeInMillis()`), else `declaredSeconds` from its start.
 */
class InvocationTime {
  readonly startedAt: number;
  readonly stopsAt: number;

  constructor(declaredSeconds: number, nowMs: number = Date.now()) {
    this.startedAt = nowMs;
    let left = declaredSeconds * 1000;
    try {
      const told = getAppContext().invocationRemainingTimeInMillis();
      if (Number.isFinite(told) && told >= 0 && told < Number.MAX_SAFE_INTEGER) left = told;
    } catch {
      // Not told (outside Forge's runtime, or a tunnel before Forge CLI 10): the manifest's figure.
    }
    this.stopsAt = nowMs + left;
  }

  leftMs(nowMs: number = Date.now()): number {
    return this.stopsAt - nowMs;
  }

  /** What is kept to write down what is left, at the end. */
  reserveMs(): number {
    return (this.stopsAt - this.startedAt) * END_RESERVE_SHARE;
  }

  /** True while something taking `ms` still ends before the reserve. */
  allows(ms = 0, nowMs: number = Date.now()): boolean {
    return this.leftMs(nowMs) - ms > this.reserveMs();
  }

  /** How long listing and probing may take from now. */
  probeBudgetMs(nowMs: number = Date.now()): number {
    return Math.max(0, Math.min(PROBE_BUDGET_MS, this.leftMs(nowMs) * PROBE_SHARE));
  }
}

export interface ProbeOptions {
  now?: () => number;
  /** How long the listing and the probes may take in all. */
  budgetMs?: number;
  /** Wait out a short 429 on the project listing (not where the function has only seconds to run). */
  waitOutRateLimits?: boolean;
}

/** Every project with settings saved, by one storage listing; none when storage will not list them today. */
async function savedSettingsOf(): Promise<Set<string>> {
  try {
    return await projectsWithSettings();
  } catch (e) {
    console.warn(`scan: projects with settings not listed (${e instanceof Error ? e.message : String(e)})`);
    return new Set();
  }
}

/** What a listing and its probes found. */
interface ProbeResult {
  /** The projects in use that were found, in Jira's order. */
  inUse: string[];
  /** Every project was listed and probed. */
  complete: boolean;
  /** Where probing goes on next (Jira's key order); null when complete. */
  next: string | null;
}

/**
 * Lists the site's projects and probes those without settings for the app's data. `from` (the resume's way):
 * probes from that key to the last project, and says where it stopped. Without it (the daily firing's way):
 * starts where the last firing stopped (scanProbeNext), goes round, and keeps where this one stopped.
 */
async function probeProjects(
  jira: JiraClient,
  options: ProbeOptions & { from?: string | null },
): Promise<ProbeResult> {
  const now = options.now ?? Date.now;
  const stopAt = now() + (options.budgetMs ?? PROBE_BUDGET_MS);
  const rotate = options.from === undefined;
  let listingCut = false;
  const list = () =>
    jira.searchProjects({
      maxPages: TRIGGER_MAX_PROJECT_PAGES,
      stopEarly: () => (listingCut = now() >= stopAt),
    });
  const listed = await (options.waitOutRateLimits === false ? retrying(list) : patiently(list, stopAt, now));
  const projects = listed.map((p) => p.key).filter((key) => /^[A-Z][A-Z0-9_]{0,254}$/.test(key));
  const withSettings = await savedSettingsOf();
  const inUse = new Set(projects.filter((key) => withSettings.has(key)));
  // Only the others need a search. A site too large to probe within the budget goes on the next day where
  // this firing stopped, so no project is always the one left out.
  const toProbe = projects.filter((key) => !inUse.has(key));
  let queue: string[];
  let resumeAt: { key?: string } | undefined;
  // Where a rotating probe began (an index of toProbe).
  let rotatedFrom = 0;
  if (rotate) {
    resumeAt = await kvs.get<{ key?: string }>(keys.scanProbeNext).catch(() => undefined);
    // Where the last firing stopped; a project gone (or given settings) since: the next one in Jira's order.
    const from = resumeAt?.key
      ? Math.max(
          0,
          toProbe.findIndex((key) => key >= resumeAt!.key!),
        )
      : 0;
    rotatedFrom = from;
    queue = [...toProbe.slice(from), ...toProbe.slice(0, from)];
  } else {
    const from = options.from ? toProbe.findIndex((key) => key >= options.from!) : 0;
    queue = from < 0 ? [] : toProbe.slice(from);
  }
  let next = 0;
  // Set by the probe that finds the time spent (a closure's write: kept in an object for the type checker).
  const stopped: { at: string | null } = { at: null };
  const probe = async () => {
    while (next < queue.length) {
      if (now() >= stopAt) {
        stopped.at ??= queue[next]!;
        return;
      }
      // Taken before the call: the other probes go on with the next projects meanwhile.
      const key = queue[next++]!;
      try {
        // Not waited out here: a wait of a minute could run the firing past its time. Probing stops, and the
        // next firing starts at this project.
        const found = await retrying(() =>
          jira.searchJql({
            jql: `project = ${jqlString(key)} AND hasHypothesis IS NOT EMPTY`,
            fields: ['id'],
            maxResults: 1,
          }),
        );
        // An issue Jira answered in a shape the app cannot read still holds the app's data.
        if (found.issues.length + found.unreadable.length > 0) inUse.add(key);
      } catch (e) {
        if (e instanceof JiraRateLimitError) {
          stopped.at ??= key;
          next = queue.length;
          return;
        }
        // One project Jira will not answer for today waits for tomorrow; the others are scanned.
        console.warn(`scan: ${key} left out of today's scan (${e instanceof Error ? e.message : String(e)})`);
      }
    }
  };
  await Promise.all(Array.from({ length: PROBE_CONCURRENCY }, probe));
  if (rotate) {
    try {
      if (stopped.at) await kvs.set(keys.scanProbeNext, { key: stopped.at });
      else if (resumeAt) await kvs.delete(keys.scanProbeNext);
    } catch (e) {
      console.warn(`scan: where the probe stopped not kept (${e instanceof Error ? e.message : String(e)})`);
    }
    if (stopped.at)
      console.warn(
        `scan: not every project was probed for the app's data within the trigger's time; the next firing ` +
          `starts at ${stopped.at}`,
      );
  }
  // A listing cut short: the projects after the last one listed (project keys are [A-Z][A-Z0-9_]*, so the
  // key with "0" appended comes before every later key) are still to be probed.
  const lastListed = projects[projects.length - 1];
  const after = listingCut && lastListed !== undefined ? `${lastListed}0` : null;
  // A rotating probe that began past the first project and stopped before it came round also left the projects
  // before where it began: the resume (which does not go round) probes from the first one.
  const leftBefore =
    rotate && stopped.at !== null && rotatedFrom > 0 && toProbe.indexOf(stopped.at) >= rotatedFrom;
  return {
    inUse: projects.filter((key) => inUse.has(key)),
    complete: stopped.at === null && !listingCut,
    next: leftBefore ? null : (stopped.at ?? after),
  };
}

export async function configuredProjects(
  jira: JiraClient = JiraClient.asApp(),
  options: ProbeOptions = {},
): Promise<string[]> {
  return (await probeProjects(jira, options)).inUse;
}

/** Waits `ms`; the tests pass one that moves the workbench queue's clock instead. */
export type Wait = (ms: number) => Promise<void>;
const sleep: Wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** Forge takes 500 events an installation a minute: a refused push is tried again in the next minute. */
const PUSH_MINUTE_MS = 60_000;
const PUSH_RATE_LIMIT_ATTEMPTS = 3;
/** Forge's most events a push (@forge/events validators.js, MAXIMUM_EVENTS). */
const EVENTS_PER_PUSH = 50;

function scheduledEvent(
  projectKey: string,
  runId: string,
  origin: ScanEvent['origin'],
  extra: { requestedBy?: string | null; dryRun?: boolean } = {},
): ScanEvent {
  return {
    projectKey,
    runId,
    origin,
    requestedBy: extra.requestedBy ?? null,
    dryRun: extra.dryRun ?? false,
    continuation: false,
    step: 0,
  };
}

/**
 * Pushes one run per project, and throws what Forge refused. For "Scan now" (one project, a person waiting) and
 * the tests; the triggers start theirs with startRuns, which keeps what was not pushed.
 */
export async function startScans(
  projectKeys: string[],
  origin: ScanEvent['origin'],
  extra: { requestedBy?: string | null; dryRun?: boolean } = {},
  wait: Wait = sleep,
): Promise<ScanEvent[]> {
  const events = projectKeys.map((projectKey) => scheduledEvent(projectKey, newRunId(), origin, extra));
  // Forge's 50 events a push; a site with hundreds of projects also meets its 500 events a minute.
  for (let i = 0; i < events.length; i += EVENTS_PER_PUSH) {
    for (let attempt = 1; ; attempt++) {
      try {
        await pushScanEvents(events.slice(i, i + EVENTS_PER_PUSH));
        break;
      } catch (e) {
        if (!(e instanceof RateLimitError) || attempt >= PUSH_RATE_LIMIT_ATTEMPTS) throw e;
        await wait(PUSH_MINUTE_MS);
      }
    }
  }
  return events;
}

/** One project's run a trigger starts: the run id stays the same however often its event is pushed. */
interface Start {
  projectKey: string;
  runId: string;
  /**
   * A run left pending: when it was written down (ms). Another run of the project started since (a second
   * firing's, once this one's claim was given back or ran out) is the day's: this one is not pushed.
   */
  since?: number;
}

/** How many of a project's newest run summaries tell whether another run started since a pending one. */
const RUNS_READ_SINCE = 5;

/**
 * Whether a run other than `start`'s has started on its project since `start.since`: the project's newest run
 * summaries (one storage listing), written when a run begins. A run that found another holding the project's
 * lease and did not start (run.ts recordNotStarted) does not count.
 */
async function otherRunSince(start: Start): Promise<boolean> {
  if (start.since === undefined) return false;
  const since = start.since;
  const runs = await listRunSummaries(start.projectKey, RUNS_READ_SINCE);
  return runs.some(
    (run) =>
      run.runId !== start.runId &&
      Date.parse(run.startedAt) >= since &&
      !(typeof run.failure === 'string' && run.failure.startsWith('Did not start')),
  );
}

/**
 * The run ids of the events a push answered 202 did not record (@forge/events PartialSuccessError), or null when
 * the answer does not say which (no failedEvents, or one that names no event of ours). @forge/events 3.0.8 types
 * a failed event's push as `event` (types.d.ts FailedEvent) while its validators.js fills `payload`: both read.
 */
function refusedRunIds(error: PartialSuccessError): Set<string> | null {
  const failed: unknown[] = Array.isArray(error.failedEvents) ? error.failedEvents : [];
  if (failed.length === 0) return null;
  const ids = new Set<string>();
  for (const f of failed) {
    const pushed = (f as { event?: unknown }).event ?? (f as { payload?: unknown }).payload;
    const runId = (pushed as { body?: { runId?: unknown } } | undefined)?.body?.runId;
    if (typeof runId !== 'string') return null;
    ids.add(runId);
  }
  return ids;
}

/**
 * Whether a push that threw may have queued some of its events all the same: a 5xx (@forge/events reads every
 * status it has no class for as InternalServerError, whose message begins with it), a call that failed on the
 * way, or a 202 that does not say which events failed. A 429, a 405 (the chain's pushes spent), a 4xx and the
 * client's own refusals queued nothing.
 */
function mayHaveQueued(error: unknown): boolean {
  if (error instanceof PartialSuccessError) return refusedRunIds(error) === null;
  if (error instanceof InternalServerError) return !/^4\d\d\b/.test(error.message);
  return !(
    error instanceof RateLimitError ||
    error instanceof InvocationLimitReachedError ||
    error instanceof TooManyEventsError ||
    error instanceof PayloadTooBigError ||
    error instanceof NoEventsToPushError ||
    error instanceof InvalidQueueNameError ||
    error instanceof InvalidPushSettingsError
  );
}

/** What a firing (or the resume) could not finish of the day's start, kept for the hourly resume trigger. */
interface StartPending {
  /** When the record was written first (ms); its life (START_PENDING_TTL_MS) runs from then. */
  at: number;
  /** Projects whose run the invocation(s) that wrote it queued that day: not started twice by it. */
  started: string[];
  /** The projects are still to be listed and probed. Absent (a record of an older version): true. */
  list?: boolean;
  /** Where the resume's probing goes on, in Jira's key order; absent or null: from the first project. */
  probeFrom?: string | null;
  /** Since when (ms) the listing is owed: a run of a project found begun since is that day's. Absent: `at`. */
  listAt?: number;
  /**
   * Runs not known to be queued, project key → run id: Forge refused their push, answered it in part, or the
   * invocation ended first. Pushed again under the same run id, so one that was queued after all only meets a copy
   * of its own first event, which finds its step claimed or its run over.
   */
  unpushed?: Record<string, string>;
  /** When (ms) each run of `unpushed` was written down, where not `at` (one taken over from another record). */
  unpushedAt?: Record<string, number>;
  /** Until when (ms) the invocation writing it may still be at work: the resume leaves it alone until then. */
  busyUntil?: number;
}

/**
 * Where pending records live: `scan-start:pending:<id>`, one per invocation that left one (two firings never
 * write the same record); the bare prefix is the one record older versions wrote.
 */
const START_PENDING_PREFIX = 'scan-start:pending';
/** A record's life: the next daily firing starts every project anyway. */
const START_PENDING_TTL_MS = 86_400_000;
/** Held by the one resume at work on the pending records (a second firing leaves them to it). */
const RESUME_CLAIM_KEY = 'scan-start:resume';
/** After its invocation is stopped, how long a call it made may still land (src/storage/lock.ts's figure). */
const CALL_IN_FLIGHT_MS = 1_000;

/**
 * Projects a stored value of a pending record holds at most: a record is written as parts of this many (each a
 * record of its own to the resume, under `<key>:part-<n>`), so none nears Forge's 240 KiB a value (about 75
 * bytes a project with Jira Cloud's keys of at most 10 characters), and a checkpoint rewrites only the parts
 * whose projects changed rather than the whole record.
 */
const PROJECTS_PER_PART = 500;
/** Pending records (parts) the resume reads in one firing; those past it are taken up the next hour. */
const PENDING_PARTS_READ = 1_000;

/** A pending record held in memory by the invocation that writes it. */
class PendingStart {
  readonly started: Set<string>;
  readonly unpushed: Map<string, string>;
  /** When each unpushed run was written down (ms). */
  readonly unpushedAt: Map<string, number>;
  list: boolean;
  probeFrom: string | null;
  listAt: number;
  /** Each project's part (by the order the record first had it, so a batch of pushes changes one or two). */
  private readonly partOf = new Map<string, number>();
  private slots = 0;
  /** What each part's key holds in storage as this invocation last wrote it (or found it). */
  private readonly written = new Map<string, string | null>();

  private constructor(
    readonly key: string,
    readonly at: number,
    value: Omit<StartPending, 'at'>,
    /** In storage already (else there is nothing to delete when nothing is left). */
    stored: boolean,
  ) {
    this.started = new Set(value.started);
    this.unpushed = new Map(Object.entries(value.unpushed ?? {}));
    this.unpushedAt = new Map(
      [...this.unpushed.keys()].map((k) => {
        const t = value.unpushedAt?.[k];
        return [k, typeof t === 'number' ? t : at];
      }),
    );
    this.list = value.list ?? true;
    this.probeFrom = value.probeFrom ?? null;
    this.listAt = typeof value.listAt === 'number' ? value.listAt : at;
    if (stored) this.written.set(key, null);
  }

  private partKey(part: number): string {
    return part === 0 ? this.key : `${this.key}:part-${part}`;
  }

  private partOfProject(projectKey: string): number {
    let part = this.partOf.get(projectKey);
    if (part === undefined) {
      part = Math.floor(this.slots++ / PROJECTS_PER_PART);
      this.partOf.set(projectKey, part);
    }
    return part;
  }

  static fresh(list: boolean, nowMs: number = Date.now()): PendingStart {
    return new PendingStart(`${START_PENDING_PREFIX}:${randomUUID()}`, nowMs, { started: [], list }, false);
  }

  /**
   * Every record no invocation is at work on, made one: written under the first one's key, then the others
   * deleted (an invocation stopped in between leaves copies, whose runs are pushed under the same ids). Each
   * run keeps when its own record wrote it down; the merged record lives as long as its newest one.
   */
  static async takeIdle(nowMs: number = Date.now()): Promise<PendingStart | null> {
    const all = await listAll<StartPending>(START_PENDING_PREFIX, PENDING_PARTS_READ);
    const idle = all.filter(
      ({ key, value }) =>
        (key === START_PENDING_PREFIX || key.startsWith(`${START_PENDING_PREFIX}:`)) &&
        value &&
        typeof value === 'object' &&
        !(typeof value.busyUntil === 'number' && value.busyUntil > nowMs),
    );
    if (idle.length === 0) return null;
    const atOf = (value: StartPending) => (typeof value.at === 'number' ? value.at : nowMs);
    const listing = idle.filter(({ value }) => value.list ?? true);
    const froms = listing.map(({ value }) => value.probeFrom ?? null);
    // A project two records left: the run written down first (a run begun since it is the day's either way).
    const unpushed: Record<string, string> = {};
    const unpushedAt: Record<string, number> = {};
    for (const { value } of idle) {
      for (const [projectKey, runId] of Object.entries(value.unpushed ?? {})) {
        const t = value.unpushedAt?.[projectKey];
        const since = typeof t === 'number' ? t : atOf(value);
        if (typeof runId !== 'string' || (unpushedAt[projectKey] ?? Infinity) <= since) continue;
        unpushed[projectKey] = runId;
        unpushedAt[projectKey] = since;
      }
    }
    const merged = new PendingStart(
      idle[0]!.key,
      Math.max(...idle.map(({ value }) => atOf(value))),
      {
        started: idle.flatMap(({ value }) => (Array.isArray(value.started) ? value.started : [])),
        unpushed,
        unpushedAt,
        list: listing.length > 0,
        // The earliest place any of them was to go on from; one that had not begun: from the first project.
        probeFrom: froms.includes(null) ? null : (froms.sort()[0] ?? null),
        listAt: Math.min(
          nowMs,
          ...listing.map(({ value }) => (typeof value.listAt === 'number' ? value.listAt : atOf(value))),
        ),
      },
      true,
    );
    if (idle.length > 1) {
      await merged.save(0);
      // The merged record's parts may reuse keys of the ones read: those are not deleted.
      await deleteMany(idle.map(({ key }) => key).filter((key) => !merged.written.has(key)));
    }
    return merged;
  }

  /** A run not known to be queued, written down for the resume. */
  pend(start: Start): void {
    this.unpushed.set(start.projectKey, start.runId);
    this.unpushedAt.set(start.projectKey, start.since ?? this.at);
  }

  /** A project no longer this record's to start. */
  settle(projectKey: string): void {
    this.unpushed.delete(projectKey);
    this.unpushedAt.delete(projectKey);
  }

  /** Nothing left to do. */
  done(): boolean {
    return this.unpushed.size === 0 && !this.list;
  }

  unpushedStarts(): Start[] {
    return [...this.unpushed].map(([projectKey, runId]) => ({
      projectKey,
      runId,
      since: this.unpushedAt.get(projectKey) ?? this.at,
    }));
  }

  /** Writes the record; `busyUntil` (ms) while the writer may still change it, 0 once it hands it over. */
  async save(busyUntil: number, nowMs: number = Date.now()): Promise<void> {
    const ttlSeconds = Math.ceil((this.at + START_PENDING_TTL_MS - nowMs) / 1000);
    if (ttlSeconds < 1) {
      await this.remove();
      return;
    }
    // A run written down a day ago is past: the daily firing since started the project anyway.
    for (const [projectKey, since] of this.unpushedAt)
      if (since + START_PENDING_TTL_MS <= nowMs) this.settle(projectKey);
    const parts: Array<{
      started: string[];
      unpushed: Array<[string, string]>;
      unpushedAt: Array<[string, number]>;
    }> = [];
    const partFor = (projectKey: string) => {
      const part = this.partOfProject(projectKey);
      while (parts.length <= part) parts.push({ started: [], unpushed: [], unpushedAt: [] });
      return parts[part]!;
    };
    for (const projectKey of this.started) partFor(projectKey).started.push(projectKey);
    for (const [projectKey, runId] of this.unpushed) {
      const part = partFor(projectKey);
      part.unpushed.push([projectKey, runId]);
      const since = this.unpushedAt.get(projectKey);
      if (since !== undefined && since !== this.at) part.unpushedAt.push([projectKey, since]);
    }
    if (parts.length === 0) parts.push({ started: [], unpushed: [], unpushedAt: [] });
    const keep = new Set<string>();
    for (const [i, part] of parts.entries()) {
      // The first part carries the listing still owed; a later one with no project is not written.
      if (i > 0 && part.started.length === 0 && part.unpushed.length === 0) continue;
      const key = this.partKey(i);
      keep.add(key);
      const value: StartPending = {
        at: this.at,
        started: part.started,
        list: i === 0 ? this.list : false,
        probeFrom: i === 0 ? this.probeFrom : null,
        ...(i === 0 && this.list && this.listAt !== this.at ? { listAt: this.listAt } : {}),
        unpushed: Object.fromEntries(part.unpushed),
        ...(part.unpushedAt.length > 0 ? { unpushedAt: Object.fromEntries(part.unpushedAt) } : {}),
        busyUntil,
      };
      const json = JSON.stringify(value);
      // Unchanged since this invocation wrote it (its time to live runs from `at`, the same either way).
      if (this.written.get(key) === json) continue;
      // Before the write: one that answers an error may still have been stored.
      this.written.set(key, null);
      await kvs.set(key, value, { ttl: { value: ttlSeconds, unit: 'SECONDS' } });
      this.written.set(key, json);
    }
    const gone = [...this.written.keys()].filter((key) => !keep.has(key));
    if (gone.length > 0) {
      await deleteMany(gone);
      for (const key of gone) this.written.delete(key);
    }
  }

  async remove(): Promise<void> {
    const stored = [...this.written.keys()];
    if (stored.length > 0) await deleteMany(stored);
    this.written.clear();
  }

  /** Hands the record over to the next resume, or deletes it when nothing is left; a refusal is logged. */
  async finish(): Promise<void> {
    try {
      if (this.done()) await this.remove();
      else await this.save(0);
    } catch (e) {
      console.error(
        `scan: what is left of today's start not kept (${e instanceof Error ? e.message : String(e)})`,
      );
    }
  }

  /** Saves while at work; a refusal only costs the record's use if this invocation is stopped. */
  async checkpoint(time: InvocationTime): Promise<void> {
    try {
      await this.save(time.stopsAt + CALL_IN_FLIGHT_MS);
    } catch (e) {
      console.warn(
        `scan: today's start not written down before pushing (${e instanceof Error ? e.message : String(e)})`,
      );
    }
  }
}

/** The window claim a trigger takes on a project before it pushes its run; `runId` tells whose it is. */
async function claimStart(
  start: Start,
  origin: ScanEvent['origin'],
): Promise<'ours' | 'taken' | 'unclaimed'> {
  const window = { value: SCHEDULED_RUN_WINDOW_MINUTES, unit: 'MINUTES' } as const;
  const claimKey = keys.scanScheduled(start.projectKey);
  try {
    if (await claimOwn(claimKey, { at: Date.now(), origin, runId: start.runId }, window)) return 'ours';
    // Held: by another firing (its run is the day's), or by this run's own earlier try (an invocation stopped
    // before it gave the claim back), whose push is made again now.
    const held = await kvs.get<{ runId?: unknown }>(claimKey);
    return held?.runId === start.runId ? 'ours' : 'taken';
  } catch (e) {
    // Storage refused the claim: the project is started all the same (its run's lease still lets one run at a
    // time), rather than waiting a day or stopping the other projects' starts.
    console.warn(`scan: ${start.projectKey} started without its firing claim (${(e as Error).message})`);
    return 'unclaimed';
  }
}

/**
 * Claims each project's firing window and pushes its run, 50 a push, while the invocation has time. A push Forge
 * refuses (5xx, a third 429, its chain spent) or answers in part (202, PartialSuccessError) leaves the runs it did
 * not record; a 429 is waited out for the next minute only where that minute fits. What was not pushed gives its
 * claim back and, with a record, is written there for the hourly resume; what was pushed is recorded started.
 * The record is written before the first push, so an invocation Forge stops mid-way leaves it too.
 */
async function startRuns(
  starts: Start[],
  origin: ScanEvent['origin'],
  time: InvocationTime,
  record: PendingStart | null,
  wait: Wait = sleep,
): Promise<{ pushed: number; left: number }> {
  const ours: Start[] = [];
  const claimed = new Set<string>();
  const notClaimed: Start[] = [];
  for (const start of starts) {
    if (!time.allows()) {
      notClaimed.push(start);
      continue;
    }
    let ranSince: boolean;
    try {
      ranSince = await otherRunSince(start);
    } catch (e) {
      // Not known today: left pending for the next hour's resume.
      console.warn(
        `scan: ${start.projectKey}'s runs not read (${e instanceof Error ? e.message : String(e)})`,
      );
      notClaimed.push(start);
      continue;
    }
    if (ranSince) {
      record?.settle(start.projectKey);
      continue;
    }
    const claim = await claimStart(start, origin);
    if (claim === 'taken') {
      // Another firing's: its own record keeps it until its push is known to be queued. Not recorded started
      // here: this record's `started` are only the runs it pushed, which no other record's runs give way to.
      record?.settle(start.projectKey);
      continue;
    }
    if (claim === 'ours') claimed.add(start.projectKey);
    ours.push(start);
  }
  if (record && (ours.length > 0 || notClaimed.length > 0 || record.list)) {
    for (const start of [...ours, ...notClaimed]) record.pend(start);
    await record.checkpoint(time);
  }
  const left: Start[] = [...notClaimed];
  const keepClaim = new Set<string>();
  let pushed = 0;
  let stop = false;
  for (let i = 0; i < ours.length; i += EVENTS_PER_PUSH) {
    const batch = ours.slice(i, i + EVENTS_PER_PUSH);
    if (stop || !time.allows()) {
      left.push(...batch);
      continue;
    }
    let accepted: Start[] = [];
    let unknown = false;
    for (let attempt = 1; ; attempt++) {
      try {
        await pushScanEvents(batch.map((s) => scheduledEvent(s.projectKey, s.runId, origin)));
        accepted = batch;
        break;
      } catch (e) {
        if (
          e instanceof RateLimitError &&
          attempt < PUSH_RATE_LIMIT_ATTEMPTS &&
          time.allows(PUSH_MINUTE_MS)
        ) {
          await wait(PUSH_MINUTE_MS);
          continue;
        }
        if (e instanceof PartialSuccessError) {
          const refused = refusedRunIds(e);
          // Which were recorded is not said: every one is pushed again later under its run id.
          accepted = refused ? batch.filter((s) => !refused.has(s.runId)) : [];
        }
        // Forge's 500 events a minute with no minute left to wait, or this chain's pushes spent: the next pushes
        // would meet the same answer.
        if (e instanceof RateLimitError || e instanceof InvocationLimitReachedError) stop = true;
        unknown = mayHaveQueued(e);
        console.warn(
          `scan: ${batch.length - accepted.length} of ${batch.length} project scan(s) not queued ` +
            `(${e instanceof Error ? e.message : String(e)}); left for the hourly resume`,
        );
        break;
      }
    }
    const acceptedKeys = new Set(accepted.map((s) => s.projectKey));
    const notAccepted = batch.filter((s) => !acceptedKeys.has(s.projectKey));
    left.push(...notAccepted);
    // Perhaps queued: their claims stay (under their run ids, which the resume pushes them again under), so a
    // second firing within the window does not start a second run of each. The install trigger keeps no record
    // for a resume: it gives its back, for the daily firing to start.
    if (unknown && record) for (const s of notAccepted) keepClaim.add(s.projectKey);
    pushed += accepted.length;
    if (record && accepted.length > 0) {
      for (const s of accepted) {
        record.started.add(s.projectKey);
        record.settle(s.projectKey);
      }
      await record.checkpoint(time);
    }
  }
  // What is known not to be queued is not kept from the next firing or the resume by this one's claim.
  const giveBack = left
    .filter((s) => claimed.has(s.projectKey) && !keepClaim.has(s.projectKey))
    .map((s) => keys.scanScheduled(s.projectKey));
  if (giveBack.length > 0)
    await deleteMany(giveBack).catch((e: unknown) =>
      console.warn(
        `scan: ${giveBack.length} firing claim(s) not given back (${e instanceof Error ? e.message : String(e)})`,
      ),
    );
  return { pushed, left: left.length };
}

/**
 * Trigger `install-trigger`, on Forge's installation lifecycle event (`avi:forge:installed:app`): scans the
 * projects already in use (a reinstall, or a site that kept the app's data), so their first day does not wait
 * for the daily schedule. A fresh site has none yet: its projects show the first-day notice instead.
 */
export async function installTrigger(): Promise<{ statusCode: number; body: string }> {
  // This trigger keeps Forge's default 25 s: it lists and probes for 12 s, waits out no rate limit (no minute
  // fits), and leaves to the daily firing whatever it could not reach or push.
  const time = new InvocationTime(25);
  let projects: string[];
  try {
    projects = await configuredProjects(undefined, {
      budgetMs: Math.min(INSTALL_PROBE_BUDGET_MS, time.probeBudgetMs()),
      waitOutRateLimits: false,
    });
  } catch (e) {
    if (!(e instanceof JiraRateLimitError)) throw e;
    projects = [...(await savedSettingsOf())].sort();
    console.warn(`scan on install: Jira's rate limit refused the project listing; the daily scan lists them`);
  }
  const { pushed, left } = await startRuns(
    projects.map((projectKey) => ({ projectKey, runId: newRunId() })),
    'install',
    time,
    null,
  );
  if (left > 0)
    console.warn(`scan on install: ${left} project scan(s) not queued; the daily scan starts them`);
  console.info(`scan on install: started ${pushed} project scan(s)`);
  return { statusCode: 204, body: '' };
}

export async function scanTrigger(): Promise<{ statusCode: number; body: string }> {
  const time = new InvocationTime(SCAN_TRIGGER_TIMEOUT_SECONDS);
  let projects: string[];
  let list = false;
  let probeFrom: string | null = null;
  try {
    const found = await probeProjects(JiraClient.asApp(), { budgetMs: time.probeBudgetMs() });
    projects = found.inUse;
    // Probing cut short (a 429, or its time spent): the hourly resume probes the rest today.
    if (!found.complete) {
      list = true;
      probeFrom = found.next;
    }
  } catch (e) {
    if (!(e instanceof JiraRateLimitError) && !(e instanceof JiraHttpError)) throw e;
    // Forge does not retry a scheduled trigger: the projects known from saved settings start now, and the hourly
    // resume trigger lists the others once Jira allows (a quota 429 may ask for up to an hour).
    projects = [...(await savedSettingsOf())].sort();
    list = true;
    console.warn(
      `scan: Jira refused the project listing (${e.message}); ${projects.length} known project(s) start now`,
    );
  }
  const record = PendingStart.fresh(list);
  record.probeFrom = probeFrom;
  const { pushed, left } = await startRuns(
    projects.map((projectKey) => ({ projectKey, runId: newRunId() })),
    'schedule',
    time,
    record,
  );
  await record.finish();
  console.info(
    `scan: started ${pushed} project scan(s)` + (left > 0 ? `; ${left} left for the hourly resume` : ''),
  );
  return { statusCode: 204, body: '' };
}

/**
 * Trigger `scan-resume` (hourly): pushes what runs parked, then completes the day's start the daily firing left:
 * the runs it could not push, under their run ids, and the listing and probing Jira refused it, within this
 * invocation's own time; where probing stops, the next hour's resume goes on.
 */
export async function scanResume(): Promise<{ statusCode: number; body: string }> {
  const time = new InvocationTime(SCAN_RESUME_TIMEOUT_SECONDS);
  const resumed = await resumeParkedScans(new Date(), time.stopsAt - time.reserveMs());
  if (resumed > 0) console.info(`scan resume: pushed the next events of ${resumed} parked run(s)`);
  if (!time.allows()) return { statusCode: 204, body: '' };
  let held: boolean;
  try {
    const ttlSeconds = Math.max(1, Math.ceil((time.leftMs() + CALL_IN_FLIGHT_MS) / 1000));
    held = await claimOwn(RESUME_CLAIM_KEY, { at: Date.now() }, { value: ttlSeconds, unit: 'SECONDS' });
  } catch (e) {
    console.warn(`scan resume: not taken up (${e instanceof Error ? e.message : String(e)})`);
    return { statusCode: 204, body: '' };
  }
  // Another firing of this trigger is at work on the day's start.
  if (!held) return { statusCode: 204, body: '' };
  try {
    const record = await PendingStart.takeIdle();
    if (!record) return { statusCode: 204, body: '' };
    await record.checkpoint(time);
    let started = (await startRuns(record.unpushedStarts(), 'schedule', time, record)).pushed;
    if (record.list && time.allows()) {
      let found: ProbeResult | null = null;
      try {
        found = await probeProjects(JiraClient.asApp(), {
          budgetMs: time.probeBudgetMs(),
          from: record.probeFrom,
        });
      } catch (e) {
        // Still refused: the next hour's resume tries again (the record lives a day).
        if (!(e instanceof JiraRateLimitError) && !(e instanceof JiraHttpError)) throw e;
        console.warn(`scan resume: Jira still refuses the project listing (${e.message})`);
      }
      if (found) {
        record.list = !found.complete;
        record.probeFrom = found.next;
        const fresh = found.inUse.filter((key) => !record.started.has(key) && !record.unpushed.has(key));
        started += (
          await startRuns(
            fresh.map((projectKey) => ({ projectKey, runId: newRunId(), since: record.listAt })),
            'schedule',
            time,
            record,
          )
        ).pushed;
        if (!found.complete)
          console.info(`scan resume: probing goes on at ${found.next ?? 'the first project'} next hour`);
      }
    }
    await record.finish();
    console.info(`scan resume: started ${started} project scan(s) the daily firing could not`);
  } finally {
    await kvs.delete(RESUME_CLAIM_KEY).catch(() => undefined);
  }
  return { statusCode: 204, body: '' };
}
