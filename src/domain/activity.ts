/**
 * Reading an issue's history without counting the app's own hand in it: flagging an item (a label, a
 * comment) must never reset its idle clock.
 */

export interface ActivityInput {
  /** Jira's `updated` field: bumped by anyone's edit, the app's included. */
  updated: string;
  created: string;
  /** When the app itself last edited the issue (kept in the property). */
  lastAppEditAt?: string | null;
  /** The last activity by a person known at that moment (kept beside it). */
  realActivityBeforeAppEdit?: string | null;
  /**
   * The app's last edit ran as a Jira task not yet seen over: it may bump `updated` at any later moment, so no
   * bump after the stamp can be told from a person's yet.
   */
  appEditPending?: boolean;
}

/**
 * The last activity by a person. When Jira's `updated` is no later than the app's own last edit, that edit
 * is what bumped it, so the activity known before the edit stands; likewise while that edit may still land.
 */
export function lastRealActivity(input: ActivityInput): string {
  const updated = Date.parse(input.updated);
  const appEdit = input.lastAppEditAt ? Date.parse(input.lastAppEditAt) : NaN;
  if (!Number.isNaN(appEdit) && (input.appEditPending || (!Number.isNaN(updated) && updated <= appEdit))) {
    return input.realActivityBeforeAppEdit ?? input.created;
  }
  return Number.isNaN(updated) ? input.created : input.updated;
}

export interface SprintRef {
  id: number;
  state: string;
  endDate?: string | null;
  completeDate?: string | null;
}

/**
 * Carry-overs of an open issue, from its sprint field: Jira keeps every sprint the issue was ever in, so each
 * closed sprint there is one the issue left unfinished. Returns the moments those sprints closed.
 */
export function carryOversFromSprints(sprints: readonly SprintRef[] | null | undefined): string[] {
  if (!sprints) return [];
  return sprints
    .filter((s) => s.state.toLowerCase() === 'closed')
    .map((s) => s.completeDate ?? s.endDate ?? null)
    .filter((d): d is string => d !== null && !Number.isNaN(Date.parse(d)))
    .sort();
}
