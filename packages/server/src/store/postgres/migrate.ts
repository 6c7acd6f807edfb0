import type pg from 'pg';
import { latestVersion, NewerSchemaError } from '../schema-version.js';
import { MIGRATIONS } from './migrations.js';
import { quoteSchema } from './pool.js';

/** The advisory lock's first key: ours among the database's users; the second is the schema's hash. */
const MIGRATE_LOCK = 0x6464_6d01;

/**
 * Creates the schema if missing and applies the migrations not yet applied, each in its own
 * transaction, under a session advisory lock per schema: several nodes starting at once take
 * turns, and each finds what the one before applied, so each migration runs exactly once.
 * Returns the versions this call applied. A schema a newer release has migrated is refused
 * (NewerSchemaError) before anything is written to it.
 */
export async function migrate(pool: pg.Pool, schema: string | undefined): Promise<number[]> {
  const client = await pool.connect();
  let failure: Error | undefined;
  try {
    // Before the schema exists, current_schema() does not name it: hash the name given.
    await client.query('SELECT pg_advisory_lock($1, hashtext(coalesce($2, current_schema())))', [
      MIGRATE_LOCK,
      schema ?? null,
    ]);
    try {
      return await applyPending(client, schema);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, hashtext(coalesce($2, current_schema())))', [
        MIGRATE_LOCK,
        schema ?? null,
      ]);
    }
  } catch (error) {
    // A session that failed midway may still hold the lock: drop the connection, not pool it.
    failure = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    client.release(failure);
  }
}

async function applyPending(client: pg.PoolClient, schema: string | undefined): Promise<number[]> {
  // Looked up first: creating needs a privilege on the database that a schema set up by an
  // administrator does not require of the nodes.
  if (schema !== undefined) {
    const found = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (found.rowCount === 0) await client.query(`CREATE SCHEMA ${quoteSchema(schema)}`);
  }
  await client.query(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
  );
  const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
  const done = new Set(rows.map((row) => row.version));
  const found = Math.max(0, ...done);
  const known = latestVersion(MIGRATIONS);
  if (found > known) throw new NewerSchemaError('the database ', found, known);
  const applied: number[] = [];
  for (const migration of MIGRATIONS) {
    if (done.has(migration.version)) continue;
    await client.query('BEGIN');
    try {
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        Date.now(),
      ]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
    applied.push(migration.version);
  }
  return applied;
}
