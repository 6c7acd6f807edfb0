import type pg from 'pg';
import type { RetentionStore } from '../interfaces.js';
import { COLUMNS, type Row, toJob } from '../rows/job-rows.js';
import { transaction } from './pool.js';

const DAY = 86_400_000;

/**
 * Retention on PostgreSQL, as on SQLite: old tasks are found project by project through the day
 * buckets and the key (project, created_at, id); each batch is one short transaction under the
 * writer lock (job-events.ts), so its `removed` entries take cursors in commit order like any
 * write, and the delete trigger lowers the counts once per bucket.
 */
export function createPostgresRetention(pool: pg.Pool, takeWriterLock: string): RetentionStore {
  const purgeJobs = (cutoff: number, batch: number, now: number) =>
    transaction(pool, async (client) => {
      await client.query(takeWriterLock);
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
      await client.query('DELETE FROM jobs WHERE id = ANY($1::text[])', [old.map((row) => row.id)]);
      // One cursor each, in the order found, from one move of the counter.
      await client.query(
        `WITH moved AS (UPDATE job_event_cursor SET last = last + $1 RETURNING last)
         INSERT INTO job_events (seq, project_id, job_id, type, at, job)
         SELECT moved.last - $1 + e.n, e.project_id, e.job_id, 'removed', $2, e.job
         FROM moved, unnest($3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS e (project_id, job_id, job, n)`,
        [
          old.length,
          now,
          old.map((row) => row.project_id),
          old.map((row) => row.id),
          old.map((row) => JSON.stringify(toJob(row))),
        ],
      );
      await client.query('DELETE FROM job_counts WHERE n = 0');
      return old.length;
    });

  const purgeRecords = async (cutoff: number, batch: number): Promise<number> => {
    // The feed is in time order but for clock moves backwards: stop at the first newer entry.
    const oldest = await pool.query<[number, number]>({
      name: 'retention-oldest-events',
      text: 'SELECT seq, at FROM job_events ORDER BY seq LIMIT $1',
      values: [batch],
      rowMode: 'array',
    });
    let last: number | undefined;
    for (const [seq, at] of oldest.rows) {
      if (at >= cutoff) break;
      last = seq;
    }
    const events =
      last === undefined
        ? 0
        : ((await pool.query('DELETE FROM job_events WHERE seq <= $1', [last])).rowCount ?? 0);
    const audit = await pool.query(
      'DELETE FROM removed_jobs WHERE id IN (SELECT id FROM removed_jobs WHERE removed_at < $1 LIMIT $2)',
      [cutoff, batch],
    );
    return events + (audit.rowCount ?? 0);
  };

  return {
    async purgeBefore(cutoff, batch, now) {
      const jobs = await purgeJobs(cutoff, batch, now);
      const records = await purgeRecords(cutoff, batch);
      return { jobs, records };
    },
  };
}
