import { setTimeout as delay } from 'node:timers/promises';
import type { JobEvent, JobRow, NewJob, Store } from '@ddm-jobs/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newJob } from '../support/new-job.js';
import { type OpenedStore, STORE_KINDS } from '../support/stores.js';

const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);

const task = (n: number): NewJob =>
  // Many in one minute, so the writers meet on the same count buckets.
  newJob(n, {
    projectId: 'p1',
    name: 'migrateLogicDb',
    databaseName: 'db1',
    createdAt: NOW - (n % 7) * 1_000,
  });

/**
 * The feed as a consumer reads it: from cursor `from` on, `size` entries at a time, each request
 * asking for what follows the newest cursor seen, until `enough(seen)` once `writing()` is false.
 * On PostgreSQL an entry is delivered once every transaction older than its own has ended, in the
 * whole cluster (other tests' too), so the reader polls on until then, 5 s at the most: an entry
 * lost below a cursor already read is never seen, and `enough` stays false.
 */
async function followFeed(
  node: Store,
  from: number,
  size: number,
  writing: () => boolean,
  enough: (seen: JobEvent[]) => boolean,
): Promise<JobEvent[]> {
  const seen: JobEvent[] = [];
  let cursor = from;
  let giveUpAt: number | undefined;
  for (;;) {
    const events = await node.eventsAfter(cursor, size);
    seen.push(...events);
    cursor = events.at(-1)?.cursor ?? cursor;
    if (events.length === 0 && !writing()) {
      giveUpAt ??= Date.now() + 5_000;
      if (enough(seen) || Date.now() > giveUpAt) return seen;
      await delay(10);
    }
  }
}

for (const kind of STORE_KINDS) {
  describe(`concurrent writers on ${kind.name}`, () => {
    let opened: OpenedStore;
    let store: Store;
    let peer: Store;

    beforeEach(async () => {
      opened = await kind.open();
      store = opened.store;
      peer = await opened.openPeer();
    });
    afterEach(() => opened.dispose());

    it('lets exactly one of 20 concurrent changes at one version win, across two connections', async () => {
      await store.recordJob(task(1), NOW);
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? peer : store).updateJob(task(1).id, 1, { progress: i + 1 }, NOW + 1),
        ),
      );
      const winners = outcomes.filter((job) => job !== undefined);
      expect(winners).toHaveLength(1);
      expect(await store.getJob(task(1).id)).toMatchObject({ version: 2, progress: winners[0]?.progress });
      expect((await store.eventsAfter(0, 100)).map((e) => e.type)).toEqual(['created', 'changed']);
    });

    it('gives a reader following the feed during concurrent writes every entry, in cursor order', async () => {
      const count = 200;
      let writing = true;
      const writers = Promise.all(
        Array.from({ length: count }, (_, n) => (n % 2 ? peer : store).recordJob(task(n), NOW)),
      ).finally(() => {
        writing = false;
      });
      // A consumer that only ever asks for what follows the newest cursor it has seen: an entry
      // committed with a lower cursor after it read past it would be lost to it.
      const [, seen] = await Promise.all([
        writers,
        followFeed(
          store,
          0,
          16,
          () => writing,
          (read) => read.length >= count,
        ),
      ]);

      const cursors = seen.map((e) => e.cursor);
      for (let i = 1; i < cursors.length; i++) expect(cursors[i]).toBeGreaterThan(cursors[i - 1] as number);
      expect(new Set(seen.map((e) => e.job?.id)).size).toBe(count);
      expect(await store.lastEventCursor()).toBe(cursors.at(-1));
      // The counts kept by the writers agree with the rows.
      expect((await peer.listJobs('p1', NOW - 60_000, NOW, 0, 1)).total).toBe(count);
      expect(await peer.countJobsByStatus()).toEqual({ Running: count });
    });

    it('gives a reader on a third node every change of two nodes writing at once, each once, in order', async () => {
      const reader = await opened.openPeer();
      const tasks = Array.from({ length: 40 }, (_, n) => task(n));
      for (const t of tasks) await store.recordJob(t, NOW);
      const start = await reader.lastEventCursor();
      let writing = true;
      // Each task reported 5 times, by both nodes in turn: compare and set decides each round.
      const report = async (node: Store, id: string) => {
        for (let done = 0; done < 5; ) {
          const current = await node.getJob(id);
          if (current && (await node.updateJob(id, current.version, { progress: current.progress + 1 }, NOW)))
            done++;
        }
      };
      const writers = Promise.all(tasks.map((t, n) => report(n % 2 ? peer : store, t.id))).finally(() => {
        writing = false;
      });
      const changesIn = (read: JobEvent[]) => read.filter((e) => e.type === 'changed');
      const [, seen] = await Promise.all([
        writers,
        followFeed(
          reader,
          start,
          32,
          () => writing,
          (read) => changesIn(read).length >= 40 * 5,
        ),
      ]);
      const cursors = seen.map((e) => e.cursor);
      for (let i = 1; i < cursors.length; i++) expect(cursors[i]).toBeGreaterThan(cursors[i - 1] as number);
      // The newest cursor below PostgreSQL's horizon may lie before the last creations' entries:
      // the reader may see those, and nothing else besides the changes.
      expect(seen.filter((e) => e.type !== 'changed').every((e) => e.type === 'created')).toBe(true);
      // Every version of every task told once, each task's in order.
      const changes = changesIn(seen);
      expect(changes).toHaveLength(40 * 5);
      for (const t of tasks) {
        const versions = changes.filter((e) => e.job?.id === t.id).map((e) => e.job?.version);
        expect(versions).toEqual([2, 3, 4, 5, 6]);
      }
    });

    it('applies batches touching the same tasks from two nodes at once, none lost', async () => {
      const tasks = Array.from({ length: 30 }, (_, n) => task(n));
      for (const t of tasks) await store.recordJob(t, NOW);
      const ids = tasks.map((t) => t.id);
      // Reports as a batch, on the tasks in the order given: forward on one node, backward on the other.
      const reportAll = (node: Store, order: string[]) =>
        node.writeBatch(
          order,
          (found) => {
            const writes = order.map((id) => {
              const before = found.get(id)?.job as JobRow;
              return {
                kind: 'change' as const,
                before,
                after: { ...before, progress: before.progress + 1, version: before.version + 1 },
              };
            });
            return { writes, result: writes.length };
          },
          NOW,
        );
      const rounds = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          reportAll(i % 2 ? peer : store, i % 2 ? [...ids].reverse() : ids),
        ),
      );
      expect(rounds).toEqual(Array(10).fill(30));
      for (const id of ids) expect(await store.getJob(id)).toMatchObject({ progress: 10, version: 11 });
      expect((await store.eventsAfter(0, 1_000)).filter((e) => e.type === 'changed')).toHaveLength(300);
    });

    it('keeps counts and the feed whole when a reset meets concurrent writers', async () => {
      const writes = Array.from({ length: 40 }, (_, n) => (n % 2 ? peer : store).recordJob(task(n), NOW));
      await Promise.all([...writes, store.resetJobs(NOW + 1)]);
      const events = await store.eventsAfter(0, 1_000);
      const reset = events.findIndex((e) => e.type === 'reset');
      expect(reset).toBe(0);
      const left = events.length - 1;
      expect((await store.listJobs('p1', NOW - 60_000, NOW, 0, 1)).total).toBe(left);
      expect((await store.countJobsByStatus()).Running ?? 0).toBe(left);
    });
  });
}
