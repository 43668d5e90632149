/**
 * The workbench's HTTP face: Jira's REST API (Basic auth by user name), the host pages, the surfaces' builds
 * with the bridge client injected, the bridge endpoint and the workbench controls (trigger, faults).
 */
import fs from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ROOT_DIR, type WorkbenchApp } from './app';
import {
  BRIDGE_CLIENT_JS,
  BRIDGE_HOST_JS,
  CLIENT_SCRIPT_PATH,
  designTokensCss,
  handleBridgeInvoke,
  handleGadgetConfig,
  HOST_SCRIPT_PATH,
  injectBridgeClient,
  TOKENS_CSS_PATH,
} from './bridge/host';
import { CSP_REPORT_PATH, CustomUiCspCache, describeCspReport, requestOrigin } from './forge/csp';
import { createJiraHttpHandler, isJiraPath } from './jira/http';
import type { FaultSpec } from './jira/faults';
import { esc, href, type ColorMode } from './pages/layout';
import {
  backlogPage,
  dashboardPage,
  issuePage,
  issueSearchPage,
  messagePage,
  notFoundPage,
  projectListPage,
  projectSurfacePage,
  type Page,
  type PageRequest,
} from './pages/views';
import { DEFAULT_USER } from './users';
import { readBody } from './http-body';

export interface WorkbenchServerOptions {
  port?: number;
  /**
   * Where the surfaces' files are served from: a host of their own, as Forge serves Custom UI from its CDN and
   * not from the Jira site (0, the default, picks a free port).
   */
  resourcePort?: number;
  host?: string;
  /** Folder holding static/<surface>/build; defaults to the repository's static/. */
  staticDir?: string;
  /**
   * Deliver queue events by themselves, as Forge does (default true): a push after "Scan now" is consumed
   * within `queueIntervalMs` (default 250) without pressing the trigger button.
   */
  dispatchQueue?: boolean;
  queueIntervalMs?: number;
}

export interface WorkbenchServer {
  readonly server: http.Server;
  readonly url: string;
  readonly port: number;
  /** The surfaces' own host (their iframes' origin), another origin than `url`. */
  readonly resourceUrl: string;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string | Buffer,
  extra: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...extra,
  });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json', JSON.stringify(value));
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

/**
 * A local redirect target only: never to another origin. Browsers drop tabs and newlines from a Location and
 * read a backslash as a slash, so '/\t/evil.example' or '/\\evil.example' would leave the site: refused with
 * any control character, then the path must resolve to this origin.
 */
export function safeBack(value: string | null | undefined, fallback: string): string {
  // eslint-disable-next-line no-control-regex
  if (!value || /[\u0000-\u001f\u007f\\]/.test(value)) return fallback;
  if (!value.startsWith('/') || value.startsWith('//')) return fallback;
  const base = 'http://workbench.invalid';
  const url = new URL(value, base);
  return url.origin === base ? url.pathname + url.search + url.hash : fallback;
}

/**
 * A browser request another site made: Fetch Metadata says so, or its Origin is not this server. Such a request
 * may not invoke a resolver or change the workbench (a page elsewhere posting a form here, CSRF-style).
 */
export function isCrossSite(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return true;
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  return origin !== `http://${req.headers.host ?? ''}`;
}

/**
 * Resolves `/static/<surface>/<file>` inside static/<surface>/build, or null when the path would leave it
 * (`..`, encoded or not, absolute paths, NUL bytes).
 */
export function resolveStaticFile(staticDir: string, urlPath: string): string | null {
  const m = /^\/static\/([a-z0-9][a-z0-9-]*)\/(.*)$/.exec(urlPath);
  if (!m) return null;
  let rest: string;
  try {
    rest = decodeURIComponent(m[2] as string);
  } catch {
    return null;
  }
  if (rest === '') rest = 'index.html';
  if (rest.includes('\0') || rest.split(/[\\/]/).includes('..') || path.isAbsolute(rest)) return null;
  const base = path.join(staticDir, m[1] as string, 'build');
  const file = path.resolve(base, rest);
  if (!file.startsWith(base + path.sep)) return null;
  return file;
}

