import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';

export type WorkbenchDb = Database.Database;

/**
 * Opens the workbench's embedded SQLite database. Each part of the workbench (Jira emulator, app storage,
 * queue) owns its own tables, prefixed by its name, in this one file so a demo survives a restart.
 * Pass ':memory:' for a throwaway database in tests.
 */
export function openDatabase(file: string): WorkbenchDb {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  return db;
}
