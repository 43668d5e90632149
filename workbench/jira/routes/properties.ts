import {
  BASE_URL,
  JiraHttpError,
  PROPERTY_VALUE_LIMIT,
  actorAccountId,
  asObject,
  badRequest,
  can,
  json,
  noContent,
  requirePermission,
  route,
  sees,
  visibleIssue,
  visibleProject,
  type Route,
  type RouteContext,
} from './common';

const KEY_LIMIT = 255;

/** Validates a property key and a raw JSON body; returns the serialised value to store. */
function checkValue(ctx: RouteContext, propertyKey: string): unknown {
  if (propertyKey.length > KEY_LIMIT) {
    throw badRequest(`The property key can't be longer than ${KEY_LIMIT} characters.`);
  }
  if (ctx.body === undefined) throw badRequest('The property value must be a valid, non-empty JSON.');
  checkSize(ctx.body);
  return ctx.body;
}

function checkSize(value: unknown): void {
  if (JSON.stringify(value).length > PROPERTY_VALUE_LIMIT) {
    throw badRequest(`The property value can't be longer than ${PROPERTY_VALUE_LIMIT} characters.`);
  }
}

/** The property key, already percent-decoded once by the router: a second decode would corrupt keys with '%'. */
function keyOf(ctx: RouteContext): string {
  return ctx.params.propertyKey as string;
}

// ---- issue properties ----------------------------------------------------------------------------------

function listIssueProperties(ctx: RouteContext) {
  const issue = visibleIssue(ctx, ctx.params.issueIdOrKey as string);
  const keys = ctx.store.issuePropertyKeys(issue.id).map((key) => ({
    self: `${BASE_URL}/rest/api/3/issue/${issue.id}/properties/${encodeURIComponent(key)}`,
    key,
  }));
  return json(200, { keys });
}

function getIssueProperty(ctx: RouteContext) {
  const issue = visibleIssue(ctx, ctx.params.issueIdOrKey as string);
  const key = keyOf(ctx);
  const value = ctx.store.propertiesOf([issue.id], [key]).get(issue.id)?.[key];
  if (value === undefined) throw new JiraHttpError(404, [`The property with key '${key}' does not exist.`]);
  return json(200, { key, value });
}

function putIssueProperty(ctx: RouteContext) {
  const issue = visibleIssue(ctx, ctx.params.issueIdOrKey as string);
  requirePermission(ctx, issue, 'EDIT_ISSUES', 'You do not have permission to edit this issue.');
  const key = keyOf(ctx);
  const value = checkValue(ctx, key);
  const existed = ctx.store.propertiesOf([issue.id], [key]).get(issue.id)?.[key] !== undefined;
  // Entity properties are not fields: no changelog and no change to `updated`.
  ctx.store.setIssueProperty(issue.key, key, value);
  return json(existed ? 200 : 201, {});
}

function deleteIssueProperty(ctx: RouteContext) {
  const issue = visibleIssue(ctx, ctx.params.issueIdOrKey as string);
  const key = keyOf(ctx);
  // The spec documents no 403 for this operation: a caller without edit permission sees 404, as Jira answers.
  if (!can(ctx, issue.projectId, 'EDIT_ISSUES'))
    throw new JiraHttpError(404, [`The property with key '${key}' does not exist.`]);
  if (!ctx.store.deleteIssueProperty(issue.id, key)) {
    throw new JiraHttpError(404, [`The property with key '${key}' does not exist.`]);
  }
  return noContent();
}

