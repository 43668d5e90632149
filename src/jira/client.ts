/**
 * The app's only door to Jira's REST API: typed methods over @forge/api, as the user or as the app. Each request
 * is sent by its operation's call site in JIRA_OPERATIONS, each answer is checked with a loose zod schema, and
 * each failure becomes a typed error. No retry loops here: the caller decides (the scan re-queues with a delay).
 */
import api, { NeedsAuthenticationError, type APIResponse } from '@forge/api';
import type { z } from 'zod';
import {
  JiraHttpError,
  JiraRateLimitError,
  JiraResponseError,
  NotAuthorizedError,
  NotFoundError,
  ValidationError,
} from '../errors';
import { PointsMeter, pointsOf, readQuotaHeaders } from './points';
import {
  JIRA_OPERATIONS,
  pathParameters,
  type JiraOperationName,
  type JiraOperationParams,
  type JiraRequester,
  type JiraRequestInit,
} from './operations';
import {
  bulkTransitionsResponseSchema,
  type BulkTransitionGroup,
  bulkChangelogResponseSchema,
  bulkErrorSchema,
  bulkProgressSchema,
  submittedBulkSchema,
  type JiraBulkProgress,
  bulkFetchResponseSchema,
  commentPageSchema,
  commentSchema,
  entityPropertySchema,
  errorCollectionSchema,
  fieldListSchema,
  resolutionPageSchema,
  jiraIssueSchema,
  myPermissionsResponseSchema,
  myselfSchema,
  permissionsCheckResponseSchema,
  projectSchema,
  projectSearchResponseSchema,
  searchJqlResponseSchema,
  countIssuesResponseSchema,
  statusDetailsSchema,
  taskSchema,
  transitionsResponseSchema,
  type JiraChangeHistory,
  type JiraComment,
  type JiraField,
  type JiraIssue,
  type JiraProject,
  type JiraTask,
  type JiraTransition,
  type PermissionsCheckResult,
} from './schemas';

/** Jira's limit for POST /rest/api/3/bulk/issues/fields (its documentation in the platform spec). */
export const BULK_EDIT_ISSUE_LIMIT = 1000;
/** Jira's limit for POST /rest/api/3/issue/properties/multi. */
export const BULK_PROPERTY_ISSUE_LIMIT = 100;
/** Retry-After is missing or unreadable: wait this long. */
export const DEFAULT_RETRY_AFTER_MS = 5_000;
/** Bounded polling of the bulk-property task: attempts and pause between them. */
export const TASK_POLL_ATTEMPTS = 10;
export const TASK_POLL_INTERVAL_MS = 200;

interface CallOptions {
  body?: unknown;
  /** Non-2xx statuses the caller handles itself instead of a typed error. */
  accept?: number[];
}

interface CallResult {
  status: number;
  headers: APIResponse['headers'];
  body: unknown;
}

export interface SearchJqlInput {
  jql: string;
  fields: string[];
  properties?: string[];
  maxResults?: number;
  nextPageToken?: string | null;
  /**
   * Issues the caller just wrote, by id: Jira's search index may not have them yet ("Recent updates might not be
   * immediately visible"), and matches these as they are now. At most MAX_RECONCILE_ISSUES; send the same list
   * with every page of one search.
   */
  reconcileIssues?: readonly string[];
}

/** An issue of a search page the app could not read: left out of the page, with why. */
export interface UnreadableIssue {
  /** Its id and key, when the answer gives them as strings. */
  id: string | null;
  key: string | null;
  /** As a JiraResponseError's: "Unexpected Jira response to searchJql: issues.3.fields.labels.0: …". */
  message: string;
}

export interface SearchJqlPage {
  /** The page's issues the app could read, in Jira's order. */
  issues: JiraIssue[];
  nextPageToken: string | null;
  /**
   * The page's issues whose answer did not parse (a field of another type than the spec's, an id missing).
   * Each is one issue's problem, not the page's: a caller that reports per-issue errors records these; the
   * others read the page without them. The page's next token is unaffected.
   */
  unreadable: UnreadableIssue[];
}

/** The most issues one search reconciles (the platform spec: "Accepts max 50 ids"). */
export const MAX_RECONCILE_ISSUES = 50;

