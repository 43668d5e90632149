/**
 * Runs @forge/lint over the app as `forge lint` does, offline, and fails on any finding.
 *
 * What `forge lint` does (@forge/bundler's runLinter): read manifest.yml with @forge/cli-shared's ConfigFile,
 * list every file under ./src (minus .gitignore'd ones, .git and node_modules), and run @forge/lint's client-side
 * linters over them: scopes for each product call (`requestJira(route\`...\`)`), storage, egress, handlers,
 * function timeouts, the manifest itself. We add the Custom UI sources (static/<surface>/src), which the same
 * linters read for @forge/bridge calls and browser fetches.
 *
 * Offline: the scope linter's bootstrap() fetches Atlassian's API specs from developer.atlassian.com unless
 * USE_LOCAL_SWAGGER names local copies (PermissionLinter.bootstrap). We answer with the Jira platform spec kept
 * in the repository (DEFAULT_SPEC_FILE, the one the emulator is held to) and empty specs for the products the app never calls; any other network
 * call fails the run instead of being skipped. The Statsig service the CLI asks for deprecated runtimes is
 * replaced by its own offline default (no deprecated runtimes).
 *
 * Two traps make a linter pass without checking: @forge/lint silently skips a .ts file that tsconfig.json's
 * `include` does not list (it reads the entries as globs, so a bare folder name matches no file), and an
 * endpoint it cannot read as a literal template is not checked at all. The report counts the files actually
 * parsed, and the script fails unless that is every file it was given.
 *
 * Usage: tsx scripts/forge-lint.ts   (npm run lint:forge)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigFile, FileSystemReader, FileSystemWriter, type StatsigService } from '@forge/cli-shared';
import {
  getClientSideLintersOnly,
  lint,
  parseSourceFile,
  PermissionLinter,
  type LintInput,
  type LintResult,
} from '@forge/lint';
import type { ManifestSchema } from '@forge/manifest';
import { DEFAULT_SPEC_FILE, readSpec } from '../workbench/jira/openapi';

export const ROOT = path.resolve(__dirname, '..');

export interface LintFinding {
  file: string;
  line: number;
  column: number;
  level: 'error' | 'warning' | 'approval';
  message: string;
}

/** A Jira call as the scope linter read it: the template with each `${...}` as `\S*`. */
export interface SeenJiraCall {
  file: string;
  line: number;
  method: string;
  path: string;
}

export interface ForgeLintReport {
  /** Files handed to the linters, relative to the repository. */
  files: string[];
  /** Of those, the ones @forge/lint parsed (a file it skips is checked by nothing). */
  parsed: string[];
  /** Every Jira call the scope linter found and checked. */
  jiraCalls: SeenJiraCall[];
  findings: LintFinding[];
  durationMs: number;
}

export interface ForgeLintOptions {
  /** Changes the manifest the linters see (a test removes a scope to prove a finding is reported). */
  manifest?: (manifest: ManifestSchema) => ManifestSchema;
  /** The Jira platform OpenAPI spec the scope linter reads. */
  jiraSpecFile?: string;
  /** Lint only these files (relative to the repository); default filesToLint(). */
  files?: string[];
}

/** The products' spec files PermissionLinter reads when USE_LOCAL_SWAGGER is set, in its order. */
const SPEC_ENV = [
  'LOCAL_JIRA_SWAGGER',
  'LOCAL_JSM_SWAGGER',
  'LOCAL_JSW_SWAGGER',
  'LOCAL_CONF_SWAGGER',
  'LOCAL_CONF_V2_SWAGGER',
  'LOCAL_BB_SWAGGER',
] as const;

const offlineStatsig = {
  getDeprecatedRuntimes: () => Promise.resolve([] as string[]),
} as unknown as StatsigService;

/** @forge/lint's own scope linter, which also tells which Jira calls it found (its matches are per file). */
class ObservedPermissionLinter extends PermissionLinter {
  readonly seen: SeenJiraCall[] = [];

  override batchExecuteImpl(inputs: LintInput[]): Promise<LintResult[]> {
    return super.batchExecuteImpl(inputs).then((results) => {
      for (const [file, matches] of this.matches)
        for (const call of matches.jira)
          this.seen.push({ file: path.relative(ROOT, path.resolve(ROOT, file)), ...pick(call) });
      return results;
    });
  }
}

function pick(call: { line: number; method: string; path: string }) {
  return { line: call.line, method: call.method.toUpperCase(), path: call.path };
}

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory())
      return entry.name === 'node_modules' || entry.name === 'build' ? [] : listFiles(full);
    return /\.(tsx?|jsx?|cjs|mjs)$/.test(entry.name) ? [full] : [];
  });
}

