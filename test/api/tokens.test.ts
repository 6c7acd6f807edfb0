import { applyBootstrap, hashPassword } from '@ddm-jobs/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Answer, DAY, gatewayBodyFor, listUrl, requestIdOf } from '../support/api.js';
import { PASSWORD, PROJECT_A, PROJECT_B, startTestServer, type TestServer } from '../support/harness.js';
import { passwordSignIn } from '../support/keystone-body.js';

/** Reference sections 6 and 7: how the gateway answers each kind of credential. */

describe('tokens on GET /v3/{project_id}/jobs', () => {
  let server: TestServer;
  let url: string;

  const list = (headers: Record<string, string>, to = url): Promise<Answer> =>
    server.app.inject({ url: to, headers });
  const userId = async (name: string) =>
    (await server.store.findUser({ name, domainId: 'default' }))?.id as string;

  beforeAll(async () => {
    server = await startTestServer();
    // Users of their own, for the tests that disable, delete or change them.
    await applyBootstrap(
      server.store,
      {
        users: ['carol', 'dave', 'erin', 'frank'].map((name) => ({
          name,
          password: PASSWORD,
          roles: [{ project: 'project-a', roles: ['te_admin'] }],
        })),
      },
      server.clock,
    );
    const now = server.clock.now();
    url = listUrl(PROJECT_A, { start_time: now - DAY, end_time: now });
  });
  afterAll(() => server.close());

  it('answers a valid token for the project with 200', async () => {
    const response = await list({ 'x-auth-token': await server.tokenFor('alice') });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ jobs: [], offset: 0, limit: 10, total: 0 });
  });

  it('answers no token with 401 APIGW.0301 x-auth-token not found', async () => {
    const response = await list({});
    expect(response.statusCode).toBe(401);
    expect(response.body).toBe(gatewayBodyFor(response, 'tokenMissing'));
  });

  it('answers an empty token with 401 APIGW.0301 x-auth-token not found', async () => {
    const response = await list({ 'x-auth-token': '' });
    expect(response.statusCode).toBe(401);
    expect(response.body).toBe(gatewayBodyFor(response, 'tokenMissing'));
  });

  it('answers a garbage token with 401 APIGW.0301 decrypt token fail', async () => {
    const response = await list({ 'x-auth-token': 'garbage' });
    expect(response.statusCode).toBe(401);
    expect(response.body).toBe(gatewayBodyFor(response, 'tokenInvalid'));
  });

  it('answers a token with one character changed with 401 APIGW.0301 decrypt token fail', async () => {
    const token = await server.tokenFor('alice');
    const middle = Math.floor(token.length / 2);
    const altered = token.slice(0, middle) + (token[middle] === 'A' ? 'B' : 'A') + token.slice(middle + 1);
    const response = await list({ 'x-auth-token': altered });
    expect(response.statusCode).toBe(401);
    expect(response.body).toBe(gatewayBodyFor(response, 'tokenInvalid'));
  });

  it("answers another project's token with 403 APIGW.0302", async () => {
    const response = await list({ 'x-auth-token': await server.tokenFor('bob') });
    expect(response.statusCode).toBe(403);
    expect(response.body).toBe(gatewayBodyFor(response, 'notAuthorized'));
  });

  it('answers an unscoped token with 403 APIGW.0302', async () => {
    const issued = await server.app.inject({
      method: 'POST',
      url: '/v3/auth/tokens',
      payload: passwordSignIn({ name: 'alice', password: PASSWORD }),
    });
    expect(issued.statusCode).toBe(201);
    const response = await list({ 'x-auth-token': String(issued.headers['x-subject-token']) });
    expect(response.statusCode).toBe(403);
    expect(response.body).toBe(gatewayBodyFor(response, 'notAuthorized'));
  });

  it('checks the token before the parameters: no token and a bad query is 401', async () => {
    const response = await list({}, listUrl(PROJECT_A, 'limit=0'));
    expect(response.statusCode).toBe(401);
    expect(response.body).toBe(gatewayBodyFor(response, 'tokenMissing'));
  });

  it('accepts an X-Project-Id header naming the project of the path', async () => {
    const response = await list({
      'x-auth-token': await server.tokenFor('alice'),
      'x-project-id': PROJECT_A,
    });
    expect(response.statusCode).toBe(200);
  });

  it('answers an X-Project-Id header naming another project with 403 APIGW.0302', async () => {
    const response = await list({
      'x-auth-token': await server.tokenFor('alice'),
      'x-project-id': PROJECT_B,
    });
    expect(response.statusCode).toBe(403);
    expect(response.body).toBe(gatewayBodyFor(response, 'notAuthorized'));
  });

  it("answers a disabled user's token with 401 APIGW.0307", async () => {
    const token = await server.tokenFor('carol');
    expect((await list({ 'x-auth-token': token })).statusCode).toBe(200);
    await server.store.setUserEnabled(await userId('carol'), false);
    const response = await list({ 'x-auth-token': token });
    expect(response.statusCode).toBe(401);
    expect(response.body).toBe(gatewayBodyFor(response, 'tokenExpired'));
  });

  it("keeps a disabled user's old token dead when the user is enabled again", async () => {
    const token = await server.tokenFor('carol');
    await server.store.setUserEnabled(await userId('carol'), true);
    const response = await list({ 'x-auth-token': token });
    expect(response.statusCode).toBe(401);
    expect(response.body).toBe(gatewayBodyFor(response, 'tokenExpired'));
  });

  it("answers a deleted user's token with 401 APIGW.0307", async () => {
    const token = await server.tokenFor('dave');
    await server.store.deleteUser(await userId('dave'));
    const response = await list({ 'x-auth-token': token });
    expect(response.statusCode).toBe(401);
    expect(response.body).toBe(gatewayBodyFor(response, 'tokenExpired'));
  });

  it('answers a token issued before a password change with 401 APIGW.0307', async () => {
    const token = await server.tokenFor('erin');
    await server.store.setUserPassword(await userId('erin'), await hashPassword('a new password'));
    const response = await list({ 'x-auth-token': token });
    expect(response.statusCode).toBe(401);
    expect(response.body).toBe(gatewayBodyFor(response, 'tokenExpired'));
  });

  it('answers a token whose role was revoked with 403 APIGW.0302', async () => {
    const token = await server.tokenFor('frank');
    await server.store.revokeRole(await userId('frank'), PROJECT_A, 'te_admin');
    const response = await list({ 'x-auth-token': token });
    expect(response.statusCode).toBe(403);
    expect(response.body).toBe(gatewayBodyFor(response, 'notAuthorized'));
  });

  it('answers a token 24 hours old with 401 APIGW.0307, and one a millisecond younger with 200', async () => {
    const token = await server.tokenFor('alice');
    try {
      server.clock.advance(DAY - 1);
      expect((await list({ 'x-auth-token': token })).statusCode).toBe(200);
      server.clock.advance(1);
      const response = await list({ 'x-auth-token': token });
      expect(response.statusCode).toBe(401);
      expect(response.body).toBe(gatewayBodyFor(response, 'tokenExpired'));
    } finally {
      server.clock.advance(-DAY);
    }
  });

  it('gives every response an X-Request-Id of 32 hex characters, unique per request', async () => {
    const answers = [
      await list({}),
      await list({}),
      await list({ 'x-auth-token': await server.tokenFor('alice') }),
    ];
    const idsSeen = answers.map(requestIdOf);
    for (const id of idsSeen) expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(idsSeen).size).toBe(3);
  });

  it("puts the X-Request-Id header's value in a gateway error body's request_id", async () => {
    const response = await list({ 'x-request-id': 'chosen-by-the-client' });
    expect(response.json().request_id).toBe(response.headers['x-request-id']);
    // An incoming request id is not trusted: the server makes its own.
    expect(response.json().request_id).not.toBe('chosen-by-the-client');
  });
});
