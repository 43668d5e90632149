/**
 * Load and save of one issue's lens for the issue panel. Everything about the issue is read and written
 * asUser(), so Jira itself decides who may see and who may change it; app storage (outcomes, settings) is
 * read through ports so tests and the resolver can wire it as they need.
 */
import { descriptionDigest } from '../domain/description-digest';
import {
  describeWithHypothesis,
  JIRA_TEXT_LIMIT,
  leadTexts,
  textLength,
  type DescriptionChange,
} from '../domain/hypothesis-text';
import type {
  LoadPayload,
  PanelDescribeData,
  PanelIssue,
  PanelLens,
  PanelLoadData,
  PanelOutcome,
  PanelSaveData,
  SavePayload,
} from '../contract/issue-panel';
import type { LastWrite } from '../contract/answer';
import {
  OWN_NEWER_VERSION_MESSAGE,
  REMOVED_SINCE_MESSAGE,
  STALE_VERSION_MESSAGE,
} from '../contract/issue-panel';
import { assessIssue, type IssueFacts } from '../domain/assess-issue';
import {
  alsoCheckByNotBefore,
  farKillDates,
  farCheckBy,
  passedCheckBy,
  passedKillDates,
} from '../domain/check-by';
import { earliestLocalDay, indexedMoment, latestLocalDay, personsDay, utcDay } from '../domain/dates';
import type { DecimalMark } from '../domain/amounts';
import { readPastedStory, type PastedStory } from '../domain/pasted-story';
import { toPlainText, type AdfNode } from '../domain/plain-text';
import { isDelivered, notDeliveredReason } from '../domain/delivery';
import {
  ISSUE_PROPERTY_KEY,
  PROPERTY_VALUE_LIMIT,
  applyDraft,
  checkByNotBefore,
  draftOf,
  hasHypothesis,
  keepingUnread,
  readLens,
  resultChanged,
  resultStampOf,
  serializedSize,
  withDerivedIndexes,
  withWriteRequest,
  writeRequestOf,
  type IssueLens,
  type WriteRequest,
} from '../domain/issue-lens';
import type { IssueLensDraft, Outcome } from '../domain/schemas';
import type { Settings } from '../domain/settings';
import {
  ConflictError,
  NotAuthorizedError,
  NotFoundError,
  ValidationError,
  writeMayHaveLanded,
} from '../errors';
import { JiraClient } from '../jira/client';
import type { JiraIssue } from '../jira/schemas';
import { createHash } from 'node:crypto';
import { kvs } from '../storage/kvs-client';
import { currentFurther, currentProposal, type TrackedBet } from '../scan/bets';
import { listMetricSeries } from '../storage/metric-series';
import { keys } from '../storage/keys';
import { checkHeld, stillHeld, withLensClaim, writeHolding } from '../storage/lens-claim';
import { forgetResultStamp, saveResultStamp, settleResultStamp } from '../storage/result-stamps';
import type { CallContext } from '../resolvers/endpoint';
import { parentOutcomeOf, statusCategoryOf } from './issue-facts';

/** App storage the panel reads; the resolver wires the KVS-backed stores. */
export interface IssueLensPorts {
  /** Every outcome of the project, whatever its status. */
  outcomes(projectKey: string): Promise<Outcome[]>;
  settings(projectKey: string): Promise<Pick<Settings, 'weights' | 'inheritedLinkShare' | 'kill'>>;
  now(): Date;
}

const ISSUE_FIELDS = ['summary', 'description', 'status', 'resolution', 'issuetype', 'parent', 'project'];

/** The issue this call acts on: the context's, and a payload that names another one is refused. */
export function targetIssue(call: CallContext, payload: { issueKey?: string | undefined }): string {
  if (!call.issueKey) throw new ValidationError('Open Outcome Lens from an issue: this page has no issue.');
  if (payload.issueKey !== undefined && payload.issueKey !== call.issueKey) {
    throw new ValidationError(
      `This panel is open on ${call.issueKey}; it cannot read or write ${payload.issueKey.slice(0, 40)}.`,
      { issueKey: 'The issue key does not match the issue the panel is open on.' },
    );
  }
  return call.issueKey;
}

