/**
 * The unlinked-age rule waits until outcome links are in use: at least this share of the project's open items
 * linked (directly or through an epic). On a site where nobody links yet, "serves no outcome" fires on nearly
 * everything and says nothing about any one item; once a fifth of the backlog is linked, linking is a practice
 * the team follows and an unlinked old item stands out from it.
 *
 * Apart from zombie.ts (which reads the settings and their zod schema) so the settings page can say it.
 */
export const LINKS_IN_USE_SHARE = 0.2;
