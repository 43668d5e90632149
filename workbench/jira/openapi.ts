/**
 * Checks the Jira emulator's traffic against the official Jira platform OpenAPI 3.0 spec:
 * documented path and method, query parameters, request body, response status and body.
 * The spec is loaded once per process and each schema is compiled on first use.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** The spec as Atlassian publishes it, gzipped, kept in the repository (see data/README.md). */
export const DEFAULT_SPEC_FILE = path.resolve(__dirname, '../../data/jira-platform-openapi-v3.json.gz');

export interface ContractViolation {
  where: 'request' | 'response';
  method: string;
  path: string;
  operationId?: string;
  message: string;
}

export class ContractViolationError extends Error {
  constructor(readonly violation: ContractViolation) {
    super(violation.message);
    this.name = 'ContractViolationError';
  }
}

type Json = Record<string, unknown>;

export interface SpecDocument {
  paths: Record<string, Json>;
  components?: { schemas?: Json };
}

interface SpecParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Json;
}

interface SpecOperation {
  operationId?: string;
  parameters?: SpecParameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Json }> };
  responses?: Record<string, { content?: Record<string, { schema?: Json }> }>;
  security?: Array<Record<string, string[]>>;
  'x-atlassian-oauth2-scopes'?: Array<{ scheme?: string; scopes?: string[]; state?: string }>;
}

interface Template {
  template: string;
  segments: Array<string | RegExp>;
  literalCount: number;
  methods: Record<string, SpecOperation>;
}

interface Matched {
  template: Template;
  operation: SpecOperation | undefined;
  pathParams: Record<string, string>;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];
const API_PREFIX = '/rest/api/3';
const PARAM_SEGMENT = /^([^/]+)$/;

/** Rewrites OpenAPI 3.0 schema dialect into JSON Schema that ajv validates as the spec means it. */
function toJsonSchema(
  node: unknown,
  mode: 'request' | 'response',
  refBase: string,
  components: Json,
): unknown {
  if (Array.isArray(node)) return node.map((n) => toJsonSchema(n, mode, refBase, components));
  if (node === null || typeof node !== 'object') return node;
  const src = node as Json;
  const out: Json = {};
  for (const [k, v] of Object.entries(src)) {
    if (k === 'example' || k === 'xml' || k === 'discriminator' || k === 'nullable') continue;
    if (k === '$ref' && typeof v === 'string' && v.startsWith('#/')) out.$ref = `${refBase}${v}`;
    else if (k === 'properties' && v && typeof v === 'object') {
      const props: Json = {};
      for (const [name, schema] of Object.entries(v as Json)) {
        // readOnly properties are the server's business: a request may omit or echo them.
        props[name] = skipped(schema, mode, components)
          ? {}
          : toJsonSchema(schema, mode, refBase, components);
      }
      out.properties = props;
    } else out[k] = toJsonSchema(v, mode, refBase, components);
  }
  if (Array.isArray(src.required) && src.properties && typeof src.properties === 'object') {
    const props = src.properties as Json;
    out.required = (src.required as string[]).filter((name) => !skipped(props[name], mode, components));
  }
  if (src.nullable === true) {
    if (typeof out.type === 'string') {
      out.type = [out.type, 'null'];
      if (Array.isArray(out.enum)) out.enum = [...(out.enum as unknown[]), null];
    } else {
      return { anyOf: [out, { type: 'null' }] };
    }
  }
  return out;
}

/** A property ignored in this direction: readOnly in requests, writeOnly in responses. */
function skipped(schema: unknown, mode: 'request' | 'response', components: Json): boolean {
  const flag = mode === 'request' ? 'readOnly' : 'writeOnly';
  let s = schema as Json | undefined;
  for (let hops = 0; s && hops < 5; hops++) {
    if (s[flag] === true) return true;
    const ref = typeof s.$ref === 'string' ? s.$ref : undefined;
    if (!ref?.startsWith('#/components/schemas/')) return false;
    s = components[ref.slice('#/components/schemas/'.length)] as Json | undefined;
  }
  return false;
}

function formatErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .slice(0, 5)
    .map((e) => {
      const pointer = e.instancePath || '/';
      const extra =
        e.keyword === 'additionalProperties'
          ? ` ('${String((e.params as { additionalProperty?: string }).additionalProperty)}')`
          : e.keyword === 'enum'
            ? ` (${JSON.stringify((e.params as { allowedValues?: unknown }).allowedValues)})`
            : '';
      return `${pointer} ${e.message ?? e.keyword}${extra}`;
    })
    .join('; ');
}

// Kept on the global object so a jest.resetModules() in a test does not hide earlier violations from the guard.
const registry = globalThis as { __jiraContractCheckers__?: Map<string, ContractChecker> };
const instances = (registry.__jiraContractCheckers__ ??= new Map<string, ContractChecker>());

export class ContractChecker {
  readonly violations: ContractViolation[] = [];
  /** Milliseconds spent reading and indexing the spec. */
  readonly loadMs: number;
  private readonly templates: Template[] = [];
  private readonly ajv: Record<'request' | 'response', Ajv>;
  private readonly compiled = new Map<string, ValidateFunction>();

  private constructor(
    private readonly spec: SpecDocument,
    loadStarted: number,
  ) {
    for (const [template, item] of Object.entries(spec.paths)) {
      const methods: Record<string, SpecOperation> = {};
      for (const m of HTTP_METHODS) if (item[m]) methods[m] = item[m];
      const segments = template
        .split('/')
        .slice(1)
        // The spec has no mixed segments such as 'x{id}.json': a segment is a literal or one parameter.
        .map((seg) => (seg.startsWith('{') ? PARAM_SEGMENT : seg));
      this.templates.push({
        template,
        segments,
        literalCount: segments.filter((s) => typeof s === 'string').length,
        methods,
      });
    }
    const schemas = spec.components?.schemas ?? {};
    this.ajv = { request: this.makeAjv('request', schemas), response: this.makeAjv('response', schemas) };
    this.loadMs = Date.now() - loadStarted;
  }

  /** One checker per spec file per process (per test file under jest). */
  static fromSpecFile(file: string = DEFAULT_SPEC_FILE): ContractChecker {
    const resolved = path.resolve(file);
    let checker = instances.get(resolved);
    if (!checker) {
      const started = Date.now();
      const spec = readSpec(resolved);
      checker = new ContractChecker(spec, started);
      instances.set(resolved, checker);
    }
    return checker;
  }

  private makeAjv(mode: 'request' | 'response', schemas: Json): Ajv {
    // ownProperties: a change item without `toString` (a cleared value) must not be read as having
    // Object.prototype.toString, which Ajv would otherwise find and check as the property.
    const ajv = new Ajv({
      strict: false,
      allErrors: true,
      logger: false,
      validateSchema: false,
      ownProperties: true,
    });
    addFormats(ajv);
    // OpenAPI's numeric and binary formats carry no extra constraint worth checking here.
    for (const f of ['int32', 'int64', 'float', 'double', 'binary', 'url']) ajv.addFormat(f, true);
    const converted: Json = {};
    for (const [name, schema] of Object.entries(schemas))
      // JsonNode describes Jackson's Java accessors, not the wire: on the wire it is any JSON value.
      if (name === 'JsonNode') converted[name] = {};
      else converted[name] = toJsonSchema(schema, mode, `jira-${mode}`, schemas);
    ajv.addSchema({ $id: `jira-${mode}`, components: { schemas: converted } });
    return ajv;
  }

  private match(method: string, rawPath: string): Matched | null {
    const pathOnly = normalisePath(rawPath).split('?')[0]!;
    const parts = pathOnly.split('/').slice(1);
    let best: Matched | null = null;
    for (const t of this.templates) {
      if (t.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < parts.length && ok; i++) {
        const seg = t.segments[i]!;
        const part = parts[i]!;
        if (typeof seg === 'string') ok = seg === part;
        else {
          const m = seg.exec(part);
          ok = m !== null && part.length > 0;
          if (m) params[String(i)] = safeDecode(m[1] ?? part);
        }
      }
      if (!ok) continue;
      const operation = t.methods[method.toLowerCase()];
      // Prefer a template that has the method, then the one with more literal segments.
      const better =
        !best ||
        (operation !== undefined && best.operation === undefined) ||
        ((operation !== undefined) === (best.operation !== undefined) &&
          t.literalCount > best.template.literalCount);
      if (better) best = { template: t, operation, pathParams: params };
    }
    return best;
  }

