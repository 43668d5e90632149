/**
 * Every Jira REST operation the app calls, in one place. The client builds each request from this registry,
 * and the contract tests read it: they prove the manifest's scopes cover each entry and that each entry is a
 * documented operation of the Jira platform spec. A call that is not listed here cannot be made.
 */
export interface JiraOperation {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The path template exactly as the OpenAPI spec writes it. */
  readonly path: string;
}

export const JIRA_OPERATIONS = {
  searchJql: { method: 'POST', path: '/rest/api/3/search/jql' },
  getIssue: { method: 'GET', path: '/rest/api/3/issue/{issueIdOrKey}' },
  editIssue: { method: 'PUT', path: '/rest/api/3/issue/{issueIdOrKey}' },
  bulkFetchIssues: { method: 'POST', path: '/rest/api/3/issue/bulkfetch' },
  getIssueProperty: { method: 'GET', path: '/rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}' },
  setIssueProperty: { method: 'PUT', path: '/rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}' },
  deleteIssueProperty: {
    method: 'DELETE',
    path: '/rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}',
  },
  setIssuePropertiesBulk: { method: 'POST', path: '/rest/api/3/issue/properties/multi' },
  getTask: { method: 'GET', path: '/rest/api/3/task/{taskId}' },
  getProjectProperty: {
    method: 'GET',
    path: '/rest/api/3/project/{projectIdOrKey}/properties/{propertyKey}',
  },
  setProjectProperty: {
    method: 'PUT',
    path: '/rest/api/3/project/{projectIdOrKey}/properties/{propertyKey}',
  },
  addComment: { method: 'POST', path: '/rest/api/3/issue/{issueIdOrKey}/comment' },
  getTransitions: { method: 'GET', path: '/rest/api/3/issue/{issueIdOrKey}/transitions' },
  transitionIssue: { method: 'POST', path: '/rest/api/3/issue/{issueIdOrKey}/transitions' },
  myPermissions: { method: 'GET', path: '/rest/api/3/mypermissions' },
  checkPermissions: { method: 'POST', path: '/rest/api/3/permissions/check' },
  bulkChangelog: { method: 'POST', path: '/rest/api/3/changelog/bulkfetch' },
  getProject: { method: 'GET', path: '/rest/api/3/project/{projectIdOrKey}' },
  searchProjects: { method: 'GET', path: '/rest/api/3/project/search' },
  myself: { method: 'GET', path: '/rest/api/3/myself' },
  getFields: { method: 'GET', path: '/rest/api/3/field' },
} as const satisfies Record<string, JiraOperation>;

export type JiraOperationName = keyof typeof JIRA_OPERATIONS;

/** The names of a template's path parameters, in order: '/issue/{issueIdOrKey}' → ['issueIdOrKey']. */
export function pathParameters(path: string): string[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
}
