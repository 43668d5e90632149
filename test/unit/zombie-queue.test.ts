import {
  compareRows,
  matchesFilter,
  queueOptions,
  selectRows,
  type QueueRow,
} from '../../src/domain/zombie-queue';

const row = (key: string, o: Partial<QueueRow> = {}): QueueRow => ({
  key,
  issueType: 'Story',
  assignee: null,
  created: '2025-01-01T00:00:00.000Z',
  lastActivity: '2025-06-01T00:00:00.000Z',
  score: 20,
  rules: ['idle'],
  ...o,
});

const ada = { accountId: 'a-1', displayName: 'Ada' };
const rows: QueueRow[] = [
  row('P-10', { lastActivity: '2025-03-01T00:00:00.000Z', score: null }),
  row('P-2', { created: '2024-01-01T00:00:00.000Z', rules: ['idle', 'unlinkedOld'], assignee: ada }),
  row('P-3', { issueType: 'Bug', score: 5, rules: ['carriedOver'] }),
  row('P-1'),
];

describe('the zombie queue order', () => {
  it('puts the longest idle, the oldest, the most rules and the lowest score first; ties by issue number', () => {
    const keys = (sort: Parameters<typeof compareRows>[0]) =>
      [...rows].sort(compareRows(sort)).map((r) => r.key);
    expect(keys('idle')).toEqual(['P-10', 'P-1', 'P-2', 'P-3']);
    expect(keys('age')).toEqual(['P-2', 'P-1', 'P-3', 'P-10']);
    expect(keys('rule')).toEqual(['P-2', 'P-3', 'P-1', 'P-10']);
    // Unscored items come last, not first.
    expect(keys('score')).toEqual(['P-3', 'P-1', 'P-2', 'P-10']);
    expect(keys('key')).toEqual(['P-1', 'P-2', 'P-3', 'P-10']);
  });
});

describe('the zombie queue filter', () => {
  it('matches by rule, issue type and assignee ("none" for unassigned), all at once', () => {
    expect(selectRows(rows, { rule: 'unlinkedOld' }, 'key').map((r) => r.key)).toEqual(['P-2']);
    expect(selectRows(rows, { issueType: 'Bug' }, 'key').map((r) => r.key)).toEqual(['P-3']);
    expect(selectRows(rows, { assignee: 'none' }, 'key').map((r) => r.key)).toEqual(['P-1', 'P-3', 'P-10']);
    expect(matchesFilter(rows[1]!, { assignee: 'a-1', rule: 'idle', issueType: 'Story' })).toBe(true);
    expect(matchesFilter(rows[1]!, { assignee: 'a-1', rule: 'carriedOver' })).toBe(false);
  });

  it('offers each rule, type and person with how many flagged items carry it, most first', () => {
    expect(queueOptions(rows)).toEqual({
      rules: [
        { rule: 'idle', count: 3 },
        { rule: 'unlinkedOld', count: 1 },
        { rule: 'carriedOver', count: 1 },
      ],
      issueTypes: [
        { name: 'Story', count: 3 },
        { name: 'Bug', count: 1 },
      ],
      assignees: [
        { accountId: 'none', displayName: 'Unassigned', count: 3 },
        { accountId: 'a-1', displayName: 'Ada', count: 1 },
      ],
    });
  });
});
