import type pg from 'pg';
import type { JobStore } from '../interfaces.js';
import { appendEntry, type writersLock } from './job-events.js';
import type { FeedAnnouncer } from './notifications.js';
import { retryingAborted, transaction } from './pool.js';

/**
 * The emulator's reset of one project on PostgreSQL, as on SQLite (sqlite/project-purge.ts). It
 * takes the writers' lock alone, as the full reset does, so that no write of the project in
 * flight outlives a reset whose entry follows its own; resets are short, so other projects'
 * writers wait a few milliseconds at most.
 */
export function createPostgresProjectPurge(
  pool: pg.Pool,
  lock: ReturnType<typeof writersLock>,
  announcer: FeedAnnouncer,
): Pick<JobStore, 'purgeProject'> {
  // The simulations first, while the tasks still say which are the project's; the tasks' delete
  // trigger counts them out, and their run logs and details cascade.
  const statements = [
    'DELETE FROM simulations WHERE job_id IN (SELECT id FROM jobs WHERE project_id = $1)',
    'DELETE FROM job_statuses WHERE project_id = $1',
    'DELETE FROM jobs WHERE project_id = $1',
    'DELETE FROM job_counts WHERE project_id = $1',
    'DELETE FROM job_filter_counts WHERE project_id = $1',
    'DELETE FROM removed_jobs WHERE project_id = $1',
    'DELETE FROM shard_requests WHERE project_id = $1',
    'DELETE FROM job_events WHERE project_id = $1',
  ];
  const resetEntrySql = `WITH one AS (SELECT 1),
${appendEntry('one', { project: '$1::text', jobId: 'NULL::text', type: "'reset'", at: '$2::bigint', job: 'NULL' })}`;
  return {
    async purgeProject(projectId, now) {
      await retryingAborted(() =>
        transaction(pool, async (client) => {
          await client.query(lock.exclusive);
          for (const text of statements) await client.query(text, [projectId]);
          await client.query(resetEntrySql, [projectId, now]);
        }),
      );
      announcer.announce();
    },
  };
}