  findOperation(
    method: string,
    path: string,
  ): { operationId: string; pathTemplate: string; scopes: string[] } | null {
    const m = this.match(method, path);
    if (!m?.operation) return null;
    return {
      operationId: m.operation.operationId ?? `${method.toUpperCase()} ${m.template.template}`,
      pathTemplate: m.template.template,
      scopes: currentScopes(m.operation),
    };
  }

  private fail(v: ContractViolation): never {
    this.violations.push(v);
    throw new ContractViolationError(v);
  }

  private resolve(
    where: 'request' | 'response',
    method: string,
    path: string,
  ): Matched & { operation: SpecOperation } {
    const m = this.match(method, path);
    const base = { where, method: method.toUpperCase(), path };
    if (!m) this.fail({ ...base, message: `${method.toUpperCase()} ${path}: no documented path matches` });
    if (!m.operation) {
      const allowed = Object.keys(m.template.methods)
        .map((x) => x.toUpperCase())
        .join(', ');
      this.fail({
        ...base,
        message: `${method.toUpperCase()} ${m.template.template}: method not documented (documented: ${allowed})`,
      });
    }
    return m as Matched & { operation: SpecOperation };
  }

  private validator(key: string, mode: 'request' | 'response', schema: Json): ValidateFunction {
    let fn = this.compiled.get(key);
    if (!fn) {
      fn = this.ajv[mode].compile(
        toJsonSchema(schema, mode, `jira-${mode}`, this.spec.components?.schemas ?? {}) as Json,
      );
      this.compiled.set(key, fn);
    }
    return fn;
  }

  checkRequest(req: {
    method: string;
    path: string;
    query?: Record<string, string | string[]>;
    body?: unknown;
  }): void {
    const { operation, template } = this.resolve('request', req.method, req.path);
    const operationId = operation.operationId;
    const name = `${operationId ?? '?'} (${req.method.toUpperCase()} ${template.template})`;
    const violation = (message: string): never =>
      this.fail({
        where: 'request',
        method: req.method.toUpperCase(),
        path: req.path,
        operationId,
        message: `${name}: ${message}`,
      });

    const query = { ...queryFromPath(req.path), ...(req.query ?? {}) };
    const params = (operation.parameters ?? []).filter((p) => p.in === 'query');
    for (const p of params) {
      if (p.required && query[p.name] === undefined)
        violation(`required query parameter '${p.name}' is missing`);
    }
    for (const [key, value] of Object.entries(query)) {
      const p = params.find((x) => x.name === key);
      if (!p) violation(`query parameter '${key}' is not documented`);
      const problem = p?.schema ? checkQueryValue(p.schema, value) : null;
      if (problem) violation(`query parameter '${key}' ${problem}`);
    }

    const body = req.body;
    const hasBody = body !== undefined && body !== null && body !== '';
    const rb = operation.requestBody;
    if (!rb) {
      if (hasBody) violation('the operation documents no request body');
      return;
    }
    if (!hasBody) {
      if (rb.required) violation('the request body is required');
      return;
    }
    const schema = rb.content?.['application/json']?.schema;
    if (!schema) return; // a non-JSON body (multipart, text): not checked here
    const validate = this.validator(`req ${req.method} ${template.template}`, 'request', schema);
    if (!validate(body)) violation(`request body: ${formatErrors(validate.errors)}`);
  }

