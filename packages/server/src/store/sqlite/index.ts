import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Store } from '../interfaces.js';
import { createSqliteCredentialStore } from './credential-store.js';
import { createSqliteIdentityStore } from './identity-store.js';
import { createSqliteJobStore } from './job-store.js';
import { migrate } from './migrate.js';
import { createSqliteShardStore } from './shard-store.js';
import { createSqliteSnapshots } from './snapshot.js';
import { sqliteStartupLock } from './startup-lock.js';

export interface SqliteOptions {
  /** The data folder; the database is `ddm-jobs.sqlite` inside it. */
  dataDir: string;
}

export const SQLITE_FILE = 'ddm-jobs.sqlite';

/**
 * Opens (creating if needed) the SQLite store in the data folder and applies pending migrations.
 * WAL lets readers run beside the one writer, including `ddm-jobs iam` on a running server's
 * folder; synchronous=NORMAL in WAL mode loses no committed transaction when the process dies.
 */
export function openSqliteStore(options: SqliteOptions): Store {
  mkdirSync(options.dataDir, { recursive: true });
  const db = new BetterSqlite3(join(options.dataDir, SQLITE_FILE));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  try {
    migrate(db);
  } catch (error) {
    // E.g. a file a newer release migrated: nothing was written; let go of it.
    db.close();
    throw error;
  }
  const ping = db.prepare('SELECT 1').pluck();
  const { forgetSubjects, ...identity } = createSqliteIdentityStore(db);
  return {
    ...createSqliteJobStore(db),
    ...identity,
    ...createSqliteSnapshots(db, forgetSubjects),
    ...createSqliteCredentialStore(db),
    ...createSqliteShardStore(db),
    async ping() {
      ping.get();
    },
    withStartupLock: sqliteStartupLock(options.dataDir),
    async close() {
      if (db.open) db.close();
    },
  };
}
