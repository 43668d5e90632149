/**
 * The kill review forum: the zombie queue and the decisions taken on it (kill, keep, relink), each written to
 * the decision log. Jira changes are made asUser(), so Jira enforces the caller's rights, after an explicit
 * check that gives a clear message; a bulk decision's consumer, which has no user, makes them asApp() after
 * checking the person's rights for them. Decisions are idempotent: the browser sends one key per decision, a
 * repeat with that key replays the first answer, and a kill first looks at the issue's status, so neither a
 * double click nor a retry transitions or comments twice.
 */
import { ruleLabel } from '../domain/zombie-rule-labels';
import { kvs } from '../storage/kvs-client';
import type {
  DecideData,
  Decision,
  DecisionEntry,
  DecisionLogData,
  ZombieItem,
  ZombieQueueData,
  UnreadableIssues,
} from '../contract/project-page';
import { lastRealActivity } from '../domain/activity';
import { farDayMessage, farKillDates, MAX_YEARS_AHEAD, passedKillDates } from '../domain/check-by';
import { earliestLocalDay, indexedMoment, latestLocalDay, yearsAfter } from '../domain/dates';
import { assessIssue } from '../domain/assess-issue';
import { keptDuesOf } from '../domain/zombie';
import {
  appliedLabel,
  draftOf,
  ISSUE_PROPERTY_KEY,
  keepingUnread,
  killDateOf,
  readLens,
  type IssueLens,
} from '../domain/issue-lens';
import type { KillCriteria, Outcome } from '../domain/schemas';
import type { Settings } from '../domain/settings';
import {
  daysBetween,
  queueOptions,
  selectRows,
  type QueueFilter,
  type QueueRow,
  type QueueSort,
} from '../domain/zombie-queue';
import { FLAGGED_JQL } from '../contract/settings';
import {
  ConflictError,
  JiraHttpError,
  JiraRateLimitError,
  NotAuthorizedError,
  NotFoundError,
  ValidationError,
} from '../errors';
import { addCommentOnce } from '../jira/comment-once';
import { JiraClient, MAX_RECONCILE_ISSUES } from '../jira/client';
import { jqlString } from '../jira/jql';
import type { JiraChangeHistory, JiraIssue, JiraTransition } from '../jira/schemas';
import type { CallContext } from '../resolvers/endpoint';
import {
  appendDecision,
  completeRows,
  listDecisions,
  recordedDecision,
  type Decision as StoredDecision,
  type IdempotencyRecord,
} from '../storage/decisions';
import { keys } from '../storage/keys';
import { claimOwn, KVS_BATCH_ITEMS, listAll } from '../storage/kv';
import { scannedFiguresForCaller } from './scanned-figures';
import { UnreadableTally } from './unreadable-issues';
import { listOutcomes, type StoredOutcome } from '../storage/outcomes';
import { loadQueueRead, saveQueueRead } from '../storage/queue-reads';
import { listRunSummaries, liveScanLease, type RunSummaryBase } from '../storage/scan-state';
import { loadSettings } from '../storage/settings';
import type { Clock } from './outcome-map';
import {
  DECISION_WAIT_MS,
  SupersededError,
  takeDecisionLock,
  withClaimUnderLock,
  type ClaimCheck,
} from './decision-lock';
import { issueFacts, parentOutcomeOf, readDecisionIssue, statusCategoryOf } from './issue-facts';
import { checkLensFits, reusedRequestId } from './issue-lens-service';
import {
  hiddenFromCaller,
  requireBrowse,
  requireOwnKillRights,
  targetProject,
  visibleToCaller,
  type ProjectRights,
} from './project-access';

/**
 * How long a decision may be missing from Jira's search: its index "might not" show recent updates at once
 * (the platform spec); Atlassian's "Search and reconcile" page says most show "within seconds", some after
 * "minutes".
 */
export const SEARCH_LAG_WINDOW_MS = 10 * 60_000;
/** The most decision log rows read to tell what search may not show yet (five reads of app storage). */
const RECENT_DECISIONS_READ = 100;

/** A decision made on an issue lately, newest first: search may still match the issue as it was before it. */
export interface RecentDecision {
  issueKey: string;
  /** Jira's issue id (rows logged before ids were recorded have none). */
  issueId: string | null;
  kind: Decision['kind'];
  idempotencyKey: string;
  /** A relink's outcome. */
  outcomeId: string | null;
}

/**
 * The kill review's decisions of the last SEARCH_LAG_WINDOW_MS, newest first, one per issue (its latest). A
 * search made right after them passes their issues as `reconcileIssues` and leaves out what it still finds as it
 * was before them.
 */
export async function recentDecisions(projectKey: string, now: Date): Promise<RecentDecision[]> {
  const since = now.getTime() - SEARCH_LAG_WINDOW_MS;
  const out = new Map<string, RecentDecision>();
  let cursor: string | null = null;
  let read = 0;
  do {
    const page = await listDecisions(projectKey, { cursor, limit: 20 });
    read += page.decisions.length;
    for (const d of page.decisions) {
      // Newest first: the first row older than the window ends the read.
      if (!(Date.parse(d.at) >= since)) return [...out.values()];
      if (!d.issueKey || out.has(d.issueKey) || !['kill', 'keep', 'relink'].includes(d.kind)) continue;
      out.set(d.issueKey, {
        issueKey: d.issueKey,
        issueId: text(d.details?.issueId),
        kind: d.kind as Decision['kind'],
        idempotencyKey: d.idempotencyKey,
        outcomeId: text(d.details?.outcomeId),
      });
    }
    cursor = page.cursor;
  } while (cursor && read < RECENT_DECISIONS_READ);
  return [...out.values()];
}

/** The ids of the newest decided issues, as many as one search reconciles. */
export function reconcileIdsOf(recent: readonly RecentDecision[]): string[] {
  return recent.flatMap((d) => (d.issueId ? [d.issueId] : [])).slice(0, MAX_RECONCILE_ISSUES);
}

/** Stands in for the id of the comment a kill adds to its lens marker, when the lens is checked before it exists. */
const COMMENT_ID_ROOM = '9'.repeat(20);

/**
 * Whether the lens a search returned predates the issue's latest recent decision: the search found the issue as
 * it was before it (Jira's index behind), and what it says of it is no longer so.
 */
export function predatesDecision(lensMarker: unknown, decision: RecentDecision | undefined): boolean {
  if (!decision) return false;
  const marker = lensMarker as { idempotencyKey?: unknown } | undefined;
  return marker?.idempotencyKey !== decision.idempotencyKey;
}

/** At most this many flagged items are read for one answer (10 searches): the figures say when there are more. */
export const MAX_QUEUE_READ = 1000;
const SEARCH_PAGE = 100;

export interface FlaggedItem {
  item: ZombieItem;
  row: QueueRow;
  /** Jira's issue id (permission checks take ids). */
  issueId: string;
}

/**
 * What Jira orders the search by, so that the MAX_QUEUE_READ items read are the first of the queue's own order
 * and not the lowest keys. Jira's `updated` is the idle clock while the app has not edited the issue (its
 * property writes leave `updated` alone; the flag's label or comment, when switched on, move it). "Most rules
 * fired" has nothing Jira can order by: the first items by key are read.
 */
const ORDER_OF: Record<QueueSort, string> = {
  idle: 'updated ASC, key ASC',
  age: 'created ASC, key ASC',
  score: 'outcomeScore ASC, key ASC',
  rule: 'key ASC',
  key: 'key ASC',
};

/**
 * Every flagged open item of the project (up to MAX_QUEUE_READ, the first in `sort`'s order), as the caller may
 * see them; as the app for background work, whose person's rights in the project were checked first.
 */
export async function readFlagged(
  projectKey: string,
  now: Date,
  as: 'user' | 'app' = 'user',
  sort: QueueSort = 'key',
): Promise<{ flagged: FlaggedItem[]; truncated: boolean; unreadable: UnreadableIssues | null }> {
  const jira = as === 'app' ? JiraClient.asApp() : JiraClient.asUser();
  // Jira's search may not show the decisions just made (the queue reloaded after a Kill): the newest decided
  // issues are matched as they are now, and one still found as it was before its decision is left out.
  const recent = await recentDecisions(projectKey, now);
  const decidedLately = new Map(recent.map((d) => [d.issueKey, d]));
  const reconcileIssues = reconcileIdsOf(recent);
  const flagged: FlaggedItem[] = [];
  const unreadable = new UnreadableTally();
  let token: string | null = null;
  do {
    const page = unreadable.add(
      await jira.searchJql({
        jql: `project = ${jqlString(projectKey)} AND statusCategory != Done AND ${FLAGGED_JQL} ORDER BY ${ORDER_OF[sort]}`,
        fields: ['summary', 'status', 'issuetype', 'assignee', 'created', 'updated'],
        properties: [ISSUE_PROPERTY_KEY],
        maxResults: SEARCH_PAGE,
        nextPageToken: token,
        ...(reconcileIssues.length ? { reconcileIssues } : {}),
      }),
    );
    for (const issue of page.issues) {
      const lens = readLens(issue.properties?.[ISSUE_PROPERTY_KEY]);
      // What the search returned no longer meets the query (closed, or its flag gone), or predates a decision.
      if (statusCategoryOf(issue) === 'done' || lens.zombie !== 'true') continue;
      const marker = (lens as IssueLens & { lastDecision?: LensMarker }).lastDecision;
      if (predatesDecision(marker, decidedLately.get(issue.key))) continue;
      flagged.push(flaggedItem(issue, now.getTime()));
    }
    token = page.nextPageToken;
  } while (token && flagged.length < MAX_QUEUE_READ);
  return {
    flagged: flagged.slice(0, MAX_QUEUE_READ),
    truncated: token !== null || flagged.length > MAX_QUEUE_READ,
    unreadable: unreadable.result(),
  };
}

