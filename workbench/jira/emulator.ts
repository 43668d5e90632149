import { AsyncLocalStorage } from 'node:async_hooks';
import type { WorkbenchDb } from '../db';
import type { ValidatorFunctionRunner } from './workflow-validators';
import { FaultInjector, type IssueErrorsFault, type TaskFault } from './faults';
import { readPropertyIndex, type PropertyIndex } from './property-index';
import { LatencyModel, sleep, type LatencyInput } from './latency';
import { RateLimiter, type RateLimitInput, type RateLimitedCall } from './rate-limits';
import {
  JiraHttpError,
  errorResponse,
  json,
  type EmulatorState,
  type Route,
  type RouteContext,
} from './routes/common';
import { bulkRoutes } from './routes/bulk';
import { fieldRoutes } from './routes/fields';
import { issueRoutes } from './routes/issues';
import { permissionRoutes } from './routes/permissions';
import { projectRoutes } from './routes/projects';
import { propertyRoutes } from './routes/properties';
import { searchRoutes } from './routes/search';
import { resolutionRoutes } from './routes/resolutions';
import { statusRoutes } from './routes/statuses';
import { REALISTIC_INDEX_DELAY_MS, SearchIndex } from './search-index';
import { JiraStore } from './store';
import {
  DEFAULT_CUSTOM_FIELDS,
  type ContractCheckerLike,
  type CustomFieldIds,
  type JiraActor,
  type JiraRequest,
  type JiraResponse,
} from './types';

export const DEFAULT_APP_ACCOUNT_ID = 'outcome-lens-app';
const CALL_LOG_LIMIT = 10_000;

/** POSTs that only read: they cost points per object returned, and take a read's time. */
const READ_POSTS = new Set([
  'POST /search/jql',
  'POST /search/approximate-count',
  'POST /issue/bulkfetch',
  'POST /changelog/bulkfetch',
  'POST /permissions/check',
]);

/**
 * Top-level lists whose items count as the objects an answer returns. Kept apart from the app's own list
 * (src/jira/points.ts) on purpose: Jira's side must not inherit a mistake in the app's budget.
 */
const COLLECTION_KEYS = [
  'issues',
  'values',
  'issueChangeLogs',
  'keys',
  'transitions',
  'comments',
  'projectPermissions',
];

/** More specific routes first: '/issue/bulkfetch' must win over '/issue/{issueIdOrKey}'. */
const ROUTES: Route[] = [
  ...bulkRoutes,
  ...searchRoutes,
  ...propertyRoutes,
  ...permissionRoutes,
  ...issueRoutes,
  ...projectRoutes,
  ...fieldRoutes,
  ...statusRoutes,
  ...resolutionRoutes,
];

export interface JiraEmulatorOptions {
  appAccountId?: string;
  contract?: ContractCheckerLike | null;
  now?: () => Date;
  /** The app's JQL index of issue properties; defaults to what manifest.yml declares. */
  propertyIndex?: PropertyIndex;
  customFields?: CustomFieldIds;
  /** How long calls take (workbench/jira/latency.ts); off unless given. */
  latency?: LatencyInput;
  /** Jira's rate limits (workbench/jira/rate-limits.ts); off unless given. */
  rateLimits?: RateLimitInput;
  /**
   * How long a write through the REST API takes to reach JQL search, in the site's ms, scaled like the latency
   * (workbench/jira/search-index.ts): 2,000 by default, so none while latency is off; 0 for a search that is never
   * behind.
   */
  searchIndexDelayMs?: number;
  /**
   * 'virtual' adds each call's modelled delay to `modelledMs` instead of waiting it out: a benchmark reads the
   * time a long run would take at the realistic model without taking it (pass a clock that adds modelledMs).
   * Calls then never overlap in time, unless `onVirtualDelay` keeps a time line per caller. Default 'real'.
   */
  latencyClock?: 'real' | 'virtual';
  /**
   * With a virtual latency clock: told each call's modelled delay, so a benchmark can add it to the time line
   * of the invocation that made the call (concurrent consumers each have their own) instead of one sum.
   */
  onVirtualDelay?: (ms: number) => void;
}

