import { afterEach, describe, expect, it } from 'vitest';
import { stopServer } from '../support/processes.js';
import { HOUR, iamFixtures, MINUTE } from './iam-process.js';

// ddm-jobs behind an external Keystone-compatible IAM: here a second ddm-jobs, in its own process
// with its own identities. The tasks live in the tested server's store; the tokens, the project
// and the roles are the IAM's.

const fixtures = iamFixtures();
afterEach(() => fixtures.cleanUp());

type Tested = Awaited<ReturnType<typeof fixtures.startTested>>;

async function list(tested: Tested, projectId: string, token: string) {
  const now = tested.clock.now();
  return tested.app.inject({
    url: `/v3/${projectId}/jobs?start_time=${now - HOUR}&end_time=${now}`,
    headers: { 'x-auth-token': token },
  });
}

describe('tokens vouched for by an external IAM', () => {
  it("lists the tasks recorded here in the IAM's project, with the IAM's token", async () => {
    const iam = await fixtures.startIam();
    const tested = await fixtures.startTested(iam.server.url);
    const token = await iam.adminToken();

    // The IAM's admin has the service role there: it may record, as a control-plane worker.
    const recorded = await tested.app.inject({
      method: 'POST',
      url: '/internal/v1/jobs',
      headers: { 'x-auth-token': token },
      payload: {
        project_id: iam.projectId,
        instance_id: 'inst0001',
        instance_name: 'ddm-behind-iam',
        name: 'CreateInstance',
        created_at: tested.clock.now() - MINUTE,
      },
    });
    expect(recorded.statusCode).toBe(201);

    const listed = await list(tested, iam.projectId, token);
    expect(listed.statusCode).toBe(200);
    expect(listed.json()).toMatchObject({ total: 1, jobs: [{ id: recorded.json().job.id }] });

    const elsewhere = await list(tested, '0a1b2c3d4e5f60718293a4b5c6d7e8f9', token);
    expect(elsewhere.statusCode).toBe(403);
    expect(elsewhere.json().error_code).toBe('APIGW.0302');
  });

  it('serves no identity routes of its own: tokens come from the IAM only (404 APIGW.0101)', async () => {
    const iam = await fixtures.startIam();
    const tested = await fixtures.startTested(iam.server.url);
    for (const [method, url] of [
      ['POST', '/v3/auth/tokens'],
      ['GET', '/v3/auth/tokens'],
      ['GET', '/v3'],
    ] as const) {
      const response = await tested.app.inject({
        method,
        url,
        ...(method === 'POST' ? { payload: {} } : {}),
      });
      expect(response.statusCode).toBe(404);
      expect(response.json().error_code).toBe('APIGW.0101');
    }
  });

  it('refuses a token the IAM does not know with 401 APIGW.0307, and no token with APIGW.0301', async () => {
    const iam = await fixtures.startIam();
    const tested = await fixtures.startTested(iam.server.url);
    const unknown = await list(tested, iam.projectId, 'gAAAAABnot-a-token-of-this-iam');
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().error_code).toBe('APIGW.0307');
    const missing = await tested.app.inject({ url: `/v3/${iam.projectId}/jobs` });
    expect(missing.statusCode).toBe(401);
    expect(missing.json().error_code).toBe('APIGW.0301');
  });

  it('asks the IAM once per token within the cache life, and keeps a cached token working while the IAM is down', async () => {
    const iam = await fixtures.startIam();
    const tested = await fixtures.startTested(iam.server.url);
    const token = await iam.adminToken();

    const before = await iam.validations();
    expect((await list(tested, iam.projectId, token)).statusCode).toBe(200);
    expect(await iam.validations()).toBe(before + 1);
    tested.clock.advance(4 * MINUTE);
    expect((await list(tested, iam.projectId, token)).statusCode).toBe(200);
    expect(await iam.validations()).toBe(before + 1); // the second call did not reach the IAM

    await stopServer(iam.server.child);
    expect((await list(tested, iam.projectId, token)).statusCode).toBe(200); // still cached
  });

  it('fails closed when the IAM is down: 401 APIGW.0301 for a token it has not vouched for yet, and for a cached one once the cache life is over', async () => {
    const iam = await fixtures.startIam();
    const tested = await fixtures.startTested(iam.server.url);
    const cached = await iam.adminToken();
    const unseen = await iam.adminToken();
    expect((await list(tested, iam.projectId, cached)).statusCode).toBe(200);

    await stopServer(iam.server.child);
    const refused = await list(tested, iam.projectId, unseen);
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toEqual({
      error_code: 'APIGW.0301',
      error_msg: 'Incorrect IAM authentication information: decrypt token fail',
      request_id: refused.headers['x-request-id'],
    });

    tested.clock.advance(5 * MINUTE + 1);
    const expiredCache = await list(tested, iam.projectId, cached);
    expect(expiredCache.statusCode).toBe(401);
    expect(expiredCache.json().error_code).toBe('APIGW.0301');
  });

  it("refuses a token past its expires_at with 401 APIGW.0307, by this server's clock", async () => {
    const iam = await fixtures.startIam();
    const tested = await fixtures.startTested(iam.server.url);
    const token = await iam.adminToken();
    expect((await list(tested, iam.projectId, token)).statusCode).toBe(200);

    tested.clock.advance(24 * HOUR + 1_000);
    const refused = await list(tested, iam.projectId, token);
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error_code).toBe('APIGW.0307');
  });

  it("refuses a revoked user's tokens: at once when not cached, after the cache life (5 minutes) when cached", async () => {
    const iam = await fixtures.startIam();
    const tested = await fixtures.startTested(iam.server.url);
    const cached = await iam.adminToken();
    const unseen = await iam.adminToken();
    expect((await list(tested, iam.projectId, cached)).statusCode).toBe(200);

    await iam.admin(['user', 'disable', 'admin']);
    const fresh = await list(tested, iam.projectId, unseen);
    expect(fresh.statusCode).toBe(401);
    expect(fresh.json().error_code).toBe('APIGW.0307');
    // The documented staleness: the IAM's earlier answer is trusted for the rest of its cache life.
    tested.clock.advance(5 * MINUTE - 1);
    expect((await list(tested, iam.projectId, cached)).statusCode).toBe(200);

    tested.clock.advance(1);
    const stale = await list(tested, iam.projectId, cached);
    expect(stale.statusCode).toBe(401);
    expect(stale.json().error_code).toBe('APIGW.0307');
  });
});
