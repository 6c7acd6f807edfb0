import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSignedServer, WORKER_KEY } from '../aksk/fixture.js';
import { DAY, GATEWAY, gatewayBodyFor, MINUTE, PARAMETER_ERROR } from '../support/api.js';
import { PROJECT_A, PROJECT_B, type TestServer } from '../support/harness.js';
import { sdkSign } from '../support/sdk-signer.js';
import { at, listed, stored } from './support.js';

const YAML = `
project: project-a
tasks:
  - name: migrateLogicDb
    id: 8d7c6b5a-4f3e-4d2c-8b1a-0f9e8d7c6b5a
    database: db_orders
    steps:
      - { status: Running, progress: 100, over: 10m }
      - { status: ToBeSwitched }
  - name: CreateInstance
    project: ${PROJECT_B}
    id: 9e8d7c6b-5a4f-4e3d-9c2b-1a0f9e8d7c6b
    steps:
      - { status: Running, progress: 40, over: 3m }
      - { status: Failed, reason: "Insufficient ECS quota." }
`;
const IDS = ['8d7c6b5a-4f3e-4d2c-8b1a-0f9e8d7c6b5a', '9e8d7c6b-5a4f-4e3d-9c2b-1a0f9e8d7c6b'];

let server: TestServer;
beforeEach(async () => {
  server = await startSignedServer();
});
afterEach(() => server.close());

async function post(payload: string, contentType: string, user = 'worker') {
  return server.app.inject({
    method: 'POST',
    url: '/internal/v1/scenarios',
    headers: { 'x-auth-token': await server.tokenFor(user), 'content-type': contentType },
    payload,
  });
}

/** Every task of both projects, as the store counts them. */
const taskCount = async () =>
  (await server.store.listJobs(PROJECT_A, 0, server.clock.now(), 0, 1)).total +
  (await server.store.listJobs(PROJECT_B, 0, server.clock.now(), 0, 1)).total;

describe('POST /internal/v1/scenarios', () => {
  it('applies a YAML scenario (201 with the ids), whose tasks the simulator then moves along', async () => {
    const t0 = server.clock.now();
    const response = await post(YAML, 'application/yaml');
    expect(response.statusCode).toBe(201);
    expect(response.body).toBe(JSON.stringify({ jobs: IDS }));
    await at(server, t0, 5 * MINUTE);
    expect(await listed(server, IDS[0] as string)).toMatchObject({ status: 'Running', process: '50%' });
    expect(await stored(server, IDS[1] as string)).toMatchObject({
      projectId: PROJECT_B,
      status: 'Failed',
      failReason: 'Insufficient ECS quota.',
    });
  });

  it('takes text/yaml and JSON alike; applying again records nothing twice', async () => {
    const json = JSON.stringify({
      project: PROJECT_A,
      tasks: [
        { name: 'BindEIP', id: IDS[0], steps: [{ status: 'Running', over: '1m' }, { status: 'Completed' }] },
      ],
    });
    const first = await post(json, 'application/json');
    expect([first.statusCode, first.json()]).toEqual([201, { jobs: [IDS[0]] }]);
    const again = await post(json, 'application/json');
    expect([again.statusCode, again.json()]).toEqual([201, { jobs: [] }]);
    const yaml = await post(YAML, 'text/yaml; charset=utf-8');
    expect([yaml.statusCode, yaml.json()]).toEqual([201, { jobs: [IDS[1]] }]);
    expect(await taskCount()).toBe(2);
  });

  it('refuses a bad scenario with 400 DBS.280001 naming the field, and records none of its tasks', async () => {
    const bad = `${YAML}  - { name: EnlargeNode, steps: [ { status: Running, over: soon } ] }\n`;
    const response = await post(bad, 'application/yaml');
    expect(response.statusCode).toBe(400);
    expect(response.body).toBe(
      PARAMETER_ERROR(
        'tasks[2].steps[0].over must be a duration like 30s, 10m or 2h (or milliseconds as a number).',
      ),
    );
    expect(await taskCount()).toBe(0);
  });

  it('refuses a scenario naming an unknown project before recording any task', async () => {
    const response = await post(YAML.replace(PROJECT_B, 'no-such-project'), 'application/yaml');
    expect(response.statusCode).toBe(400);
    expect(response.body).toBe(
      PARAMETER_ERROR(
        'tasks[1].project names no project: "no-such-project" is neither a project id nor a project name in the default domain.',
      ),
    );
    expect(await taskCount()).toBe(0);
    expect(await server.store.listSimulations()).toEqual([]);
  });

  it('refuses a body that is not a scenario', async () => {
    for (const [payload, type] of [
      ['[1, 2]', 'application/json'],
      ['"tasks"', 'application/json'],
      ['tasks: [', 'application/yaml'],
    ] as const) {
      const response = await post(payload, type);
      expect(response.statusCode).toBe(400);
      expect(response.json().error_code).toBe('DBS.280001');
    }
    expect(await taskCount()).toBe(0);
  });

  it('is for the service role: 403 APIGW.0302 for a tenant, 401 without credentials', async () => {
    const tenant = await post(YAML, 'application/yaml', 'alice');
    expect(tenant.statusCode).toBe(403);
    expect(tenant.body).toBe(gatewayBodyFor(tenant, 'notAuthorized'));
    const anonymous = await server.app.inject({
      method: 'POST',
      url: '/internal/v1/scenarios',
      headers: { 'content-type': 'application/yaml' },
      payload: YAML,
    });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().error_code).toBe(GATEWAY.tokenMissing[0]);
    expect(await taskCount()).toBe(0);
  });

  it('accepts a YAML body signed with AK/SK, and refuses it tampered', async () => {
    const signed = sdkSign(
      {
        method: 'POST',
        path: '/internal/v1/scenarios',
        headers: { 'Content-Type': 'application/yaml' },
        body: YAML,
      },
      WORKER_KEY,
      server.clock.now(),
    );
    const tampered = await server.app.inject({
      method: 'POST',
      url: signed.url,
      headers: signed.headers,
      payload: YAML.replace('40', '41'),
    });
    expect(tampered.statusCode).toBe(401);
    const response = await server.app.inject({
      method: 'POST',
      url: signed.url,
      headers: signed.headers,
      payload: YAML,
    });
    expect([response.statusCode, response.json()]).toEqual([201, { jobs: IDS }]);
  });

  it('records a busy tenant of thousands of tasks in one request', async () => {
    const text = `project: project-a\ntasks:\n  - { name: RestartNode, id: ${IDS[0]}, start: -20d, count: 5000, every: 5m, steps: [ { status: Running, over: 2m }, { status: Completed } ] }\n`;
    const response = await post(text, 'application/yaml');
    expect(response.statusCode).toBe(201);
    expect(response.json().jobs).toHaveLength(5000);
    const now = server.clock.now();
    expect((await server.store.listJobs(PROJECT_A, now - 21 * DAY, now, 0, 1)).total).toBe(5000);
  });
});

