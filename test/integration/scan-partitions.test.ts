/**
 * A large project's scan split into partitions by issue id, each scanned by queue events of its own and run at
 * once by the queue (as Forge runs due events in parallel), joined into one run summary. Proof: the same backlog
 * scanned whole and in partitions ends in the same verdicts, labels, counts, health and page figures, with every
 * event delivered twice; and a partition that fails mid-way is resumed alone from its own cursor.
 */
import { kvs } from '@forge/kvs';
import { emptyLens, ISSUE_PROPERTY_KEY, readLens } from '../../src/domain/issue-lens';
import { scanFieldsOf } from '../../src/scan/scan-page';
import type { PendingLens } from '../../src/scan/writer';
import { releaseLensClaim, takeLensClaim } from '../../src/storage/lens-claim';
import type { ScanRunSummary } from '../../src/contract/scan';
import { createScanConsumer } from '../../src/scan/consumer';
import { SCAN_QUEUE } from '../../src/scan/queue';
import { LEASE_TTL_MS, type RunOptions } from '../../src/scan/run';
import { scanRuns, STALLED_RUN } from '../../src/services/scan-runs';
import { startScans } from '../../src/scan/trigger';
import { loadAggregates } from '../../src/storage/aggregates';
import { listRunSummaries } from '../../src/storage/scan-state';
import { loadShippedSummary } from '../../src/storage/shipped';
import { saveSettings } from '../../src/storage/settings';
import { createWorkbench, PROJECT_KEY, USERS, type Workbench } from '../support/workbench-harness';
import type { IssueInput, JiraRequest } from '../../workbench/jira/types';

const DAY = 86_400_000;
const START = Date.parse('2026-06-01T06:00:00.000Z');
const ISSUES = 640;

let wb: Workbench | null = null;
afterEach(() => {
  wb?.dispose();
  wb = null;
});

/** A backlog with idle, fresh, recipe-like and old unlinked items, dated from START. */
function backlog(): IssueInput[] {
  const ago = (days: number) => new Date(START - days * DAY).toISOString();
  return Array.from({ length: ISSUES }, (_, i) => ({
    projectKey: PROJECT_KEY,
    type: i % 7 === 0 ? 'Bug' : 'Story',
    summary:
      i % 5 === 0
        ? 'Add a blue Save for later button in the top right corner of the cart'
        : 'Shoppers abandon carts because shipping costs surprise them at checkout',
    created: ago(i % 3 === 0 ? 200 : 80),
    updated: ago(i % 2 === 0 ? 70 : 1),
    reporter: i % 4 === 0 ? USERS.admin : USERS.member,
  }));
}

/** Items delivered over the last months: the shipped-versus-moved ledger the run keeps once it has finished. */
function delivered(): IssueInput[] {
  return Array.from({ length: 30 }, (_, i) => ({
    projectKey: PROJECT_KEY,
    type: 'Story',
    summary: `Delivered ${i}`,
    status: 'Done',
    statusCategory: 'done',
    resolution: 'Done',
    created: new Date(START - 200 * DAY).toISOString(),
    updated: new Date(START - (i % 3) * 31 * DAY).toISOString(),
    storyPoints: 1 + (i % 3),
  }));
}

/** Searches sent to Jira, with their JQL and status. */
function recordSearches(w: Workbench): Array<{ jql: string; status: number }> {
  const searches: Array<{ jql: string; status: number }> = [];
  const handle = w.jira.handle.bind(w.jira);
  w.jira.handle = async (req: JiraRequest) => {
    const res = await handle(req);
    if (req.path.startsWith('/rest/api/3/search/jql'))
      searches.push({ jql: (JSON.parse(req.body ?? '{}') as { jql: string }).jql, status: res.status });
    return res;
  };
  return searches;
}

