/**
 * The issue panel's resolver keys, with no zod: the panel imports these (its bundle leaves zod out);
 * issue-panel.ts re-exports them beside the payload schemas.
 */
export const ISSUE_PANEL_RESOLVERS = {
  /** Everything the panel shows, in one round trip. */
  load: 'load',
  /** Saves the draft on top of `version`; refuses a stale version. */
  save: 'save',
  /** Writes the saved hypothesis into the Jira description, as the user: replacing it or on top of it. */
  describe: 'describe',
  /** Reads a pasted story for the fields it fills, and says whether it reads as a recipe. */
  readStory: 'readStory',
} as const;
export type IssuePanelResolverKey = (typeof ISSUE_PANEL_RESOLVERS)[keyof typeof ISSUE_PANEL_RESOLVERS];

/**
 * The JQL that finds the issues read as recipes (the lens's `recipe` property, indexed under that alias in
 * manifest.yml); the panel names it. Quoted: `true` is one of JQL's reserved words, and Jira refuses it bare.
 */
export const RECIPE_JQL = 'recipe = "true"';
