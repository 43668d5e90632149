import type Database from 'better-sqlite3';
import type { WorkbenchDb } from '../db';
import type {
  AdfDocument,
  ChangelogInput,
  IssueInput,
  IssueTypeName,
  JiraPermission,
  ProjectInput,
  IssueStatusCategory,
  SprintValue,
  StatusCategoryKey,
  StoredChangelog,
  StoredComment,
  StoredIssue,
  StoredProject,
  StoredUser,
  UserInput,
} from './types';
import { APP_PROJECT_ROLE, GLOBAL_PERMISSIONS, ISSUE_STATUS_CATEGORIES } from './types';
import type { AppProjectRole, SecurityLevelInput, StoredSecurityLevel } from './types';

/** Whether the time zone is one Jira knows (an IANA name). */
function isTimeZone(timeZone: string): boolean {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone !== '';
  } catch {
    return false;
  }
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS jira_users (
  account_id TEXT PRIMARY KEY, display_name TEXT NOT NULL, email TEXT, account_type TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS jira_projects (
  id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, name TEXT NOT NULL, lead_account_id TEXT,
  next_number INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS jira_grants (
  project_id INTEGER NOT NULL, account_id TEXT NOT NULL, permission TEXT NOT NULL,
  PRIMARY KEY (project_id, account_id, permission)
);
CREATE TABLE IF NOT EXISTS jira_global_grants (
  account_id TEXT NOT NULL, permission TEXT NOT NULL, PRIMARY KEY (account_id, permission)
);
CREATE TABLE IF NOT EXISTS jira_issues (
  id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, project_id INTEGER NOT NULL, issue_type TEXT NOT NULL,
  summary TEXT NOT NULL, description TEXT, description_wiki TEXT, status_name TEXT NOT NULL,
  status_category TEXT NOT NULL, resolution TEXT, created TEXT NOT NULL, updated TEXT NOT NULL,
  reporter TEXT, assignee TEXT, labels TEXT NOT NULL, parent_key TEXT, sprints TEXT NOT NULL,
  story_points REAL, priority TEXT, security_level_id INTEGER, resolution_date TEXT
);
CREATE INDEX IF NOT EXISTS jira_issues_project ON jira_issues (project_id, id);
-- A status's category by its name (status-history.ts): asked for each issue a search renders.
CREATE INDEX IF NOT EXISTS jira_issues_status ON jira_issues (status_name);
-- Keys an issue had before it was moved to another project: Jira Cloud keeps answering to them.
CREATE TABLE IF NOT EXISTS jira_issue_old_keys (old_key TEXT PRIMARY KEY, issue_id INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS jira_comments (
  id INTEGER PRIMARY KEY, issue_id INTEGER NOT NULL, author TEXT NOT NULL, body TEXT NOT NULL,
  created TEXT NOT NULL, updated TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS jira_comments_issue ON jira_comments (issue_id, id);
CREATE TABLE IF NOT EXISTS jira_changelog (
  id INTEGER PRIMARY KEY, issue_id INTEGER NOT NULL, author TEXT NOT NULL, created TEXT NOT NULL,
  items TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS jira_changelog_issue ON jira_changelog (issue_id, id);
CREATE TABLE IF NOT EXISTS jira_issue_properties (
  issue_id INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (issue_id, key)
);
CREATE TABLE IF NOT EXISTS jira_project_properties (
  project_id INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (project_id, key)
);
-- Issue security levels (a site's issue security schemes, flattened: a level's id is unique on the site) and who
-- is in each: an account, the issue's reporter or assignee, or the app's project role.
CREATE TABLE IF NOT EXISTS jira_security_levels (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, description TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS jira_security_level_members (
  level_id INTEGER NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (level_id, kind, value)
);
CREATE TABLE IF NOT EXISTS jira_dashboards (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL, owner TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS jira_dashboard_items (
  id INTEGER PRIMARY KEY, dashboard_id INTEGER NOT NULL, module_key TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS jira_dashboard_item_properties (
  item_id INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (item_id, key)
);
`;

const FIRST_ISSUE_ID = 10000;
const FIRST_PROJECT_ID = 10000;
const FIRST_ID = 10000;

interface IssueRow {
  id: number;
  key: string;
  project_id: number;
  project_key: string;
  issue_type: string;
  summary: string;
  description: string | null;
  description_wiki: string | null;
  status_name: string;
  status_category: string;
  resolution: string | null;
  created: string;
  updated: string;
  reporter: string | null;
  assignee: string | null;
  labels: string;
  parent_key: string | null;
  sprints: string;
  story_points: number | null;
  priority: string | null;
  security_level_id: number | null;
  resolution_date: string | null;
}

export const ISSUE_COLUMNS =
  'i.id, i.key, i.project_id, p.key AS project_key, i.issue_type, i.summary, i.description, i.description_wiki, ' +
  'i.status_name, i.status_category, i.resolution, i.created, i.updated, i.reporter, i.assignee, i.labels, ' +
  'i.parent_key, i.sprints, i.story_points, i.priority, i.security_level_id, i.resolution_date';

/** Wraps plain text into a minimal ADF document, one paragraph per line. */
export function textToAdf(text: string): AdfDocument {
  return {
    type: 'doc',
    version: 1,
    content: text
      .split('\n')
      .map((line) =>
        line ? { type: 'paragraph', content: [{ type: 'text', text: line }] } : { type: 'paragraph' },
      ),
  };
}

function isoOf(value: string | undefined, fallback: Date): string {
  const date = value === undefined ? fallback : new Date(value);
  if (Number.isNaN(date.getTime())) throw new Error(`Invalid date: ${value ?? ''}`);
  return date.toISOString();
}

/** The category as given, refused when it is none the emulator knows (it could not render the issue later). */
function checkedCategory(category: string): IssueStatusCategory {
  if (!(ISSUE_STATUS_CATEGORIES as readonly string[]).includes(category))
    throw new Error(`Unknown status category: ${category} (one of ${ISSUE_STATUS_CATEGORIES.join(', ')})`);
  return category as IssueStatusCategory;
}

export function defaultCategory(status: string): StatusCategoryKey {
  const s = status.toLowerCase();
  if (s === 'done' || s === 'closed' || s === 'resolved') return 'done';
  if (s === 'to do' || s === 'open' || s === 'backlog') return 'new';
  return 'indeterminate';
}

export interface StoredDashboard {
  id: number;
  name: string;
  owner: string;
}

/** The emulator's data: users, projects, grants, issues and everything hanging off them, in jira_* tables. */
export class JiraStore {
  private readonly stmts;
  private readonly scanCache = new Map<string, Database.Statement<[number, number], unknown>>();
  /**
   * Told before each change to what JQL reads of an issue (its fields, labels, status, properties, project; a
   * new issue once it has its id, `created` true): the emulator's search index keeps the issue as it was until
   * the write reaches search (search-index.ts).
   */
  beforeIssueWrite: ((issueId: number, created: boolean) => void) | null = null;

  constructor(
    readonly db: WorkbenchDb,
    private readonly now: () => Date = () => new Date(),
  ) {
    db.exec(SCHEMA);
    // A database written before issue security levels existed gains the column, every issue without a level.
    const columns = db.prepare<[], { name: string }>('PRAGMA table_info(jira_issues)').all();
    if (!columns.some((c) => c.name === 'security_level_id'))
      db.exec('ALTER TABLE jira_issues ADD COLUMN security_level_id INTEGER');
    // A database written before the resolution date was kept gains it: a resolved issue's is the last time its
    // history set a resolution, else its last update (what the emulator answered as `resolutiondate` until then).
    if (!columns.some((c) => c.name === 'resolution_date'))
      db.transaction(() => {
        db.exec('ALTER TABLE jira_issues ADD COLUMN resolution_date TEXT');
        db.exec(
          `UPDATE jira_issues SET resolution_date = COALESCE(
             (SELECT MAX(c.created) FROM jira_changelog c, json_each(c.items) j
               WHERE c.issue_id = jira_issues.id AND json_extract(j.value, '$.field') = 'resolution'
                 AND json_extract(j.value, '$.toString') IS NOT NULL),
             updated)
           WHERE resolution IS NOT NULL`,
        );
      })();
    this.stmts = {
      insertIssue: db.prepare(
        `INSERT INTO jira_issues (id, key, project_id, issue_type, summary, description, description_wiki, status_name,
           status_category, resolution, created, updated, reporter, assignee, labels, parent_key, sprints, story_points, priority,
           security_level_id, resolution_date)
         VALUES (@id, @key, @projectId, @type, @summary, @description, @descriptionWiki, @statusName, @statusCategory,
           @resolution, @created, @updated, @reporter, @assignee, @labels, @parentKey, @sprints, @storyPoints, @priority,
           @securityLevelId, @resolutionDate)`,
      ),
      maxIssueId: db.prepare('SELECT MAX(id) AS m FROM jira_issues'),
      projectByKey: db.prepare(
        'SELECT id, key, name, lead_account_id, next_number FROM jira_projects WHERE key = ?',
      ),
      bumpNumber: db.prepare('UPDATE jira_projects SET next_number = MAX(next_number, ?) WHERE id = ?'),
      issueByKey: db.prepare(
        `SELECT ${ISSUE_COLUMNS} FROM jira_issues i JOIN jira_projects p ON p.id = i.project_id WHERE i.key = ?`,
      ),
      issueById: db.prepare(
        `SELECT ${ISSUE_COLUMNS} FROM jira_issues i JOIN jira_projects p ON p.id = i.project_id WHERE i.id = ?`,
      ),
      getProp: db.prepare('SELECT value FROM jira_issue_properties WHERE issue_id = ? AND key = ?'),
      setProp: db.prepare(
        'INSERT INTO jira_issue_properties (issue_id, key, value) VALUES (?, ?, ?) ON CONFLICT (issue_id, key) DO UPDATE SET value = excluded.value',
      ),
      delProp: db.prepare('DELETE FROM jira_issue_properties WHERE issue_id = ? AND key = ?'),
      propKeys: db.prepare('SELECT key FROM jira_issue_properties WHERE issue_id = ? ORDER BY key'),
      insertChangelog: db.prepare(
        'INSERT INTO jira_changelog (id, issue_id, author, created, items) VALUES (?, ?, ?, ?, ?)',
      ),
      maxChangelogId: db.prepare('SELECT MAX(id) AS m FROM jira_changelog'),
      maxCommentId: db.prepare('SELECT MAX(id) AS m FROM jira_comments'),
      insertComment: db.prepare(
        'INSERT INTO jira_comments (id, issue_id, author, body, created, updated) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      setUpdated: db.prepare('UPDATE jira_issues SET updated = ? WHERE id = ?'),
    };
  }

  // ---- time zones ---------------------------------------------------------------------------------------

  /**
   * The site's default user time zone (Jira administration, General configuration), and the zones users set in
   * their profiles. An account without one, such as the app's, is in the default: Jira reads a JQL search's
   * absolute dates in the searching account's zone. Held in memory; UTC until a test or the workbench sets it.
   */
  private siteTimeZone = 'UTC';
  private readonly userTimeZones = new Map<string, string>();

  setSiteTimeZone(timeZone: string): void {
    if (!isTimeZone(timeZone)) throw new Error(`Unknown time zone: ${timeZone}`);
    this.siteTimeZone = timeZone;
  }

  /** Sets the zone in the account's profile; null puts the account back in the site's default. */
  setUserTimeZone(accountId: string, timeZone: string | null): void {
    if (timeZone === null) {
      this.userTimeZones.delete(accountId);
      return;
    }
    if (!isTimeZone(timeZone)) throw new Error(`Unknown time zone: ${timeZone}`);
    this.userTimeZones.set(accountId, timeZone);
  }

  /** The account's effective time zone: its own, else the site's default. */
  timeZoneOf(accountId: string | null): string {
    return (accountId !== null ? this.userTimeZones.get(accountId) : undefined) ?? this.siteTimeZone;
  }

  // ---- users, projects, grants --------------------------------------------------------------------------

  upsertUser(input: UserInput): StoredUser {
    this.db
      .prepare(
        `INSERT INTO jira_users (account_id, display_name, email, account_type) VALUES (?, ?, ?, ?)
         ON CONFLICT (account_id) DO UPDATE SET display_name = excluded.display_name, email = excluded.email,
           account_type = excluded.account_type`,
      )
      .run(input.accountId, input.displayName, input.emailAddress ?? null, input.accountType ?? 'atlassian');
    return this.getUser(input.accountId) as StoredUser;
  }

  getUser(accountId: string): StoredUser | null {
    const row = this.db
      .prepare('SELECT account_id, display_name, email, account_type FROM jira_users WHERE account_id = ?')
      .get(accountId) as
      { account_id: string; display_name: string; email: string | null; account_type: string } | undefined;
    if (!row) return null;
    return {
      accountId: row.account_id,
      displayName: row.display_name,
      emailAddress: row.email,
      accountType: row.account_type === 'app' ? 'app' : 'atlassian',
    };
  }

  createProject(input: ProjectInput): StoredProject {
    if (!/^[A-Z][A-Z0-9_]+$/.test(input.key)) throw new Error(`Invalid project key: ${input.key}`);
    const maxId = (this.db.prepare('SELECT MAX(id) AS m FROM jira_projects').get() as { m: number | null }).m;
    const id = input.id ?? Math.max(FIRST_PROJECT_ID, (maxId ?? FIRST_PROJECT_ID - 1) + 1);
    this.db
      .prepare('INSERT INTO jira_projects (id, key, name, lead_account_id) VALUES (?, ?, ?, ?)')
      .run(id, input.key, input.name, input.leadAccountId ?? null);
    return { id, key: input.key, name: input.name, leadAccountId: input.leadAccountId ?? null };
  }

  getProject(keyOrId: string | number): StoredProject | null {
    const row = (
      typeof keyOrId === 'number' || /^\d+$/.test(keyOrId)
        ? this.db
            .prepare('SELECT id, key, name, lead_account_id FROM jira_projects WHERE id = ?')
            .get(Number(keyOrId))
        : this.db
            .prepare('SELECT id, key, name, lead_account_id FROM jira_projects WHERE key = ?')
            .get(keyOrId)
    ) as { id: number; key: string; name: string; lead_account_id: string | null } | undefined;
    return row ? { id: row.id, key: row.key, name: row.name, leadAccountId: row.lead_account_id } : null;
  }

  listProjects(): StoredProject[] {
    const rows = this.db
      .prepare('SELECT id, key, name, lead_account_id FROM jira_projects ORDER BY key')
      .all() as Array<{
      id: number;
      key: string;
      name: string;
      lead_account_id: string | null;
    }>;
    return rows.map((r) => ({ id: r.id, key: r.key, name: r.name, leadAccountId: r.lead_account_id }));
  }

  /** Grants project permissions; global ones ('ADMINISTER', 'BULK_CHANGE') ignore the project. */
  grant(projectKey: string, accountId: string, permissions: readonly JiraPermission[]): void {
    const project = this.requireProject(projectKey);
    const insert = this.db.prepare(
      'INSERT OR IGNORE INTO jira_grants (project_id, account_id, permission) VALUES (?, ?, ?)',
    );
    const insertGlobal = this.db.prepare(
      'INSERT OR IGNORE INTO jira_global_grants (account_id, permission) VALUES (?, ?)',
    );
    for (const permission of permissions) {
      if (GLOBAL_PERMISSIONS.includes(permission)) insertGlobal.run(accountId, permission);
      else insert.run(project.id, accountId, permission);
    }
  }

  revoke(projectKey: string, accountId: string, permissions: readonly JiraPermission[]): void {
    const project = this.requireProject(projectKey);
    const del = this.db.prepare(
      'DELETE FROM jira_grants WHERE project_id = ? AND account_id = ? AND permission = ?',
    );
    for (const permission of permissions) del.run(project.id, accountId, permission);
  }

  /** Grants or takes away a global permission (Administer Jira, Make bulk changes). */
  setGlobal(accountId: string, permission: JiraPermission, held: boolean): void {
    if (!GLOBAL_PERMISSIONS.includes(permission)) throw new Error(`${permission} is not a global permission`);
    this.db
      .prepare(
        held
          ? 'INSERT OR IGNORE INTO jira_global_grants (account_id, permission) VALUES (?, ?)'
          : 'DELETE FROM jira_global_grants WHERE account_id = ? AND permission = ?',
      )
      .run(accountId, permission);
  }

  hasGlobal(accountId: string, permission: JiraPermission): boolean {
    return !!this.db
      .prepare('SELECT 1 FROM jira_global_grants WHERE account_id = ? AND permission = ?')
      .get(accountId, permission);
  }

  /** Project ids where the user holds the permission. */
  projectsWith(accountId: string, permission: JiraPermission): number[] {
    return (
      this.db
        .prepare(
          'SELECT project_id FROM jira_grants WHERE account_id = ? AND permission = ? ORDER BY project_id',
        )
        .all(accountId, permission) as Array<{ project_id: number }>
    ).map((r) => r.project_id);
  }

  hasProjectPermission(projectId: number, accountId: string, permission: JiraPermission): boolean {
    return !!this.db
      .prepare('SELECT 1 FROM jira_grants WHERE project_id = ? AND account_id = ? AND permission = ?')
      .get(projectId, accountId, permission);
  }

  // ---- issues ---------------------------------------------------------------------------------------------

  createIssue(input: IssueInput): StoredIssue {
    const key = this.db.transaction(() => this.insertIssue(input))();
    return this.getIssue(key) as StoredIssue;
  }

  /** Inserts many issues in one transaction with prepared statements; returns the keys in order. */
  bulkCreateIssues(inputs: Iterable<IssueInput>): string[] {
    return this.db.transaction(() => {
      const keys: string[] = [];
      for (const input of inputs) keys.push(this.insertIssue(input));
      return keys;
    })();
  }

  private nextIssueId(): number {
    const m = (this.stmts.maxIssueId.get() as { m: number | null }).m;
    return m === null ? FIRST_ISSUE_ID : m + 1;
  }

  private insertIssue(input: IssueInput): string {
    const projectKey = input.projectKey ?? input.key?.split('-')[0];
    if (!projectKey) throw new Error('createIssue needs a key or a projectKey');
    const project = this.stmts.projectByKey.get(projectKey) as
      { id: number; key: string; next_number: number } | undefined;
    if (!project) throw new Error(`Unknown project: ${projectKey}`);
    let key = input.key;
    let number: number;
    if (key) {
      const match = /^([A-Z][A-Z0-9_]+)-(\d+)$/.exec(key);
      if (!match || match[1] !== project.key) throw new Error(`Invalid issue key for ${project.key}: ${key}`);
      number = Number(match[2]);
    } else {
      number = project.next_number;
      key = `${project.key}-${number}`;
    }
    this.stmts.bumpNumber.run(number + 1, project.id);
    const now = this.now();
    const created = isoOf(input.created, now);
    const status = input.status ?? 'To Do';
    const category =
      input.statusCategory === undefined ? defaultCategory(status) : checkedCategory(input.statusCategory);
    const { adf, wiki } = normaliseDescription(input.description);
    const resolution =
      input.resolution === undefined ? (category === 'done' ? 'Done' : null) : input.resolution;
    const updated = isoOf(input.updated ?? created, now);
    const id = this.nextIssueId();
    this.beforeIssueWrite?.(id, true);
    this.stmts.insertIssue.run({
      id,
      key,
      projectId: project.id,
      type: input.type ?? 'Story',
      summary: input.summary,
      description: adf ? JSON.stringify(adf) : null,
      descriptionWiki: wiki,
      statusName: status,
      statusCategory: category,
      resolution,
      created,
      updated,
      // Jira's resolution date goes with a resolution: none without one; given, or else the issue's last update.
      resolutionDate:
        resolution === null ? null : input.resolutionDate ? isoOf(input.resolutionDate, now) : updated,
      reporter: input.reporter ?? null,
      assignee: input.assignee ?? null,
      labels: JSON.stringify(input.labels ?? []),
      parentKey: input.parentKey ?? null,
      sprints: JSON.stringify(input.sprints ?? []),
      storyPoints: input.storyPoints ?? null,
      priority: input.priority === undefined ? 'Medium' : input.priority,
      securityLevelId:
        input.securityLevel === undefined || input.securityLevel === null
          ? null
          : this.requireSecurityLevel(input.securityLevel).id,
    });
    return key;
  }

  /** Looks an issue up by key or numeric id. */
  getIssue(keyOrId: string | number): StoredIssue | null {
    if (typeof keyOrId === 'number' || /^\d+$/.test(keyOrId)) {
      const row = this.stmts.issueById.get(Number(keyOrId)) as IssueRow | undefined;
      return row ? rowToIssue(row) : null;
    }
    const key = keyOrId.toUpperCase();
    const row = this.stmts.issueByKey.get(key) as IssueRow | undefined;
    if (row) return rowToIssue(row);
    // A moved issue's old key still finds it, under its new key.
    const moved = this.db.prepare('SELECT issue_id FROM jira_issue_old_keys WHERE old_key = ?').get(key) as
      { issue_id: number } | undefined;
    return moved ? this.getIssue(moved.issue_id) : null;
  }

  /**
   * Moves an issue to another project, as Jira's "Move" does: it gets the next key there, keeps its id,
   * properties, comments and history, and its old key goes on finding it. Its sub-tasks go with it, each with
   * the next key there and its old key kept the same way, all in one transaction: a sub-task always lives in its
   * parent's project (the platform spec's Bulk move issues, `submitBulkMove`, moves "a standard parent issue ...
   * with its ... subtask issue types ... to a different project", counting "up to 1,000 issues in a single
   * operation, including any subtasks"). A sub-task is not moved on its own. Returns the parent's new key.
   */
  moveIssue(keyOrId: string | number, toProjectKey: string): string {
    const issue = this.getIssue(keyOrId);
    if (!issue) throw new Error(`No issue ${keyOrId}`);
    if (issue.type === 'Sub-task' && issue.parentKey && this.getIssue(issue.parentKey))
      throw new Error(`${issue.key} is a sub-task: it moves with its parent ${issue.parentKey}`);
    const project = this.stmts.projectByKey.get(toProjectKey) as
      { id: number; key: string; next_number: number } | undefined;
    if (!project) throw new Error(`Unknown project: ${toProjectKey}`);
    const subtasks = this.subtasksOf(issue.id);
    const newKey = `${project.key}-${project.next_number}`;
    for (const moved of [issue, ...subtasks]) this.beforeIssueWrite?.(moved.id, false);
    const when = this.now().toISOString();
    this.db.transaction(() => {
      const rekey = this.db.prepare(
        'UPDATE jira_issues SET key = ?, project_id = ?, parent_key = COALESCE(?, parent_key), updated = ? WHERE id = ?',
      );
      const keepOldKey = this.db.prepare(
        'INSERT OR REPLACE INTO jira_issue_old_keys (old_key, issue_id) VALUES (?, ?)',
      );
      let next = project.next_number;
      for (const moved of [issue, ...subtasks]) {
        const key = `${project.key}-${next++}`;
        rekey.run(key, project.id, moved === issue ? null : newKey, when, moved.id);
        keepOldKey.run(moved.key, moved.id);
      }
      this.stmts.bumpNumber.run(next, project.id);
    })();
    return newKey;
  }

  /**
   * The issue's sub-tasks (issues of type Sub-task whose parent it is, by its key or a key it had before a move),
   * in id order.
   */
  subtasksOf(keyOrId: string | number): StoredIssue[] {
    return this.childrenOf(this.requireIssue(keyOrId)).filter((c) => c.type === 'Sub-task');
  }

  private childrenOf(issue: StoredIssue): StoredIssue[] {
    const oldKeys = (
      this.db.prepare('SELECT old_key FROM jira_issue_old_keys WHERE issue_id = ?').all(issue.id) as Array<{
        old_key: string;
      }>
    ).map((r) => r.old_key);
    const keys = [issue.key, ...oldKeys];
    const rows = this.db
      .prepare(
        `SELECT ${ISSUE_COLUMNS} FROM jira_issues i JOIN jira_projects p ON p.id = i.project_id
         WHERE i.parent_key IN (${keys.map(() => '?').join(',')}) ORDER BY i.id`,
      )
      .all(...keys) as IssueRow[];
    return rows.map(rowToIssue);
  }

  /**
   * Deletes an issue as Jira's Delete issue does: with its comments, changelog, properties and the keys it had
   * before a move; its sub-tasks with it when `deleteSubtasks` (the platform spec: "An issue cannot be deleted
   * if it has one or more subtasks"), else it throws. Its other children (an epic's stories) stay, without a
   * parent. Returns the ids deleted, the issue's first. Search sees the deletion once its index catches up.
   */
  deleteIssue(keyOrId: string | number, options: { deleteSubtasks?: boolean } = {}): number[] {
    const issue = this.requireIssue(keyOrId);
    const children = this.childrenOf(issue);
    const subtasks = children.filter((c) => c.type === 'Sub-task');
    if (subtasks.length > 0 && !options.deleteSubtasks)
      throw new Error(
        `${issue.key} has ${subtasks.length} sub-task(s): delete them with it (deleteSubtasks).`,
      );
    const ids = [issue.id, ...subtasks.map((c) => c.id)];
    const orphans = children.filter((c) => c.type !== 'Sub-task');
    for (const id of [...ids, ...orphans.map((c) => c.id)]) this.beforeIssueWrite?.(id, false);
    this.db.transaction(() => {
      const list = ids.join(',');
      for (const table of ['jira_comments', 'jira_changelog', 'jira_issue_properties', 'jira_issue_old_keys'])
        this.db.prepare(`DELETE FROM ${table} WHERE issue_id IN (${list})`).run();
      this.db.prepare(`DELETE FROM jira_issues WHERE id IN (${list})`).run();
      for (const child of orphans)
        this.db.prepare('UPDATE jira_issues SET parent_key = NULL WHERE id = ?').run(child.id);
    })();
    return ids;
  }

  countIssues(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM jira_issues').get() as { n: number }).n;
  }

  /**
   * The site's resolutions: Jira Cloud's defaults (`defaults`), then those its issues hold (a site's issues,
   * imported or seeded, hold only resolutions the site has), by name.
   */
  resolutionNames(defaults: readonly string[]): string[] {
    const held = this.db
      .prepare(
        'SELECT DISTINCT resolution AS name FROM jira_issues WHERE resolution IS NOT NULL ORDER BY name',
      )
      .all() as Array<{ name: string }>;
    return [...new Set([...defaults, ...held.map((r) => r.name)])];
  }

  /** Issues with id > afterId in id order, limited, optionally narrowed to projects and status categories. */
  issuesAfter(
    afterId: number,
    limit: number,
    filter: {
      projectIds?: number[] | null;
      statusCategories?: IssueStatusCategory[] | null;
      /** Only ids below this one. */
      idBelow?: number | null;
    } = {},
  ): StoredIssue[] {
    const where: string[] = [];
    if (filter.idBelow != null) where.push(`i.id < ${Math.floor(Number(filter.idBelow))}`);
    if (filter.projectIds)
      where.push(`i.project_id IN (${filter.projectIds.map(Number).join(',') || 'NULL'})`);
    if (filter.statusCategories) {
      const cats = filter.statusCategories.filter((c) => ISSUE_STATUS_CATEGORIES.includes(c));
      where.push(`i.status_category IN (${cats.map((c) => `'${c}'`).join(',') || 'NULL'})`);
    }
    const sql = `SELECT ${ISSUE_COLUMNS} FROM jira_issues i JOIN jira_projects p ON p.id = i.project_id
         WHERE i.id > ? ${where.map((w) => `AND ${w}`).join(' ')} ORDER BY i.id LIMIT ?`;
    let stmt = this.scanCache.get(sql);
    if (!stmt) {
      stmt = this.db.prepare<[number, number]>(sql);
      if (this.scanCache.size > 50) this.scanCache.clear();
      this.scanCache.set(sql, stmt);
    }
    return (stmt.all(afterId, limit) as IssueRow[]).map(rowToIssue);
  }

  /** Distinct sprint values across all issues (for openSprints()). */
  allSprints(): SprintValue[] {
    const rows = this.db
      .prepare("SELECT DISTINCT sprints FROM jira_issues WHERE sprints != '[]'")
      .all() as Array<{
      sprints: string;
    }>;
    const byId = new Map<number, SprintValue>();
    for (const r of rows) for (const s of JSON.parse(r.sprints) as SprintValue[]) byId.set(s.id, s);
    return [...byId.values()];
  }

  issuesByIds(ids: number[]): StoredIssue[] {
    if (ids.length === 0) return [];
    const rows = this.db
      .prepare(
        `SELECT ${ISSUE_COLUMNS} FROM jira_issues i JOIN jira_projects p ON p.id = i.project_id
         WHERE i.id IN (${ids.map(Number).join(',')})`,
      )
      .all() as IssueRow[];
    const byId = new Map(rows.map((r) => [r.id, rowToIssue(r)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  /** Writes changed columns of an issue; the caller records the changelog. */
  updateIssueFields(
    id: number,
    patch: Partial<Omit<StoredIssue, 'id' | 'key' | 'projectId' | 'projectKey' | 'created'>>,
  ): void {
    const columns: Record<string, unknown> = {};
    if (patch.type !== undefined) columns.issue_type = patch.type;
    if (patch.summary !== undefined) columns.summary = patch.summary;
    if (patch.description !== undefined)
      columns.description = patch.description ? JSON.stringify(patch.description) : null;
    if (patch.descriptionWiki !== undefined) columns.description_wiki = patch.descriptionWiki;
    if (patch.statusName !== undefined) columns.status_name = patch.statusName;
    if (patch.statusCategory !== undefined) columns.status_category = checkedCategory(patch.statusCategory);
    if (patch.resolution !== undefined) columns.resolution = patch.resolution;
    if (patch.resolutionDate !== undefined) columns.resolution_date = patch.resolutionDate;
    else if (patch.resolution !== undefined) {
      // "The Resolution Date system field is the latest date that the Resolution field was set to a value"
      // (Atlassian doc sprint, jiradev.blogspot.com 2010/11 "Resolved, Resolution and Resolution Date"), and an
      // issue is resolved only while its Resolution has a value (Atlassian Cloud KB, "Best practices on using the
      // Resolution field"): set when the issue gets a resolution (or another one), cleared when it loses it
      // (reopened); a comment, an edit or a move leaves it alone.
      const current = this.db.prepare('SELECT resolution FROM jira_issues WHERE id = ?').get(id) as
        { resolution: string | null } | undefined;
      if (current && current.resolution !== patch.resolution)
        columns.resolution_date =
          patch.resolution === null ? null : (patch.updated ?? this.now().toISOString());
    }
    if (patch.updated !== undefined) columns.updated = patch.updated;
    if (patch.reporter !== undefined) columns.reporter = patch.reporter;
    if (patch.assignee !== undefined) columns.assignee = patch.assignee;
    if (patch.labels !== undefined) columns.labels = JSON.stringify(patch.labels);
    if (patch.parentKey !== undefined) columns.parent_key = patch.parentKey;
    if (patch.sprints !== undefined) columns.sprints = JSON.stringify(patch.sprints);
    if (patch.storyPoints !== undefined) columns.story_points = patch.storyPoints;
    if (patch.priority !== undefined) columns.priority = patch.priority;
    const names = Object.keys(columns);
    if (names.length === 0) return;
    this.beforeIssueWrite?.(id, false);
    this.db
      .prepare(`UPDATE jira_issues SET ${names.map((n) => `${n} = @${n}`).join(', ')} WHERE id = @id`)
      .run({ ...columns, id });
  }

  touch(issueId: number, when: string): void {
    this.beforeIssueWrite?.(issueId, false);
    this.stmts.setUpdated.run(when, issueId);
  }

  // ---- comments and changelog ------------------------------------------------------------------------------

  addComment(issueKey: string, input: { author: string; body: unknown; created?: string }): StoredComment {
    const issue = this.requireIssue(issueKey);
    const created = isoOf(input.created, this.now());
    const body = typeof input.body === 'string' ? textToAdf(input.body) : input.body;
    const m = (this.stmts.maxCommentId.get() as { m: number | null }).m;
    const id = m === null ? FIRST_ID : m + 1;
    this.stmts.insertComment.run(id, issue.id, input.author, JSON.stringify(body), created, created);
    if (created > issue.updated) this.touch(issue.id, created);
    return { id, issueId: issue.id, author: input.author, body, created, updated: created };
  }

  listComments(issueId: number): StoredComment[] {
    const rows = this.db
      .prepare(
        'SELECT id, issue_id, author, body, created, updated FROM jira_comments WHERE issue_id = ? ORDER BY id',
      )
      .all(issueId) as Array<{
      id: number;
      issue_id: number;
      author: string;
      body: string;
      created: string;
      updated: string;
    }>;
    return rows.map((r) => ({
      id: r.id,
      issueId: r.issue_id,
      author: r.author,
      body: JSON.parse(r.body) as unknown,
      created: r.created,
      updated: r.updated,
    }));
  }

  addChangelog(issueKey: string, input: ChangelogInput): StoredChangelog {
    const issue = this.requireIssue(issueKey);
    const created = isoOf(input.created, this.now());
    const m = (this.stmts.maxChangelogId.get() as { m: number | null }).m;
    const id = m === null ? FIRST_ID : m + 1;
    this.stmts.insertChangelog.run(id, issue.id, input.author, created, JSON.stringify(input.items));
    return { id, issueId: issue.id, author: input.author, created, items: input.items };
  }

  /** Changelog of some issues in (issue order given, id) order, after a given changelog id of the first issue. */
  listChangelog(issueId: number): StoredChangelog[] {
    const rows = this.db
      .prepare(
        'SELECT id, issue_id, author, created, items FROM jira_changelog WHERE issue_id = ? ORDER BY created, id',
      )
      .all(issueId) as Array<{
      id: number;
      issue_id: number;
      author: string;
      created: string;
      items: string;
    }>;
    return rows.map((r) => ({
      id: r.id,
      issueId: r.issue_id,
      author: r.author,
      created: r.created,
      items: JSON.parse(r.items) as StoredChangelog['items'],
    }));
  }

  // ---- entity properties ----------------------------------------------------------------------------------

  setIssueProperty(issueKey: string, propertyKey: string, value: unknown): void {
    const issue = this.requireIssue(issueKey);
    this.beforeIssueWrite?.(issue.id, false);
    this.stmts.setProp.run(issue.id, propertyKey, JSON.stringify(value));
  }

  getIssueProperty(issueKey: string, propertyKey: string): unknown {
    const issue = this.requireIssue(issueKey);
    const row = this.stmts.getProp.get(issue.id, propertyKey) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as unknown) : undefined;
  }

  deleteIssueProperty(issueId: number, propertyKey: string): boolean {
    this.beforeIssueWrite?.(issueId, false);
    return this.stmts.delProp.run(issueId, propertyKey).changes > 0;
  }

  issuePropertyKeys(issueId: number): string[] {
    return (this.stmts.propKeys.all(issueId) as Array<{ key: string }>).map((r) => r.key);
  }

  /** Properties of many issues at once: issueId -> propertyKey -> value. Keys null means all keys. */
  propertiesOf(issueIds: number[], keys: string[] | null): Map<number, Record<string, unknown>> {
    const result = new Map<number, Record<string, unknown>>();
    if (issueIds.length === 0 || (keys && keys.length === 0)) return result;
    const keyFilter = keys ? `AND key IN (${keys.map(() => '?').join(',')})` : '';
    const rows = this.db
      .prepare(
        `SELECT issue_id, key, value FROM jira_issue_properties WHERE issue_id IN (${issueIds.map(Number).join(',')}) ${keyFilter}`,
      )
      .all(...(keys ?? [])) as Array<{ issue_id: number; key: string; value: string }>;
    for (const r of rows) {
      const bag = result.get(r.issue_id) ?? {};
      bag[r.key] = JSON.parse(r.value) as unknown;
      result.set(r.issue_id, bag);
    }
    return result;
  }

  setProjectProperty(projectKey: string, propertyKey: string, value: unknown): void {
    const project = this.requireProject(projectKey);
    this.db
      .prepare(
        'INSERT INTO jira_project_properties (project_id, key, value) VALUES (?, ?, ?) ON CONFLICT (project_id, key) DO UPDATE SET value = excluded.value',
      )
      .run(project.id, propertyKey, JSON.stringify(value));
  }

  getProjectProperty(projectKey: string, propertyKey: string): unknown {
    const project = this.requireProject(projectKey);
    const row = this.db
      .prepare('SELECT value FROM jira_project_properties WHERE project_id = ? AND key = ?')
      .get(project.id, propertyKey) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as unknown) : undefined;
  }

  deleteProjectProperty(projectId: number, propertyKey: string): boolean {
    return (
      this.db
        .prepare('DELETE FROM jira_project_properties WHERE project_id = ? AND key = ?')
        .run(projectId, propertyKey).changes > 0
    );
  }

  projectPropertyKeys(projectId: number): string[] {
    return (
      this.db
        .prepare('SELECT key FROM jira_project_properties WHERE project_id = ? ORDER BY key')
        .all(projectId) as Array<{
        key: string;
      }>
    ).map((r) => r.key);
  }

  // ---- issue security levels ------------------------------------------------------------------------------

  /**
   * Creates an issue security level. Who is in it, as Jira's "Add to security level" offers them (Atlassian,
   * "Configure issue security schemes"): single users, the issue's reporter or assignee, and a project role;
   * the one role the emulator knows is `atlassian-addons-project-access`, which holds the app's user in every
   * project, as Jira adds an installed app's user to it. Groups are not modelled.
   */
  createSecurityLevel(input: SecurityLevelInput): StoredSecurityLevel {
    if (this.getSecurityLevel(input.name)) throw new Error(`Security level ${input.name} exists already`);
    const maxId = (
      this.db.prepare('SELECT MAX(id) AS m FROM jira_security_levels').get() as { m: number | null }
    ).m;
    const id = input.id ?? Math.max(FIRST_ID, (maxId ?? FIRST_ID - 1) + 1);
    const members: Array<[string, string]> = [
      ...(input.accountIds ?? []).map((a): [string, string] => ['user', a]),
      ...(input.projectRoles ?? []).map((r): [string, string] => ['projectRole', r]),
      ...(input.reporter ? [['reporter', ''] as [string, string]] : []),
      ...(input.assignee ? [['assignee', ''] as [string, string]] : []),
    ];
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO jira_security_levels (id, name, description) VALUES (?, ?, ?)')
        .run(id, input.name, input.description ?? '');
      const add = this.db.prepare(
        'INSERT OR IGNORE INTO jira_security_level_members (level_id, kind, value) VALUES (?, ?, ?)',
      );
      for (const [kind, value] of members) add.run(id, kind, value);
    })();
    return this.getSecurityLevel(id) as StoredSecurityLevel;
  }

  /** A level by id or name, with its members. */
  getSecurityLevel(idOrName: string | number): StoredSecurityLevel | null {
    const row = (
      typeof idOrName === 'number' || /^\d+$/.test(idOrName)
        ? this.db
            .prepare('SELECT id, name, description FROM jira_security_levels WHERE id = ?')
            .get(Number(idOrName))
        : this.db
            .prepare('SELECT id, name, description FROM jira_security_levels WHERE name = ?')
            .get(idOrName)
    ) as { id: number; name: string; description: string } | undefined;
    if (!row) return null;
    const members = this.db
      .prepare('SELECT kind, value FROM jira_security_level_members WHERE level_id = ?')
      .all(row.id) as Array<{ kind: string; value: string }>;
    return {
      id: row.id,
      name: row.name,
      description: row.description,
      accountIds: members.filter((m) => m.kind === 'user').map((m) => m.value),
      projectRoles: members.filter((m) => m.kind === 'projectRole').map((m) => m.value as AppProjectRole),
      reporter: members.some((m) => m.kind === 'reporter'),
      assignee: members.some((m) => m.kind === 'assignee'),
    };
  }

  /** Whether the site has any security level (a search over a site without them checks none). */
  hasSecurityLevels(): boolean {
    return !!this.db.prepare('SELECT 1 FROM jira_security_levels LIMIT 1').get();
  }

  /** Adds an account to a level (Jira's "Single user" member). */
  addSecurityLevelMember(idOrName: string | number, accountId: string): void {
    const level = this.requireSecurityLevel(idOrName);
    this.db
      .prepare(
        "INSERT OR IGNORE INTO jira_security_level_members (level_id, kind, value) VALUES (?, 'user', ?)",
      )
      .run(level.id, accountId);
  }

  /** Puts an issue at a level, or takes its level off (null), as setting its Security Level field does. */
  setIssueSecurityLevel(issueKeyOrId: string | number, level: string | number | null): void {
    const issue = this.requireIssue(issueKeyOrId);
    const id = level === null ? null : this.requireSecurityLevel(level).id;
    this.db.prepare('UPDATE jira_issues SET security_level_id = ? WHERE id = ?').run(id, issue.id);
  }

  /**
   * Whether an account is in the issue's security level (true when the issue has none). The app's user is in
   * it only through a member that names it: its account, or the `atlassian-addons-project-access` role.
   */
  /**
   * The level that governs an issue: its own, or a sub-task's parent's, which Jira shows on the sub-task as
   * "inherited from parent" and returns in its Security Level field.
   */
  effectiveSecurityLevelId(issue: StoredIssue): number | null {
    if (issue.type === 'Sub-task' && issue.parentKey) {
      const parent = this.getIssue(issue.parentKey);
      if (parent) return this.effectiveSecurityLevelId(parent);
    }
    return issue.securityLevelId;
  }

  inSecurityLevel(issue: StoredIssue, accountId: string, appAccountId: string): boolean {
    // "Subtasks inherit the security level of their parent issue" (Configure issue security schemes).
    if (issue.type === 'Sub-task' && issue.parentKey) {
      const parent = this.getIssue(issue.parentKey);
      if (parent) return this.inSecurityLevel(parent, accountId, appAccountId);
    }
    if (issue.securityLevelId === null) return true;
    const level = this.getSecurityLevel(issue.securityLevelId);
    if (!level) return false;
    return (
      level.accountIds.includes(accountId) ||
      (level.reporter && issue.reporter === accountId) ||
      (level.assignee && issue.assignee === accountId) ||
      (accountId === appAccountId && level.projectRoles.includes(APP_PROJECT_ROLE))
    );
  }

  private requireSecurityLevel(idOrName: string | number): StoredSecurityLevel {
    const level = this.getSecurityLevel(idOrName);
    if (!level) throw new Error(`Unknown security level: ${idOrName}`);
    return level;
  }

  // ---- dashboards -------------------------------------------------------------------------------------------

  /**
   * A dashboard and its gadgets. Jira keeps what a gadget's edit view submits with the gadget's dashboard item
   * (the REST API's dashboard item properties, /rest/api/3/dashboard/{dashboardId}/items/{itemId}/properties);
   * the workbench keeps it there too, under `config`, and gives it back as the frame's gadgetConfiguration.
   */
  createDashboard(input: { name: string; owner: string }): StoredDashboard {
    const id =
      ((this.db.prepare('SELECT MAX(id) AS m FROM jira_dashboards').get() as { m: number | null }).m ??
        FIRST_ID - 1) + 1;
    this.db
      .prepare('INSERT INTO jira_dashboards (id, name, owner) VALUES (?, ?, ?)')
      .run(id, input.name, input.owner);
    return { id, name: input.name, owner: input.owner };
  }

  getDashboard(id: number): StoredDashboard | null {
    const row = this.db.prepare('SELECT id, name, owner FROM jira_dashboards WHERE id = ?').get(id) as
      StoredDashboard | undefined;
    return row ?? null;
  }

  listDashboards(): StoredDashboard[] {
    return this.db
      .prepare('SELECT id, name, owner FROM jira_dashboards ORDER BY id')
      .all() as StoredDashboard[];
  }

  addDashboardItem(dashboardId: number, moduleKey: string): number {
    const id =
      ((this.db.prepare('SELECT MAX(id) AS m FROM jira_dashboard_items').get() as { m: number | null }).m ??
        FIRST_ID - 1) + 1;
    this.db
      .prepare('INSERT INTO jira_dashboard_items (id, dashboard_id, module_key) VALUES (?, ?, ?)')
      .run(id, dashboardId, moduleKey);
    return id;
  }

  listDashboardItems(dashboardId: number): Array<{ id: number; moduleKey: string }> {
    return (
      this.db
        .prepare('SELECT id, module_key FROM jira_dashboard_items WHERE dashboard_id = ? ORDER BY id')
        .all(dashboardId) as Array<{ id: number; module_key: string }>
    ).map((r) => ({ id: r.id, moduleKey: r.module_key }));
  }

  setDashboardItemProperty(itemId: number, key: string, value: unknown): void {
    this.db
      .prepare(
        'INSERT INTO jira_dashboard_item_properties (item_id, key, value) VALUES (?, ?, ?) ON CONFLICT (item_id, key) DO UPDATE SET value = excluded.value',
      )
      .run(itemId, key, JSON.stringify(value));
  }

  getDashboardItemProperty(itemId: number, key: string): unknown {
    const row = this.db
      .prepare('SELECT value FROM jira_dashboard_item_properties WHERE item_id = ? AND key = ?')
      .get(itemId, key) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as unknown) : undefined;
  }

  private requireIssue(keyOrId: string | number): StoredIssue {
    const issue = this.getIssue(keyOrId);
    if (!issue) throw new Error(`Unknown issue: ${keyOrId}`);
    return issue;
  }

  private requireProject(keyOrId: string | number): StoredProject {
    const project = this.getProject(keyOrId);
    if (!project) throw new Error(`Unknown project: ${keyOrId}`);
    return project;
  }
}

function normaliseDescription(value: IssueInput['description']): {
  adf: AdfDocument | null;
  wiki: string | null;
} {
  if (value === undefined || value === null) return { adf: null, wiki: null };
  if (typeof value === 'string') return { adf: textToAdf(value), wiki: null };
  if ('wiki' in value && typeof value.wiki === 'string')
    return { adf: textToAdf(value.wiki), wiki: value.wiki };
  return { adf: value as AdfDocument, wiki: null };
}

function rowToIssue(r: IssueRow): StoredIssue {
  return {
    id: r.id,
    key: r.key,
    projectId: r.project_id,
    projectKey: r.project_key,
    type: r.issue_type as IssueTypeName,
    summary: r.summary,
    description: r.description ? (JSON.parse(r.description) as AdfDocument) : null,
    descriptionWiki: r.description_wiki,
    statusName: r.status_name,
    statusCategory: r.status_category as IssueStatusCategory,
    resolution: r.resolution,
    created: r.created,
    updated: r.updated,
    reporter: r.reporter,
    assignee: r.assignee,
    labels: JSON.parse(r.labels) as string[],
    parentKey: r.parent_key,
    sprints: JSON.parse(r.sprints) as SprintValue[],
    storyPoints: r.story_points,
    priority: r.priority,
    securityLevelId: r.security_level_id,
    resolutionDate: r.resolution_date,
  };
}
