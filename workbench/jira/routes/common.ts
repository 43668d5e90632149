import type { ValidatorFunctionRunner } from '../workflow-validators';
import type { TaskFault } from '../faults';
import type { PropertyIndex } from '../property-index';
import { UTC_ZONES, zoneOffsetMs } from '../jql';
import type { SearchIndex } from '../search-index';
import { statusCategoryChangedAt } from '../status-history';
import type { JiraStore } from '../store';
import type {
  ChangelogItemInput,
  CustomFieldIds,
  IssueStatusCategory,
  JiraActor,
  JiraPermission,
  JiraResponse,
  StatusCategoryKey,
  StoredIssue,
  StoredProject,
  StoredUser,
} from '../types';
import { NO_STATUS_CATEGORY } from '../types';

export const BASE_URL = 'https://workbench.atlassian.net';
export const PROPERTY_VALUE_LIMIT = 32768;

/** What a route handler gets for one call. */
export interface RouteContext {
  store: JiraStore;
  actor: JiraActor;
  appAccountId: string;
  now: () => Date;
  /** The app's JQL index of issue properties, from its manifest. */
  propertyIndex: PropertyIndex;
  method: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Parsed JSON body, undefined if none. */
  body: unknown;
  /** Shared mutable state across calls (search snapshots, tasks). */
  state: EmulatorState;
  customFields: CustomFieldIds;
  /** What JQL search sees, behind the latest writes (search-index.ts); absent: search sees every write. */
  index?: SearchIndex;
  /** Runs the app's function-backed workflow validators; null when no Forge host is attached. */
  validatorFunctions: ValidatorFunctionRunner | null;
  /** How the async task this call starts ends, when an injected fault says (faults.ts); absent: as it runs. */
  taskFault?: TaskFault | null;
}

export interface EmulatorState {
  snapshots: Map<string, { ids: number[]; createdAt: number }>;
  tasks: Map<string, Record<string, unknown>>;
  /** Bulk edit tasks (GET /bulk/queue/{taskId}), apart from the async tasks of GET /task/{taskId}. */
  bulkTasks: Map<string, Record<string, unknown>>;
  nextTaskId: number;
  /**
   * Jira runs bulk property sets, bulk transitions and bulk field edits as background tasks: their changes land
   * some time after the call is answered. With `backgroundTaskRequests` above 0 they land only once that many
   * more requests have reached the site (0: at once).
   */
  backgroundTaskRequests: number;
  /** The same count for bulk field edits alone, when set; null: as `backgroundTaskRequests`. */
  bulkEditRequests: number | null;
  /** Background work not run yet: each runs when its count of requests reaches 0. */
  deferred: Array<{ requestsLeft: number; run: () => void | Promise<void> }>;
}

export type RouteHandler = (ctx: RouteContext) => JiraResponse | Promise<JiraResponse>;

export interface Route {
  method: string;
  /** The path as the routes declare it, e.g. '/issue/{issueIdOrKey}': names the endpoint for latency and limits. */
  template: string;
  pattern: RegExp;
  names: string[];
  handler: RouteHandler;
}

/** Builds a route from a template such as '/issue/{issueIdOrKey}/properties/{propertyKey}'. */
export function route(method: string, template: string, handler: RouteHandler): Route {
  const names: string[] = [];
  const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { method, template, pattern: new RegExp(`^/rest/api/3${source}$`), names, handler };
}

/** An error that becomes a Jira error answer. */
export class JiraHttpError extends Error {
  constructor(
    readonly status: number,
    readonly errorMessages: string[],
    readonly errors: Record<string, string> = {},
  ) {
    super(errorMessages.join(' ') || Object.values(errors).join(' '));
  }
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): JiraResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

export function noContent(status = 204): JiraResponse {
  return { status, headers: {}, body: '' };
}

export function errorResponse(error: JiraHttpError): JiraResponse {
  return json(error.status, { errorMessages: error.errorMessages, errors: error.errors });
}

