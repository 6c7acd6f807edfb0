/**
 * The rules of `GET /v3/{project_id}/job-statistics` query parameters (docs/api.md, "Tasks per
 * day"): the list's window and its `status` and `name` filters, with their messages, and the
 * time zone whose calendar days the answer counts. The server validates with it, the OpenAPI
 * document describes it.
 */
import {
  type JobFilter,
  type ParseResult,
  parseCountFilters,
  parseListJobsQuery,
  type QueryValue,
} from './list-query.js';
import { assertTimeZone } from './time-format.js';

/** The longest window counted, from start_time to end_time: the list's 30 days and some slack. */
export const STATISTICS_SPAN_MAX_MS = 31 * 86_400_000;
export const STATISTICS_TIME_ZONE_DEFAULT = 'UTC';

export interface JobStatisticsQuery {
  startTime: number;
  endTime: number;
  /** The IANA zone as given (`UTC` when none is). */
  timeZone: string;
  filter: Pick<JobFilter, 'statuses' | 'names'>;
}

export const STATISTICS_QUERY_RULES = {
  span: 'end_time must be at most 31 days after start_time: the days of one month at most are counted.',
  timeZone: 'time_zone must be an IANA time zone name such as Europe/Berlin, Asia/Kolkata or UTC.',
  filters:
    'job-statistics counts by status and name only: instance, database and job_id are filters of the list.',
} as const;

/** An IANA name: letters first, then letters, digits and `_ + - /` (`Etc/GMT+5`, `America/Port-au-Prince`). */
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/;

function timeZoneOf(value: QueryValue): string | undefined {
  if (value === undefined) return STATISTICS_TIME_ZONE_DEFAULT;
  if (typeof value !== 'string' || !ZONE_NAME.test(value)) return undefined;
  try {
    assertTimeZone(value);
    return value;
  } catch {
    return undefined;
  }
}

/**
 * Parses and checks the query. `nowMs` is the server clock's now, for the list's 30-day rule.
 * Unknown parameters are ignored (offset and limit included); a repeated or empty known
 * parameter is an error, as on the list.
 *
 * @example parseJobStatisticsQuery({ start_time: '1764543600000', end_time: '1764629999999', time_zone: 'Europe/Berlin' }, now)
 */
export function parseJobStatisticsQuery(
  query: Record<string, QueryValue>,
  nowMs: number,
): ParseResult<JobStatisticsQuery> {
  const fail = (detail: string) => ({ ok: false as const, detail });
  const window = parseListJobsQuery({ start_time: query.start_time, end_time: query.end_time }, nowMs);
  if (!window.ok) return window;
  const { startTime, endTime } = window.value;
  if (endTime - startTime >= STATISTICS_SPAN_MAX_MS) return fail(STATISTICS_QUERY_RULES.span);
  const timeZone = timeZoneOf(query.time_zone);
  if (timeZone === undefined) return fail(STATISTICS_QUERY_RULES.timeZone);
  const filter = parseCountFilters(query);
  if (!filter.ok) return filter;
  if (query.instance !== undefined || query.database !== undefined || query.job_id !== undefined)
    return fail(STATISTICS_QUERY_RULES.filters);
  return { ok: true, value: { startTime, endTime, timeZone, filter: filter.value } };
}
