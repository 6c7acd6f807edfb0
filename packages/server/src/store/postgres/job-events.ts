import { setTimeout as delay } from 'node:timers/promises';
import type pg from 'pg';
import type { JobStore } from '../interfaces.js';
import { EVENT_COLUMNS, EVERY_PROJECT, type EventRow, toEvent } from '../rows/event-rows.js';

/**
 * The change feed's cursors on PostgreSQL, without a lock that writers take in turn.
 *
 * Readers must get cursors in an order where none is ever followed by a smaller one: a reader
 * that has delivered N must never later find a committed entry below N. A sequence does not give
 * that (values are taken before commit, and transactions commit in any order), so the cursor of
 * an entry is the id of the transaction writing it (`pg_current_xact_id()`, an xid8) times
 * ENTRIES_PER_TRANSACTION, plus the entry's rank among that transaction's entries; and readers
 * deliver only entries below the horizon: the oldest transaction id still running in their
 * snapshot (`pg_snapshot_xmin`) times ENTRIES_PER_TRANSACTION. Every transaction below the horizon
 * has finished, so every entry below it is either visible or never will be; and every transaction
 * that starts writing later gets an id at or above the horizon. A long transaction that writes
 * tasks holds back what is delivered after it until it ends (tasks' writes are single statements).
 */

/**
 * The most feed entries one transaction may write: a batch of the producers' API (1,000 items),
 * a retention batch (500) and a reset (one) stay below it. With cursors below 2^53, transaction
 * ids may grow to 2^43 (8.8 × 10^12): centuries at thousands of writes a second.
 */
export const ENTRIES_PER_TRANSACTION = 1024;

/** Entries below this cursor are delivered: those of transactions older than every one still running. */
const HORIZON = `(pg_snapshot_xmin(pg_current_snapshot())::text::bigint * ${ENTRIES_PER_TRANSACTION})`;

/** The lock of a schema's writers: its first key ours among the database's users, the second the schema's hash. */
const WRITERS_LOCK = 0x6464_6d02;

/**
 * The writers' lock of one schema. Writers take it shared, so they never wait on each other; the
 * emulator's reset takes it alone, so that it waits for the writes in flight and no write begins
 * until it has committed: no task then outlives a reset whose entry follows its own in the feed.
 */
export function writersLock(schemaHash: number) {
  return {
    /** A CTE taking the lock shared; the statement's writes must read from it so that they follow it. */
    shared: `writer AS (SELECT pg_advisory_xact_lock_shared(${WRITERS_LOCK}, ${schemaHash}))`,
    /** The lock alone, as a statement, for the reset's transaction. */
    exclusive: `SELECT pg_advisory_xact_lock(${WRITERS_LOCK}, ${schemaHash})`,
  };
}

/** What a feed entry holds, as SQL expressions over the rows of a writer's CTE. */
export interface EntrySql {
  project: string;
  /** The task's id; NULL for a reset. */
  jobId: string;
  type: string;
  at: string;
  job: string;
  /** A log entry's lines as JSON text; NULL for the others when absent. */
  logs?: string;
}

/**
 * The end of a writer's statement: one feed entry per row of the CTE (or table) `source`, in the
 * order of its column `order` when given (a source of one row needs none). The cursors begin at the writing transaction's range, past the entries it wrote in
 * earlier statements (a statement does not see its own rows). The transaction's id is read only
 * once `source` has given a row, so after every lock the statement takes first (an uncorrelated
 * subquery would be evaluated at the statement's start, giving the transaction its id before it
 * waits for the writers' lock).
 */
export function appendEntry(source: string, entry: EntrySql, order?: string): string {
  const per = ENTRIES_PER_TRANSACTION;
  return `entries AS (SELECT *, row_number() OVER (${order ? `ORDER BY ${order}` : ''}) AS rank FROM ${source}),
first_cursor AS (
  SELECT xact.id * ${per} + (SELECT count(*) FROM job_events
    WHERE seq >= xact.id * ${per} AND seq < (xact.id + 1) * ${per}) AS cursor
  FROM (SELECT pg_current_xact_id()::text::bigint AS id FROM entries LIMIT 1) AS xact
)
INSERT INTO job_events (seq, project_id, job_id, type, at, job, logs)
SELECT first_cursor.cursor + entries.rank - 1, ${entry.project}, ${entry.jobId}, ${entry.type}, ${entry.at},
  ${entry.job}, ${entry.logs ?? 'NULL'} FROM entries, first_cursor RETURNING seq`;
}

