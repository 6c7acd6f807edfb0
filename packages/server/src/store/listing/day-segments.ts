import { type Level, segmentBounds, windowSegments } from './window-segments.js';

/**
 * The tasks-per-day read (`dailyStatusCounts`) cuts each day into the pieces that the kept counts
 * answer, with the listing's own windowSegments, so a day counts exactly what its list window
 * lists. Both databases take the pieces of every day at once, as parallel arrays, and count them
 * in one statement (one snapshot): a bucket piece from job_filter_counts, a sub-minute edge from
 * the tasks' rows.
 */

/** A window `[startTime, endTime]`, inclusive, as the API has it. */
export interface DayWindow {
  startTime: number;
  endTime: number;
}

/** The filters kept counts answer (the list's `status` and `name`); a filter absent is not applied. */
export interface CountFilter {
  statuses?: readonly string[] | undefined;
  names?: readonly string[] | undefined;
}

/** The pieces of the days: piece i belongs to `day[i]`, counted at `level[i]` (null: row by row) over `[from[i], to[i])`. */
export interface DayPieces {
  day: number[];
  level: (Level | null)[];
  from: number[];
  to: number[];
}

/**
 * The pieces of every day, in the units each is counted in (bucket numbers, or epoch ms).
 *
 * @example dayPieces([{ startTime: 0, endTime: 86_399_999 }]) // one piece: day 0, level 2, buckets [0, 1)
 */
export function dayPieces(days: readonly DayWindow[]): DayPieces {
  const pieces: DayPieces = { day: [], level: [], from: [], to: [] };
  days.forEach(({ startTime, endTime }, index) => {
    for (const segment of windowSegments(startTime, endTime)) {
      const [from, to] = segmentBounds(segment);
      pieces.day.push(index);
      pieces.level.push(segment.level ?? null);
      pieces.from.push(from);
      pieces.to.push(to);
    }
  });
  return pieces;
}

/** Status counts of the day pieces' rows `[day, status, n]`, per day, zero counts left out. */
export function countsPerDay(dayCount: number, rows: Iterable<readonly [number, string, number]>) {
  const days: Record<string, number>[] = Array.from({ length: dayCount }, () => ({}));
  for (const [day, status, n] of rows) {
    const counts = days[day];
    if (counts === undefined || n === 0) continue;
    counts[status] = (counts[status] ?? 0) + n;
  }
  return days;
}
