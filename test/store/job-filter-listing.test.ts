import type { JobFilter } from '@ddm-jobs/contract';
import type { NewJob, Store } from '@ddm-jobs/server';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FilterScanRefused } from '../../packages/server/src/store/listing/job-filter.js';
import { newJob } from '../support/new-job.js';
import { STORE_KINDS } from '../support/stores.js';

// The list's filters at the store, against the same filters applied to every task the slow and
// obvious way: totals, pages at any offset (deep ones inside one minute and one hour too), and
// the counts following status changes and removals.

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);

const STATUSES = ['Running', 'Completed', 'Failed', 'Expanding', 'CancelSuccess'] as const;
const NAMES = ['CreateInstance', 'EnlargeNode', 'migrateLogicDb', 'Odd name'];
const INSTANCES = [
  { instanceId: 'a1b2c3d4in09', instanceName: 'ddm-Orders-01' },
  { instanceId: 'FFEE0011IN09', instanceName: 'ddm-sales' },
  { instanceId: 'c3c3c3c3in09', instanceName: 'Ärger-ORDERS' },
];
const DATABASES = ['db_Orders', 'sales', ''];

/** Creation times: a burst of 600 in one minute, 400 in one hour, ties at one millisecond, 40 days. */
function creationTimes(): number[] {
  const times: number[] = [];
  const minute = Math.floor((NOW - 2 * HOUR) / MINUTE) * MINUTE;
  for (let i = 0; i < 600; i++) times.push(minute + ((i * 97) % 60_000));
  for (let i = 0; i < 400; i++) times.push(NOW - 7 * HOUR + ((i * 7_919) % HOUR));
  for (let i = 0; i < 30; i++) times.push(NOW - 3 * DAY);
  for (let i = 0; i < 500; i++) times.push(NOW - 40 * DAY + Math.floor(((i * 7_919) % 500) * 0.08 * DAY));
  return times;
}

/** Task n: its name, status, instance and database cycle with different periods. */
const taskOf = (projectId: string, createdAt: number, n: number): NewJob =>
  newJob(n, {
    projectId,
    createdAt,
    name: NAMES[n % 4] as string,
    status: STATUSES[(n * 7) % 5] as NewJob['status'],
    ...(INSTANCES[n % 3] as (typeof INSTANCES)[number]),
    databaseName: DATABASES[(n >> 1) % 3] as string,
  });

const asciiLower = (text: string) => text.replace(/[A-Z]/g, (c) => c.toLowerCase());

/** Whether a task matches the filter: the documented rules, written out again here. */
function matches(job: NewJob & { status: string }, filter: JobFilter): boolean {
  if (filter.statuses && !filter.statuses.includes(job.status as never)) return false;
  if (filter.names && !filter.names.includes(job.name)) return false;
  if (filter.jobId !== undefined && job.id !== filter.jobId.toLowerCase()) return false;
  if (
    filter.instance !== undefined &&
    asciiLower(job.instanceId) !== asciiLower(filter.instance) &&
    !asciiLower(job.instanceName).includes(asciiLower(filter.instance))
  )
    return false;
  if (filter.database !== undefined && !asciiLower(job.databaseName).includes(asciiLower(filter.database)))
    return false;
  return true;
}

