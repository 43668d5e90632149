/** The frame every host page shares: header with user switcher, theme toggle, trigger button and fault panel. */
import type { JiraTiming } from '../jira/emulator';
import type { ActiveFault } from '../jira/faults';
import { DEMO_USERS } from '../users';
import { HOST_SCRIPT_PATH } from '../bridge/host';

export type ColorMode = 'light' | 'dark';

export function esc(value: string | number | boolean | null | undefined): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A link inside the workbench that keeps the acting user. */
export function href(path: string, user: string, query: Record<string, string> = {}): string {
  const params = new URLSearchParams({ ...query, user });
  return `${path}?${params.toString()}`;
}

/** JSON for a <script type="application/json">: no way to close the tag from inside. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

export interface LayoutInput {
  title: string;
  user: string;
  colorMode: ColorMode;
  /** Path of this page (no query), for the user switcher and redirects back. */
  path: string;
  /** Query parameters to keep when switching user (e.g. jql). */
  keep?: Record<string, string>;
  faults: ActiveFault[];
  /** The emulator's latency scale and rate limits, set in the fault panel. */
  timing?: JiraTiming;
  body: string;
  /** Bridge config for the page's surface iframes; the host script is included only when given. */
  frames?: unknown;
  status?: number;
}

const CSS = `
:root { --bg:#fff; --bg2:#f7f8f9; --fg:#172b4d; --muted:#626f86; --line:#dcdfe4; --brand:#0c66e4; --head:#fff;
  --ok:#216e4e; --okbg:#dcfff1; --warn:#a54800; --warnbg:#fff7d6; --err:#ae2e24; --errbg:#ffeceb; --lozenge:#e9ebee; }
html[data-color-mode=dark] { --bg:#1d2125; --bg2:#22272b; --fg:#c7d1db; --muted:#9fadbc; --line:#38414a; --brand:#579dff;
  --head:#161a1d; --ok:#7ee2b8; --okbg:#1c3329; --warn:#f5cd47; --warnbg:#332e1b; --err:#fd9891; --errbg:#42221f; --lozenge:#2c333a; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 -apple-system, "Segoe UI", Roboto, sans-serif; background:var(--bg); color:var(--fg); }
a { color:var(--brand); }
header.wb { display:flex; flex-wrap:wrap; gap:12px; align-items:center; padding:8px 16px; background:var(--head);
  border-bottom:1px solid var(--line); }
header.wb .logo { font-weight:700; text-decoration:none; color:var(--fg); margin-right:8px; }
header.wb form { display:inline-flex; gap:6px; align-items:center; margin:0; }
header.wb .spacer { flex:1; }
button, select, input, textarea { font:inherit; color:var(--fg); background:var(--bg2); border:1px solid var(--line);
  border-radius:3px; padding:4px 8px; }
button { cursor:pointer; }
button.primary { background:var(--brand); color:#fff; border-color:var(--brand); }
html[data-color-mode=dark] button.primary { color:#1d2125; }
details.faults { position:relative; }
details.faults > div { position:absolute; right:0; z-index:5; background:var(--bg); border:1px solid var(--line);
  padding:12px; width:340px; box-shadow:0 4px 12px rgba(0,0,0,.2); }
details.faults form { display:flex; flex-wrap:wrap; gap:6px; margin:0 0 8px; }
main { padding:16px 24px; max-width:1200px; }
nav.crumbs { color:var(--muted); margin-bottom:4px; }
nav.tabs { display:flex; gap:16px; border-bottom:1px solid var(--line); margin:8px 0 16px; }
nav.tabs a { text-decoration:none; padding:6px 0; color:var(--muted); }
nav.tabs a[aria-current=page] { color:var(--brand); border-bottom:2px solid var(--brand); }
table { border-collapse:collapse; width:100%; }
th, td { text-align:left; padding:6px 8px; border-bottom:1px solid var(--line); vertical-align:top; }
th { color:var(--muted); font-weight:600; font-size:12px; }
.lozenge { display:inline-block; padding:0 4px; border-radius:3px; font-size:11px; font-weight:700;
  text-transform:uppercase; background:var(--lozenge); }
.lozenge.done { background:var(--okbg); color:var(--ok); }
.lozenge.indeterminate { background:#e9f2ff; color:#0055cc; }
html[data-color-mode=dark] .lozenge.indeterminate { background:#1c2b41; color:#85b8ff; }
.label { display:inline-block; padding:0 6px; margin:0 4px 2px 0; border:1px solid var(--line); border-radius:3px; }
.issue { display:grid; grid-template-columns:minmax(0,1fr) 300px; gap:24px; }
.issue dl { margin:0; display:grid; grid-template-columns:110px 1fr; gap:6px 8px; }
.issue dt { color:var(--muted); }
.issue dd { margin:0; }
.description { white-space:pre-wrap; background:var(--bg2); padding:8px 12px; border-radius:3px; }
iframe.surface { width:100%; min-height:120px; border:1px solid var(--line); border-radius:3px; background:var(--bg); }
.message { padding:12px 16px; border-radius:3px; margin:8px 0; background:var(--bg2); }
.message.error { background:var(--errbg); color:var(--err); }
.message.warning { background:var(--warnbg); color:var(--warn); }
.jql { display:flex; gap:8px; margin-bottom:12px; }
.jql input { flex:1; font-family:ui-monospace, monospace; }
#wb-flags { position:fixed; left:16px; bottom:16px; display:flex; flex-direction:column; gap:8px; z-index:10; }
.wb-flag { min-width:280px; max-width:400px; padding:12px; border-radius:3px; background:var(--bg);
  border:1px solid var(--line); box-shadow:0 4px 12px rgba(0,0,0,.25); }
.wb-flag p { margin:4px 0 8px; }
.wb-flag-success strong { color:var(--ok); } .wb-flag-error strong { color:var(--err); }
.wb-flag-warning strong { color:var(--warn); }
pre { background:var(--bg2); padding:12px; overflow:auto; }
.sr-only { position:absolute; width:1px; height:1px; overflow:hidden; clip:rect(0 0 0 0); }
`;

