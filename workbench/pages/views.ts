/** Server-rendered host pages: project list, backlog with JQL, issue view, and the app's surface pages. */
import fs from 'node:fs';
import path from 'node:path';
import { toPlainText, type AdfNode } from '../../src/domain/plain-text';
import { type ManifestModule, type WorkbenchApp } from '../app';
import { bridgeToken, gadgetConfigToken } from '../bridge/host';
import type { JiraPermission, StoredIssue, StoredProject } from '../jira/types';
import { esc, href, layout, type ColorMode } from './layout';

/**
 * The frame Forge draws a Custom UI in, as Atlassian documents it (developer.atlassian.com/platform/forge/custom-ui/
 * iframe): these sandbox flags and feature policies, no others. No `allow-popups` and no top navigation, so a
 * surface cannot open a window or leave the frame on its own (links go through the bridge's router); the same
 * origin stays, so storage works.
 */
export const FORGE_FRAME_SANDBOX =
  'allow-downloads allow-forms allow-modals allow-pointer-lock allow-same-origin allow-scripts';
export const FORGE_FRAME_ALLOW = 'camera; clipboard-write; display-capture; fullscreen; microphone';
const FRAME_RULES = `sandbox="${FORGE_FRAME_SANDBOX}" allow="${FORGE_FRAME_ALLOW}"`;

export interface PageRequest {
  app: WorkbenchApp;
  /** Demo user name or account id, already known to exist. */
  user: string;
  accountId: string;
  colorMode: ColorMode;
  /** The person's Jira language, as Forge's view context gives it (`?locale=de-DE`); Forge's en-US when absent. */
  locale?: string;
  query: URLSearchParams;
  /** Folder holding static/<surface>/build, to tell whether a surface is built. */
  staticDir: string;
  /**
   * Where the browser reached this Jira (the workbench's own address): the surfaces' context gives it as the
   * site, as Forge gives the Jira site's, so the links they render lead back here. The emulated site otherwise.
   */
  siteUrl?: string;
  /** The surfaces' own host (Forge's CDN here), another origin than the page's; the page's own when absent. */
  resourceOrigin?: string;
}

export interface Page {
  status: number;
  html: string;
}

function page(
  req: PageRequest,
  p: {
    title: string;
    path: string;
    body: string;
    keep?: Record<string, string>;
    frames?: unknown;
    status?: number;
  },
): Page {
  return {
    status: p.status ?? 200,
    html: layout({
      title: p.title,
      user: req.user,
      colorMode: req.colorMode,
      path: p.path,
      ...(p.keep ? { keep: p.keep } : {}),
      faults: req.app.jira.faults.list(),
      timing: req.app.jira.timing,
      body: p.body,
      ...(p.frames ? { frames: p.frames } : {}),
    }),
  };
}

function can(req: PageRequest, project: StoredProject, permission: JiraPermission): boolean {
  return req.app.jira.store.hasProjectPermission(project.id, req.accountId, permission);
}

/** Jira's answer when the user may not see something: the same page whether it exists or not. */
export function noPermissionPage(req: PageRequest, pathName: string, what = 'this page'): Page {
  return page(req, {
    title: 'You do not have permission',
    path: pathName,
    status: 403,
    body: `<h1>You do not have permission to view ${esc(what)}</h1>
<p class="message">It may have been deleted, or you may not have the permission needed to see it. Ask a project
administrator for access, or switch user above.</p>`,
  });
}

export function notFoundPage(req: PageRequest, pathName: string, message = 'Page not found'): Page {
  return page(req, { title: 'Not found', path: pathName, status: 404, body: `<h1>${esc(message)}</h1>` });
}

export function messagePage(
  req: PageRequest,
  pathName: string,
  title: string,
  bodyHtml: string,
  status = 200,
): Page {
  return page(req, { title, path: pathName, status, body: `<h1>${esc(title)}</h1>${bodyHtml}` });
}

