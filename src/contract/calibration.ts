/**
 * Calibration from the project's own history, as the settings page asks for it: start a run (a background job
 * on the calibration queue), read its state and proposal, confirm which resolutions mean delivered, apply a
 * chosen idle limit. Shared by src/resolvers/settings.ts and static/settings. Only zod and pure domain modules.
 */
import * as z from 'zod';
import { versionSchema } from './version';
import { resolutionKey, type ProjectCalibration, type ResolutionMapping } from '../domain/calibration';
import { visibleText } from '../domain/schemas';
import { issueTypeRecord, refineIssueTypeKeys, trimIssueTypeKeys } from '../domain/settings';

export { CALIBRATION_LOOKBACK_MONTHS, CALIBRATION_RESOLVERS, MIN_DELIVERED } from './calibration-keys';

// zod's own checks are said as the list's item ("Delivered resolutions (item 2) must not be empty", fieldErrors).
const names = z
  .array(z.string().trim().min(1).max(255).superRefine(visibleText('A resolution name')))
  .max(200, { error: 'At most 200 resolution names.' });

export const calibrationStatePayloadSchema = z.object({}).strict();
export const startCalibrationPayloadSchema = z.object({}).strict();
export const saveMappingPayloadSchema = z
  .object({
    delivered: names,
    abandoned: names,
    /**
     * The run whose proposal the admin confirmed from: another admin's mapping confirmed from it since (which
     * started a newer run) must be looked at first. Absent from an older page: not checked.
     */
    runId: z
      .string()
      .regex(/^[a-zA-Z0-9._-]{1,64}$/, { error: 'The page sent an unreadable calibration run: reload it.' })
      .optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    // As the calibration reads a resolution: "DONE" is the "Done" resolution.
    const abandoned = new Set(m.abandoned.map(resolutionKey));
    const both = m.delivered.filter((n) => abandoned.has(resolutionKey(n)));
    if (both.length)
      ctx.addIssue({
        code: 'custom',
        path: ['abandoned'],
        message: `A resolution cannot mean both delivered and not delivered: ${both.join(', ')}.`,
      });
  });
export type SaveMappingPayload = z.input<typeof saveMappingPayloadSchema>;

const idleDays = z
  .number({ error: 'The idle limit must be a number of days.' })
  .int({ error: 'The idle limit must be a whole number of days.' })
  .min(1, { error: 'The idle limit must be at least 1 day.' })
  .max(3650, { error: 'The idle limit must be at most 3650 days.' });

export const applyCalibrationPayloadSchema = z
  .object({
    /** The run whose proposal the admin looked at: a newer run's proposal must be looked at first. */
    runId: z.string().regex(/^[a-zA-Z0-9._-]{1,64}$/),
    idleDays,
    /**
     * Per-type limits to write; types not listed keep what they have. Names are trimmed; a blank one, or two that
     * differ only in case or the spaces around them, are refused (they would be one row of the settings).
     */
    byType: issueTypeRecord(idleDays, 'The per-type limits')
      .default({})
      .superRefine(refineIssueTypeKeys('Name the issue type this limit is for.'))
      .transform(trimIssueTypeKeys),
    /** The settings version the page shows (a versioned save, as Save settings). */
    version: versionSchema('page', 0),
  })
  .strict();
export type ApplyCalibrationPayload = z.input<typeof applyCalibrationPayloadSchema>;

export type CalibrationStatus = 'running' | 'finished' | 'failed';

/** What the last run holds: where it is, what it read, and (when finished) its proposal. */
export interface CalibrationState {
  runId: string;
  status: CalibrationStatus;
  requestedBy: string | null;
  startedAt: string;
  /** When a running run last said it was alive (each invocation's start and page); absent before the first. */
  heardAt?: string;
  finishedAt: string | null;
  /** The moment the history is replayed as of (the run's start). */
  asOf: string | null;
  /** The run that read the history this one replays (itself, unless it only recalculated). */
  historyRunId: string;
  progress: {
    pages: number;
    issuesRead: number;
    invocations: number;
    jiraCalls: number;
    /** Points of Jira's hourly quota spent (1 a call, 1 more per object a read returns). */
    points: number;
    rateLimited: number;
  };
  /** Every resolution name met in the history, sorted. */
  resolutionNames: string[];
  /** The mapping the replay used, and whether an admin confirmed it (else it is the proposal from names). */
  mapping: ResolutionMapping | null;
  mappingConfirmed: boolean;
  /** Names the mapping does not place: counted as neither. */
  unplaced: string[];
  result: ProjectCalibration | null;
  failure: string | null;
  /**
   * The issues read that are under a security level: the run reads as the app, so its counts tell of them, and
   * are shown only to a person who may see every one (src/services/calibration.ts). `keys` holds at most
   * MAX_SECURED_KEYS of them. Kept in storage, never sent to the page; absent from a run begun before they were
   * noted.
   */
  secured?: { count: number; keys: string[] };
}

/**
 * The last run as one person may read it. When it read an issue a security level may keep from this person
 * (`figuresWithheld` says so), its progress and result are null, and its resolution names, mapping and unplaced
 * names empty: every count tells how many issues there were, and the names what became of them.
 */
export type CalibrationStateView = Omit<CalibrationState, 'progress' | 'result' | 'secured'> & {
  progress: CalibrationState['progress'] | null;
  result: ProjectCalibration | null;
};

export interface CalibrationView {
  state: CalibrationStateView | null;
  /** Why the run's progress and result are not shown to this person; null when they are. */
  figuresWithheld: string | null;
  canEdit: boolean;
  readOnlyReason: string | null;
  /** The settings in force: their idle limits, shown beside the proposal. */
  current: { idleDays: number; byType: Record<string, number> };
  minDelivered: number;
}

export interface StartCalibrationAnswer {
  runId: string;
  alreadyRunning: boolean;
}
