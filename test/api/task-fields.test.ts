import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyBootstrap, buildApp, createProducer, type Store } from '@ddm-jobs/server';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, ddmTime, HOUR, listAs, listUrl, MINUTE } from '../support/api.js';
import {
  ManualClock,
  openTestStore,
  PASSWORD,
  PROJECT_A,
  removeTestData,
  startTestServer,
  type TestServer,
} from '../support/harness.js';
import { passwordSignIn } from '../support/keystone-body.js';

/** Reference sections 2 and 4: process, end_time, operations, fail_reason and the times of each task. */

const FINISHED = new Set(['Completed', 'Failed', 'CancelSuccess', 'RollbackSuccess']);

/** Reference section 4, written out: the operations of a migration task in each status. */
const MIGRATION_OPERATIONS: [status: string, window: boolean, operations: string[]][] = [
  ['Running', false, ['toBeCanceled']],
  ['Completed', false, []],
  ['Failed', false, ['toBeCanceled', 'toBeRetried', 'toBeRolled']],
  ['Expanding', false, []],
  ['Canceling', false, []],
  ['Rollbacking', false, []],
  ['RollbackSuccess', false, ['toBeCleaned']],
  ['CancelSuccess', false, ['toBeCleaned']],
  ['ToBeSwitched', false, ['modifySwitchingStrategy', 'toBeSwitched', 'toBeCanceled']],
  ['ToBeSwitched', true, ['modifySwitchingStrategy', 'toBeCanceled']],
  ['Switching', false, []],
  ['Switching', true, []],
];

const EXECUTING = ['Running', 'Expanding', 'Switching', 'Canceling', 'Rollbacking'];
const NOT_EXECUTING = ['Completed', 'Failed', 'RollbackSuccess', 'CancelSuccess', 'ToBeSwitched'];

interface Item {
  id: string;
  status: string;
  created_time: string;
  end_time: string;
  process: string;
  operations: string[];
  fail_reason: string;
}

describe('the fields of a listed task', () => {
  let server: TestServer;
  let now: number;
  let createdAt: number;
  let items: Map<string, Item>;
  const recorded: Record<string, unknown>[] = [];
  let next = 0;

  /** Records a task at a creation time of its own, and returns its id. */
  const record = async (body: Record<string, unknown>) => {
    const job = await server.record({ created_at: createdAt - next++ * MINUTE, ...body });
    recorded.push(job);
    return String(job.id);
  };
  const item = (id: string) => items.get(id) as Item;

  const ids = {
    migration: new Map<string, string>(),
    retry: new Map<string, string>(),
    progress: new Map<string, string>(),
    other: [] as [name: string, status: string, id: string][],
    failed: '',
    completedWithReason: '',
    unfinished: '',
    finished: '',
  };

  beforeAll(async () => {
    server = await startTestServer();
    now = server.clock.now();
    createdAt = now - HOUR;
    const windowOf = (on: boolean) =>
      on ? { switch_route_begin_time: '02:00:00', switch_route_end_time: '04:00:00' } : {};
    const endOf = (status: string) => (FINISHED.has(status) ? { ended_at: now - 5 * MINUTE } : {});
    for (const [status, window] of MIGRATION_OPERATIONS) {
      const body = { status, ...windowOf(window), ...endOf(status) };
      ids.migration.set(`${status}/${window}`, await record({ name: 'migrateLogicDb', ...body }));
      ids.retry.set(`${status}/${window}`, await record({ name: 'retryMigrateLogicDb', ...body }));
    }
    for (const status of [...EXECUTING, ...NOT_EXECUTING]) {
      ids.progress.set(
        status,
        await record({ name: 'migrateLogicDb', status, progress: 60, ...endOf(status) }),
      );
    }
    for (const [name, status] of [
      ['CreateInstance', 'Running'],
      ['CreateInstance', 'Completed'],
      ['CreateInstance', 'Failed'],
      ['EnlargeNode', 'Expanding'],
      ['ReduceNode', 'Running'],
      ['DeleteInstance', 'Failed'],
      ['deleteConsistentBackup', 'Running'],
    ] as const) {
      ids.other.push([name, status, await record({ name, status })]);
    }
    ids.failed = await record({ name: 'CreateInstance', status: 'Failed', fail_reason: 'disk full' });
    ids.completedWithReason = await record({
      name: 'CreateInstance',
      status: 'Completed',
      fail_reason: 'a retried step failed once',
    });
    ids.unfinished = await record({ name: 'RestartInstance', created_at: now - 3 * HOUR - 7_250 });
    ids.finished = await record({
      name: 'RestartInstance',
      status: 'Completed',
      created_at: now - 3 * HOUR,
      ended_at: now - 2 * HOUR - 1_999,
    });

    const response = await listAs(server, 'alice', PROJECT_A, {
      start_time: now - DAY,
      end_time: now,
      limit: 128,
    });
    const body = response.json();
    expect(body.total).toBe(recorded.length);
    items = new Map((body.jobs as Item[]).map((job) => [job.id, job]));
  });
  afterAll(() => server.close());

  describe('operations of a migration task', () => {
    it.each(MIGRATION_OPERATIONS)('in %s (switch window: %s) are %j', (status, window, operations) => {
      expect(item(ids.migration.get(`${status}/${window}`) as string).operations).toEqual(operations);
    });

    it.each(MIGRATION_OPERATIONS)(
      'of a retryMigrateLogicDb task in %s (switch window: %s) are %j',
      (status, window, operations) => {
        expect(item(ids.retry.get(`${status}/${window}`) as string).operations).toEqual(operations);
      },
    );
  });

  it('gives every task that is not a migration no operations, whatever its status', () => {
    for (const [name, status, id] of ids.other) {
      expect([name, status, item(id).operations]).toEqual([name, status, []]);
    }
  });

  it.each(EXECUTING)('shows process "60%%" for a task in %s', (status) => {
    expect(item(ids.progress.get(status) as string).process).toBe('60%');
  });

  it.each(NOT_EXECUTING)('shows process "" for a task in %s, whatever its progress', (status) => {
    expect(item(ids.progress.get(status) as string).process).toBe('');
  });

  it('shows process "0%" for a task that has just started', () => {
    const running = ids.other.find(([name, status]) => name === 'CreateInstance' && status === 'Running');
    expect(item(running?.[2] as string).process).toBe('0%');
  });

  it('gives an unfinished task its creation time as end time', () => {
    const task = item(ids.unfinished);
    expect([task.created_time, task.end_time]).toEqual([
      ddmTime(now - 3 * HOUR - 7_250),
      ddmTime(now - 3 * HOUR - 7_250),
    ]);
  });

  it('gives a finished task the time it finished as end time, to the second', () => {
    const task = item(ids.finished);
    expect([task.created_time, task.end_time]).toEqual([
      ddmTime(now - 3 * HOUR),
      ddmTime(now - 2 * HOUR - 1_999),
    ]);
    expect(task.end_time).toBe('2026-11-28T09:59:58+0000');
  });

  it('gives every unfinished status the creation time as end time', () => {
    for (const status of [...EXECUTING, 'ToBeSwitched']) {
      const task = item(ids.progress.get(status) as string);
      expect([status, task.end_time]).toEqual([status, task.created_time]);
    }
  });

  it('shows the fail_reason of a Failed task', () => {
    expect(item(ids.failed).fail_reason).toBe('disk full');
  });

  it('shows fail_reason "" for a task not Failed, even when the producer gave one', () => {
    expect(item(ids.completedWithReason).fail_reason).toBe('');
  });

  it('shows fail_reason "" for a Failed task whose producer gave none', () => {
    const failed = ids.other.find(([name, status]) => name === 'CreateInstance' && status === 'Failed');
    expect(item(failed?.[2] as string).fail_reason).toBe('');
  });

  it('gives every task every field, strings never null, in the documented order', () => {
    for (const task of items.values()) {
      expect(Object.keys(task)).toEqual([
        'id',
        'name',
        'status',
        'created_time',
        'end_time',
        'process',
        'instance_name',
        'instance_id',
        'operations',
        'database_name',
        'fail_reason',
      ]);
      for (const value of Object.values(task)) expect(value).not.toBeNull();
      expect(task.created_time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0000$/);
      expect(task.end_time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0000$/);
    }
  });
});

