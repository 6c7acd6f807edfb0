/**
 * The tables a snapshot holds (the emulator's whole state), with their columns, in the order
 * they are written back: a table after those its foreign keys name. Both databases hold them with
 * the same names and columns; the counts by window, by status and by filter value (job_counts,
 * job_status_counts, job_filter_counts) are left out, because the tasks' insert triggers rebuild
 * them.
 *
 * A value is a JSON value: text, a number (times are epoch ms), null, true/false for a flag, and
 * base64 text for the bytes of a `bytes` column (sealed secrets, which stay sealed).
 */
export interface SnapshotTable {
  name: string;
  columns: readonly string[];
  /** Columns holding bytes (BLOB, BYTEA): base64 in the snapshot. */
  bytes?: readonly string[];
  /** Flags (SQLite: 0/1, PostgreSQL: boolean): true or false in the snapshot. */
  flags?: readonly string[];
  /** The columns rows are read in order of, so that the same state gives the same snapshot. */
  order: string;
}

export const SNAPSHOT_TABLES: readonly SnapshotTable[] = [
  { name: 'domains', columns: ['id', 'name', 'created_at'], order: 'id' },
  { name: 'projects', columns: ['id', 'name', 'domain_id', 'created_at'], order: 'id' },
  {
    name: 'users',
    columns: ['id', 'name', 'domain_id', 'password_hash', 'token_epoch', 'enabled', 'created_at'],
    flags: ['enabled'],
    order: 'id',
  },
  {
    name: 'role_assignments',
    columns: ['user_id', 'project_id', 'role'],
    order: 'user_id, project_id, role',
  },
  {
    name: 'credentials',
    columns: ['access_key', 'user_id', 'sealed_secret', 'enabled', 'created_at', 'locked_until'],
    bytes: ['sealed_secret'],
    flags: ['enabled'],
    order: 'access_key',
  },
  { name: 'credential_failures', columns: ['access_key', 'failed_at'], order: 'access_key, failed_at' },
  {
    name: 'jobs',
    columns: [
      'project_id',
      'created_at',
      'id',
      'name',
      'status',
      'progress',
      'fail_reason',
      'instance_id',
      'instance_name',
      'database_name',
      'ended_at',
      'switch_begin',
      'switch_end',
      'version',
      'updated_at',
      'create_digest',
      'listed_json',
      'retried_by',
    ],
    order: 'id',
  },
  {
    name: 'job_statuses',
    columns: ['job_id', 'n', 'project_id', 'status', 'at', 'progress'],
    order: 'job_id, n',
  },
  { name: 'job_events', columns: ['seq', 'project_id', 'job_id', 'type', 'at', 'job', 'logs'], order: 'seq' },
  { name: 'removed_jobs', columns: ['id', 'project_id', 'removed_at', 'removed_by', 'job'], order: 'id' },
  { name: 'simulations', columns: ['job_id', 'plan', 'step', 'step_started_at'], order: 'job_id' },
  { name: 'job_logs', columns: ['seq', 'job_id', 'level', 'message', 'at'], order: 'seq' },
  {
    name: 'migration_details',
    columns: [
      'job_id',
      'original_shard_num',
      'after_shard_num',
      'original_dn_info_list',
      'after_dn_info_list',
      'node_id_for_migrate',
      'is_exclusive',
      'updated_at',
    ],
    order: 'job_id',
  },
  {
    name: 'shard_inventory',
    columns: ['project_id', 'instance_id', 'document', 'updated_at'],
    order: 'project_id, instance_id',
  },
  {
    name: 'shard_requests',
    columns: [
      'id',
      'kind',
      'project_id',
      'instance_id',
      'database_name',
      'created_at',
      'body',
      'results',
      'sealed_accounts',
      'answered_at',
    ],
    bytes: ['sealed_accounts'],
    order: 'id',
  },
];

/** A table's rows, each a list of values in the order of its columns. */
export type SnapshotRows = Record<string, unknown[][]>;

/** What a store exports and imports: every table's rows and the counters that outlive rows. */
export interface StoreSnapshot {
  tables: SnapshotRows;
  /**
   * The newest feed cursor and run-log line number handed out, which a reset or a purge does not
   * lower: new entries continue after them, never reusing a cursor a client may hold.
   */
  counters: { feed: number; runLogs: number };
  /**
   * The secrets every node shares (the token key, the tenant stream's id key), in clear: the
   * snapshot module seals them before they leave the process. On import, absent: kept as they are.
   */
  sharedSecrets?: Record<string, Buffer>;
}

/** Exports and imports the tables (the emulator's snapshots); both replace nothing else. */
export interface SnapshotStore {
  exportSnapshot(): Promise<StoreSnapshot>;
  /**
   * Replaces every table's rows with the snapshot's, in one transaction, while no other write
   * runs; then the counters. Throws (writing nothing) when the database cannot hold it.
   */
  importSnapshot(snapshot: StoreSnapshot): Promise<void>;
}

/** Raised when this database cannot hold a snapshot (nothing written): the caller's input is at fault. */
export class SnapshotRefused extends Error {}

/** A database value as the snapshot holds it. */
export function toSnapshotValue(table: SnapshotTable, column: string, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (table.bytes?.includes(column)) return Buffer.from(value as Uint8Array).toString('base64');
  if (table.flags?.includes(column)) return value === true || value === 1;
  return value;
}

/** A snapshot value as a database parameter; `flagAs` writes a flag as the database holds it. */
export function fromSnapshotValue(
  table: SnapshotTable,
  column: string,
  value: unknown,
  flagAs: (flag: boolean) => unknown,
): unknown {
  if (value === null || value === undefined) return null;
  if (table.bytes?.includes(column)) return Buffer.from(value as string, 'base64');
  if (table.flags?.includes(column)) return flagAs(value === true);
  return value;
}
