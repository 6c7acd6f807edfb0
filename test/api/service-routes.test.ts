import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, gatewayBodyFor, listAs, requestIdOf } from '../support/api.js';
import { PROJECT_A, startTestServer, type TestServer } from '../support/harness.js';

/** The operators' routes, and what any path that is not an API answers. */

describe('service routes', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('answers GET /healthz with 200 without credentials', async () => {
    const response = await server.app.inject({ url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('serves an OpenAPI 3.1 document that describes the list route and its parameters', async () => {
    const response = await server.app.inject({ url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const document = response.json();
    expect(document.openapi).toBe('3.1.0');
    const list = document.paths['/v3/{project_id}/jobs'].get;
    expect(list.operationId).toBe('ListTasks');
    expect(list.parameters.map((p: { name: string; required: boolean }) => [p.name, p.required])).toEqual([
      ['project_id', true],
      ['offset', false],
      ['limit', false],
      ['start_time', true],
      ['end_time', true],
      // ddm-jobs' filters (docs/api.md, "Listing tasks"), marked as extensions of the cloud's API.
      ['status', false],
      ['name', false],
      ['instance', false],
      ['database', false],
      ['job_id', false],
    ]);
    expect(
      list.parameters
        .filter((p: { 'x-ddm-jobs-extension'?: unknown }) => p['x-ddm-jobs-extension'] !== undefined)
        .map((p: { name: string }) => p.name),
    ).toEqual(['status', 'name', 'instance', 'database', 'job_id']);
    expect(Object.keys(list.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403']));
    expect(document.paths['/v3/{project_id}/jobs/{job_id}'].get.operationId).toBe('ShowDdmJobResult');
  });

  it('counts requests by route and tasks by status in GET /metrics', async () => {
    await server.record({ name: 'CreateInstance' });
    const now = server.clock.now();
    expect(
      (await listAs(server, 'alice', PROJECT_A, { start_time: now - DAY, end_time: now })).statusCode,
    ).toBe(200);
    const response = await server.app.inject({ url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.body).toMatch(
      /^ddm_jobs_http_requests_total\{route="\/v3\/:project_id\/jobs",method="GET",status="200"\} 1$/m,
    );
    expect(response.body).toMatch(/^ddm_jobs_tasks\{status="Running"\} 1$/m);
  });

  it('counts unrouted requests under one label, whatever their path', async () => {
    await server.app.inject({ url: '/random/a' });
    await server.app.inject({ url: '/random/b' });
    const metrics = (await server.app.inject({ url: '/metrics' })).body;
    expect(metrics).toMatch(
      /^ddm_jobs_http_requests_total\{route="unrouted",method="GET",status="404"\} 2$/m,
    );
    expect(metrics).not.toContain('/random/');
  });

  it.each([
    ['an unknown path', 'GET', '/v2/jobs'],
    ['a path below a task', 'GET', `/v3/${PROJECT_A}/jobs/x/y`],
    ['a path that does not decode', 'GET', `/v3/${PROJECT_A}/jobs/%E0%A4%A`],
    ['a path segment longer than any id', 'GET', `/v3/${'a'.repeat(200)}/jobs`],
  ] as const)(
    'answers %s with 404 APIGW.0101 and the request id in body and header',
    async (_what, method, url) => {
      const response = await server.app.inject({ method, url });
      expect(response.statusCode).toBe(404);
      expect(response.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
      expect(response.body).toBe(gatewayBodyFor(response, 'noSuchApi'));
      expect(response.json().request_id).toBe(requestIdOf(response));
    },
  );

  it('answers a body that is not JSON with 415 APIGW.0203', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/internal/v1/jobs',
      headers: { 'x-auth-token': await server.tokenFor('worker'), 'content-type': 'text/plain' },
      payload: 'name=CreateInstance',
    });
    expect(response.statusCode).toBe(415);
    expect(response.body).toBe(
      JSON.stringify({
        error_code: 'APIGW.0203',
        error_msg: 'Unsupported media type: send application/json',
        request_id: requestIdOf(response),
      }),
    );
  });

  it('answers a body over 64 KiB with 413 APIGW.0201', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/internal/v1/jobs',
      headers: { 'x-auth-token': await server.tokenFor('worker'), 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'x'.repeat(64 * 1024) }),
    });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toEqual({
      error_code: 'APIGW.0201',
      error_msg: 'Request entity too large',
      request_id: requestIdOf(response),
    });
  });
});
