/**
 * Calibration of the idle rule from a site's own history. The open backlog is rebuilt at past scan dates
 * (quarterly by default), each open item's idle time then is measured, and what became of it later is read
 * from its resolution history. The proposed idle limit is a percentile of idle time among items that were
 * later delivered: past that point an item is unlike the work this site actually ships.
 *
 * Pure: the moment to calibrate "as of" is passed in, nothing reads a clock or does I/O.
 */

const DAY_MS = 86_400_000;

/** What the replay needs of one issue; built from a REST issue with its changelog (see history.ts). */
export interface HistoryIssue {
  key: string;
  projectKey: string;
  issueType: string;
  /** ISO timestamp. */
  created: string;
  /** Moments of activity by a person: comments, changelog entries (edits, transitions). */
  activity: string[];
  /**
   * Changes of the resolution, oldest first: `to` is the resolution name set, null when it was cleared
   * (a reopen). An item with a resolution is closed.
   */
  resolutionChanges: Array<{ at: string; to: string | null }>;
}

/** Which resolution names count as delivered and which as closed without delivery. */
export interface ResolutionMapping {
  delivered: string[];
  abandoned: string[];
}

export type LaterOutcome = 'delivered' | 'abandoned' | 'unclassified' | 'stillOpen';

const DELIVERED_NAMES = ['fixed', 'done', 'resolved', 'completed', 'complete', 'implemented', 'delivered'];
const ABANDONED_NAMES = [
  "won't fix",
  "won't do",
  'wont fix',
  'wont do',
  'duplicate',
  'invalid',
  'cannot reproduce',
  "can't reproduce",
  'incomplete',
  'abandoned',
  'obsolete',
  'not a problem',
  'not a bug',
  'declined',
  'rejected',
  'later',
  'works as designed',
  'working as intended',
  'out of scope',
  // Names real Jira sites close undelivered work with (Apache's Jira among them).
  'unresolved',
  'works for me',
  'withdrawn',
  'auto closed',
  "won't implement",
  'wont implement',
  'cancelled',
  'canceled',
  'superseded',
  'not applicable',
];

/**
 * A first guess at the mapping from the names a site uses. Names it cannot place are returned as `unknown`:
 * they are for the admin to decide, and until then count as neither delivered nor abandoned.
 */
export function proposeResolutionMapping(names: Iterable<string>): {
  mapping: ResolutionMapping;
  unknown: string[];
} {
  const mapping: ResolutionMapping = { delivered: [], abandoned: [] };
  const unknown: string[] = [];
  for (const name of [...new Set(names)].sort()) {
    const plain = name.trim().toLowerCase().replace(/’/g, "'");
    if (DELIVERED_NAMES.includes(plain)) mapping.delivered.push(name);
    else if (ABANDONED_NAMES.includes(plain)) mapping.abandoned.push(name);
    else unknown.push(name);
  }
  return { mapping, unknown };
}

/** Every resolution name the issues were ever closed with. */
export function resolutionNamesOf(issues: readonly HistoryIssue[]): string[] {
  const names = new Set<string>();
  for (const issue of issues)
    for (const change of issue.resolutionChanges) if (change.to !== null) names.add(change.to);
  return [...names].sort();
}

export interface CalibrationOptions {
  /** The moment the calibration is made as of: a live site's now, or an export's latest date. */
  asOf: Date;
  mapping: ResolutionMapping;
  /** The idle limit the settings apply today, shown beside the candidates. */
  currentIdleDays: number;
  /** Percentile of delivered items' idle time the limit is set at (0-1, default 0.9). */
  percentile?: number;
  /** How far back scan dates are replayed (months, default 24). */
  lookbackMonths?: number;
  /** Months between replayed scan dates (default 3: quarterly). */
  stepMonths?: number;
  /** How long after a scan date an item's fate is followed (days, default 730: two years). */
  horizonDays?: number;
  /** Below this many delivered items the project keeps its defaults (default 100). */
  minDelivered?: number;
  /** An issue type gets its own limit only with this much history (defaults 30 and 5). */
  minTypeDelivered?: number;
  minTypeAbandoned?: number;
  /** Idle limits the admin can compare (the proposal and the current value are added). */
  candidates?: number[];
  /** Types the scan never flags (the settings' exemptions): left out of the backlog. */
  exemptIssueTypes?: string[];
}

export const DEFAULT_CANDIDATES = [14, 30, 45, 60, 90, 120, 180, 270, 365] as const;

