import type { Database } from 'better-sqlite3';
import { type CountFilter, countsPerDay, type DayWindow, dayPieces } from '../listing/day-segments.js';

/**
 * Tasks per day and status on SQLite: every day's pieces (listing/day-segments.ts) go in as one
 * JSON array and are counted by one statement, the bucket pieces from job_filter_counts through
 * its key, the sub-minute edges from the tasks' rows through the creation index. The statement
 * reads a few rows per piece, whatever the project holds. A filter absent is NULL.
 */
export function createSqliteJobStatistics(db: Database) {
  const filtered = (table: string) => `
       AND (@statuses IS NULL OR ${table}.status IN (SELECT value FROM json_each(@statuses)))
       AND (@names IS NULL OR ${table}.name IN (SELECT value FROM json_each(@names)))`;
  const counts = db
    .prepare(
      `WITH piece AS (
         SELECT value ->> 0 AS day, value ->> 1 AS level, value ->> 2 AS lo, value ->> 3 AS hi
           FROM json_each(@pieces))
       SELECT piece.day, c.status, sum(c.n)
         FROM piece CROSS JOIN job_filter_counts c
        WHERE piece.level IS NOT NULL AND c.project_id = @projectId AND c.level = piece.level
          AND c.bucket >= piece.lo AND c.bucket < piece.hi ${filtered('c')}
        GROUP BY piece.day, c.status
       UNION ALL
       SELECT piece.day, j.status, count(*)
         FROM piece CROSS JOIN jobs j
        WHERE piece.level IS NULL AND j.project_id = @projectId
          AND j.created_at >= piece.lo AND j.created_at < piece.hi ${filtered('j')}
        GROUP BY piece.day, j.status`,
    )
    .raw();

  return {
    async dailyStatusCounts(projectId: string, days: readonly DayWindow[], filter: CountFilter) {
      const { day, level, from, to } = dayPieces(days);
      const pieces = JSON.stringify(day.map((d, i) => [d, level[i], from[i], to[i]]));
      const list = (values: readonly string[] | undefined) =>
        values === undefined ? null : JSON.stringify(values);
      const rows = counts.all({
        pieces,
        projectId,
        statuses: list(filter.statuses),
        names: list(filter.names),
      }) as [number, string, number][];
      return countsPerDay(days.length, rows);
    },
  };
}
