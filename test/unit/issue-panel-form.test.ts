import { assessIssue } from '../../src/domain/assess-issue';
import { checkByNotBefore } from '../../src/domain/issue-lens';
import { DEFAULT_SETTINGS } from '../../src/domain/settings';
import { TEXT_LIMITS } from '../../src/domain/draft-rules';
import {
  alsoExpectedProblem,
  applyStory,
  checkValues,
  emptyValues,
  scorableDraft,
  valuesOf,
  characterCount,
  changedFields,
  mineOnTheirs,
  alsoMineOnTheirs,
  changedExpectations,
  FIELD_NAMES,
  type FormValues,
} from '../../static/issue-panel/src/form';
import { movementPhrase } from '../../src/domain/hypothesis-text';
import { inParserNotation, type DecimalMark } from '../../src/domain/amounts';
import { readPastedStory } from '../../src/domain/pasted-story';
import { checkHypothesisQuality } from '../../src/domain/hypothesis-quality';
import { aBetDraft } from '../support/builders';

/** A story read as the resolver reads it, then filled into `values` as the panel fills them. */
const pasted = (values: FormValues, story: string, now: Date, mark: DecimalMark = '.') =>
  applyStory(values, readPastedStory(story, now, mark), mark);
const recipeIn = (story: string, now: Date) => readPastedStory(story, now).recipe;

/** The panel's live score, as App.tsx computes it on every keystroke, for a person writing numbers with `mark`. */
function liveScore(
  values: ReturnType<typeof valuesOf>,
  stored = aBetDraft(),
  today = '2026-11-30',
  mark: DecimalMark = '.',
) {
  const checked = checkValues(values, stored, today, mark);
  const draft = checked.ok ? checked.draft : scorableDraft(values, mark);
  const { score } = assessIssue(
    {
      key: 'DEMO-1',
      summary: 'Shoppers lose their cart',
      description: null,
      statusCategory: 'new',
      parent: null,
    },
    draft,
    new Map(),
    DEFAULT_SETTINGS,
    { checkByNotBefore: checkByNotBefore(draft, stored, today), decimalMark: mark },
  );
  return {
    checked,
    measurable: score.components.find((c) => c.id === 'measurable')!,
    measurableCheck: score.quality.find((q) => q.criterion === 'measurable')!,
  };
}

