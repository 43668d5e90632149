/**
 * The backlog-health tab: the retrospective questions answered from the open backlog now (who wrote the
 * stories, recipes or problems with examples, linked share, score distribution, zombies by rule), and how
 * these moved since the last finished scan (whose figures the scan stores with each run summary).
 */
import type {
  HealthData,
  HealthRecipesData,
  ScanHealthFigures,
  ScanNowData,
  UnreadableIssues,
} from '../contract/project-page';
import { detectRecipe, quotedPhrases } from '../domain/recipe-detector';
import { assessIssue } from '../domain/assess-issue';
import {
  backlogHealth,
  reporterRows,
  type BacklogHealth,
  type HealthItem,
  type HealthMovement,
} from '../domain/backlog-health';
import { draftOf, ISSUE_PROPERTY_KEY, readLens, type IssueLens } from '../domain/issue-lens';
import { ZOMBIE_RULE_IDS, type ZombieRuleId } from '../domain/zombie';
import { NotAuthorizedError } from '../errors';
import { JiraClient } from '../jira/client';
import { jqlString } from '../jira/jql';
import type { JiraIssue } from '../jira/schemas';
import type { CallContext } from '../resolvers/endpoint';
import type { HealthTallies } from '../scan/aggregates';
import { listOutcomes } from '../storage/outcomes';
import { listRunSummaries } from '../storage/scan-state';
import { loadSettings } from '../storage/settings';
import { issueFacts } from './issue-facts';
import { withPageToken } from './paging';
import { hiddenFromCaller, projectRights, requireBrowse, targetProject } from './project-access';
import { scannedFiguresForCaller } from './scanned-figures';
import { UnreadableTally, unreadableOf } from './unreadable-issues';

const PAGE = 100;
/** Before the first finished scan the report reads a bounded first part of the backlog live (and says so). */
const MAX_PAGES = 10;

const openBacklogJql = (projectKey: string): string =>
  `project = ${jqlString(projectKey)} AND statusCategory != Done`;

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

/** The row of the stories whose reporters the scan counted without naming (past its limit of people). */
export const OTHER_REPORTERS = 'Other reporters';

/** The report from the tallies a finished scan stored: the same shape `backlogHealth` answers from items. */
export function healthFromTallies(h: HealthTallies): BacklogHealth {
  const total = h.total;
  const share = (count: number) => ({ count, share: total ? round3(count / total) : 0 });
  const reporters = reporterRows(Object.values(h.reporters), share);
  // The scan names the first reporters it meets and only counts the rest: one row for them keeps the rows
  // summing to the backlog.
  if (h.otherReporters > 0) reporters.push({ reporter: OTHER_REPORTERS, ...share(h.otherReporters) });
  const buckets = [0, 20, 40, 60, 80].map((from) => ({ from, to: from === 80 ? 100 : from + 19, count: 0 }));
  let sum = 0;
  h.scores.forEach((count, score) => {
    const bucket = buckets[Math.min(4, Math.floor(score / 20))];
    if (bucket) bucket.count += count;
    sum += score * count;
  });
  const nth = (n: number): number => {
    let seen = 0;
    for (let score = 0; score < h.scores.length; score++) {
      seen += h.scores[score] ?? 0;
      if (seen > n) return score;
    }
    return 0;
  };
  const mid = total >> 1;
  const median = total === 0 ? null : total % 2 ? nth(mid) : (nth(mid - 1) + nth(mid)) / 2;
  const byRule = Object.fromEntries(ZOMBIE_RULE_IDS.map((r) => [r, h.byRule[r] ?? 0])) as Record<
    ZombieRuleId,
    number
  >;
  return {
    total,
    reporters,
    recipes: { ...share(h.recipes), examples: h.recipeExamples },
    problems: { ...share(total - h.recipes), examples: h.problemExamples },
    links: {
      direct: share(h.direct),
      inherited: share(h.inherited),
      none: share(total - h.direct - h.inherited),
      linked: share(h.direct + h.inherited),
    },
    scores: { buckets, mean: total ? Math.round((sum / total) * 10) / 10 : null, median },
    zombies: { ...share(h.zombies), byRule },
  };
}

type RunFigures = { runId: string; finishedAt?: unknown; health?: unknown; dryRun?: unknown; mode?: unknown };

/**
 * Summaries read to find the full rescan before the one that counted "now": a week of daily incremental runs and
 * a few "Scan now" presses lie between two weekly rescans.
 */
const RUNS_READ_FOR_MOVEMENT = 30;

