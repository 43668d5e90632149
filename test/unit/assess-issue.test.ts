import { assessIssue, resolveLink, type IssueFacts } from '../../src/domain/assess-issue';
import { DEFAULT_SETTINGS } from '../../src/domain/settings';
import { aBetDraft } from '../support/builders';

const outcomes = new Map<string, { status: 'active' | 'abandoned'; name?: string }>([
  ['out-carts', { status: 'active', name: 'Fewer abandoned carts' }],
  ['out-old', { status: 'abandoned' }],
]);

function facts(overrides: Partial<IssueFacts> = {}): IssueFacts {
  return {
    key: 'DEMO-7',
    summary: 'Shoppers lose their cart',
    description: null,
    statusCategory: 'new',
    parent: null,
    ...overrides,
  };
}

describe('assessing one issue', () => {
  it('judges every expectation, so the panel, the stored score and the CLI agree', () => {
    const measurable = (alsoExpected: NonNullable<ReturnType<typeof aBetDraft>['alsoExpected']>) =>
      assessIssue(facts(), aBetDraft({ alsoExpected }), outcomes, DEFAULT_SETTINGS).score.quality.find(
        (q) => q.criterion === 'measurable',
      );
    expect(
      measurable([
        { metric: 'conversion', baseline: 2, target: 3, direction: 'increase', checkBy: '2027-06-30' },
      ])?.ok,
    ).toBe(true);
    expect(
      measurable([{ metric: 'conversion', baseline: 3, target: 2, direction: 'increase' }]),
    ).toMatchObject({
      ok: false,
      phrase: 'conversion',
    });
  });

  it('prefers the issue’s own link to its epic’s', () => {
    expect(resolveLink('out-carts', { key: 'DEMO-1', outcomeId: 'out-old' }, outcomes)).toEqual({
      kind: 'direct',
      outcomeId: 'out-carts',
    });
  });

  it('inherits the epic’s link when the issue has none', () => {
    expect(resolveLink(undefined, { key: 'DEMO-1', outcomeId: 'out-carts' }, outcomes)).toEqual({
      kind: 'inherited',
      outcomeId: 'out-carts',
      fromIssueKey: 'DEMO-1',
    });
  });

  it('treats a link to an outcome that no longer exists as no link', () => {
    expect(resolveLink('out-deleted', null, outcomes)).toEqual({ kind: 'none' });
  });

  it('scores with the recipe found in the summary and description', () => {
    const recipe = assessIssue(
      facts({
        summary: 'Create a Save for Later button',
        description: 'Make it blue and put it in the upper right hand corner.',
      }),
      { hypothesis: {}, expected: {}, killCriteria: {} },
      outcomes,
      DEFAULT_SETTINGS,
    );
    expect(recipe.recipe.isRecipe).toBe(true);
    expect(recipe.score.components.find((c) => c.id === 'problemFraming')!.points).toBe(0);
  });

  it('passes the linked outcome’s status to the score', () => {
    const a = assessIssue(
      facts(),
      { hypothesis: {}, expected: {}, killCriteria: {}, outcomeId: 'out-old' },
      outcomes,
      DEFAULT_SETTINGS,
    );
    expect(a.link.kind).toBe('direct');
    expect(a.score.components.find((c) => c.id === 'outcomeLink')!.points).toBe(0);
  });
  it('explains the link by the outcome’s name, and by its id when the name is not known', () => {
    const linkDetail = (outcomeId: string) =>
      assessIssue(
        facts(),
        { hypothesis: {}, expected: {}, killCriteria: {}, outcomeId },
        outcomes,
        DEFAULT_SETTINGS,
      ).score.components.find((c) => c.id === 'outcomeLink')!.detail;
    expect(linkDetail('out-carts')).toBe('Serves "Fewer abandoned carts" directly.');
    expect(linkDetail('out-old')).toBe('Linked to out-old, which was abandoned.');
  });
});
