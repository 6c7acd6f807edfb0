import type pg from 'pg';
import type { MigrationDetailsStore, RunLogStore } from '../interfaces.js';
import * as jobRows from '../rows/job-rows.js';
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
import { appendEntry } from './job-events.js';
import type { FeedAnnouncer } from './notifications.js';
import { retryingAborted, transaction, unstorable } from './pool.js';

/**
 * Tasks' run logs and shard-configuration details on PostgreSQL. Appending lines is one
 * transaction: the task read and share-locked (so it is not changed or removed meanwhile and the
 * feed entry shows it as it is), the lines inserted in their order, one `log` feed entry.
 */
export function createPostgresRunLogs(
  pool: pg.Pool,
  sharedWritersLock: string,
  announcer: FeedAnnouncer,
): RunLogStore & MigrationDetailsStore {
  const read = `WITH ${sharedWritersLock}
SELECT ${jobRows.COLUMNS} FROM jobs, writer WHERE id = $1 FOR SHARE OF jobs`;
  const insert = `INSERT INTO job_logs (job_id, level, message, at)
SELECT $1, l.level, l.message, $4 FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS l (level, message, n)
ORDER BY l.n`;
  const entry = `WITH task AS (SELECT $1::text AS project_id, $2::text AS id),
${appendEntry('task', {
  project: 'entries.project_id',
  jobId: 'entries.id',
  type: "'log'",
  at: '$3::bigint',
  job: '$4::text',
  logs: '$5::text',
})}`;

  return {
    async appendRunLogs(jobId, lines, now) {
      if (unstorable(jobId)) return undefined;
      const job = await retryingAborted(() =>
        transaction(pool, async (client) => {
          const found = await client.query<jobRows.Row>({ name: 'logs-task', text: read, values: [jobId] });
          const row = found.rows[0];
          if (!row) return undefined;
          const task = jobRows.toJob(row);
          const written = lines.map((line) => ({ level: line.level, message: line.message, at: now }));
          await client.query({
            name: 'logs-insert',
            text: insert,
            values: [jobId, written.map((l) => l.level), written.map((l) => l.message), now],
          });
          await client.query({
            name: 'logs-entry',
            text: entry,
            values: [task.projectId, task.id, now, JSON.stringify(task), JSON.stringify(written)],
          });
          return task;
        }),
      );
      if (job) announcer.announce();
      return job;
    },

    async runLogs(jobId, offset, limit) {
      if (unstorable(jobId)) return { total: 0, lines: [] };
      // One statement, one snapshot: the count and the page agree.
      const result = await pool.query<[...LogRow, number]>({
        name: 'logs-page',
        text: `SELECT ${LOG_COLUMNS}, count(*) OVER () FROM job_logs WHERE job_id = $1
               ORDER BY seq DESC LIMIT $2 OFFSET $3`,
        values: [jobId, limit, offset],
        rowMode: 'array',
      });
      if (result.rows.length > 0 || offset === 0) {
        return {
          total: result.rows[0]?.[3] ?? 0,
          lines: result.rows.map(([level, message, at]) => toLogLine([level, message, at])),
        };
      }
      // Past the last line: the page is empty, and the total is counted alone.
      const counted = await pool.query<[number]>({
        name: 'logs-count',
        text: 'SELECT count(*)::integer FROM job_logs WHERE job_id = $1',
        values: [jobId],
        rowMode: 'array',
      });
      return { total: counted.rows[0]?.[0] ?? 0, lines: [] };
    },

    async saveMigrationDetails(jobId, fields, now, ifAbsent) {
      if (unstorable(jobId)) return false;
      const result = await pool.query({
        name: ifAbsent ? 'details-save-absent' : 'details-save',
        text: SAVE_DETAILS_SQL(ifAbsent),
        values: [...detailValuesOf(fields), now, jobId],
      });
      return (result.rowCount ?? 0) > 0;
    },

    async migrationDetails(jobId) {
      if (unstorable(jobId)) return undefined;
      const result = await pool.query<DetailRow>({
        name: 'details',
        text: `SELECT ${DETAIL_COLUMNS} FROM migration_details WHERE job_id = $1`,
        values: [jobId],
        rowMode: 'array',
      });
      const row = result.rows[0];
      return row && toMigrationDetails(row);
    },
  };
}
