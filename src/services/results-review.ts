/**
 * The results review: delivered bets due for a verdict, overdue ones ("unverified bets"), and the verdicts
 * people recorded. A verdict is recorded like a kill-review decision: only by someone who may edit issues in
 * the project, once per idempotency key (a retry replays the first answer), one decision per issue at a time,
 * the lens written inside the issue's claim, and an entry in the project's decision log.
 */
import { kvs } from '../storage/kvs-client';
import type {
  BetExpectation,
  BetItem,
  ConfirmVerdictData,
  ResultsReviewData,
  VerdictEntry,
} from '../contract/project-page';
import {
  ISSUE_PROPERTY_KEY,
  isVerdictStatus,
  keepingUnread,
  readLens,
  resultSetter,
  resultStampOf,
  withWriteRequest,
  writeRequestOf,
  type IssueLens,
} from '../domain/issue-lens';
import { calendarDaysBetween, indexedMoment, utcDay } from '../domain/dates';
import { isDelivered, notDeliveredReason } from '../domain/delivery';
import type { ExpectedOutcome, Result } from '../domain/schemas';
import type { ResultVerdict } from '../domain/result-verdicts';
import { ConflictError, NotAuthorizedError, ValidationError } from '../errors';
import { JiraClient } from '../jira/client';
import type { CallContext } from '../resolvers/endpoint';
import { currentFurther, currentProposal, listTrackedBets, type TrackedBet } from '../scan/bets';
import {
  appendDecision,
  listDecisions,
  recordedDecision,
  type Decision as StoredDecision,
} from '../storage/decisions';
import { keys } from '../storage/keys';
import { listMetricSeries } from '../storage/metric-series';
import { listOutcomes } from '../storage/outcomes';
import { loadResultStamps, saveResultStamp, settleResultStamp } from '../storage/result-stamps';
import { loadSettings } from '../storage/settings';
import { takeDecisionLock, withClaimUnderLock, type ClaimCheck } from './decision-lock';
import type { Clock } from './outcome-map';
import { rescored } from './kill-review';
import { hiddenFromCaller, requireBrowse, targetProject } from './project-access';
import { readDecisionIssue, statusCategoryOf } from './issue-facts';
import { checkLensFits, requestDigest, reusedRequestId } from './issue-lens-service';

export const VERDICT_KIND = 'verdict';
const RECENT = 20;
function expectationOf(e: ExpectedOutcome): BetExpectation {
  return {
    metric: e.metric ?? null,
    direction: e.direction ?? null,
    baseline: e.baseline ?? null,
    target: e.target ?? null,
    unit: e.unit ?? null,
  };
}

function itemOf(b: TrackedBet, today: string, outcomeNames: ReadonlyMap<string, string>): BetItem {
  return {
    issueKey: b.issueKey,
    summary: b.summary,
    deliveredOn: b.deliveredOn,
    checkBy: b.checkBy,
    daysOverdue: Math.max(0, calendarDaysBetween(b.checkBy, today)),
    status: b.status,
    expected: expectationOf(b.expected),
    series: b.series,
    outcome: b.outcomeId ? { id: b.outcomeId, name: outcomeNames.get(b.outcomeId) ?? b.outcomeId } : null,
    proposal: b.proposal,
    further: (b.further ?? []).map((f) => ({ ...f, expected: expectationOf(f.expected) })),
  };
}

export function verdictEntryOf(d: StoredDecision): VerdictEntry {
  const details = d.details ?? {};
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    id: d.id,
    issueKey: d.issueKey ?? '',
    verdict: (text(details.verdict) ?? 'inconclusive') as Result['verdict'],
    proposed: text(details.proposed) as Result['verdict'] | null,
    evidence: text(details.evidence) ?? d.summary,
    by: d.actorAccountId ?? 'app',
    byName: text(details.actorName),
    at: d.at,
    recordedIn: 'results-review',
  };
}

/** A verdict set as the result in the issue panel, which the decision log does not hold. */
function panelEntry(
  issueKey: string,
  result: { verdict: string; evidence: string },
  by: string | null | undefined,
  at: string,
): VerdictEntry {
  return {
    id: `issue-panel:${issueKey}`,
    issueKey,
    verdict: result.verdict as Result['verdict'],
    proposed: null,
    evidence: result.evidence,
    by: by ?? 'unknown',
    byName: null,
    at,
    recordedIn: 'issue-panel',
  };
}

