/**
 * The calendar days of an IANA time zone that a window touches, each as the window of epoch
 * milliseconds it covers: from the local midnight (or the window's start) to the millisecond
 * before the next local midnight (or the window's end). A day is 23 or 25 hours long across a
 * daylight-saving change; where a change skips midnight itself, the day starts at the change.
 * The tasks-per-day answer (docs/api.md, "Tasks per day") is made of these, and each day's pair
 * opens exactly that day's list.
 */
import { createZoneOffset, type ZoneOffset } from './time-format.js';

const DAY_MS = 86_400_000;

/** One day of a zone, clipped to a window; `startTime` and `endTime` inclusive. */
export interface ZoneDay {
  /** The local date, `yyyy-mm-dd`. */
  date: string;
  startTime: number;
  endTime: number;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `yyyy-mm-dd` of a UTC midnight standing for a local date. */
const dateText = (utcMidnight: number) => {
  const d = new Date(utcMidnight);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
};

/**
 * The first instant whose local wall time is at or after `wallMidnight` (a local date's midnight
 * written as if UTC). Usually the one instant whose wall time is that midnight; of two (a clock
 * set back across midnight), the first; of none (a clock set forward across midnight), the change.
 */
function dayStart(offsetAt: ZoneOffset, wallMidnight: number): number {
  const before = offsetAt(wallMidnight - DAY_MS);
  const after = offsetAt(wallMidnight + DAY_MS);
  const exact = [before, after]
    .map((offset) => wallMidnight - offset)
    .filter((t) => t + offsetAt(t) === wallMidnight);
  if (exact.length > 0) return Math.min(...exact);
  // Midnight does not exist: search the skipped span for the change.
  let low = wallMidnight - after;
  let high = wallMidnight - before;
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (mid + offsetAt(mid) >= wallMidnight) high = mid;
    else low = mid + 1;
  }
  return low;
}

/**
 * The days of `timeZone` that `[startTime, endTime]` touches, oldest first, each clipped to the
 * window. The caller bounds the window (a month is about 32 days); the zone must be one the
 * runtime knows.
 *
 * @example zoneDays(Date.UTC(2026, 2, 28, 12), Date.UTC(2026, 2, 29, 12), 'Europe/Berlin')
 * // [{ date: '2026-03-28', startTime: 1774699200000, endTime: 1774738799999 },
 * //  { date: '2026-03-29', startTime: 1774738800000, endTime: 1774785600000 }]
 */
export function zoneDays(startTime: number, endTime: number, timeZone: string): ZoneDay[] {
  const offsetAt = createZoneOffset(timeZone);
  let wallMidnight = Math.floor((startTime + offsetAt(startTime)) / DAY_MS) * DAY_MS;
  let from = startTime;
  const days: ZoneDay[] = [];
  for (;;) {
    const next = dayStart(offsetAt, wallMidnight + DAY_MS);
    days.push({ date: dateText(wallMidnight), startTime: from, endTime: Math.min(next - 1, endTime) });
    if (next > endTime) return days;
    wallMidnight += DAY_MS;
    from = next;
  }
}
