import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPostgresStore, openSqliteStore, type Store } from '@ddm-jobs/server';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS as POSTGRES_MIGRATIONS } from '../../packages/server/src/store/postgres/migrations.js';
import { MIGRATIONS as SQLITE_MIGRATIONS } from '../../packages/server/src/store/sqlite/migrations.js';
import { dropSchema, freshSchema, TEST_DATABASE_URL } from '../support/stores.js';

/**
 * Migration 5 gives the change feed a task column for the status history: entries written
 * before it get theirs from their JSON, so a database migrated in place shows its tasks' history.
 */

const PROJECT = 'p1';
const ID = '6f1c2b1e-9a6d-4c55-8a43-2f0d9b7c1e01';
const CREATED = Date.UTC(2026, 10, 28, 10, 0, 0);
const MINUTE = 60_000;

/** A task's JSON as the feed kept it before migration 5 (the store's JobRow). */
const jobJson = (status: string, progress: number, endedAt: number | null) =>
  JSON.stringify({
    id: ID,
    projectId: PROJECT,
    name: 'CreateInstance',
    status,
    progress,
    createdAt: CREATED,
    endedAt,
  });

/** Feed entries as a server before migration 5 wrote them: seq, type, at, job. */
const OLD_ENTRIES: [number, string, number, string | null][] = [
  [1, 'created', CREATED + MINUTE, jobJson('Running', 0, null)],
  [2, 'changed', CREATED + 2 * MINUTE, jobJson('Running', 50, null)],
  [3, 'reset', CREATED + 3 * MINUTE, null],
  // Reported late: it ended before the entry was written.
  [4, 'changed', CREATED + 4 * MINUTE, jobJson('Completed', 50, CREATED + 3 * MINUTE)],
];

const EXPECTED = [
  { status: 'Running', at: CREATED, progress: 0 },
  { status: 'Completed', at: CREATED + 3 * MINUTE, progress: 50 },
];

const opened: Store[] = [];
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('the feed indexed by task (migration 5)', () => {
  it('on SQLite, fills the task of entries written before it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ddm-jobs-history-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const db = new BetterSqlite3(join(dataDir, 'ddm-jobs.sqlite'));
    db.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
    );
    for (const migration of SQLITE_MIGRATIONS.filter((m) => m.version <= 3)) {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations VALUES (?, ?, 0)').run(migration.version, migration.name);
    }
    const insert = db.prepare(
      'INSERT INTO job_events (seq, project_id, type, at, job) VALUES (?, ?, ?, ?, ?)',
    );
    for (const [seq, type, at, job] of OLD_ENTRIES) insert.run(seq, job ? PROJECT : '*', type, at, job);
    db.close();

    const store = openSqliteStore({ dataDir });
    opened.push(store);
    expect(await store.jobHistory(PROJECT, ID)).toEqual(EXPECTED);
    expect(await store.jobHistory('another-project', ID)).toEqual([]);
  });

  it.skipIf(!TEST_DATABASE_URL)('on PostgreSQL, fills the task of entries written before it', async () => {
    const url = TEST_DATABASE_URL as string;
    const schema = freshSchema();
    cleanups.push(() => dropSchema(url, schema));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA ${client.escapeIdentifier(schema)}`);
      await client.query(`SET search_path TO ${client.escapeIdentifier(schema)}`);
      await client.query(
        'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
      );
      for (const migration of POSTGRES_MIGRATIONS.filter((m) => m.version <= 4)) {
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations VALUES ($1, $2, 0)', [
          migration.version,
          migration.name,
        ]);
      }
      for (const [seq, type, at, job] of OLD_ENTRIES) {
        await client.query(
          'INSERT INTO job_events (seq, project_id, type, at, job) VALUES ($1, $2, $3, $4, $5)',
          [seq, job ? PROJECT : '*', type, at, job],
        );
      }
    } finally {
      await client.end();
    }

    const store = await openPostgresStore({ url, schema });
    opened.push(store);
    expect(await store.jobHistory(PROJECT, ID)).toEqual(EXPECTED);
    expect(await store.jobHistory('another-project', ID)).toEqual([]);
  });
});