/** What `by` holds when no person is known: the app's own decision, or a panel result no one is named for. */
const NO_PERSON = new Set(['app', 'unknown']);

/** Issues one bulk read of the open bets' lenses takes (Jira's bulk fetch: at most 100). */
const BULK_READ = 100;

/**
 * Verdicts people set in the issue panel on bets the scan still holds as open (tracking, due, unverified), read
 * from those bets' lenses as they are now: the review must not offer to decide a bet already decided. Read by key,
 * not searched: Jira's search may not show a lens saved seconds ago (the platform spec of /search/jql).
 */
async function panelVerdictsSinceScan(
  bets: readonly TrackedBet[],
  now: Date,
): Promise<Map<string, VerdictEntry>> {
  const openKeys = bets.filter((b) => !isVerdictStatus(b.status)).map((b) => b.issueKey);
  const found = new Map<string, VerdictEntry>();
  const jira = JiraClient.asUser();
  for (let i = 0; i < openKeys.length; i += BULK_READ) {
    const issues = await jira.bulkFetchIssues(openKeys.slice(i, i + BULK_READ), {
      fields: ['summary'],
      properties: [ISSUE_PROPERTY_KEY],
    });
    const withResult = issues.flatMap((issue) => {
      const lens = readLens(issue.properties?.[ISSUE_PROPERTY_KEY]);
      return lens.result ? [{ issue, lens, result: lens.result }] : [];
    });
    // Who set each result is the app's stamp (by the issue's id), not the lens's word: see resultSetter.
    const stamps = await loadResultStamps(withResult.map((r) => r.issue.id));
    for (const { issue, lens, result } of withResult) {
      const setter = resultSetter(lens, stamps.get(issue.id));
      found.set(issue.key, panelEntry(issue.key, result, setter.by, setter.at ?? now.toISOString()));
    }
  }
  return found;
}

/**
 * The newest verdicts: the decision log's, then those set in the issue panel (read since the scan, or kept by the
 * scan), one per issue, newest first. A logged verdict the panel changed or took back since is the log's no more:
 * the bet's record, as the last scan read the lens, then holds another verdict (the panel's) or none.
 */
function mergeRecent(
  logged: readonly VerdictEntry[],
  sinceScan: ReadonlyMap<string, VerdictEntry>,
  bets: readonly TrackedBet[],
): VerdictEntry[] {
  const betOf = new Map(bets.map((b) => [b.issueKey, b]));
  const superseded = (entry: VerdictEntry) => {
    const bet = betOf.get(entry.issueKey);
    return (
      bet !== undefined &&
      (!bet.result || bet.result.verdict !== entry.verdict || bet.recordedIn === 'issue-panel')
    );
  };
  const byIssue = new Map<string, VerdictEntry>();
  const read = new Set<string>();
  for (const entry of logged) {
    // The newest logged verdict of an issue decides: the older ones were replaced by it.
    if (read.has(entry.issueKey)) continue;
    read.add(entry.issueKey);
    if (!superseded(entry)) byIssue.set(entry.issueKey, entry);
  }
  const fromPanel = [
    ...sinceScan.values(),
    ...bets.flatMap((b) =>
      // A verdict confirmed here is the log's to list, even once it is older than the log's page.
      b.result && isVerdictStatus(b.status) && b.recordedIn !== 'results-review'
        ? [panelEntry(b.issueKey, b.result, b.recordedBy, b.recordedAt ?? b.checkedAt)]
        : [],
    ),
  ];
  for (const entry of fromPanel) if (!byIssue.has(entry.issueKey)) byIssue.set(entry.issueKey, entry);
  return [...byIssue.values()].sort((a, b) => b.at.localeCompare(a.at)).slice(0, RECENT);
}

/**
 * Each verdict with the name of who recorded it, as the caller may see it: a verdict set in the issue panel (or
 * logged without a name) keeps only an account id, which says nothing to a person. One lookup per person; a name
 * Jira does not share stays unknown.
 */