export async function backlogHealthReport(call: CallContext): Promise<HealthData> {
  const projectKey = targetProject(call);
  await requireBrowse(projectKey);
  const [scanned, runs] = await Promise.all([
    scannedFiguresForCaller(projectKey),
    listRunSummaries(projectKey, RUNS_READ_FOR_MOVEMENT),
  ]);
  const aggregates = scanned.figures;
  // "Now" is either the last finished scan's count, or (before any, or when it counted an issue kept from this
  // person) a live count; "last scan" is the finished run before the one that counted "now".
  const current = aggregates
    ? {
        health: await withoutHiddenExamples(healthFromTallies(aggregates.health)),
        truncated: false,
        asOf: aggregates.at,
        unreadable: null,
      }
    : { ...(await liveHealth(projectKey)), asOf: null };
  // An incremental run carries the figures of the full rescan before it: compared with, it would show no movement.
  const finished = (r: RunFigures) =>
    !!r.finishedAt && !!figures(r.health) && r.dryRun !== true && r.mode !== 'incremental';
  // With only the one scan that counted "now", it is also the last scan: no movement yet.
  // The runs counted as the app too: shown beside the scan's own figures only, to whom those are shown.
  const comparable = scanned.caller === 'kept-from-caller' ? [] : runs;
  const previous =
    comparable.find((r: RunFigures) => finished(r) && r.runId !== aggregates?.runId) ??
    comparable.find((r: RunFigures) => finished(r) && r.runId === aggregates?.runId);
  const last = previous ? figures(previous.health) : null;
  return {
    current: current.health,
    lastScan: last
      ? { ...last, at: typeof previous?.finishedAt === 'string' ? previous.finishedAt : null }
      : null,
    movement: last ? movementSince(current.health, last) : null,
    truncated: current.truncated,
    asOf: current.asOf,
    unreadable: current.unreadable,
    liveBecause: aggregates ? null : scanned.caller === 'kept-from-caller' ? 'access' : 'no-scan',
  };
}

/** The scan's examples were read as the app: one kept from this person (its security level) is not shown. */
async function withoutHiddenExamples(health: BacklogHealth): Promise<BacklogHealth> {
  const hidden = await hiddenFromCaller(
    [...health.recipes.examples, ...health.problems.examples].map((e) => e.key),
  );
  if (hidden.size === 0) return health;
  const shown = (e: { key: string }) => !hidden.has(e.key.toUpperCase());
  return {
    ...health,
    recipes: { ...health.recipes, examples: health.recipes.examples.filter(shown) },
    problems: { ...health.problems, examples: health.problems.examples.filter(shown) },
  };
}

async function liveHealth(
  projectKey: string,
): Promise<{ health: BacklogHealth; truncated: boolean; unreadable: UnreadableIssues | null }> {
  const jira = JiraClient.asUser();
  const [outcomes, { settings }] = await Promise.all([listOutcomes(projectKey), loadSettings(projectKey)]);
  const byId = new Map(outcomes.map((o) => [o.id, o]));
  const issues: Array<{ issue: JiraIssue; lens: IssueLens }> = [];
  const unreadable = new UnreadableTally();
  let token: string | null = null;
  let truncated = false;
  for (let page = 0; ; page++) {
    if (page >= MAX_PAGES) {
      truncated = true;
      break;
    }
    const result = unreadable.add(
      await jira.searchJql({
        jql: openBacklogJql(projectKey),
        fields: ['summary', 'description', 'status', 'reporter', 'parent'],
        properties: [ISSUE_PROPERTY_KEY],
        maxResults: PAGE,
        nextPageToken: token,
      }),
    );
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
        ? {
            accountId: reporter.accountId,
            name: typeof reporter.displayName === 'string' ? reporter.displayName : null,
          }
        : null,
      isRecipe: a.recipe.isRecipe,
      recipePhrases: quotedPhrases(a.recipe),
      link: a.link.kind,
      score: a.score.total,
      zombieRules: lens.zombie === 'true' ? (lens.flag?.rules ?? []).map((r) => r.rule as ZombieRuleId) : [],
    };
  });
  return { health: backlogHealth(items), truncated, unreadable: unreadable.result() };
}

/**
 * Every recipe in the open backlog, read one Jira page at a time (the same issues and the same detector as the
 * health figures, so the list adds up to the count). A page may hold no recipe; the caller goes on by token.
 */
export async function healthRecipes(
  call: CallContext,
  pageToken: string | null | undefined,
): Promise<HealthRecipesData> {
  const projectKey = targetProject(call);
  await requireBrowse(projectKey);
  const jira = JiraClient.asUser();
  const result = await withPageToken(pageToken, () =>
    jira.searchJql({
      jql: openBacklogJql(projectKey),
      fields: ['summary', 'description'],
      maxResults: PAGE,
      nextPageToken: pageToken ?? null,
    }),
  );
  const recipes = result.issues.flatMap((issue) => {
    const summary = issue.fields.summary ?? '';
    const verdict = detectRecipe({ summary, description: issue.fields.description ?? null });
    return verdict.isRecipe ? [{ key: issue.key, summary, phrases: quotedPhrases(verdict) }] : [];
  });
  return {
    recipes,
    read: result.issues.length,
    nextPageToken: result.nextPageToken,
    unreadable: unreadableOf(result),
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
