/**
 * A JQL subset for the Jira emulator: what the app's scans and a user's backlog filter send.
 * Parsing is a hand-written tokenizer plus recursive descent, linear in the input and bounded in
 * length and nesting, so hostile input cannot hang the workbench. Positions in messages are 1-based.
 */

export class JqlSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JqlSyntaxError';
  }
}

export type PropertyIndex = Array<{
  propertyKey: string;
  path: string;
  type: 'number' | 'string' | 'text' | 'user' | 'date';
  searchAlias: string;
}>;

export interface JqlIssueView {
  id: number;
  key: string;
  projectKey: string;
  issueType: string;
  statusName: string;
  statusCategory: 'new' | 'indeterminate' | 'done';
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
  aliases: PropertyIndex;
  currentAccountId?: string | null;
  /** Ids of the sprints that are active or future; `openSprints()` matches none when absent. */
  openSprintIds?: number[];
}

export type JqlOperator =
  '=' | '!=' | '<' | '<=' | '>' | '>=' | '~' | '!~' | 'in' | 'not in' | 'is' | 'is not';

export type JqlField =
  | { kind: 'builtin'; name: BuiltinField }
  /** Not a built-in: an entity-property search alias, resolved against the PropertyIndex. */
  | { kind: 'alias'; name: string }
  | { kind: 'property'; propertyKey: string; path: string };

export type JqlOperand =
  | { kind: 'value'; value: string }
  | { kind: 'empty' }
  | { kind: 'function'; name: string; args: string[] }
  | { kind: 'list'; items: JqlOperand[] };

export type JqlClause =
  | { kind: 'and'; clauses: JqlClause[] }
  | { kind: 'or'; clauses: JqlClause[] }
  | { kind: 'not'; clause: JqlClause }
  | { kind: 'compare'; field: JqlField; operator: JqlOperator; operand: JqlOperand; position: number };

export interface JqlOrderTerm {
  field: JqlField;
  direction: 'asc' | 'desc';
}

export interface JqlQuery {
  /** Null when the query has no condition (empty text or only ORDER BY): every issue matches. */
  where: JqlClause | null;
  orderBy: JqlOrderTerm[];
}

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

/** Fields that may appear only in ORDER BY (no data to filter on in the emulator). */
const ORDER_ONLY: ReadonlySet<BuiltinField> = new Set(['rank', 'priority']);

export const MAX_JQL_LENGTH = 10_000;
const MAX_DEPTH = 64;
const PREFIX = 'Error in the JQL Query: ';

function syntaxError(message: string, position: number): JqlSyntaxError {
  return new JqlSyntaxError(`${PREFIX}${message} at position ${position + 1}.`);
}

function unknownField(name: string): JqlSyntaxError {
  return new JqlSyntaxError(`Field '${name}' does not exist or you do not have permission to view it.`);
}

// ---------------------------------------------------------------------------------------------
// Tokenizer

type Token =
  | { t: 'word'; v: string; pos: number }
  | { t: 'string'; v: string; pos: number }
  | { t: 'op'; v: string; pos: number }
  | { t: 'punct'; v: '(' | ')' | ','; pos: number }
  | { t: 'prop'; key: string; path: string; pos: number }
  | { t: 'eof'; pos: number };

