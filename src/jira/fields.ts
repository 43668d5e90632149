/**
 * Jira Software's sprint and story-point fields are custom fields: their ids differ from site to site
 * (customfield_10020 and customfield_10016 are only the usual ones on Cloud). The app reads them under the ids
 * the site's field list gives, asked once per scan run or page request, never per issue or per page.
 */
import * as z from 'zod';
import type { JiraClient } from './client';
import { sprintSchema, type JiraField, type JiraIssue, type JiraSprint } from './schemas';

/** The custom field type Jira Software gives its Sprint field. */
export const SPRINT_FIELD_TYPE = 'com.pyxis.greenhopper.jira:gh-sprint';
/** Story points are a plain number field: only its name tells it apart from any other number. */
export const NUMBER_FIELD_TYPE = 'com.atlassian.jira.plugin.system.customfieldtypes:float';
/** The names Jira gives its story-point fields, the newer one first. */
const STORY_POINT_NAMES = ['story point estimate', 'story points'];

/** The usual ids on Jira Cloud: used when a site's field list names no such field. */
export const DEFAULT_SPRINT_FIELD = 'customfield_10020';
export const DEFAULT_STORY_POINTS_FIELD = 'customfield_10016';

export interface AgileFieldIds {
  sprint: string;
  storyPoints: string;
}

export interface AgileFields {
  ids: AgileFieldIds;
  /** The fields the site's list did not name, read under their usual id instead. */
  assumed: Array<keyof AgileFieldIds>;
}

/**
 * Picks the sprint and story-point fields from GET /field. The usual id wins when it is a candidate, so a site
 * with two look-alike fields keeps reading the one Jira Cloud uses by default; otherwise story points are taken
 * only when exactly one field carries the preferred name, never guessed between look-alikes.
 */
export function pickAgileFields(fields: readonly JiraField[]): AgileFields {
  const sprints = fields.filter((f) => f.schema?.custom === SPRINT_FIELD_TYPE).map((f) => f.id);
  const numbers = fields.filter((f) => f.schema?.custom === NUMBER_FIELD_TYPE);
  const named = STORY_POINT_NAMES.map((name) =>
    numbers.filter((f) => f.name?.trim().toLowerCase() === name).map((f) => f.id),
  );
  const sprint = sprints.includes(DEFAULT_SPRINT_FIELD) ? DEFAULT_SPRINT_FIELD : sprints[0];
  // The first name any field carries decides; two fields of that name are ambiguous and not guessed between.
  const preferred = named.find((ids) => ids.length > 0);
  const storyPoints = named.flat().includes(DEFAULT_STORY_POINTS_FIELD)
    ? DEFAULT_STORY_POINTS_FIELD
    : preferred?.length === 1
      ? preferred[0]
      : undefined;
  const assumed: AgileFields['assumed'] = [];
  if (!sprint) assumed.push('sprint');
  if (!storyPoints) assumed.push('storyPoints');
  return {
    ids: { sprint: sprint ?? DEFAULT_SPRINT_FIELD, storyPoints: storyPoints ?? DEFAULT_STORY_POINTS_FIELD },
    assumed,
  };
}

const sprintListSchema = z.array(sprintSchema).nullish();

/** The sprints in an issue's sprint field; null when the value is not a sprint list. */
export function sprintsOf(issue: JiraIssue, fieldId: string): JiraSprint[] | null {
  const parsed = sprintListSchema.safeParse(issue.fields[fieldId]);
  return parsed.success ? (parsed.data ?? []) : null;
}

/** The issue's story points, or null when the field is empty or not a number. */
export function storyPointsOf(issue: JiraIssue, fieldId: string): number | null {
  const value = issue.fields[fieldId];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** One GET /field, picked: the caller keeps the answer for the whole run or request. */
export async function discoverAgileFields(jira: Pick<JiraClient, 'getFields'>): Promise<AgileFields> {
  return pickAgileFields(await jira.getFields());
}
