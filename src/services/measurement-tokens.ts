/**
 * The settings page's measurement tokens: project administrators (asked of Jira for the caller) list, make,
 * rotate, revoke and delete them. A token's secret leaves the app once, in the answer that made it.
 */
import { webTrigger } from '@forge/api';
import type { NewTokenData, TokenSummary, TokensData } from '../contract/settings';
import type { CallContext } from '../resolvers/endpoint';
import {
  createToken,
  deleteToken,
  listTokens,
  revokeToken,
  rotateToken,
  TOKEN_RATE_LIMIT,
  TOKEN_RATE_WINDOW_SECONDS,
  type StoredToken,
} from '../storage/ingest-tokens';
import { MEASUREMENTS_WEBTRIGGER_KEY } from '../webtrigger/measurements';
import type { Clock } from './outcome-map';
import { targetProject } from './project-access';
import { requireAdmin } from './project-settings';

function summaryOf(t: StoredToken): TokenSummary {
  return {
    id: t.id,
    name: t.name,
    hint: t.hint,
    createdAt: t.createdAt,
    createdBy: t.createdBy,
    rotatedAt: t.rotatedAt,
    revokedAt: t.revokedAt,
  };
}

async function triggerUrl(): Promise<string | null> {
  try {
    return await webTrigger.getUrl(MEASUREMENTS_WEBTRIGGER_KEY);
  } catch {
    return null;
  }
}

export async function loadTokens(call: CallContext): Promise<TokensData> {
  const projectKey = targetProject(call);
  await requireAdmin(projectKey);
  const [tokens, url] = await Promise.all([listTokens(projectKey), triggerUrl()]);
  return {
    tokens: tokens.map(summaryOf),
    url,
    rateLimitPerMinute: Math.round((TOKEN_RATE_LIMIT * 60) / TOKEN_RATE_WINDOW_SECONDS),
  };
}

export async function makeToken(
  call: CallContext,
  input: { name: string; requestId?: string | undefined },
  clock: Clock,
): Promise<NewTokenData> {
  const projectKey = targetProject(call);
  await requireAdmin(projectKey);
  const { token, record } = await createToken(projectKey, input.name, call.accountId, clock.now(), {
    ...(input.requestId ? { requestId: input.requestId } : {}),
  });
  return { token, summary: summaryOf(record) };
}

export async function newSecretFor(call: CallContext, id: string, clock: Clock): Promise<NewTokenData> {
  const projectKey = targetProject(call);
  await requireAdmin(projectKey);
  const { token, record } = await rotateToken(projectKey, id, clock.now());
  return { token, summary: summaryOf(record) };
}

export async function revoke(call: CallContext, id: string, clock: Clock): Promise<TokenSummary> {
  const projectKey = targetProject(call);
  await requireAdmin(projectKey);
  return summaryOf(await revokeToken(projectKey, id, call.accountId, clock.now()));
}

export async function remove(call: CallContext, id: string): Promise<{ deleted: true }> {
  const projectKey = targetProject(call);
  await requireAdmin(projectKey);
  await deleteToken(projectKey, id);
  return { deleted: true };
}
