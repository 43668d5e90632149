/**
 * The figures the project page shows, tallied by the scan as it reads the backlog and stored at the end of a
 * finished run, so a page load reads one stored value instead of searching the whole backlog.
 *
 * The outcome map's counts are kept per cell of (direct outcome, parent's outcome, issue type, assignee,
 * sprint), so its filters and a lane's membership (which depends on the outcomes that exist when the page is
 * read) are answered from the cells. A backlog with more distinct cells than fit in one stored value keeps
 * only the unfiltered lanes and says so (`detailed: false`): the page then counts a filtered view live.
 */
import type { HealthExample } from '../domain/backlog-health';
import { ZOMBIE_RULE_IDS, type ZombieRuleId } from '../domain/zombie';
import { sprintsOf, storyPointsOf } from '../jira/fields';
import type { JiraIssue } from '../jira/schemas';

/** Caps that keep the aggregates (carried in the scan cursor, then stored) well under KVS's 240 KiB value. */
export const MAX_CELLS = 800;
export const MAX_PEOPLE = 200;
export const MAX_SPRINTS = 200;
export const MAX_TYPES = 100;
const EXAMPLES = 5;

/** Jira's longest summary (255 characters): a longer one (another site's rule) is cut at a whole character. */
const SUMMARY_MAX = 255;
function exampleSummary(summary: string): string {
  return summary.length <= SUMMARY_MAX ? summary : Array.from(summary).slice(0, SUMMARY_MAX).join('');
}

/**
 * The secured issues counted whose keys are kept: a page load checks them as the person (two Jira reads a hundred
 * keys). Past it the figures are not shown to anyone as the scan's: the page counts live.
 */
export const MAX_SECURED_KEYS = 200;

/** Cell key: [directOutcomeId, parentOutcomeId, issueType, assigneeId, sprintId], '*' for "any". */
export type CellKey = [string | null, string | null, string, string | null, number | '*'];
/** [issues, estimate, zombies] */
export type CellValue = [number, number, number];

export interface HealthTallies {
  total: number;
  /** accountId ('' for none) → name shown and count; the rest of the reporters count under `otherReporters`. */
  reporters: Record<string, { name: string | null; count: number }>;
  otherReporters: number;
  recipes: number;
  recipeExamples: HealthExample[];
  problemExamples: HealthExample[];
  direct: number;
  inherited: number;
  /** Issues per score 0..100. */
  scores: number[];
  zombies: number;
  byRule: Record<string, number>;
}

export interface ProjectAggregates {
  version: 1;
  /** The cells with every filter dimension; empty and `detailed: false` when they outgrew MAX_CELLS. */
  cells: Record<string, CellValue>;
  /** The unfiltered lanes: [direct, parent, '*', '*', '*'] cells, always kept. */
  lanes: Record<string, CellValue>;
  /**
   * The same lanes counting recipes only, for the map's recipe filter alone (absent from figures stored before
   * they were kept: that filter is then counted live).
   */
  recipeLanes?: Record<string, CellValue>;
  detailed: boolean;
  /**
   * The counted issues that are under a security level: the scan counts as the app, so these figures tell of
   * them, and are shown as they are only to a person who may see every one (src/services/scanned-figures.ts).
   * `keys` holds at most MAX_SECURED_KEYS of them. Absent from figures stored before they were noted.
   */
  secured?: { count: number; keys: string[] };
  sprints: Array<{ id: number; name: string; state: string }>;
  issueTypes: string[];
  assignees: Record<string, string>;
  health: HealthTallies;
}

/** What the page reads: the aggregates of one finished scan, and which one. */
export interface StoredAggregates extends ProjectAggregates {
  runId: string;
  /** When the scan that counted them finished (ISO). */
  at: string;
}