export interface ReplayRow {
  idleDays: number;
  /** Open items idle longer than this as of the calibration date, and their share of the open backlog. */
  flaggedToday: number;
  flaggedShare: number;
  /** Past observations (an open item at a scan date) idle longer than this. */
  pastItems: number;
  /** Of those, the shares later closed without delivery, later delivered, still open at the horizon. */
  laterAbandoned: number;
  laterDelivered: number;
  stillOpen: number;
  /** Median days from the scan date to the close, among those that closed within the horizon. */
  medianDaysToClose: number | null;
}

export interface ProjectCalibration {
  project: string;
  asOf: string;
  /** Scan dates replayed (YYYY-MM-DD, oldest first). */
  scanDates: string[];
  openToday: number;
  /** Distinct items seen open at a scan date, by what became of them. */
  delivered: number;
  abandoned: number;
  unclassified: number;
  stillOpen: number;
  thresholds: { idleDays: number | null; byType: Record<string, number> };
  percentile: number;
  basis: string;
  currentIdleDays: number;
  replay: ReplayRow[];
  /** Resolution names found in this project that the mapping does not place. */
  unmappedResolutions: string[];
}

interface Observation {
  issueType: string;
  key: string;
  idleDays: number;
  outcome: LaterOutcome;
  daysToClose: number | null;
}

/** Calibrates every project the issues belong to, sorted by project key. */
export function calibrateProjects(
  issues: readonly HistoryIssue[],
  options: CalibrationOptions,
): ProjectCalibration[] {
  const byProject = new Map<string, HistoryIssue[]>();
  for (const issue of issues) {
    const list = byProject.get(issue.projectKey) ?? [];
    list.push(issue);
    byProject.set(issue.projectKey, list);
  }
  return [...byProject.keys()]
    .sort()
    .map((project) => calibrateProject(project, byProject.get(project) ?? [], options));
}

export function calibrateProject(
  project: string,
  allIssues: readonly HistoryIssue[],
  options: CalibrationOptions,
): ProjectCalibration {
  const percentile = options.percentile ?? 0.9;
  const minDelivered = options.minDelivered ?? 100;
  const minTypeDelivered = options.minTypeDelivered ?? 30;
  const minTypeAbandoned = options.minTypeAbandoned ?? 5;
  const horizonMs = (options.horizonDays ?? 730) * DAY_MS;
  const asOfMs = options.asOf.getTime();
  const exempt = new Set((options.exemptIssueTypes ?? []).map((t) => t.toLowerCase()));
  const issues = allIssues.filter((i) => !exempt.has(i.issueType.toLowerCase()));
  const timelines = issues.map(timelineOf);
  const classify = classifier(options.mapping);

  // A loop, not Math.min(...all): spreading a big site's history (~125,000 items) overflows the stack.
  let earliest = Infinity;
  for (const t of timelines) if (t.createdMs < earliest) earliest = t.createdMs;
  const scanDates = scanDatesFor(options.asOf, options.lookbackMonths ?? 24, options.stepMonths ?? 3).filter(
    (d) => d.getTime() > earliest,
  );

  const observations: Observation[] = [];
  for (const date of scanDates) {
    const at = date.getTime();
    const horizonEnd = Math.min(at + horizonMs, asOfMs);
    for (const t of timelines) {
      if (!t.openAt(at)) continue;
      const close = t.closedBy(horizonEnd);
      const outcome: LaterOutcome = close ? classify(close.resolution) : 'stillOpen';
      observations.push({
        key: t.issue.key,
        issueType: t.issue.issueType,
        idleDays: t.idleDaysAt(at),
        outcome,
        daysToClose: close ? Math.max(0, Math.floor((close.at - at) / DAY_MS)) : null,
      });
    }
  }
  const idleToday = timelines.filter((t) => t.openAt(asOfMs)).map((t) => t.idleDaysAt(asOfMs));

  // An item seen at several scan dates counts once, with its last fate.
  const fateByKey = new Map<string, Observation>();
  for (const o of observations) fateByKey.set(o.key, o);
  const fates = [...fateByKey.values()];
  const count = (list: readonly Observation[], outcome: LaterOutcome) =>
    list.filter((o) => o.outcome === outcome).length;
  const delivered = count(fates, 'delivered');
  const abandoned = count(fates, 'abandoned');

  const deliveredIdle = observations.filter((o) => o.outcome === 'delivered').map((o) => o.idleDays);
  const pct = Math.round(percentile * 100);
  const dateRange =
    scanDates.length > 0
      ? scanDates.length === 1
        ? `1 scan date, ${dayOf(scanDates[0]!)}`
        : `${scanDates.length} scan dates, every ${options.stepMonths ?? 3} months from ${dayOf(scanDates[0]!)} to ${dayOf(scanDates[scanDates.length - 1]!)}`
      : 'no scan date inside the history';

  let idleDays: number | null = null;
  // Built as entries: assigned to a plain object, a type named "__proto__" would set its prototype.
  const byTypeEntries: Array<[string, number]> = [];
  let basis: string;
  if (delivered < minDelivered) {
    basis =
      `Too little history: ${delivered} ${delivered === 1 ? 'item' : 'items'} open at a replayed scan date ` +
      `${delivered === 1 ? 'was' : 'were'} later delivered ` +
      `(${dateRange}); at least ${minDelivered} are needed. Keep the current limit of ` +
      `${options.currentIdleDays} days.`;
  } else {
    idleDays = Math.max(1, percentileOf(deliveredIdle, percentile));
    const typed: string[] = [];
    for (const type of [...new Set(fates.map((o) => o.issueType))].sort()) {
      const ofType = fates.filter((o) => o.issueType === type);
      if (count(ofType, 'delivered') < minTypeDelivered || count(ofType, 'abandoned') < minTypeAbandoned)
        continue;
      const idle = observations
        .filter((o) => o.issueType === type && o.outcome === 'delivered')
        .map((o) => o.idleDays);
      const days = Math.max(1, percentileOf(idle, percentile));
      byTypeEntries.push([type, days]);
      typed.push(`${type} ${days}`);
    }
    basis =
      `${idleDays} days: the ${pct}th percentile of idle time among ${delivered} items later delivered ` +
      `(${deliveredIdle.length} observations at ${dateRange}). ` +
      (typed.length > 0
        ? `Own limits where a type had at least ${minTypeDelivered} delivered and ${minTypeAbandoned} abandoned: ${typed.join(', ')}.`
        : `No issue type had at least ${minTypeDelivered} delivered and ${minTypeAbandoned} abandoned items, so one limit serves all.`);
  }

  const candidates = [
    ...new Set([
      ...(options.candidates ?? DEFAULT_CANDIDATES),
      options.currentIdleDays,
      ...(idleDays ? [idleDays] : []),
    ]),
  ].sort((a, b) => a - b);
  const replay = candidates.map((limit) => replayRow(limit, observations, idleToday));

  return {
    project,
    asOf: options.asOf.toISOString(),
    scanDates: scanDates.map(dayOf),
    openToday: idleToday.length,
    delivered,
    abandoned,
    unclassified: count(fates, 'unclassified'),
    stillOpen: count(fates, 'stillOpen'),
    thresholds: { idleDays, byType: Object.fromEntries(byTypeEntries) },
    percentile,
    basis,
    currentIdleDays: options.currentIdleDays,
    replay,
    unmappedResolutions: resolutionNamesOf(issues).filter((n) => !isMapped(options.mapping, n)),
  };
}

