/**
 * Per-invocation context of the local Forge host. One AsyncLocalStorage carries who is calling, which module
 * runs and when the invocation times out, so concurrent invocations never see each other's user.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

export const DEFAULT_INSTALL_CONTEXT = 'ari:cloud:jira::site/workbench';
export const DEFAULT_SITE_URL = 'http://localhost:4000';
/**
 * Forge's invocation limits, from developer.atlassian.com/platform/forge/limits-invocation (updated Jan 2026):
 * a UI module's function may run 25 s; a function only referenced by a consumer or scheduled trigger runs 55 s
 * unless its manifest entry sets `timeoutSeconds`, which @forge/manifest's schema bounds to 1..900.
 * The invocation payload and answer travel through Forge's GraphQL gateway, whose body limit Atlassian's
 * developer community reports as 5,242,880 bytes; no @forge package declares a figure, so this is that one.
 */
export const FORGE_LIMITS = {
  uiTimeoutSeconds: 25,
  defaultFunctionTimeoutSeconds: 55,
  maxFunctionTimeoutSeconds: 900,
  maxPayloadBytes: 5 * 1024 * 1024,
} as const;
export const UI_TIMEOUT_MS = FORGE_LIMITS.uiTimeoutSeconds * 1000;
export const FUNCTION_TIMEOUT_MS = FORGE_LIMITS.defaultFunctionTimeoutSeconds * 1000;

/**
 * How the host applies the limits. `timeScale` shrinks every time limit by the same factor, so a test can show
 * a 25 s limit cutting off a resolver in 25 ms (timeScale 0.001) while the limit itself stays Forge's.
 */
export interface InvocationLimits {
  uiTimeoutSeconds: number;
  defaultFunctionTimeoutSeconds: number;
  maxPayloadBytes: number;
  timeScale: number;
}

export const DEFAULT_LIMITS: InvocationLimits = {
  uiTimeoutSeconds: FORGE_LIMITS.uiTimeoutSeconds,
  defaultFunctionTimeoutSeconds: FORGE_LIMITS.defaultFunctionTimeoutSeconds,
  maxPayloadBytes: FORGE_LIMITS.maxPayloadBytes,
  timeScale: 1,
};

/**
 * A function that ran past its time limit. Forge stops it and the caller's invoke rejects; the code is the one
 * @forge/events names such an invocation (InvocationErrorCode.FUNCTION_TIME_OUT), which is also the
 * retryReason a queue event carries after its consumer timed out.
 */
export class FunctionTimeoutError extends Error {
  readonly code = 'FUNCTION_TIME_OUT';
  constructor(readonly limitSeconds: number) {
    super(`FUNCTION_TIME_OUT: the function did not finish within ${limitSeconds} seconds and was stopped`);
    this.name = 'FunctionTimeoutError';
  }
}

/** An invocation payload or answer over Forge's size limit. */
export class PayloadTooLargeError extends Error {
  readonly code = 'PAYLOAD_TOO_LARGE';
  constructor(
    readonly what: 'payload' | 'response',
    readonly bytes: number,
    readonly limitBytes: number,
  ) {
    super(`The invocation ${what} is ${bytes} bytes, over Forge's limit of ${limitBytes} bytes`);
    this.name = 'PayloadTooLargeError';
  }
}

export interface InvocationContext {
  accountId: string | null;
  moduleKey: string;
  /** How long the invocation may run; drives getRemainingTimeInMillis(). */
  timeoutMs?: number;
  installContext?: string;
  license?: unknown;
  accountType?: string;
  localId?: string;
  invocationId?: string;
  /**
   * The chain of async events this invocation belongs to: the one that pushed the event it consumes. Absent: the
   * invocation starts a chain of its own (a resolver, a trigger, a web trigger).
   */
  chainId?: string;
}

