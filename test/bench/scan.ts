/**
 * `npm run bench -- scan`: the daily scan at Jira's real cost, over N open issues (default 100,000;
 * BENCH_SCAN_ISSUES to change), in the workbench (real @forge SDKs, Jira emulator, app storage and queue in one
 * SQLite file) with the realistic latency model and Jira's points quota on. Latency runs on a virtual clock:
 * each call's modelled delay is added to the clock the scan, the queue, app storage and the rate limiter read,
 * instead of being slept, so an hour-long run is measured in minutes and its wall time is the modelled one.
 * Each consumer invocation keeps its own time line (from the moment the queue delivered it, plus its own
 * calls' delays), so invocations the queue runs at once, a partitioned scan's, overlap in time as they do on
 * Forge; the app's own processing time is not counted (printed apart as realSeconds).
 *
 * Runs: 1. the first scan (everything is new to the app); 2. the next day, a full rescan (the run after the
 * first reads everything again: the backlog's idle ranks became known); 3. a steady-state day: a day later, 1% of the
 * issues changed (half of them flagged ones a person worked on, half fresh ones) and 0.5% cross the idle limit
 * without changing; the scheduled run is incremental. 4. The naive way (one GET and one PUT per issue) over
 * the same backlog, with the quota off (it would draw 429s), its points counted by the same model.
 * 5. Full rescans of the same backlog split into 1, 2, 4 and 8 partitions (BENCH_PARTITIONS), with the quota
 * on and off: the wall time as partitions are added, and what the hourly quota leaves of it.
 *
 * Prints `runs: [{run, calls, callsByEndpoint, points, wallSeconds, invocations, longestShareOfTimeout,
 * peakRssMb, heap}]`, `steadyStatePointsVsFullRescan` and the targets of issue 14.
 *
 * Memory: peakRssMb is the whole process's, the Jira emulator and its SQLite database included, so it grows with
 * the seeded backlog whatever the scan does. What the scan itself holds is `heap`: the JavaScript heap after a full
 * garbage collection at the end of each consumer invocation, above where it stood when the run began (first, most
 * and last), and the most it reached between collections (sampled at each Jira call). A scan that kept what it
 * read would grow from invocation to invocation; one bounded by its page stays flat however many it runs.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { createScanConsumer } from '../../src/scan/consumer';
import type { RunOptions } from '../../src/scan/run';
import { MAX_PARTITIONS } from '../../src/scan/partitions';
import { SCAN_QUEUE } from '../../src/scan/queue';
import { SCAN_FUNCTION_TIMEOUT_SECONDS } from '../../src/scan/budget';
import { startScans } from '../../src/scan/trigger';
import { judgeIssue } from '../../src/scan/scan-page';
import { DEFAULT_SPRINT_FIELD } from '../../src/jira/fields';
import { scanFields, toScanIssue } from '../../src/scan/snapshot';
import { JiraClient } from '../../src/jira/client';
import { PointsMeter } from '../../src/jira/points';
import { ISSUE_PROPERTY_KEY } from '../../src/domain/issue-lens';
import { loadSettings, saveSettings } from '../../src/storage/settings';
import { listRunSummaries } from '../../src/storage/scan-state';
import type { ScanRunSummary } from '../../src/contract/scan';
import { openDatabase } from '../../workbench/db';
import { KvsStore } from '../../workbench/forge/kvs-store';
import { FORGE_STORAGE_RATE_LIMITS } from '../../workbench/forge/storage-rate-limits';
import { QueueHost } from '../../workbench/forge/queue';
import { installForgeRuntime, runInInvocation } from '../../workbench/forge/runtime';
import { JiraEmulator } from '../../workbench/jira/emulator';
import { REALISTIC_LATENCY } from '../../workbench/jira/latency';
import { JIRA_RATE_LIMITS } from '../../workbench/jira/rate-limits';
import type { IssueInput, JiraRequest } from '../../workbench/jira/types';

const N = Number(process.env.BENCH_SCAN_ISSUES ?? 100_000);
const CHANGED_SHARE = 0.01;
const CROSSING_SHARE = 0.005;
const PROJECT = 'BENCH';
const LABEL = 'zombie';
const DAY = 86_400_000;
const MAX_IDLE_DAYS = 60;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-bench-'));
const db = openDatabase(path.join(dir, 'bench.db'));

/**
 * The virtual clock. Outside an invocation: the bench's start, the days it lets pass and the delays of calls
 * made outside any invocation. Inside one: when the queue delivered it plus its own calls' delays.
 */
