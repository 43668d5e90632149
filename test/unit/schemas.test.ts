import {
  expectedOutcomeSchema,
  fieldErrors,
  issueLensDraftSchema,
  killCriteriaSchema,
  outcomeDraftSchema,
  resultSchema,
} from '../../src/domain/schemas';

const errorsOf = (result: { success: boolean; error?: unknown }) =>
  result.success ? {} : fieldErrors(result.error as Parameters<typeof fieldErrors>[0]);

describe('what a product owner writes', () => {
  it('accepts a draft with nothing filled in yet', () => {
    expect(issueLensDraftSchema.parse({})).toEqual({ hypothesis: {}, expected: {}, killCriteria: {} });
  });

  it('refuses a field it does not know, at its own name, in every object of a draft and an outcome', () => {
    expect(
      errorsOf(
        issueLensDraftSchema.safeParse({
          killCriteria: { deadline: '2027-02-01', maxIdleDay: 10 },
          hypothesis: { persona: 'shopper', intnet: 'save carts' },
          notes: 'x',
        }),
      ),
    ).toEqual({
      notes: '"notes" is not a field this app knows: check its spelling, or leave it out.',
      'killCriteria.maxIdleDay':
        '"maxIdleDay" is not a field this app knows: check its spelling, or leave it out.',
      'hypothesis.intnet': '"intnet" is not a field this app knows: check its spelling, or leave it out.',
    });
    expect(
      Object.keys(errorsOf(resultSchema.safeParse({ verdict: 'validated', evidence: 'x', proof: 1 }))),
    ).toEqual(['proof']);
    expect(
      Object.keys(
        errorsOf(
          outcomeDraftSchema.safeParse({
            name: 'n',
            metric: 'Checkout conversion',
            baseline: 1,
            target: 2,
            direction: 'increase',
            dueDate: '2027-01-01',
            owner: 'me',
          }),
        ),
      ),
    ).toEqual(['owner']);
  });

  it('treats blank text as not given and trims the rest', () => {
    const draft = issueLensDraftSchema.parse({ hypothesis: { persona: '  shopper ', benefit: '   ' } });
    expect(draft.hypothesis).toEqual({ persona: 'shopper', benefit: undefined });
  });

  it('says at the field what is wrong with an expectation', () => {
    expect(errorsOf(expectedOutcomeSchema.safeParse({ baseline: '40', checkBy: '1 March' }))).toEqual({
      baseline: 'Baseline must be a number.',
      checkBy: 'Check by must be a date like 2027-03-01.',
    });
    expect(errorsOf(expectedOutcomeSchema.safeParse({ checkBy: '2027-02-30' }))).toEqual({
      checkBy: 'Check by is not a real calendar date.',
    });
  });

  it('refuses a direction that contradicts baseline and target', () => {
    expect(
      errorsOf(expectedOutcomeSchema.safeParse({ baseline: 40, target: 30, direction: 'increase' })),
    ).toEqual({
      direction: 'Direction "increase" contradicts baseline 40 and target 30.',
    });
    expect(expectedOutcomeSchema.safeParse({ baseline: 40, target: 30, direction: 'decrease' }).success).toBe(
      true,
    );
  });

  it('checks each kind of kill criterion', () => {
    expect(
      killCriteriaSchema.safeParse({
        deadline: '2027-01-31',
        metricThreshold: { metric: 'conversion', comparison: 'atLeast', value: 5, by: '2027-02-01' },
        maxIdleDays: 30,
        maxSprintsCarried: 2,
        condition: { text: 'Legal blocks the change', reviewDate: '2027-01-15' },
      }).success,
    ).toBe(true);
    expect(errorsOf(killCriteriaSchema.safeParse({ maxIdleDays: 2.5, condition: { text: 'x' } }))).toEqual({
      maxIdleDays: 'Max idle days must be a whole number.',
      'condition.reviewDate': 'Review date is required.',
    });
  });

  it('needs evidence with a result', () => {
    expect(errorsOf(resultSchema.safeParse({ verdict: 'validated', evidence: ' ' }))).toEqual({
      evidence: 'Evidence is required.',
    });
    expect(errorsOf(resultSchema.safeParse({ verdict: 'great', evidence: 'x' }))).toEqual({
      verdict: 'Result must be validated, invalidated or inconclusive.',
    });
  });

  it('needs a complete, consistent outcome', () => {
    const outcome = {
      name: 'Fewer abandoned carts',
      metric: 'cart drop-off',
      baseline: 40,
      target: 30,
      direction: 'decrease',
      dueDate: '2027-03-01',
    };
    expect(outcomeDraftSchema.safeParse(outcome).success).toBe(true);
    expect(errorsOf(outcomeDraftSchema.safeParse({ ...outcome, name: '', target: 40 }))).toEqual({
      name: 'Name is required.',
      target: 'Target must differ from the baseline.',
    });
    // A required field left empty says so; one filled with the wrong thing says what it should be.
    const { baseline: _b, dueDate: _d, ...missing } = outcome;
    expect(errorsOf(outcomeDraftSchema.safeParse(missing))).toEqual({
      baseline: 'Baseline is required.',
      dueDate: 'Due date is required.',
    });
    expect(errorsOf(outcomeDraftSchema.safeParse({ ...outcome, baseline: Number.NaN, dueDate: 5 }))).toEqual({
      baseline: 'Baseline must be a number.',
      dueDate: 'Due date must be a date.',
    });
  });

  it('refuses a malformed outcome id', () => {
    expect(errorsOf(issueLensDraftSchema.safeParse({ outcomeId: '../../etc' }))).toEqual({
      outcomeId: 'Outcome id is malformed.',
    });
  });
});
