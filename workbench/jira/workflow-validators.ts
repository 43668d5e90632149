/**
 * Workflow validators on the workbench's transitions. Jira keeps which validators run on which transition in the
 * workflow, which an admin edits; the workbench keeps it in a project property (see configureWorkflowValidator).
 * The app's validator is function-backed (`jira:workflowValidator` with `function`): the Forge host runs the
 * app's handler with Jira's argument, `{ issue: { key }, configuration, transition: { from: { id }, to: { id },
 * modifiedFields } }`, and Jira lets the transition through only on `result: true`. `modifiedFields` are the
 * values changed on the transition screen, as REST v3 Get issue shapes them, sent when the app has
 * `read:jira-work` (https://developer.atlassian.com/platform/forge/manifest-reference/modules/jira-workflow-validator/).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { JiraStore } from './store';
import type { StoredIssue } from './types';

export interface WorkflowValidatorModule {
  key: string;
  errorMessage: string;
}

/** What a function-backed validator answers. */
export interface ValidatorFunctionAnswer {
  result: boolean;
  errorMessage?: string;
}

export interface ValidatorArguments {
  issue: { key: string };
  /** What an admin saved on the validator's configuration page; the app's gate has none. */
  configuration: Record<string, unknown>;
  transition: { from: { id: string }; to: { id: string }; modifiedFields: Record<string, unknown> };
}

/** Runs the app's function for a validator module; the Forge host wires it to the runtime. */
export type ValidatorFunctionRunner = (validatorKey: string, args: ValidatorArguments) => Promise<unknown>;

/** `{ "In Progress": ["outcome-lens-entry-gate"] }`: the validators on transitions into each status. */
export const WORKFLOW_VALIDATORS_PROPERTY = 'workbench.workflow-validators';

const MANIFEST_FILE = path.resolve(__dirname, '..', '..', 'manifest.yml');
const validatorCache = new Map<string, WorkflowValidatorModule[]>();

/** The manifest's validators. Expression validators are not emulated: the app has none, and says so if it gains one. */
export function manifestValidators(file: string = MANIFEST_FILE): WorkflowValidatorModule[] {
  const cached = validatorCache.get(file);
  if (cached) return cached;
  const doc = parseYaml(fs.readFileSync(file, 'utf8')) as { modules?: Record<string, unknown> } | null;
  const list = (doc?.modules?.['jira:workflowValidator'] ?? []) as Array<Record<string, unknown>>;
  const validators = list.map((v) => {
    if (typeof v.function !== 'string')
      throw new Error(
        `Workflow validator "${String(v.key)}" has no function: the workbench runs function-backed validators only.`,
      );
    return {
      key: String(v.key),
      errorMessage:
        typeof v.errorMessage === 'string' ? v.errorMessage : 'The transition was blocked by a validator.',
    };
  });
  validatorCache.set(file, validators);
  return validators;
}

/** Adds a manifest validator to transitions into `toStatus` in a project (what an admin does in the workflow editor). */
export function configureWorkflowValidator(
  store: JiraStore,
  projectKey: string,
  toStatus: string,
  validatorKey: string,
): void {
  const current = (store.getProjectProperty(projectKey, WORKFLOW_VALIDATORS_PROPERTY) ?? {}) as Record<
    string,
    string[]
  >;
  const keys = new Set(current[toStatus] ?? []);
  keys.add(validatorKey);
  store.setProjectProperty(projectKey, WORKFLOW_VALIDATORS_PROPERTY, { ...current, [toStatus]: [...keys] });
}

/** One validator's verdict: null to let the transition through, else the message Jira shows. */
async function verdictOf(
  validator: WorkflowValidatorModule,
  args: ValidatorArguments,
  runFunction: ValidatorFunctionRunner | null,
): Promise<string | null> {
  if (!runFunction) return validator.errorMessage;
  try {
    const answer = (await runFunction(validator.key, args)) as Partial<ValidatorFunctionAnswer> | null;
    if (answer?.result === true) return null;
    return typeof answer?.errorMessage === 'string' && answer.errorMessage
      ? answer.errorMessage
      : validator.errorMessage;
  } catch {
    // A validator that throws or times out blocks the transition with the module's errorMessage.
    return validator.errorMessage;
  }
}

/**
 * Runs the validators configured for transitions of `issue` into `transition.toStatus`, with the fields the
 * transition's screen changed (none for a transition without one). Returns the message of the first that
 * blocks, or null when the transition may go ahead.
 */
export async function runWorkflowValidators(
  store: JiraStore,
  issue: StoredIssue,
  transition: { toStatus: string; fromStatusId: string; toStatusId: string },
  runFunction: ValidatorFunctionRunner | null,
  modifiedFields: Record<string, unknown> = {},
): Promise<string | null> {
  const config = store.getProjectProperty(issue.projectKey, WORKFLOW_VALIDATORS_PROPERTY) as
    Record<string, unknown> | undefined;
  const configured = config?.[transition.toStatus];
  if (!Array.isArray(configured) || configured.length === 0) return null;
  const args: ValidatorArguments = {
    issue: { key: issue.key },
    configuration: {},
    transition: {
      from: { id: transition.fromStatusId },
      to: { id: transition.toStatusId },
      modifiedFields,
    },
  };
  for (const validator of manifestValidators().filter((v) => configured.includes(v.key))) {
    const blocked = await verdictOf(validator, args, runFunction);
    if (blocked !== null) return blocked;
  }
  return null;
}
