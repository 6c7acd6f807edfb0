/**
 * Finding a task as the list shows it, and the path parameters of the task an action names.
 * An action's path needs the instance and the database, which only the list carries, so a task
 * given by id is read (`getJob`) and then found in the list of its creation second: two
 * requests, whatever the project holds.
 */
import { type JobDetail, type JobItem, parseDdmTime } from '@ddm-jobs/contract/wire';
import { DdmApiError, isDdmApiError } from './errors.js';
import { type ListPage, pages } from './paging.js';

/**
 * A shard-migration task to act on: its id (the client finds its instance and database with
 * `findJob` first), the three path parameters, or a task as the list shows it.
 */
export type MigrationTask =
  | string
  | { jobId: string; instanceId: string; dbName: string }
  | Pick<JobItem, 'id' | 'instance_id' | 'database_name'>;

export interface MigrationTarget {
  jobId: string;
  instanceId: string;
  dbName: string;
}

/**
 * A string argument that must not be empty; a TypeError naming it otherwise.
 *
 * @example nonEmpty(jobId, 'jobId')
 */
export function nonEmpty(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${what} must be a non-empty string`);
  return value;
}

/**
 * The task of `detail` as the list shows it, or undefined when the list does not show it (it
 * was cleaned, or it is older than the 30 days the list covers by the server's clock).
 *
 * @example const item = await listedItem((q) => client.listJobs(q), await client.getJob(id))
 */
export async function listedItem(list: ListPage, detail: JobDetail): Promise<JobItem | undefined> {
  const created = parseDdmTime(detail.created_time);
  if (created === undefined) return undefined;
  try {
    // The list renders seconds: the task was created within that second.
    for await (const job of pages(list, { startTime: created, endTime: created + 999 }, 128)) {
      if (job.id === detail.id) return job;
    }
  } catch (error) {
    if (isDdmApiError(error) && error.status === 400 && error.errorCode === 'DBS.280001') return undefined;
    throw error;
  }
  return undefined;
}

/**
 * The path parameters of the task an action names; a task given by id is looked up with
 * `lookUp` (whose 404 is the server's own, with its request id).
 *
 * @example const target = await migrationTarget(task, (id) => getJob(id).then((d) => listedItem(list, d)))
 */
export async function migrationTarget(
  task: MigrationTask,
  lookUp: (jobId: string) => Promise<JobItem | undefined>,
): Promise<MigrationTarget> {
  if (typeof task === 'string') {
    const found = await lookUp(nonEmpty(task, 'task'));
    if (!found) {
      throw new DdmApiError(
        404,
        'DBS.300400',
        'The task is not found. It is not listed in the last 30 days, so its instance and database are unknown.',
        undefined,
        undefined,
      );
    }
    task = found;
  }
  const target =
    'jobId' in task ? task : { jobId: task.id, instanceId: task.instance_id, dbName: task.database_name };
  nonEmpty(target.jobId, 'the task id');
  nonEmpty(target.instanceId, 'the task instance id');
  if (target.dbName === '') {
    throw new TypeError(`task ${target.jobId} names no database: only shard-migration tasks take actions`);
  }
  nonEmpty(target.dbName, 'the task database name');
  return { jobId: target.jobId, instanceId: target.instanceId, dbName: target.dbName };
}
