import { carryOversFromSprints, lastRealActivity } from '../../src/domain/activity';

describe('reading activity without the app’s own edits', () => {
  const created = '2026-01-01T00:00:00Z';

  it('takes Jira’s updated when a person edited after the app', () => {
    expect(
      lastRealActivity({
        created,
        updated: '2026-06-02T00:00:00Z',
        lastAppEditAt: '2026-06-01T00:00:00Z',
        realActivityBeforeAppEdit: '2026-03-01T00:00:00Z',
      }),
    ).toBe('2026-06-02T00:00:00Z');
  });

  it('keeps the earlier real activity when the app’s own edit is what bumped updated', () => {
    expect(
      lastRealActivity({
        created,
        updated: '2026-06-01T00:00:00Z',
        lastAppEditAt: '2026-06-01T00:00:00Z',
        realActivityBeforeAppEdit: '2026-03-01T00:00:00Z',
      }),
    ).toBe('2026-03-01T00:00:00Z');
    expect(
      lastRealActivity({ created, updated: '2026-06-01T00:00:00Z', lastAppEditAt: '2026-06-01T00:00:01Z' }),
    ).toBe(created);
  });

  it('takes updated when the app never edited the issue', () => {
    expect(lastRealActivity({ created, updated: '2026-05-05T00:00:00Z' })).toBe('2026-05-05T00:00:00Z');
  });
});

describe('carry-overs from the sprint field', () => {
  it('counts each closed sprint an open issue was in, by when it closed', () => {
    expect(
      carryOversFromSprints([
        { id: 3, state: 'active', endDate: '2026-12-01T00:00:00Z' },
        { id: 2, state: 'closed', endDate: '2026-11-01T00:00:00Z', completeDate: '2026-11-02T00:00:00Z' },
        { id: 1, state: 'CLOSED', endDate: '2026-10-15T00:00:00Z' },
      ]),
    ).toEqual(['2026-10-15T00:00:00Z', '2026-11-02T00:00:00Z']);
  });

  it('reads no sprint field as no carry-over', () => {
    expect(carryOversFromSprints(null)).toEqual([]);
  });
});
