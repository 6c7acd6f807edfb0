import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_A, startTestServer, type TestServer } from '../support/harness.js';
import { passwordSignIn } from '../support/keystone-body.js';
import { sdkSign } from '../support/sdk-signer.js';
import { ALICE_KEY, PASSWORD, startSignedServer } from './fixture.js';

let server: TestServer;
afterEach(() => server.close());

const list = async (headers: Record<string, string>, remoteAddress = '10.0.0.1') =>
  server.app.inject({
    method: 'GET',
    url: `/v3/${PROJECT_A}/jobs?start_time=${server.clock.now() - 60_000}&end_time=${server.clock.now()}`,
    headers,
    remoteAddress,
  });

const expectThrottled = (response: Awaited<ReturnType<typeof list>>, retryAfter: string) => {
  expect(response.statusCode).toBe(429);
  expect(response.headers['retry-after']).toBe(retryAfter);
  expect(response.json()).toMatchObject({
    error_code: 'APIGW.0308',
    error_msg: 'The throttling threshold has been reached',
  });
};

describe('throttling', () => {
  it('answers 429 APIGW.0308 with Retry-After past the rate of one token user, until a second passes', async () => {
    server = await startTestServer({
      rateLimits: { perCredential: 3, perServiceCredential: 3, perAddress: 0 },
    });
    const headers = { 'x-auth-token': await server.tokenFor('alice') };
    for (let i = 0; i < 3; i++) expect((await list(headers)).statusCode).toBe(200);
    expectThrottled(await list(headers), '1');
    // Another user is counted apart.
    expect((await list({ 'x-auth-token': await server.tokenFor('worker') })).statusCode).toBe(200);
    server.realClock.advance(334);
    expect((await list(headers)).statusCode).toBe(200);
    expectThrottled(await list(headers), '1');
  });

  it('counts an access key as one credential, whatever the address', async () => {
    server = await startSignedServer({
      rateLimits: { perCredential: 2, perServiceCredential: 2, perAddress: 0 },
    });
    const signed = () => {
      const { url, headers } = sdkSign(
        {
          method: 'GET',
          path: `/v3/${PROJECT_A}/jobs`,
          query: [
            ['start_time', String(server.clock.now() - 60_000)],
            ['end_time', String(server.clock.now())],
          ],
        },
        ALICE_KEY,
        server.clock.now(),
      );
      return { url, headers };
    };
    for (const address of ['10.0.0.1', '10.0.0.2'])
      expect(
        (await server.app.inject({ method: 'GET', ...signed(), remoteAddress: address })).statusCode,
      ).toBe(200);
    expectThrottled(await server.app.inject({ method: 'GET', ...signed(), remoteAddress: '10.0.0.3' }), '1');
  });

  it('counts every request of one address, also on the identity routes and when refused', async () => {
    server = await startTestServer({
      rateLimits: { perCredential: 0, perServiceCredential: 0, perAddress: 2 },
    });
    const signIn = () =>
      server.app.inject({
        method: 'POST',
        url: '/v3/auth/tokens',
        payload: passwordSignIn({ name: 'alice', password: PASSWORD }, PROJECT_A),
        remoteAddress: '10.0.0.9',
      });
    expect((await signIn()).statusCode).toBe(201);
    expect((await list({}, '10.0.0.9')).statusCode).toBe(401);
    expectThrottled(await signIn(), '1');
    expect((await list({}, '10.0.0.10')).statusCode).toBe(401);
    server.realClock.advance(500);
    expect((await signIn()).statusCode).toBe(201);
  });

  it('answers Retry-After in whole seconds, at least 1, until the bucket holds a request again', async () => {
    server = await startTestServer({
      rateLimits: { perCredential: 0, perServiceCredential: 0, perAddress: 1 },
    });
    expect((await list({})).statusCode).toBe(401);
    expectThrottled(await list({}), '1');
    server.realClock.advance(999);
    expectThrottled(await list({}), '1');
    server.realClock.advance(1);
    expect((await list({})).statusCode).toBe(401);
  });

  describe('control-plane workers (role service)', () => {
    const internal = async (headers: Record<string, string>, remoteAddress = '10.0.0.1') =>
      server.app.inject({ method: 'GET', url: '/internal/v1/clock', headers, remoteAddress });

    it('count against a limit of their own on the internal API, tenants against theirs', async () => {
      server = await startTestServer({
        rateLimits: { perCredential: 1, perServiceCredential: 3, perAddress: 0 },
      });
      const worker = { 'x-auth-token': await server.tokenFor('worker') };
      for (let i = 0; i < 3; i++) expect((await internal(worker)).statusCode).toBe(200);
      expectThrottled(await internal(worker), '1');
      // The same worker on a tenant route is a tenant there, with a tenant's allowance.
      expect((await list(worker)).statusCode).toBe(200);
      expectThrottled(await list(worker), '1');
      const alice = { 'x-auth-token': await server.tokenFor('alice') };
      expect((await list(alice)).statusCode).toBe(200);
      expectThrottled(await list(alice), '1');
      // A caller without the role, refused on the internal API, spends its tenant allowance.
      server.realClock.advance(1_000);
      expect((await internal(alice)).statusCode).toBe(403);
      expectThrottled(await list(alice), '1');
    });

    it('do not use up the allowance of their address, which still limits everyone else', async () => {
      server = await startTestServer({
        rateLimits: { perCredential: 0, perServiceCredential: 0, perAddress: 2 },
      });
      const worker = { 'x-auth-token': await server.tokenFor('worker') };
      for (let i = 0; i < 10; i++) expect((await internal(worker)).statusCode).toBe(200);
      // Unauthenticated requests from that address: the two of its second, then 429.
      expect((await list({})).statusCode).toBe(401);
      expect((await list({})).statusCode).toBe(401);
      expectThrottled(await list({}), '1');
    });
  });
});
