import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { internal } from '../support/api.js';
import { PROJECT_A, PROJECT_B, type TestServer } from '../support/harness.js';
import { sdkSign, type ToSign } from '../support/sdk-signer.js';
import { ALICE_KEY, startSignedServer } from './fixture.js';

/** The tenant actions signed with SDK-HMAC-SHA256, as the official SDKs send them. */
let server: TestServer;
beforeEach(async () => {
  server = await startSignedServer();
});
afterEach(() => server.close());

const SIGNATURE_FAIL = JSON.stringify({
  error_code: 'APIGW.0301',
  error_msg: 'Incorrect IAM authentication information: verify aksk signature fail',
});

const pathOf = (id: string, action: string, projectId = PROJECT_A) =>
  `/v3/${projectId}/instances/inst0001/databases/db_e487/migration/jobs/${id}/${action}`;

async function send(request: ToSign, tamper?: (headers: Record<string, string>) => string | undefined) {
  const { url, headers } = sdkSign(request, ALICE_KEY, server.clock.now());
  const body = tamper ? tamper(headers) : request.body;
  return server.app.inject({
    method: 'PUT',
    url,
    headers,
    ...(body === undefined ? {} : { payload: body }),
  });
}

const migration = (fields: Record<string, unknown>) =>
  server.record({ id: randomUUID(), name: 'migrateLogicDb', database_name: 'db_e487', ...fields });

const storedVersion = async (id: string) =>
  (await internal(server, 'GET', `/internal/v1/jobs/${id}`)).json().job.version as number;

describe('signed tenant actions', () => {
  it('cancel, signed over an empty body as the SDK sends it (Content-Type: application/json)', async () => {
    const job = await migration({ status: 'Running' });
    const response = await send({
      method: 'PUT',
      path: pathOf(job.id as string, 'cancel'),
      headers: { 'X-Project-Id': PROJECT_A },
    });
    expect(response.statusCode).toBe(202);
    expect(response.body).toBe(JSON.stringify({ job_id: job.id }));
    expect((await internal(server, 'GET', `/internal/v1/jobs/${job.id}`)).json().job.status).toBe(
      'Canceling',
    );
  });

  it('route-switch-strategy with a body, verified against the body’s bytes', async () => {
    const job = await migration({ status: 'ToBeSwitched' });
    const body =
      '{"switch_route_begin_time": "17:00:00", "switch_route_end_time": "18:00:00", "is_open_api": true}';
    const response = await send({
      method: 'PUT',
      path: pathOf(job.id as string, 'route-switch-strategy'),
      body,
    });
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('{}');
    expect((await internal(server, 'GET', `/internal/v1/jobs/${job.id}`)).json().job).toMatchObject({
      switch_route_begin_time: '17:00:00',
      switch_route_end_time: '18:00:00',
    });
  });

  it('refuses a body changed after signing with 401 APIGW.0301, changing nothing', async () => {
    const job = await migration({ status: 'ToBeSwitched' });
    const body = '{"switch_route_begin_time":"17:00:00","switch_route_end_time":"18:00:00"}';
    const response = await send(
      { method: 'PUT', path: pathOf(job.id as string, 'route-switch-strategy'), body },
      () => '{"switch_route_begin_time":"","switch_route_end_time":""}',
    );
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject(JSON.parse(SIGNATURE_FAIL));
    expect(await storedVersion(job.id as string)).toBe(1);
  });

  it('checks the signature before the body: a signed body that is not JSON is 400 only once verified', async () => {
    const job = await migration({ status: 'Running' });
    const signed = await send({ method: 'PUT', path: pathOf(job.id as string, 'cancel'), body: '{"oops":' });
    expect(signed.statusCode).toBe(400);
    expect(signed.json().error_code).toBe('DBS.280001');
    const forged = await send(
      { method: 'PUT', path: pathOf(job.id as string, 'cancel'), body: '{"oops":' },
      (headers) => {
        headers.Authorization =
          headers.Authorization?.replace(/Signature=\w+/, `Signature=${'0'.repeat(64)}`) ?? '';
        return '{"oops":';
      },
    );
    expect(forged.statusCode).toBe(401);
    expect(await storedVersion(job.id as string)).toBe(1);
  });

  it('refuses a signed action on a project where the key’s user has no role with 403 APIGW.0302', async () => {
    const job = await migration({ status: 'Running', project_id: PROJECT_B });
    const response = await send({ method: 'PUT', path: pathOf(job.id as string, 'cancel', PROJECT_B) });
    expect(response.statusCode).toBe(403);
    expect(response.json().error_code).toBe('APIGW.0302');
  });

  it('keeps the access key’s user as who cleaned a task', async () => {
    const job = await migration({ status: 'CancelSuccess' });
    const response = await send({ method: 'PUT', path: pathOf(job.id as string, 'clean') });
    expect(response.statusCode).toBe(202);
    const alice = await server.store.findUser({ name: 'alice', domainId: 'default' });
    expect((await server.store.findRemovedJob(job.id as string))?.removedBy).toBe(alice?.id);
  });
});
