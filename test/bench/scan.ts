/**
 * `npm run bench -- scan`: the zombie scan over N open issues (default 100,000; BENCH_SCAN_ISSUES to change)
 * in the workbench (real @forge SDKs, Jira emulator, app storage, queue in one SQLite file). Three runs:
 *   1. first scan (everything is new to the app), 2. after 10% of the backlog changed (went idle),
 *   3. nothing changed. Prints REST calls per endpoint, the floor and the ratio to it, invocations against
 * the 900 s timeout, wall time and peak RSS, beside the naive way (one GET and one PUT per issue).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createScanConsumer } from '../../src/scan/consumer';
import { SCAN_QUEUE } from '../../src/scan/queue';
import { SCAN_FUNCTION_TIMEOUT_SECONDS } from '../../src/scan/budget';
import { startScans } from '../../src/scan/trigger';
import { judgeIssue } from '../../src/scan/scan-page';
import { DEFAULT_SPRINT_FIELD } from '../../src/jira/fields';
import { scanFields, toScanIssue } from '../../src/scan/snapshot';
import { JiraClient } from '../../src/jira/client';
import { ISSUE_PROPERTY_KEY } from '../../src/domain/issue-lens';
import { loadSettings } from '../../src/storage/settings';
import { listRunSummaries } from '../../src/storage/scan-state';
import { saveSettings } from '../../src/storage/settings';
import type { ScanRunSummary } from '../../src/contract/scan';
import { openDatabase } from '../../workbench/db';
import { KvsStore } from '../../workbench/forge/kvs-store';
import { QueueHost } from '../../workbench/forge/queue';
import { installForgeRuntime, runInInvocation } from '../../workbench/forge/runtime';
import { JiraEmulator } from '../../workbench/jira/emulator';
import type { IssueInput, JiraRequest } from '../../workbench/jira/types';

const N = Number(process.env.BENCH_SCAN_ISSUES ?? 100_000);
const CHANGE_SHARE = 0.1;
const PROJECT = 'BENCH';
const LABEL = 'zombie';
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-bench-'));
const db = openDatabase(path.join(dir, 'bench.db'));
const jira = new JiraEmulator(db, { contract: null });
const kvs = new KvsStore(db, {});
const queue = new QueueHost(db, {});
const uninstall = installForgeRuntime({
  jira,
  kvs,
  queue,
  appAccountId: jira.appAccountId,
  installContext: 'ari:cloud:jira::site/bench',
});
const system = <T>(fn: () => Promise<T>) => runInInvocation({ accountId: null, moduleKey: 'bench' }, fn);

// Count every REST call by endpoint (the emulator's own log is bounded).
let calls: Record<string, number> = {};
const handle = jira.handle.bind(jira);
jira.handle = (req: JiraRequest) => {
  const name = `${req.method.toUpperCase()} ${req.path.split('?')[0]!.replace(/\/(?:[A-Z]+-\d+|\d{4,})/g, '/{id}')}`;
  calls[name] = (calls[name] ?? 0) + 1;
  return handle(req);
};

// Time every consumer invocation.
let invocations: number[] = [];
const consumer = createScanConsumer();
queue.registerConsumer(SCAN_QUEUE, async (event) => {
  const start = performance.now();
  try {
    return await consumer(event);
  } finally {
    invocations.push(performance.now() - start);
  }
});

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
      yield {
        projectKey: PROJECT,
        type: 'Story',
        summary: summaries[i % summaries.length]!,
        created: idle ? ago(80) : ago(20),
        updated: idle ? ago(70) : ago(1),
        reporter: null,
      };
    }
  }
  jira.store.bulkCreateIssues(issues());
}

/** 10% of the backlog goes idle: each of them is newly flagged, so it needs a write and a label. */
function changeTenPercent(): number {
  const first = jira.store.getIssue(`${PROJECT}-1`)!.id;
  const when = ago(70);
  let changed = 0;
  const step = Math.round(1 / CHANGE_SHARE);
  db.transaction(() => {
    for (let i = 0; i < N; i += step) {
      jira.store.touch(first + i, when); // i is even: a fresh issue
      changed++;
    }
  })();
  return changed;
}