function flaggedItem(issue: JiraIssue, nowMs: number): FlaggedItem {
  const lens = readLens(issue.properties?.[ISSUE_PROPERTY_KEY]);
  const fields = issue.fields as JiraIssue['fields'] & {
    assignee?: { accountId?: string; displayName?: string } | null;
    created?: string;
    updated?: string;
  };
  const created = fields.created ?? new Date(nowMs).toISOString();
  const lastActivity = lastRealActivity({
    created,
    updated: fields.updated ?? created,
    lastAppEditAt: lens.lastAppEditAt,
    realActivityBeforeAppEdit: lens.realActivityBeforeAppEdit,
    appEditPending: !!lens.appEditTask,
  });
  const assignee = fields.assignee?.accountId
    ? {
        accountId: fields.assignee.accountId,
        displayName: fields.assignee.displayName ?? fields.assignee.accountId,
      }
    : null;
  const rules = (lens.flag?.rules ?? []).map((r) => ({
    rule: r.rule,
    since: r.since,
    detail: r.detail,
    clearBy: r.clearBy,
    ...(r.figures ? { figures: r.figures } : {}),
  }));
  const item: ZombieItem = {
    key: issue.key,
    summary: fields.summary ?? '',
    issueType: fields.issuetype?.name ?? 'Issue',
    statusName: fields.status?.name ?? '',
    outcomeId: lens.outcomeId,
    rules,
    flaggedAt: lens.flag?.flaggedAt ?? null,
    assignee,
    idleDays: daysBetween(lastActivity, nowMs),
    ageDays: daysBetween(created, nowMs),
    score: lens.score,
  };
  return {
    issueId: issue.id,
    item,
    row: {
      key: issue.key,
      issueType: item.issueType,
      assignee,
      created,
      lastActivity,
      score: lens.score,
      rules: rules.map((r) => r.rule),
    },
  };
}

/**
 * The keys of every flagged item matching the filter, in the queue's order: what "all N matching" acts on. Read
 * in the order the page listed them, so that past MAX_QUEUE_READ it is the part the person saw.
 */
export async function matchingKeys(
  projectKey: string,
  filter: QueueFilter,
  now: Date,
  as: 'user' | 'app' = 'user',
  sort: QueueSort = 'key',
): Promise<{ keys: string[]; truncated: boolean; idOf: Map<string, string> }> {
  const { flagged, truncated } = await readFlagged(projectKey, now, as, sort);
  const keys = selectRows(
    flagged.map((f) => f.row),
    filter,
    sort,
  ).map((r) => r.key);
  return { keys, truncated, idOf: new Map(flagged.map((f) => [f.item.key, f.issueId])) };
}

/** How long a person's read of the queue may answer their next pages, filters and reloads (`reuse`). */
export const QUEUE_READ_REUSE_MS = 5 * 60_000;
/**
 * How far back the decision log is compared with what it held when a read was kept. A decision's row is dated when
 * it started and written when it ended (a retry keeps the first try's date), and invocations' clocks differ: a row
 * dated a little before the read may be written after it. Any row of this window the read did not see is new.
 */
const DECISION_LOOKBACK_MS = SEARCH_LAG_WINDOW_MS;
/** Past this many rows in that window, the queue is read from Jira instead of kept or patched. */
const DECISIONS_PATCHED = 200;
/** The newest scan runs a kept read compares: a run that did not start writes a summary of its own. */
const SCAN_RUNS_COMPARED = 5;

type FlaggedRead = Awaited<ReturnType<typeof readFlagged>>;
interface QueueReadMeta {
  truncated: boolean;
  unreadable: UnreadableIssues | null;
  /** The newest scan runs when the read was made (a run flags and clears items): their ids, states and ends. */
  scan: string;
  /** The ids of the decision log's rows of the lookback window when the read was made. */
  decisions: string[];
}

/**
 * The flagged items for one answer of the queue, whether they come from a kept read, and when they were read from
 * Jira. With `reuse`, the person's read of the last QUEUE_READ_REUSE_MS in this sort answers, less the items of the
 * decisions logged since (whoever made them), while no scan has run or started since; otherwise, or when it cannot
 * be told, Jira is read. A read is kept only while no scan runs and none finished within the search's lag (Jira
 * may not show its flags yet). Keeping it is a saving, not a duty: storage refusing it costs the next answer a
 * read, nothing more.
 */
async function flaggedForQueue(
  projectKey: string,
  accountId: string,
  sort: QueueSort,
  reuse: boolean,
  now: Date,
): Promise<FlaggedRead & { readAt: string; kept: boolean }> {
  const scan = await scanStateOf(projectKey, now);
  if (reuse && scan?.settled) {
    const kept = await loadQueueRead<FlaggedItem, QueueReadMeta>(projectKey, accountId, sort).catch(
      (e: unknown) => {
        console.warn('kill review: the kept queue read could not be loaded', e);
        return null;
      },
    );
    const takenAt = kept ? Date.parse(kept.head.takenAt) : NaN;
    const fresh = now.getTime() - takenAt < QUEUE_READ_REUSE_MS && takenAt <= now.getTime();
    if (kept && fresh && kept.head.meta.scan === scan.marker && Array.isArray(kept.head.meta.decisions)) {
      const logged = await decisionsSince(projectKey, takenAt - DECISION_LOOKBACK_MS);
      if (logged !== null) {
        const seen = new Set(kept.head.meta.decisions);
        const decided = new Set(logged.flatMap((d) => (seen.has(d.id) || !d.issueKey ? [] : [d.issueKey])));
        return {
          flagged: kept.items.filter((f) => !decided.has(f.item.key)),
          truncated: kept.head.meta.truncated,
          unreadable: kept.head.meta.unreadable,
          readAt: kept.head.takenAt,
          kept: true,
        };
      }
    }
  }
  // The log's rows before the read: what was logged after it is then told apart from them.
  const logged =
    scan?.settled && scan.searchCaughtUp
      ? await decisionsSince(projectKey, now.getTime() - DECISION_LOOKBACK_MS)
      : null;
  const read = await readFlagged(projectKey, now, 'user', sort);
  const takenAt = now.toISOString();
  if (scan?.settled && scan.searchCaughtUp && logged !== null)
    await saveQueueRead(projectKey, accountId, sort, {
      takenAt,
      items: read.flagged,
      meta: {
        truncated: read.truncated,
        unreadable: read.unreadable,
        scan: scan.marker,
        decisions: logged.map((d) => d.id),
      },
    }).catch((e: unknown) => console.warn('kill review: the queue read could not be kept', e));
  return { ...read, readAt: takenAt, kept: false };
}

/**
 * The project's scan runs as they stand: `marker` names the newest runs' ids, states and ends (a run flags and
 * clears items: any change of them ends a kept read); `settled` while no run holds the scan lease; `searchCaughtUp`
 * once the newest finished run ended longer ago than Jira's search may lag behind its writes. Null when storage
 * could not say.
 */
async function scanStateOf(
  projectKey: string,
  now: Date,
): Promise<{ marker: string; settled: boolean; searchCaughtUp: boolean } | null> {
  try {
    const runs = await listRunSummaries<RunSummaryBase & { status?: string; finishedAt?: string | null }>(
      projectKey,
      SCAN_RUNS_COMPARED,
    );
    const lastEnd = Math.max(0, ...runs.map((r) => Date.parse(r.finishedAt ?? '') || 0));
    return {
      marker: runs.map((r) => `${r.runId}:${r.status ?? ''}:${r.finishedAt ?? ''}`).join(','),
      settled: (await liveScanLease(projectKey, now)) === null,
      searchCaughtUp: now.getTime() - lastEnd >= SEARCH_LAG_WINDOW_MS,
    };
  } catch (e) {
    console.warn('kill review: the scan runs could not be read', e);
    return null;
  }
}

/**
 * The decision log's rows dated from `sinceMs` on, or null when there are more than DECISIONS_PATCHED or the log
 * could not be read.
 */
async function decisionsSince(projectKey: string, sinceMs: number): Promise<StoredDecision[] | null> {
  const rows: StoredDecision[] = [];
  let cursor: string | null = null;
  try {
    do {
      const page = await listDecisions(projectKey, { cursor, limit: 25 });
      for (const d of page.decisions) {
        // Newest first: the first row older than the window ends the look.
        if (!(Date.parse(d.at) >= sinceMs)) return rows;
        if (rows.push(d) > DECISIONS_PATCHED) return null;
      }
      cursor = page.cursor;
    } while (cursor);
    return rows;
  } catch (e) {
    console.warn('kill review: the decision log could not be read', e);
    return null;
  }
}

