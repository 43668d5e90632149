/**
 * A story pasted as a list, as Jira descriptions often hold it, keeps its benefit; and a wiki table on the line
 * after a story is not read into its benefit.
 */
import { readPastedStory } from '../../src/domain/pasted-story';

const NOW = new Date('2026-11-21T00:00:00Z');

describe('a story pasted as a list', () => {
  it.each([
    ['dashes', '- As a shopper\n- I want to save carts\n- so that I finish later'],
    ['stars', '* As a shopper\n* I want to save carts\n* so that I finish later'],
    ['bullets', '• As a shopper\n• I want to save carts\n• so that I finish later'],
    ['a list item for the benefit only', 'As a shopper, I want to save carts\n- so that I finish later'],
    ['numbers', '1. As a shopper\n2. I want to save carts\n3. so that I finish later'],
    ['numbers in brackets', '1) As a shopper\n2) I want to save carts\n3) so that I finish later'],
  ])('keeps its benefit (%s)', (_kind, story) => {
    const read = readPastedStory(story, NOW);
    expect({ persona: read.persona, intent: read.intent, benefit: read.benefit }).toEqual({
      persona: 'shopper',
      intent: 'save carts',
      benefit: 'I finish later',
    });
  });

  it('ends the benefit before a wiki table on the next line', () => {
    const story =
      '*As a* shopper, *I want* to save carts, *so that* I finish.\n||metric||from||to||\n|drop-off|40%|30%|';
    expect(readPastedStory(story, NOW).benefit).toBe('I finish');
  });

  it('still reads a benefit on its own line without a marker, and a story on one line', () => {
    expect(readPastedStory('As a shopper\nI want to save carts\nso that I finish later', NOW).benefit).toBe(
      'I finish later',
    );
    expect(readPastedStory('As a shopper, I want to save carts so that I finish later.', NOW).benefit).toBe(
      'I finish later',
    );
  });
});

describe('a story pasted with the marks of a Jira description or a Markdown page', () => {
  it('reads its parts without headings, bold, colour or link addresses', () => {
    const read = readPastedStory(
      'h2. Story\nAs a *shopper*, I want to compare [prices|https://example.com/prices], so that I {color:#ff5630}save money{color}.\n' +
        'h2. Expected outcome\nWe expect **conversion** to rise from 3% to 4% by 2027-06-30.',
      NOW,
    );
    expect([read.persona, read.intent, read.benefit]).toEqual(['shopper', 'compare prices', 'I save money']);
    expect(read.expected).toEqual([
      {
        metric: 'conversion',
        baseline: 3,
        target: 4,
        unit: '%',
        direction: 'increase',
        checkBy: '2027-06-30',
      },
    ]);
    const markdown = readPastedStory(
      '## Story\nAs a shopper, I want to compare [prices](https://example.com/prices), so that I save money.',
      NOW,
    );
    expect([markdown.persona, markdown.intent, markdown.benefit]).toEqual([
      'shopper',
      'compare prices',
      'I save money',
    ]);
    // "# of" is a number of something, not a heading, wherever the line stands.
    const count = readPastedStory(
      '## Story\nAs a support lead, I want to see repeat questions, so that we answer them once.\n' +
        '# of tickets to drop from 400 to 300 by 2027-06-30.',
      NOW,
    );
    expect(count.expected).toEqual([
      { metric: '# of tickets', baseline: 400, target: 300, direction: 'decrease', checkBy: '2027-06-30' },
    ]);
  });
});