describe('the issue panel form applies the save checks before Save', () => {
  it('does not show full measurable marks for "decrease" from 40 to 55', () => {
    const values = { ...valuesOf(aBetDraft()), direction: 'decrease', baseline: '40', target: '55' };
    const { checked, measurable } = liveScore(values);
    expect(checked.ok).toBe(false);
    expect(measurable.points).toBeLessThan(measurable.max);
    expect(measurable.hint).toMatch(/^measurable: /);
  });

  it('says a target equal to the baseline would move nothing, not that the target is missing', () => {
    const values = { ...valuesOf(aBetDraft()), baseline: '40', target: '40' };
    const { checked, measurable } = liveScore(values);
    expect(checked).toEqual({
      ok: false,
      errors: { target: expect.stringMatching(/differ from the baseline/) },
    });
    expect(measurable.hint).toMatch(/The target equals the baseline \(40\): nothing would move\./);
    expect(measurable.hint).not.toMatch(/Say the target/);
  });

  it('refuses a check-by date newly set in the past at its field, and keeps a stored one that came due', () => {
    const values = { ...valuesOf(aBetDraft()), checkBy: '2021-01-01' };
    const { checked, measurable } = liveScore(values);
    expect(checked).toEqual({ ok: false, errors: { checkBy: expect.stringMatching(/already passed/) } });
    expect(measurable.hint).toMatch(/has passed/);
    const stored = aBetDraft({ expected: { ...aBetDraft().expected, checkBy: '2021-01-01' } });
    expect(liveScore(values, stored).checked.ok).toBe(true);
  });

  it('refuses a bet rewritten under a stored check-by date that came due, and keeps one only renamed in its unit', () => {
    const stored = aBetDraft({ expected: { ...aBetDraft().expected, checkBy: '2021-01-01' } });
    const rewritten = [
      { metric: 'NPS' },
      { baseline: '35' },
      { target: '25' },
      { direction: 'increase', baseline: '20', target: '30' },
    ];
    for (const change of rewritten) {
      const values = { ...valuesOf(stored), ...change };
      const { checked, measurableCheck } = liveScore(values, stored);
      expect({ change, checked }).toEqual({
        change,
        checked: { ok: false, errors: { checkBy: expect.stringMatching(/already passed/) } },
      });
      expect(measurableCheck.ok).toBe(false);
    }
    expect(liveScore({ ...valuesOf(stored), unit: 'percent' }, stored).checked.ok).toBe(true);
  });

  it('refuses a kill date or review date newly set in the past at its field, and keeps stored ones that came due', () => {
    const values = { ...valuesOf(aBetDraft()), deadline: '2000-01-01' };
    expect(liveScore(values).checked).toEqual({
      ok: false,
      errors: { deadline: expect.stringMatching(/Kill date 2000-01-01 has already passed/) },
    });
    const review = { ...valuesOf(aBetDraft()), conditionText: 'Nobody uses it', reviewDate: '2020-05-05' };
    expect(liveScore(review).checked).toEqual({
      ok: false,
      errors: { reviewDate: expect.stringMatching(/Review date 2020-05-05 has already passed/) },
    });
    const stored = aBetDraft({ killCriteria: { deadline: '2000-01-01' } });
    expect(liveScore(values, stored).checked.ok).toBe(true);
  });

  it('names every refusal at once: a contradicted direction, a check-by gone and a kill date gone', () => {
    const values = {
      ...valuesOf(aBetDraft()),
      direction: 'decrease',
      baseline: '200',
      target: '300',
      checkBy: '2025-01-15',
      deadline: '2000-01-01',
      thresholdMetric: 'weekly bookmarks',
      thresholdValue: 'lots',
      thresholdBy: '2027-03-01',
    };
    expect(liveScore(values).checked).toEqual({
      ok: false,
      errors: {
        direction: 'Direction "decrease" contradicts baseline 200 and target 300.',
        checkBy: 'Check by 2025-01-15 has already passed: choose a day from 2026-11-30 on.',
        deadline: expect.stringMatching(/^Kill date 2000-01-01 has already passed/),
        thresholdValue: expect.stringMatching(/number/),
      },
    });
    // A check-by the schema refuses is said once, as the schema says it.
    expect(liveScore({ ...values, checkBy: '2025-02-30' }).checked).toMatchObject({
      ok: false,
      errors: { checkBy: expect.stringMatching(/not a real calendar date/) },
    });
  });
});

describe('the kill criteria refused before Save', () => {
  it('are named in the order the panel shows them: the idle days and sprints beside the kill date come first', () => {
    const values = {
      ...valuesOf(aBetDraft()),
      maxIdleDays: 'abc',
      maxSprints: '-2',
      thresholdValue: '5',
      conditionText: 'Nobody uses it',
      reviewDate: '',
    };
    const checked = checkValues(values, aBetDraft(), '2026-11-30');
    if (checked.ok) throw new Error('expected refusals');
    expect(FIELD_NAMES.filter((f) => checked.errors[f])).toEqual([
      'maxIdleDays',
      'maxSprints',
      'thresholdMetric',
      'thresholdBy',
      'reviewDate',
    ]);
    // Each in the words of the field's label; a date left blank is required, not "a date like 2027-03-01".
    expect(checked.errors).toMatchObject({
      thresholdMetric: 'Metric threshold is required.',
      thresholdBy: 'Threshold date is required.',
      reviewDate: 'Review date is required.',
    });
  });
});

