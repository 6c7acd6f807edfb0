import type pg from 'pg';
import type { JobStore, MigrationDetailsStore, RetentionStore, RunLogStore } from '../interfaces.js';
import type { JobChange, JobRow, NewJob, RecordOutcome } from '../records.js';
import { EVERY_PROJECT } from '../rows/event-rows.js';
import * as rows from '../rows/job-rows.js';
import { createPostgresBatch } from './job-batch.js';
import { appendEntry, createPostgresJobEvents, writersLock } from './job-events.js';
import { createPostgresJobHistory, NEXT_STATUS_ENTRY } from './job-history.js';
import { createPostgresJobListing } from './job-listing.js';
import { createPostgresJobStatistics } from './job-statistics.js';
import type { FeedAnnouncer } from './notifications.js';
import { type Queryable, retryingAborted, transaction, unstorable } from './pool.js';
import { createPostgresProjectPurge } from './project-purge.js';
import { createPostgresRetention } from './retention.js';
import { createPostgresRunLogs } from './run-logs.js';
import { createPostgresSimulations } from './simulations.js';

/**
 * The task half of the PostgreSQL store. Each write is one statement that changes the task
 * (compare and set on its version), appends its feed entry and, when the status changed, its
 * history entry, so a write costs one round trip and the feed tells exactly what was committed
 * (cursors: job-events.ts). The bucket counts follow by trigger, in the same transaction. Writers
 * take no lock beyond the rows they change and the writers' lock in shared mode (which only the
 * reset takes alone), so nodes and connections write side by side; after each write the node
 * announces it to the feed watchers of every node.
 */
