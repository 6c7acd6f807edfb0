import type { Database } from 'better-sqlite3';
import {
  fromSnapshotValue,
  SNAPSHOT_TABLES,
  type SnapshotRows,
  type SnapshotStore,
  type StoreSnapshot,
  toSnapshotValue,
} from '../snapshot-tables.js';

/**
 * The emulator's snapshots on SQLite: every table read in one read transaction (one consistent
 * state), and written back in one write transaction, so a reader sees the old state or the new.
 * `identitiesReplaced` clears what the identity store keeps of users (its own connection's
 * writes do not show in `data_version`).
 */
export function createSqliteSnapshots(db: Database, identitiesReplaced: () => void): SnapshotStore {
  const counter = db.prepare('SELECT seq FROM sqlite_sequence WHERE name = ?').pluck();
  const setCounter = db.prepare('UPDATE sqlite_sequence SET seq = ? WHERE name = ?');
  const addCounter = db.prepare('INSERT INTO sqlite_sequence (name, seq) SELECT ?, ? WHERE changes() = 0');
  const secrets = db.prepare('SELECT name, value FROM shared_secrets ORDER BY name');
  const putSecret = db.prepare(
    'INSERT INTO shared_secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
  );
  const reads = SNAPSHOT_TABLES.map((table) => ({
    table,
    select: db.prepare(`SELECT ${table.columns.join(', ')} FROM ${table.name} ORDER BY ${table.order}`).raw(),
    insert: db.prepare(
      `INSERT INTO ${table.name} (${table.columns.join(', ')}) VALUES (${table.columns.map(() => '?').join(', ')})`,
    ),
    clear: db.prepare(`DELETE FROM ${table.name}`),
  }));
  const clearCounts = db.prepare('DELETE FROM job_counts');
  const clearFilterCounts = db.prepare('DELETE FROM job_filter_counts');
  const clearStatusCounts = db.prepare('DELETE FROM job_status_counts');

  const exportAll = db.transaction((): StoreSnapshot => {
    const tables: SnapshotRows = {};
    for (const { table, select } of reads) {
      tables[table.name] = (select.all() as unknown[][]).map((row) =>
        row.map((value, i) => toSnapshotValue(table, table.columns[i] as string, value)),
      );
    }
    const sharedSecrets: Record<string, Buffer> = {};
    for (const { name, value } of secrets.all() as { name: string; value: Buffer }[])
      sharedSecrets[name] = value;
    return {
      tables,
      counters: {
        feed: (counter.get('job_events') as number | undefined) ?? 0,
        runLogs: (counter.get('job_logs') as number | undefined) ?? 0,
      },
      sharedSecrets,
    };
  });

  const setSequence = (name: string, value: number) => {
    setCounter.run(value, name);
    addCounter.run(name, value);
  };

  const importAll = db.transaction((snapshot: StoreSnapshot) => {
    // Children first (their foreign keys), then the parents; the counts the triggers keep go with them.
    for (const { clear } of [...reads].reverse()) clear.run();
    clearCounts.run();
    clearFilterCounts.run();
    clearStatusCounts.run();
    for (const { table, insert } of reads) {
      for (const row of snapshot.tables[table.name] ?? []) {
        insert.run(
          table.columns.map((column, i) =>
            fromSnapshotValue(table, column, row[i], (flag) => (flag ? 1 : 0)),
          ),
        );
      }
    }
    // The counters never go below the rows restored: a cursor is never handed out twice.
    const newest = (name: string) =>
      (db.prepare(`SELECT max(seq) FROM ${name}`).pluck().get() as number | null) ?? 0;
    setSequence('job_events', Math.max(snapshot.counters.feed, newest('job_events')));
    setSequence('job_logs', Math.max(snapshot.counters.runLogs, newest('job_logs')));
    for (const [name, value] of Object.entries(snapshot.sharedSecrets ?? {})) putSecret.run(name, value);
  });

  return {
    async exportSnapshot() {
      return exportAll.deferred();
    },
    async importSnapshot(snapshot) {
      try {
        importAll.immediate(snapshot);
      } finally {
        identitiesReplaced();
      }
    },
  };
}
