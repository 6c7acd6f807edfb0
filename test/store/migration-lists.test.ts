import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPostgresStore, openSqliteStore, SQLITE_FILE } from '@ddm-jobs/server';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS as POSTGRES } from '../../packages/server/src/store/postgres/migrations.js';
import { MIGRATIONS as SQLITE } from '../../packages/server/src/store/sqlite/migrations.js';
import { dropSchema, freshSchema, TEST_DATABASE_URL } from '../support/stores.js';

// The two databases' migrations are numbered alike and build the same tables, columns and
// indexes, apart from the gaps written here, each with why. A migration added to one list only,
// or a column or index forgotten in one dialect, fails here.

/** Versions one database has and the other has not. */
const VERSION_GAPS: Record<number, { only: 'sqlite' | 'postgres'; why: string }> = {
  4: { only: 'postgres', why: "feed notifications (LISTEN/NOTIFY); SQLite's waiters poll the file" },
  7: {
    only: 'postgres',
    why: 'writers side by side (cursors from transaction ids, counts spread, identity notifications); SQLite has one writer',
  },
  8: {
    only: 'postgres',
    why: "the window listing in one function call, one round trip a page; SQLite's reads are calls within the process",
  },
};

/** Tables one database has and the other has not. */
const TABLE_GAPS: Record<string, { only: 'sqlite' | 'postgres'; why: string }> = {};

/** Columns one database has and the other has not, as `table.column`. */
const COLUMN_GAPS: Record<string, { only: 'sqlite' | 'postgres'; why: string }> = {
  'job_status_counts.shard': {
    only: 'postgres',
    why: "each status's count spread over rows, so concurrent writers seldom wait on one; SQLite has one writer",
  },
};

/** Secondary indexes one database has and the other has not (primary keys and UNIQUE aside). */
const INDEX_GAPS: Record<string, { only: 'sqlite' | 'postgres'; why: string }> = {
  role_assignments_by_project: {
    only: 'postgres',
    why: "a project's assignments for the foreign keys' cascade and the per-project listing; SQLite scans the small table",
  },
  job_counts_days: {
    only: 'postgres',
    why: "retention's search for projects with old day buckets; SQLite scans job_counts (a few rows a project a day)",
  },
  removed_jobs_by_time: {
    only: 'postgres',
    why: "retention's deletion of old audit records; SQLite scans the table of cleaned tasks",
  },
};

type Schema = { tables: Record<string, string[]>; indexes: string[] };

/** Everything but the gaps of `database`'s counterpart. */
const without = (names: string[], gaps: Record<string, { only: string }>, only: string) =>
  names.filter((name) => gaps[name]?.only !== only);

function sqliteSchema(): Schema {
  const dataDir = mkdtempSync(join(tmpdir(), 'ddm-jobs-migrations-'));
  try {
    void openSqliteStore({ dataDir }).close();
    const db = new BetterSqlite3(join(dataDir, SQLITE_FILE), { readonly: true });
    const tables = db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .pluck()
      .all() as string[];
    const columns = db.prepare('SELECT name FROM pragma_table_info(?) ORDER BY name').pluck();
    const indexes = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
      .pluck()
      .all() as string[];
    const schema = {
      tables: Object.fromEntries(tables.map((table) => [table, columns.all(table) as string[]])),
      indexes,
    };
    db.close();
    return schema;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function postgresSchema(url: string, schema: string): Promise<Schema> {
  await (await openPostgresStore({ url, schema })).close();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const columns = await client.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = $1
       ORDER BY table_name, column_name`,
      [schema],
    );
    const tables: Record<string, string[]> = {};
    for (const row of columns.rows)
      tables[row.table_name] = [...(tables[row.table_name] ?? []), row.column_name];
    // Secondary indexes only: those behind a primary key or a UNIQUE constraint are SQLite's autoindexes.
    const indexes = await client.query<{ indexname: string }>(
      `SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND indexname NOT IN (
         SELECT conname FROM pg_constraint WHERE connamespace = $1::regnamespace)
       ORDER BY indexname`,
      [schema],
    );
    return { tables, indexes: indexes.rows.map((row) => row.indexname) };
  } finally {
    await client.end();
  }
}

describe('the migrations of SQLite and PostgreSQL', () => {
  it('are numbered alike, with the same names, apart from the documented gaps', () => {
    const versions = (list: typeof SQLITE) => list.map((migration) => migration.version);
    expect(versions(SQLITE)).toEqual([...versions(SQLITE)].sort((a, b) => a - b));
    expect(versions(POSTGRES)).toEqual([...versions(POSTGRES)].sort((a, b) => a - b));
    for (const [version, gap] of Object.entries(VERSION_GAPS)) {
      expect(versions(gap.only === 'sqlite' ? SQLITE : POSTGRES)).toContain(Number(version));
    }
    const shared = (list: typeof SQLITE) =>
      list.filter((m) => !(m.version in VERSION_GAPS)).map((m) => [m.version, m.name]);
    expect(shared(SQLITE)).toEqual(shared(POSTGRES));
  });

  describe.skipIf(!TEST_DATABASE_URL)('once applied to real databases', () => {
    const url = TEST_DATABASE_URL as string;
    const schema = freshSchema();
    afterAll(() => dropSchema(url, schema));

    it('build the same tables, columns and secondary indexes, apart from the documented gaps', async () => {
      const sqlite = sqliteSchema();
      const postgres = await postgresSchema(url, schema);
      expect(sqlite.tables.jobs).toContain('listed_json');
      expect(without(Object.keys(postgres.tables), TABLE_GAPS, 'postgres').sort()).toEqual(
        without(Object.keys(sqlite.tables), TABLE_GAPS, 'sqlite').sort(),
      );
      const columnsOf = (schema: Schema, table: string, only: string) =>
        (schema.tables[table] ?? []).filter((column) => COLUMN_GAPS[`${table}.${column}`]?.only !== only);
      for (const table of Object.keys(sqlite.tables))
        expect([table, columnsOf(postgres, table, 'postgres')]).toEqual([
          table,
          columnsOf(sqlite, table, 'sqlite'),
        ]);
      expect(without(postgres.indexes, INDEX_GAPS, 'postgres')).toEqual(
        without(sqlite.indexes, INDEX_GAPS, 'sqlite'),
      );
    });
  });
});
