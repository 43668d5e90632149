import type { KillCriteria, OutcomeLink } from './schemas';
import { humaneDays } from './dates';
import { thresholdsFor, type Settings } from './settings';
import { LINKS_IN_USE_SHARE } from './links-in-use';
import { killMetricClearBy, killMetricDetail, type KillMetricFigures } from './zombie-rule-detail';

export { LINKS_IN_USE_SHARE } from './links-in-use';

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
  /**
   * When the squad last kept the item in kill review (ISO). What they reviewed then stays decided: idleness and
   * age count from it, only later carry-overs count, and a kill date or review day passed before it fires no more.
   */
  keptAt?: string | null;
  /**
   * The kill dates that Keep saw come due (keptDuesOf). Only those stay decided: a date set at the Keep or after
   * it fires when it comes, whatever the day. Absent for a Keep recorded before this was noted.
   */
  keptSaw?: KeptSaw | null;
}

/** Of each kill rule, the day (its `since`) a Keep saw come due. */
export type KeptSaw = Partial<Record<'killDeadline' | 'killMetric' | 'killCondition', string>>;

/**
 * The kill dates of `k`, the criteria as they stood before a Keep at `keptAt`, that had come due by then: a kill
 * date or threshold day before the Keep's day, a review day on or before it (the day it fires).
 */
export function keptDuesOf(k: KillCriteria, keptAt: Date): KeptSaw {
  const keptDay = dayOf(keptAt);
  const saw: KeptSaw = {};
  if (!keptDay) return saw;
  if (k.deadline && k.deadline < keptDay) saw.killDeadline = k.deadline;
  if (k.metricThreshold && k.metricThreshold.by < keptDay) saw.killMetric = k.metricThreshold.by;
  if (k.condition?.reviewDate && k.condition.reviewDate <= keptDay)
    saw.killCondition = k.condition.reviewDate;
  return saw;
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
  /** The idle rule only: the percentage of the project's open items less idle, when the scan knew it. */
  moreIdleThan?: number;
  /** The killMetric rule only: what it compared, for a page to write the detail in its reader's decimal mark. */
  figures?: KillMetricFigures;
}

export type Exemption = { kind: 'label' | 'issueType' | 'assignee' | 'reporter'; value: string };

export interface ZombieVerdict {
  isZombie: boolean;
  rules: FiredRule[];
  exemptedBy: Exemption | null;
  snoozedUntil: string | null;
}

const DAY_MS = 86_400_000;

/** Where the project's open backlog stands, as the scan last measured it. */
export interface BacklogStanding {
  /** Share (0-1) of open items linked to an outcome; null when not measured yet. */
  linkedShare: number | null;
  /** Idle days of the open items at the 0th, 1st, … 100th percentile (101 values); null when not measured. */
  idleQuantiles: readonly number[] | null;
}

export const UNKNOWN_STANDING: BacklogStanding = { linkedShare: null, idleQuantiles: null };

export function evaluateZombie(
  snapshot: IssueSnapshot,
  settings: Settings,
  now: Date,
  standing: BacklogStanding = UNKNOWN_STANDING,
): ZombieVerdict {
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

  const keptDay = keptDayOf(snapshot);
  const rules = [
    killDeadline(snapshot.killCriteria, today),
    killMetric(snapshot.killCriteria, snapshot.thresholdMetricValue, today),
    killCondition(snapshot.killCriteria, today),
    idle(snapshot, settings, now, standing),
    carriedOver(snapshot, settings),
    unlinkedOld(snapshot, settings, now, standing),
  ].filter((rule): rule is FiredRule => rule !== null && !decidedAtKeep(rule, keptDay, snapshot.keptSaw));
  return { isZombie: rules.length > 0, rules, exemptedBy: null, snoozedUntil: null };
}

/** The day of the last Keep, or null when the item was never kept (or the time is unreadable). */
function keptDayOf(s: IssueSnapshot): string | null {
  const t = Date.parse(s.keptAt ?? '');
  return Number.isNaN(t) ? null : dayOf(new Date(t));
}

/**
 * A kill date, threshold day or review day that had come before the squad kept the item: they saw it and kept it,
 * so it does not send the item back. One set at the Keep, or later, fires when it comes: the Keep notes the dates
 * it saw (`saw`), as a day compared with the Keep's UTC day would also silence a date set that same day. A Keep
 * recorded before it noted them is judged by its day.
 */