/** A 404 on the panel's own issue means the user may not browse it: say so rather than "not found". */
async function asVisible<T>(issueKey: string, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (e) {
    if (e instanceof NotFoundError) {
      throw new NotAuthorizedError(`You do not have permission to see ${issueKey}, or it no longer exists.`);
    }
    throw e;
  }
}

/** The fields a write reads again inside its claim: what another tab may have changed meanwhile. */
const TEXT_AND_STATUS_FIELDS = ['summary', 'description', 'status', 'resolution'];

function textAndStatusOf(
  issue: JiraIssue,
): Pick<PanelIssue, 'summary' | 'description' | 'statusName' | 'statusCategory' | 'resolution'> {
  return {
    summary: issue.fields.summary ?? '',
    description: issue.fields.description ?? null,
    statusName: issue.fields.status?.name ?? 'To Do',
    statusCategory: statusCategoryOf(issue),
    resolution: issue.fields.resolution?.name ?? null,
  };
}

export async function readIssue(jira: JiraClient, issueKey: string): Promise<PanelIssue> {
  const issue = await asVisible(issueKey, jira.getIssue(issueKey, { fields: ISSUE_FIELDS }));
  const parent = issue.fields.parent;
  const parentFields = (parent?.fields ?? {}) as { summary?: unknown };
  return {
    key: issue.key,
    projectKey: issue.fields.project?.key ?? issue.key.split('-')[0]!,
    ...textAndStatusOf(issue),
    issueType: issue.fields.issuetype?.name ?? null,
    parent: parent
      ? {
          key: parent.key,
          summary: typeof parentFields.summary === 'string' ? parentFields.summary : '',
          outcomeId: await parentOutcomeOf(jira, parent.key),
        }
      : null,
  };
}

/**
 * The issue's text and status and the given properties, read in one call inside the issue's claim. The issue was
 * read before the claim was taken: a description another tab put the hypothesis into while this write waited
 * would otherwise be scored, or prefixed, as it was before.
 */
async function readInClaim(
  jira: JiraClient,
  issueKey: string,
  issue: PanelIssue,
  properties: string[],
): Promise<{ issue: PanelIssue; issueId: string; properties: Record<string, unknown> }> {
  const now = await asVisible(
    issueKey,
    jira.getIssue(issueKey, { fields: TEXT_AND_STATUS_FIELDS, properties }),
  );
  return {
    issue: { ...issue, ...textAndStatusOf(now) },
    issueId: now.id,
    properties: now.properties ?? {},
  };
}

export function factsOf(issue: PanelIssue): IssueFacts {
  return {
    key: issue.key,
    summary: issue.summary,
    description: issue.description,
    statusCategory: issue.statusCategory,
    parent: issue.parent ? { key: issue.parent.key, outcomeId: issue.parent.outcomeId } : null,
  };
}

function panelLens(lens: IssueLens, stored: boolean): PanelLens {
  return {
    version: lens.version,
    draft: draftOf(lens),
    updatedAt: lens.updatedAt,
    updatedBy: lens.updatedBy,
    storedScore: stored ? lens.score : null,
    killReview: {
      flaggedAt: lens.zombie === 'true' ? (lens.flag?.flaggedAt ?? null) : null,
      rules:
        lens.zombie === 'true'
          ? (lens.flag?.rules ?? []).map(({ rule, since, detail, clearBy, figures }) => ({
              rule,
              since,
              detail,
              clearBy,
              ...(figures ? { figures } : {}),
            }))
          : [],
      snoozedUntil: lens.snoozedUntil,
    },
  };
}

/** Active outcomes, plus any other the issue or its parent links to (so the panel can say it is abandoned). */
function visibleOutcomes(all: Outcome[], linked: Array<string | null | undefined>): PanelOutcome[] {
  const wanted = new Set(linked.filter((id): id is string => Boolean(id)));
  return all
    .filter((o) => o.status === 'active' || wanted.has(o.id))
    .map((o) => ({ id: o.id, name: o.name, metric: o.metric, status: o.status }));
}

async function editPermission(jira: JiraClient, issueKey: string): Promise<PanelLoadData['permissions']> {
  const held = await jira.myPermissions({ issueKey }, ['EDIT_ISSUES']);
  return held.EDIT_ISSUES
    ? { canEdit: true, readOnlyReason: null }
    : {
        canEdit: false,
        readOnlyReason: `You can see ${issueKey} but not edit it, so this panel is read-only. Ask a project admin for edit permission to change the hypothesis.`,
      };
}

