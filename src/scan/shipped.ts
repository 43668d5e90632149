/**
 * Shipped versus moved: the scan keeps the project's ledger of delivered items and its monthly and sprint
 * aggregates (src/storage/shipped.ts), so the page and the dashboard gadget read one stored summary whatever
 * the project's size, never a backlog-wide search.
 *
 * Each live run, after its delivered bets are checked, reads only what changed since the last upkeep:
 * - items in status category Done updated since then: each is put in the ledger, or taken out when it was
 *   closed without delivery (the kill resolution, Won't Do, Duplicate…);
 * - items not Done updated since then: a ledger item among them was reopened and leaves the ledger (a
 *   re-delivery later puts it back, in the month of its new resolution);
 * - verdicts recorded since (a result written into the lens does not change Jira's `updated`): read from the
 *   bet tracker's records in app storage, no Jira call.
 * A record equal to the stored one writes nothing, and records change with the summary in one transaction,
 * so a duplicated event, a retried step or an overlapping read counts an item once.
 *
 * Neither read finds an item deleted, or moved to another project (it no longer matches `project = KEY`; Jira
 * answers it under its new key). So a full run (the weekly reconciliation, a Scan now) begins a check of the whole
 * ledger against Jira, which later upkeeps go on with until it has read every record (see checkLedger).
 *
 * How a read is bounded (both Jira reads alike):
 * - "Since" is an absolute JQL date, `updated >= "yyyy-MM-dd HH:mm"`: minutes, read by Jira in the searching
 *   account's time zone (the app's account: the site's default user time zone), which the app is not told and
 *   which may be anywhere from UTC-12 to UTC+14. So the date sent is a day before the time meant, written as UTC:
 *   in any of those zones Jira reads it as at least 12 hours before that time, so nothing since is skipped.
 * - A read goes in issue id order (`ORDER BY id ASC`, nextPageToken within a run) and stops at
 *   MAX_SHIPPED_PER_RUN. The next upkeep goes on after the last id it read (`AND id > n`) with the very date
 *   text it began with: the same text is the same instant to Jira, whatever its zone, and the id moves forward
 *   on every page, so a read always comes to its end however many items share a minute (a bulk close or an
 *   import) and reads none of them twice.
 * - A read that came to its end began at some run's start: the next read goes back to a day before that start.
 *   An item that changed while a read was going on, behind its id, is read by the next one.
 * - The upkeep runs after the scan's pages, in what is left of the invocation's time: given a deadline, it starts
 *   no page that would end past it. A read the deadline stops (before its first page, or after any) is kept like
 *   one stopped at its cap, so the next upkeep goes on after its last id; the verdicts are compared again by the
 *   next upkeep. Its read position is written before it answers, whatever stopped it.
 */
import { closedWithoutDelivery, isDelivered, resolvedOn } from '../domain/delivery';
import { ISSUE_PROPERTY_KEY, readLens } from '../domain/issue-lens';
import {
  SHIPPED_VERDICTS,
  type ShippedItem,
  type ShippedLedgerCheck,
  type ShippedReadCursor,
  type ShippedSummary,
  type ShippedVerdict,
} from '../domain/shipped';
import type { Settings } from '../domain/settings';
import { JiraClient } from '../jira/client';
import { sprintsOf, storyPointsOf } from '../jira/fields';
import { jqlString } from '../jira/jql';
import type { JiraIssue } from '../jira/schemas';
import { loadSettings } from '../storage/settings';
import {
  commitShippedChanges,
  emptyShippedSummary,
  listShippedItems,
  loadShippedItems,
  loadShippedSummary,
  type ShippedChange,
} from '../storage/shipped';
import { listTrackedBets, type DeliveryReading } from './bets';
import { UpkeepDeadline } from './budget';
import { quotaWaitMs } from './pacing';

/** Items one run reads at most (delivered and reopened each); a larger backlog catches up over the next runs. */
export const MAX_SHIPPED_PER_RUN = 2_000;
const PAGE = 100;
/**
 * Jira reads a JQL date in the searching account's time zone, UTC-12 to UTC+14: a date a day before the time
 * meant, written as UTC, is read as 12 to 38 hours before it. Re-reading an item changes nothing.
 */
