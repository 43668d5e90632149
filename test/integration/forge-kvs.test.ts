/**
 * The real @forge/kvs package against the workbench's app storage, through the installed Forge runtime.
 */
import {
  kvs,
  WhereConditions,
  FilterConditions,
  Filter,
  Sort,
  MetadataField,
  ForgeKvsAPIError,
} from '@forge/kvs';
import { openDatabase, type WorkbenchDb } from '../../workbench/db';
import {
  DECLARED_KVS_ERROR_CODES,
  KvsStore,
  UNDECLARED_CONFLICT_CODE,
} from '../../workbench/forge/kvs-store';
import { runInInvocation } from '../../workbench/forge/runtime';
import { KVS_QUERY_PAGE_MAX, listAll, listPage } from '../../src/storage/kv';
import { aTempFolder, installStorageRuntime } from '../support/storage-runtime';

type Outcome = { name: string; team: string; score: number };

const anOutcome = (overrides: Partial<Outcome> = {}): Outcome => ({
  name: 'Faster onboarding',
  team: 'growth',
  score: 50,
  ...overrides,
});

let clock = Date.parse('2026-01-01T00:00:00Z');
let folder: ReturnType<typeof aTempFolder>;
let db: WorkbenchDb;
let store: KvsStore;
let uninstall: () => void;

/** Swaps the store behind the installed runtime: the runtime routes through `current`. */
function openStore(file: string): void {
  db = openDatabase(file);
  store = new KvsStore(db, {
    now: () => clock,
    // The clock stands still in these tests: every request would fall in one second. The rate limits have tests
    // of their own below.
    rateLimits: null,
    entities: [
      { name: 'outcome', indexes: ['score', { name: 'by-team-score', range: 'score', partition: ['team'] }] },
      {
        name: 'typed',
        attributes: {
          count: { type: 'integer' },
          at: { type: 'float' },
          label: { type: 'string' },
          done: { type: 'boolean' },
          extra: { type: 'any' },
        },
      },
    ],
  });
}

async function expectKvsError(promise: Promise<unknown>, code: string): Promise<ForgeKvsAPIError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ForgeKvsAPIError);
  expect((error as ForgeKvsAPIError).code).toBe(code);
  return error as ForgeKvsAPIError;
}

/** A refused write Forge answers 409 for; its code is not declared anywhere, so only the status is checked. */
async function expectConflict(promise: Promise<unknown>): Promise<void> {
  const error = await expectKvsError(promise, UNDECLARED_CONFLICT_CODE);
  expect(error.responseDetails.status).toBe(409);
  expect(DECLARED_KVS_ERROR_CODES).not.toContain(error.code);
}

beforeAll(() => {
  folder = aTempFolder('forge-kvs-');
  openStore(folder.file('workbench.db'));
  uninstall = installStorageRuntime({ kvs: () => store });
});

afterAll(() => {
  uninstall();
  db.close();
  folder.remove();
});

beforeEach(() => {
  store.clear();
  clock = Date.parse('2026-01-01T00:00:00Z');
});

