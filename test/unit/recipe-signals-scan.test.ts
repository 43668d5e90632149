/**
 * The problem phrases are found in two scans (the phrases, then words that name an exception or error, found
 * from their ending) because one pattern with both was slow. Together they must find exactly what the one
 * pattern finds: compared on every labelled text, every story line the bench reads, and random text made of the
 * pattern's own words, exception words, punctuation and numbers. The scans' patterns run without their group names
 * (withNumberedGroups), which must number the groups as the named patterns do.
 */
import fc from 'fast-check';
import { loadTrainingSet } from '../../scripts/recipe-model/data';
import { recipeText } from '../../src/domain/recipe-detector';
import {
  eachProblemMatch,
  PROBLEM_PATTERN_IN_ONE,
  problemGroupsOf,
  UI_PATTERN,
  withNumberedGroups,
} from '../../src/domain/recipe-signals';
import { storyLines } from '../support/stories';

const groupOf = (m: RegExpExecArray) =>
  Object.keys(m.groups ?? {}).filter((k) => k !== 'persona' && m.groups?.[k] !== undefined);
/** The scan's patterns have numbered groups: their names come from problemGroupsOf. */
const scanGroupOf = (m: RegExpExecArray) => problemGroupsOf(m).filter((k) => k !== 'persona');

function inTwoScans(text: string): string[] {
  const found: string[] = [];
  eachProblemMatch(
    text,
    found,
    (m, _text, out) => out.push(`${m.index}:${m[0]}:${scanGroupOf(m).join()}`),
    (start, end, t, out) => out.push(`${start}:${t.slice(start, end)}:defect`),
  );
  return found;
}

function inOnePattern(text: string): string[] {
  const pattern = new RegExp(PROBLEM_PATTERN_IN_ONE.source, 'gi');
  const found: string[] = [];
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    found.push(`${m.index}:${m[0]}:${groupOf(m).join()}`);
    if (m[0].length === 0) pattern.lastIndex += 1;
  }
  return found;
}

/** Every labelled text and every story line the bench reads. */
function corpusTexts(): string[] {
  return [
    ...loadTrainingSet().examples.flatMap((e) => {
      const { summary, description } = recipeText(e);
      return [summary, description, e.description];
    }),
    ...storyLines(),
  ];
}

describe('a pattern with its group names taken out', () => {
  it('numbers the named groups as the pattern does, past classes, escapes and look-behinds', () => {
    const { pattern, group } = withNumberedGroups(
      /(?<=x)(a)[(\]](?<first>b(?<inner>c))\((?:d)(?<!y)(?<last>e)/g,
    );
    expect(pattern.source).toBe('(?<=x)(a)[(\\]](b(c))\\((?:d)(?<!y)(e)');
    expect(pattern.flags).toBe('g');
    expect(group).toEqual({ first: 2, inner: 3, last: 4 });
    const m = pattern.exec('xa(bc(de')!;
    expect([m[group.first!], m[group.inner!], m[group.last!]]).toEqual(['bc', 'c', 'e']);
  });

  it('finds the same groups as the named UI and problem patterns in every labelled text', () => {
    let compared = 0;
    for (const named of [UI_PATTERN, PROBLEM_PATTERN_IN_ONE]) {
      const { pattern, group } = withNumberedGroups(named);
      for (const text of corpusTexts()) {
        named.lastIndex = 0;
        pattern.lastIndex = 0;
        for (let m = named.exec(text); m !== null; m = named.exec(text)) {
          const n = pattern.exec(text)!;
          expect([n.index, n[0]]).toEqual([m.index, m[0]]);
          for (const [name, index] of Object.entries(group)) expect(n[index]).toBe(m.groups![name]);
          compared++;
        }
        expect(pattern.exec(text)).toBeNull();
      }
    }
    expect(compared).toBeGreaterThan(5000);
  });
});

describe('the problem phrase scan', () => {
  it('finds what the one pattern finds in every labelled item and story line', () => {
    const texts = corpusTexts();
    let matches = 0;
    let exceptionWords = 0;
    for (const text of texts) {
      const expected = inOnePattern(text);
      expect(inTwoScans(text)).toEqual(expected);
      matches += expected.length;
      exceptionWords += expected.filter((m) => /(?:exception|error):defect$/i.test(m)).length;
    }
    expect(matches).toBeGreaterThan(5000);
    expect(exceptionWords).toBeGreaterThan(50);
  });

  it('finds what the one pattern finds in random text of its own words', () => {
    const ownWords = [...new Set(PROBLEM_PATTERN_IN_ONE.source.match(/[a-z]{2,}/gi) ?? [])];
    const piece = fc.oneof(
      fc.constantFrom(...ownWords),
      fc.constantFrom(...ownWords).map((w) => w.toUpperCase()),
      fc.constantFrom(' ', '  ', '-', ', ', '. ', "'", "'t", '\n', '_', '(', ')', '%', '/', 'x'.repeat(58)),
      fc.integer({ min: 0, max: 2000 }).map(String),
      fc.constantFrom('NullPointerException', 'IOError', 'Error', 'exception', 'errorError', 'crashes'),
      fc.string({ maxLength: 4 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const text = pieces.join(pieces.length % 3 === 0 ? '' : ' ');
        expect(inTwoScans(text)).toEqual(inOnePattern(text));
      }),
      { numRuns: 4000, seed: 12 },
    );
  });
});
