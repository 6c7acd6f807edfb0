import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HOUR, iamFixtures } from './iam-process.js';

// An IAM that answers, but not with a token body, is no voucher: the token is refused (401
// APIGW.0301), never a 5xx and never let through. These "IAMs" are plain HTTP servers that answer
// one fixed thing each, as a broken or misconfigured endpoint would.

const fixtures = iamFixtures();
const broken: Server[] = [];
afterEach(async () => {
  await fixtures.cleanUp();
  await Promise.all(broken.splice(0).map((server) => new Promise((done) => server.close(done))));
});

/** An HTTP server answering every request with `status` and `body` after `delayMs`; its URL. */
async function answering(status: number, body: string, delayMs = 0): Promise<string> {
  const server = createServer((_request, response) => {
    setTimeout(() => {
      response.writeHead(status, { 'content-type': 'application/json' }).end(body);
    }, delayMs);
  });
  broken.push(server);
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const PROJECT = '619d3e78f61b4be68bc5aa0b59edcf7b';
const future = new Date(Date.now() + HOUR).toISOString();

describe('an IAM whose answer vouches for nothing', () => {
  it.each([
    ['a body that is not JSON', 200, '<html>login</html>'],
    ['JSON without a token', 200, '{"error":"nope"}'],
    ['a token without a user id', 200, JSON.stringify({ token: { expires_at: future, user: {} } })],
    [
      'an expiry that is not a time',
      200,
      JSON.stringify({ token: { expires_at: 'soon', user: { id: 'u' } } }),
    ],
    ['a server failure', 500, '{}'],
    ['throttling', 429, '{}'],
    ['a forbidden caller', 403, '{}'],
  ])('refuses the token with 401 APIGW.0301 when the IAM answers %s', async (_case, status, body) => {
    const tested = await fixtures.startTested(await answering(status, body));
    const now = tested.clock.now();
    const response = await tested.app.inject({
      url: `/v3/${PROJECT}/jobs?start_time=${now - HOUR}&end_time=${now}`,
      headers: { 'x-auth-token': 'some-token' },
    });
    expect(response.statusCode).toBe(401);
    expect(response.json().error_code).toBe('APIGW.0301');
  });

  it('refuses the token with 401 APIGW.0301 when the IAM is slower than the timeout', async () => {
    const body = JSON.stringify({
      token: {
        expires_at: future,
        user: { id: 'u' },
        project: { id: PROJECT },
        roles: [{ name: 'te_admin' }],
      },
    });
    const slow = await answering(200, body, 2_000);
    const tested = await fixtures.startTested(slow, { timeoutMs: 200 });
    const response = await tested.app.inject({
      url: `/v3/${PROJECT}/jobs?start_time=${tested.clock.now() - HOUR}&end_time=${tested.clock.now()}`,
      headers: { 'x-auth-token': 'some-token' },
    });
    expect(response.statusCode).toBe(401);
    expect(response.json().error_code).toBe('APIGW.0301');
  });

  it('accepts the same body answered in time: user, project and roles come from it', async () => {
    const body = JSON.stringify({
      token: {
        expires_at: future.replace(/Z$/, '000Z'),
        user: { id: 'u' },
        project: { id: PROJECT },
        roles: [{ id: 'r', name: 'readonly' }],
      },
    });
    const tested = await fixtures.startTested(await answering(200, body));
    const now = tested.clock.now();
    const response = await tested.app.inject({
      url: `/v3/${PROJECT}/jobs?start_time=${now - HOUR}&end_time=${now}`,
      headers: { 'x-auth-token': 'some-token' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().total).toBe(0);
  });
});
