/**
 * Lens writes a scan could not make are kept for a later run, and one invocation takes back at most 1,000 of them.
 * A run that judges and writes the rest from its own pages has the newer verdict: an entry taken by a run after it
 * must not lay its older flag, zombie value and next check over that verdict (scan writes keep the lens's version,
 * so the version alone does not tell). Were it laid, an item cleared in between would be flagged again, and with
 * its restored next check in the future no incremental run would read it until the next full rescan.
 */
import { ISSUE_PROPERTY_KEY, readLens } from '../../src/domain/issue-lens';
import type { ScanRunSummary } from '../../src/contract/scan';
import { createScanConsumer } from '../../src/scan/consumer';
import { SCAN_QUEUE } from '../../src/scan/queue';
import { startScans } from '../../src/scan/trigger';
import * as lensClaims from '../../src/storage/lens-claim';
import { listRunSummaries } from '../../src/storage/scan-state';
import { saveSettings } from '../../src/storage/settings';
import { createWorkbench, PROJECT_KEY, USERS, type Workbench } from '../support/workbench-harness';

const DAY = 86_400_000;
const START = Date.parse('2026-06-01T06:00:00.000Z');
/** More than one invocation takes back (TAKE_LIMIT in src/scan/leftovers.ts). */
const KEPT = 1_200;
const LABEL = 'outcome-lens-zombie';

let wb: Workbench;
afterEach(() => {
  jest.restoreAllMocks();
  wb.dispose();
});

const now = () => wb.clock.now!.getTime();
const ago = (days: number) => new Date(now() - days * DAY).toISOString();

async function scan(origin: 'schedule' | 'manual'): Promise<ScanRunSummary> {
  await wb.asSystem(() => startScans([PROJECT_KEY], origin));
  await wb.queue.runDue({ until: 'idle', advanceClock: true });
  const [latest] = await wb.asSystem(() => listRunSummaries(PROJECT_KEY, 1));
  return latest as unknown as ScanRunSummary;
}

const keptEntries = () =>
  wb.db.prepare<[], { key: string }>("SELECT key FROM kvs_items WHERE key LIKE 'scan-leftover:%'").all()
    .length;

const lensOf = (key: string) => readLens(wb.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY));

/**
 * Day 0: KEPT idle items, judged zombies by a scan whose lens writes all found another writer holding the issue:
 * the scan keeps every flag for a later run.
 */
async function flagsKeptForLater(label: string | null = null): Promise<string[]> {
  wb = createWorkbench({ now: new Date(START), latency: 'off', rateLimits: 'off' });
  wb.queue.registerConsumer(SCAN_QUEUE, createScanConsumer({ clock: now }));
  await wb.asSystem(() => saveSettings(PROJECT_KEY, { flagActions: { label, comment: false } }, 0));
  const keys = wb.jira.store.bulkCreateIssues(
    Array.from({ length: KEPT }, () => ({
      projectKey: PROJECT_KEY,
      type: 'Story',
      summary: 'Shoppers abandon carts because shipping costs surprise them',
      // Idle past the 60-day limit, younger than the 90 days after which unlinked work is flagged.
      created: ago(80),
      updated: ago(70),
      reporter: USERS.member,
    })),
  );
  jest.spyOn(lensClaims, 'takeLensClaim').mockResolvedValue({ held: null, retryAfterSeconds: 5 });
  const day0 = await scan('schedule');
  jest.restoreAllMocks();
  expect(day0).toMatchObject({ status: 'finished', counters: { flagged: 0 } });
  expect(keptEntries()).toBe(KEPT);
  expect(keys.filter((k) => lensOf(k).zombie === 'true')).toEqual([]);
  return keys;
}

/**
 * Day 1: every item moved (someone worked on it), and a full rescan clears them all: it takes back 1,000 kept
 * flags, then judges every item from its page. Day 3: an incremental run, which does not read these items again.
 */
