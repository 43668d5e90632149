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
afterEach(() => app.close());

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
