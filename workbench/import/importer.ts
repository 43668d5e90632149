/**
 * Imports real Jira issues, as the REST API returns them, into the workbench's Jira emulator: `.json` (a search
 * response `{ issues: [...] }` or a plain array), `.jsonl` or `.jsonl.gz` (one issue a line, streamed). Each
 * issue lands in the project of its own key (or `projectKey`), created on the fly together with its users;
 * the demo users get their usual roles on new projects. Bad lines are reported and skipped; an issue whose
 * key is already stored is skipped too, so an import never overwrites anything.
 */
import { readIssueFile, type SkippedLine } from '../../src/cli/issue-file';
import type { WorkbenchApp } from '../app';
import type { JiraStore } from '../jira/store';
import { grantDemoRoles } from '../users';
import { IssueShapeError, mapIssue, type MappedIssue } from './jira-issue';

/** The part of the workbench app the importer needs: its Jira emulator. */
export type ImportTarget = Pick<WorkbenchApp, 'jira'>;

export interface ImportOptions {
  /** Import every issue into this project instead of its own, keeping issue numbers. */
  projectKey?: string;
  /** Stands in for missing timestamps. */
  now?: Date;
}

export type { SkippedLine };

export interface ImportReport {
  imported: number;
  skipped: SkippedLine[];
  /** Keys of the projects that received issues, sorted. */
  projects: string[];
}

/** The skipped lines an import's log names one by one; past them, it counts the rest. */
export const SKIPPED_LINES_NAMED = 10;

/**
 * What an import tells the person who ran it, a line each: how many issues went where, the first skipped lines
 * and how many more, and, when nothing could be read as a Jira REST issue, that the file is in another shape.
 */
export function importLog(file: string, report: ImportReport): string[] {
  const lines = [
    `imported ${file}: ${report.imported} issue(s) into ${report.projects.join(', ') || 'no project'}`,
  ];
  if (
    report.imported === 0 &&
    report.skipped.length > 0 &&
    report.skipped.every((s) => / has no fields$/.test(s.reason))
  )
    lines.push(
      `  no line of ${file} is a Jira REST issue (an object with its "fields"): --import reads issues as Jira's ` +
        'REST API answers them (v2 or v3), one a line or in a list',
    );
  for (const skipped of report.skipped.slice(0, SKIPPED_LINES_NAMED))
    lines.push(`  skipped line ${skipped.line}: ${skipped.reason}`);
  const more = report.skipped.length - SKIPPED_LINES_NAMED;
  if (more > 0) lines.push(`  … and ${more} more line(s) skipped`);
  return lines;
}

/** Where an issue's links go: the emulator has no link table, and an import must not drop them. */
export const IMPORT_PROPERTY_KEY = 'workbench-import';

/** Issues written per transaction: one commit per batch keeps a 400-issue file well under a second. */
const BATCH = 200;

interface Pending {
  line: number;
  value: unknown;
}

export async function importIssues(
  app: ImportTarget,
  file: string,
  options: ImportOptions = {},
): Promise<ImportReport> {
  const store = app.jira.store;
  const now = options.now ?? new Date();
  const rekeyTo = options.projectKey?.trim().toUpperCase();
  if (rekeyTo !== undefined && !/^[A-Z][A-Z0-9_]+$/.test(rekeyTo))
    throw new Error(`Invalid project key: ${options.projectKey ?? ''}`);

  const report: ImportReport = { imported: 0, skipped: [], projects: [] };
  const projects = new Set<string>();
  const knownUsers = new Set<string>();
  let batch: Pending[] = [];
  const flush = () => {
    if (batch.length === 0) return;
    const pending = batch;
    batch = [];
    store.db.transaction(() => {
      for (const item of pending) {
        const outcome = importOne(store, item.value, now, rekeyTo, knownUsers);
        if (typeof outcome === 'string') report.skipped.push({ line: item.line, reason: outcome });
        else {
          report.imported += 1;
          projects.add(outcome.projectKey);
        }
      }
    })();
  };

  for await (const item of readIssueFile(file, report.skipped)) {
    batch.push(item);
    if (batch.length >= BATCH) flush();
  }
  flush();
  report.projects = [...projects].sort();
  report.skipped.sort((a, b) => a.line - b.line);
  return report;
}

/** Writes one issue and everything hanging off it, all or nothing; returns why it was skipped otherwise. */
function importOne(
  store: JiraStore,
  value: unknown,
  now: Date,
  rekeyTo: string | undefined,
  knownUsers: Set<string>,
): MappedIssue | string {
  let mapped: MappedIssue;
  try {
    mapped = mapIssue(value, now, rekeyTo);
  } catch (error) {
    if (error instanceof IssueShapeError) return error.message;
    throw error;
  }
  if (store.getIssue(mapped.key)) return `${mapped.key} already exists; left as it was`;
  try {
    // A savepoint inside the batch's transaction: a failing issue leaves nothing half-written.
    store.db.transaction(() => write(store, mapped, knownUsers))();
    return mapped;
  } catch (error) {
    return `${mapped.key} could not be stored: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function write(store: JiraStore, m: MappedIssue, knownUsers: Set<string>): void {
  for (const user of m.users) {
    if (knownUsers.has(user.accountId)) continue;
    // Never rename a user the workbench already has (the demo users above all).
    if (!store.getUser(user.accountId)) store.upsertUser(user);
    knownUsers.add(user.accountId);
  }
  if (!store.getProject(m.projectKey)) {
    store.createProject({ key: m.projectKey, name: m.projectName });
    grantDemoRoles(store, m.projectKey);
  }
  // A secured issue keeps its level, by name. An export does not say who is in a level, so a level the
  // workbench lacks is created with no one in it: the issue is seen by nobody, the app included, until
  // store.addSecurityLevelMember (or a level made before the import) lets someone in, as on the site.
  if (m.securityLevel && !store.getSecurityLevel(m.securityLevel.name))
    store.createSecurityLevel(m.securityLevel);
  store.createIssue(m.securityLevel ? { ...m.issue, securityLevel: m.securityLevel.name } : m.issue);
  for (const c of m.comments) store.addComment(m.key, c);
  for (const h of m.changelog) store.addChangelog(m.key, h);
  if (m.links.length) store.setIssueProperty(m.key, IMPORT_PROPERTY_KEY, { links: m.links });
  // Comments may bump `updated`; the source's own value is the truth.
  const stored = store.getIssue(m.key);
  if (stored && stored.updated !== m.issue.updated) store.touch(stored.id, m.issue.updated);
}