describe('numbers typed into the panel', () => {
  it('read "1,200" as twelve hundred, so baseline 1,200 and target 900 is a decrease, not a contradiction', () => {
    const values = { ...valuesOf(aBetDraft()), direction: 'decrease', baseline: '1,200', target: '900' };
    const { checked, measurable } = liveScore(values);
    expect(checked.ok && checked.draft.expected).toMatchObject({ baseline: 1200, target: 900 });
    expect(measurable.points).toBe(measurable.max);
  });

  it('read a decimal comma, and name the field of a number that is none', () => {
    const decimal = liveScore({
      ...valuesOf(aBetDraft()),
      direction: 'increase',
      baseline: '12,5',
      target: '20',
    }).checked;
    expect(decimal.ok && decimal.draft.expected.baseline).toBe(12.5);
    const wrong = liveScore({ ...valuesOf(aBetDraft()), baseline: '1,20,0' }).checked;
    expect(wrong).toEqual({ ok: false, errors: { baseline: expect.stringMatching(/number/) } });
  });

  it('with a decimal comma (a German locale), show and read numbers as the person writes them', () => {
    const draft = aBetDraft();
    draft.expected = { ...draft.expected, baseline: 1.234, target: 1000.5, direction: 'increase' };
    const shown = valuesOf(draft, ',');
    expect([shown.baseline, shown.target]).toEqual(['1,234', '1000,5']);
    // What is shown reads back as the same numbers; "1.234" typed by that person is one thousand two hundred …
    const same = checkValues(shown, undefined, undefined, ',');
    expect(same.ok && [same.draft.expected.baseline, same.draft.expected.target]).toEqual([1.234, 1000.5]);
    const typed = checkValues({ ...shown, target: '1.234' }, undefined, undefined, ',');
    expect(typed.ok && typed.draft.expected.target).toBe(1234);
    // … and a story's numbers fill the fields the same way.
    const filled = pasted(
      emptyValues(),
      'We expect conversion to rise from 2.5% to 3.75% by 2027-06-30.',
      new Date('2026-12-01T00:00:00Z'),
      ',',
    );
    expect([filled.values.baseline, filled.values.target]).toEqual(['2,5', '3,75']);
  });

  it('with a decimal comma, read a pasted story’s numbers as that person writes them, and keep its text as written', () => {
    const story =
      'As a shopper, I want to bookmark items, so that I save 2,5 minutes a visit. We expect cart drop-off to fall from 12,5% to 10,25% by 2027-06-30, and repeat orders to rise from 1.200 to 1.500.';
    const now = new Date('2026-12-01T00:00:00Z');
    const german = pasted(emptyValues(), story, now, ',');
    expect([german.values.baseline, german.values.target]).toEqual(['12,5', '10,25']);
    expect(german.values.benefit).toBe('I save 2,5 minutes a visit');
    expect(german.alsoExpected).toEqual([
      expect.objectContaining({
        metric: 'repeat orders',
        baseline: 1200,
        target: 1500,
        direction: 'increase',
      }),
    ]);
    // Read with a decimal point, "1.200" is one point two; "12,5" is still twelve and a half (it groups nothing).
    const american = pasted(emptyValues(), story, now);
    expect([american.values.baseline, american.values.target, american.values.unit]).toEqual([
      '12.5',
      '10.25',
      '%',
    ]);
    expect(american.alsoExpected[0]).toMatchObject({ baseline: 1.2, target: 1.5 });
  });

  it('puts only whole numbers in the parser’s notation, and gives a text taken from it its numbers back', () => {
    const { text, asWritten } = inParserNotation(
      'From 1.234,5 to 12,5% by 1.5.2027 (v2.0); list: 1, 2.',
      ',',
    );
    expect(text).toBe('From 1234.5 to 12.5% by 1.5.2027 (v2); list: 1, 2.');
    expect(asWritten('from 1234.5 to 12.5%, a note on 7.25')).toBe('from 1.234,5 to 12,5%, a note on 7,25');
    expect(inParserNotation('From 1,234.5 to 1.234 or 12,5', '.').text).toBe('From 1234.5 to 1.234 or 12.5');
  });
});