/** Serves a Custom UI resource file with the CSP Forge would send with it (`csp` gets the index.html's path). */
function serveStatic(
  res: ServerResponse,
  staticDir: string,
  rawPath: string,
  csp: (indexHtmlFile: string) => string,
): void {
  // Look at the raw path too: a client that does not normalise '..' must still be refused.
  const file = resolveStaticFile(staticDir, rawPath);
  if (!file) return send(res, 403, 'text/plain; charset=utf-8', 'Forbidden');
  // Forge builds one policy per resource, from its index.html (static/<surface>/build/index.html here).
  const surface = rawPath.split('/')[2] as string;
  const policy = { 'content-security-policy': csp(path.join(staticDir, surface, 'build', 'index.html')) };
  fs.readFile(file, (error, data) => {
    if (error) return send(res, 404, 'text/plain; charset=utf-8', 'Not found', policy);
    const ext = path.extname(file);
    const type = CONTENT_TYPES[ext] ?? 'application/octet-stream';
    if (ext === '.html') send(res, 200, type, injectBridgeClient(data.toString('utf8')), policy);
    else send(res, 200, type, data, policy);
  });
}

/** `?locale=de-DE`: a language tag as Jira's user profile gives it (language and region), or nothing. */
function localeOf(param: string | null): { locale?: string } {
  return param && /^[a-z]{2,3}-[A-Z]{2}$/.test(param) ? { locale: param } : {};
}

function parseFault(form: URLSearchParams): FaultSpec {
  const kind = form.get('kind') ?? '500';
  const timesText = form.get('times');
  const times = timesText ? Number(timesText) : undefined;
  const amount = Number(form.get('amount') ?? '') || 0;
  const pathIncludes = form.get('pathIncludes')?.trim();
  const common = {
    ...(times !== undefined ? { times } : {}),
    ...(pathIncludes ? { match: { pathIncludes } } : {}),
  };
  if (kind === '429') return { kind: 'rate-limit', retryAfterSeconds: amount || 2, ...common };
  if (kind === 'latency') return { kind: 'latency', ms: amount || 500, ...common };
  if (kind === '500' || kind === '502' || kind === '503')
    return { kind: 'server-error', status: Number(kind) as 500 | 502 | 503, ...common };
  throw new Error(`Unknown fault kind "${kind}": use 429, 500, 502, 503 or latency`);
}

/**
 * A web trigger's URL: `/webtrigger/<module key>` here (Forge gives each installation its own URL, from
 * webTrigger.getUrl). Anyone may call it, from anywhere, as on Forge: the app's function decides. The request
 * goes to the function as Forge hands it over and its answer is sent back as it returned it.
 */
async function serveWebTrigger(
  req: IncomingMessage,
  res: ServerResponse,
  app: WorkbenchApp,
  moduleKey: string,
  url: URL,
): Promise<void> {
  if (!app.modules('webtrigger').some((m) => m.key === moduleKey))
    return send(res, 404, 'text/plain; charset=utf-8', `No web trigger "${moduleKey}"`);
  let body: string;
  try {
    body = await readBody(req, MAX_BODY);
  } catch {
    return send(res, 413, 'text/plain; charset=utf-8', 'Request body too large');
  }
  const queryParameters: Record<string, string[]> = {};
  for (const [k, v] of url.searchParams) (queryParameters[k] ??= []).push(v);
  const answer = await app.invokeWebTrigger(moduleKey, {
    method: req.method ?? 'GET',
    headers: req.headers,
    body,
    path: url.pathname,
    queryParameters,
  });
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(answer.headers)) headers[k.toLowerCase()] = v.join(', ');
  res.writeHead(answer.statusCode, { 'cache-control': 'no-store', ...headers });
  res.end(answer.body);
}

/**
 * What a host page tells its surfaces, from the address the browser used (its Host header): the site is that
 * address; the surfaces' own host is the same machine name on `resourcePort`, so it is another origin.
 */
function siteAndResources(
  host: string | undefined,
  resourcePort: number | undefined,
): { siteUrl?: string; resourceOrigin?: string } {
  const site = requestOrigin(host);
  if (!site) return {};
  if (resourcePort === undefined) return { siteUrl: site };
  const resources = new URL(site);
  resources.port = String(resourcePort);
  return { siteUrl: site, resourceOrigin: resources.origin };
}

