import {
  describeWithHypothesis,
  expectationSentence,
  hypothesisSentence,
  leadTexts,
  textLength,
} from '../../src/domain/hypothesis-text';
import { toPlainText, type AdfNode } from '../../src/domain/plain-text';
import { aBetDraft, CHECK_BY_AHEAD } from '../support/builders';

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
      `We expect cart drop-off to fall from 40% to 30% by ${CHECK_BY_AHEAD}.`,
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

  // [persona, intent, "As … so that" sentence written for it], the benefit always "I finish".
  it.each([
    // A wanting of its own keeps its words, negation and all.
    ['shopper', "don't want to re-enter my address", "As a shopper, I don't want to re-enter my address"],
    ['shopper', 'never want to lose my cart', 'As a shopper, I never want to lose my cart'],
    // Things wanted take no "to": a quality, a participle, a compound, a noun before "to" or "of".
    ['shopper', 'faster checkout', 'As a shopper, I want faster checkout'],
    ['shopper', 'saved carts', 'As a shopper, I want saved carts'],
    ['shopper', 'one-click reorder', 'As a shopper, I want one-click reorder'],
    ['shopper', 'access to my order history', 'As a shopper, I want access to my order history'],
    ['buyer', 'visibility of stock levels', 'As a buyer, I want visibility of stock levels'],
    // What the user does takes it, verbs that look like things too.
    ['shopper', 'access my order history', 'As a shopper, I want to access my order history'],
    ['shopper', 're-enter my card', 'As a shopper, I want to re-enter my card'],
    ['analyst', 'embed a chart', 'As an analyst, I want to embed a chart'],
    ['shopper', 'click on the link', 'As a shopper, I want to click on the link'],
    // A word that only starts like a wanting is the thing wanted.
    ['shopper', 'wish lists', 'As a shopper, I want wish lists'],
    ['shopper', 'need-based pricing', 'As a shopper, I want need-based pricing'],
    ['shopper', 'need to pay once', 'As a shopper, I need to pay once'],
    // The article by sound, not letter.
    ['user', 'pay', 'As a user, I want to pay'],
    ['uninsured driver', 'pay', 'As an uninsured driver, I want to pay'],
    ['university student', 'pay', 'As a university student, I want to pay'],
    ['hourly worker', 'clock in', 'As an hourly worker, I want to clock in'],
    ['European buyer', 'pay in euros', 'As a European buyer, I want to pay in euros'],
  ])('writes persona "%s" and want "%s" back as "%s, so that I finish."', (persona, intent, written) => {
    expect(hypothesisSentence({ persona, intent, benefit: 'I finish' })).toBe(
      `${written}, so that I finish.`,
    );
  });

  it('puts "a" or "an" by the sound of an initialism or a number, as the owner would say it', () => {
    const opening = (persona: string) =>
      hypothesisSentence({ persona, intent: 'compare prices', benefit: 'I save money' }).split(',')[0];
    expect(opening('MBA student')).toBe('As an MBA student');
    expect(opening('SRE')).toBe('As an SRE');
    expect(opening('HR manager')).toBe('As an HR manager');
    expect(opening('X-ray technician')).toBe('As an X-ray technician');
    expect(opening('UX designer')).toBe('As a UX designer');
    expect(opening('PO')).toBe('As a PO');
    expect(opening('8-year-old')).toBe('As an 8-year-old');
    expect(opening('18-year-old')).toBe('As an 18-year-old');
    expect(opening('12-year-old')).toBe('As a 12-year-old');
    expect(opening('Admin')).toBe('As an Admin');
    // Longer runs of capitals are words, as is a word that only starts with capitals.
    expect(opening('MANAGER')).toBe('As a MANAGER');
    expect(opening('NASA engineer')).toBe('As a NASA engineer');
    expect(opening('SAFe coach')).toBe('As a SAFe coach');
    expect(opening('ADMIN')).toBe('As an ADMIN');
  });

  it('does not say the template twice when the fields were typed with its words', () => {
    expect(
      hypothesisSentence({
        persona: 'As a shopper',
        intent: 'I want to compare prices',
        benefit: 'so that I save money.',
      }),
    ).toBe('As a shopper, I want to compare prices, so that I save money.');
    expect(
      hypothesisSentence({ persona: 'as an editor', intent: 'I need a bulk import', benefit: 'I save time' }),
    ).toBe('As an editor, I want a bulk import, so that I save time.');
    expect(
      hypothesisSentence({
        persona: 'buyer',
        intent: 'I would prefer to pay by invoice',
        benefit: 'I pay later',
      }),
    ).toBe('As a buyer, I would prefer to pay by invoice, so that I pay later.');
    // A want of the owner's own wording stays: "I don't want to …".
    expect(
      hypothesisSentence({
        persona: 'shopper',
        intent: "I don't want to re-enter my card",
        benefit: 'I pay fast',
      }),
    ).toBe("As a shopper, I don't want to re-enter my card, so that I pay fast.");
  });

  it('writes no empty "so that"', () => {
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
      new RegExp(
        `We expect cart drop-off to fall from 40 to 30 by ${CHECK_BY_AHEAD}\\. We expect conversion to rise\\.`,
      ),
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
    // Another hypothesis, with no word of what the app wrote before, goes on top of the first.
    const other = describeWithHypothesis({ ...bet.hypothesis, persona: 'buyer' }, [], once, 'prefix');
    expect(other.content!.map((n) => n.type)).toEqual([
      'paragraph',
      'rule',
      'paragraph',
      'rule',
      'paragraph',
    ]);
  });

  it('keeps a lead a person formatted (a link on its words) as their text, below the new one', () => {
    const old = {
      type: 'doc',
      content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Make it blue' }] }],
    };
    const once = describeWithHypothesis(bet.hypothesis, [], old, 'prefix');
    const [lead, ...rest] = once.content!;
    const sentence = lead!.content![0]!.text!;
    const link = { type: 'link', attrs: { href: 'https://research.example/interviews' } };
    const linked = {
      ...once,
      content: [
        {
          type: 'paragraph',
          content: [
            { type: 'text', text: sentence.slice(0, 13) },
            { type: 'text', text: sentence.slice(13), marks: [link] },
          ],
        },
        ...rest,
      ],
    };

    const again = describeWithHypothesis(bet.hypothesis, [], linked, 'prefix', [
      leadTexts(bet.hypothesis, []),
    ]);

    expect(JSON.stringify(again)).toContain('research.example/interviews');
    expect(again.content!.map((n) => n.type)).toEqual([
      'paragraph',
      'rule',
      'paragraph',
      'rule',
      'paragraph',
    ]);
  });

  describe('a hypothesis edited since the app put it on top', () => {
    const old = {
      type: 'doc',
      content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Make it blue' }] }],
    };
    const edited = { ...bet.hypothesis, benefit: 'I can finish my shopping later' };
    const expected = [bet.expected];
    const first = describeWithHypothesis(bet.hypothesis, expected, old, 'prefix');
    const texts = (doc: { content?: unknown[] }) =>
      (doc.content as Array<{ type: string }>).map((n) =>
        n.type === 'rule' ? '---' : toPlainText({ type: 'doc', content: [n as never] }),
      );

    it('replaces the lead the app wrote, with its rule, instead of stacking the stale one', () => {
      const again = describeWithHypothesis(edited, expected, first, 'prefix', [
        leadTexts(bet.hypothesis, expected),
      ]);
      expect(texts(again)).toEqual([
        'As a shopper, I want to bookmark items in the cart, so that I can finish my shopping later.',
        `We expect cart drop-off to fall from 40 to 30 by ${CHECK_BY_AHEAD}.`,
        '---',
        'Make it blue',
      ]);
    });

    it('replaces a description that is the lead alone, after a replace', () => {
      const replaced = describeWithHypothesis(bet.hypothesis, expected, old, 'replace');
      const again = describeWithHypothesis(edited, expected, replaced, 'prefix', [
        leadTexts(bet.hypothesis, expected),
      ]);
      expect(again).toEqual(describeWithHypothesis(edited, expected, null, 'replace'));
    });

    it('keeps a lead a person edited since, and a story a person wrote in the same shape', () => {
      const byHand = {
        ...first,
        content: [
          { type: 'paragraph', content: [{ type: 'text', text: 'As a shopper, I want to bookmark items.' }] },
          ...first.content!.slice(1),
        ],
      };
      const kept = describeWithHypothesis(edited, expected, byHand, 'prefix', [
        leadTexts(bet.hypothesis, expected),
      ]);
      expect(texts(kept).slice(3)).toEqual(texts(byHand));
      // Their own story with a rule under it is theirs: with nothing the app wrote to match, it stays.
      const story = describeWithHypothesis(edited, expected, first, 'prefix', []);
      expect(texts(story).slice(3)).toEqual(texts(first));
      // A lead recorded for other words leaves this one alone too.
      const otherLead = describeWithHypothesis(edited, expected, first, 'prefix', [['Something else.']]);
      expect(texts(otherLead).slice(3)).toEqual(texts(first));
    });

    describe('with several leads the app may have written (a change Jira did not confirm may land late)', () => {
      const unconfirmed = { ...bet.hypothesis, persona: 'buyer' };
      const candidates = [leadTexts(unconfirmed, expected), leadTexts(bet.hypothesis, expected)];
      const again = (current: typeof first) =>
        describeWithHypothesis(edited, expected, current, 'prefix', candidates);
      const alone = describeWithHypothesis(edited, expected, old, 'prefix');

      it('replaces whichever the description starts with', () => {
        const landed = describeWithHypothesis(unconfirmed, expected, old, 'prefix');
        expect(again(landed)).toEqual(alone);
        expect(again(first)).toEqual(alone);
        // After a replace, the lead alone.
        const replaced = describeWithHypothesis(unconfirmed, expected, old, 'replace');
        expect(again(replaced)).toEqual(describeWithHypothesis(edited, expected, null, 'replace'));
      });

      it('replaces only the one on top: one further down, or none at all, leaves the text as it is', () => {
        const stacked = describeWithHypothesis(unconfirmed, expected, first, 'prefix');
        expect(texts(again(stacked)).slice(3)).toEqual(texts(first));
        expect(again({ ...old, version: 1 })).toEqual(alone);
      });

      it('takes the longer lead when a shorter one is its first paragraph', () => {
        const noExpectation = leadTexts(bet.hypothesis, []);
        const doc = describeWithHypothesis(edited, expected, first, 'prefix', [
          noExpectation,
          leadTexts(bet.hypothesis, expected),
        ]);
        expect(doc).toEqual(alone);
      });
    });
  });
});

