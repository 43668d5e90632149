import type { StoredProject } from '../types';
import {
  BASE_URL,
  JiraHttpError,
  actorAccountId,
  browsableProjects,
  json,
  renderUser,
  route,
  visibleProject,
  type Route,
  type RouteContext,
} from './common';

function renderProject(ctx: RouteContext, project: StoredProject): Record<string, unknown> {
  return {
    expand: 'description,lead,issueTypes,url,projectKeys,permissions,insight',
    self: `${BASE_URL}/rest/api/3/project/${project.id}`,
    id: String(project.id),
    key: project.key,
    name: project.name,
    description: '',
    ...(project.leadAccountId ? { lead: renderUser(ctx.store, project.leadAccountId) } : {}),
    avatarUrls: {
      '48x48': `${BASE_URL}/project/avatar/${project.id}/48`,
      '24x24': `${BASE_URL}/project/avatar/${project.id}/24`,
      '16x16': `${BASE_URL}/project/avatar/${project.id}/16`,
      '32x32': `${BASE_URL}/project/avatar/${project.id}/32`,
    },
    projectTypeKey: 'software',
    simplified: false,
    style: 'classic',
    isPrivate: false,
    properties: {},
  };
}

function getProject(ctx: RouteContext) {
  return json(200, renderProject(ctx, visibleProject(ctx, ctx.params.projectIdOrKey as string)));
}

/**
 * The projects project search answers for its `action` (the platform spec): `view` (the default) those the actor
 * may browse or administer, every project for a site admin; `browse` those with Browse Projects only; `edit` those
 * the actor may administer. Null: all of them. `create` (Create Issues) is not held by the workbench's grants.
 */
function projectsFor(ctx: RouteContext, action: string): number[] | null {
  const accountId = actorAccountId(ctx);
  if (accountId === ctx.appAccountId) return null;
  const siteAdmin = ctx.store.hasGlobal(accountId, 'ADMINISTER');
  const administered = () => ctx.store.projectsWith(accountId, 'ADMINISTER_PROJECTS');
  switch (action) {
    case 'view':
      return siteAdmin ? null : [...new Set([...(browsableProjects(ctx) ?? []), ...administered()])];
    case 'browse':
      return browsableProjects(ctx);
    case 'edit':
      return siteAdmin ? null : administered();
    default:
      throw new JiraHttpError(400, [
        `The action '${action}' is not one the workbench answers (view, browse or edit).`,
      ]);
  }
}

function searchProjects(ctx: RouteContext) {
  const startAt = Math.max(0, Number(ctx.query.get('startAt') ?? 0) || 0);
  const maxResults = Math.min(100, Math.max(1, Number(ctx.query.get('maxResults') ?? 50) || 50));
  const visible = projectsFor(ctx, ctx.query.get('action') ?? 'view');
  const keys = ctx.query.getAll('keys').flatMap((k) => k.split(','));
  const text = (ctx.query.get('query') ?? '').toLowerCase();
  const all = ctx.store
    .listProjects()
    .filter((p) => visible === null || visible.includes(p.id))
    .filter((p) => keys.length === 0 || keys.includes(p.key))
    .filter((p) => !text || p.key.toLowerCase().includes(text) || p.name.toLowerCase().includes(text));
  const values = all.slice(startAt, startAt + maxResults).map((p) => renderProject(ctx, p));
  const isLast = startAt + maxResults >= all.length;
  return json(200, {
    self: `${BASE_URL}/rest/api/3/project/search?startAt=${startAt}&maxResults=${maxResults}`,
    ...(isLast
      ? {}
      : {
          nextPage: `${BASE_URL}/rest/api/3/project/search?startAt=${startAt + maxResults}&maxResults=${maxResults}`,
        }),
    maxResults,
    startAt,
    total: all.length,
    isLast,
    values,
  });
}

function myself(ctx: RouteContext) {
  const accountId = actorAccountId(ctx);
  const user = renderUser(ctx.store, accountId);
  if (!user || !ctx.store.getUser(accountId)) throw new JiraHttpError(401, ['You are not authenticated.']);
  return json(200, {
    ...user,
    locale: 'en_US',
    groups: { size: 0, items: [] },
    applicationRoles: { size: 0, items: [] },
  });
}

/** GET /user?accountId=: a person as Jira shows them to the caller; 404 for an account it does not know. */
function getUser(ctx: RouteContext) {
  const accountId = ctx.query.get('accountId');
  if (!accountId) throw new JiraHttpError(400, ['The accountId query parameter needs to be provided.']);
  const stored = ctx.store.getUser(accountId);
  if (!stored)
    throw new JiraHttpError(404, [`Specified user does not exist or you do not have required permissions`]);
  return json(200, { ...renderUser(ctx.store, accountId), locale: 'en_US' });
}

export const projectRoutes: Route[] = [
  route('GET', '/project/search', searchProjects),
  route('GET', '/project/{projectIdOrKey}', getProject),
  route('GET', '/myself', myself),
  route('GET', '/user', getUser),
];
