/**
 * The JQL index of issue entity properties, as the app's manifest declares it (`jira:entityProperty`).
 *
 * On Jira only these paths are searchable, by `issue.property[key].path` or by their `searchAlias`; any other
 * path answers 400. The emulator therefore reads the index from manifest.yml, never from a copy kept by hand.
 * Shapes and defaults follow @forge/manifest's schema (out/schema/manifest-schema.json, `jira:entityProperty`):
 * `entityType` defaults to `issue`, `type` is one of five, `searchAlias` is optional.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';

export const INDEX_VALUE_TYPES = ['number', 'string', 'text', 'user', 'date'] as const;
export type IndexValueType = (typeof INDEX_VALUE_TYPES)[number];

export interface PropertyIndexEntry {
  propertyKey: string;
  /** Dot-separated path inside the property value, as declared (e.g. `score`, `outcome.id`). */
  path: string;
  type: IndexValueType;
  searchAlias?: string;
}
export type PropertyIndex = PropertyIndexEntry[];

/** The repository's own manifest: what a real install of this app declares. */
export const MANIFEST_FILE = path.resolve(__dirname, '..', '..', 'manifest.yml');

function isValueType(value: unknown): value is IndexValueType {
  return (INDEX_VALUE_TYPES as readonly unknown[]).includes(value);
}

/** The issue-property index entries one `jira:entityProperty` module declares; [] for other entity types. */
export function indexEntriesOf(module: Record<string, unknown>): PropertyIndexEntry[] {
  const entityType = module.entityType ?? 'issue';
  if (entityType !== 'issue') return [];
  const propertyKey = module.propertyKey;
  if (typeof propertyKey !== 'string' || !propertyKey) {
    throw new Error(`jira:entityProperty ${String(module.key)}: propertyKey is required`);
  }
  const values = Array.isArray(module.values) ? (module.values as unknown[]) : [];
  return values.map((raw) => {
    const value = (raw ?? {}) as Record<string, unknown>;
    if (typeof value.path !== 'string' || !value.path || !isValueType(value.type)) {
      throw new Error(
        `jira:entityProperty ${String(module.key)}: every value needs a path and a type among ${INDEX_VALUE_TYPES.join(', ')}`,
      );
    }
    return {
      propertyKey,
      path: value.path,
      type: value.type,
      ...(typeof value.searchAlias === 'string' ? { searchAlias: value.searchAlias } : {}),
    };
  });
}

/** Every issue-property index entry a manifest file declares. */
export function readPropertyIndex(file: string = MANIFEST_FILE): PropertyIndex {
  const doc = (parseYaml(fs.readFileSync(file, 'utf8')) ?? {}) as { modules?: Record<string, unknown> };
  const modules = doc.modules?.['jira:entityProperty'];
  return Array.isArray(modules)
    ? modules.flatMap((m) => indexEntriesOf((m ?? {}) as Record<string, unknown>))
    : [];
}