const WORD_CHAR = /[A-Za-z0-9_.\-+/:@$#*]/;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const pos = i;
    if (c === '(' || c === ')' || c === ',') {
      tokens.push({ t: 'punct', v: c, pos });
      i++;
    } else if (c === '"' || c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw syntaxError('Unterminated quoted string', pos);
        const d = text[i]!;
        if (d === '\\') {
          const next = text[i + 1];
          if (next === undefined) throw syntaxError('Unterminated quoted string', pos);
          value += next === 'n' ? '\n' : next === 't' ? '\t' : next;
          i += 2;
        } else if (d === c) {
          i++;
          break;
        } else {
          value += d;
          i++;
        }
      }
      tokens.push({ t: 'string', v: value, pos });
    } else if ('=!<>~'.includes(c)) {
      const two = text.slice(i, i + 2);
      if (two === '!=' || two === '<=' || two === '>=' || two === '!~') {
        tokens.push({ t: 'op', v: two, pos });
        i += 2;
      } else if (c === '!') {
        tokens.push({ t: 'word', v: 'NOT', pos });
        i++;
      } else {
        tokens.push({ t: 'op', v: c, pos });
        i++;
      }
    } else if (c === '&' || c === '|') {
      tokens.push({ t: 'word', v: c === '&' ? 'AND' : 'OR', pos });
      i += text[i + 1] === c ? 2 : 1;
    } else if (WORD_CHAR.test(c)) {
      let j = i;
      while (j < text.length && WORD_CHAR.test(text[j]!)) j++;
      const word = text.slice(i, j);
      // issue.property[key].path: the raw entity-property form
      if (word.toLowerCase() === 'issue.property' && text[j] === '[') {
        const close = text.indexOf(']', j);
        if (close < 0) throw syntaxError("Expecting ']'", j);
        const key = text.slice(j + 1, close).trim();
        if (!key) throw syntaxError('Expecting a property key', j + 1);
        let k = close + 1;
        let path = '';
        if (text[k] === '.') {
          let m = k + 1;
          while (m < text.length && /[A-Za-z0-9_.-]/.test(text[m]!)) m++;
          path = text.slice(k + 1, m);
          if (!path) throw syntaxError('Expecting a property path', k + 1);
          k = m;
        }
        tokens.push({ t: 'prop', key, path, pos });
        i = k;
      } else {
        tokens.push({ t: 'word', v: word, pos });
        i = j;
      }
    } else {
      throw syntaxError(`The character '${c}' is not valid here`, pos);
    }
  }
  tokens.push({ t: 'eof', pos: text.length });
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// Parser

const RESERVED = new Set(['and', 'or', 'not', 'in', 'is', 'empty', 'null', 'order', 'by', 'asc', 'desc']);

function describe(tok: Token): string {
  switch (tok.t) {
    case 'eof':
      return 'the end of the query';
    case 'prop':
      return `'issue.property[${tok.key}]'`;
    case 'string':
      return `"${tok.v}"`;
    default:
      return `'${tok.v}'`;
  }
}