async function withRecorderNames(entries: VerdictEntry[]): Promise<VerdictEntry[]> {
  const unnamed = entries.filter((e) => e.byName === null && !NO_PERSON.has(e.by)).map((e) => e.by);
  if (unnamed.length === 0) return entries;
  const jira = JiraClient.asUser();
  const names = new Map(
    await Promise.all(
      [...new Set(unnamed)].map(async (id) => [id, await jira.userName(id).catch(() => null)] as const),
    ),
  );
  return entries.map((e) => (e.byName === null && names.get(e.by) ? { ...e, byName: names.get(e.by)! } : e));
}

async function recentVerdicts(projectKey: string): Promise<VerdictEntry[]> {
  const out: VerdictEntry[] = [];
  let cursor: string | null = null;
  // The log holds every kind of decision, newest first: read pages until enough verdicts or 5 pages.
  for (let i = 0; i < 5 && out.length < RECENT; i++) {
    const page: { decisions: StoredDecision[]; cursor: string | null } = await listDecisions(projectKey, {
      cursor,
      limit: 100,
    });
    out.push(...page.decisions.filter((d) => d.kind === VERDICT_KIND).map(verdictEntryOf));
    cursor = page.cursor;
    if (!cursor) break;
  }
  return out.slice(0, RECENT);
}

export async function resultsReview(call: CallContext, clock: Clock): Promise<ResultsReviewData> {
  const projectKey = targetProject(call);
  await requireBrowse(projectKey);
  const today = utcDay(clock.now());
  // The search for verdicts set in the panel needs only the bets: it runs while the outcomes and the log load.
  const tracked = listTrackedBets(projectKey);
  const [bets, outcomes, metricSeries, logged, sinceScan] = await Promise.all([
    tracked,
    listOutcomes(projectKey),
    listMetricSeries(projectKey),
    recentVerdicts(projectKey),
    tracked.then((b) => panelVerdictsSinceScan(b, clock.now())),
  ]);
  // The bets and the log were gathered as the app: an issue kept from this person is kept from this list too.
  const hidden = await hiddenFromCaller([
    ...bets.map((b) => b.issueKey),
    ...logged.map((e) => e.issueKey),
    ...sinceScan.keys(),
  ]);
  const shown = (key: string) => !hidden.has(key.toUpperCase());
  const recent = await withRecorderNames(
    mergeRecent(
      logged.filter((e) => shown(e.issueKey)),
      new Map([...sinceScan].filter(([key]) => shown(key))),
      bets.filter((b) => shown(b.issueKey)),
    ),
  );
  const names = new Map(outcomes.map((o) => [o.id, o.name]));
  const items = bets
    .filter((b) => shown(b.issueKey) && !sinceScan.has(b.issueKey))
    // Proposed from the measurements as they are now, not as the last scan read them.
    .map((b) =>
      itemOf(
        {
          ...b,
          proposal: currentProposal(b, outcomes, metricSeries),
          further: currentFurther(b, today, outcomes, metricSeries),
        },
        today,
        names,
      ),
    );
  const byCheckBy = (a: BetItem, b: BetItem) => a.checkBy.localeCompare(b.checkBy);
  return {
    due: items.filter((i) => i.status === 'due').sort(byCheckBy),
    unverified: items.filter((i) => i.status === 'unverified').sort(byCheckBy),
    tracking: items.filter((i) => i.status === 'tracking').sort(byCheckBy),
    recent,
    checkedAt:
      bets
        .map((b) => b.checkedAt)
        .sort()
        .pop() ?? null,
  };
}

/**
 * The verdict this request recorded already, or null. A request id recorded for anything else (another issue, a
 * kill review decision, another verdict or evidence) is refused before any write: replaying it would answer with
 * that decision as if this one had been recorded.
 */
async function replayOf(
  projectKey: string,
  idempotencyKey: string,
  issueKey: string,
  result: Result,
): Promise<VerdictEntry | null> {
  const recorded = await recordedDecision(projectKey, idempotencyKey);
  if (!recorded) return null;
  if (recorded.kind !== VERDICT_KIND || recorded.issueKey !== issueKey) throw reusedRequestId();
  const details = recorded.details ?? {};
  const same =
    details.verdict === result.verdict &&
    details.evidence === result.evidence &&
    details.measuredValue === result.measuredValue;
  if (!same) throw reusedRequestId();
  return verdictEntryOf(recorded);
}

