/**
 * Scheduled trigger `scan-trigger` (daily): fans out one queue event per project where the app is in use.
 *
 * "In use" means: the project has settings saved in app storage, or at least one of its issues carries the
 * app's property (found with a one-issue search on `hasHypothesis`, which every stored lens has: Jira searches
 * only the paths manifest.yml indexes). Projects where nobody ever used the app are left alone, so
 * installing it never starts flagging a backlog nobody asked it to judge. The demo project counts through its
 * seeded lenses. Each project's run takes its own lease, so a trigger that fires twice starts nothing twice.
 */
import { RateLimitError } from '@forge/events';
import { kvs } from '../storage/kvs-client';
import { JiraRateLimitError } from '../errors';
import { JiraClient } from '../jira/client';
import { keys } from '../storage/keys';
import { claimOwn } from '../storage/kv';
import { jqlString } from '../jira/jql';
import { projectsWithSettings } from '../storage/settings';
import { newRunId } from './run';
import { pushScanEvents, resumeParkedScans, type ScanEvent } from './queue';
import { retrying } from './writer';

/**
 * The trigger has no queue to come back on: a 429 is waited out here, as long as Jira asks up to a minute, a few
 * times, within its 900 s limit. A wait cut short would only draw the same refusal again.
 */
const TRIGGER_RATE_LIMIT_ATTEMPTS = 4;
const TRIGGER_MAX_WAIT_MS = 60_000;
/** Projects the trigger reads (50 a page): a site's every project, not the first thousand. */
const TRIGGER_MAX_PROJECT_PAGES = 400;