/** Bulk set by issue. Jira runs this as an async task (303 + Location); the emulator finishes it at once. */
function bulkSetByIssue(ctx: RouteContext) {
  const body = asObject(ctx.body);
  const issues = body.issues;
  if (!Array.isArray(issues) || issues.length === 0 || issues.length > 100) {
    throw badRequest('', { issues: 'Between 1 and 100 issues must be specified.' });
  }
  const entries = issues.map((entry: unknown) => {
    const e = asObject(entry, 'issue entry');
    const extra = Object.keys(e).filter((k) => k !== 'issueID' && k !== 'properties');
    if (extra.length) throw badRequest(`Unrecognized field "${extra[0]}".`);
    if (typeof e.issueID !== 'number' || !Number.isInteger(e.issueID))
      throw badRequest('', { issueID: 'issueID must be an integer.' });
    const properties = asObject(e.properties, 'properties');
    const keys = Object.keys(properties);
    if (keys.length === 0 || keys.length > 10)
      throw badRequest('', { properties: 'Between 1 and 10 properties per issue.' });
    for (const k of keys) {
      if (k.length > KEY_LIMIT)
        throw badRequest(`The property key can't be longer than ${KEY_LIMIT} characters.`);
      checkSize(properties[k]);
    }
    return { issueID: e.issueID, properties };
  });
  const taskId = String(ctx.state.nextTaskId++);
  const submitted = ctx.now().getTime();
  const self = `${BASE_URL}/rest/api/3/task/${taskId}`;
  const task: Record<string, unknown> = {
    self,
    id: taskId,
    description: 'Bulk set issue entity properties',
    status: 'ENQUEUED',
    submittedBy: 0,
    progress: 0,
    elapsedRuntime: 0,
    submitted,
    lastUpdate: submitted,
    submitter: actorAccountId(ctx),
  };
  ctx.state.tasks.set(taskId, task);
  // Permissions are checked per issue as the task runs; failures go to its result (the operation is
  // non-transactional). An injected task fault (faults.ts) fails the issues it names, or stops the task.
  const fault = ctx.taskFault ?? null;
  const faulted = (issueId: number) => !!fault && (!fault.issueIds || fault.issueIds.includes(issueId));
  const run = () => {
    const failed: Array<{ issueId: number; message: string }> = [];
    const done: number[] = [];
    ctx.store.db.transaction(() => {
      for (const { issueID, properties } of entries) {
        if (faulted(issueID)) {
          if (fault!.status === 'COMPLETE')
            failed.push({ issueId: issueID, message: fault!.message ?? 'The issue could not be updated.' });
          continue;
        }
        const issue = ctx.store.getIssue(issueID);
        if (!issue || !sees(ctx, issue)) {
          failed.push({
            issueId: issueID,
            message: 'Issue does not exist or you do not have permission to see it.',
          });
          continue;
        }
        if (!can(ctx, issue.projectId, 'EDIT_ISSUES')) {
          failed.push({ issueId: issueID, message: 'You do not have permission to edit this issue.' });
          continue;
        }
        for (const [k, v] of Object.entries(properties)) ctx.store.setIssueProperty(issue.key, k, v);
        done.push(issueID);
      }
    })();
    const at = ctx.now().getTime();
    if (fault && fault.status !== 'COMPLETE') {
      // Stopped part-way: what it wrote before stays written, and its result names nothing.
      Object.assign(task, {
        status: fault.status,
        started: at,
        finished: at,
        lastUpdate: at,
        message: fault.message ?? `The task ended ${fault.status}.`,
      });
      return;
    }
    Object.assign(task, {
      status: failed.length && !done.length ? 'FAILED' : 'COMPLETE',
      result: { updated: done, failed },
      progress: 100,
      started: at,
      finished: at,
      lastUpdate: at,
      message: `${done.length} issues updated, ${failed.length} failed.`,
    });
  };
  if (ctx.state.backgroundTaskRequests > 0)
    ctx.state.deferred.push({ requestsLeft: ctx.state.backgroundTaskRequests, run });
  else run();
  return { status: 303, headers: { location: self }, body: '' };
}

function getTask(ctx: RouteContext) {
  const task = ctx.state.tasks.get(ctx.params.taskId as string);
  if (!task || (ctx.actor.type === 'user' && task.submitter !== actorAccountId(ctx))) {
    throw new JiraHttpError(404, [`Task ${ctx.params.taskId} not found.`]);
  }
  const { submitter: _submitter, ...rest } = task;
  return json(200, rest);
}

// ---- project properties --------------------------------------------------------------------------------

function projectAdmin(ctx: RouteContext, projectId: number): void {
  if (!can(ctx, projectId, 'ADMINISTER_PROJECTS')) {
    throw new JiraHttpError(403, ['You do not have permission to administer this project.']);
  }
}

function getProjectProperty(ctx: RouteContext) {
  const project = visibleProject(ctx, ctx.params.projectIdOrKey as string);
  const key = keyOf(ctx);
  const value = ctx.store.getProjectProperty(project.key, key);
  if (value === undefined) throw new JiraHttpError(404, [`The property with key '${key}' does not exist.`]);
  return json(200, { key, value });
}

function listProjectProperties(ctx: RouteContext) {
  const project = visibleProject(ctx, ctx.params.projectIdOrKey as string);
  const keys = ctx.store.projectPropertyKeys(project.id).map((key) => ({
    self: `${BASE_URL}/rest/api/3/project/${project.id}/properties/${encodeURIComponent(key)}`,
    key,
  }));
  return json(200, { keys });
}

function putProjectProperty(ctx: RouteContext) {
  const project = visibleProject(ctx, ctx.params.projectIdOrKey as string);
  projectAdmin(ctx, project.id);
  const key = keyOf(ctx);
  const value = checkValue(ctx, key);
  const existed = ctx.store.getProjectProperty(project.key, key) !== undefined;
  ctx.store.setProjectProperty(project.key, key, value);
  return json(existed ? 200 : 201, {});
}

function deleteProjectProperty(ctx: RouteContext) {
  const project = visibleProject(ctx, ctx.params.projectIdOrKey as string);
  projectAdmin(ctx, project.id);
  const key = keyOf(ctx);
  if (!ctx.store.deleteProjectProperty(project.id, key)) {
    throw new JiraHttpError(404, [`The property with key '${key}' does not exist.`]);
  }
  return noContent();
}

export const propertyRoutes: Route[] = [
  route('POST', '/issue/properties/multi', bulkSetByIssue),
  route('GET', '/task/{taskId}', getTask),
  route('GET', '/issue/{issueIdOrKey}/properties', listIssueProperties),
  route('GET', '/issue/{issueIdOrKey}/properties/{propertyKey}', getIssueProperty),
  route('PUT', '/issue/{issueIdOrKey}/properties/{propertyKey}', putIssueProperty),
  route('DELETE', '/issue/{issueIdOrKey}/properties/{propertyKey}', deleteIssueProperty),
  route('GET', '/project/{projectIdOrKey}/properties', listProjectProperties),
  route('GET', '/project/{projectIdOrKey}/properties/{propertyKey}', getProjectProperty),
  route('PUT', '/project/{projectIdOrKey}/properties/{propertyKey}', putProjectProperty),
  route('DELETE', '/project/{projectIdOrKey}/properties/{propertyKey}', deleteProjectProperty),
];
