/**
 * A faster way to find where a large pattern of word alternatives matches.
 *
 * A pattern like `\b(?:so\s+that\b|since\b|users?\s+can\b|…)` is tried at every word start, and V8 tries each of its
 * hundred alternatives there in turn. A finder made of the alternatives' first few items, grouped into a tree by
 * their first letters (`\b(?:s(?:o\s+tha|ince\b)|users?\s+ca…)`), costs one test per letter instead, and stays
 * small enough to compile quickly. Wherever an alternative matches, its start matches too, so the finder misses no
 * place; it may stop at a place that only starts like one ("so that" in "so thank you"). The original pattern, run
 * at each such place alone, decides, and gives the match with its groups in the pattern's own order.
 */
import { classEnd, groupEnd, rewriteCapturingGroups, splitAlternatives } from './pattern-source';

/** A pattern and its grouped finders: `next` returns the pattern's first match at or after `from`. */
export interface IndexedPattern {
  /** The original pattern, sticky: run at one place. */
  readonly at: RegExp;
  /**
   * The grouped pattern: finds where the next match starts. The alternatives that start at a word boundary and the
   * others ("#fff") have a finder each, the boundary's first: in one pattern, the others would make the whole scan
   * test every place, not only the starts of words.
   */
  readonly finders: readonly RegExp[];
  next(text: string, from: number): RegExpExecArray | null;
}

export function indexByFirstLetters(pattern: RegExp): IndexedPattern {
  if (/\\[1-9]|\\k</.test(pattern.source))
    throw new Error('A pattern with back-references cannot be grouped by first letters.');
  const ignoreCase = pattern.flags.includes('i');
  const plain = rewriteCapturingGroups(pattern.source, () => '(?:');
  const expanded = splitAlternatives(plain).flatMap((alternative) => expand(alternative, 0));
  const finders = groupedSources(expanded, ignoreCase).map(
    (source) => new RegExp(source, `g${ignoreCase ? 'i' : ''}`),
  );
  const flags = pattern.flags.replace(/[gy]/g, '');
  const at = new RegExp(pattern.source, `${flags}y`);
  const seen: FinderPlaces = {
    text: null,
    from: new Array<number>(finders.length).fill(0),
    place: new Array<number>(finders.length).fill(-1),
  };
  return {
    at,
    finders,
    next(text: string, from: number): RegExpExecArray | null {
      for (let start = from; start <= text.length;) {
        const place = firstPlace(finders, text, start, seen);
        if (place < 0) return null;
        at.lastIndex = place;
        const match = at.exec(text);
        if (match !== null) return match;
        // The place starts like an alternative but is not one: look on.
        start = place + 1;
      }
      return null;
    },
  };
}

/**
 * Where each finder last stopped, in which text and from where (-1: nowhere). A scan asks for the next match again
 * and again in one text: a finder that stopped at or beyond the new start, or found nothing after an earlier one,
 * stops at the same place, and the text is not read again ("#fff" is looked for once, not after every word).
 */
interface FinderPlaces {
  text: string | null;
  from: number[];
  place: number[];
}

/** The first place at or after `start` that one of the finders stops at, or -1. */
function firstPlace(finders: readonly RegExp[], text: string, start: number, seen: FinderPlaces): number {
  const same = seen.text === text;
  seen.text = text;
  let first = -1;
  for (let k = 0; k < finders.length; k++) {
    let place: number;
    const known = seen.place[k]!;
    if (same && seen.from[k]! <= start && (known < 0 || known >= start)) place = known;
    else {
      const finder = finders[k]!;
      finder.lastIndex = start;
      const m = finder.exec(text);
      place = m === null ? -1 : m.index;
      seen.from[k] = start;
      seen.place[k] = place;
    }
    if (place >= 0 && (first < 0 || place < first)) first = place;
  }
  return first;
}

/** One alternative, read as: does it start at a word boundary, and the rest of its text. */
interface Alternative {
  boundary: boolean;
  text: string;
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
  // A lazy quantifier ("??") is not taken apart: kept whole, as a repeated group is.
  if (quantifier !== '' && rest.startsWith('?')) return [{ boundary, text }];
  if (quantifier === '') return splitAlternatives(inner).flatMap((part) => expand(part + rest, boundaries));
  if (quantifier === '?')
    return [
      ...splitAlternatives(inner).flatMap((part) => expand(part + rest, boundaries)),
      ...expand(rest, boundaries),
    ];
  return [{ boundary, text }];
}

