/**
 * Every delivered bet is checked. At the end of each live scan of a project, its delivered items that expected
 * a movement (status category Done, `checkBy` set, not closed as won't do) are tracked: each gets a record in
 * app storage (delivery day, check-by day, state and, once its check-by day has come, the proposed verdict with
 * its evidence) and its lens gets `betStatus` (tracking, due, unverified, or the verdict a person recorded), so
 * `betStatus = unverified` finds the overdue ones in JQL. Nothing here records a result: a person does, in the
 * panel or the results review.
 *
 * Tracking runs after the scan's pages, in what is left of the invocation's time: given a deadline, it starts no
 * bet (and no page of its search) that would end past it, and leaves the rest for the next run. A bet begun is
 * finished (its record, then its lens), and checking one again changes nothing it need not, so a pass cut short
 * is safe; bets never checked come first, then those checked longest ago, so every bet is checked in
 * turn however little of them each run gets through.
 */
import { kvs } from '../storage/kvs-client';
import { betState, proposeVerdict, type VerdictProposal } from '../domain/bet-verdict';
import { closedWithoutDelivery, isDelivered, resolvedOn } from '../domain/delivery';
import {
  ISSUE_PROPERTY_KEY,
  keepingUnread,
  readLens,
  resultSetter,
  type BetStatus,
  type IssueLens,
  type ResultStamp,
} from '../domain/issue-lens';
import type { ExpectedOutcome, Measurement, Outcome } from '../domain/schemas';
import type { Settings } from '../domain/settings';
import { ConflictError } from '../errors';
import { JiraClient } from '../jira/client';
import { jqlString } from '../jira/jql';
import type { JiraIssue } from '../jira/schemas';
import { keys } from '../storage/keys';
import { listAll } from '../storage/kv';
import { withLensClaim, writeHolding } from '../storage/lens-claim';
import { listMetricSeries, normaliseMetric, type MetricSeries } from '../storage/metric-series';
import { listOutcomes } from '../storage/outcomes';
import { loadResultStamps } from '../storage/result-stamps';
import { loadSettings } from '../storage/settings';
import { utcDay } from '../domain/dates';
import { UpkeepDeadline } from './budget';

/** Delivered bets one scan reads newest first, and again as many of those whose state moves with time. */
export const MAX_TRACKED_PER_RUN = 500;
const PAGE = 100;

export interface TrackedBet {
  issueKey: string;
  summary: string;
  projectKey: string;
  /** The day Jira says it was resolved (see resolvedOn), else the day the scan first saw it delivered. */
  deliveredOn: string;
  checkBy: string;
  outcomeId: string | null;
  expected: ExpectedOutcome;
  /** The bet's state, or the verdict a person recorded. */
  status: BetStatus;
  /** Which series the verdict reads: the item's own metric, or an outcome's. */
  series: { kind: 'metric' | 'outcome'; name: string } | null;
  /** From the check-by day on, while no result is recorded. */
  proposal: VerdictProposal | null;
  /**
   * The bet's further expectations ("… and repeat orders to rise from 10% to 12%"), each checked as the first is,
   * by its own day or else the bet's. Absent on records written before they were checked, and where there are none.
   */
  further?: FurtherExpectation[];
  /** The recorded result's verdict and evidence, once a person recorded one. */
  result: { verdict: string; evidence: string } | null;
  /**
   * Who recorded the result, when and where: confirmed in the results review (written there), else set in the
   * issue panel (the lens's last save when the scan first saw the result). Absent in records written before this
   * was kept. The results review lists a panel's verdict with them, as the decision log holds only its own.
   */
  recordedBy?: string | null;
  recordedAt?: string | null;
  recordedIn?: 'results-review' | 'issue-panel';
  firstSeenAt: string;
  checkedAt: string;
}

/** A further expectation of a tracked bet, with what its own metric's measurements propose. */
export interface FurtherExpectation {
  expected: ExpectedOutcome;
  /** Its own check-by day, or the bet's when it names none. */
  checkBy: string;
  series: { kind: 'metric' | 'outcome'; name: string } | null;
  /** From its check-by day on, while no result is recorded. */
  proposal: VerdictProposal | null;
}

type Recording = Pick<TrackedBet, 'recordedBy' | 'recordedAt' | 'recordedIn'>;

