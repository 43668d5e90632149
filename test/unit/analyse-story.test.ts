import { analyseStory } from '../../src/domain/analyse-story';
import { DEFAULT_SETTINGS } from '../../src/domain/settings';
import { applyStory, emptyValues } from '../../static/issue-panel/src/form';

const NOW = new Date('2026-06-15T10:00:00Z');
const STORY = 'As a shopper, I want to save items, so that I can buy later. ';

describe('analyseStory and the panel read the same expectations', () => {
  it('gives both movements of a story to the CLI and to the panel', () => {
    for (const expectation of [
      'We expect drop-off to shrink from 40% to 30% while conversion grows from 2% to 3% by 2026-12-01.',
      'We expect drop-off from 40% to 30% and conversion from 2% to 3% by 2026-12-01.',
      'We expect drop-off to fall from 40% to 30%. We also expect conversion to rise from 2% to 3% by 2026-12-01.',
    ]) {
      const cli = analyseStory(STORY + expectation, DEFAULT_SETTINGS, NOW);
      expect(cli.expectedOutcomes.map((e) => e.metric)).toEqual(['drop-off', 'conversion']);
      const panel = applyStory(emptyValues(), STORY + expectation, NOW);
      expect(panel.values.metric).toBe('drop-off');
      expect(panel.alsoExpected).toEqual([
        {
          metric: 'conversion',
          baseline: 2,
          target: 3,
          unit: '%',
          direction: 'increase',
          checkBy: '2026-12-01',
        },
      ]);
    }
  });
});
