import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { readManifest } from '../../workbench/app';
import { MANIFEST_FILE, readPropertyIndex } from '../../workbench/jira/property-index';

function aManifest(entityProperties: unknown[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wb-index-'));
  const file = path.join(dir, 'manifest.yml');
  fs.writeFileSync(file, JSON.stringify({ modules: { 'jira:entityProperty': entityProperties } }));
  return file;
}

describe('the JQL index of issue properties, read from the manifest', () => {
  it('is every value manifest.yml declares, as the workbench app reads it too', () => {
    const doc = parseYaml(fs.readFileSync(MANIFEST_FILE, 'utf8')) as {
      modules: { 'jira:entityProperty': Array<{ values: Array<{ path: string; searchAlias: string }> }> };
    };
    const declared = doc.modules['jira:entityProperty'].flatMap((m) => m.values);
    const index = readPropertyIndex();
    expect(index.map((e) => [e.path, e.searchAlias])).toEqual(declared.map((v) => [v.path, v.searchAlias]));
    expect(index.every((e) => e.propertyKey === 'outcome-lens')).toBe(true);
    expect(readManifest().propertyIndex).toEqual(index);
  });

  it('takes entityType issue when absent, as Forge does, and leaves other entities out', () => {
    const file = aManifest([
      { key: 'a', propertyKey: 'p', values: [{ path: 'score', type: 'number', searchAlias: 's' }] },
      { key: 'b', entityType: 'project', propertyKey: 'q', values: [{ path: 'x', type: 'string' }] },
      { key: 'c', entityType: 'issue', propertyKey: 'r', values: [{ path: 'when', type: 'date' }] },
    ]);
    expect(readPropertyIndex(file)).toEqual([
      { propertyKey: 'p', path: 'score', type: 'number', searchAlias: 's' },
      { propertyKey: 'r', path: 'when', type: 'date' },
    ]);
    expect(readManifest(file).propertyIndex).toEqual(readPropertyIndex(file));
  });

  it('refuses a value type Forge does not know instead of guessing one', () => {
    const file = aManifest([{ key: 'a', propertyKey: 'p', values: [{ path: 'score', type: 'integer' }] }]);
    expect(() => readPropertyIndex(file)).toThrow(/a path and a type among number, string, text, user, date/);
  });
});
