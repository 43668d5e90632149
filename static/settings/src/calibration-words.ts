/**
 * The calibration's counts in words, each noun as its count wants it ("1 issue", "2 issues"). Pure: the settings
 * page and its unit tests share it.
 */
import type { CalibrationStateView } from '../../../src/contract/calibration';

/** A count with its noun: "0 issues", "1 issue", "2 issues". */
export function counted(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** How far a running calibration has got. */
export function progressWords(progress: CalibrationStateView['progress']): string {
  if (!progress) return "Reading the project's history.";
  if (progress.invocations === 0) return 'Queued: starting shortly.';
  const paused = progress.rateLimited
    ? `, paused ${counted(progress.rateLimited, 'time')} for Jira's rate limit`
    : '';
  return `Read ${counted(progress.issuesRead, 'issue')} so far (${counted(progress.jiraCalls, 'Jira call')}${paused}).`;
}
