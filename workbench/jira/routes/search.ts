import { randomUUID } from 'node:crypto';
import { compareByOrder, JqlError, matchesJql, parseJql, sqlPrefilter, usesFunction } from '../jql';
import type { JqlIssueView, JqlQuery } from '../jql';
import { MAX_RECONCILE_ISSUES, type IndexedIssue } from '../search-index';
import type { StoredIssue } from '../types';
import {
  actorAccountId,
  badRequest,
  browsableProjects,
  JiraHttpError,
  json,
  queryList,
  renderIssue,
  route,
  selectFields,
  stringList,
  type Route,
  type RouteContext,
} from './common';

/** Jira's page caps: 100 issues when fields or properties are asked for, 5,000 for ids and keys only. */
export const FULL_PAGE_CAP = 100;
export const ID_PAGE_CAP = 5000;
const SCAN_CHUNK = 1000;
const MAX_SNAPSHOTS = 20;

interface SearchInput {
  jql: string;
  nextPageToken?: string;
  maxResults?: number;
  fields?: string[];
  properties?: string[];
  /** `POST /search/approximate-count`: only how many issues match. */
  countOnly?: boolean;
  /** Issues matched and returned as they are now, even when the index has not taken in their latest writes. */
  reconcileIssues?: number[];
}

type PageToken = { q: string; after: number } | { q: string; snapshot: string; offset: number };

function toView(issue: StoredIssue, properties: Record<string, unknown>): JqlIssueView {
  return {
    id: issue.id,
    key: issue.key,
    projectKey: issue.projectKey,
    issueType: issue.type,
    statusName: issue.statusName,
    statusCategory: issue.statusCategory,
    labels: issue.labels,
    created: issue.created,
    updated: issue.updated,
    assignee: issue.assignee,
    reporter: issue.reporter,
    resolution: issue.resolution,
    parentKey: issue.parentKey,
    sprintIds: issue.sprints.map((s) => s.id),
    properties,
  };
}

