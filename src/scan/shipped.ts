/**
 * Shipped versus moved: the scan keeps the project's ledger of delivered items and its monthly and sprint
 * aggregates (src/storage/shipped.ts), so the page and the dashboard gadget read one stored summary whatever
 * the project's size, never a backlog-wide search.
 *
 * Each live run, after its delivered bets are checked, reads only what changed since the last upkeep:
 * - items in status category Done updated since then (newest changes last): each is put in the ledger, or
 *   taken out when it was closed without delivery (the kill resolution, Won't Do, Duplicate…);
 * - items not Done updated since then: a ledger item among them was reopened and leaves the ledger (a
 *   re-delivery later puts it back, in the month of its new resolution);
 * - verdicts recorded since (a result written into the lens does not change Jira's `updated`): read from the
 *   bet tracker's records in app storage, no Jira call.
 * A record equal to the stored one writes nothing, and records change with the summary in one transaction,
 * so a duplicated event, a retried step or an overlapping read counts an item once.
 */
import { closedWithoutDelivery, resolvedOn } from '../domain/delivery';
import { ISSUE_PROPERTY_KEY, readLens } from '../domain/issue-lens';
import { SHIPPED_VERDICTS, type ShippedItem, type ShippedVerdict } from '../domain/shipped';
import { JiraClient } from '../jira/client';
import { sprintsOf, storyPointsOf } from '../jira/fields';
import { jqlString } from '../jira/jql';
import type { JiraIssue } from '../jira/schemas';
import { loadSettings } from '../storage/settings';
import {
  commitShippedChanges,
  emptyShippedSummary,
  loadShippedItems,
  loadShippedSummary,
  type ShippedChange,
} from '../storage/shipped';
import { listTrackedBets, type DeliveryReading } from './bets';

/** Items one run reads at most (delivered and reopened each); a larger backlog catches up over the next runs. */
export const MAX_SHIPPED_PER_RUN = 2_000;
const PAGE = 100;
/**
 * Jira reads a JQL date in the caller's time zone; a day's overlap covers any zone, and re-reading an item
 * changes nothing. While catching up (a first read capped at MAX_SHIPPED_PER_RUN) the read goes on from the
 * last item's minute exactly, so a large history always moves forward.
 */
const OVERLAP_MS = 24 * 60 * 60 * 1000;

export interface ShippedUpkeep {
  read: number;
  reopenedRead: number;
  changed: number;
  catchingUp: boolean;
}

function jqlMinute(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

function updatedOf(issue: JiraIssue): string | null {
  const raw = (issue.fields as Record<string, unknown>).updated;
  return typeof raw === 'string' && !Number.isNaN(Date.parse(raw))
    ? new Date(Date.parse(raw)).toISOString()
    : null;
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
  options: { maxPerRun?: number; reading?: DeliveryReading } = {},
): Promise<ShippedUpkeep> {
  const maxPerRun = options.maxPerRun ?? MAX_SHIPPED_PER_RUN;
  const at = now.toISOString();
  const today = at.slice(0, 10);
  const [stored, { settings, tracked }] = await Promise.all([
    loadShippedSummary(projectKey),
    options.reading ?? deliveryReading(projectKey),
  ]);
  const summary = stored ?? emptyShippedSummary();
  // Read before this run's commits stamp the summary with its own time.
  const lastUpkeepAt = summary.updatedAt;
  const reopenCursorBefore = summary.reopenCursor ?? null;
  const from = summary.watermark
    ? summary.catchingUp
      ? summary.watermark
      : new Date(Date.parse(summary.watermark) - OVERLAP_MS).toISOString()
    : null;
  const since = from ? ` AND updated >= "${jqlMinute(from)}"` : '';
  const project = `project = ${jqlString(projectKey)}`;
  const trackedVerdict = new Map<string, ShippedVerdict | null>(
    tracked.map((b) => [
      b.issueKey,
      (SHIPPED_VERDICTS as readonly string[]).includes(b.status) ? (b.status as ShippedVerdict) : null,
    ]),
  );
  const upkeep: ShippedUpkeep = { read: 0, reopenedRead: 0, changed: 0, catchingUp: false };
  let lastUpdated: string | null = null;

  // Delivered (or closed otherwise) since the last upkeep, oldest change first.
  let token: string | null = null;
  do {
    const page: { issues: JiraIssue[]; nextPageToken: string | null } = await jira.searchJql({
      jql: `${project} AND statusCategory = Done${since} ORDER BY updated ASC`,
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
    const changes: ShippedChange[] = page.issues.map((issue) => {
      upkeep.read++;
      lastUpdated = updatedOf(issue) ?? lastUpdated;
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
  } while (token && upkeep.read < maxPerRun);
  upkeep.catchingUp = token !== null;

  // Reopened since the last upkeep: an item in the ledger was put there by an earlier upkeep, so its reopening
  // changed Jira's `updated` after that upkeep ran (less a day's overlap, for the JQL time zone). A read stopped
  // at its cap goes on from the last item it looked at next time.
  const reopenFrom =
    reopenCursorBefore ??
    (lastUpkeepAt ? new Date(Date.parse(lastUpkeepAt) - OVERLAP_MS).toISOString() : null);
  let reopenCursor: string | null = null;
  if (reopenFrom && summary.items > 0) {
    let reopenToken: string | null = null;
    let lastReopened: string | null = null;
    do {
      const page: { issues: JiraIssue[]; nextPageToken: string | null } = await jira.searchJql({
        jql: `${project} AND statusCategory != Done AND updated >= "${jqlMinute(reopenFrom)}" ORDER BY updated ASC`,
        fields: ['updated'],
        maxResults: PAGE,
        nextPageToken: reopenToken,
      });
      upkeep.reopenedRead += page.issues.length;
      for (const issue of page.issues) lastReopened = updatedOf(issue) ?? lastReopened;
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
    } while (reopenToken && upkeep.reopenedRead < maxPerRun);
    if (reopenToken !== null) reopenCursor = lastReopened ?? reopenFrom;
  }

  // Verdicts recorded since: the tracker's records say, no Jira call.
  const withVerdict = tracked.map((b) => b.issueKey);
  const ledger = await loadShippedItems(projectKey, withVerdict);
  const verdictChanges: ShippedChange[] = [];
  for (const old of ledger.values()) {
    const verdict = old.bet ? (trackedVerdict.get(old.issueKey) ?? null) : null;
    if (verdict !== old.verdict)
      verdictChanges.push({ issueKey: old.issueKey, before: old, after: { ...old, verdict } });
  }
  upkeep.changed += await commitShippedChanges(projectKey, summary, verdictChanges, {
    at,
    watermark: upkeep.catchingUp ? (lastUpdated ?? summary.watermark ?? at) : at,
    catchingUp: upkeep.catchingUp,
    reopenCursor,
  });
  return upkeep;
}