async function clearedThenIncremental(
  keys: string[],
): Promise<{ incremental: ScanRunSummary; lensWrites: number }> {
  wb.clock.now = new Date(START + DAY);
  const worked = ago(0.1);
  for (const key of keys) wb.jira.store.touch(wb.jira.store.getIssue(key)!.id, worked);
  const full = await scan('manual');
  expect(full).toMatchObject({ status: 'finished', mode: 'full' });
  expect(keys.filter((k) => lensOf(k).zombie === 'true')).toEqual([]);
  expect(keys.filter((k) => lensOf(k).flag !== null)).toEqual([]);

  wb.clock.now = new Date(START + 3 * DAY);
  const mark = wb.jira.calls.length;
  const incremental = await scan('schedule');
  const lensWrites = wb.jira.calls
    .slice(mark)
    .filter((c) => c.method === 'POST' && c.path.includes('/issue/properties/multi')).length;
  expect(incremental).toMatchObject({ status: 'finished', mode: 'incremental' });
  // None of the cleared items is read again by it: only what is kept could change them.
  expect(incremental.counters.issues).toBe(0);
  return { incremental, lensWrites };
}

describe('kept scan results past what one invocation takes back', () => {
  it('are not laid over the verdict a later full rescan wrote: no cleared item is flagged again', async () => {
    const keys = await flagsKeptForLater();

    const { incremental, lensWrites } = await clearedThenIncremental(keys);

    expect(incremental.counters.flagged).toBe(0);
    expect(keys.filter((k) => lensOf(k).zombie === 'true')).toEqual([]);
    expect(keys.filter((k) => lensOf(k).flag !== null)).toEqual([]);
    // The full rescan's writes dropped what was kept for their issues: nothing was left to take back.
    expect(keptEntries()).toBe(0);
    expect(lensWrites).toBe(0);
  });

  it('leave no label of theirs on an item the later rescan cleared, taken back or not', async () => {
    const keys = await flagsKeptForLater(LABEL);
    const labelled = () => keys.filter((k) => wb.jira.store.getIssue(k)!.labels.includes(LABEL));
    // Day 0 labelled every item; only the lens writes recording it were kept for later.
    expect(labelled()).toHaveLength(KEPT);

    // Day 1: every item worked on; the full rescan takes back 1,000 kept flags and judges every item.
    wb.clock.now = new Date(START + DAY);
    for (const key of keys) wb.jira.store.touch(wb.jira.store.getIssue(key)!.id, ago(0.1));
    expect(await scan('manual')).toMatchObject({ status: 'finished', mode: 'full' });

    expect(labelled()).toEqual([]);
    expect(keys.filter((k) => lensOf(k).flag !== null)).toEqual([]);
  });

  it('keep the later verdict when app storage refuses to drop them (the merge alone decides)', async () => {
    const keys = await flagsKeptForLater();
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    // Every delete of a kept entry is refused, item by item (Forge's batch answer names each failed key).
    const answer = wb.kvs.handle.bind(wb.kvs);
    let refused = 0;
    jest.spyOn(wb.kvs, 'handle').mockImplementation(async (path, init) => {
      const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : null;
      const items = Array.isArray(body) ? (body as Array<{ key?: string }>) : [];
      if (path.endsWith('/batch/delete') && items.some((i) => i.key?.startsWith('scan-leftover:'))) {
        refused += items.length;
        const error = { code: 'INTERNAL_SERVER_ERROR', message: 'Storage timed out' };
        return new Response(
          JSON.stringify({ successfulKeys: [], failedKeys: items.map((i) => ({ key: i.key, error })) }),
          { status: 200, headers: { 'content-type': 'application/json' } },
        );
      }
      return answer(path, init);
    });

    const { incremental, lensWrites } = await clearedThenIncremental(keys);

    expect(refused).toBeGreaterThanOrEqual(KEPT);
    // The incremental run took kept entries back and wrote them, merged over the full rescan's verdicts.
    expect(lensWrites).toBeGreaterThan(0);
    expect(keptEntries()).toBeGreaterThan(0);
    expect(incremental.counters.flagged).toBe(0);
    expect(keys.filter((k) => lensOf(k).zombie === 'true')).toEqual([]);
    expect(keys.filter((k) => lensOf(k).flag !== null)).toEqual([]);
  });
});
