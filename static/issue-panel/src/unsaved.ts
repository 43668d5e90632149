/**
 * Edits not yet saved, kept in the browser so that leaving the issue (Jira's page moves on without asking the
 * panel) does not lose them. Kept per person, issue and open panel (two tabs on one issue keep theirs apart),
 * for a fortnight at most, and dropped once saved. The loaded values are kept beside them, so edits come back on
 * top of whatever was saved since (mineOnTheirs).
 */
import type { ExpectedOutcome, IssueLensDraft } from '../../../src/domain/schemas';
import { FIELD_NAMES, alsoMineOnTheirs, mineOnTheirs, type FormPart, type FormValues } from './form';

export interface Unsaved {
  /** When the edits were last changed (ISO): what the panel says when they come back, and what ages them. */
  at: string;
  /** The saved values they were made on. */
  loaded: FormValues;
  mine: FormValues;
  /** Further expectations from a pasted story: as loaded, and as edited. */
  loadedAlso: ExpectedOutcome[];
  mineAlso: ExpectedOutcome[];
  /** A story in the paste box, not yet used to fill the fields. */
  story?: string;
}

/** The part of Web Storage used here; null where the browser allows none. */
export type KeptStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>;

const MAX_AGE_MS = 14 * 24 * 60 * 60 * 1000;

/** Where one open panel keeps its edits: the person's `scope`, the issue, and the panel's own id. */
export function unsavedKey(scope: string, issueKey: string, panelId: string): string {
  return `${issuePrefix(scope, issueKey)}${panelId}`;
}

const UNSAVED_PREFIX = 'outcome-lens:unsaved:';
const issuePrefix = (scope: string, issueKey: string) => `${UNSAVED_PREFIX}${scope}:${issueKey}:`;

/**
 * Every panel's edits kept for this person and issue and left there (not those of a panel still open, in
 * another tab), oldest first, with the key each is kept under. What is unreadable or too old is dropped on the
 * way (recallUnsaved).
 */
export function recallAllUnsaved(
  store: KeptStore | null,
  scope: string,
  issueKey: string,
  now: Date,
): Array<{ key: string; kept: Unsaved }> {
  const prefix = issuePrefix(scope, issueKey);
  const keys: string[] = [];
  try {
    for (let i = 0; store && i < store.length; i++) {
      const key = store.key(i);
      if (key?.startsWith(prefix)) keys.push(key);
    }
  } catch {
    return [];
  }
  return keys
    .filter((key) => !isLive(store, key, now))
    .map((key) => ({ key, kept: recallUnsaved(store, key, now) }))
    .filter((k): k is { key: string; kept: Unsaved } => k.kept !== null)
    .sort((a, b) => (a.kept.at < b.kept.at ? -1 : a.kept.at > b.kept.at ? 1 : 0));
}

/** The browser's local storage, or null where reading it throws (storage blocked, a sandbox without origin). */
export function browserStore(): KeptStore | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/**
 * An open panel says it is still open by writing the time under its own key every HEARTBEAT_MS (a small entry
 * beside its edits), and takes it away when its page goes. Edits whose panel said so within LIVE_MS are still
 * being made: another tab neither takes them over nor drops them. A hidden tab's timers may run only once a
 * minute (Chrome's intensive throttling), hence the margin.
 */
export const HEARTBEAT_MS = 15_000;
const LIVE_MS = 90_000;
const ALIVE_PREFIX = 'outcome-lens:alive:';
const aliveKey = (key: string) => `${ALIVE_PREFIX}${key.slice(UNSAVED_PREFIX.length)}`;

/** This panel (kept under `key`) is open at `now`. */
export function markAlive(store: KeptStore | null, key: string, now: Date): void {
  try {
    store?.setItem(aliveKey(key), now.toISOString());
  } catch {
    // A full store: the edits then look left, as they did before panels said they were open.
  }
}

/** This panel's page is going: its edits are left from now on. */
export function markLeft(store: KeptStore | null, key: string): void {
  try {
    store?.removeItem(aliveKey(key));
  } catch {
    // Nothing kept, nothing to take away.
  }
}

/** Whether a panel's last word that it was open (an ISO time, or null) is within LIVE_MS of `now`. */
const saidOpenLately = (at: string | null, now: Date) =>
  Math.abs(now.getTime() - Date.parse(at ?? '')) <= LIVE_MS;

/** Whether the panel whose edits are kept under `key` said it was open within LIVE_MS of `now`. */
function isLive(store: KeptStore | null, key: string, now: Date): boolean {
  try {
    return saidOpenLately(store?.getItem(aliveKey(key)) ?? null, now);
  } catch {
    return false;
  }
}

/** The keys in the store that start with `prefix`, at most `limit` of them; none from a store that cannot list. */
function keysStartingWith(store: KeptStore | null, prefix: string, limit = Infinity): string[] {
  const found: string[] = [];
  try {
    for (let i = 0; store && i < store.length && found.length < limit; i++) {
      const key = store.key(i);
      if (key?.startsWith(prefix)) found.push(key);
    }
  } catch {
    // A store that cannot list its keys: nothing found.
  }
  return found;
}

/** Whether a panel still open in another tab holds edits of this person's to this issue not yet saved. */
export function editedElsewhere(
  store: KeptStore | null,
  scope: string,
  issueKey: string,
  ownKey: string,
  now: Date,
): boolean {
  return keysStartingWith(store, issuePrefix(scope, issueKey)).some(
    (key) => key !== ownKey && isLive(store, key, now),
  );
}

