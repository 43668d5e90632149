/**
 * `npm run bench [-- name...]`: runs each benchmark script test/bench/<name>.ts in its own process (so memory
 * figures are its own) and lets it print its JSON figures. No name: all of them.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const here = __dirname;
const all = fs
  .readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .map((f) => f.replace(/\.ts$/, ''))
  .sort();
const chosen = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = chosen.filter((name) => !all.includes(name));
if (unknown.length) {
  console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Known: ${all.join(', ')}.`);
  process.exit(2);
}
const tsx = path.resolve(here, '../../node_modules/.bin/tsx');
let failed = 0;
for (const name of chosen.length ? chosen : all) {
  console.log(`\n## bench ${name}`);
  const result = spawnSync(tsx, [path.join(here, `${name}.ts`)], { stdio: 'inherit', env: process.env });
  if (result.status !== 0) failed += 1;
}
process.exit(failed ? 1 : 0);