async function setUp(options: RunOptions) {
  const w = createWorkbench({ now: new Date(START), latency: 'off', rateLimits: 'off' });
  wb = w;
  // The queue's clock, plus the real time spent: an invocation's time budget runs out as it works.
  const t0 = performance.now();
  const clock = () => w.queue.now() + Math.floor(performance.now() - t0);
  const consumer = createScanConsumer({ clock, ...options });
  const running = { now: 0, most: 0 };
  w.queue.registerConsumer(SCAN_QUEUE, async (event) => {
    running.most = Math.max(running.most, ++running.now);
    try {
      return await consumer(event);
    } finally {
      running.now--;
    }
  });
  await w.asSystem(() => saveSettings(PROJECT_KEY, { flagActions: { label: 'zombie', comment: true } }, 0));
  const keys = w.jira.store.bulkCreateIssues(backlog());
  w.jira.store.bulkCreateIssues(delivered());
  return { w, keys, running, searches: recordSearches(w) };
}

async function scan(w: Workbench): Promise<ScanRunSummary> {
  await w.asSystem(() => startScans([PROJECT_KEY], 'schedule'));
  await w.queue.runDue({ until: 'idle', advanceClock: true, maxEvents: 10_000 });
  const [latest] = await w.asSystem(() => listRunSummaries(PROJECT_KEY, 1));
  return latest as unknown as ScanRunSummary;
}

/** What two scans must agree on: each issue's verdict, labels and comments, the run's counts and figures. */
async function outcome(w: Workbench, keys: string[], summary: ScanRunSummary) {
  const issues = keys.map((key) => {
    const lens = readLens(w.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY));
    const issue = w.jira.store.getIssue(key)!;
    return {
      key,
      zombie: lens.zombie,
      score: lens.score,
      recipe: lens.recipe,
      flag: lens.flag && { rules: lens.flag.rules, labelApplied: lens.flag.labelApplied },
      labels: [...issue.labels].sort(),
      comments: w.jira.store.listComments(issue.id).length,
    };
  });
  const { pages, invocations, jiraCalls, points, ...counts } = summary.counters;
  void [pages, invocations, jiraCalls, points];
  const aggregates = await w.asSystem(() => loadAggregates(PROJECT_KEY));
  const shipped = await w.asSystem(() => loadShippedSummary(PROJECT_KEY));
  const { recipeExamples, problemExamples, ...health } = aggregates!.health;
  void [recipeExamples, problemExamples];
  return {
    status: summary.status,
    issues,
    counts,
    health: summary.health,
    lanes: aggregates!.lanes,
    cells: aggregates!.cells,
    pageHealth: health,
    shipped: { items: shipped?.items, months: shipped?.months },
  };
}

