/**
 * The zombie scan as the project page sees it: run summaries kept in app storage, and the "Scan now" payload.
 * Shared by the backend (src/scan) and the UI (static/), so both read the same shapes.
 */
import * as z from 'zod';

/** How a run was started. */
/** What started a run: the daily schedule, "Scan now" on the project page, or the app's installation. */
export type ScanOrigin = 'schedule' | 'manual' | 'install';

/** One issue the scan could not judge, kept so the page can show it (bounded per run). */
export interface ScanIssueError {
  issueKey: string | null;
  message: string;
  at: string;
}

/**
 * Whether the scan read a sampled issue under a security level. The page checks only the samples that are, or
 * whose level the scan did not read (absent: an issue that failed before it was read, or an older summary).
 */
export interface SecuredNote {
  secured?: boolean;
}

export interface ScanCounters {
  /** Search pages read. */
  pages: number;
  /** Open issues judged. */
  issues: number;
  /** Issues newly flagged as zombies in this run. */
  flagged: number;
  /** Flags cleared in this run (activity resumed, kill criteria changed, a Keep decision). */
  cleared: number;
  /** Issues whose stored verdict or score changed (written, or that would be in a dry run). */
  changed: number;
  /** Issues skipped because judging them failed (bad data), or because a write to them failed. */
  errors: number;
  /**
   * Issues that left the project, or were hidden from the app, between the scan's search and its write: nothing
   * of this run's verdict was written to them, and they are out of its figures. Not an error: people move issues.
   */
  skipped: number;
  /** Label and comment edits made (or that would be made in a dry run). */
  edits: number;
  /** Queue invocations the run took (1 + continuations). */
  invocations: number;
  /** Continuations delayed by Jira's rate limit. */
  rateLimited: number;
  /** Continuations delayed to keep the scan within its share of the hourly points quota. */
  paced: number;
  /** Jira calls the run made, and the points they cost under Jira's documented model (src/jira/points.ts). */
  jiraCalls: number;
  points: number;
}

export type ScanStatus = 'running' | 'finished' | 'failed';

/** The backlog's shape at the end of a run (stored so the page can show movement since the last scan). */
export interface HealthSnapshot {
  total: number;
  recipes: number;
  linked: number;
  zombies: number;
  /** Mean linkage score, rounded to one decimal; null for an empty backlog. */
  meanScore: number | null;
}

/** A type alias (not an interface) so it fits storage's open-ended RunSummary. */
export type ScanRunSummary = {
  runId: string;
  projectKey: string;
  origin: ScanOrigin;
  /** Account that pressed "Scan now"; null for the schedule. */
  requestedBy: string | null;
  dryRun: boolean;
  status: ScanStatus;
  startedAt: string;
  finishedAt: string | null;
  counters: ScanCounters;
  /** First errors of the run (at most MAX_SUMMARY_ERRORS). */
  errorSamples: Array<ScanIssueError & SecuredNote>;
  /** First issues the run skipped as they had left the project (at most MAX_SUMMARY_ERRORS); absent in older ones. */
  skippedSamples?: Array<ScanIssueError & SecuredNote>;
  /** In a dry run, the first issues that would be flagged or cleared. */
  wouldChange: Array<{ issueKey: string; change: 'flag' | 'clear' | 'update' } & SecuredNote>;
  health: HealthSnapshot | null;
  /** What the run had to assume about the site, in words for people (e.g. which sprint field it read). */
  notes: string[];
  /** Why a run failed, in words for people. */
  failure: string | null;
  /** Whether the run read every open item or only what changed (absent in older summaries: full). */
  mode?: 'full' | 'incremental';
  /**
   * The issues the run judged that are under a security level: its issue counts tell of them, so they are shown
   * only to a person who may see every one. `keys` holds at most the first 200. Absent from older summaries.
   */
  secured?: { count: number; keys: string[] };
};

export const MAX_SUMMARY_ERRORS = 20;

export function emptyCounters(): ScanCounters {
  return {
    pages: 0,
    issues: 0,
    flagged: 0,
    cleared: 0,
    changed: 0,
    errors: 0,
    skipped: 0,
    edits: 0,
    invocations: 0,
    rateLimited: 0,
    paced: 0,
    jiraCalls: 0,
    points: 0,
  };
}

/** The project page's "Scan now" request. */
export const scanNowPayloadSchema = z.object({
  projectKey: z
    .string({ error: 'Project key must be text.' })
    .regex(/^[A-Z][A-Z0-9_]{0,254}$/, { error: 'Project key is malformed.' }),
  dryRun: z.boolean({ error: 'Dry run must be true or false.' }).optional(),
});
export type ScanNowPayload = z.infer<typeof scanNowPayloadSchema>;

export interface ScanNowAnswer {
  runId: string;
  /** True when a run was already going for this project: the new request yields to it. */
  alreadyRunning: boolean;
}
