import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewJob, Store } from '@ddm-jobs/server';
import { openPostgresStore, openSqliteStore, SQLITE_FILE } from '@ddm-jobs/server';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { newJob } from '../support/new-job.js';
import { dropSchema, freshSchema, TEST_DATABASE_URL } from '../support/stores.js';

/**
 * job_filter_counts (migration 12): tasks per project, minute, hour and day of creation, status
 * and name. Backfilled from the tasks a database holds when the migration runs, then kept by the
 * triggers through every write (creations, status changes one by one and in batches, removals,
 * retention, a project's purge, the reset, a snapshot's restore): at each step here, the table
 * equals the same counts made from the tasks, and retention leaves no row at 0 in what it purged.
 */

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);
const NAMES = ['CreateInstance', 'EnlargeNode', 'migrateLogicDb'];
const STATUSES = ['Running', 'Completed', 'Failed'] as const;

const task = (n: number, projectId = 'p1'): NewJob =>
  newJob(n, {
    projectId,
    createdAt: NOW - (n % 50) * 13 * HOUR - (n % 7) * MINUTE - n,
    name: NAMES[n % 3] as string,
    status: STATUSES[(n * 5) % 3] as NewJob['status'],
  });

/** Rows of the kept counts that differ from a recount of the tasks (rows at 0 count as absent). */
const DIFFERENCES = `
WITH levels (level, size) AS (VALUES (0, 60000), (1, 3600000), (2, 86400000)),
recount AS (
  SELECT project_id, l.level, created_at / l.size AS bucket, status, name, count(*) AS n
    FROM jobs CROSS JOIN levels l GROUP BY 1, 2, 3, 4, 5),
kept AS (SELECT project_id, level, bucket, status, name, n FROM job_filter_counts WHERE n <> 0)
SELECT count(*) AS differ FROM (
  SELECT * FROM recount EXCEPT SELECT * FROM kept
  UNION ALL
  SELECT * FROM kept EXCEPT SELECT * FROM recount) AS d`;
const ZEROS = 'SELECT count(*) AS zeros FROM job_filter_counts WHERE n = 0';

/** How one database is opened here, with plain SQL beside the store. */
interface Kind {
  name: string;
  open(): Promise<Store>;
  sql(text: string): Promise<number>;
  /** Drops migration 12's objects and forgets it, so that the next open applies it again. */
  unmigrate(): Promise<void>;
  dispose(): Promise<void>;
}

function sqlite(): Kind {
  const dataDir = mkdtempSync(join(tmpdir(), 'ddm-jobs-filter-counts-'));
  const withDb = <T>(work: (db: BetterSqlite3.Database) => T): T => {
    const db = new BetterSqlite3(join(dataDir, SQLITE_FILE));
    try {
      return work(db);
    } finally {
      db.close();
    }
  };
  return {
    name: 'SQLite',
    open: async () => openSqliteStore({ dataDir }),
    sql: async (text) => withDb((db) => db.prepare(text).pluck().get() as number),
    async unmigrate() {
      withDb((db) =>
        db.exec(`DROP TRIGGER jobs_filter_counted; DROP TRIGGER jobs_filter_uncounted; DROP TRIGGER jobs_filter_recounted;
          DROP INDEX jobs_by_status; DROP INDEX jobs_by_name; DROP TABLE job_filter_counts;
          DELETE FROM schema_migrations WHERE version = 12;`),
      );
    },
    async dispose() {
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function postgres(url: string): Kind {
  const schema = freshSchema();
  const withClient = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`SET search_path TO ${client.escapeIdentifier(schema)}`);
      return await work(client);
    } finally {
      await client.end();
    }
  };
  return {
    name: 'PostgreSQL',
    open: () => openPostgresStore({ url, schema }),
    sql: (text) => withClient(async (client) => Number(Object.values((await client.query(text)).rows[0])[0])),
    async unmigrate() {
      await withClient((client) =>
        client.query(`DROP FUNCTION list_filtered_window; DROP FUNCTION filtered_rows;
          DROP FUNCTION jobs_filter_counted CASCADE; DROP FUNCTION jobs_filter_uncounted CASCADE;
          DROP FUNCTION jobs_filter_recounted CASCADE; DROP INDEX jobs_by_status; DROP INDEX jobs_by_name;
          DROP TABLE job_filter_counts; DELETE FROM schema_migrations WHERE version = 12;`),
      );
    },
    dispose: () => dropSchema(url, schema),
  };
}