describe('a scan in partitions', () => {
  it('ends where the unpartitioned scan ends, counting each issue once though every event came twice', async () => {
    const whole = await setUp({ maxPartitions: 1 });
    const wholeSummary = await scan(whole.w);
    expect(wholeSummary.notes.join(' ')).not.toMatch(/partitions/);
    const expected = await outcome(whole.w, whole.keys, wholeSummary);
    whole.w.dispose();
    wb = null;

    const split = await setUp({ partitionSize: 150, maxPartitions: 4 });
    split.w.queue.injectDelivery({ duplicates: 1000, overlapDuplicates: true });
    const splitSummary = await scan(split.w);

    expect(splitSummary.notes).toContain('Read in 4 partitions of the backlog by issue id, side by side.');
    expect(await outcome(split.w, split.keys, splitSummary)).toEqual(expected);
    expect(splitSummary.counters).toMatchObject({ issues: ISSUES, errors: 0 });
    expect(expected.counts.flagged).toBeGreaterThan(0);
    // The join keeps the delivered items' ledger as the whole run does, each item once.
    expect(expected.shipped.items).toBe(30);
    // Each partition read its own id range, every page once: 640 issues in ranges of ~160, two pages each.
    const ranges = split.searches.filter((s) => / AND id >= \d+ AND id < \d+$/.test(s.jql));
    expect(ranges).toHaveLength(8);
    expect(new Set(ranges.map((s) => s.jql)).size).toBe(4);
    // The partitions were delivered side by side, as Forge runs due events: several consumers at once.
    expect(whole.running.most).toBe(1);
    expect(split.running.most).toBeGreaterThan(1);
  });

  it('starts its partitions though the push that fans them out is refused: the retry pushes them again', async () => {
    const split = await setUp({ partitionSize: 150, maxPartitions: 4 });
    await split.w.asSystem(() => startScans([PROJECT_KEY], 'schedule'));
    split.w.queue.injectDelivery({ refusePushes: { count: 1, status: 429 } });
    await split.w.queue.runDue({ until: 'idle', advanceClock: true, maxEvents: 10_000 });
    const [summary] = (await split.w.asSystem(() => listRunSummaries(PROJECT_KEY, 1))) as unknown as [
      ScanRunSummary,
    ];
    expect(summary.notes).toContain('Read in 4 partitions of the backlog by issue id, side by side.');
    expect(summary.status).toBe('finished');
    expect(summary.counters).toMatchObject({ issues: ISSUES, errors: 0 });
  });

  it('finishes the join on the retry of the event whose invocation claimed it and could not give it back', async () => {
    const split = await setUp({ partitionSize: 150, maxPartitions: 4 });
    // The join's write of the finished run's summary fails, and so does giving the join's claim back.
    const answer = split.w.kvs.handle.bind(split.w.kvs);
    const failed: string[] = [];
    const refuse = (what: string) => {
      failed.push(what);
      return new Response(JSON.stringify({ code: 'INTERNAL_SERVER_ERROR', message: 'Storage timed out' }), {
        status: 500,
        headers: { 'content-type': 'application/json' },
      });
    };
    jest.spyOn(split.w.kvs, 'handle').mockImplementation(async (path, init) => {
      const body =
        typeof init?.body === 'string'
          ? (JSON.parse(init.body) as { key?: string; value?: { status?: string } })
          : {};
      const key = body.key ?? '';
      if (
        failed.length === 0 &&
        /\/set$/.test(path) &&
        key.startsWith(`scan:${PROJECT_KEY}:run:`) &&
        body.value?.status === 'finished'
      )
        return refuse('the summary');
      if (failed.length === 1 && /\/delete$/.test(path) && key.startsWith(`scan:${PROJECT_KEY}:join:`))
        return refuse('the join claim');
      return answer(path, init);
    });
    const summary = await scan(split.w);
    jest.restoreAllMocks();
    expect(failed).toEqual(['the summary', 'the join claim']);
    expect(summary.status).toBe('finished');
    expect(summary.counters).toMatchObject({ issues: ISSUES, errors: 0 });
  });

  it('keeps for the next run what an earlier run left unwritten when its issue is busy as this run splits', async () => {
    const split = await setUp({ partitionSize: 150, maxPartitions: 4 });
    // Done since it was flagged: no partition reads it again, only the kept entry writes its lens.
    const { key } = split.w.jira.store.createIssue({
      projectKey: PROJECT_KEY,
      type: 'Story',
      summary: 'Flagged, then delivered',
      status: 'Done',
      statusCategory: 'done',
      resolution: 'Done',
    });
    const entry: PendingLens = {
      issueId: Number(split.w.jira.store.getIssue(key)!.id),
      key,
      basedOn: 0,
      change: null,
      fields: scanFieldsOf(emptyLens()),
    };
    // Kept as one list, as the version before per-issue entries kept it; the issue's lens is being written by
    // someone else while this run starts.
    await split.w.asSystem(() => kvs.set(`scan:${PROJECT_KEY}:leftovers`, [entry]));
    const held = await split.w.asSystem(() => takeLensClaim(key, { waitMs: 0 }));
    expect(held.held).not.toBeNull();

    const first = await scan(split.w);
    expect(first.notes).toContain('Read in 4 partitions of the backlog by issue id, side by side.');
    const kept = () =>
      split.w.db
        .prepare<[], { key: string }>("SELECT key FROM kvs_items WHERE key LIKE 'scan%leftover%'")
        .all()
        .map((r) => r.key);
    expect(kept().length).toBeGreaterThan(0);
    const lens = () => split.w.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY);
    expect(lens()).toBeUndefined();

    await split.w.asSystem(() => releaseLensClaim(held.held!));
    const second = await scan(split.w);
    expect(second.status).toBe('finished');
    expect(lens()).toBeDefined();
    expect(kept()).toEqual([]);
  });

  it('resumes a partition that fails mid-way alone: the others are not read again', async () => {
    // One page per invocation (a tiny time budget), so each partition checkpoints after every page.
    const { w, keys, searches } = await setUp({ partitionSize: 150, maxPartitions: 4, timeoutMs: 1 });
    let failing: string | null = null;
    const handle = w.jira.handle.bind(w.jira);
    w.jira.handle = (req: JiraRequest) => {
      const jql = req.path.startsWith('/rest/api/3/search/jql')
        ? (JSON.parse(req.body ?? '{}') as { jql?: string }).jql
        : undefined;
      const range = jql?.match(/ AND id >= \d+ AND id < \d+$/)?.[0];
      // The third partition's second page fails past the scan's own retries, once.
      if (range && failing === null && searches.filter((s) => s.jql.endsWith(range)).length === 1) {
        const others = new Set(searches.map((s) => s.jql.match(/ AND id >= \d+ AND id < \d+$/)?.[0]));
        if (others.size >= 3) {
          failing = range;
          w.jira.faults.inject({
            kind: 'server-error',
            status: 503,
            times: 3,
            match: { bodyIncludes: range },
          });
        }
      }
      return handle(req);
    };

    const summary = await scan(w);

    expect(failing).not.toBeNull();
    expect(summary).toMatchObject({ status: 'finished', failure: null });
    expect(summary.counters).toMatchObject({ issues: ISSUES, errors: 0 });
    // One page an invocation; the failed invocation was retried by the queue.
    expect(w.queue.deliveries.filter((d) => d.ok).length).toBeGreaterThanOrEqual(1 + 4 * 2);
    expect(w.queue.deliveries.filter((d) => !d.ok)).toEqual([
      expect.objectContaining({ retryCount: 0, error: 'Injected server error 503.' }),
    ]);
    const byRange = new Map<string, { ok: number; refused: number }>();
    for (const s of searches) {
      const range = s.jql.match(/ AND id >= \d+ AND id < \d+$/)?.[0];
      if (!range) continue;
      const tally = byRange.get(range) ?? { ok: 0, refused: 0 };
      if (s.status === 200) tally.ok += 1;
      else tally.refused += 1;
      byRange.set(range, tally);
    }
    expect(byRange.size).toBe(4);
    // Every partition read each of its two pages once, the failed one included: its first page was not read
    // again, and the others were not redone.
    for (const [range, tally] of byRange) {
      expect(tally.ok).toBe(2);
      expect(tally.refused).toBe(range === failing ? 3 : 0);
    }
    // Every idle issue was flagged once: one comment each.
    const flagged = keys.filter((k) => readLens(w.jira.store.getIssueProperty(k, ISSUE_PROPERTY_KEY)).flag);
    expect(flagged.length).toBe(summary.counters.flagged);
    for (const key of flagged)
      expect(w.jira.store.listComments(w.jira.store.getIssue(key)!.id)).toHaveLength(1);
  });

  it('shows a run stalled once the queue gave up on one of its partitions, and the next run takes its place', async () => {
    const options = { partitionSize: 150, maxPartitions: 4 };
    const { w } = await setUp(options);
    // Every invocation of one partition is stopped before the scan's code can note anything, as Forge stops one
    // at its time limit; the queue retries it and then gives up.
    const consumer = createScanConsumer({ clock: () => w.queue.now(), ...options });
    let stopped = 0;
    w.queue.registerConsumer(SCAN_QUEUE, (event) => {
      if ((event.body as { partition?: number }).partition === 2) {
        stopped++;
        throw new Error('Function timed out.');
      }
      return consumer(event);
    });
    await w.asSystem(() => startScans([PROJECT_KEY], 'schedule'));
    await w.queue.runDue({ until: 'idle', advanceClock: true, maxEvents: 10_000 });
    expect(stopped).toBe(4);

    const call = {
      accountId: USERS.viewer,
      moduleKey: 'outcome-lens-project-page',
      issueKey: null,
      projectKey: PROJECT_KEY,
    };
    const runsAt = (ms: number) =>
      w.asUser(USERS.viewer, () => scanRuns(call, 10, { now: () => new Date(ms) }));
    const [stored] = await w.asSystem(() => listRunSummaries(PROJECT_KEY, 1));
    expect(stored).toMatchObject({ status: 'running' });
    // The other partitions renewed the lease as they worked: while it lasts the run may still be going.
    const now = w.queue.now();
    expect((await runsAt(now)).runs[0]).toMatchObject({ status: 'running', failure: null });
    const late = await runsAt(now + LEASE_TTL_MS);
    expect(late.runs[0]).toMatchObject({ runId: stored!.runId, status: 'stalled', failure: STALLED_RUN });
    expect(late.running).toBe(false);

    // The next run takes the lease over, ends the stalled run's summary and scans the whole backlog.
    w.queue.registerConsumer(SCAN_QUEUE, consumer);
    w.clock.now = new Date(now + LEASE_TTL_MS);
    const next = await scan(w);
    expect(next).toMatchObject({ status: 'finished', counters: { issues: ISSUES, errors: 0 } });
    const after = await runsAt(w.queue.now());
    expect(after.runs.map((r) => [r.runId, r.status])).toEqual([
      [next.runId, 'finished'],
      [stored!.runId, 'failed'],
    ]);
    expect(after.running).toBe(false);
  });

  it('shares a tight points quota between partitions without 429s, reading each page once', async () => {
    // Partitions run side by side and each saw the quota as its own last answer reported it: before, all four
    // read a page, their writes drew 429s, and each page was read again after the wait.
    const clock = () => w.queue.now();
    const w = createWorkbench({
      now: new Date(START),
      latency: 'off',
      rateLimits: { quotaPoints: 1_500, clock },
    });
    wb = w;
    const consumer = createScanConsumer({ clock, partitionSize: 150, maxPartitions: 4 });
    w.queue.registerConsumer(SCAN_QUEUE, (event) => consumer(event));
    await w.asSystem(() =>
      saveSettings(PROJECT_KEY, { flagActions: { label: 'zombie', comment: false } }, 0),
    );
    w.jira.store.bulkCreateIssues(backlog());
    const searches = recordSearches(w);
    const pageReads: string[] = [];
    const handle = w.jira.handle.bind(w.jira);
    w.jira.handle = async (req: JiraRequest) => {
      const res = await handle(req);
      if (req.path.startsWith('/rest/api/3/search/jql') && res.status === 200) {
        const { jql, nextPageToken } = JSON.parse(req.body ?? '{}') as {
          jql: string;
          nextPageToken?: string;
        };
        pageReads.push(`${jql} @ ${nextPageToken ?? 'start'}`);
      }
      return res;
    };

    const summary = await scan(w);

    expect(summary.notes).toContain('Read in 4 partitions of the backlog by issue id, side by side.');
    expect(summary).toMatchObject({ status: 'finished', failure: null });
    expect(summary.counters).toMatchObject({ issues: ISSUES, errors: 0, rateLimited: 0 });
    expect(summary.counters.paced).toBeGreaterThan(0);
    expect(w.jira.calls.filter((c) => c.status === 429)).toEqual([]);
    // Two pages in each of the four ranges, each read once.
    const ranged = pageReads.filter((r) => / AND id >= \d+ AND id < \d+ @/.test(r));
    expect(ranged).toHaveLength(8);
    expect(new Set(ranged).size).toBe(8);
    expect(searches.every((s) => s.status === 200)).toBe(true);
  });
});
