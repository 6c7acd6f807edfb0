import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import BetterSqlite3 from 'better-sqlite3';

/**
 * A file beside the database that holds no data: its SQLite lock alone is the start-up lock. A
 * lock file of its own, because holding the database's write lock through the start-up work
 * would block that very work, which writes through the store's own connection.
 */
export const STARTUP_LOCK_FILE = 'ddm-jobs.startup.lock';

/** How often a process waiting for the lock tries again. */
const RETRY_MS = 20;

/**
 * Runs `work` while holding an exclusive lock on the data folder's start-up lock file, so that
 * processes starting at once on one folder apply their declarations one after the other. The
 * lock is SQLite's own file lock: the operating system drops it when the holder dies, so a crash
 * leaves no stale lock behind. It is polled rather than waited for with a busy timeout, which
 * would block the event loop.
 */
export function sqliteStartupLock(dataDir: string) {
  return async <T>(work: () => Promise<T>): Promise<T> => {
    const lock = new BetterSqlite3(join(dataDir, STARTUP_LOCK_FILE));
    try {
      lock.pragma('busy_timeout = 0');
      for (;;) {
        try {
          lock.exec('BEGIN EXCLUSIVE');
          break;
        } catch (error) {
          if ((error as { code?: unknown }).code !== 'SQLITE_BUSY') throw error;
          await sleep(RETRY_MS);
        }
      }
      return await work();
    } finally {
      // Closing ends the transaction, which releases the lock.
      lock.close();
    }
  };
}
