import { applyDraft, draftOf, emptyLens, readLens } from '../../src/domain/issue-lens';
import { checkValues, emptyValues, valuesOf, type FormValues } from '../../static/issue-panel/src/form';
import { aBetDraft } from '../support/builders';
import {
  dropUnsaved,
  editsOnTop,
  keepUnsaved,
  recallAllUnsaved,
  recallUnsaved,
  sameDescribedParts,
  sameDraft,
  unsavedKey,
  type KeptStore,
  type Unsaved,
} from '../../static/issue-panel/src/unsaved';

/** A Web Storage stand-in over a Map; `fail` makes every call throw, as a blocked or full storage does. */
function memoryStore(
  fail: { on?: 'get' | 'set' | 'remove' | 'all' } = {},
): KeptStore & { map: Map<string, string> } {
  const map = new Map<string, string>();
  const check = (op: 'get' | 'set' | 'remove') => {
    if (fail.on === op || fail.on === 'all') throw new DOMException('blocked', 'SecurityError');
  };
  return {
    map,
    get length() {
      check('get');
      return map.size;
    },
    key: (i) => (check('get'), [...map.keys()][i] ?? null),
    getItem: (k) => (check('get'), map.get(k) ?? null),
    setItem: (k, v) => (check('set'), void map.set(k, v)),
    removeItem: (k) => (check('remove'), void map.delete(k)),
  };
}

const NOW = new Date('2026-12-01T12:00:00Z');
const values = (over: Partial<FormValues>): FormValues => ({ ...emptyValues(), ...over });
const kept = (over: Partial<Unsaved> = {}): Unsaved => ({
  at: '2026-12-01T11:00:00.000Z',
  loaded: values({ persona: 'shopper' }),
  mine: values({ persona: 'returning shopper', metric: 'cart drop-off' }),
  loadedAlso: [],
  mineAlso: [],
  ...over,
});
const KEY = unsavedKey('cloud-1:account-1', 'DEMO-7', 'panel-a');

