/**
 * Judging one issue of a scan page: the domain's verdict and score, and the smallest change to what is stored.
 * Pure: no I/O, time is an argument. The writer applies the plans (or, in a dry run, only counts them).
 */
import { createHash } from 'node:crypto';
import { assessIssue } from '../domain/assess-issue';
import {
  appliedLabel,
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
  /**
   * The label the edits add, if they add one. Until the lens records the flag (`labelApplied`), this is the only
   * trace that the app put the label there: a lens write kept for later and overtaken by a newer verdict never
   * records it.
   */
  adds?: string;
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
 * A bulk edit of the app's, as Jira reports it: still to run (`over: false`), not known (`over: null`: Jira could
 * not be asked, or its answer was not understood, or the app lost Make bulk changes), or over. `endedAt` is when
 * Jira last moved it (its progress's `updated`), null when Jira no longer knows the task; `applied` the issues it
 * edited, when Jira lists them.
 */
export type AppEditTaskState =
  | { over: false }
  | { over: null }
  | { over: true; endedAt: string | null; applied: ReadonlySet<number> | null };

/**
 * Jira keeps a bulk task's progress 14 days from its creation (the platform spec of GET /bulk/queue/{taskId}):
 * a task not asked about that long is settled unasked.
 */
export const BULK_TASK_KEPT_MS = 14 * 86_400_000;

/**
 * How long after its submission a bulk label edit Jira cannot tell about is taken to have ended. The scan's
 * edits are one label on at most 1,000 issues (BULK_EDIT_ISSUE_LIMIT): Jira runs such a task in seconds to
 * minutes once it starts, and the writer itself polls it for a while before it leaves it pending. An hour is
 * far past that, while still short against the idle limits (days): a bump Jira made within it is the app's,
 * and a person's edit after it counts. Never the issue's `updated`, which may be that person's edit. A task
 * Jira says is still queued past it stays pending: Jira knows better.
 */
export const BULK_TASK_BOUND_MS = 60 * 60_000;

/**
 * The lens with its pending bulk task settled. When Jira says the task is over and when, `updated` up to that
 * end (and within the clock skew recognisesAppEdit allows after it) is the app's own. When Jira cannot say
 * (unknown, forgotten), the task stays pending till BULK_TASK_BOUND_MS after its submission, then ends at that
 * bound; one not asked about, till Jira no longer keeps it (BULK_TASK_KEPT_MS). A label an ended task did not
 * apply is no longer taken as applied. Unchanged while pending (the lens still names the task, and no bump counts
 * as activity).
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
  const bound = at + BULK_TASK_BOUND_MS;
  // An unreadable submission time is past every bound: the task is dropped without moving the stamp.
  const pastBound = !(now.getTime() <= bound);
  const expired = !(now.getTime() - at <= BULK_TASK_KEPT_MS);
  const endedAt = state?.over === true ? state.endedAt : null;
  const known = endedAt !== null && Number.isFinite(Date.parse(endedAt));
  const unknown = state !== undefined && state.over !== false;
  const settles = known || (unknown ? pastBound : expired);
  if (!settles) return lens;
  const ended = known ? Date.parse(endedAt) : bound;
  // Jira's issue and task times may differ by the clock skew recognisesAppEdit allows: a bump that close after
  // the task's end is the task's (never more: a person's edit a little later counts).
  const up = Date.parse(issue.updated);
  const end = known && up > ended && up <= ended + CLOCK_SKEW_MS ? up : ended;
  const stamp = lens.lastAppEditAt ? Date.parse(lens.lastAppEditAt) : NaN;
  const later = Number.isFinite(end) && !(stamp >= end);
  const applied = state?.over === true ? state.applied : null;
  const missed = applied !== null && !applied.has(issue.id);
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
  base: {
    zombie: IssueLens['zombie'];
    flaggedAt: string | null;
    /**
     * Digests (scanFieldsDigest) of the scan-owned fields stored when the issue was judged, all of them and those
     * only a scan writes: a write of the plan's lens that finds them changed knows a later scan wrote the lens
     * since, and lays nothing of its older verdict over it. Set on plans that write; absent in entries kept by an
     * older version.
     */
    scanned?: string;
    scannedOnly?: string;
    /**
     * Digest (verdictInputsDigest) of what a person's save can change that the verdict reads. A write that finds
     * the version moved and this changed knows the verdict was judged on a lens no longer there. Absent in entries
     * kept by an older version.
     */
    verdictInputs?: string;
  };
  /** Last activity by a person, kept beside the app's own edit so that edit never resets the idle clock. */
  lastRealActivity: string;
  /**
   * Jira's `updated` as the page read it. A later one when the edits are about to be made is someone's activity
   * since, which the app's edit would hide. Absent in entries kept by an older version.
   */
  readUpdated?: string;
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

/**
 * The scan-owned fields no person's save writes (the panel writes the score, hypothesis, kill date and recipe
 * flag): only a scan changes these, and a decision, which bumps the version and clears the flag.
 */
const SCAN_ONLY = [
  'zombie',
  'flag',
  'lastAppEditAt',
  'realActivityBeforeAppEdit',
  'appEditTask',
  'nextCheckAt',
] as const satisfies ReadonlyArray<(typeof SCAN_OWNED)[number]>;

