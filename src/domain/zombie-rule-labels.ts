import type { ZombieRuleId } from './zombie';

/**
 * The zombie rules as people name them. The ids stay in the JSON export and the issue property (tools and JQL
 * read those); every screen shows these names instead of the ids.
 */
export const ZOMBIE_RULE_LABELS: Readonly<Record<ZombieRuleId, string>> = {
  killDeadline: 'Kill date passed',
  killMetric: 'Metric threshold missed',
  killCondition: 'Kill condition due for review',
  idle: 'Idle too long',
  carriedOver: 'Carried over too many sprints',
  unlinkedOld: 'Old and serves no outcome',
};

/** A rule's name; an id this build does not know (a newer backend) is shown as it is rather than hidden. */
export function ruleLabel(rule: string): string {
  return (ZOMBIE_RULE_LABELS as Record<string, string | undefined>)[rule] ?? rule;
}
