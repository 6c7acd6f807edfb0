import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, ddmTime, HOUR, listAs } from '../support/api.js';
import { ManualClock, PROJECT_A, startTestServer, type TestServer } from '../support/harness.js';

/**
 * The documented example of "Querying Tasks (a V3 API)": three tasks on one instance, a
 * migration waiting for its automatic switch window, a finished migration, a finished creation.
 */
const instance = { instance_id: '733c7e8d73a54c27b8308ec784a8be8cin09', instance_name: 'UTS-ddm-dtc-src' };
const at = (time: string) => Date.parse(`2025-05-20T${time}Z`);

interface SeedTask {
  id: string;
  name: string;
  status: string;
  created_at: number;
  ended_at?: number;
  database_name?: string;
  [field: string]: unknown;
}

const toBeSwitched: SeedTask = {
  id: '92370d30-3ddc-4e05-b8ab-51662d824318',
  name: 'migrateLogicDb',
  status: 'ToBeSwitched',
  database_name: 'db_e487',
  created_at: at('15:05:13'),
  // An automatic switch window, so the task does not offer toBeSwitched.
  switch_route_begin_time: '02:00:00',
  switch_route_end_time: '04:00:00',
};
const migrated: SeedTask = {
  id: '10501cd3-0c19-498b-9ba4-8935ed447542',
  name: 'migrateLogicDb',
  status: 'Completed',
  database_name: 'db_e487',
  created_at: at('14:48:09'),
  ended_at: at('15:03:45'),
};
const created: SeedTask = {
  id: '57933931-9323-422d-8f3d-20a62eb00c4e',
  name: 'CreateInstance',
  status: 'Completed',
  created_at: at('07:51:47'),
  ended_at: at('07:56:54'),
};

describe('the documented example', () => {
  let server: TestServer;
  beforeAll(async () => {
    // The day after the example's tasks, so that they were created within the last week.
    server = await startTestServer({ clock: new ManualClock(Date.parse('2025-05-21T09:30:00Z')) });
    for (const task of [created, migrated, toBeSwitched]) await server.record({ ...instance, ...task });
  });
  afterAll(() => server.close());

  it('lists the three recorded tasks exactly as the example response, key order included', async () => {
    const now = server.clock.now();
    const response = await listAs(server, 'alice', PROJECT_A, { start_time: now - 7 * DAY, end_time: now });
    // Built by hand in the documented key order; the unfinished task ends when it was created.
    const item = (task: SeedTask, operations: string[]) => ({
      id: task.id,
      name: task.name,
      status: task.status,
      created_time: ddmTime(task.created_at),
      end_time: ddmTime(task.ended_at ?? task.created_at),
      process: '',
      instance_name: 'UTS-ddm-dtc-src',
      instance_id: '733c7e8d73a54c27b8308ec784a8be8cin09',
      operations,
      database_name: task.database_name ?? '',
      fail_reason: '',
    });
    const expected = JSON.stringify({
      jobs: [
        item(toBeSwitched, ['modifySwitchingStrategy', 'toBeCanceled']),
        item(migrated, []),
        item(created, []),
      ],
      offset: 0,
      limit: 10,
      total: 3,
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.body).toBe(expected);
  });

  it('renders the times of the example as the example does', async () => {
    const now = server.clock.now();
    const response = await listAs(server, 'alice', PROJECT_A, { start_time: now - 2 * DAY, end_time: now });
    const times = response
      .json()
      .jobs.map((job: { created_time: string; end_time: string }) => [job.created_time, job.end_time]);
    expect(times).toEqual([
      ['2025-05-20T15:05:13+0000', '2025-05-20T15:05:13+0000'],
      ['2025-05-20T14:48:09+0000', '2025-05-20T15:03:45+0000'],
      ['2025-05-20T07:51:47+0000', '2025-05-20T07:56:54+0000'],
    ]);
  });

  it("answers the example request's window, which ends before the tasks were created, with none", async () => {
    const response = await listAs(
      server,
      'alice',
      PROJECT_A,
      'start_time=1746028800000&end_time=1747319097182',
    );
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('{"jobs":[],"offset":0,"limit":10,"total":0}');
  });

  it('keeps the example in the window when the window starts at the oldest task', async () => {
    const response = await listAs(server, 'alice', PROJECT_A, {
      start_time: created.created_at,
      end_time: toBeSwitched.created_at + HOUR,
    });
    expect(response.json().total).toBe(3);
  });
});
