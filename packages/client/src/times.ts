import { parseDailyTime } from '@ddm-jobs/contract/wire';

/** A point in time: a Date, or epoch milliseconds. Accepted wherever the SDK takes a time. */
export type TimeInput = Date | number;

/**
 * Epoch milliseconds of a TimeInput, whole (a fraction is dropped, as the API counts whole
 * milliseconds). An invalid Date, NaN or an infinite number is a TypeError naming `what`.
 *
 * @example toEpochMs(new Date('2025-05-20T15:05:13Z'), 'startTime') // 1747753513000
 */
export function toEpochMs(input: TimeInput, what: string): number {
  const ms = input instanceof Date ? input.getTime() : input;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) {
    throw new TypeError(`${what} must be a valid Date or a finite number of epoch milliseconds`);
  }
  return Math.floor(ms);
}

/**
 * A daily switch window: begin and end as `HH:mm:ss`, in the server's time zone (UTC unless the
 * server says otherwise); the cloud wants them on one day, at least 60 minutes apart.
 */
export interface DailySwitchWindow {
  begin: string;
  end: string;
}

/**
 * Checks a daily time's format before anything is sent (a TypeError naming `what`); the
 * window's rule (one day, 60 minutes) is the server's to check, in one place.
 *
 * @example checkDailyTime('17:00:00', 'begin') // '17:00:00'
 */
export function checkDailyTime(input: string, what: string): string {
  if (parseDailyTime(input) === undefined) {
    throw new TypeError(`${what} must be a daily time HH:mm:ss, from 00:00:00 to 23:59:59`);
  }
  return input;
}