export function createPostgresJobStore(
  pool: pg.Pool,
  schemaHash: number,
  announcer: FeedAnnouncer,
): JobStore & RetentionStore & RunLogStore & MigrationDetailsStore {
  const list = createPostgresJobListing(pool);
  const lock = writersLock(schemaHash);
  const batch = createPostgresBatch(pool, lock.shared);

  const insertSql = `WITH ${lock.shared},
created AS (
  INSERT INTO jobs (${rows.COLUMNS}, listed_json)
  SELECT $1::text, $2::bigint, $3::text, $4::text, $5::text, $6::integer, $7::text, $8::text, $9::text, $10::text,
    $11::bigint, $12::bigint, $13::bigint, NULL, 1, $14::bigint, $15::text, $16::text FROM writer
  ON CONFLICT (id) DO NOTHING RETURNING project_id, id
),
history AS (
  INSERT INTO job_statuses (job_id, n, project_id, status, at, progress)
  SELECT id, ${NEXT_STATUS_ENTRY('created.id')}, project_id, $5::text, $18::bigint, $6::integer FROM created
),
${appendEntry('created', {
  project: 'entries.project_id',
  jobId: 'entries.id',
  type: "'created'",
  at: '$14::bigint',
  job: '$17::text',
})}`;

  const updateSql = `WITH ${lock.shared},
changed AS (
  UPDATE jobs SET status = $3, progress = $4, fail_reason = $5, ended_at = $6, switch_begin = $7, switch_end = $8,
    retried_by = $9, version = $10, updated_at = $11, listed_json = $12
  FROM writer WHERE id = $1 AND version = $2 RETURNING project_id, id
),
history AS (
  INSERT INTO job_statuses (job_id, n, project_id, status, at, progress)
  SELECT id, ${NEXT_STATUS_ENTRY('changed.id')}, project_id, $3::text, $14::bigint, $4::integer FROM changed
  WHERE $15::boolean
),
${appendEntry('changed', {
  project: 'entries.project_id',
  jobId: 'entries.id',
  type: "'changed'",
  at: '$11::bigint',
  job: '$13::text',
})}`;

  const removeSql = `WITH ${lock.shared},
gone AS (DELETE FROM jobs USING writer WHERE id = $1 AND version = $2 RETURNING id, project_id),
forgotten AS (DELETE FROM job_statuses USING gone WHERE job_statuses.job_id = gone.id),
kept AS (
  INSERT INTO removed_jobs (id, project_id, removed_at, removed_by, job)
  SELECT id, project_id, $3::bigint, $4::text, $5::text FROM gone
  ON CONFLICT (id) DO UPDATE SET project_id = excluded.project_id, removed_at = excluded.removed_at,
    removed_by = excluded.removed_by, job = excluded.job
),
${appendEntry('gone', {
  project: 'entries.project_id',
  jobId: 'entries.id',
  type: "'removed'",
  at: '$3::bigint',
  job: '$5::text',
})}`;

  const resetSql = `WITH one AS (SELECT 1),
${appendEntry('one', {
  project: `'${EVERY_PROJECT}'`,
  jobId: 'NULL::text',
  type: "'reset'",
  at: '$1::bigint',
  job: 'NULL',
})}`;

  const get = async (db: Queryable, id: string): Promise<JobRow | undefined> => {
    if (unstorable(id)) return undefined;
    const result = await db.query<rows.Row>({
      name: 'job-by-id',
      text: `SELECT ${rows.COLUMNS} FROM jobs WHERE id = $1`,
      values: [id],
    });
    const row = result.rows[0];
    return row && rows.toJob(row);
  };

  /** Inserts a new task and tells the feed; undefined when the id is taken (the row is untouched). */
  const insertJob = async (db: Queryable, job: NewJob, now: number): Promise<JobRow | undefined> => {
    const stored = rows.createdJob(job, now);
    const result = await db.query({
      name: 'job-insert',
      text: insertSql,
      values: [
        job.projectId,
        job.createdAt,
        job.id,
        job.name,
        job.status,
        job.progress,
        job.failReason,
        job.instanceId,
        job.instanceName,
        job.databaseName,
        job.endedAt,
        job.switchBegin,
        job.switchEnd,
        now,
        job.createDigest,
        rows.listedJsonOf(stored),
        JSON.stringify(stored),
        rows.statusBeganAt(stored, now, true),
      ],
    });
    return result.rowCount === 1 ? stored : undefined;
  };

  /** Compare and set, with the listed JSON rendered from the whole next row. */
  const applyChange = async (
    db: Queryable,
    id: string,
    expectedVersion: number,
    next: JobChange & { retriedBy?: string },
    now: number,
  ): Promise<JobRow | undefined> => {
    const current = await get(db, id);
    if (current?.version !== expectedVersion) return undefined;
    const job = rows.changedJob(current, next, now);
    const result = await db.query({
      name: 'job-update',
      text: updateSql,
      values: [
        id,
        expectedVersion,
        ...rows.changedValuesOf(job),
        now,
        rows.listedJsonOf(job),
        JSON.stringify(job),
        rows.statusBeganAt(job, now, false),
        job.status !== current.status,
      ],
    });
    return result.rowCount === 1 ? job : undefined;
  };

  /** Runs a write, again if PostgreSQL aborted it for a deadlock, and announces it once committed. */
  const write = async <T>(work: () => Promise<T>): Promise<T> => {
    const result = await retryingAborted(work);
    announcer.announce();
    return result;
  };

  return {
    async recordJob(job, now): Promise<RecordOutcome> {
      // A task found taken then gone (removed meanwhile) is tried again: the id is free.
      for (;;) {
        const stored = await write(() => insertJob(pool, job, now));
        if (stored) return { outcome: 'created', job: stored };
        const existing = await pool.query<rows.Row>({
          name: 'job-by-id',
          text: `SELECT ${rows.COLUMNS} FROM jobs WHERE id = $1`,
          values: [job.id],
        });
        const row = existing.rows[0];
        if (row) {
          return {
            outcome: row.create_digest === job.createDigest ? 'replayed' : 'conflict',
            job: rows.toJob(row),
          };
        }
      }
    },
    async getJob(id) {
      return get(pool, id);
    },
    async updateJob(id, expectedVersion, next, now) {
      return write(() => applyChange(pool, id, expectedVersion, next, now));
    },
    async listJobs(projectId, startTime, endTime, offset, limit, filter) {
      if (unstorable(projectId)) return { total: 0, jobs: [] };
      return list.rows({ projectId, startTime, endTime, offset, limit }, filter);
    },
    async listJobsJson(projectId, startTime, endTime, offset, limit, filter) {
      if (unstorable(projectId)) return { total: 0, jobs: [] };
      return list.json({ projectId, startTime, endTime, offset, limit }, filter);
    },
    async writeBatch(ids, decide, now) {
      return write(() => batch(ids, decide, now));
    },
    async countJobsByStatus() {
      const result = await pool.query<{ status: string; n: number }>({
        name: 'job-status-counts',
        // Each status's count is spread over a few rows (migration 7): their sum.
        text: 'SELECT status, sum(n)::integer AS n FROM job_status_counts GROUP BY status HAVING sum(n) > 0',
      });
      const counts: Record<string, number> = {};
      for (const row of result.rows) counts[row.status] = row.n;
      return counts;
    },
    async retryJob(id, expectedVersion, retryJob, now) {
      return write(() =>
        transaction(pool, async (client) => {
          const retried = await applyChange(client, id, expectedVersion, { retriedBy: retryJob.id }, now);
          if (!retried) return undefined;
          const retry = await insertJob(client, retryJob, now);
          if (!retry) throw new Error(`retry task id ${retryJob.id} is taken`);
          return { retried, retry };
        }),
      );
    },
    async removeJob(id, expectedVersion, now, removedBy) {
      const current = await get(pool, id);
      if (current?.version !== expectedVersion) return undefined;
      const result = await write(() =>
        pool.query({
          name: 'job-remove',
          text: removeSql,
          values: [id, expectedVersion, now, removedBy, JSON.stringify(current)],
        }),
      );
      return result.rowCount === 1 ? current : undefined;
    },
    async findRemovedJob(id) {
      if (unstorable(id)) return undefined;
      const result = await pool.query<rows.RemovedRow>({
        name: 'removed-job-by-id',
        text: 'SELECT removed_at, removed_by, job FROM removed_jobs WHERE id = $1',
        values: [id],
      });
      const row = result.rows[0];
      return row && rows.toRemovedJob(row);
    },
    async resetJobs(now) {
      await write(() =>
        transaction(pool, async (client) => {
          // Plain deletes, not TRUNCATE: its exclusive table locks could deadlock with a reader's
          // snapshot transaction. The tasks go first and their delete trigger counts them out; then
          // the counts. Lock order as recordSignatureFailure's: the credential rows, then their failures.
          await client.query(lock.exclusive);
          await client.query(`DELETE FROM jobs; DELETE FROM job_counts; DELETE FROM job_filter_counts; DELETE FROM job_status_counts;
            DELETE FROM job_statuses; DELETE FROM removed_jobs; DELETE FROM simulations;
            UPDATE credentials SET locked_until = NULL WHERE locked_until IS NOT NULL;
            DELETE FROM credential_failures; DELETE FROM job_events;`);
          await client.query(resetSql, [now]);
        }),
      );
    },
    ...createPostgresJobEvents(pool),
    ...createPostgresJobHistory(pool),
    ...createPostgresSimulations(pool),
    ...createPostgresJobStatistics(pool),
    ...createPostgresProjectPurge(pool, lock, announcer),
    ...createPostgresRunLogs(pool, lock.shared, announcer),
    ...createPostgresRetention(pool, lock.shared, announcer),
  };
}