export async function zombieQueue(
  call: CallContext,
  input: {
    sort: QueueSort;
    filter: QueueFilter;
    offset: number;
    limit: number;
    listed?: string[] | undefined;
    reuse?: boolean | undefined;
  },
  clock: Clock,
): Promise<ZombieQueueData> {
  const projectKey = targetProject(call);
  await requireBrowse(projectKey);
  const read = await flaggedForQueue(
    projectKey,
    call.accountId,
    input.sort,
    input.reuse === true,
    clock.now(),
  );
  const { truncated, unreadable, readAt } = read;
  let { flagged } = read;
  const listed = new Set(input.listed ?? []);
  let answer = queuePage(flagged, input, listed);
  // A kept read was made as this person minutes ago: an issue a security level has kept from them since is not
  // shown. Its page is checked, and checked again once what was hidden left it (each round takes at least one
  // item out, so the rounds end).
  while (read.kept && answer.page.length > 0) {
    const hidden = await hiddenFromCaller(answer.page.map((r) => r.key));
    if (hidden.size === 0) break;
    flagged = flagged.filter((f) => !hidden.has(f.item.key.toUpperCase()));
    answer = queuePage(flagged, input, listed);
  }
  const { rows, unlisted, page } = answer;
  const byKey = new Map(flagged.map((f) => [f.item.key, f.item]));
  const queued = new Set(rows.map((r) => r.key));
  const end = input.offset + page.length;
  return {
    items: page.map((r) => byKey.get(r.key)!),
    total: rows.length,
    flagged: flagged.length,
    offset: input.offset,
    nextOffset: end < unlisted.length ? end : null,
    options: queueOptions(flagged.map((f) => f.row)),
    truncated,
    // Only part was read: how many the last finished scan flagged in all, as the map and health count them.
    flaggedInAll: truncated ? await scannedZombies(projectKey) : null,
    gone: [...listed].filter((key) => !queued.has(key)),
    unreadable,
    readAt,
  };
}

/**
 * The rows the filter keeps, in the sort's order, and the page asked for. Offsets count in what the page does not
 * list yet: "Load more" asks from 0 past the keys it lists.
 */
function queuePage(
  flagged: readonly FlaggedItem[],
  input: { sort: QueueSort; filter: QueueFilter; offset: number; limit: number },
  listed: ReadonlySet<string>,
): { rows: QueueRow[]; unlisted: QueueRow[]; page: QueueRow[] } {
  const rows = selectRows(
    flagged.map((f) => f.row),
    input.filter,
    input.sort,
  );
  const unlisted = listed.size > 0 ? rows.filter((r) => !listed.has(r.key)) : rows;
  return { rows, unlisted, page: unlisted.slice(input.offset, input.offset + input.limit) };
}

async function scannedZombies(projectKey: string): Promise<ZombieQueueData['flaggedInAll']> {
  const { figures } = await scannedFiguresForCaller(projectKey);
  return figures ? { count: figures.health.zombies, at: figures.at } : null;
}

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/**
 * The stored decision as the page shows it: what was decided in its own fields. `outcomeNames` names the
 * previous outcome of a relink (its name was not recorded with the decision).
 */
export function toEntry(d: StoredDecision, outcomeNames?: ReadonlyMap<string, string>): DecisionEntry {
  const details = { ...(d.details ?? {}) };
  const rules = Array.isArray(details.rules) ? (details.rules as DecisionEntry['rules']) : [];
  const reason = typeof details.reason === 'string' ? details.reason : d.summary;
  const byName = typeof details.actorName === 'string' ? details.actorName : null;
  delete details.rules;
  delete details.reason;
  delete details.actorName;
  delete details.issueId;
  const outcomeId = text(details.outcomeId);
  const previousOutcomeId = text(details.previousOutcomeId);
  const killCriteria =
    details.killCriteria && typeof details.killCriteria === 'object'
      ? (details.killCriteria as KillCriteria)
      : null;
  return {
    id: d.id,
    issueKey: d.issueKey ?? '',
    kind: d.kind as DecisionEntry['kind'],
    reason,
    by: d.actorAccountId ?? 'app',
    byName: byName ?? (d.actorAccountId ? null : 'Outcome Lens'),
    at: d.at,
    rules,
    relinkedTo: outcomeId
      ? { id: outcomeId, name: text(details.outcomeName) ?? outcomeNames?.get(outcomeId) ?? outcomeId }
      : null,
    previousOutcome: previousOutcomeId
      ? { id: previousOutcomeId, name: outcomeNames?.get(previousOutcomeId) ?? null }
      : null,
    snoozeUntil: text(details.snoozeUntil),
    killCriteria,
    transition: text(details.transition),
    resolution: text(details.resolution),
    details,
  };
}

export async function decisionLog(
  call: CallContext,
  input: { cursor?: string | null | undefined; limit: number },
): Promise<DecisionLogData> {
  const projectKey = targetProject(call);
  await requireBrowse(projectKey);
  const entries: DecisionEntry[] = [];
  const outcomeNames = new Map((await listOutcomes(projectKey)).map((o) => [o.id, o.name]));
  let cursor = input.cursor ?? null;
  // The store pages by at most 100; the export asks for more.
  do {
    const page = await listDecisions(projectKey, {
      cursor,
      limit: Math.min(100, input.limit - entries.length),
    });
    entries.push(
      ...page.decisions
        .filter((d) => ['kill', 'keep', 'relink'].includes(d.kind))
        .map((d) => toEntry(d, outcomeNames)),
    );
    cursor = page.cursor;
  } while (cursor && entries.length < input.limit);
  // The log is the app's record: a decision on an issue kept from this person (its security level) is left out.
  return { entries: await visibleToCaller(entries, (e) => e.issueKey), nextCursor: cursor };
}

// ---- decisions --------------------------------------------------------------------------------------------

/** The configured transition, else one into a done status named like the resolution, else any into done. */
export function pickKillTransition(
  transitions: JiraTransition[],
  kill: Settings['kill'],
): JiraTransition | null {
  const same = (a: string | undefined, b: string) => (a ?? '').toLowerCase() === b.toLowerCase();
  if (kill.transitionName) return transitions.find((t) => same(t.name, kill.transitionName!)) ?? null;
  const intoDone = transitions.filter((t) => t.to?.statusCategory?.key === 'done');
  return intoDone.find((t) => same(t.name, kill.resolutionName)) ?? intoDone[0] ?? null;
}

function paragraph(text: string) {
  return { type: 'paragraph', content: [{ type: 'text', text }] };
}

/**
 * The kill comment. It names the person who decided: a comment the app writes (a bulk decision, a decision
 * the app completes) shows the app as its author.
 */
export function killCommentAdf(
  reason: string,
  rules: Array<{ rule: string; since: string }>,
  /** What Jira closed it with; null when its workflow set no resolution. */
  resolution: string | null,
  decidedBy: string | null = null,
) {
  // The rules by the names the page shows, not their ids: the comment is read by the squad in Jira.
  // A rule stored without its day (written by hand) is named without one.
  const lines = rules.map((r) => (r.since ? `${ruleLabel(r.rule)} (since ${r.since})` : ruleLabel(r.rule)));
  const by = decidedBy ? ` by ${decidedBy}` : '';
  return {
    type: 'doc',
    version: 1,
    content: [
      paragraph(
        resolution
          ? `Killed in Outcome Lens kill review${by}, closed as "${resolution}" (not completed).`
          : `Killed in Outcome Lens kill review${by}, closed without a resolution (not completed).`,
      ),
      paragraph(`Why: ${reason}`),
      ...(lines.length ? [paragraph(`Zombie rules that fired: ${lines.join('; ')}.`)] : []),
    ],
  };
}

/**
 * What a decision records in app storage before its first side effect: everything needed to finish it, so a
 * retry with the same key, or the next scan run when nobody retries, completes it (completeInterruptedDecisions).
 * Deleted once the decision's log row is written.
 */
export interface DecisionIntent {
  issueKey: string;
  kind: Decision['kind'];
  /** The decision as asked (absent in an intent recorded by an older version: such an intent is only a guard). */
  decision?: Decision;
  accountId?: string | null;
  actorName?: string | null;
  /** When the decision was first asked (ISO), the log row's date. */
  at?: string;
  /** The zombie rules that fired, as the flag said before the decision cleared it. */
  rules?: Array<{ rule: string; since: string }>;
  /** A relink's outcome before it. */
  previousOutcomeId?: string | null;
  /** The kill comment: not sent yet, sent without an answer, or made. */
  comment: 'none' | 'sending' | 'made';
  commentId?: string;
  /** A bulk kill closes the issue with Jira's bulk transition before this decision runs: the one it used. */
  transition?: string;
  /**
   * When a try last sent the kill's transition (or the bulk its own), by the app's clock: the sweep takes an issue
   * closed around then for this kill's, and one closed much later, by hand, for a person's.
   */
  closingAt?: string;
  /** The status a try's kill transition goes to (its id): the status history's close by this kill goes there. */
  closeTo?: string;
  /**
   * The bulk job that recorded it: its items are decided by the job's own step, so the sweep leaves the intent
   * alone until the job is over.
   */
  jobId?: string;
  /** When the flag this decision answers was raised (absent in older intents, or for an item not flagged). */
  flaggedAt?: string;
}

interface LensMarker {
  idempotencyKey: string;
  kind: Decision['kind'];
  commentId?: string;
}

/** Who decided, as the log row names them: the person, also when the app completes their decision. */
interface Actor {
  accountId: string | null;
  actorName: string | null;
}

export async function rescored(
  issue: JiraIssue,
  lens: IssueLens,
  outcomes: Outcome[],
  settings: Settings,
  jira: JiraClient,
): Promise<Pick<IssueLens, 'score' | 'killDate'>> {
  const parentKey = issue.fields.parent?.key;
  const parentOutcome = parentKey ? await parentOutcomeOf(jira, parentKey) : null;
  const a = assessIssue(
    issueFacts(issue, parentOutcome),
    draftOf(lens),
    new Map(outcomes.map((o) => [o.id, o])),
    settings,
  );
  return { score: a.score.total, killDate: killDateOf(lens.killCriteria) };
}