export async function confirmVerdict(
  call: CallContext,
  input: VerdictRequest,
  clock: Clock,
): Promise<ConfirmVerdictData> {
  const projectKey = targetProject(call);
  const { issueKey, idempotencyKey } = input;
  if (issueKey.split('-')[0] !== projectKey)
    throw new ValidationError(`${issueKey} is not in project ${projectKey}.`, {
      issueKey: 'Not in this project.',
    });
  const rights = await requireBrowse(projectKey);
  if (!rights.edit)
    throw new NotAuthorizedError('Only people who can edit issues in this project can record a verdict.');

  const earlier = await replayOf(projectKey, idempotencyKey, issueKey, input.result);
  if (earlier) return { entry: earlier, replayed: true };

  // The kill review's lock (./decision-lock): one decision per issue at a time. A duplicate copy of this request
  // waits until the try holding it is done (released it, or can write nothing more), then reads what it left:
  // its log row is replayed, and a lens it wrote without a log row is finished, not written again.
  const taken = await takeDecisionLock(projectKey, issueKey, idempotencyKey, {
    sameRequest: 'after-holder',
    finished: () => replayOf(projectKey, idempotencyKey, issueKey, input.result),
  });
  if (!taken.held) return { entry: taken.done, replayed: true };
  const lock = taken.held;
  try {
    return await withClaimUnderLock(
      lock,
      issueKey,
      (check) => record(call, projectKey, input, clock, check),
      `${issueKey} is being saved by someone else right now. Reload and record the verdict again.`,
      { requestId: idempotencyKey, sameRequest: 'after-holder' },
    );
  } finally {
    await lock.release();
  }
}

/** The refusal of a verdict decided beside a proposal that measurements recorded since have changed. */
function proposalMovedMessage(
  issueKey: string,
  shown: ResultVerdict | null,
  now: ResultVerdict | null,
): string {
  const was = shown ? `proposed ${shown}` : 'proposed nothing';
  const is = now ? `proposes ${now}` : 'proposes nothing';
  return `A measurement came in since the review was read: ${issueKey}'s bet ${was} then and ${is} now. The review shows the new proposal: check the verdict and the evidence, and record it again.`;
}

/** A verdict to record; `proposed` is the proposal the review showed (absent: the caller showed none it vouches for). */
interface VerdictRequest {
  issueKey: string;
  idempotencyKey: string;
  result: Result;
  proposed?: ResultVerdict | null;
}

