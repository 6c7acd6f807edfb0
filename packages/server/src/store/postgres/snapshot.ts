import type pg from 'pg';
import {
  fromSnapshotValue,
  SNAPSHOT_TABLES,
  SnapshotRefused,
  type SnapshotRows,
  type SnapshotStore,
  type StoreSnapshot,
  toSnapshotValue,
} from '../snapshot-tables.js';
import { ENTRIES_PER_TRANSACTION } from './job-events.js';
import { transaction } from './pool.js';

/** Rows inserted per statement: PostgreSQL takes at most 65,535 parameters in one. */
const ROWS_PER_INSERT = 500;

/**
 * The emulator's snapshots on PostgreSQL: every table read in one repeatable-read transaction
 * (one consistent state), and written back in one transaction holding the writers' lock alone,
 * as the reset does, so that no write runs meanwhile and readers see the old state or the new.
 *
 * The feed's cursors are transaction ids times ENTRIES_PER_TRANSACTION (job-events.ts): entries
 * restored with cursors past this cluster's transaction ids would be hidden from readers and
 * followed by smaller ones, so such a snapshot (one saved on another cluster) is refused.
 */
export function createPostgresSnapshots(
  pool: pg.Pool,
  writersExclusive: string,
  identitiesReplaced: () => void,
): SnapshotStore {
  return {
    async exportSnapshot() {
      const client = await pool.connect();
      try {
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        const tables: SnapshotRows = {};
        for (const table of SNAPSHOT_TABLES) {
          const { rows } = await client.query<unknown[]>({
            text: `SELECT ${table.columns.join(', ')} FROM ${table.name} ORDER BY ${table.order}`,
            rowMode: 'array',
          });
          tables[table.name] = rows.map((row) =>
            row.map((value, i) => toSnapshotValue(table, table.columns[i] as string, value)),
          );
        }
        const feed = (await client.query<{ n: number | null }>('SELECT max(seq) AS n FROM job_events'))
          .rows[0]?.n;
        const logs = await client.query<{ n: number }>(
          `SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS n
             FROM ${(await client.query<{ s: string }>("SELECT pg_get_serial_sequence('job_logs', 'seq') AS s")).rows[0]?.s}`,
        );
        const secrets = await client.query<{ name: string; value: Buffer }>(
          'SELECT name, value FROM shared_secrets ORDER BY name',
        );
        await client.query('COMMIT');
        return {
          tables,
          counters: { feed: feed ?? 0, runLogs: Number(logs.rows[0]?.n ?? 0) },
          sharedSecrets: Object.fromEntries(secrets.rows.map((row) => [row.name, row.value])),
        };
      } finally {
        await client.query('ROLLBACK').catch(() => {});
        client.release();
      }
    },

    async importSnapshot(snapshot: StoreSnapshot) {
      try {
        await transaction(pool, async (client) => {
          await client.query(writersExclusive);
          const newestCursor = Math.max(
            snapshot.counters.feed,
            ...(snapshot.tables.job_events ?? []).map((row) => Number(row[0])),
          );
          const { rows } = await client.query<{ horizon: number }>(
            `SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint * ${ENTRIES_PER_TRANSACTION} AS horizon`,
          );
          if (newestCursor >= (rows[0]?.horizon ?? 0))
            throw new SnapshotRefused(
              `its feed cursors (up to ${newestCursor}) lie past this PostgreSQL cluster's transaction ids: ` +
                'restore it on the cluster it was saved on, or on SQLite',
            );
          // Children first (their foreign keys); plain deletes, as the reset's (job-store.ts).
          for (const table of [...SNAPSHOT_TABLES].reverse()) await client.query(`DELETE FROM ${table.name}`);
          await client.query(
            'DELETE FROM job_counts; DELETE FROM job_filter_counts; DELETE FROM job_status_counts',
          );
          for (const table of SNAPSHOT_TABLES)
            await insertRows(client, table, snapshot.tables[table.name] ?? []);
          const runLogs = Math.max(
            snapshot.counters.runLogs,
            ...(snapshot.tables.job_logs ?? []).map((row) => Number(row[0])),
          );
          await client.query(
            "SELECT setval(pg_get_serial_sequence('job_logs', 'seq'), greatest($1::bigint, 1), $1::bigint > 0)",
            [runLogs],
          );
          for (const [name, value] of Object.entries(snapshot.sharedSecrets ?? {}))
            await client.query(
              'INSERT INTO shared_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
              [name, value],
            );
        });
      } finally {
        identitiesReplaced();
      }
    },
  };
}

async function insertRows(
  client: pg.PoolClient,
  table: (typeof SNAPSHOT_TABLES)[number],
  rows: unknown[][],
): Promise<void> {
  const width = table.columns.length;
  // The run log's line numbers are an identity column: given, they need OVERRIDING.
  const overriding = table.name === 'job_logs' ? ' OVERRIDING SYSTEM VALUE' : '';
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    const chunk = rows.slice(start, start + ROWS_PER_INSERT);
    const values = chunk.flatMap((row) =>
      table.columns.map((column, i) => fromSnapshotValue(table, column, row[i], (flag) => flag)),
    );
    const tuples = chunk.map(
      (_, r) => `(${table.columns.map((_c, c) => `$${r * width + c + 1}`).join(', ')})`,
    );
    await client.query(
      `INSERT INTO ${table.name} (${table.columns.join(', ')})${overriding} VALUES ${tuples.join(', ')}`,
      values,
    );
  }
}
