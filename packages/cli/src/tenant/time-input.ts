import { parseDailyTime, THIRTY_DAYS_MS } from '@ddm-jobs/contract/wire';
import { InvalidArgumentError } from 'commander';

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * A look-back for `--since`: a whole number and a unit, s, m, h or d (`90m`, `6h`, `7d`), more
 * than nothing and at most 30 days, the furthest the API reaches back.
 * @example parseSince('6h') // 21_600_000
 */
export function parseSince(value: string): number {
  const match = /^(\d{1,7})([smhd])$/.exec(value);
  const ms = match ? Number(match[1]) * (UNITS[match[2] as string] as number) : Number.NaN;
  if (!(ms > 0) || ms > THIRTY_DAYS_MS)
    throw new InvalidArgumentError('must be a number with a unit s, m, h or d, from 1s to 30d (e.g. 6h).');
  return ms;
}

/**
 * A daily time for `switch-window --begin` and `--end`: `HH:mm:ss`, as the API takes it (the
 * server reads it in its own time zone, so it carries none).
 * @example parseDailyTimeFlag('17:00:00') // '17:00:00'
 */
export function parseDailyTimeFlag(value: string): string {
  if (parseDailyTime(value) === undefined)
    throw new InvalidArgumentError(
      'must be a daily time HH:mm:ss, from 00:00:00 to 23:59:59 (e.g. 17:00:00).',
    );
  return value;
}

/** ISO 8601 date and time with seconds optional, fractions to milliseconds, and a zone. */
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * An instant for `list --start` and `--end`: ISO 8601 with its zone (`Z` or an offset), since
 * a time without one means different instants on different machines; epoch milliseconds are
 * refused too, to keep one way of writing it in scripts and help.
 * @example parseIsoInstant('2026-05-20T15:05:13+02:00') // 1779282313000
 */
export function parseIsoInstant(value: string): number {
  const ms = ISO_WITH_ZONE.test(value) ? Date.parse(value.toUpperCase()) : Number.NaN;
  if (Number.isNaN(ms) || !sameCalendarDate(value, ms))
    throw new InvalidArgumentError(
      'must be an ISO 8601 date and time with a zone, e.g. 2026-05-20T15:05:00Z or 2026-05-20T17:05:00+02:00.',
    );
  return ms;
}

/** Date.parse rolls 2026-02-30 over to March; such a day is a typo, not an instant. */
function sameCalendarDate(text: string, ms: number): boolean {
  const [, year, month, day] = /^(\d{4})-(\d{2})-(\d{2})/.exec(text) ?? [];
  const zone = /(Z|[+-]\d{2}:?\d{2})$/i.exec(text)?.[1] ?? 'Z';
  const offset =
    zone.toUpperCase() === 'Z'
      ? 0
      : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2)));
  const local = new Date(ms + offset * 60_000);
  return (
    local.getUTCFullYear() === Number(year) &&
    local.getUTCMonth() + 1 === Number(month) &&
    local.getUTCDate() === Number(day)
  );
}
