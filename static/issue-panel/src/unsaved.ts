/**
 * Edits not yet saved, kept in the browser so that leaving the issue (Jira's page moves on without asking the
 * panel) does not lose them. Kept per person and issue, for a fortnight at most, and dropped once saved. The
 * loaded values are kept beside them, so edits come back on top of whatever was saved since (mineOnTheirs).
 */
import type { ExpectedOutcome } from '../../../src/domain/schemas';
import { FIELD_NAMES, mineOnTheirs, type FieldName, type FormValues } from './form';

export interface Unsaved {
  /** When the edits were last kept (ISO). */
  at: string;
  /** The saved values they were made on. */
  loaded: FormValues;
  mine: FormValues;
  /** Further expectations from a pasted story: as loaded, and as edited. */
  loadedAlso: ExpectedOutcome[];
  mineAlso: ExpectedOutcome[];
}

/** The part of Web Storage used here; null where the browser allows none. */
export type KeptStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

const MAX_AGE_MS = 14 * 24 * 60 * 60 * 1000;

export function unsavedKey(scope: string, issueKey: string): string {
  return `outcome-lens:unsaved:${scope}:${issueKey}`;
}

/** The browser's local storage, or null where reading it throws (storage blocked, a sandbox without origin). */
export function browserStore(): KeptStore | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** Keeps the edits; a full or blocked store keeps nothing, and the panel works as before. */
export function keepUnsaved(store: KeptStore | null, key: string, unsaved: Unsaved): void {
  try {
    store?.setItem(key, JSON.stringify(unsaved));
  } catch {
    // Nothing to do: the edits stay in the open panel, as they did before they were kept at all.
  }
}

export function dropUnsaved(store: KeptStore | null, key: string): void {
  try {
    store?.removeItem(key);
  } catch {
    // A store that cannot remove could not have kept anything either.
  }
}

const isValues = (x: unknown): x is FormValues =>
  typeof x === 'object' &&
  x !== null &&
  FIELD_NAMES.every((f) => typeof (x as Record<string, unknown>)[f] === 'string');
const isList = (x: unknown): x is ExpectedOutcome[] =>
  Array.isArray(x) && x.every((e) => typeof e === 'object' && e !== null && !Array.isArray(e));

/**
 * The edits kept for this issue, or null. Anything unreadable (another version of the app, a hand edit) or
 * older than a fortnight is dropped rather than half restored; its values are checked again when saved.
 */
export function recallUnsaved(store: KeptStore | null, key: string, now: Date): Unsaved | null {
  let kept: unknown;
  try {
    const text = store?.getItem(key);
    if (!text) return null;
    kept = JSON.parse(text);
  } catch {
    dropUnsaved(store, key);
    return null;
  }
  const u = kept as Partial<Unsaved> | null;
  const age = now.getTime() - Date.parse(typeof u?.at === 'string' ? u.at : '');
  if (
    !u ||
    !(Math.abs(age) <= MAX_AGE_MS) ||
    !isValues(u.loaded) ||
    !isValues(u.mine) ||
    !isList(u.loadedAlso) ||
    !isList(u.mineAlso)
  ) {
    dropUnsaved(store, key);
    return null;
  }
  return u as Unsaved;
}

/** Two drafts alike in what they store, whatever the order of their keys. */
export function sameDraft(a: unknown, b: unknown): boolean {
  const sorted = (_key: string, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([p], [q]) => (p < q ? -1 : p > q ? 1 : 0)))
      : v;
  return JSON.stringify(a, sorted) === JSON.stringify(b, sorted);
}

/**
 * The kept edits on top of what is saved now: a field left alone takes the saved value, so a save made since
 * (by someone else, or in another tab) is not undone; `clashes` are the fields both changed, where the edit wins.
 */
export function editsOnTop(
  kept: Unsaved,
  saved: FormValues,
  savedAlso: ExpectedOutcome[],
): { values: FormValues; also: ExpectedOutcome[]; clashes: FieldName[] } {
  const merged = mineOnTheirs(kept.loaded, kept.mine, saved);
  const alsoEdited = JSON.stringify(kept.mineAlso) !== JSON.stringify(kept.loadedAlso);
  return {
    values: merged.values,
    also: alsoEdited ? kept.mineAlso : savedAlso,
    clashes: merged.clashes.map((c) => c.field),
  };
}
