/**
 * The workbench over HTTP: Jira REST with Basic auth, read-only static builds that cannot be escaped, the
 * bridge endpoint calling a real resolver, host pages honouring Jira permissions, faults and the trigger.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import Resolver from '@forge/resolver';
import { createWorkbenchApp, type WorkbenchApp } from '../../workbench/app';
import { bridgeToken, gadgetConfigToken } from '../../workbench/bridge/host';
import {
  resolveStaticFile,
  safeBack,
  startWorkbenchServer,
  type WorkbenchServer,
} from '../../workbench/server';

const PANEL = 'test-server-panel';

function aResolver() {
  const resolver = new Resolver();
  resolver.define('whoami', ({ payload, context }) => ({
    ok: true,
    data: {
      accountId: context.accountId as string,
      issue: (context.extension as { issue?: { key: string } }).issue?.key,
      echo: payload,
    },
  }));
  resolver.define('fail', () => {
    throw new Error('cannot answer');
  });
  return resolver.getDefinitions();
}

/** A static folder with one built surface, so the test does not depend on the app's real builds. */
function aStaticDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wb-static-'));
  const build = path.join(dir, 'panel', 'build');
  fs.mkdirSync(build, { recursive: true });
  fs.writeFileSync(
    path.join(build, 'index.html'),
    '<!doctype html><html><head><title>p</title></head><body><div id="root"></div><script src="./main.js"></script></body></html>',
  );
  fs.writeFileSync(path.join(build, 'main.js'), 'document.getElementById("root").textContent = "hi";');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'top secret');
  return dir;
}

let app: WorkbenchApp;
let server: WorkbenchServer;
let staticDir: string;

beforeAll(async () => {
  app = createWorkbenchApp({ dataFile: ':memory:' });
  const s = app.jira.store;
  s.createProject({ key: 'DEMO', name: 'Demo project' });
  s.createProject({ key: 'HIDDEN', name: 'Hidden project' });
  app.grantDemoRoles('DEMO');
  s.createIssue({ key: 'DEMO-1', summary: 'Export the backlog to CSV', description: 'As a PM I want a CSV' });
  s.createIssue({ key: 'DEMO-2', summary: 'Shoppers lose their cart', labels: ['checkout'] });
  s.setIssueProperty('DEMO-2', 'outcome-lens', { score: 80, hasHypothesis: 'true' });
  s.createIssue({ key: 'HIDDEN-1', summary: 'Secret plans' });
  app.registerTestModule({ key: PANEL, type: 'jira:issuePanel', handler: aResolver(), surface: 'panel' });
  staticDir = aStaticDir();
  server = await startWorkbenchServer(app, { port: 0, staticDir });
});

afterAll(async () => {
  await server.close();
  app.close();
  fs.rmSync(staticDir, { recursive: true, force: true });
});

const basic = (user: string) => ({ authorization: `Basic ${Buffer.from(`${user}:any`).toString('base64')}` });

/** A raw GET that keeps the path exactly as written (fetch would normalise '..'). */
function rawGet(rawPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: server.port, path: rawPath, method: 'GET' },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const page = async (p: string) => {
  const res = await fetch(server.url + p);
  return { status: res.status, html: await res.text() };
};

describe('the Jira REST face', () => {
  it('answers a browser asking for the icon with no content, not an error it would log on every page', async () => {
    const res = await fetch(`${server.url}/favicon.ico`);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
  });

  it('answers as the Basic-auth user named in the header', async () => {
    const res = await fetch(`${server.url}/rest/api/3/myself`, { headers: basic('admin') });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { accountId: string }).accountId).toBe(app.accountIdOf('admin'));
  });

  it('answers 401 without credentials or for an unknown user', async () => {
    expect((await fetch(`${server.url}/rest/api/3/myself`)).status).toBe(401);
    expect((await fetch(`${server.url}/rest/api/3/myself`, { headers: basic('mallory') })).status).toBe(401);
  });

  it('applies Jira permissions: the outsider does not see an issue the member sees', async () => {
    expect((await fetch(`${server.url}/rest/api/3/issue/DEMO-1`, { headers: basic('member') })).status).toBe(
      200,
    );
    expect(
      (await fetch(`${server.url}/rest/api/3/issue/DEMO-1`, { headers: basic('outsider') })).status,
    ).toBe(404);
  });
});

