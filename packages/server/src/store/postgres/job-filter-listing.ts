import type pg from 'pg';
import {
  checkCandidates,
  type FilterDialect,
  filterConditions,
  isKept,
  keptPairs,
  type ListingFilter,
} from '../listing/job-filter.js';
import type { ListingWindow, WindowPage } from '../listing/window-listing.js';
import { pageOfRows, type SegmentArrays, segmentArrays, windowTotalQuery } from './job-listing.js';

/**
 * The filtered listing on PostgreSQL (listing/job-filter.ts). The kept listing (status, name) is
 * one call of list_filtered_window (migration 12): the shared algorithm on job_filter_counts, its
 * rows the merge of one ordered read per status (and name). The checked listing counts the
 * candidates from the kept counts first (refusing beyond the limit), then reads them and checks
 * each in one statement, whose total and page come from one snapshot.
 */

/** The listing's columns, what one of its rows becomes, and `kind` naming its statements. */
export interface FilteredColumns<Row> {
  kind: string;
  columns: string;
  map: (row: unknown[]) => Row;
}

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export function createPostgresFilteredListing(pool: pg.Pool) {
  /** list_filtered_window's statement for `filter` over `window`. */
  const keptQuery = (
    filter: ListingFilter,
    window: ListingWindow,
    { levels, froms, tos }: SegmentArrays,
    columns: string,
    name: string,
  ) => {
    const pairs = keptPairs(filter);
    return {
      name,
      text: `SELECT total, ${columns} FROM list_filtered_window($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      values: [
        window.projectId,
        filter.statuses ?? null,
        filter.names ?? null,
        pairs.map((pair) => pair.status),
        pairs.map((pair) => pair.name ?? null),
        levels,
        froms,
        tos,
        window.startTime,
        window.endTime,
        window.offset,
        window.limit,
      ],
      rowMode: 'array' as const,
    };
  };

  /** How many tasks of the window pass the kept filters (all of them when none is given). */
  async function candidates(filter: ListingFilter, window: ListingWindow): Promise<number> {
    const past = { ...window, offset: Number.MAX_SAFE_INTEGER, limit: 0 };
    const kept = filter.statuses !== undefined || filter.names !== undefined;
    const query = kept
      ? keptQuery(filter, past, segmentArrays(past), 'NULL', 'list-filtered-total')
      : windowTotalQuery(past);
    const { rows } = await pool.query<unknown[]>(query);
    return Number(rows[0]?.[0] ?? 0);
  }

  /** The checked listing's one statement: the matching candidates' total and the page. */
  async function checked<Row>(
    filter: ListingFilter,
    window: ListingWindow,
    { columns, map }: FilteredColumns<Row>,
  ): Promise<WindowPage<Row>> {
    if (filter.jobId === undefined) checkCandidates(filter, await candidates(filter, window));
    const values: unknown[] = [window.projectId, window.startTime, window.endTime];
    const param = (value: unknown) => {
      values.push(value);
      return `$${values.length}`;
    };
    const dialect: FilterDialect = {
      param,
      asciiLower: (column) => `translate(${column}, '${UPPER}', '${UPPER.toLowerCase()}')`,
      contains: (haystack, needle) => `strpos(${haystack}, ${needle}) > 0`,
    };
    const conditions = filterConditions(filter, dialect);
    const text = `WITH m AS MATERIALIZED (
        SELECT ${columns}, created_at AS k_at, id AS k_id FROM jobs
         WHERE project_id = $1 AND created_at >= $2 AND created_at <= $3 AND ${conditions})
      SELECT (SELECT count(*) FROM m) AS total, p.*
        FROM (SELECT 1) AS one LEFT JOIN LATERAL (
          SELECT ${columns} FROM m ORDER BY k_at DESC, k_id DESC LIMIT ${param(window.limit)} OFFSET ${param(window.offset)}
        ) AS p ON TRUE`;
    const { rows } = await pool.query<unknown[]>({ text, values, rowMode: 'array' });
    return pageOfRows(rows, map);
  }

  /** The filtered page of `columns`. */
  return async function listFiltered<Row>(
    filter: ListingFilter,
    window: ListingWindow,
    columns: FilteredColumns<Row>,
  ): Promise<WindowPage<Row>> {
    if (!isKept(filter)) return checked(filter, window, columns);
    const segments = segmentArrays(window);
    if (segments.levels.length === 0) return { total: 0, jobs: [] };
    const { rows } = await pool.query<unknown[]>(
      keptQuery(filter, window, segments, columns.columns, `list-filtered-${columns.kind}`),
    );
    return pageOfRows(rows, columns.map);
  };
}