export interface JiraTiming {
  /** 1 is the realistic latency model, 0 answers at once. */
  latencyScale: number;
  rateLimits: boolean;
}

export interface JiraCall {
  method: string;
  path: string;
  status: number;
  actor: JiraActor;
}

/** Plays Jira Cloud's REST API v3 for the endpoints the app calls, over jira_* tables in the workbench db. */
export class JiraEmulator {
  readonly store: JiraStore;
  readonly faults = new FaultInjector();
  readonly latency: LatencyModel;
  readonly rateLimits: RateLimiter;
  readonly calls: JiraCall[] = [];
  readonly appAccountId: string;
  /** What JQL search sees of the issues, behind the REST writes by `index.delayMs` (search-index.ts). */
  readonly index: SearchIndex;
  /** Set while a REST request runs: only its writes lag behind in search, not a test's seed. */
  private readonly inRequest = new AsyncLocalStorage<Set<number>>();
  /** With a virtual latency clock: the modelled delays of every call so far, in ms. */
  modelledMs = 0;
  private readonly virtualLatency: boolean;
  private readonly onVirtualDelay: ((ms: number) => void) | null;
  propertyIndex: PropertyIndex;
  /** The ids of the sprint and story-point fields on this site; a test may move them before the app runs. */
  customFields: CustomFieldIds;
  /** The Forge host sets this so transitions run the app's function-backed validators. */
  validatorFunctions: ValidatorFunctionRunner | null = null;
  private readonly contract: ContractCheckerLike | null;
  private readonly now: () => Date;
  private readonly state: EmulatorState = {
    snapshots: new Map(),
    tasks: new Map(),
    bulkTasks: new Map(),
    nextTaskId: 10000,
    backgroundTaskRequests: 0,
    bulkEditRequests: null,
    deferred: [],
  };

  /**
   * How many requests reach the site before a bulk property set, bulk transition or bulk field edit lands (its
   * task runs in Jira's background, answered as not finished until then). 0, the default, lands at once.
   */
  set backgroundTaskDelayRequests(requests: number) {
    this.state.backgroundTaskRequests = Math.max(0, Math.floor(requests));
  }

  /**
   * The same for bulk field edits alone (null: as backgroundTaskDelayRequests): a label edit that outlasts the
   * app's polling while its other tasks land at once.
   */
  set bulkEditDelayRequests(requests: number | null) {
    this.state.bulkEditRequests = requests === null ? null : Math.max(0, Math.floor(requests));
  }

  /** Lands every background task still waiting, now (by the emulator's clock), as Jira would in its own time. */
  async landBackgroundTasks(): Promise<void> {
    const due = this.state.deferred;
    this.state.deferred = [];
    await this.inRequest.run(new Set(), async () => {
      for (const job of due) await job.run();
    });
  }

  /** Runs the background work whose time has come: called as each request reaches the site. */
  private async runDeferred(): Promise<void> {
    // Taken off the list before any runs: a request arriving while one runs finds them gone.
    const due = this.state.deferred.filter((job) => --job.requestsLeft <= 0);
    this.state.deferred = this.state.deferred.filter((job) => !due.includes(job));
    for (const job of due) await job.run();
  }

