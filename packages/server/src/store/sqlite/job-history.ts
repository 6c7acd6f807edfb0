import type { Database } from 'better-sqlite3';
import type { JobStore } from '../interfaces.js';
import type { JobRow, JobStatusChange } from '../records.js';
import { statusBeganAt } from '../rows/job-rows.js';

/**
 * A task's status history on SQLite: one row per run of one status (`job_statuses`), appended by
 * the writers inside their transactions, removed with the task.
 */
export function createSqliteJobHistory(db: Database) {
  const append = db.prepare(
    `INSERT INTO job_statuses (job_id, n, project_id, status, at, progress)
     SELECT @id, coalesce(max(n), 0) + 1, @projectId, @status, @at, @progress FROM job_statuses WHERE job_id = @id`,
  );
  const ofJob = db.prepare(
    'SELECT status, at, progress FROM job_statuses WHERE job_id = ? AND project_id = ? ORDER BY n',
  );
  const forget = db.prepare('DELETE FROM job_statuses WHERE job_id = ?');
  const reads: Pick<JobStore, 'jobHistory'> = {
    async jobHistory(projectId, jobId) {
      return ofJob.all(jobId, projectId) as JobStatusChange[];
    },
  };
  return {
    /** Records that `job` entered its status, written `now` (`created`: by its creation). */
    entered(job: JobRow, now: number, created: boolean): void {
      append.run({ ...job, at: statusBeganAt(job, now, created) });
    },
    forget(jobId: string): void {
      forget.run(jobId);
    },
    reads,
  };
}
