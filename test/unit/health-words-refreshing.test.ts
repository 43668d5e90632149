/**
 * The status of the list of every recipe while it is read again, after a scan or a dry run counted the figures
 * again with the list open: it says the list shown is the one read before, not "2 of 3 listed" as if it were
 * read against the new count.
 */
import { recipesStatus } from '../../static/outcome-map/src/health-words';

const base = { started: true, done: true, asOf: '2026-11-21T10:00:00.000Z', truncated: false };

it('says the list shown was read before the figures were counted again, while it is read again', () => {
  expect(recipesStatus({ ...base, count: 3, listed: 2, refreshing: true })).toBe(
    '2 recipes listed before the figures were counted again: reading the list again from Jira…',
  );
  expect(recipesStatus({ ...base, count: 3, listed: 1, refreshing: true })).toBe(
    '1 recipe listed before the figures were counted again: reading the list again from Jira…',
  );
});

it('tells the list against the count once it has been read again', () => {
  expect(recipesStatus({ ...base, count: 3, listed: 3, refreshing: false })).toBe('3 of 3 recipes listed.');
  expect(recipesStatus({ ...base, count: 3, listed: 3 })).toBe('3 of 3 recipes listed.');
});
