import type { Database, Statement } from 'better-sqlite3';
import { DIRECT_SKIP_LIMIT, PAGE_COLUMNS, type PageRow, type Position, pageRowToJob } from '../job-rows.js';
import type { JobJsonPage, JobPage } from '../types.js';
import { bucketSize, type Segment, windowSegments } from '../window-segments.js';

/**
 * Listing a project's window: the total from the bucket counts, the position of `offset` by
 * descending through day, hour and minute buckets, then one range read of the page from there.
 * Rows are read as arrays (`raw()`) of only the columns needed: turning values into JS values is
 * most of the cost of a page, which is why the list route reads each task's pre-rendered JSON.
 */

type List<Page> = (
  projectId: string,
  startTime: number,
  endTime: number,
  offset: number,
  limit: number,
) => Page;

export function createSqliteJobListing(db: Database): { rows: List<JobPage>; json: List<JobJsonPage> } {
  const bucketsNewestFirst = db
    .prepare(
      `SELECT bucket, n FROM job_counts WHERE project_id = ? AND level = ? AND bucket >= ? AND bucket < ? AND n > 0
       ORDER BY bucket DESC`,
    )
    .raw();
  const positionAtRank = db
    .prepare(
      `SELECT created_at, id FROM jobs WHERE project_id = ? AND created_at >= ? AND created_at < ?
       ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET ?`,
    )
    .raw();
  /** The statements reading a page of `columns`: from the window's newest, or from a position. */
  const pageReader = (columns: string) => ({
    first: db
      .prepare(
        `SELECT ${columns} FROM jobs WHERE project_id = ? AND created_at >= ? AND created_at <= ?
         ORDER BY created_at DESC, id DESC LIMIT ?`,
      )
      .raw(),
    from: db
      .prepare(
        `SELECT ${columns} FROM jobs WHERE project_id = ? AND created_at >= ? AND (created_at, id) <= (?, ?)
         ORDER BY created_at DESC, id DESC LIMIT ?`,
      )
      .raw(),
  });

  /** One statement counts every segment of a window; windows come in a handful of shapes. */
  const countsByShape = new Map<string, Statement>();
  function countSegments(projectId: string, segments: Segment[]): number[] {
    if (segments.length === 0) return [];
    const shape = segments.map((s) => s.level ?? 'r').join('');
    let statement = countsByShape.get(shape);
    if (!statement) {
      const parts = segments.map((s) =>
        s.level === undefined
          ? '(SELECT count(*) FROM jobs WHERE project_id = ? AND created_at >= ? AND created_at < ?)'
          : `(SELECT coalesce(sum(n), 0) FROM job_counts WHERE project_id = ? AND level = ${s.level} AND bucket >= ? AND bucket < ?)`,
      );
      statement = db.prepare(`SELECT ${parts.join(', ')}`).raw();
      countsByShape.set(shape, statement);
    }
    const args: (string | number)[] = [];
    for (const s of segments) {
      const size = s.level === undefined ? 1 : bucketSize(s.level);
      args.push(projectId, s.from / size, s.to / size);
    }
    return statement.get(args) as number[];
  }

  /**
   * The position of the row `rank` places into the segment, newest first. SQLite steps over a few
   * hundred rows faster than it hands over bucket rows, so a small rank is skipped directly; a
   * large one descends to the bucket that holds it. Either way the cost is bounded.
   */
  function locate(projectId: string, s: Segment, rank: number): Position {
    if (s.level === undefined || rank < DIRECT_SKIP_LIMIT) {
      return positionAtRank.get(projectId, s.from, s.to, rank) as Position;
    }
    const size = bucketSize(s.level);
    // all(), not iterate(): the descent below reuses this statement for the finer level.
    const buckets = bucketsNewestFirst.all(projectId, s.level, s.from / size, s.to / size) as [
      number,
      number,
    ][];
    let left = rank;
    for (const [bucket, n] of buckets) {
      if (left < n) {
        const from = bucket * size;
        const finer = s.level === 0 ? undefined : ((s.level - 1) as 0 | 1);
        return locate(projectId, { from, to: from + size, level: finer }, left);
      }
      left -= n;
    }
    throw new Error('job_counts disagree with jobs');
  }

  /** A listing reading `columns` of each row and turning each into a T. */
  function listing<T>(columns: string, map: (projectId: string, row: unknown[]) => T) {
    const page = pageReader(columns);
    // One read transaction: the total and the page come from the same snapshot.
    return db.transaction(
      (projectId: string, startTime: number, endTime: number, offset: number, limit: number) => {
        const segments = windowSegments(startTime, endTime);
        const counts = countSegments(projectId, segments);
        const total = counts.reduce((a, b) => a + b, 0);
        if (offset >= total) return { total, jobs: [] as T[] };
        let rows: unknown[][];
        if (offset === 0) {
          rows = page.first.all(projectId, startTime, endTime, limit) as unknown[][];
        } else {
          let left = offset;
          let i = 0;
          while (left >= (counts[i] ?? 0)) left -= counts[i++] ?? 0;
          const [createdAt, id] = locate(projectId, segments[i] as Segment, left);
          rows = page.from.all(projectId, startTime, createdAt, id, limit) as unknown[][];
        }
        return { total, jobs: rows.map((row) => map(projectId, row)) };
      },
    );
  }

  return {
    rows: listing(PAGE_COLUMNS, (projectId, row) => pageRowToJob(projectId, row as PageRow)),
    json: listing('listed_json', (_projectId, row) => row[0] as string),
  };
}
