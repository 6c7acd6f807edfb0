import type pg from 'pg';
import type { JobStore } from '../interfaces.js';
import { EVENT_COLUMNS, EVERY_PROJECT, type EventRow, toEvent } from '../rows/event-rows.js';

/** The writer lock's first key: ours among the database's users; the second is the schema's hash. */
const WRITER_LOCK = 0x6464_6d02;

/**
 * The change feed's SQL. Readers must get cursors in commit order: one that has read up to N must
 * never later find a committed entry below N. A sequence does not give that in PostgreSQL (values
 * are taken before commit, and transactions commit in any order), so every transaction that
 * writes tasks first takes one transaction-level advisory lock per schema, the writer lock, held
 * to its commit, and takes its cursor from a one-row counter meanwhile. Task writes are thus
 * serialised as on SQLite (one writer, readers never blocked), and the counter, being
 * transactional, tells the newest committed cursor and survives a reset.
 */
export function feedSql(schemaHash: number) {
  return {
    /** A CTE taking the writer lock; the statement's writes must read from it so that they follow it. */
    writerLock: `writer AS (SELECT pg_advisory_xact_lock(${WRITER_LOCK}, ${schemaHash}))`,
    /** The same, as a statement, for a transaction of several statements. */
    takeWriterLock: `SELECT pg_advisory_xact_lock(${WRITER_LOCK}, ${schemaHash})`,
  };
}

/** What a feed entry holds, as SQL expressions over the writer's CTE. */
export interface EntrySql {
  project: string;
  /** The task's id; NULL for a reset. */
  jobId: string;
  type: string;
  at: string;
  job: string;
}

/** The end of a writer's statement: one feed entry per row of the CTE `source` (at most one). */
export function appendEntry(source: string, entry: EntrySql): string {
  return `next_cursor AS (UPDATE job_event_cursor SET last = last + 1 FROM ${source}
  RETURNING last, ${entry.project} AS project_id, ${entry.jobId} AS job_id)
INSERT INTO job_events (seq, project_id, job_id, type, at, job)
SELECT last, project_id, job_id, ${entry.type}, ${entry.at}, ${entry.job} FROM next_cursor RETURNING seq`;
}

/** The feed's reads: by cursor, and the newest committed cursor. */
export function createPostgresJobEvents(pool: pg.Pool): Pick<JobStore, 'eventsAfter' | 'lastEventCursor'> {
  return {
    async eventsAfter(after, limit, projectId) {
      const result =
        projectId === undefined
          ? await pool.query<EventRow>({
              name: 'events-after',
              text: `SELECT ${EVENT_COLUMNS} FROM job_events WHERE seq > $1 ORDER BY seq LIMIT $2`,
              values: [after, limit],
              rowMode: 'array',
            })
          : await pool.query<EventRow>({
              name: 'project-events-after',
              // Two ordered index ranges merged, rather than one range sorted.
              text: `(SELECT ${EVENT_COLUMNS} FROM job_events WHERE project_id = $1 AND seq > $2 ORDER BY seq LIMIT $3)
                     UNION ALL
                     (SELECT ${EVENT_COLUMNS} FROM job_events WHERE project_id = '${EVERY_PROJECT}' AND seq > $2
                      ORDER BY seq LIMIT $3)
                     ORDER BY seq LIMIT $3`,
              values: [projectId, after, limit],
              rowMode: 'array',
            });
      return result.rows.map(toEvent);
    },
    async lastEventCursor() {
      const result = await pool.query<[number]>({
        name: 'events-last',
        text: 'SELECT last FROM job_event_cursor',
        rowMode: 'array',
      });
      return result.rows[0]?.[0] ?? 0;
    },
  };
}
