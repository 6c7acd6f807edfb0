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
const STATISTICS_SQL = `
WITH piece AS (
  SELECT * FROM unnest($2::integer[], $3::integer[], $4::bigint[], $5::bigint[]) AS p (day, level, lo, hi)
)
SELECT piece.day, c.status, sum(c.n)::integer
  FROM piece JOIN job_filter_counts c
    ON c.project_id = $1 AND c.level = piece.level AND c.bucket >= piece.lo AND c.bucket < piece.hi
 WHERE ($6::text[] IS NULL OR c.status = ANY ($6)) AND ($7::text[] IS NULL OR c.name = ANY ($7))
 GROUP BY piece.day, c.status
UNION ALL
SELECT piece.day, j.status, count(*)::integer
  FROM piece JOIN jobs j
    ON j.project_id = $1 AND j.created_at >= piece.lo AND j.created_at < piece.hi
 WHERE piece.level IS NULL
   AND ($6::text[] IS NULL OR j.status = ANY ($6)) AND ($7::text[] IS NULL OR j.name = ANY ($7))
 GROUP BY piece.day, j.status`;

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
