import type { ChangelogItemInput, StatusCategoryKey, StoredIssue } from '../types';
import { runWorkflowValidators } from '../workflow-validators';
import { textToAdf } from '../store';
import { overTextLimit } from '../text-limit';
import {
  BASE_URL,
  JiraHttpError,
  RESOLUTION_IDS,
  actorAccountId,
  asObject,
  callerTimeZone,
  badRequest,
  can,
  json,
  noContent,
  queryList,
  renderComment,
  renderHistory,
  renderIssue,
  renderResolution,
  renderStatus,
  requirePermission,
  route,
  sees,
  selectFields,
  statusId,
  stringList,
  visibleIssue,
  type Route,
  type RouteContext,
} from './common';

function projectName(ctx: RouteContext, issue: StoredIssue): string {
  return ctx.store.getProject(issue.projectId)?.name ?? issue.projectKey;
}

// ---- read ---------------------------------------------------------------------------------------------

function getIssue(ctx: RouteContext) {
  const issue = visibleIssue(ctx, ctx.params.issueIdOrKey as string);
  const fields = selectFields(queryList(ctx.query, 'fields'), true, ctx.customFields);
  const propertyKeys = queryList(ctx.query, 'properties');
  const expand = queryList(ctx.query, 'expand') ?? [];
  const properties = propertyKeys
    ? (ctx.store
        .propertiesOf([issue.id], propertyKeys.includes('*all') ? null : propertyKeys)
        .get(issue.id) ?? {})
    : undefined;
  return json(
    200,
    renderIssue(ctx, issue, fields, {
      projectName: projectName(ctx, issue),
      ...(properties ? { properties } : {}),
      changelog: expand.includes('changelog'),
    }),
  );
}

function bulkFetch(ctx: RouteContext) {
  const body = asObject(ctx.body);
  const keys = stringList(body.issueIdsOrKeys, 'issueIdsOrKeys');
  if (!keys || keys.length === 0)
    throw badRequest('', { issueIdsOrKeys: 'issueIdsOrKeys must not be empty.' });
  if (keys.length > 100)
    throw badRequest('', { issueIdsOrKeys: 'A maximum of 100 issues can be requested.' });
  const fields = selectFields(stringList(body.fields, 'fields'), true, ctx.customFields);
  const propertyKeys = stringList(body.properties, 'properties');
  const issues: Array<Record<string, unknown>> = [];
  for (const key of keys) {
    const issue = ctx.store.getIssue(key);
    // Issues the caller cannot see are left out silently, as Jira does.
    if (!issue || !sees(ctx, issue)) continue;
    const properties = propertyKeys
      ? (ctx.store.propertiesOf([issue.id], propertyKeys).get(issue.id) ?? {})
      : undefined;
    issues.push(
      renderIssue(ctx, issue, fields, {
        projectName: projectName(ctx, issue),
        ...(properties ? { properties } : {}),
      }),
    );
  }
  return json(200, { issues, issueErrors: [] });
}

// ---- edit -----------------------------------------------------------------------------------------------

type LabelOp = { add?: unknown; remove?: unknown; set?: unknown };

function applyLabelOps(labels: string[], ops: unknown): string[] {
  if (!Array.isArray(ops)) throw badRequest('', { labels: 'update.labels must be a list of operations.' });
  let result = [...labels];
  for (const op of ops as LabelOp[]) {
    if (typeof op !== 'object' || op === null) throw badRequest('', { labels: 'Invalid labels operation.' });
    if (op.set !== undefined) result = [...new Set(checkLabels(op.set))];
    if (op.add !== undefined) {
      const [label] = checkLabels([op.add]);
      if (label !== undefined && !result.includes(label)) result.push(label);
    }
    if (op.remove !== undefined) {
      const [label] = checkLabels([op.remove]);
      result = result.filter((l) => l !== label);
    }
  }
  return result;
}

export function checkLabels(value: unknown): string[] {
  if (
    !Array.isArray(value) ||
    value.some((v) => typeof v !== 'string' || v === '' || /\s/.test(v) || v.length > 255)
  ) {
    throw badRequest('', {
      labels: 'Labels must be non-empty strings without spaces, at most 255 characters.',
    });
  }
  return value as string[];
}

