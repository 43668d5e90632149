/**
 * The project page's contract (outcome map, kill review, backlog health): resolver keys, payload schemas and
 * answer types. Imported by src/resolvers/project-page.ts; static/outcome-map imports its types from here (they
 * leave no code) and its keys from project-page-keys.ts, so the page's bundle carries no zod. Imports only zod
 * and pure domain modules.
 */
import * as z from 'zod';
import { versionSchema } from './version';
import type { BacklogHealth, HealthExample, HealthMovement } from '../domain/backlog-health';
import {
  killCriteriaSchema,
  isoDate,
  measurementSchema,
  outcomeDraftSchema,
  linkedOutcomeIdSchema,
  outcomeIdSchema,
  resultSchema,
  RESULT_VERDICTS,
  requiredOr,
  visibleText,
  type KillCriteria,
  type Result,
  type Outcome,
} from '../domain/schemas';
import type { VerdictProposal } from '../domain/bet-verdict';
import type { StatusCategory } from '../domain/zombie';
import { QUEUE_SORTS, type QueueOptions } from '../domain/zombie-queue';
import type { KillMetricFigures } from '../domain/zombie-rule-detail';
import type { ScanCounters, ScanIssueError, ScanRunSummary, ScanStatus } from './scan';
import { IMPORT_TOO_LARGE, MAX_IMPORT_BYTES, NO_OUTCOME, REASON_MAX } from './project-page-keys';

export {
  MAX_IMPORT_BYTES,
  NO_OUTCOME,
  PROJECT_PAGE_RESOLVERS,
  type ProjectPageResolverKey,
} from './project-page-keys';

/** Printable text, as an Atlassian account id is: a control character would only reach Jira's JQL to be refused there. */
const PRINTABLE = /^[^\p{Cc}\p{Cs}]+$/u;
const accountIdSchema = z
  .string()
  .trim()
  .min(1, { error: 'Assignee is empty.' })
  .max(128, { error: 'Assignee must be at most 128 characters.' })
  .regex(PRINTABLE, { error: 'Assignee has characters an account id cannot have.' });

export const mapFiltersSchema = z
  .object({
    sprintId: z
      .number({ error: 'Sprint must be a number.' })
      .int({ error: 'Sprint must be a whole number.' })
      .positive({ error: 'Sprint must be above 0.' })
      .optional(),
    // Sites name types in their own language and with digits ("Änderung", "Bug 2"): any printable name Jira
    // allows. openWorkJql quotes it with jqlString, so no name can add a clause.
    issueType: z
      .string({ error: 'Issue type must be text.' })
      .trim()
      .min(1, { error: 'Issue type is empty.' })
      .max(255, { error: 'Issue type must be at most 255 characters.' })
      .regex(PRINTABLE, { error: 'Issue type has characters a type name cannot have.' })
      .optional(),
    assignee: z.union([accountIdSchema, z.literal('unassigned')]).optional(),
    /** Only work whose text reads as a recipe (the indexed `recipe` the panel and the scan write). */
    recipe: z.literal(true, { error: 'The recipe filter is on (true) or left out.' }).optional(),
  })
  .strict();
export type MapFilters = z.infer<typeof mapFiltersSchema>;

const pageToken = z.string().max(2000).nullable().optional();
const outcomeVersion = versionSchema('page', 1);

export const loadPayloadSchema = z.object({}).strict();
export const mapSummaryPayloadSchema = z.object({ filters: mapFiltersSchema.default({}) }).strict();
export const mapPagePayloadSchema = z
  .object({
    lane: z.union([outcomeIdSchema, z.literal(NO_OUTCOME)]),
    filters: mapFiltersSchema.default({}),
    pageToken,
    pageSize: z.number().int().min(1).max(100).default(25),
  })
  .strict();
export const mapLanesPayloadSchema = z
  .object({ filters: mapFiltersSchema.default({}), pageSize: z.number().int().min(1).max(50).default(20) })
  .strict();
export type MapPagePayload = z.input<typeof mapPagePayloadSchema>;

