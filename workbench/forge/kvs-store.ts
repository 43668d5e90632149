/**
 * App storage for the workbench: the HTTP protocol @forge/kvs speaks (POST /api/v1/...), answered from SQLite.
 * Plain keys, secrets and custom entities live in separate spaces of one table; TTLs follow the injected clock.
 * Errors use Forge's `{ code, message }` body so the SDK raises the same ForgeKvsAPIError it would in Forge.
 */
import type { WorkbenchDb } from '../db';
import { StorageMeter, type StorageRateLimits, type StorageUsage } from './storage-rate-limits';

export const KVS_LIMITS = {
  maxKeyLength: 500,
  maxValueBytes: 240 * 1024,
  maxDepth: 32,
  maxBatchItems: 25,
  maxTransactionItems: 25,
  defaultQueryLimit: 10,
  /**
   * A key-value query's page: "Limit the result size to 10 values, up to a maximum of 20" (Forge's Key-Value
   * Store query reference, js-api-reference/storage-api-query). Its error table only says "below 100"; the
   * stricter of the two is held here.
   */
  maxListQueryLimit: 20,
  /** A custom-entity query's page: 1 to 100 (COMPLEX_QUERY_PAGE_LIMIT_NOT_IN_RANGE). */
  maxEntityQueryLimit: 100,
} as const;

const KEY_PATTERN = /^(?!\s+$)[a-zA-Z0-9:._\s\-#]+$/;

type Space = 'kv' | 'secret' | 'entity';

export interface EntityIndexDefinition {
  name: string;
  range: string;
  partition?: string[];
}

/** The manifest's `app.storage.entities[]` entry; an index given as a plain string ranges on that attribute. */
export interface EntityDefinition {
  name: string;
  attributes?: Record<string, { type: string }>;
  indexes?: Array<string | EntityIndexDefinition>;
}

export interface KvsStoreOptions {
  now?: () => number;
  entities?: EntityDefinition[];
  /** Forge's storage rate limits by default; null counts use without refusing any. */
  rateLimits?: StorageRateLimits | null;
}

const READ_PATHS = new Set([
  '/api/v1/get',
  '/api/v1/secret/get',
  '/api/v1/entity/get',
  '/api/v1/query',
  '/api/v1/entity/query',
  '/api/v1/batch/get',
]);

interface Row {
  space: Space;
  entity: string;
  key: string;
  value: string;
  created_at: number;
  updated_at: number;
  expire_at: number | null;
}

interface Item {
  key: string;
  value: unknown;
  createdAt: number;
  updatedAt: number;
  expireTime?: string;
}

type Clause = { property?: string; condition: string; values: unknown[] };
type Conditions = { and?: Clause[]; or?: Clause[] };
type Ttl = { value: number; unit: 'SECONDS' | 'MINUTES' | 'HOURS' | 'DAYS' };
type SetOptions = {
  ttl?: Ttl;
  keyPolicy?: 'OVERRIDE' | 'FAIL_IF_EXISTS';
  returnValue?: 'PREVIOUS' | 'LATEST';
};

/**
 * The error codes Atlassian declares for app storage. @forge/kvs itself names KEY_NOT_FOUND (a get's miss,
 * storage-api.js) and UNKNOWN_ERROR (an unparseable answer, utils/error-handling.js); its own tests answer
 * BAD_REQUEST, VALIDATION_ERROR, PERMISSION_DENIED, STORAGE_LIMIT_EXCEEDED and INTERNAL_SERVER_ERROR; the rest
 * are the tables of Forge's "Error handling for the Key-Value Store" and "... Custom Entity Store" pages. The
 * SDK turns any `{ code, message }` body of a non-2xx answer into ForgeKvsAPIError with that code.
 */
export const DECLARED_KVS_ERROR_CODES = [
  'KEY_NOT_FOUND',
  'UNKNOWN_ERROR',
  'BAD_REQUEST',
  'VALIDATION_ERROR',
  'PERMISSION_DENIED',
  'STORAGE_LIMIT_EXCEEDED',
  'INTERNAL_SERVER_ERROR',
  'RATE_LIMIT_EXCEEDED',
  'EMPTY_KEY',
  'KEY_TOO_SHORT',
  'KEY_TOO_LONG',
  'INVALID_KEY',
  'NOT_FOUND',
  'MAX_SIZE',
  'MAX_DEPTH',
  'INVALID_FILTER_CONDITION',
  'INVALID_FILTER_VALUES',
  'LIST_QUERY_LIMIT_EXCEEDED',
  'QUERY_WHERE_INVALID',
  'QUERY_WHERE_FIELD_INVALID',
  'ENTITY_TYPE_TOO_SHORT',
  'ENTITY_TYPE_TOO_LARGE',
  'INVALID_ENTITY_TYPE',
  'INVALID_ENTITY_VALUE',
  'INVALID_ENTITY_ATTRIBUTE',
  'INVALID_ENTITY_INDEX',
  'COMPLEX_QUERY_PAGE_LIMIT_NOT_IN_RANGE',
  'EMPTY_FILTER_OPERATOR',
  'INVALID_FILTER_OPERATORS_COMBINATION',
  'INSUFFICIENT_FILTER_VALUES',
] as const;
export type DeclaredKvsErrorCode = (typeof DECLARED_KVS_ERROR_CODES)[number];

/**
 * A write refused because the key exists (keyPolicy FAIL_IF_EXISTS) or a transaction's condition failed. The
 * status is 409, which @forge/storage's error table calls "Conflicting update occurred"; no Atlassian package
 * or page names the code, so the emulator's is deliberately not one the app may test for: the app must tell a
 * lost race by reading the key, not by this code.
 */
export const UNDECLARED_CONFLICT_CODE = 'WORKBENCH_UNDECLARED_CONFLICT';

/** A request that Forge would refuse; carries the status and code of Forge's answer. */
export class KvsHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: DeclaredKvsErrorCode | typeof UNDECLARED_CONFLICT_CODE,
    message: string,
  ) {
    super(message);
  }
}