/**
 * The starts of an alternative, each its first HEAD_ITEMS items (an atom with its quantifier: a character, an
 * escape, a class or a group): wherever the alternative matches, one of its starts matches there too, so a finder
 * made of starts misses no place. A group on the way is opened ("t(?:akes|ook)" starts "takes" and "took") unless
 * it is repeated or has many alternatives; a long item that cannot be opened ends the start. Letters are
 * lower-cased when case is ignored, so starts that differ only in case are one.
 */
function headsOf(text: string, ignoreCase: boolean, budget = HEAD_ITEMS): string[][] {
  if (budget === 0 || text === '') return [[]];
  const c = text[0]!;
  let end: number;
  if (c === '\\') end = 2;
  else if (c === '[') end = classEnd(text, 0);
  else if (c === '(') end = groupEnd(text, 0);
  else end = 1;
  const quantifier = QUANTIFIER.exec(text.slice(end))?.[0] ?? '';
  const lazy = quantifier !== '' && text[end + quantifier.length] === '?' ? '?' : '';
  const item = text.slice(0, end + quantifier.length + lazy.length);
  const rest = text.slice(item.length);
  if (text.startsWith('(?:') && (quantifier === '' || quantifier === '?') && lazy === '') {
    const inner = splitAlternatives(text.slice(3, end - 1));
    if (inner.length <= MAX_OPENED) {
      const heads = [
        ...inner.flatMap((part) => headsOf(part + rest, ignoreCase, budget)),
        ...(quantifier === '?' ? headsOf(rest, ignoreCase, budget) : []),
      ];
      if (heads.length <= MAX_HEADS) return heads;
    }
  }
  // A long item would copy much of the pattern into the finder: the start ends before it, or, when it is the
  // first, the whole alternative is looked for.
  if (item.length > MAX_ITEM_CHARS) return [budget === HEAD_ITEMS ? [text] : []];
  const own = ignoreCase && /^[A-Z]$/.test(item) ? item.toLowerCase() : item;
  return headsOf(rest, ignoreCase, budget - 1).map((head) => [own, ...head]);
}

/** How much of each alternative the finder looks for: enough to pass over most words, little enough to compile fast. */
const HEAD_ITEMS = 6;
const MAX_ITEM_CHARS = 24;
/** A group with more alternatives than this is not opened, nor one that would make more starts than MAX_HEADS. */
const MAX_OPENED = 40;
const MAX_HEADS = 200;

interface TrieNode {
  /** A head ends here: whatever follows, the place is a candidate. */
  end: boolean;
  next: Map<string, TrieNode>;
}

/** The finders' sources: one for the alternatives at a word boundary, one for the others, each if there are any. */
function groupedSources(alternatives: readonly Alternative[], ignoreCase: boolean): string[] {
  const sources: string[] = [];
  for (const boundary of [true, false]) {
    const root: TrieNode = { end: false, next: new Map() };
    let any = false;
    for (const alternative of alternatives) {
      if (alternative.boundary !== boundary) continue;
      any = true;
      for (const head of headsOf(alternative.text, ignoreCase)) insert(root, head);
    }
    if (!any) continue;
    // An empty alternative matches at every place (at every word boundary).
    if (root.end) sources.push(boundary ? '\\b' : '(?:)');
    else sources.push(boundary ? `\\b(?:${tree(root)})` : tree(root));
  }
  return sources;
}

function insert(root: TrieNode, head: readonly string[]): void {
  let node = root;
  for (const token of head) {
    // A shorter head already makes every place it starts a candidate.
    if (node.end) return;
    let child = node.next.get(token);
    if (child === undefined) {
      child = { end: false, next: new Map() };
      node.next.set(token, child);
    }
    node = child;
  }
  node.end = true;
  node.next.clear();
}

/** A trie of heads as alternatives: "s(?:o|ince)|u(?:ser)". */
function tree(node: TrieNode): string {
  const branches: string[] = [];
  for (const [token, child] of node.next) {
    if (child.end) branches.push(token);
    else if (child.next.size === 1) branches.push(token + tree(child));
    else branches.push(`${token}(?:${tree(child)})`);
  }
  return branches.join('|');
}
