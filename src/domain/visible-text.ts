/**
 * What a text field may hold: what a person can see and Jira can store. Control characters (a NUL, a bell) and
 * half of a surrogate pair come from a broken client, not from typing, and would reach Jira's comments and issue
 * properties as they are; a text of nothing but invisible characters (zero-width spaces, direction marks) passes
 * a "required" check while saying nothing.
 */

// Tab, line breaks and the vertical tab and form feed a word processor pastes are white space; no other control
// character comes from typing or pasting.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000e-\u001f\u007f-\u009f]/;
/** Half of a surrogate pair, without its other half: a broken client's, never typed. */
export const LONE_SURROGATE_SRC =
  '[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]';
const LONE_SURROGATE = new RegExp(LONE_SURROGATE_SRC);
/**
 * Characters drawn as nothing, for a character class: Unicode's format characters (Cf: zero-width space, joiners,
 * word joiner, soft hyphen, byte-order mark, direction marks) and the Hangul fillers.
 */
export const DRAWN_AS_NOTHING_SRC = '\\p{Cf}\\u115f\\u1160\\u3164\\uffa0';
const DRAWN_AS_NOTHING_ALL = new RegExp(`[${DRAWN_AS_NOTHING_SRC}]`, 'gu');
const NOTHING_VISIBLE = new RegExp(`^[\\s${DRAWN_AS_NOTHING_SRC}]*$`, 'u');

/** A character's code point as Unicode writes it ("U+200B"). */
export const codePoint = (cp: number) => `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;

/** `text` without the characters drawn as nothing. */
export function withoutInvisible(text: string): string {
  return text.replace(DRAWN_AS_NOTHING_ALL, '');
}

/** Why `text` cannot be stored as typed text, as the end of a sentence that names the field; null when it can. */
export function textProblem(text: string): string | null {
  const control = CONTROL.exec(text);
  if (control)
    return `holds a control character (${codePoint(control[0].codePointAt(0)!)}): remove it and save again.`;
  const half = LONE_SURROGATE.exec(text);
  if (half) return `holds a broken character (${codePoint(half[0].codePointAt(0)!)}): type that part again.`;
  if (text !== '' && NOTHING_VISIBLE.test(text))
    return 'holds only invisible characters: type it, or leave it empty.';
  return null;
}

/** Any character beyond ASCII: text without one needs no normalising, and most text has none. */
// eslint-disable-next-line no-control-regex
const BEYOND_ASCII = /[^\u0000-\u007f]/;

/**
 * `text` as a reader sees it, for the checks that judge what it says: without the characters drawn as nothing
 * (zero-width spaces, soft hyphens, direction controls, the byte-order mark), and with compatibility forms folded
 * (NFKC: fullwidth "ｓｙｓｔｅｍ" is "system", a no-break space a space). ASCII text is returned as it is, at the
 * cost of one test; the result is its own normal form, so normalising twice changes nothing.
 */
export function asSeen(text: string): string {
  if (!BEYOND_ASCII.test(text)) return text;
  return withoutInvisible(text.normalize('NFKC'));
}

/**
 * A name as people tell names apart, for names that must be their own (an active outcome's, a live token's): as
 * seen (asSeen), and case and runs of spaces aside.
 */
export function nameKey(name: string): string {
  return asSeen(name).toLocaleLowerCase('en-US').replace(/\s+/g, ' ').trim();
}