export interface ActiveInvocation extends Required<Pick<InvocationContext, 'moduleKey' | 'invocationId'>> {
  accountId: string | null;
  /** Forge counts the push requests of a chain together (1,000 at most): see QueueHost. */
  chainId: string;
  installContext?: string;
  license?: unknown;
  deadline: number;
  /** Set once the invocation ran past its limit: Forge has stopped it, so it may not reach Jira or storage. */
  stoppedBy?: FunctionTimeoutError;
}

/** What the UI host knows about the surface that invokes a function. */
export interface ForgeContextInput {
  accountId: string | null;
  moduleKey: string;
  /** e.g. { type: 'jira:issuePanel', issue: { key, id, type }, project: { key, id, type } } */
  extension: Record<string, unknown>;
  installContext?: string;
  license?: unknown;
  accountType?: string;
  localId?: string;
  siteUrl?: string;
  timeoutMs?: number;
}

const store = new AsyncLocalStorage<ActiveInvocation>();

export function currentInvocation(): ActiveInvocation | undefined {
  return store.getStore();
}

export function runInInvocation<T>(ctx: InvocationContext, fn: () => Promise<T>): Promise<T> {
  const invocationId = ctx.invocationId ?? randomUUID();
  const active: ActiveInvocation = {
    accountId: ctx.accountId,
    moduleKey: ctx.moduleKey,
    invocationId,
    chainId: ctx.chainId ?? invocationId,
    installContext: ctx.installContext,
    license: ctx.license,
    deadline: Date.now() + (ctx.timeoutMs ?? FUNCTION_TIMEOUT_MS),
  };
  return store.run(active, fn);
}

/**
 * Runs `fn` as one invocation that Forge stops after `timeoutMs`: the promise rejects with FunctionTimeoutError
 * at the limit, and whatever `fn` still does afterwards can no longer call Jira or storage (JavaScript cannot
 * kill it, so the runtime refuses its calls, as a stopped function makes none).
 */
export function runWithinLimit<T>(
  ctx: InvocationContext & { timeoutMs: number },
  limitSeconds: number,
  fn: () => Promise<T>,
): Promise<T> {
  let active: ActiveInvocation | undefined;
  let timer: NodeJS.Timeout | undefined;
  const work = runInInvocation(ctx, () => {
    active = currentInvocation();
    return fn();
  });
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new FunctionTimeoutError(limitSeconds);
      if (active) active.stoppedBy = error;
      reject(error);
    }, ctx.timeoutMs);
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}

/** 'ari:cloud:jira::site/<cloudId>' → '<cloudId>'. */
export function cloudIdOf(installContext: string): string {
  const match = /site\/([^/]+)$/.exec(installContext);
  return match?.[1] ?? installContext;
}

/** The `context` object a Custom UI resolver call carries, shaped as Forge builds it before @forge/resolver. */
export function buildCallContext(input: ForgeContextInput): Record<string, unknown> {
  const installContext = input.installContext ?? DEFAULT_INSTALL_CONTEXT;
  return {
    accountId: input.accountId ?? undefined,
    accountType: input.accountType ?? (input.accountId ? 'licensed' : 'unlicensed'),
    cloudId: cloudIdOf(installContext),
    workspaceId: cloudIdOf(installContext),
    moduleKey: input.moduleKey,
    localId: input.localId ?? `${input.moduleKey}-local`,
    siteUrl: input.siteUrl ?? DEFAULT_SITE_URL,
    environmentId: 'workbench-env',
    environmentType: 'DEVELOPMENT',
    locale: 'en-US',
    timezone: 'UTC',
    extension: input.extension,
    license: input.license,
  };
}

/** The second argument Forge's runtime hands a function: the tamper-proof part of the context. */
export function buildRuntimePayload(input: ForgeContextInput): Record<string, unknown> {
  const installContext = input.installContext ?? DEFAULT_INSTALL_CONTEXT;
  return {
    installContext,
    principal: input.accountId ? { accountId: input.accountId } : undefined,
    license: input.license,
    installation: { ari: { installationId: 'workbench-installation' }, contexts: [{ ari: installContext }] },
  };
}
