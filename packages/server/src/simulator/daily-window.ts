import { type DailyWindow, isWindowOpenAt, type ZoneOffset } from '@ddm-jobs/contract';

const DAY_MS = 86_400_000;

/** The instant a wall-clock time of the zone (as if it were UTC) falls on. */
function instantOfWall(wall: number, offsetAt: ZoneOffset): number {
  // Two passes settle the offset on either side of a daylight-saving change.
  const guess = wall - offsetAt(wall);
  return wall - offsetAt(guess);
}

/**
 * The first instant at or after `from` inside the next occurrence of a daily window, read on the
 * wall clock of the zone `offsetAt` describes (docs/scenarios.md, "What the timeline means"):
 * `from` itself when the window is open then, else today's begin if still ahead, else tomorrow's.
 *
 * @example windowOpensAt({ begin: 61200, end: 64800 }, Date.parse('2026-12-01T18:30:00Z'), () => 0)
 *   // Date.parse('2026-12-02T17:00:00Z'): today's window is over, so tomorrow's
 */
export function windowOpensAt(window: DailyWindow, from: number, offsetAt: ZoneOffset): number {
  const wall = from + offsetAt(from);
  const midnight = Math.floor(wall / DAY_MS) * DAY_MS;
  const second = Math.floor((wall - midnight) / 1000);
  if (isWindowOpenAt(window, second)) return from;
  const day = second < window.begin ? midnight : midnight + DAY_MS;
  return Math.max(from, instantOfWall(day + window.begin * 1000, offsetAt));
}
