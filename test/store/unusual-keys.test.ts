import type { Store } from '@ddm-jobs/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenedStore, STORE_KINDS } from '../support/stores.js';

const NOW = Date.UTC(2026, 10, 28);
const NUL = 'a\u0000b';

for (const kind of STORE_KINDS) {
  describe(`keys holding U+0000 on ${kind.name}`, () => {
    let opened: OpenedStore;
    let store: Store;
    beforeAll(async () => {
      opened = await kind.open();
      store = opened.store;
      await store.createDomain({ id: 'default', name: 'default' }, NOW);
    });
    afterAll(() => opened.dispose());

    // Paths, headers and sign-in bodies bring them; PostgreSQL text cannot even hold one.
    it('finds nothing by them, and changes nothing', async () => {
      expect(await store.getJob(NUL)).toBeUndefined();
      expect(await store.updateJob(NUL, 1, { progress: 1 }, NOW)).toBeUndefined();
      expect(await store.removeJob(NUL, 1, NOW, 'u')).toBeUndefined();
      expect(await store.findRemovedJob(NUL)).toBeUndefined();
      expect(await store.listJobsJson(NUL, 0, NOW, 0, 10)).toEqual({ total: 0, jobs: [] });
      expect(await store.findDomain({ name: NUL })).toBeUndefined();
      expect(await store.findProject({ name: NUL, domainId: 'default' })).toBeUndefined();
      expect(await store.findUser({ name: NUL, domainId: 'default' })).toBeUndefined();
      expect(await store.findUser({ id: NUL })).toBeUndefined();
      expect(await store.tokenSubject(NUL, null)).toBeUndefined();
      expect(await store.rolesOn(NUL, NUL)).toEqual([]);
      expect(await store.findCredential(NUL)).toBeUndefined();
      expect(await store.setCredentialEnabled(NUL, false)).toBe(false);
      expect(await store.deleteCredential(NUL)).toBe(false);
      await store.recordSignatureFailure(NUL, NOW, { windowMs: 1, maxFailures: 1, lockMs: 1 });
      await store.deleteUser(NUL);
    });
  });
}
