import type pg from 'pg';
import type { RetentionStore } from '../interfaces.js';
import { lastEntryBefore } from '../rows/event-rows.js';
import { COLUMNS, type Row, toJob } from '../rows/job-rows.js';
import { appendEntry } from './job-events.js';
import type { FeedAnnouncer } from './notifications.js';
import { retryingAborted, transaction } from './pool.js';

const DAY = 86_400_000;

/**
 * Retention on PostgreSQL, as on SQLite: old tasks are found project by project through the day
 * buckets and the key (project, created_at, id); each batch is one short transaction, a writer
 * as any other (the writers' lock shared, job-events.ts), whose `removed` entries take their
 * cursors as any write's, and whose delete trigger lowers the counts once per bucket.
 */
export function createPostgresRetention(
  pool: pg.Pool,
  sharedWritersLock: string,
  announcer: FeedAnnouncer,
): RetentionStore {
  const purgeJobs = (cutoff: number, batch: number, now: number) =>
    transaction(pool, async (client) => {
      await client.query(`WITH ${sharedWritersLock} SELECT 1 FROM writer`);
      const projects = await client.query<[string]>({
        name: 'retention-projects',
        text: 'SELECT DISTINCT project_id FROM job_counts WHERE level = 2 AND bucket <= $1 AND n > 0',
        values: [Math.floor(cutoff / DAY)],
        rowMode: 'array',
      });
      const old: Row[] = [];
      for (const [projectId] of projects.rows) {
        const rows = await client.query<Row>({
          name: 'retention-old-jobs',
          text: `SELECT ${COLUMNS} FROM jobs WHERE project_id = $1 AND created_at < $2 ORDER BY created_at LIMIT $3`,
          values: [projectId, cutoff, batch - old.length],
        });
        old.push(...rows.rows);
        if (old.length >= batch) break;
      }
      if (old.length === 0) return 0;
      // Another node purging at the same moment may have found the same tasks: only those this
      // transaction deleted get their entry, so a task is announced removed once.
      const deleted = await client.query<[string]>({
        text: 'DELETE FROM jobs WHERE id = ANY($1::text[]) RETURNING id',
        values: [old.map((row) => row.id)],
        rowMode: 'array',
      });
      const mine = new Set(deleted.rows.map(([id]) => id));
      const gone = old.filter((row) => mine.has(row.id));
      if (gone.length === 0) return 0;
      const ids = gone.map((row) => row.id);
      await client.query('DELETE FROM job_statuses WHERE job_id = ANY($1::text[])', [ids]);
      // One entry each, in the order found.
      await client.query(
        `WITH gone AS (
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS e (project_id, job_id, job, n)
         ),
         ${appendEntry('gone', { project: 'project_id', jobId: 'job_id', type: "'removed'", at: '$4::bigint', job: 'job' }, 'n')}`,
        [gone.map((row) => row.project_id), ids, gone.map((row) => JSON.stringify(toJob(row))), now],
      );
      await client.query('DELETE FROM job_counts WHERE n = 0');
      // The counts by status and name hold many more rows: only the purged projects' old ones are
      // looked at, through the key. Any row at 0 may go (a trigger that needs it again inserts it).
      await client.query({
        name: 'retention-empty-filter-counts',
        text: `DELETE FROM job_filter_counts c USING unnest($1::text[]) AS p (project_id)
                WHERE c.project_id = p.project_id AND c.n = 0 AND (
                  (c.level = 0 AND c.bucket <= $2::bigint / 60000) OR (c.level = 1 AND c.bucket <= $2::bigint / 3600000)
                  OR (c.level = 2 AND c.bucket <= $2::bigint / 86400000))`,
        values: [[...new Set(gone.map((row) => row.project_id))], cutoff],
      });
      return gone.length;
    });

  const purgeRecords = async (cutoffs: { tasks: number; feed: number }, batch: number): Promise<number> => {
    const oldest = await pool.query<[number, number]>({
      name: 'retention-oldest-events',
      text: 'SELECT seq, at FROM job_events ORDER BY seq LIMIT $1',
      values: [batch],
      rowMode: 'array',
    });
    const last = lastEntryBefore(oldest.rows, cutoffs.feed);
    const events =
      last === undefined
        ? 0
        : ((await pool.query('DELETE FROM job_events WHERE seq <= $1', [last])).rowCount ?? 0);
    const audit = await pool.query(
      'DELETE FROM removed_jobs WHERE id IN (SELECT id FROM removed_jobs WHERE removed_at < $1 LIMIT $2)',
      [cutoffs.tasks, batch],
    );
    return events + (audit.rowCount ?? 0);
  };

  return {
    async purgeBefore(cutoffs, batch, now) {
      const jobs = await retryingAborted(() => purgeJobs(cutoffs.tasks, batch, now));
      if (jobs > 0) announcer.announce();
      const records = await purgeRecords(cutoffs, batch);
      return { jobs, records };
    },
  };
}
