import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { act, recordMigration } from '../api/actions-support.js';
import { PROJECT_A, startTestServer, type TestServer } from '../support/harness.js';

// An error message names the field at fault, and that name may be the caller's own: it comes
// back as a short, escaped excerpt, never whole and never with characters a terminal or a log
// viewer would act on.

const LONG_KEY = 'x'.repeat(60_000);
const STEERING_KEY = 'a\u001b[31mb\u202ec';

describe('error messages that repeat a caller-chosen field name', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  const record = async (body: Record<string, unknown>, url = '/internal/v1/jobs') =>
    server.app.inject({
      method: 'POST',
      url,
      headers: { 'x-auth-token': await server.tokenFor('worker') },
      payload: body,
    });
  const task = {
    project_id: PROJECT_A,
    name: 'createInstance',
    instance_id: 'inst0001',
    instance_name: 'ddm',
  };

  it('cut a 60,000-character unknown key to 64 characters and an ellipsis, and record nothing', async () => {
    for (const response of [
      await record({ ...task, [LONG_KEY]: 1 }),
      await record({ [LONG_KEY]: [] }, '/internal/v1/jobs/batch'),
    ]) {
      expect(response.statusCode).toBe(400);
      const message: string = response.json().error_msg;
      expect(message).toContain(`${'x'.repeat(64)}… is not a known field.`);
      expect(message).not.toContain('x'.repeat(65));
      expect(message.length).toBeLessThan(200);
    }
    expect(await server.store.countJobsByStatus()).toEqual({});
  });

  it('show control and bidirectional characters as \\u escapes', async () => {
    const response = await record({ ...task, [STEERING_KEY]: 1 });
    expect(response.statusCode).toBe(400);
    const message: string = response.json().error_msg;
    expect(message).toContain('a\\u001b[31mb\\u202ec is not a known field.');
    expect([...message].filter((c) => c < ' ' || c === '\u202e')).toEqual([]);
  });

  it('do the same on a tenant action, which changes nothing', async () => {
    const job = await recordMigration(server, { status: 'ToBeSwitched' });
    const response = await act(server, job, 'route-switch-strategy', { payload: { [LONG_KEY]: 1 } });
    expect(response.statusCode).toBe(400);
    const message: string = response.json().error_msg;
    expect(message).toContain(`${'x'.repeat(64)}… is not a known field.`);
    expect(message.length).toBeLessThan(200);
    expect(await server.store.getJob(job.id)).toMatchObject({ status: 'ToBeSwitched', version: 1 });
  });
});
