/**
 * JQL for the Jira emulator. The text is read by Atlassian's own grammar (./jql-syntax); here the tree is
 * checked as Jira checks it (fields that exist, operators and values each field supports, functions and their
 * arguments, entity properties only where the app's manifest indexes them), and the checked query is matched
 * against issues and used to sort them. Everything Jira would refuse is refused before any issue is read, with
 * the messages of Jira's 400 answer.
 */
import type { Clause, Field, Operand, Query, TerminalClause } from '@atlaskit/jql-ast';
import { JqlError, jqlStringValue, MAX_JQL_LENGTH, parseJqlSyntax } from './jql-syntax';
import type { PropertyIndex, PropertyIndexEntry } from './property-index';

export { JqlError, MAX_JQL_LENGTH };

export interface JqlIssueView {
  id: number;
  key: string;
  projectKey: string;
  issueType: string;
  statusName: string;
  /** 'none': a status without a category, which JQL reads as Jira's "No Category" (see NO_STATUS_CATEGORY). */
  statusCategory: 'new' | 'indeterminate' | 'done' | 'none';
  labels: string[];
  created: string;
  updated: string;
  assignee: string | null;
  reporter: string | null;
  resolution: string | null;
  parentKey: string | null;
  sprintIds: number[];
  properties: Record<string, unknown>;
}

export interface JqlContext {
  now: Date;
  currentAccountId?: string | null;
  /**
   * The searching account's time zone (IANA), UTC when absent: Jira reads an absolute date of a date-time field
   * (`updated >= "2024-01-31 18:00"`) as that wall-clock time there, the user's own zone or, for one without
   * (the app's account), the site's default user time zone (JiraStore.timeZoneOf).
   */
  timeZone?: string;
  /** Ids of the sprints that are active or future; `openSprints()` matches none when absent. */
  openSprintIds?: number[];
}

export type JqlOperator =
  '=' | '!=' | '<' | '<=' | '>' | '>=' | '~' | '!~' | 'in' | 'not in' | 'is' | 'is not';

type BuiltinField =
  | 'project'
  | 'statusCategory'
  | 'status'
  | 'issuetype'
  | 'labels'
  | 'assignee'
  | 'reporter'
  | 'resolution'
  | 'key'
  | 'id'
  | 'parent'
  | 'sprint'
  | 'created'
  | 'updated'
  | 'rank'
  | 'priority';

/** A field the query names, resolved: a system field, or an indexed value of an issue entity property. */
export type JqlField =
  | { kind: 'builtin'; name: BuiltinField; label: string }
  | { kind: 'property'; entry: PropertyIndexEntry; label: string };

export type JqlFunctionName =
  | 'currentuser'
  | 'opensprints'
  | 'closedsprints'
  | 'now'
  | 'startofday'
  | 'endofday'
  | 'startofweek'
  | 'endofweek'
  | 'startofmonth'
  | 'endofmonth'
  | 'startofyear'
  | 'endofyear';

export type JqlOperand =
  | { kind: 'value'; value: string }
  | { kind: 'empty' }
  | { kind: 'function'; name: JqlFunctionName; args: string[] }
  | { kind: 'list'; items: JqlOperand[] };

export type JqlClause =
  | { kind: 'and'; clauses: JqlClause[] }
  | { kind: 'or'; clauses: JqlClause[] }
  | { kind: 'not'; clause: JqlClause }
  | { kind: 'compare'; field: JqlField; operator: JqlOperator; operand: JqlOperand };

export interface JqlOrderTerm {
  field: JqlField;
  direction: 'asc' | 'desc';
}

export interface JqlQuery {
  /** Null when the query has no condition (empty text or only ORDER BY): every issue matches. */
  where: JqlClause | null;
  orderBy: JqlOrderTerm[];
}

// ---------------------------------------------------------------------------------------------
// Fields and what each supports

const BUILTIN_NAMES: Record<string, BuiltinField> = {
  project: 'project',
  statuscategory: 'statusCategory',
  status: 'status',
  type: 'issuetype',
  issuetype: 'issuetype',
  labels: 'labels',
  label: 'labels',
  assignee: 'assignee',
  reporter: 'reporter',
  resolution: 'resolution',
  key: 'key',
  issuekey: 'key',
  id: 'id',
  parent: 'parent',
  sprint: 'sprint',
  created: 'created',
  createddate: 'created',
  updated: 'updated',
  updateddate: 'updated',
  rank: 'rank',
  priority: 'priority',
};

