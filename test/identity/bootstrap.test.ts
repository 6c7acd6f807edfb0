import { applyBootstrap, BootstrapError, type Store } from '@ddm-jobs/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../support/harness.js';
import { STORE_KINDS } from '../support/stores.js';

for (const kind of STORE_KINDS) {
  describe(`declared identities on ${kind.name}`, () => {
    let store: Store;
    let dispose: () => Promise<void>;
    const clock = new ManualClock();
    beforeAll(async () => {
      ({ store, dispose } = await kind.open());
      await applyBootstrap(store, { users: [{ name: 'fixed', id: 'user-fixed-1', password: 'pw' }] }, clock);
    });
    afterAll(() => dispose());

    it('refuses a declared user id that differs from the existing user', async () => {
      const file = { users: [{ name: 'fixed', id: 'user-fixed-2', password: 'pw' }] };
      await expect(applyBootstrap(store, file, clock)).rejects.toThrow(
        new BootstrapError('user fixed exists with id user-fixed-1, not user-fixed-2'),
      );
    });

    it('refuses a declared user id that another user holds', async () => {
      const file = { users: [{ name: 'other', id: 'user-fixed-1', password: 'pw' }] };
      await expect(applyBootstrap(store, file, clock)).rejects.toThrow(
        new BootstrapError('user id user-fixed-1 is taken by another user'),
      );
      expect(await store.findUser({ name: 'other', domainId: 'default' })).toBeUndefined();
    });

    it('gives a user declared again after deletion a new token epoch', async () => {
      const before = await store.findUser({ id: 'user-fixed-1' });
      await store.deleteUser('user-fixed-1');
      await applyBootstrap(store, { users: [{ name: 'fixed', id: 'user-fixed-1', password: 'pw' }] }, clock);
      const after = await store.findUser({ id: 'user-fixed-1' });
      expect(after?.tokenEpoch).not.toBe(before?.tokenEpoch);
    });
  });
}
