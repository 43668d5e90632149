/**
 * Who set an issue's result through the app (a panel save, a verdict confirmed in the results review), when, and
 * to what: one record per issue in app storage (`result-stamp:{issueId}`), by the issue's id, which a move keeps.
 *
 * The lens names who set its result too (`resultBy`), but the lens is a Jira issue property, which anyone who may
 * edit the issue can write through Jira's REST API: it cannot say who did anything. App storage only the app
 * writes. A writer stores the stamp inside the issue's lens claim, before its lens write; a reader trusts it only
 * while it holds the lens's result (resultSetter in src/domain/issue-lens.ts), so a stamp whose lens write failed or
 * never landed names no one.
 */
import { kvs } from './kvs-client';
import type { ResultStamp } from '../domain/issue-lens';
import { keys } from './keys';
import { KVS_BATCH_ITEMS } from './kv';

/**
 * Stores who set the issue's result now (`stamp`), or forgets who set it when the result was taken away (null).
 * Throws when storage refuses it: the caller then writes nothing to the lens.
 */
export async function saveResultStamp(issueId: string, stamp: ResultStamp | null): Promise<void> {
  const key = keys.resultStamp(issueId);
  if (stamp) await kvs.set(key, stamp);
  else await kvs.delete(key);
}

/** The stamps of these issues (by id) that are stored, 25 a request; an issue without one is absent. */
export async function loadResultStamps(issueIds: readonly string[]): Promise<Map<string, ResultStamp>> {
  const found = new Map<string, ResultStamp>();
  const unique = [...new Set(issueIds)];
  for (let i = 0; i < unique.length; i += KVS_BATCH_ITEMS) {
    const chunk = unique.slice(i, i + KVS_BATCH_ITEMS);
    const answer = await kvs.batchGet<ResultStamp>(chunk.map((id) => ({ key: keys.resultStamp(id) })));
    const idOf = new Map(chunk.map((id) => [keys.resultStamp(id), id]));
    for (const item of answer.successfulKeys) {
      const id = idOf.get(item.key);
      if (id !== undefined && item.value) found.set(id, item.value);
    }
  }
  return found;
}
