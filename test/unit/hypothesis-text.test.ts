import {
  describeWithHypothesis,
  expectationSentence,
  hypothesisSentence,
} from '../../src/domain/hypothesis-text';
import { toPlainText } from '../../src/domain/plain-text';
import { aBetDraft } from '../support/builders';

const bet = aBetDraft();

describe('the hypothesis as description text', () => {
  it('writes the story sentence with the right article, and the expectation', () => {
    expect(hypothesisSentence(bet.hypothesis)).toBe(
      'As a shopper, I want to bookmark items in the cart, so that I can come back and finish.',
    );
    expect(hypothesisSentence({ persona: 'online shopper', intent: 'to pay.', benefit: 'I finish' })).toBe(
      'As an online shopper, I want to pay, so that I finish.',
    );
    // A thing wanted takes no "to"; what the user does does.
    expect(
      hypothesisSentence({ persona: 'buyer', intent: 'a saved basket', benefit: 'I finish later' }),
    ).toBe('As a buyer, I want a saved basket, so that I finish later.');
    expect(
      hypothesisSentence({ persona: 'buyer', intent: 'QR codes on receipts', benefit: 'I scan them' }),
    ).toBe('As a buyer, I want QR codes on receipts, so that I scan them.');
    expect(expectationSentence({ ...bet.expected, unit: '%' })).toBe(
      'We expect cart drop-off to fall from 40% to 30% by 2027-03-01.',
    );
    expect(expectationSentence({})).toBeNull();
    // A currency goes before the number, as it is written.
    expect(
      expectationSentence({
        metric: 'average order value',
        baseline: 40,
        target: 48,
        unit: '$',
        direction: 'increase',
      }),
    ).toBe('We expect average order value to rise from $40 to $48.');
  });

  it('writes what the owner wrote back as a sentence Jira readers can read', () => {
    const sentence = (persona: string, intent: string, benefit = 'I finish') =>
      hypothesisSentence({ persona, intent, benefit });
    // A wanting of its own keeps its words, negation and all.
    expect(sentence('shopper', "don't want to re-enter my address")).toBe(
      "As a shopper, I don't want to re-enter my address, so that I finish.",
    );
    expect(sentence('shopper', 'never want to lose my cart')).toBe(
      'As a shopper, I never want to lose my cart, so that I finish.',
    );
    // Things wanted take no "to": a quality, a participle, a compound, a noun before "to" or "of".
    expect(sentence('shopper', 'faster checkout')).toBe(
      'As a shopper, I want faster checkout, so that I finish.',
    );
    expect(sentence('shopper', 'saved carts')).toBe('As a shopper, I want saved carts, so that I finish.');
    expect(sentence('shopper', 'one-click reorder')).toBe(
      'As a shopper, I want one-click reorder, so that I finish.',
    );
    expect(sentence('shopper', 'access to my order history')).toBe(
      'As a shopper, I want access to my order history, so that I finish.',
    );
    expect(sentence('buyer', 'visibility of stock levels')).toBe(
      'As a buyer, I want visibility of stock levels, so that I finish.',
    );
    // What the user does takes it, verbs that look like things too.
    expect(sentence('shopper', 'access my order history')).toBe(
      'As a shopper, I want to access my order history, so that I finish.',
    );
    expect(sentence('shopper', 're-enter my card')).toBe(
      'As a shopper, I want to re-enter my card, so that I finish.',
    );
    expect(sentence('analyst', 'embed a chart')).toBe(
      'As an analyst, I want to embed a chart, so that I finish.',
    );
    expect(sentence('shopper', 'click on the link')).toBe(
      'As a shopper, I want to click on the link, so that I finish.',
    );
    // A word that only starts like a wanting is the thing wanted.
    expect(sentence('shopper', 'wish lists')).toBe('As a shopper, I want wish lists, so that I finish.');
    expect(sentence('shopper', 'need-based pricing')).toBe(
      'As a shopper, I want need-based pricing, so that I finish.',
    );
    expect(sentence('shopper', 'need to pay once')).toBe(
      'As a shopper, I need to pay once, so that I finish.',
    );
    // The article by sound, not letter; no empty "so that".
    expect(sentence('user', 'pay')).toBe('As a user, I want to pay, so that I finish.');
    expect(sentence('uninsured driver', 'pay')).toBe(
      'As an uninsured driver, I want to pay, so that I finish.',
    );
    expect(sentence('university student', 'pay')).toBe(
      'As a university student, I want to pay, so that I finish.',
    );
    expect(sentence('hourly worker', 'clock in')).toBe(
      'As an hourly worker, I want to clock in, so that I finish.',
    );
    expect(sentence('European buyer', 'pay in euros')).toBe(
      'As a European buyer, I want to pay in euros, so that I finish.',
    );
    expect(hypothesisSentence({ persona: 'shopper', intent: 'pay', benefit: '' })).toBe(
      'As a shopper, I want to pay.',
    );
  });

  it('replaces the description with the hypothesis and every expectation', () => {
    const doc = describeWithHypothesis(
      bet.hypothesis,
      [bet.expected, { metric: 'conversion', direction: 'increase' }],
      { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Make it blue' }] }] },
      'replace',
    );
    expect(doc).toMatchObject({ type: 'doc', version: 1 });
    const text = toPlainText(doc);
    expect(text).toMatch(/^As a shopper, I want to bookmark items in the cart/);
    expect(text).toMatch(
      /We expect cart drop-off to fall from 40 to 30 by 2027-03-01\. We expect conversion to rise\./,
    );
    expect(text).not.toMatch(/blue/);
  });

  it('puts the hypothesis above the old description, ADF or wiki text, with a rule between', () => {
    const adf = describeWithHypothesis(
      bet.hypothesis,
      [],
      { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Make it blue' }] }] },
      'prefix',
    );
    expect(adf.content!.map((n) => n.type)).toEqual(['paragraph', 'rule', 'paragraph']);
    expect(toPlainText(adf)).toMatch(/so that I can come back and finish\.\n+Make it blue$/);
    const wiki = describeWithHypothesis(
      bet.hypothesis,
      [],
      'h2. Task\n\nMake it *blue*.\n\nPut it top right.',
      'prefix',
    );
    expect(toPlainText(wiki)).toMatch(/finish\.\n+Task\n+Make it blue\.\n+Put it top right\.$/);
    expect(describeWithHypothesis(bet.hypothesis, [], null, 'prefix').content).toHaveLength(1);
  });

  it('puts the same hypothesis on top once, however often it is asked (a retried request)', () => {
    const old = {
      type: 'doc',
      content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Make it blue' }] }],
    };
    const once = describeWithHypothesis(bet.hypothesis, [], old, 'prefix');
    expect(describeWithHypothesis(bet.hypothesis, [], once, 'prefix')).toEqual(once);
    // Another hypothesis goes on top of the first: only an exact repeat is recognised.
    const other = describeWithHypothesis({ ...bet.hypothesis, persona: 'buyer' }, [], once, 'prefix');
    expect(other.content!.map((n) => n.type)).toEqual([
      'paragraph',
      'rule',
      'paragraph',
      'rule',
      'paragraph',
    ]);
  });
});
