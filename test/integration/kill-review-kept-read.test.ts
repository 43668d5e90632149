/**
 * The kill review keeps a person's read of the queue for a few minutes: "Load more", another filter and the reload
 * after each decision are answered from it (`reuse`) instead of reading up to 1,000 issues from Jira again, while
 * what was decided since leaves it at once, whoever decided it, even a decision dated before the read and logged
 * after it. A scan that ran or started since, a scan whose writes search may not show yet, another person, a read
 * older than QUEUE_READ_REUSE_MS, more decisions than it patches, or storage failing, each send the answer to Jira;
 * an issue a security level has kept from the person since is not shown.
 */
import { kvs as forgeKvs, WhereConditions } from '@forge/kvs';
import type { WorkbenchApp } from '../../workbench/app';
import { runInInvocation } from '../../workbench/forge/context';
import type { DecideData, ZombieQueueData } from '../../src/contract/project-page';
import { QUEUE_READ_REUSE_MS, SEARCH_LAG_WINDOW_MS } from '../../src/services/kill-review';
import { acquireScanLease, saveRunSummary } from '../../src/storage/scan-state';
import { appendDecision } from '../../src/storage/decisions';
import { keys } from '../../src/storage/keys';
import { MAX_VALUE_BYTES } from '../../src/storage/kv';
import {
  PAGE_PROJECT as P,
  aProjectPageApp,
  callPage,
  dataOf,
  scanThroughPage,
} from '../support/project-page-app';
import { seedFlaggedIssue } from '../support/flagged-issue';

let app: WorkbenchApp;

beforeEach(() => (app = aProjectPageApp({ consumers: true })));
afterEach(() => {
  jest.restoreAllMocks();
  app.close();
});

type QueuePayload = {
  sort?: string;
  filter?: Record<string, string>;
  offset?: number;
  limit?: number;
  listed?: string[];
  reuse?: boolean;
};

const queue = async (payload: QueuePayload, user = 'member') =>
  dataOf(await callPage<ZombieQueueData>(app, 'zombieQueue', payload, user));

/** Searches sent to Jira while `fn` ran. */
async function searchesDuring<T>(fn: () => Promise<T>): Promise<{ result: T; searches: number }> {
  const count = () => app.jira.calls.filter((c) => c.path.startsWith('/rest/api/3/search/jql')).length;
  const before = count();
  const result = await fn();
  return { result, searches: count() - before };
}

/** `n` flagged items, every third a bug, each with a summary of `summaryLength` characters. */
function seedZombies(n: number, summaryLength = 40): string[] {
  return Array.from({ length: n }, (_, i) =>
    seedFlaggedIssue(
      app.jira.store,
      P,
      `Zombie ${i + 1} `.padEnd(summaryLength, 'x'),
      {},
      {
        type: i % 3 === 0 ? 'Bug' : 'Story',
        updated: new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString(),
      },
    ),
  );
}

const keysOf = (q: ZombieQueueData) => q.items.map((i) => i.key);

function kill(issueKey: string, idempotencyKey: string, user = 'member') {
  return callPage<DecideData>(
    app,
    'decide',
    { issueKey, idempotencyKey, decision: { kind: 'kill', reason: 'Nobody needs it' } },
    user,
  );
}

/** Rewrites the newest scan run's stored summary. */
const editNewestRun = (edit: (run: Record<string, unknown>) => Record<string, unknown>) =>
  inApp(async () => {
    const [newest] = (
      await forgeKvs
        .query()
        .where('key', WhereConditions.beginsWith(keys.scanRunPrefix(P)))
        .limit(1)
        .getMany()
    ).results;
    await forgeKvs.set(newest!.key, edit(newest!.value as Record<string, unknown>));
  });

/** Runs `fn` in a storage invocation of the app. */
const inApp = <T>(fn: () => Promise<T>) =>
  runInInvocation(
    { accountId: null, moduleKey: 'outcome-lens-project-page', installContext: app.installContext },
    fn,
  );

