/**
 * The zombie scan over the workbench: the real @forge/api, @forge/kvs and @forge/events against the Jira
 * emulator, app storage and the queue. Issues are dated relative to the real clock, as the scan uses it.
 */
import { kvs } from '@forge/kvs';
import { emptyLens, ISSUE_PROPERTY_KEY, readLens } from '../../src/domain/issue-lens';
import type { ScanRunSummary } from '../../src/contract/scan';
import { createScanConsumer } from '../../src/scan/consumer';
import { resumeParkedScans, SCAN_QUEUE } from '../../src/scan/queue';
import type { RunOptions } from '../../src/scan/run';
import { configuredProjects, PROBE_CONCURRENCY, startScans } from '../../src/scan/trigger';
import { scanNow } from '../../src/scan/scan-now';
import * as lensClaims from '../../src/storage/lens-claim';
import { NotAuthorizedError } from '../../src/errors';
import { JiraClient } from '../../src/jira/client';
import { OTHER_PROJECT_KEY } from '../support/workbench-harness';
import { listRunSummaries, loadHealthSnapshot } from '../../src/storage/scan-state';
import { saveSettings } from '../../src/storage/settings';
import { createOutcome } from '../../src/storage/outcomes';
import { createWorkbench, PROJECT_KEY, USERS, type Workbench } from '../support/workbench-harness';
import { DEFAULT_CUSTOM_FIELDS, type IssueInput, type JiraRequest } from '../../workbench/jira/types';
import { statusId } from '../../workbench/jira/routes/common';

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

let wb: Workbench;
beforeEach(() => {
  wb = createWorkbench();
  useConsumer();
});
afterEach(() => {
  jest.restoreAllMocks();
  wb.dispose();
});

function useConsumer(options: RunOptions = {}): void {
  wb.queue.registerConsumer(SCAN_QUEUE, createScanConsumer(options));
}

/** A story with a hypothesis-free summary, created and last touched long ago unless told otherwise. */
function anIssue(overrides: Partial<IssueInput> = {}): IssueInput {
  return {
    projectKey: PROJECT_KEY,
    type: 'Story',
    summary: 'Shoppers abandon carts because shipping costs surprise them',
    created: ago(20),
    updated: ago(1),
    reporter: USERS.member,
    ...overrides,
  };
}
/** Idle past the 60-day default, yet younger than the 90 days after which unlinked work is flagged. */
const idle = (overrides: Partial<IssueInput> = {}) =>
  anIssue({ created: ago(80), updated: ago(70), ...overrides });

async function settings(stored: Record<string, unknown>): Promise<void> {
  await wb.asSystem(() => saveSettings(PROJECT_KEY, stored, 0));
}

async function scan(extra: { dryRun?: boolean } = {}): Promise<ScanRunSummary> {
  await wb.asSystem(() => startScans([PROJECT_KEY], 'schedule', extra));
  await wb.queue.runDue({ until: 'idle', advanceClock: true });
  return latestSummary();
}

async function latestSummary(): Promise<ScanRunSummary> {
  const [latest] = await wb.asSystem(() => listRunSummaries(PROJECT_KEY, 1));
  return latest as unknown as ScanRunSummary;
}

const lensOf = (key: string) => readLens(wb.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY));
const issueOf = (key: string) => wb.jira.store.getIssue(key)!;

/** Jira calls since `from`, counted as "METHOD /path" without query or ids. */
function callsSince(from: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of wb.jira.calls.slice(from)) {
    const path = c.path.split('?')[0]!.replace(/\/[A-Z]+-\d+/g, '/{key}');
    const name = `${c.method} ${path}`;
    out[name] = (out[name] ?? 0) + 1;
  }
  return out;
}
const writesIn = (calls: Record<string, number>) =>
  Object.entries(calls)
    .filter(
      ([name]) =>
        !name.startsWith('GET') &&
        !name.includes('/search/jql') &&
        !name.includes('/search/approximate-count') &&
        !name.includes('bulkfetch'),
    )
    .reduce((n, [, count]) => n + count, 0);

/** Each lens claim the scan gives back, and whether the issue's lens had its flag written by then. */
function recordClaimReleases(): Array<{ key: string; written: boolean }> {
  const release = lensClaims.releaseLensClaim;
  const released: Array<{ key: string; written: boolean }> = [];
  jest.spyOn(lensClaims, 'releaseLensClaim').mockImplementation(async (held) => {
    released.push({ key: held.issueKey, written: lensOf(held.issueKey).zombie === 'true' });
    return release(held);
  });
  return released;
}

/** How long each pending queue event waits yet, in milliseconds of the queue's clock. */
const pendingDelaysMs = () =>
  wb.db
    .prepare<[], { due_at: number }>("SELECT due_at FROM queue_events WHERE status = 'pending'")
    .all()
    .map((e) => e.due_at - wb.queue.now());

