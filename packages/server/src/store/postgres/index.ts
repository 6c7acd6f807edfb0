import type { Store } from '../interfaces.js';
import { createPostgresCredentialStore } from './credential-store.js';
import { createPostgresIdentityStore } from './identity-store.js';
import { writersLock } from './job-events.js';
import { createPostgresJobStore } from './job-store.js';
import { migrate } from './migrate.js';
import { createFeedAnnouncer, listenForChanges } from './notifications.js';
import { createPool, loadDriver, type PoolOptions } from './pool.js';
import { createPostgresShardStore } from './shard-store.js';
import { createPostgresSnapshots } from './snapshot.js';
import { postgresStartupLock } from './startup-lock.js';

export interface PostgresOptions {
  /** `postgres://user:password@host:5432/database` */
  url: string;
  /** The schema holding the tables, created if missing; the connection's default (`public`) when left out. */
  schema?: string;
  /** Connections at most (10 by default). */
  poolSize?: number;
}

const poolOptions = (options: PostgresOptions): PoolOptions => ({
  url: options.url,
  schema: options.schema,
  poolSize: options.poolSize,
});

/**
 * Opens the PostgreSQL store and applies pending migrations (safe when several nodes start at
 * once). Any number of nodes may share one database: everything they share lives in it.
 */
export async function openPostgresStore(options: PostgresOptions): Promise<Store> {
  await loadDriver();
  const pool = createPool(poolOptions(options));
  try {
    await migrate(pool, options.schema);
    // Notifications name the schema they are about: nodes of other schemas on the database ignore
    // them. The writers' lock is keyed to the schema too.
    const { rows } = await pool.query<{ name: string; hash: number }>(
      'SELECT current_schema() AS name, hashtext(current_schema()) AS hash',
    );
    const schema = rows[0]?.name ?? 'public';
    const schemaHash = rows[0]?.hash ?? 0;
    const changes = listenForChanges({ url: options.url, schema });
    const announcer = createFeedAnnouncer(pool, schema);
    let closed = false;
    const { forgetSubjects, ...identity } = createPostgresIdentityStore(pool, changes.identity);
    return {
      ...createPostgresJobStore(pool, schemaHash, announcer),
      feedNotifications: changes.feed,
      ...identity,
      ...createPostgresSnapshots(pool, writersLock(schemaHash).exclusive, forgetSubjects),
      ...createPostgresCredentialStore(pool),
      ...createPostgresShardStore(pool, writersLock(schemaHash).shared, announcer),
      async ping() {
        await pool.query('SELECT 1');
      },
      withStartupLock: postgresStartupLock(pool, schemaHash),
      async close() {
        if (closed) return;
        closed = true;
        await changes.close();
        await pool.end();
      },
    };
  } catch (error) {
    await pool.end();
    throw error;
  }
}

/** Applies pending migrations alone (`ddm-jobs migrate`); returns the versions applied. */
export async function migratePostgres(options: PostgresOptions): Promise<number[]> {
  await loadDriver();
  const pool = createPool({ ...poolOptions(options), poolSize: 1 });
  try {
    return await migrate(pool, options.schema);
  } finally {
    await pool.end();
  }
}