export function projectListPage(req: PageRequest): Page {
  const projects = req.app.jira.store.listProjects().filter((p) => can(req, p, 'BROWSE_PROJECTS'));
  const rows = projects
    .map(
      (
        p,
      ) => `<tr><td><a href="${esc(href(`/projects/${p.key}`, req.user))}">${esc(p.name)}</a></td><td>${esc(p.key)}</td>
<td><a href="${esc(href(`/projects/${p.key}/outcomes`, req.user))}">${esc(projectPageTitle(req))}</a>${
        can(req, p, 'ADMINISTER_PROJECTS')
          ? ` · <a href="${esc(href(`/projects/${p.key}/settings`, req.user))}">Settings</a>`
          : ''
      }</td></tr>`,
    )
    .join('');
  const body = projects.length
    ? `<h1>Projects</h1><table><thead><tr><th scope="col">Name</th><th scope="col">Key</th><th scope="col">Apps</th></tr></thead><tbody>${rows}</tbody></table>`
    : `<h1>Projects</h1><p class="message">No projects you can browse. Switch user to see more.</p>`;
  const dashboards = req.app.jira.store
    .listDashboards()
    .map((d) => `<li><a href="${esc(href(`/dashboards/${d.id}`, req.user))}">${esc(d.name)}</a></li>`)
    .join('');
  return page(req, {
    title: 'Projects',
    path: '/',
    body: dashboards ? `${body}<h2>Dashboards</h2><ul>${dashboards}</ul>` : body,
  });
}

/** Jira names a project page in the project's sidebar by its manifest title, as the page itself. */
function projectPageTitle(req: PageRequest): string {
  const module = req.app.surfaceModules('jira:projectPage')[0] ?? req.app.modules('jira:projectPage')[0];
  return module?.title ?? 'Project page';
}

function tabs(
  req: PageRequest,
  project: StoredProject,
  current: 'backlog' | 'outcomes' | 'settings',
): string {
  const tab = (key: typeof current, label: string, p: string): string =>
    `<a href="${esc(href(p, req.user))}"${key === current ? ' aria-current="page"' : ''}>${label}</a>`;
  const admin = can(req, project, 'ADMINISTER_PROJECTS');
  return `<nav class="crumbs" aria-label="Breadcrumb"><a href="${esc(href('/', req.user))}">Projects</a> / ${esc(project.name)}</nav>
<nav class="tabs" aria-label="Project">${tab('backlog', 'Backlog', `/projects/${project.key}`)}${tab(
    'outcomes',
    esc(projectPageTitle(req)),
    `/projects/${project.key}/outcomes`,
  )}${admin ? tab('settings', 'Project settings', `/projects/${project.key}/settings`) : ''}</nav>`;
}

function statusLozenge(name: string, category: string): string {
  return `<span class="lozenge ${esc(category)}">${esc(name)}</span>`;
}

interface SearchIssue {
  key: string;
  fields: {
    summary?: string;
    status?: { name?: string; statusCategory?: { key?: string } };
    issuetype?: { name?: string };
    assignee?: { displayName?: string } | null;
    labels?: string[];
  };
}

export async function backlogPage(req: PageRequest, projectKey: string): Promise<Page> {
  const pathName = `/projects/${projectKey}`;
  const project = req.app.jira.store.getProject(projectKey);
  if (!project || !can(req, project, 'BROWSE_PROJECTS'))
    return noPermissionPage(req, pathName, 'this project');
  const jql = req.query.get('jql') ?? `project = ${project.key} ORDER BY created DESC`;
  const body = `${tabs(req, project, 'backlog')}<h1>Backlog</h1>${jqlForm(req, pathName, jql)}${await searchResults(req, jql)}`;
  return page(req, { title: `${project.name} backlog`, path: pathName, keep: { jql }, body });
}

/** Jira's issue search (`/issues/?jql=…`), where the app's "search them in Jira" links lead: any project's issues. */
export async function issueSearchPage(req: PageRequest): Promise<Page> {
  const pathName = '/issues/';
  const jql = req.query.get('jql') ?? 'ORDER BY created DESC';
  const body = `<h1>Search issues</h1>${jqlForm(req, pathName, jql)}${await searchResults(req, jql)}`;
  return page(req, { title: 'Search issues', path: pathName, keep: { jql }, body });
}

function jqlForm(req: PageRequest, action: string, jql: string): string {
  return `<form class="jql" method="get" action="${esc(action)}">
  <input type="hidden" name="user" value="${esc(req.user)}">
  <label class="sr-only" for="jql">JQL query</label>
  <input id="jql" name="jql" value="${esc(jql)}" spellcheck="false">
  <button class="primary" type="submit">Search</button>
</form>`;
}

