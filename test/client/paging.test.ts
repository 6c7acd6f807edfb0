import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DdmClient } from '@ddm-jobs/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_A, startTestServer, type TestServer } from '../support/harness.js';
import { clientFor, closeListening, countingFetch, DAY, listen, recordMigration } from './support.js';

/** Paging through 300 tasks of a real server, and stopping on a server that pages forever. */
let server: TestServer;
let url: string;
/** The ids, newest first (each task a second older than the one before). */
const ids: string[] = [];
/** The server's now when the tasks were recorded: windows end here, so later tasks stay out. */
let t0: number;

beforeAll(async () => {
  server = await startTestServer();
  t0 = server.clock.now();
  url = await listen(server);
  for (let i = 1; i <= 300; i++)
    ids.push((await recordMigration(server, { status: 'Completed' }, i * 1000)).id);
});
afterAll(() => closeListening(server));

const listCalls = (sent: string[]) => sent.filter((line) => line === `GET /v3/${PROJECT_A}/jobs`).length;

describe('jobs()', () => {
  it('yields each of 300 tasks exactly once, newest first, in pages of 128', async () => {
    const counting = countingFetch();
    const client = await clientFor('token', url, server, { fetch: counting.fetch });
    const seen: string[] = [];
    for await (const job of client.jobs({ since: server.clock.now() - DAY })) seen.push(job.id);
    expect(seen).toEqual(ids);
    expect(listCalls(counting.sent)).toBe(3);
  });

  it('fixes the window when called: a task created meanwhile neither appears nor shifts a page', async () => {
    const client = await clientFor('token', url, server);
    const iterator = client.jobs({ since: server.clock.now() - DAY }, { pageSize: 100 });
    const seen: string[] = [];
    for await (const job of iterator) {
      seen.push(job.id);
      if (seen.length === 1) {
        server.clock.advance(1000);
        await recordMigration(server, { status: 'Running' }, 0);
      }
    }
    expect(seen).toEqual(ids);
  });

  it('takes a window by start and end, as Dates or epoch milliseconds', async () => {
    const client = await clientFor('token', url, server);
    const seen: string[] = [];
    // Tasks 10 to 19 seconds old: the 10th to the 19th newest.
    for await (const job of client.jobs(
      { startTime: new Date(t0 - 19_000), endTime: t0 - 10_000 },
      { pageSize: 3 },
    ))
      seen.push(job.id);
    expect(seen).toEqual(ids.slice(9, 19));
  });

  it('refuses a page size the API does not take', async () => {
    const client = await clientFor('token', url, server);
    expect(() => client.jobs({ since: 0 }, { pageSize: 129 })).toThrow(
      /pageSize must be an integer from 1 to 128/,
    );
    expect(() => client.jobs({ since: Number.NaN })).toThrow(/since must be a valid Date/);
  });
});

describe('listJobs()', () => {
  it('pages by offset: three pages make the 300 tasks, past the end is empty with the total', async () => {
    const client = await clientFor('token', url, server);
    const window = { startTime: t0 - DAY, endTime: new Date(t0) };
    const pages = await Promise.all(
      [0, 128, 256].map((offset) => client.listJobs({ ...window, offset, limit: 128 })),
    );
    expect(pages.map((page) => [page.offset, page.limit, page.total, page.jobs.length])).toEqual([
      [0, 128, 300, 128],
      [128, 128, 300, 128],
      [256, 128, 300, 44],
    ]);
    expect(pages.flatMap((page) => page.jobs.map((job) => job.id))).toEqual(ids);
    expect(await client.listJobs({ ...window, offset: 300 })).toEqual({
      jobs: [],
      offset: 300,
      limit: 10,
      total: 300,
    });
  });
});

describe('against a server that misbehaves', () => {
  /** A stand-in for a broken service: every page is the same two tasks, with the total given. */
  async function brokenServer(total: number) {
    let requests = 0;
    const page = (n: number) => ({
      jobs: [1, 2].map((i) => ({ id: `task-${i}`, name: 'x', status: 'Completed', n })),
      offset: 0,
      limit: 2,
      total,
    });
    const http = createServer((_request, response) => {
      requests += 1;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(page(requests)));
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    return {
      url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
      requests: () => requests,
      close: () => new Promise<void>((resolve) => http.close(() => resolve())),
    };
  }

  it('stops at a page with nothing new, however large the total it claims', async () => {
    const broken = await brokenServer(1_000_000_000);
    const client = new DdmClient({ endpoint: broken.url, projectId: 'p', auth: randomUUID() });
    const seen: string[] = [];
    for await (const job of client.jobs({ since: 0 }, { pageSize: 2 })) seen.push(job.id);
    expect(seen).toEqual(['task-1', 'task-2']);
    expect(broken.requests()).toBe(2);
    await broken.close();
  });

  it('stops once the total is reached, even if pages keep coming', async () => {
    const broken = await brokenServer(1);
    const client = new DdmClient({ endpoint: broken.url, projectId: 'p', auth: randomUUID() });
    const seen: string[] = [];
    for await (const job of client.jobs({ since: 0 }, { pageSize: 2 })) seen.push(job.id);
    expect(seen).toEqual(['task-1', 'task-2']);
    expect(broken.requests()).toBe(1);
    await broken.close();
  });
});
