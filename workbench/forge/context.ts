/**
 * Per-invocation context of the local Forge host. One AsyncLocalStorage carries who is calling, which module
 * runs and when the invocation times out, so concurrent invocations never see each other's user.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

export const DEFAULT_INSTALL_CONTEXT = 'ari:cloud:jira::site/workbench';
export const DEFAULT_SITE_URL = 'http://localhost:4000';
/** Forge's limits: UI resolvers time out at 25 s, other functions at 55 s by default. */
export const UI_TIMEOUT_MS = 25_000;
export const FUNCTION_TIMEOUT_MS = 55_000;

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
}

export interface ActiveInvocation extends Required<Pick<InvocationContext, 'moduleKey' | 'invocationId'>> {
  accountId: string | null;
  installContext?: string;
  license?: unknown;
  deadline: number;
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
  const active: ActiveInvocation = {
    accountId: ctx.accountId,
    moduleKey: ctx.moduleKey,
    invocationId: ctx.invocationId ?? randomUUID(),
    installContext: ctx.installContext,
    license: ctx.license,
    deadline: Date.now() + (ctx.timeoutMs ?? FUNCTION_TIMEOUT_MS),
  };
  return store.run(active, fn);
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
