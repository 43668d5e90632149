import {
  NUMBER_FIELD_TYPE,
  pickAgileFields,
  SPRINT_FIELD_TYPE,
  sprintsOf,
  storyPointsOf,
} from '../../src/jira/fields';
import type { JiraField, JiraIssue } from '../../src/jira/schemas';

const sprint = (id: string, name = 'Sprint'): JiraField => ({
  id,
  name,
  schema: { custom: SPRINT_FIELD_TYPE },
});
const number = (id: string, name: string): JiraField => ({ id, name, schema: { custom: NUMBER_FIELD_TYPE } });
const system: JiraField[] = [
  { id: 'summary', name: 'Summary', schema: { type: 'string', system: 'summary' } },
  { id: 'parent', name: 'Parent' },
];

describe('picking the sprint and story-point fields from GET /field', () => {
  it('takes the ids the site gives its fields', () => {
    expect(
      pickAgileFields([...system, sprint('customfield_10104'), number('customfield_10208', 'Story Points')]),
    ).toEqual({ ids: { sprint: 'customfield_10104', storyPoints: 'customfield_10208' }, assumed: [] });
  });

  it('falls back to the usual ids, and says which, when the list names no such field', () => {
    expect(pickAgileFields([...system, number('customfield_10300', 'Budget')])).toEqual({
      ids: { sprint: 'customfield_10020', storyPoints: 'customfield_10016' },
      assumed: ['sprint', 'storyPoints'],
    });
  });

  it('keeps the usual id when it is one of several candidates', () => {
    const picked = pickAgileFields([
      sprint('customfield_10500', 'Old sprint'),
      sprint('customfield_10020'),
      number('customfield_10026', 'Story Points'),
      number('customfield_10016', 'Story point estimate'),
    ]);
    expect(picked.ids).toEqual({ sprint: 'customfield_10020', storyPoints: 'customfield_10016' });
  });

  it('prefers "Story point estimate", matches names loosely, and never guesses between two of a name', () => {
    expect(
      pickAgileFields([
        number('customfield_10026', 'Story Points'),
        number('customfield_10400', ' story point ESTIMATE '),
      ]).ids.storyPoints,
    ).toBe('customfield_10400');
    const twins = pickAgileFields([
      number('customfield_10026', 'Story Points'),
      number('customfield_10027', 'Story Points'),
    ]);
    expect(twins).toMatchObject({
      ids: { storyPoints: 'customfield_10016' },
      assumed: ['sprint', 'storyPoints'],
    });
  });

  it('ignores a field of another type that is merely named like story points', () => {
    const text: JiraField = {
      id: 'customfield_10600',
      name: 'Story Points',
      schema: { custom: 'x:textfield' },
    };
    expect(pickAgileFields([text]).assumed).toContain('storyPoints');
  });
});

describe('reading the picked fields off an issue', () => {
  const issue = (fields: Record<string, unknown>) => ({ id: '1', key: 'OL-1', fields }) as JiraIssue;

  it('reads a sprint list and a number, and treats an absent field as empty', () => {
    const s = { id: 7, name: 'Sprint 7', state: 'closed', endDate: '2026-01-01T00:00:00.000Z' };
    expect(sprintsOf(issue({ customfield_10104: [s] }), 'customfield_10104')).toEqual([s]);
    expect(sprintsOf(issue({}), 'customfield_10104')).toEqual([]);
    expect(storyPointsOf(issue({ customfield_10208: 3 }), 'customfield_10208')).toBe(3);
    expect(storyPointsOf(issue({ customfield_10208: null }), 'customfield_10208')).toBeNull();
  });

  it('answers null for a value of another shape instead of trusting it', () => {
    expect(sprintsOf(issue({ customfield_10104: 'Sprint 7' }), 'customfield_10104')).toBeNull();
    expect(storyPointsOf(issue({ customfield_10208: '3' }), 'customfield_10208')).toBeNull();
  });
});
