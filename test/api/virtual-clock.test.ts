import { buildApp, type Store } from '@ddm-jobs/server';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DAY,
  gatewayErrorText,
  HOUR,
  listUrl,
  PARAMETER_ERROR,
  requestIdOf,
  SECOND,
} from '../support/api.js';
import { openTestStore, PASSWORD, PROJECT_A, startTestServer, type TestServer } from '../support/harness.js';
import { passwordSignIn } from '../support/keystone-body.js';

/** Issue 4, item 5: the virtual clock, and everything that follows it. */

describe('the virtual clock', () => {
  let server: TestServer;
  const START = Date.UTC(2026, 10, 28, 12, 0, 0);

  const moveClock = async (body: unknown) =>
    server.app.inject({
      method: 'POST',
      url: '/internal/v1/clock',
      headers: { 'x-auth-token': await server.tokenFor('worker') },
      payload: body as object,
    });

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('tells the time, and that it is virtual', async () => {
    const response = await server.app.inject({
      url: '/internal/v1/clock',
      headers: { 'x-auth-token': await server.tokenFor('worker') },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ now: START, time: '2026-11-28T12:00:00.000Z', virtual: true });
  });

  it('moves forward by advance_ms and to any instant by set', async () => {
    const advanced = await moveClock({ advance_ms: 90 * SECOND });
    expect(advanced.statusCode).toBe(200);
    expect(advanced.json()).toEqual({
      now: START + 90 * SECOND,
      time: '2026-11-28T12:01:30.000Z',
      virtual: true,
    });
    expect(server.clock.now()).toBe(START + 90 * SECOND);
    const set = await moveClock({ set: START });
    expect(set.json().now).toBe(START);
    expect(server.clock.now()).toBe(START);
  });

  it('refuses a body without exactly one move, and changes nothing', async () => {
    for (const [body, detail] of [
      [{}, 'The body must give exactly one of advance_ms and set.'],
      [{ advance_ms: 1, set: 2 }, 'The body must give exactly one of advance_ms and set.'],
      [{ advance_ms: -1 }, 'advance_ms must be a whole number of milliseconds, 0 or more.'],
      [{ advance_ms: 1.5 }, 'advance_ms must be a whole number of milliseconds, 0 or more.'],
      [{ set: '2026-01-01' }, 'set must be epoch milliseconds.'],
      [{ later: 5 }, 'later is not a known field.'],
      [{ advance_ms: 8_640_000_000_000_000 }, 'advance_ms would move the clock past the latest instant.'],
    ] as const) {
      const response = await moveClock(body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.body).toBe(PARAMETER_ERROR(detail));
    }
    expect(server.clock.now()).toBe(START);
  });

  it('is for the service role only', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/internal/v1/clock',
      headers: { 'x-auth-token': await server.tokenFor('alice') },
      payload: { advance_ms: 1 },
    });
    expect(response.statusCode).toBe(403);
    expect(server.clock.now()).toBe(START);
  });

  it('ends a token after 24 hours of clock with APIGW.0307', async () => {
    server.clock.set(START);
    const token = await server.tokenFor('alice');
    const url = () =>
      listUrl(PROJECT_A, { start_time: server.clock.now() - DAY, end_time: server.clock.now() });
    expect((await server.app.inject({ url: url(), headers: { 'x-auth-token': token } })).statusCode).toBe(
      200,
    );
    await moveClock({ advance_ms: 24 * HOUR - 1 });
    expect((await server.app.inject({ url: url(), headers: { 'x-auth-token': token } })).statusCode).toBe(
      200,
    );
    await moveClock({ advance_ms: 1 });
    const expired = await server.app.inject({ url: url(), headers: { 'x-auth-token': token } });
    expect(expired.statusCode).toBe(401);
    expect(expired.body).toBe(
      gatewayErrorText('APIGW.0307', 'The token must be updated', requestIdOf(expired)),
    );
  });

  it('stamps creation and end times with the virtual instant', async () => {
    server.clock.set(START + 2 * DAY);
    const job = await server.record({ name: 'CreateInstance' });
    expect(job.created_at).toBe(START + 2 * DAY);
    await moveClock({ advance_ms: 5 * 60 * SECOND });
    const done = await server.app.inject({
      method: 'PATCH',
      url: `/internal/v1/jobs/${job.id}`,
      headers: { 'x-auth-token': await server.tokenFor('worker') },
      payload: { status: 'Completed' },
    });
    expect(done.json().job.ended_at).toBe(START + 2 * DAY + 5 * 60 * SECOND);
  });

  it('puts a task created 31 days before now out of reach of the window rule', async () => {
    server.clock.set(START + 10 * DAY);
    const created = server.clock.now();
    const job = await server.record({ name: 'CreateInstance' });
    const list = async () =>
      server.app.inject({
        url: listUrl(PROJECT_A, { start_time: created, end_time: server.clock.now() }),
        headers: { 'x-auth-token': await server.tokenFor('alice') },
      });
    const seen = await list();
    expect(seen.json().jobs.map((j: { id: string }) => j.id)).toContain(job.id);
    await moveClock({ advance_ms: 31 * DAY });
    const refused = await list();
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error_code).toBe('DBS.280001');
  });
});

describe('the real clock', () => {
  let store: Store;
  let app: FastifyInstance;
  let server: TestServer;

  beforeAll(async () => {
    // The fixture identities come from a test server; a second app on the same file runs on the real clock.
    server = await startTestServer();
    store = await openTestStore(server.dataDir);
    app = await buildApp({ store, rateLimits: { perCredential: 0, perServiceCredential: 0, perAddress: 0 } });
  });
  afterAll(async () => {
    await app.close();
    await store.close();
    await server.close();
  });

  /** A token from the real-clock app itself: the test server's tokens carry its virtual time. */
  const workerToken = async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/v3/auth/tokens',
      payload: passwordSignIn({ name: 'worker', password: PASSWORD }, PROJECT_A),
    });
    return response.headers['x-subject-token'] as string;
  };

  it('is told as not virtual, and cannot be moved (409 DDMJOBS.0412)', async () => {
    const token = await workerToken();
    const told = await app.inject({ url: '/internal/v1/clock', headers: { 'x-auth-token': token } });
    expect(told.json().virtual).toBe(false);
    expect(Math.abs(told.json().now - Date.now())).toBeLessThan(60_000);
    const moved = await app.inject({
      method: 'POST',
      url: '/internal/v1/clock',
      headers: { 'x-auth-token': token },
      payload: { advance_ms: 1000 },
    });
    expect(moved.statusCode).toBe(409);
    expect(moved.json()).toEqual({
      error_code: 'DDMJOBS.0412',
      error_msg: 'The clock is not virtual: start the server with --clock virtual to move it.',
    });
  });

  it('offers no reset without the emulator', async () => {
    const token = await workerToken();
    const response = await app.inject({
      method: 'POST',
      url: '/internal/v1/reset',
      headers: { 'x-auth-token': token },
    });
    expect(response.statusCode).toBe(404);
    expect(response.json().error_code).toBe('APIGW.0101');
    // The gateway's message, then how to have the reset.
    expect(response.json().error_msg).toBe(
      "The API does not exist or has not been published in the environment (the reset is the emulator's: start the server with --emulator, or DDM_JOBS_EMULATOR=1)",
    );
  });
});