/** Whether the record before stands for who recorded the lens's verdict (recordedOf): the same verdict, dated. */
function keepsRecording(lens: IssueLens, before: TrackedBet | undefined): boolean {
  return !!lens.result && before?.result?.verdict === lens.result.verdict && !!before.recordedAt;
}

/**
 * Who recorded a bet's verdict, when and where: kept from the scan before while the verdict is the same, else who
 * set the lens's result, in the issue panel, as the app's stamp of it says (`stamp`; none, or one of another result:
 * no one named, see resultSetter). The results review writes its own when it confirms one.
 */
function recordedOf(
  lens: IssueLens,
  before: TrackedBet | undefined,
  stamp: ResultStamp | undefined,
): Recording {
  if (!lens.result) return {};
  if (before && keepsRecording(lens, before))
    return {
      recordedBy: before.recordedBy ?? null,
      recordedAt: before.recordedAt,
      recordedIn: before.recordedIn ?? 'issue-panel',
    };
  const setter = resultSetter(lens, stamp);
  return { recordedBy: setter.by, recordedAt: setter.at, recordedIn: 'issue-panel' };
}

export interface BetTrackingSummary {
  tracked: number;
  due: number;
  unverified: number;
  verdicts: number;
  lensWrites: number;
  skippedNotDelivered: number;
  /** Tracked bets dropped: their item was reopened, moved, deleted, closed without delivery or lost its check-by. */
  dropped: number;
  /** The deadline came before every chosen bet was checked (or before all were read). */
  cutShort: boolean;
  /** Delivered items read but not checked for lack of time; more may not have been read at all. */
  left: number;
}

/** The measurements a bet is judged by: its own metric's series, else its outcome's. */
export function seriesFor(
  lens: Pick<IssueLens, 'expected' | 'outcomeId'>,
  outcomes: readonly Outcome[],
  metricSeries: readonly MetricSeries[],
): { kind: 'metric' | 'outcome'; name: string; points: Measurement[] } | null {
  const metric = lens.expected.metric ? normaliseMetric(lens.expected.metric) : null;
  if (metric) {
    const own = metricSeries.find((s) => normaliseMetric(s.name) === metric);
    if (own) return { kind: 'metric', name: own.name, points: own.measurements };
    const byMetric = outcomes.find((o) => normaliseMetric(o.metric) === metric);
    if (byMetric) return { kind: 'outcome', name: byMetric.name, points: byMetric.measurements };
  }
  const linked = lens.outcomeId ? outcomes.find((o) => o.id === lens.outcomeId) : undefined;
  return linked ? { kind: 'outcome', name: linked.name, points: linked.measurements } : null;
}

/**
 * A bet's further expectations as their measurements stand on `today`: each judged by its own metric's series
 * only, as a linked outcome's measurements are of the first expectation's metric, not of theirs. None while a
 * result is recorded proposes anything.
 */
export function furtherExpectations(
  also: readonly ExpectedOutcome[],
  bet: Pick<TrackedBet, 'checkBy' | 'deliveredOn'> & { recorded: boolean },
  today: string,
  outcomes: readonly Outcome[],
  metricSeries: readonly MetricSeries[],
): FurtherExpectation[] {
  return also.map((expected) => {
    const checkBy = expected.checkBy ?? bet.checkBy;
    const series = seriesFor({ expected, outcomeId: null }, outcomes, metricSeries);
    const proposal =
      bet.recorded || betState(checkBy, today) === 'tracking'
        ? null
        : proposeVerdict(
            { ...expected, checkBy },
            bet.deliveredOn,
            (series?.points ?? []).map((m) => ({ at: m.at, value: m.value })),
          );
    return { expected, checkBy, series: series ? { kind: series.kind, name: series.name } : null, proposal };
  });
}

/**
 * The proposal a tracked bet's check would make now, from the measurements as they are: a reading recorded since
 * the last scan counts at once, so the review never shows a proposal of "too few measurements" beside the one
 * just recorded. A bet still tracking, or with a verdict, proposes nothing new.
 */
export function currentProposal(
  bet: Pick<TrackedBet, 'status' | 'expected' | 'outcomeId' | 'deliveredOn' | 'proposal' | 'result'>,
  outcomes: readonly Outcome[],
  metricSeries: readonly MetricSeries[],
): VerdictProposal | null {
  if (bet.result || (bet.status !== 'due' && bet.status !== 'unverified')) return bet.proposal;
  const series = seriesFor({ expected: bet.expected, outcomeId: bet.outcomeId }, outcomes, metricSeries);
  return proposeVerdict(
    bet.expected,
    bet.deliveredOn,
    (series?.points ?? []).map((m) => ({ at: m.at, value: m.value })),
  );
}