/** The first 100 issues `jql` finds as the page's user, through the emulated REST search, or what Jira refused. */
async function searchResults(req: PageRequest, jql: string): Promise<string> {
  const res = await req.app.jira.handle({
    method: 'POST',
    path: '/rest/api/3/search/jql',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      jql,
      fields: ['summary', 'status', 'issuetype', 'assignee', 'labels'],
      maxResults: 100,
    }),
    actor: { type: 'user', accountId: req.accountId },
  });
  if (res.status === 200) {
    const data = JSON.parse(res.body) as { issues?: SearchIssue[]; nextPageToken?: string };
    const issues = data.issues ?? [];
    const rows = issues
      .map((i) => {
        const f = i.fields;
        return `<tr><td>${esc(f.issuetype?.name)}</td><td><a href="${esc(href(`/browse/${i.key}`, req.user))}">${esc(i.key)}</a></td>
<td>${esc(f.summary)}</td><td>${statusLozenge(f.status?.name ?? '', f.status?.statusCategory?.key ?? '')}</td>
<td>${esc(f.assignee?.displayName ?? 'Unassigned')}</td><td>${(f.labels ?? []).map((l) => `<span class="label">${esc(l)}</span>`).join('')}</td></tr>`;
      })
      .join('');
    return issues.length
      ? `<p>${issues.length}${data.nextPageToken ? '+' : ''} issues</p><table><thead><tr><th scope="col">Type</th><th scope="col">Key</th><th scope="col">Summary</th><th scope="col">Status</th><th scope="col">Assignee</th><th scope="col">Labels</th></tr></thead><tbody>${rows}</tbody></table>`
      : '<p class="message">No issues match this query.</p>';
  }
  let messages: string[] = [];
  try {
    const err = JSON.parse(res.body) as { errorMessages?: string[]; errors?: Record<string, string> };
    messages = [...(err.errorMessages ?? []), ...Object.values(err.errors ?? {})];
  } catch {
    messages = [res.body];
  }
  return `<div class="message error" role="alert"><strong>Jira answered ${res.status}.</strong> ${messages
    .map(esc)
    .join(' ')}</div>`;
}

function surfaceBuilt(staticDir: string, surface: string): boolean {
  const build = path.join(staticDir, surface, 'build');
  return fs.existsSync(path.join(build, 'index.html')) && fs.existsSync(path.join(build, 'main.js'));
}

/** The iframe of a module's Custom UI and its bridge config. */
function surfaceFrame(
  req: PageRequest,
  module: ManifestModule,
  target: { issueKey?: string; projectKey?: string },
): { html: string; frames: Record<string, unknown> } {
  const id = `frame-${module.key}`;
  const frame = {
    moduleKey: module.key,
    ...target,
    context: req.app.bridgeContext(module.key, {
      user: req.user,
      ...target,
      colorMode: req.colorMode,
      ...(req.locale ? { locale: req.locale } : {}),
      ...(req.siteUrl ? { siteUrl: req.siteUrl } : {}),
    }),
    token: bridgeToken(req.app, { accountId: req.accountId, moduleKey: module.key, ...target }),
  };
  if (!module.surface || !surfaceBuilt(req.staticDir, module.surface)) {
    return {
      html: `<div class="message warning" role="status">The ${esc(module.surface ?? module.key)} surface is not built yet: run <code>npm run build:static</code>.</div>`,
      frames: {},
    };
  }
  const src = `${req.resourceOrigin ?? ''}/static/${module.surface}/index.html`;
  return {
    html: `<iframe class="surface" data-wb-frame="${esc(id)}" data-wb-module="${esc(module.key)}" title="${esc(module.title ?? module.key)}" ${FRAME_RULES} src="${esc(src)}"></iframe>`,
    frames: { [id]: frame },
  };
}

function framesConfig(req: PageRequest, frames: Record<string, unknown>): unknown {
  const projectPage = req.app.modules('jira:projectPage')[0];
  return {
    user: req.user,
    siteUrl: req.siteUrl ?? req.app.siteUrl,
    projectPageModule: projectPage?.key ?? null,
    frames,
  };
}

function userName(req: PageRequest, accountId: string | null): string {
  if (!accountId) return 'Unassigned';
  return req.app.jira.store.getUser(accountId)?.displayName ?? accountId;
}

