import { passedDayMessage } from './check-by';
import { yearsAfter } from './dates';

/**
 * How far ahead an outcome may fall due. An outcome is a movement the squad means to see while the backlog still
 * serves it: ten years covers any strategy a product states, while a year typed wrong ("2207" for "2027") lies
 * beyond it.
 */
export const MAX_DUE_YEARS = 10;

/**
 * What to say of a due date a person sets or changes (`dueDate`, the outcome's stored date `stored`, none for a new
 * outcome), or null when it is fine. A day already past, or further ahead than MAX_DUE_YEARS, is a typo as set:
 * the map would show the outcome overdue, or due never. A stored date that has come due since is what the map is
 * for, so an edit that keeps it is not refused. `today` is the day it is; where that depends on where the person
 * is (the server), the earliest such day judges what has passed and the latest (`latestToday`) what is too far.
 */
export function dueDateProblem(
  dueDate: string,
  stored: string | undefined,
  today: string,
  latestToday: string = today,
): string | null {
  if (dueDate === stored) return null;
  if (dueDate < today) return passedDayMessage('Due date', dueDate, today);
  const latest = yearsAfter(latestToday, MAX_DUE_YEARS);
  if (dueDate > latest)
    return `Due date ${dueDate} is more than ${MAX_DUE_YEARS} years away: choose a day up to ${latest} (check the year).`;
  return null;
}
