import type pg from 'pg';
import type { JobJsonPage, JobPage } from '../interfaces.js';
import {
  type ListingReads,
  type ListingWindow,
  listWindowAsync,
  type Position,
  type WindowPage,
} from '../listing/window-listing.js';
import { type Segment, segmentBounds } from '../listing/window-segments.js';
import { LISTED_JSON_COLUMN, PAGE_COLUMNS, type PageRow, pageRowToJob } from '../rows/job-rows.js';
import { type Queryable, transaction } from './pool.js';

/**
 * The listing's reads on PostgreSQL (the algorithm: listing/window-listing.ts). The first page,
 * by far the most asked for, is one statement: the total rides on every row, counts and page
 * from one snapshot. A later page runs its reads in one read-only snapshot transaction.
 */

/** One count expression per segment, reading parameters from `$first` on (the project is `$1`). */
function countExpressions(segments: Segment[], first: number): string[] {
  return segments.map((s, i) => {
    const from = `$${first + 2 * i}`;
    const to = `$${first + 2 * i + 1}`;
    return s.level === undefined
      ? `(SELECT count(*) FROM jobs WHERE project_id = $1 AND created_at >= ${from} AND created_at < ${to})`
      : `(SELECT coalesce(sum(n), 0) FROM job_counts WHERE project_id = $1 AND level = ${s.level} AND bucket >= ${from} AND bucket < ${to})`;
  });
}

/** Windows come in a handful of shapes; each shape is one prepared statement per connection. */
const shapeOf = (segments: Segment[]) => segments.map((s) => s.level ?? 'r').join('');

const ORDER = 'ORDER BY created_at DESC, id DESC';

/** The reads of a listing whose rows are `columns` (named `kind` in statement names), on `db`. */
function readsOn<Row>(
  db: Queryable,
  kind: string,
  columns: string,
  map: (projectId: string, row: unknown[]) => Row,
): ListingReads<'async', Row> {
  const query = async <R extends unknown[]>(name: string, text: string, values: unknown[]) =>
    (await db.query<R>({ name, text, values, rowMode: 'array' })).rows;
  return {
    async totalAndFirstPage(window, segments) {
      const { projectId, startTime, endTime, limit } = window;
      const last = 2 + 2 * segments.length;
      const rows = await query<unknown[]>(
        `list-first-${kind}-${shapeOf(segments)}`,
        `SELECT ${countExpressions(segments, 2).join(' + ')}, ${columns} FROM jobs
         WHERE project_id = $1 AND created_at >= $${last} AND created_at <= $${last + 1} ${ORDER} LIMIT $${last + 2}`,
        [projectId, ...segments.flatMap(segmentBounds), startTime, endTime, limit],
      );
      // No row means an empty window, as the total and the rows come from one snapshot.
      const total = (rows[0]?.[0] as number | undefined) ?? 0;
      return { total, jobs: rows.map((row) => map(projectId, row.slice(1))) };
    },
    async segmentCounts(window, segments) {
      const rows = await query<number[]>(
        `list-counts-${shapeOf(segments)}`,
        `SELECT ${countExpressions(segments, 2).join(', ')}`,
        [window.projectId, ...segments.flatMap(segmentBounds)],
      );
      return rows[0] ?? [];
    },
    async bucketsNewestFirst(window, segment) {
      return query<[number, number]>(
        'list-buckets',
        `SELECT bucket, n FROM job_counts WHERE project_id = $1 AND level = $2 AND bucket >= $3 AND bucket < $4
           AND n > 0 ORDER BY bucket DESC`,
        [window.projectId, segment.level, ...segmentBounds(segment)],
      );
    },
    async positionAtRank(window, segment, rank) {
      const rows = await query<Position>(
        'list-rank',
        `SELECT created_at, id FROM jobs WHERE project_id = $1 AND created_at >= $2 AND created_at < $3
         ${ORDER} LIMIT 1 OFFSET $4`,
        [window.projectId, segment.from, segment.to, rank],
      );
      return rows[0];
    },
    async pageFrom(window, [createdAt, id]) {
      const { projectId, startTime, limit } = window;
      const rows = await query<unknown[]>(
        `list-from-${kind}`,
        `SELECT ${columns} FROM jobs WHERE project_id = $1 AND created_at >= $2 AND (created_at, id) <= ($3, $4)
         ${ORDER} LIMIT $5`,
        [projectId, startTime, createdAt, id, limit],
      );
      return rows.map((row) => map(projectId, row));
    },
  };
}

export function createPostgresJobListing(pool: pg.Pool): {
  rows: (window: ListingWindow) => Promise<JobPage>;
  json: (window: ListingWindow) => Promise<JobJsonPage>;
} {
  function listing<Row>(kind: string, columns: string, map: (projectId: string, row: unknown[]) => Row) {
    const onPool = readsOn(pool, kind, columns, map);
    return (window: ListingWindow): Promise<WindowPage<Row>> =>
      // The first page is one read (one statement); a later page's several share a snapshot.
      window.offset === 0
        ? listWindowAsync(onPool, window)
        : transaction(
            pool,
            (client) => listWindowAsync(readsOn(client, kind, columns, map), window),
            'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
          );
  }
  return {
    rows: listing('rows', PAGE_COLUMNS, (projectId, row) => pageRowToJob(projectId, row as PageRow)),
    json: listing('json', LISTED_JSON_COLUMN, (_projectId, row) => row[0] as string),
  };
}
