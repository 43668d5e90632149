/**
 * The outcome map: outcomes with their progress, the share of open work serving each, and one lane's issues
 * a page at a time. Issues are read asUser() (Jira decides what the caller may see); outcomes are app storage,
 * changed only after Jira confirmed the caller's right to change them.
 */
import {
  NO_OUTCOME,
  outcomeProgress,
  type FilterOptions,
  type ImportMeasurementsData,
  type LaneSummary,
  type MapFilters,
  type MapIssue,
  type MapLanesData,
  type MapPageData,
  type MapSummaryData,
  type MeasurementRecorded,
  type OutcomeView,
  type ProjectPageLoadData,
} from '../contract/project-page';
import { assessIssue } from '../domain/assess-issue';
import { RECIPE_JQL } from '../contract/issue-panel-keys';
import { draftOf, ISSUE_PROPERTY_KEY, readLens } from '../domain/issue-lens';
import type { Measurement, Outcome, OutcomeDraft } from '../domain/schemas';
import { csvSeparator, onLine, parseCsv, parseMeasurements } from '../domain/measurement-input';
import type { DecimalMark } from '../domain/amounts';
import { normaliseMetric } from '../storage/metric-series';
import { differingWhy, droppedWhy, recordIncoming, type IngestResult } from './measurement-ingest';
import type { Settings } from '../domain/settings';
import { ConflictError, JiraRateLimitError, NotAuthorizedError, ValidationError } from '../errors';
import { JiraClient } from '../jira/client';
import { discoverAgileFields, sprintsOf, storyPointsOf, type AgileFieldIds } from '../jira/fields';
import { jqlString } from '../jira/jql';
import type { JiraIssue } from '../jira/schemas';
import type { CallContext } from '../resolvers/endpoint';
import { parseCellKey, type CellValue, type StoredAggregates } from '../scan/aggregates';
import { scannedFiguresForCaller } from './scanned-figures';
import * as outcomesStore from '../storage/outcomes';
import { keys } from '../storage/keys';
import { whileHolding } from '../storage/lock';
import { loadSettings } from '../storage/settings';
import { loadHealthSnapshot } from '../storage/scan-state';
import { issueFacts, statusCategoryOf } from './issue-facts';
import { predatesDecision, recentDecisions, reconcileIdsOf, type RecentDecision } from './kill-review';
import { outcomeEditing, pagePermissions, requireBrowse, targetProject } from './project-access';
import { withPageToken } from './paging';
import { UnreadableTally, unreadableOf } from './unreadable-issues';
import { earliestLocalDay, latestLocalDay, utcDay } from '../domain/dates';
import { dueDateProblem } from '../domain/outcome-due-date';
import { nameKey } from '../domain/visible-text';
import { betMetricProblem } from '../domain/says-something';

/** Bounds the summary pass: a backlog larger than this is summarised over its first part, and says so. */
export interface SummaryLimits {
  pageSize: number;
  maxPages: number;
}
/**
 * Before the first scan has counted the backlog, the page counts a bounded first part live (and says so): a
 * load stays a few searches whatever the backlog's size.
 */
const SUMMARY_LIMITS: SummaryLimits = { pageSize: 100, maxPages: 10 };

export interface Clock {
  now(): Date;
}

export function openWorkJql(projectKey: string, filters: MapFilters): string {
  const parts = [`project = ${jqlString(projectKey)}`, 'statusCategory != Done'];
  if (filters.sprintId) parts.push(`sprint = ${filters.sprintId}`);
  if (filters.issueType) parts.push(`issuetype = ${jqlString(filters.issueType)}`);
  if (filters.assignee === 'unassigned') parts.push('assignee IS EMPTY');
  else if (filters.assignee) parts.push(`assignee = ${jqlString(filters.assignee)}`);
  if (filters.recipe) parts.push(RECIPE_JQL);
  return parts.join(' AND ');
}

/**
 * How many of its newest measurements an outcome's card gets, and at most how many bytes of them (a reading's note
 * may be long): enough for an active outcome's chart, a few for a closed one. Each outcome holds up to
 * MEASUREMENT_HISTORY_LIMIT, and a project keeps every outcome it ever had: the page's answer, with all of them,
 * must stay under Forge's 5 MB.
 */
export const CARD_MEASUREMENTS = {
  active: { count: 120, bytes: 24 * 1024 },
  closed: { count: 12, bytes: 3 * 1024 },
} as const;

/** Active outcomes a project may have at once: each card's chart is part of the page's answer. */
export const MAX_ACTIVE_OUTCOMES = 100;
/** The roster lock outlives a UI function (25 s), so a holder Forge stopped cannot still write once it runs out. */
const ROSTER_LOCK_SECONDS = 30;
/** How long a change waits for another change of the roster (a list and one write, well under a second). */
const ROSTER_WAIT_MS = 8_000;

