import fc from 'fast-check';
import { checkIssueLensDraft, draftFieldErrors } from '../../src/domain/draft-rules';
import { fieldErrors, issueLensDraftSchema } from '../../src/domain/schemas';
import { FIELD_NAMES, rawDraft, type FieldName, type FormValues } from '../../static/issue-panel/src/form';

/**
 * The issue panel judges each keystroke with the zod-free checker; the resolver judges the save with the zod
 * schema. On any draft the panel's inputs can describe, both must accept or refuse alike, name the same fields
 * with the same messages (the panel shows the first per field), and clean an accepted draft the same way.
 */

const words = fc.oneof(
  fc.constantFrom('', ' ', '  \t', 'shoppers', ' mobile shoppers '),
  fc.string({ maxLength: 12 }),
  fc.integer({ min: 15, max: 25 }).map((n) => 'u'.repeat(n)),
  fc.integer({ min: 195, max: 205 }).map((n) => ` ${'p'.repeat(n)} `),
  fc.integer({ min: 995, max: 1005 }).map((n) => 'i'.repeat(n)),
  fc.integer({ min: 3995, max: 4005 }).map((n) => 'e'.repeat(n)),
  // Characters beyond the Basic Multilingual Plane (two UTF-16 units each, one code point): the limits count
  // them once, as zod does, so the lengths straddle each limit both in units and in code points.
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc
    .constantFrom(10, 15, 20, 25, 100, 150, 199, 200, 201, 500, 1000, 1001, 2000, 4000, 4001)
    .map((n) => '😀'.repeat(n)),
  fc.integer({ min: 95, max: 205 }).map((n) => ` ${'𝑥'.repeat(n)} `),
);
const numbers = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '0',
    '1',
    '1,5',
    '0.5',
    '-3',
    '52',
    '53',
    '3650',
    '3651',
    'abc',
    '1e400',
    '12%',
    '2e12',
    '-1000000000001',
    '1e12',
  ),
  fc.integer({ min: -5, max: 5 }).map(String),
  fc.double({ min: -100, max: 100, noNaN: true }).map(String),
);
const dates = fc.oneof(
  fc.constantFrom('', ' ', '2026-02-30', '2026-2-3', '2027-03-01', 'tomorrow', '2024-02-29', '2023-02-29'),
  fc
    .date({ min: new Date('1990-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10)),
);
const choice = (...values: string[]) => fc.oneof(fc.constantFrom(...values), fc.string({ maxLength: 6 }));

const ARBITRARY: Record<FieldName, fc.Arbitrary<string>> = {
  persona: words,
  intent: words,
  benefit: words,
  metric: words,
  baseline: numbers,
  target: numbers,
  unit: words,
  direction: choice('', 'increase', 'decrease', 'up'),
  checkBy: dates,
  outcomeId: choice('', 'mobile-1', 'Mobile', '-x', 'a'.repeat(64), 'a'.repeat(65)),
  deadline: dates,
  thresholdMetric: words,
  thresholdComparison: choice('atLeast', 'atMost', 'more'),
  thresholdValue: numbers,
  thresholdBy: dates,
  maxIdleDays: numbers,
  maxSprints: numbers,
  conditionText: words,
  reviewDate: dates,
  verdict: choice('', 'validated', 'invalidated', 'inconclusive', 'maybe'),
  evidence: words,
};
const formValues: fc.Arbitrary<FormValues> = fc.record(ARBITRARY);

/** Most drafts are half-filled: many fields blank, so valid drafts and single refusals are common too. */
const sparseValues = fc
  .tuple(formValues, fc.subarray([...FIELD_NAMES]))
  .map(([v, blank]) => ({ ...v, ...Object.fromEntries(blank.map((f) => [f, ''])) }));

function judgedByZod(raw: Record<string, unknown>) {
  const parsed = issueLensDraftSchema.safeParse(raw);
  return parsed.success
    ? { ok: true as const, draft: parsed.data }
    : {
        ok: false as const,
        issues: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
        fields: fieldErrors(parsed.error),
      };
}

function expectSameJudgement(raw: Record<string, unknown>): void {
  const zod = judgedByZod(raw);
  const mine = checkIssueLensDraft(raw);
  expect(mine.ok).toBe(zod.ok);
  if (zod.ok && mine.ok) expect(mine.draft).toEqual(zod.draft);
  if (!zod.ok && !mine.ok) {
    expect(draftFieldErrors(mine.issues)).toEqual(zod.fields);
    expect(mine.issues).toEqual(zod.issues);
  }
}

describe('the zod-free draft checker agrees with the resolver schema', () => {
  it('on every draft the panel inputs describe', () => {
    fc.assert(
      fc.property(fc.oneof(formValues, sparseValues), (v) => expectSameJudgement(rawDraft(v))),
      { numRuns: 3000 },
    );
  });

  it('on further expectations kept from a pasted story, up to and past the limit', () => {
    const expected = formValues.map((v) => rawDraft(v).expected);
    fc.assert(
      fc.property(sparseValues, fc.array(expected, { maxLength: 7 }), (v, more) =>
        expectSameJudgement({ ...rawDraft(v), alsoExpected: more }),
      ),
      { numRuns: 500 },
    );
  });

  it('on the cases each rule is about', () => {
    const base = rawDraft(Object.fromEntries(FIELD_NAMES.map((f) => [f, ''])) as FormValues);
    const cases: Record<string, unknown>[] = [
      base,
      { ...base, expected: { baseline: 2, target: 2 } },
      { ...base, expected: { baseline: 1, target: 2, direction: 'decrease' } },
      { ...base, expected: { baseline: 2, target: 2, direction: 'up' } },
      { ...base, expected: { checkBy: '2026-02-30' } },
      { ...base, killCriteria: { maxIdleDays: 0.5, maxSprintsCarried: 0 } },
      { ...base, result: { evidence: ' ' } },
      { ...base, hypothesis: { persona: '😀'.repeat(150) } },
      { ...base, hypothesis: { persona: '😀'.repeat(201) } },
      { ...base, expected: { unit: '𝑥'.repeat(20) } },
      { ...base, result: { verdict: 'validated', evidence: '😀'.repeat(4000) } },
    ];
    for (const raw of cases) expectSameJudgement(raw);
    expect(checkIssueLensDraft({ ...base, hypothesis: { persona: '😀'.repeat(150) } }).ok).toBe(true);
    expect(checkIssueLensDraft(cases[2]!)).toEqual({
      ok: false,
      issues: [
        { path: 'expected.direction', message: 'Direction "decrease" contradicts baseline 1 and target 2.' },
      ],
    });
  });
});
