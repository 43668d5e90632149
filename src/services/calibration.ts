/**
 * The settings page's calibration: the state of the last run and its proposal (anyone who may browse the
 * project), and for project administrators only: start a run, confirm the resolution mapping (which
 * recalculates from the history already read), apply a chosen idle limit to the settings. The work itself is
 * done by the background job (src/calibration/job.ts), never inside these calls.
 */
import {
  MIN_DELIVERED,
  type ApplyCalibrationPayload,
  type CalibrationStateView,
  type CalibrationView,
  type SaveMappingPayload,
  type StartCalibrationAnswer,
} from '../contract/calibration';
import type { CalibrationState } from '../contract/calibration';
import type { SettingsData } from '../contract/settings';
import {
  firstOfEachType,
  idleDaysByType,
  type StoredSettings,
  type ZombieThresholds,
} from '../domain/settings';
import { ConflictError, NotAuthorizedError, ValidationError } from '../errors';
import {
  HISTORY_TTL,
  loadCalibrationState,
  loadConfirmedMapping,
  newCalibrationRunId,
  pushCalibrationEvent,
  restoreState,
  saveConfirmedMapping,
  saveQueuedState,
} from '../calibration/job';
import { kvs } from '../storage/kvs-client';
import type { CallContext } from '../resolvers/endpoint';
import { keys } from '../storage/keys';
import { backOffAfterConflict, claim, claimOwn } from '../storage/kv';
import { CLOCK_SKEW_MS, holderDoneAt, invocationStopsAt } from '../storage/lock';
import { loadSettings, saveSettings } from '../storage/settings';
import type { Clock } from './outcome-map';
import { projectRights, requireBrowse, targetProject } from './project-access';
import { loadProjectSettings } from './project-settings';
import { callerSeesAllSecured } from './scanned-figures';

const ADMIN_ONLY = 'Only project administrators can calibrate Outcome Lens or apply what it proposes.';
/** A run that has said nothing for this long is taken for dead: a new request may start another. */
const STALE_RUN_MS = 60 * 60_000;
/**
 * A run never heard from at all (its first event lost, or its start stopped before the push) is dead much sooner:
 * its first invocation starts within seconds of the push.
 */
const UNHEARD_RUN_MS = 5 * 60_000;
/** Held while one request starts a run: longer than a resolver may live (25 s), so no live start outlasts it. */
const START_CLAIM = { value: 30, unit: 'SECONDS' } as const;
const DEAD_RUN_MESSAGE =
  'This calibration stopped without finishing (nothing was heard from it for too long). Calibrate from history again.';
export const FIGURES_WITHHELD_NOTE =
  'Its figures are not shown to you: the calibration counted issues under a security level that may keep some of them from you.';
export const FIGURES_UNNOTED_NOTE =
  'Its figures are not shown: this calibration was made before Outcome Lens noted which issues it read are under a security level. Calibrate from history again to see them.';

/** Whether a stored run is running and still alive: a long run paced by the quota counts its last word. */
function isLiveRun(state: CalibrationState, nowMs: number): boolean {
  if (state.status !== 'running') return false;
  if (state.heardAt) return nowMs - Date.parse(state.heardAt) < STALE_RUN_MS;
  return nowMs - Date.parse(state.startedAt) < UNHEARD_RUN_MS;
}

/**
 * Why the run's figures are not the caller's to read, or null when they are. The run reads as the app, which a
 * security level may let see issues the caller cannot: its counts, shares and proposal would tell of them. They
 * are the caller's when every secured issue it read is one the caller can see, as the scan's figures
 * (src/services/scanned-figures.ts). A run begun before they were noted is shown to nobody unless it read
 * nothing: which issues it read were secured is not known, and recalculating tells.
 */
async function figuresWithheld(state: CalibrationState): Promise<string | null> {
  if (state.progress.issuesRead === 0) return null;
  if (!state.secured) return FIGURES_UNNOTED_NOTE;
  return (await callerSeesAllSecured(state.secured)) ? null : FIGURES_WITHHELD_NOTE;
}

/**
 * The state as the page reads it: never the secured keys; when its figures are withheld, nothing read from the
 * issues either (the resolution names they were closed with, and the mapping proposed from them).
 */
function stateView(state: CalibrationState, withheld: string | null): CalibrationStateView {
  const { secured: _secured, ...shown } = state;
  if (!withheld) return shown;
  return { ...shown, progress: null, result: null, resolutionNames: [], mapping: null, unplaced: [] };
}