const TTL_MS: Record<Ttl['unit'], number> = {
  SECONDS: 1000,
  MINUTES: 60_000,
  HOURS: 3_600_000,
  DAYS: 86_400_000,
};

function depthOf(value: unknown, depth = 0): number {
  if (value === null || typeof value !== 'object') return depth;
  let max = depth + 1;
  for (const child of Object.values(value as Record<string, unknown>))
    max = Math.max(max, depthOf(child, depth + 1));
  return max;
}

function encodeCursor(parts: unknown[]): string {
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

/** A cursor this store gave out: `parts` values, the last of them the key to continue after. */
function decodeCursor(cursor: string, parts: number): unknown[] {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(decoded) && decoded.length === parts && typeof decoded[parts - 1] === 'string')
      return decoded;
  } catch {
    // fall through to the error below
  }
  throw new KvsHttpError(400, 'BAD_REQUEST', 'The cursor is not valid');
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** Evaluates one Forge condition clause against an attribute value (undefined when absent). */
function matches(actual: unknown, clause: Clause): boolean {
  const [first, second] = clause.values;
  switch (clause.condition) {
    case 'EXISTS':
      return actual !== undefined;
    case 'NOT_EXISTS':
      return actual === undefined;
    case 'EQUAL_TO':
      return actual === first;
    case 'NOT_EQUAL_TO':
      return actual !== first;
    case 'BEGINS_WITH':
      return typeof actual === 'string' && actual.startsWith(String(first));
    case 'CONTAINS':
      return (typeof actual === 'string' || Array.isArray(actual)) && actual.includes(first as string);
    case 'NOT_CONTAINS':
      return !((typeof actual === 'string' || Array.isArray(actual)) && actual.includes(first as string));
    case 'GREATER_THAN':
      return actual !== undefined && compare(actual, first) > 0;
    case 'GREATER_THAN_EQUAL_TO':
      return actual !== undefined && compare(actual, first) >= 0;
    case 'LESS_THAN':
      return actual !== undefined && compare(actual, first) < 0;
    case 'LESS_THAN_EQUAL_TO':
      return actual !== undefined && compare(actual, first) <= 0;
    case 'BETWEEN':
      return actual !== undefined && compare(actual, first) >= 0 && compare(actual, second) <= 0;
    default:
      throw new KvsHttpError(400, 'INVALID_FILTER_CONDITION', `Unknown condition ${clause.condition}`);
  }
}

