import {
  QUALITY_CRITERIA,
  alsoExpectedProblem,
  checkHypothesisQuality,
  qualityOf,
  saysSomething,
  type QualityInput,
} from '../../src/domain/hypothesis-quality';
import { parseStory } from '../../src/domain/story-parser';
import { extraSentence } from '../../src/domain/story-sentences';
import { analyseStory, toExpected } from '../../src/domain/analyse-story';
import { scoreIssue } from '../../src/domain/score';
import { DEFAULT_SETTINGS } from '../../src/domain/settings';
import { aBetDraft, aCompleteBet, aScoreInput } from '../support/builders';
import { fieldChecks, storyLines } from '../support/stories';

const bet = aBetDraft();
const input = (overrides: Partial<QualityInput> = {}): QualityInput => ({
  hypothesis: bet.hypothesis,
  expected: [bet.expected],
  ...overrides,
});
const check = (criterion: (typeof QUALITY_CRITERIA)[number], overrides: Partial<QualityInput> = {}) =>
  qualityOf(checkHypothesisQuality(input(overrides)), criterion);
const withHypothesis = (h: QualityInput['hypothesis']) => ({ hypothesis: { ...bet.hypothesis, ...h } });

/** The essay's two stories, read by the story parser as the CLI and the panel's paste do. */
function fromStory(text: string): QualityInput {
  const parsed = parseStory(text, { now: new Date('2026-11-30T00:00:00Z') });
  return {
    hypothesis: {
      persona: parsed.persona ?? undefined,
      intent: parsed.intent ?? undefined,
      benefit: parsed.benefit ?? undefined,
    },
    expected: [toExpected(parsed.expectedOutcome)],
    extraSentence: extraSentence(text),
  };
}