describe('@forge/kvs on the workbench', () => {
  describe('plain keys', () => {
    it('sets, gets and deletes a value, and a missing key reads as undefined', async () => {
      await kvs.set('settings:PROJ', { staleDays: 30 });
      expect(await kvs.get('settings:PROJ')).toEqual({ staleDays: 30 });
      await kvs.delete('settings:PROJ');
      expect(await kvs.get('settings:PROJ')).toBeUndefined();
      expect(store.calls).toEqual(expect.arrayContaining(['/api/v1/set', '/api/v1/get', '/api/v1/delete']));
    });

    it('returns metadata when asked and honours a TTL against the injected clock', async () => {
      await kvs.set('scan:lock', 'held', { keyPolicy: 'OVERRIDE', ttl: { value: 10, unit: 'MINUTES' } });
      const withMeta = await kvs.get('scan:lock', {
        metadataFields: [MetadataField.CREATED_AT, MetadataField.EXPIRE_TIME],
      });
      expect(withMeta).toEqual({
        key: 'scan:lock',
        value: 'held',
        createdAt: clock,
        expireTime: '2026-01-01T00:10:00.000Z',
      });
      clock += 9 * 60_000;
      expect(await kvs.get('scan:lock')).toBe('held');
      clock += 60_000;
      expect(await kvs.get('scan:lock')).toBeUndefined();
    });

    it('refuses to overwrite with FAIL_IF_EXISTS and returns the previous value on request', async () => {
      await kvs.set('k1', 'first');
      await expectConflict(kvs.set('k1', 'second', { keyPolicy: 'FAIL_IF_EXISTS' }));
      const previous = await kvs.set('k1', 'third', { keyPolicy: 'OVERRIDE', returnValue: 'PREVIOUS' });
      expect(previous).toEqual({ key: 'k1', value: 'first' });
      expect(await kvs.get('k1')).toBe('third');
    });

    it('keeps secrets in their own space', async () => {
      await kvs.setSecret('token', 's3cret');
      expect(await kvs.get('token')).toBeUndefined();
      expect(await kvs.getSecret('token')).toBe('s3cret');
      await kvs.deleteSecret('token');
      expect(await kvs.getSecret('token')).toBeUndefined();
    });

    it('rejects a key over 500 characters and a value over 240 KiB with the codes Forge uses', async () => {
      await expectKvsError(kvs.set('k'.repeat(501), 1), 'KEY_TOO_LONG');
      await kvs.set('k'.repeat(500), 1);
      const big = 'x'.repeat(240 * 1024);
      const error = await expectKvsError(kvs.set('big', big), 'MAX_SIZE');
      expect(error.responseDetails.status).toBe(400);
      await kvs.set('just-fits', 'x'.repeat(240 * 1024 - 2));
    });
  });

  describe("Forge's storage rate limits", () => {
    it('answers 429 RATE_LIMIT_EXCEEDED past 4,000 write units a minute, counting 10 KB a unit, and again the next minute', async () => {
      const limited = new KvsStore(openDatabase(':memory:'), { now: () => clock });
      const write = (key: string, value: unknown) =>
        limited.handle('/api/v1/set', { method: 'POST', body: JSON.stringify({ key, value }) });
      // 390 writes of about 100 KB each: 11 units apiece, 4,290 in all, past the 4,000 of a minute.
      const big = 'x'.repeat(100 * 1024);
      let refusedAt = -1;
      for (let i = 0; i < 390 && refusedAt < 0; i++) {
        const answer = await write(`big:${i}`, big);
        if (answer.status === 429) {
          expect(await answer.json()).toMatchObject({ code: 'RATE_LIMIT_EXCEEDED' });
          refusedAt = i;
        }
      }
      expect(refusedAt).toBe(Math.floor(4000 / 11));
      expect((await write('small', 1)).status).toBe(204);
      clock += 60_000;
      expect((await write('big:next-minute', big)).status).toBe(204);
      expect(limited.usage()).toMatchObject({ peakWriteUnitsPerMinute: 3994, refused: 1 });
    });

    it('reaches the app through @forge/kvs as ForgeKvsAPIError RATE_LIMIT_EXCEEDED past 4,000 reads a minute', async () => {
      const shared = store;
      store = new KvsStore(openDatabase(':memory:'), { now: () => clock });
      try {
        for (let i = 0; i < 4000; i++) {
          if (i % 500 === 0) clock += 1_000;
          await kvs.get(`missing:${i}`);
        }
        await expectKvsError(kvs.get('one-more'), 'RATE_LIMIT_EXCEEDED');
        clock += 60_000;
        expect(await kvs.get('one-more')).toBeUndefined();
        // Requests a second are counted, not refused: this store answers far faster than Forge's.
        clock += 1_000;
        await Promise.all(Array.from({ length: 1001 }, (_, i) => kvs.get(`burst:${i}`)));
        expect(store.usage()).toMatchObject({ peakRequestsPerSecond: 1001, refused: 1 });
      } finally {
        store = shared;
      }
    });
  });

  describe("the app's list reads", () => {
    it('reads a page larger than one storage query in several, and continues where it stopped', async () => {
      const keys = Array.from({ length: 55 }, (_, i) => `outcome:${String(i).padStart(2, '0')}`);
      for (const key of keys) await kvs.set(key, { key });
      const first = await listPage<{ key: string }>('outcome:', 45);
      expect(first.items.map((i) => i.key)).toEqual(keys.slice(0, 45));
      const rest = await listPage<{ key: string }>('outcome:', 45, first.cursor);
      expect(rest.items.map((i) => i.key)).toEqual(keys.slice(45));
      expect(rest.cursor).toBeNull();
      expect((await listAll('outcome:')).length).toBe(55);
      expect(KVS_QUERY_PAGE_MAX).toBe(20);
    });
  });

  describe('queries', () => {
    it('lists keys by prefix in key order, page by page with the cursor', async () => {
      for (let i = 0; i < 7; i++) await kvs.set(`outcome:${i}`, { i });
      await kvs.set('settings:x', {});
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        let q = kvs.query().where('key', WhereConditions.beginsWith('outcome:')).limit(3);
        if (cursor) q = q.cursor(cursor);
        const page = await q.getMany();
        seen.push(...page.results.map((r) => r.key));
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      console.log(`kvs query: ${seen.length} keys in ${pages} pages of 3`);
      expect(pages).toBe(3);
      expect(seen).toEqual([
        'outcome:0',
        'outcome:1',
        'outcome:2',
        'outcome:3',
        'outcome:4',
        'outcome:5',
        'outcome:6',
      ]);
      expect(await kvs.query().where('key', WhereConditions.beginsWith('settings')).getOne()).toEqual({
        key: 'settings:x',
        value: {},
      });
    });
  });

  describe('batches', () => {
    it('sets and deletes up to 25 items, and refuses 26 as a whole', async () => {
      const items = Array.from({ length: 25 }, (_, i) => ({ key: `b:${i}`, value: i }));
      const result = await kvs.batchSet(items);
      expect(result.successfulKeys).toHaveLength(25);
      expect(result.failedKeys).toEqual([]);
      await expectKvsError(kvs.batchSet([...items, { key: 'b:25', value: 25 }]), 'VALIDATION_ERROR');
      expect(await kvs.get('b:25')).toBeUndefined();
      const deleted = await kvs.batchDelete(items.slice(0, 10).map(({ key }) => ({ key })));
      expect(deleted.successfulKeys).toHaveLength(10);
      expect(store.dump()).toHaveLength(15);
    });

    it('reads several keys at once, reporting the missing ones', async () => {
      await kvs.batchSet([
        { key: 'g:1', value: 'one' },
        { key: 'g:2', value: 'two' },
      ]);
      const result = await kvs.batchGet([{ key: 'g:1' }, { key: 'g:2' }, { key: 'g:3' }]);
      expect(result.successfulKeys.map((r) => [r.key, r.value])).toEqual([
        ['g:1', 'one'],
        ['g:2', 'two'],
      ]);
      expect(result.failedKeys).toEqual([
        { key: 'g:3', error: expect.objectContaining({ code: 'KEY_NOT_FOUND' }) },
      ]);
    });

    it('reports an item Forge would refuse as failed and stores the rest', async () => {
      const result = await kvs.batchSet([
        { key: 'ok', value: 1 },
        { key: 'k'.repeat(501), value: 2 },
      ]);
      expect(result.successfulKeys).toEqual([{ key: 'ok' }]);
      expect(result.failedKeys[0]?.error.code).toBe('KEY_TOO_LONG');
    });
  });

  describe('transactions', () => {
    it('writes every set and delete together', async () => {
      await kvs.set('old', 1);
      await kvs.transact().set('a', 1).set('b', 2).delete('old').execute();
      expect(store.dump()).toEqual([
        { key: 'a', value: 1 },
        { key: 'b', value: 2 },
      ]);
    });

    it('writes nothing when one check fails', async () => {
      await kvs.entity<Outcome>('outcome').set('o1', anOutcome({ score: 10 }));
      const attempt = kvs
        .transact()
        .set('a', 1)
        .set('o2', anOutcome(), { entityName: 'outcome' })
        .check('o1', {
          entityName: 'outcome',
          conditions: new Filter<Outcome>().and('score', FilterConditions.greaterThan(50)),
        })
        .execute();
      await expectConflict(attempt);
      expect(store.dump()).toEqual([]);
      expect(await kvs.entity('outcome').get('o2')).toBeUndefined();

      await kvs
        .transact()
        .set('a', 1)
        .check('o1', {
          entityName: 'outcome',
          conditions: new Filter<Outcome>().and('score', FilterConditions.lessThan(50)),
        })
        .execute();
      expect(await kvs.get('a')).toBe(1);
    });
  });

  it('refuses an entity value whose declared attribute is not of its type (a 32-bit integer, a float…)', async () => {
    const typed = kvs.entity<Record<string, unknown>>('typed');
    const epochMs = Date.parse('2026-11-30T10:00:00Z');
    await typed.set('fits', { count: 2_147_483_647, at: epochMs, label: 'x', done: true, extra: [1, 'a'] });
    expect(await typed.get('fits')).toMatchObject({ count: 2_147_483_647, at: epochMs });
    // A millisecond time is past a 32-bit integer: Forge refuses it as an integer attribute.
    await expectKvsError(typed.set('t1', { count: epochMs }), 'INVALID_ENTITY_VALUE');
    await expectKvsError(typed.set('t2', { count: 1.5 }), 'INVALID_ENTITY_VALUE');
    await expectKvsError(typed.set('t3', { label: 5 }), 'INVALID_ENTITY_VALUE');
    await expectKvsError(typed.set('t4', { done: 'yes' }), 'INVALID_ENTITY_VALUE');
    // In a transaction too, and then nothing of it is written.
    await expectKvsError(
      kvs
        .transact()
        .set('t5', { label: 'ok' }, { entityName: 'typed' })
        .set('t6', { count: epochMs }, { entityName: 'typed' })
        .execute(),
      'INVALID_ENTITY_VALUE',
    );
    expect(await typed.get('t5')).toBeUndefined();
  });

  it('applies a conditional entity write in a transaction only when its condition holds', async () => {
    const outcomes = kvs.entity<Outcome>('outcome');
    await outcomes.set('o1', anOutcome({ score: 10 }));
    const onlyIfLow = {
      entityName: 'outcome',
      conditions: new Filter<Outcome>().and('score', FilterConditions.lessThan(50)),
    };
    await kvs
      .transact()
      .set('o1', anOutcome({ score: 90 }), onlyIfLow)
      .execute();
    expect((await outcomes.get('o1'))?.score).toBe(90);
    await expectConflict(
      kvs
        .transact()
        .set('o1', anOutcome({ score: 5 }), onlyIfLow)
        .execute(),
    );
    expect((await outcomes.get('o1'))?.score).toBe(90);
  });

  describe('custom entities', () => {
    beforeEach(async () => {
      const rows: Array<[string, Outcome]> = [
        ['o1', anOutcome({ team: 'growth', score: 80 })],
        ['o2', anOutcome({ team: 'growth', score: 20 })],
        ['o3', anOutcome({ team: 'core', score: 60 })],
        ['o4', anOutcome({ team: 'growth', score: 55, name: 'Churn down' })],
      ];
      for (const [key, value] of rows) await kvs.entity<Outcome>('outcome').set(key, value);
    });

    it('gets and deletes an entity apart from plain keys', async () => {
      expect(await kvs.entity<Outcome>('outcome').get('o1')).toEqual(anOutcome({ score: 80 }));
      expect(await kvs.get('o1')).toBeUndefined();
      await kvs.entity('outcome').delete('o1');
      expect(await kvs.entity('outcome').get('o1')).toBeUndefined();
    });

    it('queries an index by range, sorted, with filters and cursor paging', async () => {
      const high = await kvs
        .entity<Outcome>('outcome')
        .query()
        .index('score')
        .where(WhereConditions.greaterThan(50))
        .sort(Sort.DESC)
        .getMany();
      expect(high.results.map((r) => r.key)).toEqual(['o1', 'o3', 'o4']);

      const growth = await kvs
        .entity<Outcome>('outcome')
        .query()
        .index('by-team-score', { partition: ['growth'] })
        .filters(new Filter<Outcome>().and('name', FilterConditions.beginsWith('Faster')))
        .getMany();
      expect(growth.results.map((r) => r.key)).toEqual(['o2', 'o1']);

      const first = await kvs.entity<Outcome>('outcome').query().index('score').limit(2).getMany();
      expect(first.results.map((r) => r.key)).toEqual(['o2', 'o4']);
      const second = await kvs
        .entity<Outcome>('outcome')
        .query()
        .index('score')
        .limit(2)
        .cursor(first.nextCursor ?? '')
        .getMany();
      expect(second.results.map((r) => r.key)).toEqual(['o3', 'o1']);
      expect(second.nextCursor).toBeUndefined();
    });
  });

  it('keeps data across reopening the database file', async () => {
    await kvs.set('survivor', { alive: true });
    await kvs.entity<Outcome>('outcome').set('kept', anOutcome());
    await kvs.setSecret('secret', 'still here');
    db.close();
    openStore(folder.file('workbench.db'));
    expect(await kvs.get('survivor')).toEqual({ alive: true });
    expect(await kvs.entity('outcome').get('kept')).toEqual(anOutcome());
    expect(await kvs.getSecret('secret')).toBe('still here');
  });

  it('serves concurrent invocations from the same store', async () => {
    await Promise.all(
      ['alice', 'bob'].map((accountId) =>
        runInInvocation({ accountId, moduleKey: 'panel' }, () => kvs.set(`seen:${accountId}`, accountId)),
      ),
    );
    expect(store.dump().map((e) => e.key)).toEqual(['seen:alice', 'seen:bob']);
  });

  describe('errors as Forge declares them', () => {
    const raw = async (path: string, body: unknown) => {
      const res = await store.handle(path, { body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as { code: string; message: string } };
    };

    it('answers the documented code for a bad query limit, where clause, entity name or index', async () => {
      expect(await raw('/api/v1/query', { limit: 101 })).toMatchObject({
        status: 400,
        body: { code: 'LIST_QUERY_LIMIT_EXCEEDED' },
      });
      const twoWheres = {
        where: [
          { property: 'key', condition: 'BEGINS_WITH', values: ['a'] },
          { property: 'key', condition: 'BEGINS_WITH', values: ['b'] },
        ],
      };
      expect((await raw('/api/v1/query', twoWheres)).body.code).toBe('QUERY_WHERE_INVALID');
      const onValue = { where: [{ property: 'value', condition: 'BEGINS_WITH', values: ['a'] }] };
      expect((await raw('/api/v1/query', onValue)).body.code).toBe('QUERY_WHERE_FIELD_INVALID');
      expect((await raw('/api/v1/entity/get', { entityName: 'ab', key: 'k' })).body.code).toBe(
        'ENTITY_TYPE_TOO_SHORT',
      );
      expect((await raw('/api/v1/entity/get', { entityName: 'Bad..Name', key: 'k' })).body.code).toBe(
        'INVALID_ENTITY_TYPE',
      );
      expect(
        (await raw('/api/v1/entity/query', { entityName: 'outcome', indexName: 'nope', limit: 5 })).body.code,
      ).toBe('INVALID_ENTITY_INDEX');
      expect(
        (await raw('/api/v1/entity/query', { entityName: 'outcome', indexName: 'score', limit: 0 })).body
          .code,
      ).toBe('COMPLEX_QUERY_PAGE_LIMIT_NOT_IN_RANGE');
    });

    it('reaches the app as the ForgeKvsAPIError the SDK builds, code and status intact', async () => {
      const error = await expectKvsError(kvs.query().limit(21).getMany(), 'LIST_QUERY_LIMIT_EXCEEDED');
      expect(error.responseDetails).toMatchObject({ status: 400, httpPath: '/api/v1/query' });
    });

    it('holds a key-value query to 20 a page and an entity query to 100', async () => {
      expect((await kvs.query().limit(20).getMany()).results).toEqual([]);
      await expectKvsError(kvs.query().limit(100).getMany(), 'LIST_QUERY_LIMIT_EXCEEDED');
      const entities = kvs.entity<Outcome>('outcome').query().index('score');
      expect((await entities.limit(100).getMany()).results).toEqual([]);
      await expectKvsError(entities.limit(101).getMany(), 'COMPLEX_QUERY_PAGE_LIMIT_NOT_IN_RANGE');
    });
  });
});
