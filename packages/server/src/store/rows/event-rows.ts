import type { JobEvent, JobEventType, JobRow } from '../records.js';

/**
 * The change feed's rows as both databases return them, and what both store in them.
 */

/** The project of a reset's entry: a reset concerns every project, so every project's stream reads it. */
export const EVERY_PROJECT = '*';

/** The columns a feed read selects, in this order, as arrays. */
export const EVENT_COLUMNS = 'seq, type, at, job';

export type EventRow = [seq: number, type: JobEventType, at: number, job: string | null];

export const toEvent = ([cursor, type, at, job]: EventRow): JobEvent => ({
  cursor,
  type,
  at,
  job: job === null ? null : (JSON.parse(job) as JobRow),
});