/** JSON with every object's keys sorted: the same value gives the same text whatever order it was stored in. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value ?? null);
}

/**
 * A short digest of a lens's scan-owned fields (with `only`, of those only a scan writes: SCAN_ONLY). Scan writes
 * leave the lens's version as it is, so this is how a later write tells that a scan wrote the lens since a plan
 * was judged.
 */
export function scanFieldsDigest(lens: ScanFields, only = false): string {
  const fields: Record<string, unknown> = scanFieldsOf(lens);
  const picked = only ? Object.fromEntries(SCAN_ONLY.map((k) => [k, fields[k]])) : fields;
  return createHash('sha256').update(canonicalJson(picked)).digest('hex').slice(0, 16);
}

/**
 * A short digest of the lens fields a person's save or decision writes that the zombie verdict reads (snapshotOf,
 * assessIssue's link): the outcome link, the kill criteria, a snooze and a Keep.
 */
export function verdictInputsDigest(lens: IssueLens): string {
  const { outcomeId, killCriteria, snoozedUntil, keptAt, keptSaw } = lens;
  return createHash('sha256')
    .update(
      canonicalJson({
        outcomeId: outcomeId ?? null,
        killCriteria,
        snoozedUntil: snoozedUntil ?? null,
        keptAt: keptAt ?? null,
        keptSaw: keptSaw ?? null,
      }),
    )
    .digest('hex')
    .slice(0, 16);
}

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
  // The label the app put there for the stored flag, by the name it had then (the settings may name another now).
  const applied = appliedLabel(stored.flag, label);
  // A standing flag whose label the settings have renamed, or no longer want: the old label comes off now (one
  // label edit an issue a run), and the new one goes on at the next run. One a person took off already is
  // simply no longer applied, so the new one goes on now.
  if (flag && applied && (!label || applied.toLowerCase() !== label.toLowerCase())) {
    if (hasLabel(applied)) edits.removeLabel = applied;
    else flag = withoutLabel(flag);
  }
  if (flag && label && !flag.labelApplied && !edits.removeLabel) {
    // A label a person already put there counts as applied: no call needed.
    if (hasLabel(label)) flag = { ...flag, labelApplied: true, labelName: label };
    else edits.addLabel = label;
  }
  if (flag && ctx.settings.flagActions.comment && !flag.commented) edits.comment = true;
  if (!flag && applied && hasLabel(applied)) edits.removeLabel = applied;
  // The app's add-label task that settled here on an item no longer flagged (a Keep cleared the flag before
  // Jira ran it, and found no label to take off): the label it put there goes.
  const landed = scanned.lens.appEditTask && !settled.appEditTask ? scanned.lens.appEditTask.adds : undefined;
  if (!flag && !stored.flag && landed && hasLabel(landed)) edits.removeLabel = landed;
  // The app's label on an item whose lens never recorded the flag (its write was kept for a later run, and a
  // newer verdict cleared the item first): the intent recorded before the edit names it.
  const unrecorded = typeof intent?.adds === 'string' ? intent.adds : undefined;
  if (!flag && !stored.flag && unrecorded && !edits.removeLabel && hasLabel(unrecorded))
    edits.removeLabel = unrecorded;

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
  const writes = changed || !!edits.addLabel || !!edits.removeLabel || edits.comment;
  return {
    issueId: issue.id,
    key: issue.key,
    next: writes ? next : null,
    change,
    edits,
    base: {
      zombie: stored.zombie,
      flaggedAt: stored.flag?.flaggedAt ?? null,
      verdictInputs: verdictInputsDigest(stored),
      // Of the lens as stored (before the app edits settled here): what a later write reads back to compare.
      ...(writes
        ? { scanned: scanFieldsDigest(scanned.lens), scannedOnly: scanFieldsDigest(scanned.lens, true) }
        : {}),
    },
    lastRealActivity: snapshot.lastActivityAt ?? issue.created,
    readUpdated: scanned.updated,
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

/** A flag with no label of the app's on the issue. */
function withoutLabel(flag: ZombieFlag): ZombieFlag {
  const { labelName: _gone, ...rest } = flag;
  return { ...rest, labelApplied: false };
}

/** The lens after the app's own edits: marks what was done and when, so the edit is not taken for activity. */
export function afterAppEdits(
  plan: IssuePlan,
  done: { label: boolean; comment: boolean; at: string; task?: AppEditTask },
): IssueLens {
  const next = plan.next as IssueLens;
  const { addLabel } = plan.edits;
  const flag = next.flag
    ? {
        ...next.flag,
        ...(done.label && addLabel !== null ? { labelApplied: true, labelName: addLabel } : {}),
        commented: next.flag.commented || done.comment,
      }
    : null;
  const edited = done.label || done.comment;
  // A standing flag's old label taken off (the settings renamed it): the new one goes on at the next run.
  const relabelled = flag && done.label && plan.edits.removeLabel !== null ? withoutLabel(flag) : flag;
  return {
    ...next,
    flag: relabelled,
    ...(edited ? { lastAppEditAt: done.at, realActivityBeforeAppEdit: plan.lastRealActivity } : {}),
    // The label may land later than this stamp: the next scan asks Jira when it did.
    ...(done.task ? { appEditTask: done.task } : {}),
  };
}