async function run(label: string) {
  calls = {};
  invocations = [];
  const start = performance.now();
  await system(() => startScans([PROJECT], 'schedule'));
  await queue.runDue({ until: 'idle', advanceClock: true, maxEvents: 100_000 });
  const wallSeconds = (performance.now() - start) / 1000;
  const [summary] = (await system(() => listRunSummaries(PROJECT, 1))) as unknown as ScanRunSummary[];
  const c = summary!.counters;
  const searches = Math.ceil(c.issues / 100);
  const floor = searches + Math.ceil(c.changed / 100) + c.flagged; // one label call per newly flagged issue
  const total = Object.values(calls).reduce((a, b) => a + b, 0);
  const writes = Object.entries(calls)
    // The bulk fetch re-reads the lenses before each write: a read, though a POST.
    .filter(([name]) => !/\/search\/jql|\/issue\/bulkfetch/.test(name) && !name.startsWith('GET'))
    .reduce((n, [, k]) => n + k, 0);
  const longest = Math.max(...invocations);
  return {
    run: label,
    issues: c.issues,
    changed: c.changed,
    newlyFlagged: c.flagged,
    cleared: c.cleared,
    errors: c.errors,
    callsByEndpoint: calls,
    calls: total,
    writes,
    floor,
    ratioToFloor: Math.round((total / floor) * 1000) / 1000,
    invocations: invocations.length,
    longestInvocationSeconds: Math.round(longest) / 1000,
    longestShareOfTimeout: Math.round((longest / 1000 / SCAN_FUNCTION_TIMEOUT_SECONDS) * 1000) / 1000,
    wallSeconds: Math.round(wallSeconds * 10) / 10,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

/**
 * The naive way, run for real: page issue ids, then for every issue one GET (fields + property) and one PUT
 * of the recomputed property, whether or not anything changed — what a stale bot or an automation rule does.
 */
async function naiveRun(label: string) {
  calls = {};
  const start = performance.now();
  let issues = 0;
  await system(async () => {
    const client = JiraClient.asApp();
    const { settings } = await loadSettings(PROJECT);
    const ctx = { settings, outcomes: new Map(), parentOutcome: () => null, now: new Date() };
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
  const total = Object.values(calls).reduce((a, b) => a + b, 0);
  const writes = Object.entries(calls)
    .filter(([name]) => !name.includes('/search/jql') && !name.startsWith('GET'))
    .reduce((n, [, k]) => n + k, 0);
  return {
    run: label,
    issues,
    callsByEndpoint: calls,
    calls: total,
    writes,
    wallSeconds: Math.round(((performance.now() - start) / 1000) * 10) / 10,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

async function main() {
  const seedStart = performance.now();
  seed();
  await system(() => saveSettings(PROJECT, { flagActions: { label: LABEL, comment: false } }, 0));
  const seedSeconds = Math.round((performance.now() - seedStart) / 100) / 10;
  const first = await run('1: first scan');
  const changedIssues = changeTenPercent();
  const second = await run('2: 10% changed');
  const third = await run('3: unchanged');
  // The naive way over the same, unchanged backlog: its calls, and its writes, which never drop to zero.
  const naive = await naiveRun('naive: unchanged backlog');
  const targets = {
    ratioToFloor: { target: 1.1, actual: second.ratioToFloor, ok: second.ratioToFloor <= 1.1 },
    longestInvocation: {
      target: 0.8,
      actual: Math.max(
        first.longestShareOfTimeout,
        second.longestShareOfTimeout,
        third.longestShareOfTimeout,
      ),
    },
    peakRssMb: { target: 256, actual: third.peakRssMb, ok: third.peakRssMb <= 256 },
    secondRunWrites: { target: 0, actual: third.writes, ok: third.writes === 0 },
  };
  Object.assign(targets.longestInvocation, { ok: targets.longestInvocation.actual <= 0.8 });
  console.log(
    JSON.stringify(
      {
        bench: 'scan',
        issues: N,
        seedSeconds,
        changedBetweenRuns: changedIssues,
        runs: [first, second, third],
        naive: {
          ...naive,
          ratioToFloor: Math.round((naive.calls / third.floor) * 1000) / 1000,
          callsVersusScan: Math.round((naive.calls / third.calls) * 10) / 10,
        },
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
