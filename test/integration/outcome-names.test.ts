/**
 * Outcomes are picked by name (the issue panel's picker, the kill review's relink): an active outcome's name is its
 * own, case, spacing and compatibility forms aside, and a name or metric may not hold a character drawn as nothing
 * (a zero-width space, a direction override), which would make it look like another or read other than it is.
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
afterEach(() => {
  jest.restoreAllMocks();
  app.close();
});

const call = <T>(fn: string, payload: unknown) => callPage<T>(app, fn, payload, 'admin');
const create = (name: string, extra: Record<string, unknown> = {}) =>
  call<OutcomeView>('createOutcome', { draft: anOutcomeDraft({ name, ...extra }) });
const fieldsOf = (a: Answer<unknown>) => (a.ok ? 'saved' : a.error.fields);

it('refuses a name or a metric holding a character drawn as nothing, naming it and where it is', async () => {
  expect(fieldsOf(await create('Fewer abandoned\u200b carts'))).toEqual({
    'draft.name':
      'Name holds an invisible character, U+200B (zero width space), after "Fewer abandoned": remove it, so that the name is what it looks like.',
  });
  expect(fieldsOf(await create('\u202eFewer abandoned carts'))).toEqual({
    'draft.name':
      'Name holds an invisible character, U+202E (right-to-left override), at its start: remove it, so that the name is what it looks like.',
  });
  expect(fieldsOf(await create('Faster checkout', { metric: 'checkout time\u2060' }))).toMatchObject({
    'draft.metric': expect.stringMatching(/^Metric holds an invisible character, U\+2060 \(word joiner\)/),
  });
  // A joiner that builds a word or an emoji is writing, not hiding.
  expect(fieldsOf(await create('Happier teams 👩\u200d💻'))).toBe('saved');
});

it('refuses a second active outcome named alike, when made, renamed or reopened; a namesake archived is no obstacle', async () => {
  const first = dataOf(await create('Fewer abandoned carts'));
  const refusal = {
    'draft.name':
      'An active outcome is already named "Fewer abandoned carts": give this one a name of its own.',
  };
  for (const name of [' fewer  ABANDONED carts ', 'Ｆｅｗｅｒ abandoned carts'])
    expect(fieldsOf(await create(name))).toEqual(refusal);

  const second = dataOf(await create('Faster checkout'));
  const rename = await call('updateOutcome', {
    id: second.id,
    version: second.version,
    draft: anOutcomeDraft({ name: 'FEWER abandoned carts' }),
  });
  expect(fieldsOf(rename)).toEqual(refusal);
  // Its own name, in another case, is no clash; nor is the same create sent again with its form id.
  const recased = dataOf(
    await call<OutcomeView>('updateOutcome', {
      id: first.id,
      version: first.version,
      draft: anOutcomeDraft({ name: 'Fewer Abandoned Carts' }),
    }),
  );
  expect(recased.name).toBe('Fewer Abandoned Carts');
  const again = await call<OutcomeView>('createOutcome', {
    draft: anOutcomeDraft({ name: 'Faster checkout' }),
    id: second.id,
  });
  expect(again).toMatchObject({ ok: true, data: { id: second.id } });

  // Archived, its name is free; reopened while another holds it, it is refused.
  const archived = dataOf(
    await call<OutcomeView>('archiveOutcome', { id: first.id, version: recased.version, status: 'achieved' }),
  );
  dataOf(await create('Fewer abandoned carts'));
  expect(fieldsOf(await call('reopenOutcome', { id: archived.id, version: archived.version }))).toEqual({
    'draft.name':
      'An active outcome is already named "Fewer abandoned carts": give this one a name of its own.',
  });
});

it('two people naming an outcome alike at the same moment: one is saved, the other hears the name is taken', async () => {
  // Storage is slow, as a busy site's may be: a listing takes 300 ms and a write 500 ms, so each request reads
  // the others' names before any of them is written.
  const answer = app.kvs.handle.bind(app.kvs);
  jest.spyOn(app.kvs, 'handle').mockImplementation(async (path, init) => {
    const ms = { '/api/v1/query': 300, '/api/v1/set': 500 }[path] ?? 0;
    await new Promise((resolve) => setTimeout(resolve, ms));
    return answer(path, init);
  });
  const answers = await Promise.all([
    create('Fewer abandoned carts'),
    create('fewer abandoned CARTS'),
    create(' Fewer abandoned carts '),
  ]);
  expect(answers.filter((a) => a.ok)).toHaveLength(1);
  for (const refused of answers.filter((a) => !a.ok))
    expect(fieldsOf(refused)).toEqual({
      'draft.name': expect.stringMatching(
        /^An active outcome is already named "\s*fewer abandoned carts\s*"/i,
      ),
    });
  const other = dataOf(await create('Faster checkout'));
  const third = dataOf(await create('Happier support'));
  // Two renames to one new name at once: one is kept.
  const renames = await Promise.all(
    [other, third].map((o) =>
      call('updateOutcome', {
        id: o.id,
        version: o.version,
        draft: anOutcomeDraft({ name: 'Quicker refunds' }),
      }),
    ),
  );
  expect(renames.filter((a) => a.ok)).toHaveLength(1);
  const page = dataOf(await call<{ outcomes: OutcomeView[] }>('load', {}));
  const names = page.outcomes.filter((o) => o.status === 'active').map((o) => o.name.trim().toLowerCase());
  expect(new Set(names).size).toBe(names.length);
});
