import { csvCell, toCsv } from '../../static/outcome-map/src/csv';

describe('CSV cells', () => {
  it.each([
    ['=1+1', `"'=1+1"`],
    ['+1', `"'+1"`],
    ['-cmd', `"'-cmd"`],
    ['@SUM(A1)', `"'@SUM(A1)"`],
    ['\t=1+1', `"'\t=1+1"`],
    ['\r=1+1', `"'\r=1+1"`],
    ['  =HYPERLINK("x")', `"'  =HYPERLINK(""x"")"`],
    ['\u0000@x', `"'\u0000@x"`],
    ['\tplain', `"'\tplain"`],
  ])('guards the formula-like text %p', (text, expected) => {
    expect(csvCell(text)).toBe(expected);
  });

  it.each([
    ['Ada Lovelace', '"Ada Lovelace"'],
    ['say "hi"', '"say ""hi"""'],
    ['a - b', '"a - b"'],
    ['', '""'],
  ])('quotes ordinary text %p without a guard', (text, expected) => {
    expect(csvCell(text)).toBe(expected);
  });

  it('writes numbers as numbers, negatives and fractions included', () => {
    expect([-1, 0, 2.5, -0.005].map(csvCell)).toEqual(['-1', '0', '2.5', '-0.005']);
    expect([Number.NaN, Number.POSITIVE_INFINITY].map(csvCell)).toEqual(['', '']);
    expect(toCsv(['change'], [[-3]])).toBe('"change"\r\n-3\r\n');
  });
});