class Parser {
  private i = 0;
  private depth = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly aliases: PropertyIndex | undefined,
  ) {}

  private peek(): Token {
    return this.tokens[this.i]!;
  }
  private next(): Token {
    const tok = this.tokens[this.i]!;
    if (tok.t !== 'eof') this.i++;
    return tok;
  }
  private isWord(word: string, tok: Token = this.peek()): boolean {
    return tok.t === 'word' && tok.v.toLowerCase() === word;
  }
  private expectPunct(p: '(' | ')' | ','): void {
    const tok = this.peek();
    if (tok.t === 'punct' && tok.v === p) {
      this.next();
      return;
    }
    throw syntaxError(`Expecting '${p}' but got ${describe(tok)}`, tok.pos);
  }

  parseQuery(): JqlQuery {
    let where: JqlClause | null = null;
    if (this.peek().t !== 'eof' && !this.isWord('order')) where = this.parseOr();
    const orderBy: JqlOrderTerm[] = [];
    if (this.isWord('order')) {
      this.next();
      if (!this.isWord('by')) throw syntaxError("Expecting 'by' after 'order'", this.peek().pos);
      this.next();
      do {
        if (orderBy.length > 0) this.next(); // the comma
        const field = this.parseField(true);
        let direction: 'asc' | 'desc' = 'asc';
        if (this.isWord('desc')) {
          this.next();
          direction = 'desc';
        } else if (this.isWord('asc')) {
          this.next();
        }
        orderBy.push({ field, direction });
      } while (this.peek().t === 'punct' && (this.peek() as { v: string }).v === ',');
    }
    const tok = this.peek();
    if (tok.t !== 'eof') {
      const msg =
        tok.t === 'punct' && tok.v === ')'
          ? "Unexpected ')'"
          : `Expecting 'AND', 'OR' or 'ORDER BY' but got ${describe(tok)}`;
      throw syntaxError(msg, tok.pos);
    }
    return { where, orderBy };
  }

  private enter(pos: number): void {
    if (++this.depth > MAX_DEPTH) throw syntaxError('The query is nested too deeply', pos);
  }

  private parseOr(): JqlClause {
    const clauses = [this.parseAnd()];
    while (this.isWord('or')) {
      this.next();
      clauses.push(this.parseAnd());
    }
    return clauses.length === 1 ? clauses[0]! : { kind: 'or', clauses };
  }

  private parseAnd(): JqlClause {
    const clauses = [this.parseNot()];
    while (this.isWord('and')) {
      this.next();
      clauses.push(this.parseNot());
    }
    return clauses.length === 1 ? clauses[0]! : { kind: 'and', clauses };
  }

  private parseNot(): JqlClause {
    const tok = this.peek();
    if (this.isWord('not')) {
      this.next();
      this.enter(tok.pos);
      const clause = this.parseNot();
      this.depth--;
      return { kind: 'not', clause };
    }
    if (tok.t === 'punct' && tok.v === '(') {
      this.next();
      this.enter(tok.pos);
      const inner = this.parseOr();
      this.depth--;
      this.expectPunct(')');
      return inner;
    }
    return this.parseComparison();
  }

  private parseField(forOrder: boolean): JqlField {
    const tok = this.next();
    if (tok.t === 'prop') return { kind: 'property', propertyKey: tok.key, path: tok.path };
    if ((tok.t === 'word' && !RESERVED.has(tok.v.toLowerCase())) || tok.t === 'string') {
      const builtin = BUILTIN_NAMES[tok.v.toLowerCase()];
      if (builtin) {
        if (!forOrder && ORDER_ONLY.has(builtin)) throw unknownField(tok.v);
        return { kind: 'builtin', name: builtin };
      }
      if (this.aliases && !findAlias(this.aliases, tok.v)) throw unknownField(tok.v);
      if (tok.t === 'word' && !/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(tok.v)) throw unknownField(tok.v);
      return { kind: 'alias', name: tok.v };
    }
    throw syntaxError(`Expecting a field name but got ${describe(tok)}`, tok.pos);
  }

  private parseComparison(): JqlClause {
    const start = this.peek().pos;
    const field = this.parseField(false);
    const opTok = this.next();
    let operator: JqlOperator;
    if (opTok.t === 'op') operator = opTok.v as JqlOperator;
    else if (this.isWord('in', opTok)) operator = 'in';
    else if (this.isWord('is', opTok)) {
      operator = 'is';
      if (this.isWord('not')) {
        this.next();
        operator = 'is not';
      }
    } else if (this.isWord('not', opTok) && this.isWord('in')) {
      this.next();
      operator = 'not in';
    } else {
      throw syntaxError(`Expecting an operator but got ${describe(opTok)}`, opTok.pos);
    }

    let operand: JqlOperand;
    if (operator === 'is' || operator === 'is not') {
      const tok = this.next();
      if (!this.isWord('empty', tok) && !this.isWord('null', tok)) {
        throw syntaxError(`Expecting 'EMPTY' or 'NULL' but got ${describe(tok)}`, tok.pos);
      }
      operand = { kind: 'empty' };
    } else if (operator === 'in' || operator === 'not in') {
      const tok = this.peek();
      if (tok.t === 'punct' && tok.v === '(') {
        this.next();
        const items: JqlOperand[] = [this.parseValue()];
        while (this.peek().t === 'punct' && (this.peek() as { v: string }).v === ',') {
          this.next();
          items.push(this.parseValue());
        }
        this.expectPunct(')');
        operand = { kind: 'list', items };
      } else {
        operand = this.parseValue();
        if (operand.kind !== 'function') throw syntaxError("Expecting '(' after 'in'", tok.pos);
      }
    } else {
      operand = this.parseValue();
    }
    validateStatic(field, operator, operand, start, this.aliases);
    return { kind: 'compare', field, operator, operand, position: start };
  }

  private parseValue(): JqlOperand {
    const tok = this.next();
    if (tok.t === 'string') return { kind: 'value', value: tok.v };
    if (tok.t === 'word') {
      const lower = tok.v.toLowerCase();
      if (lower === 'empty' || lower === 'null') return { kind: 'empty' };
      if (RESERVED.has(lower)) throw syntaxError(`Expecting a value but got ${describe(tok)}`, tok.pos);
      const after = this.peek();
      if (after.t === 'punct' && after.v === '(') {
        this.next();
        const args: string[] = [];
        if (!(this.peek().t === 'punct' && (this.peek() as { v: string }).v === ')')) {
          for (;;) {
            const arg = this.next();
            if (arg.t !== 'word' && arg.t !== 'string') {
              throw syntaxError(`Expecting a function argument but got ${describe(arg)}`, arg.pos);
            }
            args.push(arg.v);
            const sep = this.peek();
            if (sep.t === 'punct' && sep.v === ',') this.next();
            else break;
          }
        }
        this.expectPunct(')');
        const name = lower;
        if (!FUNCTIONS.has(name)) throw syntaxError(`Unable to find JQL function '${tok.v}()'`, tok.pos);
        return { kind: 'function', name, args };
      }
      return { kind: 'value', value: tok.v };
    }
    throw syntaxError(`Expecting a value but got ${describe(tok)}`, tok.pos);
  }
}

