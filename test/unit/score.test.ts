import { DEFAULT_SETTINGS } from '../../src/domain/settings';
import { SCORE_MODEL_VERSION, scoreIssue, type ScoreInput } from '../../src/domain/score';
import { analyseStory } from '../../src/domain/analyse-story';
import { aCompleteBet, aScoreInput } from '../support/builders';

const score = (input = aScoreInput(), settings = DEFAULT_SETTINGS) => scoreIssue(input, settings);
const part = (s: Pick<ReturnType<typeof score>, 'components'>, id: string) =>
  s.components.find((c) => c.id === id)!;

describe('outcome-linkage score', () => {
  it('gives a fully framed, linked bet with kill criteria 100 before delivery', () => {
    const s = score(aCompleteBet());
    expect(s.total).toBe(100);
    expect(s.max).toBe(100);
    expect(s.modelVersion).toBe(SCORE_MODEL_VERSION);
    expect(s.components.every((c) => c.hint === null)).toBe(true);
  });

  it('gives an empty, unframed item a low score and a hint for every missing part', () => {
    const s = score();
    expect(s.total).toBeLessThan(15);
    for (const id of ['hypothesis', 'measurable', 'outcomeLink', 'killCriteria']) {
      expect(part(s, id).points).toBe(0);
      expect(part(s, id).hint).toEqual(expect.any(String));
    }
  });

  it('gives an example of a measurable expectation that names no day: a fixed day would one day be past', () => {
    const hint = part(score(), 'measurable').hint!;
    expect(hint).toContain('E.g. "cart drop-off from 40% to 30%", with a check-by date a few months ahead.');
    expect(hint).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });

  it('sums exactly to the total from its parts, and each part stays within its maximum', () => {
    const s = score(aCompleteBet({ hypothesis: { persona: 'shopper' }, link: { kind: 'none' } }));
    expect(s.components.reduce((a, c) => a + c.points, 0)).toBe(s.total);
    for (const c of s.components) expect(c.points).toBeLessThanOrEqual(c.max);
    expect(s.components.filter((c) => c.applicable).reduce((a, c) => a + c.max, 0)).toBe(100);
  });

  it('leaves evidence out until delivery, then asks for the result', () => {
    const open = score(aCompleteBet());
    expect(part(open, 'evidence')).toMatchObject({ applicable: false, max: 0, hint: null });
    const delivered = score(aCompleteBet({ delivered: true }));
    expect(part(delivered, 'evidence')).toMatchObject({ applicable: true, points: 0 });
    expect(part(delivered, 'evidence').hint).toMatch(/result/i);
    expect(delivered.total).toBe(90);
    const proven = score(
      aCompleteBet({
        delivered: true,
        result: { verdict: 'invalidated', evidence: 'Drop-off stayed at 40%.' },
      }),
    );
    expect(proven.total).toBe(100);
  });

  it.each(['x', '.', 'TBD', '🙂'])('gives a result whose evidence is "%s" no evidence points', (evidence) => {
    const s = score(aCompleteBet({ delivered: true, result: { verdict: 'validated', evidence } }));
    expect(part(s, 'evidence')).toMatchObject({ applicable: true, points: 0 });
    expect(part(s, 'evidence').detail).toContain(`says nothing yet ("${evidence}")`);
    expect(part(s, 'evidence').hint).toMatch(/^Say what the evidence is: what was measured or seen/);
  });

  it('counts a result recorded before delivery only once the item is delivered', () => {
    const result = { verdict: 'validated', evidence: 'Drop-off fell from 40% to 31%.' } as const;
    const early = score(aCompleteBet({ result }));
    expect(part(early, 'evidence')).toMatchObject({ applicable: false, points: 0, max: 0, hint: null });
    expect(part(early, 'evidence').detail).toBe(
      'Result recorded (validated); it counts once the item is delivered.',
    );
    expect(part(score(aCompleteBet({ result, delivered: true })), 'evidence').points).toBeGreaterThan(0);
  });

  it('gives a result no evidence points when no bet was written to hold it against', () => {
    const result = { verdict: 'validated', evidence: 'Conversion went up after the release.' } as const;
    const s = score(aScoreInput({ delivered: true, result }));
    expect(part(s, 'evidence')).toMatchObject({ applicable: true, points: 0 });
    expect(part(s, 'evidence').detail).toBe(
      'Result recorded: validated, but no bet was written to check it against.',
    );
    expect(part(s, 'evidence').hint).toMatch(/^Write the hypothesis and the movement it expected/);
  });

  describe('a result its own measured value contradicts', () => {
    // The bet: cart drop-off to decrease from 40 to 30 (aBetDraft).
    const evidenceFor = (result: NonNullable<ScoreInput['result']>, expected?: ScoreInput['expected']) =>
      part(score(aCompleteBet({ delivered: true, result, ...(expected ? { expected } : {}) })), 'evidence');

    it.each([45, 40])(
      'earns nothing as "validated" when drop-off was measured at %s, not below 40',
      (measured) => {
        const p = evidenceFor({
          verdict: 'validated',
          evidence: 'Drop-off after release.',
          measuredValue: measured,
        });
        expect(p).toMatchObject({ applicable: true, points: 0 });
        expect(p.detail).toBe(
          `Result recorded: validated, but the measured value (${measured}) is not below the baseline (40) the bet expected to fall from.`,
        );
        expect(p.hint).toMatch(/^Check the measured value, or record the verdict it shows/);
      },
    );

    it('says the measured value and the baseline in the reader’s decimal mark', () => {
      const comma = part(
        score(
          aCompleteBet({
            delivered: true,
            decimalMark: ',',
            expected: { ...aCompleteBet().expected, baseline: 40.5 },
            result: { verdict: 'validated', evidence: 'Drop-off after release.', measuredValue: 41.25 },
          }),
        ),
        'evidence',
      );
      expect(comma.points).toBe(0);
      expect(comma.detail).toContain('the measured value (41,25) is not below the baseline (40,5)');
    });

    it('reads the way from baseline to target when no direction is given, and says amounts in their unit', () => {
      const expected = { metric: 'repeat orders', baseline: 10, target: 14, unit: '%' };
      const p = evidenceFor({ verdict: 'validated', evidence: 'Fell.', measuredValue: 8 }, expected);
      expect(p.detail).toBe(
        'Result recorded: validated, but the measured value (8%) is not above the baseline (10%) the bet expected to rise from.',
      );
    });

    it.each([
      ['validated', 35],
      ['validated', 20],
      ['invalidated', 38],
      ['invalidated', 55],
      // At its target, yet invalidated: the app's own proposal judges the movement since delivery, which may
      // have come before it or from elsewhere.
      ['invalidated', 29.5],
      ['inconclusive', 60],
    ] as const)('keeps full points for "%s" with a measured value of %s', (verdict, measuredValue) => {
      const p = evidenceFor({ verdict, evidence: 'Measured four weeks after release.', measuredValue });
      expect(p.points).toBe(p.max);
      expect(p.hint).toBeNull();
    });

    it('cannot tell without a baseline, or without a measured value, and keeps the points', () => {
      const noBaseline = { metric: 'cart drop-off', target: 30, direction: 'decrease' } as const;
      expect(
        evidenceFor({ verdict: 'validated', evidence: 'Rose.', measuredValue: 45 }, noBaseline).hint,
      ).toBeNull();
      expect(evidenceFor({ verdict: 'validated', evidence: 'Drop-off rose to 45%.' }).hint).toBeNull();
    });
  });

  it('counts no kill condition or threshold that says nothing, and says what to write', () => {
    const killPart = (killCriteria: ScoreInput['killCriteria']) =>
      part(score(aCompleteBet({ killCriteria })), 'killCriteria');
    const condition = killPart({ condition: { text: 'x', reviewDate: '2027-01-01' } });
    expect(condition.points).toBe(0);
    expect(condition.hint).toMatch(
      /^The kill condition "x" says nothing yet: write what would make you stop/,
    );
    const threshold = { metric: 'x', comparison: 'atLeast', value: 5, by: '2027-01-01' } as const;
    const hollow = killPart({ metricThreshold: threshold });
    expect(hollow.points).toBe(0);
    expect(hollow.hint).toBe('Kill threshold: "x" is not a metric: name the number that should move.');
    // Real ones still count, and another exit decided keeps the points while the hollow one is named.
    expect(killPart({ condition: { text: 'fewer than 5% use it', reviewDate: '2027-01-01' } })).toMatchObject(
      {
        points: hollow.max,
        hint: null,
      },
    );
    expect(killPart({ metricThreshold: { ...threshold, metric: 'weekly saves' } }).points).toBe(hollow.max);
    const beside = killPart({ deadline: '2027-02-01', metricThreshold: threshold });
    expect(beside.points).toBe(beside.max);
    expect(beside.detail).toBe(
      'Exit decided up front: a kill date. Kill threshold: "x" is not a metric: name the number that should move.',
    );
  });

  it('counts no idle or carry-over limit that would take more than a year to reach', () => {
    const killPart = (killCriteria: ScoreInput['killCriteria']) =>
      part(score(aCompleteBet({ killCriteria })), 'killCriteria');
    const idle = killPart({ maxIdleDays: 3650 });
    expect(idle.points).toBe(0);
    expect(idle.hint).toBe(
      'A limit of 3650 idle days would take more than a year to reach, so it stops nothing: choose one within a year.',
    );
    expect(killPart({ maxSprintsCarried: 40 }).points).toBe(0);
    expect(killPart({ maxIdleDays: 365 }).points).toBe(idle.max);
    expect(killPart({ maxSprintsCarried: 26 }).points).toBe(idle.max);
  });

  it('says in the measurable detail that a further expectation does not hold', () => {
    const further = { ...aCompleteBet().expected, metric: 'weekly saves' };
    for (const wrong of [
      { ...further, direction: 'increase' as const },
      { ...further, metric: 'x' },
    ]) {
      const measurable = part(score(aCompleteBet({ alsoExpected: [wrong] })), 'measurable');
      expect(measurable.points).toBeLessThan(measurable.max);
      expect(measurable.detail).toBe(
        '5 of 5 parts hold: metric, baseline, target, direction, check-by date; a further expectation does not hold.',
      );
    }
    const holds = part(score(aCompleteBet({ alsoExpected: [further] })), 'measurable');
    expect(holds.detail).toBe('5 of 5 parts hold: metric, baseline, target, direction, check-by date.');
    expect(holds.points).toBe(holds.max);
  });

  it('names the missing hypothesis parts in its hint', () => {
    const s = score(aScoreInput({ hypothesis: { persona: 'shopper' } }));
    expect(part(s, 'hypothesis').hint).toMatch(/intent/);
    expect(part(s, 'hypothesis').hint).toMatch(/benefit/);
    expect(part(s, 'hypothesis').hint).not.toMatch(/persona/);
  });

  it('counts a link inherited from the epic for less than a direct link', () => {
    const direct = part(score(aCompleteBet()), 'outcomeLink');
    const inherited = part(
      score(aCompleteBet({ link: { kind: 'inherited', outcomeId: 'out-checkout', fromIssueKey: 'DEMO-2' } })),
      'outcomeLink',
    );
    expect(inherited.points).toBe(Math.round(direct.max * DEFAULT_SETTINGS.inheritedLinkShare));
    expect(inherited.detail).toContain('DEMO-2');
    expect(inherited.hint).toEqual(expect.any(String));
  });

  it('gives no link points for an abandoned outcome and says to relink', () => {
    const s = score(aCompleteBet({ linkedOutcomeStatus: 'abandoned' }));
    expect(part(s, 'outcomeLink').points).toBe(0);
    expect(part(s, 'outcomeLink').hint).toMatch(/relink/i);
  });

  it('quotes the recipe phrases and takes away the framing points', () => {
    const s = score(
      aScoreInput({ framing: { isRecipe: true, recipePhrases: ['Make it blue'], problemSignals: 0 } }),
    );
    expect(part(s, 'problemFraming').points).toBe(0);
    expect(part(s, 'problemFraming').detail).toContain('"Make it blue"');
  });

  it('says whose words frame the problem: a nonsense hypothesis is never credited for the Jira text', () => {
    const framing = { isRecipe: false, recipePhrases: [], problemSignals: 2 };
    const nonsense = score(
      aScoreInput({ hypothesis: { persona: 'x', intent: 'asdf', benefit: 'x' }, framing }),
    );
    expect(part(nonsense, 'hypothesis').points).toBe(0);
    expect(part(nonsense, 'problemFraming').detail).toBe(
      'The Jira summary or description states a problem, a user or a reason.',
    );
    const framed = score(aCompleteBet({ framing: { ...framing, problemSignals: 0 } }));
    expect(part(framed, 'problemFraming').detail).toBe('The hypothesis states a user, a need and a reason.');
  });

  it('gives nothing to a story that only fills the slots: no framing for its form, no measurable points for numbers of no metric', () => {
    const line = 'As a x, I want y, so that z. We expect x to rise from 1 to 2 by 2027-06-01.';
    const filled = analyseStory(line, DEFAULT_SETTINGS, new Date('2026-12-01T12:00:00Z'));
    expect(filled.score.total).toBe(0);
    expect(part(filled.score, 'problemFraming').detail).toMatch(/states no need and no reason yet/);
    expect(part(filled.score, 'measurable').detail).toMatch(/with no metric named, they measure nothing/);
    // Numbers of a real metric still count while the rest is missing.
    const halfway = score(aScoreInput({ expected: { metric: 'cart drop-off', baseline: 40, target: 30 } }));
    expect(part(halfway, 'measurable').points).toBeGreaterThan(0);
    // In the panel the Jira text is not the story: a description that states a problem still frames it.
    const panel = score(
      aScoreInput({
        hypothesis: { persona: 'x', intent: 'y', benefit: 'z' },
        framing: { isRecipe: false, recipePhrases: [], problemSignals: 2 },
      }),
    );
    expect(part(panel, 'problemFraming').points).toBe(part(panel, 'problemFraming').max);
  });

  it.each([
    ['an empty story', ''],
    ['only the words of the form', 'As a , I want , so that .'],
    ['three-letter non-words', 'As a abc, I want def, so that xyz.'],
    ['a repeated token and key mashes', 'As a xyz xyz, I want asdf, so that qwe.'],
    ['a real role with slots of nothing', 'As a user, I want x, so that y.'],
    ['a real role with placeholders', 'As a customer, I want TBD, so that TBD.'],
    ['shrugs', 'As a hmm, I want idk, so that dunno.'],
    ['a pointer and a promise', 'As a user, I want see confluence, so that will update later.'],
  ])('gives %s no points at all, framing included', (_, line) => {
    const s = analyseStory(line, DEFAULT_SETTINGS, new Date('2026-12-01T12:00:00Z')).score;
    expect(part(s, 'hypothesis').points).toBe(0);
    expect(part(s, 'problemFraming').points).toBe(0);
    expect(s.total).toBe(0);
  });

  it('still scores short real words ("log in", "pay", "buy")', () => {
    for (const line of [
      'As a user, I want to log in, so that I can pay.',
      'As a shopper, I want to buy, so that I can pay.',
    ]) {
      const s = analyseStory(line, DEFAULT_SETTINGS, new Date('2026-12-01T12:00:00Z')).score;
      expect(part(s, 'hypothesis').points).toBe(part(s, 'hypothesis').max);
      expect(part(s, 'problemFraming').points).toBe(part(s, 'problemFraming').max);
    }
  });

  it('gives no advice on stopping or framing a delivered item, and keeps the points it had', () => {
    const recipe = { isRecipe: true, recipePhrases: ['Make it blue'], problemSignals: 0 };
    const open = score(aScoreInput({ framing: recipe }));
    const delivered = score(aScoreInput({ framing: recipe, delivered: true }));
    expect(part(open, 'killCriteria').hint).toMatch(/Decide when to stop/);
    expect(part(delivered, 'killCriteria')).toMatchObject({
      points: 0,
      hint: null,
      detail: 'Delivered with no exit condition decided up front.',
    });
    expect(part(open, 'problemFraming').hint).toEqual(expect.any(String));
    expect(part(delivered, 'problemFraming')).toMatchObject({ points: 0, hint: null });
    expect(part(delivered, 'evidence').hint).toMatch(/result/i);
  });

  it('follows the weights in settings', () => {
    const weights = { ...DEFAULT_SETTINGS.weights, killCriteria: 0 };
    const s = scoreIssue(aCompleteBet({ killCriteria: {} }), { ...DEFAULT_SETTINGS, weights });
    expect(part(s, 'killCriteria').max).toBe(0);
    expect(s.total).toBe(100);
  });

  it('is deterministic', () => {
    expect(score(aCompleteBet({ link: { kind: 'none' } }))).toEqual(
      score(aCompleteBet({ link: { kind: 'none' } })),
    );
  });
});
