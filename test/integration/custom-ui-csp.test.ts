/**
 * The Content-Security-Policy the workbench sends with each Custom UI resource is the one Atlassian's
 * `@forge/csp` builds from the manifest's `permissions` (what Forge serves on a site), on every resource
 * response; declaring `permissions.content.styles` changes it as it would on Forge.
 */
import { CSPInjectionService, CSPProcessingService } from '@forge/csp';
import type { Permissions } from '@forge/manifest';
import { load } from 'cheerio';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { createWorkbenchApp, ROOT_DIR, type WorkbenchApp } from '../../workbench/app';
import { CSP_REPORT_PATH, requestOrigin } from '../../workbench/forge/csp';
import { startWorkbenchServer, type WorkbenchServer } from '../../workbench/server';

const INLINE_SCRIPT = 'window.bootedAt = 1;';
const INDEX_HTML = `<!doctype html><html><head><link rel="stylesheet" href="./main.css"><script>${INLINE_SCRIPT}</script></head><body><div id="root"></div><script src="./main.js"></script></body></html>`;

interface Running {
  app: WorkbenchApp;
  server: WorkbenchServer;
}

/**
 * Runs `use` against a workbench over a copy of manifest.yml (its `permissions` changed by `edit`) and one
 * built surface, then stops it: one app holds the process's Forge runtime at a time.
 */
async function withWorkbench<T>(
  edit: (permissions: Permissions) => void,
  use: (run: Running) => Promise<T>,
): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wb-csp-'));
  const manifest = parseYaml(fs.readFileSync(path.join(ROOT_DIR, 'manifest.yml'), 'utf8')) as {
    permissions: Permissions;
  };
  edit(manifest.permissions);
  const manifestFile = path.join(dir, 'manifest.yml');
  fs.writeFileSync(manifestFile, stringifyYaml(manifest));
  const build = path.join(dir, 'static', 'panel', 'build');
  fs.mkdirSync(build, { recursive: true });
  fs.writeFileSync(path.join(build, 'index.html'), INDEX_HTML);
  fs.writeFileSync(path.join(build, 'main.js'), 'document.body.dataset.ok = "1";');
  fs.writeFileSync(path.join(build, 'main.css'), 'body { margin: 0; }');
  const app = createWorkbenchApp({ dataFile: ':memory:', manifestFile });
  try {
    const server = await startWorkbenchServer(app, { port: 0, staticDir: path.join(dir, 'static') });
    try {
      return await use({ app, server });
    } finally {
      await server.close();
    }
  } finally {
    app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const asIs = (): void => undefined;

function get(server: WorkbenchServer, pathName: string): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    http
      .get(`${server.url}${pathName}`, (res) => {
        res.resume();
        res.on('end', () => resolve(res));
      })
      .on('error', reject);
  });
}

async function cspOf(server: WorkbenchServer, pathName = '/static/panel/index.html'): Promise<string> {
  const res = await get(server, pathName);
  const header = res.headers['content-security-policy'];
  if (typeof header !== 'string') throw new Error(`${pathName} answered ${res.statusCode} without a CSP`);
  return header;
}

/** What Forge serves for this resource, straight from @forge/csp, with the report-uri the workbench's own. */
function forgePolicy(permissions: Permissions, origin: string): string {
  const details = new CSPProcessingService({ info: () => undefined }, load).getCspDetails(
    INDEX_HTML,
    permissions,
  );
  return new CSPInjectionService()
    .getInjectableCSP({ existingCSPDetails: details, microsEnv: 'prod', hostname: origin })
    .map((d) => (d.startsWith('report-uri ') ? `report-uri ${origin}${CSP_REPORT_PATH}` : d))
    .join('; ');
}

function directive(policy: string, name: string): string[] {
  const found = policy.split('; ').find((d) => d.split(' ')[0] === name);
  if (!found) throw new Error(`No ${name} in ${policy}`);
  return found.split(' ').slice(1);
}

const manifestPermissions = (app: WorkbenchApp): Permissions =>
  (parseYaml(fs.readFileSync(app.manifestFile, 'utf8')) as { permissions: Permissions }).permissions;

describe('the Custom UI CSP', () => {
  it('is the policy @forge/csp builds from manifest.yml, on every resource response', async () => {
    await withWorkbench(asIs, async ({ app, server }) => {
      const expected = forgePolicy(manifestPermissions(app), server.url);
      for (const file of ['index.html', '', 'main.js', 'main.css', 'missing.js']) {
        expect(await cspOf(server, `/static/panel/${file}`)).toBe(expected);
      }
    });
  });

  it("allows inline styles for the app's own manifest, which declares them for Atlaskit, and keeps script-src strict", async () => {
    const { policy, url } = await withWorkbench(asIs, async ({ server }) => ({
      policy: await cspOf(server),
      url: server.url,
    }));
    // manifest.yml declares permissions.content.styles: ['unsafe-inline'] (Atlaskit adds <style> at run time).
    expect(directive(policy, 'style-src')).toContain("'unsafe-inline'");
    expect(directive(policy, 'script-src')).not.toContain("'unsafe-eval'");
    expect(directive(policy, 'script-src')).not.toContain("'unsafe-inline'");
    // Forge hashes the inline scripts of the resource's index.html into script-src, and only those.
    const hash = crypto.createHash('sha256').update(INLINE_SCRIPT).digest('base64');
    expect(directive(policy, 'script-src')).toContain(`'sha256-${hash}'`);
    // Violation reports go to the workbench, never to Atlassian's collector.
    expect(directive(policy, 'report-uri')).toEqual([`${url}${CSP_REPORT_PATH}`]);
  });

  it('keeps style-src strict once the manifest no longer declares permissions.content.styles', async () => {
    const undeclare = (p: Permissions): void => {
      delete p.content;
    };
    await withWorkbench(undeclare, async ({ app, server }) => {
      const policy = await cspOf(server);
      expect(manifestPermissions(app).content).toBeUndefined();
      expect(policy).toBe(forgePolicy(manifestPermissions(app), server.url));
      expect(directive(policy, 'style-src')).not.toContain("'unsafe-inline'");
      expect(directive(policy, 'script-src')).not.toContain("'unsafe-inline'");
    });
  });

  it('answers violation reports at its report-uri', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    await withWorkbench(asIs, async ({ server }) => {
      const status = await new Promise<number | undefined>((resolve, reject) => {
        const req = http.request(
          `${server.url}${CSP_REPORT_PATH}`,
          { method: 'POST', headers: { 'content-type': 'application/csp-report' } },
          (res) => {
            res.resume();
            resolve(res.statusCode);
          },
        );
        req.on('error', reject);
        req.end(
          JSON.stringify({
            'csp-report': {
              'document-uri': `${server.url}/static/panel/index.html`,
              'effective-directive': 'style-src-elem',
              'blocked-uri': 'inline',
              'line-number': 3,
            },
          }),
        );
      });
      expect(status).toBe(204);
      expect(warn).toHaveBeenCalledWith(
        expect.stringContaining('CSP blocked inline (style-src-elem) in http://'),
      );
    }).finally(() => warn.mockRestore());
  });

  it('puts only a plain host[:port] from the Host header into the policy', () => {
    expect(requestOrigin('127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(requestOrigin('localhost')).toBe('http://localhost');
    expect(requestOrigin("evil; script-src 'unsafe-eval'")).toBeUndefined();
    expect(requestOrigin(undefined)).toBeUndefined();
  });
});
