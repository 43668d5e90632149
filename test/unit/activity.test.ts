import {
  carryOversFromSprints,
  doneSpans,
  lastRealActivity,
  mayHaveBeenDoneInSprint,
} from '../../src/domain/activity';

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

  // Jira keeps on the issue the sprint it was completed in: after a reopen that sprint is no carry-over.
  const closed = (id: number, completeDate: string) => ({
    id,
    state: 'closed',
    endDate: completeDate,
    completeDate,
  });
  const sprints = [
    closed(1, '2026-01-15T00:00:00Z'),
    closed(2, '2026-01-29T00:00:00Z'),
    closed(3, '2026-02-12T00:00:00Z'),
    closed(4, '2026-02-26T00:00:00Z'),
  ];

  it('does not count a closed sprint the issue was done in when it closed, reopened since', () => {
    const done = [{ from: '2026-01-10T00:00:00Z', until: '2026-01-20T00:00:00Z' }];
    expect(carryOversFromSprints(sprints, done)).toEqual([
      '2026-01-29T00:00:00Z',
      '2026-02-12T00:00:00Z',
      '2026-02-26T00:00:00Z',
    ]);
  });

  it('skips one sprint for each reopen, and counts a sprint that closed before it was done or after it was reopened', () => {
    const done = [
      { from: '2026-01-20T00:00:00Z', until: '2026-02-01T00:00:00Z' },
      { from: '2026-02-20T00:00:00Z', until: '2026-03-01T00:00:00Z' },
    ];
    expect(carryOversFromSprints(sprints, done)).toEqual(['2026-01-15T00:00:00Z', '2026-02-12T00:00:00Z']);
    // Reopened the moment the sprint closed: it was not done then.
    expect(
      carryOversFromSprints(sprints, [{ from: '2026-01-10T00:00:00Z', until: '2026-01-15T00:00:00Z' }]),
    ).toHaveLength(4);
  });
});

describe('when an issue was done, from its status history', () => {
  it('spans each stay in the done category, from reaching it to the reopen', () => {
    expect(
      doneSpans([
        // Out of order, as two reads may give them.
        { at: '2026-02-01T00:00:00Z', from: 'done', to: 'indeterminate' },
        { at: '2026-01-10T00:00:00Z', from: 'indeterminate', to: 'done' },
        { at: '2026-01-12T00:00:00Z', from: 'done', to: 'done' },
        { at: '2026-01-05T00:00:00Z', from: 'new', to: 'indeterminate' },
        { at: '2026-03-01T00:00:00Z', from: 'indeterminate', to: 'done' },
      ]),
    ).toEqual([
      { from: '2026-01-10T00:00:00Z', until: '2026-02-01T00:00:00Z' },
      { from: '2026-03-01T00:00:00Z', until: null },
    ]);
  });

  it('starts a span before the history when the first change leaves done, and takes an unknown category for not done', () => {
    expect(doneSpans([{ at: '2026-02-01T00:00:00Z', from: 'done', to: 'new' }])).toEqual([
      { from: null, until: '2026-02-01T00:00:00Z' },
    ]);
    expect(doneSpans([{ at: '2026-02-01T00:00:00Z', from: 'indeterminate', to: null }])).toEqual([]);
    expect(doneSpans([])).toEqual([]);
  });

  it('needs the history only when a closed sprint closed before the status category last changed', () => {
    const sprints = [
      { id: 1, state: 'closed', completeDate: '2026-01-15T00:00:00Z' },
      { id: 2, state: 'active', endDate: '2026-03-01T00:00:00Z' },
    ];
    expect(mayHaveBeenDoneInSprint(sprints, '2026-02-01T00:00:00Z')).toBe(true);
    expect(mayHaveBeenDoneInSprint(sprints, '2026-01-01T00:00:00Z')).toBe(false);
    expect(mayHaveBeenDoneInSprint(sprints, null)).toBe(true);
    expect(mayHaveBeenDoneInSprint([sprints[1]!], null)).toBe(false);
  });
});
