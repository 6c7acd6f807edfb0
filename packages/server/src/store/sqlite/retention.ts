import type { Database } from 'better-sqlite3';
import type { RetentionStore } from '../interfaces.js';
import type { JobRow, PurgeCutoffs } from '../records.js';
import { lastEntryBefore } from '../rows/event-rows.js';

const DAY = 86_400_000;

/**
 * Retention on SQLite. Old tasks are found project by project through the day buckets and the
 * clustered key (project, created_at, id), so no extra index costs every write; each batch is
 * one short transaction.
 */
export function createSqliteRetention(
  db: Database,
  deps: {
    getJob(id: string): JobRow | undefined;
    /** Tells the feed, and forgets the task's history, in the purge's transaction. */
    purged(job: JobRow, at: number): void;
  },
): RetentionStore {
  const projectsWithOld = db
    .prepare('SELECT DISTINCT project_id FROM job_counts WHERE level = 2 AND bucket <= ? AND n > 0')
    .pluck();
  const oldOfProject = db
    .prepare('SELECT id FROM jobs WHERE project_id = ? AND created_at < ? ORDER BY created_at LIMIT ?')
    .pluck();
  const deleteJob = db.prepare('DELETE FROM jobs WHERE id = ?');
  const emptyBuckets = db.prepare('DELETE FROM job_counts WHERE n = 0');
  // The counts by status and name hold many more rows: only the project's old ones are looked at,
  // through the key. Any row at 0 may go (a trigger that needs it again inserts it).
  const emptyFilterBuckets = db.prepare(
    `DELETE FROM job_filter_counts WHERE project_id = ? AND n = 0 AND (
       (level = 0 AND bucket <= ? / 60000) OR (level = 1 AND bucket <= ? / 3600000) OR (level = 2 AND bucket <= ? / 86400000))`,
  );
  const oldestEvents = db.prepare('SELECT seq, at FROM job_events ORDER BY seq LIMIT ?').raw();
  const deleteEventsUpTo = db.prepare('DELETE FROM job_events WHERE seq <= ?');
  const oldAudit = db.prepare(
    'DELETE FROM removed_jobs WHERE id IN (SELECT id FROM removed_jobs WHERE removed_at < ? LIMIT ?)',
  );

  const purgeJobs = db.transaction((cutoff: number, batch: number, now: number): number => {
    let removed = 0;
    for (const projectId of projectsWithOld.all(Math.floor(cutoff / DAY)) as string[]) {
      for (const id of oldOfProject.all(projectId, cutoff, batch - removed) as string[]) {
        const job = deps.getJob(id) as JobRow;
        deleteJob.run(id);
        deps.purged(job, now);
        removed++;
      }
      emptyFilterBuckets.run(projectId, cutoff, cutoff, cutoff);
      if (removed >= batch) break;
    }
    emptyBuckets.run();
    return removed;
  });

  const purgeRecords = db.transaction((cutoffs: PurgeCutoffs, batch: number): number => {
    const last = lastEntryBefore(oldestEvents.all(batch) as [number, number][], cutoffs.feed);
    const events = last === undefined ? 0 : deleteEventsUpTo.run(last).changes;
    return events + oldAudit.run(cutoffs.tasks, batch).changes;
  });

  return {
    async purgeBefore(cutoffs, batch, now) {
      const jobs = purgeJobs.immediate(cutoffs.tasks, batch, now);
      const records = purgeRecords.immediate(cutoffs, batch);
      return { jobs, records };
    },
  };
}
