/**
 * The kill review forum: the zombie queue and the decisions taken on it (kill, keep, relink), each written to
 * the decision log. Jira changes are made asUser(), so Jira enforces the caller's rights, after an explicit
 * check that gives a clear message. Decisions are idempotent: the browser sends one key per decision, a
 * repeat with that key replays the first answer, and a kill first looks at the issue's status, so neither a
 * double click nor a retry transitions or comments twice.
 */
import { kvs } from '@forge/kvs';
import type {
  DecideData,
  Decision,
  DecisionEntry,
  DecisionLogData,
  ZombieItem,
  ZombieQueueData,
} from '../contract/project-page';
import { assessIssue } from '../domain/assess-issue';
import { draftOf, ISSUE_PROPERTY_KEY, killDateOf, readLens, type IssueLens } from '../domain/issue-lens';
import type { KillCriteria, Outcome } from '../domain/schemas';
import type { Settings } from '../domain/settings';
import { FLAGGED_JQL } from '../contract/settings';
import {
  ConflictError,
  JiraHttpError,
  JiraRateLimitError,
  NotAuthorizedError,
  NotFoundError,
  ValidationError,
} from '../errors';
import { JiraClient } from '../jira/client';
import { jqlString } from '../jira/jql';
import type { JiraIssue, JiraTransition } from '../jira/schemas';
import type { CallContext } from '../resolvers/endpoint';
import { appendDecision, listDecisions, type Decision as StoredDecision } from '../storage/decisions';
import { keys } from '../storage/keys';
import { claim } from '../storage/kv';
import { withLensClaim } from '../storage/lens-claim';
import { listOutcomes } from '../storage/outcomes';
import { loadSettings } from '../storage/settings';
import type { Clock } from './outcome-map';
import { issueFacts, parentOutcomeOf, statusCategoryOf } from './issue-facts';
import { withPageToken } from './paging';
import { requireBrowse, targetProject } from './project-access';

const QUEUE_PAGE = 25;

