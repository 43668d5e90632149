/**
 * Reading a regular expression's source as JavaScript does: where a class or a group ends, its top-level
 * alternatives, and its capturing groups rewritten. Used to take the detector's large patterns apart
 * (first-letter-index.ts) and to compile them without group names (recipe-signals.ts).
 */

/** Where the class opening at `start` ("[") ends: just after its first unescaped "]" ("[]" and "[^]" included). */
export function classEnd(source: string, start: number): number {
  let j = start + 1;
  while (j < source.length && source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
  return j + 1;
}

/** Where the group opening at `start` ("(") ends: just after its ")". */
export function groupEnd(source: string, start: number): number {
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
export function splitAlternatives(source: string): string[] {
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

/**
 * The source with the opening of each capturing group, "(" or "(?<name>", replaced by what `open` returns for it
 * (given the group's name, or null). Escapes, classes, look-arounds and non-capturing groups are kept as written.
 */
export function rewriteCapturingGroups(source: string, open: (name: string | null) => string): string {
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
    } else if (c === '(' && source[i + 1] !== '?') out += open(null);
    else if (c === '(' && source[i + 2] === '<' && source[i + 3] !== '=' && source[i + 3] !== '!') {
      const close = source.indexOf('>', i);
      out += open(source.slice(i + 3, close));
      i = close;
    } else out += c;
  }
  return out;
}
