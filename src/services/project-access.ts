/**
 * Who may do what on the project page and the settings page, asked of Jira for the caller (asUser
 * mypermissions) before the app acts asApp() or writes app storage on their behalf.
 */
import type { ProjectPagePermissions } from '../contract/project-page';
import type { Settings } from '../domain/settings';
import { NotAuthorizedError, NotFoundError, ValidationError } from '../errors';
import { JiraClient } from '../jira/client';
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

export async function projectRights(projectKey: string, actAs?: string): Promise<ProjectRights> {
  try {
    const held = await JiraClient.asUser(actAs).myPermissions({ projectKey }, [
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
export async function requireBrowse(projectKey: string, actAs?: string): Promise<ProjectRights> {
  const rights = await projectRights(projectKey, actAs);
  if (!rights.browse)
    throw new NotAuthorizedError(`You do not have permission to see project ${projectKey}.`);
  return rights;
}

/**
 * Whether the user holds Jira's global "Make bulk changes" permission (BULK_CHANGE), which the bulk transition
 * API requires of its caller (OpenAPI spec, submitBulkTransition: "Global bulk change permission").
 */
export async function mayBulkChange(actAs?: string): Promise<boolean> {
  const held = await JiraClient.asUser(actAs).myPermissions({}, ['BULK_CHANGE']);
  return held.BULK_CHANGE === true;
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
