import type pg from 'pg';
import { type CountFilter, countsPerDay, type DayWindow, dayPieces } from '../listing/day-segments.js';
import { unstorable } from './pool.js';

/**
 * Tasks per day and status on PostgreSQL: every day's pieces (listing/day-segments.ts) go in as
 * parallel arrays and are counted by one statement (one snapshot, one round trip), the bucket
 * pieces from job_filter_counts through its key, the sub-minute edges from the tasks' rows
 * through the creation index. A few rows per piece, whatever the project holds. A filter absent
 * is NULL.
 */
// Each piece is read on its own (LATERAL), by a range of the key: the planner would otherwise
// hash-join the pieces with every count row of the project, all levels and all times.
const STATISTICS_SQL = `
WITH piece AS (
  SELECT * FROM unnest($2::integer[], $3::integer[], $4::bigint[], $5::bigint[]) AS p (day, level, lo, hi)
)
SELECT piece.day, counted.status, sum(counted.n)::integer
  FROM piece CROSS JOIN LATERAL (
    SELECT c.status, c.n FROM job_filter_counts c
     WHERE c.project_id = $1 AND c.level = piece.level AND c.bucket >= piece.lo AND c.bucket < piece.hi
       AND ($6::text[] IS NULL OR c.status = ANY ($6)) AND ($7::text[] IS NULL OR c.name = ANY ($7))
     UNION ALL
    SELECT j.status, 1 FROM jobs j
     WHERE piece.level IS NULL AND j.project_id = $1 AND j.created_at >= piece.lo AND j.created_at < piece.hi
       AND ($6::text[] IS NULL OR j.status = ANY ($6)) AND ($7::text[] IS NULL OR j.name = ANY ($7))
  ) AS counted
 GROUP BY piece.day, counted.status`;

export function createPostgresJobStatistics(pool: pg.Pool) {
  return {
    async dailyStatusCounts(projectId: string, days: readonly DayWindow[], filter: CountFilter) {
      // A text holding NUL cannot be stored, so no task has it: such a name matches nothing.
      const names = filter.names?.filter((name) => !unstorable(name));
      if (unstorable(projectId) || names?.length === 0) return countsPerDay(days.length, []);
      const { day, level, from, to } = dayPieces(days);
      const { rows } = await pool.query<[number, string, number]>({
        name: 'job-statistics',
        text: STATISTICS_SQL,
        values: [projectId, day, level, from, to, filter.statuses ?? null, names ?? null],
        rowMode: 'array',
      });
      return countsPerDay(days.length, rows);
    },
  };
}
