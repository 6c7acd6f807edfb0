import type { LogLevel } from '@ddm-jobs/contract/wire';
import type { MigrationDetails, RunLogLine } from '../records.js';

/**
 * The rows of the run logs (`job_logs`) and of the shard-configuration details
 * (`migration_details`) as both databases return them, and what both store in them.
 */

/** The columns a page of run-log lines reads, in this order, as arrays. */
export const LOG_COLUMNS = 'level, message, at';

export type LogRow = [level: string, message: string, at: number];

export const toLogLine = ([level, message, at]: LogRow): RunLogLine => ({
  level: level as LogLevel,
  message,
  at,
});

/** The detail columns, in the order a write passes them and a read selects them. */
export const DETAIL_COLUMNS =
  'original_shard_num, after_shard_num, original_dn_info_list, after_dn_info_list, node_id_for_migrate, is_exclusive';

export type DetailRow = [
  originalShardNum: number | null,
  afterShardNum: number | null,
  originalDataNodes: string | null,
  afterDataNodes: string | null,
  migratingNodeId: string | null,
  exclusive: number | null,
];

/** The values a write stores, in DETAIL_COLUMNS' order: NULL for a field not given (kept as it is). */
export const detailValuesOf = (details: Partial<MigrationDetails>): DetailRow => [
  details.originalShardNum ?? null,
  details.afterShardNum ?? null,
  details.originalDataNodes == null ? null : JSON.stringify(details.originalDataNodes),
  details.afterDataNodes == null ? null : JSON.stringify(details.afterDataNodes),
  details.migratingNodeId ?? null,
  details.exclusive == null ? null : Number(details.exclusive),
];

export const toMigrationDetails = (row: DetailRow): MigrationDetails => ({
  originalShardNum: row[0],
  afterShardNum: row[1],
  originalDataNodes: row[2] === null ? null : JSON.parse(row[2]),
  afterDataNodes: row[3] === null ? null : JSON.parse(row[3]),
  migratingNodeId: row[4],
  exclusive: row[5] === null ? null : row[5] !== 0,
});

/**
 * The upsert of a task's details, the same SQL on both databases ($1..$6 the columns, $7 now, $8
 * the task; each used once, in order, so SQLite takes them as `?`): inserted only while the task
 * exists; a field given NULL keeps its value. `ifAbsent`: nothing is changed when a row exists.
 */
export const SAVE_DETAILS_SQL = (ifAbsent: boolean) =>
  `INSERT INTO migration_details (${DETAIL_COLUMNS}, updated_at, job_id)
SELECT $1, $2, $3, $4, $5, $6, $7, id FROM jobs WHERE id = $8
ON CONFLICT (job_id) DO ${
    ifAbsent
      ? 'NOTHING'
      : `UPDATE SET ${DETAIL_COLUMNS.split(', ')
          .map((column) => `${column} = coalesce(excluded.${column}, migration_details.${column})`)
          .join(', ')}, updated_at = excluded.updated_at`
  }`;
