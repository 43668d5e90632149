/**
 * Permission questions answered by Jira itself for the user of the current invocation (asUser
 * mypermissions). Used before the app acts asApp() on a user's behalf.
 */
import { NotAuthorizedError, NotFoundError } from '../errors';
import { JiraClient } from './client';

async function holds(
  context: { projectKey?: string; issueKey?: string },
  permission: string,
): Promise<boolean> {
  try {
    const answer = await JiraClient.asUser().myPermissions(context, [permission]);
    return answer[permission] === true;
  } catch (e) {
    // Jira hides what the user may not browse behind a 404: that is a "no", not a failure.
    if (e instanceof NotAuthorizedError || e instanceof NotFoundError) return false;
    throw e;
  }
}

export function canBrowseProject(projectKey: string): Promise<boolean> {
  return holds({ projectKey }, 'BROWSE_PROJECTS');
}

export function canEditIssue(issueKey: string): Promise<boolean> {
  return holds({ issueKey }, 'EDIT_ISSUES');
}

export function canAdministerProject(projectKey: string): Promise<boolean> {
  return holds({ projectKey }, 'ADMINISTER_PROJECTS');
}

export function canTransitionIssue(issueKey: string): Promise<boolean> {
  return holds({ issueKey }, 'TRANSITION_ISSUES');
}

/** Throws NotAuthorizedError with `message` unless `check` resolved true. */
export async function requirePermission(check: Promise<boolean>, message: string): Promise<void> {
  if (!(await check)) throw new NotAuthorizedError(message);
}
