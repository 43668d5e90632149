/**
 * The settings page's resolver keys and the plain values it shows, with no zod: the page imports these (its
 * bundle leaves zod out and leaves validation to the resolvers); settings.ts re-exports them beside the schemas.
 */
export const SETTINGS_RESOLVERS = {
  load: 'load',
  save: 'save',
  /** Back to the defaults (a versioned write like save). */
  reset: 'reset',
  /** Measurement tokens of the project (administrators only): list, make, rotate, revoke, delete. */
  listTokens: 'listTokens',
  createToken: 'createToken',
  rotateToken: 'rotateToken',
  revokeToken: 'revokeToken',
  deleteToken: 'deleteToken',
} as const;
export type SettingsResolverKey = (typeof SETTINGS_RESOLVERS)[keyof typeof SETTINGS_RESOLVERS];

/**
 * The JQL clause that finds the issues the scan flagged, as the settings page shows it to admins and the kill
 * review searches it. `zombie` is an alias manifest.yml indexes; `true` is a reserved word in JQL, so the flag,
 * stored as a string, is searched as one.
 */
export const FLAGGED_JQL = 'zombie = "true"';

/**
 * The refusal of a save or reset made on an older version than the stored one; it carries the newer version's
 * write (`lastWrite`, with `byYou` when the person refused made it). The page says it in its own words (which name
 * its Load the latest button); any other conflict (a version ahead of the stored one, an earlier save still being
 * written) it shows as the resolver says it.
 */
export const SETTINGS_STALE_MESSAGE =
  'Someone else saved these settings meanwhile. Reload them, then apply your change again.';
export const SETTINGS_STALE_OWN_MESSAGE =
  'You saved these settings in another tab or window meanwhile. Reload them, then apply your change again.';
