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
import { stampHolds, type ResultStamp } from '../domain/issue-lens';
import { keys } from './keys';
import { KVS_BATCH_ITEMS } from './kv';

/**
 * Stores who set the issue's result now (`stamp`), keeping as `before` the stored stamp that vouches for the result
 * the lens holds now (`onLens`), if one does: a lens write that then fails leaves that result on the lens, and its
 * recorder stays known. Throws when storage refuses it: the caller then writes nothing to the lens.
 */
export async function saveResultStamp(
  issueId: string,
  stamp: ResultStamp,
  onLens: { verdict: string; evidence: string; measuredValue?: number } | null,
): Promise<{ keptBefore: boolean }> {
  const key = keys.resultStamp(issueId);
  const stored = onLens === null ? undefined : await kvs.get<ResultStamp>(key);
  const vouching = stored ? [stored, stored.before].find((s) => s && stampHolds(s, onLens!)) : undefined;
  if (vouching === undefined) {
    await kvs.set(key, stamp);
    return { keptBefore: false };
  }
  const { by, at, verdict, evidence, measuredValue } = vouching;
  const before: ResultStamp = {
    by,
    at,
    verdict,
    evidence,
    ...(measuredValue !== undefined ? { measuredValue } : {}),
  };
  await kvs.set(key, { ...stamp, before });
  return { keptBefore: true };
}

/**
 * Once the lens holds the stamp's result, the stamp it replaced vouches for nothing: it is dropped, so that the
 * earlier result written back outside the app names no one. Best effort: a failure is only logged, and until a
 * later save the earlier recorder may be named for that very result.
 */
export async function settleResultStamp(issueId: string, stamp: ResultStamp): Promise<void> {
  await kvs
    .set(keys.resultStamp(issueId), stamp)
    .catch((e: unknown) =>
      console.warn('result stamp not settled', e instanceof Error ? e.message : String(e)),
    );
}

/**
 * Forgets who set the issue's result, once the lens write that took the result away has landed: forgotten before
 * it, a failed write would leave the result on the lens with no one to name.
 */
export async function forgetResultStamp(issueId: string): Promise<void> {
  await kvs.delete(keys.resultStamp(issueId));
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