/**
 * Keeps the edits. When the store is full, the edits of other issues are dropped, oldest first, and keeping is
 * tried again. False when they still could not be kept (the panel then says so: only a save keeps them); a
 * browser that allows no storage at all (`store` null) keeps nothing, and the panel works as before.
 */
export function keepUnsaved(store: KeptStore | null, key: string, unsaved: Unsaved): boolean {
  if (!store) return true;
  const text = JSON.stringify(unsaved);
  const tryKeep = () => {
    try {
      store.setItem(key, text);
      return true;
    } catch {
      return false;
    }
  };
  if (tryKeep()) return true;
  const issue = key.slice(0, key.lastIndexOf(':') + 1);
  // The edits of panels still open go last: those panels keep them on screen meanwhile.
  const now = new Date();
  const others = keptEntries(store)
    .filter((e) => !e.key.startsWith(issue))
    .map((e) => ({ ...e, live: isLive(store, e.key, now) }))
    .sort((a, b) => Number(a.live) - Number(b.live) || (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  for (const other of others) {
    dropUnsaved(store, other.key);
    if (tryKeep()) return true;
  }
  return false;
}

/** How many kept entries one sweep looks at: the work of opening a panel stays bounded, whatever is kept. */
const SWEEP_LIMIT = 1_000;

/**
 * When a kept entry was last edited, read from the head of its text (JSON.stringify writes `at` first), so a
 * pasted story of 100,000 characters is not parsed to learn its age; '' when unreadable.
 */
function keptAt(text: string): string {
  const head = /^\{"at":"([^"]{1,40})"/.exec(text.slice(0, 60));
  if (head) return head[1]!;
  try {
    const at = (JSON.parse(text) as { at?: unknown } | null)?.at;
    return typeof at === 'string' ? at : '';
  } catch {
    return '';
  }
}

/** Every panel's kept entry in this browser (all people and issues, up to SWEEP_LIMIT), with its time. */
function keptEntries(store: KeptStore): Array<{ key: string; at: string }> {
  try {
    return keysStartingWith(store, UNSAVED_PREFIX, SWEEP_LIMIT).map((key) => ({
      key,
      at: keptAt(store.getItem(key) ?? ''),
    }));
  } catch {
    return []; // A store that cannot be read holds nothing this panel can use.
  }
}

/**
 * Drops every kept entry past the fortnight, or unreadable, whatever issue it was made on: run when any issue's
 * panel opens, so the edits of issues never opened again do not fill the browser's storage.
 */
export function dropExpiredUnsaved(store: KeptStore | null, now: Date): void {
  if (!store) return;
  for (const { key, at } of keptEntries(store)) {
    const age = now.getTime() - Date.parse(at);
    if (!(Math.abs(age) <= MAX_AGE_MS) && !isLive(store, key, now)) dropUnsaved(store, key);
  }
  // What panels closed without saying so (a crashed tab) left behind.
  for (const key of keysStartingWith(store, ALIVE_PREFIX, SWEEP_LIMIT)) {
    let said: string | null = null;
    try {
      said = store.getItem(key);
    } catch {
      return;
    }
    if (!saidOpenLately(said, now)) dropUnsaved(store, key);
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
    !isList(u.mineAlso) ||
    (u.story !== undefined && typeof u.story !== 'string')
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
 * Whether two drafts hold the same words for the Jira description: the hypothesis's three parts and every
 * expectation. Only then may the saved hypothesis go into the description: an edited target not yet saved would
 * otherwise be written as the old one.
 */
export function sameDescribedParts(a: IssueLensDraft, b: IssueLensDraft): boolean {
  const described = (d: IssueLensDraft) => ({
    persona: d.hypothesis.persona ?? '',
    intent: d.hypothesis.intent ?? '',
    benefit: d.hypothesis.benefit ?? '',
    expected: d.expected,
    alsoExpected: d.alsoExpected ?? [],
  });
  return sameDraft(described(a), described(b));
}

/**
 * The kept edits, oldest first, each on top of what is saved now and of the ones before it: a field left alone
 * takes the saved value, and the further expectations are merged entry by entry (alsoMineOnTheirs), so a save
 * made since (by someone else, or in another tab) is not undone; `clashes` are the fields, and the further
 * expectations, changed both ways, where the later edit wins.
 */
export function editsOnTop(
  kept: readonly Unsaved[],
  saved: FormValues,
  savedAlso: ExpectedOutcome[],
): { values: FormValues; also: ExpectedOutcome[]; clashes: FormPart[]; story: string } {
  let values = saved;
  let also = savedAlso;
  let story = '';
  const clashes = new Set<FormPart>();
  for (const edits of kept) {
    const merged = mineOnTheirs(edits.loaded, edits.mine, values);
    values = merged.values;
    for (const c of merged.clashes) clashes.add(c.field);
    const mergedAlso = alsoMineOnTheirs(edits.loadedAlso, edits.mineAlso, also);
    also = mergedAlso.also;
    if (mergedAlso.clash) clashes.add('alsoExpected');
    if (edits.story) story = edits.story;
  }
  const order: FormPart[] = [...FIELD_NAMES, 'alsoExpected'];
  return { values, also, clashes: order.filter((part) => clashes.has(part)), story };
}
