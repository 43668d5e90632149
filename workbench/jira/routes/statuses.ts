/**
 * GET /status/{idOrName} (the platform spec's getStatus, "Get status"): a status with its category, by id or
 * name. The spec: a status "must be associated with an active workflow to be returned", a name used by more than
 * one status answers the first found, and 404 when the status is not found, is in no workflow, or the caller lacks
 * Browse projects. The emulator's active statuses are its workflow's (routes/issues.ts WORKFLOW) and those its
 * issues are in; a status named only in a history (deleted since) answers 404, as Jira's does.
 */
import { statusCategoryOfName } from '../status-history';
import {
  browsableProjects,
  json,
  JiraHttpError,
  renderStatus,
  route,
  statusId,
  type Route,
  type RouteContext,
} from './common';
import { WORKFLOW } from './issues';

function activeStatusNames(ctx: RouteContext): string[] {
  const used = ctx.store.db.prepare('SELECT DISTINCT status_name AS name FROM jira_issues').all() as Array<{
    name: string;
  }>;
  return [...new Set([...WORKFLOW.map((t) => t.to), ...used.map((r) => r.name)])];
}

function getStatus(ctx: RouteContext) {
  const idOrName = ctx.params.idOrName as string;
  const projects = browsableProjects(ctx);
  const names = projects !== null && projects.length === 0 ? [] : activeStatusNames(ctx);
  const name =
    names.find((n) => statusId(n) === idOrName) ??
    names.find((n) => n === idOrName) ??
    names.find((n) => n.toLowerCase() === idOrName.toLowerCase());
  if (name === undefined) throw new JiraHttpError(404, [`The status with id '${idOrName}' does not exist.`]);
  return json(200, renderStatus(name, statusCategoryOfName(ctx.store, name)));
}

export const statusRoutes: Route[] = [route('GET', '/status/{idOrName}', getStatus)];
