import type { Database, Statement } from 'better-sqlite3';
import {
  checkCandidates,
  type FilterDialect,
  filterConditions,
  isKept,
  type KeptPair,
  keptPairs,
  type ListingFilter,
} from '../listing/job-filter.js';
import {
  type ListingReads,
  type ListingWindow,
  listWindow,
  type Position,
  type WindowPage,
} from '../listing/window-listing.js';
import { type Segment, segmentBounds, windowSegments } from '../listing/window-segments.js';

/**
 * The filtered listing on SQLite (listing/job-filter.ts), called inside the listing's read
 * transaction. The kept listing (status, name) is the shared algorithm on job_filter_counts, its
 * rows read by one ordered range read per status (and name) through the indexes by status and by
 * name, merged: a non-matching row is never stepped over. The checked listing reads the candidate
 * rows (at most the scan limit) and checks each.
 *
 * Statements are built by the filter's shape (how many statuses, names, segments) and kept.
 */

/** Named parameters, numbered in the order a statement's text asks for them. */
class Binder {
  readonly values: Record<string, string | number> = {};
  private next = 0;

  constructor(projectId: string) {
    this.values.p = projectId;
  }

  /** A placeholder bound to `value`. */
  readonly param = (value: string | number): string => {
    const name = `v${this.next++}`;
    this.values[name] = value;
    return `@${name}`;
  };
}

/** The checked filters' conditions in SQLite's SQL: lower() folds ASCII letters only. */
const dialect = (binder: Binder): FilterDialect => ({
  param: binder.param,
  asciiLower: (column) => `lower(${column})`,
  contains: (haystack, needle) => `instr(${haystack}, ${needle}) > 0`,
});

/** Statements kept by text; a filter's shapes are few, the bound keeps odd ones from piling up. */
const KEPT_STATEMENTS = 500;