const FUNCTIONS = new Set([
  'currentuser',
  'opensprints',
  'closedsprints',
  'now',
  'startofday',
  'endofday',
  'startofweek',
  'endofweek',
  'startofmonth',
  'endofmonth',
  'startofyear',
  'endofyear',
]);

const STATUS_CATEGORIES: Record<string, JqlIssueView['statusCategory']> = {
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

function operandValues(operand: JqlOperand): JqlOperand[] {
  return operand.kind === 'list' ? operand.items : [operand];
}

/** Checks that need no issue: operators a field supports and values with a closed set. */
function validateStatic(
  field: JqlField,
  operator: JqlOperator,
  operand: JqlOperand,
  pos: number,
  aliases: PropertyIndex | undefined,
): void {
  const textOps = operator === '~' || operator === '!~';
  const orderOps = operator === '<' || operator === '<=' || operator === '>' || operator === '>=';
  const fieldName =
    field.kind === 'builtin' ? field.name : field.kind === 'alias' ? field.name : 'issue.property';
  if (field.kind === 'builtin') {
    const dated = field.name === 'created' || field.name === 'updated';
    const numeric = field.name === 'id' || field.name === 'sprint' || field.name === 'key';
    if (textOps || (orderOps && !dated && !numeric)) {
      throw syntaxError(`The operator '${operator}' is not supported by the '${fieldName}' field`, pos);
    }
    if (field.name === 'statusCategory') {
      for (const item of operandValues(operand)) {
        if (item.kind === 'value' && !STATUS_CATEGORIES[item.value.toLowerCase()]) {
          throw syntaxError(`The value '${item.value}' does not exist for the field 'statusCategory'`, pos);
        }
      }
    }
    if (dated) {
      for (const item of operandValues(operand)) {
        if (item.kind === 'value' && parseDateOperand(item.value, new Date(0)) === null) {
          throw syntaxError(`Date value '${item.value}' for field '${fieldName}' is invalid`, pos);
        }
      }
    }
  }
  // With the index at hand, catch at parse time what would otherwise fail only while matching.
  const alias = field.kind === 'alias' && aliases ? findAlias(aliases, field.name) : undefined;
  if (alias) {
    const emptiness = operator === 'is' || operator === 'is not';
    if (alias.type === 'text' && !textOps && !emptiness) {
      throw syntaxError(`The operator '${operator}' is not supported by the '${fieldName}' field`, pos);
    }
    if (alias.type !== 'text' && textOps) {
      throw syntaxError(`The operator '${operator}' is not supported by the '${fieldName}' field`, pos);
    }
    for (const item of operandValues(operand)) {
      if (item.kind !== 'value') continue;
      if (alias.type === 'number' && (item.value.trim() === '' || !Number.isFinite(Number(item.value)))) {
        throw syntaxError(
          `The value '${item.value}' is not a valid number for the field '${fieldName}'`,
          pos,
        );
      }
      if (alias.type === 'date' && parseDateOperand(item.value, new Date(0)) === null) {
        throw syntaxError(`Date value '${item.value}' for field '${fieldName}' is invalid`, pos);
      }
    }
  }
}

function findAlias(aliases: PropertyIndex, name: string): PropertyIndex[number] | undefined {
  const lower = name.toLowerCase();
  return aliases.find((a) => a.searchAlias.toLowerCase() === lower);
}

export function parseJql(text: string, aliases?: PropertyIndex): JqlQuery {
  if (typeof text !== 'string') throw new JqlSyntaxError(`${PREFIX}The query must be a string.`);
  if (text.length > MAX_JQL_LENGTH) {
    throw new JqlSyntaxError(`${PREFIX}The query is longer than ${MAX_JQL_LENGTH} characters.`);
  }
  return new Parser(tokenize(text), aliases).parseQuery();
}

// ---------------------------------------------------------------------------------------------
// Dates

const DAY_MS = 86_400_000;
const UNIT_MS: Record<string, number> = { w: 7 * DAY_MS, d: DAY_MS, h: 3_600_000, m: 60_000 };

/** A JQL date value as an instant (UTC), plus whether it named a whole day. Null when invalid. */
function parseDateOperand(value: string, now: Date): { at: number; dayOnly: boolean } | null {
  const v = value.trim();
  const abs = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2}))?$/.exec(v);
  if (abs) {
    const [, y, mo, d, h, mi] = abs;
    const at = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0));
    const check = new Date(at);
    if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d)) return null;
    if (Number(h ?? 0) > 23) return null;
    return { at, dayOnly: h === undefined };
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
  return { at: now.getTime() + sign * total, dayOnly: false };
}

function startOfUtcDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

function dateFunction(name: string, args: string[], now: Date): number {
  const offset = args[0]
    ? parseDateOperand(/[wdhm]$/i.test(args[0]) ? args[0] : `${args[0]}d`, new Date(0))
    : null;
  const shift = offset ? offset.at : 0;
  const today = startOfUtcDay(now.getTime());
  const d = new Date(today);
  const weekStart = today - ((d.getUTCDay() + 6) % 7) * DAY_MS; // Monday
  const monthStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  switch (name) {
    case 'now':
      return now.getTime();
    case 'startofday':
      return today + shift;
    case 'endofday':
      return today + DAY_MS - 1 + shift;
    case 'startofweek':
      return weekStart + shift;
    case 'endofweek':
      return weekStart + 7 * DAY_MS - 1 + shift;
    case 'startofmonth':
      return monthStart + shift;
    case 'endofmonth':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - 1 + shift;
    case 'startofyear':
      return yearStart + shift;
    case 'endofyear':
      return Date.UTC(d.getUTCFullYear() + 1, 0, 1) - 1 + shift;
    default:
      throw new JqlSyntaxError(`${PREFIX}The function '${name}()' does not return a date.`);
  }
}

// ---------------------------------------------------------------------------------------------
// Matching

type Scalar = string | number;
type FieldKind = 'text-ci' | 'account' | 'number' | 'date' | 'day' | 'contains';

interface Resolved {
  /** The issue's values for the field; an empty array means the field is EMPTY. */
  values: Scalar[];
  kind: FieldKind;
}