function encodeToken(token: PageToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeToken(text: string, queryId: string): PageToken {
  try {
    const token = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as PageToken;
    if (token.q !== queryId) throw new Error('token of another query');
    return token;
  } catch {
    throw badRequest('The provided next page token is invalid or expired.');
  }
}

/** A short fingerprint of the query text, so a token is refused with another query. */
function queryFingerprint(jql: string): string {
  let h = 2166136261;
  for (let i = 0; i < jql.length; i++) h = Math.imul(h ^ jql.charCodeAt(i), 16777619);
  return (h >>> 0).toString(36);
}

/** Runs a search: pre-filter in SQL by id order, match in JS, resume from a stored position. */
export function runSearch(ctx: RouteContext, input: SearchInput): Record<string, unknown> {
  if (typeof input.jql !== 'string') throw badRequest('', { jql: 'The JQL query is required.' });
  let query: JqlQuery;
  try {
    query = parseJql(input.jql, ctx.propertyIndex);
  } catch (error) {
    if (error instanceof JqlError) throw new JiraHttpError(400, error.messages);
    throw error;
  }
  if (query.where === null) {
    throw badRequest(
      'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.',
    );
  }
  if (input.properties && input.properties.length > 5) {
    throw badRequest('', { properties: 'A maximum of 5 issue property keys can be specified.' });
  }
  const fields = selectFields(input.fields, false, ctx.customFields);
  const heavy = fields === 'all' || fields.size > 0 || (input.properties?.length ?? 0) > 0;
  const requested = input.maxResults ?? 50;
  if (!Number.isInteger(requested) || requested < 0)
    throw badRequest('', { maxResults: 'maxResults must be a positive integer.' });
  const pageSize = Math.max(1, Math.min(requested, heavy ? FULL_PAGE_CAP : ID_PAGE_CAP));

  const queryId = queryFingerprint(input.jql);
  const token = input.nextPageToken ? decodeToken(input.nextPageToken, queryId) : null;
  const hint = sqlPrefilter(query);
  const visible = browsableProjects(ctx);
  let projectIds: number[] | null = visible;
  if (hint.projectKeys) {
    const hinted = hint.projectKeys.flatMap((k) => ctx.store.getProject(k)?.id ?? []);
    projectIds = projectIds ? projectIds.filter((id) => hinted.includes(id)) : hinted;
  }
  const filter = {
    projectIds,
    statusCategories: hint.statusCategories ?? null,
    idBelow: hint.idBelow ?? null,
  };
  // An id range (`id >= a AND id < b`) starts the id-ordered scan at its first id.
  const floor = hint.idFrom !== undefined ? hint.idFrom - 1 : 0;
  const jqlCtx = {
    now: ctx.now(),
    currentAccountId: ctx.actor.type === 'user' ? actorAccountId(ctx) : null,
    // Absolute dates are read in the searching account's time zone (the app's: the site's default).
    timeZone: ctx.store.timeZoneOf(actorAccountId(ctx)),
    openSprintIds: usesFunction(query, 'opensprints')
      ? ctx.store
          .allSprints()
          .filter((s) => s.state !== 'closed')
          .map((s) => s.id)
      : [],
  };

  // Issues outside the actor's security level are not in its results (common.ts, accountSeesIssue); a site
  // without levels skips the check.
  const levels = ctx.store.hasSecurityLevels();
  const accountId = actorAccountId(ctx);
  const sees = (issue: StoredIssue) =>
    (!levels || ctx.store.inSecurityLevel(issue, accountId, ctx.appAccountId)) &&
    (projectIds === null || projectIds.includes(issue.projectId));

  // Issues the index has not caught up with (search-index.ts) are matched, ordered and returned as it holds
  // them, unless the request reconciles them: then as they are now, like every other issue.
  const stale = staleIssues(ctx, input.reconcileIssues);
  const staleMatches: IndexedIssue[] = [];
  for (const held of stale.values())
    if (
      held &&
      held.issue.id > floor &&
      sees(held.issue) &&
      matchesJql(query, toView(held.issue, held.properties), jqlCtx)
    )
      staleMatches.push(held);
  staleMatches.sort((a, b) => a.issue.id - b.issue.id);

  // Scans matches in id order after a position, at most `limit` of them. With `onMatch`, hands each match to it
  // instead of keeping it (a count or an id-only sort over a large project holds no issue objects).
  const scan = (after: number, limit: number, onMatch?: (issue: StoredIssue) => void): StoredIssue[] => {
    const found: StoredIssue[] = [];
    let matched = 0;
    let cursor = after;
    // Stale issues that match as the index holds them, merged in id order.
    let next = staleMatches.findIndex((m) => m.issue.id > after);
    if (next < 0) next = staleMatches.length;
    const take = (issue: StoredIssue): boolean => {
      if (onMatch) onMatch(issue);
      else found.push(issue);
      return ++matched >= limit;
    };
    const takeStaleBelow = (id: number): boolean => {
      while (next < staleMatches.length && (staleMatches[next] as IndexedIssue).issue.id < id)
        if (take((staleMatches[next++] as IndexedIssue).issue)) return true;
      return false;
    };
    // Start with as many rows as the page needs and widen when the JS matcher drops many of them.
    let size = Math.min(SCAN_CHUNK, Math.max(limit, 50));
    for (;;) {
      const chunk = ctx.store.issuesAfter(cursor, size, filter);
      if (chunk.length === 0) {
        takeStaleBelow(Number.MAX_SAFE_INTEGER);
        return found;
      }
      const props = ctx.store.propertiesOf(
        chunk.map((i) => i.id),
        null,
      );
      for (const issue of chunk) {
        if (takeStaleBelow(issue.id)) return found;
        if (stale.has(issue.id)) continue;
        if (levels && !ctx.store.inSecurityLevel(issue, accountId, ctx.appAccountId)) continue;
        if (matchesJql(query, toView(issue, props.get(issue.id) ?? {}), jqlCtx)) {
          if (take(issue)) return found;
        }
      }
      cursor = (chunk[chunk.length - 1] as StoredIssue).id;
      if (chunk.length < size) {
        takeStaleBelow(Number.MAX_SAFE_INTEGER);
        return found;
      }
      size = Math.min(SCAN_CHUNK * 4, size * 2);
    }
  };

  if (input.countOnly) {
    let count = 0;
    scan(floor, Number.MAX_SAFE_INTEGER, () => count++);
    return { count };
  }

  let page: StoredIssue[];
  let next: PageToken | null = null;
  if (query.orderBy.length === 0) {
    const after = Math.max(floor, token && 'after' in token ? token.after : 0);
    const found = scan(after, pageSize + 1);
    page = found.slice(0, pageSize);
    if (found.length > pageSize) next = { q: queryId, after: (page[page.length - 1] as StoredIssue).id };
  } else {
    // Sorted queries: sort all matches once, keep the ids, and page through that snapshot.
    let snapshotId = token && 'snapshot' in token ? token.snapshot : null;
    const offset = token && 'offset' in token ? token.offset : 0;
    let ids = snapshotId ? ctx.state.snapshots.get(snapshotId)?.ids : undefined;
    const byIdOnly = query.orderBy.every((t) => t.field.kind === 'builtin' && t.field.name === 'id');
    if (!ids && byIdOnly) {
      // Sorted by id alone: the matching ids are all it takes.
      const matching: number[] = [];
      scan(floor, Number.MAX_SAFE_INTEGER, (issue) => matching.push(issue.id));
      if (query.orderBy[0]?.direction === 'desc') matching.reverse();
      ids = matching;
      snapshotId = randomUUID();
      ctx.state.snapshots.set(snapshotId, { ids, createdAt: Date.now() });
    }
    if (!ids) {
      const all = scan(floor, Number.MAX_SAFE_INTEGER);
      const props = new Map<number, Record<string, unknown>>();
      for (let i = 0; i < all.length; i += SCAN_CHUNK) {
        const slice = all.slice(i, i + SCAN_CHUNK);
        for (const [id, bag] of ctx.store.propertiesOf(
          slice.map((s) => s.id),
          null,
        ))
          props.set(id, bag);
      }
      for (const m of staleMatches) props.set(m.issue.id, m.properties);
      const views = all.map((issue) => toView(issue, props.get(issue.id) ?? {}));
      views.sort(compareByOrder(query));
      ids = views.map((v) => v.id);
      snapshotId = randomUUID();
      ctx.state.snapshots.set(snapshotId, { ids, createdAt: Date.now() });
    }
    while (ctx.state.snapshots.size > MAX_SNAPSHOTS) {
      const oldest = ctx.state.snapshots.keys().next().value as string;
      ctx.state.snapshots.delete(oldest);
    }
    page = ctx.store.issuesByIds(ids.slice(offset, offset + pageSize));
    if (offset + pageSize < ids.length)
      next = { q: queryId, snapshot: snapshotId as string, offset: offset + pageSize };
  }

  const propertyKeys = input.properties ?? [];
  const props = propertyKeys.length
    ? ctx.store.propertiesOf(
        page.map((i) => i.id),
        propertyKeys,
      )
    : null;
  const projectNames = new Map<number, string>();
  const issues = page.flatMap((found) => {
    // Which issues match, and in what order, is the index's; what is returned of them is read from the issues:
    // one deleted since, which the index still holds, has nothing left to return.
    const issue = stale.has(found.id) ? ctx.store.getIssue(found.id) : found;
    if (!issue) return [];
    let name = projectNames.get(issue.projectId);
    if (name === undefined) {
      name = ctx.store.getProject(issue.projectId)?.name ?? issue.projectKey;
      projectNames.set(issue.projectId, name);
    }
    return [
      renderIssue(ctx, issue, fields, {
        projectName: name,
        ...(props ? { properties: props.get(issue.id) ?? {} } : {}),
      }),
    ];
  });
  return next ? { issues, nextPageToken: encodeToken(next), isLast: false } : { issues, isLast: true };
}

/**
 * The issues whose latest writes search does not see yet, as the index holds them (null: not in it yet), less the
 * ones the request reconciles.
 */
function staleIssues(ctx: RouteContext, reconcile: number[] | undefined): Map<number, IndexedIssue | null> {
  const stale = ctx.index?.staleIssues() ?? new Map<number, IndexedIssue | null>();
  for (const id of reconcile ?? []) stale.delete(id);
  return stale;
}

/**
 * `reconcileIssues` as the spec has it: issue ids (int64), "max 50 ids". The spec gives no error text; these
 * messages are the emulator's own.
 */
function reconcileList(ids: unknown): number[] {
  if (
    !Array.isArray(ids) ||
    !ids.every((id) => typeof id === 'number' && Number.isSafeInteger(id) && id >= 0)
  )
    throw badRequest('', { reconcileIssues: 'reconcileIssues must be a list of issue ids (numbers).' });
  if (ids.length > MAX_RECONCILE_ISSUES)
    throw badRequest('', {
      reconcileIssues: `reconcileIssues accepts at most ${MAX_RECONCILE_ISSUES} issue ids, not ${ids.length}.`,
    });
  return ids as number[];
}

const POST_KEYS = new Set([
  'jql',
  'nextPageToken',
  'maxResults',
  'fields',
  'expand',
  'properties',
  'fieldsByKeys',
  'failFast',
  'reconcileIssues',
]);

function searchPost(ctx: RouteContext) {
  const body = ctx.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw badRequest('The request body must be a JSON object.');
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).filter((k) => !POST_KEYS.has(k));
  if (unknown.length) throw badRequest(`Unrecognized field "${unknown[0]}".`);
  if (b.maxResults !== undefined && typeof b.maxResults !== 'number')
    throw badRequest('', { maxResults: 'maxResults must be a number.' });
  if (b.nextPageToken !== undefined && b.nextPageToken !== null && typeof b.nextPageToken !== 'string') {
    throw badRequest('', { nextPageToken: 'nextPageToken must be a string.' });
  }
  return json(
    200,
    runSearch(ctx, {
      jql: b.jql as string,
      ...(typeof b.nextPageToken === 'string' ? { nextPageToken: b.nextPageToken } : {}),
      ...(b.maxResults !== undefined ? { maxResults: b.maxResults } : {}),
      ...(b.fields !== undefined ? { fields: stringList(b.fields, 'fields') } : {}),
      ...(b.properties !== undefined ? { properties: stringList(b.properties, 'properties') } : {}),
      ...(b.reconcileIssues !== undefined && b.reconcileIssues !== null
        ? { reconcileIssues: reconcileList(b.reconcileIssues) }
        : {}),
    }),
  );
}