export interface BulkChangelogPage {
  issueId: string;
  changeHistories: JiraChangeHistory[];
}

export interface PermissionCheck {
  permissions: string[];
  projectIds?: number[];
  issueIds?: number[];
}

export type BulkPropertyEntry = { issueId: number; properties: Record<string, unknown> };

export interface BulkPropertyResult {
  task: JiraTask | null;
  /** False when the task had not finished after bounded polling. */
  finished: boolean;
}

/**
 * A task in these states may still write: CANCEL_REQUESTED is asked to stop and has not yet (the status enum of
 * TaskProgressBeanObject in Jira's platform REST API v3 spec).
 */
export const TASK_NOT_OVER: readonly string[] = ['ENQUEUED', 'RUNNING', 'CANCEL_REQUESTED'];
/**
 * A bulk task (BulkOperationProgress, GET /bulk/queue/{taskId}) in these states is over: it edits nothing more.
 * Every other state of the spec's enum is TASK_NOT_OVER; a state outside it is neither (not understood).
 */
export const BULK_TASK_ENDED: readonly string[] = ['COMPLETE', 'FAILED', 'CANCELLED', 'DEAD'];

/**
 * The issues a bulk property task says it did not write, by id, with Jira's message. POST
 * /rest/api/3/issue/properties/multi is non-transactional and its per-issue failures are in the task's `result`
 * (bulkSetIssuePropertiesByIssue in Jira's platform REST API v3); the spec leaves `result` as any JSON, so
 * `{ failed: [...] }` is read as an object or a JSON string, each entry an id or an object naming the issue.
 */
export function failedIssuesOfTask(task: Pick<JiraTask, 'result'>): Map<number, string> {
  let result = task.result;
  if (typeof result === 'string') {
    try {
      result = JSON.parse(result) as unknown;
    } catch {
      return new Map();
    }
  }
  const failed = (result as { failed?: unknown } | null | undefined)?.failed;
  const out = new Map<number, string>();
  if (!Array.isArray(failed)) return out;
  for (const entry of failed as unknown[]) {
    const named = entry && typeof entry === 'object' ? (entry as Record<string, unknown>) : null;
    const id = Number(named ? (named.issueId ?? named.issueID ?? named.entityId ?? named.id) : entry);
    if (!Number.isInteger(id)) continue;
    const message = named?.message ?? named?.errorMessage ?? named?.error;
    out.set(id, typeof message === 'string' ? message : 'Jira did not write the property.');
  }
  return out;
}

/** Reads Retry-After as seconds or as an HTTP date; falls back to DEFAULT_RETRY_AFTER_MS. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number {
  if (!value) return DEFAULT_RETRY_AFTER_MS;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return DEFAULT_RETRY_AFTER_MS;
  return Math.max(0, at - now);
}

/** An empty path parameter would send the request to another endpoint (`/issue/` instead of `/issue/{key}`). */
function requirePathParameters(op: JiraOperationName, params: object): void {
  const values = params as Record<string, string | number | undefined>;
  for (const name of pathParameters(JIRA_OPERATIONS[op].path)) {
    const value = values[name];
    if (value === undefined || String(value) === '') throw new ValidationError(`Missing ${name}.`);
  }
}

