/**
 * A bulk decision whose background work was never queued: Forge refused the first push after the job was stored
 * (a 500, or its events a minute spent), or storage answered an error for a job record it did store. The same
 * request sent again queues its step again, and the job runs to the end; before, it was answered "queued" and
 * nothing ever ran it. A refused push for the minute's events is answered as a rate limit, not a failure of ours.
 */
import type { Answer } from '../../src/contract/answer';
import type { BulkJobData } from '../../src/contract/project-page';
import { createWorkbenchApp, type WorkbenchApp } from '../../workbench/app';
import { seedFlaggedIssue } from '../support/flagged-issue';
import { failStorageWrite } from '../support/storage-faults';

const P = 'BLK';
const PAGE = 'outcome-lens-project-page';
let app: WorkbenchApp;
afterEach(() => app?.close());

function newApp(): WorkbenchApp {
  const a = createWorkbenchApp({ dataFile: ':memory:' });
  a.jira.store.createProject({ key: P, name: 'Bulk' });
  a.grantDemoRoles(P);
  a.registerConsumers();
  return a;
}
const page = <T>(fn: string, payload: unknown, user = 'member') =>
  app.invoke(PAGE, fn, payload, { user, projectKey: P }) as Promise<Answer<T>>;

const flagged = (i: number) =>
  seedFlaggedIssue(app.jira.store, P, `Lingering item ${i}`, { version: 1, score: 20 }, { type: 'Task' });

describe.each([500, 429] as const)('a bulk Keep whose first push is refused (%i)', (status) => {
  it('is started by the same request sent again', async () => {
    app = newApp();
    const items = Array.from({ length: 3 }, (_, i) => flagged(i));
    const payload = {
      idempotencyKey: `bulk-first-push-${status}`,
      decision: { kind: 'keep', reason: 'Wanted', snoozeUntil: '2035-01-01' },
      selection: { keys: items },
    };
    app.queue.injectDelivery({ refusePushes: { count: 1, status } });
    const first = await page<BulkJobData>('bulkDecide', payload);
    expect(first).toMatchObject({
      ok: false,
      error: { code: status === 429 ? 'RATE_LIMITED' : 'INTERNAL' },
    });
    const again = await page<BulkJobData>('bulkDecide', payload);
    expect(again).toMatchObject({ ok: true, data: { status: 'queued' } });
    await app.queue.runDue({ until: 'idle', advanceClock: true, maxEvents: 50 });
    const after = await page<BulkJobData>('bulkJob', { jobId: payload.idempotencyKey });
    expect(after).toMatchObject({ ok: true, data: { status: 'done', decided: 3 } });
  });
});

describe('a bulk Keep whose job record is stored but answered with a storage error', () => {
  afterEach(() => jest.restoreAllMocks());
  it('runs, on its own or on the same request sent again', async () => {
    app = newApp();
    const items = Array.from({ length: 3 }, (_, i) => flagged(i));
    const payload = {
      idempotencyKey: 'bulk-job-claim-lands',
      decision: { kind: 'keep', reason: 'Wanted', snoozeUntil: '2035-01-01' },
      selection: { keys: items },
    };
    const hit = failStorageWrite(app.kvs, (w) => (w.key ?? '').startsWith('bulk-job:'), { lands: true });
    const first = await page<BulkJobData>('bulkDecide', payload);
    jest.restoreAllMocks();
    expect(hit).toHaveLength(1);
    expect(first).toMatchObject({ ok: true, data: { status: 'queued' } });
    // Its own record: the step was queued by this answer, and a copy sent again runs nothing twice.
    expect(app.queue.pending()).toBe(1);
    expect(await page<BulkJobData>('bulkDecide', payload)).toMatchObject({ ok: true });
    await app.queue.runDue({ until: 'idle', advanceClock: true, maxEvents: 50 });
    const after = await page<BulkJobData>('bulkJob', { jobId: payload.idempotencyKey });
    expect(after).toMatchObject({ ok: true, data: { status: 'done', decided: 3 } });
  });
});

describe('a bulk Keep whose step a rate limit sent away for later', () => {
  it('is not queued sooner by the same request sent meanwhile, and runs when due', async () => {
    app = newApp();
    const items = Array.from({ length: 3 }, (_, i) => flagged(i));
    const payload = {
      idempotencyKey: 'bulk-rate-limited-wait',
      decision: { kind: 'keep', reason: 'Wanted', snoozeUntil: '2035-01-01' },
      selection: { keys: items },
    };
    // The step's check of the person's rights is answered 429: the step is queued again, a minute later.
    app.jira.faults.inject({
      kind: 'rate-limit',
      retryAfterSeconds: 60,
      times: 1,
      match: { method: 'POST', pathIncludes: '/permissions/check' },
    });
    expect(await page<BulkJobData>('bulkDecide', payload)).toMatchObject({ ok: true });
    await app.queue.runDue({ maxEvents: 1 });
    expect(app.queue.pending()).toBe(1);
    // Sent again while the step waits: answered as it stands, and nothing more is queued.
    expect(await page<BulkJobData>('bulkDecide', payload)).toMatchObject({ ok: true, data: { decided: 0 } });
    expect(app.queue.pending()).toBe(1);
    await app.queue.runDue({ until: 'idle', advanceClock: true, maxEvents: 50 });
    const after = await page<BulkJobData>('bulkJob', { jobId: payload.idempotencyKey });
    expect(after).toMatchObject({ ok: true, data: { status: 'done', decided: 3 } });
  });
});