describe('textLength: the characters Jira counts at least', () => {
  const text = (t: string): AdfNode => ({ type: 'text', text: t });
  const para = (...content: AdfNode[]): AdfNode => ({ type: 'paragraph', content });

  it('counts a wiki string as it is, and nothing as nothing', () => {
    expect(textLength('h1. Title\nBody')).toBe(14);
    expect(textLength(null)).toBe(0);
  });

  it('counts the text of every block, code included, and a line between blocks and at each hard break', () => {
    const doc: AdfNode = {
      type: 'doc',
      content: [
        { type: 'heading', attrs: { level: 1 }, content: [text('Title')] },
        para(text('one'), { type: 'hardBreak' }, text('two')),
        { type: 'codeBlock', content: [text('x = 1')] },
        { type: 'bulletList', content: [{ type: 'listItem', content: [para(text('item'))] }] },
      ],
    };
    // 5 + (3 + 1 + 3) + 5 + 4 characters, and 3 breaks between the 4 text blocks.
    expect(textLength(doc)).toBe(24);
    // toPlainText leaves the code out: the count does not.
    expect(toPlainText(doc)).not.toContain('x = 1');
  });

  it('reads past what is not a node, and a document nested deeper than the call stack goes', () => {
    expect(textLength({ type: 'doc', content: [null, 'x', para(text('ok'))] as never })).toBe(2);
    let deep: AdfNode = para(text('end'));
    for (let i = 0; i < 100_000; i++) deep = { type: 'blockquote', content: [deep] };
    expect(textLength({ type: 'doc', content: [deep] })).toBe(3);
  });
});
