import type { Database } from 'better-sqlite3';
import type { RetentionStore } from '../interfaces.js';
import type { JobRow } from '../records.js';

const DAY = 86_400_000;

/**
 * Retention on SQLite. Old tasks are found project by project through the day buckets and the
 * clustered key (project, created_at, id), so no extra index costs every write; each batch is
 * one short transaction.
 */
export function createSqliteRetention(
  db: Database,
  deps: { getJob(id: string): JobRow | undefined; appendRemoved(job: JobRow, at: number): void },
): RetentionStore {
  const projectsWithOld = db
    .prepare('SELECT DISTINCT project_id FROM job_counts WHERE level = 2 AND bucket <= ? AND n > 0')
    .pluck();
  const oldOfProject = db
    .prepare('SELECT id FROM jobs WHERE project_id = ? AND created_at < ? ORDER BY created_at LIMIT ?')
    .pluck();
  const deleteJob = db.prepare('DELETE FROM jobs WHERE id = ?');
  const emptyBuckets = db.prepare('DELETE FROM job_counts WHERE n = 0');
  const oldestEvents = db.prepare('SELECT seq, at FROM job_events ORDER BY seq LIMIT ?');
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
        deps.appendRemoved(job, now);
        removed++;
      }
      if (removed >= batch) break;
    }
    emptyBuckets.run();
    return removed;
  });

  const purgeRecords = db.transaction((cutoff: number, batch: number): number => {
    // The feed is in time order but for clock moves backwards: stop at the first newer entry.
    let last: number | undefined;
    for (const row of oldestEvents.all(batch) as { seq: number; at: number }[]) {
      if (row.at >= cutoff) break;
      last = row.seq;
    }
    const events = last === undefined ? 0 : deleteEventsUpTo.run(last).changes;
    return events + oldAudit.run(cutoff, batch).changes;
  });

  return {
    async purgeBefore(cutoff, batch, now) {
      const jobs = purgeJobs.immediate(cutoff, batch, now);
      const records = purgeRecords.immediate(cutoff, batch);
      return { jobs, records };
    },
  };
}
