/**
 * The rules of `GET /v3/{project_id}/jobs` query parameters (docs/api.md, "Listing tasks"). Written once
 * here: the server validates with it, the OpenAPI document and the SDK describe it.
 */

import { isJobStatus, JOB_STATUSES, type JobStatus } from './statuses.js';

export const LIST_LIMIT_MIN = 1;
export const LIST_LIMIT_MAX = 128;
export const LIST_LIMIT_DEFAULT = 10;
export const THIRTY_DAYS_MS = 2_592_000_000;
/** Clients compute "30 days ago" on their own clock, so the server allows five minutes more. */
export const THIRTY_DAY_GRACE_MS = 300_000;

export interface ListJobsQuery {
  offset: number;
  limit: number;
  startTime: number;
  endTime: number;
  /** The extension filters given (docs/api.md, "Listing tasks"); absent when none is. */
  filter?: JobFilter;
}

/**
 * The list's filters (ddm-jobs extensions): a task is listed when it matches every one given.
 * Lists hold no repeats; `jobId` is lower-cased, as task ids are stored.
 */
export interface JobFilter {
  statuses?: readonly JobStatus[];
  names?: readonly string[];
  instance?: string;
  database?: string;
  jobId?: string;
}

/**
 * The most tasks the `instance` and `database` filters examine in one request: the tasks of the
 * window that pass the other filters, read and checked one by one. A window holding more is refused.
 */
export const FILTER_SCAN_LIMIT = 20_000;
export const FILTER_NAME_MAX_LENGTH = 64;
/** Names one `name` filter lists at most: each is one ordered read per status. */
export const FILTER_NAMES_MAX = 20;
export const FILTER_TEXT_MAX_LENGTH = 128;
export const FILTER_JOB_ID_MAX_LENGTH = 64;

export type QueryValue = string | readonly string[] | undefined;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; detail: string };

/** An optional leading minus and decimal digits: no spaces, signs, fractions, exponents or hex. */
const INTEGER = /^-?\d{1,20}$/;

export const QUERY_RULES = {
  offset: 'offset must be an integer from 0.',
  limit: `limit must be an integer from ${LIST_LIMIT_MIN} to ${LIST_LIMIT_MAX}.`,
  startTime: 'start_time must be an integer number of epoch milliseconds, not earlier than 30 days ago.',
  endTime: 'end_time must be an integer number of epoch milliseconds, not earlier than start_time.',
  status: `status must be one or more of ${JOB_STATUSES.join(', ')}, separated by commas.`,
  name: `name must be one or more task names (at most ${FILTER_NAMES_MAX}) of 1 to ${FILTER_NAME_MAX_LENGTH} characters, without control characters, separated by commas.`,
  instance: `instance must be 1 to ${FILTER_TEXT_MAX_LENGTH} characters without control characters: an instance id, or a part of an instance name.`,
  database: `database must be 1 to ${FILTER_TEXT_MAX_LENGTH} characters without control characters: a part of a database name.`,
  jobId: `job_id must be 1 to ${FILTER_JOB_ID_MAX_LENGTH} characters without control characters: a task id.`,
} as const;

/** The refusal of a window holding too many tasks for the `instance` and `database` filters. */
export const filterScanRefusal = (candidates: number, limit = FILTER_SCAN_LIMIT): string =>
  `instance and database filters examine at most ${limit.toLocaleString('en-US')} tasks; ` +
  `${candidates.toLocaleString('en-US')} tasks of this window pass the other filters: narrow the window or add status or name.`;

