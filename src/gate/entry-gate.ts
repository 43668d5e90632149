/**
 * The entry gate: a function-backed `jira:workflowValidator`. Jira calls it on each transition an admin added it
 * to, before the transition is made, with `{ issue: { key }, configuration, transition: { from: { id }, to: { id },
 * modifiedFields } }`, and shows `errorMessage` when `result` is false. `modifiedFields` holds what the person
 * changed on the transition screen, shaped as REST v3 Get issue shapes it (a description in ADF), which is not on
 * the issue yet (https://developer.atlassian.com/platform/forge/manifest-reference/modules/jira-workflow-validator/).
 *
 * It decides from data the app checks, never from what the issue property claims: the property is writable by
 * anyone who may edit the issue, so a stored `score: 100, hasHypothesis: "true"` proves nothing. The hypothesis
 * is re-read from the property and scored again with the project's settings and outcomes from app storage, which
 * only the app can write.
 */
import * as z from 'zod';
import type { AdfNode } from '../domain/plain-text';
import { assessIssue, type IssueFacts } from '../domain/assess-issue';
import { ISSUE_PROPERTY_KEY, draftOf, hasHypothesis, readLens } from '../domain/issue-lens';
import { JiraClient, withRetry } from '../jira/client';
import { NotAuthorizedError } from '../errors';
import { factsOf, readIssue } from '../services/issue-lens-service';
import { parentOutcomeOf } from '../services/issue-facts';
import { listOutcomes } from '../storage/outcomes';
import { loadSettings } from '../storage/settings';

export interface GateAnswer {
  result: boolean;
  errorMessage?: string;
}

const ISSUE_KEY = /^[A-Z][A-Z0-9_]*-[1-9][0-9]*$/;

const argsSchema = z.object({ issue: z.object({ key: z.string().regex(ISSUE_KEY) }).loose() }).loose();

const modifiedSchema = z.object({
  transition: z.object({ modifiedFields: z.record(z.string(), z.unknown()) }).loose(),
});

/** What the transition screen changes of what the score reads; absent when unchanged or unreadable. */
export interface ScreenChanges {
  summary?: string;
  description?: string | AdfNode | null;
  /** The new parent's key, or null when the screen removed it. */
  parent?: string | null;
}

const has = (o: object, key: string) => Object.prototype.hasOwnProperty.call(o, key);
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The screen's changes to the fields the score reads. A value the gate cannot read is left out, so the issue's
 * own value counts: a field Jira shaped unexpectedly should not refuse a person's transition. Jira's reference
 * does not list summary among the fields it sends; one sent anyway is read.
 */
export function screenChangesOf(args: unknown): ScreenChanges {
  const parsed = modifiedSchema.safeParse(args);
  if (!parsed.success) return {};
  const fields = parsed.data.transition.modifiedFields;
  const changes: ScreenChanges = {};
  const summary = fields['summary'];
  if (typeof summary === 'string' && summary.trim()) changes.summary = summary;
  if (has(fields, 'description')) {
    const d = fields['description'];
    if (d === null || typeof d === 'string') changes.description = d;
    else if (isObject(d) && d['type'] === 'doc') changes.description = d as AdfNode;
  }
  if (has(fields, 'parent')) {
    const p = fields['parent'];
    if (p === null) changes.parent = null;
    else if (isObject(p) && typeof p['key'] === 'string' && ISSUE_KEY.test(p['key']))
      changes.parent = p['key'];
  }
  return changes;
}

const PASS: GateAnswer = { result: true };
const block = (errorMessage: string): GateAnswer => ({ result: false, errorMessage });

export const GATE_MESSAGES = {
  noHypothesis:
    'Outcome Lens: this issue has no hypothesis yet. Open the Outcome Lens panel and write who has the problem, what they want and why it matters.',
  incomplete:
    'Outcome Lens: the hypothesis is incomplete. Fill in persona, intent and benefit in the Outcome Lens panel.',
  belowThreshold: (score: number, threshold: number) =>
    `Outcome Lens: the outcome-linkage score is ${score}, under this project's threshold of ${threshold}. The panel shows how to raise it.`,
  unreadable:
    'Outcome Lens could not tell which issue is moving. Try again; if it keeps failing, tell your Jira admin.',
  unavailable:
    'Outcome Lens could not check this issue just now, so the transition was not made. Try again in a moment.',
  hidden:
    "Outcome Lens cannot see this issue (its security level leaves the app out), so it cannot check the issue's hypothesis and the transition was not made. A Jira admin can add the app's role (atlassian-addons-project-access) to the security level, or switch the entry gate off in this project's Outcome Lens settings.",
} as const;

