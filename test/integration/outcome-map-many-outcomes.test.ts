/**
 * A project that has kept many outcomes with full measurement histories (each holds up to 500) still opens: the
 * page's answer carries each card's newest measurements (120 of an active outcome, 12 of a closed one, fewer when
 * their notes are long) and how many it holds, not every outcome's whole history, which passed Forge's 5 MB once
 * a project had 90 such outcomes (most of them archived: the page offers no delete). A reading taken off a card is
 * named by its place among all the outcome holds. A project has at most 100 active outcomes at once.
 */
import { kvs } from '@forge/kvs';
import type { Answer } from '../../src/contract/answer';
import type { OutcomeView, ProjectPageLoadData } from '../../src/contract/project-page';
import type { NewTokenData } from '../../src/contract/settings';
import { addDays } from '../../src/domain/dates';
import { keys } from '../../src/storage/keys';
import type { StoredOutcome } from '../../src/storage/outcomes';
import type { WorkbenchApp } from '../../workbench/app';
import { runInInvocation } from '../../workbench/forge/context';
import { anOutcomeDraft } from '../support/builders';
import { aProjectPageApp, callPage, dataOf } from '../support/project-page-app';

/** Forge refuses a resolver's answer over 5 MB (README, "Forge's rules on the workbench"). */
const ANSWER_LIMIT_BYTES = 5 * 1024 * 1024;
const START = '2025-01-01';

let app: WorkbenchApp;
beforeEach(() => {
  app = aProjectPageApp();
});
afterEach(() => app.close());

const call = <T>(fn: string, payload: unknown) => callPage<T>(app, fn, payload, 'admin');
const load = async () => dataOf(await call<ProjectPageLoadData>('load', {}));
/** Runs `step` in an invocation of the project page as the app, where storage can be reached directly. */
const asTheApp = <T>(step: () => Promise<T>) =>
  runInInvocation(
    { accountId: null, moduleKey: 'outcome-lens-project-page', installContext: app.installContext },
    step,
  );

/** Stores `o` holding `measurements`, as an outcome written before its card's window was kept (version 2). */
async function storeHolding(o: OutcomeView, measurements: StoredOutcome['measurements']): Promise<void> {
  const { measurementsHeld: _held, measurementsFrom: _from, progress: _progress, ...outcome } = o;
  const stored: StoredOutcome = { ...outcome, createdBy: null, measurements, version: 2 };
  await asTheApp(() => kvs.set(keys.outcome('DEMO', o.id), stored));
}

it('opens with 90 outcomes of 500 measurements each, 85 of them archived, each card with its newest', async () => {
  const ids: string[] = [];
  for (let i = 0; i < 90; i++) {
    const draft = anOutcomeDraft({ name: `Outcome ${i}`, metric: `checkout abandonment region ${i}` });
    ids.push(dataOf(await call<OutcomeView>('createOutcome', { draft })).id);
  }
  const answer = await app.invoke(
    'outcome-lens-settings',
    'createToken',
    { name: 'warehouse' },
    { user: 'admin', projectKey: 'DEMO' },
  );
  const { token } = dataOf(answer as Answer<NewTokenData>);
  // Two outcomes a request: 1,000 readings, the web trigger's most.
  for (let i = 0; i < ids.length; i += 2) {
    const rows = [ids[i]!, ids[i + 1]!].flatMap((outcome) =>
      Array.from({ length: 500 }, (_, day) => {
        const at = addDays(START, day);
        return {
          outcome,
          value: 40 - day / 100,
          at,
          source: 'bigquery-scheduled-export',
          id: `${outcome}-${at}`,
        };
      }),
    );
    const sent = await app.invokeWebTrigger('outcome-lens-measurements', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify(rows),
    });
    expect(sent.statusCode).toBe(200);
  }
  for (const id of ids.slice(0, 85))
    dataOf(await call<OutcomeView>('archiveOutcome', { id, version: 2, status: 'achieved' }));

  const page = await load();
  expect(Buffer.byteLength(JSON.stringify(page))).toBeLessThan(ANSWER_LIMIT_BYTES);
  const newest = addDays(START, 499);
  const active = page.outcomes.find((o) => o.id === ids[89])!;
  expect(active).toMatchObject({ measurementsHeld: 500, measurementsFrom: 380 });
  expect(active.measurements).toHaveLength(120);
  expect(active.measurements[0]!.at).toBe(addDays(START, 380));
  expect(active.measurements.at(-1)!.at).toBe(newest);
  // Progress is of the whole history: its current value is the newest reading.
  expect(active.progress).toMatchObject({ measuredAt: newest, current: 40 - 499 / 100 });
  const closed = page.outcomes.find((o) => o.id === ids[0])!;
  expect(closed).toMatchObject({ status: 'achieved', measurementsHeld: 500, measurementsFrom: 488 });
  expect(closed.measurements.map((m) => m.at)).toEqual(
    Array.from({ length: 12 }, (_, k) => addDays(START, 488 + k)),
  );
}, 120_000);