  constructor(db: WorkbenchDb, options: JiraEmulatorOptions = {}) {
    this.now = options.now ?? (() => new Date());
    this.store = new JiraStore(db, this.now);
    this.appAccountId = options.appAccountId ?? DEFAULT_APP_ACCOUNT_ID;
    this.contract = options.contract ?? null;
    this.propertyIndex = options.propertyIndex ?? readPropertyIndex();
    this.customFields = options.customFields ?? DEFAULT_CUSTOM_FIELDS;
    this.latency = new LatencyModel(options.latency ?? 'off');
    this.index = new SearchIndex(
      options.searchIndexDelayMs ?? REALISTIC_INDEX_DELAY_MS,
      () => this.latency.current.scale,
    );
    this.store.beforeIssueWrite = (issueId, created) => {
      const written = this.inRequest.getStore();
      // The first write of a request to an issue holds what the index still has; its others add nothing.
      if (!written || written.has(issueId)) return;
      written.add(issueId);
      this.index.recordWrite(issueId, () => {
        if (created) return null;
        const issue = this.store.getIssue(issueId);
        if (!issue) return null;
        return { issue, properties: this.store.propertiesOf([issueId], null).get(issueId) ?? {} };
      });
    };
    this.virtualLatency = options.latencyClock === 'virtual';
    this.onVirtualDelay = options.onVirtualDelay ?? null;
    // Limits count time as the site would see it: under a scaled-down latency model, scaled up alike.
    const rateLimits = options.rateLimits ?? 'off';
    this.rateLimits = new RateLimiter({
      clock: () => this.latency.siteClock(),
      ...(rateLimits === 'off' ? { enabled: false } : rateLimits),
    });
    if (!this.store.getUser(this.appAccountId)) {
      this.store.upsertUser({
        accountId: this.appAccountId,
        displayName: 'Outcome Lens',
        accountType: 'app',
      });
      // A new site lets the app's account make bulk changes (a site admin can take it away: store.setGlobal).
      this.store.setGlobal(this.appAccountId, 'BULK_CHANGE', true);
    }
  }

  handle(req: JiraRequest): Promise<JiraResponse> {
    return this.inRequest.run(new Set(), () => this.handleRequest(req));
  }

  private async handleRequest(req: JiraRequest): Promise<JiraResponse> {
    await this.runDeferred();
    const method = req.method.toUpperCase();
    const url = new URL(req.path, 'http://jira.local');
    const pathname = url.pathname;

    let body: unknown = undefined;
    let bodyError = false;
    if (req.body !== undefined && req.body !== '') {
      try {
        body = JSON.parse(req.body) as unknown;
      } catch {
        bodyError = true;
      }
    }

    // Contract violations are the caller's or the emulator's bug: let them fail the call loudly.
    this.contract?.checkRequest({
      method,
      path: pathname,
      query: queryRecord(url.searchParams),
      body: bodyError ? req.body : body,
    });

    const effect = this.faults.take(
      method,
      req.path,
      req.body ?? '',
      req.actor.type === 'app' ? 'app' : 'user',
    );
    if (effect.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, effect.delayMs));

    // A path that is not valid percent-encoding never reaches an operation: Jira's web server answers 400.
    const badPath = !decodable(pathname);
    const matched = badPath ? null : matchRoute(method, pathname);
    const endpoint = matched && matched !== 'wrong-method' ? `${method} ${matched.route.template}` : method;
    const write = method !== 'GET' && method !== 'HEAD' && !READ_POSTS.has(endpoint);
    const limited: RateLimitedCall = {
      // The app pays one quota on the site whether it acts as itself or as a user; a person's REST client
      // (Basic auth) is not the app and has a bucket of its own.
      bucket: req.client === 'rest' && req.actor.type === 'user' ? `user:${req.actor.accountId}` : 'app',
      endpoint,
      write,
      ...(matched && matched !== 'wrong-method' && matched.params.issueIdOrKey !== undefined
        ? { issueId: this.issueIdentity(matched.params.issueIdOrKey) }
        : {}),
    };

    // Part of the time passes before the store is read or written and the rest after, so calls in flight
    // interleave: two read-modify-write sequences at once race as they do on a real site.
    await this.wait(this.latency.before(endpoint, write));