export const ISSUE_NOT_FOUND = 'Issue does not exist or you do not have permission to see it.';

export function badRequest(message: string, errors: Record<string, string> = {}): JiraHttpError {
  return new JiraHttpError(400, message ? [message] : [], errors);
}

// ---- permissions ------------------------------------------------------------------------------------------

export function isApp(ctx: { actor: JiraActor }): boolean {
  return ctx.actor.type === 'app';
}

export function actorAccountId(ctx: { actor: JiraActor; appAccountId: string }): string {
  return ctx.actor.type === 'app' ? ctx.appAccountId : ctx.actor.accountId;
}

/**
 * Whether an account holds a project permission. The app holds all of them. Administer Jira counts as Administer
 * Projects (the platform spec's project search, action `edit`) and as nothing else: to read a project's issues a
 * site admin needs Browse Projects granted like anyone (the spec's Get issue requires it, with no exception).
 */
export function accountHas(
  store: JiraStore,
  appAccountId: string,
  accountId: string,
  projectId: number,
  permission: JiraPermission,
): boolean {
  if (accountId === appAccountId) return true;
  if (permission === 'ADMINISTER_PROJECTS' && store.hasGlobal(accountId, 'ADMINISTER')) return true;
  return store.hasProjectPermission(projectId, accountId, permission);
}

/**
 * Whether an account may see an issue: Browse Projects in its project and, when the issue has a security level,
 * a place in that level (the platform spec's Get issue: "If issue-level security is configured, issue-level
 * security permission to view the issue"). Nobody passes a level without being in it: not a Jira administrator
 * (Atlassian, "Configure issue security schemes": the level decides who sees the issue), and not the app's
 * user, which Jira puts in the `atlassian-addons-project-access` project role and nowhere else, so an app sees
 * a secured issue only when the level lists that role or its user (Atlassian, "The
 * atlassian-addons-project-access project role in Jira cloud"). An issue someone may not see is, to them, one
 * that does not exist: every issue permission on it is refused.
 */
export function accountSeesIssue(
  store: JiraStore,
  appAccountId: string,
  accountId: string,
  issue: StoredIssue,
): boolean {
  return (
    accountHas(store, appAccountId, accountId, issue.projectId, 'BROWSE_PROJECTS') &&
    store.inSecurityLevel(issue, accountId, appAccountId)
  );
}

/** Whether the actor may see the issue (its project and its security level). */
export function sees(ctx: RouteContext, issue: StoredIssue): boolean {
  return accountSeesIssue(ctx.store, ctx.appAccountId, actorAccountId(ctx), issue);
}

export function can(ctx: RouteContext, projectId: number, permission: JiraPermission): boolean {
  return accountHas(ctx.store, ctx.appAccountId, actorAccountId(ctx), projectId, permission);
}

/** Projects the actor may browse, or null for all of them (the app). */
export function browsableProjects(ctx: RouteContext): number[] | null {
  const accountId = actorAccountId(ctx);
  if (accountId === ctx.appAccountId) return null;
  return ctx.store.projectsWith(accountId, 'BROWSE_PROJECTS');
}

/** The issue if the actor may browse it; otherwise Jira's 404 that does not tell the two cases apart. */
export function visibleIssue(ctx: RouteContext, keyOrId: string): StoredIssue {
  const issue = ctx.store.getIssue(keyOrId);
  if (!issue || !sees(ctx, issue)) throw new JiraHttpError(404, [ISSUE_NOT_FOUND]);
  return issue;
}

export function visibleProject(ctx: RouteContext, keyOrId: string): StoredProject {
  const project = ctx.store.getProject(keyOrId);
  if (!project || !can(ctx, project.id, 'BROWSE_PROJECTS')) {
    throw new JiraHttpError(404, [`No project could be found with key '${keyOrId}'.`]);
  }
  return project;
}

