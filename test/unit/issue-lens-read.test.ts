import {
  keepingUnread,
  readLens,
  resultChanged,
  resultSetter,
  resultStamp,
  resultStampOf,
  withDerivedIndexes,
} from '../../src/domain/issue-lens';

/**
 * A lens as stored is read part by part and without the save's limits: whatever another tool, a hand edit or an
 * older version of the app wrote comes back as it is, so neither a panel save nor a scan's write stores a loss.
 */
describe('reading a stored lens', () => {
  it('keeps kill criteria and a result outside what a save accepts today', () => {
    const condition = { text: 'c'.repeat(5000), reviewDate: '2027-01-01' };
    const metricThreshold = { metric: 'm'.repeat(300), comparison: 'atLeast', value: 5e12, by: '2027-02-01' };
    const result = { verdict: 'validated', evidence: 'e'.repeat(5000), measuredValue: 2e12 };
    const lens = readLens({
      version: 4,
      killCriteria: { deadline: '2027-03-01', maxIdleDays: 0, metricThreshold, condition },
      result,
    });
    expect(lens.killCriteria).toEqual({ deadline: '2027-03-01', metricThreshold, condition });
    expect(lens.result).toEqual(result);
  });

  it('drops only the part that cannot be read at all, and keeps its siblings', () => {
    const lens = readLens({
      version: '7',
      hypothesis: { persona: 42, intent: 'bookmark items', benefit: 'I finish later' },
      expected: { metric: 'drop-off', baseline: 'forty', target: 30, checkBy: '2027-02-30' },
      killCriteria: { condition: { text: '  ', reviewDate: '2027-01-01' }, maxSprintsCarried: 2 },
      result: { verdict: 'maybe', evidence: 'x' },
    });
    expect(lens.version).toBe(7);
    expect(lens.hypothesis).toEqual({ intent: 'bookmark items', benefit: 'I finish later' });
    expect(lens.expected).toEqual({ metric: 'drop-off', target: 30 });
    expect(lens.killCriteria).toEqual({ maxSprintsCarried: 2 });
    expect(lens.result).toBeNull();
  });
});

describe('reading what a hand or another tool wrote', () => {
  it('reads numbers written as text as those numbers, and nothing else that is text', () => {
    const lens = readLens({
      expected: { metric: 'cart drop-off', baseline: '40', target: ' -2.5 ', direction: 'decrease' },
      killCriteria: { maxIdleDays: '30', maxSprintsCarried: '3' },
      result: { verdict: 'validated', evidence: 'Seen in the funnel', measuredValue: '12' },
    });
    expect(lens.expected).toMatchObject({ baseline: 40, target: -2.5 });
    expect(lens.killCriteria).toEqual({ maxIdleDays: 30, maxSprintsCarried: 3 });
    expect(lens.result?.measuredValue).toBe(12);
    expect(readLens({ expected: { baseline: '40%', target: '1e3', unit: '%' } }).expected).toEqual({
      unit: '%',
    });
  });

  it('keeps a flag whose rule misses its words, so the label and comment already made are not made again', () => {
    const lens = readLens({
      zombie: 'true',
      flag: {
        flaggedAt: '2026-08-01T10:00:00.000Z',
        rules: [
          { rule: 'idle', since: '2026-08-01', detail: 'Idle 90 days' },
          { detail: 'no rule named' },
          7,
        ],
        labelApplied: true,
        commented: 'true',
      },
    });
    expect(lens.flag).toEqual({
      flaggedAt: '2026-08-01T10:00:00.000Z',
      rules: [{ rule: 'idle', since: '2026-08-01', detail: 'Idle 90 days', clearBy: '' }],
      labelApplied: true,
      commented: true,
    });
  });
});

