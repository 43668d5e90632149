/**
 * Where the workbench takes the app's handlers from: the TypeScript sources in src/ (the default), or the deploy
 * artifact that `npm run bundle` builds with Forge's own bundler (dist/forge-bundle/, the code `forge deploy`
 * would upload). `OUTCOME_LENS_APP=bundle` switches every workbench (tests, `npm start`) to the bundle.
 */
import fs from 'node:fs';
import path from 'node:path';

export const ROOT_DIR = path.resolve(__dirname, '..');
/** The folder scripts/bundle-backend.ts writes: one `<module>.cjs` per handler module of manifest.yml. */
export const BUNDLE_DIR = path.join(ROOT_DIR, 'dist', 'forge-bundle');

export type AppSource = 'src' | 'bundle';

/** The source the environment asks for: OUTCOME_LENS_APP=bundle, or src/ when unset. */
export function appSourceFromEnv(env: NodeJS.ProcessEnv = process.env): AppSource {
  const value = env.OUTCOME_LENS_APP;
  if (value === undefined || value === '' || value === 'src') return 'src';
  if (value === 'bundle') return 'bundle';
  throw new Error(`OUTCOME_LENS_APP must be "src" or "bundle", not "${value}"`);
}

type Json = Record<string, unknown>;

/**
 * Loads the handler a manifest `handler` field names (`index.issuePanel`: module `index`, export `issuePanel`)
 * from src/ or from the bundle. Lazily, at call time: the app's modules may not compile (or the bundle may not be
 * built) while the workbench already must, so a missing handler is a clear error at call time, not a crash at start.
 */
export function loadHandler(handlerRef: string, source: AppSource, bundleDir: string = BUNDLE_DIR): unknown {
  const dot = handlerRef.lastIndexOf('.');
  const file = handlerRef.slice(0, dot);
  const exportName = handlerRef.slice(dot + 1);
  const where = source === 'bundle' ? path.join(bundleDir, `${file}.cjs`) : path.join(ROOT_DIR, 'src', file);
  const shown = path.relative(ROOT_DIR, source === 'bundle' ? where : `${where}.ts`);
  if (source === 'bundle' && !fs.existsSync(where))
    throw new Error(
      `The app handler ${handlerRef} cannot be loaded: ${shown} is missing (run npm run bundle)`,
    );
  let mod: Json;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(where) as Json;
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new Error(`The app handler ${handlerRef} cannot be loaded: ${shown} failed (${reason})`);
  }
  const handler = mod[exportName];
  if (typeof handler !== 'function')
    throw new Error(
      `The app handler ${handlerRef} is missing: ${shown} has no function export "${exportName}"`,
    );
  return handler;
}
