/**
 * The settings page's calibration: the state of the last run and its proposal (anyone who may browse the
 * project), and for project administrators only: start a run, confirm the resolution mapping (which
 * recalculates from the history already read), apply a chosen idle limit to the settings. The work itself is
 * done by the background job (src/calibration/job.ts), never inside these calls.
 */
import {
  MIN_DELIVERED,
  type ApplyCalibrationPayload,
  type CalibrationView,
  type SaveMappingPayload,
  type StartCalibrationAnswer,
} from '../contract/calibration';
import type { SettingsData } from '../contract/settings';
import type { StoredSettings } from '../domain/settings';
import { ConflictError, NotAuthorizedError, ValidationError } from '../errors';
import {
  loadCalibrationState,
  newCalibrationRunId,
  pushCalibrationEvent,
  saveConfirmedMapping,
  saveQueuedState,
} from '../calibration/job';
import type { CallContext } from '../resolvers/endpoint';
import { loadSettings, saveSettings } from '../storage/settings';
import type { Clock } from './outcome-map';
import { projectRights, requireBrowse, targetProject } from './project-access';
import { loadProjectSettings } from './project-settings';

const ADMIN_ONLY = 'Only project administrators can calibrate Outcome Lens or apply what it proposes.';
/** A run that has said nothing for this long is taken for dead: a new request may start another. */
const STALE_RUN_MS = 60 * 60_000;

async function requireAdmin(projectKey: string): Promise<void> {
  const rights = await projectRights(projectKey);
  if (!rights.browse)
    throw new NotAuthorizedError(`You do not have permission to see project ${projectKey}.`);
  if (!rights.admin) throw new NotAuthorizedError(ADMIN_ONLY);
}

export async function calibrationView(call: CallContext): Promise<CalibrationView> {
  const projectKey = targetProject(call);
  const rights = await requireBrowse(projectKey);
  const [state, { settings }] = await Promise.all([
    loadCalibrationState(projectKey),
    loadSettings(projectKey),
  ]);
  const byType: Record<string, number> = {};
  for (const [type, t] of Object.entries(settings.zombie.perIssueType))
    if (t.maxIdleDays !== undefined) byType[type] = t.maxIdleDays;
  return {
    state,
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
  const state = await loadCalibrationState(projectKey);
  // A long run paced by the quota is alive while it keeps saying so: its last word counts, not its start.
  const lastHeard = state ? Date.parse(state.heardAt ?? state.startedAt) : NaN;
  if (state?.status === 'running' && clock.now().getTime() - lastHeard < STALE_RUN_MS)
    return { runId: state.runId, alreadyRunning: true };
  const runId = newCalibrationRunId();
  // Said at once, so a second press (or another admin) sees the run before its first invocation.
  const recalculating = historyRunId !== null && state?.status === 'finished' && state.asOf !== null;
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
  });
  await pushCalibrationEvent({
    projectKey,
    runId,
    step: 0,
    requestedBy: call.accountId,
    historyRunId: recalculating ? state.historyRunId : null,
  });
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
  await saveConfirmedMapping(projectKey, {
    delivered: [...new Set(payload.delivered)].sort(),
    abandoned: [...new Set(payload.abandoned)].sort(),
    confirmedBy: call.accountId,
    confirmedAt: clock.now().toISOString(),
  });
  const state = await loadCalibrationState(projectKey);
  return start(projectKey, call, clock, state?.status === 'finished' ? state.historyRunId : null);
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
  const perIssueType = { ...(stored.zombie?.perIssueType ?? {}) };
  for (const [type, days] of Object.entries(payload.byType ?? {}))
    perIssueType[type] = { ...perIssueType[type], maxIdleDays: days };
  const next: StoredSettings = {
    ...stored,
    zombie: {
      ...stored.zombie,
      defaults: { ...stored.zombie?.defaults, maxIdleDays: payload.idleDays },
      perIssueType,
    },
  };
  await saveSettings(projectKey, next, payload.version, { now: clock.now(), actor: call.accountId });
  return loadProjectSettings(call);
}
