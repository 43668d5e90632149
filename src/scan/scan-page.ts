/**
 * Judging one issue of a scan page: the domain's verdict and score, and the smallest change to what is stored.
 * Pure: no I/O, time is an argument. The writer applies the plans (or, in a dry run, only counts them).
 */
import { assessIssue } from '../domain/assess-issue';
import {
  flagFor,
  draftOf,
  type AppEditTask,
  hasHypothesis,
  killDateOf,
  PROPERTY_VALUE_LIMIT,
  serializedSize,
  type IssueLens,
  type ZombieFlag,
} from '../domain/issue-lens';
import { quotedPhrases } from '../domain/recipe-detector';
import type { Outcome } from '../domain/schemas';
import type { Settings } from '../domain/settings';
import { evaluateZombie, nextVerdictChange, type BacklogStanding, type ZombieRuleId } from '../domain/zombie';
import { PoisonedIssueError, snapshotOf, thresholdMetricValue, type ScanIssue } from './snapshot';

/** What the scan needs of an outcome: kept small so a run can carry it in its cursor. */
export type ScanOutcome = Pick<Outcome, 'status' | 'metric' | 'measurements'>;

export interface JudgeContext {
  settings: Readonly<Settings>;
  outcomes: ReadonlyMap<string, ScanOutcome>;
  /** The outcome a parent (epic) links to; undefined when the parent's lens is not known. */
  parentOutcome: (parentKey: string) => string | null | undefined;
  now: Date;
  /** Where the project's backlog stood at the last scan; unknown (rules that need it stay off) when absent. */
  standing?: BacklogStanding;
  /** Edits the app began on an issue and has not stamped in its lens yet (see AppEditIntent), by issue key. */
  appEdits?: ReadonlyMap<string, AppEditIntent>;
  /** What Jira said of the bulk tasks lenses name (IssueLens.appEditTask), by task id; absent: not asked. */
  appEditTasks?: ReadonlyMap<string, AppEditTaskState>;
}

/**
 * Recorded in app storage before the scan edits an issue (label, comment), and cleared once the lens carrying
 * the edit's stamp is written. An invocation stopped between its edit and that write (Forge's time limit)
 * leaves it behind, so the next invocation knows the bump of Jira's `updated` was the app's own.
 */
export interface AppEditIntent {
  /** When the edits began (ISO). */
  at: string;
  /** The last activity by a person before them. */
  realActivityBefore: string;
}

/**
 * How long after an intent Jira's `updated` is taken for the app's edit: the invocation that recorded it runs
 * at most the scan consumer's 900 s (manifest timeoutSeconds), plus a few seconds of clock skew either side.
 */
export const APP_EDIT_WINDOW_MS = 900_000;
const CLOCK_SKEW_MS = 5_000;

/** True when `intent` explains the issue's last update: an app edit its lens has no stamp for yet. */
export function recognisesAppEdit(
  intent: AppEditIntent | undefined,
  lens: Pick<IssueLens, 'lastAppEditAt'>,
  updated: string,
): boolean {
  if (!intent) return false;
  const at = Date.parse(intent.at);
  const up = Date.parse(updated);
  if (Number.isNaN(at) || Number.isNaN(up)) return false;
  const stamp = lens.lastAppEditAt ? Date.parse(lens.lastAppEditAt) : NaN;
  if (!Number.isNaN(stamp) && stamp >= up) return false; // the lens's own stamp covers it already
  return up >= at - CLOCK_SKEW_MS && up <= at + APP_EDIT_WINDOW_MS + CLOCK_SKEW_MS;
}

/**
 * A bulk edit of the app's, as Jira reports it: still to run (or Jira could not be asked), or over. `endedAt`
 * is when Jira last moved it (its progress's `updated`), null when Jira no longer knows the task; `applied`
 * the issues it edited, when Jira lists them.
 */
export type AppEditTaskState =
  { over: false } | { over: true; endedAt: string | null; applied: ReadonlySet<number> | null };

/**
 * Jira keeps a bulk task's progress 14 days from its creation (the platform spec of GET /bulk/queue/{taskId}):
 * a task it no longer knows ended within them, at a moment it no longer says.
 */
export const BULK_TASK_KEPT_MS = 14 * 86_400_000;

/**
 * The lens with its pending bulk task settled, when Jira says the task is over: `updated` up to the task's end
 * is the app's own, and a label the task did not apply is no longer taken as applied. Unchanged while the task
 * is pending or was not asked about (the lens still names it, and no bump counts as activity), unless it is older
 * than Jira keeps tasks: then it is over, as one Jira forgot.
 */