describe('the panel’s messages write numbers as the person does', () => {
  const german = (values: ReturnType<typeof valuesOf>) => {
    const { checked, measurableCheck } = liveScore(values, undefined, undefined, ',');
    return { checked, measurable: measurableCheck };
  };

  it('names a direction the numbers contradict in the live score, instead of asking for a direction', () => {
    const { measurableCheck, measurable } = liveScore({
      ...valuesOf(aBetDraft()),
      direction: 'decrease',
      baseline: '200',
      target: '300',
    });
    expect(measurableCheck).toMatchObject({ ok: false, phrase: 'decrease from 200 to 300' });
    expect(measurableCheck.why).toContain('contradicts itself');
    expect(measurable.hint).not.toMatch(/rise or fall/);
  });

  it('with a decimal comma, a contradiction and the measurable check quote "12,5", never "12.5"', () => {
    const wrong = german({
      ...valuesOf(aBetDraft(), ','),
      direction: 'decrease',
      baseline: '12,5',
      target: '20,25',
    });
    expect(wrong.checked).toEqual({
      ok: false,
      errors: { direction: 'Direction "decrease" contradicts baseline 12,5 and target 20,25.' },
    });
    const right = german({
      ...valuesOf(aBetDraft(), ','),
      direction: 'increase',
      baseline: '12,5',
      target: '20,25',
    });
    expect(right.measurable).toMatchObject({ ok: true });
    expect(right.measurable.why).toMatch(/from 12,5 to 20,25 by /);
    expect(right.measurable.why).not.toMatch(/\d\.\d/);
  });

  it('a further expectation and its problem are written with the same mark; a point stays the default', () => {
    const e = {
      metric: 'conversion',
      direction: 'decrease' as const,
      baseline: 2.5,
      target: 3.75,
      unit: '%',
    };
    expect(movementPhrase(e, ',')).toBe('conversion to fall from 2,5% to 3,75%');
    expect(alsoExpectedProblem(e, ',')).toBe(
      'Direction "decrease" contradicts baseline 2,5 and target 3,75.',
    );
    expect(alsoExpectedProblem(e)).toBe('Direction "decrease" contradicts baseline 2.5 and target 3.75.');
  });

  it('says beside a further expectation that a metric named "x" or "🚀" measures nothing', () => {
    for (const metric of ['x', '🚀', 'TBD'])
      expect(alsoExpectedProblem({ metric, direction: 'increase', baseline: 20, target: 30 })).toBe(
        `"${metric}" is not a metric: name the number that should move.`,
      );
  });
});

describe('a pasted story with more than one expectation', () => {
  it('fills the first into the fields and keeps the others, saying so', () => {
    const { values, alsoExpected } = pasted(
      emptyValues(),
      'As a shopper, I want to bookmark items in the cart, so that I can come back and finish. We expect this will reduce our 40 percent drop-off rate and increase return-shopper conversion by 10 percent.',
      new Date('2026-11-30T00:00:00Z'),
    );
    expect(values).toMatchObject({ metric: 'drop-off rate', baseline: '40', direction: 'decrease' });
    expect(alsoExpected).toEqual([{ metric: 'return-shopper conversion', unit: '%', direction: 'increase' }]);
    expect(movementPhrase(alsoExpected[0]!)).toBe('return-shopper conversion to rise');
  });
});

