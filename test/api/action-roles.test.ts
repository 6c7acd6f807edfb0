import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Answer, gatewayBodyFor, internal, listUrl } from '../support/api.js';
import {
  FIXTURE_IDENTITIES,
  PASSWORD,
  PROJECT_A,
  startTestServer,
  type TestServer,
} from '../support/harness.js';
import { sdkSign } from '../support/sdk-signer.js';
import { act, actionPath, DAILY_WINDOW, recordMigration } from './actions-support.js';

/**
 * The role model on the tenant API (docs/identity.md, "Roles"): any role on a project reads its
 * tasks; only an action role (`te_admin` unless the server is told otherwise) changes them. A
 * `readonly` user, by token or by access key, and a `service` worker are refused every action
 * with 403 APIGW.0302, and the task is left exactly as it was.
 */

const READER_KEY = { ak: 'READERAK000000000001', sk: 'readerSecretKey0123456789abcdefghijklmno' };

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    bootstrap: {
      ...FIXTURE_IDENTITIES,
      users: [
        ...(FIXTURE_IDENTITIES.users ?? []),
        {
          name: 'rita',
          password: PASSWORD,
          roles: [{ project: 'project-a', roles: ['readonly'] }],
          credentials: [{ access_key: READER_KEY.ak, secret_key: READER_KEY.sk }],
        },
      ],
    },
  });
});
afterAll(() => server.close());

/** Each action on a task in a status that offers it, so that a refusal is the role's alone. */
const CASES = [
  { action: 'cancel', status: 'Running', ok: 202 },
  { action: 'retry', status: 'Failed', ok: 202 },
  { action: 'rollback', status: 'Failed', ok: 202 },
  { action: 'clean', status: 'CancelSuccess', ok: 202 },
  { action: 'route-switch', status: 'ToBeSwitched', ok: 200 },
  { action: 'route-switch-strategy', status: 'ToBeSwitched', ok: 200 },
] as const;

const bodyOf = (action: string) => {
  if (action !== 'route-switch-strategy') return undefined;
  return JSON.stringify(DAILY_WINDOW);
};

/** The action signed with rita's access key, as the official SDKs send it. */
function signedByReader(target: { id: string }, action: string, body: string | undefined): Promise<Answer> {
  const path = actionPath(target, action);
  const { url, headers } = sdkSign(
    { method: 'PUT', path, ...(body === undefined ? {} : { body }) },
    READER_KEY,
    server.clock.now(),
  );
  return server.app.inject({ method: 'PUT', url, headers, ...(body === undefined ? {} : { payload: body }) });
}

/** The task as the producer's API shows it (a cleaned task is gone from it), status and body. */
const snapshot = async (id: string) => {
  const response = await internal(server, 'GET', `/internal/v1/jobs/${id}`);
  return `${response.statusCode} ${response.body}`;
};

const expectRefused = (response: Answer) => {
  expect(response.statusCode, response.body).toBe(403);
  expect(response.body).toBe(gatewayBodyFor(response, 'notAuthorized'));
};

describe('who may act on a task', () => {
  it.each(CASES)(
    '$action: readonly (token and access key) and service are 403 APIGW.0302 and change nothing; te_admin acts',
    async ({ action, status, ok }) => {
      const job = await recordMigration(server, { status });
      const before = await snapshot(job.id);
      const body = bodyOf(action);
      const payload = body ?? {};
      for (const user of ['rita', 'worker']) expectRefused(await act(server, job, action, { user, payload }));
      expectRefused(await signedByReader(job, action, body));
      expect(await snapshot(job.id)).toBe(before);

      const allowed = await act(server, job, action, { user: 'alice', payload });
      expect(allowed.statusCode, allowed.body).toBe(ok);
      expect(await snapshot(job.id)).not.toBe(before);
    },
  );

  it('refuses a reader before the body or the path is looked at: 403, not the 400 a bad request gets', async () => {
    const job = await recordMigration(server, { status: 'ToBeSwitched' });
    const before = await snapshot(job.id);
    const badBody = await act(server, job, 'route-switch-strategy', { user: 'rita', payload: '{"switch_' });
    expectRefused(badBody);
    const badInstance = await act(server, { id: job.id, instanceId: 'i'.repeat(65) }, 'cancel', {
      user: 'rita',
    });
    expectRefused(badInstance);
    expect(await snapshot(job.id)).toBe(before);
  });

  it('lets a reader read: the list, the task and its history', async () => {
    const job = await recordMigration(server, { status: 'Running' });
    const token = await server.tokenFor('rita', PROJECT_A);
    const urls = [
      listUrl(PROJECT_A, { start_time: job.created_at, end_time: job.created_at }),
      `/v3/${PROJECT_A}/jobs/${job.id}`,
      `/v3/${PROJECT_A}/jobs/${job.id}/history`,
    ];
    for (const url of urls) {
      const response = await server.app.inject({ url, headers: { 'x-auth-token': token } });
      expect(response.statusCode, `${url}: ${response.body}`).toBe(200);
      expect(response.body).toContain(url.endsWith('/history') ? '"status":"Running"' : job.id);
    }
  });

  it('names the action roles at GET /policy, without credentials', async () => {
    const response = await server.app.inject({ url: '/policy' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('{"action_roles":["te_admin"]}');
  });
});