export function settleAppEditTask(
  lens: IssueLens,
  issue: { id: number; updated: string },
  state: AppEditTaskState | undefined,
  now: Date,
): IssueLens {
  const task = lens.appEditTask;
  if (!task) return lens;
  const at = Date.parse(task.at);
  const expired = !(now.getTime() - at <= BULK_TASK_KEPT_MS);
  const over = state?.over ? state : expired ? { endedAt: null, applied: null } : null;
  if (!over) return lens;
  // A task Jira forgot ended at an unknown moment within its 14 days: the bump seen by then is credited to it.
  const forgotten = Math.min(Date.parse(issue.updated), Number.isNaN(at) ? Infinity : at + BULK_TASK_KEPT_MS);
  const end = over.endedAt !== null ? Date.parse(over.endedAt) : forgotten;
  const stamp = lens.lastAppEditAt ? Date.parse(lens.lastAppEditAt) : NaN;
  const later = Number.isFinite(end) && !(stamp >= end);
  const missed = over.applied !== null && !over.applied.has(issue.id);
  return {
    ...lens,
    appEditTask: undefined,
    ...(later ? { lastAppEditAt: new Date(end).toISOString() } : {}),
    flag: lens.flag && missed ? { ...lens.flag, labelApplied: false } : lens.flag,
  };
}

export interface PlannedEdits {
  addLabel: string | null;
  removeLabel: string | null;
  comment: boolean;
}

export interface IssuePlan {
  issueId: number;
  key: string;
  /** The lens to store; null when what is stored is already right. */
  next: IssueLens | null;
  change: 'flag' | 'clear' | 'update' | null;
  edits: PlannedEdits;
  /** The verdict stored when the issue was judged: tells a decision made since from a panel save. */
  base: { zombie: IssueLens['zombie']; flaggedAt: string | null };
  /** Last activity by a person, kept beside the app's own edit so that edit never resets the idle clock. */
  lastRealActivity: string;
  /** The app-edit stamp stored when the issue was judged: names the flag's comment intent across tries. */
  storedAppEditAt: string | null;
  /** An interrupted app edit was recognised (AppEditIntent): its intent is cleared once this lens is written. */
  appEditIntent: boolean;
  health: {
    isRecipe: boolean;
    /** The recipe detector's phrases, for the page's examples. */
    recipePhrases: string[];
    linked: boolean;
    link: 'direct' | 'inherited' | 'none';
    zombie: boolean;
    score: number;
    rules: ZombieRuleId[];
  };
}

/** The fields the scan owns in the lens; everything else is the product owner's and is kept as stored. */
const SCAN_OWNED = [
  'score',
  'scoreModel',
  'hasHypothesis',
  'zombie',
  'killDate',
  'recipe',
  'flag',
  'lastAppEditAt',
  'realActivityBeforeAppEdit',
  'appEditTask',
  'nextCheckAt',
] as const;

function sameRules(a: ZombieFlag['rules'], b: ZombieFlag['rules']): boolean {
  // A rank in the project is rewritten once when it becomes known (the first scan has none), not daily.
  const ranked = (r: ZombieFlag['rules'][number] | undefined) => typeof r?.moreIdleThan === 'number';
  return (
    a.length === b.length &&
    a.every((r, i) => r.rule === b[i]?.rule && r.since === b[i]?.since && ranked(r) === ranked(b[i]))
  );
}

export type ScanFields = Pick<IssueLens, (typeof SCAN_OWNED)[number]>;

/** Only the fields the scan owns: what an interrupted write keeps in the cursor (a full lens can be 32 KB). */
export function scanFieldsOf(lens: ScanFields): ScanFields {
  // A pending task is absent rather than null when there is none, so lenses without one keep their shape.
  return Object.fromEntries(
    SCAN_OWNED.map((k) => [k, k === 'appEditTask' ? (lens[k] ?? undefined) : (lens[k] ?? null)]),
  ) as ScanFields;
}

/** `current` with the scan-owned fields taken from `scan`: what a person saved in between is kept. */
export function withScanFields(current: IssueLens, scan: ScanFields): IssueLens {
  return { ...current, ...scanFieldsOf(scan) };
}

/** True when the scan-owned parts of two lenses differ. */
export function scanFieldsDiffer(a: IssueLens, b: IssueLens): boolean {
  return SCAN_OWNED.some((k) => JSON.stringify(a[k] ?? null) !== JSON.stringify(b[k] ?? null));
}