describe('unsaved panel edits kept in the browser', () => {
  it('keys them by site, person, issue and open panel', () => {
    expect(KEY).toBe('outcome-lens:unsaved:cloud-1:account-1:DEMO-7:panel-a');
    expect(unsavedKey('cloud-1:account-2', 'DEMO-7', 'panel-a')).not.toBe(KEY);
    expect(unsavedKey('cloud-1:account-1', 'DEMO-7', 'panel-b')).not.toBe(KEY);
  });

  it("recalls every panel's edits for the person and issue, oldest first, and no one else's", () => {
    const store = memoryStore();
    const later = kept({
      at: '2026-12-01T11:30:00.000Z',
      mine: values({ persona: 'shopper', intent: 'reorder' }),
    });
    keepUnsaved(store, unsavedKey('cloud-1:account-1', 'DEMO-7', 'panel-b'), later);
    keepUnsaved(store, KEY, kept());
    keepUnsaved(store, unsavedKey('cloud-1:account-2', 'DEMO-7', 'panel-c'), kept());
    keepUnsaved(store, unsavedKey('cloud-1:account-1', 'DEMO-70', 'panel-d'), kept());
    store.map.set(unsavedKey('cloud-1:account-1', 'DEMO-7', 'panel-e'), 'not json');
    const all = recallAllUnsaved(store, 'cloud-1:account-1', 'DEMO-7', NOW);
    expect(all.map((k) => k.key)).toEqual([KEY, unsavedKey('cloud-1:account-1', 'DEMO-7', 'panel-b')]);
    expect(all.map((k) => k.kept)).toEqual([kept(), later]);
    // The unreadable one is gone; a store that cannot list its keys recalls nothing.
    expect(store.map.has(unsavedKey('cloud-1:account-1', 'DEMO-7', 'panel-e'))).toBe(false);
    expect(recallAllUnsaved(memoryStore({ on: 'get' }), 'cloud-1:account-1', 'DEMO-7', NOW)).toEqual([]);
    expect(recallAllUnsaved(null, 'cloud-1:account-1', 'DEMO-7', NOW)).toEqual([]);
  });

  it('keeps, recalls and drops them', () => {
    const store = memoryStore();
    keepUnsaved(store, KEY, kept());
    expect(recallUnsaved(store, KEY, NOW)).toEqual(kept());
    dropUnsaved(store, KEY);
    expect(recallUnsaved(store, KEY, NOW)).toBeNull();
  });

  it('drops, rather than half restores, edits it cannot read or that are older than a fortnight', () => {
    const store = memoryStore();
    for (const text of [
      'not json',
      'null',
      '[]',
      JSON.stringify({ ...kept(), at: 'yesterday' }),
      JSON.stringify({ ...kept(), at: '2026-11-16T11:59:00.000Z' }),
      JSON.stringify({ ...kept(), mine: { persona: 'only one field' } }),
      JSON.stringify({ ...kept(), loaded: { ...values({}), target: 12 } }),
      JSON.stringify({ ...kept(), mineAlso: 'one' }),
      JSON.stringify({ ...kept(), loadedAlso: [null] }),
      JSON.stringify({ ...kept(), story: 42 }),
    ]) {
      store.map.set(KEY, text);
      expect([text, recallUnsaved(store, KEY, NOW)]).toEqual([text, null]);
      expect(store.map.has(KEY)).toBe(false);
    }
    // Thirteen days on, they are still there.
    store.map.set(KEY, JSON.stringify({ ...kept(), at: '2026-11-18T12:00:00.000Z' }));
    expect(recallUnsaved(store, KEY, NOW)).not.toBeNull();
  });

  it('works on without them where storage is blocked, full or absent', () => {
    for (const on of ['get', 'set', 'remove', 'all'] as const) {
      const store = memoryStore({ on });
      expect(() => keepUnsaved(store, KEY, kept())).not.toThrow();
      expect(() => dropUnsaved(store, KEY)).not.toThrow();
      expect(() => recallUnsaved(store, KEY, NOW)).not.toThrow();
    }
    expect(recallUnsaved(null, KEY, NOW)).toBeNull();
    expect(() => keepUnsaved(null, KEY, kept())).not.toThrow();
  });

  it('puts the edits on top of what is saved now: fields left alone take the saved value, both-changed ones are named', () => {
    const savedSince = values({ persona: 'member persona', intent: 'keep my basket' });
    const back = editsOnTop([kept()], savedSince, []);
    expect(back.values).toEqual(
      values({ persona: 'returning shopper', intent: 'keep my basket', metric: 'cart drop-off' }),
    );
    expect(back.clashes).toEqual(['persona']);
    // Nothing saved since: nothing clashes.
    expect(editsOnTop([kept()], kept().loaded, []).clashes).toEqual([]);
    // Two panels' edits: each on top of the one before, the later winning where both changed a field.
    const other = kept({
      at: '2026-12-01T11:30:00.000Z',
      mine: values({ persona: 'shopper', intent: 'reorder', metric: 'orders a week' }),
    });
    const both = editsOnTop([kept(), other], kept().loaded, []);
    expect(both.values).toEqual(
      values({ persona: 'returning shopper', intent: 'reorder', metric: 'orders a week' }),
    );
    expect(both.clashes).toEqual(['metric']);
    // The story being pasted comes back from whichever panel had one, the latest winning.
    expect(both.story).toBe('');
    expect(editsOnTop([kept({ story: 'As a shopper, I want …' }), other], kept().loaded, []).story).toBe(
      'As a shopper, I want …',
    );
  });

  it('brings back further expectations only where they were edited', () => {
    const one = { metric: 'conversion', direction: 'increase' as const };
    const two = { metric: 'basket size', direction: 'increase' as const };
    // The one I added goes on top of the one saved since, which stays.
    expect(editsOnTop([kept({ mineAlso: [one] })], kept().loaded, [two]).also).toEqual([two, one]);
    expect(editsOnTop([kept({ loadedAlso: [one], mineAlso: [one] })], kept().loaded, [two]).also).toEqual([
      two,
    ]);
  });

  it("keeps a colleague's change to a further expectation saved since, and names the list where we both changed one", () => {
    const conversion = { metric: 'conversion', direction: 'increase' as const };
    const basket = { metric: 'basket size', direction: 'increase' as const };
    const basketTheirs = { metric: 'basket size', baseline: 40, target: 48, unit: '€' };
    const repeatOrders = { metric: 'repeat orders', direction: 'increase' as const };
    const savedSince = [conversion, basketTheirs];
    // I added an expectation; meanwhile a colleague changed another: both stand, nothing clashes.
    const added = kept({ loadedAlso: [conversion, basket], mineAlso: [conversion, basket, repeatOrders] });
    expect(editsOnTop([added], kept().loaded, savedSince)).toMatchObject({
      also: [conversion, basketTheirs, repeatOrders],
      clashes: [],
    });
    // I removed the one they changed: mine is restored, and the banner names the list, after the fields.
    const removed = kept({ loadedAlso: [conversion, basket], mineAlso: [conversion] });
    expect(editsOnTop([removed], values({ persona: 'member persona' }), savedSince)).toMatchObject({
      also: [conversion],
      clashes: ['persona', 'alsoExpected'],
    });
    // I removed another one: theirs stands, without mine.
    const removedOther = kept({ loadedAlso: [conversion, basket], mineAlso: [basket] });
    expect(editsOnTop([removedOther], kept().loaded, savedSince)).toMatchObject({
      also: [basketTheirs],
      clashes: [],
    });
  });

  it('compares drafts by what they hold, not the order of their keys', () => {
    expect(
      sameDraft({ a: 1, b: { c: 2, d: [1, { e: 3, f: 4 }] } }, { b: { d: [1, { f: 4, e: 3 }], c: 2 }, a: 1 }),
    ).toBe(true);
    expect(sameDraft({ a: 1 }, { a: 2 })).toBe(false);
    expect(sameDraft({ a: 1, b: undefined }, { a: 1 })).toBe(true);
  });

  it('lets the hypothesis into the description only while its words and every expectation are the saved ones', () => {
    // As stored and read back: the panel's form of it must compare equal, or the buttons never come back.
    const stored = draftOf(
      readLens(
        JSON.parse(
          JSON.stringify(
            applyDraft(
              emptyLens(),
              aBetDraft({ alsoExpected: [{ metric: 'conversion', baseline: 2, target: 3, unit: '%' }] }),
              { total: 70, modelVersion: 'test' },
              { accountId: 'acc-po', at: '2026-06-01T00:00:00.000Z' },
              { isRecipe: false },
            ),
          ),
        ),
      ),
    );
    const onScreen = (values: FormValues, also = stored.alsoExpected) => {
      const checked = checkValues(values);
      if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
      return { ...checked.draft, ...(also ? { alsoExpected: also } : {}) };
    };
    const loaded = valuesOf(stored);
    expect(sameDescribedParts(onScreen(loaded), stored)).toBe(true);
    // A target edited and not saved would be written as the old one.
    expect(sameDescribedParts(onScreen({ ...loaded, target: '25' }), stored)).toBe(false);
    expect(
      sameDescribedParts(
        onScreen(loaded, [{ metric: 'conversion', baseline: 2, target: 4, unit: '%' }]),
        stored,
      ),
    ).toBe(false);
    expect(sameDescribedParts(onScreen({ ...loaded, intent: 'save items' }), stored)).toBe(false);
    // What the description does not hold may differ.
    expect(sameDescribedParts(onScreen({ ...loaded, maxIdleDays: '10' }), stored)).toBe(true);
  });
});