function editIssue(ctx: RouteContext) {
  const issue = visibleIssue(ctx, ctx.params.issueIdOrKey as string);
  requirePermission(ctx, issue, 'EDIT_ISSUES', 'You do not have permission to edit issues in this project.');
  const body = asObject(ctx.body);
  const fields = body.fields === undefined ? {} : asObject(body.fields, 'fields');
  const update = body.update === undefined ? {} : asObject(body.update, 'update');
  const items: ChangelogItemInput[] = [];
  const patch: Parameters<RouteContext['store']['updateIssueFields']>[1] = {};

  const supported = new Set([
    'summary',
    'description',
    'labels',
    'assignee',
    'priority',
    ctx.customFields.storyPoints,
  ]);
  for (const name of [...Object.keys(fields), ...Object.keys(update)]) {
    if (!supported.has(name)) {
      throw badRequest('', {
        [name]: `Field '${name}' cannot be set. It is not on the appropriate screen, or unknown.`,
      });
    }
  }

  textChanges(issue, fields, { patch, items }, true);
  let labels = issue.labels;
  if (fields.labels !== undefined) labels = [...new Set(checkLabels(fields.labels))];
  if (update.labels !== undefined) labels = applyLabelOps(labels, update.labels);
  if (labels.join(' ') !== issue.labels.join(' ')) {
    items.push({
      field: 'labels',
      fieldtype: 'jira',
      fieldId: 'labels',
      from: null,
      fromString: issue.labels.join(' '),
      to: null,
      toString: labels.join(' '),
    });
    patch.labels = labels;
  }
  if (fields.assignee !== undefined) {
    const a = fields.assignee === null ? null : asObject(fields.assignee, 'assignee').accountId;
    if (a !== null && typeof a !== 'string')
      throw badRequest('', { assignee: 'Specify the assignee by accountId.' });
    if (a !== null && !ctx.store.getUser(a))
      throw badRequest('', { assignee: `User '${a}' cannot be assigned issues.` });
    if (a !== issue.assignee) {
      items.push({
        field: 'assignee',
        fieldtype: 'jira',
        fieldId: 'assignee',
        from: issue.assignee,
        fromString: issue.assignee
          ? (ctx.store.getUser(issue.assignee)?.displayName ?? issue.assignee)
          : null,
        to: a,
        toString: a ? (ctx.store.getUser(a)?.displayName ?? a) : null,
      });
      patch.assignee = a;
    }
  }
  if (fields.priority !== undefined) {
    const p = fields.priority === null ? null : asObject(fields.priority, 'priority').name;
    if (p !== null && typeof p !== 'string')
      throw badRequest('', { priority: 'Specify the priority by name.' });
    if (p !== issue.priority) {
      items.push({
        field: 'priority',
        fieldtype: 'jira',
        fieldId: 'priority',
        from: null,
        fromString: issue.priority,
        to: null,
        toString: p,
      });
      patch.priority = p;
    }
  }
  const storyPointsField = ctx.customFields.storyPoints;
  if (fields[storyPointsField] !== undefined) {
    const v = fields[storyPointsField];
    if (v !== null && typeof v !== 'number')
      throw badRequest('', { [storyPointsField]: 'Story points must be a number.' });
    if (v !== issue.storyPoints) {
      items.push({
        field: 'Story point estimate',
        fieldtype: 'custom',
        fieldId: storyPointsField,
        from: null,
        fromString: issue.storyPoints === null ? null : String(issue.storyPoints),
        to: null,
        toString: v === null ? null : String(v),
      });
      patch.storyPoints = v;
    }
  }
  if (items.length > 0) {
    const when = ctx.now().toISOString();
    ctx.store.db.transaction(() => {
      ctx.store.updateIssueFields(issue.id, { ...patch, updated: when });
      ctx.store.addChangelog(issue.key, { author: actorAccountId(ctx), created: when, items });
    })();
  }
  if (ctx.query.get('returnIssue') === 'true') {
    const fresh = ctx.store.getIssue(issue.id) as StoredIssue;
    return json(200, renderIssue(ctx, fresh, 'all', { projectName: projectName(ctx, fresh) }));
  }
  return noContent();
}