describe('a story pasted over a filled expectation', () => {
  // The form holds cart drop-off, from 40 to 30, decrease, checked by a date.
  const filledForm = () => valuesOf(aBetDraft());
  const now = new Date('2026-11-21T12:00:00Z');
  const METRIC_PARTS = ['baseline', 'target', 'unit', 'direction', 'checkBy'] as const;
  const partsOf = (v: FormValues) => Object.fromEntries(METRIC_PARTS.map((f) => [f, v[f]]));

  it('about another metric, keeps none of the old metric’s numbers, unit, direction or date the story does not give', () => {
    const { values, filled, cleared } = pasted(
      filledForm(),
      'As a support agent, I want to see the order history beside a ticket, so that I answer without asking. We expect support tickets to fall.',
      now,
    );
    expect(values.metric).toBe('support tickets');
    expect(partsOf(values)).toEqual({
      baseline: '',
      target: '',
      unit: '',
      direction: 'decrease',
      checkBy: '',
    });
    expect(filled).toContain('direction');
    // Emptied and not filled again: named, so the panel can say so.
    expect(cleared).toEqual(['baseline', 'target', 'checkBy']);
    // Without the old numbers the live check no longer calls the new metric measurable.
    const checked = checkValues(values);
    expect(checked.ok).toBe(true);
    const measurable = checked.ok
      ? checkHypothesisQuality({
          hypothesis: checked.draft.hypothesis,
          expected: [checked.draft.expected],
        }).find((c) => c.criterion === 'measurable')
      : undefined;
    expect(measurable?.ok).toBe(false);
  });

  it('about another metric, takes the numbers the story gives', () => {
    const { values, cleared } = pasted(
      filledForm(),
      'We expect support tickets to fall from 120 to 90 by 2027-06-30.',
      now,
    );
    expect(partsOf(values)).toEqual({
      baseline: '120',
      target: '90',
      unit: '',
      direction: 'decrease',
      checkBy: '2027-06-30',
    });
    expect(cleared).toEqual([]);
  });

  it('about the same metric, or naming none, keeps what the form holds where the story says nothing', () => {
    const before = partsOf(filledForm());
    const same = pasted(
      filledForm(),
      'As a shopper, I want to save my cart, so that I finish later. We expect Cart drop-off to fall.',
      now,
    );
    expect(partsOf(same.values)).toEqual(before);
    expect(same.cleared).toEqual([]);
    const none = pasted(filledForm(), 'As a shopper, I want to save my cart, so that I finish later.', now);
    expect(partsOf(none.values)).toEqual(before);
    expect(none.values.metric).toBe('cart drop-off');
  });
});

describe('the notes shown after a story fills the fields', () => {
  it('say what was not kept, what contradicts itself and where a movement was read, not what is missing', () => {
    const now = new Date('2026-11-30T00:00:00Z');
    const notesOf = (story: string) => pasted(emptyValues(), story, now).notes;
    expect(notesOf('As a reader, I want pages to load fast so that I stay.')).toEqual([]);
    expect(
      notesOf(
        'As a reader, I want pages to load fast so that load time falls from 4 s to 2 s by 2027-03-01.',
      ),
    ).toEqual([
      'The expected movement was read from the benefit; write it as "We expect …" to state it plainly.',
    ]);
    expect(notesOf('We expect load time to decrease from 4 s to 6 s by 2027-03-01.')).toEqual([
      'The wording says decrease, but 4 to 6 goes the other way: fix the wording or the numbers.',
    ]);
    expect(notesOf('We expect cart drop-off to fall from 40% to 30% and to increase by 5.')).toEqual([
      '"by 5" is a relative change; no target is computed from it.',
      'The part "increase by 5." names no metric that could be read; it is not kept.',
    ]);
    // A movement given only as a change keeps no target: said, not dropped unsaid.
    expect(
      notesOf(
        'We expect this will reduce our 40 percent drop-off rate and increase return-shopper conversion by 10 percent.',
      ),
    ).toEqual(['"by 10 percent" is a relative change; no target is computed from it.']);
  });
});

describe('a further expectation that contradicts itself', () => {
  it('is kept as written and named, for the owner to remove or fix', () => {
    const { alsoExpected } = pasted(
      emptyValues(),
      'As a reader, I want pages that load at once so that I keep reading. We expect bounce rate to fall from 30% to 20% and load time to decrease from 4 s to 6 s by 2027-03-01.',
      new Date('2026-11-30T00:00:00Z'),
    );
    expect(alsoExpected).toEqual([
      {
        metric: 'load time',
        baseline: 4,
        target: 6,
        unit: 's',
        direction: 'decrease',
        checkBy: '2027-03-01',
      },
    ]);
    expect(alsoExpectedProblem(alsoExpected[0]!)).toBe(
      'Direction "decrease" contradicts baseline 4 and target 6.',
    );
    expect(
      alsoExpectedProblem({ metric: 'bounce rate', baseline: 30, target: 20, direction: 'decrease' }),
    ).toBeUndefined();
  });

  it('is named when its check-by day is gone, unless it is stored as it is', () => {
    const lapsed = {
      metric: 'bounce rate',
      baseline: 30,
      target: 20,
      direction: 'decrease' as const,
      checkBy: '2020-01-01',
    };
    expect(alsoExpectedProblem(lapsed, '.', aBetDraft(), '2026-11-30')).toBe(
      'Check by 2020-01-01 has already passed: choose a day from 2026-11-30 on.',
    );
    expect(
      alsoExpectedProblem(lapsed, '.', aBetDraft({ alsoExpected: [lapsed] }), '2026-11-30'),
    ).toBeUndefined();
    expect(
      alsoExpectedProblem({ ...lapsed, checkBy: '2027-01-01' }, '.', aBetDraft(), '2026-11-30'),
    ).toBeUndefined();
  });
});

