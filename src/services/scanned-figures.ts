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
  return (await callerSeesAllSecured(figures.secured))
    ? { figures, caller: 'sees-all' }
    : { figures: null, caller: 'kept-from-caller' };
}

/**
 * Whether the caller may see every secured issue that figures gathered as the app noted they counted (the scan's,
 * calibration's): two Jira reads a hundred keys, none when no counted issue was secured.
 */
export async function callerSeesAllSecured(
  secured: { count: number; keys: string[] } | undefined,
): Promise<boolean> {
  // Stored before secured issues were noted, or more of them than were kept: which they are is not known.
  if (!secured || secured.count > secured.keys.length) return false;
  if (secured.count === 0) return true;
  return (await hiddenFromCaller(secured.keys)).size === 0;
}
