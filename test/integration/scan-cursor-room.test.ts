/**
 * A scan cursor carries the lens writes its run could not make yet, within one storage value with everything else
 * it holds. The share they may take (96 KiB) alone did not bound the whole: a large backlog's page figures beside
 * a thousand unwritten entries passed KVS's 240 KiB, and the cursor could not be saved at all.
 */
import { kvs } from '../../src/storage/kvs-client';
import { keys } from '../../src/storage/keys';
import { MAX_VALUE_BYTES } from '../../src/storage/kv';
import { CURSOR_UNWRITTEN_BYTES, fitUnwritten } from '../../src/scan/leftovers';
import type { PendingLens } from '../../src/scan/writer';
import { readLens } from '../../src/domain/issue-lens';
import { scanFieldsOf } from '../../src/scan/scan-page';
import { runInInvocation } from '../../workbench/forge/runtime';
import { installStorageRuntime } from '../support/storage-runtime';

let uninstall: () => void;
beforeAll(() => (uninstall = installStorageRuntime({})));
afterAll(() => uninstall());

const asApp = <T>(work: () => Promise<T>) =>
  runInInvocation({ accountId: null, moduleKey: 'scan-consumer' }, work);

function entries(n: number): PendingLens[] {
  return Array.from({ length: n }, (_, i) => ({
    issueId: 10_000 + i,
    key: `DEMO-${i + 1}`,
    basedOn: 1,
    change: 'flag' as const,
    fields: { ...scanFieldsOf(readLens(undefined)), zombie: 'true' as const },
    clearsAppEdit: true,
    commentIntent: `comment-intent:DEMO:${'x'.repeat(400)}:${i}`,
  }));
}
const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v), 'utf8');

it('keeps in the cursor only what fits beside the rest of it, and the others for the next run', async () => {
  const unwritten = entries(400);
  expect(bytes(unwritten)).toBeGreaterThan(CURSOR_UNWRITTEN_BYTES);
  // Figures of a large backlog: 180 KiB of the cursor before its unwritten entries.
  const cursor = { projectKey: 'DEMO', aggregates: { cells: 'c'.repeat(180 * 1024) }, unwritten };
  const carried = await asApp(() => fitUnwritten('DEMO', cursor));
  expect(carried.length).toBeGreaterThan(0);
  expect(bytes({ ...cursor, unwritten: carried })).toBeLessThanOrEqual(MAX_VALUE_BYTES);
  const kept = await asApp(async () =>
    Promise.all(unwritten.slice(carried.length).map((e) => kvs.get(keys.scanLeftover('DEMO', e.issueId)))),
  );
  expect(kept.every((e) => e !== undefined)).toBe(true);
  expect(carried).toEqual(unwritten.slice(0, carried.length));
});
