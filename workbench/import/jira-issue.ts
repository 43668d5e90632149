/**
 * Reads one issue as Jira's REST API returns it (`GET /rest/api/2|3/issue/{key}?expand=changelog`) into what
 * the emulator's store takes. v2 bodies are wiki-markup strings, v3 bodies are ADF documents: both are kept.
 * Lenient on purpose: a real export carries hundreds of custom fields and odd values, and one strange field
 * must not cost the whole issue.
 */
import type {
  AdfDocument,
  ChangelogItemInput,
  IssueInput,
  IssueTypeName,
  SprintValue,
  StatusCategoryKey,
  UserInput,
} from '../jira/types';

export const ISSUE_KEY_PATTERN = /^([A-Z][A-Z0-9_]+)-(\d+)$/;

/** Ids Jira Cloud and Server commonly give the Epic Link field, used when the export carries no `names`. */
const EPIC_LINK_FIELD_IDS = ['customfield_10014', 'customfield_10008', 'customfield_10100'];
const STORY_POINT_FIELD_IDS = ['customfield_10016', 'customfield_10026', 'customfield_10002'];
const SERVER_SPRINT_MARK = 'greenhopper.service.sprint.Sprint';

export interface MappedComment {
  author: string;
  body: string | AdfDocument;
  created: string;
}

export interface MappedChangelog {
  author: string;
  created: string;
  items: ChangelogItemInput[];
}

export interface IssueLinkRecord {
  type: string;
  direction: 'inward' | 'outward';
  issueKey: string;
}

export interface MappedIssue {
  key: string;
  projectKey: string;
  projectName: string;
  issue: IssueInput & { key: string; created: string; updated: string };
  users: UserInput[];
  comments: MappedComment[];
  changelog: MappedChangelog[];
  links: IssueLinkRecord[];
  /** The issue's security level as the export names it (fields.security), or null. */
  securityLevel: { name: string; description: string } | null;
}

export class IssueShapeError extends Error {}

type Obj = Record<string, unknown>;

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function isAdf(value: unknown): value is AdfDocument {
  return isObj(value) && value.type === 'doc' && Array.isArray(value.content);
}

/** A Jira timestamp ('2014-05-09T02:39:46.272+0000') as ISO, or the fallback when absent or unreadable. */
function timeOf(value: unknown, fallback: string): string {
  if (typeof value !== 'string') return fallback;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? fallback : new Date(ms).toISOString();
}

const SYSTEM_USER: UserInput = { accountId: 'imported:jira-system', displayName: 'Jira (imported)' };

/** Cloud users carry an accountId; Server/DC users only a name or key, kept apart from Cloud ids by a prefix. */
function userOf(value: unknown): UserInput | null {
  if (!isObj(value)) return null;
  const serverId = str(value.name) ?? str(value.key);
  const accountId = str(value.accountId) ?? (serverId ? `jira-server:${serverId}` : undefined);
  if (!accountId) return null;
  const email = str(value.emailAddress);
  return {
    accountId: accountId.slice(0, 128),
    displayName: (str(value.displayName) ?? serverId ?? accountId).slice(0, 255),
    // Apache's Jira obfuscates addresses ("x at y dot org"): keep only real ones.
    ...(email && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email) ? { emailAddress: email } : {}),
  };
}

function categoryOf(status: Obj | undefined): StatusCategoryKey | undefined {
  const key = isObj(status?.statusCategory) ? status.statusCategory.key : undefined;
  return key === 'new' || key === 'indeterminate' || key === 'done' ? key : undefined;
}

/** Cloud sprint objects and Server's `Sprint@hash[id=..,state=CLOSED,..]` strings, merged by id. */
export function sprintsOf(fields: Obj): SprintValue[] {
  const byId = new Map<number, SprintValue>();
  for (const [id, value] of Object.entries(fields)) {
    if (!id.startsWith('customfield_') || !Array.isArray(value)) continue;
    for (const entry of value as unknown[]) {
      const sprint = isObj(entry)
        ? cloudSprint(entry)
        : typeof entry === 'string'
          ? serverSprint(entry)
          : null;
      if (sprint) byId.set(sprint.id, sprint);
    }
  }
  return [...byId.values()];
}

type ImportedSprint = SprintValue & { completeDate?: string };

function sprintState(value: unknown): SprintValue['state'] | null {
  const s = typeof value === 'string' ? value.toLowerCase() : '';
  return s === 'closed' || s === 'active' || s === 'future' ? s : null;
}

