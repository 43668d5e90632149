/** Kept apart from issue-lens.ts (which holds zod schemas) so the issue panel judges check-by dates without zod. */
import { yearsAfter } from './dates';
import type { ExpectedOutcome, IssueLensDraft } from './schemas';

/**
 * How far ahead a check-by date may be set and still make the bet time-bound. A bet is checked so that what it shows
 * can still steer the work: five years is past any roadmap a backlog serves, while a year typed wrong ("2062" for
 * "2026") lands beyond it. The save takes such a day (it refuses only a day that does not exist, or one already past
 * when set), so it is not refused: the hypothesis checks note it and the score gives it no credit, judged, like a
 * passed day, only when the owner sets the date.
 */
export const MAX_CHECK_BY_YEARS = 5;

/** What to say of a check-by date more than MAX_CHECK_BY_YEARS after `today`, or null when it is not. */
export function farCheckBy(checkBy: string | undefined, today: string | undefined): string | null {
  return checkBy && today && checkBy > yearsAfter(today, MAX_CHECK_BY_YEARS)
    ? `The check-by date ${checkBy} is more than ${MAX_CHECK_BY_YEARS} years away: choose a day within ${MAX_CHECK_BY_YEARS} years, while the result can still steer the work.`
    : null;
}

/**
 * The day before which a check-by date is refused: today, but only when the owner sets or changes the date.
 * A stored date that has come due since is what the check is for, and must not block other edits.
 */
export function checkByNotBefore(
  draft: Pick<IssueLensDraft, 'expected'>,
  stored: Pick<IssueLensDraft, 'expected'> | null,
  today: string,
): string | undefined {
  const checkBy = draft.expected.checkBy;
  return checkBy && checkBy !== stored?.expected.checkBy ? today : undefined;
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
 * The kill criteria's dates set or changed to a day already past, each with its draft path and what to say: such
 * a date would send the item to kill review at the next scan (a mistyped year). One stored as it is, and come due
 * since, is what the criteria are for and is not refused.
 */
export function passedKillDates(
  draft: Pick<IssueLensDraft, 'killCriteria'>,
  stored: Pick<IssueLensDraft, 'killCriteria'> | null,
  today: string,
): Array<{ path: string; message: string }> {
  const now = draft.killCriteria;
  const before = stored?.killCriteria;
  const dates: Array<{ path: string; label: string; day: string | undefined; was: string | undefined }> = [
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
  return dates
    .filter((d) => d.day !== undefined && d.day !== d.was && d.day < today)
    .map((d) => ({
      path: d.path,
      message: passedDayMessage(d.label, d.day!, today),
    }));
}