async function readBody(res: APIResponse): Promise<unknown> {
  const text = await res.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function jiraMessages(body: unknown): { message: string; fields?: Record<string, string> } {
  const bulk = bulkErrorSchema.safeParse(body);
  if (bulk.success)
    return { message: bulk.data.errors.flatMap((e) => (e.message ? [e.message] : [])).join(' ') };
  const parsed = errorCollectionSchema.safeParse(body);
  if (!parsed.success) return { message: '' };
  const fields =
    parsed.data.errors && Object.keys(parsed.data.errors).length ? parsed.data.errors : undefined;
  const message = [...(parsed.data.errorMessages ?? []), ...Object.values(fields ?? {})].join(' ');
  return fields ? { message, fields } : { message };
}

function toTypedError(op: JiraOperationName, res: CallResult): Error {
  const { message, fields } = jiraMessages(res.body);
  switch (res.status) {
    case 429:
      return new JiraRateLimitError(parseRetryAfter(res.headers.get('retry-after')));
    case 401:
    case 403:
      return new NotAuthorizedError(message || 'You do not have permission to do this in Jira.');
    case 404:
      return new NotFoundError(message || 'Jira could not find what was asked for.');
    case 400:
      return new ValidationError(message || 'Jira refused the request as invalid.', fields);
    default:
      // A 5xx with Retry-After is Jira's answer when a resource limit is reached (Atlassian, "Rate limiting"):
      // it asks for the same wait as a 429, not a quick retry.
      if (res.status >= 500 && res.headers.get('retry-after') !== null)
        return new JiraRateLimitError(parseRetryAfter(res.headers.get('retry-after')));
      return new JiraHttpError(res.status, message || `Jira answered ${res.status} to ${op}.`);
  }
}

function parse<S extends z.ZodType>(op: JiraOperationName, schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body);
  if (!result.success) {
    const first = result.error.issues[0];
    throw new JiraResponseError(
      op,
      first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'invalid',
    );
  }
  return result.data;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Operations sent as POST that only read: they cost points per object returned, like a GET. */
const READ_POSTS: ReadonlySet<JiraOperationName> = new Set([
  'searchJql',
  'countIssues',
  'bulkFetchIssues',
  'bulkChangelog',
  'checkPermissions',
]);

export class JiraClient {
  private constructor(
    private readonly requester: JiraRequester,
    /** Who acts: 'user' lets Jira enforce the caller's own permissions. */
    readonly actor: 'user' | 'app',
    /** The calls and points this client spent (src/jira/points.ts), and the quota Jira last reported. */
    readonly meter: PointsMeter,
  ) {}

  /**
   * Acts as the user of the current invocation: Jira enforces that user's permissions. There is no acting as
   * another account: Forge offers no impersonation (allowImpersonation is "not yet supported" in
   * @forge/manifest's schema), so background work a person started runs asApp() after checking their rights.
   */
  static asUser(meter: PointsMeter = new PointsMeter()): JiraClient {
    return new JiraClient(api.asUser(), 'user', meter);
  }

  /** Acts as the app: only after the caller's permission was checked, or with no user (the scan). */
  static asApp(meter: PointsMeter = new PointsMeter()): JiraClient {
    return new JiraClient(api.asApp(), 'app', meter);
  }

  /**
   * Every request goes through here, sent by the operation's own call site in JIRA_OPERATIONS. Non-2xx answers
   * (except those `accept`ed) throw typed errors.
   */
  private async call<N extends JiraOperationName>(
    op: N,
    params: JiraOperationParams<N>,
    options: CallOptions = {},
  ): Promise<CallResult> {
    requirePathParameters(op, params);
    const init: JiraRequestInit & { headers: Record<string, string> } = {
      headers: { Accept: 'application/json' },
    };
    if (options.body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(options.body);
    }
    // TypeScript cannot pair a generic name with its own entry's parameter type: each entry's `satisfies` does.
    const send = JIRA_OPERATIONS[op].send as (
      jira: JiraRequester,
      params: JiraOperationParams<N>,
      init: JiraRequestInit,
    ) => Promise<APIResponse>;
    let res: APIResponse;
    try {
      res = await send(this.requester, params, init);
    } catch (e) {
      // asUser() without a signed-in user (a trigger, a consumer, an expired consent): Forge throws.
      if (e instanceof NeedsAuthenticationError)
        throw new NotAuthorizedError('Jira needs the user to sign in again.');
      throw e;
    }
    const result: CallResult = { status: res.status, headers: res.headers, body: await readBody(res) };
    const read = JIRA_OPERATIONS[op].method === 'GET' || READ_POSTS.has(op);
    this.meter.record(op, pointsOf({ read, ...result }), readQuotaHeaders(res.headers));
    if ((res.status >= 200 && res.status < 300) || options.accept?.includes(res.status)) return result;
    throw toTypedError(op, result);
  }

  /**
   * One page of a JQL search. The page must parse as a whole (else JiraResponseError); its issues are read one by
   * one, and one that does not parse is left out and listed in `unreadable`, so one odd issue fails no search.
   */
  async searchJql(input: SearchJqlInput): Promise<SearchJqlPage> {
    const body: Record<string, unknown> = { jql: input.jql, fields: input.fields };
    if (input.properties?.length) body.properties = input.properties;
    if (input.maxResults !== undefined) body.maxResults = input.maxResults;
    if (input.nextPageToken) body.nextPageToken = input.nextPageToken;
    if (input.reconcileIssues?.length) {
      if (input.reconcileIssues.length > MAX_RECONCILE_ISSUES)
        throw new Error(`A search reconciles at most ${MAX_RECONCILE_ISSUES} issues.`);
      body.reconcileIssues = input.reconcileIssues.map(Number);
    }
    const res = await this.call('searchJql', {}, { body });
    const data = parse('searchJql', searchJqlResponseSchema, res.body);
    const issues: JiraIssue[] = [];
    const unreadable: UnreadableIssue[] = [];
    data.issues.forEach((raw, i) => {
      const read = jiraIssueSchema.safeParse(raw);
      if (read.success) {
        issues.push(read.data);
        return;
      }
      const first = read.error.issues[0];
      const where = ['issues', i, ...(first?.path ?? [])].join('.');
      const error = new JiraResponseError('searchJql', `${where}: ${first?.message ?? 'invalid'}`);
      const named = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
      const id = typeof named.id === 'string' ? named.id : null;
      const key = typeof named.key === 'string' ? named.key : null;
      unreadable.push({ id, key, message: error.message });
      console.warn(`jira: search left out issue ${key ?? id ?? `#${i}`}: ${error.message}`);
    });
    return { issues, nextPageToken: data.nextPageToken ?? null, unreadable };
  }

  /** Jira's estimate of how many issues a bounded JQL query matches (recent changes may be missing). */
  async countIssues(jql: string): Promise<number> {
    const res = await this.call('countIssues', {}, { body: { jql } });
    return parse('countIssues', countIssuesResponseSchema, res.body).count;
  }

  async getIssue(
    key: string,
    options: { fields?: string[]; properties?: string[] } = {},
  ): Promise<JiraIssue> {
    const query = new URLSearchParams();
    if (options.fields?.length) query.set('fields', options.fields.join(','));
    if (options.properties?.length) query.set('properties', options.properties.join(','));
    const res = await this.call('getIssue', { issueIdOrKey: key, query });
    return parse('getIssue', jiraIssueSchema, res.body);
  }

  /**
   * Up to 100 issues by key or id; unknown or hidden issues are simply absent from the answer. An issue Jira
   * names in `issueErrors` (it could not return it this time: a retriable error, or the answer's size) is asked
   * for once more on its own; one Jira still cannot return fails the call as a 503, so that no caller takes it
   * for missing or hidden.
   */
  async bulkFetchIssues(
    keysOrIds: Array<string | number>,
    options: { fields: string[]; properties?: string[] },
  ): Promise<JiraIssue[]> {
    if (keysOrIds.length === 0) return [];
    if (keysOrIds.length > 100) throw new ValidationError('At most 100 issues can be fetched at once.');
    const first = await this.bulkFetchOnce(keysOrIds, options);
    if (first.failedIds.length === 0) return first.issues;
    const again = await this.bulkFetchOnce(first.failedIds, options);
    if (again.failedIds.length > 0)
      throw new JiraHttpError(
        503,
        `Jira could not return ${again.failedIds.length === 1 ? 'issue' : 'issues'} ` +
          `${again.failedIds.slice(0, 5).join(', ')} this time` +
          (again.message ? ` (${again.message.slice(0, 200)})` : '') +
          '. Try again in a moment.',
      );
    return [...first.issues, ...again.issues];
  }

  private async bulkFetchOnce(
    keysOrIds: Array<string | number>,
    options: { fields: string[]; properties?: string[] },
  ): Promise<{ issues: JiraIssue[]; failedIds: string[]; message: string | null }> {
    const body: Record<string, unknown> = { issueIdsOrKeys: keysOrIds.map(String), fields: options.fields };
    if (options.properties?.length) body.properties = options.properties;
    const res = await this.call('bulkFetchIssues', {}, { body });
    const answer = parse('bulkFetchIssues', bulkFetchResponseSchema, res.body);
    const returned = new Set(answer.issues.map((i) => i.id));
    // An issue both returned and named as an error is kept as returned.
    const failed = answer.issueErrors.filter((e) => e.id !== undefined && !returned.has(String(e.id)));
    return {
      issues: answer.issues,
      failedIds: [...new Set(failed.map((e) => String(e.id)))],
      message: failed.find((e) => e.errorMessage)?.errorMessage ?? null,
    };
  }

  /** The property's value, or null when the issue has no such property. A missing issue is NotFoundError. */
  async getIssueProperty(key: string, propertyKey: string): Promise<unknown> {
    const res = await this.call('getIssueProperty', { issueIdOrKey: key, propertyKey }, { accept: [404] });
    if (res.status === 404) {
      // Jira answers 404 for both; only an existing issue tells them apart.
      await this.getIssue(key, { fields: ['summary'] });
      return null;
    }
    return parse('getIssueProperty', entityPropertySchema, res.body).value;
  }

  async setIssueProperty(key: string, propertyKey: string, value: unknown): Promise<void> {
    await this.call('setIssueProperty', { issueIdOrKey: key, propertyKey }, { body: value });
  }

  async deleteIssueProperty(key: string, propertyKey: string): Promise<void> {
    await this.call('deleteIssueProperty', { issueIdOrKey: key, propertyKey });
  }

  /**
   * Sets properties on up to 100 issues in one call. Jira runs it as an async task (303 to the task): the id of
   * that task, for waitForTask (null when Jira names none); per-issue failures are in the task's `result`.
   */
  async submitIssuePropertiesBulk(entries: BulkPropertyEntry[]): Promise<string | null> {
    if (entries.length === 0) return null;
    if (entries.length > BULK_PROPERTY_ISSUE_LIMIT) {
      throw new ValidationError(
        `At most ${BULK_PROPERTY_ISSUE_LIMIT} issues can be updated in one call; got ${entries.length}.`,
      );
    }
    const body = { issues: entries.map((e) => ({ issueID: e.issueId, properties: e.properties })) };
    const res = await this.call('setIssuePropertiesBulk', {}, { body, accept: [303] });
    const location = res.headers.get('location');
    return (location ? /\/task\/([^/?#]+)/.exec(location)?.[1] : undefined) ?? null;
  }

  /**
   * Polls an async task (GET /task/{id}) a bounded number of times. `finished` says it is over, not that it
   * wrote anything: only a COMPLETE task did, less the issues of failedIssuesOfTask.
   */
  async waitForTask(
    taskId: string,
    polling: { attempts?: number; intervalMs?: number } = {},
  ): Promise<BulkPropertyResult> {
    const attempts = polling.attempts ?? TASK_POLL_ATTEMPTS;
    const intervalMs = polling.intervalMs ?? TASK_POLL_INTERVAL_MS;
    let task: JiraTask | null = null;
    for (let i = 0; i < attempts; i++) {
      if (i > 0) await sleep(intervalMs);
      task = await this.getTask(taskId);
      if (!TASK_NOT_OVER.includes(task.status)) return { task, finished: true };
    }
    return { task, finished: false };
  }

  async getTask(taskId: string): Promise<JiraTask> {
    const res = await this.call('getTask', { taskId });
    return parse('getTask', taskSchema, res.body);
  }

  /**
   * Submits Jira's bulk edit adding or removing one label on up to 1,000 issues (it needs the global Make bulk
   * changes permission), without Jira's bulk notification email. Jira runs it as a task: returns its id.
   */
  async submitBulkLabelEdit(
    issueIds: Array<string | number>,
    change: { add?: string; remove?: string },
  ): Promise<string> {
    if (issueIds.length === 0 || issueIds.length > BULK_EDIT_ISSUE_LIMIT)
      throw new ValidationError(`Between 1 and ${BULK_EDIT_ISSUE_LIMIT} issues can be edited at once.`);
    const label = change.add ?? change.remove;
    if (!label || (change.add && change.remove))
      throw new ValidationError('Give one label to add or remove.');
    const body = {
      selectedIssueIdsOrKeys: issueIds.map(String),
      selectedActions: ['labels'],
      editedFieldsInput: {
        labelsFields: [
          {
            fieldId: 'labels',
            bulkEditMultiSelectFieldOption: change.add ? 'ADD' : 'REMOVE',
            labels: [{ name: label }],
          },
        ],
      },
      sendBulkNotification: false,
    };
    const res = await this.call('bulkEditIssues', {}, { body });
    return parse('bulkEditIssues', submittedBulkSchema, res.body).taskId;
  }

  /** Polls a bulk task a bounded number of times; `finished` is false when it had not ended by then. */
  async waitForBulkTask(
    taskId: string,
    polling: { attempts?: number; intervalMs?: number } = {},
  ): Promise<{ progress: JiraBulkProgress; finished: boolean }> {
    const attempts = Math.max(1, polling.attempts ?? TASK_POLL_ATTEMPTS);
    const intervalMs = polling.intervalMs ?? TASK_POLL_INTERVAL_MS;
    let progress = await this.getBulkProgress(taskId);
    // A cancel requested is not over until Jira says the task was cancelled (or completed): it may still edit.
    for (let i = 1; i < attempts && !BULK_TASK_ENDED.includes(progress.status); i++) {
      await sleep(intervalMs);
      progress = await this.getBulkProgress(taskId);
    }
    return { progress, finished: BULK_TASK_ENDED.includes(progress.status) };
  }

  async getBulkProgress(taskId: string): Promise<JiraBulkProgress> {
    const res = await this.call('getBulkProgress', { taskId });
    return parse('getBulkProgress', bulkProgressSchema, res.body);
  }

  async editLabels(key: string, change: { add?: string[]; remove?: string[] }): Promise<void> {
    const ops = [
      ...(change.add ?? []).map((label) => ({ add: label })),
      ...(change.remove ?? []).map((label) => ({ remove: label })),
    ];
    if (ops.length === 0) return;
    await this.call('editIssue', { issueIdOrKey: key }, { body: { update: { labels: ops } } });
  }

  /** Replaces the issue's description with an Atlassian Document Format document. */
  async setDescription(key: string, adfDoc: Record<string, unknown>): Promise<void> {
    await this.call('editIssue', { issueIdOrKey: key }, { body: { fields: { description: adfDoc } } });
  }

  /** Adds a comment in Atlassian Document Format; returns the new comment's id. */
  async addComment(key: string, adfDoc: Record<string, unknown>): Promise<{ id: string }> {
    const res = await this.call('addComment', { issueIdOrKey: key }, { body: { body: adfDoc } });
    return parse('addComment', commentSchema, res.body);
  }

  /** The issue's newest comments, newest first (at most `max`). */
  async newestComments(key: string, max = 20): Promise<JiraComment[]> {
    const query = new URLSearchParams({ orderBy: '-created', maxResults: String(max) });
    const res = await this.call('getComments', { issueIdOrKey: key, query });
    return parse('getComments', commentPageSchema, res.body).comments;
  }

  /** The calling user's display name (asUser), or null when Jira does not share it. */
  async myselfName(): Promise<string | null> {
    const res = await this.call('myself', {});
    const name = parse('myself', myselfSchema, res.body).displayName?.trim();
    return name ? name : null;
  }

  /** Another person's display name, as the caller may see it; null when Jira does not share it. */
  async userName(accountId: string): Promise<string | null> {
    const res = await this.call('getUser', { query: new URLSearchParams({ accountId }) });
    const name = parse('getUser', myselfSchema, res.body).displayName?.trim();
    return name ? name : null;
  }

  /** The acting account's id: as the app, the app's own user, whose edits are not a person's activity. */
  async myAccountId(): Promise<string> {
    const res = await this.call('myself', {});
    return parse('myself', myselfSchema, res.body).accountId;
  }

  /** Every system and custom field the actor can see (one call, not paged). */
  async getFields(): Promise<JiraField[]> {
    const res = await this.call('getFields', {});
    return parse('getFields', fieldListSchema, res.body);
  }

  /**
   * The names of the site's resolutions, every page of them (a site has tens at most; the walk stops at 20 pages
   * of 100 all the same).
   */
  async resolutionNames(): Promise<string[]> {
    const names: string[] = [];
    for (let page = 0; page < 20; page++) {
      const query = new URLSearchParams({ startAt: String(names.length), maxResults: '100' });
      const res = await this.call('searchResolutions', { query });
      const found = parse('searchResolutions', resolutionPageSchema, res.body);
      names.push(...found.values.map((r) => r.name));
      if (found.isLast !== false || found.values.length === 0) break;
    }
    return names;
  }

  /**
   * The category key of a status, by id or name ("new", "indeterminate", "done"); null when Jira names none. A
   * status no longer in an active workflow (deleted) answers 404 (NotFoundError), as the platform spec says.
   */
  async getStatusCategory(idOrName: string): Promise<string | null> {
    const res = await this.call('getStatus', { idOrName });
    return parse('getStatus', statusDetailsSchema, res.body).statusCategory?.key ?? null;
  }

  /** The transitions open to the issue; with `screenFields`, each with the fields on its screen (`fields`). */
  async getTransitions(key: string, options: { screenFields?: boolean } = {}): Promise<JiraTransition[]> {
    const query = new URLSearchParams(options.screenFields ? { expand: 'transitions.fields' } : {});
    const res = await this.call('getTransitions', { issueIdOrKey: key, query });
    return parse('getTransitions', transitionsResponseSchema, res.body).transitions;
  }

  async transitionIssue(
    key: string,
    transitionId: string,
    options: { resolutionName?: string } = {},
  ): Promise<void> {
    const body: Record<string, unknown> = { transition: { id: transitionId } };
    if (options.resolutionName) body.fields = { resolution: { name: options.resolutionName } };
    await this.call('transitionIssue', { issueIdOrKey: key }, { body });
  }

  /** Which of `permissions` the acting user holds, in a project or issue context when one is given. */
  /** Transitions open to all the given issues (up to 1,000), grouped by workflow; every page. */
  async bulkTransitions(keys: string[]): Promise<BulkTransitionGroup[]> {
    const groups: BulkTransitionGroup[] = [];
    let after: string | undefined;
    for (let page = 0; page < 20; page++) {
      const query = new URLSearchParams({ issueIdsOrKeys: keys.join(',') });
      if (after) query.set('startingAfter', after);
      const res = await this.call('getBulkTransitions', { query });
      const data = parse('getBulkTransitions', bulkTransitionsResponseSchema, res.body);
      groups.push(...data.availableTransitions);
      if (!data.startingAfter || data.startingAfter === after) break;
      after = data.startingAfter;
    }
    return groups;
  }

  /** Submits a bulk transition (Jira runs it as a task): the task id. */
  async submitBulkTransition(inputs: Array<{ keys: string[]; transitionId: string }>): Promise<string> {
    const body = {
      bulkTransitionInputs: inputs.map((i) => ({
        selectedIssueIdsOrKeys: i.keys,
        transitionId: i.transitionId,
      })),
      sendBulkNotification: false,
    };
    const res = await this.call('submitBulkTransition', {}, { body });
    return parse('submitBulkTransition', submittedBulkSchema, res.body).taskId;
  }

  async myPermissions(
    context: { projectKey?: string; issueKey?: string },
    permissions: string[],
  ): Promise<Record<string, boolean>> {
    if (permissions.length === 0) return {};
    const query = new URLSearchParams({ permissions: permissions.join(',') });
    if (context.issueKey) query.set('issueKey', context.issueKey);
    else if (context.projectKey) query.set('projectKey', context.projectKey);
    const res = await this.call('myPermissions', { query });
    const data = parse('myPermissions', myPermissionsResponseSchema, res.body);
    return Object.fromEntries(permissions.map((p) => [p, data.permissions[p]?.havePermission === true]));
  }

  /** Bulk permission check for another account (the app may ask; a user needs Administer Jira). */
  async checkPermissions(
    accountId: string,
    checks: PermissionCheck[],
    globalPermissions: string[] = [],
  ): Promise<PermissionsCheckResult> {
    const body = {
      accountId,
      ...(globalPermissions.length ? { globalPermissions } : {}),
      projectPermissions: checks.map((c) => ({
        permissions: c.permissions,
        ...(c.projectIds?.length ? { projects: c.projectIds } : {}),
        ...(c.issueIds?.length ? { issues: c.issueIds } : {}),
      })),
    };
    const res = await this.call('checkPermissions', {}, { body });
    return parse('checkPermissions', permissionsCheckResponseSchema, res.body);
  }

  /**
   * The changelogs of up to 1000 issues, all pages, optionally only for some fields (≤ 10). `maxPages`
   * bounds the work; a caller with a time budget pages itself with `bulkChangelogPage`.
   */
  /**
   * The changelogs of the given issues, oldest first, up to `maxPages` pages (50). With `whole`, a changelog
   * longer than that throws instead of being cut short: the newest changes are on the last pages.
   */
  async bulkChangelog(
    issueIds: Array<string | number>,
    fieldIds?: string[],
    options: { maxPages?: number; whole?: boolean } = {},
  ): Promise<BulkChangelogPage[]> {
    const byIssue = new Map<string, JiraChangeHistory[]>();
    let token: string | null = null;
    const maxPages = options.maxPages ?? 50;
    for (let page = 0; page < maxPages; page++) {
      const result: { logs: BulkChangelogPage[]; nextPageToken: string | null } =
        await this.bulkChangelogPage(issueIds, fieldIds, token);
      for (const log of result.logs)
        byIssue.set(log.issueId, [...(byIssue.get(log.issueId) ?? []), ...log.changeHistories]);
      token = result.nextPageToken;
      if (!token) break;
    }
    if (token && options.whole)
      throw new Error(`The changelog is longer than ${maxPages} pages: it was not read whole.`);
    return [...byIssue].map(([issueId, changeHistories]) => ({ issueId, changeHistories }));
  }

  async bulkChangelogPage(
    issueIds: Array<string | number>,
    fieldIds?: string[],
    nextPageToken?: string | null,
  ): Promise<{ logs: BulkChangelogPage[]; nextPageToken: string | null }> {
    if (issueIds.length === 0) return { logs: [], nextPageToken: null };
    if (issueIds.length > 1000) throw new ValidationError('At most 1000 issues per changelog request.');
    const body: Record<string, unknown> = { issueIdsOrKeys: issueIds.map(String) };
    if (fieldIds?.length) body.fieldIds = fieldIds;
    if (nextPageToken) body.nextPageToken = nextPageToken;
    const res = await this.call('bulkChangelog', {}, { body });
    const data = parse('bulkChangelog', bulkChangelogResponseSchema, res.body);
    return { logs: data.issueChangeLogs, nextPageToken: data.nextPageToken ?? null };
  }

  async getProject(key: string): Promise<JiraProject> {
    const res = await this.call('getProject', { projectIdOrKey: key });
    return parse('getProject', projectSchema, res.body);
  }

  /**
   * Projects visible to the actor, all pages (bounded). `browse` asks for those the actor may browse only: Jira's
   * default (`view`) also answers projects the actor may only administer, and a site admin's every project.
   */
  async searchProjects(
    options: {
      query?: string;
      maxPages?: number;
      keys?: readonly string[];
      stopEarly?: () => boolean;
      browse?: boolean;
    } = {},
  ): Promise<JiraProject[]> {
    const out: JiraProject[] = [];
    const maxPages = options.maxPages ?? 20;
    for (let page = 0; page < maxPages; page++) {
      // A caller short of time takes the pages read so far.
      if (page > 0 && options.stopEarly?.()) break;
      const query = new URLSearchParams({ startAt: String(out.length), maxResults: '50' });
      if (options.query) query.set('query', options.query);
      if (options.browse) query.set('action', 'browse');
      // The spec's `keys` (up to 50): only these projects, of those the actor may browse.
      for (const key of options.keys ?? []) query.append('keys', key);
      const res = await this.call('searchProjects', { query });
      const data = parse('searchProjects', projectSearchResponseSchema, res.body);
      out.push(...data.values);
      if (data.isLast !== false || data.values.length === 0) break;
    }
    return out;
  }
}

/**
 * Retries a Jira call on 5xx with bounded exponential backoff (for resolvers, where a person waits).
 * Rate limits and client errors are not retried: they need the caller's decision.
 */
export async function withRetry<T>(
  fn: () => Promise<T>,
  options: { attempts?: number; baseDelayMs?: number } = {},
): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? 3);
  const base = options.baseDelayMs ?? 200;
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof JiraHttpError) || e.status < 500 || i >= attempts) throw e;
      await sleep(base * 2 ** (i - 1));
    }
  }
}