/** Fields that may appear only in ORDER BY: the emulator keeps no data to filter them on. */
const ORDER_ONLY: ReadonlySet<BuiltinField> = new Set(['rank', 'priority']);

/** How a field's values compare. */
type FieldKind = 'text-ci' | 'key' | 'account' | 'sprint' | 'number' | 'date' | 'day' | 'contains';

const EQUALITY: JqlOperator[] = ['=', '!=', 'in', 'not in', 'is', 'is not'];
const ORDERING: JqlOperator[] = [...EQUALITY, '<', '<=', '>', '>='];
const OPERATORS_OF: Record<FieldKind, readonly JqlOperator[]> = {
  'text-ci': EQUALITY,
  account: EQUALITY,
  sprint: EQUALITY,
  key: ORDERING,
  number: ORDERING,
  date: ORDERING,
  day: ORDERING,
  contains: ['~', '!~', 'is', 'is not'],
};

/** Entity-property value types as Jira indexes them (developer.atlassian.com, "Entity properties"). */
const PROPERTY_KIND: Record<PropertyIndexEntry['type'], FieldKind> = {
  number: 'number',
  string: 'text-ci',
  text: 'contains',
  user: 'account',
  date: 'day',
};

function kindOf(field: JqlField): FieldKind {
  if (field.kind === 'property') return PROPERTY_KIND[field.entry.type];
  switch (field.name) {
    case 'assignee':
    case 'reporter':
      return 'account';
    case 'key':
    case 'id':
      return 'key';
    case 'sprint':
      return 'sprint';
    case 'created':
    case 'updated':
      return 'date';
    default:
      return 'text-ci';
  }
}

/** The names JQL takes for each category; none names 'none', which therefore equals no value of the field. */
const STATUS_CATEGORIES: Record<string, Exclude<JqlIssueView['statusCategory'], 'none'>> = {
  'to do': 'new',
  new: 'new',
  '2': 'new',
  'in progress': 'indeterminate',
  indeterminate: 'indeterminate',
  '4': 'indeterminate',
  done: 'done',
  complete: 'done',
  '3': 'done',
};

interface FunctionSpec {
  name: string;
  kinds: readonly FieldKind[];
  maxArgs: number;
  /** The unit of a bare number argument: startOfWeek(1) is a week later (Jira's functions reference). */
  unit?: 'd' | 'w' | 'M' | 'y';
}

const DATE_KINDS: FieldKind[] = ['date', 'day'];
const FUNCTIONS: Record<JqlFunctionName, FunctionSpec> = {
  currentuser: { name: 'currentUser', kinds: ['account'], maxArgs: 0 },
  opensprints: { name: 'openSprints', kinds: ['sprint'], maxArgs: 0 },
  closedsprints: { name: 'closedSprints', kinds: ['sprint'], maxArgs: 0 },
  now: { name: 'now', kinds: DATE_KINDS, maxArgs: 0 },
  startofday: { name: 'startOfDay', kinds: DATE_KINDS, maxArgs: 1, unit: 'd' },
  endofday: { name: 'endOfDay', kinds: DATE_KINDS, maxArgs: 1, unit: 'd' },
  startofweek: { name: 'startOfWeek', kinds: DATE_KINDS, maxArgs: 1, unit: 'w' },
  endofweek: { name: 'endOfWeek', kinds: DATE_KINDS, maxArgs: 1, unit: 'w' },
  startofmonth: { name: 'startOfMonth', kinds: DATE_KINDS, maxArgs: 1, unit: 'M' },
  endofmonth: { name: 'endOfMonth', kinds: DATE_KINDS, maxArgs: 1, unit: 'M' },
  startofyear: { name: 'startOfYear', kinds: DATE_KINDS, maxArgs: 1, unit: 'y' },
  endofyear: { name: 'endOfYear', kinds: DATE_KINDS, maxArgs: 1, unit: 'y' },
};

function isFunctionName(name: string): name is JqlFunctionName {
  return Object.hasOwn(FUNCTIONS, name);
}

// ---------------------------------------------------------------------------------------------
// Checking the tree as Jira does, into the query the matcher runs

const MAX_DEPTH = 64;
const DATE_FORMATS =
  "Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.";

/** Walks Atlassian's syntax tree once, resolving fields and collecting every message Jira would answer. */
class Checker {
  readonly messages: string[] = [];
  constructor(private readonly index: PropertyIndex) {}

  private fail(message: string): void {
    if (!this.messages.includes(message)) this.messages.push(message);
  }