for (const kind of STORE_KINDS) {
  describe(`the list's filters on ${kind.name}`, () => {
    let store: Store;
    let dispose: () => Promise<void>;
    /** Every task as it is now (statuses follow the changes the tests make). */
    const tasks = new Map<string, NewJob>();

    const expected = (start: number, end: number, offset: number, limit: number, filter: JobFilter) => {
      const window = [...tasks.values()]
        .filter(
          (j) => j.projectId === 'p1' && j.createdAt >= start && j.createdAt <= end && matches(j, filter),
        )
        .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
      return { total: window.length, ids: window.slice(offset, offset + limit).map((j) => j.id) };
    };

    /** Both listings (tasks and their JSON) against the slow way. */
    async function check(start: number, end: number, offset: number, limit: number, filter: JobFilter) {
      const want = expected(start, end, offset, limit, filter);
      const rows = await store.listJobs('p1', start, end, offset, limit, filter);
      expect({ total: rows.total, ids: rows.jobs.map((j) => j.id) }).toEqual(want);
      const json = await store.listJobsJson('p1', start, end, offset, limit, filter);
      expect({ total: json.total, ids: json.jobs.map((j) => (JSON.parse(j) as { id: string }).id) }).toEqual(
        want,
      );
    }

    beforeAll(async () => {
      ({ store, dispose } = await kind.open());
      let n = 0;
      const all: NewJob[] = [];
      for (const t of creationTimes()) {
        all.push(taskOf('p1', t, n++));
        // Another project's tasks among them, which no page of p1 shows nor counts.
        if (n % 11 === 0) all.push(taskOf('p2', t, n++));
      }
      for (let i = 0; i < all.length; i += 50) {
        await Promise.all(all.slice(i, i + 50).map((j) => store.recordJob(j, NOW)));
      }
      for (const j of all) tasks.set(j.id, j);
    }, 120_000);
    afterAll(() => dispose());

    const filters = fc.record(
      {
        statuses: fc.uniqueArray(fc.constantFrom(...STATUSES, 'Switching' as const), {
          minLength: 1,
          maxLength: 3,
        }),
        names: fc.uniqueArray(fc.constantFrom(...NAMES, 'Unknown'), { minLength: 1, maxLength: 3 }),
        instance: fc.constantFrom('A1B2C3D4IN09', 'orders', 'DDM-', 'ärger', 'sales', 'nothing'),
        database: fc.constantFrom('ORDERS', 'db_', 's', 'x'),
      },
      { requiredKeys: [] },
    );

    it('gives the pages and totals of the slow way, for any window, offset, limit and filters', async () => {
      const instant = fc.integer({ min: NOW - 41 * DAY, max: NOW + HOUR });
      await fc.assert(
        fc.asyncProperty(
          instant,
          instant,
          fc.nat({ max: 900 }),
          fc.integer({ min: 1, max: 128 }),
          filters,
          async (a, b, offset, limit, filter) => {
            const [start, end] = a <= b ? [a, b] : [b, a];
            await check(start, end, offset, limit, filter);
          },
        ),
        { numRuns: 250 },
      );
    }, 120_000);

    it('pages through a filtered minute of 600 tasks and hour of 400 at every depth, ties included', async () => {
      const minute = Math.floor((NOW - 2 * HOUR) / MINUTE) * MINUTE;
      for (const filter of [{ statuses: ['Running', 'Failed'] }, { names: ['EnlargeNode'] }] as JobFilter[]) {
        for (const offset of [0, 1, 100, 255, 256, 257, 300])
          await check(minute, minute + MINUTE - 1, offset, 17, filter);
        for (const offset of [0, 150, 256, 290])
          await check(NOW - 8 * HOUR, NOW - 6 * HOUR, offset, 128, filter);
        for (const offset of [0, 299, 300, 301, 480, 700])
          await check(NOW - 41 * DAY, NOW, offset, 50, filter);
      }
    });

    it('finds one task by its id, in any case, only within the window and the other filters', async () => {
      const [id, task] = [...tasks.entries()].find(([, j]) => j.projectId === 'p1') as [string, NewJob];
      await check(NOW - 41 * DAY, NOW, 0, 10, { jobId: id.toUpperCase() });
      await check(NOW - 41 * DAY, NOW, 1, 10, { jobId: id });
      await check(task.createdAt + 1, NOW, 0, 10, { jobId: id });
      await check(NOW - 41 * DAY, NOW, 0, 10, { jobId: id, statuses: ['Switching'] });
      const other = [...tasks.values()].find((j) => j.projectId === 'p2') as NewJob;
      expect((await store.listJobs('p1', NOW - 41 * DAY, NOW, 0, 10, { jobId: other.id })).total).toBe(0);
    });

    it('refuses the instance and database filters beyond the scan limit, and never a task id', async () => {
      const start = NOW - 41 * DAY;
      const running = expected(start, NOW, 0, 1, { statuses: ['Running'] }).total;
      const refusal = await store
        .listJobs('p1', start, NOW, 0, 10, { statuses: ['Running'], database: 'x', scanLimit: running - 1 })
        .catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(FilterScanRefused);
      expect(refusal).toMatchObject({ candidates: running, limit: running - 1 });
      await check(start, NOW, 0, 10, {
        statuses: ['Running'],
        database: 'orders',
        scanLimit: running,
      } as JobFilter);
      const all = expected(start, NOW, 0, 1, {}).total;
      await expect(
        store.listJobsJson('p1', start, NOW, 0, 10, { instance: 'a', scanLimit: all - 1 }),
      ).rejects.toThrow(FilterScanRefused);
      const id = expected(start, NOW, 5, 1, {}).ids[0] as string;
      await check(start, NOW, 0, 10, { jobId: id, instance: 'ddm', scanLimit: 0 } as JobFilter);
    });

    it('moves a task between status filters when its status changes, and drops it when it is removed', async () => {
      const start = NOW - 41 * DAY;
      const task = [...tasks.values()].find((j) => j.projectId === 'p1' && j.status === 'Running') as NewJob;
      const stored = await store.getJob(task.id);
      const changed = await store.updateJob(task.id, stored?.version ?? 0, { status: 'Completed' }, NOW);
      expect(changed?.status).toBe('Completed');
      tasks.set(task.id, { ...task, status: 'Completed' });
      for (const statuses of [['Running'], ['Completed'], ['Running', 'Completed']] as NonNullable<
        JobFilter['statuses']
      >[]) {
        await check(start, NOW, 0, 128, { statuses });
        await check(start, NOW, 300, 128, { statuses, names: [task.name] });
      }
      const removed = await store.removeJob(task.id, changed?.version ?? 0, NOW, 'test');
      expect(removed?.id).toBe(task.id);
      tasks.delete(task.id);
      await check(start, NOW, 0, 128, { statuses: ['Completed'] });
      await check(task.createdAt, task.createdAt, 0, 128, { names: [task.name] });
    });

    it('counts nothing of a purged project, and counts its new tasks from zero', async () => {
      await store.purgeProject('p2', NOW);
      for (const [id, j] of tasks) if (j.projectId === 'p2') tasks.delete(id);
      const fresh = taskOf('p2', NOW - HOUR, 99_999);
      await store.recordJob(fresh, NOW);
      const page = await store.listJobs('p2', NOW - 41 * DAY, NOW, 0, 10, { statuses: [fresh.status] });
      expect({ total: page.total, ids: page.jobs.map((j) => j.id) }).toEqual({ total: 1, ids: [fresh.id] });
      await check(NOW - 41 * DAY, NOW, 0, 50, { names: ['EnlargeNode'] });
    });
  });
}
