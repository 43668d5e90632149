import type { WorkbenchDb } from '../db';
import { FaultInjector } from './faults';
import { readPropertyIndex, type PropertyIndex } from './property-index';
import {
  JiraHttpError,
  errorResponse,
  json,
  type EmulatorState,
  type Route,
  type RouteContext,
} from './routes/common';
import { fieldRoutes } from './routes/fields';
import { issueRoutes } from './routes/issues';
import { permissionRoutes } from './routes/permissions';
import { projectRoutes } from './routes/projects';
import { propertyRoutes } from './routes/properties';
import { searchRoutes } from './routes/search';
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

/** More specific routes first: '/issue/bulkfetch' must win over '/issue/{issueIdOrKey}'. */
const ROUTES: Route[] = [
  ...searchRoutes,
  ...propertyRoutes,
  ...permissionRoutes,
  ...issueRoutes,
  ...projectRoutes,
  ...fieldRoutes,
];

export interface JiraEmulatorOptions {
  appAccountId?: string;
  contract?: ContractCheckerLike | null;
  now?: () => Date;
  /** The app's JQL index of issue properties; defaults to what manifest.yml declares. */
  propertyIndex?: PropertyIndex;
  customFields?: CustomFieldIds;
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
  readonly calls: JiraCall[] = [];
  readonly appAccountId: string;
  propertyIndex: PropertyIndex;
  /** The ids of the sprint and story-point fields on this site; a test may move them before the app runs. */
  customFields: CustomFieldIds;
  private readonly contract: ContractCheckerLike | null;
  private readonly now: () => Date;
  private readonly state: EmulatorState = { snapshots: new Map(), tasks: new Map(), nextTaskId: 10000 };

  constructor(db: WorkbenchDb, options: JiraEmulatorOptions = {}) {
    this.now = options.now ?? (() => new Date());
    this.store = new JiraStore(db, this.now);
    this.appAccountId = options.appAccountId ?? DEFAULT_APP_ACCOUNT_ID;
    this.contract = options.contract ?? null;
    this.propertyIndex = options.propertyIndex ?? readPropertyIndex();
    this.customFields = options.customFields ?? DEFAULT_CUSTOM_FIELDS;
    if (!this.store.getUser(this.appAccountId)) {
      this.store.upsertUser({
        accountId: this.appAccountId,
        displayName: 'Outcome Lens',
        accountType: 'app',
      });
    }
  }

  async handle(req: JiraRequest): Promise<JiraResponse> {
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

    const effect = this.faults.take(method, req.path);
    if (effect.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, effect.delayMs));

    // A path that is not valid percent-encoding never reaches an operation: Jira's web server answers 400.
    const badPath = !decodable(pathname);
    let response: JiraResponse;
    if (effect.response) response = { ...effect.response, headers: { ...effect.response.headers } };
    else if (badPath)
      response = json(400, {
        errorMessages: ['The request path is not valid percent-encoding.'],
        errors: {},
      });
    else if (bodyError)
      response = json(400, {
        errorMessages: ['Invalid request payload. Refer to the REST API documentation and try again.'],
        errors: {},
      });
    else response = await this.dispatch(method, pathname, url.searchParams, body, req.actor);

    // Injected faults stand for Jira's infrastructure (429, 5xx), which the spec does not list per operation.
    if (!effect.response && !badPath)
      this.contract?.checkResponse({
        method,
        path: pathname,
        status: response.status,
        headers: response.headers,
        body: response.body ? (JSON.parse(response.body) as unknown) : undefined,
      });

    this.calls.push({ method, path: req.path, status: response.status, actor: req.actor });
    if (this.calls.length > CALL_LOG_LIMIT) this.calls.splice(0, this.calls.length - CALL_LOG_LIMIT);
    return response;
  }

  private async dispatch(
    method: string,
    pathname: string,
    query: URLSearchParams,
    body: unknown,
    actor: JiraActor,
  ): Promise<JiraResponse> {
    if (actor.type === 'user' && !this.store.getUser(actor.accountId)) {
      return json(401, {
        errorMessages: ['You are not authenticated. Authentication required to perform this operation.'],
        errors: {},
      });
    }
    let pathMatched = false;
    for (const r of ROUTES) {
      const m = r.pattern.exec(pathname);
      if (!m) continue;
      pathMatched = true;
      if (r.method !== method) continue;
      const params: Record<string, string> = {};
      r.names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1] as string)));
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
      };
      try {
        return await r.handler(ctx);
      } catch (error) {
        if (error instanceof JiraHttpError) return errorResponse(error);
        const message = error instanceof Error ? error.message : String(error);
        return json(500, { errorMessages: [`Internal emulator error: ${message}`], errors: {} });
      }
    }
    if (pathMatched) return { status: 405, headers: {}, body: '' };
    return json(404, { errorMessages: ['null for uri: ' + pathname], errors: {} });
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
