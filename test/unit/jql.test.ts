import fc from 'fast-check';
import {
  compareByOrder,
  JqlError,
  matchesJql,
  MAX_JQL_LENGTH,
  parseJql,
  sqlPrefilter,
  type JqlContext,
  type JqlIssueView,
} from '../../workbench/jira/jql';
import { readPropertyIndex, type PropertyIndex } from '../../workbench/jira/property-index';
import { NO_OUTCOME } from '../../src/contract/project-page';
import { FLAGGED_JQL } from '../../src/contract/settings';
import { laneJql, openWorkJql } from '../../src/services/outcome-map';

let nextId = 10000;
function anIssue(overrides: Partial<JqlIssueView> = {}): JqlIssueView {
  const id = overrides.id ?? nextId++;
  return {
    id,
    key: `DEMO-${id - 9999}`,
    projectKey: 'DEMO',
    issueType: 'Story',
    statusName: 'To Do',
    statusCategory: 'new',
    labels: [],
    created: '2026-01-15T10:00:00.000Z',
    updated: '2026-01-20T10:00:00.000Z',
    assignee: null,
    reporter: 'acc-reporter',
    resolution: null,
    parentKey: null,
    sprintIds: [],
    properties: {},
    ...overrides,
  };
}

/** An index with every value type Jira indexes (the app's own manifest declares fewer of them). */
const aliases: PropertyIndex = [
  { propertyKey: 'outcome-lens', path: 'score', type: 'number', searchAlias: 'outcomeScore' },
  { propertyKey: 'outcome-lens', path: 'zombie', type: 'string', searchAlias: 'zombie' },
  { propertyKey: 'outcome-lens', path: 'hasHypothesis', type: 'string', searchAlias: 'hasHypothesis' },
  { propertyKey: 'outcome-lens', path: 'outcome.id', type: 'string', searchAlias: 'outcomeId' },
  { propertyKey: 'outcome-lens', path: 'killDate', type: 'date', searchAlias: 'killDate' },
  { propertyKey: 'outcome-lens', path: 'updatedAt', type: 'date', searchAlias: 'lensUpdatedAt' },
  { propertyKey: 'outcome-lens', path: 'hypothesis', type: 'text', searchAlias: 'hypothesis' },
  { propertyKey: 'outcome-lens', path: 'owner', type: 'user', searchAlias: 'betOwner' },
];

const NOW = new Date('2026-02-01T12:00:00.000Z');
const ctx: JqlContext = { now: NOW, currentAccountId: 'acc-me', openSprintIds: [12] };

function matches(jql: string, issue: JqlIssueView, context: JqlContext = ctx): boolean {
  return matchesJql(parseJql(jql, aliases), issue, context);
}

/** Keys of the issues the query selects, in ORDER BY order. */
function search(jql: string, issues: JqlIssueView[]): string[] {
  const q = parseJql(jql, aliases);
  return issues
    .filter((i) => matchesJql(q, i, ctx))
    .sort(compareByOrder(q))
    .map((i) => i.key);
}

/** What Jira's 400 answer would list in `errorMessages` for the query ([] when it is accepted and not `refused`). */
function errorsOf(jql: string, index: PropertyIndex = aliases, refused = true): string[] {
  try {
    parseJql(jql, index);
  } catch (e) {
    if (e instanceof JqlError) return e.messages;
    throw e;
  }
  if (refused) throw new Error(`expected a JqlError for ${jql}`);
  return [];
}

