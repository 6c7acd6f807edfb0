import { parseDdmTime } from '@ddm-jobs/contract/wire';

const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-01-01 00:12:30` in the browser's time zone: sortable, and the same in every locale. */
export function formatLocal(ms: number, withSeconds = true): string {
  const d = new Date(ms);
  const date = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}${withSeconds ? `:${pad(d.getSeconds())}` : ''}`;
  return `${date} ${time}`;
}

/** A DDM time (`2026-01-01T00:12:30+0000`) shown in the browser's zone; other text as it is. */
export function formatDdmTime(text: string): string {
  const ms = parseDdmTime(text);
  return ms === undefined ? text : formatLocal(ms);
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
