import { applyBootstrap, type Store } from '@ddm-jobs/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../support/harness.js';
import { STORE_KINDS } from '../support/stores.js';

for (const kind of STORE_KINDS) {
  describe(`token subjects on ${kind.name}`, () => {
    let store: Store;
    let peer: Store;
    let dispose: () => Promise<void>;
    let userId: string;
    let projectId: string;

    beforeAll(async () => {
      const opened = await kind.open();
      ({ store, dispose } = opened);
      peer = await opened.openPeer();
      await applyBootstrap(
        store,
        {
          projects: [{ name: 'p' }],
          users: [{ name: 'u', password: 'pw', roles: [{ project: 'p', roles: ['te_admin', 'service'] }] }],
        },
        new ManualClock(),
      );
      userId = (await store.findUser({ name: 'u', domainId: 'default' }))?.id as string;
      projectId = (await store.findProject({ name: 'p', domainId: 'default' }))?.id as string;
    });
    afterAll(() => dispose());

    it("reads the user's state and its roles on the project", async () => {
      expect(await store.tokenSubject(userId, projectId)).toMatchObject({
        enabled: true,
        roles: ['service', 'te_admin'],
      });
      expect((await store.tokenSubject(userId, null))?.roles).toEqual([]);
      expect(await store.tokenSubject('nobody', projectId)).toBeUndefined();
    });

    // SQLite reads the file's data_version on every check: at once. A PostgreSQL node keeps what it
    // read until the database notifies a change: as soon as the notification arrives.
    const soon = async <T>(read: () => Promise<T>, until: (value: T) => boolean): Promise<T> => {
      const deadline = Date.now() + (kind.name === 'sqlite' ? 0 : 2_000);
      for (;;) {
        const value = await read();
        if (until(value) || Date.now() > deadline) return value;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };

    it('sees a revoke and a disable made through another connection', async () => {
      const before = await store.tokenSubject(userId, projectId);
      // Asked twice, so that the answer is the kept one where the store keeps answers.
      await store.tokenSubject(userId, projectId);
      await peer.revokeRole(userId, projectId, 'service');
      const read = () => store.tokenSubject(userId, projectId);
      expect((await soon(read, (s) => s?.roles.length === 1))?.roles).toEqual(['te_admin']);
      await peer.setUserEnabled(userId, false);
      const after = await soon(read, (s) => s?.enabled === false);
      expect(after?.enabled).toBe(false);
      expect(after?.tokenEpoch).not.toBe(before?.tokenEpoch);
    });

    it('sees at once a change made through its own connection', async () => {
      await store.setUserEnabled(userId, true);
      await store.grantRole(userId, projectId, 'service');
      expect(await store.tokenSubject(userId, projectId)).toMatchObject({
        enabled: true,
        roles: ['service', 'te_admin'],
      });
    });
  });
}
