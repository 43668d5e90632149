import type Resolver from '@forge/resolver';
import * as z from 'zod';
import type { Answer } from '../contract/answer';
import { fieldErrors } from '../domain/schemas';
import { NotAuthorizedError, ValidationError, refusalOf, toErrorAnswer } from '../errors';

/**
 * The edge of every resolver: read the Forge context, validate the payload with the shared contract schema,
 * run the handler, and turn any failure into an `Answer` the UI can show. Handlers never see raw input.
 */

const ISSUE_KEY = /^[A-Z][A-Z0-9_]{0,254}-[1-9][0-9]{0,17}$/;
const PROJECT_KEY = /^[A-Z][A-Z0-9_]{0,254}$/;

/** What a handler may rely on: only `accountId` is tamper-proof; keys are checked input. */
export interface CallContext {
  accountId: string;
  moduleKey: string | null;
  issueKey: string | null;
  projectKey: string | null;
  /**
   * Set only for background work a person started (a bulk decision's queue consumer), whose invocation has no
   * user: Jira calls are made asApp(), after the person's rights were checked for them (personRights), and
   * what is written names them (`actorName`, read when they started the work).
   */
  background?: { actorName: string | null };
}

const contextSchema = z
  .object({
    accountId: z.string().min(1).optional(),
    moduleKey: z.string().optional(),
    extension: z
      .object({
        issue: z
          .object({ key: z.string().regex(ISSUE_KEY) })
          .loose()
          .optional(),
        project: z
          .object({ key: z.string().regex(PROJECT_KEY) })
          .loose()
          .optional(),
      })
      .loose()
      .optional(),
  })
  .loose();

export function readCallContext(context: unknown): CallContext {
  const parsed = contextSchema.safeParse(context ?? {});
  if (!parsed.success) throw new ValidationError('The page sent an unreadable issue or project key.');
  const { accountId, moduleKey, extension } = parsed.data;
  if (!accountId) throw new NotAuthorizedError('Log in to Jira to use Outcome Lens.');
  return {
    accountId,
    moduleKey: moduleKey ?? null,
    issueKey: extension?.issue?.key ?? null,
    projectKey:
      extension?.project?.key ?? (extension?.issue?.key ? extension.issue.key.split('-')[0]! : null),
  };
}

/** The function keys each resolver defined through defineEndpoint: the only ones its handler answers. */
const ownKeys = new WeakMap<Resolver, Set<string>>();

export function defineEndpoint<S extends z.ZodType, T>(
  resolver: Resolver,
  key: string,
  schema: S,
  handler: (payload: z.output<S>, call: CallContext) => Promise<T>,
): void {
  const keys = ownKeys.get(resolver) ?? new Set<string>();
  ownKeys.set(resolver, keys.add(key));
  resolver.define(key, async (request: { payload?: unknown; context?: unknown }): Promise<Answer<T>> => {
    try {
      const call = readCallContext(request.context);
      const parsed = schema.safeParse(request.payload ?? {});
      if (!parsed.success) {
        const fields = fieldErrors(parsed.error);
        return { ok: false, error: { code: 'VALIDATION', message: refusalOf(fields), fields } };
      }
      return { ok: true, data: await handler(parsed.data, call) };
    } catch (error) {
      return { ok: false, error: toErrorAnswer(error) };
    }
  });
}

type ResolverEvent = Parameters<ReturnType<Resolver['getDefinitions']>>[0];
type RuntimePayload = Parameters<ReturnType<Resolver['getDefinitions']>>[1];

/**
 * The Forge handler of a resolver. @forge/resolver looks keys up with `in` on a plain object, so `constructor`,
 * `__proto__` or `valueOf` would reach Object.prototype's members; only the keys this app defined are answered.
 */
export function resolverHandler(
  resolver: Resolver,
): (event: ResolverEvent, runtime?: RuntimePayload) => Promise<unknown> {
  const definitions = resolver.getDefinitions();
  const keys = ownKeys.get(resolver) ?? new Set<string>();
  return async (event, runtime) => {
    const functionKey: unknown = (event as { call?: { functionKey?: unknown } } | undefined)?.call
      ?.functionKey;
    if (typeof functionKey !== 'string' || !keys.has(functionKey)) {
      const answer: Answer<never> = {
        ok: false,
        error: { code: 'NOT_FOUND', message: 'Outcome Lens has no such action. Reload the page.' },
      };
      return answer;
    }
    return definitions(event, runtime);
  };
}

export const keyPatterns = { ISSUE_KEY, PROJECT_KEY } as const;
