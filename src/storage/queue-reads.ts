/**
 * A person's read of a project's zombie queue, kept for a few minutes so that "Load more", another filter and the
 * reload after each decision are answered without reading up to 1,000 issues from Jira again (ten searches, and
 * some 1,000 points of the app's hourly quota, each time). Kept per person, as the read was made as them (what a
 * security level keeps from them is not in it), and per sort, as Jira read the first items in that order.
 *
 * A value holds at most 240 KiB, and a read of 1,000 items takes more: it is kept as chunks and a head naming them.
 * The chunks are written first and the head last, so a head names only chunks that were written; chunks outlive
 * their head by a minute, so a head never names a chunk that expired first.
 */
import { createHash, randomUUID } from 'node:crypto';
import { keys } from './keys';
import { kvs } from './kvs-client';
import { MAX_VALUE_BYTES } from './kv';

export interface QueueReadHead<M> {
  id: string;
  /** ISO time the read was made. */
  takenAt: string;
  chunks: number;
  /** What the caller keeps beside the items (whether the read was cut short, what it could not read, ...). */
  meta: M;
}

/** How long a kept read lasts in storage; the caller decides how long it answers. */
const KEPT_SECONDS = 15 * 60;
/** Room left in each chunk for its own framing. */
const CHUNK_BYTES = MAX_VALUE_BYTES - 8 * 1024;

/** Account ids hold characters a storage key may not: the key holds a digest of it. */
const personOf = (accountId: string) => createHash('sha256').update(accountId).digest('hex').slice(0, 32);

/** Items cut into runs of at most CHUNK_BYTES of JSON each. */
function chunksOf<T>(items: readonly T[]): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 2;
  for (const item of items) {
    const size = Buffer.byteLength(JSON.stringify(item), 'utf8') + 1;
    if (current.length > 0 && bytes + size > CHUNK_BYTES) {
      chunks.push(current);
      [current, bytes] = [[], 2];
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0 || chunks.length === 0) chunks.push(current);
  return chunks;
}

export async function saveQueueRead<T, M>(
  projectKey: string,
  accountId: string,
  sort: string,
  read: { takenAt: string; items: readonly T[]; meta: M },
): Promise<void> {
  const person = personOf(accountId);
  const headKey = keys.queueRead(projectKey, person, sort);
  // A read made before the one kept (a slow answer of another tab) does not replace it.
  const current = await kvs.get<QueueReadHead<M>>(headKey);
  if (current && Date.parse(current.takenAt) > Date.parse(read.takenAt)) return;
  // The head goes first: a save that fails part-way leaves no read, not the one this read replaces.
  await kvs.delete(headKey);
  const id = randomUUID();
  const chunks = chunksOf(read.items);
  for (const [n, chunk] of chunks.entries())
    await kvs.set(keys.queueReadChunk(projectKey, person, sort, id, n), chunk, {
      ttl: { value: KEPT_SECONDS + 60, unit: 'SECONDS' },
    });
  const head: QueueReadHead<M> = { id, takenAt: read.takenAt, chunks: chunks.length, meta: read.meta };
  await kvs.set(headKey, head, {
    ttl: { value: KEPT_SECONDS, unit: 'SECONDS' },
  });
}

/** The person's kept read in that sort, or null when there is none or a part of it is gone. */
export async function loadQueueRead<T, M>(
  projectKey: string,
  accountId: string,
  sort: string,
): Promise<{ head: QueueReadHead<M>; items: T[] } | null> {
  const person = personOf(accountId);
  const head = await kvs.get<QueueReadHead<M>>(keys.queueRead(projectKey, person, sort));
  if (!head || !Number.isInteger(head.chunks) || head.chunks < 1) return null;
  const chunks = await Promise.all(
    Array.from({ length: head.chunks }, (_, n) =>
      kvs.get<T[]>(keys.queueReadChunk(projectKey, person, sort, head.id, n)),
    ),
  );
  if (chunks.some((c) => !Array.isArray(c))) return null;
  return { head, items: (chunks as T[][]).flat() };
}
