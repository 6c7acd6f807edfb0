import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ddmTime, HOUR, MINUTE, TASK_NOT_FOUND } from '../support/api.js';
import { PROJECT_A, startTestServer, type TestServer } from '../support/harness.js';

/** Reference section 3: GET /v3/{project_id}/jobs/{job_id}. */

describe('GET /v3/{project_id}/jobs/{job_id}', () => {
  let server: TestServer;
  let running: Record<string, unknown>;
  let completed: Record<string, unknown>;

  const show = async (jobId: string) =>
    server.app.inject({
      url: `/v3/${PROJECT_A}/jobs/${jobId}`,
      headers: { 'x-auth-token': await server.tokenFor('alice') },
    });

  beforeAll(async () => {
    server = await startTestServer();
    const now = server.clock.now();
    running = await server.record({
      name: 'CreateInstance',
      progress: 60,
      created_at: now - HOUR,
      instance_id: '733c7e8d73a54c27b8308ec784a8be8cin09',
      instance_name: 'DDM-test',
    });
    completed = await server.record({
      name: 'migrateLogicDb',
      status: 'Completed',
      database_name: 'db_1',
      created_at: now - 2 * HOUR,
      ended_at: now - 2 * HOUR + 5 * MINUTE,
    });
  });
  afterAll(() => server.close());

  it('shows a running task in the documented shape and key order', async () => {
    const response = await show(String(running.id));
    expect(response.statusCode).toBe(200);
    const createdTime = ddmTime(Number(running.created_at));
    expect(response.body).toBe(
      JSON.stringify({
        job: {
          id: running.id,
          name: 'CreateInstance',
          status: 'Running',
          created_time: createdTime,
          end_time: createdTime,
          process: '60%',
          instance: { id: '733c7e8d73a54c27b8308ec784a8be8cin09', name: 'DDM-test' },
        },
      }),
    );
  });

  it('shows a finished task with its end time and no progress', async () => {
    const response = await show(String(completed.id));
    expect(response.body).toBe(
      JSON.stringify({
        job: {
          id: completed.id,
          name: 'migrateLogicDb',
          status: 'Completed',
          created_time: ddmTime(Number(completed.created_at)),
          end_time: ddmTime(Number(completed.ended_at)),
          process: '',
          instance: { id: 'inst0001', name: 'ddm-test' },
        },
      }),
    );
  });

  it('finds a task by its id in upper case', async () => {
    const response = await show(String(running.id).toUpperCase());
    expect(response.statusCode).toBe(200);
    expect(response.json().job.id).toBe(running.id);
  });

  it('answers an unknown id with 404 DBS.300400', async () => {
    const response = await show('00000000-0000-4000-8000-000000000000');
    expect(response.statusCode).toBe(404);
    expect(response.body).toBe(TASK_NOT_FOUND);
  });

  it.each([
    'not-a-uuid',
    '1',
    `${'a'.repeat(36)}`,
    '%27%20OR%201%3D1',
    '123e4567-e89b-12d3-a456-42661417400',
  ])('answers the id %s, which is not a UUID, with 404 DBS.300400', async (id) => {
    const response = await show(id);
    expect(response.statusCode).toBe(404);
    expect(response.body).toBe(TASK_NOT_FOUND);
  });

  it('checks the token before looking for the task', async () => {
    const response = await server.app.inject({ url: `/v3/${PROJECT_A}/jobs/${running.id}` });
    expect(response.statusCode).toBe(401);
    expect(response.json().error_code).toBe('APIGW.0301');
  });
});
