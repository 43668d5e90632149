/**
 * The project settings page: load, save and reset, versioned (a stale save is refused). Only project
 * administrators (asked of Jira for the caller) may change them. The entry gate reads them from app storage
 * itself (src/gate), so nothing is mirrored into Jira where an editor could change it.
 */
import { kvs } from '../storage/kvs-client';
import { FLAGGED_JQL, type SettingsData } from '../contract/settings';
import { quotedShort } from '../domain/says-something';
import { DEFAULT_SETTINGS, settingsSaveProblems, type Settings } from '../domain/settings';
import { JiraHttpError, JiraRateLimitError, NotAuthorizedError, ValidationError } from '../errors';
import { JiraClient } from '../jira/client';
import { jqlString } from '../jira/jql';
import type { CallContext } from '../resolvers/endpoint';
import { keys } from '../storage/keys';
import {
  loadSettings,
  resetSettings,
  saveSettings,
  type LoadedSettings,
  type SavedSettings,
} from '../storage/settings';
import type { Clock } from './outcome-map';
import { projectRights, requireBrowse, targetProject } from './project-access';

const ADMIN_ONLY =
  'Only project administrators can change Outcome Lens settings. You can see them read-only.';

/** What the page offers as choices, read from the project itself (asUser: only what the admin can see). */
type ProjectHints = Pick<
  SettingsData,
  'killTransitions' | 'killTransitionsFrom' | 'issueTypes' | 'hintsProblem'
>;

const HINT_SAMPLE = 100;

/** Why Jira gave no answer, in words for the page. */
function jiraCause(error: unknown): string {
  if (error instanceof JiraRateLimitError) return 'Jira is busy and asked the app to wait';
  if (error instanceof JiraHttpError) return `Jira answered with an error, HTTP ${error.status}`;
  return 'Jira did not answer as expected';
}

async function projectHints(projectKey: string): Promise<ProjectHints> {
  // One search gives the issue types in use (a sample of open work) and an issue whose workflow shows the
  // transitions into done. Workflows can differ per issue type: the page says where the list comes from.
  // Jira failing to answer is told apart from a project with no open work, and the settings still load.
  let jira: JiraClient;
  let found: Awaited<ReturnType<JiraClient['searchJql']>>;
  try {
    jira = JiraClient.asUser();
    found = await jira.searchJql({
      jql: `project = ${jqlString(projectKey)} AND statusCategory != Done ORDER BY updated DESC`,
      fields: ['issuetype'],
      maxResults: HINT_SAMPLE,
    });
  } catch (error) {
    console.warn(`settings: could not read the open work of ${projectKey}`, String(error));
    return {
      killTransitions: [],
      killTransitionsFrom: null,
      issueTypes: [],
      hintsProblem: `This project's issue types and workflow could not be read from Jira (${jiraCause(error)}), so no issue types or kill transitions are suggested below. Your settings are loaded as saved; reload the page to try again.`,
    };
  }
  const issueTypes = [
    ...new Set(found.issues.map((i) => i.fields.issuetype?.name).filter((n): n is string => !!n)),
  ].sort((a, b) => a.localeCompare(b));
  const first = found.issues[0];
  if (!first) return { killTransitions: [], killTransitionsFrom: null, issueTypes, hintsProblem: null };
  try {
    const transitions = await jira.getTransitions(first.key);
    return {
      killTransitions: transitions.filter((t) => t.to?.statusCategory?.key === 'done').map((t) => t.name),
      killTransitionsFrom: first.key,
      issueTypes,
      hintsProblem: null,
    };
  } catch (error) {
    console.warn(`settings: could not read the transitions of ${first.key}`, String(error));
    return {
      killTransitions: [],
      killTransitionsFrom: null,
      issueTypes,
      hintsProblem: `This project's workflow could not be read from Jira (${jiraCause(error)}), so no kill transitions are suggested below. Your settings are loaded as saved; reload the page to try again.`,
    };
  }
}

async function meta(projectKey: string): Promise<{ updatedAt: string | null; updatedBy: string | null }> {
  // The store answers only the version; when it was saved and by whom live in the same record.
  const record = await kvs.get<{ updatedAt?: string | null; updatedBy?: string | null }>(
    keys.settings(projectKey),
  );
  return { updatedAt: record?.updatedAt ?? null, updatedBy: record?.updatedBy ?? null };
}

