import type { JobEvent, JobEventType, JobRow, RunLogLine } from '../records.js';
import type { ShardRequestView } from '../shard-records.js';

/**
 * The change feed's rows as both databases return them, and what both store in them.
 */

/** The project of a reset's entry: a reset concerns every project, so every project's stream reads it. */
export const EVERY_PROJECT = '*';

/** The columns a feed read selects, in this order, as arrays. */
export const EVENT_COLUMNS = 'seq, type, at, job, logs';

export type EventRow = [seq: number, type: JobEventType, at: number, job: string | null, logs: string | null];

export const toEvent = ([cursor, type, at, job, logs]: EventRow): JobEvent =>
  // A shard-change request's entry holds the request where the others hold a task.
  type === 'requested'
    ? { cursor, type, at, job: null, request: JSON.parse(job as string) as ShardRequestView }
    : {
        cursor,
        type,
        at,
        job: job === null ? null : (JSON.parse(job) as JobRow),
        ...(logs === null ? {} : { logs: JSON.parse(logs) as RunLogLine[] }),
      };

/**
 * Of the oldest feed entries ([cursor, at], oldest first), the cursor of the last one written
 * before `cutoff`: the feed is in time order but for moves of the virtual clock backwards, so the
 * count stops at the first newer entry. Undefined when the first is newer.
 */
export function lastEntryBefore(oldest: [cursor: number, at: number][], cutoff: number): number | undefined {
  let last: number | undefined;
  for (const [cursor, at] of oldest) {
    if (at >= cutoff) break;
    last = cursor;
  }
  return last;
}