export function requirePermission(
  ctx: RouteContext,
  issue: StoredIssue,
  permission: JiraPermission,
  message: string,
): void {
  if (!can(ctx, issue.projectId, permission)) throw new JiraHttpError(403, [message]);
}

// ---- rendering ------------------------------------------------------------------------------------------

/**
 * Jira renders a date-time as the wall-clock time in the calling account's time zone, with that zone's offset at
 * the instant: 2026-12-01T09:30:00.000+1300 (yyyy-MM-dd'T'HH:mm:ss.SSSZ). Sources:
 * - Jira's date-time formatters "operate using the time zone of the user that is currently logged in", an account
 *   with no zone of its own taking the default user time zone (the app's account, the site's default):
 *   https://docs.atlassian.com/DAC/javadoc/jira/reference/com/atlassian/jira/datetime/package-summary.html
 * - the REST form, "ISO8601 format but extended with milliseconds. For example, 2016-09-28T23:08:32.097+1000":
 *   https://pub.dev/documentation/atlassian_apis/latest/service_management/DateDTO/jira.html
 * - seen from a client, not in the user's own preference but the instance's zone (for an account without one):
 *   https://github.com/atlassian-api/atlassian-python-api/issues/1430
 * Without a zone, or in UTC, as 2024-01-15T10:20:30.000+0000.
 */
