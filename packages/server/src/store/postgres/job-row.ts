import type { JobStatus } from '@ddm-jobs/contract';
import type { JobRow } from '../types.js';

/** A task's row as read from the jobs table, and its columns. */
export interface Row {
  project_id: string;
  created_at: number;
  id: string;
  name: string;
  status: string;
  progress: number;
  fail_reason: string;
  instance_id: string;
  instance_name: string;
  database_name: string;
  ended_at: number | null;
  switch_begin: number | null;
  switch_end: number | null;
  retried_by: string | null;
  version: number;
  updated_at: number;
  create_digest: string;
}

export const COLUMNS =
  'project_id, created_at, id, name, status, progress, fail_reason, instance_id, instance_name, database_name, ' +
  'ended_at, switch_begin, switch_end, retried_by, version, updated_at, create_digest';

export function toJob(row: Row): JobRow {
  return {
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    status: row.status as JobStatus,
    progress: row.progress,
    failReason: row.fail_reason,
    instanceId: row.instance_id,
    instanceName: row.instance_name,
    databaseName: row.database_name,
    createdAt: row.created_at,
    endedAt: row.ended_at,
    switchBegin: row.switch_begin,
    switchEnd: row.switch_end,
    retriedBy: row.retried_by,
    version: row.version,
    updatedAt: row.updated_at,
  };
}
