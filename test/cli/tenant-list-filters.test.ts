import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Relay, startRelay } from '../client/support.js';
import { servers, tempDirs } from './cli-process.js';
import { sandbox, startTenantServer, type TenantServer } from './tenant-cli.js';

// `ddm-jobs list`'s filters, answered by the server: a real `ddm-jobs serve` behind a real HTTP
// relay that notes each list request (and, standing in for the cloud's DDM, can drop the filter
// parameters), so that the pages fetched are seen, not only what is printed.

const MIGRATION = '1f000000-0000-4000-8000-000000000004';
const BILLING = '1f000000-0000-4000-8000-000000000005';
const SCENARIO = `
project: default
instance: { id: 733c7e8d73a54c27b8308ec784a8be8cin09, name: ddm-orders }
tasks:
  - { name: loadMetadata, id: 1f000000-0000-4000-8000-000000000001, start: -4h20m, count: 140, every: 1m,
      steps: [{ status: Running, over: 10s }, { status: Completed }] }
  - { name: RestartNode, id: 1f000000-0000-4000-8000-000000000002, start: -6h, count: 12, every: 5m,
      steps: [{ status: Running, over: 1m }, { status: Failed, reason: "Node did not come back." }] }
  - { name: RestartNode, id: 1f000000-0000-4000-8000-000000000003, start: -6h30m, count: 3, every: 5m,
      steps: [{ status: Running, over: 1m }, { status: Completed }] }
  - { name: migrateLogicDb, id: ${MIGRATION}, database: db_orders, start: -1m,
      steps: [{ status: Running, progress: 50, over: 10h }] }
  - { name: migrateLogicDb, id: ${BILLING}, database: db_billing, start: -2m,
      instance: { id: 0a5f2c9e1b7d4e6f8a3b2c1d0e9f8a7bin01, name: ddm-billing },
      steps: [{ status: Running, progress: 10, over: 10h }] }
`;

interface Job {
  id: string;
  name: string;
  status: string;
  instance_name: string;
  database_name: string;
}

const dirs = tempDirs();
const running = servers();
let server: TenantServer;
let relay: Relay;
let box: ReturnType<typeof sandbox>;
/** The query of each list request that reached the relay. */
const listQueries: URLSearchParams[] = [];
/** When set, the relay drops the filter parameters, as a server that knows none would ignore them. */
let dropFilters = false;

function plan(_n: number, request: IncomingMessage): 'forward' {
  const url = new URL(request.url ?? '/', 'http://relay');
  if (url.pathname.endsWith('/jobs')) {
    listQueries.push(url.searchParams);
    if (dropFilters) {
      for (const key of ['status', 'name', 'instance', 'database', 'job_id']) url.searchParams.delete(key);
      request.url = `${url.pathname}?${url.searchParams}`;
    }
  }
  return 'forward';
}

const list = (args: string[]) =>
  box.run(['list', ...args], { env: { ...server.tokenEnv, DDM_ENDPOINT: relay.url } });
/** The tasks printed as JSON, and the list requests the command sent. */
async function listJson(args: string[]): Promise<{ jobs: Job[]; pages: URLSearchParams[] }> {
  const before = listQueries.length;
  const result = await list([...args, '--output', 'json']);
  if (result.code !== 0) throw new Error(`list ${args.join(' ')}: ${result.stderr}`);
  return { jobs: JSON.parse(result.stdout), pages: listQueries.slice(before) };
}

beforeAll(async () => {
  server = await startTenantServer(running, dirs, SCENARIO);
  relay = await startRelay(server.url, plan);
  box = sandbox(dirs);
});
afterAll(async () => {
  await relay?.close();
  await running.stopAll();
  dirs.removeAll();
});