export const createOutcomePayloadSchema = z
  .object({
    draft: outcomeDraftSchema,
    /**
     * The new outcome's id, chosen by the page once per form: the same create sent again after its answer was
     * lost makes no second outcome. Left out, the app chooses one.
     */
    id: outcomeIdSchema.optional(),
  })
  .strict();
export const updateOutcomePayloadSchema = z
  .object({ id: outcomeIdSchema, version: outcomeVersion, draft: outcomeDraftSchema })
  .strict();
export const archiveOutcomePayloadSchema = z
  .object({
    id: outcomeIdSchema,
    version: outcomeVersion,
    status: z.enum(['achieved', 'abandoned'], { error: 'Archive as achieved or abandoned.' }),
  })
  .strict();
export const reopenOutcomePayloadSchema = z.object({ id: outcomeIdSchema, version: outcomeVersion }).strict();
export const addMeasurementPayloadSchema = z
  .object({ id: outcomeIdSchema, version: outcomeVersion, measurement: measurementSchema })
  .strict();

/**
 * The measurement to take off, as the page showed it: its id when it has one (exactly that reading goes), else its
 * place in the outcome's list on the version shown, with its day and value to check it is the same reading.
 */
export const removeMeasurementPayloadSchema = z
  .object({
    id: outcomeIdSchema,
    version: outcomeVersion,
    measurement: measurementSchema.pick({ at: true, value: true, id: true }).extend({
      position: z
        .number({ error: 'Position must be a number.' })
        .int({ error: 'Position must be a whole number.' })
        .min(0, { error: 'Position must be 0 or more.' })
        .optional(),
    }),
  })
  .strict();

export const importMeasurementsPayloadSchema = z
  .object({
    id: outcomeIdSchema,
    csv: z
      .string({ error: 'Choose a CSV file.' })
      .min(1, { error: 'The file is empty.' })
      // A character is one byte or more in UTF-8: the cheap count of characters refuses the largest first.
      .max(MAX_IMPORT_BYTES, { error: IMPORT_TOO_LARGE })
      .refine((csv) => new TextEncoder().encode(csv).length <= MAX_IMPORT_BYTES, { error: IMPORT_TOO_LARGE }),
    /** The person's decimal mark: the file's values are read with it ("12,5"). A point when left out. */
    decimalMark: z.enum(['.', ','], { error: 'The decimal mark is "." or ",".' }).optional(),
  })
  .strict();

export interface ImportMeasurementsData {
  ok: boolean;
  message: string;
  /** Rows at fault (1-based, the header is row 0). */
  errors: Array<{ row: number; field: string; message: string }>;
  accepted: number;
  duplicates: number;
}

export const queueFilterSchema = z
  .object({
    rule: z.string().max(50).optional(),
    issueType: z.string().max(255).optional(),
    /** An assignee's account id, or 'none' for unassigned items. */
    assignee: z
      .string()
      .max(128)
      .regex(PRINTABLE, { error: 'Assignee has characters an account id cannot have.' })
      .optional(),
  })
  .strict();
export const zombieQueuePayloadSchema = z
  .object({
    sort: z.enum(QUEUE_SORTS, { error: 'Sort by idle, age, rule, score or key.' }).default('idle'),
    filter: queueFilterSchema.default({}),
    offset: z.number().int().min(0).max(100_000).default(0),
    limit: z.number().int().min(1).max(100).default(25),
    /**
     * The keys the page lists already ("Load more"): the page is read from the queue less these, so an item
     * decided meanwhile (another tab) moves nothing past the page's end unlisted, and nothing is listed twice.
     */
    listed: z
      .array(z.string().regex(/^[A-Z][A-Z0-9_]{0,254}-[1-9][0-9]{0,17}$/, { error: 'Not an issue key.' }))
      .max(1000)
      .optional(),
    /**
     * Answer from this person's read of the last few minutes, when nothing but decisions changed the queue since
     * ("Load more", another filter, the reload after a decision); left out, Jira is read.
     */
    reuse: z.boolean({ error: 'Reuse must be true or false.' }).optional(),
  })
  .strict();

