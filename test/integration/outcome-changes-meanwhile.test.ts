/**
 * Outcome changes while other readings come in: a removal takes off exactly the reading the person clicked, and
 * a measurement recorded meanwhile (web trigger, another person) does not refuse an edit, an archive or a reopen
 * made on the version the page showed; two people changing the outcome's own fields still meet a conflict.
 */
import { kvs } from '@forge/kvs';
import { createWorkbenchApp, type WebTriggerAnswer, type WorkbenchApp } from '../../workbench/app';
import { runInInvocation } from '../../workbench/forge/context';
import type { Answer } from '../../src/contract/answer';
import type { NewTokenData } from '../../src/contract/settings';
import type { OutcomeView, ProjectPageLoadData } from '../../src/contract/project-page';
import { keys } from '../../src/storage/keys';
import type { StoredOutcome } from '../../src/storage/outcomes';
import { anOutcomeDraft } from '../support/builders';

const P = 'DEMO';
const PAGE = 'outcome-lens-project-page';
let app: WorkbenchApp;

beforeEach(() => {
  app = createWorkbenchApp({ dataFile: ':memory:', contract: true });
  app.jira.store.createProject({ key: P, name: 'Demo' });
  app.grantDemoRoles(P);
});
afterEach(() => app.close());

async function call<T>(fn: string, payload: unknown, module = PAGE): Promise<Answer<T>> {
  return (await app.invoke(module, fn, payload, { user: 'admin', projectKey: P })) as Answer<T>;
}
function ok<T>(a: Answer<T>): T {
  if (!a.ok) throw new Error(`expected ok, got ${JSON.stringify(a.error)}`);
  return a.data;
}

const created = async () => ok(await call<OutcomeView>('createOutcome', { draft: anOutcomeDraft() }));
const stored = async (id: string) =>
  ok(await call<ProjectPageLoadData>('load', {})).outcomes.find((o) => o.id === id)!;

