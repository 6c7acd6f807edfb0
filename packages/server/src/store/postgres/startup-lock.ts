import type pg from 'pg';

/** The advisory lock's first key: ours among the database's users (migrate.ts has 01, the writers 02). */
const STARTUP_LOCK = 0x6464_6d03;

/**
 * Runs `work` while holding a session advisory lock of the schema, on a connection of its own, so
 * that nodes starting at once apply their declarations (bootstrap file, first admin, demo and
 * scenario tasks) one after the other: each finds what the one before wrote. The work itself uses
 * the pool's other connections and commits as it goes; only the order is serialised. A node that
 * dies holding the lock loses its connection, and PostgreSQL releases the lock with it.
 */
export function postgresStartupLock(pool: pg.Pool, schemaHash: number) {
  return async <T>(work: () => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    let failure: Error | undefined;
    try {
      await client.query('SELECT pg_advisory_lock($1, $2)', [STARTUP_LOCK, schemaHash]);
      try {
        return await work();
      } finally {
        await client.query('SELECT pg_advisory_unlock($1, $2)', [STARTUP_LOCK, schemaHash]);
      }
    } catch (error) {
      // The unlock may not have run (the connection broke): drop the connection rather than pool
      // it, so that no pooled session keeps the lock.
      failure = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      client.release(failure);
    }
  };
}