const OVERLAP_MS = 24 * 60 * 60 * 1000;

export interface ShippedUpkeep {
  read: number;
  reopenedRead: number;
  changed: number;
  catchingUp: boolean;
  /** The deadline came first: a read, the verdicts or the ledger's check were left for the next upkeep. */
  cutShort: boolean;
  /** Ledger records this upkeep checked against Jira, and of those, the ones it took out of the ledger. */
  checked: number;
  dropped: number;
  /** The check of the ledger is not over: the next upkeep goes on with it. */
  checkGoesOn: boolean;
  /** The check stopped to keep within the scan's share of Jira's hourly points. */
  paced: boolean;
}

function jqlMinute(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/**
 * The read this upkeep makes: the one stopped at its cap, going on; else a new one from a day before `since` (the
 * time the last finished read began), or over the whole history without it.
 */
function readFrom(
  stopped: ShippedReadCursor | null | undefined,
  since: string | null,
  at: string,
): ShippedReadCursor {
  if (stopped) return stopped;
  const sinceMs = since ? Date.parse(since) : NaN;
  return {
    from: Number.isNaN(sinceMs) ? null : jqlMinute(new Date(sinceMs - OVERLAP_MS).toISOString()),
    afterId: 0,
    startedAt: at,
  };
}

/** The read's JQL: `head` bounded by its date, after its last id, in id order. */
function readJql(head: string, read: ShippedReadCursor): string {
  const since = read.from ? ` AND updated >= "${read.from}"` : '';
  const after = read.afterId > 0 ? ` AND id > ${read.afterId}` : '';
  return `${head}${since}${after} ORDER BY id ASC`;
}

/** The highest of `afterId` and the ids of these issues. */
function lastIdOf(issues: readonly JiraIssue[], afterId: number): number {
  let last = afterId;
  for (const issue of issues) {
    const id = Number(issue.id);
    if (Number.isSafeInteger(id) && id > last) last = id;
  }
  return last;
}

/** The settings and tracked bets, as bet tracking left them, else as stored. */
async function deliveryReading(projectKey: string): Promise<DeliveryReading> {
  const [{ settings }, tracked] = await Promise.all([loadSettings(projectKey), listTrackedBets(projectKey)]);
  return { settings, tracked };
}

/**
 * Keeps the ledger. `reading` is what bet tracking just read and wrote (the settings and tracked bets); without
 * it (bet tracking failed, or the ledger is kept alone) they are read here.
 */
export async function keepShippedSummary(
  projectKey: string,
  now: Date,
  jira: JiraClient,
  fields: { sprint: string; storyPoints: string },
  options: {
    maxPerRun?: number;
    reading?: DeliveryReading;
    deadline?: UpkeepDeadline;
    /** Begin a check of the whole ledger against Jira, unless one is under way (a full run's upkeep). */
    checkLedger?: boolean;
  } = {},
): Promise<ShippedUpkeep> {
  const maxPerRun = options.maxPerRun ?? MAX_SHIPPED_PER_RUN;
  const deadline = options.deadline ?? new UpkeepDeadline();
  const at = now.toISOString();
  const today = at.slice(0, 10);
  const [stored, { settings, tracked }] = await Promise.all([
    loadShippedSummary(projectKey),
    options.reading ?? deliveryReading(projectKey),
  ]);
  const summary = stored ?? emptyShippedSummary();
  // Read before this run's commits stamp the summary with its own time.
  const lastUpkeepAt = summary.updatedAt;
  // A summary kept before reads went in id order holds, for a read stopped at its cap, the last item's `updated`
  // (`watermark` while catching up, `reopenCursor`): the read starts again from a day before it.
  const delivered = readFrom(summary.deliveredRead, summary.watermark, at);
  const reopenStopped = summary.reopenRead ?? null;
  const reopenBase = reopenStopped
    ? null
    : (summary.reopenCursor ?? summary.reopenSince ?? lastUpkeepAt ?? null);
  const project = `project = ${jqlString(projectKey)}`;
  const trackedVerdict = new Map<string, ShippedVerdict | null>(
    tracked.map((b) => [
      b.issueKey,
      (SHIPPED_VERDICTS as readonly string[]).includes(b.status) ? (b.status as ShippedVerdict) : null,
    ]),
  );
  const upkeep: ShippedUpkeep = {
    read: 0,
    reopenedRead: 0,
    changed: 0,
    catchingUp: false,
    cutShort: false,
    checked: 0,
    dropped: 0,
    checkGoesOn: false,
    paced: false,
  };

  // Delivered (or closed otherwise) since the last upkeep.
  const deliveredJql = readJql(`${project} AND statusCategory = Done`, delivered);
  let deliveredLastId = delivered.afterId;
  let token: string | null = null;
  let begun = false;
  while (!begun || (token && upkeep.read < maxPerRun)) {
    const done = deadline.begin();
    if (!done) {
      upkeep.cutShort = true;
      break;
    }
    begun = true;
    const page: { issues: JiraIssue[]; nextPageToken: string | null } = await jira.searchJql({
      jql: deliveredJql,
      fields: [
        'summary',
        'resolution',
        'resolutiondate',
        'updated',
        'security',
        fields.storyPoints,
        fields.sprint,
      ],
      properties: [ISSUE_PROPERTY_KEY],
      maxResults: PAGE,
      nextPageToken: token,
    });
    const before = await loadShippedItems(
      projectKey,
      page.issues.map((i) => i.key),
    );
    deliveredLastId = lastIdOf(page.issues, deliveredLastId);
    const changes: ShippedChange[] = page.issues.map((issue) => {
      upkeep.read++;
      const old = before.get(issue.key) ?? null;
      if (closedWithoutDelivery(issue.fields.resolution?.name, settings.kill.resolutionName))
        return { issueKey: issue.key, before: old, after: null };
      const lens = readLens(issue.properties?.[ISSUE_PROPERTY_KEY]);
      const sprints = sprintsOf(issue, fields.sprint) ?? [];
      const last = sprints[sprints.length - 1];
      const bet = !!lens.expected.checkBy;
      const after: ShippedItem = {
        issueKey: issue.key,
        summary: (issue.fields.summary ?? '').slice(0, 120),
        deliveredOn: resolvedOn(issue.fields) ?? today,
        points: storyPointsOf(issue, fields.storyPoints) ?? 0,
        bet,
        verdict: bet ? (lens.result?.verdict ?? trackedVerdict.get(issue.key) ?? null) : null,
        outcomeId: lens.outcomeId,
        sprint: last ? { id: last.id, name: last.name } : null,
        secured: !!issue.fields.security,
      };
      return { issueKey: issue.key, before: old, after };
    });
    upkeep.changed += await commitShippedChanges(projectKey, summary, changes, { at });
    token = page.nextPageToken;
    done();
  }
  // Stopped at its cap or by the deadline: the next upkeep goes on after the last id read. Read to its end: the
  // next read goes back to a day before this one began.
  const deliveredRead: ShippedReadCursor | null =
    token !== null || !begun ? { ...delivered, afterId: deliveredLastId } : null;
  upkeep.catchingUp = deliveredRead !== null;

  // Reopened since the last upkeep: an item in the ledger was put there by an earlier upkeep, so its reopening
  // changed Jira's `updated` after that upkeep's read began (the last finished read of reopened items began no
  // later). Read like the deliveries: a day before, in id order, going on after its last id when capped.
  let reopenRead: ShippedReadCursor | null = null;
  let reopenedSince: string | null = at;
  const reopen = reopenStopped ?? (reopenBase ? readFrom(null, reopenBase, at) : null);
  if (reopen && summary.items > 0) {
    const reopenJql = readJql(`${project} AND statusCategory != Done`, reopen);
    let reopenLastId = reopen.afterId;
    let reopenToken: string | null = null;
    let reopenBegun = false;
    while (!reopenBegun || (reopenToken && upkeep.reopenedRead < maxPerRun)) {
      const done = deadline.begin();
      if (!done) {
        upkeep.cutShort = true;
        break;
      }
      reopenBegun = true;
      const page: { issues: JiraIssue[]; nextPageToken: string | null } = await jira.searchJql({
        jql: reopenJql,
        fields: ['updated'],
        maxResults: PAGE,
        nextPageToken: reopenToken,
      });
      upkeep.reopenedRead += page.issues.length;
      reopenLastId = lastIdOf(page.issues, reopenLastId);
      const inLedger = await loadShippedItems(
        projectKey,
        page.issues.map((i) => i.key),
      );
      const changes = [...inLedger.values()].map((old) => ({
        issueKey: old.issueKey,
        before: old,
        after: null,
      }));
      upkeep.changed += await commitShippedChanges(projectKey, summary, changes, { at });
      reopenToken = page.nextPageToken;
      done();
    }
    if (reopenToken !== null || !reopenBegun) reopenRead = { ...reopen, afterId: reopenLastId };
    reopenedSince = reopenRead ? (summary.reopenSince ?? null) : reopen.startedAt;
  }
  // Otherwise the ledger holds nothing to reopen (or this is the first upkeep): what it takes in from now on, it
  // takes in after this run began.

  // Verdicts recorded since: the tracker's records say, no Jira call. The bets checked last come first (a verdict
  // the tracker just saw); those the deadline leaves are compared by the next upkeep.
  const withVerdict = [...tracked]
    .sort((a, b) => (a.checkedAt < b.checkedAt ? 1 : a.checkedAt > b.checkedAt ? -1 : 0))
    .map((b) => b.issueKey);
  const verdictChanges: ShippedChange[] = [];
  for (let i = 0; i < withVerdict.length; i += PAGE) {
    const done = deadline.begin();
    if (!done) {
      upkeep.cutShort = true;
      break;
    }
    const ledger = await loadShippedItems(projectKey, withVerdict.slice(i, i + PAGE));
    for (const old of ledger.values()) {
      const verdict = old.bet ? (trackedVerdict.get(old.issueKey) ?? null) : null;
      if (verdict !== old.verdict)
        verdictChanges.push({ issueKey: old.issueKey, before: old, after: { ...old, verdict } });
    }
    done();
  }
  upkeep.changed += await commitShippedChanges(projectKey, summary, verdictChanges, {
    at,
    watermark: deliveredRead ? summary.watermark : delivered.startedAt,
    catchingUp: deliveredRead !== null,
    deliveredRead,
    reopenRead,
    reopenCursor: reopenRead ? reopenRead.startedAt : null,
    reopenSince: reopenedSince,
  });

  // The ledger against Jira: one check under way goes on; a full run begins one, unless this upkeep read the whole
  // history just now (a first read, or one still catching up: every record it holds was read from Jira lately).
  const check =
    summary.ledgerCheck ??
    (options.checkLedger && summary.items > 0 && delivered.from !== null
      ? { after: null, startedAt: at }
      : null);
  if (check)
    await checkLedger(projectKey, summary, check, {
      jira,
      settings,
      at,
      nowMs: now.getTime(),
      maxPerRun,
      deadline,
      upkeep,
    });
  return upkeep;
}

/** What one bulk read of the ledger's check costs at most in Jira points (the call, and 1 per issue answered). */
const CHECK_PAGE_POINTS = 1 + PAGE;

/**
 * Checks the ledger's records against Jira, a page of 100 at a time in storage key order, from where the check
 * stands (`check`), and takes out of the ledger each one Jira no longer answers as an item of this project that is
 * delivered, under the key it was recorded with:
 * - deleted;
 * - moved to another project: Jira answers it under its new key, and the new project's upkeep reads it there (a move
 *   changes its `updated`), so it is counted once, where it is now;
 * - reopened, or closed without delivery, which the reads of changes missed.
 * Jira's bulk read answers nothing, too, for an issue under a security level that leaves the app out (the level
 * does not list the app's project role or account): to the app it is the same as a deleted one, and it is taken
 * out like one. It is not counted then, the same as an item delivered under such a level was never counted; should
 * the app read it again later as delivered (its level changed, which moves its `updated`), the read of deliveries
 * puts it back. An issue the app reads under a level stays. An issue Jira names in `issueErrors` (it could not
 * return it this time) fails the page's read (JiraClient.bulkFetchIssues): nothing is taken for missing.
 *
 * Each page's removals are written as the reads of changes write theirs: each record re-read from storage right
 * before, so one already taken out (a duplicated delivery, a retried step) changes nothing, and the records with
 * the summary, and with where the check stands, in one transaction. A page is begun only while the upkeep's
 * deadline, its cap of records (`maxPerRun`) and the scan's share of the hour's Jira points allow; where it
 * stopped, or failed (a refused read or write is thrown after that), is written before it answers, and the next
 * upkeep goes on from there. A page whose removals were not written is checked again.
 */
async function checkLedger(
  projectKey: string,
  summary: ShippedSummary,
  check: ShippedLedgerCheck,
  context: {
    jira: JiraClient;
    settings: Settings;
    at: string;
    nowMs: number;
    maxPerRun: number;
    deadline: UpkeepDeadline;
    upkeep: ShippedUpkeep;
  },
): Promise<void> {
  const { jira, settings, at, upkeep } = context;
  let position = check.after;
  let over = false;
  let checked = 0;
  const standing = (): ShippedLedgerCheck | null => (over ? null : { ...check, after: position });
  try {
    while (checked < context.maxPerRun) {
      if (quotaWaitMs(jira.meter.quota, settings.scan.quotaShare, CHECK_PAGE_POINTS, context.nowMs) > 0) {
        upkeep.paced = true;
        break;
      }
      const done = context.deadline.begin();
      if (!done) {
        upkeep.cutShort = true;
        break;
      }
      const page = await listShippedItems(projectKey, PAGE, position);
      const asked = page.items.map((item) => item.issueKey);
      const found = await jira.bulkFetchIssues(asked, { fields: ['project', 'status', 'resolution'] });
      const here = new Set(
        found
          .filter(
            (issue) =>
              issue.fields.project?.key === projectKey &&
              isDelivered(
                issue.fields.status?.statusCategory?.key ?? '',
                issue.fields.resolution?.name ?? null,
                settings.kill.resolutionName,
              ),
          )
          .map((issue) => issue.key.toUpperCase()),
      );
      const gone = asked.filter((key) => !here.has(key.toUpperCase()));
      // As stored now, not as listed: what another write left since is what leaves the summary.
      const stored =
        gone.length > 0 ? await loadShippedItems(projectKey, gone) : new Map<string, ShippedItem>();
      const changes: ShippedChange[] = [...stored.values()].map((old) => ({
        issueKey: old.issueKey,
        before: old,
        after: null,
      }));
      const next = page.next;
      const nextStanding: ShippedLedgerCheck | null = next === null ? null : { ...check, after: next };
      if (changes.length > 0)
        upkeep.dropped += await commitShippedChanges(projectKey, summary, changes, {
          at,
          ledgerCheck: nextStanding,
        });
      position = next;
      over = next === null;
      checked += asked.length;
      upkeep.checked += asked.length;
      done();
      if (over) break;
    }
  } catch (e) {
    // Where the check got to is kept, so the next upkeep goes on from there: written over the summary as stored,
    // since a write answered with an error may have been made (then `summary` is behind it). Failing to keep it
    // costs only a second check of those pages.
    await keepCheckPosition(projectKey, standing(), at).catch(() => {});
    upkeep.checkGoesOn = true;
    throw e;
  }
  await commitShippedChanges(projectKey, summary, [], { at, ledgerCheck: standing() });
  upkeep.checkGoesOn = !over;
}

/** Writes where the ledger's check stands onto the summary as stored now. */
async function keepCheckPosition(
  projectKey: string,
  ledgerCheck: ShippedLedgerCheck | null,
  at: string,
): Promise<void> {
  const stored = await loadShippedSummary(projectKey);
  if (stored) await commitShippedChanges(projectKey, stored, [], { at, ledgerCheck });
}
