import { DdmClient } from '@ddm-jobs/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/harness.js';
import { passwordAuth } from '../support/keystone-body.js';
import { CLOCK_START, type Emulator, type Json, startEmulator } from './emulator-server.js';

// Issue 18, point 3: a tenant per test (POST /internal/v1/tenants) and a reset of one project, so
// that parallel tests share one emulator without seeing each other's tasks. A real server
// (serve.ts's startServer, real port, real HTTP), on the database under test.

const DECLARED_ID = '5b1f3c2e-8d4a-4e6b-9c7d-0a1b2c3d4e5f';
const SCENARIO = `project: default
tasks:
  - name: CreateInstance
    id: ${DECLARED_ID}
    steps:
      - { status: Running, progress: 30 }
`;
const DAY = 86_400_000;

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ scenario: SCENARIO });
});
afterAll(() => emulator?.close());

const createTenant = (body?: unknown) => emulator.asWorker('POST', '/internal/v1/tenants', body);

/** The SDK as a test's tool would use it: with the tenant's password, or its access-key pair. */
function clientsOf(tenant: Json): { byPassword: DdmClient; byAccessKey: DdmClient } {
  // The emulator's clock stands still at CLOCK_START: signatures and token expiry follow it.
  const now = () => CLOCK_START;
  return {
    byPassword: new DdmClient({
      endpoint: tenant.endpoint,
      projectId: tenant.project.id,
      now,
      auth: {
        password: {
          authUrl: tenant.auth_url,
          username: tenant.user.name,
          password: tenant.user.password,
          projectId: tenant.project.id,
        },
      },
    }),
    byAccessKey: new DdmClient({
      endpoint: tenant.endpoint,
      projectId: tenant.project.id,
      now,
      auth: { accessKey: tenant.access_key.access, secretKey: tenant.access_key.secret },
    }),
  };
}

const window = { startTime: CLOCK_START - DAY, endTime: CLOCK_START, limit: 100 };
const idsOf = async (client: DdmClient) => (await client.listJobs(window)).jobs.map((job) => job.id).sort();