function searchGet(ctx: RouteContext) {
  const q = ctx.query;
  const maxText = q.get('maxResults');
  const maxResults = maxText === null ? undefined : Number(maxText);
  if (maxResults !== undefined && !Number.isInteger(maxResults))
    throw badRequest('', { maxResults: 'maxResults must be an integer.' });
  const fields = queryList(q, 'fields');
  const properties = queryList(q, 'properties');
  const token = q.get('nextPageToken');
  // A list in a query: the parameter repeated (the spec's form style), or its values joined by commas.
  const reconcile = q
    .getAll('reconcileIssues')
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean)
    .map((v) => (/^\d+$/.test(v) ? Number(v) : v));
  return json(
    200,
    runSearch(ctx, {
      jql: q.get('jql') ?? '',
      ...(token ? { nextPageToken: token } : {}),
      ...(maxResults !== undefined ? { maxResults } : {}),
      ...(fields ? { fields } : {}),
      ...(properties ? { properties } : {}),
      ...(reconcile.length ? { reconcileIssues: reconcileList(reconcile) } : {}),
    }),
  );
}

/**
 * Jira's count of a bounded JQL query (spec: countIssues): "Recent updates might not be immediately visible in
 * the returned output", so it counts what the index holds, and takes no `reconcileIssues`.
 */
function approximateCount(ctx: RouteContext) {
  const body = ctx.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw badRequest('The request body must be a JSON object.');
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).filter((k) => k !== 'jql');
  if (unknown.length) throw badRequest(`Unrecognized field "${unknown[0]}".`);
  return json(200, runSearch(ctx, { jql: b.jql as string, countOnly: true }));
}

export const searchRoutes: Route[] = [
  route('POST', '/search/approximate-count', approximateCount),
  route('POST', '/search/jql', searchPost),
  route('GET', '/search/jql', searchGet),
];
