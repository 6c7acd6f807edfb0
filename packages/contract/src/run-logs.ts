/**
 * The rules of a task's run logs (docs/api.md, "Run logs"): the tenant's query
 * (`GET /v3/{project_id}/instance/{instance_id}/task/{task_id}/run-logs`) and the producer's
 * lines (`POST /internal/v1/jobs/{job_id}/logs`). Written once here: the server checks with it,
 * the OpenAPI document and the SDK describe it.
 */
import { inputExcerpt } from './input-excerpt.js';
import type { ParseResult } from './list-query.js';

/** The levels a line may have: those DDM's console shows. */
export const LOG_LEVELS = ['INFO', 'WARNING', 'ERROR'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Lines one request may append. */
export const LOG_LINES_MAX = 1000;
/** Characters one line's message may hold. */
export const LOG_MESSAGE_MAX = 1024;

/** One line as a producer sends it. */
export interface NewLogLine {
  level: LogLevel;
  message: string;
}

/** C0 controls and DEL, as the other free-text fields refuse them. */
const hasControl = (text: string) => [...text].some((c) => (c.codePointAt(0) ?? 0) < 0x20 || c === '\u007f');

export const LOG_RULES = {
  body: 'The body must be a JSON object {"logs": [{"level", "message"}, ...]}.',
  logs: `logs must be an array of 1 to ${LOG_LINES_MAX} lines.`,
  line: (i: number) => `logs[${i}] must be an object {"level", "message"}.`,
  level: (i: number) => `logs[${i}].level must be one of ${LOG_LEVELS.join(', ')}.`,
  message: (i: number) =>
    `logs[${i}].message must be a string of 1 to ${LOG_MESSAGE_MAX} characters without control characters.`,
} as const;

/**
 * Checks a producer's lines: `{"logs": [{"level", "message"}, ...]}`, 1 to LOG_LINES_MAX lines,
 * each level one of LOG_LEVELS, each message 1 to LOG_MESSAGE_MAX characters without control
 * characters. A refusal names the line and the field, never the message's text (a producer's
 * text may hold what should not travel further).
 *
 * @example parseLogLines({ logs: [{ level: 'INFO', message: 'copied shard 3' }] })
 */
export function parseLogLines(body: unknown): ParseResult<NewLogLine[]> {
  const fail = (detail: string) => ({ ok: false as const, detail });
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return fail(LOG_RULES.body);
  const unknown = Object.keys(body).find((key) => key !== 'logs');
  if (unknown !== undefined) return fail(`${inputExcerpt(unknown)} is not a known field.`);
  const logs = (body as { logs?: unknown }).logs;
  if (logs === undefined) return fail('logs is required.');
  if (!Array.isArray(logs) || logs.length === 0 || logs.length > LOG_LINES_MAX) return fail(LOG_RULES.logs);
  const lines: NewLogLine[] = [];
  for (const [i, line] of logs.entries()) {
    if (typeof line !== 'object' || line === null || Array.isArray(line)) return fail(LOG_RULES.line(i));
    const extra = Object.keys(line).find((key) => key !== 'level' && key !== 'message');
    if (extra !== undefined) return fail(`logs[${i}].${inputExcerpt(extra)} is not a known field.`);
    const { level, message } = line as { level?: unknown; message?: unknown };
    if (!LOG_LEVELS.includes(level as LogLevel)) return fail(LOG_RULES.level(i));
    if (
      typeof message !== 'string' ||
      message.length === 0 ||
      [...message].length > LOG_MESSAGE_MAX ||
      hasControl(message)
    )
      return fail(LOG_RULES.message(i));
    lines.push({ level: level as LogLevel, message });
  }
  return { ok: true, value: lines };
}
