/**
 * The app reads only the storage error codes Atlassian declares (the workbench's list, taken from @forge/kvs
 * and Forge's error tables): an app that waits for a code only the emulator sends would never see it on Forge.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DECLARED_KVS_ERROR_CODES } from '../../workbench/forge/kvs-store';

const SRC = path.resolve(__dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** Files that reach app storage: through @forge/kvs itself or the app's storage client over it. */
const USES_STORAGE = /@forge\/kvs|\/kvs-client'/;

/** Every `<something>.code === 'X'` (or `!==`) in files that use app storage. */
function kvsCodesReadByTheApp(): Array<{ file: string; code: string }> {
  const found: Array<{ file: string; code: string }> = [];
  for (const file of sourceFiles(SRC)) {
    const text = fs.readFileSync(file, 'utf8');
    if (!USES_STORAGE.test(text)) continue;
    for (const m of text.matchAll(/\.code\s*[!=]==?\s*['"]([A-Z_]+)['"]/g))
      found.push({ file: path.relative(SRC, file), code: m[1] as string });
  }
  return found;
}

describe('storage error codes the app depends on', () => {
  it('are all declared by @forge/kvs or Forge’s storage error tables', () => {
    const undeclared = kvsCodesReadByTheApp().filter(
      ({ code }) => !(DECLARED_KVS_ERROR_CODES as readonly string[]).includes(code),
    );
    expect(undeclared).toEqual([]);
    // The files that read codes are found at all (the storage modules and the services over them).
    expect(new Set(kvsCodesReadByTheApp().map((c) => c.file)).size).toBeGreaterThan(2);
  });

  it('include the SDK’s own: @forge/kvs reads KEY_NOT_FOUND and builds UNKNOWN_ERROR itself', () => {
    const sdk = path.dirname(require.resolve('@forge/kvs/package.json'));
    const storageApi = fs.readFileSync(path.join(sdk, 'out/storage-api.js'), 'utf8');
    const errorHandling = fs.readFileSync(path.join(sdk, 'out/utils/error-handling.js'), 'utf8');
    expect(storageApi).toContain("e.code === 'KEY_NOT_FOUND'");
    expect(errorHandling).toContain("code: 'UNKNOWN_ERROR'");
    expect(DECLARED_KVS_ERROR_CODES).toEqual(expect.arrayContaining(['KEY_NOT_FOUND', 'UNKNOWN_ERROR']));
  });
});