function readPath(root: unknown, path: string): unknown {
  if (!path) return root;
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

const TYPE_KIND: Record<PropertyIndex[number]['type'], FieldKind> = {
  number: 'number',
  string: 'text-ci',
  text: 'contains',
  user: 'account',
  date: 'day',
};

function resolveField(field: JqlField, issue: JqlIssueView, ctx: JqlContext): Resolved {
  if (field.kind === 'alias') {
    const alias = findAlias(ctx.aliases, field.name);
    if (!alias) throw unknownField(field.name);
    return {
      values: flatten(readPath(issue.properties[alias.propertyKey], alias.path)),
      kind: TYPE_KIND[alias.type],
    };
  }
  if (field.kind === 'property') {
    const indexed = ctx.aliases.find(
      (a) => a.propertyKey.toLowerCase() === field.propertyKey.toLowerCase() && a.path === field.path,
    );
    const values = flatten(readPath(issue.properties[field.propertyKey], field.path));
    return { values, kind: indexed ? TYPE_KIND[indexed.type] : 'text-ci' };
  }
  const opt = (v: string | null): string[] => (v === null ? [] : [v]);
  switch (field.name) {
    case 'project':
      return { values: [issue.projectKey], kind: 'text-ci' };
    case 'statusCategory':
      return { values: [issue.statusCategory], kind: 'text-ci' };
    case 'status':
      return { values: [issue.statusName], kind: 'text-ci' };
    case 'issuetype':
      return { values: [issue.issueType], kind: 'text-ci' };
    case 'labels':
      return { values: issue.labels, kind: 'text-ci' };
    case 'assignee':
      return { values: opt(issue.assignee), kind: 'account' };
    case 'reporter':
      return { values: opt(issue.reporter), kind: 'account' };
    case 'resolution':
      return { values: opt(issue.resolution), kind: 'text-ci' };
    case 'key':
    case 'id':
      return { values: [issue.key, issue.id], kind: 'text-ci' };
    case 'parent':
      return { values: opt(issue.parentKey), kind: 'text-ci' };
    case 'sprint':
      return { values: issue.sprintIds, kind: 'number' };
    case 'created':
      return { values: [Date.parse(issue.created)], kind: 'date' };
    case 'updated':
      return { values: [Date.parse(issue.updated)], kind: 'date' };
    default:
      throw unknownField(field.name);
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
    if (item.name === 'currentuser') return [ctx.currentAccountId ?? '\u0000no-user'];
    if (item.name === 'opensprints') return ctx.openSprintIds ?? [];
    if (item.name === 'closedsprints') return [];
    return [dateFunction(item.name, item.args, ctx.now)];
  }
  const raw = item.value;
  if (field.kind === 'builtin') {
    if (field.name === 'statusCategory') return [STATUS_CATEGORIES[raw.toLowerCase()] ?? raw];
    if (field.name === 'resolution' && raw.toLowerCase() === 'unresolved') return [null];
  }
  if (kind === 'date' || kind === 'day') {
    const parsed = parseDateOperand(raw, ctx.now);
    if (!parsed) throw new JqlSyntaxError(`${PREFIX}Date value '${raw}' is invalid.`);
    return [parsed.at];
  }
  if (kind === 'number') {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n)) {
      throw new JqlSyntaxError(`${PREFIX}The value '${raw}' is not a valid number.`);
    }
    return [n];
  }
  return [raw];
}

function toNumber(v: Scalar, kind: FieldKind): number {
  if (kind === 'day') {
    const ms = typeof v === 'number' ? v : Date.parse(v);
    return Number.isNaN(ms) ? NaN : startOfUtcDay(ms);
  }
  return typeof v === 'number' ? v : Number(v);
}

