import BetterSqlite3 from 'better-sqlite3';

/** What a backup copied. */
export interface SqliteBackup {
  /** Pages of the database copied. */
  pages: number;
  /** The latest migration the copy records. */
  schemaVersion: number;
}

/**
 * Copies the ddm-jobs database `source` into the file `target` (`ddm-jobs backup`) through
 * SQLite's online backup API, while a server may be writing to it. All pages go in one step:
 * one read transaction, so one consistent snapshot, which in WAL mode never blocks the server's
 * writes (copied page by page instead, any write by another connection would restart the copy,
 * and a busy server could keep it from ever finishing). The copy's integrity is then checked.
 */
export async function backupSqliteFile(source: string, target: string): Promise<SqliteBackup> {
  const db = new BetterSqlite3(source, { fileMustExist: true });
  let pages: number;
  try {
    // The server may hold the write lock for a moment: wait for it, as the server's peers do.
    db.pragma('busy_timeout = 5000');
    const known = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
      .get();
    if (!known) throw new Error(`${source} is not a ddm-jobs database (it has no schema_migrations table)`);
    ({ totalPages: pages } = await db.backup(target, { progress: () => 0x7fff_ffff }));
  } finally {
    db.close();
  }
  const copy = new BetterSqlite3(target, { fileMustExist: true });
  try {
    const integrity = copy.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new Error(`the copy failed its integrity check: ${String(integrity)}`);
    const schemaVersion = copy.prepare('SELECT max(version) FROM schema_migrations').pluck().get() as number;
    return { pages, schemaVersion };
  } finally {
    copy.close();
  }
}
