import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PROJECT_A, PROJECT_B, type TestServer } from '../support/harness.js';
import { sdkSign, type ToSign } from '../support/sdk-signer.js';
import { ALICE_KEY, startSignedServer, WORKER_KEY } from './fixture.js';

let server: TestServer;
beforeEach(async () => {
  server = await startSignedServer();
});
afterEach(() => server.close());

const DAY = 86_400_000;
const listing = (projectId = PROJECT_A): ToSign => ({
  method: 'GET',
  path: `/v3/${projectId}/jobs`,
  query: [
    ['start_time', String(server.clock.now() - DAY)],
    ['end_time', String(server.clock.now())],
  ],
  headers: { 'X-Project-Id': projectId },
});

async function send(request: ToSign, key = ALICE_KEY, signedAt = server.clock.now()) {
  const { url, headers } = sdkSign(request, key, signedAt);
  return server.app.inject({
    method: request.method as 'GET',
    url,
    headers,
    ...(request.body === undefined ? {} : { payload: request.body }),
  });
}

const SIGNATURE_FAIL = {
  error_code: 'APIGW.0301',
  error_msg: 'Incorrect IAM authentication information: verify aksk signature fail',
};

describe('requests signed with SDK-HMAC-SHA256', () => {
  it('list the project’s tasks and read one', async () => {
    const job = await server.record({ id: '92370d30-3ddc-4e05-b8ab-51662d824318', name: 'migrateLogicDb' });
    const list = await send(listing());
    expect(list.statusCode).toBe(200);
    expect(list.json().jobs.map((j: { id: string }) => j.id)).toEqual([job.id]);
    const one = await send({ method: 'GET', path: `/v3/${PROJECT_A}/jobs/${job.id}` });
    expect(one.statusCode).toBe(200);
    expect(one.json().job.id).toBe(job.id);
  });

  it('carry a body: a service user’s key records a task on the internal API', async () => {
    const body = JSON.stringify({
      id: '0b0c0d0e-0000-4000-8000-000000000001',
      project_id: PROJECT_A,
      name: 'createInstance',
      instance_id: 'inst0001',
      instance_name: 'ddm-test',
    });
    const response = await send({ method: 'POST', path: '/internal/v1/jobs', body }, WORKER_KEY);
    expect(response.statusCode).toBe(201);
    expect(response.json().job.id).toBe('0b0c0d0e-0000-4000-8000-000000000001');
  });

  it('refuses a replay dated 16 minutes ago with 401 APIGW.0301', async () => {
    const signedAt = server.clock.now();
    expect((await send(listing(), ALICE_KEY, signedAt)).statusCode).toBe(200);
    server.clock.advance(16 * 60_000);
    const replay = await send(listing(), ALICE_KEY, signedAt);
    expect(replay.statusCode).toBe(401);
    expect(replay.json()).toMatchObject(SIGNATURE_FAIL);
  });

  it('refuses a signature that does not cover the host, as a replay against another endpoint would be', async () => {
    const hostless = await send({ ...listing(), headers: { Host: undefined, 'Content-Type': undefined } });
    expect(hostless.statusCode).toBe(401);
    expect(hostless.json()).toMatchObject(SIGNATURE_FAIL);
    // The same request with the host signed passes.
    expect((await send({ ...listing(), headers: { 'Content-Type': undefined } })).statusCode).toBe(200);
  });

  it('refuses a tampered body, path or query with the same answer', async () => {
    const body = JSON.stringify({
      id: '0b0c0d0e-0000-4000-8000-000000000002',
      project_id: PROJECT_A,
      name: 'createInstance',
      instance_id: 'i',
      instance_name: 'n',
    });
    const signed = sdkSign(
      { method: 'POST', path: '/internal/v1/jobs', body },
      WORKER_KEY,
      server.clock.now(),
    );
    const tampered = await server.app.inject({
      method: 'POST',
      url: signed.url,
      headers: signed.headers,
      payload: body.replace('createInstance', 'deleteInstance'),
    });
    expect(tampered.statusCode).toBe(401);
    expect(tampered.json()).toMatchObject(SIGNATURE_FAIL);
    const list = sdkSign(listing(), ALICE_KEY, server.clock.now());
    const otherWindow = await server.app.inject({
      method: 'GET',
      url: list.url.replace('start_time=', 'start_time=1'),
      headers: list.headers,
    });
    expect(otherWindow.json()).toMatchObject(SIGNATURE_FAIL);
    const otherProject = await server.app.inject({
      method: 'GET',
      url: list.url.replace(PROJECT_A, PROJECT_B),
      headers: list.headers,
    });
    expect(otherProject.json()).toMatchObject(SIGNATURE_FAIL);
  });

  it('refuses an unknown access key and a wrong secret key alike', async () => {
    const unknown = await send(listing(), { ak: 'NOSUCHAK000000000001', sk: ALICE_KEY.sk });
    const wrong = await send(listing(), { ak: ALICE_KEY.ak, sk: WORKER_KEY.sk });
    expect([unknown.statusCode, wrong.statusCode]).toEqual([401, 401]);
    expect(unknown.json()).toMatchObject(SIGNATURE_FAIL);
    expect(wrong.json()).toMatchObject(SIGNATURE_FAIL);
  });

  it('answers 403 APIGW.0302 for a project the key’s user has no role on, or another X-Project-Id', async () => {
    const noRole = await send(listing(PROJECT_B));
    expect(noRole.statusCode).toBe(403);
    expect(noRole.json().error_code).toBe('APIGW.0302');
    const declared = await send({ ...listing(), headers: { 'X-Project-Id': PROJECT_B } });
    expect(declared.statusCode).toBe(403);
    expect(declared.json().error_code).toBe('APIGW.0302');
  });

  it('refuses a tenant’s key on the internal API with 403 APIGW.0302', async () => {
    const response = await send({
      method: 'GET',
      path: '/internal/v1/jobs/0b0c0d0e-0000-4000-8000-000000000009',
    });
    expect(response.statusCode).toBe(403);
  });

  it('refuses a disabled key, and a disabled user’s key, like a bad signature', async () => {
    await server.store.setCredentialEnabled(ALICE_KEY.ak, false);
    expect((await send(listing())).json()).toMatchObject(SIGNATURE_FAIL);
    await server.store.setCredentialEnabled(ALICE_KEY.ak, true);
    expect((await send(listing())).statusCode).toBe(200);
    const alice = await server.store.findUser({ name: 'alice', domainId: 'default' });
    await server.store.setUserEnabled((alice as { id: string }).id, false);
    expect((await send(listing())).json()).toMatchObject(SIGNATURE_FAIL);
  });

  it('checks the signature before the body: unsigned bad JSON is 401, signed bad JSON is 400', async () => {
    const bad = '{"id": ';
    const forged = sdkSign(
      { method: 'POST', path: '/internal/v1/jobs', body: '{}' },
      WORKER_KEY,
      server.clock.now(),
    );
    const unsigned = await server.app.inject({
      method: 'POST',
      url: forged.url,
      headers: forged.headers,
      payload: bad,
    });
    expect(unsigned.statusCode).toBe(401);
    const signed = await send({ method: 'POST', path: '/internal/v1/jobs', body: bad }, WORKER_KEY);
    expect(signed.statusCode).toBe(400);
    expect(signed.json().error_code).toBe('DBS.280001');
  });

  it('keeps the secret keys out of the SQLite file in plain text', async () => {
    await send(listing());
    const files = ['ddm-jobs.sqlite', 'ddm-jobs.sqlite-wal']
      .map((f) => join(server.dataDir, f))
      .filter(existsSync);
    const bytes = Buffer.concat(files.map((f) => readFileSync(f)));
    expect(bytes.includes(ALICE_KEY.ak)).toBe(true);
    expect(bytes.includes(ALICE_KEY.sk)).toBe(false);
    expect(bytes.includes(WORKER_KEY.sk)).toBe(false);
  });
});
