/**
 * The project page's resolver keys and the plain values its page needs, with no zod: the page imports these
 * (its bundle leaves zod out and leaves validation to the resolvers), and project-page.ts re-exports them
 * beside the payload schemas, so the resolvers and the page still name the same keys.
 */
export const PROJECT_PAGE_RESOLVERS = {
  /** Outcomes with progress, and what the caller may do. */
  load: 'load',
  /** Per-outcome share of open work (count and estimate), plus the "serves no outcome" bucket. */
  mapSummary: 'mapSummary',
  /** One page of the issues in one lane of the map. */
  mapPage: 'mapPage',
  /** The first page of every lane, in one round trip. */
  mapLanes: 'mapLanes',
  createOutcome: 'createOutcome',
  updateOutcome: 'updateOutcome',
  archiveOutcome: 'archiveOutcome',
  /** Makes an achieved or abandoned outcome active again, on the version the page showed. */
  reopenOutcome: 'reopenOutcome',
  addMeasurement: 'addMeasurement',
  /** Takes one measurement off an outcome (one typed by mistake), on the version the page showed. */
  removeMeasurement: 'removeMeasurement',
  /** A CSV file of past measurements for one outcome, all or nothing. */
  importMeasurements: 'importMeasurements',
  /** One page of the zombie queue, sorted and filtered on the server, with the filter's total. */
  zombieQueue: 'zombieQueue',
  /** Start (or resume) one decision over many items: listed keys or all items matching a filter. */
  bulkDecide: 'bulkDecide',
  /** Progress of a bulk decision. */
  bulkJob: 'bulkJob',
  /** Kill, keep or relink one zombie, idempotently. */
  decide: 'decide',
  decisionLog: 'decisionLog',
  /** Delivered bets due for a verdict, overdue ones, and recent verdicts. */
  resultsReview: 'resultsReview',
  /** Records a person's verdict on a delivered bet (the proposed one or their own), idempotently. */
  confirmVerdict: 'confirmVerdict',
  /** Shipped versus moved: delivered per month and sprint beside the outcomes' metrics (the scan's summary). */
  shippedMoved: 'shippedMoved',
  health: 'health',
  /** Every recipe in the open backlog, one Jira page read per call (backlog health's full list). */
  healthRecipes: 'healthRecipes',
  /** Runs the zombie scan now (project administrators). */
  scanNow: 'scanNow',
  /** The latest zombie-scan runs of the project, newest first (bounded). */
  scanRuns: 'scanRuns',
} as const;
export type ProjectPageResolverKey = (typeof PROJECT_PAGE_RESOLVERS)[keyof typeof PROJECT_PAGE_RESOLVERS];

/** The lane of the map for work that serves no outcome. */
export const NO_OUTCOME = 'none' as const;

/** How many issues an answer names of those Jira sent in a shape the app cannot read; the rest are counted. */
export const UNREADABLE_NAMED = 10;

/**
 * A CSV file of at most this many bytes (512 KB, about 10,000 rows) is imported in one call. Bytes, as a file's
 * size is shown and as the card reads it: the file's text, as UTF-8, is held to the same limit.
 */
export const MAX_IMPORT_BYTES = 512 * 1024;
export const IMPORT_TOO_LARGE = 'The file is too large: split it (at most 512 KB).';

/** The longest reason a kill review decision takes, counted as the decision's schema counts it (UTF-16 units). */
export const REASON_MAX = 1000;

/** How many of a dry run's would-be changes its summary keeps to list; its counters count them all. */
export const MAX_DRY_RUN_SAMPLES = 50;
