/**
 * Edits kept in the browser do not pile up: opening any issue's panel drops every kept entry past the fortnight,
 * and a full store makes room from the oldest edits of other issues before it gives up and says so.
 */
import { emptyValues, type FormValues } from '../../static/issue-panel/src/form';
import {
  dropExpiredUnsaved,
  keepUnsaved,
  unsavedKey,
  type KeptStore,
  type Unsaved,
} from '../../static/issue-panel/src/unsaved';

/** A Web Storage stand-in over a Map that holds at most `room` characters, as a browser's quota does. */
function smallStore(room: number): KeptStore & { map: Map<string, string> } {
  const map = new Map<string, string>();
  const used = () => [...map].reduce((n, [k, v]) => n + k.length + v.length, 0);
  return {
    map,
    get length() {
      return map.size;
    },
    key: (i) => [...map.keys()][i] ?? null,
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => {
      const before = map.get(k);
      map.set(k, v);
      if (used() > room) {
        if (before === undefined) map.delete(k);
        else map.set(k, before);
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      }
    },
    removeItem: (k) => void map.delete(k),
  };
}

const NOW = new Date('2026-12-01T12:00:00Z');
const values = (over: Partial<FormValues>): FormValues => ({ ...emptyValues(), ...over });
const edits = (at: string, story = ''): Unsaved => ({
  at,
  loaded: values({}),
  mine: values({ persona: 'returning shopper' }),
  loadedAlso: [],
  mineAlso: [],
  ...(story ? { story } : {}),
});
const key = (issue: string, panel = 'panel-a', scope = 'cloud-1:account-1') =>
  unsavedKey(scope, issue, panel);

describe('kept edits make room for themselves', () => {
  it("drops every issue's entries past the fortnight when any panel opens, and keeps the rest", () => {
    const store = smallStore(10_000_000);
    store.map.set(key('DEMO-1'), JSON.stringify(edits('2026-11-01T10:00:00.000Z', 'x'.repeat(100_000))));
    store.map.set(
      key('DEMO-2', 'panel-b', 'cloud-1:account-2'),
      JSON.stringify(edits('2026-11-16T11:59:00.000Z')),
    );
    store.map.set(key('DEMO-3'), 'not json');
    store.map.set(key('DEMO-4'), JSON.stringify(edits('2026-11-20T10:00:00.000Z')));
    store.map.set('another-app:setting', 'kept');
    dropExpiredUnsaved(store, NOW);
    expect([...store.map.keys()]).toEqual([key('DEMO-4'), 'another-app:setting']);
    expect(() => dropExpiredUnsaved(null, NOW)).not.toThrow();
  });

  it('reads the age of a large entry without parsing it', () => {
    const store = smallStore(10_000_000);
    store.map.set(key('DEMO-1'), JSON.stringify(edits('2026-11-01T10:00:00.000Z', 'x'.repeat(100_000))));
    const parse = jest.spyOn(JSON, 'parse');
    dropExpiredUnsaved(store, NOW);
    expect(parse).not.toHaveBeenCalled();
    parse.mockRestore();
    expect(store.map.size).toBe(0);
  });

  it("drops the oldest edits of other issues when the store is full, and keeps this issue's other tabs", () => {
    const story = 'x'.repeat(3_000);
    const store = smallStore(12_000);
    keepUnsaved(store, key('DEMO-1'), edits('2026-11-30T09:00:00.000Z', story));
    keepUnsaved(store, key('DEMO-2'), edits('2026-11-30T08:00:00.000Z', story));
    keepUnsaved(store, key('DEMO-7', 'panel-z'), edits('2026-11-29T08:00:00.000Z', story));
    expect(store.map.size).toBe(3);
    expect(keepUnsaved(store, key('DEMO-7'), edits('2026-12-01T11:00:00.000Z', story))).toBe(true);
    // DEMO-2's were the oldest of another issue; this issue's other tab stays although it is older still.
    expect([...store.map.keys()].sort()).toEqual(
      [key('DEMO-1'), key('DEMO-7', 'panel-z'), key('DEMO-7')].sort(),
    );
  });

  it('says so when they still cannot be kept', () => {
    const store = smallStore(2_000);
    keepUnsaved(store, key('DEMO-1'), edits('2026-11-30T09:00:00.000Z'));
    expect(keepUnsaved(store, key('DEMO-7'), edits('2026-12-01T11:00:00.000Z', 'x'.repeat(5_000)))).toBe(
      false,
    );
    // What was dropped to make room is gone all the same; the panel keeps the edits on screen.
    expect(store.map.has(key('DEMO-7'))).toBe(false);
    expect(keepUnsaved(store, key('DEMO-7'), edits('2026-12-01T11:00:00.000Z'))).toBe(true);
  });
});
