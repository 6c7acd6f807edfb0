import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, gatewayBodyFor, listAs, TASK_NOT_FOUND } from '../support/api.js';
import { PROJECT_A, PROJECT_B, startTestServer, type TestServer } from '../support/harness.js';

/** A tenant never sees, nor learns of, another project's tasks (design, reliability). */

describe("another project's tasks", () => {
  let server: TestServer;
  let taskOfA: string;
  let taskOfB: string;
  let window: { start_time: number; end_time: number };

  const show = async (user: string, projectId: string, jobId: string) =>
    server.app.inject({
      url: `/v3/${projectId}/jobs/${jobId}`,
      headers: { 'x-auth-token': await server.tokenFor(user) },
    });

  beforeAll(async () => {
    server = await startTestServer();
    const now = server.clock.now();
    taskOfA = String((await server.record({ name: 'CreateInstance', created_at: now - 1000 })).id);
    taskOfB = String(
      (await server.record({ project_id: PROJECT_B, name: 'DeleteInstance', created_at: now - 2000 })).id,
    );
    window = { start_time: now - DAY, end_time: now };
  });
  afterAll(() => server.close());

  it("lists only the project's own tasks", async () => {
    const ofA = (await listAs(server, 'alice', PROJECT_A, window)).json();
    const ofB = (await listAs(server, 'bob', PROJECT_B, window)).json();
    expect([ofA.total, ofA.jobs.map((job: { id: string }) => job.id)]).toEqual([1, [taskOfA]]);
    expect([ofB.total, ofB.jobs.map((job: { id: string }) => job.id)]).toEqual([1, [taskOfB]]);
  });

  it('answers a task of project A, asked for from project B, exactly as an unknown id', async () => {
    const other = await show('bob', PROJECT_B, taskOfA);
    const unknown = await show('bob', PROJECT_B, '00000000-0000-4000-8000-000000000000');
    expect(other.statusCode).toBe(404);
    expect(other.body).toBe(TASK_NOT_FOUND);
    expect(other.body).toBe(unknown.body);
    expect(other.headers['content-type']).toBe(unknown.headers['content-type']);
  });

  it("refuses a list of project A's path with project B's token (403 APIGW.0302)", async () => {
    const response = await listAs(server, 'bob', PROJECT_A, window);
    expect(response.statusCode).toBe(403);
    expect(response.body).toBe(gatewayBodyFor(response, 'notAuthorized'));
  });

  it("refuses a task under project A's path with project B's token (403 APIGW.0302)", async () => {
    const response = await show('bob', PROJECT_A, taskOfA);
    expect(response.statusCode).toBe(403);
    expect(response.body).toBe(gatewayBodyFor(response, 'notAuthorized'));
  });

  it('answers the same 403 for a task that exists and one that does not', async () => {
    const existing = await show('bob', PROJECT_A, taskOfA);
    const missing = await show('bob', PROJECT_A, '00000000-0000-4000-8000-000000000000');
    expect([existing.statusCode, missing.statusCode]).toEqual([403, 403]);
    expect(existing.json().error_msg).toBe(missing.json().error_msg);
  });
});
