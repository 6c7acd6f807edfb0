import { type Clock, isVirtualClock } from '../clock/clock.js';
import type { CredentialVault } from '../identity/aksk/credential-vault.js';
import { openAccounts } from '../shards/sealed-accounts.js';
import type { Store } from '../store/interfaces.js';
import { SNAPSHOT_TABLES, SnapshotRefused, type StoreSnapshot } from '../store/snapshot-tables.js';
import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type SnapshotDocument, SnapshotError } from './document.js';

/** Shared secrets are sealed with this prefix as authenticated data: one never opens as another. */
const secretAad = (name: string) => `shared-secret:${name}`;

export interface SnapshotDeps {
  store: Store;
  clock: Clock;
  /** The server's credential vault: it seals the shared secrets (none saved without one). */
  vault: CredentialVault | undefined;
}

/** The whole state as a snapshot document; every secret sealed, none in clear. */
export async function takeSnapshot({ store, clock, vault }: SnapshotDeps): Promise<SnapshotDocument> {
  const now = clock.now();
  const exported = await store.exportSnapshot();
  const sealed: Record<string, string> = {};
  if (vault)
    for (const [name, value] of Object.entries(exported.sharedSecrets ?? {}))
      sealed[name] = vault.seal(secretAad(name), value.toString('base64')).toString('base64');
  return {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    saved_at: new Date(now).toISOString(),
    clock: { now, virtual: isVirtualClock(clock) },
    counters: { feed: exported.counters.feed, run_logs: exported.counters.runLogs },
    sealed_secrets: sealed,
    tables: Object.fromEntries(
      SNAPSHOT_TABLES.map((table) => [
        table.name,
        { columns: [...table.columns], rows: exported.tables[table.name] ?? [] },
      ]),
    ),
  };
}

/** What a restore put back, for its answer and the log. */
export interface RestoreSummary {
  rows: Record<string, number>;
  clock: number;
}

/**
 * Replaces the whole state with a checked document's. Every sealed secret must open with this
 * server's credential key first, or nothing is written: a snapshot is usable only with the key
 * file it was saved with. `withSharedSecrets`: also put back the token and stream-id keys (at
 * start, before anything reads them); a running server keeps its own. A virtual clock is set to
 * the snapshot's time.
 */
export async function restoreSnapshot(
  { store, clock, vault }: SnapshotDeps,
  document: SnapshotDocument,
  options: { withSharedSecrets: boolean },
): Promise<RestoreSummary> {
  const sharedSecrets = openSecrets(document, vault);
  const snapshot: StoreSnapshot = {
    tables: Object.fromEntries(SNAPSHOT_TABLES.map((t) => [t.name, document.tables[t.name]?.rows ?? []])),
    counters: { feed: document.counters.feed, runLogs: document.counters.run_logs },
    ...(options.withSharedSecrets ? { sharedSecrets } : {}),
  };
  try {
    await store.importSnapshot(snapshot);
  } catch (error) {
    if (error instanceof SnapshotRefused) throw new SnapshotError(error.message);
    throw error;
  }
  if (isVirtualClock(clock)) clock.set(document.clock.now);
  return {
    rows: Object.fromEntries(SNAPSHOT_TABLES.map((t) => [t.name, snapshot.tables[t.name]?.length ?? 0])),
    clock: clock.now(),
  };
}

const ANOTHER_KEY =
  'its secrets are sealed with another credential key: start the server with the key file it was saved with (--credential-key-file)';

/** Opens the shared secrets and checks that every sealed value in the tables opens too. */
function openSecrets(document: SnapshotDocument, vault: CredentialVault | undefined): Record<string, Buffer> {
  const opened: Record<string, Buffer> = {};
  const mustOpen = (text: string | undefined) => {
    if (text === undefined) throw new SnapshotError(ANOTHER_KEY);
    return text;
  };
  const credentials = sealedColumn(document, 'credentials', 'access_key', 'sealed_secret');
  const accounts = sealedColumn(document, 'shard_requests', 'id', 'sealed_accounts');
  const sealedCount = Object.keys(document.sealed_secrets).length + credentials.length + accounts.length;
  if (!vault) {
    if (sealedCount > 0) throw new SnapshotError(`${ANOTHER_KEY} (this server has none)`);
    return opened;
  }
  for (const [name, sealed] of Object.entries(document.sealed_secrets))
    opened[name] = Buffer.from(
      mustOpen(vault.open(secretAad(name), Buffer.from(sealed, 'base64'))),
      'base64',
    );
  // Each sealed value is bound to its row's key (the access key, the request id) as authenticated data.
  for (const { key, sealed } of credentials) mustOpen(vault.open(key, sealed));
  for (const { key, sealed } of accounts)
    if (!openAccounts(vault, key, sealed)) throw new SnapshotError(ANOTHER_KEY);
  return opened;
}

/**
 * A table's sealed values (skipping nulls) with the key each is sealed under, found by column name
 * (store/snapshot-tables.ts), so that a column added to the table never shifts what is opened.
 */
function sealedColumn(
  document: SnapshotDocument,
  tableName: string,
  keyColumn: string,
  valueColumn: string,
): { key: string; sealed: Buffer }[] {
  const table = document.tables[tableName];
  if (!table) return [];
  // checkSnapshot made sure the columns are the release's: a missing one is this code's mistake.
  const keyAt = table.columns.indexOf(keyColumn);
  const sealedAt = table.columns.indexOf(valueColumn);
  if (keyAt < 0 || sealedAt < 0)
    throw new Error(`snapshot table ${tableName} lacks ${keyColumn} or ${valueColumn}`);
  return table.rows
    .filter((row) => row[sealedAt] !== null)
    .map((row) => ({ key: String(row[keyAt]), sealed: Buffer.from(String(row[sealedAt]), 'base64') }));
}
