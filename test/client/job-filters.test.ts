import { randomUUID } from 'node:crypto';
import type { DdmClient, JobItem } from '@ddm-jobs/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { internal } from '../support/api.js';
import { PROJECT_A, startTestServer, type TestServer } from '../support/harness.js';
import { clientFor, closeListening, DAY, HOUR, listen, rejection } from './support.js';

/**
 * The SDK's list filters and tasks-per-day call over real HTTP against a real server: 300 tasks
 * of three statuses, three names, two instances and two databases, so that every filtered
 * listing spans pages; the query the SDK sends, seen by a fetch that notes each URL.
 */

let server: TestServer;
let url: string;
let now: number;
const STATUSES = ['Running', 'Completed', 'Failed'] as const;
const NAMES = ['migrateLogicDb', 'EnlargeNode', 'RestartNode'];
const INSTANCES = [
  { instance_id: '733c7e8d73a54c27b8308ec784a8be8cin09', instance_name: 'ddm-orders' },
  { instance_id: '0a5f2c9e1b7d4e6f8a3b2c1d0e9f8a7bin01', instance_name: 'ddm-billing' },
];
interface Recorded {
  id: string;
  status: string;
  name: string;
  instance_id: string;
  instance_name: string;
  database_name: string;
}
const recorded: Recorded[] = [];
/** Every URL the client sent, with its query. */
const urls: URL[] = [];
let client: DdmClient;

beforeAll(async () => {
  server = await startTestServer();
  now = server.clock.now();
  url = await listen(server);
  const create = Array.from({ length: 300 }, (_, i) => {
    const task = {
      id: randomUUID(),
      status: STATUSES[i % 3] as string,
      name: NAMES[Math.floor(i / 3) % 3] as string,
      ...(INSTANCES[Math.floor(i / 9) % 2] as (typeof INSTANCES)[number]),
      database_name: i % 4 === 0 ? 'db_orders' : i % 4 === 1 ? 'DB_Billing_2' : '',
    };
    recorded.push(task);
    const finished = task.status !== 'Running' ? { ended_at: now - i * 60_000 } : {};
    return { ...task, project_id: PROJECT_A, created_at: now - i * 60_000, ...finished };
  });
  const response = await internal(server, 'POST', '/internal/v1/jobs/batch', { create });
  expect(response.statusCode).toBe(200);
  const noting: typeof fetch = (input, init) => {
    urls.push(new URL(input instanceof Request ? input.url : String(input)));
    return fetch(input, init);
  };
  client = await clientFor('token', url, server, { fetch: noting });
});
afterAll(() => closeListening(server));

const window = () => ({ startTime: now - DAY, endTime: now });
const idsOf = (jobs: { id: string }[]) => jobs.map((job) => job.id);
/** The recorded tasks matching `keep`, newest first as the list orders them. */
const expected = (keep: (task: Recorded) => boolean) => idsOf(recorded.filter(keep));
async function all(iterator: AsyncIterableIterator<JobItem>): Promise<JobItem[]> {
  const jobs: JobItem[] = [];
  for await (const job of iterator) jobs.push(job);
  return jobs;
}
const lastQuery = () => Object.fromEntries((urls.at(-1) as URL).searchParams);