export function emptyAggregates(): ProjectAggregates {
  return {
    version: 1,
    cells: {},
    lanes: {},
    recipeLanes: {},
    detailed: true,
    secured: { count: 0, keys: [] },
    sprints: [],
    issueTypes: [],
    assignees: {},
    health: {
      total: 0,
      reporters: {},
      otherReporters: 0,
      recipes: 0,
      recipeExamples: [],
      problemExamples: [],
      direct: 0,
      inherited: 0,
      scores: new Array<number>(101).fill(0),
      zombies: 0,
      byRule: {},
    },
  };
}

export const cellKey = (k: CellKey): string => JSON.stringify(k);
export const parseCellKey = (s: string): CellKey => JSON.parse(s) as CellKey;

function bump(into: Record<string, CellValue>, key: string, estimate: number, zombie: boolean): void {
  const v = (into[key] ??= [0, 0, 0]);
  v[0] += 1;
  v[1] = Math.round((v[1] + estimate) * 1000) / 1000;
  v[2] += zombie ? 1 : 0;
}

function nameOf(ref: unknown): { id: string; name: string | null } | null {
  if (!ref || typeof ref !== 'object') return null;
  const r = ref as { accountId?: unknown; displayName?: unknown };
  if (typeof r.accountId !== 'string') return null;
  return { id: r.accountId, name: typeof r.displayName === 'string' ? r.displayName : null };
}

/** What the scan's judgement of one issue says for the page's figures. */
export interface JudgedForPage {
  directOutcomeId: string | null;
  parentOutcomeId: string | null;
  link: 'direct' | 'inherited' | 'none';
  isRecipe: boolean;
  recipePhrases: string[];
  score: number;
  zombie: boolean;
  rules: ZombieRuleId[];
}

/**
 * What addIssue counted of one issue, to take it out again (removeIssue) should the issue turn out to have left
 * the project before the scan's writes reached it.
 */
export interface CountedIssue {
  key: string;
  estimate: number;
  zombie: boolean;
  /** The lane bumped, and the recipe lane when it was. */
  lane: string;
  recipeLane: string | null;
  /** The filtered cells bumped (none once the cells gave way to the lanes). */
  cells: string[];
  /** The reporter's account id ('' for none). */
  reporter: string;
  isRecipe: boolean;
  link: JudgedForPage['link'];
  /** The score's bucket (0..100). */
  score: number;
  /** Counted among the zombies (with its rules). */
  zombieCounted: boolean;
  rules: string[];
}