interface Lane {
  startMs: number;
  modelledMs: number;
}
const lanes = new AsyncLocalStorage<Lane>();
const EPOCH = Date.now();
let daysPassedMs = 0;
let outsideMs = 0;
let queue: QueueHost | null = null;
const base = () => {
  const lane = lanes.getStore();
  return lane ? lane.startMs + lane.modelledMs : EPOCH + daysPassedMs + outsideMs;
};
const now = () => (queue ? queue.now() : base());
const jira: JiraEmulator = new JiraEmulator(db, {
  contract: null,
  now: () => new Date(now()),
  latency: REALISTIC_LATENCY,
  latencyClock: 'virtual',
  onVirtualDelay: (ms) => {
    const lane = lanes.getStore();
    if (lane) lane.modelledMs += ms;
    else outsideMs += ms;
  },
  rateLimits: { ...JIRA_RATE_LIMITS, clock: now },
});
// Storage calls cost no modelled time here, so a minute of this clock holds more of them than Forge's would: the
// store counts them (printed as upper bounds) without refusing any.
const kvs = new KvsStore(db, { now, rateLimits: null });
queue = new QueueHost(db, { now: base });
const uninstall = installForgeRuntime({
  jira,
  kvs,
  queue,
  appAccountId: jira.appAccountId,
  installContext: 'ari:cloud:jira::site/bench',
});
const system = <T>(fn: () => Promise<T>) => runInInvocation({ accountId: null, moduleKey: 'bench' }, fn);

// A full collection on demand, so that what the heap holds after an invocation is what is still reachable.
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;
const heapMb = () => process.memoryUsage().heapUsed / 1e6;
let heap = { startMb: 0, retainedMb: [] as number[], peakMb: 0 };

// Count every REST call by endpoint (the emulator's own log is bounded), and sample the heap there.
let calls: Record<string, number> = {};
const handle = jira.handle.bind(jira);
jira.handle = (req: JiraRequest) => {
  const name = `${req.method.toUpperCase()} ${req.path.split('?')[0]!.replace(/\/(?:[A-Z]+-\d+|\d{4,})/g, '/{id}')}`;
  calls[name] = (calls[name] ?? 0) + 1;
  heap.peakMb = Math.max(heap.peakMb, heapMb());
  return handle(req);
};

// Time every consumer invocation on its own time line, against its limit.
let invocations: number[] = [];
let lastEnd = 0;
function useConsumer(options: RunOptions = {}): void {
  const consumer = createScanConsumer({ clock: now, ...options });
  queue!.registerConsumer(
    SCAN_QUEUE,
    (event) =>
      lanes.run({ startMs: base(), modelledMs: 0 }, async () => {
        const start = now();
        try {
          return await consumer(event);
        } finally {
          invocations.push(now() - start);
          lastEnd = Math.max(lastEnd, now());
          collectGarbage();
          heap.retainedMb.push(heapMb() - heap.startMb);
        }
      }),
    { timeoutSeconds: SCAN_FUNCTION_TIMEOUT_SECONDS },
  );
}
useConsumer();

const ago = (days: number) => new Date(now() - days * DAY).toISOString();
const crossingEvery = Math.round(1 / CROSSING_SHARE);

function seed(): void {
  jira.store.createProject({ key: PROJECT, name: 'Bench' });
  const summaries = [
    'Shoppers abandon carts because shipping costs surprise them at checkout',
    'Add a blue Save for later button in the top right corner of the cart',
    'Support agents cannot find the order history, so refunds take two days',
  ];
  function* issues(): Generator<IssueInput> {
    for (let i = 0; i < N; i++) {
      const idle = i % 2 === 1;
      // 0.5% of the fresh ones are half a day short of the idle limit's last day on the second day (the
      // full rescan's): on the third (the steady-state day) they cross it.
      const nearly = !idle && i % crossingEvery === 0;
      yield {
        projectKey: PROJECT,
        type: 'Story',
        summary: summaries[i % summaries.length]!,
        created: ago(idle || nearly ? 80 : 20),
        updated: ago(idle ? 70 : nearly ? MAX_IDLE_DAYS - 0.5 : 1),
        reporter: null,
      };
    }
  }
  jira.store.bulkCreateIssues(issues());
}

