import type pg from 'pg';
import type { JobStore } from '../interfaces.js';
import type { JobStatusChange } from '../records.js';
import { unstorable } from './pool.js';

/** The number of a task's next history entry, as SQL for the task id expression `jobId`. */
export const NEXT_STATUS_ENTRY = (jobId: string) =>
  `(SELECT coalesce(max(n), 0) + 1 FROM job_statuses WHERE job_id = ${jobId})`;

/**
 * A task's status history on PostgreSQL: one row per run of one status (`job_statuses`), appended
 * by the writers' statements (job-store.ts), removed with the task.
 */
export function createPostgresJobHistory(pool: pg.Pool): Pick<JobStore, 'jobHistory'> {
  return {
    async jobHistory(projectId, jobId) {
      if (unstorable(projectId, jobId)) return [];
      const result = await pool.query<JobStatusChange>({
        name: 'job-history',
        text: 'SELECT status, at, progress FROM job_statuses WHERE job_id = $1 AND project_id = $2 ORDER BY n',
        values: [jobId, projectId],
      });
      return result.rows;
    },
  };
}
