/**
 * A kill review queue longer than one answer reads (MAX_QUEUE_READ): after a real scan of a backlog whose most
 * idle and oldest items have the highest keys, the queue reads the part its sort puts first (not the lowest
 * keys), says how many the scan flagged in all, and a bulk decision on "all matching" takes the part listed.
 */
import type { Answer } from '../../src/contract/answer';
import type { BulkJobData, DecisionLogData, ZombieQueueData } from '../../src/contract/project-page';
import { MAX_QUEUE_READ } from '../../src/services/kill-review';
import { createWorkbenchApp, type WorkbenchApp } from '../../workbench/app';
import type { IssueInput } from '../../workbench/jira/types';

const P = 'BIG';
const PAGE = 'outcome-lens-project-page';
const DAY = 86_400_000;
const N = MAX_QUEUE_READ + 50;
/** The items that are bugs: the 25 least idle (never read by idle) and the 25 most idle. */
const isBug = (n: number) => n <= 25 || n > N - 25;

let app: WorkbenchApp;
let now: number;

async function call<T>(fn: string, payload: unknown, user = 'admin'): Promise<T> {
  const a = (await app.invoke(PAGE, fn, payload, { user, projectKey: P })) as Answer<T>;
  if (!a.ok) throw new Error(`${fn}: ${JSON.stringify(a.error)}`);
  return a.data;
}

beforeAll(async () => {
  now = Date.now();
  app = createWorkbenchApp({ dataFile: ':memory:', contract: false });
  app.jira.store.createProject({ key: P, name: 'Big backlog' });
  app.grantDemoRoles(P);
  const ago = (days: number) => new Date(now - days * DAY).toISOString();
  const inputs: IssueInput[] = [];
  // Item n was last touched 100 + n days ago and created 1,200 + n days ago: the higher the key, the older and
  // the more idle, as in a backlog whose early work was redone while its later ideas were left.
  for (let n = 1; n <= N; n++)
    inputs.push({
      key: `${P}-${n}`,
      projectKey: P,
      type: isBug(n) ? 'Bug' : 'Story',
      summary: `Idea ${n} nobody picked up`,
      created: ago(1200 + n),
      updated: ago(100 + n),
    });
  app.jira.store.bulkCreateIssues(inputs);
  await call('scanNow', {});
  app.registerConsumers();
  const ran = await app.queue.runDue({ until: 'idle', advanceClock: true });
  expect(ran.failed).toBe(0);
}, 120_000);
afterAll(() => app.close());

const keyRange = (from: number, to: number) =>
  Array.from({ length: Math.abs(to - from) + 1 }, (_, i) => `${P}-${from > to ? from - i : from + i}`);

describe('a queue longer than one read', () => {
  it('sorted by idle, lists the most idle items first and says how many the scan flagged in all', async () => {
    const q = await call<ZombieQueueData>('zombieQueue', { sort: 'idle', limit: 50 }, 'viewer');
    expect(q.items.map((i) => i.key)).toEqual(keyRange(N, N - 49));
    expect(q.items[0]!.idleDays).toBeGreaterThanOrEqual(100 + N - 1);
    expect(q).toMatchObject({ total: MAX_QUEUE_READ, flagged: MAX_QUEUE_READ, truncated: true });
    expect(q.flaggedInAll).toEqual({ count: N, at: expect.any(String) });
  });

  it('sorted by age, lists the oldest first; by key, the first keys', async () => {
    const byAge = await call<ZombieQueueData>('zombieQueue', { sort: 'age', limit: 3 }, 'viewer');
    expect(byAge.items.map((i) => i.key)).toEqual(keyRange(N, N - 2));
    const byKey = await call<ZombieQueueData>('zombieQueue', { sort: 'key', limit: 3 }, 'viewer');
    expect(byKey.items.map((i) => i.key)).toEqual(keyRange(1, 3));
    expect(byKey).toMatchObject({ truncated: true, flaggedInAll: { count: N } });
  });

  it('a bulk decision on all matching items decides the items the sorted queue listed', async () => {
    const filter = { issueType: 'Bug' };
    const listed = await call<ZombieQueueData>('zombieQueue', { sort: 'idle', filter, limit: 50 }, 'member');
    expect(listed.items.map((i) => i.key)).toEqual(keyRange(N, N - 24));
    const started = await call<BulkJobData>(
      'bulkDecide',
      {
        idempotencyKey: 'bulk-big-idle-1',
        decision: { kind: 'keep', reason: 'Wanted after the launch', snoozeUntil: '2035-01-01' },
        selection: { filter, sort: 'idle' },
      },
      'member',
    );
    await app.queue.runDue({ until: 'idle', advanceClock: true, maxEvents: 500 });
    const job = await call<BulkJobData>('bulkJob', { jobId: started.jobId }, 'member');
    expect(job).toMatchObject({ status: 'done', total: 25, decided: 25, failed: [] });
    const log = await call<DecisionLogData>('decisionLog', { limit: 100 });
    expect(log.entries.map((e) => e.issueKey).sort()).toEqual(listed.items.map((i) => i.key).sort());
  });
});
