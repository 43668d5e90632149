/**
 * An outcome change sent again, by a retry after a lost answer, a double click or a second tab, is answered as
 * made, not as someone else's change; a change that changes nothing writes no version, which others would meet as
 * a change of the definition. Real @forge packages over the workbench.
 */
import type { Answer } from '../../src/contract/answer';
import type { OutcomeView } from '../../src/contract/project-page';
import type { WorkbenchApp } from '../../workbench/app';
import { anOutcomeDraft } from '../support/builders';
import { aProjectPageApp, callPage, dataOf } from '../support/project-page-app';

let app: WorkbenchApp;
beforeEach(() => {
  app = aProjectPageApp();
});
afterEach(() => app.close());

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