/**
 * What every panel call needs, read as the user: the issue, the caller's right to edit it, and its project's outcomes
 * and settings. The issue comes first: who cannot see it learns nothing else. A write reads the lens itself, inside
 * its claim; a read before it would be stale by then and cost a call.
 */
async function readPanelState(issueKey: string, ports: IssueLensPorts) {
  const jira = JiraClient.asUser();
  const issue = await readIssue(jira, issueKey);
  // Outcomes and settings are the project's the issue is in now, not the one its key was born in.
  const [permissions, outcomes, settings] = await Promise.all([
    editPermission(jira, issueKey),
    ports.outcomes(issue.projectKey),
    ports.settings(issue.projectKey),
  ]);
  return { jira, issue, permissions, outcomes, settings };
}

export async function loadIssuePanel(
  payload: LoadPayload,
  call: CallContext,
  ports: IssueLensPorts,
): Promise<PanelLoadData> {
  const issueKey = targetIssue(call, payload);
  const { jira, issue, permissions, outcomes, settings } = await readPanelState(issueKey, ports);
  // What the scan's bet check found (src/scan/bets.ts): shown beside the result, recorded only by a person.
  const trackedRead = kvs.get<TrackedBet>(keys.bet(issue.projectKey, issue.key));
  // A bet waiting for its verdict is proposed from the measurements as they are now (as the results review does),
  // not as the last scan read them: they are read beside the lens, not after it.
  const waiting = (t: TrackedBet | undefined): t is TrackedBet =>
    t?.status === 'due' || t?.status === 'unverified';
  const [stored, tracked, metricSeries] = await Promise.all([
    asVisible(issueKey, jira.getIssueProperty(issueKey, ISSUE_PROPERTY_KEY)),
    trackedRead,
    trackedRead.then((t) => (waiting(t) ? listMetricSeries(issue.projectKey) : null)),
  ]);
  const lens = readLens(stored);
  // Proposed afresh only while the bet waits for a verdict; otherwise as the scan left it.
  const fresh = waiting(tracked) && !lens.result && metricSeries ? { tracked, metricSeries } : null;
  const proposal = fresh
    ? currentProposal(fresh.tracked, outcomes, fresh.metricSeries)
    : (tracked?.proposal ?? null);
  const further = (
    fresh
      ? currentFurther(fresh.tracked, utcDay(ports.now()), outcomes, fresh.metricSeries)
      : (tracked?.further ?? [])
  ).flatMap((f) =>
    f.proposal
      ? [{ metric: f.expected.metric ?? null, unit: f.expected.unit ?? null, proposal: f.proposal }]
      : [],
  );
  return {
    issue,
    lens: panelLens(lens, stored !== null && stored !== undefined),
    outcomes: visibleOutcomes(outcomes, [lens.outcomeId, issue.parent?.outcomeId]),
    settings: { weights: { ...settings.weights }, inheritedLinkShare: settings.inheritedLinkShare },
    permissions,
    betCheck:
      tracked && !lens.result
        ? {
            status: tracked.status,
            deliveredOn: tracked.deliveredOn,
            checkBy: tracked.checkBy,
            proposal,
            ...(further.length ? { further } : {}),
          }
        : null,
    ...(payload.requestId
      ? { requestLanded: writeRequestOf(lens, payload.requestId, call.accountId) !== null }
      : {}),
  };
}

/**
 * An outcome may be chosen when it is an active one of this project. A link the save leaves as it was stands,
 * whatever became of its outcome: abandoned, or of the project the issue was moved from.
 */
function checkOutcome(draft: IssueLensDraft, outcomes: Outcome[], current: IssueLens): void {
  if (!draft.outcomeId || draft.outcomeId === current.outcomeId) return;
  const outcome = outcomes.find((o) => o.id === draft.outcomeId);
  if (outcome?.status === 'active') return;
  const message = outcome
    ? `The outcome "${outcome.name}" is ${outcome.status}: choose an active outcome.`
    : 'That outcome does not exist in this project: choose one of its active outcomes.';
  throw new ValidationError(message, { outcomeId: message });
}

