import {
  calibrateProjects,
  proposeResolutionMapping,
  resolutionNamesOf,
  type HistoryIssue,
  type ProjectCalibration,
} from '../domain/calibration';
import { historyFromRestIssue } from '../domain/history';
import { DEFAULT_SETTINGS } from '../domain/settings';
import { whyFileUnreadable } from './files';
import { readIssueFile, type SkippedLine } from './issue-file';
import type { CliIo } from './main';

/**
 * `outcome-lens calibrate FILE`: replays the history a Jira REST export holds (issues with their changelogs),
 * as of the latest moment in the file, and prints one JSON line per project with the proposed idle limits and
 * what each candidate limit would have meant. Resolutions are mapped to delivered / not delivered from their
 * names; names it cannot place are reported on stderr and count as neither.
 */
export async function runCalibrate(file: string, io: CliIo): Promise<number> {
  const unreadable = whyFileUnreadable(file);
  if (unreadable) {
    io.stderr.write(`outcome-lens: cannot read ${file}: ${unreadable}.\n`);
    return 1;
  }
  const skipped: SkippedLine[] = [];
  const issues: HistoryIssue[] = [];
  try {
    for await (const item of readIssueFile(file, skipped)) {
      const history = historyFromRestIssue(item.value);
      if (history) issues.push(history);
      else skipped.push({ line: item.line, reason: 'not a Jira issue with a key and a creation date' });
    }
  } catch (error) {
    // The reader names the file, the cause and how far it got; part of a history would calibrate wrongly.
    const message = (error as Error).message;
    io.stderr.write(`outcome-lens: ${message}${/[.!?]$/.test(message) ? '' : '.'} Nothing was calibrated.\n`);
    return 1;
  }
  for (const s of skipped.sort((a, b) => a.line - b.line))
    io.stderr.write(`line ${s.line}: skipped, ${s.reason}.\n`);
  if (issues.length === 0) {
    io.stderr.write(`outcome-lens: no issue could be read from ${file}.\n`);
    return 1;
  }

  const asOf = new Date(latestMoment(issues));
  const { mapping, unknown } = proposeResolutionMapping(resolutionNamesOf(issues));
  io.stderr.write(
    `outcome-lens: ${issues.length} issues, as of ${asOf.toISOString()}. Delivered: ${mapping.delivered.join(', ') || 'none'}. ` +
      `Closed without delivery: ${mapping.abandoned.join(', ') || 'none'}.` +
      (unknown.length > 0 ? ` Not placed, counted as neither: ${unknown.join(', ')}.` : '') +
      '\n',
  );
  const results = calibrateProjects(issues, {
    asOf,
    mapping,
    currentIdleDays: DEFAULT_SETTINGS.zombie.defaults.maxIdleDays,
    exemptIssueTypes: [...DEFAULT_SETTINGS.exemptions.issueTypes],
  });
  for (const r of results) io.stdout.write(`${JSON.stringify(calibrationLine(r))}\n`);
  return 0;
}

/**
 * One project's line as the command prints it (README, "The `outcome-lens` command"): the proposal and, for each
 * candidate limit, what it flags today and what became of the past items beyond it. The app's proposal has more
 * (today's counts, medians); tests shape it with this to compare it with the command's output.
 */
export function calibrationLine(r: ProjectCalibration) {
  return {
    project: r.project,
    thresholds: r.thresholds,
    delivered: r.delivered,
    abandoned: r.abandoned,
    basis: r.basis,
    replay: r.replay.map((row) => ({
      idleDays: row.idleDays,
      flaggedShare: row.flaggedShare,
      laterAbandoned: row.laterAbandoned,
      laterDelivered: row.laterDelivered,
      stillOpen: row.stillOpen,
    })),
  };
}
export type CalibrationLine = ReturnType<typeof calibrationLine>;

/** The latest moment the file speaks of: the export's "now". */
function latestMoment(issues: readonly HistoryIssue[]): number {
  let latest = -Infinity;
  const see = (iso: string) => {
    const ms = Date.parse(iso);
    if (ms > latest) latest = ms;
  };
  for (const issue of issues) {
    see(issue.created);
    issue.activity.forEach(see);
    issue.resolutionChanges.forEach((c) => see(c.at));
  }
  return latest;
}
