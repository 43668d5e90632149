/**
 * The manifest asks for exactly the scopes the code needs: every Jira operation in JIRA_OPERATIONS is covered
 * by the manifest's scopes (as the official spec's x-atlassian-oauth2-scopes, state Current, demand), and every
 * manifest scope is needed by some operation or by a non-REST need (@forge/lint checks the first half from the
 * call sites, see forge-lint.test.ts; nothing else checks the second). It also proves the registry is the only
 * way to Jira: no file in src/ except src/jira/operations.ts calls requestJira, and each entry sends exactly the
 * method and path it declares.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { APIResponse } from '@forge/api';
import {
  JIRA_OPERATIONS,
  pathParameters,
  type JiraOperation,
  type JiraRequester,
} from '../../src/jira/operations';
import { ContractChecker } from '../../workbench/jira/openapi';

const ROOT = path.resolve(__dirname, '../..');
const SRC = path.join(ROOT, 'src');
const CLIENT = path.join(SRC, 'jira', 'client.ts');
const OPERATIONS = path.join(SRC, 'jira', 'operations.ts');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

function manifestScopes(): string[] {
  const manifest = parse(fs.readFileSync(path.join(ROOT, 'manifest.yml'), 'utf8')) as {
    permissions?: { scopes?: string[] };
  };
  return manifest.permissions?.scopes ?? [];
}

interface OperationNeed {
  name: string;
  scopes: string[];
}

/** The scopes each registered operation needs, from the spec. */
function operationNeeds(operations: Record<string, Pick<JiraOperation, 'method' | 'path'>>): OperationNeed[] {
  const checker = ContractChecker.fromSpecFile();
  return Object.entries(operations).map(([name, op]) => {
    const found = checker.findOperation(op.method, op.path);
    if (!found) throw new Error(`${name}: ${op.method} ${op.path} is not in the Jira spec`);
    return { name, scopes: found.scopes };
  });
}

/** Scopes needed without a REST call: app storage through @forge/kvs. */
function nonRestNeeds(files: string[]): Array<{ scope: string; reason: string }> {
  const usesKvs = files.some((f) => /from '@forge\/kvs'/.test(fs.readFileSync(f, 'utf8')));
  return usesKvs ? [{ scope: 'storage:app', reason: 'src/ uses @forge/kvs' }] : [];
}

interface ScopeReport {
  /** Operations the manifest's scopes do not cover, with the scope they lack. */
  uncovered: Array<{ operation: string; missing: string[] }>;
  /** Manifest scopes nothing needs. */
  unneeded: string[];
}

function checkScopes(
  granted: string[],
  needs: OperationNeed[],
  other: Array<{ scope: string; reason: string }>,
): ScopeReport {
  const have = new Set(granted);
  const uncovered = [
    ...needs.map((n) => ({ operation: n.name, missing: n.scopes.filter((s) => !have.has(s)) })),
    ...other.map((o) => ({ operation: o.reason, missing: have.has(o.scope) ? [] : [o.scope] })),
  ].filter((u) => u.missing.length > 0);
  const needed = new Set([...needs.flatMap((n) => n.scopes), ...other.map((o) => o.scope)]);
  return { uncovered, unneeded: granted.filter((s) => !needed.has(s)) };
}

describe('manifest scopes against the Jira spec', () => {
  const files = sourceFiles(SRC);
  const needs = operationNeeds(JIRA_OPERATIONS);
  const other = nonRestNeeds(files);

  it('names every registered operation exactly as a documented spec path', () => {
    const checker = ContractChecker.fromSpecFile();
    for (const op of Object.values(JIRA_OPERATIONS)) {
      expect(checker.findOperation(op.method, op.path)?.pathTemplate).toBe(op.path);
    }
  });

  it('covers every operation the app calls and asks for nothing more', () => {
    const granted = manifestScopes();
    const report = checkScopes(granted, needs, other);
    console.log(
      `${needs.length} operations need ${JSON.stringify([...new Set(needs.flatMap((n) => n.scopes))].sort())}; ` +
        `non-REST: ${JSON.stringify(other)}; manifest grants ${JSON.stringify(granted)}`,
    );
    expect(report).toEqual({ uncovered: [], unneeded: [] });
  });

  it('fails when a needed scope is removed from the manifest', () => {
    const without = manifestScopes().filter((s) => s !== 'read:jira-user');
    expect(checkScopes(without, needs, other).uncovered).toEqual([
      { operation: 'getUser', missing: ['read:jira-user'] },
      { operation: 'myself', missing: ['read:jira-user'] },
    ]);
    const withoutStorage = manifestScopes().filter((s) => s !== 'storage:app');
    expect(checkScopes(withoutStorage, needs, other).uncovered).toEqual([
      { operation: 'src/ uses @forge/kvs', missing: ['storage:app'] },
    ]);
  });

  it('fails when the manifest asks for a scope nothing needs', () => {
    const extra = [...manifestScopes(), 'manage:jira-configuration'];
    expect(checkScopes(extra, needs, other).unneeded).toEqual(['manage:jira-configuration']);
  });
});

describe('the registry is the only way to Jira', () => {
  it('has no requestJira call in src/ outside the registry, src/jira/operations.ts', () => {
    const files = sourceFiles(SRC);
    const offenders = files.filter(
      (f) => f !== OPERATIONS && /\brequestJira\b/.test(fs.readFileSync(f, 'utf8')),
    );
    console.log(`scanned ${files.length} files in src/ for requestJira`);
    expect(offenders.map((f) => path.relative(ROOT, f))).toEqual([]);
    const calls = fs.readFileSync(OPERATIONS, 'utf8').match(/\brequestJira\(route`/g) ?? [];
    expect(calls).toHaveLength(Object.keys(JIRA_OPERATIONS).length);
  });

  it('sends each operation with exactly the method and path it declares', async () => {
    const sent: Array<{ name: string; method: string; path: string }> = [];
    for (const [name, op] of Object.entries(JIRA_OPERATIONS)) {
      // Each path parameter is its own `{name}`, which route() lets through: the sent path is the template.
      const params = Object.fromEntries(pathParameters(op.path).map((p) => [p, `{${p}}`]));
      const recorder: JiraRequester = {
        requestJira: (url, init) => {
          sent.push({ name, method: init?.method ?? 'GET', path: url.value.replace(/\?$/, '') });
          return Promise.resolve({} as APIResponse);
        },
      };
      const send = op.send as (jira: JiraRequester, params: object, init: object) => Promise<APIResponse>;
      await send(recorder, { ...params, query: new URLSearchParams() }, {});
    }
    expect(sent).toEqual(
      Object.entries(JIRA_OPERATIONS).map(([name, op]) => ({ name, method: op.method, path: op.path })),
    );
  });

  it('makes the client send every request through the registry', () => {
    const client = fs.readFileSync(CLIENT, 'utf8');
    // A literal REST path or a requestJira call in the client would bypass the registry.
    expect(client).not.toMatch(/['"`]\/rest\/api\//);
    expect(client).not.toMatch(/\brequestJira\(/);
    expect(client).toMatch(/JIRA_OPERATIONS\[op\]\.send/);
  });
});