/** Where the newest measurements a card gets start: within the count and the bytes of CARD_MEASUREMENTS. */
function cardWindowStart(o: Outcome): number {
  const { count, bytes } = CARD_MEASUREMENTS[o.status === 'active' ? 'active' : 'closed'];
  const last = Math.max(0, o.measurements.length - count);
  let from = o.measurements.length;
  for (let used = 0; from > last; from--) {
    used += Buffer.byteLength(JSON.stringify(o.measurements[from - 1]));
    if (used > bytes) break;
  }
  return from;
}

/**
 * The outcome as the page shows it: its newest measurements (CARD_MEASUREMENTS), with how many it holds; stored
 * bookkeeping (who created it, when it was last defined) stays in storage. Progress is of the whole history.
 */
export function toView(o: Outcome): OutcomeView {
  const {
    createdBy: _createdBy,
    definedAt: _definedAt,
    definedFrom: _definedFrom,
    takenOff: _takenOff,
    ...rest
  } = o as Outcome &
    Partial<Pick<outcomesStore.StoredOutcome, 'createdBy' | 'definedAt' | 'definedFrom' | 'takenOff'>>;
  // Kept in date order (mergeIntoSeries): the last are the newest.
  const from = cardWindowStart(o);
  return {
    ...rest,
    measurements: o.measurements.slice(from),
    measurementsHeld: o.measurements.length,
    measurementsFrom: from,
    progress: outcomeProgress(o),
  };
}

export async function loadProjectPage(
  call: CallContext,
  siteUrl: string | null,
): Promise<ProjectPageLoadData> {
  const projectKey = targetProject(call);
  const rights = await requireBrowse(projectKey);
  const [outcomes, { settings }, health] = await Promise.all([
    outcomesStore.listOutcomes(projectKey),
    loadSettings(projectKey),
    // Saved only when a live scan finishes: its absence means no item of this project has been judged.
    loadHealthSnapshot<{ at?: unknown }>(projectKey),
  ]);
  return {
    projectKey,
    outcomes: outcomes.map(toView),
    permissions: pagePermissions(rights, settings),
    siteUrl,
    dryRun: settings.dryRun,
    lastScanAt: health && typeof health.at === 'string' ? health.at : null,
  };
}

export async function requireOutcomeEditor(projectKey: string): Promise<void> {
  const rights = await requireBrowse(projectKey);
  const { settings } = await loadSettings(projectKey);
  const editing = outcomeEditing(rights, settings);
  if (!editing.allowed) throw new NotAuthorizedError(editing.reason ?? 'You cannot change outcomes here.');
}

/**
 * Why a due date a person sets or changes is refused: a day already past or years too far, judged against the
 * earliest day it is anywhere now, so no one is refused a day that is still today where they are. Null: taken.
 */
function dueDateRefusal(dueDate: string, stored: string | undefined, now: Date): string | null {
  return dueDateProblem(dueDate, stored, earliestLocalDay(now), latestLocalDay(now));
}

/**
 * Why a metric set or changed to a stand-in ("KPI 1", "Success") is refused, as a bet's is: no one can measure it.
 * One kept as it was passes: measurements find their outcome by its metric, so an outcome stored under
 * such a name before this rule stays editable without splitting its series.
 */
function metricRefusal(metric: string, stored: string | undefined): string | null {
  if (stored !== undefined && normaliseMetric(metric) === normaliseMetric(stored)) return null;
  return betMetricProblem(metric);
}

/** Refuses an outcome's due date and metric (each judged against the one stored), both at once. */
function checkDefinition(
  draft: Pick<OutcomeDraft, 'dueDate' | 'metric'>,
  stored: Pick<OutcomeDraft, 'dueDate' | 'metric'> | undefined,
  now: Date,
): void {
  const fields: Record<string, string> = {};
  const dueDate = dueDateRefusal(draft.dueDate, stored?.dueDate, now);
  if (dueDate) fields['draft.dueDate'] = dueDate;
  const metric = metricRefusal(draft.metric, stored?.metric);
  if (metric) fields['draft.metric'] = metric;
  if (dueDate || metric) throw new ValidationError('The outcome has invalid fields.', fields);
}

export async function createOutcome(
  call: CallContext,
  input: { draft: OutcomeDraft; id?: string | undefined },
  clock: Clock,
): Promise<OutcomeView> {
  const projectKey = targetProject(call);
  await requireOutcomeEditor(projectKey);
  checkDefinition(input.draft, undefined, clock.now());
  return toView(
    await underRoster(projectKey, async () => {
      await checkAmongActive(projectKey, { id: input.id, name: input.draft.name });
      return outcomesStore.createOutcome(projectKey, input.draft, call.accountId, clock.now(), {
        ...(input.id ? { id: input.id } : {}),
      });
    }),
  );
}