export function judgeIssue(scanned: ScanIssue, ctx: JudgeContext): IssuePlan {
  const storedAppEditAt = scanned.lens.lastAppEditAt ?? null;
  // A bulk label edit Jira finished after the lens was stamped: its late bump of `updated` is the app's.
  const taskId = scanned.lens.appEditTask?.taskId;
  const settled = settleAppEditTask(
    scanned.lens,
    scanned,
    taskId ? ctx.appEditTasks?.get(taskId) : undefined,
    ctx.now,
  );
  // An edit the app began and could not stamp (its invocation was stopped) is stamped now: its bump of
  // `updated` is not a person's activity.
  const intent = ctx.appEdits?.get(scanned.key);
  const appEditIntent = recognisesAppEdit(intent, settled, scanned.updated);
  const issue: ScanIssue = appEditIntent
    ? {
        ...scanned,
        lens: {
          ...settled,
          lastAppEditAt: scanned.updated,
          realActivityBeforeAppEdit: intent!.realActivityBefore,
        },
      }
    : { ...scanned, lens: settled };
  const stored = issue.lens;
  const parentOutcome = issue.parentKey ? (ctx.parentOutcome(issue.parentKey) ?? null) : null;
  const assessment = assessIssue(
    { ...issue.facts, parent: issue.parentKey ? { key: issue.parentKey, outcomeId: parentOutcome } : null },
    draftOf(stored),
    ctx.outcomes,
    ctx.settings,
  );
  const snapshot = snapshotOf(
    issue,
    assessment.link,
    thresholdMetricValue(stored, assessment.link, ctx.outcomes),
  );
  const verdict = evaluateZombie(snapshot, ctx.settings, ctx.now, ctx.standing);

  let flag = flagFor(verdict, stored.flag, ctx.now.toISOString());
  // Rule details count days and would change daily: a standing flag is rewritten only when its rules change.
  if (flag && stored.flag && sameRules(flag.rules, stored.flag.rules))
    flag = { ...flag, rules: stored.flag.rules };

  const label = ctx.settings.flagActions.label;
  const hasLabel = (name: string) => issue.labels.some((l) => l.toLowerCase() === name.toLowerCase());
  const edits: PlannedEdits = { addLabel: null, removeLabel: null, comment: false };
  if (flag && label && !flag.labelApplied) {
    // A label a person already put there counts as applied: no call needed.
    if (hasLabel(label)) flag = { ...flag, labelApplied: true };
    else edits.addLabel = label;
  }
  if (flag && ctx.settings.flagActions.comment && !flag.commented) edits.comment = true;
  if (!flag && stored.flag?.labelApplied && label && hasLabel(label)) edits.removeLabel = label;

  const next: IssueLens = {
    ...stored,
    score: assessment.score.total,
    scoreModel: assessment.score.modelVersion,
    hasHypothesis: hasHypothesis(stored) ? 'true' : 'false',
    zombie: verdict.isZombie ? 'true' : 'false',
    killDate: killDateOf(stored.killCriteria),
    recipe: assessment.recipe.isRecipe ? 'true' : 'false',
    flag,
    nextCheckAt: nextVerdictChange(snapshot, ctx.settings, ctx.now),
  };
  if (serializedSize(next) > PROPERTY_VALUE_LIMIT) {
    throw new PoisonedIssueError(
      `${issue.key}: the property would exceed Jira's ${PROPERTY_VALUE_LIMIT} characters.`,
    );
  }
  const changed = scanFieldsDiffer(scanned.lens, next);
  const change: IssuePlan['change'] =
    flag && !stored.flag ? 'flag' : !flag && stored.flag ? 'clear' : changed ? 'update' : null;
  return {
    issueId: issue.id,
    key: issue.key,
    next: changed || edits.addLabel || edits.removeLabel || edits.comment ? next : null,
    change,
    edits,
    base: { zombie: stored.zombie, flaggedAt: stored.flag?.flaggedAt ?? null },
    lastRealActivity: snapshot.lastActivityAt ?? issue.created,
    storedAppEditAt,
    appEditIntent,
    health: {
      isRecipe: assessment.recipe.isRecipe,
      recipePhrases: quotedPhrases(assessment.recipe),
      linked: assessment.link.kind !== 'none',
      link: assessment.link.kind,
      zombie: verdict.isZombie,
      score: assessment.score.total,
      rules: verdict.rules.map((r) => r.rule),
    },
  };
}

/** The lens after the app's own edits: marks what was done and when, so the edit is not taken for activity. */
export function afterAppEdits(
  plan: IssuePlan,
  done: { label: boolean; comment: boolean; at: string; task?: AppEditTask },
): IssueLens {
  const next = plan.next as IssueLens;
  const flag = next.flag
    ? {
        ...next.flag,
        labelApplied: next.flag.labelApplied || (done.label && plan.edits.addLabel !== null),
        commented: next.flag.commented || done.comment,
      }
    : null;
  const edited = done.label || done.comment;
  return {
    ...next,
    flag,
    ...(edited ? { lastAppEditAt: done.at, realActivityBeforeAppEdit: plan.lastRealActivity } : {}),
    // The label may land later than this stamp: the next scan asks Jira when it did.
    ...(done.task ? { appEditTask: done.task } : {}),
  };
}
