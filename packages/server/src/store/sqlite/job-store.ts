import type { Database } from 'better-sqlite3';
import type { JobStore, MigrationDetailsStore, RetentionStore, RunLogStore } from '../interfaces.js';
import type { BatchDecision, JobChange, JobRow, NewJob, RecordOutcome, StoredJob } from '../records.js';
import * as rows from '../rows/job-rows.js';
import { createSqliteJobEvents } from './job-events.js';
import { createSqliteJobHistory } from './job-history.js';
import { createSqliteJobListing } from './job-listing.js';
import { createSqliteJobStatistics } from './job-statistics.js';
import { createSqliteProjectPurge } from './project-purge.js';
import { createSqliteRetention } from './retention.js';
import { createSqliteRunLogs } from './run-logs.js';
import { createSqliteSimulations } from './simulations.js';

/**
 * The task half of the SQLite store. Every write of a task appends its feed entry in the same
 * transaction, so the feed tells exactly what was committed.
 */
export function createSqliteJobStore(
  db: Database,
): JobStore & RetentionStore & RunLogStore & MigrationDetailsStore {
  const insert = db.prepare(
    `INSERT INTO jobs (${rows.COLUMNS}, listed_json) VALUES (@projectId, @createdAt, @id, @name, @status, @progress,
      @failReason, @instanceId, @instanceName, @databaseName, @endedAt, @switchBegin, @switchEnd, NULL, 1, @now,
      @createDigest, @listedJson)
     ON CONFLICT (id) DO NOTHING`,
  );
  const byId = db.prepare(`SELECT ${rows.COLUMNS} FROM jobs WHERE id = ?`);
  // Two statements: SQLite rewrites the entries of every index holding a column an UPDATE assigns,
  // even to its old value, so a report that keeps the status (most of them: progress) leaves
  // status out, and the indexes by status and by name, and the status triggers, alone.
  const changes = `progress = @progress, fail_reason = @failReason, ended_at = @endedAt,
       switch_begin = @switchBegin, switch_end = @switchEnd, retried_by = @retriedBy, version = @version,
       updated_at = @updatedAt, listed_json = @listedJson
     WHERE id = @id AND version = @expectedVersion`;
  const update = db.prepare(`UPDATE jobs SET ${changes}`);
  const updateWithStatus = db.prepare(`UPDATE jobs SET status = @status, ${changes}`);
  const remove = db.prepare('DELETE FROM jobs WHERE id = ? AND version = ?');
  const keepRemoved = db.prepare(
    'INSERT OR REPLACE INTO removed_jobs (id, project_id, removed_at, removed_by, job) VALUES (?, ?, ?, ?, ?)',
  );
  const removedById = db.prepare('SELECT removed_at, removed_by, job FROM removed_jobs WHERE id = ?');
  const list = createSqliteJobListing(db);
  const events = createSqliteJobEvents(db);
  const history = createSqliteJobHistory(db);
  const statusCounts = db.prepare('SELECT status, n FROM job_status_counts WHERE n > 0');

  const get = (id: string) => {
    const row = byId.get(id) as rows.Row | undefined;
    return row && rows.toJob(row);
  };

  /** Inserts a new task and tells the feed; undefined when the id is taken (the row is untouched). */
  const insertJob = (job: NewJob, now: number): JobRow | undefined => {
    const stored = rows.createdJob(job, now);
    const { changes } = insert.run({ ...job, now, listedJson: rows.listedJsonOf(stored) });
    if (changes === 0) return undefined;
    events.append('created', stored, now);
    history.entered(stored, now, true);
    return stored;
  };

  const record = db.transaction((job: NewJob, now: number): RecordOutcome => {
    const created = insertJob(job, now);
    if (created) return { outcome: 'created', job: created };
    const stored = byId.get(job.id) as rows.Row;
    return {
      outcome: stored.create_digest === job.createDigest ? 'replayed' : 'conflict',
      job: rows.toJob(stored),
    };
  });

  /** Writes a task's next state, its feed entry and, when its status changed, its history. */
  const writeChange = (before: JobRow, after: JobRow, now: number) => {
    const statusChanged = after.status !== before.status;
    (statusChanged ? updateWithStatus : update).run({
      ...after,
      expectedVersion: before.version,
      listedJson: rows.listedJsonOf(after),
    });
    events.append('changed', after, now);
    if (statusChanged) history.entered(after, now, false);
  };

  /** Compare and set, with the listed JSON rendered from the whole next row. */
  const applyChange = (
    id: string,
    expectedVersion: number,
    next: JobChange & { retriedBy?: string },
    now: number,
  ) => {
    const current = get(id);
    if (current?.version !== expectedVersion) return undefined;
    const job = rows.changedJob(current, next, now);
    writeChange(current, job, now);
    return job;
  };
  const change = db.transaction(applyChange);

  const retry = db.transaction((id: string, expectedVersion: number, retryJob: NewJob, now: number) => {
    const retried = applyChange(id, expectedVersion, { retriedBy: retryJob.id }, now);
    if (!retried) return undefined;
    const created = insertJob(retryJob, now);
    if (!created) throw new Error(`retry task id ${retryJob.id} is taken`);
    return { retried, retry: created };
  });

  const removeTx = db.transaction((id: string, expectedVersion: number, now: number, removedBy: string) => {
    const current = get(id);
    if (current?.version !== expectedVersion) return undefined;
    remove.run(id, expectedVersion);
    history.forget(id);
    keepRemoved.run(id, current.projectId, now, removedBy, JSON.stringify(current));
    events.append('removed', current, now);
    return current;
  });

  // Inside one write transaction nothing else changes the tasks read, so every write applies.
  const batch = db.transaction(<T>(ids: string[], decide: BatchDecision<T>, now: number): T => {
    const found = new Map<string, StoredJob>();
    for (const id of ids) {
      const row = byId.get(id) as rows.Row | undefined;
      if (row) found.set(id, { job: rows.toJob(row), createDigest: row.create_digest });
    }
    const { writes, result } = decide(found);
    for (const write of writes) {
      if (write.kind === 'change') writeChange(write.before, write.after, now);
      else if (!insertJob(write.job, now)) throw new Error(`batch: task id ${write.job.id} is taken`);
    }
    return result;
  });

  const reset = db.transaction((now: number) => {
    db.exec(`DELETE FROM jobs; DELETE FROM job_counts; DELETE FROM job_filter_counts; DELETE FROM job_status_counts; DELETE FROM job_statuses; DELETE FROM removed_jobs;
      DELETE FROM simulations; DELETE FROM credential_failures; UPDATE credentials SET locked_until = NULL;`);
    events.clear();
    events.append('reset', null, now);
  });

  return {
    async recordJob(job, now) {
      return record.immediate(job, now);
    },
    async getJob(id) {
      return get(id);
    },
    async updateJob(id, expectedVersion, next, now) {
      return change.immediate(id, expectedVersion, next, now);
    },
    async listJobs(projectId, startTime, endTime, offset, limit, filter) {
      return list.rows({ projectId, startTime, endTime, offset, limit }, filter);
    },
    async listJobsJson(projectId, startTime, endTime, offset, limit, filter) {
      return list.json({ projectId, startTime, endTime, offset, limit }, filter);
    },
    async writeBatch<T>(ids: string[], decide: BatchDecision<T>, now: number) {
      // better-sqlite3's transaction wrapper does not carry the type parameter through.
      return batch.immediate(ids, decide, now) as T;
    },
    async countJobsByStatus() {
      const counts: Record<string, number> = {};
      for (const row of statusCounts.all() as { status: string; n: number }[]) counts[row.status] = row.n;
      return counts;
    },
    async retryJob(id, expectedVersion, retryJob, now) {
      return retry.immediate(id, expectedVersion, retryJob, now);
    },
    async removeJob(id, expectedVersion, now, removedBy) {
      return removeTx.immediate(id, expectedVersion, now, removedBy);
    },
    async findRemovedJob(id) {
      const row = removedById.get(id) as rows.RemovedRow | undefined;
      return row && rows.toRemovedJob(row);
    },
    async resetJobs(now) {
      reset.immediate(now);
    },
    ...events.reads,
    ...history.reads,
    ...createSqliteSimulations(db),
    ...createSqliteJobStatistics(db),
    ...createSqliteProjectPurge(db),
    ...createSqliteRunLogs(db, { getJob: get, appendEvent: events.append }),
    ...createSqliteRetention(db, {
      getJob: get,
      purged(job, at) {
        events.append('removed', job, at);
        history.forget(job.id);
      },
    }),
  };
}