/**
 * A check-by day already gone cannot be checked, nor one more than five years ahead (farCheckBy): refused when
 * the save sets it, on the first expectation (at its field) or a further one. A stored one still loads and re-saves.
 * A kill date set in the past, or more than ten years ahead (a year typed wrong: the item would never come to
 * review), is refused too; every day refused is named at once, so one save tells the person all there is to mend.
 * `latestToday` is the latest day it is anywhere now.
 */
function checkCheckBy(
  draft: IssueLensDraft,
  stored: IssueLensDraft,
  notBefore: string | undefined,
  today: string,
  latestToday: string,
): void {
  const refused: Record<string, string> = {};
  const passed =
    passedCheckBy(draft.expected.checkBy, notBefore) ?? farCheckBy(draft.expected.checkBy, notBefore);
  if (passed) refused['draft.expected.checkBy'] = passed;
  for (const killDate of [
    ...passedKillDates(draft, stored, today),
    ...farKillDates(draft, stored, latestToday),
  ])
    refused[`draft.${killDate.path}`] = killDate.message;
  (draft.alsoExpected ?? []).forEach((e, i) => {
    const alsoNotBefore = alsoCheckByNotBefore(e, stored, today);
    const also = passedCheckBy(e.checkBy, alsoNotBefore) ?? farCheckBy(e.checkBy, alsoNotBefore);
    if (also)
      refused[`draft.alsoExpected.${i}.checkBy`] =
        `A further expectation, "${e.metric ?? 'a metric'}": ${also}`;
  });
  if (Object.keys(refused).length) throw ValidationError.ofFields(refused);
}

/**
 * A result newly recorded or changed needs delivered work, as in results review: on an open item, or one closed
 * as abandoned, it would count as a bet judged before it was made. One stored as it is never blocks other edits.
 */
function checkResultDelivered(
  draft: IssueLensDraft,
  current: IssueLens,
  issue: PanelIssue,
  killResolutionName: string,
): void {
  const result = draft.result;
  if (!result) return;
  const same = current.result?.verdict === result.verdict && current.result.evidence === result.evidence;
  if (same || isDelivered(issue.statusCategory, issue.resolution, killResolutionName)) return;
  const message = notDeliveredReason(issue.key, issue.statusCategory, issue.resolution ?? null);
  throw new ValidationError(message, { 'draft.result.verdict': message });
}

/** A short digest of what a request asks to write: a retry sends the same, anything else is another request. */
export function requestDigest(content: unknown): string {
  return createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 16);
}

/**
 * A request id the page sent before with other content: a change edited after a try that timed out. Refused, and
 * said so: the earlier try may have landed, and only the page reloaded shows what is saved.
 */
export function reusedRequestId(): ValidationError {
  return new ValidationError(
    'An earlier try of this change, sent before you edited it, may have been saved; this one was not. Reload the page to see what is saved, then try again.',
    { requestId: 'Already used for a different change.' },
  );
}

/**
 * The answer a save already gave, for a retry of it: the lens as that write stored it, so the panel's next
 * save is based on that version (and meets any later writer as a conflict, as it should).
 */
function replayedSave(
  current: IssueLens,
  earlier: WriteRequest,
  draft: IssueLensDraft,
  digest: string,
): PanelSaveData {
  if (earlier.digest !== digest) throw reusedRequestId();
  const asWritten: IssueLens =
    current.version === earlier.version
      ? current
      : {
          ...applyDraft(
            current,
            draft,
            { total: earlier.score ?? 0, modelVersion: current.scoreModel ?? '' },
            { accountId: earlier.by, at: earlier.at },
            { isRecipe: current.recipe === 'true' },
          ),
          version: earlier.version,
        };
  return {
    lens: panelLens(asWritten, true),
    score: earlier.score ?? asWritten.score ?? 0,
    replayed: true,
  };
}

