import type { KillCriteria, OutcomeLink } from './schemas';
import { thresholdsFor, type Settings } from './settings';

/**
 * Zombie rules: an open item that lingers. Each fired rule says why, since when, and what would clear it.
 * A verdict never closes anything: it sends the item to the kill review forum.
 */

export type StatusCategory = 'new' | 'indeterminate' | 'done';

export interface IssueSnapshot {
  key: string;
  issueType: string;
  statusCategory: StatusCategory;
  /** ISO timestamps. */
  created: string;
  /** Last activity by a person (the app's own edits excluded); null when none since creation. */
  lastActivityAt: string | null;
  /** ISO timestamps at which the item was carried over from a closed sprint into another. */
  carryOvers: string[];
  link: OutcomeLink;
  killCriteria: KillCriteria;
  /** Latest measured value of the kill threshold's metric, when one was recorded. */
  thresholdMetricValue?: number | null;
  labels: string[];
  assignee: string | null;
  reporter: string | null;
  /** A Keep decision's snooze: no rule fires before this day (YYYY-MM-DD). */
  snoozedUntil?: string | null;
}

export const ZOMBIE_RULE_IDS = [
  'killDeadline',
  'killMetric',
  'killCondition',
  'idle',
  'carriedOver',
  'unlinkedOld',
] as const;
export type ZombieRuleId = (typeof ZOMBIE_RULE_IDS)[number];

export interface FiredRule {
  rule: ZombieRuleId;
  /** The day the rule started to hold (YYYY-MM-DD). */
  since: string;
  detail: string;
  clearBy: string;
}

export type Exemption = { kind: 'label' | 'issueType' | 'assignee' | 'reporter'; value: string };

export interface ZombieVerdict {
  isZombie: boolean;
  rules: FiredRule[];
  exemptedBy: Exemption | null;
  snoozedUntil: string | null;
}

const DAY_MS = 86_400_000;

export function evaluateZombie(snapshot: IssueSnapshot, settings: Settings, now: Date): ZombieVerdict {
  const quiet = (extra: Partial<ZombieVerdict> = {}): ZombieVerdict => ({
    isZombie: false,
    rules: [],
    exemptedBy: null,
    snoozedUntil: null,
    ...extra,
  });
  if (snapshot.statusCategory === 'done') return quiet();
  const exemptedBy = findExemption(snapshot, settings);
  if (exemptedBy) return quiet({ exemptedBy });
  const today = dayOf(now);
  if (snapshot.snoozedUntil && snapshot.snoozedUntil > today)
    return quiet({ snoozedUntil: snapshot.snoozedUntil });

  const rules = [
    killDeadline(snapshot.killCriteria, today),
    killMetric(snapshot.killCriteria, snapshot.thresholdMetricValue, today),
    killCondition(snapshot.killCriteria, today),
    idle(snapshot, settings, now),
    carriedOver(snapshot, settings),
    unlinkedOld(snapshot, settings, now),
  ].filter((rule): rule is FiredRule => rule !== null);
  return { isZombie: rules.length > 0, rules, exemptedBy: null, snoozedUntil: null };
}

function findExemption(s: IssueSnapshot, settings: Settings): Exemption | null {
  const ex = settings.exemptions;
  const sameText = (a: string) => (b: string) => a.toLowerCase() === b.toLowerCase();
  const label = s.labels.find((l) => ex.labels.some(sameText(l)));
  if (label) return { kind: 'label', value: label };
  if (ex.issueTypes.some(sameText(s.issueType))) return { kind: 'issueType', value: s.issueType };
  if (s.assignee && ex.assignees.includes(s.assignee)) return { kind: 'assignee', value: s.assignee };
  if (s.reporter && ex.reporters.includes(s.reporter)) return { kind: 'reporter', value: s.reporter };
  return null;
}

function killDeadline(k: KillCriteria, today: string): FiredRule | null {
  if (!k.deadline || today <= k.deadline) return null;
  return {
    rule: 'killDeadline',
    since: k.deadline,
    detail: `The kill date ${k.deadline} has passed.`,
    clearBy: 'Decide in kill review: kill it, or keep it with a new kill date.',
  };
}