  query(tree: Query): JqlQuery {
    const where = tree.where ? this.clause(tree.where, 0) : null;
    const orderBy: JqlOrderTerm[] = [];
    for (const term of tree.orderBy ? tree.orderBy.fields : []) {
      const field = this.field(term.field, true);
      if (field) orderBy.push({ field, direction: term.direction?.value === 'DESC' ? 'desc' : 'asc' });
    }
    return { where, orderBy };
  }

  private clause(clause: Clause, depth: number): JqlClause | null {
    if (depth > MAX_DEPTH) {
      this.fail('Error in the JQL Query: The query is nested too deeply to be read.');
      return null;
    }
    switch (clause.clauseType) {
      case 'compound': {
        const parts = clause.clauses.map((c) => this.clause(c, depth + 1));
        const clauses = parts.filter((c): c is JqlClause => c !== null);
        return { kind: clause.operator.value === 'or' ? 'or' : 'and', clauses };
      }
      case 'not': {
        const inner = this.clause(clause.clause, depth + 1);
        return inner && { kind: 'not', clause: inner };
      }
      case 'terminal':
        return this.terminal(clause);
    }
  }

  /** `issue.property[key].path`, or an alias, or a system field; null (and a message) when none exists. */
  private field(field: Field, forOrder: boolean): JqlField | null {
    const label = fieldLabel(field);
    const properties = field.properties ?? [];
    if (properties.length > 0) {
      const property = properties[0]!;
      const key = property.key ? jqlStringValue(property.key.text) : '';
      const path = (property.path ?? [])
        .map((p) => jqlStringValue(p.text))
        .join('')
        .replace(/^\./, '');
      // Only the paths the manifest's jira:entityProperty declares are indexed: any other answers 400 on Jira.
      const entry =
        field.value.toLowerCase() === 'issue.property' && properties.length === 1
          ? this.index.find((e) => e.propertyKey === key && e.path === path)
          : undefined;
      if (entry) return { kind: 'property', entry, label };
    } else {
      const name = jqlStringValue(field.text).toLowerCase();
      const builtin = BUILTIN_NAMES[name];
      if (builtin && (forOrder || !ORDER_ONLY.has(builtin))) return { kind: 'builtin', name: builtin, label };
      const entry = this.index.find((e) => e.searchAlias?.toLowerCase() === name);
      if (entry && !builtin) return { kind: 'property', entry, label };
    }
    this.fail(`Field '${label}' does not exist or you do not have permission to view it.`);
    return null;
  }

  private terminal(clause: TerminalClause): JqlClause | null {
    const field = this.field(clause.field, false);
    const operator = clause.operator ? clause.operator.value : undefined;
    if (!field) {
      // Jira lists every error: an unknown function beside an unknown field too.
      if (clause.operand) this.functionNames(clause.operand);
      return null;
    }
    if (!operator || !clause.operand) return null;
    const kind = kindOf(field);
    // The emulator keeps no field history, so WAS and CHANGED are not supported by any of its fields.
    if (!(OPERATORS_OF[kind] as readonly string[]).includes(operator)) {
      this.fail(`The operator '${operator}' is not supported by the '${field.label}' field.`);
      return null;
    }
    const operand = this.operand(clause.operand, field, kind);
    return operand && { kind: 'compare', field, operator: operator as JqlOperator, operand };
  }

  private operand(operand: Operand, field: JqlField, kind: FieldKind): JqlOperand | null {
    switch (operand.operandType) {
      case 'keyword':
        return { kind: 'empty' };
      case 'list': {
        const items = operand.values.map((v) => this.operand(v, field, kind));
        const checked = items.filter((i): i is JqlOperand => i !== null);
        return checked.length === items.length ? { kind: 'list', items: checked } : null;
      }
      case 'function': {
        const written = operand.function.value;
        const name = written.toLowerCase();
        if (!isFunctionName(name)) {
          this.fail(`Unable to find JQL function '${written}()'.`);
          return null;
        }
        const spec = FUNCTIONS[name];
        const args = operand.arguments.map((a) => jqlStringValue(a.text));
        if (args.length > spec.maxArgs) {
          const expected = spec.maxArgs === 0 ? "'0'" : `between '0' and '${spec.maxArgs}'`;
          this.fail(`Function '${spec.name}' expected ${expected} arguments but received '${args.length}'.`);
          return null;
        }
        if (args[0] !== undefined && !/^[+-]?\d{1,9}[yMwdhm]?$/.test(args[0].trim())) {
          this.fail(
            `Duration for function '${spec.name}' should have the format (+/-)n(yMwdm), e.g -1M for 1 month earlier.`,
          );
          return null;
        }
        if (!spec.kinds.includes(kind)) {
          this.fail(
            `A value provided by the function '${spec.name}' is invalid for the field '${field.label}'.`,
          );
          return null;
        }
        return { kind: 'function', name, args };
      }
      case 'value':
        return this.value(jqlStringValue(operand.text), field, kind);
    }
  }

