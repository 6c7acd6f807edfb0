import type pg from 'pg';

// node-postgres is loaded by the first PostgreSQL store opened (loadDriver), not when the server's
// modules load: a server on SQLite (every emulator a test starts) never pays for it.
let driver: typeof pg | undefined;

/** Loads node-postgres; awaited by openPostgresStore and migratePostgres before any pool. */
export async function loadDriver(): Promise<void> {
  driver ??= (await import('pg')).default;
}

/** node-postgres, once loadDriver has loaded it. */
export function pgDriver(): typeof pg {
  if (!driver) throw new Error('node-postgres is not loaded: await loadDriver() first');
  return driver;
}

/** Anything that runs a query: the pool, or one client inside a transaction. */
export type Queryable = pg.Pool | pg.PoolClient;

export interface PoolOptions {
  url: string;
  schema?: string | undefined;
  poolSize?: number | undefined;
}

/** Schema names are taken as given (quoted), so keep them plain: no quoting or escaping games. */
const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export function quoteSchema(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid PostgreSQL schema name: ${schema}`);
  return `"${schema}"`;
}

/**
 * A bounded pool whose connections return int8 as numbers (times are epoch ms and counts, all
 * below 2^53) through its own type table, leaving the process-wide one alone, and search the
 * given schema first, set in the start-up packet so no connection ever runs without it.
 */
export function createPool(options: PoolOptions): pg.Pool {
  const pg = pgDriver();
  const types = new pg.TypeOverrides();
  types.setTypeParser(pg.types.builtins.INT8, Number);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 5_000,
    types,
    ...(options.schema === undefined ? {} : { options: `-c search_path=${quoteSchema(options.schema)}` }),
  });
  // An idle connection that breaks (the database restarted) is dropped by the pool; without a
  // listener its error would end the process. The next query reports the outage to its caller.
  pool.on('error', () => {});
  return pool;
}

/** SQLSTATEs of a transaction PostgreSQL aborted so that another could go on: sent again, it passes. */
const TRANSIENT = new Set(['40P01', '40001']);
const ATTEMPTS = 5;

/**
 * Runs a write, and again when PostgreSQL aborted it for a deadlock or a serialization failure.
 * Writers take row locks in one order (task rows, then count rows by status), so a deadlock
 * needs two batches touching the same tasks at once; the one aborted had changed nothing.
 */
export async function retryingAborted<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (attempt >= ATTEMPTS || typeof code !== 'string' || !TRANSIENT.has(code)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
    }
  }
}

/** Runs `work` in one transaction on one connection; rolls back when it throws. */
export async function transaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    client.release();
    return result;
  } catch (error) {
    // A connection that cannot even roll back is broken: destroy it rather than pool it.
    const broken = await client.query('ROLLBACK').then(
      () => undefined,
      (rollbackError: unknown) => rollbackError,
    );
    client.release(broken instanceof Error ? broken : undefined);
    throw error;
  }
}

/**
 * PostgreSQL text cannot hold U+0000 (SQLite's can), so no stored key does: a lookup by such a
 * key (an id from a path, a name from a sign-in) finds nothing, rather than failing the query.
 */
export const unstorable = (...keys: (string | null | undefined)[]): boolean =>
  keys.some((key) => key?.includes('\u0000'));
