/** Server side of the bridge: the invoke endpoint, the injected client script and the design-token CSS. */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WorkbenchApp } from '../app';

export { BRIDGE_CLIENT_JS } from './client-script';
export { BRIDGE_HOST_JS } from './host-script';

export const CLIENT_SCRIPT_PATH = '/__bridge/client.js';
export const HOST_SCRIPT_PATH = '/__bridge/host.js';
export const TOKENS_CSS_PATH = '/__bridge/tokens.css';

/**
 * Adds the bridge client before the surface's own script, so @forge/bridge finds window.__bridge at load. Like
 * Forge's own (`BridgeScriptService` in @forge/cli-shared adds `<script src="…/global-bridge.js">`), it is a
 * script file, never inline code: the CSP allows it by its source ('self' here, Forge's CDN on a site).
 */
export function injectBridgeClient(html: string): string {
  const tag = `<script src="${CLIENT_SCRIPT_PATH}"></script>`;
  const mainScript = /<script\b[^>]*\bsrc="\.?\/?main\.js"[^>]*><\/script>/i;
  if (mainScript.test(html)) return html.replace(mainScript, (m) => `${tag}\n    ${m}`);
  if (/<\/head>/i.test(html)) return html.replace(/<\/head>/i, `${tag}\n</head>`);
  return tag + html;
}

let tokensCss: string | undefined;

/** Atlaskit's light and dark themes (plus spacing, typography, shape), what Forge loads when theming is on. */
export function designTokensCss(): string {
  if (tokensCss !== undefined) return tokensCss;
  const names = [
    'atlassian-light',
    'atlassian-dark',
    'atlassian-spacing',
    'atlassian-typography',
    'atlassian-shape',
  ];
  const parts: string[] = [];
  for (const name of names) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(`@atlaskit/tokens/dist/cjs/artifacts/themes/${name}.js`) as { default?: unknown };
      if (typeof mod.default === 'string') parts.push(mod.default);
    } catch {
      // An older @atlaskit/tokens may lack a theme; the others still apply.
    }
  }
  tokensCss = parts.join('\n');
  return tokensCss;
}

export interface BridgeInvokeRequest {
  moduleKey: string;
  functionKey: string;
  payload?: unknown;
  user: string;
  issueKey?: string;
  projectKey?: string;
  /** The page token of the frame (see bridgeToken): proves the page the host served asked for this call. */
  token?: string;
}

/** What a page token is bound to: who acts, in which module, on which issue or project. */
export interface BridgeTokenSubject {
  accountId: string;
  moduleKey: string;
  issueKey?: string | null;
  projectKey?: string | null;
}

/**
 * The token a host page gives each surface frame: an HMAC, under the app's per-start secret, of the acting
 * account, the module and the issue or project the page shows. Forge's own bridge carries a signed context
 * token the same way; here it means a request can neither come from a page the host did not serve, nor swap
 * the user, module or issue of the page it came from.
 */
export function bridgeToken(app: WorkbenchApp, subject: BridgeTokenSubject): string {
  const bound = JSON.stringify([
    subject.accountId,
    subject.moduleKey,
    subject.issueKey ?? '',
    subject.projectKey ?? '',
  ]);
  return createHmac('sha256', app.bridgeSecret).update(bound).digest('base64url');
}

/**
 * The token a dashboard page gives a gadget's edit frame: only the person the page was served to, for that
 * dashboard item, may store its configuration (as only a dashboard's owner may edit its gadgets in Jira).
 */
export function gadgetConfigToken(
  app: WorkbenchApp,
  subject: { accountId: string; dashboardId: number; itemId: number },
): string {
  const bound = JSON.stringify(['gadget-config', subject.accountId, subject.dashboardId, subject.itemId]);
  return createHmac('sha256', app.bridgeSecret).update(bound).digest('base64url');
}

/**
 * `POST /__workbench/gadget-config`: what a gadget's edit view submitted (view.submit), kept with its dashboard
 * item when the page token matches and the person owns the dashboard.
 */
