import { SNAPSHOT_TABLES } from '../store/snapshot-tables.js';

/** The `format` field of every snapshot: a file of another kind is told apart at once. */
export const SNAPSHOT_FORMAT = 'ddm-jobs-snapshot';
/** The version this release writes; reading accepts it alone so far (docs/testing.md, "Snapshots"). */
export const SNAPSHOT_VERSION = 1;

/**
 * A snapshot of the emulator's state, as saved to a file (docs/testing.md, "Snapshots"). Every
 * secret in it is sealed with the server's credential key, as in the store.
 */
export interface SnapshotDocument {
  format: typeof SNAPSHOT_FORMAT;
  version: typeof SNAPSHOT_VERSION;
  /** When it was taken, on the server's clock (ISO 8601, UTC). */
  saved_at: string;
  /** The server's clock when it was taken; a virtual clock is set back to `now` on restore. */
  clock: { now: number; virtual: boolean };
  /** The newest feed cursor and run-log line number handed out. */
  counters: { feed: number; run_logs: number };
  /** Secrets shared by the nodes (token key, stream id key), each sealed (base64) by the credential key. */
  sealed_secrets: Record<string, string>;
  /** Each table's columns and rows (store/snapshot-tables.ts). */
  tables: Record<string, { columns: string[]; rows: unknown[][] }>;
}

/** A document that cannot be restored, with what is wrong in words for the person who gave it. */
export class SnapshotError extends Error {}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/**
 * Checks a parsed document and answers it typed, or throws a SnapshotError saying what is wrong:
 * not a snapshot, a version this release does not read (older or newer), or a malformed part.
 */
export function checkSnapshot(value: unknown): SnapshotDocument {
  if (!isObject(value) || value.format !== SNAPSHOT_FORMAT)
    throw new SnapshotError(`not a ddm-jobs snapshot (its "format" is not "${SNAPSHOT_FORMAT}")`);
  if (value.version !== SNAPSHOT_VERSION) {
    const newer = typeof value.version === 'number' && value.version > SNAPSHOT_VERSION;
    throw new SnapshotError(
      `snapshot format version ${JSON.stringify(value.version)} is not read by this release, which reads version ${SNAPSHOT_VERSION}` +
        (newer ? ': it was saved by a newer release; restore it with that release' : ''),
    );
  }
  const { clock, counters, sealed_secrets: secrets, tables } = value;
  if (!isObject(clock) || !isCount(clock.now) || typeof clock.virtual !== 'boolean')
    throw new SnapshotError('"clock" must be {"now": epoch ms, "virtual": true|false}');
  if (!isObject(counters) || !isCount(counters.feed) || !isCount(counters.run_logs))
    throw new SnapshotError('"counters" must be {"feed": n, "run_logs": n}, counts');
  if (!isObject(secrets) || !Object.values(secrets).every((s) => typeof s === 'string'))
    throw new SnapshotError('"sealed_secrets" must map names to base64 text');
  if (!isObject(tables)) throw new SnapshotError('"tables" must be an object');
  for (const name of Object.keys(tables))
    if (!SNAPSHOT_TABLES.some((table) => table.name === name))
      throw new SnapshotError(`"tables" holds an unknown table "${name}"`);
  for (const table of SNAPSHOT_TABLES) {
    const given = tables[table.name];
    if (!isObject(given)) throw new SnapshotError(`"tables" lacks the table "${table.name}"`);
    if (JSON.stringify(given.columns) !== JSON.stringify(table.columns))
      throw new SnapshotError(`table "${table.name}" must have the columns ${table.columns.join(', ')}`);
    const rows = given.rows;
    if (
      !Array.isArray(rows) ||
      !rows.every((row) => Array.isArray(row) && row.length === table.columns.length)
    )
      throw new SnapshotError(
        `table "${table.name}": "rows" must be lists of ${table.columns.length} values`,
      );
    for (const row of rows as unknown[][])
      if (!row.every((cell) => cell === null || ['string', 'number', 'boolean'].includes(typeof cell)))
        throw new SnapshotError(`table "${table.name}": a value is not text, a number, a flag or null`);
  }
  return value as unknown as SnapshotDocument;
}

/** Parses a snapshot file's text; a SnapshotError when it is not JSON or not a snapshot. */
export function parseSnapshot(text: string): SnapshotDocument {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new SnapshotError('not a ddm-jobs snapshot (not JSON)');
  }
  return checkSnapshot(parsed);
}
