import type { SecondOfDay } from './daily-time.js';
import { deriveOperations, type Operation } from './operations.js';
import type { JobDetail, JobItem } from './schemas/jobs.js';
import { EXECUTING_STATUSES, type JobStatus } from './statuses.js';
import type { TimeFormatter } from './time-format.js';

/**
 * What the tenant's views of a task are made from: the task as a producer recorded it and the
 * tenants' actions left it. Times are epoch milliseconds (the switch window's, seconds of the
 * day). Written once here, so that the list, the show route, the tenant stream and the store's
 * pre-rendered list entry all follow the same rules (docs/api.md, "A task").
 */
export interface TaskState {
  id: string;
  name: string;
  status: JobStatus;
  /** Percent of the current executing phase, 0..100. */
  progress: number;
  failReason: string;
  instanceId: string;
  instanceName: string;
  databaseName: string;
  createdAt: number;
  /** When a finished task finished; null while it is unfinished. */
  endedAt: number | null;
  /**
   * The daily switch window as seconds of the day (read in the server's time zone); both null
   * when routes are switched by hand.
   */
  switchBegin: SecondOfDay | null;
  switchEnd: SecondOfDay | null;
  /** The retry task's id, once a tenant retried this (failed) task. */
  retriedBy: string | null;
}

/** `process`: the percent while the task executes, otherwise "". */
export const processOf = (task: Pick<TaskState, 'status' | 'progress'>): string =>
  EXECUTING_STATUSES.has(task.status) ? `${task.progress}%` : '';

/** An unfinished task shows its creation time as its end time, as the documented example does. */
const endOf = (task: TaskState) => task.endedAt ?? task.createdAt;

/** The actions the tenant may take now: the list shows them, and the actions check them. */
export const operationsOf = (task: TaskState): readonly Operation[] =>
  deriveOperations({
    name: task.name,
    status: task.status,
    manualSwitch: task.switchBegin === null && task.switchEnd === null,
    retried: task.retriedBy !== null,
  });

/**
 * The task as `GET /v3/{project_id}/jobs` lists it, keys in the documented order.
 *
 * @example jobItemOf(task, createTimeFormatter('UTC')).process // '60%' while it runs, else ''
 */
export function jobItemOf(task: TaskState, format: TimeFormatter): JobItem {
  return {
    id: task.id,
    name: task.name,
    status: task.status,
    created_time: format(task.createdAt),
    end_time: format(endOf(task)),
    process: processOf(task),
    instance_name: task.instanceName,
    instance_id: task.instanceId,
    operations: [...operationsOf(task)],
    database_name: task.databaseName,
    fail_reason: task.status === 'Failed' ? task.failReason : '',
  };
}

/** The task as `GET /v3/{project_id}/jobs/{job_id}` shows it: exactly the documented keys. */
export function jobDetailOf(task: TaskState, format: TimeFormatter): JobDetail {
  return {
    id: task.id,
    name: task.name,
    status: task.status,
    created_time: format(task.createdAt),
    end_time: format(endOf(task)),
    process: processOf(task),
    instance: { id: task.instanceId, name: task.instanceName },
  };
}