export function handleGadgetConfig(
  app: WorkbenchApp,
  body: unknown,
): { status: number; answer: BridgeInvokeAnswer } {
  const b = (body ?? {}) as Record<string, unknown>;
  const user = typeof b.user === 'string' ? app.findUser(b.user) : null;
  const dashboardId = Number(b.dashboardId);
  const itemId = Number(b.itemId);
  if (!user || !Number.isInteger(dashboardId) || !Number.isInteger(itemId) || typeof b.token !== 'string')
    return {
      status: 400,
      answer: { ok: false, error: 'Expected { user, dashboardId, itemId, token, config }' },
    };
  const expected = Buffer.from(gadgetConfigToken(app, { accountId: user.accountId, dashboardId, itemId }));
  const given = Buffer.from(b.token);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { status: 403, answer: { ok: false, error: 'The page token does not match this gadget' } };
  const dashboard = app.jira.store.getDashboard(dashboardId);
  const item = dashboard
    ? app.jira.store.listDashboardItems(dashboardId).find((i) => i.id === itemId)
    : undefined;
  if (!dashboard || !item || dashboard.owner !== user.accountId)
    return {
      status: 403,
      answer: { ok: false, error: 'Only the dashboard owner may configure its gadgets' },
    };
  const config = b.config ?? {};
  // Jira keeps a JSON value; an entity property's limit (32 KB) bounds it here.
  if (JSON.stringify(config).length > 32_768)
    return { status: 413, answer: { ok: false, error: 'The configuration is too large' } };
  app.jira.store.setDashboardItemProperty(itemId, 'config', config);
  return { status: 200, answer: { ok: true, body: true } };
}

function tokenMatches(app: WorkbenchApp, token: unknown, subject: BridgeTokenSubject): boolean {
  if (typeof token !== 'string') return false;
  const expected = Buffer.from(bridgeToken(app, subject));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export type BridgeInvokeAnswer = { ok: true; body: unknown } | { ok: false; error: string };

function isRequest(value: unknown): value is BridgeInvokeRequest {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  const optionalString = (x: unknown): boolean => x === undefined || x === null || typeof x === 'string';
  return (
    typeof v.moduleKey === 'string' &&
    typeof v.functionKey === 'string' &&
    typeof v.user === 'string' &&
    optionalString(v.issueKey) &&
    optionalString(v.projectKey) &&
    optionalString(v.token)
  );
}

/**
 * `POST /__bridge/invoke`: runs the module's resolver as the user and answers `{ ok, body }`. A resolver that
 * throws (or a bad request) answers `{ ok: false, error }` with a 4xx/5xx status, as Forge rejects the invoke.
 */
export async function handleBridgeInvoke(
  app: WorkbenchApp,
  body: unknown,
): Promise<{ status: number; answer: BridgeInvokeAnswer }> {
  if (!isRequest(body)) {
    return {
      status: 400,
      answer: {
        ok: false,
        error: 'Expected { moduleKey, functionKey, payload, user, issueKey?, projectKey? }',
      },
    };
  }
  const user = app.findUser(body.user);
  if (!user) return { status: 401, answer: { ok: false, error: `Unknown user "${body.user}"` } };
  const subject = {
    accountId: user.accountId,
    moduleKey: body.moduleKey,
    issueKey: body.issueKey,
    projectKey: body.projectKey,
  };
  if (!tokenMatches(app, body.token, subject)) {
    return {
      status: 403,
      answer: { ok: false, error: 'The page token does not match this user, module and issue or project' },
    };
  }
  // Forge invokes a resolver only for the UI module it belongs to; a trigger or consumer is not reachable.
  if (!app.isUiModule(body.moduleKey)) {
    return {
      status: 403,
      answer: { ok: false, error: `Module "${body.moduleKey}" is not a UI module: it cannot be invoked` },
    };
  }
  try {
    const result = await app.invoke(body.moduleKey, body.functionKey, body.payload ?? {}, {
      user: body.user,
      ...(body.issueKey ? { issueKey: body.issueKey } : {}),
      ...(body.projectKey ? { projectKey: body.projectKey } : {}),
    });
    return { status: 200, answer: { ok: true, body: result ?? null } };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { status: 500, answer: { ok: false, error: message } };
  }
}
