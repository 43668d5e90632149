/**
 * The Content-Security-Policy Forge serves with every Custom UI resource, built by Atlassian's own `@forge/csp`:
 * `CSPProcessingService.getCspDetails` reads the manifest's `permissions` (and hashes any inline script of the
 * resource's index.html), then `CSPInjectionService.getInjectableCSP` adds the platform's directives, for the
 * production environment. So `style-src` has no 'unsafe-inline' unless `permissions.content.styles` declares it,
 * and `script-src` has no 'unsafe-eval' unless `permissions.content.scripts` does.
 *
 * One change from what Forge sends: its `report-uri` points at Atlassian's collector; here reports go to the
 * workbench (CSP_REPORT_PATH), so a local run never posts anything to Atlassian.
 */
import { CSPInjectionService, CSPProcessingService } from '@forge/csp';
import type { Permissions } from '@forge/manifest';
import { load } from 'cheerio';
import fs from 'node:fs';
import { parse as parseYaml } from 'yaml';

export const CSP_REPORT_PATH = '/__workbench/csp-report';

/** The `permissions` section of a manifest.yml's text, as Forge reads it. */
export function manifestPermissions(manifestYaml: string): Permissions {
  const doc = parseYaml(manifestYaml) as { permissions?: Permissions } | null;
  return doc?.permissions ?? {};
}

export interface CustomUiCspInput {
  /** The resource's index.html as the app ships it (Forge hashes its inline scripts into script-src). */
  indexHtml: string;
  permissions: Permissions;
  /** The product site's origin (Forge passes the Jira site), e.g. 'http://127.0.0.1:8080'. */
  hostname?: string;
  /** Where the browser posts violation reports; Forge's own collector when absent. */
  reportUri?: string;
}

/** `@forge/csp` logs through the CLI's logger; the workbench only needs its one info line. */
const quietLogger = { info: () => undefined };

/** The header value, directives joined by '; ' as a browser reads them. */
export function customUiCsp({ indexHtml, permissions, hostname, reportUri }: CustomUiCspInput): string {
  const details = new CSPProcessingService(quietLogger, load).getCspDetails(indexHtml, permissions);
  const directives = new CSPInjectionService().getInjectableCSP({
    existingCSPDetails: details,
    microsEnv: 'prod',
    ...(hostname ? { hostname } : {}),
  });
  return directives
    .map((d) => (reportUri && d.startsWith('report-uri ') ? `report-uri ${reportUri}` : d))
    .join('; ');
}

/** A CSP header by resource: recomputed only when the manifest or the resource's index.html changes. */
export class CustomUiCspCache {
  private readonly cache = new Map<string, string>();

  constructor(private readonly manifestFile: string) {}

  headerFor(indexHtmlFile: string, origin: string | undefined): string {
    const manifest = fs.readFileSync(this.manifestFile, 'utf8');
    let indexHtml = '';
    try {
      indexHtml = fs.readFileSync(indexHtmlFile, 'utf8');
    } catch {
      // A resource without index.html still gets the platform's policy, with no inline-script hashes.
    }
    const key = JSON.stringify([manifest, indexHtml, origin ?? '']);
    const known = this.cache.get(key);
    if (known !== undefined) return known;
    const header = customUiCsp({
      indexHtml,
      permissions: manifestPermissions(manifest),
      ...(origin ? { hostname: origin, reportUri: `${origin}${CSP_REPORT_PATH}` } : {}),
    });
    if (this.cache.size > 64) this.cache.clear();
    this.cache.set(key, header);
    return header;
  }
}

/**
 * The origin a request was addressed to, for the policy's `hostname`; undefined when the Host header is not a
 * plain host[:port], so nothing a client sends can add a directive to the header.
 */
export function requestOrigin(hostHeader: string | undefined): string | undefined {
  return hostHeader && /^[a-z0-9.-]+(:\d{1,5})?$/i.test(hostHeader) ? `http://${hostHeader}` : undefined;
}

/** One line for a browser's CSP report (`application/csp-report` JSON): what was blocked, by which directive, where. */
export function describeCspReport(body: string): string {
  try {
    const report = (JSON.parse(body) as { 'csp-report'?: Record<string, unknown> })['csp-report'] ?? {};
    const field = (name: string): string => {
      const value = report[name];
      return typeof value === 'string' || typeof value === 'number' ? String(value) : '?';
    };
    return `CSP blocked ${field('blocked-uri')} (${field('effective-directive')}) in ${field('document-uri')}:${field('line-number')}`;
  } catch {
    return `CSP report that is not JSON: ${body.slice(0, 200)}`;
  }
}
