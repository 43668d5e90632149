/**
 * A reading a person took off an outcome on the project page stays off when its sender sends it again (a job
 * re-run, a request resent after a lost answer): the outcome remembers what was taken off (src/storage/outcomes.ts,
 * takenOff). Another reading under the same id is a correction, and is recorded.
 */
import type { Answer } from '../../src/contract/answer';
import type { OutcomeView } from '../../src/contract/project-page';
import type { NewTokenData } from '../../src/contract/settings';
import { createWorkbenchApp, type WorkbenchApp } from '../../workbench/app';
import { DUE_DATE_AHEAD } from '../support/builders';

const P = 'DEMO';
let app: WorkbenchApp;
let token = '';

const ok = <T>(a: unknown): T => {
  const answer = a as Answer<T>;
  if (!answer.ok) throw new Error(JSON.stringify(answer.error));
  return answer.data;
};
const page = (fn: string, payload: unknown) =>
  app.invoke('outcome-lens-project-page', fn, payload, { user: 'admin', projectKey: P });

async function send(reading: Record<string, unknown>): Promise<{ accepted: number; duplicates: number }> {
  const answer = await app.invokeWebTrigger('outcome-lens-measurements', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ metric: 'Checkout abandonment', at: '2026-11-30', source: 'ci', ...reading }),
  });
  expect(answer.statusCode).toBe(200);
  return JSON.parse(answer.body) as { accepted: number; duplicates: number };
}

async function theOutcome(id: string): Promise<OutcomeView> {
  return ok<{ outcomes: OutcomeView[] }>(await page('load', {})).outcomes.find((o) => o.id === id)!;
}

let outcomeId = '';
beforeEach(async () => {
  app = createWorkbenchApp({ dataFile: ':memory:', contract: true });
  app.jira.store.createProject({ key: P, name: P });
  app.grantDemoRoles(P);
  outcomeId = ok<OutcomeView>(
    await page('createOutcome', {
      draft: {
        name: 'Fewer abandoned checkouts',
        metric: 'Checkout abandonment',
        baseline: 40,
        target: 30,
        direction: 'decrease',
        dueDate: DUE_DATE_AHEAD,
      },
    }),
  ).id;
  token = ok<NewTokenData>(
    await app.invoke(
      'outcome-lens-settings',
      'createToken',
      { name: 'ci' },
      { user: 'admin', projectKey: P },
    ),
  ).token;
});
afterEach(() => app.close());

async function takeOff(): Promise<void> {
  const shown = await theOutcome(outcomeId);
  const [reading] = shown.measurements;
  const after = ok<OutcomeView>(
    await page('removeMeasurement', {
      id: outcomeId,
      version: shown.version,
      measurement: { at: reading!.at, value: reading!.value, id: reading!.id },
    }),
  );
  expect(after.measurements).toEqual([]);
}

describe.each([
  ['sent with an id', { id: 'abandon-2026-11-30' }],
  ['sent without one (known by its day, value and source)', {}],
])('a reading %s, taken off on the page', (_, idPart) => {
  it('stays off when its sender sends it again, told as skipped', async () => {
    expect(await send({ value: 9999, ...idPart })).toMatchObject({ accepted: 1 });
    await takeOff();
    expect(await send({ value: 9999, ...idPart })).toMatchObject({ accepted: 0, duplicates: 1 });
    expect((await theOutcome(outcomeId)).measurements).toEqual([]);
  });
});

it('records a corrected reading sent under the id of one taken off', async () => {
  expect(await send({ value: 9999, id: 'abandon-2026-11-30' })).toMatchObject({ accepted: 1 });
  await takeOff();
  expect(await send({ value: 39, id: 'abandon-2026-11-30' })).toMatchObject({ accepted: 1, duplicates: 0 });
  expect((await theOutcome(outcomeId)).measurements.map((m) => m.value)).toEqual([39]);
});

it('skips a row taken off when the same file is imported again on the card, and says so', async () => {
  const csv = 'value,at,id\n9999,2026-11-30,abandon-2026-11-30\n38,2026-12-01,abandon-2026-12-01\n';
  const first = ok<{ accepted: number }>(await page('importMeasurements', { id: outcomeId, csv }));
  expect(first).toMatchObject({ accepted: 2 });
  const shown = await theOutcome(outcomeId);
  const bogus = shown.measurements.find((m) => m.value === 9999)!;
  ok(
    await page('removeMeasurement', {
      id: outcomeId,
      version: shown.version,
      measurement: { at: bogus.at, value: bogus.value, id: bogus.id },
    }),
  );
  const again = ok<{ accepted: number; duplicates: number; message: string }>(
    await page('importMeasurements', { id: outcomeId, csv }),
  );
  expect(again).toMatchObject({ accepted: 0, duplicates: 2 });
  expect(again.message).toContain('2 were recorded before (or taken off since)');
  expect((await theOutcome(outcomeId)).measurements.map((m) => m.value)).toEqual([38]);
});

// A sender whose readings carry long ids and sources fills the outcome's history; a person takes a hundred bogus
// ones off. Before the mend each was remembered whole, outside the history's byte budget: the outcome then grew
// past storage's 240 KiB a value as the history filled again, and every later reading was refused with 413.
it('remembers readings taken off compactly: a full history still takes new readings', async () => {
  const source = '€'.repeat(100);
  const idOf = (i: number) => `r${String(i).padStart(5, '0')}`.padEnd(100, 'x');
  const dayOf = (i: number) => new Date(Date.UTC(2024, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
  const sendMany = async (from: number, count: number) => {
    const measurements = Array.from({ length: count }, (_, k) => ({
      metric: 'Checkout abandonment',
      value: 1000 + from + k,
      at: dayOf(from + k),
      source,
      id: idOf(from + k),
    }));
    const answer = await app.invokeWebTrigger('outcome-lens-measurements', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ measurements }),
    });
    return answer.statusCode;
  };
  expect(await sendMany(0, 460)).toBe(200);
  for (let k = 0; k < 100; k++) {
    const { version } = await theOutcome(outcomeId);
    const i = 300 + k;
    ok(
      await page('removeMeasurement', {
        id: outcomeId,
        version,
        measurement: { at: dayOf(i), value: 1000 + i, id: idOf(i) },
      }),
    );
  }
  const statuses: number[] = [];
  for (let k = 0; k < 30; k++) statuses.push(await sendMany(460 + k * 5, 5));
  expect(statuses.filter((s) => s !== 200)).toEqual([]);
  const stored = app.kvs.dump().find((r) => r.key.endsWith(outcomeId))!.value as { takenOff: unknown[] };
  expect(stored.takenOff).toHaveLength(100);
  expect(Buffer.byteLength(JSON.stringify(stored))).toBeLessThan(240 * 1024);
  // And a resend of one taken off is still skipped.
  const again = await send({ value: 1300, at: dayOf(300), source, id: idOf(300) });
  expect(again).toMatchObject({ accepted: 0, duplicates: 1 });
}, 120_000);
