import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPostgresStore, openSqliteStore, type Store } from '@ddm-jobs/server';
import pg from 'pg';

/**
 * Every database the store interface runs on. Suites loop over this list, as kysely loops its
 * suite over dialects, so each behaviour is pinned on every database unchanged. PostgreSQL is in
 * it when DDM_JOBS_TEST_DATABASE_URL names a server; each store opened gets a schema of its own.
 */
export interface OpenedStore {
  store: Store;
  /** Another connection to the same database, as a second node or `ddm-jobs iam` would have. */
  openPeer(): Promise<Store>;
  dispose(): Promise<void>;
}

export interface StoreKind {
  name: string;
  open(): Promise<OpenedStore>;
}

/** The PostgreSQL server the tests may use, if any. */
export const TEST_DATABASE_URL = process.env.DDM_JOBS_TEST_DATABASE_URL || undefined;

/** A schema name no other test uses. */
export const freshSchema = () => `ddm_jobs_test_${randomBytes(6).toString('hex')}`;

export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${client.escapeIdentifier(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}

const sqlite: StoreKind = {
  name: 'sqlite',
  async open() {
    const dataDir = mkdtempSync(join(tmpdir(), 'ddm-jobs-store-'));
    const store = openSqliteStore({ dataDir });
    const peers: Store[] = [];
    return {
      store,
      async openPeer() {
        const peer = openSqliteStore({ dataDir });
        peers.push(peer);
        return peer;
      },
      async dispose() {
        for (const peer of peers) await peer.close();
        await store.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  },
};

const postgres = (url: string): StoreKind => ({
  name: 'postgres',
  async open() {
    const schema = freshSchema();
    const store = await openPostgresStore({ url, schema });
    const peers: Store[] = [];
    return {
      store,
      async openPeer() {
        const peer = await openPostgresStore({ url, schema });
        peers.push(peer);
        return peer;
      },
      async dispose() {
        for (const peer of peers) await peer.close();
        await store.close();
        await dropSchema(url, schema);
      },
    };
  },
});

export const STORE_KINDS: StoreKind[] = [sqlite, ...(TEST_DATABASE_URL ? [postgres(TEST_DATABASE_URL)] : [])];
