/** Kept apart from issue-lens.ts (which holds zod schemas) so the issue panel judges check-by dates without zod. */
import type { ExpectedOutcome, IssueLensDraft } from './schemas';

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

/** What to say of a check-by date before `notBefore`, or null when it is not. */
export function passedCheckBy(checkBy: string | undefined, notBefore: string | undefined): string | null {
  return checkBy && notBefore && checkBy < notBefore
    ? `Check by ${checkBy} has already passed: choose a day from ${notBefore} on.`
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
      message: `${d.label} ${d.day} has already passed: choose a day from ${today} on.`,
    }));
}
