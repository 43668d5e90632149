/**
 * "900 / 1000" once a text holds 80 % of its limit (trimmed, as the save counts it), "1012 / 1000: 12 too many"
 * past it, with whether it is; null below that. Near the limit is when a count helps: before, it is only noise.
 */
export function lengthNote(text: string, max: number): { text: string; over: boolean } | null {
  // By character, as the resolvers' schemas count (zod counts code points): an emoji is one, not two.
  const used = [...text.trim()].length;
  if (used < max * 0.8) return null;
  const over = used > max;
  return { text: `${used} / ${max}${over ? `: ${used - max} too many` : ''}`, over };
}
