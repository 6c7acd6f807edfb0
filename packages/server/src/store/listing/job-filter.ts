import { FILTER_SCAN_LIMIT, JOB_STATUSES, type JobFilter } from '@ddm-jobs/contract';

/**
 * The list's filters (docs/api.md, "Listing tasks") as both databases answer them. `status` and
 * `name` are answered from the kept counts (job_filter_counts) and ordered reads of the indexes
 * by status and by name: the kept listing. `instance`, `database` and `job_id` are checked on the
 * rows that pass the others: the checked listing, which examines at most `scanLimit` rows
 * (a key lookup for `job_id`).
 */

/** The filters as the store takes them. `scanLimit`: FILTER_SCAN_LIMIT, unless a test lowers it. */
export interface ListingFilter extends JobFilter {
  scanLimit?: number;
}

/** A window holding more candidates for the checked filters than they examine: nothing is read. */
export class FilterScanRefused extends Error {
  override name = 'FilterScanRefused';

  constructor(
    readonly candidates: number,
    readonly limit: number,
  ) {
    super(`${candidates} candidate tasks, more than the ${limit} the checked filters examine`);
  }
}

/** True when the kept counts answer the filter alone (status and name only). */
export const isKept = (filter: ListingFilter): boolean =>
  filter.instance === undefined && filter.database === undefined && filter.jobId === undefined;

/** Refuses a checked listing of more candidates than it examines (a `job_id` has one at most). */
export function checkCandidates(filter: ListingFilter, candidates: number): void {
  const limit = filter.scanLimit ?? FILTER_SCAN_LIMIT;
  if (filter.jobId === undefined && candidates > limit) throw new FilterScanRefused(candidates, limit);
}

/** One ordered read of the kept listing: the tasks of one status (and one name, when named). */
export interface KeptPair {
  status: string;
  name: string | undefined;
}

/**
 * The ordered reads whose merge is the filtered order: one per status through the index by status,
 * or one per name and status through the index by name (a name alone: each of the ten statuses).
 */
export function keptPairs(filter: ListingFilter): KeptPair[] {
  const statuses: readonly string[] = filter.statuses ?? JOB_STATUSES;
  const names = filter.names;
  if (names === undefined) return statuses.map((status) => ({ status, name: undefined }));
  return names.flatMap((name) => statuses.map((status) => ({ status, name })));
}

/** Lower-cases ASCII letters only, as the filters ignore ASCII case (other letters stay as they are). */
export const asciiLower = (text: string): string => text.replace(/[A-Z]+/g, (part) => part.toLowerCase());

/** How a database writes the checked filters' conditions. */
export interface FilterDialect {
  /** A placeholder for `value`, which the caller binds. */
  param(value: string): string;
  /** `column` with its ASCII letters lower-cased. */
  asciiLower(column: string): string;
  /** True when `haystack` contains `needle` (both expressions). */
  contains(haystack: string, needle: string): string;
}

/**
 * The conditions on a task's row of every filter given, joined by AND (`TRUE` when none): the
 * checked listing's WHERE, beside the project and the window.
 */
export function filterConditions(filter: ListingFilter, dialect: FilterDialect): string {
  const { param } = dialect;
  const parts: string[] = [];
  if (filter.jobId !== undefined) parts.push(`id = ${param(filter.jobId)}`);
  // With names, every status is named too (all ten when none is given): the index by name holds
  // the status before the creation time, so only then does it read the window's range alone.
  const statuses = filter.statuses ?? (filter.names ? JOB_STATUSES : undefined);
  if (statuses) parts.push(`status IN (${statuses.map(param).join(', ')})`);
  if (filter.names) parts.push(`name IN (${filter.names.map(param).join(', ')})`);
  if (filter.instance !== undefined) {
    const instance = param(asciiLower(filter.instance));
    parts.push(
      `(${dialect.asciiLower('instance_id')} = ${instance} OR ${dialect.contains(dialect.asciiLower('instance_name'), instance)})`,
    );
  }
  if (filter.database !== undefined)
    parts.push(dialect.contains(dialect.asciiLower('database_name'), param(asciiLower(filter.database))));
  return parts.length === 0 ? 'TRUE' : parts.join(' AND ');
}
