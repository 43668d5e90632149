/**
 * Jira's bulk edit (`POST /bulk/issues/fields`) and its progress (`GET /bulk/queue/{taskId}`), for the one field
 * the app edits in bulk: labels. Rules from the operation's documentation in the platform spec (data/):
 * at most 1,000 issues a request; the caller needs the global Make bulk changes permission (BULK_CHANGE), Browse
 * and Edit issues in every project of the selection; the edit runs as a task whose progress lists the issues
 * processed, the ones that failed with their reasons, and a count of invalid or hidden ones. The spec documents
 * no 403 for either operation, so a missing global permission answers 400 with BulkOperationErrorResponse.
 * Jira runs the task in the background; the emulator finishes it before it answers.
 */
import type { StoredIssue } from '../types';
import { checkLabels } from './issues';
import { actorAccountId, asObject, can, json, route, type Route, type RouteContext } from './common';

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

  const processed: number[] = [];
  const failed: Record<string, string[]> = {};
  let invalid = 0;
  const when = ctx.now().toISOString();
  ctx.store.db.transaction(() => {
    for (const idOrKey of new Set(ids as string[])) {
      const issue: StoredIssue | null = ctx.store.getIssue(idOrKey);
      if (!issue || !can(ctx, issue.projectId, 'BROWSE_PROJECTS')) {
        invalid += 1;
        continue;
      }
      if (!can(ctx, issue.projectId, 'EDIT_ISSUES')) {
        failed[String(issue.id)] = ['You do not have permission to edit issues in this project.'];
        continue;
      }
      const next = applyEdits(issue.labels, edits);
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
  const taskId = String(ctx.state.nextTaskId++);
  ctx.state.bulkTasks.set(taskId, {
    taskId,
    status: 'COMPLETE',
    progressPercent: 100,
    created: when,
    started: when,
    updated: when,
    submittedBy: { accountId: actorAccountId(ctx) },
    totalIssueCount: ids.length,
    processedAccessibleIssues: processed,
    failedAccessibleIssues: failed,
    invalidOrInaccessibleIssueCount: invalid,
  });
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

export const bulkRoutes: Route[] = [
  route('POST', '/bulk/issues/fields', submitBulkEdit),
  route('GET', '/bulk/queue/{taskId}', bulkProgress),
];
