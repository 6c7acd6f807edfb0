import type pg from 'pg';
import type { JobJsonPage, JobPage } from '../interfaces.js';
import { dayPieces } from '../listing/day-segments.js';
import type { ListingFilter } from '../listing/job-filter.js';
import { DIRECT_SKIP_LIMIT, type ListingWindow, type WindowPage } from '../listing/window-listing.js';
import { LISTED_JSON_COLUMN, PAGE_COLUMNS, type PageRow, pageRowToJob } from '../rows/job-rows.js';
import { createPostgresFilteredListing } from './job-filter-listing.js';

/**
 * The listing on PostgreSQL: the shared algorithm's reads (its description: listing/window-listing.ts)
 * answered in one function call, list_window (migration 8), so that a page costs one round trip
 * whatever its offset. Here the window is cut into segments by the shared windowSegments, passed as
 * arrays; the function counts them, locates the offset through the bucket counts and returns the
 * page with the total on each row. One statement has one snapshot: the total and the page agree
 * without a transaction. A filter is listed by job-filter-listing.ts.
 */

/** A window's segments, as the listing functions take them. */
export interface SegmentArrays {
  levels: (number | null)[];
  froms: number[];
  tos: number[];
}

/** The window's segments as list_window takes them: levels (null: rows), and bounds in their units. */
export function segmentArrays(window: ListingWindow): SegmentArrays {
  const { level, from, to } = dayPieces([window]);
  return { levels: level, froms: from, tos: to };
}

/** A page of a listing function's rows: each holds the total first; one with no task holds it alone. */
export function pageOfRows<Row>(rows: unknown[][], map: (row: unknown[]) => Row): WindowPage<Row> {
  const total = Number(rows[0]?.[0] ?? 0);
  if (rows.length === 1 && rows[0]?.[1] === null) return { total, jobs: [] };
  return { total, jobs: rows.map((row) => map(row.slice(1))) };
}

/** The unfiltered listing's statement, for the window's total alone (an offset past every task). */
export const windowTotalQuery = (window: ListingWindow) => {
  const { levels, froms, tos } = segmentArrays(window);
  return {
    name: 'list-window-total',
    text: 'SELECT total FROM list_window($1, $2, $3, $4, $5, $6, $7, 0, $8)',
    values: [
      window.projectId,
      levels,
      froms,
      tos,
      window.startTime,
      window.endTime,
      Number.MAX_SAFE_INTEGER,
      DIRECT_SKIP_LIMIT,
    ],
    rowMode: 'array' as const,
  };
};

export function createPostgresJobListing(pool: pg.Pool): {
  rows: (window: ListingWindow, filter?: ListingFilter) => Promise<JobPage>;
  json: (window: ListingWindow, filter?: ListingFilter) => Promise<JobJsonPage>;
} {
  const listFiltered = createPostgresFilteredListing(pool);

  /** A listing whose rows are `columns` of list_window's result (named `kind` in the statement's name). */
  function listing<Row>(kind: string, columns: string, map: (projectId: string, row: unknown[]) => Row) {
    const name = `list-window-${kind}`;
    const text = `SELECT total, ${columns} FROM list_window($1, $2, $3, $4, $5, $6, $7, $8, $9)`;
    return async (window: ListingWindow, filter?: ListingFilter): Promise<WindowPage<Row>> => {
      const { projectId, startTime, endTime, offset, limit } = window;
      const mapRow = (row: unknown[]) => map(projectId, row);
      if (filter !== undefined) return listFiltered(filter, window, { kind, columns, map: mapRow });
      const { levels, froms, tos } = segmentArrays(window);
      if (levels.length === 0) return { total: 0, jobs: [] };
      const { rows } = await pool.query<unknown[]>({
        name,
        text,
        values: [projectId, levels, froms, tos, startTime, endTime, offset, limit, DIRECT_SKIP_LIMIT],
        rowMode: 'array',
      });
      return pageOfRows(rows, mapRow);
    };
  }
  return {
    rows: listing('rows', PAGE_COLUMNS, (projectId, row) => pageRowToJob(projectId, row as PageRow)),
    json: listing('json', LISTED_JSON_COLUMN, (_projectId, row) => row[0] as string),
  };
}
