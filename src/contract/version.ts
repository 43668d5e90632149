/**
 * The stored version a page sends with a write, so a write on a version someone else replaced is refused. Every
 * resolver reads it the same way: missing, unreadable (a fraction, past 2^53, below the first version) or, where
 * a version below `min` means something of its own, said with `belowMin`.
 */
import * as z from 'zod';

export function versionSchema(sender: 'page' | 'panel', min: 0 | 1, belowMin?: string) {
  const unreadable = `The ${sender} sent an unreadable version: reload it and try again.`;
  return z
    .number({
      error: (issue) =>
        issue.input === undefined || issue.input === null
          ? `The ${sender} sent no version: reload it and try again.`
          : unreadable,
    })
    .int({ error: unreadable })
    .min(min, { error: belowMin ?? unreadable });
}
