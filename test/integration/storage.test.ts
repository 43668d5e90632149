/** App storage over the real @forge/kvs, answered by the workbench's KVS protocol in SQLite. */
import { kvs } from '@forge/kvs';
import type { OutcomeDraft } from '../../src/domain/schemas';
import { DEFAULT_SETTINGS } from '../../src/domain/settings';
import { ConflictError, NotFoundError, ValidationError } from '../../src/errors';
import { appendDecision, listDecisions, type DecisionInput } from '../../src/storage/decisions';
import { checkProjectKey, keys, MAX_KEY_LENGTH } from '../../src/storage/keys';
import { MAX_VALUE_BYTES } from '../../src/storage/kv';
import {
  createOutcome,
  getOutcome,
  listOutcomes,
  appendMeasurements,
  HistoryFullError,
  MEASUREMENT_HISTORY_BYTES,
  MEASUREMENT_HISTORY_LIMIT,
  recordMeasurement,
  setOutcomeStatus,
  updateOutcome,
} from '../../src/storage/outcomes';
import {
  acquireScanLease,
  clearCursor,
  latestRunSummary,
  listRunSummaries,
  loadCursor,
  releaseScanLease,
  RUN_HISTORY_LIMIT,
  saveCursor,
  saveRunSummary,
} from '../../src/storage/scan-state';
import { loadSettings, resetSettings, saveSettings } from '../../src/storage/settings';
import { createWorkbench, failure, PROJECT_KEY, USERS, type Workbench } from '../support/workbench-harness';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const later = (ms: number) => new Date(NOW.getTime() + ms);

function aDraft(overrides: Partial<OutcomeDraft> = {}): OutcomeDraft {
  return {
    name: 'Fewer abandoned carts',
    metric: 'Cart abandonment rate',
    baseline: 70,
    target: 55,
    unit: '%',
    direction: 'decrease',
    dueDate: '2026-06-30',
    ...overrides,
  };
}

function aDecision(overrides: Partial<DecisionInput> = {}): DecisionInput {
  return {
    idempotencyKey: 'kill-OL-7-1',
    at: NOW.toISOString(),
    actorAccountId: USERS.admin,
    kind: 'kill',
    issueKey: 'OL-7',
    summary: 'Killed OL-7: no activity for 120 days',
    ...overrides,
  };
}

let wb: Workbench;
const run = <T>(fn: () => Promise<T>) => wb.asSystem(fn);
beforeEach(() => {
  wb = createWorkbench({ now: NOW });
});
afterEach(() => wb.dispose());

describe('keys', () => {
  it('accepts Jira project keys and refuses anything else', () => {
    expect(checkProjectKey('OL')).toBe('OL');
    expect(checkProjectKey('A_1')).toBe('A_1');
    for (const bad of ['ol', '1AB', 'OL:X', '', 'A'.repeat(256), 'OL ']) {
      expect(() => checkProjectKey(bad)).toThrow(ValidationError);
    }
  });

  it('keeps every key within the limit and scoped by project', () => {
    const longest = keys.outcome('A'.repeat(255), 'x'.repeat(200));
    expect(longest.length).toBeLessThanOrEqual(MAX_KEY_LENGTH);
    expect(keys.outcome('OL', 'o1').startsWith(keys.outcomePrefix('OL'))).toBe(true);
    expect(keys.outcome('OLD', 'o1').startsWith(keys.outcomePrefix('OL'))).toBe(false);
    expect(() => keys.outcome('OL', '../x')).toThrow(ValidationError);
  });
});

