/**
 * A Kill stopped after it closed the issue and wrote its lens marker, but before its decision-log row, on an issue
 * a colleague then reopens in Jira before the next scan. The sweep (completeInterruptedDecisions) found its marker
 * (so the kill had begun), tried to finish it as the app, which never closes an issue itself, and was refused: the
 * intent stayed and every run tried again, while the lens said "killed" and the log held no row.
 *
 * What Jira shows is a close by the person followed by the reopen. The reopen stands (nothing closes the issue
 * again, nor comments on it after it); the kill is logged under the person's name, saying the issue was reopened
 * and to which status; the intent goes, so no run tries again.
 *
 * A Kill stopped between the close and the marker leaves no mark of its own on the issue: once the issue is reopened,
 * only Jira's status history shows that close. The sweep and the person's retry read it (the same window around the
 * try's close as the sweep's, by the person or the app acting for them) and log the kill the same way; a history Jira
 * does not answer leaves the intent for the next run, and a close outside that window, or by a colleague, is theirs.
 */
import type { WorkbenchApp } from '../../workbench/app';
import { runInInvocation } from '../../workbench/forge/context';
import type {
  DecideData,
  DecisionEntry,
  DecisionLogData,
  ScanRunsData,
} from '../../src/contract/project-page';
import { ISSUE_PROPERTY_KEY, readLens } from '../../src/domain/issue-lens';
import { completeInterruptedDecisions } from '../../src/services/kill-review';
import { listAll } from '../../src/storage/kv';
import { kvs } from '../../src/storage/kvs-client';
import { keys } from '../../src/storage/keys';
import {
  PAGE_MODULE,
  PAGE_PROJECT as P,
  aProjectPageApp,
  callPage,
  dataOf,
  scanThroughPage,
} from '../support/project-page-app';
import { seedFlaggedIssue } from '../support/flagged-issue';

let app: WorkbenchApp;
beforeEach(() => {
  app = aProjectPageApp();
});
afterEach(() => app.close());

const asApp = <T>(work: () => Promise<T>) =>
  runInInvocation({ accountId: null, moduleKey: PAGE_MODULE, installContext: app.installContext }, work);
const call = <T>(fn: string, payload: unknown, user = 'member') => callPage<T>(app, fn, payload, user);
const sweep = () => asApp(() => completeInterruptedDecisions(P, { now: () => new Date() }));
const intents = () => asApp(() => listAll(keys.decisionIntentPrefix(P)));
const logged = async (key: string): Promise<DecisionEntry[]> =>
  dataOf(await call<DecisionLogData>('decisionLog', {}, 'admin')).entries.filter((e) => e.issueKey === key);
const issueOf = (key: string) => app.jira.store.getIssue(key)!;
const commentsOn = (key: string) => app.jira.store.listComments(issueOf(key).id).length;
const lensOf = (key: string) => readLens(app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY));

function killOf(key: string, idempotencyKey: string) {
  return { issueKey: key, idempotencyKey, decision: { kind: 'kill', reason: 'Nobody needs it' } };
}

/** A colleague (or `user`) moves the issue through a transition in Jira, by hand (their own REST call, not the app's). */
async function moveTo(key: string, transitionId: string, user = 'admin'): Promise<void> {
  const res = await app.jira.handle({
    method: 'POST',
    path: `/rest/api/3/issue/${key}/transitions`,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ transition: { id: transitionId } }),
    actor: { type: 'user', accountId: app.accountIdOf(user) },
    client: 'rest',
  });
  expect(res.status).toBe(204);
}

/** A colleague moves the issue back to To Do. */
async function reopen(key: string): Promise<void> {
  await moveTo(key, '11');
  expect(issueOf(key).statusCategory).toBe('new');
}

/** Jira answers the next matching call with a server error, once: the call is not made. */
function failOnce(method: string, pathIncludes: string, status: 500 | 503): void {
  app.jira.faults.inject({ kind: 'server-error', status, times: 1, match: { method, pathIncludes } });
}

/** The member's Kill, stopped after the close and the lens marker: its comment is refused (500, none made). */
async function killStoppedBeforeComment(key: string, idempotencyKey: string): Promise<void> {
  failOnce('POST', `/issue/${key}/comment`, 500);
  expect((await call<DecideData>('decide', killOf(key, idempotencyKey))).ok).toBe(false);
  expect(issueOf(key).statusCategory).toBe('done');
  expect(lensOf(key)).toMatchObject({ zombie: 'false', lastDecision: { idempotencyKey, kind: 'kill' } });
  expect(commentsOn(key)).toBe(0);
  expect(await logged(key)).toEqual([]);
}

