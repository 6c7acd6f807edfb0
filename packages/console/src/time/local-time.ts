const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-01-01 00:12:30` in the browser's time zone: sortable, and the same in every locale. */
export function formatLocal(ms: number, withSeconds = true): string {
  const d = new Date(ms);
  const date = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}${withSeconds ? `:${pad(d.getSeconds())}` : ''}`;
  return `${date} ${time}`;
}

/** The browser's IANA zone (`Europe/Berlin`): every time on screen is shown in it. */
export function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** The zone's offset from UTC at an instant, `UTC+01:00` (`UTC` itself when it is none). */
export function utcOffset(ms: number): string {
  const minutes = -new Date(ms).getTimezoneOffset();
  if (minutes === 0) return 'UTC';
  const abs = Math.abs(minutes);
  return `UTC${minutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

let zoneNames: Intl.DateTimeFormat | undefined;

/**
 * The zone's short name at an instant in the browser's language (`CET`, `CEST`, `UTC`); where the
 * language has none (`GMT+1`), the offset instead, so that every time reads the same way.
 */
export function zoneAbbreviation(ms: number): string {
  zoneNames ??= new Intl.DateTimeFormat(undefined, { timeZoneName: 'short' });
  const name = zoneNames.formatToParts(ms).find((part) => part.type === 'timeZoneName')?.value ?? '';
  return name === '' || /^(GMT|UTC)[+\-\u2212]/.test(name) ? utcOffset(ms) : name;
}

/** `2026-01-01 00:12:30 CET`: a time on screen, with its zone. */
export function formatZoned(ms: number): string {
  return `${formatLocal(ms)} ${zoneAbbreviation(ms)}`;
}

/** `2026-01-01 00:12:30 UTC`: the same instant in UTC, for a tooltip. */
export function formatUtc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** The header's note: `Times in Europe/Berlin (UTC+01:00)`, at the instant `now`. */
export function zoneNote(now: number): string {
  const zone = browserZone();
  const offset = utcOffset(now);
  return zone === 'UTC' || zone === 'Etc/UTC' ? 'Times in UTC' : `Times in ${zone} (${offset})`;
}

/** The value of an `<input type="datetime-local">` for an instant: `2026-01-01T00:12`. */
export function toLocalInput(ms: number): string {
  return formatLocal(ms, false).replace(' ', 'T');
}

/** An `<input type="datetime-local">` value as epoch ms in the browser's zone, or undefined. */
export function fromLocalInput(value: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map((v) => Number(v ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = new Date(y, mo - 1, d, h, mi, s).getTime();
  return Number.isNaN(ms) ? undefined : ms;
}
