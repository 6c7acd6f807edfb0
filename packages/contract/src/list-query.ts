/**
 * The rules of `GET /v3/{project_id}/jobs` query parameters (docs/api.md, "Listing tasks"). Written once
 * here: the server validates with it, the OpenAPI document and the SDK describe it.
 */

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
}

export type QueryValue = string | readonly string[] | undefined;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; detail: string };

/** An optional leading minus and decimal digits: no spaces, signs, fractions, exponents or hex. */
const INTEGER = /^-?\d{1,20}$/;

export const QUERY_RULES = {
  offset: 'offset must be an integer from 0.',
  limit: `limit must be an integer from ${LIST_LIMIT_MIN} to ${LIST_LIMIT_MAX}.`,
  startTime: 'start_time must be an integer number of epoch milliseconds, not earlier than 30 days ago.',
  endTime: 'end_time must be an integer number of epoch milliseconds, not earlier than start_time.',
} as const;

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
  return { ok: true, value: { offset, limit, startTime, endTime } };
}
