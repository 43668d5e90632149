import { humaneDays } from '../../src/domain/dates';

describe('humane durations', () => {
  it.each([
    [0, '0 days'],
    [1, '1 day'],
    [60, '60 days'],
    [119, '119 days'],
    [120, '4 months'],
    [200, '7 months'],
    [364, '12 months'],
    [365, '12 months'],
    [670, '22 months'],
    [729, '24 months'],
    [731, '2 years'],
    [800, '2 years'],
    [1100, '3 years'],
    [5136, '14 years'],
  ])('says %p days as %p', (days, text) => {
    expect(humaneDays(days)).toBe(text);
  });
});
