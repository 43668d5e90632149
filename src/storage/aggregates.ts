/** The page's figures as the last finished scan counted them (see src/scan/aggregates.ts): one value a project. */
import { kvs } from './kvs-client';
import type { StoredAggregates } from '../scan/aggregates';
import { keys } from './keys';
import { checkValueSize } from './kv';

export async function saveAggregates(projectKey: string, aggregates: StoredAggregates): Promise<void> {
  checkValueSize(aggregates, 'The project figures');
  await kvs.set(keys.aggregatesLatest(projectKey), aggregates);
}

export async function loadAggregates(projectKey: string): Promise<StoredAggregates | null> {
  const stored = await kvs.get<StoredAggregates>(keys.aggregatesLatest(projectKey));
  // A value of another shape (a later version's, rolled back) is ignored: the page counts live instead.
  return stored && stored.version === 1 ? stored : null;
}