describe('POST /internal/v1/tenants', () => {
  it('makes a project, a te_admin user and an access key, with where to reach the emulator', async () => {
    const answer = await createTenant({ name: 'ci-tenant-1' });
    expect(answer.status).toBe(201);
    const tenant = answer.body;
    expect(tenant).toEqual({
      project: { id: expect.stringMatching(/^[0-9a-f]{32}$/), name: 'ci-tenant-1' },
      domain: { id: 'default', name: 'default' },
      user: {
        id: expect.stringMatching(/^[0-9a-f]{32}$/),
        name: 'ci-tenant-1',
        password: expect.any(String),
      },
      role: 'te_admin',
      access_key: { access: expect.stringMatching(/^[A-Z0-9]{20}$/), secret: expect.any(String) },
      auth_url: `${emulator.url}/v3`,
      endpoint: emulator.url,
    });
    const { byPassword, byAccessKey } = clientsOf(tenant);
    expect(await idsOf(byPassword)).toEqual([]);
    expect(await idsOf(byAccessKey)).toEqual([]);
    // The role lets the tenant act: te_admin, as the answer says.
    const stored = await emulator.running.store.rolesOn(tenant.user.id, tenant.project.id);
    expect(stored).toEqual(['te_admin']);
  });

  it('makes a name of its own when given none', async () => {
    const first = await createTenant();
    const second = await createTenant({});
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(first.body.project.name).toMatch(/^tenant-[0-9a-f]{12}$/);
    expect(first.body.project.name).not.toBe(second.body.project.name);
  });

  it('refuses a name taken by a project or a user, and a bad body, making nothing', async () => {
    const before = (await emulator.running.store.listProjects()).length;
    const usersBefore = (await emulator.running.store.listUsers()).length;
    expect(await createTenant({ name: 'ci-tenant-1' })).toMatchObject({
      status: 409,
      body: { error_code: 'DDMJOBS.0430', error_msg: expect.stringContaining('"ci-tenant-1"') },
    });
    // The bootstrap's project and producer.
    expect((await createTenant({ name: 'default' })).status).toBe(409);
    expect((await createTenant({ name: 'worker' })).status).toBe(409);
    for (const body of [{ name: '' }, { name: 'a b' }, { name: 'x'.repeat(65) }, { name: 7 }, { other: 1 }]) {
      expect(await createTenant(body)).toMatchObject({ status: 400, body: { error_code: 'DBS.280001' } });
    }
    expect((await emulator.running.store.listProjects()).length).toBe(before);
    expect((await emulator.running.store.listUsers()).length).toBe(usersBefore);
  });

  it('is for the role service: a tenant is refused', async () => {
    const tenant = (await createTenant()).body;
    const token = await fetch(`${tenant.auth_url}/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        passwordAuth(
          { name: tenant.user.name, domain: { name: 'default' }, password: tenant.user.password },
          { project: { id: tenant.project.id } },
        ),
      ),
    });
    const answer = await fetch(`${emulator.url}/internal/v1/tenants`, {
      method: 'POST',
      headers: { 'x-auth-token': token.headers.get('x-subject-token') as string },
    });
    expect(answer.status).toBe(403);
  });
});

describe('POST /internal/v1/reset with a project', () => {
  it('refuses a project that does not exist or a bad body, resetting nothing', async () => {
    const reset = (body: unknown) => emulator.asWorker('POST', '/internal/v1/reset', body);
    expect(await reset({ project_id: 'f'.repeat(32) })).toMatchObject({
      status: 400,
      body: { error_code: 'DBS.280001', error_msg: expect.stringContaining('names no project') },
    });
    expect((await reset({ project_id: 'a/b' })).status).toBe(400);
    expect((await reset({ project: 'x' })).status).toBe(400);
    expect((await emulator.asWorker('GET', `/internal/v1/jobs/${DECLARED_ID}`)).status).toBe(200);
  });

  it("empties that project's tasks and records its declared ones again, leaving the others", async () => {
    const tenant = (await createTenant()).body;
    const own = await emulator.asWorker('POST', '/internal/v1/jobs', {
      project_id: tenant.project.id,
      name: 'CreateInstance',
      instance_id: 'inst0001',
      instance_name: 'ddm-test',
    });
    expect(own.status).toBe(201);
    const defaultProject = await emulator.running.store.findProject({ name: 'default', domainId: 'default' });
    const extra = await emulator.asWorker('POST', '/internal/v1/jobs', {
      project_id: defaultProject?.id,
      name: 'EnlargeNode',
      instance_id: 'inst0001',
      instance_name: 'ddm-test',
    });
    expect(extra.status).toBe(201);

    const answer = await emulator.asWorker('POST', '/internal/v1/reset', { project_id: defaultProject?.id });
    expect(answer).toEqual({ status: 200, body: { jobs: [DECLARED_ID] } });
    expect((await emulator.asWorker('GET', `/internal/v1/jobs/${extra.body.job.id}`)).status).toBe(404);
    expect((await emulator.asWorker('GET', `/internal/v1/jobs/${DECLARED_ID}`)).body.job).toMatchObject({
      status: 'Running',
      progress: 30,
    });
    // The other project's task is still there, and its history and feed entries.
    expect(await idsOf(clientsOf(tenant).byAccessKey)).toEqual([own.body.job.id]);
    const feed = (await emulator.asWorker('GET', '/internal/v1/events?after=0&limit=1000')).body
      .events as Json[];
    expect(feed.some((event) => event.job?.id === own.body.job.id)).toBe(true);
    expect(feed.some((event) => event.job?.id === extra.body.job.id)).toBe(false);
    expect(feed.filter((event) => event.type === 'reset')).toHaveLength(1);
  });
});

describe('twenty tests in parallel, each with its own tenant', () => {
  it('never see one another’s tasks, through lists, shows and resets', async () => {
    const others = new Set<string>();
    const runTest = async (n: number) => {
      const tenant = (await createTenant({ name: `parallel-${n}` })).body;
      const { byPassword, byAccessKey } = clientsOf(tenant);
      const record = async (name: string) => {
        const answer = await emulator.asWorker('POST', '/internal/v1/jobs', {
          project_id: tenant.project.id,
          name,
          instance_id: `inst${n}`,
          instance_name: `ddm-${n}`,
        });
        expect(answer.status).toBe(201);
        return answer.body.job.id as string;
      };
      const mine = [await record('CreateInstance'), await record('EnlargeNode'), await record('ReduceNode')];
      mine.forEach((id) => {
        others.add(id);
      });
      expect(await idsOf(byPassword)).toEqual([...mine].sort());
      expect(await idsOf(byAccessKey)).toEqual([...mine].sort());
      for (const id of mine) expect((await byAccessKey.getJob(id)).id).toBe(id);

      const reset = await emulator.asWorker('POST', '/internal/v1/reset', { project_id: tenant.project.id });
      expect(reset).toEqual({ status: 200, body: { jobs: [] } });
      expect(await idsOf(byPassword)).toEqual([]);
      for (const id of mine) await expect(byAccessKey.getJob(id)).rejects.toMatchObject({ status: 404 });

      const after = await record('CreateInstance');
      expect(await idsOf(byAccessKey)).toEqual([after]);
      return { mine: [...mine, after], tenant };
    };
    const results = await Promise.all(Array.from({ length: 20 }, (_, n) => runTest(n)));

    // Each one's last task is still there after everyone else's resets, and only its own.
    for (const { mine, tenant } of results) {
      expect(await idsOf(clientsOf(tenant).byAccessKey)).toEqual([mine.at(-1)]);
    }
    // The declared task of the default project outlived twenty resets of other projects.
    expect((await emulator.asWorker('GET', `/internal/v1/jobs/${DECLARED_ID}`)).status).toBe(200);
  }, 60_000);
});

describe('without --emulator', () => {
  it('has no tenants route (404, as an unknown route)', async () => {
    const server = await startTestServer();
    try {
      const answer = await server.app.inject({
        method: 'POST',
        url: '/internal/v1/tenants',
        headers: { 'x-auth-token': await server.tokenFor('worker') },
        payload: {},
      });
      expect(answer.statusCode).toBe(404);
      expect(answer.json()).toMatchObject({ error_code: 'APIGW.0101' });
      const reset = await server.app.inject({
        method: 'POST',
        url: '/internal/v1/reset',
        headers: { 'x-auth-token': await server.tokenFor('worker') },
        payload: { project_id: 'f'.repeat(32) },
      });
      expect(reset.statusCode).toBe(404);
    } finally {
      await server.close();
    }
  });
});