/**
 * How long a read waits for the transactions older than the entries it found to end. A caller
 * reading after a write then finds that write (the transactions that began before it are about to
 * end); a transaction left open somewhere holds a read back for this long, and then the read
 * delivers what lies below the horizon.
 */
const SETTLE_MS = 1_000;
const SETTLE_POLL_MS = 2;

/** A feed row with the horizon of the snapshot that read it. */
type RowWithHorizon = [...EventRow, horizon: number];

/**
 * Reads entries, again until the horizon has passed the newest committed entry the first read
 * found (or SETTLE_MS has gone by), and delivers those below it. Waiting for that one entry, not
 * for a moment without writers: under a steady write load a read waits only for the transactions
 * in flight when it began.
 */
async function settled(read: () => Promise<RowWithHorizon[]>): Promise<EventRow[]> {
  const giveUpAt = Date.now() + SETTLE_MS;
  let rows = await read();
  const newest = rows.at(-1)?.[0];
  for (;;) {
    const horizon = rows[0]?.[5] ?? 0;
    if (newest === undefined || newest < horizon || Date.now() >= giveUpAt)
      return rows
        .filter((row) => row[0] < horizon)
        .map(([seq, type, at, job, logs]) => [seq, type, at, job, logs]);
    await delay(SETTLE_POLL_MS);
    rows = await read();
  }
}

/** The feed's reads: by cursor, and the newest cursor, both up to the horizon. */
export function createPostgresJobEvents(pool: pg.Pool): Pick<JobStore, 'eventsAfter' | 'lastEventCursor'> {
  const everyProject = (after: number, limit: number) =>
    pool.query<RowWithHorizon>({
      name: 'events-after',
      text: `SELECT ${EVENT_COLUMNS}, ${HORIZON} FROM job_events WHERE seq > $1 ORDER BY seq LIMIT $2`,
      values: [after, limit],
      rowMode: 'array',
    });
  const oneProject = (projectId: string, after: number, limit: number) =>
    pool.query<RowWithHorizon>({
      name: 'project-events-after',
      // Two ordered index ranges merged, rather than one range sorted.
      text: `(SELECT ${EVENT_COLUMNS}, ${HORIZON} FROM job_events WHERE project_id = $1 AND seq > $2
                ORDER BY seq LIMIT $3)
             UNION ALL
             (SELECT ${EVENT_COLUMNS}, ${HORIZON} FROM job_events WHERE project_id = '${EVERY_PROJECT}' AND seq > $2
                ORDER BY seq LIMIT $3)
             ORDER BY seq LIMIT $3`,
      values: [projectId, after, limit],
      rowMode: 'array',
    });
  const newest = () =>
    pool.query<[newest: number | null, delivered: number | null, horizon: number]>({
      name: 'events-last',
      text: `WITH horizon AS (SELECT ${HORIZON} AS h)
             SELECT (SELECT max(seq) FROM job_events), (SELECT max(seq) FROM job_events WHERE seq < h), h FROM horizon`,
      rowMode: 'array',
    });
  return {
    async eventsAfter(after, limit, projectId) {
      const rows = await settled(async () =>
        projectId === undefined
          ? (await everyProject(after, limit)).rows
          : (await oneProject(projectId, after, limit)).rows,
      );
      return rows.map(toEvent);
    },

    async lastEventCursor() {
      const giveUpAt = Date.now() + SETTLE_MS;
      for (;;) {
        const [top, delivered, horizon] = (await newest()).rows[0] ?? [null, null, 0];
        // With no entry at all, the horizon itself: every later entry lies above it.
        if (top === null) return horizon - 1;
        if (top < horizon) return top;
        if (Date.now() >= giveUpAt) return delivered ?? horizon - 1;
        await delay(SETTLE_POLL_MS);
      }
    },
  };
}
