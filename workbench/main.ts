/**
 * `npm start`: the workbench on localhost. Builds stale Custom UI surfaces, opens (or seeds) the demo database,
 * optionally imports a Jira export, and serves Jira + the app.
 *
 *   npm start -- [--data DIR] [--reset] [--port N] [--host H] [--import FILE] [--contract]
 *                [--latency SCALE] [--rate-limits on|off]
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildSurface, surfaces } from '../scripts/build-static';
import { createWorkbenchApp, ROOT_DIR } from './app';
import { importIssues, importLog } from './import/importer';
import { seedDemo } from './seed/demo';
import { startWorkbenchServer } from './server';
import { DEMO_USERS } from './users';

export interface MainOptions {
  dataDir: string;
  reset: boolean;
  port: number;
  host: string;
  importFile?: string;
  contract: boolean;
  /** Multiplies the realistic latency model: 1 (default) as on a real site, 0 answers at once. */
  latencyScale: number;
  rateLimits: boolean;
}

const USAGE =
  'npm start -- [--data DIR] [--reset] [--port N] [--import FILE] [--contract] [--latency SCALE] [--rate-limits on|off]';

export function parseArgs(argv: string[]): MainOptions {
  const options: MainOptions = {
    dataDir: '.workbench-data',
    reset: false,
    port: 8080,
    host: '127.0.0.1',
    contract: false,
    latencyScale: 1,
    rateLimits: true,
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
    else if (arg === '--latency') {
      options.latencyScale = Number(value());
      if (!Number.isFinite(options.latencyScale) || options.latencyScale < 0)
        throw new Error('--latency needs a scale >= 0 (1 is the realistic model, 0 turns it off)');
    } else if (arg === '--rate-limits') {
      const v = value();
      if (v !== 'on' && v !== 'off') throw new Error('--rate-limits takes on or off');
      options.rateLimits = v === 'on';
    } else throw new Error(`Unknown option ${arg}. Usage: ${USAGE}`);
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

/**
 * Whether root/static/<surface>/build must be rebuilt: its script or stylesheet is missing (index.html links
 * both), or it is older than the surface's sources, the shared UI code (static/shared) or the shared contract.
 */
export function surfaceBuildIsStale(root: string, surface: string): boolean {
  const sharedDirs = [path.join(root, 'src', 'contract'), path.join(root, 'static', 'shared')];
  const sourceDirs = [...sharedDirs, path.join(root, 'static', surface, 'src')].filter((d) =>
    fs.existsSync(d),
  );
  const sources = Math.max(0, ...sourceDirs.map(newestMtime));
  const build = path.join(root, 'static', surface, 'build');
  const outputs = ['main.js', 'main.css'].map((f) => path.join(build, f));
  return !outputs.every((f) => fs.existsSync(f) && fs.statSync(f).mtimeMs >= sources);
}

/** Rebuilds each surface whose build is stale (see surfaceBuildIsStale). */
export async function buildStaleSurfaces(log: (line: string) => void): Promise<string[]> {
  const built: string[] = [];
  for (const surface of surfaces()) {
    if (!surfaceBuildIsStale(ROOT_DIR, surface)) continue;
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
  const app = createWorkbenchApp({
    dataFile,
    contract: options.contract,
    latency: { scale: options.latencyScale },
    rateLimits: options.rateLimits ? {} : 'off',
    storageRateLimits: options.rateLimits,
  });
  if (firstStart) {
    await seedDemo(app, new Date());
    app.grantDemoRoles();
    // The nightly scan runs once now, so the kill review opens with the demo's zombies already flagged.
    const scan = await app.runScheduledTrigger();
    log(`seeded the demo backlog and ran the scheduled scan once (${scan.queue.delivered} queue event(s))`);
  }
  if (options.importFile) {
    const report = await importIssues(app, path.resolve(options.importFile), {});
    for (const line of importLog(options.importFile, report)) log(line);
    // Demo users get their roles on imported projects too, so every page can be tried as each role.
    for (const key of report.projects) app.grantDemoRoles(key);
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