// ---- delete ---------------------------------------------------------------------------------------------

/**
 * DELETE /issue/{issueIdOrKey} (spec: deleteIssue): 204; 404 for an issue the caller cannot see; 403 without the
 * Delete issues permission; 400 when the issue has sub-tasks and `deleteSubtasks` is not "true", which deletes
 * them with it.
 */
function deleteIssue(ctx: RouteContext) {
  const issue = visibleIssue(ctx, ctx.params.issueIdOrKey as string);
  requirePermission(
    ctx,
    issue,
    'DELETE_ISSUES',
    'You do not have permission to delete issues in this project.',
  );
  const deleteSubtasks = ctx.query.get('deleteSubtasks') ?? 'false';
  if (deleteSubtasks !== 'true' && deleteSubtasks !== 'false')
    throw badRequest('', { deleteSubtasks: "deleteSubtasks must be 'true' or 'false'." });
  const subtasks = ctx.store.subtasksOf(issue.id);
  if (subtasks.length > 0 && deleteSubtasks !== 'true')
    throw badRequest(
      `The issue ${issue.key} has subtasks. Set deleteSubtasks to true to delete them as well.`,
    );
  ctx.store.deleteIssue(issue.id, { deleteSubtasks: deleteSubtasks === 'true' });
  return noContent();
}

// ---- comments -------------------------------------------------------------------------------------------

function listComments(ctx: RouteContext) {
  const issue = visibleIssue(ctx, ctx.params.issueIdOrKey as string);
  const startAt = Number(ctx.query.get('startAt') ?? 0);
  const maxResults = Math.min(Number(ctx.query.get('maxResults') ?? 5000), 5000);
  let comments = ctx.store.listComments(issue.id);
  if (ctx.query.get('orderBy') === '-created') comments = comments.reverse();
  const page = comments.slice(startAt, startAt + maxResults);
  return json(200, {
    startAt,
    maxResults,
    total: comments.length,
    comments: page.map((c) => renderComment(ctx.store, issue, c, callerTimeZone(ctx))),
  });
}

function addComment(ctx: RouteContext) {
  const issue = visibleIssue(ctx, ctx.params.issueIdOrKey as string);
  // The spec documents no 403 here: Jira answers 400 when the comment permission is missing.
  if (!can(ctx, issue.projectId, 'ADD_COMMENTS')) {
    throw new JiraHttpError(400, ['You do not have the permission to comment on this issue.']);
  }
  const body = asObject(ctx.body);
  const adf = body.body;
  if (typeof adf !== 'object' || adf === null || (adf as { type?: unknown }).type !== 'doc') {
    throw badRequest('', { comment: 'Comment body must be an Atlassian Document Format document.' });
  }
  const tooLong = overTextLimit(adf);
  if (tooLong) throw tooLong;
  const comment = ctx.store.addComment(issue.key, {
    author: actorAccountId(ctx),
    body: adf,
    created: ctx.now().toISOString(),
  });
  return json(201, renderComment(ctx.store, issue, comment, callerTimeZone(ctx)));
}

// ---- transitions ----------------------------------------------------------------------------------------

export interface WorkflowTransition {
  id: string;
  name: string;
  to: string;
  category: StatusCategoryKey;
  resolution: string | null;
  /** The fields on the transition's screen; none: the transition has no screen and sets no field. */
  screen: readonly string[];
}

/**
 * The default workflow: any status to any other, plus "Won't Do" into Done with that resolution. Into In Progress
 * and Done a screen shows the summary and description (and, into Done, the resolution); the others have none, as
 * a transition in a company-managed workflow may, so a field sent to them is refused as Jira refuses it.
 */
export const WORKFLOW: WorkflowTransition[] = [
  { id: '11', name: 'To Do', to: 'To Do', category: 'new', resolution: null, screen: [] },
  {
    id: '21',
    name: 'In Progress',
    to: 'In Progress',
    category: 'indeterminate',
    resolution: null,
    screen: ['summary', 'description'],
  },
  {
    id: '31',
    name: 'Done',
    to: 'Done',
    category: 'done',
    resolution: 'Done',
    screen: ['summary', 'description', 'resolution'],
  },
  { id: '41', name: "Won't Do", to: 'Done', category: 'done', resolution: "Won't Do", screen: [] },
];

