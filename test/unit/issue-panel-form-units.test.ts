/** A baseline or target typed with its unit ("40%", "800 ms", "$40"), as people type them into the panel. */
import { checkValues, valuesOf, withUnitMoved } from '../../static/issue-panel/src/form';
import type { DecimalMark } from '../../src/domain/amounts';
import { aBetDraft } from '../support/builders';

const values = valuesOf(aBetDraft());
const check = (typed: Partial<typeof values>, mark: DecimalMark = '.') =>
  checkValues({ ...values, ...typed }, undefined, undefined, mark);

describe('a number typed with its unit', () => {
  it('takes "40%" and "30 %" with Unit empty, and saves % as the unit', () => {
    const checked = check({ baseline: '40%', target: '30 %', unit: '' });
    expect(checked).toMatchObject({ ok: true, draft: { expected: { baseline: 40, target: 30, unit: '%' } } });
  });

  it('takes the Unit field’s own unit, after the number or, a currency, before it', () => {
    expect(check({ baseline: '800 ms', target: '600ms', unit: 'ms' })).toMatchObject({
      ok: true,
      draft: { expected: { baseline: 800, target: 600, unit: 'ms' } },
    });
    expect(check({ baseline: '$40', target: '$30', unit: '$' })).toMatchObject({
      ok: true,
      draft: { expected: { baseline: 40, target: 30, unit: '$' } },
    });
  });

  it('says plainly where a unit goes when it is not the Unit field’s', () => {
    expect(check({ baseline: '800 ms', unit: '' })).toMatchObject({
      ok: false,
      errors: { baseline: 'Type 800 here and ms in Unit.' },
    });
    expect(check({ target: '30%', unit: 'ms' })).toMatchObject({
      ok: false,
      errors: { target: 'Type 30 here and % in Unit.' },
    });
    // Text that is no number at all is still called that.
    expect(check({ baseline: 'forty' })).toMatchObject({
      ok: false,
      errors: { baseline: 'Baseline must be a number.' },
    });
  });

  it('reads the number with the person’s decimal mark (de-DE)', () => {
    expect(check({ baseline: '1.234,5%', target: '12,5 %', unit: '' }, ',')).toMatchObject({
      ok: true,
      draft: { expected: { baseline: 1234.5, target: 12.5, unit: '%' } },
    });
    expect(check({ baseline: '12,5 ms', unit: '' }, ',')).toMatchObject({
      ok: false,
      errors: { baseline: 'Type 12,5 here and ms in Unit.' },
    });
  });

  it('moves the unit to Unit when the field is left, keeping the number as typed', () => {
    const typed = { ...values, baseline: '12,5 %', unit: '' };
    expect(withUnitMoved(typed, 'baseline', ',')).toEqual({ ...typed, baseline: '12,5', unit: '%' });
    const ms = { ...values, target: '600 ms', unit: 'ms' };
    expect(withUnitMoved(ms, 'target')).toEqual({ ...ms, target: '600' });
    // A unit that is not the Unit's stays where it was typed, for the field's message.
    const other = { ...values, target: '30%', unit: 'ms' };
    expect(withUnitMoved(other, 'target')).toBe(other);
  });
});
