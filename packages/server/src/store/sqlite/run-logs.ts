import type { Database } from 'better-sqlite3';
import type { MigrationDetailsStore, RunLogStore } from '../interfaces.js';
import type { JobEventType, JobRow, RunLogLine } from '../records.js';
import {
  DETAIL_COLUMNS,
  type DetailRow,
  detailValuesOf,
  LOG_COLUMNS,
  type LogRow,
  SAVE_DETAILS_SQL,
  toLogLine,
  toMigrationDetails,
} from '../rows/run-log-rows.js';

/** Tasks' run logs and shard-configuration details on SQLite. */
export function createSqliteRunLogs(
  db: Database,
  deps: {
    getJob(id: string): JobRow | undefined;
    /** Appends a feed entry, inside the caller's transaction. */
    appendEvent(type: JobEventType, job: JobRow, at: number, logs: RunLogLine[]): void;
  },
): RunLogStore & MigrationDetailsStore {
  const insertLine = db.prepare('INSERT INTO job_logs (job_id, level, message, at) VALUES (?, ?, ?, ?)');
  const page = db
    .prepare(`SELECT ${LOG_COLUMNS} FROM job_logs WHERE job_id = ? ORDER BY seq DESC LIMIT ? OFFSET ?`)
    .raw();
  const count = db.prepare('SELECT count(*) FROM job_logs WHERE job_id = ?').pluck();
  const save = {
    merge: db.prepare(SAVE_DETAILS_SQL(false).replace(/\$\d+/g, '?')),
    ifAbsent: db.prepare(SAVE_DETAILS_SQL(true).replace(/\$\d+/g, '?')),
  };
  const details = db.prepare(`SELECT ${DETAIL_COLUMNS} FROM migration_details WHERE job_id = ?`).raw();

  const append = db.transaction((jobId: string, lines: Omit<RunLogLine, 'at'>[], now: number) => {
    const job = deps.getJob(jobId);
    if (!job) return undefined;
    const written = lines.map((line) => ({ level: line.level, message: line.message, at: now }));
    for (const line of written) insertLine.run(jobId, line.level, line.message, now);
    deps.appendEvent('log', job, now, written);
    return job;
  });
  const pageOf = db.transaction((jobId: string, offset: number, limit: number) => ({
    total: count.get(jobId) as number,
    lines: (page.all(jobId, limit, offset) as LogRow[]).map(toLogLine),
  }));

  return {
    async appendRunLogs(jobId, lines, now) {
      return append.immediate(jobId, lines, now);
    },
    async runLogs(jobId, offset, limit) {
      return pageOf(jobId, offset, limit);
    },
    async saveMigrationDetails(jobId, fields, now, ifAbsent) {
      const statement = ifAbsent ? save.ifAbsent : save.merge;
      return statement.run(...detailValuesOf(fields), now, jobId).changes > 0;
    },
    async migrationDetails(jobId) {
      const row = details.get(jobId) as DetailRow | undefined;
      return row && toMigrationDetails(row);
    },
  };
}
