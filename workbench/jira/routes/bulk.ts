/**
 * Jira's bulk edit (`POST /bulk/issues/fields`) and its progress (`GET /bulk/queue/{taskId}`), for the one field
 * the app edits in bulk: labels. Rules from the operation's documentation in the platform spec (data/):
 * at most 1,000 issues a request; the caller needs the global Make bulk changes permission (BULK_CHANGE), Browse
 * and Edit issues in every project of the selection; the edit runs as a task whose progress lists the issues
 * processed, the ones that failed with their reasons, and a count of invalid or hidden ones. The spec documents
 * no 403 for either operation, so a missing global permission answers 400 with BulkOperationErrorResponse.
 * Jira runs the task in the background: the emulator finishes it before it answers unless background tasks are
 * deferred (EmulatorState), and then reports it ENQUEUED until it lands, with the spec's timestamps.
 * The bulk transition (below) shares the task store and its progress endpoint.
 */
import type { StoredIssue } from '../types';
import { runWorkflowValidators } from '../workflow-validators';
import { applyTransition, available, checkLabels } from './issues';
import {
  actorAccountId,
  asObject,
  can,
  json,
  route,
  sees,
  statusId,
  type Route,
  type RouteContext,
} from './common';

/** The documented cap on issues per bulk edit request. */
export const BULK_EDIT_ISSUE_LIMIT = 1000;
const OPTIONS = ['ADD', 'REMOVE', 'REPLACE', 'REMOVE_ALL'] as const;
type LabelOption = (typeof OPTIONS)[number];

/** A refusal in the shape the spec gives bulk operations: `{ errors: [{ message }] }`. */
function bulkError(status: number, message: string) {
  return json(status, { errors: [{ message }] });
}

function holdsBulkChange(ctx: RouteContext): boolean {
  return ctx.store.hasGlobal(actorAccountId(ctx), 'BULK_CHANGE');
}

interface LabelEdit {
  option: LabelOption;
  labels: string[];
}

function labelEditsOf(fields: Record<string, unknown>, selected: string[]): LabelEdit[] | string {
  const unsupported = Object.keys(fields).filter((k) => k !== 'labelsFields');
  if (unsupported.length) return `The workbench edits only labels in bulk, not ${unsupported.join(', ')}.`;
  const list = fields.labelsFields;
  if (!Array.isArray(list) || list.length === 0) return 'editedFieldsInput has no field to edit.';
  const edits: LabelEdit[] = [];
  for (const raw of list as unknown[]) {
    const entry = asObject(raw, 'labelsFields entry');
    if (entry.fieldId !== 'labels') return `Unknown labels field: ${String(entry.fieldId)}.`;
    if (!selected.includes('labels'))
      return 'The following editedFieldInput values are not listed as selectedActions : labels';
    const option = entry.bulkEditMultiSelectFieldOption as LabelOption;
    if (!OPTIONS.includes(option)) return `Unknown bulkEditMultiSelectFieldOption: ${String(option)}.`;
    if (!Array.isArray(entry.labels)) return 'labels must be a list.';
    const names = (entry.labels as unknown[]).map((l) =>
      typeof l === 'object' && l !== null ? (l as { name?: unknown }).name : undefined,
    );
    edits.push({ option, labels: checkLabels(names) });
  }
  const unused = selected.filter((a) => a !== 'labels');
  if (unused.length)
    return `The following selectedActions have no value in editedFieldsInput : ${unused.join(', ')}`;
  return edits;
}

function applyEdits(labels: string[], edits: LabelEdit[]): string[] {
  let result = [...labels];
  for (const { option, labels: names } of edits) {
    if (option === 'ADD') for (const n of names) if (!result.includes(n)) result.push(n);
    if (option === 'REMOVE') result = result.filter((l) => !names.includes(l));
    if (option === 'REPLACE') result = [...new Set(names)];
    if (option === 'REMOVE_ALL') result = [];
  }
  return result;
}

