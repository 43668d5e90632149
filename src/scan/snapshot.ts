/**
 * A Jira issue from the scan's search page, turned into what the domain judges: the facts the score needs
 * (IssueFacts), the zombie snapshot (IssueSnapshot) and the lens the app stored on the issue.
 */
import { carryOversFromSprints, lastRealActivity, type DoneSpan } from '../domain/activity';
import type { IssueFacts } from '../domain/assess-issue';
import { ISSUE_PROPERTY_KEY, readLens, type IssueLens } from '../domain/issue-lens';
import type { Outcome, OutcomeLink } from '../domain/schemas';
import type { IssueSnapshot, StatusCategory } from '../domain/zombie';
import { sprintsOf } from '../jira/fields';
import type { JiraIssue } from '../jira/schemas';

const SYSTEM_FIELDS = [
  'summary',
  'description',
  'issuetype',
  'status',
  'created',
  'updated',
  'labels',
  'assignee',
  'reporter',
  'parent',
  // Whether the issue is under a security level: the page's figures say which issues they counted so.
  'security',
  // Whether a closed sprint may be one the issue was done in (mayHaveBeenDoneInSprint): only then is its history read.
  'statuscategorychangedate',
] as const;

/**
 * Only what the verdict and the score read: fewer fields, smaller pages. The sprint field's id is the site's
 * (see src/jira/fields.ts).
 */
export function scanFields(sprintField: string): string[] {
  return [...SYSTEM_FIELDS, sprintField];
}

export interface ScanIssue {
  id: number;
  key: string;
  facts: Omit<IssueFacts, 'parent'>;
  parentKey: string | null;
  issueType: string;
  created: string;
  updated: string;
  labels: string[];
  assignee: string | null;
  reporter: string | null;
  carryOvers: string[];
  lens: IssueLens;
}

/** Thrown for an issue whose data the scan cannot judge: recorded and skipped. */
export class PoisonedIssueError extends Error {
  override readonly name = 'PoisonedIssueError';
}

function statusCategoryOf(key: string | undefined): StatusCategory {
  if (key === 'done') return 'done';
  if (key === 'new') return 'new';
  return 'indeterminate';
}

function isoOrThrow(value: string | null | undefined, what: string, key: string): string {
  if (!value || Number.isNaN(Date.parse(value))) {
    throw new PoisonedIssueError(`${key}: ${what} is missing or not a date (${String(value)}).`);
  }
  return value;
}

/**
 * `done`: the spans the issue was done in, from its status history (src/scan/done-history.ts), when it was read: a
 * sprint closed in one is not counted as a carry-over.
 */
export function toScanIssue(
  issue: JiraIssue,
  sprintField: string,
  done: readonly DoneSpan[] = [],
): ScanIssue {
  const f = issue.fields;
  const id = Number(issue.id);
  if (!Number.isSafeInteger(id))
    throw new PoisonedIssueError(`${issue.key}: issue id ${issue.id} is not a number.`);
  const created = isoOrThrow(f.created, 'created', issue.key);
  const updated = isoOrThrow(f.updated ?? f.created, 'updated', issue.key);
  const sprints = sprintsOf(issue, sprintField);
  if (!sprints)
    throw new PoisonedIssueError(`${issue.key}: the sprint field ${sprintField} is not a sprint list.`);
  return {
    id,
    key: issue.key,
    facts: {
      key: issue.key,
      summary: f.summary ?? '',
      description: f.description ?? null,
      statusCategory: statusCategoryOf(f.status?.statusCategory.key),
    },
    parentKey: f.parent?.key ?? null,
    issueType: f.issuetype?.name ?? 'Unknown',
    created,
    updated,
    labels: f.labels ?? [],
    assignee: f.assignee?.accountId ?? null,
    reporter: f.reporter?.accountId ?? null,
    carryOvers: carryOversFromSprints(sprints, done),
    lens: readLens(issue.properties?.[ISSUE_PROPERTY_KEY]),
  };
}

/** The latest measurement of the kill threshold's metric, read from the linked outcome when it tracks it. */
export function thresholdMetricValue(
  lens: IssueLens,
  link: OutcomeLink,
  outcomes: ReadonlyMap<string, Pick<Outcome, 'metric' | 'measurements'>>,
): number | null {
  const threshold = lens.killCriteria.metricThreshold;
  if (!threshold || link.kind === 'none') return null;
  const outcome = outcomes.get(link.outcomeId);
  if (!outcome || outcome.metric.trim().toLowerCase() !== threshold.metric.trim().toLowerCase()) return null;
  let latest: { at: string; value: number } | null = null;
  for (const m of outcome.measurements) if (!latest || m.at >= latest.at) latest = m;
  return latest ? latest.value : null;
}

export function snapshotOf(issue: ScanIssue, link: OutcomeLink, metricValue: number | null): IssueSnapshot {
  return {
    key: issue.key,
    issueType: issue.issueType,
    statusCategory: issue.facts.statusCategory,
    created: issue.created,
    lastActivityAt: lastRealActivity({
      updated: issue.updated,
      created: issue.created,
      lastAppEditAt: issue.lens.lastAppEditAt,
      realActivityBeforeAppEdit: issue.lens.realActivityBeforeAppEdit,
      appEditPending: !!issue.lens.appEditTask,
    }),
    carryOvers: issue.carryOvers,
    link,
    killCriteria: issue.lens.killCriteria,
    thresholdMetricValue: metricValue,
    labels: issue.labels,
    assignee: issue.assignee,
    reporter: issue.reporter,
    snoozedUntil: issue.lens.snoozedUntil,
    keptAt: issue.lens.keptAt,
    keptSaw: issue.lens.keptSaw,
  };
}
