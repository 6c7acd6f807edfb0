import type pg from 'pg';
import type { JobStatusChange } from '../records.js';
import { unstorable } from './pool.js';

/**
 * A task's status history from the change feed, on PostgreSQL, as on SQLite (sqlite/job-history.ts):
 * its entries since its last creation through the index on (job_id, seq), the first of each run of
 * one status, each timed by when that status began.
 */
export function createPostgresJobHistory(pool: pg.Pool) {
  return {
    async jobHistory(projectId: string, jobId: string): Promise<JobStatusChange[]> {
      if (unstorable(projectId, jobId)) return [];
      const result = await pool.query<JobStatusChange>({
        name: 'job-history',
        text: `SELECT status, progress,
          CASE WHEN ended_at IS NOT NULL THEN ended_at WHEN type = 'created' THEN created_at ELSE at END AS at
        FROM (
          SELECT seq, type, at, j ->> 'status' AS status, (j ->> 'progress')::integer AS progress,
            (j ->> 'createdAt')::bigint AS created_at, (j ->> 'endedAt')::bigint AS ended_at,
            lag(j ->> 'status') OVER (ORDER BY seq) AS previous
          FROM job_events CROSS JOIN LATERAL (SELECT job::json AS j) AS parsed
          WHERE job_id = $2 AND project_id = $1 AND type IN ('created', 'changed')
            AND seq >= (SELECT coalesce(max(seq), 0) FROM job_events
                        WHERE job_id = $2 AND project_id = $1 AND type = 'created')
        ) AS entries
        WHERE previous IS NULL OR previous <> status
        ORDER BY seq`,
        values: [projectId, jobId],
      });
      return result.rows;
    },
  };
}
