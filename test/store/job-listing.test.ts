import type { JobRow, NewJob, Store } from '@ddm-jobs/server';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newJob } from '../support/new-job.js';
import { STORE_KINDS } from '../support/stores.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);

const job = (projectId: string, createdAt: number, n: number): NewJob => newJob(n, { projectId, createdAt });

/** What listing means, computed the slow and obvious way. */
function expected(
  all: NewJob[],
  projectId: string,
  start: number,
  end: number,
  offset: number,
  limit: number,
) {
  const window = all
    .filter((j) => j.projectId === projectId && j.createdAt >= start && j.createdAt <= end)
    .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
  return { total: window.length, ids: window.slice(offset, offset + limit).map((j) => j.id) };
}

for (const kind of STORE_KINDS) {
  describe(`listing on ${kind.name}`, () => {
    let store: Store;
    let dispose: () => Promise<void>;
    const recorded: NewJob[] = [];

    beforeAll(async () => {
      ({ store, dispose } = await kind.open());
      // Bursts within one millisecond, one minute and one hour, plus tasks spread over 40 days,
      // so windows cut through every level of the bucket counts.
      const times: number[] = [];
      for (let i = 0; i < 30; i++) times.push(NOW - 3 * DAY);
      for (let i = 0; i < 40; i++) times.push(NOW - DAY + i * 1_000);
      for (let i = 0; i < 60; i++) times.push(NOW - 5 * 3_600_000 + i * 61_000);
      for (let i = 0; i < 400; i++) times.push(NOW - 40 * DAY + Math.floor(((i * 7919) % 400) * 0.1 * DAY));
      let n = 0;
      for (const t of times) {
        for (const project of ['p1', 'p2']) {
          const j = job(project, t, n++);
          recorded.push(j);
          await store.recordJob(j, NOW);
        }
      }
    });
    afterAll(() => dispose());

    it('returns the same pages and totals as a full sort, for any window, offset and limit', async () => {
      const instant = fc.integer({ min: NOW - 41 * DAY, max: NOW + DAY });
      await fc.assert(
        fc.asyncProperty(
          instant,
          instant,
          fc.nat({ max: 700 }),
          fc.integer({ min: 1, max: 128 }),
          async (a, b, offset, limit) => {
            const [start, end] = a <= b ? [a, b] : [b, a];
            const page = await store.listJobs('p1', start, end, offset, limit);
            const want = expected(recorded, 'p1', start, end, offset, limit);
            expect(page.total).toBe(want.total);
            expect(page.jobs.map((j: JobRow) => j.id)).toEqual(want.ids);
          },
        ),
        { numRuns: 400 },
      );
    });

    it('counts a window that starts and ends on bucket boundaries exactly', async () => {
      const start = Math.floor((NOW - 10 * DAY) / DAY) * DAY;
      const end = start + 5 * DAY - 1;
      const page = await store.listJobs('p1', start, end, 0, 128);
      expect(page.total).toBe(expected(recorded, 'p1', start, end, 0, 128).total);
    });

    it('gives an empty page with the right total for an offset past the end', async () => {
      const page = await store.listJobs('p1', NOW - 30 * DAY, NOW, 10_000, 10);
      expect(page.jobs).toEqual([]);
      expect(page.total).toBe(expected(recorded, 'p1', NOW - 30 * DAY, NOW, 0, 1).total);
    });

    it('keeps the counts right when a status changes', async () => {
      const first = recorded[0] as NewJob;
      const before = await store.countJobsByStatus();
      const stored = (await store.getJob(first.id)) as JobRow;
      await store.updateJob(
        first.id,
        stored.version,
        { status: 'Completed', progress: 0, failReason: '', endedAt: NOW },
        NOW,
      );
      const after = await store.countJobsByStatus();
      expect(after.Running).toBe((before.Running ?? 0) - 1);
      expect(after.Completed).toBe((before.Completed ?? 0) + 1);
    });

    it('refuses a change made against an old version', async () => {
      const target = recorded[1] as NewJob;
      const stored = (await store.getJob(target.id)) as JobRow;
      const change = { status: 'Running' as const, progress: 5, failReason: '', endedAt: null };
      expect(await store.updateJob(target.id, stored.version, change, NOW)).toMatchObject({
        version: stored.version + 1,
      });
      expect(await store.updateJob(target.id, stored.version, change, NOW)).toBeUndefined();
    });

    it('tells a replayed record from a clashing one', async () => {
      const again = recorded[2] as NewJob;
      expect((await store.recordJob(again, NOW)).outcome).toBe('replayed');
      expect((await store.recordJob({ ...again, createDigest: 'other' }, NOW)).outcome).toBe('conflict');
    });
  });
}