  private functionNames(operand: Operand): void {
    if (operand.operandType === 'list') operand.values.forEach((v) => this.functionNames(v));
    if (operand.operandType === 'function' && !isFunctionName(operand.function.value.toLowerCase())) {
      this.fail(`Unable to find JQL function '${operand.function.value}()'.`);
    }
  }

  private value(value: string, field: JqlField, kind: FieldKind): JqlOperand | null {
    const invalid = (message: string): null => {
      this.fail(message);
      return null;
    };
    if (
      field.kind === 'builtin' &&
      field.name === 'statusCategory' &&
      !STATUS_CATEGORIES[value.toLowerCase()]
    ) {
      return invalid(`The value '${value}' does not exist for the field '${field.label}'.`);
    }
    if ((kind === 'date' || kind === 'day') && parseDateOperand(value, new Date(0)) === null) {
      return invalid(`Date value '${value}' for field '${field.label}' is invalid. ${DATE_FORMATS}`);
    }
    if (kind === 'number' && (value.trim() === '' || !Number.isFinite(Number(value)))) {
      return invalid(`The value '${value}' is not a valid number for the field '${field.label}'.`);
    }
    if (kind === 'sprint' && !/^\d+$/.test(value)) {
      return invalid(`The value '${value}' does not exist for the field '${field.label}'.`);
    }
    return { kind: 'value', value };
  }
}

function fieldLabel(field: Field): string {
  const property = field.properties?.[0];
  if (!property) return jqlStringValue(field.text);
  const path = (property.path ?? []).map((p) => jqlStringValue(p.text)).join('');
  return `${field.value}[${property.key ? jqlStringValue(property.key.text) : ''}]${path}`;
}

/** Recent answers per index: a paged search sends the same text again for every page, and ANTLR is not cheap. */
const recent = new WeakMap<PropertyIndex, Map<string, JqlQuery | string[]>>();
const RECENT_LIMIT = 200;

/**
 * Reads JQL as Jira does, against the app's entity-property index. Throws JqlError, with the messages of Jira's
 * 400 answer, for a syntax error and for anything Jira's validation refuses. The query is shared between calls
 * with the same text and index: treat it as read-only.
 */
export function parseJql(text: string, index: PropertyIndex): JqlQuery {
  let seen = recent.get(index);
  if (!seen) recent.set(index, (seen = new Map<string, JqlQuery | string[]>()));
  let answer = seen.get(text);
  if (answer === undefined) {
    answer = checkedQuery(text, index);
    if (seen.size >= RECENT_LIMIT) seen.delete(seen.keys().next().value as string);
    seen.set(text, answer);
  }
  if (Array.isArray(answer)) throw new JqlError(answer);
  return answer;
}

function checkedQuery(text: string, index: PropertyIndex): JqlQuery | string[] {
  const checker = new Checker(index);
  let tree: Query;
  try {
    tree = parseJqlSyntax(text);
  } catch (error) {
    if (error instanceof JqlError) return error.messages;
    throw error;
  }
  const query = checker.query(tree);
  return checker.messages.length > 0 ? checker.messages : query;
}

// ---------------------------------------------------------------------------------------------
// Dates

const DAY_MS = 86_400_000;
const UNIT_MS: Record<string, number> = { w: 7 * DAY_MS, d: DAY_MS, h: 3_600_000, m: 60_000 };

export const UTC_ZONES: ReadonlySet<string> = new Set(['UTC', 'Etc/UTC', 'GMT', 'Etc/GMT']);
const zoneFormats = new Map<string, Intl.DateTimeFormat>();
const zonedInstants = new Map<string, number>();

/** How far the zone's wall clock is ahead of UTC at an instant, in ms (whole seconds). */
export function zoneOffsetMs(timeZone: string, at: number): number {
  let made = zoneFormats.get(timeZone);
  if (!made) {
    made = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    zoneFormats.set(timeZone, made);
  }
  const parts = made.formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((p) => p.type === type)?.value ?? NaN);
  const wall = Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  );
  return wall - (at - (((at % 1000) + 1000) % 1000));
}