function faultPanel(input: LayoutInput, back: string): string {
  const rows = input.faults.length
    ? `<ul>${input.faults
        .map((f) => {
          const what =
            f.kind === 'rate-limit'
              ? `429, Retry-After ${f.retryAfterSeconds}s`
              : f.kind === 'server-error'
                ? `${f.status ?? 500}${f.applied ? ' after carrying the call out' : ''}`
                : f.kind === 'refused'
                  ? `400 "${f.message}"`
                  : f.kind === 'task-failure'
                    ? `task ends ${f.status ?? 'COMPLETE'}, ${f.issueIds ? `issues ${f.issueIds.join(', ')}` : 'every issue'} not written`
                    : f.kind === 'issue-errors'
                      ? `bulk fetch answers ${f.issueIds ? `issues ${f.issueIds.join(', ')}` : 'every issue'} in issueErrors`
                      : `latency ${f.ms} ms`;
          const where = f.match?.pathIncludes ? ` on paths with "${esc(f.match.pathIncludes)}"` : '';
          const left = f.remaining === null ? 'until cleared' : `${f.remaining} more`;
          return `<li>${esc(what)}${where}, ${esc(left)} (hit ${f.hits}×)</li>`;
        })
        .join('')}</ul>`
    : '<p>No faults: Jira answers normally.</p>';
  return `<details class="faults"><summary>Faults (${input.faults.length})</summary><div>
  <form method="post" action="/__workbench/faults">
    <input type="hidden" name="action" value="inject"><input type="hidden" name="back" value="${esc(back)}">
    <label for="wb-fault-kind">Inject</label>
    <select id="wb-fault-kind" name="kind">
      <option value="429">429 rate limit</option><option value="500">500 server error</option>
      <option value="503">503 unavailable</option><option value="latency">latency</option>
    </select>
    <label for="wb-fault-times">times</label>
    <input id="wb-fault-times" name="times" type="number" min="1" placeholder="all" style="width:70px">
    <label for="wb-fault-ms">ms / Retry-After s</label>
    <input id="wb-fault-ms" name="amount" type="number" min="0" value="2" style="width:80px">
    <label for="wb-fault-path">path contains</label>
    <input id="wb-fault-path" name="pathIncludes" placeholder="/search/jql">
    <button type="submit">Inject fault</button>
  </form>
  <form method="post" action="/__workbench/faults">
    <input type="hidden" name="action" value="clear"><input type="hidden" name="back" value="${esc(back)}">
    <button type="submit">Clear all faults</button>
  </form>
  ${rows}${input.timing ? timingForm(input.timing, back) : ''}</div></details>`;
}

/** The emulator's time and rate limits: how slow Jira is (1 = a real site) and whether its limits apply. */
function timingForm(timing: JiraTiming, back: string): string {
  return `<form method="post" action="/__workbench/faults">
    <input type="hidden" name="action" value="timing"><input type="hidden" name="back" value="${esc(back)}">
    <label for="wb-latency-scale">Jira latency × (1 = a real site, 0 = none)</label>
    <input id="wb-latency-scale" name="latencyScale" type="number" min="0" step="any" value="${timing.latencyScale}" style="width:80px">
    <label><input id="wb-rate-limits" name="rateLimits" type="checkbox" value="on"${timing.rateLimits ? ' checked' : ''}> Jira rate limits</label>
    <button type="submit">Apply</button>
  </form>`;
}

export function layout(input: LayoutInput): string {
  const keep = input.keep ?? {};
  const back = href(input.path, input.user, keep);
  const options = DEMO_USERS.map(
    (u) =>
      `<option value="${u.name}"${u.name === input.user ? ' selected' : ''}>${esc(u.displayName)} (${u.name})</option>`,
  ).join('');
  const hidden = Object.entries(keep)
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join('');
  const frames = input.frames ?? { user: input.user, frames: {} };
  return `<!doctype html>
<html lang="en" data-color-mode="${input.colorMode}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(input.title)} - Jira workbench</title><style>${CSS}</style></head>
<body>
<header class="wb">
  <a class="logo" href="${esc(href('/', input.user))}">Jira <small>workbench</small></a>
  <a href="${esc(href('/', input.user))}">Projects</a>
  <span class="spacer"></span>
  <form method="post" action="/__workbench/trigger">
    <input type="hidden" name="user" value="${esc(input.user)}"><input type="hidden" name="back" value="${esc(back)}">
    <button type="submit">Run scheduled trigger now</button>
  </form>
  ${faultPanel(input, back)}
  <button type="button" id="wb-theme-toggle">${input.colorMode === 'dark' ? 'Light theme' : 'Dark theme'}</button>
  <form method="get" action="${esc(input.path)}">
    ${hidden}<label for="wb-user">Acting as</label>
    <select id="wb-user" name="user">${options}</select>
    <button type="submit">Switch</button>
  </form>
</header>
<main>${input.body}</main>
<div id="wb-flags" aria-live="polite"></div>
<script type="application/json" id="wb-frames">${jsonForScript(frames)}</script>
<script src="${HOST_SCRIPT_PATH}"></script>
</body></html>`;
}