describe('reading a flag’s rules', () => {
  const missed = {
    rule: 'killMetric',
    since: '2027-01-31',
    detail: 'cart drop-off rate was 35.2 on 2027-01-31, short of cart drop-off rate at most 34.',
    clearBy: 'Record a measurement that reaches cart drop-off rate at most 34, or decide in kill review.',
  };
  const figures = {
    threshold: { metric: 'cart drop-off rate', comparison: 'atMost', value: 34, by: '2027-01-31' },
    measured: 35.2,
  };
  const rulesRead = (rule: unknown) =>
    readLens({ zombie: 'true', flag: { flaggedAt: '2027-02-01T02:00:00.000Z', rules: [rule] } }).flag?.rules;

  it('keeps a missed threshold’s figures through storage, and reads a rule stored before them', () => {
    const stored = rulesRead({ ...missed, figures });
    expect(stored).toEqual([{ ...missed, figures }]);
    expect(rulesRead(JSON.parse(JSON.stringify(stored![0])))).toEqual([{ ...missed, figures }]);
    expect(rulesRead(missed)).toEqual([missed]);
    expect(rulesRead(missed)![0]!.figures).toBeUndefined();
  });

  it('leaves out figures it cannot read and keeps the rule with its words', () => {
    for (const unreadable of [
      { ...figures, measured: '35.2' },
      { ...figures, threshold: { ...figures.threshold, comparison: 'about' } },
      { measured: 35.2 },
      'cart drop-off rate 35.2',
    ]) {
      const read = rulesRead({ ...missed, figures: unreadable });
      expect(read).toEqual([missed]);
      expect(read![0]!.figures).toBeUndefined();
    }
  });
});

describe('reading the shapes other tools write dates, words and flags in', () => {
  it('reads a day written with its time as that day, a verdict in capitals, a comparison as a sign', () => {
    const lens = readLens({
      expected: { metric: 'cart drop-off', checkBy: '2027-03-01T00:00:00.000Z' },
      killCriteria: {
        deadline: '2027-02-01 09:30',
        metricThreshold: { metric: 'sign-ups', comparison: '>=', value: 10, by: '2027-04-01T23:00:00-05:00' },
        condition: { text: 'Legal says no', reviewDate: '2027-05-02T10:00:00Z' },
      },
      result: { verdict: ' Validated ', evidence: 'Drop-off fell to 28%.' },
      outcomeId: 'CHECKOUT-FLOW',
      zombie: true,
      recipe: 'False',
    });
    expect(lens.expected.checkBy).toBe('2027-03-01');
    expect(lens.killCriteria).toEqual({
      deadline: '2027-02-01',
      metricThreshold: { metric: 'sign-ups', comparison: 'atLeast', value: 10, by: '2027-04-01' },
      condition: { text: 'Legal says no', reviewDate: '2027-05-02' },
    });
    expect(lens.result?.verdict).toBe('validated');
    expect(lens.outcomeId).toBe('checkout-flow');
    expect([lens.zombie, lens.recipe]).toEqual(['true', 'false']);
    expect(
      readLens({
        killCriteria: { metricThreshold: { metric: 'm', comparison: 'at most', value: 1, by: '2027-01-01' } },
      }).killCriteria.metricThreshold?.comparison,
    ).toBe('atMost');
  });
});

describe('writing over a lens with parts the app could not read', () => {
  const stored = {
    version: 3,
    hypothesis: { persona: 'shopper', intent: 'save my cart', benefit: 'I finish later' },
    expected: {
      metric: 'cart drop-off',
      baseline: 40,
      target: 30,
      checkBy: 'next spring',
      source: 'finance',
    },
    killCriteria: { maxIdleDays: 30, condition: { text: 'Legal blocks it', reviewDate: 'soon' } },
    result: { verdict: 'mostly-worked', evidence: 'Drop-off fell to 31%.' },
    zombie: 'maybe',
  };

  it('writes back as stored what it could not read and this write leaves alone, a whole part or one field', () => {
    const read = readLens(stored);
    const next = keepingUnread(stored, { ...read, version: 4, score: 55, zombie: 'false' });
    expect(next.result).toEqual(stored.result);
    expect(next.expected).toEqual({ ...read.expected, checkBy: 'next spring', source: 'finance' });
    expect(next.killCriteria).toEqual({ maxIdleDays: 30, condition: stored.killCriteria.condition });
    expect(next.hypothesis).toEqual(stored.hypothesis);
    // The app's own fields are the write's.
    expect([next.version, next.score, next.zombie]).toEqual([4, 55, 'false']);
  });

  it('lets a write that changes a part change it, and one that clears a readable part clear it', () => {
    const read = readLens({ ...stored, result: { verdict: 'validated', evidence: 'Fell to 28%.' } });
    const next = keepingUnread(stored, {
      ...read,
      expected: { ...read.expected, target: 25 },
      result: null,
    });
    expect(next.expected).toEqual({ metric: 'cart drop-off', baseline: 40, target: 25 });
    // What was stored could not be read, and the write left it as read (none): kept.
    expect(next.result).toEqual(stored.result);
    const readable = { ...stored, result: { verdict: 'validated', evidence: 'Fell to 28%.' } };
    expect(keepingUnread(readable, { ...readLens(readable), result: null }).result).toBeNull();
  });

  it('takes nothing from a stored value that is no lens at all', () => {
    const next = { ...readLens({}), version: 1 };
    for (const odd of [null, 'text', [1, 2], 7]) expect(keepingUnread(odd, next)).toEqual(next);
  });
});

