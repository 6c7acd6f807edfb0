/**
 * Where a scenario keeps its data: SQLite in its folder (the embedded default), or a schema of
 * the benchmark's own PostgreSQL cluster, started once on first need with production's
 * durability (fsync on) and stopped at the end.
 */
import { basename } from 'node:path';
import { startCluster } from '../scripts/postgres-cluster.js';

/** @import { StoreLocation } from '@ddm-jobs/server' */

/** @typedef {'sqlite' | 'postgres'} Database */

/** @type {import('../scripts/postgres-cluster.js').Cluster | undefined} */
let cluster;

/**
 * `{ dataDir }` for SQLite, or with `databaseUrl` and `databaseSchema` for PostgreSQL.
 *
 * @param {Database} database
 * @param {string} dataDir
 * @returns {Promise<StoreLocation>}
 */
export async function locationFor(database, dataDir) {
  if (database === 'sqlite') return { dataDir };
  cluster ??= await startCluster({ durable: true });
  return { dataDir, databaseUrl: cluster.url, databaseSchema: basename(dataDir).replace(/\W/g, '_') };
}

export function stopDatabases() {
  cluster?.stop();
  cluster = undefined;
}