/** Records the verdict; `check` runs before each write, so a try that lost its lock or claim writes nothing. */
async function record(
  call: CallContext,
  projectKey: string,
  { issueKey, idempotencyKey, result, proposed: shown }: VerdictRequest,
  clock: Clock,
  check: ClaimCheck,
): Promise<ConfirmVerdictData> {
  const jira = JiraClient.asUser();
  const [outcomes, metricSeries, { settings }, actorName, tracked] = await Promise.all([
    listOutcomes(projectKey),
    listMetricSeries(projectKey),
    loadSettings(projectKey),
    jira.myselfName().catch(() => null),
    kvs.get<TrackedBet>(keys.bet(projectKey, issueKey)),
  ]);
  const issue = await readDecisionIssue(jira, issueKey, projectKey);
  const lens = readLens(issue.properties?.[ISSUE_PROPERTY_KEY]);
  const digest = requestDigest(result);
  // An earlier try of this request wrote the lens and stopped before the log row: finish it, write nothing again.
  const earlier = writeRequestOf(lens, idempotencyKey, call.accountId);
  if (earlier && earlier.digest !== digest) throw reusedRequestId();
  // A verdict judges what delivery did: an issue still open, or closed without delivery, has nothing to judge.
  // Delivered as the bet tracking reads it (src/scan/bets.ts): done, and not closed as abandoned.
  const resolution = issue.fields.resolution?.name ?? null;
  if (!earlier && !isDelivered(statusCategoryOf(issue), resolution, settings.kill.resolutionName))
    throw new ValidationError(notDeliveredReason(issueKey, statusCategoryOf(issue), resolution), {
      issueKey: 'Not delivered.',
    });
  if (lens.result && !earlier)
    throw new ConflictError(
      `${issueKey} already has a verdict (${lens.result.verdict}). Change it in the issue's panel if it is wrong.`,
    );
  // The proposal as the measurements make it now (currentProposal). A first try decided on another one refuses
  // before any write: the person judges the new reading, and the log keeps the proposal they saw.
  const current = tracked ? currentProposal(tracked, outcomes, metricSeries) : null;
  if (!earlier && shown !== undefined && shown !== (current?.verdict ?? null))
    throw new ValidationError(proposalMovedMessage(issueKey, shown, current?.verdict ?? null), {
      proposed: 'The proposal has changed since the review was read.',
    });
  // A retry finishing an earlier try logs the proposal that try was decided beside, even if a reading came since.
  const proposed = shown !== undefined ? shown : (current?.verdict ?? null);
  const proposal = current?.verdict === proposed ? current : null;
  const now = earlier ? new Date(earlier.at) : clock.now();
  if (!earlier) {
    let next: IssueLens = {
      ...lens,
      version: lens.version + 1,
      result,
      resultBy: call.accountId,
      resultAt: indexedMoment(now),
      betStatus: result.verdict,
      updatedAt: indexedMoment(now),
      updatedBy: call.accountId,
    };
    // The result counts in the score (evidence after delivery): rescored as the panel would.
    next = { ...next, ...(await rescored(issue, next, outcomes, settings, jira)) };
    // The request id goes into the same write, so a retry knows from the lens whether it landed.
    next = withWriteRequest(next, {
      id: idempotencyKey,
      by: call.accountId,
      version: next.version,
      at: now.toISOString(),
      score: next.score,
      digest,
    });
    next = keepingUnread(issue.properties?.[ISSUE_PROPERTY_KEY], next);
    // Refused before the first write, so neither the lens, the decision log nor the tracked bet is touched.
    checkLensFits(
      next,
      "Shorten the evidence, or the texts in the issue's panel, and record the verdict again.",
    );
    // Who recorded it goes into app storage first, where only the app writes (see saveIssueLens): refused, the
    // lens is not written; a lens write that then fails leaves the lens's result, and its recorder, as they were.
    await check();
    const written = readLens(next).result;
    const stamp = written && resultStampOf(written, { accountId: call.accountId, at: indexedMoment(now) });
    const { keptBefore } = stamp
      ? await saveResultStamp(issue.id, stamp, lens.result ?? null)
      : { keptBefore: false };
    await check();
    await check.writeLens(
      () => jira.setIssueProperty(issueKey, ISSUE_PROPERTY_KEY, next),
      async () => {
        const after = readLens(await jira.getIssueProperty(issueKey, ISSUE_PROPERTY_KEY));
        return after.version === next.version && after.updatedAt === next.updatedAt;
      },
    );
    // The lens holds the new result: the stamp it replaced vouches for nothing now.
    if (stamp && keptBefore) await settleResultStamp(issue.id, stamp);
  }

  const details: Record<string, unknown> = {
    verdict: result.verdict,
    proposed,
    overridden: proposed !== null && proposed !== result.verdict,
    evidence: result.evidence,
    reason: result.evidence,
    ...(result.measuredValue !== undefined ? { measuredValue: result.measuredValue } : {}),
    ...(proposal ? { proposalEvidence: proposal.evidence } : {}),
  };
  if (actorName) details.actorName = actorName;
  // The tracked bet before the log row: a recorded row is what a retry replays (replayOf), so a bet write that
  // failed after it would never be made again, and the next scan would read the verdict as the panel's.
  await check();
  if (tracked)
    await kvs.set(keys.bet(projectKey, issueKey), {
      ...tracked,
      status: result.verdict,
      result: { verdict: result.verdict, evidence: result.evidence },
      recordedBy: call.accountId,
      recordedAt: now.toISOString(),
      recordedIn: 'results-review',
    } satisfies TrackedBet);
  await check();
  const { decision } = await appendDecision(projectKey, {
    idempotencyKey,
    at: now.toISOString(),
    actorAccountId: call.accountId,
    kind: VERDICT_KIND,
    issueKey,
    summary: `verdict ${issueKey}: ${result.verdict}`.slice(0, 500),
    details,
  });
  return { entry: verdictEntryOf(decision), replayed: earlier !== null };
}