function integer(value: QueryValue): number | undefined {
  if (typeof value !== 'string' || !INTEGER.test(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** The "integer" rule above (docs/api.md, "Listing tasks"), for the other query parsers: undefined when broken. */
export const queryInteger = integer;

/** A page's position: skip `offset`, take at most `limit`. */
export interface Paging {
  offset: number;
  limit: number;
}

/**
 * `offset` (≥ 0, default 0) and `limit` (1 to 128, default 10), the paging of the list and of
 * every other paged read of the API (run logs, available data nodes), with one set of messages.
 *
 * @example parsePaging({ offset: '10', limit: '5' }) // { ok: true, value: { offset: 10, limit: 5 } }
 */
export function parsePaging(query: Record<string, QueryValue>): ParseResult<Paging> {
  let offset = 0;
  if (query.offset !== undefined) {
    const n = integer(query.offset);
    if (n === undefined || n < 0) return { ok: false, detail: QUERY_RULES.offset };
    offset = n;
  }
  let limit = LIST_LIMIT_DEFAULT;
  if (query.limit !== undefined) {
    const n = integer(query.limit);
    if (n === undefined || n < LIST_LIMIT_MIN || n > LIST_LIMIT_MAX)
      return { ok: false, detail: QUERY_RULES.limit };
    limit = n;
  }
  return { ok: true, value: { offset, limit } };
}

/** Characters as a reader counts them: code points, not UTF-16 units. */
const characters = (text: string) => [...text].length;

/** No control characters, as the task's fields (schemas/fields.ts): none holds one, and PostgreSQL takes no NUL. */
const hasControl = (text: string) => [...text].some((c) => c.charCodeAt(0) < 0x20);

/** A filter's text of 1 to `max` characters, without control characters. */
const filterText = (value: string, max: number) =>
  characters(value) >= 1 && characters(value) <= max && !hasControl(value);

/** One text given once, passing filterText; undefined when broken. */
function text(value: QueryValue, max: number): string | undefined {
  return typeof value === 'string' && filterText(value, max) ? value : undefined;
}

/** A comma-separated list given once, each item passing `ok`, repeats dropped; undefined when broken. */
function list(value: QueryValue, ok: (item: string) => boolean, max: number): string[] | undefined {
  if (typeof value !== 'string') return undefined;
  const items = [...new Set(value.split(','))];
  return items.length <= max && items.every(ok) ? items : undefined;
}

/**
 * The `status` and `name` filters (those kept counts answer: the list's and the statistics'),
 * checked; `{}` when neither is given.
 *
 * @example parseCountFilters({ status: 'Running,Failed' }) // { ok: true, value: { statuses: ['Running', 'Failed'] } }
 */
export function parseCountFilters(
  query: Record<string, QueryValue>,
): ParseResult<Pick<JobFilter, 'statuses' | 'names'>> {
  const value: Pick<JobFilter, 'statuses' | 'names'> = {};
  if (query.status !== undefined) {
    const statuses = list(query.status, isJobStatus, JOB_STATUSES.length);
    if (!statuses) return { ok: false, detail: QUERY_RULES.status };
    value.statuses = statuses as JobStatus[];
  }
  if (query.name !== undefined) {
    const names = list(query.name, (name) => filterText(name, FILTER_NAME_MAX_LENGTH), FILTER_NAMES_MAX);
    if (!names) return { ok: false, detail: QUERY_RULES.name };
    value.names = names;
  }
  return { ok: true, value };
}

/**
 * Every filter of the list, checked; undefined (in `value`) when none is given.
 *
 * @example parseJobFilter({ status: 'Failed', database: 'orders' })
 */
export function parseJobFilter(query: Record<string, QueryValue>): ParseResult<JobFilter | undefined> {
  const counted = parseCountFilters(query);
  if (!counted.ok) return counted;
  const filter: JobFilter = { ...counted.value };
  const texts = [
    ['instance', 'instance', FILTER_TEXT_MAX_LENGTH],
    ['database', 'database', FILTER_TEXT_MAX_LENGTH],
    ['job_id', 'jobId', FILTER_JOB_ID_MAX_LENGTH],
  ] as const;
  for (const [param, key, max] of texts) {
    if (query[param] === undefined) continue;
    const value = text(query[param], max);
    if (value === undefined) return { ok: false, detail: QUERY_RULES[key] };
    filter[key] = key === 'jobId' ? value.toLowerCase() : value;
  }
  return { ok: true, value: Object.keys(filter).length === 0 ? undefined : filter };
}

/**
 * Parses and checks the list query. `nowMs` is the server clock's now, for the 30-day rule.
 * Unknown parameters are ignored; a repeated or empty known parameter is an error.
 *
 * @example parseListJobsQuery({ start_time: '1746028800000', end_time: '1747319097182' }, now)
 */
export function parseListJobsQuery(
  query: Record<string, QueryValue>,
  nowMs: number,
): ParseResult<ListJobsQuery> {
  const fail = (detail: string) => ({ ok: false as const, detail });
  const paging = parsePaging(query);
  if (!paging.ok) return paging;
  const { offset, limit } = paging.value;
  if (query.start_time === undefined) return fail('start_time is required.');
  const startTime = integer(query.start_time);
  if (startTime === undefined || startTime < nowMs - THIRTY_DAYS_MS - THIRTY_DAY_GRACE_MS) {
    return fail(QUERY_RULES.startTime);
  }
  if (query.end_time === undefined) return fail('end_time is required.');
  const endTime = integer(query.end_time);
  if (endTime === undefined || endTime < startTime) return fail(QUERY_RULES.endTime);
  const filter = parseJobFilter(query);
  if (!filter.ok) return filter;
  if (filter.value === undefined) return { ok: true, value: { offset, limit, startTime, endTime } };
  return { ok: true, value: { offset, limit, startTime, endTime, filter: filter.value } };
}