async function sendReading(token: string, body: Record<string, unknown>): Promise<WebTriggerAnswer> {
  return app.invokeWebTrigger('outcome-lens-measurements', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
}

/** A reading typed on the page, as its measurement form sends it. */
const typed = (o: OutcomeView, at: string, value: number, id: string) =>
  call<OutcomeView>('addMeasurement', { id: o.id, version: o.version, measurement: { at, value, id } });

describe('removing a measurement', () => {
  it('takes off the reading clicked, not another of the same day and value, and a resend does not bring one back', async () => {
    const o = await created();
    const { token } = ok(
      await call<NewTokenData>('createToken', { name: 'warehouse' }, 'outcome-lens-settings'),
    );
    const reading = { outcome: o.id, value: 38, at: '2026-11-01', source: 'warehouse', id: 'x' };
    expect((await sendReading(token, reading)).statusCode).toBe(200);
    ok(await typed(await stored(o.id), '2026-11-01', 38, 'typed:mine'));
    const shown = await stored(o.id);
    expect(shown.measurements.map((m) => m.id)).toEqual(['x', 'typed:mine']);

    // The card lists the latest first: the typed one is the one clicked.
    const after = ok(
      await call<OutcomeView>('removeMeasurement', {
        id: o.id,
        version: shown.version,
        measurement: { at: '2026-11-01', value: 38, id: 'typed:mine', position: 1 },
      }),
    );
    expect(after.measurements.map((m) => m.id)).toEqual(['x']);
    // The sender's resend of x adds nothing, and the removal stays made.
    expect((await sendReading(token, reading)).statusCode).toBe(200);
    expect((await stored(o.id)).measurements.map((m) => m.id)).toEqual(['x']);
  });

  it('by id, whatever was recorded since the card was read; a reading recorded without an id gets one', async () => {
    const o = await created();
    const first = ok(
      await call<OutcomeView>('addMeasurement', {
        id: o.id,
        version: o.version,
        measurement: { at: '2026-11-01', value: 38 },
      }),
    );
    const id = first.measurements[0]!.id;
    expect(id).toEqual(expect.any(String));
    ok(await typed(first, '2026-11-02', 37, 'typed:later'));
    const after = ok(
      await call<OutcomeView>('removeMeasurement', {
        id: o.id,
        version: first.version,
        measurement: { at: '2026-11-01', value: 38, id, position: 0 },
      }),
    );
    expect(after.measurements.map((m) => m.id)).toEqual(['typed:later']);
    expect(
      await call('removeMeasurement', {
        id: o.id,
        version: after.version,
        measurement: { at: '2026-11-01', value: 38, id, position: 0 },
      }),
    ).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('of readings stored without ids, by their place on the version shown, checked against day and value', async () => {
    const o = await created();
    const legacy: StoredOutcome = {
      ...(await stored(o.id)),
      createdBy: null,
      measurements: [
        { at: '2026-11-01', value: 38, note: 'first' },
        { at: '2026-11-01', value: 38, note: 'second' },
      ],
      version: 2,
    };
    await runInInvocation({ accountId: null, moduleKey: PAGE, installContext: app.installContext }, () =>
      kvs.set(keys.outcome(P, o.id), legacy),
    );
    const removal = (position: number, version = 2) => ({
      id: o.id,
      version,
      measurement: { at: '2026-11-01', value: 38, position },
    });
    // A place that holds another day or value is not the reading shown: nothing goes.
    expect(await call('removeMeasurement', removal(5))).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    const after = ok(await call<OutcomeView>('removeMeasurement', removal(1)));
    expect(after.measurements.map((m) => m.note)).toEqual(['first']);
    // A place read from an older version may have moved: refused, not guessed.
    expect(await call('removeMeasurement', removal(0))).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
  });
});

describe('a measurement recorded while an outcome change is made', () => {
  it('does not refuse an edit made on the version shown, and the edit keeps the measurement', async () => {
    const o = await created();
    ok(await typed(o, '2026-11-01', 38, 'typed:meanwhile'));
    const saved = ok(
      await call<OutcomeView>('updateOutcome', {
        id: o.id,
        version: o.version,
        draft: anOutcomeDraft({ target: 25 }),
      }),
    );
    expect(saved.target).toBe(25);
    expect(saved.measurements.map((m) => m.id)).toEqual(['typed:meanwhile']);
  });

  it('does not refuse an archive or a reopen made on the version shown', async () => {
    const o = await created();
    ok(await typed(o, '2026-11-01', 38, 'typed:one'));
    const archived = ok(
      await call<OutcomeView>('archiveOutcome', { id: o.id, version: o.version, status: 'achieved' }),
    );
    expect(archived.status).toBe('achieved');
    ok(await typed(archived, '2026-11-02', 37, 'typed:two'));
    const reopened = ok(await call<OutcomeView>('reopenOutcome', { id: o.id, version: archived.version }));
    expect(reopened.status).toBe('active');
    expect(reopened.measurements.map((m) => m.id)).toEqual(['typed:one', 'typed:two']);
  });

  it('sent at the same moment as a measurement, both land, whichever is written first', async () => {
    for (let round = 0; round < 10; round++) {
      const o = await created();
      const [edited, measured] = await Promise.all([
        call('updateOutcome', {
          id: o.id,
          version: o.version,
          draft: anOutcomeDraft({ name: `Round ${round}` }),
        }),
        typed(o, '2026-11-01', 38, `typed:round-${round}`),
      ]);
      expect([edited.ok, measured.ok]).toEqual([true, true]);
      const now = await stored(o.id);
      expect([now.name, now.measurements.length, now.version]).toEqual([`Round ${round}`, 1, 3]);
    }
  });

  it('still refuses an edit of fields someone else changed since, with a measurement in between', async () => {
    const o = await created();
    ok(
      await call('updateOutcome', {
        id: o.id,
        version: o.version,
        draft: anOutcomeDraft({ name: 'Theirs' }),
      }),
    );
    ok(await typed(o, '2026-11-01', 38, 'typed:between'));
    expect(
      await call('updateOutcome', { id: o.id, version: o.version, draft: anOutcomeDraft({ name: 'Mine' }) }),
    ).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await call('archiveOutcome', { id: o.id, version: o.version, status: 'abandoned' })).toMatchObject(
      { ok: false, error: { code: 'CONFLICT' } },
    );
    const now = await stored(o.id);
    expect([now.name, now.status, now.measurements.length]).toEqual(['Theirs', 'active', 1]);
  });

  it('the same edit sent again after its answer was lost, with a measurement in between, is answered as saved', async () => {
    const o = await created();
    const edit = { id: o.id, version: o.version, draft: anOutcomeDraft({ name: 'Renamed' }) };
    const saved = ok(await call<OutcomeView>('updateOutcome', edit));
    ok(await typed(saved, '2026-11-01', 38, 'typed:between'));
    const again = ok(await call<OutcomeView>('updateOutcome', edit));
    expect([again.name, again.version, again.measurements.length]).toEqual(['Renamed', saved.version + 1, 1]);
  });
});