/** The instant a wall-clock time names in a time zone; `wall` holds its fields as if it were UTC. */
function zonedInstant(wall: number, timeZone: string | undefined): number {
  if (!timeZone || UTC_ZONES.has(timeZone)) return wall;
  // A search matches every issue against the same few dates: each is worked out once.
  const key = `${timeZone} ${wall}`;
  const known = zonedInstants.get(key);
  if (known !== undefined) return known;
  const guess = wall - zoneOffsetMs(timeZone, wall);
  const at = wall - zoneOffsetMs(timeZone, guess);
  if (zonedInstants.size >= 1000) zonedInstants.clear();
  zonedInstants.set(key, at);
  return at;
}

/**
 * A JQL date value as an instant, plus whether it named a whole day (and then where that day ends). An absolute
 * date is a wall-clock time in `timeZone` (UTC when absent). Null when invalid.
 */
function parseDateOperand(
  value: string,
  now: Date,
  timeZone?: string,
): { at: number; dayOnly: boolean; dayEnd: number } | null {
  const v = value.trim();
  const abs = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2}))?$/.exec(v);
  if (abs) {
    const [, y, mo, d, h, mi] = abs;
    const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0));
    const check = new Date(wall);
    if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d)) return null;
    if (Number(h ?? 0) > 23) return null;
    const at = zonedInstant(wall, timeZone);
    const dayEnd = zonedInstant(Date.UTC(Number(y), Number(mo) - 1, Number(d) + 1), timeZone);
    return { at, dayOnly: h === undefined, dayEnd };
  }
  // Relative offsets such as "-30d", "4w", "-1w 2d", "-90m"
  const parts = v.split(/\s+/);
  let total = 0;
  let sign = 1;
  for (const [index, part] of parts.entries()) {
    const m = /^([-+]?)(\d{1,9})([wdhm])$/i.exec(part);
    if (!m) return null;
    if (index === 0 && m[1] === '-') sign = -1;
    total += Number(m[2]) * UNIT_MS[m[3]!.toLowerCase()]!;
  }
  const at = now.getTime() + sign * total;
  return { at, dayOnly: false, dayEnd: at };
}

function startOfUtcDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/** `at` moved by a function argument such as "-1", "+2w" or "-1M"; a bare number counts in `unit`. */
function shifted(at: number, arg: string | undefined, unit: string): number {
  const m = arg === undefined ? null : /^([+-]?\d{1,9})([yMwdhm]?)$/.exec(arg.trim());
  if (!m) return at;
  const amount = Number(m[1]);
  const by = m[2] || unit;
  if (by === 'M' || by === 'y') {
    const d = new Date(at);
    const months = by === 'y' ? amount * 12 : amount;
    return Date.UTC(
      d.getUTCFullYear(),
      d.getUTCMonth() + months,
      d.getUTCDate(),
      d.getUTCHours(),
      d.getUTCMinutes(),
      d.getUTCSeconds(),
      d.getUTCMilliseconds(),
    );
  }
  return at + amount * (UNIT_MS[by] ?? DAY_MS);
}

function dateFunction(name: JqlFunctionName, args: string[], now: Date): number {
  const today = startOfUtcDay(now.getTime());
  const d = new Date(today);
  const weekStart = today - ((d.getUTCDay() + 6) % 7) * DAY_MS; // Monday
  const monthStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const unit = FUNCTIONS[name].unit ?? 'd';
  const at = (start: number, end: boolean, period: string): number =>
    end ? shifted(shifted(start, '1', period), args[0], unit) - 1 : shifted(start, args[0], unit);
  switch (name) {
    case 'startofday':
    case 'endofday':
      return at(today, name === 'endofday', 'd');
    case 'startofweek':
    case 'endofweek':
      return at(weekStart, name === 'endofweek', 'w');
    case 'startofmonth':
    case 'endofmonth':
      return at(monthStart, name === 'endofmonth', 'M');
    case 'startofyear':
    case 'endofyear':
      return at(yearStart, name === 'endofyear', 'y');
    default:
      return now.getTime();
  }
}

// ---------------------------------------------------------------------------------------------
// Matching

type Scalar = string | number;

