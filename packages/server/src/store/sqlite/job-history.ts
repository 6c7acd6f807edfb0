import type { Database } from 'better-sqlite3';
import type { JobStatusChange } from '../records.js';

/**
 * A task's status history from the change feed, on SQLite: its entries since its last creation
 * (an id freed by a clean may be recorded again), through the index on (job_id, seq); a window
 * over them keeps the first entry of each run of one status, so progress reports add nothing.
 * An entry's time is when its status began: the task's end time for a finished status, its
 * creation time for the first, else when the change was written.
 */
export function createSqliteJobHistory(db: Database) {
  const history = db.prepare(
    `SELECT status, progress,
       CASE WHEN ended_at IS NOT NULL THEN ended_at WHEN type = 'created' THEN created_at ELSE at END AS at
     FROM (
       SELECT seq, type, at, json_extract(job, '$.status') AS status, json_extract(job, '$.progress') AS progress,
         json_extract(job, '$.createdAt') AS created_at, json_extract(job, '$.endedAt') AS ended_at,
         lag(json_extract(job, '$.status')) OVER (ORDER BY seq) AS previous
       FROM job_events
       WHERE job_id = @jobId AND project_id = @projectId AND type IN ('created', 'changed')
         AND seq >= (SELECT coalesce(max(seq), 0) FROM job_events
                     WHERE job_id = @jobId AND project_id = @projectId AND type = 'created')
     )
     WHERE previous IS NULL OR previous <> status
     ORDER BY seq`,
  );
  return {
    async jobHistory(projectId: string, jobId: string): Promise<JobStatusChange[]> {
      return history.all({ projectId, jobId }) as JobStatusChange[];
    },
  };
}