describe('a kept read of the zombie queue', () => {
  it('answers "Load more" and another filter without a Jira search, in the order the first read had', async () => {
    seedZombies(250);
    const first = await searchesDuring(() => queue({ sort: 'idle', limit: 100 }));
    expect(first.searches).toBe(3);
    expect(first.result).toMatchObject({ total: 250, flagged: 250, nextOffset: 100 });

    const more = await searchesDuring(() =>
      queue({ sort: 'idle', limit: 100, listed: keysOf(first.result), reuse: true }),
    );
    expect(more.searches).toBe(0);
    expect(more.result.readAt).toBe(first.result.readAt);
    const bugs = await searchesDuring(() =>
      queue({ sort: 'idle', filter: { issueType: 'Bug' }, reuse: true }),
    );
    expect(bugs.searches).toBe(0);
    expect(bugs.result.total).toBe(84);

    // The same pages as reading Jira each time gives, with nothing listed twice.
    const fresh = await queue({ sort: 'idle', limit: 100, listed: keysOf(first.result) });
    expect(keysOf(more.result)).toEqual(keysOf(fresh));
    expect(new Set([...keysOf(first.result), ...keysOf(more.result)]).size).toBe(200);
  });

  it('leaves out at once what was decided since, by this person or another, and reads Jira when asked to', async () => {
    const [a, b, c] = seedZombies(5);
    const first = await queue({ sort: 'key' });
    expect(first.total).toBe(5);
    dataOf(await kill(a!, 'kill-kept-read-1', 'member'));
    dataOf(await kill(b!, 'kill-kept-read-2', 'admin'));

    const after = await searchesDuring(() => queue({ sort: 'key', listed: keysOf(first), reuse: true }));
    expect(after.searches).toBe(0);
    expect(keysOf(after.result)).not.toContain(a);
    expect(after.result.gone.sort()).toEqual([a, b].sort());
    expect(after.result.total).toBe(3);

    // Changed in Jira by other means (closed there): a reuse does not know; a read does.
    const closed = app.jira.store.getIssue(c!)!;
    app.jira.store.updateIssueFields(closed.id, { statusName: 'Done', statusCategory: 'done' });
    app.jira.index.catchUp();
    expect(keysOf(await queue({ sort: 'key', reuse: true }))).toContain(c);
    const read = await searchesDuring(() => queue({ sort: 'key' }));
    expect(read.searches).toBe(1);
    expect(keysOf(read.result)).not.toContain(c);
    expect(Date.parse(read.result.readAt)).toBeGreaterThanOrEqual(Date.parse(first.readAt));
  });

  it('reads Jira again once a scan has run or started since, and keeps no read while Jira search may lag the scan', async () => {
    seedZombies(3);
    await queue({ sort: 'idle' });
    await scanThroughPage(app);
    // The scan has just finished: Jira's search may not show its flags yet, so reads are not kept.
    expect((await searchesDuring(() => queue({ sort: 'idle', reuse: true }))).searches).toBe(1);
    const afterScan = await searchesDuring(() => queue({ sort: 'idle', reuse: true }));
    expect(afterScan.searches).toBe(1);

    // Once the scan ended longer ago than search may lag, a read is kept again.
    await editNewestRun((run) => ({
      ...run,
      finishedAt: new Date(Date.now() - SEARCH_LAG_WINDOW_MS).toISOString(),
    }));
    await queue({ sort: 'idle' });
    const again = await searchesDuring(() => queue({ sort: 'idle', reuse: true }));
    expect(again.searches).toBe(0);
    expect(keysOf(again.result)).toEqual(keysOf(afterScan.result));

    // A "Scan now" that did not start (another run held the project) is a run summary of its own: the read that
    // went before it is not reused.
    await inApp(() =>
      saveRunSummary(P, {
        runId: 'not-started',
        startedAt: new Date().toISOString(),
        status: 'failed',
        finishedAt: new Date().toISOString(),
      }),
    );
    expect((await searchesDuring(() => queue({ sort: 'idle', reuse: true }))).searches).toBe(1);

    // A run going (it holds the project's scan lease): nothing is kept, every answer reads Jira.
    await inApp(() => acquireScanLease(P, 'run-going', Date.now(), 60_000));
    expect((await searchesDuring(() => queue({ sort: 'idle', reuse: true }))).searches).toBe(1);
    expect((await searchesDuring(() => queue({ sort: 'idle', reuse: true }))).searches).toBe(1);
  });

  it('leaves out an item whose decision was dated before the read but logged after it (a slow or retried one)', async () => {
    const [a, b] = seedZombies(3);
    const first = await queue({ sort: 'key' });
    // A kill Jira is slow to transition: its row is dated when it started, and written when it ends, after a read
    // made meanwhile in another tab.
    app.jira.faults.inject({
      kind: 'latency',
      ms: 2500,
      times: 1,
      match: { method: 'POST', pathIncludes: '/transitions' },
    });
    const killing = kill(a!, 'kill-slow-0001');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const otherTab = await queue({ sort: 'key' });
    const killed = dataOf(await killing);
    expect(Date.parse(killed.entry.at)).toBeLessThan(Date.parse(otherTab.readAt));
    const reload = await searchesDuring(() =>
      queue({ sort: 'key', limit: 1, listed: keysOf(first).filter((k) => k !== a), reuse: true }),
    );
    expect(reload.searches).toBe(0);
    expect(reload.result.total).toBe(2);

    // A kill whose first try failed at Jira, retried after a read: its row keeps the first try's date.
    const refused = app.jira.faults.inject({
      kind: 'server-error',
      status: 500,
      match: { method: 'POST', pathIncludes: '/transitions' },
    });
    expect((await kill(b!, 'kill-retried-0001')).ok).toBe(false);
    app.jira.faults.clear(refused);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const read = await queue({ sort: 'key' });
    expect(keysOf(read)).toContain(b);
    dataOf(await kill(b!, 'kill-retried-0001'));
    expect(keysOf(await queue({ sort: 'key', reuse: true }))).toEqual(keysOf(read).filter((k) => k !== b));
  });

  it('does not list an issue a security level has kept from the person since the read', async () => {
    const [a] = seedZombies(3);
    await queue({ sort: 'key' });
    app.jira.store.createSecurityLevel({
      name: 'Leads only',
      accountIds: [app.accountIdOf('admin')],
      projectRoles: ['atlassian-addons-project-access'],
    });
    app.jira.store.setIssueSecurityLevel(a!, 'Leads only');
    app.jira.index.catchUp();
    const reused = await searchesDuring(() => queue({ sort: 'key', reuse: true }));
    expect(reused.searches).toBe(0);
    expect(keysOf(reused.result)).not.toContain(a);
    expect(reused.result.total).toBe(2);
  });

  it("is one person's own, and one sort's own", async () => {
    seedZombies(3);
    await queue({ sort: 'idle' }, 'member');
    expect((await searchesDuring(() => queue({ sort: 'idle', reuse: true }, 'admin'))).searches).toBe(1);
    expect((await searchesDuring(() => queue({ sort: 'age', reuse: true }, 'member'))).searches).toBe(1);
    expect((await searchesDuring(() => queue({ sort: 'idle', reuse: true }, 'member'))).searches).toBe(0);
  });

  it(`reads Jira again after ${QUEUE_READ_REUSE_MS / 60_000} minutes, and after more decisions than it patches`, async () => {
    const zombies = seedZombies(3);
    await queue({ sort: 'idle' });
    // The read made longer ago than the reuse lasts.
    await inApp(async () => {
      const [head] = (
        await forgeKvs.query().where('key', WhereConditions.beginsWith('queue-read:')).getMany()
      ).results;
      const takenAt = new Date(Date.now() - QUEUE_READ_REUSE_MS - 1000).toISOString();
      await forgeKvs.set(head!.key, { ...(head!.value as object), takenAt });
    });
    expect((await searchesDuring(() => queue({ sort: 'idle', reuse: true }))).searches).toBe(1);

    // 201 decisions logged since the read (a bulk decision's rows): it is read again, not patched.
    await inApp(async () => {
      for (let i = 0; i < 201; i++)
        await appendDecision(P, {
          kind: 'keep',
          issueKey: zombies[i % 3]!,
          summary: 'kept',
          at: new Date().toISOString(),
          idempotencyKey: `bulk-row-${i}`,
          actorAccountId: null,
        });
    });
    expect((await searchesDuring(() => queue({ sort: 'idle', reuse: true }))).searches).toBe(1);
  });

  it(`keeps a read larger than one storage value (${MAX_VALUE_BYTES / 1024} KiB) whole, in chunks`, async () => {
    seedZombies(1000, 250);
    const first = await queue({ sort: 'idle', limit: 100 });
    expect(first.total).toBe(1000);
    const chunks = await inApp(
      async () =>
        (
          await forgeKvs
            .query()
            .where('key', WhereConditions.beginsWith('queue-read-chunk:'))
            .limit(20)
            .getMany()
        ).results,
    );
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks)
      expect(Buffer.byteLength(JSON.stringify(chunk.value))).toBeLessThanOrEqual(MAX_VALUE_BYTES);

    const listed = keysOf(first);
    const pages: string[][] = [];
    const { searches } = await searchesDuring(async () => {
      for (let page = 0; page < 9; page++) {
        const next = await queue({ sort: 'idle', limit: 100, listed, reuse: true });
        pages.push(keysOf(next));
        listed.push(...keysOf(next));
      }
    });
    expect(searches).toBe(0);
    expect(new Set(listed).size).toBe(1000);
    expect(pages.at(-1)).toHaveLength(100);
  });

  it('answers from Jira when storage refuses to keep the read or to give it back, and loses nothing', async () => {
    seedZombies(5);
    const answer = app.kvs.handle.bind(app.kvs);
    const refuse = (paths: string[], key: string) =>
      jest.spyOn(app.kvs, 'handle').mockImplementation(async (path, init) => {
        const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as { key?: string }) : {};
        if (paths.includes(path) && (body.key ?? '').startsWith(key))
          return new Response(
            JSON.stringify({ code: 'INTERNAL_SERVER_ERROR', message: 'Storage timed out' }),
            {
              status: 500,
              headers: { 'content-type': 'application/json' },
            },
          );
        return answer(path, init);
      });

    // "Read again" whose head cannot be written: the chunks are, but name nothing, and the read it replaces does
    // not answer the next reuse either; that answer reads Jira.
    await queue({ sort: 'idle' });
    refuse(['/api/v1/set'], 'queue-read:');
    expect((await queue({ sort: 'idle' })).total).toBe(5);
    jest.restoreAllMocks();
    expect((await searchesDuring(() => queue({ sort: 'idle', reuse: true }))).searches).toBe(1);

    // A chunk cannot be read back: Jira is read, the answer is whole.
    refuse(['/api/v1/get'], 'queue-read-chunk:');
    const read = await searchesDuring(() => queue({ sort: 'idle', reuse: true }));
    expect(read.searches).toBe(1);
    expect(read.result.total).toBe(5);
  });

  it('gives each of two reads made at once a whole answer, and the reuse after them one of the two', async () => {
    seedZombies(150);
    const [one, two] = await Promise.all([
      queue({ sort: 'idle', limit: 100 }),
      queue({ sort: 'idle', limit: 100 }),
    ]);
    expect(keysOf(one)).toEqual(keysOf(two));
    const reused = await searchesDuring(() =>
      queue({ sort: 'idle', limit: 100, listed: keysOf(one), reuse: true }),
    );
    expect(reused.searches).toBe(0);
    expect(reused.result.total).toBe(150);
    expect(keysOf(reused.result)).toHaveLength(50);
    expect([one.readAt, two.readAt]).toContain(reused.result.readAt);
  });

  it('refuses a reuse flag that is not true or false', async () => {
    const answer = await callPage<ZombieQueueData>(app, 'zombieQueue', { reuse: 'yes' }, 'member');
    expect(answer).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', fields: { reuse: 'Reuse must be true or false.' } },
    });
  });
});