describe('JQL in the Jira emulator', () => {
  describe('project', () => {
    const demo = anIssue({ projectKey: 'DEMO' });
    const ops = anIssue({ projectKey: 'OPS', key: 'OPS-1' });

    it('matches a project by key, case-insensitively, quoted or not', () => {
      expect(matches('project = DEMO', demo)).toBe(true);
      expect(matches('project = "demo"', demo)).toBe(true);
      expect(matches('PROJECT = DEMO', ops)).toBe(false);
    });

    it('matches a list of projects with in and excludes them with not in', () => {
      expect(matches('project in (OPS, "DEMO")', demo)).toBe(true);
      expect(matches('project not in (OPS)', demo)).toBe(true);
      expect(matches('project not in (OPS)', ops)).toBe(false);
    });
  });

  describe('status and status category', () => {
    const todo = anIssue({ statusName: 'To Do', statusCategory: 'new' });
    const doing = anIssue({ statusName: 'In Progress', statusCategory: 'indeterminate' });
    const done = anIssue({ statusName: 'Closed', statusCategory: 'done', resolution: 'Done' });

    it('maps category names and keys to the three categories', () => {
      expect(search('statusCategory != Done', [todo, doing, done])).toEqual([todo.key, doing.key]);
      expect(search('statusCategory in ("To Do", "In Progress")', [todo, doing, done])).toEqual([
        todo.key,
        doing.key,
      ]);
      expect(search('statuscategory = indeterminate', [todo, doing, done])).toEqual([doing.key]);
      expect(search('statusCategory = new', [todo, doing, done])).toEqual([todo.key]);
    });

    it('rejects a category that does not exist', () => {
      expect(errorsOf('statusCategory = Finished')).toEqual([
        "The value 'Finished' does not exist for the field 'statusCategory'.",
      ]);
    });

    it('decodes escapes in strings as Jira does: \\uXXXX, \\t, quotes, an escaped space', () => {
      expect(search('status = "In\\u0020Progress"', [todo, doing, done])).toEqual([doing.key]);
      expect(search('status = In\\ Progress', [todo, doing, done])).toEqual([doing.key]);
      const quoted = anIssue({ statusName: 'Say "hi"\tnow' });
      expect(search('status = "Say \\"hi\\"\\tnow"', [quoted, todo])).toEqual([quoted.key]);
      expect(search("'status' = 'Say \"hi\"\\tnow'", [quoted, todo])).toEqual([quoted.key]);
    });

    it('matches a status by name', () => {
      expect(search('status = "In Progress"', [todo, doing, done])).toEqual([doing.key]);
      expect(search('status in (closed, "to do")', [todo, doing, done])).toEqual([todo.key, done.key]);
    });
  });

  describe('issue type', () => {
    it('accepts type and issuetype', () => {
      const bug = anIssue({ issueType: 'Bug' });
      expect(matches('type = Bug', bug)).toBe(true);
      expect(matches('issuetype in (Story, Epic)', bug)).toBe(false);
      expect(matches('issueType != Story', bug)).toBe(true);
    });
  });

  describe('labels', () => {
    const tagged = anIssue({ labels: ['ux', 'growth'] });
    const bare = anIssue({ labels: [] });

    it('matches when any label equals the value', () => {
      expect(matches('labels = ux', tagged)).toBe(true);
      expect(matches('labels in (billing, growth)', tagged)).toBe(true);
      expect(matches('labels = billing', tagged)).toBe(false);
    });

    it('treats not in like Jira: issues without labels are not selected', () => {
      expect(matches('labels not in (billing)', tagged)).toBe(true);
      expect(matches('labels not in (ux)', tagged)).toBe(false);
      expect(matches('labels not in (billing)', bare)).toBe(false);
    });

    it('tests emptiness with is EMPTY and is not EMPTY', () => {
      expect(search('labels is EMPTY', [tagged, bare])).toEqual([bare.key]);
      expect(search('labels is not empty', [tagged, bare])).toEqual([tagged.key]);
    });
  });

  describe('people', () => {
    const mine = anIssue({ assignee: 'acc-me' });
    const theirs = anIssue({ assignee: 'acc-other', reporter: 'acc-me' });
    const nobody = anIssue({ assignee: null });

    it('matches an account id and currentUser()', () => {
      expect(search('assignee = acc-other', [mine, theirs, nobody])).toEqual([theirs.key]);
      expect(search('assignee = currentUser()', [mine, theirs, nobody])).toEqual([mine.key]);
      expect(search('reporter = currentUser()', [mine, theirs, nobody])).toEqual([theirs.key]);
    });

    it('matches nothing for currentUser() when nobody is logged in', () => {
      expect(matches('assignee = currentUser()', mine, { ...ctx, currentAccountId: null })).toBe(false);
    });

    it('matches unassigned issues with is EMPTY', () => {
      expect(search('assignee is EMPTY', [mine, theirs, nobody])).toEqual([nobody.key]);
      expect(search('assignee = EMPTY', [mine, theirs, nobody])).toEqual([nobody.key]);
    });
  });

  describe('resolution', () => {
    const open = anIssue({ resolution: null });
    const fixed = anIssue({ resolution: 'Done' });

    it('treats Unresolved as no resolution', () => {
      expect(search('resolution = Unresolved', [open, fixed])).toEqual([open.key]);
      expect(search('resolution is EMPTY', [open, fixed])).toEqual([open.key]);
      expect(search('resolution != Unresolved', [open, fixed])).toEqual([fixed.key]);
      expect(search('resolution = Done', [open, fixed])).toEqual([fixed.key]);
    });
  });

  describe('key, id and parent', () => {
    const a = anIssue({ id: 20001, key: 'DEMO-7' });
    const b = anIssue({ id: 20002, key: 'DEMO-8', parentKey: 'DEMO-1' });

    it('matches key, issuekey and id', () => {
      expect(search('key = DEMO-7', [a, b])).toEqual(['DEMO-7']);
      expect(search('issuekey in (demo-8, DEMO-99)', [a, b])).toEqual(['DEMO-8']);
      expect(search('key = 20002', [a, b])).toEqual(['DEMO-8']);
      expect(search('id = 20001', [a, b])).toEqual(['DEMO-7']);
    });

    it('compares ids as numbers, across projects, as Jira does for id ranges', () => {
      const ops = anIssue({ id: 20003, key: 'OPS-1', projectKey: 'OPS' });
      expect(search('id >= 20002 AND id < 20004', [a, b, ops])).toEqual(['DEMO-8', 'OPS-1']);
      expect(search('id > 20001', [a, b, ops])).toEqual(['DEMO-8', 'OPS-1']);
      expect(search('id <= 20001', [a, b, ops])).toEqual(['DEMO-7']);
    });

    it('compares keys of the same project by number', () => {
      expect(search('key > DEMO-7', [a, b])).toEqual(['DEMO-8']);
      expect(search('key > OPS-1', [a, b])).toEqual([]);
    });

    it('matches a parent epic', () => {
      expect(search('parent = DEMO-1', [a, b])).toEqual(['DEMO-8']);
      expect(search('parent is EMPTY', [a, b])).toEqual(['DEMO-7']);
    });
  });

  describe('sprint', () => {
    const inSprint = anIssue({ sprintIds: [11, 12] });
    const backlog = anIssue({ sprintIds: [] });

    it('matches a sprint id and open sprints', () => {
      expect(search('sprint = 12', [inSprint, backlog])).toEqual([inSprint.key]);
      expect(search('sprint in openSprints()', [inSprint, backlog])).toEqual([inSprint.key]);
      expect(search('sprint is EMPTY', [inSprint, backlog])).toEqual([backlog.key]);
    });
  });

  describe('created and updated', () => {
    const old = anIssue({ created: '2025-12-01T08:00:00.000Z', updated: '2026-01-31T10:00:00.000Z' });
    const recent = anIssue({ created: '2026-01-31T10:00:00.000Z', updated: '2026-02-01T11:30:00.000Z' });

    it('compares against absolute dates, with or without a time', () => {
      expect(search('created >= "2026-01-31"', [old, recent])).toEqual([recent.key]);
      expect(search('created < "2026/01/31 10:00"', [old, recent])).toEqual([old.key]);
      expect(search('created <= "2026/01/31 10:00"', [old, recent])).toEqual([old.key, recent.key]);
      expect(search('updated = 2026-01-31', [old, recent])).toEqual([old.key]);
      expect(search('created != "2026-01-31"', [old, recent])).toEqual([old.key]);
    });

    it('compares against offsets from now', () => {
      expect(search('created > -30d', [old, recent])).toEqual([recent.key]);
      expect(search('created < "-4w"', [old, recent])).toEqual([old.key]);
      expect(search('updated >= -2h', [old, recent])).toEqual([recent.key]);
      expect(search('updated >= -20m', [old, recent])).toEqual([]);
      expect(search('updated >= -90m', [old, recent])).toEqual([recent.key]);
    });

    it('supports startOfDay() with an optional offset and now()', () => {
      expect(search('updated >= startOfDay()', [old, recent])).toEqual([recent.key]);
      expect(search('updated >= startOfDay(-1)', [old, recent])).toEqual([old.key, recent.key]);
      expect(search('createdDate < now()', [old, recent])).toEqual([old.key, recent.key]);
    });

    it("counts a bare function offset in the function's own period, as Jira does", () => {
      // NOW is Sunday 2026-02-01; the week starts on Monday 2026-01-26.
      const lastWeek = anIssue({ created: '2026-01-20T10:00:00.000Z' });
      const thisWeek = anIssue({ created: '2026-01-27T10:00:00.000Z' });
      expect(search('created >= startOfWeek(-1)', [lastWeek, thisWeek])).toEqual([
        lastWeek.key,
        thisWeek.key,
      ]);
      expect(search('created >= startOfWeek()', [lastWeek, thisWeek])).toEqual([thisWeek.key]);
      expect(search('created < startOfMonth(-1d)', [lastWeek, thisWeek])).toEqual([
        lastWeek.key,
        thisWeek.key,
      ]);
      expect(search('created < endOfMonth(-1)', [lastWeek, thisWeek])).toEqual([lastWeek.key, thisWeek.key]);
      expect(search('created > endOfYear(-2)', [lastWeek, thisWeek])).toEqual([lastWeek.key, thisWeek.key]);
    });

    it('rejects a malformed date', () => {
      expect(errorsOf('created > "yesterday"')).toEqual([
        "Date value 'yesterday' for field 'created' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', " +
          "'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.",
      ]);
      expect(errorsOf('created > 2026-02-30')[0]).toContain(
        "Date value '2026-02-30' for field 'created' is invalid.",
      );
    });
  });

  describe('entity-property aliases', () => {
    const scored = anIssue({
      properties: {
        'outcome-lens': {
          score: 42,
          zombie: true,
          hasHypothesis: false,
          outcome: { id: 'out-1' },
          killDate: '2026-01-31',
          hypothesis: 'Shorter onboarding raises activation',
          owner: 'acc-me',
        },
      },
    });
    const high = anIssue({
      properties: { 'outcome-lens': { score: 80, zombie: false, killDate: '2026-03-01' } },
    });
    const none = anIssue({ properties: {} });
    const all = [scored, high, none];

    it('compares number aliases numerically', () => {
      expect(search('outcomeScore < 50', all)).toEqual([scored.key]);
      expect(search('outcomeScore >= 42', all)).toEqual([scored.key, high.key]);
      expect(search('outcomeScore = 80', all)).toEqual([high.key]);
    });

    it('compares string aliases exactly, ignoring case, including booleans', () => {
      expect(search('zombie = "true"', all)).toEqual([scored.key]);
      expect(search("hasHypothesis = 'false'", all)).toEqual([scored.key]);
      expect(search('outcomeId = "OUT-1"', all)).toEqual([scored.key]);
      expect(search('outcomeId = "out"', all)).toEqual([]);
    });

    it('searches text aliases with ~ and refuses = on them', () => {
      expect(search('hypothesis ~ "onboarding"', all)).toEqual([scored.key]);
      expect(errorsOf('hypothesis = "onboarding"')).toEqual([
        "The operator '=' is not supported by the 'hypothesis' field.",
      ]);
    });

    it('compares date aliases by day', () => {
      expect(search('killDate < now()', all)).toEqual([scored.key]);
      expect(search('killDate = "2026-03-01"', all)).toEqual([high.key]);
      expect(search('killDate >= startOfDay()', all)).toEqual([high.key]);
    });

    it('indexes a date only in the shapes Forge documents, and keeps its time to the second', () => {
      const savedAt = (updatedAt: string) => anIssue({ properties: { 'outcome-lens': { updatedAt } } });
      const halfHourAgo = savedAt('2026-02-01T11:30:00Z');
      const withOffset = savedAt('2026-02-01T13:40:00+02:00');
      const twoHoursAgo = savedAt('2026-02-01T10:00:00Z');
      const withMilliseconds = savedAt('2026-02-01T11:45:00.123Z');
      const inProse = savedAt('February 1, 2026 11:50 UTC');
      const saves = [halfHourAgo, withOffset, twoHoursAgo, withMilliseconds, inProse];
      expect(search('lensUpdatedAt >= -60m', saves)).toEqual([halfHourAgo.key, withOffset.key]);
      expect(search('lensUpdatedAt >= "2026-02-01"', saves)).toEqual([
        halfHourAgo.key,
        withOffset.key,
        twoHoursAgo.key,
      ]);
      expect(search('lensUpdatedAt is EMPTY', saves)).toEqual([withMilliseconds.key, inProse.key]);
    });

    it('compares user aliases with currentUser()', () => {
      expect(search('betOwner = currentUser()', all)).toEqual([scored.key]);
    });

    it('lets an issue without the property match only is EMPTY', () => {
      expect(search('outcomeScore is EMPTY', all)).toEqual([none.key]);
      expect(search('outcomeScore != 42', all)).toEqual([high.key]);
      expect(search('zombie != "true"', all)).toEqual([high.key]);
      expect(search('NOT outcomeScore < 50', all)).toEqual([high.key, none.key]);
    });

    it('reads the raw issue.property[key].path form of an indexed path, typed as the index declares', () => {
      expect(search('issue.property[outcome-lens].score > 10', all)).toEqual([scored.key, high.key]);
      expect(search('issue.property[outcome-lens].outcome.id = out-1', all)).toEqual([scored.key]);
      expect(search('issue.property["outcome-lens"]."score" > 50', all)).toEqual([high.key]);
      expect(search('issue.property[outcome-lens].killDate < "2026-02-15"', all)).toEqual([scored.key]);
    });

    it('refuses a property path the index does not declare, as Jira does', () => {
      expect(errorsOf('issue.property[outcome-lens].schema = 1')).toEqual([
        "Field 'issue.property[outcome-lens].schema' does not exist or you do not have permission to view it.",
      ]);
      expect(errorsOf('issue.property[outcome-lens].outcome = x')[0]).toContain(
        "Field 'issue.property[outcome-lens].outcome' does not exist",
      );
      expect(errorsOf('issue.property[other-app].score > 1')[0]).toContain(
        "Field 'issue.property[other-app].score' does not exist",
      );
      expect(errorsOf('issue.property[outcome-lens] = x')[0]).toContain(
        "Field 'issue.property[outcome-lens]' does not exist",
      );
      expect(errorsOf('order by issue.property[outcome-lens].flag')[0]).toContain('does not exist');
    });

    it('matches alias names case-insensitively', () => {
      expect(search('OUTCOMESCORE > 50', all)).toEqual([high.key]);
    });

    it('rejects a non-number against a number alias', () => {
      expect(errorsOf('outcomeScore < high')).toEqual([
        "The value 'high' is not a valid number for the field 'outcomeScore'.",
      ]);
    });

    it("searches what the app's own manifest indexes, by alias and by path alike", () => {
      const manifest = readPropertyIndex();
      const lens = (value: Record<string, unknown>) => anIssue({ properties: { 'outcome-lens': value } });
      const issues = [
        lens({ score: 30, zombie: 'true', hasHypothesis: 'false', outcomeId: 'o-1', killDate: '2026-01-10' }),
        lens({ score: 80, zombie: 'false', hasHypothesis: 'true', outcomeId: 'o-2', killDate: '2026-03-10' }),
        anIssue(),
      ];
      const keys = (jql: string) =>
        issues.filter((i) => matchesJql(parseJql(jql, manifest), i, ctx)).map((i) => i.key);
      const [low, high] = issues.map((i) => i.key);
      for (const [alias, path, jql, expected] of [
        ['outcomeScore', 'score', '< 50', [low]],
        ['zombie', 'zombie', '= "true"', [low]],
        ['hasHypothesis', 'hasHypothesis', '= "true"', [high]],
        ['outcomeId', 'outcomeId', 'in (o-2, o-9)', [high]],
        ['killDate', 'killDate', '< now()', [low]],
        ['outcomeScore', 'score', 'is not EMPTY', [low, high]],
      ] as const) {
        expect(keys(`${alias} ${jql}`)).toEqual(expected);
        expect(keys(`issue.property[outcome-lens].${path} ${jql}`)).toEqual(expected);
      }
      expect(() => parseJql('issue.property[outcome-lens].schema = 1', manifest)).toThrow(JqlError);
    });
  });

  describe('boolean logic', () => {
    const a = anIssue({ labels: ['x'], statusCategory: 'done' });
    const b = anIssue({ labels: ['y'], statusCategory: 'new' });
    const c = anIssue({ labels: [], statusCategory: 'new' });

    it('gives AND precedence over OR and honours parentheses and NOT', () => {
      expect(search('labels = x OR labels = y AND statusCategory = done', [a, b, c])).toEqual([a.key]);
      expect(search('(labels = x OR labels = y) AND statusCategory = new', [a, b, c])).toEqual([b.key]);
      expect(search('not (labels = x or labels = y)', [a, b, c])).toEqual([c.key]);
      expect(search('labels = x || labels = y && statusCategory = new', [a, b, c])).toEqual([a.key, b.key]);
    });

    it('treats an empty query as matching everything', () => {
      expect(search('', [a, b, c])).toEqual([a.key, b.key, c.key]);
      expect(search('   ', [a, b, c])).toEqual([a.key, b.key, c.key]);
    });
  });

  describe('ORDER BY', () => {
    const first = anIssue({ id: 30001, key: 'DEMO-10', created: '2026-01-03T00:00:00Z' });
    const second = anIssue({ id: 30002, key: 'DEMO-9', created: '2026-01-01T00:00:00Z' });
    const third = anIssue({ id: 30003, key: 'ABC-1', projectKey: 'ABC', created: '2026-01-02T00:00:00Z' });
    const all = [first, second, third];

    it('defaults to id ascending', () => {
      expect(search('', [third, first, second])).toEqual(['DEMO-10', 'DEMO-9', 'ABC-1']);
    });

    it('sorts by created, key (project then number) and id in either direction', () => {
      expect(search('ORDER BY created DESC', all)).toEqual(['DEMO-10', 'ABC-1', 'DEMO-9']);
      expect(search('order by key', all)).toEqual(['ABC-1', 'DEMO-9', 'DEMO-10']);
      expect(search('project = DEMO ORDER BY id DESC', all)).toEqual(['DEMO-9', 'DEMO-10']);
      expect(search('order by rank asc', all)).toEqual(['DEMO-10', 'DEMO-9', 'ABC-1']);
    });

    it('sorts by several fields with id as the last tie-breaker', () => {
      const same = anIssue({ id: 30000, key: 'DEMO-1', created: '2026-01-01T00:00:00Z' });
      expect(search('ORDER BY created ASC, key DESC', [...all, same])).toEqual([
        'DEMO-9',
        'DEMO-1',
        'ABC-1',
        'DEMO-10',
      ]);
    });

    it('sorts by a property alias with empty values last', () => {
      const s1 = anIssue({ properties: { 'outcome-lens': { score: 70 } } });
      const s2 = anIssue({ properties: { 'outcome-lens': { score: 20 } } });
      const s3 = anIssue({ properties: {} });
      expect(search('order by outcomeScore desc', [s3, s1, s2])).toEqual([s1.key, s2.key, s3.key]);
    });
  });

  describe("errors, in Jira's words", () => {
    const OPERATORS =
      "The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'.";

    it('answers the syntax error of the example in Jira REST API documentation word for word', () => {
      // /rest/api/3/jql/parse, OpenAPI example: "invalid query"
      expect(errorsOf('invalid query')).toEqual([
        `Error in the JQL Query: Expecting operator but got 'query'. ${OPERATORS} (line 1, character 9)`,
      ]);
      // ... and "universe = 42"
      expect(errorsOf('universe = 42')).toEqual([
        "Field 'universe' does not exist or you do not have permission to view it.",
      ]);
    });

    it('says what the grammar expected, and where, or that the query ended early', () => {
      expect(errorsOf('project')).toEqual([
        `Error in the JQL Query: Expecting operator before the end of the query. ${OPERATORS}`,
      ]);
      expect(errorsOf('project = = OL')).toEqual([
        "Error in the JQL Query: Expecting either a value, list or function but got '='. " +
          "You must surround '=' in quotation marks to use it as a value. (line 1, character 11)",
      ]);
      expect(errorsOf('project = ')).toEqual([
        'Error in the JQL Query: Expecting either a value, list or function before the end of the query.',
      ]);
      expect(errorsOf('project in (DEMO, OPS')).toEqual([
        "Error in the JQL Query: Expecting ')' before the end of the query.",
      ]);
      expect(errorsOf('(project = DEMO')).toEqual([
        "Error in the JQL Query: Expecting ')' before the end of the query.",
      ]);
      expect(errorsOf('project = DEMO status = Done')).toEqual([
        "Error in the JQL Query: Expecting either 'OR' or 'AND' but got 'status'. (line 1, character 16)",
      ]);
      expect(errorsOf('project = DEMO AND')).toEqual([
        'Error in the JQL Query: Expecting a field name at the end of the query.',
      ]);
      expect(errorsOf('project = DEMO ORDER created')).toEqual([
        "Error in the JQL Query: Expecting 'by' but got 'created'. (line 1, character 22)",
      ]);
      expect(errorsOf('project = DEMO order by key sideways')).toEqual([
        "Error in the JQL Query: Expecting either 'ASC' or 'DESC' but got 'sideways'. (line 1, character 29)",
      ]);
      expect(errorsOf('labels not is EMPTY')).toEqual([
        "Error in the JQL Query: Expecting 'IN' but got 'is'. (line 1, character 12)",
      ]);
      expect(errorsOf('labels = "open')).toEqual([
        "Error in the JQL Query: The quoted string 'open' has not been completed. (line 1, character 10)",
      ]);
      expect(errorsOf('labels = sel{ect')[0]).toContain("The character '{' is a reserved JQL character.");
      expect(errorsOf('labels = select')).toEqual([
        "Error in the JQL Query: 'select' is a reserved JQL word. You must surround it in quotation marks to " +
          'use it in a query. (line 1, character 10)',
      ]);
      // true and false are reserved words in JQL: a flag stored as a string is searched as "true".
      expect(errorsOf('zombie = true')).toEqual([
        "Error in the JQL Query: 'true' is a reserved JQL word. You must surround it in quotation marks to " +
          'use it in a query. (line 1, character 10)',
      ]);
      expect(errorsOf('project in DEMO')).toEqual([
        "Operator 'in' does not support the non-list value 'DEMO' for field 'project'.",
      ]);
    });

    it('lists every field, operator, value and function Jira would refuse, not only the first', () => {
      expect(errorsOf('foo = 1 AND project ~ DEMO AND labels > x AND sprint in fooSprints()')).toEqual([
        "Field 'foo' does not exist or you do not have permission to view it.",
        "The operator '~' is not supported by the 'project' field.",
        "The operator '>' is not supported by the 'labels' field.",
        "Unable to find JQL function 'fooSprints()'.",
      ]);
      expect(errorsOf('priority = High')).toEqual([
        "Field 'priority' does not exist or you do not have permission to view it.",
      ]);
      expect(errorsOf('status was Done')).toEqual([
        "The operator 'was' is not supported by the 'status' field.",
      ]);
    });

    it('checks functions: name, arguments and the fields they serve', () => {
      expect(errorsOf('assignee = startOfDay()')).toEqual([
        "A value provided by the function 'startOfDay' is invalid for the field 'assignee'.",
      ]);
      expect(errorsOf('created > now(1)')).toEqual([
        "Function 'now' expected '0' arguments but received '1'.",
      ]);
      expect(errorsOf('created > startOfDay(-1, 2)')).toEqual([
        "Function 'startOfDay' expected between '0' and '1' arguments but received '2'.",
      ]);
      expect(errorsOf('created > startOfDay(soon)')).toEqual([
        "Duration for function 'startOfDay' should have the format (+/-)n(yMwdm), e.g -1M for 1 month earlier.",
      ]);
    });

    it('checks operators and values of property aliases against the index', () => {
      expect(errorsOf('outcomeScore < high')[0]).toContain("The value 'high' is not a valid number");
      expect(errorsOf('zombie ~ "x"')).toEqual(["The operator '~' is not supported by the 'zombie' field."]);
      expect(errorsOf('zombie > x')).toEqual(["The operator '>' is not supported by the 'zombie' field."]);
      expect(errorsOf('killDate < "soon"')[0]).toContain(
        "Date value 'soon' for field 'killDate' is invalid.",
      );
      expect(() =>
        parseJql('hypothesis ~ "x" AND outcomeScore is EMPTY AND killDate < now()', aliases),
      ).not.toThrow();
    });

    it('reads a text once per index: the pages of one search share the query, another index reads it anew', () => {
      const text = 'project = DEMO AND outcomeScore < 50 ORDER BY key';
      expect(parseJql(text, aliases)).toBe(parseJql(text, aliases));
      const other: PropertyIndex = [{ propertyKey: 'outcome-lens', path: 'score', type: 'number' }];
      expect(errorsOf(text, other)).toEqual([
        "Field 'outcomeScore' does not exist or you do not have permission to view it.",
      ]);
      expect(errorsOf('project = = DEMO')).toEqual(errorsOf('project = = DEMO'));
    });

    it(`rejects queries longer than ${MAX_JQL_LENGTH} characters`, () => {
      const long = `labels in (${Array.from({ length: 3000 }, (_, i) => `l${i}`).join(', ')})`;
      expect(long.length).toBeGreaterThan(MAX_JQL_LENGTH);
      expect(errorsOf(long)[0]).toContain('longer than 10000');
    });

    it('rejects deep nesting instead of overflowing the stack', () => {
      const deep = `${'('.repeat(4000)}project = A${')'.repeat(4000)}`;
      expect(errorsOf(deep)[0]).toContain('nested too deeply');
      expect(errorsOf('NOT '.repeat(2400) + 'project = A')[0]).toContain('nested too deeply');
    });

    it('only ever throws JqlError on arbitrary input, and whatever it accepts evaluates and sorts', () => {
      const jqlish = fc.constantFrom(
        'project',
        '=',
        '!=',
        'in',
        'not',
        'is',
        'EMPTY',
        '(',
        ')',
        ',',
        '"',
        "'",
        'AND',
        'OR',
        'ORDER BY',
        'DESC',
        'created',
        '-30d',
        'issue.property[',
        'outcome-lens',
        ']',
        '.',
        'score',
        'currentUser()',
        'statusCategory',
        '~',
        '\\',
        'outcomeScore',
        '<',
        '2026-01-31',
      );
      const input = fc.oneof(
        fc.string({ maxLength: 200 }),
        fc.array(jqlish, { maxLength: 30 }).map((parts) => parts.join(' ')),
        fc.array(jqlish, { maxLength: 30 }).map((parts) => parts.join('')),
      );
      fc.assert(
        fc.property(input, (text) => {
          try {
            const q = parseJql(text, aliases);
            matchesJql(q, anIssue({ properties: { 'outcome-lens': { score: 1 } } }), ctx);
            compareByOrder(q)(anIssue(), anIssue());
          } catch (e) {
            if (!(e instanceof JqlError) || e.messages.length === 0) throw e;
          }
        }),
        { numRuns: 300 },
      );
    });
  });

  describe("the app's own queries", () => {
    it('are all accepted against the index manifest.yml declares', () => {
      const index = readPropertyIndex();
      const epics = new Map([
        ['DEMO-1', { outcomeId: 'out-1', epic: true }],
        ['DEMO-2', { outcomeId: 'out-2', epic: false }],
      ]);
      const queries = [
        openWorkJql('DEMO', {}),
        openWorkJql('DEMO', { sprintId: 12, issueType: 'User Story', assignee: 'unassigned' }),
        openWorkJql('DEMO', { assignee: 'acc "quoted" \\' }),
        laneJql(NO_OUTCOME, epics),
        laneJql(NO_OUTCOME, new Map()),
        laneJql('out-1', epics),
        laneJql('out-3', epics),
        `project = DEMO AND statusCategory != Done AND ${FLAGGED_JQL}`,
      ];
      for (const jql of queries)
        expect({ jql, errors: errorsOf(jql, index, false) }).toEqual({ jql, errors: [] });
    });

    it('tell admins a JQL for flagged issues that Jira accepts and that finds them', () => {
      const flagged = anIssue({ properties: { 'outcome-lens': { zombie: 'true' } } });
      const cleared = anIssue({ properties: { 'outcome-lens': { zombie: 'false' } } });
      const query = parseJql(FLAGGED_JQL, readPropertyIndex());
      expect([flagged, cleared].filter((i) => matchesJql(query, i, ctx))).toEqual([flagged]);
    });
  });

  describe('sqlPrefilter', () => {
    it('narrows by an id range in top-level ANDs', () => {
      expect(sqlPrefilter(parseJql('project = demo AND id >= 100 AND id < 200', aliases))).toEqual({
        projectKeys: ['DEMO'],
        idFrom: 100,
        idBelow: 200,
      });
      expect(sqlPrefilter(parseJql('id > 99 AND id <= 199 AND id >= 150', aliases))).toEqual({
        idFrom: 150,
        idBelow: 200,
      });
    });

    it('narrows by projects and categories named in top-level ANDs', () => {
      expect(
        sqlPrefilter(parseJql('project = demo AND statusCategory != Done AND labels = x', aliases)),
      ).toEqual({
        projectKeys: ['DEMO'],
        // A status without a category is not Done either.
        statusCategories: ['new', 'indeterminate', 'none'],
      });
      expect(sqlPrefilter(parseJql('project in (A, B) AND project = B ORDER BY key', aliases))).toEqual({
        projectKeys: ['B'],
      });
      expect(sqlPrefilter(parseJql('statusCategory in ("To Do", "In Progress")', aliases))).toEqual({
        statusCategories: ['new', 'indeterminate'],
      });
    });

    it('gives no hint where one could exclude a matching issue', () => {
      expect(sqlPrefilter(parseJql('project = A OR labels = x', aliases))).toEqual({});
      expect(sqlPrefilter(parseJql('NOT project = A', aliases))).toEqual({});
      expect(sqlPrefilter(parseJql('project = 10000', aliases))).toEqual({});
      expect(sqlPrefilter(parseJql('project != A', aliases))).toEqual({});
      expect(sqlPrefilter(parseJql('', aliases))).toEqual({});
    });

    it('never excludes an issue the query matches', () => {
      const issues = ['A', 'B', 'C'].flatMap((p) =>
        (['new', 'indeterminate', 'done', 'none'] as const).map((c) =>
          anIssue({ projectKey: p, statusCategory: c }),
        ),
      );
      const queries = [
        'project in (A, b) AND statusCategory not in (Done)',
        '(project = A OR project = C) AND statusCategory = "In Progress"',
        'project = C AND NOT statusCategory = new',
      ];
      for (const jql of queries) {
        const q = parseJql(jql, aliases);
        const hint = sqlPrefilter(q);
        for (const issue of issues.filter((i) => matchesJql(q, i, ctx))) {
          if (hint.projectKeys) expect(hint.projectKeys).toContain(issue.projectKey);
          if (hint.statusCategories) expect(hint.statusCategories).toContain(issue.statusCategory);
        }
      }
    });
  });
});