describe('ddm-jobs list filters, answered by the server', () => {
  it('sends --status to the server and fetches only the matching pages', async () => {
    const all = await listJson([]);
    expect(all.jobs).toHaveLength(157);
    expect(all.pages).toHaveLength(2);
    const failed = await listJson(['--status', 'failed']);
    expect(failed.jobs).toHaveLength(12);
    expect(failed.jobs.every((job) => job.status === 'Failed')).toBe(true);
    // One page of 12, not the window's two pages of 157 filtered here.
    expect(failed.pages.map((q) => [q.get('status'), q.get('offset') ?? '0'])).toEqual([['Failed', '0']]);
  });

  it('pages through a filtered window of more than 128 tasks, each once, newest first', async () => {
    const loads = await listJson(['--name', 'loadMetadata', '--status', 'Completed,Running']);
    expect(loads.jobs).toHaveLength(140);
    expect(new Set(loads.jobs.map((job) => job.id)).size).toBe(140);
    expect(loads.pages.map((q) => [q.get('name'), q.get('status'), q.get('offset') ?? '0'])).toEqual([
      ['loadMetadata', 'Completed,Running', '0'],
      ['loadMetadata', 'Completed,Running', '128'],
    ]);
  });

  it('takes exact names, comma-separated', async () => {
    expect((await listJson(['--name', 'RestartNode'])).jobs).toHaveLength(15);
    expect((await listJson(['--name', 'RestartNode, migrateLogicDb'])).jobs).toHaveLength(17);
    // Exact now: a part of a name matches nothing.
    const part = await list(['--name', 'Restart']);
    expect([part.code, part.stdout]).toEqual([
      0,
      expect.stringMatching(/^No tasks matching the filters created between \S+Z and \S+Z\.\n$/),
    ]);
  });

  it('filters by --instance (id in any case, or a part of the name), --database and --id', async () => {
    const billing = await listJson(['--instance', 'BILLING']);
    expect(billing.jobs.map((job) => job.id)).toEqual([BILLING]);
    expect(billing.pages[0]?.get('instance')).toBe('BILLING');
    const byId = await listJson(['--instance', '733C7E8D73A54C27B8308EC784A8BE8CIN09']);
    expect(byId.jobs).toHaveLength(156);
    const orders = await listJson(['--database', 'ORDERS']);
    expect(orders.jobs.map((job) => job.id)).toEqual([MIGRATION]);
    expect(orders.pages[0]?.get('database')).toBe('ORDERS');
    const one = await listJson(['--id', MIGRATION.toUpperCase(), '--status', 'Running']);
    expect(one.jobs.map((job) => job.id)).toEqual([MIGRATION]);
    expect(one.pages[0]?.get('job_id')).toBe(MIGRATION.toUpperCase());
  });

  it('sends no filter parameter without filters', async () => {
    const { pages } = await listJson(['--since', '1h']);
    expect(pages.length).toBeGreaterThan(0);
    for (const page of pages)
      for (const key of page.keys()) expect(['start_time', 'end_time', 'offset', 'limit']).toContain(key);
  });

  it('stops with exit 1 rather than print an unfiltered list when the server ignores the filters', async () => {
    dropFilters = true;
    try {
      const result = await list(['--status', 'Failed']);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/does not match the filters: it does not filter the list/);
    } finally {
      dropFilters = false;
    }
  });

  it.each([
    [
      ['--name', 'RestartNode,'],
      "option '--name <names>' argument 'RestartNode,' is invalid. names must not be empty.",
    ],
    [['--instance', ' '], "option '--instance <id-or-name>' argument ' ' is invalid. must not be empty."],
    [['--database', ''], "option '--database <text>' argument '' is invalid. must not be empty."],
    [['--id', ''], "option '--id <task-id>' argument '' is invalid. must not be empty."],
  ])('exits 2 for %j', async (args, message) => {
    const result = await list(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it("passes the server's refusal of a name too long on (exit 1, DBS.280001)", async () => {
    const result = await list(['--name', 'x'.repeat(65)]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/DBS\.280001 .*name must be/);
  });
});
