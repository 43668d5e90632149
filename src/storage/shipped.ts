/**
 * The shipped-versus-moved ledger: one record per delivered item (`shipped:{project}:{issueKey}`) and one
 * summary value a project (`shipped-summary:{project}`) holding its monthly and sprint aggregates. Records and
 * the summary change together in one KVS transaction, so the summary always counts what the records hold,
 * whatever stops an invocation between two writes.
 */
import { kvs } from './kvs-client';
import {
  applyShippedChange,
  emptyShippedSummary,
  sameShipped,
  type ShippedItem,
  type ShippedSummary,
} from '../domain/shipped';
import { ValidationError } from '../errors';
import { keys } from './keys';
import { checkValueSize, KVS_BATCH_ITEMS, listPage } from './kv';

/** Forge KVS takes at most 25 operations a transaction (and 25 keys a batch get): 24 records and the summary. */
const RECORDS_PER_TRANSACTION = 24;

export async function loadShippedSummary(projectKey: string): Promise<ShippedSummary | null> {
  const stored = await kvs.get<ShippedSummary>(keys.shippedSummary(projectKey));
  return stored && stored.version === 1 ? stored : null;
}

/** The ledger's records of these issues (absent ones are not in the ledger). */
export async function loadShippedItems(
  projectKey: string,
  issueKeys: readonly string[],
): Promise<Map<string, ShippedItem>> {
  const found = new Map<string, ShippedItem>();
  const unique = [...new Set(issueKeys)];
  for (let i = 0; i < unique.length; i += KVS_BATCH_ITEMS) {
    const chunk = unique.slice(i, i + KVS_BATCH_ITEMS);
    const answer = await kvs.batchGet<ShippedItem>(
      chunk.map((k) => ({ key: keys.shippedItem(projectKey, k) })),
    );
    for (const item of answer.successfulKeys) if (item.value) found.set(item.value.issueKey, item.value);
  }
  return found;
}

/**
 * Up to `limit` of the ledger's records, in storage key order, from `after` (a position this answered before; null:
 * the first). `next` is where the next page begins, null once none is left. A position storage no longer takes
 * (a list position does not last for ever) starts again from the first record: `restarted`.
 */
export async function listShippedItems(
  projectKey: string,
  limit: number,
  after: string | null,
): Promise<{ items: ShippedItem[]; next: string | null; restarted: boolean }> {
  const prefix = keys.shippedItemPrefix(projectKey);
  let restarted = false;
  let page;
  try {
    page = await listPage<ShippedItem>(prefix, limit, after);
  } catch (e) {
    if (!(after !== null && e instanceof ValidationError)) throw e;
    restarted = true;
    page = await listPage<ShippedItem>(prefix, limit, null);
  }
  return {
    items: page.items.flatMap((i) => (i.value && typeof i.value.issueKey === 'string' ? [i.value] : [])),
    next: page.cursor,
    restarted,
  };
}

export interface ShippedChange {
  issueKey: string;
  before: ShippedItem | null;
  after: ShippedItem | null;
}

/**
 * Where the upkeep's reads and its check of the ledger stand (src/scan/shipped.ts): what `extra` may move, and its
 * value when absent.
 */
const READ_POSITION = {
  watermark: null,
  catchingUp: false,
  reopenCursor: null,
  deliveredRead: null,
  reopenRead: null,
  reopenSince: null,
  ledgerCheck: null,
} satisfies Partial<ShippedSummary>;
type ReadPosition = Pick<ShippedSummary, keyof typeof READ_POSITION>;
const READ_POSITION_KEYS = Object.keys(READ_POSITION) as Array<keyof ReadPosition>;

/**
 * Applies the changes whose record differs from the stored one to `summary` (mutated) and writes records and
 * summary in transactions of at most 25 operations. A change equal to what is stored writes nothing, so
 * reading the same delivery twice (a duplicated event, an overlapping read) counts it once; with no record
 * changed, the summary is written only when `extra` moves its read position (watermark, catching up, the reads
 * stopped at their cap), not to stamp the time alone. Answers how many records changed.
 */
export async function commitShippedChanges(
  projectKey: string,
  summary: ShippedSummary,
  changes: readonly ShippedChange[],
  extra: Partial<ReadPosition> & { at: string },
): Promise<number> {
  const real = changes.filter((c) => !sameShipped(c.before, c.after));
  const stamp = (into: ShippedSummary) => {
    for (const key of READ_POSITION_KEYS)
      if (extra[key] !== undefined) (into as unknown as Record<string, unknown>)[key] = extra[key];
    into.updatedAt = extra.at;
  };
  if (real.length === 0) {
    const moves = READ_POSITION_KEYS.some(
      (key) =>
        extra[key] !== undefined &&
        JSON.stringify(extra[key]) !== JSON.stringify(summary[key] ?? READ_POSITION[key]),
    );
    if (!moves) return 0;
    stamp(summary);
    await kvs.set(keys.shippedSummary(projectKey), summary);
    return 0;
  }
  let written = 0;
  for (let i = 0; i < real.length; i += RECORDS_PER_TRANSACTION) {
    const chunk = real.slice(i, i + RECORDS_PER_TRANSACTION);
    const next = structuredClone(summary);
    for (const c of chunk) applyShippedChange(next, c.before, c.after);
    if (i + RECORDS_PER_TRANSACTION >= real.length) stamp(next);
    checkValueSize(next, 'The shipped summary');
    let tx = kvs.transact();
    for (const c of chunk)
      tx = c.after
        ? tx.set(keys.shippedItem(projectKey, c.issueKey), c.after)
        : tx.delete(keys.shippedItem(projectKey, c.issueKey));
    await tx.set(keys.shippedSummary(projectKey), next).execute();
    Object.assign(summary, next);
    written += chunk.length;
  }
  return written;
}

export { emptyShippedSummary };