async function patiently<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await retrying(fn);
    } catch (e) {
      // A quota 429 may ask for up to an hour: not waited out here (the caller starts what it knows instead).
      if (
        !(e instanceof JiraRateLimitError) ||
        attempt >= TRIGGER_RATE_LIMIT_ATTEMPTS ||
        e.retryAfterMs > TRIGGER_MAX_WAIT_MS
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
 * How long the trigger probes before it starts what it has found: the rest of its 900 s is for storage claims
 * and the pushes (which may wait out Forge's minute of 500 events).
 */
export const PROBE_BUDGET_MS = 480_000;
/** The install trigger's share of its 25 s (Forge's default timeout, manifest.yml). */
const INSTALL_PROBE_BUDGET_MS = 12_000;

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

export async function configuredProjects(
  jira: JiraClient = JiraClient.asApp(),
  options: ProbeOptions = {},
): Promise<string[]> {
  const now = options.now ?? Date.now;
  const stopAt = now() + (options.budgetMs ?? PROBE_BUDGET_MS);
  const list = () =>
    jira.searchProjects({ maxPages: TRIGGER_MAX_PROJECT_PAGES, stopEarly: () => now() >= stopAt });
  const listed = await (options.waitOutRateLimits === false ? retrying(list) : patiently(list));
  const projects = listed.map((p) => p.key).filter((key) => /^[A-Z][A-Z0-9_]{0,254}$/.test(key));
  const withSettings = await savedSettingsOf();
  const inUse = new Set(projects.filter((key) => withSettings.has(key)));
  // Only the others need a search. A site too large to probe within the budget goes on the next day where
  // this firing stopped, so no project is always the one left out.
  const toProbe = projects.filter((key) => !inUse.has(key));
  const resumeAt = await kvs.get<{ key?: string }>(keys.scanProbeNext).catch(() => undefined);
  // Where the last firing stopped; a project gone (or given settings) since: the next one in Jira's order.
  const from = resumeAt?.key
    ? Math.max(
        0,
        toProbe.findIndex((key) => key >= resumeAt.key!),
      )
    : 0;
  const queue = [...toProbe.slice(from), ...toProbe.slice(0, from)];
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
        if (found.issues.length > 0) inUse.add(key);
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
  return projects.filter((key) => inUse.has(key));
}

/** Waits `ms`; the tests pass one that moves the workbench queue's clock instead. */
export type Wait = (ms: number) => Promise<void>;
const sleep: Wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** Forge takes 500 events an installation a minute: a refused push is tried again in the next minute. */
const PUSH_MINUTE_MS = 60_000;
const PUSH_RATE_LIMIT_ATTEMPTS = 3;

export async function startScans(
  projectKeys: string[],
  origin: ScanEvent['origin'],
  extra: { requestedBy?: string | null; dryRun?: boolean } = {},
  wait: Wait = sleep,
): Promise<ScanEvent[]> {
  const events: ScanEvent[] = projectKeys.map((projectKey) => ({
    projectKey,
    runId: newRunId(),
    origin,
    requestedBy: extra.requestedBy ?? null,
    dryRun: extra.dryRun ?? false,
    continuation: false,
    step: 0,
  }));
  // Forge's 50 events a push; a site with hundreds of projects also meets its 500 events a minute.
  for (let i = 0; i < events.length; i += 50) {
    for (let attempt = 1; ; attempt++) {
      try {
        await pushScanEvents(events.slice(i, i + 50));
        break;
      } catch (e) {
        if (!(e instanceof RateLimitError) || attempt >= PUSH_RATE_LIMIT_ATTEMPTS) throw e;
        await wait(PUSH_MINUTE_MS);
      }
    }
  }
  return events;
}

/**
 * Trigger `install-trigger`, on Forge's installation lifecycle event (`avi:forge:installed:app`): scans the
 * projects already in use (a reinstall, or a site that kept the app's data), so their first day does not wait
 * for the daily schedule. A fresh site has none yet: its projects show the first-day notice instead.
 */
export async function installTrigger(): Promise<{ statusCode: number; body: string }> {
  // This trigger keeps Forge's default 25 s: it lists and probes for 12 s, waits out no rate limit, and leaves
  // to the daily firing whatever it could not reach.
  let projects: string[];
  try {
    projects = await configuredProjects(undefined, {
      budgetMs: INSTALL_PROBE_BUDGET_MS,
      waitOutRateLimits: false,
    });
  } catch (e) {
    if (!(e instanceof JiraRateLimitError)) throw e;
    projects = [...(await savedSettingsOf())].sort();
    console.warn(`scan on install: Jira's rate limit refused the project listing; the daily scan lists them`);
  }
  let events: ScanEvent[];
  try {
    events = await startOnce(projects, 'install', refuseToWait);
  } catch (e) {
    if (!(e instanceof RateLimitError)) throw e;
    console.warn(
      `scan on install: Forge's event rate limit reached; the daily scan starts the other projects`,
    );
    return { statusCode: 204, body: '' };
  }
  console.info(`scan on install: started ${events.length} project scan(s)`);
  return { statusCode: 204, body: '' };
}

/** For a function with seconds to run: a wait of a minute is not taken, and the refusal stands. */
const refuseToWait: Wait = () => Promise.reject(new RateLimitError('No time to wait for the next minute'));

/** A firing delivered twice starts one run per project: the second finds the first's claim on the project. */
async function startOnce(
  projects: string[],
  origin: ScanEvent['origin'],
  wait: Wait = sleep,
): Promise<ScanEvent[]> {
  const fresh: string[] = [];
  const window = { value: SCHEDULED_RUN_WINDOW_MINUTES, unit: 'MINUTES' } as const;
  for (const projectKey of projects) {
    let first: boolean;
    try {
      first = await claimOwn(keys.scanScheduled(projectKey), { at: Date.now(), origin }, window);
    } catch (e) {
      // Storage refused the claim: the project is started all the same (its run's lease still lets one run at a
      // time), rather than waiting a day or stopping the other projects' starts.
      console.warn(`scan: ${projectKey} started without its firing claim (${(e as Error).message})`);
      first = true;
    }
    if (first) fresh.push(projectKey);
  }
  return startScans(fresh, origin, {}, wait);
}

/** The day's start that Jira's rate limit cut short: the hourly resume trigger completes it. */
const START_PENDING_KEY = 'scan-start:pending';
interface StartPending {
  at: number;
  /** Projects already started that day (from saved settings), not started twice. */
  started: string[];
}

export async function scanTrigger(): Promise<{ statusCode: number; body: string }> {
  let projects: string[];
  try {
    projects = await configuredProjects();
  } catch (e) {
    if (!(e instanceof JiraRateLimitError)) throw e;
    // Forge does not retry a scheduled trigger: the projects known from saved settings start now, and the hourly
    // resume trigger lists the others once Jira allows (a quota 429 may ask for up to an hour).
    projects = [...(await savedSettingsOf())].sort();
    const pending: StartPending = { at: Date.now(), started: projects };
    await kvs.set(START_PENDING_KEY, pending, { ttl: { value: 1, unit: 'DAYS' } });
    console.warn(
      `scan: Jira's rate limit refused the project listing; ${projects.length} known project(s) start now`,
    );
  }
  const events = await startOnce(projects, 'schedule');
  console.info(`scan: started ${events.length} project scan(s)`);
  return { statusCode: 204, body: '' };
}

export async function scanResume(): Promise<{ statusCode: number; body: string }> {
  const resumed = await resumeParkedScans();
  if (resumed > 0) console.info(`scan resume: pushed the next events of ${resumed} parked run(s)`);
  const pending = await kvs.get<StartPending>(START_PENDING_KEY);
  if (pending) {
    let projects: string[];
    try {
      projects = await configuredProjects();
    } catch (e) {
      // Still refused: the next hour's resume tries again (the marker lives a day).
      if (e instanceof JiraRateLimitError) return { statusCode: 204, body: '' };
      throw e;
    }
    const started = new Set(pending.started);
    const events = await startOnce(
      projects.filter((key) => !started.has(key)),
      'schedule',
    );
    await kvs.delete(START_PENDING_KEY);
    console.info(`scan resume: started ${events.length} project scan(s) the daily firing could not list`);
  }
  return { statusCode: 204, body: '' };
}