describe('a pasted story is checked for recipes before it fills the fields', () => {
  const now = new Date('2026-11-30T00:00:00Z');
  it("quotes what makes the essay's old-way stories recipes", () => {
    expect(
      recipeIn('As a PO, I want a Save for Later button so shoppers can store items in the cart.', now),
    ).toEqual(expect.arrayContaining(['a Save for Later button']));
    const worse =
      'Create a Save for Later button on the shopping cart screen. Make it blue and put it in the upper right hand corner.';
    expect(recipeIn(worse, now).map((p) => p.toLowerCase())).toEqual(expect.arrayContaining(['blue']));
  });
  it('names each piece of the recipe once, not again inside a longer phrase', () => {
    const phrases = recipeIn(
      'As a PO, I want a green Buy now button in the top right corner, so that sales go up.',
      now,
    );
    expect(phrases).toContain('a green Buy now button');
    for (const again of ['want a green Buy now button', 'green', 'button'])
      expect(phrases).not.toContain(again);
  });

  it('finds nothing in a story that states the problem', () => {
    const story =
      'As a shopper, I want to bookmark items in the cart, so that I can come back and finish. We expect cart drop-off to fall from 40% to 30% by 1 March.';
    expect(recipeIn(story, now)).toEqual([]);
  });
});

describe('character counts near a limit', () => {
  it('counts from 80 % of the limit the save holds a field to, trimmed as the save counts, and says when it is past', () => {
    const max = TEXT_LIMITS.short;
    expect(characterCount('persona', 'a'.repeat(max * 0.8 - 1))).toBeNull();
    expect(characterCount('persona', `  ${'a'.repeat(max * 0.8)}  `)).toEqual({
      text: `${max * 0.8} / ${max}`,
      over: false,
    });
    expect(characterCount('persona', 'a'.repeat(max + 1))).toEqual({
      text: `${max + 1} / ${max}`,
      over: true,
    });
    expect(checkValues({ ...emptyValues(), persona: 'a'.repeat(max + 1) })).toMatchObject({
      ok: false,
      errors: { persona: `Persona must be at most ${max} characters.` },
    });
    expect(characterCount('intent', 'a'.repeat(TEXT_LIMITS.text))?.text).toBe(
      `${TEXT_LIMITS.text} / ${TEXT_LIMITS.text}`,
    );
    expect(characterCount('metric', 'a'.repeat(1000))).toBeNull();
  });

  it('counts an emoji as one character, as the save does: a persona of 150 emoji is accepted', () => {
    const max = TEXT_LIMITS.short;
    // Each emoji is one code point written as two UTF-16 units: 300 units, 150 characters.
    const emoji = '😀'.repeat(150);
    expect(checkValues({ ...emptyValues(), persona: emoji })).toMatchObject({ ok: true });
    expect(characterCount('persona', emoji)).toBeNull();
    expect(characterCount('persona', '😀'.repeat(max))).toEqual({ text: `${max} / ${max}`, over: false });
    expect(checkValues({ ...emptyValues(), persona: '😀'.repeat(max + 1) })).toMatchObject({
      ok: false,
      errors: { persona: `Persona must be at most ${max} characters.` },
    });
  });
});