export async function zombieQueue(
  call: CallContext,
  pageToken: string | null | undefined,
): Promise<ZombieQueueData> {
  const projectKey = targetProject(call);
  await requireBrowse(projectKey);
  const result = await withPageToken(pageToken, () =>
    JiraClient.asUser().searchJql({
      jql: `project = ${jqlString(projectKey)} AND statusCategory != Done AND ${FLAGGED_JQL}`,
      fields: ['summary', 'status', 'issuetype'],
      properties: [ISSUE_PROPERTY_KEY],
      maxResults: QUEUE_PAGE,
      nextPageToken: pageToken ?? null,
    }),
  );
  const items = result.issues.map((issue): ZombieItem => {
    const lens = readLens(issue.properties?.[ISSUE_PROPERTY_KEY]);
    return {
      key: issue.key,
      summary: issue.fields.summary ?? '',
      issueType: issue.fields.issuetype?.name ?? 'Issue',
      statusName: issue.fields.status?.name ?? '',
      outcomeId: lens.outcomeId,
      rules: (lens.flag?.rules ?? []).map((r) => ({
        rule: r.rule,
        since: r.since,
        detail: r.detail,
        clearBy: r.clearBy,
      })),
      flaggedAt: lens.flag?.flaggedAt ?? null,
    };
  });
  return { items, nextPageToken: result.nextPageToken };
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
  return { entries, nextCursor: cursor };
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

export function killCommentAdf(
  reason: string,
  rules: Array<{ rule: string; since: string }>,
  resolution: string,
) {
  const lines = rules.map((r) => `${r.rule} (since ${r.since})`);
  return {
    type: 'doc',
    version: 1,
    content: [
      paragraph(`Killed in Outcome Lens kill review, closed as "${resolution}" (not completed).`),
      paragraph(`Why: ${reason}`),
      ...(lines.length ? [paragraph(`Zombie rules that fired: ${lines.join('; ')}.`)] : []),
    ],
  };
}

/** What a decision records in app storage before its first side effect, so a retry can complete it. */
interface DecisionIntent {
  issueKey: string;
  kind: Decision['kind'];
  /** The kill comment: not sent yet, sent without an answer, or made. */
  comment: 'none' | 'sending' | 'made';
  commentId?: string;
}

interface LensMarker {
  idempotencyKey: string;
  kind: Decision['kind'];
  commentId?: string;
}

async function rescored(
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

async function replayOf(projectKey: string, idempotencyKey: string): Promise<DecisionEntry | null> {
  const record = await kvs.get<{ decision: StoredDecision }>(
    keys.decisionIdempotency(projectKey, idempotencyKey),
  );
  return record ? toEntry(record.decision) : null;
}

export async function decide(
  call: CallContext,
  input: { issueKey: string; idempotencyKey: string; decision: Decision },
  clock: Clock,
): Promise<DecideData> {
  const projectKey = targetProject(call);
  const { issueKey, idempotencyKey, decision } = input;
  if (issueKey.split('-')[0] !== projectKey)
    throw new ValidationError(`${issueKey} is not in project ${projectKey}.`, {
      issueKey: 'Not in this project.',
    });

  // Rights first: a replay answers with the recorded decision, which only a decider may see.
  const rights = await requireBrowse(projectKey);
  if (!rights.edit || (decision.kind === 'kill' && !rights.transition))
    throw new NotAuthorizedError(
      'Only people who can edit and transition issues in this project can decide in kill review.',
    );

  const earlier = await replayOf(projectKey, idempotencyKey);
  if (earlier) return { entry: earlier, replayed: true, statusName: null };

  // One decision at a time per issue: a concurrent duplicate waits for the first, then replays it.
  const lockKey = keys.decisionLock(projectKey, issueKey);
  if (!(await claim(lockKey, { idempotencyKey }, { value: 60, unit: 'SECONDS' }))) {
    for (let i = 0; i < 20; i++) {
      await new Promise((r) => setTimeout(r, 150));
      const first = await replayOf(projectKey, idempotencyKey);
      if (first) return { entry: first, replayed: true, statusName: null };
    }
    throw new ConflictError(
      `Another decision on ${issueKey} is being recorded. Reload the queue in a moment.`,
    );
  }
  try {
    // The lens is read, checked and written inside the issue's claim, like every app writer's.
    return await withLensClaim(
      issueKey,
      () => act(call, projectKey, input, clock),
      `${issueKey} is being saved by someone else right now. Reload the queue and decide again.`,
    );
  } finally {
    await kvs.delete(lockKey);
  }
}

async function act(
  call: CallContext,
  projectKey: string,
  { issueKey, idempotencyKey, decision }: { issueKey: string; idempotencyKey: string; decision: Decision },
  clock: Clock,
): Promise<DecideData> {
  const jira = JiraClient.asUser();
  // The decider's name is kept with the decision (one call per decision), so the log needs no lookups.
  const [outcomes, { settings }, actorName] = await Promise.all([
    listOutcomes(projectKey),
    loadSettings(projectKey),
    jira.myselfName().catch(() => null), // a missing name must not block a decision
  ]);
  let issue: JiraIssue;
  try {
    issue = await jira.getIssue(issueKey, {
      fields: ['summary', 'description', 'status', 'issuetype', 'parent', 'labels', 'resolution'],
      properties: [ISSUE_PROPERTY_KEY],
    });
  } catch (e) {
    if (e instanceof NotFoundError)
      throw new NotAuthorizedError(`You cannot see ${issueKey}, or it no longer exists.`);
    throw e;
  }
  const lens = readLens(issue.properties?.[ISSUE_PROPERTY_KEY]);
  const marker = (lens as IssueLens & { lastDecision?: LensMarker }).lastDecision;
  // The intent a first try recorded before its first side effect: a retry with the same key resumes it.
  const intentKey = keys.decisionIntent(projectKey, idempotencyKey);
  const intent = await kvs.get<DecisionIntent>(intentKey);
  const sameDecision =
    marker?.idempotencyKey === idempotencyKey ||
    (intent?.issueKey === issueKey && intent.kind === decision.kind);
  const knownCommentId =
    (marker?.idempotencyKey === idempotencyKey ? marker.commentId : undefined) ?? intent?.commentId;
  const firedRules = (lens.flag?.rules ?? []).map((r) => ({ rule: r.rule, since: r.since }));
  const now = clock.now();
  const details: Record<string, unknown> = { reason: decision.reason, rules: firedRules };
  if (actorName) details.actorName = actorName;
  let next: IssueLens & { lastDecision?: LensMarker } = {
    ...lens,
    version: lens.version + 1,
    zombie: 'false',
    flag: null,
    updatedAt: now.toISOString(),
    updatedBy: call.accountId,
    lastDecision: {
      idempotencyKey,
      kind: decision.kind,
      ...(sameDecision && knownCommentId ? { commentId: knownCommentId } : {}),
    },
  };
  let statusName: string | null = issue.fields.status?.name ?? null;

  if (decision.kind === 'kill') {
    if (statusCategoryOf(issue) === 'done') {
      // Already closed (by a retry of this decision, or by someone else): never transition twice.
      if (!sameDecision)
        throw new ConflictError(`${issueKey} is already closed (${statusName ?? 'done'}): nothing to kill.`);
    } else {
      // Recorded before the first side effect, so a retry knows the issue was closed by this decision.
      if (!intent)
        await kvs.set(intentKey, { issueKey, kind: decision.kind, comment: 'none' } satisfies DecisionIntent);
      const transition = pickKillTransition(await jira.getTransitions(issueKey), settings.kill);
      if (!transition)
        throw new ValidationError(
          settings.kill.transitionName
            ? `The workflow of ${issueKey} has no transition "${settings.kill.transitionName}" from its status. Change the kill transition in the settings.`
            : `The workflow of ${issueKey} has no transition into a done status from its status.`,
        );
      const setsResolutionItself =
        transition.name.toLowerCase() === settings.kill.resolutionName.toLowerCase();
      if (setsResolutionItself) await jira.transitionIssue(issueKey, transition.id);
      else {
        try {
          await jira.transitionIssue(issueKey, transition.id, {
            resolutionName: settings.kill.resolutionName,
          });
        } catch (e) {
          // The workflow does not let this transition set a resolution: close it without one.
          if (!(e instanceof ValidationError)) throw e;
          await jira.transitionIssue(issueKey, transition.id);
        }
      }
      details.transition = transition.name;
      statusName = transition.to?.name ?? statusName;
    }
    if (settings.flagActions.label && lens.flag?.labelApplied)
      await jira.editLabels(issueKey, { remove: [settings.flagActions.label] });
    // Mark the decision on the issue before commenting, so a retry finds it and does not comment again.
    await jira.setIssueProperty(issueKey, ISSUE_PROPERTY_KEY, next);
    // A comment call that was sent and never answered (a timeout) may have been made: it is not sent again,
    // so the kill comments at most once. A refused call (429, 5xx) made none and is sent on the retry.
    if (!next.lastDecision?.commentId && (await kvs.get<DecisionIntent>(intentKey))?.comment !== 'sending') {
      const base: DecisionIntent = { issueKey, kind: decision.kind, comment: 'sending' };
      await kvs.set(intentKey, base);
      let comment: { id: string };
      try {
        comment = await jira.addComment(
          issueKey,
          killCommentAdf(decision.reason, firedRules, settings.kill.resolutionName),
        );
      } catch (e) {
        if (e instanceof JiraRateLimitError || e instanceof JiraHttpError)
          await kvs.set(intentKey, { ...base, comment: 'none' });
        throw e;
      }
      await kvs.set(intentKey, { ...base, comment: 'made', commentId: comment.id });
      next = { ...next, lastDecision: { ...next.lastDecision!, commentId: comment.id } };
      await jira.setIssueProperty(issueKey, ISSUE_PROPERTY_KEY, next);
    }
    details.resolution = settings.kill.resolutionName;
  } else if (decision.kind === 'keep') {
    const killCriteria = decision.killCriteria
      ? { ...lens.killCriteria, ...decision.killCriteria }
      : lens.killCriteria;
    next = { ...next, killCriteria, snoozedUntil: decision.snoozeUntil ?? lens.snoozedUntil };
    next = { ...next, ...(await rescored(issue, next, outcomes, settings, jira)) };
    if (decision.killCriteria) details.killCriteria = decision.killCriteria;
    if (decision.snoozeUntil) details.snoozeUntil = decision.snoozeUntil;
    if (settings.flagActions.label && lens.flag?.labelApplied)
      await jira.editLabels(issueKey, { remove: [settings.flagActions.label] });
    await jira.setIssueProperty(issueKey, ISSUE_PROPERTY_KEY, next);
  } else {
    const target = outcomes.find((o) => o.id === decision.outcomeId);
    if (!target || target.status !== 'active')
      throw new ValidationError('Choose an active outcome of this project.', {
        'decision.outcomeId': 'Choose an active outcome.',
      });
    next = { ...next, outcomeId: target.id };
    next = { ...next, ...(await rescored(issue, next, outcomes, settings, jira)) };
    details.outcomeId = target.id;
    details.outcomeName = target.name;
    details.previousOutcomeId = lens.outcomeId;
    if (settings.flagActions.label && lens.flag?.labelApplied)
      await jira.editLabels(issueKey, { remove: [settings.flagActions.label] });
    await jira.setIssueProperty(issueKey, ISSUE_PROPERTY_KEY, next);
  }

  const { decision: stored } = await appendDecision(projectKey, {
    idempotencyKey,
    at: now.toISOString(),
    actorAccountId: call.accountId,
    kind: decision.kind,
    issueKey,
    summary: `${decision.kind} ${issueKey}: ${decision.reason}`.slice(0, 500),
    details,
  });
  return { entry: toEntry(stored), replayed: false, statusName };
}