export async function saveIssueLens(
  payload: Omit<SavePayload, 'draft'> & { draft: IssueLensDraft },
  call: CallContext,
  ports: IssueLensPorts,
): Promise<PanelSaveData> {
  const issueKey = targetIssue(call, payload);
  const { jira, issue: before, permissions, outcomes, settings } = await readPanelState(issueKey, ports);
  if (!permissions.canEdit) {
    throw new NotAuthorizedError(`You do not have permission to edit ${issueKey}, so nothing was saved.`);
  }
  const requestId = payload.requestId ?? null;
  const digest = requestDigest(payload.draft);
  // Read–check–write inside the issue's claim, which every app writer takes (src/storage/lens-claim.ts): the
  // lens read here is the latest any app writer acknowledged, so the version check cannot be overtaken. A
  // retry waits for an earlier try of its own request, so the lens it reads shows whether that try landed.
  return withLensClaim(
    before.key,
    async (held) => {
      const { issue, issueId, properties } = await readInClaim(jira, issueKey, before, [ISSUE_PROPERTY_KEY]);
      const current = readLens(properties[ISSUE_PROPERTY_KEY]);
      const earlier = requestId ? writeRequestOf(current, requestId, call.accountId) : null;
      if (earlier) return replayedSave(current, earlier, payload.draft, digest);
      if (current.version !== payload.version) throw staleVersion(current, payload.version, call.accountId);
      checkOutcome(payload.draft, outcomes, current);
      checkResultDelivered(payload.draft, current, issue, settings.kill.resolutionName);
      const today = earliestLocalDay(ports.now());
      const notBefore = checkByNotBefore(payload.draft, draftOf(current), today);
      checkCheckBy(payload.draft, draftOf(current), notBefore, today, latestLocalDay(ports.now()));

      const byId = new Map(outcomes.map((o) => [o.id, o]));
      const { score, recipe } = assessIssue(factsOf(issue), payload.draft, byId, settings, {
        checkByNotBefore: notBefore,
        stored: draftOf(current),
      });
      const at = indexedMoment(ports.now());
      let next = applyDraft(
        current,
        withMeasuredValueKept(payload.draft, current),
        score,
        { accountId: call.accountId, at },
        { isRecipe: recipe.isRecipe },
      );
      // The request id goes into the same write: whether it landed is then read from the lens itself.
      if (requestId)
        next = withWriteRequest(next, {
          id: requestId,
          by: call.accountId,
          version: next.version,
          at,
          score: score.total,
          digest,
        });
      next = keepingUnread(properties[ISSUE_PROPERTY_KEY], next);
      checkLensFits(next, 'Shorten the evidence or the kill condition and save again.');
      // Who set the result goes into app storage first, where only the app writes (the lens is anyone's who may
      // edit the issue). It keeps the stamp of the result the lens holds now: a lens write that then fails leaves
      // that result, and its recorder, as they were. A stamp storage refuses fails the save before the lens is
      // touched. A save that keeps the result writes none; one that takes it away forgets the stamp once it landed.
      const result = readLens(next).result;
      const stampChanges = resultChanged(current.result, result);
      const stamp = result && resultStampOf(result, { accountId: call.accountId, at });
      let keptBefore = false;
      if (stampChanges && stamp) {
        await checkHeld(held);
        ({ keptBefore } = await saveResultStamp(issueId, stamp, current.result ?? null));
      }
      // asUser: Jira enforces edit permission again at the write itself.
      await checkHeld(held);
      await writeHolding(
        held,
        () => jira.setIssueProperty(issueKey, ISSUE_PROPERTY_KEY, next),
        async () => {
          // This very write: no other app writer wrote while the claim was held.
          const after = await jira.getIssue(issueKey, {
            fields: ['status'],
            properties: [ISSUE_PROPERTY_KEY],
          });
          const stored = readLens(after.properties?.[ISSUE_PROPERTY_KEY]);
          return stored.version === next.version && stored.updatedAt === next.updatedAt;
        },
      );
      // Best effort, while the claim is still held: a stamp, or an earlier one it kept, left behind vouches only
      // for a result the lens no longer holds.
      if (stampChanges && (keptBefore || !stamp))
        await checkHeld(held)
          .then(() => (stamp ? settleResultStamp(issueId, stamp) : forgetResultStamp(issueId)))
          .catch((e: unknown) =>
            console.warn('result stamp not settled', e instanceof Error ? e.message : String(e)),
          );
      // Answered as the panel reads it: the parts kept unread are in Jira, not in the form.
      return { lens: panelLens(readLens(next), true), score: score.total, replayed: false };
    },
    `${issueKey} is being saved right now (by someone else, the daily scan or a kill review decision), so nothing was saved.`,
    { requestId, sameRequest: 'after-holder' },
  ).catch(namingTheWriter(jira));
}