async function requireAdmin(projectKey: string): Promise<void> {
  const rights = await projectRights(projectKey);
  if (!rights.browse)
    throw new NotAuthorizedError(`You do not have permission to see project ${projectKey}.`);
  if (!rights.admin) throw new NotAuthorizedError(ADMIN_ONLY);
}

export async function calibrationView(
  call: CallContext,
  clock: Clock = { now: () => new Date() },
): Promise<CalibrationView> {
  const projectKey = targetProject(call);
  const rights = await requireBrowse(projectKey);
  const [stored, { settings }] = await Promise.all([
    loadCalibrationState(projectKey),
    loadSettings(projectKey),
  ]);
  // A dead run is shown as failed, so the page offers Calibrate again instead of waiting on it for good.
  const state =
    stored?.status === 'running' && !isLiveRun(stored, clock.now().getTime())
      ? { ...stored, status: 'failed' as const, failure: DEAD_RUN_MESSAGE }
      : stored;
  const byType = idleDaysByType(settings.zombie.perIssueType);
  const withheld = state ? await figuresWithheld(state) : null;
  return {
    state: state ? stateView(state, withheld) : null,
    figuresWithheld: withheld,
    canEdit: rights.admin,
    readOnlyReason: rights.admin ? null : ADMIN_ONLY,
    current: { idleDays: settings.zombie.defaults.maxIdleDays, byType },
    minDelivered: MIN_DELIVERED,
  };
}

async function start(
  projectKey: string,
  call: CallContext,
  clock: Clock,
  historyRunId: string | null,
): Promise<StartCalibrationAnswer> {
  const claimKey = keys.calibrationStart(projectKey);
  for (let attempt = 1; ; attempt++) {
    const state = await loadCalibrationState(projectKey);
    if (state && isLiveRun(state, clock.now().getTime())) return { runId: state.runId, alreadyRunning: true };
    // One start at a time: of two presses at once, one starts the run and the other answers with it.
    const runId = newCalibrationRunId();
    if (await claimOwn(claimKey, { runId }, START_CLAIM)) {
      try {
        return await startClaimed(projectKey, call, clock, historyRunId, runId);
      } finally {
        await kvs.delete(claimKey).catch(() => undefined); // else it runs out in 30 s
      }
    }
    const holder = await kvs.get<{ runId?: unknown }>(claimKey);
    if (typeof holder?.runId === 'string') return { runId: holder.runId, alreadyRunning: true };
    // Given back in between: the run it started (or nothing, if its push was refused) is in the state now.
    if (attempt >= 3)
      throw new ConflictError('Another calibration is being started: reload the page in a moment.');
    await backOffAfterConflict(attempt);
  }
}

async function startClaimed(
  projectKey: string,
  call: CallContext,
  clock: Clock,
  historyRunId: string | null,
  runId: string,
): Promise<StartCalibrationAnswer> {
  // Read again under the claim: a start that gave its claim back just before ours was taken is seen.
  const state = await loadCalibrationState(projectKey);
  if (state && isLiveRun(state, clock.now().getTime())) return { runId: state.runId, alreadyRunning: true };
  // Said before the push: the job's first invocation reads it (a recalculation's pages), and a later press sees
  // the run before that invocation.
  const recalculating = historyRunId !== null && state?.status === 'finished' && state.asOf !== null;
  // The pages a recalculation replays are the finished run's, and so are the secured issues among them.
  const secured = recalculating ? state.secured : { count: 0, keys: [] };
  await saveQueuedState(projectKey, {
    runId,
    status: 'running',
    requestedBy: call.accountId,
    startedAt: clock.now().toISOString(),
    finishedAt: null,
    asOf: recalculating ? state.asOf : null,
    historyRunId: recalculating ? state.historyRunId : runId,
    progress: {
      pages: recalculating ? state.progress.pages : 0,
      issuesRead: recalculating ? state.progress.issuesRead : 0,
      invocations: 0,
      jiraCalls: 0,
      points: 0,
      rateLimited: 0,
    },
    resolutionNames: recalculating ? state.resolutionNames : [],
    mapping: null,
    mappingConfirmed: false,
    unplaced: [],
    result: null,
    failure: null,
    ...(secured ? { secured } : {}),
  });
  try {
    await pushCalibrationEvent({
      projectKey,
      runId,
      step: 0,
      requestedBy: call.accountId,
      historyRunId: recalculating ? state.historyRunId : null,
    });
  } catch (e) {
    // Forge refused the push (429, 405, 5xx): nothing is queued, so a "running" state would lock every admin
    // out until it went stale. The state before the press comes back and the person is told to try again.
    await restoreState(projectKey, state).catch((restore: unknown) =>
      console.error('calibration: could not restore the state', String(restore)),
    );
    throw e;
  }
  return { runId, alreadyRunning: false };
}

