import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_A, startTestServer, type TestServer } from '../support/harness.js';

describe('the task API on a fresh store', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('lists a recorded task to its project', async () => {
    const job = await server.record({ name: 'CreateInstance', created_at: server.clock.now() - 1000 });
    const now = server.clock.now();
    const response = await server.app.inject({
      url: `/v3/${PROJECT_A}/jobs?start_time=${now - 3_600_000}&end_time=${now}`,
      headers: { 'x-auth-token': await server.tokenFor('alice') },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      total: 1,
      offset: 0,
      limit: 10,
      jobs: [{ id: job.id, process: '0%' }],
    });
  });
});
