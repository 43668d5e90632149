/**
 * "Who wrote the stories?" from a scan's figures: past the people the scan names, the stories of everyone else
 * still count, so the rows (and the page's top five plus "others") add up to the open backlog.
 */
import { healthFromTallies, OTHER_REPORTERS } from '../../src/services/backlog-health-report';
import { emptyAggregates, MAX_PEOPLE } from '../../src/scan/aggregates';
import { topReporters } from '../../static/outcome-map/src/reporters';

function tallies(named: number, others: number) {
  const h = emptyAggregates().health;
  for (let i = 0; i < named; i++) h.reporters[`acc-${i}`] = { name: `Person ${i}`, count: 1 };
  h.otherReporters = others;
  h.total = named + others;
  h.scores = [h.total];
  return h;
}

it('counts the stories of reporters the scan did not name in one row, so the rows sum to the backlog', () => {
  const report = healthFromTallies(tallies(MAX_PEOPLE, 300));
  expect(report.total).toBe(MAX_PEOPLE + 300);
  expect(report.reporters.reduce((sum, r) => sum + r.count, 0)).toBe(report.total);
  expect(report.reporters.find((r) => r.reporter === OTHER_REPORTERS)).toEqual({
    reporter: OTHER_REPORTERS,
    count: 300,
    share: 0.6,
  });
  const rows = topReporters(report.reporters, report.total);
  expect(rows.reduce((sum, r) => sum + r.count, 0)).toBe(report.total);
  expect(rows[0]).toMatchObject({ label: OTHER_REPORTERS, count: 300 });
});

it('adds no such row when the scan named every reporter', () => {
  const report = healthFromTallies(tallies(3, 0));
  expect(report.reporters.map((r) => r.reporter)).toEqual(['Person 0', 'Person 1', 'Person 2']);
});