/** "Calibrate from history": a new run reads the project's history in the background. */
export async function startCalibration(call: CallContext, clock: Clock): Promise<StartCalibrationAnswer> {
  const projectKey = targetProject(call);
  await requireAdmin(projectKey);
  return start(projectKey, call, clock, null);
}

/** The admin's word on which resolutions mean delivered; the last history read is replayed with it. */
export async function saveResolutionMapping(
  call: CallContext,
  payload: SaveMappingPayload,
  clock: Clock,
): Promise<StartCalibrationAnswer> {
  const projectKey = targetProject(call);
  await requireAdmin(projectKey);
  const claimKey = payload.runId === undefined ? null : keys.calibrationMapped(projectKey, payload.runId);
  if (claimKey) {
    // One mapping per proposal: of two admins confirming from the same one, the second is told, as with settings.
    // The same admin confirming again (a retry after a failure that left the claim) is not someone else.
    const shown = await loadCalibrationState(projectKey);
    if (
      shown &&
      shown.runId !== payload.runId &&
      shown.requestedBy === call.accountId &&
      (await confirmedBefore(projectKey, claimKey, call, payload))
    )
      // This admin's own Confirm, landed with its answer lost: the recalculation it started is the answer.
      return { runId: shown.runId, alreadyRunning: isLiveRun(shown, clock.now().getTime()) };
    // Times of the invocation's own clock, as the app's locks keep them (src/storage/lock.ts).
    const mine = { by: call.accountId, at: Date.now(), stopsAt: invocationStopsAt() };
    const claimed =
      shown?.runId === payload.runId &&
      ((await claim(claimKey, mine, MAPPED_TTL, (held) => isClaimOf(held, call.accountId))) ||
        (await takenFromStoppedConfirm(claimKey, mine, Date.now())));
    if (!claimed)
      throw new ConflictError(
        'Someone confirmed a resolution mapping meanwhile, or a newer calibration replaced the one shown: reload the page and look at it first.',
      );
  }
  try {
    await saveConfirmedMapping(projectKey, {
      delivered: storedNames(payload.delivered),
      abandoned: storedNames(payload.abandoned),
      confirmedBy: call.accountId,
      confirmedAt: clock.now().toISOString(),
    });
    const state = await loadCalibrationState(projectKey);
    // The proposal is counted again from the history its run read, while storage still keeps it; past that, the
    // history is read from Jira again.
    const reuse = state?.status === 'finished' && historyKept(state.startedAt, clock.now());
    return await start(projectKey, call, clock, reuse ? state.historyRunId : null);
  } catch (e) {
    // Nothing was recalculated (the mapping's write or the run's push failed; the proposal is shown again): the
    // claim goes, or every admin's next Confirm would be told that someone confirmed meanwhile, for 14 days.
    if (claimKey)
      await kvs
        .delete(claimKey)
        .catch((gone: unknown) => console.error('calibration: could not give the claim back', String(gone)));
    throw e;
  }
}

/**
 * Whether this very mapping was confirmed from the proposal `payload.runId` by this account: its claim is theirs
 * and the mapping stored is the one sent (a Confirm sent again after its answer was lost).
 */
async function confirmedBefore(
  projectKey: string,
  claimKey: string,
  call: CallContext,
  payload: SaveMappingPayload,
): Promise<boolean> {
  if (!isClaimOf(await kvs.get(claimKey), call.accountId)) return false;
  const stored = await loadConfirmedMapping(projectKey);
  const same = (kept: readonly string[], sent: readonly string[]) =>
    JSON.stringify(storedNames(kept)) === JSON.stringify(storedNames(sent));
  return (
    stored?.confirmedBy === call.accountId &&
    same(stored.delivered, payload.delivered) &&
    same(stored.abandoned, payload.abandoned)
  );
}

/** A mapping's resolution names as they are stored: each once, sorted. */
function storedNames(names: readonly string[]): string[] {
  return [...new Set(names)].sort();
}

/**
 * Takes the "confirmed" claim of a proposal still shown (no recalculation replaced it) from a Confirm that can do
 * nothing more: Forge stopped it at its time limit after it claimed, so neither its recalculation nor the giving
 * back of its claim ran. Without this, every other admin would be told "someone confirmed meanwhile" for the
 * claim's 14 days. A claim stored before claims noted their time is left to run out.
 */