describe('listJobs with filters', () => {
  it('sends no filter parameter when none is given: the cloud-compatible query', async () => {
    const page = await client.listJobs({ ...window(), limit: 5 });
    expect(page.total).toBe(300);
    expect(Object.keys(lastQuery()).sort()).toEqual(['end_time', 'limit', 'start_time']);
  });

  it('sends status and name comma-separated, and the server counts only the matching tasks', async () => {
    const page = await client.listJobs({
      ...window(),
      limit: 128,
      status: ['Failed', 'Running'],
      name: ['EnlargeNode'],
    });
    expect(lastQuery()).toMatchObject({ status: 'Failed,Running', name: 'EnlargeNode' });
    const ids = expected((t) => t.status !== 'Completed' && t.name === 'EnlargeNode');
    expect(page.total).toBe(ids.length);
    expect(idsOf(page.jobs)).toEqual(ids);
  });

  it('sends instance, database and job_id, matched as documented', async () => {
    const byName = await client.listJobs({
      ...window(),
      limit: 128,
      instance: 'BILLING',
      database: 'billing',
    });
    expect(lastQuery()).toMatchObject({ instance: 'BILLING', database: 'billing' });
    expect(idsOf(byName.jobs)).toEqual(
      expected((t) => t.instance_name === 'ddm-billing' && t.database_name === 'DB_Billing_2'),
    );
    const byId = await client.listJobs({
      ...window(),
      limit: 128,
      instance: INSTANCES[0]?.instance_id.toUpperCase(),
    });
    expect(byId.total).toBe(expected((t) => t.instance_name === 'ddm-orders').length);
    const one = recorded[42] as Recorded;
    const found = await client.listJobs({ ...window(), jobId: one.id.toUpperCase() });
    expect(lastQuery().job_id).toBe(one.id.toUpperCase());
    expect([found.total, idsOf(found.jobs)]).toEqual([1, [one.id]]);
  });

  it('refuses an empty list or text before sending anything', async () => {
    const before = urls.length;
    for (const filters of [
      { status: [] },
      { name: [''] },
      { name: ['a,b'] },
      { instance: '' },
      { jobId: '' },
    ])
      await expect(client.listJobs({ ...window(), ...filters })).rejects.toThrow(TypeError);
    expect(() => client.jobs({ since: now - HOUR, status: [] })).toThrow(TypeError);
    expect(urls.length).toBe(before);
  });

  it("passes the server's 400 on with its message", async () => {
    const error = await rejection(client.listJobs({ ...window(), name: ['x'.repeat(65)] }));
    expect(error).toMatchObject({ status: 400, errorCode: 'DBS.280001' });
    expect(String((error as Error).message)).toContain('name must be');
  });
});

describe('jobs() with filters', () => {
  it('yields every matching task once, newest first, sending the filters with every page', async () => {
    const before = urls.length;
    const jobs = await all(
      client.jobs({ since: now - DAY, status: ['Completed'], database: 'orders' }, { pageSize: 7 }),
    );
    expect(idsOf(jobs)).toEqual(expected((t) => t.status === 'Completed' && t.database_name === 'db_orders'));
    const pages = urls.slice(before);
    expect(pages.length).toBe(Math.ceil(jobs.length / 7));
    for (const page of pages) {
      expect(page.searchParams.get('status')).toBe('Completed');
      expect(page.searchParams.get('database')).toBe('orders');
    }
  });
});

describe('jobStatistics()', () => {
  it('answers the days of a zone, whose totals are the filtered list totals of their windows', async () => {
    const answer = await client.jobStatistics({
      startTime: new Date(now - 2 * DAY),
      endTime: now,
      timeZone: 'Asia/Kolkata',
      status: ['Failed'],
      name: ['migrateLogicDb', 'RestartNode'],
    });
    expect(lastQuery()).toMatchObject({
      time_zone: 'Asia/Kolkata',
      status: 'Failed',
      name: 'migrateLogicDb,RestartNode',
    });
    expect(answer.time_zone).toBe('Asia/Kolkata');
    expect(answer.days).toHaveLength(3);
    let sum = 0;
    for (const day of answer.days) {
      const listed = await client.listJobs({
        startTime: day.start_time,
        endTime: day.end_time,
        limit: 1,
        status: ['Failed'],
        name: ['migrateLogicDb', 'RestartNode'],
      });
      expect(listed.total).toBe(day.total);
      expect(day.statuses).toEqual(day.total === 0 ? {} : { Failed: day.total });
      sum += day.total;
    }
    expect(sum).toBe(expected((t) => t.status === 'Failed' && t.name !== 'EnlargeNode').length);
  });

  it('sends no time_zone when none is given (the server counts UTC days)', async () => {
    const answer = await client.jobStatistics({ startTime: now - DAY, endTime: now });
    expect(lastQuery().time_zone).toBeUndefined();
    expect(answer.time_zone).toBe('UTC');
    expect(answer.days.reduce((a, day) => a + day.total, 0)).toBe(300);
  });

  it("passes the server's 400 on for an unknown zone", async () => {
    const error = await rejection(
      client.jobStatistics({ startTime: now - DAY, endTime: now, timeZone: 'Mars/Olympus' }),
    );
    expect(error).toMatchObject({ status: 400, errorCode: 'DBS.280001' });
  });
});
