/**
 * A pattern grouped by its alternatives' first letters must find exactly the matches the pattern finds, groups
 * included: compared on hand-made patterns with the shapes the grouping opens up (optional and nested leading
 * groups, \b, classes, quantified first letters, look-arounds), on random text, and on the detector's two largest
 * patterns over every labelled text and story line.
 */
import fc from 'fast-check';
import { loadTrainingSet } from '../../scripts/recipe-model/data';
import { indexByFirstLetters } from '../../src/domain/first-letter-index';
import { recipeText } from '../../src/domain/recipe-detector';
import { UI_PATTERN, withNumberedGroups } from '../../src/domain/recipe-signals';
import { storyLines } from '../support/stories';

/** Every match, with its groups, as a global scan of the pattern finds them. */
function byScan(pattern: RegExp, text: string): string[] {
  const re = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
  const found: string[] = [];
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    found.push(JSON.stringify([m.index, ...m]));
    if (m[0].length === 0) re.lastIndex++;
  }
  return found;
}

function byIndex(pattern: RegExp, text: string): string[] {
  const indexed = indexByFirstLetters(pattern);
  const found: string[] = [];
  for (let m = indexed.next(text, 0); m !== null; m = indexed.next(text, m.index + Math.max(1, m[0].length)))
    found.push(JSON.stringify([m.index, ...m]));
  return found;
}

const SHAPES: RegExp[] = [
  /\b(?:so\s+that\b|since\b|(?<user>users?|customers?)\s+(?:can|could)\b|(?:the\s+)?reasons?\b|s?low\b)/gi,
  /\b(?:(?:(?:light|dark)[ -])?(?:red|blue)\b(?!-?box)|rgba?\([^)]{0,9}\)|(?:at|on)\s+the\s+(?:top|left))|(?<hex>#[0-9a-f]{3}\b)/gi,
  /\b(?:a(?:b|c)+d|(?:ab)*c|x{2}y|[qr]z|(?=w)wv|Case|case\b|(?:ab)??d)/g,
  /(?:^|[.!?]\s+)(?:please\s+)?(add|remove)\b|\d+\s?%/gi,
  // A class of any character ("[^]"), then a group.
  /\b(?:a[^](?:b|c)d|[xy]z|(?:ab)+e)/gi,
  // A first item too long to copy, and an empty alternative that matches everywhere.
  /\b(?:[abcdefghijklmnopqrstuvwxyz]{2}(?:ase|ox)\b|(add|slow))|(?:x|)/gi,
];
const WORDS = [
  'so',
  'that',
  'since',
  'users',
  'user',
  'customers',
  'can',
  'could',
  'the',
  'reasons',
  'reason',
  'slow',
  'low',
  'light',
  'dark',
  'red',
  'blue',
  'box',
  'rgb(1,2)',
  'at',
  'on',
  'top',
  'left',
  '#abc',
  '#abcd',
  'abcd',
  'accd',
  'ababc',
  'abd',
  'xxy',
  'qz',
  'wv',
  'Case',
  'case',
  'CASE',
  'please',
  'add',
  'remove',
  '12%',
  '.',
  '!',
  '-',
  '\n',
];

describe('a pattern grouped by the first letters of its alternatives', () => {
  it('looks for the first items of the alternatives, as a tree, opening the groups on the way', () => {
    const {
      finders: [finder],
    } = indexByFirstLetters(/\b(?:so\s+that\b|since\b|(?:the\s+)?reasons?\b)/gi);
    expect(finder!.source).toBe('\\b(?:s(?:o\\s+tha|ince\\b)|the\\s+re|reason)');
    expect(finder!.flags).toBe('gi');
    // "t(?:akes?|ook)": one group of few alternatives is opened; a long class ends the start before it.
    expect(
      indexByFirstLetters(/\b(?:T(?:akes?|ook)\s+\d|[abcdefghijklmnopqrstuvwxyz]+x)/gi).finders.map(
        (f) => f.source,
      ),
    ).toEqual(['\\b(?:t(?:akes?\\s+|ook\\s+\\d)|[abcdefghijklmnopqrstuvwxyz]+x)']);
  });

  it.each(SHAPES.map((p) => [p.source, p]))('finds what %s finds, groups included', (_source, pattern) => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...WORDS), { maxLength: 30 }), fc.boolean(), (words, glued) => {
        const text = words.join(glued ? '' : ' ');
        expect(byIndex(pattern, text)).toEqual(byScan(pattern, text));
      }),
      { numRuns: 2000, seed: 7 },
    );
  });

  it('refuses a pattern with back-references, which grouping would break', () => {
    expect(() => indexByFirstLetters(/\b(?:(a)\1|b)/g)).toThrow(/back-references/);
  });

  it("finds what the detector's UI pattern finds in every labelled text and story line", () => {
    const { pattern } = withNumberedGroups(UI_PATTERN);
    const texts = [
      ...loadTrainingSet().examples.flatMap((e) => {
        const { summary, description } = recipeText(e);
        return [summary, description];
      }),
      ...storyLines(),
    ];
    let matches = 0;
    for (const text of texts) {
      const expected = byScan(pattern, text);
      expect(byIndex(pattern, text)).toEqual(expected);
      matches += expected.length;
    }
    expect(matches).toBeGreaterThan(1000);
  });
});
