/**
 * A small evaluator for the part of the Jira expression language the app's `jira:workflowValidator` uses, and
 * the workbench's way to run configured validators on a transition (the emulator's transition route calls
 * `runWorkflowValidators`). The expression is read from manifest.yml itself, so what the workbench enforces is
 * exactly what Jira would be given.
 *
 * Supported: literals (numbers, 'single' and "double" quoted strings, true, false, null), identifiers from the
 * context, `.member` and `['member']` access, unary `!` and `-`, `* / %`, `+ -` (string concatenation when one
 * side is a string), `< <= > >=`, `== !=`, `&&`, `||` (short-circuit), `a ? b : c` and parentheses. As in Jira,
 * reading a member of null is an evaluation error.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { JiraStore } from './store';
import type { StoredIssue } from './types';

export class JiraExpressionError extends Error {
  override readonly name = 'JiraExpressionError';
}

type Token =
  | { kind: 'num'; value: number; at: number }
  | { kind: 'str'; value: string; at: number }
  | { kind: 'id'; value: string; at: number }
  | { kind: 'op'; value: string; at: number }
  | { kind: 'end'; at: number };

const OPERATORS = [
  '&&',
  '||',
  '==',
  '!=',
  '<=',
  '>=',
  '<',
  '>',
  '!',
  '?',
  ':',
  '(',
  ')',
  '[',
  ']',
  '.',
  '+',
  '-',
  '*',
  '/',
  '%',
  ',',
];

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?/.exec(source.slice(i))!;
      tokens.push({ kind: 'num', value: Number(m[0]), at: i });
      i += m[0].length;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let value = '';
      while (j < source.length && source[j] !== c) {
        if (source[j] === '\\' && j + 1 < source.length) j++;
        value += source[j];
        j++;
      }
      if (j >= source.length) throw new JiraExpressionError(`Unterminated string at ${i}.`);
      tokens.push({ kind: 'str', value, at: i });
      i = j + 1;
    } else if (/[A-Za-z_$]/.test(c)) {
      const m = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(source.slice(i))!;
      tokens.push({ kind: 'id', value: m[0], at: i });
      i += m[0].length;
    } else {
      const op = OPERATORS.find((o) => source.startsWith(o, i));
      if (!op) throw new JiraExpressionError(`Unexpected character "${c}" at ${i}.`);
      tokens.push({ kind: 'op', value: op, at: i });
      i += op.length;
    }
  }
  tokens.push({ kind: 'end', at: source.length });
  return tokens;
}

/** The parsed expression: evaluation is a closure over the context, so `&&`, `||` and `?:` stay lazy. */
type Node = (ctx: Record<string, unknown>) => unknown;

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Node {
    const node = this.ternary();
    const t = this.peek();
    if (t.kind !== 'end') throw new JiraExpressionError(`Unexpected token at ${t.at}.`);
    return node;
  }

  private peek(): Token {
    return this.tokens[this.i]!;
  }
  private isOp(value: string): boolean {
    const t = this.peek();
    return t.kind === 'op' && t.value === value;
  }
  private expect(value: string): void {
    if (!this.isOp(value)) throw new JiraExpressionError(`Expected "${value}" at ${this.peek().at}.`);
    this.i++;
  }

  private ternary(): Node {
    const test = this.or();
    if (!this.isOp('?')) return test;
    this.i++;
    const yes = this.ternary();
    this.expect(':');
    const no = this.ternary();
    return (ctx) => (truthy(test(ctx)) ? yes(ctx) : no(ctx));
  }

  private or(): Node {
    let left = this.and();
    while (this.isOp('||')) {
      this.i++;
      const l = left;
      const r = this.and();
      left = (ctx) => truthy(l(ctx)) || truthy(r(ctx));
    }
    return left;
  }

  private and(): Node {
    let left = this.equality();
    while (this.isOp('&&')) {
      this.i++;
      const l = left;
      const r = this.equality();
      left = (ctx) => truthy(l(ctx)) && truthy(r(ctx));
    }
    return left;
  }

  private equality(): Node {
    let left = this.comparison();
    while (this.isOp('==') || this.isOp('!=')) {
      const op = (this.tokens[this.i++] as { value: string }).value;
      const l = left;
      const r = this.comparison();
      left = (ctx) => (op === '==' ? equal(l(ctx), r(ctx)) : !equal(l(ctx), r(ctx)));
    }
    return left;
  }

  private comparison(): Node {
    let left = this.additive();
    while (['<', '<=', '>', '>='].some((o) => this.isOp(o))) {
      const op = (this.tokens[this.i++] as { value: string }).value;
      const l = left;
      const r = this.additive();
      left = (ctx) => compare(op, l(ctx), r(ctx));
    }
    return left;
  }

  private additive(): Node {
    let left = this.multiplicative();
    while (this.isOp('+') || this.isOp('-')) {
      const op = (this.tokens[this.i++] as { value: string }).value;
      const l = left;
      const r = this.multiplicative();
      left = (ctx) => {
        const a = l(ctx);
        const b = r(ctx);
        if (op === '+' && (typeof a === 'string' || typeof b === 'string')) return text(a) + text(b);
        return number(a, op) + (op === '+' ? number(b, op) : -number(b, op));
      };
    }
    return left;
  }

  private multiplicative(): Node {
    let left = this.unary();
    while (this.isOp('*') || this.isOp('/') || this.isOp('%')) {
      const op = (this.tokens[this.i++] as { value: string }).value;
      const l = left;
      const r = this.unary();
      left = (ctx) => {
        const a = number(l(ctx), op);
        const b = number(r(ctx), op);
        return op === '*' ? a * b : op === '/' ? a / b : a % b;
      };
    }
    return left;
  }

  private unary(): Node {
    if (this.isOp('!')) {
      this.i++;
      const operand = this.unary();
      return (ctx) => !truthy(operand(ctx));
    }
    if (this.isOp('-')) {
      this.i++;
      const operand = this.unary();
      return (ctx) => -number(operand(ctx), '-');
    }
    return this.postfix();
  }

  private postfix(): Node {
    let node = this.primary();
    for (;;) {
      if (this.isOp('.')) {
        this.i++;
        const t = this.peek();
        if (t.kind !== 'id') throw new JiraExpressionError(`Expected a member name at ${t.at}.`);
        this.i++;
        node = member(node, () => t.value);
      } else if (this.isOp('[')) {
        this.i++;
        const key = this.ternary();
        this.expect(']');
        node = member(node, (ctx) => key(ctx));
      } else {
        return node;
      }
    }
  }

  private primary(): Node {
    const t = this.tokens[this.i++]!;
    if (t.kind === 'num' || t.kind === 'str') return () => t.value;
    if (t.kind === 'id') {
      if (t.value === 'true') return () => true;
      if (t.value === 'false') return () => false;
      if (t.value === 'null') return () => null;
      return (ctx) => {
        if (!(t.value in ctx)) throw new JiraExpressionError(`Unknown identifier "${t.value}".`);
        return ctx[t.value];
      };
    }
    if (t.kind === 'op' && t.value === '(') {
      const inner = this.ternary();
      this.expect(')');
      return inner;
    }
    throw new JiraExpressionError(`Unexpected token at ${t.at}.`);
  }
}