describe('keeping my edits when someone saved first', () => {
  it('puts my changes on top of theirs: what I left alone takes theirs, and a field we both changed keeps mine', () => {
    const loaded = valuesOf(aBetDraft());
    const mine = { ...loaded, persona: 'shopper in a hurry', target: '25' };
    const theirs = { ...loaded, persona: 'returning shopper', unit: 'orders', maxIdleDays: '45' };
    const { values, clashes } = mineOnTheirs(loaded, mine, theirs);
    expect(values).toEqual({ ...theirs, persona: 'shopper in a hurry', target: '25' });
    expect(clashes).toEqual([{ field: 'persona', from: 'returning shopper', to: 'shopper in a hurry' }]);
    expect(changedFields(loaded, theirs).map((c) => c.field)).toEqual(['persona', 'unit', 'maxIdleDays']);
  });

  it('puts my further expectations on top of theirs entry by entry, and keeps mine where we both changed one', () => {
    const conversion = { metric: 'conversion', direction: 'increase' as const };
    const basket = { metric: 'basket size', direction: 'increase' as const };
    const basketTheirs = { metric: 'basket size', baseline: 40, target: 48 };
    const repeatOrders = { metric: 'repeat orders', direction: 'increase' as const };
    const loaded = [conversion, basket];
    // One side changed nothing, or both made the same change: the other side's list.
    expect(alsoMineOnTheirs(loaded, loaded, [conversion])).toEqual({ also: [conversion], clash: false });
    expect(alsoMineOnTheirs(loaded, [basket], loaded)).toEqual({ also: [basket], clash: false });
    expect(alsoMineOnTheirs(loaded, [basket], [basket])).toEqual({ also: [basket], clash: false });
    // Keys in another order are the same expectation.
    expect(
      alsoMineOnTheirs(loaded, [conversion, { direction: 'increase', metric: 'basket size' }], [conversion]),
    ).toEqual({ also: [conversion], clash: false });
    // I added one, they changed another: both.
    expect(alsoMineOnTheirs(loaded, [...loaded, repeatOrders], [conversion, basketTheirs])).toEqual({
      also: [conversion, basketTheirs, repeatOrders],
      clash: false,
    });
    // We both added the same one: it is there once.
    expect(
      alsoMineOnTheirs(loaded, [...loaded, repeatOrders], [...loaded, repeatOrders, conversion]),
    ).toEqual({
      also: [...loaded, repeatOrders, conversion],
      clash: false,
    });
    // I removed, or replaced, the one they changed: mine is kept, and it is a clash.
    expect(alsoMineOnTheirs(loaded, [conversion], [conversion, basketTheirs])).toEqual({
      also: [conversion],
      clash: true,
    });
    expect(alsoMineOnTheirs(loaded, [repeatOrders], [conversion, basketTheirs])).toEqual({
      also: [repeatOrders],
      clash: true,
    });
    // Both lists together would be more than a save takes: mine is kept, and it is a clash.
    const many = (prefix: string) => [1, 2, 3].map((n) => ({ metric: `${prefix} ${n}` }));
    expect(alsoMineOnTheirs([], many('mine'), many('theirs'))).toEqual({ also: many('mine'), clash: true });
  });

  it('tells which further expectations their version put in and took out, a changed one as both', () => {
    const conversion = { metric: 'conversion', direction: 'increase' as const };
    const basket = { metric: 'basket size', direction: 'increase' as const };
    const basketTheirs = { metric: 'basket size', baseline: 40, target: 48 };
    expect(changedExpectations([conversion, basket], [conversion, basketTheirs])).toEqual({
      added: [basketTheirs],
      removed: [basket],
    });
    expect(
      changedExpectations([conversion, basket], [{ direction: 'increase', metric: 'conversion' }]),
    ).toEqual({
      added: [],
      removed: [basket],
    });
    // The same expectation twice: one taken out is told.
    expect(changedExpectations([basket, basket], [basket])).toEqual({ added: [], removed: [basket] });
    expect(changedExpectations([], [])).toEqual({ added: [], removed: [] });
  });
});
