/**
 * Splits a time window into the pieces that the bucket counts answer: whole days, hours and
 * minutes, plus at most two sub-minute edges counted row by row. Counting a 30-day window then
 * reads a few dozen bucket rows, however many tasks the project holds.
 */

export const BUCKET_SIZES = [60_000, 3_600_000, 86_400_000] as const;
export type Level = 0 | 1 | 2;

/** `[from, to)` in epoch ms; `level` undefined means counted row by row. */
export interface Segment {
  from: number;
  to: number;
  level: Level | undefined;
}

const floorTo = (ms: number, size: number) => Math.floor(ms / size) * size;
const ceilTo = (ms: number, size: number) => Math.ceil(ms / size) * size;

/**
 * The segments of `[from, to)` from the latest to the earliest, using the coarsest buckets that
 * fit, starting at `level` (raw rows below level 0).
 */
function split(from: number, to: number, level: number): Segment[] {
  if (from >= to) return [];
  if (level < 0) return [{ from, to, level: undefined }];
  const size = BUCKET_SIZES[level as Level];
  const first = ceilTo(from, size);
  const last = floorTo(to, size);
  if (first >= last) return split(from, to, level - 1);
  return [
    ...split(last, to, level - 1),
    { from: first, to: last, level: level as Level },
    ...split(from, first, level - 1),
  ];
}

/** The window `[startTime, endTime]` (inclusive, as the API has it), newest piece first. */
export function windowSegments(startTime: number, endTime: number): Segment[] {
  return split(startTime, endTime + 1, BUCKET_SIZES.length - 1);
}

export function bucketSize(level: Level): number {
  return BUCKET_SIZES[level];
}

/**
 * A segment's bounds `[from, to)` in its own unit, as the count queries take them: bucket numbers
 * of its level, or epoch ms for a segment counted row by row.
 */
export function segmentBounds(segment: Segment): [number, number] {
  const size = segment.level === undefined ? 1 : bucketSize(segment.level);
  return [segment.from / size, segment.to / size];
}
