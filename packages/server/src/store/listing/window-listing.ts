import { bucketSize, type Level, type Segment, windowSegments } from './window-segments.js';

/**
 * Listing a project's window: the total from the bucket counts, the position of `offset` by
 * descending through day, hour and minute buckets, then one range read of the page from there.
 * Neither the count nor the skip grows with the project's size.
 *
 * SQLite answers the reads below inside one read transaction (sqlite/job-listing.ts). PostgreSQL
 * runs the same algorithm inside the database, in one function call (migration 8's
 * `list_window`), so that a page costs one round trip; it shares the segments and the constants
 * here. A filtered listing (status, name) runs the same algorithm on the counts by status and
 * name (job_filter_counts) and ordered reads of the tasks that match (sqlite/job-filter-listing.ts,
 * migration 12's `list_filtered_window`).
 */

/** One page request: the window `[startTime, endTime]` of a project, `limit` rows from `offset`. */
export interface ListingWindow {
  projectId: string;
  startTime: number;
  endTime: number;
  offset: number;
  limit: number;
}

/** A position in the listing order (newest first): created_at, then id. */
export type Position = [createdAt: number, id: string];

/** A segment counted by buckets of its level. */
export type BucketSegment = Segment & { level: Level };

/** A page of the window, and the window's total. */
export interface WindowPage<Row> {
  total: number;
  jobs: Row[];
}

/** Ranks below this are reached by stepping over rows rather than through the bucket counts. */
export const DIRECT_SKIP_LIMIT = 256;

/**
 * The reads a database answers for the listing, of the window it was asked for; `Row` is what a
 * page's row becomes (the task, or its pre-rendered JSON).
 */
export interface ListingReads<Row> {
  /** The first page and the window's total, from one snapshot. */
  totalAndFirstPage(window: ListingWindow, segments: Segment[]): WindowPage<Row>;
  /** How many tasks each segment holds, in the segments' order. */
  segmentCounts(window: ListingWindow, segments: Segment[]): number[];
  /** The non-empty buckets of the segment's level within it, newest first: [bucket number, count]. */
  bucketsNewestFirst(window: ListingWindow, segment: BucketSegment): [number, number][];
  /** The position of the row `rank` places into the segment, newest first (stepping over rows). */
  positionAtRank(window: ListingWindow, segment: Segment, rank: number): Position | undefined;
  /** `limit` rows of the window from `position` (inclusive), newest first. */
  pageFrom(window: ListingWindow, position: Position): Row[];
}

/** The member of `parts` (in order) that holds the `rank`th row, and the rank within it. */
function holding<P>(parts: P[], counts: number[], rank: number): { part: P; rank: number } {
  let left = rank;
  for (let i = 0; i < parts.length; i++) {
    const n = counts[i] ?? 0;
    if (left < n) return { part: parts[i] as P, rank: left };
    left -= n;
  }
  throw new Error('job_counts disagree with jobs');
}

/** The segment of one bucket of `segment`'s level, counted by the next finer level (or row by row). */
function bucketSegment(segment: BucketSegment, bucket: number): Segment {
  const size = bucketSize(segment.level);
  const from = bucket * size;
  return { from, to: from + size, level: segment.level === 0 ? undefined : ((segment.level - 1) as Level) };
}

/**
 * A page of the window, with its total, from the database's reads. A rank below `skipLimit` is
 * reached by stepping over rows; a filtered listing passes 0, and so always descends to a minute
 * (or an edge): stepping over the filtered rows of a larger segment steps over the others too.
 */
export function listWindow<Row>(
  reads: ListingReads<Row>,
  window: ListingWindow,
  skipLimit = DIRECT_SKIP_LIMIT,
): WindowPage<Row> {
  const segments = windowSegments(window.startTime, window.endTime);
  if (segments.length === 0) return { total: 0, jobs: [] };
  if (window.offset === 0) return reads.totalAndFirstPage(window, segments);
  const counts = reads.segmentCounts(window, segments);
  const total = counts.reduce((a, b) => a + b, 0);
  if (window.offset >= total) return { total, jobs: [] };
  let { part: segment, rank } = holding(segments, counts, window.offset);
  // A database steps over a few hundred rows faster than it hands over bucket rows, so a small
  // rank is skipped directly; a large one descends to the bucket that holds it.
  while (segment.level !== undefined && rank >= skipLimit) {
    const coarse = segment as BucketSegment;
    const buckets = reads.bucketsNewestFirst(window, coarse);
    const found = holding(
      buckets.map(([bucket]) => bucket),
      buckets.map(([, n]) => n),
      rank,
    );
    segment = bucketSegment(coarse, found.part);
    rank = found.rank;
  }
  const position = reads.positionAtRank(window, segment, rank);
  if (!position) throw new Error('job_counts disagree with jobs');
  return { total, jobs: reads.pageFrom(window, position) };
}