function readPath(root: unknown, path: string): unknown {
  let cur: unknown = root;
  for (const seg of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

function flatten(value: unknown): Scalar[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.flatMap(flatten);
  if (typeof value === 'number') return Number.isFinite(value) ? [value] : [];
  if (typeof value === 'string' || typeof value === 'boolean') return [String(value)];
  return [];
}

/**
 * A `date` index value as Jira takes it, as an instant: only the shapes Forge's reference for `jira:entityProperty`
 * documents ("Property values": [YYYY]-[MM]-[DD], or [YYYY]-[MM]-[DD]T[hh]:[mm]:[ss][TZ] with [TZ] Z or
 * +/-[hh]:[mm]). A day is its start in UTC. Anything else (milliseconds, prose, a number) is not indexed: EMPTY.
 */
const INDEXED_DATE_RE = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}(?:Z|[+-]\d{2}:\d{2}))?$/;
function indexedDate(value: Scalar): number[] {
  if (typeof value !== 'string' || !INDEXED_DATE_RE.test(value)) return [];
  const at = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
  return Number.isNaN(at) ? [] : [at];
}

/** The issue's values for the field; an empty array means the field is EMPTY. */
function valuesOf(field: JqlField, issue: JqlIssueView): Scalar[] {
  if (field.kind === 'property') {
    const values = flatten(readPath(issue.properties[field.entry.propertyKey], field.entry.path));
    return field.entry.type === 'date' ? values.flatMap(indexedDate) : values;
  }
  const opt = (v: string | null): string[] => (v === null ? [] : [v]);
  switch (field.name) {
    case 'project':
      return [issue.projectKey];
    case 'statusCategory':
      return [issue.statusCategory];
    case 'status':
      return [issue.statusName];
    case 'issuetype':
      return [issue.issueType];
    case 'labels':
      return issue.labels;
    case 'assignee':
      return opt(issue.assignee);
    case 'reporter':
      return opt(issue.reporter);
    case 'resolution':
      return opt(issue.resolution);
    case 'key':
    case 'id':
      return [issue.key, issue.id];
    case 'parent':
      return opt(issue.parentKey);
    case 'sprint':
      return issue.sprintIds;
    case 'created':
      return [Date.parse(issue.created)];
    case 'updated':
      return [Date.parse(issue.updated)];
    default:
      return []; // rank and priority: ORDER BY only
  }
}

/** The operand's candidate values, expanded for the field (names to keys, functions to values). */
function expandOperand(
  field: JqlField,
  item: JqlOperand,
  kind: FieldKind,
  ctx: JqlContext,
): Array<Scalar | null> {
  if (item.kind === 'empty') return [null];
  if (item.kind === 'list') return item.items.flatMap((i) => expandOperand(field, i, kind, ctx));
  if (item.kind === 'function') {
    if (item.name === 'currentuser') return ctx.currentAccountId ? [ctx.currentAccountId] : [];
    if (item.name === 'opensprints') return ctx.openSprintIds ?? [];
    if (item.name === 'closedsprints') return [];
    return [dateFunction(item.name, item.args, ctx.now)];
  }
  const raw = item.value;
  if (field.kind === 'builtin') {
    if (field.name === 'statusCategory') return [STATUS_CATEGORIES[raw.toLowerCase()] ?? raw];
    if (field.name === 'resolution' && raw.toLowerCase() === 'unresolved') return [null];
  }
  // A date-time field's absolute date is read in the searching account's zone; a day field holds a calendar day.
  if (kind === 'date') return [parseDateOperand(raw, ctx.now, ctx.timeZone)?.at ?? NaN];
  if (kind === 'day') return [parseDateOperand(raw, ctx.now)?.at ?? NaN];
  if (kind === 'number' || kind === 'sprint') return [Number(raw)];
  return [raw];
}

function toNumber(v: Scalar, kind: FieldKind): number {
  // A property date is an instant (indexedDate), compared as one: a day is its UTC start, a time is kept.
  if (kind === 'day') return typeof v === 'number' ? v : Date.parse(v);
  return typeof v === 'number' ? v : Number(v);
}

function equal(a: Scalar, b: Scalar, kind: FieldKind): boolean {
  switch (kind) {
    case 'account':
      return String(a) === String(b);
    case 'number':
    case 'sprint':
    case 'date':
    case 'day':
      return toNumber(a, kind) === toNumber(b, kind);
    default:
      return String(a).toLowerCase() === String(b).toLowerCase();
  }
}

function contains(haystack: Scalar, needle: Scalar): boolean {
  const words = String(needle)
    .toLowerCase()
    .split(/\s+/)
    .map((w) => w.replace(/^\*+|\*+$/g, ''))
    .filter(Boolean);
  const hay = String(haystack).toLowerCase();
  return words.length > 0 && words.every((w) => hay.includes(w));
}

