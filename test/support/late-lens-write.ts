/** The issue lens's property write, as the emulator's faults match it, and the fault of a write Jira lands late. */
import { ISSUE_PROPERTY_KEY } from '../../src/domain/issue-lens';
import type { WorkbenchApp } from '../../workbench/app';
import type { FaultMatch } from '../../workbench/jira/faults';

export const LENS_WRITE = { method: 'PUT', pathIncludes: `/properties/${ISSUE_PROPERTY_KEY}` };

/**
 * Jira's gateway answers the next lens write (or the next one `match` names) 504 while Jira goes on:
 * `app.jira.landBackgroundTasks()` lands it.
 */
export function nextLensWriteLandsLate(app: WorkbenchApp, match: FaultMatch = LENS_WRITE): void {
  app.jira.faults.inject({ kind: 'server-error', status: 504, applied: 'later', times: 1, match });
}
