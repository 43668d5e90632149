import { farDayMessage, MAX_YEARS_AHEAD, passedDayMessage } from './check-by';
import { yearsAfter } from './dates';

/**
 * What to say of a due date a person sets or changes (`dueDate`, the outcome's stored date `stored`, none for a new
 * outcome), or null when it is fine. A day already past, or further ahead than MAX_YEARS_AHEAD, is a typo as set:
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
  const latest = yearsAfter(latestToday, MAX_YEARS_AHEAD);
  return dueDate > latest ? farDayMessage('Due date', dueDate, latest) : null;
}