  checkResponse(res: {
    method: string;
    path: string;
    status: number;
    headers?: Record<string, string>;
    body?: unknown;
  }): void {
    const { operation, template } = this.resolve('response', res.method, res.path);
    const operationId = operation.operationId;
    const name = `${operationId ?? '?'} (${res.method.toUpperCase()} ${template.template})`;
    const violation = (message: string): never =>
      this.fail({
        where: 'response',
        method: res.method.toUpperCase(),
        path: res.path,
        operationId,
        message: `${name}: ${message}`,
      });

    const responses = operation.responses ?? {};
    const status = String(res.status);
    const key = [status, `${status[0]}XX`, `${status[0]}xx`, 'default'].find(
      (k) => responses[k] !== undefined,
    );
    if (!key)
      violation(`status ${status} is not documented (documented: ${Object.keys(responses).join(', ')})`);
    const schema = responses[key!]?.content?.['application/json']?.schema;
    const body = res.body;
    const hasBody = body !== undefined && body !== null && body !== '';
    if (!schema) return; // the spec documents no JSON body for this status: nothing to hold it to
    if (!hasBody) {
      if (Object.keys(schema).length > 0 && res.status !== 204)
        violation(`status ${status} response has no body`);
      return;
    }
    const validate = this.validator(`res ${res.method} ${template.template} ${key!}`, 'response', schema);
    if (!validate(body)) violation(`response body (status ${status}): ${formatErrors(validate.errors)}`);
  }
}

function normalisePath(p: string): string {
  const noHost = p.replace(/^[a-z]+:\/\/[^/]+/i, '');
  const withSlash = noHost.startsWith('/') ? noHost : `/${noHost}`;
  // The spec's paths carry the full /rest/... prefix; a bare API path is taken as relative to /rest/api/3.
  return withSlash.startsWith('/rest/') ? withSlash : `${API_PREFIX}${withSlash}`;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function queryFromPath(p: string): Record<string, string | string[]> {
  const q = p.indexOf('?');
  const out: Record<string, string | string[]> = {};
  if (q < 0) return out;
  for (const [k, v] of new URLSearchParams(p.slice(q + 1))) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

/** Light type check of a query value as a string off the wire; null when fine. */
function checkQueryValue(schema: Json, value: string | string[]): string | null {
  const type = schema.type;
  if (type === 'array') {
    const items = (schema.items as Json | undefined) ?? {};
    for (const v of Array.isArray(value) ? value : value.split(',')) {
      const problem = checkQueryValue(items, v);
      if (problem) return problem;
    }
    return null;
  }
  if (Array.isArray(value)) return value.length === 1 ? checkQueryValue(schema, value[0]!) : 'is repeated';
  if (type === 'integer' && !/^-?\d+$/.test(value)) return `must be an integer, got '${value}'`;
  if (type === 'number' && (value.trim() === '' || !Number.isFinite(Number(value)))) {
    return `must be a number, got '${value}'`;
  }
  if (type === 'boolean' && value !== 'true' && value !== 'false')
    return `must be true or false, got '${value}'`;
  if (Array.isArray(schema.enum) && !(schema.enum as unknown[]).map(String).includes(value)) {
    return `must be one of ${JSON.stringify(schema.enum)}, got '${value}'`;
  }
  return null;
}

/** The classic OAuth scopes of the entries in state Current (what a Forge manifest declares). */
function currentScopes(op: SpecOperation): string[] {
  const entries = op['x-atlassian-oauth2-scopes'];
  if (entries)
    return [...new Set(entries.filter((e) => e.state === 'Current').flatMap((e) => e.scopes ?? []))];
  return [...new Set((op.security ?? []).flatMap((s) => s.OAuth2 ?? []))];
}

export function operationScopes(method: string, pathTemplate: string): string[] {
  const op = ContractChecker.fromSpecFile().findOperation(method, pathTemplate);
  if (!op) throw new Error(`${method.toUpperCase()} ${pathTemplate} is not a documented Jira operation`);
  return op.scopes;
}

/** Reads the spec from a `.json` file or its gzipped copy. */
export function readSpec(file: string): SpecDocument {
  const raw = fs.readFileSync(file);
  const text = file.endsWith('.gz') ? zlib.gunzipSync(raw).toString('utf8') : raw.toString('utf8');
  return JSON.parse(text) as SpecDocument;
}
