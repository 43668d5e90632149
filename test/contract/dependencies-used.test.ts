/**
 * Every runtime dependency in package.json is imported by the code: a package nothing imports is dead weight
 * in every install (and a question in every review). Imports are read from the sources, not the builds.
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const SOURCE_DIRS = ['src', 'static', 'workbench', 'scripts', 'test', 'bin'];
const SKIP = new Set(['node_modules', 'build', 'dist']);

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (/\.(?:[cm]?[jt]sx?)$/.test(entry.name)) out.push(full);
  }
  return out;
}

/** The package a module specifier names: `@scope/name` or `name`, without a subpath. */
function packageOf(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('node:') || specifier.startsWith('/')) return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? null);
}

/** `from 'x'`, `import('x')`, `require('x')`, and a template require whose package part is literal. */
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)(?:['"]([^'"]+)['"]|`([^`$]+))/g;

function importedPackages(): Set<string> {
  const found = new Set<string>();
  const files = SOURCE_DIRS.filter((d) => fs.existsSync(path.join(ROOT, d))).flatMap((d) =>
    sourceFiles(path.join(ROOT, d)),
  );
  for (const file of files) {
    for (const m of fs.readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const name = packageOf(m[1] ?? m[2] ?? '');
      if (name) found.add(name);
    }
  }
  return found;
}

describe('package.json dependencies', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const imported = importedPackages();

  it('are each imported somewhere', () => {
    expect(Object.keys(pkg.dependencies).filter((name) => !imported.has(name))).toEqual([]);
  });

  it('finds the imports it looks for (the check itself works)', () => {
    expect(imported.has('@forge/bridge')).toBe(true);
    expect(imported.has('react')).toBe(true);
    // workbench/bridge/host.ts loads a theme by a template path.
    expect(imported.has('@atlaskit/tokens')).toBe(true);
    expect(packageOf('@atlaskit/button/new')).toBe('@atlaskit/button');
    expect(packageOf('zod/mini')).toBe('zod');
    expect(packageOf('./local')).toBeNull();
  });
});