/** How long a try of a kill waits for another try's comment to be made before it goes on without it. */
const COMMENT_WAIT_MS = 5_000;
/** A comment claim outlives every try of its decision; one sent and never answered stays sent. */
const COMMENT_CLAIM_TTL = { value: 30, unit: 'DAYS' } as const;

/**
 * Sends a kill's comment at most once however many tries of the decision run at once (a take-over, a duplicated
 * event): only the try that claims the comment sends it, and records it in the intent. Another try waits for that
 * comment and answers its id. A refused call (429, a 5xx after which the comment is not found) made no comment:
 * its claim is given back, so a waiting or later try sends it. One found made after a 5xx is taken as made
 * (addCommentOnce). Null when the comment is still on its way after the wait, or may have been made unanswered.
 */
async function commentOnce(
  projectKey: string,
  idempotencyKey: string,
  intent: DecisionIntent,
  send: () => Promise<{ id: string }>,
): Promise<string | null> {
  const intentKey = keys.decisionIntent(projectKey, idempotencyKey);
  const claimKey = keys.decisionComment(projectKey, idempotencyKey);
  for (let waited = 0; ; waited += 100) {
    if (await claimOwn(claimKey, { at: intent.at }, COMMENT_CLAIM_TTL)) {
      const sending: DecisionIntent = { ...intent, comment: 'sending' };
      try {
        await kvs.set(intentKey, sending);
      } catch (e) {
        // Nothing was sent, though the write may have been stored: the intent says so again and the claim is given
        // back, so the retry sends the comment instead of taking it for sent or waiting for it.
        await kvs
          .set(intentKey, { ...intent, comment: 'none' })
          .then(() => kvs.delete(claimKey))
          .catch(() => undefined);
        throw e;
      }
      let comment: { id: string };
      try {
        comment = await send();
      } catch (e) {
        if (e instanceof JiraRateLimitError || e instanceof JiraHttpError) {
          await kvs.set(intentKey, { ...sending, comment: 'none' });
          await kvs.delete(claimKey);
        }
        throw e;
      }
      await kvs.set(intentKey, { ...sending, comment: 'made', commentId: comment.id });
      return comment.id;
    }
    const now = await kvs.get<DecisionIntent>(intentKey);
    if (now?.comment === 'made' && now.commentId) return now.commentId;
    if (waited >= COMMENT_WAIT_MS) return null;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The decision this request recorded already, or null. A request id recorded for another issue or another kind
 * of decision is refused before anything is done: replaying it would answer with that one and log nothing.
 */
export async function replayOf(
  projectKey: string,
  idempotencyKey: string,
  request: { issueKey: string; kind: string },
): Promise<DecisionEntry | null> {
  const recorded = await recordedDecision(projectKey, idempotencyKey);
  if (!recorded) return null;
  if (recorded.issueKey !== request.issueKey || recorded.kind !== request.kind) throw reusedRequestId();
  return toEntry(recorded);
}

export async function decide(
  call: CallContext,
  input: { issueKey: string; idempotencyKey: string; decision: Decision },
  clock: Clock,
): Promise<DecideData> {
  const projectKey = targetProject(call);
  checkInProject(input.issueKey, projectKey);
  // Rights first: a replay answers with the recorded decision, which only a decider may see.
  // A kill's rights are asked of the issue itself, in the one call a decision's rights take.
  if (input.decision.kind === 'kill') await requireOwnKillRights(input.issueKey);
  else requireDecider(await requireBrowse(projectKey), input.decision.kind);
  return decideChecked(call, input, clock);
}

/**
 * A Keep's snooze and new kill dates must lie ahead, and within MAX_YEARS_AHEAD: a past one would be no decision at
 * all, and one decades ahead (a year typed wrong) would take the item out of review for good; a kill date inside the
 * snooze is refused too. Every day refused is named at once.
 */
export function refuseDatesOutOfReach(decision: Decision, now: Date): void {
  if (decision.kind !== 'keep') return;
  // What has passed is judged by the earliest day anyone can still call today (west of UTC, the evening's today is
  // UTC's yesterday); what is too far, by the latest.
  const today = earliestLocalDay(now);
  const latestToday = latestLocalDay(now);
  // Each with what its field says (how to mend it) and what the form's banner says (which date): they differ, so
  // the form does not show one sentence twice.
  const refused: Array<{ path: string; field: string; banner: string }> = [];
  const headline = (message: string) => `${message.slice(0, message.indexOf(':'))}.`;
  const snooze = decision.snoozeUntil;
  const latest = yearsAfter(latestToday, MAX_YEARS_AHEAD);
  if (snooze !== undefined && snooze < today)
    refused.push({
      path: 'decision.snoozeUntil',
      field: `${snooze} has passed: choose today or a day ahead.`,
      banner: `Snooze until ${snooze} has already passed.`,
    });
  else if (snooze !== undefined && snooze > latest) {
    const field = farDayMessage('Snooze until', snooze, latest);
    refused.push({ path: 'decision.snoozeUntil', field, banner: headline(field) });
  }
  const killCriteria = decision.killCriteria;
  for (const d of killCriteria
    ? [
        ...passedKillDates({ killCriteria }, null, today),
        ...farKillDates({ killCriteria }, null, latestToday),
      ]
    : [])
    refused.push({ path: `decision.${d.path}`, field: d.message, banner: headline(d.message) });
  // A kill date inside the snooze passes while the item is out of review: it comes back at the snooze's end, with
  // the kill date already past, so one of the two dates means nothing.
  const deadline = killCriteria?.deadline;
  if (!refused.length && snooze !== undefined && deadline !== undefined && deadline < snooze)
    refused.push({
      path: 'decision.killCriteria.deadline',
      field: `Kill date ${deadline} falls inside the snooze, which ends ${snooze}: choose a kill date after it, or snooze for less.`,
      banner: `Kill date ${deadline} is before the snooze ends (${snooze}).`,
    });
  if (!refused.length) return;
  const more = refused.length - 1;
  throw new ValidationError(
    `${refused[0]!.banner}${more ? ` ${more === 1 ? 'One more date' : `${more} more dates`} cannot be used.` : ''}`,
    Object.fromEntries(refused.map((r) => [r.path, r.field])),
  );
}

function checkInProject(issueKey: string, projectKey: string): void {
  if (issueKey.split('-')[0] !== projectKey)
    throw new ValidationError(`${issueKey} is not in project ${projectKey}.`, {
      issueKey: 'Not in this project.',
    });
}

export function requireDecider(rights: ProjectRights, kind: Decision['kind']): void {
  if (!rights.edit || (kind === 'kill' && !rights.transition))
    throw new NotAuthorizedError(
      'Only people who can edit and transition issues in this project can decide in kill review.',
    );
}

/**
 * Whether a decision was recorded for each idempotency key (a bulk step skips those items), read in batches:
 * true when recorded, false when storage said there is none; a key storage could not answer is left out.
 */
export async function recordedDecisions(
  projectKey: string,
  idempotencyKeys: readonly string[],
): Promise<Map<string, boolean>> {
  const recorded = new Map<string, boolean>();
  const byStorageKey = new Map(idempotencyKeys.map((k) => [keys.decisionIdempotency(projectKey, k), k]));
  const storageKeys = [...byStorageKey.keys()];
  for (let i = 0; i < storageKeys.length; i += KVS_BATCH_ITEMS) {
    const batch = storageKeys.slice(i, i + KVS_BATCH_ITEMS);
    const answer = await kvs.batchGet<IdempotencyRecord>(batch.map((key) => ({ key })));
    for (const found of answer.successfulKeys) {
      const key = byStorageKey.get(found.key);
      if (key !== undefined) recorded.set(key, true);
    }
    // A decision is recorded by its claim; a row a stopped try left out is written now.
    await completeRows(answer.successfulKeys.map((found) => found.value));
    for (const failed of answer.failedKeys) {
      const key = byStorageKey.get(failed.key);
      if (key !== undefined && failed.error.code === 'KEY_NOT_FOUND') recorded.set(key, false);
    }
  }
  return recorded;
}

/**
 * Records, before a bulk transition closes the issue for this decision, the intent its own decision resumes:
 * that decision then finds the issue closed by it and does not transition it again.
 */
export async function recordBulkKillIntent(
  projectKey: string,
  idempotencyKey: string,
  issueKey: string,
  o: {
    decision: Decision;
    accountId: string;
    actorName: string | null;
    jobId: string;
    at: string;
    transition: string;
    flaggedAt: string | undefined;
  },
): Promise<void> {
  const intentKey = keys.decisionIntent(projectKey, idempotencyKey);
  if (await kvs.get<DecisionIntent>(intentKey)) return;
  await kvs.set(
    intentKey,
    {
      issueKey,
      kind: 'kill',
      decision: o.decision,
      accountId: o.accountId,
      // The sweep may complete it once the job is over: its log row and comment name the person.
      actorName: o.actorName,
      jobId: o.jobId,
      at: o.at,
      comment: 'none',
      transition: o.transition,
      closingAt: o.at,
      ...(o.flaggedAt ? { flaggedAt: o.flaggedAt } : {}),
    } satisfies DecisionIntent,
    // Nothing may read a close months later as this kill: the intent goes with the job.
    { ttl: BULK_INTENT_TTL },
  );
}

const BULK_INTENT_TTL = { value: 30, unit: 'DAYS' } as const;

/**
 * Drops the bulk intents of items a bulk job reports as not decided whose issue the job did not close: the
 * person was told the item was not killed, so a later close by hand must never be logged as this kill. An intent
 * whose issue the job did close stays, for the sweep to complete under the person's name. Best effort: an intent
 * left behind is still bounded by its TTL and by begun()'s time window.
 */
export async function dropUnbegunBulkIntents(
  projectKey: string,
  items: ReadonlyArray<{ issueKey: string; idempotencyKey: string }>,
): Promise<void> {
  const byStorageKey = new Map(items.map((i) => [keys.decisionIntent(projectKey, i.idempotencyKey), i]));
  const storageKeys = [...byStorageKey.keys()];
  const found: Array<{ key: string; intent: DecisionIntent; idempotencyKey: string }> = [];
  for (let i = 0; i < storageKeys.length; i += KVS_BATCH_ITEMS) {
    const answer = await kvs.batchGet<DecisionIntent>(
      storageKeys.slice(i, i + KVS_BATCH_ITEMS).map((key) => ({ key })),
    );
    for (const { key, value } of answer.successfulKeys) {
      const item = byStorageKey.get(key);
      if (item && value?.transition && value.issueKey === item.issueKey)
        found.push({ key, intent: value, idempotencyKey: item.idempotencyKey });
    }
  }
  if (found.length === 0) return;
  const { settings } = await loadSettings(projectKey);
  const jira = JiraClient.asApp();
  for (const { key, intent, idempotencyKey } of found) {
    // An issue Jira could not read now is left for the sweep: only one gone, or not closed by this job, drops it.
    const issue = await issueOfIntent(jira, intent).catch(() => undefined);
    if (issue === undefined) continue;
    if (issue && begun(intent, idempotencyKey, issue, settings)) continue;
    // Closed by the job and reopened since: the sweep logs that kill. A history Jira did not answer leaves it too.
    if (issue && (await closedThenReopened(jira, intent, issue).catch(() => true))) continue;
    await kvs.delete(key);
  }
}

/** The issue an intent was recorded for, with what begun() reads of it; null when it no longer exists. */
async function issueOfIntent(jira: JiraClient, intent: DecisionIntent): Promise<JiraIssue | null> {
  try {
    return await jira.getIssue(intent.issueKey, {
      fields: ['status', 'labels', 'resolution', 'statuscategorychangedate'],
      properties: [ISSUE_PROPERTY_KEY],
    });
  } catch (e) {
    if (e instanceof NotFoundError) return null;
    throw e;
  }
}

/** What a decision reads from app storage besides the issue: a caller deciding many items reads it once. */
export interface DecisionSetting {
  settings: Settings;
  outcomes: StoredOutcome[];
}

/** The project's settings and outcomes, as a decision reads them. */
export async function decisionSetting(projectKey: string): Promise<DecisionSetting> {
  const [outcomes, { settings }] = await Promise.all([listOutcomes(projectKey), loadSettings(projectKey)]);
  return { settings, outcomes };
}

/**
 * How the item was listed when the person chose it, which a new decision must still find true: `flagged` (the kill
 * review: one decided meanwhile, in another tab or by someone else, is refused, not decided again) or `unlinked`
 * (the outcome map's items serving no outcome: one linked to another outcome meanwhile keeps that link).
 */
export type ListedAs = 'flagged' | 'unlinked';

/** An item listed as serving no outcome, found linked to another outcome when its link was to be made. */
export const linkedMeanwhileMessage = (issueKey: string) =>
  `${issueKey} was linked to an outcome after the list was loaded (in another tab or by someone else): left as it is.`;

/**
 * One decision, for a caller whose rights were checked (by decide, or once per step of a bulk decision). A caller
 * that just read the request's idempotency key and found no decision says so (`knownUnrecorded`), so it is not
 * read again: a copy of the request recorded meanwhile is still found by the lock, or completed as a retry is.
 * A caller deciding many items passes the `setting` it read once for them.
 */
export async function decideChecked(
  call: CallContext,
  input: { issueKey: string; idempotencyKey: string; decision: Decision },
  clock: Clock,
  {
    knownUnrecorded = false,
    setting,
    listedAs = 'flagged',
  }: { knownUnrecorded?: boolean; setting?: DecisionSetting; listedAs?: ListedAs } = {},
): Promise<DecideData> {
  const projectKey = targetProject(call);
  const { issueKey, idempotencyKey } = input;
  checkInProject(issueKey, projectKey);
  const request = { issueKey, kind: input.decision.kind };
  const earlier = knownUnrecorded ? null : await replayOf(projectKey, idempotencyKey, request);
  if (earlier) return { entry: earlier, replayed: true, statusName: null };
  // A person's new decision may not snooze into the past (a replay above keeps what was accepted; background
  // steps carry a decision checked when it was made).
  if (!call.background) refuseDatesOutOfReach(input.decision, clock.now());

  // One try of one decision at a time per issue: a concurrent duplicate waits for the first, then replays it.
  // Background work has no user: it acts as the app, for a person whose rights it checked (personRights).
  const jira = call.background ? JiraClient.asApp() : JiraClient.asUser();
  // The decider's name is kept with the decision (one call per decision), so the log needs no lookups.
  const actorNameOf = call.background
    ? Promise.resolve(call.background.actorName)
    : jira.myselfName().catch(() => null); // a missing name must not block a decision
  // An earlier try of this request still holding the lock is taken over at once: its intent lets this try finish
  // what it began, and its next check fails. A copy of the request that finished meanwhile is replayed.
  const taken = await takeDecisionLock(projectKey, issueKey, idempotencyKey, {
    sameRequest: 'take-over',
    finished: () => replayOf(projectKey, idempotencyKey, request),
  });
  if (!taken.held) return { entry: taken.done, replayed: true, statusName: null };
  const lock = taken.held;
  try {
    const actorName = await actorNameOf;
    // The lens is read, checked and written inside the issue's claim, like every app writer's.
    return await withClaimUnderLock(
      lock,
      issueKey,
      (check) =>
        act(
          jira,
          { accountId: call.accountId, actorName },
          projectKey,
          input,
          clock,
          check,
          'person',
          setting,
          listedAs,
        ),
      `${issueKey} is being saved by someone else right now.`,
      { requestId: idempotencyKey },
    ).catch(async (e: unknown) => {
      // A double click: the other try of this decision took over and finishes it; answer with what it logs.
      if (!(e instanceof SupersededError)) throw e;
      for (let waited = 0; waited < DECISION_WAIT_MS; waited += 100) {
        const newer = await replayOf(projectKey, idempotencyKey, request);
        if (newer) return { entry: newer, replayed: true, statusName: null };
        await new Promise((r) => setTimeout(r, 100));
      }
      throw e;
    });
  } finally {
    await lock.release();
  }
}

/**
 * Makes the decision. `check` runs before every side effect: a try that lost its lock or claim stops there.
 * `by` tells the person's own try (which may transition) from the app completing an interrupted decision.
 */
async function act(
  jira: JiraClient,
  actor: Actor,
  projectKey: string,
  { issueKey, idempotencyKey, decision }: { issueKey: string; idempotencyKey: string; decision: Decision },
  clock: Clock,
  check: ClaimCheck,
  by: 'person' | 'app',
  setting?: DecisionSetting,
  listedAs: ListedAs = 'flagged',
): Promise<DecideData> {
  const { outcomes, settings } = setting ?? (await decisionSetting(projectKey));
  const issue = await readDecisionIssue(jira, issueKey, projectKey);
  const storedLens: unknown = issue.properties?.[ISSUE_PROPERTY_KEY];
  const lens = readLens(storedLens);
  const marker = (lens as IssueLens & { lastDecision?: LensMarker }).lastDecision;
  // The intent a first try recorded before its first side effect: a retry with the same key resumes it.
  const intentKey = keys.decisionIntent(projectKey, idempotencyKey);
  let intent = await kvs.get<DecisionIntent>(intentKey);
  // An unfinished decision's id sent with another decision (another issue or kind) is not its retry: it must not
  // pick up that decision's recorded progress.
  if (intent && (intent.issueKey !== issueKey || intent.kind !== decision.kind)) throw reusedRequestId();
  // Nor is another decision of the same kind (another reason, snooze or outcome): it would finish the first with
  // its own fields. (Intents of older versions may not hold the decision.)
  if (intent?.decision && JSON.stringify(intent.decision) !== JSON.stringify(decision))
    throw reusedRequestId();
  // Another request's decision on the flag this one answers (a second tab, a second bulk job, a Keep by hand) made
  // while this one's intent waited (a bulk records it before its transition): that decision stands. Resumed, this
  // one would log and comment the item a second time, or close an item someone kept and was told so.
  const otherStands =
    intent?.flaggedAt &&
    marker &&
    marker.idempotencyKey !== idempotencyKey &&
    lens.zombie !== 'true' &&
    (marker.kind === decision.kind || (await yieldsToOtherKind(jira, decision, intent, issue)));
  const sameByOther = otherStands ? await otherDecision(projectKey, marker) : null;
  if (intent && marker && onSameFlag(sameByOther, intent.flaggedAt)) {
    // Nothing of this request's own was begun on the issue: its intent goes, so no sweep completes it later.
    if (intent.comment === 'none') {
      await check();
      await kvs.delete(intentKey);
    }
    throw await decidedMeanwhile(projectKey, issueKey, marker, sameByOther ?? undefined);
  }
  // A retry of this request (its lens written, or its intent recorded) finishes it; anything else is new.
  const resuming = marker?.idempotencyKey === idempotencyKey || !!intent;
  // Listed as serving no outcome (the outcome map's bulk link), and linked to another since: that link stands.
  if (
    !resuming &&
    listedAs === 'unlinked' &&
    decision.kind === 'relink' &&
    lens.outcomeId &&
    lens.outcomeId !== decision.outcomeId
  )
    throw new ConflictError(linkedMeanwhileMessage(issueKey));
  // An item decided by another request since the caller listed it (in another tab, by someone else) is no
  // longer a zombie: deciding it again would log a second decision and overwrite the first one's dates.
  if (!resuming && listedAs === 'flagged' && lens.zombie !== 'true') {
    if (marker) throw await decidedMeanwhile(projectKey, issueKey, marker);
    // Nor is an item whose flag a scan cleared since it was listed (it moved, or got linked): a kill or a snooze
    // decided on what the queue showed then would act on an item that no longer meets any rule.
    throw new ConflictError(
      `${issueKey} is not flagged as a zombie: the kill review decides flagged items only (a scan clears the flag of an item that moved or got linked). Nothing was changed: reload the queue to see it as it is now.`,
    );
  }
  // Closed by a bulk Kill since it was listed, before that Kill's own decision of it is logged: a Keep or relink
  // would be answered as made while the item stays closed, and the bulk would then log its kill. (An item closed
  // otherwise, delivered since the scan flagged it, may still be kept or relinked until the next scan.)
  if (!resuming && listedAs === 'flagged' && decision.kind !== 'kill' && statusCategoryOf(issue) === 'done') {
    const closing = await kvs.get<{ actorName?: string | null }>(keys.bulkClosing(projectKey, issueKey));
    if (closing)
      throw new ConflictError(
        `${issueKey} was closed (${issue.fields.status?.name ?? 'done'}) by a bulk Kill${closing.actorName ? ` started by ${closing.actorName}` : ''} after the queue was loaded: nothing was ${decision.kind === 'keep' ? 'kept' : 'relinked'}. Reload the queue to see it as it is now.`,
      );
  }
  const sameDecision =
    marker?.idempotencyKey === idempotencyKey ||
    (intent?.issueKey === issueKey && intent.kind === decision.kind);
  const knownCommentId =
    (marker?.idempotencyKey === idempotencyKey ? marker.commentId : undefined) ?? intent?.commentId;
  const firedRules = intent?.rules ?? (lens.flag?.rules ?? []).map((r) => ({ rule: r.rule, since: r.since }));
  const now = clock.now();
  const at = intent?.at ?? now.toISOString();
  // The issue's id lets a search right after the decision reconcile it (recentDecisions).
  const details: Record<string, unknown> = { reason: decision.reason, rules: firedRules, issueId: issue.id };
  if (actor.actorName) details.actorName = actor.actorName;
  let next: IssueLens & { lastDecision?: LensMarker } = {
    ...lens,
    version: lens.version + 1,
    zombie: 'false',
    flag: null,
    updatedAt: indexedMoment(now),
    updatedBy: actor.accountId,
    lastDecision: {
      idempotencyKey,
      kind: decision.kind,
      ...(sameDecision && knownCommentId ? { commentId: knownCommentId } : {}),
    },
  };
  let statusName: string | null = issue.fields.status?.name ?? null;
  // A retry of a decision whose lens is written already: the lens is not bumped again.
  const lensDone = marker?.idempotencyKey === idempotencyKey;
  // The earlier try wrote its lens: a Keep or relink writes it once, a Kill twice (its marker, then the marker with
  // the comment's id), so a Kill's earlier try is done with the lens only once the marker carries that id.
  if (lensDone && (decision.kind !== 'kill' || marker?.commentId)) check.earlierWriteLanded();
  const writeLens = async () => {
    await check();
    await check.writeLens(
      () => jira.setIssueProperty(issueKey, ISSUE_PROPERTY_KEY, keepingUnread(storedLens, next)),
      async () => {
        const after = readLens(await jira.getIssueProperty(issueKey, ISSUE_PROPERTY_KEY)) as IssueLens & {
          lastDecision?: LensMarker;
        };
        // The whole marker: a Kill's two writes share a version and a key, and differ by the comment's id.
        return (
          after.version === next.version &&
          JSON.stringify(after.lastDecision) === JSON.stringify(next.lastDecision)
        );
      },
    );
  };
  // The label the app put there for the flag, by the name it had then (the settings may have renamed it since).
  const label = appliedLabel(lens.flag, settings.flagActions.label);
  const removeLabel = async (after: 'open' | 'closed' = 'open') => {
    if (label && issue.fields.labels?.some((l) => l.toLowerCase() === label.toLowerCase())) {
      await check();
      try {
        await jira.editLabels(issueKey, { remove: [label] });
      } catch (e) {
        // A closed status is often not editable (the workflow property jira.issue.editable=false): the kill
        // stands, closed, and its label stays, said in the log row. Anything else is retried as before.
        if (after !== 'closed' || !(e instanceof ValidationError || e instanceof NotAuthorizedError)) throw e;
        details.labelLeft = label;
      }
    }
  };
  // Recorded right before the first side effect, with all it takes to finish the decision: an intent in
  // storage means a try reached its side effects (completeInterruptedDecisions relies on it).
  const recordIntent = async (extra: Pick<DecisionIntent, 'closeTo'> = {}): Promise<DecisionIntent> => {
    if (intent) return intent;
    const recorded: DecisionIntent = {
      ...extra,
      issueKey,
      kind: decision.kind,
      decision,
      accountId: actor.accountId,
      actorName: actor.actorName,
      at,
      rules: firedRules,
      ...(decision.kind === 'relink' ? { previousOutcomeId: lens.outcomeId } : {}),
      ...(lens.flag ? { flaggedAt: lens.flag.flaggedAt } : {}),
      // Recorded right before a kill's transition is sent.
      ...(decision.kind === 'kill' ? { closingAt: clock.now().toISOString() } : {}),
      comment: 'none',
    };
    await check();
    await kvs.set(intentKey, recorded);
    return recorded;
  };

  if (decision.kind === 'kill') {
    // The lens a kill leaves (the flag gone, the decision marked, room kept for its comment's id) is checked before
    // the issue is closed: a refusal after the close would leave the kill half done.
    if (!lensDone)
      checkLensFits(
        { ...next, lastDecision: { ...next.lastDecision!, commentId: COMMENT_ID_ROOM } },
        'Shorten the texts in the issue panel and kill again.',
      );
    /** The resolution the issue was closed with, as Jira has it: the workflow may set its own, or none. */
    let closedAs: string | null = issue.fields.resolution?.name ?? null;
    /** Whether this kill closed the issue and someone reopened it since. */
    let reopened = false;
    if (statusCategoryOf(issue) === 'done') {
      // Already closed (by a try of this decision, or by someone else): never transition twice.
      if (!sameDecision)
        throw new ConflictError(`${issueKey} is already closed (${statusName ?? 'done'}): nothing to kill.`);
      // Closed by the bulk transition this decision's bulk submitted for it.
      if (intent?.transition) details.transition = intent.transition;
    } else if (lensDone && marker?.kind === 'kill') {
      // This kill closed the issue (its marker is written only once the issue is closed) and someone reopened it
      // since. The reopen stands: the issue is not closed again, by the person's retry or the app, nor commented
      // on. The kill that happened is logged, saying where the issue went; else every run would retry it.
      reopened = true;
      details.reopenedTo = statusName;
    } else if (intent && (await closedThenReopened(jira, intent, issue))) {
      // An earlier try closed the issue and was stopped before it wrote the marker, and someone reopened it since:
      // Jira's history shows that close. Logged as above, under the person's name; the reopen stands.
      reopened = true;
      details.reopenedTo = statusName;
    } else {
      // The app completes only what the person's try began: it never closes an issue itself.
      if (by === 'app') throw new ConflictError(`${issueKey} was not closed by this decision.`);
      // An earlier try sent its close, and the status category changed since while the issue is open: someone
      // moved it (reopened it after that close, or moved it while the close was refused). Their move stands, and
      // the person is told; the intent goes, so a further try is a new kill and no run completes this one.
      if (intent?.closingAt && movedSince(intent.closingAt, issue.fields.statuscategorychangedate)) {
        await check();
        await kvs.delete(intentKey);
        throw new ConflictError(
          `${issueKey} was moved to ${statusName ?? 'another status'} since your first try to kill it, so it was not closed. Kill it again if it should still go.`,
        );
      }
      const transition = pickKillTransition(
        await jira.getTransitions(issueKey, { screenFields: true }),
        settings.kill,
      );
      if (!transition)
        throw new ValidationError(
          settings.kill.transitionName
            ? `The workflow of ${issueKey} has no transition "${settings.kill.transitionName}" from its status. Change the kill transition in the settings.`
            : `The workflow of ${issueKey} has no transition into a done status from its status.`,
        );
      const setsResolutionItself =
        transition.name.toLowerCase() === settings.kill.resolutionName.toLowerCase();
      // Jira refuses a field the transition's screen does not have: where Jira describes the screen, a resolution
      // is sent only when it is on it. Where it does not, the resolution is tried and dropped if refused.
      const screenTakesResolution = transition.fields ? Object.hasOwn(transition.fields, 'resolution') : null;
      const earlierTry = intent !== null;
      const closeTo = transition.to?.id ? { closeTo: transition.to.id } : {};
      intent = await recordIntent(closeTo);
      await check();
      // A retry's transition is stamped again: the sweep reads the close's time against the newest try's.
      if (earlierTry) {
        intent = { ...intent, closingAt: clock.now().toISOString(), ...closeTo };
        await kvs.set(intentKey, intent);
      }
      try {
        let resolutionSent = false;
        if (setsResolutionItself || screenTakesResolution === false)
          await jira.transitionIssue(issueKey, transition.id);
        else {
          try {
            await jira.transitionIssue(issueKey, transition.id, {
              resolutionName: settings.kill.resolutionName,
            });
            resolutionSent = true;
          } catch (e) {
            // The workflow does not let this transition set a resolution: close it without one.
            if (!(e instanceof ValidationError)) throw e;
            await jira.transitionIssue(issueKey, transition.id);
          }
        }
        // The one sent, or the transition's own (named like the resolution); else as Jira has it (its workflow's
        // own, or none), read once.
        closedAs =
          resolutionSent || setsResolutionItself
            ? settings.kill.resolutionName
            : await jira
                .getIssue(issueKey, { fields: ['resolution'] })
                .then((closed) => closed.fields.resolution?.name ?? null)
                .catch(() => null);
      } catch (e) {
        // Refused because an earlier try of this decision, still in flight, closed the issue meanwhile.
        if (!(e instanceof ValidationError || e instanceof ConflictError)) throw e;
        const now = await jira.getIssue(issueKey, { fields: ['status', 'resolution'] });
        if (statusCategoryOf(now) !== 'done') {
          // Refused, and nothing was done (a kill begins by closing the issue): the intent goes, so that nothing
          // reads a later close by hand (the natural next step after a refused Kill) as this kill. Not one a bulk
          // recorded, whose task may still close the issue, nor by a try that lost the issue to a newer one.
          if (!intent.transition) {
            await check();
            await kvs.delete(intentKey);
          }
          throw e;
        }
        closedAs = now.fields.resolution?.name ?? null;
      }
      details.transition = transition.name;
      statusName = transition.to?.name ?? statusName;
    }
    intent = await recordIntent();
    await removeLabel('closed');
    // Mark the decision on the issue before commenting, so a retry finds it and does not comment again.
    if (!lensDone) await writeLens();
    else next = { ...lens, lastDecision: next.lastDecision! };
    // A comment call that was sent and never answered (a timeout, a gateway's 502/504 with no comment found) may
    // have been made: it is not sent again, so the kill comments at most once. A refused call (429, a 5xx with
    // no comment found) made none and is sent on the retry.
    if (
      !reopened &&
      !next.lastDecision?.commentId &&
      (await kvs.get<DecisionIntent>(intentKey))?.comment !== 'sending'
    ) {
      await check();
      // Sent once here (a retry is the person's or the sweep's); after a 5xx or a lost answer, a comment Jira made
      // anyway is found and taken as this one.
      const commentId = await commentOnce(projectKey, idempotencyKey, intent, () =>
        addCommentOnce(
          jira,
          issueKey,
          killCommentAdf(decision.reason, firedRules, closedAs, actor.actorName),
          { attempts: 1, baseDelayMs: 0, now: clock.now() },
        ),
      );
      if (commentId) {
        next = { ...next, lastDecision: { ...next.lastDecision!, commentId } };
        await writeLens();
      }
    }
    details.resolution = closedAs;
  } else if (decision.kind === 'keep') {
    const killCriteria = decision.killCriteria
      ? { ...lens.killCriteria, ...decision.killCriteria }
      : lens.killCriteria;
    next = {
      ...next,
      killCriteria,
      snoozedUntil: decision.snoozeUntil ?? lens.snoozedUntil,
      keptAt: at,
      keptSaw: keptDuesOf(lens.killCriteria, new Date(at)),
    };
    next = { ...next, ...(await rescored(issue, next, outcomes, settings, jira)) };
    if (decision.killCriteria) details.killCriteria = decision.killCriteria;
    if (decision.snoozeUntil) details.snoozeUntil = decision.snoozeUntil;
    // A kill condition adds text to the lens: checked before any side effect, as the panel's save is.
    if (!lensDone) checkLensFits(next, 'Shorten the kill condition and decide again.');
    intent = await recordIntent();
    await removeLabel();
    if (!lensDone) await writeLens();
  } else {
    const target = outcomes.find((o) => o.id === decision.outcomeId);
    // Checked before any side effect; a relink already written to the lens is completed as it was made.
    if (!lensDone && (!target || target.status !== 'active'))
      throw new ValidationError('Choose an active outcome of this project.', {
        'decision.outcomeId': 'Choose an active outcome.',
      });
    next = { ...next, outcomeId: decision.outcomeId };
    next = { ...next, ...(await rescored(issue, next, outcomes, settings, jira)) };
    details.outcomeId = decision.outcomeId;
    if (target) details.outcomeName = target.name;
    if (!lensDone) checkLensFits(next, 'Shorten the texts in the issue panel and relink again.');
    intent = await recordIntent();
    details.previousOutcomeId = intent.previousOutcomeId ?? (lensDone ? null : lens.outcomeId);
    await removeLabel();
    if (!lensDone) await writeLens();
  }

  await check();
  const { decision: stored } = await appendDecision(projectKey, {
    idempotencyKey,
    at,
    actorAccountId: actor.accountId,
    kind: decision.kind,
    issueKey,
    summary: `${decision.kind} ${issueKey}: ${decision.reason}`.slice(0, 500),
    details,
  });
  // Recorded whole: a retry replays the row, and the next scan has nothing to complete.
  await kvs.delete(intentKey);
  return { entry: toEntry(stored), replayed: false, statusName };
}

const DECIDED: Record<Decision['kind'], string> = { kill: 'killed', keep: 'kept', relink: 'relinked' };

/** Who made the decision a lens marker names, and when: its log row, or the intent of one still being made. */
interface OtherDecision {
  accountId: string | null;
  name: string | null;
  at: string | null;
}

async function otherDecision(projectKey: string, marker: LensMarker): Promise<OtherDecision | null> {
  const recorded = await recordedDecision(projectKey, marker.idempotencyKey);
  if (recorded) {
    const name = recorded.details?.actorName;
    return {
      accountId: recorded.actorAccountId,
      name: typeof name === 'string' ? name : null,
      at: recorded.at,
    };
  }
  const other = await kvs.get<DecisionIntent>(keys.decisionIntent(projectKey, marker.idempotencyKey));
  return other
    ? { accountId: other.accountId ?? null, name: other.actorName ?? null, at: other.at ?? null }
    : null;
}

/**
 * Whether `other` was asked once the flag raised at `flaggedAt` was up, so on that same flag (one made before the
 * item was flagged again is not). Unknown when the flag's time is not known.
 */
function onSameFlag(other: OtherDecision | null, flaggedAt: string | undefined): boolean {
  return !!flaggedAt && !!other?.at && other.at >= flaggedAt;
}

/** The refusal of a new decision on an item another request decided: who decided it and when. */
async function decidedMeanwhile(
  projectKey: string,
  issueKey: string,
  marker: LensMarker,
  known?: OtherDecision,
): Promise<ConflictError> {
  const decided = known ?? (await otherDecision(projectKey, marker));
  const when = decided?.at ? ` on ${decided.at.slice(0, 10)} at ${decided.at.slice(11, 16)} UTC` : '';
  return new ConflictError(
    `${issueKey} was decided meanwhile by ${decided?.name ?? 'someone else'}${when} (${DECIDED[marker.kind]}): it is no longer a zombie. Nothing was changed: reload the queue to see it as it is now.`,
    undefined,
    undefined,
    decided ?? undefined,
  );
}

export interface DecisionSweep {
  /** Decisions a try began and nobody finished: completed now, log row included. */
  completed: number;
  /** Intents of tries whose first side effect never happened (refused): nothing to complete. */
  dropped: number;
  /** Left for the next run (a try holds the issue, or Jira refused). */
  left: number;
}

/**
 * True when a try of the decision made its first side effect on `issue`. A kill's is closing the issue, within
 * minutes of a try sending the transition: a close later than that was made by hand.
 */
function begun(
  intent: DecisionIntent,
  idempotencyKey: string,
  issue: JiraIssue,
  settings: Pick<Settings, 'flagActions' | 'kill'>,
): boolean {
  const lens = readLens(issue.properties?.[ISSUE_PROPERTY_KEY]);
  const marker = (lens as IssueLens & { lastDecision?: LensMarker }).lastDecision;
  if (marker?.idempotencyKey === idempotencyKey) return true;
  if (intent.kind === 'kill') {
    if (statusCategoryOf(issue) !== 'done') return false;
    // Closed around the time a try sent the transition: by this kill, whatever resolution the workflow set. A
    // close long after is by hand (the natural next step after a refused or unanswered Kill), whatever
    // resolution it was given, the kill's own or none included.
    if (intent.closingAt || intent.transition)
      return closedWhileClosing(intent, issue.fields.statuscategorychangedate);
    // An intent of an older version, which did not note when its transition was sent: the resolution says.
    const resolution = issue.fields.resolution?.name;
    return !resolution || resolution.toLowerCase() === settings.kill.resolutionName.toLowerCase();
  }
  const label = appliedLabel(lens.flag, settings.flagActions.label);
  // A keep or relink begins by removing the flag's label.
  const labelled = !!label && issue.fields.labels?.some((l) => l.toLowerCase() === label.toLowerCase());
  return !!label && !labelled;
}

/** How long after a try sent the transition its close may be dated: a try's own call, or a bulk's queued task. */
const CLOSE_WINDOW_MS = 5 * 60_000;
const BULK_CLOSE_WINDOW_MS = 30 * 60_000;
/** How much earlier than the app's clock Jira's may date the close. */
const CLOSE_CLOCK_SKEW_MS = 2 * 60_000;

function closedWhileClosing(intent: DecisionIntent, closedAt: string | null | undefined): boolean {
  const sent = intent.closingAt ? Date.parse(intent.closingAt) : NaN;
  if (Number.isNaN(sent)) return false;
  // A site that does not say when the status category changed: the close is taken as the kill's, as it was.
  const closed = closedAt ? Date.parse(closedAt) : NaN;
  if (Number.isNaN(closed)) return true;
  const window = intent.transition ? BULK_CLOSE_WINDOW_MS : CLOSE_WINDOW_MS;
  return closed >= sent - CLOSE_CLOCK_SKEW_MS && closed <= sent + window;
}

/**
 * Whether a decision whose intent waited yields to another kind of decision made since on the same flag. A Keep
 * or relink does (resumed over a Kill, it would log a keep beside the kill of a closed item). A Kill does while it
 * is yet to close the item: open, and closed by no try of it (to be reopened since). A Kill that closed the item
 * goes on to log it, whatever was decided since.
 */
async function yieldsToOtherKind(
  jira: JiraClient,
  decision: Decision,
  intent: DecisionIntent,
  issue: JiraIssue,
): Promise<boolean> {
  if (decision.kind !== 'kill') return true;
  if (statusCategoryOf(issue) === 'done') return false;
  return !(await closedThenReopened(jira, intent, issue));
}

/** Whether the issue's status category changed at or after a try sent its close (Jira's clock may run behind). */
function movedSince(closingAt: string, categoryChangedAt: string | null | undefined): boolean {
  const sent = Date.parse(closingAt);
  const changed = categoryChangedAt ? Date.parse(categoryChangedAt) : NaN;
  return !Number.isNaN(sent) && !Number.isNaN(changed) && changed >= sent - CLOSE_CLOCK_SKEW_MS;
}

/** Pages of status changes read of one issue's history, up to 1,000 a page: a longer one is not judged. */
const HISTORY_PAGES = 20;

/**
 * Whether a try of this kill closed the issue, now open again, with no marker written: the try was stopped between
 * its close and its marker, and someone reopened the issue since. Jira's history then shows the issue entering the
 * kill transition's status (or, for an intent that does not name it, a done status) within closedWhileClosing's
 * window, by the person or by the app acting for them (a bulk, a background decision); a close by another person
 * there was theirs, by hand. A reopen by the person themselves is not someone else's: they undid what they closed,
 * or closed it by hand and reopened it to kill it through the app, so nothing is logged for them. Read only for an
 * open issue whose status category changed since the close was sent, or when Jira does not say when it did. A
 * history Jira did not answer, or too long to read, throws: the caller keeps the intent.
 */
async function closedThenReopened(
  jira: JiraClient,
  intent: DecisionIntent,
  issue: JiraIssue,
): Promise<boolean> {
  if (intent.kind !== 'kill' || !intent.closingAt || statusCategoryOf(issue) === 'done') return false;
  // Open since before the close was sent: nothing to look for (only a date Jira does not give leaves it unknown).
  const changedAt = issue.fields.statuscategorychangedate;
  if (changedAt && !Number.isNaN(Date.parse(changedAt)) && !movedSince(intent.closingAt, changedAt))
    return false;
  const categories = new Map<string, string | null>();
  const closes = async (statusId: string): Promise<boolean> => {
    if (intent.closeTo) return statusId === intent.closeTo;
    if (!categories.has(statusId))
      categories.set(
        statusId,
        // A status Jira no longer answers (deleted, or out of every workflow) is not known to be done.
        await jira.getStatusCategory(statusId).catch((e: unknown) => {
          if (e instanceof NotFoundError) return null;
          throw e;
        }),
      );
    return categories.get(statusId) === 'done';
  };
  let closed = false;
  const [log] = await jira.bulkChangelog([issue.id], ['status'], { maxPages: HISTORY_PAGES, whole: true });
  for (const h of log?.changeHistories ?? []) {
    const to = statusMoveOf(h);
    if (!to) continue;
    const author = h.author as { accountId?: string; accountType?: unknown } | undefined;
    if (closed) return !author?.accountId || author.accountId !== intent.accountId;
    if (Number.isNaN(Date.parse(h.created)) || !closedWhileClosing(intent, h.created)) continue;
    const byOther =
      !!author?.accountId &&
      !!intent.accountId &&
      author.accountId !== intent.accountId &&
      author.accountType !== 'app';
    if (!byOther) closed = await closes(to);
  }
  return false;
}

/** The status a history entry moved the issue to (its id), or null when it changed no status. */
function statusMoveOf(h: JiraChangeHistory): string | null {
  for (const item of h.items) {
    if ((item.fieldId ?? item.field.toLowerCase()) !== 'status') continue;
    // Its own field: `toString` would otherwise read Object.prototype's method.
    const own = (k: string) => (Object.hasOwn(item, k) && typeof item[k] === 'string' ? item[k] : null);
    const to = own('to') ?? own('toString');
    if (to) return to;
  }
  return null;
}

/** Whether the bulk job that recorded this intent is still at work (a job gone after its TTL is over). */
async function bulkJobRunning(projectKey: string, intent: DecisionIntent): Promise<boolean> {
  if (!intent.jobId) return false;
  const job = await kvs.get<{ status?: string }>(keys.bulkJob(projectKey, intent.jobId));
  return !!job && job.status !== 'done';
}

/**
 * Completes the decisions a person began and did not retry (their try was stopped or refused after its first
 * side effect): each intent in storage whose try made a side effect is finished as the app, through the same
 * steps and the same lock and claim as a retry, and logged once under the person's name. An intent whose try
 * changed nothing is dropped, so nothing is half-recorded either way. Run by the scan at the start of a run.
 */
export async function completeInterruptedDecisions(projectKey: string, clock: Clock): Promise<DecisionSweep> {
  const result: DecisionSweep = { completed: 0, dropped: 0, left: 0 };
  const prefix = keys.decisionIntentPrefix(projectKey);
  const intents = await listAll<DecisionIntent>(prefix, 500);
  if (intents.length === 0) return result;
  const setting = await decisionSetting(projectKey);
  const { settings } = setting;
  const jira = JiraClient.asApp();
  for (const { key, value: intent } of intents) {
    const idempotencyKey = key.slice(prefix.length);
    try {
      if (await replayOf(projectKey, idempotencyKey, intent)) {
        await kvs.delete(key); // recorded whole; the try was stopped before it could tidy up
        continue;
      }
      if (!intent.decision) {
        result.left += 1; // recorded by an older version, which completes only on the person's retry
        continue;
      }
      // A bulk job's item is decided by the job's own step, after its bulk transition: the intent is recorded
      // before that and sits with the item's lock free, so it is not abandoned until the job is over.
      if (await bulkJobRunning(projectKey, intent)) {
        result.left += 1;
        continue;
      }
      // Only a free lock: a try of the person's that holds it is live (a stopped one's lock has run out). A
      // retry of theirs that comes meanwhile takes the lock over, and this completion stops at its next check.
      const taken = await takeDecisionLock(projectKey, intent.issueKey, idempotencyKey, {
        waitMs: 0,
        sameRequest: 'like-others',
        finished: () => replayOf(projectKey, idempotencyKey, intent),
      });
      if (!taken.held) {
        await kvs.delete(key);
        continue;
      }
      const lock = taken.held;
      try {
        const issue = await issueOfIntent(jira, intent);
        // A kill stopped between its close and its marker, on an issue reopened since, began: its history says so
        // (a history Jira did not answer throws, and the intent is left for the next run).
        if (
          !issue ||
          !(begun(intent, idempotencyKey, issue, settings) || (await closedThenReopened(jira, intent, issue)))
        ) {
          // A Resume of the job since the check above: its step may be about to close the issue.
          if (await bulkJobRunning(projectKey, intent)) {
            result.left += 1;
            continue;
          }
          // The person's retry may have taken the lock over since the issue was read, and begun: its intent is
          // then its own record of what it did (SupersededError: left).
          await lock.check();
          await kvs.delete(key);
          result.dropped += 1;
          continue;
        }
        const decision = intent.decision;
        await withClaimUnderLock(
          lock,
          intent.issueKey,
          (check) =>
            act(
              jira,
              { accountId: intent.accountId ?? null, actorName: intent.actorName ?? null },
              projectKey,
              { issueKey: intent.issueKey, idempotencyKey, decision },
              clock,
              check,
              'app',
              setting,
            ),
          `${intent.issueKey} is being saved by someone else right now.`,
          { requestId: idempotencyKey },
        );
        result.completed += 1;
      } finally {
        await lock.release();
      }
    } catch {
      // A refusal, a conflict or Jira down: the intent stays, and the next run tries again.
      result.left += 1;
    }
  }
  return result;
}
