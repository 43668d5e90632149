/**
 * A short fingerprint of an issue description (ADF, text or none), the same in the browser and on the server: the
 * panel sends the one of the description it showed, and a rewrite of a description changed since is refused
 * rather than made over someone's newer text. Two FNV-1a hashes (different seeds) of its JSON with sorted keys,
 * and its length: not secret, only to tell two texts apart. Pure.
 */
import { fnv, FNV_OFFSET } from './recipe-features';

/** JSON with every object's keys in order, so that the same description reads the same however it was built. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** A second seed, so that two descriptions must collide under both to be taken for one. */
const SECOND_OFFSET = 0x050c5d1f;

export function descriptionDigest(description: unknown): string {
  const text = canonical(description);
  let a = FNV_OFFSET;
  let b = SECOND_OFFSET;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    a = fnv(a, code);
    b = fnv(b, code);
  }
  const hex = (h: number) => (h >>> 0).toString(16).padStart(8, '0');
  return `${text.length.toString(36)}-${hex(a)}${hex(b)}`;
}
