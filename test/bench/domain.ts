/**
 * Domain throughput: parse + recipe detection + score per story, on one core, over the real annotated stories.
 * Target: at least 50,000 stories/s.
 *
 * The target is held to the code bundled ahead of time, as it ships (here by esbuild, the bundler the panel's
 * build uses, without the panel's minifying; Forge's webpack likewise compiles the resolver ahead of time), where a
 * function is a plain function. The same loop is also measured under tsx, the development runner, and printed
 * beside it: tsx keeps every function's name by wrapping it in a call where it is created and reaches each import
 * through a module object, which costs this loop about a tenth. Each measurement runs in a process of its own.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSync } from 'esbuild';

const TARGET = 50_000;
const ROOT = path.resolve(__dirname, '../..');
const LOOP = path.join(__dirname, 'support', 'domain-loop.ts');

interface LoopFigures {
  distinctStories: number;
  stories: number;
  seconds: number;
  cpuSeconds: number;
  checksum: number;
}

function run(command: string, args: string[]): LoopFigures {
  const result = spawnSync(command, args, { encoding: 'utf8', env: process.env });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as LoopFigures;
}

function bundled(): LoopFigures {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outcome-lens-bench-'));
  try {
    const outfile = path.join(dir, 'domain-loop.cjs');
    buildSync({
      entryPoints: [LOOP],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      outfile,
      logLevel: 'error',
      // The stories are read relative to their module's folder, which a bundle does not keep.
      define: { __dirname: JSON.stringify(path.join(ROOT, 'test', 'support')) },
    });
    return run(process.execPath, [outfile]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const rate = (f: LoopFigures, seconds: number) => Math.round(f.stories / seconds);
const asShipped = bundled();
const underTsx = run(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [LOOP]);
if (underTsx.checksum !== asShipped.checksum) throw new Error('the bundled loop and the tsx loop disagree');
const perSecond = rate(asShipped, asShipped.seconds);
const perCpuSecond = rate(asShipped, asShipped.cpuSeconds);

console.log(
  JSON.stringify(
    {
      bench: 'domain',
      what: 'parse + detect recipe + score, one story line at a time, one core, the code bundled as it ships',
      distinctStories: asShipped.distinctStories,
      stories: asShipped.stories,
      seconds: Math.round(asShipped.seconds * 1000) / 1000,
      storiesPerSecond: perSecond,
      microsecondsPerStory: Math.round((asShipped.seconds / asShipped.stories) * 1e6 * 100) / 100,
      target: TARGET,
      meetsTarget: perSecond >= TARGET,
      cpuSeconds: Math.round(asShipped.cpuSeconds * 1000) / 1000,
      storiesPerCpuSecond: perCpuSecond,
      meetsTargetOnCpuTime: perCpuSecond >= TARGET,
      underTsx: {
        storiesPerSecond: rate(underTsx, underTsx.seconds),
        storiesPerCpuSecond: rate(underTsx, underTsx.cpuSeconds),
      },
      checksum: asShipped.checksum,
    },
    null,
    2,
  ),
);
