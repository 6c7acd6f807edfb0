import type { Database } from 'better-sqlite3';
import type { JobStore } from '../interfaces.js';

/**
 * The emulator's reset of one project on SQLite (`POST /internal/v1/reset` with a project): its
 * tasks go with everything that hangs on them, in one transaction, and the feed tells the
 * project's followers with one `reset` entry of that project. Other projects are not touched.
 */
export function createSqliteProjectPurge(db: Database): Pick<JobStore, 'purgeProject'> {
  // The simulations first, while the tasks still say which are the project's; the tasks' delete
  // trigger counts them out of the status counts, and their run logs and details cascade.
  const statements = [
    'DELETE FROM simulations WHERE job_id IN (SELECT id FROM jobs WHERE project_id = @projectId)',
    'DELETE FROM job_statuses WHERE project_id = @projectId',
    'DELETE FROM jobs WHERE project_id = @projectId',
    'DELETE FROM job_counts WHERE project_id = @projectId',
    'DELETE FROM job_filter_counts WHERE project_id = @projectId',
    'DELETE FROM removed_jobs WHERE project_id = @projectId',
    'DELETE FROM shard_requests WHERE project_id = @projectId',
    'DELETE FROM job_events WHERE project_id = @projectId',
    `INSERT INTO job_events (project_id, job_id, type, at, job, logs)
     VALUES (@projectId, NULL, 'reset', @now, NULL, NULL)`,
  ].map((sql) => db.prepare(sql));
  const purge = db.transaction((projectId: string, now: number) => {
    for (const statement of statements) statement.run({ projectId, now });
  });
  return {
    async purgeProject(projectId, now) {
      purge.immediate(projectId, now);
    },
  };
}