function keyProject(v: Scalar): string {
  return String(v).split('-')[0]!.toUpperCase();
}
function keyNumber(v: Scalar): number {
  const m = /-(\d+)$/.exec(String(v));
  return m ? Number(m[1]) : NaN;
}

/** Orders two values of a field: keys by number within one project, others as numbers. Null: incomparable. */
function ordered(a: Scalar, b: Scalar, kind: FieldKind): number | null {
  if (kind === 'key') {
    // `id > 10000`: a number compares with the issue's id, across projects (a key only within its project).
    if (/^\d+$/.test(String(b))) return typeof a === 'number' ? a - Number(b) : null;
    if (typeof a === 'number' || keyProject(a) !== keyProject(b)) return null;
    const [x, y] = [keyNumber(a), keyNumber(b)];
    return Number.isNaN(x) || Number.isNaN(y) ? null : x - y;
  }
  const [x, y] = [toNumber(a, kind), toNumber(b, kind)];
  return Number.isNaN(x) || Number.isNaN(y) ? null : x - y;
}

function matchCompare(
  clause: Extract<JqlClause, { kind: 'compare' }>,
  issue: JqlIssueView,
  ctx: JqlContext,
): boolean {
  const { field, operator, operand } = clause;
  const kind = kindOf(field);
  const values = valuesOf(field, issue);
  const wanted = expandOperand(field, operand, kind, ctx);
  const wantsEmpty = wanted.includes(null);
  const concrete = wanted.filter((w): w is Scalar => w !== null);
  // `updated = "2024-01-31"` matches that whole day, in the searching account's zone.
  const day =
    kind === 'date' && operand.kind === 'value' && (operator === '=' || operator === '!=')
      ? parseDateOperand(operand.value, ctx.now, ctx.timeZone)
      : null;
  const dayOnlyEquals = day?.dayOnly === true;
  const eq = (v: Scalar, w: Scalar): boolean =>
    dayOnlyEquals && day ? Number(v) >= day.at && Number(v) < day.dayEnd : equal(v, w, kind);
  const anyEqual = (): boolean => values.some((v) => concrete.some((w) => eq(v, w)));

  switch (operator) {
    case 'is':
      return values.length === 0;
    case 'is not':
      return values.length > 0;
    case '=':
    case 'in':
      return (wantsEmpty && values.length === 0) || anyEqual();
    case '!=':
    case 'not in':
      // As in Jira, a negative match never selects an issue whose field is EMPTY.
      return values.length > 0 && !anyEqual();
    case '~':
      return values.some((v) => concrete.some((w) => contains(v, w)));
    case '!~':
      return values.length > 0 && !values.some((v) => concrete.some((w) => contains(v, w)));
    default:
      return values.some((v) =>
        concrete.some((w) => {
          const cmp = ordered(v, w, kind);
          if (cmp === null) return false;
          if (operator === '<') return cmp < 0;
          if (operator === '<=') return cmp <= 0;
          if (operator === '>') return cmp > 0;
          return cmp >= 0;
        }),
      );
  }
}

function matchClause(clause: JqlClause, issue: JqlIssueView, ctx: JqlContext): boolean {
  switch (clause.kind) {
    case 'and':
      return clause.clauses.every((c) => matchClause(c, issue, ctx));
    case 'or':
      return clause.clauses.some((c) => matchClause(c, issue, ctx));
    case 'not':
      return !matchClause(clause.clause, issue, ctx);
    case 'compare':
      return matchCompare(clause, issue, ctx);
  }
}

export function matchesJql(query: JqlQuery, issue: JqlIssueView, ctx: JqlContext): boolean {
  return query.where === null || matchClause(query.where, issue, ctx);
}

// ---------------------------------------------------------------------------------------------
// Ordering

function sortValue(field: JqlField, issue: JqlIssueView): Scalar | null {
  if (field.kind === 'property') {
    const first = valuesOf(field, issue)[0];
    if (first === undefined) return null;
    const type = field.entry.type;
    return type === 'number' ? Number(first) : first;
  }
  switch (field.name) {
    case 'key':
      return `${issue.projectKey.padEnd(12, ' ')}${String(keyNumber(issue.key)).padStart(12, '0')}`;
    case 'created':
      return Date.parse(issue.created);
    case 'updated':
      return Date.parse(issue.updated);
    case 'project':
      return issue.projectKey;
    case 'status':
      return issue.statusName.toLowerCase();
    case 'statusCategory':
      // A status without a category first, then To Do, In Progress, Done.
      return ['none', 'new', 'indeterminate', 'done'].indexOf(issue.statusCategory);
    case 'issuetype':
      return issue.issueType.toLowerCase();
    case 'assignee':
      return issue.assignee;
    case 'reporter':
      return issue.reporter;
    case 'resolution':
      return issue.resolution;
    case 'parent':
      return issue.parentKey;
    case 'sprint':
      return issue.sprintIds[0] ?? null;
    default:
      // id, rank (the emulator has no rank: creation order) and priority (not modelled)
      return issue.id;
  }
}

