import type { Database } from 'better-sqlite3';
import type { JobEvent, JobEventType, JobRow } from '../types.js';

/** A reset concerns every project: its entry is read by every project's stream. */
const EVERY_PROJECT = '*';

interface EventRow {
  seq: number;
  type: JobEventType;
  at: number;
  job: string | null;
}

const toEvent = (row: EventRow): JobEvent => ({
  cursor: row.seq,
  type: row.type,
  at: row.at,
  job: row.job === null ? null : (JSON.parse(row.job) as JobRow),
});

/** The change feed's table: appended to inside the writers' transactions, read by cursor. */
export function createSqliteJobEvents(db: Database) {
  const insert = db.prepare(
    'INSERT INTO job_events (project_id, job_id, type, at, job) VALUES (?, ?, ?, ?, ?)',
  );
  const all = db.prepare('SELECT seq, type, at, job FROM job_events WHERE seq > ? ORDER BY seq LIMIT ?');
  const ofProject = db.prepare(
    `SELECT seq, type, at, job FROM job_events WHERE project_id IN (?, '${EVERY_PROJECT}') AND seq > ?
     ORDER BY seq LIMIT ?`,
  );
  // The AUTOINCREMENT counter survives the deletion of the newest rows, unlike max(seq).
  const last = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'job_events'").pluck();
  const clear = db.prepare('DELETE FROM job_events');
  return {
    append(type: JobEventType, job: JobRow | null, at: number): void {
      const json = job === null ? null : JSON.stringify(job);
      insert.run(job?.projectId ?? EVERY_PROJECT, job?.id ?? null, type, at, json);
    },
    after(after: number, limit: number, projectId?: string): JobEvent[] {
      const rows = projectId === undefined ? all.all(after, limit) : ofProject.all(projectId, after, limit);
      return (rows as EventRow[]).map(toEvent);
    },
    last(): number {
      return (last.get() as number | undefined) ?? 0;
    },
    clear(): void {
      clear.run();
    },
  };
}
