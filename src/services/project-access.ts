/**
 * Who may do what on the project page and the settings page, asked of Jira for the caller (asUser
 * mypermissions) before the app acts asApp() or writes app storage on their behalf; and, for background work
 * with no user, asked by the app for the person who started it (permissions/check).
 */
import type { ProjectPagePermissions } from '../contract/project-page';
import type { Settings } from '../domain/settings';
import { NotAuthorizedError, NotFoundError, ValidationError } from '../errors';
import { JiraClient } from '../jira/client';
import type { JiraIssue } from '../jira/schemas';
import type { CallContext } from '../resolvers/endpoint';

export interface ProjectRights {
  browse: boolean;
  edit: boolean;
  transition: boolean;
  admin: boolean;
}

/** The project this call acts on: always the Forge context's, never a key from the payload. */
export function targetProject(call: CallContext): string {
  if (!call.projectKey)
    throw new ValidationError('Open Outcome Lens from a project: this page has no project.');
  return call.projectKey;
}

export async function projectRights(projectKey: string): Promise<ProjectRights> {
  try {
    const held = await JiraClient.asUser().myPermissions({ projectKey }, [
      'BROWSE_PROJECTS',
      'EDIT_ISSUES',
      'TRANSITION_ISSUES',
      'ADMINISTER_PROJECTS',
    ]);
    return {
      browse: held.BROWSE_PROJECTS === true,
      edit: held.EDIT_ISSUES === true,
      transition: held.TRANSITION_ISSUES === true,
      admin: held.ADMINISTER_PROJECTS === true,
    };
  } catch (e) {
    // Jira hides a project the user may not browse behind a 404.
    if (e instanceof NotFoundError || e instanceof NotAuthorizedError)
      return { browse: false, edit: false, transition: false, admin: false };
    throw e;
  }
}

/** Rights of a caller who must at least browse the project; outsiders are refused here. */
export async function requireBrowse(projectKey: string): Promise<ProjectRights> {
  const rights = await projectRights(projectKey);
  if (!rights.browse)
    throw new NotAuthorizedError(`You do not have permission to see project ${projectKey}.`);
  return rights;
}

/**
 * Whether the client's actor holds Jira's global "Make bulk changes" permission (BULK_CHANGE), which the bulk
 * transition API requires of its caller (OpenAPI spec, submitBulkTransition: "Global bulk change permission").
 */
export async function mayBulkChange(jira: JiraClient = JiraClient.asUser()): Promise<boolean> {
  const held = await jira.myPermissions({}, ['BULK_CHANGE']);
  return held.BULK_CHANGE === true;
}

/** What a person may do in a project, as the app read it for them (background work has no user). */
export interface PersonRights {
  browse: boolean;
  edit: boolean;
  transition: boolean;
  comment: boolean;
  bulkChange: boolean;
}

const PERSON_PROJECT_PERMISSIONS = [
  'BROWSE_PROJECTS',
  'EDIT_ISSUES',
  'TRANSITION_ISSUES',
  'ADD_COMMENTS',
] as const;

/**
 * A person's rights in a project, asked by the app of Jira's permission check (POST /rest/api/3/permissions/check
 * with their account id, which an app may ask for anyone). Background work a person started (the bulk
 * decisions' queue consumer) acts asApp(), since Forge offers no acting as another user, and checks with this
 * on every run that the person still may do what it does for them.
 */
export async function personRights(projectKey: string, accountId: string): Promise<PersonRights> {
  const jira = JiraClient.asApp();
  let projectId: number;
  try {
    projectId = Number((await jira.getProject(projectKey)).id);
  } catch (e) {
    if (e instanceof NotFoundError)
      return { browse: false, edit: false, transition: false, comment: false, bulkChange: false };
    throw e;
  }
  const result = await jira.checkPermissions(
    accountId,
    [{ permissions: [...PERSON_PROJECT_PERMISSIONS], projectIds: [projectId] }],
    ['BULK_CHANGE'],
  );
  const inProject = (permission: string) =>
    result.projectPermissions.some((p) => p.permission === permission && p.projects.includes(projectId));
  return {
    browse: inProject('BROWSE_PROJECTS'),
    edit: inProject('EDIT_ISSUES'),
    transition: inProject('TRANSITION_ISSUES'),
    comment: inProject('ADD_COMMENTS'),
    bulkChange: result.globalPermissions.includes('BULK_CHANGE'),
  };
}

/**
 * Refuses background work a decision of this kind for a person who lacks a permission it uses: every kind
 * writes the issue (Edit Issues), a kill also transitions it and comments on it.
 */
