import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore, type Store } from '@ddm-jobs/server';

/**
 * Every database the store interface runs on. Suites loop over this list, as kysely loops its
 * suite over dialects, so each behaviour is pinned on every database unchanged.
 */
export const STORE_KINDS: { name: string; open(): { store: Store; dispose(): Promise<void> } }[] = [
  {
    name: 'sqlite',
    open() {
      const dataDir = mkdtempSync(join(tmpdir(), 'ddm-jobs-store-'));
      const store = openSqliteStore({ dataDir });
      return {
        store,
        async dispose() {
          await store.close();
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    },
  },
];