/**
 * Refuses a lens over Jira's limit on a property value before anything is written, with the app's own message:
 * Jira would answer a bare 400. `shorten` tells the person what to shorten where they are.
 */
export function checkLensFits(lens: IssueLens, shorten: string): void {
  const size = serializedSize(lens);
  if (size <= PROPERTY_VALUE_LIMIT) return;
  throw new ValidationError(
    `This is too much text to store on one issue (${size.toLocaleString('en')} of ${PROPERTY_VALUE_LIMIT.toLocaleString('en')} characters). ${shorten}`,
  );
}

/**
 * The draft with the measured value a results review recorded: the panel's form has no field for it, so a save of
 * the same verdict would otherwise drop it. A verdict changed or removed in the panel takes its own.
 */
function withMeasuredValueKept(draft: IssueLensDraft, current: IssueLens): IssueLensDraft {
  const stored = current.result;
  const result = draft.result;
  if (!stored || stored.measuredValue === undefined || !result || result.measuredValue !== undefined)
    return draft;
  if (result.verdict !== stored.verdict) return draft;
  return { ...draft, result: { ...result, measuredValue: stored.measuredValue } };
}

/**
 * A conflict's handler that names the writer it missed (from Jira), so the person can ask them; any other error
 * passes through. Asked for once the claim is released: a lookup must not hold up the issue's writers.
 */
function namingTheWriter(jira: JiraClient) {
  return async (e: unknown): Promise<never> => {
    if (!(e instanceof ConflictError) || !e.lastWrite?.accountId) throw e;
    const name = await jira.userName(e.lastWrite.accountId).catch(() => null);
    throw new ConflictError(e.message, e.current, e.retryAfterSeconds, { ...e.lastWrite, name });
  };
}

/** Who wrote the stored lens and when, as far as it records them (a lens written by hand may record neither). */
function lastWriteOf(lens: IssueLens, caller: string): LastWrite | undefined {
  if (!lens.updatedBy && !lens.updatedAt) return undefined;
  return {
    accountId: lens.updatedBy,
    name: null,
    at: lens.updatedAt,
    ...(lens.updatedBy === caller ? { byYou: true } : {}),
  };
}

/**
 * The refusal of a write made on another version (`sent`) than the stored one: an older one says whose the stored
 * one is; a newer one, that what the panel loaded was removed since.
 */
function staleVersion(stored: IssueLens, sent: number, caller: string): ConflictError {
  if (sent > stored.version) return new ConflictError(REMOVED_SINCE_MESSAGE, panelLens(stored, true));
  const lastWrite = lastWriteOf(stored, caller);
  const message = lastWrite?.byYou ? OWN_NEWER_VERSION_MESSAGE : STALE_VERSION_MESSAGE;
  return new ConflictError(message, panelLens(stored, true), undefined, lastWrite);
}

/**
 * The issue property holding the texts of the hypothesis the app last wrote atop the description: a later
 * "put on top" replaces that lead instead of stacking the stale one under the new. `{lead, earlier}` after a change
 * Jira did not confirm: the description may carry either, the new lead or one before it, until one is confirmed.
 */
const DESCRIPTION_LEAD_KEY = 'outcome-lens-description-lead';
/** The leads before the newest kept as candidates: a few unconfirmed changes in a row, and the property stays small. */
const EARLIER_LEADS_KEPT = 3;

const isLead = (texts: unknown): texts is string[] =>
  Array.isArray(texts) && texts.length > 0 && texts.every((t) => typeof t === 'string');

/**
 * The leads the description may start with, the newest first (`{lead}` as written before there were candidates
 * too), or none when none is stored (or its value is not one: the lead then stays).
 */
function readLeadTexts(value: unknown): string[][] {
  const record = value as { lead?: unknown; earlier?: unknown } | null;
  const earlier: unknown[] = Array.isArray(record?.earlier) ? record.earlier : [];
  return [record?.lead, ...earlier].filter(isLead);
}

