import {
  MAX_WRITE_REQUESTS,
  emptyLens,
  readLens,
  withWriteRequest,
  writeRequestOf,
  type WriteRequest,
} from '../../src/domain/issue-lens';

const aRequest = (over: Partial<WriteRequest> = {}): WriteRequest => ({
  id: 'req-00000001',
  by: 'acc-member',
  version: 1,
  at: '2026-11-30T08:00:00.000Z',
  score: 40,
  digest: 'abcdef0123456789',
  ...over,
});

describe('the request ids a lens records with its writes', () => {
  it('are absent from a lens nobody saved with one, so older lenses keep their shape', () => {
    expect(readLens({ version: 3 })).not.toHaveProperty('writeRequests');
    expect(readLens({ version: 3, writeRequests: 'garbage' }).writeRequests).toBeUndefined();
  });

  it('answer only the person who sent the request', () => {
    const lens = withWriteRequest(emptyLens(), aRequest());
    expect(writeRequestOf(lens, 'req-00000001', 'acc-member')).toMatchObject({ version: 1 });
    expect(writeRequestOf(lens, 'req-00000001', 'acc-admin')).toBeNull();
    expect(writeRequestOf(lens, 'req-00000002', 'acc-member')).toBeNull();
  });

  it(`keep the newest ${MAX_WRITE_REQUESTS}, newest first, one entry per id`, () => {
    let lens = emptyLens();
    for (let i = 1; i <= MAX_WRITE_REQUESTS + 3; i++)
      lens = withWriteRequest(lens, aRequest({ id: `req-${String(i).padStart(8, '0')}`, version: i }));
    lens = withWriteRequest(lens, aRequest({ id: 'req-00000011', version: 99 }));
    const ids = lens.writeRequests!.map((r) => r.id);
    expect(ids).toHaveLength(MAX_WRITE_REQUESTS);
    expect(ids[0]).toBe('req-00000011');
    expect(new Set(ids).size).toBe(ids.length);
    expect(writeRequestOf(lens, 'req-00000001', 'acc-member')).toBeNull();
    expect(readLens(JSON.parse(JSON.stringify(lens))).writeRequests).toEqual(lens.writeRequests);
  });
});
