import { createTimeFormatter, type JobStatus, jobItemOf } from '@ddm-jobs/contract/wire';
import type { JobChange, JobRow, NewJob, RemovedJob } from '../records.js';

/**
 * The jobs table's rows as both databases return them (the same columns, the same names), their
 * mapping to the store's `JobRow` (a whole row by name, a listing's page row by position), and
 * the rows a write stores.
 */

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

/** The columns a listing reads, in this order, as arrays (faster to read than objects). */
export const PAGE_COLUMNS =
  'id, name, status, progress, fail_reason, instance_id, instance_name, database_name, created_at, ended_at, ' +
  'switch_begin, switch_end, retried_by, version, updated_at';

export type PageRow = [
  string,
  string,
  string,
  number,
  string,
  string,
  string,
  string,
  number,
  number | null,
  number | null,
  number | null,
  string | null,
  number,
  number,
];

export const pageRowToJob = (projectId: string, r: PageRow): JobRow => ({
  id: r[0],
  projectId,
  name: r[1],
  status: r[2] as JobStatus,
  progress: r[3],
  failReason: r[4],
  instanceId: r[5],
  instanceName: r[6],
  databaseName: r[7],
  createdAt: r[8],
  endedAt: r[9],
  switchBegin: r[10],
  switchEnd: r[11],
  retriedBy: r[12],
  version: r[13],
  updatedAt: r[14],
});

/** The column holding the task as the list shows it, read alone by the list route. */
export const LISTED_JSON_COLUMN = 'listed_json';

const utc = createTimeFormatter('UTC');

/**
 * The task as the list shows it with UTC times, as JSON text: what the store keeps beside the row,
 * rendered by the writer, so that a page is read as strings and sent without re-serialising.
 */
export const listedJsonOf = (job: JobRow): string => JSON.stringify(jobItemOf(job, utc));

/** The task as stored by its creation, without the digest that only the store keeps. */
export function createdJob(job: NewJob, now: number): JobRow {
  const { createDigest: _digest, ...fields } = job;
  return { ...fields, retriedBy: null, version: 1, updatedAt: now };
}

/** The task after a change: the next version, written now. */
export function changedJob(current: JobRow, change: JobChange & { retriedBy?: string }, now: number): JobRow {
  return { ...current, ...change, version: current.version + 1, updatedAt: now };
}

/**
 * What a change writes, in the order of the columns it sets (`status` through `version`):
 * PostgreSQL's update statements, one task's and a batch's, take them as positional parameters.
 */
export const changedValuesOf = (job: JobRow) => [
  job.status,
  job.progress,
  job.failReason,
  job.endedAt,
  job.switchBegin,
  job.switchEnd,
  job.retriedBy,
  job.version,
];

/**
 * When a task's status began, as its history tells it: the task's end time for a finished status,
 * its creation time for the status it was recorded in, else when the change was written.
 */
export const statusBeganAt = (job: JobRow, now: number, created: boolean): number =>
  job.endedAt ?? (created ? job.createdAt : now);

/** A row of the removed_jobs table, as both databases return it. */
export interface RemovedRow {
  removed_at: number;
  removed_by: string;
  job: string;
}

/** A removed_jobs row as the audit record. */
export const toRemovedJob = (row: RemovedRow): RemovedJob => ({
  job: JSON.parse(row.job) as JobRow,
  removedAt: row.removed_at,
  removedBy: row.removed_by,
});
