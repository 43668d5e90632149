/**
 * A project's settings in app storage: what the admin stored (a partial object) plus a version. Reading
 * always yields a full, frozen Settings (defaults filled in by the domain, in one place); saving validates
 * the merged whole and refuses a stale version.
 */
import { kvs } from './kvs-client';
import { fieldErrors } from '../domain/schemas';
import { parseSettings, settingsOrDefaults, type Settings, type StoredSettings } from '../domain/settings';
import { ConflictError, ValidationError } from '../errors';
import { SETTINGS_STALE_MESSAGE, SETTINGS_STALE_OWN_MESSAGE } from '../contract/settings-keys';
import { keys } from './keys';
import { backOffAfterConflict, checkValueSize, listAll, writeClaimed } from './kv';

interface SettingsRecord {
  stored: StoredSettings;
  version: number;
  updatedAt: string | null;
  updatedBy: string | null;
  /**
   * Who saved each of the latest versions (WRITERS_KEPT), newest last: a save refused beside several newer ones
   * is told they were all the person's own only when they were. Absent on records stored before it was kept.
   */
  writers?: Array<{ version: number; by: string | null }>;
}

/** Versions whose writer a record keeps: more saves than this while a page stays open are not told apart. */
const WRITERS_KEPT = 20;

/**
 * Whether every version after `seen` up to the record's own was saved by `actor` (in another tab or window). A
 * version the record no longer names counts as someone else's; a record from before `writers` names its newest.
 */
function allSavedBy(record: SettingsRecord, seen: number, actor: string): boolean {
  if (!record.writers) return record.updatedBy === actor;
  for (let v = seen + 1; v <= record.version; v++)
    if (record.writers.find((w) => w.version === v)?.by !== actor) return false;
  return true;
}

export interface LoadedSettings {
  settings: Readonly<Settings>;
  stored: StoredSettings;
  /** 0 while nothing was ever saved. */
  version: number;
}

/** Settings as a save answers them: with who saved that version and when, from the record written or found. */
export interface SavedSettings extends LoadedSettings {
  updatedAt: string | null;
  updatedBy: string | null;
}

const savedFrom = (settings: Readonly<Settings>, record: SettingsRecord): SavedSettings => ({
  settings,
  stored: record.stored,
  version: record.version,
  updatedAt: record.updatedAt ?? null,
  updatedBy: record.updatedBy ?? null,
});

/** A page's version ahead of the stored one: no one saved since; the stored settings went back (removed, restored). */
const aheadMessage = (sent: number, stored: number) =>
  `This page shows version ${sent} of the settings, but version ${stored} is stored now (the settings were removed or restored since it loaded): nothing was saved. Reload them, then apply your change again.`;
const UNFINISHED_MESSAGE =
  'An earlier save of these settings is still being written, or stopped before it was: nothing was saved since. Save again in a minute.';

async function readRecord(projectKey: string): Promise<SettingsRecord | null> {
  return (await kvs.get<SettingsRecord>(keys.settings(projectKey))) ?? null;
}

/** Every project whose settings were ever saved (reset included): one listing, not a read a project. */
export async function projectsWithSettings(): Promise<Set<string>> {
  const found = await listAll<unknown>(keys.settingsPrefix, 1_000_000);
  return new Set(found.map((f) => f.key.slice(keys.settingsPrefix.length)));
}

export async function loadSettings(projectKey: string): Promise<LoadedSettings> {
  const record = await readRecord(projectKey);
  const stored = record?.stored ?? {};
  // A stored value that no longer validates (an older app version) must not break a scan: defaults apply.
  return { settings: settingsOrDefaults(stored), stored, version: record?.version ?? 0 };
}

export async function saveSettings(
  projectKey: string,
  stored: unknown,
  expectedVersion: number,
  meta: { now?: Date; actor?: string | null } = {},
): Promise<SavedSettings> {
  const parsed = parseSettings(stored);
  if (!parsed.ok) throw new ValidationError('Some settings are invalid.', fieldErrors(parsed.error));
  const current = await readRecord(projectKey);
  const currentVersion = current?.version ?? 0;
  if (currentVersion !== expectedVersion) {
    // The same person's save sent again after its answer was lost: what they save is stored, one version on.
    if (current && isRepeatOf(current, stored, expectedVersion, meta.actor))
      return savedFrom(parsed.settings, current);
    if (expectedVersion > currentVersion)
      throw new ConflictError(aheadMessage(expectedVersion, currentVersion), await loadSettings(projectKey));
    throw await staleSave(projectKey, current, expectedVersion, meta.actor);
  }
  const next: SettingsRecord = {
    stored: stored as StoredSettings,
    version: currentVersion + 1,
    updatedAt: (meta.now ?? new Date()).toISOString(),
    updatedBy: meta.actor ?? null,
    writers: [...(current?.writers ?? []), { version: currentVersion + 1, by: meta.actor ?? null }].slice(
      -WRITERS_KEPT,
    ),
  };
  checkValueSize(next, 'The settings');
  const revision = keys.settingsRevision(projectKey, next.version);
  for (let attempt = 1; ; attempt++) {
    if (await writeClaimed(revision, { at: next.updatedAt }, keys.settings(projectKey), next))
      return savedFrom(parsed.settings, next);
    // Lost the claim of version n + 1. It may be this very save sent twice at once (a double click, a request
    // sent again): once the winner's value is readable, a repeat is answered as saved, anything else is stale.
    await backOffAfterConflict(attempt);
    const after = await readRecord(projectKey);
    if (after && isRepeatOf(after, stored, expectedVersion, meta.actor))
      return savedFrom(parsed.settings, after);
    if ((after?.version ?? 0) !== expectedVersion)
      throw await staleSave(projectKey, after, expectedVersion, meta.actor);
    // Still at the version read: the claimer has not written yet, or stopped before it could; nobody saved since.
    if (attempt >= CLAIM_LOST_READS)
      throw new ConflictError(UNFINISHED_MESSAGE, await loadSettings(projectKey));
  }
}

/**
 * A save made on version `seen`, older than `newer`: the refusal names the newest version's write, and a person
 * who made every save since themselves (in another tab or window) is told so, not that someone else did.
 */
async function staleSave(
  projectKey: string,
  newer: SettingsRecord | null,
  seen: number,
  actor: string | null | undefined,
): Promise<ConflictError> {
  const byYou = !!actor && !!newer && allSavedBy(newer, seen, actor);
  return new ConflictError(
    byYou ? SETTINGS_STALE_OWN_MESSAGE : SETTINGS_STALE_MESSAGE,
    await loadSettings(projectKey),
    undefined,
    {
      accountId: newer?.updatedBy ?? null,
      name: null,
      at: newer?.updatedAt ?? null,
      ...(byYou ? { byYou } : {}),
    },
  );
}

/** How often a save that lost the claim reads again for the winner's value (about 0.8 s in all, at most). */
const CLAIM_LOST_READS = 5;

function isRepeatOf(
  current: SettingsRecord,
  stored: unknown,
  expectedVersion: number,
  actor: string | null | undefined,
): boolean {
  return (
    current.version === expectedVersion + 1 &&
    !!actor &&
    current.updatedBy === actor &&
    JSON.stringify(current.stored) === JSON.stringify(stored)
  );
}

/** Back to the defaults, as a new version (so a concurrent editor is told, not overwritten). */
export function resetSettings(
  projectKey: string,
  expectedVersion: number,
  meta: { now?: Date; actor?: string | null } = {},
): Promise<SavedSettings> {
  return saveSettings(projectKey, {}, expectedVersion, meta);
}
