import type { DestinationStream } from 'pino';

/** pino's numeric levels, as people read them. */
const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/** Fields every record has, or that the line shows in its own place. */
const SHOWN_APART = new Set(['level', 'time', 'service', 'msg', 'err', 'req_id']);
/** The request line's fields, shown in a fixed order (http/observability.ts writes them). */
const REQUEST_FIELDS = ['method', 'route', 'status', 'duration_ms', 'ip'];

/**
 * `--log-format pretty`: the logger's records as lines for people, written to `out` (stdout).
 * Each record the logger has already redacted arrives as one JSON line; it leaves as, e.g.
 *
 *   2026-12-03T13:15:32.123Z INFO  GET /v3/:project_id/jobs 200 1.2 ms from 203.0.113.7 [req 5f0c…]
 *   2026-12-03T13:15:40.001Z WARN  change feed poll failed
 *       Error: connect ECONNREFUSED 127.0.0.1:5432 (the error's stack, indented)
 *
 * so that no line of it is JSON. A small formatter rather than pino-pretty: the server writes
 * few kinds of records, and this keeps the runtime dependencies and their worker threads out.
 */
export function prettyLogStream(out: { write(text: string): unknown }): DestinationStream {
  return { write: (line: string) => out.write(prettyLine(line)) };
}

/** One JSON record as one readable line (more for an error's stack), ending with a line break. */
export function prettyLine(json: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const time = typeof record.time === 'number' ? new Date(record.time).toISOString() : '';
  const level = (LEVEL_NAMES[record.level as number] ?? String(record.level)).padEnd(5);
  const isRequest = record.msg === 'request' && 'route' in record && 'status' in record;
  const text = isRequest ? requestText(record) : String(record.msg ?? '');
  const rest = Object.entries(record)
    .filter(([key]) => !SHOWN_APART.has(key) && !(isRequest && REQUEST_FIELDS.includes(key)))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? quoted(value) : JSON.stringify(value)}`);
  const request = typeof record.req_id === 'string' ? [`[req ${record.req_id}]`] : [];
  const head = [time, level, text, ...rest, ...request].filter((part) => part !== '').join(' ');
  return `${head}\n${errorText(record.err)}`;
}

function requestText(record: Record<string, unknown>): string {
  const from = typeof record.ip === 'string' ? ` from ${record.ip}` : '';
  return `${record.method} ${record.route} ${record.status} ${record.duration_ms} ms${from}`;
}

/** A value as one word: as it is when plain, else in double quotes. */
function quoted(value: string): string {
  return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
}

/** An error's stack (or message), indented under its line. */
function errorText(err: unknown): string {
  if (typeof err !== 'object' || err === null) return '';
  const { stack, message } = err as { stack?: unknown; message?: unknown };
  const text = typeof stack === 'string' ? stack : typeof message === 'string' ? message : '';
  return text === '' ? '' : `${text.replace(/^/gm, '    ')}\n`;
}
