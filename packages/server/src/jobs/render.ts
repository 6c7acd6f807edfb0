import type { InternalJob, JobDetail, JobItem } from '@ddm-jobs/contract';
// The runtime-safe entry: the store renders with it, and `ddm-jobs iam` must not load the schema
// compiler that the contract's main entry brings (about 0.7 s of start-up).
import {
  createTimeFormatter,
  deriveOperations,
  EXECUTING_STATUSES,
  type TimeFormatter,
} from '@ddm-jobs/contract/wire';
import type { JobRow } from '../store/types.js';

/** `process` is the percent while the task executes, otherwise "" (reference section 2). */
const processOf = (job: JobRow) => (EXECUTING_STATUSES.has(job.status) ? `${job.progress}%` : '');

/** An unfinished task shows its creation time as its end time, as the documented example does. */
const endOf = (job: JobRow) => job.endedAt ?? job.createdAt;

/** The actions the tenant may take now: the list shows them, and the actions check them. */
export const operationsOf = (job: JobRow) =>
  deriveOperations({
    name: job.name,
    status: job.status,
    manualSwitch: job.switchBegin === null && job.switchEnd === null,
    retried: job.retriedBy !== null,
  });

export function toJobItem(job: JobRow, format: TimeFormatter): JobItem {
  return {
    id: job.id,
    name: job.name,
    status: job.status,
    created_time: format(job.createdAt),
    end_time: format(endOf(job)),
    process: processOf(job),
    instance_name: job.instanceName,
    instance_id: job.instanceId,
    operations: operationsOf(job) as JobItem['operations'],
    database_name: job.databaseName,
    fail_reason: job.status === 'Failed' ? job.failReason : '',
  };
}

const utc = createTimeFormatter('UTC');

/** The task as the list shows it with UTC times, as JSON text: what the store keeps beside the row. */
export const listedJsonOf = (job: JobRow): string => JSON.stringify(toJobItem(job, utc));

export function toJobDetail(job: JobRow, format: TimeFormatter): JobDetail {
  return {
    id: job.id,
    name: job.name,
    status: job.status,
    created_time: format(job.createdAt),
    end_time: format(endOf(job)),
    process: processOf(job),
    instance: { id: job.instanceId, name: job.instanceName },
  };
}

export function toInternalJob(job: JobRow): InternalJob {
  return {
    id: job.id,
    project_id: job.projectId,
    name: job.name,
    status: job.status,
    progress: job.progress,
    fail_reason: job.failReason,
    instance_id: job.instanceId,
    instance_name: job.instanceName,
    database_name: job.databaseName,
    created_at: job.createdAt,
    ended_at: job.endedAt,
    switch_route_begin_time: job.switchBegin,
    switch_route_end_time: job.switchEnd,
    retried_by: job.retriedBy,
    version: job.version,
    updated_at: job.updatedAt,
  };
}
