import type pg from 'pg';
import type { JobJsonPage, JobPage } from '../interfaces.js';
import { DIRECT_SKIP_LIMIT, type ListingWindow, type WindowPage } from '../listing/window-listing.js';
import { segmentBounds, windowSegments } from '../listing/window-segments.js';
import { LISTED_JSON_COLUMN, PAGE_COLUMNS, type PageRow, pageRowToJob } from '../rows/job-rows.js';

/**
 * The listing on PostgreSQL: the shared algorithm's reads (its description: listing/window-listing.ts)
 * answered in one function call, list_window (migration 8), so that a page costs one round trip
 * whatever its offset. Here the window is cut into segments by the shared windowSegments, passed as
 * arrays; the function counts them, locates the offset through the bucket counts and returns the
 * page with the total on each row. One statement has one snapshot: the total and the page agree
 * without a transaction.
 */

export function createPostgresJobListing(pool: pg.Pool): {
  rows: (window: ListingWindow) => Promise<JobPage>;
  json: (window: ListingWindow) => Promise<JobJsonPage>;
} {
  /** A listing whose rows are `columns` of list_window's result (named `kind` in the statement's name). */
  function listing<Row>(kind: string, columns: string, map: (projectId: string, row: unknown[]) => Row) {
    const name = `list-window-${kind}`;
    const text = `SELECT total, ${columns} FROM list_window($1, $2, $3, $4, $5, $6, $7, $8, $9)`;
    return async (window: ListingWindow): Promise<WindowPage<Row>> => {
      const segments = windowSegments(window.startTime, window.endTime);
      if (segments.length === 0) return { total: 0, jobs: [] };
      const levels: (number | null)[] = [];
      const froms: number[] = [];
      const tos: number[] = [];
      for (const segment of segments) {
        const [from, to] = segmentBounds(segment);
        levels.push(segment.level ?? null);
        froms.push(from);
        tos.push(to);
      }
      const { projectId, startTime, endTime, offset, limit } = window;
      const { rows } = await pool.query<unknown[]>({
        name,
        text,
        values: [projectId, levels, froms, tos, startTime, endTime, offset, limit, DIRECT_SKIP_LIMIT],
        rowMode: 'array',
      });
      const total = (rows[0]?.[0] as number | undefined) ?? 0;
      // A page without rows comes as one row holding the total alone (its task columns NULL).
      if (rows.length === 1 && rows[0]?.[1] === null) return { total, jobs: [] };
      return { total, jobs: rows.map((row) => map(projectId, row.slice(1))) };
    };
  }
  return {
    rows: listing('rows', PAGE_COLUMNS, (projectId, row) => pageRowToJob(projectId, row as PageRow)),
    json: listing('json', LISTED_JSON_COLUMN, (_projectId, row) => row[0] as string),
  };
}
