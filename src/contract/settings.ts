/**
 * The project settings page's contract: resolver keys, payload schemas and answer types, shared by
 * src/resolvers/settings.ts and static/settings. Only zod and pure domain modules.
 */
import * as z from 'zod';
import { settingsSchema, weightsTotalError, type Settings } from '../domain/settings';

export const SETTINGS_RESOLVERS = {
  load: 'load',
  save: 'save',
  /** Back to the defaults (a versioned write like save). */
  reset: 'reset',
} as const;
export type SettingsResolverKey = (typeof SETTINGS_RESOLVERS)[keyof typeof SETTINGS_RESOLVERS];

/**
 * The JQL clause that finds the issues the scan flagged, as the settings page shows it to admins and the kill
 * review searches it. `zombie` is an alias manifest.yml indexes; `true` is a reserved word in JQL, so the flag,
 * stored as a string, is searched as one.
 */
export const FLAGGED_JQL = 'zombie = "true"';

/** 0 when nothing was ever stored for the project. */
const versionSchema = z
  .number({ error: 'The page sent no version: reload it and try again.' })
  .int({ error: 'The page sent an unreadable version: reload it and try again.' })
  .min(0, { error: 'The page sent an unreadable version: reload it and try again.' });

export const loadSettingsPayloadSchema = z.object({}).strict();
/** The whole settings object is sent: what is saved is exactly what the admin saw. */
export const saveSettingsPayloadSchema = z
  .object({
    version: versionSchema,
    // A new save must split 100 points; stored settings from before this rule still load (and rescale).
    settings: settingsSchema.superRefine((s, ctx) => {
      const error = weightsTotalError(s.weights);
      if (error) ctx.addIssue({ code: 'custom', path: ['weights'], message: error });
    }),
  })
  .strict();
export type SaveSettingsPayload = z.input<typeof saveSettingsPayloadSchema>;
export const resetSettingsPayloadSchema = z.object({ version: versionSchema }).strict();

export interface SettingsData {
  settings: Settings;
  defaults: Settings;
  version: number;
  updatedAt: string | null;
  updatedBy: string | null;
  canEdit: boolean;
  readOnlyReason: string | null;
  /**
   * Names of transitions into a done status found in this project's workflow, as seen from one open issue
   * (killTransitionsFrom); other issue types may use other workflows. Empty when the project has no open work.
   */
  killTransitions: string[];
  killTransitionsFrom: string | null;
  /** Issue types in use in the project's open work (a sample), as suggestions for per-type thresholds. */
  issueTypes: string[];
}

export const STALE_SETTINGS_MESSAGE =
  'Someone else saved these settings while you were editing. Your changes are kept here: reload to see theirs, then save again.';
