/**
 * Measurement tokens against what an adversarial review tried: a token revoked and deleted while a rotate's write
 * was still on its way came back, unrevoked, its new secret working; the delete now keeps the revocation when a
 * write may still land, so the token comes back revoked, and refused. A live token's name is its own as people read it: spacing, compatibility forms and
 * characters drawn as nothing aside. Real @forge packages over the workbench; the rotate's write is held back by
 * a spy on the workbench's store, not on @forge/kvs.
 */
import type { NewTokenData, TokenSummary, TokensData } from '../../src/contract/settings';
import { keys } from '../../src/storage/keys';
import type { WorkbenchApp } from '../../workbench/app';
import { dataOf as ok } from '../support/project-page-app';
import { aSettingsApp, callSettings, SETTINGS_PROJECT as P } from '../support/settings-app';

let app: WorkbenchApp;

beforeEach(() => {
  app = aSettingsApp();
});
afterEach(() => {
  jest.restoreAllMocks();
  app.close();
});

const call = <T>(fn: string, payload: unknown) => callSettings<T>(app, fn, payload);
const listed = async () => ok(await call<TokensData>('listTokens', {})).tokens;
const measuredWith = async (token: string) =>
  (
    await app.invokeWebTrigger('outcome-lens-measurements', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ metric: 'Weekly sign-ups', value: 120, at: '2026-11-29' }),
    })
  ).statusCode;

it('a token deleted while a rotate is on its way comes back revoked, every secret refused, and then goes', async () => {
  const made = ok(await call<NewTokenData>('createToken', { name: 'nightly CI' }));
  const id = made.summary.id;
  // The rotate's write of its new record is held back (its claim of the next version has landed).
  const answer = app.kvs.handle.bind(app.kvs);
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let held = false;
  jest.spyOn(app.kvs, 'handle').mockImplementation(async (path, init) => {
    if (path === '/api/v1/set' && typeof init?.body === 'string') {
      const body = JSON.parse(init.body) as { key?: string; value?: { rotatedAt?: unknown } };
      if (!held && body.key === keys.ingestToken(P, id) && body.value?.rotatedAt) {
        held = true;
        await released;
      }
    }
    return answer(path, init);
  });
  const rotating = call<NewTokenData>('rotateToken', { id });
  while (!held) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(ok(await call<TokenSummary>('revokeToken', { id })).revokedAt).not.toBeNull();
  expect(ok(await call('deleteToken', { id }))).toEqual({ deleted: true });
  expect(await listed()).toEqual([]);
  release();
  const rotated = ok(await rotating);
  // The rotate's write brought the record back: listed as revoked, its new secret refused as the old one is.
  expect((await listed()).map((t) => [t.id, t.revokedAt !== null])).toEqual([[id, true]]);
  expect(await measuredWith(rotated.token)).toBe(401);
  expect(await measuredWith(made.token)).toBe(401);
  // Deleted again, with nothing in flight: gone, mark and all.
  expect(ok(await call('deleteToken', { id }))).toEqual({ deleted: true });
  expect(await listed()).toEqual([]);
  // Neither the record nor its revocation mark (stored as the token's version 0) is left.
  const left = [keys.ingestToken(P, id), keys.ingestTokenRevision(P, id, 0)];
  expect(app.kvs.dump().filter((r) => left.includes(r.key))).toEqual([]);
  expect(await measuredWith(rotated.token)).toBe(401);
});

it.each([
  ['two spaces', 'nightly  CI'],
  ['a no-break space', 'nightly\u00a0CI'],
  ['full-width letters', 'ｎｉｇｈｔｌｙ CI'],
  ['a zero-width space', 'nightly\u200b CI'],
])('refuses a second live token whose name differs only by %s', async (_what, second) => {
  ok(await call<NewTokenData>('createToken', { name: 'nightly CI' }));
  expect(await call('createToken', { name: second })).toMatchObject({
    ok: false,
    error: { code: 'VALIDATION', message: 'A token with this name exists: pick another name.' },
  });
  expect(await listed()).toHaveLength(1);
});