it('the OpenAPI document describes the route, its three body types and the scenario schema', async () => {
  const document = (await server.app.inject({ url: '/openapi.json' })).json();
  const route = document.paths['/internal/v1/scenarios'].post;
  expect(route.operationId).toBe('ApplyScenario');
  expect(Object.keys(route.requestBody.content)).toEqual([
    'application/json',
    'application/yaml',
    'text/yaml',
  ]);
  const schema = route.requestBody.content['application/yaml'].schema;
  expect(Object.keys(schema.properties)).toEqual(['project', 'instance', 'tasks', 'inventory', 'faults']);
  expect(Object.keys(schema.properties.tasks.items.properties.steps.items.properties)).toEqual([
    'status',
    'progress',
    'over',
    'reads',
    'window',
    'reason',
    'logs',
  ]);
  expect(Object.keys(route.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '403']));
});

it('refuses another content type (415) and a body past 1 MiB (413), recording nothing', async () => {
  const plain = await post('tasks: []', 'text/plain');
  expect([plain.statusCode, plain.json().error_code]).toEqual([415, 'APIGW.0203']);
  // The gateway's message names the types this route takes, YAML too.
  expect(plain.json().error_msg).toBe(
    'Unsupported media type: send application/json or YAML (application/yaml, text/yaml)',
  );
  const form = await post('tasks=', 'application/x-www-form-urlencoded');
  expect([form.statusCode, form.json().error_code]).toEqual([415, 'APIGW.0203']);
  const huge = await post(`# ${'x'.repeat(1024 * 1024)}\ntasks: []\n`, 'application/yaml');
  expect([huge.statusCode, huge.json().error_code]).toEqual([413, 'APIGW.0201']);
  // Under the limit, past the 64 KiB of other bodies: accepted.
  const large = await post(`# ${'x'.repeat(200 * 1024)}\ntasks: []\n`, 'application/yaml');
  expect([large.statusCode, large.json()]).toEqual([201, { jobs: [] }]);
  const json = await post(
    JSON.stringify({ project: 'x'.repeat(64), tasks: [], pad: 'x'.repeat(200 * 1024) }),
    'application/json',
  );
  expect(json.body).toBe(PARAMETER_ERROR('pad is not a known field.'));
  expect(await taskCount()).toBe(0);
});