const reasonSchema = z
  .string({ error: requiredOr('Reason', 'Reason must be text.') })
  .trim()
  .min(3, { error: 'Say why, in a few words (at least 3 characters).' })
  .max(REASON_MAX, { error: `Reason must be at most ${REASON_MAX} characters.` })
  .superRefine(visibleText('Reason'));

export const decisionSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('kill'), reason: reasonSchema }).strict(),
    z
      .object({
        kind: z.literal('keep'),
        reason: reasonSchema,
        killCriteria: killCriteriaSchema.optional(),
        snoozeUntil: isoDate('Snooze date').optional(),
      })
      .strict()
      .refine(
        (k) => k.snoozeUntil !== undefined || (k.killCriteria && Object.keys(k.killCriteria).length > 0),
        { error: 'Keep needs new kill criteria or a snooze date.', path: ['snoozeUntil'] },
      ),
    z.object({ kind: z.literal('relink'), outcomeId: linkedOutcomeIdSchema, reason: reasonSchema }).strict(),
  ],
  { error: 'Choose kill, keep or relink.' },
);
export type Decision = z.infer<typeof decisionSchema>;

export const decidePayloadSchema = z
  .object({
    issueKey: z.string().regex(/^[A-Z][A-Z0-9_]{0,254}-[1-9][0-9]{0,17}$/, { error: 'Not an issue key.' }),
    /** Made once per decision in the browser and sent again on retry: the same key never acts twice. */
    idempotencyKey: z
      .string()
      .regex(/^[A-Za-z0-9-]{8,100}$/, { error: 'The page sent an unreadable request id: reload it.' }),
    decision: decisionSchema,
  })
  .strict();
export type DecidePayload = z.input<typeof decidePayloadSchema>;

/** Jira's bulk transition takes up to 1,000 issues; one bulk decision acts on at most as many. */
export const MAX_BULK_ITEMS = 1000;
/** What the payload may list at all; past MAX_BULK_ITEMS the work is refused with the count (bulk-decisions). */
const MAX_BULK_REQUEST_KEYS = 10 * MAX_BULK_ITEMS;
const issueKeySchema = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]{0,254}-[1-9][0-9]{0,17}$/, { error: 'Not an issue key.' });
const UNREADABLE_COUNT = 'The page sent an unreadable count of the items: reload it.';
export const bulkDecidePayloadSchema = z
  .object({
    /**
     * Made once per bulk decision in the browser. Sent again, it answers that decision as it stands while it is
     * queued or running, and resumes what failed once it is done; it never acts twice on an item.
     */
    idempotencyKey: z
      .string()
      .regex(/^[A-Za-z0-9-]{8,64}$/, { error: 'The page sent an unreadable request id: reload it.' }),
    decision: decisionSchema,
    selection: z.union([
      z
        .object({
          keys: z
            .array(issueKeySchema)
            .min(1, { error: 'Select at least one item.' })
            // The service refuses more than MAX_BULK_ITEMS with a message that names the limit and the count.
            .max(MAX_BULK_REQUEST_KEYS, { error: `Select at most ${MAX_BULK_ITEMS} items.` }),
          /** Picked from a list of items serving no outcome: one linked since (another tab) is left as it is. */
          onlyUnlinked: z.literal(true).optional(),
        })
        .strict(),
      /**
       * Every flagged item matching the filter, resolved on the server when the work starts; in the queue's
       * sort, so that past what one answer reads it is the part the page listed.
       */
      z
        .object({
          filter: queueFilterSchema,
          sort: z.enum(QUEUE_SORTS).optional(),
          /**
           * How many items the page showed as matching when the person confirmed: should the filter match more
           * when the work runs, nothing is decided. Older pages send none, and every item matching then is.
           */
          confirmedCount: z
            .number({ error: UNREADABLE_COUNT })
            .int({ error: UNREADABLE_COUNT })
            .min(1, { error: 'Select at least one item.' })
            .max(MAX_BULK_REQUEST_KEYS, { error: UNREADABLE_COUNT })
            .optional(),
        })
        .strict(),
    ]),
  })
  .strict();