describe('hypothesis quality checks', () => {
  it('returns the six named checks, each with a reason, and passes a good bet on every one', () => {
    const checks = checkHypothesisQuality(input());
    expect(checks.map((c) => c.criterion)).toEqual([
      'well-formed',
      'atomic',
      'minimal',
      'valid-role',
      'problem-oriented',
      'measurable',
    ]);
    for (const c of checks) {
      expect(Object.keys(c).sort()).toEqual(['criterion', 'ok', 'phrase', 'why']);
      expect(c.ok).toBe(true);
      expect(c.why).toEqual(expect.any(String));
    }
  });

  describe('well-formed', () => {
    it.each([
      ['save items to buy later', 'save items to buy later'],
      ['be able to save items', 'I can save items.'],
    ])(
      'fails a benefit that only repeats the want ("%s" / "%s"), and loses the benefit\'s points',
      (intent, benefit) => {
        const c = check('well-formed', withHypothesis({ intent, benefit }));
        expect(c).toMatchObject({ ok: false, phrase: benefit });
        expect(c.why).toMatch(/repeats the want/);
        const s = scoreIssue(
          aCompleteBet({ hypothesis: { persona: 'shopper', intent, benefit } }),
          DEFAULT_SETTINGS,
        );
        const full = scoreIssue(aCompleteBet(), DEFAULT_SETTINGS);
        const points = (score: typeof s) => score.components.find((part) => part.id === 'hypothesis')!.points;
        expect(points(s)).toBeLessThan(points(full));
        // A benefit that goes on past the want gives a reason.
        expect(
          check('well-formed', withHypothesis({ intent: 'save items', benefit: 'save items to buy later' }))
            .ok,
        ).toBe(true);
      },
    );
    it('names the missing parts', () => {
      const c = check('well-formed', { hypothesis: { persona: 'shopper' } });
      expect(c.ok).toBe(false);
      expect(c.why).toMatch(/intent.*benefit/);
      expect(c.why).not.toMatch(/persona/);
    });
    it('does not take one letter for a part', () => {
      const c = check('well-formed', { hypothesis: { persona: 'x', intent: 'y', benefit: 'z' } });
      expect(c).toMatchObject({ ok: false, phrase: 'x' });
      expect(c.why).toMatch(/"y"/);
    });
    it('does not take placeholders for a part', () => {
      expect(check('well-formed', withHypothesis({ benefit: 'TBD' })).ok).toBe(false);
    });
    it.each([
      ['lorem', 'ipsum dolor', 'sit amet'],
      ['asdf', 'qwerty', 'zxcv'],
      ['aaa', 'bbb', 'ccc'],
      ['foo', 'bar baz', 'qux'],
    ])('takes no word of filler or a key mash for a part: "%s / %s / %s"', (persona, intent, benefit) => {
      expect(check('well-formed', { hypothesis: { persona, intent, benefit } }).ok).toBe(false);
      expect(check('valid-role', { hypothesis: { persona, intent, benefit } }).ok).toBe(false);
      expect(saysSomething(intent)).toBe(false);
      expect(saysSomething(benefit)).toBe(false);
    });
    it.each(['it is better', 'things happen', 'it works', 'Everything gets easier.'])(
      'takes a benefit that names no one and nothing for no benefit: "%s"',
      (benefit) => {
        expect(check('well-formed', withHypothesis({ benefit })).ok).toBe(false);
        expect(saysSomething(`${benefit} for clinic staff`)).toBe(true);
      },
    );
    it('still takes real words that look like filler beside others ("bar owner", "test results")', () => {
      expect(saysSomething('bar owner')).toBe(true);
      expect(saysSomething('see my test results')).toBe(true);
      expect(check('valid-role', withHypothesis({ persona: 'bar owner' })).ok).toBe(true);
    });
  });

  describe('atomic', () => {
    it.each([
      ['save items and to compare prices', 'and to compare prices'],
      ['save items as well as get price alerts', 'as well as get price alerts'],
      ['save items, plus get price alerts', 'plus get price alerts'],
      ['save items; I also want price alerts', 'I also want price alerts'],
    ])(
      'flags a second need joined by "to", "as well as", "plus" or a second want: "%s"',
      (intent, phrase) => {
        const c = check('atomic', withHypothesis({ intent }));
        expect(c).toMatchObject({ ok: false, phrase });
      },
    );
    it.each([
      'save items, to compare prices later',
      'compare prices as well as features',
      'pay with cash as well as card',
    ])('keeps one need with a purpose or two objects: "%s"', (intent) => {
      expect(check('atomic', withHypothesis({ intent })).ok).toBe(true);
    });
    it.each([
      ['a wishlist and a gift registry', 'and a gift registry'],
      ['a dashboard and an export API', 'and an export API'],
      ['to have a blue Save button in the top right corner and a modal', 'and a modal'],
      ['some saved searches plus an alert when prices drop', 'plus an alert when prices drop'],
    ])('flags a second thing to have, with its own article: "%s"', (intent, phrase) => {
      expect(check('atomic', withHypothesis({ intent }))).toMatchObject({ ok: false, phrase });
    });
    it.each([
      'a list of my orders and a total',
      'an app with class booking and a membership card',
      'a report for the board and a summary of it',
      'a wishlist that I can share and a link to it',
      'the name and a price of each item',
    ])('keeps one thing whose parts a "with", "of", "for" or "that" adds: "%s"', (intent) => {
      expect(check('atomic', withHypothesis({ intent })).ok).toBe(true);
    });
    it('flags two needs joined by "and"', () => {
      const c = check(
        'atomic',
        withHypothesis({ intent: 'bookmark items in the cart and share them with a friend' }),
      );
      expect(c.ok).toBe(false);
      expect(c.phrase).toMatch(/^and share them/);
    });
    it.each([
      ['edit and delete help wanted ads', 'and delete help wanted ads'],
      ['add or remove recycling facilities', 'or remove recycling facilities'],
      ['filter, sort and aggregate data by dimension', 'and aggregate data by dimension'],
      ['import/export data packages from MS-SQL', 'export data packages from MS-SQL'],
    ])('flags a second action with or without its own object: %s', (intent, phrase) => {
      expect(check('atomic', withHypothesis({ intent }))).toMatchObject({ ok: false, phrase });
    });
    it.each([
      [
        'reduce our 40 percent drop-off rate and increase return-shopper conversion by 10 percent',
        'and increase return-shopper conversion by 10 percent',
      ],
      ['cut waiting times, improve first-call resolution', 'improve first-call resolution'],
    ])('flags two movements of a metric as two needs: %s', (intent, phrase) => {
      expect(check('atomic', withHypothesis({ intent }))).toMatchObject({ ok: false, phrase });
    });
    it('keeps a movement word used as a noun to the one need', () => {
      const intent = 'see the increase in sales and the reduction in returns';
      expect(check('atomic', withHypothesis({ intent })).ok).toBe(true);
    });
    it('keeps actions in a clause about something else, and the means, to the one need', () => {
      for (const intent of [
        "ensure that attempts to correct or delete records don't create new data",
        'be assured that no one can submit the same answers twice and skew my results',
        'extend an ad for 30 days by visiting the site and updating the posting',
      ])
        expect(check('atomic', withHypothesis({ intent })).ok).toBe(true);
    });
    it('keeps one verb with two objects, and fixed pairs, as one need', () => {
      expect(check('atomic', withHypothesis({ intent: 'see my orders and invoices' })).ok).toBe(true);
      expect(check('atomic', withHypothesis({ intent: 'drag and drop the items in my cart' })).ok).toBe(true);
    });
  });

  describe('minimal', () => {
    it('flags remarks in brackets', () => {
      const c = check('minimal', withHypothesis({ intent: 'bookmark items (like on Amazon) in the cart' }));
      expect(c).toMatchObject({ ok: false, phrase: '(like on Amazon)' });
    });
    it('flags examples', () => {
      expect(check('minimal', withHypothesis({ intent: 'bookmark items, e.g. shoes' })).ok).toBe(false);
    });
    it('flags a second sentence in a part or in the story, but not its "We expect …"', () => {
      expect(check('minimal', withHypothesis({ benefit: 'I can finish later. Also it looks nice' })).ok).toBe(
        false,
      );
      const story =
        'As a shopper, I want to bookmark items in the cart, so that I can finish later. The button is blue.';
      expect(check('minimal', fromStory(story))).toMatchObject({ ok: false, phrase: 'The button is blue.' });
      const withExpectation =
        'As a shopper, I want to bookmark items in the cart, so that I can finish later. We expect cart drop-off to fall from 40% to 30% by 1 March.';
      expect(check('minimal', fromStory(withExpectation)).ok).toBe(true);
    });
    it.each([
      'We believe saved carts will result in more orders. We will know we have succeeded when cart drop-off falls from 40% to 30% by 2027-06-30.',
      "We'll know it worked when cart drop-off falls from 40% to 30% by 2027-06-30.",
      'If we save carts, then cart drop-off will fall from 40% to 30% by 2027-06-30.',
      'Metric: cart drop-off\nBaseline: 40%. Target: 30%.\nCheck by: 2027-06-30.',
      'Success metric: cart drop-off from 40% to 30% by 2027-06-30.',
      '| Metric: cart drop-off | Baseline: 40% | Target: 30% | Check by: 2027-06-30 |.',
    ])(
      'takes a sentence of what the story expects, in any form the parser reads, for no extra one: %s',
      (said) => {
        const story = `As a shopper, I want to bookmark items in the cart, so that I can finish later. ${said}`;
        expect(check('minimal', fromStory(story))).toMatchObject({ ok: true });
        expect(check('minimal', fromStory(`${story} The button is blue.`))).toMatchObject({
          ok: false,
          phrase: 'The button is blue.',
        });
      },
    );
    it.each([
      'We will know more when the vendor replies.',
      'We believe the vendor supports it.',
      'If we have time, add Apple Pay too.',
      'Today: we ask for the card each time.',
      'Goal: fewer abandoned carts.',
    ])('takes a sentence that only opens as an expectation does for an extra one: %s', (extra) => {
      const story = `As a shopper, I want to bookmark items in the cart, so that I can finish later. ${extra}`;
      expect(check('minimal', fromStory(story))).toMatchObject({ ok: false, phrase: extra });
    });
    it("does not take an abbreviation's full stop for a second sentence", () => {
      const story =
        'As a shopper, I want to bookmark items in the cart, so that I can finish later. We expect avg. basket size to rise from 2 to 3 by Dec. 1, 2027.';
      expect(check('minimal', fromStory(story))).toMatchObject({ ok: true });
      expect(check('minimal', fromStory(`${story} The button is blue.`))).toMatchObject({
        ok: false,
        phrase: 'The button is blue.',
      });
    });
    it("does not take an abbreviation's full stop inside a part for a second sentence", () => {
      expect(check('minimal', withHypothesis({ intent: 'see prices incl. VAT' })).ok).toBe(true);
      expect(
        check('minimal', fromStory("As a patient, I want Dr. Smith's notes visible, so that I can prepare.")),
      ).toMatchObject({ ok: true });
      expect(
        check('minimal', withHypothesis({ intent: 'see prices incl. VAT. Also in euros' })),
      ).toMatchObject({
        ok: false,
        phrase: 'Also in euros',
      });
    });
  });

  describe('valid-role', () => {
    it.each([
      'system',
      'the system',
      'developer',
      'Developers',
      'developer of the app',
      'backend engineer on the team',
      'x',
      'PO',
      'product owner',
      // Who owns the backlog, as the recipe model reads them (OWNER_PERSONA).
      'product manager',
      'a PM',
      'project manager',
      'business analyst',
      'team member',
      // The build's machinery, and the organisation behind the product.
      'the CI',
      'Jenkins',
      'the business',
      'the company',
    ])('refuses "%s"', (persona) => {
      const c = check('valid-role', withHypothesis({ persona }));
      expect(c).toMatchObject({ ok: false, phrase: persona });
    });
    it.each([
      'shopper',
      'clinic manager',
      'manager',
      'store manager',
      'returning customer',
      'API integrator',
      // A business or a company may be the customer (a marketplace's sellers, a B2B account).
      'business',
      'a company',
      'small business owner',
      'IT administrator',
      'engineering manager',
      // The users of an internal tool, or a role a product serves.
      'IT department',
      'management',
      'stakeholder',
      'a stakeholder',
    ])('accepts "%s"', (persona) => {
      expect(check('valid-role', withHypothesis({ persona })).ok).toBe(true);
    });
    it.each([
      ['the system', /is the product, not a person/],
      ['developer', /own maker.*If your users are developers, say which ones/],
      ['product owner', /builds or owns the product/],
      // A product for project managers has them as users: the way to say so is offered.
      ['project manager', /If your product is made for such people, say which ones/],
      ['we', /is the story's author/],
      ['the business', /is the organisation behind the product, not someone who uses it/],
    ])('says why "%s" is no user', (persona, why) => {
      expect(check('valid-role', withHypothesis({ persona })).why).toMatch(why);
    });
    it('accepts a project manager named as a user of the product', () => {
      expect(
        check('valid-role', withHypothesis({ persona: 'project manager planning releases in our tool' })).ok,
      ).toBe(true);
    });
    it('accepts a developer named as a user of the product', () => {
      expect(check('valid-role', withHypothesis({ persona: 'plugin developer' })).ok).toBe(true);
      expect(check('valid-role', withHypothesis({ persona: 'developer building on our API' })).ok).toBe(true);
    });
    it.each(['myself', 'Me as a user', 'I as a user', 'me as a customer', 'ourselves', 'we as a team'])(
      'refuses the story\'s author "%s", who names no one who benefits',
      (persona) => {
        const c = check('valid-role', withHypothesis({ persona }));
        expect(c).toMatchObject({ ok: false, phrase: persona });
        expect(c.why).toMatch(/is the story's author/);
      },
    );
    it.each(['US shopper', 'IT admin', 'mechanic', 'wedding guest'])(
      'accepts "%s", which only starts alike',
      (persona) => expect(check('valid-role', withHypothesis({ persona })).ok).toBe(true),
    );
    it('asks for a role when there is none', () => {
      expect(check('valid-role', { hypothesis: {} })).toMatchObject({ ok: false, phrase: null });
    });
  });

  describe('problem-oriented', () => {
    it('flags the essay\'s "Save for Later button" story as a recipe', () => {
      const c = check(
        'problem-oriented',
        fromStory('As a PO, I want a Save for Later button so shoppers can store items in the cart.'),
      );
      expect(c.ok).toBe(false);
      expect(c.phrase).toMatch(/Save for Later button/);
    });
    it.each([
      ['a cache layer', 'cache layer'],
      ['microservices', 'microservices'],
      ['lazy loading of images', 'lazy loading'],
      ['to log in with Google OAuth', 'OAuth'],
      ['infinite scroll on the product list', 'infinite scroll'],
      ['a progress bar at checkout', 'progress bar'],
      ['a CSV export', 'CSV export'],
      ['dark mode', 'dark mode'],
    ])('names the technique in the want "%s" as the solution', (intent, phrase) => {
      const c = check('problem-oriented', withHypothesis({ intent }));
      expect(c).toMatchObject({ ok: false, phrase });
      expect(c.why).toBe(`The want prescribes the solution ("${phrase}"): say what the user needs instead.`);
    });
    it('quotes a technique once', () => {
      const c = check('problem-oriented', withHypothesis({ intent: 'to log in with Google OAuth' }));
      expect(c.why.match(/OAuth/g)).toHaveLength(1);
    });
    it.each([
      'to log in with my Google account',
      'to export my orders to a spreadsheet',
      'to read at night',
      'to see which of my microservices are failing',
      'to clear my browser cache from the settings page',
      'to log a cache I found on the trail',
      'my staff to sign in with our company SSO',
    ])('passes the need "%s", which leaves the technique to the squad', (intent) =>
      expect(check('problem-oriented', withHypothesis({ intent })).ok).toBe(true),
    );
    it('judges a want asked of the builders ("you to add …") as the work it asks for', () => {
      const asked = check(
        'problem-oriented',
        fromStory('As a shopper, I want you to add a wishlist page, so that I can save items.'),
      );
      expect(asked).toMatchObject({ ok: false, phrase: 'add a wishlist page' });
      expect(
        check(
          'problem-oriented',
          fromStory('As a shopper, I want you to show me similar items, so that I find what fits.'),
        ).ok,
      ).toBe(true);
    });
    it("passes the essay's shopper hypothesis", () => {
      const story =
        'As a shopper, I want to bookmark items in the cart, so that I can come back and finish; we expect cart drop-off to fall from 40% to 30% by 1 March';
      const checks = checkHypothesisQuality(fromStory(story));
      expect(qualityOf(checks, 'problem-oriented').ok).toBe(true);
      expect(checks.filter((c) => !c.ok)).toEqual([]);
    });
    it('flags a want that prescribes what to build', () => {
      const c = check(
        'problem-oriented',
        withHypothesis({
          intent: 'develop a mobile app with push notifications and a chatbot that reminds patients',
        }),
      );
      expect(c).toMatchObject({ ok: false, phrase: 'develop a mobile app' });
    });
    it("uses the recipe detector's verdict on the want beyond its first verb", () => {
      const c = check(
        'problem-oriented',
        withHypothesis({ intent: 'see my cart in a blue box in the upper right corner' }),
      );
      expect(c.ok).toBe(false);
      expect(c.why).toMatch(/blue|upper right/);
    });
    it.each([
      ['see the delivery cost above the Buy button', 'I am not surprised at checkout'],
      ['see the customer’s last 5 orders next to the ticket', 'I answer without switching tools'],
      ['late buses shown in orange on the route board', 'I can spot them at a glance'],
      ['be sure I’m at the right meter before I record the reading', 'no reading goes to the wrong account'],
    ])(
      'takes one detail of where, what colour or what size in a need for a lighter prescription: "%s"',
      (intent, benefit) => {
        const c = check('problem-oriented', withHypothesis({ intent, benefit }));
        expect(c).toMatchObject({ ok: true, why: 'The want is a need, not a solution.' });
      },
    );
    it('still flags that detail where the story reads as a recipe ("the button to be blue")', () => {
      const c = check(
        'problem-oriented',
        withHypothesis({ persona: 'user', intent: 'the button to be blue', benefit: 'it stands out' }),
      );
      expect(c).toMatchObject({ ok: false, phrase: 'blue' });
    });
    it('takes a widget the user meets for part of the need, not a prescription', () => {
      const intent = 'find the Place Order button without scrolling';
      expect(check('problem-oriented', withHypothesis({ intent })).ok).toBe(true);
    });
    it('reads a build plan in a want written on its own as the same words in a story are read', () => {
      const intent = 'refactor the billing module';
      const alone = check('problem-oriented', withHypothesis({ intent }));
      expect(alone).toMatchObject({ ok: false, phrase: 'refactor' });
      const story = analyseStory(
        `As an admin, I want to ${intent} so that invoices go out on time.`,
        DEFAULT_SETTINGS,
        new Date('2026-11-30T00:00:00Z'),
      );
      expect(qualityOf(story.quality, 'problem-oriented')).toMatchObject({ ok: false, phrase: 'refactor' });
    });
    it('reads a want that names a thing without an article as a thing, and a verb-led want as an action', () => {
      const alone = (intent: string) =>
        check(
          'problem-oriented',
          withHypothesis({ persona: 'site manager', intent, benefit: 'the gate opens' }),
        );
      expect(alone('RFID cards that students tap at the gate')).toMatchObject({ ok: false, phrase: 'RFID' });
      expect(alone('QR codes on each table')).toMatchObject({ ok: false });
      expect(alone('submit my application online').ok).toBe(true);
    });
    it('judges the want in the panel as the CLI judges it in the pasted story', () => {
      const lines = storyLines();
      let judged = 0;
      let same = 0;
      for (const line of lines) {
        const story = analyseStory(line, DEFAULT_SETTINGS, new Date('2026-11-30T00:00:00Z'));
        if (!story.intent) continue;
        const fields = fieldChecks(story);
        judged++;
        if (qualityOf(fields, 'problem-oriented').ok === qualityOf(story.quality, 'problem-oriented').ok)
          same++;
      }
      expect(judged).toBeGreaterThan(550);
      expect(same / judged).toBeGreaterThanOrEqual(0.99);
    });
    it('does not take a word the model leans on for a prescription when the want is not a recipe', () => {
      const story = analyseStory(
        'As a shopper, I want to reduce our 40 percent drop-off rate so that we sell more.',
        DEFAULT_SETTINGS,
        new Date('2026-11-30T00:00:00Z'),
      );
      expect(story.recipe.isRecipe).toBe(false);
      expect(story.recipe.reasons.map((r) => r.phrase)).toContain('our');
      expect(qualityOf(story.quality, 'problem-oriented').ok).toBe(true);
    });
    it("reads a user's own action as a need, not a build instruction", () => {
      for (const intent of [
        'edit my profile',
        'submit my timesheet',
        'create an account',
        'add items to my wishlist',
      ])
        expect(check('problem-oriented', withHypothesis({ intent })).ok).toBe(true);
    });
  });

  describe('the cases a hostile review found', () => {
    it.each([
      'the mobile app',
      'the API',
      'the backend service',
      'our iOS app',
      'the cron job',
      'dev team member',
    ])('valid-role refuses the product or its team with a qualifier: "%s"', (persona) =>
      expect(check('valid-role', withHypothesis({ persona })).ok).toBe(false),
    );
    it.each(['API consumer', 'app user', 'support agent', 'site reliability engineer'])(
      'valid-role keeps a person whose role names the product: "%s"',
      (persona) => expect(check('valid-role', withHypothesis({ persona })).ok).toBe(true),
    );
    it.each(['Save for Later button', 'see a Save for Later button', 'use a Save for Later button'])(
      'problem-oriented refuses a widget wanted as such: "%s"',
      (intent) => expect(check('problem-oriented', withHypothesis({ intent })).ok).toBe(false),
    );
    it.each([
      'add a product to my wishlist page',
      'design my own forms',
      'find the Place Order button',
      'tap the button on the product page',
    ])(
      'problem-oriented keeps what the user does with their own things or a widget they meet: "%s"',
      (intent) => expect(check('problem-oriented', withHypothesis({ intent })).ok).toBe(true),
    );
    it.each(['read and write reviews', 'save my cart, then check out'])(
      'atomic finds the second need: "%s"',
      (intent) => expect(check('atomic', withHypothesis({ intent })).ok).toBe(false),
    );
  });

  describe('a story template left unfilled', () => {
    it.each([
      ['[persona]', '[goal]', '[benefit]'],
      ['{role}', '{action}', '{benefit}'],
      ['<type of user>', '<some goal>', '<some reason>'],
      ['role', 'goal', 'benefit'],
    ])('reads "%s", "%s", "%s" as placeholders, not parts', (persona, intent, benefit) => {
      const checks = checkHypothesisQuality(input({ hypothesis: { persona, intent, benefit } }));
      expect(qualityOf(checks, 'well-formed')).toEqual({
        criterion: 'well-formed',
        ok: false,
        phrase: persona,
        why: `the persona (who, the role) "${persona}", the intent (what they want, the means) "${intent}" and the benefit (why, the end) "${benefit}" are still the template's placeholder: write your own words in their place.`,
      });
      expect(qualityOf(checks, 'valid-role')).toEqual({
        criterion: 'valid-role',
        ok: false,
        phrase: persona,
        why: `"${persona}" is the template's placeholder, not a role: name the person who uses the product.`,
      });
      // A slot in brackets is no remark in brackets: well-formed says what is wrong with it.
      expect(qualityOf(checks, 'minimal').ok).toBe(true);
      expect(qualityOf(checks, 'problem-oriented').why).toBe('No want written: say what the user needs.');
    });

    it.each(['[metric]', '{metric}', '<some metric>', 'metric', 'KPI'])(
      'refuses the metric "%s" as a placeholder',
      (metric) => {
        expect(check('measurable', { expected: [{ ...bet.expected, metric }] })).toEqual({
          criterion: 'measurable',
          ok: false,
          phrase: metric,
          why: `"${metric}" is the template's placeholder, not a metric: name the number that should move.`,
        });
      },
    );

    it.each([
      'As a [persona], I want [goal], so that [benefit]. We expect [metric] to rise from 1 to 2 by 2027-03-01.',
      'As a {role}, I want {action}, so that {benefit}. We expect {metric} to rise from 1 to 2 by 2027-03-01.',
      'As a <type of user>, I want <some goal>, so that <some reason>. We expect <some metric> to rise from 1 to 2 by 2027-03-01.',
      'As a role, I want goal, so that benefit. We expect metric to rise from 1 to 2 by 2027-03-01.',
    ])('gives the pasted template no hypothesis or measurable points: %s', (line) => {
      const a = analyseStory(line, DEFAULT_SETTINGS, new Date('2026-06-15T00:00:00Z'));
      const points = (id: string) => a.score.components.find((c) => c.id === id)!.points;
      expect([points('hypothesis'), points('measurable')]).toEqual([0, 0]);
      expect(a.score.total).toBe(0);
    });

    it.each(['user', 'a user', 'customer', 'goalkeeper', 'team lead'])(
      'keeps the real role "%s", which is no template word',
      (persona) => expect(check('valid-role', withHypothesis({ persona })).ok).toBe(true),
    );
    it.each(['reach my savings goal', 'see the benefit of each plan', 'take action on alerts'])(
      'keeps a want that only uses a template word: "%s"',
      (intent) => expect(check('well-formed', withHypothesis({ intent })).ok).toBe(true),
    );
  });

  describe('invisible and fullwidth characters', () => {
    it.each([
      ['system\u200B', 'system'],
      ['\u200Bsystem', 'system'],
      ['sys\u200Btem', 'system'],
      ['sys\u2060tem', 'system'],
      ['sys\uFEFFtem', 'system'],
      ['\u202Asystem\u202C', 'system'],
      ['\u2066system\u2069', 'system'],
      ['ｓｙｓｔｅｍ', 'system'],
    ])('valid-role reads %j as the product "%s"', (persona, seen) => {
      expect(check('valid-role', withHypothesis({ persona }))).toEqual({
        criterion: 'valid-role',
        ok: false,
        phrase: seen,
        why: `"${seen}" is the product, not a person: name who uses it and has the need.`,
      });
    });

    it.each([
      ['developer\u00AD', 'developer'],
      ['dev\u200Celoper', 'developer'],
      ['ＤＥＶＥＬＯＰＥＲ', 'DEVELOPER'],
    ])('valid-role reads %j as the product\'s maker "%s"', (persona, seen) => {
      const c = check('valid-role', withHypothesis({ persona }));
      expect([c.ok, c.phrase]).toEqual([false, seen]);
      expect(c.why).toMatch(new RegExp(`^"${seen}" reads as the product's own maker`));
    });

    it.each(['\u202Eyyy\u202C', '\u200B\u200Byyy', 'ｙｙｙ\u00AD', 'x\u200Dx\u200Dx'])(
      'well-formed takes the want %j for filler, its invisible characters aside',
      (intent) => {
        const c = check('well-formed', withHypothesis({ intent }));
        expect(c.ok).toBe(false);
        expect(c.why).toMatch(
          /^the intent \(what they want, the means\) ".*" says nothing yet: write it in words\.$/,
        );
      },
    );

    it('keeps a real role written with a soft hyphen or in fullwidth letters', () => {
      expect(check('valid-role', withHypothesis({ persona: 'pharma\u00ADcist' }))).toMatchObject({
        ok: true,
        phrase: 'pharmacist',
      });
      expect(check('valid-role', withHypothesis({ persona: 'ｎｕｒｓｅ' }))).toMatchObject({
        ok: true,
        phrase: 'nurse',
      });
    });
  });

  describe('parts that say nothing, however they are written', () => {
    it.each([
      ['kjhkjh', 'fghfgh jkjkjk', 'asdasd dsadsa'],
      ['user', 'sed do eiusmod tempor incididunt', 'ut labore et dolore magna aliqua'],
      ['user', 'this', 'that'],
      ['user', 'whatever whatever', 'blahblah'],
      [
        'user',
        'asdf asdf asdf asdf asdf asdf asdf asdf asdf asdf',
        'qwe qwe qwe qwe qwe qwe qwe qwe qwe qwe qwe qwe',
      ],
    ])('"%s" / "%s" / "%s" earns no hypothesis points', (persona, intent, benefit) => {
      const s = scoreIssue(aCompleteBet({ hypothesis: { persona, intent, benefit } }), DEFAULT_SETTINGS);
      const part = s.components.find((c) => c.id === 'hypothesis')!;
      expect(part.points).toBe(0);
      expect(part.hint).toBe(
        `${persona === 'user' ? '' : `well-formed: the persona (who, the role) "${persona}", `}${
          persona === 'user' ? 'well-formed: the intent' : 'the intent'
        } (what they want, the means) "${intent}" and the benefit (why, the end) "${benefit}" say nothing yet: write it in words.${
          persona === 'user'
            ? ''
            : ` valid-role: "${persona}" is not a role: name the person who uses the product.`
        }`,
      );
    });

    it('says a role alone is no hypothesis', () => {
      const s = scoreIssue(
        aCompleteBet({ hypothesis: { persona: 'user', intent: 'this', benefit: 'that' } }),
        DEFAULT_SETTINGS,
      );
      expect(s.components.find((c) => c.id === 'hypothesis')!.detail).toBe(
        'Only the persona says something, and a role alone is no hypothesis; not yet well-formed.',
      );
    });

    it('refuses a key-mash persona longer than forty characters', () => {
      const persona = 'asdf asdf asdf asdf asdf asdf asdf asdf asdf';
      expect(check('valid-role', withHypothesis({ persona }))).toEqual({
        criterion: 'valid-role',
        ok: false,
        phrase: persona,
        why: `"${persona}" is not a role: name the person who uses the product.`,
      });
    });

    it.each([
      ['nurse', 'pay by invoice', 'I save time'],
      ['a shopper', 'do my taxes', 'I can sleep'],
      ['CFO', "see this month's cash flow", 'that I can plan hiring'],
      ['SRE', 'silence a flapping alert', 'I sleep through the night'],
      ['shopper', 'pay with that card again', 'this is quick'],
    ])('keeps the real parts "%s" / "%s" / "%s", full points', (persona, intent, benefit) => {
      const s = scoreIssue(aCompleteBet({ hypothesis: { persona, intent, benefit } }), DEFAULT_SETTINGS);
      const part = s.components.find((c) => c.id === 'hypothesis')!;
      expect(part.points).toBe(part.max);
    });
  });

  describe('roles and wants a review took for what they are not', () => {
    it('valid-role keeps a restaurant server, whose want waits on people', () => {
      expect(
        check(
          'valid-role',
          withHypothesis({
            persona: 'server',
            intent: 'take orders faster',
            benefit: 'diners get food sooner',
          }),
        ),
      ).toEqual({
        criterion: 'valid-role',
        ok: true,
        phrase: 'server',
        why: '"server" waits on people, as the want says: someone who uses the product.',
      });
    });
    it.each([
      ['server', 'cache responses', 'pages load faster'],
      ['the server', 'retry failed requests', 'no job is lost'],
    ])('valid-role still refuses the machine "%s" ("%s")', (persona, intent, benefit) => {
      expect(check('valid-role', withHypothesis({ persona, intent, benefit }))).toMatchObject({
        ok: false,
        why: `"${persona}" is the product, not a person: name who uses it and has the need.`,
      });
    });

    it.each([
      'the page to load in under two seconds',
      'the app to remember my size',
      'the screen to show allergies first',
      'the checkout page to remember my address',
    ])('problem-oriented passes what a thing already there should do: "%s"', (intent) => {
      expect(check('problem-oriented', withHypothesis({ intent }))).toEqual({
        criterion: 'problem-oriented',
        ok: true,
        phrase: intent,
        why: 'The want is a need, not a solution.',
      });
      const story = `As a shopper, I want ${intent}, so that I do not give up.`;
      const a = analyseStory(story, DEFAULT_SETTINGS, new Date('2026-06-15T00:00:00Z'));
      expect(qualityOf(a.quality, 'problem-oriented').ok).toBe(true);
    });
    it.each([
      ['a page to show my orders', 'a page'],
      ['a new app to track parcels', 'a new app'],
      ['a Save for Later button', 'a Save for Later button'],
    ])('problem-oriented still refuses a thing to build: "%s"', (intent, phrase) => {
      expect(check('problem-oriented', withHypothesis({ intent }))).toMatchObject({ ok: false, phrase });
    });
  });

  describe('needs a review of the published stories found taken for prescriptions', () => {
    // Lines of data/user-stories (g11-nsf, g13-planningpoker), as the CLI reads them.
    const problemOriented = (story: string) =>
      qualityOf(
        analyseStory(story, DEFAULT_SETTINGS, new Date('2025-12-05T00:00:00Z')).quality,
        'problem-oriented',
      );
    it.each([
      // "centered" of "user-centered" is no position on the screen.
      "As a content designer, I want to demonstrate the value of user-centered content design to ensure it's an integral part of our recommendations.",
      // To develop an understanding builds nothing.
      "As a content designer, I want to develop a better understanding of NSF's content types and editorial plan, so that I can make more informed recommendations going forward.",
      'As a team member, I want to understand how work moves between UX/content > visual design > front end dev for a sprint cycle.',
      'As an NSF employee, I want to learn about how Github is used, so that I can participate in the issues as assigned.',
      // "plan" is a word the model leans on, naming nothing to build by itself.
      'As a user researcher, I want to begin drafting a research plan, so that I can begin recruiting participants.',
      // "have the application respond …" is what the application should do, as "the application to respond …" is.
      "As a user, I want to have the application respond quickly to my actions, so that I don't get bored.",
      'As a developer, I want to have the site comply with the W3C accessibility guidelines where possible, so that people with accessibility issues can use the application.',
    ])('passes problem-oriented for "%s"', (story) => {
      expect(problemOriented(story)).toMatchObject({ ok: true });
    });
    it.each([
      ['have the app show a Save for Later button', 'a Save for Later button'],
      ['have a website that is easy to use', 'have a website'],
      ['develop a mobile app with push notifications', 'develop a mobile app'],
    ])('still fails problem-oriented for "I want to %s": a thing to build', (intent, phrase) => {
      expect(check('problem-oriented', withHypothesis({ intent }))).toMatchObject({ ok: false, phrase });
      expect(
        problemOriented(`As a shopper, I want to ${intent}, so that I can come back later.`),
      ).toMatchObject({ ok: false, phrase });
    });
    it('still quotes a technology named in a hyphenated compound', () => {
      expect(
        check('problem-oriented', withHypothesis({ intent: 'see my orders in a React-based table' })),
      ).toMatchObject({ ok: false, phrase: 'in a React' });
    });
  });

  describe('the story kept short and to one need', () => {
    it.each([
      ['I finish later.The button is blue', 'The button is blue'],
      ['I finish later… The button is blue', 'The button is blue'],
    ])('minimal finds the second sentence in "%s"', (benefit, phrase) => {
      expect(check('minimal', withHypothesis({ benefit }))).toEqual({
        criterion: 'minimal',
        ok: false,
        phrase,
        why: `The story goes on with another sentence ("${phrase}"): keep the story to one sentence.`,
      });
    });
    it('minimal finds a remark in fullwidth brackets', () => {
      expect(check('minimal', withHypothesis({ intent: 'bookmark items （like Amazon）' }))).toMatchObject({
        ok: false,
        phrase: '(like Amazon)',
      });
    });
    it.each(['check out on Node.js', 'see prices on Amazon.com', 'read the README.md file'])(
      'minimal keeps a full stop inside a name: "%s"',
      (intent) => expect(check('minimal', withHypothesis({ intent })).ok).toBe(true),
    );
    it.each([
      ['book flights, reserve hotels, rent cars', 'reserve hotels, rent cars'],
      ['book flights & reserve hotels & rent cars', 'reserve hotels & rent cars'],
      ['upload photos and tag friends', 'and tag friends'],
      ['stream music and make playlists', 'and make playlists'],
    ])('atomic finds the second need in the list of actions "%s"', (intent, phrase) => {
      expect(check('atomic', withHypothesis({ intent }))).toEqual({
        criterion: 'atomic',
        ok: false,
        phrase,
        why: `"${phrase}" is a second need: write it as its own story.`,
      });
    });
    it.each([
      'pay my rent and utilities online',
      'save drafts and make sure nothing is lost',
      'see the order status',
    ])('atomic keeps one need with a verb that is also a noun: "%s"', (intent) =>
      expect(check('atomic', withHypothesis({ intent })).ok).toBe(true),
    );
  });

  describe('measurable', () => {
    it('flags a direction that contradicts baseline and target', () => {
      const c = check('measurable', {
        expected: [{ ...bet.expected, direction: 'decrease', baseline: 40, target: 55 }],
      });
      expect(c.ok).toBe(false);
      expect(c.why).toMatch(/contradicts/);
    });
    it('flags a check-by date in the past only when asked to judge the date', () => {
      const past = { expected: [{ ...bet.expected, checkBy: '2020-01-01' }] };
      expect(check('measurable', past).ok).toBe(true);
      const c = check('measurable', { ...past, checkByNotBefore: '2026-11-30' });
      expect(c).toMatchObject({ ok: false, phrase: '2020-01-01' });
    });
    it('says which parts are missing, and refuses a metric that says nothing', () => {
      expect(check('measurable', { expected: [{ metric: 'cart drop-off' }] }).why).toMatch(
        /baseline.*target.*rise or fall.*date/,
      );
      expect(check('measurable', { expected: [{ ...bet.expected, metric: 'z' }] }).ok).toBe(false);
    });
    it.each([
      [
        'a baseline and target beyond what is saved',
        { baseline: 2e12, target: 3e12, direction: 'increase' as const },
        'Baseline is out of range',
      ],
      [
        'a check-by day that does not exist',
        { checkBy: '2027-02-31' },
        'Check by is not a real calendar date',
      ],
    ])('fails on %s, which the save refuses, and the score does not count it', (_, change, why) => {
      const expected = { ...bet.expected, ...change };
      const c = check('measurable', { expected: [expected] });
      expect(c).toMatchObject({ ok: false, phrase: 'cart drop-off' });
      expect(c.why).toContain(why);
      const measurable = scoreIssue(aCompleteBet({ expected }), DEFAULT_SETTINGS).components.find(
        (part) => part.id === 'measurable',
      )!;
      expect(measurable.points).toBeLessThan(measurable.max);
      expect(measurable.detail).not.toMatch(/further expectation/);
    });
    it('fails a check-by date more than five years after the day it is set, and the score does not count it', () => {
      const far = { ...bet.expected, checkBy: '2031-12-01' };
      const c = check('measurable', { expected: [far], checkByNotBefore: '2026-11-30' });
      expect(c).toMatchObject({ ok: false, phrase: '2031-12-01' });
      expect(c.why).toMatch(/more than 5 years away/);
      // Five years to the day still counts; a stored date is not judged, as a passed one is not.
      const near = { ...bet.expected, checkBy: '2031-11-30' };
      expect(check('measurable', { expected: [near], checkByNotBefore: '2026-11-30' }).ok).toBe(true);
      expect(check('measurable', { expected: [far] }).ok).toBe(true);
      const further = check('measurable', {
        expected: [bet.expected, { ...far, metric: 'weekly saves' }],
        checkByNotBefore: '2026-11-30',
      });
      expect(further).toMatchObject({ ok: false, phrase: 'weekly saves' });
      const measurable = scoreIssue(
        aCompleteBet({ expected: far, checkByNotBefore: '2026-11-30' }),
        DEFAULT_SETTINGS,
      ).components.find((part) => part.id === 'measurable')!;
      expect(measurable.points).toBeLessThan(measurable.max);
      expect(measurable.detail).toMatch(/^4 of 5 parts hold/);
    });
    it.each([
      [{ metric: 'conversion', direction: 'increase' as const }, 'its baseline today and the target'],
      [{ metric: 'conversion' }, 'its baseline today and the target'],
      [{ metric: 'conversion', target: 3, unit: '%', direction: 'increase' as const }, 'its baseline today'],
      [{ metric: 'conversion', baseline: 2, unit: '%', direction: 'increase' as const }, 'the target'],
    ])('fails a further expectation with no number to check it by: %j', (further, missing) => {
      expect(check('measurable', { expected: [bet.expected, further] })).toEqual({
        criterion: 'measurable',
        ok: false,
        phrase: 'conversion',
        why: `The further expectation "conversion" cannot be checked: say ${missing} in the story ("conversion from 12% to 15%"), or leave it out.`,
      });
    });
    it('keeps a day said once for two movements: the further one is checked by it', () => {
      const a = analyseStory(
        'As a shopper, I want to finish checkout quickly, so that I do not give up. We expect drop-off to fall from 40% to 30% by 2027-03-01, and conversion to rise from 2% to 3%.',
        DEFAULT_SETTINGS,
        new Date('2026-11-30T00:00:00Z'),
      );
      expect(a.expectedOutcomes).toHaveLength(2);
      expect(qualityOf(a.quality, 'measurable').ok).toBe(true);
    });
    it.each([
      ['undated', { metric: 'cart drop-off', baseline: 40, target: 50 }],
      ['dated the same day', { metric: 'Cart  drop-off', baseline: 40, target: 50, checkBy: '2027-03-01' }],
    ])('fails one metric expected to fall and, %s, to rise', (_, further) => {
      const first = { metric: 'cart drop-off', baseline: 40, target: 30, direction: 'decrease' as const };
      const c = check('measurable', { expected: [{ ...first, checkBy: '2027-03-01' }, further, further] });
      expect(c.ok).toBe(false);
      expect(c.phrase?.toLowerCase().replace(/\s+/g, ' ')).toBe('cart drop-off');
    });
    it('passes one metric to fall by one day and to rise again by a later one', () => {
      const first = {
        metric: 'cart drop-off',
        baseline: 40,
        target: 30,
        direction: 'decrease' as const,
        checkBy: '2027-03-01',
      };
      const later = { metric: 'cart drop-off', baseline: 30, target: 35, checkBy: '2027-09-01' };
      expect(check('measurable', { expected: [first, later] }).ok).toBe(true);
    });
    it('fails "… and conversion to improve." read from a story', () => {
      const a = analyseStory(
        'As a shopper, I want to bookmark items, so that I finish later. We expect drop-off to fall from 40% to 30% by 2027-03-01 and conversion to improve.',
        DEFAULT_SETTINGS,
        new Date('2026-06-15T00:00:00Z'),
      );
      expect(a.expectedOutcomes).toHaveLength(2);
      expect(qualityOf(a.quality, 'measurable')).toMatchObject({ ok: false, phrase: 'conversion' });
    });
    it.each(['x', '🚀', 'TBD'])(
      'refuses a further metric "%s" as it refuses the same metric first',
      (metric) => {
        expect(check('measurable', { expected: [{ ...bet.expected, metric }] }).ok).toBe(false);
        const further = check('measurable', { expected: [bet.expected, { ...bet.expected, metric }] });
        expect(further).toMatchObject({ ok: false, phrase: metric });
        expect(further.why).toBe(
          `In a further expectation, "${metric}" is not a metric: name the number that should move.`,
        );
        const named = { ...bet.expected, metric: 'weekly saves' };
        expect(check('measurable', { expected: [bet.expected, named] }).ok).toBe(true);
      },
    );

    describe('amounts the metric cannot take', () => {
      const rising = { direction: 'increase' as const, checkBy: bet.expected.checkBy };
      const falling = { direction: 'decrease' as const, checkBy: bet.expected.checkBy };
      it.each([
        {
          expected: { metric: 'conversion rate', unit: '%', baseline: 40, target: 150, ...rising },
          why: 'a share, from 0% to 100%: it cannot be 150%',
        },
        {
          expected: { metric: 'cart drop-off', unit: 'percent', baseline: 5, target: -2, ...falling },
          why: 'a share, from 0% to 100%: it cannot be -2 percent',
        },
        {
          expected: { metric: 'number of open tickets', baseline: 20, target: -20, ...falling },
          why: 'a count: it cannot be -20',
        },
        {
          expected: { metric: 'page load time', unit: 'ms', baseline: 800, target: -200, ...falling },
          why: 'a time: it cannot be -200 ms',
        },
        {
          expected: { metric: 'time to first reply', unit: 'minutes', baseline: -5, target: 10, ...rising },
          why: 'a time: it cannot be -5 minutes',
        },
      ])('fails "$expected.metric": $why', ({ expected, why }) => {
        const c = check('measurable', { expected: [expected] });
        expect(c).toMatchObject({ ok: false, phrase: expected.metric });
        expect(c.why).toBe(`"${expected.metric}" is ${why}.`);
        // A further expectation is held to the same rule.
        const further = check('measurable', { expected: [bet.expected, expected] });
        expect(further).toMatchObject({ ok: false, phrase: expected.metric });
        expect(further.why).toContain(why);
        expect(alsoExpectedProblem(expected)).toBe(`"${expected.metric}" is ${why}.`);
      });
      it("says the amount with the person's decimal mark", () => {
        const c = checkHypothesisQuality({
          ...input({
            expected: [{ metric: 'conversion rate', unit: '%', baseline: 40, target: 100.5, ...rising }],
          }),
          decimalMark: ',',
        });
        expect(qualityOf(c, 'measurable').why).toBe(
          '"conversion rate" is a share, from 0% to 100%: it cannot be 100,5%.',
        );
      });
      it.each([
        { metric: 'revenue growth', unit: '%', baseline: 40, target: 150, ...rising },
        { metric: 'return on ad spend', unit: '%', baseline: 80, target: 240, ...rising },
        { metric: 'NPS', baseline: -20, target: 10, ...rising },
        { metric: 'weekly active users', unit: '%', baseline: 40, target: 120, ...rising },
        { metric: 'conversion rate', unit: '%', baseline: 0, target: 100, ...rising },
        { metric: 'net margin', unit: '$', baseline: -2000, target: 500, ...rising },
        { metric: 'difference in sign-ups', baseline: -20, target: 0, ...rising },
        { metric: 'net number of subscribers', baseline: -20, target: 50, ...rising },
        { metric: 'time delta to the competitor', unit: 's', baseline: -3, target: 2, ...rising },
      ])('passes amounts "$metric" can take: $baseline to $target', (expected) => {
        expect(check('measurable', { expected: [expected] }).ok).toBe(true);
        expect(alsoExpectedProblem(expected)).toBeUndefined();
      });
      it("costs a story's score its measurable points, as the CLI reads it", () => {
        const story = (to: string) =>
          analyseStory(
            `As a shopper, I want to save items for later so that I can finish buying. We expect checkout conversion rate to rise from 40% to ${to} by 2027-06-01.`,
            DEFAULT_SETTINGS,
            new Date('2026-11-30T12:00:00Z'),
          );
        expect(qualityOf(story('150%').quality, 'measurable')).toMatchObject({
          ok: false,
          phrase: 'checkout conversion rate',
        });
        expect(qualityOf(story('50%').quality, 'measurable').ok).toBe(true);
        expect(story('150%').score.total).toBeLessThan(story('50%').score.total);
      });
    });
  });
});

describe('expectations that cannot both come true, and wants that say what a thing should do', () => {
  const conversion = { metric: 'conversion', baseline: 3, unit: '%', checkBy: bet.expected.checkBy };

  it('fails "measurable" when one metric is to rise and to fall by the same day', () => {
    expect(
      check('measurable', {
        expected: [
          { ...conversion, target: 4, direction: 'increase' },
          { ...conversion, target: 2, direction: 'decrease' },
        ],
      }),
    ).toMatchObject({
      ok: false,
      phrase: 'conversion',
      why: `"conversion" is expected both to rise and to fall by ${bet.expected.checkBy}: keep the one you mean.`,
    });
    // Numbers that fall are a fall, with no direction said.
    expect(
      check('measurable', {
        expected: [
          { ...conversion, target: 4, direction: 'increase' },
          { ...conversion, metric: 'Conversion ', target: 2 },
        ],
      }),
    ).toMatchObject({ ok: false, why: expect.stringContaining('both to rise and to fall') });
    // A direction its own numbers contradict fails too.
    expect(
      check('measurable', {
        expected: [
          { ...conversion, target: 4, direction: 'increase' },
          { ...conversion, target: 5, direction: 'decrease' },
        ],
      }),
    ).toMatchObject({ ok: false, why: expect.stringContaining('contradicts baseline 3 and target 5') });
    // The same metric by another day is a second milestone, not a contradiction.
    expect(
      check('measurable', {
        expected: [
          { ...conversion, target: 4, direction: 'increase' },
          { ...conversion, target: 5, direction: 'increase', checkBy: '2099-12-31' },
        ],
      }).ok,
    ).toBe(true);
  });

  it('passes "measurable" when one metric has two targets the same way by the same day: a stretch goal', () => {
    const stretch = [
      { ...conversion, target: 4, direction: 'increase' as const },
      { ...conversion, metric: 'Conversion ', target: 5, direction: 'increase' as const },
    ];
    expect(check('measurable', { expected: stretch })).toMatchObject({ ok: true });
    expect(check('measurable', { expected: [...stretch].reverse() })).toMatchObject({ ok: true });
    const fall = { ...conversion, baseline: 5 };
    expect(
      check('measurable', {
        expected: [
          { ...fall, target: 4, direction: 'decrease' },
          { ...fall, target: 3 },
        ],
      }),
    ).toMatchObject({ ok: true });
    const a = analyseStory(
      'As a shopper, I want to bookmark items, so that I finish later. We expect conversion to rise from 3% to 4% by 2027-06-30. We also expect conversion to rise from 3% to 5% by 2027-06-30, as a stretch.',
      DEFAULT_SETTINGS,
      new Date('2026-11-30T00:00:00Z'),
    );
    expect(a.expectedOutcomes.map((e) => e.target)).toEqual([4, 5]);
    expect(qualityOf(a.quality, 'measurable')).toMatchObject({ ok: true });
  });

  it.each([
    ['the checkout to work with a screen reader', 'I can buy on my own'],
    ['the total to update on the page', 'I know what I pay'],
  ])('passes "problem-oriented" for "I want %s": what a thing there should do', (intent, benefit) => {
    expect(check('problem-oriented', withHypothesis({ intent, benefit }))).toMatchObject({ ok: true });
  });

  it.each([
    ['the cart to have a Save for Later button', 'a Save for Later button'],
    ['the checkout to show a PayPal button', 'a PayPal button'],
    ['the product team to build a dashboard', 'a dashboard'],
  ])('still fails "problem-oriented" for "I want %s": a new thing named to build', (intent, phrase) => {
    expect(check('problem-oriented', withHypothesis({ intent, benefit: 'I save time' }))).toMatchObject({
      ok: false,
      phrase,
    });
  });
});

describe('the score counts the checks', () => {
  const part = (s: ReturnType<typeof scoreIssue>, id: string) => s.components.find((c) => c.id === id)!;

  it('gives nonsense ("x", "y", "z") no hypothesis points', () => {
    const s = scoreIssue(
      aCompleteBet({ hypothesis: { persona: 'x', intent: 'y', benefit: 'z' } }),
      DEFAULT_SETTINGS,
    );
    expect(part(s, 'hypothesis').points).toBe(0);
    expect(part(s, 'hypothesis').hint).toMatch(/well-formed/);
    expect(part(s, 'hypothesis').hint).toMatch(/valid-role/);
  });

  it.each([
    ['emoji', { persona: '🙂', intent: '🚀🚀', benefit: '🎉🎉' }],
    ['one letter repeated in other scripts', { persona: 'ψψψ', intent: 'ｙｙｙ', benefit: 'ааа' }],
    ['key mashes', { persona: 'sdfgh', intent: 'hjkkl', benefit: 'lkjhg' }],
  ])('gives %s no hypothesis points', (_, hypothesis) => {
    const s = scoreIssue(aCompleteBet({ hypothesis }), DEFAULT_SETTINGS);
    expect(part(s, 'hypothesis').points).toBe(0);
    expect(part(s, 'hypothesis').hint).toMatch(/^well-formed: .* say nothing yet/);
  });

  it('does not take an emoji for a metric, and keeps a metric in another script', () => {
    const emoji = scoreIssue(
      aCompleteBet({ expected: { ...bet.expected, metric: '📈📈' } }),
      DEFAULT_SETTINGS,
    );
    expect(part(emoji, 'measurable').points).toBe(0);
    expect(part(emoji, 'measurable').hint).toMatch(/"📈📈" is not a metric/);
    const chinese = scoreIssue(
      aCompleteBet({ expected: { ...bet.expected, metric: '等待时间' } }),
      DEFAULT_SETTINGS,
    );
    expect(part(chinese, 'measurable').hint).toBeNull();
  });

  it('does not give full measurable marks to "decrease" from 40 to 55', () => {
    const s = scoreIssue(
      aCompleteBet({ expected: { ...bet.expected, direction: 'decrease', baseline: 40, target: 55 } }),
      DEFAULT_SETTINGS,
    );
    expect(part(s, 'measurable').points).toBeLessThan(part(s, 'measurable').max);
    expect(part(s, 'measurable').hint).toMatch(/^measurable: .*contradicts/);
  });

  it('does not give full measurable marks to a check-by date that has passed while it is being set', () => {
    const input = aCompleteBet({ expected: { ...bet.expected, checkBy: '2021-05-01' } });
    expect(part(scoreIssue(input, DEFAULT_SETTINGS), 'measurable').hint).toBeNull();
    const setting = scoreIssue({ ...input, checkByNotBefore: '2026-11-30' }, DEFAULT_SETTINGS);
    expect(part(setting, 'measurable').hint).toMatch(/has passed/);
  });

  it('names the failing criterion in the hints, and takes framing points from a recipe want', () => {
    const s = scoreIssue(
      aCompleteBet({
        hypothesis: {
          persona: 'developer',
          intent: 'a Save for Later button',
          benefit: 'shoppers can store items',
        },
      }),
      DEFAULT_SETTINGS,
    );
    expect(part(s, 'hypothesis').hint).toMatch(/^valid-role: /);
    expect(part(s, 'problemFraming')).toMatchObject({ points: 0 });
    expect(part(s, 'problemFraming').hint).toMatch(/^problem-oriented: /);
  });

  it('speaks of the hypothesis when it states the problem but the Jira text is a recipe', () => {
    const s = scoreIssue(
      aCompleteBet({ framing: { isRecipe: true, recipePhrases: ['Make it blue'], problemSignals: 0 } }),
      DEFAULT_SETTINGS,
    );
    expect(part(s, 'problemFraming').detail).toMatch(/Your hypothesis states the problem/);
    expect(part(s, 'problemFraming').hint).toMatch(/Replace or prefix the Jira description/);
  });

  it('still gives an empty item nothing for its hypothesis', () => {
    expect(part(scoreIssue(aScoreInput(), DEFAULT_SETTINGS), 'hypothesis').points).toBe(0);
  });
});
