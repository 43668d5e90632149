/**
 * Bundles the backend the way `forge deploy` does, offline: Forge's own bundler (@forge/bundler's node bundler:
 * webpack + ts-loader with the app's tsconfig.json) with one entry per module named by a `handler` of
 * manifest.yml's `function` modules, read through @forge/cli-shared's ConfigFile as the CLI reads it.
 * The artifact lands in dist/forge-bundle/ (gitignored): `index.cjs` exports the handlers, next to the runtime
 * files Forge adds. The workbench loads it instead of src/ when OUTCOME_LENS_APP=bundle.
 *
 * Offline: the only network step of `forge deploy`'s bundling is fetching Forge's node runtime loader and wrapper
 * from Atlassian's CDN (NetworkWrapperProvider). Those scripts run the app inside Forge's own runtime, which the
 * workbench replaces, so a stub provider writes placeholders that say so and throw if anyone runs them.
 *
 * Usage: tsx scripts/bundle-backend.ts   (npm run bundle)
 */
import fs from 'node:fs';
import path from 'node:path';
import { getEntryPoints, getNodeBundler, NODE_RUNTIME_CODE_FILE, type BundlerOutput } from '@forge/bundler';
import type { RuntimeScript, WrapperProvider } from '@forge/bundler/out/wrapper-provider';
import { ConfigFile, FileSystemReader, FileSystemWriter, type Logger } from '@forge/cli-shared';

export const ROOT = path.resolve(__dirname, '..');
/** Where the deploy artifact is written. */
export const BUNDLE_DIR = path.join(ROOT, 'dist', 'forge-bundle');

const offlineRuntime: WrapperProvider = {
  getNodeRuntimeWrapper: () => Promise.resolve(placeholder('wrapper')),
  getNodeRuntimeLoader: () => Promise.resolve(placeholder('loader')),
};

function placeholder(kind: 'wrapper' | 'loader'): RuntimeScript {
  const script =
    `// Placeholder for Forge's node runtime ${kind}, which forge deploy fetches from Atlassian's CDN.\n` +
    `// The workbench runs the handlers itself (globalThis.__forge_runtime__ / __forge_fetch__).\n` +
    `throw new Error('Forge node runtime ${kind} is not part of the offline bundle');\n`;
  return { script, source: `offline:${kind}`, version: 'offline' };
}

function consoleLogger(): Logger {
  return {
    traceEnabled: false,
    debugEnabled: false,
    trace: () => undefined,
    debug: () => undefined,
    info: (message) => console.log(message),
    warn: (message) => console.warn(message),
    error: (error) => console.error(error),
  };
}

export interface BundleReport {
  dir: string;
  /** Handler modules (entry names) and their exported functions, as manifest.yml names them. */
  handlers: Array<{ module: string; func: string }>;
  files: string[];
  /** Packages webpack pulled into the bundle. */
  packages: string[];
  durationMs: number;
}

/** Builds the bundle into `outDir` (replaced). Runs with the repository as the working directory, as forge does. */
export async function bundleBackend(outDir: string = BUNDLE_DIR): Promise<BundleReport> {
  const started = Date.now();
  const cwd = process.cwd();
  process.chdir(ROOT);
  try {
    const reader = new FileSystemReader();
    const config = new ConfigFile(reader, new FileSystemWriter());
    const handlers = await config.getAppHandlers();
    const entryPoints = getEntryPoints(handlers);
    const bundler = getNodeBundler(consoleLogger(), offlineRuntime, config);
    const output: BundlerOutput = await bundler.bundle({ appDirectory: ROOT, entryPoints });
    fs.rmSync(outDir, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(outDir), { recursive: true });
    fs.cpSync(output.outputDir, outDir, { recursive: true });
    fs.chmodSync(outDir, 0o755); // the bundler's temporary folder is private to its creator
    fs.rmSync(output.outputDir, { recursive: true, force: true });
    for (const [name, content] of output.additionalOutputs ?? []) {
      const target = path.join(outDir, name);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      // A string is a path to copy (i18n bundles); a Buffer is the content.
      if (typeof content === 'string') fs.copyFileSync(content, target);
      else fs.writeFileSync(target, content);
    }
    return {
      dir: outDir,
      handlers,
      files: fs.readdirSync(outDir).sort(),
      packages: output.metadata?.modules ?? [],
      durationMs: Date.now() - started,
    };
  } finally {
    process.chdir(cwd);
  }
}

if (require.main === module) {
  bundleBackend().then(
    (report) => {
      const exported = report.handlers.map((h) => `${h.module}.${h.func}`).join(', ');
      console.log(
        `@forge/bundler: ${path.relative(ROOT, report.dir)}/ in ${report.durationMs} ms: ${report.files.join(', ')}; ` +
          `handlers ${exported}; runtime file ${NODE_RUNTIME_CODE_FILE} is an offline placeholder`,
      );
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
