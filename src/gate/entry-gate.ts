/**
 * The entry gate: a function-backed `jira:workflowValidator`. Jira calls it on each transition an admin added it
 * to, with `{ issue: { key }, transition }`, and shows `errorMessage` when `result` is false.
 *
 * It decides from data the app checks, never from what the issue property claims: the property is writable by
 * anyone who may edit the issue, so a stored `score: 100, hasHypothesis: "true"` proves nothing. The hypothesis
 * is re-read from the property and scored again with the project's settings and outcomes from app storage, which
 * only the app can write.
 */
import * as z from 'zod';
import { assessIssue } from '../domain/assess-issue';
import { ISSUE_PROPERTY_KEY, draftOf, hasHypothesis, readLens } from '../domain/issue-lens';
import { JiraClient, withRetry } from '../jira/client';
import { NotAuthorizedError } from '../errors';
import { factsOf, readIssue } from '../services/issue-lens-service';
import { listOutcomes } from '../storage/outcomes';
import { loadSettings } from '../storage/settings';

export interface GateAnswer {
  result: boolean;
  errorMessage?: string;
}

const argsSchema = z
  .object({ issue: z.object({ key: z.string().regex(/^[A-Z][A-Z0-9_]*-[1-9][0-9]*$/) }).loose() })
  .loose();

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

/** Decides whether `issueKey` may go through the transition. Reads as the app: validators have no user. */
export async function checkEntry(issueKey: string): Promise<GateAnswer> {
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
  // The settings and outcomes of the project Jira says the issue is in now (the key's, unless it moved).
  const [stored, loaded, outcomes] = await Promise.all([
    onceMore(() => jira.getIssueProperty(issueKey, ISSUE_PROPERTY_KEY)),
    issue.projectKey === keyProject ? ofKey : loadSettings(issue.projectKey),
    listOutcomes(issue.projectKey),
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
  const { score } = assessIssue(factsOf(issue), draft, byId, settings);
  if (score.total < settings.entryGate.threshold)
    return block(GATE_MESSAGES.belowThreshold(score.total, settings.entryGate.threshold));
  return PASS;
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
    return await checkEntry(parsed.data.issue.key);
  } catch (error) {
    console.error('entry gate failed', error instanceof Error ? error.message : String(error));
    return block(GATE_MESSAGES.unavailable);
  }
}