export function issuePage(req: PageRequest, issueKey: string): Page {
  const pathName = `/browse/${issueKey}`;
  const issue: StoredIssue | null = req.app.jira.store.getIssue(issueKey);
  const project = issue ? req.app.jira.store.getProject(issue.projectKey) : null;
  // Outside the issue's security level the issue is not there for this user, as in Jira.
  if (
    !issue ||
    !project ||
    !can(req, project, 'BROWSE_PROJECTS') ||
    !req.app.jira.store.inSecurityLevel(issue, req.accountId, req.app.jira.appAccountId)
  )
    return noPermissionPage(req, pathName, 'this issue');
  const description = issue.description
    ? toPlainText(issue.description as unknown as AdfNode)
    : (issue.descriptionWiki ?? '');
  const sprint = issue.sprints.length ? issue.sprints[issue.sprints.length - 1] : undefined;
  const parent = issue.parentKey ? req.app.jira.store.getIssue(issue.parentKey) : null;
  const panels = req.app.surfaceModules('jira:issuePanel');
  const rendered = panels.map((m) => ({ module: m, ...surfaceFrame(req, m, { issueKey: issue.key }) }));
  const frames = Object.assign({}, ...rendered.map((r) => r.frames)) as Record<string, unknown>;
  const body = `<nav class="crumbs" aria-label="Breadcrumb"><a href="${esc(href('/', req.user))}">Projects</a> / <a href="${esc(
    href(`/projects/${project.key}`, req.user),
  )}">${esc(project.name)}</a>${parent ? ` / <a href="${esc(href(`/browse/${parent.key}`, req.user))}">${esc(parent.key)}</a>` : ''} / ${esc(issue.key)}</nav>
<div class="issue"><div>
<h1 id="issue-summary">${esc(issue.summary)}</h1>
<h2>Description</h2>
<div class="description">${description ? esc(description) : '<em>No description</em>'}</div>
${rendered.map((r) => `<section aria-label="${esc(r.module.title ?? r.module.key)}"><h2>${esc(r.module.title ?? r.module.key)}</h2>${r.html}</section>`).join('\n')}
</div>
<aside aria-label="Details"><h2>Details</h2><dl>
<dt>Key</dt><dd>${esc(issue.key)}</dd>
<dt>Type</dt><dd>${esc(issue.type)}</dd>
<dt>Status</dt><dd>${statusLozenge(issue.statusName, issue.statusCategory)}</dd>
<dt>Assignee</dt><dd>${esc(userName(req, issue.assignee))}</dd>
<dt>Reporter</dt><dd>${esc(issue.reporter ? userName(req, issue.reporter) : 'None')}</dd>
<dt>Labels</dt><dd>${issue.labels.length ? issue.labels.map((l) => `<span class="label">${esc(l)}</span>`).join('') : 'None'}</dd>
<dt>Sprint</dt><dd>${sprint ? `${esc(sprint.name)} (${esc(sprint.state)})` : 'None'}</dd>
<dt>Parent</dt><dd>${parent ? `<a href="${esc(href(`/browse/${parent.key}`, req.user))}">${esc(parent.key)} ${esc(parent.summary)}</a>` : 'None'}</dd>
<dt>Created</dt><dd>${esc(issue.created.slice(0, 10))}</dd>
<dt>Updated</dt><dd>${esc(issue.updated.slice(0, 10))}</dd>
</dl></aside></div>`;
  return page(req, {
    title: `${issue.key} ${issue.summary}`,
    path: pathName,
    body,
    frames: framesConfig(req, frames),
  });
}