function replayRow(
  limit: number,
  observations: readonly Observation[],
  idleToday: readonly number[],
): ReplayRow {
  // The zombie rule flags an item idle longer than its limit, not equal to it.
  const beyond = observations.filter((o) => o.idleDays > limit);
  const flaggedToday = idleToday.filter((d) => d > limit).length;
  const share = (n: number, of: number) => (of === 0 ? 0 : round3(n / of));
  const closed = beyond.map((o) => o.daysToClose).filter((d): d is number => d !== null);
  return {
    idleDays: limit,
    flaggedToday,
    flaggedShare: share(flaggedToday, idleToday.length),
    pastItems: beyond.length,
    laterAbandoned: share(beyond.filter((o) => o.outcome === 'abandoned').length, beyond.length),
    laterDelivered: share(beyond.filter((o) => o.outcome === 'delivered').length, beyond.length),
    stillOpen: share(beyond.filter((o) => o.outcome === 'stillOpen').length, beyond.length),
    medianDaysToClose: closed.length === 0 ? null : median(closed),
  };
}

interface Timeline {
  issue: HistoryIssue;
  createdMs: number;
  openAt(at: number): boolean;
  idleDaysAt(at: number): number;
  /** The close that holds at `until` (the item's state then), if it is closed then. */
  closedBy(until: number): { at: number; resolution: string } | null;
}

