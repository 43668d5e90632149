/**
 * Installs the two globals every @forge backend SDK talks through, so the unmodified packages run locally:
 * `__forge_runtime__` (app and invocation context, metrics) and `__forge_fetch__(target, path, init)`, which
 * this host routes to the Jira emulator, app storage or the queue.
 */
import type { JiraActor, JiraRequest, JiraResponse } from '../jira/types';
import { currentInvocation, runInInvocation, type InvocationContext } from './context';
import type { KvsStore } from './kvs-store';
import type { QueueHost } from './queue';

export { runInInvocation, type InvocationContext };

export interface JiraBackendSeam {
  handle(req: JiraRequest): Promise<JiraResponse>;
}

export interface ForgeHost {
  jira: JiraBackendSeam;
  kvs: KvsStore;
  queue: QueueHost;
  /**
   * The URL of a web trigger module on this host (what @forge/api's webTrigger.getUrl answers). Optional: a
   * host without one answers getUrl with Forge's error.
   */
  webTriggerUrl?: (moduleKey: string) => string;
  appAccountId: string;
  installContext: string;
}

/** What @forge/api and @forge/kvs put in the first argument of __forge_fetch__. */
export interface ForgeFetchTarget {
  type: string;
  provider?: string;
  remote?: string;
  accountId?: string;
}

type FetchInit = { method?: string; headers?: unknown; body?: unknown } | undefined;

const APP_ID = 'workbench-app';
const INSTALLED = Symbol.for('outcome-lens.workbench.forgeRuntime');

interface ForgeGlobals {
  __forge_runtime__?: unknown;
  __forge_fetch__?: unknown;
  [INSTALLED]?: boolean;
}

const noopTimer = { stop: () => undefined };
const noopMetric = {
  incr: () => undefined,
  decr: () => undefined,
  set: () => undefined,
  measure: () => noopTimer,
};
const metrics = {
  counter: () => noopMetric,
  timing: () => ({ measure: () => noopTimer }),
  gauge: () => noopMetric,
  histogram: () => ({ record: () => undefined }),
};

function buildRuntime(host: ForgeHost): object {
  // Getters read the invocation at call time: one global object, per-invocation answers.
  return {
    proxy: { token: 'workbench-token', url: 'http://workbench.invalid/proxy' },
    tracing: {
      get traceId() {
        return currentInvocation()?.invocationId ?? 'no-invocation';
      },
      spanId: 'workbench-span',
    },
    metrics,
    get appContext() {
      const inv = currentInvocation();
      return {
        appId: APP_ID,
        appVersion: '1.0.0',
        environmentId: 'workbench-env',
        environmentType: 'DEVELOPMENT',
        invocationId: inv?.invocationId ?? 'no-invocation',
        installationId: 'workbench-installation',
        moduleKey: inv?.moduleKey ?? 'workbench',
        license: inv?.license,
        installation: { contexts: [{ ari: inv?.installContext ?? host.installContext }] },
        permissions: { scopes: [], external: {} },
      };
    },
    lambdaContext: {
      getRemainingTimeInMillis: (): number => {
        const inv = currentInvocation();
        return inv ? Math.max(0, inv.deadline - Date.now()) : Number.MAX_SAFE_INTEGER;
      },
    },
    get contextAri() {
      return currentInvocation()?.installContext ?? host.installContext;
    },
    get aaid() {
      return currentInvocation()?.accountId ?? undefined;
    },
  };
}

export function headersToRecord(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  if (headers instanceof Headers) {
    headers.forEach((value, name) => (out[name.toLowerCase()] = value));
  } else if (Array.isArray(headers)) {
    for (const pair of headers as Array<[string, string]>) out[pair[0].toLowerCase()] = String(pair[1]);
  } else if (typeof headers === 'object') {
    for (const [name, value] of Object.entries(headers as Record<string, string | number | undefined>)) {
      if (value !== undefined) out[name.toLowerCase()] = String(value);
    }
  }
  return out;
}

function bodyToString(body: unknown): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body).toString('utf8');
  if (body instanceof URLSearchParams) return body.toString();
  // Streams and FormData are not used by the app's backend; refuse them rather than send '[object Object]'.
  throw new Error('The workbench supports string, byte and URLSearchParams request bodies only');
}

/** A fetch Response; statuses that forbid a body get none. */
export function makeResponse(status: number, body: string, headers: Record<string, string> = {}): Response {
  const bodyless = status === 204 || status === 205 || status === 304;
  return new Response(bodyless || body === '' ? null : body, { status, headers });
}

function proxyError(status: number, reason: string, message: string): Response {
  return makeResponse(status, JSON.stringify({ message }), {
    'forge-proxy-error': reason,
    'content-type': 'application/json',
  });
}

