/**
 * The DDM time format, `yyyy-mm-ddThh:mm:ss+hhmm` (docs/api.md, "Listing tasks"), in UTC or in a
 * configured IANA time zone whose offset is taken at each instant (so `+0100` in winter and
 * `+0200` in summer for Europe/Berlin).
 */

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

function render(local: Date, offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return (
    `${local.getUTCFullYear()}-${pad2(local.getUTCMonth() + 1)}-${pad2(local.getUTCDate())}` +
    `T${pad2(local.getUTCHours())}:${pad2(local.getUTCMinutes())}:${pad2(local.getUTCSeconds())}` +
    `${sign}${pad2(Math.floor(abs / 60))}${pad2(abs % 60)}`
  );
}

/** A formatter bound to one zone; `UTC` skips the zone arithmetic entirely. */
export type TimeFormatter = (epochMs: number) => string;

/** The offset of a zone from UTC at an instant, in milliseconds (whole seconds). */
export type ZoneOffset = (epochMs: number) => number;

/**
 * The offset of an IANA zone at each instant (+3,600,000 for Europe/Berlin in winter).
 *
 * @example createZoneOffset('Europe/Berlin')(Date.UTC(2025, 6, 1)) // 7_200_000
 */
export function createZoneOffset(timeZone = 'UTC'): ZoneOffset {
  if (timeZone === 'UTC') return () => 0;
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  return (ms) => {
    const seconds = Math.floor(ms / 1000) * 1000;
    const field: Record<string, number> = {};
    for (const part of parts.formatToParts(seconds)) field[part.type] = Number(part.value);
    const wall = Date.UTC(
      field.year ?? 1970,
      (field.month ?? 1) - 1,
      field.day ?? 1,
      field.hour ?? 0,
      field.minute ?? 0,
      field.second ?? 0,
    );
    return wall - seconds;
  };
}

/**
 * @example createTimeFormatter('UTC')(Date.UTC(2025, 4, 20, 15, 5, 13)) // '2025-05-20T15:05:13+0000'
 */
export function createTimeFormatter(timeZone = 'UTC'): TimeFormatter {
  if (timeZone === 'UTC') return (ms) => render(new Date(ms), 0);
  const offsetAt = createZoneOffset(timeZone);
  return (ms) => {
    const seconds = Math.floor(ms / 1000) * 1000;
    const offset = offsetAt(seconds);
    return render(new Date(seconds + offset), Math.round(offset / 60_000));
  };
}

/** Throws a RangeError when the zone is not one the runtime knows. */
export function assertTimeZone(timeZone: string): void {
  // UTC, the default, needs no zone data: a process's first Intl call loads ICU's, 15 to 25 ms
  // of a server's start (createTimeFormatter skips it for UTC alike).
  if (timeZone === 'UTC') return;
  new Intl.DateTimeFormat('en-US', { timeZone });
}

const DDM_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})([+-])(\d{2})(\d{2})$/;

/**
 * Parses the DDM time format back to epoch milliseconds, or returns undefined when the text is
 * not a real instant in that format (month 13, 25 o'clock, an offset past 14 hours, ...).
 */
export function parseDdmTime(text: string): number | undefined {
  const m = DDM_TIME.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s, sign, oh, om] = m.slice(1).map((v, i) => (i === 6 ? v : Number(v))) as [
    number,
    number,
    number,
    number,
    number,
    number,
    string,
    number,
    number,
  ];
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59 || oh > 14 || om > 59) return undefined;
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  if (new Date(wall).getUTCDate() !== d) return undefined;
  const offset = (oh * 60 + om) * 60_000 * (sign === '-' ? -1 : 1);
  return wall - offset;
}
