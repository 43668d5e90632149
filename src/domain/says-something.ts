/**
 * Whether a part of what a product owner wrote says anything, or only fills the box ("x", "TBD", "lorem ipsum").
 * Its own module, free of the recipe detector and of zod, so every surface can apply the same rule: the hypothesis
 * checks judge a story's parts with it, and an outcome's metric is refused by it.
 */

/** A letter of any script, and a mark that belongs to one ("é" as e + U+0301, Devanagari vowel signs). */
const LETTER = /\p{L}/uy;
const MARK = /\p{M}/uy;

/**
 * How many letters the character at `i` adds to a run: 1 for a letter, `n` for a Han character (a word on its
 * own: Chinese words run one or two characters, unspaced), 2 for a Hangul syllable, 0 for a mark after a letter, -1 for anything else (a
 * space, a digit, an emoji). Judged by code point, so an emoji's two UTF-16 halves are not taken for letters.
 */
function letterWeight(text: string, i: number, c: number, run: number, n: number): number {
  // ASCII first: most text is, and it needs no regex.
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) ? 1 : -1;
  if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0xf900 && c <= 0xfaff)) return n;
  // A Hangul block is a syllable of two or three letters: "대기" (waiting) is a word of two blocks.
  if (c >= 0xac00 && c <= 0xd7a3) return 2;
  // A joiner inside a word (Persian, Indic scripts) neither adds nor breaks.
  if (c === 0x200c || c === 0x200d) return run > 0 ? 0 : -1;
  LETTER.lastIndex = i;
  if (LETTER.test(text)) return 1;
  MARK.lastIndex = i;
  return run > 0 && MARK.test(text) ? 0 : -1;
}

/** True when the text has a run of at least `n` letters. One pass: the score runs this per story. */
export function hasWord(text: string, n: number): boolean {
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const w = letterWeight(text, i, c, run, n);
    run = w < 0 ? 0 : run + w;
    if (run >= n) return true;
    // The second half of a pair was judged with the first.
    if (c >= 0xd800 && c <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
  }
  return false;
}

/**
 * A word that stands in for one: a letter or a letter repeated, in any script ("x", "aaa", "ψψψ"), "TBD", "test",
 * a key mash ("asdf", "qwerty", "zxcv", "qwe"), a run of the alphabet ("abc", "def", "xyz"), a programmer's or a
 * typesetter's filler ("foo", "lorem ipsum dolor"), or a pointer to words written elsewhere ("see above", "same as
 * above", "see description"): the part itself then says nothing.
 */
const PLACEHOLDER_WORDS =
  '(\\p{L}\\p{M}*)\\1*|tbd|tbc|tba|todo|n\\/?a|none|nothing|test(?:ing)?|asdf?\\w*|qwer?\\w*|zxcv?\\w*|hjkl|jkl|sdf|abcd?|def|ghi|xyz|foo|bar|baz|qux|lorem|ipsum|dolor|sit|amet|consectetur|adipiscing|elit|blah|something|stuff|etc|placeholder|ditto|' +
  'to\\s+be\\s+(?:decided|determined|defined|confirmed|clarified|discussed|added|written|done)|' +
  // "see the comments" is a want as much as a pointer: "see" points elsewhere only bare or when it says so.
  '(?:please\\s+)?see\\s+(?:above|below|attached|ticket|epic|parent|spec|(?:the\\s+)?description)(?:\\s+for\\s+(?:details|more))?|' +
  '(?:please\\s+)?see\\s+(?:the\\s+)?(?:description|details|attach(?:ed|ments?)|comments?|ticket|epic|parent|summary|spec)\\s+(?:above|below|for\\s+(?:details|more))|' +
  '(?:please\\s+)?(?:refer\\s+to|cf\\.?)\\s+(?:the\\s+)?(?:above|below|description|details|attach(?:ed|ments?)|comments?|ticket|epic|parent|summary|spec)(?:\\s+(?:above|below))?(?:\\s+for\\s+(?:details|more))?|' +
  '(?:same\\s+)?as\\s+(?:above|below|before|described|discussed|mentioned)(?:\\s+(?:above|below))?';
