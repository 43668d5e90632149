import type { DecisionEntry, VerdictEntry } from '../../../src/contract/project-page';

/** What a decision changed, in words, for the decision log's table. */
export function decidedText(e: DecisionEntry): string {
  const parts: string[] = [];
  if (e.relinkedTo) {
    const before = e.previousOutcome
      ? e.previousOutcome.name === null
        ? 'an outcome since deleted'
        : `"${e.previousOutcome.name}"`
      : 'no outcome';
    parts.push(`to "${e.relinkedTo.name}" (was ${before})`);
  }
  if (e.snoozeUntil) parts.push(`snoozed until ${e.snoozeUntil}`);
  const k = e.killCriteria;
  if (k?.deadline) parts.push(`kill date ${k.deadline}`);
  if (k?.maxIdleDays !== undefined) parts.push(`max ${k.maxIdleDays} idle days`);
  if (k?.maxSprintsCarried !== undefined) parts.push(`max ${k.maxSprintsCarried} sprints carried`);
  if (k?.metricThreshold) {
    const t = k.metricThreshold;
    parts.push(`${t.metric} ${t.comparison === 'atLeast' ? 'at least' : 'at most'} ${t.value} by ${t.by}`);
  }
  if (k?.condition) parts.push(`kill if "${k.condition.text}" (review ${k.condition.reviewDate})`);
  const reopenedTo = e.details.reopenedTo;
  if (e.kind === 'kill' && typeof reopenedTo === 'string')
    // The kill closed it, and someone reopened it before the kill was finished: the reopen stands.
    parts.push(`closed, then reopened to "${reopenedTo}" before the kill was finished; it stays open`);
  else if (e.kind === 'kill') {
    parts.push(e.transition ? `closed by "${e.transition}"` : 'was already closed');
    if (e.resolution) parts.push(`resolution "${e.resolution}"`);
  }
  return parts.join('; ');
}

/**
 * Who recorded a verdict, where and on which day: "Max Member, in the issue panel, 2026-11-30". An account Jira
 * does not name is said so, not shown as its id.
 */
export function recordedBy(v: VerdictEntry): string {
  const day = v.at.slice(0, 10);
  const who = v.byName ?? (v.by === 'app' ? 'Outcome Lens' : null);
  if (v.recordedIn === 'issue-panel')
    return who ? `${who}, in the issue panel, ${day}` : `In the issue panel, ${day}`;
  return `${who ?? 'Someone Jira does not name'}, ${day}`;
}
