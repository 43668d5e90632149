import type { MapFilters } from '../../../src/contract/project-page';

/**
 * The outcome map's filters, kept in the tab's session storage per project: a reload (or a look at an issue and
 * back) shows the map as it was left, and a new tab starts unfiltered. What each chosen value was called is
 * kept beside it, so a value the map no longer offers (a sprint with no open issue left) still shows its name
 * instead of "All sprints" over a filtered map.
 */
export interface KeptFilters {
  filters: MapFilters;
  /** The name shown for each chosen value, by filter. */
  names: Partial<Record<'sprintId' | 'issueType' | 'assignee', string>>;
}

/** Where the filters are kept; null where the browser blocks storage (they are then not kept). */
export interface FilterStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const EMPTY: KeptFilters = { filters: {}, names: {} };
const keyOf = (projectKey: string) => `outcome-lens:map-filters:${projectKey}`;
/** Longer than any name Jira gives a type, sprint or person (255): such a value was not written by this page. */
const MAX_TEXT = 255;

const text = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() !== '' && v.length <= MAX_TEXT ? v : undefined;
/** As the map's filter takes an assignee (mapFiltersSchema): an account id, or "unassigned". */
const ACCOUNT_ID = /^[^\p{Cc}\p{Cs}\s]{1,128}$/u;

/** The tab's session storage, or null where reading it throws (storage blocked, a sandbox without origin). */
export function sessionStore(): FilterStore | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

/** The filters kept for a project; none when nothing was kept or what was kept is not a filter this page wrote. */
export function readKeptFilters(store: FilterStore | null, projectKey: string): KeptFilters {
  let raw: unknown;
  try {
    const stored = store?.getItem(keyOf(projectKey));
    if (!stored) return EMPTY;
    raw = JSON.parse(stored);
  } catch {
    return EMPTY;
  }
  if (!raw || typeof raw !== 'object') return EMPTY;
  const { filters: f, names: n } = raw as {
    filters?: Record<string, unknown>;
    names?: Record<string, unknown>;
  };
  if (!f || typeof f !== 'object') return EMPTY;
  const filters: MapFilters = {};
  if (typeof f.sprintId === 'number' && Number.isSafeInteger(f.sprintId) && f.sprintId > 0)
    filters.sprintId = f.sprintId;
  const issueType = text(f.issueType);
  if (issueType) filters.issueType = issueType;
  // A kept value the map's filter refuses would fail every load of the map in this tab: it is not read back.
  const assignee = text(f.assignee);
  if (assignee && ACCOUNT_ID.test(assignee)) filters.assignee = assignee;
  if (f.recipe === true) filters.recipe = true;
  const names: KeptFilters['names'] = {};
  for (const key of ['sprintId', 'issueType', 'assignee'] as const) {
    const name = n && typeof n === 'object' ? text(n[key]) : undefined;
    if (filters[key] !== undefined && name) names[key] = name;
  }
  return { filters, names };
}

/** Keeps the filters (none: the entry goes); a store that refuses (full, blocked) keeps nothing, silently. */
export function keepFilters(store: FilterStore | null, projectKey: string, kept: KeptFilters): void {
  try {
    if (Object.keys(kept.filters).length === 0) store?.removeItem(keyOf(projectKey));
    else store?.setItem(keyOf(projectKey), JSON.stringify(kept));
  } catch {
    // Not kept: the map still filters; only a reload starts unfiltered.
  }
}