export function available(issue: StoredIssue): WorkflowTransition[] {
  return WORKFLOW.filter(
    (t) => t.to !== issue.statusName || (t.category === 'done' && t.resolution !== issue.resolution),
  );
}

/** A screen field as `expand=transitions.fields` describes it (the spec's FieldMetadata). */
const SCREEN_FIELDS: Record<string, Record<string, unknown>> = {
  summary: { required: false, schema: { type: 'string', system: 'summary' }, name: 'Summary' },
  description: { required: false, schema: { type: 'string', system: 'description' }, name: 'Description' },
  resolution: {
    required: false,
    schema: { type: 'resolution', system: 'resolution' },
    name: 'Resolution',
    allowedValues: Object.keys(RESOLUTION_IDS).map(renderResolution),
  },
};

function listTransitions(ctx: RouteContext) {
  const issue = visibleIssue(ctx, ctx.params.issueIdOrKey as string);
  const mayTransition = can(ctx, issue.projectId, 'TRANSITION_ISSUES');
  const withFields = (queryList(ctx.query, 'expand') ?? []).includes('transitions.fields');
  const transitions = (mayTransition ? available(issue) : []).map((t) => ({
    id: t.id,
    name: t.name,
    to: renderStatus(t.to, t.category),
    hasScreen: t.screen.length > 0,
    isGlobal: true,
    isInitial: false,
    isAvailable: true,
    isConditional: false,
    isLooped: false,
    ...(withFields
      ? {
          fields: Object.fromEntries(
            t.screen.map((f) => [
              f,
              { ...SCREEN_FIELDS[f], key: f, operations: ['set'], hasDefaultValue: false },
            ]),
          ),
        }
      : {}),
  }));
  return json(200, { expand: 'transitions', transitions });
}

async function doTransition(ctx: RouteContext) {
  const issue = visibleIssue(ctx, ctx.params.issueIdOrKey as string);
  const body = asObject(ctx.body);
  const transitionId = body.transition === undefined ? undefined : asObject(body.transition, 'transition').id;
  if (typeof transitionId !== 'string')
    throw badRequest('', { transition: "'transition' identifier must be specified." });
  if (!can(ctx, issue.projectId, 'TRANSITION_ISSUES')) {
    throw new JiraHttpError(400, ['You do not have permission to transition this issue.']);
  }
  const t = available(issue).find((x) => x.id === transitionId);
  if (!t) throw badRequest(`Transition id '${transitionId}' is not valid for this issue.`);
  // The screen's values are checked before the validators run, which see them in `modifiedFields`.
  const fields = body.fields === undefined ? {} : asObject(body.fields, 'fields');
  const update = body.update === undefined ? {} : asObject(body.update, 'update');
  const offScreen = [...Object.keys(fields), ...Object.keys(update)].filter((f) => !t.screen.includes(f));
  if (offScreen.length)
    throw badRequest(
      '',
      Object.fromEntries(
        offScreen.map((f) => [
          f,
          `Field '${f}' cannot be set. It is not on the appropriate screen, or unknown.`,
        ]),
      ),
    );
  // The screens' fields are set through `fields` only.
  const updated = Object.keys(update);
  if (updated.length)
    throw badRequest('', { [updated[0]!]: 'The workbench sets screen fields through "fields" only.' });
  let resolution = t.resolution;
  if (fields.resolution !== undefined) {
    const name = fields.resolution === null ? null : asObject(fields.resolution, 'resolution').name;
    if (typeof name !== 'string') throw badRequest('', { resolution: 'Specify the resolution by name.' });
    // A resolution the site does not have is refused (resolutions differ from site to site: reported in
    // mozilla/jira-bugzilla-integration#294, a resolution map failing on another site). The wording is ours.
    const defaults = Object.keys(RESOLUTION_IDS);
    // The issues are read only for a name that is not a default one: most transitions set a default.
    if (!defaults.includes(name) && !ctx.store.resolutionNames(defaults).includes(name))
      throw badRequest('', { resolution: `The resolution '${name}' does not exist on this site.` });
    resolution = name;
  }
  const screen = transitionScreen(issue, fields);
  if (fields.resolution !== undefined && resolution !== issue.resolution)
    screen.modified.resolution = renderResolution(resolution);
  // Workflow validators configured for this target status (the app's entry gate): Jira answers 400 with the message.
  const blocked = await runWorkflowValidators(
    ctx.store,
    issue,
    { toStatus: t.to, fromStatusId: statusId(issue.statusName), toStatusId: statusId(t.to) },
    ctx.validatorFunctions,
    screen.modified,
  );
  if (blocked) throw new JiraHttpError(400, [blocked]);
  applyTransition(ctx, issue, t, resolution, screen);
  return noContent();
}

