import { bucketSize, type Level, type Segment, windowSegments } from './window-segments.js';

/**
 * Listing a project's window, written once for both databases: the total from the bucket counts,
 * the position of `offset` by descending through day, hour and minute buckets, then one range read
 * of the page from there. Neither the count nor the skip grows with the project's size.
 *
 * The algorithm asks its reads one at a time (a generator yields each read and is handed its
 * answer), so that one database answers synchronously inside one transaction (SQLite) and the
 * other over the network (PostgreSQL): each database's folder holds only the SQL of these reads
 * and how it runs them.
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

type Answer<Mode, T> = Mode extends 'async' ? Promise<T> : T;

/**
 * The reads a database answers for the listing, of the window it was asked for; `Row` is what a
 * page's row becomes (the task, or its pre-rendered JSON).
 */
export interface ListingReads<Mode extends 'sync' | 'async', Row> {
  /** The first page and the window's total, from one snapshot (one statement where it can be). */
  totalAndFirstPage(window: ListingWindow, segments: Segment[]): Answer<Mode, WindowPage<Row>>;
  /** How many tasks each segment holds, in the segments' order. */
  segmentCounts(window: ListingWindow, segments: Segment[]): Answer<Mode, number[]>;
  /** The non-empty buckets of the segment's level within it, newest first: [bucket number, count]. */
  bucketsNewestFirst(window: ListingWindow, segment: BucketSegment): Answer<Mode, [number, number][]>;
  /** The position of the row `rank` places into the segment, newest first (stepping over rows). */
  positionAtRank(window: ListingWindow, segment: Segment, rank: number): Answer<Mode, Position | undefined>;
  /** `limit` rows of the window from `position` (inclusive), newest first. */
  pageFrom(window: ListingWindow, position: Position): Answer<Mode, Row[]>;
}

type Read =
  | { read: 'totalAndFirstPage'; segments: Segment[] }
  | { read: 'segmentCounts'; segments: Segment[] }
  | { read: 'bucketsNewestFirst'; segment: BucketSegment }
  | { read: 'positionAtRank'; segment: Segment; rank: number }
  | { read: 'pageFrom'; position: Position };

/** Yields one read and returns its answer, whose type the read's kind fixes (see `answer`). */
function* ask<T>(read: Read): Generator<Read, T, unknown> {
  return (yield read) as T;
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

function* listWindow<Row>(window: ListingWindow): Generator<Read, WindowPage<Row>, unknown> {
  const segments = windowSegments(window.startTime, window.endTime);
  if (segments.length === 0) return { total: 0, jobs: [] };
  if (window.offset === 0) return yield* ask<WindowPage<Row>>({ read: 'totalAndFirstPage', segments });
  const counts = yield* ask<number[]>({ read: 'segmentCounts', segments });
  const total = counts.reduce((a, b) => a + b, 0);
  if (window.offset >= total) return { total, jobs: [] };
  let { part: segment, rank } = holding(segments, counts, window.offset);
  // SQLite and PostgreSQL step over a few hundred rows faster than they hand over bucket rows, so a
  // small rank is skipped directly; a large one descends to the bucket that holds it.
  while (segment.level !== undefined && rank >= DIRECT_SKIP_LIMIT) {
    const coarse = segment as BucketSegment;
    const buckets = yield* ask<[number, number][]>({ read: 'bucketsNewestFirst', segment: coarse });
    const found = holding(
      buckets.map(([bucket]) => bucket),
      buckets.map(([, n]) => n),
      rank,
    );
    segment = bucketSegment(coarse, found.part);
    rank = found.rank;
  }
  const position = yield* ask<Position | undefined>({ read: 'positionAtRank', segment, rank });
  if (!position) throw new Error('job_counts disagree with jobs');
  const jobs = yield* ask<Row[]>({ read: 'pageFrom', position });
  return { total, jobs };
}

/** The answer of a database to one read. */
function answer<Mode extends 'sync' | 'async', Row>(
  reads: ListingReads<Mode, Row>,
  window: ListingWindow,
  read: Read,
): unknown {
  switch (read.read) {
    case 'totalAndFirstPage':
      return reads.totalAndFirstPage(window, read.segments);
    case 'segmentCounts':
      return reads.segmentCounts(window, read.segments);
    case 'bucketsNewestFirst':
      return reads.bucketsNewestFirst(window, read.segment);
    case 'positionAtRank':
      return reads.positionAtRank(window, read.segment, read.rank);
    case 'pageFrom':
      return reads.pageFrom(window, read.position);
  }
}

/** Lists a window with reads answered at once (run it inside one read transaction). */
export function listWindowNow<Row>(reads: ListingReads<'sync', Row>, window: ListingWindow): WindowPage<Row> {
  const steps = listWindow<Row>(window);
  let step = steps.next();
  while (!step.done) step = steps.next(answer(reads, window, step.value));
  return step.value;
}

/** Lists a window with reads answered over the network, one after the other. */
export async function listWindowAsync<Row>(
  reads: ListingReads<'async', Row>,
  window: ListingWindow,
): Promise<WindowPage<Row>> {
  const steps = listWindow<Row>(window);
  let step = steps.next();
  while (!step.done) step = steps.next(await answer(reads, window, step.value));
  return step.value;
}
