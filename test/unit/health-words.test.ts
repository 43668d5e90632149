import { movementText, recipesStatus, scoresText } from '../../static/outcome-map/src/health-words';

describe('backlog health in the person’s numbers', () => {
  it('says a movement and the scores with a decimal comma for a German reader', () => {
    expect(movementText(3.54, { unit: 'percentage points', mark: ',' })).toBe(
      '+3,5 percentage points since the last scan',
    );
    expect(movementText(-1.26, { unit: 'points', mark: ',' })).toBe('−1,3 points since the last scan');
    expect(scoresText(29.8, 11, ',')).toBe('Mean 29,8, median 11.');
  });

  it('keeps the decimal point by default, and says when there is nothing to compare', () => {
    expect(movementText(3.54, { unit: 'percentage points' })).toBe(
      '+3.5 percentage points since the last scan',
    );
    expect(movementText(0.04)).toBe('no change since the last scan');
    expect(movementText(2, { firstScan: true })).toBe('no earlier scan to compare with yet');
    expect(movementText(null)).toBeNull();
    expect(scoresText(null, null)).toBe('Mean –, median –.');
  });
});

describe('the list of every recipe beside the count above it', () => {
  const base = { started: true, done: true, truncated: false };

  it('never calls a count made now, before any scan, the last scan’s', () => {
    // A project never scanned, more than 1,000 open items: the count is over the first 1,000, the list over all.
    const text = recipesStatus({ ...base, count: 666, listed: 812, asOf: null, truncated: true });
    expect(text).not.toMatch(/last scan/);
    expect(text).toBe(
      '812 recipes listed, read from Jira now over the whole open backlog. The figures above were counted now ' +
        'over the first 1,000 open items and found 666 recipes.',
    );
    // While reading, neither "700 of 666" nor the last scan.
    const reading = recipesStatus({
      ...base,
      done: false,
      count: 666,
      listed: 700,
      asOf: null,
      truncated: true,
    });
    expect(reading).not.toMatch(/last scan| of 666/);
    expect(reading).toMatch(/^700 recipes listed so far/);
    // Not truncated, and the backlog changed between the page's count and the list.
    expect(recipesStatus({ ...base, count: 26, listed: 27, asOf: null })).toBe(
      '27 recipes listed, read from Jira now. The figures above were counted now, as the page loaded, and found ' +
        '26 recipes: the backlog has changed since.',
    );
  });

  // A count of none that may be short (a scan's, days old; or over the first 1,000 items only) offers the list:
  // it says so, not "0 recipes.", before the list is read.
  it('asks to list them when a count of none may be short, and says none when it is of the whole backlog now', () => {
    const before = { started: false, done: false, listed: 0, count: 0 };
    expect(recipesStatus({ ...before, asOf: '2026-05-01T02:00:00.000Z', truncated: false })).toBe(
      'The figures above are from the last scan, which counted 0: list them to see what Jira holds now.',
    );
    expect(recipesStatus({ ...before, asOf: null, truncated: true })).toBe(
      'The figures above were counted now over the first 1,000 open items and found 0 recipes: list them to see ' +
        'what Jira holds now.',
    );
    expect(recipesStatus({ ...before, asOf: null, truncated: false })).toBe('0 recipes.');
    expect(recipesStatus({ ...before, count: 3, asOf: null, truncated: true })).toBe('3 recipes.');
  });

  it('says the scan’s count is the scan’s, and a list that adds up as a part of the whole', () => {
    const asOf = '2026-05-01T02:00:00.000Z';
    expect(recipesStatus({ ...base, count: 26, listed: 27, asOf })).toBe(
      '27 recipes listed, read from Jira now. The figures above are from the last scan, which counted 26: the ' +
        'backlog has changed since.',
    );
    expect(recipesStatus({ ...base, done: false, count: 26, listed: 20, asOf })).toBe(
      '20 of 26 recipes listed so far.',
    );
    expect(recipesStatus({ ...base, count: 26, listed: 26, asOf: null })).toBe('26 of 26 recipes listed.');
    expect(recipesStatus({ ...base, started: false, done: false, count: 26, listed: 0, asOf })).toBe(
      '26 recipes.',
    );
  });
});
