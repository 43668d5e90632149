import {
  keepFilters,
  readKeptFilters,
  type FilterStore,
  type KeptFilters,
} from '../../static/outcome-map/src/kept-filters';

/** A session storage stand-in over a Map; `failing` makes every call throw, as a blocked or full storage does. */
function memoryStore(failing = false): FilterStore & { map: Map<string, string> } {
  const map = new Map<string, string>();
  const check = () => {
    if (failing) throw new DOMException('blocked', 'SecurityError');
  };
  return {
    map,
    getItem: (k) => (check(), map.get(k) ?? null),
    setItem: (k, v) => (check(), void map.set(k, v)),
    removeItem: (k) => (check(), void map.delete(k)),
  };
}

const chosen: KeptFilters = {
  filters: { sprintId: 7, issueType: 'Story', assignee: 'unassigned', recipe: true },
  names: { sprintId: 'Sprint 7', issueType: 'Story', assignee: 'Unassigned' },
};

describe('the outcome map’s kept filters', () => {
  it('gives back what was kept for the same project, and nothing for another', () => {
    const store = memoryStore();
    keepFilters(store, 'DEMO', chosen);
    expect(readKeptFilters(store, 'DEMO')).toEqual(chosen);
    expect(readKeptFilters(store, 'OTHER')).toEqual({ filters: {}, names: {} });
  });

  it('takes the entry away once no filter is on', () => {
    const store = memoryStore();
    keepFilters(store, 'DEMO', chosen);
    keepFilters(store, 'DEMO', { filters: {}, names: {} });
    expect(store.map.size).toBe(0);
  });

  it.each([
    ['not JSON', '{sprint'],
    ['a number', '42'],
    ['null', 'null'],
    ['no filters', '{"names":{"sprintId":"Sprint 7"}}'],
  ])('reads %s as no filters', (_what, stored) => {
    const store = memoryStore();
    store.map.set('outcome-lens:map-filters:DEMO', stored);
    expect(readKeptFilters(store, 'DEMO')).toEqual({ filters: {}, names: {} });
  });

  it('keeps only values the map could have set, and names only for kept values', () => {
    const store = memoryStore();
    store.map.set(
      'outcome-lens:map-filters:DEMO',
      JSON.stringify({
        filters: { sprintId: -3, issueType: '   ', assignee: 'x'.repeat(256), recipe: 'yes', extra: 1 },
        names: { sprintId: 'Sprint -3', issueType: 'Blank' },
      }),
    );
    expect(readKeptFilters(store, 'DEMO')).toEqual({ filters: {}, names: {} });
    store.map.set(
      'outcome-lens:map-filters:DEMO',
      JSON.stringify({ filters: { sprintId: 2.5, issueType: 'Bug' }, names: { issueType: 42 } }),
    );
    expect(readKeptFilters(store, 'DEMO')).toEqual({ filters: { issueType: 'Bug' }, names: {} });
    // An assignee no account id could be (the map's filter would refuse it, and with it every load).
    store.map.set(
      'outcome-lens:map-filters:DEMO',
      JSON.stringify({ filters: { assignee: 'Ada Admin\n' }, names: { assignee: 'Ada' } }),
    );
    expect(readKeptFilters(store, 'DEMO')).toEqual({ filters: {}, names: {} });
  });

  it('filters without keeping where the storage is blocked or missing', () => {
    expect(() => keepFilters(memoryStore(true), 'DEMO', chosen)).not.toThrow();
    expect(readKeptFilters(memoryStore(true), 'DEMO')).toEqual({ filters: {}, names: {} });
    expect(() => keepFilters(null, 'DEMO', chosen)).not.toThrow();
    expect(readKeptFilters(null, 'DEMO')).toEqual({ filters: {}, names: {} });
  });
});
