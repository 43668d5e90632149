/** Kept apart from issue-lens.ts (which holds zod schemas) so the issue panel judges check-by dates without zod. */
import type { IssueLensDraft } from './schemas';

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