/** A part that names no one and nothing: "it is better", "things happen", "it works". */
const SAYS_NOTHING_IN_PARTICULAR =
  '(?:it|this|that|things?|everything|stuff|all)\\s+(?:is|are|gets?|will\\s+be|works?|happens?|goes|improves?)(?:\\s+(?:better|good|great|nice|easier|fine|ok|okay|done|well|right|smoother))?[.!]?';
const SEPARATOR = `[\\s,.;:!?'"()]`;
/**
 * A part made only of stand-in words ("TBD", "lorem ipsum", "foo bar"), of punctuation ("...", "???"), or of
 * nothing in particular. One anchored test: the score asks this of every part several times a story, and a part
 * that says something fails at its first word.
 */
const PLACEHOLDER_PART = new RegExp(
  `^(?:${SEPARATOR}*(?:(?:${PLACEHOLDER_WORDS})(?:${SEPARATOR}+|(?=$)))+|\\.+|-+|\\?+|${SAYS_NOTHING_IN_PARTICULAR})$`,
  'iu',
);

/**
 * One token said again and again ("xyz xyz", "hello hello hello"): filling the box, not saying something. The
 * backreference is tried only on parts of at most 40 characters, so it stays cheap.
 */
const REPEATED_TOKEN = /^\s*([^\s,.;:!?]+)(?:[\s,.;:!?]+\1)+[\s,.;:!?]*$/i;

/** Each ASCII letter's key on a QWERTY keyboard: row * 16 + column, so keys of two rows are never one apart. */
const KEY_OF = new Int8Array(26);
['qwertyuiop', 'asdfghjkl', 'zxcvbnm'].forEach((row, r) => {
  for (let col = 0; col < row.length; col++) KEY_OF[row.charCodeAt(col) - 97] = r * 16 + col;
});

/**
 * A part made only of runs along one keyboard row ("sdfgh", "hjkkl", "poiuy"): each word at least four keys that
 * follow one another in one direction, a key pressed twice allowed. Four keys, not three: "tree" and "poi" are
 * such runs of three. Real words fail at their first two letters, so this costs little.
 */
function isKeyMash(value: string): boolean {
  let mashes = 0;
  let keys = 0;
  let last = -1;
  let step = 0;
  for (let i = 0; i <= value.length; i++) {
    const c = i < value.length ? value.charCodeAt(i) : 32;
    const lower = c | 32;
    if (lower >= 97 && lower <= 122 && c < 128) {
      const key = KEY_OF[lower - 97]!;
      if (last < 0) {
        keys = 1;
        step = 0;
      } else if (key !== last) {
        const d = key - last;
        if ((d !== 1 && d !== -1) || (step !== 0 && d !== step)) return false;
        keys++;
        step = d;
      }
      last = key;
    } else if (c > 127 || (c >= 48 && c <= 57)) {
      return false;
    } else if (last >= 0) {
      if (keys < 4) return false;
      mashes++;
      last = -1;
    }
  }
  return mashes > 0;
}

// Filler runs short; a longer part is taken as written, and the test is spared on most intents and benefits.
export function isPlaceholder(value: string): boolean {
  return (
    value.length <= 40 && (PLACEHOLDER_PART.test(value) || REPEATED_TOKEN.test(value) || isKeyMash(value))
  );
}

/** The words every story of the form has, whatever it says: "As a …, I want to …, so that …. We expect …". */
const FORM_WORDS =
  /\b(?:as|an?|the|i|we|want|wants|need|needs|would|like|to|be|able|so|that|in|order|expect|expected|outcome)\b/gi;

/** True when a story says something beyond the words of its form ("As a , I want , so that ." says nothing). */
export function storySaysSomething(text: string | undefined | null): boolean {
  return saysSomething((text ?? '').slice(0, 4000).replace(FORM_WORDS, ' '));
}

/** True when a part says something: a word of at least three letters that is not a placeholder. */
export function saysSomething(text: string | undefined | null): boolean {
  const value = (text ?? '').trim();
  return value !== '' && !isPlaceholder(value) && hasWord(value, 3);
}

/**
 * Why a metric's name names no number ("x", "TBD"), or null when it names one or is blank (blank is the
 * required-field rule's to say). The hypothesis checks fail `measurable` on it; an outcome is refused on it.
 */
export function metricNameProblem(metric: string): string | null {
  const name = metric.trim();
  return name && !saysSomething(name) ? `"${name}" is not a metric: name the number that should move.` : null;
}
