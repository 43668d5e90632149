/** Kept apart from issue-lens.ts (which holds zod schemas) so the issue panel judges check-by dates without zod. */
import { yearsAfter } from './dates';
import type { ExpectedOutcome, IssueLensDraft } from './schemas';

/**
 * How far ahead a check-by date may be set and still make the bet time-bound. A bet is checked so that what it shows
 * can still steer the work: five years is past any roadmap a backlog serves, while a year typed wrong ("2062" for
 * "2026") lands beyond it. The hypothesis checks note such a day as the owner types it, and the save refuses it when
 * it sets the date, from the same day the score judges it from (checkByNotBefore): one taken would score as far
 * when saved but not once stored, since a stored date is not judged.
 */
export const MAX_CHECK_BY_YEARS = 5;

/** What to say of a check-by date more than MAX_CHECK_BY_YEARS after `today`, or null when it is not. */
export function farCheckBy(checkBy: string | undefined, today: string | undefined): string | null {
  return checkBy && today && checkBy > yearsAfter(today, MAX_CHECK_BY_YEARS)
    ? `The check-by date ${checkBy} is more than ${MAX_CHECK_BY_YEARS} years away: choose a day within ${MAX_CHECK_BY_YEARS} years, while the result can still steer the work.`
    : null;
}

/**
 * The day before which a check-by date is refused: today, but only when the owner sets or changes the bet (its
 * date, metric, numbers or direction). A stored bet whose date has come due since is what the check is for, and
 * must not block other edits; a bet rewritten under an old date is a new bet, due before it was made.
 */
export function checkByNotBefore(
  draft: Pick<IssueLensDraft, 'expected'>,
  stored: Pick<IssueLensDraft, 'expected'> | null,
  today: string,
): string | undefined {
  const [now, was] = [draft.expected, stored?.expected];
  const same =
    was !== undefined &&
    now.checkBy === was.checkBy &&
    (now.metric ?? '').trim() === (was.metric ?? '').trim() &&
    now.baseline === was.baseline &&
    now.target === was.target &&
    now.direction === was.direction;
  return now.checkBy && !same ? today : undefined;
}

/**
 * The day before which a further expectation's check-by date is refused: today for one the owner adds or changes,
 * none for one stored as it is (its date may have come due since, which is what the check is for).
 */
export function alsoCheckByNotBefore(
  expectation: ExpectedOutcome,
  stored: Pick<IssueLensDraft, 'alsoExpected'> | null,
  today: string,
): string | undefined {
  if (!expectation.checkBy) return undefined;
  const same = JSON.stringify(expectation);
  return (stored?.alsoExpected ?? []).some((e) => JSON.stringify(e) === same) ? undefined : today;
}

/** What to say of a day a person set (`label` names the field) that is before `from`, the first day allowed. */
export function passedDayMessage(label: string, day: string, from: string): string {
  return `${label} ${day} has already passed: choose a day from ${from} on.`;
}

/** What to say of a check-by date before `notBefore`, or null when it is not. */
export function passedCheckBy(checkBy: string | undefined, notBefore: string | undefined): string | null {
  return checkBy && notBefore && checkBy < notBefore
    ? passedDayMessage('Check by', checkBy, notBefore)
    : null;
}

/**
 * How far ahead a day the app acts on may be set (an outcome's due date, a kill date, a snooze): ten years covers
 * any plan a backlog serves, while a year typed wrong ("2207" for "2027") lies beyond it, where the day would
 * never come and the item would quietly leave review.
 */
export const MAX_YEARS_AHEAD = 10;

/** What to say of a day a person set (`label` names the field) after `latest`, the last day allowed. */
export function farDayMessage(label: string, day: string, latest: string): string {
  return `${label} ${day} is more than ${MAX_YEARS_AHEAD} years away: choose a day up to ${latest} (check the year).`;
}

/** The kill criteria's dates, each with its draft path, its label and the day stored before (if any). */
function killDates(
  draft: Pick<IssueLensDraft, 'killCriteria'>,
  stored: Pick<IssueLensDraft, 'killCriteria'> | null,
): Array<{ path: string; label: string; day: string; was: string | undefined }> {
  const now = draft.killCriteria;
  const before = stored?.killCriteria;
  const dates = [
    { path: 'killCriteria.deadline', label: 'Kill date', day: now.deadline, was: before?.deadline },
    {
      path: 'killCriteria.metricThreshold.by',
      label: 'Threshold date',
      day: now.metricThreshold?.by,
      was: before?.metricThreshold?.by,
    },
    {
      path: 'killCriteria.condition.reviewDate',
      label: 'Review date',
      day: now.condition?.reviewDate,
      was: before?.condition?.reviewDate,
    },
  ];
  // A date stored as it is was judged when it was set: one come due since is what the criteria are for.
  return dates.filter((d): d is typeof d & { day: string } => d.day !== undefined && d.day !== d.was);
}

/**
 * The kill criteria's dates set or changed to a day already past, each with its draft path and what to say: such
 * a date would send the item to kill review at the next scan (a mistyped year).
 */
export function passedKillDates(
  draft: Pick<IssueLensDraft, 'killCriteria'>,
  stored: Pick<IssueLensDraft, 'killCriteria'> | null,
  today: string,
): Array<{ path: string; message: string }> {
  return killDates(draft, stored)
    .filter((d) => d.day < today)
    .map((d) => ({ path: d.path, message: passedDayMessage(d.label, d.day, today) }));
}

/**
 * The kill criteria's dates set or changed to a day more than MAX_YEARS_AHEAD after `latestToday` (the latest day it
 * is anywhere now), each with its draft path and what to say: the criteria would never be met.
 */
export function farKillDates(
  draft: Pick<IssueLensDraft, 'killCriteria'>,
  stored: Pick<IssueLensDraft, 'killCriteria'> | null,
  latestToday: string,
): Array<{ path: string; message: string }> {
  const latest = yearsAfter(latestToday, MAX_YEARS_AHEAD);
  return killDates(draft, stored)
    .filter((d) => d.day > latest)
    .map((d) => ({ path: d.path, message: farDayMessage(d.label, d.day, latest) }));
}