/**
 * Decides whether `issueKey` may go through the transition, scoring it as the screen's `changes` will leave it.
 * Reads as the app: validators have no user.
 */
export async function checkEntry(issueKey: string, changes: ScreenChanges = {}): Promise<GateAnswer> {
  // Settings first, from app storage only: a gate an admin switched off costs no Jira call and cannot refuse a
  // transition because Jira is slow or rate limiting the app. Jira sends the issue's current key, so its
  // prefix is the project the issue is in.
  const keyProject = issueKey.slice(0, issueKey.lastIndexOf('-'));
  const ofKey = await loadSettings(keyProject);
  if (!ofKey.settings.entryGate.enabled) return PASS;
  const jira = JiraClient.asApp();
  // Jira answers 404 to the app for an issue whose security level leaves the app out: no retry can help.
  const issue = await onceMore(() => readIssue(jira, issueKey)).catch((e: unknown) => {
    if (e instanceof NotAuthorizedError) return null;
    throw e;
  });
  if (issue === null) return block(GATE_MESSAGES.hidden);
  const asRead = factsOf(issue);
  // The settings and outcomes of the project Jira says the issue is in now (the key's, unless it moved).
  const [stored, loaded, outcomes, parent] = await Promise.all([
    onceMore(() => jira.getIssueProperty(issueKey, ISSUE_PROPERTY_KEY)),
    issue.projectKey === keyProject ? ofKey : loadSettings(issue.projectKey),
    listOutcomes(issue.projectKey),
    parentAfter(jira, asRead.parent, changes.parent),
  ]);
  const { settings } = loaded;
  if (!settings.entryGate.enabled) return PASS;
  const nothingStored = stored === null || stored === undefined;
  const draft = draftOf(readLens(nothingStored ? null : stored));
  if (settings.entryGate.requireHypothesis) {
    if (nothingStored) return block(GATE_MESSAGES.noHypothesis);
    if (!hasHypothesis(draft)) return block(GATE_MESSAGES.incomplete);
  }
  const byId = new Map(outcomes.map((o) => [o.id, o]));
  // Scored as the transition will leave it: the screen's changes are not on the issue yet. And as a bet not yet
  // delivered, whichever way it moves: its result is recorded after delivery, so a gate on a reopen, or on the
  // close itself, must not refuse it for the result it cannot have yet.
  const facts: IssueFacts = {
    ...asRead,
    statusCategory: asRead.statusCategory === 'done' ? 'indeterminate' : asRead.statusCategory,
    ...(changes.summary !== undefined ? { summary: changes.summary } : {}),
    ...(changes.description !== undefined ? { description: changes.description } : {}),
    parent,
  };
  const { score } = assessIssue(facts, draft, byId, settings);
  if (score.total < settings.entryGate.threshold)
    return block(GATE_MESSAGES.belowThreshold(score.total, settings.entryGate.threshold));
  return PASS;
}

/** The parent the issue will have: a new one lends the outcome its own lens links to (read as the app). */
async function parentAfter(
  jira: JiraClient,
  now: IssueFacts['parent'],
  changed: string | null | undefined,
): Promise<IssueFacts['parent']> {
  if (changed === undefined || changed === now?.key) return now;
  if (changed === null) return null;
  return { key: changed, outcomeId: await onceMore(() => parentOutcomeOf(jira, changed)) };
}

/**
 * A Jira read tried once more after a 5xx: a gateway blip should not refuse a person's transition. A 429 is not
 * retried: the person tries again, as the message says, rather than the validator holding the transition.
 */
function onceMore<T>(read: () => Promise<T>): Promise<T> {
  return withRetry(read, { attempts: 2, baseDelayMs: 150 });
}

/** The Forge handler. It never throws: a failure blocks the transition with a message, as Jira would. */
export async function entryGate(args: unknown): Promise<GateAnswer> {
  const parsed = argsSchema.safeParse(args);
  if (!parsed.success) return block(GATE_MESSAGES.unreadable);
  try {
    return await checkEntry(parsed.data.issue.key, screenChangesOf(args));
  } catch (error) {
    console.error('entry gate failed', error instanceof Error ? error.message : String(error));
    return block(GATE_MESSAGES.unavailable);
  }
}
