import { isPlaceholder, saysSomething, storySaysSomething } from '../../src/domain/says-something';

describe('saysSomething', () => {
  it.each(['abc', 'def', 'xyz', 'asdf', 'qwe', 'xyz xyz', 'hello, hello', 'Abc def'])(
    'takes "%s" for filler',
    (part) => {
      expect(isPlaceholder(part)).toBe(true);
      expect(saysSomething(part)).toBe(false);
    },
  );

  it.each(['pay', 'log in', 'buy', 'abc analytics dashboard', 'defer payment', 'xyz corp invoices'])(
    'keeps the real words "%s"',
    (part) => expect(saysSomething(part)).toBe(true),
  );

  it("says a story of only the form's words says nothing, and one with a word of its own says something", () => {
    expect(storySaysSomething('')).toBe(false);
    expect(storySaysSomething('As a , I want , so that .')).toBe(false);
    expect(storySaysSomething('As a abc, I want to def, so that xyz.')).toBe(false);
    expect(storySaysSomething('As a user, I want to log in.')).toBe(true);
  });
});
