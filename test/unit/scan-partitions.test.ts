/** The id ranges a large scan splits into, and the search each partition runs. */
import { partitionJql, scanConcurrency, splitIds } from '../../src/scan/partitions';

describe('scan partitions', () => {
  it('cuts the id span into ranges of about equal width that cover it once, end to end', () => {
    const ranges = splitIds(10_000, 109_999, 8);
    expect(ranges).toHaveLength(8);
    expect(ranges[0]!.from).toBe(10_000);
    expect(ranges[7]!.below).toBe(110_000);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i]!.from).toBe(ranges[i - 1]!.below);
    for (const r of ranges) expect(r.below - r.from).toBe(12_500);
  });

  it('never makes an empty range, even for fewer ids than partitions', () => {
    expect(splitIds(5, 7, 8)).toEqual([
      { from: 5, below: 6 },
      { from: 6, below: 7 },
      { from: 7, below: 8 },
    ]);
  });

  it('narrows the run’s own search to the range, and leaves an unpartitioned run’s alone', () => {
    const jql =
      'project = "OL" AND statusCategory != Done AND (updated >= -60m OR nextCheckAt <= "2026-06-01")';
    expect(partitionJql(jql, { from: 10_000, below: 22_500 })).toBe(`${jql} AND id >= 10000 AND id < 22500`);
    expect(partitionJql(jql, undefined)).toBe(jql);
  });

  it('holds a project’s scan events to one concurrency key', () => {
    expect(scanConcurrency('OL')).toEqual({ key: 'scan-OL', limit: 8 });
    expect(scanConcurrency('OL', 0)).toEqual({ key: 'scan-OL', limit: 1 });
  });
});