export async function updateOutcome(
  call: CallContext,
  input: { id: string; version: number; draft: OutcomeDraft },
  clock: Clock,
): Promise<OutcomeView> {
  const projectKey = targetProject(call);
  await requireOutcomeEditor(projectKey);
  // The date is judged against the one the person edited. An outcome gone, or defined anew since the version they
  // saw, is for the store to say (not found, or a conflict), not the date.
  const stored = await outcomesStore.getOutcome(projectKey, input.id);
  const update = () =>
    outcomesStore.updateOutcome(projectKey, input.id, input.draft, input.version, clock.now());
  if (!stored || (stored.definedAt ?? stored.version) > input.version) return toView(await update());
  checkDefinition(input.draft, stored, clock.now());
  // A name kept as it was is not judged again: outcomes named alike before this rule can still be edited.
  if (stored.status !== 'active' || nameKey(input.draft.name) === nameKey(stored.name))
    return toView(await update());
  return toView(
    await underRoster(projectKey, async () => {
      await checkAmongActive(projectKey, { id: input.id, name: input.draft.name });
      return update();
    }),
  );
}

export async function archiveOutcome(
  call: CallContext,
  input: { id: string; version: number; status: 'achieved' | 'abandoned' },
  clock: Clock,
): Promise<OutcomeView> {
  const projectKey = targetProject(call);
  await requireOutcomeEditor(projectKey);
  return toView(
    await outcomesStore.setOutcomeStatus(projectKey, input.id, input.status, input.version, clock.now()),
  );
}

/** Undoes an archive: allowed to whoever may archive, refused when the outcome changed since the page read it. */
export async function reopenOutcome(
  call: CallContext,
  input: { id: string; version: number },
  clock: Clock,
): Promise<OutcomeView> {
  const projectKey = targetProject(call);
  await requireOutcomeEditor(projectKey);
  return toView(
    await underRoster(projectKey, async () => {
      const stored = await outcomesStore.getOutcome(projectKey, input.id);
      await checkAmongActive(projectKey, { id: input.id, name: stored?.name });
      return outcomesStore.reopenOutcome(projectKey, input.id, input.version, clock.now());
    }),
  );
}

/**
 * Runs a change that makes an outcome active or gives an active one a new name under the project's roster lock,
 * so the check of names and of the cap and the write it allows are one step: two creates at once would both pass
 * a check each read before the other wrote.
 */
function underRoster<T>(projectKey: string, work: () => Promise<T>): Promise<T> {
  return whileHolding(
    keys.outcomeRosterLock(projectKey),
    {
      ttlSeconds: ROSTER_LOCK_SECONDS,
      waitMs: ROSTER_WAIT_MS,
      busy: () =>
        new ConflictError('Another outcome of this project is being saved right now: try again in a moment.'),
    },
    work,
  );
}

/**
 * Checks an outcome that is or becomes active (`id`: absent for a new one without a form id) against the other
 * active ones: its name must be its own, as pickers list outcomes by name; and one more is refused when the project
 * has MAX_ACTIVE_OUTCOMES, but not the same request sent again (its outcome is already active). Called under the
 * roster lock (underRoster).
 */
async function checkAmongActive(
  projectKey: string,
  outcome: { id?: string | undefined; name: string | undefined },
): Promise<void> {
  const active = (await outcomesStore.listOutcomes(projectKey)).filter((o) => o.status === 'active');
  const others = active.filter((o) => o.id !== outcome.id);
  const namesake = outcome.name && others.find((o) => nameKey(o.name) === nameKey(outcome.name!));
  if (namesake) {
    const message = `An active outcome is already named "${namesake.name}": give this one a name of its own.`;
    throw new ValidationError(message, { 'draft.name': message });
  }
  if (others.length < MAX_ACTIVE_OUTCOMES || others.length < active.length) return;
  throw new ValidationError(
    `This project has ${active.length} active outcomes, the most it may have at once. Mark one achieved or abandoned first.`,
  );
}

export async function addMeasurement(
  call: CallContext,
  input: { id: string; version: number; measurement: Measurement },
  clock: Clock,
): Promise<MeasurementRecorded> {
  const projectKey = targetProject(call);
  await requireOutcomeEditor(projectKey);
  // A measurement does not depend on what the caller saw: it is appended to the newest version.
  const { outcome, pushedOut } = await outcomesStore.recordMeasurement(
    projectKey,
    input.id,
    input.measurement,
    clock.now(),
  );
  return { ...toView(outcome), pushedOut: pushedOut.map(({ at, value }) => ({ at, value })) };
}

/**
 * Takes one measurement off (one typed by mistake): the one of the id the card showed, or for a reading stored
 * without one, the one at its place on the version shown (refused when the outcome changed since).
 */
export async function removeMeasurement(
  call: CallContext,
  input: { id: string; version: number; measurement: outcomesStore.MeasurementToRemove },
  clock: Clock,
): Promise<OutcomeView> {
  const projectKey = targetProject(call);
  await requireOutcomeEditor(projectKey);
  return toView(
    await outcomesStore.removeMeasurement(
      projectKey,
      input.id,
      input.measurement,
      input.version,
      clock.now(),
    ),
  );
}

