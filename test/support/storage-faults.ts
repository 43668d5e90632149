/**
 * Faults of app storage at the workbench's seam (the KVS store the real @forge/kvs calls): a write answered with a
 * storage error, after being stored or not. Forge's KVS can time out after a write was made; a function must not
 * take its own write for someone else's, nor lose one it was told failed.
 */
import type { KvsStore } from '../../workbench/forge/kvs-store';

/** A write to app storage as the seam sees it: a set, a delete or a transaction, the n-th since the fault was set. */
export interface StorageWrite {
  path: string;
  /** The key written, or a batch's first. */
  key: string | undefined;
  keyPolicy: string | undefined;
  n: number;
}

const WRITE = /\/(?:set|delete|transaction)$/;

/**
 * The first write `pick` chooses from now on answers HTTP 500, stored first when `lands`. Returns the writes it was
 * done to ("path key"), so a test can say the fault was met. jest.restoreAllMocks() ends it.
 */
export function failStorageWrite(
  store: KvsStore,
  pick: (write: StorageWrite) => boolean,
  options: { lands?: boolean } = {},
): string[] {
  const answer = store.handle.bind(store);
  const hit: string[] = [];
  let n = 0;
  jest.spyOn(store, 'handle').mockImplementation(async (path, init) => {
    if (!WRITE.test(path)) return answer(path, init);
    type Item = { key?: string; options?: { keyPolicy?: string } };
    const parsed = typeof init?.body === 'string' ? (JSON.parse(init.body) as Item | Item[]) : {};
    // A batch set or delete is a list of items: it is one write, named by its first key.
    const body = Array.isArray(parsed) ? (parsed[0] ?? {}) : parsed;
    const write = { path, key: body.key, keyPolicy: body.options?.keyPolicy, n: ++n };
    if (hit.length > 0 || !pick(write)) return answer(path, init);
    hit.push(`${path} ${body.key ?? ''}`.trim());
    if (options.lands) await answer(path, init);
    return new Response(JSON.stringify({ code: 'INTERNAL_SERVER_ERROR', message: 'Storage timed out' }), {
      status: 500,
      headers: { 'content-type': 'application/json' },
    });
  });
  return hit;
}

/** Each of a path's `writes` storage writes, failed unstored and stored: the cases of a fault at every step. */
export function storageFaultCases(
  writes: number,
): Array<readonly [number, 'an error' | 'stored, then an error']> {
  return Array.from({ length: writes }, (_, i) => i + 1).flatMap((n) =>
    (['an error', 'stored, then an error'] as const).map((fault) => [n, fault] as const),
  );
}

/**
 * Holds app storage writes from now on until `writers` of them wait, then lets all through: that many concurrent
 * writers have each read what they read before any of them writes, whatever the event loop's order. Returns
 * whether that happened (false until it has). jest.restoreAllMocks() ends it.
 */
export function writesWaitForEachOther(store: KvsStore, writers: number): () => boolean {
  const answer = store.handle.bind(store);
  const waiting: Array<() => void> = [];
  let released = false;
  jest.spyOn(store, 'handle').mockImplementation(async (path, init) => {
    if (!released && WRITE.test(path))
      await new Promise<void>((resolve) => {
        waiting.push(resolve);
        if (waiting.length < writers) return;
        released = true;
        for (const go of waiting) go();
      });
    return answer(path, init);
  });
  return () => released;
}

/**
 * The next `times` storage requests `pick` chooses (by path and JSON body) are refused as Forge refuses a request past the installation's
 * rate limits (429 RATE_LIMIT_EXCEEDED), carried out by none. Returns the paths refused.
 * jest.restoreAllMocks() ends it.
 */
export function refuseStorageRequests(
  store: KvsStore,
  times: number,
  pick: (path: string, body: string) => boolean = () => true,
): string[] {
  const answer = store.handle.bind(store);
  const refused: string[] = [];
  jest.spyOn(store, 'handle').mockImplementation((path, init) => {
    const body = typeof init?.body === 'string' ? init.body : '';
    if (refused.length >= times || !pick(path, body)) return answer(path, init);
    refused.push(path);
    const refusal = {
      code: 'RATE_LIMIT_EXCEEDED',
      message: "The installation's app storage rate limit is spent",
    };
    return Promise.resolve(
      new Response(JSON.stringify(refusal), { status: 429, headers: { 'content-type': 'application/json' } }),
    );
  });
  return refused;
}
