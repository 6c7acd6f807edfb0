import type { JobDetail, JobItem, JobStatus } from '@ddm-jobs/contract/wire';
import { EXECUTING_STATUSES, FINISHED_STATUSES, parseDdmTime } from '@ddm-jobs/contract/wire';
import { paintStatus } from '../output/colors.js';
import { parsePercent, progressBar } from './progress-bar.js';

/** What `watch` shows of a task, from the list or from getJob, kept between polls. */
export interface WatchedTask {
  id: string;
  name: string;
  status: JobStatus;
  /**
   * The last percent seen. The API shows one only while a task executes ("" after), so the
   * last one is kept: a failed task still shows how far it got (as of the last poll).
   */
  percent: number | undefined;
  /** `instance` or `instance/database`, to tell apart tasks of the same name. */
  target: string;
  createdTime: string;
  endTime: string;
  failReason: string;
}

/**
 * These follow an executing step that ran to its end (the data copied, the cancel or rollback
 * done), so their bar is full even when the last poll saw it short of 100%.
 */
const STEP_DONE: ReadonlySet<JobStatus> = new Set([
  'Completed',
  'CancelSuccess',
  'RollbackSuccess',
  'ToBeSwitched',
]);

function percentOf(status: JobStatus, process: string, previous: WatchedTask | undefined) {
  if (STEP_DONE.has(status)) return 100;
  return parsePercent(process) ?? previous?.percent;
}

/** A listed task, with what was known of it before. */
export function fromItem(item: JobItem, previous?: WatchedTask): WatchedTask {
  return {
    id: item.id,
    name: item.name,
    status: item.status,
    percent: percentOf(item.status, item.process, previous),
    target: item.database_name ? `${item.instance_name}/${item.database_name}` : item.instance_name,
    createdTime: item.created_time,
    endTime: item.end_time,
    failReason: item.fail_reason,
  };
}

/** A task as getJob shows it (no database, no fail reason: those are kept from before). */
export function fromDetail(detail: JobDetail, previous?: WatchedTask): WatchedTask {
  return {
    id: detail.id,
    name: detail.name,
    status: detail.status,
    percent: percentOf(detail.status, detail.process, previous),
    target: previous?.target ?? detail.instance.name,
    createdTime: detail.created_time,
    endTime: detail.end_time,
    failReason: previous?.failReason ?? '',
  };
}

export const isExecuting = (task: WatchedTask) => EXECUTING_STATUSES.has(task.status);

/** Column widths shared by every row of a frame, so that statuses and bars line up. */
function widths(tasks: readonly WatchedTask[]) {
  return {
    name: Math.max(0, ...tasks.map((task) => task.name.length)),
    status: Math.max(0, ...tasks.map((task) => task.status.length)),
  };
}

/** The status painted, then padded: escape codes have no width on screen. */
function status(task: WatchedTask, width: number, color: boolean): string {
  return paintStatus(task.status, color) + ' '.repeat(width - task.status.length);
}

/**
 * One row per task: `NAME  STATUS  [#####-----]  50%  ID  INSTANCE/DB`, the bar before the id so
 * that a narrow terminal cuts the id, not the progress.
 */
export function progressRows(tasks: readonly WatchedTask[], color: boolean): string[] {
  const w = widths(tasks);
  return tasks.map((task) =>
    [task.name.padEnd(w.name), status(task, w.status, color), progressBar(task.percent), task.id, task.target]
      .join('  ')
      .trimEnd(),
  );
}

/** "12m 30s" from a duration in milliseconds; hours and days for long tasks. */
export function shortDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const parts: [number, string][] = [
    [Math.floor(s / 86_400), 'd'],
    [Math.floor(s / 3600) % 24, 'h'],
    [Math.floor(s / 60) % 60, 'm'],
    [s % 60, 's'],
  ];
  const first = parts.findIndex(([n]) => n > 0);
  if (first === -1) return '0s';
  return parts
    .slice(first, first + 2)
    .filter(([n]) => n > 0)
    .map(([n, unit]) => `${n}${unit}`)
    .join(' ');
}

/** How the task ended, for its summary: "in 12m 30s: <fail reason>" (the API's times). */
function outcome(task: WatchedTask): string {
  if (!FINISHED_STATUSES.has(task.status)) return '';
  const created = parseDdmTime(task.createdTime);
  const ended = parseDdmTime(task.endTime);
  const took = created !== undefined && ended !== undefined ? `after ${shortDuration(ended - created)}` : '';
  return [took, task.failReason].filter(Boolean).join(': ');
}

/** The final line per task: `NAME  STATUS  ID  after 12m 30s: reason`. */
export function summaryRows(tasks: readonly WatchedTask[], color: boolean): string[] {
  const w = widths(tasks);
  return tasks.map((task) =>
    [task.name.padEnd(w.name), status(task, w.status, color), task.id, outcome(task)].join('  ').trimEnd(),
  );
}