async function callJira(
  host: ForgeHost,
  target: ForgeFetchTarget,
  path: string,
  init: FetchInit,
): Promise<Response> {
  let actor: JiraActor;
  if (target.provider === 'user') {
    const invoking = currentInvocation()?.accountId ?? null;
    // asUser(accountId) for anyone but the invocation's own user is impersonation, which Forge does not grant
    // an app: @forge/manifest's schema (AppPermissionsSchema, scopes[].allowImpersonation) says "This scope
    // property is not yet supported". The proxy has no token for that account, so it answers as it does for a
    // missing user, and @forge/api throws NeedsAuthenticationError.
    if (target.accountId !== undefined && target.accountId !== invoking)
      return proxyError(
        401,
        'NEEDS_AUTHENTICATION_ERR',
        `asUser(${target.accountId}) impersonates another account, which Forge does not allow`,
      );
    const accountId = invoking;
    // asUser() with no user (a trigger, a consumer) cannot act: Forge answers with an auth error.
    if (!accountId)
      return proxyError(401, 'NEEDS_AUTHENTICATION_ERR', 'asUser() needs a user in the invocation');
    actor = { type: 'user', accountId };
  } else {
    actor = { type: 'app' };
  }
  const req: JiraRequest = {
    method: (init?.method ?? 'GET').toUpperCase(),
    path,
    headers: headersToRecord(init?.headers),
    body: bodyToString(init?.body),
    actor,
  };
  const res = await host.jira.handle(req);
  return makeResponse(res.status, res.body, res.headers);
}

/**
 * Atlassian's GraphQL gateway ("stargate"), for the one mutation the app sends: @forge/api's webTrigger.getUrl
 * posts `createWebTriggerUrl(input: { triggerKey, ... })` and reads `data.createWebTriggerUrl.url`.
 */
function graphql(host: ForgeHost, init: FetchInit): Response {
  let request: { query?: unknown; variables?: { input?: { triggerKey?: unknown } } } = {};
  try {
    request = JSON.parse(bodyToString(init?.body) ?? '{}') as typeof request;
  } catch {
    /* answered below */
  }
  const key = request.variables?.input?.triggerKey;
  if (
    typeof request.query === 'string' &&
    request.query.includes('createWebTriggerUrl') &&
    typeof key === 'string'
  ) {
    if (!host.webTriggerUrl) return proxyError(501, 'UNSUPPORTED_BY_WORKBENCH', 'No web trigger host');
    return makeResponse(
      200,
      JSON.stringify({ data: { createWebTriggerUrl: { url: host.webTriggerUrl(key) } } }),
      {
        'content-type': 'application/json',
      },
    );
  }
  return proxyError(
    501,
    'UNSUPPORTED_BY_WORKBENCH',
    'The workbench answers only createWebTriggerUrl over GraphQL',
  );
}

function routeFetch(host: ForgeHost) {
  return async (target: ForgeFetchTarget, path: string, init?: FetchInit): Promise<Response> => {
    // A function past its time limit has been stopped by Forge: nothing it still tries reaches a backend.
    const stoppedBy = currentInvocation()?.stoppedBy;
    if (stoppedBy) throw stoppedBy;
    if (target.type === 'kvs' || target.remote === 'kvs' || target.type === 'storage') {
      return host.kvs.handle(path, init ?? {});
    }
    if (target.type === 'jira' || (target.type === 'fpp' && target.remote === 'jira')) {
      return callJira(host, target, path, init);
    }
    if (target.remote === 'stargate' && path === '/graphql') return graphql(host, init);
    if (path.startsWith('/webhook/queue/') || path.startsWith('/forge/events/')) {
      return host.queue.handle(path, init);
    }
    return proxyError(
      501,
      'UNSUPPORTED_BY_WORKBENCH',
      `The workbench has no backend for ${target.type}/${target.remote ?? ''} ${path}`,
    );
  };
}

/** Installs the globals for this process; returns the uninstall function. */
export function installForgeRuntime(host: ForgeHost): () => void {
  const g = globalThis as unknown as ForgeGlobals;
  if (g[INSTALLED])
    throw new Error('The Forge runtime is already installed in this process; uninstall it first');
  const previous = { runtime: g.__forge_runtime__, fetch: g.__forge_fetch__ };
  g.__forge_runtime__ = buildRuntime(host);
  g.__forge_fetch__ = routeFetch(host);
  g[INSTALLED] = true;
  return () => {
    g.__forge_runtime__ = previous.runtime;
    g.__forge_fetch__ = previous.fetch;
    delete g[INSTALLED];
  };
}
