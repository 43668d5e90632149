import { analyseStory } from '../../src/domain/analyse-story';
import { DEFAULT_SETTINGS } from '../../src/domain/settings';
import { readPastedStory } from '../../src/domain/pasted-story';
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
      const panel = applyStory(emptyValues(), readPastedStory(STORY + expectation, NOW));
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

describe('analyseStory judges every expectation, and reads a decimal comma', () => {
  const measurable = (line: string) => {
    const a = analyseStory(STORY + line, DEFAULT_SETTINGS, NOW);
    return {
      check: a.quality.find((q) => q.criterion === 'measurable')!,
      part: a.score.components.find((c) => c.id === 'measurable')!,
    };
  };

  it('fails measurable on a further expectation whose check-by date has passed', () => {
    const { check, part } = measurable(
      'We expect drop-off to fall from 40% to 30% by 2026-12-01. We also expect churn to fall from 5% to 4% by 2026-01-01.',
    );
    expect(check).toMatchObject({ ok: false, phrase: 'churn' });
    expect(check.why).toMatch(/Check by 2026-01-01 has already passed/);
    expect(part.points).toBeLessThan(part.max);
  });

  it('fails measurable on a further expectation whose direction its numbers contradict', () => {
    const { check, part } = measurable(
      'We expect drop-off to fall from 40% to 30% and churn to fall from 5% to 6% by 2026-12-01.',
    );
    expect(check.ok).toBe(false);
    expect(check.why).toMatch(/"churn".*Direction "decrease" contradicts baseline 5 and target 6/);
    expect(part.points).toBeLessThan(part.max);
  });

  it('gives full marks when every expectation holds', () => {
    const { check, part } = measurable(
      'We expect drop-off to fall from 40% to 30% and churn to fall from 5% to 4% by 2026-12-01.',
    );
    expect(check.ok).toBe(true);
    expect(part.points).toBe(part.max);
  });

  it('reads a decimal comma as the panel does, and gives the words back as written', () => {
    const a = analyseStory(
      'As a shopper, I want 2,5 times fewer steps, so that I can buy. We expect conversion to rise from 2,5% to 3,5% by 2026-12-01.',
      DEFAULT_SETTINGS,
      NOW,
    );
    expect(a.expectedOutcome).toMatchObject({ metric: 'conversion', baseline: 2.5, target: 3.5, unit: '%' });
    expect(a.intent).toBe('2,5 times fewer steps');
    const panel = applyStory(emptyValues(), readPastedStory(a.text, NOW, '.'), '.');
    expect([panel.values.baseline, panel.values.target]).toEqual(['2.5', '3.5']);
  });
});

describe('analyseStory reads what a review found misread', () => {
  const quality = (line: string, criterion: string) =>
    analyseStory(line, DEFAULT_SETTINGS, NOW).quality.find((c) => c.criterion === criterion)!;

  it('reads a story in Jira bold as its words, and judges the role it names', () => {
    const story = analyseStory(
      '*As a* shopper, *I want* to save items, so that I can buy later. We expect saves to rise from 40 to 60 by 2026-12-01.',
      DEFAULT_SETTINGS,
      NOW,
    );
    expect([story.persona, story.intent]).toEqual(['shopper', 'save items']);
    expect(story.quality.every((c) => c.ok)).toBe(true);
  });

  it('gives a benefit that points elsewhere no credit', () => {
    expect(quality('As a shopper, I want to save items, so that see above.', 'well-formed').ok).toBe(false);
  });

  it('reads money in an ISO code, and a check-by at the end of the year, as measurable', () => {
    const story = analyseStory(
      `${STORY}We expect basket size to rise from EUR 40 to EUR 50 by the end of the year.`,
      DEFAULT_SETTINGS,
      NOW,
    );
    expect(story.expectedOutcome).toMatchObject({
      baseline: 40,
      target: 50,
      unit: 'EUR',
      checkBy: '2026-12-31',
    });
    expect(story.quality.find((c) => c.criterion === 'measurable')?.ok).toBe(true);
  });

  it('does not give a check-by more than five years ahead the time-bound credit', () => {
    const line = `${STORY}We expect saves to rise from 40 to 60 by 2040-01-01.`;
    const story = analyseStory(line, DEFAULT_SETTINGS, NOW);
    expect(story.notes.some((n) => /more than 5 years away/.test(n))).toBe(true);
    expect(quality(line, 'measurable')).toMatchObject({ ok: false, phrase: '2040-01-01' });
    const measurable = story.score.components.find((c) => c.id === 'measurable')!;
    expect(measurable.points).toBeLessThan(measurable.max);
  });
});

describe('a number that reads two ways is said, in the CLI and in the panel', () => {
  const line = `${STORY}We expect weekly orders to rise from 1.200 to 1.500 by 2026-12-01.`;
  const said = '"1.200" is read as 1.2 ("." being the decimal mark); if you meant 1200, write 1200.';

  it('notes how the CLI read "1.200", beside what it read', () => {
    const a = analyseStory(line, DEFAULT_SETTINGS, NOW);
    expect(a.expectedOutcome).toMatchObject({ baseline: 1.2, target: 1.5 });
    expect(a.notes).toContain(said);
  });

  it('notes it in the pasted story with a decimal point, and reads it as thousands with a decimal comma', () => {
    expect(readPastedStory(line, NOW, '.').notes).toContain(said);
    const german = readPastedStory(line, NOW, ',');
    expect(german.expected[0]).toMatchObject({ baseline: 1200, target: 1500 });
    expect(german.notes).toEqual([]);
  });
});
