import type { Store } from '@ddm-jobs/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type OpenedStore, STORE_KINDS } from '../support/stores.js';

const NOW = Date.UTC(2026, 10, 28);
const POLICY = { windowMs: 300_000, maxFailures: 5, lockMs: 300_000 };
const sealed = (n: number) => Buffer.from([1, n]);

for (const kind of STORE_KINDS) {
  describe(`credentials on ${kind.name}`, () => {
    let opened: OpenedStore;
    let store: Store;
    beforeEach(async () => {
      opened = await kind.open();
      store = opened.store;
      await store.createDomain({ id: 'default', name: 'default' }, NOW);
      for (const id of ['u1', 'u2'])
        await store.createUser({ id, name: id, domainId: 'default', passwordHash: 'x', enabled: true }, NOW);
      await store.createCredential({
        accessKey: 'AK2',
        userId: 'u1',
        sealedSecret: sealed(2),
        enabled: true,
        createdAt: NOW + 1,
      });
      await store.createCredential({
        accessKey: 'AK1',
        userId: 'u1',
        sealedSecret: sealed(1),
        enabled: true,
        createdAt: NOW,
      });
      await store.createCredential({
        accessKey: 'AK3',
        userId: 'u2',
        sealedSecret: sealed(3),
        enabled: false,
        createdAt: NOW,
      });
    });
    afterEach(() => opened.dispose());

    it('lists every key by user then creation time, or one user’s', async () => {
      expect((await store.listCredentials({})).map((c) => c.accessKey)).toEqual(['AK1', 'AK2', 'AK3']);
      expect((await store.listCredentials({ userId: 'u2' })).map((c) => [c.accessKey, c.enabled])).toEqual([
        ['AK3', false],
      ]);
    });

    it('finds, disables and deletes a key, and tells when there is none', async () => {
      expect(await store.findCredential('AK1')).toEqual({
        accessKey: 'AK1',
        userId: 'u1',
        sealedSecret: sealed(1),
        enabled: true,
        createdAt: NOW,
        lockedUntil: null,
      });
      expect(await store.setCredentialEnabled('AK1', false)).toBe(true);
      expect((await store.findCredential('AK1'))?.enabled).toBe(false);
      expect(await store.deleteCredential('AK1')).toBe(true);
      expect(await store.findCredential('AK1')).toBeUndefined();
      expect(await store.deleteCredential('AK1')).toBe(false);
      expect(await store.setCredentialEnabled('NONE', true)).toBe(false);
    });

    it('deletes a user’s keys with the user', async () => {
      await store.deleteUser('u1');
      expect((await store.listCredentials({})).map((c) => c.accessKey)).toEqual(['AK3']);
    });

    it('re-seals every secret in one go', async () => {
      expect(await store.resealCredentials((_ak, s) => Buffer.concat([s, Buffer.of(9)]))).toBe(3);
      expect((await store.findCredential('AK3'))?.sealedSecret).toEqual(Buffer.from([1, 3, 9]));
    });

    it('locks a key after more than maxFailures within the window, seen by another connection', async () => {
      const peer = await opened.openPeer();
      for (let i = 0; i < 5; i++) await store.recordSignatureFailure('AK1', NOW + i, POLICY);
      expect((await peer.findCredential('AK1'))?.lockedUntil).toBeNull();
      await peer.recordSignatureFailure('AK1', NOW + 10, POLICY);
      expect((await store.findCredential('AK1'))?.lockedUntil).toBe(NOW + 10 + POLICY.lockMs);
    });

    it('forgets failures older than the window, and ignores unknown keys', async () => {
      for (let i = 0; i < 5; i++) await store.recordSignatureFailure('AK1', NOW, POLICY);
      await store.recordSignatureFailure('AK1', NOW + POLICY.windowMs + 1, POLICY);
      expect((await store.findCredential('AK1'))?.lockedUntil).toBeNull();
      await store.recordSignatureFailure('NONE', NOW, POLICY);
    });
  });
}