// Reference section 2: times in a configured zone carry that zone's offset at each instant.
describe('a server configured with the zone Europe/Berlin', () => {
  const clock = new ManualClock(Date.parse('2025-11-01T12:00:00Z'));
  const dataDir = mkdtempSync(join(tmpdir(), 'ddm-jobs-test-'));
  let store: Store;
  let app: FastifyInstance;
  let token: string;

  beforeAll(async () => {
    store = await openTestStore(dataDir);
    await applyBootstrap(
      store,
      {
        projects: [{ name: 'project-a', id: PROJECT_A }],
        users: [
          { name: 'alice', password: PASSWORD, roles: [{ project: 'project-a', roles: ['te_admin'] }] },
        ],
      },
      clock,
    );
    app = await buildApp({ store, clock, timeZone: 'Europe/Berlin' });
    const producer = createProducer(store, clock);
    const task = { project_id: PROJECT_A, instance_id: 'inst0001', instance_name: 'ddm-test' };
    // Summer time (+0200) until 2025-10-26T01:00Z, winter time (+0100) after.
    await producer.record({
      ...task,
      id: '00000000-0000-4000-8000-000000000001',
      name: 'CreateInstance',
      status: 'Completed',
      created_at: Date.parse('2025-10-26T00:59:59Z'),
      ended_at: Date.parse('2025-10-26T01:00:00Z'),
    });
    await producer.record({
      ...task,
      id: '00000000-0000-4000-8000-000000000002',
      name: 'CreateInstance',
      created_at: Date.parse('2025-10-20T08:30:15.999Z'),
    });
    const issued = await app.inject({
      method: 'POST',
      url: '/v3/auth/tokens',
      payload: passwordSignIn({ name: 'alice', password: PASSWORD }, PROJECT_A),
    });
    token = String(issued.headers['x-subject-token']);
  });
  afterAll(async () => {
    await app.close();
    await store.close();
    await removeTestData(dataDir);
  });

  it("renders each time with the zone's offset at that instant, across the change of clocks", async () => {
    const now = clock.now();
    const response = await app.inject({
      url: listUrl(PROJECT_A, { start_time: now - 20 * DAY, end_time: now }),
      headers: { 'x-auth-token': token },
    });
    const times = response
      .json()
      .jobs.map((job: { created_time: string; end_time: string }) => [job.created_time, job.end_time]);
    expect(times).toEqual([
      ['2025-10-26T02:59:59+0200', '2025-10-26T02:00:00+0100'],
      ['2025-10-20T10:30:15+0200', '2025-10-20T10:30:15+0200'],
    ]);
  });

  it('renders the times of one task in the same zone', async () => {
    const response = await app.inject({
      url: `/v3/${PROJECT_A}/jobs/00000000-0000-4000-8000-000000000001`,
      headers: { 'x-auth-token': token },
    });
    expect(response.json().job).toMatchObject({
      created_time: '2025-10-26T02:59:59+0200',
      end_time: '2025-10-26T02:00:00+0100',
    });
  });
});
