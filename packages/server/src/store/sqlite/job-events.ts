import type { Database } from 'better-sqlite3';
import type { JobStore } from '../interfaces.js';
import type { JobEventType, JobRow, RunLogLine } from '../records.js';
import { EVENT_COLUMNS, EVERY_PROJECT, type EventRow, toEvent } from '../rows/event-rows.js';

/** The change feed's table: appended to inside the writers' transactions, read by cursor. */
export function createSqliteJobEvents(db: Database) {
  const insert = db.prepare(
    'INSERT INTO job_events (project_id, job_id, type, at, job, logs) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const all = db.prepare(`SELECT ${EVENT_COLUMNS} FROM job_events WHERE seq > ? ORDER BY seq LIMIT ?`).raw();
  const ofProject = db
    .prepare(
      `SELECT ${EVENT_COLUMNS} FROM job_events WHERE project_id IN (?, '${EVERY_PROJECT}') AND seq > ?
       ORDER BY seq LIMIT ?`,
    )
    .raw();
  // The AUTOINCREMENT counter survives the deletion of the newest rows, unlike max(seq).
  const last = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'job_events'").pluck();
  const clear = db.prepare('DELETE FROM job_events');
  const reads: Pick<JobStore, 'eventsAfter' | 'lastEventCursor'> = {
    async eventsAfter(after, limit, projectId) {
      const rows = projectId === undefined ? all.all(after, limit) : ofProject.all(projectId, after, limit);
      return (rows as EventRow[]).map(toEvent);
    },
    async lastEventCursor() {
      return (last.get() as number | undefined) ?? 0;
    },
  };
  return {
    append(type: JobEventType, job: JobRow | null, at: number, logs?: RunLogLine[]): void {
      const json = job === null ? null : JSON.stringify(job);
      const lines = logs === undefined ? null : JSON.stringify(logs);
      insert.run(job?.projectId ?? EVERY_PROJECT, job?.id ?? null, type, at, json, lines);
    },
    clear(): void {
      clear.run();
    },
    reads,
  };
}
