/**
 * Every Jira REST operation the app calls, in one place, each with the one call site that sends it. The client
 * sends requests only through `send`, and the contract tests read the registry: they prove the manifest's scopes
 * cover each entry, that each entry is a documented operation of the Jira platform spec, and that `send` asks
 * for exactly the declared method and path. A call that is not listed here cannot be made.
 *
 * Each `send` is written as `requestJira(route\`/rest/api/3/...\`, { ..., method: '...' })` with a literal
 * template and a literal method: that is the only shape @forge/lint's scope checker reads (its
 * ProductNodeVisitor takes the first argument of a requestJira call when it is a template, and the `method`
 * property of an object literal), so an endpoint assembled at run time would be invisible to it.
 */
import { route, type APIResponse, type RequestInit, type Route } from '@forge/api';

/** What api.asUser() and api.asApp() give: the one method the registry needs. */
export interface JiraRequester {
  requestJira(url: Route, init?: RequestInit): Promise<APIResponse>;
}

/** Headers and body of a request; the operation fixes the method and path. */
export type JiraRequestInit = Omit<RequestInit, 'method'>;

/** A path parameter: an issue or project key or id, a property key, a task id. */
type Id = string | number;

export interface JiraOperation<P = never> {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The path template exactly as the OpenAPI spec writes it. */
  readonly path: string;
  /** Sends the request. Path parameters are escaped by @forge/api's `route`, which refuses path manipulation. */
  readonly send: (jira: JiraRequester, params: P, init: JiraRequestInit) => Promise<APIResponse>;
}

type IssueParams = { issueIdOrKey: Id };
type IssuePropertyParams = { issueIdOrKey: Id; propertyKey: string };
type QueryParams = { query: URLSearchParams };

