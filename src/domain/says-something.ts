/**
 * Whether a part of what a product owner wrote says anything, or only fills the box ("x", "TBD", "lorem ipsum").
 * Its own module, free of the recipe detector and of zod, so every surface can apply the same rule: the hypothesis
 * checks judge a story's parts with it, and an outcome's metric is refused by it.
 */

/** A letter: ASCII, or any non-ASCII character that is not a space or punctuation (a fast stand-in for \p{L}). */
function isLetter(c: number): boolean {
  return (
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    (c >= 0xc0 && !(c >= 0x2000 && c <= 0x206f) && c !== 0x3000 && c !== 0xfeff)
  );
}

/** True when the text has a run of at least `n` letters. One pass, no regex: the score runs this per story. */
export function hasWord(text: string, n: number): boolean {
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    run = isLetter(text.charCodeAt(i)) ? run + 1 : 0;
    if (run >= n) return true;
  }
  return false;
}

/**
 * A word that stands in for one: a letter or a letter repeated ("x", "aaa"), "TBD", "test", a key mash ("asdf",
 * "qwerty", "zxcv", "qwe"), a run of the alphabet ("abc", "def", "xyz"), a programmer's or a typesetter's filler
 * ("foo", "lorem ipsum dolor").
 */
const PLACEHOLDER_WORDS =
  '([a-z])\\1*|tbd|tbc|todo|n\\/?a|none|nothing|test(?:ing)?|asdf?\\w*|qwer?\\w*|zxcv?\\w*|hjkl|jkl|sdf|abcd?|def|ghi|xyz|foo|bar|baz|qux|lorem|ipsum|dolor|sit|amet|consectetur|adipiscing|elit|blah|something|stuff|etc';
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
  'i',
);

/**
 * One token said again and again ("xyz xyz", "hello hello hello"): filling the box, not saying something. The
 * backreference is tried only on parts of at most 40 characters, so it stays cheap.
 */
const REPEATED_TOKEN = /^\s*([^\s,.;:!?]+)(?:[\s,.;:!?]+\1)+[\s,.;:!?]*$/i;

// Filler runs short; a longer part is taken as written, and the test is spared on most intents and benefits.
export function isPlaceholder(value: string): boolean {
  return value.length <= 40 && (PLACEHOLDER_PART.test(value) || REPEATED_TOKEN.test(value));
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
