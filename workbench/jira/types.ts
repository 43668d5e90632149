/** Shared types of the Jira Cloud REST emulator. */

export type JiraActor = { type: 'user'; accountId: string } | { type: 'app' };

export interface JiraRequest {
  method: string;
  /** Path with query string, as @forge/api sends it: '/rest/api/3/search/jql?x=1'. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  actor: JiraActor;
  /**
   * Who sends it: the app through Forge (default), or a REST client with a person's credentials (curl, scripts).
   * The app's calls, as itself or as a user, spend the app's rate-limit quota; a REST client spends its own.
   */
  client?: 'forge' | 'rest';
}

export interface JiraResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type JiraPermission =
  | 'BROWSE_PROJECTS'
  | 'EDIT_ISSUES'
  | 'ADMINISTER_PROJECTS'
  | 'TRANSITION_ISSUES'
  | 'ADD_COMMENTS'
  | 'RESOLVE_ISSUES'
  | 'DELETE_ISSUES'
  | 'ADMINISTER'
  | 'BULK_CHANGE';

/** Site-wide permissions (Jira's global permissions): held by an account, not per project. */
export const GLOBAL_PERMISSIONS: readonly JiraPermission[] = ['ADMINISTER', 'BULK_CHANGE'];

export const PROJECT_PERMISSIONS: readonly JiraPermission[] = [
  'BROWSE_PROJECTS',
  'EDIT_ISSUES',
  'ADMINISTER_PROJECTS',
  'TRANSITION_ISSUES',
  'ADD_COMMENTS',
  'RESOLVE_ISSUES',
  'DELETE_ISSUES',
];

export type StatusCategoryKey = 'new' | 'indeterminate' | 'done';
/**
 * A status that belongs to no category. Jira's answers may leave `statusCategory` out of a status (the platform
 * spec's StatusDetails requires none of its properties): the emulator then renders the status without one. JQL
 * reads it as a category of its own, as Jira's "No Category" (StatusCategory 1): never EMPTY, equal to none of
 * To Do, In Progress and Done, so `statusCategory != Done` matches it.
 */
export const NO_STATUS_CATEGORY = 'none';
/** What an issue's status holds: one of Jira's categories, or none. */
export type IssueStatusCategory = StatusCategoryKey | typeof NO_STATUS_CATEGORY;
export const ISSUE_STATUS_CATEGORIES: readonly IssueStatusCategory[] = [
  'new',
  'indeterminate',
  'done',
  NO_STATUS_CATEGORY,
];
export type IssueTypeName = 'Epic' | 'Story' | 'Bug' | 'Task' | 'Sub-task';

/**
 * Where this site keeps Jira Software's custom fields. Real sites differ (customfield_10020 is only the usual
 * sprint id on Cloud), so tests can move them, or hide them from GET /field as a site whose list lacks them.
 */
export interface CustomFieldIds {
  sprint: string;
  storyPoints: string;
  hidden?: Array<'sprint' | 'storyPoints'>;
}

export const DEFAULT_CUSTOM_FIELDS: CustomFieldIds = {
  sprint: 'customfield_10020',
  storyPoints: 'customfield_10016',
};

export interface SprintValue {
  id: number;
  name: string;
  state: 'closed' | 'active' | 'future';
  startDate?: string;
  endDate?: string;
  /**
   * When the sprint was completed (a closed sprint's): the Sprint field answers Jira Software's sprint bean, whose
   * completeDate is set when the sprint is closed (Jira Software Cloud REST API, "Get sprint"; the platform spec
   * leaves custom field values untyped). Absent on a sprint not closed.
   */
  completeDate?: string;
  boardId?: number;
}

/** An Atlassian Document Format node, kept loose: the emulator stores and returns it as given. */
export type AdfDocument = { type: 'doc'; version: number; content: unknown[] } & Record<string, unknown>;

export interface UserInput {
  accountId: string;
  displayName: string;
  emailAddress?: string;
  accountType?: 'atlassian' | 'app';
}

export interface ProjectInput {
  key: string;
  name: string;
  id?: number;
  leadAccountId?: string;
}

