import {
  FINISHED_STATUSES,
  type JobDetail,
  type JobItem,
  type JobStatus,
  type Operation,
  parseDdmTime,
} from '@ddm-jobs/contract/wire';
import { paintStatus } from './colors.js';
import { relativeTime } from './relative-time.js';
import { type Column, renderTable } from './table.js';

/** The command that takes each action `operations` offers, so `get` can say what to run next. */
export const COMMAND_OF_OPERATION: Record<Operation, string> = {
  modifySwitchingStrategy: 'switch-window',
  toBeSwitched: 'switch',
  toBeCanceled: 'cancel',
  toBeRetried: 'retry',
  toBeRolled: 'rollback',
  toBeCleaned: 'clean',
};

/** A DDM time for people: relative to now; the text as is if it is not a DDM time. */
function when(ddmTime: string, now: number): string {
  const ms = parseDdmTime(ddmTime);
  return ms === undefined ? ddmTime || '-' : relativeTime(ms, now);
}

/**
 * The end time means something only once the task finished: for an unfinished one the API
 * repeats its creation time (docs/api.md, "Listing tasks"), which would read as "ended 3 minutes ago".
 */
const ended = (job: Pick<JobItem, 'status' | 'end_time'>, now: number) =>
  FINISHED_STATUSES.has(job.status as JobStatus) ? when(job.end_time, now) : '-';

/**
 * The list's table: ID, NAME, STATUS (coloured when `color`), INSTANCE, DATABASE, PROGRESS,
 * CREATED, ENDED, and FAIL REASON only when some row has one, so the common case stays narrow.
 */
export function jobTable(jobs: readonly JobItem[], now: number, color: boolean): string[] {
  const withReason = jobs.some((job) => job.fail_reason !== '');
  const columns: Column[] = [
    { header: 'ID' },
    { header: 'NAME' },
    { header: 'STATUS', paint: (cell) => paintStatus(cell, color) },
    { header: 'INSTANCE' },
    { header: 'DATABASE' },
    { header: 'PROGRESS' },
    { header: 'CREATED' },
    { header: 'ENDED' },
    ...(withReason ? [{ header: 'FAIL REASON' }] : []),
  ];
  const rows = jobs.map((job) => [
    job.id,
    job.name,
    job.status,
    job.instance_name || job.instance_id,
    job.database_name || '-',
    job.process || '-',
    when(job.created_time, now),
    ended(job, now),
    ...(withReason ? [job.fail_reason || '-'] : []),
  ]);
  return renderTable(columns, rows);
}

/** `2026-05-20T15:05:13+0000 (3 minutes ago)`: the exact time for records, the relative one to read. */
const stamp = (ddmTime: string, now: number) =>
  parseDdmTime(ddmTime) === undefined ? ddmTime : `${ddmTime} (${when(ddmTime, now)})`;

/**
 * One task as `Key  value` lines for people. A task found in the list shows its database,
 * fail reason and the actions it offers now, named as the commands that take them; one only `getJob` knows (older than the list's
 * 30 days) shows what that answer has.
 */
export function jobDetails(job: JobItem | JobDetail, now: number, color: boolean): string[] {
  const item = 'operations' in job ? job : undefined;
  const instance = item ? { id: item.instance_id, name: item.instance_name } : (job as JobDetail).instance;
  const pairs: [string, string][] = [
    ['ID', job.id],
    ['Name', job.name],
    ['Status', paintStatus(job.status, color)],
    ['Instance', instance.name ? `${instance.name} (${instance.id})` : instance.id],
  ];
  if (item) pairs.push(['Database', item.database_name || '-']);
  pairs.push(
    ['Progress', job.process || '-'],
    ['Created', stamp(job.created_time, now)],
    ['Ended', FINISHED_STATUSES.has(job.status as JobStatus) ? stamp(job.end_time, now) : '-'],
  );
  if (item) {
    if (item.fail_reason) pairs.push(['Fail reason', item.fail_reason]);
    const commands = item.operations.map((operation) => COMMAND_OF_OPERATION[operation]);
    pairs.push(['Actions', commands.length ? commands.join(', ') : '-']);
  }
  const width = Math.max(...pairs.map(([key]) => key.length));
  return pairs.map(([key, value]) => `${`${key}:`.padEnd(width + 2)}${value}`);
}