function decidedAtKeep(rule: FiredRule, keptDay: string | null, saw: KeptSaw | null | undefined): boolean {
  if (keptDay === null) return false;
  if (saw) return (rule.rule as keyof KeptSaw) in saw && saw[rule.rule as keyof KeptSaw] === rule.since;
  // A review day fires on the day itself, so a Keep that day saw it; a kill date or threshold day only after it.
  if (rule.rule === 'killCondition') return rule.since <= keptDay;
  return (rule.rule === 'killDeadline' || rule.rule === 'killMetric') && rule.since < keptDay;
}

/** The later of two ISO moments (the first when the second is absent or unreadable). */
function laterOf(first: string, second: string | null | undefined): string {
  const b = Date.parse(second ?? '');
  return !Number.isNaN(b) && b > Date.parse(first) ? second! : first;
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
  const threshold = { metric: t.metric, comparison: t.comparison, value: t.value, by: t.by };
  const figures: KillMetricFigures = { threshold, measured: measured ?? null };
  return {
    rule: 'killMetric',
    since: t.by,
    detail: killMetricDetail(figures),
    clearBy: killMetricClearBy(figures),
    figures,
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

function idle(s: IssueSnapshot, settings: Settings, now: Date, standing: BacklogStanding): FiredRule | null {
  const own = s.killCriteria.maxIdleDays;
  const limit = own ?? thresholdsFor(settings, s.issueType).maxIdleDays;
  // A Keep starts the count again: the squad decided on the item as idle as it was then.
  const lastActivity = laterOf(s.lastActivityAt ?? s.created, s.keptAt);
  const start = Date.parse(lastActivity);
  if (Number.isNaN(start)) return null;
  const idleDays = Math.floor((now.getTime() - start) / DAY_MS);
  if (idleDays <= limit) return null;
  const source = limitSource(own, settings, s.issueType, 'maxIdleDays');
  const share = standing.idleQuantiles ? shareLessIdle(idleDays, standing.idleQuantiles) : null;
  const rank = share === null ? '' : `: more idle than ${share}% of this project's open items`;
  return {
    rule: 'idle',
    since: dayOf(new Date(start + limit * DAY_MS)),
    detail: `Idle ${humaneDays(idleDays)}${rank} (limit ${limit} days, from ${source}): no activity by a person since ${dayOf(new Date(start))}${lastActivity === s.keptAt ? ', when it was kept in kill review' : ''}.`,
    clearBy: 'Any real activity clears it: a comment, an edit or a transition by a person.',
    ...(share === null ? {} : { moreIdleThan: share }),
  };
}

/**
 * Where a limit came from: the item's kill criteria, the project's setting for its issue type when one sets this
 * limit (the type matched as thresholdsFor matches it), else the project's default.
 */
function limitSource(
  own: number | undefined,
  settings: Settings,
  issueType: string,
  limit: 'maxIdleDays' | 'maxSprintsCarried',
): string {
  if (own !== undefined) return 'its kill criteria';
  const override = Object.entries(settings.zombie.perIssueType).find(
    ([type]) => type.toLowerCase() === issueType.toLowerCase(),
  )?.[1];
  return override?.[limit] !== undefined ? `the project setting for ${issueType}` : 'the project default';
}

function carriedOver(s: IssueSnapshot, settings: Settings): FiredRule | null {
  const own = s.killCriteria.maxSprintsCarried;
  const limit = own ?? thresholdsFor(settings, s.issueType).maxSprintsCarried;
  // Only the carry-overs since the last Keep count: those before it were in front of the squad when they kept it.
  const kept = Date.parse(s.keptAt ?? '');
  const counted = Number.isNaN(kept) ? s.carryOvers : s.carryOvers.filter((t) => Date.parse(t) > kept);
  if (counted.length <= limit) return null;
  // By instant, not by text: Jira writes offsets ("…+1100"), so string order is not time order.
  const ordered = counted
    .filter((t) => !Number.isNaN(Date.parse(t)))
    .sort((a, b) => Date.parse(a) - Date.parse(b));
  const firedAt = ordered[limit] ?? ordered[ordered.length - 1] ?? s.created;
  const source = limitSource(own, settings, s.issueType, 'maxSprintsCarried');
  return {
    rule: 'carriedOver',
    since: dayOf(new Date(firedAt)),
    detail: `Carried over ${counted.length} sprints${counted.length < s.carryOvers.length ? ' since it was kept in kill review' : ''} (limit ${limit}, from ${source}).`,
    clearBy: 'Finish it, or decide in kill review (keep it with a new sprint limit).',
  };
}

function unlinkedOld(
  s: IssueSnapshot,
  settings: Settings,
  now: Date,
  standing: BacklogStanding,
): FiredRule | null {
  if (s.link.kind !== 'none') return null;
  const linked = standing.linkedShare;
  if (linked === null || linked < LINKS_IN_USE_SHARE) return null;
  const limit = thresholdsFor(settings, s.issueType).unlinkedMaxAgeDays;
  // Kept unlinked, it is old again only the limit's days after the Keep.
  const from = laterOf(s.created, s.keptAt);
  const created = Date.parse(from);
  if (Number.isNaN(created)) return null;
  const ageDays = Math.floor((now.getTime() - created) / DAY_MS);
  if (ageDays <= limit) return null;
  const open =
    from === s.keptAt ? `Kept unlinked ${humaneDays(ageDays)} ago` : `Open for ${humaneDays(ageDays)}`;
  return {
    rule: 'unlinkedOld',
    since: dayOf(new Date(created + limit * DAY_MS)),
    detail:
      `${open} and serves no outcome (limit ${limit} days), while ${Math.round(linked * 100)}% ` +
      `of this project's open items are linked (the rule applies from ${LINKS_IN_USE_SHARE * 100}%).`,
    clearBy: 'Link it, or its epic, to the outcome it is meant to move.',
  };
}

/**
 * The percentage (0-100, whole) of the project's open items less idle than `idleDays`, read from the 101
 * percentiles: the share of percentile points strictly below it.
 */
export function shareLessIdle(idleDays: number, quantiles: readonly number[]): number {
  if (quantiles.length < 2) return 0;
  const below = quantiles.filter((q) => q < idleDays).length;
  return Math.round((below / quantiles.length) * 100);
}

/** The 101 percentiles (0th … 100th, nearest rank) of a list of idle days; null for an empty list. */
export function idleQuantilesOf(idleDays: readonly number[]): number[] | null {
  if (idleDays.length === 0) return null;
  const sorted = [...idleDays].sort((a, b) => a - b);
  return Array.from(
    { length: 101 },
    (_, p) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!,
  );
}

/** The UTC calendar day of a moment, YYYY-MM-DD. */
export function dayOf(moment: Date): string {
  return Number.isNaN(moment.getTime()) ? '0000-00-00' : moment.toISOString().slice(0, 10);
}

/**
 * The first day after `now` on which this issue's verdict can change while nobody touches it: its snooze ends,
 * it crosses its idle limit or the age limit for unlinked work, or a kill criterion comes due. Null when time
 * alone changes nothing. The scan stores it in the lens (indexed as `nextCheckAt`), so a daily run finds these
 * issues with JQL instead of rereading the backlog; anything a person does to the issue changes `updated`.
 * The days are UTC calendar days, as `evaluateZombie` counts them.
 */
export function nextVerdictChange(snapshot: IssueSnapshot, settings: Settings, now: Date): string | null {
  if (snapshot.statusCategory === 'done') return null;
  const today = dayOf(now);
  if (!today) return null;
  const dayAfter = (day: string) => dayOf(new Date(Date.parse(`${day}T00:00:00.000Z`) + DAY_MS));
  /**
   * The day an instant-based limit of `days` is passed (`floor((t - start) / day) > days` first holds), while it
   * is still ahead: that day's run may come before the hour it passes, so the day stays a candidate until then.
   */
  const passed = (startIso: string | null | undefined, days: number) => {
    const at = Date.parse(startIso ?? '') + (days + 1) * DAY_MS;
    return Number.isNaN(at) || at <= now.getTime() ? null : dayOf(new Date(at));
  };
  const k = snapshot.killCriteria;
  const thresholds = thresholdsFor(settings, snapshot.issueType);
  const byDay = [
    snapshot.snoozedUntil,
    k.deadline ? dayAfter(k.deadline) : null,
    k.metricThreshold ? dayAfter(k.metricThreshold.by) : null,
    k.condition?.reviewDate ?? null,
  ].filter((d): d is string => typeof d === 'string' && d > today);
  const byInstant = [
    passed(
      laterOf(snapshot.lastActivityAt ?? snapshot.created, snapshot.keptAt),
      k.maxIdleDays ?? thresholds.maxIdleDays,
    ),
    snapshot.link.kind === 'none'
      ? passed(laterOf(snapshot.created, snapshot.keptAt), thresholds.unlinkedMaxAgeDays)
      : null,
  ].filter((d): d is string => typeof d === 'string');
  const candidates = [...byDay, ...byInstant];
  return candidates.length ? candidates.sort()[0]! : null;
}
