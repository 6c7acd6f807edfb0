import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPostgresStore, openSqliteStore, SQLITE_FILE, type Store } from '@ddm-jobs/server';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS as POSTGRES } from '../../packages/server/src/store/postgres/migrations.js';
import { MIGRATIONS as SQLITE } from '../../packages/server/src/store/sqlite/migrations.js';
import { dropSchema, freshSchema, TEST_DATABASE_URL } from '../support/stores.js';

// Every earlier release's database is one of these: the migrations up to some version, applied,
// with data in it. For each such cut, a database built by the first migrations only, holding
// identities written as that schema takes them, is opened by the current code: the pending
// migrations apply, the data is there, and the schema is the one a fresh database gets.

const NOW = Date.UTC(2026, 11, 3);
const cuts = (list: readonly { version: number }[]) =>
  list.slice(0, -1).map((migration) => migration.version);

/** Identities as migration 1 of either database takes them (both name these columns alike). */
const IDENTITY_ROWS = [
  `INSERT INTO domains (id, name, created_at) VALUES ('d1', 'acme', ${NOW})`,
  `INSERT INTO projects (id, name, domain_id, created_at) VALUES ('p1', 'tenant-a', 'd1', ${NOW})`,
  `INSERT INTO users (id, name, domain_id, password_hash, token_epoch, enabled, created_at) VALUES ('u1', 'alice', 'd1', 'x', 0, ${'TRUE_'}, ${NOW})`,
  `INSERT INTO role_assignments (user_id, project_id, role) VALUES ('u1', 'p1', 'te_admin')`,
];
const rows = (enabled: string) => IDENTITY_ROWS.map((sql) => sql.replace('TRUE_', enabled));

async function expectDataKept(store: Store): Promise<void> {
  expect(await store.listDomains()).toContainEqual({ id: 'd1', name: 'acme' });
  const user = await store.findUser({ id: 'u1' });
  expect(user?.name).toBe('alice');
  expect(await store.listRoleAssignments({ userId: 'u1' })).toEqual([
    { userId: 'u1', projectId: 'p1', role: 'te_admin' },
  ]);
}

describe('SQLite: a database of any earlier schema version migrates forward', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const shape = (file: string) => {
    const db = new BetterSqlite3(file, { readonly: true });
    try {
      const tables = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .pluck()
        .all() as string[];
      const columns = db.prepare('SELECT name FROM pragma_table_info(?) ORDER BY name').pluck();
      const indexes = db
        .prepare("SELECT name FROM sqlite_master WHERE type IN ('index', 'trigger') ORDER BY name")
        .pluck()
        .all();
      return { tables: Object.fromEntries(tables.map((t) => [t, columns.all(t)])), indexes };
    } finally {
      db.close();
    }
  };
  const fresh = () => {
    const dir = mkdtempSync(join(tmpdir(), 'ddm-jobs-forward-'));
    dirs.push(dir);
    return dir;
  };
  const target = (() => {
    const dir = fresh();
    void openSqliteStore({ dataDir: dir }).close();
    return shape(join(dir, SQLITE_FILE));
  })();

  it.each(cuts(SQLITE))('from schema version %i', async (cut) => {
    const dir = fresh();
    const db = new BetterSqlite3(join(dir, SQLITE_FILE));
    db.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
    );
    for (const migration of SQLITE.filter((m) => m.version <= cut)) {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        NOW,
      );
    }
    for (const sql of rows('1')) db.exec(sql);
    db.close();

    const store = openSqliteStore({ dataDir: dir });
    try {
      await expectDataKept(store);
    } finally {
      await store.close();
    }
    expect(shape(join(dir, SQLITE_FILE))).toEqual(target);
  });
});

describe.skipIf(!TEST_DATABASE_URL)('PostgreSQL: a schema of any earlier version migrates forward', () => {
  const url = TEST_DATABASE_URL as string;
  const schemas: string[] = [];
  afterAll(async () => {
    for (const schema of schemas) await dropSchema(url, schema);
  });
  const withClient = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  const shape = (schema: string) =>
    withClient(async (client) => {
      const columns = await client.query<{ t: string; c: string }>(
        'SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = $1 ORDER BY 1, 2',
        [schema],
      );
      const indexes = await client.query<{ n: string }>(
        `SELECT indexname AS n FROM pg_indexes WHERE schemaname = $1
         UNION SELECT tgname FROM pg_trigger JOIN pg_class ON pg_class.oid = tgrelid
           JOIN pg_namespace ON pg_namespace.oid = relnamespace WHERE nspname = $1 AND NOT tgisinternal
         UNION SELECT proname FROM pg_proc JOIN pg_namespace ON pg_namespace.oid = pronamespace WHERE nspname = $1
         ORDER BY 1`,
        [schema],
      );
      return { columns: columns.rows.map((r) => `${r.t}.${r.c}`), indexes: indexes.rows.map((r) => r.n) };
    });
  const newSchema = () => {
    const schema = freshSchema();
    schemas.push(schema);
    return schema;
  };

  it('from each schema version before the latest', async () => {
    const reference = newSchema();
    await (await openPostgresStore({ url, schema: reference })).close();
    const target = await shape(reference);
    for (const cut of cuts(POSTGRES)) {
      const schema = newSchema();
      await withClient(async (client) => {
        const quoted = client.escapeIdentifier(schema);
        await client.query(`CREATE SCHEMA ${quoted}; SET search_path TO ${quoted}`);
        await client.query(
          'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
        );
        for (const migration of POSTGRES.filter((m) => m.version <= cut)) {
          await client.query(migration.sql);
          await client.query('INSERT INTO schema_migrations VALUES ($1, $2, $3)', [
            migration.version,
            migration.name,
            NOW,
          ]);
        }
        for (const sql of rows('TRUE')) await client.query(sql);
      });
      const store = await openPostgresStore({ url, schema });
      try {
        await expectDataKept(store);
      } finally {
        await store.close();
      }
      expect({ cut, ...(await shape(schema)) }).toEqual({ cut, ...target });
    }
  });
});
