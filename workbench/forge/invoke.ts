/**
 * Calls app functions the way Forge does: a resolver through @forge/resolver's real definitions handler, a
 * trigger or consumer with its event, each inside its own invocation context and within Forge's limits.
 */
import {
  buildCallContext,
  buildRuntimePayload,
  DEFAULT_LIMITS,
  PayloadTooLargeError,
  runWithinLimit,
  type ForgeContextInput,
  type InvocationLimits,
} from './context';

export type { ForgeContextInput } from './context';

// Method syntax makes the parameters bivariant, so a handler typed for its own event (as @forge/resolver's
// DefinitionsHandler is) is accepted where the host only knows `unknown`.
export type ResolverHandler = { handle(event: unknown, ctx: unknown): Promise<unknown> }['handle'];
export type FunctionHandler = { handle(...args: unknown[]): Promise<unknown> }['handle'];

function byteSize(value: unknown): number {
  return value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
}

function checkSize(what: 'payload' | 'response', value: unknown, limits: InvocationLimits): void {
  const bytes = byteSize(value);
  if (bytes > limits.maxPayloadBytes) throw new PayloadTooLargeError(what, bytes, limits.maxPayloadBytes);
}

/**
 * `handler` is what `new Resolver().getDefinitions()` returns. A resolver that throws, runs past the UI limit
 * (25 s) or answers more than Forge carries rejects the promise; the UI host turns that into a bridge error.
 */
export async function invokeResolver(
  handler: ResolverHandler,
  functionKey: string,
  payload: unknown,
  ctx: ForgeContextInput,
  limits: InvocationLimits = DEFAULT_LIMITS,
): Promise<unknown> {
  checkSize('payload', payload, limits);
  const event = { call: { functionKey, payload }, context: buildCallContext(ctx) };
  const seconds = limits.uiTimeoutSeconds;
  const answer = await invokeWith(ctx, seconds, limits, (runtimePayload) => handler(event, runtimePayload));
  checkSize('response', answer, limits);
  return answer;
}

/**
 * For scheduled triggers and queue consumers: `handler(event, context)` with the runtime's context, stopped at
 * the function's manifest `timeoutSeconds` (Forge's default, 55 s, when it declares none).
 */
export function invokeFunction(
  handler: FunctionHandler,
  event: unknown,
  ctx: ForgeContextInput,
  timeoutSeconds?: number,
  limits: InvocationLimits = DEFAULT_LIMITS,
): Promise<unknown> {
  const seconds = timeoutSeconds ?? limits.defaultFunctionTimeoutSeconds;
  return invokeWith(ctx, seconds, limits, (runtimePayload) => handler(event, runtimePayload));
}

/** Runs `call` as one Forge invocation: the user, module and time limit the SDKs will see. */
function invokeWith(
  ctx: ForgeContextInput,
  limitSeconds: number,
  limits: InvocationLimits,
  call: (runtimePayload: ReturnType<typeof buildRuntimePayload>) => Promise<unknown>,
): Promise<unknown> {
  const runtimePayload = buildRuntimePayload(ctx);
  return runWithinLimit(
    {
      accountId: ctx.accountId,
      moduleKey: ctx.moduleKey,
      installContext: runtimePayload.installContext as string,
      license: ctx.license,
      timeoutMs: ctx.timeoutMs ?? limitSeconds * 1000 * limits.timeScale,
    },
    limitSeconds,
    () => call(runtimePayload),
  );
}