describe('the indexed values a write derives', () => {
  it('recomputes hasHypothesis and killDate from the writing, whatever was stored', () => {
    const lens = readLens({
      hypothesis: { persona: 'shopper', intent: 'save my cart', benefit: 'I finish later' },
      killCriteria: { deadline: '2027-06-01', condition: { text: 'x', reviewDate: '2027-03-01' } },
      hasHypothesis: 'false',
    });
    expect(withDerivedIndexes(lens)).toMatchObject({ hasHypothesis: 'true', killDate: '2027-03-01' });
    expect(withDerivedIndexes(readLens({ hasHypothesis: 'true' }))).toMatchObject({
      hasHypothesis: 'false',
      killDate: null,
    });
  });
});

describe('who set the result', () => {
  const member = { accountId: 'member', at: '2027-01-02T10:00:00.000Z' };
  const admin = { accountId: 'admin', at: '2027-01-05T10:00:00.000Z' };
  const validated = { verdict: 'validated' as const, evidence: 'Abandonment fell to 31%.' };

  it('is the writer who sets or changes it, and stays with it through a save of other fields', () => {
    const set = resultStamp(readLens({}), validated, member);
    expect(set).toEqual({ resultBy: 'member', resultAt: member.at });
    const lens = readLens({ result: validated, ...set, updatedBy: 'member', updatedAt: member.at });
    expect(resultStamp(lens, validated, admin)).toEqual(set);
    expect(resultStamp(lens, { ...validated, evidence: 'It fell to 30%.' }, admin)).toEqual({
      resultBy: 'admin',
      resultAt: admin.at,
    });
    expect(resultStamp(lens, null, admin)).toEqual({ resultBy: null, resultAt: null });
  });

  it('of a lens stored before the stamp was kept is unknown, at its last save', () => {
    const older = readLens({ result: validated, updatedBy: 'member', updatedAt: member.at });
    expect(resultSetter(older, undefined)).toEqual({ by: null, at: member.at });
    expect(resultStamp(older, validated, admin)).toEqual({ resultBy: 'member', resultAt: member.at });
    // A stamp in the lens that is no string (another tool's) is read as none.
    expect(
      resultSetter(readLens({ result: validated, resultAt: 5, updatedBy: 'x', updatedAt: admin.at }), null),
    ).toEqual({
      by: null,
      at: admin.at,
    });
  });

  it('is named only by the app’s stamp of the very result the lens holds, never by the lens itself', () => {
    const stamp = resultStampOf(validated, member);
    expect(stamp).toEqual({ by: 'member', at: member.at, ...validated });
    const lens = readLens({ result: validated, resultBy: 'member', resultAt: member.at });
    expect(resultSetter(lens, stamp)).toEqual({ by: 'member', at: member.at });
    // Written by hand through Jira's REST API, naming the admin: the lens's word names no one.
    const forged = readLens({ result: validated, resultBy: 'admin', resultAt: admin.at });
    expect(resultSetter(forged, undefined)).toEqual({ by: null, at: admin.at });
    // A stamp of another result (its lens write failed, or the result was changed outside the app) names no one.
    const changed = readLens({
      result: { ...validated, evidence: 'It fell to 20%.' },
      resultBy: 'member',
      resultAt: admin.at,
    });
    expect(resultSetter(changed, stamp)).toEqual({ by: null, at: admin.at });
    expect(resultSetter(readLens({ result: { ...validated, verdict: 'invalidated' } }), stamp).by).toBeNull();
    expect(resultSetter(readLens({ result: { ...validated, measuredValue: 31 } }), stamp).by).toBeNull();
    expect(resultSetter(readLens({}), stamp).by).toBeNull();
    expect(resultChanged(lens.result, validated)).toBe(false);
    expect(resultChanged(lens.result, { ...validated, measuredValue: 31 })).toBe(true);
    expect(resultChanged(lens.result, null)).toBe(true);
  });
});
