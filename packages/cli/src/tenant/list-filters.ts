import type { JobFilters } from '@ddm-jobs/client';
import type { JobItem } from '@ddm-jobs/contract/wire';
import { InvalidArgumentError } from 'commander';

/**
 * `list`'s filters are answered by the server (ddm-jobs' extension parameters of the list), so a
 * filtered window costs the pages of its matching tasks only. The cloud's DDM filters by time
 * only and ignores parameters it does not know: its answer would be every task of the window,
 * shown as if filtered. Each task received is therefore checked against the filters, and the
 * first that does not match stops the command (exit 1) instead of printing a wrong list.
 */
export class FiltersIgnoredError extends Error {
  override name = 'FiltersIgnoredError';
}

const asciiLower = (text: string) => text.replace(/[A-Z]/g, (c) => c.toLowerCase());

/** Whether a task matches every filter given, by the rules of docs/api.md. */
export function matchesFilters(job: JobItem, filters: JobFilters): boolean {
  const { status, name, instance, database, jobId } = filters;
  if (status && !status.includes(job.status)) return false;
  if (name && !name.includes(job.name)) return false;
  if (
    instance !== undefined &&
    job.instance_id.toLowerCase() !== instance.toLowerCase() &&
    !asciiLower(job.instance_name).includes(asciiLower(instance))
  )
    return false;
  if (database !== undefined && !asciiLower(job.database_name).includes(asciiLower(database))) return false;
  return jobId === undefined || job.id.toLowerCase() === jobId.toLowerCase();
}

/** Throws FiltersIgnoredError when the server answered a task the filters exclude. */
export function checkFiltered(job: JobItem, filters: JobFilters): void {
  if (!matchesFilters(job, filters))
    throw new FiltersIgnoredError(
      `the server answered task ${job.id}, which does not match the filters: it does not filter the list ` +
        '(the filters are a ddm-jobs extension; the cloud filters by time only). List without filters.',
    );
}

/**
 * `--name`: task names, comma-separated, exact (the server checks the rest of the API's rule, 1
 * to 64 characters each).
 *
 * @example parseNames('EnlargeNode, migrateLogicDb') // ['EnlargeNode', 'migrateLogicDb']
 */
export function parseNames(value: string): string[] {
  const names = value.split(',').map((part) => part.trim());
  if (names.includes('')) throw new InvalidArgumentError('names must not be empty.');
  return names;
}

/** `--instance`, `--database`, `--id`: a text that must not be empty (empty would mean no filter). */
export function parseText(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('must not be empty.');
  return value.trim();
}
