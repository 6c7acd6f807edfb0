/**
 * Fills a project with a million tasks quickly: one transaction of plain INSERTs through
 * better-sqlite3 on the store's own file (store.recordJob commits each task on its own, about
 * 5,000 a second). The triggers of the schema keep job_counts and job_status_counts as usual.
 */
import { join } from 'node:path';
import { listedJsonOf, SQLITE_FILE } from '@ddm-jobs/server';
import BetterSqlite3 from 'better-sqlite3';
import { taskFields } from './seed.js';

const COLUMNS =
  'project_id, created_at, id, name, status, progress, fail_reason, instance_id, instance_name, database_name, ' +
  'ended_at, switch_begin, switch_end, version, updated_at, create_digest, listed_json';

/**
 * Inserts `count` tasks spread evenly over `spanMs` before `now` (as recordTasks does), oldest
 * first so that rows land in primary-key order. The folder must hold a migrated store (closed).
 *
 * @param {string} dataDir
 * @param {string} projectId
 * @param {number} count
 * @param {number} spanMs
 * @param {number} now
 */
export function insertManyTasks(dataDir, projectId, count, spanMs, now) {
  const db = new BetterSqlite3(join(dataDir, SQLITE_FILE));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('cache_size = -100000');
    const insert = db.prepare(
      `INSERT INTO jobs (${COLUMNS}) VALUES (@projectId, @createdAt, @id, @name, @status, @progress, @failReason,
        @instanceId, @instanceName, @databaseName, @endedAt, @switchBegin, @switchEnd, 1, @now, @createDigest, @listedJson)`,
    );
    const spacing = spanMs / count;
    const fill = db.transaction(() => {
      for (let k = count - 1; k >= 0; k--) {
        const job = taskFields(k, projectId, Math.floor(now - (k + 0.5) * spacing));
        // A new task, not retried: rendered as the store renders it (createdJob).
        const listedJson = listedJsonOf({ ...job, retriedBy: null, version: 1, updatedAt: now });
        insert.run({ ...job, now, listedJson });
      }
    });
    fill();
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}