/** The kill's row as the reopen leaves it: the person's, saying where the issue went. */
function expectKillThenReopen(rows: DecisionEntry[]): void {
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({
    kind: 'kill',
    by: app.accountIdOf('member'),
    reason: 'Nobody needs it',
    details: { reopenedTo: 'To Do' },
  });
}

it('logs a kill stopped before its comment, on an issue reopened since, once; the reopen stands and no run retries it', async () => {
  const key = seedFlaggedIssue(app.jira.store, P, 'Idle', { version: 1 });
  await killStoppedBeforeComment(key, 'kill-reopened-1');
  await reopen(key);

  expect(await sweep()).toEqual({ completed: 1, dropped: 0, left: 0 });
  expect(await intents()).toEqual([]);
  expectKillThenReopen(await logged(key));
  // The reopen stands: not closed again, and no kill comment under it.
  expect(issueOf(key).statusCategory).toBe('new');
  expect(commentsOn(key)).toBe(0);

  // The next runs have nothing left to try.
  expect(await sweep()).toEqual({ completed: 0, dropped: 0, left: 0 });
  expectKillThenReopen(await logged(key));
});

it('is completed by the next scan run, which says so; the run after it finds nothing to complete', async () => {
  const key = seedFlaggedIssue(app.jira.store, P, 'Idle', { version: 1 });
  await killStoppedBeforeComment(key, 'kill-reopened-scan');
  await reopen(key);

  await scanThroughPage(app);
  await scanThroughPage(app);
  expect(await intents()).toEqual([]);
  expectKillThenReopen(await logged(key));
  expect(issueOf(key).statusCategory).toBe('new');
  // The item is judged by the scan's rules again, from the reopen on: it is back in review once they hold.
  expect(lensOf(key)).toMatchObject({ zombie: 'false', nextCheckAt: expect.any(String) });
  const [second, first] = dataOf(await call<ScanRunsData>('scanRuns', {}, 'admin')).runs;
  expect(first!.notes).toContain('Completed 1 kill-review decision interrupted before being recorded.');
  expect(second!.notes.filter((n) => n.startsWith('Completed'))).toEqual([]);
});

it('logs a kill stopped after its comment, on an issue reopened since, without a second comment', async () => {
  const key = seedFlaggedIssue(app.jira.store, P, 'Idle', { version: 1 });
  // The second lens write (the comment's id) fails: the comment is made, the log row is not.
  let lensWrites = 0;
  const handle = app.jira.handle.bind(app.jira);
  app.jira.handle = async (req) => {
    if (req.method === 'PUT' && req.path.includes(`/issue/${key}/properties/`) && ++lensWrites === 2)
      return { status: 500, headers: {}, body: JSON.stringify({ errorMessages: ['Internal server error'] }) };
    return handle(req);
  };
  expect((await call<DecideData>('decide', killOf(key, 'kill-reopened-2'))).ok).toBe(false);
  app.jira.handle = handle;
  expect(commentsOn(key)).toBe(1);
  expect(await logged(key)).toEqual([]);
  await reopen(key);

  expect(await sweep()).toEqual({ completed: 1, dropped: 0, left: 0 });
  expect(await intents()).toEqual([]);
  expectKillThenReopen(await logged(key));
  expect(issueOf(key).statusCategory).toBe('new');
  expect(commentsOn(key)).toBe(1);
});

it('does not close again an issue reopened since when the person retries the stopped kill', async () => {
  const key = seedFlaggedIssue(app.jira.store, P, 'Idle', { version: 1 });
  await killStoppedBeforeComment(key, 'kill-reopened-3');
  await reopen(key);

  const retry = dataOf(await call<DecideData>('decide', killOf(key, 'kill-reopened-3')));
  expect(retry.statusName).toBe('To Do');
  expect(issueOf(key).statusCategory).toBe('new');
  expect(commentsOn(key)).toBe(0);
  expectKillThenReopen(await logged(key));
  expect(await intents()).toEqual([]);
  // A retry after that replays the row; a sweep has nothing to do.
  expect(dataOf(await call<DecideData>('decide', killOf(key, 'kill-reopened-3'))).replayed).toBe(true);
  expect(await sweep()).toEqual({ completed: 0, dropped: 0, left: 0 });
  expectKillThenReopen(await logged(key));
});