type IssuePatch = Parameters<RouteContext['store']['updateIssueFields']>[1];

/** What the transition screen changes: the issue's patch and changelog items, and what the validators see. */
export interface ScreenChange {
  patch: IssuePatch;
  items: ChangelogItemInput[];
  modified: Record<string, unknown>;
}

/**
 * The workbench's transition screens show the summary and the description (and the resolution, into Done),
 * checked as an edit checks them and saved with the transition. Validators get the changed values as Get issue
 * (v3) shapes them: the description in ADF. Summary is left out of `modifiedFields`: it is not among the field
 * types Forge's validator reference says Jira sends, so a gate cannot count on seeing it.
 */
function transitionScreen(issue: StoredIssue, fields: Record<string, unknown>): ScreenChange {
  const change: ScreenChange = { patch: {}, items: [], modified: {} };
  const description = textChanges(issue, fields, change, false);
  if (description !== undefined) change.modified.description = description;
  return change;
}

/**
 * The summary and description a request sets, checked as Jira checks them, into `change`'s patch and changelog
 * items. An edit records its description even when unchanged; a transition's screen only a changed one. Returns
 * the description as stored (ADF, or null when cleared), undefined when not changed.
 */
function textChanges(
  issue: StoredIssue,
  fields: Record<string, unknown>,
  change: Pick<ScreenChange, 'patch' | 'items'>,
  recordUnchanged: boolean,
): unknown {
  if (fields.summary !== undefined) {
    if (typeof fields.summary !== 'string' || !fields.summary.trim())
      throw badRequest('', { summary: 'You must specify a summary of the issue.' });
    if (fields.summary !== issue.summary) {
      change.items.push({
        field: 'summary',
        fieldtype: 'jira',
        fieldId: 'summary',
        from: null,
        fromString: issue.summary,
        to: null,
        toString: fields.summary,
      });
      change.patch.summary = fields.summary;
    }
  }
  if (fields.description === undefined) return undefined;
  const d = fields.description;
  const adf =
    d === null ? null : typeof d === 'string' ? textToAdf(d) : (asObject(d, 'description') as never);
  const tooLong = overTextLimit(adf);
  if (tooLong) throw tooLong;
  const changed = issue.descriptionWiki !== null || JSON.stringify(adf) !== JSON.stringify(issue.description);
  if (!changed && !recordUnchanged) return undefined;
  change.items.push({
    field: 'description',
    fieldtype: 'jira',
    fieldId: 'description',
    from: null,
    fromString: null,
    to: null,
    toString: null,
  });
  change.patch.description = adf;
  change.patch.descriptionWiki = null;
  return adf;
}

/**
 * Moves the issue through the transition (status, resolution, what its screen changed, `updated`, one changelog
 * entry), atomically.
 */
export function applyTransition(
  ctx: RouteContext,
  issue: StoredIssue,
  t: WorkflowTransition,
  resolution: string | null,
  screen: Pick<ScreenChange, 'patch' | 'items'> = { patch: {}, items: [] },
): void {
  const when = ctx.now().toISOString();
  const items: ChangelogItemInput[] = [...screen.items];
  if (resolution !== issue.resolution) {
    items.push({
      field: 'resolution',
      fieldtype: 'jira',
      fieldId: 'resolution',
      from: null,
      fromString: issue.resolution,
      to: null,
      toString: resolution,
    });
  }
  if (t.to !== issue.statusName) {
    items.push({
      field: 'status',
      fieldtype: 'jira',
      fieldId: 'status',
      from: statusId(issue.statusName),
      fromString: issue.statusName,
      to: statusId(t.to),
      toString: t.to,
    });
  }
  ctx.store.db.transaction(() => {
    ctx.store.updateIssueFields(issue.id, {
      ...screen.patch,
      statusName: t.to,
      statusCategory: t.category,
      resolution,
      updated: when,
    });
    if (items.length)
      ctx.store.addChangelog(issue.key, { author: actorAccountId(ctx), created: when, items });
  })();
}