/** Sorts by the ORDER BY terms, EMPTY values last, then by id ascending so the order is total. */
export function compareByOrder(query: JqlQuery): (a: JqlIssueView, b: JqlIssueView) => number {
  const terms = query.orderBy;
  return (a, b) => {
    for (const term of terms) {
      const va = sortValue(term.field, a);
      const vb = sortValue(term.field, b);
      if (va === vb) continue;
      if (va === null) return 1;
      if (vb === null) return -1;
      const cmp =
        typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
      if (cmp !== 0 && !Number.isNaN(cmp)) return term.direction === 'desc' ? -cmp : cmp;
    }
    return a.id - b.id;
  };
}

/** Whether the query calls a function anywhere (the search route loads sprints only for openSprints()). */
export function usesFunction(query: JqlQuery, name: JqlFunctionName): boolean {
  const inOperand = (o: JqlOperand): boolean =>
    o.kind === 'function' ? o.name === name : o.kind === 'list' && o.items.some(inOperand);
  const inClause = (c: JqlClause): boolean => {
    switch (c.kind) {
      case 'and':
      case 'or':
        return c.clauses.some(inClause);
      case 'not':
        return inClause(c.clause);
      case 'compare':
        return inOperand(c.operand);
    }
  };
  return query.where !== null && inClause(query.where);
}

// ---------------------------------------------------------------------------------------------
// Store hints

type Category = JqlIssueView['statusCategory'];
const ALL_CATEGORIES: Category[] = ['new', 'indeterminate', 'done', 'none'];

/**
 * Hints the store may use to narrow rows before matching. Only top-level AND terms with literal
 * values contribute, so the hint is never narrower than the real result.
 */
export function sqlPrefilter(query: JqlQuery): {
  projectKeys?: string[];
  statusCategories?: Category[];
  /** From `id >= n` / `id > n` and `id < n` / `id <= n`: the ids a match lies in, [from, below). */
  idFrom?: number;
  idBelow?: number;
} {
  const out: ReturnType<typeof sqlPrefilter> = {};
  const where = query.where;
  if (!where) return out;
  const terms = where.kind === 'and' ? where.clauses : [where];
  for (const term of terms) {
    if (term.kind !== 'compare' || term.field.kind !== 'builtin') continue;
    const items = term.operand.kind === 'list' ? term.operand.items : [term.operand];
    const literal = items.flatMap((i) => (i.kind === 'value' ? [i.value] : []));
    if (literal.length !== items.length) continue;
    const positive = term.operator === '=' || term.operator === 'in';
    const negative = term.operator === '!=' || term.operator === 'not in';
    if (term.field.name === 'project' && positive) {
      // A numeric project id cannot be turned into a key here: give no hint rather than a wrong one.
      if (literal.some((v) => /^\d+$/.test(v))) continue;
      const keys = literal.map((v) => v.toUpperCase());
      out.projectKeys = out.projectKeys
        ? out.projectKeys.filter((k) => keys.includes(k))
        : [...new Set(keys)];
    }
    if (term.field.name === 'id' && literal.length === 1 && /^\d+$/.test(literal[0]!)) {
      const n = Number(literal[0]);
      if (term.operator === '>=' || term.operator === '>') {
        const from = term.operator === '>' ? n + 1 : n;
        out.idFrom = Math.max(out.idFrom ?? 0, from);
      }
      if (term.operator === '<' || term.operator === '<=') {
        const below = term.operator === '<=' ? n + 1 : n;
        out.idBelow = Math.min(out.idBelow ?? Number.MAX_SAFE_INTEGER, below);
      }
    }
    if (term.field.name === 'statusCategory' && (positive || negative)) {
      const named = new Set<Category | undefined>(literal.map((v) => STATUS_CATEGORIES[v.toLowerCase()]));
      const allowed = ALL_CATEGORIES.filter((c) => (positive ? named.has(c) : !named.has(c)));
      out.statusCategories = out.statusCategories
        ? out.statusCategories.filter((c) => allowed.includes(c))
        : allowed;
    }
  }
  return out;
}
