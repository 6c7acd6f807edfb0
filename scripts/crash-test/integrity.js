/**
 * The database after the crashes: the engine's own integrity check, then the store's invariants,
 * which a write torn by a kill would break: the count tables kept by triggers equal the counts of
 * the jobs table, and every task has exactly one feed entry per version (each write appends its
 * entry in the same transaction). Each returns { ok, checks: [{ name, ok, detail }] }.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';

// Buckets of minutes, hours and days (migration 1's job_counts levels 0, 1 and 2).
const LEVELS = 'levels (level, size) AS (VALUES (0, 60000), (1, 3600000), (2, 86400000))';

/** Rows of the count tables that differ from a count of the jobs table (both directions). */
const COUNT_MISMATCHES = `
WITH ${LEVELS},
kept AS (SELECT project_id, level, bucket, n FROM job_counts WHERE n <> 0),
counted AS (
  SELECT project_id, level, created_at / size AS bucket, CAST(count(*) AS INTEGER) AS n
    FROM jobs CROSS JOIN levels GROUP BY project_id, level, created_at / size)
SELECT count(*) AS mismatches FROM (
  SELECT * FROM (SELECT * FROM kept EXCEPT SELECT * FROM counted) AS a
  UNION ALL
  SELECT * FROM (SELECT * FROM counted EXCEPT SELECT * FROM kept) AS b) AS diff`;

const STATUS_MISMATCHES = `
WITH kept AS (
  -- On PostgreSQL a status's count is spread over rows (one per writing backend's shard): summed.
  SELECT status, CAST(sum(n) AS INTEGER) AS n FROM job_status_counts GROUP BY status HAVING sum(n) <> 0),
counted AS (SELECT status, CAST(count(*) AS INTEGER) AS n FROM jobs GROUP BY status)
SELECT count(*) AS mismatches FROM (
  SELECT * FROM (SELECT * FROM kept EXCEPT SELECT * FROM counted) AS a
  UNION ALL
  SELECT * FROM (SELECT * FROM counted EXCEPT SELECT * FROM kept) AS b) AS diff`;

/** Tasks whose feed entries are not one per version. */
const FEED_MISMATCHES = `
SELECT count(*) AS mismatches FROM jobs j
 WHERE j.version <> (SELECT count(*) FROM job_events e WHERE e.job_id = j.id)`;

/**
 * One check and what it found.
 * @typedef {object} IntegrityCheck
 * @property {string} name
 * @property {boolean} ok
 * @property {string} detail
 */

/**
 * The verdict on one database: ok when every check is.
 * @typedef {object} Integrity
 * @property {boolean} ok
 * @property {IntegrityCheck[]} checks
 */

/**
 * @param {string} name
 * @param {boolean} ok
 * @param {string} detail
 * @returns {IntegrityCheck}
 */
const check = (name, ok, detail) => ({ name, ok, detail });

/**
 * SQLite: PRAGMA integrity_check and foreign_key_check on the data folder's file, then the invariants.
 * @param {string} dataDir
 * @returns {Integrity}
 */
export function checkSqlite(dataDir) {
  const db = new Database(join(dataDir, 'ddm-jobs.sqlite'), { fileMustExist: true });
  try {
    // better-sqlite3 types its rows unknown: these are the rows SQLite documents for each query.
    const integrity = /** @type {{ integrity_check: string }[]} */ (db.pragma('integrity_check')).map(
      (row) => row.integrity_check,
    );
    const foreignKeys = /** @type {unknown[]} */ (db.pragma('foreign_key_check'));
    /** @param {string} sql */
    const count = (sql) => Number(/** @type {{ mismatches: number }} */ (db.prepare(sql).get()).mismatches);
    const jobs = Number(/** @type {{ n: number }} */ (db.prepare('SELECT count(*) AS n FROM jobs').get()).n);
    return summarize([
      check('PRAGMA integrity_check', integrity.join() === 'ok', integrity.slice(0, 5).join('; ')),
      check('PRAGMA foreign_key_check', foreignKeys.length === 0, `${foreignKeys.length} violations`),
      ...invariants(count(COUNT_MISMATCHES), count(STATUS_MISMATCHES), count(FEED_MISMATCHES), jobs),
    ]);
  } finally {
    db.close();
  }
}

/**
 * PostgreSQL: amcheck's bt_index_check (with heapallindexed: every heap tuple is in the index)
 * over the schema's B-tree indexes and verify_heapam over its tables, then the invariants.
 * @param {string} databaseUrl
 * @param {string} schema
 * @returns {Promise<Integrity>}
 */
export async function checkPostgres(databaseUrl, schema) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS amcheck');
    /** @type {import('pg').QueryResult<{ name: string }>} */
    const indexes = await client.query(
      `SELECT c.oid::regclass::text AS name FROM pg_index i
         JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
         JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND a.amname = 'btree'`,
      [schema],
    );
    const indexFailures = [];
    for (const { name } of indexes.rows) {
      try {
        await client.query('SELECT bt_index_check($1::regclass, true)', [name]);
      } catch (error) {
        indexFailures.push(`${name}: ${error instanceof Error ? error.message : error}`);
      }
    }
    /** @type {import('pg').QueryResult<{ name: string }>} */
    const tables = await client.query(
      `SELECT c.oid::regclass::text AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind = 'r'`,
      [schema],
    );
    const heapFailures = [];
    for (const { name } of tables.rows) {
      /** @type {import('pg').QueryResult<{ blkno: number; msg: string }>} */
      const corrupt = await client.query('SELECT blkno, msg FROM verify_heapam($1::regclass) LIMIT 5', [
        name,
      ]);
      for (const row of corrupt.rows) heapFailures.push(`${name} block ${row.blkno}: ${row.msg}`);
    }
    await client.query(`SET search_path TO "${schema.replace(/"/g, '""')}"`);
    /** @param {string} sql */
    const count = async (sql) => Number((await client.query(sql)).rows[0].mismatches);
    const jobs = Number((await client.query('SELECT count(*) AS n FROM jobs')).rows[0].n);
    return summarize([
      check(
        `amcheck bt_index_check (heapallindexed) on ${indexes.rowCount} indexes`,
        (indexes.rowCount ?? 0) > 0 && indexFailures.length === 0,
        indexFailures.slice(0, 5).join('; '),
      ),
      check(
        `amcheck verify_heapam on ${tables.rowCount} tables`,
        (tables.rowCount ?? 0) > 0 && heapFailures.length === 0,
        heapFailures.slice(0, 5).join('; '),
      ),
      ...invariants(
        await count(COUNT_MISMATCHES),
        await count(STATUS_MISMATCHES),
        await count(FEED_MISMATCHES),
        jobs,
      ),
    ]);
  } finally {
    await client.end();
  }
}

/**
 * @param {number} counts Rows of job_counts that differ.
 * @param {number} statuses Rows of job_status_counts that differ.
 * @param {number} feed Tasks whose feed is not one entry per version.
 * @param {number} jobs Tasks in all.
 * @returns {IntegrityCheck[]}
 */
function invariants(counts, statuses, feed, jobs) {
  return [
    check('job_counts equal the jobs table', counts === 0, `${counts} buckets differ`),
    check('job_status_counts equal the jobs table', statuses === 0, `${statuses} statuses differ`),
    check('one feed entry per task version', feed === 0, `${feed} of ${jobs} tasks differ`),
  ];
}

/**
 * @param {IntegrityCheck[]} checks
 * @returns {Integrity}
 */
function summarize(checks) {
  return { ok: checks.every((c) => c.ok), checks };
}