it('logs the kill once when two sweeps (a duplicated run) meet the reopened issue at once', async () => {
  const key = seedFlaggedIssue(app.jira.store, P, 'Idle', { version: 1 });
  await killStoppedBeforeComment(key, 'kill-reopened-4');
  await reopen(key);

  const both = await Promise.all([sweep(), sweep()]);
  expect(both.reduce((n, r) => n + r.completed, 0)).toBe(1);
  await sweep();
  expect(await intents()).toEqual([]);
  expectKillThenReopen(await logged(key));
  expect(issueOf(key).statusCategory).toBe('new');
  expect(commentsOn(key)).toBe(0);
});

/** The member's Kill, stopped after the close and before the lens marker: the lens write after the close fails. */
async function killStoppedBeforeMarker(key: string, idempotencyKey: string): Promise<void> {
  failOnce('PUT', `/issue/${key}/properties/`, 500);
  expect((await call<DecideData>('decide', killOf(key, idempotencyKey))).ok).toBe(false);
  expect(issueOf(key).statusCategory).toBe('done');
  expect(lensOf(key)).toMatchObject({ zombie: 'true' });
  expect(lensOf(key)).not.toHaveProperty('lastDecision');
  expect(await intents()).toHaveLength(1);
}

/** The Jira calls made since `mark` (an index into the emulator's call log) to this method and path. */
const callsSince = (mark: number, method: string, pathIncludes: string) =>
  app.jira.calls.slice(mark).filter((c) => c.method === method && c.path.includes(pathIncludes)).length;
const transitionsSince = (key: string, mark: number) => callsSince(mark, 'POST', `/issue/${key}/transitions`);

it('logs, at the next scan run, a kill stopped after its close but before its lens marker, on an issue reopened since: Jira’s history shows the close', async () => {
  const key = seedFlaggedIssue(app.jira.store, P, 'Idle', { version: 1 });
  await killStoppedBeforeMarker(key, 'kill-reopened-5');
  await reopen(key);
  const mark = app.jira.calls.length;

  await scanThroughPage(app);
  expect(await intents()).toEqual([]);
  expectKillThenReopen(await logged(key));
  // The reopen stands: not closed again, and no kill comment under it.
  expect(issueOf(key).statusCategory).toBe('new');
  expect(transitionsSince(key, mark)).toBe(0);
  expect(commentsOn(key)).toBe(0);
  expect(lensOf(key)).toMatchObject({
    zombie: 'false',
    lastDecision: { idempotencyKey: 'kill-reopened-5', kind: 'kill' },
  });
  const [run] = dataOf(await call<ScanRunsData>('scanRuns', {}, 'admin')).runs;
  expect(run!.notes).toContain('Completed 1 kill-review decision interrupted before being recorded.');
  // The next runs have nothing left to try.
  expect(await sweep()).toEqual({ completed: 0, dropped: 0, left: 0 });
  expectKillThenReopen(await logged(key));
});

it('logs, on the person’s retry, a kill stopped after its close but before its lens marker, on an issue reopened since, without closing it again', async () => {
  const key = seedFlaggedIssue(app.jira.store, P, 'Idle', { version: 1 });
  await killStoppedBeforeMarker(key, 'kill-retry-reopened');
  await reopen(key);
  const mark = app.jira.calls.length;

  const retry = dataOf(await call<DecideData>('decide', killOf(key, 'kill-retry-reopened')));
  expect(retry.statusName).toBe('To Do');
  expect(issueOf(key).statusCategory).toBe('new');
  expect(transitionsSince(key, mark)).toBe(0);
  expect(commentsOn(key)).toBe(0);
  expectKillThenReopen(await logged(key));
  expect(await intents()).toEqual([]);
  // A retry after that replays the row; a sweep has nothing to do.
  expect(dataOf(await call<DecideData>('decide', killOf(key, 'kill-retry-reopened'))).replayed).toBe(true);
  expect(await sweep()).toEqual({ completed: 0, dropped: 0, left: 0 });
  expectKillThenReopen(await logged(key));
  expect(transitionsSince(key, mark)).toBe(0);
});

