/**
 * GET /resolution/search (the platform spec's searchResolutions, "Search resolutions"): the site's resolutions, a
 * page at a time (startAt, maxResults; `isLast` says when there is no more). The workbench's site has Jira Cloud's
 * four default resolutions and any other its issues hold; none is marked the default, so `onlyDefault` finds none.
 */
import {
  BASE_URL,
  json,
  RESOLUTION_IDS,
  renderResolution,
  route,
  type Route,
  type RouteContext,
} from './common';

function searchResolutions(ctx: RouteContext) {
  const startAt = Math.max(0, Number(ctx.query.get('startAt') ?? 0) || 0);
  const maxResults = Math.min(100, Math.max(1, Number(ctx.query.get('maxResults') ?? 50) || 50));
  const ids = ctx.query.getAll('id').flatMap((id) => id.split(','));
  const all =
    ctx.query.get('onlyDefault') === 'true' ? [] : ctx.store.resolutionNames(Object.keys(RESOLUTION_IDS));
  const listed = all
    .map((name): Record<string, unknown> => ({ ...renderResolution(name), default: false }))
    .filter((r) => ids.length === 0 || ids.includes(String(r.id)));
  const values = listed.slice(startAt, startAt + maxResults);
  const isLast = startAt + maxResults >= listed.length;
  const page = (from: number) =>
    `${BASE_URL}/rest/api/3/resolution/search?startAt=${from}&maxResults=${maxResults}`;
  return json(200, {
    self: page(startAt),
    ...(isLast ? {} : { nextPage: page(startAt + maxResults) }),
    maxResults,
    startAt,
    total: listed.length,
    isLast,
    values,
  });
}

export const resolutionRoutes: Route[] = [route('GET', '/resolution/search', searchResolutions)];