export const JIRA_OPERATIONS = {
  searchJql: {
    method: 'POST',
    path: '/rest/api/3/search/jql',
    send: (jira, _: object, init) =>
      jira.requestJira(route`/rest/api/3/search/jql`, { ...init, method: 'POST' }),
  } satisfies JiraOperation<object>,
  countIssues: {
    method: 'POST',
    path: '/rest/api/3/search/approximate-count',
    send: (jira, _: object, init) =>
      jira.requestJira(route`/rest/api/3/search/approximate-count`, { ...init, method: 'POST' }),
  } satisfies JiraOperation<object>,
  getIssue: {
    method: 'GET',
    path: '/rest/api/3/issue/{issueIdOrKey}',
    send: (jira, p: IssueParams & QueryParams, init) =>
      jira.requestJira(route`/rest/api/3/issue/${p.issueIdOrKey}?${p.query}`, { ...init, method: 'GET' }),
  } satisfies JiraOperation<IssueParams & QueryParams>,
  editIssue: {
    method: 'PUT',
    path: '/rest/api/3/issue/{issueIdOrKey}',
    send: (jira, p: IssueParams, init) =>
      jira.requestJira(route`/rest/api/3/issue/${p.issueIdOrKey}`, { ...init, method: 'PUT' }),
  } satisfies JiraOperation<IssueParams>,
  bulkFetchIssues: {
    method: 'POST',
    path: '/rest/api/3/issue/bulkfetch',
    send: (jira, _: object, init) =>
      jira.requestJira(route`/rest/api/3/issue/bulkfetch`, { ...init, method: 'POST' }),
  } satisfies JiraOperation<object>,
  getIssueProperty: {
    method: 'GET',
    path: '/rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}',
    send: (jira, p: IssuePropertyParams, init) =>
      jira.requestJira(route`/rest/api/3/issue/${p.issueIdOrKey}/properties/${p.propertyKey}`, {
        ...init,
        method: 'GET',
      }),
  } satisfies JiraOperation<IssuePropertyParams>,
  setIssueProperty: {
    method: 'PUT',
    path: '/rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}',
    send: (jira, p: IssuePropertyParams, init) =>
      jira.requestJira(route`/rest/api/3/issue/${p.issueIdOrKey}/properties/${p.propertyKey}`, {
        ...init,
        method: 'PUT',
      }),
  } satisfies JiraOperation<IssuePropertyParams>,
  deleteIssueProperty: {
    method: 'DELETE',
    path: '/rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}',
    send: (jira, p: IssuePropertyParams, init) =>
      jira.requestJira(route`/rest/api/3/issue/${p.issueIdOrKey}/properties/${p.propertyKey}`, {
        ...init,
        method: 'DELETE',
      }),
  } satisfies JiraOperation<IssuePropertyParams>,
  setIssuePropertiesBulk: {
    method: 'POST',
    path: '/rest/api/3/issue/properties/multi',
    // Jira answers 303 with the task's location: the client reads it rather than follows it.
    send: (jira, _: object, init) =>
      jira.requestJira(route`/rest/api/3/issue/properties/multi`, {
        ...init,
        method: 'POST',
        redirect: 'manual',
      }),
  } satisfies JiraOperation<object>,
  getTask: {
    method: 'GET',
    path: '/rest/api/3/task/{taskId}',
    send: (jira, p: { taskId: Id }, init) =>
      jira.requestJira(route`/rest/api/3/task/${p.taskId}`, { ...init, method: 'GET' }),
  } satisfies JiraOperation<{ taskId: Id }>,
  bulkEditIssues: {
    method: 'POST',
    path: '/rest/api/3/bulk/issues/fields',
    send: (jira, _: object, init) =>
      jira.requestJira(route`/rest/api/3/bulk/issues/fields`, { ...init, method: 'POST' }),
  } satisfies JiraOperation<object>,
  getBulkProgress: {
    method: 'GET',
    path: '/rest/api/3/bulk/queue/{taskId}',
    send: (jira, p: { taskId: Id }, init) =>
      jira.requestJira(route`/rest/api/3/bulk/queue/${p.taskId}`, { ...init, method: 'GET' }),
  } satisfies JiraOperation<{ taskId: Id }>,
  addComment: {
    method: 'POST',
    path: '/rest/api/3/issue/{issueIdOrKey}/comment',
    send: (jira, p: IssueParams, init) =>
      jira.requestJira(route`/rest/api/3/issue/${p.issueIdOrKey}/comment`, { ...init, method: 'POST' }),
  } satisfies JiraOperation<IssueParams>,
  getComments: {
    method: 'GET',
    path: '/rest/api/3/issue/{issueIdOrKey}/comment',
    send: (jira, p: IssueParams & QueryParams, init) =>
      jira.requestJira(route`/rest/api/3/issue/${p.issueIdOrKey}/comment?${p.query}`, {
        ...init,
        method: 'GET',
      }),
  } satisfies JiraOperation<IssueParams & QueryParams>,
  getTransitions: {
    method: 'GET',
    path: '/rest/api/3/issue/{issueIdOrKey}/transitions',
    send: (jira, p: IssueParams & QueryParams, init) =>
      jira.requestJira(route`/rest/api/3/issue/${p.issueIdOrKey}/transitions?${p.query}`, {
        ...init,
        method: 'GET',
      }),
  } satisfies JiraOperation<IssueParams & QueryParams>,
  transitionIssue: {
    method: 'POST',
    path: '/rest/api/3/issue/{issueIdOrKey}/transitions',
    send: (jira, p: IssueParams, init) =>
      jira.requestJira(route`/rest/api/3/issue/${p.issueIdOrKey}/transitions`, { ...init, method: 'POST' }),
  } satisfies JiraOperation<IssueParams>,
  myPermissions: {
    method: 'GET',
    path: '/rest/api/3/mypermissions',
    send: (jira, p: QueryParams, init) =>
      jira.requestJira(route`/rest/api/3/mypermissions?${p.query}`, { ...init, method: 'GET' }),
  } satisfies JiraOperation<QueryParams>,
  checkPermissions: {
    method: 'POST',
    path: '/rest/api/3/permissions/check',
    send: (jira, _: object, init) =>
      jira.requestJira(route`/rest/api/3/permissions/check`, { ...init, method: 'POST' }),
  } satisfies JiraOperation<object>,
  bulkChangelog: {
    method: 'POST',
    path: '/rest/api/3/changelog/bulkfetch',
    send: (jira, _: object, init) =>
      jira.requestJira(route`/rest/api/3/changelog/bulkfetch`, { ...init, method: 'POST' }),
  } satisfies JiraOperation<object>,
  getProject: {
    method: 'GET',
    path: '/rest/api/3/project/{projectIdOrKey}',
    send: (jira, p: { projectIdOrKey: Id }, init) =>
      jira.requestJira(route`/rest/api/3/project/${p.projectIdOrKey}`, { ...init, method: 'GET' }),
  } satisfies JiraOperation<{ projectIdOrKey: Id }>,
  searchProjects: {
    method: 'GET',
    path: '/rest/api/3/project/search',
    send: (jira, p: QueryParams, init) =>
      jira.requestJira(route`/rest/api/3/project/search?${p.query}`, { ...init, method: 'GET' }),
  } satisfies JiraOperation<QueryParams>,
  getBulkTransitions: {
    method: 'GET',
    path: '/rest/api/3/bulk/issues/transition',
    send: (jira, p: QueryParams, init) =>
      jira.requestJira(route`/rest/api/3/bulk/issues/transition?${p.query}`, { ...init, method: 'GET' }),
  } satisfies JiraOperation<QueryParams>,
  submitBulkTransition: {
    method: 'POST',
    path: '/rest/api/3/bulk/issues/transition',
    send: (jira, _: object, init) =>
      jira.requestJira(route`/rest/api/3/bulk/issues/transition`, { ...init, method: 'POST' }),
  } satisfies JiraOperation<object>,
  getUser: {
    method: 'GET',
    path: '/rest/api/3/user',
    send: (jira, p: QueryParams, init) =>
      jira.requestJira(route`/rest/api/3/user?${p.query}`, { ...init, method: 'GET' }),
  } satisfies JiraOperation<QueryParams>,
  myself: {
    method: 'GET',
    path: '/rest/api/3/myself',
    send: (jira, _: object, init) => jira.requestJira(route`/rest/api/3/myself`, { ...init, method: 'GET' }),
  } satisfies JiraOperation<object>,
  getFields: {
    method: 'GET',
    path: '/rest/api/3/field',
    send: (jira, _: object, init) => jira.requestJira(route`/rest/api/3/field`, { ...init, method: 'GET' }),
  } satisfies JiraOperation<object>,
  searchResolutions: {
    method: 'GET',
    path: '/rest/api/3/resolution/search',
    send: (jira, p: QueryParams, init) =>
      jira.requestJira(route`/rest/api/3/resolution/search?${p.query}`, { ...init, method: 'GET' }),
  } satisfies JiraOperation<QueryParams>,
  getStatus: {
    method: 'GET',
    path: '/rest/api/3/status/{idOrName}',
    send: (jira, p: { idOrName: Id }, init) =>
      jira.requestJira(route`/rest/api/3/status/${p.idOrName}`, { ...init, method: 'GET' }),
  } satisfies JiraOperation<{ idOrName: Id }>,
} as const;

export type JiraOperationName = keyof typeof JIRA_OPERATIONS;

/** The parameters an operation's `send` takes. */
export type JiraOperationParams<N extends JiraOperationName> = Parameters<
  (typeof JIRA_OPERATIONS)[N]['send']
>[1];

/** The names of a template's path parameters, in order: '/issue/{issueIdOrKey}' → ['issueIdOrKey']. */
export function pathParameters(path: string): string[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
}
