/**
 * A faster way to find where a large pattern of word alternatives matches.
 *
 * A pattern like `\b(?:so\s+that\b|since\b|users?\s+can\b|…)` is tried at every word start, and V8 tries each of its
 * hundred alternatives there in turn. The same alternatives, grouped into a tree by their first letters
 * (`\b(?:s(?:o\s+that\b|ince\b)|u(?:sers?\s+can\b)|…)`), cost one test per letter instead. Grouping changes which
 * alternative wins where several match, and drops the pattern's groups, so the grouped pattern only says *where*
 * the next match starts; the original pattern, run at that place alone, gives the match with its groups.
 *
 * A match starts at a place exactly when some alternative matches there, whatever their order, so both find the
 * same places. Alternatives the grouping cannot take apart (a leading class, a repeated group) are kept whole.
 */

/** A pattern and its grouped finder: `next` returns the pattern's first match at or after `from`. */
export interface IndexedPattern {
  /** The original pattern, sticky: run at one place. */
  readonly at: RegExp;
  /** The grouped pattern: finds where the next match starts. */
  readonly finder: RegExp;
  next(text: string, from: number): RegExpExecArray | null;
}

/** How many letters deep the tree of alternatives goes. */
const DEPTH = 3;

export function indexByFirstLetters(pattern: RegExp): IndexedPattern {
  if (/\\[1-9]|\\k</.test(pattern.source))
    throw new Error('A pattern with back-references cannot be grouped by first letters.');
  const ignoreCase = pattern.flags.includes('i');
  const plain = withoutCapturingGroups(pattern.source);
  const expanded = splitAlternatives(plain).flatMap((alternative) => expand(alternative, 0));
  const finder = new RegExp(groupedSource(expanded, ignoreCase), `g${ignoreCase ? 'i' : ''}`);
  const flags = pattern.flags.replace(/[gy]/g, '');
  const at = new RegExp(pattern.source, `${flags}y`);
  return {
    at,
    finder,
    next(text: string, from: number): RegExpExecArray | null {
      for (let start = from; start <= text.length;) {
        finder.lastIndex = start;
        const place = finder.exec(text);
        if (place === null) return null;
        at.lastIndex = place.index;
        const match = at.exec(text);
        if (match !== null) return match;
        // Never reached when both patterns match at the same places; kept so a difference only costs time.
        start = place.index + 1;
      }
      return null;
    },
  };
}

/** One alternative, read as: does it start at a word boundary, and the rest of its text. */
interface Alternative {
  boundary: boolean;
  text: string;
}

/** The pattern's source with every group non-capturing: the finder needs no groups, and groups cost per match. */
function withoutCapturingGroups(source: string): string {
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      out += source.slice(i, i + 2);
      i++;
    } else if (c === '[') {
      const end = classEnd(source, i);
      out += source.slice(i, end);
      i = end - 1;
    } else if (c === '(' && source[i + 1] !== '?') out += '(?:';
    else if (c === '(' && source[i + 2] === '<' && source[i + 3] !== '=' && source[i + 3] !== '!') {
      out += '(?:';
      i = source.indexOf('>', i);
    } else out += c;
  }
  return out;
}

/** Where the class starting at `start` ("[") ends: just after its first unescaped "]" past the first character. */
function classEnd(source: string, start: number): number {
  let j = start + 1;
  if (source[j] === '^') j++;
  if (source[j] === ']') j++;
  while (j < source.length && source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
  return j + 1;
}

/** Where the group opening at `start` ("(") ends: just after its ")". */
function groupEnd(source: string, start: number): number {
  let depth = 0;
  for (let i = start; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (c === '[') i = classEnd(source, i) - 1;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i + 1;
  }
  throw new Error(`Unbalanced group in ${source}`);
}

/** The top-level alternatives of a source: split at each "|" outside groups and classes. */
function splitAlternatives(source: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (c === '[') i = classEnd(source, i) - 1;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      parts.push(source.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(source.slice(from));
  return parts;
}

const QUANTIFIER = /^(?:[*+?]|\{\d*,?\d*\})/;

/**
 * An alternative as alternatives that each start with what they match first: a leading group is opened
 * ("(?:a|b)c" is "ac|bc"; "(?:a)?c" is "ac|c"), a leading \b is noted. A leading group repeated more than once or
 * a look-around is kept whole.
 */
function expand(text: string, boundaries: number): Alternative[] {
  if (text.startsWith('\\b')) return expand(text.slice(2), boundaries + 1);
  const boundary = boundaries > 0;
  if (!text.startsWith('(?:')) return [{ boundary, text }];
  const end = groupEnd(text, 0);
  const inner = text.slice(3, end - 1);
  const quantifier = QUANTIFIER.exec(text.slice(end))?.[0] ?? '';
  const rest = text.slice(end + quantifier.length);
  if (quantifier === '') return splitAlternatives(inner).flatMap((part) => expand(part + rest, boundaries));
  if (quantifier === '?')
    return [
      ...splitAlternatives(inner).flatMap((part) => expand(part + rest, boundaries)),
      ...expand(rest, boundaries),
    ];
  return [{ boundary, text }];
}

/** The letter an alternative must start with, lower-cased when case is ignored, or null. */
function firstLetter(text: string, ignoreCase: boolean): string | null {
  const c = text[0];
  if (c === undefined || !/[a-z0-9]/i.test(c)) return null;
  // A quantifier makes the first letter optional or repeatable: the alternative is kept whole.
  if (QUANTIFIER.test(text.slice(1))) return null;
  return ignoreCase ? c.toLowerCase() : c;
}

function groupedSource(alternatives: readonly Alternative[], ignoreCase: boolean): string {
  const atBoundary = alternatives.filter((a) => a.boundary).map((a) => a.text);
  const elsewhere = alternatives.filter((a) => !a.boundary).map((a) => a.text);
  const parts: string[] = [];
  if (atBoundary.length > 0) parts.push(`\\b(?:${tree(atBoundary, ignoreCase, DEPTH)})`);
  if (elsewhere.length > 0) parts.push(tree(elsewhere, ignoreCase, DEPTH));
  return parts.join('|');
}

/** Alternatives as a tree of their first `depth` letters: "s(?:o(?:…)|ince…)|u(?:…)", the rest kept whole. */
function tree(alternatives: readonly string[], ignoreCase: boolean, depth: number): string {
  if (depth === 0 || alternatives.length < 2) return unique(alternatives).join('|');
  const byLetter = new Map<string, string[]>();
  const whole: string[] = [];
  for (const alternative of alternatives) {
    const letter = firstLetter(alternative, ignoreCase);
    if (letter === null) whole.push(alternative);
    else {
      const rests = byLetter.get(letter) ?? [];
      rests.push(alternative.slice(1));
      byLetter.set(letter, rests);
    }
  }
  const branches: string[] = [];
  for (const [letter, rests] of byLetter) {
    branches.push(
      rests.length === 1 ? letter + rests[0]! : `${letter}(?:${tree(rests, ignoreCase, depth - 1)})`,
    );
  }
  return [...branches, ...unique(whole)].join('|');
}

function unique(texts: readonly string[]): string[] {
  return [...new Set(texts)];
}