function killMetric(k: KillCriteria, measured: number | null | undefined, today: string): FiredRule | null {
  const t = k.metricThreshold;
  if (!t || today <= t.by) return null;
  const reached =
    measured != null && (t.comparison === 'atLeast' ? measured >= t.value : measured <= t.value);
  if (reached) return null;
  const goal = `${t.metric} ${t.comparison === 'atLeast' ? 'at least' : 'at most'} ${t.value}`;
  return {
    rule: 'killMetric',
    since: t.by,
    detail:
      measured == null
        ? `No measurement of ${t.metric} was recorded by ${t.by} (needed ${goal}).`
        : `${t.metric} was ${measured} on ${t.by}, short of ${goal}.`,
    clearBy: `Record a measurement that reaches ${goal}, or decide in kill review.`,
  };
}

function killCondition(k: KillCriteria, today: string): FiredRule | null {
  const c = k.condition;
  if (!c || today < c.reviewDate) return null;
  return {
    rule: 'killCondition',
    since: c.reviewDate,
    detail: `Review date ${c.reviewDate} reached for the condition: "${c.text}".`,
    clearBy: 'Check the condition in kill review: kill it, or keep it with a new review date.',
  };
}

function idle(s: IssueSnapshot, settings: Settings, now: Date): FiredRule | null {
  const own = s.killCriteria.maxIdleDays;
  const limit = own ?? thresholdsFor(settings, s.issueType).maxIdleDays;
  const lastActivity = s.lastActivityAt ?? s.created;
  const start = Date.parse(lastActivity);
  if (Number.isNaN(start)) return null;
  const idleDays = Math.floor((now.getTime() - start) / DAY_MS);
  if (idleDays <= limit) return null;
  const source = own !== undefined ? 'its kill criteria' : `the project setting for ${s.issueType}`;
  return {
    rule: 'idle',
    since: dayOf(new Date(start + limit * DAY_MS)),
    detail: `No activity by a person for ${idleDays} days (limit ${limit}, from ${source}).`,
    clearBy: 'Any real activity clears it: a comment, an edit or a transition by a person.',
  };
}

function carriedOver(s: IssueSnapshot, settings: Settings): FiredRule | null {
  const own = s.killCriteria.maxSprintsCarried;
  const limit = own ?? thresholdsFor(settings, s.issueType).maxSprintsCarried;
  if (s.carryOvers.length <= limit) return null;
  // By instant, not by text: Jira writes offsets ("…+1100"), so string order is not time order.
  const ordered = s.carryOvers
    .filter((t) => !Number.isNaN(Date.parse(t)))
    .sort((a, b) => Date.parse(a) - Date.parse(b));
  const firedAt = ordered[limit] ?? ordered[ordered.length - 1] ?? s.created;
  const source = own !== undefined ? 'its kill criteria' : `the project setting for ${s.issueType}`;
  return {
    rule: 'carriedOver',
    since: dayOf(new Date(firedAt)),
    detail: `Carried over ${s.carryOvers.length} sprints (limit ${limit}, from ${source}).`,
    clearBy: 'Finish it, or decide in kill review (keep it with a new sprint limit).',
  };
}

function unlinkedOld(s: IssueSnapshot, settings: Settings, now: Date): FiredRule | null {
  if (s.link.kind !== 'none') return null;
  const limit = thresholdsFor(settings, s.issueType).unlinkedMaxAgeDays;
  const created = Date.parse(s.created);
  if (Number.isNaN(created)) return null;
  const ageDays = Math.floor((now.getTime() - created) / DAY_MS);
  if (ageDays <= limit) return null;
  return {
    rule: 'unlinkedOld',
    since: dayOf(new Date(created + limit * DAY_MS)),
    detail: `Open for ${ageDays} days and serves no outcome (limit ${limit}).`,
    clearBy: 'Link it, or its epic, to the outcome it is meant to move.',
  };
}

/** The UTC calendar day of a moment, YYYY-MM-DD. */
export function dayOf(moment: Date): string {
  return Number.isNaN(moment.getTime()) ? '0000-00-00' : moment.toISOString().slice(0, 10);
}
