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
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** White space and the invisible format characters (Unicode's Cf: zero-width, direction and joining marks). */
const NOTHING_VISIBLE = /^[\s\p{Cf}]*$/u;

const codePoint = (c: string) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** Why `text` cannot be stored as typed text, as the end of a sentence that names the field; null when it can. */
export function textProblem(text: string): string | null {
  const control = CONTROL.exec(text);
  if (control) return `holds a control character (${codePoint(control[0])}): remove it and save again.`;
  const half = LONE_SURROGATE.exec(text);
  if (half) return `holds a broken character (${codePoint(half[0])}): type that part again.`;
  if (text !== '' && NOTHING_VISIBLE.test(text))
    return 'holds only invisible characters: type it, or leave it empty.';
  return null;
}
