import type { Database, Statement } from 'better-sqlite3';
import type { JobJsonPage, JobPage } from '../interfaces.js';
import type { ListingFilter } from '../listing/job-filter.js';
import {
  type ListingReads,
  type ListingWindow,
  listWindow,
  type Position,
  type WindowPage,
} from '../listing/window-listing.js';
import { type Segment, segmentBounds } from '../listing/window-segments.js';
import { LISTED_JSON_COLUMN, PAGE_COLUMNS, type PageRow, pageRowToJob } from '../rows/job-rows.js';
import { createSqliteFilteredListing } from './job-filter-listing.js';

/**
 * The listing's reads on SQLite (the algorithm: listing/window-listing.ts), answered inside one
 * read transaction, so the total and the page come from one snapshot. Rows are read as
 * arrays (`raw()`) of only the columns needed: turning values into JS values is most of the cost
 * of a page, which is why the list route reads each task's pre-rendered JSON.
 */
export function createSqliteJobListing(db: Database): {
  rows: (window: ListingWindow, filter?: ListingFilter) => JobPage;
  json: (window: ListingWindow, filter?: ListingFilter) => JobJsonPage;
} {
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

  /** One statement counts every segment of a window; windows come in a handful of shapes. */
  const countsByShape = new Map<string, Statement>();
  function segmentCounts(window: ListingWindow, segments: Segment[]): number[] {
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
    for (const segment of segments) {
      const [from, to] = segmentBounds(segment);
      args.push(window.projectId, from, to);
    }
    return statement.get(args) as number[];
  }

  const listFiltered = createSqliteFilteredListing(db, segmentCounts);

  /** The reads of a listing whose rows are `columns`, each turned into a `Row`. */
  function reads<Row>(columns: string, map: (projectId: string, row: unknown[]) => Row) {
    const order = 'ORDER BY created_at DESC, id DESC LIMIT ?';
    const first = db
      .prepare(
        `SELECT ${columns} FROM jobs WHERE project_id = ? AND created_at >= ? AND created_at <= ? ${order}`,
      )
      .raw();
    const from = db
      .prepare(
        `SELECT ${columns} FROM jobs WHERE project_id = ? AND created_at >= ? AND (created_at, id) <= (?, ?) ${order}`,
      )
      .raw();
    const rowsOf = (window: ListingWindow, rows: unknown[]) =>
      (rows as unknown[][]).map((row) => map(window.projectId, row));
    const answers: ListingReads<Row> = {
      totalAndFirstPage(window, segments) {
        const total = segmentCounts(window, segments).reduce((a, b) => a + b, 0);
        if (total === 0) return { total, jobs: [] };
        const { projectId, startTime, endTime, limit } = window;
        return { total, jobs: rowsOf(window, first.all(projectId, startTime, endTime, limit)) };
      },
      segmentCounts,
      bucketsNewestFirst(window, segment) {
        return bucketsNewestFirst.all(window.projectId, segment.level, ...segmentBounds(segment)) as [
          number,
          number,
        ][];
      },
      positionAtRank(window, segment, rank) {
        return positionAtRank.get(window.projectId, segment.from, segment.to, rank) as Position | undefined;
      },
      pageFrom(window, [createdAt, id]) {
        const { projectId, startTime, limit } = window;
        return rowsOf(window, from.all(projectId, startTime, createdAt, id, limit));
      },
    };
    // One read transaction: the total and the page come from the same snapshot. Without a
    // filter, the listing as it always was; with one, the filtered listing's reads.
    const list = db.transaction((window: ListingWindow, filter: ListingFilter | undefined) =>
      filter === undefined ? listWindow(answers, window) : listFiltered(filter, window, columns, rowsOf),
    );
    return (window: ListingWindow, filter?: ListingFilter): WindowPage<Row> => list(window, filter);
  }

  return {
    rows: reads(PAGE_COLUMNS, (projectId, row) => pageRowToJob(projectId, row as PageRow)),
    json: reads(LISTED_JSON_COLUMN, (_projectId, row) => row[0] as string),
  };
}
