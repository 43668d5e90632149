/**
 * @forge/lint cannot pass without looking: `npm run lint:forge` (in `npm run lint`) runs it clean over every
 * source file; here the same run, given a manifest that grants no scope at all, must parse every file, find each
 * Jira operation of the registry at its call site and report exactly the scopes each one needs, and nothing else.
 * A run that skipped files (tsconfig.json's include read as a file list) or could not read an endpoint (a route
 * assembled at run time) fails here.
 */
import type { ManifestSchema } from '@forge/manifest';
import { JIRA_OPERATIONS } from '../../src/jira/operations';
import { ContractChecker } from '../../workbench/jira/openapi';
import { filesToLint, runForgeLint, type ForgeLintReport } from '../../scripts/forge-lint';

const OPERATIONS_FILE = 'src/jira/operations.ts';
// Parsing is type-aware (a TypeScript program over tsconfig.json), as in forge lint: allow for a busy machine.
const LINT_TIMEOUT_MS = 240_000;

/** The manifest with its scopes changed (scopes may be a list or, in the newer form, an object by name). */
function withScopes(change: (current: string[]) => string[]) {
  return (manifest: ManifestSchema): ManifestSchema => {
    const scopes = manifest.permissions?.scopes ?? [];
    const current = Array.isArray(scopes) ? scopes : Object.keys(scopes);
    return { ...manifest, permissions: { ...manifest.permissions, scopes: change(current) } };
  };
}

/** How the scope linter reads a call of the registry: its template with each parameter as `\S*`, no query. */
const asSeen = (path: string) => path.replace(/\{\w+\}/g, '\\S*');

describe('@forge/lint over the app, offline', () => {
  let noScopes: ForgeLintReport;
  beforeAll(async () => {
    noScopes = await runForgeLint({ manifest: withScopes(() => []) });
  }, LINT_TIMEOUT_MS);

  it('parses every file under src/ and every Custom UI source', () => {
    const files = filesToLint();
    expect(files.filter((f) => f.startsWith('src/')).length).toBeGreaterThan(40);
    expect(files.some((f) => f.startsWith('static/'))).toBe(true);
    expect(noScopes.parsed).toEqual(files);
    console.log(`@forge/lint parsed ${noScopes.parsed.length} files in ${noScopes.durationMs} ms`);
  });

  it('finds every registry operation at its own call site, and no Jira call anywhere else', () => {
    const seen = noScopes.jiraCalls.map((c) => ({
      file: c.file,
      method: c.method,
      path: c.path.replace(/\?.*$/, ''),
    }));
    const expected = Object.values(JIRA_OPERATIONS).map((op) => ({
      file: OPERATIONS_FILE,
      method: op.method,
      path: asSeen(op.path),
    }));
    expect(seen).toEqual(expected);
  });

  it('reports each scope the spec requires of each call that the manifest does not grant, and nothing else', () => {
    const checker = ContractChecker.fromSpecFile();
    const expected = Object.values(JIRA_OPERATIONS).flatMap((op) => {
      const scopes = checker.findOperation(op.method, op.path)?.scopes ?? [];
      return scopes.map((scope) => `${op.method} ${op.path} requires "${scope}"`);
    });
    const reported = noScopes.findings.map((f) => `${f.file} ${f.level}: ${f.message}`);
    expect(reported).toEqual(expected.map((e) => `${OPERATIONS_FILE} error: Jira endpoint: ${e} scope`));
    expect(expected.length).toBeGreaterThan(15);
  });

  it(
    'reports the calls a removed scope leaves uncovered, where they are written',
    async () => {
      const report = await runForgeLint({
        manifest: withScopes((scopes) => scopes.filter((s) => s !== 'read:jira-user')),
        files: [OPERATIONS_FILE],
      });
      // The calls that need only that scope: a person's name, the caller's own and another's.
      const lineOf = (path: string) =>
        report.jiraCalls.find((c) => c.method === 'GET' && c.path.split('?')[0] === asSeen(path))?.line;
      expect(report.findings).toEqual(
        [JIRA_OPERATIONS.getUser.path, JIRA_OPERATIONS.myself.path].map((path) => ({
          file: OPERATIONS_FILE,
          line: lineOf(path),
          column: expect.any(Number) as number,
          level: 'error',
          message: `Jira endpoint: GET ${path} requires "read:jira-user" scope`,
        })),
      );
    },
    LINT_TIMEOUT_MS,
  );
});
