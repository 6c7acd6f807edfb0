import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { internal, MINUTE } from '../support/api.js';
import { PROJECT_A, PROJECT_B, startTestServer, type TestServer } from '../support/harness.js';
import { connectSse } from '../support/sse-client.js';
import { DATABASE, INSTANCE } from './actions-support.js';

/** Run-log lines on the tenant stream: one `log` event per append, the task as the list shows it. */

let server: TestServer;
let base: string;
beforeAll(async () => {
  server = await startTestServer({ feed: { pollMs: 20, keepAliveMs: 20 } });
  base = await server.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => server.close());

describe('run-log lines on the tenant stream', () => {
  it("tell the project's streams a log event with the lines, and other projects' nothing", async () => {
    const job = (await server.record({
      id: randomUUID(),
      name: 'migrateLogicDb',
      instance_id: INSTANCE,
      database_name: DATABASE,
      created_at: server.clock.now() - MINUTE,
    })) as { id: string };
    const own = await connectSse(base, `/v3/${PROJECT_A}/jobs/stream`, {
      'x-auth-token': await server.tokenFor('alice'),
    });
    const other = await connectSse(base, `/v3/${PROJECT_B}/jobs/stream`, {
      'x-auth-token': await server.tokenFor('bob'),
    });
    const now = server.clock.now();
    const appended = await internal(server, 'POST', `/internal/v1/jobs/${job.id}/logs`, {
      logs: [
        { level: 'INFO', message: 'copying shard 1' },
        { level: 'WARNING', message: 'slow data node' },
      ],
    });
    expect(appended.statusCode).toBe(201);
    await own.until((s) => s.events().length === 1);
    const [event] = own.events();
    expect(event?.event).toBe('log');
    const data = JSON.parse(event?.data ?? '');
    expect(data.type).toBe('log');
    expect(data.job.id).toBe(job.id);
    expect(data.job.status).toBe('Running');
    expect(data.logs).toEqual([
      {
        task_id: job.id,
        ddm_instance_id: INSTANCE,
        level: 'INFO',
        created_time: now,
        message: 'copying shard 1',
      },
      {
        task_id: job.id,
        ddm_instance_id: INSTANCE,
        level: 'WARNING',
        created_time: now,
        message: 'slow data node',
      },
    ]);
    // A change of project B's after it: B's stream gets that one alone, never A's lines.
    await server.record({ project_id: PROJECT_B, name: 'CreateInstance' });
    await other.until((s) => s.events().length === 1);
    expect(other.events()[0]?.event).toBe('created');
    expect(other.text()).not.toContain('copying shard 1');
    own.close();
    other.close();
  });
});