function answer(
  projectKey: string,
  loaded: LoadedSettings,
  admin: boolean,
  extra: ProjectHints & Pick<SettingsData, 'updatedAt' | 'updatedBy'>,
): SettingsData {
  return {
    flaggedJql: `project = ${jqlString(projectKey)} AND ${FLAGGED_JQL}`,
    settings: loaded.settings,
    defaults: DEFAULT_SETTINGS,
    version: loaded.version,
    canEdit: admin,
    readOnlyReason: admin ? null : ADMIN_ONLY,
    ...extra,
    storedProblems: Object.fromEntries(
      settingsSaveProblems(loaded.settings).map((p) => [['settings', ...p.path].join('.'), p.message]),
    ),
  };
}

export async function loadProjectSettings(call: CallContext): Promise<SettingsData> {
  const projectKey = targetProject(call);
  const rights = await requireBrowse(projectKey);
  const [loaded, hints, m] = await Promise.all([
    loadSettings(projectKey),
    projectHints(projectKey),
    meta(projectKey),
  ]);
  return answer(projectKey, loaded, rights.admin, { ...hints, ...m });
}

export async function requireAdmin(projectKey: string): Promise<void> {
  const rights = await projectRights(projectKey);
  if (!rights.browse)
    throw new NotAuthorizedError(`You do not have permission to see project ${projectKey}.`);
  if (!rights.admin) throw new NotAuthorizedError(ADMIN_ONLY);
}

/** Saves settings on top of `version` after checking the caller administers the project. */
async function store(projectKey: string, write: () => Promise<SavedSettings>): Promise<SettingsData> {
  await requireAdmin(projectKey);
  // Who saved and when are the answered version's own: a read after it could find the next save's.
  const { updatedAt, updatedBy, ...saved } = await write();
  return answer(projectKey, saved, true, { ...(await projectHints(projectKey)), updatedAt, updatedBy });
}

export function saveProjectSettings(
  call: CallContext,
  input: { version: number; settings: Settings },
  clock: Clock,
): Promise<SettingsData> {
  const projectKey = targetProject(call);
  return store(projectKey, async () => {
    const settings = await withSiteResolution(projectKey, input.settings);
    return saveSettings(projectKey, settings, input.version, { now: clock.now(), actor: call.accountId });
  });
}

/**
 * The kill resolution must be one the site has: Jira refuses a transition that sets another, and a kill closed
 * without it would count as delivered work. A name newly set is looked up among the site's resolutions and saved
 * as the site spells it (Jira matches the name as written); one Jira does not have is refused at its field. The
 * name saved before, exactly, stands unasked, and when Jira does not list the resolutions, the save goes ahead:
 * the kill still closes without a resolution Jira refuses.
 */
async function withSiteResolution(projectKey: string, settings: Settings): Promise<Settings> {
  const wanted = settings.kill.resolutionName.trim();
  const saved = (await loadSettings(projectKey)).settings.kill.resolutionName;
  if (wanted === saved) return settings;
  const names = await JiraClient.asUser()
    .resolutionNames()
    .catch((error: unknown) => {
      console.warn(`settings: could not read the site's resolutions for ${projectKey}`, String(error));
      return null;
    });
  // No list, or an empty one, tells nothing of what the site has.
  if (names === null || names.length === 0) return settings;
  const found = names.find((n) => n.toLowerCase() === wanted.toLowerCase());
  if (found !== undefined) return { ...settings, kill: { ...settings.kill, resolutionName: found } };
  const quoted = names.slice(0, 12).map((n) => `"${n}"`);
  if (names.length > 12) quoted.push(`${names.length - 12} more`);
  const message = `${quotedShort(wanted)} is not a resolution on this site, so Jira would refuse it when a kill closes an item. Choose one it has (${quoted.join(', ')}), or ask a Jira admin to add it first.`;
  throw ValidationError.ofFields({ 'settings.kill.resolutionName': message });
}

export function resetProjectSettings(
  call: CallContext,
  input: { version: number },
  clock: Clock,
): Promise<SettingsData> {
  const projectKey = targetProject(call);
  return store(projectKey, () =>
    resetSettings(projectKey, input.version, { now: clock.now(), actor: call.accountId }),
  );
}
