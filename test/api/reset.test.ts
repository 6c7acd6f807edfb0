import { hashPassword } from '@ddm-jobs/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, listUrl } from '../support/api.js';
import { PASSWORD, PROJECT_A, startTestServer, type TestServer } from '../support/harness.js';
import { passwordSignIn } from '../support/keystone-body.js';

/** Issue 4, item 6: with the emulator, POST /internal/v1/reset isolates test suites. */

describe('the emulator reset', () => {
  let server: TestServer;

  const reset = async (user = 'worker') =>
    server.app.inject({
      method: 'POST',
      url: '/internal/v1/reset',
      headers: { 'x-auth-token': await server.tokenFor(user) },
    });
  const listAll = async () => {
    const now = server.clock.now();
    const response = await server.app.inject({
      url: listUrl(PROJECT_A, { start_time: now - DAY, end_time: now, limit: 128 }),
      headers: { 'x-auth-token': await server.tokenFor('alice') },
    });
    return response.json();
  };

  beforeAll(async () => {
    server = await startTestServer({
      emulator: true,
      rateLimits: { perCredential: 3, perServiceCredential: 3, perAddress: 0 },
    });
  });
  afterAll(() => server.close());

  it('is refused to a tenant, and then changes nothing', async () => {
    await server.record({ name: 'CreateInstance' });
    const response = await reset('alice');
    expect(response.statusCode).toBe(403);
    expect((await listAll()).total).toBe(1);
  });

  it('empties the tasks, tells the feed, and applies the declared identities again', async () => {
    server.clock.advance(1_000);
    const job = await server.record({ name: 'migrateLogicDb', database_name: 'db1' });
    // Something a test did to a declared user: reset brings the declared password back.
    const alice = await server.store.findUser({ name: 'alice', domainId: 'default' });
    await server.store.setUserPassword(alice?.id as string, await hashPassword('another one'));
    server.clock.advance(1_000);

    const response = await reset();
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ jobs: [] });

    const worker = await server.tokenFor('worker');
    const gone = await server.app.inject({
      url: `/internal/v1/jobs/${job.id}`,
      headers: { 'x-auth-token': worker },
    });
    expect(gone.statusCode).toBe(404);
    expect(await server.store.eventsAfter(0, 100)).toEqual([
      { cursor: expect.any(Number), type: 'reset', at: server.clock.now(), job: null },
    ]);
    const signIn = await server.app.inject({
      method: 'POST',
      url: '/v3/auth/tokens',
      payload: passwordSignIn({ name: 'alice', password: PASSWORD }, PROJECT_A),
    });
    expect(signIn.statusCode).toBe(201);
    expect((await listAll()).total).toBe(0);
  });

  it('refills the throttling buckets', async () => {
    server.clock.advance(10_000);
    server.realClock.advance(10_000);
    const token = await server.tokenFor('alice');
    const now = server.clock.now();
    const url = listUrl(PROJECT_A, { start_time: now - DAY, end_time: now });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await server.app.inject({ url, headers: { 'x-auth-token': token } })).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect((await reset()).statusCode).toBe(200);
    expect((await server.app.inject({ url, headers: { 'x-auth-token': token } })).statusCode).toBe(200);
  });
});