/** Adds one open issue, as read by the scan's search and judged by it. Mutates `agg`. */
export function addIssue(
  agg: ProjectAggregates,
  issue: JiraIssue,
  judged: JudgedForPage,
  fields: { sprint: string; storyPoints: string },
): CountedIssue {
  const estimate = storyPointsOf(issue, fields.storyPoints) ?? 0;
  const type = issue.fields.issuetype?.name ?? 'Issue';
  const assignee = nameOf(issue.fields.assignee);
  const sprints = sprintsOf(issue, fields.sprint) ?? [];
  const d = judged.directOutcomeId;
  const p = judged.parentOutcomeId;

  const lane = cellKey([d, p, '*', '*', '*']);
  bump(agg.lanes, lane, estimate, judged.zombie);
  // Kept only by a run that began with them: a run resumed from an older cursor would count a part of them.
  const recipeLane = judged.isRecipe && agg.recipeLanes ? lane : null;
  if (recipeLane && agg.recipeLanes) bump(agg.recipeLanes, recipeLane, estimate, judged.zombie);
  let cells: string[] = [];
  if (agg.detailed) {
    const keysOfIssue = [
      cellKey([d, p, type, assignee?.id ?? null, '*']),
      ...sprints.map((s) => cellKey([d, p, type, assignee?.id ?? null, s.id])),
    ];
    const fresh = keysOfIssue.filter((k) => !(k in agg.cells)).length;
    if (Object.keys(agg.cells).length + fresh > MAX_CELLS) {
      agg.detailed = false;
      agg.cells = {};
    } else {
      for (const k of keysOfIssue) bump(agg.cells, k, estimate, judged.zombie);
      cells = keysOfIssue;
    }
  }
  if (issue.fields.security && agg.secured) {
    agg.secured.count += 1;
    if (agg.secured.keys.length < MAX_SECURED_KEYS) agg.secured.keys.push(issue.key);
  }
  if (!agg.issueTypes.includes(type) && agg.issueTypes.length < MAX_TYPES) agg.issueTypes.push(type);
  if (assignee && !(assignee.id in agg.assignees) && Object.keys(agg.assignees).length < MAX_PEOPLE)
    agg.assignees[assignee.id] = assignee.name ?? assignee.id;
  for (const s of sprints)
    if (!agg.sprints.some((x) => x.id === s.id) && agg.sprints.length < MAX_SPRINTS)
      agg.sprints.push({ id: s.id, name: s.name, state: s.state });

  const h = agg.health;
  h.total += 1;
  const reporter = nameOf(issue.fields.reporter);
  const rk = reporter?.id ?? '';
  const known = h.reporters[rk];
  if (known) known.count += 1;
  else if (Object.keys(h.reporters).length < MAX_PEOPLE)
    h.reporters[rk] = { name: reporter ? (reporter.name ?? reporter.id) : null, count: 1 };
  else h.otherReporters += 1;
  const example: HealthExample = {
    key: issue.key,
    summary: exampleSummary(issue.fields.summary ?? ''),
    // Whole (a verdict quotes at most 8): the list of every recipe shows the same phrases for the issue.
    phrases: judged.recipePhrases,
  };
  if (judged.isRecipe) {
    h.recipes += 1;
    if (h.recipeExamples.length < EXAMPLES) h.recipeExamples.push(example);
  } else if (h.problemExamples.length < EXAMPLES) h.problemExamples.push(example);
  if (judged.link === 'direct') h.direct += 1;
  if (judged.link === 'inherited') h.inherited += 1;
  const score = Math.min(100, Math.max(0, Math.round(judged.score)));
  h.scores[score] = (h.scores[score] ?? 0) + 1;
  const zombieCounted = judged.zombie && judged.rules.length > 0;
  if (zombieCounted) h.zombies += 1;
  const rules = [...new Set(judged.rules)].filter((r) => (ZOMBIE_RULE_IDS as readonly string[]).includes(r));
  for (const rule of rules) h.byRule[rule] = (h.byRule[rule] ?? 0) + 1;
  return {
    key: issue.key,
    estimate,
    zombie: judged.zombie,
    lane,
    recipeLane,
    cells,
    reporter: rk,
    isRecipe: judged.isRecipe,
    link: judged.link,
    score,
    zombieCounted,
    rules,
  };
}

function unbump(from: Record<string, CellValue>, key: string, estimate: number, zombie: boolean): void {
  const v = from[key];
  if (!v) return;
  v[0] -= 1;
  v[1] = Math.round((v[1] - estimate) * 1000) / 1000;
  v[2] -= zombie ? 1 : 0;
  if (v[0] <= 0) delete from[key];
}

/**
 * Takes out what addIssue counted of one issue (its receipt), as if the scan had not read it. The lists that only
 * offer the page's filters (issue types, assignees, sprints) keep what it added, and so does `secured`: the issue
 * was counted in the run's other figures (the issues it judged), which the note keeps from a person who may not
 * see it. Mutates `agg`.
 */
export function removeIssue(agg: ProjectAggregates, counted: CountedIssue): void {
  const { estimate, zombie } = counted;
  unbump(agg.lanes, counted.lane, estimate, zombie);
  if (counted.recipeLane && agg.recipeLanes) unbump(agg.recipeLanes, counted.recipeLane, estimate, zombie);
  // Cells given way to the lanes since are gone already.
  if (agg.detailed) for (const k of counted.cells) unbump(agg.cells, k, estimate, zombie);

  const h = agg.health;
  h.total -= 1;
  const row = h.reporters[counted.reporter];
  if (row) {
    row.count -= 1;
    if (row.count <= 0) delete h.reporters[counted.reporter];
  } else if (h.otherReporters > 0) h.otherReporters -= 1;
  const other = (e: HealthExample) => e.key !== counted.key;
  if (counted.isRecipe) {
    h.recipes -= 1;
    h.recipeExamples = h.recipeExamples.filter(other);
  } else h.problemExamples = h.problemExamples.filter(other);
  if (counted.link === 'direct') h.direct -= 1;
  if (counted.link === 'inherited') h.inherited -= 1;
  h.scores[counted.score] = Math.max(0, (h.scores[counted.score] ?? 0) - 1);
  if (counted.zombieCounted) h.zombies -= 1;
  for (const rule of counted.rules) {
    const n = (h.byRule[rule] ?? 0) - 1;
    if (n > 0) h.byRule[rule] = n;
    else delete h.byRule[rule];
  }
}