/** Records the lead the description carries now, or the leads it may carry: either is replaced next time. */
async function recordLead(
  jira: JiraClient,
  issueKey: string,
  lead: string[],
  earlier: string[][] = [],
): Promise<void> {
  const same = (texts: string[]) => texts.length === lead.length && texts.every((t, i) => t === lead[i]);
  const candidates = earlier.filter((texts) => !same(texts)).slice(0, EARLIER_LEADS_KEPT);
  // Not kept, the next prefix keeps the lead as text: nothing to fail the change for.
  await jira
    .setIssueProperty(
      issueKey,
      DESCRIPTION_LEAD_KEY,
      candidates.length ? { lead, earlier: candidates } : { lead },
    )
    .catch(() => undefined);
}

/**
 * Sets the description, as the user (Jira checks their edit permission at the write itself), with its lead
 * recorded first, beside the `earlier` ones: a write Forge stops, or that Jira makes after answering 504, is then
 * known as the app's all the same, and so is an earlier lead an unconfirmed change may still put there, whatever
 * lands last. A write Jira refused leaves the record as it was. When the call fails in a way that may have come
 * after the edit, the description is read again: the one sent is written; anything else is not there yet, and
 * the error is answered as it came.
 */
async function editDescription(
  jira: JiraClient,
  issueKey: string,
  description: AdfNode,
  lead: string[],
  earlier: string[][],
): Promise<void> {
  await recordLead(jira, issueKey, lead, earlier);
  try {
    await jira.setDescription(issueKey, description);
  } catch (e) {
    if (!writeMayHaveLanded(e)) {
      const [previous, ...before] = earlier;
      if (previous) await recordLead(jira, issueKey, previous, before);
      // There was no record before: none is left for a lead the description does not carry.
      else await jira.deleteIssueProperty(issueKey, DESCRIPTION_LEAD_KEY).catch(() => undefined);
      throw e;
    }
    // A read that fails too leaves it unknown: the original error says so (the panel asks to check the issue).
    const now = await jira.getIssue(issueKey, { fields: ['description'] }).catch(() => null);
    if (!now) throw e;
    // Not there yet is not "not changed": the error goes back as it came, and the panel says the description may or
    // may not have been changed, to be read on the issue before trying again.
    if (toPlainText(now.fields.description ?? null) !== toPlainText(description)) throw e;
  }
}

/**
 * Writes the saved hypothesis (and its expectations) into the Jira description, as the user, so the squad reads
 * the problem rather than the recipe. Only the version the panel showed is written: a newer save is a conflict.
 */
