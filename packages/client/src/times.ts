import { createTimeFormatter } from '@ddm-jobs/contract/wire';

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

const utc = createTimeFormatter('UTC');

/**
 * A TimeInput in DDM's format, in UTC: `yyyy-mm-ddThh:mm:ss+0000` (seconds, truncated).
 *
 * @example toDdmTime(Date.UTC(2025, 4, 21, 1)) // '2025-05-21T01:00:00+0000'
 */
export function toDdmTime(input: TimeInput, what: string): string {
  return utc(toEpochMs(input, what));
}