/**
 * Adds the figures `part` counted (one partition of a run) into `into`, as if one scan had read both: counts
 * add, lists keep their caps, and the cells give way to the unfiltered lanes when together they outgrow
 * MAX_CELLS. Mutates `into`.
 */
export function mergeAggregates(into: ProjectAggregates, part: ProjectAggregates): void {
  for (const [k, v] of Object.entries(part.lanes)) addCell(into.lanes, k, v);
  // A part counted without recipe lanes (a cursor from before they were kept) leaves the whole without them.
  if (into.recipeLanes && part.recipeLanes)
    for (const [k, v] of Object.entries(part.recipeLanes)) addCell(into.recipeLanes, k, v);
  else delete into.recipeLanes;
  if (into.detailed && part.detailed) {
    const fresh = Object.keys(part.cells).filter((k) => !(k in into.cells)).length;
    if (Object.keys(into.cells).length + fresh > MAX_CELLS) {
      into.detailed = false;
      into.cells = {};
    } else for (const [k, v] of Object.entries(part.cells)) addCell(into.cells, k, v);
  } else {
    into.detailed = false;
    into.cells = {};
  }
  // A part counted before secured issues were noted leaves the whole without the note: it is not known.
  if (into.secured && part.secured) {
    into.secured.count += part.secured.count;
    into.secured.keys = [...into.secured.keys, ...part.secured.keys].slice(0, MAX_SECURED_KEYS);
  } else delete into.secured;
  for (const t of part.issueTypes)
    if (!into.issueTypes.includes(t) && into.issueTypes.length < MAX_TYPES) into.issueTypes.push(t);
  for (const [id, name] of Object.entries(part.assignees))
    if (!(id in into.assignees) && Object.keys(into.assignees).length < MAX_PEOPLE) into.assignees[id] = name;
  for (const s of part.sprints)
    if (!into.sprints.some((x) => x.id === s.id) && into.sprints.length < MAX_SPRINTS) into.sprints.push(s);

  const h = into.health;
  const p = part.health;
  h.total += p.total;
  for (const [id, r] of Object.entries(p.reporters)) {
    const known = h.reporters[id];
    if (known) known.count += r.count;
    else if (Object.keys(h.reporters).length < MAX_PEOPLE) h.reporters[id] = { ...r };
    else h.otherReporters += r.count;
  }
  h.otherReporters += p.otherReporters;
  h.recipes += p.recipes;
  h.recipeExamples = [...h.recipeExamples, ...p.recipeExamples].slice(0, EXAMPLES);
  h.problemExamples = [...h.problemExamples, ...p.problemExamples].slice(0, EXAMPLES);
  h.direct += p.direct;
  h.inherited += p.inherited;
  h.scores = h.scores.map((n, i) => n + (p.scores[i] ?? 0));
  h.zombies += p.zombies;
  for (const [rule, n] of Object.entries(p.byRule)) h.byRule[rule] = (h.byRule[rule] ?? 0) + n;
}

function addCell(into: Record<string, CellValue>, key: string, value: CellValue): void {
  const v = (into[key] ??= [0, 0, 0]);
  v[0] += value[0];
  v[1] = Math.round((v[1] + value[1]) * 1000) / 1000;
  v[2] += value[2];
}