function equal(a: Scalar, b: Scalar, kind: FieldKind): boolean {
  switch (kind) {
    case 'account':
      return String(a) === String(b);
    case 'number':
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

function matchCompare(
  clause: Extract<JqlClause, { kind: 'compare' }>,
  issue: JqlIssueView,
  ctx: JqlContext,
): boolean {
  const { values, kind } = resolveField(clause.field, issue, ctx);
  const { operator, operand } = clause;
  if (kind === 'contains' && !['~', '!~', 'is', 'is not'].includes(operator)) {
    throw new JqlSyntaxError(`${PREFIX}The operator '${operator}' is not supported by a text field.`);
  }
  const wanted = expandOperand(clause.field, operand, kind, ctx);
  const wantsEmpty = wanted.includes(null);
  const concrete = wanted.filter((w): w is Scalar => w !== null);
  const dayOnlyEquals =
    kind === 'date' &&
    operand.kind === 'value' &&
    (operator === '=' || operator === '!=') &&
    parseDateOperand(operand.value, ctx.now)?.dayOnly === true;
  const eq = (v: Scalar, w: Scalar): boolean =>
    dayOnlyEquals ? startOfUtcDay(Number(v)) === startOfUtcDay(Number(w)) : equal(v, w, kind);
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
      // As in Jira, a negative match never selects an issue whose field is EMPTY, unless EMPTY was excluded.
      if (values.length === 0) return false;
      return !anyEqual();
    case '~':
      return values.some((v) => concrete.some((w) => contains(v, w)));
    case '!~':
      return values.length > 0 && !values.some((v) => concrete.some((w) => contains(v, w)));
    default: {
      if (values.length === 0) return false;
      const orderKind: FieldKind = kind === 'text-ci' || kind === 'account' ? 'number' : kind;
      return values.some((v) =>
        concrete.some((w) => {
          const a =
            clause.field.kind === 'builtin' && clause.field.name === 'key'
              ? keyNumber(v)
              : toNumber(v, orderKind);
          const b =
            clause.field.kind === 'builtin' && clause.field.name === 'key'
              ? keyNumber(w)
              : toNumber(w, orderKind);
          if (Number.isNaN(a) || Number.isNaN(b)) return false;
          if (
            clause.field.kind === 'builtin' &&
            clause.field.name === 'key' &&
            keyProject(v) !== keyProject(w)
          ) {
            return false;
          }
          if (operator === '<') return a < b;
          if (operator === '<=') return a <= b;
          if (operator === '>') return a > b;
          return a >= b;
        }),
      );
    }
  }
}

function keyProject(v: Scalar): string {
  return String(v).split('-')[0]!.toUpperCase();
}
function keyNumber(v: Scalar): number {
  const m = /-(\d+)$/.exec(String(v));
  return m ? Number(m[1]) : NaN;
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

function sortValue(field: JqlField, issue: JqlIssueView, aliases: PropertyIndex): Scalar | null {
  if (field.kind !== 'builtin') {
    const alias =
      field.kind === 'alias'
        ? findAlias(aliases, field.name)
        : { propertyKey: field.propertyKey, path: field.path, type: 'string' as const };
    if (!alias) return null;
    const first = flatten(readPath(issue.properties[alias.propertyKey], alias.path))[0];
    if (first === undefined) return null;
    return alias.type === 'number'
      ? Number(first)
      : alias.type === 'date'
        ? Date.parse(String(first))
        : first;
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
      return ['new', 'indeterminate', 'done'].indexOf(issue.statusCategory);
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
export function compareByOrder(
  query: JqlQuery,
  aliases: PropertyIndex = [],
): (a: JqlIssueView, b: JqlIssueView) => number {
  const terms = query.orderBy;
  return (a, b) => {
    for (const term of terms) {
      const va = sortValue(term.field, a, aliases);
      const vb = sortValue(term.field, b, aliases);
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

// ---------------------------------------------------------------------------------------------
// Store hints

type Category = JqlIssueView['statusCategory'];
const ALL_CATEGORIES: Category[] = ['new', 'indeterminate', 'done'];

/**
 * Hints the store may use to narrow rows before matching. Only top-level AND terms with literal
 * values contribute, so the hint is never narrower than the real result.
 */
export function sqlPrefilter(query: JqlQuery): { projectKeys?: string[]; statusCategories?: Category[] } {
  const out: { projectKeys?: string[]; statusCategories?: Category[] } = {};
  const where = query.where;
  if (!where) return out;
  const terms = where.kind === 'and' ? where.clauses : [where];
  for (const term of terms) {
    if (term.kind !== 'compare' || term.field.kind !== 'builtin') continue;
    const items = operandValues(term.operand);
    if (!items.every((i) => i.kind === 'value')) continue;
    const literal = items.map((i) => (i as { value: string }).value);
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
    if (term.field.name === 'statusCategory' && (positive || negative)) {
      const named = new Set(literal.map((v) => STATUS_CATEGORIES[v.toLowerCase()]).filter(Boolean));
      const allowed = ALL_CATEGORIES.filter((c) => (positive ? named.has(c) : !named.has(c)));
      out.statusCategories = out.statusCategories
        ? out.statusCategories.filter((c) => allowed.includes(c))
        : allowed;
    }
  }
  return out;
}