function timelineOf(issue: HistoryIssue): Timeline {
  const createdMs = Date.parse(issue.created);
  const changes = issue.resolutionChanges
    .map((c) => ({ at: Date.parse(c.at), to: c.to }))
    .filter((c) => !Number.isNaN(c.at))
    .sort((a, b) => a.at - b.at);
  const activity = issue.activity
    .map(Date.parse)
    .filter((t) => !Number.isNaN(t))
    .sort((a, b) => a - b);
  const lastChangeBy = (at: number) => {
    let last: { at: number; to: string | null } | null = null;
    for (const c of changes) {
      if (c.at > at) break;
      last = c;
    }
    return last;
  };
  return {
    issue,
    createdMs,
    openAt: (at) => createdMs <= at && (lastChangeBy(at)?.to ?? null) === null,
    idleDaysAt: (at) => {
      let last = createdMs;
      for (const t of activity) {
        if (t > at) break;
        if (t > last) last = t;
      }
      return Math.floor((at - last) / DAY_MS);
    },
    closedBy: (until) => {
      const last = lastChangeBy(until);
      return last && last.to !== null ? { at: last.at, resolution: last.to } : null;
    },
  };
}

/** A resolution as the mapping matches it: "DONE" and " Done" are the "Done" resolution. */
export const resolutionKey = (name: string): string => name.trim().toLowerCase();

/** Whether the mapping places `name`, delivered or abandoned. */
export function isMapped(mapping: ResolutionMapping, name: string): boolean {
  const key = resolutionKey(name);
  return [...mapping.delivered, ...mapping.abandoned].some((n) => resolutionKey(n) === key);
}

function classifier(mapping: ResolutionMapping): (resolution: string) => LaterOutcome {
  const norm = resolutionKey;
  const delivered = new Set(mapping.delivered.map(norm));
  const abandoned = new Set(mapping.abandoned.map(norm));
  return (resolution) =>
    delivered.has(norm(resolution))
      ? 'delivered'
      : abandoned.has(norm(resolution))
        ? 'abandoned'
        : 'unclassified';
}

/**
 * Scan dates going back from `asOf` by whole months (the last one a full step before `asOf`, so each has
 * at least that much future to read), oldest first.
 */
export function scanDatesFor(asOf: Date, lookbackMonths: number, stepMonths: number): Date[] {
  const dates: Date[] = [];
  for (let back = stepMonths; back <= lookbackMonths; back += stepMonths) {
    const d = new Date(asOf.getTime());
    const day = d.getUTCDate();
    d.setUTCDate(1);
    d.setUTCMonth(d.getUTCMonth() - back);
    // Clamp the 31st to the month's last day instead of spilling into the next month.
    const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
    d.setUTCDate(Math.min(day, lastDay));
    dates.push(d);
  }
  return dates.reverse();
}

/**
 * Every idle limit the settings page can preview: each day up to a year, then every 15 days to two years. The
 * admin types any value; the figures beside it are this grid's row for it (rows for the proposal and the current
 * value are always added by calibrateProject).
 */
export function previewCandidates(): number[] {
  const out: number[] = [];
  for (let d = 1; d <= 365; d++) out.push(d);
  for (let d = 375; d <= 730; d += 15) out.push(d);
  return out;
}

/**
 * The moments the replay measures idle time at: each scan date and the calibration date itself, ascending.
 * `compactHistory` keeps what the replay reads at exactly these moments.
 */
export function replayMoments(
  asOf: Date,
  options: Pick<CalibrationOptions, 'lookbackMonths' | 'stepMonths'> = {},
): number[] {
  return [
    ...scanDatesFor(asOf, options.lookbackMonths ?? 24, options.stepMonths ?? 3).map((d) => d.getTime()),
    asOf.getTime(),
  ];
}

/**
 * The same history with only the activity the replay can see: idle time is read at a few moments (scan dates
 * and the calibration date), and at each only the latest activity before it counts. So of each stretch between
 * two such moments the latest activity is kept, and none after the last. The replay of the compacted history is
 * the replay of the full one; a long-lived issue with hundreds of comments keeps at most one entry a moment.
 */
export function compactHistory(issue: HistoryIssue, moments: readonly number[]): HistoryIssue {
  const bounds = [...moments].sort((a, b) => a - b);
  const latest = new Map<number, { ms: number; iso: string }>();
  for (const iso of issue.activity) {
    const ms = Date.parse(iso);
    if (Number.isNaN(ms)) continue;
    const slot = bounds.findIndex((b) => ms <= b);
    if (slot < 0) continue;
    const kept = latest.get(slot);
    if (!kept || ms > kept.ms) latest.set(slot, { ms, iso });
  }
  return {
    ...issue,
    activity: [...latest.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v.iso),
    resolutionChanges: issue.resolutionChanges.map((c) => ({ ...c })),
  };
}

/** Nearest-rank percentile (p in 0-1) of a non-empty list. */
export function percentileOf(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length)));
  return sorted[rank - 1]!;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function dayOf(d: Date): string {
  return d.toISOString().slice(0, 10);
}
