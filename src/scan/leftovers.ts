/**
 * Lens writes a scan could not make, though their Jira edits are made (a 429 after a bulk label edit, a claim
 * another writer held): the run's next invocation writes what its cursor carries, the next run what is kept here.
 *
 * Each entry is stored under its issue's own key, never as one list: a thousand entries after a large labelled
 * batch outgrow one storage value (240 KiB), partitions keep theirs side by side without a read-modify-write of a
 * shared list, and a newer entry for an issue replaces the older one by its key.
 */
import { kvs } from '../storage/kvs-client';
import { StorageLimitError } from '../errors';
import { keys } from '../storage/keys';
import { KVS_BATCH_ITEMS, listAll, MAX_VALUE_BYTES } from '../storage/kv';
import { dedupePending, readPending, type PendingLens } from './writer';

/**
 * What one invocation takes back before its pages (written before its time budget is looked at); the rest waits
 * for the run's next invocation, or the next run.
 */
const TAKE_LIMIT = 1_000;
/**
 * The share of a cursor's value the entries it carries may fill (of KVS's 240 KiB): the rest of the cursor
 * (settings, outcomes, aggregates, samples) needs its room.
 */
export const CURSOR_UNWRITTEN_BYTES = 96 * 1024;

const sizeOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

/** Keeps entries for the next run, each under its issue's key (a newer one replaces an older). */
export async function keepForNextRun(projectKey: string, entries: ReadonlyArray<PendingLens>): Promise<void> {
  const all = dedupePending(entries);
  for (let i = 0; i < all.length; i += KVS_BATCH_ITEMS) {
    const items = all
      .slice(i, i + KVS_BATCH_ITEMS)
      .map((entry) => ({ key: keys.scanLeftover(projectKey, entry.issueId), value: entry }));
    const { failedKeys } = await kvs.batchSet(items);
    if (failedKeys.length > 0)
      throw new StorageLimitError(
        `Could not keep ${failedKeys.length} unwritten scan result(s) for the next run: ` +
          `${failedKeys[0]!.error.message}`,
      );
  }
}

export interface KeptLeftovers {
  projectKey: string;
  entries: PendingLens[];
  /** Each entry's storage key, by issue id. */
  storedAs: Map<number, string>;
  /** The single list a version before per-issue keys kept, when there is one. */
  olderList: string | null;
  /** Every entry kept was taken (fewer than one invocation takes): no others are kept. */
  complete: boolean;
}

/** What is kept for this project, newest entry per issue. */
export async function keptLeftovers(projectKey: string): Promise<KeptLeftovers> {
  const found = await listAll<unknown>(keys.scanLeftoverPrefix(projectKey), TAKE_LIMIT);
  const storedAs = new Map<number, string>();
  const perIssue: PendingLens[] = [];
  for (const { key, value } of found)
    for (const entry of readPending([value])) {
      perIssue.push(entry);
      storedAs.set(entry.issueId, key);
    }
  const olderList = readPending(await kvs.get(keys.scanLeftovers(projectKey)));
  return {
    projectKey,
    entries: dedupePending([...olderList, ...perIssue]),
    storedAs,
    olderList: olderList.length ? keys.scanLeftovers(projectKey) : null,
    complete: found.length < TAKE_LIMIT,
  };
}

/**
 * Gives back the kept entries that are written: those still `unwritten` stay kept until a later write (they are
 * also in the cursor now; the newest of the two copies wins when they are next taken).
 */
export async function dropLeftovers(
  kept: KeptLeftovers,
  unwritten: ReadonlyArray<PendingLens>,
): Promise<void> {
  const left = new Set(unwritten.map((e) => e.issueId));
  const done = kept.entries.flatMap((e) => {
    const key = kept.storedAs.get(e.issueId);
    return key && !left.has(e.issueId) ? [key] : [];
  });
  if (kept.olderList) {
    // The older version's single list is read once: what of it is still unwritten is kept issue by issue, so it
    // is not laid over newer verdicts again at every run's start.
    const stillKept = new Set(kept.storedAs.keys());
    await keepForNextRun(
      kept.projectKey,
      unwritten.filter((e) => !stillKept.has(e.issueId)),
    );
    done.push(kept.olderList);
  }
  // An entry whose delete fails is written again by the next run, merged over the stored lens: harmless.
  for (let i = 0; i < done.length; i += KVS_BATCH_ITEMS)
    await kvs.batchDelete(done.slice(i, i + KVS_BATCH_ITEMS).map((key) => ({ key })));
}

/** Room a cursor leaves for its own JSON's growth (numbers, notes) between the fit and the write. */
const CURSOR_MARGIN_BYTES = 4 * 1024;

/**
 * The entries `cursor` may carry within its share of one storage value, and within what the rest of it leaves
 * (a large backlog's figures take much of it), first come first; the rest are kept for the next run, and the
 * cursor carries only the first.
 */
export async function fitUnwritten(
  projectKey: string,
  cursor: { unwritten: PendingLens[] },
): Promise<PendingLens[]> {
  const { unwritten } = cursor;
  const rest = sizeOf({ ...cursor, unwritten: [] });
  const room = Math.min(CURSOR_UNWRITTEN_BYTES, MAX_VALUE_BYTES - rest - CURSOR_MARGIN_BYTES);
  let used = 0;
  let fits = 0;
  while (fits < unwritten.length) {
    used += sizeOf(unwritten[fits]) + 1;
    if (used > room) break;
    fits += 1;
  }
  if (fits === unwritten.length) return unwritten;
  await keepForNextRun(projectKey, unwritten.slice(fits));
  return unwritten.slice(0, fits);
}