export function requirePersonMayDecide(
  rights: PersonRights,
  projectKey: string,
  kind: 'kill' | 'keep' | 'relink',
): void {
  const missing: string[] = [];
  if (!rights.browse) missing.push('Browse Projects');
  if (!rights.edit) missing.push('Edit Issues');
  if (kind === 'kill' && !rights.transition) missing.push('Transition Issues');
  if (kind === 'kill' && !rights.comment) missing.push('Add Comments');
  if (missing.length)
    throw new NotAuthorizedError(
      `The person who started this bulk decision no longer holds ${missing.join(', ')} in project ${projectKey}: not decided.`,
    );
}

/**
 * What a person hears of an issue they may not see: the same as of a key that does not exist, as Jira answers both
 * with one 404, so that the app tells no one an issue hidden from them is there.
 */
export function unseenIssue(issueKey: string): string {
  return `You cannot see ${issueKey}, or it no longer exists.`;
}

/**
 * A person's own Kill of one issue, checked on that issue in one call (the project's rights do not tell: an
 * issue's security level, a comment permission granted to some roles only): they must see it, edit and
 * transition it, and comment on it, or a refusal of the comment after the close would leave the issue closed and
 * the decision unrecorded. Nothing is done when any is missing.
 */
export async function requireOwnKillRights(issueKey: string): Promise<void> {
  let held: Record<string, boolean>;
  try {
    held = await JiraClient.asUser().myPermissions({ issueKey }, [
      'BROWSE_PROJECTS',
      'EDIT_ISSUES',
      'TRANSITION_ISSUES',
      'ADD_COMMENTS',
    ]);
  } catch (e) {
    // Jira hides an issue the person may not see behind a 404.
    if (e instanceof NotFoundError || e instanceof NotAuthorizedError)
      throw new NotAuthorizedError(unseenIssue(issueKey));
    throw e;
  }
  if (!held.BROWSE_PROJECTS) throw new NotAuthorizedError(unseenIssue(issueKey));
  if (!held.EDIT_ISSUES || !held.TRANSITION_ISSUES)
    throw new NotAuthorizedError(
      'Only people who can edit and transition issues in this project can decide in kill review.',
    );
  if (!held.ADD_COMMENTS)
    throw new NotAuthorizedError(
      `A kill closes ${issueKey} and comments on it, and you lack Add Comments on it: nothing was done.`,
    );
}

/**
 * What a bulk decision does to each item, by permission: every kind reads and writes the issue (its lens, its
 * label); a Kill also transitions it and resolves it (as "Won't Do").
 */
const ITEM_PERMISSIONS = { BROWSE_PROJECTS: 'Browse Projects', EDIT_ISSUES: 'Edit Issues' };
const KILL_ITEM_PERMISSIONS = {
  ...ITEM_PERMISSIONS,
  TRANSITION_ISSUES: 'Transition Issues',
  RESOLVE_ISSUES: 'Resolve Issues',
};
/** Issue ids one permission check asks about: Jira checks at most 1,000 (OpenAPI spec, getBulkPermissions). */
const CHECK_BATCH = 1000;

/**
 * For each of the given issues (as the app fetched them), the permissions a decision of `kind` uses on it that
 * the person lacks, by name (issues the app cannot read are not given: their own decision reports them). Asked
 * per issue, not per project, with Jira's permission check (POST /rest/api/3/permissions/check takes issue ids):
 * an issue's security level can hide one issue of a project the person may browse, and the bulk consumer acts as
 * the app, whose rights Jira checks, not the person's.
 */
export async function missingItemRights(
  accountId: string,
  issues: ReadonlyArray<Pick<JiraIssue, 'id' | 'key'>>,
  kind: 'kill' | 'keep' | 'relink',
): Promise<Map<string, string[]>> {
  const wanted = kind === 'kill' ? KILL_ITEM_PERMISSIONS : ITEM_PERMISSIONS;
  const held = await heldOnIssues(
    accountId,
    issues.map((i) => i.id),
    Object.keys(wanted),
  );
  const missing = new Map<string, string[]>();
  for (const issue of issues) {
    const lacks = Object.entries(wanted)
      .filter(([permission]) => !held.get(permission)?.has(Number(issue.id)))
      .map(([, name]) => name);
    if (lacks.length) missing.set(issue.key, lacks);
  }
  return missing;
}

/**
 * The issue ids among `ids` the person may see (Browse Projects on the issue, which its security level can
 * deny), asked by the app for them: a filter's selection, resolved as the app, keeps only these.
 */
export async function browsableBy(accountId: string, ids: readonly string[]): Promise<Set<string>> {
  const held = await heldOnIssues(accountId, ids, ['BROWSE_PROJECTS']);
  const seen = held.get('BROWSE_PROJECTS') ?? new Set<number>();
  return new Set(ids.filter((id) => seen.has(Number(id))));
}

