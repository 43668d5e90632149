/**
 * The settings page's saves against what an adversarial review tried: a flag label that is also an exempt label
 * (the scan would flag an item, then exempt it by its own label the next day, and again), labels and names holding
 * characters no one sees, a save whose answer could name the next save's author, and an admin's own retry told
 * that someone else saved. Real @forge packages over the workbench; storage answers are slowed or failed by a spy
 * on the workbench's store, not on @forge/kvs.
 */
import type { Settings } from '../../src/domain/settings';
import type { SettingsData } from '../../src/contract/settings';
import { keys } from '../../src/storage/keys';
import type { WorkbenchApp } from '../../workbench/app';
import { dataOf as ok } from '../support/project-page-app';
import { aSettingsApp, callSettings, SETTINGS_PROJECT as P, withChanges } from '../support/settings-app';

let app: WorkbenchApp;

beforeEach(() => {
  app = aSettingsApp();
});
afterEach(() => {
  jest.restoreAllMocks();
  app.close();
});

const call = <T>(fn: string, payload: unknown, user = 'admin') => callSettings<T>(app, fn, payload, user);
const fieldsOf = async (change: (s: Settings) => void) => {
  const answer = await call('save', { version: 0, settings: withChanges(change) });
  return answer.ok ? 'saved' : answer.error.fields;
};

it('refuses a flag label that is an exempt label, in any case, at the flag label', async () => {
  expect(await fieldsOf((s) => (s.flagActions.label = 'Keep-Alive'))).toEqual({
    'settings.flagActions.label':
      'The flag label "Keep-Alive" is also an exempt label ("keep-alive"): an item the scan flags would carry it and be exempt at the next scan. Choose another label, or take "keep-alive" off the exempt labels.',
  });
  expect(ok(await call<SettingsData>('load', {})).version).toBe(0);
  expect(
    await fieldsOf((s) => {
      s.flagActions.label = 'keep-alive';
      s.exemptions.labels = ['roadmap'];
    }),
  ).toBe('saved');
});

it('refuses a label or a name holding a character no one sees, at its field', async () => {
  expect(await fieldsOf((s) => (s.flagActions.label = 'zombie\u200b'))).toEqual({
    'settings.flagActions.label':
      'Flag label holds an invisible character, U+200B (zero width space), after "zombie": remove it, so that the flag label is what it looks like.',
  });
  expect(await fieldsOf((s) => (s.exemptions.labels = ['roadmap', '\u202ekeep-alive']))).toEqual({
    'settings.exemptions.labels':
      'Exempt label holds an invisible character, U+202E (right-to-left override), at its start: remove it, so that the exempt label is what it looks like.',
  });
  expect(await fieldsOf((s) => (s.exemptions.labels = ['keep\u0007alive']))).toEqual({
    'settings.exemptions.labels':
      'Exempt label "keep\u0007alive" holds a control character (U+0007): remove it and save again.',
  });
  expect(await fieldsOf((s) => (s.kill.transitionName = '\u200b\u200b'))).toEqual({
    'settings.kill.transitionName':
      'Kill transition "\u200b\u200b" holds only invisible characters: type it, or leave it empty.',
  });
  expect(await fieldsOf((s) => (s.kill.resolutionName = 'Done\u0000'))).toMatchObject({
    'settings.kill.resolutionName': expect.stringMatching(/holds a control character \(U\+0000\)/),
  });
  expect(ok(await call<SettingsData>('load', {})).version).toBe(0);
});

it('answers a save with who saved the version it answers, not who saved the next one meanwhile', async () => {
  const second = '712020:wb-second-admin';
  app.jira.store.upsertUser({ accountId: second, displayName: 'Bea Admin' });
  app.jira.store.grant(P, second, ['BROWSE_PROJECTS', 'ADMINISTER_PROJECTS']);
  const answer = app.kvs.handle.bind(app.kvs);
  let interleaved = false;
  jest.spyOn(app.kvs, 'handle').mockImplementation(async (path, init) => {
    const result = await answer(path, init);
    if (!interleaved && path === '/api/v1/set' && typeof init?.body === 'string') {
      const body = JSON.parse(init.body) as { key?: string; value?: { version?: number } };
      if (body.key === keys.settings(P) && body.value?.version === 1) {
        interleaved = true;
        // Another admin saves version 2 right after the first save's write lands, before its answer is built.
        ok(await call('save', { version: 1, settings: withChanges((s) => (s.dryRun = true)) }, second));
      }
    }
    return result;
  });
  const first = ok(
    await call<SettingsData>('save', {
      version: 0,
      settings: withChanges((s) => (s.entryGate.threshold = 65)),
    }),
  );
  expect(interleaved).toBe(true);
  expect(first).toMatchObject({ version: 1, updatedBy: app.accountIdOf('admin') });
  expect(first.settings.entryGate.threshold).toBe(65);
});

it("tells an admin's retry that an earlier save stopped, not that someone else saved, while its claim stands", async () => {
  const answer = app.kvs.handle.bind(app.kvs);
  let failed = false;
  const refusal = () =>
    new Response(JSON.stringify({ code: 'INTERNAL_SERVER_ERROR', message: 'Storage hiccup' }), {
      status: 500,
      headers: { 'content-type': 'application/json' },
    });
  // The settings record's write fails, and the claim of its version cannot be given back.
  jest.spyOn(app.kvs, 'handle').mockImplementation(async (path, init) => {
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as { key?: string }) : {};
    if (!failed && path === '/api/v1/set' && body.key === keys.settings(P)) {
      failed = true;
      return refusal();
    }
    if (path === '/api/v1/delete') return refusal();
    return answer(path, init);
  });
  const save = { version: 0, settings: withChanges((s) => (s.entryGate.threshold = 65)) };
  expect((await call('save', save)).ok).toBe(false);
  jest.restoreAllMocks();
  expect(await call('save', save)).toMatchObject({
    ok: false,
    error: {
      code: 'CONFLICT',
      message:
        'An earlier save of these settings is still being written, or stopped before it was: nothing was saved since. Save again in a minute.',
    },
  });
  expect(ok(await call<SettingsData>('load', {})).version).toBe(0);
});