export async function describeWithSavedHypothesis(
  payload: {
    issueKey?: string | undefined;
    change: DescriptionChange;
    version: number;
    shown?: string | undefined;
  },
  call: CallContext,
  ports: IssueLensPorts,
): Promise<PanelDescribeData> {
  const issueKey = targetIssue(call, payload);
  const { jira, issue: before, permissions, outcomes, settings } = await readPanelState(issueKey, ports);
  if (!permissions.canEdit) {
    throw new NotAuthorizedError(
      `You do not have permission to edit ${issueKey}, so its description was not changed.`,
    );
  }
  // The issue's claim is taken before Jira's description is touched: a writer holding it (a save, the scan) turns
  // this away with nothing changed, rather than after the description is already rewritten.
  return withLensClaim(
    before.key,
    async (held) => {
      // One read, and a failed one fails the change: a lead taken for absent on a 429 would stay below the new one.
      const { issue, properties } = await readInClaim(jira, issueKey, before, [
        ISSUE_PROPERTY_KEY,
        DESCRIPTION_LEAD_KEY,
      ]);
      const lens = readLens(properties[ISSUE_PROPERTY_KEY]);
      const earlierLeads = readLeadTexts(properties[DESCRIPTION_LEAD_KEY]);
      if (lens.version !== payload.version) throw staleVersion(lens, payload.version, call.accountId);
      if (!hasHypothesis(lens)) {
        throw new ValidationError(
          'Save a hypothesis with persona, intent and benefit first: only a saved hypothesis goes into the description.',
        );
      }
      const expected = [lens.expected, ...lens.alsoExpected];
      const description = describeWithHypothesis(
        lens.hypothesis,
        expected,
        issue.description,
        payload.change,
        earlierLeads,
      );
      if (payload.shown !== undefined && descriptionDigest(issue.description) !== payload.shown) {
        // This very change sent again after it landed (its answer lost) finds its own text: nothing more to do.
        if (toPlainText(issue.description) === toPlainText(description)) return { description };
        throw new ConflictError(
          'The Jira description was changed since this panel showed it, so it was not written over.',
        );
      }
      const length = textLength(description);
      if (length > JIRA_TEXT_LIMIT) throw tooLong(payload.change, length);
      await checkHeld(held);
      // What is written is recorded, to be known as the app's own next time.
      await editDescription(
        jira,
        issueKey,
        description,
        leadTexts(lens.hypothesis, expected),
        earlierLeads,
      ).catch((e: unknown) => {
        // Jira counts the text with its formatting: a description under the limit here may still be over it there.
        throw e instanceof ValidationError && OVER_JIRA_LIMIT.test(e.message)
          ? tooLong(payload.change, null)
          : e;
      });
      // The indexed recipe flag follows the new text, so `recipe = "true"` stops finding an issue that no longer
      // is one. The description is changed by now whatever happens here: a flag that cannot be written is said,
      // and the next scan writes it.
      // The score follows it too, as the panel shows it, so `outcomeScore` finds the issue by its new score; and
      // so do hasHypothesis and killDate, which a lens written by another tool may lack.
      const byId = new Map(outcomes.map((o) => [o.id, o]));
      const assessed = assessIssue({ ...factsOf(issue), description }, draftOf(lens), byId, settings);
      const rescored = withDerivedIndexes({
        ...lens,
        recipe: assessed.recipe.isRecipe ? 'true' : 'false',
        score: assessed.score.total,
        scoreModel: assessed.score.modelVersion,
      });
      const indexed = ['recipe', 'score', 'scoreModel', 'hasHypothesis', 'killDate'] as const;
      if (indexed.every((field) => lens[field] === rescored[field])) return { description };
      const flagged = await (async () => {
        if (!(await stillHeld(held))) return false;
        await writeHolding(held, () =>
          jira.setIssueProperty(
            issueKey,
            ISSUE_PROPERTY_KEY,
            keepingUnread(properties[ISSUE_PROPERTY_KEY], rescored),
          ),
        );
        return true;
      })().catch(() => false);
      return flagged ? { description } : { description, recipeFlagPending: true };
    },
    `Someone else is saving ${issueKey} right now, so its description was not changed.`,
  ).catch(namingTheWriter(jira));
}

/** How Jira says a text is longer than it keeps: REST v3's code, or v2's sentence. */
const OVER_JIRA_LIMIT = /CONTENT_LIMIT_EXCEEDED|exceeds the allowed limit/i;

/** The refusal of a description Jira would not keep, with what to do instead; `length` when it was counted here. */
function tooLong(change: DescriptionChange, length: number | null): ValidationError {
  const limit = JIRA_TEXT_LIMIT.toLocaleString('en-US');
  const over =
    length === null
      ? `Jira refused the description as longer than the ${limit} characters it keeps (it counts the formatting too)`
      : `The description would be ${length.toLocaleString('en-US')} characters, over the ${limit} Jira keeps`;
  const instead =
    change === 'prefix'
      ? 'Replace the description with the hypothesis instead, or shorten the description in Jira first.'
      : 'Shorten the hypothesis or its expectations first.';
  return new ValidationError(`${over}, so it was not changed. ${instead}`);
}

/**
 * A story pasted into the panel, read for the fields it fills (the parser stays out of the panel's bundle). It
 * reads no issue data: the call only has to come from the panel of an issue. Year-less dates resolve from the
 * person's day when it is within a day of the server's (their time zone), else from the server's.
 */
export function readStoryForPanel(
  payload: {
    issueKey?: string | undefined;
    story: string;
    decimalMark: DecimalMark;
    today?: string | undefined;
  },
  call: CallContext,
  ports: Pick<IssueLensPorts, 'now'>,
): PastedStory {
  targetIssue(call, payload);
  const day = personsDay(ports.now(), payload.today);
  return readPastedStory(payload.story, new Date(`${day}T00:00:00.000Z`), payload.decimalMark);
}
