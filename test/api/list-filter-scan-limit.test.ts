import { randomUUID } from 'node:crypto';
import { FILTER_SCAN_LIMIT } from '@ddm-jobs/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, internal, listAs, PARAMETER_ERROR, SECOND } from '../support/api.js';
import { PROJECT_A, startTestServer, type TestServer } from '../support/harness.js';

/**
 * The bound of the instance and database filters (docs/api.md, "Listing tasks"): they examine at
 * most 20,000 tasks of the window, those passing the other filters; more candidates are refused
 * with a 400 telling how many and how to narrow. Recorded for real: 20,001 tasks.
 */

let server: TestServer;
let now: number;
const TASKS = FILTER_SCAN_LIMIT + 1;

beforeAll(async () => {
  server = await startTestServer();
  now = server.clock.now();
  // 20,000 tasks named CreateInstance and one EnlargeNode, the newest, over the last day.
  const items = Array.from({ length: TASKS }, (_, i) => ({
    id: randomUUID(),
    project_id: PROJECT_A,
    name: i === 0 ? 'EnlargeNode' : 'CreateInstance',
    instance_id: 'inst0001',
    instance_name: i === 0 ? 'ddm-orders' : 'ddm-test',
    database_name: i % 2 === 0 ? 'db_orders' : 'db_sales',
    created_at: now - SECOND - i * 4 * SECOND,
  }));
  for (let i = 0; i < items.length; i += 1000) {
    const response = await internal(server, 'POST', '/internal/v1/jobs/batch', {
      create: items.slice(i, i + 1000),
    });
    expect(response.statusCode).toBe(200);
  }
}, 600_000);
afterAll(() => server.close());

const window = () => ({ start_time: now - DAY, end_time: now });

describe('instance and database filters over more than 20,000 tasks', () => {
  it('are refused with a 400 naming the bound, the count and the way out', async () => {
    for (const filter of ['instance=orders', 'database=ORDERS', 'instance=inst0001&database=sales']) {
      const response = await listAs(
        server,
        'alice',
        PROJECT_A,
        `start_time=${now - DAY}&end_time=${now}&${filter}`,
      );
      expect(response.statusCode).toBe(400);
      expect(response.body).toBe(
        PARAMETER_ERROR(
          'instance and database filters examine at most 20,000 tasks; 20,001 tasks of this window pass the other filters: narrow the window or add status or name.',
        ),
      );
    }
  });

  it('are answered once status, name or a narrower window leaves 20,000 candidates or fewer', async () => {
    const named = await listAs(server, 'alice', PROJECT_A, {
      ...window(),
      name: 'EnlargeNode',
      instance: 'orders',
    });
    expect(named.statusCode).toBe(200);
    expect(named.json().total).toBe(1);
    // The window without its oldest task holds exactly 20,000.
    const narrower = await listAs(server, 'alice', PROJECT_A, {
      start_time: now - SECOND - (TASKS - 2) * 4 * SECOND,
      end_time: now,
      database: 'orders',
      limit: 1,
    });
    expect(narrower.statusCode).toBe(200);
    expect(narrower.json().total).toBe(10_000);
  });

  it('never refuses a job_id, nor status and name alone, however many tasks they pass over', async () => {
    const first = (await listAs(server, 'alice', PROJECT_A, { ...window(), limit: 1 })).json();
    expect(first.total).toBe(TASKS);
    const id = first.jobs[0].id as string;
    const byId = await listAs(server, 'alice', PROJECT_A, { ...window(), job_id: id, database: 'orders' });
    expect(byId.json()).toMatchObject({ total: 1, jobs: [{ id }] });
    const byName = await listAs(server, 'alice', PROJECT_A, {
      ...window(),
      name: 'CreateInstance',
      offset: 19_990,
    });
    expect(byName.json()).toMatchObject({ total: FILTER_SCAN_LIMIT });
    expect(byName.json().jobs).toHaveLength(10);
  });
});