/**
 * A CSV file of past measurements imported on an outcome card: the web trigger's columns (value, at, and
 * optionally source, id, and metric or outcome naming this outcome), all or nothing, ids recorded once. A person
 * made it: its values are read with their decimal mark, and a header separated by ";" separates every line so.
 */
export async function importMeasurements(
  call: CallContext,
  input: { id: string; csv: string; decimalMark?: DecimalMark | undefined },
  clock: Clock,
): Promise<ImportMeasurementsData> {
  const projectKey = targetProject(call);
  await requireOutcomeEditor(projectKey);
  const outcome = await outcomesStore.getOutcome(projectKey, input.id);
  if (!outcome) throw new ValidationError('This outcome does not exist (any more). Reload the page.');
  const now = clock.now();
  const rows = parseCsv(input.csv, csvSeparator(input.csv));
  if ('error' in rows) throw new ValidationError(rows.error, { csv: rows.error });
  // Rows name this outcome unless they say otherwise; a row naming another series is refused below.
  const parsed = parseMeasurements(input.csv, 'text/csv', utcDay(now), {
    decimalMark: input.decimalMark ?? '.',
    target: { outcomeId: outcome.id },
  });
  if (!parsed.ok)
    return { ok: false, message: parsed.message, errors: parsed.errors, accepted: 0, duplicates: 0 };
  const elsewhere = parsed.measurements
    .map((m, i) => ({ m, row: i + 1 }))
    .filter(({ m }) =>
      'outcomeId' in m.target
        ? m.target.outcomeId !== outcome.id
        : normaliseMetric(m.target.metric) !== normaliseMetric(outcome.metric),
    );
  if (elsewhere.length)
    return {
      ok: false,
      message: `${elsewhere.length} row(s) measure another series than ${outcome.name}; nothing was imported.`,
      errors: elsewhere
        .slice(0, 50)
        .map(({ row }) =>
          onLine({ row, field: 'metric', message: `Not ${outcome.metric}.` }, parsed.lines?.[row - 1]),
        ),
      accepted: 0,
      duplicates: 0,
    };
  // By id: a metric name would go to every active outcome measuring it, not only this card's.
  const here = parsed.measurements.map((m) => ({ ...m, target: { outcomeId: outcome.id } }));
  let result: IngestResult;
  try {
    // An outcome keeps its latest measurements only. A file that would push out measurements it holds is refused
    // whole, decided on the version written; rows older than all it would keep are not stored, and said so.
    result = await recordIncoming(projectKey, here, now, { keepHeld: true });
  } catch (e) {
    if (!(e instanceof outcomesStore.HistoryFullError)) throw e;
    const limit = outcomesStore.MEASUREMENT_HISTORY_LIMIT;
    const kb = outcomesStore.MEASUREMENT_HISTORY_BYTES / 1024;
    return {
      ok: false,
      message: `${outcome.name} keeps its latest ${limit} measurements (${kb} KB of them at most): it holds ${e.held} and this file adds ${e.adding}, so the ${e.pushedOut} oldest would be lost. Nothing was imported: import at most ${Math.max(0, e.adding - e.pushedOut)} new measurements.`,
      errors: [],
      accepted: 0,
      duplicates: 0,
    };
  }
  return {
    ok: true,
    message: `Imported ${result.accepted} measurement(s)${result.duplicates ? `; ${result.duplicates} were recorded before (or taken off since)` : ''}.${result.dropped ? ` ${result.dropped} ${droppedWhy}` : ''}${result.differing ? ` ${result.differing} ${differingWhy}` : ''}`,
    errors: [],
    accepted: result.accepted,
    duplicates: result.duplicates,
  };
}

// ---- map summary ------------------------------------------------------------------------------------------