function attribute(value: unknown, property: string | undefined): unknown {
  if (!property || value === null || typeof value !== 'object') return undefined;
  return (value as Record<string, unknown>)[property];
}

function satisfies(value: unknown, conditions: Conditions | undefined): boolean {
  if (!conditions) return true;
  if (conditions.and) return conditions.and.every((c) => matches(attribute(value, c.property), c));
  if (conditions.or) return conditions.or.some((c) => matches(attribute(value, c.property), c));
  return true;
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/** The most keyed operations the store remembers (the oldest are dropped), as the Jira emulator's call log. */
const KEYED_LOG_LIMIT = 10_000;

/** The keys one request names: a single operation's key, a batch's items', a transaction's operations'. */
function keysNamed(body: unknown): string[] {
  const keyOf = (item: unknown) =>
    item && typeof item === 'object' && 'key' in item ? [String(item.key)] : [];
  if (Array.isArray(body)) return body.flatMap(keyOf);
  if (!body || typeof body !== 'object') return [];
  const b = body as Record<string, unknown>;
  if ('key' in b) return keyOf(b);
  return ['set', 'delete', 'check'].flatMap((op) =>
    Array.isArray(b[op]) ? (b[op] as unknown[]).flatMap(keyOf) : [],
  );
}

export class KvsStore {
  /** Every path the SDK called, in order: lets tests prove which protocol operation ran. */
  readonly calls: string[] = [];
  /** The recent calls with the keys each named: lets tests count reads or writes of one kind of key. */
  readonly keyed: Array<{ path: string; keys: string[] }> = [];
  private readonly now: () => number;
  private readonly entities = new Map<string, EntityDefinition>();
  private readonly meter: StorageMeter;

  constructor(
    private readonly db: WorkbenchDb,
    options: KvsStoreOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.meter = new StorageMeter(this.now, options.rateLimits);
    db.exec(`CREATE TABLE IF NOT EXISTS kvs_items (
      space TEXT NOT NULL,
      entity TEXT NOT NULL,
      key TEXT NOT NULL,
      value TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      expire_at INTEGER,
      PRIMARY KEY (space, entity, key)
    )`);
    for (const def of options.entities ?? []) this.defineEntity(def);
  }

  /** Registers a custom entity's indexes, as the manifest's `app.storage.entities` would. */
  defineEntity(def: EntityDefinition): void {
    this.entities.set(def.name, def);
  }

  async handle(path: string, init: RequestInit | { method?: string; body?: unknown }): Promise<Response> {
    this.calls.push(path);
    try {
      const raw = typeof init.body === 'string' ? init.body : '';
      const body: unknown = raw ? JSON.parse(raw) : {};
      this.keyed.push({ path, keys: keysNamed(body) });
      if (this.keyed.length > KEYED_LOG_LIMIT) this.keyed.splice(0, this.keyed.length - KEYED_LOG_LIMIT);
      const isRead = READ_PATHS.has(path);
      if (!this.meter.admit(isRead ? 'read' : 'write', Buffer.byteLength(raw)))
        throw new KvsHttpError(
          429,
          'RATE_LIMIT_EXCEEDED',
          "The installation's app storage rate limit is spent",
        );
      let answer: Response;
      try {
        answer = await Promise.resolve(this.dispatch(path, body));
      } catch (e) {
        // A read that finds nothing, or is refused, still counts one unit.
        if (isRead) this.meter.read(0);
        throw e;
      }
      if (isRead) this.meter.read((await answer.clone().arrayBuffer()).byteLength);
      return answer;
    } catch (e) {
      if (e instanceof KvsHttpError) return json(e.status, { code: e.code, message: e.message });
      if (e instanceof SyntaxError)
        return json(400, { code: 'BAD_REQUEST', message: 'Body is not valid JSON' });
      throw e;
    }
  }

  /** The most requests a second and read and write units a minute seen, and how many were refused. */
  usage(): StorageUsage {
    return this.meter.usage();
  }

  /** Live plain keys (not secrets, not entities), sorted by key. */
  dump(): Array<{ key: string; value: unknown }> {
    return this.liveRows('kv', '').map((r) => ({ key: r.key, value: JSON.parse(r.value) as unknown }));
  }

  dumpEntity(entityName: string): Array<{ key: string; value: unknown }> {
    return this.liveRows('entity', entityName).map((r) => ({
      key: r.key,
      value: JSON.parse(r.value) as unknown,
    }));
  }

  clear(): void {
    this.db.prepare('DELETE FROM kvs_items').run();
  }

  private liveRows(space: Space, entity: string): Row[] {
    return this.db
      .prepare<[Space, string, number], Row>(
        'SELECT * FROM kvs_items WHERE space = ? AND entity = ? AND (expire_at IS NULL OR expire_at > ?) ORDER BY key',
      )
      .all(space, entity, this.now());
  }

  private dispatch(path: string, body: unknown): Response {
    const b = body as Record<string, unknown>;
    switch (path) {
      case '/api/v1/get':
        return this.getOne('kv', '', b);
      case '/api/v1/secret/get':
        return this.getOne('secret', '', b);
      case '/api/v1/entity/get':
        return this.getOne('entity', this.entityName(b), b);
      case '/api/v1/set':
        return this.setOne('kv', '', b);
      case '/api/v1/secret/set':
        return this.setOne('secret', '', b);
      case '/api/v1/entity/set':
        return this.setOne('entity', this.entityName(b), b);
      case '/api/v1/delete':
        return this.deleteOne('kv', '', b);
      case '/api/v1/secret/delete':
        return this.deleteOne('secret', '', b);
      case '/api/v1/entity/delete':
        return this.deleteOne('entity', this.entityName(b), b);
      case '/api/v1/query':
        return this.query(b);
      case '/api/v1/entity/query':
        return this.queryEntity(b);
      case '/api/v1/batch/set':
        return this.batchSet(body);
      case '/api/v1/batch/delete':
        return this.batchDelete(body);
      case '/api/v1/batch/get':
        return this.batchGet(body);
      case '/api/v1/transaction':
        return this.transaction(b);
      default:
        throw new KvsHttpError(404, 'NOT_FOUND', `The workbench KVS has no operation ${path}`);
    }
  }

  private entityName(b: Record<string, unknown>): string {
    const name = b.entityName;
    if (typeof name !== 'string' || name.length < 3)
      throw new KvsHttpError(400, 'ENTITY_TYPE_TOO_SHORT', 'The entity name needs at least 3 characters');
    if (name.length > 60)
      throw new KvsHttpError(400, 'ENTITY_TYPE_TOO_LARGE', 'The entity name has more than 60 characters');
    // The pattern Forge's custom entity error table gives for INVALID_ENTITY_TYPE.
    if (!/^(?![.-])(?!.*\.{2})[a-z0-9:\-.]*(?<![.])$/.test(name))
      throw new KvsHttpError(
        400,
        'INVALID_ENTITY_TYPE',
        `The entity name '${name}' has characters Forge refuses`,
      );
    return name;
  }

  private checkKey(key: unknown): string {
    if (typeof key !== 'string' || key.length === 0)
      throw new KvsHttpError(400, 'EMPTY_KEY', 'Key cannot be empty');
    if (key.length > KVS_LIMITS.maxKeyLength) {
      throw new KvsHttpError(
        400,
        'KEY_TOO_LONG',
        `The provided key has exceeded the maximum ${KVS_LIMITS.maxKeyLength} characters`,
      );
    }
    if (!KEY_PATTERN.test(key))
      throw new KvsHttpError(400, 'INVALID_KEY', `The key '${key}' has characters Forge refuses`);
    return key;
  }

  private serialise(value: unknown): string {
    if (value === undefined) throw new KvsHttpError(400, 'VALIDATION_ERROR', 'A value is required');
    const text = JSON.stringify(value);
    if (Buffer.byteLength(text, 'utf8') > KVS_LIMITS.maxValueBytes) {
      throw new KvsHttpError(
        400,
        'MAX_SIZE',
        'The provided value has exceeded the maximum size limit (240 KiB)',
      );
    }
    if (depthOf(value) > KVS_LIMITS.maxDepth) {
      throw new KvsHttpError(
        400,
        'MAX_DEPTH',
        `The provided value has exceeded the maximum object depth (${KVS_LIMITS.maxDepth})`,
      );
    }
    return text;
  }

  private read(space: Space, entity: string, key: string): Item | undefined {
    const row = this.db
      .prepare<[Space, string, string], Row>(
        'SELECT * FROM kvs_items WHERE space = ? AND entity = ? AND key = ?',
      )
      .get(space, entity, key);
    if (!row) return undefined;
    if (row.expire_at !== null && row.expire_at <= this.now()) {
      this.db
        .prepare('DELETE FROM kvs_items WHERE space = ? AND entity = ? AND key = ?')
        .run(space, entity, key);
      return undefined;
    }
    return this.toItem(row);
  }

  private toItem(row: Row): Item {
    return {
      key: row.key,
      value: JSON.parse(row.value) as unknown,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      ...(row.expire_at !== null ? { expireTime: new Date(row.expire_at).toISOString() } : {}),
    };
  }

  /**
   * A custom entity's value must hold its declared attributes in their declared types. Forge's page "Storing
   * data in custom entities" (Type requirements): an integer is a 32-bit signed integer; a float a number; a
   * string and a boolean what they say; `any` anything. Attributes the manifest does not declare are not checked.
   */
  private checkEntityValue(entity: string, value: unknown): void {
    const attributes = this.entities.get(entity)?.attributes;
    if (!attributes || value === null || typeof value !== 'object') return;
    for (const [name, { type }] of Object.entries(attributes)) {
      const v = (value as Record<string, unknown>)[name];
      if (v === undefined) continue;
      const fits =
        type === 'integer'
          ? Number.isInteger(v) && (v as number) >= -2_147_483_648 && (v as number) <= 2_147_483_647
          : type === 'float'
            ? typeof v === 'number' && Number.isFinite(v)
            : type === 'string'
              ? typeof v === 'string'
              : type === 'boolean'
                ? typeof v === 'boolean'
                : true;
      if (!fits)
        throw new KvsHttpError(
          400,
          'INVALID_ENTITY_VALUE',
          `The attribute '${name}' of the entity '${entity}' must be of type ${type}`,
        );
    }
  }

  private write(space: Space, entity: string, key: string, value: unknown, options?: SetOptions): Item {
    if (space === 'entity') this.checkEntityValue(entity, value);
    const text = this.serialise(value);
    const now = this.now();
    const existing = this.read(space, entity, key);
    if (options?.keyPolicy === 'FAIL_IF_EXISTS' && existing) {
      throw new KvsHttpError(409, UNDECLARED_CONFLICT_CODE, `The key '${key}' already exists`);
    }
    const ttl = options?.ttl;
    if (ttl && !(ttl.value > 0 && ttl.unit in TTL_MS))
      throw new KvsHttpError(400, 'VALIDATION_ERROR', 'The TTL is not valid');
    const expireAt = ttl ? now + ttl.value * TTL_MS[ttl.unit] : null;
    const createdAt = existing?.createdAt ?? now;
    this.db
      .prepare(
        `INSERT INTO kvs_items (space, entity, key, value, created_at, updated_at, expire_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (space, entity, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, expire_at = excluded.expire_at`,
      )
      .run(space, entity, key, text, createdAt, now, expireAt);
    return {
      key,
      value,
      createdAt,
      updatedAt: now,
      ...(expireAt !== null ? { expireTime: new Date(expireAt).toISOString() } : {}),
    };
  }

  private remove(space: Space, entity: string, key: string): void {
    this.db
      .prepare('DELETE FROM kvs_items WHERE space = ? AND entity = ? AND key = ?')
      .run(space, entity, key);
  }

  private getOne(space: Space, entity: string, b: Record<string, unknown>): Response {
    const key = this.checkKey(b.key);
    const item = this.read(space, entity, key);
    if (!item) throw new KvsHttpError(404, 'KEY_NOT_FOUND', `No value for the key '${key}'`);
    return json(200, item);
  }

  private setOne(space: Space, entity: string, b: Record<string, unknown>): Response {
    const key = this.checkKey(b.key);
    const options = b.options as SetOptions | undefined;
    const previous = this.read(space, entity, key);
    const latest = this.write(space, entity, key, b.value, options);
    if (options?.returnValue === 'LATEST') return json(200, latest);
    if (options?.returnValue === 'PREVIOUS')
      return previous ? json(200, previous) : new Response(null, { status: 200 });
    return new Response(null, { status: 204 });
  }

  private deleteOne(space: Space, entity: string, b: Record<string, unknown>): Response {
    this.remove(space, entity, this.checkKey(b.key));
    return new Response(null, { status: 204 });
  }

  /** Query results carry key and value, plus only the metadata the caller asked for. */
  private project(item: Item, b: Record<string, unknown>): Record<string, unknown> {
    const options = b.options as { metadataFields?: string[] } | undefined;
    const fields = options?.metadataFields ?? (b.metadataFields as string[] | undefined) ?? [];
    return {
      key: item.key,
      value: item.value,
      ...(fields.includes('CREATED_AT') ? { createdAt: item.createdAt } : {}),
      ...(fields.includes('UPDATED_AT') ? { updatedAt: item.updatedAt } : {}),
      ...(fields.includes('EXPIRE_TIME') && item.expireTime ? { expireTime: item.expireTime } : {}),
    };
  }

  private limitOf(
    value: unknown,
    code: 'LIST_QUERY_LIMIT_EXCEEDED' | 'COMPLEX_QUERY_PAGE_LIMIT_NOT_IN_RANGE',
  ): number {
    if (value === undefined) return KVS_LIMITS.defaultQueryLimit;
    const max =
      code === 'LIST_QUERY_LIMIT_EXCEEDED' ? KVS_LIMITS.maxListQueryLimit : KVS_LIMITS.maxEntityQueryLimit;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
      throw new KvsHttpError(400, code, `The limit must be an integer from 1 to ${max}`);
    }
    return value;
  }

  /** Plain-key query: keys in ascending order, optionally `where key BEGINS_WITH`, paged with an opaque cursor. */
  private query(b: Record<string, unknown>): Response {
    const limit = this.limitOf(b.limit, 'LIST_QUERY_LIMIT_EXCEEDED');
    const where = (b.where as Clause[] | undefined) ?? [];
    if (where.length > 1)
      throw new KvsHttpError(400, 'QUERY_WHERE_INVALID', 'A KVS query takes a single where clause');
    if (where[0] && where[0].property !== 'key')
      throw new KvsHttpError(400, 'QUERY_WHERE_FIELD_INVALID', 'A KVS query filters on the key only');
    if (where[0] && where[0].condition !== 'BEGINS_WITH')
      throw new KvsHttpError(400, 'INVALID_FILTER_CONDITION', 'A KVS query supports BEGINS_WITH only');
    const prefix = where[0]?.values[0];
    const after = typeof b.after === 'string' ? String(decodeCursor(b.after, 1)[0]) : '';
    const p = typeof prefix === 'string' || typeof prefix === 'number' ? String(prefix) : '';
    const rows = this.db
      .prepare<[string, string, string, number, number], Row>(
        `SELECT * FROM kvs_items WHERE space = 'kv' AND entity = '' AND key > ? AND substr(key, 1, length(?)) = ?
         AND (expire_at IS NULL OR expire_at > ?) ORDER BY key LIMIT ?`,
      )
      .all(after, p, p, this.now(), limit + 1);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return json(200, {
      data: page.map((r) => this.project(this.toItem(r), b)),
      ...(rows.length > limit && last ? { cursor: encodeCursor([last.key]) } : {}),
    });
  }

  private indexOf(entityName: string, indexName: string): EntityIndexDefinition {
    const def = this.entities.get(entityName);
    for (const index of def?.indexes ?? []) {
      if (typeof index === 'string' && index === indexName) return { name: index, range: index };
      if (typeof index === 'object' && index.name === indexName) return index;
    }
    if (def)
      throw new KvsHttpError(
        400,
        'INVALID_ENTITY_INDEX',
        `The entity '${entityName}' has no index '${indexName}'`,
      );
    // An entity nobody declared: treat the index as ranging over the attribute of the same name.
    return { name: indexName, range: indexName };
  }

  /** Custom entity query over an index: partition, range condition, filters, sort, cursor paging. */
  private queryEntity(b: Record<string, unknown>): Response {
    const entityName = this.entityName(b);
    const index = this.indexOf(entityName, String(b.indexName));
    const limit = this.limitOf(b.limit, 'COMPLEX_QUERY_PAGE_LIMIT_NOT_IN_RANGE');
    const partition = (b.partition as unknown[] | undefined) ?? [];
    const range = b.range as Clause | undefined;
    const filters = b.filters as Conditions | undefined;
    const direction = b.sort === 'DESC' ? -1 : 1;
    const candidates = this.liveRows('entity', entityName)
      .map((r) => this.toItem(r))
      .filter((item) => attribute(item.value, index.range) !== undefined)
      .filter((item) =>
        (index.partition ?? []).every(
          (p, i) => i >= partition.length || attribute(item.value, p) === partition[i],
        ),
      )
      .filter((item) => !range || matches(attribute(item.value, index.range), range))
      .filter((item) => satisfies(item.value, filters));
    const order = (a: Item, c: Item): number =>
      direction *
      (compare(attribute(a.value, index.range), attribute(c.value, index.range)) || compare(a.key, c.key));
    candidates.sort(order);
    let start = 0;
    if (typeof b.cursor === 'string') {
      const [rangeValue, key] = decodeCursor(b.cursor, 2);
      const marker: Item = {
        key: String(key),
        value: { [index.range]: rangeValue },
        createdAt: 0,
        updatedAt: 0,
      };
      start = candidates.findIndex((item) => order(item, marker) > 0);
      if (start < 0) start = candidates.length;
    }
    const page = candidates.slice(start, start + limit);
    const last = page[page.length - 1];
    const more = start + limit < candidates.length;
    return json(200, {
      data: page.map((item) => this.project(item, b)),
      ...(more && last ? { cursor: encodeCursor([attribute(last.value, index.range), last.key]) } : {}),
    });
  }

  private batchItems(
    body: unknown,
  ): Array<{ key: unknown; entityName?: string; value?: unknown; options?: SetOptions }> {
    if (!Array.isArray(body) || body.length === 0)
      throw new KvsHttpError(400, 'VALIDATION_ERROR', 'A batch needs at least one item');
    if (body.length > KVS_LIMITS.maxBatchItems) {
      throw new KvsHttpError(
        400,
        'VALIDATION_ERROR',
        `A batch can contain at most ${KVS_LIMITS.maxBatchItems} items, got ${body.length}`,
      );
    }
    const items = body as Array<{ key: unknown; entityName?: string }>;
    const seen = new Set(items.map((i) => `${i.entityName ?? ''}\u0000${String(i.key)}`));
    if (seen.size !== items.length)
      throw new KvsHttpError(400, 'VALIDATION_ERROR', 'A batch cannot name the same key twice');
    return items;
  }

  private batchEach<T>(
    body: unknown,
    op: (space: Space, entity: string, item: { key: unknown; value?: unknown; options?: SetOptions }) => T,
  ) {
    const successfulKeys: Array<Record<string, unknown>> = [];
    const failedKeys: Array<Record<string, unknown>> = [];
    for (const item of this.batchItems(body)) {
      const id = { key: item.key, ...(item.entityName ? { entityName: item.entityName } : {}) };
      try {
        const entity = item.entityName ? this.entityName(item) : '';
        const result = op(item.entityName ? 'entity' : 'kv', entity, item);
        successfulKeys.push({ ...id, ...(result && typeof result === 'object' ? result : {}) });
      } catch (e) {
        if (!(e instanceof KvsHttpError)) throw e;
        failedKeys.push({ ...id, error: { code: e.code, message: e.message } });
      }
    }
    return json(200, { successfulKeys, failedKeys });
  }

  private batchSet(body: unknown): Response {
    return this.batchEach(body, (space, entity, item) => {
      this.write(space, entity, this.checkKey(item.key), item.value, item.options);
      return undefined;
    });
  }

  private batchDelete(body: unknown): Response {
    return this.batchEach(body, (space, entity, item) => {
      this.remove(space, entity, this.checkKey(item.key));
      return undefined;
    });
  }

  private batchGet(body: unknown): Response {
    return this.batchEach(body, (space, entity, item) => {
      const key = this.checkKey(item.key);
      const found = this.read(space, entity, key);
      if (!found) throw new KvsHttpError(404, 'KEY_NOT_FOUND', `No value for the key '${key}'`);
      return found;
    });
  }

  /** All-or-nothing: every check and condition is evaluated, then all writes run in one SQLite transaction. */
  private transaction(b: Record<string, unknown>): Response {
    type Op = {
      key: unknown;
      entityName?: string;
      conditions?: Conditions;
      value?: unknown;
      options?: SetOptions;
    };
    const sets = (b.set as Op[] | undefined) ?? [];
    const deletes = (b.delete as Op[] | undefined) ?? [];
    const checks = (b.check as Op[] | undefined) ?? [];
    const total = sets.length + deletes.length + checks.length;
    if (total === 0)
      throw new KvsHttpError(400, 'VALIDATION_ERROR', 'A transaction needs at least one operation');
    if (total > KVS_LIMITS.maxTransactionItems) {
      throw new KvsHttpError(
        400,
        'VALIDATION_ERROR',
        `A transaction can contain at most ${KVS_LIMITS.maxTransactionItems} operations`,
      );
    }
    const ids = [...sets, ...deletes, ...checks].map((op) => `${op.entityName ?? ''}\u0000${String(op.key)}`);
    if (new Set(ids).size !== ids.length)
      throw new KvsHttpError(400, 'VALIDATION_ERROR', 'A transaction cannot name the same key twice');
    const where = (op: Op): [Space, string, string] => [
      op.entityName ? 'entity' : 'kv',
      op.entityName ? this.entityName(op) : '',
      this.checkKey(op.key),
    ];
    const conditionHolds = (op: Op): boolean => {
      if (!op.conditions) return true;
      const current = this.read(...where(op));
      return satisfies(current?.value, op.conditions);
    };
    this.db.transaction(() => {
      for (const op of [...checks, ...sets, ...deletes]) {
        if (!conditionHolds(op)) {
          throw new KvsHttpError(
            409,
            UNDECLARED_CONFLICT_CODE,
            `The transaction's condition on '${String(op.key)}' does not hold`,
          );
        }
      }
      for (const op of sets) {
        const [space, entity, key] = where(op);
        this.write(space, entity, key, op.value, op.options);
      }
      for (const op of deletes) this.remove(...where(op));
    })();
    return new Response(null, { status: 204 });
  }
}