/** src/ (what forge lint reads) and each Custom UI surface's sources, relative to the repository. */
export function filesToLint(): string[] {
  const surfaces = fs
    .readdirSync(path.join(ROOT, 'static'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => path.join(ROOT, 'static', d.name, 'src'));
  return [path.join(ROOT, 'src'), ...surfaces]
    .flatMap(listFiles)
    .map((f) => path.relative(ROOT, f))
    .sort();
}

/** Runs `fn` with the network closed: the only fetches @forge/lint makes are answered from local files. */
async function offline<T>(
  specs: Record<(typeof SPEC_ENV)[number], string>,
  fn: () => Promise<T>,
): Promise<T> {
  const saved = { ...process.env };
  const savedFetch = globalThis.fetch;
  Object.assign(process.env, { USE_LOCAL_SWAGGER: 'true', ...specs });
  globalThis.fetch = (input: Parameters<typeof fetch>[0]) => {
    const url = input instanceof Request ? input.url : input instanceof URL ? input.href : input;
    return Promise.reject(new Error(`forge lint tried the network (${url}); it must run offline`));
  };
  try {
    return await fn();
  } finally {
    globalThis.fetch = savedFetch;
    for (const key of ['USE_LOCAL_SWAGGER', ...SPEC_ENV]) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  }
}

function findingsOf(results: LintResult[]): LintFinding[] {
  return results.flatMap((result) =>
    (['errors', 'warnings', 'approvals'] as const).flatMap((kind) =>
      result[kind].map((rule) => ({
        file: path.relative(ROOT, path.resolve(ROOT, result.file)),
        line: rule.line,
        column: rule.column,
        level: rule.class,
        message: rule.message,
      })),
    ),
  );
}

export async function runForgeLint(options: ForgeLintOptions = {}): Promise<ForgeLintReport> {
  const started = Date.now();
  const cwd = process.cwd();
  // @forge/lint resolves files, tsconfig.json and manifest.yml against the working directory, as the CLI runs.
  process.chdir(ROOT);
  const specDir = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-lint-specs-'));
  try {
    const empty = path.join(specDir, 'no-paths.json');
    fs.writeFileSync(empty, JSON.stringify({ paths: {} }));
    const specs = Object.fromEntries(SPEC_ENV.map((name) => [name, empty])) as Record<
      (typeof SPEC_ENV)[number],
      string
    >;
    // The scope linter reads only `paths`; the repository keeps the spec gzipped.
    specs.LOCAL_JIRA_SWAGGER = path.join(specDir, 'jira-platform.json');
    const jiraSpec = readSpec(options.jiraSpecFile ?? DEFAULT_SPEC_FILE);
    fs.writeFileSync(specs.LOCAL_JIRA_SWAGGER, JSON.stringify({ paths: jiraSpec.paths }));

    const config = new ConfigFile(new FileSystemReader(), new FileSystemWriter());
    const read = await config.readConfig();
    const manifest = options.manifest ? options.manifest(structuredClone(read)) : read;
    const files = options.files ?? filesToLint();
    const parsed: string[] = [];
    const logger = { info: (message: string) => console.log(message) };
    // The CLI's client-side linters, with the scope linter swapped for one that reports what it saw.
    const permissions = new ObservedPermissionLinter('development', manifest, logger);
    const linters = (await getClientSideLintersOnly(manifest, 'development', logger, offlineStatsig)).map(
      (linter) => (linter instanceof PermissionLinter ? permissions : linter),
    );
    const results = await offline(specs, () =>
      lint(files, manifest, 'development', logger, offlineStatsig, {
        linter: { mode: 'client-side' },
        linters,
        parseFunction: async (file, parser, readFile): Promise<LintInput> => {
          const input = await parseSourceFile(file, parser, readFile);
          if (input.ast) parsed.push(file);
          return input;
        },
      }),
    );
    return {
      files,
      parsed: parsed.sort(),
      jiraCalls: permissions.seen,
      findings: findingsOf(results),
      durationMs: Date.now() - started,
    };
  } finally {
    fs.rmSync(specDir, { recursive: true, force: true });
    process.chdir(cwd);
  }
}

if (require.main === module) {
  runForgeLint().then(
    (report) => {
      const skipped = report.files.filter((f) => !report.parsed.includes(f));
      for (const f of report.findings)
        console.error(`${f.file}:${f.line}:${f.column} ${f.level}: ${f.message}`);
      for (const f of skipped)
        console.error(`${f}: not parsed by @forge/lint (is it in tsconfig.json's include?)`);
      console.log(
        `@forge/lint: ${report.parsed.length} of ${report.files.length} files linted in ${report.durationMs} ms, ` +
          `${report.jiraCalls.length} Jira calls checked against the manifest's scopes, ` +
          `${report.findings.length} finding(s)`,
      );
      // A run that parsed nothing or saw no Jira call checked nothing: that is a failure too.
      const vacuous = report.parsed.length === 0 || report.jiraCalls.length === 0;
      if (vacuous) console.error('@forge/lint checked nothing: no file parsed or no Jira call found');
      if (report.findings.length > 0 || skipped.length > 0 || vacuous) process.exitCode = 1;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
