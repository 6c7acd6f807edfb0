import {
  type DnInfo,
  isMigrationTask,
  MIGRATION_DETAIL_FIELDS,
  type MigrateResults,
} from '@ddm-jobs/contract';
import { ApiError } from '../errors/api-error.js';
import type { JobRow, MigrationDetails } from '../store/records.js';

/** The detail fields a producer's body (a creation or a report) may carry, as the contract names them. */
export interface DetailFields {
  original_shard_num?: number;
  after_shard_num?: number;
  original_dn_info_list?: DnInfo[];
  after_dn_info_list?: DnInfo[];
  node_id_for_migrate?: string;
  is_exclusive?: boolean;
}

/**
 * The details a checked body gives (undefined when it gives none), refused with 400 for a task
 * that is not a shard migration: only those have a details route to show them.
 */
export function detailsOf(name: string, body: DetailFields): Partial<MigrationDetails> | undefined {
  const given = MIGRATION_DETAIL_FIELDS.find((field) => body[field] !== undefined);
  if (given === undefined) return undefined;
  if (!isMigrationTask(name)) throw new ApiError('parameter', `${given} is for migration tasks only.`);
  return {
    originalShardNum: body.original_shard_num ?? null,
    afterShardNum: body.after_shard_num ?? null,
    originalDataNodes: body.original_dn_info_list ?? null,
    afterDataNodes: body.after_dn_info_list ?? null,
    migratingNodeId: body.node_id_for_migrate ?? null,
    exclusive: body.is_exclusive ?? null,
  };
}

/** Whether a body names any detail field (a report may carry only details). */
export const hasDetails = (body: DetailFields): boolean =>
  MIGRATION_DETAIL_FIELDS.some((field) => body[field] !== undefined);

/**
 * The task's details as `GET .../migration/jobs/{job_id}` shows them (MigrateResults), keys in
 * the cloud's order: what producers recorded (0, [] , "" and false for what they did not), the
 * task's instance name, and its switch window as `HH:mm:ss` (`""` both when manual).
 */
export function migrateResultsOf(
  job: JobRow,
  details: MigrationDetails | undefined,
  formatWindowTime: (time: NonNullable<JobRow['switchBegin']>) => string,
): MigrateResults {
  const manual = job.switchBegin === null || job.switchEnd === null;
  return {
    instance_name: job.instanceName,
    original_shard_num: details?.originalShardNum ?? 0,
    after_shard_num: details?.afterShardNum ?? 0,
    original_dn_info_list: details?.originalDataNodes ?? [],
    after_dn_info_list: details?.afterDataNodes ?? [],
    switch_route_is_manual: manual,
    auto_switch_begin_time: manual || job.switchBegin === null ? '' : formatWindowTime(job.switchBegin),
    auto_switch_end_time: manual || job.switchEnd === null ? '' : formatWindowTime(job.switchEnd),
    node_id_for_migrate: details?.migratingNodeId ?? '',
    is_exclusive: details?.exclusive ?? false,
  };
}
