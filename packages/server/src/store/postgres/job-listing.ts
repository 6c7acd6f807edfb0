import type pg from 'pg';
import { DIRECT_SKIP_LIMIT, PAGE_COLUMNS, type PageRow, type Position, pageRowToJob } from '../job-rows.js';
import type { JobJsonPage, JobPage } from '../types.js';
import { bucketSize, type Segment, windowSegments } from '../window-segments.js';
import { type Queryable, transaction } from './pool.js';

/**
 * Listing a project's window, as on SQLite: the total from the bucket counts, the position of
 * `offset` by descending through day, hour and minute buckets, then one range read of the page
 * from there. The first page, by far the most asked for, is one statement (counts and page read
 * from one snapshot); a later page reads its steps in one read-only snapshot transaction.
 */

type List<Page> = (
  projectId: string,
  startTime: number,
  endTime: number,
  offset: number,
  limit: number,
) => Promise<Page>;

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

function countArguments(segments: Segment[]): number[] {
  const args: number[] = [];
  for (const s of segments) {
    const size = s.level === undefined ? 1 : bucketSize(s.level);
    args.push(s.from / size, s.to / size);
  }
  return args;
}

/** Windows come in a handful of shapes; each shape is one prepared statement per connection. */
const shapeOf = (segments: Segment[]) => segments.map((s) => s.level ?? 'r').join('');

export function createPostgresJobListing(pool: pg.Pool): { rows: List<JobPage>; json: List<JobJsonPage> } {
  async function countSegments(db: Queryable, projectId: string, segments: Segment[]): Promise<number[]> {
    const result = await db.query<number[]>({
      name: `list-counts-${shapeOf(segments)}`,
      text: `SELECT ${countExpressions(segments, 2).join(', ')}`,
      values: [projectId, ...countArguments(segments)],
      rowMode: 'array',
    });
    return result.rows[0] ?? [];
  }

  /** The position of the row `rank` places into the segment, newest first; the cost is bounded either way. */
  async function locate(db: Queryable, projectId: string, s: Segment, rank: number): Promise<Position> {
    if (s.level === undefined || rank < DIRECT_SKIP_LIMIT) {
      const result = await db.query<Position>({
        name: 'list-rank',
        text: `SELECT created_at, id FROM jobs WHERE project_id = $1 AND created_at >= $2 AND created_at < $3
               ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET $4`,
        values: [projectId, s.from, s.to, rank],
        rowMode: 'array',
      });
      const position = result.rows[0];
      if (!position) throw new Error('job_counts disagree with jobs');
      return position;
    }
    const size = bucketSize(s.level);
    const buckets = await db.query<[number, number]>({
      name: 'list-buckets',
      text: `SELECT bucket, n FROM job_counts WHERE project_id = $1 AND level = $2 AND bucket >= $3 AND bucket < $4
               AND n > 0 ORDER BY bucket DESC`,
      values: [projectId, s.level, s.from / size, s.to / size],
      rowMode: 'array',
    });
    let left = rank;
    for (const [bucket, n] of buckets.rows) {
      if (left < n) {
        const from = bucket * size;
        const finer = s.level === 0 ? undefined : ((s.level - 1) as 0 | 1);
        return locate(db, projectId, { from, to: from + size, level: finer }, left);
      }
      left -= n;
    }
    throw new Error('job_counts disagree with jobs');
  }

  /** A listing reading `columns` of each row and turning each into a T. */
  function listing<T>(
    kind: string,
    columns: string,
    map: (projectId: string, row: unknown[]) => T,
  ): List<{
    total: number;
    jobs: T[];
  }> {
    const order = 'ORDER BY created_at DESC, id DESC';
    return async (projectId, startTime, endTime, offset, limit) => {
      const segments = windowSegments(startTime, endTime);
      if (segments.length === 0) return { total: 0, jobs: [] };
      if (offset === 0) {
        // The total rides on every row; no row means an empty window, as both come from one snapshot.
        const last = 2 + 2 * segments.length;
        const result = await pool.query<unknown[]>({
          name: `list-first-${kind}-${shapeOf(segments)}`,
          text: `SELECT ${countExpressions(segments, 2).join(' + ')}, ${columns} FROM jobs
                 WHERE project_id = $1 AND created_at >= $${last} AND created_at <= $${last + 1} ${order} LIMIT $${last + 2}`,
          values: [projectId, ...countArguments(segments), startTime, endTime, limit],
          rowMode: 'array',
        });
        const total = (result.rows[0]?.[0] as number | undefined) ?? 0;
        return { total, jobs: result.rows.map((row) => map(projectId, row.slice(1))) };
      }
      return transaction(
        pool,
        async (client) => {
          const counts = await countSegments(client, projectId, segments);
          const total = counts.reduce((a, b) => a + b, 0);
          if (offset >= total) return { total, jobs: [] as T[] };
          let left = offset;
          let i = 0;
          while (left >= (counts[i] ?? 0)) left -= counts[i++] ?? 0;
          const [createdAt, id] = await locate(client, projectId, segments[i] as Segment, left);
          const page = await client.query<unknown[]>({
            name: `list-from-${kind}`,
            text: `SELECT ${columns} FROM jobs WHERE project_id = $1 AND created_at >= $2 AND (created_at, id) <= ($3, $4)
                   ${order} LIMIT $5`,
            values: [projectId, startTime, createdAt, id, limit],
            rowMode: 'array',
          });
          return { total, jobs: page.rows.map((row) => map(projectId, row)) };
        },
        'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
      );
    };
  }

  return {
    rows: listing('rows', PAGE_COLUMNS, (projectId, row) => pageRowToJob(projectId, row as PageRow)),
    json: listing('json', 'listed_json', (_projectId, row) => row[0] as string),
  };
}
