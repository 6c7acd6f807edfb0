/**
 * The list's filters (ddm-jobs extensions of `GET /v3/{project_id}/jobs`, docs/api.md) as query
 * parameters. Only the filters given are sent, so a call without any asks exactly what the
 * cloud's API answers. The server checks the rules (spellings, lengths) and names a broken one in
 * its 400; here only what would silently change the meaning is refused: an empty list or text
 * would otherwise be sent as no filter at all, and a comma inside one name would split it in two.
 */
import type { JobStatus } from '@ddm-jobs/contract/wire';

/** Filters of the list: a task is listed when it matches every filter given (undefined: not given). */
export interface JobFilters {
  /** Tasks in one of these statuses. */
  status?: readonly JobStatus[] | undefined;
  /** Tasks with one of these names, exactly (`EnlargeNode`, `migrateLogicDb`). */
  name?: readonly string[] | undefined;
  /** Tasks of this instance: its id (any case), or a part of its name (any ASCII case). */
  instance?: string | undefined;
  /** Tasks whose database name contains this text (any ASCII case). */
  database?: string | undefined;
  /** The task with this id, if it lies in the window and matches the other filters. */
  jobId?: string | undefined;
}

/** Status and name filters alone: those that kept counts answer (the tasks-per-day call takes them). */
export type CountFilters = Pick<JobFilters, 'status' | 'name'>;

function listOf(values: readonly string[] | undefined, what: string): string | undefined {
  if (values === undefined) return undefined;
  if (!Array.isArray(values) || values.length === 0)
    throw new TypeError(`${what} must be a non-empty array of strings`);
  for (const value of values) {
    if (typeof value !== 'string' || value === '' || value.includes(','))
      throw new TypeError(`each ${what} must be a non-empty string without commas`);
  }
  return values.join(',');
}

function textOf(value: string | undefined, what: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new TypeError(`${what} must be a non-empty string`);
  return value;
}

/**
 * The query pairs of the filters given, in a fixed order; a TypeError names a filter that is
 * empty.
 *
 * @example filterPairs({ status: ['Running', 'Failed'], database: 'orders' })
 * // [['status', 'Running,Failed'], ['database', 'orders']]
 */
export function filterPairs(filters: JobFilters): [string, string][] {
  const values: [string, string | undefined][] = [
    ['status', listOf(filters.status, 'status')],
    ['name', listOf(filters.name, 'name')],
    ['instance', textOf(filters.instance, 'instance')],
    ['database', textOf(filters.database, 'database')],
    ['job_id', textOf(filters.jobId, 'jobId')],
  ];
  return values.filter((pair): pair is [string, string] => pair[1] !== undefined);
}
