import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, HOUR, listAs, MINUTE, oldestStart, SECOND } from '../support/api.js';
import { PROJECT_A, PROJECT_B, startTestServer, type TestServer } from '../support/harness.js';

/** Reference section 2: order, paging by offset, and a total independent of the page. */

interface Recorded {
  id: string;
  created_at: number;
}

/** Newest first, ties by id descending: the documented order, computed here independently. */
const documentedOrder = (tasks: Recorded[]) =>
  [...tasks].sort((a, b) => b.created_at - a.created_at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));

const ids = (body: { jobs: { id: string }[] }) => body.jobs.map((job) => job.id);

// One server for the file: the 25 tasks live in project A, the model's in project B.
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('paging through 25 tasks', () => {
  let tasks: Recorded[];
  let window: { start_time: number; end_time: number };

  beforeAll(async () => {
    const now = server.clock.now();
    tasks = [];
    // Groups of three share a creation time, so the tie-break decides within each group.
    for (let i = 0; i < 25; i++) {
      const job = await server.record({
        name: 'CreateInstance',
        created_at: now - HOUR + Math.floor(i / 3) * SECOND,
      });
      tasks.push({ id: String(job.id), created_at: Number(job.created_at) });
    }
    window = { start_time: now - DAY, end_time: now };
  });

  const page = async (offset: number, limit: number) => {
    const response = await listAs(server, 'alice', PROJECT_A, { ...window, offset, limit });
    expect(response.statusCode).toBe(200);
    return response.json();
  };

  it('gives pages of 10, 10 and 5 that together are every task once, in the documented order', async () => {
    const pages = [await page(0, 10), await page(10, 10), await page(20, 10)];
    expect(pages.map((p) => p.jobs.length)).toEqual([10, 10, 5]);
    expect(pages.map((p) => p.total)).toEqual([25, 25, 25]);
    const seen = pages.flatMap(ids);
    expect(new Set(seen).size).toBe(25);
    expect(seen).toEqual(documentedOrder(tasks).map((task) => task.id));
  });

  it('orders tasks created at the same millisecond by id, descending', async () => {
    const all = (await page(0, 128)).jobs as { id: string; created_time: string }[];
    const tied = all.filter((job) => job.created_time === all[0]?.created_time);
    expect(tied.length).toBe(1); // 25 = 8 groups of three and one alone: the newest is alone
    const group = all.slice(1, 4);
    expect(new Set(group.map((job) => job.created_time)).size).toBe(1);
    expect(group.map((job) => job.id)).toEqual(
      group
        .map((job) => job.id)
        .sort()
        .reverse(),
    );
  });

  it('gives the same pages when asked again (stable paging)', async () => {
    expect(ids(await page(7, 9))).toEqual(ids(await page(7, 9)));
  });

  it('gives every window of the order for any offset and limit', async () => {
    const order = documentedOrder(tasks).map((task) => task.id);
    for (const [offset, limit] of [
      [1, 1],
      [3, 4],
      [24, 10],
      [5, 128],
      [0, 25],
    ] as const) {
      expect(ids(await page(offset, limit))).toEqual(order.slice(offset, offset + limit));
    }
  });

  it('answers an offset at the end with no tasks and the right total', async () => {
    expect(await page(25, 10)).toEqual({ jobs: [], offset: 25, limit: 10, total: 25 });
  });

  it('answers an offset past the end with no tasks and the right total', async () => {
    expect(await page(1000, 3)).toEqual({ jobs: [], offset: 1000, limit: 3, total: 25 });
  });

  it('counts the total independently of offset and limit', async () => {
    const totals = [];
    for (const [offset, limit] of [
      [0, 1],
      [0, 128],
      [13, 2],
      [24, 1],
      [99, 50],
    ] as const) {
      totals.push((await page(offset, limit)).total);
    }
    expect(totals).toEqual([25, 25, 25, 25, 25]);
  });

  it('counts only the tasks in the window', async () => {
    const order = documentedOrder(tasks);
    const newest = order[0] as Recorded;
    const response = await listAs(server, 'alice', PROJECT_A, {
      start_time: newest.created_at - SECOND,
      end_time: newest.created_at,
    });
    expect(response.json().total).toBe(4);
  });
});

describe('paging against a model, over windows of up to 30 days', () => {
  let tasks: Recorded[];
  let now: number;

  beforeAll(async () => {
    now = server.clock.now();
    // Creation times crowd around minute, hour and day boundaries, where counting changes gear.
    const rng = fc.sample(
      fc.tuple(
        fc.integer({ min: 0, max: 29 }),
        fc.constantFrom(0, 59, 60, 61),
        fc.constantFrom(0, 1, 59, 60),
        fc.constantFrom(0, 1, 999, 59_999),
      ),
      { numRuns: 240, seed: 42 },
    );
    tasks = [];
    for (const [day, minute, second, ms] of rng) {
      const created_at = Math.min(now, now - day * DAY - minute * MINUTE - second * SECOND - ms);
      const job = await server.record({ project_id: PROJECT_B, name: 'CreateInstance', created_at });
      tasks.push({ id: String(job.id), created_at });
    }
  });

  it('lists exactly the page the model predicts, for any window, offset and limit', async () => {
    const order = documentedOrder(tasks);
    const instants = fc.oneof(
      fc.constantFrom(...tasks.map((task) => task.created_at)),
      fc.integer({ min: oldestStart(now), max: now + HOUR }),
    );
    await fc.assert(
      fc.asyncProperty(
        instants,
        instants,
        fc.oneof(fc.nat(260), fc.constant(0)),
        fc.integer({ min: 1, max: 128 }),
        fc.constantFrom(-1, 0, 1),
        async (a, b, offset, limit, nudge) => {
          const start = Math.max(oldestStart(now), Math.min(a, b) + nudge);
          const end = Math.max(start, Math.max(a, b) - nudge);
          const inWindow = order.filter((task) => task.created_at >= start && task.created_at <= end);
          const response = await listAs(server, 'bob', PROJECT_B, {
            start_time: start,
            end_time: end,
            offset,
            limit,
          });
          const body = response.json();
          expect(body.total).toBe(inWindow.length);
          expect(ids(body)).toEqual(inWindow.slice(offset, offset + limit).map((task) => task.id));
        },
      ),
      { numRuns: 200 },
    );
  });
});
