/**
 * `npm start`: the workbench on localhost. Builds stale Custom UI surfaces, opens (or seeds) the demo database,
 * optionally imports a Jira export, and serves Jira + the app.
 *
 *   npm start -- [--data DIR] [--reset] [--port N] [--host H] [--import FILE] [--contract]
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildSurface, surfaces } from '../scripts/build-static';
import { createWorkbenchApp, ROOT_DIR, type WorkbenchApp } from './app';
import { startWorkbenchServer } from './server';
import { DEMO_USERS } from './users';

export interface MainOptions {
  dataDir: string;
  reset: boolean;
  port: number;
  host: string;
  importFile?: string;
  contract: boolean;
}

export function parseArgs(argv: string[]): MainOptions {
  const options: MainOptions = {
    dataDir: '.workbench-data',
    reset: false,
    port: 8080,
    host: '127.0.0.1',
    contract: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--data') options.dataDir = value();
    else if (arg === '--reset') options.reset = true;
    else if (arg === '--port') {
      options.port = Number(value());
      if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535)
        throw new Error('--port needs a port number');
    } else if (arg === '--host') options.host = value();
    else if (arg === '--import') options.importFile = value();
    else if (arg === '--contract') options.contract = true;
    else
      throw new Error(
        `Unknown option ${arg}. Usage: npm start -- [--data DIR] [--reset] [--port N] [--import FILE] [--contract]`,
      );
  }
  return options;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** Rebuilds each surface whose build is missing or older than its sources (or the shared contract). */
export async function buildStaleSurfaces(log: (line: string) => void): Promise<string[]> {
  const built: string[] = [];
  const contractDir = path.join(ROOT_DIR, 'src', 'contract');
  const shared = fs.existsSync(contractDir) ? newestMtime(contractDir) : 0;
  for (const surface of surfaces()) {
    const out = path.join(ROOT_DIR, 'static', surface, 'build', 'main.js');
    const sources = Math.max(shared, newestMtime(path.join(ROOT_DIR, 'static', surface, 'src')));
    if (fs.existsSync(out) && fs.statSync(out).mtimeMs >= sources) continue;
    try {
      await buildSurface(surface);
      built.push(surface);
      log(`built static/${surface}/build`);
    } catch (error) {
      log(`could not build static/${surface}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return built;
}

type SeedDemo = (app: WorkbenchApp, now: Date) => Promise<void>;
type ImportIssues = (app: WorkbenchApp, file: string, options: Record<string, unknown>) => Promise<unknown>;

/** Loads a function from a workbench module that may not have landed yet; null with a reason if missing. */
function optional<T>(modulePath: string, name: string): { fn: T | null; reason?: string } {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(modulePath) as Record<string, unknown>;
    const fn = mod[name];
    return typeof fn === 'function'
      ? { fn: fn as T }
      : { fn: null, reason: `${modulePath} exports no ${name}` };
  } catch (error) {
    return { fn: null, reason: error instanceof Error ? error.message.split('\n')[0] : String(error) };
  }
}

export async function main(argv: string[]): Promise<void> {
  const options = parseArgs(argv);
  const log = (line: string): void => console.log(`[workbench] ${line}`);
  const dataDir = path.resolve(options.dataDir);
  if (options.reset) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    log(`reset ${dataDir}`);
  }
  await buildStaleSurfaces(log);

  const dataFile = path.join(dataDir, 'workbench.sqlite');
  const firstStart = !fs.existsSync(dataFile);
  const app = createWorkbenchApp({ dataFile, contract: options.contract });
  if (firstStart) {
    const seed = optional<SeedDemo>('./seed/demo', 'seedDemo');
    if (seed.fn) {
      await seed.fn(app, new Date());
      log('seeded the demo backlog');
    } else log(`no demo seed yet (workbench/seed/demo.ts: ${seed.reason}); starting with an empty Jira`);
    app.grantDemoRoles();
  }
  if (options.importFile) {
    const importer = optional<ImportIssues>('./import/importer', 'importIssues');
    if (!importer.fn)
      throw new Error(`--import is not available yet (workbench/import/importer.ts: ${importer.reason})`);
    const report = await importer.fn(app, path.resolve(options.importFile), {});
    log(`imported ${options.importFile}: ${JSON.stringify(report)}`);
    // Demo users get their roles on imported projects too, so every page can be tried as each role.
    const projects = (report as { projects?: unknown }).projects;
    for (const key of Array.isArray(projects) ? projects : [])
      if (typeof key === 'string') app.grantDemoRoles(key);
  }

  const server = await startWorkbenchServer(app, { port: options.port, host: options.host });
  log(`data in ${dataDir}`);
  log(`users: ${DEMO_USERS.map((u) => u.name).join(', ')} (add ?user=NAME; REST takes Basic auth NAME:any)`);
  console.log(`Outcome Lens workbench: ${server.url}/`);

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void server.close().then(() => {
      app.close();
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(`[workbench] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