// ---- changelog ------------------------------------------------------------------------------------------

function bulkChangelog(ctx: RouteContext) {
  const body = asObject(ctx.body);
  const keys = stringList(body.issueIdsOrKeys, 'issueIdsOrKeys');
  if (!keys || keys.length === 0 || keys.length > 1000) {
    throw badRequest('', { issueIdsOrKeys: 'Between 1 and 1000 issue ids or keys are required.' });
  }
  const fieldIds = stringList(body.fieldIds, 'fieldIds');
  if (fieldIds && fieldIds.length > 10)
    throw badRequest('', { fieldIds: 'A maximum of 10 field ids can be specified.' });
  const maxResults = body.maxResults === undefined ? 1000 : body.maxResults;
  if (
    typeof maxResults !== 'number' ||
    !Number.isInteger(maxResults) ||
    maxResults < 1 ||
    maxResults > 10000
  ) {
    throw badRequest('', { maxResults: 'maxResults must be between 1 and 10000.' });
  }
  // Token: index of the issue in the request and the count of its histories already returned.
  let startIssue = 0;
  let startHistory = 0;
  if (body.nextPageToken !== undefined && body.nextPageToken !== null) {
    const m =
      typeof body.nextPageToken === 'string'
        ? /^(\d+):(\d+)$/.exec(Buffer.from(body.nextPageToken, 'base64url').toString())
        : null;
    if (!m) throw badRequest('The provided next page token is invalid.');
    startIssue = Number(m[1]);
    startHistory = Number(m[2]);
  }
  const visible = keys.map((k) => {
    const issue = ctx.store.getIssue(k);
    return issue && sees(ctx, issue) ? issue : null;
  });
  const out: Array<{ issueId: string; changeHistories: Array<Record<string, unknown>> }> = [];
  let budget = maxResults;
  let next: string | null = null;
  const zone = callerTimeZone(ctx);
  for (let i = startIssue; i < visible.length; i++) {
    const issue = visible[i];
    if (!issue) continue;
    let histories = ctx.store.listChangelog(issue.id);
    if (fieldIds) {
      const wanted = new Set(fieldIds);
      histories = histories
        .map((h) => ({ ...h, items: h.items.filter((it) => wanted.has(it.fieldId ?? it.field)) }))
        .filter((h) => h.items.length > 0);
    }
    const from = i === startIssue ? startHistory : 0;
    const slice = histories.slice(from, from + budget);
    if (slice.length)
      out.push({
        issueId: String(issue.id),
        changeHistories: slice.map((h) => renderHistory(ctx.store, h, zone)),
      });
    budget -= slice.length;
    if (from + slice.length < histories.length) {
      next = Buffer.from(`${i}:${from + slice.length}`).toString('base64url');
      break;
    }
    if (budget === 0) {
      if (i + 1 < visible.length) next = Buffer.from(`${i + 1}:0`).toString('base64url');
      break;
    }
  }
  return json(200, next ? { issueChangeLogs: out, nextPageToken: next } : { issueChangeLogs: out });
}

export const issueRoutes: Route[] = [
  route('POST', '/issue/bulkfetch', bulkFetch),
  route('POST', '/changelog/bulkfetch', bulkChangelog),
  route('GET', '/issue/{issueIdOrKey}', getIssue),
  route('PUT', '/issue/{issueIdOrKey}', editIssue),
  route('DELETE', '/issue/{issueIdOrKey}', deleteIssue),
  route('GET', '/issue/{issueIdOrKey}/comment', listComments),
  route('POST', '/issue/{issueIdOrKey}/comment', addComment),
  route('GET', '/issue/{issueIdOrKey}/transitions', listTransitions),
  route('POST', '/issue/{issueIdOrKey}/transitions', doTransition),
];

export { BASE_URL };