describe("the surfaces' own host", () => {
  it('serves the surface with the bridge client and the policy naming the site, and nothing of Jira or the workbench', async () => {
    const res = await fetch(`${server.resourceUrl}/static/panel/index.html`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<script src="/__bridge/client.js"></script>');
    // Forge's policy lets the Jira site frame the surface and be reached from it (@forge/csp's hostname).
    const policy = res.headers.get('content-security-policy') ?? '';
    expect(
      policy
        .split('; ')
        .find((d) => d.startsWith('frame-ancestors '))
        ?.split(' '),
    ).toContain(server.url);
    expect(
      policy
        .split('; ')
        .find((d) => d.startsWith('connect-src '))
        ?.split(' '),
    ).toContain(server.url);
    expect((await fetch(`${server.resourceUrl}/__bridge/client.js`)).status).toBe(200);
    for (const elsewhere of ['/rest/api/3/myself', '/browse/DEMO-1', '/__bridge/invoke', '/webtrigger/x'])
      expect((await fetch(`${server.resourceUrl}${elsewhere}`)).status).toBe(404);
    expect((await fetch(`${server.resourceUrl}/static/panel/index.html`, { method: 'POST' })).status).toBe(
      405,
    );
  });
});

describe('static surface builds', () => {
  it('serves a build with the bridge client injected before the surface script', async () => {
    const res = await rawGet('/static/panel/index.html');
    expect(res.status).toBe(200);
    const client = res.body.indexOf('<script src="/__bridge/client.js"></script>');
    expect(client).toBeGreaterThan(0);
    expect(client).toBeLessThan(res.body.indexOf('src="./main.js"'));
    expect((await rawGet('/static/panel/main.js')).body).toContain('textContent = "hi"');
  });

  it.each([
    '/static/panel/../secret.txt',
    '/static/panel/../../secret.txt',
    '/static/panel/%2e%2e/secret.txt',
    '/static/panel/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/static/panel/..%5c..%5csecret.txt',
    '/static/panel/%00index.html',
    '/static/../../package.json',
  ])('refuses to leave the build folder: %s', async (rawPath) => {
    const res = await rawGet(rawPath);
    expect([403, 404]).toContain(res.status);
    expect(res.body).not.toContain('top secret');
    expect(res.body).not.toContain('outcome-lens');
  });

  it('keeps every resolved path inside static/<surface>/build', () => {
    expect(resolveStaticFile('/srv/static', '/static/panel/a/b.js')).toBe('/srv/static/panel/build/a/b.js');
    expect(resolveStaticFile('/srv/static', '/static/panel/')).toBe('/srv/static/panel/build/index.html');
    expect(resolveStaticFile('/srv/static', '/static/panel/a/../../x')).toBeNull();
    expect(resolveStaticFile('/srv/static', '/static/panel/%E0%A4%A')).toBeNull();
  });

  it('is read-only', async () => {
    const res = await fetch(`${server.url}/static/panel/index.html`, { method: 'PUT', body: 'x' });
    expect(res.status).toBe(405);
  });
});

describe('the bridge endpoint', () => {
  type Call = { moduleKey: string; user: string; issueKey?: string; projectKey?: string } & Record<
    string,
    unknown
  >;
  /** The token the host page would have given this call's frame. */
  const tokenFor = (call: Call) =>
    bridgeToken(app, {
      accountId: app.findUser(call.user)?.accountId ?? call.user,
      moduleKey: call.moduleKey,
      issueKey: call.issueKey,
      projectKey: call.projectKey,
    });
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/__bridge/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const invoke = (call: Call) => post({ token: tokenFor(call), ...call });

  it('runs the module resolver as the user with the issue, and returns its answer', async () => {
    const res = await invoke({
      moduleKey: PANEL,
      functionKey: 'whoami',
      payload: { x: 1 },
      user: 'viewer',
      issueKey: 'DEMO-1',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      ok: true,
      body: { ok: true, data: { accountId: app.accountIdOf('viewer'), issue: 'DEMO-1', echo: { x: 1 } } },
    });
  });

  it('turns a throwing resolver into an error answer', async () => {
    const res = await invoke({ moduleKey: PANEL, functionKey: 'fail', user: 'member', issueKey: 'DEMO-1' });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({
      ok: false,
      error: expect.stringContaining('cannot answer') as unknown,
    });
  });

  it('refuses an unknown user and a malformed request', async () => {
    expect((await invoke({ moduleKey: PANEL, functionKey: 'whoami', user: 'mallory' })).status).toBe(401);
    expect((await post({ functionKey: 'whoami' })).status).toBe(400);
  });

  it('refuses a request without the page token, or with the token of another user or issue', async () => {
    const call = { moduleKey: PANEL, functionKey: 'whoami', user: 'member', issueKey: 'DEMO-1' };
    expect((await post(call)).status).toBe(403);
    const viewersToken = tokenFor({ ...call, user: 'viewer' });
    expect((await post({ ...call, token: viewersToken })).status).toBe(403);
    const otherIssuesToken = tokenFor({ ...call, issueKey: 'DEMO-2' });
    const refused = await post({ ...call, token: otherIssuesToken });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({
      ok: false,
      error: expect.stringContaining('page token') as unknown,
    });
  });

  it('accepts the token the issue page embeds for its own issue only', async () => {
    const html = (await page('/browse/DEMO-1?user=member')).html;
    const token = /"token":"([^"]+)"/.exec(html)?.[1];
    expect(token).toBeDefined();
    const call = { moduleKey: PANEL, functionKey: 'whoami', user: 'member', issueKey: 'DEMO-1', token };
    expect((await post(call)).status).toBe(200);
    expect((await post({ ...call, issueKey: 'DEMO-2' })).status).toBe(403);
    expect((await post({ ...call, user: 'admin' })).status).toBe(403);
  });

  it('refuses cross-site requests: another Origin, Fetch Metadata saying so, or a form body', async () => {
    const call = { moduleKey: PANEL, functionKey: 'whoami', user: 'member', issueKey: 'DEMO-1' };
    const body = { token: tokenFor(call), ...call };
    const fromElsewhere = await post(body, { origin: 'http://evil.example' });
    expect(fromElsewhere.status).toBe(403);
    expect(await fromElsewhere.json()).toEqual({ ok: false, error: 'Cross-site requests are refused' });
    expect((await post(body, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await post(body, { 'content-type': 'text/plain' })).status).toBe(415);
    // The same call from the workbench's own pages goes through.
    expect((await post(body, { origin: server.url.replace('127.0.0.1', '127.0.0.1') })).status).toBe(200);
  });

  it("refuses the app's own account as the acting user", async () => {
    const appAccount = app.jira.appAccountId;
    const res = await invoke({
      moduleKey: PANEL,
      functionKey: 'whoami',
      user: appAccount,
      issueKey: 'DEMO-1',
    });
    expect(res.status).toBe(401);
    expect((await page(`/?user=${encodeURIComponent(appAccount)}`)).status).toBe(400);
    expect(
      (await fetch(`${server.url}/__bridge/context?moduleKey=${PANEL}&issueKey=DEMO-1&user=${appAccount}`))
        .status,
    ).toBe(400);
    expect((await fetch(`${server.url}/rest/api/3/myself`, { headers: basic(appAccount) })).status).toBe(401);
    await expect(app.invoke(PANEL, 'whoami', {}, { user: appAccount, issueKey: 'DEMO-1' })).rejects.toThrow(
      /Unknown workbench user/,
    );
  });

  it('invokes UI modules only: not a trigger, a consumer or a key the manifest does not have', async () => {
    app.registerTestModule({
      key: 'test-bridge-trigger',
      type: 'scheduledTrigger',
      handler: () => Promise.resolve('ran'),
    });
    for (const moduleKey of [
      'test-bridge-trigger',
      'outcome-lens-scan-consumer',
      'outcome-lens-daily-scan',
    ]) {
      const res = await invoke({ moduleKey, functionKey: 'whoami', user: 'admin', projectKey: 'DEMO' });
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({
        ok: false,
        error: expect.stringContaining('not a UI module') as unknown,
      });
    }
    expect((await invoke({ moduleKey: 'scan-trigger', functionKey: 'x', user: 'admin' })).status).toBe(403);
  });

  it('delivers the queue push after "Scan now" by itself, without the trigger button', async () => {
    const before = app.queue.deliveries.length;
    const res = await invoke({
      moduleKey: 'outcome-lens-project-page',
      functionKey: 'scanNow',
      payload: { dryRun: true },
      user: 'admin',
      projectKey: 'DEMO',
    });
    expect(res.status).toBe(200);
    const scanDeliveries = () =>
      app.queue.deliveries.slice(before).filter((d) => d.queueName === 'outcome-lens-scan');
    for (let i = 0; i < 200 && scanDeliveries().length === 0; i++)
      await new Promise((r) => setTimeout(r, 25));
    expect(scanDeliveries()).toEqual([expect.objectContaining({ ok: true, retryCount: 0 })]);
  });

  it('answers the Forge context a surface sees with getContext', async () => {
    const res = await fetch(`${server.url}/__bridge/context?moduleKey=${PANEL}&issueKey=DEMO-1&user=member`);
    expect(await res.json()).toMatchObject({
      accountId: app.accountIdOf('member'),
      moduleKey: PANEL,
      extension: { type: 'jira:issuePanel', issue: { key: 'DEMO-1' }, project: { key: 'DEMO' } },
      theme: { colorMode: 'light' },
    });
  });
});