/** The project page (outcome map) or the project settings page, each the app's surface in an iframe. */
export function projectSurfacePage(
  req: PageRequest,
  projectKey: string,
  which: 'outcomes' | 'settings',
): Page {
  const pathName = `/projects/${projectKey}/${which}`;
  const project = req.app.jira.store.getProject(projectKey);
  if (!project || !can(req, project, 'BROWSE_PROJECTS'))
    return noPermissionPage(req, pathName, 'this project');
  // Jira lists project settings pages to project administrators only.
  if (which === 'settings' && !can(req, project, 'ADMINISTER_PROJECTS'))
    return noPermissionPage(req, pathName, "this project's settings");
  const type = which === 'outcomes' ? 'jira:projectPage' : 'jira:projectSettingsPage';
  const module = req.app.surfaceModules(type)[0] ?? req.app.modules(type)[0];
  if (!module) return notFoundPage(req, pathName, `manifest.yml has no ${type} module`);
  const rendered = surfaceFrame(req, module, { projectKey: project.key });
  const title = module.title ?? module.key;
  const body = `${tabs(req, project, which)}<h1>${esc(title)}</h1>${rendered.html}`;
  return page(req, {
    title: `${project.name} ${title}`,
    path: pathName,
    body,
    frames: framesConfig(req, rendered.frames),
  });
}

/**
 * A Jira dashboard (`/dashboards/<id>`): each gadget of the app in its own frame, served like every other
 * surface (its resource under the manifest's CSP, the bridge, the theme). A gadget with no configuration yet,
 * or `?edit=<item>` for the dashboard's owner, shows its edit view (extension.entryPoint 'edit'); what the edit
 * view submits is kept with the dashboard item and handed to the view as extension.gadgetConfiguration.
 * Everyone may open a shared dashboard; what each gadget shows is the app's to limit, per viewer.
 */
export function dashboardPage(req: PageRequest, dashboardId: number): Page {
  const pathName = `/dashboards/${dashboardId}`;
  const dashboard = req.app.jira.store.getDashboard(dashboardId);
  if (!dashboard) return notFoundPage(req, pathName, 'No such dashboard');
  const owner = dashboard.owner === req.accountId;
  const editing = Number(req.query.get('edit') ?? NaN);
  const frames: Record<string, unknown> = {};
  const sections = req.app.jira.store.listDashboardItems(dashboardId).map((item) => {
    const module = req.app.modules('jira:dashboardGadget').find((m) => m.key === item.moduleKey);
    if (!module) return '';
    const config = req.app.jira.store.getDashboardItemProperty(item.id, 'config');
    const edit = owner && (config === undefined || editing === item.id);
    const id = `frame-${module.key}-${item.id}`;
    const context = req.app.bridgeContext(module.key, {
      user: req.user,
      colorMode: req.colorMode,
      ...(req.locale ? { locale: req.locale } : {}),
    });
    context.extension = {
      ...context.extension,
      gadget: { id: String(item.id) },
      dashboard: { id: String(dashboardId) },
      gadgetConfiguration: config ?? {},
      ...(edit ? { entryPoint: 'edit' } : {}),
    };
    frames[id] = {
      moduleKey: module.key,
      context,
      token: bridgeToken(req.app, { accountId: req.accountId, moduleKey: module.key }),
      ...(edit
        ? {
            gadgetEdit: {
              dashboardId,
              itemId: item.id,
              token: gadgetConfigToken(req.app, { accountId: req.accountId, dashboardId, itemId: item.id }),
              done: href(pathName, req.user),
            },
          }
        : {}),
    };
    const title = module.title ?? module.key;
    const built = module.surface && surfaceBuilt(req.staticDir, module.surface);
    const frame = built
      ? `<iframe class="surface" data-wb-frame="${esc(id)}" data-wb-module="${esc(module.key)}" title="${esc(
          edit ? `Configure ${title}` : title,
        )}" ${FRAME_RULES} src="${esc(req.resourceOrigin ?? '')}/static/${esc(module.surface)}/index.html"></iframe>`
      : `<div class="message warning" role="status">The ${esc(module.surface ?? module.key)} surface is not built yet: run <code>npm run build:static</code>.</div>`;
    const editLink =
      owner && !edit ? ` <a href="${esc(href(pathName, req.user, { edit: String(item.id) }))}">Edit</a>` : '';
    return `<section class="gadget" aria-label="${esc(title)}"><h2>${esc(title)}${editLink}</h2>${frame}</section>`;
  });
  const body = `<nav class="crumbs" aria-label="Breadcrumb"><a href="${esc(href('/', req.user))}">Projects</a> / Dashboards</nav>
<h1>${esc(dashboard.name)}</h1>${sections.join('\n') || '<p class="message">This dashboard has no gadgets.</p>'}`;
  return page(req, {
    title: dashboard.name,
    path: pathName,
    body,
    frames: framesConfig(req, frames),
  });
}
