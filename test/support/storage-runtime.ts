/**
 * The Forge runtime installed over a store and a queue a test owns, without Jira: for the tests of @forge/kvs and
 * @forge/events themselves. The parts are read through getters, so a test may swap a store or queue mid-suite.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../workbench/db';
import { KvsStore } from '../../workbench/forge/kvs-store';
import { QueueHost } from '../../workbench/forge/queue';
import { installForgeRuntime } from '../../workbench/forge/runtime';

const noJira = { handle: () => Promise.reject(new Error('Jira is not part of this test')) };

/** Installs the runtime; each part a test does not give is an in-memory one of its own. Returns the uninstall. */
export function installStorageRuntime(parts: { kvs?: () => KvsStore; queue?: () => QueueHost }): () => void {
  const ownStore = parts.kvs ? null : new KvsStore(openDatabase(':memory:'));
  const ownQueue = parts.queue ? null : new QueueHost(openDatabase(':memory:'));
  return installForgeRuntime({
    jira: noJira,
    get kvs() {
      return parts.kvs?.() ?? ownStore!;
    },
    get queue() {
      return parts.queue?.() ?? ownQueue!;
    },
    appAccountId: 'app-account',
    installContext: 'ari:cloud:jira::site/workbench',
  });
}

/** A folder of its own for a test's database file, removed by `remove`. */
export function aTempFolder(prefix: string): { file: (name: string) => string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return {
    file: (name) => path.join(dir, name),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
