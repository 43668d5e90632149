/**
 * Startup bench: time from spawning `npm start -- --reset --data <tmp> --port <free>` to the first served page
 * (GET /), printed as one JSON line. Run with `tsx test/bench/startup.ts` (or from `npm run bench`).
 */
import { spawn } from 'node:child_process';
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
  bench: 'startup';
  firstPageMs: number;
  status: number;
  port: number;
}

export async function benchStartup(): Promise<StartupResult> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wb-bench-'));
  const port = await freePort();
  const started = Date.now();
  const child = spawn('npm', ['start', '--', '--reset', '--data', dataDir, '--port', String(port)], {
    cwd: ROOT,
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
    return { bench: 'startup', firstPageMs: Date.now() - started, status, port };
  } finally {
    // npm runs tsx in a child: end the whole group we started.
    if (child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchStartup()
    .then((result) => console.log(JSON.stringify(result)))
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    });
}