it('leaves the intent when Jira does not answer the issue’s history, and the next run logs the kill', async () => {
  const key = seedFlaggedIssue(app.jira.store, P, 'Idle', { version: 1 });
  await killStoppedBeforeMarker(key, 'kill-reopened-history');
  await reopen(key);

  failOnce('POST', '/changelog/bulkfetch', 500);
  expect(await sweep()).toEqual({ completed: 0, dropped: 0, left: 1 });
  expect(await intents()).toHaveLength(1);
  expect(await logged(key)).toEqual([]);

  await scanThroughPage(app);
  expect(await intents()).toEqual([]);
  expectKillThenReopen(await logged(key));
  expect(issueOf(key).statusCategory).toBe('new');
  expect(commentsOn(key)).toBe(0);
});

it.each([
  ['by hand long after the try sent its close', true],
  ['by a colleague right after the try’s close was refused', false],
])(
  'drops a kill whose close was refused, on an issue closed %s and reopened: that close was not the kill’s',
  async (_case, late) => {
    const key = seedFlaggedIssue(app.jira.store, P, 'Idle', { version: 1 });
    // The close is sent and refused by a gateway error: nothing closed, the intent stays.
    failOnce('POST', `/issue/${key}/transitions`, 503);
    expect((await call<DecideData>('decide', killOf(key, 'kill-closed-by-hand'))).ok).toBe(false);
    expect(issueOf(key).statusCategory).toBe('new');
    if (late)
      // The try sent its close an hour ago.
      await asApp(async () => {
        const intentKey = keys.decisionIntent(P, 'kill-closed-by-hand');
        const intent = (await kvs.get<Record<string, unknown>>(intentKey))!;
        await kvs.set(intentKey, { ...intent, closingAt: new Date(Date.now() - 3_600_000).toISOString() });
      });
    await moveTo(key, '31');
    expect(issueOf(key).statusCategory).toBe('done');
    await reopen(key);
    const mark = app.jira.calls.length;

    expect(await sweep()).toEqual({ completed: 0, dropped: 1, left: 0 });
    // The history was read, and its close judged not the kill's.
    expect(callsSince(mark, 'POST', '/changelog/bulkfetch')).toBeGreaterThan(0);
    expect(await intents()).toEqual([]);
    expect(await logged(key)).toEqual([]);
    expect(issueOf(key).statusCategory).toBe('new');
    // The lens claims no kill, and the item is in the kill review's queue again.
    expect(lensOf(key)).toMatchObject({ zombie: 'true' });
    expect(lensOf(key)).not.toHaveProperty('lastDecision');
    app.jira.index.catchUp();
    const queue = dataOf(await call<{ items: Array<{ key: string }> }>('zombieQueue', {}));
    expect(queue.items.map((i) => i.key)).toContain(key);
  },
);

it('does not close again, on the person’s retry, an issue moved by a colleague while the first try’s close was refused: it says so, and a further try kills it', async () => {
  const key = seedFlaggedIssue(app.jira.store, P, 'Idle', { version: 1 });
  // The close is sent and refused by a gateway error: nothing closed.
  failOnce('POST', `/issue/${key}/transitions`, 503);
  expect((await call<DecideData>('decide', killOf(key, 'kill-retry-moved'))).ok).toBe(false);
  expect(issueOf(key).statusCategory).toBe('new');
  // A colleague moves the issue on to In Progress since.
  await moveTo(key, '21');
  const statusNow = issueOf(key).statusName;

  const retried = await call<DecideData>('decide', killOf(key, 'kill-retry-moved'));
  expect(retried).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  if (!retried.ok) expect(retried.error.message).toContain(`was moved to ${statusNow} since your first try`);
  // Their move stands: not closed, nothing logged, nothing left for the sweep to complete.
  expect(issueOf(key).statusName).toBe(statusNow);
  expect(await logged(key)).toEqual([]);
  expect(await intents()).toEqual([]);
  expect(await sweep()).toEqual({ completed: 0, dropped: 0, left: 0 });

  // The person, told, kills it again: now it goes.
  dataOf(await call<DecideData>('decide', killOf(key, 'kill-retry-moved')));
  expect(issueOf(key).statusCategory).toBe('done');
  expect(await logged(key)).toHaveLength(1);
});