export interface IssueInput {
  projectKey?: string;
  /** Either key or projectKey; without a key the project's next number is used. */
  key?: string;
  type?: IssueTypeName;
  summary: string;
  /** ADF document, plain text (wrapped into ADF) or { wiki } for v2 wiki markup (kept as given). */
  description?: AdfDocument | string | { wiki: string } | null;
  status?: string;
  /** Defaults from the status name; NO_STATUS_CATEGORY: a status without a category. */
  statusCategory?: IssueStatusCategory;
  resolution?: string | null;
  /**
   * When the issue was resolved (Jira's `resolutiondate`, the Resolved field); only kept with a resolution.
   * Absent: the issue's `updated`, the latest it can have been resolved.
   */
  resolutionDate?: string | null;
  created?: string;
  updated?: string;
  reporter?: string | null;
  assignee?: string | null;
  labels?: string[];
  parentKey?: string | null;
  sprints?: SprintValue[];
  storyPoints?: number | null;
  priority?: string | null;
  /** The issue's security level, by name or id (store.createSecurityLevel); absent or null: none. */
  securityLevel?: string | number | null;
}

/**
 * The project role Jira gives every installed app's user (Atlassian, "The atlassian-addons-project-access project
 * role in Jira cloud"): a security level that lists it lets the app see the level's issues.
 */
export const APP_PROJECT_ROLE = 'atlassian-addons-project-access';
export type AppProjectRole = typeof APP_PROJECT_ROLE;

export interface SecurityLevelInput {
  name: string;
  description?: string;
  id?: number;
  /** Single users in the level. */
  accountIds?: string[];
  /** Project roles in the level: the emulator knows the app's role only. */
  projectRoles?: AppProjectRole[];
  /** The issue's reporter, or its assignee, is in the level. */
  reporter?: boolean;
  assignee?: boolean;
}

export interface StoredSecurityLevel {
  id: number;
  name: string;
  description: string;
  accountIds: string[];
  projectRoles: AppProjectRole[];
  reporter: boolean;
  assignee: boolean;
}

export interface StoredIssue {
  id: number;
  key: string;
  projectId: number;
  projectKey: string;
  type: IssueTypeName;
  summary: string;
  description: AdfDocument | null;
  descriptionWiki: string | null;
  statusName: string;
  statusCategory: IssueStatusCategory;
  resolution: string | null;
  /**
   * When the issue was last given a resolution (Jira's `resolutiondate`), null while it has none: a later comment
   * or edit leaves it, reopening (the resolution cleared) clears it.
   */
  resolutionDate: string | null;
  created: string;
  updated: string;
  reporter: string | null;
  assignee: string | null;
  labels: string[];
  parentKey: string | null;
  sprints: SprintValue[];
  storyPoints: number | null;
  priority: string | null;
  /** The issue's security level id, or null: only the level's members see an issue that has one. */
  securityLevelId: number | null;
}

export interface ChangelogItemInput {
  field: string;
  fieldtype?: string;
  fieldId?: string;
  from?: string | null;
  fromString?: string | null;
  to?: string | null;
  toString?: string | null;
}

export interface ChangelogInput {
  author: string;
  created?: string;
  items: ChangelogItemInput[];
}

export interface StoredChangelog {
  id: number;
  issueId: number;
  author: string;
  created: string;
  items: ChangelogItemInput[];
}

export interface StoredComment {
  id: number;
  issueId: number;
  author: string;
  body: unknown;
  created: string;
  updated: string;
}

export interface StoredUser {
  accountId: string;
  displayName: string;
  emailAddress: string | null;
  accountType: 'atlassian' | 'app';
}

export interface StoredProject {
  id: number;
  key: string;
  name: string;
  leadAccountId: string | null;
}

/** The parts of the OpenAPI contract checker the emulator calls (workbench/jira/openapi.ts). */
export interface ContractCheckerLike {
  checkRequest(req: {
    method: string;
    path: string;
    query: Record<string, string | string[]>;
    body: unknown;
  }): void;
  checkResponse(res: {
    method: string;
    path: string;
    status: number;
    headers: Record<string, string>;
    body: unknown;
  }): void;
}