/** A tracked bet's further expectations as the measurements make them now (see currentProposal). */
export function currentFurther(
  bet: Pick<TrackedBet, 'further' | 'checkBy' | 'deliveredOn' | 'result'>,
  today: string,
  outcomes: readonly Outcome[],
  metricSeries: readonly MetricSeries[],
): FurtherExpectation[] {
  const also = (bet.further ?? []).map((f) => f.expected);
  if (also.length === 0) return [];
  return furtherExpectations(
    also,
    { checkBy: bet.checkBy, deliveredOn: bet.deliveredOn, recorded: bet.result !== null },
    today,
    outcomes,
    metricSeries,
  );
}

export async function listTrackedBets(projectKey: string): Promise<TrackedBet[]> {
  return (await listAll<TrackedBet>(keys.betPrefix(projectKey), 2_000)).map((i) => i.value);
}

/**
 * Writes `betStatus` into the lens inside the issue's claim (null: no delivered bet any more), unless a person
 * recorded a result meanwhile.
 */
async function writeBetStatus(
  jira: JiraClient,
  issueKey: string,
  status: BetStatus | null,
): Promise<boolean> {
  try {
    return await withLensClaim(issueKey, async (held) => {
      const fresh = await jira.getIssue(issueKey, { fields: ['status'], properties: [ISSUE_PROPERTY_KEY] });
      const stored: unknown = fresh.properties?.[ISSUE_PROPERTY_KEY];
      const lens = readLens(stored);
      if (lens.result || lens.betStatus === status) return false;
      // The scan's own field only: the stored version stays, so no one's edit in progress conflicts.
      await writeHolding(held, () =>
        jira.setIssueProperty(
          issueKey,
          ISSUE_PROPERTY_KEY,
          keepingUnread(stored, { ...lens, betStatus: status }),
        ),
      );
      return true;
    });
  } catch (e) {
    if (e instanceof ConflictError) return false; // someone is saving it: the next scan writes the status
    throw e;
  }
}

/**
 * Writes a bet's record inside the issue's claim, and answers the record that stands. A verdict confirmed in the
 * results review after the scan read the issue wrote its record (and the lens) inside the same claim, so the record
 * stored now is not the one tracking began with (`before`): the scan's record, judged from the lens before the
 * verdict, would put that bet back as due and lose who confirmed it, so it is not written. (A verdict taken back in
 * the panel leaves the record as tracking began with it, and the scan's record replaces it.) Not written either
 * while someone else holds the claim past its wait: the record before stands, and the next scan writes it.
 */
async function writeBetRecord(
  projectKey: string,
  record: TrackedBet,
  before: TrackedBet | undefined,
): Promise<TrackedBet> {
  const key = keys.bet(projectKey, record.issueKey);
  try {
    return await withLensClaim(record.issueKey, async () => {
      const stored = await kvs.get<TrackedBet>(key);
      if (stored?.result && !record.result && stored.recordedAt !== before?.recordedAt) return stored;
      await kvs.set(key, record);
      return record;
    });
  } catch (e) {
    if (e instanceof ConflictError) return before ?? record;
    throw e;
  }
}

/**
 * What bet tracking read and left that the shipped ledger needs next (src/scan/shipped.ts): the settings, and
 * the tracked bets as tracking left them (its own writes included), so the ledger reads neither again. A verdict
 * a person records between the two is seen by the next run's ledger, not this one's.
 */
export interface DeliveryReading {
  settings: Settings;
  tracked: TrackedBet[];
}

