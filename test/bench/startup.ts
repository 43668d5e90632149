/**
 * Startup bench: a fresh clone of this repository (its committed HEAD, no Custom UI builds, no data; the
 * installed node_modules linked in, since installing is not starting), timed from spawning `npm start -- --data
 * <tmp> --port <free>` to the first served page (GET /). Then a second start on the same data (demo already
 * seeded, builds present). Printed as JSON. Run with `npm run bench -- startup`.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const TIMEOUT_MS = 120_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const port = (probe.address() as net.AddressInfo).port;
      probe.close(() => resolve(port));
    });
  });
}

async function firstPage(url: string, deadline: number): Promise<number> {
  for (;;) {
    try {
      const res = await fetch(url);
      await res.text();
      if (res.ok) return res.status;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`no page from ${url} within ${TIMEOUT_MS} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface StartupResult {
  firstPageMs: number;
  status: number;
  port: number;
}

/** Starts the workbench in `cwd` on `dataDir` and times the first served page. */
export async function timeStartup(cwd: string, dataDir: string): Promise<StartupResult> {
  const port = await freePort();
  const started = Date.now();
  const child = spawn('npm', ['start', '--', '--data', dataDir, '--port', String(port)], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  try {
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`))),
    );
    const status = await Promise.race([firstPage(`http://127.0.0.1:${port}/`, started + TIMEOUT_MS), exited]);
    return { firstPageMs: Date.now() - started, status, port };
  } finally {
    // npm runs tsx in a child: end the whole group we started.
    if (child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}

export async function benchStartup() {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'wb-bench-'));
  const clone = path.join(scratch, 'clone');
  const dataDir = path.join(scratch, 'data');
  try {
    execFileSync('git', ['clone', '--quiet', ROOT, clone]);
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(clone, 'node_modules'));
    // The clone sits beside no shared/ folder; the workbench does not need it to start.
    const fresh = await timeStartup(clone, dataDir);
    const restart = await timeStartup(clone, dataDir);
    return {
      bench: 'startup',
      freshClone: { ...fresh, what: 'builds the Custom UI, creates the database, seeds the demo backlog' },
      restart: { ...restart, what: 'same data folder: builds present, demo already seeded' },
      target: { firstPageMsBelow: 60_000, ok: fresh.firstPageMs < 60_000 },
    };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchStartup()
    .then((result) => console.log(JSON.stringify(result, null, 2)))
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    });
}
