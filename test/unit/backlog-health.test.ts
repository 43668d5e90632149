import { backlogHealth, healthMovement } from '../../src/domain/backlog-health';
import { aHealthItem } from '../support/builders';

const person = (name: string) => ({ accountId: `acc-${name}`, name });

describe('backlog health', () => {
  const items = [
    aHealthItem({ key: 'A-1', reporter: person('po'), score: 90 }),
    aHealthItem({
      key: 'A-2',
      reporter: person('po'),
      isRecipe: true,
      recipePhrases: ['Make it blue'],
      link: 'none',
      score: 10,
      zombieRules: ['unlinkedOld', 'idle'],
    }),
    aHealthItem({ key: 'A-3', reporter: person('sales'), link: 'inherited', score: 45 }),
    aHealthItem({
      key: 'A-4',
      reporter: person('po'),
      isRecipe: true,
      link: 'none',
      score: 20,
      zombieRules: ['idle'],
    }),
  ];
  const report = backlogHealth(items);

  it('answers who wrote the stories, most prolific first', () => {
    expect(report.reporters).toEqual([
      { reporter: 'po', count: 3, share: 0.75 },
      { reporter: 'sales', count: 1, share: 0.25 },
    ]);
  });

  it('counts each reporter account apart, naming two of one name so they read as two people', () => {
    const formerUsers = backlogHealth([
      aHealthItem({ key: 'B-1', reporter: { accountId: 'gone-1', name: 'Former user' } }),
      aHealthItem({ key: 'B-2', reporter: { accountId: 'gone-1', name: 'Former user' } }),
      aHealthItem({ key: 'B-3', reporter: { accountId: 'gone-2', name: 'Former user' } }),
      aHealthItem({ key: 'B-4', reporter: null }),
    ]);
    expect(formerUsers.reporters).toEqual([
      { reporter: 'Former user', count: 2, share: 0.5 },
      { reporter: 'Former user (2)', count: 1, share: 0.25 },
      { reporter: null, count: 1, share: 0.25 },
    ]);
  });

  it('answers recipes or problems, with examples and their phrases', () => {
    expect(report.recipes).toMatchObject({ count: 2, share: 0.5 });
    expect(report.recipes.examples[0]).toEqual({
      key: 'A-2',
      summary: 'Shoppers abandon carts',
      phrases: ['Make it blue'],
    });
    expect(report.problems.count).toBe(2);
  });

  it('answers which outcome each serves', () => {
    expect(report.links.direct.count).toBe(1);
    expect(report.links.inherited.count).toBe(1);
    expect(report.links.none.count).toBe(2);
    expect(report.links.linked.share).toBe(0.5);
  });

  it('shows the score distribution', () => {
    expect(report.scores.buckets.map((b) => b.count)).toEqual([1, 1, 1, 0, 1]);
    expect(report.scores.median).toBe(32.5);
    expect(report.scores.mean).toBe(41.3);
  });

  it('counts zombies by rule, an item once per zombie', () => {
    expect(report.zombies.count).toBe(2);
    expect(report.zombies.byRule.idle).toBe(2);
    expect(report.zombies.byRule.unlinkedOld).toBe(1);
    expect(report.zombies.byRule.killDeadline).toBe(0);
  });

  it('reports an empty backlog without dividing by zero', () => {
    const empty = backlogHealth([]);
    expect(empty.recipes.share).toBe(0);
    expect(empty.scores).toMatchObject({ mean: null, median: null });
  });

  it('says how the backlog moved since the previous report', () => {
    const later = backlogHealth(items.slice(0, 3).map((i) => ({ ...i, link: 'direct' as const })));
    expect(healthMovement(later, report)).toEqual({
      total: -1,
      recipeShare: -0.167,
      linkedShare: 0.5,
      meanScore: 7.0,
      zombies: -1,
    });
  });
});
