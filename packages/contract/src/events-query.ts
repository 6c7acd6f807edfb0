/**
 * The rules of the change feed's query (`GET /internal/v1/events`) and of the `Last-Event-ID`
 * header that the feed's and the tenant stream's Server-Sent Events resume from. Decided: see
 * docs/decisions.md, "Change feed".
 */
import { type ParseResult, type QueryValue, queryInteger } from './list-query.js';

export const EVENTS_LIMIT_MIN = 1;
export const EVENTS_LIMIT_MAX = 1000;
export const EVENTS_LIMIT_DEFAULT = 100;
export const EVENTS_WAIT_MAX_SECONDS = 60;

export interface EventsQuery {
  /** The cursor to read after; 0 reads from the beginning. */
  after: number;
  /** Most events in one answer (or one read of a stream). */
  limit: number;
  /** How long a long-poll is held when nothing follows `after`; 0 answers at once. */
  waitSeconds: number;
}

export const EVENTS_QUERY_RULES = {
  after: 'after must be a cursor: an integer from 0.',
  limit: `limit must be an integer from ${EVENTS_LIMIT_MIN} to ${EVENTS_LIMIT_MAX}.`,
  wait: `wait must be an integer number of seconds from 0 to ${EVENTS_WAIT_MAX_SECONDS}.`,
  lastEventId: 'Last-Event-ID must be a cursor: an integer from 0.',
  tenantLastEventId: "Last-Event-ID must be the id of an event of this project's stream.",
} as const;

/** A cursor: the list's integer rule, from 0. */
const cursorOf = (value: QueryValue): number | undefined => {
  const n = queryInteger(value);
  return n === undefined || n < 0 ? undefined : n;
};

/**
 * Parses and checks the feed's query. Unknown parameters are ignored; a repeated or empty known
 * parameter is an error, as on the list.
 *
 * @example parseEventsQuery({ after: '17', limit: '50', wait: '30' })
 */
export function parseEventsQuery(query: Record<string, QueryValue>): ParseResult<EventsQuery> {
  const fail = (detail: string) => ({ ok: false as const, detail });
  let after = 0;
  if (query.after !== undefined) {
    const n = cursorOf(query.after);
    if (n === undefined) return fail(EVENTS_QUERY_RULES.after);
    after = n;
  }
  let limit = EVENTS_LIMIT_DEFAULT;
  if (query.limit !== undefined) {
    const n = queryInteger(query.limit);
    if (n === undefined || n < EVENTS_LIMIT_MIN || n > EVENTS_LIMIT_MAX)
      return fail(EVENTS_QUERY_RULES.limit);
    limit = n;
  }
  let waitSeconds = 0;
  if (query.wait !== undefined) {
    const n = queryInteger(query.wait);
    if (n === undefined || n < 0 || n > EVENTS_WAIT_MAX_SECONDS) return fail(EVENTS_QUERY_RULES.wait);
    waitSeconds = n;
  }
  return { ok: true, value: { after, limit, waitSeconds } };
}

/**
 * The `Last-Event-ID` header a client of the internal feed's Server-Sent Events sends on
 * reconnect: undefined when absent or empty (the SSE spec's "no last event id"), else the cursor,
 * or an error. (The tenant stream's ids are opaque: only the server opens them.)
 */
export function parseLastEventId(value: QueryValue): ParseResult<number | undefined> {
  if (value === undefined || value === '') return { ok: true, value: undefined };
  const n = cursorOf(value);
  return n === undefined ? { ok: false, detail: EVENTS_QUERY_RULES.lastEventId } : { ok: true, value: n };
}