async function heldOnIssues(
  accountId: string,
  ids: readonly string[],
  permissions: string[],
): Promise<Map<string, Set<number>>> {
  const held = new Map(permissions.map((p) => [p, new Set<number>()]));
  const jira = JiraClient.asApp();
  for (let i = 0; i < ids.length; i += CHECK_BATCH) {
    const batch = ids.slice(i, i + CHECK_BATCH).map(Number);
    const result = await jira.checkPermissions(accountId, [{ permissions, issueIds: batch }]);
    for (const p of result.projectPermissions)
      for (const id of p.issues) if (batch.includes(id)) held.get(p.permission)?.add(id);
  }
  return held;
}

/**
 * Of the given issue keys, those to keep from the caller: issues the app reads under that key and the caller
 * cannot (an issue security level leaves them out; Jira answers as if they did not exist). What the app
 * gathered as the app (the decision log, the scan's bets and examples) passes through this before a person sees
 * it. A key the app does not read under itself was deleted or moved: Jira answers a moved issue under its new
 * key, without the key asked, so when the caller cannot read an issue answered under a key not asked, every
 * such key of the chunk is kept from them (which old key it was cannot be told; its record may name what the
 * caller may no longer see). Otherwise it stays: a deleted issue's record is the app's. Two bulk reads
 * (caller and app) per 100 keys.
 */
export async function hiddenFromCaller(issueKeys: Iterable<string>): Promise<Set<string>> {
  const wanted = [...new Set(issueKeys)];
  const hidden = new Set<string>();
  for (let i = 0; i < wanted.length; i += 100) {
    const chunk = wanted.slice(i, i + 100);
    const asked = new Set(chunk.map((k) => k.toUpperCase()));
    const [theirs, apps] = await Promise.all([
      JiraClient.asUser().bulkFetchIssues(chunk, { fields: ['issuetype'] }),
      JiraClient.asApp().bulkFetchIssues(chunk, { fields: ['issuetype'] }),
    ]);
    const seen = new Set(theirs.map((issue) => issue.key.toUpperCase()));
    const theirIds = new Set(theirs.map((issue) => issue.id));
    const readAsAsked = new Set<string>();
    let movedOutOfSight = false;
    for (const issue of apps) {
      const key = issue.key.toUpperCase();
      if (asked.has(key)) {
        readAsAsked.add(key);
        if (!seen.has(key)) hidden.add(key);
      } else if (!theirIds.has(issue.id)) movedOutOfSight = true;
    }
    if (movedOutOfSight) for (const key of asked) if (!readAsAsked.has(key)) hidden.add(key);
  }
  return hidden;
}

/**
 * Of the given issue keys, those Jira answers the caller under that very key: what a list of issues the app
 * recorded earlier may name to them. Stricter than hiddenFromCaller: an issue deleted, moved, or secured since
 * so that even the app cannot read it is left out too (its record may name what the caller may no longer see).
 * One bulk read as the caller per 100 keys.
 */
export async function readableByCaller(issueKeys: Iterable<string>): Promise<Set<string>> {
  const wanted = [...new Set(issueKeys)];
  const readable = new Set<string>();
  for (let i = 0; i < wanted.length; i += 100) {
    const chunk = wanted.slice(i, i + 100);
    const theirs = await JiraClient.asUser().bulkFetchIssues(chunk, { fields: ['issuetype'] });
    for (const issue of theirs) readable.add(issue.key.toUpperCase());
  }
  return readable;
}

/** `items` without those whose issue is kept from the caller (hiddenFromCaller). */
export async function visibleToCaller<T>(
  items: readonly T[],
  keyOf: (item: T) => string | undefined,
): Promise<T[]> {
  const keysOf = items.flatMap((item) => keyOf(item) ?? []);
  if (keysOf.length === 0) return [...items];
  const hidden = await hiddenFromCaller(keysOf);
  return items.filter((item) => !hidden.has((keyOf(item) ?? '').toUpperCase()));
}

export function outcomeEditing(
  rights: ProjectRights,
  settings: Pick<Settings, 'outcomeEditors'>,
): { allowed: boolean; reason: string | null } {
  if (rights.admin) return { allowed: true, reason: null };
  if (settings.outcomeEditors === 'editors' && rights.edit) return { allowed: true, reason: null };
  return {
    allowed: false,
    reason:
      settings.outcomeEditors === 'admins'
        ? 'Only project administrators can change outcomes in this project.'
        : 'Only people who can edit issues in this project can change outcomes.',
  };
}

export function pagePermissions(
  rights: ProjectRights,
  settings: Pick<Settings, 'outcomeEditors'>,
): ProjectPagePermissions {
  const editing = outcomeEditing(rights, settings);
  return {
    canEditOutcomes: editing.allowed,
    canDecide: rights.edit && rights.transition,
    isAdmin: rights.admin,
    outcomesReadOnlyReason: editing.reason,
  };
}
