import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore, type Store } from '@ddm-jobs/server';

/**
 * Every database the store interface runs on. Suites loop over this list, as kysely loops its
 * suite over dialects, so each behaviour is pinned on every database unchanged.
 */
export interface OpenedStore {
  store: Store;
  /** Another connection to the same database, as a second node or `ddm-jobs iam` would have. */
  openPeer(): Store;
  dispose(): Promise<void>;
}

export const STORE_KINDS: { name: string; open(): OpenedStore }[] = [
  {
    name: 'sqlite',
    open() {
      const dataDir = mkdtempSync(join(tmpdir(), 'ddm-jobs-store-'));
      const store = openSqliteStore({ dataDir });
      const peers: Store[] = [];
      return {
        store,
        openPeer() {
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
  },
];
