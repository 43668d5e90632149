/**
 * An outcome change sent again, by a retry after a lost answer, a double click or a second tab, is answered as
 * made, not as someone else's change, a create too while its first write is still on its way; a change that
 * changes nothing writes no version, which others would meet as a change of the definition. Real @forge packages
 * over the workbench (the storage's answers are slowed by a spy on the workbench's store, not on @forge/kvs).
 */
import type { Answer } from '../../src/contract/answer';
import type { OutcomeView } from '../../src/contract/project-page';
import { keys } from '../../src/storage/keys';
import type { WorkbenchApp } from '../../workbench/app';
import { anOutcomeDraft } from '../support/builders';
import { aProjectPageApp, callPage, dataOf } from '../support/project-page-app';

let app: WorkbenchApp;
beforeEach(() => {
  app = aProjectPageApp();
});
afterEach(() => {
  jest.restoreAllMocks();
  app.close();
});

const call = <T>(fn: string, payload: unknown) => callPage<T>(app, fn, payload, 'admin');
const said = (a: Answer<unknown>) => (a.ok ? 'ok' : `${a.error.code}: ${a.error.message}`);

async function anArchivedOutcome(name = 'Fewer abandoned carts'): Promise<OutcomeView> {
  const o = dataOf(await call<OutcomeView>('createOutcome', { draft: anOutcomeDraft({ name }) }));
  return dataOf(await call<OutcomeView>('archiveOutcome', { id: o.id, version: 1, status: 'achieved' }));
}

it('a reopen sent again after its answer was lost is answered as made', async () => {
  const archived = await anArchivedOutcome();
  const reopen = { id: archived.id, version: archived.version };
  const first = dataOf(await call<OutcomeView>('reopenOutcome', reopen));
  const again = await call<OutcomeView>('reopenOutcome', reopen);
  expect(again).toMatchObject({ ok: true, data: { status: 'active', version: first.version } });
});

it('two reopens of one version at once (a double click, two tabs) make one reopen, both answered as made', async () => {
  for (let round = 0; round < 5; round++) {
    const archived = await anArchivedOutcome(`Goal ${round}`);
    const reopen = { id: archived.id, version: archived.version };
    const answers = await Promise.all([
      call<OutcomeView>('reopenOutcome', reopen),
      call<OutcomeView>('reopenOutcome', reopen),
    ]);
    expect(answers.map(said)).toEqual(['ok', 'ok']);
    expect(answers.map((a) => dataOf(a).version)).toEqual([archived.version + 1, archived.version + 1]);
  }
});

it('an archive or an edit that changes nothing writes no version, so an edit from the version before still lands', async () => {
  const archived = await anArchivedOutcome();
  const same = await call<OutcomeView>('archiveOutcome', {
    id: archived.id,
    version: archived.version,
    status: 'achieved',
  });
  expect(same).toMatchObject({ ok: true, data: { version: archived.version, status: 'achieved' } });
  const unchanged = await call<OutcomeView>('updateOutcome', {
    id: archived.id,
    version: archived.version,
    draft: anOutcomeDraft({ name: archived.name }),
  });
  expect(unchanged).toMatchObject({ ok: true, data: { version: archived.version } });
  // Another person's edit made on the version they read is no conflict: nothing changed since.
  const edited = await call<OutcomeView>('updateOutcome', {
    id: archived.id,
    version: archived.version,
    draft: anOutcomeDraft({ name: archived.name, target: 20 }),
  });
  expect(edited).toMatchObject({ ok: true, data: { version: archived.version + 1, target: 20 } });
});

it('a create sent twice at once with the form’s id, the first write slow, makes one outcome and answers both as made', async () => {
  const answer = app.kvs.handle.bind(app.kvs);
  let delayed = 0;
  // The first write of an outcome (not its claim, which is sent with options) waits 150 ms.
  jest.spyOn(app.kvs, 'handle').mockImplementation(async (path, init) => {
    const body =
      typeof init?.body === 'string' ? (JSON.parse(init.body) as { key?: string; options?: unknown }) : {};
    if (path.endsWith('/set') && body.key?.startsWith('outcome:DEMO:') && !body.options && delayed++ === 0)
      await new Promise((resolve) => setTimeout(resolve, 150));
    return answer(path, init);
  });
  const payload = { draft: anOutcomeDraft(), id: 'form-1234-abcd' };
  const answers = await Promise.all([
    call<OutcomeView>('createOutcome', payload),
    call<OutcomeView>('createOutcome', payload),
  ]);
  expect(delayed).toBeGreaterThan(0);
  expect(answers.map(said)).toEqual(['ok', 'ok']);
  expect(answers.map((a) => dataOf(a).id)).toEqual(['form-1234-abcd', 'form-1234-abcd']);
});

it('a create whose earlier try claimed the id and stopped before writing says so, not that the outcome exists', async () => {
  const id = 'form-5678-abcd';
  // The earlier try's claim of version 1, and no outcome: Forge stopped it between the two writes.
  const claimed = await app.kvs.handle('/api/v1/set', {
    method: 'POST',
    body: JSON.stringify({
      key: keys.outcomeRevision('DEMO', id, 1),
      value: { at: new Date().toISOString() },
    }),
  });
  expect(claimed.ok).toBe(true);
  expect(said(await call('createOutcome', { draft: anOutcomeDraft(), id }))).toBe(
    'CONFLICT: An earlier try of this create is still being saved, or stopped: reload the page in a minute to see whether the outcome was made.',
  );
});