describe('the person’s own close by hand, right after a refused try, and their reopen', () => {
  /** The member's Kill is refused at its close (503: nothing closed); they close it by hand, then reopen it. */
  async function closedAndReopenedByThemselves(key: string, idempotencyKey: string): Promise<void> {
    failOnce('POST', `/issue/${key}/transitions`, 503);
    expect((await call<DecideData>('decide', killOf(key, idempotencyKey))).ok).toBe(false);
    expect(issueOf(key).statusCategory).toBe('new');
    await moveTo(key, '41', 'member');
    await moveTo(key, '11', 'member');
    expect(await intents()).toHaveLength(1);
  }

  it('are not taken for the kill on their retry: it says the issue moved, and a further try kills it', async () => {
    const key = seedFlaggedIssue(app.jira.store, P, 'Idle', { version: 1 });
    await closedAndReopenedByThemselves(key, 'kill-own-close');

    const retried = await call<DecideData>('decide', killOf(key, 'kill-own-close'));
    expect(retried).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    if (!retried.ok) expect(retried.error.message).toContain('was moved to To Do since your first try');
    expect(await logged(key)).toEqual([]);
    expect(await intents()).toEqual([]);
    expect(lensOf(key)).toMatchObject({ zombie: 'true' });

    dataOf(await call<DecideData>('decide', killOf(key, 'kill-own-close')));
    expect(issueOf(key).statusCategory).toBe('done');
    expect(await logged(key)).toHaveLength(1);
    expect((await logged(key))[0]!.details).not.toHaveProperty('reopenedTo');
  });

  it('are not logged as the kill by the next run: the item is back in review', async () => {
    const key = seedFlaggedIssue(app.jira.store, P, 'Idle', { version: 1 });
    await closedAndReopenedByThemselves(key, 'kill-own-close-swept');

    expect(await sweep()).toEqual({ completed: 0, dropped: 1, left: 0 });
    expect(await logged(key)).toEqual([]);
    expect(lensOf(key)).toMatchObject({ zombie: 'true' });
    app.jira.index.catchUp();
    const queue = dataOf(await call<{ items: Array<{ key: string }> }>('zombieQueue', {}));
    expect(queue.items.map((i) => i.key)).toContain(key);
  });
});

it('reads the whole status history, however long, and matches the close by the kill transition’s status, with no status lookup', async () => {
  const key = seedFlaggedIssue(app.jira.store, P, 'Idle', { version: 1 });
  // Thousands of status changes a day ago: the close is on the sixth page of the history.
  const dayAgo = new Date(Date.now() - 86_400_000).toISOString();
  for (let i = 0; i < 5_000; i++)
    app.jira.store.addChangelog(key, {
      author: app.accountIdOf('admin'),
      created: dayAgo,
      items: [
        {
          field: 'status',
          fieldtype: 'jira',
          fieldId: 'status',
          from: '1',
          fromString: 'To Do',
          to: '1',
          toString: 'To Do',
        },
      ],
    });
  await killStoppedBeforeMarker(key, 'kill-long-history');
  await reopen(key);
  const mark = app.jira.calls.length;

  expect(await sweep()).toEqual({ completed: 1, dropped: 0, left: 0 });
  expectKillThenReopen(await logged(key));
  expect(callsSince(mark, 'POST', '/changelog/bulkfetch')).toBeGreaterThan(5);
  // The status the kill's transition went to is in its intent: a status Jira no longer answers cannot lose it.
  expect(callsSince(mark, 'GET', '/rest/api/3/status/')).toBe(0);
});

// A kill closed the issue and was stopped before its marker; a colleague reopened it, and an admin kept the item,
// still flagged. The sweep met that Keep and dropped the kill as decided meanwhile: the close the app made stayed
// in Jira's history with no log row. A kill that closed the item is logged whatever was decided since.
it('logs the kill Jira shows (closed, then reopened) though a colleague kept the reopened item since', async () => {
  const key = seedFlaggedIssue(app.jira.store, P, 'Idle', { version: 1 });
  await killStoppedBeforeMarker(key, 'kill-reopened-k');
  await reopen(key);
  const kept = await call<DecideData>(
    'decide',
    {
      issueKey: key,
      idempotencyKey: 'keep-admin',
      decision: { kind: 'keep', reason: 'Wanted', snoozeUntil: '2035-01-01' },
    },
    'admin',
  );
  expect(kept.ok).toBe(true);
  const swept = await sweep();
  const rows = (await logged(key)).map((r) => [r.kind, r.details?.reopenedTo ?? null]);
  expect({ swept, rows, intents: (await intents()).length }).toEqual({
    swept: { completed: 1, dropped: 0, left: 0 },
    rows: expect.arrayContaining([
      ['kill', 'To Do'],
      ['keep', null],
    ]),
    intents: 0,
  });
});