function cloudSprint(entry: Obj): ImportedSprint | null {
  const state = sprintState(entry.state);
  const id = typeof entry.id === 'number' ? entry.id : Number(entry.id);
  if (!state || !Number.isInteger(id) || typeof entry.name !== 'string') return null;
  return withDates({ id, name: entry.name, state }, entry, entry.boardId ?? entry.originBoardId);
}

function serverSprint(text: string): ImportedSprint | null {
  if (!text.includes(SERVER_SPRINT_MARK)) return null;
  const body = /\[(.*)\]\s*$/.exec(text)?.[1];
  if (!body) return null;
  const attrs: Obj = {};
  // Values may hold commas (a sprint goal): a key starts only where `,word=` follows.
  for (const part of body.split(/,(?=\w+=)/)) {
    const eq = part.indexOf('=');
    if (eq > 0) attrs[part.slice(0, eq)] = part.slice(eq + 1);
  }
  const state = sprintState(attrs.state);
  const id = Number(attrs.id);
  if (!state || !Number.isInteger(id) || typeof attrs.name !== 'string') return null;
  const clean = (v: unknown) => (v === '<null>' ? undefined : v);
  return withDates(
    { id, name: attrs.name, state },
    {
      startDate: clean(attrs.startDate),
      endDate: clean(attrs.endDate),
      completeDate: clean(attrs.completeDate),
    },
    attrs.rapidViewId,
  );
}

function withDates(base: SprintValue, source: Obj, board: unknown): ImportedSprint {
  const out: ImportedSprint = { ...base };
  for (const name of ['startDate', 'endDate', 'completeDate'] as const) {
    const value = source[name];
    if (typeof value === 'string' && !Number.isNaN(Date.parse(value)))
      out[name] = new Date(Date.parse(value)).toISOString();
  }
  const boardId = Number(board);
  if (board !== undefined && Number.isInteger(boardId)) out.boardId = boardId;
  return out;
}

function parentKeyOf(issue: Obj, fields: Obj): string | null {
  if (isObj(fields.parent) && typeof fields.parent.key === 'string') return fields.parent.key;
  const names = isObj(issue.names) ? issue.names : {};
  const epicIds = [
    ...Object.entries(names)
      .filter(([, name]) => name === 'Epic Link')
      .map(([id]) => id),
    ...EPIC_LINK_FIELD_IDS,
  ];
  for (const id of epicIds) {
    const value = fields[id];
    if (typeof value === 'string' && ISSUE_KEY_PATTERN.test(value)) return value;
  }
  return null;
}

function storyPointsOf(fields: Obj): number | null {
  for (const id of STORY_POINT_FIELD_IDS) {
    const value = fields[id];
    if (typeof value === 'number' && Number.isFinite(value)) return value;
  }
  return null;
}

function changelogItem(raw: unknown): ChangelogItemInput | null {
  if (!isObj(raw) || typeof raw.field !== 'string') return null;
  // Own properties only: `raw.toString` would otherwise find Object.prototype.toString.
  const text = (name: string): string | null => {
    const v = Object.hasOwn(raw, name) ? raw[name] : null;
    return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null;
  };
  return {
    field: raw.field,
    ...(typeof raw.fieldtype === 'string' ? { fieldtype: raw.fieldtype } : {}),
    ...(typeof raw.fieldId === 'string' ? { fieldId: raw.fieldId } : {}),
    from: text('from'),
    fromString: text('fromString'),
    to: text('to'),
    toString: text('toString'),
  };
}

function linksOf(fields: Obj): IssueLinkRecord[] {
  if (!Array.isArray(fields.issuelinks)) return [];
  const out: IssueLinkRecord[] = [];
  for (const link of fields.issuelinks as unknown[]) {
    if (!isObj(link) || !isObj(link.type)) continue;
    const type = link.type;
    for (const direction of ['inward', 'outward'] as const) {
      const other = link[`${direction}Issue`];
      if (isObj(other) && typeof other.key === 'string')
        out.push({
          type: str(type[direction]) ?? str(type.name) ?? 'relates to',
          direction,
          issueKey: other.key,
        });
    }
  }
  return out;
}

/**
 * Maps one REST issue. `rekeyTo` moves it into another project, keeping its number (and its parent's, when the
 * parent sits in the same source project). `now` stands in for missing timestamps.
 */