describe('the zombie scan', () => {
  it('flags an idle issue with why and since when, labels and comments once, and leaves fresh work alone', async () => {
    await settings({ flagActions: { label: 'zombie', comment: true } });
    const stale = wb.jira.store.createIssue(idle()).key;
    const fresh = wb.jira.store.createIssue(anIssue()).key;

    const summary = await scan();

    expect(summary.status).toBe('finished');
    expect(summary.counters).toMatchObject({ issues: 2, flagged: 1, cleared: 0, errors: 0, edits: 2 });
    const lens = lensOf(stale);
    expect(lens.zombie).toBe('true');
    expect(lens.flag?.rules.map((r) => r.rule)).toContain('idle');
    expect(lens.flag).toMatchObject({ labelApplied: true, commented: true });
    expect(lens.lastAppEditAt).not.toBeNull();
    expect(issueOf(stale).labels).toContain('zombie');
    expect(wb.jira.store.listComments(issueOf(stale).id)).toHaveLength(1);
    expect(lensOf(fresh)).toMatchObject({ zombie: 'false', flag: null });
    expect(typeof lensOf(fresh).score).toBe('number');
  });

  it('does not count its own label and comment as activity: a rerun keeps the flag and writes nothing', async () => {
    await settings({ flagActions: { label: 'zombie', comment: true } });
    const stale = wb.jira.store.createIssue(idle()).key;
    wb.jira.store.createIssue(anIssue());
    await scan();
    // The second run rewrites the flag once, with its rank among the open items: a property, no label or comment.
    expect((await scan()).counters).toMatchObject({ flagged: 0, changed: 1, edits: 0 });
    const mark = wb.jira.calls.length;

    const second = await scan();

    // Incremental: of the two, only the one its own label and comment touched (within the overlap) is read.
    expect(second).toMatchObject({ mode: 'incremental' });
    expect(second.counters).toMatchObject({ issues: 1, flagged: 0, cleared: 0, changed: 0, edits: 0 });
    expect(writesIn(callsSince(mark))).toBe(0);
    // One search of the items whose lens was saved (their children take their links), one of the open backlog,
    // one of the delivered bets and one of items delivered since the last run (none here; with nothing delivered
    // yet there is nothing to look for reopened).
    expect(callsSince(mark)).toEqual({ 'GET /rest/api/3/field': 1, 'POST /rest/api/3/search/jql': 4 });
    expect(lensOf(stale).zombie).toBe('true');
    expect(wb.jira.store.listComments(issueOf(stale).id)).toHaveLength(1);
  });

  it('says where an idle item stands among the open items once a scan has measured them, then writes nothing', async () => {
    const stale = wb.jira.store.createIssue(idle()).key;
    for (let i = 0; i < 3; i++) wb.jira.store.createIssue(anIssue());
    await scan();
    // The first scan knows no distribution yet: the reason carries no rank.
    expect(lensOf(stale).flag?.rules[0]?.detail).toMatch(/^Idle 70 days \(limit 60/);

    const second = await scan();
    const rule = lensOf(stale).flag?.rules[0];
    expect(rule?.detail).toMatch(/^Idle 70 days: more idle than 75% of this project's open items \(limit 60/);
    expect(rule?.moreIdleThan).toBe(75);
    expect(second.counters).toMatchObject({ flagged: 0, changed: 1 });
    const health = await wb.asSystem(() => loadHealthSnapshot<{ idleQuantiles: number[] }>(PROJECT_KEY));
    expect(health?.idleQuantiles).toHaveLength(101);

    const mark = wb.jira.calls.length;
    expect((await scan()).counters).toMatchObject({ changed: 0 });
    expect(writesIn(callsSince(mark))).toBe(0);
  });

  it('leaves old unlinked work alone until a fifth of the open items are linked', async () => {
    const old = () => anIssue({ created: ago(200), updated: ago(1) });
    const unlinked = wb.jira.store.createIssue(old()).key;
    const others = Array.from({ length: 4 }, () => wb.jira.store.createIssue(old()).key);
    await scan();
    await scan();
    expect(lensOf(unlinked)).toMatchObject({ zombie: 'false', flag: null });

    // One of five open items linked (20%): the next scan after one has measured it applies the rule.
    const outcome = await wb.asSystem(() =>
      createOutcome(
        PROJECT_KEY,
        {
          name: 'Fewer abandoned carts',
          metric: 'abandonment',
          baseline: 70,
          target: 60,
          direction: 'decrease',
          dueDate: '2030-01-01',
        },
        null,
        new Date(),
      ),
    );
    wb.jira.store.setIssueProperty(others[0]!, ISSUE_PROPERTY_KEY, {
      ...lensOf(others[0]!),
      outcomeId: outcome.id,
    });
    await scan();
    expect(lensOf(unlinked).zombie).toBe('false');
    await scan();
    const flag = lensOf(unlinked).flag;
    expect(flag?.rules.map((r) => r.rule)).toEqual(['unlinkedOld']);
    expect(flag?.rules[0]?.detail).toMatch(/while 20% of this project's open items are linked/);
  });

  it('clears the flag and removes the label when a person works on the issue again', async () => {
    await settings({ flagActions: { label: 'zombie', comment: false } });
    const key = wb.jira.store.createIssue(idle()).key;
    await scan();
    wb.jira.store.touch(issueOf(key).id, new Date(Date.now() + 1000).toISOString());

    const summary = await scan();

    expect(summary.counters).toMatchObject({ cleared: 1, flagged: 0 });
    expect(lensOf(key)).toMatchObject({ zombie: 'false', flag: null });
    expect(issueOf(key).labels).not.toContain('zombie');
  });

  it('clears the flag when the kill criteria change, and after a Keep decision snoozes the item', async () => {
    const deadline = wb.jira.store.createIssue(anIssue()).key;
    const kept = wb.jira.store.createIssue(idle()).key;
    wb.jira.store.setIssueProperty(deadline, ISSUE_PROPERTY_KEY, {
      killCriteria: { deadline: ago(3).slice(0, 10) },
    });
    await scan();
    expect(lensOf(deadline).flag?.rules.map((r) => r.rule)).toEqual(['killDeadline']);
    expect(lensOf(kept).zombie).toBe('true');

    const future = new Date(Date.now() + 30 * DAY).toISOString().slice(0, 10);
    // As the panel and a Keep decision write them: stamped, so the next (incremental) run reads them.
    const stamp = new Date().toISOString();
    wb.jira.store.setIssueProperty(deadline, ISSUE_PROPERTY_KEY, {
      ...lensOf(deadline),
      killCriteria: { deadline: future },
      updatedAt: stamp,
    });
    wb.jira.store.setIssueProperty(kept, ISSUE_PROPERTY_KEY, {
      ...lensOf(kept),
      snoozedUntil: future,
      updatedAt: stamp,
    });
    const summary = await scan();

    expect(summary.counters.cleared).toBe(2);
    expect(lensOf(deadline)).toMatchObject({ zombie: 'false', flag: null, killDate: future });
    expect(lensOf(kept)).toMatchObject({ zombie: 'false', flag: null, snoozedUntil: future });
  });

  it('respects exemptions by label, issue type, assignee and reporter', async () => {
    await settings({
      exemptions: {
        labels: ['keep-alive'],
        issueTypes: ['Bug'],
        assignees: [USERS.admin],
        reporters: [USERS.viewer],
      },
    });
    const keys = [
      idle({ labels: ['keep-alive'] }),
      idle({ type: 'Bug' }),
      idle({ assignee: USERS.admin }),
      idle({ reporter: USERS.viewer }),
    ].map((i) => wb.jira.store.createIssue(i).key);
    const judged = wb.jira.store.createIssue(idle()).key;

    const summary = await scan();

    expect(summary.counters.flagged).toBe(1);
    for (const key of keys) expect(lensOf(key).zombie).toBe('false');
    expect(lensOf(judged).zombie).toBe('true');
  });

  it('in a dry run computes and reports everything and makes no write call to Jira', async () => {
    await settings({ flagActions: { label: 'zombie', comment: true } });
    const stale = wb.jira.store.createIssue(idle()).key;
    const fresh = wb.jira.store.createIssue(anIssue()).key;
    const mark = wb.jira.calls.length;

    const summary = await scan({ dryRun: true });

    const calls = callsSince(mark);
    expect(writesIn(calls)).toBe(0);
    // A first scan asks how large the backlog is (to split a large one into partitions), then reads it.
    expect(Object.keys(calls).sort()).toEqual([
      'GET /rest/api/3/field',
      'POST /rest/api/3/search/approximate-count',
      'POST /rest/api/3/search/jql',
    ]);
    expect(summary).toMatchObject({ dryRun: true, status: 'finished' });
    expect(summary.counters).toMatchObject({ issues: 2, flagged: 1, changed: 2, edits: 2 });
    expect(summary.wouldChange).toEqual([
      { issueKey: stale, change: 'flag', secured: false },
      { issueKey: fresh, change: 'update', secured: false },
    ]);
    expect(wb.jira.store.getIssueProperty(stale, ISSUE_PROPERTY_KEY)).toBeUndefined();
  });

  it('records a poisoned issue in the run summary and judges the rest', async () => {
    const bad = wb.jira.store.createIssue(idle()).key;
    // Unknown keys are kept on read, so this lens can never be written back within Jira's size limit.
    wb.jira.store.setIssueProperty(bad, ISSUE_PROPERTY_KEY, { junk: 'x'.repeat(33_000) });
    const good = wb.jira.store.createIssue(idle()).key;

    const summary = await scan();

    expect(summary.status).toBe('finished');
    expect(summary.counters).toMatchObject({ issues: 1, errors: 1, flagged: 1 });
    expect(summary.errorSamples[0]).toMatchObject({ issueKey: bad });
    expect(lensOf(good).zombie).toBe('true');
  });

  it('writes only what changed, in batches of at most 100, and nothing on a rerun', async () => {
    wb.jira.store.bulkCreateIssues(Array.from({ length: 250 }, (_, i) => (i % 2 ? idle() : anIssue())));
    const mark = wb.jira.calls.length;
    const first = await scan();
    const calls = callsSince(mark);
    expect(first.counters).toMatchObject({ pages: 3, issues: 250, changed: 250, flagged: 125 });
    // Three pages of the open backlog, then one search of the delivered bets, one of delivered items.
    expect(calls['POST /rest/api/3/search/jql']).toBe(5);
    expect(calls['POST /rest/api/3/issue/properties/multi']).toBe(3);
    expect(calls['GET /rest/api/3/field']).toBe(1);

    // The second run knows the idle distribution the first measured: each flag gets its rank, once.
    const ranked = wb.jira.calls.length;
    expect((await scan()).counters.changed).toBe(125);
    expect(callsSince(ranked)['POST /rest/api/3/issue/properties/multi']).toBe(2);

    const again = wb.jira.calls.length;
    const third = await scan();
    expect(third.counters.changed).toBe(0);
    expect(writesIn(callsSince(again))).toBe(0);
  });

  it('labels 1,200 newly flagged issues with two bulk edits and removes labels in bulk, no call per issue', async () => {
    await settings({ flagActions: { label: 'zombie', comment: false } });
    const keys = wb.jira.store.bulkCreateIssues(Array.from({ length: 1200 }, () => idle()));
    const mark = wb.jira.calls.length;
    const first = await scan();
    const calls = callsSince(mark);
    expect(first.counters).toMatchObject({ issues: 1200, flagged: 1200, edits: 1200, errors: 0 });
    // Forge allows an installation 4,000 storage write units a minute: the edit intents go 25 a request, so
    // the run's writes stay under it even if they all fell in one minute (one per issue would pass it).
    expect(wb.kvs.usage().peakWriteUnitsPerMinute).toBeLessThan(3_000);
    expect(calls['POST /rest/api/3/bulk/issues/fields']).toBe(2);
    expect(calls['GET /rest/api/3/mypermissions']).toBe(1);
    expect(Object.keys(calls).filter((c) => c.startsWith('PUT /rest/api/3/issue/'))).toEqual([]);
    expect(keys.every((k) => issueOf(k).labels.includes('zombie'))).toBe(true);
    expect(keys.every((k) => lensOf(k).flag?.labelApplied)).toBe(true);
    expect(first.notes).toEqual([]);

    // Work resumes on 300 of them: their flags clear and one bulk edit takes the label off.
    const now = new Date().toISOString();
    for (const key of keys.slice(0, 300)) wb.jira.store.touch(issueOf(key).id, now);
    const back = wb.jira.calls.length;
    const second = await scan();
    expect(second.counters).toMatchObject({ cleared: 300, errors: 0 });
    expect(callsSince(back)['POST /rest/api/3/bulk/issues/fields']).toBe(1);
    expect(keys.slice(0, 300).some((k) => issueOf(k).labels.includes('zombie'))).toBe(false);
    expect(issueOf(keys[300]!).labels).toContain('zombie');
  });

  it('edits labels one issue at a time where the app may not make bulk changes, and says so', async () => {
    await settings({ flagActions: { label: 'zombie', comment: false } });
    wb.jira.store.setGlobal(wb.jira.appAccountId, 'BULK_CHANGE', false);
    const keys = wb.jira.store.bulkCreateIssues(Array.from({ length: 5 }, () => idle()));
    const mark = wb.jira.calls.length;
    const summary = await scan();
    const calls = callsSince(mark);
    expect(summary.counters).toMatchObject({ flagged: 5, edits: 5 });
    expect(calls['POST /rest/api/3/bulk/issues/fields']).toBeUndefined();
    expect(calls['PUT /rest/api/3/issue/{key}']).toBe(5);
    expect(keys.every((k) => issueOf(k).labels.includes('zombie'))).toBe(true);
    expect(summary.notes.join(' ')).toMatch(/one issue at a time: the app may not make bulk changes/);
  });

  it('goes on one issue at a time when Jira refuses the bulk edit it was allowed at the start', async () => {
    await settings({ flagActions: { label: 'zombie', comment: false } });
    const keys = wb.jira.store.bulkCreateIssues(Array.from({ length: 5 }, () => idle()));
    // Taken away between the permission check and the edit.
    const ask = wb.jira.handle.bind(wb.jira);
    wb.jira.handle = async (req) => {
      const res = await ask(req);
      if (req.path.includes('/mypermissions'))
        wb.jira.store.setGlobal(wb.jira.appAccountId, 'BULK_CHANGE', false);
      return res;
    };
    const summary = await scan();
    expect(summary.counters).toMatchObject({ flagged: 5, edits: 5, errors: 0 });
    expect(keys.every((k) => issueOf(k).labels.includes('zombie'))).toBe(true);
    expect(summary.notes.join(' ')).toMatch(
      /Jira refused the bulk edit \(You do not have the global permission/,
    );
  });

  it('stops on its budget, saves the cursor and resumes in a continuation, judging each issue once', async () => {
    // A clock that moves 1 s per reading against a 60 s budget: the run must stop mid-page and resume.
    let t = Date.now();
    useConsumer({ clock: () => (t += 1000), timeoutMs: 60_000, budgetShare: 0.7 });
    wb.jira.store.bulkCreateIssues(Array.from({ length: 250 }, () => idle()));
    const mark = wb.jira.calls.length;

    const summary = await scan();

    expect(summary.status).toBe('finished');
    expect(summary.counters.invocations).toBeGreaterThan(1);
    // The sprint field is asked once per run: continuations read it from the cursor.
    expect(callsSince(mark)['GET /rest/api/3/field']).toBe(1);
    expect(summary.counters).toMatchObject({ pages: 3, issues: 250, flagged: 250, changed: 250 });
    const stored = [...Array(250).keys()].map((i) => lensOf(`${PROJECT_KEY}-${i + 1}`).zombie);
    expect(new Set(stored)).toEqual(new Set(['true']));
  });

  it('keeps every flush of issue-by-issue edits short, so its last one ends well before Forge stops it', async () => {
    await settings({ flagActions: { label: 'zombie', comment: true } });
    wb.jira.store.setGlobal(wb.jira.appAccountId, 'BULK_CHANGE', false);
    const keys = wb.jira.store.bulkCreateIssues(Array.from({ length: 900 }, () => idle()));
    // Every Jira call takes a second of the scan's clock: 900 comments and 900 label edits are far more than one
    // invocation's 900 s.
    let t = Date.now();
    const handle = wb.jira.handle.bind(wb.jira);
    wb.jira.handle = async (req: JiraRequest) => {
      t += 1_000;
      return handle(req);
    };
    const consumer = createScanConsumer({ clock: () => t });
    let longestMs = 0;
    wb.queue.registerConsumer(SCAN_QUEUE, async (event) => {
      const start = t;
      try {
        return await consumer(event);
      } finally {
        longestMs = Math.max(longestMs, t - start);
      }
    });

    const summary = await scan();

    expect(summary).toMatchObject({ status: 'finished', counters: { flagged: 900, errors: 0 } });
    expect(summary.counters.invocations).toBeGreaterThan(2);
    // Forge's timeout is 900 s; the budget stops reading pages at 630 s and the last flush fits the margin.
    expect(longestMs).toBeLessThan(800_000);
    for (const key of keys) {
      expect(issueOf(key).labels).toContain('zombie');
      expect(wb.jira.store.listComments(issueOf(key).id)).toHaveLength(1);
    }
  });

  it.each([429, 500] as const)(
    'goes on when the push of its continuation is refused (%i): the retry of the step pushes it again',
    async (status) => {
      let t = Date.now();
      useConsumer({ clock: () => (t += 1000), timeoutMs: 60_000, budgetShare: 0.7 });
      wb.jira.store.bulkCreateIssues(Array.from({ length: 250 }, () => idle()));
      await wb.asSystem(() => startScans([PROJECT_KEY], 'schedule'));
      // The first continuation's push, and the first push of the step's retry, are refused.
      wb.queue.injectDelivery({ refusePushes: { count: 2, status } });
      await wb.queue.runDue({ until: 'idle', advanceClock: true });

      const summary = await latestSummary();
      expect(wb.queue.deliveries.filter((d) => !d.ok).length).toBeGreaterThanOrEqual(2);
      expect(summary.status).toBe('finished');
      expect(summary.counters).toMatchObject({ pages: 3, issues: 250, flagged: 250 });
      const stored = [...Array(250).keys()].map((i) => lensOf(`${PROJECT_KEY}-${i + 1}`).zombie);
      expect(new Set(stored)).toEqual(new Set(['true']));
    },
  );

  it('parks its continuation when its chain of invocations has spent its pushes, and the hourly resume goes on', async () => {
    let t = Date.now();
    useConsumer({ clock: () => (t += 1000), timeoutMs: 60_000, budgetShare: 0.7 });
    wb.jira.store.bulkCreateIssues(Array.from({ length: 250 }, () => idle()));
    await wb.asSystem(() => startScans([PROJECT_KEY], 'schedule'));
    // Forge answers every push of this chain with 405 (InvocationLimitReachedError): no retry can push it.
    wb.queue.injectDelivery({ refusePushes: { count: 10, status: 405 } });
    await wb.queue.runDue({ until: 'idle', advanceClock: true });
    expect((await latestSummary()).status).toBe('running');
    expect(wb.queue.deliveries.every((d) => d.ok)).toBe(true);
    expect(wb.queue.pending()).toBe(0);
    wb.queue.clearDeliveryFaults();

    // The resume trigger, an invocation with a chain of its own, pushes what was parked, once.
    expect(await wb.asSystem(() => resumeParkedScans())).toBe(1);
    expect(await wb.asSystem(() => resumeParkedScans())).toBe(0);
    await wb.queue.runDue({ until: 'idle', advanceClock: true });
    const summary = await latestSummary();
    expect(summary.status).toBe('finished');
    expect(summary.counters).toMatchObject({ pages: 3, issues: 250, flagged: 250 });
  });

  it('goes on when the push that waits out a Jira 429 is refused', async () => {
    wb.jira.store.createIssue(idle());
    wb.jira.faults.inject({
      kind: 'rate-limit',
      retryAfterSeconds: 120,
      times: 1,
      match: { pathIncludes: '/search/jql' },
    });
    await wb.asSystem(() => startScans([PROJECT_KEY], 'schedule'));
    wb.queue.injectDelivery({ refusePushes: { count: 1, status: 503 } });
    await wb.queue.runDue({ until: 'idle', advanceClock: true });
    const summary = await latestSummary();
    expect(summary.status).toBe('finished');
    expect(summary.counters).toMatchObject({ rateLimited: 1, flagged: 1 });
  });

  it('repeats a page after a crash mid-write without commenting twice', async () => {
    await settings({ flagActions: { label: null, comment: true } });
    wb.jira.store.bulkCreateIssues(Array.from({ length: 120 }, () => idle()));
    // More 500s than the scan's bounded retries: the invocation fails and the queue redelivers it.
    wb.jira.faults.inject({
      kind: 'server-error',
      status: 503,
      times: 3,
      match: { pathIncludes: '/issue/properties/multi' },
    });

    const summary = await scan();

    expect(wb.queue.deliveries.some((d) => !d.ok)).toBe(true);
    expect(summary.status).toBe('finished');
    for (let i = 1; i <= 120; i++) {
      const issue = issueOf(`${PROJECT_KEY}-${i}`);
      expect(wb.jira.store.listComments(issue.id)).toHaveLength(1);
      expect(lensOf(issue.key).flag?.commented).toBe(true);
    }
  });

  it('on 429 delays its continuation by Retry-After instead of waiting', async () => {
    wb.jira.store.createIssue(idle());
    wb.jira.faults.inject({
      kind: 'rate-limit',
      retryAfterSeconds: 120,
      times: 1,
      match: { pathIncludes: '/search/jql' },
    });
    const started = Date.now();
    await wb.asSystem(() => startScans([PROJECT_KEY], 'schedule'));

    await wb.queue.runDue();
    const waiting = pendingDelaysMs();
    expect(waiting).toHaveLength(1);
    expect(waiting[0]).toBeGreaterThanOrEqual(119_000);

    await wb.queue.runDue({ until: 'idle', advanceClock: true });
    const summary = await latestSummary();
    expect(summary.status).toBe('finished');
    expect(summary.counters).toMatchObject({ rateLimited: 1, flagged: 1, invocations: 2 });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  // A dry run's counts rise as its pages are judged. A 429 on the second page rolled the run back to its start,
  // yet the counts of the first page were kept, and the first page was judged again: 350 "would flag" of 250.
  it('counts each issue once in a dry run a 429 rolled back to its last checkpoint', async () => {
    for (let i = 0; i < 250; i++) wb.jira.store.createIssue(idle({ summary: `Idle story ${i}` }));
    wb.jira.faults.inject({
      kind: 'rate-limit',
      retryAfterSeconds: 1,
      times: 1,
      match: { pathIncludes: '/search/jql', bodyIncludes: 'nextPageToken' },
    });
    const summary = await scan({ dryRun: true });
    expect(summary.status).toBe('finished');
    expect(summary.counters).toMatchObject({ rateLimited: 1, issues: 250, flagged: 250, changed: 250 });
  });

  it('waits out a 503 that carries Retry-After (a resource limit) as it waits out a 429', async () => {
    wb.jira.store.createIssue(idle());
    wb.jira.faults.inject({
      kind: 'server-error',
      status: 503,
      retryAfterSeconds: 120,
      times: 1,
      match: { pathIncludes: '/search/jql' },
    });
    await wb.asSystem(() => startScans([PROJECT_KEY], 'schedule'));
    await wb.queue.runDue();
    const waiting = pendingDelaysMs();
    expect(waiting).toHaveLength(1);
    expect(waiting[0]).toBeGreaterThanOrEqual(119_000);
    expect(wb.queue.deliveries.every((d) => d.ok)).toBe(true);

    await wb.queue.runDue({ until: 'idle', advanceClock: true });
    expect((await latestSummary()).counters).toMatchObject({ rateLimited: 1, flagged: 1 });
  });

  /** What the issue panel's save does to the property: the PO's writing, and `version` one up. */
  function poSaves(key: string): void {
    const lens = lensOf(key);
    wb.jira.store.setIssueProperty(key, ISSUE_PROPERTY_KEY, {
      ...lens,
      version: lens.version + 1,
      // As the panel's save stamps it (indexed as lensUpdatedAt: the next incremental run reads the issue).
      updatedAt: new Date().toISOString(),
      hypothesis: {
        persona: 'shoppers',
        intent: 'see shipping costs early',
        benefit: 'they finish checkout',
      },
    });
  }

  it('neither edits nor overwrites an issue the PO saved between the scan reading it and writing it', async () => {
    await settings({ flagActions: { label: 'zombie', comment: true } });
    const saved = wb.jira.store.createIssue(idle()).key;
    const other = wb.jira.store.createIssue(idle()).key;
    // The save lands once the page is read and before anything is written: at the scan's next clock reading.
    const mark = wb.jira.calls.length;
    let done = false;
    useConsumer({
      clock: () => {
        if (!done && wb.jira.calls.slice(mark).some((c) => c.path.includes('/search/jql'))) {
          done = true;
          poSaves(saved);
        }
        return Date.now();
      },
    });

    await scan();

    expect(lensOf(saved)).toMatchObject({ version: 1, hypothesis: { persona: 'shoppers' }, flag: null });
    expect(issueOf(saved).labels).not.toContain('zombie');
    expect(wb.jira.store.listComments(issueOf(saved).id)).toHaveLength(0);
    expect(lensOf(other).flag).toMatchObject({ labelApplied: true, commented: true });

    useConsumer();
    await scan();
    expect(lensOf(saved)).toMatchObject({ version: 1, hypothesis: { persona: 'shoppers' }, zombie: 'true' });
    expect(wb.jira.store.listComments(issueOf(saved).id)).toHaveLength(1);
  });

  it('after a rate-limited write keeps what the PO saved meanwhile and what its own edits did', async () => {
    await settings({ flagActions: { label: null, comment: true } });
    const key = wb.jira.store.createIssue(idle()).key;
    wb.jira.faults.inject({
      kind: 'rate-limit',
      retryAfterSeconds: 60,
      times: 1,
      match: { pathIncludes: '/issue/properties/multi' },
    });
    await wb.asSystem(() => startScans([PROJECT_KEY], 'schedule'));
    await wb.queue.runDue();
    expect(wb.jira.store.listComments(issueOf(key).id)).toHaveLength(1);

    poSaves(key);
    await wb.queue.runDue({ until: 'idle', advanceClock: true });

    expect(await latestSummary()).toMatchObject({ status: 'finished', counters: { rateLimited: 1 } });
    expect(lensOf(key)).toMatchObject({
      version: 1,
      hypothesis: { persona: 'shoppers' },
      zombie: 'true',
      flag: { commented: true },
    });
    expect(wb.jira.store.listComments(issueOf(key).id)).toHaveLength(1);
  });

  it('keeps a rate-limited batch of large lenses within the cursor limit and comments each issue once', async () => {
    await settings({ flagActions: { label: null, comment: true } });
    const keys = wb.jira.store.bulkCreateIssues(Array.from({ length: 100 }, () => idle()));
    // 100 lenses of 3 KB each: more than app storage takes in one value, had the cursor kept them whole.
    for (const key of keys)
      wb.jira.store.setIssueProperty(key, ISSUE_PROPERTY_KEY, { notes: 'n'.repeat(3_000) });
    wb.jira.faults.inject({
      kind: 'rate-limit',
      retryAfterSeconds: 30,
      times: 1,
      match: { pathIncludes: '/issue/properties/multi' },
    });

    const summary = await scan();

    expect(summary).toMatchObject({ status: 'finished', counters: { rateLimited: 1 } });
    for (const key of keys) {
      expect(wb.jira.store.listComments(issueOf(key).id)).toHaveLength(1);
      expect(lensOf(key)).toMatchObject({ notes: 'n'.repeat(3_000), flag: { commented: true } });
    }
  });

  it('keeps a thousand labelled issues a 429 left unwritten for the next step, past what one cursor can hold', async () => {
    await settings({ flagActions: { label: 'zombie', comment: false } });
    const summary =
      'Add a blue Save for later button at the top right of the cart page, next to the checkout button';
    const keys = wb.jira.store.bulkCreateIssues(
      Array.from({ length: 1_000 }, () =>
        idle({ summary, description: 'Make the button blue. Put it top right.' }),
      ),
    );
    wb.jira.faults.inject({
      kind: 'rate-limit',
      retryAfterSeconds: 30,
      times: 1,
      match: { pathIncludes: '/issue/properties/multi' },
    });
    await wb.asSystem(() => startScans([PROJECT_KEY], 'schedule'));
    await wb.queue.runDue();
    // The bulk edit of 1,000 labels was made; the 429 refused the lenses' write. Some 700 bytes an entry: the
    // cursor carries what fits its share of a storage value, the rest is kept issue by issue.
    expect(keys.every((k) => issueOf(k).labels.includes('zombie'))).toBe(true);
    const stored = () =>
      wb.db
        .prepare<[], { key: string; n: number }>(
          "SELECT key, length(value) AS n FROM kvs_items WHERE key LIKE 'scan%'",
        )
        .all();
    const cursor = stored().find((r) => r.key.endsWith(':cursor'));
    expect(cursor!.n).toBeLessThan(240 * 1024);
    expect(stored().filter((r) => r.key.startsWith('scan-leftover:')).length).toBeGreaterThan(500);

    await wb.queue.runDue({ until: 'idle', advanceClock: true });
    expect(await latestSummary()).toMatchObject({
      status: 'finished',
      counters: { rateLimited: 1, flagged: 1_000, errors: 0 },
    });
    for (const key of keys) expect(lensOf(key).flag?.labelApplied).toBe(true);
    // Written: nothing is kept for the next run.
    expect(stored().filter((r) => r.key.startsWith('scan-leftover:'))).toEqual([]);
  });

  it('holds each issue until Jira’s background task has written its lens, so a save let in after is not undone', async () => {
    const keys = wb.jira.store.bulkCreateIssues(Array.from({ length: 5 }, () => idle()));
    // Jira writes a bulk property set in a background task: here, once three more requests reach the site.
    wb.jira.backgroundTaskDelayRequests = 3;
    const released = recordClaimReleases();

    const summary = await scan();

    expect(summary).toMatchObject({ status: 'finished', counters: { flagged: 5, errors: 0 } });
    expect(released.map((r) => r.key).sort()).toEqual([...keys].sort());
    expect(released.filter((r) => !r.written)).toEqual([]);
  });

  it('sends the lenses once and keeps the claims when polling Jira’s task fails', async () => {
    const keys = wb.jira.store.bulkCreateIssues(Array.from({ length: 5 }, () => idle()));
    wb.jira.backgroundTaskDelayRequests = 3;
    wb.jira.faults.inject({
      kind: 'server-error',
      status: 503,
      match: { method: 'GET', pathIncludes: '/rest/api/3/task/' },
    });
    const released = recordClaimReleases();
    const mark = wb.jira.calls.length;

    const summary = await scan();

    expect(summary.status).toBe('finished');
    expect(callsSince(mark)['POST /rest/api/3/issue/properties/multi']).toBe(1);
    expect(released.filter((r) => !r.written)).toEqual([]);
    // The task ran in Jira's background all the same.
    wb.jira.faults.clear();
    await wb.asSystem(() => JiraClient.asApp().myPermissions({}, ['BROWSE_PROJECTS']));
    expect(keys.map((k) => lensOf(k).zombie)).toEqual(keys.map(() => 'true'));
  });

  it('lets one of two overlapping runs of a project go and the other yield', async () => {
    // A budget so short the first run needs continuations: the second event arrives while it holds the lease.
    let t = Date.now();
    useConsumer({ clock: () => (t += 1000), timeoutMs: 60_000, budgetShare: 0.7 });
    wb.jira.store.bulkCreateIssues(Array.from({ length: 250 }, () => idle()));
    const mark = wb.jira.calls.length;
    await wb.asSystem(() => startScans([PROJECT_KEY], 'schedule'));
    await wb.asSystem(() => startScans([PROJECT_KEY], 'schedule'));

    await wb.queue.runDue({ until: 'idle', advanceClock: true });

    const runs = (await wb.asSystem(() => listRunSummaries(PROJECT_KEY, 10))) as unknown as ScanRunSummary[];
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'finished', counters: { issues: 250, flagged: 250 } });
    expect(wb.queue.deliveries.length).toBeGreaterThan(2);
    // Each page read once (a page dropped mid-way on the budget is read again).
    expect(callsSince(mark)['POST /rest/api/3/search/jql']).toBeLessThanOrEqual(
      3 + runs[0]!.counters.invocations,
    );
  });

  it('writes the indexed recipe flag, so JQL recipe = "true" finds the recipes it judged', async () => {
    const recipe = wb.jira.store.createIssue(
      anIssue({ summary: 'Add a blue Save for Later button top right' }),
    ).key;
    const problem = wb.jira.store.createIssue(anIssue()).key;
    await scan();
    expect(lensOf(recipe).recipe).toBe('true');
    expect(lensOf(problem).recipe).toBe('false');
    // The test's own search of what the scan just wrote: it asks once Jira's index has taken the writes in.
    wb.jira.index.catchUp();
    const res = await wb.jira.handle({
      method: 'POST',
      path: '/rest/api/3/search/jql',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jql: `project = ${PROJECT_KEY} AND recipe = "true"`, fields: ['summary'] }),
      actor: { type: 'user', accountId: USERS.admin },
    });
    expect(res.status).toBe(200);
    expect((JSON.parse(res.body) as { issues: Array<{ key: string }> }).issues.map((i) => i.key)).toEqual([
      recipe,
    ]);
  });

  it('stores a backlog-health snapshot at the end of a run', async () => {
    wb.jira.store.createIssue(idle());
    wb.jira.store.createIssue(anIssue());
    await scan();
    const health = await wb.asSystem(() => loadHealthSnapshot<Record<string, unknown>>(PROJECT_KEY));
    expect(health).toMatchObject({ total: 2, zombies: 1 });
  });

  it('fans out only to projects where the app is in use: settings saved, or an issue with its property', async () => {
    wb.jira.store.createProject({ key: 'LENS', name: 'Has lenses' });
    // What the app stores on an issue, found by a JQL the emulator accepts only on paths manifest.yml indexes.
    wb.jira.store.setIssueProperty(
      wb.jira.store.createIssue(anIssue({ projectKey: 'LENS' })).key,
      ISSUE_PROPERTY_KEY,
      emptyLens(),
    );
    wb.jira.store.createIssue(anIssue({ projectKey: OTHER_PROJECT_KEY }));
    await settings({ dryRun: false });

    const projects = await wb.asSystem(() => configuredProjects());

    expect(projects.sort()).toEqual(['LENS', PROJECT_KEY]);
  });

  it('leaves out only the project Jira will not answer for, and finds projects past the first thousand', async () => {
    for (let i = 0; i < 1_020; i++) wb.jira.store.createProject({ key: `P${i}`, name: `Project ${i}` });
    for (const key of ['LENS', 'DOWN', 'P1019']) {
      if (!wb.jira.store.getProject(key)) wb.jira.store.createProject({ key, name: key });
      wb.jira.store.setIssueProperty(
        wb.jira.store.createIssue(anIssue({ projectKey: key })).key,
        ISSUE_PROPERTY_KEY,
        emptyLens(),
      );
    }
    wb.jira.faults.inject({
      kind: 'server-error',
      status: 503,
      match: { pathIncludes: '/rest/api/3/search/jql', bodyIncludes: 'DOWN' },
    });
    const projects = await wb.asSystem(() => configuredProjects());
    expect(projects.sort()).toEqual(['LENS', 'P1019']);
  }, 60_000);

  it('probes a large site side by side, and where time runs out the next firing goes on from there', async () => {
    for (let i = 0; i < 1_200; i++) wb.jira.store.createProject({ key: `P${i}`, name: `Project ${i}` });
    for (const key of ['P5', 'P600', 'P1150'])
      wb.jira.store.setIssueProperty(
        wb.jira.store.createIssue(anIssue({ projectKey: key })).key,
        ISSUE_PROPERTY_KEY,
        emptyLens(),
      );
    // Settings saved far down the list: found by one storage listing, with no search of its own.
    await wb.asSystem(() => saveSettings('P1199', { dryRun: false }, 0));
    // Each Jira call takes a second of the trigger's clock; it probes for 300 s a firing.
    let t = Date.UTC(2026, 11, 2, 3);
    let inFlight = 0;
    let most = 0;
    const probed: string[] = [];
    const handle = wb.jira.handle.bind(wb.jira);
    wb.jira.handle = async (req: JiraRequest) => {
      t += 1_000;
      inFlight++;
      most = Math.max(most, inFlight);
      if (req.path.startsWith('/rest/api/3/search/jql'))
        probed.push(
          /^project = "([A-Z0-9_]+)"/.exec((JSON.parse(req.body ?? '{}') as { jql: string }).jql)![1]!,
        );
      try {
        return await handle(req);
      } finally {
        inFlight--;
      }
    };
    const fire = () => wb.asSystem(() => configuredProjects(undefined, { now: () => t, budgetMs: 300_000 }));

    const first = await fire();
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(PROBE_CONCURRENCY);
    expect(probed).not.toContain('P1199');
    expect(probed.length).toBeGreaterThan(200);
    expect(probed.length).toBeLessThan(1_000);
    // What it found: the lensed projects it reached, and the one with settings; at least one lensed was not reached.
    const lensed = ['P5', 'P600', 'P1150'];
    expect(first.sort()).toEqual([...lensed.filter((k) => probed.includes(k)), 'P1199'].sort());
    expect(lensed.filter((k) => !probed.includes(k)).length).toBeGreaterThan(0);

    // The next firing starts where the first stopped; within a few, every project is probed.
    const seen = new Set(first);
    for (let day = 0; day < 4; day++) {
      const before = probed.length;
      for (const key of await fire()) seen.add(key);
      // The project after the last one probed (Jira lists them in its own order; the trigger keeps it).
      if (day === 0) expect(probed.slice(0, before)).not.toContain(probed[before]);
    }
    expect([...seen].sort()).toEqual(['P1150', 'P1199', 'P5', 'P600']);
    // Every project but the one with settings (the harness's two and the 1,199 others).
    expect(new Set(probed).size).toBe(1_201);
  }, 60_000);

  it('stops probing at a rate limit instead of waiting it out, and the next firing starts at that project', async () => {
    for (let i = 0; i < 10; i++) wb.jira.store.createProject({ key: `R${i}`, name: `Project ${i}` });
    wb.jira.store.setIssueProperty(
      wb.jira.store.createIssue(anIssue({ projectKey: 'R8' })).key,
      ISSUE_PROPERTY_KEY,
      emptyLens(),
    );
    wb.jira.faults.inject({
      kind: 'rate-limit',
      retryAfterSeconds: 60,
      times: 1,
      match: { pathIncludes: '/rest/api/3/search/jql', bodyIncludes: 'R5' },
    });
    const started = Date.now();
    const first = await wb.asSystem(() => configuredProjects());
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await wb.asSystem(() => kvs.get('scan-probe:next'))).toEqual({ key: 'R5' });
    const second = await wb.asSystem(() => configuredProjects());
    expect([...new Set([...first, ...second])]).toContain('R8');
    expect(second).toContain('R8');
  }, 30_000);

  it('starts hundreds of projects within Forge’s 500 events a minute, the rest in the next minute', async () => {
    const keys = Array.from({ length: 620 }, (_, i) => `Q${i}`);
    const waits: number[] = [];
    const started = await wb.asSystem(() =>
      startScans(keys, 'schedule', {}, (ms) => {
        waits.push(ms);
        wb.queue.advance(ms);
        return Promise.resolve();
      }),
    );
    expect(started).toHaveLength(620);
    expect(waits).toEqual([60_000]);
    expect(wb.queue.pending()).toBe(620);
  });

  it('lets a project admin start a scan now, and refuses anyone else', async () => {
    wb.jira.store.createIssue(idle());
    await expect(
      wb.asUser(USERS.member, () => scanNow({ projectKey: PROJECT_KEY }, { accountId: USERS.member })),
    ).rejects.toBeInstanceOf(NotAuthorizedError);
    expect(wb.queue.pending()).toBe(0);

    const answer = await wb.asUser(USERS.admin, () =>
      scanNow({ projectKey: PROJECT_KEY, dryRun: true }, { accountId: USERS.admin }),
    );
    await wb.queue.runDue({ until: 'idle', advanceClock: true });

    expect(answer.alreadyRunning).toBe(false);
    expect(await latestSummary()).toMatchObject({
      runId: answer.runId,
      origin: 'manual',
      requestedBy: USERS.admin,
      dryRun: true,
      status: 'finished',
    });
  });

  it('says at once when Forge takes no more events this minute, instead of waiting past a person’s 25 s', async () => {
    wb.jira.store.createIssue(idle());
    wb.queue.injectDelivery({ refusePushes: { count: 3, status: 429 } });
    const started = Date.now();
    const refused = await wb
      .asUser(USERS.admin, () => scanNow({ projectKey: PROJECT_KEY }, { accountId: USERS.admin }))
      .catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(refused).toMatchObject({
      name: 'ConflictError',
      retryAfterSeconds: 60,
      message: expect.stringMatching(/again in a minute/),
    });
  });
});

describe('the zombie scan on a site whose sprint field has its own id', () => {
  /** Four closed sprints: one past the default limit of three carry-overs. */
  const carriedFourTimes = () =>
    anIssue({
      sprints: [1, 2, 3, 4].map((n) => ({
        id: n,
        name: `Sprint ${n}`,
        state: 'closed' as const,
        startDate: ago(70 - n * 14),
        endDate: ago(56 - n * 14),
      })),
    });

  it('reads carry-overs from the field Jira lists as the sprint field, asking once per run', async () => {
    wb.jira.customFields = { ...DEFAULT_CUSTOM_FIELDS, sprint: 'customfield_10104' };
    const carried = wb.jira.store.createIssue(carriedFourTimes()).key;
    const mark = wb.jira.calls.length;

    const summary = await scan();

    expect(summary.status).toBe('finished');
    expect(lensOf(carried).flag?.rules.map((r) => r.rule)).toEqual(['carriedOver']);
    expect(summary.notes).toEqual([]);
    expect(callsSince(mark)['GET /rest/api/3/field']).toBe(1);
  });

  it('falls back to customfield_10020 when Jira lists no sprint field, and says so in the summary', async () => {
    wb.jira.customFields = { ...DEFAULT_CUSTOM_FIELDS, hidden: ['sprint'] };
    const carried = wb.jira.store.createIssue(carriedFourTimes()).key;

    const summary = await scan();

    expect(summary.status).toBe('finished');
    expect(lensOf(carried).flag?.rules.map((r) => r.rule)).toEqual(['carriedOver']);
    expect(summary.notes).toEqual([expect.stringMatching(/no Sprint field.*customfield_10020/)]);
  });
});

describe('the zombie scan and a reopened item', () => {
  /** Closed two-week sprints, the first completed 70 days ago, the next each two weeks later. */
  const closedSprints = (count: number) =>
    Array.from({ length: count }, (_, i) => ({
      id: i + 1,
      name: `Sprint ${i + 1}`,
      state: 'closed' as const,
      startDate: ago(84 - i * 14),
      endDate: ago(70 - i * 14),
      completeDate: ago(70 - i * 14),
    }));
  /** A status change as Jira's changelog writes it: ids and names. */
  const status = (from: string, to: string) => ({
    field: 'status',
    fieldtype: 'jira',
    fieldId: 'status',
    from: statusId(from),
    fromString: from,
    to: statusId(to),
    toString: to,
  });
  const moved = (key: string, daysAgo: number, from: string, to: string) =>
    wb.jira.store.addChangelog(key, {
      author: USERS.member,
      created: ago(daysAgo),
      items: [status(from, to)],
    });
  /** Done inside Sprint 1 (75 days ago), reopened after it closed (65 days ago). */
  const doneInSprintOneThenReopened = (sprints: number) => {
    const key = wb.jira.store.createIssue(
      anIssue({ status: 'In Progress', created: ago(85), sprints: closedSprints(sprints) }),
    ).key;
    moved(key, 80, 'To Do', 'In Progress');
    moved(key, 75, 'In Progress', 'Done');
    moved(key, 65, 'Done', 'In Progress');
    return key;
  };
  const carriedOver = (key: string) => lensOf(key).flag?.rules.find((r) => r.rule === 'carriedOver');

  it('does not count the sprint it was done in: three sprints after the reopen are the limit, a fourth flags it', async () => {
    const atLimit = doneInSprintOneThenReopened(4);
    const past = doneInSprintOneThenReopened(5);
    const mark = wb.jira.calls.length;

    expect(await scan()).toMatchObject({ status: 'finished' });

    expect(carriedOver(atLimit)).toBeUndefined();
    expect(carriedOver(past)?.detail).toBe('Carried over 4 sprints (limit 3, from the project default).');
    // What it cost: one changelog read of the two items' status changes, and the category of each status in
    // their history asked once, but In Progress's: the page's own statuses are known from the search.
    const calls = callsSince(mark);
    expect(calls['POST /rest/api/3/changelog/bulkfetch']).toBe(1);
    expect(Object.entries(calls).filter(([c]) => c.startsWith('GET /rest/api/3/status/'))).toEqual([
      [`GET /rest/api/3/status/${statusId('To Do')}`, 1],
      [`GET /rest/api/3/status/${statusId('Done')}`, 1],
    ]);
  });

  it('reads no history for an item carried over since its status category last changed', async () => {
    const key = wb.jira.store.createIssue(
      anIssue({ status: 'In Progress', created: ago(85), sprints: closedSprints(4) }),
    ).key;
    moved(key, 80, 'To Do', 'In Progress');
    const mark = wb.jira.calls.length;

    await scan();

    expect(carriedOver(key)?.detail).toBe('Carried over 4 sprints (limit 3, from the project default).');
    expect(callsSince(mark)['POST /rest/api/3/changelog/bulkfetch']).toBeUndefined();
  });
});

describe('the zombie scan within its share of the points quota', () => {
  /** A site whose quota, queue and scan share one clock: the queue's, which jumps to the next due event. */
  function pacedWorkbench(quotaPoints: number): void {
    wb.dispose();
    const clock = () => wb.queue.now();
    wb = createWorkbench({ latency: 'off', rateLimits: { quotaPoints, clock } });
    useConsumer({ clock });
  }
  const remaining = () => Number(wb.jira.rateLimits.headers('app')['x-ratelimit-remaining']);
  const refusals = (from: number) => wb.jira.calls.slice(from).filter((c) => c.status === 429).length;

  it('counts the points each run spends as Jira charges them, and the calls', async () => {
    pacedWorkbench(65_000);
    await settings({ flagActions: { label: 'zombie', comment: true } });
    wb.jira.store.bulkCreateIssues(Array.from({ length: 150 }, (_, i) => (i % 3 ? anIssue() : idle())));
    const before = remaining();
    const mark = wb.jira.calls.length;
    const summary = await scan();
    expect(summary.counters.points).toBe(before - remaining());
    expect(summary.counters.points).toBeGreaterThan(150);
    expect(summary.counters.jiraCalls).toBe(wb.jira.calls.length - mark);
  });

  it('waits for the next hour on a nearly spent quota instead of drawing 429s, then finishes', async () => {
    pacedWorkbench(2_000);
    await settings({ flagActions: { label: 'zombie', comment: false } });
    const keys = wb.jira.store.bulkCreateIssues(Array.from({ length: 300 }, () => idle()));
    // People spent 1,300 of the hour's 2,000 points: the scan's half leaves it 300, about one page.
    wb.jira.rateLimits.charge({ bucket: 'app', endpoint: 'GET /myself', write: false }, 1_299);
    expect(remaining()).toBe(700);
    const mark = wb.jira.calls.length;
    const startedAt = wb.queue.now();

    const summary = await scan();

    expect(refusals(mark)).toBe(0);
    expect(summary.status).toBe('finished');
    expect(summary.counters).toMatchObject({ issues: 300, flagged: 300, rateLimited: 0 });
    expect(summary.counters.paced).toBeGreaterThanOrEqual(1);
    // It waited for the window to turn (re-enqueued by at most 900 s at a time), not a moment longer than that.
    const waited = wb.queue.now() - startedAt;
    expect(waited).toBeGreaterThan(0);
    expect(waited).toBeLessThanOrEqual(3_600_000 + 900_000);
    expect(keys.every((k) => lensOf(k).zombie === 'true')).toBe(true);
  });

  it('keeps to the share the project sets: half of 2,000 points runs through, a fifth waits', async () => {
    pacedWorkbench(2_000);
    wb.jira.store.bulkCreateIssues(Array.from({ length: 300 }, () => idle()));
    const half = await scan();
    expect(half.counters).toMatchObject({ paced: 0, issues: 300 });
    expect(half.counters.points).toBeLessThanOrEqual(1_000);

    wb.jira.rateLimits.reset();
    await settings({ scan: { quotaShare: 0.2 } });
    const mark = wb.jira.calls.length;
    const fifth = await scan();
    expect(fifth.counters.paced).toBeGreaterThanOrEqual(1);
    expect(fifth).toMatchObject({ status: 'finished', counters: { issues: 300 } });
    expect(refusals(mark)).toBe(0);
  });
});