function submitBulkEdit(ctx: RouteContext) {
  if (!holdsBulkChange(ctx))
    return bulkError(400, 'You do not have the global permission to make bulk changes (BULK_CHANGE).');
  const body = asObject(ctx.body);
  const ids = body.selectedIssueIdsOrKeys;
  const selected = body.selectedActions;
  if (!Array.isArray(ids) || ids.length === 0 || ids.some((i) => typeof i !== 'string'))
    return bulkError(400, 'selectedIssueIdsOrKeys must list at least one issue id or key.');
  if (ids.length > BULK_EDIT_ISSUE_LIMIT)
    return bulkError(400, `A bulk edit takes at most ${BULK_EDIT_ISSUE_LIMIT} issues; got ${ids.length}.`);
  if (!Array.isArray(selected) || selected.some((a) => typeof a !== 'string'))
    return bulkError(400, 'selectedActions must list the fields to edit.');
  let edits: LabelEdit[] | string;
  try {
    edits = labelEditsOf(asObject(body.editedFieldsInput, 'editedFieldsInput'), selected as string[]);
  } catch (e) {
    return bulkError(400, e instanceof Error ? e.message : String(e));
  }
  if (typeof edits === 'string') return bulkError(400, edits);
  const labelEdits = edits;

  const taskId = String(ctx.state.nextTaskId++);
  const created = ctx.now().toISOString();
  const task: Record<string, unknown> = {
    taskId,
    status: 'ENQUEUED',
    progressPercent: 0,
    created,
    updated: created,
    submittedBy: { accountId: actorAccountId(ctx) },
    totalIssueCount: ids.length,
    processedAccessibleIssues: [],
    failedAccessibleIssues: {},
    invalidOrInaccessibleIssueCount: 0,
  };
  ctx.state.bulkTasks.set(taskId, task);
  // Rights and labels are read when the task runs, and the issues' `updated` is that moment, not the request's.
  const run = () => {
    const processed: number[] = [];
    const failed: Record<string, string[]> = {};
    let invalid = 0;
    const when = ctx.now().toISOString();
    ctx.store.db.transaction(() => {
      for (const idOrKey of new Set(ids as string[])) {
        const issue: StoredIssue | null = ctx.store.getIssue(idOrKey);
        if (!issue || !sees(ctx, issue)) {
          invalid += 1;
          continue;
        }
        if (!can(ctx, issue.projectId, 'EDIT_ISSUES')) {
          failed[String(issue.id)] = ['You do not have permission to edit issues in this project.'];
          continue;
        }
        const next = applyEdits(issue.labels, labelEdits);
        if (next.join(' ') !== issue.labels.join(' ')) {
          ctx.store.updateIssueFields(issue.id, { labels: next, updated: when });
          ctx.store.addChangelog(issue.key, {
            author: actorAccountId(ctx),
            created: when,
            items: [
              {
                field: 'labels',
                fieldtype: 'jira',
                fieldId: 'labels',
                from: null,
                fromString: issue.labels.join(' '),
                to: null,
                toString: next.join(' '),
              },
            ],
          });
        }
        processed.push(issue.id);
      }
    })();
    Object.assign(task, {
      status: 'COMPLETE',
      progressPercent: 100,
      started: when,
      updated: when,
      processedAccessibleIssues: processed,
      failedAccessibleIssues: failed,
      invalidOrInaccessibleIssueCount: invalid,
    });
  };
  const delay = ctx.state.bulkEditRequests ?? ctx.state.backgroundTaskRequests;
  if (delay > 0) ctx.state.deferred.push({ requestsLeft: delay, run });
  else run();
  return json(201, { taskId });
}

function bulkProgress(ctx: RouteContext) {
  if (!holdsBulkChange(ctx))
    return bulkError(400, 'You do not have the global permission to make bulk changes (BULK_CHANGE).');
  const task = ctx.state.bulkTasks.get(ctx.params.taskId as string);
  const submitter = (task?.submittedBy as { accountId?: string } | undefined)?.accountId;
  // The spec documents no 404: an unknown task is a bad request, as its example says.
  if (!task || (ctx.actor.type === 'user' && submitter !== actorAccountId(ctx)))
    return bulkError(400, 'The task associated with this taskId is not a bulk operation task');
  return json(200, task);
}

// ---- bulk transition ------------------------------------------------------------------------------------
// GET and POST /bulk/issues/transition (operations getAvailableTransitions and submitBulkTransition): Browse and
// Transition Issues in the issues' projects besides BULK_CHANGE (the spec documents a 403 for both); the
// available transitions are those common to a workflow's issues that need no field update, as a bulk request
// takes none; validators run per issue, and what fails is listed in the task. The emulator has one workflow.

function visible(ctx: RouteContext, keyOrId: string): StoredIssue | null {
  const issue = ctx.store.getIssue(keyOrId);
  return issue && sees(ctx, issue) ? issue : null;
}