export function mapIssue(raw: unknown, now: Date, rekeyTo?: string): MappedIssue {
  if (!isObj(raw)) throw new IssueShapeError('not an issue object');
  const sourceKey = raw.key;
  if (typeof sourceKey !== 'string') throw new IssueShapeError('issue has no key');
  const match = ISSUE_KEY_PATTERN.exec(sourceKey);
  if (!match) throw new IssueShapeError(`"${sourceKey.slice(0, 40)}" is not a Jira issue key`);
  const fields = raw.fields;
  if (!isObj(fields)) throw new IssueShapeError(`${sourceKey} has no fields`);
  const summary = str(fields.summary)?.slice(0, 255);
  if (!summary) throw new IssueShapeError(`${sourceKey} has no summary`);

  const sourceProject = match[1] as string;
  const projectKey = rekeyTo ?? sourceProject;
  const key = `${projectKey}-${match[2]}`;
  const rekey = (k: string | null) =>
    k && rekeyTo && k.startsWith(`${sourceProject}-`) ? `${rekeyTo}${k.slice(sourceProject.length)}` : k;

  const fallback = now.toISOString();
  const created = timeOf(fields.created, fallback);
  const updated = timeOf(fields.updated, created);
  const users = new Map<string, UserInput>();
  const idOf = (value: unknown): string | null => {
    const user = userOf(value);
    if (!user) return null;
    users.set(user.accountId, user);
    return user.accountId;
  };
  const system = (): string => {
    users.set(SYSTEM_USER.accountId, SYSTEM_USER);
    return SYSTEM_USER.accountId;
  };

  const status = isObj(fields.status) ? fields.status : undefined;
  const category = categoryOf(status);
  const description = fields.description;
  const labels = Array.isArray(fields.labels)
    ? (fields.labels as unknown[]).filter((l): l is string => typeof l === 'string')
    : [];
  const reporter = idOf(fields.reporter) ?? idOf(fields.creator);
  const issueType = isObj(fields.issuetype) ? str(fields.issuetype.name) : undefined;

  const resolution = isObj(fields.resolution) ? (str(fields.resolution.name) ?? null) : null;
  const issue: MappedIssue['issue'] = {
    key,
    // The emulator renders any type name; Apache's "Improvement" or "New Feature" stay as they were.
    type: (issueType ?? 'Task') as IssueTypeName,
    summary,
    description:
      typeof description === 'string' ? { wiki: description } : isAdf(description) ? description : null,
    status: str(status?.name) ?? 'To Do',
    ...(category ? { statusCategory: category } : {}),
    resolution,
    // When it was resolved, as the export says; without it the store takes the issue's last update.
    ...(resolution !== null && typeof fields.resolutiondate === 'string'
      ? { resolutionDate: timeOf(fields.resolutiondate, updated) }
      : {}),
    created,
    updated,
    reporter,
    assignee: idOf(fields.assignee),
    labels,
    parentKey: rekey(parentKeyOf(raw, fields)),
    sprints: sprintsOf(fields),
    storyPoints: storyPointsOf(fields),
    priority: isObj(fields.priority) ? (str(fields.priority.name) ?? null) : null,
  };

  const commentField = fields.comment;
  const rawComments: unknown[] = Array.isArray(commentField)
    ? commentField
    : isObj(commentField) && Array.isArray(commentField.comments)
      ? commentField.comments
      : [];
  const comments: MappedComment[] = [];
  for (const c of rawComments) {
    if (!isObj(c)) continue;
    const body = typeof c.body === 'string' ? c.body : isAdf(c.body) ? c.body : null;
    if (body === null) continue;
    comments.push({ author: idOf(c.author) ?? system(), body, created: timeOf(c.created, updated) });
  }

  const changelogField = isObj(raw.changelog) ? raw.changelog : {};
  const histories: unknown[] = Array.isArray(changelogField.histories)
    ? changelogField.histories
    : Array.isArray(changelogField.values)
      ? changelogField.values
      : [];
  const changelog: MappedChangelog[] = [];
  for (const h of histories) {
    if (!isObj(h) || !Array.isArray(h.items)) continue;
    const items = (h.items as unknown[]).map(changelogItem).filter((i): i is ChangelogItemInput => !!i);
    if (items.length === 0) continue;
    changelog.push({ author: idOf(h.author) ?? system(), created: timeOf(h.created, updated), items });
  }

  const project = isObj(fields.project) ? fields.project : {};
  const projectName = !rekeyTo && str(project.name) ? (project.name as string).slice(0, 255) : projectKey;

  return {
    key,
    projectKey,
    projectName,
    issue,
    users: [...users.values()],
    comments,
    changelog,
    links: linksOf(fields).map((l) => ({ ...l, issueKey: rekey(l.issueKey) as string })),
    securityLevel:
      isObj(fields.security) && str(fields.security.name)
        ? {
            name: (fields.security.name as string).slice(0, 255),
            description: str(fields.security.description) ?? '',
          }
        : null,
  };
}