it('takes off a reading stored without an id by its place among all the outcome holds, past those not sent', async () => {
  const o = dataOf(await call<OutcomeView>('createOutcome', { draft: anOutcomeDraft() }));
  const held = Array.from({ length: 130 }, (_, day) => ({ at: addDays(START, day), value: 30 + (day % 7) }));
  await storeHolding(o, held);
  const card = (await load()).outcomes.find((x) => x.id === o.id)!;
  expect(card).toMatchObject({ measurementsHeld: 130, measurementsFrom: 10 });
  // The card's fifth reading, as its list of the latest offers it: the 15th the outcome holds.
  const shown = card.measurements[4]!;
  const after = dataOf(
    await call<OutcomeView>('removeMeasurement', {
      id: o.id,
      version: card.version,
      measurement: { at: shown.at, value: shown.value, position: card.measurementsFrom + 4 },
    }),
  );
  expect(after.measurementsHeld).toBe(129);
  const stored = await asTheApp(() => kvs.get<StoredOutcome>(keys.outcome('DEMO', o.id)));
  expect(stored!.measurements.map((m) => m.at)).toEqual(held.filter((_, i) => i !== 14).map((m) => m.at));
});

it('sends fewer of the newest readings when their notes are long, within the card’s bytes', async () => {
  const o = dataOf(await call<OutcomeView>('createOutcome', { draft: anOutcomeDraft() }));
  // Notes of 200 characters in a script of three bytes a character.
  const note = '測'.repeat(200);
  const held = Array.from({ length: 130 }, (_, day) => ({ at: addDays(START, day), value: day, note }));
  await storeHolding(o, held);
  const card = (await load()).outcomes.find((x) => x.id === o.id)!;
  expect(card.measurements.length).toBeGreaterThan(10);
  expect(card.measurements.length).toBeLessThan(120);
  expect(Buffer.byteLength(JSON.stringify(card.measurements))).toBeLessThanOrEqual(24 * 1024);
  expect(card.measurements.at(-1)!.at).toBe(addDays(START, 129));
  expect(card.measurementsFrom).toBe(130 - card.measurements.length);
});

it('refuses a 101st active outcome, made or reopened, with what to do; an outcome archived makes room', async () => {
  const made: OutcomeView[] = [];
  for (let i = 0; i < 100; i++)
    made.push(
      dataOf(await call<OutcomeView>('createOutcome', { draft: anOutcomeDraft({ name: `Goal ${i}` }) })),
    );
  const refusal = {
    ok: false,
    error: {
      code: 'VALIDATION',
      message:
        'This project has 100 active outcomes, the most it may have at once. Mark one achieved or abandoned first.',
    },
  };
  expect(await call('createOutcome', { draft: anOutcomeDraft({ name: 'One more' }) })).toMatchObject(refusal);
  // The same create sent again (its answer lost) is not refused: its outcome is among the 100.
  expect(
    await call('createOutcome', { draft: anOutcomeDraft({ name: 'Goal 99' }), id: made[99]!.id }),
  ).toMatchObject({ ok: true, data: { id: made[99]!.id } });

  const archived = dataOf(
    await call<OutcomeView>('archiveOutcome', { id: made[0]!.id, version: 1, status: 'abandoned' }),
  );
  const another = dataOf(
    await call<OutcomeView>('createOutcome', { draft: anOutcomeDraft({ name: 'One more' }) }),
  );
  expect(another.status).toBe('active');
  // The archived one may not come back while the project is full again.
  expect(await call('reopenOutcome', { id: archived.id, version: archived.version })).toMatchObject(refusal);
}, 120_000);