/** The emulator has one workflow: a transition needs no field when it sets its own resolution or none. */
function availableTransitions(ctx: RouteContext) {
  if (!holdsBulkChange(ctx))
    return bulkError(403, 'You do not have the global permission to make bulk changes (BULK_CHANGE).');
  const requested = (ctx.query.get('issueIdsOrKeys') ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  if (requested.length === 0 || requested.length > BULK_EDIT_ISSUE_LIMIT)
    return bulkError(400, `Between 1 and ${BULK_EDIT_ISSUE_LIMIT} issue ids or keys are required.`);
  const issues = requested.map((k) => visible(ctx, k));
  if (issues.some((i) => i === null))
    return bulkError(400, 'Some of the issues in the issueIdsOrKeys are not valid');
  const found = issues as StoredIssue[];
  for (const issue of found)
    if (!can(ctx, issue.projectId, 'TRANSITION_ISSUES'))
      return bulkError(403, `You do not have permission to transition ${issue.key}.`);
  // Common to all the issues: present for each of them.
  const common = available(found[0]!).filter((t) =>
    found.every((i) => available(i).some((x) => x.id === t.id)),
  );
  return json(200, {
    availableTransitions: [
      {
        isTransitionsFiltered: common.length < available(found[0]!).length,
        issues: found.map((i) => i.key),
        transitions: common.map((t) => ({
          transitionId: Number(t.id),
          transitionName: t.name,
          to: { statusId: Number(statusId(t.to)), statusName: t.to },
        })),
      },
    ],
  });
}

async function submitBulkTransition(ctx: RouteContext) {
  if (!holdsBulkChange(ctx))
    return bulkError(403, 'You do not have the global permission to make bulk changes (BULK_CHANGE).');
  const body = asObject(ctx.body);
  const inputs = body.bulkTransitionInputs;
  if (!Array.isArray(inputs) || inputs.length === 0)
    return bulkError(400, 'bulkTransitionInputs must list at least one transition.');
  const plan: Array<{ keys: string[]; transitionId: string }> = [];
  for (const raw of inputs) {
    const input = asObject(raw, 'bulkTransitionInputs entry');
    const keys = input.selectedIssueIdsOrKeys;
    if (
      !Array.isArray(keys) ||
      keys.some((k) => typeof k !== 'string') ||
      typeof input.transitionId !== 'string'
    )
      return bulkError(400, 'Each input needs selectedIssueIdsOrKeys and a transitionId.');
    plan.push({ keys: keys as string[], transitionId: input.transitionId });
  }
  const total = plan.reduce((n, p) => n + p.keys.length, 0);
  if (total > BULK_EDIT_ISSUE_LIMIT)
    return bulkError(400, `At most ${BULK_EDIT_ISSUE_LIMIT} issues can be transitioned at once.`);
  const taskId = String(ctx.state.nextTaskId++);
  const created = ctx.now().toISOString();
  const task: Record<string, unknown> = {
    taskId,
    status: 'ENQUEUED',
    progressPercent: 0,
    created,
    updated: created,
    submittedBy: { accountId: actorAccountId(ctx) },
    totalIssueCount: total,
    processedAccessibleIssues: [],
    failedAccessibleIssues: {},
    invalidOrInaccessibleIssueCount: 0,
  };
  ctx.state.bulkTasks.set(taskId, task);
  const run = async () => {
    const processed: number[] = [];
    const failed: Record<string, string[]> = {};
    let inaccessible = 0;
    for (const { keys, transitionId } of plan) {
      for (const key of keys) {
        const issue = visible(ctx, key);
        if (!issue) {
          inaccessible++;
          continue;
        }
        if (!can(ctx, issue.projectId, 'TRANSITION_ISSUES')) {
          failed[String(issue.id)] = ['You do not have permission to transition this issue.'];
          continue;
        }
        const t = available(issue).find((x) => x.id === transitionId);
        if (!t) {
          failed[String(issue.id)] = [`Transition id '${transitionId}' is not valid for this issue.`];
          continue;
        }
        const blocked = await runWorkflowValidators(
          ctx.store,
          issue,
          { toStatus: t.to, fromStatusId: statusId(issue.statusName), toStatusId: statusId(t.to) },
          ctx.validatorFunctions,
        );
        if (blocked) {
          failed[String(issue.id)] = [blocked];
          continue;
        }
        // Re-read: an earlier input of this request may have moved it.
        applyTransition(ctx, ctx.store.getIssue(issue.id)!, t, t.resolution);
        processed.push(issue.id);
      }
    }
    const at = ctx.now().toISOString();
    Object.assign(task, {
      status: 'COMPLETE',
      progressPercent: 100,
      started: at,
      updated: at,
      processedAccessibleIssues: processed,
      failedAccessibleIssues: failed,
      invalidOrInaccessibleIssueCount: inaccessible,
    });
  };
  if (ctx.state.backgroundTaskRequests > 0)
    ctx.state.deferred.push({ requestsLeft: ctx.state.backgroundTaskRequests, run });
  else await run();
  return json(201, { taskId });
}

export const bulkRoutes: Route[] = [
  route('POST', '/bulk/issues/fields', submitBulkEdit),
  route('GET', '/bulk/issues/transition', availableTransitions),
  route('POST', '/bulk/issues/transition', submitBulkTransition),
  route('GET', '/bulk/queue/{taskId}', bulkProgress),
];
