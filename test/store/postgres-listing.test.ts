import type { NewJob, Store } from '@ddm-jobs/server';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newJob } from '../support/new-job.js';
import { STORE_KINDS } from '../support/stores.js';

// Deep offsets: thousands of tasks, crowded enough that a rank of 256 or more lies inside one day,
// one hour and one minute, so that finding an offset descends through every level of the bucket
// counts down to stepping over rows. Written for PostgreSQL's listing in one function call
// (list_window, migration 8), and held on every database against a full sort.

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);
const BURST_MINUTE = NOW - 2 * HOUR + 7 * MINUTE;

function job(projectId: string, createdAt: number, n: number): NewJob {
  // Ids out of creation order, so that ties at one millisecond are ordered by id alone.
  const scrambled = ((n * 2_654_435_761) % 2 ** 32).toString(16).padStart(8, '0');
  return newJob(n, {
    id: `${scrambled}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`,
    projectId,
    createdAt,
  });
}

/** The creation times of project p1's tasks: 4,000 of them. */
function creationTimes(): number[] {
  const times: number[] = [];
  // About 300 a day over 8 days: an offset deep in a day descends to its hours.
  for (let i = 0; i < 2_400; i++) times.push(NOW - 9 * DAY + Math.floor((i * 8 * DAY) / 2_400) + (i % 7));
  // 900 in one hour, 15 a minute: an offset deep in the hour descends to its minutes.
  for (let i = 0; i < 900; i++) times.push(NOW - 5 * HOUR + Math.floor((i * HOUR) / 900));
  // 700 in one minute, 100 of them in one millisecond: an offset deep in it steps over rows.
  for (let i = 0; i < 600; i++) times.push(BURST_MINUTE + Math.floor((i * MINUTE) / 600));
  for (let i = 0; i < 100; i++) times.push(BURST_MINUTE + 30_000);
  return times;
}

/** What listing means, computed the slow and obvious way. */
function expected(all: NewJob[], start: number, end: number, offset: number, limit: number) {
  const window = all
    .filter((j) => j.projectId === 'p1' && j.createdAt >= start && j.createdAt <= end)
    .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
  return { total: window.length, ids: window.slice(offset, offset + limit).map((j) => j.id) };
}

for (const kind of STORE_KINDS) {
  describe(`listing at deep offsets on ${kind.name}`, () => {
    let store: Store;
    let dispose: () => Promise<void>;
    const recorded: NewJob[] = [];

    beforeAll(async () => {
      ({ store, dispose } = await kind.open());
      let n = 0;
      for (const t of creationTimes()) {
        recorded.push(job('p1', t, n++));
        // Another project's tasks among them, which no page of p1 shows nor counts.
        if (n % 13 === 0) recorded.push(job('p2', t, n++));
      }
      for (let i = 0; i < recorded.length; i += 50) {
        await Promise.all(recorded.slice(i, i + 50).map((j) => store.recordJob(j, NOW)));
      }
    });
    afterAll(() => dispose());

    /** Both listings of the window against the full sort. */
    async function check(start: number, end: number, offset: number, limit: number) {
      const want = expected(recorded, start, end, offset, limit);
      const rows = await store.listJobs('p1', start, end, offset, limit);
      const json = await store.listJobsJson('p1', start, end, offset, limit);
      expect({ total: rows.total, ids: rows.jobs.map((j) => j.id) }).toEqual(want);
      expect({ total: json.total, ids: json.jobs.map((j) => (JSON.parse(j) as { id: string }).id) }).toEqual(
        want,
      );
    }

    it('finds offsets of 300, 2,000 and near the end of a window of days', async () => {
      const [start, end] = [NOW - 10 * DAY, NOW];
      const total = expected(recorded, start, end, 0, 1).total;
      expect(total).toBe(4_000);
      for (const offset of [0, 255, 256, 300, 2_000, 3_100, total - 128, total - 5, total - 1]) {
        for (const limit of [1, 10, 128]) await check(start, end, offset, limit);
      }
    });

    it('finds offsets deep in one hour and deep in one minute, ties at one millisecond included', async () => {
      await check(NOW - 5 * HOUR, NOW - 4 * HOUR - 1, 700, 128);
      await check(NOW - 6 * HOUR, NOW, 1_200, 128);
      await check(BURST_MINUTE, BURST_MINUTE + MINUTE - 1, 650, 30);
      // Windows whose edges cut through the crowded minute, counted row by row.
      await check(BURST_MINUTE + 10_000, NOW, 400, 128);
      await check(NOW - 3 * DAY, BURST_MINUTE + 30_000, 300, 128);
    });

    it('gives an empty page with the right total at or past the end, and for an empty window', async () => {
      const total = expected(recorded, NOW - 10 * DAY, NOW, 0, 1).total;
      for (const offset of [total, total + 1, 1_000_000, Number.MAX_SAFE_INTEGER]) {
        expect(await store.listJobsJson('p1', NOW - 10 * DAY, NOW, offset, 10)).toEqual({ total, jobs: [] });
        expect(await store.listJobs('p1', NOW - 10 * DAY, NOW, offset, 10)).toEqual({ total, jobs: [] });
      }
      expect(await store.listJobs('p1', NOW + HOUR, NOW + DAY, 0, 10)).toEqual({ total: 0, jobs: [] });
      expect(await store.listJobsJson('p1', NOW + HOUR, NOW + DAY, 300, 10)).toEqual({ total: 0, jobs: [] });
      expect(await store.listJobs('p1', NOW, NOW - 1, 0, 10)).toEqual({ total: 0, jobs: [] });
    });

    it('returns the same pages and totals as a full sort, for any window and any offset', async () => {
      const instant = fc.integer({ min: NOW - 10 * DAY, max: NOW + HOUR });
      await fc.assert(
        fc.asyncProperty(
          instant,
          instant,
          fc.nat({ max: 4_100 }),
          fc.integer({ min: 1, max: 128 }),
          async (a, b, offset, limit) => {
            const [start, end] = a <= b ? [a, b] : [b, a];
            await check(start, end, offset, limit);
          },
        ),
        { numRuns: 150 },
      );
    });
  });
}