async function takenFromStoppedConfirm(
  claimKey: string,
  mine: Record<string, unknown>,
  nowMs: number,
): Promise<boolean> {
  const held = await kvs.get<{ at?: unknown; stopsAt?: unknown; by?: unknown }>(claimKey);
  if (!held || typeof held.at !== 'number') return false;
  const doneAt = holderDoneAt(
    {
      at: held.at,
      stopsAt: typeof held.stopsAt === 'number' ? held.stopsAt : null,
      ttlSeconds: CONFIRM_SECONDS,
    },
    nowMs,
  );
  if (nowMs < doneAt + CLOCK_SKEW_MS) return false;
  // Given back, then claimed as any claim is (FAIL_IF_EXISTS): of two admins taking it over at once, one claims it
  // and the other is refused. Only the stopped Confirm's own claim is given back (read again just before).
  const still = await kvs.get<{ at?: unknown; by?: unknown }>(claimKey);
  if (still && (still.at !== held.at || still.by !== held.by)) return false;
  await kvs.delete(claimKey);
  return claim(
    claimKey,
    mine,
    MAPPED_TTL,
    (now) => isClaimOf(now, String(mine.by)) && (now as { at?: unknown }).at === mine.at,
  );
}

/**
 * How long a Confirm may run: Forge stops a function a UI invokes after 25 s
 * (developer.atlassian.com/platform/forge/limits-invocation), and its last call may land a moment later.
 */
const CONFIRM_SECONDS = 30;

/** Whether a stored "confirmed" claim is this account's own. */
function isClaimOf(held: unknown, accountId: string): boolean {
  return typeof held === 'object' && held !== null && (held as { by?: unknown }).by === accountId;
}

/** How long a proposal's "confirmed" claim is kept: as long as its run's history, longer than a page is looked at. */
const MAPPED_TTL = HISTORY_TTL;

/**
 * Whether the history a run started reading at `startedAt` is still stored: its pages expire HISTORY_TTL after
 * they were written, the first soonest; a day is kept in hand for the count.
 */
function historyKept(startedAt: string, now: Date): boolean {
  const started = Date.parse(startedAt);
  return Number.isFinite(started) && now.getTime() - started < (HISTORY_TTL.value - 1) * 86_400_000;
}

/** Writes the chosen idle limit, and the proposal's per-type limits the admin kept, as a versioned save. */
export async function applyCalibration(
  call: CallContext,
  payload: ApplyCalibrationPayload,
  clock: Clock,
): Promise<SettingsData> {
  const projectKey = targetProject(call);
  await requireAdmin(projectKey);
  const state = await loadCalibrationState(projectKey);
  if (!state || state.runId !== payload.runId || state.status !== 'finished' || !state.result)
    throw new ConflictError(
      'A newer calibration replaced the one shown: reload the page and look at it first.',
    );
  // A proposal not shown to this admin is not theirs to apply, and its refusals would quote its counts.
  const withheld = await figuresWithheld(state);
  if (withheld) throw new NotAuthorizedError(withheld);
  if (state.result.thresholds.idleDays === null)
    throw new ValidationError(
      `There is too little history to propose a limit (${state.result.delivered} delivered items, at least ${MIN_DELIVERED} are needed): the current settings stay.`,
    );
  const proposedTypes = state.result.thresholds.byType;
  const foreign = Object.keys(payload.byType ?? {}).filter((t) => !Object.hasOwn(proposedTypes, t));
  if (foreign.length)
    throw new ValidationError(`The calibration proposes no limit of its own for ${foreign.join(', ')}.`, {
      byType: 'Only the issue types the proposal lists can be applied.',
    });
  const { stored } = await loadSettings(projectKey);
  // One row per issue type whatever its case, as the scan matches them: a row the admin typed "bug" is the
  // proposal's "Bug", replaced under Jira's spelling (its other limits kept), never stored beside it.
  // A Map, as an issue type may be named "__proto__": assigned to a plain object, it would set its prototype.
  const perIssueType = new Map<string, Partial<ZombieThresholds>>(
    Object.entries(firstOfEachType(stored.zombie?.perIssueType ?? {})),
  );
  for (const [type, days] of Object.entries(payload.byType ?? {})) {
    const same = [...perIssueType.keys()].find((t) => t.toLowerCase() === type.toLowerCase());
    const kept = same === undefined ? {} : perIssueType.get(same);
    if (same !== undefined) perIssueType.delete(same);
    perIssueType.set(type, { ...kept, maxIdleDays: days });
  }
  const next: StoredSettings = {
    ...stored,
    zombie: {
      ...stored.zombie,
      defaults: { ...stored.zombie?.defaults, maxIdleDays: payload.idleDays },
      perIssueType: Object.fromEntries(perIssueType),
    },
  };
  await saveSettings(projectKey, next, payload.version, { now: clock.now(), actor: call.accountId });
  return loadProjectSettings(call);
}
