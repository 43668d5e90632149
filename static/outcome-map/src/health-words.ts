/**
 * Backlog health's sentences: how a figure moved since the last scan, the scores' mean and median, and where the
 * list of every recipe stands beside the count above it. Numbers with the person's decimal mark ("29,8").
 */
import { amountText, type DecimalMark } from '../../../src/domain/amounts';

/**
 * How one figure moved since the last scan: "+3,5 percentage points since the last scan", "no change since the
 * last scan", or, when the one scan so far counted the figures, that there is nothing earlier to compare with.
 * Null when there is no change to say.
 */
export function movementText(
  change: number | null | undefined,
  o: { unit?: string; firstScan?: boolean; mark?: DecimalMark } = {},
): string | null {
  if (change === null || change === undefined) return null;
  if (o.firstScan) return 'no earlier scan to compare with yet';
  const amount = Math.round(change * 10) / 10;
  if (amount === 0) return 'no change since the last scan';
  const size = amountText(Math.abs(amount), null, o.mark);
  return `${amount > 0 ? '+' : '−'}${size}${o.unit ? ` ${o.unit}` : ''} since the last scan`;
}

/** "Mean 29,8, median 11." for a decimal comma; a dash for a figure there is none of. */
export function scoresText(mean: number | null, median: number | null, mark: DecimalMark = '.'): string {
  const figure = (n: number | null) => (n === null ? '–' : amountText(n, null, mark));
  return `Mean ${figure(mean)}, median ${figure(median)}.`;
}

/** How many open items the backlog health report reads at most when it counts live (no scan yet). */
export const LIVE_COUNT_LIMIT = 1000;

/**
 * Where the list of every recipe stands, beside the recipe count of the figures above. The list is read from
 * Jira now, over the whole open backlog; the count is the last scan's (`asOf`), or, before any scan, one made
 * now for the page, over the first 1,000 open items when the backlog is larger (`truncated`).
 */
export function recipesStatus(o: {
  /** The recipe count of the figures above. */
  count: number;
  /** Recipes listed so far. */
  listed: number;
  started: boolean;
  /** The whole open backlog has been read. */
  done: boolean;
  /** When the scan that counted the figures finished; null when they were counted now. */
  asOf: string | null;
  truncated: boolean;
  /**
   * The list shown was read before the figures were counted again (a scan or a dry run ended while it was
   * open), and is being read again from Jira.
   */
  refreshing?: boolean;
}): string {
  const { count, listed } = o;
  const recipes = (n: number) => `${n} ${n === 1 ? 'recipe' : 'recipes'}`;
  if (o.started && o.refreshing)
    return `${recipes(listed)} listed before the figures were counted again: reading the list again from Jira…`;
  // What the figures above counted, and when: said whenever the list cannot be read as "n of count".
  const counted =
    o.asOf !== null
      ? `The figures above are from the last scan, which counted ${count}`
      : o.truncated
        ? `The figures above were counted now over the first ${LIVE_COUNT_LIMIT.toLocaleString('en-US')} open items and found ${recipes(count)}`
        : `The figures above were counted now, as the page loaded, and found ${recipes(count)}`;
  if (!o.started)
    return count > 0 || (o.asOf === null && !o.truncated)
      ? `${recipes(count)}.`
      : `${counted}: list them to see what Jira holds now.`;
  if (o.asOf === null && o.truncated)
    // The count covers only part of what the list reads: "1,200 of 666" would say nothing true.
    return `${recipes(listed)} listed${o.done ? ', read from Jira now' : ' so far, read from Jira'} over the whole open backlog. ${counted}.`;
  if (listed > count || (o.done && listed !== count))
    // The list is read from Jira now; the count was made before: say so rather than "27 of 26".
    return `${recipes(listed)} listed${o.done ? ', read from Jira now' : ' so far'}. ${counted}: the backlog has changed since.`;
  return `${listed} of ${count} recipes listed${o.done ? '.' : ' so far.'}`;
}
