import { GLOBAL_PERMISSIONS, PROJECT_PERMISSIONS, type JiraPermission } from '../types';
import {
  JiraHttpError,
  accountHas,
  accountSeesIssue,
  actorAccountId,
  asObject,
  badRequest,
  json,
  route,
  type Route,
  type RouteContext,
} from './common';

const NAMES: Record<string, string> = {
  BROWSE_PROJECTS: 'Browse Projects',
  EDIT_ISSUES: 'Edit Issues',
  ADMINISTER_PROJECTS: 'Administer Projects',
  TRANSITION_ISSUES: 'Transition Issues',
  ADD_COMMENTS: 'Add Comments',
  RESOLVE_ISSUES: 'Resolve Issues',
  DELETE_ISSUES: 'Delete Issues',
  ADMINISTER: 'Administer Jira',
  BULK_CHANGE: 'Make bulk changes',
};
const KNOWN_IDS: readonly string[] = [...PROJECT_PERMISSIONS, ...GLOBAL_PERMISSIONS];
const KNOWN = new Set<string>(KNOWN_IDS);

/** GET /mypermissions: the caller's permissions, in a project or issue context when one is given. */
function myPermissions(ctx: RouteContext) {
  const list = (ctx.query.get('permissions') ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (list.length === 0) throw badRequest('The permissions parameter is required.');
  const unknown = list.filter((p) => !KNOWN.has(p));
  if (unknown.length) throw new JiraHttpError(400, [`Unrecognized permission keys: ${unknown.join(', ')}`]);
  const accountId = actorAccountId(ctx);

  let projectId: number | null = null;
  const projectKey = ctx.query.get('projectKey') ?? ctx.query.get('projectId');
  const issueKey = ctx.query.get('issueKey') ?? ctx.query.get('issueId');
  if (issueKey) {
    const issue = ctx.store.getIssue(issueKey);
    // An issue outside the caller's security level answers as a missing one (issue context: common.ts).
    if (!issue || !accountSeesIssue(ctx.store, ctx.appAccountId, accountId, issue)) {
      throw new JiraHttpError(404, ['Issue does not exist or you do not have permission to see it.']);
    }
    projectId = issue.projectId;
  } else if (projectKey) {
    const project = ctx.store.getProject(projectKey);
    if (!project || !accountHas(ctx.store, ctx.appAccountId, accountId, project.id, 'BROWSE_PROJECTS')) {
      throw new JiraHttpError(404, [`No project could be found with key '${projectKey}'.`]);
    }
    projectId = project.id;
  }

  const permissions: Record<string, unknown> = {};
  for (const key of list) {
    let have: boolean;
    if (key === 'ADMINISTER')
      have = accountId === ctx.appAccountId || ctx.store.hasGlobal(accountId, 'ADMINISTER');
    // Bulk change is granted to groups by a site admin, the app's account included: only a grant holds it.
    else if (key === 'BULK_CHANGE') have = ctx.store.hasGlobal(accountId, 'BULK_CHANGE');
    else if (projectId !== null)
      have = accountHas(ctx.store, ctx.appAccountId, accountId, projectId, key as JiraPermission);
    else {
      // Without a context Jira answers whether the user has the permission in at least one project.
      have =
        accountId === ctx.appAccountId ||
        (key === 'ADMINISTER_PROJECTS' && ctx.store.hasGlobal(accountId, 'ADMINISTER')) ||
        ctx.store.projectsWith(accountId, key as JiraPermission).length > 0;
    }
    permissions[key] = {
      id: String(KNOWN_IDS.indexOf(key) + 10),
      key,
      name: NAMES[key],
      type: GLOBAL_PERMISSIONS.includes(key as JiraPermission) ? 'GLOBAL' : 'PROJECT',
      description: '',
      havePermission: have,
    };
  }
  return json(200, { permissions });
}

/** POST /permissions/check: which of the given projects and issues a user holds each permission for. */
function bulkCheck(ctx: RouteContext) {
  const body = asObject(ctx.body);
  const extra = Object.keys(body).filter(
    (k) => !['accountId', 'globalPermissions', 'projectPermissions'].includes(k),
  );
  if (extra.length) throw badRequest(`Unrecognized field "${extra[0]}".`);
  let accountId = actorAccountId(ctx);
  if (body.accountId !== undefined) {
    if (typeof body.accountId !== 'string')
      throw badRequest('', { accountId: 'accountId must be a string.' });
    // Checking someone else's permissions needs Administer Jira; an app may do it.
    if (
      body.accountId !== accountId &&
      ctx.actor.type === 'user' &&
      !ctx.store.hasGlobal(accountId, 'ADMINISTER')
    ) {
      throw new JiraHttpError(403, ['Only Jira administrators can check the permissions of other users.']);
    }
    accountId = body.accountId;
  }
  const globals = body.globalPermissions === undefined ? [] : body.globalPermissions;
  if (!Array.isArray(globals))
    throw badRequest('', { globalPermissions: 'globalPermissions must be a list.' });
  const projectPermissions = body.projectPermissions === undefined ? [] : body.projectPermissions;
  if (!Array.isArray(projectPermissions))
    throw badRequest('', { projectPermissions: 'projectPermissions must be a list.' });

  const result = projectPermissions.flatMap((raw: unknown) => {
    const entry = asObject(raw, 'projectPermissions entry');
    const perms = entry.permissions;
    if (!Array.isArray(perms) || perms.length === 0)
      throw badRequest('', { permissions: 'permissions are required.' });
    const projects = (Array.isArray(entry.projects) ? entry.projects : []) as unknown[];
    const issues = (Array.isArray(entry.issues) ? entry.issues : []) as unknown[];
    return (perms as unknown[]).map((perm) => {
      if (typeof perm !== 'string' || !KNOWN.has(perm))
        throw badRequest(`Unrecognized permission key: ${String(perm)}`);
      const grantedProjects = projects.flatMap((p) => {
        const project = ctx.store.getProject(String(p));
        return project &&
          accountHas(ctx.store, ctx.appAccountId, accountId, project.id, perm as JiraPermission)
          ? [project.id]
          : [];
      });
      const grantedIssues = issues.flatMap((i) => {
        const issue = ctx.store.getIssue(String(i));
        // An issue the account may not see (its security level) grants it nothing, as a missing one.
        return issue &&
          accountSeesIssue(ctx.store, ctx.appAccountId, accountId, issue) &&
          accountHas(ctx.store, ctx.appAccountId, accountId, issue.projectId, perm as JiraPermission)
          ? [issue.id]
          : [];
      });
      return { permission: perm, projects: grantedProjects, issues: grantedIssues };
    });
  });
  const globalGranted = (globals as unknown[]).filter(
    (g) =>
      (g === 'ADMINISTER' &&
        (accountId === ctx.appAccountId || ctx.store.hasGlobal(accountId, 'ADMINISTER'))) ||
      (g === 'BULK_CHANGE' && ctx.store.hasGlobal(accountId, 'BULK_CHANGE')),
  );
  return json(200, { globalPermissions: globalGranted, projectPermissions: result });
}

export const permissionRoutes: Route[] = [
  route('GET', '/mypermissions', myPermissions),
  route('POST', '/permissions/check', bulkCheck),
];
