import type { RunLogItem } from '@ddm-jobs/contract/wire';

const RED = 31;
const YELLOW = 33;

/**
 * One run-log line for people: its UTC time to the millisecond (lines of one second stay
 * apart), the level padded so messages align, coloured ERROR red and WARNING yellow when
 * `color`, then the message as is (the API refuses control characters in it, so it cannot steer
 * the terminal).
 *
 * @example logLine({ created_time: 0, level: 'INFO', message: 'copied', ... }, false) // '1970-01-01T00:00:00.000Z  INFO     copied'
 */
export function logLine(line: RunLogItem, color: boolean): string {
  const level = line.level.padEnd(7);
  const code = line.level === 'ERROR' ? RED : line.level === 'WARNING' ? YELLOW : undefined;
  const painted = color && code !== undefined ? `\u001b[${code}m${level}\u001b[39m` : level;
  return `${new Date(line.created_time).toISOString()}  ${painted}  ${line.message}`;
}
