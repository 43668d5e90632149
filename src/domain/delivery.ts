/**
 * What closing an item says about its delivery, shared by bet tracking and the shipped ledger (src/scan/bets.ts,
 * src/scan/shipped.ts) so the two never disagree about which items were delivered, and when.
 */
import { proposeResolutionMapping } from './calibration';
import { jiraDateTimeDay } from './dates';

/**
 * Closed without delivery: by the kill review's resolution, or one that reads as abandoned (Won't Do,
 * Duplicate…, as calibration reads resolution names).
 */
export function closedWithoutDelivery(
  resolution: string | null | undefined,
  killResolutionName: string,
): boolean {
  if (!resolution) return false;
  return (
    resolution.toLowerCase() === killResolutionName.toLowerCase() ||
    proposeResolutionMapping([resolution]).mapping.abandoned.length > 0
  );
}

/**
 * Delivered: done, and not closed without delivery. Only delivered work has a result to judge: a verdict on an
 * open item, or one closed as abandoned, would count as a bet that paid off (or not) before it was made.
 */
export function isDelivered(
  statusCategory: string,
  resolution: string | null | undefined,
  killResolutionName: string,
): boolean {
  return statusCategory === 'done' && !closedWithoutDelivery(resolution, killResolutionName);
}

/** Why a verdict cannot be recorded on an item not delivered, in words a person can act on. */
export function notDeliveredReason(
  issueKey: string,
  statusCategory: string,
  resolution: string | null,
): string {
  return statusCategory === 'done'
    ? `${issueKey} was closed without being delivered (${resolution ?? 'no resolution'}): there is no result to judge.`
    : `${issueKey} is not delivered yet: record a result once it is done and its effect can be measured.`;
}

/**
 * The day a closed item was delivered: Jira's `resolutiondate`; else, where a site (or the workbench's emulator)
 * gives none, `updated`, the last change of a closed item, which is on or after its delivery. The day as Jira
 * writes it (jiraDateTimeDay): in the app's account's zone, the site's default, so that an item resolved at 09:30
 * on 1 December in Auckland counts in December, as `resolved >= startOfMonth()` does; the UTC day when the date
 * carries no offset or "Z". Null when neither is a date.
 */
export function resolvedOn(fields: { resolutiondate?: unknown; updated?: unknown }): string | null {
  for (const raw of [fields.resolutiondate, fields.updated]) {
    const day = typeof raw === 'string' ? jiraDateTimeDay(raw) : null;
    if (day) return day;
  }
  return null;
}