describe('host pages', () => {
  it('lists only the projects the user can browse', async () => {
    expect((await page('/?user=member')).html).toContain('Demo project');
    expect((await page('/?user=member')).html).not.toContain('Hidden project');
    expect((await page('/?user=outsider')).html).toContain('No projects you can browse');
  });

  it("shows Jira's no-permission page to a user without browse permission", async () => {
    const res = await page('/browse/DEMO-1?user=outsider');
    expect(res.status).toBe(403);
    expect(res.html).toContain('You do not have permission');
    expect(res.html).not.toContain('Export the backlog');
    expect((await page('/browse/HIDDEN-1?user=admin')).status).toBe(403);
    expect((await page('/projects/DEMO/settings?user=viewer')).status).toBe(403);
  });

  it('renders the issue fields and the panel iframe with its bridge config', async () => {
    const res = await page('/browse/DEMO-1?user=member');
    expect(res.status).toBe(200);
    expect(res.html).toContain('Export the backlog to CSV');
    expect(res.html).toContain('As a PM I want a CSV');
    // The surface comes from a host of its own, as Forge serves Custom UI from its CDN, not from the site.
    expect(res.html).toContain(`src="${server.resourceUrl}/static/panel/index.html"`);
    expect(server.resourceUrl).not.toBe(server.url);
    expect(res.html).toContain(`"moduleKey":"${PANEL}"`);
  });

  it('searches the backlog with JQL, including the app property aliases, and shows JQL errors', async () => {
    const all = await page('/projects/DEMO?user=member');
    expect(all.html).toContain('DEMO-1');
    expect(all.html).toContain('DEMO-2');
    const scored = await page(`/projects/DEMO?user=member&jql=${encodeURIComponent('outcomeScore > 50')}`);
    expect(scored.html).toContain('DEMO-2');
    expect(scored.html).not.toContain('>DEMO-1<');
    const broken = await page(`/projects/DEMO?user=member&jql=${encodeURIComponent('nonsense ~~ 1')}`);
    expect(broken.html).toContain('Jira answered 400');
  });

  it('shows the project page to a browser and the settings page to an admin, each in its iframe', async () => {
    app.registerTestModule({
      key: 'test-map',
      type: 'jira:projectPage',
      handler: aResolver(),
      surface: 'panel',
    });
    app.registerTestModule({
      key: 'test-settings',
      type: 'jira:projectSettingsPage',
      handler: aResolver(),
      surface: 'panel',
    });
    const map = await page('/projects/DEMO/outcomes?user=viewer');
    expect(map.status).toBe(200);
    expect(map.html).toContain('data-wb-module="test-map"');
    expect(map.html).toContain('"extension":{"type":"jira:projectPage"');
    expect(map.html).not.toContain('Project settings</a>');
    const settings = await page('/projects/DEMO/settings?user=admin');
    expect(settings.status).toBe(200);
    expect(settings.html).toContain('data-wb-module="test-settings"');
    expect((await page('/projects/HIDDEN/outcomes?user=admin')).status).toBe(403);
  });

  it("hosts a dashboard's gadget, in its edit view for the owner until configured, and keeps what the owner submits", async () => {
    const s = app.jira.store;
    const admin = app.accountIdOf('admin');
    const dashboard = s.createDashboard({ name: 'Squad', owner: admin });
    const item = s.addDashboardItem(dashboard.id, 'outcome-lens-shipped-gadget');
    const frames = (html: string) =>
      JSON.parse(
        /<script type="application\/json" id="wb-frames">([\s\S]*?)<\/script>/
          .exec(html)![1]!
          .replace(/\\u003c/g, '<')
          .replace(/\\u003e/g, '>')
          .replace(/\\u0026/g, '&'),
      ) as {
        frames: Record<string, { context: { extension: Record<string, unknown> }; gadgetEdit?: unknown }>;
      };
    const frameOf = (html: string) => Object.values(frames(html).frames)[0]!;

    // A viewer sees the view (nothing to show yet), never the edit view; the owner is asked to configure it.
    const viewer = await page(`/dashboards/${dashboard.id}?user=viewer`);
    expect(viewer.status).toBe(200);
    expect(frameOf(viewer.html).context.extension).toMatchObject({
      type: 'jira:dashboardGadget',
      gadget: { id: String(item) },
      dashboard: { id: String(dashboard.id) },
      gadgetConfiguration: {},
    });
    expect(frameOf(viewer.html).context.extension.entryPoint).toBeUndefined();
    expect(frameOf(viewer.html).gadgetEdit).toBeUndefined();
    const owner = await page(`/dashboards/${dashboard.id}?user=admin`);
    expect(frameOf(owner.html).context.extension.entryPoint).toBe('edit');

    const submit = (body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${server.url}/__workbench/gadget-config`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    const config = { projectKeys: ['DEMO'], months: 6 };
    const ownerToken = gadgetConfigToken(app, { accountId: admin, dashboardId: dashboard.id, itemId: item });
    const viewerToken = gadgetConfigToken(app, {
      accountId: app.accountIdOf('viewer'),
      dashboardId: dashboard.id,
      itemId: item,
    });
    const base = { dashboardId: dashboard.id, itemId: item, config };
    // Another person's token, a token of their own on a dashboard they do not own, another site: refused.
    expect((await submit({ ...base, user: 'viewer', token: ownerToken })).status).toBe(403);
    expect((await submit({ ...base, user: 'viewer', token: viewerToken })).status).toBe(403);
    expect(
      (await submit({ ...base, user: 'admin', token: ownerToken }, { origin: 'http://evil.example' })).status,
    ).toBe(403);
    expect(s.getDashboardItemProperty(item, 'config')).toBeUndefined();

    expect((await submit({ ...base, user: 'admin', token: ownerToken })).status).toBe(200);
    expect(s.getDashboardItemProperty(item, 'config')).toEqual(config);
    const after = await page(`/dashboards/${dashboard.id}?user=viewer`);
    expect(frameOf(after.html).context.extension.gadgetConfiguration).toEqual(config);
    // Configured: the owner sees the view too, and its edit view only when asking for it.
    expect(
      frameOf((await page(`/dashboards/${dashboard.id}?user=admin`)).html).context.extension.entryPoint,
    ).toBeUndefined();
    expect(
      frameOf((await page(`/dashboards/${dashboard.id}?user=admin&edit=${item}`)).html).context.extension
        .entryPoint,
    ).toBe('edit');
  });

  it('explains an unknown ?user= instead of acting as someone', async () => {
    const res = await page('/?user=mallory');
    expect(res.status).toBe(400);
    expect(res.html).toContain('There is no workbench user');
  });
});

describe('workbench controls', () => {
  afterEach(() => app.jira.faults.clear());
  const form = (p: string, fields: Record<string, string>) =>
    fetch(server.url + p, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(fields).toString(),
    });

  it('injects a 429 fault from the fault panel and clears it', async () => {
    const res = await form('/__workbench/faults', {
      action: 'inject',
      kind: '429',
      amount: '7',
      back: '/?user=admin',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/?user=admin');
    const limited = await fetch(`${server.url}/rest/api/3/myself`, { headers: basic('admin') });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    await form('/__workbench/faults', { action: 'clear', back: '/' });
    expect((await fetch(`${server.url}/rest/api/3/myself`, { headers: basic('admin') })).status).toBe(200);
  });

  it('sets the Jira latency scale and turns the rate limits off and on from the fault panel', async () => {
    const before = app.jira.timing;
    try {
      const page = await (await fetch(`${server.url}/?user=admin`)).text();
      expect(page).toContain('id="wb-latency-scale"');

      const res = await form('/__workbench/faults', { action: 'timing', latencyScale: '0.5', back: '/' });
      expect(res.status).toBe(303);
      expect(app.jira.latency.current.scale).toBe(0.5);
      const unlimited = await fetch(`${server.url}/rest/api/3/myself`, { headers: basic('admin') });
      expect(unlimited.headers.get('x-ratelimit-remaining')).toBeNull();
      expect(await (await fetch(`${server.url}/?user=admin`)).text()).toMatch(
        /id="wb-latency-scale"[^>]*value="0.5"[\s\S]*id="wb-rate-limits" name="rateLimits" type="checkbox" value="on">/,
      );

      await form('/__workbench/faults', { action: 'timing', latencyScale: '0', rateLimits: 'on', back: '/' });
      expect(app.jira.latency.current.scale).toBe(0);
      const limited = await fetch(`${server.url}/rest/api/3/myself`, { headers: basic('admin') });
      expect(limited.headers.get('x-ratelimit-remaining')).not.toBeNull();

      const refused = await form('/__workbench/faults', { action: 'timing', latencyScale: '', back: '/' });
      expect(refused.status).toBe(400);
    } finally {
      app.jira.timing = before;
    }
  });

  it('never redirects to another origin', async () => {
    for (const back of ['//evil.example/', '/\t/evil.example', '/\\evil.example', 'https://evil.example/']) {
      const res = await form('/__workbench/faults', { action: 'clear', back });
      expect([back, res.headers.get('location')]).toEqual([back, '/']);
    }
    const local = await form('/__workbench/faults', { action: 'clear', back: '/projects/DEMO?user=admin#x' });
    expect(local.headers.get('location')).toBe('/projects/DEMO?user=admin#x');
  });

  it('keeps every redirect target on this origin', () => {
    expect(safeBack('/\n/evil.example', '/')).toBe('/');
    expect(safeBack('/%2F%2Fevil.example', '/')).toBe('/%2F%2Fevil.example');
    expect(safeBack('/browse/DEMO-1?user=member', '/')).toBe('/browse/DEMO-1?user=member');
    expect(safeBack(null, '/fallback')).toBe('/fallback');
  });

  it('refuses a control posted from another site', async () => {
    const res = await fetch(`${server.url}/__workbench/faults`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://evil.example' },
      body: 'action=inject&kind=500',
    });
    expect(res.status).toBe(403);
    expect(app.jira.faults.list()).toEqual([]);
  });

  it('runs a scheduled trigger on demand and reports the summary', async () => {
    let runs = 0;
    app.registerTestModule({
      key: 'test-server-trigger',
      type: 'scheduledTrigger',
      handler: () => Promise.resolve({ runs: ++runs }),
    });
    const res = await form('/__workbench/trigger', { user: 'admin', key: 'test-server-trigger' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ triggerKey: 'test-server-trigger', result: { runs: 1 } });
  });
});