/**
 * The surfaces' own host, as Forge serves Custom UI from a CDN of its own: their files with the policy Forge
 * sends (its `hostname`, the Jira site, is this machine on `sitePort`), the bridge client and the design
 * tokens, and nothing of Jira or the workbench. A surface that reached for a root-relative Jira path, or the
 * host page's document, fails here as it would on a real site.
 */
export function createResourceHandler(
  app: WorkbenchApp,
  options: { staticDir?: string; sitePort: number },
): (req: IncomingMessage, res: ServerResponse) => void {
  const staticDir = path.resolve(options.staticDir ?? path.join(ROOT_DIR, 'static'));
  const customUiCsp = new CustomUiCspCache(app.manifestFile);
  return (req, res) => {
    const raw = req.url ?? '/';
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD')
      return send(res, 405, 'text/plain', 'Read-only', { allow: 'GET, HEAD' });
    const site = requestOrigin(req.headers.host);
    const siteOrigin = site
      ? Object.assign(new URL(site), { port: String(options.sitePort) }).origin
      : undefined;
    if (raw.startsWith('/static/'))
      return serveStatic(res, staticDir, raw.split('?')[0] as string, (indexHtml) =>
        customUiCsp.headerFor(indexHtml, siteOrigin),
      );
    const p = raw.split('?')[0];
    if (p === CLIENT_SCRIPT_PATH) return send(res, 200, CONTENT_TYPES['.js']!, BRIDGE_CLIENT_JS);
    if (p === TOKENS_CSS_PATH) return send(res, 200, CONTENT_TYPES['.css']!, designTokensCss());
    send(
      res,
      404,
      'text/plain; charset=utf-8',
      "Not found: this host serves the app's Custom UI files only.",
    );
  };
}

