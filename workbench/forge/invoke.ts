/**
 * Calls app functions the way Forge does: a resolver through @forge/resolver's real definitions handler, a
 * trigger or consumer with its event, each inside its own invocation context.
 */
import {
  buildCallContext,
  buildRuntimePayload,
  FUNCTION_TIMEOUT_MS,
  runInInvocation,
  UI_TIMEOUT_MS,
  type ForgeContextInput,
} from './context';

export type { ForgeContextInput } from './context';

// Method syntax makes the parameters bivariant, so a handler typed for its own event (as @forge/resolver's
// DefinitionsHandler is) is accepted where the host only knows `unknown`.
export type ResolverHandler = { handle(event: unknown, ctx: unknown): Promise<unknown> }['handle'];
export type FunctionHandler = { handle(...args: unknown[]): Promise<unknown> }['handle'];

/**
 * `handler` is what `new Resolver().getDefinitions()` returns. A resolver that throws rejects the promise; the
 * UI host turns that into a bridge error.
 */
export function invokeResolver(
  handler: ResolverHandler,
  functionKey: string,
  payload: unknown,
  ctx: ForgeContextInput,
): Promise<unknown> {
  const event = { call: { functionKey, payload }, context: buildCallContext(ctx) };
  return invokeWith(ctx, UI_TIMEOUT_MS, (runtimePayload) => handler(event, runtimePayload));
}

/** For scheduled triggers and queue consumers: `handler(event, context)` with the runtime's context. */
export function invokeFunction(
  handler: FunctionHandler,
  event: unknown,
  ctx: ForgeContextInput,
): Promise<unknown> {
  return invokeWith(ctx, FUNCTION_TIMEOUT_MS, (runtimePayload) => handler(event, runtimePayload));
}

/** Runs `call` as one Forge invocation: the user, module and time limit the SDKs will see. */
function invokeWith(
  ctx: ForgeContextInput,
  defaultTimeoutMs: number,
  call: (runtimePayload: ReturnType<typeof buildRuntimePayload>) => Promise<unknown>,
): Promise<unknown> {
  const runtimePayload = buildRuntimePayload(ctx);
  return runInInvocation(
    {
      accountId: ctx.accountId,
      moduleKey: ctx.moduleKey,
      installContext: runtimePayload.installContext as string,
      license: ctx.license,
      timeoutMs: ctx.timeoutMs ?? defaultTimeoutMs,
    },
    () => call(runtimePayload),
  );
}