function member(object: Node, key: Node): Node {
  return (ctx) => {
    const target = object(ctx);
    const name = key(ctx);
    if (target === null || target === undefined) {
      throw new JiraExpressionError(`Cannot read "${String(name)}" of null.`);
    }
    if (typeof target !== 'object')
      throw new JiraExpressionError(`Cannot read "${String(name)}" of a ${typeof target}.`);
    const value = (target as Record<string, unknown>)[String(name)];
    // Jira answers null for an absent property or key.
    return value === undefined ? null : value;
  };
}

function truthy(value: unknown): boolean {
  if (typeof value !== 'boolean')
    throw new JiraExpressionError(`Expected a boolean, got ${JSON.stringify(value)}.`);
  return value;
}
function equal(a: unknown, b: unknown): boolean {
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  return JSON.stringify(a) === JSON.stringify(b);
}
function number(value: unknown, op: string): number {
  if (typeof value !== 'number')
    throw new JiraExpressionError(`"${op}" needs numbers, got ${JSON.stringify(value)}.`);
  return value;
}
function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value ?? null);
}
function compare(op: string, a: unknown, b: unknown): boolean {
  const bothStrings = typeof a === 'string' && typeof b === 'string';
  if (!bothStrings && (typeof a !== 'number' || typeof b !== 'number')) {
    throw new JiraExpressionError(
      `"${op}" needs two numbers, got ${JSON.stringify(a)} and ${JSON.stringify(b)}.`,
    );
  }
  const x = a;
  const y = b;
  return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
}