/** The request handler, for mounting in a server of your own; startWorkbenchServer wraps it. */
export function createRequestHandler(
  app: WorkbenchApp,
  options: {
    staticDir?: string;
    /** The port of the surfaces' own host (createResourceHandler); without it they are served from this one. */
    resourcePort?: number;
  } = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const staticDir = path.resolve(options.staticDir ?? path.join(ROOT_DIR, 'static'));
  const jira = createJiraHttpHandler(app.jira, (name) => app.findUser(name)?.accountId ?? null);
  const customUiCsp = new CustomUiCspCache(app.manifestFile);

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = req.url ?? '/';
    const method = req.method ?? 'GET';
    if (isJiraPath(raw)) return jira(req, res);
    const url = new URL(raw, 'http://workbench.local');
    const p = url.pathname;

    if (raw.startsWith('/static/')) {
      if (method !== 'GET' && method !== 'HEAD')
        return send(res, 405, 'text/plain', 'Read-only', { allow: 'GET, HEAD' });
      return serveStatic(res, staticDir, raw.split('?')[0] as string, (indexHtml) =>
        customUiCsp.headerFor(indexHtml, requestOrigin(req.headers.host)),
      );
    }
    if (p === CSP_REPORT_PATH && method === 'POST') {
      // What Atlassian's collector would receive: said on the console, so a local run shows what a site blocks.
      console.warn(`[workbench] ${describeCspReport(await readBody(req, MAX_BODY))}`);
      res.writeHead(204);
      return void res.end();
    }
    const webTrigger = /^\/webtrigger\/([a-z0-9][a-z0-9-]*)$/.exec(p);
    if (webTrigger) return serveWebTrigger(req, res, app, webTrigger[1]!, url);
    if (method !== 'GET' && method !== 'HEAD' && isCrossSite(req))
      return sendJson(res, 403, { ok: false, error: 'Cross-site requests are refused' });
    if (p === CLIENT_SCRIPT_PATH) return send(res, 200, CONTENT_TYPES['.js']!, BRIDGE_CLIENT_JS);
    if (p === HOST_SCRIPT_PATH) return send(res, 200, CONTENT_TYPES['.js']!, BRIDGE_HOST_JS);
    if (p === TOKENS_CSS_PATH) return send(res, 200, CONTENT_TYPES['.css']!, designTokensCss());
    if (p === '/__bridge/invoke') {
      if (method !== 'POST') return sendJson(res, 405, { ok: false, error: 'POST only' });
      // A form on another site cannot send JSON without a CORS preflight, which this server never grants.
      if (!(req.headers['content-type'] ?? '').startsWith('application/json'))
        return sendJson(res, 415, { ok: false, error: 'The bridge takes application/json only' });
      let body: unknown;
      try {
        body = JSON.parse(await readBody(req, MAX_BODY)) as unknown;
      } catch {
        return sendJson(res, 400, { ok: false, error: 'Body is not JSON' });
      }
      const { status, answer } = await handleBridgeInvoke(app, body);
      return sendJson(res, status, answer);
    }
    if (p === '/__workbench/gadget-config') {
      if (method !== 'POST') return sendJson(res, 405, { ok: false, error: 'POST only' });
      if (!(req.headers['content-type'] ?? '').startsWith('application/json'))
        return sendJson(res, 415, { ok: false, error: 'application/json only' });
      let body: unknown;
      try {
        body = JSON.parse(await readBody(req, MAX_BODY)) as unknown;
      } catch {
        return sendJson(res, 400, { ok: false, error: 'Body is not JSON' });
      }
      const { status, answer } = handleGadgetConfig(app, body);
      return sendJson(res, status, answer);
    }
    if (p === '/__bridge/context') {
      const user = url.searchParams.get('user') ?? DEFAULT_USER;
      try {
        const issueKey = url.searchParams.get('issueKey');
        const projectKey = url.searchParams.get('projectKey');
        return sendJson(
          res,
          200,
          app.bridgeContext(url.searchParams.get('moduleKey') ?? '', {
            user,
            ...(issueKey ? { issueKey } : {}),
            ...(projectKey ? { projectKey } : {}),
          }),
        );
      } catch (error) {
        return sendJson(res, 400, { error: error instanceof Error ? error.message : String(error) });
      }
    }
    if (p === '/__workbench/faults') {
      if (method === 'GET') return sendJson(res, 200, app.jira.faults.list());
      if (method !== 'POST') return send(res, 405, 'text/plain', 'GET or POST');
      const form = new URLSearchParams(await readBody(req, MAX_BODY));
      try {
        if (form.get('action') === 'clear') app.jira.faults.clear();
        else if (form.get('action') === 'timing')
          app.jira.timing = {
            latencyScale: Number(form.get('latencyScale') || NaN),
            rateLimits: form.get('rateLimits') === 'on',
          };
        else app.jira.faults.inject(parseFault(form));
      } catch (error) {
        return send(
          res,
          400,
          'text/plain; charset=utf-8',
          error instanceof Error ? error.message : String(error),
        );
      }
      res.writeHead(303, { location: safeBack(form.get('back'), '/') });
      return void res.end();
    }

    // Host pages: who is acting, and in which theme.
    let colorMode: ColorMode = cookie(req, 'wb-theme') === 'dark' ? 'dark' : 'light';
    const themeParam = url.searchParams.get('theme');
    const extraHeaders: Record<string, string> = {};
    if (themeParam === 'dark' || themeParam === 'light') {
      colorMode = themeParam;
      extraHeaders['set-cookie'] = `wb-theme=${themeParam}; Path=/; SameSite=Lax`;
    }
    let form: URLSearchParams | null = null;
    if (method === 'POST') form = new URLSearchParams(await readBody(req, MAX_BODY));
    const userParam = form?.get('user') ?? url.searchParams.get('user') ?? DEFAULT_USER;
    const known = app.findUser(userParam);
    const pageReq: PageRequest = {
      app,
      user: known ? userParam : DEFAULT_USER,
      accountId: known?.accountId ?? app.accountIdOf(DEFAULT_USER),
      colorMode,
      ...localeOf(url.searchParams.get('locale')),
      query: url.searchParams,
      staticDir,
      ...siteAndResources(req.headers.host, options.resourcePort),
    };
    const reply = (page: Page): void =>
      send(res, page.status, CONTENT_TYPES['.html']!, page.html, extraHeaders);
    if (!known) {
      return reply(
        messagePage(
          pageReq,
          p,
          'Unknown user',
          `<p class="message error">There is no workbench user "${esc(userParam)}". Pick one above.</p>`,
          400,
        ),
      );
    }

    if (p === '/__workbench/trigger') {
      if (method !== 'POST') return send(res, 405, 'text/plain', 'POST only', { allow: 'POST' });
      const back = safeBack(form?.get('back'), href('/', pageReq.user));
      try {
        const firings = Number(form?.get('firings') ?? '') || 1;
        const summary = await app.runScheduledTrigger(form?.get('key') || undefined, { firings });
        if ((req.headers.accept ?? '').includes('application/json')) return sendJson(res, 200, summary);
        return reply(
          messagePage(
            pageReq,
            '/',
            'Scheduled trigger ran',
            `<p class="message" role="status">${esc(summary.triggerKey)}: ${summary.queue.delivered} queue events delivered, ${summary.queue.failed} failed, ${summary.queue.pending} pending, in ${summary.durationMs} ms.</p>
<pre>${esc(JSON.stringify(summary, null, 2))}</pre><p><a href="${esc(back)}">Back</a></p>`,
          ),
        );
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if ((req.headers.accept ?? '').includes('application/json'))
          return sendJson(res, 500, { error: message });
        return reply(
          messagePage(
            pageReq,
            '/',
            'Scheduled trigger failed',
            `<p class="message error" role="alert">${esc(message)}</p><p><a href="${esc(back)}">Back</a></p>`,
            500,
          ),
        );
      }
    }

    if (method !== 'GET' && method !== 'HEAD') return send(res, 405, 'text/plain', 'Method not allowed');
    if (p === '/') return reply(projectListPage(pageReq));
    let m = /^\/browse\/([A-Z][A-Z0-9_]+-\d+)$/.exec(p);
    if (m) return reply(issuePage(pageReq, m[1] as string));
    m = /^\/projects\/([A-Z][A-Z0-9_]+)$/.exec(p);
    if (m) return reply(await backlogPage(pageReq, m[1] as string));
    if (p === '/issues/' || p === '/issues') return reply(await issueSearchPage(pageReq));
    m = /^\/dashboards\/(\d+)$/.exec(p);
    if (m) return reply(dashboardPage(pageReq, Number(m[1])));
    m = /^\/projects\/([A-Z][A-Z0-9_]+)\/(outcomes|settings)$/.exec(p);
    if (m) return reply(projectSurfacePage(pageReq, m[1] as string, m[2] as 'outcomes' | 'settings'));
    // No icon, said without an error a browser would log on every page.
    if (p === '/favicon.ico') return send(res, 204, 'image/x-icon', '');
    return reply(notFoundPage(pageReq, p));
  }

  return (req, res) => {
    route(req, res).catch((error: unknown) => {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', `Workbench error: ${message}`);
      else res.end();
    });
  };
}