export function jiraTime(iso: string, timeZone?: string): string {
  const at = new Date(iso);
  if (!timeZone || UTC_ZONES.has(timeZone)) return at.toISOString().replace('Z', '+0000');
  const offsetMs = zoneOffsetMs(timeZone, at.getTime());
  const minutes = Math.trunc(offsetMs / 60_000);
  const abs = Math.abs(minutes);
  const hhmm = `${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
  return `${new Date(at.getTime() + offsetMs).toISOString().slice(0, 23)}${minutes < 0 ? '-' : '+'}${hhmm}`;
}

/** The time zone Jira renders date-times in for the calling account (the app's: the site's default). */
export function callerTimeZone(ctx: Pick<RouteContext, 'store' | 'actor' | 'appAccountId'>): string {
  return ctx.store.timeZoneOf(actorAccountId(ctx));
}

export function renderUser(store: JiraStore, accountId: string | null): Record<string, unknown> | null {
  if (!accountId) return null;
  const user: StoredUser = store.getUser(accountId) ?? {
    accountId,
    displayName: accountId,
    emailAddress: null,
    accountType: 'atlassian',
  };
  return {
    self: `${BASE_URL}/rest/api/3/user?accountId=${encodeURIComponent(user.accountId)}`,
    accountId: user.accountId,
    ...(user.emailAddress ? { emailAddress: user.emailAddress } : {}),
    avatarUrls: {
      '48x48': `${BASE_URL}/avatar/${user.accountId}/48`,
      '24x24': `${BASE_URL}/avatar/${user.accountId}/24`,
      '16x16': `${BASE_URL}/avatar/${user.accountId}/16`,
      '32x32': `${BASE_URL}/avatar/${user.accountId}/32`,
    },
    displayName: user.displayName,
    active: true,
    timeZone: 'Etc/UTC',
    accountType: user.accountType,
  };
}

export const STATUS_CATEGORIES: Record<
  StatusCategoryKey,
  { id: number; key: string; name: string; colorName: string }
> = {
  new: { id: 2, key: 'new', name: 'To Do', colorName: 'blue-gray' },
  indeterminate: { id: 4, key: 'indeterminate', name: 'In Progress', colorName: 'yellow' },
  done: { id: 3, key: 'done', name: 'Done', colorName: 'green' },
};

const STATUS_IDS: Record<string, string> = { 'To Do': '10000', 'In Progress': '3', Done: '10001' };

export function statusId(name: string): string {
  return (
    STATUS_IDS[name] ?? String(20000 + [...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 10000, 0))
  );
}

/** A status (StatusDetails); one without a category has no `statusCategory`, which the spec does not require. */
export function renderStatus(name: string, category: IssueStatusCategory): Record<string, unknown> {
  const id = statusId(name);
  const status: Record<string, unknown> = {
    self: `${BASE_URL}/rest/api/3/status/${id}`,
    description: '',
    iconUrl: `${BASE_URL}/images/icons/statuses/generic.png`,
    name,
    id,
  };
  if (category === NO_STATUS_CATEGORY) return status;
  const cat = STATUS_CATEGORIES[category];
  return { ...status, statusCategory: { self: `${BASE_URL}/rest/api/3/statuscategory/${cat.id}`, ...cat } };
}

const ISSUE_TYPES: Record<string, { id: string; hierarchyLevel: number; subtask: boolean }> = {
  Epic: { id: '10000', hierarchyLevel: 1, subtask: false },
  Story: { id: '10001', hierarchyLevel: 0, subtask: false },
  Task: { id: '10002', hierarchyLevel: 0, subtask: false },
  Bug: { id: '10003', hierarchyLevel: 0, subtask: false },
  'Sub-task': { id: '10004', hierarchyLevel: -1, subtask: true },
};

export function renderIssueType(name: string): Record<string, unknown> {
  const t = ISSUE_TYPES[name] ?? { id: '10009', hierarchyLevel: 0, subtask: false };
  return {
    self: `${BASE_URL}/rest/api/3/issuetype/${t.id}`,
    id: t.id,
    description: '',
    iconUrl: `${BASE_URL}/images/icons/issuetypes/${name.toLowerCase()}.png`,
    name,
    subtask: t.subtask,
    hierarchyLevel: t.hierarchyLevel,
  };
}

/** The site's resolutions, by name, with their ids. */
export const RESOLUTION_IDS: Record<string, string> = {
  Done: '10000',
  "Won't Do": '10001',
  Duplicate: '10002',
  'Cannot Reproduce': '10003',
};

/** A resolution's id: the defaults' own, else one of its name's, so two resolutions never share one. */
function resolutionId(name: string): string {
  const known = RESOLUTION_IDS[name];
  if (known) return known;
  let hash = 0;
  for (const c of name) hash = (hash * 31 + c.codePointAt(0)!) % 1_000_000_007;
  return String(100_000 + (hash % 900_000));
}

export function renderResolution(name: string | null): Record<string, unknown> | null {
  if (!name) return null;
  const id = resolutionId(name);
  return { self: `${BASE_URL}/rest/api/3/resolution/${id}`, id, description: '', name };
}

const PRIORITY_IDS: Record<string, string> = { Highest: '1', High: '2', Medium: '3', Low: '4', Lowest: '5' };

export function renderProjectRef(project: {
  id: number;
  key: string;
  name: string;
}): Record<string, unknown> {
  return {
    self: `${BASE_URL}/rest/api/3/project/${project.id}`,
    id: String(project.id),
    key: project.key,
    name: project.name,
    projectTypeKey: 'software',
    simplified: false,
  };
}

/** All fields of an issue as Jira names them. */
export function allFields(
  store: JiraStore,
  issue: StoredIssue,
  projectName: string,
  custom: CustomFieldIds,
  /** The calling account's zone, which date-times are rendered in (jiraTime); UTC when absent. */
  timeZone?: string,
): Record<string, () => unknown> {
  // Thunks, so a page that asks for two fields does not look up users and parents it will not return.
  const parentOf = () => (issue.parentKey ? store.getIssue(issue.parentKey) : null);
  const securityLevelId = store.effectiveSecurityLevelId(issue);
  return {
    summary: () => issue.summary,
    description: () => issue.description,
    issuetype: () => renderIssueType(issue.type),
    project: () => renderProjectRef({ id: issue.projectId, key: issue.projectKey, name: projectName }),
    status: () => renderStatus(issue.statusName, issue.statusCategory),
    statuscategorychangedate: () => jiraTime(statusCategoryChangedAt(store, issue), timeZone),
    resolution: () => renderResolution(issue.resolution),
    // The Resolved field: when the issue was given its resolution (store.updateIssueFields), not its last update.
    resolutiondate: () =>
      issue.resolution && issue.resolutionDate ? jiraTime(issue.resolutionDate, timeZone) : null,
    created: () => jiraTime(issue.created, timeZone),
    updated: () => jiraTime(issue.updated, timeZone),
    reporter: () => renderUser(store, issue.reporter),
    creator: () => renderUser(store, issue.reporter),
    assignee: () => renderUser(store, issue.assignee),
    labels: () => issue.labels,
    priority: () =>
      issue.priority
        ? {
            self: `${BASE_URL}/rest/api/3/priority/${PRIORITY_IDS[issue.priority] ?? '3'}`,
            id: PRIORITY_IDS[issue.priority] ?? '3',
            name: issue.priority,
          }
        : null,
    parent: () => {
      const parent = parentOf();
      return parent
        ? {
            id: String(parent.id),
            key: parent.key,
            self: `${BASE_URL}/rest/api/3/issue/${parent.id}`,
            fields: {
              summary: parent.summary,
              status: renderStatus(parent.statusName, parent.statusCategory),
              priority: parent.priority ? { name: parent.priority } : null,
              issuetype: renderIssueType(parent.type),
            },
          }
        : null;
    },
    // Jira's Security Level field: the level's SecurityLevel bean (spec), only on an issue that has one (a
    // sub-task's is its parent's).
    ...(securityLevelId !== null ? { security: () => renderSecurityLevel(store, securityLevelId) } : {}),
    [custom.sprint]: () => (issue.sprints.length ? issue.sprints : null),
    [custom.storyPoints]: () => issue.storyPoints,
  };
}

function renderSecurityLevel(store: JiraStore, levelId: number): Record<string, unknown> | null {
  const level = store.getSecurityLevel(levelId);
  if (!level) return null;
  return {
    self: `${BASE_URL}/rest/api/3/securitylevel/${level.id}`,
    id: String(level.id),
    description: level.description,
    name: level.name,
  };
}

const NAVIGABLE_EXCLUDED = new Set<string>();

/**
 * Resolves Jira's `fields` list to the set of field ids to return: '*all', '*navigable', names, '-name' to
 * drop one. 'id' and 'key' are not fields (they are always on the issue), so they select nothing.
 */
export function selectFields(
  requested: string[] | undefined,
  defaultAll: boolean,
  custom: CustomFieldIds,
): Set<string> | 'all' {
  const list = (requested ?? [])
    .flatMap((f) => f.split(','))
    .map((f) => f.trim())
    .filter(Boolean);
  if (list.length === 0) return defaultAll ? 'all' : new Set();
  let all = false;
  const include = new Set<string>();
  const exclude = new Set<string>();
  for (const f of list) {
    if (f === '*all' || f === '*navigable') all = true;
    else if (f.startsWith('-')) exclude.add(f.slice(1));
    else if (f !== 'id' && f !== 'key') include.add(f);
  }
  if (all) {
    if (exclude.size === 0 && NAVIGABLE_EXCLUDED.size === 0) return 'all';
    return new Set(fieldIds(custom).filter((f) => !exclude.has(f)));
  }
  for (const f of exclude) include.delete(f);
  return include;
}

/** The system fields an issue renders, in Jira's order; `comment` is rendered apart from the others. */
export const SYSTEM_FIELD_IDS = [
  'summary',
  'description',
  'issuetype',
  'project',
  'status',
  'statuscategorychangedate',
  'resolution',
  'resolutiondate',
  'created',
  'updated',
  'reporter',
  'creator',
  'assignee',
  'labels',
  'priority',
  'parent',
  'security',
  'comment',
] as const;

/** Every field id an issue renders on this site. */
export function fieldIds(custom: CustomFieldIds): string[] {
  return [...SYSTEM_FIELD_IDS, custom.sprint, custom.storyPoints];
}

/** One IssueBean as Jira returns it. */
export function renderIssue(
  ctx: Pick<RouteContext, 'store' | 'customFields' | 'actor' | 'appAccountId'>,
  issue: StoredIssue,
  fields: Set<string> | 'all',
  options: { projectName: string; properties?: Record<string, unknown>; changelog?: boolean },
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
    id: String(issue.id),
    self: `${BASE_URL}/rest/api/3/issue/${issue.id}`,
    key: issue.key,
  };
  const timeZone = callerTimeZone(ctx);
  if (fields === 'all' || fields.size > 0) {
    const all = allFields(ctx.store, issue, options.projectName, ctx.customFields, timeZone);
    const wantComment = fields === 'all' || fields.has('comment');
    const picked: Record<string, unknown> = {};
    for (const [k, value] of Object.entries(all)) if (fields === 'all' || fields.has(k)) picked[k] = value();
    if (wantComment) {
      const comments = ctx.store
        .listComments(issue.id)
        .map((c) => renderComment(ctx.store, issue, c, timeZone));
      picked.comment = {
        comments,
        self: `${BASE_URL}/rest/api/3/issue/${issue.id}/comment`,
        maxResults: comments.length,
        total: comments.length,
        startAt: 0,
      };
    }
    out.fields = picked;
  }
  if (options.properties) out.properties = options.properties;
  if (options.changelog) {
    const histories = ctx.store.listChangelog(issue.id).map((h) => renderHistory(ctx.store, h, timeZone));
    out.changelog = { startAt: 0, maxResults: histories.length, total: histories.length, histories };
  }
  return out;
}

export function renderComment(
  store: JiraStore,
  issue: StoredIssue,
  c: { id: number; author: string; body: unknown; created: string; updated: string },
  /** The calling account's zone (callerTimeZone); UTC when absent. */
  timeZone?: string,
): Record<string, unknown> {
  const author = renderUser(store, c.author);
  return {
    self: `${BASE_URL}/rest/api/3/issue/${issue.id}/comment/${c.id}`,
    id: String(c.id),
    author,
    body: c.body,
    updateAuthor: author,
    created: jiraTime(c.created, timeZone),
    updated: jiraTime(c.updated, timeZone),
    jsdPublic: true,
  };
}

export function renderHistory(
  store: JiraStore,
  h: { id: number; author: string; created: string; items: ChangelogItemInput[] },
  /** The calling account's zone (callerTimeZone); UTC when absent. */
  timeZone?: string,
): Record<string, unknown> {
  return {
    id: String(h.id),
    author: renderUser(store, h.author),
    created: jiraTime(h.created, timeZone),
    items: h.items.map((item) => {
      const out: Record<string, unknown> = { field: item.field, fieldtype: item.fieldtype ?? 'jira' };
      if (item.fieldId !== undefined) out.fieldId = item.fieldId;
      // The spec types these as plain strings, so an absent value is left out rather than sent as null.
      for (const k of ['from', 'fromString', 'to', 'toString'] as const) {
        const v = item[k];
        if (v !== null && v !== undefined) out[k] = v;
      }
      return out;
    }),
  };
}

// ---- input helpers ----------------------------------------------------------------------------------------

export function asObject(body: unknown, what = 'request body'): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest(`The ${what} must be a JSON object.`);
  }
  return body as Record<string, unknown>;
}

export function stringList(value: unknown, name: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw badRequest('', { [name]: `${name} must be a list of strings.` });
  }
  return value as string[];
}

/** Repeated or comma-separated query parameters as one list. */
export function queryList(query: URLSearchParams, name: string): string[] | undefined {
  const values = query.getAll(name);
  if (values.length === 0) return undefined;
  return values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}

export function nowIso(ctx: { now: () => Date }): string {
  return ctx.now().toISOString();
}