const KINDS = [sqlite, ...(TEST_DATABASE_URL ? [() => postgres(TEST_DATABASE_URL as string)] : [])];

for (const make of KINDS) {
  const kind = make();
  describe(`job_filter_counts on ${kind.name}`, () => {
    let store: Store;
    afterAll(async () => {
      await store?.close();
      await kind.dispose();
    });

    const expectKept = async () => expect(await kind.sql(DIFFERENCES)).toBe(0);
    const filteredTotal = async (projectId: string, statuses: NewJob['status'][]) =>
      (await store.listJobs(projectId, NOW - 29 * DAY, NOW, 0, 1, { statuses })).total;

    it('are backfilled from the tasks a database holds when migration 12 runs', async () => {
      store = await kind.open();
      for (let n = 0; n < 300; n++) await store.recordJob(task(n, n % 4 === 0 ? 'p2' : 'p1'), NOW);
      await store.close();
      await kind.unmigrate();
      store = await kind.open();
      await expectKept();
      expect(await kind.sql('SELECT count(*) FROM job_filter_counts')).toBeGreaterThan(300);
      const running = Array.from({ length: 300 }, (_, n) => task(n, n % 4 === 0 ? 'p2' : 'p1')).filter(
        (j) => j.projectId === 'p1' && j.status === 'Running' && j.createdAt >= NOW - 29 * DAY,
      );
      expect(await filteredTotal('p1', ['Running'])).toBe(running.length);
    });

    it('follow status changes, one by one and in batches, and removals', async () => {
      for (let n = 1; n < 40; n += 3) {
        const job = await store.getJob(task(n).id);
        if (job && job.projectId === 'p1')
          await store.updateJob(
            job.id,
            job.version,
            { status: job.status === 'Running' ? 'Failed' : 'Running' },
            NOW,
          );
      }
      await expectKept();
      const ids = Array.from({ length: 20 }, (_, i) => task(100 + i).id);
      await store.writeBatch(
        ids,
        (found) => ({
          writes: [...found.values()].map(({ job }) => ({
            kind: 'change' as const,
            before: job,
            after: { ...job, status: 'Completed' as const, version: job.version + 1 },
          })),
          result: undefined,
        }),
        NOW,
      );
      await expectKept();
      for (let n = 200; n < 220; n++) {
        const job = await store.getJob(task(n).id);
        if (job) await store.removeJob(job.id, job.version, NOW, 'test');
      }
      await expectKept();
    });

    it('are pruned by retention of what it removed, leaving no row at 0 there', async () => {
      const cutoff = NOW - 10 * DAY;
      let removed = 0;
      for (;;) {
        const { jobs } = await store.purgeBefore({ tasks: cutoff, feed: 0 }, 37, NOW);
        removed += jobs;
        if (jobs === 0) break;
      }
      expect(removed).toBeGreaterThan(0);
      await expectKept();
      expect(
        await kind.sql(
          `SELECT count(*) FROM job_filter_counts WHERE n = 0 AND bucket < ${Math.floor(cutoff / DAY)} AND level = 2`,
        ),
      ).toBe(0);
    });

    it('hold nothing of a purged project, and nothing at all after a snapshot of nothing or the reset', async () => {
      const snapshot = await store.exportSnapshot();
      await store.purgeProject('p2', NOW);
      await expectKept();
      expect(await kind.sql("SELECT count(*) FROM job_filter_counts WHERE project_id = 'p2'")).toBe(0);
      await store.importSnapshot(snapshot);
      await expectKept();
      expect(await kind.sql(ZEROS)).toBe(0);
      expect(await filteredTotal('p2', ['Running', 'Completed', 'Failed'])).toBeGreaterThan(0);
      await store.resetJobs(NOW);
      expect(await kind.sql('SELECT count(*) FROM job_filter_counts')).toBe(0);
      await store.recordJob(task(7), NOW);
      await expectKept();
    });
  });
}