describe('outcomes', () => {
  it('creates, lists and reads outcomes of one project only', async () => {
    const created = await run(() => createOutcome(PROJECT_KEY, aDraft(), USERS.admin, NOW, { id: 'carts' }));
    await run(() => createOutcome('OTHER', aDraft({ name: 'Elsewhere' }), USERS.admin, NOW, { id: 'x' }));
    expect(created).toMatchObject({
      id: 'carts',
      version: 1,
      status: 'active',
      measurements: [],
      createdBy: USERS.admin,
    });
    expect((await run(() => listOutcomes(PROJECT_KEY))).map((o) => o.name)).toEqual([
      'Fewer abandoned carts',
    ]);
    expect(await run(() => getOutcome(PROJECT_KEY, 'carts'))).toEqual(created);
  });

  it('answers a create sent again with its id by the outcome it made, once; another draft or person is refused', async () => {
    const first = await run(() => createOutcome(PROJECT_KEY, aDraft(), USERS.admin, NOW, { id: 'carts' }));
    const again = await run(() => createOutcome(PROJECT_KEY, aDraft(), USERS.admin, NOW, { id: 'carts' }));
    expect(again).toEqual(first);
    expect(await run(() => listOutcomes(PROJECT_KEY))).toHaveLength(1);
    const changed = await failure(
      run(() => createOutcome(PROJECT_KEY, aDraft({ name: 'Other' }), USERS.admin, NOW, { id: 'carts' })),
    );
    expect(changed).toBeInstanceOf(ConflictError);
    expect((changed as Error).message).toMatch(
      /earlier try created this outcome \("Fewer abandoned carts"\)/,
    );
    const someoneElse = await failure(
      run(() => createOutcome(PROJECT_KEY, aDraft(), USERS.member, NOW, { id: 'carts' })),
    );
    expect(someoneElse).toBeInstanceOf(ConflictError);
    expect(await run(() => getOutcome(PROJECT_KEY, 'carts'))).toEqual(first);
  });

  it('refuses an invalid draft with field messages and stores nothing', async () => {
    const error = await failure(run(() => createOutcome(PROJECT_KEY, aDraft({ target: 70 }), null, NOW)));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fields).toHaveProperty('target');
    expect(await run(() => listOutcomes(PROJECT_KEY))).toEqual([]);
  });

  it('updates with the current version and refuses a stale one, keeping the newer data', async () => {
    await run(() => createOutcome(PROJECT_KEY, aDraft(), USERS.admin, NOW, { id: 'carts' }));
    const v2 = await run(() => updateOutcome(PROJECT_KEY, 'carts', aDraft({ target: 50 }), 1, later(1000)));
    expect(v2).toMatchObject({ version: 2, target: 50, updatedAt: later(1000).toISOString() });

    const error = await failure(
      run(() => updateOutcome(PROJECT_KEY, 'carts', aDraft({ target: 60 }), 1, later(2000))),
    );
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).current).toMatchObject({ version: 2, target: 50 });
    expect(await run(() => getOutcome(PROJECT_KEY, 'carts'))).toMatchObject({ version: 2, target: 50 });
  });

  it('lets exactly one of two concurrent writers from the same version win', async () => {
    await run(() => createOutcome(PROJECT_KEY, aDraft(), USERS.admin, NOW, { id: 'carts' }));
    const results = await Promise.allSettled([
      run(() => updateOutcome(PROJECT_KEY, 'carts', aDraft({ target: 40 }), 1, later(1))),
      run(() => updateOutcome(PROJECT_KEY, 'carts', aDraft({ target: 45 }), 1, later(1))),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toBeInstanceOf(ConflictError);
    const stored = await run(() => getOutcome(PROJECT_KEY, 'carts'));
    expect(stored?.version).toBe(2);
    expect(stored?.target).toBe((won[0] as PromiseFulfilledResult<{ target: number }>).value.target);
  });

  // A create sent again more than 20 minutes later (a form left open whose answer was lost, or a crafted call):
  // the claim of version 1 had run out, so the create claimed it again and wrote a blank version 1 over the
  // outcome, its measurements and edits lost. It should be answered as the earlier create, changing nothing.
  it('keeps an outcome made long ago when a create of its id is sent again after its claim ran out', async () => {
    await run(() => createOutcome(PROJECT_KEY, aDraft(), USERS.admin, NOW, { id: 'carts' }));
    await run(() => recordMeasurement(PROJECT_KEY, 'carts', { at: '2026-02-20', value: 38 }, NOW));
    wb.clock.now = new Date(NOW.getTime() + 21 * 60_000);
    expect(await run(() => kvs.get(keys.outcomeRevision(PROJECT_KEY, 'carts', 1)))).toBeUndefined();
    const again = await run(() => createOutcome(PROJECT_KEY, aDraft(), USERS.admin, NOW, { id: 'carts' }));
    expect(again).toMatchObject({ version: 2, measurements: [{ at: '2026-02-20', value: 38 }] });
    await expect(
      run(() => createOutcome(PROJECT_KEY, aDraft(), USERS.member, NOW, { id: 'carts' })),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(await run(() => getOutcome(PROJECT_KEY, 'carts'))).toMatchObject({ version: 2 });
  });

  it('refuses a second outcome with the same id', async () => {
    await run(() => createOutcome(PROJECT_KEY, aDraft(), null, NOW, { id: 'carts' }));
    await expect(
      run(() => createOutcome(PROJECT_KEY, aDraft(), null, NOW, { id: 'carts' })),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it('changes status with a version and says NotFound for an unknown outcome', async () => {
    await run(() => createOutcome(PROJECT_KEY, aDraft(), null, NOW, { id: 'carts' }));
    expect(await run(() => setOutcomeStatus(PROJECT_KEY, 'carts', 'achieved', 1, NOW))).toMatchObject({
      status: 'achieved',
      version: 2,
    });
    await expect(run(() => setOutcomeStatus(PROJECT_KEY, 'nope', 'achieved', 1, NOW))).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('records measurements in date order and keeps only the newest ones', async () => {
    await run(() => createOutcome(PROJECT_KEY, aDraft(), null, NOW, { id: 'carts' }));
    await run(() => recordMeasurement(PROJECT_KEY, 'carts', { at: '2026-03-02', value: 68 }, NOW));
    await run(() => recordMeasurement(PROJECT_KEY, 'carts', { at: '2026-03-01', value: 69 }, NOW));
    const stored = await run(() => getOutcome(PROJECT_KEY, 'carts'));
    expect(stored?.measurements.map((m) => m.value)).toEqual([69, 68]);
    expect(stored?.version).toBe(3);

    // Seed a full history directly, then one more: the oldest falls off.
    const full = Array.from({ length: MEASUREMENT_HISTORY_LIMIT }, (_, i) => ({
      at: new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10),
      value: i,
    }));
    await run(() => kvs.set(keys.outcome(PROJECT_KEY, 'carts'), { ...stored, measurements: full }));
    const { outcome: capped, pushedOut } = await run(() =>
      recordMeasurement(PROJECT_KEY, 'carts', { at: '2026-02-27', value: -1 }, NOW),
    );
    expect(capped.measurements).toHaveLength(MEASUREMENT_HISTORY_LIMIT);
    expect(capped.measurements[0]?.value).toBe(1);
    expect(capped.measurements.at(-1)?.value).toBe(-1);
    // The reading it let go is answered, so the page can say so.
    expect(pushedOut).toEqual([{ at: '2020-01-01', value: 0 }]);
  });

  it('keeps a history of long notes in any script within one storage value, the oldest dropped to fit', async () => {
    await run(() => createOutcome(PROJECT_KEY, aDraft(), null, NOW, { id: 'carts' }));
    const size = (v: unknown) => Buffer.byteLength(JSON.stringify(v), 'utf8');
    // 200-character notes in Japanese, three bytes a character: 500 of them are far more than 240 KiB.
    const note = '購入前にカートを離れた理由'.repeat(16).slice(0, 200);
    const day = (i: number) => new Date(Date.UTC(2024, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
    for (let batch = 0; batch < 5; batch++) {
      const rows = Array.from({ length: 100 }, (_, j) => ({
        at: day(batch * 100 + j),
        value: batch * 100 + j,
        note,
      }));
      await run(() => appendMeasurements(PROJECT_KEY, 'carts', rows, NOW));
    }
    const { outcome: typed } = await run(() =>
      recordMeasurement(PROJECT_KEY, 'carts', { at: '2026-02-28', value: -1, note }, NOW),
    );
    const stored = (await run(() => getOutcome(PROJECT_KEY, 'carts')))!;
    expect(stored).toEqual(typed);
    expect(size(stored)).toBeLessThanOrEqual(MAX_VALUE_BYTES);
    // The newest are kept, in order; as many as fit in the history's bytes.
    const values = stored.measurements.map((m) => m.value);
    expect(values.at(-1)).toBe(-1);
    expect(values.at(-2)).toBe(499);
    expect(values.length).toBeGreaterThan(250);
    expect(values.length).toBeLessThan(MEASUREMENT_HISTORY_LIMIT);
    expect(size(stored.measurements)).toBeLessThanOrEqual(MEASUREMENT_HISTORY_BYTES);

    // An import that must not push out what is held is refused whole, counting what it would push out.
    const error = await failure(
      run(() =>
        appendMeasurements(PROJECT_KEY, 'carts', [{ at: '2026-02-27', value: 7, note }], NOW, {
          keepHeld: true,
        }),
      ),
    );
    expect(error).toBeInstanceOf(HistoryFullError);
    expect((error as Error).message).toMatch(
      /it holds \d+ and 1 more would push out the [1-9]\d* oldest\. Nothing was recorded\./,
    );
    expect(await run(() => getOutcome(PROJECT_KEY, 'carts'))).toEqual(stored);
  });
});

describe('settings', () => {
  it('reads the defaults at version 0 when nothing was saved', async () => {
    const loaded = await run(() => loadSettings(PROJECT_KEY));
    expect(loaded).toEqual({ settings: DEFAULT_SETTINGS, stored: {}, version: 0 });
    expect(Object.isFrozen(loaded.settings)).toBe(true);
  });

  it('saves a partial change over the defaults and refuses a stale version', async () => {
    const saved = await run(() => saveSettings(PROJECT_KEY, { dryRun: !DEFAULT_SETTINGS.dryRun }, 0));
    expect(saved.version).toBe(1);
    expect(saved.settings.dryRun).toBe(!DEFAULT_SETTINGS.dryRun);
    expect(saved.settings.weights).toEqual(DEFAULT_SETTINGS.weights);

    const error = await failure(run(() => saveSettings(PROJECT_KEY, { dryRun: DEFAULT_SETTINGS.dryRun }, 0)));
    expect(error).toBeInstanceOf(ConflictError);
    expect((await run(() => loadSettings(PROJECT_KEY))).settings.dryRun).toBe(!DEFAULT_SETTINGS.dryRun);
  });

  it('refuses invalid settings with field messages and keeps the stored ones', async () => {
    const error = await failure(run(() => saveSettings(PROJECT_KEY, { weights: { hypothesis: -5 } }, 0)));
    expect(error).toBeInstanceOf(ValidationError);
    expect(Object.keys((error as ValidationError).fields ?? {})).toContain('weights.hypothesis');
    expect((await run(() => loadSettings(PROJECT_KEY))).version).toBe(0);
  });

  it('resets to the defaults as a new version', async () => {
    await run(() => saveSettings(PROJECT_KEY, { dryRun: !DEFAULT_SETTINGS.dryRun }, 0));
    const reset = await run(() => resetSettings(PROJECT_KEY, 1));
    expect(reset).toEqual({
      settings: DEFAULT_SETTINGS,
      stored: {},
      version: 2,
      updatedAt: expect.any(String),
      updatedBy: null,
    });
  });
});

describe('decision log', () => {
  it('stores a decision once per idempotency key and returns the first', async () => {
    const first = await run(() => appendDecision(PROJECT_KEY, aDecision()));
    const again = await run(() => appendDecision(PROJECT_KEY, aDecision({ summary: 'a retried request' })));
    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(again.decision).toEqual(first.decision);
    expect((await run(() => listDecisions(PROJECT_KEY))).decisions).toEqual([first.decision]);
  });

  it('lists newest first, a page at a time', async () => {
    for (let i = 0; i < 5; i++) {
      await run(() =>
        appendDecision(
          PROJECT_KEY,
          aDecision({ idempotencyKey: `k${i}`, at: later(i * 60_000).toISOString(), summary: `d${i}` }),
        ),
      );
    }
    const page1 = await run(() => listDecisions(PROJECT_KEY, { limit: 2 }));
    const page2 = await run(() => listDecisions(PROJECT_KEY, { limit: 2, cursor: page1.cursor }));
    const page3 = await run(() => listDecisions(PROJECT_KEY, { limit: 2, cursor: page2.cursor }));
    expect([...page1.decisions, ...page2.decisions, ...page3.decisions].map((d) => d.summary)).toEqual([
      'd4',
      'd3',
      'd2',
      'd1',
      'd0',
    ]);
    expect(page3.cursor).toBeNull();
  });
});

describe('scan state', () => {
  it('saves, loads and clears the cursor', async () => {
    expect(await run(() => loadCursor(PROJECT_KEY))).toBeNull();
    await run(() => saveCursor(PROJECT_KEY, { nextPageToken: 'abc', seen: 100 }));
    expect(await run(() => loadCursor(PROJECT_KEY))).toEqual({ nextPageToken: 'abc', seen: 100 });
    await run(() => clearCursor(PROJECT_KEY));
    expect(await run(() => loadCursor(PROJECT_KEY))).toBeNull();
  });

  it('returns the latest run summary', async () => {
    expect(await run(() => latestRunSummary(PROJECT_KEY))).toBeNull();
    await run(() => saveRunSummary(PROJECT_KEY, { runId: 'r1', startedAt: NOW.toISOString(), flagged: 2 }));
    await run(() =>
      saveRunSummary(PROJECT_KEY, { runId: 'r2', startedAt: later(3_600_000).toISOString(), flagged: 1 }),
    );
    expect(await run(() => latestRunSummary(PROJECT_KEY))).toMatchObject({ runId: 'r2', flagged: 1 });
  });

  it('keeps only the newest run summaries', async () => {
    for (let i = 0; i < RUN_HISTORY_LIMIT + 2; i++) {
      await run(() =>
        saveRunSummary(PROJECT_KEY, { runId: `r${i}`, startedAt: later(i * 60_000).toISOString() }),
      );
    }
    const kept = await run(() => listRunSummaries(PROJECT_KEY, 100));
    expect(kept).toHaveLength(RUN_HISTORY_LIMIT);
    expect(kept[0]?.runId).toBe(`r${RUN_HISTORY_LIMIT + 1}`);
    expect(kept.at(-1)?.runId).toBe('r2');
  });

  it('grants the lease to one run at a time until it expires or is released', async () => {
    const ttl = 60_000;
    expect(await run(() => acquireScanLease(PROJECT_KEY, 'run-a', NOW, ttl))).toBe(true);
    expect(await run(() => acquireScanLease(PROJECT_KEY, 'run-b', later(1000), ttl))).toBe(false);
    expect(await run(() => acquireScanLease(PROJECT_KEY, 'run-a', later(2000), ttl))).toBe(true);
    expect(await run(() => acquireScanLease('OTHER', 'run-b', later(1000), ttl))).toBe(true);

    // Past the expiry (by the caller's clock), exactly one of two contenders takes it over.
    const contenders = await Promise.all([
      run(() => acquireScanLease(PROJECT_KEY, 'run-c', later(ttl + 5000), ttl)),
      run(() => acquireScanLease(PROJECT_KEY, 'run-d', later(ttl + 5000), ttl)),
    ]);
    expect(contenders.filter(Boolean)).toHaveLength(1);

    const holder = contenders[0] ? 'run-c' : 'run-d';
    await run(() => releaseScanLease(PROJECT_KEY, 'run-a')); // not the holder: no effect
    expect(await run(() => acquireScanLease(PROJECT_KEY, 'run-e', later(ttl + 6000), ttl))).toBe(false);
    await run(() => releaseScanLease(PROJECT_KEY, holder));
    expect(await run(() => acquireScanLease(PROJECT_KEY, 'run-e', later(ttl + 7000), ttl))).toBe(true);
  });

  it('lets only one of two simultaneous first runs take a free lease', async () => {
    const both = await Promise.all([
      run(() => acquireScanLease(PROJECT_KEY, 'x', NOW, 30_000)),
      run(() => acquireScanLease(PROJECT_KEY, 'y', NOW, 30_000)),
    ]);
    expect(both.filter(Boolean)).toHaveLength(1);
  });
});