    let response: JiraResponse;
    let refused = false;
    let carriedOut: JiraResponse | null = null;
    const routed = matched && matched !== 'wrong-method' && !badPath && !bodyError;
    // A fault after the call was carried out (an answer lost on its way back) reached Jira: it is admitted and
    // charged like the call it stands for, then the caller hears only the error while the store has changed.
    const fault = effect.response ? { ...effect.response, headers: { ...effect.response.headers } } : null;
    const faultAfterWork = fault !== null && effect.applied === true && routed;
    const faultBeforeWork = fault !== null && !faultAfterWork;
    if (fault && faultBeforeWork) {
      response = fault;
      // The gateway gave up while Jira still works on the call: it lands after this answer (faults.ts).
      if (effect.applied === 'later' && routed)
        this.state.deferred.push({
          requestsLeft: Infinity,
          run: async () => {
            await this.dispatch(matched, method, pathname, url.searchParams, body, req.actor, effect.task);
          },
        });
    } else if (badPath)
      response = json(400, {
        errorMessages: ['The request path is not valid percent-encoding.'],
        errors: {},
      });
    else if (bodyError)
      response = json(400, {
        errorMessages: ['Invalid request payload. Refer to the REST API documentation and try again.'],
        errors: {},
      });
    else {
      const refusal = this.rateLimits.admit(limited);
      if (refusal) {
        refused = true;
        response = json(
          429,
          { errorMessages: ['Rate limit exceeded.'], errors: {} },
          this.rateLimits.headers(limited.bucket, refusal),
        );
      } else {
        carriedOut = await this.dispatch(
          matched,
          method,
          pathname,
          url.searchParams,
          body,
          req.actor,
          effect.task,
        );
        if (effect.issueErrors) carriedOut = withIssueErrors(carriedOut, effect.issueErrors);
        response = fault && faultAfterWork ? fault : carriedOut;
      }
    }

    // The answer is read back only when something needs it: the contract, or counting the objects it returns.
    const counting = this.rateLimits.enabled || this.latency.current.scale > 0;
    const jiraAnswer = carriedOut ?? response;
    const parsed = this.contract || (counting && !write) ? parseBody(jiraAnswer.body) : undefined;
    const objects = !counting ? 0 : write ? writtenObjects(body) : returnedObjects(jiraAnswer.status, parsed);
    // Faults injected before the work stand for answers Jira's infrastructure gives before the quota is touched.
    const reachedJira = !faultBeforeWork && !refused;
    if (reachedJira) this.rateLimits.charge(limited, objects);
    if (!refused) Object.assign(response.headers, this.rateLimits.headers(limited.bucket));

    // Injected faults and rate-limit refusals stand for Jira's infrastructure (429, 5xx), which the spec does
    // not list per operation.
    if (reachedJira && !badPath)
      this.contract?.checkResponse({
        method,
        path: pathname,
        status: jiraAnswer.status,
        headers: jiraAnswer.headers,
        body: parsed,
      });

    await this.wait(this.latency.after(endpoint, write, objects));