export type BulkDecidePayload = z.input<typeof bulkDecidePayloadSchema>;
export const bulkJobPayloadSchema = z
  .object({ jobId: z.string().regex(/^[A-Za-z0-9-]{8,64}$/, { error: 'Not a bulk decision id.' }) })
  .strict();

export const decisionLogPayloadSchema = z
  .object({
    cursor: z.string().max(500).nullable().optional(),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .strict();
export const resultsReviewPayloadSchema = z.object({}).strict();
export const shippedMovedPayloadSchema = z
  .object({
    /** The person's own day: the month it falls in is the view's last (the server's is taken when a day off). */
    today: isoDate('Today').optional(),
  })
  .strict();
export const confirmVerdictPayloadSchema = z
  .object({
    issueKey: z.string().regex(/^[A-Z][A-Z0-9_]{0,254}-[1-9][0-9]{0,17}$/, { error: 'Not an issue key.' }),
    idempotencyKey: z
      .string()
      .regex(/^[A-Za-z0-9-]{8,100}$/, { error: 'The page sent an unreadable request id: reload it.' }),
    result: resultSchema,
    /**
     * The verdict the review proposed when the person decided (null: none). A measurement recorded since can change
     * the proposal: the confirm is then refused, so the log never records a proposal the person did not see.
     */
    proposed: z
      .enum(RESULT_VERDICTS, { error: 'The page sent an unreadable proposal: reload it.' })
      .nullable()
      .optional(),
  })
  .strict();
export type ConfirmVerdictPayload = z.input<typeof confirmVerdictPayloadSchema>;

export const healthPayloadSchema = z.object({}).strict();
export const healthRecipesPayloadSchema = z.object({ pageToken }).strict();
export const scanNowPayloadSchema = z.object({ dryRun: z.boolean().optional() }).strict();
/** At most this many runs per answer (storage keeps 30 per project). */
export const MAX_SCAN_RUNS = 30;
export const scanRunsPayloadSchema = z
  .object({
    limit: z
      .number({ error: 'Limit must be a number.' })
      .int({ error: 'Limit must be a whole number of runs.' })
      .min(1, { error: 'Ask for at least one run.' })
      .max(MAX_SCAN_RUNS, { error: `Ask for at most ${MAX_SCAN_RUNS} runs.` })
      .default(10),
  })
  .strict();

// ---- answers ------------------------------------------------------------------------------------------------

export interface OutcomeProgress {
  /** Latest measured value, or the baseline when nothing was measured. */
  current: number;
  /** 0..1 of the way from baseline to target (clamped). */
  fraction: number;
  measuredAt: string | null;
}

export interface OutcomeView extends Outcome {
  progress: OutcomeProgress;
  /**
   * The newest of the measurements held, as the card draws them (outcome-map.ts, CARD_MEASUREMENTS): an answer
   * with every outcome's whole history would pass Forge's 5 MB once a project has enough of them.
   */
  measurements: Outcome['measurements'];
  /** How many measurements the outcome holds, and the place of the first sent among them (a removal names it). */
  measurementsHeld: number;
  measurementsFrom: number;
}

/** A typed reading's answer: the card as written, and what a full history let go to keep the reading. */
export interface MeasurementRecorded extends OutcomeView {
  /** Readings the outcome held that this one pushed out of its history (it keeps the newest only), oldest first. */
  pushedOut: Array<{ at: string; value: number }>;
}

export interface ProjectPagePermissions {
  canEditOutcomes: boolean;
  canDecide: boolean;
  isAdmin: boolean;
  /** In words, why outcomes are read-only; null when editable. */
  outcomesReadOnlyReason: string | null;
}

export interface FilterOptions {
  sprints: Array<{ id: number; name: string; state: string }>;
  issueTypes: string[];
  assignees: Array<{ accountId: string; displayName: string }>;
}

export interface ProjectPageLoadData {
  projectKey: string;
  outcomes: OutcomeView[];
  permissions: ProjectPagePermissions;
  siteUrl: string | null;
  dryRun: boolean;
  /** When the last live scan finished; null when none has (never scanned, or only dry runs). */
  lastScanAt: string | null;
}

/**
 * Open issues Jira answered in a shape the app cannot read (a field of another type than its spec's): left out of
 * what an answer counts or lists, and named so that the figures are not silently short.
 */
export interface UnreadableIssues {
  count: number;
  /** The first few, by key (by id when Jira sent no key). */
  named: string[];
}

export interface LaneSummary {
  /** An outcome id, or NO_OUTCOME. */
  lane: string;
  count: number;
  direct: number;
  inherited: number;
  /** Sum of story points of the lane's open issues that have an estimate. */
  estimate: number;
  /** Shares of all open work in the filter, 0..1 (3 decimals). */
  countShare: number;
  estimateShare: number;
  zombies: number;
}

export interface MapSummaryData {
  /** Open issues counted: all of them in the filter, or the first part when `truncated`. */
  total: number;
  totalEstimate: number;
  lanes: LaneSummary[];
  filterOptions: FilterOptions;
  /** True when the filter held more open issues than one summary reads: the counts and shares are of `total`. */
  truncated: boolean;
  /**
   * When the scan that counted these figures finished (ISO); null when they were counted live for this answer
   * (before any finished scan, or for a filter the scan's figures cannot answer).
   */
  asOf: string | null;
  /**
   * Why figures counted live were: no scan has finished yet ('no-scan'), the last scan's figures do not hold
   * this filter ('filter'), or they are not this person's to read, since they counted an issue a security level
   * keeps from them ('access'); null when they are the scan's.
   */
  liveBecause: 'no-scan' | 'filter' | 'access' | null;
  /** Issues left out of the counts as unreadable; null when none (always null for the scan's figures). */
  unreadable: UnreadableIssues | null;
}

export interface MapIssue {
  key: string;
  summary: string;
  issueType: string;
  statusName: string;
  statusCategory: StatusCategory;
  assignee: string | null;
  estimate: number | null;
  score: number;
  link: 'direct' | 'inherited' | 'none';
  /** The epic an inherited link comes through. */
  via: string | null;
  zombie: boolean;
  isRecipe: boolean;
}

export interface MapPageData {
  lane: string;
  issues: MapIssue[];
  nextPageToken: string | null;
  /** Issues of this page left out as unreadable; null when none. */
  unreadable: UnreadableIssues | null;
}

export interface MapLanesData {
  lanes: MapPageData[];
}

export interface ZombieItem {
  key: string;
  summary: string;
  issueType: string;
  statusName: string;
  outcomeId: string | null;
  /** Each fired rule; `figures` (the metric threshold's) let the page write its detail in the reader's notation. */
  rules: Array<{ rule: string; since: string; detail: string; clearBy: string; figures?: KillMetricFigures }>;
  flaggedAt: string | null;
  assignee: { accountId: string; displayName: string } | null;
  /** Days since the last real activity (a person's edit, comment or transition) and since creation. */
  idleDays: number;
  ageDays: number;
  score: number | null;
}

export interface ZombieQueueData {
  items: ZombieItem[];
  /** How many flagged items match the filter (all of them, across pages). */
  total: number;
  /** Flagged items in the project, whatever the filter. */
  flagged: number;
  offset: number;
  /** Where the next page starts; null on the last. */
  nextOffset: number | null;
  /** What the filters can choose from, counted over every flagged item. */
  options: QueueOptions;
  /**
   * True when the project held more flagged items than one answer reads: the figures are of the first part, in
   * the chosen sort's order.
   */
  truncated: boolean;
  /** When truncated: how many items the last finished scan flagged in all, and when it finished; else null. */
  flaggedInAll: { count: number; at: string } | null;
  /** Of the keys the page said it lists, those no longer in the queue (decided meanwhile, or out of the filter). */
  gone: string[];
  /** Issues the queue's search left out as unreadable; null when none. */
  unreadable: UnreadableIssues | null;
  /** When the items were read from Jira: an answer to `reuse` may be a few minutes old. */
  readAt: string;
}

export type BulkJobStatus = 'queued' | 'running' | 'done';

/** One bulk decision's progress, as stored and as the page polls it. */
export interface BulkJobData {
  jobId: string;
  kind: Decision['kind'];
  status: BulkJobStatus;
  /** Items selected; null until a filter's selection is resolved. */
  total: number | null;
  /** Items decided (each with its own log row), including ones an earlier try decided. */
  decided: number;
  failed: Array<{ key: string; message: string }>;
  /** How the kills are closed: Jira's bulk transition, or one by one (no bulk-change permission, or a field). */
  method: 'bulk-transition' | 'one-by-one' | null;
  startedAt: string;
  finishedAt: string | null;
  /**
   * Said to the person when the selection was cut at MAX_BULK_ITEMS, or when a filter matched more items than
   * they confirmed (nothing was decided): what happened and what to do.
   */
  note?: string | null;
}

export interface DecisionEntry {
  id: string;
  issueKey: string;
  kind: Decision['kind'];
  reason: string;
  /** The decider's account id ('app' for the app itself). */
  by: string;
  /** The decider's display name when the decision was taken; null for entries recorded without one. */
  byName: string | null;
  at: string;
  rules: Array<{ rule: string; since: string }>;
  /** A relink: the outcome the item now serves (its name when decided). */
  relinkedTo: { id: string; name: string } | null;
  /** A relink: the outcome it served before (null when it served none); the name as the project has it now. */
  previousOutcome: { id: string; name: string | null } | null;
  /** A keep: the date the item is snoozed until, when one was set. */
  snoozeUntil: string | null;
  /** A keep: the kill criteria it set (only those it changed). */
  killCriteria: KillCriteria | null;
  /** A kill: the transition used (absent when the issue was already closed) and the resolution asked for. */
  transition: string | null;
  resolution: string | null;
  /** Everything recorded with the decision, as stored (the JSON export keeps it for tools). */
  details: Record<string, unknown>;
}

/** A delivered bet as the results review lists it. */
export interface BetItem {
  issueKey: string;
  summary: string;
  deliveredOn: string;
  checkBy: string;
  /** Days past check-by (0 on the day). */
  daysOverdue: number;
  status: 'tracking' | 'due' | 'unverified' | 'validated' | 'invalidated' | 'inconclusive';
  expected: BetExpectation;
  series: { kind: 'metric' | 'outcome'; name: string } | null;
  outcome: { id: string; name: string } | null;
  proposal: VerdictProposal | null;
  /** The bet's further expectations, each by its own check-by day (the bet's when it names none). */
  further: Array<{
    expected: BetExpectation;
    checkBy: string;
    series: { kind: 'metric' | 'outcome'; name: string } | null;
    /** From its check-by day on, while no verdict is recorded. */
    proposal: VerdictProposal | null;
  }>;
}

export interface BetExpectation {
  metric: string | null;
  direction: 'increase' | 'decrease' | null;
  baseline: number | null;
  target: number | null;
  unit: string | null;
}

export interface VerdictEntry {
  id: string;
  issueKey: string;
  verdict: Result['verdict'];
  /** The verdict the app proposed, when it proposed one. */
  proposed: Result['verdict'] | null;
  evidence: string;
  by: string;
  byName: string | null;
  at: string;
  /** Where the verdict was recorded: confirmed here, or set as the result in the issue's panel. */
  recordedIn: 'results-review' | 'issue-panel';
}

export interface ResultsReviewData {
  /** Check-by day come, no verdict yet. */
  due: BetItem[];
  /** Past check-by by more than the grace days with no verdict: "unverified bets" (JQL: betStatus = unverified). */
  unverified: BetItem[];
  /** Delivered, check-by day still ahead. */
  tracking: BetItem[];
  recent: VerdictEntry[];
  /** When the scan last checked the bets; null before any check. */
  checkedAt: string | null;
}

export interface ConfirmVerdictData {
  entry: VerdictEntry;
  replayed: boolean;
}

export interface DecideData {
  entry: DecisionEntry;
  /** True when this request repeated an earlier one and changed nothing. */
  replayed: boolean;
  /** For a kill: the issue's status after it. */
  statusName: string | null;
}

export interface DecisionLogData {
  entries: DecisionEntry[];
  nextCursor: string | null;
}

/** The counts the zombie scan stores at the end of each run. */
export interface ScanHealthFigures {
  total: number;
  recipes: number;
  linked: number;
  zombies: number;
  meanScore: number | null;
}

/** One step through the open backlog: the recipes among the issues read, and where to go on. */
export interface HealthRecipesData {
  recipes: HealthExample[];
  /** How many open issues this step read (recipes or not). */
  read: number;
  /** Null when the whole open backlog has been read. */
  nextPageToken: string | null;
  /** Issues of this step left out as unreadable; null when none. */
  unreadable: UnreadableIssues | null;
}

export interface HealthData {
  /** The open backlog now, computed from Jira for this answer. */
  current: BacklogHealth;
  /** The figures of the last finished scan, and when it finished; null before any scan. */
  lastScan: (ScanHealthFigures & { at: string | null }) | null;
  /** Now minus the last scan. */
  movement: HealthMovement | null;
  /** True when the backlog was larger than one report reads (the report covers its first part). */
  truncated: boolean;
  /** When the scan that counted `current` finished (ISO); null when it was computed live for this answer. */
  asOf: string | null;
  /**
   * Why `current` was computed live: no scan has finished yet ('no-scan'), or the scan's figures counted an issue
   * a security level keeps from this person ('access': nor is the last scan shown); null when they are the scan's.
   */
  liveBecause: 'no-scan' | 'access' | null;
  /** Issues a live count left out as unreadable; null when none or when `current` is the scan's. */
  unreadable: UnreadableIssues | null;
}

/** One zombie-scan run as the project page shows it: the stored summary's fields, read defensively. */
export type ScanRunView = Pick<
  ScanRunSummary,
  | 'runId'
  | 'origin'
  | 'requestedBy'
  | 'dryRun'
  | 'startedAt'
  | 'finishedAt'
  | 'wouldChange'
  | 'notes'
  | 'failure'
> & {
  /** 'stalled': the summary says running, but no part of the run is going any more (see `failure`). */
  status: ScanStatus | 'stalled';
  /**
   * The run's counters; null to a person a security level keeps one of the judged issues from (or who may be:
   * which were secured is not known), as every one of them tells of how many there were. A note says so.
   */
  counters: ScanCounters | null;
  /** Finished minus started; null while running. */
  durationMs: number | null;
  /** The first issues that could not be judged, with why (the summary's error samples). */
  errors: ScanIssueError[];
  /** The first issues skipped as they left the project during the run, with what was spared them. */
  skipped: ScanIssueError[];
};

export interface ScanRunsData {
  runs: ScanRunView[];
  /** True while a run of this project is still going (the page polls until it is not). */
  running: boolean;
}

export interface ScanNowData {
  started: boolean;
  message: string;
}

/** Progress of an outcome from its baseline toward its target, from its latest measurement. */
export function outcomeProgress(o: Pick<Outcome, 'baseline' | 'target' | 'measurements'>): OutcomeProgress {
  const latest = [...o.measurements].sort((a, b) => a.at.localeCompare(b.at)).pop();
  const current = latest ? latest.value : o.baseline;
  const span = o.target - o.baseline;
  const raw = span === 0 ? 0 : (current - o.baseline) / span;
  return {
    current,
    fraction: Math.round(Math.min(1, Math.max(0, raw)) * 1000) / 1000,
    measuredAt: latest?.at ?? null,
  };
}
