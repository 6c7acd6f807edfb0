import { formatDailyTime, type InternalJob } from '@ddm-jobs/contract';
import type { JobRow } from '../store/records.js';

/**
 * The task as the internal API shows it to producers: every stored field, times in epoch ms, the
 * daily switch window as `HH:mm:ss`.
 * (The tenant's views, the list entry and the show body, are the contract's `jobItemOf` and
 * `jobDetailOf`.)
 */
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
    switch_route_begin_time: job.switchBegin === null ? null : formatDailyTime(job.switchBegin),
    switch_route_end_time: job.switchEnd === null ? null : formatDailyTime(job.switchEnd),
    retried_by: job.retriedBy,
    version: job.version,
    updated_at: job.updatedAt,
  };
}