/** A day passes; 1% of the backlog changes: half flagged items someone works on again, half fresh ones. */
function changeOnePercent(): number {
  daysPassedMs += DAY;
  const first = jira.store.getIssue(`${PROJECT}-1`)!.id;
  const when = new Date(now()).toISOString();
  const changed = Math.round(N * CHANGED_SHARE);
  db.transaction(() => {
    for (let k = 0; k < changed; k++) {
      // Odd offsets are idle (flagged), even ones fresh; skip the ones about to cross the limit.
      const i = k % 2 === 0 ? 2 * k + 1 : 2 * k + 2;
      jira.store.touch(first + i, when);
    }
  })();
  return changed;
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

async function run(label: string, origin: 'schedule' | 'manual' = 'schedule') {
  calls = {};
  invocations = [];
  collectGarbage();
  heap = { startMb: heapMb(), retainedMb: [], peakMb: 0 };
  const start = now();
  lastEnd = start;
  const realStart = performance.now();
  await system(() => startScans([PROJECT], origin));
  await queue!.runDue({ until: 'idle', advanceClock: true, maxEvents: 100_000 });
  // The run is over when its last invocation ended: the clock outside moves there.
  outsideMs += Math.max(0, lastEnd - now());
  const [summary] = (await system(() => listRunSummaries(PROJECT, 1))) as unknown as ScanRunSummary[];
  const c = summary!.counters;
  const total = Object.values(calls).reduce((a, b) => a + b, 0);
  const labelWrites = Object.entries(calls)
    .filter(
      ([name]) =>
        name === 'POST /rest/api/3/bulk/issues/fields' || /^PUT \/rest\/api\/3\/issue\/\{id\}$/.test(name),
    )
    .reduce((n, [, k]) => n + k, 0);
  const longest = Math.max(...invocations);
  return {
    run: label,
    mode: summary!.mode ?? 'full',
    status: summary!.status,
    issues: c.issues,
    changed: c.changed,
    newlyFlagged: c.flagged,
    cleared: c.cleared,
    errors: c.errors,
    calls: total,
    callsByEndpoint: calls,
    labelWrites,
    points: c.points,
    wallSeconds: round((now() - start) / 1000),
    partitions: summary!.notes.some((n) => /partitions/.test(n))
      ? Number(/Read in (\d+) partitions/.exec(summary!.notes.join(' '))?.[1])
      : 1,
    pacedContinuations: c.paced,
    rateLimited: c.rateLimited,
    invocations: invocations.length,
    longestInvocationSeconds: round(longest / 1000),
    longestShareOfTimeout: round(longest / 1000 / SCAN_FUNCTION_TIMEOUT_SECONDS, 3),
    realSeconds: round((performance.now() - realStart) / 1000),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    heap: heapReport(),
  };
}

/** The run's heap figures in MB (see the header): retained after invocations, and the peak between them. */
function heapReport() {
  const retained = heap.retainedMb;
  return {
    startMb: round(heap.startMb),
    retainedAfterFirstInvocationMb: round(retained[0] ?? 0),
    retainedAfterLastInvocationMb: round(retained[retained.length - 1] ?? 0),
    mostRetainedMb: round(Math.max(0, ...retained)),
    peakAboveStartMb: round(heap.peakMb - heap.startMb),
  };
}

/**
 * The naive way, run for real: page issue ids, then for every issue one GET (fields + property) and one PUT
 * of the recomputed property, whether or not anything changed. Jira's quota is off for it (it would stop at
 * the first 429); its points are counted by the same model the app counts with.
 */
async function naiveRun(label: string) {
  calls = {};
  jira.rateLimits.configure({ enabled: false });
  const start = now();
  const realStart = performance.now();
  const meter = new PointsMeter();
  let issues = 0;
  await system(async () => {
    const client = JiraClient.asApp(meter);
    const { settings } = await loadSettings(PROJECT);
    const ctx = { settings, outcomes: new Map(), parentOutcome: () => null, now: new Date(now()) };
    let token: string | null = null;
    do {
      const page = await client.searchJql({
        jql: `project = ${PROJECT} AND statusCategory != Done`,
        fields: ['id'],
        maxResults: 5000,
        ...(token ? { nextPageToken: token } : {}),
      });
      for (const { key } of page.issues) {
        const issue = await client.getIssue(key, {
          fields: scanFields(DEFAULT_SPRINT_FIELD),
          properties: [ISSUE_PROPERTY_KEY],
        });
        const plan = judgeIssue(toScanIssue(issue, DEFAULT_SPRINT_FIELD), ctx);
        await client.setIssueProperty(
          key,
          ISSUE_PROPERTY_KEY,
          plan.next ?? issue.properties?.[ISSUE_PROPERTY_KEY] ?? {},
        );
        issues++;
      }
      token = page.nextPageToken;
    } while (token);
  });
  jira.rateLimits.configure({ enabled: true });
  return {
    run: label,
    mode: 'naive',
    issues,
    calls: Object.values(calls).reduce((a, b) => a + b, 0),
    callsByEndpoint: calls,
    points: meter.points,
    // One invocation could never hold it: the serial time of its calls.
    wallSeconds: round((now() - start) / 1000),
    invocations: null,
    longestShareOfTimeout: null,
    realSeconds: round((performance.now() - realStart) / 1000),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

async function main() {
  const seedStart = performance.now();
  seed();
  await system(() => saveSettings(PROJECT, { flagActions: { label: LABEL, comment: false } }, 0));
  const seedSeconds = round((performance.now() - seedStart) / 1000);
  const first = await run('first scan');
  // The next day's run reads everything again (the first one measured the backlog's idle ranks).
  daysPassedMs += DAY;
  const full = await run('full rescan');
  const changedIssues = changeOnePercent();
  const steady = await run('steady-state day: 1% changed, 0.5% crossing the idle limit');
  const naive = await naiveRun('naive: one GET and one PUT per issue');

  // The wall time of a full rescan as partitions are added, with the hourly quota on and off. Comparable runs:
  // the next day at 01:00 UTC, one rescan first that takes in the day's new idle ranks, then each run from the
  // start of an hourly quota window, all within that day.
  const counts = (process.env.BENCH_PARTITIONS ?? '1,2,4,8').split(',').map(Number);
  const partitionSeries = [];
  const HOUR = 3_600_000;
  outsideMs += DAY - (now() % DAY) + HOUR;
  useConsumer();
  await run('warm-up', 'manual');
  for (const quota of ['on', 'off'] as const) {
    jira.rateLimits.configure({ enabled: quota === 'on' });
    for (const maxPartitions of counts) {
      useConsumer({ maxPartitions });
      outsideMs += HOUR - (now() % HOUR);
      const r = await run(`full rescan, at most ${maxPartitions} partitions, quota ${quota}`, 'manual');
      partitionSeries.push({
        partitions: r.partitions,
        quota,
        status: r.status,
        issues: r.issues,
        wallSeconds: r.wallSeconds,
        points: r.points,
        invocations: r.invocations,
        pacedContinuations: r.pacedContinuations,
        rateLimited: r.rateLimited,
        longestShareOfTimeout: r.longestShareOfTimeout,
        realSeconds: r.realSeconds,
        callsByEndpoint: r.callsByEndpoint,
      });
    }
  }
  jira.rateLimits.configure({ enabled: true });

  const ratio = round(steady.points / full.points, 4);
  const changedLabels = steady.newlyFlagged + steady.cleared;
  const scanRuns = [first, full, steady];
  const targets = {
    steadyStatePointsVsFullRescan: { target: 0.05, actual: ratio, ok: ratio <= 0.05 },
    steadyStateLabelWrites: {
      target: Math.ceil(changedLabels / 1000) + 1,
      actual: steady.labelWrites,
      ok: steady.labelWrites <= Math.ceil(changedLabels / 1000) + 1,
    },
    fullRescanWallSeconds: { target: 3600, actual: full.wallSeconds, ok: full.wallSeconds < 3600 },
    longestShareOfTimeout: {
      target: 0.8,
      actual: Math.max(...scanRuns.map((r) => r.longestShareOfTimeout)),
      ok: scanRuns.every((r) => r.longestShareOfTimeout < 0.8),
    },
    peakRssMb: { target: 512, actual: steady.peakRssMb, ok: steady.peakRssMb <= 512 },
  };
  console.log(
    JSON.stringify(
      {
        bench: 'scan',
        issues: N,
        seedSeconds,
        changedOnTheDay: changedIssues,
        latency: 'realistic model (README), on a virtual clock',
        quota: { points: JIRA_RATE_LIMITS.quotaPoints, scanShare: 0.5 },
        partitionsAtMost: MAX_PARTITIONS,
        runs: [first, full, steady, naive],
        partitionSeries,
        steadyStatePointsVsFullRescan: ratio,
        // The peaks over all runs, upper bounds (storage calls cost no time on this clock), beside Forge's limits.
        appStorage: { ...kvs.usage(), limits: FORGE_STORAGE_RATE_LIMITS },
        targets,
      },
      null,
      2,
    ),
  );
  uninstall();
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
