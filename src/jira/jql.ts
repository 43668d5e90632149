/**
 * Building JQL from values the app did not write itself (project keys, issue types, account ids, outcome ids).
 * Every such value goes into the query through `jqlString`, so no value can end the string and add a clause.
 */

/** `value` as one JQL string literal: quotes and backslashes escaped, nothing dropped or changed. */
export function jqlString(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}