/** Starts the site and the surfaces' own host; port 0 picks a free port. Resolves once both listen. */
export async function startWorkbenchServer(
  app: WorkbenchApp,
  options: WorkbenchServerOptions = {},
): Promise<WorkbenchServer> {
  const host = options.host ?? '127.0.0.1';
  // Both hosts listen before either answers: each handler needs the other's port.
  const server = http.createServer();
  const resources = http.createServer();
  const closeAll = (): Promise<void> =>
    Promise.all(
      [server, resources].map(
        (s) =>
          new Promise<void>((done) => {
            s.closeAllConnections();
            if (s.listening) s.close(() => done());
            else done();
          }),
      ),
    ).then(() => undefined);
  let port: number;
  let resourcePort: number;
  try {
    port = await listen(server, options.port ?? 8080, host);
    resourcePort = await listen(resources, options.resourcePort ?? 0, host);
  } catch (error) {
    await closeAll();
    throw error;
  }
  server.on('request', createRequestHandler(app, { ...options, resourcePort }));
  resources.on('request', createResourceHandler(app, { ...options, sitePort: port }));
  let stopDispatcher = (): void => undefined;
  if (options.dispatchQueue ?? true) {
    app.registerConsumers();
    stopDispatcher = app.queue.startDispatcher(options.queueIntervalMs);
  }
  const name = host === '0.0.0.0' ? 'localhost' : host;
  app.publicUrl = `http://${name}:${port}`;
  return {
    server,
    port,
    url: `http://${name}:${port}`,
    resourceUrl: `http://${name}:${resourcePort}`,
    close: () => {
      stopDispatcher();
      return closeAll();
    },
  };
}

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
