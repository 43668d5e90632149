/**
 * Payloads a broken or hostile client, an older tab or a script could send: for a zod schema, every field (found
 * by walking the schema's definition) given null, a value of each other type, an empty object, an unknown enum
 * value, an oversized string or list, a wrong member of a union; and the payload itself as null, text, a number or
 * a list. Pages of the app never send these; the app must still answer each in sentences (payload-messages.test).
 */
import * as z from 'zod';

type Def = {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
  values?: unknown[];
};
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;
const bagOf = (s: z.ZodType): { maximum?: number; minimum?: number } =>
  (s as unknown as { _zod: { bag?: { maximum?: number; minimum?: number } } })._zod.bag ?? {};

export const isZodSchema = (v: unknown): v is z.ZodType => v instanceof z.ZodType;

/** What any field may be sent as instead of what it holds. */
const WRONG: readonly unknown[] = [
  null,
  'text',
  42,
  true,
  {},
  [],
  1.5,
  -1,
  2 ** 60,
  '',
  '   ',
  { a: 1 },
  ['x'],
];

/** Values just past a schema's own bounds: a string or list one too long, a number one past its limit. */
function pastBounds(s: z.ZodType): unknown[] {
  const { maximum, minimum } = bagOf(s);
  const type = defOf(s).type;
  if (type === 'string')
    return [...(maximum !== undefined ? ['x'.repeat(maximum + 1)] : []), 'x'.repeat(5000)];
  if (type === 'number')
    return [...(maximum !== undefined ? [maximum + 1] : []), ...(minimum !== undefined ? [minimum - 1] : [])];
  if (type === 'array') {
    const n = maximum !== undefined ? maximum + 1 : 1001;
    return ['PROJ-1', 'x', 1, {}].map((fill) => Array<unknown>(n).fill(fill));
  }
  return [];
}

function walk(s: z.ZodType, put: (v: unknown) => unknown, out: unknown[], depth: number): void {
  if (depth > 8) return;
  const def = defOf(s);
  for (const v of [...WRONG, ...pastBounds(s)]) out.push(put(v));
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'nonoptional':
    case 'catch':
      return walk(def.innerType!, put, out, depth);
    case 'pipe':
      walk(def.in!, put, out, depth + 1);
      if (defOf(def.out!).type !== 'transform') walk(def.out!, put, out, depth + 1);
      return;
    case 'object':
      for (const [key, field] of Object.entries(def.shape!))
        walk(field, (v) => put({ [key]: v }), out, depth + 1);
      return;
    case 'array':
      return walk(def.element!, (v) => put([v]), out, depth + 1);
    case 'record':
      out.push(put({ ['x'.repeat(300)]: 5 }), put({ '': 5 }));
      return walk(def.valueType!, (v) => put({ Bug: v }), out, depth + 1);
    case 'union': {
      const tag = def.discriminator;
      for (const option of def.options!) {
        const shape = defOf(option).shape;
        if (!tag || !shape) {
          walk(option, put, out, depth + 1);
          continue;
        }
        const value = defOf(shape[tag]!).values?.[0];
        out.push(put({ [tag]: value }));
        for (const [key, field] of Object.entries(shape))
          if (key !== tag) walk(field, (v) => put({ [tag]: value, [key]: v }), out, depth + 1);
      }
      if (tag) out.push(put({ [tag]: 'nope' }), put({ [tag]: 7 }));
      return;
    }
    case 'enum':
    case 'literal':
      out.push(put('nope'), put('INCREASE'));
      return;
  }
}

/** Every hostile payload for `schema`, the payload itself as null, text, a number and a list among them. */
export function hostilePayloads(schema: z.ZodType): unknown[] {
  const out: unknown[] = [];
  walk(schema, (v) => v, out, 0);
  return out;
}

/** The exported zod schemas of some modules, named `module.export`. */
export function schemasOf(modules: Record<string, object>): Array<[string, z.ZodType]> {
  return Object.entries(modules).flatMap(([name, members]) =>
    Object.entries(members)
      .filter((entry): entry is [string, z.ZodType] => isZodSchema(entry[1]))
      .map(([key, schema]): [string, z.ZodType] => [`${name}.${key}`, schema]),
  );
}

/**
 * Zod's own English wording (its locale's sentences), never the app's: "Invalid input: expected object, received
 * string", "Invalid option: expected one of …", "Too big: expected string to have <=300 characters", "Invalid
 * string: must match pattern …", "Invalid key in record", "Unrecognized key: …".
 */
export const ZOD_WORDING =
  /^(Invalid input|Invalid option|Too big:|Too small:|Invalid string:|Invalid number:|Unrecognized keys?:|Invalid key in|Invalid value in|Invalid discriminator value|Invalid [A-Za-z0-9]+$)/;
