import type { JobStatus } from '@ddm-jobs/contract';
import type { Database } from 'better-sqlite3';
import { listedJsonOf } from '../../jobs/render.js';
import type { JobChange, JobRow, JobStore, NewJob, RecordOutcome } from '../types.js';
import { createSqliteJobListing } from './job-listing.js';

interface Row {
  project_id: string;
  created_at: number;
  id: string;
  name: string;
  status: string;
  progress: number;
  fail_reason: string;
  instance_id: string;
  instance_name: string;
  database_name: string;
  ended_at: number | null;
  switch_begin: number | null;
  switch_end: number | null;
  version: number;
  updated_at: number;
  create_digest: string;
}

const COLUMNS =
  'project_id, created_at, id, name, status, progress, fail_reason, instance_id, instance_name, database_name, ' +
  'ended_at, switch_begin, switch_end, version, updated_at, create_digest';
const INSERT_COLUMNS = `${COLUMNS}, listed_json`;

function toJob(row: Row): JobRow {
  return {
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    status: row.status as JobStatus,
    progress: row.progress,
    failReason: row.fail_reason,
    instanceId: row.instance_id,
    instanceName: row.instance_name,
    databaseName: row.database_name,
    createdAt: row.created_at,
    endedAt: row.ended_at,
    switchBegin: row.switch_begin,
    switchEnd: row.switch_end,
    version: row.version,
    updatedAt: row.updated_at,
  };
}

/** The task half of the SQLite store. */
export function createSqliteJobStore(db: Database): JobStore {
  const insert = db.prepare(
    `INSERT INTO jobs (${INSERT_COLUMNS}) VALUES (@projectId, @createdAt, @id, @name, @status, @progress, @failReason,
      @instanceId, @instanceName, @databaseName, @endedAt, @switchBegin, @switchEnd, 1, @now, @createDigest, @listedJson)
     ON CONFLICT (id) DO NOTHING`,
  );
  const byId = db.prepare(`SELECT ${COLUMNS} FROM jobs WHERE id = ?`);
  const update = db.prepare(
    `UPDATE jobs SET status = @status, progress = @progress, fail_reason = @failReason, ended_at = @endedAt,
       version = @version, updated_at = @updatedAt, listed_json = @listedJson
     WHERE id = @id AND version = @expectedVersion`,
  );
  const list = createSqliteJobListing(db);
  const statusCounts = db.prepare('SELECT status, n FROM job_status_counts WHERE n > 0');

  const record = db.transaction((job: NewJob, now: number): RecordOutcome => {
    const { changes } = insert.run({
      ...job,
      now,
      listedJson: listedJsonOf({ ...job, version: 1, updatedAt: now }),
    });
    const stored = byId.get(job.id) as Row;
    if (changes === 1) return { outcome: 'created', job: toJob(stored) };
    return {
      outcome: stored.create_digest === job.createDigest ? 'replayed' : 'conflict',
      job: toJob(stored),
    };
  });

  /** Compare and set, with the listed JSON rendered from the whole next row. */
  const change = db.transaction((id: string, expectedVersion: number, next: JobChange, now: number) => {
    const current = get(id);
    if (current?.version !== expectedVersion) return undefined;
    const job: JobRow = { ...current, ...next, version: expectedVersion + 1, updatedAt: now };
    update.run({ ...job, expectedVersion, listedJson: listedJsonOf(job) });
    return job;
  });

  const get = (id: string) => {
    const row = byId.get(id) as Row | undefined;
    return row && toJob(row);
  };

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
    async listJobs(projectId, startTime, endTime, offset, limit) {
      return list.rows(projectId, startTime, endTime, offset, limit);
    },
    async listJobsJson(projectId, startTime, endTime, offset, limit) {
      return list.json(projectId, startTime, endTime, offset, limit);
    },
    async countJobsByStatus() {
      const counts: Record<string, number> = {};
      for (const row of statusCounts.all() as { status: string; n: number }[]) counts[row.status] = row.n;
      return counts;
    },
  };
}
