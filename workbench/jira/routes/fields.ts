/**
 * GET /field: the fields an issue renders, as Jira's field list names them. The app picks Jira Software's
 * sprint and story-point fields from it by their custom type, because their ids differ from site to site.
 */
import { json, route, type Route, type RouteContext } from './common';

type Schema = { type: string; items?: string; system?: string; custom?: string; customId?: number };

const SYSTEM: Array<[id: string, name: string, schema: Omit<Schema, 'system'>]> = [
  ['summary', 'Summary', { type: 'string' }],
  ['description', 'Description', { type: 'string' }],
  ['issuetype', 'Issue Type', { type: 'issuetype' }],
  ['project', 'Project', { type: 'project' }],
  ['status', 'Status', { type: 'status' }],
  ['statuscategorychangedate', 'Status Category Changed', { type: 'datetime' }],
  ['resolution', 'Resolution', { type: 'resolution' }],
  ['resolutiondate', 'Resolved', { type: 'datetime' }],
  ['created', 'Created', { type: 'datetime' }],
  ['updated', 'Updated', { type: 'datetime' }],
  ['reporter', 'Reporter', { type: 'user' }],
  ['creator', 'Creator', { type: 'user' }],
  ['assignee', 'Assignee', { type: 'user' }],
  ['labels', 'Labels', { type: 'array', items: 'string' }],
  ['priority', 'Priority', { type: 'priority' }],
  ['parent', 'Parent', { type: 'issuelink' }],
  ['comment', 'Comment', { type: 'comments-page' }],
];

function field(id: string, name: string, schema: Schema): Record<string, unknown> {
  const custom = id.startsWith('customfield_');
  return {
    id,
    key: id,
    name,
    custom,
    orderable: true,
    navigable: true,
    searchable: true,
    clauseNames: custom ? [`cf[${id.slice('customfield_'.length)}]`, name] : [id],
    schema,
  };
}

function customId(id: string): number | undefined {
  const n = Number(id.slice('customfield_'.length));
  return Number.isSafeInteger(n) ? n : undefined;
}

function getFields(ctx: RouteContext) {
  const { sprint, storyPoints, hidden = [] } = ctx.customFields;
  const out = SYSTEM.map(([id, name, schema]) => field(id, name, { ...schema, system: id }));
  if (!hidden.includes('sprint'))
    out.push(
      field(sprint, 'Sprint', {
        type: 'array',
        items: 'json',
        custom: 'com.pyxis.greenhopper.jira:gh-sprint',
        ...(customId(sprint) !== undefined ? { customId: customId(sprint) } : {}),
      }),
    );
  if (!hidden.includes('storyPoints'))
    out.push(
      field(storyPoints, 'Story point estimate', {
        type: 'number',
        custom: 'com.atlassian.jira.plugin.system.customfieldtypes:float',
        ...(customId(storyPoints) !== undefined ? { customId: customId(storyPoints) } : {}),
      }),
    );
  return json(200, out);
}

export const fieldRoutes: Route[] = [route('GET', '/field', getFields)];