export async function trackDeliveredBets(
  projectKey: string,
  now: Date,
  jira: JiraClient = JiraClient.asApp(),
  options: { deadline?: UpkeepDeadline } = {},
): Promise<{ summary: BetTrackingSummary; reading: DeliveryReading }> {
  const deadline = options.deadline ?? new UpkeepDeadline();
  const today = utcDay(now);
  const [outcomes, metricSeries, { settings }, known] = await Promise.all([
    listOutcomes(projectKey),
    listMetricSeries(projectKey),
    loadSettings(projectKey),
    listTrackedBets(projectKey),
  ]);
  const byKey = new Map(known.map((b) => [b.issueKey, b]));
  const summary: BetTrackingSummary = {
    tracked: 0,
    due: 0,
    unverified: 0,
    verdicts: 0,
    lensWrites: 0,
    skippedNotDelivered: 0,
    dropped: 0,
    cutShort: false,
    left: 0,
  };
  const seen = new Set<string>();
  // Read, but closed without delivery: a bet tracked before (delivered, reopened, then closed so) is one no more.
  const closedUndelivered = new Set<string>();
  // Who set a result, as the app stamped it (by issue id): read for the lenses whose verdict the records do not hold.
  let stamps = new Map<string, ResultStamp>();
  const track = async (issue: JiraIssue): Promise<void> => {
    // Closed without delivery (Won't Do, the kill resolution, Duplicate…): no bet to check.
    if (closedWithoutDelivery(issue.fields.resolution?.name, settings.kill.resolutionName)) {
      summary.skippedNotDelivered++;
      closedUndelivered.add(issue.key);
      return;
    }
    const lens = readLens(issue.properties?.[ISSUE_PROPERTY_KEY]);
    const checkBy = lens.expected.checkBy;
    if (!checkBy) return;
    const before = byKey.get(issue.key);
    // Jira's resolution day moves when an item is delivered again; `updated` (where a site gives none) moves with
    // any edit, so the first day seen stays.
    const deliveredOn =
      resolvedOn({ resolutiondate: issue.fields.resolutiondate }) ??
      before?.deliveredOn ??
      resolvedOn(issue.fields) ??
      today;
    const series = seriesFor(lens, outcomes, metricSeries);
    let status: BetStatus;
    let proposal: VerdictProposal | null = null;
    if (lens.result) status = lens.result.verdict;
    else {
      status = betState(checkBy, today);
      if (status !== 'tracking')
        proposal = proposeVerdict(
          lens.expected,
          deliveredOn,
          (series?.points ?? []).map((m) => ({ at: m.at, value: m.value })),
        );
    }
    const further = furtherExpectations(
      lens.alsoExpected,
      { checkBy, deliveredOn, recorded: !!lens.result },
      today,
      outcomes,
      metricSeries,
    );
    const record: TrackedBet = {
      issueKey: issue.key,
      summary: issue.fields.summary ?? '',
      projectKey,
      deliveredOn,
      checkBy,
      outcomeId: lens.outcomeId,
      expected: lens.expected,
      status,
      series: series ? { kind: series.kind, name: series.name } : null,
      proposal,
      ...(further.length ? { further } : {}),
      result: lens.result ? { verdict: lens.result.verdict, evidence: lens.result.evidence } : null,
      ...recordedOf(lens, before, stamps.get(issue.id)),
      firstSeenAt: before?.firstSeenAt ?? now.toISOString(),
      checkedAt: now.toISOString(),
    };
    const standing = await writeBetRecord(projectKey, record, before);
    byKey.set(issue.key, standing);
    summary.tracked++;
    if (standing.result) summary.verdicts++;
    else if (standing.status === 'due') summary.due++;
    else if (standing.status === 'unverified') summary.unverified++;
    if (!standing.result && lens.betStatus !== status && (await writeBetStatus(jira, issue.key, status)))
      summary.lensWrites++;
  };
  // Which bets this run checks: the newest first; where a project has more than one run's share, then those whose
  // state moves with time (new deliveries, tracking, due) past it: hundreds of old unverified bets cannot crowd
  // out one falling due.
  const delivered = `project = ${jqlString(projectKey)} AND statusCategory = Done AND checkBy IS NOT EMPTY`;
  const chosen: JiraIssue[] = [];
  const read = async (jql: string, limit: number): Promise<boolean> => {
    let pageToken: string | null = null;
    let taken = 0;
    do {
      const done = deadline.begin();
      if (!done) {
        summary.cutShort = true;
        return false;
      }
      const page: { issues: JiraIssue[]; nextPageToken: string | null } = await jira.searchJql({
        jql,
        fields: ['summary', 'status', 'resolution', 'resolutiondate', 'updated'],
        properties: [ISSUE_PROPERTY_KEY],
        maxResults: PAGE,
        nextPageToken: pageToken,
      });
      done();
      for (const issue of page.issues) {
        if (seen.has(issue.key) || taken >= limit) continue;
        seen.add(issue.key);
        taken++;
        chosen.push(issue);
      }
      pageToken = page.nextPageToken;
    } while (pageToken && taken < limit);
    return pageToken !== null;
  };
  const more = await read(`${delivered} ORDER BY updated DESC`, MAX_TRACKED_PER_RUN);
  if (more && !summary.cutShort)
    await read(
      `${delivered} AND (betStatus IS EMPTY OR betStatus IN ("tracking", "due")) ORDER BY updated ASC`,
      MAX_TRACKED_PER_RUN,
    );
  // Checked in turn: those never checked first, then those checked longest ago (in the search's order among
  // equals). A run stopped by its deadline leaves the ones it did not reach at the head of the next run's line,
  // and each one it checked at the back, so no bet waits for ever behind the same others.
  const lastChecked = (issue: JiraIssue) => byKey.get(issue.key)?.checkedAt ?? '';
  const queue = chosen
    .map((issue, order) => ({ issue, order, checkedAt: lastChecked(issue) }))
    .sort((a, b) => (a.checkedAt === b.checkedAt ? a.order - b.order : a.checkedAt < b.checkedAt ? -1 : 1));
  stamps = await loadResultStamps(
    queue
      .filter(({ issue }) => {
        const lens = readLens(issue.properties?.[ISSUE_PROPERTY_KEY]);
        return lens.result && !keepsRecording(lens, byKey.get(issue.key));
      })
      .map(({ issue }) => issue.id),
  );
  for (const [index, { issue }] of queue.entries()) {
    const done = deadline.begin();
    if (!done) {
      summary.cutShort = true;
      summary.left = queue.length - index;
      break;
    }
    await track(issue);
    done();
  }
  // Read every delivered bet: one tracked before and not among them is a delivered bet of this project no more.
  if (!more && !summary.cutShort) {
    const gone = [...byKey.keys()].filter((key) => !seen.has(key) || closedUndelivered.has(key));
    summary.dropped = await dropUndelivered(projectKey, gone, byKey, settings, jira, deadline, summary);
  }
  return { summary, reading: { settings, tracked: [...byKey.values()] } };
}

