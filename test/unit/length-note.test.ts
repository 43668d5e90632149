import { lengthNote } from '../../static/shared/length-note';

describe('the length of a text near its limit', () => {
  it('says nothing below 80 % of the limit, counted trimmed', () => {
    expect(lengthNote('x'.repeat(799), 1000)).toBeNull();
    expect(lengthNote(`  ${'x'.repeat(799)}   `, 1000)).toBeNull();
  });

  it('counts from 80 % on, and says how many too many past the limit', () => {
    expect(lengthNote('x'.repeat(800), 1000)).toEqual({ text: '800 / 1000', over: false });
    expect(lengthNote('x'.repeat(1000), 1000)).toEqual({ text: '1000 / 1000', over: false });
    expect(lengthNote('x'.repeat(1012), 1000)).toEqual({ text: '1012 / 1000: 12 too many', over: true });
  });

  it('counts characters as the save does: 900 emoji are 900, not 1800 UTF-16 units', () => {
    expect(lengthNote('😀'.repeat(900), 1000)).toEqual({ text: '900 / 1000', over: false });
  });
});
