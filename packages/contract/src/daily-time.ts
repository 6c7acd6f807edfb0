/**
 * Daily clock times `HH:mm:ss`, the format of a route-switch window (docs/api.md, "Actions on
 * shard-migration tasks"): the window recurs every day, so it holds no date and no zone; the
 * server reads it in its configured time zone. Stored and compared as seconds of the day.
 */

/** Seconds since midnight, 0 to 86,399: a daily time as the store keeps it. */
export type SecondOfDay = number;

/** A daily switch window. `end` before or at `begin` (only producers may record one) crosses midnight. */
export interface DailyWindow {
  begin: SecondOfDay;
  end: SecondOfDay;
}

/** The pattern of a daily time: 00:00:00 to 23:59:59, two digits each. */
export const DAILY_TIME_PATTERN = '^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$';

/** The tenant's rule (the cloud's): begin and end on one day, at least this far apart. */
export const MIN_SWITCH_WINDOW_SECONDS = 3600;

const DAILY_TIME = new RegExp(DAILY_TIME_PATTERN);
const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/**
 * The seconds of the day a `HH:mm:ss` text names, or undefined when it is not one.
 *
 * @example parseDailyTime('17:00:00') // 61200
 */
export function parseDailyTime(text: unknown): SecondOfDay | undefined {
  if (typeof text !== 'string' || !DAILY_TIME.test(text)) return undefined;
  const [h, m, s] = text.split(':').map(Number) as [number, number, number];
  return h * 3600 + m * 60 + s;
}

/**
 * A second of the day as `HH:mm:ss`.
 *
 * @example formatDailyTime(61200) // '17:00:00'
 */
export function formatDailyTime(second: SecondOfDay): string {
  return `${pad2(Math.floor(second / 3600))}:${pad2(Math.floor(second / 60) % 60)}:${pad2(second % 60)}`;
}

/** Whether a daily window is open at a second of the day (one crossing midnight included). */
export function isWindowOpenAt(window: DailyWindow, second: SecondOfDay): boolean {
  return window.begin < window.end
    ? second >= window.begin && second < window.end
    : second >= window.begin || second < window.end;
}
