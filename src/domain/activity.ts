/**
 * Reading an issue's history without counting the app's own hand in it: flagging an item (a label, a
 * comment) must never reset its idle clock.
 */
import type { StatusCategory } from './zombie';

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
 * A stretch of time the issue sat in the done status category: from the moment it got there (null: before its
 * history begins) until it was reopened (null: it has not been since).
 */
export interface DoneSpan {
  from: string | null;
  until: string | null;
}

/** One status change of an issue's history, by the categories of the statuses (null: not known). */
export interface CategoryChange {
  at: string;
  from: StatusCategory | null;
  to: StatusCategory | null;
}

/**
 * The spans the issue was done in, from its status changes in any order. A status of unknown category counts as
 * not done: a sprint closed while the issue was in it stays a carry-over.
 */
export function doneSpans(changes: readonly CategoryChange[]): DoneSpan[] {
  const ordered = changes
    .filter((c) => !Number.isNaN(Date.parse(c.at)))
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const spans: DoneSpan[] = [];
  // Before its first change the issue was in that change's `from` category.
  let doneSince: string | null | undefined = ordered[0]?.from === 'done' ? null : undefined;
  for (const c of ordered) {
    if (c.to === 'done') {
      if (doneSince === undefined) doneSince = c.at;
    } else if (doneSince !== undefined) {
      spans.push({ from: doneSince, until: c.at });
      doneSince = undefined;
    }
  }
  if (doneSince !== undefined) spans.push({ from: doneSince, until: null });
  return spans;
}

const closedAt = (s: SprintRef): string | null => s.completeDate ?? s.endDate ?? null;

const within = (at: number, span: DoneSpan): boolean =>
  (span.from === null || Date.parse(span.from) <= at) && (span.until === null || at < Date.parse(span.until));

/**
 * Carry-overs of an open issue, from its sprint field: Jira keeps every sprint the issue was ever in, so a closed
 * sprint there is one the issue left unfinished, unless it was done when that sprint closed (the sprint it was
 * completed in stays on it after a reopen). `done` holds the spans it was done in (doneSpans): a sprint closed in
 * one is no carry-over. Returns the moments the others closed.
 */
export function carryOversFromSprints(
  sprints: readonly SprintRef[] | null | undefined,
  done: readonly DoneSpan[] = [],
): string[] {
  if (!sprints) return [];
  return sprints
    .filter((s) => s.state.toLowerCase() === 'closed')
    .map(closedAt)
    .filter((d): d is string => d !== null && !Number.isNaN(Date.parse(d)))
    .filter((d) => !done.some((span) => within(Date.parse(d), span)))
    .sort();
}

/**
 * Whether the issue may have been done when one of its closed sprints closed, so that only its status history
 * tells its carry-overs: an open issue was in its present category since that category last changed (Jira's
 * `statuscategorychangedate`), so a sprint closed since then is a carry-over for sure. Unknown (no such date): any
 * closed sprint may be one.
 */
export function mayHaveBeenDoneInSprint(
  sprints: readonly SprintRef[] | null | undefined,
  statusCategoryChangedAt: string | null | undefined,
): boolean {
  const changed = Date.parse(statusCategoryChangedAt ?? '');
  return carryOversFromSprints(sprints).some((d) => Number.isNaN(changed) || Date.parse(d) < changed);
}
