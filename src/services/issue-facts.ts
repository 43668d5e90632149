/**
 * A Jira issue as the domain judges it. The panel, the map, kill review and backlog health all read issues
 * from Jira and score them: they read status and facts here, so the four never judge one issue differently.
 */
import type { IssueFacts } from '../domain/assess-issue';
import { ISSUE_PROPERTY_KEY, readLens } from '../domain/issue-lens';
import type { StatusCategory } from '../domain/zombie';
import { ConflictError, NotAuthorizedError, NotFoundError } from '../errors';
import type { JiraClient } from '../jira/client';
import type { JiraIssue } from '../jira/schemas';
import { unseenIssue } from './project-access';

/** Jira's status category; anything other than done or in progress counts as new. */
export function statusCategoryOf(issue: JiraIssue): StatusCategory {
  const key = issue.fields.status?.statusCategory.key;
  return key === 'done' || key === 'indeterminate' ? key : 'new';
}

/** The facts the domain scores, with the outcome the issue's parent links to (null when none or unknown). */
export function issueFacts(issue: JiraIssue, parentOutcomeId: string | null): IssueFacts {
  const parentKey = issue.fields.parent?.key ?? null;
  return {
    key: issue.key,
    summary: issue.fields.summary ?? '',
    description: issue.fields.description ?? null,
    statusCategory: statusCategoryOf(issue),
    parent: parentKey ? { key: parentKey, outcomeId: parentOutcomeId } : null,
  };
}

/** The outcome a parent's own lens links to. A parent the caller cannot see lends no link and fails nothing. */
export async function parentOutcomeOf(jira: JiraClient, parentKey: string): Promise<string | null> {
  try {
    return readLens(await jira.getIssueProperty(parentKey, ISSUE_PROPERTY_KEY)).outcomeId;
  } catch (e) {
    if (e instanceof NotFoundError || e instanceof NotAuthorizedError) return null;
    throw e;
  }
}

/**
 * The issue a decision or a verdict is about, with its lens: one the caller cannot see is refused the same
 * way as one that no longer exists, so neither tells the other apart.
 */
export async function readDecisionIssue(
  jira: JiraClient,
  issueKey: string,
  projectKey: string,
): Promise<JiraIssue> {
  let issue: JiraIssue;
  try {
    issue = await jira.getIssue(issueKey, {
      fields: [
        'summary',
        'description',
        'status',
        'issuetype',
        'parent',
        'labels',
        'resolution',
        'project',
        // When its status category last changed: a kill's retry tells a colleague's move since its first try.
        'statuscategorychangedate',
      ],
      properties: [ISSUE_PROPERTY_KEY],
    });
  } catch (e) {
    if (e instanceof NotFoundError) throw new NotAuthorizedError(unseenIssue(issueKey));
    throw e;
  }
  refuseMoved(issueKey, projectKey, issue);
  return issue;
}

/**
 * Whether Jira's answer for an issue the app knew as `issueKey` in `projectKey` is of an issue moved since: Jira
 * keeps answering to a moved issue's id and old key with the issue as it is now, under its new key and project.
 * A project not asked for (absent) tells nothing; one answered as null is not this project.
 */
export function movedSince(issue: JiraIssue, issueKey: string, projectKey: string): boolean {
  const project = issue.fields.project?.key;
  return (
    issue.key.toUpperCase() !== issueKey.toUpperCase() || (project !== undefined && project !== projectKey)
  );
}

/**
 * Jira keeps answering to a moved issue's old key, with the issue as it is now, in its new project. A decision
 * made in one project must not reach an issue that left it (the app acts for a person who may not see the new
 * one), so it is refused without naming where the issue went.
 */
export function refuseMoved(issueKey: string, projectKey: string, issue: JiraIssue): void {
  if (movedSince(issue, issueKey, projectKey))
    throw new ConflictError(
      `${issueKey} is no longer in ${projectKey} (it was moved): nothing was done to it.`,
    );
}