/**
 * Of tracked bets the search of delivered bets did not answer, drops those Jira says are no longer one: reopened,
 * moved to another project (answered under its new key), deleted, closed without delivery, or without a check-by
 * day. Each is asked of Jira first, as the search may lag a change. A reopened item's lens loses the bet status
 * the scan wrote (not a result a person recorded). Answers how many were dropped.
 */
async function dropUndelivered(
  projectKey: string,
  keysGone: readonly string[],
  byKey: Map<string, TrackedBet>,
  settings: Settings,
  jira: JiraClient,
  deadline: UpkeepDeadline,
  summary: BetTrackingSummary,
): Promise<number> {
  let dropped = 0;
  for (let i = 0; i < keysGone.length; i += PAGE) {
    const done = deadline.begin();
    if (!done) {
      summary.cutShort = true;
      break;
    }
    const chunk = keysGone.slice(i, i + PAGE);
    const found = await jira.bulkFetchIssues(chunk, {
      fields: ['status', 'resolution', 'project'],
      properties: [ISSUE_PROPERTY_KEY],
    });
    done();
    const byAsked = new Map(found.map((issue) => [issue.key.toUpperCase(), issue]));
    for (const key of chunk) {
      const issue = byAsked.get(key.toUpperCase());
      const lens = issue ? readLens(issue.properties?.[ISSUE_PROPERTY_KEY]) : null;
      const stillABet =
        issue !== undefined &&
        lens !== null &&
        issue.fields.project?.key === projectKey &&
        isDelivered(
          issue.fields.status?.statusCategory?.key ?? '',
          issue.fields.resolution?.name ?? null,
          settings.kill.resolutionName,
        ) &&
        !!lens.expected.checkBy;
      if (stillABet) continue;
      // The lens first: were the record dropped first and this write then lost, nothing would find the item again
      // to clear it. Not written now (someone is saving it): the record stays, and the next scan tries again.
      if (
        issue &&
        lens &&
        !lens.result &&
        lens.betStatus !== null &&
        !(await writeBetStatus(jira, issue.key, null))
      )
        continue;
      await kvs.delete(keys.bet(projectKey, key));
      byKey.delete(key);
      dropped++;
    }
  }
  return dropped;
}
