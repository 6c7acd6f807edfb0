import type { NewJob, Store } from '@ddm-jobs/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newJob } from '../support/new-job.js';
import { type OpenedStore, STORE_KINDS } from '../support/stores.js';

const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);

const migration = (n: number, projectId = 'p1'): NewJob =>
  newJob(n, {
    projectId,
    name: 'migrateLogicDb',
    status: 'Failed',
    failReason: 'disk full',
    databaseName: 'db1',
    createdAt: NOW - 60_000,
    endedAt: NOW - 30_000,
  });

for (const kind of STORE_KINDS) {
  describe(`task lifecycle and change feed on ${kind.name}`, () => {
    let opened: OpenedStore;
    let store: Store;

    beforeEach(async () => {
      opened = await kind.open();
      store = opened.store;
    });
    afterEach(() => opened.dispose());

    it('tells every creation, change and removal in commit order, each with the task after it', async () => {
      await store.recordJob(migration(1), NOW);
      const changed = await store.updateJob(
        migration(1).id,
        1,
        { status: 'Canceling', endedAt: null },
        NOW + 1,
      );
      expect(changed?.version).toBe(2);
      await store.updateJob(migration(1).id, 2, { status: 'CancelSuccess', endedAt: NOW + 2 }, NOW + 2);
      const removed = await store.removeJob(migration(1).id, 3, NOW + 3, 'user-1');
      expect(removed?.status).toBe('CancelSuccess');

      const events = await store.eventsAfter(0, 100);
      expect(events.map((e) => [e.type, e.job?.status, e.job?.version, e.at])).toEqual([
        ['created', 'Failed', 1, NOW],
        ['changed', 'Canceling', 2, NOW + 1],
        ['changed', 'CancelSuccess', 3, NOW + 2],
        ['removed', 'CancelSuccess', 3, NOW + 3],
      ]);
      const cursors = events.map((e) => e.cursor);
      expect([...cursors].sort((a, b) => a - b)).toEqual(cursors);
      expect(new Set(cursors).size).toBe(4);
      expect(await store.lastEventCursor()).toBe(cursors[3]);
      // Paging by cursor sees each entry once.
      const first = await store.eventsAfter(0, 2);
      const rest = await store.eventsAfter(first[1]?.cursor ?? 0, 100);
      expect([...first, ...rest].map((e) => e.cursor)).toEqual(cursors);
    });

    it('tells nothing for a replayed creation or a change that lost its compare-and-set', async () => {
      await store.recordJob(migration(1), NOW);
      expect((await store.recordJob(migration(1), NOW)).outcome).toBe('replayed');
      expect(await store.updateJob(migration(1).id, 7, { progress: 5 }, NOW)).toBeUndefined();
      expect(await store.removeJob(migration(1).id, 7, NOW, 'u')).toBeUndefined();
      expect((await store.eventsAfter(0, 100)).map((e) => e.type)).toEqual(['created']);
    });

    it('keeps a removed task for audit, out of every listing', async () => {
      await store.recordJob(migration(1), NOW);
      await store.removeJob(migration(1).id, 1, NOW + 5, 'user-9');
      expect(await store.getJob(migration(1).id)).toBeUndefined();
      expect((await store.listJobs('p1', 0, NOW, 0, 10)).total).toBe(0);
      expect((await store.listJobsJson('p1', 0, NOW, 0, 10)).jobs).toEqual([]);
      const audit = await store.findRemovedJob(migration(1).id);
      expect(audit).toMatchObject({ removedAt: NOW + 5, removedBy: 'user-9', job: { id: migration(1).id } });
    });

    it('marks a retried task and records its retry in one step', async () => {
      await store.recordJob(migration(1), NOW);
      const retry = {
        ...migration(2),
        name: 'retryMigrateLogicDb',
        status: 'Running' as const,
        endedAt: null,
      };
      const result = await store.retryJob(migration(1).id, 1, retry, NOW + 1);
      expect(result?.retried).toMatchObject({ status: 'Failed', retriedBy: retry.id, version: 2 });
      expect(result?.retry).toMatchObject({ id: retry.id, status: 'Running', retriedBy: null, version: 1 });
      expect(
        await store.retryJob(migration(1).id, 1, { ...retry, id: migration(3).id }, NOW + 2),
      ).toBeUndefined();
      expect(await store.getJob(migration(3).id)).toBeUndefined();
      const events = await store.eventsAfter(0, 100);
      expect(events.map((e) => `${e.type} ${e.job?.id}`)).toEqual([
        `created ${migration(1).id}`,
        `changed ${migration(1).id}`,
        `created ${retry.id}`,
      ]);
      // The listed JSON follows: the retried task offers nothing more.
      const listed = (await store.listJobsJson('p1', 0, NOW + 10, 0, 10)).jobs.map((j) => JSON.parse(j));
      expect(listed.find((j) => j.id === migration(1).id).operations).toEqual([]);
    });

    it("filters a project's entries, and gives every project the resets", async () => {
      await store.recordJob(migration(1, 'p1'), NOW);
      await store.recordJob(migration(2, 'p2'), NOW);
      await store.resetJobs(NOW + 1);
      await store.recordJob(migration(3, 'p2'), NOW + 2);
      const p1 = await store.eventsAfter(0, 100, 'p1');
      expect(p1.map((e) => e.type)).toEqual(['reset']);
      const p2 = await store.eventsAfter(0, 100, 'p2');
      expect(p2.map((e) => `${e.type} ${e.job?.id ?? ''}`)).toEqual(['reset ', `created ${migration(3).id}`]);
    });

    it('empties tasks, audit and simulations on reset, and never reuses a cursor', async () => {
      for (let n = 1; n <= 3; n++) await store.recordJob(migration(n), NOW);
      await store.removeJob(migration(3).id, 1, NOW, 'u');
      await store.saveSimulation({ jobId: migration(1).id, plan: '{}', step: 0, stepStartedAt: NOW });
      const before = await store.lastEventCursor();
      await store.resetJobs(NOW + 1);
      expect(await store.getJob(migration(1).id)).toBeUndefined();
      expect(await store.findRemovedJob(migration(3).id)).toBeUndefined();
      expect(await store.listSimulations()).toEqual([]);
      expect((await store.listJobs('p1', 0, NOW, 0, 10)).total).toBe(0);
      expect(await store.countJobsByStatus()).toEqual({});
      const events = await store.eventsAfter(0, 100);
      expect(events).toEqual([{ cursor: expect.any(Number), type: 'reset', at: NOW + 1, job: null }]);
      expect(events[0]?.cursor).toBeGreaterThan(before);
      // The same ids can be recorded again.
      expect((await store.recordJob(migration(1), NOW + 2)).outcome).toBe('created');
    });

    it('keeps simulations until deleted, one per task', async () => {
      await store.saveSimulation({ jobId: 'a', plan: '{"x":1}', step: 0, stepStartedAt: 1 });
      await store.saveSimulation({ jobId: 'a', plan: '{"x":1}', step: 2, stepStartedAt: 5 });
      await store.saveSimulation({ jobId: 'b', plan: '{}', step: 0, stepStartedAt: 1 });
      expect(await store.listSimulations()).toEqual([
        { jobId: 'a', plan: '{"x":1}', step: 2, stepStartedAt: 5 },
        { jobId: 'b', plan: '{}', step: 0, stepStartedAt: 1 },
      ]);
      await store.deleteSimulation('a');
      expect((await store.listSimulations()).map((s) => s.jobId)).toEqual(['b']);
    });

    it('tells each purged task once, though two nodes purge the same backlog at once', async () => {
      const peer = await opened.openPeer();
      const long = 40 * 86_400_000;
      const ids: string[] = [];
      for (let n = 1; n <= 30; n++) {
        const old = { ...migration(n), createdAt: NOW - long, endedAt: NOW - long + 1_000 };
        await store.recordJob(old, NOW - long);
        ids.push(old.id);
      }
      const drain = async (node: Store) => {
        let purged = 0;
        for (;;) {
          const { jobs } = await node.purgeBefore({ tasks: NOW - 37 * 86_400_000, feed: 0 }, 10, NOW);
          if (jobs === 0) return purged;
          purged += jobs;
        }
      };
      const [mine, theirs] = await Promise.all([drain(store), drain(peer)]);
      expect(mine + theirs).toBe(30);
      const removed = (await store.eventsAfter(0, 1_000)).filter((e) => e.type === 'removed');
      expect(removed.map((e) => e.job?.id).sort()).toEqual(ids.sort());
    });

    it("sees another connection's entries at once", async () => {
      const peer = await opened.openPeer();
      await peer.recordJob(migration(1), NOW);
      const events = await store.eventsAfter(0, 10);
      expect(events.map((e) => e.job?.id)).toEqual([migration(1).id]);
      expect(await store.lastEventCursor()).toBe(events[0]?.cursor);
    });
  });
}
