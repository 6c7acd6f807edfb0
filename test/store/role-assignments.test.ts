import type { Store } from '@ddm-jobs/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../support/stores.js';

const NOW = Date.UTC(2026, 10, 28);

for (const kind of STORE_KINDS) {
  describe(`listRoleAssignments on ${kind.name}`, () => {
    let store: Store;
    let dispose: () => Promise<void>;
    beforeEach(async () => {
      ({ store, dispose } = await kind.open());
      await store.createDomain({ id: 'default', name: 'default' }, NOW);
      for (const id of ['p1', 'p2']) await store.createProject({ id, name: id, domainId: 'default' }, NOW);
      for (const id of ['u1', 'u2']) {
        await store.createUser({ id, name: id, domainId: 'default', passwordHash: 'x', enabled: true }, NOW);
      }
      await store.grantRole('u2', 'p1', 'readonly');
      await store.grantRole('u1', 'p2', 'te_admin');
      await store.grantRole('u1', 'p1', 'te_admin');
      await store.grantRole('u1', 'p1', 'service');
    });
    afterEach(() => dispose());

    it('lists every assignment ordered by user, project and role', async () => {
      expect(await store.listRoleAssignments({})).toEqual([
        { userId: 'u1', projectId: 'p1', role: 'service' },
        { userId: 'u1', projectId: 'p1', role: 'te_admin' },
        { userId: 'u1', projectId: 'p2', role: 'te_admin' },
        { userId: 'u2', projectId: 'p1', role: 'readonly' },
      ]);
    });

    it('lists those of one user, one project, or both', async () => {
      expect((await store.listRoleAssignments({ userId: 'u2' })).map((a) => a.role)).toEqual(['readonly']);
      expect((await store.listRoleAssignments({ projectId: 'p2' })).map((a) => a.userId)).toEqual(['u1']);
      expect(await store.listRoleAssignments({ userId: 'u1', projectId: 'p1' })).toHaveLength(2);
      expect(await store.listRoleAssignments({ userId: 'nobody' })).toEqual([]);
    });

    it('drops a deleted user’s assignments and a revoked role', async () => {
      await store.deleteUser('u2');
      await store.revokeRole('u1', 'p1', 'service');
      expect(await store.listRoleAssignments({})).toEqual([
        { userId: 'u1', projectId: 'p1', role: 'te_admin' },
        { userId: 'u1', projectId: 'p2', role: 'te_admin' },
      ]);
    });
  });
}