/** Parses once; the result evaluates against any context. Throws JiraExpressionError on bad syntax. */
export function compileJiraExpression(source: string): (context: Record<string, unknown>) => unknown {
  return new Parser(tokenize(source)).parse();
}

export function evaluateJiraExpression(source: string, context: Record<string, unknown>): unknown {
  return compileJiraExpression(source)(context);
}

// ---- workflow validators in the workbench -----------------------------------------------------------------

export interface WorkflowValidatorModule {
  key: string;
  expression: string;
  errorMessage: string;
}

/**
 * Where a workbench project says which validators run on transitions into which status:
 * `{ "In Progress": ["outcome-lens-entry-gate"] }`. Jira keeps this in the workflow; the workbench has none.
 */
export const WORKFLOW_VALIDATORS_PROPERTY = 'workbench.workflow-validators';

const MANIFEST_FILE = path.resolve(__dirname, '..', '..', 'manifest.yml');
const validatorCache = new Map<string, WorkflowValidatorModule[]>();

export function manifestValidators(file: string = MANIFEST_FILE): WorkflowValidatorModule[] {
  const cached = validatorCache.get(file);
  if (cached) return cached;
  const doc = parseYaml(fs.readFileSync(file, 'utf8')) as { modules?: Record<string, unknown> } | null;
  const list = (doc?.modules?.['jira:workflowValidator'] ?? []) as Array<Record<string, unknown>>;
  const validators = list
    .filter((v) => typeof v.key === 'string' && typeof v.expression === 'string')
    .map((v) => ({
      key: v.key as string,
      expression: v.expression as string,
      errorMessage:
        typeof v.errorMessage === 'string' ? v.errorMessage : 'The transition was blocked by a validator.',
    }));
  validatorCache.set(file, validators);
  return validators;
}

/** Adds a manifest validator to transitions into `toStatus` in a project (what an admin does in the workflow editor). */
export function configureWorkflowValidator(
  store: JiraStore,
  projectKey: string,
  toStatus: string,
  validatorKey: string,
): void {
  const current = (store.getProjectProperty(projectKey, WORKFLOW_VALIDATORS_PROPERTY) ?? {}) as Record<
    string,
    string[]
  >;
  const keys = new Set(current[toStatus] ?? []);
  keys.add(validatorKey);
  store.setProjectProperty(projectKey, WORKFLOW_VALIDATORS_PROPERTY, { ...current, [toStatus]: [...keys] });
}

function entityWithProperties(keys: string[], read: (key: string) => unknown, base: Record<string, unknown>) {
  const properties: Record<string, unknown> = {};
  for (const key of keys) properties[key] = read(key) ?? null;
  return { ...base, properties };
}

/**
 * Runs the validators configured for transitions of `issue` into `toStatus`. Returns the message of the first
 * that blocks (the expression's string, or the module's errorMessage for false or a failed evaluation), or
 * null when the transition may go ahead.
 */
export function runWorkflowValidators(store: JiraStore, issue: StoredIssue, toStatus: string): string | null {
  const config = store.getProjectProperty(issue.projectKey, WORKFLOW_VALIDATORS_PROPERTY) as
    Record<string, unknown> | undefined;
  const configured = config?.[toStatus];
  if (!Array.isArray(configured) || configured.length === 0) return null;
  const context = {
    issue: entityWithProperties(
      store.issuePropertyKeys(issue.id),
      (k) => store.getIssueProperty(issue.key, k),
      {
        id: issue.id,
        key: issue.key,
      },
    ),
    project: entityWithProperties(
      store.projectPropertyKeys(issue.projectId),
      (k) => store.getProjectProperty(issue.projectKey, k),
      {
        id: issue.projectId,
        key: issue.projectKey,
      },
    ),
  };
  for (const validator of manifestValidators().filter((v) => configured.includes(v.key))) {
    let result: unknown;
    try {
      result = evaluateJiraExpression(validator.expression, context);
    } catch {
      return validator.errorMessage;
    }
    if (typeof result === 'string') return result;
    if (result !== true) return validator.errorMessage;
  }
  return null;
}
