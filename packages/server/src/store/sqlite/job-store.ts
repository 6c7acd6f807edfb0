import type { JobStatus } from '@ddm-jobs/contract';
import type { Database } from 'better-sqlite3';
import type { JobChange, JobPage, JobRow, JobStore, NewJob, RecordOutcome } from '../types.js';
import { bucketSize, type Segment, windowSegments } from '../window-segments.js';

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
    `INSERT INTO jobs (${COLUMNS}) VALUES (@projectId, @createdAt, @id, @name, @status, @progress, @failReason,
      @instanceId, @instanceName, @databaseName, @endedAt, @switchBegin, @switchEnd, 1, @now, @createDigest)
     ON CONFLICT (id) DO NOTHING`,
  );
  const byId = db.prepare(`SELECT ${COLUMNS} FROM jobs WHERE id = ?`);
  const update = db.prepare(
    `UPDATE jobs SET status = @status, progress = @progress, fail_reason = @failReason, ended_at = @endedAt,
       version = version + 1, updated_at = @now
     WHERE id = @id AND version = @expectedVersion`,
  );
  const countRows = db
    .prepare('SELECT count(*) AS n FROM jobs WHERE project_id = ? AND created_at >= ? AND created_at < ?')
    .pluck();
  const sumBuckets = db
    .prepare(
      'SELECT coalesce(sum(n), 0) AS n FROM job_counts WHERE project_id = ? AND level = ? AND bucket >= ? AND bucket < ?',
    )
    .pluck();
  const bucketsNewestFirst = db.prepare(
    `SELECT bucket, n FROM job_counts WHERE project_id = ? AND level = ? AND bucket >= ? AND bucket < ? AND n > 0
     ORDER BY bucket DESC`,
  );
  const rowAtRank = db.prepare(
    `SELECT created_at, id FROM jobs WHERE project_id = ? AND created_at >= ? AND created_at < ?
     ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET ?`,
  );
  const firstPage = db.prepare(
    `SELECT ${COLUMNS} FROM jobs WHERE project_id = ? AND created_at >= ? AND created_at <= ?
     ORDER BY created_at DESC, id DESC LIMIT ?`,
  );
  const pageFrom = db.prepare(
    `SELECT ${COLUMNS} FROM jobs WHERE project_id = ? AND created_at >= ? AND (created_at, id) <= (?, ?)
     ORDER BY created_at DESC, id DESC LIMIT ?`,
  );
  const statusCounts = db.prepare('SELECT status, n FROM job_status_counts WHERE n > 0');

  const countSegment = (projectId: string, s: Segment): number =>
    s.level === undefined
      ? (countRows.get(projectId, s.from, s.to) as number)
      : (sumBuckets.get(
          projectId,
          s.level,
          s.from / bucketSize(s.level),
          s.to / bucketSize(s.level),
        ) as number);

  /** The (created_at, id) of the row `rank` places into the segment, newest first. */
  function locate(projectId: string, s: Segment, rank: number): { created_at: number; id: string } {
    if (s.level === undefined)
      return rowAtRank.get(projectId, s.from, s.to, rank) as { created_at: number; id: string };
    const size = bucketSize(s.level);
    let left = rank;
    // all(), not iterate(): the descent below reuses this statement for the finer level.
    const buckets = bucketsNewestFirst.all(projectId, s.level, s.from / size, s.to / size) as {
      bucket: number;
      n: number;
    }[];
    for (const b of buckets) {
      if (left < b.n) {
        const from = b.bucket * size;
        const child: Segment = {
          from,
          to: from + size,
          level: s.level === 0 ? undefined : ((s.level - 1) as 0 | 1),
        };
        return locate(projectId, child, left);
      }
      left -= b.n;
    }
    throw new Error('job_counts disagree with jobs');
  }

  const list = db.transaction(
    (projectId: string, startTime: number, endTime: number, offset: number, limit: number): JobPage => {
      const segments = windowSegments(startTime, endTime);
      const counts = segments.map((s) => countSegment(projectId, s));
      const total = counts.reduce((a, b) => a + b, 0);
      if (offset >= total) return { total, jobs: [] };
      if (offset === 0) {
        return { total, jobs: (firstPage.all(projectId, startTime, endTime, limit) as Row[]).map(toJob) };
      }
      let left = offset;
      let i = 0;
      while (left >= (counts[i] ?? 0)) left -= counts[i++] ?? 0;
      const at = locate(projectId, segments[i] as Segment, left);
      return {
        total,
        jobs: (pageFrom.all(projectId, startTime, at.created_at, at.id, limit) as Row[]).map(toJob),
      };
    },
  );

  const record = db.transaction((job: NewJob, now: number): RecordOutcome => {
    const { changes } = insert.run({ ...job, now });
    const stored = byId.get(job.id) as Row;
    if (changes === 1) return { outcome: 'created', job: toJob(stored) };
    return {
      outcome: stored.create_digest === job.createDigest ? 'replayed' : 'conflict',
      job: toJob(stored),
    };
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
    async updateJob(id, expectedVersion, change: JobChange, now) {
      const { changes } = update.run({ id, expectedVersion, now, ...change });
      return changes === 1 ? get(id) : undefined;
    },
    async listJobs(projectId, startTime, endTime, offset, limit) {
      return list(projectId, startTime, endTime, offset, limit);
    },
    async countJobsByStatus() {
      const counts: Record<string, number> = {};
      for (const row of statusCounts.all() as { status: string; n: number }[]) counts[row.status] = row.n;
      return counts;
    },
  };
}