export function createSqliteFilteredListing(
  db: Database,
  unfilteredCounts: (window: ListingWindow, segments: Segment[]) => number[],
) {
  const statements = new Map<string, Statement>();
  const prepared = (sql: string): Statement => {
    let statement = statements.get(sql);
    if (!statement) {
      if (statements.size >= KEPT_STATEMENTS) statements.clear();
      statement = db.prepare(sql).raw();
      statements.set(sql, statement);
    }
    return statement;
  };

  /** The kept counts' conditions of the filter (the statuses and names given). */
  const countConditions = (filter: ListingFilter, b: Binder) => {
    const parts = ['TRUE'];
    if (filter.statuses) parts.push(`status IN (${filter.statuses.map(b.param).join(', ')})`);
    if (filter.names) parts.push(`name IN (${filter.names.map(b.param).join(', ')})`);
    return parts.join(' AND ');
  };

  /** The rows of one pair satisfying `condition`, newest first, at most `take`, through its index. */
  const pairRead = (pair: KeptPair, columns: string, condition: string, take: string, b: Binder) => {
    const index = pair.name === undefined ? 'jobs_by_status' : 'jobs_by_name';
    const name = pair.name === undefined ? '' : ` AND name = ${b.param(pair.name)}`;
    return `SELECT * FROM (SELECT ${columns}created_at AS k_at, id AS k_id FROM jobs INDEXED BY ${index}
      WHERE project_id = @p AND status = ${b.param(pair.status)}${name} AND ${condition}
      ORDER BY created_at DESC, id DESC LIMIT ${take})`;
  };

  /** Every pair's rows satisfying `condition` (each at most `take`), as one compound select. */
  const merged = (pairs: KeptPair[], columns: string, condition: string, take: string, b: Binder) =>
    pairs
      .map((pair) => pairRead(pair, columns ? `${columns}, ` : '', condition, take, b))
      .join(' UNION ALL ');

  /** Each segment's count of the filter's tasks: bucket sums, or the matching rows of an edge. */
  function keptCounts(filter: ListingFilter, window: ListingWindow, segments: Segment[]): number[] {
    const b = new Binder(window.projectId);
    const conditions = countConditions(filter, b);
    const pairs = keptPairs(filter);
    const parts = segments.map((segment) => {
      const [from, to] = segmentBounds(segment);
      const lo = b.param(from);
      const hi = b.param(to);
      if (segment.level !== undefined)
        return `(SELECT coalesce(sum(n), 0) FROM job_filter_counts WHERE project_id = @p AND level = ${segment.level}
          AND bucket >= ${lo} AND bucket < ${hi} AND ${conditions})`;
      const range = `created_at >= ${lo} AND created_at < ${hi}`;
      return `(SELECT count(*) FROM (${merged(pairs, '', range, '-1', b)}))`;
    });
    return prepared(`SELECT ${parts.join(', ')}`).get(b.values) as number[];
  }

  /** The kept listing's reads of `filter`, rows of `columns` each turned into a `Row`. */
  function keptReads<Row>(
    filter: ListingFilter,
    columns: string,
    rowsOf: (window: ListingWindow, rows: unknown[]) => Row[],
  ): ListingReads<Row> {
    const pairs = keptPairs(filter);
    const page = (window: ListingWindow, condition: (b: Binder) => string) => {
      const b = new Binder(window.projectId);
      const limit = b.param(window.limit);
      const sql = `SELECT ${columns} FROM (${merged(pairs, columns, condition(b), limit, b)})
        ORDER BY k_at DESC, k_id DESC LIMIT ${limit}`;
      return rowsOf(window, prepared(sql).all(b.values));
    };
    const counts = (window: ListingWindow, segments: Segment[]) => keptCounts(filter, window, segments);
    return {
      totalAndFirstPage(window, segments) {
        const total = counts(window, segments).reduce((a, b) => a + b, 0);
        if (total === 0) return { total, jobs: [] };
        const jobs = page(
          window,
          (b) => `created_at >= ${b.param(window.startTime)} AND created_at <= ${b.param(window.endTime)}`,
        );
        return { total, jobs };
      },
      segmentCounts: counts,
      bucketsNewestFirst(window, segment) {
        const b = new Binder(window.projectId);
        const [from, to] = segmentBounds(segment);
        const sql = `SELECT bucket, sum(n) FROM job_filter_counts WHERE project_id = @p AND level = ${segment.level}
          AND bucket >= ${b.param(from)} AND bucket < ${b.param(to)} AND ${countConditions(filter, b)}
          GROUP BY bucket HAVING sum(n) > 0 ORDER BY bucket DESC`;
        return prepared(sql).all(b.values) as [number, number][];
      },
      positionAtRank(window, segment, rank) {
        const b = new Binder(window.projectId);
        const range = `created_at >= ${b.param(segment.from)} AND created_at < ${b.param(segment.to)}`;
        const sql = `SELECT k_at, k_id FROM (${merged(pairs, '', range, b.param(rank + 1), b)})
          ORDER BY k_at DESC, k_id DESC LIMIT 1 OFFSET ${b.param(rank)}`;
        return prepared(sql).get(b.values) as Position | undefined;
      },
      pageFrom(window, [createdAt, id]) {
        return page(
          window,
          (b) =>
            `created_at >= ${b.param(window.startTime)} AND (created_at, id) <= (${b.param(createdAt)}, ${b.param(id)})`,
        );
      },
    };
  }

  /** The checked listing: the candidates counted (and refused beyond the limit), then read and checked. */
  function checked<Row>(
    filter: ListingFilter,
    window: ListingWindow,
    columns: string,
    rowsOf: (window: ListingWindow, rows: unknown[]) => Row[],
  ): WindowPage<Row> {
    const segments = windowSegments(window.startTime, window.endTime);
    if (filter.jobId === undefined) {
      const kept = filter.statuses !== undefined || filter.names !== undefined;
      const counts = kept ? keptCounts(filter, window, segments) : unfilteredCounts(window, segments);
      checkCandidates(
        filter,
        counts.reduce((a, b) => a + b, 0),
      );
    }
    // The index that reads the candidates only: the task's key, its name, its status, or the window.
    const index =
      filter.jobId !== undefined
        ? 'INDEXED BY jobs_by_id'
        : filter.names
          ? 'INDEXED BY jobs_by_name'
          : filter.statuses
            ? 'INDEXED BY jobs_by_status'
            : '';
    const b = new Binder(window.projectId);
    const where = `project_id = @p AND created_at >= ${b.param(window.startTime)} AND created_at <= ${b.param(window.endTime)}
      AND ${filterConditions(filter, dialect(b))}`;
    const [total] = prepared(`SELECT count(*) FROM jobs ${index} WHERE ${where}`).get(b.values) as [number];
    if (window.offset >= total) return { total, jobs: [] };
    const sql = `SELECT ${columns} FROM jobs ${index} WHERE ${where}
      ORDER BY created_at DESC, id DESC LIMIT ${b.param(window.limit)} OFFSET ${b.param(window.offset)}`;
    return { total, jobs: rowsOf(window, prepared(sql).all(b.values)) };
  }

  /** The filtered page of `columns`; call inside a read transaction. */
  return function listFiltered<Row>(
    filter: ListingFilter,
    window: ListingWindow,
    columns: string,
    rowsOf: (window: ListingWindow, rows: unknown[]) => Row[],
  ): WindowPage<Row> {
    if (!isKept(filter)) return checked(filter, window, columns, rowsOf);
    // Always down to a minute: see listWindow.
    return listWindow(keptReads(filter, columns, rowsOf), window, 0);
  };
}