    this.calls.push({ method, path: req.path, status: response.status, actor: req.actor });
    if (this.calls.length > CALL_LOG_LIMIT) this.calls.splice(0, this.calls.length - CALL_LOG_LIMIT);
    return response;
  }

  private wait(ms: number): Promise<void> {
    if (!this.virtualLatency) return sleep(ms);
    this.modelledMs += ms;
    this.onVirtualDelay?.(ms);
    return Promise.resolve();
  }

  /** What the fault panel shows and sets: the latency scale and whether the rate limits apply. */
  get timing(): JiraTiming {
    return { latencyScale: this.latency.current.scale, rateLimits: this.rateLimits.enabled };
  }

  set timing(next: JiraTiming) {
    this.latency.configure({ scale: next.latencyScale });
    this.rateLimits.configure({ enabled: next.rateLimits });
  }

  /** One name per issue for the per-issue write limit, whether the caller gave its key or its id. */
  private issueIdentity(keyOrId: string): string {
    const issue = this.store.getIssue(keyOrId);
    return issue ? String(issue.id) : keyOrId;
  }

  private async dispatch(
    matched: MatchedRoute | 'wrong-method' | null,
    method: string,
    pathname: string,
    query: URLSearchParams,
    body: unknown,
    actor: JiraActor,
    taskFault: TaskFault | null = null,
  ): Promise<JiraResponse> {
    if (actor.type === 'user' && !this.store.getUser(actor.accountId)) {
      return json(401, {
        errorMessages: ['You are not authenticated. Authentication required to perform this operation.'],
        errors: {},
      });
    }
    if (matched === 'wrong-method') return { status: 405, headers: {}, body: '' };
    if (matched) {
      const { route: r, params } = matched;
      const ctx: RouteContext = {
        store: this.store,
        actor,
        appAccountId: this.appAccountId,
        now: this.now,
        propertyIndex: this.propertyIndex,
        method,
        params,
        query,
        body,
        state: this.state,
        customFields: this.customFields,
        index: this.index,
        validatorFunctions: this.validatorFunctions,
        taskFault,
      };
      try {
        return await r.handler(ctx);
      } catch (error) {
        if (error instanceof JiraHttpError) return errorResponse(error);
        const message = error instanceof Error ? error.message : String(error);
        return json(500, { errorMessages: [`Internal emulator error: ${message}`], errors: {} });
      }
    }
    return json(404, { errorMessages: ['null for uri: ' + pathname], errors: {} });
  }
}

interface MatchedRoute {
  route: Route;
  params: Record<string, string>;
}

/** The route for a call; 'wrong-method' when the path exists under other methods (Jira answers 405). */
function matchRoute(method: string, pathname: string): MatchedRoute | 'wrong-method' | null {
  let pathMatched = false;
  for (const route of ROUTES) {
    const m = route.pattern.exec(pathname);
    if (!m) continue;
    pathMatched = true;
    if (route.method !== method) continue;
    const params: Record<string, string> = {};
    route.names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1] as string)));
    return { route, params };
  }
  return pathMatched ? 'wrong-method' : null;
}

/** Objects a read returned: the items of its list, or 1 for a single resource; none for an error. */
/** A bulk fetch's answer with the fault's issues moved from `issues` to `issueErrors`, as Jira may answer it. */
function withIssueErrors(answer: JiraResponse, fault: IssueErrorsFault): JiraResponse {
  if (answer.status !== 200) return answer;
  const body = JSON.parse(answer.body) as { issues?: Array<{ id: string }>; issueErrors?: unknown[] };
  const issues = body.issues ?? [];
  const erred = (id: string) => fault.issueIds === null || fault.issueIds.includes(Number(id));
  const answered = {
    ...body,
    issues: issues.filter((i) => !erred(i.id)),
    issueErrors: [
      ...(body.issueErrors ?? []),
      ...issues.filter((i) => erred(i.id)).map((i) => ({ id: i.id, errorMessage: fault.message })),
    ],
  };
  return { ...answer, body: JSON.stringify(answered) };
}

function returnedObjects(status: number, body: unknown): number {
  if (status < 200 || status >= 300 || body === undefined) return 0;
  if (Array.isArray(body)) return body.length;
  if (typeof body === 'object' && body !== null) {
    for (const key of COLLECTION_KEYS) {
      const list = (body as Record<string, unknown>)[key];
      if (Array.isArray(list)) return list.length;
    }
  }
  return 1;
}

/**
 * Objects a write sends: the issues of a bulk body (POST /issue/properties/multi, POST /bulk/issues/fields),
 * or 1.
 */
function writtenObjects(body: unknown): number {
  const b = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const issues = b.issues ?? b.selectedIssueIdsOrKeys;
  return Array.isArray(issues) ? Math.max(1, issues.length) : 1;
}

function parseBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function decodable(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

function queryRecord(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    out[key] = all.length === 1 ? (all[0] as string) : all;
  }
  return out;
}
