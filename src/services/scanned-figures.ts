/**
 * The last finished scan's figures, as one person may read them. The scan counts as the app, which a security
 * level may let see issues this person cannot: figures that counted such an issue would tell them of it (a lane's
 * count, a share of the backlog). They are this person's only when every secured issue they counted is one the
 * person can see; otherwise the page counts live, as the person, as Jira's own searches do.
 */
import type { StoredAggregates } from '../scan/aggregates';
import { loadAggregates } from '../storage/aggregates';
import { hiddenFromCaller } from './project-access';

export type ScannedFigures =
  | { figures: StoredAggregates; caller: 'sees-all' }
  /** No finished scan has stored figures. */
  | { figures: null; caller: 'no-scan' }
  /** Figures exist but are not this person's to read: they counted an issue kept from them, or may have. */
  | { figures: null; caller: 'kept-from-caller' };

export async function scannedFiguresForCaller(projectKey: string): Promise<ScannedFigures> {
  const figures = await loadAggregates(projectKey);
  if (!figures) return { figures: null, caller: 'no-scan' };
  return (await callerSeesAllCounted(figures))
    ? { figures, caller: 'sees-all' }
    : { figures: null, caller: 'kept-from-caller' };
}

async function callerSeesAllCounted(figures: StoredAggregates): Promise<boolean> {
  const secured = figures.secured;
  // Stored before secured issues were noted, or more of them than were kept: which they are is not known.
  if (!secured || secured.count > secured.keys.length) return false;
  if (secured.count === 0) return true;
  return (await hiddenFromCaller(secured.keys)).size === 0;
}
