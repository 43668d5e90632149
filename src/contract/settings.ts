/**
 * The project settings page's contract: resolver keys, payload schemas and answer types, shared by
 * src/resolvers/settings.ts and static/settings (which imports only types from here and its keys from
 * settings-keys.ts, so its bundle carries no zod). Only zod and pure domain modules.
 */
import * as z from 'zod';
import { versionSchema } from './version';
import { settingsSaveProblems, settingsSchema, weightsTotalError, type Settings } from '../domain/settings';
import { visibleText } from '../domain/schemas';

export { FLAGGED_JQL, SETTINGS_RESOLVERS, type SettingsResolverKey } from './settings-keys';

/** 0 when nothing was ever stored for the project. */
const settingsVersion = versionSchema('page', 0);

export const loadSettingsPayloadSchema = z.object({}).strict();
/** The whole settings object is sent: what is saved is exactly what the admin saw. */
export const saveSettingsPayloadSchema = z
  .object({
    version: settingsVersion,
    // A new save must split 100 points, and hold only exempt labels Jira can hold; stored settings from before
    // these rules still load (weights rescale, a label is shown to be mended).
    settings: settingsSchema.superRefine((s, ctx) => {
      const error = weightsTotalError(s.weights);
      if (error) ctx.addIssue({ code: 'custom', path: ['weights'], message: error });
      for (const problem of settingsSaveProblems(s))
        ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
    }),
  })
  .strict();
export type SaveSettingsPayload = z.input<typeof saveSettingsPayloadSchema>;
export const resetSettingsPayloadSchema = z.object({ version: settingsVersion }).strict();

export interface SettingsData {
  /** What JQL finds this project's flagged items with (the flag's issue property, FLAGGED_JQL). */
  flaggedJql: string;
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
  /**
   * Null when the lists above were read from Jira. Otherwise what could not be read and why, in words for the
   * page: the lists it leaves empty (or the transitions alone) are then unknown, not a project without open work.
   */
  hintsProblem: string | null;
  /**
   * What of the settings as stored a save would refuse (an exempt label Jira cannot hold, stored before such
   * labels were refused), by field, keyed as a refused save's fields ("settings.exemptions.labels"): the page
   * shows each at its field, so it is mended. Empty when there is nothing to mend.
   */
  storedProblems: Record<string, string>;
}

// ---- measurement tokens -------------------------------------------------------------------------------------

const tokenIdSchema = z
  .string({ error: 'Not a token id: reload the list.' })
  .regex(/^[a-f0-9]{12}$/, { error: 'Not a token id: reload the list.' });
export const listTokensPayloadSchema = z.object({}).strict();
export const createTokenPayloadSchema = z
  .object({
    name: z
      .string({ error: 'Name the token.' })
      .trim()
      .min(1, { error: 'Name the token, e.g. "nightly CI".' })
      .max(60, { error: 'At most 60 characters.' })
      .superRefine(visibleText('The name')),
    /**
     * Made once per name the page sends: the same create sent again after its answer was lost gives the token it
     * made a new secret (the first one was never seen) instead of making a second token.
     */
    requestId: z
      .string()
      .regex(/^[A-Za-z0-9-]{8,100}$/, { error: 'The page sent an unreadable request id: reload it.' })
      .optional(),
  })
  .strict();
export const tokenIdPayloadSchema = z.object({ id: tokenIdSchema }).strict();

/** A token as the settings page lists it: never its secret nor the secret's hash. */
export interface TokenSummary {
  id: string;
  name: string;
  /** The secret's first characters, to tell tokens apart. */
  hint: string;
  createdAt: string;
  createdBy: string;
  rotatedAt: string | null;
  revokedAt: string | null;
}

export interface TokensData {
  tokens: TokenSummary[];
  /** The web trigger's URL on this site; null when it could not be read. */
  url: string | null;
  /** Requests per minute one token may make. */
  rateLimitPerMinute: number;
}

/** A new or rotated token: `token` is shown once and never again. */
export interface NewTokenData {
  token: string;
  summary: TokenSummary;
}