interface Seen {
  outcomeId: string | null;
  parentKey: string | null;
  estimate: number | null;
  zombie: boolean;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function accountName(ref: unknown): { accountId: string; displayName: string } | null {
  if (!ref || typeof ref !== 'object') return null;
  const r = ref as { accountId?: unknown; displayName?: unknown };
  if (typeof r.accountId !== 'string') return null;
  return {
    accountId: r.accountId,
    displayName: typeof r.displayName === 'string' ? r.displayName : r.accountId,
  };
}

function emptyLane(id: string): LaneSummary {
  return {
    lane: id,
    count: 0,
    direct: 0,
    inherited: 0,
    estimate: 0,
    countShare: 0,
    estimateShare: 0,
    zombies: 0,
  };
}

function finishLanes(lanes: Map<string, LaneSummary>, total: number, totalEstimate: number): void {
  for (const l of lanes.values()) {
    l.countShare = total ? round3(l.count / total) : 0;
    l.estimateShare = totalEstimate ? round3(l.estimate / totalEstimate) : 0;
    l.estimate = Math.round(l.estimate * 10) / 10;
  }
}

/**
 * The summary from the figures the last finished scan stored: which lane a cell falls in is decided now, by
 * the outcomes that exist now. Null when the filter needs detail the scan could not keep (a very varied
 * backlog) or never keeps (whether an item reads as a recipe): the caller counts that view live.
 */
export function summaryFromAggregates(
  agg: StoredAggregates,
  outcomes: readonly Outcome[],
  filters: MapFilters,
): MapSummaryData | null {
  const filtered = filters.sprintId !== undefined || !!filters.issueType || !!filters.assignee;
  // Recipes are counted by lane only: the recipe filter with another one is counted live.
  if (filters.recipe && (filtered || !agg.recipeLanes)) return null;
  if (filtered && !agg.detailed) return null;
  const known = new Set(outcomes.map((o) => o.id));
  const lanes = new Map<string, LaneSummary>();
  for (const o of outcomes) lanes.set(o.id, emptyLane(o.id));
  lanes.set(NO_OUTCOME, emptyLane(NO_OUTCOME));
  let total = 0;
  let totalEstimate = 0;
  const cells: Record<string, CellValue> = filtered
    ? agg.cells
    : filters.recipe
      ? (agg.recipeLanes ?? {})
      : agg.lanes;
  for (const [k, [count, estimate, zombies]] of Object.entries(cells)) {
    const [direct, parent, type, assignee, sprint] = parseCellKey(k);
    if (filtered) {
      if (sprint !== (filters.sprintId ?? '*')) continue;
      if (filters.issueType && type.toLowerCase() !== filters.issueType.toLowerCase()) continue;
      if (
        filters.assignee === 'unassigned'
          ? assignee !== null
          : filters.assignee && assignee !== filters.assignee
      )
        continue;
    }
    const d = direct && known.has(direct) ? direct : null;
    const i = !d && parent && known.has(parent) ? parent : null;
    const l = lanes.get(d ?? i ?? NO_OUTCOME) ?? emptyLane(NO_OUTCOME);
    l.count += count;
    if (d) l.direct += count;
    if (i) l.inherited += count;
    l.estimate += estimate;
    l.zombies += zombies;
    total += count;
    totalEstimate += estimate;
  }
  finishLanes(lanes, total, totalEstimate);
  return {
    total,
    totalEstimate: Math.round(totalEstimate * 10) / 10,
    lanes: [...lanes.values()],
    filterOptions: {
      sprints: [...agg.sprints].sort((a, b) => a.id - b.id),
      issueTypes: [...agg.issueTypes].sort(),
      assignees: Object.entries(agg.assignees).map(([accountId, displayName]) => ({
        accountId,
        displayName,
      })),
    },
    truncated: false,
    asOf: agg.at,
    liveBecause: null,
    unreadable: null,
  };
}

/**
 * The outcome map's counts: from the last finished scan's figures when there are some (one storage read, no
 * search), else from a bounded live pass.
 */
export async function mapSummary(
  call: CallContext,
  filters: MapFilters,
  limits: SummaryLimits = SUMMARY_LIMITS,
): Promise<MapSummaryData> {
  const projectKey = targetProject(call);
  await requireBrowse(projectKey);
  const [outcomes, scanned] = await Promise.all([
    outcomesStore.listOutcomes(projectKey),
    scannedFiguresForCaller(projectKey),
  ]);
  const aggregates = scanned.figures;
  const fromScan = aggregates ? summaryFromAggregates(aggregates, outcomes, filters) : null;
  if (fromScan) return fromScan;
  const live = await liveSummary(projectKey, outcomes, filters, limits);
  const liveBecause =
    scanned.caller === 'kept-from-caller' ? 'access' : scanned.caller === 'no-scan' ? 'no-scan' : 'filter';
  return { ...live, liveBecause };
}

/**
 * One pass over the open work in the filter, with only the fields the counts need, answering aggregates: the
 * response stays a few KB whatever the backlog's size.
 */
async function liveSummary(
  projectKey: string,
  outcomes: readonly Outcome[],
  filters: MapFilters,
  limits: SummaryLimits,
): Promise<MapSummaryData> {
  const jira = JiraClient.asUser();
  const { ids: field } = await discoverAgileFields(jira);
  const known = new Set(outcomes.map((o) => o.id));
  const seen = new Map<string, Seen>();
  const sprints = new Map<number, { id: number; name: string; state: string }>();
  const types = new Set<string>();
  const assignees = new Map<string, string>();
  const unreadable = new UnreadableTally();
  let token: string | null = null;
  for (let page = 0; page < limits.maxPages; page++) {
    const result = unreadable.add(
      await jira.searchJql({
        jql: openWorkJql(projectKey, filters),
        fields: [field.storyPoints, 'parent', 'issuetype', 'assignee', field.sprint],
        properties: [ISSUE_PROPERTY_KEY],
        maxResults: limits.pageSize,
        nextPageToken: token,
      }),
    );
    for (const issue of result.issues) {
      const lens = readLens(issue.properties?.[ISSUE_PROPERTY_KEY]);
      seen.set(issue.key, {
        outcomeId: lens.outcomeId,
        parentKey: issue.fields.parent?.key ?? null,
        estimate: storyPointsOf(issue, field.storyPoints),
        zombie: lens.zombie === 'true',
      });
      if (issue.fields.issuetype?.name) types.add(issue.fields.issuetype.name);
      const who = accountName(issue.fields.assignee);
      if (who) assignees.set(who.accountId, who.displayName);
      // A sprint value Jira sends in another shape only costs the filter an option.
      for (const s of sprintsOf(issue, field.sprint) ?? [])
        sprints.set(s.id, { id: s.id, name: s.name, state: s.state });
    }
    token = result.nextPageToken;
    if (!token) break;
  }
  // A token left over means Jira had more than the pass read.
  const truncated = token !== null;
  // Parents outside the filter (a closed epic, another sprint) still lend their link.
  const missingParents = [
    ...new Set([...seen.values()].map((s) => s.parentKey).filter((k): k is string => !!k && !seen.has(k))),
  ];
  const parentOutcome = new Map<string, string | null>();
  for (let i = 0; i < missingParents.length; i += 100) {
    const batch = await jira.bulkFetchIssues(missingParents.slice(i, i + 100), {
      fields: ['issuetype'],
      properties: [ISSUE_PROPERTY_KEY],
    });
    for (const p of batch) parentOutcome.set(p.key, readLens(p.properties?.[ISSUE_PROPERTY_KEY]).outcomeId);
  }
  const outcomeOf = (key: string): string | null =>
    seen.get(key)?.outcomeId ?? parentOutcome.get(key) ?? null;

  const lanes = new Map<string, LaneSummary>();
  const lane = (id: string): LaneSummary => {
    let l = lanes.get(id);
    if (!l) {
      l = emptyLane(id);
      lanes.set(id, l);
    }
    return l;
  };
  for (const o of outcomes) lane(o.id);
  lane(NO_OUTCOME);
  let total = 0;
  let totalEstimate = 0;
  for (const s of seen.values()) {
    total += 1;
    totalEstimate += s.estimate ?? 0;
    const direct = s.outcomeId && known.has(s.outcomeId) ? s.outcomeId : null;
    const viaParent = !direct && s.parentKey ? outcomeOf(s.parentKey) : null;
    const inherited = viaParent && known.has(viaParent) ? viaParent : null;
    const l = lane(direct ?? inherited ?? NO_OUTCOME);
    l.count += 1;
    if (direct) l.direct += 1;
    if (inherited) l.inherited += 1;
    l.estimate += s.estimate ?? 0;
    if (s.zombie) l.zombies += 1;
  }
  finishLanes(lanes, total, totalEstimate);
  const filterOptions: FilterOptions = {
    sprints: [...sprints.values()].sort((a, b) => a.id - b.id),
    issueTypes: [...types].sort(),
    assignees: [...assignees].map(([accountId, displayName]) => ({ accountId, displayName })),
  };
  return {
    total,
    totalEstimate: Math.round(totalEstimate * 10) / 10,
    lanes: [...lanes.values()],
    filterOptions,
    truncated,
    asOf: null,
    liveBecause: 'no-scan',
    unreadable: unreadable.result(),
  };
}

// ---- one lane, one page -----------------------------------------------------------------------------------

const PAGE_FIELDS = ['summary', 'description', 'status', 'issuetype', 'assignee', 'parent'];

/** An issue linked directly to an outcome: its children (an epic's stories, a story's sub-tasks) inherit it. */
export interface LinkedParent {
  outcomeId: string;
  /** An epic: when the lists of all linked parents are too long for a query, the epics' are still named. */
  epic: boolean;
}

/** Pages of linked issues read per request (100 each): past them, children of the rest are not told apart. */
const LINKED_PARENT_PAGES = 20;

/**
 * The project's issues linked directly to an outcome that can have children (not sub-tasks), key → link. The
 * scan counts any issue's children under its parent's outcome, so the lanes list them there too.
 */
async function linkedParents(
  jira: JiraClient,
  projectKey: string,
  reconcileIssues: readonly string[],
): Promise<Map<string, LinkedParent>> {
  const out = new Map<string, LinkedParent>();
  let token: string | null = null;
  for (let page = 0; page < LINKED_PARENT_PAGES; page++) {
    const result: { issues: JiraIssue[]; nextPageToken: string | null } = await jira.searchJql({
      jql: `project = ${jqlString(projectKey)} AND outcomeId IS NOT EMPTY`,
      fields: ['issuetype'],
      properties: [ISSUE_PROPERTY_KEY],
      maxResults: 100,
      nextPageToken: token,
      ...(reconcileIssues.length ? { reconcileIssues } : {}),
    });
    for (const issue of result.issues) {
      const level = issue.fields.issuetype?.hierarchyLevel ?? 0;
      const id = readLens(issue.properties?.[ISSUE_PROPERTY_KEY]).outcomeId;
      // Jira's hierarchy levels: -1 a sub-task (no children), 1 an epic, whatever the type is called.
      if (id && level >= 0) out.set(issue.key, { outcomeId: id, epic: level >= 1 });
    }
    token = result.nextPageToken;
    if (!token) break;
  }
  return out;
}

/**
 * Room for the id lists a lane's JQL carries: the emulator, like Jira, refuses a query past 10,000 characters,
 * and the filters and project key need the rest.
 */
export const LANE_LIST_BUDGET = 8_000;

/** `field NOT IN (...)` never matches an empty field in JQL, hence the explicit IS EMPTY. */
function unlinkedJql(known: readonly string[] | undefined, room: number): string {
  if (!known) return 'outcomeId IS EMPTY';
  if (!known.length) return '';
  const list = known.map(jqlString).join(', ');
  // Too many outcomes to name: issues linked to a gone outcome then go unlisted rather than the lane failing.
  if (list.length > room) return 'outcomeId IS EMPTY';
  return `(outcomeId IS EMPTY OR outcomeId NOT IN (${list}))`;
}

/** Of the id lists, the share the parents' keys may take; the outcome ids get what is left. */
const PARENT_LIST_BUDGET = LANE_LIST_BUDGET / 2;

/**
 * The keys of `parents` as a JQL list, when they fit in the parents' room; else the epics' alone (the lane then
 * tells apart the children of linked epics only), else none.
 */
function parentKeysJql(parents: ReadonlyArray<[string, LinkedParent]>): string {
  for (const chosen of [parents, parents.filter(([, p]) => p.epic)]) {
    const list = chosen.map(([key]) => key).join(', ');
    if (list.length <= PARENT_LIST_BUDGET) return list;
  }
  return '';
}

/**
 * The JQL that selects one lane: direct links, plus unlinked children of the issues linked to the outcome. With
 * `known` (the project's outcome ids), an issue linked to an outcome that no longer exists counts as unlinked, as
 * the summary counts it; `parents` should hold only issues linked to one of them. An empty answer selects all.
 */
export function laneJql(
  lane: string,
  parents: ReadonlyMap<string, LinkedParent>,
  known?: readonly string[],
): string {
  if (lane === NO_OUTCOME) {
    const all = parentKeysJql([...parents]);
    const notChild = all ? `(parent IS EMPTY OR parent NOT IN (${all}))` : '';
    const unlinked = unlinkedJql(known, LANE_LIST_BUDGET - notChild.length);
    return [unlinked, notChild].filter(Boolean).join(' AND ');
  }
  const mine = parentKeysJql([...parents].filter(([, p]) => p.outcomeId === lane));
  if (!mine) return `outcomeId = ${jqlString(lane)}`;
  const unlinked = unlinkedJql(known, LANE_LIST_BUDGET - mine.length) || 'outcomeId IS EMPTY';
  return `(outcomeId = ${jqlString(lane)} OR (${unlinked} AND parent IN (${mine})))`;
}

interface LaneContext {
  jira: JiraClient;
  projectKey: string;
  byId: Map<string, Outcome>;
  settings: Settings;
  /** Issues linked to a live outcome, whose children inherit the link. */
  parents: Map<string, LinkedParent>;
  /** The site's field ids, asked once per request, whatever the number of lanes. */
  field: AgileFieldIds;
  /**
   * Kill review decisions of the last minutes, by issue key: Jira's search may not show them yet (a relink read
   * back at once), so their issues are reconciled (`reconcileIds`) and one found as it was before is left out.
   */
  decidedLately: Map<string, RecentDecision>;
  reconcileIds: string[];
}

async function laneContext(call: CallContext, now: Date = new Date()): Promise<LaneContext> {
  const projectKey = targetProject(call);
  await requireBrowse(projectKey);
  const jira = JiraClient.asUser();
  const recent = await recentDecisions(projectKey, now);
  const reconcileIds = reconcileIdsOf(recent);
  const [outcomes, { settings }, parents, { ids: field }] = await Promise.all([
    outcomesStore.listOutcomes(projectKey),
    loadSettings(projectKey),
    linkedParents(jira, projectKey, reconcileIds),
    discoverAgileFields(jira),
  ]);
  const byId = new Map(outcomes.map((o) => [o.id, o]));
  // An issue linked to a deleted outcome lends nothing: its children are counted, and listed, as serving none.
  for (const [key, p] of parents) if (!byId.has(p.outcomeId)) parents.delete(key);
  return {
    jira,
    projectKey,
    byId,
    settings,
    parents,
    field,
    decidedLately: new Map(recent.map((d) => [d.issueKey, d])),
    reconcileIds,
  };
}

/**
 * Whether an issue a lane's search returned left the lane by a recent decision the search does not show yet: a
 * kill closed it, a relink moved it to another outcome. A keep moves nothing.
 */
function leftLane(issue: JiraIssue, lane: string, decided: RecentDecision | undefined): boolean {
  if (statusCategoryOf(issue) === 'done') return true;
  if (!decided || decided.kind === 'keep') return false;
  const lens = readLens(issue.properties?.[ISSUE_PROPERTY_KEY]) as { lastDecision?: unknown };
  if (!predatesDecision(lens.lastDecision, decided)) return false;
  return decided.kind === 'kill' || decided.outcomeId !== lane;
}

async function lanePage(
  ctx: LaneContext,
  input: { lane: string; filters: MapFilters; pageToken?: string | null | undefined; pageSize: number },
): Promise<MapPageData> {
  if (input.lane !== NO_OUTCOME && !ctx.byId.has(input.lane))
    throw new ValidationError('This outcome does not exist (any more).', { lane: 'Unknown outcome.' });
  const result = await withPageToken(input.pageToken, () =>
    ctx.jira.searchJql({
      jql: [
        openWorkJql(ctx.projectKey, input.filters),
        laneJql(input.lane, ctx.parents, [...ctx.byId.keys()]),
      ]
        .filter(Boolean)
        .join(' AND '),
      fields: [...PAGE_FIELDS, ctx.field.storyPoints],
      properties: [ISSUE_PROPERTY_KEY],
      maxResults: input.pageSize,
      nextPageToken: input.pageToken ?? null,
      ...(ctx.reconcileIds.length ? { reconcileIssues: ctx.reconcileIds } : {}),
    }),
  );
  const listed = result.issues.filter(
    (issue) => !leftLane(issue, input.lane, ctx.decidedLately.get(issue.key)),
  );
  const issues = listed.map((issue): MapIssue => {
    const lens = readLens(issue.properties?.[ISSUE_PROPERTY_KEY]);
    const parentKey = issue.fields.parent?.key;
    const parentOutcome = parentKey ? (ctx.parents.get(parentKey)?.outcomeId ?? null) : null;
    // Scored live with the current settings, so a changed weight shows at once.
    const assessment = assessIssue(issueFacts(issue, parentOutcome), draftOf(lens), ctx.byId, ctx.settings);
    const assignee = accountName(issue.fields.assignee);
    return {
      key: issue.key,
      summary: issue.fields.summary ?? '',
      issueType: issue.fields.issuetype?.name ?? 'Issue',
      statusName: issue.fields.status?.name ?? '',
      statusCategory: statusCategoryOf(issue),
      assignee: assignee?.displayName ?? null,
      estimate: storyPointsOf(issue, ctx.field.storyPoints),
      score: assessment.score.total,
      link: assessment.link.kind,
      via: assessment.link.kind === 'inherited' ? assessment.link.fromIssueKey : null,
      zombie: lens.zombie === 'true',
      isRecipe: assessment.recipe.isRecipe,
    };
  });
  return { lane: input.lane, issues, nextPageToken: result.nextPageToken, unreadable: unreadableOf(result) };
}

/** One more page of one lane ("Load more"). */
export async function mapPage(
  call: CallContext,
  input: { lane: string; filters: MapFilters; pageToken?: string | null | undefined; pageSize: number },
): Promise<MapPageData> {
  return lanePage(await laneContext(call), input);
}

/** Lanes whose first page the map's first load reads: the rest (closed outcomes first) load when asked for. */
export const FIRST_LOAD_LANES = 25;
/** Lane searches run at once: one search's time for a few lanes, far under Jira's burst of reads per second. */
const LANE_SEARCHES_AT_ONCE = 6;

/**
 * The first page of the lanes a person looks at first, in one round trip: "serves no outcome", then the active
 * outcomes, then the closed ones, up to FIRST_LOAD_LANES. A lane left out (past that count, or one Jira answered
 * with its rate limit) is not an error: the page loads it on its own when asked.
 */
export async function mapLanes(
  call: CallContext,
  input: { filters: MapFilters; pageSize: number },
): Promise<MapLanesData> {
  const ctx = await laneContext(call);
  const outcomes = [...ctx.byId.values()];
  const order = [
    NO_OUTCOME,
    ...outcomes.filter((o) => o.status === 'active').map((o) => o.id),
    ...outcomes.filter((o) => o.status !== 'active').map((o) => o.id),
  ].slice(0, FIRST_LOAD_LANES);
  const pages: Array<MapPageData | null> = new Array<MapPageData | null>(order.length).fill(null);
  let next = 0;
  const worker = async () => {
    while (next < order.length) {
      const at = next++;
      try {
        pages[at] = await lanePage(ctx, {
          lane: order[at]!,
          filters: input.filters,
          pageSize: input.pageSize,
        });
      } catch (e) {
        if (!(e instanceof JiraRateLimitError)) throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(LANE_SEARCHES_AT_ONCE, order.length) }, worker));
  return { lanes: pages.filter((p): p is MapPageData => p !== null) };
}
