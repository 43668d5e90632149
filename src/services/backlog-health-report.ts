/**
 * The backlog-health tab: the retrospective questions answered from the open backlog now (who wrote the
 * stories, recipes or problems with examples, linked share, score distribution, zombies by rule), and how
 * these moved since the last finished scan (whose figures the scan stores with each run summary).
 */
import type { HealthData, ScanHealthFigures, ScanNowData } from '../contract/project-page';
import { assessIssue } from '../domain/assess-issue';
import {
  backlogHealth,
  type BacklogHealth,
  type HealthItem,
  type HealthMovement,
} from '../domain/backlog-health';
import { draftOf, ISSUE_PROPERTY_KEY, readLens, type IssueLens } from '../domain/issue-lens';
import type { ZombieRuleId } from '../domain/zombie';
import { NotAuthorizedError } from '../errors';
import { JiraClient } from '../jira/client';
import { jqlString } from '../jira/jql';
import type { JiraIssue } from '../jira/schemas';
import type { CallContext } from '../resolvers/endpoint';
import { listOutcomes } from '../storage/outcomes';
import { listRunSummaries } from '../storage/scan-state';
import { loadSettings } from '../storage/settings';
import { issueFacts } from './issue-facts';
import { projectRights, requireBrowse, targetProject } from './project-access';

const PAGE = 100;
const MAX_PAGES = 100;

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function figures(value: unknown): ScanHealthFigures | null {
  if (!value || typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  const n = (k: string) => (typeof v[k] === 'number' ? v[k] : null);
  const total = n('total');
  if (total === null) return null;
  return {
    total,
    recipes: n('recipes') ?? 0,
    linked: n('linked') ?? 0,
    zombies: n('zombies') ?? 0,
    meanScore: n('meanScore'),
  };
}

/** Now minus the last scan, in the domain's movement shape. */
export function movementSince(now: BacklogHealth, last: ScanHealthFigures): HealthMovement {
  const share = (count: number) => (last.total ? count / last.total : 0);
  return {
    total: now.total - last.total,
    recipeShare: round3(now.recipes.share - share(last.recipes)),
    linkedShare: round3(now.links.linked.share - share(last.linked)),
    meanScore:
      now.scores.mean === null || last.meanScore === null
        ? null
        : Math.round((now.scores.mean - last.meanScore) * 10) / 10,
    zombies: now.zombies.count - last.zombies,
  };
}

export async function backlogHealthReport(call: CallContext): Promise<HealthData> {
  const projectKey = targetProject(call);
  await requireBrowse(projectKey);
  const jira = JiraClient.asUser();
  const [outcomes, { settings }, runs] = await Promise.all([
    listOutcomes(projectKey),
    loadSettings(projectKey),
    listRunSummaries(projectKey, 10),
  ]);
  const byId = new Map(outcomes.map((o) => [o.id, o]));
  const issues: Array<{ issue: JiraIssue; lens: IssueLens }> = [];
  let token: string | null = null;
  let truncated = false;
  for (let page = 0; ; page++) {
    if (page >= MAX_PAGES) {
      truncated = true;
      break;
    }
    const result: { issues: JiraIssue[]; nextPageToken: string | null } = await jira.searchJql({
      jql: `project = ${jqlString(projectKey)} AND statusCategory != Done`,
      fields: ['summary', 'description', 'status', 'reporter', 'parent'],
      properties: [ISSUE_PROPERTY_KEY],
      maxResults: PAGE,
      nextPageToken: token,
    });
    for (const issue of result.issues)
      issues.push({ issue, lens: readLens(issue.properties?.[ISSUE_PROPERTY_KEY]) });
    token = result.nextPageToken;
    if (!token) break;
  }
  const lensOf = new Map(issues.map((i) => [i.issue.key, i.lens.outcomeId]));
  const missing = [
    ...new Set(
      issues.map((i) => i.issue.fields.parent?.key).filter((k): k is string => !!k && !lensOf.has(k)),
    ),
  ];
  for (let i = 0; i < missing.length; i += 100) {
    const batch = await jira.bulkFetchIssues(missing.slice(i, i + 100), {
      fields: ['issuetype'],
      properties: [ISSUE_PROPERTY_KEY],
    });
    for (const p of batch) lensOf.set(p.key, readLens(p.properties?.[ISSUE_PROPERTY_KEY]).outcomeId);
  }
  const items: HealthItem[] = issues.map(({ issue, lens }) => {
    const parentKey = issue.fields.parent?.key;
    const parentOutcome = parentKey ? (lensOf.get(parentKey) ?? null) : null;
    const a = assessIssue(issueFacts(issue, parentOutcome), draftOf(lens), byId, settings);
    const reporter = issue.fields.reporter as { displayName?: unknown; accountId: string } | null | undefined;
    return {
      key: issue.key,
      summary: issue.fields.summary ?? '',
      reporter: reporter
        ? typeof reporter.displayName === 'string'
          ? reporter.displayName
          : reporter.accountId
        : null,
      isRecipe: a.recipe.isRecipe,
      recipePhrases: a.recipe.reasons.map((r) => r.phrase),
      link: a.link.kind,
      score: a.score.total,
      zombieRules: lens.zombie === 'true' ? (lens.flag?.rules ?? []).map((r) => r.rule as ZombieRuleId) : [],
    };
  });
  const current = backlogHealth(items);
  const finished = runs.find((r) => r.finishedAt && figures(r.health) && r.dryRun !== true);
  const last = finished ? figures(finished.health) : null;
  return {
    current,
    lastScan: last ? { ...last, at: finished?.finishedAt ?? null } : null,
    movement: last ? movementSince(current, last) : null,
    truncated,
  };
}

/** Project administrators may start the scan; it runs through the scan's own entry point. */
export async function startScan(
  call: CallContext,
  run: (projectKey: string, options: { dryRun?: boolean; accountId: string }) => Promise<unknown>,
  dryRun: boolean | undefined,
): Promise<ScanNowData> {
  const projectKey = targetProject(call);
  const rights = await projectRights(projectKey);
  if (!rights.admin) throw new NotAuthorizedError('Only project administrators can start a scan.');
  const answer = (await run(projectKey, {
    ...(dryRun !== undefined ? { dryRun } : {}),
    accountId: call.accountId,
  })) as { alreadyRunning?: boolean } | undefined;
  if (answer?.alreadyRunning)
    return { started: false, message: 'A scan is already running for this project.' };
  return {
    started: true,
    message: dryRun ? 'Dry-run scan started: nothing will be written.' : 'Scan started.',
  };
}
